"""Copies of an older draft: members edited v0 while the secretariat moved on to v1.

The merged v2 must keep every edit the secretariat made in v1 (no false reverts), apply every
member edit that does not touch what the secretariat rewrote, and turn the ones that do into
conflicts for the secretariat — with clean copies and with tracked-change copies alike.
"""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

import docx
import pytest

from redraft.consolidate.decide import Policy
from redraft.consolidate.three_way import Carrier, closest_version
from redraft.consolidate.alignment import Hunk
from redraft.flows import stages
from redraft.models.changes import Disposition, Origin
from redraft.outputs import draft_documents
from redraft.parsers.docx import read_docx

from docx_factory import del_run, dele, ins, make_docx, para, run

V0 = [
    "1. Purpose",
    "The Alliance brings together partners to end forced labour and child labour.",
    "2. Membership",
    "Members are States and organisations committed to target 8.7.",
    "3. Meetings",
    "The Global Coordinating Group meets twice a year in Geneva.",
    "It takes decisions by consensus of the members present.",
]
# the secretariat's own edits between v0 and v1
V1 = [
    "1. Purpose",
    "The Alliance brings together partners to end forced labour, modern slavery and child labour.",
    "2. Membership",
    "Members are States and organisations committed to target 8.7 of the 2030 Agenda.",
    "3. Meetings",
    "The Global Coordinating Group meets twice a year in Geneva.",
    "It takes decisions by consensus of the members present, and records them in minutes.",
]


def document(paragraphs: list[str]) -> bytes:
    d = docx.Document()
    for text in paragraphs:
        d.add_paragraph(text, style="Heading 1" if text[:2].rstrip(".").isdigit() else None)
    buffer = io.BytesIO()
    d.save(buffer)
    return buffer.getvalue()


def edited(paragraphs: list[str], *edits: tuple[str, str]) -> list[str]:
    out = list(paragraphs)
    for old, new in edits:
        hits = [i for i, p in enumerate(out) if old in p]
        assert len(hits) == 1, old
        out[hits[0]] = out[hits[0]].replace(old, new)
    return out


def origin(org: str) -> Origin:
    return Origin(document="tor", organisation=org, constituency="UN agency", sender=f"x@{org.lower()}.org",
                  sender_name=org, received=datetime(2018, 8, 1, tzinfo=timezone.utc), message_id=f"<{org}>",
                  file=f"{org}.docx", file_sha256=org * 8, credited=org)


@pytest.fixture
def draft(tmp_path: Path) -> stages.Draft:
    v1 = document(V1)
    v0 = read_docx(document(V0), source="tor-v0.docx")
    return stages.Draft("tor", "ToR", v1, read_docx(v1, source="tor-v1.docx"), (("tor-v0.docx", v0),))


def consolidate(draft: stages.Draft, copies: dict[str, bytes]):
    proposals = []
    for org, data in copies.items():
        copy = read_docx(data, source=f"{org}.docx")
        base, name = stages.base_version(copy, draft)
        proposals += stages.proposals_from_copy(copy, draft.document, origin(org), base, name)
    proposals = stages.identify(proposals, {"tor": draft})
    decided, problems = stages.consolidate("tor", proposals, Policy.parse(""), None)
    assert problems == []
    return decided


def text_of(data: bytes, view: str = "accepted") -> list[str]:
    return [p for p in read_docx(data).text(view).split("\n") if p]


# member edits on v0: two on text the secretariat left alone, one on text it rewrote
CLEAN_EDITS = (("twice a year", "at least twice a year"),            # untouched in v1
               ("Members are States", "Members are all States"),     # untouched words in a changed sentence
               ("target 8.7.", "target 8.7 of the SDGs."))  # where the secretariat added its own words


def test_the_copy_is_recognised_as_made_from_v0(draft):
    copy = read_docx(document(edited(V0, *CLEAN_EDITS)))
    base, name = stages.base_version(copy, draft)
    assert name == "tor-v0.docx" and base.text("accepted") == read_docx(document(V0)).text("accepted")
    on_v1 = read_docx(document(edited(V1, ("twice a year", "at least twice a year"))))
    assert stages.base_version(on_v1, draft) == (None, "")
    assert closest_version("a b c", {"": "a b c d", "old": "a b c"}) == "old"


def test_clean_copy_of_v0_keeps_every_secretariat_edit(draft):
    decided = consolidate(draft, {"ILO": document(edited(V0, *CLEAN_EDITS))})
    merged = text_of(draft_documents.merged(draft.data, decided))
    expected = edited(V1, ("twice a year", "at least twice a year"), ("Members are States", "Members are all States"))
    assert merged == expected  # every v1 edit kept, the two safe member edits applied
    conflicts = [d for d in decided if d.group.kind == "conflict"]
    assert len(conflicts) == 1 and conflicts[0].decision.disposition == Disposition.PENDING
    assert conflicts[0].proposal.stale_conflict
    assert "secretariat has since rewritten" in str(conflicts[0].proposal.notices[0])
    assert "conflicts with the secretariat's later edit" in conflicts[0].decision.rationale
    # zero false reverts: no proposal puts back v0 text the secretariat changed
    for d in decided:
        for gone in (" and child labour.", "target 8.7.", "members present."):  # v0's endings
            assert not (d.proposal.new or "").endswith(gone) or d.proposal.stale_conflict


def test_tracked_copy_of_v0_keeps_every_secretariat_edit(draft):
    body = (para(run(V0[0])) + para(run(V0[1])) + para(run(V0[2]))
            + para(run("Members are States and organisations committed to target ")
                   + dele(del_run("8.7"), id="2", author="UNICEF") + ins(run("8.7 of the SDGs"), id="3", author="UNICEF")
                   + run("."))
            + para(run(V0[4]))
            + para(run("The Global Coordinating Group meets ") + ins(run("at least "), id="1", author="UNICEF")
                   + run("twice a year in Geneva."))
            + para(run(V0[6])))
    decided = consolidate(draft, {"UNICEF": make_docx(body)})
    merged = text_of(draft_documents.merged(draft.data, decided))
    assert merged == edited(V1, ("twice a year", "at least twice a year"))
    redline = draft_documents.redline(draft.data, decided)
    assert text_of(redline, "rejected") == V1
    [conflict] = [d for d in decided if d.group.kind == "conflict"]
    assert conflict.proposal.stale_conflict and conflict.proposal.author == "UNICEF"


def test_two_members_on_v0_and_one_on_v1(draft):
    decided = consolidate(draft, {
        "ILO": document(edited(V0, ("in Geneva", "in Geneva or online"))),
        "IOM": document(edited(V1, ("Members are States", "Members are all States"))),
        "ITUC": document(edited(V0, ("forced labour and child labour", "all forms of exploitation"))),
    })
    merged = text_of(draft_documents.merged(draft.data, decided))
    assert merged == edited(V1, ("in Geneva", "in Geneva or online"), ("Members are States", "Members are all States"))
    [conflict] = [d for d in decided if d.group.kind == "conflict"]  # ITUC's edit is where "modern slavery" went in
    assert conflict.proposal.author == "ITUC"


def test_carrier_moves_spans_and_flags_collisions():
    base = "one two three four five"
    current = "zero one two THREE four five six"
    carrier = Carrier(base, current)
    safe = carrier.carry(Hunk(base.index("four"), base.index("four") + 4, "four", "4"))
    assert (current[safe.start:safe.end], safe.conflict) == ("four", False)
    gone = carrier.carry(Hunk(base.index(" five"), base.index(" five") + 5, " five", ""))
    assert (current[gone.start:gone.end], gone.conflict) == (" five", False)  # a deletion next to " six"
    edge = carrier.carry(Hunk(base.index("five"), base.index("five") + 4, "five", "5"))
    assert edge.conflict  # " six" was inserted right after it: which comes first is unclear
    hit = carrier.carry(Hunk(base.index("three"), base.index("three") + 5, "three", "3"))
    assert hit.conflict and hit.secretariat_text == "THREE"


def test_earlier_versions_named_in_the_consultation_file_are_read(tmp_path):
    from redraft.parsers.consultation import parse_consultation

    (tmp_path / "tor-v0.docx").write_bytes(document(V0))
    (tmp_path / "tor-v1.docx").write_bytes(document(V1))
    spec = parse_consultation(
        '[consultation]\ntitle = "t"\ndeadline = 2018-08-15T18:00:00+02:00\ninbox = "inbox"\n'
        '[[documents]]\nkey = "tor"\ndraft = "tor-v1.docx"\nprevious = ["tor-v0.docx"]\n', tmp_path / "c.toml")
    [draft] = stages.load_drafts(spec).values()
    assert [name for name, _ in draft.previous] == ["tor-v0.docx"]
    copy = read_docx(document(edited(V0, ("twice a year", "at least twice a year"))))
    assert stages.base_version(copy, draft)[1] == "tor-v0.docx"
