"""The pages as people use them, in headless Chromium against the example site on 127.0.0.1.

The example programme is built once into a temporary folder and served under the
path of its base_url, like GitHub Pages. Every page is audited with axe-core
(WCAG 2.1 A and AA, zero violations); the award pages' live status, live
revocation and recipient check, the verification page (baked PNG and SVG,
links, tampered and foreign awards) and the catalogue filters are driven through
the `data-*` attributes; and no page may make a request that leaves 127.0.0.1.

Needs Debian's chromium (apt-get install chromium) and axe-core (npm ci in
tests/browser); ./scripts/test installs both.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

from support.browser import AXE, StaticSite, local_page, chromium_path, run_axe

sync_api = pytest.importorskip("playwright.sync_api")

REPO = Path(__file__).resolve().parent.parent
RECIPIENTS = yaml.safe_load((REPO / "tests" / "fixtures" / "example-recipients.yaml").read_text("utf-8"))
SETTLED = "[data-status]:not([data-status='checking'])"
VERIFIED = "[data-verify-outcome]:not([data-verify-outcome='']):not([data-verify-outcome='checking'])"

if chromium_path() is None:
    pytest.skip("Chromium is not installed (apt-get install -y chromium)", allow_module_level=True)
if not AXE.is_file():
    pytest.skip("axe-core is not installed (cd tests/browser && npm ci)", allow_module_level=True)


# -- fixtures -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The example site, built once, and its model."""
    from badgesite.assemble import load_site
    from badgesite.build import build

    output = tmp_path_factory.mktemp("pages") / "output"
    build(REPO, output)
    site, _ = load_site(REPO)
    return site, output


@pytest.fixture(scope="module")
def server(example):
    site, output = example
    with StaticSite(output, urlsplit(site.config.base_url).path) as static:
        yield static


@pytest.fixture
def page(browser):
    """A fresh page; afterwards, every request it made must have stayed on 127.0.0.1."""
    with local_page(browser, viewport={"width": 1280, "height": 900}, locale="en-GB") as tab:
        yield tab


def awards_by_status(site) -> dict[str, list]:
    today = dt.date.today()
    found: dict[str, list] = {"valid": [], "expired": [], "revoked": []}
    for award in site.awards.values():
        # Stay clear of an expiry around today, where time zones could disagree.
        if award.expires and abs((award.expires - today).days) <= 2:
            continue
        found[award.status(today)].append(award)
    return found


def pick(site, status: str, svg: bool | None = None):
    for award in awards_by_status(site)[status]:
        if svg is None or (site.badges[award.badge].image_type == "svg") == svg:
            return award
    pytest.skip(f"the example has no {status} award{' with an SVG badge' if svg else ''}")


def award_url(server, award) -> str:
    return f"{server.base}awards/{award.id}/"


def status_of(page) -> tuple[str, str]:
    page.wait_for_selector(SETTLED, timeout=10_000)
    element = page.locator("[data-status]")
    note = page.locator("[data-status-note]")
    return element.get_attribute("data-status"), element.inner_text() + " " + note.inner_text()


def verify_text(page, server, value: str) -> tuple[str, dict[str, str]]:
    """Give the verification page a URL or pasted JSON; its outcome and checks."""
    page.goto(server.base + "verify/")
    page.fill("#verify-input", value)
    page.click("[data-verify-form] button[type=submit]")
    return verify_outcome(page)


def verify_outcome(page) -> tuple[str, dict[str, str]]:
    page.wait_for_selector(VERIFIED, timeout=10_000)
    outcome = page.locator("[data-verify-outcome]").get_attribute("data-verify-outcome")
    checks = {li.get_attribute("data-check"): li.get_attribute("data-ok")
              for li in page.locator("[data-verify-checks] li").all()}
    return outcome, checks


# -- accessibility --------------------------------------------------------------------------

def kinds_of_page(site) -> dict[str, str]:
    valid, expired, revoked = (pick(site, s) for s in ("valid", "expired", "revoked"))
    translated = next(b for b in site.badges.values() if b.translations)
    first = next(iter(site.badges))
    return {
        "home": "", "home-nl": "nl/", "badge": f"badges/{first}/",
        "badge-nl": f"nl/badges/{translated.id}/",
        "award-valid": f"awards/{valid.id}/", "award-expired": f"awards/{expired.id}/",
        "award-revoked": f"awards/{revoked.id}/", "issuer": "issuer/", "paths": "paths/", "paths-nl": "nl/paths/",
        "verify": "verify/", "verify-nl": "nl/verify/", "404": "no/such/page/",
    }


def test_every_kind_of_page_passes_axe(example, server, page):
    site, _ = example
    page.context.add_init_script(path=str(AXE))
    failures = {}
    for name, path in kinds_of_page(site).items():
        page.goto(server.base + path)
        if name.startswith("award"):
            page.wait_for_selector(SETTLED)
        violations = run_axe(page)
        if violations:
            failures[name] = violations
    assert failures == {}


def test_pages_with_results_pass_axe(example, server, page):
    """Pages after their scripts have drawn something: a verification report, a recipient check."""
    site, output = example
    award = pick(site, "revoked")
    page.goto(server.base + "verify/")
    page.fill("#verify-email", "nobody@example.org")
    page.set_input_files("#verify-file", str(output / f"awards/{award.id}.png"))
    verify_outcome(page)
    assert run_axe(page) == []
    valid = pick(site, "valid")
    page.goto(award_url(server, valid))
    page.fill("[data-verify-recipient] input[type=email]", "nobody@example.org")
    page.click("[data-verify-recipient] button[type=submit]")
    page.wait_for_selector("[data-verify-result='mismatch']")
    assert run_axe(page) == []


def test_keyboard_skip_link_and_visible_focus(server, page):
    page.goto(server.base)
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.className, getComputedStyle(document.activeElement).outlineStyle]")
    assert focused[0] == "skip" and focused[1] != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"


# -- award pages ----------------------------------------------------------------------------

@pytest.mark.parametrize("status", ["valid", "expired", "revoked"])
def test_award_status(example, server, page, status):
    site, _ = example
    award = pick(site, status)
    page.goto(award_url(server, award))
    shown, text = status_of(page)
    assert shown == status
    if status == "revoked":
        assert award.revoked.reason[:40] in text
    robots = page.locator("meta[name=robots]").get_attribute("content")
    assert "noindex" in robots


def test_revocation_published_after_the_build_shows(example, server, page):
    site, output = example
    award = pick(site, "valid")
    assertion_id = f"{site.config.base_url}awards/{award.id}.json"
    revocations = json.loads((output / "revocations.json").read_text("utf-8"))
    revocations["revokedAssertions"].append(
        {"id": assertion_id, "revocationReason": "Live test: awarded to the wrong person", "revokedOn": "2026-01-02"})
    server.overrides["revocations.json"] = json.dumps(revocations).encode()
    try:
        page.goto(award_url(server, award))
        shown, text = status_of(page)
        assert shown == "revoked"
        assert "awarded to the wrong person" in text
    finally:
        server.overrides.clear()

    # An entry may also be a bare string: here the address the assertion is served from.
    revocations = json.loads((output / "revocations.json").read_text("utf-8"))
    revocations["revokedAssertions"].append(f"{server.base}awards/{award.id}.json")
    server.overrides["revocations.json"] = json.dumps(revocations).encode()
    try:
        page.goto(award_url(server, award))
        assert status_of(page)[0] == "revoked"
    finally:
        server.overrides.clear()

    # The other half of a revocation: the assertion itself rewritten with revoked: true.
    assertion = json.loads((output / f"awards/{award.id}.json").read_text("utf-8"))
    assertion.update(revoked=True, revocationReason="Live test: rewritten assertion")
    server.overrides[f"awards/{award.id}.json"] = json.dumps(assertion).encode()
    try:
        page.goto(award_url(server, award))
        shown, text = status_of(page)
        assert shown == "revoked" and "rewritten assertion" in text
    finally:
        server.overrides.clear()


def test_status_is_unknown_when_records_are_unreachable(example, server, page):
    site, _ = example
    award = pick(site, "valid")
    server.overrides["revocations.json"] = b"{not json"
    try:
        page.goto(award_url(server, award))
        shown, _ = status_of(page)
        assert shown == "unknown"
    finally:
        server.overrides.clear()


def test_status_says_when_the_record_is_gone(example, server, page):
    """A 404 for the assertion (the page decides on the HTTP status, not on the words of
    the error) says the issuer no longer publishes it; other failures say to try later."""
    site, output = example
    award = pick(site, "valid")
    record = output / "awards" / f"{award.id}.json"
    aside = record.with_name(record.name + ".aside")
    record.rename(aside)
    try:
        page.goto(award_url(server, award))
        shown, text = status_of(page)
        assert shown == "unknown" and "no longer publishes this award's record" in text
    finally:
        aside.rename(record)
    server.overrides[f"awards/{award.id}.json"] = b"{not json"
    try:
        page.goto(award_url(server, award))
        shown, text = status_of(page)
        assert shown == "unknown" and "no longer publishes" not in text
    finally:
        server.overrides.clear()


def test_recipient_check(example, server, page):
    site, _ = example
    award = pick(site, "valid")
    email = RECIPIENTS[award.id]
    page.goto(award_url(server, award))
    form = page.locator("[data-verify-recipient]")
    result = form.locator("[data-verify-result]")
    form.locator("input[type=email]").fill(f"  {email.upper()} ")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-verify-result='match']")
    form.locator("input[type=email]").fill("someone.else@example.org")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-verify-result='mismatch']")
    assert result.inner_text()


def test_award_page_links_and_previews(example, server, page):
    site, _ = example
    award = pick(site, "valid", svg=True)
    page.goto(award_url(server, award))
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert f"../{award.id}.png" in hrefs and f"../{award.id}.svg" in hrefs and f"../{award.id}.json" in hrefs
    assert any(h.startswith("https://www.linkedin.com/profile/add?") for h in hrefs)
    assert any(h.startswith("../../verify/?url=") for h in hrefs)
    image = page.locator("meta[property='og:image']").get_attribute("content")
    assert image.startswith(site.config.base_url) and image.endswith(".card.png")
    # Every download link and preview card the page names exists.
    for href in hrefs:
        if not href.startswith(("http", "mailto:", "#")):
            assert page.request.get(urljoin(page.url, href)).ok, href
    assert page.request.get(image.replace(site.config.base_url, server.base)).ok


def test_award_prints_on_one_page_with_a_qr_code(example, server, page):
    site, _ = example
    # The award with the most to say: most criteria, evidence and a long name.
    award = max(site.awards.values(), key=lambda a: (len(site.badges[a.badge].text.criteria), len(a.evidence)))
    page.goto(award_url(server, award))
    status_of(page)
    page.wait_for_selector(".certificate svg.qr-code", state="attached")
    page.emulate_media(media="print")
    assert page.locator(".certificate").is_visible()
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("[data-verify-recipient]").is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1


# -- verification page ----------------------------------------------------------------------

def test_verify_baked_png(example, server, page):
    site, output = example
    award = pick(site, "valid", svg=False)
    page.goto(server.base + "verify/")
    page.fill("#verify-email", RECIPIENTS[award.id])
    page.set_input_files("#verify-file", str(output / f"awards/{award.id}.png"))
    outcome, checks = verify_outcome(page)
    assert outcome == "valid"
    assert checks == {"read": "true", "hosted": "true", "match": "true", "badge": "true", "issuer": "true",
                      "dates": "true", "revocation": "true", "recipient": "true"}


def test_verify_baked_svg_of_an_expired_award(example, server, page):
    site, output = example
    award = pick(site, "expired", svg=True) if any(
        site.badges[a.badge].image_type == "svg" for a in awards_by_status(site)["expired"]) else pick(site, "valid", svg=True)
    page.goto(server.base + "nl/verify/")
    page.set_input_files("#verify-file", str(output / f"awards/{award.id}.svg"))
    outcome, checks = verify_outcome(page)
    assert outcome == award.status(dt.date.today())
    assert checks["match"] == "true" and checks["recipient"] == "skip"
    assert "Gepubliceerde gegevens" in page.inner_text("[data-verify-checks]")  # explained in Dutch


@pytest.mark.parametrize("form", ["purl-v2p0", "other-prefix"])
def test_verify_svg_baked_the_older_way(example, server, page, tmp_path, form):
    """SVGs baked in the namespace earlier badgesite versions wrote, or with another
    prefix for the Open Badges namespace, are read as well."""
    site, output = example
    award = pick(site, "valid", svg=True)
    svg = (output / f"awards/{award.id}.svg").read_text("utf-8")
    assert 'xmlns:openbadges="http://openbadges.org"' in svg
    if form == "purl-v2p0":
        svg = svg.replace("http://openbadges.org", "https://purl.imsglobal.org/ob/v2p0")
    else:
        svg = svg.replace("xmlns:openbadges=", "xmlns:ob=").replace("openbadges:assertion", "ob:assertion")
    path = tmp_path / f"{award.id}.svg"
    path.write_text(svg, encoding="utf-8")
    page.goto(server.base + "verify/")
    page.fill("#verify-email", RECIPIENTS[award.id])
    page.set_input_files("#verify-file", str(path))
    outcome, checks = verify_outcome(page)
    assert outcome == "valid" and checks["read"] == "true" and checks["recipient"] == "true"


def test_verify_revoked_png_and_wrong_email(example, server, page):
    site, output = example
    award = pick(site, "revoked")
    page.goto(server.base + "verify/")
    page.fill("#verify-email", "not.them@example.org")
    page.set_input_files("#verify-file", str(output / f"awards/{award.id}.png"))
    outcome, checks = verify_outcome(page)
    assert outcome == "revoked"
    assert checks["revocation"] == "false" and checks["recipient"] == "false"
    assert award.revoked.reason[:30] in page.inner_text("[data-verify-checks]")


@pytest.mark.parametrize("form", ["page", "json-url", "json-text", "query"])
def test_verify_pasted_link_or_json(example, server, page, form):
    site, output = example
    award = pick(site, "valid")
    base = site.config.base_url
    value = {"page": f"{base}awards/{award.id}/", "json-url": f"{base}awards/{award.id}.json",
             "json-text": (output / f"awards/{award.id}.json").read_text("utf-8")}.get(form)
    if form == "query":
        page.goto(f"{server.base}verify/?url={base}awards/{award.id}.json")
        outcome, checks = verify_outcome(page)
    else:
        outcome, checks = verify_text(page, server, value)
    assert outcome == "valid", checks


def test_verify_tampered_image_fails(example, server, page, tmp_path):
    from badgesite.output import bake

    site, output = example
    award = pick(site, "valid", svg=False)
    original = (output / f"awards/{award.id}.png").read_bytes()
    claimed = json.loads(bake.unbake_png(original))
    claimed["recipient"]["identity"] = "sha256$" + "0" * 64  # someone put their own hash in
    claimed["expires"] = "2099-01-01T00:00:00+00:00"
    tampered = tmp_path / "tampered.png"
    tampered.write_bytes(bake.bake_png(original, json.dumps(claimed)))
    page.goto(server.base + "verify/")
    page.set_input_files("#verify-file", str(tampered))
    outcome, checks = verify_outcome(page)
    assert outcome == "invalid" and checks["match"] == "false"


def test_verify_foreign_assertion_fails(example, server, page):
    """An assertion hosted elsewhere that claims one of this issuer's badges."""
    site, output = example
    award = pick(site, "valid")
    forged = json.loads((output / f"awards/{award.id}.json").read_text("utf-8"))
    forged_path = "forger/awards/fake.json"
    forged["id"] = f"http://127.0.0.1:{server.server.server_port}/{forged_path}"
    server.extra[f"/{forged_path}"] = json.dumps(forged).encode()
    try:
        outcome, checks = verify_text(page, server, forged["id"])
    finally:
        server.extra.clear()
    assert outcome == "invalid" and checks["hosted"] == "true" and checks["issuer"] == "false"


def test_verify_issuer_whose_id_is_no_url_fails_its_check(example, server, page):
    """An issuer profile whose id is no URL allows no host: the issuer check fails (the
    report stands), rather than the page failing to read the award."""
    site, output = example
    award = pick(site, "valid")
    origin = f"http://127.0.0.1:{server.server.server_port}/forger/"
    assertion = json.loads((output / f"awards/{award.id}.json").read_text("utf-8"))
    badge = json.loads((output / f"badges/{award.badge}.json").read_text("utf-8"))
    issuer = json.loads((output / "issuer.json").read_text("utf-8"))
    assertion["id"], assertion["badge"] = origin + "assertion.json", origin + "badge.json"
    badge["id"], badge["issuer"] = origin + "badge.json", origin + "issuer.json"
    issuer["id"] = "issuer without an address"
    issuer.pop("verification", None)
    for name, doc in (("assertion", assertion), ("badge", badge), ("issuer", issuer)):
        server.extra[f"/forger/{name}.json"] = json.dumps(doc).encode()
    try:
        outcome, checks = verify_text(page, server, assertion["id"])
    finally:
        server.extra.clear()
    assert outcome == "invalid" and checks["badge"] == "true" and checks["issuer"] == "false"


def test_verify_unknown_award_and_plain_image_fail(example, server, page):
    site, output = example
    outcome, _ = verify_text(page, server, f"{site.config.base_url}awards/does-not-exist.json")
    assert outcome == "error"
    badge = next(b for b in site.badges.values() if b.image_type == "png")
    page.set_input_files("#verify-file", str(output / f"badges/{badge.id}.png"))  # not baked
    outcome, checks = verify_outcome(page)
    assert outcome == "error" and checks == {"read": "false"}


# -- catalogue ------------------------------------------------------------------------------

def visible_cards(page) -> set[str]:
    return set(page.eval_on_selector_all(
        "[data-catalogue] .card:not([hidden]) h2 a", "els => els.map(e => e.getAttribute('href'))"))


def test_catalogue_search_and_filters(example, server, page):
    site, _ = example
    page.goto(server.base)
    assert len(visible_cards(page)) == len(site.badges)
    tag = "python"
    page.select_option("#f-tag", tag)
    assert visible_cards(page) == {f"badges/{b.id}/" for b in site.badges.values() if tag in b.tags}
    assert "tag=python" in page.url  # a filtered view can be shared
    page.select_option("#f-tag", "")
    page.select_option("#f-language", "nl")
    assert visible_cards(page) == {f"badges/{b.id}/" for b in site.badges.values() if "nl" in b.translations}
    page.click("[data-catalogue-filter] button[type=reset]")
    page.fill("#q", "laser")
    laser = {f"badges/{b.id}/" for b in site.badges.values()
             if "laser" in (b.name + b.text.description + " ".join(b.tags)).lower()}
    # the reset and the search apply after their events: wait for the search's result itself
    # (a count would also match the language filter's result before the reset applied)
    page.wait_for_function("want => [...document.querySelectorAll('[data-catalogue] .card:not([hidden]) h2 a')]"
                           ".map(e => e.getAttribute('href')).sort().join(' ') === want", arg=" ".join(sorted(laser)))
    assert visible_cards(page) == laser
    page.fill("#q", "zzzz-nothing")
    page.wait_for_selector("[data-no-results]:not([hidden])")
    # Opening a shared filtered address applies it.
    page.goto(server.base + "?kind=microcredential")
    assert visible_cards(page) == {f"badges/{b.id}/" for b in site.badges.values() if b.kind == "microcredential"}


def test_pages_work_without_javascript(example, server, browser):
    site, _ = example
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    try:
        tab.goto(server.base)
        assert tab.locator("[data-catalogue] .card:visible").count() == len(site.badges)
        assert not tab.locator("[data-catalogue-filter]").is_visible()
        award = pick(site, "valid")
        tab.goto(award_url(server, award))
        assert not tab.locator("[data-verify-recipient]").is_visible()  # would send the address in the URL
        assert tab.locator("noscript").count() >= 1
    finally:
        context.close()


# -- a site no one has seen: crawl it all ---------------------------------------------------

UNUSUAL_BADGE = """\
---
name: Soldering & Repair — an unusually long badge name that wraps over several lines
description: "Solders <b>through-hole</b> parts & explains why: a description with 'quotes' and an ampersand."
image: soldering.svg
criteria:
  - Solders ten joints.
  - Desoldering without lifting a pad.
tags: [electronics, repair]
kind: extracurricular
valid_for: P1Y6M
requires: [python-basics]
study_load: {hours: 1.5, ects: 0.1}
---
# A heading written as h1

| Part | Time |
| ---- | ---- |
| Resistor | 2 min |

> A quote from the lab.

    code block with a very-long-unbreakable-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa

A [link in text](https://example.org/help) and <script>alert(1)</script>.
"""

UNUSUAL_AWARDS = """\
- id: u-valid
  badge: soldering
  recipient: anna@example.org
  issued: 2026-01-05
  awarded_by: admin@example.org
  evidence:
    - name: Logbook without a link
      narrative: "Kept a *logbook* of every joint."
    - url: https://example.org/evidence
- id: u-expired
  badge: python-basics
  recipient: Bob@Example.org
  name: Bob
  issued: 2020-01-01
  expires: 2021-01-01
  awarded_by: admin@example.org
- id: u-revoked
  badge: soldering
  recipient: carol@example.org
  name: Carol
  issued: 2026-01-05
  awarded_by: admin@example.org
  revoked: {date: 2026-02-01, reason: "Entered twice."}
"""


def test_crawl_an_unusual_site(browser, tmp_path):
    """Every page reachable from the home page of a site unlike the example, and its award pages:
    no axe-core violation, no broken local link, no script error, no request elsewhere."""
    from conftest import CONFIG, SVG, make_site
    from badgesite.build import build

    root = make_site(tmp_path / "site", {
        "badgesite.yaml": CONFIG.replace("  email: badges@example.org\n", "  color: \"#ffe14d\"\n")
        + "recipients: plain\nlanguage: nl\nlanguages: [nl, de]\n",
        "content/badges/soldering.md": UNUSUAL_BADGE,
        "content/badges/soldering.svg": SVG,
        "content/awards/2026.yaml": UNUSUAL_AWARDS,
    })
    build(root, tmp_path / "out")
    with StaticSite(tmp_path / "out", "/badges/") as static:
        context = browser.new_context()
        context.add_init_script(path=str(AXE))
        requests, errors = [], []
        context.route("**/*", lambda r: (requests.append(r.request.url), r.continue_() if urlsplit(
            r.request.url).hostname in ("127.0.0.1", None) else r.abort()))
        tab = context.new_page()
        tab.on("pageerror", lambda e: errors.append(str(e)))
        queue = [static.base] + [f"{static.base}awards/{i}/" for i in ("u-valid", "u-expired", "u-revoked")]
        seen, checked, failures, statuses = set(), set(), {}, {}
        while queue:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            response = tab.goto(url)
            assert response.ok, url
            if "/awards/" in url:
                tab.wait_for_selector(SETTLED)
                statuses[url.rsplit("/", 2)[-2]] = tab.get_attribute("[data-status]", "data-status")
            violations = run_axe(tab)
            if violations:
                failures[url] = violations
            for href in tab.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
                target = href.split("#")[0]
                if not target.startswith(static.base):
                    continue
                if target.endswith("/") or target.split("?")[0].endswith("/"):
                    queue.append(target.split("?")[0])
                elif target not in checked:
                    checked.add(target)
                    assert tab.request.get(target).ok, (url, target)  # JSON, images, feed
        context.close()
    assert failures == {}
    assert statuses == {"u-valid": "valid", "u-expired": "expired", "u-revoked": "revoked"}
    assert errors == []
    assert all(urlsplit(u).hostname in ("127.0.0.1", None) for u in requests)
    assert len(seen) >= 13  # home, badge pages, paths, verify, issuer in two languages, awards


def test_verify_by_dropping_an_image(example, server, page):
    site, _ = example
    award = pick(site, "valid", svg=True)
    page.goto(server.base + "verify/")
    page.evaluate("""async url => {
        const blob = await (await fetch(url)).blob();
        const transfer = new DataTransfer();
        transfer.items.add(new File([blob], "badge.svg", {type: "image/svg+xml"}));
        const form = document.querySelector("[data-verify-form]");
        form.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true, cancelable: true}));
        form.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
    }""", f"{server.base}awards/{award.id}.svg")
    outcome, checks = verify_outcome(page)
    assert outcome == "valid" and checks["read"] == "true"
