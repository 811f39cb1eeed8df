"""Jinja2 rendering of the pages, with the theme's own texts in the site language.

Autoescape is on and undefined names are errors. Markdown from badges and the
ledger is converted and then sanitised with nh3 (an allow-list HTML sanitiser),
so a `<script>` in any text field reaches the page as harmless text.
"""
from __future__ import annotations

import io
import json
from functools import lru_cache
from pathlib import Path

import jinja2
import markdown as markdown_lib
import nh3
import yaml
from markupsafe import Markup

from urllib.parse import urlsplit

from .urls import Urls, relative

PACKAGE_DIR = Path(__file__).resolve().parent
ALLOWED_TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3", "h4",
                "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody",
                "td", "th", "thead", "tr", "ul"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}


def theme_dirs(site_root: Path, theme: str) -> list[Path]:
    """The theme folders to look in, the site's own first (it overrides the packaged default)."""
    packaged = PACKAGE_DIR / "themes"
    if not packaged.is_dir():  # a source checkout: the theme lives at the repository root
        packaged = PACKAGE_DIR.parent.parent / "themes"
    dirs = [site_root / "themes" / theme]
    if theme != "default":
        dirs.append(site_root / "themes" / "default")
    dirs.append(packaged / "default")
    return [d for d in dirs if d.is_dir()]


def markdown(text: str | None) -> Markup:
    if not text:
        return Markup("")
    html = markdown_lib.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    # Headings in content start at h2: the page has its own h1.
    for level in range(5, 0, -1):
        html = html.replace(f"<h{level}", f"<h{level + 1}").replace(f"</h{level}>", f"</h{level + 1}>")
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes={"http", "https", "mailto"}, link_rel="noopener nofollow")
    return Markup(clean)


def json_script(value) -> Markup:
    """JSON safe inside <script type="application/json">: no '<', '>', '&' can end the element."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def qr_svg(text: str) -> Markup:
    """An inline SVG QR code (segno: pure Python, deterministic output)."""
    import segno

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", xmldecl=False, svgns=True, title=None,
                                       scale=4, border=2, omitsize=False)
    svg = out.getvalue().decode("utf-8").replace("<svg ", '<svg role="img" aria-label="QR code" ', 1)
    return Markup(svg)


class Renderer:
    def __init__(self, site_root: Path, theme: str, urls: Urls, language: str, globals_: dict):
        self.dirs = theme_dirs(site_root, theme)
        self.urls = urls
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d / "templates") for d in self.dirs]),
            autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            keep_trailing_newline=True)
        self.env.filters["markdown"] = markdown
        self.env.filters["json_script"] = json_script
        self.env.globals["qr_svg"] = qr_svg
        self.env.globals.update(globals_)
        self.texts = {lang: self._texts(lang) for lang in dict.fromkeys([language, "en"])}

    def _texts(self, language: str) -> dict:
        merged: dict = {}
        for folder in reversed(self.dirs):
            file = folder / "i18n" / f"{language}.yaml"
            if file.is_file():
                merged.update(yaml.safe_load(file.read_text("utf-8")) or {})
        return merged

    def translator(self, language: str):
        texts = self.texts.get(language) or self._texts(language)
        self.texts[language] = texts
        fallback = self.texts.get("en") or {}

        def t(key: str, **values) -> str:
            text = texts.get(key, fallback.get(key, key))
            return text.format(**values) if values else text
        return t

    def render(self, template: str, path: str, language: str, **context) -> bytes:
        urls = self.urls

        if path == urls.not_found:
            # GitHub Pages serves 404.html at any missing address: links start from the site's path
            base_path = urlsplit(urls.base_url).path

            def link(target: str) -> str:
                return base_path + (target[: -len("index.html")] if target.endswith("index.html") else target)
        else:
            def link(target: str) -> str:
                return relative(path, target)

        html = self.env.get_template(template).render(
            page_path=path, lang=language, t=self.translator(language), link=link,
            url=urls.url, page_url=urls.page_url, **context)
        return html.encode("utf-8")

    @lru_cache(maxsize=None)
    def static_files(self) -> dict[str, Path]:
        """Theme assets by their name under static/, the site's own overriding the default."""
        found: dict[str, Path] = {}
        for folder in reversed(self.dirs):
            static = folder / "static"
            if static.is_dir():
                for file in sorted(static.rglob("*")):
                    if file.is_file() and not file.is_symlink():
                        found[file.relative_to(static).as_posix()] = file
        return dict(sorted(found.items()))
