"""Building: what is published, reproducibility, privacy, revocation, baking."""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from badgesite.output import bake
from badgesite.build import build
from badgesite.vocab import OB2_NAMESPACE
from conftest import AWARDS, BADGE, CONFIG, REPO, SVG, make_site, run_cli, svg_root


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_input_same_bytes_whatever_folder_time_zone_or_locale(example_copy: Path, tmp_path: Path):
    first = tmp_path / "out1"
    build(example_copy, first)
    moved = tmp_path / "elsewhere" / "deeper"
    moved.parent.mkdir()
    example_copy.rename(moved)
    env = dict(os.environ, TZ="Pacific/Kiritimati", LC_ALL="C", LANG="C")
    subprocess.run([sys.executable, "-m", "badgesite.cli", "build", "-q", "--site", str(moved), "-o", str(tmp_path / "out2")],
                   check=True, env=env)
    assert tree(first) == tree(tmp_path / "out2")


def test_no_recipient_email_anywhere_in_output(example_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(example_copy, out)
    emails = yaml.safe_load((REPO / "tests/fixtures/example-recipients.yaml").read_text())
    emails = {str(e).lower() for e in (emails.values() if isinstance(emails, dict) else emails)}
    assert len(emails) >= 15  # people hold several badges
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes().lower()
            for email in emails:
                assert email.encode() not in data, (path, email)


def test_plain_recipients_are_hashed_with_a_stable_salt(tmp_path: Path):
    root = make_site(tmp_path / "site")
    build(root, tmp_path / "a")
    doc = json.loads((tmp_path / "a/awards/a-0001.json").read_text())
    recipient = doc["recipient"]
    assert recipient["hashed"] is True and recipient["type"] == "email"
    expected = "sha256$" + hashlib.sha256(("leah@example.org" + recipient["salt"]).encode()).hexdigest()
    assert recipient["identity"] == expected
    build(root, tmp_path / "b")
    assert json.loads((tmp_path / "b/awards/a-0001.json").read_text())["recipient"] == recipient
    assert b"leah@example.org" not in b"".join(p.read_bytes() for p in (tmp_path / "a").rglob("*") if p.is_file())


def test_revoked_award_is_rewritten_in_place_and_listed(tmp_path: Path):
    root = make_site(tmp_path / "site", {"content/awards/2026.yaml": AWARDS + "  revoked:\n    date: 2026-02-01\n    reason: Awarded in error\n"})
    out = tmp_path / "out"
    build(root, out)
    doc = json.loads((out / "awards/a-0001.json").read_text())
    assert doc["revoked"] is True and doc["revocationReason"] == "Awarded in error"
    assert doc["id"] == "https://example.org/badges/awards/a-0001.json"
    listing = json.loads((out / "revocations.json").read_text())
    assert listing["revokedAssertions"] == [{"id": doc["id"], "revocationReason": "Awarded in error", "revokedOn": "2026-02-01"}]
    issuer = json.loads((out / "issuer.json").read_text())
    assert issuer["revocationList"] == "https://example.org/badges/revocations.json"
    assert issuer["verification"]["startsWith"] == "https://example.org/badges/"


def test_expiry_from_valid_for(tmp_path: Path):
    root = make_site(tmp_path / "site", {"content/badges/python-basics.md": BADGE.replace("criteria:", "valid_for: P1Y6M\ncriteria:")})
    build(root, tmp_path / "out")
    doc = json.loads((tmp_path / "out/awards/a-0001.json").read_text())
    assert doc["issuedOn"] == "2026-01-10T00:00:00+00:00" and doc["expires"] == "2027-07-10T00:00:00+00:00"


def test_baked_png_and_svg_carry_the_assertion(tmp_path: Path):
    root = make_site(tmp_path / "site", {
        "content/badges/vector.md": BADGE.replace("python-basics.png", "vector.svg").replace("Python Basics", "Vector"),
        "content/badges/vector.svg": "<?xml version=\"1.0\"?>\n<!-- " + "x" * 400 + " -->\n" + SVG,
        "content/awards/2026.yaml": AWARDS + AWARDS.replace("a-0001", "v-1").replace("python-basics", "vector"),
    })
    out = tmp_path / "out"
    build(root, out)
    png = (out / "awards/a-0001.png").read_bytes()
    source = (root / "content/badges/python-basics.png").read_bytes()
    assert json.loads(bake.unbake_png(png))["id"].endswith("/awards/a-0001.json")
    # spliced, not re-encoded: the original chunks are all still there, byte for byte
    assert png.startswith(source[:33]) and source[33:-12] in png
    svg = (out / "awards/v-1.svg").read_text()
    assert svg.index("<svg") < 256
    # OB 2.0 Baking: xmlns:openbadges="http://openbadges.org" on <svg>, then directly
    # <openbadges:assertion verify="the assertion's URL"> holding the assertion as CDATA
    root, declared = svg_root(svg.encode("utf-8"))
    assert declared["openbadges"] == "http://openbadges.org" == OB2_NAMESPACE
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assertion = root[0]
    assert assertion.tag == "{http://openbadges.org}assertion"
    assert assertion.get("verify") == "https://example.org/badges/awards/v-1.json"
    assert json.loads(assertion.text)["id"] == "https://example.org/badges/awards/v-1.json"
    assert "<![CDATA[{" in svg
    assert json.loads(bake.unbake_svg(svg))["id"].endswith("/awards/v-1.json")
    # SVGs baked by earlier versions (another namespace, or another prefix) are still read
    old = svg.replace("http://openbadges.org", "https://purl.imsglobal.org/ob/v2p0")
    assert json.loads(bake.unbake_svg(old))["id"].endswith("/awards/v-1.json")
    other = svg.replace("openbadges:", "ob:").replace("xmlns:openbadges", "xmlns:ob")
    assert json.loads(bake.unbake_svg(other))["id"].endswith("/awards/v-1.json")
    assert bake.unbake_svg(other.replace("http://openbadges.org", "https://example.org/not-ob")) is None
    assert (out / "badges/vector.png").read_bytes().startswith(b"\x89PNG")
    assert json.loads(bake.unbake_png((out / "awards/v-1.png").read_bytes()))["id"].endswith("/awards/v-1.json")


def test_edubadge_extensions_are_published_with_their_contexts(tmp_path: Path):
    badge = BADGE.replace("criteria:", "kind: microcredential\nstudy_load: {ects: 2.5}\neqf: 5\n"
                          "learning_outcomes: [Can write functions.]\nextra: {programme_code: HBO-ICT-2.3}\n"
                          "assessment: Oral exam\nparticipation: online\nquality_assurance: Reviewed yearly\ncriteria:")
    config = CONFIG.replace("  email: badges@example.org\n", "  email: badges@example.org\n  country: NL\n") + "recipients: plain\n"
    root = make_site(tmp_path / "site", {"content/badges/python-basics.md": badge, "badgesite.yaml": config})
    out = tmp_path / "out"
    build(root, out)
    doc = json.loads((out / "badges/python-basics.json").read_text())
    ects = doc["extensions:ECTSExtension"]
    assert ects == {"@context": "https://example.org/badges/extensions/ECTSExtension/context.json",
                    "type": ["Extension", "extensions:ECTSExtension"], "ECTS": 2.5}
    assert doc["extensions:EQFExtension"]["EQF"] == 5
    assert doc["extensions:LanguageExtension"]["Language"] == "en_EN"
    assert doc["extensions:EducationProgramIdentifierExtension"]["EducationProgramIdentifier"] == "HBO-ICT-2.3"
    context = json.loads((out / "extensions/ECTSExtension/context.json").read_text())
    assert context["obi:validation"][0]["obi:validationSchema"] == "https://example.org/badges/extensions/ECTSExtension/schema.json"
    assert (out / "extensions/ECTSExtension/schema.json").exists()
    assert doc["extensions:ParticipationExtension"]["Participation"] == "online"
    assert doc["extensions:QualityAssuranceExtension"]["QualityAssuranceDescription"] == "Reviewed yearly"
    schema = json.loads((out / "extensions/ParticipationExtension/schema.json").read_text())
    assert schema["properties"]["Participation"]["enum"] == ["online", "onsite", "blended"]


def test_github_pages_details(tmp_path: Path):
    root = make_site(tmp_path / "site")
    out = tmp_path / "out"
    build(root, out)
    assert (out / ".nojekyll").exists()
    page = (out / "404.html").read_text()
    assert 'href="/badges/assets/site.css"' in page  # works at any depth under the project path
    sitemap = (out / "sitemap.xml").read_text()
    assert "https://example.org/badges/badges/python-basics/" in sitemap and "awards/" not in sitemap
    award = (out / "awards/a-0001/index.html").read_text()
    assert '<meta name="robots" content="noindex">' in award
    assert re.search(r'href="\.\./\.\./assets/site\.css"', award)
    assert json.loads((out / "catalogue.json").read_text())["badges"][0]["id"] == "python-basics"


def test_build_cli_reports_and_exits_zero(tmp_path: Path):
    root = make_site(tmp_path / "site")
    code, out, err = run_cli("build", "--site", str(root))
    assert code == 0, err
    assert "built 1 badges and 1 awards" in out


def test_json_documents_are_written_exactly_as_the_standard_library_would():
    """dump_json and compact_json use orjson for speed; their bytes must be those of json.dumps."""
    import json

    from badgesite.documents.json import compact_json, dump_json

    odd = "é ü 日本 \U0001F393 \u2028 \u2029 \x00 \x1f \x7f \t \" \\ </script> &amp;"
    docs = [
        {"b": [1, 2.5, -0.0, 1e21, 3.0], "a": {"z": None, "y": True, "x": [], "w": {}}, "s": odd},
        [odd, {"nested": [[{"deep": ["x"]}]]}],
        {"é": 1, "e": 2, "Z": 3, "\U0001F393": 4, "": 5},
    ]
    for doc in docs:
        assert dump_json(doc) == (json.dumps(doc, sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        compact = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        assert compact_json(doc) == compact.encode("utf-8")


def test_links_from_a_page_are_those_of_relative():
    """Pages link with urls.linker (a shortcut for targets outside the page's folder):
    the same links as urls.relative for any pair of paths."""
    import random

    from badgesite.urls import linker, relative

    segments = ["awards", "a-1", "index.html", "a-1.json", "assets", "site.css", "nl", "awardsx", ""]
    rng = random.Random(7)
    for _ in range(20_000):
        page = "/".join(rng.choice(segments) for _ in range(rng.randint(1, 4)))
        target = "/".join(rng.choice(segments) for _ in range(rng.randint(1, 4)))
        assert linker(page)(target) == relative(page, target), (page, target)
    assert linker("awards/a-1/index.html")("awards/a-1.json") == "../a-1.json"
    assert linker("awards/a-1/index.html")("assets/site.css") == "../../assets/site.css"
    assert linker("index.html")("index.html") == "./"
