"""`check --base REF`: review what a pull request changes in the ledger and the badges.

Published awards are promises: they may be revoked, never deleted, renamed,
moved or rewritten. New awards are checked against the awarders of the BASE,
so a pull request cannot make someone an awarder and award in one go.
"""
from __future__ import annotations

import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from .assemble import load_site
from .errors import Diagnostic, UsageError
from .model import Award, Site


@dataclass
class Change:
    added: list[Award]
    revoked: list[Award]
    badges_added: list[str]
    badges_changed: list[str]
    badges_retired: list[str]


def _git(root: Path, *args: str, binary: bool = False):
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise UsageError("git is not installed; --base needs it") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"git {' '.join(args[:2])}: {message[-1] if message else 'failed'}")
    return result.stdout if binary else result.stdout.decode("utf-8").strip()


def base_tree(root: Path, ref: str, into: Path) -> None:
    """Write the site as it was at `ref` into `into` (config, content, themes)."""
    _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    prefix = _git(root, "rev-parse", "--show-prefix")
    paths = [f"{prefix}{p}" for p in ("badgesite.yaml", "content", "themes")]
    listed = _git(root, "ls-tree", "--name-only", ref, "--", *paths).splitlines()
    if not listed:
        return
    archive = _git(root, "archive", "--format=tar", ref, "--", *listed, binary=True)
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        for member in tar.getmembers():
            if not (member.isfile() or member.isdir()):
                continue  # links in content are refused anyway
            name = member.name[len(prefix):] if prefix and member.name.startswith(prefix) else member.name
            if name.startswith("/") or ".." in Path(name).parts:
                continue
            target = into / name
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(tar.extractfile(member).read())


def review(root: Path, head: Site, ref: str) -> tuple[str, list[Diagnostic]]:
    with tempfile.TemporaryDirectory(prefix="badgesite-base-") as tmp:
        base_tree(root, ref, Path(tmp))
        if not (Path(tmp) / "badgesite.yaml").exists():
            base = None
        else:
            base, _ = load_site(Path(tmp))
    if base is None:
        summary = f"## badgesite review\n\nThe base `{ref}` has no valid site to compare with; only the checks above apply.\n"
        return summary, []
    problems, change = compare(base, head)
    return summarise(change, head, ref), problems


def _error(where, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(where.path, where.line, where.col, message, hint=hint)


def compare(base: Site, head: Site) -> tuple[list[Diagnostic], Change]:
    problems: list[Diagnostic] = []
    change = Change([], [], [], [], [])
    fresh = [a for a in head.awards.values() if a.id not in base.awards]
    # A renamed award keeps its recipient (hashed) or at least its place in the ledger.
    by_identity = {(a.recipient.identity, a.badge, a.issued): a for a in fresh}
    by_place = {(a.ledger, a.position, a.badge, a.issued): a for a in fresh}

    for old in base.awards.values():
        new = head.awards.get(old.id)
        if new is None:
            renamed = (by_identity.get((old.recipient.identity, old.badge, old.issued))
                       or by_place.get((old.ledger, old.position, old.badge, old.issued)))
            if renamed:
                problems.append(_error(renamed.source, f"award '{old.id}' was renamed to '{renamed.id}'; award ids are permanent",
                                       "keep the old id"))
            else:
                problems.append(_error(old.source, f"award '{old.id}' ({old.badge}, {old.issued}) was deleted; "
                                       "published awards are never deleted",
                                       f"restore it and revoke it: badgesite revoke {old.id} --reason '…'"))
            continue
        for field, label in (("recipient", "recipient"), ("badge", "badge"), ("issued", "issue date")):
            if getattr(old, field) != getattr(new, field):
                problems.append(_error(new.source, f"award '{old.id}': its {label} changed after it was published",
                                       "revoke it and award it again"))
        if (old.ledger, old.position) != (new.ledger, new.position):
            problems.append(_error(new.source, f"award '{old.id}' moved from {old.source.path} position {old.position + 1}; "
                                   "published awards keep their place (it is their status list index)",
                                   "move it back and add new awards at the end of a ledger file"))
        if old.revoked and not new.revoked:
            problems.append(_error(new.source, f"award '{old.id}': its revocation was removed; a revocation is final"))
        elif new.revoked and not old.revoked:
            change.revoked.append(new)

    for new in head.awards.values():
        if new.id in base.awards:
            continue
        change.added.append(new)
        badge = base.badges.get(new.badge)
        allowed = badge.awarders if badge else base.config.awarders
        if allowed and new.awarded_by not in allowed:
            problems.append(_error(new.source, f"award '{new.id}': '{new.awarded_by}' may not award '{new.badge}' "
                                   f"on the base branch", "awarders must be added in a separate, reviewed change"))

    for badge_id, old in base.badges.items():
        badge = head.badges.get(badge_id)
        if badge is None:
            problems.append(_error(old.source, f"badge '{badge_id}' was removed or renamed; badge ids are permanent",
                                   "restore it and set 'retired: DATE' instead"))
        elif badge.retired and not old.retired:
            change.badges_retired.append(badge_id)
        elif badge != old:
            change.badges_changed.append(badge_id)
    change.badges_added = [b for b in head.badges if b not in base.badges]
    return problems, change


def summarise(change: Change, head: Site, ref: str) -> str:
    def name(badge_id: str) -> str:
        badge = head.badges.get(badge_id)
        return f"{badge.name} (`{badge_id}`)" if badge else f"`{badge_id}`"

    lines = [f"## badgesite review against `{ref}`", ""]
    lines.append(f"**{len(change.added)}** awards added, **{len(change.revoked)}** revoked, "
                 f"**{len(change.badges_added)}** badges added, **{len(change.badges_changed)}** changed, "
                 f"**{len(change.badges_retired)}** retired.")
    if change.added:
        lines += ["", "### Awards added", "", "| award | badge | issued | awarded by |", "|---|---|---|---|"]
        lines += [f"| `{a.id}` | {name(a.badge)} | {a.issued} | {a.awarded_by} |" for a in change.added]
    if change.revoked:
        lines += ["", "### Awards revoked", "", "| award | badge | revoked on | reason |", "|---|---|---|---|"]
        lines += [f"| `{a.id}` | {name(a.badge)} | {a.revoked.date} | {_cell(a.revoked.reason)} |" for a in change.revoked]
    for title, ids in (("Badges added", change.badges_added), ("Badges changed", change.badges_changed),
                       ("Badges retired", change.badges_retired)):
        if ids:
            lines += ["", f"### {title}", ""] + [f"- {name(b)}" for b in ids]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
