"""The typed model of a site: what assemble() produces and every later stage reads.

Frozen dataclasses, no behaviour beyond small derived facts. Positions are kept
as `Where` so that any later stage can still point at the source line.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

KINDS = ("badge", "edubadge", "microcredential", "extracurricular")


@dataclass(frozen=True)
class Where:
    path: str
    line: int = 0
    col: int = 0


@dataclass(frozen=True)
class Issuer:
    name: str
    url: str
    email: str | None = None
    description: str | None = None
    image: str | None = None  # path relative to the site folder
    linkedin_organization_id: str | None = None
    color: str | None = None  # theme accent colour, "#rrggbb"
    country: str | None = None  # ISO 3166-1 alpha-2, upper case (EU micro-credential element)
    legal_identifier: str | None = None  # the organisation's registered identifier (EDC)


@dataclass(frozen=True)
class SizeLimit:
    """The most a build may publish (`size_limit`); bytes None: no limit (object storage)."""

    bytes: int | None = 1_000_000_000  # GitHub Pages refuses a larger site
    text: str = "1 GB"
    path: str = "badgesite.yaml"
    line: int = 0  # of `size_limit` in badgesite.yaml; 0 for the default


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    security: str = "starttls"  # starttls | ssl | none
    username: str | None = None  # the password comes from the environment, never the file


@dataclass(frozen=True)
class Mail:
    """The `mail:` section: how `badgesite notify` tells recipients."""

    sender: str  # "Name <address>" or an address: the From header
    smtp: Smtp
    per_minute: int | None = None  # at most this many messages a minute; None: no limit
    reply_to: str | None = None


@dataclass(frozen=True)
class Config:
    base_url: str  # always ends with "/"
    issuer: Issuer
    awarders: tuple[str, ...] = ()
    language: str = "en"
    languages: tuple[str, ...] = ("en",)
    recipients: str = "hashed"  # hashed | plain
    theme: str = "default"
    title: str | None = None
    bake_in_browser: bool = False
    stats: str = "private"  # private | public: an aggregate statistics page at stats/
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    # not in repr: build fingerprints read repr(config), and the limit changes no file
    size_limit: SizeLimit = field(default=SizeLimit(), repr=False, compare=False)
    # how recipients are told (badgesite notify); nothing a build makes depends on it
    mail: Mail | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Alignment:
    name: str
    url: str
    description: str | None = None
    framework: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class StudyLoad:
    hours: float | None = None
    ects: float | None = None


@dataclass(frozen=True)
class QualityAssurance:
    """EU micro-credential element: the type of quality assurance, and where it is described."""

    text: str
    url: str | None = None


@dataclass(frozen=True)
class Duration:
    """An ISO 8601 duration of whole days, weeks, months and years (P2Y, P1Y6M, P90D)."""

    text: str
    years: int = 0
    months: int = 0
    days: int = 0

    def after(self, start: dt.date) -> dt.date:
        month_index = start.month - 1 + self.months + 12 * self.years
        year, month = start.year + month_index // 12, month_index % 12 + 1
        last_day = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
        return dt.date(year, month, min(start.day, last_day)) + dt.timedelta(days=self.days)


@dataclass(frozen=True)
class BadgeText:
    """What a translation may change: the words, never the facts."""

    name: str
    description: str
    criteria: tuple[str, ...]
    body: str  # Markdown: the criteria narrative
    image_alt: str
    learning_outcomes: tuple[str, ...] = ()
    assessment: str | None = None
    source: Where = Where("")
    # for the design rules (designrules.py): where this file names its image (its `image:`
    # value, else its front matter) and whether it describes it (else image_alt is the
    # fallback "Badge: <name>"). Where, not what: left out of repr and so of fingerprints
    image_at: Where = field(default=Where(""), repr=False, compare=False)
    image_alt_given: bool = field(default=True, repr=False, compare=False)


@dataclass(frozen=True)
class Badge:
    id: str
    text: BadgeText  # in the site language
    translations: dict[str, BadgeText]  # other languages
    image: str  # path relative to the site folder
    image_type: str  # "png" | "svg"
    tags: tuple[str, ...] = ()
    kind: str = "badge"
    level: str | None = None
    requires: tuple[str, ...] = ()
    study_load: StudyLoad | None = None
    eqf: int | None = None
    nlqf: int | None = None
    alignment: tuple[Alignment, ...] = ()
    valid_for: Duration | None = None
    awarders: tuple[str, ...] = ()  # effective: the badge's own or the site default
    retired: dt.date | None = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    source: Where = Where("")
    # EU micro-credential elements (Council Recommendation 2022/C 243/02, Annex I)
    participation: str | None = None  # online | onsite | blended
    quality_assurance: QualityAssurance | None = None
    qf_ehea_cycle: int | None = None  # 1-3 (short cycle is not a cycle here)
    id_verification: str | None = None  # none | online-unsupervised | online-supervised | onsite-supervised

    @property
    def name(self) -> str:
        return self.text.name

    def in_language(self, language: str) -> BadgeText:
        return self.translations.get(language, self.text)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.translations))


@dataclass(frozen=True)
class Evidence:
    url: str | None = None
    name: str | None = None
    narrative: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Revocation:
    date: dt.date
    reason: str


@dataclass(frozen=True)
class Recipient:
    identity: str  # "sha256$<hex>"
    salt: str


@dataclass(frozen=True)
class Award:
    id: str
    badge: str
    recipient: Recipient
    issued: dt.date
    awarded_by: str
    name: str | None = None
    criteria_met: tuple[int, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    narrative: str | None = None
    expires: dt.date | None = None  # effective: the award's own or issued + badge.valid_for
    revoked: Revocation | None = None
    grade: str | None = None  # EU micro-credential element: the grade achieved, as text
    ledger: str = ""  # ledger file stem, e.g. "2026"
    position: int = 0  # 0-based position in its ledger file (stable: awards are never deleted)
    source: Where = Where("")

    def status(self, today: dt.date) -> str:
        if self.revoked:
            return "revoked"
        if self.expires and self.expires < today:
            return "expired"
        return "valid"


@dataclass(frozen=True)
class Site:
    root: str  # absolute path of the site folder
    config: Config
    badges: dict[str, Badge]  # by id, sorted
    awards: Mapping[str, Award]  # by id, in ledger order (in a build: made when asked, incremental/loading.LedgerAwards)

    def leads_to(self, badge_id: str) -> list[Badge]:
        return [b for b in self.badges.values() if badge_id in b.requires]


@dataclass
class Tally:
    """What the site-wide pages and lists say about all awards together (a build counts
    them from the ledger summaries, never holding every Award at once)."""

    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # badge id -> number of awards
    latest: dict[str, str] = field(default_factory=dict)  # badge id -> date of its newest award
    newest: str | None = None  # the newest award or revocation date: a feed's 'updated', never the clock
    revoked: list[tuple[str, str, str]] = field(default_factory=list)  # (award id, date, reason)
