"""`badgesite deploy` against a real S3-compatible server (moto's, on 127.0.0.1), never a mock."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import boto3  # the test extra installs boto3 and moto[server]: missing, these tests fail, never skip
import pytest
from moto import server as moto_server

from conftest import AWARDS, REPO, SVG, make_site, run_cli

from badgesite.deploy import MANIFEST, STATE, is_permanent

TYPES = {".html": "text/html; charset=utf-8", ".json": "application/json; charset=utf-8", ".png": "image/png",
         ".svg": "image/svg+xml; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".js": "text/javascript; charset=utf-8", ".xml": "application/xml; charset=utf-8",
         ".txt": "text/plain; charset=utf-8",  # the licences beside the verification bundle
         "": "application/octet-stream"}


@pytest.fixture(scope="module")
def endpoint():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(endpoint, monkeypatch, tmp_path):
    """A client of the server, credentials in the environment (as deploy reads them)."""
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": str(tmp_path / "none"),
                        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return boto3.client("s3", endpoint_url=endpoint)


@pytest.fixture
def bucket(s3, request) -> str:
    name = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower())[:50].strip("-")
    s3.create_bucket(Bucket=name)
    return name


def objects(s3, bucket: str, prefix: str = "") -> dict[str, dict]:
    found = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            found[item["Key"][len(prefix):]] = item
    return found


def site_objects(s3, bucket: str, prefix: str = "") -> set[str]:
    return {key for key in objects(s3, bucket, prefix) if not key.startswith(STATE)}


def output_files(site: Path) -> dict[str, bytes]:
    out = site / "output"
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def deploy(site: Path, endpoint: str, target: str, *extra: str) -> tuple[int, str, str]:
    return run_cli("deploy", target, "-s", str(site), "--endpoint-url", endpoint, *extra)


def uploaded(out: str) -> int:
    return int(re.search(r"uploaded ([\d,]+) objects", out).group(1).replace(",", ""))


def built(root: Path, files: dict | None = None) -> Path:
    site = make_site(root, {"content/badges/python-basics.md": None, "content/badges/python-basics.png": None,
                            "content/badges/svg-badge.md": "---\nname: Vector\ndescription: An SVG badge.\n"
                            "image: svg-badge.svg\ncriteria: [Draws.]\n---\n",
                            "content/badges/svg-badge.svg": SVG,
                            "content/awards/2026.yaml": AWARDS.replace("python-basics", "svg-badge"),
                            **(files or {})})
    code, _, err = run_cli("build", "-s", str(site), "-q")
    assert code == 0, err
    return site


def add_award(site: Path, award_id: str) -> None:
    ledger = site / "content/awards/2026.yaml"
    entry = AWARDS.replace("a-0001", award_id).replace("python-basics", "svg-badge").replace("leah@", f"{award_id}@")
    ledger.write_text(ledger.read_text() + entry, encoding="utf-8")
    code, _, err = run_cli("build", "-s", str(site), "-q")
    assert code == 0, err


def assert_bucket_is(s3, bucket: str, prefix: str, site: Path) -> None:
    files = output_files(site)
    assert site_objects(s3, bucket, prefix) >= set(files)
    for rel, data in files.items():
        assert s3.get_object(Bucket=bucket, Key=prefix + rel)["Body"].read() == data, rel


def test_every_file_becomes_an_object_with_its_bytes_and_type(tmp_path, s3, bucket, endpoint):
    site = built(tmp_path / "site")
    code, out, err = deploy(site, endpoint, f"s3://{bucket}/badges")
    assert code == 0, err
    files = output_files(site)
    assert uploaded(out) == len(files) and f"deployed to s3://{bucket}/badges/" in out
    assert site_objects(s3, bucket, "badges/") == set(files)
    suffixes = set()
    for rel, data in files.items():
        got = s3.get_object(Bucket=bucket, Key="badges/" + rel)
        assert got["Body"].read() == data, rel
        suffix = Path(rel).suffix
        suffixes.add(suffix)
        assert got["ContentType"] == TYPES[suffix], rel
        short = suffix in (".html", ".json", ".xml")
        assert got["CacheControl"] == ("public, max-age=300" if short else got["CacheControl"]), rel
        assert "immutable" not in got["CacheControl"]
    assert {".html", ".json", ".png", ".svg", ".css", ".js", ".xml", ""} <= suffixes
    assert MANIFEST in objects(s3, bucket, "badges/")


def test_a_second_deploy_uploads_nothing_and_one_award_a_handful(tmp_path, s3, bucket, endpoint):
    site = built(tmp_path / "site")
    assert deploy(site, endpoint, f"s3://{bucket}")[0] == 0
    manifest = s3.head_object(Bucket=bucket, Key=MANIFEST)["ETag"]
    # the manifest, not a listing, says what the bucket holds: a hand-made change stays
    s3.put_object(Bucket=bucket, Key="feed.xml", Body=b"by hand")
    code, out, err = deploy(site, endpoint, f"s3://{bucket}")
    assert code == 0 and uploaded(out) == 0 and f"{len(output_files(site))} unchanged" in out, out + err
    assert s3.get_object(Bucket=bucket, Key="feed.xml")["Body"].read() == b"by hand"
    assert s3.head_object(Bucket=bucket, Key=MANIFEST)["ETag"] == manifest
    s3.put_object(Bucket=bucket, Key="feed.xml", Body=(site / "output/feed.xml").read_bytes(),
                  ContentType=TYPES[".xml"])
    add_award(site, "a-0002")
    code, out, err = deploy(site, endpoint, f"s3://{bucket}", "--dry-run", "-v")
    planned = set(re.findall(r"^  upload (\S+) ", out, re.M))
    assert {"awards/a-0002.json", "awards/a-0002/index.html", "awards/a-0002.png", "awards/a-0002.svg"} <= planned
    assert 4 < len(planned) <= 15, planned  # the award's files and the site-wide pages that list it
    code, out, err = deploy(site, endpoint, f"s3://{bucket}")
    assert code == 0 and uploaded(out) == len(planned), out + err
    assert_bucket_is(s3, bucket, "", site)


def test_objects_served_with_other_headers_are_sent_again(tmp_path, s3, bucket, endpoint, monkeypatch):
    """A new badgesite that serves images differently sends the images again, only them."""
    from badgesite import objectstore

    site = built(tmp_path / "site")
    assert deploy(site, endpoint, f"s3://{bucket}")[0] == 0
    monkeypatch.setattr(objectstore, "IMAGES", "public, max-age=60")
    code, out, err = deploy(site, endpoint, f"s3://{bucket}")
    images = [rel for rel in output_files(site) if rel.endswith((".png", ".svg"))]
    assert code == 0 and uploaded(out) == len(images), out + err
    assert s3.head_object(Bucket=bucket, Key=images[0])["CacheControl"] == "public, max-age=60"
    assert uploaded(deploy(site, endpoint, f"s3://{bucket}")[1]) == 0


def test_delete_removes_stale_objects_but_never_one_at_a_permanent_url(tmp_path, s3, bucket, endpoint):
    site = built(tmp_path / "site")
    add_award(site, "a-0002")
    (site / "output/old-page").mkdir()
    (site / "output/old-page/index.html").write_text("<p>old</p>")
    assert deploy(site, endpoint, f"s3://{bucket}")[0] == 0
    # the award leaves the ledger, and the stray page output/
    ledger = site / "content/awards/2026.yaml"
    ledger.write_text(ledger.read_text().split("- id: a-0002")[0], encoding="utf-8")
    assert run_cli("build", "-s", str(site), "-q", "--clean")[0] == 0
    assert not (site / "output/awards/a-0002.json").exists() and not (site / "output/old-page").exists()
    # objects that badgesite never uploaded: put there by hand, one at an award's URL
    s3.put_object(Bucket=bucket, Key="by-hand.html", Body=b"<p>by hand</p>")
    s3.put_object(Bucket=bucket, Key="awards/by-hand.json", Body=b"{}")
    code, out, err = deploy(site, endpoint, f"s3://{bucket}")
    assert code == 0 and "old-page/index.html" in out and "--delete" in out
    assert re.search(r"warning: \d+ objects at permanent URLs .*awards/a-0002", err), err
    keys = site_objects(s3, bucket)
    assert {"old-page/index.html", "awards/a-0002.json", "by-hand.html", "awards/by-hand.json"} <= keys
    code, out, err = deploy(site, endpoint, f"s3://{bucket}", "--delete", "--dry-run", "-v")
    assert code == 0 and "delete by-hand.html" in out and "delete old-page/index.html" in out, out + err
    assert "would upload 0 objects" in out and "delete 2," in out, out + err
    code, out, err = deploy(site, endpoint, f"s3://{bucket}", "--delete")
    assert code == 0 and "deleted 2," in out, out + err
    keys = site_objects(s3, bucket)
    assert "old-page/index.html" not in keys and "by-hand.html" not in keys
    assert {"awards/a-0002.json", "awards/a-0002/index.html", "awards/a-0002.png", "awards/by-hand.json"} <= keys
    assert "awards/a-0002" in err and "awards/by-hand.json" in err
    assert objects(s3, bucket, STATE)  # badgesite's own records stay
    assert_bucket_is(s3, bucket, "", site)
    code, out, err = deploy(site, endpoint, f"s3://{bucket}", "--delete")
    assert code == 0 and "uploaded 0 objects" in out and "deleted 0," in out, out + err


def run_killed(site: Path, endpoint: str, target: str, after: int, every: int) -> subprocess.CompletedProcess:
    env = {**os.environ, "BADGESITE_DEPLOY_KILL_AFTER": str(after), "BADGESITE_DEPLOY_CHECKPOINT": str(every),
           "PYTHONPATH": str(REPO / "src")}
    return subprocess.run([sys.executable, "-m", "badgesite.cli", "deploy", target, "-s", str(site), "-q",
                           "--endpoint-url", endpoint, "-j", "2"], env=env, capture_output=True, text=True)


def test_an_interrupted_deploy_resumes_without_uploading_again(tmp_path, s3, bucket, endpoint):
    site = built(tmp_path / "site")
    total = len(output_files(site))
    killed = run_killed(site, endpoint, f"s3://{bucket}/p", after=12, every=5)
    assert killed.returncode == 137, killed.stderr  # killed, as by kill -9, after 12 objects
    assert MANIFEST not in objects(s3, bucket, "p/")  # only journal parts, of 5 objects each
    code, out, err = deploy(site, endpoint, f"s3://{bucket}/p")
    assert code == 0 and uploaded(out) == total - 10, out + err
    assert_bucket_is(s3, bucket, "p/", site)
    assert not [key for key in objects(s3, bucket, "p/") if key.startswith(STATE + "journal/")]
    assert uploaded(deploy(site, endpoint, f"s3://{bucket}/p")[1]) == 0


def test_an_object_replaced_when_the_deploy_died_is_never_trusted(tmp_path, s3, bucket, endpoint):
    """Killed while replacing objects, then the site goes back to what the manifest
    recorded: what the dead deploy replaced must be uploaded again."""
    site = built(tmp_path / "site")
    assert deploy(site, endpoint, f"s3://{bucket}")[0] == 0
    config = site / "badgesite.yaml"
    original = config.read_text()
    config.write_text(original.replace("Test Academy", "Renamed Academy"), encoding="utf-8")
    assert run_cli("build", "-s", str(site), "-q")[0] == 0
    assert run_killed(site, endpoint, f"s3://{bucket}", after=3, every=100).returncode == 137
    config.write_text(original, encoding="utf-8")
    assert run_cli("build", "-s", str(site), "-q")[0] == 0
    code, out, err = deploy(site, endpoint, f"s3://{bucket}")
    assert code == 0 and uploaded(out) >= 3, out + err
    assert_bucket_is(s3, bucket, "", site)


def test_dry_run_sends_nothing(tmp_path, s3, bucket, endpoint):
    site = built(tmp_path / "site")
    code, out, err = deploy(site, endpoint, f"s3://{bucket}", "--dry-run")
    total = len(output_files(site))
    assert code == 0 and f"would upload {total} objects" in out and "delete 0, keep 0 unchanged" in out, out + err
    assert objects(s3, bucket) == {}


def test_permanent_urls():
    for rel in ("awards/a-1.json", "awards/a-1/index.html", "awards/a-1.png", "credentials/a-1.json",
                "badges/b.json", "badges/b/index.html", "nl/badges/b/index.html", "status/2026.json",
                "extensions/ECTSExtension/context.json", "issuer.json", "revocations.json", "did.json",
                ".well-known/did.json"):
        assert is_permanent(rel), rel
    for rel in ("index.html", "nl/index.html", "assets/site.css", "verify/index.html", "feed.xml", "sitemap.xml",
                "old-page/index.html", "awards", "catalogue.json"):
        assert not is_permanent(rel), rel


def test_mistakes_are_told_plainly(tmp_path, s3, bucket, endpoint, monkeypatch):
    site = make_site(tmp_path / "site")
    code, _, err = deploy(site, endpoint, f"s3://{bucket}")
    assert code == 2 and "run 'badgesite build' first" in err
    assert run_cli("build", "-s", str(site), "-q")[0] == 0
    code, _, err = deploy(site, endpoint, "bucket-without-scheme")
    assert code == 2 and "s3://BUCKET" in err
    code, _, err = deploy(site, endpoint, "s3://No_Such")
    assert code == 2 and "not a bucket name" in err
    code, _, err = deploy(site, endpoint, "s3://no-such-bucket-here")
    assert code == 1 and "NoSuchBucket" in err and "Traceback" not in err
    monkeypatch.setitem(sys.modules, "boto3", None)  # as if boto3 were not installed
    code, _, err = deploy(site, endpoint, f"s3://{bucket}")
    assert code == 2 and 'pip install "badgesite[s3]"' in err


def test_new_host_s3_writes_a_publish_workflow_that_deploys(tmp_path):
    import yaml

    site = tmp_path / "stored"
    code, out, err = run_cli("new", str(site), "--host", "s3", "-q")
    assert code == 0, err
    workflows = site / ".github/workflows"
    assert sorted(p.name for p in workflows.iterdir()) == ["check.yml", "s3.yml"]
    data = yaml.safe_load((workflows / "s3.yml").read_text())
    data["on"] = data.pop(True)  # YAML 1.1 reads the key `on` as true
    assert data["name"] == "Publish" and data["on"]["push"] == {"branches": ["main"]}
    assert data["permissions"] == {"contents": "read", "id-token": "write"}
    assert data["concurrency"]["cancel-in-progress"] is False
    steps = data["jobs"]["publish"]["steps"]
    runs = [step["run"] for step in steps if "run" in step]
    for step in steps:
        assert "${{" not in step.get("run", ""), step  # values travel in environment variables
    oidc = [s for s in steps if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@")]
    assert oidc and oidc[0]["with"]["role-to-assume"] == "${{ vars.AWS_ROLE_ARN }}"
    deploys = [s for s in steps if "badgesite deploy" in s.get("run", "")]
    assert len(deploys) == 2 and {s["if"] for s in deploys} == {"vars.AWS_ROLE_ARN != ''", "vars.AWS_ROLE_ARN == ''"}
    assert all(s["run"].startswith('badgesite deploy "$BADGESITE_TARGET"') for s in deploys)
    assert deploys[1]["env"]["AWS_SECRET_ACCESS_KEY"] == "${{ secrets.S3_SECRET_ACCESS_KEY }}"
    assert runs.index("badgesite build") < runs.index(deploys[0]["run"])
    assert any("boto3" in line for line in runs)
    # badgesite is installed as the other workflows install it
    check = yaml.safe_load((workflows / "check.yml").read_text())
    install = next(s["run"] for s in check["jobs"]["check"]["steps"] if s.get("name") == "Install badgesite")
    assert install in runs and data["env"]["BADGESITE_PACKAGE"] == check["env"]["BADGESITE_PACKAGE"]
    assert yaml.safe_load((site / "badgesite.yaml").read_text())["size_limit"] == "none"
    readme = (site / "README.md").read_text()
    assert ".github/workflows/s3.yml" in readme and "pages.yml" not in readme and "@@" not in readme
    code, out, err = run_cli("build", "-s", str(site))
    assert code == 0 and "size_limit" not in out + err, out + err
    # the default host keeps GitHub Pages and its limit
    code, _, err = run_cli("new", str(tmp_path / "paged"), "-q")
    assert code == 0 and not (tmp_path / "paged/.github/workflows/s3.yml").exists()
    assert yaml.safe_load((tmp_path / "paged/badgesite.yaml").read_text())["size_limit"] == "1 GB"


def test_the_output_index_follows_every_kind_of_build(tmp_path, monkeypatch):
    """What deploy compares: the digest of every file, right after incremental builds
    (only the files they changed are read again), a clean build (which digests what it
    writes: nothing is read again) and a hand edit found by looking at every file."""
    import hashlib

    from badgesite import deploy as library, outputindex

    def truth(site: Path) -> dict[str, str]:
        return {rel: outputindex.entry(hashlib.blake2b(data, digest_size=16).hexdigest(), len(data))
                for rel, data in output_files(site).items()}

    site = built(tmp_path / "site")
    cache, output = site / ".badgesite-cache", site / "output"
    assert library.output_index(cache, output) == truth(site)
    add_award(site, "a-0002")
    add_award(site, "a-0003")  # two builds since the index
    ledger = site / "content/awards/2026.yaml"
    ledger.write_text(ledger.read_text().replace("- id: a-0002", "- id: a-0002\n  revoked: {date: 2026-02-01, "
                                                 "reason: Wrong person}"), encoding="utf-8")
    assert run_cli("build", "-s", str(site), "-q")[0] == 0
    assert library.output_index(cache, output) == truth(site)
    assert run_cli("build", "-s", str(site), "-q", "--clean")[0] == 0
    with monkeypatch.context() as patch:  # the clean build noted every digest: no file is read
        patch.setattr(outputindex, "digest_entry", lambda path: pytest.fail(f"{path} was read again"))
        assert library.output_index(cache, output) == truth(site)
    (output / "index.html").write_text("by hand")
    for index in (cache / "deploy").glob("index-*.json"):  # without its index every file is looked at
        index.unlink()
    assert library.output_index(cache, output) == truth(site)
    (cache / "deploy" / "builds.jsonl").unlink()  # no notes: every file is looked at
    add_award(site, "a-0004")
    assert library.output_index(cache, output) == truth(site)


def test_a_failed_deploy_records_what_arrived(tmp_path, s3, bucket, endpoint):
    """A file that goes away while uploading (a build ran meanwhile): a clear error, and
    what arrived before it is not sent again."""
    from badgesite import deploy as library, objectstore

    site = built(tmp_path / "site")
    output = site / "output"
    target = objectstore.parse_target(f"s3://{bucket}")
    store = objectstore.Bucket(target, endpoint, connections=1)
    plan = library.make_plan(library.output_index(site / ".badgesite-cache", output), library.read_manifest(store))
    missing = plan.uploads[len(plan.uploads) // 2][0]
    data = (output / missing).read_bytes()
    (output / missing).unlink()
    with pytest.raises(objectstore.StoreError, match=re.escape(missing)):
        library.publish(plan, store, output, jobs=1)
    arrived = site_objects(s3, bucket)
    assert missing not in arrived and len(arrived) >= len(plan.uploads) // 2
    (output / missing).write_bytes(data)
    code, out, err = deploy(site, endpoint, f"s3://{bucket}")
    assert code == 0 and uploaded(out) == len(plan.uploads) - len(arrived), out + err
    assert_bucket_is(s3, bucket, "", site)
