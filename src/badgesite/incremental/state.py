"""The output's state record, `.output.state.json` beside output/: the one module that
reads and writes it.

It says which generation of the site the live folder and the spare folder hold
(write.py keeps the two), the paths that the live generation changed (what the next
build links into the spare), and the live build's record: what the next build
compares with (its input digest, base fingerprint, ledger file versions, the digests
of its site-wide files, what it published, its size). Before the swap the record is
marked pending; a record that is pending, of another version, or about folders that
are not there is not trusted: read() gives {} and the next build starts over.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from ..write import spare_folder

STATE_VERSION = 2


class StateRecord:
    """The state record of one output folder (what write.Staging records the swap with)."""

    def __init__(self, output: Path):
        self.output = output
        self.path = output.parent / f".{output.name}.state.json"

    def read(self) -> dict:
        """The state record, {} when there is none to trust (none, or a swap was interrupted);
        `spare` is None when there is no spare folder to trust."""
        try:
            state = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
            return {}
        live, spare = state.get("live"), state.get("spare")
        if state.get("pending") or not isinstance(live, dict) or not isinstance(live.get("generation"), int) \
                or not self.output.is_dir():
            return {}
        if not isinstance(spare, dict) or not isinstance(spare.get("generation"), int) \
                or not spare_folder(self.output).is_dir():
            state["spare"] = None
        return state

    def write(self, live: dict | None, spare: dict | None, pending: bool = False) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        state = {"version": STATE_VERSION, "pending": pending, "live": live, "spare": spare}
        tmp.write_text(json.dumps(state, separators=(",", ":")), "utf-8")
        os.replace(tmp, self.path)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def read_state(output: Path) -> dict:
    return StateRecord(output).read()


def live_build(state: dict) -> dict:
    """The live build's record in a state record (read_state), {} when there is none."""
    last = (state.get("live") or {}).get("build")
    return last if isinstance(last, dict) else {}


def live_generation(output: Path) -> tuple[int, str] | None:
    """(generation, input digest) of the build in `output` (what outputindex follows);
    None when not known."""
    live = read_state(output).get("live") or {}
    build = live.get("build") or {}
    if not isinstance(live.get("generation"), int) or not isinstance(build.get("inputs"), str):
        return None
    return live["generation"], build["inputs"]
