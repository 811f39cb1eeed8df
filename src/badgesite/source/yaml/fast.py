"""A fast path for loading the block-style YAML that ledgers are written in.

`parse(text, path, line_offset)` returns exactly what the reference loader
`reference.load(text, path, line_offset)` returns (the same values and types,
and the same positions in every PosDict and PosList), but only for a small subset
of YAML. It raises `Unsupported` as soon as it meets anything outside that subset;
the caller (`source.yaml.load`) then uses the reference loader, which also produces
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
so `2026-11-20` is a date and `yes` is True, exactly as in the reference loader.

Everything else is Unsupported: anchors, aliases, tags, `<<`, `?` keys, quoted or
non-string keys, folded and `|+` block scalars, multi-line plain, quoted or flow
scalars, nested flow collections, tabs, directives, `...`, several documents, a
scalar document, characters outside printable Unicode, nesting as deep as
the positions module's limit, and anything else in doubt.

Speed (about 10x reference.load on a generated 10,000-award ledger, bench/yaml_speed.py):
one regex pass (in C) splits every line into its lead, key and value, and sorts
out the values that need no further look (plain strings no resolver can type,
quoted text without escapes); one loop over those rows then builds the result
with a stack of open collections. Garbage collection is paused meanwhile.
"""
from __future__ import annotations

import gc
import re
from itertools import chain, islice

from . import positions
from .positions import PosDict, PosList
from .scalars import (MAX_DEPTH, MISSING, PLAIN_CHECK, RESOLVERS, TRAIL, TYPED, Unsupported, block_literal, scalar,
                      typed_plain)


# Characters libyaml reads as printable and not as a line break; anything else
# (tab, CR, NEL, LS, PS, BOM, control characters, lone surrogates) is Unsupported.
_ASCII_OK = bytes(range(0x20, 0x7F)) + b"\n"
_BAD_CHAR = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")

# First characters that keep a value off the fast path: ' ' (more spaces after
# the ':'), '#' (no value), quotes, flow and block indicators, other indicators,
# and any a resolver might type.
_SLOW_START = frozenset(" #\"'[{|") | PLAIN_CHECK | {c for c in RESOLVERS if c}

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
_good_keys: set[str] = set()  # keys known to be plain strings


def parse(text: str, path: str, line_offset: int = 0):
    """What reference.load(text, path, line_offset) returns, or raise Unsupported.

    `path` is not used: errors are the reference loader's to report."""
    if len(text) > positions.MAX_BYTES:
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
        if not TRAIL.match(rest, 3):
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
    typed = TYPED
    missing = MISSING
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
                        if len(stack) >= MAX_DEPTH:
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
                        if len(stack) >= MAX_DEPTH:
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
                    if len(stack) >= MAX_DEPTH:
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
                        value, end = block_literal(lines, line - offset, rest, indent)
                        node.append(value)
                        next(islice(it, end, end), None)  # skip its lines
                    else:
                        node.append(scalar(rest, line, column, len(stack) + 1))
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
                node[key], end = block_literal(lines, line - offset, rest, col - 1)
                next(islice(it, end, end), None)  # skip its lines
            else:
                node[key] = scalar(rest, line, column, len(stack) + 1)
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
    (the tests check it has the attributes of one the reference loader makes)."""
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
    if key[-1] == " " or len(key) > 1000 or key.startswith("...") or not isinstance(typed_plain(key), str):
        raise Unsupported("the key is not a plain string")
    if len(_good_keys) > 10_000:
        _good_keys.clear()
    _good_keys.add(key)


