"""What `zipfile` writes for a bundle's entries: the reference letters' own zip writer must match.

Bundles were written with `zipfile.ZipFile.open(info, "w")`, each entry a `ZipInfo` dated at
midnight of the bagging day, made on Unix, mode 0644, its size given ahead; `zipfile_write`
does that again, and `letters_write` writes the same entries with letters' own writer, so a
test can compare letters' bytes with zipfile's.
"""

from __future__ import annotations

import io
import stat
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from letters.bag.ziparchive import ZipArchive

MODE = (stat.S_IFREG | 0o644) << 16

Entry = tuple[str, Sequence[bytes | memoryview], int]  # name, chunks, size given ahead


def zipfile_write(handle: BinaryIO, entries: Iterable[Entry], day: date) -> None:
    """Write `entries` to `handle` from where it stands, as letters did with zipfile."""
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, chunks, expected in entries:
            info = zipfile.ZipInfo(name, (day.year, day.month, day.day, 0, 0, 0))
            info.create_system = 3
            info.external_attr = MODE
            info.compress_type = zipfile.ZIP_STORED
            info.file_size = expected
            with archive.open(info, "w") as dest:
                for chunk in chunks:
                    dest.write(chunk)


def letters_write(
    out: Any, entries: Iterable[Entry], day: date, streamed: Callable[[int], bool]
) -> None:
    """Write `entries` to `out` with letters' zip writer: the n-th streamed in (its header's
    CRC-32 written in afterwards) where `streamed(n)`, else whole."""
    archive = ZipArchive(out, day, MODE)
    for n, (name, chunks, expected) in enumerate(entries):
        if streamed(n):
            archive.start(name, expected)
            for chunk in chunks:
                archive.write(chunk)
            archive.end()
        else:
            archive.add(name, chunks)
    archive.close()


def zipfile_bytes(entries: Iterable[Entry], day: date, lead: bytes = b"") -> bytes:
    """Return the bytes `zipfile_write` gives after `lead`."""
    out = io.BytesIO()
    out.write(lead)
    zipfile_write(out, entries, day)
    return out.getvalue()


def entries_of(path: Path) -> list[Entry]:
    """Return a zip's entries in order, each with its bytes and its size."""
    with zipfile.ZipFile(path) as archive:
        return [
            (info.filename, (archive.read(info),), info.file_size) for info in archive.infolist()
        ]


class Sink:
    """A seekable file that keeps what is written except large chunks, which it only counts.

    Enough to compare the headers and records of zips with entries of gigabytes, in memory:
    give both writers the same large chunks.
    """

    def __init__(self, skip: int = 1 << 20) -> None:
        self.skip = skip
        self.position = 0
        self.end = 0
        self.kept: dict[int, int] = {}  # position → byte, for what was not skipped

    def write(self, data: bytes | memoryview) -> int:
        size = len(data)
        if size < self.skip:
            for offset, byte in enumerate(bytes(data)):
                self.kept[self.position + offset] = byte
        self.position += size
        self.end = max(self.end, self.position)
        return size

    def tell(self) -> int:
        return self.position

    def seek(self, position: int, whence: int = 0) -> int:
        assert whence == 0
        self.position = position
        return position

    def flush(self) -> None:
        pass
