"""Run the independent JavaScript verifier (tests/js) from pytest.

The harness uses Digital Bazaar's @digitalbazaar/vc + data-integrity +
eddsa-rdfc-2022-cryptosuite + vc-bitstring-status-list and ajv, fully offline
(see tests/js/loader.mjs). Install it once with `npm ci` in tests/js; without it
(or without node) the tests that need it are skipped with that instruction.

    results = verify_credentials([path, ...], {"https://example.org/badges/": out_dir})
    # -> [{file, verified, schemaValid, schemaErrors, statusRevoked, errors}, ...]
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from importlib import resources
from pathlib import Path
from typing import Iterable, Mapping

import pytest

JS_DIR = Path(__file__).resolve().parents[1] / "js"
DEFAULT_SCHEMA = Path(
    str(resources.files("badgesite").joinpath("contexts", "ob_v3p0_achievementcredential_schema.json"))
)
_BATCH = 400  # files per node process (keeps the command line short)


def harness_problem() -> str | None:
    """Why the JS harness cannot run, or None if it can."""
    if shutil.which("node") is None:
        return "node is not installed (the JS verifier harness needs Node 18+; then run `npm ci` in tests/js)"
    if not (JS_DIR / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        return f"JS verifier harness not installed: run `npm ci` in {JS_DIR}"
    return None


def require_harness() -> None:
    problem = harness_problem()
    if problem:
        pytest.skip(problem)


def _site_args(mapping: Mapping[str, str | os.PathLike] | None) -> list[str]:
    args: list[str] = []
    for base, directory in (mapping or {}).items():
        args += ["--site", f"{base}={Path(directory).resolve()}"]
    return args


def _run(script: str, args: list[str], timeout: float) -> list[dict]:
    proc = subprocess.run(
        ["node", script, *args],
        cwd=JS_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode not in (0, 1) or not proc.stdout.strip():
        raise RuntimeError(
            f"node {script} failed (exit {proc.returncode}):\n{proc.stderr.strip()}\n{proc.stdout[:2000]}"
        )
    return json.loads(proc.stdout)


def verify_credentials(
    files: Iterable[str | os.PathLike],
    mapping: Mapping[str, str | os.PathLike] | None = None,
    *,
    schema: str | os.PathLike | None = DEFAULT_SCHEMA,
    now: str | None = None,
    timeout: float = 600,
) -> list[dict]:
    """Verify OB 3.0 credential files with the JS harness (skips the test if it is missing).

    mapping: base URL -> site directory (did:web DIDs and https URLs under a base
    are read from there). schema: JSON schema for ajv, None to skip schema checks.
    Returns one dict per file, in order:
    {file, verified, schemaValid, schemaErrors, statusRevoked, errors}.
    """
    require_harness()
    files = [str(Path(f).resolve()) for f in files]
    options = _site_args(mapping)
    if schema is not None:
        options += ["--schema", str(Path(schema).resolve())]
    if now is not None:
        options += ["--now", now]
    results: list[dict] = []
    for i in range(0, len(files), _BATCH):
        results += _run("verify-vc.mjs", [*options, *files[i : i + _BATCH]], timeout)
    return results


def js_contexts(timeout: float = 120) -> dict[str, object]:
    """{url: document} of every JSON-LD context the JS harness serves (npm packages)."""
    require_harness()
    proc = subprocess.run(
        ["node", "contexts.mjs"], cwd=JS_DIR, capture_output=True, text=True, timeout=timeout
    )
    if proc.returncode != 0:
        raise RuntimeError(f"node contexts.mjs failed: {proc.stderr.strip()}")
    return json.loads(proc.stdout)


def canonize_js(
    files: Iterable[str | os.PathLike],
    mapping: Mapping[str, str | os.PathLike] | None = None,
    *,
    timeout: float = 600,
) -> list[dict]:
    """Canonical N-Quads as the JS eddsa-rdfc-2022 cryptosuite computes them:
    [{file, nquads, error}] (error is jsonld.js's safe-mode message, if any)."""
    require_harness()
    files = [str(Path(f).resolve()) for f in files]
    results: list[dict] = []
    for i in range(0, len(files), _BATCH):
        results += _run("canonize.mjs", [*_site_args(mapping), *files[i : i + _BATCH]], timeout)
    return results
