"""A fast path for loading the block-style YAML that ledgers are written in.

`parse(text, path, line_offset)` returns exactly what the reference loader
`yamlpos.load_full(text, path, line_offset)` returns (the same values and types,
and the same positions in every PosDict and PosList), but only for a small subset
of YAML. It raises `Unsupported` as soon as it meets anything outside that subset;
the caller (`yamlpos.load`) then uses the reference loader, which also produces
every error message. So this module never reports an error: invalid YAML is
always `Unsupported`.

The subset, one line at a time:
  - block mappings and block sequences by indentation (spaces only), including a
    sequence at its key's column (`key:` then `- item`) and `- key: value` items
  - keys: plain scalars that read as strings (no ':' or '#' in them), unique
    within their mapping
  - values: one-line plain scalars, single-quoted ('' escape) and double-quoted
    scalars (with the escapes libyaml knows), literal block scalars `|` and `|-`,
    and one-line flow collections `[a, b]` and `{k: v}` holding only such scalars
  - comments after whitespace, blank lines, a `---` first line, LF or CRLF
Plain scalars are typed by PyYAML's own implicit resolvers and SafeConstructor,
so `2026-11-20` is a date and `yes` is True, exactly as in yamlpos.

Everything else is Unsupported: anchors, aliases, tags, `<<`, `?` keys, quoted or
non-string keys, folded and `|+` block scalars, multi-line plain, quoted or flow
scalars, nested flow collections, tabs, directives, `...`, several documents, a
scalar document, characters outside printable Unicode, nesting as deep as
yamlpos's limit, and anything else in doubt.

Speed (about 10x load_full on a generated 10,000-award ledger, bench/yaml_speed.py):
one regex pass (in C) splits every line into its lead, key and value, and sorts
out the values that need no further look (plain strings no resolver can type,
quoted text without escapes); one loop over those rows then builds the result
with a stack of open collections. Garbage collection is paused meanwhile.
"""
from __future__ import annotations

import gc
import re
from itertools import chain, islice

from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode

from . import yamlpos
from .yamlpos import PosDict, PosList


class Unsupported(Exception):
    """The text is outside the fast subset (or is not valid YAML): use yamlpos.load."""


_MAX_DEPTH = yamlpos.MAX_DEPTH - 2  # deepest collection; its items are one deeper

# Characters libyaml reads as printable and not as a line break; anything else
# (tab, CR, NEL, LS, PS, BOM, control characters, lone surrogates) is Unsupported.
_ASCII_OK = bytes(range(0x20, 0x7F)) + b"\n"
_BAD_CHAR = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")

_SQ = re.compile(r"'((?:[^']|'')*)'")
_DQ = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPE = re.compile(r"\\(?:x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_SIMPLE_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f",
                   "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
                   "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}
# What may follow a complete value on its line: spaces, then a comment after a space.
_TRAIL = re.compile(r" *(?:(?<= )#.*)?$")
_BLOCK_HEADER = re.compile(r"\|(-?)(?: +(?:#.*)?)?$")
# One scalar in a one-line flow collection; a plain one holds no ':', '#' or flow indicator.
_FLOW_ITEM = re.compile(r""" *(?:'((?:[^']|'')*)'|"((?:[^"\\]|\\.)*)"|"""
                        r"""((?:[^\s\-?:,\[\]{}#&*!|>'"%@`]|-[^\s\-?:,\[\]{}#])[^,\[\]{}#:]*))""")
_FLOW_EMPTY = re.compile(r" *[\]}]")
_FLOW_SEQ_NEXT = re.compile(r" *([,\]])")
_FLOW_MAP_NEXT = re.compile(r" *([,}])")

# Typing plain scalars: PyYAML's own implicit resolvers (those of the loader
# yamlpos uses) and SafeConstructor, for the tags a plain scalar can resolve to.
_RESOLVERS = yamlpos._Loader.yaml_implicit_resolvers
if _RESOLVERS.get(None):  # pragma: no cover - PyYAML registers none; the fast path assumes so
    raise ImportError("fastyaml needs resolvers keyed by first character")
_CONSTRUCT = {tag: SafeConstructor.yaml_constructors[tag] for tag in (
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")}
_constructor = SafeConstructor()

# First characters of a plain value that need a closer look than the fast path's.
_PLAIN_CHECK = frozenset("-?:,]}#&*!>%@`.")
# First characters that keep a value off the fast path: ' ' (more spaces after
# the ':'), '#' (no value), quotes, flow and block indicators, other indicators,
# and any a resolver might type.
_SLOW_START = frozenset(" #\"'[{|") | _PLAIN_CHECK | {c for c in _RESOLVERS if c}

# One line: its lead (indentation, then a sequence entry's '-' and spaces), a
# plain key (then ': ', or a ':' that ends the line), and the rest of the line:
# as `plain` when it is a plain scalar that is surely a string (a fast first
# character, no ':' or '#', no trailing space), as `quoted` when it is a quoted
# scalar with no escapes in it, or else as `rest`.
# A key here starts as a plain scalar may, holds no ':' or '#', and is followed
# by ': '; _check_key checks the rest. (Possessive quantifiers: nothing here
# needs backtracking.)
_ROW = re.compile(r"( *+(?:- ++|-(?=\n))?+)(?:([^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n:#]*+):(?: |(?=\n)))?+"
                  r"(?:([^\n" + re.escape("".join(sorted(_SLOW_START))) + r"][^\n:#]*+)(?<! )(?=\n)"
                  r"|(\"[^\"\\\n]*+\"|'[^'\n]*+')(?=\n)|(.*+))\n")
_MISSING = object()
_typed: dict[str, object] = {}  # plain text a resolver might type -> its value
_good_keys: set[str] = set()  # keys known to be plain strings


def parse(text: str, path: str, line_offset: int = 0):
    """What yamlpos.load_full(text, path, line_offset) returns, or raise Unsupported.

    `path` is not used: errors are yamlpos's to report."""
    if len(text) > yamlpos.MAX_BYTES:
        raise Unsupported("too large")
    if "\r" in text:
        text = text.replace("\r\n", "\n")  # libyaml reads CRLF as one line break
    if text.isascii():
        if text.encode("ascii").translate(None, _ASCII_OK):
            raise Unsupported("a control character")
    elif _BAD_CHAR.search(text):
        raise Unsupported("a character outside the fast subset")
    # The result is a tree of new containers without cycles: collecting garbage
    # while it grows finds nothing and costs time (a tenth to a third of it).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _document(text, _ROW.findall(text + "\n"), line_offset + 1)
    finally:
        if collecting:
            gc.enable()


def _document(text: str, rows: list[tuple[str, str, str, str, str]], offset: int):
    """Build the document from its rows in one pass, with a stack of open collections.

    `node` is the innermost open collection, at column `indent`. After an entry
    with nothing after its `key:` or `-`, `pending` says that a more indented
    block (or, after a key, a sequence at the key's column) may be its value; if
    none follows, the value stays None. A row whose lead is `hot` (the spaces
    before the keys of the mapping `node`) and that has a key simply continues
    `node`, whose keys are at 1-based column `col`; `hot` is "x" when no row can.
    """
    it = enumerate(rows, offset)  # (line number, row)
    for line, (lead, key, plain, quoted, rest) in it:
        if key or plain or quoted or "-" in lead or (rest and rest[0] != "#"):
            break
    else:
        return None
    if not lead and not key and rest.startswith("---") and (len(rest) == 3 or rest[3] == " "):
        if not _TRAIL.match(rest, 3):
            raise Unsupported("content after ---")
        for line, (lead, key, plain, quoted, rest) in it:
            if key or plain or quoted or "-" in lead or (rest and rest[0] != "#"):
                break
        else:
            return None
    indent = lead.find("-")
    is_map = indent < 0
    if is_map:
        if not key:
            raise Unsupported("the document is not a block mapping or sequence")
        indent = len(lead)
    root = node = (_mapping if is_map else _sequence)((line, indent + 1))
    key_pos = value_pos = item_pos = None  # those of `node`, by its kind
    if is_map:
        key_pos, value_pos = node.key_pos, node.value_pos
    else:
        item_pos = node.item_pos
    hot = "x"
    col = 0
    stack = []  # the open collections around `node` (as many as its depth)
    pending = False
    pending_key = None
    lines = None  # the text's lines, split only for block scalars
    good_keys = _good_keys
    typed = _typed
    missing = _MISSING
    new_mapping = dict.__new__

    for line, (lead, key, plain, quoted, rest) in chain(((line, (lead, key, plain, quoted, rest)),), it):
        if lead != hot or not key:
            if "-" not in lead:  # 'key: ...' (or a blank or comment line)
                if not key:
                    if not plain and not quoted and (not rest or rest[0] == "#"):
                        continue
                    raise Unsupported("a line that is not 'key: value' or '- item'")
                n = len(lead)  # the row's indentation
                if pending:
                    pending = False
                    if n > indent:  # a mapping is the value
                        if len(stack) >= _MAX_DEPTH:
                            raise Unsupported("nested too deeply")
                        child = new_mapping(PosDict)  # as _mapping, inline for speed
                        child.pos = pos = (line, n + 1)
                        if is_map:
                            node[pending_key] = child
                            value_pos[pending_key] = pos
                        else:
                            node[-1] = child
                            item_pos[-1] = pos
                        stack.append((node, indent, is_map, key_pos, value_pos, item_pos))
                        child.key_pos = key_pos = {}
                        child.value_pos = value_pos = {}
                        node, indent, is_map = child, n, True
                while n < indent or (n == indent and not is_map):
                    if not stack:
                        raise Unsupported("a line after the end of the root")
                    node, indent, is_map, key_pos, value_pos, item_pos = stack.pop()
                if n > indent:
                    raise Unsupported("a more indented line after a value")
                hot = lead
                col = n + 1
            else:  # '- ...'
                n = lead.index("-")  # the row's indentation
                if pending:
                    pending = False
                    if n > indent or (n == indent and is_map):  # a sequence is the value
                        if len(stack) >= _MAX_DEPTH:
                            raise Unsupported("nested too deeply")
                        child = _sequence((line, n + 1))
                        if is_map:
                            node[pending_key] = child
                            value_pos[pending_key] = child.pos
                        else:
                            node[-1] = child
                            item_pos[-1] = child.pos
                        stack.append((node, indent, is_map, key_pos, value_pos, item_pos))
                        node, indent, is_map, item_pos = child, n, False, child.item_pos
                while n < indent:
                    if not stack:
                        raise Unsupported("a line after the end of the root")
                    node, indent, is_map, key_pos, value_pos, item_pos = stack.pop()
                if n > indent or is_map:
                    raise Unsupported("a '- ' entry where none can be")
                column = len(lead)  # of what follows the '- '
                if key:  # '- key: value' starts a mapping at the key
                    if len(stack) >= _MAX_DEPTH:
                        raise Unsupported("nested too deeply")
                    child = new_mapping(PosDict)  # as _mapping, inline for speed
                    child.pos = pos = (line, column + 1)
                    node.append(child)
                    item_pos.append(pos)
                    stack.append((node, indent, False, key_pos, value_pos, item_pos))
                    child.key_pos = key_pos = {}
                    child.value_pos = value_pos = {}
                    node, indent, is_map = child, column, True
                    hot = " " * column
                    col = column + 1  # and on to its first key, below
                else:
                    hot = "x"
                    if plain:
                        node.append(plain)
                    elif quoted:
                        node.append(quoted[1:-1])
                    elif not rest or rest[0] == "#":
                        node.append(None)
                        item_pos.append((line, n + 2))  # just after the '-'
                        pending = True
                        continue
                    elif rest[0] == "|":
                        if lines is None:
                            lines = text.split("\n")
                        value, end = _literal(lines, line - offset, rest, indent)
                        node.append(value)
                        next(islice(it, end, end), None)  # skip its lines
                    else:
                        node.append(_value(rest, line, column, len(stack) + 1))
                    item_pos.append((line, column + 1))
                    continue

        # 'key: ...' in the mapping `node`, at 1-based column `col`
        if key not in good_keys:
            _check_key(key)
        if key in node:
            raise Unsupported("duplicate key")
        key_pos[key] = (line, col)
        if plain:  # a plain string alone on its line: the most common value
            node[key] = plain
            value_pos[key] = (line, col + len(key) + 2)
            continue
        if quoted:  # "text" or 'text' alone on its line, with nothing to unescape
            node[key] = quoted[1:-1]
            value_pos[key] = (line, col + len(key) + 2)
            continue
        value = typed.get(rest, missing)  # a plain scalar met before, such as a date
        if value is not missing:
            node[key] = value
            value_pos[key] = (line, col + len(key) + 2)
            continue
        column = col + len(key) + 1  # 0-based, of the value
        if rest[:1] == " ":  # more spaces after the ':'
            value = rest.lstrip(" ")
            column += len(rest) - len(value)
            rest = value
        if rest and rest[0] != "#":
            first = rest[0]
            if first == "|":
                if lines is None:
                    lines = text.split("\n")
                node[key], end = _literal(lines, line - offset, rest, col - 1)
                next(islice(it, end, end), None)  # skip its lines
            else:
                node[key] = _value(rest, line, column, len(stack) + 1)
            value_pos[key] = (line, column + 1)
            continue
        node[key] = None
        value_pos[key] = (line, col + len(key) + 1)  # just after the ':'
        pending = True
        pending_key = key
        hot = "x"
    return root


def _mapping(pos) -> PosDict:
    """An empty PosDict at `pos`, made without the cost of a Python __init__ call
    (the tests check it has the attributes of one yamlpos makes)."""
    node = dict.__new__(PosDict)
    node.pos = pos
    node.key_pos = {}
    node.value_pos = {}
    return node


def _sequence(pos) -> PosList:
    """An empty PosList at `pos`, made as _mapping makes a PosDict."""
    node = list.__new__(PosList)
    node.pos = pos
    node.item_pos = []
    return node


def _check_key(key: str) -> None:
    """A key from _ROW must also not end in a space, not look like a document
    marker, fit in a simple key, and read as a string."""
    if key[-1] == " " or len(key) > 1000 or key.startswith("...") or not isinstance(_plain(key), str):
        raise Unsupported("the key is not a plain string")
    if len(_good_keys) > 10_000:
        _good_keys.clear()
    _good_keys.add(key)


def _plain(text: str):
    """The value of a plain scalar, typed as PyYAML's SafeLoader types it."""
    resolvers = _RESOLVERS.get(text[0])
    if resolvers is None:
        return text  # no resolver looks at it: a string
    value = _typed.get(text, _MISSING)
    if value is not _MISSING:
        return value
    for tag, regexp in resolvers:
        if regexp.match(text):
            construct = _CONSTRUCT.get(tag)
            if construct is None:
                raise Unsupported(f"a plain scalar resolves to {tag}")
            try:
                value = construct(_constructor, ScalarNode(tag, text))
            except Exception:  # yamlpos reports it
                raise Unsupported("an invalid typed scalar") from None
            break
    else:
        value = text
    if len(_typed) > 10_000:
        _typed.clear()
    _typed[text] = value
    return value


def _value(v: str, line: int, column: int, depth: int):
    """A one-line value `v` (the rest of its line, starting at `column`) that is
    not a fast plain one: quoted, flow, or a plain scalar to type or check."""
    first = v[0]
    if first == "[" or first == "{":
        return _flow(v, line, column, depth)
    if first == '"' or first == "'":
        match = (_DQ if first == '"' else _SQ).match(v)
        if not match or not _TRAIL.match(v, match.end()):
            raise Unsupported("a quoted scalar not alone on its line")
        body = match.group(1)
        return _double(body) if first == '"' else body.replace("''", "'")
    if " #" in v:
        v = v[:v.index(" #")]
    v = v.rstrip(" ")
    if ": " in v or v[-1] == ":":
        raise Unsupported("':' in a plain value")
    if first in _PLAIN_CHECK:
        if first == "-":
            if len(v) == 1 or v[1] == " " or v.startswith("---"):
                raise Unsupported("a plain value starting with '-'")
        elif first != "." or v.startswith("..."):
            raise Unsupported("a plain value starting with an indicator")
    return _plain(v)


def _double(body: str) -> str:
    return _ESCAPE.sub(_unescape, body) if "\\" in body else body


def _unescape(match) -> str:
    code = match.group(1) or match.group(2) or match.group(3)
    if code:
        number = int(code, 16)
        if 0xD800 <= number <= 0xDFFF or number > 0x10FFFF:
            raise Unsupported("an escape for no character")
        return chr(number)
    char = _SIMPLE_ESCAPES.get(match.group(4))
    if char is None:
        raise Unsupported("an unknown escape")
    return char


def _literal(lines: list[str], i: int, v: str, parent: int) -> tuple[str, int]:
    """A literal block scalar (`|` or `|-`) whose header `v` is on line index i, in
    a collection at column `parent`. Returns its text and how many lines it spans
    after the header."""
    header = _BLOCK_HEADER.match(v)
    if not header:
        raise Unsupported("a block scalar header")
    count = len(lines)
    k = i + 1
    widest = 0
    while k < count:  # leading empty lines
        line = lines[k]
        stripped = line.lstrip(" ")
        if stripped:
            break
        widest = max(widest, len(line))
        k += 1
    else:
        raise Unsupported("an empty block scalar")
    indent = len(line) - len(stripped)
    if indent <= parent or widest > indent:
        raise Unsupported("block scalar indentation")
    parts = [""] * (k - i - 1)
    parts.append(line[indent:])
    last, kept = k, len(parts)
    k += 1
    while k < count:
        line = lines[k]
        stripped = line.lstrip(" ")
        if stripped:
            if len(line) - len(stripped) < indent:
                break
        elif len(line) <= indent:
            parts.append("")
            k += 1
            continue
        parts.append(line[indent:])
        last, kept = k, len(parts)
        k += 1
    text = "\n".join(parts[:kept])
    if not header.group(1) and last < count - 1:
        text += "\n"  # clip: keep the line break after the last line
    return text, k - i - 1


def _flow(v: str, line: int, column: int, depth: int):
    """A one-line flow sequence or mapping of scalars, `v` starting at `column`."""
    if depth > _MAX_DEPTH:
        raise Unsupported("nested too deeply")
    empty = _FLOW_EMPTY.match(v, 1)
    if v[0] == "[":
        node = PosList()
        node.pos = (line, column + 1)
        if empty and v[empty.end() - 1] == "]":
            end = empty.end()
        else:
            end = 1
            while True:
                item = _FLOW_ITEM.match(v, end)
                if not item:
                    raise Unsupported("a flow sequence item")
                value, start = _flow_value(item)
                node.append(value)
                node.item_pos.append((line, column + start + 1))
                sep = _FLOW_SEQ_NEXT.match(v, item.end())
                if not sep:
                    raise Unsupported("a flow sequence separator")
                end = sep.end()
                if sep.group(1) == "]":
                    break
    else:
        node = PosDict()
        node.pos = (line, column + 1)
        if empty and v[empty.end() - 1] == "}":
            end = empty.end()
        else:
            end = 1
            while True:
                item = _FLOW_ITEM.match(v, end)
                if not item or item.group(3) is None or not v.startswith(": ", item.end()):
                    raise Unsupported("a flow mapping key")
                key = item.group(3).rstrip(" ")
                if key in node or not isinstance(_flow_plain(key), str):
                    raise Unsupported("a flow mapping key")
                node.key_pos[key] = (line, column + item.start(3) + 1)
                item = _FLOW_ITEM.match(v, item.end() + 2)
                if not item:
                    raise Unsupported("a flow mapping value")
                node[key], start = _flow_value(item)
                node.value_pos[key] = (line, column + start + 1)
                sep = _FLOW_MAP_NEXT.match(v, item.end())
                if not sep:
                    raise Unsupported("a flow mapping separator")
                end = sep.end()
                if sep.group(1) == "}":
                    break
    if not _TRAIL.match(v, end):
        raise Unsupported("text after a flow collection")
    return node


def _flow_value(item) -> tuple[object, int]:
    """The value of a _FLOW_ITEM match and the index where it starts."""
    plain = item.group(3)
    if plain is not None:
        return _flow_plain(plain.rstrip(" ")), item.start(3)
    if item.group(1) is not None:
        return item.group(1).replace("''", "'"), item.start(1) - 1
    return _double(item.group(2)), item.start(2) - 1


def _flow_plain(text: str):
    if text.startswith("..."):
        raise Unsupported("a plain scalar like a document marker")
    return _plain(text)
