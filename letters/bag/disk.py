"""How a bundle's zip reaches the disk: straight from the buffers it is assembled in where the
system allows, else through the page cache with early write-back.

The zip is assembled in the hashing pipeline's buffers, and an evidence file is read straight
into place there, so the same bytes are hashed and written with no copy between. A bundle of a
gigabyte is written once and read by nobody on this computer soon after: copying it into the
page cache, and from there to the disk, costs the system as much processor time as hashing it
with SHA-256, often more (measured on Linux with ext4), and takes that time from the hashing.
Written with O_DIRECT, the disk takes the bytes from the buffers themselves. Either way the
caller syncs the file at the end.

O_DIRECT wants whole blocks, from aligned memory (the buffers are page-aligned), at aligned
offsets; a thread of `DirectFile`'s own writes each full buffer while the next fills. The zip
writer goes back once per entry streamed in, to write the CRC-32 into the entry's header when
the entry ends. By then the header's blocks may be on their way to the disk, so the zip writer
asks for them to be `kept` in memory beforehand, and the changed blocks are written again from
there, rather than read back from the disk.
"""

from __future__ import annotations

import errno
import mmap
import os
import queue
import threading
from typing import BinaryIO

from letters.bag.hashing import BUFFER_SIZE, Buffer, Pipeline, aligned

Data = bytes | bytearray | memoryview

BLOCK = 4096  # a multiple of every disk's logical block: what O_DIRECT aligns to
WRITE_BACK = 64 << 20  # through the page cache: start writing back this much at a time


class _Staged:
    """A file written front to back through the pipeline's buffers ("stages").

    Bytes go into the stage being filled: copied by `write`, or read there straight from an
    evidence file through `room` and `advance`, so that the same buffer is hashed and written
    without a copy. A full stage is sent on its way (`_send`, by the kind of file) and goes
    back to the pipeline once written and hashed. Bytes already written are written again
    (`seek`, then `write`) in the stage, or by the kind of file once the stage is sent.
    """

    def __init__(self, handle: BinaryIO, pipeline: Pipeline) -> None:
        self._handle = handle
        self._pipeline = pipeline
        self._base = handle.tell()  # where the stage's first byte goes in the file
        self._stage: Buffer | None = pipeline.buffer()
        self._fill = 0
        self._position = self._base

    def room(self) -> tuple[Buffer, memoryview]:
        """Return the stage and the free part of it (never empty), for bytes read straight
        into place; then `advance` by as many."""
        stage = self._stage
        if stage is None:
            raise ValueError("the file is closed")
        if self._fill == len(stage.data):
            stage = self._next()
        return stage, stage.view[self._fill :]

    def advance(self, count: int) -> None:
        """Count `count` bytes put in the `room` as written."""
        self._fill += count
        self._position += count

    def write(self, data: Data) -> int:
        """Write bytes at the position: at the end, or over bytes already written."""
        view = memoryview(data).cast("B")
        if self._position != self._base + self._fill:
            self._rewrite(self._position, view)
            self._position += len(view)
            return len(view)
        done = 0
        while done < len(view):
            _stage, room = self.room()
            count = min(len(room), len(view) - done)
            room[:count] = view[done : done + count]
            self.advance(count)
            done += count
        return len(view)

    def seek(self, position: int, whence: int = os.SEEK_SET) -> int:
        if whence != os.SEEK_SET or not 0 <= position <= self._base + self._fill:
            raise ValueError("a staged file goes back only to bytes it has written")
        self._position = position
        return position

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        """Do nothing: a stage is written when full, and the last one by `close`."""

    def _next(self) -> Buffer:
        """Send the full stage on its way; return a new one."""
        stage = self._stage
        assert stage is not None
        self._stage = None
        self._send(stage, self._fill)
        self._base += self._fill
        self._fill = 0
        self._stage = self._pipeline.buffer()
        return self._stage

    def _rewrite(self, offset: int, data: memoryview) -> None:
        end = offset + len(data)
        if end > self._base + self._fill or self._stage is None:
            raise ValueError("a staged file writes over bytes already written, or at the end")
        sent = max(0, min(end, self._base) - offset)
        if sent:
            self._rewrite_sent(offset, data[:sent])
        if sent < len(data):
            start = offset + sent - self._base
            self._stage.view[start : start + len(data) - sent] = data[sent:]

    def _send(self, stage: Buffer, size: int) -> None:
        raise NotImplementedError

    def _rewrite_sent(self, offset: int, data: memoryview) -> None:
        raise NotImplementedError


class DirectFile(_Staged):
    """A file written with O_DIRECT, which takes back bytes only in `kept` ranges.

    Open it over a handle with `over`. `close` writes the last, partial block and gives the
    file its exact length; the handle then stands at the end. After an error, `discard`.
    """

    def __init__(self, handle: BinaryIO, pipeline: Pipeline, flags: int) -> None:
        super().__init__(handle, pipeline)
        self._fd = handle.fileno()
        self._flags = flags  # without O_DIRECT: put back when done
        self._keep = (0, 0)  # the range of bytes that may be written again
        self._kept: dict[int, mmap.mmap] = {}  # block offset → that block, once sent
        # Blocks of memory to use again, given back by `keep` and by the writing thread (a
        # list's append and pop are atomic): mapping memory and unmapping it, in a process
        # whose other threads run on other cores, interrupts every one of them.
        self._spare: list[mmap.mmap] = []
        # (buffer, bytes to write, offset), None to stop
        self._writes: queue.SimpleQueue[tuple[Buffer | mmap.mmap, int, int] | None]
        self._writes = queue.SimpleQueue()
        self._error: BaseException | None = None  # what the writing thread met, raised here
        self._done = False
        # The thread writes through a descriptor of its own: if it is left behind after an
        # error, no write of its can reach another file that reuses the caller's number.
        own = os.dup(self._fd)
        self._writer = threading.Thread(
            target=self._write_all, args=(own,), name="letters-write", daemon=True
        )
        try:
            self._writer.start()
        except BaseException:
            os.close(own)
            raise

    @classmethod
    def over(cls, handle: BinaryIO, pipeline: Pipeline) -> DirectFile | None:
        """Return a DirectFile over `handle`'s file, or None where O_DIRECT is not to be had:
        not on this system, not on this file system, or not at a block boundary."""
        direct = getattr(os, "O_DIRECT", 0)
        handle.flush()
        if not direct or handle.tell() % BLOCK or BUFFER_SIZE % BLOCK:
            return None
        import fcntl

        flags = fcntl.fcntl(handle.fileno(), fcntl.F_GETFL)
        try:
            fcntl.fcntl(handle.fileno(), fcntl.F_SETFL, flags | direct)
        except OSError:  # EINVAL: this file system has no direct writes
            return None
        try:
            return cls(handle, pipeline, flags)
        except BaseException:
            fcntl.fcntl(handle.fileno(), fcntl.F_SETFL, flags)
            raise

    def keep(self, offset: int, size: int) -> None:
        """Say that the `size` bytes at `offset` (not yet written) will be written again: their
        blocks are kept in memory once sent, until `keep` is asked for other bytes."""
        self._keep = (offset, offset + size)
        self._spare.extend(self._kept.values())
        self._kept.clear()

    def close(self) -> None:
        """Write what is left, give the file its length, and leave the handle at its end."""
        stage, end = self._stage, self._base + self._fill
        if stage is not None:
            self._stage = None
            whole = -(-self._fill // BLOCK) * BLOCK  # the last block, padded
            stage.view[self._fill : whole] = bytes(whole - self._fill)
            self._send(stage, whole)
        self._writes.put(None)
        self._writer.join()
        self._finish()
        if self._error is not None:
            raise self._error
        os.ftruncate(self._fd, end)
        self._handle.seek(end)

    def discard(self) -> None:
        """Stop writing, after an error: what is still to write is thrown away.

        The writing thread is not waited for: it may be stuck on a lock a signal left taken.
        """
        if not self._done:
            self._error = self._error or OSError(errno.ECANCELED, os.strerror(errno.ECANCELED))
            self._writes.put(None)
            self._finish()

    def _finish(self) -> None:
        """Put the file's flags back, once, while the file is open (its number is its own)."""
        import fcntl

        if not self._done:
            self._done = True
            self._kept.clear()
            if not self._handle.closed:
                fcntl.fcntl(self._fd, fcntl.F_SETFL, self._flags)

    def _send(self, stage: Buffer, size: int) -> None:
        """Hand the stage to the writing thread, keeping copies of the blocks to keep."""
        if self._error is not None:
            raise self._error
        start, end = self._keep
        for block in range(start // BLOCK * BLOCK, end, BLOCK):
            if self._base <= block < self._base + size:
                copy = self._kept[block] = self._block()
                copy[:] = stage.view[block - self._base : block - self._base + BLOCK]
        self._writes.put((stage, size, self._base))  # the thread lets the stage go

    def _rewrite_sent(self, offset: int, data: memoryview) -> None:
        """Write bytes over sent ones, through the kept copies of their blocks."""
        end = offset + len(data)
        for block in range(offset // BLOCK * BLOCK, end, BLOCK):
            first, last = max(offset, block), min(end, block + BLOCK)
            kept = self._kept.get(block)
            if kept is None or not self._keep[0] <= first < last <= self._keep[1]:
                raise ValueError("bytes written again must be in the range asked to be kept")
            kept[first - block : last - block] = data[first - offset : last - offset]
            copy = self._block()  # as it is now: `kept` may change again
            copy[:] = kept
            self._writes.put((copy, BLOCK, block))

    def _block(self) -> mmap.mmap:
        """Return a block of aligned memory, one let go before if there is one."""
        return self._spare.pop() if self._spare else aligned(BLOCK)

    def _write_all(self, fd: int) -> None:
        """Write what is handed over, in order, until told to stop (the writing thread)."""
        try:
            while (task := self._writes.get()) is not None:
                buffer, size, offset = task
                if self._error is None:
                    try:
                        view = buffer.view if isinstance(buffer, Buffer) else memoryview(buffer)
                        _write(fd, view[:size], offset)
                    except BaseException as error:  # raised on the other side
                        self._error = error
                if isinstance(buffer, Buffer):
                    self._pipeline.release(buffer)
                else:
                    self._spare.append(buffer)
        finally:
            os.close(fd)


def _write(fd: int, data: memoryview, offset: int) -> None:
    done = 0
    while done < len(data):
        try:
            count = os.pwrite(fd, data[done:], offset + done)
        except OSError as error:
            if error.errno != errno.EINVAL or not _direct_off(fd):
                raise
            continue  # the disk wants another alignment: the page cache takes the rest
        if not count:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        done += count


def _direct_off(fd: int) -> bool:
    """Write through the page cache from now on; return False if already so."""
    import fcntl

    flags = fcntl.fcntl(fd, fcntl.F_GETFL)
    if not flags & os.O_DIRECT:
        return False
    fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_DIRECT)
    return True


class CachedFile(_Staged):
    """A file written through the page cache, its write-back started as it goes.

    Linux starts writing a range back when asked to drop it from the cache, so the disk works
    while the next files are hashed rather than all at once in the final sync, and a large
    bundle does not push everything else out of memory.
    """

    def __init__(self, handle: BinaryIO, pipeline: Pipeline) -> None:
        super().__init__(handle, pipeline)
        self._flushed = self._base  # how far the file has been handed to the disk

    def close(self) -> None:
        """Write what is left; the handle's owner syncs and closes it."""
        stage = self._stage
        if stage is not None:
            self._stage = None
            self._send(stage, self._fill)
            self._base += self._fill
            self._fill = 0

    def discard(self) -> None:
        """Nothing to let go: the stage goes with the pipeline."""

    def _send(self, stage: Buffer, size: int) -> None:
        try:
            self._handle.write(stage.view[:size])
        finally:
            self._pipeline.release(stage)
        written = self._base + size
        if written - self._flushed >= WRITE_BACK and hasattr(os, "posix_fadvise"):
            self._handle.flush()
            advice = os.POSIX_FADV_DONTNEED
            os.posix_fadvise(self._handle.fileno(), self._flushed, written - self._flushed, advice)
            self._flushed = written

    def _rewrite_sent(self, offset: int, data: memoryview) -> None:
        self._handle.seek(offset)
        self._handle.write(data)
        self._handle.seek(self._base)


def zip_file(handle: BinaryIO, pipeline: Pipeline) -> DirectFile | CachedFile:
    """Return what a bundle's zip is written through, over `handle`: see the module."""
    return DirectFile.over(handle, pipeline) or CachedFile(handle, pipeline)
