"""Namespaces and qualified names."""

from __future__ import annotations

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "w15": "http://schemas.microsoft.com/office/word/2012/wordml",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "xml": "http://www.w3.org/XML/1998/namespace",
}


def qn(tag: str) -> str:
    """'w:p' -> '{http://...main}p'."""
    prefix, _, local = tag.partition(":")
    return f"{{{NS[prefix]}}}{local}"


W = NS["w"]
P, R, T, DEL_TEXT = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:delText")
PPR, RPR = qn("w:pPr"), qn("w:rPr")
INS, DEL, MOVE_FROM, MOVE_TO = qn("w:ins"), qn("w:del"), qn("w:moveFrom"), qn("w:moveTo")
TXBX, FALLBACK = qn("w:txbxContent"), qn("mc:Fallback")
AUTHOR, DATE, ID = qn("w:author"), qn("w:date"), qn("w:id")
PARA_ID = qn("w14:paraId")
XML_SPACE = qn("xml:space")
