"""Write Word comments into `word/comments.xml` (created when the draft has none)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from .editing import _iso
from .names import NS, P, R, T, XML_SPACE, qn
from .package import COMMENTS_CT, COMMENTS_REL, Package, parse_xml, to_xml

EXTENDED_RELS = (
    "http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
    "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds",
    "http://schemas.microsoft.com/office/2018/08/relationships/commentsExtensible",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/people",
)


@dataclass(frozen=True)
class CommentBody:
    author: str
    initials: str
    date: datetime | None
    text: str  # paragraphs separated by "\n"


def next_comment_id(package: Package) -> int:
    name = package.related_part(COMMENTS_REL)
    if name is None or name not in package.parts:
        return 0
    ids = [int(c.get(qn("w:id"))) for c in parse_xml(package.parts[name]).iter(qn("w:comment"))
           if (c.get(qn("w:id")) or "").lstrip("-").isdigit()]
    return max(ids, default=-1) + 1


def add_comments(package: Package, comments: dict[int, CommentBody]) -> None:
    """Append comments (id → body) to the comments part."""
    if not comments:
        return
    name = package.related_part(COMMENTS_REL)
    if name is None or name not in package.parts:
        root = etree.Element(qn("w:comments"), nsmap={"w": NS["w"]})
        name = "word/comments.xml"
        n = 1
        while name in package.parts:
            name, n = f"word/comments{n}.xml", n + 1
        package.add_part(name, b"", COMMENTS_CT, COMMENTS_REL)
    else:
        root = parse_xml(package.parts[name])
    for cid, body in comments.items():
        comment = etree.SubElement(root, qn("w:comment"))
        comment.set(qn("w:id"), str(cid))
        comment.set(qn("w:author"), body.author or "Unknown")
        if body.date is not None:
            comment.set(qn("w:date"), _iso(body.date))
        comment.set(qn("w:initials"), body.initials or initials(body.author))
        for n, line in enumerate(body.text.split("\n") or [""]):
            p = etree.SubElement(comment, P)
            if n == 0:
                ref = etree.SubElement(p, R)
                etree.SubElement(ref, qn("w:annotationRef"))
            run = etree.SubElement(p, R)
            t = etree.SubElement(run, T)
            t.text = line
            t.set(XML_SPACE, "preserve")
    package.parts[name] = to_xml(root)


def remove_all_comments(package: Package) -> None:
    """Drop the comments part and its companions (the body markers are removed separately)."""
    package.remove_related(COMMENTS_REL)
    for rel in EXTENDED_RELS:
        package.remove_related(rel)


def initials(name: str) -> str:
    letters = [w[0] for w in name.replace("-", " ").split() if w[:1].isalnum()]
    return "".join(letters[:3]).upper() or "?"


