"""Sending: is an award page live, and one SMTP connection for a batch of messages.

`live(urls)` asks each award page (HEAD, or GET where HEAD is not allowed) and counts
only an answer 200 as published; an address that cannot be reached is not live.
`send_batch` opens one connection (STARTTLS, implicit TLS or plain, then login),
keeps to `per_minute`, and calls `on_sent` for each message the moment the server has
accepted it. A server that is down, refuses the connection, the login or the sender,
or stops answering ends the batch: what was not accepted stays queued. A recipient
the server refuses is reported and left queued; the batch goes on.
"""
from __future__ import annotations

import http.client
import smtplib
import socket
import ssl
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Callable

from .. import __version__
from ..model import Smtp

PASSWORD_ENV = "BADGESITE_SMTP_PASSWORD"
TIMEOUT = 30  # seconds for each step of the SMTP conversation
LIVE_TIMEOUT = 10
LIVE_WORKERS = 8


class SendError(Exception):
    """The batch cannot go on; the text says why in plain words."""


# -- is the page published? ------------------------------------------------------

def _answers_200(url: str) -> bool:
    headers = {"User-Agent": f"badgesite/{__version__} (notify: is the award page published?)"}
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=LIVE_TIMEOUT) as response:
                return response.status == 200
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in (405, 501):
                continue  # a server that does not answer HEAD: ask again with GET
            return False
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError):
            return False
    return False


def live(urls: list[str]) -> dict[str, bool]:
    """Which of these pages answer 200 (asked a few at a time)."""
    unique = list(dict.fromkeys(urls))
    with ThreadPoolExecutor(max_workers=min(LIVE_WORKERS, max(len(unique), 1))) as pool:
        return dict(zip(unique, pool.map(_answers_200, unique)))


# -- the rate limit ---------------------------------------------------------------

class Pacer:
    """At most `per_minute` messages a minute: each waits until 60/per_minute seconds
    after the one before (None: no wait)."""

    def __init__(self, per_minute: int | None, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self.clock, self.sleep = clock, sleep
        self.next: float | None = None

    def wait(self) -> None:
        if not self.interval:
            return
        now = self.clock()
        if self.next is not None and now < self.next:
            self.sleep(self.next - now)
            now = self.next
        self.next = now + self.interval


# -- SMTP ---------------------------------------------------------------------------

def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {' '.join(text.split())}"
    if isinstance(exc, (socket.timeout, TimeoutError)) or (
            isinstance(exc, smtplib.SMTPServerDisconnected) and "timed out" in str(exc)):
        return "no answer in time"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"its TLS certificate cannot be trusted ({exc.verify_message})"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def connect(smtp: Smtp, password: str | None, timeout: float | None = None) -> smtplib.SMTP:
    """An open, authenticated connection; SendError in plain words when there is none."""
    where = f"{smtp.host}:{smtp.port}"
    if smtp.username and not password:
        raise SendError(f"mail.smtp.username is set but {PASSWORD_ENV} is not: set it to the password for "
                        f"{smtp.username}")
    timeout = timeout or TIMEOUT
    context = ssl.create_default_context()  # the system's trust store (SSL_CERT_FILE names another)
    try:
        if smtp.security == "ssl":
            server = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=timeout, context=context)
        else:
            server = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
    except (OSError, smtplib.SMTPException) as exc:
        raise SendError(f"cannot connect to the mail server {where}: {_reason(exc)}") from None
    try:
        server.ehlo()
        if smtp.security == "starttls":
            if not server.has_extn("starttls"):
                raise SendError(f"the mail server {where} does not offer STARTTLS; "
                                "set mail.smtp.security to ssl (port 465) or none")
            server.starttls(context=context)
            server.ehlo()
        if smtp.username:
            server.login(smtp.username, password)
    except smtplib.SMTPAuthenticationError as exc:
        _close(server)
        raise SendError(f"the mail server {where} refused the login of {smtp.username}: {_reason(exc)}") from None
    except smtplib.SMTPNotSupportedError:
        _close(server)
        raise SendError(f"the mail server {where} does not offer a login over this connection; "
                        "check mail.smtp.security and username") from None
    except SendError:
        _close(server)
        raise
    except (OSError, smtplib.SMTPException) as exc:
        _close(server)
        raise SendError(f"the mail server {where} failed: {_reason(exc)}") from None
    return server


def _close(server: smtplib.SMTP) -> None:
    try:
        server.quit()
    except (OSError, smtplib.SMTPException):
        server.close()


@dataclass
class BatchResult:
    sent: int = 0
    refused: list[tuple[object, str]] = field(default_factory=list)  # (item, the server's answer)
    error: str | None = None  # why the batch stopped early (None: it did not)


def send_batch(smtp: Smtp, password: str | None, messages: list[tuple[object, EmailMessage]],
               on_sent: Callable[[object, EmailMessage], None], per_minute: int | None = None,
               pacer: Pacer | None = None, progress: Callable[[int], None] | None = None) -> BatchResult:
    """Send `messages` ((item, message) pairs) over one connection, in order."""
    result = BatchResult()
    if not messages:
        return result
    try:
        server = connect(smtp, password)
    except SendError as exc:
        result.error = str(exc)
        return result
    pacer = pacer or Pacer(per_minute)
    where = f"{smtp.host}:{smtp.port}"
    try:
        for number, (item, message) in enumerate(messages, 1):
            pacer.wait()
            try:
                server.send_message(message)
            except smtplib.SMTPRecipientsRefused as exc:
                answers = [_reason(smtplib.SMTPResponseException(code, text)) for code, text in exc.recipients.values()]
                result.refused.append((item, "; ".join(answers)))
                _reset(server)
                continue
            except smtplib.SMTPDataError as exc:
                if exc.smtp_code >= 500:  # this message is refused for good; the others may pass
                    result.refused.append((item, _reason(exc)))
                    _reset(server)
                    continue
                result.error = f"the mail server {where} stopped accepting messages: {_reason(exc)}"
                break
            except smtplib.SMTPNotSupportedError as exc:  # e.g. an address this server cannot carry
                result.refused.append((item, str(exc)))
                _reset(server)
                continue
            except smtplib.SMTPSenderRefused as exc:
                result.error = f"the mail server {where} refused the sender {exc.sender}: {_reason(exc)}"
                break
            except (OSError, smtplib.SMTPException) as exc:
                result.error = f"the mail server {where} failed while sending: {_reason(exc)}"
                break
            on_sent(item, message)  # marked sent the moment the server accepted it
            result.sent += 1
            if progress:
                progress(number)
    finally:
        _close(server)
    return result


def _reset(server: smtplib.SMTP) -> None:
    try:
        server.rset()
    except (OSError, smtplib.SMTPException):
        pass
