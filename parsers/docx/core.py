"""`docProps/core.xml`: who wrote the file and its title (Dublin Core properties)."""

from __future__ import annotations

from lxml import etree

_DC = "http://purl.org/dc/elements/1.1/"
_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_FIELDS = {
    f"{{{_DC}}}creator": "creator",
    f"{{{_DC}}}title": "title",
    f"{{{_CP}}}lastModifiedBy": "lastModifiedBy",
}


def read_core(root: etree._Element | None) -> dict[str, str]:
    """creator, title and lastModifiedBy ("" when absent)."""
    out = {name: "" for name in _FIELDS.values()}
    if root is None:
        return out
    for el in root:
        name = _FIELDS.get(el.tag)
        if name is not None:
            out[name] = (el.text or "").strip()
    return out
