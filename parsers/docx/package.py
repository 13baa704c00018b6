"""The .docx package: a zip of XML parts tied together by relationships.

Opens the bytes defensively and refuses, with a reason staff can pass on to the member,
anything that is not a plain Word document: other formats, encrypted or macro-enabled files,
zip bombs, path tricks, remote template links, XML with DOCTYPE/ENTITY declarations.

Parts are found the way Word finds them: the main part through the package relationship
`officeDocument` (`_rels/.rels`), the other parts through the main part's relationships.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO
from urllib.parse import unquote

from lxml import etree

from ...models.notices import Notice, Refusal

# Limits (declared uncompressed sizes; `Package.read` never inflates an entry past its declared size).
MAX_TOTAL_SIZE = 200 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_RATIO = 100
BIG_ENTRY = 2 * 1024 * 1024  # the compression ratio is only checked on entries at least this big

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_STRICT_W = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    huge_tree=False,
    dtd_validation=False,
)


class DocxRefused(Refusal):
    """A .docx (or something sent as one) that cannot be read; `reason` says why, plainly."""


@dataclass(frozen=True)
class Relationship:
    id: str
    type: str  # the full relationship type URI
    target: str  # a part name inside the package, or the raw target when external
    external: bool

    @property
    def kind(self) -> str:
        """The last segment of the type, e.g. "comments", "commentsExtended", "styles"."""
        return self.type.rstrip("/").rsplit("/", 1)[-1]


def _refuse_ole(data: bytes) -> None:
    # An OLE compound file: Office encrypts .docx files into one of these
    # (an "EncryptedPackage" stream); otherwise it is a pre-2007 binary file.
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise DocxRefused(
            "encrypted (password-protected) Word file — ask the member for an unprotected copy"
        )
    if "WordDocument".encode("utf-16-le") in data:
        raise DocxRefused(
            "old Word 97–2003 .doc file — ask the member to save it as .docx and send it again"
        )
    raise DocxRefused(
        "old-format Office file, not a Word .docx — ask the member to send a .docx copy"
    )


def _check_name(name: str) -> None:
    clean = name.replace("\\", "/")
    if clean.startswith("/") or re.match(r"^[A-Za-z]:", clean) or ".." in clean.split("/"):
        raise DocxRefused(
            "damaged or unsafe file: it contains an entry that points outside the document "
            f"({name!r}) — ask the member to save it again from Word"
        )


def _check_sizes(infos: list[zipfile.ZipInfo]) -> None:
    bomb = (
        "suspicious file: it would unpack to far more data than a Word document holds "
        "(possible zip bomb) — it was not opened; ask the member to send the document again, saved from Word"
    )
    if len(infos) > MAX_ENTRIES:
        raise DocxRefused(bomb)
    total = 0
    for info in infos:
        total += info.file_size
        if total > MAX_TOTAL_SIZE:
            raise DocxRefused(bomb)
        if info.file_size >= BIG_ENTRY and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise DocxRefused(bomb)


def parse_xml(data: bytes, name: str) -> etree._Element:
    """Parse one part with a parser that loads no DTD, resolves no entity, fetches nothing."""
    head = data[:4096]
    utf16 = b"<\x00!\x00D\x00" in head or b"\x00<\x00!\x00D" in head
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data or utf16:
        raise DocxRefused(
            f"unsafe file: its part {name} declares a DOCTYPE or entities, which Word never "
            "writes — it was not opened; ask the member to send the document again, saved from Word"
        )
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise DocxRefused(
            f"damaged Word file: its part {name} is not well-formed XML ({exc.msg}) — "
            "ask the member to save it again from Word"
        ) from None
    except (ValueError, etree.LxmlError) as exc:
        raise DocxRefused(
            f"damaged Word file: its part {name} cannot be read ({exc}) — "
            "ask the member to save it again from Word"
        ) from None
    if root is None:
        raise DocxRefused(f"damaged Word file: its part {name} is empty")
    doctype = root.getroottree().docinfo.doctype
    if doctype:
        raise DocxRefused(
            f"unsafe file: its part {name} declares a DOCTYPE, which Word never writes — "
            "it was not opened; ask the member to send the document again, saved from Word"
        )
    return root


def _is_remote(target: str) -> bool:
    """Whether an external target would make Word (or Windows) fetch something over a network."""
    t = target.strip().replace("\\", "/")
    if t.startswith("//"):  # UNC path \\server\share
        return True
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):(.*)$", t)
    if not m or len(m.group(1)) == 1:  # relative path or a drive letter "C:/..."
        return False
    scheme, rest = m.group(1).lower(), m.group(2)
    if scheme != "file":
        return True
    # file:///C:/... is local; file://server/share/... is a network share
    return rest.startswith("//") and not rest.startswith("///") and not rest[2:].lower().startswith("localhost/")


class Package:
    """An opened, checked .docx. Read parts with `xml(name)` and follow `rels(name)`."""

    def __init__(self, data: bytes):
        self.notices: list[Notice] = []
        if data[:8] == OLE_MAGIC:
            _refuse_ole(data)
        try:
            self._zip = zipfile.ZipFile(BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError,
                NotImplementedError, RuntimeError):
            raise DocxRefused(
                "not a Word .docx file (it is not a valid zip package) — "
                "ask the member to send the document saved from Word as .docx"
            ) from None
        _check_sizes(infos)
        self._names: dict[str, str] = {}  # lower-case part name -> zip entry name
        for info in infos:
            _check_name(info.filename)
            if info.flag_bits & 0x1:
                raise DocxRefused(
                    "encrypted (password-protected) Word file — ask the member for an unprotected copy"
                )
            self._names[info.filename.lower()] = info.filename
        self._xml_cache: dict[str, etree._Element] = {}
        self._check_macros()
        self.main = self._find_main()
        self._check_templates()

    # -- parts -------------------------------------------------------------------------

    def has(self, name: str) -> bool:
        return name.lower() in self._names

    def read(self, name: str) -> bytes:
        entry = self._names.get(name.lower())
        if entry is None:
            raise KeyError(name)
        try:
            info = self._zip.getinfo(entry)
            with self._zip.open(info) as handle:
                # read(n) inflates at most n bytes; ZipFile.read() would inflate all the
                # compressed data at once, however small the size the zip declares
                data = handle.read(info.file_size)
                if handle.read(1):
                    raise zipfile.BadZipFile(f"{entry} holds more than its declared size")
                return data
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError,
                ValueError, NotImplementedError, RuntimeError) as exc:
            raise DocxRefused(
                f"damaged Word file: its part {name} cannot be unpacked ({exc}) — "
                "ask the member to save it again from Word"
            ) from None

    def xml(self, name: str) -> etree._Element:
        root = self._xml_cache.get(name)
        if root is None:
            root = self._xml_cache[name] = parse_xml(self.read(name), name)
        return root

    def optional_xml(self, name: str | None) -> etree._Element | None:
        """A part's root, or None when absent; a malformed optional part still refuses."""
        if name is None or not self.has(name):
            return None
        return self.xml(name)

    # -- relationships -------------------------------------------------------------------

    def rels(self, source: str) -> list[Relationship]:
        """Relationships of a part ("" for the package itself)."""
        folder, base = posixpath.split(source)
        rels_name = posixpath.join(folder, "_rels", base + ".rels") if source else "_rels/.rels"
        if not self.has(rels_name):
            return []
        out = []
        for el in self.xml(rels_name).iter(f"{{{_PKG_REL}}}Relationship"):
            target = el.get("Target", "")
            external = el.get("TargetMode", "") == "External"
            if not external:
                target = self._resolve(folder, target)
            out.append(Relationship(el.get("Id", ""), el.get("Type", ""), target, external))
        return out

    def related(self, source: str, kind: str) -> str | None:
        """The part that `source` links to with a relationship of this kind (first one)."""
        for rel in self.rels(source):
            if rel.kind == kind and not rel.external:
                return rel.target
        return None

    @staticmethod
    def _resolve(folder: str, target: str) -> str:
        target = unquote(target).replace("\\", "/")
        if target.startswith("/"):
            path = target.lstrip("/")
        else:
            path = posixpath.normpath(posixpath.join(folder, target))
        return path

    # -- checks ---------------------------------------------------------------------------

    def _check_macros(self) -> None:
        macro = DocxRefused(
            "macro-enabled Word file (.docm) — macros are not accepted; ask the member to "
            "save it as an ordinary .docx"
        )
        if any(name.endswith("vbaproject.bin") for name in self._names):
            raise macro
        if self.has("[Content_Types].xml"):
            root = self.xml("[Content_Types].xml")
            for el in root.iter(f"{{{_CT}}}Default", f"{{{_CT}}}Override"):
                if "macroenabled" in el.get("ContentType", "").lower():
                    raise macro
        else:
            self.notices.append(Notice("the file has no [Content_Types].xml part; read anyway"))

    def _find_main(self) -> str:
        main = self.related("", "officeDocument")
        if main is None or not self.has(main):
            main = "word/document.xml"
        if not self.has(main):
            if self.has("xl/workbook.xml"):
                raise DocxRefused("an Excel workbook, not a Word document — ask the member for the .docx")
            if self.has("ppt/presentation.xml"):
                raise DocxRefused("a PowerPoint file, not a Word document — ask the member for the .docx")
            raise DocxRefused(
                "not a Word document: the file has no document part (word/document.xml) — "
                "ask the member to send the document saved from Word as .docx"
            )
        root = self.xml(main)
        if root.tag == f"{{{_STRICT_W}}}document":
            raise DocxRefused(
                "Word file saved as 'Strict Open XML', which is not supported — ask the member "
                "to save it as an ordinary Word Document (.docx)"
            )
        if root.tag != f"{{{_W}}}document":
            raise DocxRefused(
                "not a Word document: its main part is not a WordprocessingML document"
            )
        return main

    def _check_templates(self) -> None:
        """Refuse links to a template on a remote server (template injection).

        Word records `attachedTemplate` as an external link for every document based on a
        template other than Normal, usually a path on the author's disk or a mapped drive
        (two of the Word fixtures carry one). Those are local and harmless, so they only get
        a notice; a URL or a network share (\\\\server\\...) is refused.
        """
        for key, name in self._names.items():
            if not key.endswith(".rels"):
                continue
            root = self.xml(name)
            for el in root.iter(f"{{{_PKG_REL}}}Relationship"):
                if not el.get("Type", "").endswith("/attachedTemplate"):
                    continue
                if el.get("TargetMode", "") != "External":
                    continue
                target = el.get("Target", "")
                if _is_remote(target):
                    raise DocxRefused(
                        "unsafe file: it links to a template on a remote server "
                        f"({target}) — ask the member to save it as an ordinary .docx without "
                        "the template link"
                    )
                file_name = target.replace("\\", "/").rsplit("/", 1)[-1]
                self.notices.append(
                    Notice(f"the document names a template on its author's computer ({unquote(file_name)}); "
                           "it was ignored")
                )
