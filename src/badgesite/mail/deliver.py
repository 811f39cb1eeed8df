"""`badgesite notify`'s work: sort the queue, ask which award pages are live, make the
messages and send them (or write them as .eml files); the result as data.

A queued message is sent when its award is in the ledger and its page answers 200 (or
without asking, when told); it waits when the page is not published yet or the award
is not in this copy of the ledger; an award message is dropped, never sent, when the
award was revoked first.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..source.files import replace_file
from ..urls import Urls
from . import send
from .compose import ComposeError, Composer  # noqa: F401 (ComposeError: for callers)
from .outbox import Notice, Outbox, OutboxError
from .send import PASSWORD_ENV  # noqa: F401 (for callers)

EML_SUFFIX = ".eml"


@dataclass
class Delivery:
    pending: int = 0  # queued when the run started
    sent: int = 0
    written: int = 0  # .eml files, with dry_run
    dropped: int = 0  # award messages whose award was revoked first
    waiting: list[Notice] = field(default_factory=list)  # the award page does not answer 200 yet
    unknown: list[Notice] = field(default_factory=list)  # the award is not in this copy of the ledger
    refused: list[tuple[Notice, str]] = field(default_factory=list)  # and the server's answer; still queued
    error: str | None = None  # why sending stopped early
    unsent: int = 0  # ready, but still queued when sending stopped


def deliver(site, outbox: Outbox, *, live_check: bool = True, dry_run: Path | None = None,
            password: str | None = None, progress: Callable[[int], None] | None = None) -> Delivery:
    """Send what is ready; ComposeError (nothing sent) when a message cannot be made,
    OutboxError when a sent message cannot be marked sent (sending stops there)."""
    pending = outbox.pending()
    result = Delivery(pending=len(pending))
    ready = []
    for notice in pending:
        award = site.awards.get(notice.award)
        if award is None:
            result.unknown.append(notice)
        elif notice.kind == "award" and award.revoked:
            outbox.mark_dropped(notice, "the award was revoked before the message was sent")
            result.dropped += 1
        else:
            ready.append(notice)
    if ready and live_check:
        urls = Urls(site.config.base_url, site.config.language)
        pages = {n.key: urls.page_url(urls.award_page(n.award)) for n in ready}
        answers = send.live(list(pages.values()))
        result.waiting = [n for n in ready if not answers[pages[n.key]]]
        ready = [n for n in ready if answers[pages[n.key]]]
    if not ready:
        return result
    composer = Composer(site)
    messages = [(notice, composer.message(notice)) for notice in ready]  # all made before any is sent
    if dry_run is not None:
        result.written = write_eml(dry_run, messages)
        return result

    def on_sent(notice: Notice, message) -> None:
        try:
            outbox.mark_sent(notice, message["Message-ID"])
        except OSError as exc:  # sent, but not marked: stop before sending more
            raise OutboxError(f"award {notice.award}: the message was sent but cannot be marked sent in "
                              f"{outbox.folder} ({exc.strerror}); remove queue/{notice.key}.json from it "
                              "by hand, or the next run sends it again") from None

    mail = site.config.mail
    batch = send.send_batch(mail.smtp, password, messages, on_sent, per_minute=mail.per_minute, progress=progress)
    result.sent, result.refused, result.error = batch.sent, batch.refused, batch.error
    result.unsent = len(messages) - batch.sent - len(batch.refused) if batch.error else 0
    return result


def write_eml(folder: Path, messages) -> int:
    """Each message as an .eml file, readable by its owner alone."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for notice, message in messages:
        replace_file(folder / f"{notice.key}{EML_SUFFIX}", message.as_bytes(), sync=False, mode=0o600)
    return len(messages)
