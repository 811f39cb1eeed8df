"""Telling recipients from the command line: `badgesite notify`, and the hooks that
`award` and `revoke --notify` call to queue a message (the work is in `mail/`).

An award's page exists only once the ledger change is merged and the site published,
so `award` only queues; `notify` sends what is live and holds the rest.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from .errors import BadgesiteError, Diagnostic, UsageError
from .source.fields import EMAIL

DRY_RUN_SUFFIX = ".eml"


def outbox_for(root: Path, site):
    """The site's outbox (UsageError when it cannot be used)."""
    from .mail.outbox import Outbox, OutboxError, locate

    try:
        return Outbox(locate(root, site.config.base_url))
    except OutboxError as exc:
        raise UsageError(str(exc)) from None


def check_requests(root: Path, site, requests) -> list[Diagnostic]:
    """What a message needs from each award asked for: a language the theme has texts
    in, and a name without line breaks (it goes into the To header)."""
    from .mail.compose import has_line_break, theme_languages

    known = theme_languages(root, site.config.theme) | set(site.config.languages)
    problems = []
    for request in requests:
        path, row = request.where
        if request.language and request.language not in known:
            problems.append(Diagnostic(path, row, 0, f"no texts in language '{request.language}' for the message",
                                       hint="the theme has " + ", ".join(sorted(known))))
        if has_line_break(request.name):
            problems.append(Diagnostic(path, row, 0, "the name holds a line break"))
    return problems


def queue_awards(outbox, site, plan) -> int:
    """One message per new award (after the ledger is written)."""
    from .mail.outbox import Notice, now

    when = now()
    notices = [Notice("award", a.id, a.email.strip(), a.name, a.language or site.config.language, when)
               for a in plan.awards]
    outbox.put(notices)
    return len(notices)


def check_revocation(site, award_id: str, email: str) -> None:
    """The address must be the award's own (checked against its salted hash); else
    BadgesiteError, before anything is written."""
    from . import identity

    award = site.awards.get(award_id)
    if award is None:
        return  # revoke itself says there is no such award
    email = email.strip()
    if not EMAIL.match(email):
        raise BadgesiteError([Diagnostic("revoke", 0, 0, f"--notify {email!r} is not a valid e-mail address")])
    if not identity.matches(email, award.recipient.identity, award.recipient.salt):
        raise BadgesiteError([Diagnostic("revoke", 0, 0, f"{email} is not the recipient of award '{award_id}' "
                                         "(it does not match the award's hashed address)",
                                         hint="the notice goes only to the address the badge was awarded to")])


def queue_revocation(outbox, site, award_id: str, email: str) -> None:
    from . import identity
    from .mail.outbox import Notice, now

    award = site.awards[award_id]
    outbox.put([Notice("revocation", award_id, identity.normalise(email), award.name, site.config.language, now())])


# -- notify ---------------------------------------------------------------------------

def cmd_notify(args, reporter) -> int:
    from .mail.outbox import OutboxError, repository

    root = Path(args.site).resolve()
    if not root.is_dir():
        raise UsageError(f"no such folder: {args.site}")
    dry_run = Path(args.dry_run).resolve() if args.dry_run else None
    if dry_run is not None and dry_run.is_relative_to(repository(root)):
        raise UsageError(f"--dry-run {args.dry_run}: the messages hold e-mail addresses; "
                         "write them outside the site's repository")
    site = _load(root, reporter)
    if site is None:
        return 1
    if site.config.mail is None:
        raise UsageError("badgesite.yaml has no mail: section (from, smtp); see docs/commands.md")
    outbox = outbox_for(root, site)
    try:
        with outbox.sending():  # one run at a time: two would send the same messages
            return _send_queued(args, reporter, site, outbox, dry_run)
    except OutboxError as exc:
        print(f"badgesite notify: error: {exc}", file=sys.stderr)
        return 1


def _send_queued(args, reporter, site, outbox, dry_run: Path | None) -> int:
    """Sort the queue into ready, waiting and dropped; send (or write) the ready ones."""
    from .commands import Progress
    from .mail import send
    from .mail.compose import ComposeError, Composer
    from .mail.outbox import OutboxError
    from .urls import Urls

    pending = outbox.pending()
    if not pending:
        reporter.info(f"nothing to send (outbox: {outbox.folder})")
        return 0
    urls = Urls(site.config.base_url, site.config.language)
    ready, unknown, dropped = [], [], 0
    for notice in pending:
        award = site.awards.get(notice.award)
        if award is None:
            unknown.append(notice)  # its ledger change is not in this copy of the site (yet)
        elif notice.kind == "award" and award.revoked:
            outbox.mark_dropped(notice, "the award was revoked before the message was sent")
            dropped += 1
        else:
            ready.append(notice)
    waiting = []
    if ready and not args.no_live_check:
        pages = {n.key: urls.page_url(urls.award_page(n.award)) for n in ready}
        answers = send.live(list(pages.values()))
        waiting = [n for n in ready if not answers[pages[n.key]]]
        ready = [n for n in ready if answers[pages[n.key]]]
    if dropped:
        reporter.info(f"{_plural(dropped, 'message')} dropped: the award was revoked before it was sent")

    composer = Composer(site)
    try:
        messages = [(notice, composer.message(notice)) for notice in ready]
    except ComposeError as exc:
        print(f"badgesite notify: error: {exc}; nothing was sent", file=sys.stderr)
        return 1
    if dry_run is not None:
        written = _write_eml(dry_run, messages)
        reporter.info(f"dry run: wrote {_plural(written, 'message')} to {dry_run}; "
                      "they stay queued (nothing was sent)")
        _say_waiting(waiting, unknown)
        return 0
    if not messages:
        _say_waiting(waiting, unknown)
        return 0

    def on_sent(notice, message) -> None:
        try:
            outbox.mark_sent(notice, message["Message-ID"])
        except OSError as exc:  # sent, but not marked: say so, and stop before sending more
            raise OutboxError(f"award {notice.award}: the message was sent but cannot be marked sent in "
                              f"{outbox.folder} ({exc.strerror}); remove queue/{notice.key}.json from it "
                              "by hand, or the next run sends it again") from None

    result = send.send_batch(site.config.mail.smtp, os.environ.get(send.PASSWORD_ENV), messages, on_sent,
                             per_minute=site.config.mail.per_minute,
                             progress=Progress("sending", len(messages), reporter))
    reporter.info(f"sent {_plural(result.sent, 'message')}")
    _say_waiting(waiting, unknown)
    for notice, answer in result.refused:
        print(f"badgesite notify: the mail server refused the message for award {notice.award}: {answer} "
              f"(it stays queued; if the address is wrong, delete queue/{notice.key}.json from the outbox)",
              file=sys.stderr)
    if result.error:
        kept = len(messages) - result.sent
        print(f"badgesite notify: error: {result.error}", file=sys.stderr)
        print(f"badgesite notify: {_plural(kept, 'message')} stay{'s' * (kept == 1)} queued; "
              "run 'badgesite notify' again to send them (none is sent twice)", file=sys.stderr)
        return 1
    return 1 if result.refused else 0


def _load(root: Path, reporter):
    from .assemble import load_site

    site, diagnostics = load_site(root)
    if site is None:
        reporter.diagnostics(diagnostics.sorted())
        print("badgesite notify: the site has errors; fix them first (see 'badgesite check'). "
              "Nothing was sent.", file=sys.stderr)
    return site


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _say_waiting(waiting, unknown) -> None:
    """Always said, even with -q: these messages were not sent."""
    if waiting:
        print(f"{_plural(len(waiting), 'message')} wait{'s' * (len(waiting) == 1)} for the award page to be "
              "published (it does not answer yet); run 'badgesite notify' again after the next publish")
    if unknown:
        print(f"{_plural(len(unknown), 'message')} wait{'s' * (len(unknown) == 1)} for an award that is not in "
              "this copy of the ledger (pull the latest changes, then run 'badgesite notify' again)")


def _write_eml(folder: Path, messages) -> int:
    """Each message as an .eml file, readable by its owner alone."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for notice, message in messages:
        path = folder / f"{notice.key}{DRY_RUN_SUFFIX}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(message.as_bytes())
    return len(messages)


def register_notify(command) -> None:
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


REGISTER: list = [register_notify]
