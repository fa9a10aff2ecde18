"""Shared fixtures: an isolated environment for every test, case files, the CLI runner."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from click.testing import CliRunner, Result

from letters import i18n
from letters.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
GOLDEN = Path(__file__).resolve().parent / "golden"
REGENERATE = os.environ.get("LETTERS_REGENERATE_GOLDEN") == "1"

SAMPLE_CASE = (SAMPLES / "case-en.toml").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def isolated(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Give each test its own HOME, an English UTC environment and no stray variables."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for name in (
        "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LETTERS_UI_LANG", "SOURCE_DATE_EPOCH",
        "LETTERS_SMTP_PASSWORD",
    ):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    i18n.set_ui_language("en")
    os.environ.pop("LANGUAGE", None)  # set_ui_language sets it for Click's own messages
    time.tzset()


@pytest.fixture
def case_file(tmp_path: Path):
    """Write a case file from TOML text (default: the English sample) and return its path."""

    def write(text: str = SAMPLE_CASE, name: str = "case.toml", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    """Run the letters CLI in-process and return the result (stdout and stderr apart)."""
    return CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)


def golden(name: str, text: str) -> None:
    """Compare text with a golden file; LETTERS_REGENERATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if REGENERATE or not path.exists():
        path.write_text(text, encoding="utf-8")
        if not REGENERATE:
            pytest.fail(f"golden file {name} was missing and has been written; run again")
    assert text == path.read_text(encoding="utf-8")


def needs_tool(name: str) -> NoReturn:
    """Skip a test whose outside tool is missing here; in CI, which installs them all, fail."""
    message = f"{name} is not installed"
    if os.environ.get("CI"):
        pytest.fail(f"{message}: .ci/run must install it")
    pytest.skip(message)


def default_stop_signals() -> None:
    """Give a child process the usual meaning of Ctrl-C and of a closed terminal (a Popen
    preexec_fn).

    A shell starts background jobs with SIGINT ignored, `nohup` ignores SIGHUP, and children
    inherit that: a test that interrupts a child must not depend on how the test run itself
    was started.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
