"""All or nothing: outputs appear complete or not at all, and a failed replace restores."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from letters.errors import LettersError, OutputExistsError
from letters.output import Transaction, atomic_file, write_outputs
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


# --- the transaction itself ------------------------------------------------------------------


def test_a_transaction_shows_nothing_until_it_commits_then_everything(tmp_path: Path) -> None:
    letter, bundle = tmp_path / "out" / "letter.txt", tmp_path / "out" / "bundle.zip"
    with Transaction() as outputs:
        outputs.add(letter, b"the letter")
        filled = outputs.file(bundle)
        filled.write_bytes(b"the bundle")  # a writer fills it
        assert not letter.exists() and not bundle.exists()
        assert outputs.commit() == [letter, bundle]
    assert (letter.read_bytes(), bundle.read_bytes()) == (b"the letter", b"the bundle")
    assert sorted(os.listdir(tmp_path / "out")) == ["bundle.zip", "letter.txt"]
    assert {p.stat().st_mode & 0o777 for p in (letter, bundle)} == {0o600}


def test_a_transaction_that_fails_leaves_nothing_not_even_its_folders(tmp_path: Path) -> None:
    out = tmp_path / "new" / "kit"
    with pytest.raises(RuntimeError), Transaction() as outputs:
        outputs.add(out / "letter.txt", b"the letter")
        outputs.file(out / "bundle.zip").write_bytes(b"half a bun")
        raise RuntimeError("the writer failed")
    assert os.listdir(tmp_path) == []


def test_a_transaction_interrupted_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt), Transaction() as outputs:
        outputs.add(tmp_path / "letter.txt", b"the letter")
        outputs.file(tmp_path / "bundle.zip")
        raise KeyboardInterrupt
    assert os.listdir(tmp_path) == []


def test_a_transaction_whose_commit_fails_restores_what_was_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    letter, bundle = tmp_path / "letter.txt", tmp_path / "bundle.zip"
    letter.write_bytes(b"old letter")
    bundle.write_bytes(b"old bundle")
    bundle.chmod(0o400)
    real_replace = os.replace

    def full_disk(source: object, destination: object) -> None:
        if destination == bundle and str(source).endswith(".part"):
            raise OSError(28, "No space left on device")
        real_replace(source, destination)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(LettersError) as caught, Transaction(force=True) as outputs:
        outputs.add(letter, b"new letter")
        outputs.file(bundle).write_bytes(b"new bundle")
        outputs.commit()
    monkeypatch.undo()
    assert caught.value.message == f"cannot write {bundle}: No space left on device"
    assert (letter.read_bytes(), bundle.read_bytes()) == (b"old letter", b"old bundle")
    assert sorted(os.listdir(tmp_path)) == ["bundle.zip", "letter.txt"]


def test_a_transaction_keeps_a_stricter_mode_of_a_file_it_replaces(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.zip"
    bundle.write_bytes(b"old")
    bundle.chmod(0o400)
    with Transaction(force=True) as outputs:
        outputs.file(bundle).write_bytes(b"new")
        outputs.commit()
    assert bundle.read_bytes() == b"new" and bundle.stat().st_mode & 0o777 == 0o400


def test_a_transaction_refuses_an_existing_file_that_holds_something_else(tmp_path: Path) -> None:
    (tmp_path / "bundle.zip").write_bytes(b"mine")
    with pytest.raises(OutputExistsError) as caught, Transaction() as outputs:
        outputs.add(tmp_path / "letter.txt", b"the letter")
        outputs.file(tmp_path / "bundle.zip").write_bytes(b"another bundle")
        outputs.commit()
    assert caught.value.message == (
        f"{tmp_path / 'bundle.zip'} already exists — use --force to replace it, or write elsewhere"
    )
    assert os.listdir(tmp_path) == ["bundle.zip"]
    assert (tmp_path / "bundle.zip").read_bytes() == b"mine"


def test_a_file_that_already_holds_what_was_written_is_left_as_it_is(tmp_path: Path) -> None:
    # The same bundle made again is no change to ask --force for.
    bundle = tmp_path / "bundle.zip"
    bundle.write_bytes(b"the bundle")
    bundle.chmod(0o400)
    before = bundle.stat()
    with Transaction() as outputs:
        outputs.add(tmp_path / "letter.txt", b"the letter")
        outputs.file(bundle).write_bytes(b"the bundle")
        assert sorted(outputs.commit()) == [bundle, tmp_path / "letter.txt"]
    assert sorted(os.listdir(tmp_path)) == ["bundle.zip", "letter.txt"]
    assert (bundle.stat().st_ino, bundle.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    with atomic_file(bundle, keep_same=True) as handle:
        handle.write(b"the bundle")
    assert sorted(os.listdir(tmp_path)) == ["bundle.zip", "letter.txt"]
    assert bundle.stat().st_ino == before.st_ino
    with pytest.raises(OutputExistsError), atomic_file(bundle, keep_same=True) as handle:
        handle.write(b"another bundle")
    assert bundle.read_bytes() == b"the bundle"
    assert sorted(os.listdir(tmp_path)) == ["bundle.zip", "letter.txt"]


def test_a_file_that_appears_before_the_commit_is_not_replaced(tmp_path: Path) -> None:
    letter = tmp_path / "letter.txt"
    with pytest.raises(OutputExistsError), Transaction() as outputs:
        outputs.add(letter, b"ours")
        letter.write_bytes(b"someone else's")  # written meanwhile, by another program
        outputs.commit()
    assert letter.read_bytes() == b"someone else's"
    assert os.listdir(tmp_path) == ["letter.txt"]


def test_a_file_already_holding_what_would_be_written_is_no_conflict(tmp_path: Path) -> None:
    letter, sheet = tmp_path / "request.en.pdf", tmp_path / "sheet.pdf"
    assert write_outputs({letter: b"same", sheet: b"one"}) == [letter, sheet]
    before = letter.stat().st_mtime_ns
    assert write_outputs({letter: b"same"}) == [letter]  # written again: nothing to ask
    assert letter.stat().st_mtime_ns == before and letter.read_bytes() == b"same"
    with pytest.raises(OutputExistsError):  # changed since: asked, and nothing written
        write_outputs({letter: b"same", sheet: b"two"})
    assert (letter.read_bytes(), sheet.read_bytes()) == (b"same", b"one")


def test_a_file_that_appears_just_before_the_move_is_never_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Someone else writes the very name between the last check and the move into place.
    from letters.output import atomic_file

    target = tmp_path / "call.mp4"
    real_link = os.link

    def racing(source: object, destination: object) -> None:
        Path(str(destination)).write_bytes(b"theirs")
        real_link(source, destination)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "link", racing)
    with pytest.raises(OutputExistsError), atomic_file(target) as handle:
        handle.write(b"ours")
    assert [(p.name, p.read_bytes()) for p in tmp_path.iterdir()] == [("call.mp4", b"theirs")]
