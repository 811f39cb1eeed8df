"""The user guide cannot drift from the code.

The reference pages are generated (`python -m badgesite.docgen`) and must match
what is committed; every subcommand and option has help and an example; every
subcommand has a section in the guide; links between the pages resolve.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys

import pytest

from conftest import REPO, run_cli

from badgesite import docgen
from badgesite.cli import make_parser

DOCS = REPO / "docs"
COMMANDS = docgen.subcommands(make_parser())


def test_generated_reference_is_up_to_date():
    stale = [rel for rel, text in docgen.pages().items()
             if not (DOCS / rel).exists() or (DOCS / rel).read_text(encoding="utf-8") != text]
    assert not stale, f"stale: {stale}; run: python -m badgesite.docgen"


def test_docgen_check_mode():
    result = subprocess.run([sys.executable, "-m", "badgesite.docgen", "--check"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_field_is_described():
    text = (DOCS / "reference" / "fields.md").read_text()
    from badgesite.assemble import AWARD_KEYS, BADGE_KEYS
    from badgesite.config import CONFIG_KEYS, ISSUER_KEYS

    for key in {*AWARD_KEYS, *BADGE_KEYS, *CONFIG_KEYS, *ISSUER_KEYS}:
        assert f"| `{key}` |" in text


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_subcommand_has_help_and_an_example(name):
    sub = COMMANDS[name]
    assert sub.description and len(sub.description) > 10
    assert sub.epilog and "Example: badgesite " + name in sub.epilog
    for action in sub._actions:
        if not isinstance(action, argparse._HelpAction):
            assert action.help, f"badgesite {name}: {action.dest} has no help"
    code, out, _ = run_cli(name, "--help")
    assert code == 0 and "Example:" in out


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_subcommand_is_in_the_guide(name):
    guide = (DOCS / "commands.md").read_text()
    assert re.search(rf"^## `badgesite {name}\b", guide, re.M), f"docs/commands.md has no section for {name}"


def test_version():
    code, out, _ = run_cli("--version")
    assert code == 0 and re.fullmatch(r"badgesite \d+\.\d+\.\d+\S*\n", out)


def test_links_between_pages_resolve():
    broken = []
    for page in DOCS.rglob("*.md"):
        for target in re.findall(r"\]\(([^)#\s]+\.md)(?:#[^)]*)?\)", page.read_text()):
            if not target.startswith("http") and not (page.parent / target).resolve().is_file():
                broken.append(f"{page.relative_to(REPO)} -> {target}")
    assert not broken
