"""`badgesite notify` on the command line: parse, call mail.deliver, report; and the
part of `award` and `revoke --notify` in telling recipients (`Telling`).

An award's page exists only once the ledger change is merged and the site published,
so `award` only queues (mail/queue.py); `notify` sends what is live and holds the rest.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from ..errors import UsageError
from .report import load_or_say, site_folder


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _mail():
    """The mail library: the queue and the outbox of award and revoke --notify, and
    notify's sending (Jinja, smtplib, the HTTP client)."""
    from .. import mail  # lazy: the outbox, the templates and the SMTP client, for these commands only

    return mail


class Telling:
    """The part of `award` and `revoke --notify` in telling recipients: check what a
    message needs before anything is written, queue it after (mail/queue.py)."""

    def __init__(self, root: Path, site, command: str):
        if site.config.mail is None:
            raise UsageError("--notify needs a mail: section in badgesite.yaml (from, smtp)")
        mail = _mail()
        self.root, self.site, self.command, self.said = root, site, command, ""
        self.queue, self.outbox_error = mail.queue, mail.outbox.OutboxError
        try:
            self.outbox = self.queue.outbox_for(root, site)
        except self.outbox_error as exc:
            raise UsageError(str(exc)) from None

    def check_requests(self, requests):
        return self.queue.check_requests(self.root, self.site, requests)

    def check_revocation(self, award_id: str, email: str) -> None:
        self.queue.check_revocation(self.site, award_id, email)

    def queue_awards(self, awards) -> bool:
        """After the ledger is written; False (having said why) when the outbox failed."""
        n = self._put(lambda: self.queue.queue_awards(self.outbox, self.site, awards), "the awards were written")
        if n is not None:
            self.said = (f"queued {_plural(n, 'message')} to the recipients in {self.outbox.folder}; "
                         "send them with 'badgesite notify' once the site is published")
        return n is not None

    def queue_revocation(self, award_id: str, email: str) -> bool:
        # the notice quotes the reason from the ledger when it is sent
        done = self._put(lambda: self.queue.queue_revocation(self.outbox, self.site, award_id, email) or 1,
                         "the award was revoked")
        self.said = (f"queued a notice to the recipient in {self.outbox.folder}; send it with 'badgesite notify' "
                     "once the site is published")
        return done is not None

    def _put(self, put, done: str):
        try:
            return put()
        except self.outbox_error as exc:
            print(f"badgesite {self.command}: {done}, but the message could not be queued: {exc}", file=sys.stderr)
            return None


def cmd_notify(args, reporter) -> int:
    mail = _mail()
    root = site_folder(args)
    dry_run = Path(args.dry_run).resolve() if args.dry_run else None
    if dry_run is not None and dry_run.is_relative_to(mail.outbox.repository(root)):
        raise UsageError(f"--dry-run {args.dry_run}: the messages hold e-mail addresses; "
                         "write them outside the site's repository")
    site = load_or_say(root, reporter, "notify")
    if site is None:
        return 1
    if site.config.mail is None:
        raise UsageError("badgesite.yaml has no mail: section (from, smtp); see docs/commands.md")
    try:
        outbox = mail.queue.outbox_for(root, site)
        with outbox.sending():  # one run at a time: two would send the same messages
            result = mail.deliver.deliver(site, outbox, live_check=not args.no_live_check, dry_run=dry_run,
                                          password=os.environ.get(mail.deliver.PASSWORD_ENV))
    except (mail.outbox.OutboxError, mail.deliver.ComposeError) as exc:
        print(f"badgesite notify: error: {exc}; what was not sent stays queued", file=sys.stderr)
        return 1
    return _report(reporter, result, outbox, dry_run)


def _report(reporter, result, outbox, dry_run: Path | None) -> int:
    if not result.pending:
        reporter.info(f"nothing to send (outbox: {outbox.folder})")
        return 0
    if result.dropped:
        reporter.info(f"{_plural(result.dropped, 'message')} dropped: the award was revoked before it was sent")
    if dry_run is not None:
        reporter.info(f"dry run: wrote {_plural(result.written, 'message')} to {dry_run}; "
                      "they stay queued (nothing was sent)")
    elif result.sent or result.refused or result.error:
        reporter.info(f"sent {_plural(result.sent, 'message')}")
    for notices, why in ((result.waiting, "for the award page to be published (it does not answer yet); run "
                                          "'badgesite notify' again after the next publish"),
                         (result.unknown, "for an award that is not in this copy of the ledger (pull the "
                                          "latest changes, then run 'badgesite notify' again)")):
        if notices:  # always said, even with -q: these were not sent
            print(f"{_plural(len(notices), 'message')} wait{'s' * (len(notices) == 1)} {why}")
    for notice, answer in result.refused:
        print(f"badgesite notify: the mail server refused the message for award {notice.award}: {answer} "
              f"(it stays queued; if the address is wrong, delete queue/{notice.key}.json from the outbox)",
              file=sys.stderr)
    if result.error:
        kept = result.unsent + len(result.refused)
        print(f"badgesite notify: error: {result.error}", file=sys.stderr)
        print(f"badgesite notify: {_plural(kept, 'message')} stay{'s' * (kept == 1)} queued; "
              "run 'badgesite notify' again to send them (none is sent twice)", file=sys.stderr)
        return 1
    return 1 if result.refused else 0


def register(command) -> None:
    p = command("notify", cmd_notify, "e-mail recipients the messages that award and revoke queued, "
                "once their award page is published", "badgesite notify")
    p.epilog += ("\n         badgesite notify --dry-run ~/badge-mails"
                 "\n\nNeeds a mail: section in badgesite.yaml; the SMTP password comes from"
                 "\nBADGESITE_SMTP_PASSWORD. Messages wait in an outbox outside the repository"
                 "\n(BADGESITE_OUTBOX, else ~/.local/share/badgesite/outbox/SITE).")
    p.add_argument("--no-live-check", action="store_true",
                   help="send without first checking that each award page answers (is published)")
    p.add_argument("--dry-run", metavar="DIR",
                   help="write each message as an .eml file in DIR instead of sending it (they stay queued)")

