"""parsers/docx: a Word .docx (bytes) -> `Document` (blocks, segments, revisions, comments).

One small reader per part, data flowing one way (as in mammoth):

    package.py   the zip, its checks and relationships      -> Package (or DocxRefused)
    styles.py    word/styles.xml                             -> Styles
    numbering.py word/numbering.xml                          -> Numbering, Counter
    body.py      word/document.xml body                      -> blocks, segments, markers
    comments.py  word/comments.xml + commentsExtended.xml    -> WordComment list
    core.py      docProps/core.xml                           -> properties
    stories.py   footnotes, endnotes, headers, footers        -> Story list (read like the body)
    format_changes.py  property changes (rPrChange, pPrChange, ...) -> FormatChange list

Bad input raises `DocxRefused` (a `Refusal` with a plain `reason`); anything odd but usable
becomes a `Notice` on the document or on a comment.
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from dataclasses import replace

from lxml import etree

from ...models.document import Document
from ...models.notices import Notice
from ...ooxml.names import FALLBACK, TXBX, qn
from .body import read_body
from .comments import Where, read_comments
from .core import read_core
from .numbering import read_numbering
from .package import DocxRefused, Package
from .stories import read_stories
from .styles import read_styles

__all__ = ["DocxRefused", "read_docx"]

_BODY, _T, _TXBX, _FALLBACK = qn("w:body"), qn("w:t"), TXBX, FALLBACK


def read_docx(data: bytes, source: str = "") -> Document:
    """Read a .docx. Raises only `DocxRefused` (with a reason for staff) on bad input."""
    try:
        return _read(data, source)
    except DocxRefused:
        raise
    except (etree.LxmlError, zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError,
            RecursionError, MemoryError) as exc:
        # Damage met deeper than the checks in package.py: still a refusal, never a crash.
        raise DocxRefused(
            f"the Word file could not be read ({type(exc).__name__}: {exc}) — "
            "ask the member to save it again from Word"
        ) from exc


def _read(data: bytes, source: str) -> Document:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise DocxRefused("not a file's contents")
    data = bytes(data)
    pkg = Package(data)
    notices = list(pkg.notices)
    main = pkg.main
    root = pkg.xml(main)
    body_el = root.find(_BODY)
    if body_el is None:
        raise DocxRefused("damaged Word file: the document has no body — ask the member to save it again")

    styles = read_styles(pkg.optional_xml(pkg.related(main, "styles")))
    numbering = read_numbering(pkg.optional_xml(pkg.related(main, "numbering")), styles)
    body = read_body(body_el, styles, numbering)
    notices.extend(body.notices)

    doc = Document(
        blocks=tuple(body.blocks),
        segments=tuple(body.segments),
        sha256=hashlib.sha256(data).hexdigest(),
        source=source,
    )
    stories, story_notices = read_stories(pkg, main, root, body, body.blocks, styles, numbering)
    notices.extend(story_notices)
    places = [Where(body, doc)] + [
        Where(r.body, r.story.document, r.story.name, r.story.document.blocks[0].section if r.story.document.blocks else "")
        for r in stories
    ]
    comments, comment_notices = read_comments(
        pkg.optional_xml(pkg.related(main, "comments")),
        pkg.optional_xml(pkg.related(main, "commentsExtended")),
        places,
    )
    notices.extend(comment_notices)
    notices.extend(_text_boxes(body_el))

    properties = read_core(pkg.optional_xml(pkg.related("", "core-properties") or "docProps/core.xml"))
    properties["format_changes"] = len(body.format_changes)
    return replace(doc, comments=tuple(comments), notices=tuple(notices), properties=properties,
                   format_changes=tuple(body.format_changes), stories=tuple(r.story for r in stories))


def _text_boxes(body_el: etree._Element) -> list[Notice]:
    """Text boxes are outside the flow of text (ooxml.text leaves them out): say so."""
    boxes = [
        box for box in body_el.iter(_TXBX)
        if not any(a.tag == _FALLBACK for a in box.iterancestors())
        and any((t.text or "").strip() for t in box.iter(_T))
    ]
    if not boxes:
        return []
    return [Notice(f"text in {len(boxes)} text box(es) is not read (nor any change made in it)")]
