"""Letters for the PDF, DOCX and parity tests, and the readers that read them back."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

from docx import Document
from pypdf import PdfReader

from letters.case import Case, parse_case
from letters.content import Letter, render_letter
from letters.render.docx import READ_AS
from tests.conftest import SAMPLES

DAY = date(2026, 11, 24)


LANGUAGES = ("en", "zh-CN", "zh-TW")


HOSTILE = """
language = "zh-TW"
timezone = "America/Los_Angeles"

[holder]
name = "陳美玲"
name_en = "Meiling Chen <img src=x>"
email = "meiling@example.com"
phone = "+1 415 555 0134"

[holder.address]
lines = ["45 Bayard St", "Apt <3F> & Co"]
city = "New York"
region = "NY"
postal_code = "10013"

[account]
carrier = "A & B <x>"
number = "ACC-2026-00042"
phone = "+1 415 555 0188"
reason = "other"
reason_note = "<font color=red>x</font>：門號已轉出，請關閉帳戶。"

[recipient]
name = "AT&T <Prepaid>"
email = "care@example.com"

[recipient.address]
lines = ["PO Box 1000", "Attn: Billing <Closures>"]
city = "Dallas"
region = "TX"
postal_code = "75201"

[delivery]
certified_mail = "9407 1118 9876 5432 1002"

[[events]]
at = 2026-11-19T11:00:00
channel = "phone"
party = "客服人員 Kevin"
reference = "TKT 5521"
summary = "來電要求終止帳戶。"
"""


HOSTILE_VALUES = [
    "A & B <x>", "ACC-2026-00042", "AT&T <Prepaid>", "(415) 555-0188", "45 Bayard St",
    "Apt <3F> & Co", "PO Box 1000", "Attn: Billing <Closures>", "New York, NY 10013",
    "Dallas, TX 75201", "9407 1118 9876 5432 1002",
]  # fmt: skip


def case_from(text: str, tmp_path: Path) -> Case:
    """Write a case file and load it, as a user's file would be."""
    from letters.case import load_case

    path = tmp_path / "case.toml"
    path.write_text(text, encoding="utf-8")
    return load_case(path)


def sample(language: str) -> tuple[Case, Letter]:
    case = parse_case((SAMPLES / f"case-{language}.toml").read_text("utf-8"), Path("c.toml"))
    return case, render_letter(case, "request", language, DAY)


def pdf_text(data: bytes) -> str:
    """Return the text pypdf extracts, page after page."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def without_page_labels(text: str) -> str:
    return re.sub(r"\n(Page \d+ of \d+|第 \d+ [页頁]，共 \d+ [页頁])(?=\n|$)", "", text)


def locate(value: str, text: str, start: int = 0) -> re.Match[str] | None:
    """Find `value` in `text`, allowing only line breaks where the page wrapped.

    A line may break between any two characters (a Chinese line) or in place of a space; the
    characters themselves must all be there, in order.
    """
    parts = [r"[ \n]" if char == " " else re.escape(char) for char in value]
    return re.compile(r"\n?".join(parts)).search(text, start)


def appears(value: str, text: str, start: int = 0) -> int:
    """Return where `value` ends in `text` (see `locate`), or -1."""
    match = locate(value, text, start)
    return match.end() if match else -1


def paragraphs(data: bytes) -> list[tuple[str, str]]:
    """Return (style name, text) for every paragraph of a DOCX body, as a reader reads it:
    a no-break space as a space, no word joiners (python-docx reads non-breaking hyphens)."""
    return [
        (p.style.name, p.text.translate(READ_AS)) for p in Document(io.BytesIO(data)).paragraphs
    ]
