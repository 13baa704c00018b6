"""Inboxes on disk: a folder of .eml/.msg files, a Maildir, an mbox file.

Each yields `RawMail` (the bytes and where they are) or, for an entry that is not an e-mail
at all, an `UnreadableMessage`, so every entry is accounted for. Maildir and mbox are read
with the standard library's `mailbox` module (which knows their locking and escaping rules).
"""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from pathlib import Path

from ...models.intake import InboxRefused, RawMail, UnreadableMessage
from .store import sha256_hex

IGNORED_FILES = frozenset(("thumbs.db", "desktop.ini"))
MAIL_SUFFIXES = (".eml", ".msg")


def kind_of(path: Path) -> str:
    """"folder" | "maildir" | "mbox" for an inbox path; raises `InboxRefused` otherwise."""
    if not path.exists():
        raise InboxRefused(f"inbox not found: {path}")
    if path.is_dir():
        if all((path / sub).is_dir() for sub in ("cur", "new", "tmp")):
            return "maildir"
        return "folder"
    if path.is_file():
        with path.open("rb") as handle:
            head = handle.read(5)
        if head == b"From " or head == b"":
            return "mbox"
        raise InboxRefused(
            f"the inbox {path} is a file but not an mbox mailbox (it should start with a 'From ' line); "
            "name a folder of .eml files, a Maildir or an mbox file")
    raise InboxRefused(f"the inbox {path} is not a folder or a file")


def folder_mails(folder: Path, max_bytes: int) -> Iterator[RawMail | UnreadableMessage]:
    """Every file of a folder in name order (hidden files and Thumbs.db/desktop.ini aside)."""
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.startswith(".") or entry.name.lower() in IGNORED_FILES:
            continue
        yield _folder_entry(entry, max_bytes)


def _folder_entry(path: Path, max_bytes: int) -> RawMail | UnreadableMessage:
    name = path.name
    if path.is_dir():
        return UnreadableMessage(name, "", "a folder: put the e-mail files directly in the inbox folder")
    if not path.is_file():
        return UnreadableMessage(name, "", "not a regular file")
    try:
        size = path.stat().st_size
        if path.suffix.lower() not in MAIL_SUFFIXES:
            return UnreadableMessage(name, _file_sha256(path), "not an e-mail file (.eml or Outlook .msg)")
        if size > max_bytes:
            with path.open("rb") as handle:
                headers = _header_block(handle.read(256 * 1024))
            return RawMail(key=name, data=None, size=size, headers=headers)
        return RawMail(key=name, data=path.read_bytes(), size=size)
    except OSError as exc:
        return UnreadableMessage(name, "", f"the file cannot be read: {exc.strerror or exc}")


def maildir_mails(path: Path, max_bytes: int) -> Iterator[RawMail | UnreadableMessage]:
    """The messages of a Maildir (new/ and cur/), in key order."""
    box = mailbox.Maildir(str(path), factory=None, create=False)
    for key in sorted(box.iterkeys()):
        label = f"Maildir {key}"
        yield _boxed(box, key, label, max_bytes)


def mbox_mails(path: Path, max_bytes: int) -> Iterator[RawMail | UnreadableMessage]:
    """The messages of an mbox file, in file order, named "mbox #n"."""
    box = mailbox.mbox(str(path), factory=None, create=False)
    try:
        for n, key in enumerate(box.iterkeys(), start=1):
            yield _boxed(box, key, f"mbox #{n}", max_bytes)
    finally:
        box.close()


def _boxed(box: mailbox.Mailbox, key, label: str, max_bytes: int) -> RawMail | UnreadableMessage:
    try:
        data = box.get_bytes(key)
    except (OSError, KeyError, mailbox.Error) as exc:
        return UnreadableMessage(label, "", f"the message cannot be read from the mailbox: {exc}")
    if len(data) > max_bytes:
        return RawMail(key=label, data=None, size=len(data), headers=_header_block(data))
    return RawMail(key=label, data=data, size=len(data))


def _header_block(data: bytes) -> bytes:
    """The header lines of a message (up to the first empty line)."""
    for sep in (b"\r\n\r\n", b"\n\n"):
        end = data.find(sep)
        if end >= 0:
            return data[: end + len(sep)]
    return data


def _file_sha256(path: Path) -> str:
    return sha256_hex(path.read_bytes()) if path.stat().st_size < (64 << 20) else ""
