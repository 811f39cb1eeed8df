"""Programme statistics: what the ledger says, counted per badge, per kind and in total.

Pure functions of the model: `count(badges, facts, today)` takes the badges and one
`Fact` per award (the few fields counting needs) and returns plain dicts, the shape
that `badgesite stats --json` prints. Nothing here reads a file or the clock;
incremental/facts.py gets the facts the fastest way there is: from the ledger cache
that builds keep (.badgesite-cache/), validating only what changed.

Recipients cannot be followed from award to award (every award has a salt of its
own, on purpose), so there are no per-person or learning-path figures.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Iterable, NamedTuple

from ..model import KINDS, Award, Badge, Config

REVIEW_AFTER_DAYS = 365  # a badge not earned for this long is flagged for review
EXPIRY_AHEAD_DAYS = 90  # awards that expire within this many days: the renewal list
SMALL = 5  # public pages show any count below this as "fewer than 5"
UNTRACEABLE = ("Recipients cannot be followed from one award to another: each award has a salt of its own, "
               "on purpose. So there are no figures per person or per learning path.")


class Fact(NamedTuple):
    """What counting needs of one award."""

    id: str
    badge: str
    issued: dt.date
    awarded_by: str
    expires: dt.date | None
    revoked: dt.date | None
    reason: str | None

    @classmethod
    def of(cls, award: Award) -> "Fact":
        revoked = award.revoked
        return cls(award.id, award.badge, award.issued, award.awarded_by, award.expires,
                   revoked.date if revoked else None, revoked.reason if revoked else None)


class Programme(NamedTuple):
    """The site as statistics see it."""

    config: Config
    badges: dict[str, Badge]
    facts: list[Fact]


# -- counting ---------------------------------------------------------------------------

def _empty() -> dict:
    return {"awards": 0, "active": 0, "expired": 0, "revoked": 0, "per_year": {}, "per_month": {},
            "revocations": {}, "awarders": {}, "last_award": None, "expiring_soon": 0}


def _add(counts: dict, group: tuple, n: int) -> None:
    """Add `n` awards that share everything counted: (badge, status, issued, awarder,
    reason, expiring soon)."""
    _, status, issued, awarded_by, reason, soon = group
    issued = issued.isoformat()
    year, month = issued[:4], issued[:7]
    counts["awards"] += n
    counts[status] += n
    counts["per_year"][year] = counts["per_year"].get(year, 0) + n
    counts["per_month"][month] = counts["per_month"].get(month, 0) + n
    if reason is not None:
        counts["revocations"][reason] = counts["revocations"].get(reason, 0) + n
    counts["awarders"][awarded_by] = counts["awarders"].get(awarded_by, 0) + n
    if counts["last_award"] is None or issued > counts["last_award"]:
        counts["last_award"] = issued
    if soon:
        counts["expiring_soon"] += n


def status(fact: Fact, today: dt.date) -> str:
    """active | expired | revoked, as model.Award.status words it for a page."""
    if fact.revoked is not None:
        return "revoked"
    if fact.expires is not None and fact.expires < today:
        return "expired"
    return "active"


def count(badges: dict[str, Badge], facts: Iterable[Fact], today: dt.date) -> dict:
    """Every figure of `badgesite stats`, as of `today`:
    {"today", "badges": {id: {...}}, "kinds": {kind: {...}}, "total": {...}, "review": [...],
     "retired": [...], "expiring": [...], "note"}."""
    ahead = today + dt.timedelta(days=EXPIRY_AHEAD_DAYS)
    expiring = []
    groups: Counter = Counter()  # awards that count alike, together: far fewer than the awards
    for fact in facts:
        state = status(fact, today)
        soon = state == "active" and fact.expires is not None and fact.expires <= ahead
        groups[fact.badge, state, fact.issued, fact.awarded_by, fact.reason, soon] += 1
        if soon:
            expiring.append({"award": fact.id, "badge": fact.badge, "expires": fact.expires.isoformat()})
    per_badge = {badge_id: _empty() for badge_id in badges}  # awards of unknown badges cannot load
    for group, n in groups.items():
        counts = per_badge.get(group[0])
        if counts is None:
            counts = per_badge[group[0]] = _empty()
        _add(counts, group, n)
    review_before = (today - dt.timedelta(days=REVIEW_AFTER_DAYS)).isoformat()
    review, retired = [], []
    for badge_id, counts in per_badge.items():
        badge = badges.get(badge_id)
        counts["name"] = badge.name if badge else badge_id
        counts["kind"] = badge.kind if badge else "badge"
        counts["retired"] = badge.retired.isoformat() if badge and badge.retired else None
        last = counts["last_award"]
        counts["days_since_last_award"] = (today - dt.date.fromisoformat(last)).days if last else None
        is_retired = badge is not None and badge.retired is not None and badge.retired <= today
        counts["review"] = not is_retired and (last is None or last < review_before)
        if counts["review"]:
            review.append(badge_id)
        if badge is not None and badge.retired is not None:
            retired.append(badge_id)
        for key in ("per_year", "per_month", "revocations", "awarders"):
            counts[key] = dict(sorted(counts[key].items()))
    kinds = {kind: _merge(c for c in per_badge.values() if c["kind"] == kind) for kind in KINDS}
    kinds = {kind: counts for kind, counts in kinds.items() if counts["badges"]}
    expiring.sort(key=lambda e: (e["expires"], e["badge"], e["award"]))
    return {"today": today.isoformat(), "badges": dict(sorted(per_badge.items())), "kinds": kinds,
            "total": _merge(per_badge.values()), "review": review, "retired": retired, "expiring": expiring,
            "review_after_days": REVIEW_AFTER_DAYS, "expiry_ahead_days": EXPIRY_AHEAD_DAYS, "note": UNTRACEABLE}


def _merge(parts: Iterable[dict]) -> dict:
    """The counts of several badges together."""
    total = {"badges": 0, "awards": 0, "active": 0, "expired": 0, "revoked": 0, "expiring_soon": 0,
             "per_year": {}, "per_month": {}, "revocations": {}, "awarders": {}, "last_award": None}
    for part in parts:
        total["badges"] += 1
        for key in ("awards", "active", "expired", "revoked", "expiring_soon"):
            total[key] += part[key]
        for key in ("per_year", "per_month", "revocations", "awarders"):
            for name, n in part[key].items():
                total[key][name] = total[key].get(name, 0) + n
        if part["last_award"] and (total["last_award"] is None or part["last_award"] > total["last_award"]):
            total["last_award"] = part["last_award"]
    for key in ("per_year", "per_month", "revocations", "awarders"):
        total[key] = dict(sorted(total[key].items()))
    return total


# -- what may be published ----------------------------------------------------------------

def public(figures: dict) -> dict:
    """The figures a public page may show: counts of awards only (no awarders, who are
    staff e-mails, and no award ids, as in the renewal list), and revocation reasons
    only when at least SMALL awards share one (the others are counted together)."""
    def keep(counts: dict) -> dict:
        return {key: counts[key] for key in ("awards", "active", "expired", "revoked", "per_year")}

    reasons = figures["total"]["revocations"]
    total = keep(figures["total"])
    total["revocations"] = {reason: n for reason, n in reasons.items() if n >= SMALL}
    return {"today": figures["today"], "badges": {b: keep(c) for b, c in figures["badges"].items()},
            "kinds": {k: keep(c) for k, c in figures["kinds"].items()}, "total": total,
            "other_reasons": sum(n for n in reasons.values() if n < SMALL)}
