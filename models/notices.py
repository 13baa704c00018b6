"""Warnings that travel with results, and the typed refusal for unusable input."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Notice:
    """Something odd about an input, said in plain words; the result is still usable."""

    message: str
    where: str = ""  # e.g. a file name, "comment 4", "paragraph p12"

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class Refusal(Exception):
    """Input that cannot be used. `reason` is a sentence for secretariat staff.

    Every stage raises this (or a subclass) for bad input; the flow records the reason
    (e.g. in submissions.csv) and carries on. Any other exception is a bug.
    """

    status = "unreadable"

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
