"""Typed reading of one YAML mapping: every wrong key or value becomes a Diagnostic.

`Fields(mapping, path, diagnostics)` wraps a PosDict. Each getter returns the
value when it is right and None (after recording an error at the value's own
line and column) when it is not, so one run reports every problem.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterable

from ..errors import Diagnostics, did_you_mean
from .yaml.positions import PosDict, PosList

EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$")
MAX_TEXT = 100_000

_TYPE_NAMES = {str: "text", int: "a whole number", float: "a number", bool: "true or false",
               list: "a list", dict: "a mapping", dt.date: "a date (YYYY-MM-DD)"}


def type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dt.datetime):
        return "a date and time"
    for kind, name in _TYPE_NAMES.items():
        if isinstance(value, kind):
            return name
    return type(value).__name__


class Fields:
    def __init__(self, mapping: PosDict, path: str, diagnostics: Diagnostics, context: str = ""):
        self.map = mapping
        self.path = path
        self.diag = diagnostics
        self.context = context  # e.g. "award 'py-2026-0007': "
        self.ok = True

    # -- positions and errors -------------------------------------------------
    def where(self, key: str | None = None) -> tuple[int, int]:
        if key is None or not isinstance(self.map, PosDict):
            return getattr(self.map, "pos", (0, 0))
        return self.map.vpos(key)

    def error(self, key: str | None, message: str, hint: str | None = None, pos: tuple[int, int] | None = None) -> None:
        line, col = pos or self.where(key)
        self.diag.error(self.path, line, col, self.context + message, hint)
        self.ok = False

    def warning(self, key: str | None, message: str, hint: str | None = None) -> None:
        line, col = self.where(key)
        self.diag.warning(self.path, line, col, self.context + message, hint)

    # -- structure ------------------------------------------------------------
    def known(self, allowed: Iterable[str]) -> None:
        allowed = list(allowed)
        for key in self.map:
            if not isinstance(key, str) or key not in allowed:
                self.error(None, f"unknown key '{key}'", did_you_mean(key, allowed), pos=self.map.kpos(key))

    def has(self, key: str) -> bool:
        return key in self.map and self.map[key] is not None

    def _get(self, key: str, required: bool):
        if key not in self.map or self.map[key] is None:
            if required:
                self.error(None, f"missing required field '{key}'")
            return None
        return self.map[key]

    def _wrong(self, key: str, expected: str) -> None:
        self.error(key, f"'{key}' must be {expected}, not {type_name(self.map[key])}")

    # -- scalars --------------------------------------------------------------
    def text(self, key: str, required: bool = False, max_len: int = MAX_TEXT) -> str | None:
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # `level: 3` is fine as text
        if not isinstance(value, str):
            self._wrong(key, "text")
            return None
        value = value.strip()
        if required and not value:
            self.error(key, f"'{key}' must not be empty")
            return None
        if len(value) > max_len:
            self.error(key, f"'{key}' is longer than {max_len} characters")
            return None
        return value

    def number(self, key: str, low: float, high: float, integer: bool = False) -> float | int | None:
        value = self._get(key, False)
        if value is None:
            return None
        kinds = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds):
            self._wrong(key, "a whole number" if integer else "a number")
            return None
        if not low <= value <= high:
            self.error(key, f"'{key}' must be between {low:g} and {high:g}, not {value:g}")
            return None
        return value

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self._get(key, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            self._wrong(key, "true or false")
            return default
        return value

    def date(self, key: str, required: bool = False) -> dt.date | None:
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.error(key, f"'{key}' must be a date written YYYY-MM-DD, not {value!r}")
        return None

    def email(self, key: str, required: bool = False) -> str | None:
        value = self.text(key, required, max_len=254)
        if value is None:
            return None
        if not EMAIL.match(value):
            self.error(key, f"'{key}' is not a valid e-mail address: {value!r}")
            return None
        return value.lower()

    def email_list(self, key: str) -> tuple[str, ...]:
        """A list of e-mail addresses (a single one is fine too), lower-cased."""
        result = []
        for item, pos in self.items(key, allow_single=True):
            if not isinstance(item, str) or not EMAIL.match(item.strip()):
                self.error(key, f"{item!r} in '{key}' is not an e-mail address", pos=pos)
            else:
                result.append(item.strip().lower())
        return tuple(result)

    def url(self, key: str, required: bool = False) -> str | None:
        value = self.text(key, required, max_len=2000)
        if value is None:
            return None
        if not URL.match(value):
            self.error(key, f"'{key}' must be an http(s) URL, not {value!r}")
            return None
        return value

    def choice(self, key: str, choices: Iterable[str], default: str | None = None) -> str | None:
        choices = list(choices)
        value = self.text(key)
        if value is None:
            return default
        if value not in choices:
            self.error(key, f"'{key}' must be one of {', '.join(choices)}, not '{value}'", did_you_mean(value, choices))
            return default
        return value

    # -- collections ----------------------------------------------------------
    def items(self, key: str, required: bool = False, allow_single: bool = False) -> list[tuple[Any, tuple[int, int]]]:
        """The items of a list with their positions ([] after an error)."""
        value = self._get(key, required)
        if value is None:
            return []
        if not isinstance(value, list):
            if allow_single and not isinstance(value, dict):
                return [(value, self.where(key))]
            self._wrong(key, "a list")
            return []
        if required and not value:
            self.error(key, f"'{key}' must not be empty")
        positions = value.ipos if isinstance(value, PosList) else (lambda i: self.where(key))
        return [(item, positions(i)) for i, item in enumerate(value)]

    def text_list(self, key: str, required: bool = False, allow_single: bool = True) -> tuple[str, ...]:
        result = []
        for item, pos in self.items(key, required, allow_single):
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str) or not item.strip():
                self.error(key, f"each item of '{key}' must be text, not {type_name(item)}", pos=pos)
                continue
            if len(item) > MAX_TEXT:
                self.error(key, f"an item of '{key}' is longer than {MAX_TEXT} characters", pos=pos)
                continue
            result.append(item.strip())
        return tuple(result)

    def mapping(self, key: str, required: bool = False) -> PosDict | None:
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, dict):
            self._wrong(key, "a mapping (key: value lines)")
            return None
        return value

    def sub(self, key: str, required: bool = False, context: str | None = None) -> "Fields | None":
        value = self.mapping(key, required)
        if value is None:
            return None
        return Fields(value, self.path, self.diag, self.context if context is None else context)
