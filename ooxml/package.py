"""Reading and writing the parts of a .docx package (a zip of XML parts).

Only what the writers need: the main document part, its relationships, content types, and
a deterministic zip (fixed timestamps, same entry order) so the same inputs give the same
bytes — the audit log records output sha256s.
"""

from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
COMMENTS_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse_xml(data: bytes) -> etree._Element:
    """Parse a part with a parser that never resolves entities or fetches anything."""
    return etree.fromstring(data, _PARSER)


def to_xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def stable_zip(entries: dict[str, bytes]) -> bytes:
    """Zip `entries` in the given order with fixed timestamps (byte-identical reruns)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED if name.endswith("/") else zipfile.ZIP_DEFLATED
            info.create_system = 0  # same bytes on every platform
            info.external_attr = 0
            archive.writestr(info, data)
    return buffer.getvalue()


def restamp(data: bytes) -> bytes:
    """Re-pack a zip (xlsx, docx written by other libraries) the same deterministic way."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return stable_zip({entry.filename: archive.read(entry) for entry in archive.infolist()})


class Package:
    """The parts of a .docx, editable in memory."""

    def __init__(self, data: bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.parts: dict[str, bytes] = {n: archive.read(n) for n in archive.namelist()}
        self.main = self._main_part_name()

    def _main_part_name(self) -> str:
        rels = self.parts.get("_rels/.rels")
        if rels is not None:
            for rel in parse_xml(rels):
                if rel.get("Type") == OFFICE_DOCUMENT:
                    return rel.get("Target", "").lstrip("/")
        return "word/document.xml"

    @property
    def main_rels_name(self) -> str:
        folder, name = posixpath.split(self.main)
        return posixpath.join(folder, "_rels", name + ".rels")

    def related_part(self, rel_type: str) -> str | None:
        """Name of the part the main part points to with `rel_type`, if any."""
        rels = self.parts.get(self.main_rels_name)
        if rels is None:
            return None
        for rel in parse_xml(rels):
            if rel.get("Type") == rel_type and rel.get("TargetMode") != "External":
                target = rel.get("Target", "")
                if target.startswith("/"):
                    return target.lstrip("/")
                return posixpath.normpath(posixpath.join(posixpath.dirname(self.main), target))
        return None

    def add_part(self, name: str, data: bytes, content_type: str, rel_type: str) -> None:
        """Add a part related from the main part (content type override and relationship)."""
        self.parts[name] = data
        types = parse_xml(self.parts["[Content_Types].xml"])
        override = etree.SubElement(types, f"{{{CT_NS}}}Override")
        override.set("PartName", "/" + name)
        override.set("ContentType", content_type)
        self.parts["[Content_Types].xml"] = to_xml(types)
        rels_name = self.main_rels_name
        rels = (
            parse_xml(self.parts[rels_name])
            if rels_name in self.parts
            else etree.Element(f"{{{RELS_NS}}}Relationships", nsmap={None: RELS_NS})
        )
        used = {rel.get("Id") for rel in rels}
        n = 1
        while f"rId{n}" in used:
            n += 1
        rel = etree.SubElement(rels, f"{{{RELS_NS}}}Relationship")
        rel.set("Id", f"rId{n}")
        rel.set("Type", rel_type)
        rel.set("Target", posixpath.relpath(name, posixpath.dirname(self.main)))
        self.parts[rels_name] = to_xml(rels)

    def remove_related(self, rel_type: str) -> None:
        """Drop the main part's relationships of `rel_type` and the parts they point to."""
        name = self.related_part(rel_type)
        rels_name = self.main_rels_name
        if rels_name in self.parts:
            rels = parse_xml(self.parts[rels_name])
            for rel in list(rels):
                if rel.get("Type") == rel_type:
                    rels.remove(rel)
            self.parts[rels_name] = to_xml(rels)
        if name and name in self.parts:
            del self.parts[name]
            types = parse_xml(self.parts["[Content_Types].xml"])
            for override in list(types):
                if override.get("PartName") == "/" + name:
                    types.remove(override)
            self.parts["[Content_Types].xml"] = to_xml(types)

    def to_bytes(self) -> bytes:
        return stable_zip(self.parts)
