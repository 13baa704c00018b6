"""Outlook files built from scratch, for tests: .msg (an OLE compound file) and winmail.dat (TNEF).

Written from Microsoft's open specifications ([MS-CFB] compound files, [MS-OXMSG] .msg
layout, [MS-OXTNEF] TNEF streams); no code of a GPL/LGPL reader is used, and nothing is
downloaded. Only what the tests need is supported: version 3 compound files (512-byte
sectors, at most 109 FAT sectors, i.e. files up to ~6.8 MB), Unicode strings.

    msg_bytes(MsgSpec(subject="Comments", attachments=[FileSpec("c.docx", data)]))
    tnef_bytes([FileSpec("c.docx", data)], body="Dear colleagues")
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from datetime import datetime, timezone

# --------------------------------------------------------------------------- compound file

_SECTOR = 512
_MINI = 64
_CUTOFF = 4096  # streams shorter than this live in the mini stream
_FREE, _END, _FATSECT, _NONE = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class _Node:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    kids: list[int] = field(default_factory=list)
    left: int = _NONE
    right: int = _NONE
    child: int = _NONE
    start: int = _END
    size: int = 0


def compound_file(tree: dict) -> bytes:
    """An OLE compound file holding `tree`: {name: bytes (a stream) | dict (a storage)}."""
    nodes = [_Node("Root Entry", 5)]
    _flatten(tree, 0, nodes)
    for node in nodes:
        order = sorted(node.kids, key=lambda i: _cfb_order(nodes[i].name))
        node.child = _balance(order, nodes)

    mini, minifat = bytearray(), []
    big: list[_Node] = []
    for node in nodes:
        if node.kind != 2 or not node.data:
            continue
        node.size = len(node.data)
        if node.size < _CUTOFF:
            node.start = len(mini) // _MINI
            count = -(-node.size // _MINI)
            minifat += _chain(node.start, count)
            mini += _pad(node.data, _MINI)
        else:
            big.append(node)

    sectors: list[bytes] = []
    fat: list[int] = []

    def place(data: bytes) -> int:
        first, count = len(sectors), -(-len(data) // _SECTOR)
        padded = _pad(data, _SECTOR)
        sectors.extend(padded[i : i + _SECTOR] for i in range(0, len(padded), _SECTOR))
        fat.extend(_chain(first, count))
        return first

    for node in big:
        node.start = place(node.data)
    if mini:
        nodes[0].start, nodes[0].size = place(bytes(mini)), len(mini)
    minifat_start = place(_pad(struct.pack(f"<{len(minifat)}I", *minifat), _SECTOR, 0xFF)) if minifat else _END
    directory = b"".join(_dir_entry(n) for n in nodes)
    directory += _dir_entry(None) * (-len(nodes) % (_SECTOR // 128))
    dir_start = place(directory)

    fat_count = 1
    while fat_count * (_SECTOR // 4) < len(sectors) + fat_count:
        fat_count += 1
    if fat_count > 109:
        raise ValueError("compound_file: too large for a header-only FAT index")
    fat_first = len(sectors)
    fat += [_FATSECT] * fat_count
    fat += [_FREE] * (fat_count * (_SECTOR // 4) - len(fat))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    sectors += [fat_bytes[i : i + _SECTOR] for i in range(0, len(fat_bytes), _SECTOR)]

    difat = [fat_first + i for i in range(fat_count)] + [_FREE] * (109 - fat_count)
    header = (
        _MAGIC
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, fat_count, dir_start, 0, _CUTOFF,
                      minifat_start, -(-len(minifat) * 4 // _SECTOR), _END, 0)
        + struct.pack("<109I", *difat)
    )
    assert len(header) == _SECTOR
    return header + b"".join(sectors)


def _flatten(tree: dict, parent: int, nodes: list[_Node]) -> None:
    for name, value in tree.items():
        if len(name) > 31:
            raise ValueError(f"compound_file: name too long: {name}")
        index = len(nodes)
        if isinstance(value, dict):
            nodes.append(_Node(name, 1))
            _flatten(value, index, nodes)
        else:
            nodes.append(_Node(name, 2, bytes(value)))
        nodes[parent].kids.append(index)


def _cfb_order(name: str) -> tuple[int, str]:
    """[MS-CFB] sibling order: shorter names first, then by upper-cased characters."""
    return len(name.encode("utf-16-le")), name.upper()


def _balance(order: list[int], nodes: list[_Node]) -> int:
    """Siblings as a balanced binary tree (all black); returns the root's index."""
    if not order:
        return _NONE
    middle = len(order) // 2
    node = nodes[order[middle]]
    node.left = _balance(order[:middle], nodes)
    node.right = _balance(order[middle + 1 :], nodes)
    return order[middle]


def _chain(first: int, count: int) -> list[int]:
    return [first + i + 1 for i in range(count - 1)] + ([_END] if count else [])


def _pad(data: bytes, size: int, fill: int = 0) -> bytes:
    return data + bytes([fill]) * (-len(data) % size)


def _dir_entry(node: _Node | None) -> bytes:
    if node is None:
        return bytes(64) + struct.pack("<HBBIII", 0, 0, 0, _NONE, _NONE, _NONE) + bytes(48)
    name = node.name.encode("utf-16-le") + b"\0\0"
    start = node.start if node.kind != 1 else 0
    return (
        name.ljust(64, b"\0")
        + struct.pack("<HBBIII", len(name), node.kind, 1, node.left, node.right, node.child)
        + bytes(16 + 4 + 16)  # CLSID, state bits, creation and modification times
        + struct.pack("<IQ", start, node.size)
    )


# --------------------------------------------------------------------------- .msg

PT_LONG, PT_OBJECT, PT_UNICODE, PT_SYSTIME, PT_BINARY = 0x0003, 0x000D, 0x001F, 0x0040, 0x0102
_READ_WRITE = 0x00000006


@dataclass
class FileSpec:
    """An attached file."""

    filename: str
    data: bytes
    mime: str = ""


@dataclass
class MsgSpec:
    """An Outlook e-mail. Every field left None is left out of the file."""

    subject: str | None = "Comments on the ToR"
    body: str | None = "Dear colleagues, please find our comments attached."
    html: bytes | None = None
    sender_name: str | None = "Jane Doe"
    sender_email: str | None = "jane.doe@ilo.org"  # PR_SENDER_EMAIL_ADDRESS
    sender_addrtype: str | None = "SMTP"
    sender_smtp: str | None = None  # PR_SENDER_SMTP_ADDRESS
    message_id: str | None = "<1@ilo.org>"
    delivered: datetime | None = datetime(2018, 8, 14, 8, 31, tzinfo=timezone.utc)
    submitted: datetime | None = datetime(2018, 8, 14, 8, 30, tzinfo=timezone.utc)
    headers: str | None = None  # PR_TRANSPORT_MESSAGE_HEADERS
    message_class: str = "IPM.Note"
    attachments: list[FileSpec | MsgSpec] = field(default_factory=list)


def msg_bytes(spec: MsgSpec) -> bytes:
    """A .msg file (a top-level Outlook message) for `spec`."""
    tree = _message_tree(spec, top=True)
    tree["__nameid_version1.0"] = {
        "__substg1.0_00020102": b"",  # GUIDs
        "__substg1.0_00030102": b"",  # entries
        "__substg1.0_00040102": b"",  # names
    }
    return compound_file(tree)


def filetime(moment: datetime) -> int:
    """100-ns intervals since 1601-01-01 UTC."""
    delta = moment - datetime(1601, 1, 1, tzinfo=timezone.utc)
    return (delta.days * 86400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


def _message_tree(spec: MsgSpec, top: bool) -> dict:
    props: list[tuple[int, int, object]] = [
        (0x001A, PT_UNICODE, spec.message_class),
        (0x0E07, PT_LONG, 1),  # PR_MESSAGE_FLAGS: read, sent
        (0x340D, PT_LONG, 0x00040000),  # PR_STORE_SUPPORT_MASK: Unicode strings
        (0x0037, PT_UNICODE, spec.subject),
        (0x1000, PT_UNICODE, spec.body),
        (0x1013, PT_BINARY, spec.html),
        (0x1035, PT_UNICODE, spec.message_id),
        (0x007D, PT_UNICODE, spec.headers),
        (0x0E06, PT_SYSTIME, spec.delivered),
        (0x0039, PT_SYSTIME, spec.submitted),
    ]
    for name, addrtype, email, smtp in ((0x0C1A, 0x0C1E, 0x0C1F, 0x5D01), (0x0042, 0x0064, 0x0065, 0x5D02)):
        props += [
            (name, PT_UNICODE, spec.sender_name),
            (addrtype, PT_UNICODE, spec.sender_addrtype),
            (email, PT_UNICODE, spec.sender_email),
            (smtp, PT_UNICODE, spec.sender_smtp),
        ]
    recipient = [
        (0x0C15, PT_LONG, 1),  # PR_RECIPIENT_TYPE: To
        (0x3001, PT_UNICODE, "Secretariat"),
        (0x3002, PT_UNICODE, "SMTP"),
        (0x3003, PT_UNICODE, "info@alliance87.org"),
        (0x39FE, PT_UNICODE, "info@alliance87.org"),
    ]
    count = len(spec.attachments)
    header = struct.pack("<8xIIII", 1, count, 1, count) + (bytes(8) if top else b"")
    tree = _property_streams(props, header)
    tree["__recip_version1.0_#00000000"] = _property_streams(recipient, bytes(8))
    for number, item in enumerate(spec.attachments):
        tree[f"__attach_version1.0_#{number:08X}"] = _attachment_tree(item, number)
    return tree


def _attachment_tree(item: FileSpec | MsgSpec, number: int) -> dict:
    if isinstance(item, MsgSpec):
        props = [
            (0x3705, PT_LONG, 5),  # PR_ATTACH_METHOD: embedded message
            (0x0E21, PT_LONG, number),
            (0x3001, PT_UNICODE, item.subject or "Message"),
            (0x3701, PT_OBJECT, None),
        ]
        tree = _property_streams(props, bytes(8))
        tree["__substg1.0_3701000D"] = _message_tree(item, top=False)
        return tree
    props = [
        (0x3705, PT_LONG, 1),  # by value
        (0x0E21, PT_LONG, number),
        (0x370B, PT_LONG, -1),  # rendering position: none
        (0x3001, PT_UNICODE, item.filename),
        (0x3707, PT_UNICODE, item.filename),
        (0x3704, PT_UNICODE, _short_name(item.filename)),
        (0x370E, PT_UNICODE, item.mime or None),
        (0x3701, PT_BINARY, item.data),
    ]
    return _property_streams(props, bytes(8))


def _short_name(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return f"{(stem or name)[:6].upper()}~1{dot}{ext[:3].upper()}" if dot else name[:8].upper()


def _property_streams(props: list[tuple[int, int, object]], header: bytes) -> dict:
    """The `__properties_version1.0` stream and one `__substg1.0_` stream per long value."""
    entries, streams = [header], {}
    for prop_id, ptype, value in props:
        if value is None and ptype != PT_OBJECT:
            continue
        tag = struct.pack("<II", (prop_id << 16) | ptype, _READ_WRITE)
        if ptype == PT_LONG:
            entries.append(tag + struct.pack("<i4x", value))
        elif ptype == PT_SYSTIME:
            entries.append(tag + struct.pack("<Q", filetime(value)))
        elif ptype == PT_OBJECT:  # the storage itself is added by the caller
            entries.append(tag + struct.pack("<II", 0xFFFFFFFF, 0))
        else:
            data = value.encode("utf-16-le") if ptype == PT_UNICODE else bytes(value)
            size = len(data) + (2 if ptype == PT_UNICODE else 0)
            entries.append(tag + struct.pack("<II", size, 0))
            streams[f"__substg1.0_{prop_id:04X}{ptype:04X}"] = data
    return {"__properties_version1.0": b"".join(entries), **streams}


# --------------------------------------------------------------------------- TNEF

TNEF_SIGNATURE = 0x223E9F78
_MESSAGE, _ATTACHMENT = 1, 2
# attribute id | type << 16, from [MS-OXTNEF] 2.1.3.3
ATT_TNEF_VERSION = 0x00089006
ATT_OEM_CODEPAGE = 0x00069007
ATT_MESSAGE_CLASS = 0x00078008
ATT_SUBJECT = 0x00018004
ATT_BODY = 0x0002800C
ATT_MSG_PROPS = 0x00069003
ATT_ATTACH_REND_DATA = 0x00069002
ATT_ATTACH_TITLE = 0x00018010
ATT_ATTACH_DATA = 0x0006800F
ATT_ATTACHMENT = 0x00069005
IID_IMESSAGE = bytes.fromhex("0703020000000000c000000000000046")


def tnef_bytes(
    attachments: list[FileSpec | list] = (),
    *,
    body: str | None = None,
    html: bytes | None = None,
    subject: str = "Comments on the ToR",
    key: int = 0x1234,
    data_in_props: bool = False,
) -> bytes:
    """A winmail.dat stream. An attachment given as a list is an embedded message holding those
    attachments (as a nested TNEF stream, the way Outlook embeds forwarded messages).
    `data_in_props`: file contents as the MAPI property PR_ATTACH_DATA_BIN instead of the
    attAttachData attribute (both are allowed)."""
    out = struct.pack("<IH", TNEF_SIGNATURE, key)
    out += _attribute(_MESSAGE, ATT_TNEF_VERSION, struct.pack("<I", 0x00010000))
    out += _attribute(_MESSAGE, ATT_OEM_CODEPAGE, struct.pack("<II", 1252, 0))
    out += _attribute(_MESSAGE, ATT_MESSAGE_CLASS, b"IPM.Microsoft Mail.Note\0")
    out += _attribute(_MESSAGE, ATT_SUBJECT, subject.encode("cp1252") + b"\0")
    if body is not None:
        out += _attribute(_MESSAGE, ATT_BODY, body.encode("cp1252"))
    if html is not None:
        out += _attribute(_MESSAGE, ATT_MSG_PROPS, _mapi_props([(0x1013, PT_BINARY, html)]))
    for item in attachments:
        out += _tnef_attachment(item, data_in_props)
    return out


def _tnef_attachment(item: FileSpec | list, data_in_props: bool = False) -> bytes:
    rend = struct.pack("<HIHHI", 1, 0xFFFFFFFF, 0, 0, 0)  # a file, no rendering position
    out = _attribute(_ATTACHMENT, ATT_ATTACH_REND_DATA, rend)
    if isinstance(item, list):
        inner = IID_IMESSAGE + tnef_bytes(item, body="forwarded", subject="Fwd")
        props = [(0x3705, PT_LONG, 5), (0x3001, PT_UNICODE, "Fwd"), (0x3701, PT_OBJECT, inner)]
        return out + _attribute(_ATTACHMENT, ATT_ATTACHMENT, _mapi_props(props))
    out += _attribute(_ATTACHMENT, ATT_ATTACH_TITLE, _short_name(item.filename).encode("cp1252", "replace") + b"\0")
    props = [(0x3705, PT_LONG, 1), (0x3707, PT_UNICODE, item.filename)]
    if data_in_props:
        props.append((0x3701, PT_BINARY, item.data))
    else:
        out += _attribute(_ATTACHMENT, ATT_ATTACH_DATA, item.data)
    if item.mime:
        props.append((0x370E, PT_UNICODE, item.mime))
    return out + _attribute(_ATTACHMENT, ATT_ATTACHMENT, _mapi_props(props))


def _attribute(level: int, attribute: int, data: bytes) -> bytes:
    """level, attribute id and type, length, data, checksum (sum of the data bytes mod 2^16)."""
    return struct.pack("<BII", level, attribute, len(data)) + data + struct.pack("<H", sum(data) & 0xFFFF)


def _mapi_props(props: list[tuple[int, int, object]]) -> bytes:
    """A MAPI property list as TNEF writes it ([MS-OXTNEF] 2.1.3.4): values padded to 4 bytes."""
    out = struct.pack("<I", len(props))
    for prop_id, ptype, value in props:
        out += struct.pack("<HH", ptype, prop_id)
        if ptype == PT_LONG:
            out += struct.pack("<i", value)
            continue
        data = (value + "\0").encode("utf-16-le") if ptype == PT_UNICODE else bytes(value)
        out += struct.pack("<II", 1, len(data)) + _pad(data, 4)
    return out
