"""Open Badges 3.0 on the verification page, in headless Chromium, against Digital Bazaar's verifier.

Two sites are built from the example programme with different keys: this issuer
(served like GitHub Pages under its base_url's path: did:web:host:badges) and a FOREIGN
one at a domain root (did:web:host, /.well-known/did.json), whose https base_url is
mapped onto a second 127.0.0.1 server by the browser's router (its DID document and
status lists are fetched there). A third issuer is a did:key signed here.
Each credential (valid, expired, revoked; with its name, date or proof changed; signed
by another key in the issuer's name; with an unknown JSON-LD context) is given to the page as a JSON file, pasted JSON, a link, a
baked PNG and a baked SVG. The page's `[data-verify-outcome]` must equal what the
ledger says and what @digitalbazaar/vc (tests/js/verify-vc.mjs) concludes, and no
request may leave 127.0.0.1 (contexts are frozen, never fetched).

Needs Chromium and the JS harness (npm ci in tests/js); ./scripts/test installs both.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest
import yaml

from badgesite.output import bake
from badgesite.assemble import load_site
from badgesite.build import build
from badgesite.documents import bitstring
from badgesite.sign import ed25519, multibase, proof

from support.browser import AXE, StaticSite, local_page, chromium_path, run_axe
from support.vcharness import harness_problem, verify_credentials

sync_api = pytest.importorskip("playwright.sync_api")

REPO = Path(__file__).resolve().parent.parent
RECIPIENTS = yaml.safe_load((REPO / "tests" / "fixtures" / "example-recipients.yaml").read_text("utf-8"))
FOREIGN_BASE = "https://learn.elsewhere.example/"  # a domain root: did:web:learn.elsewhere.example
UNKNOWN_CONTEXT = "https://contexts.elsewhere.example/badge-extras/v1.json"
VERIFIED = "[data-verify-outcome]:not([data-verify-outcome='']):not([data-verify-outcome='checking'])"
MODES = ["json", "text", "link", "png", "svg"]
TODAY = dt.date.today()

if chromium_path() is None:
    pytest.skip("Chromium is not installed (apt-get install -y chromium)", allow_module_level=True)
if harness_problem():
    pytest.skip(harness_problem(), allow_module_level=True)


# -- two issuers' sites, and a did:key one ----------------------------------------------------

def build_example(target: Path, base_url: str | None = None, name: str | None = None):
    """The example programme built with a fresh key (another base_url and name for a foreign issuer)."""
    target.mkdir(parents=True)
    config = (REPO / "badgesite.yaml").read_text("utf-8")
    if base_url:
        config = config.replace("base_url: https://stadslab-academy.github.io/badges/", f"base_url: {base_url}", 1)
        config = config.replace("  name: Stadslab Academy ", f"  name: {name} ", 1)
    (target / "badgesite.yaml").write_text(config, encoding="utf-8")
    shutil.copytree(REPO / "content", target / "content")
    build(target, signing_key=ed25519.generate())
    site, _ = load_site(target)
    assert site.config.base_url == (base_url or site.config.base_url)
    return site, target / "output"


def pick(site, status: str, svg: bool | None = None):
    """An award of that status, clear of an expiry near today (time zones could disagree)."""
    for award in site.awards.values():
        if award.expires and abs((award.expires - TODAY).days) <= 2:
            continue
        if award.status(TODAY) == status and (svg is None or (site.badges[award.badge].image_type == "svg") == svg):
            return award
    pytest.skip(f"the example has no {status} award")


def flip_signature(signed: dict) -> dict:
    changed = copy.deepcopy(signed)
    signature = bytearray(multibase.multibase_decode(changed["proof"]["proofValue"]))
    signature[10] ^= 0x01
    changed["proof"]["proofValue"] = multibase.multibase_encode(bytes(signature))
    return changed


def did_key_credential(template: dict, impostor: bool = False) -> dict:
    """The template credential signed here by a did:key (no status list), issued by that
    did:key, or (impostor) still naming the template's issuer."""
    key = ed25519.generate()
    fingerprint = ed25519.public_multibase(key)
    did = f"did:key:{fingerprint}"
    doc = {k: v for k, v in copy.deepcopy(template).items() if k not in ("proof", "credentialStatus")}
    doc["id"] = "urn:uuid:7d3f3b1e-2f4c-4f5e-9a51-1f1e0c0d0a01"
    if not impostor:
        doc["issuer"] = {"id": did, "type": ["Profile"], "name": "Workshop of One", "url": "https://workshop.example/"}
    return proof.sign(doc, key, f"{did}#{fingerprint}", "2025-03-01T00:00:00Z")


class Case:
    def __init__(self, name: str, doc: dict, ledger: str, origin, link: str | None = None):
        self.name, self.doc, self.ledger, self.origin, self.link = name, doc, ledger, origin, link


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """{home, foreign: (site, output)}, the cases and their files, and the two servers."""
    tmp = tmp_path_factory.mktemp("ob3page")
    home = build_example(tmp / "home")
    foreign = build_example(tmp / "foreign", FOREIGN_BASE, "Elsewhere Open Learning")
    cases: list[Case] = []
    for label, (site, output) in (("home", home), ("foreign", foreign)):
        def signed(award):
            return json.loads((output / "credentials" / f"{award.id}.json").read_text("utf-8"))
        valid, expired, revoked = pick(site, "valid", svg=True), pick(site, "expired"), pick(site, "revoked")
        for status, award in (("valid", valid), ("expired", expired), ("revoked", revoked)):
            doc = signed(award)
            cases.append(Case(f"{label}-{status}", doc, award.status(TODAY), (label, award), link=doc["id"]))
        renamed = copy.deepcopy(signed(valid))
        renamed["credentialSubject"]["achievement"]["name"] = "Advanced Laser Cutting"
        redated = copy.deepcopy(signed(expired))
        redated["validUntil"] = "2099-12-31T00:00:00Z"
        cases += [Case(f"{label}-name-changed", renamed, "invalid", (label, valid)),
                  Case(f"{label}-date-changed", redated, "invalid", (label, expired)),
                  Case(f"{label}-proof-changed", flip_signature(signed(valid)), "invalid", (label, valid))]
    site, output = home
    template = json.loads((output / "credentials" / f"{pick(site, 'valid', svg=True).id}.json").read_text("utf-8"))
    did_key = did_key_credential(template)
    cases.append(Case("didkey-valid", did_key, "valid", None))
    renamed = copy.deepcopy(did_key)
    renamed["name"] = renamed["credentialSubject"]["achievement"]["name"] = "Advanced Laser Cutting"
    cases.append(Case("didkey-name-changed", renamed, "invalid", None))
    # Signed by someone else's key in this issuer's name.
    cases.append(Case("impostor", did_key_credential(template, impostor=True), "invalid", None))
    # A context the page does not ship: it must say "cannot be checked", never fetch it.
    unknown = copy.deepcopy(template)
    unknown["@context"] = [*unknown["@context"], UNKNOWN_CONTEXT]
    cases.append(Case("unknown-context", unknown, "invalid", None))

    files = tmp / "given"
    files.mkdir()
    svg_template = next((output / "credentials").glob("*.svg")).read_text("utf-8")
    for case in cases:
        text = json.dumps(case.doc, ensure_ascii=False, separators=(",", ":"))
        (files / f"{case.name}.json").write_text(text, encoding="utf-8")
        base_png = (output / "credentials" / f"{template['id'].rsplit('/', 1)[1][:-5]}.png").read_bytes()
        if case.origin:
            label, award = case.origin
            origin_output = home[1] if label == "home" else foreign[1]
            base_png = (origin_output / "credentials" / f"{award.id}.png").read_bytes()
        (files / f"{case.name}.png").write_bytes(bake.bake_png(base_png, text, bake.OB3_KEYWORD))
        (files / f"{case.name}.svg").write_text(bake.bake_svg(svg_template, text, None, element="credential"), "utf-8")
    with StaticSite(home[1], urlsplit(home[0].config.base_url).path) as home_server, \
            StaticSite(foreign[1], urlsplit(FOREIGN_BASE).path) as foreign_server:
        for case in cases:
            if case.link is None or case.ledger == "invalid":
                home_server.extra[f"/given/{case.name}.json"] = (files / f"{case.name}.json").read_bytes()
                case.link = f"{home_server.base.split('/badges/')[0]}/given/{case.name}.json"
        yield {"home": home, "foreign": foreign, "cases": {c.name: c for c in cases}, "files": files,
               "server": home_server, "foreign_server": foreign_server}


# -- what Digital Bazaar's verifier says ----------------------------------------------------

def harness_outcome(result: dict, before_expiry: dict | None) -> str:
    """@digitalbazaar/vc's verdict in the page's words. An expired credential fails only
    with 'The current date time (…) is after "validUntil"'; it counts as expired if it
    verifies the day before."""
    if result["statusRevoked"] is True and result["schemaValid"]:
        return "revoked"
    if result["verified"] and result["schemaValid"] and result["statusRevoked"] is not True:
        return "valid"
    if before_expiry and before_expiry["verified"] and all('is after "validUntil"' in e for e in result["errors"]):
        return "expired"
    return "invalid"


@pytest.fixture(scope="module")
def harness(world):
    """{case name: outcome} according to tests/js/verify-vc.mjs (offline: both sites mapped)."""
    cases, files = world["cases"], world["files"]
    mapping = {world["home"][0].config.base_url: world["home"][1], FOREIGN_BASE: world["foreign"][1]}
    names = list(cases)
    results = verify_credentials([files / f"{n}.json" for n in names], mapping)
    found = {}
    for name, result in zip(names, results):
        before = None
        until = cases[name].doc.get("validUntil")
        if not result["verified"] and until and until[:10] < TODAY.isoformat():
            day_before = (dt.date.fromisoformat(until[:10]) - dt.timedelta(days=1)).isoformat()
            before = verify_credentials([files / f"{name}.json"], mapping, now=f"{day_before}T12:00:00Z")[0]
        found[name] = harness_outcome(result, before)
    return found


def test_the_ledger_and_digital_bazaar_agree(world, harness):
    """The reference the page is held to: every case's ledger outcome is the JS verifier's."""
    assert harness == {name: case.ledger for name, case in world["cases"].items()}


# -- the browser ----------------------------------------------------------------------------

@pytest.fixture
def page(browser, world):
    """A page where the foreign issuer's https base_url is served by its 127.0.0.1 server
    and any other request that would leave 127.0.0.1 is refused and reported."""
    foreign = world["foreign_server"]

    def elsewhere(r) -> bool:
        url = r.request.url
        if not url.startswith(FOREIGN_BASE):
            return False
        try:
            with urlopen(foreign.base + url[len(FOREIGN_BASE):], timeout=10) as answer:
                status, body, ctype = answer.status, answer.read(), answer.headers["Content-Type"]
        except HTTPError as error:
            status, body, ctype = error.code, error.read(), "text/html"
        r.fulfill(status=status, body=body, headers={"Content-Type": ctype, "Access-Control-Allow-Origin": "*"})
        return True

    with local_page(browser, elsewhere, viewport={"width": 1280, "height": 900}, locale="en-GB") as tab:
        yield tab


def give(page, world, case: Case, mode: str, email: str = "") -> tuple[str, dict[str, str], str]:
    """Hand the case to the verification page as `mode`; its outcome, checks and report text."""
    page.goto(world["server"].base + "verify/")
    if email:
        page.fill("#verify-email", email)
    files = world["files"]
    if mode in ("json", "png", "svg"):
        page.set_input_files("#verify-file", str(files / f"{case.name}.{mode}"))
    else:
        page.fill("#verify-input", (files / f"{case.name}.json").read_text("utf-8") if mode == "text" else case.link)
        page.click("[data-verify-form] button[type=submit]")
    page.wait_for_selector(VERIFIED, timeout=30_000)
    outcome = page.locator("[data-verify-outcome]").get_attribute("data-verify-outcome")
    checks = {li.get_attribute("data-check"): li.get_attribute("data-ok")
              for li in page.locator("[data-verify-checks] li").all()}
    return outcome, checks, page.locator("[data-verify-report]").inner_text()


# -- the page agrees --------------------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
def test_page_says_what_the_ledger_and_digital_bazaar_say(world, harness, page, mode):
    shown, expected, reports = {}, {}, {}
    for name, case in world["cases"].items():
        outcome, checks, text = give(page, world, case, mode)
        shown[name], expected[name], reports[name] = outcome, case.ledger, text
        assert checks["read"] == "true", text
        if name.endswith("-changed"):
            assert checks["proof"] == "false" and "does not match" in text, text
        elif name == "impostor":
            assert checks["issuer"] == "false" and "does not belong to its issuer" in text, text
        elif name != "unknown-context":
            assert checks["proof"] == "true" and checks["issuer"] == "true", text
    assert shown == expected, {n: reports[n] for n in shown if shown[n] != expected[n]}
    assert shown == harness


def test_the_issuer_and_status_list_are_named_in_plain_words(world, page):
    cases = world["cases"]
    _, checks, text = give(page, world, cases["foreign-revoked"], "json")
    assert "identified as did:web:learn.elsewhere.example." in text  # a domain root: /.well-known/did.json
    assert f"{FOREIGN_BASE}.well-known/did.json" in text and "for issuing credentials" in text
    assert "revoked this credential" in text and f"{FOREIGN_BASE}status/" in text
    assert checks["revocation"] == "false" and checks["dates"] == "true"
    _, checks, text = give(page, world, cases["didkey-valid"], "json")
    assert "did:key:z6Mk" in text and checks["revocation"] == "true" and "cannot revoke" in text


def test_an_unknown_context_cannot_be_checked_and_is_not_fetched(world, page):
    outcome, checks, text = give(page, world, world["cases"]["unknown-context"], "json")
    assert outcome == "invalid" and checks["proof"] == "false"
    assert UNKNOWN_CONTEXT in text and "cannot be checked" in text and "does not match" not in text
    # the page fixture fails the test if the context was requested


def test_the_typed_email_is_checked_against_the_hashed_identifier(world, page):
    case = world["cases"]["home-valid"]
    email = RECIPIENTS[case.origin[1].id]
    outcome, checks, text = give(page, world, case, "png", email=f"  {email.upper()} ")
    assert outcome == "valid" and checks["recipient"] == "true", text
    outcome, checks, text = give(page, world, case, "png", email="someone.else@example.org")
    assert outcome == "invalid" and checks["recipient"] == "false", text
    assert "not issued to someone.else@example.org" in text


def test_a_status_list_signed_by_someone_else_is_not_trusted(world, page):
    """A status list replaced on the server (nothing revoked, signed with another key under
    the issuer's key id) must not clear a revoked credential."""
    case = world["cases"]["home-revoked"]
    server = world["server"]
    rel = case.doc["credentialStatus"]["statusListCredential"][len(world["home"][0].config.base_url):]
    published = json.loads((world["home"][1] / rel).read_text("utf-8"))
    forged = {k: v for k, v in copy.deepcopy(published).items() if k != "proof"}
    forged["credentialSubject"]["encodedList"] = bitstring.encode_status_bits(set())
    forged = proof.sign(forged, ed25519.generate(), published["proof"]["verificationMethod"], published["proof"]["created"])
    server.overrides[rel] = json.dumps(forged).encode()
    try:
        outcome, checks, text = give(page, world, case, "json")
    finally:
        server.overrides.clear()
    assert outcome == "invalid" and checks["revocation"] == "false" and checks["proof"] == "true"
    assert "cannot be trusted: The signature does not match" in text, text


def test_a_status_list_that_cannot_be_decoded_fails_the_revocation_check(world, page):
    """A status list signed by the issuer whose encodedList is not base64url (one character
    too many): the revocation check fails and says why; the rest of the report stands."""
    server, (site, output) = world["server"], world["home"]
    template = json.loads((output / "credentials" / f"{pick(site, 'valid', svg=True).id}.json").read_text("utf-8"))
    key = ed25519.generate()
    fingerprint = ed25519.public_multibase(key)
    did = f"did:key:{fingerprint}"
    list_url = f"{server.base.split('/badges/')[0]}/given/broken-status.json"
    published = json.loads((output / template["credentialStatus"]["statusListCredential"][
        len(site.config.base_url):]).read_text("utf-8"))
    broken = {k: v for k, v in copy.deepcopy(published).items() if k != "proof"}
    broken["id"], broken["issuer"] = list_url, did
    broken["credentialSubject"]["id"] = list_url + "#list"
    broken["credentialSubject"]["encodedList"] = "uAAAAA"
    broken = proof.sign(broken, key, f"{did}#{fingerprint}", "2025-03-01T00:00:00Z")
    doc = {k: v for k, v in copy.deepcopy(template).items() if k != "proof"}
    doc["id"] = "urn:uuid:7d3f3b1e-2f4c-4f5e-9a51-1f1e0c0d0a02"
    doc["issuer"] = {"id": did, "type": ["Profile"], "name": "Workshop of One", "url": "https://workshop.example/"}
    doc["credentialStatus"] = {**doc["credentialStatus"], "statusListCredential": list_url}
    doc = proof.sign(doc, key, f"{did}#{fingerprint}", "2025-03-01T00:00:00Z")
    (world["files"] / "broken-status.json").write_text(json.dumps(doc), "utf-8")
    server.extra["/given/broken-status.json"] = json.dumps(broken).encode()
    try:
        outcome, checks, text = give(page, world, Case("broken-status", doc, "invalid", None), "json")
    finally:
        del server.extra["/given/broken-status.json"]
    assert outcome == "invalid" and checks["proof"] == "true" and checks["revocation"] == "false", text
    assert list_url in text, text


def test_an_ob3_report_passes_axe(world, page):
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (cd tests/browser && npm ci)")
    give(page, world, world["cases"]["foreign-proof-changed"], "svg", email="nobody@example.org")
    assert run_axe(page) == []
