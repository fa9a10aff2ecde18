"""The README's tour is real: each `$ letters …` command runs and prints what the README shows.

A line of expected output that ends in `…` only has to start the same way.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, run


def examples() -> list[tuple[str, list[str]]]:
    """Return each `$ letters …` command of the README with the lines it is shown to print."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, *output = chunk.rstrip("\n").split("\n")
            found.append((command, [line for line in output if line]))
    return found


@pytest.fixture
def readme_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_readme_shows_commands() -> None:
    assert len(examples()) >= 5


def test_the_tour_prints_what_the_readme_says(readme_dir: Path) -> None:
    for command, expected in examples():
        args = shlex.split(command)
        assert args[0] == "letters"
        result = run(*args[1:])
        assert result.exit_code == 0, (command, result.stderr)
        printed = result.stdout.splitlines()
        assert len(printed) == len(expected), (command, printed)
        for line, shown in zip(printed, expected, strict=True):
            if shown.endswith("…"):
                assert line.startswith(shown[:-1]), (command, line)
            else:
                assert line == shown, command


def test_the_chinese_guide_walks_a_newcomer_from_python_to_the_first_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## 中文说明") : text.index("## Development")]
    for step in (
        "https://www.python.org/downloads/",
        "Add python.exe to PATH",
        "PowerShell",
        "终端",
        "pipx install .",
        "py -m pip install .",
        "externally-managed-environment",
        "letters init 我的案例",
        "letters guide 我的案例",
        "letters kit 我的案例",
        "_LETTERS_COMPLETE=bash_source letters",
    ):
        assert step in section, step
