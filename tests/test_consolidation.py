"""Alignment, grouping and decisions on hand-made proposals (no files, no Prefect)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from redraft.consolidate.alignment import Alignment
from redraft.consolidate.decide import Policy, PolicyRefused, decide
from redraft.consolidate.group import group_proposals
from redraft.consolidate.ids import assign_ids, org_code
from redraft.models.changes import Disposition, Origin, Source

DRAFT = "The GCG shall meet twice a year.\nMembers serve for a term of three years.\n"
WHEN = datetime(2018, 8, 10, tzinfo=timezone.utc)


def origin(org: str, late: bool = False, constituency: str = "UN agency") -> Origin:
    return Origin(document="tor", organisation=org, constituency=constituency, sender=f"x@{org.lower()}.org",
                  sender_name="X", received=WHEN, message_id=f"<{org}@m>", late=late, credited=org)


def change(org: str, old: str, new: str, *, late=False, source=Source.TRACKED, constituency="UN agency"):
    start = DRAFT.index(old)
    return origin(org, late, constituency).proposal(source=source, start=start, end=start + len(old),
                                                    old=old, new=new, key=f"{org}{old}{new}")


def ided(proposals):
    return assign_ids(proposals, {"tor": 0})


def test_alignment_maps_offsets_and_finds_word_hunks():
    a = "The GCG shall meet twice a year in Geneva."
    b = "The GCG shall meet at least twice a year in New York."
    align = Alignment(a, b)
    hunks = align.hunks()
    assert [(h.old, h.new) for h in hunks] == [("", "at least "), ("Geneva", "New York")]
    assert a[hunks[1].a_start:hunks[1].a_end] == "Geneva"
    assert align.to_a(b.index("twice"))[0] == a.index("twice")
    assert Alignment(a, a).identical and Alignment(a, a).hunks() == []


def test_overlapping_different_changes_are_one_conflict_never_applied():
    ilo = change("ILO", "for a term of three years", "for a single term of four years")
    unicef = change("UNICEF", "three years", "two years")
    groups = group_proposals("tor", ided([ilo, unicef]))
    assert [g.kind for g in groups] == ["conflict"]
    decided, problems = decide(groups, Policy.parse("accept-non-conflicting"))
    assert problems == []
    assert {d.decision.disposition for d in decided} == {Disposition.PENDING}
    assert all("conflicts with" in d.decision.rationale for d in decided)


def test_identical_changes_are_one_group_credited_to_each():
    a = change("ILO", "twice a year", "at least twice a year")
    b = change("Ministry", "twice a year", "at least twice a year")
    groups = group_proposals("tor", ided([a, b]))
    assert [(g.kind, len(g.proposals)) for g in groups] == [("identical", 2)]
    decided, _ = decide(groups, Policy.parse("accept-non-conflicting"))
    assert {d.decision.disposition for d in decided} == {Disposition.ACCEPTED}
    assert {d.proposal.author for d in decided} == {"ILO", "Ministry"}


def test_adjacent_changes_in_one_sentence_are_both_applied():
    a = change("ILO", "shall", "will")
    b = change("IOE", "meet", "convene")
    groups = group_proposals("tor", ided([a, b]))
    assert [g.kind for g in groups] == ["change", "change"]
    decided, _ = decide(groups, Policy.parse("accept-non-conflicting"))
    assert [d.decision.disposition for d in decided] == [Disposition.ACCEPTED] * 2


def test_late_comments_and_email_proposals_stay_pending():
    late = change("ILO", "twice", "thrice", late=True)
    mail = change("IOE", "three years", "two years", source=Source.EMAIL)
    comment = origin("UNICEF").proposal(source=Source.COMMENT, start=0, end=3, old="The", new=None,
                                        comment="Why?", key="c")
    decided, _ = decide(group_proposals("tor", ided([late, mail, comment])), Policy.parse("accept-non-conflicting"))
    by_org = {d.proposal.organisation: d.decision for d in decided}
    assert by_org["ILO"].disposition == Disposition.PENDING and "deadline" in by_org["ILO"].rationale
    assert by_org["IOE"].disposition == Disposition.PENDING and "e-mail" in by_org["IOE"].rationale
    assert by_org["UNICEF"].disposition == Disposition.PENDING


def test_policies_accept_none_and_by_constituency():
    a = change("ILO", "shall", "will")
    b = change("ITUC", "meet", "convene", constituency="Workers")
    groups = group_proposals("tor", ided([a, b]))
    none, _ = decide(groups, Policy.parse("accept-none"))
    assert {d.decision.disposition for d in none} == {Disposition.PENDING}
    workers, _ = decide(groups, Policy.parse("accept-all-from=Workers"))
    assert {d.proposal.organisation: d.decision.disposition for d in workers} == {
        "ILO": Disposition.PENDING, "ITUC": Disposition.ACCEPTED}
    with pytest.raises(PolicyRefused, match="Unknown policy"):
        Policy.parse("accept-everything")


class Row:
    def __init__(self, id, disposition, rationale="", modified_text="", duplicate_of=""):
        self.id, self.disposition, self.rationale = id, disposition, rationale
        self.modified_text, self.duplicate_of = modified_text, duplicate_of
        self.where = f"tor, row 2 ({id})"


def test_a_decision_on_one_alternative_settles_the_conflict():
    proposals = ided([change("ILO", "for a term of three years", "for a single term of four years"),
                      change("UNICEF", "three years", "two years")])
    groups = group_proposals("tor", proposals)
    unicef = next(p.id for p in proposals if p.organisation == "UNICEF")
    decided, problems = decide(groups, Policy.parse("accept-non-conflicting"), {unicef: Row(unicef, "Accepted")})
    assert problems == []
    result = {d.proposal.organisation: d.decision for d in decided}
    assert result["UNICEF"].disposition == Disposition.ACCEPTED
    assert result["ILO"].disposition == Disposition.NOT_ACCEPTED and unicef in result["ILO"].rationale


def test_accepting_two_alternatives_of_a_conflict_is_a_problem():
    proposals = ided([change("ILO", "for a term of three years", "for a single term of four years"),
                      change("UNICEF", "three years", "two years")])
    rows = {p.id: Row(p.id, "Accepted") for p in proposals}
    _, problems = decide(group_proposals("tor", proposals), Policy.parse("accept-non-conflicting"), rows)
    assert len(problems) == 1 and "more than one alternative" in problems[0]


def test_org_codes_and_ids_are_stable():
    assert org_code("ILO") == "ILO"
    assert org_code("Ministry of Labour and Social Security") == "MLSS"
    first = ided([change("ILO", "shall", "will"), change("ILO", "meet", "convene")])
    again = ided(list(reversed([change("ILO", "shall", "will"), change("ILO", "meet", "convene")])))
    assert sorted(p.id for p in first) == ["ILO-001", "ILO-002"]
    assert {(p.id, p.new) for p in first} == {(p.id, p.new) for p in again}
