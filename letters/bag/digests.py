"""Checksums of a bag's files: several digests of one stream, sharing the work between cores."""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ThreadPoolExecutor

CHUNK = 4 << 20
"""Bytes read, hashed and written at a time."""

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
