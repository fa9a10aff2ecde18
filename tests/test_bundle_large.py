"""Bundles of files large enough to be hashed on helper threads while the next ones are read."""

from __future__ import annotations

import hashlib
import os
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import bagit
import pytest

from letters.bag.hashing import BUFFER_SIZE, BUFFERS
from letters.bag.paths import MAX_FILES
from letters.bundle import build_bundle, scan_evidence
from letters.errors import BundleError
from letters.verify import verify_bundle
from tests.bundle_fixtures import BAG, DAY, EVENTS, INFO, build
from tests.conftest import run

MIB = 1 << 20
# Sizes around the 64 KiB and 1 MiB edges, between many small files, so that the read-ahead
# runs across files and the last chunk of a file is sometimes full and sometimes not.
SIZES = [100, 64 * 1024 - 1, 64 * 1024, MIB - 1, MIB, MIB + 1, 3 * MIB + 123, 7, 5 * MIB]


def _manifest(data: bytes) -> dict[str, str]:
    lines = data.decode().splitlines()
    return {path: checksum for checksum, path in (line.split("  ", 1) for line in lines)}


def test_large_and_small_files_get_the_digests_hashlib_gives(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    expected: dict[str, bytes] = {}
    for number, size in enumerate(SIZES * 3):
        name = f"f{number // 10}/{number:02}-{size}.bin"
        expected[name] = os.urandom(size)
        (evidence / name).parent.mkdir(parents=True, exist_ok=True)
        (evidence / name).write_bytes(expected[name])
    out = tmp_path / f"{BAG}.zip"
    build(evidence, out)

    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None  # every entry's CRC-32 matches its data
        stored = {name: archive.read(f"{BAG}/data/evidence/{name}") for name in expected}
        sha256 = _manifest(archive.read(f"{BAG}/manifest-sha256.txt"))
        sha512 = _manifest(archive.read(f"{BAG}/manifest-sha512.txt"))
    assert stored == expected
    for name, data in expected.items():
        assert sha256[f"data/evidence/{name}"] == hashlib.sha256(data).hexdigest()
        assert sha512[f"data/evidence/{name}"] == hashlib.sha512(data).hexdigest()
    assert verify_bundle(out).valid
    with zipfile.ZipFile(out) as archive:
        archive.extractall(tmp_path / "unzipped")
    bagit.Bag(str(tmp_path / "unzipped" / BAG)).validate()


def test_a_large_file_that_grows_while_read_fails_the_build(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    target = evidence / "call.mp4"
    target.write_bytes(os.urandom(6 * MIB))
    (evidence / "later.png").write_bytes(os.urandom(2 * MIB))
    scanned = scan_evidence(evidence)
    done = 0

    def grow(count: int) -> None:
        nonlocal done
        done += count
        if done - count < 2 * MIB <= done:  # once, partway through the video
            with target.open("ab") as handle:
                handle.write(b"appended")

    out = tmp_path / f"{BAG}.zip"
    with pytest.raises(BundleError, match="changed while it was being read"):
        build_bundle(out, scanned, bagging_date=DAY, info=INFO, progress=grow)
    assert not out.exists()


def test_memory_stays_bounded_whatever_the_size(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    for number in range(4):
        (evidence / f"video {number}.mp4").write_bytes(os.urandom(12 * MIB))
    scanned = scan_evidence(evidence)
    tracemalloc.start()
    try:
        build_bundle(tmp_path / f"{BAG}.zip", scanned, bagging_date=DAY, info=INFO)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The read-ahead buffers and little else, however much evidence there is.
    assert peak < BUFFERS * BUFFER_SIZE + 4 * MIB < 48 * MIB


def _kept_per_file(tmp_path: Path, count: int) -> tuple[float, float]:
    """Build a bundle of `count` small files; return the bytes per file the scan keeps, and
    the bytes per file its result keeps beyond the scan, the zip written."""
    evidence = tmp_path / f"evidence {count}"
    for number in range(count):
        path = evidence / f"folder {number // 200}" / f"截图 {number:05}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * (300 + number))
    tracemalloc.start()
    try:
        scanned = scan_evidence(evidence)
        after_scan, _peak = tracemalloc.get_traced_memory()
        result = build_bundle(
            tmp_path / f"{count}.zip", scanned, bagging_date=DAY, info=INFO, events=EVENTS
        )
        after_build, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(result.exhibits) == count
    return after_scan, after_build - after_scan


def test_many_files_cost_little_memory_each(tmp_path: Path) -> None:
    # Measured at two counts, so that what is made once (imports, caches) falls out.
    few_scan, few_result = _kept_per_file(tmp_path, 200)
    many_scan, many_result = _kept_per_file(tmp_path, 1200)
    scan, result = (many_scan - few_scan) / 1000, (many_result - few_result) / 1000
    # A file's path (116 bytes here), its size, time and identity (about 300 bytes in all):
    # no DirEntry, stat result or second copy of the path stays behind.
    assert scan < 400
    # The digests the manifests needed anyway (about 180 bytes): no Exhibit object, hex
    # string or bag path is kept for each file.
    assert result < 250


def _empty_files(folder: Path, count: int, per_folder: int) -> None:
    for number in range(count):
        sub = folder / f"{number // per_folder:03}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{number:05}.png").touch()


def test_a_bundle_holds_up_to_the_most_files(tmp_path: Path) -> None:
    _empty_files(tmp_path / "evidence", MAX_FILES, 5000)
    assert len(scan_evidence(tmp_path / "evidence").files) == MAX_FILES


@pytest.mark.parametrize("per_folder", [MAX_FILES + 1, 500])
def test_a_folder_of_more_files_than_a_bundle_holds_is_refused(
    tmp_path: Path, case_file: Callable[[], Path], per_folder: int
) -> None:
    evidence = tmp_path / "evidence"
    _empty_files(evidence, MAX_FILES + 1, per_folder)
    out = tmp_path / "bundle.zip"
    result = run("bundle", case_file(), evidence, "-o", out, "--date", DAY.isoformat())
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: {evidence} holds more than 20,000 files, and a bundle holds at most 20,000 — "
        "choose a folder with only this case's evidence, and run the command again\n",
    )
    assert not out.exists()
