"""`badgesite new`: a site that builds and checks as it is, with safe GitHub workflows."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import REPO, run_cli

EXPECTED = {
    ".github/workflows/check.yml", ".github/workflows/pages.yml", ".gitignore", "README.md", "badgesite.yaml",
    "content/badges/python-basics.md", "content/badges/python-basics.svg", "content/badges/python-projects.md",
    "content/badges/python-projects.svg", "content/badges/workshop-helper.md", "content/badges/workshop-helper.png",
}


@pytest.fixture
def new_site(tmp_path: Path) -> Path:
    root = tmp_path / "my-badges"
    code, out, err = run_cli("new", str(root))
    assert code == 0, err
    assert "created" in out and "badgesite serve" in out
    return root


def files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def workflow(root: Path, name: str) -> dict:
    data = yaml.safe_load((root / ".github" / "workflows" / name).read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps_using(job: dict, action: str) -> list[dict]:
    return [s for s in job["steps"] if s.get("uses", "").split("@")[0] == action]


def test_new_site_builds_and_checks(new_site: Path):
    ledgers = {p for p in files(new_site) if p.startswith("content/awards/")}
    assert files(new_site) - ledgers == EXPECTED and len(ledgers) == 1
    code, out, err = run_cli("check", "-s", str(new_site))
    assert code == 0 and "3 badges, 2 awards" in out and "0 warnings" in out, err
    code, out, err = run_cli("build", "-s", str(new_site))
    assert code == 0, err
    output = new_site / "output"
    assert (output / "index.html").is_file() and (output / "paths" / "index.html").is_file()
    assert (output / "badges" / "python-projects.json").is_file()
    config = yaml.safe_load((new_site / "badgesite.yaml").read_text())
    assert config["base_url"] == "https://example.github.io/my-badges/"


def test_new_site_has_a_learning_path_and_no_plain_addresses(new_site: Path):
    projects = (new_site / "content/badges/python-projects.md").read_text()
    assert "requires: [python-basics]" in projects
    ledger = next((new_site / "content/awards").glob("*.yaml")).read_text()
    assert "@example.org" not in ledger.replace("awarded_by: badges@example.org", "")
    assert ledger.count('identity: "sha256$') == 2
    config = (new_site / "badgesite.yaml").read_text()
    assert config.count("#") > 20, "the configuration explains itself"


def test_gitignore_keeps_output_cache_and_keys_out(new_site: Path):
    ignored = (new_site / ".gitignore").read_text().split("\n")
    for pattern in ("output/", ".output.*", ".badgesite-cache/", "*.pem", "*.key", "keys/"):
        assert pattern in ignored
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(new_site)], check=True)
        (new_site / "signing.pem").write_text("secret")
        (new_site / ".output.manifest.json").write_text("{}")
        assert run_cli("build", "-s", str(new_site), "-q")[0] == 0
        status = subprocess.run(["git", "-C", str(new_site), "status", "--porcelain", "-uall"],
                                capture_output=True, text=True, check=True).stdout
        assert "output/" not in status and "signing.pem" not in status and ".output" not in status
        assert ".github/workflows/check.yml" in status


def test_check_workflow(new_site: Path):
    data = workflow(new_site, "check.yml")
    assert list(data["on"]) == ["pull_request"]
    assert data["permissions"] == {"contents": "read"}
    job = data["jobs"]["check"]
    checkout = steps_using(job, "actions/checkout")
    assert checkout and checkout[0]["with"]["fetch-depth"] == 0
    assert steps_using(job, "actions/setup-python")
    runs = [s for s in job["steps"] if "run" in s]
    assert any("pip install" in s["run"] and "$BADGESITE_PACKAGE" in s["run"] for s in runs)
    check = next(s for s in runs if "badgesite check" in s["run"])
    assert check["run"] == 'badgesite check --base "origin/$BASE_REF"'
    assert check["env"] == {"BASE_REF": "${{ github.base_ref }}"}
    assert data["env"]["BADGESITE_PACKAGE"] == "", "an editable checkout (the test venv's) cannot be pinned"


def test_new_says_when_the_workflows_cannot_be_pinned(tmp_path: Path):
    code, out, err = run_cli("new", str(tmp_path / "site"), "-q")
    assert code == 0 and out == ""
    assert "GitHub Actions cannot install" in err and "--package SPEC" in err and "BADGESITE_PACKAGE" in err


@pytest.mark.parametrize("name", ["check.yml", "pages.yml"])
def test_unpinned_workflows_stop_and_say_what_to_set(new_site: Path, name: str):
    """The install step, run by bash as GitHub runs it: an empty BADGESITE_PACKAGE stops the job
    with an error annotation before pip runs."""
    data = workflow(new_site, name)
    job = next(iter(data["jobs"].values()))
    install = next(s for s in job["steps"] if s.get("name") == "Install badgesite")
    bin_dir = new_site.parent / "bin"  # a `python` that records being called
    bin_dir.mkdir()
    (bin_dir / "python").write_text("#!/bin/sh\necho \"pip ran: $*\"\n")
    (bin_dir / "python").chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "BADGESITE_PACKAGE": data["env"]["BADGESITE_PACKAGE"]}
    result = subprocess.run(["bash", "-e", "-c", install["run"]], capture_output=True, text=True, env=env)
    assert result.returncode == 1 and "pip ran" not in result.stdout
    assert result.stdout.startswith("::error title=BADGESITE_PACKAGE is not set::")
    assert "--package SPEC" in result.stdout and "badgesite==X.Y.Z" in result.stdout
    env["BADGESITE_PACKAGE"] = "badgesite==0.1.0"
    result = subprocess.run(["bash", "-e", "-c", install["run"]], capture_output=True, text=True, env=env)
    assert result.returncode == 0 and result.stdout == "pip ran: -m pip install badgesite==0.1.0\n"


def test_pages_workflow(new_site: Path):
    data = workflow(new_site, "pages.yml")
    assert data["on"]["push"] == {"branches": ["main"]}
    assert set(data["jobs"]) == {"build", "deploy"}
    build, deploy = data["jobs"]["build"], data["jobs"]["deploy"]
    assert steps_using(build, "actions/configure-pages")
    cache = steps_using(build, "actions/cache")[0]["with"]
    assert cache["path"].rstrip("/") == ".badgesite-cache"
    upload = steps_using(build, "actions/upload-pages-artifact")[0]
    assert upload["with"]["path"] == "output"
    step = next(s for s in build["steps"] if s.get("run") == "badgesite build")
    assert step["env"] == {"BADGESITE_SIGNING_KEY": "${{ secrets.BADGESITE_SIGNING_KEY }}"}
    text = (new_site / ".github/workflows/pages.yml").read_text()
    assert text.count("secrets.") == 1, "the signing key is in the environment of the build step alone"
    assert "BADGESITE_SIGNING_KEY" not in str(data["env"]) + str(build.get("env", ""))
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert steps_using(deploy, "actions/deploy-pages")[0]["id"] == "deployment"
    assert "pages" not in data.get("permissions", {}), "only the deploy job may write to Pages"


@pytest.mark.parametrize("name", ["check.yml", "pages.yml"])
def test_workflows_never_interpolate_into_shell(new_site: Path, name: str):
    """`${{ ... }}` inside run: is how untrusted pull-request text becomes a shell command."""
    data = workflow(new_site, name)
    for job in data["jobs"].values():
        for step in job.get("steps", []):
            assert "${{" not in step.get("run", ""), step
    text = (new_site / ".github" / "workflows" / name).read_text()
    assert not re.search(r"github\.(head_ref|event\.(pull_request|issue|comment|review))", text)
    assert "pull_request_target" not in text


def test_new_refuses_a_folder_that_is_not_empty(tmp_path: Path):
    target = tmp_path / "taken"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    code, _, err = run_cli("new", str(target))
    assert code == 2 and "not empty" in err
    assert files(target) == {"notes.txt"}
    assert not list(tmp_path.glob(".taken.*"))


def test_new_fills_an_empty_folder_with_options(tmp_path: Path):
    target = tmp_path / "empty"
    target.mkdir()
    code, _, err = run_cli("new", str(target), "--base-url", "https://badges.example.edu/", "--issuer",
                           "Hogeschool: Open Badges", "--awarder", "Marianne@Example.edu",
                           "--package", "git+https://github.com/badgesite/badgesite@main", "-q")
    assert code == 0 and not err, err
    config = yaml.safe_load((target / "badgesite.yaml").read_text())
    assert config["base_url"] == "https://badges.example.edu/"
    assert config["issuer"]["name"] == "Hogeschool: Open Badges"
    assert config["awarders"] == ["marianne@example.edu"]
    for name in ("pages.yml", "check.yml"):
        assert workflow(target, name)["env"]["BADGESITE_PACKAGE"] == "git+https://github.com/badgesite/badgesite@main"
    readme = (target / "README.md").read_text()
    assert 'python -m pip install "git+https://github.com/badgesite/badgesite@main"' in readme
    assert run_cli("check", "-s", str(target))[0] == 0


def test_the_readme_names_the_real_preview_address(tmp_path: Path):
    """`serve` shows the site under the base URL's path, and the README and the next
    steps say so (not the bare http://127.0.0.1:8000/)."""
    root = tmp_path / "x"
    code, out, err = run_cli("new", str(root), "--base-url", "https://my-org.github.io/mysite/")
    assert code == 0, err
    readme = (root / "README.md").read_text()
    assert "badgesite serve                        # preview on http://127.0.0.1:8000/mysite/," in readme
    assert "127.0.0.1:8000/," not in readme and "@@" not in readme
    assert "preview on http://127.0.0.1:8000/mysite/" in out
    root = tmp_path / "y"
    assert run_cli("new", str(root), "--base-url", "https://badges.example.edu/", "-q")[0] == 0
    assert "preview on http://127.0.0.1:8000/, " in (root / "README.md").read_text()


def test_a_base_url_without_its_slash_gets_one_with_a_notice(tmp_path: Path):
    root = tmp_path / "x"
    code, _, err = run_cli("new", str(root), "--base-url", "https://my-org.github.io/mysite", "-q")
    assert code == 0 and "notice: --base-url names a folder, so it ends in '/': using " \
        "https://my-org.github.io/mysite/" in err
    assert yaml.safe_load((root / "badgesite.yaml").read_text())["base_url"] == "https://my-org.github.io/mysite/"
    assert "127.0.0.1:8000/mysite/" in (root / "README.md").read_text()
    # the same in badgesite.yaml: a warning at its line, with the value used
    config = root / "badgesite.yaml"
    lines = config.read_text().splitlines()
    number = next(n for n, line in enumerate(lines, 1) if line.startswith("base_url:"))
    lines[number - 1] = "base_url: https://my-org.github.io/other"
    config.write_text("\n".join(lines) + "\n")
    code, _, err = run_cli("check", "-s", str(root))
    assert code == 0 and f"badgesite.yaml:{number}:11: warning: 'base_url' must end in '/': the site is built " \
        "for https://my-org.github.io/other/ (write base_url: https://my-org.github.io/other/)" in err
    assert run_cli("check", "-s", str(root), "--strict")[0] == 1
    code, _, err = run_cli("build", "-s", str(root))
    assert code == 0 and "warning: 'base_url' must end in '/'" in err
    assert b"https://my-org.github.io/other/issuer.json" in (root / "output/issuer.json").read_bytes()


@pytest.mark.parametrize("option, value", [("--base-url", "ftp://x/"), ("--base-url", "https://x/?a"), ("--awarder", "nobody"),
                                           ("--package", 'badgesite"; rm -rf /'),
                                           ("--package", "${{ secrets.BADGESITE_SIGNING_KEY }}")])
def test_new_refuses_bad_options(tmp_path: Path, option: str, value: str):
    code, _, err = run_cli("new", str(tmp_path / "x"), option, value)
    assert code == 2 and option in err
    assert not (tmp_path / "x").exists()


def test_scaffold_ships_in_the_wheel(tmp_path: Path):
    """Every scaffold file (dot-files included) is in the wheel, and `new` works from it."""
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"),
                             str(REPO)], capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        pytest.skip("cannot build a wheel here: " + result.stderr[-300:])
    wheel = next((tmp_path / "dist").glob("badgesite-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "installed")
    shipped = {n[len("badgesite/scaffold/"):] for n in names if n.startswith("badgesite/scaffold/")}
    source = {p.relative_to(REPO / "src/badgesite/scaffold").as_posix()
              for p in (REPO / "src/badgesite/scaffold").rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert shipped == source
    site = tmp_path / "from-wheel"
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import badgesite; "
            "assert badgesite.__file__.startswith(sys.argv[1]), badgesite.__file__; from badgesite.cli import main; "
            "sys.exit(main(['new', sys.argv[2], '-q']) or main(['check', '-s', sys.argv[2], '-q']))")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "installed"), str(site)],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (site / ".github/workflows/pages.yml").is_file() and (site / ".gitignore").is_file()
