"""The browser QR encoder (themes/default/static/qr.js), checked against independent code.

qr.js runs in Debian's headless Chromium on a small page served from tmp_path;
screenshots of the SVGs it draws are decoded with zxing-cpp, and the module
matrices it builds are compared with segno's for the same version and mask.
"""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from browser import StaticSite, chromium_path, launch

zxingcpp = pytest.importorskip("zxingcpp")
segno = pytest.importorskip("segno")
sync_api = pytest.importorskip("playwright.sync_api")
from PIL import Image  # noqa: E402  (after the skips)

QR_JS = Path(__file__).resolve().parent.parent / "themes" / "default" / "static" / "qr.js"

if chromium_path() is None:
    pytest.skip("Chromium is not installed (apt-get install -y chromium)", allow_module_level=True)

AWARD_URL = "https://stadslab-academy.github.io/badges/awards/ls-2025-2bf3m5z8/"
ACCENTED = ("Stadslab Académie — certificat délivré à Zoë Müller pour « Soudure avancée », "
            "frais 25 € payés. Vérifiez: " + AWARD_URL)
CASES = {
    "short": "Hi",
    "award-url": AWARD_URL,
    "accented-180-bytes": ACCENTED,
    "version-15-edge": "x" * 412,  # the most version 15-M holds in byte mode
}
LABEL = 'Scan "me" & <check>'
MAX_BYTES = 412

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>qr.js</title>
<script src="qr.js"></script>
<style>
  body { margin: 0; background: #fff; }
  .qr { display: inline-block; margin: 10px; }
  .qr svg { display: block; width: 510px; height: 510px; }
  .qr.odd svg { width: 333px; height: 333px; }
</style></head>
<body>
{items}
<div id="unlabelled" data-qr="unlabelled"></div>
<div id="too-long" data-qr="{too_long}">fallback</div>
<div id="empty" data-qr=""></div>
</body></html>
"""


def attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    root = tmp_path_factory.mktemp("qrsite")
    shutil.copyfile(QR_JS, root / "qr.js")
    items = "\n".join(
        f'<div class="qr" id="{name}" data-qr="{attr(text)}" data-qr-label="{attr(LABEL)}"></div>\n'
        f'<div class="qr odd" id="{name}-odd" data-qr="{attr(text)}"></div>'
        for name, text in CASES.items())
    (root / "index.html").write_text(
        PAGE.replace("{items}", items).replace("{too_long}", "y" * (MAX_BYTES + 1)), "utf-8")
    errors: list[str] = []
    with StaticSite(root) as site, sync_api.sync_playwright() as p:
        browser = launch(p)
        pg = browser.new_page(viewport={"width": 1200, "height": 900})
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        pg.goto(site.base + "index.html")
        pg.wait_for_load_state("load")
        pg.errors = errors
        yield pg
        browser.close()


def decode(png: bytes) -> list:
    image = Image.open(io.BytesIO(png)).convert("L")
    return zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)


@pytest.fixture
def segno_fixed(monkeypatch):
    """segno with its padding-bit bug fixed (heuer/segno issues #123, #148, open in 1.6.6).

    segno appends 8 zero bits after the terminator when the bit stream already ends
    on a codeword boundary (always so in byte mode), so its pad codewords, ECC and
    data modules start one codeword late. The symbols still scan; this puts back the
    behaviour of ISO/IEC 18004 7.4.10 (pad only up to the boundary) for comparison.
    """
    from segno import encoder

    def write_padding_bits(buff, version, length):
        if version not in (segno.consts.VERSION_M1, segno.consts.VERSION_M3):
            buff.extend([0] * (-length % 8))

    monkeypatch.setattr(encoder, "write_padding_bits", write_padding_bits)


def segno_qr(text: str, mask: int | None = None):
    return segno.make_qr(text.encode("utf-8"), error="m", boost_error=False, mode="byte", mask=mask)


def segno_matrix(qr) -> list[list[bool]]:
    return [[bool(m) for m in row] for row in qr.matrix]


@pytest.mark.parametrize("suffix", ["", "-odd"], ids=["scale-6", "scale-uneven"])
@pytest.mark.parametrize("name", list(CASES))
def test_screenshot_decodes_to_the_text(page, name, suffix):
    text = CASES[name]
    svg = page.locator(f"#{name}{suffix} > svg")
    assert svg.count() == 1
    results = decode(svg.screenshot())
    assert len(results) == 1, f"{name}: zxing-cpp found {len(results)} QR codes"
    assert results[0].text == text
    assert results[0].bytes == text.encode("utf-8")
    assert results[0].ec_level == "M"


def test_accented_case_is_about_180_utf8_bytes():
    assert 170 <= len(ACCENTED.encode("utf-8")) <= 200
    assert "é" in ACCENTED and "€" in ACCENTED


def test_svg_markup(page):
    assert page.errors == []
    info = page.evaluate("""() => {
        const svg = document.querySelector('#award-url > svg');
        return {
            viewBox: svg.getAttribute('viewBox'), rendering: svg.getAttribute('shape-rendering'),
            role: svg.getAttribute('role'), label: svg.getAttribute('aria-label'),
            paths: svg.querySelectorAll('path').length, rects: svg.querySelectorAll('rect').length,
            rectFill: svg.querySelector('rect').getAttribute('fill'),
            size: badgesiteQR.encode(document.querySelector('#award-url').dataset.qr).size,
            unlabelled: document.querySelector('#unlabelled > svg').getAttribute('aria-label'),
            tooLong: document.querySelector('#too-long').innerHTML,
            empty: document.querySelector('#empty').innerHTML,
        };
    }""")
    dim = info["size"] + 8  # quiet zone of 4 modules on each side
    assert info["viewBox"] == f"0 0 {dim} {dim}"
    assert info["rendering"] == "crispEdges"
    assert info["role"] == "img"
    assert info["label"] == LABEL
    assert info["unlabelled"] == "QR code"
    assert (info["paths"], info["rects"], info["rectFill"]) == (1, 1, "#fff")
    assert info["tooLong"] == "fallback"  # over capacity: left as it was
    assert info["empty"] == ""


def test_render_is_idempotent(page):
    count = page.evaluate("() => { badgesiteQR.render(); return document.querySelectorAll('#short > svg').length; }")
    assert count == 1


def test_matrix_matches_segno_at_the_same_mask(page, segno_fixed):
    for text in [*CASES.values(), "", "é", AWARD_URL.upper()]:
        ours = page.evaluate("t => badgesiteQR.encode(t)", text)
        theirs = segno_qr(text, mask=ours["mask"])
        assert ours["version"] == theirs.version, text
        assert page.evaluate("t => badgesiteQR.matrix(t)", text) == ours["modules"]
        assert ours["modules"] == segno_matrix(theirs), text


@pytest.mark.parametrize("text", ["short", AWARD_URL + "?v=7-and-up-version-information"])
def test_every_mask_matches_segno(page, text, segno_fixed):
    modules = page.evaluate("t => [0,1,2,3,4,5,6,7].map(m => badgesiteQR.matrix(t, m))", text)
    for mask, ours in enumerate(modules):
        assert ours == segno_matrix(segno_qr(text, mask=mask)), f"mask {mask}"


def test_version_selection_matches_segno_for_every_length(page, segno_fixed):
    texts = ["".join(chr(33 + (i * 7 + n) % 94) for i in range(n)) for n in range(MAX_BYTES + 1)]
    ours = page.evaluate("ts => ts.map(t => { const e = badgesiteQR.encode(t); return [e.version, e.mask]; })", texts)
    for text, (version, mask) in zip(texts, ours):
        theirs = segno_qr(text, mask=mask)
        assert (len(text), version) == (len(text), theirs.version)
    assert max(v for v, _ in ours) == 15
    error = page.evaluate("t => { try { badgesiteQR.matrix(t); return null; } catch (e) { return e.name; } }",
                          "y" * (MAX_BYTES + 1))
    assert error == "RangeError"
