"""Lay a letter out as a printable PDF: a US business letter in full block, or a formal
Chinese letter, with an optional #10 envelope page.

Lines are broken here, not by reportlab's Paragraph, for three reasons: a line must never
start with closing punctuation (。，、；：！？）), an identifier or a phone number must never
be split across two lines, and a value must never be read as markup. Text is drawn as text,
so `AT&T <Prepaid>` or `<font color=red>` in a value print exactly as written.

Part of the PDF backend: imports reportlab, so import it only when writing a PDF.
"""

from __future__ import annotations

import contextlib
import io
import os
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from itertools import groupby
from operator import itemgetter
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from letters import i18n, labels
from letters.cjk import EPSILON, break_lines, glued, is_wide, units
from letters.content import Letter
from letters.errors import InputError
from letters.fidelity import check_fidelity, printed_lines, printed_values
from letters.i18n import _
from letters.render import fonts
from letters.render.postal import (
    BODY_SIZE,
    HEADER_INCHES,
    LINE_PITCH,
    MARGIN_SIZE,
    SIGNING_LINES,
    TIGHT_PITCH,
    introduces,
)

INCH = 72.0
PAPERS = {"letter": (8.5 * INCH, 11 * INCH), "a4": (595.2756, 841.8898)}
ENVELOPES = ("plain", "window")
MARGIN = INCH
ENVELOPE_10 = (9.5 * INCH, 4.125 * INCH)
# The part of a US Letter page folded in three that always shows through the window of a #10
# envelope, however the insert slides (DOMAIN.md): top, bottom, left, right from the top left.
#
# Folded in three equal panels (3 2/3 in) the insert can slide 1/2 in up and down inside the
# envelope, and the band that always shows is 0.4 in tall: three lines. The window layout
# prints fold marks for a top panel of 4 in instead, which leaves 1/8 in of play, so the band
# that always shows with USPS's 1/8 in clearance runs from 2 5/8 to 3 3/8 in: five lines at
# 10 pt. Across, an 8 1/2 in page in a 9 1/2 in envelope leaves 1.0–4.25 in (DOMAIN.md).
FOLD = 4 * INCH
WINDOW_BAND = (2.625 * INCH, 3.375 * INCH, 1.0 * INCH, 4.25 * INCH)
WINDOW_TOP = 0.5 * INCH  # top margin of page 1 in the window layout, to leave room above
WINDOW_SIZES = (11.0, 10.5, 10.0)  # USPS asks for 10–12 pt; 12 pt would touch the band
WINDOW_LINES = 5
SERIF = "Times-Roman"
TAIL_LINES = 3  # lines of the body that go over with the closing
HEADER_DISTANCE = HEADER_INCHES * INCH  # from the top of the page to the continuation heading
# Punctuation that belongs to the Chinese font in a Chinese letter, though Times has it too.
CHINESE_MARKS = frozenset("“”‘’…—·")

MAX_SPACING = 1.0  # points between characters of a justified line
MAX_WORD_SPACING = 4.0  # points added to a space of a justified line


@dataclass(frozen=True)
class PdfResult:
    """A rendered PDF and what the user should know about it."""

    data: bytes
    notes: tuple[str, ...] = ()
    calibration: bytes | None = None  # for a window envelope: a page to test the fit
    pitch: float = 0.0  # the line pitch the letter was set at, in sizes of its text


def render_pdf(
    letter: Letter,
    *,
    paper: str = "letter",
    font: Path | None = None,
    envelope: str | None = "plain",
    window_offset: tuple[float, float] = (0.0, 0.0),
) -> PdfResult:
    """Lay out a letter as a PDF, with a #10 envelope page or for a window envelope.

    For a window envelope the result also holds a calibration page, and `window_offset`
    (right, down, in inches) moves the address for an envelope whose window sits elsewhere.
    """
    if paper not in PAPERS:
        raise InputError(_("unknown paper size: {paper} — use letter or a4").format(paper=paper))
    if envelope not in (*ENVELOPES, None):
        raise InputError(
            _("unknown envelope: {envelope} — use plain, window or none").format(envelope=envelope)
        )
    if envelope == "window" and paper != "letter":
        raise InputError(_("the window layout is for US Letter paper in a #10 envelope"))
    if envelope == "window" and letter.recipient.address is None:
        raise InputError(_("the recipient has no postal address to show in an envelope window"))
    notes = []
    if envelope == "plain" and letter.recipient.address is None:
        notes.append(_("No envelope page: the recipient has no postal address."))
        envelope = None
    type_, note = _typeface(letter.language, _every_text(letter), font, letter.holder_language)
    notes += [note] if note else []
    offset = (window_offset[0] * INCH, window_offset[1] * INCH)

    def layout(pitch: float) -> _Flow:
        flow = _Flow(type_, PAPERS[paper], letter.keep)
        flow.letter(_groups(letter, pitch), window=envelope == "window", offset=offset)
        return flow

    # A letter that runs a little onto a second page is set a little tighter if that keeps
    # it on one: the convention's line pitch allows it, and the DOCX follows (`pitch`).
    pitch = LINE_PITCH[letter.language]
    flow = layout(pitch)
    if len(flow.pages) == 2 and not letter.sheet:
        tighter = layout(TIGHT_PITCH[letter.language])
        if len(tighter.pages) == 1:
            flow, pitch = tighter, TIGHT_PITCH[letter.language]
    pages = flow.numbered(letter)
    if envelope == "plain":
        pages.append(_envelope(letter, type_, flow.keep))
    text = "".join(line.text + line.joiner for page in pages for line in page.lines)
    check_fidelity(text, printed_values(letter), ".pdf")
    with reportlab_clock():
        calibration = None
        if envelope == "window":
            calibration = _calibration(flow, offset, font, letter)
        return PdfResult(_draw(pages, type_, letter), tuple(notes), calibration, pitch)


# --- fonts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Typeface:
    """The fonts of a letter: one for its text, and one for characters that font lacks."""

    main: str
    fallback: str | None = None
    marks: frozenset[str] = frozenset()  # characters the fallback prints though main has them

    def runs(self, text: str) -> list[tuple[str, str]]:
        """Split text into (text, font) runs."""
        if self.fallback is None:
            return [(text, self.main)]
        if text.isascii():  # the fallback's marks are not ASCII
            return [(text, self.main)] if text else []
        return [("".join(run), font) for font, run in groupby(text, _fonts(self).__getitem__)]

    def width(self, text: str, size: float) -> float:
        """Return the width of text in points."""
        if self.fallback is None or text.isascii():  # one run: the fallback's marks are not ASCII
            return size * sum(map(_advances(self.main).__getitem__, text))
        # Summed run by run, as the runs are drawn, without making the runs.
        total = 0.0
        for _font, run in groupby(map(_placed(self).__getitem__, text), key=_font_of):
            total += sum(map(_advance_of, run))
        return size * total

    def measure(self, size: float) -> Callable[[str], float]:
        """Return a function giving the width of text at `size`."""
        return lambda text: self.width(text, size)

    def extent(self, texts: Iterable[str], size: float) -> tuple[float, float]:
        """Return how far the glyphs of texts reach above and below the baseline."""
        used = {font for text in texts for _, font in self.runs(text)} or {self.main}
        metrics = [pdfmetrics.getAscentDescent(font, size) for font in used]
        return max(a for a, _ in metrics), -min(d for _, d in metrics)


class _Advances(dict[str, float]):
    """A font's advance widths at 1 pt, looked up once per character.

    reportlab does not kern, so the width of a text is the sum of its characters' widths.
    """

    def __init__(self, font: str) -> None:
        super().__init__()
        self.font = font

    def __missing__(self, char: str) -> float:
        self[char] = width = pdfmetrics.stringWidth(char, self.font, 1)
        return width


@cache
def _advances(font: str) -> _Advances:
    return _Advances(font)


class _Placed(dict[str, tuple[str, float]]):
    """Each character's font in a typeface, and its advance width at 1 pt."""

    def __init__(self, type_: Typeface) -> None:
        super().__init__()
        self.type = type_

    def __missing__(self, char: str) -> tuple[str, float]:
        font = _fonts(self.type)[char]
        self[char] = placed = (font, _advances(font)[char])
        return placed


@cache
def _placed(type_: Typeface) -> _Placed:
    return _Placed(type_)


class _Fonts(dict[str, str]):
    """Each character's font in a typeface, looked up once per character."""

    def __init__(self, type_: Typeface) -> None:
        super().__init__()
        self.type = type_

    def __missing__(self, char: str) -> str:
        type_ = self.type
        in_main = _in_core_font(char) and char not in type_.marks
        self[char] = font = type_.main if in_main or type_.fallback is None else type_.fallback
        return font


@cache
def _fonts(type_: Typeface) -> _Fonts:
    return _Fonts(type_)


_font_of, _advance_of = itemgetter(0), itemgetter(1)


@cache
def _in_core_font(char: str) -> bool:
    # Times-Roman prints the Windows-1252 repertoire; anything else needs another font.
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _typeface(
    language: str, text: str, path: Path | None, case_language: str
) -> tuple[Typeface, str]:
    """Choose the fonts for a letter; return them and a note for the user, if any."""
    if language == "en":
        foreign = "".join(sorted({char for char in text if not _in_core_font(char)}))
        if not foreign and path is None:
            return Typeface(SERIF), ""
        # Chinese in an English letter is most likely in the script of the case's language.
        script = "zh-TW" if case_language == "zh-TW" else "zh-CN"
        chosen = fonts.choose(foreign, script, path)
        type_ = Typeface(SERIF, chosen.name)
    else:
        # Latin letters and digits in a Latin face, as Word sets them beside a Chinese face.
        chosen = fonts.choose(text, language, path)
        type_ = Typeface(SERIF, chosen.name, CHINESE_MARKS)
    if chosen.embedded:
        return type_, ""
    return type_, _(
        "No TrueType Chinese font was found on this computer, so the PDF uses the built-in "
        "font {font}, which is not embedded: it shows correctly where the PDF reader has "
        "Chinese fonts. Install one (for example WenQuanYi Micro Hei) or name one with --font."
    ).format(font=chosen.name)


# --- what goes on the page --------------------------------------------------------------------


def _every_text(letter: Letter) -> str:
    """Return every character the PDF may print, for choosing a font that has them all."""
    words = [
        labels.word(labels.PAGE, letter.language),
        labels.enclosures_heading(len(letter.enclosures), letter.language),
        i18n.format_date(letter.date, letter.language),
        "0123456789",
    ]
    return "\n".join(
        [*letter.sender_block, *letter.recipient_block, *letter.return_address, *words,
         *printed_lines(letter).values()]
    )  # fmt: skip


# --- layout -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Text:
    """One paragraph or line of the letter and how it is set."""

    text: str
    size: float
    leading: float
    align: str = "left"  # left, centre, right, or justified: both edges even
    indent: float = 0.0  # of the first line
    after: float = 0.0  # space below


@dataclass(frozen=True)
class _Group:
    """Texts laid out together; `keep` puts them on one page."""

    texts: tuple[_Text, ...]
    keep: bool = True
    address: bool = False  # the recipient's address: the window layout places it
    body: bool = False  # a paragraph of the body
    with_previous: bool = False  # never starts a page: the closing, signature, enclosures
    with_next: bool = False  # never ends a page: a salutation or a title


@dataclass(frozen=True)
class _Row:
    """A broken line of the letter, before it has a page."""

    text: _Text
    line: str
    gap: str  # the space the line was broken at
    number: int  # of the line in its text
    count: int  # lines in its text
    glue: bool  # stays on the page of the row before it
    body: bool  # a line of a body paragraph

    @property
    def last(self) -> bool:
        return self.number == self.count - 1

    @property
    def below(self) -> float:
        """Return the space under the row: its leading, and after the last line the gap."""
        return self.text.leading + (self.text.after if self.last else 0.0)


@dataclass(frozen=True)
class _Line:
    """A line as drawn: baseline position, text, and what joins it to the next line."""

    x: float
    y: float
    text: str
    size: float
    joiner: str
    spacing: float = 0.0  # added after each Chinese character, to justify the line
    word_spacing: float = 0.0  # added to each space, to justify the line


@dataclass
class _Page:
    size: tuple[float, float]
    lines: list[_Line] = field(default_factory=list)
    margins: list[_Line] = field(default_factory=list)  # page numbers and headings
    marks: list[tuple[float, float, float, float]] = field(default_factory=list)  # fold marks


def _groups(letter: Letter, pitch: float) -> list[_Group]:
    """Return the letter as groups of texts in reading order, lines `pitch` sizes apart."""
    chinese = letter.language != "en"
    size = BODY_SIZE[letter.language]
    leading = size * pitch

    def block(
        lines: Sequence[str],
        after: float = leading,
        keep: bool = True,
        indent: float = 0.0,
        align: str = "left",
    ) -> _Group:
        texts = [_Text(line, size, leading, align, indent) for line in lines]
        texts[-1] = replace(texts[-1], after=after)
        return _Group(tuple(texts), keep)

    if letter.sheet:  # for the holder: a title and paragraphs, nothing to address
        title = _Text(letter.title, size * 4 / 3, leading * 4 / 3, align="centre", after=leading)
        paragraphs = [replace(block([p], keep=False), body=True) for p in letter.paragraphs]
        return [_Group((title,), with_next=True), *paragraphs]
    groups = [block(letter.sender_block)]
    if not chinese:
        groups.append(block([i18n.format_date(letter.date, "en")]))
    if letter.delivery:
        groups.append(block(letter.delivery))  # a line apart: never read as the address
    groups.append(replace(block(letter.recipient_block), address=True))
    if chinese and letter.title:
        title = _Text(letter.title, size * 4 / 3, leading * 4 / 3, align="centre", after=leading)
        groups.append(_Group((title,), with_next=True))
    if letter.reference:
        groups.append(block(letter.reference, after=0 if chinese else leading))
    if letter.salutation:  # the FCC complaint, pasted into a form, has none
        groups.append(replace(block([letter.salutation], after=0 if chinese else leading),
                              with_next=True))  # fmt: skip
    for paragraph in letter.paragraphs:
        if chinese:
            text = block([paragraph], leading / 4, keep=False, indent=2 * size, align="justified")
        else:
            text = block([paragraph], keep=False)
        groups.append(replace(text, body=True, with_next=introduces(paragraph)))
    # The closing, the room to sign and the typed name are one block, and never go to a page
    # of their own: the layout brings the last lines of the body with them.
    if chinese:
        closing = [_Text(line, size, leading, indent=2 * size * (n == 0))
                   for n, line in enumerate(letter.closing)]  # fmt: skip
        signature = [_Text(line, size, leading, align="right") for line in letter.signature]
    else:
        closing = [_Text(line, size, leading) for line in letter.closing]
        signature = [_Text(line, size, leading) for line in letter.signature]
    if closing:
        closing[-1] = replace(closing[-1], after=SIGNING_LINES[letter.language] * leading)
    if signature and letter.enclosures:
        signature[-1] = replace(signature[-1], after=leading)
    groups.append(_Group((*closing, *signature), with_previous=True))
    if letter.enclosures:
        heading = labels.enclosures_heading(len(letter.enclosures), letter.language)
        groups.append(replace(block([heading, *letter.enclosures], after=0), with_previous=True))
    return groups


class _Flow:
    """Places groups of text down the pages, breaking lines and pages."""

    def __init__(self, type_: Typeface, paper: tuple[float, float], keep: tuple[str, ...]) -> None:
        self.type = type_
        self.paper = paper
        self.keep = keep
        self.left, self.right = MARGIN, paper[0] - MARGIN
        self.pages: list[_Page] = [_Page(paper)]
        self.top = paper[1] - MARGIN  # where the text of page 1 starts
        self.window_lines: list[_Line] = []  # the address, in the window layout

    def letter(
        self, groups: list[_Group], window: bool, offset: tuple[float, float] = (0.0, 0.0)
    ) -> None:
        """Lay out the letter; with `window`, the recipient's address goes in the window band."""
        if window:
            # Room above the window: the top panel of the folded page is inside the envelope.
            y = self.paper[1] - WINDOW_TOP
            at = next(n for n, group in enumerate(groups) if group.address)
            band_top = self.paper[1] - WINDOW_BAND[0] - offset[1]
            later = []
            for group in groups[:at]:
                rows = self.rows([group])
                height = sum(row.below for row in rows) - rows[-1].text.after
                if y - height - rows[-1].text.leading >= band_top:
                    y = self.set(rows, y, self.pages[0])
                else:
                    later.append(group)  # would reach into the window: goes below it
            self.top = min(y, self.place_in_window(groups[at], offset) - groups[at].texts[-1].after)
            self.pages[0].marks += [(0.25 * INCH, y_, 0.5 * INCH, y_) for y_ in _fold_marks()]
            groups = later + groups[at + 1 :]
        rows = self.rows(groups)
        spans = _paginate(rows, self.top - MARGIN, self.paper[1] - 2 * MARGIN)
        for number, (start, end) in enumerate(spans):
            if number:
                self.pages.append(_Page(self.paper))
            top = self.top if number == 0 else self.paper[1] - MARGIN
            self.set(rows[start:end], top, self.pages[-1])

    def wrap(self, text: _Text, body: bool = False) -> list[tuple[str, str]]:
        measure = self.type.measure(text.size)
        lines = break_lines(text.text, self.right - self.left, measure, text.indent, self.keep)
        if body and any(map(is_wide, text.text)):  # a Chinese paragraph
            width = self.right - self.left
            lines = _no_lone_last_character(lines, width, measure, self.keep)
        return lines

    def rows(self, groups: list[_Group]) -> list[_Row]:
        """Break the groups' texts into rows, each marked whether a page may start there."""
        rows: list[_Row] = []
        with_next = False
        for group in groups:
            for first, text in enumerate(group.texts):
                lines = self.wrap(text, group.body)
                count = len(lines)
                for number, (line, gap) in enumerate(lines):
                    if first == 0 and number == 0:
                        glue = with_next or group.with_previous
                    elif group.keep:
                        glue = True
                    else:  # no single line of a paragraph alone at a page's foot or top
                        glue = number in (1, count - 1)
                    rows.append(_Row(text, line, gap, number, count, glue, group.body))
            with_next = group.with_next
        return rows

    def set(self, rows: Sequence[_Row], y: float, page: _Page) -> float:
        """Set rows on a page from `y` down; return where the next row would start."""
        for row in rows:
            text = row.text
            left = self.left + (text.indent if row.number == 0 else 0.0)
            width = self.type.width(row.line, text.size)
            x = _aligned(text.align, left, self.right, width)
            spacing = words = 0.0
            if text.align == "justified" and not row.last:
                spacing, words = _spacing(self.right - left - width, row.line)
            joiner = row.gap + "\n" if row.last else row.gap
            page.lines.append(_Line(x, y - text.size, row.line, text.size, joiner, spacing, words))
            y -= row.below
        return y

    def place_in_window(self, group: _Group, offset: tuple[float, float]) -> float:
        """Set the recipient's address in the window band, as large as fits (11–10 pt).

        Return the height on the page below which the letter goes on.
        """
        top, bottom, left, right = WINDOW_BAND
        top, bottom = top + offset[1], bottom + offset[1]
        left, right = left + offset[0], right + offset[0]
        inside = (top >= WINDOW_TOP, bottom <= FOLD, left >= MARGIN / 4,
                  right <= self.paper[0] - MARGIN / 4)  # fmt: skip
        if not all(inside):
            raise InputError(
                _("--window-offset: moves the address off the top panel of the folded page")
            )
        texts = [text.text for text in group.texts]
        height = bottom - top
        lines: list[tuple[str, str]] = []
        for size in WINDOW_SIZES:
            lines, ascent, descent = _set(texts, self.type, size, right - left, self.keep)
            if len(lines) > WINDOW_LINES:
                continue
            pitch = min(size * 1.15, (height - ascent - descent) / max(len(lines) - 1, 1))
            if pitch < size * 1.05:
                continue
            block = ascent + pitch * (len(lines) - 1) + descent
            first = self.paper[1] - top - (height - block) / 2 - ascent  # centred
            self.window_lines = [
                _Line(left, first - pitch * n, line, size, joiner)
                for n, (line, joiner) in enumerate(lines)
            ]
            self.pages[0].lines += self.window_lines
            return self.paper[1] - bottom
        raise InputError(
            _(
                "the recipient's address takes {count} lines at {size} pt, more than the window "
                "of a #10 envelope shows ({most} lines at {size} pt) — shorten the address in "
                "the case file or use a plain envelope"
            ).format(count=len(lines), size=f"{WINDOW_SIZES[-1]:g}", most=WINDOW_LINES)
        )

    def numbered(self, letter: Letter) -> list[_Page]:
        """Return the pages, numbered when there is more than one.

        An English letter's later pages carry a continuation heading: the recipient, the
        page number and the date across the top. A Chinese letter numbers every page at the
        foot.
        """
        count = len(self.pages)
        if count == 1:
            return self.pages
        language = letter.language
        for number, page in enumerate(self.pages, 1):
            label = labels.page_label(number, count, language)
            if language != "en" or number == 1:
                width = self.type.width(label, MARGIN_SIZE)
                x = _aligned("centre", self.left, self.right, width)
                page.margins.append(_Line(x, MARGIN / 2, label, MARGIN_SIZE, "\n"))
                continue
            page.margins += self.heading(letter, label)
        return self.pages

    def heading(self, letter: Letter, label: str) -> list[_Line]:
        """Return the continuation heading of a later page, in the top margin."""
        size, measure = MARGIN_SIZE, self.type.measure(MARGIN_SIZE)
        day = i18n.format_date(letter.date, letter.language)
        baseline = self.paper[1] - HEADER_DISTANCE - size
        centre = _aligned("centre", self.left, self.right, measure(label))
        lines = [
            _Line(centre, baseline, label, size, "\n"),
            _Line(self.right - measure(day), baseline, day, size, "\n"),
        ]
        room = centre - self.left - size
        for n, (line, gap) in enumerate(break_lines(letter.recipient.name, room, measure)):
            lines.append(_Line(self.left, baseline - n * size * 1.2, line, size, gap + "\n"))
        return lines


def _paginate(rows: list[_Row], first: float, later: float) -> list[tuple[int, int]]:
    """Return the rows of each page as (start, end): pages filled, breaking only where allowed.

    The last page of a letter of several pages carries at least three lines of the body
    above the closing (or all of the last paragraphs, if shorter), so the closing, the
    signature or the enclosures never stand alone on it.
    """
    spans: list[tuple[int, int]] = []
    start, room = 0, first
    while start < len(rows):
        end, used = start, 0.0
        while end < len(rows) and (end == start or used + rows[end].text.leading <= room + EPSILON):
            used += rows[end].below
            end += 1
        if end < len(rows):
            cut = end
            while cut > start and rows[cut].glue:
                cut -= 1
            end = cut if cut > start else end
        spans.append((start, end))
        start, room = end, later
    if len(spans) > 1:
        (before, _), (cut, end) = spans[-2], spans[-1]
        wanted = min(TAIL_LINES, sum(row.body for row in rows[before + 1 : end]))
        if sum(row.body for row in rows[cut:end]) < wanted:
            enough = [at for at in range(cut - 1, before, -1)
                      if sum(row.body for row in rows[at:end]) >= wanted]  # fmt: skip
            # Where a page may break, if the rules allow one; else the nearest place.
            cut = next((at for at in enough if not rows[at].glue), enough[0] if enough else cut)
        if cut != spans[-1][0] and sum(row.below for row in rows[cut:end]) <= later + EPSILON:
            spans[-2:] = [(before, cut), (cut, end)]
    return spans


def _no_lone_last_character(
    lines: list[tuple[str, str]],
    width: float,
    measure: Callable[[str], float],
    keep: Iterable[str],
) -> list[tuple[str, str]]:
    """Give a Chinese paragraph's last line at least two characters, taking from the line above.

    The character taken is one a line may start with, so no closing punctuation opens it.
    """
    if len(lines) < 2 or sum(not _punctuation(char) for char in lines[-1][0]) >= 2:
        return lines
    (above, gap), (last, end) = lines[-2], lines[-1]
    pieces = units(above, glued(above, keep))
    if len(pieces) < 2 or gap:
        return lines
    word, space = pieces[-1]
    moved = word + space
    if measure(moved + last) > width + EPSILON:
        return lines
    return [*lines[:-2], (above[: len(above) - len(moved)], ""), (moved + last, end)]


def _punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


def _fold_marks() -> tuple[float, float]:
    """Return the heights of the fold marks of the window layout, from the page's foot."""
    return 11 * INCH - FOLD, 11 * INCH - 2 * FOLD


def _set(
    texts: Sequence[str], type_: Typeface, size: float, width: float, keep: tuple[str, ...]
) -> tuple[list[tuple[str, str]], float, float]:
    """Break an address block at `size`: its (line, joiner) pairs, ascent and descent."""
    lines = []
    for text in texts:
        broken = break_lines(text, width, type_.measure(size), keep=keep)
        broken[-1] = (broken[-1][0], broken[-1][1] + "\n")
        lines += broken
    ascent, descent = type_.extent(texts, size)
    return lines, ascent, descent


def _spacing(slack: float, line: str) -> tuple[float, float]:
    """Return the space to add after each Chinese character and each space to spread a line
    over `slack`.

    Latin letters are never spaced out. Up to 1 pt between Chinese characters: wider, they
    drift apart and text extraction (copy and paste, pdftotext) reads the gaps as spaces; the
    rest goes into the spaces between Latin words, up to 4 pt each. A line that still falls
    short stays ragged.
    """
    count = sum(map(is_wide, line[:-1]))  # the space after the last character is not seen
    spaces = line.rstrip(" ").count(" ")
    if slack <= 0 or not count:
        return 0.0, 0.0
    spacing = min(slack / count, MAX_SPACING)
    rest = slack - spacing * count
    if rest <= EPSILON:
        return spacing, 0.0
    if spaces and rest / spaces <= MAX_WORD_SPACING:
        return spacing, rest / spaces
    return 0.0, 0.0


def _aligned(align: str, left: float, right: float, width: float) -> float:
    if align == "right":
        return right - width
    if align == "centre":
        return (left + right - width) / 2
    return left


def _envelope(letter: Letter, type_: Typeface, keep: tuple[str, ...]) -> _Page:
    """Return a #10 envelope: return address top left, recipient's address centre right."""
    width, height = ENVELOPE_10
    page = _Page(ENVELOPE_10)
    lines, ascent, _descent = _set(letter.return_address, type_, 10, 3.5 * INCH, keep)
    top = height - 0.375 * INCH - ascent
    page.lines += [
        _Line(0.375 * INCH, top - 11 * n, line, 10, joiner)
        for n, (line, joiner) in enumerate(lines)
    ]
    # USPS reads the address in the area 5/8 in to 2 3/4 in from the bottom, 1/2 in from the
    # sides; the block is centred in it, from 4 in from the left edge.
    low, high, left = 0.625 * INCH, 2.75 * INCH, 4.0 * INCH
    for size in (12.0, 11.0, 10.0, 9.0, 8.0):
        lines, ascent, descent = _set(
            letter.recipient_block, type_, size, width - 0.5 * INCH - left, keep
        )
        leading = size * 1.1
        block = ascent + leading * (len(lines) - 1) + descent
        if block <= high - low:
            first = (low + high + block) / 2 - ascent
            page.lines += [
                _Line(left, first - leading * n, line, size, joiner)
                for n, (line, joiner) in enumerate(lines)
            ]
            return page
    raise InputError(
        _("the recipient's address is too long to print on a #10 envelope — use no envelope page")
    )


def _calibration(
    flow: _Flow, offset: tuple[float, float], path: Path | None, letter: Letter
) -> bytes:
    """Return a test page for a window envelope: print it, fold it at the marks, slide it in.

    It carries the fold marks and the address exactly where the letter has them, framed by
    the band that must show through the window, and says what to do if it does not.
    """
    words = [
        _("Window envelope test page. Print it at actual size (100 %, not “fit to page”), fold "
          "it at the two marks in the left margin, the address outwards, and slide it into "
          "the envelope."),
        _("The whole frame and the address inside it must show through the window, however the "
          "page slides. If they do not, measure how far the frame must move and write the "
          "letter again with --window-offset RIGHT,DOWN in inches, for example "
          "--window-offset 0.25,-0.1."),
    ]  # fmt: skip
    address = flow.window_lines
    type_, _note = _typeface(
        letter.language, "\n".join([*words, *(line.text for line in address)]), path,
        letter.holder_language,
    )  # fmt: skip
    page = _Page(flow.paper, lines=list(address), marks=list(flow.pages[0].marks))
    height = flow.paper[1]
    top, bottom, left, right = WINDOW_BAND
    top, bottom = height - top - offset[1], height - bottom - offset[1]
    left, right = left + offset[0], right + offset[0]
    page.marks += [(left, top, right, top), (right, top, right, bottom),
                   (right, bottom, left, bottom), (left, bottom, left, top)]  # fmt: skip
    y = height - FOLD - INCH
    for paragraph in words:
        for line, gap in break_lines(paragraph, flow.right - flow.left, type_.measure(11)):
            page.margins.append(_Line(flow.left, y, line, 11, gap + "\n"))
            y -= 14
        y -= 10
    return _draw([page], type_, letter)


# --- drawing ----------------------------------------------------------------------------------


def _draw(pages: list[_Page], type_: Typeface, letter: Letter) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=pages[0].size,
        invariant=True,
        lang=letter.language,
        initialFontName=type_.main,
    )
    stamp = pdf_date(letter.moment)
    canvas.setDateFormatter(lambda *_: stamp)
    canvas.setTitle(letter.subject)
    canvas.setSubject(letter.title or letter.subject)
    canvas.setAuthor(letter.sender.name)
    canvas.setCreator("letters")
    for page in pages:
        canvas.setPageSize(page.size)
        canvas.setLineWidth(0.5)
        for x1, y1, x2, y2 in page.marks:
            canvas.line(x1, y1, x2, y2)
        for line in [*page.lines, *page.margins]:
            if not line.text:
                continue
            text = canvas.beginText(line.x, line.y)
            spaces: tuple[float, float] | None = None  # set in this line: words, characters
            for run, font in type_.runs(line.text):
                text.setFont(font, line.size)
                for wide, characters in groupby(run, is_wide):
                    # Only a single-byte font (Times) stretches its spaces: Latin runs are in it.
                    wanted = (line.word_spacing if font == SERIF else 0.0,
                              line.spacing if wide else 0.0)  # fmt: skip
                    if wanted != spaces:  # each operator once, not before every run
                        if spaces is None or wanted[0] != spaces[0]:
                            text.setWordSpace(wanted[0])
                        if spaces is None or wanted[1] != spaces[1]:
                            text.setCharSpace(wanted[1])
                        spaces = wanted
                    text.textOut("".join(characters))
            canvas.drawText(text)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def pdf_date(moment: datetime) -> str:
    """Write a time as a PDF date string: `D:20261124090000-08'00'`."""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds()) // 60 if offset else 0
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return moment.strftime("D:%Y%m%d%H%M%S") + f"{sign}{hours:02d}'{minutes:02d}'"


_CLOCK = threading.Lock()


@contextlib.contextmanager
def reportlab_clock() -> Iterator[None]:
    """Hide SOURCE_DATE_EPOCH from reportlab while a PDF is made.

    reportlab seeds each PDF's /ID from it. The date a document carries is decided before
    (an explicit --date beats SOURCE_DATE_EPOCH), and the same document must give the same
    bytes whatever the environment holds.
    """
    with _CLOCK:
        saved = os.environ.pop("SOURCE_DATE_EPOCH", None)
        try:
            yield
        finally:
            if saved is not None:
                os.environ["SOURCE_DATE_EPOCH"] = saved
