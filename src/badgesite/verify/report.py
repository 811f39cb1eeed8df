"""A verification's results as data: a Report of Checks, each with a name, an Outcome
(passed, failed, not checked) and a detail in plain words; and the checks that OB 2.0
and OB 3.0 share (recipient, dates). Decisions read the outcome, never the words.
Nothing here prints.
"""
from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field

from ..recipients import normalise
from .fetch import Fetch, FetchError


class Outcome(enum.Enum):
    """What one check found. NOT_CHECKED is informational: it does not make a report invalid."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_CHECKED = "not checked"

    @classmethod
    def of(cls, passed: bool) -> Outcome:
        return cls.PASSED if passed else cls.FAILED


@dataclass
class Check:
    name: str
    outcome: Outcome
    detail: str


@dataclass
class Report:
    subject: str  # what was verified, in plain words
    checks: list[Check] = field(default_factory=list)

    def add(self, name: str, outcome: Outcome, detail: str) -> None:
        self.checks.append(Check(name, outcome, detail))

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if c.outcome is Outcome.FAILED]

    @property
    def valid(self) -> bool:
        return bool(self.checks) and not self.failed


class Fail(Exception):
    """A check that cannot go on; its message is the plain-words detail."""


def read_json(data: bytes, what: str) -> dict:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Fail(f"{what} is not JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise Fail(f"{what} is not a JSON object")
    return doc


def get_json(url, fetch: Fetch, what: str) -> dict:
    if not isinstance(url, str):
        raise Fail(f"the {what} is not given as a URL")
    try:
        return read_json(fetch(url), f"the {what} at {url}")
    except FetchError as exc:
        raise Fail(f"cannot read the {what}: {exc}") from None


def types_of(doc: dict) -> list:
    value = doc.get("type", doc.get("@type"))
    return value if isinstance(value, list) else [value]


def parse_time(value) -> dt.datetime | None:
    """An ISO 8601 date or date-time (a date is midnight UTC); None when unreadable."""
    if not isinstance(value, str):
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return dt.datetime.fromisoformat(value).replace(tzinfo=dt.timezone.utc)
        parsed = dt.datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def day(moment: dt.datetime) -> str:
    text = moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return text.removesuffix(" 00:00 UTC")


def identity_matches(email: str, identity: str, salt: str | None, hashed: bool) -> bool:
    """OB IdentityObject / IdentityHash: sha256$ or md5$ of the e-mail (+ salt), or plain."""
    if not hashed:
        return normalise(email) == normalise(identity or "")
    algorithm, _, digest = (identity or "").partition("$")
    if algorithm.lower() not in ("sha256", "md5"):
        return False
    computed = hashlib.new(algorithm.lower(), (normalise(email) + (salt or "")).encode("utf-8")).hexdigest()
    return hmac.compare_digest(computed, digest.lower())


def check_recipient(email: str | None, identities: list[tuple], report: Report) -> None:
    if email is None:
        report.add("recipient", Outcome.NOT_CHECKED, "not checked (give --recipient EMAIL to check who received it)")
        return
    usable = [i for i in identities if isinstance(i[0], str)]
    if not usable:
        report.add("recipient", Outcome.FAILED, "the award names no e-mail identity to check")
        return
    ok = any(identity_matches(email, identity, salt, hashed is True) for identity, salt, hashed in usable)
    report.add("recipient", Outcome.of(ok), f"awarded to {email}" if ok else f"NOT awarded to {email}")


def check_dates(start: dt.datetime | None, end: dt.datetime | None, has_end: bool, now: dt.datetime,
           report: Report, start_name: str = "issued") -> None:
    if start is None:
        report.add("dates", Outcome.FAILED, f"the {start_name} date is missing or unreadable")
    elif has_end and end is None:
        report.add("dates", Outcome.FAILED, "the expiry date is unreadable")
    elif start > now:
        report.add("dates", Outcome.FAILED, f"not valid yet: {start_name} {day(start)}")
    elif end is not None and end <= now:
        report.add("dates", Outcome.FAILED, f"EXPIRED on {day(end)} ({start_name} {day(start)})")
    else:
        report.add("dates", Outcome.PASSED, f"{start_name} {day(start)}, "
                   + (f"valid until {day(end)}" if end else "does not expire"))
