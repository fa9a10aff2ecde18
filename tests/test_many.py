"""Document commands over several cases: each reported, one bad case stops no other."""

from __future__ import annotations

import email
import shutil
import zipfile
from email import policy
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_CASE, SAMPLES, run


@pytest.fixture
def cases(tmp_path: Path) -> list[Path]:
    made = []
    for name, text in (
        ("wang", SAMPLE_CASE),
        ("broken", SAMPLE_CASE.replace('number = "ACC-889977"', "number = 889977")),
        ("chen", (SAMPLES / "case-zh-TW.toml").read_text(encoding="utf-8")),
    ):
        folder = tmp_path / "clients" / name
        (folder / "evidence").mkdir(parents=True)
        (folder / "case.toml").write_text(text, encoding="utf-8")
        made.append(folder)
    return made


def test_email_for_several_cases_reports_each_and_fails_for_the_bad_one(
    cases: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run("email", *cases, "-o", out, "--date", "2026-11-24")
    assert result.exit_code == 2
    wang, broken, chen = cases
    assert result.stdout.splitlines() == [
        f"{wang}: done",
        f"  wrote {out / 'wang' / 'request.en.eml'}",
        f"  wrote {out / 'wang' / 'request.en.txt'}",
        f"{chen}: done",
        f"  wrote {out / 'chen' / 'request.en.eml'}",
        f"  wrote {out / 'chen' / 'request.en.txt'}",
        "2 of 3 cases done",
    ]
    assert result.stderr.startswith(f"{broken}: Error: {broken / 'case.toml'}: 1 problem\n")
    assert not (out / "broken").exists()
    draft = email.message_from_bytes(
        (out / "chen" / "request.en.eml").read_bytes(), policy=policy.default
    )
    assert draft["To"].addresses[0].addr_spec.endswith("example-wireless.com")


def test_without_out_each_case_folder_keeps_its_own_documents(cases: list[Path]) -> None:
    wang, _broken, chen = cases
    result = run("letter", wang, chen, "--date", "2026-11-24", "--format", "pdf")
    assert result.exit_code == 0, result.stderr
    assert (wang / "documents" / "request.en.pdf").is_file()
    assert (chen / "documents" / "request.en.pdf").is_file()
    assert result.stdout.endswith("2 of 2 cases done\n")


def test_two_cases_with_one_name_are_refused_before_anything_is_written(
    cases: list[Path], tmp_path: Path
) -> None:
    other = tmp_path / "elsewhere" / "wang"
    other.mkdir(parents=True)
    (other / "case.toml").write_text(SAMPLE_CASE, encoding="utf-8")
    result = run("email", cases[0], other, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: two cases are named wang")
    assert not (tmp_path / "out").exists()


def test_a_case_given_twice_is_done_once(cases: list[Path], tmp_path: Path) -> None:
    wang, _broken, chen = cases
    out = tmp_path / "out"
    result = run("email", wang, chen, wang / "case.toml", f"{wang}/", "-o", out, "--date",
                 "2026-11-24")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith("2 of 2 cases done\n")
    ics = tmp_path / "all.ics"
    result = run("status", wang.parent, wang, chen / "case.toml", "--ics", ics, "--date",
                 "2026-11-24")  # fmt: skip
    assert result.exit_code == 2  # the broken case, said once
    assert [line.split(" · ")[0] for line in result.stdout.splitlines()[:-1]] == [
        str(wang), str(chen)
    ]  # fmt: skip


def test_kit_for_several_cases_bundles_each_case_evidence(
    cases: list[Path], tmp_path: Path
) -> None:
    wang, _broken, chen = cases
    (wang / "evidence" / "call.txt").write_text("called", encoding="utf-8")
    out = tmp_path / "kits"
    result = run("kit", wang, chen, "-o", out, "--date", "2026-11-24", "--format", "pdf")
    assert result.exit_code == 0, result.stderr
    for name in ("wang", "chen"):
        bundle = out / name / "bundle-2026-11-24.zip"
        assert run("verify", bundle).exit_code == 0
    import zipfile

    with zipfile.ZipFile(out / "wang" / "bundle-2026-11-24.zip") as archive:
        assert any(name.endswith("evidence/call.txt") for name in archive.namelist())


def test_a_progress_bar_on_a_terminal_only(cases: list[Path], tmp_path: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    wang, _broken, chen = cases
    command = [sys.executable, "-m", "letters", "email", str(wang), str(chen), "--date",
               "2026-11-24", "-o"]  # fmt: skip
    main, terminal = pty.openpty()
    try:
        done = subprocess.run(
            [*command, str(tmp_path / "a")], stderr=terminal, stdout=subprocess.PIPE, timeout=120
        )
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal closed: everything was read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(main)
    assert done.returncode == 0
    assert b"cases" in shown and b"100%" in shown
    piped = subprocess.run([*command, str(tmp_path / "b")], capture_output=True, timeout=120)
    assert piped.returncode == 0 and piped.stderr == b""


def test_bundle_for_several_case_folders_bundles_each_its_own_evidence(
    cases: list[Path], tmp_path: Path
) -> None:
    import bagit

    wang, broken, chen = cases
    (wang / "evidence" / "bill.txt").write_text("bill", encoding="utf-8")
    (chen / "evidence" / "chat.txt").write_text("chat", encoding="utf-8")
    out = tmp_path / "bundles"
    result = run("bundle", wang, broken, chen, "-o", out, "--date", "2026-11-24")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{broken}: Error: {broken / 'case.toml'}: 1 problem\n")
    assert result.stdout.endswith("2 of 3 cases done\n")
    for folder, exhibit in ((wang, "bill.txt"), (chen, "chat.txt")):
        zipped = out / folder.name / "bundle-2026-11-24.zip"
        assert f"  wrote {zipped}" in result.stdout.splitlines()
        unpacked = tmp_path / "unpacked" / folder.name
        shutil.unpack_archive(zipped, unpacked)
        bag = bagit.Bag(str(unpacked / "bundle-2026-11-24"))
        assert bag.is_valid()
        assert [name for name in bag.payload_files() if "evidence" in name] == [
            f"data/evidence/{exhibit}"
        ]
    assert not (out / "broken").exists()


def test_bundle_keeps_its_one_case_and_evidence_form(cases: list[Path], tmp_path: Path) -> None:
    wang = cases[0]
    evidence = tmp_path / "elsewhere"
    evidence.mkdir()
    (evidence / "receipt.txt").write_text("receipt", encoding="utf-8")
    out = tmp_path / "proof.zip"
    result = run("bundle", wang, evidence, "-o", out, "--date", "2026-11-24")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"wrote {out}"
    assert "proof/data/evidence/receipt.txt" in zipfile.ZipFile(out).namelist()
