"""Diagnostics: every problem a user can cause, with the file and line it is in.

The library never prints. It collects `Diagnostic`s; the CLI formats them as
`path:line:col: error: message` or as GitHub Actions annotations.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Iterable

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str  # relative to the site folder, with forward slashes
    line: int  # 1-based; 0 when the problem concerns the whole file
    col: int  # 1-based; 0 when unknown
    message: str
    severity: str = ERROR
    hint: str | None = None

    def format(self) -> str:
        # A problem with a whole file is reported on its first line, so every
        # message names a file and a line that editors and CI can jump to.
        where = f"{self.path}:{self.line or 1}"
        if self.col:
            where += f":{self.col}"
        text = f"{where}: {self.severity}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def annotation(self) -> str:
        """A GitHub Actions workflow command that shows on the pull request diff."""
        def esc(value: str) -> str:
            return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

        def prop(value: str) -> str:
            return esc(value).replace(":", "%3A").replace(",", "%2C")

        parts = [f"file={prop(self.path)}", f"line={self.line or 1}"]
        if self.col:
            parts.append(f"col={self.col}")
        message = self.message + (f" ({self.hint})" if self.hint else "")
        return f"::{self.severity} {','.join(parts)}::{esc(message)}"


@dataclass
class Diagnostics:
    """An ordered collection of diagnostics; the one place problems are gathered."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, path: str, line: int, col: int, message: str, hint: str | None = None) -> None:
        self.items.append(Diagnostic(path, line, col, message, ERROR, hint))

    def warning(self, path: str, line: int, col: int, message: str, hint: str | None = None) -> None:
        self.items.append(Diagnostic(path, line, col, message, WARNING, hint))

    def extend(self, other: Iterable[Diagnostic]) -> None:
        self.items.extend(other)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == WARNING]

    def __bool__(self) -> bool:
        return bool(self.errors)

    def sorted(self) -> list[Diagnostic]:
        seen: set[Diagnostic] = set()
        unique = []
        for d in sorted(self.items, key=lambda d: (d.path, d.line, d.col, d.message)):
            if d not in seen:
                seen.add(d)
                unique.append(d)
        return unique


class BadgesiteError(Exception):
    """A problem the user can fix, carrying its diagnostics."""

    def __init__(self, diagnostics: Iterable[Diagnostic] | str):
        if isinstance(diagnostics, str):
            diagnostics = [Diagnostic("", 0, 0, diagnostics)]
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


class UsageError(Exception):
    """A wrong command line: exit code 2."""


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A hint naming the closest candidate, as in "did you mean 'criteria'?"."""
    close = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None
