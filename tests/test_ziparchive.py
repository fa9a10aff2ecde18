"""letters' zip writer writes, byte for byte, what zipfile writes for the same entries."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import pytest

from letters.bag import ziparchive
from letters.bag.crc import crc32
from letters.bag.hashing import Pipeline
from letters.bag.manifest import ALGORITHMS, BagInfo, manifest_bytes
from letters.bag.writer import BagWriter
from letters.bag.ziparchive import ZIP64_LIMIT, Spool
from tests.bundle_fixtures import BAG, EVIDENCE, build, make_evidence
from tests.zip_reference import (
    Entry,
    Sink,
    entries_of,
    letters_write,
    zipfile_bytes,
    zipfile_write,
)

DAY = date(2026, 11, 24)
MIB = 1 << 20


def _data(size: int, seed: int = 7) -> bytes:
    return bytes((seed + n * 31) % 251 for n in range(size))


def _pieces(data: bytes, size: int = 64 << 10) -> list[bytes]:
    return [data[n : n + size] for n in range(0, len(data), size)] or [b""]


# Shaped like a bundle: ASCII, Chinese and accented names, spaces and `%`, an empty file, a
# file larger than one piece.
ENTRIES: list[tuple[str, bytes]] = [
    ("bundle/bagit.txt", b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"),
    ("bundle/data/evidence/微信截图 2026-11-20.png", _data(10_000)),
    ("bundle/data/evidence/empty.txt", b""),
    ("bundle/data/evidence/100% refund.pdf", _data(3000, 3)),
    ("bundle/data/evidence/café/账单 bill.pdf", _data(MIB + 123, 5)),
    ("bundle/data/evidence/é", b"x"),
]


def _every(streamed: bool) -> Callable[[int], bool]:
    """Return whether each entry is streamed in: all of them, or none."""
    return lambda _n: streamed


def _ours(entries: Sequence[Entry], *, streamed: bool, lead: bytes = b"") -> bytes:
    out = io.BytesIO()
    out.write(lead)
    letters_write(out, entries, DAY, _every(streamed))
    return out.getvalue()


@pytest.mark.parametrize("streamed", [False, True], ids=["whole", "streamed"])
@pytest.mark.parametrize("lead", [b"", b"not a zip " * 100], ids=["at 0", "after bytes"])
def test_entries_are_the_bytes_zipfile_writes(streamed: bool, lead: bytes) -> None:
    entries = [(name, _pieces(data), len(data)) for name, data in ENTRIES]
    ours = _ours(entries, streamed=streamed, lead=lead)
    assert ours == zipfile_bytes(entries, DAY, lead)
    with zipfile.ZipFile(io.BytesIO(ours)) as archive:
        assert archive.testzip() is None
        assert [(i.filename, archive.read(i)) for i in archive.infolist()] == ENTRIES
        flags = {i.filename: i.flag_bits for i in archive.infolist()}
    assert flags["bundle/bagit.txt"] == 0
    assert flags["bundle/data/evidence/微信截图 2026-11-20.png"] == 0x800  # UTF-8 name


def test_an_empty_zip_is_the_bytes_zipfile_writes() -> None:
    assert _ours([], streamed=False) == zipfile_bytes([], DAY)


@pytest.mark.parametrize(("expected", "size"), [(0, 5), (10, 3000), (3000, 10)])
def test_a_streamed_entry_of_another_size_than_expected_is_what_zipfile_writes(
    expected: int, size: int
) -> None:
    entries = [("a.bin", _pieces(_data(size)), expected), ("b.txt", [b"after"], 5)]
    assert _ours(entries, streamed=True) == zipfile_bytes(entries, DAY)


def test_zip64_choices_are_zipfiles_around_lowered_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    # The same decisions as at 2 GiB and 65,535 entries, on kilobytes: both writers read their
    # limits when they decide, so lowering both exercises every ZIP64 path of each.
    monkeypatch.setattr(ziparchive, "ZIP64_LIMIT", 1000)
    monkeypatch.setattr(ziparchive, "FILECOUNT_LIMIT", 5)
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 1000)
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 5)
    # 952 × 1.05 fits under 1000 and 953 × 1.05 does not: a ZIP64 local header but no ZIP64
    # sizes in the central record; past 1000, both; past the first kilobyte, ZIP64 offsets.
    sizes = [0, 10, 952, 953, 1000, 1001, 2500]
    entries: list[Entry] = [(f"f{n}-{size}", [_data(size)], size) for n, size in enumerate(sizes)]
    for streamed in (False, True):
        assert _ours(entries, streamed=streamed) == zipfile_bytes(entries, DAY)
    for count in (5, 6):  # up to the limit, and one past it: the ZIP64 end records
        few = [(f"{n}.txt", [b"x"], 1) for n in range(count)]
        ours = _ours(few, streamed=False)
        assert ours == zipfile_bytes(few, DAY)
        assert (b"PK\x06\x06" in ours) == (count > 5)
    # Streamed entries whose size is not the one expected, with and without a ZIP64 header.
    odd: list[Entry] = [("grew", [_data(900)], 10), ("shrank", [_data(1500)], 2000)]
    assert _ours(odd, streamed=True) == zipfile_bytes(odd, DAY)


def test_more_than_65535_entries_get_zipfiles_zip64_end_records() -> None:
    entries: list[Entry] = [(f"{n}", [b""], 0) for n in range(0xFFFF + 2)]
    ours = _ours(entries, streamed=False)
    assert ours == zipfile_bytes(entries, DAY)
    assert b"PK\x06\x06" in ours


def test_entries_of_gigabytes_get_zipfiles_headers_and_records(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Written to a sink that keeps all but the data, so both writers go through gigabytes
    # without a disk; zipfile is given zlib-ng's CRC-32 (the same function, faster).
    monkeypatch.setattr(zipfile, "crc32", crc32)
    zeros = memoryview(bytes(64 * MIB))
    smallest_zip64 = int(ZIP64_LIMIT / 1.05) + 1  # a ZIP64 local header, 32-bit sizes elsewhere

    def chunks(size: int) -> list[memoryview]:
        return [zeros] * (size // len(zeros)) + [zeros[: size % len(zeros)]]

    sizes = [smallest_zip64 - 1, smallest_zip64, ZIP64_LIMIT, ZIP64_LIMIT + 1, (1 << 32) + 5]
    entries: list[Entry] = [("first.txt", [b"small"], 5)]
    entries += [(f"{size}.bin", chunks(size), size) for size in sizes]
    entries += [("last, past 8 GiB.txt", [b"small"], 5)]
    theirs = Sink()
    zipfile_write(theirs, entries, DAY)  # type: ignore[arg-type]
    for streamed in (False, True):
        ours = Sink()
        letters_write(ours, entries, DAY, _every(streamed))
        assert ours.end == theirs.end > 8 << 30
        assert ours.kept == theirs.kept
    tail = bytes(theirs.kept[p] for p in range(theirs.end - 98, theirs.end))
    assert tail.startswith(b"PK\x06\x06")  # the central directory starts past 4 GiB


def test_a_spool_gives_back_what_was_written_in_memory_or_on_disk() -> None:
    data = [_data(size, size) for size in (10, 70_000, 0, 300_000, 5)]
    for limit in (1, 1 << 30):  # on disk at once, or never
        spool = Spool(limit)
        for piece in data:
            spool.write(piece)
        assert spool.size == sum(map(len, data))
        assert b"".join(spool.chunks(1000)) == b"".join(data)
        spool.close()


def _bag_writer_peak(files: int, out: Path) -> int:
    """Return the peak memory of a BagWriter writing `files` small payload files."""
    with out.open("wb") as handle, Pipeline() as pipeline:
        tracemalloc.start()
        try:
            with BagWriter(handle, "bundle", DAY, pipeline) as writer:
                for n in range(files):
                    writer.add_bytes(f"data/evidence/{n:06} 微信截图.png", b"x" * (n % 300))
                writer.finish(BagInfo(contact_name="王小明", external_description="Closure"))
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def test_the_writers_memory_does_not_grow_with_the_number_of_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A small spool limit, so that both counts spill to disk: what is left in memory is about
    # the spools' limits, whatever the count (zipfile kept some 330 bytes per file, and the
    # manifests about as much again).
    monkeypatch.setattr(ziparchive, "SPOOL_LIMIT", 64 << 10)
    few = _bag_writer_peak(1_000, tmp_path / "few.zip")
    many = _bag_writer_peak(10_000, tmp_path / "many.zip")
    assert many < few + (32 << 10), (few, many)


def test_manifests_of_a_payload_added_out_of_order_are_sorted(tmp_path: Path) -> None:
    paths = ["data/b.txt", "data/a/z.txt", "data/a-b.txt", "data/a/b%\nc.txt", "data/0"]
    with (
        (tmp_path / "out.zip").open("wb") as handle,
        Pipeline() as pipeline,
        BagWriter(handle, "bundle", DAY, pipeline) as writer,
    ):
        digests = [(path, writer.add_bytes(path, path.encode())) for path in paths]
        for algorithm in ALGORITHMS:
            chunks, size = writer.manifests.entry(algorithm)
            data = b"".join(chunks)
            assert data == manifest_bytes(digests, algorithm)
            assert size == len(data)


def test_a_bundle_is_the_bytes_zipfile_writes_for_its_entries(tmp_path: Path) -> None:
    # Small files written whole, files over a megabyte streamed in, an empty file, Chinese
    # names: the whole bundle is what zipfile writes for the same entries, in the same order.
    files = dict(EVIDENCE)
    files["empty.txt"] = b""
    files["videos/通话录像 1.mp4"] = _data(3 * MIB + 17)
    files["videos/short.mp4"] = _data(MIB)
    out = tmp_path / f"{BAG}.zip"
    build(make_evidence(tmp_path / "evidence", files), out)
    assert out.read_bytes() == zipfile_bytes(entries_of(out), DAY)


def test_a_bundle_with_spools_on_disk_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    evidence = make_evidence(tmp_path / "evidence")
    build(evidence, tmp_path / "a" / f"{BAG}.zip")
    monkeypatch.setattr(ziparchive, "SPOOL_LIMIT", 1)
    build(evidence, tmp_path / "b" / f"{BAG}.zip")
    assert (tmp_path / "a" / f"{BAG}.zip").read_bytes() == (
        tmp_path / "b" / f"{BAG}.zip"
    ).read_bytes()
