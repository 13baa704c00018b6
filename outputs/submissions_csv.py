"""submissions.csv: one row per e-mail and per attachment, with status and reason."""

from __future__ import annotations

import csv
import io

from ..models.submission import SubmissionRecord
from .safe_cells import neutralise

HEADER = ("kind", "source", "message_id", "sender", "organisation", "constituency", "received",
          "subject", "filename", "sha256", "document", "similarity", "status", "reason", "notes")


def submissions_csv(records: list[SubmissionRecord]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for r in records:
        writer.writerow([neutralise(str(v)) for v in (
            r.kind, r.source, r.message_id, r.sender, r.organisation, r.constituency,
            r.received.isoformat() if r.received else "", r.subject, r.filename, r.sha256,
            r.document, "" if r.similarity is None else f"{r.similarity:.2f}", r.status.value,
            r.reason, "; ".join(str(n) for n in r.notices),
        )])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
