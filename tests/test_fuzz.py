"""Random YAML and front-matter never cause a traceback or a hang: only diagnostics."""
from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from badgesite.assemble import load_site
from badgesite.errors import Diagnostics
from badgesite.source.yaml import YamlError
from badgesite.source.yaml import load as yaml_load
from conftest import AWARDS, BADGE, make_site, run_cli

yaml_chars = st.sampled_from(list(string.printable) + ["é", "\u2028", "\x00", "\ufeff", "&", "*", "!", "|", ">", "%", "@", "`"])
yaml_like = st.lists(st.one_of(
    st.sampled_from(["- ", "  ", ": ", "---\n", "...\n", "[", "]", "{", "}", ",", "\n", "&a ", "*a", "!!python/object ", "'", '"',
                     "id: ", "badge: ", "recipient: ", "issued: 2026-01-01", "revoked: ", "<<: ", "? ", "#", "\t"]),
    st.text(yaml_chars, max_size=8)), max_size=60).map("".join)

SLOW = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@SLOW
@given(yaml_like)
def test_yaml_loader_only_raises_yaml_errors(text: str):
    try:
        yaml_load(text, "x.yaml")
    except YamlError as exc:
        assert exc.diagnostic.path == "x.yaml"


@SLOW
@given(ledger=yaml_like, front=yaml_like)
def test_whole_site_load_never_crashes(tmp_path_factory, ledger: str, front: str):
    root = make_site(tmp_path_factory.mktemp("fuzz"), {
        "content/awards/2026.yaml": AWARDS + ledger,
        "content/badges/python-basics.md": BADGE.replace("criteria:", front + "\ncriteria:", 1),
        "content/badges/other.md": "---\n" + front,
    })
    site, diagnostics = load_site(root)
    assert isinstance(diagnostics, Diagnostics)
    for d in diagnostics.items:
        assert d.path and d.message and isinstance(d.line, int)
    if site is None:
        assert diagnostics.errors


def _nested(shape: str, indent: int, levels: int) -> str:
    """What follows `extra:` at `indent`: `levels` collections, one inside the other."""
    if shape == "flow":
        return " " + "[" * levels + "x" + "]" * levels + "\n"
    return "\n" + "".join(" " * (indent + 2 + 2 * j) + "a:\n" for j in range(levels))[:-1] + " x\n"


# Where the first value nested deeper than 40 levels starts: `extra:` is on `line` and
# its value is at depth `first` (1 in front-matter, 2 inside a ledger entry). In flow
# style that is bracket number j + 1 (j = 41 - first) on the same line; in block style
# it is the key of the mapping at depth 40 (j = 40 - first), j lines down and 2j right.
NESTING = {
    "front-matter": ("content/badges/python-basics.md", 0, 3, 1),
    "ledger": ("content/awards/2026.yaml", 2, 7, 2),
}


@pytest.mark.parametrize("levels", [45, 1500])  # under and over libyaml's own limit (1000)
@pytest.mark.parametrize("shape", ["flow", "block"])
@pytest.mark.parametrize("place", NESTING)
def test_deep_nesting_is_refused_with_its_position(tmp_path, place: str, shape: str, levels: int):
    path, indent, line, first = NESTING[place]
    extra = " " * indent + "extra:" + _nested(shape, indent, levels)
    if place == "front-matter":
        files = {path: BADGE.replace("description:", extra + "description:", 1)}
    else:
        files = {path: AWARDS + "- id: a-0002\n" + extra}
    root = make_site(tmp_path / "site", files)
    if shape == "flow":
        col = indent + len("extra: ") + 1 + (41 - first)
    else:
        j = 40 - first
        line, col = line + 1 + j, indent + 2 + 2 * j + 1
    code, out, err = run_cli("check", "--site", str(root))
    assert code == 1
    assert f"{path}:{line}:{col}: error: YAML is nested more than 40 levels deep" in err
    assert "Traceback" not in out + err


def test_billion_laughs_is_refused_quickly():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 12)]
    try:
        yaml_load("\n".join(lines), "x.yaml")
    except YamlError as exc:
        assert "aliases" in str(exc)
    else:
        raise AssertionError("alias bomb accepted")
