"""A real SMTP server for tests (aiosmtpd) on 127.0.0.1: STARTTLS (or, with
`implicit_tls=True`, TLS from the first byte, as on port 465) and AUTH required.

    with SmtpServer(tmp_path) as server:     # a free port, a self-signed certificate
        server.port, server.ca_file, server.user, server.password
        server.received                      # [Received(mail_from, rcpt_tos, data), ...]

The certificate (made with `cryptography`) is its own CA and names 127.0.0.1, so a client
trusting `ca_file` verifies the host name too. Addresses in `refuse` get "550 no such user".
"""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "127.0.0.1"
USER = "secretariat@alliance87.org"
PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes  # the DATA as the server got it (dot-unstuffed)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 / localhost: (cert.pem, key.pem)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "redraft test SMTP")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST)),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


class _Handler:
    def __init__(self, server: "SmtpServer"):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.server.refuse:
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.server.received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos),
                                             envelope.original_content))
        return "250 2.0.0 accepted"


class SmtpServer:
    """aiosmtpd in a thread of the test process; `stop()` (or leaving the `with`) ends it."""

    def __init__(self, folder: Path, refuse: tuple[str, ...] = (), implicit_tls: bool = False):
        self.host, self.port = HOST, free_port()
        self.user, self.password = USER, PASSWORD
        self.refuse = {a.lower() for a in refuse}
        self.received: list[Received] = []
        self.logins: list[tuple[str, bool]] = []
        self.ca_file, key_file = make_certificate(folder)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.ca_file, key_file)
        # aiosmtpd counts only STARTTLS as TLS for `auth_require_tls`; with implicit TLS every
        # byte is encrypted already, so AUTH is offered without it.
        tls = ({"ssl_context": context, "auth_require_tls": False} if implicit_tls else
               {"tls_context": context, "require_starttls": True, "auth_require_tls": True})
        self._controller = Controller(
            _Handler(self), hostname=HOST, port=self.port, server_hostname="localhost",
            auth_required=True, authenticator=self._authenticate, decode_data=False, **tls)

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == self.user
              and auth_data.password.decode() == self.password)
        self.logins.append((auth_data.login.decode() if isinstance(auth_data, LoginPassword) else "", ok))
        # A failed login must not be "handled", or aiosmtpd would not answer 535.
        return AuthResult(success=True) if ok else AuthResult(success=False, handled=False)

    def start(self) -> "SmtpServer":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> "SmtpServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
