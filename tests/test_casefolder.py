"""The case folder: made by `letters init NAME`, accepted by every command that takes a case."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path, PureWindowsPath

import pytest

from letters import casefolder, shell
from letters.casefolder import locate
from letters.errors import InputError
from tests.conftest import SAMPLES, run


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A case folder with a Chinese name and a space, made by init, holding the sample evidence."""
    made = tmp_path / "我的 案例"
    result = run("init", made, "--sample", "--lang", "zh-CN")
    assert result.exit_code == 0, result.stderr
    for item in (SAMPLES / "evidence").iterdir():
        shutil.copy(item, made / "evidence" / item.name)
    return made


def test_init_makes_the_folder_with_a_note_on_evidence(tmp_path: Path) -> None:
    made = tmp_path / "我的 案例"
    result = run("init", made, "--sample", "--lang", "zh-CN", "--ui-lang", "zh-CN")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in made.iterdir()) == ["case.toml", "documents", "evidence"]
    note = (made / "evidence" / casefolder.EVIDENCE_NOTE).read_text(encoding="utf-8")
    assert note.startswith("请把能证明经过的材料都保存在这个文件夹里")
    assert f"letters log '{made.name}' add --channel chat" in note
    assert result.stdout.splitlines()[-1] == f"下一步：letters guide '{made}'"


def test_locate_a_folder_a_file_and_a_case_folders_file(folder: Path, tmp_path: Path) -> None:
    expected = casefolder.CaseLocation(
        folder / "case.toml", folder / "evidence", folder / "documents", folder
    )
    assert locate(folder) == expected
    assert locate(folder / "case.toml") == expected
    lone = tmp_path / "mine.toml"
    lone.write_text("", encoding="utf-8")
    assert locate(lone) == casefolder.CaseLocation(lone, tmp_path / "evidence", None)
    assert locate(lone).evidence_default is None


def test_a_folder_without_a_case_file_says_how_to_make_one(tmp_path: Path) -> None:
    empty = tmp_path / "空 文件夹"
    empty.mkdir()
    with pytest.raises(InputError) as refused:
        locate(empty)
    assert refused.value.message == (
        f"{empty}: this folder has no case.toml — make a case folder with: letters init '{empty}'"
    )


def test_every_command_takes_the_folder(folder: Path) -> None:
    date = ("--date", "2026-11-24")
    assert run("check", folder).exit_code == 0
    result = run("email", folder, *date)
    assert result.exit_code == 0, result.stderr
    assert (folder / "documents" / "request.en.eml").is_file()  # the carrier reads English
    result = run("letter", folder, "--format", "pdf", *date)
    assert result.exit_code == 0, result.stderr
    assert (folder / "documents" / "request.en.pdf").is_file()
    assert (folder / "documents" / "request.en.explain.zh-CN.pdf").is_file()
    result = run("kit", folder, "--force", *date)
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(folder / "documents" / "bundle-2026-11-24.zip") as bag:
        names = bag.namelist()
    assert any(name.endswith("data/evidence/bill-2026-11.pdf") for name in names), names
    assert not any(casefolder.EVIDENCE_NOTE in name for name in names)  # the note stays out
    result = run("bundle", folder, "--force", *date)
    assert result.exit_code == 0, result.stderr
    result = run(
        "log", folder, "add", "--channel", "chat", "--summary", "在线客服。",
        "--evidence", "bill-2026-11.pdf", "--at", "2026-11-25",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "bill-2026-11.pdf" in run("log", folder).stdout
    guide = run("guide", folder, *date)
    assert guide.exit_code == 0, guide.stderr
    assert f"letters kit '{folder}'" in guide.stdout
    assert "--evidence" not in guide.stdout  # the folder has its own


def test_the_old_form_keeps_working_and_names_only_real_folders(tmp_path: Path) -> None:
    case = tmp_path / "case file.toml"
    shutil.copy(SAMPLES / "case-en.toml", case)
    guide = run("guide", case, "--date", "2026-11-24")
    assert f"letters kit '{case}'\n" in guide.stdout  # no evidence folder: none suggested
    (tmp_path / "evidence").mkdir()
    guide = run("guide", case, "--date", "2026-11-24")
    assert f"letters kit '{case}' --evidence {tmp_path / 'evidence'}\n" in guide.stdout
    result = run("bundle", case, "--date", "2026-11-24")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: which evidence folder? for example: letters bundle '{case}' evidence\n"
    )


@pytest.mark.parametrize(
    ("argument", "posix", "windows"),
    [
        ("case.toml", "case.toml", "case.toml"),
        ("我的案例", "'我的案例'", "我的案例"),
        (
            PureWindowsPath(r"C:\Users\李华\我的 案例"),
            r"'C:\Users\李华\我的 案例'",
            r'"C:\Users\李华\我的 案例"',
        ),
        ("it's", "'it'\"'\"'s'", '"it\'s"'),
        ("a&b", "'a&b'", '"a&b"'),
    ],
)
def test_suggested_commands_are_quoted_for_the_shell(
    argument: str | PureWindowsPath, posix: str, windows: str
) -> None:
    assert shell.quote(argument, windows=False) == posix
    assert shell.quote(argument, windows=True) == windows
    assert shell.command("guide", argument, windows=True) == f"letters guide {windows}"


def test_a_windows_case_folder_is_located_by_its_parts() -> None:
    # The lookup joins names with the path type it is given: a Windows path keeps its form.
    where = casefolder.planned(PureWindowsPath(r"C:\Users\李华\我的 案例"))  # type: ignore[arg-type]
    assert str(where.case_file) == r"C:\Users\李华\我的 案例\case.toml"
    assert str(where.evidence_dir) == r"C:\Users\李华\我的 案例\evidence"
    assert str(where.documents_dir) == r"C:\Users\李华\我的 案例\documents"


def test_the_wizard_makes_a_folder_and_ends_with_a_summary_and_the_next_command(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from letters.cli import cli

    answers = [
        "王小明", "Xiaoming Wang", "xm@example.com", "", "",
        "Example Mobile", "ACC-889977", "+1 415 555 0188", "", "", "", "",
        "Example Mobile Customer Care", "care@example-mobile.com", "",
        "", "", "",  # the number is not kept, codes and autopay not yet moved
        "1",  # sent by email
        "2",  # documents in Simplified Chinese
    ]  # fmt: skip
    made = tmp_path / "王 的案例"
    result = CliRunner().invoke(
        cli,
        ["init", str(made), "--lang", "zh-CN"],
        input="".join(f"{a}\n" for a in answers),
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(
        "您的案例：\n"
        "  账户持有人：王小明 <xm@example.com>\n"
        "  账户：Example Mobile，账号 ****9977\n"
        "  要注销的号码：****0188\n"
        "  收件方：Example Mobile Customer Care <care@example-mobile.com>\n"
        "  文件语言：英文\n"
        "  解释这些文件的说明页：简体中文\n"
        "  时间线：0 条记录\n"
        "  注销申请打算怎样发送？ 发电子邮件\n"
        f"下一步：letters guide '{made}'\n"
    )
    assert (made / "evidence" / casefolder.EVIDENCE_NOTE).is_file()
    assert "letters guide '王 的案例'" in (made / "case.toml").read_text(encoding="utf-8")


def test_on_windows_every_suggestion_is_double_quoted(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from types import SimpleNamespace

    monkeypatch.setattr(shell, "os", SimpleNamespace(name="nt"))
    guide = run("guide", folder, "--date", "2026-11-24")
    assert f'letters kit "{folder}"' in guide.stdout
    assert f"'{folder}'" not in guide.stdout
    empty = folder.parent / "空 文件夹"
    empty.mkdir()
    result = run("check", empty)
    assert result.stderr.endswith(f'make a case folder with: letters init "{empty}"\n')


def test_a_folder_inside_a_case_folder_names_the_case_folder(folder: Path) -> None:
    # Told to `init` the evidence folder, a newcomer made a second case inside it, and the
    # next bundle held that case's files as evidence.
    for inside in (folder / "evidence", folder / "documents"):
        result = run("check", inside)
        assert result.exit_code == 2
        assert result.stderr == (
            f"Error: {inside} is a folder inside the case folder {folder} — name the case "
            "folder itself\n"
        )
    result = run("init", folder / "evidence" / "new", "--sample")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {folder / 'evidence' / 'new'} is inside the case folder {folder} — make a new "
        "case outside it\n"
    )
    assert sorted(p.name for p in (folder / "evidence").iterdir()) == sorted(
        [casefolder.EVIDENCE_NOTE, *(p.name for p in (SAMPLES / "evidence").iterdir())]
    )


def test_verify_given_a_case_folder_names_its_bundle(folder: Path) -> None:
    result = run("verify", folder)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {folder} is part of a case, not a bundle — make one first: "
        f"letters bundle '{folder}'\n"
    )
    assert run("bundle", folder, "--date", "2026-11-24").exit_code == 0
    for given in (folder, folder / "evidence"):
        result = run("verify", given)
        assert result.exit_code == 2 and "INVALID" not in result.output
        assert result.stderr == (
            f"Error: {given} is part of a case, not a bundle — check a bundle made from the "
            f"case: letters verify '{folder / 'documents' / 'bundle-2026-11-24.zip'}'\n"
        )
