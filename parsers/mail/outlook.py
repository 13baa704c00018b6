"""Read Outlook's own formats: .msg e-mails and winmail.dat (TNEF) attachments.

Both readers are optional extras — ``pip install 'redraft[outlook]'`` — because their
licences differ from redraft's: extract-msg (.msg) is GPL-3.0 and tnefparse (winmail.dat)
is LGPL. They are imported inside the functions that need them, never at module import;
without them the file is refused with a sentence saying what to install or ask for.

`read_msg` gives the same `Message` as `eml.read_eml`:

- sender: the "From" of the message (MAPI sent-representing properties, else the sender
  properties, else the From: line of the saved transport headers). An Exchange (X.500)
  address ("/O=...") is replaced by the SMTP address stored beside it; with none, the
  address is "" and a notice says so.
- received: as for .eml, the receiving side first: the time the message was delivered to the
  mailbox (``received_from="server"``), else the newest Received: line of the saved
  transport headers ("Received"), else the time the sender sent it, else their Date: line
  ("Date"); always timezone-aware, in UTC.
- message_id: PR_INTERNET_MESSAGE_ID, else the Message-ID: of the transport headers, else
  ``<sha256[:16]@redraft.invalid>`` as for .eml.
- body: the plain text, else the HTML body as text, else the text Outlook wrapped in RTF.
- attachments: every attached file, stored by sha256 (names cleaned for display only), and
  the files of attached (forwarded) messages down to `MAX_FORWARD_DEPTH` levels. Links to
  online files and unreadable attachments leave a notice.

A file extract-msg cannot open (damaged, not an OLE file, not an e-mail) raises
`MessageRefused`; without extract-msg, `MsgUnavailable` (a `MessageRefused`).

`unpack_tnef` gives the files inside a winmail.dat and its text (`TnefContent`); a damaged
winmail.dat raises `TnefRefused`, a missing tnefparse `TnefUnavailable`. These are
`Refusal`s, not `MessageRefused`: the e-mail carrying the winmail.dat was read fine, only
this one attachment cannot be opened.
"""

from __future__ import annotations

import codecs
import email.utils
import hashlib
import io
import mimetypes
import struct
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import Message as HeaderBlock
from email.parser import HeaderParser
from pathlib import Path
from typing import Callable

from ...models.intake import MessageRefused
from ...models.notices import Notice, Refusal
from ...models.submission import Attachment, Message
from .eml import MAX_FORWARD_DEPTH
from .parts import decode_text, display_filename, html_to_text, one_line
from .store import store_bytes

__all__ = [
    "read_msg",
    "unpack_tnef",
    "TnefContent",
    "TnefRefused",
    "TnefUnavailable",
    "MsgUnavailable",
    "MSG_EXTRA_MISSING",
    "TNEF_EXTRA_MISSING",
    "OLE_MAGIC",
    "TNEF_MAGIC",
]

MSG_EXTRA_MISSING = (
    "Outlook .msg file: reading it needs the optional extra — pip install 'redraft[outlook]' "
    "(GPL-3.0 licensed extract-msg); or save the e-mail as .eml"
)
TNEF_EXTRA_MISSING = (
    "winmail.dat: reading it needs the optional extra — pip install 'redraft[outlook]' "
    "(LGPL tnefparse); or ask the member to resend without rich text"
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TNEF_MAGIC = b"\x78\x9f\x3e\x22"  # 0x223E9F78, little-endian
_MSG_DAMAGED = "the Outlook .msg file is damaged and cannot be read — ask the member to send it again"
_TNEF_DAMAGED = "winmail.dat is damaged and cannot be unpacked — ask the member to resend without rich text"
_TNEF_CUT = "winmail.dat is incomplete (cut off) — ask the member to resend without rich text"

Note = Callable[..., None]


class MsgUnavailable(MessageRefused):
    """A .msg file arrived but the optional extract-msg package is not installed."""


class TnefRefused(Refusal):
    """A winmail.dat attachment cannot be unpacked; the e-mail carrying it is still usable."""


class TnefUnavailable(TnefRefused):
    """A winmail.dat arrived but the optional tnefparse package is not installed."""


# =========================================================================== .msg


def read_msg(data: bytes, source: str, store: Path | str) -> Message:
    """Parse one Outlook .msg file; store its attachments under `store` by sha256."""
    if not data.strip(b"\0 \t\r\n"):
        raise MessageRefused("the file is empty")
    if not data.startswith(OLE_MAGIC):
        raise MessageRefused("not an Outlook .msg file (it is not in Outlook's file format)")
    extract_msg = _import_extract_msg()
    digest = hashlib.sha256(data).hexdigest()
    notices: list[Notice] = []

    def note(text: str, where: str = "") -> None:
        notices.append(Notice(text, where=where or source))

    fields, files = _read_with_extract_msg(extract_msg, data, note)
    headers = _transport_headers(fields.get("headers"))
    address, name = _msg_sender(fields, headers, note)
    received, received_from = _msg_received(fields, headers, note)
    return Message(
        message_id=_msg_id(fields, headers, digest, note),
        sender_address=address,
        sender_name=name,
        received=received,
        subject=one_line(fields.get("subject") or ""),
        body=_msg_body(fields, note),
        attachments=tuple(_store_files(files, Path(store), source, note)),
        source=source,
        sha256=digest,
        notices=tuple(notices),
        received_from=received_from,
    )


def _import_extract_msg():
    try:
        import extract_msg  # GPL-3.0: optional extra, imported only here
    except ImportError:
        raise MsgUnavailable(MSG_EXTRA_MISSING) from None
    return extract_msg


# --------------------------------------------------------------------------- extract_msg side
# Everything that touches extract_msg objects is here: it raises many kinds of exception on
# damaged files, so these functions run under one guard that turns them into a refusal.

_STRINGS = {  # field -> MAPI property id (string properties)
    "subject": "0037",
    "message_id": "1035",
    "headers": "007D",  # PR_TRANSPORT_MESSAGE_HEADERS
    "from_name": "0042",  # PR_SENT_REPRESENTING_*: the From: of the message
    "from_type": "0064",
    "from_email": "0065",
    "from_smtp": "5D02",
    "sender_name": "0C1A",  # PR_SENDER_*: who actually sent it (a delegate, or the same)
    "sender_type": "0C1E",
    "sender_email": "0C1F",
    "sender_smtp": "5D01",
}
_TIMES = {"delivered": "0E060040", "submitted": "00390040"}
_MAIL_CLASSES = ("ipm.note", "report.", "ipm.post")


@dataclass
class _File:
    name: str
    content_type: str
    data: bytes


def _read_with_extract_msg(extract_msg, data: bytes, note: Note) -> tuple[dict, list[_File]]:
    """The message's fields and attached files, or MessageRefused."""
    try:
        msg = extract_msg.openMsg(
            io.BytesIO(data),  # never the bytes themselves: short bytes are taken for a path
            delayAttachments=True,
            strict=False,
            errorBehavior=_lenient(extract_msg),
        )
    except Exception:  # noqa: BLE001 - see the comment above
        raise MessageRefused(_MSG_DAMAGED) from None
    try:
        _check_class(msg)
        fields = _msg_fields(extract_msg, msg)
        files = _MsgFiles(extract_msg, note).collect(msg, forwarded=0)
    except MessageRefused:
        raise
    except Exception:  # noqa: BLE001
        raise MessageRefused(_MSG_DAMAGED) from None
    finally:
        try:
            msg.close()
        except Exception:  # noqa: BLE001
            pass
    return fields, files


def _lenient(extract_msg):
    """Broken attachments, RTF and minor format violations: read what can be read."""
    behavior = extract_msg.enums.ErrorBehavior
    return (
        behavior.ATTACH_SUPPRESS_ALL
        | behavior.RTFDE
        | behavior.STANDARDS_VIOLATION
        | behavior.NAMED_NAME_STREAM
    )


def _check_class(msg) -> None:
    kind = str(msg.classType or "")
    low = kind.lower()
    if low.startswith("ipm.note.smime") and not low.endswith("multipartsigned"):
        raise MessageRefused(
            "the e-mail is encrypted (S/MIME) and cannot be read — ask the member to send it unencrypted"
        )
    if not kind:
        raise MessageRefused("not an Outlook e-mail: the file is in Office's format but holds no message")
    if not low.startswith(_MAIL_CLASSES):
        raise MessageRefused(f"not an e-mail: the Outlook file holds an item of type '{kind}'")


def _msg_fields(extract_msg, msg) -> dict:
    fields: dict = {key: msg.getStringStream(f"__substg1.0_{prop}") for key, prop in _STRINGS.items()}
    null_date = extract_msg.null_date.NullDate
    for key, prop in _TIMES.items():
        value = msg.getPropertyVal(prop)
        fields[key] = value if isinstance(value, datetime) and not isinstance(value, null_date) else None
    fields["plain"] = msg.body
    fields["html"] = None if (fields["plain"] or "").strip() else msg.htmlBody
    fields["cpid"] = msg.getPropertyVal("3FDE0003")  # PR_INTERNET_CPID: the HTML's code page
    fields["rtf"] = bool(msg.compressedRtf)
    return fields


class _MsgFiles:
    """Collects the attached files of a message and of its attached (forwarded) messages."""

    def __init__(self, extract_msg, note: Note) -> None:
        self.kinds = extract_msg.enums.AttachmentType
        self.note = note
        self.files: list[_File] = []
        self.warned_depth = False

    def collect(self, msg, forwarded: int) -> list[_File]:
        for number, att in enumerate(msg.attachments, 1):
            try:
                self._one(att, number, forwarded)
            except Exception:  # noqa: BLE001 - one bad attachment must not lose the others
                self.note(f"attachment {number} of the .msg file is damaged and was not read")
        return self.files

    def _one(self, att, number: int, forwarded: int) -> None:
        kinds, kind = self.kinds, att.type
        if kind in (kinds.MSG, kinds.SIGNED_EMBEDDED):
            if forwarded >= MAX_FORWARD_DEPTH:
                if not self.warned_depth:
                    self.warned_depth = True
                    self.note(
                        f"forwarded messages are nested more than {MAX_FORWARD_DEPTH} deep; "
                        "the deeper ones were not read"
                    )
                return
            self.collect(att.data, forwarded + 1)
            return
        name = _attachment_name(att)
        label = f"'{display_filename(name)[0]}'" if name else str(number)
        if kind == kinds.WEB:
            self.note(
                f"attachment {label} is a link to a file stored online, not the file itself — "
                "ask the member to attach the file"
            )
        elif kind in (kinds.DATA, kinds.SIGNED):
            data = att.data
            self.files.append(_File(name, str(att.mimetype or ""), data if isinstance(data, bytes) else b""))
        else:
            self.note(f"attachment {label} of the .msg file is damaged or of an unsupported kind and was not read")


def _attachment_name(att) -> str:
    for attribute in ("longFilename", "shortFilename", "name", "displayName"):
        value = getattr(att, attribute, None)
        if isinstance(value, str) and value.strip("\0 "):
            return value.strip("\0")
    return ""


# --------------------------------------------------------------------------- fields to Message


def _transport_headers(text: str | None) -> HeaderBlock | None:
    """The internet headers Outlook kept for a received message, if any."""
    if not text or not text.strip():
        return None
    if text.startswith("Microsoft Mail Internet Headers"):  # a title line some versions add
        text = text.partition("\n")[2]
    try:
        return HeaderParser().parsestr(text.lstrip(), headersonly=True)
    except Exception:  # noqa: BLE001 - the stdlib parser fails on some bad input
        return None


def _header(headers: HeaderBlock | None, name: str) -> str:
    if headers is None:
        return ""
    try:
        return one_line(str(headers.get(name, "") or ""))
    except Exception:  # noqa: BLE001
        return ""


def _msg_sender(fields: dict, headers: HeaderBlock | None, note: Note) -> tuple[str, str]:
    """(address, display name) of the From of the message."""
    header_address, header_name = _header_sender(headers)
    role = "from" if any(fields.get(f"from_{key}") for key in ("name", "email", "smtp")) else "sender"
    name = one_line(fields.get(f"{role}_name") or "") or header_name
    address = _role_address(fields, role) or header_address
    if not address and role == "from" and _same_person(fields):
        address = _role_address(fields, "sender")
    if address:
        return address, name
    email_ = one_line(fields.get(f"{role}_email") or fields.get(f"{role}_smtp") or "")
    if email_.upper().startswith("/O="):
        note(
            f"the sender's address is an internal Exchange address ({email_}) and the .msg "
            "file holds no e-mail address for it"
        )
    elif email_:
        note(f"the sender address ({email_}) cannot be read")
    else:
        note("the e-mail has no sender address")
    return "", name


def _role_address(fields: dict, role: str) -> str:
    """The SMTP address of the "from" (sent-representing) or "sender" properties, or ""."""
    smtp = _smtp_address(fields.get(f"{role}_smtp"))
    if smtp or not _is_smtp(fields.get(f"{role}_type")):
        return smtp
    return _smtp_address(fields.get(f"{role}_email"))


def _same_person(fields: dict) -> bool:
    """Whether the sent-representing and sender properties name the same mailbox."""
    for key in ("email", "name"):
        value = (fields.get(f"from_{key}") or "").strip().lower()
        if value and value == (fields.get(f"sender_{key}") or "").strip().lower():
            return True
    return False


def _is_smtp(addrtype: str | None) -> bool:
    return (addrtype or "SMTP").strip().upper() == "SMTP"


def _smtp_address(value: str | None) -> str:
    """A plain user@domain address, lower-cased; "" for anything else (X.500, blanks...)."""
    value = (value or "").strip().strip("<>").strip()
    if value.lower().startswith("smtp:"):
        value = value[5:]
    local, at, domain = value.rpartition("@")
    if not (at and local and domain) or any(ch.isspace() for ch in value) or value.startswith("/"):
        return ""
    return value.lower()


def _header_sender(headers: HeaderBlock | None) -> tuple[str, str]:
    raw = _header(headers, "From")
    if not raw:
        return "", ""
    pairs = email.utils.getaddresses([raw])
    if not pairs:
        return "", ""
    name, address = pairs[0]
    return _smtp_address(address), one_line(name)


def _msg_received(fields: dict, headers: HeaderBlock | None, note: Note) -> tuple[datetime | None, str]:
    """(when, what it was read from), in the order `eml.read_eml` uses."""
    if fields.get("delivered") is not None:
        return _as_utc(fields["delivered"]), "server"
    stamp = _received_stamp(headers)
    if stamp is not None:
        return stamp, "Received"
    if fields.get("submitted") is not None:
        return _as_utc(fields["submitted"]), "Date"
    raw = _header(headers, "Date")
    when = _header_time(raw)
    if when is None:
        note("the e-mail has no date (neither when it was sent nor when it arrived)")
    elif when.utcoffset() is None:
        note(f"the date of the e-mail has no time zone (Date: {raw}): read as UTC")
    return (_as_utc(when) if when else None), "Date"


def _received_stamp(headers: HeaderBlock | None) -> datetime | None:
    """The time of the newest (topmost) Received: line of the transport headers."""
    if headers is None:
        return None
    try:
        newest = headers.get_all("Received") or []
    except Exception:  # noqa: BLE001
        return None
    when = _header_time(one_line(str(newest[0])).rpartition(";")[2]) if newest else None
    return _as_utc(when) if when is not None and when.utcoffset() is not None else None


def _header_time(text: str) -> datetime | None:
    try:
        return email.utils.parsedate_to_datetime(text.strip()) if text.strip() else None
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=timezone.utc)  # .msg times are UTC by definition
    return moment.astimezone(timezone.utc)


def _msg_id(fields: dict, headers: HeaderBlock | None, digest: str, note: Note) -> str:
    value = one_line(fields.get("message_id") or "") or _header(headers, "Message-ID")
    if value:
        return value
    made_up = f"<{digest[:16]}@redraft.invalid>"
    note(f"the e-mail has no Message-ID: {made_up} is used instead")
    return made_up


def _msg_body(fields: dict, note: Note) -> str:
    text = fields.get("plain") or ""
    if not text.strip():
        html = fields.get("html")
        if isinstance(html, bytes):
            html, problem = decode_text(html, _codepage_name(fields.get("cpid")))
            if problem:
                note(problem)
        text = html_to_text(html) if isinstance(html, str) else ""
        if not text and fields.get("rtf"):
            note("the e-mail text is in rich-text (RTF) form only and could not be read")
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


_CODEPAGES = {65001: "utf-8", 20127: "ascii", 50220: "iso2022_jp", 51932: "euc_jp", 54936: "gb18030",
              20866: "koi8_r", 21866: "koi8_u", 936: "gbk"}


def _codepage_name(cpid) -> str | None:
    """A Python codec name for a Windows code page number (None if unknown)."""
    if not isinstance(cpid, int) or cpid <= 0:
        return None
    if 28591 <= cpid <= 28605:
        return f"iso-8859-{cpid - 28590}"
    return _CODEPAGES.get(cpid, f"cp{cpid}")


def _store_files(files: list[_File], store: Path, source: str, note: Note) -> list[Attachment]:
    attachments = []
    for file in files:
        shown, changes = display_filename(file.name)
        digest, path = store_bytes(file.data, store)
        for change in changes:
            note(change, f"{source}, attachment '{shown or '(no name)'}'")
        content_type = file.content_type.strip().lower() or (
            mimetypes.guess_type(shown)[0] if shown else None
        ) or "application/octet-stream"
        attachments.append(
            Attachment(filename=shown, content_type=content_type, sha256=digest, size=len(file.data), path=str(path))
        )
    return attachments


# =========================================================================== winmail.dat


@dataclass(frozen=True)
class TnefContent:
    """What a winmail.dat holds.

    `attachments`: (display name, bytes) of every file, those of embedded (forwarded)
    messages included; names are cleaned by `display_filename` ("" if none). `body`: the
    message text ("" if none or RTF only). `notices`: oddities, in plain words, each naming
    the file it is about.
    """

    attachments: tuple[tuple[str, bytes], ...]
    body: str = ""
    notices: tuple[str, ...] = ()


# [MS-OXTNEF] attribute ids and MAPI property ids used below
_MESSAGE, _ATTACHMENT = 0x01, 0x02  # attribute levels
_ATT_BODY, _ATT_MSG_PROPS, _ATT_OEM_CODEPAGE = 0x800C, 0x9003, 0x9007
_ATT_ATTACH_REND_DATA, _ATT_ATTACH_TITLE, _ATT_ATTACH_DATA, _ATT_ATTACHMENT = 0x9002, 0x8010, 0x800F, 0x9005
_PR_BODY, _PR_HTML, _PR_RTF_COMPRESSED, _PR_INTERNET_CPID = 0x1000, 0x1013, 0x1009, 0x3FDE
_PR_DISPLAY_NAME, _PR_ATTACH_LONG_FILENAME, _PR_ATTACH_DATA = 0x3001, 0x3707, 0x3701
_PT_OBJECT, _PT_BINARY = 0x000D, 0x0102
_IID_IMESSAGE = bytes.fromhex("0703020000000000c000000000000046")


def unpack_tnef(data: bytes) -> TnefContent:
    """The files and text inside a winmail.dat (application/ms-tnef) attachment.

    Raises `TnefUnavailable` without tnefparse, and `TnefRefused` if the data is not TNEF,
    is cut off or malformed, or the content of a file in it fails its checksum. Files of
    an embedded message that is damaged are left out, with a notice.
    """
    tnefparse = _import_tnefparse()
    unpacker = _TnefUnpacker(tnefparse)
    body = unpacker.unpack(data, forwarded=0)
    return TnefContent(tuple(unpacker.files), body, tuple(unpacker.notices))


def _import_tnefparse():
    try:
        import tnefparse.mapi  # LGPL: optional extra, imported only here
    except ImportError:
        raise TnefUnavailable(TNEF_EXTRA_MISSING) from None
    return tnefparse


@dataclass
class _Attribute:
    """One TNEF attribute; `ok`: its checksum is present and matches."""

    level: int
    name: int
    data: bytes
    ok: bool


@dataclass
class _TnefFile:
    title: bytes = b""
    data: bytes | None = None
    data_ok: bool = True
    props: dict = field(default_factory=dict)  # MAPI property id -> tnefparse attribute
    props_ok: bool = True


class _TnefUnpacker:
    """Walks a TNEF stream (and those of embedded messages), collecting files and notices.

    The attributes are framed and checked here ([MS-OXTNEF] 2.1.3.1: level, id, length,
    data, checksum); tnefparse decodes the MAPI property lists. tnefparse's own `TNEF`
    class is not used: it strips trailing zero bytes from MAPI-held file data (which breaks
    .docx files) and loops over every property a corrupted count claims (billions).
    """

    def __init__(self, tnefparse) -> None:
        self.mapi = tnefparse.mapi
        self.files: list[tuple[str, bytes]] = []
        self.notices: list[str] = []
        self.warned_depth = False

    def unpack(self, data: bytes, forwarded: int) -> str:
        """Collect the files of one TNEF stream; return its text."""
        attributes, short = _tnef_attributes(data)
        if short:
            self.notices.append("winmail.dat ends 2 bytes early (its last checksum is missing)")
        try:
            codepage = _tnef_codepage(attributes)
            for record in self._records(attributes, codepage):
                self._file(record, codepage, forwarded)
            return self._body(attributes, codepage) if forwarded == 0 else ""
        except TnefRefused:
            raise
        except Exception:  # noqa: BLE001 - tnefparse's values on malformed data (struct, type errors)
            raise TnefRefused(_TNEF_DAMAGED) from None

    def _mapi(self, data: bytes, codepage: str) -> dict:
        """A MAPI property list as {property id: tnefparse attribute}."""
        if len(data) < 4:
            return {}
        (count,) = struct.unpack_from("<I", data)
        if count > (len(data) - 4) // 8:  # every property takes 8 bytes or more
            raise TnefRefused(_TNEF_DAMAGED)
        return {prop.name: prop for prop in self.mapi.decode_mapi(data, codepage)}

    def _records(self, attributes: list[_Attribute], codepage: str) -> list[_TnefFile]:
        """One record per attachment: each starts with its attAttachRendData attribute."""
        records: list[_TnefFile] = []
        for attribute in attributes:
            if attribute.level != _ATTACHMENT:
                continue
            if attribute.name == _ATT_ATTACH_REND_DATA or not records:
                records.append(_TnefFile())
            record = records[-1]
            if attribute.name == _ATT_ATTACH_TITLE:
                record.title = attribute.data
            elif attribute.name == _ATT_ATTACH_DATA:
                record.data, record.data_ok = attribute.data, attribute.ok
            elif attribute.name == _ATT_ATTACHMENT:
                record.props, record.props_ok = self._mapi(attribute.data, codepage), attribute.ok
        return records

    def _file(self, record: _TnefFile, codepage: str, forwarded: int) -> None:
        held = record.props.get(_PR_ATTACH_DATA)
        raw = held.raw_data[0] if held is not None and held.raw_data else b""
        if held is not None and held.attr_type == _PT_OBJECT and raw.startswith(_IID_IMESSAGE):
            self._embedded(raw[len(_IID_IMESSAGE):], forwarded)
            return
        shown, changes = display_filename(_tnef_name(record.props, record.title, codepage))
        label = f"'{shown}'" if shown else "a file without a name"
        if record.data is not None:
            data, ok = record.data, record.data_ok
        elif held is not None and held.attr_type in (_PT_OBJECT, _PT_BINARY):
            # tnefparse keeps the value padded to 4 bytes (its .data strips *all* trailing zero
            # bytes, which cuts a .docx's last record); an object starts with a 16-byte id
            data = raw[len(_IID_IMESSAGE):] if held.attr_type == _PT_OBJECT else raw
            ok = record.props_ok
        else:
            self.notices.append(f"{label} in winmail.dat has no content; it was left out")
            return
        if not ok:
            what = f"the file '{shown}'" if shown else "a file"
            raise TnefRefused(
                f"winmail.dat is damaged: {what} inside it is corrupted — ask the member to resend without rich text"
            )
        self.notices.extend(f"{label} in winmail.dat: {change}" for change in changes)
        self.files.append((shown, bytes(data)))

    def _embedded(self, data: bytes, forwarded: int) -> None:
        if forwarded >= MAX_FORWARD_DEPTH:
            if not self.warned_depth:
                self.warned_depth = True
                self.notices.append(
                    f"messages inside winmail.dat are nested more than {MAX_FORWARD_DEPTH} deep; "
                    "the deeper ones were not read"
                )
            return
        kept = len(self.files)
        try:
            self.unpack(data, forwarded + 1)
        except TnefRefused:
            del self.files[kept:]
            self.notices.append("a message attached inside winmail.dat is damaged; its files were not read")

    def _body(self, attributes: list[_Attribute], codepage: str) -> str:
        props: dict = {}
        plain = ""
        for attribute in attributes:
            if attribute.level == _MESSAGE and attribute.name == _ATT_MSG_PROPS:
                props = self._mapi(attribute.data, codepage)
            elif attribute.level == _MESSAGE and attribute.name == _ATT_BODY:
                plain = self._decode(attribute.data, codepage)
        if not plain.strip() and _PR_BODY in props:
            plain = self._decode(props[_PR_BODY].data, codepage)
        if not plain.strip() and _PR_HTML in props:
            cpid = props[_PR_INTERNET_CPID].data if _PR_INTERNET_CPID in props else None
            plain = html_to_text(self._decode(props[_PR_HTML].data, _codepage_name(cpid)))
        if not plain.strip() and _PR_RTF_COMPRESSED in props:
            self.notices.append("the text inside winmail.dat is in rich-text (RTF) form only and was not read")
        return plain.replace("\r\n", "\n").replace("\r", "\n").strip()

    def _decode(self, value, charset: str | None) -> str:
        if isinstance(value, bytes):
            value, problem = decode_text(value.rstrip(b"\0"), charset)
            if problem:
                self.notices.append(f"the text inside winmail.dat: {problem}")
        return value.rstrip("\0") if isinstance(value, str) else ""


def _tnef_attributes(data: bytes) -> tuple[list[_Attribute], bool]:
    """The attributes of a TNEF stream, and whether the last one lacks its checksum.

    Refuses data that is not TNEF, holds no attribute, or is cut off inside an attribute.
    """
    if not data:
        raise TnefRefused("winmail.dat is empty")
    if not data.startswith(TNEF_MAGIC):
        raise TnefRefused("the winmail.dat attachment is not in Outlook's rich-text (TNEF) format")
    attributes, offset = [], 6  # after the signature and the legacy key
    while len(data) - offset >= 11:  # a shorter tail (a stray line break) is ignored
        level, name, length = struct.unpack_from("<BH2xI", data, offset)
        end = offset + 9 + length
        if level not in (_MESSAGE, _ATTACHMENT):
            raise TnefRefused(_TNEF_DAMAGED)
        if end > len(data):
            raise TnefRefused(_TNEF_CUT)
        content, stored = data[offset + 9 : end], data[end : end + 2]
        ok = len(stored) == 2 and int.from_bytes(stored, "little") == sum(content) & 0xFFFF
        attributes.append(_Attribute(level, name, content, ok))
        offset = end + 2
    if not attributes:
        raise TnefRefused(_TNEF_DAMAGED)
    return attributes, offset > len(data)


def _tnef_codepage(attributes: list[_Attribute]) -> str:
    """The code page of 8-bit strings (attOemCodepage), as a Python codec name."""
    for attribute in attributes:
        if attribute.name == _ATT_OEM_CODEPAGE and len(attribute.data) >= 4:
            name = _codepage_name(struct.unpack_from("<I", attribute.data)[0])
            try:
                return codecs.lookup(name or "").name
            except LookupError:
                break
    return "cp1252"


def _tnef_name(props: dict, title: bytes, codepage: str) -> str:
    for prop in (_PR_ATTACH_LONG_FILENAME, _PR_DISPLAY_NAME):
        value = props[prop].data if prop in props else None
        if isinstance(value, str) and value.strip("\0 "):
            return value.strip("\0")
    text, _ = decode_text(title.split(b"\0", 1)[0], codepage)
    return text
