"""Random YAML and front-matter never cause a traceback or a hang: only diagnostics."""
from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from badgesite.assemble import load_site
from badgesite.errors import Diagnostics
from badgesite.source.yaml import YamlError
from badgesite.source.yaml import load as yaml_load
from conftest import AWARDS, BADGE, make_site

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


def test_deep_nesting_is_bounded():
    try:
        yaml_load("[" * 5000 + "]" * 5000, "x.yaml")
    except YamlError as exc:
        assert "nested" in str(exc)
    else:
        raise AssertionError("deep nesting accepted")


def test_billion_laughs_is_refused_quickly():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 12)]
    try:
        yaml_load("\n".join(lines), "x.yaml")
    except YamlError as exc:
        assert "aliases" in str(exc)
    else:
        raise AssertionError("alias bomb accepted")
