"""`badgesite stats`: the programme's figures (documents/stats.py), from the facts the
ledger cache gives (incremental/facts.py), as a table, JSON or an HTML report
(output/statsreport.py)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .documents.stats import Programme, count
from .errors import Diagnostics
from .incremental.facts import read_facts
from .incremental.memos import template_cache
from .output import statsreport
from .output.statsreport import text_table, to_json, write_report

__all__ = ["figures", "report", "text_table", "to_json", "write_report"]


def figures(root: Path, today: dt.date) -> tuple[Programme | None, dict | None, Diagnostics | None]:
    """(programme, figures, None), or (None, None, Diagnostics) when the site has errors."""
    programme, diagnostics = read_facts(root)
    if programme is None:
        return None, None, diagnostics
    return programme, count(programme.badges, programme.facts, today), None


def report(root: Path, config, figures: dict) -> bytes:
    """The private report (output/statsreport.py), its templates compiled once for all runs."""
    return statsreport.report(root, config, figures, template_cache(root))
