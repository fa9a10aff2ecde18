"""Every word in the user's language: the system's language on Windows and macOS, --ui-lang on
every command, and no English sentence in any help or error a Chinese reader sees."""

from __future__ import annotations

import ctypes
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import click
import pytest

from letters import i18n
from letters.cli import cli
from tests.conftest import SAMPLE_CASE, SAMPLES, run

NO_LOCALE = {"LANG": "", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""}


@pytest.mark.parametrize(
    ("lcid", "language"), [(0x0804, "zh-CN"), (0x0404, "zh-TW"), (0x0C04, "zh-TW"), (0x0409, "en")]
)
def test_windows_ui_language_comes_from_the_system(
    monkeypatch: pytest.MonkeyPatch, lcid: int, language: str
) -> None:
    calls: list[str] = []

    def ui_language() -> int:
        calls.append("GetUserDefaultUILanguage")
        return lcid

    kernel32 = SimpleNamespace(GetUserDefaultUILanguage=ui_language)
    monkeypatch.setattr(ctypes, "windll", SimpleNamespace(kernel32=kernel32), raising=False)
    assert i18n.language_from_env({}, platform="win32") == language
    assert calls == ["GetUserDefaultUILanguage"]
    # A locale variable, when one is set, still decides; LETTERS_UI_LANG above all.
    assert i18n.language_from_env({"LANG": "en_US.UTF-8"}, platform="win32") == "en"
    assert i18n.language_from_env({"LETTERS_UI_LANG": "zh-TW"}, platform="win32") == "zh-TW"


@pytest.mark.parametrize(
    ("answer", "language"),
    [
        ('(\n    "zh-Hans-CN",\n    "en-US"\n)\n', "zh-CN"),
        ('(\n    "zh-Hant-TW"\n)\n', "zh-TW"),
        ('(\n    "en-GB",\n    "zh-Hans"\n)\n', "en"),
        ("", "en"),  # the key is not set: English
    ],
)
def test_macos_ui_language_comes_from_apple_languages(
    monkeypatch: pytest.MonkeyPatch, answer: str, language: str
) -> None:
    asked: list[list[str]] = []

    def defaults(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        asked.append(command)
        return subprocess.CompletedProcess(command, 0, stdout=answer, stderr="")

    monkeypatch.setattr(subprocess, "run", defaults)
    assert i18n.language_from_env({}, platform="darwin") == language
    assert asked == [["defaults", "read", "-g", "AppleLanguages"]]


def test_linux_without_a_locale_speaks_english() -> None:
    assert i18n.language_from_env({}, platform="linux") == "en"


def test_the_cli_speaks_the_systems_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "system_language_tag", lambda platform: "zh-Hant-TW")
    result = run("check", "--help", env=NO_LOCALE)
    assert result.stdout.startswith("用法：")
    assert "  -h, --help      顯示這份說明並結束。\n" in result.stdout
    result = run("check", "--help", env={**NO_LOCALE, "LETTERS_UI_LANG": "zh-CN"})
    assert "  -h, --help      显示这份帮助并退出。\n" in result.stdout


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield prefix
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))
        else:
            yield (*prefix, name)


COMMANDS = list(_commands(cli))


# Words that stay as they are in Chinese text: names of things, formats, placeholders.
_KEPT = re.compile(
    r"letters [^\s，。；：）]+(?: [^\s，。；：）]+)*|--?[\w-]+(?: [A-Z_,.a-z|\[\]-]+)?|\[[^\]]*\]"
    r"|[\w.-]+\.(?:toml|zip|ics|eml|txt|pdf|docx|png|mbox|msg)|[A-Z_]{2,}\w*|https?://\S+"
    r"|Example Mobile Customer Care|Xiaoming Wang|San Francisco|Example Mobile|BagIt|TrueType"
    r"|Apple ID|Certified Mail|PS Form \d+|Usage|[\w.+-]+@[\w.-]+"
)
_SENTENCE = re.compile(r"[A-Za-z]+(?:[ ,'][A-Za-z]+){2,}")


def english_in(text: str) -> list[str]:
    """Return the runs of three or more English words left once kept names are removed."""
    found = []
    command = False  # within a command to type, with its arguments, however it wraps
    for line in text.splitlines():
        command = line.strip().startswith(("示例：", "範例：", "Example:", "用法：")) or (
            command and bool(line.strip())
        )
        if not command:
            found += _SENTENCE.findall(_KEPT.sub(" ", line))
    return found


@pytest.mark.parametrize("language", ["zh-CN", "zh-TW"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "letters")
def test_every_help_is_in_chinese(command: tuple[str, ...], language: str) -> None:
    args = list(command)
    if command and command[0] == "log":
        args.insert(1, "case.toml")  # log takes its case before the subcommand
    result = run(*args, "--help", "--ui-lang", language)
    assert result.exit_code == 0, result.output
    assert english_in(result.stdout) == [], result.stdout
    assert ":" not in re.sub(r"\S*:\S*|\[default: [^\]]*\]", "", result.stdout), result.stdout
    assert "用法：" in result.stdout


def _error_paths(tmp_path: Path) -> Iterator[list[str | Path]]:
    case = tmp_path / "case.toml"
    case.write_text(SAMPLE_CASE, encoding="utf-8")
    yield ["lettr"]  # did you mean
    yield ["nosuch"]
    yield ["check"]  # missing argument
    yield ["check", tmp_path / "missing.toml"]
    yield ["check", case, "--bogus"]
    (tmp_path / "empty").mkdir()
    yield ["check", tmp_path / "empty"]  # a folder with no case.toml
    yield ["kit", case, "--kind", "bogus"]
    yield ["letter", case, "--format", "xyz"]
    yield ["letter", case, "--date", "soon"]
    yield ["log", case, "add", "--summary", "x"]  # missing --channel
    yield ["log", case, "add", "--channel", "phone", "--summary", "x", "--at", "someday"]
    yield ["bundle", case]  # which evidence folder
    yield ["send", tmp_path / "none.eml", "--port", "abc"]
    yield ["send", tmp_path / "none.eml"]
    yield ["verify", tmp_path / "none.zip"]
    yield ["log", case, "add", "--channel", "fax", "--summary", "x"]
    yield ["letter", case, "--font", tmp_path / "none.ttf"]
    yield ["kit", case, "--evidence", tmp_path / "none"]
    yield ["templates", "export", tmp_path / "t", "--set", "bogus"]
    yield ["init", case]  # exists already
    broken = {
        "quotes": "name = “王小明”\n",
        "fullwidth": 'name ＝ "王小明"\n',
        "shortdate": "close_on = 2026-12-1\n",
        "quote": 'carrier = "Example Mobile\n',
        "bare": "carrier = Example Mobile\n",
        "email": SAMPLE_CASE.replace('"xm.wang@example.com"', '"lihua"'),
        "email2": SAMPLE_CASE.replace('"xm.wang@example.com"', '"lihua@"'),
        "phone": SAMPLE_CASE.replace('"+1 415 555 0134"', '"415 555 013"'),
        "city": SAMPLE_CASE.replace('city = "San Francisco"', 'city = "旧金山"'),
        "money": SAMPLE_CASE.replace('balance = "12.50"', 'balance = "12,50"'),
        "latin": SAMPLE_CASE.replace('name_en = "Xiaoming Wang"', ""),
    }
    for name, text in broken.items():
        path = tmp_path / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        yield ["check", path]


@pytest.mark.parametrize("language", ["zh-CN", "zh-TW"])
def test_every_error_is_in_chinese(tmp_path: Path, language: str) -> None:
    for args in _error_paths(tmp_path):
        result = run(*args, "--ui-lang", language)
        assert result.exit_code != 0, args
        message = result.stderr.replace(str(tmp_path), "")
        assert english_in(message) == [], (args, message)
        assert message.startswith(("错误：", "錯誤：", "用法：")), (args, message)


def test_ui_lang_works_after_any_subcommand(tmp_path: Path) -> None:
    result = run("check", SAMPLES / "case-en.toml", "--ui-lang", "zh-TW")
    assert result.stdout.splitlines()[:2] == [
        f"{SAMPLES / 'case-en.toml'}：檢查通過",
        "  帳戶持有人：王小明 <xm.wang@example.com>",
    ]
    result = run("lettr", "--ui-lang", "zh-CN")
    assert result.exit_code == 2
    assert "您是不是想输入 'letter'？" in result.stderr
