"""Stable identities: a key per proposal (same inputs → same key) and table IDs `ORG-nnn`."""

from __future__ import annotations

import hashlib
import json
import re

from ..models.changes import Proposal

_ID = re.compile(r"(.+)-(\d+)")
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


def assign_ids(proposals: list[Proposal], doc_order: dict[str, int],
               known: dict[str, tuple[str, str]] | None = None) -> list[Proposal]:
    """Give every proposal an ID `ORG-nnn` that later mail does not move.

    Each organisation's proposals are numbered in order of arrival (received time, message,
    then document, file, place), so mail that arrives later only adds numbers after the
    existing ones. `known` ({proposal key: (ID, organisation)}, from `read_registry` of an
    earlier run into the same folder) pins what was numbered before: a known proposal keeps
    its ID, new ones get the next free number of their organisation's code, and a number
    once given is never given again — so mail found late with an EARLIER received time, or
    a member's copy superseded by a resend, moves nobody else's ID either.
    """
    known = known or {}
    ordered = sorted(proposals, key=lambda p: _arrival(p, doc_order))
    codes: dict[str, str] = {}  # organisation -> code
    owner: dict[str, str] = {}  # code -> organisation
    used: dict[str, int] = {}  # code -> highest number given
    for key, (old_id, name) in sorted(known.items(), key=lambda kv: kv[1]):
        code, number = _split(old_id)
        if code is None:
            continue
        used[code] = max(used.get(code, 0), number)
        owner.setdefault(code, name)
        codes.setdefault(name, code)
    for p in ordered:
        name = _name(p)
        if name not in codes:
            code = base = org_code(name)
            n = 2
            while code in owner and owner[code] != name:
                code, n = f"{base}{n}", n + 1
            codes[name], owner[code] = code, name

    out, pinned = [], set()
    for p in ordered:
        old = known.get(p.key)
        if old and old[1] == _name(p) and old[0] not in pinned:
            pinned.add(old[0])
            out.append(p.with_(id=old[0]))
            continue
        code = codes[_name(p)]
        used[code] = used.get(code, 0) + 1
        out.append(p.with_(id=f"{code}-{used[code]:03d}"))
    return out


def registry(proposals: list[Proposal], known: dict[str, tuple[str, str]] | None = None) -> bytes:
    """The IDs given so far ({key: [ID, organisation]}, the earlier ones kept) as JSON."""
    entries = {k: list(v) for k, v in (known or {}).items()}
    entries.update({p.key: [p.id, _name(p)] for p in proposals if p.key and p.id})
    return (json.dumps({"ids": dict(sorted(entries.items()))}, ensure_ascii=False, indent=0) + "\n").encode()


def read_registry(data: bytes | None) -> dict[str, tuple[str, str]]:
    """What `registry` wrote ({} for nothing, or for a file that is not one)."""
    if not data:
        return {}
    try:
        entries = json.loads(data.decode("utf-8")).get("ids", {})
        return {str(k): (str(v[0]), str(v[1])) for k, v in entries.items()}
    except (ValueError, AttributeError, TypeError, IndexError, KeyError):
        return {}


def _name(p: Proposal) -> str:
    return p.organisation or p.author


def _arrival(p: Proposal, doc_order: dict[str, int]):
    when = p.received.timestamp() if p.received else float("inf")
    return (when, p.message_id, doc_order.get(p.document, 99), p.file,
            p.start if p.start is not None else 10**12, p.key)


def _split(identifier: str) -> tuple[str | None, int]:
    match = _ID.fullmatch(identifier)
    return (match[1], int(match[2])) if match else (None, 0)
