"""Read a serialized bag, a zip, without extracting anything.

The zip must be one clean archive: no bytes before, between or after its entries, none
overlapping, local headers that agree with the directory, nothing encrypted, no links, no
duplicate or unsafe names, and everything inside one bag folder. Each entry is streamed once
through every digest it needs; memory stays bounded. Problems of the zip itself give the entry's
full name in the zip; the bag checks use paths relative to the bag folder.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from letters.bag.findings import (
    MAX_EXTRA,
    BagNotFound,
    Collected,
    CorruptEntry,
    DuplicateEntry,
    EncryptedEntry,
    EntryCountMismatch,
    ExtraBytes,
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
from letters.bag.members import Member
from letters.i18n import _

TAG_LIMIT = 64 << 20  # a tag file we parse larger than this is refused, to bound memory

_ENCRYPTED = 0x0001 | 0x0040 | 0x2000  # encrypted, strongly encrypted, directory encrypted
_DESCRIPTOR = 0x0008
_LETTERS_MODE = (stat.S_IFREG | 0o644) << 16  # what letters.bundle stores for every entry


@dataclass(frozen=True)
class _End:
    """Where the zip's end records are and what they declare."""

    end: int  # where the zip should end: after the end record and its comment
    directory_end: int  # where the central directory should end
    entries: int
    directory_size: int
    split: bool  # the record names another disk


@dataclass
class ZipMember(Member):
    """A bag file stored in the zip."""

    info: zipfile.ZipInfo | None = None
    data_start: int | None = None
    local_flags: int = 0
    local_version: int = 0  # negative when the local header's sizes are in ZIP64


@dataclass
class _Span:
    start: int
    end: int
    name: str
    descriptor: bool


class ZipSource:
    """The entries of one zip, checked as an archive, then read one by one for the bag checks."""

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
        self.members: dict[str, ZipMember] = {}
        # Each entry's local "version needed", negative when its local sizes are in ZIP64.
        self.local_versions: dict[int, int] = {}

    def read_at(self, offset: int, count: int) -> bytes:
        if offset < 0 or count <= 0 or offset >= self.size:
            return b""
        self.handle.seek(offset)
        return self.handle.read(count) or b""

    def open(self) -> tuple[str, dict[str, Member]] | None:
        """Check the zip as an archive; return the bag folder's name and its files, or None."""
        end = self._end_record()
        if end is None:
            if self.read_at(0, 4) == b"PK\x03\x04":
                self.found.error(TruncatedZip(_("the end of the zip is missing")))
            else:
                self.found.error(NotAZip())
            return None
        try:
            with zipfile.ZipFile(self.handle) as archive:
                infos = archive.infolist()
        except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, struct.error) as e:
            self.found.error(TruncatedZip(str(e)))
            return None
        except OSError as e:  # a crafted directory offset can make zipfile seek before the start
            self.found.error(TruncatedZip(e.strerror or str(e)))
            return None
        if end.split:
            self.found.error(SplitZip())
        starts = self._check_layout(end, infos)
        names = self._check_names(infos)
        bag = self._find_bag(names)
        if bag is None:
            return None
        for name, (index, info) in names.items():
            if not name.startswith(bag + "/"):
                self.found.error(OutsideBag(name, bag))
            elif not name.endswith("/"):  # folder entries carry nothing to check
                start, local_flags = starts.get(index, (None, 0))
                rel = name.removeprefix(bag + "/")
                self.members[rel] = ZipMember(
                    rel, info.file_size, info.header_offset, info=info, data_start=start,
                    local_flags=local_flags, local_version=self.local_versions.get(index, 0),
                )  # fmt: skip
        for rel, member in self.members.items():
            self._check_entry(rel, member)
        return bag, dict(self.members)

    # The zip as a whole.

    def _end_record(self) -> _End | None:
        tail_size = min(self.size, 22 + 0xFFFF)
        tail = self.read_at(self.size - tail_size, tail_size)
        at = tail.rfind(b"PK\x05\x06")
        while at >= 0 and at + 22 > len(tail):
            at = tail.rfind(b"PK\x05\x06", 0, at)
        if at < 0:
            return None
        position = self.size - tail_size + at
        fields = struct.unpack("<4s4H2LH", tail[at : at + 22])
        disk, directory_disk, here, entries, directory_size = fields[1:6]
        comment = fields[7]
        split = disk != 0 or directory_disk != 0 or here != entries
        directory_end = position
        locator = self.read_at(position - 20, 20) if position >= 20 else b""
        if locator[:4] == b"PK\x06\x07" and position >= 76:
            record = self.read_at(position - 76, 56)
            if record[:4] == b"PK\x06\x06":
                # ZIP64: the real counts are here (zipfile assumes the same layout).
                zip64 = struct.unpack("<4sQ2H2L4Q", record)
                split = split or zip64[4] != 0 or zip64[5] != 0 or zip64[6] != zip64[7]
                entries, directory_size = zip64[7], zip64[8]
                directory_end = position - 76
        self.comment = (position + 22, comment)
        return _End(position + 22 + comment, directory_end, entries, directory_size, split)

    def _check_layout(self, end: _End, infos: list[zipfile.ZipInfo]) -> dict[int, tuple[int, int]]:
        """Check that entries and directory tile the file; return data offsets and flags."""
        if end.end < self.size:
            self.found.error(ExtraBytes("after", end.end, self.size - end.end))
        offset, comment = self.comment
        if comment and end.end <= self.size:  # a comment can carry anything; nothing covers it
            self.found.error(ExtraBytes("comment", offset, comment))
        elif end.end > self.size:
            self.found.error(TruncatedZip(_("the end record of the zip is cut short")))
        if end.entries != len(infos):
            self.found.error(EntryCountMismatch(end.entries, len(infos)))
        records = sum(46 + len(_raw_name(i)) + len(i.extra) + len(i.comment) for i in infos)
        if records != end.directory_size:
            # zipfile reads past a record's declared extra field or comment without a word.
            self.found.error(TruncatedZip(_("its directory's records do not add up to its size")))
        starts: dict[int, tuple[int, int]] = {}
        spans = []
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
            if extra_size > MAX_EXTRA or len(info.comment) + len(info.extra) > MAX_EXTRA:
                # Timestamps and ZIP64 sizes need a few dozen bytes; more can hide data.
                where = info.header_offset + 30 + name_size
                self.found.error(ExtraBytes("inside", where, extra_size))
            starts[index] = (start, flags)
            self.local_versions[index] = local[0] if 0xFFFFFFFF not in local[6:8] else -local[0]
            descriptor = bool((flags | info.flag_bits) & _DESCRIPTOR)
            spans.append(
                _Span(info.header_offset, start + info.compress_size, info.filename, descriptor)
            )
        position = 0
        reach: _Span | None = None  # the span that reaches furthest so far
        directory = _Span(end.directory_end - end.directory_size, end.directory_end, "", False)
        for span in [*sorted(spans, key=lambda s: s.start), directory]:
            if reach is not None and span.start < position:
                self.found.error(OverlappingData(reach.name))
            elif span.start > position:
                gap = span.start - position
                if reach is None:
                    self.found.error(ExtraBytes("before", 0, gap))
                elif not (reach.descriptor and gap in (12, 16, 20, 24)):
                    self.found.error(ExtraBytes("inside", position, gap))
            if reach is None or span.end > position:
                position, reach = span.end, span
        return starts

    def _check_names(self, infos: list[zipfile.ZipInfo]) -> dict[str, tuple[int, zipfile.ZipInfo]]:
        """Refuse unsafe and duplicate names; return the others, first of each, in zip order."""
        counts: Counter[str] = Counter()
        names: dict[str, tuple[int, zipfile.ZipInfo]] = {}
        for index, info in enumerate(infos):
            name = _entry_name(info)
            reason = _unsafe(info.orig_filename, name)
            if reason:
                self.found.error(UnsafePath(name, reason))
                continue
            counts[name] += 1
            names.setdefault(name, (index, info))
        for name, count in counts.items():
            if count > 1:
                self.found.error(DuplicateEntry(name, count))
        return names

    def _find_bag(self, names: dict[str, tuple[int, zipfile.ZipInfo]]) -> str | None:
        candidates = sorted(
            name.removesuffix("/bagit.txt")
            for name in names
            if name.count("/") == 1 and name.endswith("/bagit.txt")
        )
        if len(candidates) != 1:
            self.found.error(BagNotFound(tuple(candidates)))
            return None
        return candidates[0]

    def _check_entry(self, rel: str, member: ZipMember) -> None:
        info = member.info
        assert info is not None
        if stat.S_ISLNK(info.external_attr >> 16):
            self.found.error(SymlinkEntry(rel))
        if (info.flag_bits | member.local_flags) & _ENCRYPTED:
            self.found.error(EncryptedEntry(rel))
            member.readable = False
        elif info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            self.found.error(UnsupportedCompression(rel, info.compress_type))
            member.readable = False
        elif member.data_start is None:
            member.readable = False  # its local header is damaged: reported already
        elif info.volume != 0:
            self.found.error(SplitZip())
            member.readable = False

    def as_written_by_letters(self, day: tuple[int, int, int]) -> None:
        """Record each entry whose zip details differ from what letters.bundle writes."""
        for rel, member in sorted(self.members.items(), key=lambda item: item[1].order):
            info = member.info
            assert info is not None
            if member.data_start is None:
                continue  # its local header is damaged: reported already
            if (
                info.create_system != 3
                or info.create_version != info.extract_version
                or info.internal_attr != 0
                or info.external_attr != _LETTERS_MODE
                or info.date_time != (*day, 0, 0, 0)
                # zipfile writes ZIP64's version exactly when the local sizes need it
                or member.local_version != (-45 if member.local_version < 0 else 20)
            ):
                self.found.error(NotAsWritten(rel))

    # The entries' data.

    def read_all(self, reads: list[tuple[Member, list[str], bool]]) -> None:
        """Stream each entry once through its digests and the CRC, reading the zip in order."""
        window = _Window(self.handle, self.size, self.pipeline)
        try:
            for member, algorithms, keep in reads:
                self._read(member, algorithms, keep, window)
        finally:
            window.close()
        self.pipeline.wait()

    def _read(self, member: Member, algorithms: list[str], keep: bool, window: _Window) -> None:
        assert isinstance(member, ZipMember) and member.info is not None
        info = member.info

        def done(job: Job) -> None:
            assert job.crc is not None
            member.digests = job.hexdigests()
            member.content = bytes(job.kept.data) if job.kept is not None else None
            member.crc_ok = job.crc.value == info.CRC

        job = self.pipeline.job(
            algorithms, info.file_size, done, crc=True, keep=TAG_LIMIT if keep else None
        )
        produced = 0
        try:
            for buffer, chunk in self._chunks(info, member.data_start or 0, window):
                produced += len(chunk)
                if produced > info.file_size:
                    break  # more than declared: stop, whatever a crafted entry holds
                job.feed(buffer, chunk)
        except (zlib.error, EOFError):
            self.found.error(CorruptEntry(member.path, "data"))
            member.readable = False
            job.abandon()
            return
        if produced != info.file_size:
            self.found.error(CorruptEntry(member.path, "size"))
            member.readable = False
            job.abandon()
            return
        job.close()

    def _chunks(
        self, info: zipfile.ZipInfo, start: int, window: _Window
    ) -> Iterator[tuple[Buffer, memoryview]]:
        inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        if start < 0 or start + info.compress_size > self.size:
            raise EOFError
        for buffer, packed in window.slices(start, info.compress_size):
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


def _agrees(local: tuple[int, ...], info: zipfile.ZipInfo) -> bool:
    """Return whether a local header repeats what the directory says of its entry."""
    version, flags, method, time, day, crc, packed, size = local[:8]
    y, mo, d, h, mi, s = info.date_time
    # The directory may need a later version than the local header (zipfile raises it to
    # ZIP64's when only the entry's offset needs ZIP64), never an earlier one.
    if (version & 0xFF) > info.extract_version or version >> 8 != info.reserved:
        return False
    if (flags, method, time, day) != (
        info.flag_bits,
        info.compress_type,
        (h << 11) | (mi << 5) | (s // 2),
        ((y - 1980) << 9) | (mo << 5) | d,
    ):
        return False
    if (flags & _DESCRIPTOR) or 0xFFFFFFFF in (packed, size):
        return True  # the sizes are in a data descriptor or a ZIP64 field: checked on reading
    return (crc, packed, size) == (info.CRC, info.compress_size, info.file_size)


def _raw_name(info: zipfile.ZipInfo) -> bytes:
    encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
    return info.orig_filename.encode(encoding)


def _entry_name(info: zipfile.ZipInfo) -> str:
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
