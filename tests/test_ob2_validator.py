"""Every hosted assertion and baked image of a built site passes the official 1EdTech
Open Badges 2.0 validator, served over HTTP on 127.0.0.1 with base_url mapped onto it.

The validator ignores revocation, HTTP status codes and object types: those are
checked here from its fetch log and the published JSON.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path


from badgesite.assemble import load_site
from badgesite.build import build
from conftest import AWARDS, BADGE, SVG, make_site, svg_root
from support.ob2harness import describe, require_ob2_venv, serve_directory, validate

TODAY = dt.date.today()


def check_site(root: Path, out: Path) -> dict[str, int]:
    """Validate every assertion and baked image; return counts by outcome."""
    require_ob2_venv()
    site, diagnostics = load_site(root)
    assert site is not None, [d.format() for d in diagnostics.items]
    build(root, out)
    base = site.config.base_url
    awards = list(site.awards.values())
    inputs = [base + f"awards/{a.id}.json" for a in awards]
    images = [str(out / f"awards/{a.id}.png") for a in awards]
    images += [str(out / f"awards/{a.id}.svg") for a in awards if (out / f"awards/{a.id}.svg").exists()]
    counts = {"valid": 0, "expired": 0, "revoked": 0, "images": 0, "svg": 0}
    with serve_directory(out) as local:
        results = validate(inputs + images, {base: local})
    by_input = {r["input"]: r for r in results}
    revocations = json.loads((out / "revocations.json").read_text())
    revoked_ids = {r["id"]: r["revocationReason"] for r in revocations["revokedAssertions"]}
    for award, url in zip(awards, inputs):
        result = by_input[url]
        for fetch in result["fetches"]:
            assert fetch["status"] == 200, (url, fetch["url"], fetch["status"])
        doc = json.loads((out / f"awards/{award.id}.json").read_text())
        assert doc["type"] == "Assertion" and doc["id"] == url
        badge = json.loads((out / f"badges/{award.badge}.json").read_text())
        assert badge["type"] == "BadgeClass"
        if award.expires and award.expires < TODAY:
            # the validator reports an expired assertion as invalid: that is right
            assert not result["valid"] and "expire" in json.dumps(result["messages"]).lower(), describe(result)
            counts["expired"] += 1
        else:
            assert result["valid"], describe(result)
            counts["valid"] += 1
        if award.revoked:
            assert doc["revoked"] is True and doc["revocationReason"] == award.revoked.reason
            assert revoked_ids[url] == award.revoked.reason
            counts["revoked"] += 1
        else:
            assert "revoked" not in doc and url not in revoked_ids
    for image in images:
        result = by_input[image]
        award_id = Path(image).stem
        assert result["unbaked"], describe(result)
        if image.endswith(".svg"):  # OB 2.0 Baking's namespace, declared on <svg>
            _, declared = svg_root(Path(image).read_bytes())
            assert declared.get("openbadges") == "http://openbadges.org", (image, declared)
            assert result["unbaked"] == base + f"awards/{award_id}.json"  # openbadges-bakery: `verify`
            counts["svg"] += 1
        award = site.awards[award_id]
        if award.expires and award.expires < TODAY:
            assert not result["valid"]
        else:
            assert result["valid"], describe(result)
        counts["images"] += 1
    issuer = json.loads((out / "issuer.json").read_text())
    assert issuer["type"] == "Issuer" and issuer["verification"]["startsWith"] == base
    return counts


def test_example_site_passes_the_official_validator(example_copy: Path, tmp_path: Path):
    counts = check_site(example_copy, tmp_path / "out")
    assert counts["valid"] >= 30 and counts["expired"] >= 1 and counts["revoked"] >= 2
    assert counts["images"] >= 47 and counts["svg"] >= 10


def test_unseen_kind_of_site_passes(tmp_path: Path):
    """Another language, a deeper project path, PNG and SVG badges, plain and hashed
    recipients, revocations, expiry, edubadge extensions and images in subfolders."""
    hashed = {"identity": "sha256$" + "ab" * 32, "salt": "deadbeef"}
    config = ("base_url: http://example.net/org/programme/badges\n"
              "issuer: {name: Hogeschool Voorbeeld, url: 'https://hs.example', email: badges@hs.example, country: be,\n"
              "         legal_identifier: BE0123456789}\n"
              "awarders: [docent@hs.example]\nlanguage: nl\nlanguages: [nl, en]\nrecipients: plain\n")
    micro = BADGE.replace("criteria:", "kind: microcredential\nstudy_load: {ects: 3}\neqf: 6\n"
                          "learning_outcomes: [Kan functies schrijven.]\nvalid_for: P1Y\n"
                          "assessment: Mondeling examen\nparticipation: blended\nqf_ehea_cycle: 1\n"
                          "id_verification: online-supervised\n"
                          "quality_assurance: {text: Geaccrediteerd door de NVAO, url: 'https://www.nvao.net/'}\n"
                          "alignment:\n  - {name: ESCO Python, url: 'http://data.europa.eu/esco/skill/ccd0a1d9', framework: ESCO}\ncriteria:")
    vector = (BADGE.replace("python-basics.png", "img/vector.svg").replace("Python Basics", "Vector")
              .replace("criteria:", "kind: extracurricular\nstudy_load: {hours: 12}\nrequires: [python-basics]\ncriteria:"))
    ledger = (AWARDS.replace("admin@example.org", "docent@hs.example")
              + AWARDS.replace("a-0001", "a-0002").replace("admin@example.org", "docent@hs.example")
              .replace("recipient: leah@example.org", f"recipient: {{identity: '{hashed['identity']}', salt: {hashed['salt']}}}")
              + "  grade: '7,5'\n"
              + AWARDS.replace("a-0001", "a-0003").replace("python-basics", "vector").replace("admin@example.org", "docent@hs.example")
              + "  revoked: {date: 2026-02-01, reason: 'Toegekend door een fout'}\n"
              + AWARDS.replace("a-0001", "a-0004").replace("2026-01-10", "2024-01-10").replace("admin@example.org", "docent@hs.example")
              + AWARDS.replace("a-0001", "a-0005").replace("python-basics", "vector").replace("admin@example.org", "docent@hs.example")
              + "  evidence:\n    - url: https://portfolio.example/leah\n      name: Portfolio\n      narrative: Mooi werk.\n")
    root = make_site(tmp_path / "site", {
        "badgesite.yaml": config, "content/badges/python-basics.md": micro,
        "content/badges/python-basics.en.md": micro.replace("Python Basics", "Python Basics (English)"),
        "content/badges/vector.md": vector, "content/badges/img/vector.svg": SVG,
        "content/awards/2026.yaml": ledger,
    })
    counts = check_site(root, tmp_path / "out")
    assert counts == {"valid": 4, "expired": 1, "revoked": 1, "images": 7, "svg": 2}
    out = tmp_path / "out"
    assert b"leah@example.org" not in b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())
    assert (out / "en/badges/python-basics/index.html").exists()
    # the EU micro-credential elements are extensions the validator checked against their schemas
    badge_class = json.loads((out / "badges/python-basics.json").read_text("utf-8"))
    assert badge_class["extensions:ParticipationExtension"]["Participation"] == "blended"
    assert badge_class["extensions:QFEHEAExtension"]["QFEHEA"] == 1
    assert badge_class["extensions:IdentityVerificationExtension"]["IdentityVerification"] == "online-supervised"
    assert badge_class["extensions:QualityAssuranceExtension"]["QualityAssuranceURL"] == "https://www.nvao.net/"
    assertion = json.loads((out / "awards/a-0002.json").read_text("utf-8"))
    assert assertion["extensions:GradeExtension"]["Grade"] == "7,5"
