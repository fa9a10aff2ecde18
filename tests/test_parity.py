"""One letter, three media: the email, the PDF and the DOCX carry the same words.

Each medium is read back by an outside parser (Python's email package, pypdf, python-docx),
and the words are compared as the reader sees them.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from letters.case import Case
from letters.content import render_letter
from letters.render.docx import render_docx
from letters.render.email import build_email, parse_back
from letters.render.pdf import render_pdf
from tests.letter_fixtures import (
    DAY,
    HOSTILE,
    LANGUAGES,
    appears,
    case_from,
    locate,
    paragraphs,
    pdf_text,
    sample,
    without_page_labels,
)

EVENTS = "".join(
    f'\n[[events]]\nat = 2026-10-{day:02d}T10:00:00\nchannel = "chat"\n'
    f'party = "客服 Agent {day}"\nreference = "REF-{day:04d}"\nsummary = "Asked again."\n'
    for day in range(1, 29)
)


def email_parts(case: Case, language: str) -> tuple[str, list[str], str, str]:
    """Return the salutation, paragraphs, closing and signature of the email as sent."""
    letter = render_letter(case, "request", language, DAY)
    body = parse_back(build_email(letter).eml).replace("\r\n", "\n")
    blocks = body.strip("\n").split("\n\n")
    return blocks[0], blocks[1:-2], blocks[-2], blocks[-1]


def squeeze(text: str) -> str:
    return re.sub(r"\s", "", text)


@pytest.mark.parametrize("long", [False, True], ids=["sample", "several pages"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_email_pdf_and_docx_carry_the_same_words(tmp_path: Path, language: str, long: bool) -> None:
    case = case_from(HOSTILE + EVENTS, tmp_path) if long else sample(language)[0]
    letter = render_letter(case, "request", language, DAY)
    salutation, body, closing, signature = email_parts(case, language)
    assert len(body) >= 4

    # DOCX: the body paragraphs, in order, and the lines around them.
    docx = paragraphs(render_docx(letter))
    assert [text for style, text in docx if style == "Letter Body"] == body
    lines = [text for _style, text in docx]
    assert lines.index(salutation) < lines.index(body[0])
    assert [*closing.split("\n"), *signature.split("\n")] == [
        line for line in lines[lines.index(body[-1]) + 1 :] if line
    ]

    # PDF: every paragraph in order, with only line breaks added where the page wrapped,
    # and nothing else between the salutation and the closing (page numbers aside).
    data = render_pdf(letter, envelope=None).data
    assert (len(PdfReader(io.BytesIO(data)).pages) >= 2) is long
    pdf = without_page_labels(pdf_text(data))
    opening = locate(salutation, pdf)
    assert opening is not None
    position = opening.end()
    for paragraph in body:
        position = appears(paragraph, pdf, position)
        assert position >= 0, paragraph
    ending = locate(closing, pdf, position)
    assert ending is not None
    assert squeeze(pdf[opening.end() : ending.start()]) == squeeze("".join(body))
    assert appears(signature, pdf, ending.end()) >= 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pdf_check_is_not_blind(language: str) -> None:
    _case, letter = sample(language)
    pdf = without_page_labels(pdf_text(render_pdf(letter).data))
    paragraph = letter.paragraphs[0]
    assert appears(paragraph, pdf) >= 0
    for changed in (paragraph[:-1] + "X", paragraph.replace(" ", "", 1), paragraph[1:] + "。"):
        assert appears(changed, pdf) == -1, changed
