"""size_limit: every build says what it publishes; over the limit it fails and keeps output/."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from conftest import AWARDS, CONFIG, run_cli

from badgesite.build import build
from badgesite.config import parse_size
from badgesite.sitesize import SiteSize, format_size


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def real_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def size_line(out: str) -> str:
    return [line for line in out.splitlines() if line.startswith(("size:", "projected size:"))][-1]


def counted(line: str) -> tuple[int, str]:
    match = re.search(r"size: ([\d,]+) files, ([\d.]+ k?B)", line)
    return int(match.group(1).replace(",", "")), match.group(2)


def set_limit(site: Path, text: str | None) -> None:
    config = CONFIG + "recipients: plain\n" + (f"size_limit: {text}\n" if text else "")
    (site / "badgesite.yaml").write_text(config, encoding="utf-8")


def add_awards(site: Path, count: int, first: int = 0) -> None:
    ledger = site / "content/awards/2026.yaml"
    entries = "".join(AWARDS.replace("a-0001", f"b-{n:04d}").replace("leah@", f"p{n}@")
                      for n in range(first, first + count))
    ledger.write_text(ledger.read_text() + entries, encoding="utf-8")


@pytest.mark.parametrize("text, size", [("1 GB", 10**9), ("500 MB", 500 * 10**6), ("2 GiB", 2 * 2**30),
                                        ("10kB", 10_000), ("1.5 GB", 1_500_000_000), (250000, 250000),
                                        ("none", None), ("None", None)])
def test_sizes_are_read_with_their_units(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["lots", "1 GX", "-1 GB", "0", "GB", "1 GB 2", True])
def test_a_bad_size_limit_is_a_file_line_error(site: Path, text):
    set_limit(site, text if isinstance(text, str) else "true")
    code, _, err = run_cli("build", "-s", str(site))
    assert code == 1
    assert re.search(r"^badgesite\.yaml:8:13: error: 'size_limit' must be ", err, re.M), err
    assert "Traceback" not in err and not (site / "output").exists()


def test_every_build_ends_with_files_bytes_and_bytes_per_award(site: Path):
    code, out, err = run_cli("build", "-s", str(site))
    assert code == 0, err
    line = out.strip().splitlines()[-1]
    files, size = real_size(site / "output")
    assert line.startswith("size:") and counted(line) == (files, format_size(size))
    assert "per award" in line and "of the size_limit of 1 GB" in line
    # incremental builds count only what they change, and still agree with the folder
    add_awards(site, 3)
    code, out, err = run_cli("build", "-s", str(site), "-v")
    assert code == 0, err
    files, size = real_size(site / "output")
    assert counted(size_line(out)) == (files, format_size(size))
    kinds = set(re.findall(r"^  ([a-z]+(?: [a-z]+)?) +[\d,]+ files", out, re.M))
    assert {"award pages", "assertions", "baked images"} <= kinds
    assert re.search(r"^  award pages +4 files ", out, re.M), out
    ledger = site / "content/awards/2026.yaml"
    ledger.write_text(ledger.read_text().replace("- id: b-0001", "- id: b-0001\n  revoked: {date: 2026-02-01, "
                                                 "reason: Wrong person}", 1), encoding="utf-8")
    code, out, err = run_cli("build", "-s", str(site))
    assert code == 0, err
    assert counted(size_line(out)) == (files, format_size(real_size(site / "output")[1]))
    # a build with nothing to do says the same
    assert size_line(run_cli("build", "-s", str(site))[1]) == size_line(out)
    # to the byte, as the build counted it
    result = build(site)
    assert result.written == 0 and SiteSize.from_record(result.size).bytes == real_size(site / "output")[1]
    ledger.write_text(ledger.read_text().replace("Wrong person", "Awarded to the wrong person"), encoding="utf-8")
    result = build(site)
    assert result.written > 0 and SiteSize.from_record(result.size).bytes == real_size(site / "output")[1]


def test_a_site_over_its_size_limit_fails_and_keeps_its_output(site: Path):
    assert run_cli("build", "-s", str(site))[0] == 0
    before = tree(site / "output")
    set_limit(site, "10 kB")
    add_awards(site, 2)
    code, out, err = run_cli("build", "-s", str(site))
    assert code == 1
    assert re.search(r"^badgesite\.yaml:8: error: the site publishes [\d.]+ kB in \d+ files, over its "
                     r"size_limit of 10 kB", err, re.M), err
    assert "badgesite deploy s3://BUCKET" in err and "size_limit: none" in err and "bake_in_browser" in err
    assert "output/ was not changed" in err and "Traceback" not in err
    assert tree(site / "output") == before
    # again from nothing (--clean): the old output still stays as it was
    assert run_cli("build", "-s", str(site), "--clean")[0] == 1
    assert tree(site / "output") == before
    # object storage: no limit
    set_limit(site, "none")
    code, out, err = run_cli("build", "-s", str(site))
    assert code == 0 and "size_limit" not in out + err, out + err
    assert tree(site / "output") != before


def test_from_80_percent_of_the_limit_it_warns(site: Path):
    assert run_cli("build", "-s", str(site))[0] == 0
    _, size = real_size(site / "output")
    set_limit(site, f"{size * 100 // 90} B")  # about 90 %
    code, out, err = run_cli("build", "-s", str(site))
    assert code == 0, err
    assert re.search(r"^badgesite\.yaml:8: warning: the site publishes .* 9\d % of its size_limit", err, re.M), err
    assert run_cli("build", "-s", str(site), "--strict")[0] == 1
    set_limit(site, f"{size * 100 // 70} B")  # about 70 %
    code, out, err = run_cli("build", "-s", str(site))
    assert code == 0 and "warning" not in err, err


def test_check_projects_the_size_from_the_last_build(site: Path):
    code, out, _ = run_cli("check", "-s", str(site))
    assert code == 0 and "projected size: not known before the first build" in out
    assert run_cli("build", "-s", str(site))[0] == 0
    files, size = real_size(site / "output")
    code, out, _ = run_cli("check", "-s", str(site))
    assert code == 0 and counted(size_line(out)) == (files, format_size(size))
    add_awards(site, 9)  # ten awards now: the per-award files ten times over
    code, out, err = run_cli("check", "-s", str(site))
    projected = counted(size_line(out))
    assert code == 0 and projected[0] > files and (site / "output").is_dir(), err
    assert run_cli("build", "-s", str(site))[0] == 0
    assert projected[0] == real_size(site / "output")[0]  # one award's files, ten times
    set_limit(site, "10 kB")
    add_awards(site, 1, first=100)
    code, out, err = run_cli("check", "-s", str(site))
    assert code == 1 and re.search(r"^badgesite\.yaml:8: error: the site would publish .* over its size_limit of "
                                   r"10 kB", err, re.M), err
