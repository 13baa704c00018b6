"""The consultation file (TOML): what is under consultation, until when, and by whom.

::

    [consultation]
    title = "GCG comments on the draft ToR and Pathfinder guidance note"
    deadline = 2018-08-15T18:00:00+02:00   # an instant with its offset
    inbox = "inbox"                         # a folder of .eml/.msg files, a Maildir, an mbox
                                            # file, or imaps://user@host:993/INBOX
    secretariat = ["info@alliance87.org"]   # mail from these is not a submission
    members = "members.csv"                 # optional: email,organisation,constituency
    previous_round = "../round1-out"        # optional: the earlier round's output folder

    [mailbox]                               # optional, for mailbox inboxes
    keyword = "$redraft-processed"          # IMAP keyword set once a message is processed ("" = none)
    fetch = "all"                           # or "new": skip messages carrying the keyword
    max_attachment_mb = 25                  # larger files (and e-mails) are rejected unread

    [smtp]                                  # optional, for `redraft send` (unknown keys refused)
    host = "smtp.office365.com"
    port = 587                              # default 587 (starttls), 465 (tls), 25 (none)
    security = "starttls"                   # "tls", or "none" (only for 127.0.0.1)
    username = "info@alliance87.org"        # password: REDRAFT_SMTP_PASSWORD, never here
    from = "Alliance 8.7 <info@alliance87.org>"   # default: username
    reply_to = "info@alliance87.org"        # optional
    subject = "{title}: merged draft"       # optional; {title} is the consultation's title

    [schedule]                              # optional, for `redraft serve` (unknown keys refused)
    grace = "2h"                            # run at the deadline plus this (default 0); 90s, 30m, 1d, 1h30m
    every = "6h"                            # also run this often, aligned on deadline + grace ...
    until = 2018-09-01T18:00:00+02:00       # ... until this instant (every and until go together)

    [[documents]]
    key = "tor"
    title = "Terms of Reference of Alliance 8.7"
    draft = "drafts/tor-v1.docx"
    previous = ["drafts/tor-v0.docx"]       # optional

Relative paths are relative to the consultation file; the result holds absolute paths.
The inbox folder is not required to exist yet (reading it is a later step, which refuses
a missing folder); the drafts and earlier versions must exist.

Unknown keys are ignored (room for later settings) unless they look like a misspelling of
a known key ("deadlne"), which is refused so a typo never silently changes the run.
Other top-level tables are left to whoever reads them.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path

from ..models.consultation import Consultation, DraftSpec, MailboxSettings, ScheduleSettings, SmtpSettings
from ..models.intake import ConsultationRefused
from .members import read_members
from .text_file import read_text_file

__all__ = ["ConsultationRefused", "read_consultation", "parse_consultation"]

KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
_CONSULTATION_KEYS = ("title", "deadline", "inbox", "secretariat", "members", "previous_round")
_DOCUMENT_KEYS = ("key", "title", "draft", "previous")
_MAILBOX_KEYS = ("keyword", "fetch", "max_attachment_mb")
_SMTP_KEYS = ("host", "port", "security", "username", "from", "reply_to", "subject")
_SMTP_PORTS = {"starttls": 587, "tls": 465, "none": 25}
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
_KEYWORD = re.compile(r"[$A-Za-z0-9_.\-]{1,64}")
_SCHEDULE_KEYS = ("grace", "every", "until")
_DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
_DURATION_HINT = "a number and a unit: \"90s\", \"30m\", \"2h\", \"1d\" (or \"1h30m\")"
_OFFSET_HINT = "the deadline needs a time zone offset, e.g. 2018-08-15T18:00:00+02:00"


def read_consultation(path: Path | str) -> Consultation:
    """Read and check a consultation file; raise `ConsultationRefused` with a plain reason."""
    path = Path(path).absolute()
    text = read_text_file(path, "consultation file", ConsultationRefused)
    return parse_consultation(text, source=path)


def parse_consultation(text: str, source: Path) -> Consultation:
    """Parse the TOML text of a consultation file located at `source` (for relative paths)."""
    source = Path(source).absolute()
    name = source.name
    base = source.parent
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # The message already says where, e.g. "Invalid value (at line 3, column 12)".
        raise ConsultationRefused(f"{name}: not valid TOML: {exc}") from None

    table = data.get("consultation")
    if not isinstance(table, dict):
        raise ConsultationRefused(f"{name}: no [consultation] table")
    where = f"{name}, [consultation]"
    _check_keys(table, _CONSULTATION_KEYS, where)

    title = _string(table, "title", where, required=True)
    deadline = _deadline(table.get("deadline"), where)
    inbox = _string(table, "inbox", where, required=True)
    if "://" not in inbox:  # a folder, Maildir or mbox file
        inbox = str(_resolve(base, inbox))
    elif not inbox.lower().startswith(("imap://", "imaps://")):
        raise ConsultationRefused(
            f"{where}: the inbox '{inbox}' is not a folder, a file or an imap:// or imaps:// address")

    secretariat_value = table.get("secretariat", [])
    if isinstance(secretariat_value, str):
        secretariat_value = [secretariat_value]
    if not isinstance(secretariat_value, list) or not all(
        isinstance(a, str) for a in secretariat_value
    ):
        raise ConsultationRefused(f"{where}: secretariat must be a list of e-mail addresses")
    secretariat = []
    for address in secretariat_value:
        address = address.strip().lower()
        if not address or ("@" not in address and "." not in address):
            raise ConsultationRefused(
                f"{where}: secretariat entry '{address}' is not an e-mail address or @domain"
            )
        secretariat.append(address if "@" in address else "@" + address)

    members = None
    members_path = None
    if "members" in table:
        members_path = _resolve(base, _string(table, "members", where, required=True))
        members = read_members(members_path)

    documents = _documents(data.get("documents"), name, base)
    return Consultation(
        title=title,
        deadline=deadline,
        inbox=inbox,
        documents=documents,
        secretariat=tuple(secretariat),
        members=members,
        source=source,
        mailbox=_mailbox(data.get("mailbox"), name),
        smtp=_smtp(data.get("smtp"), name),
        members_file=members_path,
        previous_round=_previous_round(table, base, where),
        schedule=_schedule(data.get("schedule"), name),
    )


def _previous_round(table: dict, base: Path, where: str) -> Path | None:
    """The earlier round's output folder; it must hold that round's resolution.csv."""
    if "previous_round" not in table:
        return None
    folder = _resolve(base, _string(table, "previous_round", where, required=True))
    if not folder.is_dir():
        raise ConsultationRefused(f"{where}: previous_round names {folder}, which is not a folder "
                                  "(give the output folder of the earlier round's run)")
    if not (folder / "resolution.csv").is_file():
        raise ConsultationRefused(f"{where}: previous_round names {folder}, which has no resolution table "
                                  "(resolution.csv): give the output folder of the earlier round's run")
    return folder


def _mailbox(value: object, name: str) -> MailboxSettings:
    if value is None:
        return MailboxSettings()
    where = f"{name}, [mailbox]"
    if not isinstance(value, dict):
        raise ConsultationRefused(f"{where}: must be a table, e.g. [mailbox] with keyword = \"$redraft-processed\"")
    _check_keys(value, _MAILBOX_KEYS, where)
    defaults = MailboxSettings()
    keyword = value.get("keyword", defaults.keyword)
    if not isinstance(keyword, str) or (keyword and not _KEYWORD.fullmatch(keyword)):
        raise ConsultationRefused(
            f"{where}: keyword must be one word of letters, digits and $ . _ - (or \"\" for none)")
    fetch = value.get("fetch", defaults.fetch)
    if fetch not in ("all", "new"):
        raise ConsultationRefused(f"{where}: fetch must be \"all\" or \"new\"")
    limit = value.get("max_attachment_mb", defaults.max_attachment_mb)
    if isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit <= 0:
        raise ConsultationRefused(f"{where}: max_attachment_mb must be a number of megabytes above 0")
    return MailboxSettings(keyword=keyword, fetch=fetch, max_attachment_mb=float(limit))


def _smtp(value: object, name: str) -> SmtpSettings | None:
    """The optional [smtp] table for `redraft send`; every unknown key is refused."""
    if value is None:
        return None
    where = f"{name}, [smtp]"
    if not isinstance(value, dict):
        raise ConsultationRefused(f"{where}: must be a table, e.g. [smtp] with host = \"smtp.example.org\"")
    if "password" in value:
        raise ConsultationRefused(f"{where}: the password never goes in the consultation file: "
                                  "remove it and set REDRAFT_SMTP_PASSWORD when sending")
    for key in value:
        if key not in _SMTP_KEYS:
            close = difflib.get_close_matches(key.lower(), _SMTP_KEYS, n=1, cutoff=0.6)
            hint = f" — did you mean '{close[0]}'?" if close else f" (known keys: {', '.join(_SMTP_KEYS)})"
            raise ConsultationRefused(f"{where}: unknown key '{key}'{hint}")
    host = _string(value, "host", where, required=True)
    security = value.get("security", "starttls")
    if security not in _SMTP_PORTS:
        raise ConsultationRefused(f"{where}: security must be \"starttls\", \"tls\" or \"none\"")
    if security == "none" and host.lower().strip("[]") not in _LOCAL_HOSTS:
        raise ConsultationRefused(f"{where}: security = \"none\" sends the password and the drafts "
                                  "unencrypted: it is allowed only for a mail server on this machine (127.0.0.1)")
    port = value.get("port", _SMTP_PORTS[security])
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise ConsultationRefused(f"{where}: port must be a whole number, e.g. 587")
    username = _string(value, "username", where, required=False)
    sender = _string(value, "from", where, required=False) or username
    if not sender:
        raise ConsultationRefused(f"{where}: 'from' is missing (the address members see the mail come from)")
    reply_to = _string(value, "reply_to", where, required=False)
    for key, address in (("from", sender), ("reply_to", reply_to)):
        if address and not _is_address(address):
            raise ConsultationRefused(f"{where}: {key} '{address}' is not an e-mail address")
    subject = _string(value, "subject", where, required=False) or SmtpSettings.subject
    return SmtpSettings(host=host, port=port, security=security, username=username, sender=sender,
                        reply_to=reply_to, subject=subject)


def _is_address(text: str) -> bool:
    """'info@example.org' or 'Secretariat <info@example.org>'."""
    from email.utils import parseaddr

    address = parseaddr(text)[1]
    local, _, domain = address.rpartition("@")
    return bool(local) and "." in domain and " " not in address


def _schedule(value: object, name: str) -> ScheduleSettings:
    """The optional [schedule] table for `redraft serve`; every unknown key is refused."""
    if value is None:
        return ScheduleSettings()
    where = f"{name}, [schedule]"
    if not isinstance(value, dict):
        raise ConsultationRefused(f"{where}: must be a table, e.g. [schedule] with grace = \"2h\"")
    for key in value:
        if key not in _SCHEDULE_KEYS:
            close = difflib.get_close_matches(key.lower(), _SCHEDULE_KEYS, n=1, cutoff=0.6)
            hint = f" — did you mean '{close[0]}'?" if close else f" (known keys: {', '.join(_SCHEDULE_KEYS)})"
            raise ConsultationRefused(f"{where}: unknown key '{key}'{hint}")
    grace = _duration(value.get("grace", "0"), "grace", where)
    every = _duration(value["every"], "every", where) if "every" in value else None
    until = None
    if "until" in value:
        until = value["until"]
        if not isinstance(until, datetime) or until.utcoffset() is None:
            raise ConsultationRefused(f"{where}: until must be a date and time with its offset, "
                                      "e.g. 2018-09-01T18:00:00+02:00 (no quotes)")
    if every is not None and every < timedelta(minutes=1):
        raise ConsultationRefused(f"{where}: every must be at least 1 minute (\"1m\")")
    if (every is None) != (until is None):
        raise ConsultationRefused(f"{where}: every and until go together: run every N hours until a date "
                                  "(e.g. every = \"6h\" and until = 2018-09-01T18:00:00+02:00)")
    return ScheduleSettings(grace=grace, every=every, until=until)


def _duration(value: object, key: str, where: str) -> timedelta:
    text = value.strip().lower().replace(" ", "") if isinstance(value, str) else None
    if text == "0":
        return timedelta(0)
    match = _DURATION.fullmatch(text) if text else None
    if match is None or not any(match.groups()):
        raise ConsultationRefused(f"{where}: {key} = {value!r} is not a duration: write {_DURATION_HINT}, in quotes")
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def _documents(value: object, name: str, base: Path) -> tuple[DraftSpec, ...]:
    if value is None:
        raise ConsultationRefused(
            f"{name}: no documents: add a [[documents]] table with key, title and draft"
        )
    if isinstance(value, dict):
        raise ConsultationRefused(f"{name}: write [[documents]] (double brackets), not [documents]")
    if not isinstance(value, list) or not value:
        raise ConsultationRefused(f"{name}: no documents: add a [[documents]] table")
    specs: list[DraftSpec] = []
    seen: dict[str, int] = {}
    for number, entry in enumerate(value, start=1):
        where = f"{name}, [[documents]] #{number}"
        if not isinstance(entry, dict):
            raise ConsultationRefused(f"{where}: must be a table with key, title and draft")
        _check_keys(entry, _DOCUMENT_KEYS, where)
        key = _string(entry, "key", where, required=True)
        where = f"{name}, [[documents]] #{number} (key '{key}')"
        if not KEY_PATTERN.fullmatch(key):
            raise ConsultationRefused(
                f"{where}: the key may use only lower-case letters, digits and dashes "
                "(and must not start with a dash), e.g. \"tor\" or \"guidance-note\""
            )
        if key in seen:
            raise ConsultationRefused(
                f"{name}: the document key '{key}' is used twice (#{seen[key]} and #{number})"
            )
        seen[key] = number
        title = _string(entry, "title", where, required=False) or key
        draft = _existing_file(base, _string(entry, "draft", where, required=True), where, "draft")
        previous_value = entry.get("previous", [])
        if isinstance(previous_value, str):
            previous_value = [previous_value]
        if not isinstance(previous_value, list) or not all(
            isinstance(p, str) and p.strip() for p in previous_value
        ):
            raise ConsultationRefused(f"{where}: previous must be a list of file paths")
        previous = tuple(
            _existing_file(base, p, where, "previous version") for p in previous_value
        )
        specs.append(DraftSpec(key=key, title=title, draft=draft, previous=previous))
    return tuple(specs)


def _deadline(value: object, where: str) -> datetime:
    if value is None:
        raise ConsultationRefused(f"{where}: no deadline ({_OFFSET_HINT})")
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ConsultationRefused(f"{where}: the deadline '{value}' is not a date and time ({_OFFSET_HINT})") from None
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ConsultationRefused(f"{where}: {_OFFSET_HINT}")
        return value
    if isinstance(value, date):
        raise ConsultationRefused(f"{where}: the deadline is a date without a time: {_OFFSET_HINT}")
    raise ConsultationRefused(f"{where}: the deadline must be a date and time: {_OFFSET_HINT}")


def _string(table: dict, key: str, where: str, *, required: bool) -> str:
    value = table.get(key)
    if value is None:
        if required:
            raise ConsultationRefused(f"{where}: '{key}' is missing")
        return ""
    if not isinstance(value, str):
        raise ConsultationRefused(f"{where}: '{key}' must be text in quotes")
    value = value.strip()
    if required and not value:
        raise ConsultationRefused(f"{where}: '{key}' is empty")
    return value


def _resolve(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path)


def _existing_file(base: Path, value: str, where: str, what: str) -> Path:
    path = _resolve(base, value)
    if not path.exists():
        raise ConsultationRefused(f"{where}: {what} file not found: {path}")
    if not path.is_file():
        raise ConsultationRefused(f"{where}: {what} {path} is not a file")
    return path


def _check_keys(table: dict, known: tuple[str, ...], where: str) -> None:
    for key in table:
        if key in known:
            continue
        close = difflib.get_close_matches(key.lower(), known, n=1, cutoff=0.75)
        if close:
            raise ConsultationRefused(f"{where}: unknown key '{key}' — did you mean '{close[0]}'?")
