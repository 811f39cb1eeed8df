"""Safe YAML loading that keeps a position for every key and value.

`load(text, path)` returns plain Python values in which every mapping is a
`PosDict` and every sequence a `PosList`; both remember where their items came
from, so later stages can say `file:line:col: message`. Anchors and aliases
are refused (they are what alias bombs are made of), nesting depth and
document size are bounded, and a syntax error becomes a `Diagnostic`.
"""
from __future__ import annotations

import yaml
from yaml.constructor import SafeConstructor

from ..errors import Diagnostic
from .yamlsyntax import syntax_diagnostic

try:  # libyaml is much faster and keeps the same marks
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 40

Pos = tuple[int, int]  # 1-based line and column


class PosDict(dict):
    """A mapping that knows where it, its keys and its values are."""

    pos: Pos = (0, 0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_pos: dict = {}
        self.value_pos: dict = {}

    def kpos(self, key) -> Pos:
        return self.key_pos.get(key, self.pos)

    def vpos(self, key) -> Pos:
        return self.value_pos.get(key, self.kpos(key))


class PosList(list):
    """A sequence that knows where it and each of its items are."""

    pos: Pos = (0, 0)

    def __init__(self, *args):
        super().__init__(*args)
        self.item_pos: list[Pos] = []

    def ipos(self, index: int) -> Pos:
        return self.item_pos[index] if index < len(self.item_pos) else self.pos


class YamlError(Exception):
    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


_constructor = SafeConstructor()


def _mark(node, line_offset: int) -> Pos:
    return (node.start_mark.line + 1 + line_offset, node.start_mark.column + 1)


def load(text: str, path: str, line_offset: int = 0):
    """Parse one YAML document; raise YamlError with the file position on any problem."""
    _bounds(text, path, line_offset)
    from . import fastyaml  # the common block-style subset, ten times faster; proven equal in tests

    try:
        return fastyaml.parse(text, path, line_offset)
    except fastyaml.Unsupported:
        return load_full(text, path, line_offset)  # anything else, and every error message


def _bounds(text: str, path: str, line_offset: int) -> None:
    if len(text) > MAX_BYTES:
        raise YamlError(Diagnostic(path, 0, 0, f"file is larger than {MAX_BYTES // 2**20} MB"))
    if "\t" in text:
        # YAML forbids tabs in indentation; say so plainly instead of a parser riddle
        for number, line in enumerate(text.splitlines(), 1):
            stripped = line.lstrip(" ")
            if stripped.startswith("\t"):
                raise YamlError(Diagnostic(path, number + line_offset, len(line) - len(stripped) + 1,
                                           "tab used for indentation; YAML needs spaces"))


def load_full(text: str, path: str, line_offset: int = 0):
    """The reference parser (PyYAML's composer): any YAML, every error with its position."""
    _bounds(text, path, line_offset)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:  # at the unclosed bracket or quote, when that is the mistake
        _refuse_deep_nesting(text, path, line_offset, exc.problem_mark or exc.context_mark)
        raise YamlError(syntax_diagnostic(exc, text, path, line_offset)) from None
    except yaml.YAMLError as exc:
        raise YamlError(Diagnostic(path, 0, 0, f"YAML error: {exc}")) from None
    except RecursionError:
        _refuse_deep_nesting(text, path, line_offset, None)
        raise YamlError(Diagnostic(path, 0, 0, "YAML is nested too deeply")) from None
    if node is None:
        return None
    return _convert(node, path, line_offset, 0, set())


def _too_deep(node_or_event, path: str, line_offset: int) -> YamlError:
    line, col = _mark(node_or_event, line_offset)
    return YamlError(Diagnostic(path, line, col, f"YAML is nested more than {MAX_DEPTH} levels deep"))


def _refuse_deep_nesting(text: str, path: str, line_offset: int, mark) -> None:
    """Raise our nesting error if `text` nests deeper than MAX_DEPTH before the parser failed.

    The parser may have a depth limit of its own (libyaml's, 1000 levels, reached
    through PyYAML 6.0.4): it fires before the tree exists, so before `_convert`
    sees the depth, and in the library's words. The events come one at a time,
    so counting them finds our limit first, with its position. libyaml reads up
    to 1024 characters of one line ahead (a flow collection may be a mapping
    key), so `[[[[...` fails before its first event: when the failing line opens
    that many flow collections, PyYAML's Python parser (no depth limit, the same
    look-ahead, a few times slower) counts the text up to that line instead.
    """
    _count_depth(text, path, line_offset, _Loader)
    if mark is None:
        _count_depth(text, path, line_offset, yaml.SafeLoader)
        return
    start = text.rfind("\n", 0, mark.index) + 1
    line = text[start:mark.index + 1]
    if line.count("[") + line.count("{") > MAX_DEPTH:
        end = text.find("\n", mark.index)
        _count_depth(text if end < 0 else text[:end], path, line_offset, yaml.SafeLoader)


def _count_depth(text: str, path: str, line_offset: int, loader) -> None:
    depth = 0  # collections open around the next node
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.NodeEvent) and depth > MAX_DEPTH:
                raise _too_deep(event, path, line_offset)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except (yaml.YAMLError, RecursionError):
        return  # not ours: the caller reports the parser's error


def _convert(node, path: str, line_offset: int, depth: int, seen: set[int]):
    if depth > MAX_DEPTH:
        raise _too_deep(node, path, line_offset)
    if id(node) in seen:  # the composer resolves an alias to the very same node
        line, col = _mark(node, line_offset)
        raise YamlError(Diagnostic(path, line, col, "YAML anchors and aliases (&, *) are not allowed"))
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        try:
            return _constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            line, col = _mark(node, line_offset)
            raise YamlError(Diagnostic(path, line, col, f"invalid value {node.value!r}: {exc}")) from None
    if isinstance(node, yaml.SequenceNode):
        result = PosList()
        result.pos = _mark(node, line_offset)
        for item in node.value:
            result.append(_convert(item, path, line_offset, depth + 1, seen))
            result.item_pos.append(_mark(item, line_offset))
        return result
    if isinstance(node, yaml.MappingNode):
        result = PosDict()
        result.pos = _mark(node, line_offset)
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                line, col = _mark(key_node, line_offset)
                raise YamlError(Diagnostic(path, line, col, "YAML merge keys (<<) are not allowed"))
            key = _convert(key_node, path, line_offset, depth + 1, seen)
            line, col = _mark(key_node, line_offset)
            if isinstance(key, (dict, list)):
                raise YamlError(Diagnostic(path, line, col, "a mapping key must be a plain value"))
            if key in result:
                raise YamlError(Diagnostic(path, line, col, f"duplicate key '{key}'"))
            result[key] = _convert(value_node, path, line_offset, depth + 1, seen)
            result.key_pos[key] = (line, col)
            result.value_pos[key] = _mark(value_node, line_offset)
        return result
    line, col = _mark(node, line_offset)  # pragma: no cover - yaml has only three node kinds
    raise YamlError(Diagnostic(path, line, col, "unsupported YAML node"))
