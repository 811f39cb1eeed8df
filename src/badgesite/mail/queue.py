"""What `award` and `revoke --notify` queue, each checked before anything is written.

The ledger keeps a recipient's address only as a salted hash, so the address is known
at award time alone: these functions put it, with the award id, in the outbox.
"""
from __future__ import annotations

from pathlib import Path

from .. import recipients
from ..errors import BadgesiteError, Diagnostic
from ..source.fields import EMAIL
from ..output.theme import text_languages, theme_dirs
from .outbox import Notice, Outbox, locate, now

LINE_BREAKS = "\r\n\x0b\x0c\x85\u2028\u2029"


def has_line_break(text: str | None) -> bool:
    return bool(text) and any(c in text for c in LINE_BREAKS)


def outbox_for(root: Path, site) -> Outbox:
    """The site's outbox (OutboxError when it would be inside the repository)."""
    return Outbox(locate(root, site.config.base_url))


def check_requests(root: Path, site, requests) -> list[Diagnostic]:
    """What a message needs from each award asked for: a language the theme has texts
    in, and a name without line breaks (it goes into the To header)."""
    known = text_languages(theme_dirs(Path(root), site.config.theme)) | set(site.config.languages)
    problems = []
    for request in requests:
        path, row = request.where
        if request.language and request.language not in known:
            problems.append(Diagnostic(path, row, 0, f"no texts in language '{request.language}' for the message",
                                       hint="the theme has " + ", ".join(sorted(known))))
        if has_line_break(request.name):
            problems.append(Diagnostic(path, row, 0, "the name holds a line break"))
    return problems


def queue_awards(outbox: Outbox, site, awards) -> int:
    """One message per new award (awarding.NewAward), after the ledger is written."""
    when = now()
    notices = [Notice("award", a.id, a.email.strip(), a.name, a.language or site.config.language, when)
               for a in awards]
    outbox.put(notices)
    return len(notices)


def check_revocation(site, award_id: str, email: str) -> None:
    """The address must be the award's own, checked against its salted hash; else
    BadgesiteError, before anything is written."""
    award = site.awards.get(award_id)
    if award is None:
        return  # revoke itself says there is no such award
    email = email.strip()
    if not EMAIL.match(email):
        raise BadgesiteError([Diagnostic("revoke", 0, 0, f"--notify {email!r} is not a valid e-mail address")])
    if not recipients.matches(email, award.recipient.identity, award.recipient.salt):
        raise BadgesiteError([Diagnostic("revoke", 0, 0, f"{email} is not the recipient of award '{award_id}' "
                                         "(it does not match the award's hashed address)",
                                         hint="the notice goes only to the address the badge was awarded to")])


def queue_revocation(outbox: Outbox, site, award_id: str, email: str) -> None:
    award = site.awards[award_id]
    outbox.put([Notice("revocation", award_id, recipients.normalise(email), award.name, site.config.language, now())])
