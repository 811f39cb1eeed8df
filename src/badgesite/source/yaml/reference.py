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

from ...errors import Diagnostic
from .positions import LOADER, MAX_DEPTH, Pos, PosDict, PosList, YamlError, check_bounds
from .syntax import syntax_diagnostic

_constructor = SafeConstructor()


def _mark(node, line_offset: int) -> Pos:
    return (node.start_mark.line + 1 + line_offset, node.start_mark.column + 1)


def load(text: str, path: str, line_offset: int = 0):
    """The reference parser (PyYAML's composer): any YAML, every error with its position."""
    check_bounds(text, path, line_offset)
    try:
        node = yaml.compose(text, Loader=LOADER)
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
    _count_depth(text, path, line_offset, LOADER)
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
