"""Every mistake a user can make gets `file:line:col: error: message`, exit 1, no traceback,
and leaves output/ exactly as it was."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conftest import AWARDS, BADGE, CONFIG, SVG, make_site, png_bytes, run_cli

BROKEN = {
    "unknown key in front-matter": (
        {"content/badges/python-basics.md": BADGE.replace("criteria:", "critera:")},
        "content/badges/python-basics.md:5:1: error: unknown key 'critera' (did you mean 'criteria'?)"),
    "front-matter never closes": (
        {"content/badges/python-basics.md": "---\nname: x\n"},
        "content/badges/python-basics.md:1:1: error: front-matter never closes (did you forget the closing '---' line?)"),
    "unknown badge": (
        {"content/awards/2026.yaml": AWARDS.replace("badge: python-basics", "badge: pyton-basics")},
        "content/awards/2026.yaml:2:10: error: award 'a-0001': no badge 'pyton-basics' (did you mean 'python-basics'?)"),
    "duplicate id across files": (
        {"content/awards/2025.yaml": AWARDS},
        "content/awards/2026.yaml:1:7: error: duplicate award id 'a-0001' (first used at content/awards/2025.yaml:1)"),
    "malformed e-mail": (
        {"content/awards/2026.yaml": AWARDS.replace("leah@example.org", "leah-at-example")},
        "content/awards/2026.yaml:3:14: error: award 'a-0001': 'recipient' is not a valid e-mail address"),
    "malformed date": (
        {"content/awards/2026.yaml": AWARDS.replace("2026-01-10", "2026-13-10")},
        "content/awards/2026.yaml:4:11: error: invalid value '2026-13-10': month must be in 1..12"),
    "YAML syntax": (
        {"content/awards/2026.yaml": AWARDS + "  foo: [1,\n"},
        "content/awards/2026.yaml:6:8: error: this '[' is never closed (the parser gave up at line 7, column 1: "),
    "no base_url": (
        {"badgesite.yaml": CONFIG.replace("base_url: https://example.org/badges/\n", "")},
        "badgesite.yaml:1:1: error: missing required field 'base_url'"),
    "base_url not http": (
        {"badgesite.yaml": CONFIG.replace("https://example.org/badges/", "ftp://x/")},
        "badgesite.yaml:1:11: error: 'base_url' must be an http(s) URL"),
    "unknown config key": (
        {"badgesite.yaml": CONFIG + "recipients: plain\nlanguge: nl\n"},
        "badgesite.yaml:8:1: error: unknown key 'languge' (did you mean 'language'?)"),
    "not UTF-8": (
        {"content/awards/2026.yaml": AWARDS.replace("leah", "l\xe9ah").encode("latin-1")},
        "content/awards/2026.yaml:3:15: error: not valid UTF-8 (byte 0xe9)"),
    "SVG with script": (
        {"content/badges/python-basics.md": BADGE.replace(".png", ".svg"),
         "content/badges/python-basics.svg": SVG.replace("<circle", "<script>alert(1)</script><circle")},
        "content/badges/python-basics.md:4:8: error: image 'python-basics.svg': SVG contains <script>"),
    "SVG with event handler": (
        {"content/badges/python-basics.md": BADGE.replace(".png", ".svg"),
         "content/badges/python-basics.svg": SVG.replace("<circle", "<circle onclick=\"alert(1)\"")},
        "content/badges/python-basics.md:4:8: error: image 'python-basics.svg': SVG has an event handler (onclick)"),
    "SVG with external reference": (
        {"content/badges/python-basics.md": BADGE.replace(".png", ".svg"),
         "content/badges/python-basics.svg": SVG.replace("<circle", "<image href=\"https://evil.example/x.png\"/><circle")},
        "content/badges/python-basics.md:4:8: error: image 'python-basics.svg': SVG refers to an external resource"),
    "SVG with foreignObject": (
        {"content/badges/python-basics.md": BADGE.replace(".png", ".svg"),
         "content/badges/python-basics.svg": SVG.replace("<circle", "<foreignObject/><circle")},
        "content/badges/python-basics.md:4:8: error: image 'python-basics.svg': SVG contains <foreignobject>"),
    "image path leaves the site": (
        {"content/badges/python-basics.md": BADGE.replace("python-basics.png", "../../../etc/passwd")},
        "content/badges/python-basics.md:4:8: error: path '../../../etc/passwd' leaves the site folder"),
    "image missing": (
        {"content/badges/python-basics.png": None},
        "content/badges/python-basics.md:4:8: error: file 'python-basics.png' does not exist"),
    "image not PNG or SVG": (
        {"content/badges/python-basics.md": BADGE.replace(".png", ".gif"), "content/badges/python-basics.gif": b"GIF89a"},
        "content/badges/python-basics.md:4:8: error: image 'python-basics.gif': badge images must be PNG or SVG files"),
    "corrupt PNG": (
        {"content/badges/python-basics.png": png_bytes()[:60]},
        "content/badges/python-basics.md:4:8: error: image 'python-basics.png': corrupt PNG"),
    "decompression bomb": (
        {"content/badges/python-basics.png": png_bytes(1)[:16] + b"\x00\x01\x00\x00\x00\x01\x00\x00" + png_bytes(1)[24:]},
        "content/badges/python-basics.md:4:8: error: image 'python-basics.png': corrupt PNG: damaged IHDR header"),
    "alias bomb": (
        {"content/awards/2026.yaml": "- &a [x,x,x,x,x,x,x,x,x]\n- &b [*a,*a,*a,*a,*a,*a,*a,*a]\n"},
        "content/awards/2026.yaml:1:3: error: YAML anchors and aliases (&, *) are not allowed"),
    "plain e-mail when hashed": (
        {"badgesite.yaml": CONFIG},
        "content/awards/2026.yaml:3:14: error: award 'a-0001': the ledger holds a plain e-mail address, but badgesite.yaml says 'recipients: hashed'"),
    "requires itself": (
        {"content/badges/python-basics.md": BADGE.replace("criteria:", "requires: [python-basics]\ncriteria:")},
        "content/badges/python-basics.md:5:12: error: a badge cannot require itself"),
    "requires cycle": (
        {"content/badges/python-basics.md": BADGE.replace("criteria:", "requires: [git]\ncriteria:"),
         "content/badges/git.md": BADGE.replace("criteria:", "requires: [python-basics]\ncriteria:")},
        "error: 'requires' forms a cycle: "),
    "requires unknown badge": (
        {"content/badges/python-basics.md": BADGE.replace("criteria:", "requires: [git-basic]\ncriteria:"),
         "content/badges/git-basics.md": BADGE},
        "content/badges/python-basics.md:5:12: error: 'requires' names no badge 'git-basic' (did you mean 'git-basics'?)"),
    "expiry before issue": (
        {"content/awards/2026.yaml": AWARDS + "  expires: 2025-01-01\n"},
        "content/awards/2026.yaml:6:12: error: award 'a-0001': expires on 2025-01-01, before it was issued on 2026-01-10"),
    "revocation without reason": (
        {"content/awards/2026.yaml": AWARDS + "  revoked: {date: 2026-02-01}\n"},
        "content/awards/2026.yaml:6:12: error: award 'a-0001': missing required field 'reason'"),
    "revocation without date": (
        {"content/awards/2026.yaml": AWARDS + "  revoked:\n    reason: oops\n"},
        "content/awards/2026.yaml:7:5: error: award 'a-0001': missing required field 'date'"),
    "not an awarder": (
        {"content/awards/2026.yaml": AWARDS.replace("awarded_by: admin@", "awarded_by: other@")},
        "content/awards/2026.yaml:5:15: error: award 'a-0001': 'other@example.org' may not award 'python-basics'"),
    "retired badge awarded later": (
        {"content/badges/python-basics.md": BADGE.replace("criteria:", "retired: 2025-12-31\ncriteria:")},
        "content/awards/2026.yaml:4:11: error: award 'a-0001': badge 'python-basics' was retired on 2025-12-31"),
    "badge file name not an id": (
        {"content/badges/Python_Basics.md": BADGE},
        "content/badges/Python_Basics.md:1: error: 'Python_Basics' is not a valid badge id"),
    "award id too long": (
        {"content/awards/2026.yaml": AWARDS.replace("a-0001", "a" * 65)},
        "content/awards/2026.yaml:1:7: error: award id 'aaaa"),
    "award id with bad characters": (
        {"content/awards/2026.yaml": AWARDS.replace("a-0001", "a/../x")},
        "content/awards/2026.yaml:1:7: error: award id 'a/../x' must be 1 to 64 letters"),
    "award id missing": (
        {"content/awards/2026.yaml": AWARDS.replace("- id: a-0001\n  badge", "- badge")},
        "content/awards/2026.yaml:1:3: error: missing required field 'id'"),
    "unknown key in ledger": (
        {"content/awards/2026.yaml": AWARDS + "  narative: hi\n"},
        "content/awards/2026.yaml:6:3: error: award 'a-0001': unknown key 'narative' (did you mean 'narrative'?)"),
    "wrong type": (
        {"content/badges/python-basics.md": BADGE.replace("criteria:", "eqf: nine\ncriteria:")},
        "content/badges/python-basics.md:5:6: error: 'eqf' must be a whole number, not text"),
    "missing required field": (
        {"content/badges/python-basics.md": BADGE.replace("description: Writes small programs.\n", "")},
        "content/badges/python-basics.md:2:1: error: missing required field 'description'"),
    "ledger not a list": (
        {"content/awards/2026.yaml": "id: a-0001\n"},
        "content/awards/2026.yaml:1:1: error: a ledger file must be a list of awards"),
    "tab indentation": (
        {"content/awards/2026.yaml": AWARDS.replace("  badge:", "\tbadge:")},
        "content/awards/2026.yaml:2:1: error: tab used for indentation"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_site_is_reported_precisely(tmp_path: Path, case: str):
    files, expected = BROKEN[case]
    root = make_site(tmp_path / "site", files)
    (root / "output").mkdir()
    (root / "output/index.html").write_text("the last good site")
    for command in ("check", "build"):
        code, out, err = run_cli(command, "--site", str(root))
        assert code == 1, err
        assert expected in err, f"{command}: expected {expected!r} in:\n{err}"
        assert "Traceback" not in err + out
    assert [p.name for p in (root / "output").iterdir()] == ["index.html"]
    assert (root / "output/index.html").read_text() == "the last good site"


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_failed_build_leaves_previous_output_untouched(tmp_path: Path):
    root = make_site(tmp_path / "site")
    assert run_cli("build", "--site", str(root))[0] == 0
    before = _tree(root / "output")
    make_site(root, {"content/awards/2026.yaml": AWARDS.replace("badge: python-basics", "badge: nope")})
    code, _, err = run_cli("build", "--site", str(root))
    assert code == 1 and "no badge 'nope'" in err and "output/ was not changed" in err
    assert _tree(root / "output") == before
    assert sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) == ["badgesite.yaml", "content", "output"]
    assert not [p for p in root.iterdir() if p.name.startswith((".output.staging", ".output.old"))]


def test_every_problem_reported_in_one_run(tmp_path: Path):
    root = make_site(tmp_path / "site", {
        "content/badges/python-basics.md": BADGE.replace("criteria:", "critera:"),
        "content/awards/2026.yaml": AWARDS.replace("2026-01-10", "2026-02-30") + AWARDS.replace("a-0001", "a-0002").replace("admin@", "nobody@"),
    })
    code, _, err = run_cli("check", "--site", str(root))
    assert code == 1
    assert "unknown key 'critera'" in err
    assert "2026-02-30" in err
    assert err.count("error:") >= 3


def test_warnings_fail_only_with_strict(tmp_path: Path):
    root = make_site(tmp_path / "site", {
        "badgesite.yaml": CONFIG + "recipients: plain\nlanguages: [en, nl]\n",
        "content/badges/python-basics.nl.md": BADGE.replace("name: Python Basics", "name: Python Basis").replace("criteria:", "level: other\ncriteria:"),
    })
    code, out, err = run_cli("check", "--site", str(root))
    assert code == 0 and "warning: 'level' differs" in err
    code, _, err = run_cli("check", "--strict", "--site", str(root))
    assert code == 1


def test_bake_in_browser_is_a_setting_like_the_others(tmp_path: Path):
    site = make_site(tmp_path / "site", {"badgesite.yaml": CONFIG + "recipients: plain\nbake_in_browser: true\n"})
    code, _, err = run_cli("check", "-s", str(site))
    assert code == 0 and "bake_in_browser" not in err
    make_site(site, {"badgesite.yaml": CONFIG + "recipients: plain\nbake_in_browser: sometimes\n"})
    code, _, err = run_cli("check", "-s", str(site))
    assert code == 1 and "badgesite.yaml:" in err and "bake_in_browser" in err


def test_github_annotations(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    root = make_site(tmp_path / "site", {"content/awards/2026.yaml": AWARDS.replace("badge: python-basics", "badge: pyton-basics")})
    code, out, err = run_cli("check", "--site", str(root))
    assert code == 1
    assert "::error file=content/awards/2026.yaml,line=2,col=10::award 'a-0001': no badge 'pyton-basics' (did you mean 'python-basics'?)" in out


def test_usage_errors_exit_2(tmp_path: Path):
    assert run_cli("check", "--site", str(tmp_path / "nowhere"))[0] == 2
    assert run_cli("frobnicate")[0] == 2
    assert run_cli("check", "--no-such-flag")[0] == 2


def test_missing_config_is_a_content_error(tmp_path: Path):
    code, _, err = run_cli("check", "--site", str(tmp_path))
    assert code == 1 and "badgesite.yaml:1: error: no badgesite.yaml here" in err


def test_symlinked_image_refused(tmp_path: Path):
    root = make_site(tmp_path / "site")
    (tmp_path / "outside.png").write_bytes(png_bytes())
    (root / "content/badges/python-basics.png").unlink()
    (root / "content/badges/python-basics.png").symlink_to(tmp_path / "outside.png")
    code, _, err = run_cli("check", "--site", str(root))
    assert code == 1 and "is a symbolic link" in err


def test_huge_image_refused(tmp_path: Path):
    root = make_site(tmp_path / "site", {"content/badges/python-basics.png": png_bytes(5000)})
    code, _, err = run_cli("check", "--site", str(root))
    assert code == 1 and "5000x5000 pixels; the limit is 4096x4096" in err


def test_script_in_text_fields_is_escaped(tmp_path: Path):
    evil = "<script>alert('x')</script>"
    root = make_site(tmp_path / "site", {
        "content/badges/python-basics.md": BADGE.replace("Python Basics", f"Py {evil}").replace("Explains it.", f"Explains {evil}")
        + f"\n{evil}\n<img src=x onerror=alert(1)>\n[click](javascript:alert(1))\n",
        "content/awards/2026.yaml": AWARDS + f"  name: \"Leah {evil}\"\n  narrative: \"{evil} **ok**\"\n"
        "  evidence:\n    - url: https://example.org/e\n      name: \"" + evil + "\"\n      narrative: \"" + evil + "\"\n",
    })
    assert run_cli("build", "--site", str(root))[0] == 0
    for page in (root / "output").rglob("*.html"):
        html = page.read_text("utf-8")
        assert "<script>alert" not in html, page
        assert "onerror=alert" not in html, page
        assert "javascript:alert" not in html, page
