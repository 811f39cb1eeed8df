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

from support.browser import StaticSite, chromium_path

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
    "accented-187-bytes": ACCENTED,
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
def page(tmp_path_factory, browser):
    root = tmp_path_factory.mktemp("qrsite")
    shutil.copyfile(QR_JS, root / "qr.js")
    items = "\n".join(
        f'<div class="qr" id="{name}" data-qr="{attr(text)}" data-qr-label="{attr(LABEL)}"></div>\n'
        f'<div class="qr odd" id="{name}-odd" data-qr="{attr(text)}"></div>'
        for name, text in CASES.items())
    (root / "index.html").write_text(
        PAGE.replace("{items}", items).replace("{too_long}", "y" * (MAX_BYTES + 1)), "utf-8")
    errors: list[str] = []
    with StaticSite(root) as site:
        pg = browser.new_page(viewport={"width": 1200, "height": 900})
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        pg.goto(site.base + "index.html")
        pg.wait_for_load_state("load")
        pg.errors = errors
        yield pg
        pg.close()


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


@pytest.mark.parametrize("text", ["short", AWARD_URL + "?with=version-information-from-version-7" * 3])
def test_every_mask_matches_segno(page, text, segno_fixed):
    modules = page.evaluate("t => [0,1,2,3,4,5,6,7].map(m => badgesiteQR.matrix(t, m))", text)
    assert len(modules[0]) == 17 + 4 * segno_qr(text).version
    for mask, ours in enumerate(modules):
        assert ours == segno_matrix(segno_qr(text, mask=mask)), f"mask {mask}"


def test_every_length_matches_segno(page, segno_fixed):
    """Version choice (1-15, boundaries included) and the whole symbol, 0 to 412 bytes."""
    texts = ["".join(chr(33 + (i * 7 + n) % 94) for i in range(n)) for n in range(MAX_BYTES + 1)]
    ours = page.evaluate("""ts => ts.map(t => {
        const e = badgesiteQR.encode(t);
        return [e.version, e.mask, e.modules.map(row => row.map(d => d ? '1' : '0').join('')).join('')];
    })""", texts)
    for text, (version, mask, modules) in zip(texts, ours):
        theirs = segno_qr(text, mask=mask)
        assert (len(text), version) == (len(text), theirs.version)
        assert modules == "".join("1" if m else "0" for row in theirs.matrix for m in row), len(text)
    assert sorted({v for v, _, _ in ours}) == list(range(1, 16))
    error = page.evaluate("t => { try { badgesiteQR.matrix(t); return null; } catch (e) { return e.name; } }",
                          "y" * (MAX_BYTES + 1))
    assert error == "RangeError"


def penalty(modules: list[list[bool]]) -> int:
    """ISO/IEC 18004 Table 11 (N1 runs, N2 2x2 blocks, N3 1:1:3:1:1 with 4 light, N4 balance)."""
    n = len(modules)
    score = 0
    for line in [list(row) for row in modules] + [list(col) for col in zip(*modules)]:
        run = 1
        for k in range(1, n + 1):
            if k < n and line[k] == line[k - 1]:
                run += 1
            else:
                score += run - 2 if run >= 5 else 0
                run = 1
        bits = "0000" + "".join("1" if m else "0" for m in line) + "0000"  # the quiet zone is light
        at = bits.find("1011101")
        while at != -1:
            score += 40 if "0000" in (bits[at - 4:at], bits[at + 7:at + 11]) else 0
            at = bits.find("1011101", at + 1)
    score += 3 * sum(modules[r][c] == modules[r][c + 1] == modules[r + 1][c] == modules[r + 1][c + 1]
                     for r in range(n - 1) for c in range(n - 1))
    dark = sum(map(sum, modules))
    return score + 10 * (abs(20 * dark - 10 * n * n) // (n * n))


@pytest.mark.parametrize("text", list(CASES.values()) + ["a", "badgesite"])
def test_chosen_mask_has_the_lowest_penalty(page, segno_fixed, text):
    """Scored on segno's eight finished symbols (format and version information included).

    segno itself may pick another mask: it scores symbols before their format
    information is written and reads N3 slightly differently; any mask scans.
    """
    mask = page.evaluate("t => badgesiteQR.encode(t).mask", text)
    scores = [penalty(segno_matrix(segno_qr(text, mask=m))) for m in range(8)]
    assert scores[mask] == min(scores)
    assert mask == scores.index(min(scores))  # ties go to the lowest mask number
