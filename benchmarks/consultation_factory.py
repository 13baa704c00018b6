"""A whole consultation generated for benchmarks: the draft, an older version, members' copies.

    from consultation_factory import make_consultation
    data = make_consultation(members=40, pages=46, overlap=0.2, stale=0.1, tracked=0.5, seed=87)
    python benchmarks/consultation_factory.py OUT_DIR [--members 40 --pages 46 ...]

- `draft`: the current version v1, a `pages`-page Word draft (numbered headings, lists,
  tables, footnotes: `word_copy`'s outline, without revisions or comments);
- `previous`: v0, the version before the secretariat's last edits (a few sentences it has
  since rewritten); None when `stale` is 0;
- `copies`: one per member, each with 5-15 word edits (replacements, insertions, deletions).
  A share `tracked` of the copies carry them as tracked changes (w:del/w:ins by the member's
  Word user), the others are clean edited copies. A share `overlap` of the edits fall on words
  another member edited too (half the same change, half a different one: a conflict). A share
  `stale` of the copies were made from v0 instead of v1.

Deterministic: the same arguments give the same bytes.
"""

from __future__ import annotations

import argparse
import copy as copying
import email.policy
import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path

from word_copy import (COMMENT_PARTS, INSERTED_PHRASES, PARTS, REPLACEMENTS, Copy, Para, Piece, Rev,
                       Writer, add_footnotes, app_xml, build_outline, content_types_xml, core_xml, document_rels,
                       font_table_xml, footer_xml, footnotes_xml, header_xml, numbering_xml, package_rels,
                       relationship_ids, root, sentence, sentence_spans, separators, settings_xml, styles_xml,
                       theme_xml, word_count, zip_parts)

GOVERNMENTS = ["Ghana", "Nepal", "Peru", "Viet Nam", "Morocco", "Sri Lanka", "Chile", "Uganda", "Madagascar",
               "Tunisia", "Nigeria", "Mexico", "Albania", "Fiji", "Philippines", "Malawi", "Guatemala", "Jordan"]
ORGANISATIONS = ["International Trade Union Confederation", "International Organisation of Employers",
                 "Anti-Slavery International", "Walk Free", "UNICEF", "IOM", "UNODC", "OHCHR", "FAO",
                 "Global March Against Child Labour", "Freedom Fund", "Liberty Shared", "World Vision",
                 "Solidarity Center", "Save the Children", "Terre des Hommes", "Verité", "La Strada International",
                 "Polaris", "Survivor Alliance", "University of Nottingham Rights Lab", "OECD"]
FIRST = ["Ana", "Kofi", "Mei", "Omar", "Lucia", "Rajesh", "Ingrid", "Tomás", "Fatima", "Peter", "Amara", "Yuki"]
LAST = ["Okafor", "Silva", "Nguyen", "Haddad", "Kowalski", "Mensah", "Larsen", "Ortega", "Banda", "Rossi"]
EDITS_PER_COPY = (5, 15)
MIN_WORDS = 12  # paragraphs shorter than this are not edited


@dataclass(frozen=True)
class MemberCopy:
    """One member's Word copy."""

    member: str  # the organisation
    author: str  # the Word user name in its tracked changes
    data: bytes
    tracked: bool  # changes tracked (else a clean edited copy)
    stale: bool  # made from the older version v0
    edits: int
    shared: int  # edits on words another member edited too


@dataclass(frozen=True)
class ConsultationData:
    """The generated consultation: v1, v0 (or None), and the members' copies."""

    draft: bytes
    previous: bytes | None
    copies: tuple[MemberCopy, ...]
    pages: int
    rewritten: int  # sentences the secretariat rewrote between v0 and v1

    @property
    def members(self) -> list[str]:
        return [c.member for c in self.copies]


@dataclass(frozen=True)
class Edit:
    """Words [start, end) of block `block` replaced by `new` ("" deletes; start == end inserts)."""

    block: int
    start: int
    end: int
    new: str


# -- rendering ------------------------------------------------------------------------------


def package(copy: Copy, pages: int) -> bytes:
    """The .docx of `copy`'s blocks, assembled from `word_copy`'s parts (no comment parts)."""
    present = {part for part, _, _ in PARTS if part not in COMMENT_PARTS}
    w = Writer(copy)
    body = w.body(relationship_ids(present))  # first: it draws the ids the other parts use
    parts = {
        "word/styles.xml": styles_xml(), "word/settings.xml": settings_xml(copy),
        "word/webSettings.xml": root("w:webSettings", "<w:optimizeForBrowser/><w:allowPNG/>"),
        "word/footnotes.xml": footnotes_xml(w), "word/endnotes.xml": root("w:endnotes", separators(copy, "endnote")),
        "word/numbering.xml": numbering_xml(), "word/header1.xml": header_xml(copy),
        "word/footer1.xml": footer_xml(copy), "word/fontTable.xml": font_table_xml(),
        "word/theme/theme1.xml": theme_xml(), "docProps/core.xml": core_xml(),
        "docProps/app.xml": app_xml(pages, word_count(copy.blocks)),
    }
    return zip_parts({"[Content_Types].xml": content_types_xml(present), "_rels/.rels": package_rels(),
                      "word/document.xml": body, "word/_rels/document.xml.rels": document_rels(present), **parts})


def render(blocks: list, footnotes: list[str], pages: int, seed: int, author: str = "", edits=(),
           tracked: bool = False) -> bytes:
    """A document of (a copy of) `blocks` with `edits` applied, tracked by `author` or not."""
    copy = Copy(random.Random(seed))
    copy.blocks = copying.deepcopy(blocks)
    copy.footnotes = list(footnotes)
    if author:
        copy.author_rsids = {author: copy.hex8(0x00100000, 0x00FFFFFF)}
    date = f"2025-03-{3 + seed % 20:02d}T10:{seed % 60:02d}:00Z"
    rev = (lambda: Rev(copy.new_id(), author, date)) if tracked else None
    by_block: dict[int, list[Edit]] = {}
    for edit in edits:
        by_block.setdefault(edit.block, []).append(edit)
    for index, mine in by_block.items():
        apply_edits(copy.blocks[index], sorted(mine, key=lambda e: e.start), rev)
    return package(copy, pages)


def apply_edits(para: Para, edits: list[Edit], rev=None) -> None:
    """Rewrite a paragraph's pieces with `edits`: w:del/w:ins pieces when `rev` makes
    revisions, else plain text (a clean copy). Footnote references stay at the end."""
    words = para.text.split(" ")
    spaced = [w + " " for w in words[:-1]] + words[-1:]
    pieces, pos = [], 0
    for edit in edits:
        pieces.append(Piece("text", "".join(spaced[pos:edit.start])))
        old, new = "".join(spaced[edit.start:edit.end]), edit.new + " " if edit.new else ""
        if rev is None:
            pieces.append(Piece("text", new))
        else:
            pieces += ([Piece("del", old, rev())] if old else []) + ([Piece("ins", new, rev())] if new else [])
        pos = edit.end
    pieces.append(Piece("text", "".join(spaced[pos:])))
    if rev is None:  # a clean copy: one text piece
        pieces = [Piece("text", "".join(p.text for p in pieces))]
        para.text = pieces[0].text
    para.pieces = [p for p in pieces if p.text] + [p for p in para.pieces if p.kind == "xml"]


# -- versions -------------------------------------------------------------------------------


def set_text(para: Para, text: str) -> None:
    para.text = text
    para.pieces = [Piece("text", text)] + [p for p in para.pieces if p.kind == "xml"]


def older_version(blocks: list, rng: random.Random, count: int) -> tuple[list, set[int]]:
    """v0: v1 with one sentence of `count` body paragraphs as it read before the
    secretariat rewrote it; the indices of those paragraphs."""
    old = copying.deepcopy(blocks)
    candidates = [i for i, b in enumerate(old) if isinstance(b, Para) and b.style == "Body"
                  and len(sentence_spans(b.text)) > 1]
    changed = set(rng.sample(candidates, min(count, len(candidates))))
    for i in changed:
        words = old[i].text.split(" ")
        start, end = rng.choice(sentence_spans(old[i].text))
        set_text(old[i], " ".join(words[:start] + sentence(rng).split(" ") + words[end:]))
    return old, changed


def editable(blocks: list) -> list[int]:
    """Indices of the body and list paragraphs long enough to edit."""
    return [i for i, b in enumerate(blocks) if isinstance(b, Para) and b.style in ("Body", "Bullet")
            and len(b.text.split(" ")) >= MIN_WORDS]


# -- members' edits -------------------------------------------------------------------------


def clashes(edit: Edit, taken: list[Edit]) -> bool:
    """Whether `edit` overlaps or touches one of the member's earlier edits in its block."""
    return any(t.block == edit.block and edit.start <= t.end and t.start <= edit.end for t in taken)


def fresh_edit(rng: random.Random, blocks: list, where: list[int]) -> Edit:
    """A new edit somewhere: a replacement of 1-3 words, an insertion or a 2-6 word deletion."""
    block = rng.choice(where)
    n = len(blocks[block].text.split(" "))
    kind = rng.choices(["rep", "ins", "del"], weights=[4, 3, 3])[0]
    start = rng.randint(1, n - 4)
    if kind == "ins":
        return Edit(block, start, start, rng.choice(INSERTED_PHRASES))
    end = min(n - 1, start + (rng.randint(1, 3) if kind == "rep" else rng.randint(2, 6)))
    return Edit(block, start, end, rng.choice(REPLACEMENTS) if kind == "rep" else "")


def shared_edit(rng: random.Random, other: Edit) -> Edit:
    """An edit on the same words as another member's: the same change, or a different one."""
    if rng.random() < 0.5:
        return other
    choices = INSERTED_PHRASES if other.start == other.end else REPLACEMENTS + [""]
    return Edit(other.block, other.start, other.end, rng.choice([c for c in choices if c != other.new]))


def member_edits(rng: random.Random, blocks: list, where: list[int], pool: list[Edit], overlap: float,
                 shareable: set[int], first_in: list[int]) -> tuple[list[Edit], int]:
    """One member's edits (5-15, none touching another), and how many are shared with
    earlier members' (taken from `pool`, only in paragraphs both versions have alike).
    The first edit goes into one of the paragraphs `first_in` when there are any."""
    edits, shared = [], 0
    others = [e for e in pool if e.block in shareable]
    for k in range(rng.randint(*EDITS_PER_COPY)):
        for _attempt in range(20):
            share = others and rng.random() < overlap and not (k == 0 and first_in)
            edit = shared_edit(rng, rng.choice(others)) if share else \
                fresh_edit(rng, blocks, first_in if k == 0 and first_in else where)
            if not clashes(edit, edits):
                edits.append(edit)
                shared += bool(share)
                break
    return edits, shared


def member_names(rng: random.Random, members: int) -> list[tuple[str, str]]:
    """(organisation, Word user name) for each member."""
    names = [f"Government of {g}" for g in GOVERNMENTS] + ORGANISATIONS
    orgs = [names[i % len(names)] + (f" ({i // len(names) + 1})" if i >= len(names) else "")
            for i in range(members)]
    rng.shuffle(orgs)
    return [(org, f"{rng.choice(FIRST)} {rng.choice(LAST)}") for org in orgs]


def draft_outline(pages: int, seed: int) -> tuple[list, list[str]]:
    """The current draft's blocks and footnotes (the same for the same arguments)."""
    outline = Copy(random.Random(seed))
    build_outline(outline, pages)
    add_footnotes(outline)
    return outline.blocks, outline.footnotes


def make_consultation(members: int = 40, pages: int = 46, overlap: float = 0.2, stale: float = 0.1,
                      tracked: float = 0.5, seed: int = 87) -> ConsultationData:
    """Generate the consultation (see the module docstring)."""
    rng = random.Random(seed)
    v1, notes = draft_outline(pages, seed)
    n_stale = round(stale * members)
    v0, rewritten = older_version(v1, rng, max(3, pages // 6)) if n_stale else (None, set())
    stale_ones = set(rng.sample(range(members), n_stale))
    tracked_ones = set(rng.sample(range(members), round(tracked * members)))
    shareable = set(editable(v1)) - rewritten
    pool: list[Edit] = []
    copies = []
    for i, (org, author) in enumerate(member_names(rng, members)):
        blocks = v0 if i in stale_ones else v1
        first_in = sorted(rewritten) if i in stale_ones else []  # near the secretariat's rewrites
        edits, shared = member_edits(rng, blocks, editable(blocks), pool, overlap, shareable, first_in)
        pool += edits
        data = render(blocks, notes, pages, seed * 1000 + i + 1, author, edits, tracked=i in tracked_ones)
        copies.append(MemberCopy(org, author, data, i in tracked_ones, i in stale_ones, len(edits), shared))
    previous = render(v0, notes, pages, seed * 1000 - 1) if v0 is not None else None
    return ConsultationData(render(v1, notes, pages, seed * 1000), previous, tuple(copies), pages, len(rewritten))


# -- on disk --------------------------------------------------------------------------------


def write(data: ConsultationData, folder: Path) -> dict:
    """draft.docx, draft-v0.docx, copies/NN.docx and members.json (the manifest) in `folder`."""
    (folder / "copies").mkdir(parents=True, exist_ok=True)
    (folder / "draft.docx").write_bytes(data.draft)
    if data.previous is not None:
        (folder / "draft-v0.docx").write_bytes(data.previous)
    manifest = {"draft": "draft.docx", "previous": "draft-v0.docx" if data.previous else None, "copies": []}
    for i, c in enumerate(data.copies, start=1):
        name = f"copies/{i:02d}.docx"
        (folder / name).write_bytes(c.data)
        manifest["copies"].append({"file": name, "member": c.member, "author": c.author, "tracked": c.tracked,
                                   "stale": c.stale, "edits": c.edits, "shared": c.shared})
    (folder / "members.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    return manifest


# -- a whole inbox (the scale benchmark) ------------------------------------------------------

DEADLINE = datetime(2025, 3, 31, 18, 0, tzinfo=timezone.utc)
DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
RESENT, TEXT_ONLY, LATE = 0.10, 0.25, 0.03  # shares of the e-mails; the rest carry a Word copy


def _mail(sender: tuple[str, str], subject: str, body: str, when: datetime, message_id: str,
          attachment: tuple[str, bytes] | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = formataddr(sender)
    msg["To"] = "secretariat@consultation.example.org"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = message_id
    msg.set_content(body)
    if attachment is not None:
        msg.add_attachment(attachment[1], maintype=DOCX_TYPE[0], subtype=DOCX_TYPE[1], filename=attachment[0])
    return msg.as_bytes(policy=email.policy.SMTP)


def text_proposals(rng: random.Random, blocks: list, count: int) -> str:
    """E-mail text quoting the draft: 'replace "five words here" with "..."' and a remark."""
    lines = []
    for n in range(1, count + 1):
        para = blocks[rng.choice(editable(blocks))]
        words = para.text.split(" ")
        start = rng.randint(0, len(words) - 6)
        old = " ".join(words[start:start + 5]).strip(".,;:")
        new = old.rsplit(" ", 1)[0] + " " + rng.choice(REPLACEMENTS)
        lines.append(f'{n}. Replace "{old}" with "{new}".')
    lines.append("More generally, we would welcome a clearer link between the sections on monitoring "
                 "and on reporting.")
    return "\n\n".join(lines)


def write_inbox_consultation(folder: Path, submissions: int, pages: int = 46, seed: int = 87) -> dict:
    """A consultation of `submissions` e-mails against a `pages`-page draft, written to
    `folder` (consultation.toml, members.csv, drafts/, inbox/NNNN.eml): Word copies with
    tracked changes and clean copies (made by `make_consultation`, 5 % from the older
    version), e-mails with proposals in their text only, re-sends (the same e-mail again, or
    the same copy in a new e-mail: both duplicates) and a few late ones. Returns the counts."""
    rng = random.Random(seed + submissions)
    resent, text_only = round(RESENT * submissions), round(TEXT_ONLY * submissions)
    n_copies = submissions - resent - text_only
    data = make_consultation(members=n_copies, pages=pages, overlap=0.2, stale=0.05, tracked=0.55, seed=seed)
    blocks, _ = draft_outline(pages, seed)
    (folder / "drafts").mkdir(parents=True, exist_ok=True)
    (folder / "inbox").mkdir(exist_ok=True)
    (folder / "drafts" / "draft.docx").write_bytes(data.draft)
    if data.previous is not None:
        (folder / "drafts" / "draft-v0.docx").write_bytes(data.previous)
    senders = [(c.member, c.author) for c in data.copies] + \
              [(f"Member organisation {i + 1}", f"{rng.choice(FIRST)} {rng.choice(LAST)}") for i in range(text_only)]
    kinds = ["copy"] * n_copies + ["text"] * text_only
    order = list(range(len(kinds)))
    rng.shuffle(order)
    members, mails, sent = ["email,organisation,constituency"], [], []
    start = DEADLINE - timedelta(days=20)
    for n, i in enumerate(order):
        org, person = senders[i]
        address = f"member{i + 1:04d}@org{i + 1:04d}.example.org"
        members.append(f'{address},"{org}",{"Governments" if org.startswith("Government") else "Civil society"}')
        late = rng.random() < LATE
        when = DEADLINE + timedelta(hours=rng.randint(1, 48)) if late else \
            start + timedelta(seconds=round((n + 1) * 20 * 86400 / (len(order) + 1)))
        message_id = f"<scale-{seed}-{n + 1:04d}@org{i + 1:04d}.example.org>"
        if kinds[i] == "copy":
            name = f"draft-comments-{i + 1:04d}.docx"
            body = f"Dear Secretariat,\n\nPlease find attached the comments of {org} on the draft.\n\n" \
                   f"Best regards,\n{person}"
            raw = _mail((person, address), "Comments on the draft", body, when, message_id,
                        (name, data.copies[i].data))
            sent.append(((person, address), when, name, data.copies[i].data, raw))
        else:
            body = f"Dear Secretariat,\n\n{org} has the following proposals on the draft:\n\n" \
                   f"{text_proposals(rng, blocks, rng.randint(1, 3))}\n\nBest regards,\n{person}"
            raw = _mail((person, address), "Comments on the draft", body, when, message_id)
        mails.append(raw)
    for k in range(resent):  # re-sends of copies: the e-mail again, or the same file anew
        sender, when, name, copy, raw = rng.choice(sent)
        if k % 2 == 0:
            mails.append(raw)
        else:
            later = when + timedelta(minutes=30)
            mails.append(_mail(sender, "Comments on the draft (re-sent)", "Re-sending in case it did not arrive.",
                               later, f"<scale-{seed}-resend-{k}@{sender[1].split('@')[1]}>", (name, copy)))
    for n, raw in enumerate(mails, start=1):
        (folder / "inbox" / f"{n:04d}.eml").write_bytes(raw)
    (folder / "members.csv").write_text("\n".join(members) + "\n", encoding="utf-8")
    previous = 'previous = ["drafts/draft-v0.docx"]\n' if data.previous is not None else ""
    (folder / "consultation.toml").write_text(
        f'[consultation]\ntitle = "Scale benchmark: {submissions} submissions"\n'
        f'deadline = {DEADLINE.isoformat()}\ninbox = "inbox"\n'
        f'secretariat = ["secretariat@consultation.example.org"]\nmembers = "members.csv"\n\n'
        f'[[documents]]\nkey = "draft"\ntitle = "The draft under consultation"\ndraft = "drafts/draft.docx"\n'
        f'{previous}', encoding="utf-8")
    return {"e-mails": len(mails), "copies": n_copies, "tracked": sum(c.tracked for c in data.copies),
            "stale": sum(c.stale for c in data.copies), "text-only": text_only, "re-sent": resent,
            "inbox bytes": sum(len(m) for m in mails)}


def add_options(parser: argparse.ArgumentParser) -> None:
    """The generator's options (members, pages, shares, seed) on a command line."""
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--pages", type=int, default=46)
    parser.add_argument("--overlap", type=float, default=0.2)
    parser.add_argument("--stale", type=float, default=0.1)
    parser.add_argument("--tracked", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=87)


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a generated consultation to a folder.")
    parser.add_argument("out", type=Path)
    add_options(parser)
    args = parser.parse_args()
    data = make_consultation(args.members, args.pages, args.overlap, args.stale, args.tracked, args.seed)
    write(data, args.out)
    edits = sum(c.edits for c in data.copies)
    print(f"{args.out}: draft {len(data.draft):,} bytes, {len(data.copies)} copies, {edits} edits "
          f"({sum(c.shared for c in data.copies)} shared), {sum(c.stale for c in data.copies)} stale, "
          f"{sum(c.tracked for c in data.copies)} tracked")


if __name__ == "__main__":
    main()
