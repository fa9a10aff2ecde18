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

    def read(self, member: Member, algorithms: list[str], keep: bool) -> None:
        """Stream `member` once through `algorithms`, keeping its bytes when `keep`.

        On failure, record a finding and mark the member unreadable.
        """

    def as_written_by_letters(self, day: tuple[int, int, int]) -> None:
        """Record a finding for each entry not stored exactly as letters stores it."""
