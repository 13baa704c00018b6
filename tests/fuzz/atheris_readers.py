"""Coverage-guided fuzzing of the Word and e-mail readers with atheris (optional, not in CI).

    .venv/bin/pip install atheris
    .venv/bin/python tests/fuzz/atheris_readers.py docx -max_total_time=600
    .venv/bin/python tests/fuzz/atheris_readers.py mail -max_total_time=600 [CORPUS_DIR]

The first argument picks the reader; the rest go to libFuzzer. Without a corpus folder one
is made in /tmp, seeded with the sample drafts and Word copies (docx) or the sample e-mails
(mail). The property is the one of tests/test_fuzz_*.py: `read_docx` returns a Document or
raises DocxRefused; `read_mail` returns a Message or an UnreadableMessage. Anything else
stops the run and libFuzzer saves the input as `crash-<sha1>`: turn it into a recipe in
tests/mutations.py or an explicit test, fix the reader, keep the test.
"""

from __future__ import annotations

import email
import email.policy
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from redraft.models.document import Document
    from redraft.models.intake import RawMail, UnreadableMessage
    from redraft.models.submission import Message
    from redraft.parsers.docx import DocxRefused, read_docx
    from redraft.parsers.mail.inbox import read_mail

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "alliance87"
STORE = Path(tempfile.mkdtemp(prefix="redraft-atheris-store-"))


def docx_target(data: bytes) -> None:
    try:
        assert isinstance(read_docx(data, source="fuzz.docx"), Document)
    except DocxRefused as refusal:
        assert refusal.reason


def mail_target(data: bytes) -> None:
    message = read_mail(RawMail("fuzz.eml", data, len(data)), STORE)
    assert isinstance(message, (Message, UnreadableMessage))


def seeds(kind: str) -> list[bytes]:
    emails = sorted((SAMPLES / "inbox").glob("*.eml"))
    if kind == "mail":
        return [p.read_bytes() for p in emails]
    out = [p.read_bytes() for p in sorted((SAMPLES / "drafts").glob("*.docx"))]
    for path in emails:
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        out += [part.get_payload(decode=True) for part in msg.walk()
                if (part.get_filename() or "").lower().endswith(".docx")]
    return out


def main() -> None:
    kind = sys.argv[1] if len(sys.argv) > 1 else ""
    if kind not in ("docx", "mail"):
        sys.exit(__doc__)
    args = [sys.argv[0], *sys.argv[2:]]
    if not any(not a.startswith("-") for a in args[1:]):
        corpus = Path(tempfile.mkdtemp(prefix=f"redraft-atheris-{kind}-"))
        for n, data in enumerate(seeds(kind)):
            (corpus / f"seed-{n}").write_bytes(data)
        args.append(str(corpus))
    atheris.Setup(args, docx_target if kind == "docx" else mail_target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
