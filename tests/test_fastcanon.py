"""sign/fastcanon.py gives exactly pyld's RDFC-1.0 N-Quads, or None (and then pyld runs).

Differential tests against the reference, `canon.canonize(doc, fast=False)` (pyld):
(a) every document the example site signs (credentials, proof configurations, status
lists), and the signed bytes with and without the fast path, checked by the JS verifier;
(b) hundreds of credentials built by ob3 from generated model objects;
(c) documents that must not take the fast path;
(d) example credentials with random edits: the fast path is right or steps aside.
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import marshal
import shutil
import string

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from badgesite import microcredentials
from badgesite.documents import ob3
from badgesite.assemble import load_site
from badgesite.build import build
from badgesite.output.context import make_context
from badgesite.model import (Alignment, Award, Badge, BadgeText, Config, Evidence, Issuer, QualityAssurance,
                             Recipient, Revocation, Site, StudyLoad)
from badgesite.sign import canon, fastcanon, proof
from badgesite.sign import ed25519
from badgesite.sign.jsonld import CanonicalizationError
from badgesite.urls import Urls
from support.ob3site import signed_files
from badgesite.vocab import ob3_date
from badgesite.vocab import OB3_CONTEXT, OB3_EXTENSIONS_CONTEXT, VC_CONTEXT
from badgesite.sign import fastterms

from conftest import REPO
from support.vcharness import verify_credentials

VC_V1 = "https://www.w3.org/2018/credentials/v1"


def reference(doc: dict, **kw) -> str:
    return canon.canonize(doc, fast=False, **kw)


def check(doc: dict) -> str:
    """Fast path == pyld, or a refusal/fallback for a stated reason. Returns which."""
    try:
        expected = reference(doc)
    except CanonicalizationError as exc:
        # what pyld refuses, the fast path never accepts; canonize still raises the same
        assert fastcanon.canonize(doc) is None
        with pytest.raises(CanonicalizationError) as routed:
            canon.canonize(doc)
        assert str(routed.value) == str(exc)
        return "refused"
    dataset = fastcanon._dataset(doc)
    if dataset is None:
        # blank node identifiers in the input (an evidence URL '_:x') are left to pyld
        assert blank_node_id(doc), f"a shape badgesite produces fell back to pyld: {doc!r}"
        assert fastcanon.canonize(doc) is None and canon.canonize(doc) == expected
        return "fallback"
    fast = fastcanon.canonize(doc)
    if fast is None:
        # the only other reason: blank nodes whose first-degree hashes collide
        hashes = fastcanon._first_degree_hashes(dataset.quads, dataset.blanks)
        assert len(set(hashes)) < len(hashes)
        assert canon.canonize(doc) == expected
        return "fallback"
    assert fast == expected
    assert canon.canonize(doc) == expected
    return "fast"


def blank_node_id(node) -> bool:
    if isinstance(node, dict):
        return any(isinstance(v, str) and v.startswith("_:") or blank_node_id(v) for v in node.values())
    return isinstance(node, list) and any(blank_node_id(v) for v in node)


def proof_config(doc: dict, created: str) -> dict:
    """The proof configuration exactly as proof.hash_data canonicalises it."""
    config = {"@context": doc.get("@context"), "type": proof.PROOF_TYPE, "cryptosuite": proof.CRYPTOSUITE,
              "created": created, "verificationMethod": "did:web:example.org:badges#key-1",
              "proofPurpose": "assertionMethod"}
    return proof._with_suite_context(config)


# -- (a) the example site ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def example():
    """Every document ob3 canonicalises while signing the example site, and what it signed."""
    site, _ = load_site(REPO)
    ctx = make_context(site)
    key = ed25519.generate()
    seen: list[dict] = []
    real = canon.canonize
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(canon, "canonize", lambda doc, **kw: (seen.append(copy.deepcopy(doc)), real(doc, **kw))[1])
        proof._hash_proof_config_json.cache_clear()
        produced = dict(signed_files(ctx, key))
    return site, ctx, key, seen, produced


def test_every_document_of_the_example_site_takes_the_fast_path(example):
    site, _, _, seen, _ = example
    kinds = {"credential": 0, "status list": 0, "proof config": 0}
    for doc in seen:
        assert fastcanon.canonize(doc) is not None, doc.get("id") or doc
        assert check(doc) == "fast"
        kind = ("proof config" if doc.get("type") == proof.PROOF_TYPE else
                "status list" if "BitstringStatusListCredential" in doc["type"] else "credential")
        kinds[kind] += 1
    assert kinds["credential"] == len(site.awards) and kinds["status list"] >= 1 and kinds["proof config"] >= 1


def test_signed_bytes_are_the_same_with_pyld(example, monkeypatch):
    _, ctx, key, _, produced = example
    monkeypatch.setenv(canon.FAST_ENV, "pyld")

    def refuse(doc):
        raise AssertionError("BADGESITE_CANON=pyld must not take the fast path")

    monkeypatch.setattr(fastcanon, "canonize", refuse)
    proof._hash_proof_config_json.cache_clear()
    assert dict(signed_files(ctx, key)) == produced


def test_fast_signatures_verify_with_digital_bazaar(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    shutil.copy(REPO / "badgesite.yaml", root / "badgesite.yaml")
    shutil.copytree(REPO / "content", root / "content")
    key = ed25519.generate()
    build(root, signing_key=key)
    site, _ = load_site(root)
    output = root / "output"
    mapping = {site.config.base_url: output}
    today = dt.date.today()
    current = [a for a in site.awards.values() if a.status(today) != "expired"]
    files = [output / "credentials" / f"{a.id}.json" for a in current]
    for award, result in zip(current, verify_credentials(files, mapping)):
        assert result["verified"] and result["schemaValid"], (award.id, result["errors"])
        assert result["statusRevoked"] is bool(award.revoked)
    # expired ones verify on a day they were valid
    for award in (a for a in site.awards.values() if a.status(today) == "expired"):
        [result] = verify_credentials([output / "credentials" / f"{award.id}.json"], mapping,
                                      now=f"{award.issued}T12:00:00Z")
        assert result["verified"], (award.id, result["errors"])
    status_lists = sorted((output / "status").glob("*.json"))
    assert status_lists
    assert all(r["verified"] for r in verify_credentials(status_lists, mapping, schema=None))


# -- (b) generated credentials ------------------------------------------------------------------

SPECIALS = ['"', "\\", "\n", "\r", "\t", "\\n", '\\"', "😀", "👩🏽‍🔬", "\u2028", "\u0085", "\u00a0",
            "\u200f", "é", "ß", "ﬁ", "\u0301", "日本", "עברית", "\x00", "\x1b", "\x7f", "<", ">", "{", "}", "@", "_:b0",
            "^^", " .\n", "http://x/", "#", "%20"]
PIECE = st.one_of(st.sampled_from(SPECIALS), st.characters(exclude_categories=("Cs",)),
                  st.sampled_from(string.printable))


def texts(min_size=0, max_size=40):
    return st.lists(PIECE, min_size=min_size, max_size=max_size).map("".join)


TEXT = st.one_of(texts(), st.builds(lambda a, b, n: (a + b) * n, texts(1, 20), texts(0, 20), st.integers(10, 150)))
SOME_TEXT = texts(1, 60)
OPTIONAL = st.one_of(st.none(), SOME_TEXT)
SLUG = st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)
HEX = st.text("0123456789abcdef", min_size=32, max_size=64)
DATES = st.dates(dt.date(1970, 1, 1), dt.date(2999, 12, 31))
GOOD_URL = st.builds(lambda s, p: f"https://{s}.example/{p}", SLUG, SLUG)
URL = st.one_of(GOOD_URL,
                st.sampled_from(["http://data.europa.eu/esco/skill/20d22ce8", "urn:uuid:6f1c2d3e-0000-4000-8000-0",
                                 "did:web:example.org", "https://example.org/a b", "relative/path", "mailto:a@x.org",
                                 "https://example.org/ü?x=1#frag"]),
                SOME_TEXT)
ECTS = st.one_of(st.none(), st.integers(0, 240), st.floats(0.01, 240, allow_nan=False),
                 st.sampled_from([2.5, 7.5, 0.1, 1e-7, 1234.5678, 3.0, 0.3333333333333333]))
BASE_URLS = st.sampled_from(["https://example.org/badges/", "https://stadslab-academy.github.io/badges/",
                             "http://localhost:8000/", "https://xn--bcher-kva.example/a/b/"])
LANGUAGES = st.sampled_from(["en", "nl", "pt-BR", "de-ch", "zh-Hant", "x", "toolonglanguage", "EN-us"])

alignments = st.builds(Alignment, name=SOME_TEXT, url=URL, description=OPTIONAL, framework=OPTIONAL, code=OPTIONAL)
badge_texts = st.builds(BadgeText, name=SOME_TEXT, description=TEXT,
                        criteria=st.lists(SOME_TEXT, max_size=4).map(tuple),
                        body=TEXT, image_alt=st.one_of(st.just(""), SOME_TEXT),
                        learning_outcomes=st.lists(SOME_TEXT, max_size=5).map(tuple))
badges = st.builds(
    Badge, id=SLUG, text=badge_texts, translations=st.just({}), image=st.just("b.png"),
    image_type=st.sampled_from(["png", "svg"]), tags=st.lists(SOME_TEXT, max_size=6).map(tuple),
    kind=st.sampled_from(["badge", "edubadge", "microcredential", "extracurricular", "other"]),
    study_load=st.one_of(st.none(), st.builds(StudyLoad, ects=ECTS)),
    eqf=st.one_of(st.none(), st.integers(1, 8)), nlqf=st.one_of(st.none(), st.integers(1, 8)),
    alignment=st.lists(alignments, max_size=4).map(tuple),
    # the EU micro-credential elements: terms of an inline context (fastcanon handles it)
    participation=st.one_of(st.none(), st.sampled_from(microcredentials.PARTICIPATION)),
    quality_assurance=st.one_of(st.none(), st.builds(QualityAssurance, text=SOME_TEXT,
                                                     url=st.one_of(st.none(), GOOD_URL, URL))),
    qf_ehea_cycle=st.one_of(st.none(), st.integers(1, 3)),
    id_verification=st.one_of(st.none(), st.sampled_from(microcredentials.ID_VERIFICATION)))
evidence = st.builds(Evidence, url=st.one_of(st.none(), *[GOOD_URL] * 6, URL), name=OPTIONAL, narrative=OPTIONAL,
                     description=OPTIONAL)
configs = st.builds(
    Config, base_url=BASE_URLS, language=LANGUAGES,
    issuer=st.builds(Issuer, name=SOME_TEXT, url=URL, email=OPTIONAL, description=OPTIONAL,
                     country=st.one_of(st.none(), st.sampled_from(["NL", "BE", "DE"])), legal_identifier=OPTIONAL))


@st.composite
def awards(draw, badge_id: str):
    issued = draw(DATES)
    return Award(
        id=draw(SLUG), badge=badge_id, recipient=Recipient(identity="sha256$" + draw(HEX), salt=draw(HEX)),
        issued=issued, awarded_by="admin@example.org", name=draw(OPTIONAL),
        evidence=tuple(draw(st.lists(evidence, max_size=4))), narrative=draw(OPTIONAL),
        expires=draw(st.one_of(st.none(), DATES)), grade=draw(OPTIONAL),
        revoked=draw(st.one_of(st.none(), st.builds(Revocation, date=DATES, reason=SOME_TEXT))),
        ledger=draw(SLUG), position=draw(st.integers(0, 400_000)))


@st.composite
def credentials(draw):
    """1-3 credentials of one badge (so remembered issuer and achievement quads are reused)."""
    badge = draw(badges)
    members = draw(st.lists(awards(badge.id), min_size=1, max_size=3, unique_by=lambda a: a.id))
    config = draw(configs)
    site = Site(root="/nonexistent", config=config, badges={badge.id: badge}, awards={a.id: a for a in members})
    urls = Urls(config.base_url, config.language)
    image = draw(st.sampled_from([None, "issuer.png", "issuer.svg"]))
    return [(award, ob3.credential(award, site, urls, image)) for award in members]


GENERATED = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                           HealthCheck.data_too_large])


@GENERATED
@given(credentials())
def test_generated_credentials_canonicalise_as_pyld(made):
    for award, doc in made:
        event(check(doc))
        assert check(proof_config(doc, ob3_date(award.issued))) == "fast"


@settings(max_examples=60, deadline=None)
@given(st.lists(awards("b"), min_size=1, max_size=5), BASE_URLS, st.integers(0, 3))
def test_generated_status_lists_canonicalise_as_pyld(members, base_url, number):
    urls = Urls(base_url, "en")
    members = [dataclasses.replace(a, ledger=members[0].ledger, position=a.position % 131_072 + number * 131_072)
               for a in members]  # one list: of one ledger file, one number
    [status] = ob3.status_lists(members)
    doc = ob3.status_list_credential(status, urls)
    assert check(doc) == "fast"
    assert check(proof_config(doc, ob3_date(status.changed))) == "fast"


# -- (c) what must not take the fast path ---------------------------------------------------------

@pytest.fixture()
def credential(example) -> dict:
    _, _, _, seen, _ = example
    return copy.deepcopy(next(d for d in seen if "OpenBadgeCredential" in d.get("type", ())))


@pytest.mark.parametrize("where", ["", "issuer.", "credentialSubject.achievement.", "credentialSubject.identifier.0.",
                                   "evidence.0."])
def test_an_undefined_property_is_still_named_by_safe_mode(credential, where):
    doc = copy.deepcopy(credential)
    edit(where + "colour", "red")(doc)
    assert fastcanon.canonize(doc) is None
    with pytest.raises(CanonicalizationError, match="'colour'"):
        canon.canonize(doc)
    # unsafe canonicalisation drops it, as pyld does
    assert canon.canonize(doc, safe=False) == reference(doc, safe=False)


@pytest.mark.parametrize("contexts", [
    [VC_V1, OB3_CONTEXT],
    [VC_CONTEXT, OB3_CONTEXT, OB3_EXTENSIONS_CONTEXT, "https://w3id.org/security/data-integrity/v2"],
    [VC_CONTEXT, {"colour": "https://example.org/colour"}],
    "https://www.w3.org/ns/credentials/v2#",
    None,
])
def test_other_contexts_are_left_to_pyld(credential, contexts):
    credential["@context"] = contexts
    assert fastcanon.canonize(credential) is None
    try:
        expected = reference(credential)
    except CanonicalizationError:
        with pytest.raises(CanonicalizationError):
            canon.canonize(credential)
    else:
        assert canon.canonize(credential) == expected


def edit(path: str, value):
    def apply(doc):
        *parents, last = path.split(".")
        target = doc
        for name in parents:
            target = target[int(name)] if name.isdigit() else target[name]
        target[int(last) if last.isdigit() else last] = value
    return apply


FALLBACKS = {
    # refused by safe mode (pyld raises): the fast path must not accept them
    "undefined type": edit("type", ["VerifiableCredential", "OpenBadgeCredential", "MyCredential"]),
    "relative id": edit("id", "credentials/a.json"),
    "relative image": edit("issuer.image.id", "issuer.png"),
    "control character": edit("name", "a\x07b"),
    "integer beyond 2**53": edit("credentialSubject.achievement.creditsAvailable", 2**60),
    "space in an IRI": edit("id", "https://example.org/a b"),
    "IRI with a quote": edit("issuer.id", 'https://example.org/"x"'),
    "blank node predicate": edit("credentialSubject._:p", "x"),
    # accepted by pyld, left to it
    "keyword key": edit("issuer.@id", "https://example.org/issuer"),
    "value object": edit("name", {"@value": "x", "@language": "en"}),
    "blank node id": edit("credentialSubject.id", "_:b0"),
    "nested array": edit("credentialSubject.achievement.tag", [["a", "b"]]),
    "list container": edit("credentialSubject.achievement.resultDescription",
                           [{"id": "https://example.org/rd", "type": ["ResultDescription"], "name": "n",
                             "resultType": "Status", "allowedValue": ["a", "b"]}]),
    "embedded proof (graph container)": edit("proof", {"type": "DataIntegrityProof", "cryptosuite": "x"}),
    "identical evidence without ids": edit("evidence", [{"type": ["Evidence"], "name": "same"}] * 2),
    "nested @context": edit("issuer.@context", {"x": "https://example.org/x"}),
    "not-JSON value": edit("name", ("a", "b")),
}


@pytest.mark.parametrize("name", sorted(FALLBACKS))
def test_fallbacks_give_pyld_result_or_error(credential, name):
    FALLBACKS[name](credential)
    assert fastcanon.canonize(credential) is None
    try:
        expected = reference(credential)
    except (CanonicalizationError, TypeError) as exc:
        with pytest.raises(type(exc)):
            canon.canonize(credential)
    else:
        assert canon.canonize(credential) == expected


FAST_EDGES = {
    "null values are dropped": edit("credentialSubject.narrative", None),
    "null in an array": edit("credentialSubject.achievement.tag", ["a", None, "b"]),
    "duplicate tags": edit("credentialSubject.achievement.tag", ["a", "a"]),
    "empty array": edit("credentialSubject.achievement.tag", []),
    "string type": edit("type", "VerifiableCredential"),
    "integral float credits": edit("credentialSubject.achievement.creditsAvailable", 3.0),
    "boolean false": edit("credentialSubject.identifier.0.hashed", False),
    "number where a string is expected": edit("name", 12.5),
    "boolean where a string is expected": edit("name", True),
    "the same IRI node twice": edit("evidence", [{"id": "https://example.org/e", "type": ["Evidence"], "name": "a"},
                                                 {"id": "https://example.org/e", "name": "b"}]),
    "a subject reference": edit("credentialSubject.achievement", {"id": "https://example.org/achievement"}),
    "an empty node": edit("credentialSubject.achievement.image", {}),
    "a string for xsd:float": edit("credentialSubject.achievement.creditsAvailable", "2.5"),
    "escapes": edit("name", 'tab\there "quoted" back\\slash\r\nnew line \u2028 😀'),
}


@pytest.mark.parametrize("name", sorted(FAST_EDGES))
def test_edge_shapes_on_the_fast_path(credential, name):
    FAST_EDGES[name](credential)
    assert check(credential) == "fast"


def test_remembered_node_objects_are_renumbered(credential):
    achievement = credential["credentialSubject"]["achievement"]
    achievement["alignment"] = [{"type": ["Alignment"], "targetName": f"skill {i}", "targetUrl": "https://x.org/s",
                                 "targetDescription": "x" * 300} for i in range(3)]
    assert check(credential) == "fast"  # walked, then remembered
    assert any(key[1] == marshal.dumps(achievement, 2) for key in fastcanon._SUBTREES)
    # reused after a different number of blank nodes (identifiers come first)
    identifier = credential["credentialSubject"]["identifier"][0]
    others = [{**identifier, "salt": salt} for salt in ("2", "3")]
    credential["credentialSubject"]["identifier"] = [identifier, *others]
    assert check(credential) == "fast"
    credential["credentialSubject"] = {"type": "AchievementSubject", "achievement": achievement}
    assert check(credential) == "fast"



def test_frozen_node_objects_are_remembered_by_identity(credential, monkeypatch):
    """ob3 freezes the issuer and the achievement of a badge: their quads are made once,
    then reused (blank nodes renumbered) without reading them again."""
    subject = credential["credentialSubject"]
    achievement = fastcanon.freeze(subject["achievement"])
    achievement["alignment"] = [{"type": ["Alignment"], "targetName": f"skill {i}", "targetUrl": "https://x.org/s"}
                                for i in range(2)]  # blank nodes inside the frozen part
    credential["issuer"] = fastcanon.freeze(dict(credential["issuer"]))
    assert check(credential) == "fast"
    assert fastcanon._FROZEN[id(achievement)][0] is achievement and fastcanon._FROZEN[id(achievement)][1]

    def walked_again(*args):
        raise AssertionError("a frozen node object was read again")

    monkeypatch.setattr(fastcanon, "_part", walked_again)
    identifier = subject["identifier"][0]
    subject["identifier"] = [identifier, {**identifier, "salt": "2"}, {**identifier, "salt": "3"}]
    assert check(credential) == "fast"  # reused after more blank nodes
    credential["credentialSubject"] = {"type": "AchievementSubject", "achievement": achievement}
    assert check(credential) == "fast"  # and after fewer

# -- (d) mutated credentials: any JSON in any place; the fast path is right or steps aside ---------

TERMS = ["name", "description", "image", "url", "narrative", "alignment", "targetName", "targetUrl",
         "creditsAvailable", "achievement", "identifier", "hashed", "salt", "tag", "criteria", "inLanguage", "evidence",
         "genre", "caption", "validFrom", "awardedDate", "issuer", "credentialSubject", "resultDescription",
         "achievementType", "resultType", "statusListIndex", "proofPurpose", "verificationMethod", "cryptosuite",
         "created", "endorsement", "related", "result", "source", "email", "address"]
ODD_TERMS = ["@id", "@type", "@value", "colour", "https://schema.org/color", "_:x", "xsd:string"]
TYPES = ["Profile", "Achievement", "Image", "Alignment", "Evidence", "IdentityObject", "ResultDescription",
         "AchievementSubject", "Result", "DataIntegrityProof", "VerifiableCredential", "OpenBadgeCredential",
         "Criteria", "Address", "BitstringStatusListEntry", "https://example.org/T"]
ODD_TYPES = ["Unknown", "@json", "_:t"]
KEY = st.one_of(*[st.sampled_from(TERMS)] * 8, st.sampled_from(ODD_TERMS + ["id", "type"]))
TYPE = st.one_of(*[st.sampled_from(TYPES)] * 8, st.sampled_from(ODD_TYPES))
SCALARS = st.one_of(
    st.text(string.ascii_letters + " ", max_size=12), st.sampled_from(["https://x.org/x", "did:web:a", "urn:x:1"]),
    st.booleans(), st.integers(-1000, 1000), st.floats(-1e6, 1e6), st.none(),
    st.sampled_from(TYPES + ODD_TYPES + ["ext:Foo", "relative", "", "en", 2**60, float("nan"), 1e300, "a\x01"]),
    SOME_TEXT)
JSON = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.sampled_from(TERMS), inner, max_size=4),
    st.builds(lambda t, i, rest: {"type": t, **({"id": "https://example.org/n"} if i else {}), **rest},
              st.one_of(TYPE, st.lists(TYPE, max_size=3)), st.booleans(), st.dictionaries(KEY, inner, max_size=3))),
    max_leaves=8)


IDS = st.sampled_from(["https://example.org/n", "did:web:example.org", "urn:uuid:1", "https://example.org/n#1"])
VALUE_OF = {"type": st.one_of(TYPE, st.lists(TYPE, max_size=3)), "id": IDS}


def places(node):
    """Every (container, key) of the document, @context excepted (and not inside types)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key != "@context":
                yield node, key
                if key != "type":
                    yield from places(value)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield node, i
            yield from places(value)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_credentials_are_never_canonicalised_wrongly(example, data):
    _, _, _, seen, _ = example
    doc = copy.deepcopy(data.draw(st.sampled_from([d for d in seen if d.get("type") != proof.PROOF_TYPE][:6])))
    for _ in range(data.draw(st.integers(1, 3))):
        container, key = data.draw(st.sampled_from(list(places(doc))))
        if isinstance(container, dict) and data.draw(st.booleans()):
            key = data.draw(KEY)  # add or replace a property
        container[key] = data.draw(VALUE_OF.get(key, st.one_of(SCALARS, SCALARS, JSON)) if data.draw(st.integers(0, 9))
                                   else JSON)
    try:
        expected = reference(doc)
    except Exception:  # noqa: BLE001 - pyld refuses it (or crashes): the fast path must refuse too
        event("pyld refuses")
        assert fastcanon.canonize(doc) is None
        return
    fast = fastcanon.canonize(doc)
    event("fast" if fast is not None else "left to pyld")
    assert fast is None or fast == expected


def test_documents_that_expand_to_nothing(credential):
    for doc in ({"@context": credential["@context"]}, {"@context": credential["@context"], "id": credential["id"]},
                {"@context": credential["@context"], "name": None}):
        assert fastcanon.canonize(doc) is None
        with pytest.raises(CanonicalizationError):
            canon.canonize(doc)
    assert fastcanon.canonize(["not", "a", "dict"]) is None


def test_switches_force_pyld(credential, monkeypatch):
    calls = []
    real = fastcanon.canonize
    monkeypatch.setattr(fastcanon, "canonize", lambda doc: calls.append(doc) or real(doc))
    expected = canon.canonize(credential)
    assert len(calls) == 1
    assert canon.canonize(credential, fast=False) == expected and len(calls) == 1
    assert canon.canonize(credential, loader=canon.frozen_loader) == expected and len(calls) == 1
    monkeypatch.setenv(canon.FAST_ENV, "pyld")
    assert canon.canonize(credential) == expected and len(calls) == 1
    assert canon.canonize(credential, fast=True) == expected and len(calls) == 2


def test_iri_check_is_safe_modes(credential):
    # fastcanon folds canon._ABS_IRI_RE and canon._BAD_IRI_CHARS into one expression
    samples = ["https://example.org/x", "urn:uuid:1", "did:web:a.b%3A8000:c", "a:", "1http://x", "http://x\n",
               "http://x y", "http://x\u00a0y", "http://x<y>", "_:b0", "mailto:a@b", "x+y.z-w:q", "é:x", "http://x|"]
    for iri in samples:
        safe = bool(canon._ABS_IRI_RE.match(iri)) and not canon._BAD_IRI_CHARS.search(iri) and not iri.startswith("_:")
        assert (fastterms._IRI_RE.fullmatch(iri) is not None) == safe, iri
