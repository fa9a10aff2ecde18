"""A bundle's zip is assembled in the hashing pipeline's buffers, evidence read straight into
place, and goes straight to the disk (O_DIRECT) where the system allows, else through the
page cache: the same bytes either way, whole aligned blocks to the disk, and a full disk is
one clear error."""

from __future__ import annotations

import ctypes
import errno
import fcntl
import io
import os
import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from letters.bag import disk, hashing, writer, ziparchive
from letters.bag.hashing import Pipeline
from letters.errors import BundleError
from letters.verify import verify_bundle
from tests.bundle_fixtures import DAY, EVIDENCE, build, make_evidence
from tests.zip_reference import Entry, entries_of, letters_write, zipfile_bytes

BLOCK = disk.BLOCK


def _data(size: int, seed: int) -> bytes:
    return bytes((seed + n * 31) % 251 for n in range(size))


def _pieces(data: bytes, size: int) -> list[bytes]:
    return [data[n : n + size] for n in range(0, len(data), size)] or [b""]


def _entries() -> list[Entry]:
    """Entries whose headers fall across block and stage edges, some larger than a stage.

    Names of every length from 1 to 40 move each next header by a byte or more, so over the
    entries every header starts at many places in a block, some across two.
    """
    entries: list[Entry] = []
    for n in range(1, 41):
        size = (0, 1, 700, BLOCK - 31, 3 * BLOCK + 5, 9 * BLOCK + 17)[n % 6] + n
        entries.append(("x" * n, _pieces(_data(size, n), 1000), size))
    entries.append(("长 name 名字.bin", _pieces(_data(40 * BLOCK + 3, 1), 5000), 40 * BLOCK + 3))
    return entries


def _fill(out: Any, entries: list[Entry], streamed: bool) -> None:
    """Write a zip through `out`, every entry streamed in or every other one, and close it."""
    letters_write(out, entries, DAY, lambda n: streamed or n % 2 == 1)
    out.close()


def _write_zip(path: Path, entries: list[Entry], streamed: bool, kind: Callable[..., Any]) -> None:
    with path.open("wb") as handle, Pipeline() as pipeline:
        _fill(kind(handle, pipeline), entries, streamed)
        handle.flush()
        assert handle.tell() == path.stat().st_size  # left at the end, for the caller's sync


def _direct(handle: io.BufferedWriter, pipeline: Pipeline) -> disk.DirectFile:
    """Return a DirectFile over `handle`: with O_DIRECT where the file system has it, and
    through the page cache where not, so its blocks and kept ranges are tested either way."""
    file = disk.DirectFile.over(handle, pipeline)
    flags = fcntl.fcntl(handle.fileno(), fcntl.F_GETFL)
    return file or disk.DirectFile(handle, pipeline, flags)


def _direct_here(folder: Path) -> bool:
    probe = folder / "probe"
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_DIRECT, 0o600))
    except OSError:
        return False
    finally:
        probe.unlink(missing_ok=True)
    return True


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[int, int, int, bool]]]:
    """Watch every os.pwrite: (address, size, offset, whether O_DIRECT was on)."""
    seen: list[tuple[int, int, int, bool]] = []
    real = os.pwrite

    def pwrite(fd: int, data: Any, offset: int) -> int:
        address = ctypes.addressof(ctypes.c_char.from_buffer(data)) if len(data) else 0
        direct = bool(fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_DIRECT)
        seen.append((address, len(data), offset, direct))
        return real(fd, data, offset)

    monkeypatch.setattr(os, "pwrite", pwrite)
    yield seen


@pytest.fixture
def small_stages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Buffers of two blocks: headers on the disk before their CRC-32 is known, and across
    stages, for every entry."""
    monkeypatch.setattr(hashing, "BUFFER_SIZE", 2 * BLOCK)


@pytest.mark.parametrize("small", [True, False], ids=["stages of 2 blocks", "default"])
@pytest.mark.parametrize("streamed", [False, True], ids=["mixed", "streamed"])
def test_a_zip_written_straight_to_the_disk_is_the_bytes_zipfile_writes(
    tmp_path: Path,
    request: pytest.FixtureRequest,
    writes: list[tuple[int, int, int, bool]],
    small: bool,
    streamed: bool,
) -> None:
    if small:
        request.getfixturevalue("small_stages")
    entries = _entries()
    path = tmp_path / "out.zip"
    _write_zip(path, entries, streamed, _direct)
    assert path.read_bytes() == zipfile_bytes(entries, DAY)
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
    # Whole blocks from aligned memory to aligned offsets, as O_DIRECT needs.
    assert writes
    assert all(a % BLOCK == 0 and s % BLOCK == 0 and o % BLOCK == 0 for a, s, o, _ in writes)
    if small:  # headers were on the disk before their CRC-32 was known: written again
        assert len(writes) > len({offset for _a, _s, offset, _d in writes})


def test_zip64_headers_written_again_from_kept_blocks_are_zipfiles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_stages: None
) -> None:
    # Both writers decide ZIP64 at a lowered limit, as in test_ziparchive: a streamed entry of
    # another size than expected then has its ZIP64 field's sizes written in as well, past the
    # name, from a kept block.
    monkeypatch.setattr(ziparchive, "ZIP64_LIMIT", 20_000)
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 20_000)
    entries: list[Entry] = []
    for n, (size, expected) in enumerate([(30_000, 30_000), (25_000, 40_000), (50_000, 21_000)]):
        name = "z" * (n * 1500 + 7)  # headers across blocks
        entries.append((name, _pieces(_data(size, n), 3000), expected))
    path = tmp_path / "out.zip"
    _write_zip(path, entries, True, _direct)
    assert path.read_bytes() == zipfile_bytes(entries, DAY)


def test_blocks_kept_and_written_again_reuse_a_few_maps_of_memory(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    writes: list[tuple[int, int, int, bool]],
    small_stages: None,
) -> None:
    # In stages of two blocks, headers are on the disk before their CRC-32 is known: their
    # blocks are kept, and written again. Mapping memory for each block, and unmapping it,
    # interrupts every other thread of the process: a few blocks serve over and over.
    maps = 0
    real = disk.aligned

    def aligned(size: int) -> Any:
        nonlocal maps
        maps += size == BLOCK
        return real(size)

    monkeypatch.setattr(disk, "aligned", aligned)
    entries = [(f"{n}/{name}", data, size) for n in range(3) for name, data, size in _entries()]
    path = tmp_path / "out.zip"
    _write_zip(path, entries, True, _direct)
    assert path.read_bytes() == zipfile_bytes(entries, DAY)
    written_again = len(writes) - len({offset for _a, _s, offset, _d in writes})
    assert written_again >= 20
    assert maps <= 8  # not one for each block kept or written again (over a hundred)


@pytest.mark.parametrize("kind", [_direct, disk.CachedFile], ids=["direct", "cached"])
def test_a_bundle_read_straight_into_its_buffers_is_the_bytes_zipfile_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_stages: None, kind: Any
) -> None:
    # Evidence read into the zip's own buffers, across their edges; headers of files that end
    # in a later buffer written in afterwards.
    monkeypatch.setattr(writer, "zip_file", kind)
    files = dict(EVIDENCE)
    files["empty.txt"] = b""
    files["videos/通话录像 1.mp4"] = _data(5 * BLOCK + 17, 3)
    files["videos/short.mp4"] = _data(2 * BLOCK, 4)
    out = tmp_path / "out" / "bundle-2026-11-24.zip"
    result = build(make_evidence(tmp_path / "evidence", files), out)
    assert out.read_bytes() == zipfile_bytes(entries_of(out), DAY)
    assert verify_bundle(out, fingerprint=result.fingerprint).valid


def test_writes_go_past_the_page_cache_where_the_file_system_allows(
    tmp_path: Path, writes: list[tuple[int, int, int, bool]]
) -> None:
    if not _direct_here(tmp_path):
        pytest.skip(f"{tmp_path} takes no O_DIRECT writes")
    path = tmp_path / "out.zip"
    with path.open("wb") as handle, Pipeline() as pipeline:
        file = disk.zip_file(handle, pipeline)
        assert isinstance(file, disk.DirectFile)
        _fill(file, _entries(), streamed=True)
        after = fcntl.fcntl(handle.fileno(), fcntl.F_GETFL)
    assert all(direct for _a, _s, _o, direct in writes)
    assert not after & os.O_DIRECT  # the file's own flags are back once it is written


def test_a_disk_that_wants_other_alignment_gets_the_rest_through_the_page_cache(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    small_stages: None,
    writes: list[tuple[int, int, int, bool]],
) -> None:
    if not _direct_here(tmp_path):
        pytest.skip(f"{tmp_path} takes no O_DIRECT writes")
    watched = os.pwrite
    refused = []

    def pwrite(fd: int, data: Any, offset: int) -> int:
        if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_DIRECT:
            refused.append(offset)
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        return watched(fd, data, offset)

    monkeypatch.setattr(os, "pwrite", pwrite)
    entries = _entries()
    path = tmp_path / "out.zip"
    _write_zip(path, entries, True, disk.zip_file)
    assert refused == [0]  # once, then never asked again
    assert writes and not any(direct for _a, _s, _o, direct in writes)
    assert path.read_bytes() == zipfile_bytes(entries, DAY)


def test_a_file_system_without_direct_writes_gets_the_zip_through_the_page_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = fcntl.fcntl

    def refuse(fd: int, command: int, *arg: Any) -> Any:
        if command == fcntl.F_SETFL:
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        return real(fd, command, *arg)

    monkeypatch.setattr(fcntl, "fcntl", refuse)
    with (tmp_path / "out.zip").open("wb") as handle, Pipeline() as pipeline:
        assert isinstance(disk.zip_file(handle, pipeline), disk.CachedFile)
    evidence = make_evidence(tmp_path / "evidence", EVIDENCE)
    out = tmp_path / "out" / "bundle-2026-11-24.zip"
    result = build(evidence, out)
    assert verify_bundle(out, fingerprint=result.fingerprint).valid


def test_through_the_page_cache_the_disk_is_asked_to_write_back_as_the_zip_grows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_stages: None
) -> None:
    monkeypatch.setattr(disk, "WRITE_BACK", 10 * BLOCK)
    asked: list[tuple[int, int]] = []
    monkeypatch.setattr(
        os, "posix_fadvise", lambda fd, start, size, advice: asked.append((start, size))
    )
    entries = _entries()
    path = tmp_path / "out.zip"
    _write_zip(path, entries, True, disk.CachedFile)
    assert path.read_bytes() == zipfile_bytes(entries, DAY)
    assert len(asked) > 5
    assert all(size >= 10 * BLOCK for _start, size in asked)
    assert [start for start, _size in asked[1:]] == [s + n for s, n in asked[:-1]]  # in order


def _full_after(budget: int) -> Callable[[int, Any, int], int]:
    """Return an os.pwrite for a disk that takes `budget` bytes, then is full."""
    real = os.pwrite
    left = [budget]

    def pwrite(fd: int, data: Any, offset: int) -> int:
        if len(data) > left[0]:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        left[0] -= len(data)
        return real(fd, data, offset)

    return pwrite


@pytest.mark.parametrize("budget", [0, 3 << 20], ids=["first write", "later"])
def test_a_full_disk_met_by_the_writing_thread_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, budget: int
) -> None:
    evidence = make_evidence(tmp_path / "evidence", {**EVIDENCE, "video.mp4": os.urandom(9 << 20)})
    monkeypatch.setattr(writer, "zip_file", _direct)  # a DirectFile, whatever the file system
    monkeypatch.setattr(os, "pwrite", _full_after(budget))
    out = tmp_path / "out" / "bundle-2026-11-24.zip"
    with pytest.raises(BundleError) as caught:
        build(evidence, out)
    assert caught.value.message == f"cannot write {out}: No space left on device"
    assert not out.parent.exists()
    for thread in threading.enumerate():  # not waited for on the way out, but it ends
        if thread.name == "letters-write":
            thread.join(timeout=10)
            assert not thread.is_alive()


def _descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def _interrupt_after(stop: int) -> Callable[[int], None]:
    """Return a progress callback that presses Ctrl-C once `stop` bytes are read."""
    read = [0]

    def interrupt(count: int) -> None:
        read[0] += count
        if read[0] >= stop:
            raise KeyboardInterrupt

    return interrupt


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts descriptors in /proc")
@pytest.mark.parametrize("kind", [_direct, disk.CachedFile], ids=["direct", "cached"])
def test_ctrl_c_anywhere_in_a_bundle_leaves_nothing_and_no_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_stages: None, kind: Any
) -> None:
    monkeypatch.setattr(writer, "zip_file", kind)
    evidence = make_evidence(
        tmp_path / "evidence", {f"{n}.bin": _data(n * 3000, n) for n in range(12)}
    )
    out = tmp_path / "out" / "bundle-2026-11-24.zip"
    before = _descriptors()
    for stop in range(0, 200_000, 9_000):
        interrupt = _interrupt_after(stop)
        with pytest.raises(KeyboardInterrupt):
            build(evidence, out, progress=interrupt)
        assert not out.parent.exists()
        for thread in threading.enumerate():
            if thread.name == "letters-write":
                thread.join(timeout=10)
                assert not thread.is_alive()
    assert _descriptors() == before


def test_a_writing_thread_that_cannot_start_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not _direct_here(tmp_path):
        pytest.skip(f"{tmp_path} takes no O_DIRECT writes")

    def refuse(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    before = _descriptors()
    with (tmp_path / "out.zip").open("wb") as handle, Pipeline() as pipeline:
        monkeypatch.setattr(threading.Thread, "start", refuse)
        with pytest.raises(RuntimeError):
            disk.zip_file(handle, pipeline)
        assert not fcntl.fcntl(handle.fileno(), fcntl.F_GETFL) & os.O_DIRECT
        assert _descriptors() == before + 1  # the handle's own
