"""Build evidence bundles: a BagIt 1.0 bag (RFC 8493), serialized as one reproducible zip.

The zip unpacks to one folder named like the zip's stem::

    bundle-2026-11-24/
      bagit.txt                  BagIt-Version 1.0, UTF-8
      data/documents/…           the generated email and letters
      data/evidence/…            the evidence folder exactly as found, same relative paths
      data/index/index.csv       exhibits: number, path, type, size, date, SHA-256, events
      data/index/index.json      exhibits, documents and the timeline, for programs
      data/index/index.pdf       the same for people (when the caller renders one)
      data/index/timeline.csv    events in order, each with the exhibit numbers it cites
      bag-info.txt               Bagging-Date, Payload-Oxum, contact, description, …
      manifest-sha256.txt, manifest-sha512.txt
      tagmanifest-sha256.txt, tagmanifest-sha512.txt

Entries are written in that order (payload sorted by path); bag-info.txt comes after the
payload because its Payload-Oxum counts the index, whose content depends on the evidence hashes.

Same inputs, same bytes: entry dates come from the bagging date, modes and the creating
system are fixed, names are NFC, and nothing read from the clock, the time zone, the umask,
the interface language or file modification times goes into the zip. That is why an
exhibit's date is the date of the earliest event citing it, not the file's mtime.

Every evidence file is read once, in 4 MiB chunks that are hashed (the slower digest on a
helper thread, the other and the zip's CRC-32 on the calling one) as they are written, so memory
stays bounded whatever the size. The evidence folder is only ever opened read-only.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import posixpath
import stat
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO, ClassVar, Protocol

from letters import __version__
from letters.bag.digests import CHUNK, Digests, hashing_pool
from letters.bag.findings import Finding
from letters.bag.manifest import ALGORITHMS
from letters.bag.manifest import manifest_bytes as _manifest
from letters.bag.paths import SYSTEM_DIRS as _SYSTEM_DIRS
from letters.bag.paths import SYSTEM_FILES as _SYSTEM_FILES
from letters.bag.paths import printable
from letters.bag.paths import sort_key as _sort_key
from letters.bag.zipdates import zip_day
from letters.casefolder import EVIDENCE_NOTE
from letters.errors import BundleError, InputError
from letters.i18n import N_, _, os_reason
from letters.output import atomic_file, refuse_existing, refuse_inside

BAG_DECLARATION = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"

_KINDS = {
    "image": "png jpg jpeg gif heic heif webp bmp tif tiff svg",
    "pdf": "pdf",
    "email": "eml emlx msg mbox",
    "text": "txt text md log json xml",
    "web page": "html htm mht mhtml webarchive",
    "document": "doc docx odt rtf pages",
    "spreadsheet": "csv xls xlsx ods numbers",
    "video": "mp4 mov m4v avi mkv webm 3gp wmv",
    "audio": "mp3 m4a wav aac amr ogg opus flac caf",
    "archive": "zip rar 7z tar gz tgz",
}
_KIND_OF = {ext: kind for kind, exts in _KINDS.items() for ext in exts.split()}

_WRITE_BACK = 64 << 20


# --- inputs ------------------------------------------------------------------------------


class TimelineEvent(Protocol):
    """One event of the case timeline, as the case model provides it."""

    @property
    def at(self) -> datetime | date: ...  # an aware datetime, or a date when the time is unknown

    @property
    def channel(self) -> str: ...

    @property
    def party(self) -> str | None: ...

    @property
    def reference(self) -> str | None: ...

    @property
    def summary(self) -> str: ...

    @property
    def evidence(self) -> tuple[str, ...]: ...  # paths relative to the evidence folder

    @property
    def certified_mail(self) -> str | None: ...  # the USPS article number of a mailed letter


@dataclass(frozen=True)
class BagInfo:
    """What bag-info.txt says about the bundle."""

    contact_name: str
    external_description: str
    contact_email: str | None = None
    external_identifier: str | None = None
    source_organization: str | None = None
    certified_mail: tuple[str, ...] = ()  # the article numbers of the letters mailed


@dataclass(frozen=True)
class EvidenceFile:
    """One regular file found in the evidence folder, as it was when scanned."""

    path: str  # relative to the evidence folder, `/`-separated, NFC
    source: Path
    size: int
    mtime_ns: int
    device: int
    inode: int


@dataclass(frozen=True)
class BundleWarning(Finding):
    """Something left out or unresolved; the bundle was still built."""

    kind: str  # symlink | special | system | empty | placeholder | not-found
    path: str
    event: int | None = None
    template: ClassVar[Mapping[str, str]] = {
        "symlink": N_("skipped {path}: it is a symbolic link, and links are not followed"),
        "special": N_("skipped {path}: it is not a regular file"),
        "system": N_("skipped {path}: it is a file the operating system made, not evidence"),
        "no evidence": N_("the evidence folder is empty: the bundle holds no evidence files"),
        "empty": N_("skipped {path}: the folder is empty"),
        "placeholder": N_(
            "skipped {path}: its content is not on this computer (a cloud file not "
            "downloaded) — make it available offline, then run the command again"
        ),
        "not-found": N_("event {event} cites {path}, which is not in the evidence folder"),
    }

    @property
    def reason(self) -> str:
        return "no evidence" if self.kind == "empty" and not self.path else self.kind


@dataclass(frozen=True)
class Evidence:
    """The files an evidence folder holds, found by `scan_evidence`."""

    root: Path
    files: tuple[EvidenceFile, ...] = ()
    skipped: tuple[BundleWarning, ...] = ()

    @property
    def total_bytes(self) -> int:
        """Return how many bytes a build will read (the length of its progress bar)."""
        return sum(f.size for f in self.files)


# --- outputs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Exhibit:
    """One evidence file and the number everyone refers to it by."""

    number: int
    path: str  # relative to the evidence folder
    bag_path: str  # relative to the bag folder: data/evidence/…
    kind: str  # image, pdf, email, text, video, audio, document, … or other
    size: int
    sha256: str
    date: date | None  # of the earliest event citing it; None when no event does
    events: tuple[int, ...]  # numbers of the events citing it


@dataclass(frozen=True)
class Document:
    """One generated document carried in the bundle."""

    name: str
    bag_path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class TimelineEntry:
    """One event in timeline order, linked to the exhibits it cites."""

    number: int
    event: TimelineEvent
    exhibits: tuple[int, ...]
    missing: tuple[str, ...]  # cited paths that are not in the evidence folder


@dataclass(frozen=True)
class BundleIndex:
    """What the index files say; handed to the caller's PDF renderer."""

    name: str
    bagging_date: date
    info: BagInfo
    exhibits: tuple[Exhibit, ...]
    documents: tuple[Document, ...]
    timeline: tuple[TimelineEntry, ...]


@dataclass(frozen=True)
class BundleResult:
    """What `build_bundle` wrote."""

    path: Path
    index: BundleIndex
    payload_bytes: int
    payload_files: int
    warnings: tuple[BundleWarning, ...]
    fingerprint: str  # SHA-256 of tagmanifest-sha256.txt: names the whole bag's content

    @property
    def exhibits(self) -> tuple[Exhibit, ...]:
        """Return the exhibits, numbered from 1."""
        return self.index.exhibits


# --- paths -------------------------------------------------------------------------------


def exhibit_kind(path: str) -> str:
    """Return the kind of an exhibit from its extension: image, pdf, email, … or other."""
    return _KIND_OF.get(posixpath.splitext(path)[1][1:].lower(), "other")


# --- scanning ----------------------------------------------------------------------------


def scan_evidence(root: Path) -> Evidence:
    """List the regular files of an evidence folder without reading them.

    Symbolic links, special files (FIFOs, sockets, devices), operating-system clutter
    (.DS_Store, Thumbs.db, desktop.ini, AppleDouble `._*` files, .Trashes, …), empty folders
    and cloud placeholders (files whose content is not downloaded) are skipped and reported;
    hidden files of the user's own are kept. Raises InputError if `root` is not a
    folder, BundleError for an unreadable folder, a name that is not UTF-8, or two names that
    would be the same file on Windows or macOS (differing only in case or Unicode form).
    """
    if not root.is_dir():
        raise InputError(_("{path} is not a folder").format(path=root))
    files: list[EvidenceFile] = []
    skipped: list[BundleWarning] = []
    pending = [("", root)]
    while pending:
        prefix, folder = pending.pop()
        try:
            with os.scandir(folder) as entries:
                listing = sorted(entries, key=lambda e: e.name)
        except OSError as error:
            raise BundleError(
                _("cannot read the folder {path}: {reason}").format(
                    path=folder, reason=os_reason(error)
                )
            ) from error
        if not listing:  # a zip keeps no folders: say where nothing came from
            skipped.append(BundleWarning("empty", prefix))
        for entry in listing:
            if not prefix and entry.name == EVIDENCE_NOTE:  # `init`'s note, not evidence
                continue
            rel = prefix + entry.name
            _check_name(rel, Path(entry.path))
            rel = unicodedata.normalize("NFC", rel)
            lowered = entry.name.lower()
            try:
                if entry.is_symlink():
                    skipped.append(BundleWarning("symlink", rel))
                elif entry.is_dir(follow_symlinks=False):
                    if lowered in _SYSTEM_DIRS:
                        skipped.append(BundleWarning("system", rel + "/"))
                    else:
                        pending.append((rel + "/", Path(entry.path)))
                elif not entry.is_file(follow_symlinks=False):
                    skipped.append(BundleWarning("special", rel))
                elif lowered in _SYSTEM_FILES or entry.name.startswith("._"):
                    skipped.append(BundleWarning("system", rel))
                elif is_placeholder(st := entry.stat(follow_symlinks=False), Path(entry.path)):
                    skipped.append(BundleWarning("placeholder", rel))
                else:
                    files.append(
                        EvidenceFile(
                            rel, Path(entry.path), st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino
                        )
                    )
            except OSError as error:
                raise BundleError(
                    _("cannot read {path}: {reason}").format(
                        path=entry.path, reason=os_reason(error)
                    )
                ) from error
    _refuse_collisions([f.path for f in files], root)
    files.sort(key=lambda f: _sort_key(f.path))
    skipped.sort(key=lambda w: _sort_key(w.path))
    return Evidence(root, tuple(files), tuple(skipped))


# Windows: FILE_ATTRIBUTE_OFFLINE, _RECALL_ON_OPEN, _RECALL_ON_DATA_ACCESS (OneDrive, …).
_OFFLINE_ATTRIBUTES = 0x1000 | 0x40000 | 0x400000
_SF_DATALESS = 0x40000000  # macOS: the content is in the cloud (iCloud Drive, Dropbox, …)
_INLINE_BYTES = 4096  # small files may live in the file system's own records, with no block


def is_placeholder(st: os.stat_result, path: Path) -> bool:
    """Return True for a file whose content is not on this computer: a cloud placeholder."""
    if getattr(st, "st_file_attributes", 0) & _OFFLINE_ATTRIBUTES:
        return True
    if getattr(st, "st_flags", 0) & _SF_DATALESS:
        return True
    # Elsewhere (and for cloud drives that set neither): a size, but no block stored...
    if st.st_size <= _INLINE_BYTES or getattr(st, "st_blocks", 1) != 0:
        return False
    # ...and no data anywhere in it, where the system can say (some file systems report
    # no blocks for files that have data).
    seek_data = getattr(os, "SEEK_DATA", None)
    if seek_data is None:
        return True
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | os.O_NONBLOCK)
    except OSError:
        return True
    try:
        os.lseek(fd, 0, seek_data)  # ENXIO: no data at all; anything else: trust the blocks
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def _check_name(rel: str, source: Path) -> None:
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        raise BundleError(
            _("{path}: the name is not valid UTF-8 — rename it and run the command again").format(
                path=printable(os.fsencode(source).decode("utf-8", "backslashreplace"))
            )
        ) from None
    if "\\" in rel:
        # Windows tools read a backslash in a zip name as a folder separator.
        raise BundleError(
            _("{path}: the name contains a backslash — rename it and run the command again").format(
                path=printable(str(source))
            )
        )


def _refuse_collisions(paths: Iterable[str], root: Path | None) -> None:
    # Bags may hold both "A.png" and "a.png", but unzipped on Windows or macOS one would
    # overwrite the other, and the bag would no longer verify there.
    seen: dict[str, str] = {}
    for path in paths:
        key = path.lower()
        if key in seen:
            first, second = (root / seen[key], root / path) if root else (seen[key], path)
            raise BundleError(
                _(
                    "{first} and {second} differ only in letter case or Unicode form, so a zip "
                    "cannot hold both on Windows or macOS — rename one and run the command again"
                ).format(first=first, second=second)
            )
        seen[key] = path


# --- building ----------------------------------------------------------------------------


def build_bundle(
    out: Path,
    evidence: Evidence | None,
    *,
    bagging_date: date,
    info: BagInfo,
    events: Sequence[TimelineEvent] = (),  # in the case's order
    documents: Mapping[str, bytes] | None = None,
    index_pdf: Callable[[BundleIndex], bytes] | None = None,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
    name: str | None = None,
    shown: Path | None = None,
) -> BundleResult:
    """Write the evidence bundle zip at `out`, all or nothing.

    `evidence` comes from `scan_evidence` (None for a bundle without evidence); its
    `total_bytes` is the length of the progress bar that `progress(nbytes)` advances.
    `documents` maps names such as `request.en.pdf` to bytes, stored under data/documents/.
    `index_pdf`, when given, renders the index PDF from the exhibits (numbered, with SHA-256)
    and the timeline; it must return the same bytes for the same index. The bag folder is
    named `name`, by default `out.stem`; `bagging_date` is the only date written. Messages
    name `shown` instead of `out` when `out` is a staging file the caller moves into place.

    Raises InputError if `out` is inside the evidence folder or a document name is unusable,
    OutputExistsError if `out` exists and not `force`, BundleError if the evidence cannot be
    read or changes while it is read, or the zip cannot be written. On any failure nothing is
    left at `out`.
    """
    name = unicodedata.normalize("NFC", name or out.stem)
    if not name or name in (".", "..") or "\\" in name:
        raise InputError(
            _("{path}: the bundle needs a file name such as bundle.zip").format(path=out)
        )
    if evidence is not None:
        refuse_inside(out, evidence.root)
    refuse_existing([out], force)  # before reading gigabytes, not after
    files = evidence.files if evidence is not None else ()
    docs = _documents(documents or {})
    timeline, exhibit_events, not_found = _timeline(events, [f.path for f in files])
    if evidence is None:
        not_found = ()  # no evidence folder was given, so nothing cited can be in it

    try:
        with (
            atomic_file(out, force) as handle,
            hashing_pool() as pool,
            _BagWriter(handle, name, bagging_date, pool) as writer,
        ):
            writer.add_bytes("bagit.txt", BAG_DECLARATION)
            documents_index = tuple(
                Document(doc_name, bag_path, len(data), writer.add_bytes(bag_path, data)["sha256"])
                for doc_name, bag_path, data in docs
            )
            exhibits = []
            for number, item in enumerate(files, 1):
                digests = writer.add_file(item, progress)
                cited = exhibit_events.get(item.path, ())
                exhibits.append(
                    Exhibit(
                        number=number,
                        path=item.path,
                        bag_path="data/evidence/" + item.path,
                        kind=exhibit_kind(item.path),
                        size=item.size,
                        sha256=digests["sha256"],
                        date=min((_day(timeline[n - 1].event.at) for n in cited), default=None),
                        events=cited,
                    )
                )
            index = BundleIndex(
                name, bagging_date, info, tuple(exhibits), documents_index, timeline
            )
            for bag_path, data in _index_files(index, index_pdf):
                writer.add_bytes(bag_path, data)
            fingerprint = writer.finish(info)
            result = BundleResult(
                path=out,
                index=index,
                payload_bytes=writer.payload_bytes,
                payload_files=writer.payload_files,
                warnings=(evidence.skipped if evidence else ()) + not_found,
                fingerprint=fingerprint,
            )
    except OSError as error:
        raise BundleError(
            _("cannot write {path}: {reason}").format(path=shown or out, reason=os_reason(error))
        ) from error
    return result


def _documents(documents: Mapping[str, bytes]) -> list[tuple[str, str, bytes]]:
    docs = []
    for raw_name, data in documents.items():
        doc = unicodedata.normalize("NFC", raw_name)
        parts = doc.split("/")
        if doc.startswith("/") or "\\" in doc or any(p in ("", ".", "..") for p in parts):
            raise InputError(
                _("{name} cannot be a document name in a bundle").format(name=raw_name)
            )
        docs.append((doc, "data/documents/" + doc, data))
    _refuse_collisions([doc for doc, _bag, _data in docs], None)
    docs.sort(key=lambda d: _sort_key(d[0]))
    return docs


def _day(at: datetime | date) -> date:
    return at.date() if isinstance(at, datetime) else at


def _cited(path: str) -> str:
    path = unicodedata.normalize("NFC", path).strip()
    return posixpath.normpath(path).rstrip("/") if path else path


def _timeline(
    events: Sequence[TimelineEvent], paths: Sequence[str]
) -> tuple[tuple[TimelineEntry, ...], dict[str, tuple[int, ...]], tuple[BundleWarning, ...]]:
    """Number the events and link each to the exhibit numbers its evidence paths name.

    The events come in the case's order (`Case.events`), the one order of the log, the guide
    and the letters: event 2 is the same event everywhere.
    """
    numbers = {path: n for n, path in enumerate(paths, 1)}
    citing: dict[str, list[int]] = {}
    entries = []
    warnings = []
    for number, event in enumerate(events, 1):
        linked: list[int] = []
        missing = []
        for raw in event.evidence:
            path = _cited(raw)
            if path in numbers:
                matches = [path]
            else:  # a folder cites everything in it
                matches = [p for p in paths if p.startswith(path + "/")] if path else []
            if not matches:
                missing.append(raw)
                warnings.append(BundleWarning("not-found", raw, number))
            for match in matches:
                if numbers[match] not in linked:
                    linked.append(numbers[match])
                    citing.setdefault(match, []).append(number)
        entries.append(TimelineEntry(number, event, tuple(sorted(linked)), tuple(missing)))
    return tuple(entries), {p: tuple(ns) for p, ns in citing.items()}, tuple(warnings)


class _BagWriter:
    """Write a bag's entries into a zip, keeping the manifests as it goes."""

    def __init__(self, handle: BinaryIO, name: str, day: date, pool: Executor) -> None:
        self.zip = zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED, allowZip64=True)
        self.prefix = name + "/"
        self.day = day
        stamp = zip_day(day)
        self.date_time = (stamp.year, stamp.month, stamp.day, 0, 0, 0)
        self.pool = pool
        self.payload: list[tuple[str, dict[str, str]]] = []
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.payload_bytes = 0
        self.buffer = bytearray(CHUNK)
        self.handle = handle
        self.flushed = 0  # how far the zip has been handed to the disk

    def __enter__(self) -> _BagWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if kind is not None:
            # The zip is being thrown away: close it quietly, so no half-written file
            # complains later, and let the original error through.
            with contextlib.suppress(Exception):
                self.zip.close()

    @property
    def payload_files(self) -> int:
        return len(self.payload)

    def _info(self, path: str, size: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(self.prefix + path, self.date_time)
        info.create_system = 3  # Unix, so the mode below means the same everywhere
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        info.compress_type = zipfile.ZIP_STORED
        info.file_size = size  # lets zipfile choose ZIP64 from the size alone
        return info

    def _record(self, path: str, size: int, digests: dict[str, str]) -> None:
        if path.startswith("data/"):
            self.payload.append((path, digests))
            self.payload_bytes += size
        elif not path.startswith("tagmanifest-"):
            self.tags.append((path, digests))

    def add_bytes(self, path: str, data: bytes) -> dict[str, str]:
        """Store one entry from memory and return its digests."""
        digests = Digests(ALGORITHMS)
        digests.update(data)
        with self.zip.open(self._info(path, len(data)), "w") as dest:
            dest.write(data)
        result = digests.hexdigests()
        self._record(path, len(data), result)
        return result

    def add_file(
        self, item: EvidenceFile, progress: Callable[[int], None] | None
    ) -> dict[str, str]:
        """Copy one evidence file into the zip, reading it once, and return its digests."""
        digests = Digests(ALGORITHMS, self.pool)
        view = memoryview(self.buffer)
        source = _open_evidence(item)
        with (
            source,
            self.zip.open(self._info("data/evidence/" + item.path, item.size), "w") as dest,
        ):
            total = 0
            while True:
                try:
                    count = source.readinto(view)
                except OSError as error:
                    raise _unreadable(item, error) from error
                if not count:
                    break
                total += count
                if total > item.size:
                    raise _changed(item)
                digests.update(view[:count], dest.write)
                if progress is not None:
                    progress(count)
            after = os.fstat(source.fileno())
            if total != item.size or (after.st_size, after.st_mtime_ns) != (
                item.size,
                item.mtime_ns,
            ):
                raise _changed(item)
        result = digests.hexdigests()
        self._record("data/evidence/" + item.path, item.size, result)
        self._write_back()
        return result

    def _write_back(self) -> None:
        # Start writing the zip to disk now rather than all at once in the final fsync,
        # so the disk works while the next files are hashed (Linux starts write-back on this).
        end = self.handle.tell()
        if end - self.flushed >= _WRITE_BACK and hasattr(os, "posix_fadvise"):
            self.handle.flush()
            os.posix_fadvise(
                self.handle.fileno(), self.flushed, end - self.flushed, os.POSIX_FADV_DONTNEED
            )
            self.flushed = end

    def finish(self, info: BagInfo) -> str:
        """Write bag-info.txt and the manifests; return the bag's fingerprint."""
        self.add_bytes(
            "bag-info.txt",
            _bag_info(info, self.day, self.payload_bytes, len(self.payload)),
        )
        for algorithm in ALGORITHMS:
            self.add_bytes(f"manifest-{algorithm}.txt", _manifest(self.payload, algorithm))
        tag_manifests = {a: _manifest(self.tags, a) for a in ALGORITHMS}
        for algorithm, data in tag_manifests.items():
            self.add_bytes(f"tagmanifest-{algorithm}.txt", data)
        self.zip.close()
        return hashlib.sha256(tag_manifests["sha256"]).hexdigest()


def _open_evidence(item: EvidenceFile) -> io.FileIO:
    """Open an evidence file read-only, without following links or blocking on FIFOs."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        try:
            # Leave even the access time as it was where the system allows it (our own files).
            fd = os.open(item.source, flags | getattr(os, "O_NOATIME", 0))
        except PermissionError:
            fd = os.open(item.source, flags)
    except OSError as error:
        raise _unreadable(item, error) from error
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) != (
        item.device,
        item.inode,
        item.size,
        item.mtime_ns,
    ):
        os.close(fd)
        raise _changed(item)
    return io.FileIO(fd, "rb")


def _unreadable(item: EvidenceFile, error: OSError) -> BundleError:
    return BundleError(
        _("cannot read {path}: {reason}").format(path=item.source, reason=os_reason(error))
    )


def _changed(item: EvidenceFile) -> BundleError:
    return BundleError(
        _(
            "{path} changed while it was being read — close any program that is writing to it "
            "and run the command again"
        ).format(path=item.source)
    )


def _tag_value(value: str) -> str:
    # A value may span lines: continuation lines start with whitespace (RFC 8493 §2.2.2).
    return "\n  ".join(line.strip() for line in value.strip().splitlines() if line.strip())


def _bag_info(info: BagInfo, day: date, octets: int, count: int) -> bytes:
    fields = [
        ("Source-Organization", info.source_organization),
        ("Contact-Name", info.contact_name),
        ("Contact-Email", info.contact_email),
        ("External-Description", info.external_description),
        ("Bagging-Date", day.isoformat()),
        ("External-Identifier", info.external_identifier),
        ("Payload-Oxum", f"{octets}.{count}"),
        ("Bag-Software-Agent", f"letters {__version__}"),
        *(("Certified-Mail-Number", number) for number in info.certified_mail),
    ]
    text = "".join(f"{label}: {_tag_value(value)}\n" for label, value in fields if value)
    return text.encode("utf-8")


# --- index files -------------------------------------------------------------------------


_FORMULA = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP, "CSV injection")."""


def _inert(value: object) -> object:
    """Keep a text cell from becoming a formula in Excel or LibreOffice Calc."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    out = io.StringIO(newline="")
    # A byte-order mark, so that Excel opens the Chinese names as UTF-8.
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_inert(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8")


def _numbers(numbers: Iterable[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _index_files(
    index: BundleIndex, index_pdf: Callable[[BundleIndex], bytes] | None
) -> list[tuple[str, bytes]]:
    """Render the index files, sorted by name. Their words are English: they are data."""
    exhibits_csv = _csv(
        ["exhibit", "path", "type", "size", "date", "sha256", "events"],
        (
            [x.number, x.bag_path, x.kind, x.size, x.date or "", x.sha256, _numbers(x.events)]
            for x in index.exhibits
        ),
    )
    timeline_csv = _csv(
        [
            "event",
            "date",
            "time",
            "channel",
            "party",
            "reference",
            "summary",
            "exhibits",
            "evidence",
            "certified_mail",
        ],
        (
            [
                entry.number,
                _day(entry.event.at).isoformat(),
                _time(entry.event.at),
                entry.event.channel,
                entry.event.party or "",
                entry.event.reference or "",
                entry.event.summary,
                _numbers(entry.exhibits),
                # Not `;`: a spreadsheet that guesses `;` as the separator (as Excel and Calc do in
                # many locales) would split the list into columns.
                " | ".join(entry.event.evidence),
                getattr(entry.event, "certified_mail", None) or "",
            ]
            for entry in index.timeline
        ),
    )
    document = {
        "bag": index.name,
        "bagging_date": index.bagging_date.isoformat(),
        "exhibits": [
            {
                "exhibit": x.number,
                "path": x.bag_path,
                "type": x.kind,
                "size": x.size,
                "date": x.date.isoformat() if x.date else None,
                "sha256": x.sha256,
                "events": list(x.events),
            }
            for x in index.exhibits
        ],
        "documents": [
            {"path": d.bag_path, "size": d.size, "sha256": d.sha256} for d in index.documents
        ],
        "timeline": [
            {
                "event": entry.number,
                "at": entry.event.at.isoformat(),
                "channel": entry.event.channel,
                "party": entry.event.party,
                "reference": entry.event.reference,
                "summary": entry.event.summary,
                "exhibits": list(entry.exhibits),
                "evidence": list(entry.event.evidence),
                "certified_mail": getattr(entry.event, "certified_mail", None),
                "missing": list(entry.missing),
            }
            for entry in index.timeline
        ],
    }
    files = [
        ("data/index/index.csv", exhibits_csv),
        (
            "data/index/index.json",
            (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode(),
        ),
        ("data/index/timeline.csv", timeline_csv),
    ]
    if index_pdf is not None:
        files.append(("data/index/index.pdf", index_pdf(index)))
    return sorted(files)


def _time(at: datetime | date) -> str:
    return at.timetz().isoformat(timespec="minutes") if isinstance(at, datetime) else ""
