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

_constructor = SafeConstructor()


def _mark(node, line_offset: int) -> Pos:
    return (node.start_mark.line + 1 + line_offset, node.start_mark.column + 1)


def load(text: str, path: str, line_offset: int = 0):
    """The reference parser (PyYAML's composer): any YAML, every error with its position."""
    check_bounds(text, path, line_offset)
    try:
        node = yaml.compose(text, Loader=LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else 0
        col = mark.column + 1 if mark else 0
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            problem = f"{exc.problem} ({exc.context})"
        raise YamlError(Diagnostic(path, line, col, f"YAML syntax error: {problem}")) from None
    except yaml.YAMLError as exc:
        raise YamlError(Diagnostic(path, 0, 0, f"YAML error: {exc}")) from None
    except RecursionError:
        raise YamlError(Diagnostic(path, 0, 0, "YAML is nested too deeply")) from None
    if node is None:
        return None
    return _convert(node, path, line_offset, 0, set())


def _convert(node, path: str, line_offset: int, depth: int, seen: set[int]):
    if depth > MAX_DEPTH:
        line, col = _mark(node, line_offset)
        raise YamlError(Diagnostic(path, line, col, f"YAML is nested more than {MAX_DEPTH} levels deep"))
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
