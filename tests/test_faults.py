"""Faults from outside: signals, a full disk, a read-only folder, the umask. Whatever stops a
run, no output is left half made, no folder made for it stays, and the evidence folder is
never touched."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest

from letters.bag.hashing import Pipeline
from tests.bundle_fixtures import snapshot
from tests.conftest import SAMPLES, default_stop_signals, run

CASE = SAMPLES / "case-en.toml"
DAY = ("--date", "2026-11-24")
INTERRUPTED = "Error: interrupted — nothing was written\n"


def listing(root: Path) -> list[str]:
    """Every name under root, hidden ones included."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


# --- signals ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def large_evidence(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An evidence folder with a file large enough to be mid-copy when a signal comes."""
    folder = tmp_path_factory.mktemp("large-evidence")
    shutil.copytree(SAMPLES / "evidence", folder, dirs_exist_ok=True)
    with open(folder / "video 2026-11-20.mp4", "wb") as handle:
        # Allocated, so that it has blocks (not a sparse cloud placeholder), and large enough
        # that a loaded machine cannot finish it between the check and the signal.
        os.posix_fallocate(handle.fileno(), 0, 1 << 30)
    return folder


def _part_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*.part")] if folder.exists() else []


@pytest.mark.parametrize(
    ("command", "signum"),
    [
        ("bundle", signal.SIGTERM),
        ("bundle", signal.SIGHUP),
        ("bundle", signal.SIGINT),
        ("kit", signal.SIGTERM),
    ],
)
def test_a_signal_mid_bundle_leaves_nothing_behind(
    tmp_path: Path, large_evidence: Path, command: str, signum: int
) -> None:
    made = tmp_path / "new"  # does not exist yet: the run makes it, and must remove it
    if command == "bundle":
        args = ["bundle", CASE, large_evidence, "-o", made / "deeper" / "b.zip"]
    else:
        args = ["kit", CASE, "--evidence", large_evidence, "-o", made / "kit"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    process = subprocess.Popen(
        [sys.executable, "-m", "letters", *map(str, args), *DAY],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        preexec_fn=default_stop_signals,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        # Mid-copy: the bundle's temporary file holds part of the large file.
        if any(p.stat().st_size > 4 << 20 for p in _part_files(made) if p.exists()):
            break
        time.sleep(0.002)
    assert process.poll() is None, "the bundle was finished before it could be interrupted"
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=60)
    assert (process.returncode, stderr) == (1, INTERRUPTED), stdout
    assert not made.exists()  # no .part file, no output, no half-made folder
    assert listing(tmp_path) == []


def test_a_signal_that_leaves_the_hashing_lock_taken_does_not_hang_the_way_out() -> None:
    # A signal handled just as the reader takes the pipeline's lock, inside the lock's own
    # __enter__, raises before any `with` can let the lock go: a worker then waits on it for
    # ever, and the way out must not wait for the worker.
    left: list[BaseException] = []

    def reader() -> None:
        try:
            with Pipeline() as pipeline:
                job = pipeline.job(["sha256"], 8 << 20, lambda _job: None)
                buffer = pipeline.buffer()
                pipeline._state.acquire()  # as that signal leaves it
                job.feed(buffer, buffer.view)  # a worker's task, whose end needs the lock
                raise KeyboardInterrupt
        except KeyboardInterrupt as stopped:
            left.append(stopped)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive(), "leaving the pipeline waited for a worker stuck on its lock"
    assert len(left) == 1


# --- the evidence folder ------------------------------------------------------------------


@pytest.mark.parametrize(
    "where",
    ["kit", "deep/er/kit", ".", "link-to-evidence/kit"],
    ids=["kit", "deep", "itself", "link"],
)
def test_kit_out_inside_the_evidence_folder_changes_nothing(tmp_path: Path, where: str) -> None:
    evidence = tmp_path / "evidence"
    shutil.copytree(SAMPLES / "evidence", evidence)
    (tmp_path / "link-to-evidence").symlink_to(evidence)
    before = snapshot(evidence)
    out = (tmp_path / where) if where.startswith("link") else evidence / where
    result = run("kit", CASE, "--evidence", evidence, "-o", out, *DAY)
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {out} is inside the evidence folder {evidence}, which is never written to "
        "— choose another place with -o\n",
    )
    assert snapshot(evidence) == before  # byte for byte, mode and time, and the listing


@pytest.mark.parametrize("command", ["letter", "email", "bundle"])
def test_the_case_folders_own_evidence_folder_is_never_written_to(
    tmp_path: Path, command: str
) -> None:
    folder = tmp_path / "my-case"  # as `letters init` lays it out
    shutil.copytree(SAMPLES / "evidence", folder / "evidence")
    shutil.copy(CASE, folder / "case.toml")
    before = snapshot(folder / "evidence")
    out = folder / "evidence" / "out"
    if command == "bundle":
        args: tuple[Any, ...] = (SAMPLES / "evidence", "-o", out / "b.zip")
    else:
        args = ("-o", out)
    result = run(command, folder / "case.toml", *args, *DAY)
    assert result.exit_code == 2, result.stdout
    assert "is inside the evidence folder" in result.stderr
    assert snapshot(folder / "evidence") == before


def test_the_evidence_folder_by_another_name_is_refused_too(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    shutil.copytree(SAMPLES / "evidence", evidence)
    other = tmp_path / "other"  # the same folder, mounted again: no link to resolve
    other.mkdir()
    if os.geteuid() != 0:
        pytest.skip("a bind mount needs root")
    if subprocess.run(["mount", "--bind", str(evidence), str(other)], check=False).returncode:
        pytest.skip("cannot bind-mount here")
    try:
        before = snapshot(evidence)
        result = run("kit", CASE, "--evidence", evidence, "-o", other / "kit", *DAY)
        assert result.exit_code == 2
        assert "is inside the evidence folder" in result.stderr
        assert snapshot(evidence) == before
    finally:
        subprocess.run(["umount", str(other)], check=True)


def test_bundle_out_deep_inside_the_evidence_folder_changes_nothing(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    shutil.copytree(SAMPLES / "evidence", evidence)
    before = snapshot(evidence)
    result = run("bundle", CASE, evidence, "-o", evidence / "a" / "b.zip", *DAY)
    assert result.exit_code == 2
    assert snapshot(evidence) == before


# --- a full disk, a read-only folder ------------------------------------------------------


def _spend(budget: list[int], data: Any) -> None:
    """Take the size of `data` from what is left on a disk, or fail as a full disk does."""
    size = len(memoryview(data).cast("B"))
    if size > budget[0]:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    budget[0] -= size


class _FullDisk:
    """A file that takes `budget` bytes, then fails as a full disk does."""

    def __init__(self, handle: Any, budget: list[int]) -> None:
        self._handle = handle
        self._budget = budget

    def write(self, data: Any) -> int:
        _spend(self._budget, data)
        written: int = self._handle.write(data)
        return written

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()


@pytest.mark.parametrize("budget", [0, 5_000, 60_000], ids=["first", "letters", "bundle"])
def test_a_full_disk_during_kit_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, budget: int
) -> None:
    real_fdopen, real_pwrite = os.fdopen, os.pwrite
    left = [budget]
    monkeypatch.setattr(os, "fdopen", lambda *a, **k: _FullDisk(real_fdopen(*a, **k), left))

    def pwrite(fd: int, data: Any, offset: int) -> int:  # how a bundle goes straight to disk
        _spend(left, data)
        return real_pwrite(fd, data, offset)

    monkeypatch.setattr(os, "pwrite", pwrite)
    out = tmp_path / "new" / "kit"
    result = run("kit", CASE, "--evidence", SAMPLES / "evidence", "-o", out, *DAY)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot write ")
    assert result.stderr.endswith(": No space left on device\n")
    assert result.stderr.count("\n") == 1
    assert ".part" not in result.stderr  # the file the user asked for, not a temporary one
    assert listing(tmp_path) == []


@contextlib.contextmanager
def _mounted_tmpfs(where: Path, options: str) -> Iterator[Path]:
    """Mount a small tmpfs at `where`, or skip when this machine does not let us."""
    where.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a file system needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
        capture_output=True, check=False,
    )  # fmt: skip
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=True)


@pytest.mark.parametrize("command", ["kit", "bundle"])
def test_a_real_full_disk_leaves_it_as_it_was(tmp_path: Path, command: str) -> None:
    evidence = tmp_path / "evidence"
    shutil.copytree(SAMPLES / "evidence", evidence)
    (evidence / "scan.pdf").write_bytes(os.urandom(3 << 20))  # more than the disk holds
    with _mounted_tmpfs(tmp_path / "disk", "size=2m") as disk:
        (disk / "already here.txt").write_text("mine")
        if command == "kit":
            result = run("kit", CASE, "--evidence", evidence, "-o", disk / "a" / "kit", *DAY)
        else:
            result = run("bundle", CASE, evidence, "-o", disk / "a" / "b.zip", *DAY)
        assert result.exit_code == 1, result.stdout
        assert result.stderr.startswith("Error: cannot write ")
        assert result.stderr.endswith(": No space left on device\n")
        assert listing(disk) == ["already here.txt"]


def test_a_read_only_folder_is_left_as_it_was(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    with contextlib.ExitStack() as stack:
        if os.geteuid() == 0:  # root writes anywhere: only a read-only file system stops it
            stack.enter_context(_mounted_tmpfs(folder, "size=1m,ro"))
            reason = "Read-only file system"
        else:
            folder.mkdir()
            folder.chmod(0o555)
            stack.callback(folder.chmod, 0o755)
            reason = "Permission denied"
        for args in (
            ("kit", CASE, "--evidence", SAMPLES / "evidence", "-o", folder / "kit"),
            ("letter", CASE, "-o", folder),
            ("bundle", CASE, SAMPLES / "evidence", "-o", folder / "b.zip"),
        ):
            result = run(*args, *DAY)
            assert result.exit_code == 1, args
            assert result.stderr.startswith("Error: cannot write "), args
            assert result.stderr.endswith(f": {reason}\n"), args
            assert listing(folder) == []


# --- personal files stay personal ----------------------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o000, 0o002])
def test_outputs_are_readable_by_the_user_only(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        out = tmp_path / "a" / "b" / "kit"
        result = run("kit", CASE, "--evidence", SAMPLES / "evidence", "-o", out, *DAY)
        assert result.exit_code == 0, result.stderr
        calendar = tmp_path / "deadlines.ics"
        late = SAMPLES / "case-late-en.toml"  # has deadlines to put in a calendar
        assert run("guide", late, *DAY, "--ics", calendar).exit_code == 0
    finally:
        os.umask(old)
    for folder in (tmp_path / "a", tmp_path / "a" / "b", out):
        assert folder.stat().st_mode & 0o777 == 0o700, folder
    for path in [*out.iterdir(), calendar]:
        assert path.stat().st_mode & 0o777 == 0o600, path


def test_a_new_case_folder_is_readable_by_the_user_only(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        result = run("init", tmp_path / "my-case", "--sample", "--lang", "en")
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.stderr
    made = [tmp_path / "my-case", *(tmp_path / "my-case").rglob("*")]
    assert len(made) >= 5  # the folder, case.toml, evidence/ and its note, documents/
    for path in made:
        assert path.stat().st_mode & 0o777 == (0o700 if path.is_dir() else 0o600), path


@pytest.mark.parametrize(("before", "after"), [(0o644, 0o600), (0o666, 0o600), (0o400, 0o400)])
def test_a_replaced_file_is_never_looser_than_the_user_only(
    tmp_path: Path, before: int, after: int
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    eml = out / "request.en.eml"
    eml.write_text("earlier")
    eml.chmod(before)
    result = run("email", CASE, "-o", out, "--force", *DAY)
    assert result.exit_code == 0, result.stderr
    assert eml.stat().st_mode & 0o777 == after
    assert eml.read_bytes().startswith(b"MIME-Version") or b"Subject:" in eml.read_bytes()


# --- what the user wrote is never changed silently -----------------------------------------


def test_an_explicit_date_beats_source_date_epoch(tmp_path: Path) -> None:
    args = ("kit", CASE, "--evidence", SAMPLES / "evidence", *DAY)
    assert run(*args, "-o", tmp_path / "plain").exit_code == 0
    stray = {"SOURCE_DATE_EPOCH": "1500000000"}  # 2017-07-14
    assert run(*args, "-o", tmp_path / "stray", env=stray).exit_code == 0
    plain = {p.name: p.read_bytes() for p in (tmp_path / "plain").iterdir()}
    stray_files = {p.name: p.read_bytes() for p in (tmp_path / "stray").iterdir()}
    assert len(plain) == 5
    assert stray_files == plain  # every byte: the PDFs' IDs and dates, the zip's dates


def test_empty_folders_and_cloud_placeholders_are_reported(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    shutil.copytree(SAMPLES / "evidence", evidence)
    (evidence / "empty" / "inner").mkdir(parents=True)
    with open(evidence / "bill-2026-10.pdf", "wb") as handle:
        handle.truncate(200_000)  # a size, and no block stored: a file not downloaded
    if (evidence / "bill-2026-10.pdf").stat().st_blocks:
        pytest.skip("this file system stores no sparse files")
    result = run("bundle", CASE, evidence, "-o", tmp_path / "b.zip", *DAY)
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stdout.splitlines() if line.startswith("Warning")]
    assert warnings == [
        "Warning: skipped bill-2026-10.pdf: its content is not on this computer (a cloud file "
        "not downloaded) — make it available offline, then run the command again",
        "Warning: skipped empty/inner/: the folder is empty",
    ]
    with zipfile.ZipFile(tmp_path / "b.zip") as bag:
        assert not [n for n in bag.namelist() if "bill-2026-10" in n or "empty" in n]


@pytest.mark.parametrize(
    ("fields", "placeholder"),
    [
        ({"st_flags": 0x40000000}, True),  # macOS SF_DATALESS: iCloud Drive, Dropbox
        ({"st_file_attributes": 0x1000}, True),  # Windows: offline
        ({"st_file_attributes": 0x400000}, True),  # Windows: recall on data access (OneDrive)
        ({"st_file_attributes": 0x20, "st_flags": 0x1}, False),  # archive bit, nodump flag
        ({"st_blocks": 0, "st_size": 100}, False),  # small: may live inside the file system
    ],
)
def test_cloud_placeholders_on_other_systems_are_recognised(
    fields: dict[str, int], placeholder: bool
) -> None:
    from types import SimpleNamespace

    from letters.bag.scan import placeholder as is_placeholder

    st = SimpleNamespace(**{"st_size": 50_000, "st_blocks": 100, **fields})
    assert is_placeholder(st, Path(__file__)) is placeholder  # type: ignore[arg-type]


def test_a_file_reported_without_blocks_but_with_data_is_kept(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from letters.bag.scan import placeholder as is_placeholder

    real = tmp_path / "scan.pdf"
    real.write_bytes(os.urandom(50_000))
    st = SimpleNamespace(st_size=50_000, st_blocks=0)  # as some file systems report it
    assert is_placeholder(st, real) is (not hasattr(os, "SEEK_DATA"))  # type: ignore[arg-type]


def test_an_empty_evidence_folder_is_reported(tmp_path: Path) -> None:
    (tmp_path / "evidence").mkdir()
    result = run("bundle", CASE, tmp_path / "evidence", "-o", tmp_path / "b.zip", *DAY)
    assert result.exit_code == 0, result.stderr
    assert "Warning: the evidence folder is empty: the bundle holds no evidence files\n" in (
        result.stdout
    )


# --- identifiers in the bundle ---------------------------------------------------------------


def test_every_bundle_file_carries_the_account_number_as_the_letter_does(tmp_path: Path) -> None:
    out = tmp_path / "kit"
    assert run("kit", CASE, "--evidence", SAMPLES / "evidence", "-o", out, *DAY).exit_code == 0
    texts = {}
    with zipfile.ZipFile(out / "bundle-2026-11-24.zip") as bag:
        for name in bag.namelist():
            data = bag.read(name)
            if name.endswith(".pdf"):
                reader = pypdf.PdfReader(io.BytesIO(data))
                texts[name] = "\n".join(page.extract_text() for page in reader.pages)
            elif name.endswith((".txt", ".eml", ".csv", ".json")):
                texts[name] = data.decode("utf-8", "replace")
    texts = {n.split("/", 1)[1]: t for n, t in texts.items() if "/data/evidence/" not in n}
    carrying = sorted(name for name, text in texts.items() if "ACC-889977" in text)
    assert carrying == [
        "bag-info.txt", "data/documents/request.en.eml", "data/documents/request.en.pdf",
        "data/documents/request.en.txt", "data/index/index.pdf",
    ]  # fmt: skip
    assert not [name for name, text in texts.items() if "****" in text]
