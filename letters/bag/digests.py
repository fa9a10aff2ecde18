"""Checksums of a bag's files: several digests of each, sharing the work between cores.

SHA-512 is several times slower than SHA-256 and CRC-32 (the zip's own check), and hashlib and
zlib release the GIL on large buffers, so a second core only helps if it has hashing to do while
the first reads, writes and hashes the rest. `Digests` does that for one stream at a time (the
verifier's way). `HashPipeline` does it for a series of files (the writer's way): the caller reads
each chunk into one of a few buffers and carries on, and each file's digests run on whichever
helper has the least work queued — so the slow digest of one file overlaps the reading and the
hashing of the next, and a small, fixed set of buffers bounds the memory whatever the sizes.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from types import TracebackType

from letters.bag.manifest import ALGORITHMS

CHUNK = 4 << 20
"""Bytes read and hashed at a time by the verifier."""

PIPE_CHUNK = 1 << 20
"""Bytes per buffer of a `HashPipeline`: large enough that hashing releases the GIL and a
hand-off costs little beside it, small enough that a few buffers keep both cores busy."""

PIPE_BUFFERS = 8
"""Buffers of a `HashPipeline`: how far reading may run ahead of the slowest digest."""

_PARALLEL_MIN = 64 * 1024  # below this a thread hand-off costs more than it saves


@functools.cache
def _cost(algorithm: str) -> float:
    # Which digest is slowest depends on the CPU (SHA extensions, word size): measure it once,
    # keeping the best of a few tries so that one preemption cannot swap the order.
    sample = bytes(64 * 1024)
    tries = []
    for _attempt in range(5):
        started = time.perf_counter()
        hashlib.new(algorithm, sample)
        tries.append(time.perf_counter() - started)
    return min(tries)


class Digests:
    """Several digests of one stream; with a pool, the slowest is computed on another core."""

    def __init__(self, algorithms: Iterable[str], pool: Executor | None = None) -> None:
        ordered = sorted(algorithms, key=_cost, reverse=True) if pool else algorithms
        self._hashes = {name: hashlib.new(name) for name in ordered}
        self._pool = pool

    def update(
        self,
        data: bytes | memoryview,
        alongside: Callable[[bytes | memoryview], object] | None = None,
    ) -> None:
        """Hash `data`, running `alongside(data)` meanwhile; return once all are done."""
        hashes = list(self._hashes.values())
        pending = None
        if self._pool is not None and hashes and len(data) >= _PARALLEL_MIN:
            # hashlib releases the GIL for buffers this size, so this runs truly in parallel.
            pending = self._pool.submit(hashes.pop(0).update, data)
        for digest in hashes:
            digest.update(data)
        if alongside is not None:
            alongside(data)
        if pending is not None:
            pending.result()

    def hexdigests(self) -> dict[str, str]:
        """Return each algorithm's digest in lowercase hex."""
        return {name: h.hexdigest() for name, h in self._hashes.items()}


def hashing_pool() -> ThreadPoolExecutor:
    """Return the one-thread pool that shares the hashing with the calling thread."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="letters-hash")


class FileDigests:
    """The digests of one file in a `HashPipeline`, final once the pipeline has sealed them.

    Sealing keeps the hex digests and lets the hash objects go, so a bundle of many files holds
    a few strings per file, not the hashing state.
    """

    def __init__(self, algorithms: Iterable[str]) -> None:
        self._hashes = {name: hashlib.new(name) for name in algorithms}
        self._hex: dict[str, str] | None = None

    def update(self, data: bytes | memoryview) -> None:
        """Hash `data` on the calling thread (for small files, where a hand-off costs more)."""
        for digest in self._hashes.values():
            digest.update(data)

    def seal(self) -> None:
        """Keep the digests; no more data comes."""
        self._hex = {name: h.hexdigest() for name, h in self._hashes.items()}
        self._hashes = {}

    def hexdigests(self) -> dict[str, str]:
        """Return each algorithm's digest in lowercase hex (once sealed)."""
        if self._hex is None:
            raise RuntimeError("the digests are not final yet")
        return self._hex


class HashPipeline:
    """Hash files chunk by chunk on helper threads while the caller reads and writes them.

    Each helper runs its jobs in order, and all the chunks of one digest go to one helper, so
    every digest sees its bytes in order; different digests and different files run side by
    side. `buffer()` hands out one of `PIPE_BUFFERS` buffers, waiting while all are being hashed.
    """

    def __init__(
        self, algorithms: Iterable[str] = ALGORITHMS, helpers: int = 2, depth: int = PIPE_BUFFERS
    ) -> None:
        # Slowest first, so that it goes to the least busy helper.
        self.algorithms = sorted(algorithms, key=_cost, reverse=True)
        self._helpers = [
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="letters-hash")
            for _helper in range(helpers)
        ]
        self._queued = [0.0] * helpers  # work handed to each helper, in `_cost` units
        self._free = [bytearray(PIPE_CHUNK) for _buffer in range(depth)]
        self._busy: deque[tuple[bytearray, list[Future[None]]]] = deque()
        self._submitted = 0  # chunks handed to the helpers so far
        self._retired = 0  # of which hashed, in the order they were handed over
        self._closing: deque[tuple[int, FileDigests]] = deque()  # files and their last chunk

    def __enter__(self) -> HashPipeline:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for helper in self._helpers:
            helper.shutdown(wait=True, cancel_futures=kind is not None)

    def start(self, size: int) -> tuple[FileDigests, list[int]]:
        """Begin a file of `size` bytes: its digests, and the helper each one runs on."""
        digests = FileDigests(self.algorithms)
        lanes = []
        for algorithm in self.algorithms:
            lane = min(range(len(self._helpers)), key=self._queued.__getitem__)
            self._queued[lane] += _cost(algorithm) * size
            lanes.append(lane)
        return digests, lanes

    def buffer(self) -> bytearray:
        """Return a buffer to read the next chunk into, once one is free."""
        if not self._free:
            self._retire()
        return self._free.pop()

    def _retire(self) -> None:
        # Wait for the oldest chunk, then seal the files whose chunks are all hashed.
        buffer, pending = self._busy.popleft()
        for future in pending:
            future.result()
        self._free.append(buffer)
        self._retired += 1
        while self._closing and self._closing[0][0] <= self._retired:
            self._closing.popleft()[1].seal()

    def close(self, digests: FileDigests) -> None:
        """Say a file has no more data: its digests are sealed once its chunks are hashed."""
        if self._submitted <= self._retired:
            digests.seal()
        else:
            self._closing.append((self._submitted, digests))

    def submit(
        self, digests: FileDigests, lanes: list[int], buffer: bytearray, data: memoryview
    ) -> None:
        """Hash `data` (a view of `buffer`) into `digests`; the buffer comes back when done."""
        pending = []
        for lane, hasher in zip(lanes, digests._hashes.values(), strict=True):
            pending.append(self._helpers[lane].submit(hasher.update, data))
        self._busy.append((buffer, pending))
        self._submitted += 1

    def give_back(self, buffer: bytearray) -> None:
        """Return a buffer that was not handed to `submit`."""
        self._free.append(buffer)

    def settle(self) -> None:
        """Wait until every chunk handed over is hashed: then every digest is final."""
        while self._busy:
            self._retire()
        self._queued = [0.0] * len(self._queued)
