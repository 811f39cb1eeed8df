"""The outbox: messages waiting to be sent, kept OUTSIDE the site repository.

A queued message holds the recipient's e-mail address, which the ledger never keeps.
So the outbox lives in the user's data folder (`$XDG_DATA_HOME/badgesite/outbox/<site>`,
by default `~/.local/share/badgesite/outbox/<site>`), or where `BADGESITE_OUTBOX`
says, and never inside the site's repository. Its folders are readable by their owner
alone (0700) and so are its files (0600).

    queue/<award-id>.<kind>.json   one message to send: award id, kind, address, name, language
    sent/<award-id>.<kind>.json    the sent log: award id, kind, time, Message-ID (no address)

Nothing lost, nothing twice: a queued file is written whole under another name and
renamed into queue/ (fsynced first); a message is marked sent, as soon as the server
has accepted it, by renaming its sent record into sent/ (atomic) and only then removing
the queued file, which held the address. A queued file whose sent record exists was
sent: it is removed, never sent again.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..source.files import replace_file

OUTBOX_ENV = "BADGESITE_OUTBOX"
KINDS = ("award", "revocation")
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
FORMAT = 1


class OutboxError(Exception):
    """The outbox cannot be used (where it is, or what it holds); the message says why."""


@dataclass(frozen=True)
class Notice:
    """One message to send: who is told what. The words are made when it is sent."""

    kind: str  # "award" | "revocation"
    award: str  # the award id
    to: str  # the recipient's e-mail address
    name: str | None  # the recipient's name, when the award has one
    language: str  # the message's language
    queued: str  # when it was queued (ISO 8601, UTC)

    @property
    def key(self) -> str:
        return f"{self.award}.{self.kind}"


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def site_id(base_url: str) -> str:
    """A folder name for a site: its address made readable, and a short hash of it, so
    two clones of one site share an outbox and two sites never do."""
    parts = urlsplit(base_url)
    readable = re.sub(r"[^A-Za-z0-9]+", "-", parts.netloc + parts.path).strip("-")[:60] or "site"
    return f"{readable}-{hashlib.sha256(base_url.encode('utf-8')).hexdigest()[:8]}"


def repository(root: Path) -> Path:
    """The git work tree that holds the site folder (the folder itself outside git)."""
    root = Path(root).resolve()
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            return folder
    return root


def locate(root: Path, base_url: str, environ=None) -> Path:
    """The site's outbox folder; OutboxError when it would be inside the repository."""
    environ = os.environ if environ is None else environ
    given = environ.get(OUTBOX_ENV, "").strip()
    if given:
        folder = Path(given).expanduser()
    else:
        data = environ.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local" / "share")
        folder = Path(data).expanduser() / "badgesite" / "outbox" / site_id(base_url)
    folder = folder.resolve()
    repo = repository(root)
    if folder.is_relative_to(repo):
        raise OutboxError(f"the outbox {folder} is inside the site's repository ({repo}); it holds e-mail "
                          f"addresses, which must stay out of git: set {OUTBOX_ENV} to a folder outside it")
    return folder


class Outbox:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.queue_dir = self.folder / "queue"
        self.sent_dir = self.folder / "sent"

    # -- folders ---------------------------------------------------------------
    def _make(self) -> None:
        """Create the folders, readable by their owner alone (also those made for them)."""
        missing = [p for p in (self.folder, *self.folder.parents) if not p.exists()]
        try:
            for folder in reversed(missing):
                folder.mkdir(mode=0o700)
                os.chmod(folder, 0o700)
            for folder in (self.folder, self.queue_dir, self.sent_dir):
                folder.mkdir(mode=0o700, exist_ok=True)
                os.chmod(folder, 0o700)
        except OSError as exc:
            raise OutboxError(f"cannot make the outbox {self.folder}: {exc.strerror}") from None

    def _write(self, folder: Path, name: str, data: dict, sync: bool) -> None:
        """Write `name` in `folder` whole or not at all, readable by its owner alone."""
        replace_file(folder / name, json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n", sync, mode=0o600)

    @contextlib.contextmanager
    def sending(self):
        """Held while a run sends: a second `notify` at the same time stops with an
        OutboxError instead of sending the same messages again."""
        import fcntl

        self._make()
        with open(self.folder / "lock", "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise OutboxError(f"another 'badgesite notify' is sending from {self.folder}; "
                                  "wait for it to finish") from None
            try:
                yield self
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- queueing --------------------------------------------------------------
    def put(self, notices: list[Notice]) -> None:
        """Queue messages (a message already queued or sent for the same award and kind is
        left as it is)."""
        self._make()
        for notice in notices:
            if notice.kind not in KINDS or not SAFE_ID.match(notice.award):
                raise OutboxError(f"cannot queue a {notice.kind!r} message for award {notice.award!r}")
            name = notice.key + ".json"
            if (self.queue_dir / name).exists() or (self.sent_dir / name).exists():
                continue
            try:
                self._write(self.queue_dir, name, {"format": FORMAT, **asdict(notice)}, sync=True)
            except OSError as exc:
                raise OutboxError(f"cannot write to the outbox {self.folder}: {exc.strerror}") from None

    def pending(self) -> list[Notice]:
        """The queued messages not yet sent, oldest first. A queued file whose sent record
        exists (the run that sent it stopped before removing it) is removed now."""
        if not self.queue_dir.is_dir():
            return []
        self._make()  # and make sure it is still private
        found = []
        for path in sorted(self.queue_dir.glob("*.json")):
            if (self.sent_dir / path.name).exists():
                path.unlink(missing_ok=True)
                continue
            try:
                data = json.loads(path.read_text("utf-8"))
                notice = Notice(**{k: data[k] for k in ("kind", "award", "to", "name", "language", "queued")})
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise OutboxError(f"{path}: not a queued message ({exc}); move it out of the outbox") from None
            found.append(notice)
        return sorted(found, key=lambda n: (n.queued, n.key))

    # -- the sent log ----------------------------------------------------------
    def mark_sent(self, notice: Notice, message_id: str, when: str | None = None) -> None:
        """Record that the server accepted the message, then forget its address."""
        record = {"award": notice.award, "kind": notice.kind, "sent": when or now(), "message_id": message_id}
        self._record(notice, record)

    def mark_dropped(self, notice: Notice, why: str, when: str | None = None) -> None:
        """Record that a message will never be sent (e.g. its award was revoked first)."""
        self._record(notice, {"award": notice.award, "kind": notice.kind, "dropped": when or now(), "why": why})

    def _record(self, notice: Notice, record: dict) -> None:
        name = notice.key + ".json"
        self._write(self.sent_dir, name, record, sync=False)
        (self.queue_dir / name).unlink(missing_ok=True)

    def sent(self) -> list[dict]:
        if not self.sent_dir.is_dir():
            return []
        return [json.loads(p.read_text("utf-8")) for p in sorted(self.sent_dir.glob("*.json"))]
