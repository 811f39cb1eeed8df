"""OB 3.0 output: the DID document, signed status lists, signed credentials and the
images they are baked into.

The documents come from documents/ob3.py; here they are signed with eddsa-rdfc-2022
(sign/proof.py) and baked: same input, same bytes, because Ed25519 is deterministic
and every date comes from the ledger.
"""
from __future__ import annotations

import os
from typing import Iterable, Iterator

from ..documents.json import compact_json, dump_json
from ..documents.ob3 import (StatusList, achievement, clean, credential_from, did_document, issuer_profile,
                             status_list_credential, verification_method)
from ..errors import BadgesiteError, Diagnostic
from ..keyring import KeyRing, key_ring
from ..model import Award, Where
from ..sign import ed25519, proof
from ..sign.fastcanon import freeze
from ..sign.jsonld import CanonicalizationError
from ..source.keyfile import KEYS_FILE
from ..urls import Urls
from ..vocab import OB3_KEYWORD, ob3_date
from .bake import bake_png, bake_svg
from .context import Context, issuer_image_path


def did_artifact(ctx: Context, signing_key) -> tuple[str, bytes]:
    ring = signing_ring(ctx.site.root, signing_key)
    return ctx.urls.did_document, dump_json(did_document(ctx.urls, ring.keys))


def status_artifacts(ctx: Context, signing_key, lists: Iterable[StatusList]) -> Iterator[tuple[str, bytes]]:
    """These status lists, signed (dated by their last change)."""
    urls = ctx.urls
    ring = signing_ring(ctx.site.root, signing_key)
    for status in lists:
        signed = _sign(status_list_credential(status, urls), ring, urls, ob3_date(status.changed), status.source,
                       f"status list of '{status.ledger}'")
        yield urls.status_list(status.ledger, status.number), dump_json(signed)


def award_paths(urls: Urls, award_id: str, image_type: str, baked: bool = True) -> list[str]:
    """The files award_artifacts() makes, named without making them."""
    paths = [urls.credential(award_id)]
    if baked:
        paths.append(urls.credential_baked(award_id, "png"))
        if image_type == "svg":
            paths.append(urls.credential_baked(award_id, "svg"))
    return paths


def award_artifacts(ctx: Context, award: Award, signing_key) -> Iterator[tuple[str, bytes]]:
    """The award's signed credential, and the badge image with it baked in (PNG, and SVG
    for SVG badges: OB 3.0 baking, `openbadgecredential` / <openbadges:credential>),
    unless the site bakes in the browser (bake_in_browser)."""
    site, urls = ctx.site, ctx.urls
    badge = site.badges[award.badge]
    parts = ctx.credential_parts.get(badge.id)  # what every credential of the badge shares
    if parts is None or parts[0] is not signing_key:
        # never changed once made, and never handed out: canonicalised once, by identity
        image = issuer_image_path(ctx)
        parts = ctx.credential_parts[badge.id] = (signing_key, signing_ring(site.root, signing_key),
                                                  freeze(clean(issuer_profile(site.config, urls, image))),
                                                  freeze(clean(achievement(badge, site.config, urls))))
    _, ring, profile, achievement_doc = parts
    doc = credential_from(award, badge.name, profile, achievement_doc, urls)
    signed = _sign(doc, ring, urls, ob3_date(award.issued), award.source, f"award '{award.id}'")
    yield urls.credential(award.id), dump_json(signed)
    if site.config.bake_in_browser:  # the award page bakes it (themes/default/static/bake.js)
        return
    compact = compact_json(signed)
    yield urls.credential_baked(award.id, "png"), bake_png(ctx.images[badge.id], compact, OB3_KEYWORD)
    if badge.image_type == "svg":
        svg = bake_svg(ctx.sources[badge.id].decode("utf-8"), compact.decode("utf-8"), None, element="credential")
        yield urls.credential_baked(award.id, "svg"), svg.encode("utf-8")


_RINGS: dict = {}


def signing_ring(root: str, signing_key) -> KeyRing:
    """The KeyRing for a key: its id and the public key history from the site's keys.yaml.

    Memoised on the key and the bytes of keys.yaml (never on a file date).
    """
    if isinstance(signing_key, KeyRing):
        return signing_key
    path = os.path.join(root, KEYS_FILE)
    try:
        with open(path, "rb") as handle:
            history = handle.read()
    except FileNotFoundError:
        history = None
    memo = (root, ed25519.public_multibase(signing_key), history)
    ring = _RINGS.get(memo)
    if ring is None or ring.private is not signing_key:
        if len(_RINGS) > 64:
            _RINGS.clear()
        ring = _RINGS[memo] = key_ring(root, signing_key)
    return ring


def _sign(doc: dict, ring: KeyRing, urls: Urls, created: str, where: Where, what: str) -> dict:
    """`doc` signed; made here of plain JSON values, so not copied by proof.sign."""
    try:
        return proof.sign(doc, ring.private, verification_method(urls, ring.id), created, copy=False)
    except (CanonicalizationError, ValueError) as exc:
        raise BadgesiteError([Diagnostic(where.path, where.line, where.col,
                                         f"{what} cannot be signed as Open Badges 3.0: {exc}")]) from None
