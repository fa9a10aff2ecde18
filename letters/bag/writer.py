"""The zip writer: a bag's entries in one reproducible zip, its manifests kept as it goes.

Same inputs, same bytes: entry dates come from the bagging date, modes and the creating system are
fixed, and entries are stored (not compressed), so nothing from the clock, the time zone, the
umask or the machine goes into the zip. Each evidence file is read once, in chunks that go to the
zip (with its CRC-32) on the calling thread and to the digests on helper threads
(`letters.bag.hashing.Pipeline`), so reading, writing and hashing overlap, and memory stays
bounded by the pipeline's few buffers whatever the size. The evidence folder is only ever opened
read-only, and a file that is not, byte for byte, the one the scan found fails the build.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import stat
import zipfile
from collections.abc import Callable, Iterable
from datetime import date
from typing import BinaryIO

from letters.bag.hashing import Job, Packer, Pipeline
from letters.bag.manifest import ALGORITHMS, BagInfo, bag_info, manifest_bytes
from letters.bag.scan import EvidenceFile
from letters.bag.zipdates import zip_day
from letters.errors import BundleError
from letters.i18n import _, os_reason

_WRITE_BACK = 64 << 20
_MODE = (stat.S_IFREG | 0o644) << 16  # one int shared by every entry, not one per entry
_SIZES = tuple(hashlib.new(algorithm).digest_size for algorithm in ALGORITHMS)
_STARTS = tuple(sum(_SIZES[:n]) for n in range(len(_SIZES)))


class FileDigests:
    """The digests of one evidence file, there once the hashing of its last chunk is done.

    Kept as one bytes object, the raw digests of ALGORITHMS end to end, and turned into hex
    only when a manifest line or the index asks: a bundle holds one of these per file until
    the end.
    """

    __slots__ = ("raw",)

    def __init__(self) -> None:
        self.raw: bytes | None = None

    def keep(self, job: Job) -> None:
        """Keep the digests of a finished job (the job and its hash objects can then go)."""
        self.raw = b"".join(job.hashes[algorithm].digest() for algorithm in ALGORITHMS)

    def __getitem__(self, algorithm: str) -> str:
        """Return one algorithm's digest in lowercase hex."""
        if self.raw is None:
            raise RuntimeError("the digests are not final yet")
        n = ALGORITHMS.index(algorithm)
        return self.raw[_STARTS[n] : _STARTS[n] + _SIZES[n]].hex()

    def hexdigests(self) -> dict[str, str]:
        """Return each algorithm's digest in lowercase hex."""
        return {algorithm: self[algorithm] for algorithm in ALGORITHMS}


class BagWriter:
    """Write a bag's entries into a zip, keeping the manifests as it goes."""

    def __init__(self, handle: BinaryIO, name: str, day: date, pipeline: Pipeline) -> None:
        self.zip = zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED, allowZip64=True)
        self.prefix = name + "/"
        self.day = day
        stamp = zip_day(day)
        self.date_time = (stamp.year, stamp.month, stamp.day, 0, 0, 0)
        self.pipeline = pipeline
        self.packer = Packer(pipeline)
        self.payload: list[tuple[str, dict[str, str] | FileDigests]] = []
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.payload_bytes = 0
        self.handle = handle
        self.flushed = 0  # how far the zip has been handed to the disk

    def __enter__(self) -> BagWriter:
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
        info.external_attr = _MODE
        info.compress_type = zipfile.ZIP_STORED
        info.file_size = size  # lets zipfile choose ZIP64 from the size alone
        return info

    def _record(self, path: str, size: int, digests: dict[str, str] | FileDigests) -> None:
        if path.startswith("data/"):
            self.payload.append((path, digests))
            self.payload_bytes += size
        elif not path.startswith("tagmanifest-") and isinstance(digests, dict):
            self.tags.append((path, digests))

    def add_bytes(self, path: str, data: bytes) -> dict[str, str]:
        """Store one entry from memory and return its digests."""
        return self.add_stream(path, (data,), len(data))

    def add_stream(self, path: str, chunks: Iterable[bytes], size: int = 0) -> dict[str, str]:
        """Store one entry from chunks of bytes and return its digests."""
        hashes = [hashlib.new(algorithm) for algorithm in ALGORITHMS]
        written = 0
        with self.zip.open(self._info(path, size), "w") as dest:
            for chunk in chunks:
                for digest in hashes:
                    digest.update(chunk)
                dest.write(chunk)
                written += len(chunk)
        result = {algorithm: h.hexdigest() for algorithm, h in zip(ALGORITHMS, hashes, strict=True)}
        self._record(path, written, result)
        return result

    def add_file(
        self, item: EvidenceFile, bag_path: str, progress: Callable[[int], None] | None
    ) -> FileDigests:
        """Copy one evidence file into the zip at `bag_path`, reading it once; its digests are
        final once `settle` returns."""
        digests = FileDigests()
        job = self.pipeline.job(ALGORITHMS, item.size, digests.keep)
        try:
            source = open_evidence(item)
            with (
                source,
                self.zip.open(self._info(bag_path, item.size), "w") as dest,
            ):
                total = 0
                while True:
                    buffer, room = self.packer.room(item.size - total)
                    try:
                        count = source.readinto(room)
                    except OSError as error:
                        raise _unreadable(item, error) from error
                    if not count:
                        break
                    total += count
                    if total > item.size:
                        raise changed(item)
                    self.packer.filled += count
                    data = room[:count]
                    dest.write(data)  # the zip's CRC-32, then the disk
                    job.feed(buffer, data)
                    if progress is not None:
                        progress(count)
                after = os.fstat(source.fileno())
                if total != item.size or (after.st_size, after.st_mtime_ns) != (
                    item.size,
                    item.mtime_ns,
                ):
                    raise changed(item)
        except BaseException:
            job.abandon()
            raise
        job.close()
        self._record(bag_path, item.size, digests)
        self._write_back()
        return digests

    def settle(self) -> None:
        """Wait for the digests of every file added so far."""
        self.packer.release()
        self.pipeline.wait()

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
        self.settle()
        payload = self.payload
        self.add_bytes("bag-info.txt", bag_info(info, self.day, self.payload_bytes, len(payload)))
        for algorithm in ALGORITHMS:
            self.add_bytes(f"manifest-{algorithm}.txt", manifest_bytes(payload, algorithm))
        tag_manifests = {a: manifest_bytes(self.tags, a) for a in ALGORITHMS}
        for algorithm, data in tag_manifests.items():
            self.add_bytes(f"tagmanifest-{algorithm}.txt", data)
        self.zip.close()
        return hashlib.sha256(tag_manifests["sha256"]).hexdigest()


def open_evidence(item: EvidenceFile) -> io.FileIO:
    """Open an evidence file read-only, without following links or blocking on FIFOs."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        try:
            # Leave even the access time as it was where the system allows it (our own files).
            fd = os.open(item.location, flags | getattr(os, "O_NOATIME", 0))
        except PermissionError:
            fd = os.open(item.location, flags)
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
        raise changed(item)
    return io.FileIO(fd, "rb")


def _unreadable(item: EvidenceFile, error: OSError) -> BundleError:
    return BundleError(
        _("cannot read {path}: {reason}").format(path=item.source, reason=os_reason(error))
    )


def changed(item: EvidenceFile) -> BundleError:
    """Say that an evidence file changed while the bundle was being made."""
    return BundleError(
        _(
            "{path} changed while it was being read — close any program that is writing to it "
            "and run the command again"
        ).format(path=item.source)
    )
