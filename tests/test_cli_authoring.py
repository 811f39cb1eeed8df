"""`badgesite award` and `badgesite revoke`, driven through the real CLI.

The ledger is edited as text: comments and formatting survive, nothing is written
when anything is wrong, and no plain e-mail address ever reaches content/.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import make_site, run_cli

from badgesite import recipients
from badgesite.authoring import ledger_edit

TODAY = dt.date.today()
COLUMNS = "badge,email,name,issued,evidence_url,evidence_name,narrative"


@pytest.fixture
def new_site(tmp_path: Path) -> Path:
    """A site made by `badgesite new` (hashed recipients, one awarder)."""
    root = tmp_path / "site"
    assert run_cli("new", str(root), "-q")[0] == 0
    return root


def ledger(root: Path) -> Path:
    return root / "content" / "awards" / f"{TODAY.year}.yaml"


def entries(root: Path) -> list[dict]:
    found = []
    for path in sorted((root / "content" / "awards").glob("*.yaml")):
        found += yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return found


def all_content(root: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace")
                     for p in (root / "content").rglob("*") if p.is_file())


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in (root / "content").rglob("*") if p.is_file()}


def write_csv(path: Path, rows: list[list[str]], header: str = COLUMNS, delimiter: str = ",") -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header.split(","))
        writer.writerows(rows)
    return path


# -- award one --------------------------------------------------------------------

def test_award_one_appends_a_hashed_award_and_prints_its_page(new_site: Path):
    before = ledger(new_site).read_text(encoding="utf-8")
    code, out, err = run_cli("award", "python-basics", "Leah.deVries@Example.org", "--name", "Leah de Vries",
                             "--evidence", "https://video.example/leah", "--evidence-name", "Video: the demo",
                             "--narrative", "Built a *weather* bot.\n\nWith tests.", "-s", str(new_site))
    assert code == 0, err
    url = out.splitlines()[0]
    assert re.fullmatch(r"https://example\.github\.io/site/awards/pb-\d{4}-[a-z2-9]{10}/", url)
    award_id = url.rstrip("/").rsplit("/", 1)[1]

    after = ledger(new_site).read_text(encoding="utf-8")
    assert after.startswith(before), "the existing text (comments included) is kept byte for byte"
    award = next(e for e in entries(new_site) if e["id"] == award_id)
    assert award["badge"] == "python-basics" and award["name"] == "Leah de Vries"
    assert award["issued"] == TODAY and award["awarded_by"] == "badges@example.org"
    assert award["evidence"] == [{"url": "https://video.example/leah", "name": "Video: the demo"}]
    assert award["narrative"] == "Built a *weather* bot.\n\nWith tests."
    recipient = award["recipient"]
    assert recipients.matches("leah.devries@example.org", recipient["identity"], recipient["salt"])
    assert "leah.devries@" not in all_content(new_site).lower(), "no plain e-mail address in content/"
    assert "example.org" not in all_content(new_site).replace("@example.org", ""), "nor its domain alone"
    assert run_cli("check", "-s", str(new_site))[0] == 0


def test_award_ids_are_random_and_salts_are_fresh(new_site: Path):
    urls = set()
    for n in range(5):
        code, out, err = run_cli("award", "workshop-helper", f"p{n}@example.org", "-s", str(new_site))
        assert code == 0, err
        urls.add(out.splitlines()[0])
    ids = [u.rstrip("/").rsplit("/", 1)[1] for u in urls]
    assert len(ids) == 5 and all(i.startswith(f"wh-{TODAY.year}-") for i in ids)
    randoms = [i.rsplit("-", 1)[1] for i in ids]
    assert len(set(randoms)) == 5, "not a counter"
    salts = [e["recipient"]["salt"] for e in entries(new_site)]
    assert len(set(salts)) == len(salts)


@pytest.mark.parametrize("argv, message", [
    (["pyton-basics", "a@example.org"], "no badge 'pyton-basics' (did you mean 'python-basics'?)"),
    (["python-basics", "not-an-address"], "'not-an-address' is not a valid e-mail address"),
    (["python-basics", "a@example.org", "--by", "intruder@example.org"], "may not award 'python-basics'"),
    (["python-basics", "a@example.org", "--issued", "2999-01-01"], "is in the future"),
    (["python-basics", "a@example.org", "--evidence", "ftp://x.example/a"], "must start with https://"),
    (["python-basics", "a@example.org", "--evidence-name", "A video"], "an evidence name needs an evidence URL"),
])
def test_award_refuses_and_writes_nothing(new_site: Path, argv, message):
    before = snapshot(new_site)
    code, out, err = run_cli("award", *argv, "-s", str(new_site))
    assert code == 1
    assert message in err and "nothing was written" in err
    assert "Traceback" not in err
    assert snapshot(new_site) == before


def test_award_bad_date_is_a_usage_error(new_site: Path):
    code, _, err = run_cli("award", "python-basics", "a@example.org", "--issued", "2026-02-30", "-s", str(new_site))
    assert code == 2 and "YYYY-MM-DD" in err


def test_award_refuses_a_retired_badge(tmp_path: Path):
    root = make_site(tmp_path / "s", {"content/badges/python-basics.md": (
        "---\nname: Python Basics\ndescription: D.\nimage: python-basics.png\ncriteria: [C]\n"
        "retired: 2020-01-01\n---\n"), "content/awards/2026.yaml": ""})
    before = snapshot(root)
    code, _, err = run_cli("award", "python-basics", "a@example.org", "-s", str(root))
    assert code == 1 and "was retired on 2020-01-01" in err
    assert snapshot(root) == before


def test_award_refuses_a_site_with_errors(new_site: Path):
    badge = new_site / "content/badges/python-basics.md"
    badge.write_text(badge.read_text().replace("name: Python Basics", "nmae: Python Basics"))
    before = snapshot(new_site)
    code, _, err = run_cli("award", "workshop-helper", "a@example.org", "-s", str(new_site))
    assert code == 1 and "unknown key 'nmae'" in err and "fix them first" in err
    assert snapshot(new_site) == before


def test_who_awards_it(tmp_path: Path, monkeypatch):
    """--by, else $BADGESITE_AWARDER, else the badge's only awarder; never a guess."""
    config = ("base_url: https://example.org/b/\nissuer: {name: T, url: 'https://example.org'}\n"
              "awarders: [ann@example.org, bob@example.org]\n")
    root = make_site(tmp_path / "s", {"badgesite.yaml": config, "content/awards/2026.yaml": ""})
    monkeypatch.delenv("BADGESITE_AWARDER", raising=False)
    code, _, err = run_cli("award", "python-basics", "x@example.org", "-s", str(root))
    assert code == 1 and "--by" in err and "ann@example.org, bob@example.org" in err
    monkeypatch.setenv("BADGESITE_AWARDER", "Bob@Example.org")
    assert run_cli("award", "python-basics", "x@example.org", "-s", str(root))[0] == 0
    assert run_cli("award", "python-basics", "y@example.org", "--by", "ann@example.org", "-s", str(root))[0] == 0
    assert [e["awarded_by"] for e in entries(root)] == ["bob@example.org", "ann@example.org"]


def test_award_twice_needs_again(new_site: Path):
    assert run_cli("award", "python-basics", "z@example.org", "-s", str(new_site))[0] == 0
    code, _, err = run_cli("award", "python-basics", "Z@example.org", "-s", str(new_site))
    assert code == 1 and "already holds 'python-basics'" in err and "--again" in err
    assert run_cli("award", "python-basics", "z@example.org", "--again", "-s", str(new_site))[0] == 0


def test_plain_recipients_keep_the_address(tmp_path: Path):
    root = make_site(tmp_path / "s")  # recipients: plain
    code, out, err = run_cli("award", "python-basics", "Noor@example.org", "--issued", "2026-03-01", "-s", str(root))
    assert code == 0, err
    assert entries(root)[-1]["recipient"] == "Noor@example.org"
    assert "# Awards ledger" not in (root / "content/awards/2026.yaml").read_text()  # existing file: no new header


def test_award_creates_the_ledger_of_the_year_with_a_header(tmp_path: Path):
    root = make_site(tmp_path / "s")
    assert run_cli("award", "python-basics", "a@example.org", "--issued", "2025-05-05", "-s", str(root))[0] == 0
    text = (root / "content/awards/2025.yaml").read_text()
    assert text.startswith("# Awards ledger, 2025") and "badgesite revoke" in text
    assert run_cli("check", "-s", str(root))[0] == 0


def test_dry_run_writes_nothing(new_site: Path):
    before = snapshot(new_site)
    code, out, _ = run_cli("award", "python-basics", "a@example.org", "--dry-run", "-s", str(new_site))
    assert code == 0 and "- id: pb-" in out and "a@example.org" not in out
    assert snapshot(new_site) == before


def test_ledger_option_must_be_in_content_awards(new_site: Path, tmp_path: Path):
    code, _, err = run_cli("award", "python-basics", "a@example.org", "--ledger", str(tmp_path / "x.yaml"),
                           "-s", str(new_site))
    assert code == 2 and "--ledger" in err
    target = new_site / "content/awards/autumn.yaml"
    assert run_cli("award", "python-basics", "a@example.org", "--ledger", str(target), "-s", str(new_site))[0] == 0
    assert yaml.safe_load(target.read_text())[0]["badge"] == "python-basics"


# -- award --csv --------------------------------------------------------------------

def test_award_csv_thousand_rows(new_site: Path, tmp_path: Path):
    rows = [["python-basics" if n % 2 else "workshop-helper", f"student{n}@school.example", f"Student {n}",
             (TODAY - dt.timedelta(days=n % 28)).isoformat(),
             f"https://portfolio.example/{n}" if n % 3 == 0 else "", "Portfolio" if n % 3 == 0 else "",
             "Led the group, and wrote: the tests." if n % 5 == 0 else ""] for n in range(1000)]
    sheet = write_csv(tmp_path / "results.csv", rows)
    links = tmp_path / "links.csv"
    code, out, err = run_cli("award", "--csv", str(sheet), "--links", str(links), "-s", str(new_site))
    assert code == 0, err
    assert "added 1000 awards" in out
    assert len(entries(new_site)) == 1002
    assert "school.example" not in all_content(new_site)
    with open(links, encoding="utf-8") as handle:
        mapping = list(csv.DictReader(handle))
    assert len(mapping) == 1000 and mapping[5]["email"] == "student5@school.example"
    award = next(e for e in entries(new_site) if e["id"] == mapping[5]["id"])
    assert recipients.matches("student5@school.example", award["recipient"]["identity"], award["recipient"]["salt"])
    assert run_cli("check", "-s", str(new_site))[0] == 0


def test_award_csv_bad_rows_refuse_the_whole_file(new_site: Path, tmp_path: Path):
    sheet = write_csv(tmp_path / "bad.csv", [
        ["python-basics", "ok@example.org", "Ok", "", "", "", ""],
        ["pyton-basics", "b@example.org", "", "", "", "", ""],
        ["python-basics", "not-an-address", "", "", "", "", ""],
        ["python-basics", "c@example.org", "", "2026-02-30", "", "", ""],
        ["python-basics", "ok@example.org", "", "", "", "", ""],
        ["python-basics", "d@example.org"],
    ])
    before = snapshot(new_site)
    code, _, err = run_cli("award", "--csv", str(sheet), "-s", str(new_site))
    assert code == 1
    assert f"{sheet}:3: error: no badge 'pyton-basics' (did you mean 'python-basics'?)" in err
    assert f"{sheet}:4: error: 'not-an-address' is not a valid e-mail address" in err
    assert f"{sheet}:5: error: issued date '2026-02-30'" in err
    assert f"{sheet}:6: error: awards 'python-basics' to ok@example.org a second time (also at row 2)" in err
    assert f"{sheet}:7: error: 2 cells where the header has 7" in err
    assert "nothing was written" in err
    assert snapshot(new_site) == before


@pytest.mark.parametrize("header, message", [
    ("badge,mail,name,issued,evidence_url,evidence_name,narrative", "unknown column 'mail' (did you mean 'email'?)"),
    ("badge,name,issued", "missing column 'email'"),
    ("badge,email,name,issued,evidence_url,evidence_name,narrative,grade", "unknown column 'grade'"),
])
def test_award_csv_columns_must_be_known(new_site: Path, tmp_path: Path, header, message):
    sheet = write_csv(tmp_path / "cols.csv", [["python-basics", "a@example.org"]], header=header)
    before = snapshot(new_site)
    code, _, err = run_cli("award", "--csv", str(sheet), "-s", str(new_site))
    assert code == 1 and f"{sheet}:1: error: {message}" in err
    assert snapshot(new_site) == before


def test_award_csv_from_excel(new_site: Path, tmp_path: Path):
    """Excel in a Dutch locale: a BOM, semicolons, CRLF, columns in another order."""
    sheet = tmp_path / "excel.csv"
    sheet.write_bytes("\ufeffEmail;Badge;Name;Issued;Evidence_URL;Evidence_Name;Narrative\r\n"
                      "danielle@example.org;python-basics;Daniëlle Visser;;;;Goed gedaan; echt\r\n".encode())
    code, _, err = run_cli("award", "--csv", str(sheet), "-s", str(new_site))
    assert code == 1 and "8 cells" in err  # an unquoted ';' in a cell: reported, not guessed
    sheet.write_bytes("\ufeffEmail;Badge;Name;Issued;Evidence_URL;Evidence_Name;Narrative\r\n"
                      "danielle@example.org;python-basics;Daniëlle Visser;;;;\"Goed gedaan; echt\"\r\n".encode())
    code, _, err = run_cli("award", "--csv", str(sheet), "-s", str(new_site))
    assert code == 0, err
    assert entries(new_site)[-1]["name"] == "Daniëlle Visser"
    assert entries(new_site)[-1]["narrative"] == "Goed gedaan; echt"


def test_award_csv_not_utf8(new_site: Path, tmp_path: Path):
    sheet = tmp_path / "latin1.csv"
    sheet.write_bytes((COLUMNS + "\npython-basics,a@example.org,Dani\xeblle,,,,\n").encode("latin-1"))
    code, _, err = run_cli("award", "--csv", str(sheet), "-s", str(new_site))
    assert code == 1 and "not UTF-8" in err and "CSV UTF-8" in err


# -- revoke -----------------------------------------------------------------------

def test_revoke_in_place_then_build_says_revoked(new_site: Path):
    code, out, _ = run_cli("award", "python-basics", "r@example.org", "-s", str(new_site))
    award_id = out.splitlines()[0].rstrip("/").rsplit("/", 1)[1]
    path = ledger(new_site)
    path.write_text(path.read_text().replace(f"- id: {award_id}", f"# a comment about this award\n- id: {award_id}"))
    lines_before = path.read_text().splitlines()

    code, out, err = run_cli("revoke", award_id, "--reason", "Awarded in error: wrong group", "-s", str(new_site))
    assert code == 0, err
    lines_after = path.read_text().splitlines()
    added = [line for line in lines_after if line not in lines_before]
    assert added == ["  revoked:", f"    date: {TODAY.isoformat()}", '    reason: "Awarded in error: wrong group"']
    assert "# a comment about this award" in lines_after
    award = next(e for e in entries(new_site) if e["id"] == award_id)
    assert award["revoked"] == {"date": TODAY, "reason": "Awarded in error: wrong group"}

    assert run_cli("build", "-s", str(new_site), "-q")[0] == 0
    doc = json.loads((new_site / "output" / "awards" / f"{award_id}.json").read_text())
    assert doc["revoked"] is True and doc["revocationReason"] == "Awarded in error: wrong group"


def test_revoke_refusals(new_site: Path):
    award_id = entries(new_site)[0]["id"]
    before = snapshot(new_site)
    code, _, err = run_cli("revoke", award_id[:-1] + "x", "--reason", "r", "-s", str(new_site))
    assert code == 1 and f"did you mean '{award_id}'?" in err
    code, _, err = run_cli("revoke", award_id, "--reason", "  ", "-s", str(new_site))
    assert code == 1 and "--reason" in err
    code, _, err = run_cli("revoke", award_id, "--reason", "r", "--date", "2000-01-01", "-s", str(new_site))
    assert code == 1 and "before the award was issued" in err
    assert snapshot(new_site) == before
    assert run_cli("revoke", award_id, "--reason", "first", "-s", str(new_site))[0] == 0
    code, _, err = run_cli("revoke", award_id, "--reason", "second", "-s", str(new_site))
    assert code == 1 and "already revoked" in err
    code, _, err = run_cli("revoke", award_id, "-s", str(new_site))
    assert code == 2 and "--reason" in err


def test_revoke_flow_style_and_crlf_ledgers(tmp_path: Path):
    ledger_text = ("# flow style, Windows line endings\r\n"
                   "- {id: a-1, badge: python-basics, recipient: a@example.org, issued: 2026-01-10,\r\n"
                   "   awarded_by: admin@example.org}\r\n"
                   "- id: a-2\r\n  badge: python-basics\r\n  recipient: b@example.org\r\n  issued: 2026-01-10\r\n"
                   "  awarded_by: admin@example.org\r\n  narrative: |\r\n    Line\r\n    # not a comment\r\n\r\n"
                   "# about the next one\r\n")
    root = make_site(tmp_path / "s", {"content/awards/2026.yaml": ledger_text})
    for award_id in ("a-1", "a-2"):
        code, _, err = run_cli("revoke", award_id, "--reason", f"Reason for {award_id}", "--date", "2026-02-01",
                               "-s", str(root))
        assert code == 0, err
    raw = (root / "content/awards/2026.yaml").read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    data = yaml.safe_load(raw.decode())
    assert [a["revoked"]["reason"] for a in data] == ["Reason for a-1", "Reason for a-2"]
    assert data[1]["narrative"] == "Line\n# not a comment\n"
    assert raw.decode().rstrip().endswith("# about the next one")
    assert run_cli("check", "-s", str(root))[0] == 0


# -- the text edits themselves --------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=60))
def test_any_text_round_trips_through_an_entry(text):
    fields = {"id": "x-1", "name": text, "narrative": text, "evidence": [{"url": "https://e.example/", "name": text}]}
    data = yaml.load(ledger_edit.entry_text(fields), Loader=yaml.SafeLoader)[0]
    assert data == fields


def test_append_keeps_an_indented_sequence(tmp_path: Path):
    path = tmp_path / "l.yaml"
    path.write_text("  - id: a\n    badge: x\n")
    ledger_edit.append(path, [ledger_edit.entry_text({"id": "b", "badge": "y"})])
    assert yaml.safe_load(path.read_text()) == [{"id": "a", "badge": "x"}, {"id": "b", "badge": "y"}]


def test_append_refuses_a_flow_list(tmp_path: Path):
    path = tmp_path / "l.yaml"
    path.write_text("[{id: a, badge: x}]\n")
    with pytest.raises(ledger_edit.LedgerEditError, match="by hand"):
        ledger_edit.append(path, [ledger_edit.entry_text({"id": "b", "badge": "y"})])
    assert path.read_text() == "[{id: a, badge: x}]\n"


def test_award_in_a_subprocess(new_site: Path):
    """The installed entry point, as a user runs it."""
    result = subprocess.run([sys.executable, "-m", "badgesite.cli", "award", "python-basics", "sub@example.org",
                             "-s", str(new_site)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("https://example.github.io/site/awards/pb-")
