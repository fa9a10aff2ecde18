"""How the PDF letters sit on paper, read back line by line with their positions: closings
that stay together, continuation headings, no lone lines or characters."""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from letters.case import Case, parse_case
from letters.cjk import break_lines
from letters.content import CARRIER_KINDS, COMPANIONS, KINDS, Letter, render_letter
from letters.render.pdf import INCH, render_pdf
from tests.conftest import SAMPLES
from tests.letter_fixtures import DAY

TOP = 11 * INCH


@dataclass(frozen=True)
class Line:
    text: str
    x: float
    y: float  # baseline, from the foot of the page


def page_lines(data: bytes) -> list[list[Line]]:
    """Return each page's lines, top to bottom: the runs drawn at one baseline make a line."""
    pages = []
    for page in PdfReader(io.BytesIO(data)).pages:
        runs: list[tuple[float, float, str]] = []

        def visit(
            text: str, cm: list[float], tm: list[float], font: Any, size: float, runs: list = runs
        ) -> None:
            if text.strip("\n"):
                runs.append((round(tm[5], 2), tm[4], text))

        page.extract_text(visitor_text=visit)
        lines: dict[float, Line] = {}
        for y, x, text in runs:
            line = lines.get(y)
            lines[y] = Line(line.text + text, line.x, y) if line else Line(text, x, y)
        pages.append(sorted(lines.values(), key=lambda line: -line.y))
    return pages


def late_letters() -> list[tuple[str, Case, Letter]]:
    made = []
    for language in ("en", "zh-CN", "zh-TW"):
        path = SAMPLES / f"case-late-{language}.toml"
        case = parse_case(path.read_text("utf-8"), path)
        for kind in KINDS:
            for each in (kind, *COMPANIONS.get(kind, ())):
                if language != "en" and each not in CARRIER_KINDS:
                    continue  # a bank or a regulator reads English only
                made.append((f"{each}.{language}", case, render_letter(case, each, language, DAY)))
    return made


LETTERS = late_letters()


@pytest.mark.parametrize(("name", "case", "letter"), LETTERS, ids=[n for n, *_ in LETTERS])
def test_the_closing_stays_together_with_the_body(name: str, case: Case, letter: Letter) -> None:
    if not letter.closing:
        pytest.skip("the FCC complaint is pasted into a form: it has no closing")
    pages = page_lines(render_pdf(letter, envelope=None).data)
    text = [[line.text.strip() for line in page] for page in pages]
    closing = letter.closing[0]
    holding = [n for n, page in enumerate(text) if closing in page]
    assert len(holding) == 1, text
    last = text[holding[0]]
    # The typed name, and every enclosure, on the page of the closing: the last page.
    assert holding[0] == len(pages) - 1
    flat = "".join("".join(last).split())
    for line in (*letter.signature, *letter.enclosures):
        assert "".join(line.split()) in flat, (line, last)
    if len(pages) > 1:
        body = [line for line in pages[-1] if INCH < line.y < TOP - INCH]
        before = [line.text for line in body[: [line.text.strip() for line in body].index(closing)]]
        assert len(before) >= 3, (name, last)  # three lines of the body came along


@pytest.mark.parametrize(("name", "case", "letter"), LETTERS, ids=[n for n, *_ in LETTERS])
def test_later_pages_carry_a_heading_or_a_number(name: str, case: Case, letter: Letter) -> None:
    pages = page_lines(render_pdf(letter, envelope=None).data)
    for number, page in enumerate(pages[1:], 2):
        if letter.language == "en":
            heading = " ".join(line.text for line in page if line.y > TOP - INCH)
            assert " ".join(letter.recipient.name.split()) in " ".join(heading.split()), heading
            assert f"Page {number} of {len(pages)}" in heading
            assert "November 24, 2026" in heading
        else:
            word = "页" if letter.language == "zh-CN" else "頁"
            footer = [line.text for line in page if line.y < INCH]
            assert footer == [f"第 {number} {word}，共 {len(pages)} {word}"], footer


@pytest.mark.parametrize(("name", "case", "letter"), LETTERS, ids=[n for n, *_ in LETTERS])
def test_a_chinese_paragraph_never_ends_on_one_character(
    name: str, case: Case, letter: Letter
) -> None:
    if letter.language == "en":
        pytest.skip("an English paragraph ends on a word")
    lines = [line.text for page in page_lines(render_pdf(letter).data) for line in page]
    ends = [line for line in lines if line.endswith(("。", "！", "）。"))]
    lonely = [line for line in ends if sum(char not in "。！）" for char in line) < 2]
    assert not lonely, lonely


@pytest.mark.parametrize("language", ["zh-CN", "zh-TW"])
def test_a_chinese_signature_leaves_room_to_sign(language: str) -> None:
    path = SAMPLES / f"case-late-{language}.toml"
    case = parse_case(path.read_text("utf-8"), path)
    letter = render_letter(case, "request", language, DAY)
    result = render_pdf(letter, envelope=None)
    lines = page_lines(result.data)[-1]
    texts = [line.text.strip() for line in lines]
    closing = lines[texts.index(letter.closing[-1])]
    signed = lines[texts.index(letter.signature[0])]
    assert closing.y - signed.y >= 4 * 12 * result.pitch - 0.01  # three blank lines between


def test_the_window_test_page_is_written_beside_the_letter(tmp_path: Path) -> None:
    from tests.conftest import run

    result = run(
        "letter", SAMPLES / "case-late-en.toml", "--kind", "card-dispute", "--envelope", "window",
        "--window-offset", "0.1,0", "--date", "2026-12-20", "-o", tmp_path,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (tmp_path / "card-dispute.en.window-test.pdf").is_file()
    bad = run("letter", SAMPLES / "case-late-en.toml", "--envelope", "window", "--window-offset",
              "left", "-o", tmp_path / "x")  # fmt: skip
    assert bad.exit_code == 2
    assert "--window-offset: left — write RIGHT,DOWN in inches, such as 0.25,-0.1" in bad.output


def test_the_complaint_to_the_attorney_general_fits_a_window_and_the_fcc_one_needs_none(
    tmp_path: Path,
) -> None:
    from tests.conftest import run

    result = run(
        "letter", SAMPLES / "case-late-en.toml", "--kind", "complaint", "--envelope", "window",
        "--date", "2026-12-20", "-o", tmp_path,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (tmp_path / "complaint-ag.en.window-test.pdf").is_file()  # the one that is mailed
    assert not (tmp_path / "complaint.en.window-test.pdf").exists()  # filed online
    assert (tmp_path / "complaint.en.txt").is_file()


def test_a_letter_just_over_a_page_is_set_tighter_and_the_docx_follows() -> None:
    from docx import Document

    from letters.render.docx import render_docx
    from letters.render.postal import LINE_PITCH, TIGHT_PITCH

    path = SAMPLES / "case-late-zh-TW.toml"
    case = parse_case(path.read_text("utf-8"), path)
    # A request not sent yet, after four contacts: it cites them all, and runs just over a page.
    contacts = tuple(event for event in case.events if not event.certified_mail)
    earlier = dataclasses.replace(contacts[0], at=contacts[0].at - timedelta(days=40))
    unsent = dataclasses.replace(
        case,
        events=(earlier, *contacts),
        status=dataclasses.replace(case.status, request_sent=None, closed_on=None),
        delivery=dataclasses.replace(case.delivery, mailed_on=None, certified_mail=None),
    )
    letter = render_letter(unsent, "request", "zh-TW", date(2026, 12, 24))
    result = render_pdf(letter, envelope=None)
    assert result.pitch == TIGHT_PITCH["zh-TW"] < LINE_PITCH["zh-TW"]
    lines = page_lines(result.data)
    assert len(lines) == 1
    baselines = sorted({line.y for line in lines[0]}, reverse=True)
    pitches = {round(above - below, 2) for above, below in pairwise(baselines)}
    assert round(12 * TIGHT_PITCH["zh-TW"], 2) in pitches  # 16.2 pt between body lines
    normal = Document(io.BytesIO(render_docx(letter, pitch=result.pitch))).styles["Normal"]
    assert normal.paragraph_format.line_spacing.pt == pytest.approx(12 * TIGHT_PITCH["zh-TW"])
    # A letter that fits at the usual pitch keeps it.
    short = render_letter(case, "follow-up", "zh-TW", DAY)
    assert render_pdf(short, envelope=None).pitch == LINE_PITCH["zh-TW"]


def test_a_kept_text_wider_than_a_line_breaks_between_its_words() -> None:
    # Kept whole where it fits; wider than a whole line, it was cut at a character.
    command = "letters log case.toml add --summary Filed"
    text = f"Run {command} now."

    def measure(part: str) -> float:
        return 1.0 * len(part)

    assert [line for line, _ in break_lines(text, 44, measure, keep=(command,))] == [
        "Run", command, "now."
    ]  # fmt: skip
    assert [line for line, _ in break_lines(text, 20, measure, keep=(command,))] == [
        "Run letters log", "case.toml add", "--summary Filed now."
    ]  # fmt: skip
