"""Broken YAML is reported where the mistake was made: an unclosed '[', '{' or quote at
the line and column where it was opened (front-matter lines counted from the top of the
file), with the parser's own position as a note; and a badge whose front-matter cannot
be read still exists for the rest of the check, so nothing that refers to it is reported
again."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badgesite.source.yaml import YamlError, load
from badgesite.source.yaml.reference import load as load_full
from conftest import AWARDS, BADGE, CONFIG, make_site, run_cli

BADGE_FILE = "content/badges/python-basics.md"
LEDGER = "content/awards/2026.yaml"

# BADGE: line 1 '---', 2 name, 3 description, 4 image, 5 criteria, 6-7 its items, 8 '---'.
# AWARDS: line 1 '- id', 2 badge, 3 recipient, 4 issued, 5 awarded_by.
CASES = {
    "front-matter '['": (
        {BADGE_FILE: BADGE.replace("criteria:", "tags: [python, basics\ncriteria:")},
        f"{BADGE_FILE}:5:7: error: this '[' is never closed (the parser gave up at line 6, column 9: "
        "did not find expected ',' or ']')"),
    "front-matter '{'": (
        {BADGE_FILE: BADGE.replace("criteria:", "study_load: {ects: 2\ncriteria:")},
        f"{BADGE_FILE}:5:13: error: this '{{' is never closed (the parser gave up at line 6, column 9: "
        "did not find expected ',' or '}')"),
    "front-matter '\"'": (
        {BADGE_FILE: BADGE.replace("name: Python Basics", "name: \"Python Basics")},
        f"{BADGE_FILE}:2:7: error: this '\"' is never closed (the parser gave up at line 7, column 17: "
        "found unexpected end of stream)"),
    "front-matter \"'\"": (
        {BADGE_FILE: BADGE.replace("name: Python Basics", "name: 'Python Basics")},
        f"{BADGE_FILE}:2:7: error: this \"'\" is never closed (the parser gave up at line 7, column 17: "
        "found unexpected end of stream)"),
    "front-matter '[' over several lines": (
        {BADGE_FILE: BADGE.replace("criteria:", "tags:\n  [python,\n   basics,\n   beginners\ncriteria:")},
        f"{BADGE_FILE}:6:3: error: this '[' is never closed (the parser gave up at line 9, column 9: "),
    "badgesite.yaml '['": (
        {"badgesite.yaml": CONFIG.replace("awarders: [admin@example.org]", "awarders: [admin@example.org")
         + "recipients: plain\n"},
        "badgesite.yaml:6:11: error: this '[' is never closed (the parser gave up at line 7, column 11: "),
    "ledger '['": (
        {LEDGER: AWARDS.replace("badge: python-basics", "badge: [python-basics")},
        f"{LEDGER}:2:10: error: this '[' is never closed (the parser gave up at line 3, column 12: "
        "did not find expected ',' or ']')"),
    "ledger '{'": (
        {LEDGER: AWARDS + "  revoked: {date: 2026-02-01, reason: oops\n"},
        f"{LEDGER}:6:12: error: this '{{' is never closed (the parser gave up at line 7, column 1: "),
    "ledger '\"'": (
        {LEDGER: AWARDS.replace("recipient: leah@example.org", "recipient: \"leah@example.org")
         + AWARDS.replace("a-0001", "a-0002")},
        f"{LEDGER}:3:14: error: this '\"' is never closed (the parser gave up at line 11, column 1: "
        "found unexpected end of stream)"),
    "ledger \"'\"": (
        {LEDGER: AWARDS.replace("recipient: leah@example.org", "recipient: 'leah@example.org")},
        f"{LEDGER}:3:14: error: this \"'\" is never closed (the parser gave up at line 6, column 1: "
        "found unexpected end of stream)"),
    "ledger '[' over several lines, awards after it": (
        {LEDGER: AWARDS + "  evidence: [https://example.org/a,\n    https://example.org/b\n"
         + AWARDS.replace("a-0001", "a-0002") + "  evidence: [https://example.org/c]\n"},
        f"{LEDGER}:6:13: error: this '[' is never closed (the parser gave up at line 8, column 5: "),
    "ledger quote closed only by the next line's quote": (
        {LEDGER: AWARDS.replace("recipient: leah@example.org", "name: \"Leah\n  recipient: \"leah@example.org\"")},
        f"{LEDGER}:3:9: error: this '\"' is not closed on its line (quoted text runs on, across lines, to the "
        "next '\"' at line 4, column 14; the parser gave up at line 4, column 15: did not find expected key)"),
}


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", sorted(CASES))
def test_unclosed_is_reported_where_it_was_opened(tmp_path: Path, case: str):
    files, expected = CASES[case]
    root = make_site(tmp_path / "site", files)
    (root / "output").mkdir()
    (root / "output/index.html").write_text("the last good site")
    for command in ("check", "build"):
        code, out, err = run_cli(command, "--site", str(root))
        assert code == 1, err
        assert "Traceback" not in out + err
        errors = [line for line in err.splitlines() if ": error: " in line]
        assert len(errors) == 1, err
        assert errors[0].startswith(expected), f"{command}: expected {expected!r}, got:\n{err}"
    assert _tree(root / "output") == {"index.html": hashlib.sha256(b"the last good site").hexdigest()}


def test_other_syntax_errors_keep_the_parser_position():
    with pytest.raises(YamlError) as info:
        load("a: 1\n b: 2\n", "x.yaml")
    assert info.value.diagnostic.format() == \
        "x.yaml:2:3: error: YAML syntax error: mapping values are not allowed in this context"
    # a '[' closed by a '}' is closed: the parser's place (the '}') is the mistake
    with pytest.raises(YamlError) as info:
        load("a: [x, y}\nb: 1\n", "x.yaml")
    assert info.value.diagnostic.format().startswith("x.yaml:1:9: error: YAML syntax error: did not find expected ','")
    # a bracket that is closed further on the line, with a mistake inside it
    with pytest.raises(YamlError) as info:
        load('a: [x, "y" z]\n', "x.yaml")
    assert info.value.diagnostic.format().startswith("x.yaml:1:12: error: YAML syntax error:")


@pytest.mark.parametrize("text, where, char", [
    ("a: [1, [2, 3]\nb: 1\n", (1, 4), "["),  # the outer one: the inner one is closed
    ("a: [1, 2\nb: [3]\nc: [4]\n", (1, 4), "["),  # later balanced brackets do not close it
    ("- [a, b\n- c\n", (1, 3), "["),
    ("a: [{b: 1}, {c: 2\n", (1, 13), "{"),
    ("a: \"x\n---\nb: 1\n", (1, 4), "\""),
    ("é: ü\nbadge: [zeevaart\nx: 1\n", (2, 8), "["),  # columns count characters
])
def test_unclosed_position_with_offset(text, where, char):
    for loader in (load, load_full):
        with pytest.raises(YamlError) as info:
            loader(text, "f.md", line_offset=10)
        d = info.value.diagnostic
        assert (d.line, d.col) == (where[0] + 10, where[1])
        assert d.message == f"this '{char}' is never closed"
        assert d.hint.startswith("the parser gave up at line 1")  # lines 11 and up


# -- a badge that cannot be read still exists ----------------------------------------------

GIT = BADGE.replace("Python Basics", "Git Basics")  # its image: python-basics.png


def test_unreadable_badge_is_reported_once(tmp_path: Path):
    """git.md's front-matter is broken: one error, at its '['; nothing for the badge that
    requires it, its translation, or its award."""
    root = make_site(tmp_path / "site", {
        "badgesite.yaml": CONFIG + "recipients: plain\nlanguages: [en, nl]\n",
        "content/badges/git.md": GIT.replace("criteria:", "tags: [git, basics\ncriteria:"),
        "content/badges/git.nl.md": GIT.replace("Git Basics", "Git Basis"),
        BADGE_FILE: BADGE.replace("criteria:", "requires: [git]\ncriteria:"),
        LEDGER: AWARDS + AWARDS.replace("a-0001", "a-0002").replace("python-basics", "git"),
    })
    (root / "output").mkdir()
    (root / "output/index.html").write_text("the last good site")
    for command in ("check", "build"):
        code, out, err = run_cli(command, "--site", str(root))
        assert code == 1 and "Traceback" not in out + err
        errors = [line for line in err.splitlines() if ": error: " in line]
        assert errors == ["content/badges/git.md:5:7: error: this '[' is never closed "
                          "(the parser gave up at line 6, column 9: did not find expected ',' or ']')"], err
    assert _tree(root / "output") == {"index.html": hashlib.sha256(b"the last good site").hexdigest()}
    # once it is fixed, the rest is checked as before
    (root / "content/badges/git.md").write_text(GIT, encoding="utf-8")
    code, out, err = run_cli("check", "--site", str(root))
    assert code == 0 and "2 badges, 2 awards" in out, err


def test_a_missing_badge_is_still_reported(tmp_path: Path):
    """Only a badge with a file counts as existing: a name no file has is an error."""
    root = make_site(tmp_path / "site", {
        "content/badges/git.md": GIT.replace("criteria:", "tags: [git\ncriteria:"),
        BADGE_FILE: BADGE.replace("criteria:", "requires: [gti]\ncriteria:"),
    })
    code, _, err = run_cli("check", "--site", str(root))
    assert code == 1
    assert "content/badges/git.md:5:7: error: this '[' is never closed" in err
    assert f"{BADGE_FILE}:5:12: error: 'requires' names no badge 'gti' (did you mean 'git'?)" in err


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=8).filter(
    lambda w: not w.startswith("-"))


@settings(max_examples=60, deadline=None)
@given(before=st.lists(WORDS, max_size=4, unique=True), items=st.lists(WORDS, min_size=1, max_size=5),
       after=st.lists(WORDS, max_size=4, unique=True), kind=st.sampled_from(["[]", "{}", "\"\"", "''"]),
       offset=st.integers(0, 30))
def test_a_dropped_closer_is_reported_at_its_opener(before, items, after, kind, offset):
    """Any block mapping in which one value lost its closing bracket or quote."""
    keys = [f"k{i}-{w}" for i, w in enumerate(before)]
    lines = [f"{k}: {w}" for k, w in zip(keys, before)]
    opener = kind[0]
    body = ", ".join(f"{w}: 1" for w in dict.fromkeys(items)) if opener == "{" else ", ".join(items)
    lines.append(f"broken: {opener}{body}")
    line = len(lines)
    lines += [f"a{i}-{w}: {w}" for i, w in enumerate(after)]
    text = "\n".join(lines) + "\n"
    for loader in (load, load_full):
        with pytest.raises(YamlError) as info:
            loader(text, "x.yaml", line_offset=offset)
        d = info.value.diagnostic
        assert (d.line, d.col, d.message) == (line + offset, 9, f"this {opener!r} is never closed"), text


def test_nesting_too_deep_is_not_an_unclosed_bracket():
    with pytest.raises(YamlError) as info:
        load("a: " + "[" * 1200 + "1" + "]" * 1200 + "\n", "x.yaml")
    assert "never closed" not in str(info.value)
