"""content/awards/*.yaml -> LedgerEntry: the raw awards, each with its file and position."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import Diagnostics
from .files import SourceError, read_text, relpath
from .yaml.positions import PosList, YamlError
from .yaml import load

AWARDS_DIR = "content/awards"
LEDGER_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass
class LedgerEntry:
    path: str
    ledger: str  # file stem
    position: int  # 0-based index in the file
    data: object  # a PosDict when well-formed
    line: int
    col: int


def ledger_files(root: Path) -> list[Path]:
    folder = root / AWARDS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith("."))


def read_ledger(root: Path, diagnostics: Diagnostics) -> list[LedgerEntry]:
    entries = []
    stems: dict[str, str] = {}
    for file in ledger_files(root):
        rel = relpath(root, file)
        if not LEDGER_NAME.match(file.stem):
            diagnostics.error(rel, 0, 0, "a ledger file name must be letters, digits, '-' or '_' (e.g. 2026.yaml)")
            continue
        if file.stem in stems:
            diagnostics.error(rel, 0, 0, f"two ledger files named '{file.stem}' ({stems[file.stem]})")
            continue
        stems[file.stem] = rel
        try:
            data = load(read_text(root, file), rel)
        except (SourceError, YamlError) as exc:
            diagnostics.extend([exc.diagnostic])
            continue
        if data is None:
            continue  # an empty ledger file is fine
        if not isinstance(data, PosList):
            line, col = getattr(data, "pos", (1, 1))
            diagnostics.error(rel, line, col, "a ledger file must be a list of awards, each starting with '- id: ...'")
            continue
        for position, item in enumerate(data):
            line, col = data.ipos(position)
            entries.append(LedgerEntry(rel, file.stem, position, item, line, col))
    return entries
