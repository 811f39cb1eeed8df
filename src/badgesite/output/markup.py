"""What templates show besides text: Markdown made safe, JSON in a page, colours, dates.

Markdown from badges and the ledger is converted and then sanitised with nh3 (an
allow-list HTML sanitiser), so a `<script>` in any text field reaches the page as
harmless text. Converting is slow to start, so a MarkdownMemo remembers the HTML of
texts converted before (the incremental build keeps it between builds).
"""
from __future__ import annotations

import datetime as dt
import hashlib

import nh3
import orjson
from markupsafe import Markup

ALLOWED_TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3", "h4",
                "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody",
                "td", "th", "thead", "tr", "ul"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
DEFAULT_ACCENT = "#1d4e89"
PANEL = "#f3f5f8"  # the lightest background the accent colour is drawn on (site.css --panel)
# Names of languages in their own language, for the language switcher.
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands", "de": "Deutsch", "fr": "Français", "es": "Español",
                  "it": "Italiano", "pt": "Português", "da": "Dansk", "sv": "Svenska", "nb": "Norsk bokmål",
                  "fi": "Suomi", "pl": "Polski", "cs": "Čeština", "fy": "Frysk", "tr": "Türkçe", "ar": "العربية",
                  "uk": "Українська", "el": "Ελληνικά", "ja": "日本語", "zh": "中文"}




class MarkdownMemo:
    """SHA-256 of a Markdown text -> its HTML before sanitising, and which texts a build used."""

    def __init__(self, known: dict[str, str] | None = None):
        self.html: dict[str, str] = dict(known or {})
        self.recalled: set[str] = set(self.html)  # the texts it started with
        self.used: set[str] = set()

    def markdown(self, text: str | None) -> Markup:
        """The text as safe HTML (a template filter)."""
        if not text:
            return Markup("")
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        html = self.html.get(key)
        if html is None:
            html = self.html[key] = _convert(text)
        self.used.add(key)
        # sanitised every time: a remembered text is treated exactly like a new one
        clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                          url_schemes={"http", "https", "mailto"}, link_rel="noopener nofollow")
        return Markup(clean)


def _convert(text: str) -> str:
    import markdown as markdown_lib  # slow to import and to start: only when needed

    html = markdown_lib.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    # Headings in content start at h2: the page has its own h1.
    for level in range(5, 0, -1):
        html = html.replace(f"<h{level}", f"<h{level + 1}").replace(f"</h{level}>", f"</h{level + 1}>")
    return html


def markdown(text: str | None) -> Markup:
    """The text as safe HTML, remembered nowhere."""
    return MarkdownMemo().markdown(text)


def json_script(value) -> Markup:
    """JSON safe inside <script type="application/json">: no '<', '>', '&' can end the element."""
    text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS).decode("utf-8")
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


# -- colours: the issuer's accent, made readable --------------------------------
def _luminance(color: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_accent(color: str | None) -> str:
    """The issuer colour, darkened just enough for text and buttons to pass WCAG AA (4.5:1).

    Links are drawn in it on white and on the light panel, and white button
    text on it, so it must contrast with both.
    """
    color = (color or DEFAULT_ACCENT).lower()
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    for step in range(0, 101):
        f = 1 - step / 100
        candidate = f"#{round(r * f):02x}{round(g * f):02x}{round(b * f):02x}"
        if contrast(candidate, PANEL) >= 4.6:
            return candidate
    return "#000000"


# -- texts ----------------------------------------------------------------------
def format_date(day: dt.date | None, months: list[str] | None, pattern: str) -> str:
    if day is None:
        return ""
    if not months or len(months) != 12:
        return day.isoformat()
    return pattern.format(day=day.day, month=months[day.month - 1], year=day.year)
