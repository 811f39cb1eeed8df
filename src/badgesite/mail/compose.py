"""One queued notice -> one e-mail (text and HTML parts), from the theme's templates.

The templates are `mail/award.txt`, `mail/award.html`, `mail/revocation.txt` and
`mail/revocation.html` in the theme; a site overrides any of them, and any of the
`mail_*` texts of `i18n/<language>.yaml`, by a file of the same name in its own
`themes/<theme>/` folder, as for pages. HTML parts are autoescaped; headers are set
through `email.message.EmailMessage` (which encodes them and refuses line breaks), and
a recipient name with a line break is refused before that.
"""
from __future__ import annotations

import datetime as dt
import email.policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import jinja2

from ..model import Site
from ..output.context import Context, linkedin_url  # the award pages' "Add to LinkedIn" link
from ..output.markup import readable_accent
from ..output.theme import text_helpers, theme_dirs, theme_texts
from ..urls import Urls
from .outbox import Notice
from .queue import has_line_break

TEMPLATES = {"award": ("mail/award.txt", "mail/award.html"),
             "revocation": ("mail/revocation.txt", "mail/revocation.html")}


class ComposeError(Exception):
    """A message cannot be made; the text says which and why."""


class Composer:
    """Makes the messages of one site; templates and texts are loaded once."""

    def __init__(self, site: Site):
        config = site.config
        if config.mail is None:
            raise ComposeError("the site has no mail: section in badgesite.yaml")
        self.site, self.mail = site, config.mail
        self.urls = Urls(config.base_url, config.language)
        self.dirs = theme_dirs(Path(site.root), config.theme)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d / "templates") for d in self.dirs]),
            autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
            undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
        self.domain = self.mail.sender.rsplit("@", 1)[-1].rstrip(">").strip() or None
        self._helpers: dict[str, dict] = {}  # language -> t and date, as templates of pages have them
        # LinkedIn's add-to-profile link, made by the same function as on award pages; it
        # reads only the site, urls and its memos, so no renderer and no badge images
        # (make_context would build a Jinja renderer and rasterise every SVG badge)
        self._pages = Context(site, self.urls, None)

    def helpers(self, language: str) -> dict:
        """t and date in `language` (the theme's texts, English for anything they lack)."""
        found = self._helpers.get(language)
        if found is None:
            texts = {**theme_texts(self.dirs, "en"), **theme_texts(self.dirs, language)}
            found = self._helpers[language] = text_helpers(texts)
        return found

    def values(self, notice: Notice) -> dict:
        """What the templates see."""
        site, urls = self.site, self.urls
        award = site.awards.get(notice.award)
        if award is None:
            raise ComposeError(f"award '{notice.award}' is not in the ledger")
        badge = site.badges[award.badge]
        helpers = self.helpers(notice.language)
        page = urls.page_url(urls.award_page(award.id))
        return {
            "t": helpers["t"], "date": helpers["date"], "lang": notice.language,
            "config": site.config, "issuer": site.config.issuer, "award": award, "badge": badge,
            "accent": readable_accent(site.config.issuer.color),  # white text on it passes WCAG AA
            "text": badge.in_language(notice.language), "name": notice.name, "page_url": page,
            "wallet_url": page + "#wallet", "baked_png": urls.url(urls.award_baked(award.id, "png")),
            "linkedin": linkedin_url(self._pages, award, badge),
            "reason": award.revoked.reason if award.revoked else None,
            "revoked_on": award.revoked.date if award.revoked else None,
        }

    def message(self, notice: Notice, when: dt.datetime | None = None) -> EmailMessage:
        """The e-mail for a notice; ComposeError when it cannot be made."""
        if notice.kind not in TEMPLATES:
            raise ComposeError(f"unknown kind of message {notice.kind!r}")
        if has_line_break(notice.name):
            raise ComposeError(f"award '{notice.award}': the recipient's name holds a line break")
        values = self.values(notice)
        if notice.kind == "revocation" and not values["reason"]:
            raise ComposeError(f"award '{notice.award}' is not revoked in the ledger")
        text_name, html_name = TEMPLATES[notice.kind]
        try:
            body = self.env.get_template(text_name).render(values)
            html = self.env.get_template(html_name).render(values)
        except jinja2.TemplateError as exc:
            where = f"{exc.filename}:{exc.lineno}: " if getattr(exc, "lineno", None) else ""
            raise ComposeError(f"{where}template error: {exc.message or exc}") from None
        subject = " ".join(values["t"](f"mail_{notice.kind}_subject", badge=values["text"].name,
                                       issuer=self.site.config.issuer.name).split())
        msg = EmailMessage(policy=email.policy.SMTP)
        try:
            msg["Subject"] = subject
            msg["From"] = self.mail.sender
            msg["To"] = Address(display_name=notice.name or "", addr_spec=notice.to)
            if self.mail.reply_to:
                msg["Reply-To"] = self.mail.reply_to
            msg["Date"] = format_datetime(when or dt.datetime.now(dt.timezone.utc))
            msg["Message-ID"] = make_msgid(domain=self.domain)
            msg["Auto-Submitted"] = "auto-generated"
        except (ValueError, TypeError, IndexError) as exc:
            raise ComposeError(f"award '{notice.award}': cannot write the message headers: {exc}") from None
        msg.set_content(body)
        msg.add_alternative(html, subtype="html")
        msg["Content-Language"] = notice.language  # after the parts: set_content clears Content-* headers
        return msg
