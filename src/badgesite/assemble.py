"""Raw content -> the typed Site: ids, references, awarders, dates, duplicates.

`load_site(root)` reads everything and returns (Site or None, Diagnostics). It
reports every content problem in one run; a config problem stops it early,
because everything else depends on the config.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from . import microcredentials, recipients
from .config import load_config
from .errors import Diagnostics, did_you_mean
from .source import images
from .source.images import ImageError, ImageInfo
from .model import KINDS, Alignment, Award, Badge, BadgeText, Config, Duration, Evidence, QualityAssurance, Recipient, Revocation, Site, StudyLoad, Where
from .source.badges import BadgeFile, read_badges
from .source.fields import EMAIL, Fields, type_name
from .source.files import SourceError, relpath, resolve_inside
from .source.leaks import site_key_problems
from .source.ledger import LedgerEntry, read_ledger
from .source.yaml.positions import PosDict

AWARD_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")

TEXT_KEYS = ("name", "description", "criteria", "image_alt", "learning_outcomes", "assessment")
BADGE_KEYS = TEXT_KEYS + ("image", "tags", "kind", "level", "requires", "study_load", "eqf", "nlqf",
                          "alignment", "valid_for", "awarders", "retired", "extra",
                          "participation", "quality_assurance", "qf_ehea_cycle", "id_verification")
AWARD_KEYS = ("id", "badge", "recipient", "name", "issued", "awarded_by", "criteria_met", "evidence",
              "narrative", "expires", "revoked", "grade")


def load_site(root: Path) -> tuple[Site | None, Diagnostics]:
    root = root.resolve()
    diagnostics = Diagnostics()
    loaded = load_badges(root, diagnostics)
    if loaded is None:
        return None, diagnostics
    config, badges, broken = loaded
    awards = validate_awards(config, badges, broken, read_ledger(root, diagnostics), diagnostics)
    if diagnostics:
        return None, diagnostics
    return Site(str(root), config, badges, awards), diagnostics


Inspect = Callable[[bytes, str], ImageInfo]  # an image's bytes and file name -> its type and size


def load_badges(root: Path, diagnostics: Diagnostics, inspect: Inspect = images.inspect
                ) -> tuple[Config, dict[str, Badge], set[str]] | None:
    """Everything but the awards: (config, badges sorted by id, ids of broken badges), or
    None when the config itself is broken. Problems go to `diagnostics`. `inspect`
    checks an image (source/images.inspect, or one that gives the same answers)."""
    config = load_config(root, diagnostics)
    if config is None:
        return None
    if config.issuer.image:
        _check_image(root, root, config.issuer.image, ("badgesite.yaml", 0, 0), diagnostics, inspect)
    diagnostics.extend(site_key_problems(root).items)  # a private key in the site would be committed or published
    files, ids, unreadable = read_badges(root, config.languages, diagnostics)
    badges = _badges(root, config, files, diagnostics, inspect,
                     {stem for stem, language in unreadable if language in (None, config.language)})
    broken = ids - set(badges)  # already reported; awards of them are not
    return config, dict(sorted(badges.items())), broken


# -- badges -------------------------------------------------------------------

def _check_image(root: Path, base: Path, reference: str, where, diagnostics: Diagnostics,
                 inspect: Inspect) -> str | None:
    """The image's type ("png"/"svg") after checking it is safe to publish, else None."""
    path_text, line, col = where
    try:
        path = resolve_inside(root, base, reference, where)
        info = inspect(path.read_bytes(), path.name)
    except SourceError as exc:
        diagnostics.extend([exc.diagnostic])
        return None
    except ImageError as exc:
        diagnostics.error(path_text, line, col, f"image '{reference}': {exc}")
        return None
    return info.type


def _duration(f: Fields, key: str) -> Duration | None:
    text = f.text(key)
    if text is None:
        return None
    match = DURATION.match(text.upper())
    if not match or not any(match.groups()):
        f.error(key, f"'{key}' must be an ISO 8601 duration such as P2Y, P18M or P90D, not {text!r}")
        return None
    years, months, weeks, days = (int(g or 0) for g in match.groups())
    if years > 100:
        f.error(key, f"'{key}' is longer than 100 years")
        return None
    return Duration(text.upper(), years, months, weeks * 7 + days)


def _quality_assurance(f: Fields) -> QualityAssurance | None:
    """`quality_assurance: text`, or `{text: ..., url: ...}` when it is described on a page."""
    value = f.map.get("quality_assurance")
    if isinstance(value, dict):
        fq = f.sub("quality_assurance")
        fq.known(("text", "url"))
        text, url = fq.text("text", required=True, max_len=2000), fq.url("url")
        f.ok = f.ok and fq.ok
        return QualityAssurance(text, url) if text and fq.ok else None
    if isinstance(value, (list, bool)):
        f.error("quality_assurance",
                f"'quality_assurance' must be a text or {{text: ..., url: ...}}, not {type_name(value)}")
        return None
    text = f.text("quality_assurance", max_len=2000)
    return QualityAssurance(text) if text else None


def _text(f: Fields, file: BadgeFile, name_fallback: str | None = None) -> BadgeText | None:
    name = f.text("name", required=True, max_len=200)
    description = f.text("description", required=True, max_len=2000)
    criteria = f.text_list("criteria", required=True)
    if not name or not description or not criteria:
        return None
    alt = f.text("image_alt", max_len=500)
    return BadgeText(name=name, description=description, criteria=criteria, body=file.body,
                     image_alt=alt or f"Badge: {name}",
                     learning_outcomes=f.text_list("learning_outcomes"), assessment=f.text("assessment"),
                     source=Where(file.path, file.meta.pos[0], 1),
                     image_at=Where(file.path, *f.where("image")), image_alt_given=bool(alt))


def _badges(root: Path, config: Config, files: list[BadgeFile], diagnostics: Diagnostics,
            inspect: Inspect = images.inspect, unreadable: set[str] = frozenset()) -> dict[str, Badge]:
    """The badges that are valid. `unreadable`: ids of badges whose file could not be
    parsed (already reported): they exist, so 'requires' and translations of them are
    not reported again."""
    by_id: dict[str, BadgeFile] = {}
    for file in files:
        if file.language in (None, config.language):
            if file.id in by_id:
                diagnostics.error(file.path, 0, 0, f"badge '{file.id}' is defined twice (also in {by_id[file.id].path})",
                                  f"files without a language suffix are in the site language '{config.language}'")
            by_id[file.id] = file
    badges: dict[str, Badge] = {}
    pending_requires: dict[str, tuple[Fields, list]] = {}
    for badge_id, file in sorted(by_id.items()):
        f = Fields(file.meta, file.path, diagnostics)
        f.known(BADGE_KEYS)
        text = _text(f, file)
        image, image_type = f.text("image", required=True), None
        if image:
            base = (root / file.path).parent
            image_type = _check_image(root, base, image, (file.path, *f.where("image")), diagnostics, inspect)
            image = relpath(root, (base / image).resolve()) if image_type else None
        kind = f.choice("kind", KINDS, "badge")
        study_load = None
        fs = f.sub("study_load")
        if fs is not None:
            fs.known(("hours", "ects"))
            hours, ects = fs.number("hours", 0.1, 100_000), fs.number("ects", 0.1, 600)
            if hours is None and ects is None and fs.ok:
                f.error("study_load", "'study_load' needs 'hours' or 'ects', e.g. {ects: 2.5}")
            study_load = StudyLoad(hours, ects) if (hours or ects) else None
        alignments = []
        for item, pos in f.items("alignment"):
            if not isinstance(item, PosDict):
                f.error("alignment", "each alignment must be a mapping such as {name: ..., url: ...}", pos=pos)
                continue
            fa = Fields(item, file.path, diagnostics)
            fa.known(("name", "url", "description", "framework", "code"))
            name, url = fa.text("name", required=True), fa.url("url", required=True)
            if name and url:
                alignments.append(Alignment(name, url, fa.text("description"), fa.text("framework"), fa.text("code")))
        awarders = f.email_list("awarders")
        requires = []
        for item, pos in f.items("requires", allow_single=True):
            requires.append((item, pos))
        pending_requires[badge_id] = (f, requires)
        extra = f.mapping("extra") or {}
        fields_ok = f.ok
        badge_values = dict(
            tags=f.text_list("tags"), level=f.text("level", max_len=100),
            eqf=f.number("eqf", 1, 8, integer=True), nlqf=f.number("nlqf", 1, 8, integer=True),
            valid_for=_duration(f, "valid_for"), retired=f.date("retired"),
            participation=f.choice("participation", microcredentials.PARTICIPATION),
            quality_assurance=_quality_assurance(f),
            qf_ehea_cycle=f.number("qf_ehea_cycle", 1, 3, integer=True),
            id_verification=f.choice("id_verification", microcredentials.ID_VERIFICATION))
        if text is None or not image_type or not f.ok or not fields_ok:
            continue
        badges[badge_id] = Badge(
            id=badge_id, text=text, translations={}, image=image, image_type=image_type, kind=kind,
            requires=(), study_load=study_load, alignment=tuple(alignments),
            awarders=tuple(awarders) or config.awarders, extra=dict(extra),
            source=Where(file.path, 1, 1), **badge_values)
        for element, hint in microcredentials.missing_elements(badges[badge_id], config):
            f.error("kind", f"a microcredential must state the '{element}' ({microcredentials.RECOMMENDATION})", hint)

    known_ids = set(by_id) | unreadable
    for badge_id, (f, requires) in pending_requires.items():
        names = []
        for item, pos in requires:
            if not isinstance(item, str) or item not in known_ids:
                f.error("requires", f"'requires' names no badge {item!r}", did_you_mean(str(item), known_ids), pos=pos)
            elif item == badge_id:
                f.error("requires", "a badge cannot require itself", pos=pos)
            else:
                names.append(item)
        if badge_id in badges:
            badges[badge_id] = _replace(badges[badge_id], requires=tuple(names))
    _check_cycles(badges, pending_requires, diagnostics)

    for file in files:  # translations
        if file.language in (None, config.language):
            continue
        if file.id not in by_id:
            if file.id not in unreadable:
                diagnostics.error(file.path, 0, 0, f"translation of a badge that does not exist: no content/badges/{file.id}.md")
            continue
        f = Fields(file.meta, file.path, diagnostics)
        f.known(BADGE_KEYS)
        text = _text(f, file)
        badge = badges.get(file.id)
        if badge is None or text is None:
            continue
        base_meta = by_id[file.id].meta
        for key in file.meta:
            if key not in TEXT_KEYS and key in BADGE_KEYS and file.meta[key] != base_meta.get(key):
                f.warning(key, f"'{key}' differs from {by_id[file.id].path}; a translation only changes the words, so it is ignored")
        badge.translations[file.language] = text
    return badges


def _replace(badge: Badge, **changes) -> Badge:
    from dataclasses import replace
    return replace(badge, **changes)


def _check_cycles(badges: dict[str, Badge], pending, diagnostics: Diagnostics) -> None:
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in badges[node].requires if node in badges else ():
            if state.get(nxt) == 1:
                cycle = trail[trail.index(nxt):] + [nxt] if nxt in trail else [node, nxt]
                f = pending[node][0]
                f.error("requires", "'requires' forms a cycle: " + " -> ".join(cycle))
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for badge_id in sorted(badges):
        if badge_id not in state:
            visit(badge_id, [badge_id])


# -- awards -------------------------------------------------------------------

def validate_awards(config: Config, badges: dict[str, Badge], broken: set[str], entries: list[LedgerEntry], diagnostics: Diagnostics) -> dict[str, Award]:
    awards: dict[str, Award] = {}
    first_seen: dict[str, str] = {}
    for entry in entries:
        if not isinstance(entry.data, PosDict):
            diagnostics.error(entry.path, entry.line, entry.col, "each award must be a mapping starting with 'id:'")
            continue
        f = Fields(entry.data, entry.path, diagnostics)
        award_id = f.text("id", required=True, max_len=1000)
        if award_id is not None:
            if not AWARD_ID.match(award_id):
                f.error("id", f"award id {award_id[:80]!r} must be 1 to 64 letters, digits, '-' or '_'")
                award_id = None
            elif award_id in first_seen:
                f.error("id", f"duplicate award id '{award_id}' (first used at {first_seen[award_id]})")
                award_id = None
            else:
                line, _ = f.where("id")
                first_seen[award_id] = f"{entry.path}:{line}"
        f.context = f"award '{award_id}': " if award_id else ""
        award = validate_award(f, award_id, entry, config, badges, broken)
        if award is not None:
            awards[award.id] = award
    return awards


def validate_award(f: Fields, award_id: str | None, entry: LedgerEntry, config: Config, badges: dict[str, Badge],
                   broken: set[str]) -> Award | None:
    """One ledger entry as an Award (None when it has a problem, reported through `f`).
    The ledger cache (incremental/ledgers.py) validates changed entries with it, one by one."""
    f.known(AWARD_KEYS)
    badge_id = f.text("badge", required=True)
    badge = badges.get(badge_id) if badge_id else None
    if badge_id in broken:
        f.ok = False
    elif badge_id and badge is None:
        f.error("badge", f"no badge '{badge_id}'", did_you_mean(badge_id, badges))
    issued = f.date("issued", required=True)
    expires = f.date("expires")
    awarded_by = f.email("awarded_by", required=True)

    recipient = None
    raw = f.map.get("recipient")
    if raw is None:
        f.error(None, "missing required field 'recipient'")
    elif isinstance(raw, str):
        if config.recipients == "hashed":
            f.error("recipient", "the ledger holds a plain e-mail address, but badgesite.yaml says 'recipients: hashed'",
                    "use 'badgesite award' to store it as a salted hash, or set 'recipients: plain' in a private repository")
        elif not EMAIL.match(raw.strip()):
            f.error("recipient", "'recipient' is not a valid e-mail address")
        elif award_id:
            salt = recipients.stable_salt(award_id)
            recipient = Recipient(recipients.hash_email(raw, salt), salt)
    elif isinstance(raw, dict):
        fr = f.sub("recipient")
        fr.known(("identity", "salt"))
        hashed, salt = fr.text("identity", required=True), fr.text("salt", required=True, max_len=128)
        if hashed and not recipients.IDENTITY.match(hashed):
            fr.error("identity", "'identity' must be 'sha256$' followed by 64 lower-case hex digits")
        elif salt and not recipients.SALT.match(salt):
            fr.error("salt", "'salt' must be letters, digits, '.', '-' or '_'")
        elif hashed and salt:
            recipient = Recipient(hashed, salt)
        f.ok = f.ok and fr.ok
    else:
        f.error("recipient", "'recipient' must be an e-mail address or {identity: 'sha256$…', salt: …}")

    criteria_met = []
    for item, pos in f.items("criteria_met", allow_single=True):
        if isinstance(item, bool) or not isinstance(item, int):
            f.error("criteria_met", f"'criteria_met' lists criteria by number (1, 2, …), not {item!r}", pos=pos)
        elif badge and not 1 <= item <= len(badge.text.criteria):
            f.error("criteria_met", f"badge '{badge.id}' has {len(badge.text.criteria)} criteria; there is no criterion {item}", pos=pos)
        else:
            criteria_met.append(item)

    evidence = []
    for item, pos in f.items("evidence", allow_single=False):
        if not isinstance(item, PosDict):
            f.error("evidence", "each evidence item must be a mapping with url, name, narrative", pos=pos)
            continue
        fe = Fields(item, f.path, f.diag, f.context)
        fe.known(("url", "name", "narrative", "description"))
        ev = Evidence(fe.url("url"), fe.text("name", max_len=500), fe.text("narrative"), fe.text("description"))
        if not ev.url and not ev.narrative:
            fe.error(None, "evidence needs a 'url' or a 'narrative'")
        f.ok = f.ok and fe.ok
        evidence.append(ev)

    revoked = None
    fv = f.sub("revoked")
    if "revoked" in f.map and f.map["revoked"] is not None and fv is None:
        pass  # wrong type already reported
    elif fv is not None:
        fv.known(("date", "reason"))
        date, reason = fv.date("date", required=True), fv.text("reason", required=True, max_len=2000)
        if date and reason:
            revoked = Revocation(date, reason)
            if issued and date < issued:
                fv.error("date", f"revoked on {date} before it was issued on {issued}")
        f.ok = f.ok and fv.ok

    name = f.text("name", max_len=200)
    narrative = f.text("narrative")
    grade = f.text("grade", max_len=200)
    if issued and expires and expires < issued:
        f.error("expires", f"expires on {expires}, before it was issued on {issued}")
    if badge and issued and badge.retired and issued > badge.retired:
        f.error("issued", f"badge '{badge.id}' was retired on {badge.retired}; no awards after that date")
    if badge and awarded_by and badge.awarders and awarded_by not in badge.awarders:
        f.error("awarded_by", f"'{awarded_by}' may not award '{badge.id}'",
                "awarders are " + ", ".join(badge.awarders))
    if not f.ok or award_id is None or badge is None or issued is None or recipient is None or awarded_by is None:
        return None
    if expires is None and badge.valid_for:
        expires = badge.valid_for.after(issued)
    line, col = entry.line, entry.col
    return Award(id=award_id, badge=badge.id, recipient=recipient, issued=issued, awarded_by=awarded_by,
                 name=name, criteria_met=tuple(criteria_met), evidence=tuple(evidence), narrative=narrative,
                 expires=expires, revoked=revoked, grade=grade, ledger=entry.ledger, position=entry.position,
                 source=Where(entry.path, line, col))
