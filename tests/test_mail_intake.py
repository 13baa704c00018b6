"""Mail intake: .eml files → Message models → submissions.csv rows."""

from __future__ import annotations

import base64
import hashlib
import io
from datetime import datetime, timedelta, timezone
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import docx
import pytest

from redraft.models.consultation import Consultation, DraftSpec, Member
from redraft.models.intake import InboxRefused, MessageRefused, UnreadableMessage
from redraft.models.submission import Message, Status
from redraft.parsers.mail.accounting import account_messages, submitter_for
from redraft.parsers.mail.eml import canonical_sha256, read_eml
from redraft.parsers.mail.inbox import read_inbox_folder
from redraft.parsers.mail.parts import display_filename, html_to_text

CEST = timezone(timedelta(hours=2))
DEADLINE = datetime(2018, 8, 15, 18, 0, tzinfo=CEST)
ON_TIME = datetime(2018, 8, 14, 10, 30, tzinfo=CEST)
DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")


def make_docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def docx_a() -> bytes:
    return make_docx("Comments of the ILO on the draft Terms of Reference.")


@pytest.fixture(scope="module")
def docx_b() -> bytes:
    return make_docx("Comments of ITUC: replace 'shall' by 'should' in section 2.")


def mail(
    *,
    sender: str | Address | None = "Jane Doe <jane.doe@ilo.org>",
    date: datetime | str | None = ON_TIME,
    message_id: str | None = "<1@ilo.org>",
    subject: str = "Comments on the ToR",
    body: str | None = "Dear colleagues, please find our comments attached.",
    html: str | None = None,
    attachments: list[tuple[bytes, str, str, str | None]] = (),
) -> EmailMessage:
    msg = EmailMessage()
    if sender is not None:
        msg["From"] = sender
    msg["To"] = "info@alliance87.org"
    msg["Subject"] = subject
    if date is not None:
        msg["Date"] = format_datetime(date) if isinstance(date, datetime) else date
    if message_id is not None:
        msg["Message-ID"] = message_id
    if html is not None:
        msg.set_content(html, subtype="html")
    elif body is not None:
        msg.set_content(body)
    for data, maintype, subtype, filename in attachments:
        if filename is None:
            msg.add_attachment(data, maintype=maintype, subtype=subtype, disposition="inline")
        else:
            msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg


def raw(msg: EmailMessage) -> bytes:
    return msg.as_bytes(policy=policy.default)


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def consultation(**changes) -> Consultation:
    values = dict(
        title="GCG comments",
        deadline=DEADLINE,
        inbox="inbox",
        documents=(DraftSpec("tor", "ToR", Path("tor.docx")),),
        secretariat=("info@alliance87.org",),
        members=(
            Member("jane.doe@ilo.org", "ILO", "UN agencies"),
            Member("@ituc-csi.org", "ITUC", "Workers"),
        ),
    )
    values.update(changes)
    return Consultation(**values)


def write_inbox(folder: Path, messages: list[EmailMessage | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for number, msg in enumerate(messages, start=1):
        data = msg if isinstance(msg, bytes) else raw(msg)
        (folder / f"{number:02d}.eml").write_bytes(data)
    return folder


def account(tmp_path: Path, messages: list[EmailMessage | bytes], **changes):
    inbox = write_inbox(tmp_path / "inbox", messages)
    read = read_inbox_folder(inbox, tmp_path / "store")
    return account_messages(read, consultation(**changes))


def rows_of(records, source: str):
    return [r for r in records if r.source == source]


# --------------------------------------------------------------------------- read_eml


def test_reads_sender_date_id_subject_body_and_attachment(tmp_path: Path, docx_a: bytes) -> None:
    msg = mail(
        sender=Address("Jörg Müller", addr_spec="Joerg.Mueller@ILO.org"),
        subject="Änderungen zum Entwurf",
        attachments=[(docx_a, *DOCX_TYPE, "ILO comments.docx")],
    )
    data = raw(msg)
    assert b"=?utf-8?" in data  # the display name really is RFC 2047 encoded
    store = tmp_path / "store"
    message = read_eml(data, "01.eml", store)

    assert isinstance(message, Message)
    assert message.sender_address == "joerg.mueller@ilo.org"
    assert message.sender_name == "Jörg Müller"
    assert message.received == ON_TIME and message.received.tzinfo is not None
    assert message.message_id == "<1@ilo.org>"
    assert message.subject == "Änderungen zum Entwurf"
    assert message.body == "Dear colleagues, please find our comments attached."
    # the digest of the message as on the wire (CRLF line ends), whatever the file used
    assert message.sha256 == hashlib.sha256(data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")).hexdigest()
    assert read_eml(data.replace(b"\r\n", b"\n"), "lf.eml", tmp_path / "store").sha256 == message.sha256
    assert message.source == "01.eml"
    assert message.notices == ()

    (attachment,) = message.attachments
    digest = hashlib.sha256(docx_a).hexdigest()
    assert attachment.filename == "ILO comments.docx"
    assert attachment.content_type == "/".join(DOCX_TYPE)
    assert attachment.sha256 == digest
    assert attachment.size == len(docx_a)
    assert attachment.path == str(store.absolute() / digest[:2] / digest)
    assert Path(attachment.path).read_bytes() == docx_a
    assert files_under(store) == {Path(attachment.path)}


def test_same_bytes_are_stored_once(tmp_path: Path, docx_a: bytes) -> None:
    store = tmp_path / "store"
    first = read_eml(raw(mail(attachments=[(docx_a, *DOCX_TYPE, "a.docx")])), "01.eml", store)
    second = read_eml(
        raw(mail(message_id="<2@ilo.org>", attachments=[(docx_a, *DOCX_TYPE, "b.docx")])),
        "02.eml",
        store,
    )
    assert first.attachments[0].path == second.attachments[0].path
    assert len(files_under(store)) == 1


def test_rfc2231_encoded_file_name(tmp_path: Path, docx_a: bytes) -> None:
    name = "Stellungnahme – Änderungen zur Leitlinie 2018 (endgültige Fassung).docx"
    data = raw(mail(attachments=[(docx_a, *DOCX_TYPE, name)]))
    assert b"filename*0*=utf-8''" in data  # RFC 2231, with continuations
    message = read_eml(data, "01.eml", tmp_path / "store")
    assert message.attachments[0].filename == name


def test_rfc2047_encoded_file_name_in_quotes(tmp_path: Path) -> None:
    data = (
        b"From: a@b.org\r\nDate: Tue, 14 Aug 2018 10:30:00 +0200\r\nMessage-ID: <x@b.org>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n"
        b"--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n"
        b"--XX\r\nContent-Type: application/octet-stream; name=\"=?utf-8?B?w6l0w6kuZG9jeA==?=\"\r\n"
        b"Content-Disposition: attachment; filename=\"=?utf-8?B?w6l0w6kuZG9jeA==?=\"\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nUEsDBA==\r\n--XX--\r\n"
    )
    message = read_eml(data, "01.eml", tmp_path / "store")
    assert [a.filename for a in message.attachments] == ["été.docx"]
    assert message.attachments[0].content_type == "application/octet-stream"
    assert Path(message.attachments[0].path).read_bytes() == b"PK\x03\x04"
    assert message.body == "hello"


def test_octet_stream_docx_is_an_attachment_and_accepted(tmp_path: Path, docx_a: bytes) -> None:
    records = account(tmp_path, [mail(attachments=[(docx_a, "application", "octet-stream", "comments.docx")])])
    message_row, attachment_row = records
    assert attachment_row.kind == "attachment" and attachment_row.filename == "comments.docx"
    assert attachment_row.status is Status.ACCEPTED and attachment_row.reason == ""
    assert message_row.status is Status.ACCEPTED


def test_forwarded_message_attachments_are_read(tmp_path: Path, docx_a: bytes, docx_b: bytes) -> None:
    inner = mail(
        sender="Expert <expert@ituc-csi.org>",
        message_id="<inner@ituc-csi.org>",
        body="Inner body that is not ours.",
        attachments=[(docx_b, *DOCX_TYPE, "ITUC inner.docx")],
    )
    middle = mail(message_id="<middle@x.org>", body="middle", attachments=[(docx_a, *DOCX_TYPE, "middle.docx")])
    middle.add_attachment(inner)
    outer = mail(body="FYI, forwarded as attachment.")
    outer.add_attachment(middle)
    assert b"message/rfc822" in raw(outer)

    message = read_eml(raw(outer), "01.eml", tmp_path / "store")
    assert sorted(a.filename for a in message.attachments) == ["ITUC inner.docx", "middle.docx"]
    assert message.body == "FYI, forwarded as attachment."
    assert {a.sha256 for a in message.attachments} == {
        hashlib.sha256(docx_a).hexdigest(),
        hashlib.sha256(docx_b).hexdigest(),
    }


def test_base64_encoded_forwarded_message_is_read(tmp_path: Path, docx_a: bytes) -> None:
    inner = raw(mail(message_id="<in@x>", attachments=[(docx_a, *DOCX_TYPE, "inner.docx")]))
    data = (
        b"From: a@b.org\r\nDate: Tue, 14 Aug 2018 10:30:00 +0200\r\nMessage-ID: <x@b.org>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n"
        b"--XX\r\nContent-Type: text/plain\r\n\r\nforwarded\r\n"
        b"--XX\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(inner)
        + b"--XX--\r\n"
    )
    message = read_eml(data, "01.eml", tmp_path / "store")
    assert [a.filename for a in message.attachments] == ["inner.docx"]
    assert Path(message.attachments[0].path).read_bytes() == docx_a


def test_body_split_around_an_inline_image(tmp_path: Path) -> None:
    data = (
        b"From: a@b.org\r\nDate: Tue, 14 Aug 2018 10:30:00 +0200\r\nMessage-ID: <x@b.org>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n"
        b"--XX\r\nContent-Type: text/plain\r\n\r\nfirst half\r\n"
        b"--XX\r\nContent-Type: image/png\r\nContent-Disposition: inline\r\n\r\nPNG\r\n"
        b"--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nsecond half\r\n--XX--\r\n"
    )
    message = read_eml(data, "01.eml", tmp_path / "store")
    assert message.body == "first half\n\nsecond half"
    assert [(a.filename, a.content_type) for a in message.attachments] == [("", "image/png")]


def test_forwarding_depth_is_bounded(tmp_path: Path, docx_a: bytes) -> None:
    msg = mail(message_id="<deepest@x.org>", attachments=[(docx_a, *DOCX_TYPE, "deepest.docx")])
    for level in range(8):
        outer = mail(message_id=f"<level{level}@x.org>", body=f"level {level}")
        outer.add_attachment(msg)
        msg = outer
    message = read_eml(raw(msg), "01.eml", tmp_path / "store")
    assert message.attachments == ()
    assert any("forwarded messages are nested" in n.message for n in message.notices)


def test_html_only_body_with_10000_nested_tags(tmp_path: Path) -> None:
    html = (
        "<html><head><title>Hidden title</title><style>p {color: red}</style></head><body>"
        "<p>First paragraph</p><p>Second &amp; last&nbsp;one</p>Line one<br>Line two"
        + "<div><span>" * 5000
        + "Deep &eacute;t&eacute; text"
        + "</span></div>" * 5000
        + "<ul><li>point A</li><li>point B</li></ul><script>alert(1)</script></body></html>"
    )
    message = read_eml(raw(mail(body=None, html=html)), "01.eml", tmp_path / "store")
    body = message.body
    assert "First paragraph\n\nSecond & last one" in body
    assert "Line one\nLine two" in body
    assert "Deep été text" in body
    assert "- point A\n- point B" in body
    assert "Hidden title" not in body and "color" not in body and "alert" not in body
    assert "<" not in body
    assert message.attachments == ()


def test_html_to_text_is_not_recursive() -> None:
    text = html_to_text("<b>" * 100_000 + "x" + "</b>" * 100_000)
    assert text == "x"


def test_plain_part_is_preferred_to_html(tmp_path: Path) -> None:
    msg = mail(body="plain words")
    msg.add_alternative("<p>html words</p>", subtype="html")
    message = read_eml(raw(msg), "01.eml", tmp_path / "store")
    assert message.body == "plain words"
    assert message.attachments == ()


def test_unknown_charset_is_replaced_with_a_notice(tmp_path: Path) -> None:
    data = (
        b"From: a@b.org\r\nDate: Tue, 14 Aug 2018 10:30:00 +0200\r\nMessage-ID: <x@b.org>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=x-unknown\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\nAmend \xc3\xa9t\xc3\xa9 and \xff here.\r\n"
    )
    message = read_eml(data, "01.eml", tmp_path / "store")
    assert message.body == "Amend été and \ufffd here."
    assert any("x-unknown" in n.message for n in message.notices)


def test_missing_date_gives_none_and_a_notice(tmp_path: Path) -> None:
    message = read_eml(raw(mail(date=None)), "01.eml", tmp_path / "store")
    assert message.received is None
    assert any("no date" in n.message for n in message.notices)


def test_date_without_offset_is_read_as_utc(tmp_path: Path) -> None:
    message = read_eml(raw(mail(date="Wed, 15 Aug 2018 17:00:00")), "01.eml", tmp_path / "store")
    assert message.received == datetime(2018, 8, 15, 17, 0, tzinfo=timezone.utc)
    assert any("no time zone" in n.message for n in message.notices)


def test_invalid_date_gives_none_and_a_notice(tmp_path: Path) -> None:
    data = b"Date: sometime next week\r\n" + raw(mail(date=None))  # EmailMessage drops it
    message = read_eml(data, "01.eml", tmp_path / "store")
    assert message.received is None
    assert any("cannot be read" in n.message and "Date" in n.message for n in message.notices)


def test_missing_message_id_gets_a_synthetic_one(tmp_path: Path) -> None:
    data = raw(mail(message_id=None))
    message = read_eml(data, "01.eml", tmp_path / "store")
    digest = canonical_sha256(data)  # the same made-up id however the file ends its lines
    assert message.message_id == f"<{digest[:16]}@redraft.invalid>"
    assert any("no Message-ID" in n.message for n in message.notices)


@pytest.mark.parametrize("sender", [None, "a@", "not an address", "<>"])
def test_missing_or_malformed_from(tmp_path: Path, sender: str | None) -> None:
    data = raw(mail(sender=None))
    if sender is not None:
        data = f"From: {sender}\r\n".encode() + data
    message = read_eml(data, "01.eml", tmp_path / "store")
    assert message.sender_address == ""
    assert any("sender" in n.message for n in message.notices)


def test_traversal_file_name_never_leaves_the_store(tmp_path: Path, docx_a: bytes) -> None:
    work = tmp_path / "work"
    store = work / "run" / "store"
    before = files_under(tmp_path)
    message = read_eml(
        raw(mail(attachments=[(docx_a, *DOCX_TYPE, "../../etc/passwd.docx")])), "01.eml", store
    )
    (attachment,) = message.attachments
    assert attachment.filename == "passwd.docx"
    assert Path(attachment.path).parent.parent == store.absolute()
    assert files_under(tmp_path) - before == {Path(attachment.path)}
    assert not any("passwd" in str(p) for p in files_under(tmp_path))
    assert any("folder names" in n.message for n in message.notices)


def test_rtl_override_is_removed_from_the_shown_name(tmp_path: Path) -> None:
    name = "comments\u202excod.exe"  # shows as "commentsexe.docx"
    message = read_eml(
        raw(mail(attachments=[(b"MZ\x90\x00", "application", "octet-stream", name)])), "01.eml", tmp_path / "store"
    )
    (attachment,) = message.attachments
    assert attachment.filename == "commentsxcod.exe"
    assert any("text-direction" in n.message for n in message.notices)


def test_display_filename_rules() -> None:
    assert display_filename("..\\..\\Windows\\evil.docx")[0] == "evil.docx"
    assert display_filename("C:evil.docx")[0] == "evil.docx"
    assert display_filename("a\x00b\x07.docx")[0] == "ab.docx"
    assert display_filename("..")[0] == ""
    assert display_filename("تعليقات منظمة العمل.docx")[0] == "تعليقات منظمة العمل.docx"
    assert display_filename("نظرات\u200cما.docx")[0] == "نظرات\u200cما.docx"  # ZWNJ kept
    long_name, _ = display_filename("x" * 500 + ".docx")
    assert len(long_name) == 200 and long_name.endswith(".docx")


def test_not_an_email_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MessageRefused):
        read_eml(b"", "empty.eml", tmp_path / "store")
    with pytest.raises(MessageRefused):
        read_eml(b"PK\x03\x04\x14\x00\x00\x00binary", "zip.eml", tmp_path / "store")


# --------------------------------------------------------------------------- folder


def test_inbox_folder_order_hidden_files_and_non_eml(tmp_path: Path) -> None:
    inbox = write_inbox(tmp_path / "inbox", [mail(message_id="<a@x>"), mail(message_id="<b@x>")])
    (inbox / "00-notes.txt").write_text("hello")
    (inbox / ".DS_Store").write_bytes(b"junk")
    (inbox / "03.eml").write_bytes(b"")
    (inbox / "04.msg").write_bytes(b"\xd0\xcf\x11\xe0")
    read = read_inbox_folder(inbox, tmp_path / "store")
    assert [m.source for m in read] == ["00-notes.txt", "01.eml", "02.eml", "03.eml", "04.msg"]
    notes, first, second, empty, outlook = read
    assert notes == UnreadableMessage(
        "00-notes.txt", hashlib.sha256(b"hello").hexdigest(), "not an e-mail file (.eml or Outlook .msg)"
    )
    assert isinstance(first, Message) and first.message_id == "<a@x>"
    assert isinstance(second, Message) and second.message_id == "<b@x>"
    assert isinstance(empty, UnreadableMessage) and empty.reason == "the file is empty"
    assert isinstance(outlook, UnreadableMessage) and "Outlook .msg" in outlook.reason  # 4 bytes: damaged


def test_missing_inbox_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InboxRefused):
        read_inbox_folder(tmp_path / "nope", tmp_path / "store")


# --------------------------------------------------------------------------- accounting


def test_records_come_in_input_order_message_then_its_attachments(tmp_path: Path, docx_a, docx_b) -> None:
    records = account(
        tmp_path,
        [
            mail(message_id="<1@x>", attachments=[(docx_a, *DOCX_TYPE, "a.docx")]),
            mail(sender="X <x@ituc-csi.org>", message_id="<2@x>", attachments=[(docx_b, *DOCX_TYPE, "b.docx"), (b"%PDF-1.4", "application", "pdf", "b.pdf")]),
        ],
    )
    assert [(r.source, r.kind, r.filename) for r in records] == [
        ("01.eml", "message", ""),
        ("01.eml", "attachment", "a.docx"),
        ("02.eml", "message", ""),
        ("02.eml", "attachment", "b.docx"),
        ("02.eml", "attachment", "b.pdf"),
    ]
    assert [r.status for r in records] == [
        Status.ACCEPTED, Status.ACCEPTED, Status.ACCEPTED, Status.ACCEPTED, Status.UNREADABLE,
    ]
    assert records[0].organisation == "ILO" and records[0].constituency == "UN agencies"
    assert records[0].sender == "Jane Doe <jane.doe@ilo.org>"
    assert records[2].organisation == "ITUC" and records[2].constituency == "Workers"
    assert records[1].sha256 == hashlib.sha256(docx_a).hexdigest()
    assert all(r.received == ON_TIME for r in records)
    assert records[0].notices == [] and records[2].notices == []


def test_secretariat_mail_is_not_a_submission(tmp_path: Path, docx_a: bytes) -> None:
    records = account(
        tmp_path, [mail(sender="Secretariat <Info@Alliance87.org>", attachments=[(docx_a, *DOCX_TYPE, "tor.docx")])]
    )
    assert [(r.status, r.reason) for r in records] == [(Status.NOT_A_SUBMISSION, "sent by the secretariat")] * 2


def test_late_mail(tmp_path: Path, docx_a: bytes) -> None:
    late = datetime(2018, 8, 16, 7, 12, tzinfo=timezone.utc)
    records = account(
        tmp_path,
        [
            mail(message_id="<1@x>", date=DEADLINE),  # exactly at the deadline: on time
            mail(message_id="<2@x>", date=late, attachments=[(docx_a, *DOCX_TYPE, "a.docx")]),
        ],
    )
    assert records[0].status is Status.ACCEPTED
    reason = "received 2018-08-16 09:12 +02:00, after the deadline 2018-08-15 18:00 +02:00"
    assert [(r.status, r.reason) for r in records[1:]] == [(Status.LATE, reason)] * 2


def test_one_second_late_shows_seconds(tmp_path: Path) -> None:
    records = account(tmp_path, [mail(date=DEADLINE + timedelta(seconds=1))])
    assert records[0].status is Status.LATE
    assert records[0].reason == "received 2018-08-15 18:00:01 +02:00, after the deadline 2018-08-15 18:00:00 +02:00"


def test_same_message_id_is_a_duplicate(tmp_path: Path, docx_a: bytes) -> None:
    msg = mail(attachments=[(docx_a, *DOCX_TYPE, "a.docx")])
    records = account(tmp_path, [msg, msg])
    assert [r.status for r in rows_of(records, "01.eml")] == [Status.ACCEPTED, Status.ACCEPTED]
    assert [(r.status, r.reason) for r in rows_of(records, "02.eml")] == [
        (Status.DUPLICATE, "same Message-ID as 01.eml")
    ] * 2


def test_resent_same_file_and_text_is_a_duplicate(tmp_path: Path, docx_a: bytes) -> None:
    records = account(
        tmp_path,
        [
            mail(message_id="<1@x>", body="Our comments.", attachments=[(docx_a, *DOCX_TYPE, "a.docx")]),
            mail(message_id="<2@x>", body="  Our\n comments. ", attachments=[(docx_a, *DOCX_TYPE, "a (2).docx")]),
            mail(message_id="<3@x>", body="", attachments=[(docx_a, *DOCX_TYPE, "a.docx"), (b"\x89PNG" + b"0" * 2000, "image", "png", None)]),
        ],
    )
    second = rows_of(records, "02.eml")
    assert (second[0].status, second[0].reason) == (Status.DUPLICATE, "same file and text as 01.eml")
    assert (second[1].status, second[1].reason) == (Status.DUPLICATE, "same file as sent earlier in 01.eml")
    third = rows_of(records, "03.eml")
    assert (third[0].status, third[0].reason) == (Status.DUPLICATE, "same file as 01.eml")
    assert third[1].status is Status.DUPLICATE
    assert (third[2].status, third[2].reason) == (Status.NOT_A_SUBMISSION, "image in the e-mail signature")


def test_same_file_with_new_text_keeps_the_text(tmp_path: Path, docx_a: bytes) -> None:
    records = account(
        tmp_path,
        [
            mail(message_id="<1@x>", body="Our comments.", attachments=[(docx_a, *DOCX_TYPE, "a.docx")]),
            mail(message_id="<2@x>", body="One more point: add a section on child labour.", attachments=[(docx_a, *DOCX_TYPE, "a.docx")]),
        ],
    )
    message_row, attachment_row = rows_of(records, "02.eml")
    assert attachment_row.status is Status.DUPLICATE
    assert message_row.status is Status.ACCEPTED
    assert message_row.reason == "the attachment was already sent in 01.eml: the e-mail text is read for comments"


def test_same_file_from_another_sender_is_not_a_duplicate(tmp_path: Path, docx_a: bytes) -> None:
    records = account(
        tmp_path,
        [
            mail(message_id="<1@x>", attachments=[(docx_a, *DOCX_TYPE, "a.docx")]),
            mail(sender="x@ituc-csi.org", message_id="<2@x>", attachments=[(docx_a, *DOCX_TYPE, "a.docx")]),
        ],
    )
    assert all(r.status is Status.ACCEPTED for r in records)


def test_same_file_twice_in_one_message(tmp_path: Path, docx_a: bytes) -> None:
    records = account(tmp_path, [mail(attachments=[(docx_a, *DOCX_TYPE, "a.docx"), (docx_a, *DOCX_TYPE, "copy.docx")])])
    assert records[0].status is Status.ACCEPTED
    assert (records[2].status, records[2].reason) == (Status.DUPLICATE, "same file as already attached to this e-mail")


def test_no_attachment(tmp_path: Path) -> None:
    records = account(
        tmp_path,
        [
            mail(message_id="<1@x>", body="Section 2: replace 'shall' by 'should'."),
            mail(message_id="<2@x>", body="   "),
            mail(message_id="<3@x>", body="Section 2: replace  'shall' by 'should'."),
        ],
    )
    assert (records[0].status, records[0].reason) == (
        Status.ACCEPTED,
        "no attachment: the e-mail text is read for comments",
    )
    assert (records[1].status, records[1].reason) == (Status.NO_ATTACHMENT, "no attachment and no text in the e-mail")
    assert (records[2].status, records[2].reason) == (Status.DUPLICATE, "same text as 01.eml")


def test_file_kinds(tmp_path: Path, docx_a: bytes) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    records = account(
        tmp_path,
        [
            mail(
                body="",
                attachments=[
                    (b"%PDF-1.7\n" + b"0" * 100, "application", "pdf", "comments.pdf"),
                    (ole, "application", "msword", "comments.doc"),
                    (ole, "application", "octet-stream", "protected.docx"),
                    (b"\x89PNG\r\n\x1a\n" + b"0" * 5_000, "image", "png", "logo.png"),
                    (b"\x89PNG\r\n\x1a\n" + b"0" * 200_000, "image", "png", "scan.png"),
                    (b"plain words", "text", "plain", "notes.txt"),
                    (b"not a zip", "application", "octet-stream", "fake.docx"),
                    (docx_a, "application", "vnd.ms-word.document.macroEnabled.12", "macro.docm"),
                ],
            )
        ],
    )
    message_row, *rows = records
    verdicts = {r.filename: (r.status, r.reason) for r in rows}
    assert verdicts["comments.pdf"] == (
        Status.UNREADABLE,
        "PDF file: redraft reads Word (.docx) copies only — ask the member for a .docx",
    )
    assert verdicts["comments.doc"] == (
        Status.UNREADABLE,
        "legacy Word 97-2003 .doc file — ask the member to save it as .docx",
    )
    assert verdicts["protected.docx"][0] is Status.UNREADABLE and "password" in verdicts["protected.docx"][1]
    assert verdicts["logo.png"] == (Status.NOT_A_SUBMISSION, "image in the e-mail signature")
    assert verdicts["scan.png"][0] is Status.UNREADABLE and verdicts["scan.png"][1].startswith("image file")
    assert verdicts["notes.txt"] == (
        Status.UNREADABLE,
        "text file: redraft reads Word (.docx) copies only — ask the member for a .docx",
    )
    assert verdicts["fake.docx"][0] is Status.UNREADABLE
    assert verdicts["macro.docm"][0] is Status.UNREADABLE and ".docm" in verdicts["macro.docm"][1]
    assert (message_row.status, message_row.reason) == (
        Status.NO_ATTACHMENT,
        "no readable Word attachment and no text in the e-mail",
    )


def test_only_unreadable_attachments_but_text(tmp_path: Path) -> None:
    records = account(tmp_path, [mail(body="See the PDF.", attachments=[(b"%PDF-1.4", "application", "pdf", "c.pdf")])])
    assert (records[0].status, records[0].reason) == (
        Status.ACCEPTED,
        "no readable Word attachment: the e-mail text is read for comments",
    )


def test_unknown_sender_is_held_with_the_way_to_admit_it(tmp_path: Path, docx_a: bytes) -> None:
    """A members list is named: a stranger's mail is held, not applied and not lost."""
    records = account(
        tmp_path, [mail(sender="Stranger <someone@example.com>", attachments=[(docx_a, *DOCX_TYPE, "a.docx")])]
    )
    assert [r.status for r in records] == [Status.HELD, Status.HELD]
    assert "not on the members list" in records[0].reason
    assert "redraft admit" in records[0].reason and "someone@example.com" in records[0].reason
    assert records[0].organisation == "Stranger"


def test_no_date_counts_as_on_time_with_a_notice(tmp_path: Path) -> None:
    records = account(tmp_path, [mail(date=None, body="Our comment.")])
    assert records[0].status is Status.ACCEPTED
    assert records[0].received is None
    assert any("counted as on time" in n.message for n in records[0].notices)


def test_unreadable_message_record(tmp_path: Path) -> None:
    records = account_messages([UnreadableMessage("x.txt", "ab" * 32, "not an e-mail file (.eml)")], consultation())
    (row,) = records
    assert (row.kind, row.source, row.sha256, row.status, row.reason) == (
        "message", "x.txt", "ab" * 32, Status.UNREADABLE, "not an e-mail file (.eml)"
    )


def test_submitter_for(tmp_path: Path) -> None:
    store = tmp_path / "store"
    named = read_eml(raw(mail(sender="Jane Roe <JANE.ROE@ituc-csi.org>")), "01.eml", store)
    bare = read_eml(raw(mail(sender="bare@example.org")), "02.eml", store)
    exact = read_eml(raw(mail(sender="Jane Doe <jane.doe@ilo.org>")), "03.eml", store)

    listed = consultation()
    by_domain = submitter_for(named, listed)
    assert (by_domain.name, by_domain.organisation, by_domain.constituency, by_domain.address) == (
        "ITUC", "ITUC", "Workers", "jane.roe@ituc-csi.org"
    )
    assert submitter_for(exact, listed).organisation == "ILO"

    open_ = consultation(members=None)
    assert submitter_for(named, open_).organisation == "Jane Roe"
    assert submitter_for(named, open_).constituency == ""
    assert submitter_for(bare, open_).organisation == "bare@example.org"


def test_multipart_without_boundary_keeps_the_raw_text(tmp_path: Path) -> None:
    data = b"From: a@b.org\r\nDate: Tue, 14 Aug 2018 10:30:00 +0200\r\nContent-Type: multipart/mixed\r\n\r\nhello there\r\n"
    message = read_eml(data, "01.eml", tmp_path / "store")
    assert message.body == "hello there" and message.attachments == ()
    assert any("damaged" in n.message for n in message.notices)
