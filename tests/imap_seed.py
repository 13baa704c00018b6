"""Seed and inspect mailboxes of a test IMAP server (a tests/dovecot.py `Dovecot`) with imaplib.

    uids = append_messages(server, [(raw_bytes, datetime(..., tzinfo=...)), ...], "INBOX")
    internaldates_of(server, "INBOX")   # {uid: aware datetime}
    keywords_of(server, "INBOX")        # {uid: {"\\Seen", "$Processed", ...}}
    clear_mailbox(server, "INBOX")

`server` is anything with host, port, user and users ({user: password}). Folder names are
ASCII with "/" as the separator. INTERNALDATE has whole seconds, and Dovecot keeps its
instant but reports it in the server's time zone (Dovecot(tz=...), UTC by default): compare
instants (aware datetimes compare so), not offsets.
"""

from __future__ import annotations

import imaplib
import re
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

MONTHS = {name: number for number, name in enumerate(
    "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), start=1)}
INTERNALDATE = re.compile(
    r"^\s?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$")
APPENDUID = re.compile(rb"\[APPENDUID \d+ (\d+)\]")
FETCH_UID = re.compile(rb"\bUID (\d+)")
FETCH_FLAGS = re.compile(rb"\bFLAGS \(([^)]*)\)")
FETCH_DATE = re.compile(rb'\bINTERNALDATE "([^"]+)"')


def quote(folder: str) -> str:
    """An IMAP quoted string for a mailbox name (imaplib sends arguments as they are)."""
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def imap_login(server, user: str | None = None, *, imaps: bool = False,
               timeout: float = 10.0) -> imaplib.IMAP4:
    """A logged-in imaplib connection (plain IMAP, or IMAPS verified with server.ca_file)."""
    user = user or server.user
    if imaps:
        import ssl

        context = ssl.create_default_context(cafile=str(server.ca_file))
        imap = imaplib.IMAP4_SSL(server.host, server.imaps_port, ssl_context=context,
                                 timeout=timeout)
    else:
        imap = imaplib.IMAP4(server.host, server.port, timeout=timeout)
    imap.login(user, server.users[user])
    return imap


def parse_internaldate(text: str) -> datetime:
    """'05-Mar-2024 14:07:09 +0530' -> an aware datetime with that offset."""
    match = INTERNALDATE.match(text)
    if not match:
        raise ValueError(f"not an IMAP date-time: {text!r}")
    day, month, year, hour, minute, second, sign, off_h, off_m = match.groups()
    offset = timedelta(hours=int(off_h), minutes=int(off_m)) * (-1 if sign == "-" else 1)
    return datetime(int(year), MONTHS[month.title()], int(day), int(hour), int(minute),
                    int(second), tzinfo=timezone(offset))


def _check_date(when: datetime) -> datetime:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"INTERNALDATE needs a timezone-aware datetime: {when!r}")
    if when.microsecond:
        raise ValueError(f"INTERNALDATE has whole seconds; use .replace(microsecond=0): {when!r}")
    return when


def _check(result: tuple[str, list], what: str) -> list:
    typ, data = result
    if typ != "OK":
        raise imaplib.IMAP4.error(f"{what} failed: {typ} {data!r}")
    return data


def _append_one(imap: imaplib.IMAP4, folder: str, raw: bytes, when: datetime,
                flags: str | None) -> int:
    """APPEND one message (creating the folder on TRYCREATE); its UID."""
    internaldate = imaplib.Time2Internaldate(when)
    typ, data = imap.append(quote(folder), flags, internaldate, raw)
    if typ == "NO" and b"[TRYCREATE]" in b" ".join(d for d in data if isinstance(d, bytes)):
        _check(imap.create(quote(folder)), f"CREATE {folder}")
        typ, data = imap.append(quote(folder), flags, internaldate, raw)
    _check((typ, data), f"APPEND to {folder}")
    found = APPENDUID.search(data[0] or b"")
    if not found:
        raise imaplib.IMAP4.error(f"no APPENDUID in {data!r}")
    return int(found.group(1))


def append_messages(server, messages: Iterable[tuple[bytes, datetime]], folder: str = "INBOX",
                    user: str | None = None, *, flags: Iterable[str] = ()) -> list[int]:
    """APPEND each (raw message, INTERNALDATE) to `folder` (created if missing); their UIDs.

    Dates must be timezone-aware with whole seconds. `flags` (e.g. "\\Seen", "$Done") are set
    on every appended message; without it the messages arrive unseen.
    """
    items = [(raw, _check_date(when)) for raw, when in messages]
    flag_list = "(" + " ".join(flags) + ")" if flags else None
    with imap_login(server, user) as imap:
        return [_append_one(imap, folder, raw, when, flag_list) for raw, when in items]


def _select(imap: imaplib.IMAP4, folder: str, readonly: bool) -> int | None:
    """SELECT/EXAMINE `folder`; its message count, or None if it does not exist."""
    typ, data = imap.select(quote(folder), readonly=readonly)
    if typ != "OK":
        return None
    return int(data[0] or 0)


def _fetch_all(server, folder: str, user: str | None, items: str) -> list[bytes]:
    """The untagged `UID FETCH 1:* (items)` lines of `folder` (empty if none or missing)."""
    with imap_login(server, user) as imap:
        if not _select(imap, folder, readonly=True):
            return []
        data = _check(imap.uid("FETCH", "1:*", f"(UID {items})"), f"FETCH in {folder}")
    return [d if isinstance(d, bytes) else d[0] for d in data if d]


def keywords_of(server, folder: str = "INBOX", user: str | None = None) -> dict[int, set[str]]:
    """{uid: flags} of every message in `folder`: system flags and keywords, minus the
    session-dependent \\Recent. Read-only (EXAMINE): nothing is marked seen."""
    found = {}
    for line in _fetch_all(server, folder, user, "FLAGS"):
        uid, flags = FETCH_UID.search(line), FETCH_FLAGS.search(line)
        if uid and flags:
            names = set(flags.group(1).decode().split()) - {"\\Recent"}
            found[int(uid.group(1))] = names
    return found


def internaldates_of(server, folder: str = "INBOX", user: str | None = None) -> dict[int, datetime]:
    """{uid: INTERNALDATE as an aware datetime} of every message in `folder`. Read-only."""
    found = {}
    for line in _fetch_all(server, folder, user, "INTERNALDATE"):
        uid, date = FETCH_UID.search(line), FETCH_DATE.search(line)
        if uid and date:
            found[int(uid.group(1))] = parse_internaldate(date.group(1).decode())
    return found


def clear_mailbox(server, folder: str = "INBOX", user: str | None = None) -> int:
    """Delete and expunge every message in `folder`; how many there were (0 if it is missing)."""
    with imap_login(server, user) as imap:
        count = _select(imap, folder, readonly=False)
        if count:
            _check(imap.uid("STORE", "1:*", "+FLAGS.SILENT", "(\\Deleted)"), f"STORE in {folder}")
            _check(imap.expunge(), f"EXPUNGE in {folder}")
        return count or 0
