"""`check --base REF` refuses what would break a published promise and summarises the change."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import AWARDS, BADGE, make_site, run_cli

SECOND = AWARDS.replace("a-0001", "a-0002").replace("leah@", "sem@").replace("2026-01-10", "2026-01-12")


def git(root: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(root), "PATH": "/usr/bin:/bin"}
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True, env=env).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_site(tmp_path / "site", {"content/awards/2026.yaml": AWARDS + SECOND})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return root


def check(root: Path, *extra: str):
    return run_cli("check", "--site", str(root), "--base", "main", *extra)


def test_new_award_and_revocation_are_accepted_and_summarised(repo: Path, tmp_path: Path, monkeypatch):
    third = AWARDS.replace("a-0001", "a-0003").replace("leah@", "noor@")
    revoked = AWARDS.replace("awarded_by: admin@example.org", "awarded_by: admin@example.org\n  revoked: {date: 2026-02-01, reason: Awarded in error}")
    make_site(repo, {"content/awards/2026.yaml": revoked + SECOND + third})
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, err = check(repo)
    assert code == 0, err
    text = summary.read_text()
    assert "**1** awards added, **1** revoked" in text
    assert "| `a-0003` | Python Basics (`python-basics`) | 2026-01-10 | admin@example.org |" in text
    assert "Awarded in error" in text
    assert "noor@" not in text and "leah@" not in text  # never an e-mail of a recipient


def test_deleted_award_is_refused(repo: Path):
    make_site(repo, {"content/awards/2026.yaml": SECOND})
    code, _, err = check(repo)
    assert code == 1
    assert "content/awards/2026.yaml:1:3: error: award 'a-0001' (python-basics, 2026-01-10) was deleted" in err
    assert "badgesite revoke a-0001" in err


def test_renamed_award_is_refused(repo: Path):
    make_site(repo, {"content/awards/2026.yaml": AWARDS.replace("a-0001", "a-0001b") + SECOND})
    code, _, err = check(repo)
    assert code == 1 and "award 'a-0001' was renamed to 'a-0001b'" in err


def test_changed_recipient_badge_or_date_is_refused(repo: Path):
    make_site(repo, {"content/awards/2026.yaml": AWARDS.replace("leah@", "eve@").replace("2026-01-10", "2026-01-11") + SECOND})
    code, _, err = check(repo)
    assert code == 1
    assert "award 'a-0001': its recipient changed after it was published" in err
    assert "award 'a-0001': its issue date changed after it was published" in err


def test_removed_badge_is_refused(repo: Path):
    make_site(repo, {"content/badges/git-basics.md": BADGE})
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "git badge")
    (repo / "content/badges/git-basics.md").unlink()
    code, _, err = check(repo)
    assert code == 1 and "badge 'git-basics' was removed or renamed" in err


def test_new_awarder_cannot_award_in_the_same_change(repo: Path):
    config = (repo / "badgesite.yaml").read_text().replace("awarders: [admin@example.org]", "awarders: [admin@example.org, mallory@example.org]")
    third = AWARDS.replace("a-0001", "a-0003").replace("admin@", "mallory@")
    make_site(repo, {"badgesite.yaml": config, "content/awards/2026.yaml": AWARDS + SECOND + third})
    code, _, err = check(repo)
    assert code == 1 and "'mallory@example.org' may not award 'python-basics' on the base branch" in err


def test_reordering_published_awards_is_refused(repo: Path):
    make_site(repo, {"content/awards/2026.yaml": SECOND + AWARDS})
    code, _, err = check(repo)
    assert code == 1 and "award 'a-0001' moved" in err


def test_unknown_ref_is_a_usage_error(repo: Path):
    code, _, err = run_cli("check", "--site", str(repo), "--base", "no-such-ref")
    assert code == 2 and "git rev-parse" in err
