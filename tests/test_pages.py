"""The pages as HTML: what each kind of page says and links, without a browser.

The browser behaviour (live status, verification, filters, axe-core) is in
test_pages_browser.py; here: unlisted award pages, previews, LinkedIn, alt text,
languages, the 404 page, theme overrides and the issuer colour.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, parse_qs, urlsplit

import pytest
from PIL import Image

from badgesite.build import build
from badgesite.output.markup import contrast, readable_accent
from conftest import BADGE, CONFIG, make_site

BASE = "https://example.org/badges/"


class Page(HTMLParser):
    """The parts of a page the tests look at: tags with their attributes, and the text."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: "" if v is None else v for k, v in attrs}))

    def handle_data(self, data):
        self.text.append(data)

    def find(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def meta(self, key: str) -> str | None:
        for attrs in self.find("meta"):
            if attrs.get("property") == key or attrs.get("name") == key:
                return attrs.get("content")
        return None


def page(out: Path, rel: str) -> Page:
    return Page((out / rel).read_text("utf-8"))


@pytest.fixture(scope="module")
def example_out(tmp_path_factory) -> Path:
    from conftest import REPO

    out = tmp_path_factory.mktemp("example") / "out"
    build(REPO, out)
    return out


@pytest.fixture
def small_out(tmp_path: Path) -> Path:
    root = make_site(tmp_path / "site", {
        "badgesite.yaml": CONFIG + "recipients: plain\nlanguages: [en, nl]\n",
        "content/badges/python-basics.nl.md": BADGE.replace("Python Basics", "Python basis"),
        "content/awards/2026.yaml": """\
- id: a-0001
  badge: python-basics
  recipient: leah@example.org
  name: Leah de Vries
  issued: 2026-01-10
  expires: 2027-03-05
  awarded_by: admin@example.org
  evidence:
    - url: https://video.example/leah
      name: Video blog
""",
    })
    build(root, tmp_path / "out")
    return tmp_path / "out"


def test_award_pages_are_unlisted(example_out: Path):
    sitemap = (example_out / "sitemap.xml").read_text("utf-8")
    assert "/awards/" not in sitemap
    assert "/badges/python-basics/" in sitemap and "/nl/badges/python-basics/" in sitemap
    award_pages = list((example_out / "awards").glob("*/index.html"))
    assert len(award_pages) > 40
    for path in award_pages:
        assert Page(path.read_text("utf-8")).meta("robots") == "noindex"
    assert page(example_out, "badges/python-basics/index.html").meta("robots") is None


def test_award_page_has_everything(small_out: Path):
    p = page(small_out, "awards/a-0001/index.html")
    text = " ".join(p.text)
    for expected in ("Python Basics", "Leah de Vries", "10 January 2026", "5 March 2027", "a-0001", "Video blog",
                     "Test Academy", "Writes a program."):
        assert expected in text, expected
    assert p.find("form", **{"data-verify-recipient": ""})
    assert p.find("input", type="email", id="recipient-email")
    assert p.find("p", **{"data-status": "checking"})
    hrefs = [a.get("href") for a in p.find("a")]
    assert "../a-0001.png" in hrefs and "../a-0001.json" in hrefs
    assert "../../badges/python-basics/" in hrefs  # the badge page
    assert any(h.startswith("../../verify/?url=") for h in hrefs)
    assert not any(h and h.startswith("../../credentials/") for h in hrefs)  # no OB 3.0 without a key
    assert p.find("link", rel="canonical", href=BASE + "awards/a-0001/")


def test_linkedin_add_to_profile_link(small_out: Path):
    p = page(small_out, "awards/a-0001/index.html")
    link = next(a["href"] for a in p.find("a") if a.get("href", "").startswith("https://www.linkedin.com/"))
    parts = urlsplit(link)
    assert parts.path == "/profile/add"
    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert q == {"startTask": "CERTIFICATION_NAME", "name": "Python Basics", "organizationName": "Test Academy",
                 "issueYear": "2026", "issueMonth": "1", "expirationYear": "2027", "expirationMonth": "3",
                 "certUrl": BASE + "awards/a-0001/", "certId": "a-0001"}
    # written by hand for speed: exactly what urlencode writes
    assert parts.query == urlencode(q)


def test_credential_link_once_ob3_exists(tmp_path: Path):
    from badgesite.assemble import load_site
    from badgesite.output.context import make_context
    from badgesite.output.pages import render_award

    site, _ = load_site(make_site(tmp_path / "site"))
    ctx = make_context(site)
    award = site.awards["a-0001"]
    assert b"credentials/a-0001.json" not in render_award(ctx, award)
    ctx.has_credentials = True
    assert b'href="../../credentials/a-0001.json"' in render_award(ctx, award)


def test_preview_cards(small_out: Path):
    p = page(small_out, "awards/a-0001/index.html")
    image = p.meta("og:image")
    assert image == BASE + "badges/python-basics.card.png"
    assert p.meta("twitter:card") == "summary_large_image" and p.meta("twitter:image") == image
    assert p.meta("og:title") == "Python Basics: Leah de Vries"
    with Image.open(small_out / "badges/python-basics.card.png") as card:
        assert card.size == (1200, 630) and card.format == "PNG"
    assert page(small_out, "badges/python-basics/index.html").meta("og:image") == image


def test_every_image_has_alt_text_and_nothing_loads_from_elsewhere(example_out: Path):
    pages = list(example_out.rglob("*.html"))
    assert len(pages) > 60
    for path in pages:
        p = Page(path.read_text("utf-8"))
        for attrs in p.find("img"):
            assert "alt" in attrs, (path, attrs)
        for tag, attrs in p.tags:
            ref = attrs.get("src") if tag in ("img", "script") else attrs.get("href") if (
                tag == "link" and attrs.get("rel") in ("stylesheet", "icon")) else None
            assert ref is None or not re.match(r"^(https?:)?//", ref), (path, tag, ref)
        html = [a for t, a in p.tags if t == "html"][0]
        assert html.get("lang") in ("en", "nl")


def test_badge_page_shows_every_field(example_out: Path):
    text = " ".join(page(example_out, "badges/python-basics/index.html").text)
    for expected in ("Python Basics", "2.5 ECTS", "EQF level", "NLQF level", "Learning outcomes",
                     "Can structure a program in functions", "Portfolio review", "Aligned with", "ESCO", "0613",
                     "Comes after", "Git Basics", "Leads to", "Python for Data", "microcredential of 2.5 ECTS",
                     "Stadslab Academy", "Times awarded"):
        assert expected in text, expected
    nl = " ".join(page(example_out, "nl/badges/python-basics/index.html").text)
    assert "Python basis" in nl and "2,5 EC" in nl and "Leerresultaten" in nl
    retired = " ".join(page(example_out, "badges/vinyl-cutting/index.html").text)
    assert "No longer awarded since 30 June 2025" in retired


def test_eu_microcredential_elements_on_the_pages(example_out: Path):
    text = " ".join(page(example_out, "badges/python-basics/index.html").text)
    for expected in ("Form of participation", "On site", "Identity checked during assessment", "On site, supervised",
                     "Quality assurance", "accredited programme (NVAO)", "(Netherlands)"):
        assert expected in text, expected
    links = [a["href"] for a in page(example_out, "badges/python-basics/index.html").find("a")]
    assert "https://www.nvao.net/" in links
    nl = " ".join(page(example_out, "nl/badges/python-basics/index.html").text)
    assert "Vorm van deelname" in nl and "Op locatie" in nl and "Kwaliteitsborging" in nl
    award = " ".join(page(example_out, "awards/ls-2026-6gadkygf/index.html").text)
    assert "Grade 8.5" in award
    plain = " ".join(page(example_out, "badges/workshop-safety/index.html").text)
    assert "Form of participation" not in plain and "Grade" not in plain
    catalogue = json.loads((example_out / "catalogue.json").read_text("utf-8"))
    assert catalogue["issuer_country"] == "NL" and catalogue["issuer_legal_identifier"] == "NL.KVK.12345678"
    entry = next(b for b in catalogue["badges"] if b["id"] == "python-basics")
    assert entry["participation"] == "onsite" and entry["id_verification"] == "onsite-supervised"
    assert entry["quality_assurance"]["url"] == "https://www.nvao.net/"


def test_languages_switcher_and_hreflang(example_out: Path):
    en, nl = page(example_out, "badges/python-basics/index.html"), page(example_out, "nl/badges/python-basics/index.html")
    for p in (en, nl):
        alternates = {a["hreflang"]: a["href"] for a in p.find("link", rel="alternate") if "hreflang" in a}
        assert alternates == {"en": BASE.replace("example.org", "stadslab-academy.github.io") + "badges/python-basics/",
                              "nl": "https://stadslab-academy.github.io/badges/nl/badges/python-basics/",
                              "x-default": "https://stadslab-academy.github.io/badges/badges/python-basics/"}
    assert [a for t, a in nl.tags if t == "html"][0]["lang"] == "nl"
    switch = {a.get("hreflang"): a["href"] for a in nl.find("a") if a.get("hreflang")}
    assert switch == {"en": "../../../badges/python-basics/", "nl": "./"}
    assert "Catalogus" in nl.text


def test_paths_page_is_a_list(example_out: Path):
    p = page(example_out, "paths/index.html")
    html = (example_out / "paths/index.html").read_text("utf-8")
    assert html.count('class="path-steps"') >= 3
    assert "Git Basics to IoT Prototyping" in " ".join(p.text)
    assert "Step 1" in p.text


def test_404_page_links_from_the_site_root(example_out: Path):
    p = page(example_out, "404.html")
    refs = [a.get("href") for t, a in p.tags if t in ("a", "link") and a.get("href")]
    refs += [a.get("src") for t, a in p.tags if t in ("img", "script") and a.get("src")]
    local = [r for r in refs if not r.startswith(("http", "mailto:", "data:", "#"))]
    assert local and all(r.startswith("/badges/") for r in local), local
    assert p.meta("robots") == "noindex"


def test_theme_texts_follow_the_site_language(tmp_path: Path):
    root = make_site(tmp_path / "site", {"badgesite.yaml": CONFIG + "recipients: plain\nlanguage: nl\n"})
    build(root, tmp_path / "out")
    home = page(tmp_path / "out", "index.html")
    assert "Catalogus" in home.text and [a for t, a in home.tags if t == "html"][0]["lang"] == "nl"
    award = " ".join(page(tmp_path / "out", "awards/a-0001/index.html").text)
    assert "10 januari 2026" in award and "Is deze badge van hen?" in award


def test_site_overrides_theme_templates_assets_and_texts(tmp_path: Path):
    root = make_site(tmp_path / "site", {
        "themes/default/templates/404.html": "{% extends 'base.html' %}{% block main %}<h1>Lost at sea</h1>{% endblock %}",
        "themes/default/static/site.css": "body { background: papayawhip; }\n",
        "themes/default/static/extra.js": "// a site's own asset\n",
        "themes/default/i18n/en.yaml": "catalogue: Our badges\n",
    })
    build(root, tmp_path / "out")
    out = tmp_path / "out"
    assert "Lost at sea" in (out / "404.html").read_text("utf-8")
    assert (out / "assets/site.css").read_text() == "body { background: papayawhip; }\n"
    assert (out / "assets/extra.js").is_file() and (out / "assets/award.js").is_file()  # the rest from the default
    home = page(out, "index.html")
    assert "Our badges" in home.text and "Learning paths" in home.text  # one text changed, the others kept


def test_issuer_colour_is_made_readable(tmp_path: Path):
    for colour in ("#ffcc00", "#00ff00", "#1d4e89", "#e0e0e0"):
        accent = readable_accent(colour)
        assert contrast(accent, "#ffffff") >= 4.5 and contrast(accent, "#f3f5f8") >= 4.5, colour
    assert readable_accent("#1d4e89") == "#1d4e89"  # dark enough already: unchanged
    root = make_site(tmp_path / "site", {"badgesite.yaml": CONFIG.replace(
        "  email: badges@example.org\n", "  email: badges@example.org\n  color: \"#ffcc00\"\n") + "recipients: plain\n"})
    build(root, tmp_path / "out")
    html = (tmp_path / "out/index.html").read_text("utf-8")
    assert f"--accent: {readable_accent('#ffcc00')};" in html


def test_text_fields_are_escaped_everywhere(tmp_path: Path):
    evil = '<script>alert(1)</script>'
    root = make_site(tmp_path / "site", {
        "content/badges/python-basics.md": BADGE.replace("Writes small programs.", f"Writes {evil} programs.")
        .replace("How to earn it.", f"How to earn it. {evil} <img src=x onerror=alert(2)>"),
        "content/awards/2026.yaml": f"""\
- id: a-0001
  badge: python-basics
  recipient: leah@example.org
  name: "Leah {evil}"
  issued: 2026-01-10
  awarded_by: admin@example.org
  narrative: "Well done {evil}"
""",
    })
    build(root, tmp_path / "out")
    for rel in ("index.html", "badges/python-basics/index.html", "awards/a-0001/index.html", "issuer/index.html"):
        html = (tmp_path / "out" / rel).read_text("utf-8")
        assert "<script>alert" not in html and "onerror" not in html, rel


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_cached_parts_give_the_pages_made_whole(example_copy: Path, tmp_path: Path, monkeypatch, language: str):
    """The default theme's `cache` parts (made once per badge, copied into every award
    page) give byte for byte the pages made in full, in either site language."""
    from badgesite.output import theme

    config = example_copy / "badgesite.yaml"
    if language != "en":  # the badges' texts then count as Dutch; their translations are dropped
        config.write_text(re.sub(r"(?m)^language: en$", f"language: {language}", config.read_text("utf-8")), "utf-8")
        for translation in (example_copy / "content/badges").glob(f"*.{language}.md"):
            translation.unlink()
    build(example_copy, tmp_path / "cached", clean=True)
    monkeypatch.setattr(theme, "CACHE_FRAGMENTS", False)
    build(example_copy, tmp_path / "whole", clean=True)
    cached, whole = _files(tmp_path / "cached"), _files(tmp_path / "whole")
    assert len([p for p in cached if p.startswith("awards/") and p.endswith("/index.html")]) >= 40
    assert cached == whole


def test_cache_tag_makes_a_part_once_per_key_language_and_depth():
    import jinja2

    from badgesite.output.theme import FragmentCache

    env = jinja2.Environment(extensions=[FragmentCache], autoescape=True)
    template = env.from_string("<p>{% cache 'part', key %}{{ made() }}<b>{{ key }}</b>{% endcache %}</p>")
    calls = []

    def page(key, lang="en", root="../../"):
        return template.render(key=key, lang=lang, link=lambda target: root, made=lambda: calls.append(key) or len(calls))

    assert page("a") == "<p>1<b>a</b></p>"
    assert page("a") == "<p>1<b>a</b></p>"  # copied, not made again
    assert page("<b>") == "<p>2<b>&lt;b&gt;</b></p>"  # still escaped
    assert page("a", lang="nl") == "<p>3<b>a</b></p>"
    assert page("a", root="./") == "<p>4<b>a</b></p>"
    assert len(calls) == 4
    with pytest.raises(jinja2.TemplateRuntimeError, match="a cache key is made of texts and numbers"):
        page(["a", "list"])


def test_page_escaping_is_markupsafes():
    """Templates escape with a quicker escape than markupsafe's: the same result for every
    kind of value, and every template the renderer loads uses it."""
    import markupsafe

    from badgesite.output.theme import Renderer, _escape
    from badgesite.urls import Urls

    class Html:
        def __html__(self):
            return "<b>safe</b>"

    class Text(str):
        pass

    values = ["plain", "<a href=\"x\">'&'</a>", "", "é ✔ \u2028", markupsafe.Markup("<i>made</i>"), Text("<s>"),
              Html(), 3, 2.5, None, True, ["<list>"]]
    for value in values:
        assert _escape(value) == markupsafe.escape(value) and type(_escape(value)) is markupsafe.Markup

    renderer = Renderer(Path("/nonexistent"), "default", Urls("https://example.org/", "en"), "en", {})
    for name in ("award.html", "base.html"):
        namespace = renderer.env.get_template(name).root_render_func.__globals__
        assert namespace["escape"] is _escape


def test_template_calls_honour_jinjas_marks():
    """The quick call path skips only functions Jinja would call as they are: one marked
    pass_context still gets the context, a method and a built-in are called directly."""
    import jinja2

    from badgesite.output.theme import Renderer
    from badgesite.urls import Urls

    renderer = Renderer(Path("/nonexistent"), "default", Urls("https://example.org/", "en"), "en", {})

    @jinja2.pass_context
    def which(context, key):
        return context[key]

    class Box:
        def twice(self, x):
            return x * 2

    template = renderer.env.from_string("{{ which('lang') }} {{ box.twice(2) }} {{ '{}-{}'.format(1, 2) }} "
                                        "{{ plain(3) }} {{ which('lang') }}")
    out = template.render(which=which, box=Box(), plain=lambda x: x + 1, lang="nl")
    assert out == "nl 4 1-2 4 nl"
