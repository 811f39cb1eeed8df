"""badgesite stats: the counts as the ledger says them, the HTML report in Chromium with
axe-core, and the public stats/ page with its small counts hidden."""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import BADGE, CONFIG, png_bytes, run_cli

TODAY = "2026-06-01"


def award(n: int, badge: str, issued: str, by: str = "admin@example.org", expires: str | None = None,
          revoked: tuple[str, str] | None = None) -> str:
    text = (f"- id: a-{n:04d}\n  badge: {badge}\n  recipient: r{n}@example.org\n  issued: {issued}\n"
            f"  awarded_by: {by}\n")
    if expires:
        text += f"  expires: {expires}\n"
    if revoked:
        text += f"  revoked:\n    date: {revoked[0]}\n    reason: {revoked[1]}\n"
    return text


def ledger_site(root: Path, extra_config: str = "") -> Path:
    """Three badges, one with a validity (P1Y), one never awarded; awards that are active,
    expired by their own date or by the badge's validity, revoked, and expiring soon."""
    files = {
        "badgesite.yaml": CONFIG.replace("awarders: [admin@example.org]", "awarders: [admin@example.org, other@example.org]")
        .replace("  email: badges@example.org\n", "  email: badges@example.org\n  country: NL\n")
        + "recipients: plain\n" + extra_config,
        "content/badges/python-basics.md": BADGE,
        "content/badges/python-basics.png": png_bytes(300, (29, 78, 137, 255)),
        "content/badges/first-aid.md": BADGE.replace("name: Python Basics", "name: First Aid")
        .replace("python-basics.png", "first-aid.png").replace("criteria:", "valid_for: P1Y\nkind: microcredential\n"
                                                                "study_load: {hours: 8}\neqf: 2\nlearning_outcomes: [Gives first aid.]\n"
                                                                "assessment: Practical test\nparticipation: onsite\n"
                                                                "quality_assurance: Certified by the Red Cross\ncriteria:"),
        "content/badges/first-aid.png": png_bytes(300, (30, 107, 53, 255)),
        "content/badges/unused.md": BADGE.replace("name: Python Basics", "name: Never Earned")
        .replace("python-basics.png", "unused.png"),
        "content/badges/unused.png": png_bytes(300, (164, 22, 26, 255)),
    }
    awards = [
        award(1, "python-basics", "2025-01-10"),
        award(2, "python-basics", "2025-03-01", expires="2026-01-01"),  # expired by its own date
        award(3, "python-basics", "2026-02-01", revoked=("2026-03-01", "Awarded in error")),
        award(4, "python-basics", "2026-05-20", by="other@example.org"),
        award(5, "python-basics", "2026-05-21", revoked=("2026-05-22", "Awarded in error")),
        award(6, "python-basics", "2026-05-22", expires="2026-07-01"),  # active, expires in 30 days
        award(7, "first-aid", "2025-02-01"),  # expired: P1Y
        award(8, "first-aid", "2025-08-01"),  # active until 2026-08-01: expiring soon
        award(9, "first-aid", "2025-12-01", revoked=("2026-01-15", "Duplicate")),
    ]
    files["content/awards/2026.yaml"] = "".join(awards)
    from conftest import make_site

    return make_site(root, files)


def stats_json(root: Path, *more: str) -> dict:
    code, out, err = run_cli("stats", "--json", "--today", TODAY, "-s", str(root), *more)
    assert code == 0, err
    return json.loads(out)


def test_json_counts_every_badge_as_the_ledger_says(tmp_path: Path):
    root = ledger_site(tmp_path / "site")
    figures = stats_json(root)
    py, aid, unused = (figures["badges"][b] for b in ("python-basics", "first-aid", "unused"))
    assert {k: py[k] for k in ("awards", "active", "expired", "revoked")} == \
        {"awards": 6, "active": 3, "expired": 1, "revoked": 2}
    assert {k: aid[k] for k in ("awards", "active", "expired", "revoked")} == \
        {"awards": 3, "active": 1, "expired": 1, "revoked": 1}
    assert {k: unused[k] for k in ("awards", "active", "expired", "revoked")} == \
        {"awards": 0, "active": 0, "expired": 0, "revoked": 0}
    assert {k: figures["total"][k] for k in ("awards", "active", "expired", "revoked")} == \
        {"awards": 9, "active": 4, "expired": 2, "revoked": 3}
    assert py["revocations"] == {"Awarded in error": 2}
    assert figures["total"]["revocations"] == {"Awarded in error": 2, "Duplicate": 1}
    assert py["per_year"] == {"2025": 2, "2026": 4} and py["per_month"]["2026-05"] == 3
    assert py["awarders"] == {"admin@example.org": 5, "other@example.org": 1}
    assert py["last_award"] == "2026-05-22" and py["days_since_last_award"] == 10
    # renewal list: active awards that expire within 90 days, with no e-mail in it
    assert [(e["award"], e["expires"]) for e in figures["expiring"]] == [("a-0006", "2026-07-01"),
                                                                         ("a-0008", "2026-08-01")]
    assert "@" not in json.dumps(figures["expiring"])
    assert figures["review"] == ["unused"]  # never earned; the others within 12 months
    assert figures["kinds"]["microcredential"]["awards"] == 3 and figures["kinds"]["badge"]["badges"] == 2
    assert "salt" in figures["note"]
    # a later day: everything is a year older
    later = stats_json(root, "--today", "2027-06-01")
    assert later["badges"]["python-basics"]["expired"] == 2 and later["badges"]["first-aid"]["active"] == 0
    assert later["review"] == ["first-aid", "python-basics", "unused"]


def test_warm_cache_gives_the_same_counts_and_a_change_is_seen(tmp_path: Path):
    root = ledger_site(tmp_path / "site")
    cold = stats_json(root)
    assert (root / ".badgesite-cache" / "ledgers").is_dir()  # stats fills the ledger cache
    assert stats_json(root) == cold
    ledger = root / "content/awards/2026.yaml"
    ledger.write_text(ledger.read_text() + award(10, "unused", "2026-04-01"), encoding="utf-8")
    warm = stats_json(root)
    assert warm["badges"]["unused"]["awards"] == 1 and warm["total"]["awards"] == 10 and warm["review"] == []


def test_facts_from_cache_records_equal_facts_from_awards(tmp_path: Path):
    from badgesite.assemble import load_site
    from badgesite.documents.stats import Fact
    from badgesite.incremental.records import Entry, to_record

    site, _ = load_site(ledger_site(tmp_path / "site"))
    for a in site.awards.values():
        assert Entry(None, 1, a.source.line, a.source.col, to_record(a)).fact() == Fact.of(a)


def test_table_and_errors(tmp_path: Path):
    root = ledger_site(tmp_path / "site")
    code, out, err = run_cli("stats", "--today", TODAY, "-s", str(root))
    assert code == 0, err
    row = next(line for line in out.splitlines() if line.startswith("python-basics"))
    assert row.split()[2:6] == ["6", "3", "1", "2"]
    assert "unused (review)" in out and "expiring in the next 90 days: 2" in out and "salt" in out
    code, _, err = run_cli("stats", "--json", "--html", str(tmp_path / "r"), "-s", str(root))
    assert code == 2 and "not both" in err
    (tmp_path / "a-file").write_text("")
    code, _, err = run_cli("stats", "--html", str(tmp_path / "a-file"), "-s", str(root))
    assert code == 2 and "cannot write the report into" in err and "Traceback" not in err
    ledger = root / "content/awards/2026.yaml"
    ledger.write_text(ledger.read_text().replace("badge: first-aid", "badge: first-ayd", 1), encoding="utf-8")
    code, out, err = run_cli("stats", "-s", str(root))
    assert code == 1 and "content/awards/2026.yaml:" in err and "first-ayd" in err and "Traceback" not in err


def test_stats_setting_is_checked(tmp_path: Path):
    root = ledger_site(tmp_path / "site", "stats: everyone\n")
    code, _, err = run_cli("check", "-s", str(root))
    assert code == 1 and "badgesite.yaml:" in err and "stats" in err


# -- HTML -------------------------------------------------------------------------------

def test_html_report_is_self_contained_with_charts_and_tables(tmp_path: Path):
    root = ledger_site(tmp_path / "site")
    report = tmp_path / "report"
    code, out, err = run_cli("stats", "--html", str(report), "--today", TODAY, "-s", str(root))
    assert code == 0, err
    html = (report / "index.html").read_text("utf-8")
    assert "<script" not in html and "<link" not in html and 'src="' not in html  # nothing to fetch, nothing to run
    svgs = re.findall(r"<svg [^>]*>", html)
    assert len(svgs) == 3  # over time, status, revocation reasons
    for svg in svgs:
        label = re.search(r'aria-labelledby="([^"]+)"', svg).group(1)
        assert 'role="img"' in svg and f'id="{label}"' in html  # named by its text summary
    assert html.count("<table") >= 6 and "Awarded in error" in html and "a-0006" in html
    again = tmp_path / "again"
    run_cli("stats", "--html", str(again), "--today", TODAY, "-s", str(root))
    assert (again / "index.html").read_bytes() == (report / "index.html").read_bytes()  # same input, same bytes


def _needs_axe():
    from support.browser import AXE

    if not AXE.is_file():
        pytest.skip("needs axe-core (./scripts/test installs it)")


def test_html_report_has_no_axe_violations(tmp_path: Path, browser):
    from support.browser import run_axe

    _needs_axe()
    root = ledger_site(tmp_path / "site")
    report = tmp_path / "report"
    assert run_cli("stats", "--html", str(report), "--today", TODAY, "-s", str(root))[0] == 0
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto((report / "index.html").as_uri())
        assert page.locator("figure svg").count() == 3
        assert run_axe(page) == []
        page.set_viewport_size({"width": 390, "height": 800})  # a phone
        assert run_axe(page) == []
    finally:
        page.close()


# -- the public page ----------------------------------------------------------------------

def _page_text(path: Path) -> str:
    html = path.read_text("utf-8")
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_public_page_hides_small_counts(tmp_path: Path):
    from badgesite.build import build

    root = ledger_site(tmp_path / "site", "stats: public\n")
    output = tmp_path / "out"
    build(root, output)
    text = _page_text(output / "stats" / "index.html")
    # python-basics: 6 awards (shown), 3 active, 1 expired, 2 revoked (each fewer than 5)
    assert re.search(r"Python Basics 6 fewer than 5 fewer than 5 fewer than 5", text), text
    assert re.search(r"First Aid fewer than 5", text) and re.search(r"Never Earned 0 0 0 0", text)
    assert re.search(r"9 Awards fewer than 5 Active fewer than 5 Expired fewer than 5 Revoked", text), text
    assert re.search(r"Year Awards 2025 5 2026 fewer than 5", text), text
    assert "Awarded in error" not in text and "Duplicate" not in text  # reasons of fewer than 5 awards
    assert "Other reasons (each fewer than 5) fewer than 5" in text
    assert "@" not in text.replace("badges@example.org", "")  # no awarder, no recipient
    assert "As of 22 May 2026" in text  # the latest award or revocation, not the clock
    assert 'href="../stats/"' in (output / "issuer" / "index.html").read_text("utf-8")  # linked from the issuer page


def test_private_is_the_default_and_publishes_nothing(tmp_path: Path):
    from badgesite.build import build

    root = ledger_site(tmp_path / "site")
    output = tmp_path / "out"
    build(root, output)
    assert not (output / "stats").exists()
    assert not any("stats" in p.parts for p in output.rglob("*"))


def test_public_page_has_no_axe_violations(tmp_path: Path, browser):
    from badgesite.build import build
    from support.browser import StaticSite, run_axe

    _needs_axe()
    root = ledger_site(tmp_path / "site", "stats: public\nlanguages: [en, nl]\n")
    output = tmp_path / "out"
    build(root, output)
    with StaticSite(output, urlsplit("https://example.org/badges/").path) as static:
        page = browser.new_page()
        try:
            for path in ("stats/", "nl/stats/"):
                page.goto(static.base + path)
                assert page.locator("h1").inner_text() in ("Statistics", "Statistieken")
                assert run_axe(page) == [], path
        finally:
            page.close()
    assert "minder dan 5" in _page_text(output / "nl" / "stats" / "index.html")


def test_public_page_follows_the_ledger_in_an_incremental_build(tmp_path: Path):
    from badgesite.build import build

    root = ledger_site(tmp_path / "site", "stats: public\n")
    output = tmp_path / "out"
    build(root, output)
    assert re.search(r"Never Earned 0 0 0 0", _page_text(output / "stats" / "index.html"))
    ledger = root / "content/awards/2026.yaml"
    ledger.write_text(ledger.read_text() + "".join(award(20 + n, "unused", "2026-05-25") for n in range(5)),
                      encoding="utf-8")
    build(root, output)
    page = (output / "stats" / "index.html").read_bytes()
    assert re.search(r"Never Earned 5 5 0 0", _page_text(output / "stats" / "index.html"))
    assert "As of 25 May 2026" in _page_text(output / "stats" / "index.html")
    clean = tmp_path / "clean"
    build(root, clean, clean=True)
    assert (clean / "stats" / "index.html").read_bytes() == page  # incremental and clean agree
