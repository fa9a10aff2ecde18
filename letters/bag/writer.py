"""The bag writer: a bag's entries in one reproducible zip, its manifests kept as it goes.

Same inputs, same bytes: entry dates come from the bagging date, modes and the creating system are
fixed, and entries are stored (not compressed), so nothing from the clock, the time zone, the
umask or the machine goes into the zip (`letters.bag.ziparchive` writes it). Each evidence file is
read once, on the calling thread, straight into the buffer the zip is assembled in
(`letters.bag.disk`); from there it goes to the disk, and to the digests on helper threads
(`letters.bag.hashing.Pipeline`), so reading, writing and hashing overlap, and memory stays
bounded by the pipeline's few buffers whatever the size. The zip's central directory
and the payload manifests go to spools as each file is done, so memory does not grow with the
number of files either. The evidence folder is only ever opened read-only, and a file that is
not, byte for byte, the one the scan found fails the build.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
from collections import deque
from collections.abc import Callable, Iterable
from datetime import date
from typing import BinaryIO

from letters.bag.disk import zip_file
from letters.bag.hashing import Job, Pipeline
from letters.bag.manifest import ALGORITHMS, BagInfo, Digests, bag_info, manifest_bytes
from letters.bag.paths import decode_path, encode_path, sort_key
from letters.bag.scan import EvidenceFile
from letters.bag.ziparchive import Spool, ZipArchive
from letters.bag.zipdates import zip_day
from letters.errors import BundleError
from letters.i18n import _, os_reason

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


def _final(digests: Digests) -> bool:
    return not isinstance(digests, FileDigests) or digests.raw is not None


class _Manifests:
    """The payload manifests, a line written to a spool as soon as its file's digests are final.

    Files are hashed on helper threads and finish out of order; the lines are written in the
    order the files were added, so each waits for those before it. A bundle adds its payload
    in path order, which is the manifests' order: then memory does not grow with the number of
    files. Added in another order, the lines are sorted at the end (in memory).
    """

    def __init__(self) -> None:
        self.spools = {algorithm: Spool() for algorithm in ALGORITHMS}
        self.waiting: deque[tuple[str, Digests]] = deque()
        self.last: tuple[str, ...] | None = None
        self.in_order = True

    def add(self, path: str, digests: Digests) -> None:
        key = sort_key(path)
        if self.last is not None and not self.last < key:
            self.in_order = False
        self.last = key
        self.waiting.append((path, digests))
        self.write_final()

    def write_final(self) -> None:
        """Write the lines of the files at the head of the queue whose digests are final."""
        waiting = self.waiting
        while waiting and _final(waiting[0][1]):
            path, digests = waiting.popleft()
            line = encode_path(path) + "\n"
            for algorithm, spool in self.spools.items():
                spool.write(f"{digests[algorithm]}  {line}".encode())

    def entry(self, algorithm: str) -> tuple[Iterable[bytes], int]:
        """Return one manifest, every digest final, as chunks of bytes and its size."""
        self.write_final()
        if self.waiting:
            raise RuntimeError("the digests are not final yet")
        spool = self.spools[algorithm]
        if self.in_order:
            return spool.chunks(), spool.size
        lines = b"".join(spool.chunks()).decode("utf-8").split("\n")[:-1]
        lines.sort(key=lambda line: (sort_key(decode_path(line.split("  ", 1)[1])), line))
        data = "".join(line + "\n" for line in lines).encode("utf-8")
        return (data,), len(data)

    def close(self) -> None:
        for spool in self.spools.values():
            spool.close()


class BagWriter:
    """Write a bag's entries into a zip, keeping the manifests as it goes."""

    def __init__(self, handle: BinaryIO, name: str, day: date, pipeline: Pipeline) -> None:
        self.file = zip_file(handle, pipeline)
        try:
            self.zip = ZipArchive(self.file, zip_day(day), _MODE)
        except BaseException:  # Ctrl-C, say: the file's thread ends, and its flags are put back
            self.file.discard()
            raise
        self.prefix = name + "/"
        self.day = day
        self.pipeline = pipeline
        self.manifests = _Manifests()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.payload_bytes = 0
        self.payload_files = 0

    def __enter__(self) -> BagWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        # Done or thrown away (the caller discards a half-written zip): the spools can go.
        self.zip.discard()
        self.file.discard()
        self.manifests.close()

    def _record(self, path: str, size: int, digests: dict[str, str] | FileDigests) -> None:
        if path.startswith("data/"):
            self.manifests.add(path, digests)
            self.payload_bytes += size
            self.payload_files += 1
        elif not path.startswith("tagmanifest-") and isinstance(digests, dict):
            self.tags.append((path, digests))

    def add_bytes(self, path: str, data: bytes) -> dict[str, str]:
        """Store one entry from memory and return its digests."""
        result = {algorithm: hashlib.new(algorithm, data).hexdigest() for algorithm in ALGORITHMS}
        self.zip.add(self.prefix + path, (data,))
        self._record(path, len(data), result)
        return result

    def add_made(self, path: str, chunks: Iterable[bytes]) -> dict[str, str]:
        """Store one entry from chunks of bytes of a size not known beforehand (an index file
        being written), and return its digests.

        The chunks are spooled first, and made once: the size decides the entry's header.
        """
        spool = Spool()
        try:
            for chunk in chunks:
                spool.write(chunk)
            return self.add_stream(path, spool.chunks(), spool.size)
        finally:
            spool.close()

    def add_stream(self, path: str, chunks: Iterable[bytes], size: int = 0) -> dict[str, str]:
        """Store one entry from chunks of bytes, about `size` in all, and return its digests."""
        hashes = [hashlib.new(algorithm) for algorithm in ALGORITHMS]
        written = 0
        self.zip.start(self.prefix + path, size)
        for chunk in chunks:
            for digest in hashes:
                digest.update(chunk)
            self.zip.write(chunk)
            written += len(chunk)
        self.zip.end()
        result = {algorithm: h.hexdigest() for algorithm, h in zip(ALGORITHMS, hashes, strict=True)}
        self._record(path, written, result)
        return result

    def add_file(
        self, item: EvidenceFile, bag_path: str, progress: Callable[[int], None] | None
    ) -> FileDigests:
        """Copy one evidence file into the zip at `bag_path`, reading it once, straight into
        the buffer the zip is written from; its digests are final once `settle` returns."""
        digests = FileDigests()
        job = self.pipeline.job(ALGORITHMS, item.size, digests.keep)
        try:
            with open_evidence(item) as source:
                self.zip.start(self.prefix + bag_path, item.size)
                total = 0
                while True:
                    buffer, room = self.file.room()
                    try:
                        count = source.readinto(room) or 0
                    except OSError as error:
                        raise _unreadable(item, error) from error
                    if not count:
                        break
                    total += count
                    if total > item.size:
                        raise changed(item)
                    self.file.advance(count)
                    self.zip.placed(room[:count])
                    job.feed(buffer, room[:count])  # hashed on the helpers meanwhile
                    if progress is not None:
                        progress(count)
                after = os.fstat(source.fileno())
                if total != item.size or (after.st_size, after.st_mtime_ns) != (
                    item.size,
                    item.mtime_ns,
                ):
                    raise changed(item)
            self.zip.end()
        except BaseException:
            job.abandon()
            raise
        job.close()
        self._record(bag_path, item.size, digests)
        return digests

    def settle(self) -> None:
        """Wait for the digests of every file added so far."""
        self.pipeline.wait()
        self.manifests.write_final()

    def finish(self, info: BagInfo) -> str:
        """Write bag-info.txt and the manifests; return the bag's fingerprint."""
        self.settle()
        self.add_bytes(
            "bag-info.txt", bag_info(info, self.day, self.payload_bytes, self.payload_files)
        )
        for algorithm in ALGORITHMS:
            chunks, size = self.manifests.entry(algorithm)
            self.add_stream(f"manifest-{algorithm}.txt", chunks, size)
        tag_manifests = {a: manifest_bytes(self.tags, a) for a in ALGORITHMS}
        for algorithm, data in tag_manifests.items():
            self.add_bytes(f"tagmanifest-{algorithm}.txt", data)
        self.zip.close()
        self.file.close()
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
