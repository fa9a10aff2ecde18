"""The files of a bag, as a zip reader or a folder reader presents them to the bag checks.

A bag may hold hundreds of thousands of files, and each is held from listing to the last check:
a member keeps only what the checks need, in slots, with its digests as raw bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Protocol

from letters.bag.hashing import Job
from letters.bag.paths import MAX_ENTRIES
from letters.errors import InputError
from letters.i18n import _


@cache
def digest_size(algorithm: str) -> int:
    """Return how many bytes a digest of `algorithm` has."""
    return hashlib.new(algorithm).digest_size


def too_many_files(path: object) -> InputError:
    """Refuse a bag of more files than letters checks, before its list takes memory without end."""
    return InputError(
        _("{path} holds more than {limit} files, more than letters checks in one bag").format(
            path=path, limit=f"{MAX_ENTRIES:,}"
        )
    )


class Member:
    """One file of the bag: where it is, how big, and what reading it found."""

    __slots__ = ("algorithms", "content", "crc_ok", "digests", "order", "path", "readable", "size")

    def __init__(self, path: str, size: int, order: int) -> None:
        self.path = path  # relative to the bag folder, `/`-separated, NFC
        self.size = size
        self.order = order  # position in the container: files are read in this order, once each
        self.readable = True
        self.crc_ok = True
        # The digests, one after the other in the order of `algorithms` (a tuple shared by
        # many members): one bytes object rather than a dict of hex strings per file.
        self.algorithms: Sequence[str] = ()
        self.digests = b""
        self.content: bytes | bytearray | None = None  # kept for the tag files the checks parse

    def hashed(self, job: Job, algorithms: Sequence[str]) -> None:
        """Keep what hashing this member by `algorithms` found: its digests, and its bytes
        when kept."""
        self.algorithms = algorithms
        self.digests = b"".join(job.hashes[name].digest() for name in algorithms)
        # The kept bytes themselves, not a copy: a manifest of many files is large.
        self.content = job.kept.data if job.kept is not None else None

    def digest(self, algorithm: str) -> bytes | None:
        """Return this member's digest by `algorithm`, or None if it was not computed."""
        start = 0
        for name in self.algorithms:
            end = start + digest_size(name)
            if name == algorithm:
                return self.digests[start:end]
            start = end
        return None


class Source(Protocol):
    """A container of bag files: a zip or a folder."""

    gathers_system_files: bool
    """Whether operating systems drop files of their own into it (.DS_Store, Thumbs.db) when
    it is merely opened, as they do into a folder (never into a zip)."""

    def read_all(self, reads: Iterable[tuple[Member, Sequence[str], bool]]) -> None:
        """Stream each member once through its algorithms, keeping its bytes when asked.

        `reads` holds (member, algorithms, keep) in reading order. Once this returns, each
        member read has its digests; on a failure, a finding is recorded and the member is
        marked unreadable.
        """

    def as_written_by_letters(self, day: tuple[int, int, int]) -> None:
        """Record a finding for each entry not stored exactly as letters stores it."""
