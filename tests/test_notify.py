"""Telling recipients: award queues, notify sends, against a real SMTP server.

Every test talks to a real SMTP server on 127.0.0.1 (aiosmtpd, tests/smtpserver.py),
never a stand-in for smtplib; live checks ask a built site served on 127.0.0.1 with
the site's base_url pointing at it.
"""
from __future__ import annotations

import email
import email.policy
import os
import re
import socket
import stat
import subprocess
from pathlib import Path

import pytest

from conftest import make_site, run_cli

pytest.importorskip("aiosmtpd")
from support.browser import StaticSite  # noqa: E402
from support.smtpserver import Mailbox, certificate, free_port  # noqa: E402

ADMIN = "admin@example.org"
PEOPLE = [("leah@example.org", "Leah de Vries", "NL"), ("sam@example.org", "Sam O'Neil", "en"),
          ("ana@example.org", "Ana <b>Bold</b> & Co", ""), ("kim@example.org", "", "")]


def config(base_url: str, port: int, security: str = "none", extra: str = "") -> str:
    return f"""\
base_url: {base_url}
language: en
languages: [en, nl]
issuer:
  name: Test Academy
  url: https://example.org
awarders: [{ADMIN}]
mail:
  from: Test Academy <badges@example.org>
  smtp: {{host: 127.0.0.1, port: {port}, security: {security}{extra}}}
"""


def mail_site(tmp_path: Path, base_url: str, port: int, security: str = "none", extra: str = "") -> Path:
    root = make_site(tmp_path / "site", {"badgesite.yaml": config(base_url, port, security, extra),
                                         "content/awards/2026.yaml": None}, plain=False)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "site")
    return root


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True,
                          env=env).stdout


def spreadsheet(tmp_path: Path, people=PEOPLE) -> Path:
    path = tmp_path / "results.csv"
    rows = ["badge;email;name;language"] + [f'python-basics;{e};"{n}";{lang}' for e, n, lang in people]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def award_csv(root: Path, csv: Path, *more: str) -> tuple[int, str, str]:
    return run_cli("award", "-s", str(root), "--csv", str(csv), *more)


def awards_of(root: Path) -> dict[str, str]:
    """Award id -> page URL, from the ledger (the e-mail is only a hash there)."""
    from badgesite.assemble import load_site
    from badgesite.urls import Urls

    site, _ = load_site(root)
    urls = Urls(site.config.base_url, site.config.language)
    return {a.id: urls.page_url(urls.award_page(a.id)) for a in site.awards.values()}


def text_part(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_part(message) -> str:
    return message.get_body(("html",)).get_content()


@pytest.fixture
def outbox(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "outbox"
    monkeypatch.setenv("BADGESITE_OUTBOX", str(folder))
    monkeypatch.delenv("BADGESITE_SMTP_PASSWORD", raising=False)
    return folder


@pytest.fixture
def hosted(tmp_path):
    """A static host on 127.0.0.1 for the site's output/ (empty until it is built)."""
    output = tmp_path / "site" / "output"
    with StaticSite(output, "/badges/") as static:
        yield static


def build(root: Path) -> None:
    from badgesite.build import build as build_site

    build_site(root)


# -- configuration ------------------------------------------------------------------

def test_a_wrong_mail_section_is_an_error_at_its_line(tmp_path, outbox):
    root = make_site(tmp_path / "s", {"badgesite.yaml": config("https://example.org/b/", 25).replace(
        "  smtp:", "  per_minuet: 10\n  smtp:").replace("security: none", "security: tls, usernme: x")})
    code, _, err = run_cli("check", "-s", str(root))
    assert code == 1
    assert re.search(r"badgesite.yaml:10:\d+: error: unknown key 'per_minuet' \(did you mean 'per_minute'\?\)", err)
    assert re.search(r"badgesite.yaml:11:\d+: error: 'security' must be one of starttls, ssl, none, not 'tls'", err)
    assert re.search(r"badgesite.yaml:11:\d+: error: unknown key 'usernme' \(did you mean 'username'\?\)", err)
    assert "Traceback" not in err


def test_a_sender_with_a_line_break_is_refused(tmp_path):
    root = make_site(tmp_path / "s", {"badgesite.yaml": config("https://example.org/b/", 25).replace(
        "from: Test Academy <badges@example.org>", 'from: "Test\\nBcc: all@example.org <badges@example.org>"')})
    code, _, err = run_cli("check", "-s", str(root))
    assert code == 1 and "badgesite.yaml:9:" in err and "'from' must be an address" in err


# -- award queues, notify sends ----------------------------------------------------------

def test_one_message_per_award_each_to_its_recipient_only_once_live(tmp_path, outbox, hosted):
    with Mailbox() as box:
        root = mail_site(tmp_path, hosted.base, box.port)
        code, out, err = award_csv(root, spreadsheet(tmp_path))
        assert code == 0, err
        assert "queued 4 messages" in out
        queued = sorted((outbox / "queue").iterdir())
        assert len(queued) == 4
        # private: folders 0700, files 0600
        for folder in (outbox, outbox / "queue", outbox / "sent"):
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in queued)

        # not published yet: nothing is sent, every message waits
        code, out, err = run_cli("notify", "-s", str(root))
        assert code == 0, err
        assert box.messages == []
        assert "4 messages wait for the award page to be published" in out
        assert len(list((outbox / "queue").iterdir())) == 4

        build(root)
        code, out, err = run_cli("notify", "-s", str(root))
        assert code == 0, err
        assert "sent 4 messages" in out
        code, out, _ = run_cli("notify", "-s", str(root))
        assert code == 0 and "nothing to send" in out

    pages = awards_of(root)
    received = box.by_recipient()
    assert sorted(received) == sorted(e for e, _, _ in PEOPLE)
    for address, name, language in PEOPLE:
        [message] = received[address]
        assert [rcpt for _, rcpt in box.envelopes if address in rcpt] == [[address]]
        mine = [url for url in pages.values() if url in text_part(message)]
        assert len(mine) == 1, f"{address}: {mine}"  # their own award's page, and no one else's
        assert mine[0] in html_part(message)
        assert all(url not in text_part(message) for url in pages.values() if url != mine[0])
        assert message["Content-Language"] == (language or "en").lower()
        assert "https://www.linkedin.com/profile/add?" in text_part(message)
        assert mine[0] + "#wallet" in text_part(message)
        award_id = mine[0].rstrip("/").rsplit("/", 1)[-1]
        assert f"awards/{award_id}.png" in text_part(message)
        if name:
            assert message["To"].addresses[0].display_name == name
    nl = received["leah@example.org"][0]
    assert "Je hebt de Open Badge" in nl["Subject"] and "Beste Leah de Vries," in text_part(nl)
    assert "You have been awarded" in received["sam@example.org"][0]["Subject"]
    # every value escaped in the HTML part; the text part is plain
    html = html_part(received["ana@example.org"][0])
    assert "Ana &lt;b&gt;Bold&lt;/b&gt; &amp; Co" in html and "<b>Bold" not in html
    assert "Ana <b>Bold</b> & Co" in text_part(received["ana@example.org"][0])
    # sent: the addresses are gone from the outbox; the sent log keeps id, time, Message-ID
    assert list((outbox / "queue").iterdir()) == []
    log = [p.read_text("utf-8") for p in (outbox / "sent").iterdir()]
    assert len(log) == 4 and not any("@example.org>" not in t and "example.org\"" in t for t in log)
    assert not any(address in text for text in log for address, _, _ in PEOPLE)
    assert {m["Message-ID"] for m in box.messages} == {re.search(r'"message_id": "([^"]+)"', t).group(1) for t in log}
    assert_no_address_in_the_site(root)


def assert_no_address_in_the_site(root: Path) -> None:
    """No recipient address in the output, the ledger, the working tree or git history."""
    git(root, "add", "-A", "content")
    git(root, "commit", "-qm", "awards")
    history = git(root, "log", "-p", "--all")
    for address, _, _ in PEOPLE:
        assert address not in history
        hits = subprocess.run(["grep", "-rl", "--exclude-dir=.git", address, str(root)], capture_output=True,
                              text=True).stdout
        assert hits == "", hits


def test_no_live_check_sends_before_the_page_exists(tmp_path, outbox, hosted):
    with Mailbox() as box:
        root = mail_site(tmp_path, hosted.base, box.port)
        assert award_csv(root, spreadsheet(tmp_path))[0] == 0
        code, out, err = run_cli("notify", "-s", str(root), "--no-live-check")
        assert code == 0, err
    assert len(box.messages) == 4


def test_an_unreachable_site_counts_as_not_live(tmp_path, outbox):
    closed = free_port()
    with Mailbox() as box:
        root = mail_site(tmp_path, f"http://127.0.0.1:{closed}/badges/", box.port)
        assert award_csv(root, spreadsheet(tmp_path, PEOPLE[:1]))[0] == 0
        code, out, _ = run_cli("notify", "-s", str(root))
    assert code == 0 and box.messages == [] and "1 message waits" in out


def test_server_down_loses_nothing_and_a_rerun_sends_each_once(tmp_path, outbox):
    port = free_port()
    root = mail_site(tmp_path, "https://example.org/badges/", port)
    assert award_csv(root, spreadsheet(tmp_path))[0] == 0
    code, out, err = run_cli("notify", "-s", str(root), "--no-live-check")
    assert code == 1
    assert f"cannot connect to the mail server 127.0.0.1:{port}" in err
    assert "4 messages stay queued" in err and "Traceback" not in err
    assert len(list((outbox / "queue").iterdir())) == 4
    with Mailbox(port=port) as box:
        assert run_cli("notify", "-s", str(root), "--no-live-check")[0] == 0
        assert run_cli("notify", "-s", str(root), "--no-live-check")[0] == 0
    assert sorted(box.by_recipient()) == sorted(e for e, _, _ in PEOPLE)
    assert all(len(v) == 1 for v in box.by_recipient().values())


def test_a_server_that_stops_accepting_midway_keeps_the_rest_queued(tmp_path, outbox):
    with Mailbox(accept=2) as box:
        root = mail_site(tmp_path, "https://example.org/badges/", box.port)
        assert award_csv(root, spreadsheet(tmp_path))[0] == 0
        code, out, err = run_cli("notify", "-s", str(root), "--no-live-check")
        assert code == 1
        assert "stopped accepting messages: 421" in err and "2 messages stay queued" in err
        assert len(box.messages) == 2
        first = {m["To"].addresses[0].addr_spec for m in box.messages}
        box.accept = None
        assert run_cli("notify", "-s", str(root), "--no-live-check")[0] == 0
    later = {m["To"].addresses[0].addr_spec for m in box.messages[2:]}
    assert len(box.messages) == 4 and first.isdisjoint(later) and first | later == {e for e, _, _ in PEOPLE}


def test_a_refused_recipient_stays_queued_and_the_others_go(tmp_path, outbox):
    with Mailbox(refuse={"sam@example.org"}) as box:
        root = mail_site(tmp_path, "https://example.org/badges/", box.port)
        assert award_csv(root, spreadsheet(tmp_path))[0] == 0
        code, out, err = run_cli("notify", "-s", str(root), "--no-live-check")
        assert code == 1 and "550" in err and "stays queued" in err
        assert len(box.messages) == 3
        box.refuse = set()
        assert run_cli("notify", "-s", str(root), "--no-live-check")[0] == 0
    assert [m["To"].addresses[0].addr_spec for m in box.messages[3:]] == ["sam@example.org"]


def test_a_server_that_does_not_answer_times_out_cleanly(tmp_path, outbox, monkeypatch):
    from badgesite.mail import send

    monkeypatch.setattr(send, "TIMEOUT", 1)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    try:
        root = mail_site(tmp_path, "https://example.org/badges/", silent.getsockname()[1])
        assert award_csv(root, spreadsheet(tmp_path, PEOPLE[:2]))[0] == 0
        code, _, err = run_cli("notify", "-s", str(root), "--no-live-check")
    finally:
        silent.close()
    assert code == 1 and "no answer in time" in err and "2 messages stay queued" in err
    assert "Traceback" not in err


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # implicit TLS, see support/smtpserver
@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_and_login(tmp_path, outbox, monkeypatch, security):
    cert, key = certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts the self-signed certificate
    with Mailbox(security=security, cert=(cert, key), login=("badges", "s3cret")) as box:
        root = mail_site(tmp_path, "https://example.org/badges/", box.port, security, ", username: badges")
        assert award_csv(root, spreadsheet(tmp_path, PEOPLE[:2]))[0] == 0
        code, _, err = run_cli("notify", "-s", str(root), "--no-live-check")
        assert code == 1 and "BADGESITE_SMTP_PASSWORD is not" in err
        monkeypatch.setenv("BADGESITE_SMTP_PASSWORD", "wrong")
        code, _, err = run_cli("notify", "-s", str(root), "--no-live-check")
        assert code == 1 and "refused the login of badges" in err and box.messages == []
        monkeypatch.setenv("BADGESITE_SMTP_PASSWORD", "s3cret")
        code, out, err = run_cli("notify", "-s", str(root), "--no-live-check")
        assert code == 0, err
    assert len(box.messages) == 2 and box.logins == ["badges"]


def test_an_untrusted_certificate_is_refused(tmp_path, outbox, monkeypatch):
    cert, key = certificate(tmp_path)
    with Mailbox(security="starttls", cert=(cert, key)) as box:
        root = mail_site(tmp_path, "https://example.org/badges/", box.port, "starttls")
        assert award_csv(root, spreadsheet(tmp_path, PEOPLE[:1]))[0] == 0
        code, _, err = run_cli("notify", "-s", str(root), "--no-live-check")
    assert code == 1 and "certificate" in err and box.messages == []


def test_two_runs_at_once_do_not_both_send(tmp_path, outbox):
    from badgesite.mail.outbox import Outbox

    with Mailbox() as box:
        root = mail_site(tmp_path, "https://example.org/badges/", box.port)
        assert award_csv(root, spreadsheet(tmp_path, PEOPLE[:2]))[0] == 0
        with Outbox(outbox).sending():  # another run is sending
            code, _, err = run_cli("notify", "-s", str(root), "--no-live-check")
            assert code == 1 and "another 'badgesite notify' is sending" in err
            assert box.messages == []
        assert run_cli("notify", "-s", str(root), "--no-live-check")[0] == 0
    assert len(box.messages) == 2


def test_a_thousand_messages_in_one_connection(tmp_path, outbox):
    people = [(f"p{i:04d}@example.org", f"Person {i}", "") for i in range(1000)]
    with Mailbox() as box:
        root = mail_site(tmp_path, "https://example.org/badges/", box.port)
        assert award_csv(root, spreadsheet(tmp_path, people))[0] == 0
        code, out, err = run_cli("notify", "-s", str(root), "--no-live-check")
        assert code == 0, err
    assert "sent 1000 messages" in out
    assert sorted(box.by_recipient()) == [e for e, _, _ in people]


# -- what is and is not queued ----------------------------------------------------------

def test_no_notify_and_dry_run_queue_nothing(tmp_path, outbox):
    root = mail_site(tmp_path, "https://example.org/badges/", 25)
    assert award_csv(root, spreadsheet(tmp_path, PEOPLE[:1]), "--no-notify")[0] == 0
    assert award_csv(root, spreadsheet(tmp_path, PEOPLE[1:2]), "--dry-run")[0] == 0
    assert not (outbox / "queue").exists() or list((outbox / "queue").iterdir()) == []


def test_an_outbox_inside_the_repository_is_refused(tmp_path, monkeypatch):
    root = mail_site(tmp_path, "https://example.org/badges/", 25)
    monkeypatch.setenv("BADGESITE_OUTBOX", str(root / "mail"))
    code, _, err = award_csv(root, spreadsheet(tmp_path, PEOPLE[:1]))
    assert code == 2 and "inside the site's repository" in err
    assert not (root / "content/awards").exists() and not (root / "mail").exists()


def test_a_name_with_a_line_break_or_an_unknown_language_is_refused(tmp_path, outbox):
    root = mail_site(tmp_path, "https://example.org/badges/", 25)
    csv = tmp_path / "bad.csv"
    csv.write_text('badge,email,name,language\npython-basics,a@example.org,"Ann\r\nBcc: x@example.org",en\n'
                   "python-basics,b@example.org,Bob,xx\n", encoding="utf-8")
    code, _, err = award_csv(root, csv)
    assert code == 1
    assert "bad.csv:2: error: the name holds a line break" in err
    assert "bad.csv:3: error: no texts in language 'xx'" in err
    assert not (root / "content/awards").exists() and not (outbox / "queue").exists()


def test_dry_run_writes_eml_files_and_keeps_the_queue(tmp_path, outbox):
    root = mail_site(tmp_path, "https://example.org/badges/", free_port())
    assert award_csv(root, spreadsheet(tmp_path, PEOPLE[:2]))[0] == 0
    code, out, err = run_cli("notify", "-s", str(root), "--no-live-check", "--dry-run", str(tmp_path / "eml"))
    assert code == 0, err
    files = sorted((tmp_path / "eml").iterdir())
    assert len(files) == 2 and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec in {e for e, _, _ in PEOPLE}
    assert len(list((outbox / "queue").iterdir())) == 2
    code, _, err = run_cli("notify", "-s", str(root), "--no-live-check", "--dry-run", str(root / "eml"))
    assert code == 2 and "outside the site's repository" in err


def test_one_award_with_a_language_of_its_own(tmp_path, outbox):
    with Mailbox() as box:
        root = mail_site(tmp_path, "https://example.org/badges/", box.port)
        code, out, err = run_cli("award", "-s", str(root), "python-basics", "jan@example.org", "--name", "Jan",
                                 "--language", "nl")
        assert code == 0, err
        assert "queued 1 message" in out
        assert run_cli("notify", "-s", str(root), "--no-live-check")[0] == 0
    [message] = box.messages
    assert message["Content-Language"] == "nl" and text_part(message).startswith("Beste Jan,")
    assert out.splitlines()[0] in text_part(message)  # the award page award printed


def test_a_site_overrides_the_message_template(tmp_path, outbox):
    with Mailbox() as box:
        root = mail_site(tmp_path, "https://example.org/badges/", box.port)
        (root / "themes/default/templates/mail").mkdir(parents=True)
        (root / "themes/default/templates/mail/award.txt").write_text(
            "Well done, {{ name }}! {{ page_url }}\n", encoding="utf-8")
        assert award_csv(root, spreadsheet(tmp_path, PEOPLE[1:2]))[0] == 0
        assert run_cli("notify", "-s", str(root), "--no-live-check")[0] == 0
    [message] = box.messages
    assert text_part(message).startswith("Well done, Sam O'Neil! https://example.org/badges/awards/")


# -- revocation -----------------------------------------------------------------------

def test_a_revocation_notice_goes_to_the_recipient_only_with_the_reason(tmp_path, outbox):
    with Mailbox() as box:
        root = mail_site(tmp_path, "https://example.org/badges/", box.port)
        assert award_csv(root, spreadsheet(tmp_path, PEOPLE[:2]))[0] == 0
        assert run_cli("notify", "-s", str(root), "--no-live-check")[0] == 0
        leah = next(m for m in box.messages if m["To"].addresses[0].addr_spec == "leah@example.org")
        award_id = re.search(r"/awards/([^/]+)/", text_part(leah)).group(1)
        ledger = (root / "content/awards/2026.yaml").read_text()

        code, _, err = run_cli("revoke", award_id, "-s", str(root), "--reason", "Awarded in error",
                               "--notify", "sam@example.org")
        assert code == 1 and "is not the recipient of award" in err
        assert (root / "content/awards/2026.yaml").read_text() == ledger
        assert list((outbox / "queue").iterdir()) == []

        code, out, err = run_cli("revoke", award_id, "-s", str(root), "--reason", "Awarded <in> error",
                                 "--notify", " Leah@Example.org ")
        assert code == 0, err
        assert run_cli("notify", "-s", str(root), "--no-live-check")[0] == 0
    notice = box.messages[-1]
    assert len(box.messages) == 3
    assert [a.addr_spec for a in notice["To"].addresses] == ["leah@example.org"]
    assert box.envelopes[-1][1] == ["leah@example.org"]
    assert "Awarded <in> error" in text_part(notice)
    assert "Awarded &lt;in&gt; error" in html_part(notice)
    assert "revoked" in notice["Subject"]


def test_an_award_revoked_before_it_was_told_is_not_announced(tmp_path, outbox):
    with Mailbox() as box:
        root = mail_site(tmp_path, "https://example.org/badges/", box.port)
        assert award_csv(root, spreadsheet(tmp_path, PEOPLE[1:2]))[0] == 0
        [award_id] = awards_of(root)
        assert run_cli("revoke", award_id, "-s", str(root), "--reason", "Wrong person")[0] == 0
        code, out, err = run_cli("notify", "-s", str(root), "--no-live-check")
        assert code == 0, err
    assert box.messages == [] and "1 message dropped" in out


# -- the rate limit ----------------------------------------------------------------------

def test_the_pacer_spaces_messages_by_per_minute():
    from badgesite.mail.send import Pacer

    now = [100.0]
    slept: list[float] = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(30, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        pacer.wait()
        now[0] += 0.5  # sending takes half a second
    assert slept == [1.5, 1.5]
    unlimited = Pacer(None, clock=lambda: now[0], sleep=sleep)
    unlimited.wait()
    unlimited.wait()
    assert slept == [1.5, 1.5]


def test_the_mail_section_as_read(tmp_path):
    from badgesite.config import load_config
    from badgesite.errors import Diagnostics

    root = make_site(tmp_path / "s", {"badgesite.yaml": config("https://example.org/b/", 2525, "ssl",
                                                               ", username: badges@example.org").replace(
        "  smtp:", "  per_minute: 120\n  reply_to: Office <office@example.org>\n  smtp:")})
    mail = load_config(root, Diagnostics()).mail
    assert (mail.sender, mail.reply_to, mail.per_minute) == ("Test Academy <badges@example.org>",
                                                             "Office <office@example.org>", 120)
    assert (mail.smtp.host, mail.smtp.port, mail.smtp.security, mail.smtp.username) == (
        "127.0.0.1", 2525, "ssl", "badges@example.org")
    plain = make_site(tmp_path / "p", {"badgesite.yaml": config("https://example.org/b/", 25).replace(
        ", port: 25, security: none", "")})
    assert load_config(plain, Diagnostics()).mail.smtp.port == 587  # starttls by default
