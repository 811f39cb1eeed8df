"""Awarding and revoking: from a command line or a spreadsheet row to a ledger edit.
(`spreadsheet` reads a CSV export into the same requests.)

Everything is validated before anything is written. A new award is checked by the
same code that checks the ledger (`assemble`), on the very YAML text that will be
appended, so `badgesite award` can never write what `badgesite check` refuses.
The ledger itself is edited as text by `ledger_edit`.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .. import recipients
from . import ledger_edit
from ..assemble import validate_awards  # the ledger's own rules, applied to new entries
from ..errors import BadgesiteError, Diagnostic, Diagnostics, did_you_mean
from ..model import Site
from ..source.fields import EMAIL, URL
from ..source.ledger import AWARDS_DIR, LedgerEntry
from ..source.yaml import load
from ..urls import Urls

log = logging.getLogger(__name__)

ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: easy to read aloud
ID_RANDOM_LEN = 10  # 31**10 ~ 8e14 ids per badge and year: they cannot be listed by counting
AWARDER_ENV = "BADGESITE_AWARDER"
MAX_DUPLICATE_CHECKS = 5_000_000  # hashes to compare when looking for an award given twice

LEDGER_HEADER = """\
# Awards ledger, {year}: one entry per award, in the order they were given.
#
# Add awards with `badgesite award BADGE EMAIL` (or `badgesite award --csv FILE`);
# it stores each e-mail address only as a salted hash. An award is never deleted:
# revoke one given in error with `badgesite revoke ID --reason TEXT`.
# Every field is described in the badgesite user guide (docs/content.md).
"""


@dataclass
class Request:
    """One award to make, as a user asked for it."""

    badge: str
    email: str
    name: str | None = None
    issued: str | None = None  # YYYY-MM-DD; today when None
    by: str | None = None
    evidence_url: str | None = None
    evidence_name: str | None = None
    narrative: str | None = None
    where: tuple[str, int] = ("award", 0)  # the file and row (or the command line) it came from
    language: str | None = None  # of the message telling the recipient; the site's when None


@dataclass
class NewAward:
    id: str
    badge: str
    email: str
    name: str | None
    ledger: Path
    text: str  # the ledger entry, as appended
    url: str  # the award's page
    data: dict | None = None  # the entry as parsed when it was checked
    language: str | None = None  # of the message telling the recipient (mail/queue.py)


@dataclass
class Plan:
    awards: list[NewAward] = field(default_factory=list)

    def by_ledger(self) -> dict[Path, list[NewAward]]:
        groups: dict[Path, list[NewAward]] = {}
        for award in self.awards:
            groups.setdefault(award.ledger, []).append(award)
        return groups


# -- planning: ids, awarders, entries, validation ------------------------------------

def badge_prefix(badge_id: str) -> str:
    """A short readable prefix for award ids: the initials of the badge id's words."""
    words = [w for w in badge_id.split("-") if w]
    prefix = "".join(w[0] for w in words) if len(words) > 1 else badge_id[:2]
    return prefix[:4]


def new_award_id(badge_id: str, year: int, taken: set[str]) -> str:
    """`<prefix>-<year>-<10 random characters>`: unguessable, unlike a counter."""
    while True:
        candidate = f"{badge_prefix(badge_id)}-{year}-" + "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_RANDOM_LEN))
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def ledger_path(root: Path, year: int, ledger: Path | None = None) -> Path:
    """The ledger for awards issued in `year`: content/awards/<year>.yaml (or .yml)."""
    if ledger is not None:
        return ledger
    folder = root / AWARDS_DIR
    for suffix in (".yaml", ".yml"):
        if (folder / f"{year}{suffix}").exists():
            return folder / f"{year}{suffix}"
    return folder / f"{year}.yaml"


def plan(root: Path, site: Site, requests: list[Request], *, today: dt.date | None = None,
         ledger: Path | None = None, again: bool = False, environ=None,
         progress: Callable[[int], None] | None = None, problems: Diagnostics | None = None) -> Plan:
    """Make and check the ledger entries for `requests`; BadgesiteError with every problem
    (including `problems` already found while reading them)."""
    today = today or dt.date.today()
    environ = os.environ if environ is None else environ
    urls = Urls(site.config.base_url, site.config.language)
    taken = set(site.awards)
    problems = problems if problems is not None else Diagnostics()
    candidates: list[NewAward] = []
    origins: list[tuple[str, int]] = []
    seen: dict[tuple[str, str], int] = {}
    holders = _Holders(site, len(requests))
    for number, request in enumerate(requests, 1):
        errors: list[tuple[str, str | None]] = []
        email, issued, awarded_by = _check(site, request, today, environ, errors)
        if not errors and not again:
            key = (request.badge, recipients.normalise(email))
            if key in seen:
                errors.append((f"awards '{request.badge}' to {email} a second time (also at row {seen[key]})", None))
            seen[key] = request.where[1]
            held = holders.find(request.badge, email, today)
            if held:
                errors.append((f"{email} already holds '{request.badge}' (award {held.id}, issued {held.issued})",
                               "use --again to award it once more"))
        for message, hint in errors:
            problems.error(request.where[0], request.where[1], 0, message, hint)
        if not errors:
            award_id = new_award_id(request.badge, issued.year, taken)
            text = ledger_edit.entry_text(_fields(site, request, award_id, email, issued, awarded_by))
            candidates.append(NewAward(award_id, request.badge, email, request.name,
                                       ledger_path(root, issued.year, ledger), text,
                                       urls.page_url(urls.award_page(award_id)), language=request.language))
            origins.append(request.where)
        if progress:
            progress(number)
    problems.extend(_validate(site, candidates, origins))
    if problems:
        raise BadgesiteError(problems.sorted())
    return Plan(candidates)


def _check(site: Site, request: Request, today: dt.date, environ, errors: list) -> tuple[str, dt.date, str | None]:
    """What the ledger's rules cannot see (they only see a hash): the e-mail address, the
    date, the evidence URL, the badge and who awards it. Appends (message, hint) to errors."""
    email = request.email.strip()
    if not email:
        errors.append(("no e-mail address", None))
    elif not EMAIL.match(email):
        errors.append((f"{email!r} is not a valid e-mail address", None))
    issued = today
    if request.issued:
        try:
            issued = dt.date.fromisoformat(request.issued.strip())
        except ValueError:
            errors.append((f"issued date {request.issued!r} is not a date written YYYY-MM-DD", None))
    if issued > today:
        errors.append((f"issued date {issued} is in the future", None))
    if request.evidence_url and not URL.match(request.evidence_url):
        errors.append((f"evidence URL {request.evidence_url!r} must start with https:// or http://", None))
    if request.evidence_name and not request.evidence_url:
        errors.append(("an evidence name needs an evidence URL", None))
    badge = site.badges.get(request.badge)
    if badge is None:
        errors.append((f"no badge '{request.badge}'" if request.badge else "no badge named",
                       did_you_mean(request.badge, site.badges) if request.badge else None))
    awarded_by = (request.by or environ.get(AWARDER_ENV) or "").strip().lower() or None
    if badge and not awarded_by:
        if len(badge.awarders) == 1:  # never a guess between several
            awarded_by = badge.awarders[0]
        else:
            errors.append((f"who awards '{badge.id}'? Say it with --by ADMIN or the {AWARDER_ENV} environment variable",
                           "awarders are " + ", ".join(badge.awarders) if badge.awarders else None))
    return email, issued, awarded_by


def _fields(site: Site, request: Request, award_id: str, email: str, issued: dt.date, awarded_by: str | None) -> dict:
    """The new ledger entry, in the order of the SPEC's example."""
    fields: dict = {"id": award_id, "badge": request.badge}
    if site.config.recipients == "plain":
        fields["recipient"] = email
    else:  # a fresh salt per award: one person's awards cannot be linked by their hash
        salt = recipients.new_salt()
        fields["recipient"] = {"identity": ledger_edit.Quoted(recipients.hash_email(email, salt)),
                               "salt": ledger_edit.Quoted(salt)}
    if request.name:
        fields["name"] = request.name
    fields.update(issued=issued, awarded_by=awarded_by or "")
    if request.evidence_url:
        evidence = {"url": request.evidence_url}
        if request.evidence_name:
            evidence["name"] = request.evidence_name
        fields["evidence"] = [evidence]
    if request.narrative:
        fields["narrative"] = request.narrative
    return fields


def _validate(site: Site, awards: list[NewAward], origins: list[tuple[str, int]]) -> list[Diagnostic]:
    """Check new entries with the ledger's own rules (one parse for all of them);
    each diagnostic points at the row or the command line the award came from."""
    from bisect import bisect_right


    starts, line = [], 1
    for award in awards:
        starts.append(line)
        line += award.text.count("\n")
    data = load("".join(a.text for a in awards), "new") or []
    entries = [LedgerEntry("new", "new", i, item, *data.ipos(i)) for i, item in enumerate(data)]
    for award, item in zip(awards, data):
        award.data = item
    diagnostics = Diagnostics()
    validate_awards(site.config, site.badges, set(), entries, diagnostics)
    found = []
    for d in diagnostics.items:
        index = max(bisect_right(starts, d.line) - 1, 0)
        prefix = f"award '{awards[index].id}': "
        message = d.message[len(prefix):] if d.message.startswith(prefix) else d.message
        found.append(Diagnostic(origins[index][0], origins[index][1], 0, message, d.severity, d.hint))
    return found


class _Holders:
    """Who already holds a badge: the e-mail is hashed with each award's salt."""

    def __init__(self, site: Site, rows: int):
        self.site = site
        self.by_badge: dict[str, list] = {}
        for award in site.awards.values():
            self.by_badge.setdefault(award.badge, []).append(award)
        biggest = max((len(v) for v in self.by_badge.values()), default=0)
        self.enabled = rows * biggest <= MAX_DUPLICATE_CHECKS
        if not self.enabled:
            log.info("too many awards to look for duplicates (%d rows x %d awards)", rows, biggest)

    def find(self, badge_id: str, email: str, today: dt.date):
        if not self.enabled:
            return None
        for award in self.by_badge.get(badge_id, ()):
            if award.status(today) == "valid" and recipients.matches(email, award.recipient.identity, award.recipient.salt):
                return award
        return None


def write(plan_: Plan) -> dict[Path, int]:
    """Append the planned awards, one text edit per ledger file."""
    counts = {}
    for path, awards in plan_.by_ledger().items():
        year = re.match(r"^\d{4}", path.stem)
        header = LEDGER_HEADER.format(year=year.group() if year else path.stem)
        expected = [a.data for a in awards] if all(a.data is not None for a in awards) else None
        ledger_edit.append(path, [a.text for a in awards], header, expected)
        counts[path] = len(awards)
    return counts


def revoke(root: Path, site: Site, award_id: str, reason: str, date: dt.date | None = None,
           today: dt.date | None = None) -> Path:
    """Mark an award revoked in its ledger file, in place; the file changed."""
    today = today or dt.date.today()
    date = date or today
    award = site.awards.get(award_id)
    where = ("revoke", 0)
    if award is None:
        raise BadgesiteError([Diagnostic(*where, 0, f"no award '{award_id}'", hint=did_you_mean(award_id, site.awards))])
    problems = Diagnostics()
    reason = reason.strip()
    if award.revoked:
        problems.error(award.source.path, award.source.line, award.source.col,
                       f"award '{award_id}' was already revoked on {award.revoked.date}: {award.revoked.reason}")
    if not reason:
        problems.error(*where, 0, "give the reason for the revocation with --reason TEXT; it is published")
    elif len(reason) > 2000:
        problems.error(*where, 0, "the reason is longer than 2000 characters")
    if date > today:
        problems.error(*where, 0, f"revocation date {date} is in the future")
    if date < award.issued:
        problems.error(*where, 0, f"revocation date {date} is before the award was issued ({award.issued})")
    if problems:
        raise BadgesiteError(problems.sorted())
    path = Path(root) / award.source.path
    ledger_edit.revoke(path, award_id, date, reason)
    return path
