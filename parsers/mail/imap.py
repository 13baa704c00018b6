"""An IMAP mailbox as an inbox: `imap://` or `imaps://user@host:port/FOLDER`.

- Credentials never sit in the consultation file: `REDRAFT_IMAP_TOKEN` (an OAuth 2.0 access
  token, XOAUTH2, as Office 365 and Gmail want) or `REDRAFT_IMAP_PASSWORD`.
  `REDRAFT_IMAP_CA_FILE` names a CA certificate to trust (a server with its own certificate).
- `imaps://` is TLS from the start (default port 993); `imap://` (port 143) switches to TLS
  with STARTTLS whenever the server offers it.
- Reading never changes the mailbox: the folder is opened read-only and bodies are fetched
  with BODY.PEEK (nothing marked seen). The received time is the server's INTERNALDATE, to
  the second (IMAP SEARCH only knows whole days, so the deadline is judged here).
- E-mails larger than the limit (RFC822.SIZE, asked before any download) are not downloaded:
  only their headers are.
- `mark_processed` sets the keyword (default `$redraft-processed`) once the run has written
  its outputs; `fetch = "new"` then skips those messages. imap-tools' own `flag()` also
  EXPUNGEs, which would delete messages the secretariat marked deleted: STORE is sent as is.

imap-tools (Apache-2.0) opens the connection and logs in; the FETCH responses are read here.
"""

from __future__ import annotations

import imaplib
import os
import re
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import unquote, urlsplit

from ...models.consultation import MailboxSettings
from ...models.intake import InboxRefused, InboxUnavailable, RawMail, UnreadableMessage

PASSWORD_VARIABLE = "REDRAFT_IMAP_PASSWORD"
TOKEN_VARIABLE = "REDRAFT_IMAP_TOKEN"
CA_VARIABLE = "REDRAFT_IMAP_CA_FILE"
TIMEOUT = 60  # seconds per network operation
META_CHUNK = 500  # messages per metadata FETCH
BODY_CHUNK_BYTES = 16 << 20  # bytes per body FETCH

_META = re.compile(rb"UID (\d+)|RFC822\.SIZE (\d+)|INTERNALDATE \"([^\"]+)\"|FLAGS \(([^)]*)\)")
_FETCH_UID = re.compile(rb"UID (\d+)")


@dataclass(frozen=True)
class ImapAddress:
    secure: bool
    user: str
    host: str
    port: int
    folder: str

    @classmethod
    def parse(cls, url: str) -> ImapAddress:
        parts = urlsplit(url)
        secure = parts.scheme.lower() == "imaps"
        try:
            port = parts.port or (993 if secure else 143)
        except ValueError:
            raise InboxRefused(f"the inbox address {url} has a port that is not a number") from None
        if not parts.hostname:
            raise InboxRefused(f"the inbox address {url} names no server")
        user = unquote(parts.username or "")
        if not user:
            raise InboxRefused(f"the inbox address {url} names no user: write imaps://USER@{parts.hostname}/INBOX")
        if parts.password:
            raise InboxRefused(
                f"the inbox address must not hold the password: remove it and set {PASSWORD_VARIABLE}")
        folder = unquote(parts.path.lstrip("/")) or "INBOX"
        return cls(secure, user, parts.hostname, port, folder)

    @property
    def shown(self) -> str:
        return f"{'imaps' if self.secure else 'imap'}://{self.user}@{self.host}:{self.port}/{self.folder}"


class ImapInbox:
    """A mailbox folder on an IMAP server."""

    def __init__(self, address: ImapAddress, settings: MailboxSettings, message_limit: int):
        self.address = address
        self.settings = settings
        self.description = address.shown
        self._limit = message_limit
        self._box = None

    @classmethod
    def open(cls, url: str, settings: MailboxSettings) -> ImapInbox:
        from .inbox import message_limit

        inbox = cls(ImapAddress.parse(url), settings, message_limit(settings))
        inbox._connect(readonly=True)
        return inbox

    # -- connection ----------------------------------------------------------------------

    def _connect(self, readonly: bool) -> None:
        from imap_tools import MailBox, MailBoxUnencrypted
        from imap_tools.errors import ImapToolsError, MailboxFolderSelectError, MailboxLoginError

        a = self.address
        where = f"the mail server {a.host}:{a.port}"
        try:
            context = _tls_context()
            if a.secure:
                box = MailBox(a.host, a.port, timeout=TIMEOUT, ssl_context=context)
            else:
                box = MailBoxUnencrypted(a.host, a.port, timeout=TIMEOUT)
                if "STARTTLS" in box.client.capabilities:
                    box.client.starttls(context)
        except ssl.SSLCertVerificationError as exc:
            raise InboxRefused(f"{where} has a certificate that cannot be trusted ({exc.verify_message}); "
                               f"set {CA_VARIABLE} to its CA certificate") from None
        except (OSError, imaplib.IMAP4.error, ImapToolsError) as exc:
            raise InboxUnavailable(f"{where} cannot be reached: {_why(exc)}") from None
        try:
            token, password = os.environ.get(TOKEN_VARIABLE), os.environ.get(PASSWORD_VARIABLE)
            if token:
                box.xoauth2(a.user, token, initial_folder=None)
            elif password is not None:
                box.login(a.user, password, initial_folder=None)
            else:
                raise InboxRefused(
                    f"no password for {a.user} at {a.host}: set {PASSWORD_VARIABLE} (or {TOKEN_VARIABLE} "
                    "for an OAuth 2.0 token) before the run")
        except (MailboxLoginError, imaplib.IMAP4.error) as exc:
            _logout(box)
            if isinstance(exc, imaplib.IMAP4.abort):
                raise InboxUnavailable(f"{where} dropped the connection while logging in") from None
            how = TOKEN_VARIABLE if os.environ.get(TOKEN_VARIABLE) else PASSWORD_VARIABLE
            raise InboxRefused(f"{where} refused the login of {a.user}: check {how}") from None
        except (OSError, ImapToolsError) as exc:
            _logout(box)
            raise InboxUnavailable(f"{where} dropped the connection while logging in: {_why(exc)}") from None
        try:
            box.folder.set(a.folder, readonly=readonly)
        except MailboxFolderSelectError:
            _logout(box)
            raise InboxRefused(f"there is no folder '{a.folder}' in the mailbox of {a.user} at {a.host}") from None
        except (OSError, imaplib.IMAP4.error, ImapToolsError) as exc:
            _logout(box)
            raise InboxUnavailable(f"{where} dropped the connection: {_why(exc)}") from None
        self._box = box

    def close(self) -> None:
        if self._box is not None:
            _logout(self._box)
            self._box = None

    def __enter__(self) -> ImapInbox:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------------

    def mails(self) -> Iterator[RawMail | UnreadableMessage]:
        """Every message of the folder (or those without the keyword), oldest UID first."""
        try:
            yield from self._mails()
        except (OSError, imaplib.IMAP4.error) as exc:
            raise InboxUnavailable(
                f"the mail server {self.address.host} dropped the connection while sending the mail: "
                f"{_why(exc)}") from None

    def _mails(self) -> Iterator[RawMail]:
        client = self._box.client
        keyword = self.settings.keyword
        criteria = f"UNKEYWORD {keyword}" if self.settings.fetch == "new" and keyword else "ALL"
        typ, data = client.uid("SEARCH", criteria)
        _check(typ, data, "search the folder")
        uids = sorted((int(u) for u in (data[0] or b"").split()))
        meta = self._metadata([str(u) for u in uids])
        small = [u for u in map(str, uids) if u in meta and meta[u][0] <= self._limit]
        bodies = self._bodies(small, {u: meta[u][0] for u in small})
        for uid in map(str, uids):
            if uid not in meta:
                continue  # deleted meanwhile
            size, received = meta[uid]
            key = f"{self.address.folder} UID {uid}"
            if size > self._limit:
                yield RawMail(key=key, data=None, size=size, server_received=received,
                              headers=self._headers(uid), uid=uid)
            else:
                yield RawMail(key=key, data=next(bodies)[1], size=size, server_received=received, uid=uid)

    def _metadata(self, uids: list[str]) -> dict[str, tuple[int, datetime | None]]:
        out = {}
        for start in range(0, len(uids), META_CHUNK):
            chunk = ",".join(uids[start:start + META_CHUNK])
            typ, data = self._box.client.uid("FETCH", chunk, "(UID RFC822.SIZE INTERNALDATE)")
            _check(typ, data, "list the messages")
            for line in data:
                if isinstance(line, tuple):
                    line = line[0]
                if not isinstance(line, bytes):
                    continue
                found = {}
                for m in _META.finditer(line):
                    for name, value in zip(("uid", "size", "date", "flags"), m.groups()):
                        if value is not None:
                            found[name] = value
                if "uid" in found:
                    out[found["uid"].decode()] = (int(found.get("size", b"0")), _internaldate(found.get("date")))
        return out

    def _bodies(self, uids: list[str], sizes: dict[str, int]) -> Iterator[tuple[str, bytes]]:
        """(uid, bytes) in the order of `uids`, fetched in chunks of about BODY_CHUNK_BYTES."""
        chunk: list[str] = []
        total = 0
        for uid in uids:
            chunk.append(uid)
            total += sizes[uid]
            if total >= BODY_CHUNK_BYTES or len(chunk) >= META_CHUNK:
                yield from self._fetch_bodies(chunk)
                chunk, total = [], 0
        if chunk:
            yield from self._fetch_bodies(chunk)

    def _fetch_bodies(self, uids: list[str]) -> Iterator[tuple[str, bytes]]:
        typ, data = self._box.client.uid("FETCH", ",".join(uids), "(UID BODY.PEEK[])")
        _check(typ, data, "download the messages")
        got = {}
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                m = _FETCH_UID.search(item[0])
                if m:
                    got[m.group(1).decode()] = item[1]
        for uid in uids:
            if uid not in got:
                raise InboxUnavailable(f"the mail server did not send message UID {uid}; try again")
            yield uid, got[uid]

    def _headers(self, uid: str) -> bytes:
        typ, data = self._box.client.uid("FETCH", uid, "(UID BODY.PEEK[HEADER])")
        _check(typ, data, "read the headers")
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                return item[1]
        return b""

    # -- flagging ------------------------------------------------------------------------

    def mark_processed(self, uids: list[str]) -> None:
        """Set the keyword on these messages (a writable session of its own)."""
        keyword = self.settings.keyword
        if not keyword or not uids:
            return
        self.close()
        self._connect(readonly=False)
        try:
            ordered = sorted(set(uids), key=int)
            for start in range(0, len(ordered), META_CHUNK):
                typ, data = self._box.client.uid(
                    "STORE", ",".join(ordered[start:start + META_CHUNK]), "+FLAGS.SILENT", f"({keyword})")
                _check(typ, data, f"set the keyword {keyword}")
        except (OSError, imaplib.IMAP4.error) as exc:
            raise InboxUnavailable(f"the mail server dropped the connection while flagging: {_why(exc)}") from None
        finally:
            self.close()


def _tls_context() -> ssl.SSLContext:
    ca = os.environ.get(CA_VARIABLE)
    if ca and not os.path.isfile(ca):
        raise InboxRefused(f"{CA_VARIABLE} names {ca}, which is not a file")
    return ssl.create_default_context(cafile=ca or None)


def _internaldate(raw: bytes | None) -> datetime | None:
    """'25-Nov-2026 10:00:00 +0100' -> an aware datetime (to the second)."""
    if not raw:
        return None
    try:
        naive = datetime.strptime(raw.decode()[:20].strip(), "%d-%b-%Y %H:%M:%S")
        zone = raw.decode()[-5:]
        sign = -1 if zone[0] == "-" else 1
        offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5])) * sign
    except (ValueError, IndexError):
        return None
    return naive.replace(tzinfo=timezone(offset))


def _check(typ: str, data, what: str) -> None:
    if typ != "OK":
        detail = data[0].decode(errors="replace") if data and isinstance(data[0], bytes) else ""
        raise InboxUnavailable(f"the mail server would not {what}: {detail or typ}")


def _why(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout):
        return "no answer (timed out)"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    return str(exc) or type(exc).__name__


def _logout(box) -> None:
    try:
        box.logout()
    except Exception:  # noqa: BLE001 - closing a connection that may already be gone
        try:
            box.client.shutdown()
        except Exception:  # noqa: BLE001
            pass
