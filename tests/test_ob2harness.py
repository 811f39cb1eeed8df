"""The Open Badges 2.0 validator harness works, and can fail.

A tiny hosted OB 2.0 site is written by hand to tmp_path, served on
127.0.0.1 and checked with the official validator (openbadges 1.1.2) through
tests/support/ob2harness.py.  Needs .venv-ob2 (bash tests/tools/ob2/setup.sh); the
tests skip with that hint when it is missing.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zlib
from pathlib import Path

import pytest

from support.ob2harness import describe, fetched, require_ob2_venv, serve_directory, validate  # noqa: E402

BASE = "https://example.org/badges/"
EMAIL = "alice@example.net"
SALT = "c0ffee-salt-1"
CONTEXT = "https://w3id.org/openbadges/v2"


# --------------------------------------------------------------------------
# building blocks
# --------------------------------------------------------------------------

def make_png(size: int = 32) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (size, size), (20, 90, 160, 255))
    ImageDraw.Draw(img).ellipse((4, 4, size - 5, size - 5), fill=(250, 200, 40, 255))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def bake_png(png: bytes, text: str, keyword: bytes = b"openbadges") -> bytes:
    """Insert an uncompressed iTXt chunk `keyword` holding `text` before IEND."""
    # iTXt: keyword NUL, compression flag, compression method, language tag NUL,
    # translated keyword NUL, text (UTF-8)
    data = keyword + b"\x00" + b"\x00\x00" + b"\x00" + b"\x00" + text.encode("utf-8")
    iend = png.rindex(b"IEND") - 4  # the chunk starts with its 4-byte length
    assert png[iend:iend + 8] == b"\x00\x00\x00\x00IEND"
    return png[:iend] + png_chunk(b"iTXt", data) + png[iend:]


def identity(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((email + salt).encode("utf-8")).hexdigest()


def site_documents(base: str = BASE) -> dict[str, dict]:
    issuer = {
        "@context": CONTEXT,
        "type": "Profile",
        "id": base + "issuer.json",
        "name": "Example Academy",
        "url": base,
        "email": "badges@example.org",
        "description": "Issues badges for the harness test.",
        "revocationList": base + "revocations.json",
        "verification": {
            "type": "VerificationObject",
            "allowedOrigins": "example.org",
            "startsWith": base,
        },
    }
    badge = {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": base + "badges/x.json",
        "name": "Example badge",
        "description": "Shows the harness can validate a badge.",
        "image": base + "badges/x.png",
        "criteria": {"id": base + "badges/x/", "narrative": "Write a test that can fail."},
        "issuer": base + "issuer.json",
        "tags": ["testing"],
    }
    assertion = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": base + "awards/a1.json",
        "recipient": {"type": "email", "hashed": True, "salt": SALT,
                      "identity": identity(EMAIL, SALT)},
        "badge": base + "badges/x.json",
        "verification": {"type": "hosted"},
        "issuedOn": "2024-05-01T12:00:00+00:00",
        "image": base + "awards/a1.png",
    }
    revocations = {
        "@context": CONTEXT,
        "type": "RevocationList",
        "id": base + "revocations.json",
        "issuer": base + "issuer.json",
        "revokedAssertions": [],
    }
    return {
        "issuer.json": issuer,
        "badges/x.json": badge,
        "awards/a1.json": assertion,
        "revocations.json": revocations,
    }


def write_site(root: Path, docs: dict[str, dict] | None = None, extra: dict[str, bytes] | None = None,
               base: str = BASE) -> Path:
    docs = site_documents(base) if docs is None else docs
    png = make_png()
    files: dict[str, bytes] = {"badges/x.png": png,
                               "awards/a1.png": bake_png(png, base + "awards/a1.json")}
    files.update({name: json.dumps(doc, indent=2).encode("utf-8") for name, doc in docs.items()})
    files.update(extra or {})
    for name, data in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


@pytest.fixture
def ob2():
    require_ob2_venv()


# --------------------------------------------------------------------------
# the harness accepts a good site
# --------------------------------------------------------------------------

def test_valid_hosted_assertion(tmp_path, ob2):
    site = write_site(tmp_path / "site")
    with serve_directory(site) as local:
        [r] = validate([BASE + "awards/a1.json"], {BASE: local})
    assert r["valid"], describe(r)
    assert r["errorCount"] == 0, describe(r)
    assert r["report"]["validationSubject"] == BASE + "awards/a1.json"
    assert r["report"]["openBadgesVersion"] == "2.0"
    assert r["blocked"] == [], describe(r)
    # the harness reports what the validator ignores: status and the JSON itself
    a1 = fetched(r, BASE + "awards/a1.json")
    assert a1 and a1["status"] == 200 and a1["fetchedUrl"] == local + "awards/a1.json"
    assert a1["contentType"].startswith("application/json")
    assert a1["json"]["type"] == "Assertion"
    for url in (BASE + "badges/x.json", BASE + "issuer.json", BASE + "badges/x.png"):
        entry = fetched(r, url)
        assert entry and entry["status"] == 200, describe(r)
    # the graph holds the compacted nodes, under their public ids
    ids = {node.get("id") for node in r["graph"]}
    assert {BASE + "awards/a1.json", BASE + "badges/x.json", BASE + "issuer.json"} <= ids


def test_recipient_hash_checked(tmp_path, ob2):
    site = write_site(tmp_path / "site")
    url = BASE + "awards/a1.json"
    with serve_directory(site) as local:
        good, bad = validate([{"input": url, "recipient": {"email": EMAIL}},
                              {"input": url, "recipient": {"email": "mallory@example.net"}}],
                             {BASE: local})
    assert good["valid"], describe(good)
    assert good["report"]["recipientProfile"] == {"email": EMAIL}
    assert not bad["valid"], describe(bad)


def test_baked_png_validates_and_unbakes(tmp_path, ob2):
    site = write_site(tmp_path / "site")
    baked = site / "awards" / "a1.png"
    # the same assertion baked as JSON instead of a URL
    doc = site_documents()["awards/a1.json"]
    baked_json = tmp_path / "a1-json.png"
    baked_json.write_bytes(bake_png(make_png(), json.dumps(doc)))
    with serve_directory(site) as local:
        by_url, by_json = validate([baked, baked_json], {BASE: local})
    assert by_url["kind"] == "image"
    assert by_url["unbaked"] == BASE + "awards/a1.json"
    assert by_url["valid"], describe(by_url)
    assert by_url["report"]["validationSubject"] == BASE + "awards/a1.json"
    assert json.loads(by_json["unbaked"])["id"] == BASE + "awards/a1.json"
    assert by_json["valid"], describe(by_json)


def test_baked_svg_validates(tmp_path, ob2):
    site = write_site(tmp_path / "site")
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org" '
        'width="10" height="10"><openbadges:assertion verify="{}"/>'
        '<circle cx="5" cy="5" r="4"/></svg>'.format(BASE + "awards/a1.json"))
    path = tmp_path / "a1.svg"
    path.write_text(svg, encoding="utf-8")
    with serve_directory(site) as local:
        [r] = validate([path], {BASE: local})
    assert r["unbaked"] == BASE + "awards/a1.json"
    assert r["valid"], describe(r)


def test_extension_validated_offline(tmp_path, ob2):
    """An edubadges-style extension whose context and JSON schema the site hosts."""
    context = {
        "@context": {
            "obi": "https://w3id.org/openbadges#",
            "extensions": "https://w3id.org/openbadges/extensions#",
            "ECTS": {"@id": "https://purl.org/edubadges/ects",
                     "@type": "http://www.w3.org/2001/XMLSchema#decimal"},
        },
        "obi:validation": [{
            "obi:validatesType": "extensions:ECTSExtension",
            "obi:validationSchema": BASE + "extensions/ECTSExtension/schema.json",
        }],
    }
    schema = {"$schema": "http://json-schema.org/draft-04/schema#", "type": "object",
              "properties": {"ECTS": {"type": "number", "minimum": 0}}, "required": ["ECTS"]}
    extra = {"extensions/ECTSExtension/context.json": json.dumps(context).encode(),
             "extensions/ECTSExtension/schema.json": json.dumps(schema).encode()}

    def extension(value):
        return {"@context": BASE + "extensions/ECTSExtension/context.json",
                "type": ["Extension", "extensions:ECTSExtension"], "ECTS": value}

    docs = site_documents()
    docs["badges/x.json"]["extensions:ECTSExtension"] = extension(2.5)
    docs["badges/y.json"] = dict(docs["badges/x.json"], id=BASE + "badges/y.json",
                                 **{"extensions:ECTSExtension": extension("lots")})
    docs["awards/a2.json"] = dict(docs["awards/a1.json"], id=BASE + "awards/a2.json",
                                  badge=BASE + "badges/y.json")
    site = write_site(tmp_path / "site", docs, extra)
    with serve_directory(site) as local:
        good, bad = validate([BASE + "awards/a1.json", BASE + "awards/a2.json"], {BASE: local})
    assert good["valid"], describe(good)
    assert fetched(good, BASE + "extensions/ECTSExtension/schema.json")["status"] == 200
    assert good["blocked"] == [], describe(good)
    assert not bad["valid"], describe(bad)
    assert any("ECTSExtension did not validate" in m["result"] for m in bad["messages"]), describe(bad)


def test_what_the_validator_misses_is_in_the_fetch_log(tmp_path, ob2):
    """The validator passes a revoked award and a 404 badge image; tests must
    look at `fetches` for those."""
    docs = site_documents()
    docs["awards/a1.json"].update(revoked=True, revocationReason="Issued in error")
    docs["badges/x.json"]["image"] = BASE + "badges/gone.png"
    docs["revocations.json"]["revokedAssertions"] = [
        {"id": BASE + "awards/a1.json", "revocationReason": "Issued in error"}]
    site = write_site(tmp_path / "site", docs)
    with serve_directory(site) as local:
        [r] = validate([BASE + "awards/a1.json"], {BASE: local})
    assert r["valid"], describe(r)  # sic: openbadges 1.1.2 does not notice either problem
    assert fetched(r, BASE + "awards/a1.json")["json"]["revoked"] is True
    assert fetched(r, BASE + "badges/gone.png")["status"] == 404
    assert fetched(r, BASE + "revocations.json") is None  # never even fetched


# --------------------------------------------------------------------------
# ... and rejects broken ones
# --------------------------------------------------------------------------

def test_broken_inputs_are_invalid(tmp_path, ob2):
    docs = site_documents()
    no_badge = dict(docs["awards/a1.json"], id=BASE + "awards/no-badge.json")
    del no_badge["badge"]
    missing_badge = dict(docs["awards/a1.json"], id=BASE + "awards/missing-badge.json",
                         badge=BASE + "badges/missing.json")
    naive_date = dict(docs["awards/a1.json"], id=BASE + "awards/naive-date.json",
                      issuedOn="2024-05-01T12:00:00")
    docs.update({"awards/no-badge.json": no_badge, "awards/missing-badge.json": missing_badge,
                 "awards/naive-date.json": naive_date})
    site = write_site(tmp_path / "site", docs)
    plain = tmp_path / "plain.png"
    plain.write_bytes(make_png())
    urls = [BASE + "awards/no-badge.json", BASE + "awards/missing-badge.json",
            BASE + "awards/naive-date.json", BASE + "awards/does-not-exist.json"]
    with serve_directory(site) as local:
        results = validate(urls + [plain], {BASE: local})
    for r in results:
        assert not r["valid"], describe(r)
        assert r["errorCount"] >= 1, describe(r)
    by_input = {r["input"]: r for r in results}
    # the 404 is visible in the fetch log (the validator itself ignores status)
    missing = fetched(by_input[BASE + "awards/missing-badge.json"], BASE + "badges/missing.json")
    assert missing and missing["status"] == 404
    assert fetched(by_input[BASE + "awards/does-not-exist.json"],
                   BASE + "awards/does-not-exist.json")["status"] == 404
    assert by_input[str(plain)]["unbaked"] is None


def test_unmapped_host_is_refused(tmp_path, ob2):
    docs = site_documents()
    docs["badges/x.json"]["issuer"] = "https://elsewhere.example.com/issuer.json"
    site = write_site(tmp_path / "site", docs)
    with serve_directory(site) as local:
        [r] = validate([BASE + "awards/a1.json"], {BASE: local})
    assert not r["valid"], describe(r)
    assert r["blocked"] == ["https://elsewhere.example.com/issuer.json"]


def test_serve_directory(tmp_path):
    import urllib.error
    import urllib.request

    (tmp_path / "a.json").write_text("{}", encoding="utf-8")
    (tmp_path / "b.svg").write_text("<svg/>", encoding="utf-8")
    with serve_directory(tmp_path) as local:
        assert local.startswith("http://127.0.0.1:") and local.endswith("/")
        with urllib.request.urlopen(local + "a.json") as resp:
            assert resp.headers["Content-Type"] == "application/json"
        with urllib.request.urlopen(local + "b.svg") as resp:
            assert resp.headers["Content-Type"] == "image/svg+xml"
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(local + "nope.json")
        assert err.value.code == 404
