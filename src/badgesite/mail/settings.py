"""The `mail:` section of badgesite.yaml, read like the rest of the configuration:
unknown keys and wrong values are `badgesite.yaml:LINE` errors."""
from __future__ import annotations

import email.errors
import email.policy

from ..model import Mail, Smtp
from ..source.fields import EMAIL, Fields

MAIL_KEYS = ("from", "reply_to", "smtp", "per_minute")
SMTP_KEYS = ("host", "port", "security", "username")
SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
HOST = r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$|^\[[0-9A-Fa-f:.]+\]$"


def sender(text: str) -> str | None:
    """`Name <address>` or `address`, as a From header carries it; None when it is not
    exactly one valid address (a line break, which would start a new header, is not)."""
    if "\r" in text or "\n" in text:
        return None
    try:
        header = email.policy.default.header_factory("From", text)
        addresses = header.addresses
    except (ValueError, IndexError, email.errors.HeaderParseError):
        return None
    if len(addresses) != 1 or header.defects or not EMAIL.match(addresses[0].addr_spec):
        return None
    return str(addresses[0])


def read_mail(f: Fields) -> Mail | None:
    """The `mail:` section of a configuration, or None (with errors added to `f`)."""
    import re

    fm = f.sub("mail")
    if fm is None:
        return None
    fm.known(MAIL_KEYS)
    from_text = fm.text("from", required=True, max_len=500)
    from_ = sender(from_text) if from_text else None
    if from_text and from_ is None:
        fm.error("from", f"'from' must be an address, or a name and an address such as "
                         f"Stadslab Academy <badges@stadslab.example>, not {from_text!r}")
    reply_text = fm.text("reply_to", max_len=500)
    reply_to = sender(reply_text) if reply_text else None
    if reply_text and reply_to is None:
        fm.error("reply_to", f"'reply_to' must be one e-mail address, not {reply_text!r}")
    per_minute = fm.number("per_minute", 1, 100_000, integer=True)
    smtp, smtp_ok = None, True
    fs = fm.sub("smtp", required=True)
    if fs is not None:
        fs.known(SMTP_KEYS)
        host = fs.text("host", required=True, max_len=253)
        if host and not re.match(HOST, host):
            fs.error("host", f"'host' must be a server name such as smtp.example.org, not {host!r}")
            host = None
        security = fs.choice("security", SECURITY, "starttls")
        port = fs.number("port", 1, 65535, integer=True) or DEFAULT_PORTS[security]
        username = fs.text("username", max_len=500)
        if host:
            smtp = Smtp(host=host, port=int(port), security=security, username=username or None)
        smtp_ok = fs.ok
    if not (fm.ok and smtp_ok) or smtp is None or from_ is None:
        f.ok = False  # a wrong mail section stops the load like any other config error
        return None
    return Mail(sender=from_, smtp=smtp, per_minute=int(per_minute) if per_minute else None, reply_to=reply_to)
