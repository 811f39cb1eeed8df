"""Subcommands beyond build and check, registered with the CLI parser."""
from __future__ import annotations

REGISTER: list = []
