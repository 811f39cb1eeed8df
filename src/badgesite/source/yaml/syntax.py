"""A YAML syntax error, reported where the mistake was made.

PyYAML reports an unclosed `[`, `{` or quote where it gave up: often the next
line, or the end of the file. Its `context_mark` usually points at the opening
bracket or quote; `syntax_diagnostic` reports there, says what is unclosed, and
keeps the parser's own position as a note:

    content/awards/2026.yaml:14:8: error: this '[' is never closed
        (the parser gave up at line 17, column 1: did not find expected ',' or ']')

Any other syntax error is reported at the parser's position, as before.
"""
from __future__ import annotations

import re

import yaml

from ...errors import Diagnostic
from .positions import LOADER

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def syntax_diagnostic(exc: yaml.MarkedYAMLError, text: str, path: str, line_offset: int) -> Diagnostic:
    """The Diagnostic for a PyYAML syntax error in `text` (line numbers offset to the file)."""
    problem = exc.problem or exc.context or "invalid YAML"
    mark = exc.problem_mark or exc.context_mark
    gave_up = f"the parser gave up at {_where(mark, line_offset)}: {problem}" if mark else None
    opened = _unclosed_quote(exc, text) or (_unclosed_flow(text, mark) if mark else None)
    if opened is not None:
        line, col, char = opened
        return Diagnostic(path, line + 1 + line_offset, col + 1, f"this {_quote(char)} is never closed", hint=gave_up)
    quoted = _runaway_quote(text, mark) if mark else None
    if quoted is not None:
        start, end, char = quoted
        closing = f"line {end.line + 1 + line_offset}, column {end.column}"  # the mark is just after it
        hint = f"quoted text runs on, across lines, to the next {_quote(char)} at {closing}; {gave_up}"
        return Diagnostic(path, start.line + 1 + line_offset, start.column + 1,
                          f"this {_quote(char)} is not closed on its line", hint=hint)
    if exc.context and exc.problem:
        problem = f"{exc.problem} ({exc.context})"
    line = mark.line + 1 + line_offset if mark else 0
    col = mark.column + 1 if mark else 0
    return Diagnostic(path, line, col, f"YAML syntax error: {problem}")


def _where(mark, line_offset: int) -> str:
    return f"line {mark.line + 1 + line_offset}, column {mark.column + 1}"


def _quote(char: str) -> str:
    return f"\"{char}\"" if char == "'" else f"'{char}'"


def _at(mark) -> tuple[int, int]:
    return mark.line, mark.column


def _tokens(text: str):
    """The scanner's tokens, up to its first error (the scanner reads on past the
    parser's: it knows brackets and quotes, not what may stand where)."""
    try:
        yield from yaml.scan(text, Loader=LOADER)
    except yaml.YAMLError:
        return


def _unclosed_quote(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str] | None:
    """A quote after which the scanner read on to the end of the file (or to a '---' line)."""
    start = exc.context_mark
    if start is None or not (exc.context or "").startswith("while scanning a quoted scalar"):
        return None
    if "end of stream" not in (exc.problem or "") and "document" not in (exc.problem or ""):
        return None
    lines = _LINE_BREAK.split(text)
    line = lines[start.line] if start.line < len(lines) else ""
    char = line[start.column:start.column + 1]
    return (start.line, start.column, char) if char in ("'", "\"") else None


def _unclosed_flow(text: str, gave_up) -> tuple[int, int, str] | None:
    """The innermost '[' or '{' that is open where the parser gave up and that no
    bracket closes anywhere after it. None when the scanner stops before that place
    (then the scanner's own error, such as nesting too deep, is the one to report)."""
    stack: list[tuple[int, int, str]] = []
    opener, depth = None, 0
    for token in _tokens(text):
        if opener is None and _at(token.start_mark) >= _at(gave_up):
            if not stack:
                return None
            opener = stack[-1]
            depth = len(stack)
        if isinstance(token, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
            stack.append((token.start_mark.line, token.start_mark.column,
                          "[" if isinstance(token, yaml.FlowSequenceStartToken) else "{"))
        elif isinstance(token, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)) and stack:
            stack.pop()
            if opener is not None and len(stack) < depth:
                return None  # closed after all, further on: the mistake is elsewhere
    return opener


def _runaway_quote(text: str, gave_up):
    """(start mark, end mark, quote) of a quoted value that runs over a line end and
    ends on the line where the parser gave up: most often a quote that was meant to
    close on its own line, so that the next quote closed it instead."""
    last = None
    for token in _tokens(text):
        if _at(token.start_mark) >= _at(gave_up):
            break
        if isinstance(token, yaml.ScalarToken):
            last = token
    if last is None or last.style not in ("'", "\"") or last.start_mark.line == last.end_mark.line:
        return None
    if last.end_mark.line != gave_up.line:
        return None
    return last.start_mark, last.end_mark, last.style
