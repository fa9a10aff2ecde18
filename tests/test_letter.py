"""A `Letter` carries everything its layouts print: the email, the PDF and the DOCX are laid
out from a letter and layout options alone, never from the case it came from."""

from __future__ import annotations

import inspect
import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from pypdf import PdfReader

from letters.case import Address, Recipient
from letters.content import Letter, Sender
from letters.render.docx import READ_AS, render_docx
from letters.render.email import build_email
from letters.render.pdf import render_pdf

LAYOUTS: list[Callable[..., Any]] = [build_email, render_pdf, render_docx]

# Made by hand: no case file, no `Case`, only what a letter says.
LETTER = Letter(
    kind="request",
    language="en",
    date=date(2026, 11, 24),
    zone=ZoneInfo("Asia/Taipei"),
    recipient=Recipient(
        name="Example Mobile Customer Care",
        email="care@example-mobile.com",
        address=Address(lines=("PO Box 1000",), city="Dallas", region="TX", postal_code="75201"),
    ),
    sender=Sender(
        name="Meiling Chen",
        email="meiling@example.com",
        address=Address(
            lines=("45 Bayard St", "Apt 3F"), city="New York", region="NY", postal_code="10013"
        ),
        postal_name="Meiling Chen (envelope)",
    ),
    holder_language="zh-TW",
    subject="Request to close account ACC-2026-00042",
    salutation="Dear Example Mobile Customer Care:",
    paragraphs=("Please close account ACC-2026-00042, effective December 1, 2026.",),
    closing=("Sincerely,",),
    signature=("Meiling Chen",),
    keep=("TKT 5521",),
    values=(("paragraphs", "account.number", "ACC-2026-00042"),),
)
# 9:00 on the letter's day in its time zone, far from UTC: one moment in every medium.
MOMENT = datetime(2026, 11, 24, 9, tzinfo=ZoneInfo("Asia/Taipei"))


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.__name__)
def test_a_layout_takes_a_letter_and_options_never_the_case(layout: Callable[..., Any]) -> None:
    first, *options = inspect.signature(layout, eval_str=True).parameters.values()
    assert first.annotation is Letter
    assert all(option.kind is option.KEYWORD_ONLY for option in options)
    # Nothing else reaches the case, not even through an option.
    assert not any("Case" in str(option.annotation) for option in options)


def test_the_email_is_written_from_the_letter_alone() -> None:
    draft = build_email(LETTER)
    message = message_from_bytes(draft.eml, policy=policy.default)
    assert message["From"].addresses[0].display_name == "Meiling Chen"
    assert message["From"].addresses[0].addr_spec == "meiling@example.com"
    assert message["To"].addresses[0].addr_spec == "care@example-mobile.com"
    assert parsedate_to_datetime(message["Date"]) == MOMENT
    assert "Please close account ACC-2026-00042" in draft.text


def test_the_pdf_is_written_from_the_letter_alone() -> None:
    reader = PdfReader(io.BytesIO(render_pdf(LETTER).data))
    letter, envelope = (page.extract_text() for page in reader.pages)
    for line in ("Meiling Chen", "45 Bayard St", "Apt 3F", "New York, NY 10013", "PO Box 1000",
                 "Dallas, TX 75201", "November 24, 2026", "ACC-2026-00042"):  # fmt: skip
        assert line in letter
    assert "Meiling Chen (envelope)" in envelope and "PO Box 1000" in envelope
    assert reader.metadata is not None
    assert reader.metadata.author == "Meiling Chen"
    assert reader.metadata.creation_date == MOMENT


def test_the_docx_is_written_from_the_letter_alone() -> None:
    document = Document(io.BytesIO(render_docx(LETTER)))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs).translate(READ_AS)
    for line in ("45 Bayard St", "Apt 3F", "PO Box 1000", "November 24, 2026"):
        assert line in text
    properties = document.core_properties
    assert properties.author == "Meiling Chen"
    # python-docx before 1.1.1 reads the UTC stamp as a naive datetime.
    created = properties.created
    assert created is not None
    assert (created if created.tzinfo else created.replace(tzinfo=UTC)) == MOMENT
