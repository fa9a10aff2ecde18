"""Read a serialized bag, a zip, without extracting anything.

The zip must be one clean archive: no bytes before, between or after its entries, none
overlapping, local headers that agree with the directory, nothing encrypted, no links, no
duplicate or unsafe names, and everything inside one bag folder. Each entry is streamed once
through every digest it needs; memory stays bounded. Problems of the zip itself give the entry's
full name in the zip; the bag checks use paths relative to the bag folder.

A bag may hold hundreds of thousands of entries: the central directory is read into compact
records, a few hundred bytes each, rather than zipfile's ZipInfo objects, and each record goes
once its member is made. A directory out of the ordinary is left to zipfile, whose verdict
and messages then stand, as they always did.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import cast

from letters.bag.findings import (
    MAX_EXTRA,
    BagNotFound,
    Collected,
    CorruptEntry,
    DuplicateEntry,
    EncryptedEntry,
    EntryCountMismatch,
    ExtraBytes,
    Finding,
    LikelyZipBomb,
    NotAsWritten,
    NotAZip,
    OutsideBag,
    OverlappingData,
    SplitZip,
    SymlinkEntry,
    TruncatedZip,
    UnsafePath,
    UnsupportedCompression,
)
from letters.bag.hashing import BUFFER_SIZE, Buffer, Job, Pipeline
from letters.bag.members import Member, too_many_files
from letters.bag.paths import MAX_ENTRIES
from letters.i18n import _

TAG_LIMIT = 64 << 20  # a tag file we parse larger than this is refused, to bound memory
TAG_BUDGET = 64 << 20  # and so are those past this much, all the tag files parsed together
# Deflate packs the files people keep (text, documents, pictures) a few dozen to one at most;
# long runs of one byte, a zip bomb's, come near its limit of about a thousand. Such an entry
# is not inflated: checking it would cost minutes of processor time per megabyte of the zip.
# (A Word layout, all XML, is held tighter: letters.render.ooxml.MAX_RATIO.)
BOMB_RATIO = 250
BOMB_FLOOR = 1 << 20  # smaller entries inflate in a moment, whatever their ratio

_ENCRYPTED = 0x0001 | 0x0040 | 0x2000  # encrypted, strongly encrypted, directory encrypted
_DESCRIPTOR = 0x0008
_LETTERS_MODE = (stat.S_IFREG | 0o644) << 16  # what letters.bundle stores for every entry
_DIRECTORY_RECORD = "<4s4B4HL2L5H2L"  # a central directory record, as zipfile unpacks it
# zipfile turns the system's separator, where it is not `/`, into `/` in an entry's name.
_OTHER_SEPARATOR = os.sep if os.sep != "/" else "\x00"
_DIRECTORY_READ = 1 << 20  # the central directory is read this much at a time
# Extra fields every zipfile version skips or reads alike: ZIP64 sizes, timestamps (extended,
# NTFS), Unix owners.
_PLAIN_EXTRAS = frozenset({0x0001, 0x5455, 0x000A, 0x7875})


@dataclass(frozen=True)
class _End:
    """Where the zip's end records are and what they declare."""

    end: int  # where the zip should end: after the end record and its comment
    directory_end: int  # where the central directory should end
    entries: int
    directory_size: int
    split: bool  # the record names another disk
    directory_offset: int  # where the record says the central directory starts
    plain: bool  # the end records are ones every zipfile version reads as this one does


class DirectoryEntry:
    """What the archive checks need of one directory record: zipfile's ZipInfo, lighter.

    The attributes are ZipInfo's, but for the DOS `date` and `time` as stored (rather than
    `date_time`), and the sizes of the extra field and comment (rather than their bytes).
    """

    __slots__ = (
        "CRC",
        "comment_size",
        "compress_size",
        "compress_type",
        "create_system",
        "create_version",
        "date",
        "external_attr",
        "extra_size",
        "extract_version",
        "file_size",
        "filename",
        "flag_bits",
        "header_offset",
        "internal_attr",
        "orig_filename",
        "reserved",
        "time",
        "volume",
    )

    def __init__(
        self,
        fields: tuple[int, ...],
        name: str,
        extra_size: int,
        comment_size: int,
        filename: str | None = None,
    ):
        # `fields` as zipfile's structCentralDir unpacks them, less the signature, sizes and
        # offset already read from the ZIP64 extra field where there is one.
        (
            self.create_version, self.create_system, self.extract_version, self.reserved,
            self.flag_bits, self.compress_type, self.time, self.date, self.CRC,
            self.compress_size, self.file_size, self.volume, self.internal_attr,
            self.external_attr, self.header_offset,
        ) = fields  # fmt: skip
        self.orig_filename = name
        # The name as zipfile gives it: cut at a NUL, `/` for the system's separator, or from
        # an Info-ZIP Unicode path field (Python 3.12 and later).
        self.filename = name if filename is None else filename
        self.extra_size = extra_size
        self.comment_size = comment_size

    @classmethod
    def of(cls, info: zipfile.ZipInfo) -> DirectoryEntry:
        """Return the record zipfile read as `info`."""
        y, mo, d, h, mi, s = info.date_time  # zipfile's decoding of the DOS date and time
        fields = (
            info.create_version, info.create_system, info.extract_version, info.reserved,
            info.flag_bits, info.compress_type, (h << 11) | (mi << 5) | (s // 2),
            ((y - 1980) << 9) | (mo << 5) | d, info.CRC, info.compress_size, info.file_size,
            info.volume, info.internal_attr, info.external_attr, info.header_offset,
        )  # fmt: skip
        return cls(fields, info.orig_filename, len(info.extra), len(info.comment), info.filename)


class ZipMember(Member):
    """A bag file stored in the zip: what reading and checking it needs, nothing more."""

    __slots__ = ("crc", "header", "method", "packed", "stamp", "written")

    def __init__(
        self,
        path: str,
        entry: DirectoryEntry,
        data_start: int | None,
        local_version: int,
        stamp: int,
    ) -> None:
        super().__init__(path, entry.file_size, entry.header_offset)
        # The local header's length rather than where the data starts: a small number, which
        # Python keeps one object for, where an offset would take one more int per entry.
        self.header = None if data_start is None else data_start - entry.header_offset
        self.crc = entry.CRC
        self.method = entry.compress_type
        self.packed = entry.file_size if entry.compress_size == entry.file_size else (
            entry.compress_size
        )  # fmt: skip
        self.stamp = stamp  # the DOS date and time, as stored
        # Whether it is stored as letters.bundle stores every entry, its date aside.
        self.written = (
            entry.create_system == 3
            and entry.create_version == entry.extract_version
            and entry.internal_attr == 0
            and entry.external_attr == _LETTERS_MODE
            # zipfile writes ZIP64's version exactly when the local sizes need it
            and local_version == (-45 if local_version < 0 else 20)
        )

    @property
    def data_start(self) -> int | None:
        """Where the entry's data starts, or None when its local header is damaged."""
        return None if self.header is None else self.order + self.header

    def date_time(self) -> tuple[int, int, int, int, int, int]:
        """Return the entry's date and time as zipfile decodes them."""
        d, t = self.stamp >> 16, self.stamp & 0xFFFF
        return ((d >> 9) + 1980, (d >> 5) & 0xF, d & 0x1F, t >> 11, (t >> 5) & 0x3F, (t & 0x1F) * 2)


class ZipSource:
    """The entries of one zip, checked as an archive, then read one by one for the bag checks."""

    gathers_system_files = False

    def __init__(
        self,
        handle: io.FileIO,
        found: Collected,
        progress: Callable[[int], None] | None,
        pipeline: Pipeline,
    ) -> None:
        self.handle = handle
        self.found = found
        self.progress = progress
        self.pipeline = pipeline
        self.size = os.fstat(handle.fileno()).st_size
        self.comment = (0, 0)  # where the zip's comment starts, and its length
        self.members: dict[str, Member] = {}

    def read_at(self, offset: int, count: int) -> bytes:
        if offset < 0 or count <= 0 or offset >= self.size:
            return b""
        self.handle.seek(offset)
        return self.handle.read(count) or b""

    def open(self) -> tuple[str, dict[str, Member]] | None:
        """Check the zip as an archive; return the bag folder's name and its files, or None."""
        end = self._end_record()
        if end is None or self._cut_short(end):
            if self.read_at(0, 4) == b"PK\x03\x04":
                self.found.error(TruncatedZip(_("the end of the zip is missing")))
            else:
                self.found.error(NotAZip())
            return None
        if end.entries > MAX_ENTRIES:
            raise too_many_files(self.handle.name)
        entries = self.directory()
        if entries is None:
            # Anything unusual in the directory: zipfile reads it, and its verdict stands.
            self._count_records(end)
            try:
                with zipfile.ZipFile(self.handle) as archive:
                    entries = [DirectoryEntry.of(info) for info in archive.infolist()]
            except (
                zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, struct.error
            ):  # fmt: skip
                self.found.error(TruncatedZip(_("its directory cannot be read")))
                return None
            except OSError:  # a crafted directory offset can make zipfile seek before 0
                self.found.error(TruncatedZip(_("its directory cannot be read")))
                return None
        if end.split:
            self.found.error(SplitZip())
        starts = self._check_layout(end, entries)
        names = self._check_names(entries)
        bag = self._find_bag(names)
        if bag is None:
            return None
        # Each record goes as its member is made, so the two are not all held at once.
        records = cast("list[DirectoryEntry | None]", entries)
        del entries
        problems: list[Finding] = []  # the members' own, reported after the names'
        stamps: dict[int, int] = {}  # one int object for each date and time
        for name, index in names.items():
            entry, records[index] = records[index], None
            assert entry is not None
            if not name.startswith(bag + "/"):
                self.found.error(OutsideBag(name, bag))
            elif not name.endswith("/"):  # folder entries carry nothing to check
                start = starts.data_start[index]
                rel = name.removeprefix(bag + "/")
                stamp = (entry.date << 16) | entry.time
                member = ZipMember(
                    rel, entry, start if start >= 0 else None, starts.version[index],
                    stamps.setdefault(stamp, stamp),
                )  # fmt: skip
                self.members[rel] = member
                problems += self._check_entry(member, entry, starts.flags[index])
        for problem in problems:
            self.found.error(problem)
        return bag, self.members

    # The zip as a whole.

    def _cut_short(self, end: _End) -> bool:
        """Return whether the end record found is that of a zip stored inside this one (a
        letter's DOCX), and this one is cut short: it starts with an entry, yet the record
        places the zip's start further in, and more bytes follow the record."""
        start = end.directory_end - end.directory_size - end.directory_offset
        return start > 0 and end.end < self.size and self.read_at(0, 4) == b"PK\x03\x04"

    def _end_record(self) -> _End | None:
        tail_size = min(self.size, 22 + 0xFFFF)
        tail = self.read_at(self.size - tail_size, tail_size)
        at = last = tail.rfind(b"PK\x05\x06")
        while at >= 0 and at + 22 > len(tail):
            at = tail.rfind(b"PK\x05\x06", 0, at)
        if at < 0:
            return None
        # zipfile takes the last signature in the tail, complete or not.
        plain = at == last
        position = self.size - tail_size + at
        fields = struct.unpack("<4s4H2LH", tail[at : at + 22])
        disk, directory_disk, here, entries, directory_size, offset = fields[1:7]
        comment = fields[7]
        split = disk != 0 or directory_disk != 0 or here != entries
        directory_end = position
        locator = self.read_at(position - 20, 20) if position >= 20 else b""
        if locator[:4] == b"PK\x06\x07":
            record = self.read_at(position - 76, 56) if position >= 76 else b""
            plain = False
            if record[:4] == b"PK\x06\x06":
                # ZIP64: the real counts are here (zipfile assumes the same layout).
                zip64 = struct.unpack("<4sQ2H2L4Q", record)
                split = split or zip64[4] != 0 or zip64[5] != 0 or zip64[6] != zip64[7]
                entries, directory_size, offset = zip64[7], zip64[8], zip64[9]
                directory_end = position - 76
                _sig, locator_disk, record_at, disks = struct.unpack("<4sLQL", locator)
                # Only a record exactly where its locator says, of the size without extensible
                # data, on one disk, is read the same by every zipfile version.
                plain = at == last and (locator_disk, disks, record_at, zip64[1]) == (
                    0,
                    1,
                    directory_end,
                    44,
                )
        self.comment = (position + 22, comment)
        return _End(
            position + 22 + comment, directory_end, entries, directory_size, split, offset, plain
        )

    def directory(self) -> list[DirectoryEntry] | None:
        """Read the central directory as zipfile would, into compact records, in large reads.

        zipfile keeps a ZipInfo of some 500 bytes per entry, and reads the whole directory at
        once. Return None for anything out of the ordinary — bytes before the zip, a short or
        damaged record, a name that does not decode or holds a NUL, an extra field zipfile
        reads differently from one version to another — so that zipfile reads it instead.
        """
        end = self._end_record()
        if end is None:
            return None
        start, size = end.directory_offset, end.directory_size
        if not end.plain or start < 0 or start + size != end.directory_end:
            return None
        reader = _Reader(self, start, size)
        entries: list[DirectoryEntry] = []
        shared: dict[int, int] = {}
        total = 0
        unpack = struct.Struct(_DIRECTORY_RECORD).unpack
        while total < size:
            fixed = reader.take(46)
            if len(fixed) != 46:
                return None
            record = unpack(fixed)
            name_size, extra_size, comment_size = record[12:15]
            variable = reader.take(name_size + extra_size + comment_size)
            if record[0] != b"PK\x01\x02" or len(variable) != name_size + extra_size + comment_size:
                return None
            try:
                name = variable[:name_size].decode("utf-8" if record[5] & 0x800 else "cp437")
            except UnicodeDecodeError:
                return None
            if (
                "\x00" in name
                or _OTHER_SEPARATOR in name
                or record[3] > zipfile.MAX_EXTRACT_VERSION
            ):
                return None
            file_size, packed, offset = record[11], record[10], record[18]
            if extra_size:
                sizes = _zip64(
                    variable[name_size : name_size + extra_size], file_size, packed, offset
                )
                if sizes is None:
                    return None
                file_size, packed, offset = sizes
            # Many entries share a date, a time and attributes: one int object for each value.
            fields = (
                *record[1:7], shared.setdefault(record[7], record[7]),
                shared.setdefault(record[8], record[8]), record[9],
                file_size if packed == file_size else packed, file_size, *record[15:17],
                shared.setdefault(record[17], record[17]), offset,
            )  # fmt: skip
            entries.append(DirectoryEntry(fields, name, extra_size, comment_size))
            if len(entries) > MAX_ENTRIES:
                raise too_many_files(self.handle.name)
            total += 46 + name_size + extra_size + comment_size
        return entries

    def _count_records(self, end: _End) -> None:
        """Count the directory's records where zipfile reads them; refuse too many.

        zipfile reads records until the directory's size is used up, whatever the end record
        says their number is, and keeps some 500 bytes for each.
        """
        size = end.directory_size
        reader = _Reader(self, end.directory_end - size, size)
        unpack = struct.Struct(_DIRECTORY_RECORD).unpack
        total = count = 0
        while total < size:
            fixed = reader.take(46)
            if len(fixed) != 46 or fixed[:4] != b"PK\x01\x02":
                return  # zipfile stops here too, and says the zip is damaged
            count += 1
            if count > MAX_ENTRIES:
                raise too_many_files(self.handle.name)
            variable = sum(unpack(fixed)[12:15])  # the name's, extra field's, comment's sizes
            reader.take(variable)
            total += 46 + variable

    def _check_layout(self, end: _End, infos: list[DirectoryEntry]) -> _Locals:
        """Check that entries and directory tile the file; return what the local headers say."""
        if end.end < self.size:
            self.found.error(ExtraBytes("after", end.end, self.size - end.end))
        offset, comment = self.comment
        if comment and end.end <= self.size:  # a comment can carry anything; nothing covers it
            self.found.error(ExtraBytes("comment", offset, comment))
        elif end.end > self.size:
            self.found.error(TruncatedZip(_("the end record of the zip is cut short")))
        if end.entries != len(infos):
            self.found.error(EntryCountMismatch(end.entries, len(infos)))
        records = sum(46 + len(_raw_name(i)) + i.extra_size + i.comment_size for i in infos)
        if records != end.directory_size:
            # zipfile reads past a record's declared extra field or comment without a word.
            self.found.error(TruncatedZip(_("its directory's records do not add up to its size")))
        locals_ = _Locals(len(infos))
        # Each entry's span from its local header to the end of its data, in zip order: in
        # arrays, as they are as many as the entries (an end may pass 2**64: a list).
        span_starts, span_ends, span_entries = array("Q"), list[int](), array("L")
        for index, info in enumerate(infos):
            header = self.read_at(info.header_offset, 30)
            if len(header) < 30 or header[:4] != b"PK\x03\x04":
                self.found.error(CorruptEntry(info.filename, "header"))
                continue
            local = struct.unpack("<4x5H3L2H", header)
            flags, name_size, extra_size = local[1], local[8], local[9]
            if self.read_at(info.header_offset + 30, name_size) != _raw_name(info):
                self.found.error(CorruptEntry(info.filename, "name"))
                continue
            if not _agrees(local, info):
                self.found.error(CorruptEntry(info.filename, "mismatch"))
            start = info.header_offset + 30 + name_size + extra_size
            if extra_size > MAX_EXTRA or info.comment_size + info.extra_size > MAX_EXTRA:
                # Timestamps and ZIP64 sizes need a few dozen bytes; more can hide data.
                where = info.header_offset + 30 + name_size
                self.found.error(ExtraBytes("inside", where, extra_size))
            locals_.data_start[index] = start
            locals_.flags[index] = flags
            locals_.version[index] = local[0] if 0xFFFFFFFF not in local[6:8] else -local[0]
            span_starts.append(info.header_offset)
            span_ends.append(start + info.compress_size)
            span_entries.append(index)
        spans: Iterable[int] = range(len(span_starts))
        if any(a > b for a, b in itertools.pairwise(span_starts)):  # not in order: sort, stably
            spans = sorted(spans, key=span_starts.__getitem__)
        position = 0
        reach: int | None = None  # the entry whose span reaches furthest so far
        directory = (end.directory_end - end.directory_size, end.directory_end, None)
        for span_start, span_end, entry in itertools.chain(
            ((span_starts[s], span_ends[s], span_entries[s]) for s in spans), [directory]
        ):
            if reach is not None and span_start < position:
                self.found.error(OverlappingData(infos[reach].filename))
            elif span_start > position:
                gap = span_start - position
                if reach is None:
                    self.found.error(ExtraBytes("before", 0, gap))
                elif not (
                    (locals_.flags[reach] | infos[reach].flag_bits) & _DESCRIPTOR
                    and gap in (12, 16, 20, 24)
                ):
                    self.found.error(ExtraBytes("inside", position, gap))
            if reach is None or span_end > position:
                position, reach = span_end, entry
        return locals_

    def _check_names(self, infos: list[DirectoryEntry]) -> dict[str, int]:
        """Refuse unsafe and duplicate names; return the others, first of each, in zip order,
        with where each is in `infos`."""
        names: dict[str, int] = {}
        counts: dict[str, int] = {}  # the names seen more than once, and how often
        for index, info in enumerate(infos):
            name = _entry_name(info)
            reason = _unsafe(info.orig_filename, name)
            if reason:
                self.found.error(UnsafePath(name, reason))
                continue
            if name in names:
                counts[name] = counts.get(name, 1) + 1
            else:
                names[name] = index
        for name in sorted(counts, key=names.__getitem__):  # in the order first seen
            self.found.error(DuplicateEntry(name, counts[name]))
        return names

    def _find_bag(self, names: dict[str, int]) -> str | None:
        candidates = sorted(
            name.removesuffix("/bagit.txt")
            for name in names
            if name.count("/") == 1 and name.endswith("/bagit.txt")
        )
        if len(candidates) != 1:
            self.found.error(BagNotFound(tuple(candidates)))
            return None
        return candidates[0]

    def _check_entry(
        self, member: ZipMember, info: DirectoryEntry, local_flags: int
    ) -> list[Finding]:
        """Return what makes an entry unreadable or unsafe, marking it unreadable if it is."""
        rel = member.path
        problems: list[Finding] = []
        if stat.S_ISLNK(info.external_attr >> 16):
            problems.append(SymlinkEntry(rel))
        if (info.flag_bits | local_flags) & _ENCRYPTED:
            problems.append(EncryptedEntry(rel))
            member.readable = False
        elif info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            problems.append(UnsupportedCompression(rel, info.compress_type))
            member.readable = False
        elif info.file_size > BOMB_FLOOR and info.file_size > BOMB_RATIO * max(
            info.compress_size, 1
        ):
            problems.append(LikelyZipBomb(rel, BOMB_RATIO))
            member.readable = False
        elif member.data_start is None:
            member.readable = False  # its local header is damaged: reported already
        elif info.volume != 0:
            problems.append(SplitZip())
            member.readable = False
        return problems

    def as_written_by_letters(self, day: tuple[int, int, int]) -> None:
        """Record each entry whose zip details differ from what letters.bundle writes."""
        for member in sorted(self.members.values(), key=lambda m: m.order):
            assert isinstance(member, ZipMember)
            if member.data_start is None:
                continue  # its local header is damaged: reported already
            if not member.written or member.date_time() != (*day, 0, 0, 0):
                self.found.error(NotAsWritten(member.path))

    # The entries' data.

    def read_all(self, reads: Iterable[tuple[Member, Sequence[str], bool]]) -> None:
        """Stream each entry once through its digests and the CRC, reading the zip in order."""
        window = _Window(self.handle, self.size, self.pipeline)
        try:
            for member, algorithms, keep in reads:
                self._read(member, algorithms, keep, window)
        finally:
            window.close()
        self.pipeline.wait()

    def _read(self, member: Member, algorithms: Sequence[str], keep: bool, window: _Window) -> None:
        assert isinstance(member, ZipMember)

        def done(job: Job) -> None:
            assert job.crc is not None
            member.hashed(job, algorithms)
            member.crc_ok = job.crc.value == member.crc

        job = self.pipeline.job(
            algorithms, member.size, done, crc=True, keep=TAG_LIMIT if keep else None
        )
        produced = 0
        try:
            for buffer, chunk in self._chunks(member, window):
                produced += len(chunk)
                if produced > member.size:
                    break  # more than declared: stop, whatever a crafted entry holds
                job.feed(buffer, chunk)
        except (zlib.error, EOFError):
            self.found.error(CorruptEntry(member.path, "data"))
            member.readable = False
            job.abandon()
            return
        if produced != member.size:
            self.found.error(CorruptEntry(member.path, "size"))
            member.readable = False
            job.abandon()
            return
        job.close()

    def _chunks(self, member: ZipMember, window: _Window) -> Iterator[tuple[Buffer, memoryview]]:
        inflater = zlib.decompressobj(-15) if member.method == zipfile.ZIP_DEFLATED else None
        start = member.data_start or 0
        if start < 0 or start + member.packed > self.size:
            raise EOFError
        for buffer, packed in window.slices(start, member.packed):
            if self.progress is not None:
                self.progress(len(packed))
            if inflater is None:
                yield buffer, packed
                continue
            data: bytes | memoryview = packed
            while True:
                out = inflater.decompress(data, BUFFER_SIZE)
                if out:
                    # Into a buffer of the pool, so inflating waits for the hashing as reading
                    # does, and memory stays bounded.
                    held = self.pipeline.buffer()
                    try:
                        held.view[: len(out)] = out
                        yield held, held.view[: len(out)]
                    finally:
                        self.pipeline.release(held)
                data = inflater.unconsumed_tail
                if not data and len(out) < BUFFER_SIZE:
                    break
        if inflater is not None and not inflater.eof:
            raise EOFError


class _Locals:
    """What each entry's local header says, by the entry's place in the directory."""

    def __init__(self, count: int) -> None:
        self.data_start = array("q", [-1]) * count  # -1: the local header is damaged
        self.flags = array("H", [0]) * count
        self.version = array("l", [0]) * count  # negative when the local sizes are in ZIP64


class _Reader:
    """A stretch of the zip read front to back in large reads, a few bytes at a time."""

    def __init__(self, source: ZipSource, start: int, size: int) -> None:
        self.source = source
        self.position, self.end = start, start + size  # the stretch still to read
        self.chunk = b""
        self.at = 0

    def take(self, count: int) -> bytes:
        """Return the next `count` bytes, or fewer where the stretch or the file ends."""
        if len(self.chunk) - self.at < count:
            want = min(max(count, _DIRECTORY_READ), self.end - self.position)
            more = self.source.read_at(self.position, want) if want > 0 else b""
            self.position += len(more)
            self.chunk, self.at = self.chunk[self.at :] + more, 0
        taken = self.chunk[self.at : self.at + count]
        self.at += len(taken)
        return taken


def _zip64(extra: bytes, size: int, packed: int, offset: int) -> tuple[int, int, int] | None:
    """Return an entry's sizes and offset, from its ZIP64 extra field where zipfile reads them.

    None for an extra field that is damaged, or of a kind some zipfile versions read (such
    as Info-ZIP's Unicode path, which changes the name) and others do not.
    """
    while extra:
        if len(extra) < 4:
            return None
        kind, length = struct.unpack("<HH", extra[:4])
        data, extra = extra[4 : 4 + length], extra[4 + length :]
        if len(data) != length or kind not in _PLAIN_EXTRAS:
            return None
        if kind == 0x0001:
            # zipfile's order, and its test: the 32-bit field is all ones.
            wanted = (size == 0xFFFFFFFF) + (packed == 0xFFFFFFFF) + (offset == 0xFFFFFFFF)
            if len(data) < 8 * wanted:
                return None
            values = iter(struct.unpack(f"<{wanted}Q", data[: 8 * wanted]))
            size = next(values) if size == 0xFFFFFFFF else size
            packed = next(values) if packed == 0xFFFFFFFF else packed
            offset = next(values) if offset == 0xFFFFFFFF else offset
    return size, packed, offset


class _Window:
    """The part of the zip read last: one buffer, filled from where the next data starts.

    Entries follow one another, so one large read usually holds several small entries, or the
    next stretch of a large one: the zip is read in order, in large reads, each byte once.
    """

    def __init__(self, handle: io.FileIO, size: int, pipeline: Pipeline) -> None:
        self.handle = handle
        self.size = size
        self.pipeline = pipeline
        self.buffer: Buffer | None = None
        self.low = self.high = 0  # the zip's bytes the buffer holds

    def slices(self, start: int, length: int) -> Iterator[tuple[Buffer, memoryview]]:
        position, end = start, start + length
        while position < end:
            if self.buffer is None or not self.low <= position < self.high:
                self._fill(position)
            assert self.buffer is not None
            if position >= self.high:
                raise EOFError
            stop = min(end, self.high)
            yield self.buffer, self.buffer.view[position - self.low : stop - self.low]
            position = stop

    def _fill(self, position: int) -> None:
        self.close()
        self.buffer = buffer = self.pipeline.buffer()
        want = min(len(buffer.data), self.size - position)
        self.handle.seek(position)
        got = 0
        while got < want:
            count = self.handle.readinto(buffer.view[got:want])
            if not count:
                break
            got += count
        self.low, self.high = position, position + got

    def close(self) -> None:
        if self.buffer is not None:
            self.pipeline.release(self.buffer)
            self.buffer = None


def _agrees(local: tuple[int, ...], info: DirectoryEntry) -> bool:
    """Return whether a local header repeats what the directory says of its entry."""
    version, flags, method, time, day, crc, packed, size = local[:8]
    # The directory may need a later version than the local header (zipfile raises it to
    # ZIP64's when only the entry's offset needs ZIP64), never an earlier one.
    if (version & 0xFF) > info.extract_version or version >> 8 != info.reserved:
        return False
    if (flags, method, time, day) != (info.flag_bits, info.compress_type, info.time, info.date):
        return False
    if (flags & _DESCRIPTOR) or 0xFFFFFFFF in (packed, size):
        return True  # the sizes are in a data descriptor or a ZIP64 field: checked on reading
    return (crc, packed, size) == (info.CRC, info.compress_size, info.file_size)


def _raw_name(info: DirectoryEntry) -> bytes:
    encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
    return info.orig_filename.encode(encoding)


def _entry_name(info: DirectoryEntry) -> str:
    """Return an entry's name as the unpacking tools will see it, in NFC."""
    name = info.orig_filename
    if not info.flag_bits & 0x800:
        # Many tools write UTF-8 names without setting the flag; zipfile read them as cp437.
        with contextlib.suppress(UnicodeError):
            name = name.encode("cp437").decode("utf-8")
    return unicodedata.normalize("NFC", name)


def _unsafe(raw: str, name: str) -> str | None:
    if "\x00" in raw:
        return "nul"
    if "\\" in name:
        return "backslash"
    if name.startswith("/") or re.match(r"[A-Za-z]:", name):
        return "absolute"
    parts = name.removesuffix("/").split("/")
    if ".." in parts:
        return "parent"
    if any(p in ("", ".") for p in parts):
        return "empty"
    return None
