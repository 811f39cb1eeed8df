"""A real SMTP server on 127.0.0.1 for the notify tests (aiosmtpd, in the test extra).

`Mailbox` keeps every message it accepts, parsed. It speaks plain SMTP, STARTTLS or
implicit TLS with a self-signed certificate made here (`certificate()`; a client trusts
it through SSL_CERT_FILE), can require a login, refuse some recipients, or stop
accepting after a number of messages, as real servers do.
"""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
import ssl
import threading
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost: (cert.pem, key.pem)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "badgesite test SMTP")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class Mailbox:
    def __init__(self, security: str = "none", cert: tuple[Path, Path] | None = None,
                 login: tuple[str, str] | None = None, refuse: set[str] = frozenset(),
                 accept: int | None = None, port: int | None = None):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []  # (MAIL FROM, RCPT TO) of each accepted message
        self.logins: list[str] = []
        self.refuse, self.accept = {a.lower() for a in refuse}, accept
        self.port = port or free_port()
        self.lock = threading.Lock()
        kwargs: dict = {}
        if security != "none":
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*cert)
            if security == "ssl":
                kwargs["ssl_context"] = context
            else:
                kwargs.update(tls_context=context, require_starttls=True)
        if login:
            # implicit TLS is not seen by auth_require_tls (aiosmtpd looks for STARTTLS only)
            kwargs.update(authenticator=self._authenticator(login), auth_require_tls=security == "starttls",
                          auth_required=True)
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, server_hostname="localhost",
                                     **kwargs)

    def _authenticator(self, login):
        def check(server, session, envelope, mechanism, auth_data):
            user = auth_data.login.decode() if isinstance(auth_data.login, bytes) else auth_data.login
            password = auth_data.password.decode() if isinstance(auth_data.password, bytes) else auth_data.password
            ok = (user, password) == login
            if ok:
                self.logins.append(user)
            return AuthResult(success=ok, handled=False)
        return check

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's name)
        if address.lower() in self.refuse:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            if self.accept is not None and len(self.messages) >= self.accept:
                return "421 4.7.0 too many messages, closing connection"
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK: queued"

    def __enter__(self) -> "Mailbox":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    def by_recipient(self) -> dict[str, list]:
        found: dict[str, list] = {}
        for message in self.messages:
            found.setdefault(message["To"].addresses[0].addr_spec, []).append(message)
        return found
