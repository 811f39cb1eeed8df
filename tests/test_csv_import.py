"""`badgesite award --csv` reads spreadsheets as teachers export them.

Real files, written byte for byte as Excel and other spreadsheets write them (BOM,
`;`, CRLF, UTF-16, only some columns, own capitalisation), imported through the CLI;
every refused file leaves the ledger's bytes as they were.
"""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import run_cli

from badgesite import recipients as identity
from badgesite.authoring.spreadsheet import parse_date

YEAR = dt.date.today().year - 1  # dates in the past, whatever day the tests run


@pytest.fixture
def new_site(tmp_path: Path) -> Path:
    """A site made by `badgesite new` (hashed recipients, one awarder)."""
    root = tmp_path / "site"
    assert run_cli("new", str(root), "-q")[0] == 0
    return root


def awards_folder(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "content" / "awards").iterdir())}


def entries(root: Path) -> list[dict]:
    found = []
    for path in sorted((root / "content" / "awards").glob("*.yaml")):
        found += yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return found


def sheet(tmp_path: Path, lines: list[str], *, name: str = "export.csv", bom: bool = True, newline: str = "\r\n",
          encoding: str = "utf-8") -> Path:
    """A file as a spreadsheet writes it: given lines joined by `newline`, ending with one."""
    path = tmp_path / name
    data = newline.join(lines) + newline
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data.encode(encoding))
    return path


def refused(root: Path, path: Path) -> str:
    """Run the import, which must fail, and prove no byte of the ledger changed."""
    before = awards_folder(root)
    code, out, err = run_cli("award", "--csv", str(path), "-s", str(root))
    assert code == 1, out + err
    assert "Traceback" not in err and "nothing was written" in err
    assert awards_folder(root) == before
    return err


def builds(root: Path) -> None:
    code, _, err = run_cli("check", "-s", str(root))
    assert code == 0, err
    code, _, err = run_cli("build", "-s", str(root), "-q")
    assert code == 0, err


# -- what imports -----------------------------------------------------------------

def test_dutch_excel_export_imports_and_builds(new_site: Path, tmp_path: Path):
    """Excel (nl): BOM, ';', CRLF, spaced capitalised headers in its own order, day-first
    dates, a quoted cell holding ';' and a line break, blank rows at the end."""
    path = sheet(tmp_path, [
        " Email ;BADGE;Name;Issued;Narrative",
        f"anne@school.example;python-basics;Anne de Wit;1-9-{YEAR};",
        f"bram@school.example;python-basics;Bram Smit;01/09/{YEAR};\"Goed; echt goed\r\nTweede regel\"",
        f"cas@school.example;workshop-helper;Cas Bakker;{YEAR}-09-02;",
        f"dewi@school.example;workshop-helper;;15.3.{YEAR};",
        ";;;;",
        "",
    ])
    before = {e["id"] for e in entries(new_site)}
    code, out, err = run_cli("award", "--csv", str(path), "-s", str(new_site))
    assert code == 0, err
    assert "added 4 awards" in out
    by_name = {e.get("name"): e for e in entries(new_site) if e["id"] not in before}
    assert len(by_name) == 4
    assert by_name["Anne de Wit"]["issued"] == dt.date(YEAR, 9, 1)
    assert by_name["Bram Smit"]["issued"] == dt.date(YEAR, 9, 1)
    assert by_name["Bram Smit"]["narrative"] == "Goed; echt goed\nTweede regel"
    assert by_name["Cas Bakker"]["badge"] == "workshop-helper"
    assert by_name[None]["issued"] == dt.date(YEAR, 3, 15)
    assert identity.matches("anne@school.example", by_name["Anne de Wit"]["recipient"]["identity"],
                            by_name["Anne de Wit"]["recipient"]["salt"])
    builds(new_site)


def test_only_badge_and_email_tab_separated(new_site: Path, tmp_path: Path):
    path = sheet(tmp_path, ["email\tbadge", "p@school.example\tpython-basics", "q@school.example\tworkshop-helper"],
                 bom=False, newline="\n")
    code, out, err = run_cli("award", "--csv", str(path), "-s", str(new_site))
    assert code == 0, err
    assert "added 2 awards" in out
    latest = entries(new_site)[-2:]
    assert [e["badge"] for e in latest] == ["python-basics", "workshop-helper"]
    assert all(e["issued"] == dt.date.today() and "name" not in e for e in latest)
    builds(new_site)


def test_excel_unicode_text_utf16_with_tabs(new_site: Path, tmp_path: Path):
    """Excel's "Unicode Text" export: UTF-16 LE with a BOM, tab separated."""
    path = tmp_path / "unicode.txt"
    path.write_bytes("\ufeffBadge\tEmail\tName\r\npython-basics\tz@school.example\tZoë Öztürk\r\n".encode("utf-16-le"))
    code, _, err = run_cli("award", "--csv", str(path), "-s", str(new_site))
    assert code == 0, err
    assert entries(new_site)[-1]["name"] == "Zoë Öztürk"


def test_excel_separator_line(new_site: Path, tmp_path: Path):
    """`sep=|` on the first line: Excel's own way to name the separator (and hide the line)."""
    path = sheet(tmp_path, ["sep=|", "badge|email|issued", f"python-basics|s@school.example|31-2-{YEAR}"])
    assert f"{path}:2: error: issued date '31-2-{YEAR}': there is no day 31" in refused(new_site, path)
    path = sheet(tmp_path, ["sep=|", "badge|email|issued", f"python-basics|s@school.example|31-1-{YEAR}"])
    code, _, err = run_cli("award", "--csv", str(path), "-s", str(new_site))
    assert code == 0, err
    ledger = yaml.safe_load((new_site / "content" / "awards" / f"{YEAR}.yaml").read_text(encoding="utf-8"))
    assert [e["issued"] for e in ledger] == [dt.date(YEAR, 1, 31)]


@pytest.mark.parametrize("lines, message", [
    ([], "the file is empty; the first row must name the columns (at least: badge,email)"),
    (["Badge;Email"], "no rows to award (only a header)"),
    (["Badge;Email", ";", ";"], "no rows to award (only a header)"),
])
def test_files_with_nothing_to_award(new_site: Path, tmp_path: Path, lines, message):
    path = sheet(tmp_path, lines) if lines else tmp_path / "empty.csv"
    if not lines:
        path.write_bytes(b"\xef\xbb\xbf")  # Excel's export of an empty sheet: a BOM
    err = refused(new_site, path)
    assert f"{path}:" in err and message in err


def test_header_words_may_be_spaced_or_hyphenated(new_site: Path, tmp_path: Path):
    path = sheet(tmp_path, ["Badge,Email,Evidence URL,Evidence-Name",
                            "python-basics,e@school.example,https://portfolio.example/e,Portfolio"])
    code, _, err = run_cli("award", "--csv", str(path), "-s", str(new_site))
    assert code == 0, err
    assert entries(new_site)[-1]["evidence"] == [{"url": "https://portfolio.example/e", "name": "Portfolio"}]


def test_thirty_row_export_through_the_installed_command(new_site: Path, tmp_path: Path):
    """A class of 30 as a Dutch spreadsheet exports it, through `badgesite` as a user runs it."""
    lines = ["Name;Email;Badge;Issued"]
    for n in range(1, 31):
        lines.append(f"Leerling {n};leerling{n}@school.example;{'python-basics' if n % 3 else 'workshop-helper'};"
                     f"{n % 28 + 1}-{n % 12 + 1}-{YEAR}")
    path = sheet(tmp_path, lines + [";;;", ";;;"])
    command = [sys.executable, "-c", "from badgesite.cli import main; raise SystemExit(main())"]
    result = subprocess.run([*command, "award", "--csv", str(path), "-s", str(new_site)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "added 30 awards" in result.stdout
    imported = [e for e in entries(new_site) if str(e.get("name", "")).startswith("Leerling ")]
    assert len(imported) == 30
    assert {e["issued"] for e in imported} == {dt.date(YEAR, n % 12 + 1, n % 28 + 1) for n in range(1, 31)}
    result = subprocess.run([*command, "check", "-s", str(new_site)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


# -- what is refused, by name and row, with nothing written -----------------------

def test_unknown_column_is_named_and_nothing_is_written(new_site: Path, tmp_path: Path):
    path = sheet(tmp_path, ["badge;emial;Cijfer", "python-basics;a@school.example;8"])
    err = refused(new_site, path)
    assert f"{path}:1: error: unknown column 'emial' (did you mean 'email'?)" in err
    assert f"{path}:1: error: unknown column 'Cijfer' (the columns are badge, email (required); name, issued" in err
    assert f"{path}:1: error: missing column 'email'" in err


@pytest.mark.parametrize("header, message", [
    ("badge;name", "missing column 'email'"),
    ("Name;Issued", "missing columns 'badge', 'email'"),
    ("Email;badge; EMAIL ", "column 'email' is named twice (columns 1 and 3)"),
    ("badge|email", "missing columns 'badge', 'email' (separate the columns with commas, semicolons or tabs)"),
])
def test_header_problems(new_site: Path, tmp_path: Path, header, message):
    path = sheet(tmp_path, [header, "python-basics;a@school.example;x"])
    assert f"{path}:1: error: {message}" in refused(new_site, path)


@pytest.mark.parametrize("cell, message", [
    (f"1-9-{YEAR % 100:02d}", f"issued date '1-9-{YEAR % 100:02d}': the year has 2 digits, which could be any century"),
    (f"9/13/{YEAR}", f"issued date '9/13/{YEAR}' is month first (US style): badgesite reads D/M/YYYY, day first"),
    (f"32-1-{YEAR}", f"issued date '32-1-{YEAR}': there is no day 32 in month 1 of {YEAR}"),
    (f"1-13-{YEAR}", f"issued date '1-13-{YEAR}' is month first"),
    (f"14-13-{YEAR}", f"issued date '14-13-{YEAR}': there is no month 13"),
    ("29-2-2023", "issued date '29-2-2023': there is no day 29 in month 2 of 2023"),
    (f"{YEAR}-02-30", f"issued date '{YEAR}-02-30': there is no day 30 in month 2 of {YEAR}"),
    (f"1-9-{YEAR} 0:00", f"issued date '1-9-{YEAR} 0:00' has a time"),
    ("45901", "issued date '45901' is not a date (write dates as 2026-09-01 or day first as 1-9-2026)"),
    ("1 september", "issued date '1 september' is not a date"),
])
def test_bad_dates_are_named_at_their_spreadsheet_row(new_site: Path, tmp_path: Path, cell, message):
    """Row 2 holds a line break inside a quoted cell: the bad date is still on row 4,
    as the spreadsheet numbers it (the file's line 5)."""
    path = sheet(tmp_path, [
        "badge;email;issued;narrative",
        f"python-basics;a@school.example;1-9-{YEAR};\"Twee\r\nregels\"",
        f"python-basics;b@school.example;{YEAR}-09-01;",
        f"python-basics;c@school.example;{cell};",
    ])
    assert f"{path}:4: error: {message}" in refused(new_site, path)


def test_empty_and_invalid_cells_are_named_at_their_row(new_site: Path, tmp_path: Path):
    path = sheet(tmp_path, [
        "Badge,Email",
        "python-basics,ok@school.example",
        ",nobadge@school.example",
        "python-basics,",
        "pyton-basics,typo@school.example",
        "python-basics,jan.devries@",
        "python-basics,x@school.example,stray",
    ])
    err = refused(new_site, path)
    assert f"{path}:3: error: no badge named" in err
    assert f"{path}:4: error: no e-mail address" in err
    assert f"{path}:5: error: no badge 'pyton-basics' (did you mean 'python-basics'?)" in err
    assert f"{path}:6: error: 'jan.devries@' is not a valid e-mail address" in err
    assert f"{path}:7: error: 3 cells where the header has 2 (a cell holding the separator must be quoted)" in err


def test_windows_1252_is_refused_at_its_row_not_guessed(new_site: Path, tmp_path: Path):
    path = sheet(tmp_path, ["badge;email;name", "python-basics;a@school.example;Anne",
                            "python-basics;d@school.example;Daniëlle", "python-basics;e@school.example;Eliën"],
                 bom=False, encoding="cp1252")
    err = refused(new_site, path)
    assert (f"{path}:3: error: not UTF-8 text: byte 0xEB in column 'name' ('Dani\\xeblle'); 1 more row too"
            in err)
    assert "save the file as 'CSV UTF-8 (comma delimited)'" in err


def test_a_value_under_an_unnamed_column_is_refused(new_site: Path, tmp_path: Path):
    """Excel writes a trailing ';' for an empty column: harmless until something is in it."""
    path = sheet(tmp_path, ["badge;email;", "python-basics;a@school.example;", "python-basics;b@school.example;7"])
    assert f"{path}:3: error: a value in column 3, which the header does not name" in refused(new_site, path)


# -- the date rule ----------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2026-09-01", dt.date(2026, 9, 1)), ("2026/9/1", dt.date(2026, 9, 1)),
    ("1-9-2026", dt.date(2026, 9, 1)), ("01-09-2026", dt.date(2026, 9, 1)), ("1/9/2026", dt.date(2026, 9, 1)),
    ("1.9.2026", dt.date(2026, 9, 1)), ("13-1-2026", dt.date(2026, 1, 13)), (" 31-12-2025 ", dt.date(2025, 12, 31)),
])
def test_dates_read_iso_or_day_first(text, expected):
    assert parse_date(text) == (expected, None, None)


@pytest.mark.parametrize("text", ["1-9/2026", "2026-13-01", "0-9-2026", "1-0-2026", "1-9-02026", "2026-09", ""])
def test_dates_refused(text):
    date, message, _ = parse_date(text)
    assert date is None and message
