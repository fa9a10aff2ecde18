"""The command line from outside: exit codes, whole messages, languages, dates."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from letters import __version__
from letters.cli import cli
from tests.conftest import SAMPLES, run


def test_version() -> None:
    result = run("--version")
    assert (result.exit_code, result.stdout) == (0, f"letters, version {__version__}\n")


def test_python_dash_m_works(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "letters", "check", SAMPLES / "case-zh-TW.toml"],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "  Account: Example Wireless, number ****0042\n" in done.stdout


def _python(code: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a new process whose output is buffered, as when it goes to a pipe."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )


def _program(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `code`, then `letters ARGS` through the program's entry point, in a new process."""
    argv = ["letters", *args]
    return _python(f"import sys\nfrom letters.cli import main\n{code}\nsys.argv = {argv!r}\nmain()")


def test_the_program_ends_without_pythons_shutdown_once_its_output_is_out() -> None:
    # Output still in Python's buffers is written; exit handlers are not run.
    before = "import atexit\natexit.register(print, 'shut down')\nprint('buffered', end=' ')"
    done = _program(before, "--version")
    assert (done.returncode, done.stdout) == (0, f"buffered letters, version {__version__}\n")
    done = _program(before, "email")
    assert (done.returncode, done.stdout) == (2, "buffered ")
    assert "Error: Missing argument 'CASE...' — letters email --help" in done.stderr


def test_ending_writes_what_is_buffered_and_keeps_the_exit_status() -> None:
    code = (
        "import sys\nfrom letters.cli import _end\n"
        "print('buffered', end=' ')\n_end('not a number')\nprint('went on', end=' ')\n_end(3)\n"
        "print('never')"
    )
    done = _python(code)
    assert (done.returncode, done.stdout) == (3, "buffered went on ")


def test_the_program_waits_for_a_thread_still_working() -> None:
    working = (
        "import threading, time\n"
        "threading.Thread(target=lambda: (time.sleep(0.3), print('thread done'))).start()"
    )
    done = _program(working, "--version")
    assert (done.returncode, done.stdout) == (
        0,
        f"letters, version {__version__}\nthread done\n",
    )


def commands(group: click.Group, words: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Yield the words that reach each command of `group`, subgroups and their commands too:
    a subgroup's own arguments (like `log CASE`) are given a placeholder."""
    for name, command in sorted(group.commands.items()):
        yield (*words, name)
        if isinstance(command, click.Group):
            needed = [p for p in command.params if isinstance(p, click.Argument)]
            yield from commands(command, (*words, name, *("case.toml" for _ in needed)))


def test_every_command_has_help_with_an_example() -> None:
    found = list(commands(cli))
    assert {"log", "templates", "send", "app", "status"} <= {words[0] for words in found}
    assert ("log", "case.toml", "import") in found and ("templates", "list") in found
    for words in found:
        result = run(*words, "--help")
        assert result.exit_code == 0, (words, result.stderr)
        examples = [line for line in result.stdout.splitlines() if "Example: " in line]
        assert len(examples) == 1, (words, result.stdout)
        example = examples[0].split("Example: ", 1)[1].split()
        assert example[0] == "letters", words
        names = [word for word in words if word != "case.toml"]  # the example names the case
        at = [example.index(name) for name in names]  # each word of the command, in order
        assert at == sorted(at), (words, example)


def test_help_loads_the_command_line_and_nothing_of_the_library() -> None:
    # What `letters --help` imports, every run of letters pays for before it does anything.
    code = (
        "import sys\nfrom letters.cli import cli\n"
        "try:\n    cli.main(['--help'], prog_name='letters')\nexcept SystemExit:\n    pass\n"
        "heavy = ('babel', 'jinja2', 'tomllib', 'shutil', 'pathlib', 'decimal',\n"
        "         'importlib.metadata')\n"
        "print(sorted(m for m in sys.modules if m.startswith('letters') or m in heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == str(
        ["letters", "letters.cli", "letters.errors", "letters.i18n"]
    )


def test_usage_error_exits_2() -> None:
    result = run("email")
    assert result.exit_code == 2
    assert "Error: Missing argument 'CASE...' — cli email --help" in result.stderr


def test_bad_date_and_language(tmp_path: Path) -> None:
    result = run("email", SAMPLES / "case-en.toml", "--date", "24/11/2026", "-o", tmp_path)
    assert (result.exit_code, result.stderr) == (
        2, "Error: --date: 24/11/2026 is not a date — write it as YYYY-MM-DD\n"
    )  # fmt: skip
    result = run("email", SAMPLES / "case-en.toml", "--lang", "fr", "-o", tmp_path)
    assert (result.exit_code, result.stderr) == (
        2, "Error: --lang: unknown language fr — use en, zh-CN or zh-TW\n"
    )  # fmt: skip
    assert list(tmp_path.iterdir()) == []


def test_lang_overrides_the_case_file(tmp_path: Path) -> None:
    result = run("email", SAMPLES / "case-en.toml", "--lang", "zh_TW", "-o", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["request.zh-TW.eml", "request.zh-TW.txt"]


def test_source_date_epoch_sets_the_document_date(tmp_path: Path) -> None:
    result = run(
        "email", SAMPLES / "case-en.toml", "-o", tmp_path, env={"SOURCE_DATE_EPOCH": "1795500000"}
    )
    assert result.exit_code == 0
    assert "Date: Tue, 24 Nov 2026 09:00:00 -0800" in (tmp_path / "request.en.eml").read_text()
    result = run(
        "email",
        SAMPLES / "case-en.toml",
        "-o",
        tmp_path,
        "--force",
        env={"SOURCE_DATE_EPOCH": "soon"},
    )
    assert (result.exit_code, result.stderr) == (
        2, "Error: SOURCE_DATE_EPOCH: soon is not a number of seconds\n"
    )  # fmt: skip


def test_interface_language_follows_lang_and_ui_lang(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    result = run("check", missing, env={"LANG": "zh_CN.UTF-8"})
    assert (result.exit_code, result.stderr) == (2, f"错误：{missing}：找不到该文件\n")
    result = run("--ui-lang", "zh-TW", "check", missing)
    assert (result.exit_code, result.stderr) == (2, f"錯誤：{missing}：找不到該檔案\n")
    result = run("check", missing, env={"LANG": "fr_FR.UTF-8"})
    assert result.stderr == f"Error: {missing}: no such file\n"


def test_help_is_translated() -> None:
    result = run("--ui-lang", "zh-CN", "--help")
    assert result.exit_code == 0
    assert "检查案例文件" in result.stdout


def test_unexpected_errors_are_one_line_and_debug_shows_the_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import letters.kit

    def broken(*args: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(letters.kit, "write_email", broken)
    result = run("email", SAMPLES / "case-en.toml", "-o", tmp_path)
    assert (result.exit_code, result.stderr) == (
        1, "Error: unexpected ZeroDivisionError: boom (run with --debug to see where)\n"
    )  # fmt: skip
    result = run("--debug", "email", SAMPLES / "case-en.toml", "-o", tmp_path)
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.stderr


def test_demo_writes_the_sample_kit(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = run("demo", out, "--date", "2026-11-24")
    assert result.exit_code == 0, result.stderr
    assert f"wrote {out / 'request.en.eml'}\n" in result.stdout
    assert f"wrote {out / 'request.en.explain.zh-CN.pdf'}\n" in result.stdout
    assert result.stdout.endswith(
        f"This was the sample case, copied to {out / 'case-zh-CN.toml'}: the commands in the "
        "sheets work in that folder. To start your own: letters init my-case\n"
    )
    again = run("demo", out, "--date", "2026-11-24")  # all of it as it was: nothing to replace
    assert again.exit_code == 0, again.stderr
    later = run("demo", out, "--date", "2026-11-25")  # letters of another day
    assert later.exit_code == 2
    assert "already exists — use --force" in later.stderr


def test_kit_refuses_a_missing_evidence_folder(tmp_path: Path) -> None:
    result = run(
        "kit", SAMPLES / "case-en.toml", "--evidence", tmp_path / "none", "-o", tmp_path / "k"
    )
    assert (result.exit_code, result.stderr) == (
        2, f"Error: {tmp_path / 'none'}: no such folder — make it and put the evidence in it "
        "(screenshots, saved emails, receipts), or name the folder that holds it\n"
    )  # fmt: skip
    assert not (tmp_path / "k").exists()
    bundle = run("bundle", SAMPLES / "case-en.toml", tmp_path / "none", "-o", tmp_path / "b.zip")
    assert bundle.stderr == result.stderr and bundle.exit_code == 2  # said the same way


def test_a_folder_we_may_not_write_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def refuse(path: str, flags: int, *args: int) -> int:
        if str(path).endswith(".part"):  # our temporary files: as in a folder we may not write
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", refuse)
    result = run("email", SAMPLES / "case-en.toml", "-o", tmp_path / "locked")
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: cannot write {tmp_path / 'locked' / 'request.en.eml'}: Permission denied\n",
    )


def test_a_date_a_zip_cannot_carry_is_refused(tmp_path: Path) -> None:
    result = run("email", SAMPLES / "case-en.toml", "--date", "9999-12-31", "-o", tmp_path)
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: --date: 9999-12-31 is not between 1980 and 2107\n",
    )


def test_a_date_far_ahead_is_warned_of_where_documents_carry_it(tmp_path: Path) -> None:
    from datetime import date, timedelta

    later = (date.today() + timedelta(days=300)).isoformat()
    result = run("email", SAMPLES / "case-en.toml", "--date", later, "-o", tmp_path)
    assert result.exit_code == 0
    assert f"Warning: --date {date.fromisoformat(later):%B %-d, %Y} is 300 days" in result.stderr
    assert "check the year" in result.stderr
    soon = (date.today() + timedelta(days=7)).isoformat()
    result = run("email", SAMPLES / "case-en.toml", "--date", soon, "-o", tmp_path, "--force")
    assert (result.exit_code, result.stderr) == (0, "")
    # A day to plan from is any day: the guide of next year is no slip.
    result = run("guide", SAMPLES / "case-en.toml", "--date", later)
    assert result.exit_code == 0 and "Warning: --date" not in result.stderr


def test_a_reader_that_stops_early_is_not_an_error_message(tmp_path: Path) -> None:
    done = subprocess.run(
        f"{sys.executable} -m letters templates list | head -c 1",
        shell=True, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.stderr == ""


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ("--kind", "'request', 'follow-up', 'refund', 'dispute', 'complaint', 'card-dispute'"),
        ("--paper", "'letter', 'a4'"),
        ("--envelope", "'plain', 'window', 'none'"),
    ],
)
def test_a_choice_not_offered_names_the_librarys_choices(
    tmp_path: Path, option: str, expected: str
) -> None:
    result = run("letter", SAMPLES / "case-en.toml", option, "legal", "-o", tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (  # one line, naming where to read how the command is used
        f"Error: Invalid value for '{option}': 'legal' is not one of {expected} — cli letter "
        "--help shows how to use it\n"
    )  # (CliRunner calls the program cli)
    assert list(tmp_path.iterdir()) == []


def test_the_choices_offered_are_the_ones_the_library_makes(tmp_path: Path) -> None:
    from letters.content import KINDS
    from letters.render.pdf import ENVELOPES, PAPERS

    case = SAMPLES / "case-en.toml"
    for kind in KINDS:  # a kind may need what this case lacks, but is never an unknown choice
        result = run("email", case, "--kind", kind, "-o", tmp_path / kind, "--date", "2026-11-24")
        assert "is not one of" not in result.stderr
        assert result.exit_code in (0, 2), result.stderr
    for paper in PAPERS:
        for envelope in (*ENVELOPES, "none"):
            out = tmp_path / f"{paper}-{envelope}"
            result = run(
                "letter", case, "--paper", paper, "--envelope", envelope, "--format", "docx",
                "-o", out, "--date", "2026-11-24",
            )  # fmt: skip
            assert result.exit_code == 0, result.stderr
            assert (out / "request.en.docx").is_file()


@pytest.mark.parametrize(
    "args",
    [
        ["--ui-lang", "zh-CN"],  # no command
        ["--ui-lang", "zh-CN", "lettr"],
        ["check"],
        ["check", "case.toml", "--bogus"],
        ["letter", str(SAMPLES / "case-en.toml"), "--kind", "legal"],
        ["log", "case.toml", "add", "--channel", "phone"],
    ],
)
def test_a_usage_mistake_is_one_error_line(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(("Error: ", "错误：")) and "--help" in line
