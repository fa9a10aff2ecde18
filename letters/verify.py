"""Verify evidence bundles: every checksum and every entry, without extracting anything.

A bundle is VALID only when the zip is one clean archive (no bytes before, between or after
its entries, none overlapping, nothing encrypted, no links, no duplicate or unsafe names),
everything in it lies inside one bag folder, bagit.txt is well-formed, every file listed in
every manifest is present and matches every checksum, every payload file is listed in every
payload manifest, every tag file in every tag manifest, and Payload-Oxum (when present) is
right. That is stricter than bagit-python, which accepts unlisted files in the bag root and
never looks inside the zip. Bags from other tools are accepted: BagIt 0.97 or 1.0, any of
md5, sha1, sha224, sha256, sha384 and sha512 manifests, with or without tag manifests,
entries stored or deflated.

Each entry is streamed once through every digest it needs; memory stays bounded. Paths in
findings are relative to the bag folder, as in its manifests; problems of the zip itself (its
layout and its names) give the entry's full name in the zip.
"""

from __future__ import annotations

import contextlib
import hashlib
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
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from letters.bundle import CHUNK, Digests, hashing_pool, printable
from letters.errors import InputError, LettersError
from letters.i18n import _, os_reason

SUPPORTED_ALGORITHMS = frozenset({"md5", "sha1", "sha224", "sha256", "sha384", "sha512"})

_TAG_LIMIT = 64 << 20  # a tag file we parse larger than this is refused, to bound memory
_ESCAPES = {"0D": "\r", "0A": "\n", "25": "%"}
_RFC_ESCAPE = re.compile("%(0D|0A|25)", re.IGNORECASE)
_LEGACY_ESCAPE = re.compile("%(0D|0A)", re.IGNORECASE)  # BagIt < 1.0, as bagit-python writes
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_MANIFEST = re.compile(r"(tag)?manifest-([^/]+)\.txt")
_STANDARD_TAG_FILES = frozenset({"bagit.txt", "bag-info.txt", "fetch.txt"})


# --- findings ----------------------------------------------------------------------------


class Finding:
    """One reason a bundle is not valid."""

    @property
    def message(self) -> str:
        """Describe the problem in the interface language."""
        raise NotImplementedError

    def to_json(self) -> dict[str, Any]:
        """Return the finding as JSON-ready data: its type, its fields and its message."""
        return {"type": type(self).__name__, **vars(self), "message": self.message}


@dataclass(frozen=True)
class NotAZip(Finding):
    """The file is not a zip archive at all."""

    @property
    def message(self) -> str:
        return _("this file is not a zip archive")


@dataclass(frozen=True)
class TruncatedZip(Finding):
    """The zip is cut short or its directory is damaged."""

    detail: str

    @property
    def message(self) -> str:
        return _("the zip is truncated or damaged: {detail}").format(detail=self.detail)


MAX_EXTRA = 256
"""The most extra-field and comment bytes an entry may carry before they count as hidden data."""


@dataclass(frozen=True)
class ExtraBytes(Finding):
    """Bytes that belong to no entry: hidden before, between or after the zip's entries."""

    where: str  # before | inside | after | comment
    offset: int
    count: int

    @property
    def message(self) -> str:
        if self.where == "before":
            text = _("{count} unexpected bytes before the first zip entry")
        elif self.where == "comment":
            text = _("{count} bytes of zip comment, outside the bag")
        elif self.where == "after":
            text = _("{count} unexpected bytes after the end of the zip")
        else:
            text = _("{count} unexpected bytes inside the zip at offset {offset}")
        return text.format(count=self.count, offset=self.offset)


@dataclass(frozen=True)
class OverlappingData(Finding):
    """An entry's data overlaps another entry or the zip directory (a crafted zip)."""

    path: str

    @property
    def message(self) -> str:
        return _("the data of {path} overlaps other data in the zip").format(
            path=printable(self.path)
        )


@dataclass(frozen=True)
class EntryCountMismatch(Finding):
    """The zip's end record and its directory disagree on the number of entries."""

    declared: int
    found: int

    @property
    def message(self) -> str:
        return _(
            "the end of the zip declares {declared} entries but its directory holds {found}"
        ).format(declared=self.declared, found=self.found)


@dataclass(frozen=True)
class DuplicateEntry(Finding):
    """The same name appears more than once in the zip."""

    path: str
    count: int

    @property
    def message(self) -> str:
        return _("{path} appears {count} times in the zip").format(
            path=printable(self.path), count=self.count
        )


@dataclass(frozen=True)
class UnsafePath(Finding):
    """A name that could write outside the folder it is unpacked in, or hides something."""

    path: str
    reason: str  # absolute | parent | backslash | empty | nul

    @property
    def message(self) -> str:
        if self.reason == "absolute":
            text = _("unsafe name in the zip: {path} is an absolute path")
        elif self.reason == "parent":
            text = _("unsafe name in the zip: {path} climbs out of its folder with ..")
        elif self.reason == "backslash":
            text = _("unsafe name in the zip: {path} contains a backslash")
        elif self.reason == "nul":
            text = _("unsafe name in the zip: {path} contains a NUL character")
        else:
            text = _("unsafe name in the zip: {path} has an empty or . component")
        return text.format(path=printable(self.path))


@dataclass(frozen=True)
class BagNotFound(Finding):
    """The zip does not hold exactly one folder with a bagit.txt."""

    candidates: tuple[str, ...]

    @property
    def message(self) -> str:
        if not self.candidates:
            return _("no bag found: the zip must hold one folder with a bagit.txt in it")
        return _("the zip holds several bags ({names}); a bundle holds one").format(
            names=", ".join(printable(c) for c in self.candidates)
        )


@dataclass(frozen=True)
class OutsideBag(Finding):
    """An entry outside the bag folder."""

    path: str
    bag: str

    @property
    def message(self) -> str:
        return _("{path} is outside the bag folder {bag}").format(
            path=printable(self.path), bag=printable(self.bag)
        )


@dataclass(frozen=True)
class SymlinkEntry(Finding):
    """An entry stored as a symbolic link."""

    path: str

    @property
    def message(self) -> str:
        return _("{path} is a symbolic link").format(path=printable(self.path))


@dataclass(frozen=True)
class EncryptedEntry(Finding):
    """An encrypted entry, which cannot be checked."""

    path: str

    @property
    def message(self) -> str:
        return _("{path} is encrypted and cannot be checked").format(path=printable(self.path))


@dataclass(frozen=True)
class UnsupportedCompression(Finding):
    """An entry compressed with a method this verifier does not read."""

    path: str
    method: int

    @property
    def message(self) -> str:
        return _("{path} uses zip compression method {method}, which cannot be checked").format(
            path=printable(self.path), method=self.method
        )


@dataclass(frozen=True)
class CorruptEntry(Finding):
    """An entry whose zip-level data is damaged."""

    path: str
    reason: str  # crc | size | data | header | name

    @property
    def message(self) -> str:
        if self.reason == "crc":
            text = _("{path} is damaged: its CRC-32 does not match")
        elif self.reason == "size":
            text = _("{path} is damaged: its size is not what the zip directory says")
        elif self.reason == "name":
            text = _("{path} is damaged: its local header names a different file")
        elif self.reason == "header":
            text = _("{path} is damaged: its local header is missing")
        else:
            text = _("{path} is damaged: its data cannot be read")
        return text.format(path=printable(self.path))


@dataclass(frozen=True)
class MalformedTagFile(Finding):
    """A tag file (bagit.txt, bag-info.txt, a manifest) that does not follow RFC 8493."""

    path: str
    line: int  # 0 when the problem is the whole file
    reason: str

    @property
    def message(self) -> str:
        match self.reason:
            case "encoding":
                text = _("{path} is not UTF-8 text")
            case "too-large":
                text = _("{path} is too large to be a tag file")
            case "declaration":
                text = _(
                    "{path} must hold exactly two lines: BagIt-Version: M.N and "
                    "Tag-File-Character-Encoding: UTF-8"
                )
            case "version":
                text = _("{path}, line {line}: expected BagIt-Version: M.N")
            case "charset":
                text = _("{path}, line {line}: only UTF-8 tag files are supported")
            case "line":
                text = _("{path}, line {line}: expected a checksum, spaces, then a path")
            case "checksum":
                text = _("{path}, line {line}: the checksum is not a hex digest of this algorithm")
            case "unsafe":
                text = _("{path}, line {line}: the path is absolute or climbs out with ..")
            case "not-payload":
                text = _("{path}, line {line}: a payload manifest may only list files in data/")
            case "payload":
                text = _("{path}, line {line}: a tag manifest may not list files in data/")
            case "tag":
                text = _("{path}, line {line}: expected Label: value")
            case _:
                text = _("{path}, line {line}: Payload-Oxum must be given once, as octets.files")
        return text.format(path=printable(self.path), line=self.line)


@dataclass(frozen=True)
class MissingManifest(Finding):
    """The bag has no payload manifest."""

    @property
    def message(self) -> str:
        return _("the bag has no payload manifest (such as manifest-sha512.txt)")


@dataclass(frozen=True)
class UnsupportedAlgorithm(Finding):
    """A manifest whose algorithm this verifier does not know, so it cannot be checked."""

    manifest: str

    @property
    def message(self) -> str:
        return _("{manifest} uses an algorithm that cannot be checked").format(
            manifest=printable(self.manifest)
        )


@dataclass(frozen=True)
class DuplicateManifestEntry(Finding):
    """A path listed twice in one manifest."""

    manifest: str
    path: str

    @property
    def message(self) -> str:
        return _("{manifest} lists {path} more than once").format(
            manifest=self.manifest, path=printable(self.path)
        )


@dataclass(frozen=True)
class MissingFile(Finding):
    """A file a manifest lists that the bag does not hold."""

    path: str
    manifest: str

    @property
    def message(self) -> str:
        return _("{path} is listed in {manifest} but is not in the bag").format(
            path=printable(self.path), manifest=self.manifest
        )


@dataclass(frozen=True)
class ExtraFile(Finding):
    """A file in the bag that a manifest does not list (None: no tag manifest lists it)."""

    path: str
    manifest: str | None

    @property
    def message(self) -> str:
        if self.manifest is None:
            return _("{path} is in the bag but no manifest lists it").format(
                path=printable(self.path)
            )
        return _("{path} is in the bag but not listed in {manifest}").format(
            path=printable(self.path), manifest=self.manifest
        )


@dataclass(frozen=True)
class ChecksumMismatch(Finding):
    """A file whose content does not match its checksum: it was changed or damaged."""

    path: str
    algorithm: str
    expected: str
    found: str

    @property
    def message(self) -> str:
        return _(
            "{path} has changed: its {algorithm} checksum is {found}, the manifest says {expected}"
        ).format(
            path=printable(self.path),
            algorithm=self.algorithm,
            found=self.found,
            expected=self.expected,
        )


@dataclass(frozen=True)
class OxumMismatch(Finding):
    """Payload-Oxum (octets.files) does not describe the payload."""

    expected: str
    found: str

    @property
    def message(self) -> str:
        return _("bag-info.txt gives Payload-Oxum {expected}, but the payload is {found}").format(
            expected=self.expected, found=self.found
        )


@dataclass(frozen=True)
class VerifyReport:
    """Everything `verify_bundle` found; VALID when there are no findings."""

    path: Path
    findings: tuple[Finding, ...]
    bag: str | None = None
    payload_files: int = 0
    payload_bytes: int = 0
    algorithms: tuple[str, ...] = ()
    fingerprint: str | None = None  # SHA-256 of tagmanifest-sha256.txt, as `bundle` printed

    @property
    def valid(self) -> bool:
        """Return whether the bundle passed every check."""
        return not self.findings

    def to_json(self) -> dict[str, Any]:
        """Return the report as JSON-ready data."""
        return {
            "path": str(self.path),
            "valid": self.valid,
            "bag": self.bag,
            "payload_files": self.payload_files,
            "payload_bytes": self.payload_bytes,
            "algorithms": list(self.algorithms),
            "fingerprint": self.fingerprint,
            "findings": [finding.to_json() for finding in self.findings],
        }


# --- verifying ---------------------------------------------------------------------------


def verify_bundle(path: Path, progress: Callable[[int], None] | None = None) -> VerifyReport:
    """Check a bundle zip without extracting anything and report every problem found.

    `progress(nbytes)` advances as the zip is read; the file's size is the total. Raises
    InputError if `path` cannot be opened as a file, LettersError if reading it fails midway.
    """
    try:
        handle = open(path, "rb", buffering=0)  # noqa: SIM115 (closed below)
    except IsADirectoryError as error:
        raise InputError(
            _("{path} is a folder — give the bundle's .zip file").format(path=path)
        ) from error
    except OSError as error:
        raise InputError(
            _("cannot read {path}: {reason}").format(path=path, reason=os_reason(error))
        ) from error
    try:
        with handle, hashing_pool() as pool:
            return _Verifier(path, handle, pool, progress).run()
    except OSError as error:
        raise LettersError(
            _("cannot read {path}: {reason}").format(path=path, reason=os_reason(error))
        ) from error


def decode_path(path: str, version: tuple[int, int] = (1, 0)) -> str:
    """Read a manifest path: undo %0D, %0A and %25 (only %0D and %0A before BagIt 1.0)."""
    pattern = _RFC_ESCAPE if version >= (1, 0) else _LEGACY_ESCAPE
    return pattern.sub(lambda m: _ESCAPES[m[1].upper()], path)


@dataclass(frozen=True)
class _End:
    """Where the zip's end records are and what they declare."""

    end: int  # where the zip should end: after the end record and its comment
    directory_end: int  # where the central directory should end
    entries: int
    directory_size: int


@dataclass
class _Entry:
    """One file in the bag, once read."""

    info: zipfile.ZipInfo
    data_start: int | None = None
    local_flags: int = 0
    readable: bool = True
    crc_ok: bool = True
    digests: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None


@dataclass
class _Span:
    start: int
    end: int
    name: str
    descriptor: bool


class _Verifier:
    def __init__(
        self,
        path: Path,
        handle: io.FileIO,
        pool: Executor,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.path = path
        self.handle = handle
        self.pool = pool
        self.progress = progress
        self.size = os.fstat(handle.fileno()).st_size
        self.findings: list[Finding] = []
        self.changed: set[str] = set()  # paths already named by a ChecksumMismatch
        self.buffer = bytearray(CHUNK)
        self.comment = (0, 0)  # where the zip's comment starts, and its length

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def report(self, **details: Any) -> VerifyReport:
        return VerifyReport(self.path, tuple(self.findings), **details)

    def read_at(self, offset: int, count: int) -> bytes:
        self.handle.seek(offset)
        return self.handle.read(count) or b""

    def run(self) -> VerifyReport:
        end = self._end_record()
        if end is None:
            if self.read_at(0, 4) == b"PK\x03\x04":
                self.add(TruncatedZip(_("the end of the zip is missing")))
            else:
                self.add(NotAZip())
            return self.report()
        try:
            with zipfile.ZipFile(self.handle) as archive:
                infos = archive.infolist()
        except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, struct.error) as e:
            self.add(TruncatedZip(str(e)))
            return self.report()
        starts = self._check_layout(end, infos)
        names = self._check_names(infos)
        bag = self._find_bag(names)
        if bag is None:
            return self.report()
        entries = {}
        for name, (index, info) in names.items():
            if not name.startswith(bag + "/"):
                self.add(OutsideBag(name, bag))
            elif not name.endswith("/"):  # folder entries carry nothing to check
                start, local_flags = starts.get(index, (None, 0))
                entries[name.removeprefix(bag + "/")] = _Entry(info, start, local_flags)
        return self._check_bag(bag, entries)

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
        entries, directory_size, comment = fields[4], fields[5], fields[7]
        directory_end = position
        locator = self.read_at(position - 20, 20) if position >= 20 else b""
        if locator[:4] == b"PK\x06\x07" and position >= 76:
            record = self.read_at(position - 76, 56)
            if record[:4] == b"PK\x06\x06":
                # ZIP64: the real counts are here (zipfile assumes the same layout).
                zip64 = struct.unpack("<4sQ2H2L4Q", record)
                entries, directory_size = zip64[7], zip64[8]
                directory_end = position - 76
        self.comment = (position + 22, comment)
        return _End(position + 22 + comment, directory_end, entries, directory_size)

    def _check_layout(self, end: _End, infos: list[zipfile.ZipInfo]) -> dict[int, tuple[int, int]]:
        """Check that entries and directory tile the file; return data offsets and flags."""
        if end.end < self.size:
            self.add(ExtraBytes("after", end.end, self.size - end.end))
        offset, comment = self.comment
        if comment and end.end <= self.size:  # a comment can carry anything; nothing covers it
            self.add(ExtraBytes("comment", offset, comment))
        elif end.end > self.size:
            self.add(TruncatedZip(_("the end record of the zip is cut short")))
        if end.entries != len(infos):
            self.add(EntryCountMismatch(end.entries, len(infos)))
        starts: dict[int, tuple[int, int]] = {}
        spans = []
        for index, info in enumerate(infos):
            header = self.read_at(info.header_offset, 30)
            if len(header) < 30 or header[:4] != b"PK\x03\x04":
                self.add(CorruptEntry(info.filename, "header"))
                continue
            flags, name_size, extra_size = struct.unpack("<6xH18xHH", header)
            if self.read_at(info.header_offset + 30, name_size) != _raw_name(info):
                self.add(CorruptEntry(info.filename, "name"))
                continue
            start = info.header_offset + 30 + name_size + extra_size
            if extra_size > MAX_EXTRA or len(info.comment) + len(info.extra) > MAX_EXTRA:
                # Timestamps and ZIP64 sizes need a few dozen bytes; more can hide data.
                self.add(ExtraBytes("inside", info.header_offset + 30 + name_size, extra_size))
            starts[index] = (start, flags)
            descriptor = bool((flags | info.flag_bits) & 0x08)
            spans.append(
                _Span(info.header_offset, start + info.compress_size, info.filename, descriptor)
            )
        position = 0
        reach: _Span | None = None  # the span that reaches furthest so far
        directory = _Span(end.directory_end - end.directory_size, end.directory_end, "", False)
        for span in [*sorted(spans, key=lambda s: s.start), directory]:
            if reach is not None and span.start < position:
                self.add(OverlappingData(reach.name))
            elif span.start > position:
                gap = span.start - position
                if reach is None:
                    self.add(ExtraBytes("before", 0, gap))
                elif not (reach.descriptor and gap in (12, 16, 20, 24)):
                    self.add(ExtraBytes("inside", position, gap))
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
                self.add(UnsafePath(name, reason))
                continue
            counts[name] += 1
            names.setdefault(name, (index, info))
        for name, count in counts.items():
            if count > 1:
                self.add(DuplicateEntry(name, count))
        return names

    def _find_bag(self, names: dict[str, tuple[int, zipfile.ZipInfo]]) -> str | None:
        candidates = sorted(
            name.removesuffix("/bagit.txt")
            for name in names
            if name.count("/") == 1 and name.endswith("/bagit.txt")
        )
        if len(candidates) != 1:
            self.add(BagNotFound(tuple(candidates)))
            return None
        return candidates[0]

    # The bag inside it.

    def _check_bag(self, bag: str, entries: dict[str, _Entry]) -> VerifyReport:
        for rel, entry in entries.items():
            info = entry.info
            if stat.S_ISLNK(info.external_attr >> 16):
                self.add(SymlinkEntry(rel))
            if (info.flag_bits | entry.local_flags) & 1:
                self.add(EncryptedEntry(rel))
                entry.readable = False
            elif info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                self.add(UnsupportedCompression(rel, info.compress_type))
                entry.readable = False
            elif entry.data_start is None:
                entry.readable = False  # its local header is damaged: reported already
        manifests: dict[str, str] = {}  # file name -> algorithm
        for rel in entries:
            match = _MANIFEST.fullmatch(rel)
            if match:
                if match[2] in SUPPORTED_ALGORITHMS:
                    manifests[rel] = match[2]
                else:
                    self.add(UnsupportedAlgorithm(rel))
        payload_algorithms = sorted({a for m, a in manifests.items() if m.startswith("manifest-")})
        tag_algorithms = sorted({a for m, a in manifests.items() if m.startswith("tagmanifest-")})
        parsed = {"bagit.txt", "bag-info.txt", *manifests}

        for rel, entry in sorted(entries.items(), key=lambda item: item[1].info.header_offset):
            if entry.readable:
                algorithms = payload_algorithms if rel.startswith("data/") else tag_algorithms
                self._read(rel, entry, algorithms, keep=rel in parsed)

        version = self._bag_declaration(entries["bagit.txt"])
        payload = {rel: e for rel, e in entries.items() if rel.startswith("data/")}
        tags = {rel: e for rel, e in entries.items() if not rel.startswith("data/")}
        if not any(rel.startswith("manifest-") and _MANIFEST.fullmatch(rel) for rel in entries):
            self.add(MissingManifest())
        for manifest, algorithm in sorted(manifests.items()):
            listed = self._manifest(manifest, entries[manifest], algorithm, version)
            if listed is None:
                continue  # unreadable: reported already, and comparing would only add noise
            if manifest.startswith("manifest-"):
                self._compare(manifest, algorithm, listed, payload, set(payload))
            else:
                listed_ones = {r for r in tags if not r.startswith("tagmanifest-")}
                self._compare(manifest, algorithm, listed, tags, listed_ones)
        if not tag_algorithms:
            for rel in tags:
                if rel not in _STANDARD_TAG_FILES and not _MANIFEST.fullmatch(rel):
                    self.add(ExtraFile(rel, None))
        for rel, entry in entries.items():
            if entry.readable and not entry.crc_ok and rel not in self.changed:
                self.add(CorruptEntry(rel, "crc"))
        octets = sum(e.info.file_size for e in payload.values())
        if "bag-info.txt" in entries:
            self._bag_info(entries["bag-info.txt"], octets, len(payload))
        tag_manifest = entries.get("tagmanifest-sha256.txt")
        content = tag_manifest.content if tag_manifest else None
        return self.report(
            bag=bag,
            payload_files=len(payload),
            payload_bytes=octets,
            algorithms=tuple(payload_algorithms),
            fingerprint=hashlib.sha256(content).hexdigest() if content is not None else None,
        )

    def _read(self, rel: str, entry: _Entry, algorithms: list[str], keep: bool) -> None:
        """Stream one entry through its digests and the CRC, once."""
        info = entry.info
        digests = Digests(algorithms, self.pool)
        crc = 0
        produced = 0
        kept = bytearray() if keep else None

        def alongside(chunk: bytes | memoryview) -> None:
            nonlocal crc
            crc = zlib.crc32(chunk, crc)
            if kept is not None and len(kept) <= _TAG_LIMIT:
                kept.extend(chunk)

        try:
            for chunk in self._chunks(info, entry.data_start or 0):
                produced += len(chunk)
                if produced > info.file_size:
                    break  # more than declared: stop, whatever a crafted entry holds
                digests.update(chunk, alongside)
        except (zlib.error, EOFError):
            self.add(CorruptEntry(rel, "data"))
            entry.readable = False
            return
        if produced != info.file_size:
            self.add(CorruptEntry(rel, "size"))
            entry.readable = False
            return
        entry.digests = digests.hexdigests()
        entry.content = bytes(kept) if kept is not None else None
        entry.crc_ok = crc == info.CRC

    def _chunks(self, info: zipfile.ZipInfo, start: int) -> Iterator[bytes | memoryview]:
        view = memoryview(self.buffer)
        inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        remaining = info.compress_size
        self.handle.seek(start)
        while remaining:
            count = self.handle.readinto(view[: min(CHUNK, remaining)])
            if not count:
                raise EOFError
            remaining -= count
            if self.progress is not None:
                self.progress(count)
            if inflater is None:
                yield view[:count]
                continue
            data: bytes | memoryview = view[:count]
            while True:
                out = inflater.decompress(data, CHUNK)
                if out:
                    yield out
                data = inflater.unconsumed_tail
                if not data and len(out) < CHUNK:
                    break
        if inflater is not None and not inflater.eof:
            raise EOFError

    def _text(self, rel: str, entry: _Entry) -> str | None:
        if not entry.readable:
            return None
        content = entry.content or b""
        if len(content) > _TAG_LIMIT:
            self.add(MalformedTagFile(rel, 0, "too-large"))
            return None
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            self.add(MalformedTagFile(rel, 0, "encoding"))
            return None

    def _bag_declaration(self, entry: _Entry) -> tuple[int, int]:
        text = self._text("bagit.txt", entry)
        if text is None:
            return (1, 0)
        lines = [line for line in _LINE_BREAK.split(text) if line]
        version = re.fullmatch(r"BagIt-Version: *(\d+)\.(\d+) *", lines[0]) if lines else None
        encoding = (
            re.fullmatch(r"Tag-File-Character-Encoding: *(\S+) *", lines[1])
            if len(lines) > 1
            else None
        )
        if len(lines) != 2 or text.startswith("\ufeff") or encoding is None:
            self.add(MalformedTagFile("bagit.txt", 0, "declaration"))
        elif version is None:
            self.add(MalformedTagFile("bagit.txt", 1, "version"))
        elif encoding[1].upper() not in ("UTF-8", "UTF8"):
            self.add(MalformedTagFile("bagit.txt", 2, "charset"))
        return (int(version[1]), int(version[2])) if version else (1, 0)

    def _manifest(
        self, manifest: str, entry: _Entry, algorithm: str, version: tuple[int, int]
    ) -> dict[str, str] | None:
        text = self._text(manifest, entry)
        if text is None:
            return None
        width = hashlib.new(algorithm).digest_size * 2
        payload = manifest.startswith("manifest-")
        listed: dict[str, str] = {}
        for number, line in enumerate(_LINE_BREAK.split(text.removeprefix("\ufeff")), 1):
            if not line:
                continue
            match = re.fullmatch(r"(\S+)[ \t]+\*?(.+)", line)
            if match is None:
                self.add(MalformedTagFile(manifest, number, "line"))
                continue
            checksum, raw = match.groups()
            if len(checksum) != width or not all(c in "0123456789abcdefABCDEF" for c in checksum):
                self.add(MalformedTagFile(manifest, number, "checksum"))
                continue
            path = unicodedata.normalize("NFC", decode_path(raw, version))
            if path.startswith("/") or any(p in ("", ".", "..") for p in path.split("/")):
                self.add(MalformedTagFile(manifest, number, "unsafe"))
            elif payload != path.startswith("data/"):
                reason = "not-payload" if payload else "payload"
                self.add(MalformedTagFile(manifest, number, reason))
            elif path in listed:
                self.add(DuplicateManifestEntry(manifest, path))
            else:
                listed[path] = checksum.lower()
        return listed

    def _compare(
        self,
        manifest: str,
        algorithm: str,
        listed: dict[str, str],
        present: dict[str, _Entry],
        required: set[str],
    ) -> None:
        for path, expected in listed.items():
            entry = present.get(path)
            if entry is None:
                self.add(MissingFile(path, manifest))
            elif entry.readable and entry.digests.get(algorithm) != expected:
                self.add(ChecksumMismatch(path, algorithm, expected, entry.digests[algorithm]))
                self.changed.add(path)
        for path in sorted(required - listed.keys()):
            self.add(ExtraFile(path, manifest))

    def _bag_info(self, entry: _Entry, octets: int, files: int) -> None:
        text = self._text("bag-info.txt", entry)
        if text is None:
            return
        oxums = []
        for number, line in enumerate(_LINE_BREAK.split(text.removeprefix("\ufeff")), 1):
            if not line.strip() or line[0] in " \t":
                continue  # blank, or the continuation of a long value
            label, colon, value = line.partition(":")
            if not colon or not label.strip():
                self.add(MalformedTagFile("bag-info.txt", number, "tag"))
            elif label.strip().lower() == "payload-oxum":
                oxums.append((number, value.strip()))
        for number, _value in oxums[1:]:
            self.add(MalformedTagFile("bag-info.txt", number, "oxum"))
        if oxums:
            number, value = oxums[0]
            if not re.fullmatch(r"\d+\.\d+", value):
                self.add(MalformedTagFile("bag-info.txt", number, "oxum"))
            elif value != f"{octets}.{files}":
                self.add(OxumMismatch(value, f"{octets}.{files}"))


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
