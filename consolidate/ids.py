"""Stable identities: a key per proposal (same inputs → same key) and table IDs `ORG-nnn`."""

from __future__ import annotations

import hashlib
import re

from ..models.changes import Proposal

_SMALL = {"of", "the", "and", "for", "de", "la", "le", "les", "des", "du", "y", "el", "los", "et", "on", "in"}


def proposal_key(p: Proposal) -> str:
    """A digest of what the proposal is and where it came from (not of its run)."""
    parts = [p.document, p.message_id, p.file_sha256, p.source.value, str(p.start), str(p.end),
             p.old, p.new if p.new is not None else "\x00", p.comment, p.anchor]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def org_code(name: str) -> str:
    """'ILO' → 'ILO'; 'Ministry of Labour of Ruritania' → 'MLR'; 'Jane Doe' → 'JD'."""
    words = re.findall(r"[^\W\d_]+|\d+", name)
    if len(words) == 1 and len(words[0]) <= 8:
        return words[0].upper()
    caps = [w for w in words if w.isupper() and 2 <= len(w) <= 8]
    if caps:
        return caps[0]
    letters = "".join(w[0] for w in words if w.lower() not in _SMALL)
    return (letters or "X")[:6].upper()


def assign_ids(proposals: list[Proposal], doc_order: dict[str, int]) -> list[Proposal]:
    """Number each organisation's proposals in a fixed order: ORG-001, ORG-002, ..."""
    codes: dict[str, str] = {}
    taken: dict[str, str] = {}
    for p in proposals:
        name = p.author if not p.organisation else p.organisation
        if name in codes:
            continue
        code = org_code(name)
        base, n = code, 2
        while code in taken and taken[code] != name:
            code, n = f"{base}{n}", n + 1
        codes[name], taken[code] = code, name

    def order(p: Proposal):
        return (doc_order.get(p.document, 99), p.received.isoformat() if p.received else "",
                p.message_id, p.file, p.start if p.start is not None else 10**12, p.key)

    counters: dict[str, int] = {}
    out = []
    for p in sorted(proposals, key=order):
        code = codes[p.author if not p.organisation else p.organisation]
        counters[code] = counters.get(code, 0) + 1
        out.append(p.with_(id=f"{code}-{counters[code]:03d}"))
    return out
