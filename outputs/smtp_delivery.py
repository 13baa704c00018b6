"""Deliver composed letters over SMTP (smtplib): TLS, login, one envelope per recipient.

- `security = "starttls"` (port 587) switches to TLS before the login and refuses a server
  that does not offer it; `"tls"` (port 465) is TLS from the start; `"none"` only for a
  server on this machine (the consultation file refuses it for any other host).
- The password comes from `REDRAFT_SMTP_PASSWORD`; `REDRAFT_SMTP_CA_FILE` names a CA
  certificate to trust (a server with its own certificate), as for IMAP.
- The letters' bytes are sent unchanged, each to its one recipient (`to_addrs` explicit).
  Problems before the first message (unreachable, TLS, login) raise `SendRefused`; a
  recipient the server refuses is reported and the others still go.
"""

from __future__ import annotations

import os
import smtplib
import socket
import ssl

from ..models.consultation import SmtpSettings
from ..models.sending import Delivery, Letter, SendRefused

PASSWORD_VARIABLE = "REDRAFT_SMTP_PASSWORD"
CA_VARIABLE = "REDRAFT_SMTP_CA_FILE"
TIMEOUT = 30


def deliver(letters: list[Letter], settings: SmtpSettings, timeout: float = TIMEOUT) -> list[Delivery]:
    """Send each letter; returns one Delivery per letter, in order."""
    where = f"the mail server {settings.host}:{settings.port}"
    password = os.environ.get(PASSWORD_VARIABLE)
    if settings.username and not password:
        raise SendRefused(f"set {PASSWORD_VARIABLE} to the password of {settings.username} on {settings.host}")
    context = _tls_context() if settings.security != "none" else None
    client = _connect(settings, context, where, timeout)
    try:
        if settings.username:
            try:
                client.login(settings.username, password)
            except smtplib.SMTPAuthenticationError:
                raise SendRefused(f"{where}: the mail server refused the user name or password "
                                  f"(user {settings.username})") from None
            except smtplib.SMTPNotSupportedError:
                raise SendRefused(f"{where} does not accept a login (no AUTH offered); "
                                  "remove username from [smtp] if it needs none") from None
            except (OSError, smtplib.SMTPException) as exc:  # no common method, or the line dropped
                raise SendRefused(f"{where} did not accept the login: {_why(exc)}") from None
        return _send_each(client, letters)
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()


def _connect(settings: SmtpSettings, context: ssl.SSLContext | None, where: str, timeout: float) -> smtplib.SMTP:
    try:
        if settings.security == "tls":
            return smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout, context=context)
        client = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
        if settings.security == "starttls":
            client.ehlo()
            if not client.has_extn("starttls"):
                client.close()
                raise SendRefused(f"{where} does not offer STARTTLS (encryption), so nothing was sent; "
                                  "if it uses port 465, set security = \"tls\"")
            client.starttls(context=context)
            client.ehlo()
        return client
    except ssl.SSLCertVerificationError as exc:
        raise SendRefused(f"{where} has a certificate that cannot be trusted ({exc.verify_message}); "
                          f"set {CA_VARIABLE} to its CA certificate") from None
    except socket.gaierror:
        raise SendRefused(f"{where} cannot be found: check host in [smtp]") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise SendRefused(f"{where} cannot be reached: {_why(exc)}") from None


def _send_each(client: smtplib.SMTP, letters: list[Letter]) -> list[Delivery]:
    deliveries: list[Delivery] = []
    for number, letter in enumerate(letters):
        try:
            client.sendmail(letter.envelope_from, [letter.recipient.address], letter.data)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            deliveries.append(Delivery(letter, "refused", f"the server refused the address ({code} {_text(text)})"))
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
            deliveries.append(Delivery(letter, "refused", f"the server refused the message "
                                                          f"({exc.smtp_code} {_text(exc.smtp_error)})"))
            try:
                client.rset()
            except (OSError, smtplib.SMTPException):
                pass
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            reason = f"the connection to the mail server was lost ({_why(exc)}); nothing more was sent"
            deliveries += [Delivery(rest, "not sent", reason) for rest in letters[number:]]
            break
        else:
            deliveries.append(Delivery(letter, "sent"))
    return deliveries


def _tls_context() -> ssl.SSLContext:
    ca = os.environ.get(CA_VARIABLE)
    if ca and not os.path.isfile(ca):
        raise SendRefused(f"{CA_VARIABLE} names {ca}, which is not a file")
    return ssl.create_default_context(cafile=ca or None)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _why(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the host and port right?)"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "no answer (timed out)"
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
