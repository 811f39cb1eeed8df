"""Every address a build publishes is permanent: recipients put award pages on LinkedIn
and credentials in wallets. What a build may not drop without saying so.

- without a signing key, a build never replaces one that published Open Badges 3.0
  credentials (keyring.find_signing_ring refuses earlier when keys.yaml lists a key);
- a badge or an award that the live build published and that is gone from the content
  is a warning naming the address that will answer 404 (an error with --strict); so
  are the other pages it published that this build does not make (a language removed
  from `languages`). Said once, by the build that drops them.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import BadgesiteError, Diagnostic, Diagnostics
from ..urls import Urls
from ..source.files import CACHE_DIR
from ..source.keyfile import read_history
from .state import live_build, read_state


def published_credentials(output: Path) -> bool:
    """The live build in `output` published Open Badges 3.0 credentials."""
    return bool(live_build(read_state(output)).get("credentials"))


def keep_credentials(output: Path, state: dict) -> None:
    """Refuse to build without a signing key over a build that published credentials
    (`state`: the state record of `output`, state.read_state)."""
    if live_build(state).get("credentials"):
        raise BadgesiteError([Diagnostic(
            str(output), 0, 0, "the last build published Open Badges 3.0 credentials and no signing key was "
            "found (BADGESITE_SIGNING_KEY is not set, and there is no key file), so this build would delete them",
            hint="set BADGESITE_SIGNING_KEY to the key file's path or PEM text; 'badgesite keys show' tells which "
                 "key the site uses")])


def preview_folder(root: Path, signing_key, note: str | None) -> tuple[Path, str | None]:
    """Where `serve` builds, and why without credentials (None: it signs, or never did):
    a preview without the key never replaces a signed output/, it is built beside the cache."""
    output = root / "output"
    if signing_key is not None or not (read_history(root) or published_credentials(output)):
        return output, None
    output = root / CACHE_DIR / "preview"
    why = (note or "").removeprefix("Open Badges 3.0 credentials skipped: ").removesuffix(" (see 'badgesite keys init')")
    return output, (f"this preview has no Open Badges 3.0 credentials: {why}. "
                    f"It is built in {output}; output/ is not changed.")


def gone_badges(state: dict, badges: dict, urls: Urls, diagnostics: Diagnostics) -> None:
    """A warning for every badge the live build published that this one does not."""
    published = live_build(state).get("image_types")  # badge id -> image type
    for badge_id in sorted(set(published if isinstance(published, dict) else {}) - set(badges)):
        diagnostics.warning(f"content/badges/{badge_id}.md", 0, 0,
                            f"badge '{badge_id}' was published by the last build and is gone: "
                            f"{urls.page_url(urls.badge_page(badge_id))} will answer 404",
                            hint="keep its file to keep its page")


def gone_awards(dropped: list[tuple[str, str]], urls: Urls, diagnostics: Diagnostics) -> None:
    """A warning for every (ledger file, award id) that the live build published and that
    is in no ledger file now (a revoked award keeps its addresses; a deleted one loses them)."""
    for path, award_id in dropped:
        diagnostics.warning(path, 0, 0, f"award '{award_id}' was published by the last build and is no longer in "
                            f"the ledger: {urls.url(urls.award_json(award_id))} will answer 404",
                            hint=f"to withdraw an award, keep it and run 'badgesite revoke {award_id} --reason TEXT'")


PAGES_NAMED = 5  # pages named in the warning; the rest are counted


def gone_pages(state: dict, made: dict, badges: dict, urls: Urls, diagnostics: Diagnostics) -> None:
    """One warning for the pages (HTML) the live build published that this build does
    not make (`made`: its site-wide files), besides those of a badge that is gone
    (gone_badges names it)."""
    last = live_build(state)
    published = last.get("site")
    gone_badges_ = set(last.get("image_types") or {}) - set(badges)
    pages = sorted(rel for rel in (published if isinstance(published, dict) else {})
                   if rel.endswith(".html") and rel not in made and rel != urls.not_found
                   and not gone_badges_ & set(rel.split("/")))
    if pages:
        named = ", ".join(urls.page_url(rel) for rel in pages[:PAGES_NAMED])
        more = f" and {len(pages) - PAGES_NAMED} more" if len(pages) > PAGES_NAMED else ""
        diagnostics.warning("badgesite.yaml", 0, 0,
                            f"{len(pages)} page(s) published by the last build are not made by this one and will "
                            f"answer 404: {named}{more}",
                            hint="a language removed from 'languages' removes its pages")
