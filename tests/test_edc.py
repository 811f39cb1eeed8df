"""`badgesite export edc`: one unsigned European Digital Credential per award, each
conforming to the official EDC application-profile SHACL shapes (checked offline with
pyshacl), and nothing written when any award cannot be made valid."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from badgesite.assemble import load_site
from conftest import AWARDS, BADGE, CONFIG, SVG, make_site, png_bytes, run_cli
from edcshapes import problems, sample, undefined

pytest.importorskip("pyshacl")

EU_CONFIG = CONFIG.replace("  email: badges@example.org\n",
                           "  email: badges@example.org\n  country: be\n  legal_identifier: BE0123456789\n")


def export(root: Path, folder: Path, *extra: str) -> tuple[int, str, str]:
    return run_cli("export", "edc", str(folder), "-s", str(root), *extra)


def documents(folder: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*.jsonld"))}


# -- the checker itself ------------------------------------------------------------------------

def test_the_shapes_accept_the_commissions_sample_and_catch_what_is_missing():
    doc = sample()
    assert problems(doc) == "" and undefined(doc) == ""
    broken = dict(doc)
    del broken["issuer"]
    assert "cred:issuer" in problems(broken) or "credentials#issuer" in problems(broken)
    achievement = broken["credentialSubject"]["hasClaim"]
    del achievement["awardedBy"]
    assert "awardedBy" in problems(broken)
    assert "bogusTerm" in undefined({**doc, "bogusTerm": "dropped by rdflib without a word"})


# -- the example programme -------------------------------------------------------------------------

def test_example_site_exports_one_conforming_credential_per_award(example_copy: Path, tmp_path: Path):
    out = tmp_path / "edc"
    code, stdout, stderr = export(example_copy, out)
    assert code == 0, stderr
    site, _ = load_site(example_copy)
    exported = documents(out)
    assert set(exported) == {a.id for a in site.awards.values() if not a.revoked}
    assert "wrote 45" in stdout or f"wrote {len(exported)}" in stdout
    for award_id, doc in exported.items():
        assert problems(doc) == "", (award_id, problems(doc)[:3000])
        assert undefined(doc) == "", (award_id, undefined(doc))
        assert doc["@context"] == ["https://www.w3.org/2018/credentials/v1", "http://data.europa.eu/snb/model/context/edc-ap"]
        assert "proof" not in doc  # unsigned: the institution seals it

    doc = exported["ls-2026-6gadkygf"]  # Python Basics, a complete microcredential, with a grade
    award, badge = site.awards["ls-2026-6gadkygf"], site.badges["python-basics"]
    assert doc["type"] == ["VerifiableCredential", "EuropeanDigitalCredential"]
    assert doc["issued"] == doc["validFrom"] == "2026-01-30T00:00:00Z"
    issuer = doc["issuer"]
    assert issuer["legalName"] == {"en": "Stadslab Academy"}
    assert issuer["eIDASIdentifier"]["notation"] == "NL.KVK.12345678"
    assert issuer["location"][0]["address"]["countryCode"]["id"] == "http://publications.europa.eu/resource/authority/country/NLD"
    person = doc["credentialSubject"]
    assert person["type"] == "Person" and person["fullName"] == {"en": "Jayden Tahitu"}
    assert person["identifier"][0]["notation"] == award.recipient.identity
    [claim] = person["hasClaim"]
    assert claim["awardedBy"]["awardingBody"] == [{"id": issuer["id"]}]
    assert claim["provenBy"][0]["grade"]["noteLiteral"] == {"en": "8.5"}
    spec = claim["specifiedBy"]
    assert spec["type"] == "Qualification" and spec["eqfLevel"]["id"] == "http://data.europa.eu/snb/eqf/5"
    assert spec["creditPoint"][0]["point"] == "2.5"
    assert spec["creditPoint"][0]["framework"]["id"] == "http://data.europa.eu/snb/education-credit/6fcec5c5af"
    assert spec["mode"][0]["prefLabel"] == {"en": "Presential"}
    titles = [o["title"] for o in spec["learningOutcome"]]
    for i, outcome in enumerate(badge.text.learning_outcomes):
        assert titles[i]["en"] == outcome and titles[i]["nl"] == badge.in_language("nl").learning_outcomes[i]
    esco = [s for o in spec["learningOutcome"] for s in o.get("relatedESCOSkill", [])]
    assert [s["id"] for s in esco] == [a.url for a in badge.alignment if a.framework == "ESCO"]
    assert esco[0]["inScheme"]["id"] == "http://data.europa.eu/esco/concept-scheme/skills"
    assert spec["provenBy"][0]["title"]["en"] == badge.text.assessment
    notes = " ".join(n["noteLiteral"]["en"] for n in spec["additionalNote"])
    assert "Quality assurance: " + badge.quality_assurance.text in notes and "onsite-supervised" in notes
    display = doc["displayParameter"]
    assert display["title"] == {"en": "Python Basics", "nl": "Python basis"}
    assert [d["language"]["id"].rsplit("/", 1)[1] for d in display["individualDisplay"]] == ["ENG", "NLD"]
    assert display["primaryLanguage"]["id"].endswith("/ENG")

    # same input, same bytes
    again = tmp_path / "again"
    assert export(example_copy, again)[0] == 0
    assert all((again / p.name).read_bytes() == p.read_bytes() for p in out.glob("*.jsonld"))


def test_chosen_awards_only(example_copy: Path, tmp_path: Path):
    out = tmp_path / "edc"
    code, _, stderr = export(example_copy, out, "--award", "ls-2026-6gadkygf", "--award", "ls-2026-5kyyhuun")
    assert code == 0, stderr
    assert sorted(p.name for p in out.iterdir()) == ["ls-2026-5kyyhuun.jsonld", "ls-2026-6gadkygf.jsonld"]
    code, _, stderr = export(example_copy, out, "--award", "ls-2026-6gadkygx")
    assert code == 2 and "no award 'ls-2026-6gadkygx'" in stderr and "did you mean 'ls-2026-6gadkygf'" in stderr
    site, _ = load_site(example_copy)
    revoked = next(a for a in site.awards.values() if a.revoked)
    code, _, stderr = export(example_copy, tmp_path / "none", "--award", revoked.id)
    assert code == 1 and f"award '{revoked.id}' was revoked" in stderr
    assert f"{revoked.source.path}:{revoked.source.line}:" in stderr
    assert not (tmp_path / "none").exists()


# -- a site no one has seen ---------------------------------------------------------------------------

def test_unseen_site_without_eqf_or_names_conforms(tmp_path: Path):
    """Dutch first, German too; an SVG badge with hours and no EQF level (a
    LearningAchievementSpecification, not a Qualification); plain recipients, no names."""
    config = EU_CONFIG.replace("country: be", "country: NL") + "language: nl\nlanguages: [nl, de]\nrecipients: plain\n"
    badge = (BADGE.replace("python-basics.png", "maker.svg").replace("Python Basics", "Maker")
             .replace("criteria:", "study_load: {hours: 12.5}\nlearning_outcomes: [Kan solderen.]\n"
                      "alignment:\n  - {name: solder components, url: 'http://data.europa.eu/esco/skill/0b6b1b11', "
                      "framework: ESCO}\ncriteria:"))
    root = make_site(tmp_path / "site", {
        "badgesite.yaml": config, "content/badges/python-basics.md": None, "content/badges/python-basics.png": None,
        "content/badges/maker.md": badge, "content/badges/maker.svg": SVG,
        "content/badges/maker.de.md": badge.replace("Maker", "Macher").replace("Kan solderen.", "Kann löten."),
        "content/awards/2026.yaml": AWARDS.replace("python-basics", "maker")
        + AWARDS.replace("a-0001", "a-0002").replace("python-basics", "maker").replace("leah@", "sam@")
        + "  grade: Voldoende\n"})
    out = tmp_path / "edc"
    code, _, stderr = export(root, out)
    assert code == 0, stderr
    exported = documents(out)
    assert set(exported) == {"a-0001", "a-0002"}
    for doc in exported.values():
        assert problems(doc) == "" and undefined(doc) == ""
        spec = doc["credentialSubject"]["hasClaim"][0]["specifiedBy"]
        assert spec["type"] == "LearningAchievementSpecification" and "eqfLevel" not in spec
        assert spec["volumeOfLearning"] == "PT12H30M" and "creditPoint" not in spec
        assert spec["learningOutcome"][0]["title"] == {"nl": "Kan solderen.", "de": "Kann löten."}
        assert "fullName" not in doc["credentialSubject"]
        assert doc["displayParameter"]["primaryLanguage"]["id"].endswith("/NLD")
        image = doc["displayParameter"]["individualDisplay"][0]["displayDetail"][0]["image"]
        assert image["contentType"]["id"].endswith("/PNG") and image["content"].startswith("iVBOR")  # drawn as PNG
    grade = exported["a-0002"]["credentialSubject"]["hasClaim"][0]["provenBy"][0]["grade"]
    assert grade["noteLiteral"] == {"nl": "Voldoende"}


# -- what cannot be made valid is refused, by award, and nothing is written ------------------------------

def test_what_the_site_lacks_is_refused_and_nothing_is_written(tmp_path: Path):
    root = make_site(tmp_path / "site")  # no country, no legal identifier: fine for a plain badge
    out = tmp_path / "edc"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    code, stdout, stderr = export(root, out)
    assert code == 1
    assert "badgesite.yaml:2:1: error: a European Digital Credential needs 'issuer.country'" in stderr
    assert "'issuer.legal_identifier'" in stderr and "nothing was written" in stderr
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def test_what_a_badge_lacks_is_reported_at_each_award(tmp_path: Path):
    badge = BADGE.replace("criteria:", "alignment:\n  - {name: Python, url: 'https://esco.example/python', "
                          "framework: ESCO}\ncriteria:")
    good = BADGE.replace("Python Basics", "Git").replace("python-basics.png", "git.png")
    ledger = (AWARDS + AWARDS.replace("a-0001", "a-0002").replace("leah@", "sam@")
              + AWARDS.replace("a-0001", "a-0003").replace("python-basics", "git"))
    root = make_site(tmp_path / "site", {"badgesite.yaml": EU_CONFIG + "recipients: plain\n",
                                         "content/badges/python-basics.md": badge, "content/badges/git.md": good,
                                         "content/badges/git.png": png_bytes(),
                                         "content/awards/2026.yaml": ledger})
    out = tmp_path / "edc"
    code, _, stderr = export(root, out)
    assert code == 1, stderr
    lines = [line for line in stderr.splitlines() if "error:" in line]
    assert len(lines) == 2, stderr
    assert lines[0].startswith("content/awards/2026.yaml:1:") and "award 'a-0001'" in lines[0]
    assert lines[1].startswith("content/awards/2026.yaml:6:") and "award 'a-0002'" in lines[1]
    assert "an ESCO skill IRI (http://data.europa.eu/esco/skill/…)" in lines[0] and "'Python'" in lines[0]
    assert not out.exists()  # not even a.0003's, which could be made
    code, _, stderr = export(root, out, "--award", "a-0003")
    assert code == 0 and [p.name for p in out.iterdir()] == ["a-0003.jsonld"]
