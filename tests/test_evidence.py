"""The evidence folder: files copied in under their own names, never replacing one, and
listed with the exhibit numbers the bundle gives them."""

from __future__ import annotations

import io
import shutil
from datetime import date
from pathlib import Path

import pytest

from letters.errors import InputError
from letters.evidence import add_evidence, list_evidence, safe_name
from tests.conftest import SAMPLES


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def evidence(tmp_path: Path) -> Path:
    folder = tmp_path / "evidence"
    shutil.copytree(SAMPLES / "evidence", folder)
    return folder


def test_a_file_is_copied_in_under_its_own_name(evidence: Path) -> None:
    before = snapshot(evidence)
    path = add_evidence(evidence, "收据 2026-11.jpg", io.BytesIO(b"\xff\xd8receipt"))
    assert path == evidence / "收据 2026-11.jpg"
    assert path.read_bytes() == b"\xff\xd8receipt"
    after = snapshot(evidence)
    del after["收据 2026-11.jpg"]
    assert after == before


@pytest.mark.parametrize("name", ["bill-2026-11.pdf", "BILL-2026-11.PDF"])
def test_a_taken_name_is_refused_and_nothing_changes(evidence: Path, name: str) -> None:
    before = snapshot(evidence)
    with pytest.raises(InputError) as raised:
        add_evidence(evidence, name, io.BytesIO(b"new"))
    assert raised.value.message == (
        f"{name} is already in the evidence folder — nothing was changed; rename the new file "
        "and add it again"
    )
    assert snapshot(evidence) == before


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("C:\\Users\\wang\\Desktop\\call.png", "call.png"),
        ("../../outside.png", "outside.png"),
        ("/etc/passwd", "passwd"),
        ("  chat log.txt ", "chat log.txt"),
    ],
)
def test_only_the_last_part_of_a_path_is_kept(evidence: Path, given: str, kept: str) -> None:
    assert add_evidence(evidence, given, io.BytesIO(b"x")) == evidence / kept
    assert not (evidence.parent / "outside.png").exists()


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "choose a file with a name that does not start with a dot"),
        ("..", "choose a file with a name that does not start with a dot"),
        (".DS_Store", "choose a file with a name that does not start with a dot"),
        ("a\nb.txt", "the name has a character a file name cannot hold"),
        ("what?.png", "the name has a character a file name cannot hold"),
        ("CON.txt", "Windows cannot hold a file of that name"),
        ("x" * 300, "the name is too long"),
    ],
)
def test_unsafe_names_are_refused_not_changed(evidence: Path, name: str, reason: str) -> None:
    before = snapshot(evidence)
    with pytest.raises(InputError) as raised:
        add_evidence(evidence, name, io.BytesIO(b"x"))
    assert reason in raised.value.message
    assert "\n" not in raised.value.message
    assert snapshot(evidence) == before


def test_safe_name_keeps_chinese_and_spaces() -> None:
    assert safe_name("电话 记录.png") == "电话 记录.png"


def test_a_failed_copy_leaves_nothing_behind(evidence: Path) -> None:
    class Broken(io.RawIOBase):
        def readinto(self, buffer: object) -> int:
            raise OSError(5, "Input/output error")

    before = snapshot(evidence)
    with pytest.raises(Exception, match="cannot write"):
        add_evidence(evidence, "new.png", Broken())
    assert snapshot(evidence) == before


def test_listing_numbers_match_the_bundles_exhibits(evidence: Path, tmp_path: Path) -> None:
    from letters.bundle import BagInfo, build_bundle, scan_evidence

    (evidence / "sub").mkdir()
    (evidence / "sub" / "a.txt").write_text("a")
    (evidence / "0-first.txt").write_text("0")
    listed = [(item.number, item.path, item.size) for item in list_evidence(evidence)]
    result = build_bundle(
        tmp_path / "b.zip", scan_evidence(evidence), bagging_date=date(2026, 11, 24),
        info=BagInfo(contact_name="W", external_description="d"), events=(),
    )  # fmt: skip
    assert listed == [(x.number, x.path, x.size) for x in result.exhibits]
    assert list_evidence(tmp_path / "missing") == []


def test_a_copy_and_its_new_folder_are_the_users_alone(tmp_path: Path) -> None:
    import os
    import stat

    old = os.umask(0o022)  # the usual umask, which would leave them readable by everyone
    try:
        path = add_evidence(tmp_path / "case" / "evidence", "id.jpg", io.BytesIO(b"\xff\xd8id"))
    finally:
        os.umask(old)
    assert path.read_bytes() == b"\xff\xd8id"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700


STOPPED_MID_COPY = """
import sys, threading
from pathlib import Path
from letters import output
from letters.evidence import add_evidence

folder = Path(sys.argv[1])
halfway, resume = threading.Event(), threading.Event()

class Upload:  # a long upload: half of it comes, then the program is stopped
    chunks = 0
    def read(self, size=-1):
        self.chunks += 1
        if self.chunks == 2:
            halfway.set()
            resume.wait()
        return b"x" * 65536 if self.chunks < 4 else b""

thread = threading.Thread(target=add_evidence, args=(folder, "call.mp4", Upload()), daemon=True)
thread.start()
halfway.wait()
print(sorted(p.name for p in folder.iterdir()))  # the copy, under a temporary name
output.remove_unfinished()  # what `letters app` does as it stops
print(sorted(p.name for p in folder.iterdir()))
resume.set()  # the thread goes on as far as it can before the program ends
thread.join()
print(sorted(p.name for p in folder.iterdir()))
"""


def test_an_upload_cut_short_by_the_app_stopping_leaves_nothing(tmp_path: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", STOPPED_MID_COPY, str(tmp_path / "evidence")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    during, stopped, after = result.stdout.splitlines()
    assert during.startswith("['.call.mp4.") and during.endswith(".part']")
    assert (stopped, after) == ("[]", "[]")  # never a half copy at call.mp4


STOPPED_MID_CHECK = """
import sys
from letters import output

with output.scratch_folder("letters-verify-") as folder:
    (folder / "bundle.zip").write_bytes(b"a bundle being checked")
    print(folder)
    output.remove_unfinished()  # the app stops while the check runs
    print(folder.exists())
"""


def test_a_bundle_being_checked_when_the_app_stops_is_removed() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", STOPPED_MID_CHECK], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    folder, exists = result.stdout.splitlines()
    assert exists == "False" and not Path(folder).exists()
