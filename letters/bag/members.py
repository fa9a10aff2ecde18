"""The files of a bag, as a zip reader or a folder reader presents them to the bag checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class Member:
    """One file of the bag: where it is, how big, and what reading it found."""

    path: str  # relative to the bag folder, `/`-separated, NFC
    size: int
    order: int  # position in the container: files are read in this order, once each
    readable: bool = True
    crc_ok: bool = True
    digests: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None  # kept for the tag files the checks parse


class Source(Protocol):
    """A container of bag files: a zip or a folder."""

    def read_all(self, reads: list[tuple[Member, list[str], bool]]) -> None:
        """Stream each member once through its algorithms, keeping its bytes when asked.

        `reads` holds (member, algorithms, keep) in reading order. Once this returns, each
        member read has its digests; on a failure, a finding is recorded and the member is
        marked unreadable.
        """

    def as_written_by_letters(self, day: tuple[int, int, int]) -> None:
        """Record a finding for each entry not stored exactly as letters stores it."""
