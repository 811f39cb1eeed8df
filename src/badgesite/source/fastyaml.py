"""A fast path for `yamlpos.load` on the block-style YAML that ledgers are written in.

`parse(text, path, line_offset)` returns exactly what `yamlpos.load(text, path,
line_offset)` returns (the same values and types, and the same positions in every
PosDict and PosList), but only for a small subset of YAML. It raises `Unsupported`
as soon as it meets anything outside that subset; the caller then uses
`yamlpos.load`, which also produces every error message. So this module never
reports an error: invalid YAML is always `Unsupported`.

The subset, one line at a time:
  - block mappings and block sequences by indentation (spaces only), including a
    sequence at its key's indentation (`key:` then `- item`) and `- key: value`
  - keys: plain scalars that read as strings, unique within their mapping
  - values: single-line plain scalars, single-quoted ('' escape) and double-quoted
    scalars (the escapes libyaml knows), literal block scalars `|` and `|-`, and
    one-line flow collections `[a, b]` / `{k: v}` holding only such scalars
  - comments after whitespace, blank lines, a `---` first line, LF or CRLF
Plain scalars are typed by PyYAML's own implicit resolvers and SafeConstructor,
so `2026-11-20` is a date and `yes` is True, exactly as in yamlpos.

Everything else is Unsupported: anchors, aliases, tags, `<<`, `?` keys, quoted or
non-string keys, folded or `|+` block scalars, multi-line plain, quoted or flow
scalars, tabs, directives, `...`, several documents, a scalar document, unusual
characters, nesting deeper than yamlpos allows, and anything else in doubt.
"""
from __future__ import annotations

import re
from itertools import chain, islice

from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode

from . import yamlpos
from .yamlpos import PosDict, PosList


class Unsupported(Exception):
    """The text is outside the fast subset (or is not valid YAML): use yamlpos.load."""


_MAX_DEPTH = yamlpos.MAX_DEPTH - 2  # deepest collection allowed; yamlpos allows its items one deeper

# Characters libyaml reads as printable and not as a line break; anything else
# (tabs, CR, NEL, LS, PS, BOM, control characters, lone surrogates) is Unsupported.
_BAD_CHAR = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")

# A plain key: cannot start with an indicator (nor '-'), and holds no comment.
_KEY = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`](?:(?! #).)*")
_SQ = re.compile(r"'((?:[^']|'')*)'")
_DQ = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPE = re.compile(r"\\(?:x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_SIMPLE_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f",
                   "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
                   "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}
# What may follow a complete value on its line: spaces, then a comment after a space.
_TRAIL = re.compile(r" *(?:(?<= )#.*)?$")
_BLOCK_HEADER = re.compile(r"\|(-?)(?: +(?:#.*)?)?$")
# One scalar inside a one-line flow collection; a plain one has no ':', '#' or flow indicator.
_FLOW_ITEM = re.compile(r""" *(?:'((?:[^']|'')*)'|"((?:[^"\\]|\\.)*)"|"""
                        r"""((?:[^\s\-?:,\[\]{}#&*!|>'"%@`]|-[^\s\-?:,\[\]{}#])[^,\[\]{}#:]*))""")
_FLOW_EMPTY = re.compile(r" *[\]}]")
_FLOW_SEQ_NEXT = re.compile(r" *([,\]])")
_FLOW_MAP_NEXT = re.compile(r" *([,}])")

# First characters of a plain value that need a closer look (the quoting, flow
# and block indicators are dispatched before the plain path).
_PLAIN_CHECK = frozenset("-?:,]}#&*!>%@`.")

# Typing plain scalars: PyYAML's own implicit resolvers (the ones yamlpos uses)
# and SafeConstructor, for the tags a safe load produces from a plain scalar.
_RESOLVERS = yamlpos._Loader.yaml_implicit_resolvers
_WILDCARD = _RESOLVERS.get(None, [])
# First characters that send a value off the fast path: quotes, flow and block
# indicators, other indicators, and whatever a resolver might type.
_SLOW_START = frozenset("\"'[{|") | _PLAIN_CHECK | {c for c in _RESOLVERS if c} | ({*map(chr, range(0x110000))} if _WILDCARD else set())
_CONSTRUCT = {tag: SafeConstructor.yaml_constructors[tag] for tag in (
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")}
_constructor = SafeConstructor()
_MISSING = object()
_typed: dict[str, object] = {}  # plain text -> value, for texts a resolver might match
_keys: dict[str, str] = {}  # text before ': ' -> the key it is known to be


# One line: indentation, a sequence entry's '- ', a plain key and its ':', the rest.
# A key here has no ':' or '#' at all; a line whose key does is Unsupported.
_ROW = re.compile(r"( *)(-(?: +|(?=\n)))?"
                  r"(?:([^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n:#]*)(:(?: +|(?=\n))))?(.*)\n")


def parse(text: str, path: str, line_offset: int = 0):
    """What yamlpos.load(text, path, line_offset) returns, or raise Unsupported."""
    if len(text) > yamlpos.MAX_BYTES:
        raise Unsupported("too large")
    if "\r" in text:
        text = text.replace("\r\n", "\n")  # libyaml reads CRLF as one line break
    if _BAD_CHAR.search(text):
        raise Unsupported("character outside the fast subset")
    return _document(text, _ROW.findall(text + "\n"), line_offset + 1)


def _plain(text: str):
    """The value of a plain scalar, typed as PyYAML's SafeLoader types it."""
    if not _WILDCARD:
        resolvers = _RESOLVERS.get(text[0])
        if resolvers is None:
            return text  # nothing can match: a string
    else:  # pragma: no cover - PyYAML registers no wildcard resolver
        resolvers = _RESOLVERS.get(text[0], []) + _WILDCARD
    value = _typed.get(text, _MISSING)
    if value is not _MISSING:
        return value
    for tag, regexp in resolvers:
        if regexp.match(text):
            construct = _CONSTRUCT.get(tag)
            if construct is None:
                raise Unsupported(f"plain scalar resolves to {tag}")
            try:
                value = construct(_constructor, ScalarNode(tag, text))
            except Exception:  # yamlpos reports it
                raise Unsupported("invalid typed scalar") from None
            break
    else:
        value = text
    if len(_typed) > 10_000:
        _typed.clear()
    _typed[text] = value
    return value


def _checked_plain(text: str):
    """A plain scalar from a flow collection or a cut block line, checked further."""
    if text.startswith(("---", "...")):
        raise Unsupported("plain scalar looks like a document marker")
    return _plain(text)


def _block_plain(v: str):
    """The value of a plain scalar that starts `v`, the rest of a block line."""
    cut = v.find(" #")
    if cut >= 0:
        v = v[:cut]
    v = v.rstrip(" ")
    if ": " in v or v[-1] == ":":
        raise Unsupported("':' in a plain value")
    first = v[0]
    if first in _PLAIN_CHECK:
        if first == "-":
            if len(v) == 1 or v[1] == " " or v.startswith("---"):
                raise Unsupported("plain value starts with an indicator")
        elif first != "." or v.startswith("..."):
            raise Unsupported("plain value starts with an indicator")
    return _plain(v)


def _key(raw: str) -> str:
    """The key written as `raw` (the text before ': '), which must be a plain string."""
    key = raw.rstrip(" ")
    if (len(raw) > 1000 or not key or not _KEY.fullmatch(key) or key.startswith("...")
            or not isinstance(_plain(key), str)):
        raise Unsupported("key is not a plain string")
    if len(_keys) > 10_000:
        _keys.clear()
    _keys[raw] = key
    return key


def _unescape(match) -> str:
    code = match.group(1) or match.group(2) or match.group(3)
    if code:
        number = int(code, 16)
        if 0xD800 <= number <= 0xDFFF or number > 0x10FFFF:
            raise Unsupported("invalid escape")
        return chr(number)
    char = _SIMPLE_ESCAPES.get(match.group(4))
    if char is None:
        raise Unsupported("unknown escape")
    return char


def _double(body: str) -> str:
    return _ESCAPE.sub(_unescape, body) if "\\" in body else body


def _document(text: str, rows: list[tuple[str, str, str, str, str]], offset: int):
    """Build the document from its rows, one pass, with a stack of open collections.

    `node` is the innermost open collection, at column `indent`. After an entry
    with no value on its line (`key:` or `-`), `pending` says that a more
    indented block (or, for a key, a sequence at the key's column) may follow;
    if none does, the value stays None.
    """
    lines = None  # the text's lines, split only for block scalars
    it = enumerate(rows)
    for i, (ind, dash, key, sep, rest) in it:
        if dash or key or (rest and rest[0] != "#"):
            break
    else:
        return None
    if not ind and not dash and not key and rest.startswith("---") and (len(rest) == 3 or rest[3] == " "):
        if not _TRAIL.match(rest, 3):
            raise Unsupported("content after ---")
        for i, (ind, dash, key, sep, rest) in it:
            if dash or key or (rest and rest[0] != "#"):
                break
        else:
            return None
    if not dash and not key:
        raise Unsupported("the document is not a mapping or a sequence")
    indent = len(ind)
    root = node = PosList() if dash else PosDict()
    is_map = not dash
    root.pos = (i + offset, indent + 1)
    if is_map:
        key_pos, value_pos = node.key_pos, node.value_pos
    else:
        item_pos = node.item_pos
    stack = []
    depth = 0
    pending = False
    pending_key = None
    hot = indent if is_map else -2  # the column of a plain next key, when one may come
    keys = _keys
    slow_start = _SLOW_START
    for i, (ind, dash, key, sep, rest) in chain(((i, (ind, dash, key, sep, rest)),), it):
        n = len(ind)
        if n != hot or not key or dash:
            if not dash and not key:
                if not rest or rest[0] == "#":
                    continue  # blank or comment line
                raise Unsupported("a line that is not 'key: value' or '- item'")
            if pending:
                pending = False
                if n > indent or (n == indent and is_map and dash):
                    if depth >= _MAX_DEPTH:
                        raise Unsupported("nested too deeply")
                    child = PosList() if dash else PosDict()
                    child.pos = (i + offset, n + 1)
                    if is_map:
                        node[pending_key] = child
                        value_pos[pending_key] = child.pos
                    else:
                        node[-1] = child
                        item_pos[-1] = child.pos
                    stack.append((node, indent, is_map))
                    node, indent, is_map = child, n, not dash
                    depth += 1
                    if is_map:
                        key_pos, value_pos = node.key_pos, node.value_pos
                    else:
                        item_pos = node.item_pos
            while n < indent or (n == indent and not is_map and not dash):
                if not stack:
                    raise Unsupported("a line after the end of the document's root")
                node, indent, is_map = stack.pop()
                depth -= 1
                if is_map:
                    key_pos, value_pos = node.key_pos, node.value_pos
                else:
                    item_pos = node.item_pos
            if n > indent:
                raise Unsupported("a more indented line after a value")
            if is_map:
                if dash:
                    raise Unsupported("a sequence entry in a mapping")
                hot = indent
            else:
                column = n + len(dash)
                line = i + offset
                if key:  # '- key: value' starts a mapping at the key
                    if depth >= _MAX_DEPTH:
                        raise Unsupported("nested too deeply")
                    child = PosDict()
                    child.pos = (line, column + 1)
                    node.append(child)
                    item_pos.append(child.pos)
                    stack.append((node, indent, False))
                    node, indent, is_map = child, column, True
                    key_pos, value_pos = node.key_pos, node.value_pos
                    depth += 1
                    n = hot = column
                else:
                    hot = -2
                    if not rest or rest[0] == "#":
                        node.append(None)
                        item_pos.append((line, n + 2))  # just after the '-'
                        pending = True
                    else:
                        if rest[0] in slow_start:
                            if rest[0] == "|":
                                if lines is None:
                                    lines = text.split("\n")
                                value, end = _literal(lines, i, rest, indent)
                                if end > i + 1:
                                    next(islice(it, end - i - 1, end - i - 1), None)  # skip its lines
                            else:
                                value = _value(rest, line, column, depth + 1)
                        else:
                            value = _fast_plain(rest)
                        node.append(value)
                        item_pos.append((line, column + 1))
                    continue
        # 'key: ...' in the mapping `node`, at its column n
        k = keys.get(key) or _key(key)
        if k in node:
            raise Unsupported("duplicate key")
        line = i + offset
        key_pos[k] = (line, n + 1)
        if rest and rest[0] != "#":
            if rest[0] in slow_start:
                if rest[0] == "|":
                    if lines is None:
                        lines = text.split("\n")
                    value, end = _literal(lines, i, rest, n)
                    if end > i + 1:
                        next(islice(it, end - i - 1, end - i - 1), None)  # skip its lines
                else:
                    value = _value(rest, line, n + len(key) + len(sep), depth + 1)
            else:
                value = _fast_plain(rest)
            node[k] = value
            value_pos[k] = (line, n + len(key) + len(sep) + 1)
        else:
            node[k] = None
            value_pos[k] = (line, n + len(key) + 2)  # just after the ':'
            pending = True
            pending_key = k
            hot = -2
    return root


def _fast_plain(v: str) -> str:
    """A plain value that starts with a character no resolver or indicator cares about."""
    cut = v.find(" #")
    if cut >= 0:
        v = v[:cut]
    v = v.rstrip(" ")
    if ": " in v or v[-1] == ":":
        raise Unsupported("':' in a plain value")
    return v


def _value(v: str, line: int, column: int, depth: int):
    """A value on one line that is not a fast plain one: quoted, flow, or a plain
    scalar that may be typed or start with an indicator."""
    first = v[0]
    if first == "[" or first == "{":
        return _flow(v, line, column, depth)
    if first == '"' or first == "'":
        match = (_DQ if first == '"' else _SQ).match(v)
        if not match or not _TRAIL.match(v, match.end()):
            raise Unsupported("quoted scalar not alone on its line")
        body = match.group(1)
        return _double(body) if first == '"' else body.replace("''", "'")
    return _block_plain(v)


def _literal(lines: list[str], i: int, v: str, parent: int):
    """A literal block scalar (`|` or `|-`) whose header `v` is on line i, in a
    collection at column `parent`. Returns the text and the index of the next line."""
    header = _BLOCK_HEADER.match(v)
    if not header:
        raise Unsupported("block scalar header")
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
        raise Unsupported("empty block scalar")
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
        text += "\n"  # clip: the line break after the last line
    return text, k


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
                    raise Unsupported("flow sequence item")
                value, start = _flow_value(item)
                node.append(value)
                node.item_pos.append((line, column + start + 1))
                sep = _FLOW_SEQ_NEXT.match(v, item.end())
                if not sep:
                    raise Unsupported("flow sequence separator")
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
                    raise Unsupported("flow mapping key")
                key = item.group(3).rstrip(" ")
                if key in node or not isinstance(_checked_plain(key), str):
                    raise Unsupported("flow mapping key")
                node.key_pos[key] = (line, column + item.start(3) + 1)
                item = _FLOW_ITEM.match(v, item.end() + 2)
                if not item:
                    raise Unsupported("flow mapping value")
                node[key], start = _flow_value(item)
                node.value_pos[key] = (line, column + start + 1)
                sep = _FLOW_MAP_NEXT.match(v, item.end())
                if not sep:
                    raise Unsupported("flow mapping separator")
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
        return _checked_plain(plain.rstrip(" ")), item.start(3)
    if item.group(1) is not None:
        return item.group(1).replace("''", "'"), item.start(1) - 1
    return _double(item.group(2)), item.start(2) - 1
