"""The stages of a run as plain functions (no Prefect here): each is testable on its own.

intake → read each submission (attachments and e-mail text) → consolidate each draft →
outputs. `flows/consultation.py` wires them as Prefect tasks.
"""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from ..analysis.classify import classify_proposal
from ..analysis.email_proposals import extract_items
from ..analysis.match_draft import best_draft
from ..consolidate.completeness import check as check_table
from ..consolidate.decide import Policy, decide
from ..consolidate.extract import block_for, proposals_from_copy
from ..consolidate.group import group_proposals, section_ranks
from ..consolidate.ids import assign_ids, proposal_key
from ..consolidate.resolution import build_table
from ..consolidate import rounds
from ..consolidate.three_way import closest_version
from ..models.changes import Decided, Origin, Proposal, Source
from ..models.consultation import Consultation
from ..models.document import Document
from ..models.intake import UnreadableMessage
from ..models.notices import Notice, Refusal
from ..models.submission import Message, Status, SubmissionRecord
from ..parsers.docx import read_docx
from ..parsers.resolution_table import read_resolution_rows
from ..models.intake import RawMail
from ..parsers.mail import cache as mail_cache
from ..parsers.mail.accounting import account_messages, arrival_order
from ..parsers.mail.inbox import open_inbox, read_mail

MATCH_THRESHOLD = 0.5


@dataclass(frozen=True)
class Draft:
    key: str
    title: str
    data: bytes
    document: Document
    previous: tuple[tuple[str, Document], ...] = ()  # earlier versions: (file name, document)

    @cached_property  # read for every copy and e-mail: computed once per draft
    def text(self) -> str:
        return self.document.text("accepted")

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class SubmissionResult:
    """What one message gave: its rows of submissions.csv (updated) and its proposals."""

    records: list[SubmissionRecord]
    proposals: list[Proposal] = field(default_factory=list)
    audit: list[dict] = field(default_factory=list)


def load_drafts(consultation: Consultation) -> dict[str, Draft]:
    """Read every draft; a draft that cannot be read stops the run (a Refusal)."""
    drafts = {}
    for spec in consultation.documents:
        data = spec.draft.read_bytes()
        try:
            document = read_docx(data, source=spec.draft.name)
        except Refusal as refusal:
            raise Refusal(f"The draft {spec.draft.name} cannot be read: {refusal.reason}") from None
        previous = []
        for path in spec.previous:
            try:
                previous.append((path.name, read_docx(path.read_bytes(), source=path.name)))
            except Refusal as refusal:
                raise Refusal(f"The earlier version {path.name} cannot be read: {refusal.reason}") from None
        drafts[spec.key] = Draft(spec.key, spec.title, data, document, tuple(previous))
    return drafts


def base_version(copy: Document, draft: Draft) -> tuple[Document | None, str]:
    """The earlier version a copy was made from (None when it is the current draft)."""
    if not draft.previous:
        return None, ""
    text = copy.text("rejected")
    versions = {"": draft.text, **{name: doc.text("accepted") for name, doc in draft.previous}}
    label = closest_version(text, versions)
    return (dict(draft.previous)[label], label) if label else (None, "")


@dataclass(frozen=True)
class LocalMails:
    """The entries of a folder, Maildir or mbox, read when iterated, one message at a time
    (so intake never holds every message's bytes): the e-mails, then what is not one."""

    consultation: Consultation

    def __iter__(self):
        others = []
        with open_inbox(self.consultation.inbox, self.consultation.mailbox) as inbox:
            for entry in inbox.mails():
                if isinstance(entry, RawMail):
                    yield entry
                else:
                    others.append(entry)
        yield from others


def fetch(consultation: Consultation, work: Path) -> list[RawMail | UnreadableMessage] | LocalMails:
    """Every entry of the inbox (folder, Maildir, mbox or IMAP), nothing changed on the server.

    With `fetch = "new"`, the server sends only messages without the processed keyword and
    the mails an earlier run kept in `work/mail` are added back, so the run still covers all.
    A local inbox is checked here and read lazily by `intake` (`LocalMails`).
    """
    imap = consultation.inbox.lower().startswith(("imap://", "imaps://"))
    if not imap and not (consultation.mailbox.fetch == "new" and (work / "mail" / "index.json").exists()):
        open_inbox(consultation.inbox, consultation.mailbox).close()  # refused now if it cannot be read
        return LocalMails(consultation)
    with open_inbox(consultation.inbox, consultation.mailbox) as inbox:
        entries = list(inbox.mails())
    fetched = [e for e in entries if isinstance(e, RawMail)]
    others = [e for e in entries if not isinstance(e, RawMail)]
    folder = work / "mail"
    if consultation.mailbox.fetch == "new":
        fetched = mail_cache.merge(mail_cache.load(folder), fetched)
    if consultation.inbox.lower().startswith(("imap://", "imaps://")):
        mail_cache.save(folder, fetched)
    return fetched + others


def intake(consultation: Consultation, store: Path,
           entries: list[RawMail | UnreadableMessage] | None = None,
           ) -> tuple[list[Message | UnreadableMessage], list[SubmissionRecord]]:
    """Read the inbox and account for every message and attachment, in order of arrival
    (received times shown in the deadline's time zone)."""
    if entries is None:
        entries = fetch(consultation, store.parent)
    zone = consultation.deadline.tzinfo
    messages = sorted((_in_zone(read_mail(e, store), zone) for e in entries), key=arrival_order)
    return messages, account_messages(messages, consultation)


def _in_zone(message: Message | UnreadableMessage, zone) -> Message | UnreadableMessage:
    """Received times in the deadline's time zone: the same instant reads the same in every
    output, whichever offset the sender's clock or the mail server used."""
    if isinstance(message, Message) and message.received is not None:
        return replace(message, received=message.received.astimezone(zone))
    return message


def mark_processed(consultation: Consultation, messages: list[Message | UnreadableMessage]) -> int:
    """Flag the messages of this run as processed in an IMAP mailbox (after the outputs are
    written); the number flagged. Local inboxes are left as they are."""
    uids = [m.uid for m in messages if isinstance(m, Message) and m.uid]
    if not uids or not consultation.mailbox.keyword:
        return 0
    with open_inbox(consultation.inbox, consultation.mailbox) as inbox:
        inbox.mark_processed(uids)
    return len(uids)


_CURRENT = (Status.ACCEPTED, Status.LATE)


def supersede(results: list[SubmissionResult]) -> None:
    """A later version of a copy from the same member supersedes the earlier ones.

    Copies are grouped by member (organisation, else sender) and draft; the latest on-time
    copy stands (a late copy supersedes only late ones, since it is not applied by default),
    the earlier ones become SUPERSEDED and their proposals are dropped. An e-mail left with
    no copy and no text of its own is superseded too.
    """
    copies: dict[tuple[str, str], list[tuple[SubmissionResult, SubmissionRecord]]] = {}
    for result in results:
        for row in result.records[1:]:
            if row.document and row.status in _CURRENT:
                member = row.organisation or row.sender
                copies.setdefault((member, row.document), []).append((result, row))
    for versions in copies.values():
        if len({row.sha256 for _, row in versions}) < 2:
            continue
        versions.sort(key=lambda v: (v[1].received is None, v[1].received or datetime.min, v[1].source))
        on_time = [v for v in versions if v[1].status == Status.ACCEPTED]
        standing = on_time[-1] if on_time else versions[-1]
        for result, row in versions:
            if row is standing[1] or row.sha256 == standing[1].sha256 or (on_time and row.status == Status.LATE):
                continue
            later = standing[1]
            row.status = Status.SUPERSEDED
            row.reason = f"superseded by the later version {later.filename} sent in {later.source}"
            result.proposals = [p for p in result.proposals
                                if not (p.file_sha256 == row.sha256 and p.document == row.document)]
            head = result.records[0]
            if not any(r.status in _CURRENT for r in result.records[1:]) and not result.proposals:
                head.status = Status.SUPERSEDED
                head.reason = f"its copy was superseded by the later version sent in {later.source}"


def split_records(messages, records: list[SubmissionRecord]) -> list[list[SubmissionRecord]]:
    """The records of each message (its message row, then its attachment rows)."""
    groups: list[list[SubmissionRecord]] = []
    for record in records:
        if record.kind == "message":
            groups.append([record])
        else:
            groups[-1].append(record)
    assert len(groups) == len(messages), "one message row per message"
    return groups


def origin_for(message: Message, record: SubmissionRecord, consultation: Consultation, document: str,
               file: str = "", sha: str = "") -> Origin:
    member = consultation.member_for(message.sender_address) if message.sender_address else None
    organisation = member.organisation if member else ""
    return Origin(
        document=document, organisation=organisation, constituency=member.constituency if member else "",
        sender=message.sender_address, sender_name=message.sender_name, received=message.received,
        message_id=message.message_id, file=file, file_sha256=sha, late=record.status == Status.LATE,
        credited=organisation or message.sender_name or message.sender_address or "Unknown sender",
    )


def process_submission(message: Message | UnreadableMessage, records: list[SubmissionRecord],
                       consultation: Consultation, drafts: dict[str, Draft]) -> SubmissionResult:
    """Read one message's Word copies and text into proposals; update its rows' statuses."""
    result = SubmissionResult(records=records)
    head = records[0]
    if isinstance(message, UnreadableMessage) or head.status not in (Status.ACCEPTED, Status.LATE):
        return result
    result.audit.append({"step": "received", "message_id": message.message_id, "source": message.source,
                         "sender": message.sender_address, "received": _iso(message.received),
                         "status": head.status.value,
                         "attachments": [a.sha256 for a in message.attachments]})
    matched: list[str] = []
    by_sha = {a.sha256: a for a in message.attachments}
    for row in records[1:]:
        if row.status not in (Status.ACCEPTED, Status.LATE):
            continue
        attachment = by_sha.get(row.sha256)
        if attachment is None:
            continue
        try:
            copy = read_docx(Path(attachment.path).read_bytes(), source=attachment.filename)
        except Refusal as refusal:
            row.status, row.reason = Status.UNREADABLE, refusal.reason
            continue
        key, score = best_draft(copy.text("rejected"), {k: d.text for k, d in drafts.items()},
                                threshold=MATCH_THRESHOLD)
        row.similarity = score
        if key is None:
            row.status = Status.NOT_A_SUBMISSION
            row.reason = f"does not match any draft under consultation (best similarity {score:.0%})"
            continue
        row.document = key
        matched.append(key)
        origin = origin_for(message, head, consultation, key, attachment.filename, attachment.sha256)
        base, base_name = base_version(copy, drafts[key])
        found = proposals_from_copy(copy, drafts[key].document, origin, base, base_name)
        if base_name:
            row.notices.append(Notice(f"a copy of the earlier version {base_name}: its changes were "
                                      "carried onto the current draft", row.source))
        row.notices.extend(copy.notices)
        changes = sum(1 for p in found if p.new is not None)
        row.reason = row.reason or (f"{changes} change(s) and {len(found) - changes} comment(s) read"
                                    if found else "no changes or comments in this copy")
        if head.status == Status.LATE:
            row.reason = "late: " + row.reason
        result.proposals += found
        result.audit.append({"step": "extracted", "message_id": message.message_id, "file": attachment.filename,
                             "sha256": attachment.sha256, "document": key, "changes": changes,
                             "comments": len(found) - changes})
    body_proposals = proposals_from_text(message, head, consultation, drafts, matched)
    if body_proposals:
        result.audit.append({"step": "extracted", "message_id": message.message_id, "file": "",
                             "source": "e-mail text", "document": body_proposals[0].document,
                             "items": len(body_proposals)})
    result.proposals += body_proposals
    resent = [row for row in records[1:] if row.status == Status.DUPLICATE]
    if not matched and not body_proposals and resent and head.status == Status.ACCEPTED \
            and all(row.status in (Status.DUPLICATE, Status.NOT_A_SUBMISSION) for row in records[1:]):
        head.status = Status.DUPLICATE  # a re-send whose own note says nothing about the drafts
        head.reason = f"{resent[0].reason}; the e-mail text has no comment on the drafts"
        return result
    if not head.reason:
        copies = sum(1 for row in records[1:] if row.document)
        parts = [f"{copies} Word cop{'y' if copies == 1 else 'ies'} read"] if copies else []
        if not copies and any(r.status in (Status.UNREADABLE, Status.NOT_A_SUBMISSION) for r in records[1:]):
            parts.append("no readable Word copy of a draft (see the attachment's row)")
        if body_proposals:
            parts.append(f"{len(body_proposals)} comment(s) or proposal(s) in the e-mail text")
        head.reason = "; ".join(parts) or "nothing to read in this e-mail"
    return result


def proposals_from_text(message: Message, head: SubmissionRecord, consultation: Consultation,
                        drafts: dict[str, Draft], matched: list[str]) -> list[Proposal]:
    """Comments and proposals written in the e-mail itself, on the draft they refer to."""
    if not message.body.strip():
        return []
    candidates = {}
    for key, draft in drafts.items():
        items = extract_items(message.body, draft.document)
        located = sum(1 for i in items if i.located_by in ("quoted text", "reference"))
        candidates[key] = (located, key in matched, items)
    if not any(items for _, _, items in candidates.values()):
        return []
    subject = (message.subject or "").casefold()
    key = max(candidates, key=lambda k: (candidates[k][0], candidates[k][1],
                                          drafts[k].title.casefold() in subject or k in subject,
                                          -list(drafts).index(k)))
    origin = origin_for(message, head, consultation, key)
    out = []
    for item in candidates[key][2]:
        block = block_for(drafts[key].document, item.start) if item.start is not None else None
        notices = tuple(item.notices)
        has_place = item.start is not None and item.end is not None
        out.append(origin.proposal(
            source=Source.EMAIL, start=item.start if has_place else None, end=item.end if has_place else None,
            old=(item.old or "") if item.kind else "",
            new=(item.new or "") if item.kind and has_place else None,
            comment=item.text, anchor=item.old or item.anchor or "", located_by=item.located_by, intent=item.intent,
            block_id=block.id if block else item.block_id, section=item.section or (block.section if block else ""),
            notices=notices,
        ))
    return out


def consolidate(key: str, proposals: list[Proposal], policy: Policy, decisions: dict | None,
                decided_at: datetime | None = None, draft: Draft | None = None) -> tuple[list[Decided], list[str]]:
    """Group (by section when the draft is given) and decide the proposals on one draft."""
    order = section_ranks([b.section for b in draft.document.blocks]) if draft is not None else None
    groups = group_proposals(key, proposals, order)
    decided, problems = decide(groups, policy, decisions, decided_at=decided_at)
    return rounds.restore_earlier(decided, decisions or {}), problems


def identify(proposals: list[Proposal], drafts: dict[str, Draft],
             known: dict[str, tuple[str, str]] | None = None) -> list[Proposal]:
    """Give every proposal its intent (see `analysis.classify`), key and stable table ID
    (`known`: the IDs an earlier run into the same folder gave, see `consolidate.ids`)."""
    keyed = [classify_proposal(p).with_(key=proposal_key(p)) for p in proposals]
    return assign_ids(keyed, {k: n for n, k in enumerate(drafts)}, known)


def match_round(consultation: Consultation, proposals: list[Proposal], records: list[SubmissionRecord],
                drafts: dict[str, Draft], known: dict[str, tuple[str, str]] | None = None
                ) -> tuple[list[Proposal], rounds.RoundMatch | None]:
    """Against the earlier round's table (`previous_round`): repeated proposals take their
    earlier IDs, new ones are numbered after them (see `consolidate.rounds`; `known` as for
    `identify`). Without an earlier round, nothing changes."""
    if consultation.previous_round is None:
        return proposals, None
    earlier = read_resolution_rows(consultation.previous_round)
    submitted = [r.organisation for r in records if r.kind == "message" and r.status in _CURRENT]
    match = rounds.match_round(proposals, earlier, submitted, {k: n for n, k in enumerate(drafts)}, known)
    return list(match.proposals), match


def round_decisions(decisions: dict | None, match: rounds.RoundMatch | None) -> dict | None:
    """The decisions to apply: the earlier round's on repeated proposals, the file's on top."""
    if match is None:
        return decisions
    return rounds.with_earlier(decisions, rounds.earlier_decisions(match, match.proposals))


def resolution_table(consultation: Consultation, drafts: dict[str, Draft], decided: list[Decided],
                     match: rounds.RoundMatch | None = None, decisions: dict | None = None,
                     decided_at: datetime | None = None):
    table = build_table(consultation.title, {k: d.title for k, d in drafts.items()},
                        {k: d.sha256[:12] for k, d in drafts.items()}, decided)
    if match is None:
        return table
    return rounds.mark_table(table, match, decisions,
                             decided_at=decided_at.isoformat(timespec="minutes") if decided_at else "")


def summary(records: list[SubmissionRecord], decided: list[Decided], outputs: dict[str, str],
            table=None) -> dict:
    """The counts behind the outputs (summary.json); `table` adds its rows per round status."""
    def count(items, key):
        out: dict[str, int] = {}
        for item in items:
            out[key(item)] = out.get(key(item), 0) + 1
        return dict(sorted(out.items()))

    documents = {}
    for d in decided:
        doc = documents.setdefault(d.proposal.document, {"proposals": 0, "by_source": {}, "by_disposition": {},
                                                          "conflicts": set(), "applied": 0})
        doc["proposals"] += 1
        doc["by_source"][d.proposal.source.value] = doc["by_source"].get(d.proposal.source.value, 0) + 1
        disp = d.decision.disposition.value
        doc["by_disposition"][disp] = doc["by_disposition"].get(disp, 0) + 1
        if d.group.kind == "conflict":
            doc["conflicts"].add(d.group.id)
        if d.decision.disposition.value in ("Accepted", "Accepted with modification") and d.proposal.start is not None \
                and (d.proposal.new is not None or d.decision.modified_text):
            doc["applied"] += 1
    for doc in documents.values():
        doc["conflicts"] = len(doc["conflicts"])
    messages = [r for r in records if r.kind == "message"]
    attachments = [r for r in records if r.kind == "attachment"]
    return {
        "messages": len(messages),
        "messages_by_status": count(messages, lambda r: r.status.value),
        "attachments": len(attachments),
        "attachments_by_status": count(attachments, lambda r: r.status.value),
        "documents": dict(sorted(documents.items())),
        **({"rounds": {"round": max((int(r.round) for r in table.rows if r.round.isdigit()), default=1),
                       "by_status": rounds.count_statuses(table)}} if table is not None else {}),
        "outputs": outputs,
    }


def completeness(table, audit: list[dict]) -> dict:
    """summary.json's `check`: rows without a disposition, "Not accepted" without a rationale,
    sources whose counts do not reconcile (`consolidate.completeness`; `redraft check` lists them)."""
    return check_table(table.rows, audit).counts()


def summary_json(data: dict) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode()


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""
