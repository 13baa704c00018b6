"""Outlook formats: .msg e-mails (extract-msg) and winmail.dat attachments (tnefparse).

The files are built by tests/outlook_factory.py from Microsoft's format specifications
(nothing downloaded, no GPL/LGPL code). Tests that read them need the optional extra
``redraft[outlook]`` and are skipped without it; the "extra missing" refusals and the
lazy-import check run everywhere.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import subprocess
import sys
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from outlook_factory import FileSpec, MsgSpec, msg_bytes, tnef_bytes
from test_mail_intake import make_docx
from redraft.models.intake import MessageRefused
from redraft.models.notices import Refusal
from redraft.parsers.mail.eml import MAX_FORWARD_DEPTH
from redraft.parsers.mail.outlook import (
    MsgUnavailable,
    TnefContent,
    TnefRefused,
    TnefUnavailable,
    read_msg,
    unpack_tnef,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
needs_extract_msg = pytest.mark.skipif(
    importlib.util.find_spec("extract_msg") is None, reason="needs the optional extra redraft[outlook]"
)
needs_tnefparse = pytest.mark.skipif(
    importlib.util.find_spec("tnefparse") is None, reason="needs the optional extra redraft[outlook]"
)


@pytest.fixture(scope="module")
def comments() -> bytes:
    return make_docx("Comments of the ILO on the draft Terms of Reference.")


@pytest.fixture(scope="module")
def forwarded_comments() -> bytes:
    return make_docx("Comments of ITUC, forwarded by the ILO.")


@pytest.fixture
def store(tmp_path) -> Path:
    return tmp_path / "store"


def stored_bytes(attachment) -> bytes:
    return Path(attachment.path).read_bytes()


# =========================================================================== .msg


@needs_extract_msg
def test_msg_with_a_docx_gives_the_message(comments, store):
    data = msg_bytes(MsgSpec(attachments=[FileSpec("ILO comments.docx", comments, DOCX_TYPE)]))

    message = read_msg(data, "ilo.msg", store)

    assert message.sender_address == "jane.doe@ilo.org"
    assert message.sender_name == "Jane Doe"
    assert message.received == datetime(2018, 8, 14, 8, 31, tzinfo=timezone.utc)  # delivery time
    assert message.received.utcoffset() == timedelta(0)
    assert message.received_from == "server"
    assert message.subject == "Comments on the ToR"
    assert message.body == "Dear colleagues, please find our comments attached."
    assert message.message_id == "<1@ilo.org>"
    assert message.source == "ilo.msg"
    assert message.sha256 == hashlib.sha256(data).hexdigest()
    assert message.notices == ()
    (attachment,) = message.attachments
    digest = hashlib.sha256(comments).hexdigest()
    assert attachment.filename == "ILO comments.docx"
    assert attachment.content_type == DOCX_TYPE
    assert (attachment.sha256, attachment.size) == (digest, len(comments))
    assert Path(attachment.path) == store.absolute() / digest[:2] / digest  # by hash, never by name
    assert stored_bytes(attachment) == comments


@needs_extract_msg
def test_msg_forwarded_message_inside_gives_its_files(comments, forwarded_comments, store):
    inner = MsgSpec(
        subject="ITUC comments",
        body="forwarded text, not the member's",
        sender_email="someone@ituc-csi.org",
        attachments=[FileSpec("ITUC.docx", forwarded_comments)],
    )
    data = msg_bytes(MsgSpec(attachments=[FileSpec("ILO.docx", comments), inner]))

    message = read_msg(data, "fwd.msg", store)

    assert [a.filename for a in message.attachments] == ["ILO.docx", "ITUC.docx"]
    assert stored_bytes(message.attachments[1]) == forwarded_comments
    assert message.body == "Dear colleagues, please find our comments attached."  # the outer text only
    assert message.sender_address == "jane.doe@ilo.org"


@needs_extract_msg
def test_msg_forwards_nested_too_deep_are_cut_with_a_notice(comments, store):
    spec = MsgSpec(attachments=[FileSpec("deepest.docx", comments)])
    for _ in range(MAX_FORWARD_DEPTH + 1):
        spec = MsgSpec(attachments=[spec])

    message = read_msg(msg_bytes(spec), "deep.msg", store)

    assert message.attachments == ()
    assert any(f"more than {MAX_FORWARD_DEPTH} deep" in n.message for n in message.notices)


@needs_extract_msg
def test_msg_exchange_sender_uses_the_smtp_address(store):
    exchange = "/O=ILO/OU=EXCHANGE ADMINISTRATIVE GROUP/CN=RECIPIENTS/CN=JDOE"
    spec = MsgSpec(sender_email=exchange, sender_addrtype="EX", sender_smtp="Jane.Doe@ilo.org")

    message = read_msg(msg_bytes(spec), "ex.msg", store)

    assert message.sender_address == "jane.doe@ilo.org"
    assert message.notices == ()


@needs_extract_msg
def test_msg_exchange_sender_without_smtp_address_leaves_a_notice(store):
    exchange = "/O=ILO/OU=EXCHANGE ADMINISTRATIVE GROUP/CN=RECIPIENTS/CN=JDOE"
    message = read_msg(msg_bytes(MsgSpec(sender_email=exchange, sender_addrtype="EX")), "ex.msg", store)

    assert message.sender_address == ""
    assert message.sender_name == "Jane Doe"
    assert any("Exchange" in n.message and exchange in n.message for n in message.notices)


@needs_extract_msg
def test_msg_html_only_body_is_read_as_text(store):
    html = b"<html><body><p>Dear colleagues,</p><p>our comments are <b>attached</b>.</p></body></html>"
    message = read_msg(msg_bytes(MsgSpec(body=None, html=html)), "html.msg", store)

    assert message.body == "Dear colleagues,\n\nour comments are attached."


@needs_extract_msg
def test_msg_without_id_or_times_falls_back_to_the_transport_headers(store):
    headers = (
        "Received: from mx.ilo.org by mail.alliance87.org; Tue, 14 Aug 2018 10:45:00 +0200\r\n"
        "From: Jane Doe <jane.doe@ilo.org>\r\n"
        "Message-ID: <from-headers@ilo.org>\r\n"
        "Date: Tue, 14 Aug 2018 10:30:00 +0200\r\n"
    )
    spec = MsgSpec(message_id=None, delivered=None, submitted=None, headers=headers)

    message = read_msg(msg_bytes(spec), "h.msg", store)

    assert message.message_id == "<from-headers@ilo.org>"
    assert message.received == datetime(2018, 8, 14, 8, 45, tzinfo=timezone.utc)
    assert message.received_from == "Received"


@needs_extract_msg
def test_msg_without_id_or_times_gets_a_made_up_id_and_no_date(store):
    data = msg_bytes(MsgSpec(message_id=None, delivered=None, submitted=None))

    message = read_msg(data, "bare.msg", store)

    assert message.message_id == f"<{hashlib.sha256(data).hexdigest()[:16]}@redraft.invalid>"
    assert message.received is None
    texts = [n.message for n in message.notices]
    assert any("no Message-ID" in t for t in texts) and any("no date" in t for t in texts)


@needs_extract_msg
def test_msg_sent_time_is_used_when_there_is_no_delivery_time(store):
    message = read_msg(msg_bytes(MsgSpec(delivered=None)), "sent.msg", store)

    assert message.received == datetime(2018, 8, 14, 8, 30, tzinfo=timezone.utc)
    assert message.received_from == "Date"


@needs_extract_msg
def test_msg_attachment_names_are_cleaned_for_display_only(comments, store):
    name = "..\\..\\Windows\\evil\u202excod.docx"
    message = read_msg(msg_bytes(MsgSpec(attachments=[FileSpec(name, comments)])), "n.msg", store)

    (attachment,) = message.attachments
    assert attachment.filename == "evilxcod.docx"
    assert Path(attachment.path).parent.parent == store.absolute()
    assert {n.where for n in message.notices} == {"n.msg, attachment 'evilxcod.docx'"}


@needs_extract_msg
def test_msg_of_another_outlook_item_is_refused(store):
    with pytest.raises(MessageRefused, match="not an e-mail.*IPM.Contact"):
        read_msg(msg_bytes(MsgSpec(message_class="IPM.Contact")), "card.msg", store)


@needs_extract_msg
@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d[:1536],  # cut off after the first sectors
        lambda d: d[:512] + bytes(len(d) - 512),  # everything after the header zeroed
        lambda d: d[:512] + b"\xff" * (len(d) - 512),
        lambda d: d[: len(d) // 2],
    ],
    ids=["cut-early", "zeroed", "ff-filled", "cut-half"],
)
def test_msg_damaged_is_refused_with_a_plain_reason(comments, store, damage):
    data = msg_bytes(MsgSpec(attachments=[FileSpec("c.docx", comments)]))

    with pytest.raises(MessageRefused) as refused:
        read_msg(damage(data), "bad.msg", store)

    assert "damaged" in refused.value.reason or "not an" in refused.value.reason


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "the file is empty"), (b"From: a@b.c\r\n\r\nhello", "not an Outlook .msg file")],
)
def test_msg_that_is_no_outlook_file_is_refused(data, reason, store):
    with pytest.raises(MessageRefused, match=reason):
        read_msg(data, "x.msg", store)


def test_msg_without_the_extra_is_refused_with_the_install_hint(monkeypatch, store):
    monkeypatch.setitem(sys.modules, "extract_msg", None)  # makes `import extract_msg` fail

    with pytest.raises(MsgUnavailable) as refused:
        read_msg(msg_bytes(MsgSpec()), "ilo.msg", store)

    assert isinstance(refused.value, MessageRefused)
    assert refused.value.reason == (
        "Outlook .msg file: reading it needs the optional extra — pip install 'redraft[outlook]' "
        "(GPL-3.0 licensed extract-msg); or save the e-mail as .eml"
    )


def test_the_gpl_and_lgpl_readers_are_not_imported_with_the_module():
    code = (
        "import sys, redraft.parsers.mail.outlook, redraft.parsers.mail.eml;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('extract_msg', 'tnefparse')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# =========================================================================== winmail.dat


@needs_tnefparse
def test_tnef_with_a_docx_gives_the_file_and_the_text(comments):
    data = tnef_bytes([FileSpec("ILO comments.docx", comments, DOCX_TYPE)], body="Dear colleagues,\r\nsee attached.")

    content = unpack_tnef(data)

    assert content == TnefContent(
        attachments=(("ILO comments.docx", comments),), body="Dear colleagues,\nsee attached."
    )


@needs_tnefparse
def test_tnef_docx_held_as_a_mapi_property_keeps_its_last_bytes(comments):
    assert comments.endswith(b"\0\0")  # a zip ends with its (empty) comment's length

    (name, data), = unpack_tnef(tnef_bytes([FileSpec("c.docx", comments)], data_in_props=True)).attachments

    assert name == "c.docx"
    assert data[: len(comments)] == comments and set(data[len(comments) :]) <= {0}  # padding only
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None


@needs_tnefparse
def test_tnef_html_body_and_forwarded_message(comments, forwarded_comments):
    data = tnef_bytes(
        [FileSpec("ILO.docx", comments), [FileSpec("ITUC.docx", forwarded_comments)]],
        html=b"<p>Dear colleagues,</p><p>see attached.</p>",
    )

    content = unpack_tnef(data)

    assert content.attachments == (("ILO.docx", comments), ("ITUC.docx", forwarded_comments))
    assert content.body == "Dear colleagues,\n\nsee attached."
    assert content.notices == ()


@needs_tnefparse
def test_tnef_names_are_cleaned(comments):
    content = unpack_tnef(tnef_bytes([FileSpec("C:\\Users\\jd\\comments\u202e.docx", comments)]))

    assert content.attachments == (("comments.docx", comments),)
    assert len(content.notices) == 2  # direction character, folder names
    assert all(n.startswith("'comments.docx' in winmail.dat: ") for n in content.notices)


@needs_tnefparse
@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda d: d[: len(d) - 200], "winmail.dat is incomplete (cut off)"),
        (lambda d: d[:-1000] + bytes([d[-1000] ^ 0xFF]) + d[-999:], "the file 'c.docx' inside it is corrupted"),
        (lambda d: b"\x00" * 4 + d[4:], "not in Outlook's rich-text (TNEF) format"),
        (lambda d: d[:6] + b"\x07" + d[7:], "winmail.dat is damaged"),  # a level that does not exist
        (lambda d: b"", "winmail.dat is empty"),
    ],
    ids=["cut-off", "flipped-byte", "no-signature", "bad-level", "empty"],
)
def test_tnef_damaged_is_refused_with_a_plain_reason(comments, damage, reason):
    data = tnef_bytes([FileSpec("c.docx", comments)], body="hello")

    with pytest.raises(TnefRefused, match=reason.replace("(", r"\(").replace(")", r"\)")):
        unpack_tnef(damage(data))


@needs_tnefparse
def test_tnef_damaged_forwarded_message_is_left_out_with_a_notice(comments, forwarded_comments):
    data = bytearray(tnef_bytes([FileSpec("ILO.docx", comments), [FileSpec("ITUC.docx", forwarded_comments)]]))
    at = data.rfind(forwarded_comments[-200:])  # the two files start alike; they end differently
    data[at + 100] ^= 0xFF  # inside the forwarded file: its checksum no longer matches

    content = unpack_tnef(bytes(data))

    assert [name for name, _ in content.attachments] == ["ILO.docx"]
    assert content.notices == ("a message attached inside winmail.dat is damaged; its files were not read",)


def test_tnef_without_the_extra_is_refused_with_the_install_hint(monkeypatch, comments):
    monkeypatch.setitem(sys.modules, "tnefparse", None)
    monkeypatch.setitem(sys.modules, "tnefparse.mapi", None)

    with pytest.raises(TnefUnavailable) as refused:
        unpack_tnef(tnef_bytes([FileSpec("c.docx", comments)]))

    assert isinstance(refused.value, TnefRefused) and isinstance(refused.value, Refusal)
    assert not isinstance(refused.value, MessageRefused)  # the e-mail itself stays readable
    assert refused.value.reason == (
        "winmail.dat: reading it needs the optional extra — pip install 'redraft[outlook]' "
        "(LGPL tnefparse); or ask the member to resend without rich text"
    )
