"""Where every YAML value came from, shared by the fast and the reference loader.

`PosDict` and `PosList` are a mapping and a sequence that remember the 1-based line
and column of their items; `YamlError` carries a Diagnostic; the limits (size,
nesting depth) and `LOADER` (libyaml's safe loader, whose resolvers type plain
scalars) are the same for both loaders.
"""
from __future__ import annotations

import yaml

from ...errors import Diagnostic

try:  # libyaml is much faster and keeps the same marks
    LOADER = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    LOADER = yaml.SafeLoader

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


def check_bounds(text: str, path: str, line_offset: int) -> None:
    if len(text) > MAX_BYTES:
        raise YamlError(Diagnostic(path, 0, 0, f"file is larger than {MAX_BYTES // 2**20} MB"))
    if "\t" in text:
        # YAML forbids tabs in indentation; say so plainly instead of a parser riddle
        for number, line in enumerate(text.splitlines(), 1):
            stripped = line.lstrip(" ")
            if stripped.startswith("\t"):
                raise YamlError(Diagnostic(path, number + line_offset, len(line) - len(stripped) + 1,
                                           "tab used for indentation; YAML needs spaces"))
