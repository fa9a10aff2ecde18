"""A zip writer for stored (uncompressed) entries, in bounded memory, with few system calls.

Bundles were written with `zipfile` before, and this writer writes the same bytes for the same
entries: what CPython 3.11's `zipfile.ZipFile(handle, "w", ZIP_STORED, allowZip64=True)` writes
for `ZipInfo`s with a date at midnight, `create_system` 3 and the given external attributes.
That includes zipfile's own choices, which the zip format leaves open:

- its ZIP64 limit is 2 GiB - 1 (`ZIP64_LIMIT`), not 4 GiB;
- a local header gets a ZIP64 extra field when the size *expected* when it is written, times
  1.05, passes that limit (zipfile leaves room for compression to grow an entry, even a stored
  one), so an entry of 1.95 to 2 GiB has one although its sizes would fit;
- such an entry says "version 4.5" in its central record too, even with no ZIP64 field there;
- a central record has ZIP64 sizes when the size passes the limit, and a ZIP64 offset when its
  local header starts past it;
- the ZIP64 end records are written when there are more than 65,535 entries, or the central
  directory starts or spans past the limit;
- names are ASCII, or UTF-8 with flag bit 11 (0x800) set.

Why not zipfile itself: it computes the CRC-32 with the standard zlib on the calling thread,
more than ten times slower than zlib-ng's; it writes every local header twice, asking the file
for its position and seeking back and forth around the second write (three seeks and two tells
per entry, whatever its size); and it keeps a `ZipInfo` per entry until the end for the
central directory. Here an entry whose bytes are all at hand (`add`) gets its final header
straight away; only an entry streamed in (`start`, `write`, `end`) has its CRC-32, and sizes if
they changed, written in afterwards, once. The position is counted, never asked. Each entry's
central record is made as the entry ends and goes to a `Spool` (memory up to a limit, then a
temporary file), so memory does not grow with the number of entries.
"""

from __future__ import annotations

import struct
import tempfile
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Protocol

from letters.bag.crc import crc32

ZIP64_LIMIT = (1 << 31) - 1
"""Past this, zipfile writes ZIP64 fields (sizes, offsets) or records."""
FILECOUNT_LIMIT = 0xFFFF
"""Past this many entries, zipfile writes the ZIP64 end records."""

_VERSION = 20  # 2.0: what zipfile says an entry needs and was made by, without ZIP64
_ZIP64_VERSION = 45  # 4.5: with ZIP64
_UNIX = 3  # the "made by" system: external attributes hold a Unix mode
_UTF8 = 0x800  # flag bit 11: the name is UTF-8
_ZIP64_EXTRA = 0x0001
_MAX32 = 0xFFFFFFFF
_CRC_AT = 14  # where a local header's CRC-32 starts; its two sizes follow

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_END64 = struct.Struct("<4sQ2H2L4Q")
_LOCATOR64 = struct.Struct("<4sLQL")
_LOCAL_ZIP64 = struct.Struct("<HHQQ")
_CRC = struct.Struct("<L")
_SIZES = struct.Struct("<LLL")  # a local header's CRC-32 and sizes
_SIZES64 = struct.Struct("<QQ")  # a local ZIP64 field's sizes

_BATCH = 64 << 10  # bytes gathered before a spool write
SPOOL_LIMIT = 1 << 20
"""Bytes a spool keeps in memory before it moves to a temporary file."""


def dos_date(day: date) -> int:
    """Return the MS-DOS date of a day (1980 to 2107), as a zip header holds it."""
    if not 1980 <= day.year <= 2107:
        raise ValueError(f"a zip entry cannot be dated {day.isoformat()}")
    return (day.year - 1980) << 9 | day.month << 5 | day.day


def local_zip64(expected: int) -> bool:
    """Return whether an entry expected to hold `expected` bytes gets a ZIP64 local header."""
    # zipfile's margin, as "compressed size can be larger than uncompressed size", kept for
    # stored entries too: the same bytes as before.
    return expected * 1.05 > ZIP64_LIMIT


def encode_name(name: str) -> tuple[bytes, int]:
    """Return an entry name's bytes and the flag bits they need: ASCII, else UTF-8 (0x800)."""
    if "\0" in name:
        # zipfile would cut the name short there, so the entry would not be the one listed.
        raise ValueError(f"a zip entry name cannot hold a NUL character: {name!r}")
    if name.isascii():
        return name.encode("ascii"), 0
    return name.encode("utf-8"), _UTF8


def local_header(name: bytes, flags: int, day: int, crc: int, size: int, zip64: bool) -> bytes:
    """Return a stored entry's local header: `size` bytes with checksum `crc`, named `name`.

    `zip64` (from `local_zip64` of the size expected when the header was first written) puts
    the sizes in a ZIP64 extra field; `day` is an MS-DOS date (`dos_date`), the time midnight.
    """
    if zip64:
        extra = _LOCAL_ZIP64.pack(_ZIP64_EXTRA, 16, size, size)
        version, size32 = _ZIP64_VERSION, _MAX32
    else:
        if size > ZIP64_LIMIT:
            raise ValueError("an entry this large needs a ZIP64 local header")
        extra, version, size32 = b"", _VERSION, size
    head = _LOCAL.pack(
        b"PK\x03\x04", version, 0, flags, 0, 0, day, crc, size32, size32, len(name), len(extra)
    )
    return head + name + extra


def central_record(
    name: bytes,
    flags: int,
    day: int,
    crc: int,
    size: int,
    offset: int,
    external_attr: int,
    zip64_header: bool,
) -> bytes:
    """Return a stored entry's central directory record.

    `offset` is where its local header starts; `zip64_header` whether that header has a ZIP64
    field (then this record says version 4.5 too, as zipfile's do).
    """
    fields = []  # what does not fit in 32 bits goes in a ZIP64 field, in this order
    size32 = offset32 = _MAX32
    if size > ZIP64_LIMIT:
        fields += [size, size]
    else:
        size32 = size
    if offset > ZIP64_LIMIT:
        fields.append(offset)
    else:
        offset32 = offset
    extra = (
        struct.pack(f"<HH{len(fields)}Q", _ZIP64_EXTRA, 8 * len(fields), *fields) if fields else b""
    )
    version = _ZIP64_VERSION if fields or zip64_header else _VERSION
    head = _CENTRAL.pack(
        b"PK\x01\x02",
        version,
        _UNIX,
        version,
        0,
        flags,
        0,
        0,
        day,
        crc,
        size32,
        size32,
        len(name),
        len(extra),
        0,
        0,
        0,
        external_attr,
        offset32,
    )
    return head + name + extra


def end_records(count: int, start: int, size: int) -> bytes:
    """Return the records after a central directory of `count` entries, `size` bytes long,
    that starts at `start`: the ZIP64 end record and locator where zipfile writes them, then
    the end of central directory record."""
    ending = b""
    if count > FILECOUNT_LIMIT or start > ZIP64_LIMIT or size > ZIP64_LIMIT:
        ending = _END64.pack(
            b"PK\x06\x06", 44, _ZIP64_VERSION, _ZIP64_VERSION, 0, 0, count, count, size, start
        ) + _LOCATOR64.pack(b"PK\x06\x07", 0, start + size, 1)
        count, size, start = min(count, 0xFFFF), min(size, _MAX32), min(start, _MAX32)
    return ending + _END.pack(b"PK\x05\x06", 0, 0, count, count, size, start, 0)


class Spool:
    """Bytes written in order, then read back once: in memory up to a limit, then on disk."""

    def __init__(self, limit: int | None = None) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=SPOOL_LIMIT if limit is None else limit)  # noqa: SIM115 (`close`)
        self._batch = bytearray()
        self.size = 0

    def write(self, data: bytes) -> None:
        self._batch += data
        self.size += len(data)
        if len(self._batch) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        self._file.write(self._batch)
        self._batch.clear()

    def chunks(self, size: int = _BATCH) -> Iterator[bytes]:
        """Yield what was written, from the start, in pieces of up to `size` bytes."""
        self._flush()
        self._file.seek(0)
        while chunk := self._file.read(size):
            yield chunk

    def close(self) -> None:
        """Let the bytes go (the temporary file, if there is one, is deleted)."""
        self._file.close()


class Output(Protocol):
    """What the writer writes to: a binary file, or one of `letters.bag.disk`'s."""

    def write(self, data: bytes | memoryview, /) -> int: ...

    def seek(self, position: int, /) -> int: ...

    def tell(self) -> int: ...

    def flush(self) -> None: ...


class _Entry:
    """The entry being streamed in: what its central record and the header patch need."""

    __slots__ = ("crc", "expected", "flags", "name", "offset", "size", "zip64")

    def __init__(self, name: bytes, flags: int, offset: int, expected: int) -> None:
        self.name, self.flags, self.offset, self.expected = name, flags, offset, expected
        self.zip64 = local_zip64(expected)
        self.crc = 0
        self.size = 0


class ZipArchive:
    """Write stored entries to `handle`, from where it stands, then the central directory.

    Every entry is dated `day` at midnight and carries `external_attr` (a Unix mode, shifted).
    Nothing but this writer may write to `handle` until `close`, except the bytes of a streamed
    entry that the caller puts in place itself and tells of with `placed`; `offset` is where
    the next byte goes. After an error, `discard` lets go of the spool; the half-written zip is
    the caller's to throw away.
    """

    def __init__(self, handle: Output, day: date, external_attr: int) -> None:
        self.handle = handle
        self.offset = handle.tell()  # once: from here on the position is counted
        self.day = dos_date(day)
        self.external_attr = external_attr
        self.count = 0
        self._directory = Spool()
        self._entry: _Entry | None = None
        # A file that writes whole blocks (`letters.bag.disk.DirectFile`) keeps the blocks of a
        # streamed entry's header, which `end` writes again, when told which they are.
        self._keep = getattr(handle, "keep", None)

    def add(self, name: str, chunks: Sequence[bytes | memoryview]) -> None:
        """Write an entry whose bytes are all at hand: its final header, then its bytes."""
        crc = size = 0
        for chunk in chunks:
            crc = crc32(chunk, crc)
            size += len(chunk)
        encoded, flags = encode_name(name)
        zip64 = local_zip64(size)
        header = local_header(encoded, flags, self.day, crc, size, zip64)
        offset = self.offset
        self.handle.write(header)
        for chunk in chunks:
            self.handle.write(chunk)
        self.offset += len(header) + size
        self._record(encoded, flags, crc, size, offset, zip64)

    def start(self, name: str, expected: int) -> None:
        """Begin an entry of about `expected` bytes, streamed in by `write` and ended by `end`.

        The header is written now, with the expected size (which decides whether it has a
        ZIP64 field, as in zipfile) and no CRC-32; `end` writes in the real ones.
        """
        if self._entry is not None:
            raise ValueError("the entry before is not ended")
        encoded, flags = encode_name(name)
        entry = self._entry = _Entry(encoded, flags, self.offset, expected)
        header = local_header(encoded, flags, self.day, 0, expected, entry.zip64)
        if self._keep is not None:
            self._keep(self.offset, len(header))
        self.handle.write(header)
        self.offset += len(header)

    def write(self, data: bytes | memoryview) -> None:
        """Write the next bytes of the entry begun by `start`."""
        self.placed(data)
        self.handle.write(data)

    def placed(self, data: bytes | memoryview) -> None:
        """Count the next bytes of the entry begun by `start`, which the caller put in the file
        itself (read straight into the file's buffer): `write`, but for the writing."""
        entry = self._entry
        if entry is None:
            raise ValueError("no entry is begun")
        entry.crc = crc32(data, entry.crc)
        entry.size += len(data)
        self.offset += len(data)

    def end(self) -> None:
        """End the entry begun by `start`: write its CRC-32 (and sizes, if not as expected)
        into its header, the one time this writer goes back."""
        entry = self._entry
        if entry is None:
            raise ValueError("no entry is begun")
        if entry.size > ZIP64_LIMIT and not entry.zip64:
            raise ValueError("the entry grew past the size its header can hold")
        self.handle.seek(entry.offset + _CRC_AT)
        if entry.zip64 or entry.size == entry.expected:
            self.handle.write(_CRC.pack(entry.crc))  # the sizes are right, or not here
        else:
            self.handle.write(_SIZES.pack(entry.crc, entry.size, entry.size))
        if entry.zip64 and entry.size != entry.expected:
            # In the ZIP64 field, after the name and the field's own id and length.
            self.handle.seek(entry.offset + _LOCAL.size + len(entry.name) + 4)
            self.handle.write(_SIZES64.pack(entry.size, entry.size))
        self.handle.seek(self.offset)
        self._entry = None
        self._record(entry.name, entry.flags, entry.crc, entry.size, entry.offset, entry.zip64)

    def _record(
        self, name: bytes, flags: int, crc: int, size: int, offset: int, zip64: bool
    ) -> None:
        self._directory.write(
            central_record(name, flags, self.day, crc, size, offset, self.external_attr, zip64)
        )
        self.count += 1

    def close(self) -> None:
        """Write the central directory and the end records, and flush (the handle stays open)."""
        if self._entry is not None:
            raise ValueError("the last entry is not ended")
        start, size = self.offset, self._directory.size
        for chunk in self._directory.chunks():
            self.handle.write(chunk)
        self.handle.write(end_records(self.count, start, size))
        self.handle.flush()
        self._directory.close()

    def discard(self) -> None:
        """Let go of the central directory written so far (after an error)."""
        self._directory.close()
