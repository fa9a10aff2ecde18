"""Hash many files on every core while the calling thread reads ahead, in bounded memory.

The calling thread reads, sequentially and in large reads, into a few recycled buffers; worker
threads hash what it hands them (hashlib and zlib release the GIL on large buffers, so they run
truly in parallel). A large file's digests are split in two lanes — the slowest digest, and
the others with the CRC — so that two cores share it; a small file goes whole to the least busy
worker, so that several are hashed at once. A lane always runs on one worker, in order. At most
`BUFFERS` buffers of `BUFFER_SIZE` bytes exist at a time: reading waits for the hashing, never
the other way round, so memory stays bounded whatever the size or the number of files.
"""

from __future__ import annotations

import functools
import hashlib
import io
import mmap
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

from letters.bag.crc import crc32

BUFFER_SIZE = 1 << 20
BUFFERS = 8
_WHOLE = 4 * BUFFER_SIZE  # a file up to this size is hashed by one worker, beside others
# A file up to this size is hashed by the thread that reads it: handing it to a worker would
# cost more than hashing it (a queue, a lock and a thread switch a file, all under the GIL).
_INLINE = 16 << 10
_CRC = "crc32"
_SMALL_READ = 64 << 10  # a file's next read goes into a fresh buffer rather than one this short


@functools.cache
def cost(name: str) -> float:
    """Return the seconds one byte takes through a digest (or `crc32`), measured once here.

    Which digest is slowest depends on the CPU (SHA extensions, word size); the best of a few
    tries keeps one preemption from swapping the order.
    """
    sample = bytes(64 * 1024)
    tries = []
    for _attempt in range(5):
        started = time.perf_counter()
        if name == _CRC:
            crc32(sample)
        else:
            hashlib.new(name, sample)
        tries.append(time.perf_counter() - started)
    return min(tries) / len(sample)


def aligned(size: int) -> mmap.mmap:
    """Return `size` zeroed bytes of private, page-aligned memory: an anonymous map."""
    if hasattr(mmap, "MAP_PRIVATE"):
        return mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE)
    return mmap.mmap(-1, size)  # Windows: private already, and it takes no flags


class Buffer:
    """One read buffer, back in the pool once its reader and every lane using it let go.

    Its memory is page-aligned, so that a bundle's zip assembled in it can go to the disk
    from it with O_DIRECT (`letters.bag.disk`).
    """

    __slots__ = ("data", "users", "view")

    def __init__(self, size: int) -> None:
        self.data = aligned(size)
        self.view = memoryview(self.data)
        self.users = 0


class _Crc:
    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0

    def update(self, data: memoryview | bytes) -> None:
        self.value = crc32(data, self.value)


class _Keep:
    """The bytes of a file the checks parse, up to a limit (past it, the file is refused)."""

    __slots__ = ("data", "limit")

    def __init__(self, limit: int) -> None:
        self.data = bytearray()
        self.limit = limit

    def update(self, data: memoryview | bytes) -> None:
        if len(self.data) <= self.limit:
            self.data.extend(data)


class Job:
    """The digests (and CRC, and kept bytes) of one file, fed in order, chunk by chunk."""

    def __init__(
        self,
        pipeline: Pipeline,
        algorithms: Iterable[str],
        size: int,
        crc: bool,
        keep: int | None,
        done: Callable[[Job], None],
    ) -> None:
        self.hashes = {name: hashlib.new(name) for name in algorithms}
        self.crc = _Crc() if crc else None
        self.kept = _Keep(keep) if keep is not None else None
        self._done = done
        self._pipeline = pipeline
        self._pending = 1  # the feeding itself, until `close`
        self._lock = threading.Lock()
        self.abandoned = False
        parts: list[tuple[float, Any]] = [(cost(n), h) for n, h in self.hashes.items()]
        if self.crc is not None:
            parts.append((cost(_CRC), self.crc))
        parts.sort(key=lambda part: part[0], reverse=True)
        # A large file: the slowest digest alone in one lane, the rest together in the other.
        groups = [parts[:1], parts[1:]] if size > _WHOLE and len(parts) > 1 else [parts]
        if self.kept is not None:
            groups[-1].append((0.0, self.kept))
        self.inline = [p.update for _c, p in groups[0]] if size <= _INLINE else None
        self.lanes: list[tuple[int, float, list[Callable[[Any], object]]]] = []
        taken: int | None = None
        for group in groups if self.inline is None else ():
            taken = pipeline.assign(avoid=taken)
            self.lanes.append((taken, sum(c for c, _p in group), [p.update for _c, p in group]))

    def feed(self, buffer: Buffer | None, data: memoryview | bytes) -> None:
        """Hand one chunk, in order, to every lane; `buffer` holds `data` until they are done.

        A small file's chunks are hashed here and now.
        """
        for update in self.inline or ():
            update(data)
        for worker, per_byte, updates in self.lanes:
            with self._lock:
                self._pending += 1
            if buffer is not None:
                self._pipeline.hold(buffer)
            self._pipeline.submit(worker, len(data) * per_byte, (self, buffer, data, updates))

    def close(self) -> None:
        """Say the last chunk was fed: `done(job)` runs once the lanes finish."""
        self._finish_one()

    def abandon(self) -> None:
        """Give up on this file: what the lanes still do is thrown away."""
        self.abandoned = True
        self._finish_one()

    def _finish_one(self) -> None:
        with self._lock:
            self._pending -= 1
            last = self._pending == 0
        if last and not self.abandoned:
            self._done(self)

    def hexdigests(self) -> dict[str, str]:
        """Return each algorithm's digest in lowercase hex."""
        return {name: h.hexdigest() for name, h in self.hashes.items()}


class Pipeline:
    """Worker threads that hash in lanes, and the pool of buffers the reader fills."""

    def __init__(self, workers: int | None = None) -> None:
        count = workers or max(2, min(4, os.cpu_count() or 2))
        self._queues: list[queue.SimpleQueue[Any]] = [queue.SimpleQueue() for _ in range(count)]
        self._backlog = [0.0] * count  # estimated seconds of work queued, per worker
        self._free: list[Buffer] = []
        self._made = 0
        self._state = threading.Condition()
        self._outstanding = 0  # tasks queued or running
        self._error: BaseException | None = None
        self._threads = [
            threading.Thread(target=self._work, args=(q,), name="letters-hash", daemon=True)
            for q in self._queues
        ]
        for thread in self._threads:
            thread.start()

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close(wait=kind is None)

    def close(self, wait: bool = True) -> None:
        """Stop the workers and let the free buffers go, once the last file is hashed.

        Buffers still in use (a bundle's zip being written in them) go back to the pool as
        before, and `buffer` still gives one, made anew if need be.

        Left by an exception, do not wait for the workers: their work is thrown away, and a
        Ctrl-C or SIGTERM that came just as the reader took the pipeline's lock (inside the
        lock's own `__enter__`, before any `with` could let it go) leaves the lock taken, so
        a worker may never finish. The threads are daemons, and end with the process.
        """
        for q in self._queues:
            q.put(None)
        for thread in self._threads if wait else ():
            thread.join()
        self._queues, self._threads = [], []
        if wait:  # the buffers still in use stay counted; any made later count anew
            with self._state:
                self._made -= len(self._free)
                self._free.clear()
        else:
            self._free.clear()

    def job(
        self,
        algorithms: Iterable[str],
        size: int,
        done: Callable[[Job], None],
        *,
        crc: bool = False,
        keep: int | None = None,
    ) -> Job:
        """Start hashing one file of about `size` bytes; `done(job)` runs when it is hashed.

        With `keep`, the file's bytes are kept as well, while there are at most `keep` of them.
        """
        return Job(self, algorithms, size, crc, keep, done)

    def buffer(self) -> Buffer:
        """Return an empty buffer for the reader, waiting for one when all are in use."""
        with self._state:
            while not self._free and self._made >= BUFFERS:
                self._raise()
                self._state.wait()
            if self._free:
                buffer = self._free.pop()
            else:
                buffer = Buffer(BUFFER_SIZE)
                self._made += 1
            buffer.users = 1
            return buffer

    def hold(self, buffer: Buffer) -> None:
        with self._state:
            buffer.users += 1

    def release(self, buffer: Buffer) -> None:
        """Let go of a buffer: it is reused once no lane needs it any more."""
        with self._state:
            buffer.users -= 1
            if buffer.users == 0:
                self._free.append(buffer)
                self._state.notify_all()

    def assign(self, avoid: int | None = None) -> int:
        """Return the worker with the least work queued, other than `avoid` when there is one."""
        with self._state:
            workers = [w for w in range(len(self._queues)) if w != avoid] or [0]
            return min(workers, key=lambda w: self._backlog[w])

    def submit(self, worker: int, estimate: float, task: tuple[Any, ...]) -> None:
        with self._state:
            self._raise()
            self._outstanding += 1
            self._backlog[worker] += estimate
        self._queues[worker].put((worker, estimate, *task))

    def wait(self) -> None:
        """Return once every chunk handed over is hashed; raise what a worker raised."""
        with self._state:
            while self._outstanding:
                self._state.wait()
            self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _work(self, tasks: queue.SimpleQueue[Any]) -> None:
        while (task := tasks.get()) is not None:
            worker, estimate, job, buffer, data, updates = task
            try:
                if not job.abandoned:
                    for update in updates:
                        update(data)
                job._finish_one()
            except BaseException as error:
                with self._state:
                    self._error = self._error or error
            finally:
                if buffer is not None:
                    self.release(buffer)
                with self._state:
                    self._backlog[worker] -= estimate
                    self._outstanding -= 1
                    if not self._outstanding:
                        self._state.notify_all()


class Packer:
    """Where the next read of a file goes: small files are packed into shared buffers."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.current: Buffer | None = None  # the buffer small files are packed into
        self.filled = 0  # how much of it is taken

    def read(self, source: io.RawIOBase, expected: int) -> tuple[Buffer, memoryview]:
        """Read the next part of a file of about `expected` bytes more; return the buffer and
        what was read (nothing at the end of the file).

        It goes into the rest of the current buffer, or into a new one if less than `expected`
        (up to _SMALL_READ) is left there.
        """
        buffer = self.current
        if buffer is None or len(buffer.data) - self.filled < min(max(expected, 1), _SMALL_READ):
            if buffer is not None:
                self.pipeline.release(buffer)
            self.current = buffer = self.pipeline.buffer()
            self.filled = 0
        room = buffer.view[self.filled :]
        count = source.readinto(room) or 0
        self.filled += count
        return buffer, room[:count]

    def release(self) -> None:
        """Give the current buffer back: nothing more is packed into it."""
        if self.current is not None:
            self.pipeline.release(self.current)
            self.current = None
