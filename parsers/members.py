"""The members list: which address (or whole domain) speaks for which organisation.

A CSV file with the header ``email,organisation,constituency``::

    email,organisation,constituency
    jane.doe@ilo.org,ILO,UN agencies
    @ituc-csi.org,ITUC,Workers

- ``email`` is an address, or a whole domain written ``@domain`` (``domain`` alone is
  taken as ``@domain``);
- ``constituency`` may be left out (column or value); other extra columns are ignored;
- a UTF-8 byte-order mark (Excel's "CSV UTF-8") is tolerated; blank lines are skipped;
- ``organization`` (US spelling) and ``e-mail`` are accepted as header names.

Every bad row is reported at once (row = line number in the file, the header is row 1),
so the secretariat can fix the file in one go.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..models.consultation import Member
from ..models.intake import MembersRefused
from .text_file import read_text_file

_HEADER_ALIASES = {
    "email": "email",
    "e-mail": "email",
    "e_mail": "email",
    "mail": "email",
    "address": "email",
    "organisation": "organisation",
    "organization": "organisation",
    "org": "organisation",
    "constituency": "constituency",
}


def read_members(path: Path | str) -> tuple[Member, ...]:
    """Read members.csv; raise `MembersRefused` naming every bad row."""
    path = Path(path)
    text = read_text_file(path, "members list", MembersRefused,
                          " — save it from Excel as 'CSV UTF-8 (comma delimited)'")
    return parse_members(text, where=path.name)


def parse_members(text: str, where: str = "members list") -> tuple[Member, ...]:
    """Parse the CSV text of a members list (see the module docstring)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    columns: dict[str, int] = {}
    errors: list[str] = []
    members: list[Member] = []
    seen: dict[str, tuple[int, str]] = {}  # email -> (row, organisation)
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # blank line
        if header is None:
            header = [cell.strip().lstrip("\ufeff").lower() for cell in row]
            for index, name in enumerate(header):
                canonical = _HEADER_ALIASES.get(name)
                if canonical and canonical not in columns:
                    columns[canonical] = index
            missing = [c for c in ("email", "organisation") if c not in columns]
            if missing:
                raise MembersRefused(
                    f"{where}: the first row must be the header email,organisation,constituency "
                    f"(missing: {', '.join(missing)})"
                )
            continue

        def cell(name: str) -> str:
            index = columns.get(name)
            if index is None or index >= len(row):
                return ""
            return " ".join(row[index].split())

        email, organisation, constituency = cell("email"), cell("organisation"), cell("constituency")
        problems = []
        if not email:
            problems.append("no e-mail")
        if not organisation:
            problems.append("no organisation")
        if problems:
            errors.append(f"row {line} ({' and '.join(problems)})")
            continue
        email = email.lower()
        if email.startswith("mailto:"):
            email = email[len("mailto:"):]
        if " " in email or ("@" not in email and "." not in email) or email.count("@") > 1:
            errors.append(f"row {line} ('{email}' is not an e-mail address or @domain)")
            continue
        if "@" not in email:
            email = "@" + email  # a bare domain
        if email in seen:
            first_row, first_org = seen[email]
            if first_org != organisation:
                errors.append(
                    f"row {line} ({email} is already listed on row {first_row} "
                    f"for {first_org})"
                )
            continue
        seen[email] = (line, organisation)
        members.append(Member(email=email, organisation=organisation, constituency=constituency))

    if header is None:
        raise MembersRefused(f"{where}: the file is empty (expected a header email,organisation,constituency)")
    if errors:
        raise MembersRefused(f"{where}: fix these rows: " + "; ".join(errors))
    if not members:
        raise MembersRefused(f"{where}: no members are listed under the header")
    return tuple(members)


def admit_member(path: Path | str, member: Member) -> None:
    """Add one member to the list (the secretariat admitting a held sender).

    The row is appended in the file's own column order; the file is re-read first, so a
    damaged list is refused rather than appended to, and an address already listed is refused.
    """
    path = Path(path)
    existing = read_members(path)
    email = member.email.strip().lower()
    if any(m.email.strip().lower() == email for m in existing):
        raise MembersRefused(f"{email} is already on the members list {path.name}")
    text = read_text_file(path, "members list", MembersRefused)
    header = next(csv.reader(io.StringIO(text, newline="")), [])
    names = [_HEADER_ALIASES.get(h.strip().lower(), "") for h in header]
    values = {"email": email, "organisation": member.organisation, "constituency": member.constituency}
    row = io.StringIO()
    csv.writer(row, lineterminator="\n").writerow([values.get(n, "") for n in names])
    with path.open("a", encoding="utf-8", newline="") as handle:
        if text and not text.endswith("\n"):
            handle.write("\n")
        handle.write(row.getvalue())
