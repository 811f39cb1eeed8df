"""Every OB 3.0 file of a site loaded with its awards (load_site), signed in one process.

A build never holds every award at once (it signs per ledger file and per award, in
worker processes); tests that look at each signed document use this instead.
"""
from __future__ import annotations

from typing import Iterator

from badgesite.documents.ob3 import status_lists
from badgesite.output.context import Context
from badgesite.output.credentials import award_artifacts, did_artifact, status_artifacts


def signed_files(ctx: Context, signing_key) -> Iterator[tuple[str, bytes]]:
    """The DID document, the status lists and every award's credential and baked images."""
    yield did_artifact(ctx, signing_key)
    yield from status_artifacts(ctx, signing_key, status_lists(ctx.site.awards.values()))
    for award in ctx.site.awards.values():
        yield from award_artifacts(ctx, award, signing_key)
