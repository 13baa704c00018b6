"""Small .docx files built from XML strings, for tests.

    make_docx('<w:p><w:r><w:t>Hello</w:t></w:r></w:p>', comments='<w:comment ...>...</w:comment>')

Body, comments, styles and numbering are given as the *inside* of their root elements; the
namespaces below are declared on every root, so the strings can use the usual prefixes.
`make_zip` writes arbitrary entries (for refusal tests).
"""

from __future__ import annotations

import io
import zipfile

NAMESPACES = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"'
)
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DOC_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

_PARTS = {
    # name: (relationship type, content type, root element)
    "styles": (f"{OFFICE_REL}/styles",
               "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml", "w:styles"),
    "numbering": (f"{OFFICE_REL}/numbering",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml", "w:numbering"),
    "comments": (f"{OFFICE_REL}/comments",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml", "w:comments"),
    "commentsExtended": ("http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
                         "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml",
                         "w15:commentsEx"),
}


def rels_xml(*rels: tuple[str, str, str] | tuple[str, str, str, str]) -> str:
    """(Id, Type, Target[, TargetMode]) -> a .rels part."""
    items = []
    for rel in rels:
        mode = f' TargetMode="{rel[3]}"' if len(rel) > 3 else ""
        items.append(f'<Relationship Id="{rel[0]}" Type="{rel[1]}" Target="{rel[2]}"{mode}/>')
    return f'{DECL}<Relationships xmlns="{REL_NS}">{"".join(items)}</Relationships>'


def content_types_xml(overrides: dict[str, str], defaults: dict[str, str] | None = None) -> str:
    d = {"rels": "application/vnd.openxmlformats-package.relationships+xml", "xml": "application/xml"}
    d.update(defaults or {})
    items = [f'<Default Extension="{ext}" ContentType="{ct}"/>' for ext, ct in d.items()]
    items += [f'<Override PartName="/{name}" ContentType="{ct}"/>' for name, ct in overrides.items()]
    return (f'{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'{"".join(items)}</Types>')


def document_xml(body: str) -> str:
    return f"{DECL}<w:document {NAMESPACES}><w:body>{body}</w:body></w:document>"


def make_zip(entries: dict[str, str | bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return buf.getvalue()


def make_docx(
    body: str,
    *,
    comments: str | None = None,
    comments_extended: str | None = None,
    styles: str | None = None,
    numbering: str | None = None,
    core: dict[str, str] | None = None,
    main_content_type: str = DOC_MAIN,
    extra_parts: dict[str, str | bytes] | None = None,
    extra_doc_rels: list[tuple] | None = None,
    settings_rels: list[tuple] | None = None,
    raw_document: str | None = None,
) -> bytes:
    """A minimal Word package around a body (the inside of `w:body`)."""
    parts = {"styles": styles, "numbering": numbering, "comments": comments,
             "commentsExtended": comments_extended}
    entries: dict[str, str | bytes] = {}
    overrides = {"word/document.xml": main_content_type}
    doc_rels = []
    for i, (name, inner) in enumerate(parts.items(), start=1):
        if inner is None:
            continue
        rel_type, ct, root = _PARTS[name]
        entries[f"word/{name}.xml"] = f"{DECL}<{root} {NAMESPACES}>{inner}</{root}>"
        overrides[f"word/{name}.xml"] = ct
        doc_rels.append((f"rId{i}", rel_type, f"{name}.xml"))
    if settings_rels is not None:
        entries["word/settings.xml"] = f"{DECL}<w:settings {NAMESPACES}/>"
        overrides["word/settings.xml"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"
        doc_rels.append(("rId9", f"{OFFICE_REL}/settings", "settings.xml"))
        entries["word/_rels/settings.xml.rels"] = rels_xml(*settings_rels)
    doc_rels += extra_doc_rels or []
    pkg_rels = [("rId1", f"{OFFICE_REL}/officeDocument", "word/document.xml")]
    if core is not None:
        props = "".join(
            f"<{tag}>{value}</{tag}>" for tag, value in
            (("dc:" + k if k in ("creator", "title") else "cp:" + k, v) for k, v in core.items())
        )
        entries["docProps/core.xml"] = (
            f'{DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/">{props}</cp:coreProperties>'
        )
        overrides["docProps/core.xml"] = "application/vnd.openxmlformats-package.core-properties+xml"
        pkg_rels.append(("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                         "docProps/core.xml"))
    entries = {
        "[Content_Types].xml": content_types_xml(overrides),
        "_rels/.rels": rels_xml(*pkg_rels),
        "word/document.xml": raw_document if raw_document is not None else document_xml(body),
        "word/_rels/document.xml.rels": rels_xml(*doc_rels),
        **entries,
        **(extra_parts or {}),
    }
    return make_zip(entries)


# -- small builders for body XML ------------------------------------------------------------


def run(text: str, rpr: str = "") -> str:
    return f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>'


def del_run(text: str) -> str:
    return f'<w:r><w:delText xml:space="preserve">{text}</w:delText></w:r>'


def ins(content: str, id: str = "1", author: str = "Alice", date: str = "2024-05-01T10:00:00Z") -> str:
    return f'<w:ins w:id="{id}" w:author="{author}" w:date="{date}">{content}</w:ins>'


def dele(content: str, id: str = "2", author: str = "Bob", date: str = "2024-05-02T10:00:00Z") -> str:
    return f'<w:del w:id="{id}" w:author="{author}" w:date="{date}">{content}</w:del>'


def para(content: str, style: str | None = None, ppr: str = "", para_id: str | None = None) -> str:
    pstyle = f'<w:pStyle w:val="{style}"/>' if style else ""
    pid = f' w14:paraId="{para_id}"' if para_id else ""
    props = f"<w:pPr>{pstyle}{ppr}</w:pPr>" if (pstyle or ppr) else ""
    return f"<w:p{pid}>{props}{content}</w:p>"


HEADING_STYLES = "".join(
    f'<w:style w:type="paragraph" w:styleId="Heading{n}"><w:name w:val="heading {n}"/>'
    f'<w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="{n - 1}"/></w:pPr></w:style>'
    for n in range(1, 4)
) + ('<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
     '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>')
