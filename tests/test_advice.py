"""Every command the tool suggests — in the guide, the companion sheets, the calendar and
`init`'s closing words — runs as written for that case. The commands are collected from the
real outputs, their placeholders filled in as a user would, and each is run."""

from __future__ import annotations

import re
import shlex
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar

from letters.case import load_case
from letters.content import KINDS, letter_text, render_letter
from letters.errors import InputError
from tests.conftest import SAMPLES, run

TODAY = date(2026, 12, 24)
# What a user types for a placeholder the tool shows: the receipt of a letter mailed now (the
# samples record their request's, and the same number again is refused).
PLACEHOLDERS = {
    "NUMBER": "94071118987654321033",
    "20位编号": "94071118987654321033",
    "20位數編號": "94071118987654321033",
    "投诉编号": "FCC-1234567",
    "申訴編號": "FCC-1234567",
}
LATER_LETTER = "94071118987654321019"  # another article number, its check digit right
FOLLOW_UP = "94071118987654321026"  # and the follow-up's
_WIDE = re.compile(r"[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]")


def commands_in(text: str) -> Iterator[str]:
    """Yield each `letters …` command written in a text, up to the prose around it."""
    for start in (m.start() for m in re.finditer(r"\bletters (?=[a-z])", text)):
        tokens: list[str] = []
        rest = text[start:]
        for token in re.finditer(r'"[^"]*"|\'[^\']*\'|\S+', rest):
            word = token.group()
            last = "\n" in rest[token.end() : token.end() + 1]  # the line ends here
            if not word.startswith(('"', "'")):
                for placeholder, value in PLACEHOLDERS.items():
                    word = word.replace(placeholder, value)
                if cut := _WIDE.search(word):
                    head = word[: cut.start()].rstrip("—")  # a Chinese dash (——) is prose
                    tokens += [head] if head else []
                    break
                if word in ("—", "-"):
                    break
                if word not in (".", ".."):  # a folder, not the end of a sentence
                    last = last or word != word.rstrip(".,;)")
                    word = word.rstrip(".,;)")
            tokens.append(word)
            if last:
                break
        yield " ".join(tokens)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Make a case folder (case.toml and evidence/) from a sample and work inside it."""

    def make(sample: str) -> Path:
        where = tmp_path / sample
        where.mkdir()
        shutil.copy(SAMPLES / f"{sample}.toml", where / "case.toml")
        shutil.copytree(SAMPLES / "evidence", where / "evidence")
        monkeypatch.chdir(where)
        return where

    return make


def suggested(case_path: Path, days: list[str]) -> list[str]:
    """Collect the commands of the guide and its calendar on each day, and of every sheet."""
    found: list[str] = []
    for day in days:
        ics = Path(f"deadlines-{day}.ics")
        result = run("guide", case_path, "--date", day, "--ics", ics)
        assert result.exit_code == 0, result.stderr
        found += commands_in(result.stdout)
        if ics.exists():
            for event in Calendar.from_ical(ics.read_bytes()).walk("VEVENT"):
                found += commands_in(str(event["DESCRIPTION"]))
            ics.unlink()
    case = load_case(case_path)
    for kind in (*KINDS, "complaint-ag"):
        for language in ("zh-CN", "zh-TW"):
            try:
                render_letter(case, kind, "en", TODAY)
            except InputError:
                continue
            sheet = render_letter(case, "explain", language, TODAY, None, kind)
            found += commands_in(letter_text(sheet))
    return sorted(set(found))


def run_each(commands: list[str]) -> None:
    # As the user follows the advice: what was done is logged first, then the next letter.
    for line in sorted(commands, key=lambda line: not line.startswith("letters log")):
        if "--later-letter" in line:  # a later letter has a number of its own
            line = line.replace(PLACEHOLDERS["20位编号"], LATER_LETTER)
        if "--follow-up" in line:
            line = line.replace(PLACEHOLDERS["20位编号"], FOLLOW_UP)
        args = shlex.split(line)
        assert args[0] == "letters", line
        if args[1] in ("letter", "kit", "email", "bundle") and "-o" not in args:
            args += ["-o", f"out-{abs(hash(line))}"]
        result = run(*args[1:], "--date", "2026-12-24") if _dated(args) else run(*args[1:])
        assert result.exit_code == 0, (line, result.stderr)


def _dated(args: list[str]) -> bool:
    return args[1] in ("letter", "kit", "email", "bundle", "guide") and "--date" not in args


@pytest.mark.parametrize(
    ("sample", "days"),
    [
        ("case-en", ["2026-11-20"]),
        ("case-late-en", ["2026-12-24", "2027-03-01"]),
        ("case-late-zh-TW", ["2026-12-24"]),
    ],
)
def test_every_suggested_command_runs(folder, sample: str, days: list[str]) -> None:
    where = folder(sample)
    commands = suggested(Path("case.toml"), days)
    assert commands, "the outputs suggest no command at all"
    assert all(" --kind complaint-ag" not in line for line in commands)
    run_each(commands)
    assert where.is_dir()


def test_the_commands_found_include_the_ones_that_matter(folder) -> None:
    folder("case-late-en")
    commands = suggested(Path("case.toml"), ["2026-12-24"])
    # Worked in from inside the case folder, every output names it ".", as the guide does.
    assert "letters letter . --kind card-dispute" in commands
    assert "letters log . mailed --certified-mail 94071118987654321033" in commands
    assert not [line for line in commands if "case.toml" in line]


def test_init_closing_words_name_a_command_that_runs(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("init", "mine.toml", "--sample", "--lang", "zh-CN")
    assert result.exit_code == 0, result.stderr
    commands = list(commands_in(result.stdout))
    assert commands
    run_each(commands)


@pytest.mark.parametrize("language", ["zh-CN", "zh-TW"])
def test_every_command_a_sheet_gives_stands_on_one_line(language: str) -> None:
    # A command broke wherever its line ended ("letters letter" | "case.toml --kind
    # follow-up"): someone copying it line by line typed a broken command.
    from letters.render.pdf import render_pdf
    from tests.letter_fixtures import pdf_text

    case = load_case(SAMPLES / f"case-late-{language}.toml")
    for kind in ("request", "follow-up", "complaint"):
        sheet = render_letter(case, "explain", language, TODAY, None, kind)
        assert kind == "complaint" or any(c.startswith("letters ") for c in sheet.keep), kind
        lines = pdf_text(render_pdf(sheet).data).splitlines()
        for command in (c for c in sheet.keep if c.startswith("letters ")):
            # One wider than a line (a quoted summary) breaks between its words only.
            wide = len(command) + len(_WIDE.findall(command)) > 80
            for part in re.findall(r'"[^"]*"|\S+', command) if wide else [command]:
                assert any(part in line for line in lines), (kind, command, part)
        assert "\ue000" not in letter_text(sheet) and "\ue001" not in letter_text(sheet)
