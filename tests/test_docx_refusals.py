"""parsers/docx: what is refused, with which reason, and that nothing else ever escapes."""

from __future__ import annotations

import random
import struct
import zipfile
from pathlib import Path

import pytest

from redraft.models.notices import Refusal
from redraft.parsers.docx import DocxRefused, read_docx

try:
    from docx_factory import NAMESPACES, content_types_xml, make_docx, make_zip, para, rels_xml, run
except ImportError:  # tests/ imported as a package
    from tests.docx_factory import NAMESPACES, content_types_xml, make_docx, make_zip, para, rels_xml, run

OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TEMPLATE_REL = f"{OFFICE_REL}/attachedTemplate"
FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "word"
OLE = bytes.fromhex("D0CF11E0A1B11AE1")


def _refused(data: bytes) -> str:
    with pytest.raises(DocxRefused) as info:
        read_docx(data, source="x.docx")
    assert isinstance(info.value, Refusal)
    reason = info.value.reason
    assert reason and "\n" not in reason
    return reason


def _ok() -> bytes:
    return make_docx(para(run("Hello")))


def _patch_central(data: bytes, name: str, *, file_size: int | None = None, flags: int | None = None) -> bytes:
    """Rewrite one entry's central-directory header (declared size, flag bits)."""
    buf = bytearray(data)
    pos = 0
    while True:
        pos = buf.find(b"PK\x01\x02", pos)
        if pos < 0:
            raise AssertionError(f"{name} not found")
        name_len = struct.unpack_from("<H", buf, pos + 28)[0]
        if buf[pos + 46 : pos + 46 + name_len].decode() == name:
            break
        pos += 4
    if flags is not None:
        struct.pack_into("<H", buf, pos + 8, flags)
    if file_size is not None:
        struct.pack_into("<I", buf, pos + 24, file_size)
    return bytes(buf)


def test_a_plain_document_is_read():
    assert read_docx(_ok()).text("accepted") == "Hello\n"


# -- not a .docx at all ------------------------------------------------------------------------


def test_not_a_zip():
    assert "not a valid zip" in _refused(b"Dear secretariat, please find our comments below.")
    assert "not a valid zip" in _refused(b"")
    assert "not a valid zip" in _refused(b"%PDF-1.7\n" + b"\0" * 100)


def test_encrypted_word_file():
    data = OLE + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 200
    assert _refused(data) == "encrypted (password-protected) Word file — ask the member for an unprotected copy"


def test_legacy_doc():
    data = OLE + b"\0" * 504 + "WordDocument".encode("utf-16-le") + b"\0" * 200
    assert "old Word 97–2003 .doc" in _refused(data)


def test_other_ole_file():
    assert "old-format Office file" in _refused(OLE + b"\0" * 1000)


def test_excel_workbook():
    data = make_zip({"[Content_Types].xml": content_types_xml({}), "xl/workbook.xml": "<workbook/>"})
    assert "Excel workbook" in _refused(data)


def test_missing_document_part():
    data = make_zip({"[Content_Types].xml": content_types_xml({}), "_rels/.rels": rels_xml()})
    assert "no document part (word/document.xml)" in _refused(data)


def test_strict_open_xml():
    strict = ('<w:document xmlns:w="http://purl.oclc.org/ooxml/wordprocessingml/main">'
              "<w:body><w:p/></w:body></w:document>")
    assert "Strict Open XML" in _refused(make_docx("", raw_document=strict))


def test_not_a_word_document_root():
    assert "not a Word document" in _refused(make_docx("", raw_document="<html><body/></html>"))


def test_malformed_xml():
    broken = f"<w:document {NAMESPACES}><w:body><w:p><w:r><w:t>cut off"
    reason = _refused(make_docx("", raw_document=broken))
    assert reason.startswith("damaged Word file: its part word/document.xml is not well-formed XML")


def test_malformed_optional_part_is_refused_too():
    data = make_docx(para(run("x")), comments="<w:comment w:id='0'>")
    assert "word/comments.xml is not well-formed" in _refused(data)


# -- unsafe content ------------------------------------------------------------------------------


def test_macro_enabled_content_type():
    data = make_docx(para(run("x")), main_content_type="application/vnd.ms-word.document.macroEnabled.main+xml")
    assert _refused(data).startswith("macro-enabled Word file (.docm)")


def test_vba_project_entry():
    data = make_docx(para(run("x")), extra_parts={"word/vbaProject.bin": b"\0" * 64})
    assert _refused(data).startswith("macro-enabled Word file (.docm)")


@pytest.mark.parametrize("name", ["../evil.xml", "word/../../evil.xml", "/etc/evil.xml", "C:/evil.xml", "..\\evil.xml"])
def test_path_escapes(name):
    data = make_docx(para(run("x")), extra_parts={name: "<x/>"})
    assert "points outside the document" in _refused(data)


def test_doctype_and_entities():
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
            f'<w:document {NAMESPACES}><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>')
    assert "declares a DOCTYPE or entities" in _refused(make_docx("", raw_document=bomb))
    external = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                f'<w:document {NAMESPACES}><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>')
    assert "declares a DOCTYPE or entities" in _refused(make_docx("", raw_document=external))
    entries = _entries(make_docx(para(run("x")), comments='<w:comment w:id="0"/>'))
    entries["word/comments.xml"] = b'<!DOCTYPE c SYSTEM "http://example.com/c.dtd">' + entries["word/comments.xml"].split(b"\n", 1)[1]
    assert "declares a DOCTYPE" in _refused(make_zip(entries))


def _entries(data: bytes) -> dict[str, bytes]:
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


@pytest.mark.parametrize("target", [
    "http://attacker.example/template.dotm",
    "https://example.com/t.dotx",
    "\\\\fileserver\\share\\t.dotm",
    "file://fileserver/share/t.dotm",
])
def test_remote_template_link(target):
    data = make_docx(para(run("x")), settings_rels=[("rId1", TEMPLATE_REL, target, "External")])
    assert "links to a template on a remote server" in _refused(data)


def test_local_template_link_is_only_noted():
    """Word writes one for every document based on a non-Normal template (see RP043, RP045)."""
    target = "file:///C:\\Users\\someone\\Templates\\Report.dotm"
    doc = read_docx(make_docx(para(run("x")), settings_rels=[("rId1", TEMPLATE_REL, target, "External")]))
    assert doc.text("accepted") == "x\n"
    assert any("template" in n.message for n in doc.notices)


def test_encrypted_zip_entry():
    data = _patch_central(_ok(), "word/document.xml", flags=0x1)
    assert "encrypted (password-protected)" in _refused(data)


# -- zip bombs -------------------------------------------------------------------------------------


def test_zip_bomb_ratio():
    data = make_docx(para(run("x")), extra_parts={"word/media/blank.bin": b"\0" * (3 * 1024 * 1024)})
    assert "possible zip bomb" in _refused(data)


def test_zip_bomb_total_size():
    data = _patch_central(_ok(), "word/document.xml", file_size=250 * 1024 * 1024)
    assert "possible zip bomb" in _refused(data)


def test_zip_bomb_entry_count():
    parts = {f"customXml/item{i}.xml": "<a/>" for i in range(2001)}
    assert "possible zip bomb" in _refused(make_docx(para(run("x")), extra_parts=parts))


def test_many_entries_under_the_limit_are_fine():
    parts = {f"customXml/item{i}.xml": "<a/>" for i in range(1900)}
    assert read_docx(make_docx(para(run("x")), extra_parts=parts)).text("accepted") == "x\n"


# -- nothing but DocxRefused escapes --------------------------------------------------------------


def _samples() -> list[bytes]:
    files = sorted(FIXTURES.glob("**/*.docx")) if FIXTURES.is_dir() else []
    picked = [p.read_bytes() for p in files[:: max(1, len(files) // 6)]]
    return picked or [_ok()]


def test_damaged_files_never_raise_anything_else():
    rng = random.Random(20240501)
    outcomes = {"read": 0, "refused": 0}
    for data in _samples():
        for _ in range(40):
            mutated = bytearray(data)
            how = rng.randrange(3)
            if how == 0:
                mutated = mutated[: rng.randrange(len(mutated))]
            elif how == 1:
                for _ in range(rng.randrange(1, 20)):
                    mutated[rng.randrange(len(mutated))] = rng.randrange(256)
            else:
                start = rng.randrange(len(mutated))
                del mutated[start : start + rng.randrange(1, 200)]
            try:
                read_docx(bytes(mutated))
                outcomes["read"] += 1
            except DocxRefused as exc:
                assert exc.reason
                outcomes["refused"] += 1
    assert outcomes["refused"] > 0


def test_xml_with_unknown_shapes_gives_notices_not_errors():
    # elements in odd places, unknown attributes, revisions without authors or ids
    body = (
        '<w:p><w:ins><w:r><w:t>no attrs</w:t></w:r></w:ins><w:del><w:r><w:delText>x</w:delText></w:r></w:del>'
        '<w:commentRangeEnd w:id="42"/><w:r><w:sym w:char="zz"/><w:sym w:char="F0B7"/></w:r></w:p>'
        '<w:tbl><w:tr><w:tc/></w:tr></w:tbl><w:sdt><w:sdtContent><w:p><w:r><w:t>cc</w:t></w:r></w:p></w:sdtContent></w:sdt>'
    )
    doc = read_docx(make_docx(body, comments=""))
    assert doc.text("accepted") == "no attrs\u00b7\ncc\n"
    assert any("42" in n.message for n in doc.notices)
