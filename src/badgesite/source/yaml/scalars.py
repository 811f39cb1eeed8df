"""The scalars of the fast YAML subset: plain values typed as PyYAML types them,
quoted text, literal blocks and one-line flow collections (see fast.py).

Anything outside the subset raises Unsupported; the reference loader then reads it.
"""
from __future__ import annotations

import re

from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode

from . import positions
from .positions import PosDict, PosList


class Unsupported(Exception):
    """The text is outside the fast subset (or is not valid YAML): use the reference loader."""


MAX_DEPTH = positions.MAX_DEPTH - 2  # deepest collection; its items are one deeper

_SQ = re.compile(r"'((?:[^']|'')*)'")
_DQ = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPE = re.compile(r"\\(?:x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_SIMPLE_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f",
                   "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
                   "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}
# What may follow a complete value on its line: spaces, then a comment after a space.
TRAIL = re.compile(r" *(?:(?<= )#.*)?$")
_BLOCK_HEADER = re.compile(r"\|(-?)(?: +(?:#.*)?)?$")
# One scalar in a one-line flow collection; a plain one holds no ':', '#' or flow indicator.
_FLOW_ITEM = re.compile(r""" *(?:'((?:[^']|'')*)'|"((?:[^"\\]|\\.)*)"|"""
                        r"""((?:[^\s\-?:,\[\]{}#&*!|>'"%@`]|-[^\s\-?:,\[\]{}#])[^,\[\]{}#:]*))""")
_FLOW_EMPTY = re.compile(r" *[\]}]")
_FLOW_SEQ_NEXT = re.compile(r" *([,\]])")
_FLOW_MAP_NEXT = re.compile(r" *([,}])")

# Typing plain scalars: PyYAML's own implicit resolvers (those of the loader
# the reference uses) and SafeConstructor, for the tags a plain scalar can resolve to.
RESOLVERS = positions.LOADER.yaml_implicit_resolvers
if RESOLVERS.get(None):  # pragma: no cover - PyYAML registers none; the fast path assumes so
    raise ImportError("the fast YAML loader needs resolvers keyed by first character")
_CONSTRUCT = {tag: SafeConstructor.yaml_constructors[tag] for tag in (
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")}
_constructor = SafeConstructor()

# First characters of a plain value that need a closer look than the fast path's.
PLAIN_CHECK = frozenset("-?:,]}#&*!>%@`.")
MISSING = object()
TYPED: dict[str, object] = {}  # plain text a resolver might type -> its value


def typed_plain(text: str):
    """The value of a plain scalar, typed as PyYAML's SafeLoader types it."""
    resolvers = RESOLVERS.get(text[0])
    if resolvers is None:
        return text  # no resolver looks at it: a string
    value = TYPED.get(text, MISSING)
    if value is not MISSING:
        return value
    for tag, regexp in resolvers:
        if regexp.match(text):
            construct = _CONSTRUCT.get(tag)
            if construct is None:
                raise Unsupported(f"a plain scalar resolves to {tag}")
            try:
                value = construct(_constructor, ScalarNode(tag, text))
            except Exception:  # the reference loader reports it
                raise Unsupported("an invalid typed scalar") from None
            break
    else:
        value = text
    if len(TYPED) > 10_000:
        TYPED.clear()
    TYPED[text] = value
    return value


def scalar(v: str, line: int, column: int, depth: int):
    """A one-line value `v` (the rest of its line, starting at `column`) that is
    not a fast plain one: quoted, flow, or a plain scalar to type or check."""
    first = v[0]
    if first == "[" or first == "{":
        return _flow(v, line, column, depth)
    if first == '"' or first == "'":
        match = (_DQ if first == '"' else _SQ).match(v)
        if not match or not TRAIL.match(v, match.end()):
            raise Unsupported("a quoted scalar not alone on its line")
        body = match.group(1)
        return _double(body) if first == '"' else body.replace("''", "'")
    if " #" in v:
        v = v[:v.index(" #")]
    v = v.rstrip(" ")
    if ": " in v or v[-1] == ":":
        raise Unsupported("':' in a plain value")
    if first in PLAIN_CHECK:
        if first == "-":
            if len(v) == 1 or v[1] == " " or v.startswith("---"):
                raise Unsupported("a plain value starting with '-'")
        elif first != "." or v.startswith("..."):
            raise Unsupported("a plain value starting with an indicator")
    return typed_plain(v)


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


def block_literal(lines: list[str], i: int, v: str, parent: int) -> tuple[str, int]:
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
    if depth > MAX_DEPTH:
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
    if not TRAIL.match(v, end):
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
    return typed_plain(text)
