"""bake_in_browser: the build writes no baked image per award, and the award page's
downloads make them in headless Chromium, byte for byte what the build writes with the
setting off; openbadges-bakery and `badgesite verify` read them.

One site, built twice with the same signing key (setting off, setting on), with badges
that try the baking code's corners: a PNG that already carries an `openbadges` text
chunk, an SVG with an XML declaration, a comment, an old `openbadges` namespace and
element, a line break in its opening tag and non-ASCII text, and an award whose name
holds non-ASCII characters and `]]>` (the end of a CDATA section).
"""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from conftest import AWARDS, BADGE, CONFIG, make_site, png_bytes, run_cli
from support.browser import AXE, StaticSite, local_page, run_axe
from support.ob2harness import describe, require_ob2_venv, serve_directory, validate

from badgesite.sitesize import SiteSize, format_size

sync_api = pytest.importorskip("playwright.sync_api")

BASE = "https://example.org/badges/"
KINDS = ("png", "svg", "credential-png", "credential-svg")
VECTOR = ('<?xml version="1.0" encoding="UTF-8"?>\n<!-- drawn by hand -->\n'
          '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges=\'http://example.org/old\'\n'
          '     width="100" height="100" viewBox="0 0 100 100" >'
          '<openbadges:assertion verify="https://old.example/a.json"><![CDATA[{}]]></openbadges:assertion>\n'
          '<title>Café ☕ — vector</title><circle cx="50" cy="50" r="45" fill="#1d4e89"/></svg>\n')
VECTOR_BADGE = BADGE.replace("python-basics.png", "vector.svg").replace("Python Basics", "Vector")
MORE_AWARDS = """\
- id: a-0002
  badge: vector
  recipient: zoe@example.org
  name: "Zoë ]]> Ünïcode 🎓 & <b>"
  issued: 2026-01-11
  awarded_by: admin@example.org
- id: a-0003
  badge: vector
  recipient: bob@example.org
  issued: 2026-01-12
  awarded_by: admin@example.org
  revoked: {date: 2026-02-01, reason: Entered twice.}
"""


def text_chunk(keyword: bytes, text: bytes) -> bytes:
    body = b"tEXt" + keyword + b"\x00" + text
    return struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))


def prebaked_png() -> bytes:
    """A badge image that carries an `openbadges` tEXt chunk already (baking replaces it)."""
    png = png_bytes()
    return png[:-12] + text_chunk(b"openbadges", b"https://old.example/a.json") + png[-12:]


def files_of(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*") if p.is_file()}


def baked_path(award_id: str, kind: str) -> str:
    return f"{'credentials' if kind.startswith('credential-') else 'awards'}/{award_id}.{kind.rpartition('-')[2]}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(site folder, output with the setting off, output with it on, their sizes)."""
    from badgesite.build import build
    from badgesite.sign import ed25519

    root = tmp_path_factory.mktemp("bake") / "site"
    files = {"content/badges/python-basics.png": prebaked_png(),
             "content/badges/vector.md": VECTOR_BADGE, "content/badges/vector.svg": VECTOR,
             "content/awards/2026.yaml": AWARDS + MORE_AWARDS}
    make_site(root, files)
    key = ed25519.generate()
    off, on = root.parent / "off", root.parent / "on"
    sizes = [build(root, off, signing_key=key).size]
    make_site(root, {**files, "badgesite.yaml": CONFIG + "recipients: plain\nbake_in_browser: true\n"})
    sizes.append(build(root, on, signing_key=key).size)
    return root, off, on, [SiteSize.from_record(size) for size in sizes]  # sizes as the builds counted them


def test_no_baked_file_per_award(built):
    _, off, on, _ = built
    before, after = files_of(off), files_of(on)
    baked = {rel for rel in before if rel.startswith(("awards/", "credentials/")) and rel.endswith((".png", ".svg"))}
    assert baked == {baked_path(a, k) for a in ("a-0001",) for k in ("png", "credential-png")} | \
        {baked_path(a, k) for a in ("a-0002", "a-0003") for k in KINDS}
    assert not baked & set(after)
    # the rest is the same, award pages aside: the un-baked badge images (PNG, and the
    # PNG drawn from the SVG badge) are there once per badge to bake from
    assert set(after) == set(before) - baked
    for rel in ("badges/python-basics.png", "badges/vector.png", "badges/vector.svg",
                "awards/a-0002.json", "credentials/a-0002.json"):
        assert after[rel] == before[rel], rel


def test_the_size_per_award_drops_by_at_least_the_baked_images(built):
    _, off, _, (before, after) = built
    awards = ("a-0001", "a-0002", "a-0003")
    assert before.awards == after.awards == len(awards)
    pngs = sum((off / baked_path(a, k)).stat().st_size for a in awards for k in ("png", "credential-png"))
    assert before.per_award() - after.per_award() >= pngs / len(awards)
    assert after.kinds["baked images"] == after.kinds["baked credentials"] == [0, 0]
    assert before.kinds["baked images"][0] == 5 and before.kinds["baked credentials"][0] == 5


def noise_png(size: int = 160) -> bytes:
    """A badge image that does not compress: its baked copies are most of a small site."""
    import io
    import random

    from PIL import Image

    out = io.BytesIO()
    Image.frombytes("RGB", (size, size), random.Random(18).randbytes(size * size * 3)).save(out, "PNG")
    return out.getvalue()


def test_over_its_size_limit_a_site_is_told_to_bake_in_the_browser(tmp_path):
    files = {"content/badges/python-basics.png": noise_png(),
             "content/awards/2026.yaml": "".join(AWARDS.replace("a-0001", f"a-000{n}") for n in range(1, 6))}
    root = make_site(tmp_path / "site", files)
    assert run_cli("build", "-s", str(root))[0] == 0
    output = root / "output"
    total = sum(p.stat().st_size for p in output.rglob("*") if p.is_file())
    baked = sum(p.stat().st_size for p in output.glob("awards/*.png"))
    assert baked > total / 3
    limited = CONFIG + "recipients: plain\n" + f"size_limit: {total - baked // 2} B\n"
    make_site(root, {**files, "badgesite.yaml": limited})
    for command in ("check", "build"):
        code, out, err = run_cli(command, "-s", str(root))
        assert code == 1 and "over its size_limit" in err, out + err
        assert f"set `bake_in_browser: true`, and the build leaves out the baked images, {format_size(baked)}" in err
        assert "planned" not in err and "badgesite deploy s3://BUCKET" in err
    make_site(root, {**files, "badgesite.yaml": limited + "bake_in_browser: true\n"})
    code, out, err = run_cli("check", "-s", str(root))  # projected without the baked images
    assert code == 0 and "size_limit" not in err, out + err
    code, out, err = run_cli("build", "-s", str(root))
    assert code == 0 and not list(output.glob("awards/*.png")), out + err


@pytest.fixture
def page(browser):
    """A fresh page; afterwards, every request it made must have stayed on 127.0.0.1."""
    with local_page(browser, accept_downloads=True) as tab:
        yield tab


def downloads(page, server: StaticSite, award_id: str) -> dict[str, tuple[str, bytes]]:
    """data-download -> (file name, bytes) of every download control on an award page, clicked."""
    page.goto(f"{server.base}awards/{award_id}/")
    got = {}
    for kind in page.eval_on_selector_all("[data-download]", "els => els.map(e => e.dataset.download)"):
        with page.expect_download() as info:
            page.click(f"[data-download='{kind}']")
        download = info.value
        got[kind] = (download.suggested_filename, Path(download.path()).read_bytes())
    return got


@pytest.mark.parametrize("mode", ["on", "off"])
def test_downloads_hand_over_the_bytes_the_build_writes(built, page, mode):
    _, off, on, _ = built
    with StaticSite(on if mode == "on" else off, "/badges/") as server:
        for award_id, kinds in (("a-0001", ("png", "credential-png")), ("a-0002", KINDS)):
            got = downloads(page, server, award_id)
            assert sorted(got) == sorted(kinds), award_id
            for kind, (name, data) in got.items():
                assert data == (off / baked_path(award_id, kind)).read_bytes(), (award_id, kind)
                assert name == f"{award_id}{'-credential' if kind.startswith('credential-') else ''}.{kind[-3:]}"
        page.goto(f"{server.base}awards/a-0003/")  # revoked: nothing to download
        assert page.locator("[data-download]").count() == 0
        if mode == "on":  # made from the site's own files, nothing else
            assert not [r for r in server.requests if r.endswith((".png", ".svg")) and "/awards/" in r]


def test_the_award_page_with_its_download_buttons_passes_axe(built, page):
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (cd tests/browser && npm ci)")
    _, _, on, _ = built
    with StaticSite(on, "/badges/") as server:
        page.goto(f"{server.base}awards/a-0002/")
        page.locator("[data-download='credential-svg']").wait_for(state="visible")
        assert run_axe(page) == []


def test_a_badge_image_that_cannot_be_baked_says_so(built, page):
    _, _, on, _ = built
    with StaticSite(on, "/badges/") as server:
        server.overrides["badges/python-basics.png"] = b"not a PNG"
        page.goto(f"{server.base}awards/a-0001/")
        page.click("[data-download='png']")
        problem = page.locator("[data-download-problem]")
        problem.wait_for(state="visible")
        assert "not a PNG file" in problem.inner_text()


def test_downloads_need_javascript_and_say_so(built, browser):
    _, off, on, _ = built
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    try:
        with StaticSite(on, "/badges/") as server:
            tab.goto(f"{server.base}awards/a-0001/")
            assert tab.locator("[data-download]").count() == 2 and not tab.locator("[data-download='png']").is_visible()
            assert "needs JavaScript" in tab.content()
        with StaticSite(off, "/badges/") as server:  # baked by the build: plain links
            tab.goto(f"{server.base}awards/a-0001/")
            assert tab.locator("a[data-download='png'][download]").is_visible()
    finally:
        context.close()


@pytest.fixture(scope="module")
def browser_made(built, browser, tmp_path_factory):
    """The files the award page of a-0002 made in the browser, saved: kind -> path."""
    _, _, on, _ = built
    folder = tmp_path_factory.mktemp("downloads")
    context = browser.new_context(accept_downloads=True)
    try:
        with StaticSite(on, "/badges/") as server:
            got = downloads(context.new_page(), server, "a-0002")
    finally:
        context.close()
    paths = {}
    for kind, (name, data) in got.items():
        paths[kind] = folder / name
        paths[kind].write_bytes(data)
    return paths


def test_openbadges_bakery_reads_the_browser_made_images(built, browser_made):
    require_ob2_venv()
    _, _, on, _ = built
    with serve_directory(on) as local:
        results = validate([str(browser_made["png"]), str(browser_made["svg"])], {BASE: local})
    for result in results:
        assert result["valid"], describe(result)
    png, svg = results
    assert BASE + "awards/a-0002.json" in png["unbaked"]  # the assertion itself
    assert svg["unbaked"] == BASE + "awards/a-0002.json"  # the verify attribute


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_the_verification_page_accepts_the_browser_made_images(built, browser_made, page, kind):
    _, _, on, _ = built
    with StaticSite(on, "/badges/") as server:
        page.goto(server.base + "verify/")
        page.fill("#verify-email", "zoe@example.org")
        page.set_input_files("#verify-file", str(browser_made[kind]))
        page.wait_for_selector("[data-verify-outcome='valid'], [data-verify-outcome='invalid']", timeout=10_000)
        checks = {li.get_attribute("data-check"): li.get_attribute("data-ok")
                  for li in page.locator("[data-verify-checks] li").all()}
        assert page.locator("[data-verify-outcome]").get_attribute("data-verify-outcome") == "valid", checks
        assert checks["read"] == checks["match"] == checks["recipient"] == "true"


@pytest.mark.parametrize("kind", KINDS)
def test_badgesite_verify_accepts_the_browser_made_images(built, browser_made, kind):
    _, _, on, _ = built
    code, out, err = run_cli("verify", str(browser_made[kind]), "--offline-site", str(on))
    assert code == 0 and "VALID" in out, out + err
    assert ("3.0" if kind.startswith("credential-") else "2.0") in out


def test_switching_the_setting_removes_and_restores_the_baked_files(tmp_path):
    from badgesite.build import build

    root = make_site(tmp_path / "site")
    output = tmp_path / "out"
    build(root, output)
    assert (output / "awards/a-0001.png").is_file()
    make_site(root, {"badgesite.yaml": CONFIG + "recipients: plain\nbake_in_browser: true\n"})
    build(root, output)
    assert not (output / "awards/a-0001.png").exists() and (output / "awards/a-0001.json").is_file()
    assert 'data-download="png"' in (output / "awards/a-0001/index.html").read_text("utf-8")
    make_site(root)
    build(root, output)
    assert (output / "awards/a-0001.png").is_file()


# -- bake.js against output/bake.py on many made-up inputs ------------------------------------

SPACES = [" ", "\n", "\t", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\xa0", "\u2003", "\u3000", "\ufeff", ""]
PIECES = ["<svg", " xmlns=\"http://www.w3.org/2000/svg\"", " xmlns:openbadges='http://old.example'",
          " xmlns:openbadges=\"http://openbadges.org\"", " width=\"10\"", " data-x=\"é☕🎓\"", "/>", ">",
          "<openbadges:assertion verify=\"u\"><![CDATA[{}]]></openbadges:assertion>",
          "<openbadges:credential>x</openbadges:credential>", "<openbadges:assertionX/>",
          "<circle r=\"1\"/>", "</svg>", "<!-- c -->", "<?xml version=\"1.0\"?>", "<svgé", "<svg_a>", "text ]]> more"]


def made_up_cases(count: int = 300):
    """(svg, text, verify, element) and (png, text, keyword) cases, from a fixed seed."""
    import random

    from badgesite.documents.json import compact_json

    rng = random.Random(2026)
    svgs, pngs, docs = [], [], []
    for _ in range(count):
        svg = "".join(rng.choice(SPACES) + rng.choice(PIECES) for _ in range(rng.randint(1, 9)))
        if rng.random() < 0.6:
            svg = rng.choice(["", "<?xml version=\"1.0\"?>", "\ufeff<?xml?>", " \n<?xml?>"]) + rng.choice(SPACES) + \
                "<svg" + rng.choice(SPACES + [" a='1'"]) + rng.choice([">", "/>", " >", "\n/>"]) + svg
        doc = {"name": "".join(rng.choice(["a", "é", "🎓", "]]>", "\"", "\\", "\n", "<", "&", " ", "\u2028"])
                               for _ in range(rng.randint(0, 12))),
               "n": rng.choice([0, 1.5, -2, 2**53, 1e20, 1e-7, True, None]), "list": [[], {}, {"1": 2, "b": [1, "x"]}],
               "url": "https://example.org/a?b=1&c=\"2\""}
        docs.append(doc)
        text = compact_json(doc).decode("utf-8")
        verify = rng.choice([None, "https://example.org/badges/awards/a.json?x=1&y=\"<2>\""])
        svgs.append((svg, text, verify, rng.choice(["assertion", "credential"])))
        chunks = [(b"IHDR", b"\x00" * 13)]
        for _ in range(rng.randint(0, 4)):
            keyword = rng.choice([b"openbadges", b"openbadgecredential", b"Comment", b"openbadgesX"])
            kind = rng.choice([b"tEXt", b"iTXt", b"zTXt"])
            data = keyword + (b"\x00" if rng.random() < 0.9 else b"") + rng.randbytes(rng.randint(0, 20))
            chunks.insert(rng.randint(1, len(chunks)), (kind, data))
        chunks += [(b"IDAT", rng.randbytes(30)), (b"IEND", b"")]
        png = b"\x89PNG\r\n\x1a\n" + b"".join(struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d))
                                               for k, d in chunks)
        png += rng.choice([b"", b"after IEND"])
        pngs.append((png, text.encode("utf-8"), rng.choice(["openbadges", "openbadgecredential"])))
    return svgs, pngs, docs


def test_bake_js_bakes_what_output_bake_py_bakes(browser, tmp_path):
    """Made-up SVGs (white space Python and JavaScript count differently, self-closing roots,
    old namespaces and elements, CDATA ends), PNGs (text chunks of every kind, before and
    after IDAT, bytes after IEND) and published JSON: bake.js gives bake.py's bytes."""
    import base64
    import json

    from badgesite.documents.json import dump_json, compact_json
    from badgesite.output.bake import BakeError, bake_png, bake_svg

    svgs, pngs, docs = made_up_cases()
    b64 = lambda data: base64.b64encode(data).decode("ascii")  # noqa: E731
    (tmp_path / "index.html").write_text("<!doctype html><title>bake.js</title>", "utf-8")
    static = Path(__file__).resolve().parent.parent / "themes" / "default" / "static"
    context = browser.new_context()
    try:
        with StaticSite(tmp_path, "/") as server:
            server.extra = {f"/static/{name}": (static / name).read_bytes() for name in ("bake.js", "unbake.js")}
            tab = context.new_page()
            tab.goto(server.base)
            got = tab.evaluate("""async ([svgs, pngs, docs]) => {
              const bake = await import("/static/bake.js");
              const bytes = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
              const text = (b) => btoa(String.fromCharCode(...b));
              const attempt = (f) => { try { return f(); } catch (e) { return "error: " + e; } };
              return {
                svg: svgs.map(([svg, t, verify, element]) => attempt(() => bake.bakeSvg(svg, t, verify,
                  element === "credential" ? bake.OB3 : bake.OB2))),
                png: pngs.map(([png, t, keyword]) => attempt(() => text(bake.bakePng(bytes(png), bytes(t), keyword)))),
                json: docs.map((doc) => text(bake.compactJson(bytes(doc)))),
              };
            }""", [svgs, [(b64(p), b64(t), k) for p, t, k in pngs], [b64(dump_json(d)) for d in docs]])
    finally:
        context.close()
    failed = 0
    for (svg, text, verify, element), js in zip(svgs, got["svg"]):
        try:
            want = bake_svg(svg, text, verify, element)
        except BakeError as exc:
            want = f"error: {exc}"
        assert js == want, json.dumps([svg, verify, element])
        failed += want.startswith("error")
    assert 0 < failed < len(svgs) / 2  # both kinds of outcome were tried
    for (png, text, keyword), js in zip(pngs, got["png"]):
        assert base64.b64decode(js) == bake_png(png, text, keyword), png
    for doc, js in zip(docs, got["json"]):
        assert base64.b64decode(js) == compact_json(doc)


def test_a_theme_written_before_keeps_its_download_links(tmp_path):
    """`{% for label, target in downloads %}` in a site's own award.html still works."""
    from badgesite.build import build

    old = ('{% extends "base.html" %}{% block main %}{% for label, target in downloads %}'
           '<a href="{{ link(target) }}" download>{{ label }}</a>{% endfor %}{% endblock %}')
    root = make_site(tmp_path / "site", {"badgesite.yaml": CONFIG + "recipients: plain\ntheme: mine\n",
                                         "themes/mine/templates/award.html": old})
    build(root, tmp_path / "out")
    assert '<a href="../a-0001.png" download>PNG</a>' in (tmp_path / "out/awards/a-0001/index.html").read_text("utf-8")


def test_every_link_of_an_award_page_names_a_published_file(built):
    """With baking in the browser there are no baked files: no link on an award page (the
    wallet block's downloads included) may point at one; with it off, every one exists."""
    import re
    from urllib.parse import urljoin

    _, off, on, _ = built
    for output in (off, on):
        pages = sorted((output / "awards").glob("*/index.html"))
        assert any("data-wallet-download" in p.read_text(encoding="utf-8") for p in pages)  # there to check
        for page in pages:
            html = page.read_text(encoding="utf-8")
            for href in re.findall(r'href="([^"#]+?)"', html):
                if href.startswith(("http:", "https:", "mailto:", "data:")):
                    continue
                target = urljoin(f"/{page.parent.relative_to(output).as_posix()}/", href.split("?")[0])
                path = output / target.lstrip("/")
                assert path.is_file() or (path / "index.html").is_file(), (page, href)
