"""YAML with positions: `load(text, path)` reads one document of a user file.

The fast loader (fast.py) reads the block-style subset that ledgers and front-matter
are written in, ten times faster; anything else, and every error message, comes from
the reference loader (reference.py, PyYAML's composer). Both return the same values
with the same positions (tests/test_fastyaml.py) and share positions.py.
"""
from __future__ import annotations

from . import fast, reference
from .positions import PosDict, PosList, YamlError, check_bounds

__all__ = ["PosDict", "PosList", "YamlError", "load"]


def load(text: str, path: str, line_offset: int = 0):
    """Parse one YAML document; raise YamlError with the file position on any problem."""
    check_bounds(text, path, line_offset)
    try:
        return fast.parse(text, path, line_offset)
    except fast.Unsupported:
        return reference.load(text, path, line_offset)  # anything else, and every error message
