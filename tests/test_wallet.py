"""Into a wallet: the award page's [data-wallet] block, in headless Chromium.

The example programme is built with a fresh signing key (so every award has an OB 3.0
credential) and served on 127.0.0.1. The block must link the hosted credential and the
badge with the credential baked in (PNG, and SVG for SVG badges), show a QR code that a
real decoder (zxing-cpp) reads, from a screenshot, as the credential's public URL, and
keep the page free of axe-core violations.
"""
from __future__ import annotations

import io
import json
import re
import shutil
from urllib.parse import urljoin, urlsplit

import pytest
from PIL import Image

from conftest import REPO, make_site

sync_api = pytest.importorskip("playwright.sync_api")
zxingcpp = pytest.importorskip("zxingcpp")
from support.browser import AXE, StaticSite, local_page, chromium_path, run_axe  # noqa: E402

if not chromium_path():
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)

WALLET = "[data-wallet]"


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    from badgesite.assemble import load_site
    from badgesite.build import build
    from badgesite.sign import ed25519

    root = tmp_path_factory.mktemp("wallet") / "site"
    root.mkdir()
    shutil.copy(REPO / "badgesite.yaml", root / "badgesite.yaml")
    shutil.copytree(REPO / "content", root / "content")
    build(root, signing_key=ed25519.generate())
    site, _ = load_site(root)
    return site, root / "output"


@pytest.fixture(scope="module")
def server(example):
    site, output = example
    with StaticSite(output, urlsplit(site.config.base_url).path) as static:
        yield static


@pytest.fixture
def page(browser):
    with local_page(browser, viewport={"width": 1280, "height": 900}, locale="en-GB") as tab:
        yield tab


def valid_award(site, svg: bool):
    import datetime as dt

    for award in site.awards.values():
        if award.status(dt.date.today()) == "valid" and (site.badges[award.badge].image_type == "svg") == svg:
            if not award.expires or (award.expires - dt.date.today()).days > 2:
                return award
    pytest.skip(f"the example has no valid award with {'an SVG' if svg else 'a PNG'} badge")


def open_award(page, server, award):
    page.goto(f"{server.base}awards/{award.id}/")
    page.wait_for_selector(f"{WALLET} svg.qr-code")
    return page.locator(WALLET)


def decode(png: bytes) -> list:
    return zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)


@pytest.mark.parametrize("svg", [False, True], ids=["png-badge", "svg-badge"])
def test_the_wallet_block_links_the_credential_and_the_baked_badge(example, server, page, svg):
    from badgesite.output import bake

    site, _ = example
    award = valid_award(site, svg)
    block = open_award(page, server, award)
    assert block.count() == 1
    public = f"{site.config.base_url}credentials/{award.id}.json"
    assert block.locator("input[data-wallet-url]").input_value() == public

    downloads = {a.get_attribute("data-wallet-download"): urljoin(page.url, a.get_attribute("href"))
                 for a in block.locator("a[download]").all()}
    assert sorted(downloads) == (["json", "png", "svg"] if svg else ["json", "png"])
    hosted = page.request.get(downloads["json"])
    assert hosted.ok and "json" in hosted.headers["content-type"]
    credential = json.loads(hosted.body())
    assert credential["id"] == public  # the hosted credential names its own address
    assert "OpenBadgeCredential" in credential["type"] and credential["proof"]

    png = page.request.get(downloads["png"]).body()
    assert json.loads(bake.unbake_png(png, bake.OB3_KEYWORD)) == credential
    if svg:
        text = page.request.get(downloads["svg"]).text()
        assert re.search(r'<svg\b[^>]*xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"', text)
        assert "<openbadges:credential>" in text
        assert json.loads(bake.unbake_svg(text, "credential")) == credential
        assert "<openbadges:assertion" not in text


def test_the_qr_code_decodes_to_the_credential_url(example, server, page):
    site, _ = example
    award = valid_award(site, False)
    block = open_award(page, server, award)
    results = decode(block.locator("svg.qr-code").screenshot())
    assert len(results) == 1
    assert results[0].text == f"{site.config.base_url}credentials/{award.id}.json"


def test_the_copy_button_copies_the_link(example, server, browser):
    site, _ = example
    award = valid_award(site, False)
    parts = urlsplit(server.base)
    origin = f"{parts.scheme}://{parts.netloc}"
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    tab = context.new_page()
    try:
        block = open_award(tab, server, award)
        button = block.locator("button[data-copy]")
        assert button.is_visible()
        button.click()
        tab.wait_for_function("b => b.textContent !== 'Copy'", arg=button.element_handle())
        assert tab.evaluate("navigator.clipboard.readText()") == f"{site.config.base_url}credentials/{award.id}.json"
    finally:
        context.close()


def test_an_award_page_with_a_wallet_block_passes_axe(example, server, page):
    site, _ = example
    page.context.add_init_script(path=str(AXE))
    for svg in (False, True):
        award = valid_award(site, svg)
        open_award(page, server, award)
        page.wait_for_selector("[data-award-status]:not([data-award-status=checking])")
        assert run_axe(page) == []


def test_a_revoked_award_is_not_offered_to_wallets(example, server, page):
    import datetime as dt

    site, _ = example
    revoked = next((a for a in site.awards.values() if a.status(dt.date.today()) == "revoked"), None)
    if revoked is None:
        pytest.skip("the example has no revoked award")
    page.goto(f"{server.base}awards/{revoked.id}/")
    assert page.locator(WALLET).count() == 0


# -- without a browser -------------------------------------------------------------------

@pytest.mark.parametrize("language, words", [("nl", "Toevoegen aan een wallet"), ("en", "Add to a wallet")])
def test_the_steps_are_in_the_page_language_and_only_with_a_credential(tmp_path, language, words):
    from badgesite.build import build
    from badgesite.sign import ed25519

    config = ("base_url: https://example.org/badges/\nissuer:\n  name: Test Academy\n  url: https://example.org\n"
              f"awarders: [admin@example.org]\nlanguage: {language}\nrecipients: plain\n")
    root = make_site(tmp_path / "site", {"badgesite.yaml": config})
    build(root)
    page = (root / "output/awards/a-0001/index.html").read_text("utf-8")
    assert "data-wallet" not in page  # no key, no OB 3.0 credential: nothing to offer
    build(root, signing_key=ed25519.generate(), clean=True)
    page = (root / "output/awards/a-0001/index.html").read_text("utf-8")
    block = page[page.index("data-wallet"):]
    block = block[:block.index("</section>")]
    assert words in block
    assert 'data-qr="https://example.org/badges/credentials/a-0001.json"' in block
    assert 'href="../../credentials/a-0001.json"' in block and 'href="../../credentials/a-0001.png"' in block
