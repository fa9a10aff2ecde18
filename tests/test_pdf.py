"""The PDF letter, proven from outside: pypdf reads the text back, poppler names the fonts."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from letters.case import Recipient
from letters.cjk import NO_END, NO_START, break_lines, glued, units
from letters.content import render_letter
from letters.errors import InputError
from letters.render import fonts
from letters.render.pdf import INCH, WINDOW_BAND, render_pdf
from tests.conftest import ROOT, SAMPLES, needs_tool
from tests.letter_fixtures import (
    DAY,
    HOSTILE,
    HOSTILE_VALUES,
    LANGUAGES,
    appears,
    case_from,
    pdf_text,
    sample,
    without_page_labels,
)


@pytest.fixture(params=LANGUAGES)
def language(request: pytest.FixtureRequest) -> str:
    return request.param  # type: ignore[no-any-return]


def test_every_value_prints_verbatim(tmp_path: Path, language: str) -> None:
    case = case_from(HOSTILE, tmp_path)
    letter = render_letter(case, "request", language, DAY)
    text = without_page_labels(pdf_text(render_pdf(letter).data))
    name = "Meiling Chen <img src=x>" if language == "en" else "陳美玲"
    for value in [*HOSTILE_VALUES, name, *letter.paragraphs, letter.salutation]:
        assert appears(value, text) >= 0, value
    assert "<font color=red>x</font>" in text or language == "en"
    assert "&amp;" not in text and "&lt;" not in text and "&gt;" not in text


def test_chinese_font_is_embedded(tmp_path: Path) -> None:
    if not shutil.which("pdffonts") or not next(fonts.candidates("zh-CN"), None):
        needs_tool("pdffonts or a TrueType Chinese font")
    _case, letter = sample("zh-CN")
    result = render_pdf(letter)
    (tmp_path / "letter.pdf").write_bytes(result.data)
    listing = subprocess.run(
        ["pdffonts", str(tmp_path / "letter.pdf")], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    # Latin text is set in Times, one of the standard fonts every PDF reader has.
    chinese = [line for line in listing if not line.startswith("Times-Roman ")]
    # One embedded subset, or several: older reportlab splits a subset at 256 glyphs.
    assert chinese and all(" yes yes yes " in line for line in chinese), listing
    assert all("WenQuanYi" in line or "Noto" in line or "Droid" in line for line in chinese)
    assert result.notes == ()


@pytest.mark.parametrize(
    ("language", "font", "encoding"),
    [("zh-CN", "/STSong-Light", "/UniGB-UCS2-H"), ("zh-TW", "/MSung-Light", "/UniCNS-UCS2-H")],
)
def test_builtin_cid_font_when_none_is_installed(
    monkeypatch: pytest.MonkeyPatch, language: str, font: str, encoding: str
) -> None:
    monkeypatch.setattr(fonts, "candidates", lambda language: iter(()))
    _case, letter = sample(language)
    result = render_pdf(letter)
    assert "not embedded" in result.notes[0]
    page = PdfReader(io.BytesIO(result.data)).pages[0]
    used = [ref.get_object() for ref in page["/Resources"]["/Font"].values()]
    assert [(f["/BaseFont"], f["/Encoding"]) for f in used] == [
        ("/Times-Roman", "/WinAnsiEncoding"),  # Latin text, in a standard font
        (font, encoding),
    ]
    text = without_page_labels(pdf_text(result.data))
    for value in (*letter.paragraphs, letter.title, *letter.signature):
        assert appears(value, text) >= 0, value
    if language == "zh-TW":
        assert appears("帳戶終止申請書", text) >= 0 and appears("陳美玲", text) >= 0


def test_english_letter_prints_chinese_names_in_a_chinese_font() -> None:
    case, _letter = sample("zh-TW")
    # The names go out in Latin letters; the holder's own words may be in Chinese.
    case = replace(
        case,
        account=replace(case.account, reason="other", reason_note="搬回台灣"),
        recipient=replace(case.recipient, name="Example Wireless Customer Care"),
    )
    english = render_letter(case, "request", "en", DAY)
    data = render_pdf(english).data
    assert appears("搬回台灣", pdf_text(data)) >= 0
    page = PdfReader(io.BytesIO(data)).pages[0]
    names = {str(ref.get_object()["/BaseFont"]) for ref in page["/Resources"]["/Font"].values()}
    assert "/Times-Roman" in names and len(names) == 2


def test_a_character_no_installed_font_has_is_refused() -> None:
    if not next(fonts.candidates("zh-CN"), None):
        needs_tool("a TrueType Chinese font")
    # No Chinese font has U+10FFFD (a private-use character): every candidate is passed
    # over, and the built-in font would print nothing in its place.
    with pytest.raises(InputError) as caught:
        fonts.choose("王小明 123 \U0010fffd", "zh-CN")
    assert caught.value.message == (
        "no font on this computer has “\U0010fffd” (U+10FFFD) — name one that has it with --font"
    )
    assert fonts.choose("王小明 123", "zh-CN").embedded is True


def test_a_chosen_font_that_cannot_print_the_letter_is_refused(tmp_path: Path) -> None:
    installed = next(fonts.candidates("zh-CN"), None)
    if not installed:
        needs_tool("a TrueType Chinese font")
    path = installed[0]
    with pytest.raises(InputError) as caught:
        fonts.choose("王\U0010fffd", "zh-CN", path)
    assert caught.value.message == (
        f"{path}: the font has no glyph for “\U0010fffd” (U+10FFFD) — choose another font"
    )
    fake = tmp_path / "NotoSansCJK.otf"
    fake.write_bytes(b"OTTO" + bytes(200))
    with pytest.raises(InputError) as caught:
        fonts.choose("王", "zh-CN", fake)
    assert caught.value.message == (
        f"{fake}: cannot use this font — choose a TrueType font (.ttf or .ttc); "
        "OpenType/CFF fonts such as Noto Sans CJK cannot be embedded"
    )


def test_long_values_wrap_inside_the_margins(tmp_path: Path, language: str) -> None:
    street = ("1234 Very Long Street Name " * 12)[:300]
    carrier = "Carrier" + "-Wireless" * 33  # 304 characters without a space
    text = HOSTILE.replace('"PO Box 1000"', f'"{street}"').replace('"A & B <x>"', f'"{carrier}"')
    case = case_from(text, tmp_path)
    data = render_pdf(render_letter(case, "request", language, DAY)).data
    reader = PdfReader(io.BytesIO(data))
    assert 1 <= len(reader.pages) <= 4
    flat = re.sub(r"\s", "", pdf_text(data))
    assert re.sub(r"\s", "", street) in flat and carrier in flat
    if shutil.which("pdftotext"):
        (tmp_path / "long.pdf").write_bytes(data)
        for page, right in words_right_edges(tmp_path / "long.pdf"):
            assert right <= page - INCH + 0.5, (page, right)


def words_right_edges(path: Path) -> list[tuple[float, float]]:
    """Return (page width, right edge of a word) for every word poppler finds."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    edges = []
    for page_width, body in re.findall(r"<page width=\"([\d.]+)\"[^>]*>(.*?)</page>", html, re.S):
        if float(page_width) > 650:  # the envelope page has its own layout
            continue
        edges += [(float(page_width), float(x)) for x in re.findall(r'xMax="([\d.]+)"', body)]
    return edges


def test_multi_page_letters_are_numbered(tmp_path: Path, language: str) -> None:
    events = "".join(
        f'\n[[events]]\nat = 2026-10-{day:02d}T10:00:00\nchannel = "phone"\n'
        f'party = "Agent {day}"\nreference = "REF-{day:04d}"\nsummary = "Called."\n'
        for day in range(1, 29)
    )
    case = case_from(HOSTILE + events, tmp_path)
    data = render_pdf(render_letter(case, "request", language, DAY), envelope=None).data
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) >= 2
    label = {"en": "Page {} of {}", "zh-CN": "第 {} 页，共 {} 页", "zh-TW": "第 {} 頁，共 {} 頁"}
    for number, page in enumerate(pages, 1):
        assert label[language].format(number, len(pages)) in page.extract_text()


def test_single_page_letter_has_no_page_number() -> None:
    _case, letter = sample("en")
    assert "Page 1" not in pdf_text(render_pdf(letter, envelope=None).data)


def test_same_inputs_give_the_same_bytes(tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from datetime import date\n"
        "from letters.case import load_case; from letters.content import render_letter\n"
        "from letters.render.pdf import render_pdf\n"
        "case = load_case(Path(sys.argv[1]))\n"
        "letter = render_letter(case, 'request', 'zh-CN', date(2026, 11, 24))\n"
        "sys.stdout.buffer.write(render_pdf(letter).data)\n"
    )
    outputs = []
    for zone, seed in (("UTC", "1"), ("Asia/Shanghai", "2"), ("America/Los_Angeles", "3")):
        env = {**os.environ, "TZ": zone, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [sys.executable, "-c", script, str(SAMPLES / "case-zh-CN.toml")],
            capture_output=True, check=True, env=env, cwd=tmp_path,
        )  # fmt: skip
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    assert b"/CreationDate (D:20261124090000-08'00')" in outputs[0]


def test_metadata_and_language() -> None:
    _case, letter = sample("zh-TW")
    reader = PdfReader(io.BytesIO(render_pdf(letter).data))
    assert reader.metadata is not None
    assert reader.metadata.title == "申請終止 Example Wireless 帳戶 EW-2026-00042"
    assert reader.metadata.subject == "帳戶終止申請書"
    assert reader.metadata.author == "陳美玲"
    assert reader.trailer["/Root"]["/Lang"] == "zh-TW"


def test_paper_sizes() -> None:
    _case, letter = sample("en")
    for paper, size in (("letter", (612, 792)), ("a4", (595.2756, 841.8898))):
        page = PdfReader(io.BytesIO(render_pdf(letter, paper=paper).data)).pages[0]
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(size)


def test_envelope_page(language: str) -> None:
    _case, letter = sample(language)
    plain = PdfReader(io.BytesIO(render_pdf(letter).data)).pages
    envelope = plain[-1]
    assert (float(envelope.mediabox.width), float(envelope.mediabox.height)) == (684, 297)
    text = envelope.extract_text()
    assert "PO Box" in text and ("Customer Care" in text or "Customer Service" in text)
    none = PdfReader(io.BytesIO(render_pdf(letter, envelope=None).data)).pages
    window = PdfReader(io.BytesIO(render_pdf(letter, envelope="window").data)).pages
    assert len(none) == len(plain) - 1
    assert len(window) >= len(none)  # the window takes room at the top of page 1


def window_block(data: bytes) -> list[tuple[str, float, float, float, tuple[float, float]]]:
    """Return what page 1 draws in the rows of the window band: (text, x, y, size, reach)."""
    page = PdfReader(io.BytesIO(data)).pages[0]
    drawn: list[tuple[str, float, float, float, tuple[float, float]]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            drawn.append((text, tm[4], tm[5], size, reach(font)))

    page.extract_text(visitor_text=visit)
    top, bottom, _left, _right = WINDOW_BAND
    lines: list[tuple[str, float, float, float, tuple[float, float]]] = []
    for text, x, y, size, (ascent, descent) in drawn:
        if not 792 - bottom - 5 <= y <= 792 - top + 5:
            continue
        if lines and lines[-1][2] == y:  # a run in another font on the same line
            before, x, _y, size, (up, down) = lines.pop()
            text, ascent, descent = before + text, max(up, ascent), max(down, descent)
        lines.append((text, x, y, size, (ascent, descent)))
    return lines


def assert_inside_the_band(
    block: list[tuple[str, float, float, float, tuple[float, float]]],
) -> None:
    top, bottom, left, right = WINDOW_BAND
    for text, x, y, size, (ascent, descent) in block:
        assert 10 <= size <= 12, text  # USPS: 10–12 pt
        assert x >= left
        assert 792 - top + 0.01 >= y + ascent * size, text
        assert y - descent * size >= 792 - bottom - 0.01, text
        if text.isascii():
            assert x + pdfmetrics.stringWidth(text, "Times-Roman", size) <= right


def test_window_layout_puts_the_address_in_the_band(language: str) -> None:
    _case, letter = sample(language)
    result = render_pdf(letter, envelope="window")
    block = window_block(result.data)
    lines = [text for text, *_ in block]
    assert any(line.startswith(("Dallas", "Newark")) for line in lines), lines
    assert_inside_the_band(block)
    # The fold marks that give the band its size: 4 in and 8 in from the top.
    page = PdfReader(io.BytesIO(result.data)).pages[0]
    content = page.get_contents().get_data().decode("latin-1")  # type: ignore[union-attr]
    assert "18 504 m 36 504 l" in content and "18 216 m 36 216 l" in content
    assert result.calibration is not None
    test_page = PdfReader(io.BytesIO(result.calibration)).pages[0]
    assert "--window-offset" in test_page.extract_text()
    assert [text for text, *_ in window_block(result.calibration)] == lines


def test_a_five_line_address_fits_the_window_at_10_pt(tmp_path: Path) -> None:
    five = HOSTILE.replace('"PO Box 1000"', '"Attn: Billing Inquiries", "PO Box 6500"')
    case = case_from(five, tmp_path)
    for language in LANGUAGES:
        letter = render_letter(case, "request", language, DAY)
        block = window_block(render_pdf(letter, envelope="window").data)
        assert [text for text, *_ in block] == [
            "AT&T <Prepaid>", "Attn: Billing Inquiries", "PO Box 6500", "Attn: Billing <Closures>",
            "Dallas, TX 75201",
        ], block  # fmt: skip
        assert_inside_the_band(block)


def test_the_window_offset_moves_the_address() -> None:
    _case, letter = sample("en")
    plain = window_block(render_pdf(letter, envelope="window").data)
    moved = render_pdf(letter, envelope="window", window_offset=(0.25, -0.125)).data
    page = PdfReader(io.BytesIO(moved)).pages[0]
    drawn: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        drawn.append((text, tm[4], tm[5]))

    page.extract_text(visitor_text=visit)
    for text, x, y, *_ in plain:  # 1/4 in to the right, 1/8 in up
        assert any(
            t == text and abs(a - x - 18) < 0.01 and abs(b - y - 9) < 0.01 for t, a, b in drawn
        ), text
    with pytest.raises(InputError) as caught:
        render_pdf(letter, envelope="window", window_offset=(0, 1))
    assert caught.value.message == (
        "--window-offset: moves the address off the top panel of the folded page"
    )


def reach(font: Any) -> tuple[float, float]:
    """Return how far a PDF font's glyphs reach above and below the baseline, per point."""
    font = font.get_object()
    if "/DescendantFonts" in font:
        font = font["/DescendantFonts"][0].get_object()
    if "/FontDescriptor" not in font:  # one of the 14 standard fonts: its metrics are known
        ascent, descent = pdfmetrics.getAscentDescent(str(font["/BaseFont"])[1:], 1)
        return ascent, -descent
    descriptor = font["/FontDescriptor"].get_object()
    return float(descriptor["/Ascent"]) / 1000, -float(descriptor["/Descent"]) / 1000


def test_window_refuses_what_it_cannot_show(tmp_path: Path) -> None:
    case, letter = sample("en")
    with pytest.raises(InputError) as caught:
        render_pdf(letter, paper="a4", envelope="window")
    assert caught.value.message == "the window layout is for US Letter paper in a #10 envelope"
    crowded = HOSTILE.replace('"PO Box 1000"', '"PO Box 1000", "Suite 200", "Building 7"')
    case = case_from(crowded, tmp_path)
    with pytest.raises(InputError) as caught:
        render_pdf(render_letter(case, "request", "en", DAY), envelope="window")
    assert caught.value.message == (
        "the recipient's address takes 6 lines at 10 pt, more than the window of a #10 "
        "envelope shows (5 lines at 10 pt) — shorten the address in the case file or use a "
        "plain envelope"
    )


def test_unknown_options_are_input_errors() -> None:
    _case, letter = sample("en")
    with pytest.raises(InputError) as caught:
        render_pdf(letter, paper="legal")
    assert caught.value.message == "unknown paper size: legal — use letter or a4"
    with pytest.raises(InputError) as caught:
        render_pdf(letter, envelope="c5")
    assert caught.value.message == "unknown envelope: c5 — use plain, window or none"


def test_no_line_starts_with_closing_punctuation(tmp_path: Path) -> None:
    note = "，".join(["门号已转出", "请关闭账户", "谢谢", "（见附件）", "再次确认"] * 12) + "。"
    text = HOSTILE.replace('"<font color=red>x</font>：門號已轉出，請關閉帳戶。"', f'"{note}"')
    case = case_from(text, tmp_path)
    for language in ("zh-CN", "zh-TW"):
        text = pdf_text(render_pdf(render_letter(case, "request", language, DAY)).data)
        starts = [line[:1] for line in text.splitlines() if line]
        assert not [char for char in starts if char in NO_START], text


def test_identifiers_stay_on_one_line(tmp_path: Path) -> None:
    case = case_from(HOSTILE, tmp_path)
    for language in LANGUAGES:
        text = pdf_text(render_pdf(render_letter(case, "request", language, DAY)).data)
        for identifier in ("ACC-2026-00042", "(415) 555-0188", "9407 1118 9876 5432 1002"):
            assert identifier in text, (language, identifier)


def test_cli_start_up_does_not_load_the_renderers() -> None:
    code = "import sys, letters.cli; print(sorted({'reportlab', 'docxtpl'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# --- line breaking, as a property -------------------------------------------------------------


def measure(text: str) -> float:
    """Width in half-em units: Chinese characters are twice as wide as Latin ones."""
    return float(sum(2 if ord(char) > 0x2E80 else 1 for char in text))


_CHINESE = st.sampled_from("王小明账户注销申请帳戶終止貴公司門號")
_WORD = st.text("abcXYZ0123456789-", min_size=1, max_size=6).map(lambda word: f" {word} ")
_PUNCTUATION = st.sampled_from(sorted(NO_START | NO_END))
_IDENTIFIER = st.sampled_from(["ACC-2026-00042", "(415) 555-0188", "9407 1118 9876 5432 1002"]).map(
    lambda identifier: f" {identifier} "
)
_TEXT = st.lists(st.one_of(_CHINESE, _WORD, _PUNCTUATION, _IDENTIFIER), max_size=80).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_TEXT, width=st.integers(36, 80), indent=st.sampled_from([0, 4]))
def test_line_breaking_keeps_every_rule(text: str, width: int, indent: int) -> None:
    assume(not re.search(f"[{re.escape(''.join(NO_START | NO_END))}]{{4,}}", text))
    keep = ["9407 1118 9876 5432 1002"]
    lines = break_lines(text, width, measure, indent, keep=keep)
    assert "".join(line + gap for line, gap in lines) == text
    for number, (line, _gap) in enumerate(lines):
        assert measure(line) <= width - (indent if number == 0 else 0)
        if number:
            assert line[:1] not in NO_START, lines
        assert line[-1:] not in NO_END or number == len(lines) - 1, lines
    # An identifier stays whole unless what it is glued to is wider than a whole line.
    pieces = units(text, glued(text, keep))
    if all(measure(word) <= width - indent for word, _space in pieces):
        joined = "\n".join(line for line, _gap in lines)
        for identifier in ("ACC-2026-00042", "(415) 555-0188", "9407 1118 9876 5432 1002"):
            assert joined.count(identifier) == text.count(identifier)


def test_a_word_longer_than_the_line_is_cut() -> None:
    lines = break_lines("x" * 25, 10, measure)
    assert lines == [("x" * 10, ""), ("x" * 10, ""), ("x" * 5, "")]


def test_enclosures_are_listed(language: str) -> None:
    _case, letter = sample(language)
    enclosed = replace(letter, enclosures=("Bill of November 2026", "Chat log CHAT-77810"))
    text = pdf_text(render_pdf(enclosed, envelope=None).data)
    heading = {"en": "Enclosures (2)", "zh-CN": "附件（共2份）：", "zh-TW": "附件（共2份）："}[
        language
    ]
    assert f"{heading}\nBill of November 2026\nChat log CHAT-77810" in text
    one = replace(letter, enclosures=("Bill of November 2026",))
    text = pdf_text(render_pdf(one, envelope=None).data)
    assert ("Enclosure\n" if language == "en" else "附件（共1份）：\n") in text


def test_a_recipient_without_an_address(language: str) -> None:
    _case, letter = sample(language)
    fcc = replace(letter, recipient=Recipient(name="Federal Communications Commission"))
    result = render_pdf(fcc)
    assert result.notes == ("No envelope page: the recipient has no postal address.",)
    pages = PdfReader(io.BytesIO(result.data)).pages
    assert all(float(page.mediabox.width) == 612 for page in pages)
    assert "Federal Communications Commission" in pdf_text(result.data)
    with pytest.raises(InputError) as caught:
        render_pdf(fcc, envelope="window")
    assert caught.value.message == (
        "the recipient has no postal address to show in an envelope window"
    )


def test_a_lost_character_stops_the_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    from letters.errors import RenderError
    from letters.render import pdf

    def lossy(text: str, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        lines = break_lines(text, *args, **kwargs)
        return [(line.replace("&", ""), gap) for line, gap in lines]

    monkeypatch.setattr(pdf, "break_lines", lossy)
    case, _letter = sample("en")
    carrier = replace(case, account=replace(case.account, carrier="AT&T"))
    with pytest.raises(RenderError) as caught:
        render_pdf(render_letter(carrier, "request", "en", DAY))
    assert caught.value.message == (
        ".pdf: account.carrier does not appear verbatim — the document was not written"
    )


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_the_closing_never_starts_a_page(tmp_path: Path, language: str) -> None:
    closing = {"en": "Sincerely,", "zh-CN": "此致"}[language]
    turned = 0
    for count in range(10, 40, 2):  # the closing lands at every height of the page
        events = "".join(
            f"\n[[events]]\nat = 2026-10-{1 + n % 28:02d}T{8 + n // 28:02d}:00:00\n"
            f'channel = "phone"\nparty = "Agent {n}"\nsummary = "Called."\n'
            for n in range(count)
        )
        case = case_from(HOSTILE + events, tmp_path)
        data = render_pdf(render_letter(case, "request", language, DAY), envelope=None).data
        pages = [page.extract_text().splitlines() for page in PdfReader(io.BytesIO(data)).pages]
        last = next(lines for lines in pages if closing in lines)
        assert last[0] != closing, count
        turned += len(pages) > 1 and last.index(closing) <= 3
    assert turned  # at least once, the last lines of the letter went over with the closing


def test_a_chinese_date_is_never_split() -> None:
    text = "该账户已于2026年12月1日注销。"
    for width in range(13, 30):  # the date is 13 half-ems wide
        lines = [line for line, _gap in break_lines(text, width, measure)]
        assert any("2026年12月1日" in line for line in lines), (width, lines)
