"""The consultation: what is being commented on, by whom, until when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path


@dataclass(frozen=True)
class DraftSpec:
    """One draft under consultation (a `[[documents]]` entry)."""

    key: str
    title: str
    draft: Path
    previous: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Member:
    """A row of members.csv: an address (or a whole domain) and who it speaks for."""

    email: str  # "name@org.int" or "@org.int" / "org.int" for a whole domain
    organisation: str
    constituency: str = ""


@dataclass(frozen=True)
class MailboxSettings:
    """How the inbox is read (the consultation file's optional `[mailbox]` table)."""

    keyword: str = "$redraft-processed"  # flag set on IMAP messages once processed ("" = none)
    fetch: str = "all"  # "all" | "new": only messages without the keyword, plus those read before
    max_attachment_mb: float = 25.0  # larger files (and larger e-mails) are rejected unread

    @property
    def max_bytes(self) -> int:
        return int(self.max_attachment_mb * 1024 * 1024)


@dataclass(frozen=True)
class SmtpSettings:
    """How `redraft send` delivers (the consultation file's optional `[smtp]` table).

    The password is never here: it comes from REDRAFT_SMTP_PASSWORD at sending time.
    """

    host: str
    port: int = 587
    security: str = "starttls"  # "starttls" | "tls" (implicit TLS, port 465) | "none" (127.0.0.1 only)
    username: str = ""  # "" = no login
    sender: str = ""  # the `from` key: "Secretariat <info@example.org>" ("" = username)
    reply_to: str = ""
    subject: str = "{title}: merged draft"  # {title} is the consultation's title


@dataclass(frozen=True)
class ScheduleSettings:
    """When `redraft serve` runs the consultation (the optional `[schedule]` table)."""

    grace: timedelta = timedelta(0)  # the run at the deadline waits this long after it
    every: timedelta | None = None  # also run this often (aligned on deadline + grace) ...
    until: datetime | None = None  # ... up to this instant (timezone-aware); set with `every`


@dataclass(frozen=True)
class Consultation:
    """A parsed consultation file; paths are absolute."""

    title: str
    deadline: datetime  # timezone-aware
    inbox: str  # a folder, Maildir or mbox path (absolute), or an imap:// / imaps:// URL
    documents: tuple[DraftSpec, ...]
    secretariat: tuple[str, ...] = ()
    members: tuple[Member, ...] | None = None  # None: open consultation (no list)
    source: Path | None = None
    mailbox: MailboxSettings = field(default_factory=MailboxSettings)
    members_file: Path | None = None
    smtp: SmtpSettings | None = None  # None: no [smtp] table (dry runs only)
    previous_round: Path | None = None  # the earlier round's output folder (has resolution.csv)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)  # for `redraft serve`

    def document(self, key: str) -> DraftSpec:
        for spec in self.documents:
            if spec.key == key:
                return spec
        raise KeyError(key)

    def member_for(self, address: str) -> Member | None:
        """The member an address speaks for: exact address first, then its domain."""
        if self.members is None:
            return None
        address = address.strip().lower()
        domain = address.rpartition("@")[2]
        by_domain = None
        for member in self.members:
            entry = member.email.strip().lower()
            if entry == address:
                return member
            if entry.lstrip("@") == domain and "@" not in entry.lstrip("@"):
                by_domain = by_domain or member
        return by_domain

    def is_secretariat(self, address: str) -> bool:
        address = address.strip().lower()
        domain = address.rpartition("@")[2]
        return any(a.lower() in (address, "@" + domain) for a in self.secretariat)


@dataclass(frozen=True)
class RunSettings:
    """How one run is made: where outputs go, which decisions and policy apply."""

    out_dir: Path
    decisions: Path | None = None
    policy: str = "accept-non-conflicting"
    extra: dict = field(default_factory=dict)
