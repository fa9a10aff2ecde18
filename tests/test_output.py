"""All or nothing: outputs appear complete or not at all, and a failed replace restores."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from letters.errors import LettersError
from letters.output import write_outputs
from tests.conftest import SAMPLES, run


def test_a_failed_replace_puts_every_file_back(tmp_path: Path) -> None:
    first, second, third = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"
    first.write_text("old a")
    third.write_text("old c")
    second.mkdir()  # cannot be replaced by a file
    with pytest.raises(LettersError) as caught:
        write_outputs({first: b"new a", second: b"new b", third: b"new c"}, force=True)
    assert caught.value.message == f"cannot write {second}: it is not a file"
    assert (first.read_text(), third.read_text()) == ("old a", "old c")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt", "c.txt"]


def test_a_replaced_file_keeps_its_mode_and_its_link(tmp_path: Path) -> None:
    real = tmp_path / "real.toml"
    real.write_text("old")
    real.chmod(0o600)
    link = tmp_path / "case.toml"
    link.symlink_to(real)
    write_outputs({link: b"new"}, force=True)
    assert link.is_symlink() and real.read_text() == "new"
    assert real.stat().st_mode & 0o777 == 0o600


def test_kit_with_force_that_fails_keeps_the_previous_kit(tmp_path: Path) -> None:
    out = tmp_path / "kit"
    args = ("kit", SAMPLES / "case-en.toml", "--evidence", SAMPLES / "evidence", "-o", out)
    assert run(*args, "--date", "2026-11-24").exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / "request.en.docx").unlink()
    (out / "request.en.docx").mkdir()  # in the way of the new letter
    result = run(*args, "--date", "2026-11-24", "--force", "--lang", "en", "--paper", "a4")
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot write {out / 'request.en.docx'}: it is not a file\n"
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == {name: data for name, data in before.items() if name != "request.en.docx"}
    assert sorted(os.listdir(out)) == sorted(before)  # no temporary files left behind


def test_a_rename_that_fails_midway_is_undone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {tmp_path / f"{name}.txt": f"new {name}".encode() for name in "abc"}
    for path in files:
        path.write_text(f"old {path.stem}")
    real_replace = os.replace
    calls = []

    def flaky(source: object, destination: object) -> None:
        calls.append(destination)
        if len(calls) == 4:  # a's backup, a, b's backup, then b fails
            raise OSError(28, "No space left on device")
        real_replace(source, destination)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(LettersError) as caught:
        write_outputs(files, force=True)
    assert caught.value.message == f"cannot write {tmp_path / 'b.txt'}: No space left on device"
    monkeypatch.undo()
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == {
        "a.txt": "old a", "b.txt": "old b", "c.txt": "old c",
    }  # fmt: skip
