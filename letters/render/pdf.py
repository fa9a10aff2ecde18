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
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from itertools import groupby
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from letters import i18n
from letters.case import Case
from letters.content import DOCUMENT_TIME, Letter, check_fidelity, is_wide
from letters.errors import InputError
from letters.i18n import _
from letters.render import fonts, postal

INCH = 72.0
PAPERS = {"letter": (8.5 * INCH, 11 * INCH), "a4": (595.2756, 841.8898)}
ENVELOPES = ("plain", "window")
MARGIN = INCH
ENVELOPE_10 = (9.5 * INCH, 4.125 * INCH)
# The part of a US Letter page folded in three that always shows through the window of a #10
# envelope, however the insert slides (DOMAIN.md): top, bottom, left, right from the top left.
WINDOW_BAND = (2.6 * INCH, 3.0 * INCH, 1.0 * INCH, 4.25 * INCH)
WINDOW_TOP = 0.5 * INCH  # top margin of page 1 in the window layout, to leave room above
SERIF = "Times-Roman"

# A line may not start with closing punctuation, nor end with opening punctuation.
NO_START = frozenset("。．，、；：！？）］｝〕〉》」』】〙〗〟’”…‥・·%％‰℃°!),.:;?]}")
NO_END = frozenset("（［｛〔〈《「『【〘〖〝‘“([{$￥＄¥£")
# Phone numbers as letters print them: (415) 555-0188, +86 139 1234 5678.
_CHINESE_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")  # 2026年12月1日 stays on one line
_PHONE = re.compile(r"\(\d{3}\) \d{3}-\d{4}|\+\d{1,3}(?: \d{1,5})+")
MAX_SPACING = 1.0  # points between characters of a justified line
_EPSILON = 0.001


@dataclass(frozen=True)
class PdfResult:
    """A rendered PDF and what the user should know about it."""

    data: bytes
    notes: tuple[str, ...] = ()


def render_pdf(
    case: Case,
    letter: Letter,
    *,
    paper: str = "letter",
    font: Path | None = None,
    envelope: str | None = "plain",
) -> PdfResult:
    """Lay out a letter as a PDF, with a #10 envelope page or for a window envelope."""
    if paper not in PAPERS:
        raise InputError(_("unknown paper size: {paper} — use letter or a4").format(paper=paper))
    if envelope not in (*ENVELOPES, None):
        raise InputError(
            _("unknown envelope: {envelope} — use plain, window or none").format(envelope=envelope)
        )
    if envelope == "window" and paper != "letter":
        raise InputError(_("the window layout is for US Letter paper in a #10 envelope"))
    parts = postal.addresses(case, letter)
    if envelope == "window" and letter.recipient.address is None:
        raise InputError(_("the recipient has no postal address to show in an envelope window"))
    notes = []
    if envelope == "plain" and letter.recipient.address is None:
        notes.append(_("No envelope page: the recipient has no postal address."))
        envelope = None
    type_, note = _typeface(letter.language, _every_text(letter, parts), font, case.language)
    notes += [note] if note else []
    flow = _Flow(type_, PAPERS[paper], _unbreakable(case))
    flow.letter(_groups(letter, parts), window=envelope == "window")
    pages = flow.numbered(letter.language)
    if envelope == "plain":
        pages.append(_envelope(parts, type_, flow.keep))
    text = "".join(line.text + line.joiner for page in pages for line in page.lines)
    check_fidelity(text, postal.printed_values(case, letter), ".pdf")
    with reportlab_clock():
        return PdfResult(_draw(pages, type_, case, letter), tuple(notes))


# --- line breaking ----------------------------------------------------------------------------


def break_lines(
    text: str,
    width: float,
    measure: Callable[[str], float],
    indent: float = 0.0,
    keep: Iterable[str] = (),
) -> list[tuple[str, str]]:
    """Break text into lines no wider than `width`; return (line, the space broken at) pairs.

    Breaks go at spaces, and between Chinese characters except before closing or after
    opening punctuation. Runs of Latin letters and digits, phone numbers, digit groups
    (9407 1118 …) and the `keep` strings stay on one line; only a word wider than a whole
    line is cut. Joining every line with its space gives back `text` exactly.
    """
    lines: list[tuple[str, str]] = []
    line = gap = ""
    used = 0.0
    room = width - indent
    for word, space in _units(text, _glued(text, keep)):
        size = measure(word)
        if line or gap:
            extra = measure(gap) + size
            if used + extra <= room + _EPSILON:
                line, used, gap = line + gap + word, used + extra, space
                continue
            lines.append((line, gap))
            room = width
        while size > room + _EPSILON and len(word) > 1:
            cut = _cut(word, room, measure)
            lines.append((word[:cut], ""))
            word, room = word[cut:], width
            size = measure(word)
        line, used, gap = word, size, space
    lines.append((line, gap))
    return lines


def _units(text: str, glued: set[int]) -> list[tuple[str, str]]:
    """Split text at every place a line may break: (word, the spaces after it) pairs."""
    units = []
    start = 0
    visible = ""  # the last character before any spaces
    for end in range(1, len(text) + 1):
        before = text[end - 1]
        visible = before if before != " " else visible
        if end == len(text) or (end not in glued and _may_break(before, text[end], visible)):
            chunk = text[start:end]
            word = chunk.rstrip(" ")
            units.append((word, chunk[len(word) :]))
            start = end
    return units


def _may_break(before: str, after: str, visible: str) -> bool:
    if after == " " or after in NO_START or visible in NO_END:
        return False
    return before == " " or is_wide(before) or is_wide(after)


def _glued(text: str, keep: Iterable[str]) -> set[int]:
    """Return the positions inside phone numbers, dates, digit groups and `keep` strings."""
    spans = [match.span() for match in _PHONE.finditer(text)]
    spans += [match.span() for match in _CHINESE_DATE.finditer(text)]
    spans += [match.span() for match in re.finditer(r"\d(?: \d)+", text)]
    for value in keep:
        start = text.find(value)
        while value and start >= 0:
            spans.append((start, start + len(value)))
            start = text.find(value, start + 1)
    return {position for start, end in spans for position in range(start + 1, end)}


def _cut(word: str, room: float, measure: Callable[[str], float]) -> int:
    """Return how many characters of an over-long word fit in `room` (at least one)."""
    used = 0.0
    count = 0
    for char in word:
        used += measure(char)
        if used > room + _EPSILON:
            break
        count += 1
    count = max(count, 1)
    if 1 < count < len(word) and word[count] in NO_START:
        count -= 1
    return count


# --- fonts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Type:
    """The fonts of a letter: one for its text, and one for characters that font lacks."""

    main: str
    fallback: str | None = None

    def runs(self, text: str) -> list[tuple[str, str]]:
        """Split text into (text, font) runs."""
        if self.fallback is None:
            return [(text, self.main)]
        runs: list[tuple[str, str]] = []
        for char in text:
            font = self.main if _in_core_font(char) else self.fallback
            if runs and runs[-1][1] == font:
                runs[-1] = (runs[-1][0] + char, font)
            else:
                runs.append((char, font))
        return runs

    def width(self, text: str, size: float) -> float:
        """Return the width of text in points."""
        return size * sum(
            sum(map(_advances(font).__getitem__, run)) for run, font in self.runs(text)
        )

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


@cache
def _in_core_font(char: str) -> bool:
    # Times-Roman prints the Windows-1252 repertoire; anything else needs another font.
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _typeface(language: str, text: str, path: Path | None, case_language: str) -> tuple[_Type, str]:
    """Choose the fonts for a letter; return them and a note for the user, if any."""
    if language == "en":
        foreign = "".join(sorted({char for char in text if not _in_core_font(char)}))
        if not foreign and path is None:
            return _Type(SERIF), ""
        # Chinese in an English letter is most likely in the script of the case's language.
        script = "zh-TW" if case_language == "zh-TW" else "zh-CN"
        chosen = fonts.choose(foreign, script, path)
        type_ = _Type(SERIF, chosen.name)
    else:
        chosen = fonts.choose(text, language, path)
        type_ = _Type(chosen.name)
    if chosen.embedded:
        return type_, ""
    return type_, _(
        "No TrueType Chinese font was found on this computer, so the PDF uses the built-in "
        "font {font}, which is not embedded: it shows correctly where the PDF reader has "
        "Chinese fonts. Install one (for example WenQuanYi Micro Hei) or name one with --font."
    ).format(font=chosen.name)


# --- what goes on the page --------------------------------------------------------------------


def _every_text(letter: Letter, parts: postal.Addresses) -> str:
    """Return every character the PDF may print, for choosing a font that has them all."""
    labels = [
        postal.PAGE_LABEL[letter.language],
        postal.enclosures_heading(len(letter.enclosures), letter.language),
        i18n.format_date(letter.date, letter.language),
        "0123456789",
    ]
    return "\n".join(
        [*parts.sender, *parts.recipient, *parts.return_address, *labels,
         *postal.printed_lines(letter).values()]
    )  # fmt: skip


def _unbreakable(case: Case) -> tuple[str, ...]:
    """Return the case's identifiers that have spaces inside, which must stay on one line."""
    values = [
        case.account.number,
        case.account.iccid,
        case.delivery.certified_mail,
        *(event.reference for event in case.events),
    ]
    return tuple(value for value in values if value and " " in value)


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
    with_previous: bool = False  # on a new page, the last lines before it come along


@dataclass(frozen=True)
class _Line:
    """A line as drawn: baseline position, text, and what joins it to the next line."""

    x: float
    y: float
    text: str
    size: float
    joiner: str
    spacing: float = 0.0  # added after each Chinese character, to justify the line


@dataclass
class _Page:
    size: tuple[float, float]
    lines: list[_Line] = field(default_factory=list)
    footer: _Line | None = None  # the page number, outside the text


def _groups(letter: Letter, parts: postal.Addresses) -> list[_Group]:
    """Return the letter as groups of texts in reading order."""
    chinese = letter.language != "en"
    size = 12.0 if chinese else 11.0
    leading = size * (1.5 if chinese else 1.25)

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
        return [_Group((title,)), *(block([p], keep=False) for p in letter.paragraphs)]
    groups = [block(parts.sender)]
    if not chinese:
        groups.append(block([i18n.format_date(letter.date, "en")]))
    if letter.delivery:
        groups.append(block(letter.delivery, after=0 if chinese else leading))
    groups.append(replace(block(parts.recipient), address=True))
    if chinese and letter.title:
        title = _Text(letter.title, size * 4 / 3, leading * 4 / 3, align="centre", after=leading)
        groups.append(_Group((title,)))
    if letter.reference:
        groups.append(block(letter.reference, after=leading / 2 if chinese else leading))
    if letter.salutation:  # the FCC complaint, pasted into a form, has none
        groups.append(block([letter.salutation], after=0 if chinese else leading))
    for paragraph in letter.paragraphs:
        if chinese:
            groups.append(
                block([paragraph], leading / 4, keep=False, indent=2 * size, align="justified")
            )
        else:
            groups.append(block([paragraph], keep=False))
    # The closing and signature stay together, never a signature alone on the last page.
    if chinese:
        closing = [_Text(line, size, leading, indent=2 * size * (n == 0))
                   for n, line in enumerate(letter.closing)]  # fmt: skip
        signature = [_Text(line, size, leading, align="right") for line in letter.signature]
        space = leading
    else:
        closing = [_Text(line, size, leading) for line in letter.closing]
        signature = [_Text(line, size, leading) for line in letter.signature]
        space = 4 * leading  # room to sign
    if closing:
        closing[-1] = replace(closing[-1], after=space)
    if signature and letter.enclosures:
        signature[-1] = replace(signature[-1], after=leading)
    groups.append(_Group((*closing, *signature), with_previous=True))
    if letter.enclosures:
        heading = postal.enclosures_heading(len(letter.enclosures), letter.language)
        groups.append(block([heading, *letter.enclosures], after=0))
    return groups


class _Flow:
    """Places groups of text down the pages, breaking lines and pages."""

    def __init__(self, type_: _Type, paper: tuple[float, float], keep: tuple[str, ...]) -> None:
        self.type = type_
        self.paper = paper
        self.keep = keep
        self.left, self.right = MARGIN, paper[0] - MARGIN
        self.pages: list[_Page] = []
        self.new_page()

    def new_page(self) -> None:
        self.pages.append(_Page(self.paper))
        self.y = self.paper[1] - MARGIN  # top of the next line

    def letter(self, groups: list[_Group], window: bool) -> None:
        """Lay out the letter; with `window`, the recipient's address goes in the window band."""
        if window:
            # Room above the window: the top panel of the folded page is inside the envelope.
            self.y = self.paper[1] - WINDOW_TOP
            at = next(n for n, group in enumerate(groups) if group.address)
            band_top = self.paper[1] - WINDOW_BAND[0]
            later = []
            for group in groups[:at]:
                clearance = group.texts[-1].leading
                if self.y - self.height(group) - clearance >= band_top:
                    self.place(group)
                else:
                    later.append(group)  # would reach into the window: goes below it
            self.place_in_window(groups[at])
            groups = later + groups[at + 1 :]
        for group, following in zip(groups, [*groups[1:], None], strict=True):
            reserve = self.height(following) if following and following.with_previous else 0.0
            self.place(group, reserve)

    def wrap(self, text: _Text) -> list[tuple[str, str]]:
        measure = self.type.measure(text.size)
        return break_lines(text.text, self.right - self.left, measure, text.indent, self.keep)

    def height(self, group: _Group) -> float:
        """Return the height of a group's lines, without the space below the last."""
        return _height([(text, self.wrap(text)) for text in group.texts])

    def place(self, group: _Group, reserve: float = 0.0) -> None:
        """Place a group; `reserve` is the room the group after it needs on the same page."""
        bottom = MARGIN - _EPSILON
        wrapped = [(text, self.wrap(text)) for text in group.texts]
        height = _height(wrapped)
        fits_a_page = height <= self.paper[1] - 2 * MARGIN
        if group.keep and fits_a_page and self.y - height < bottom and self.pages[-1].lines:
            self.new_page()
        for text, lines in wrapped:
            need = reserve if text is wrapped[-1][0] else 0.0
            turn = self.turn(len(lines), text, need)
            for number, (line, gap) in enumerate(lines):
                if (number == turn or self.y - text.leading < bottom) and self.pages[-1].lines:
                    self.new_page()
                last = number == len(lines) - 1
                left = self.left + (text.indent if number == 0 else 0.0)
                width = self.type.width(line, text.size)
                x = _aligned(text.align, left, self.right, width)
                spacing = 0.0
                if text.align == "justified" and not last:
                    spacing = _spacing(self.right - left - width, line)
                joiner = gap + "\n" if last else gap
                self.pages[-1].lines.append(
                    _Line(x, self.y - text.size, line, text.size, joiner, spacing)
                )
                self.y -= text.leading
            self.y -= text.after

    def turn(self, count: int, text: _Text, reserve: float) -> int | None:
        """Return the line of a text that should start a new page, if the rules want one.

        No single first line at the foot of a page (it goes over with the rest), no single
        last line at the top of the next (one more goes with it), and the two last lines go
        over with what follows when that does not fit after them.
        """
        fit = int((self.y - MARGIN) / text.leading + _EPSILON)
        if fit >= count:
            room = self.y - MARGIN - count * text.leading - text.after
            return max(count - 2, 0) if reserve > room + _EPSILON else None
        if fit == 1:
            return 0
        return fit - 1 if count - fit == 1 and fit >= 3 else None

    def place_in_window(self, group: _Group) -> None:
        """Set the recipient's address inside the window band, as large as fits (10–8 pt)."""
        top, bottom, left, right = WINDOW_BAND
        height = bottom - top
        texts = [text.text for text in group.texts]
        for size in (10.0, 9.5, 9.0, 8.5, 8.0):
            lines, ascent, descent, leading = _set(texts, self.type, size, right - left, self.keep)
            block = ascent + leading * (len(lines) - 1) + descent
            if block <= height:
                first = self.paper[1] - top - (height - block) / 2 - ascent  # centred
                self.pages[-1].lines += [
                    _Line(left, first - leading * n, line, size, joiner)
                    for n, (line, joiner) in enumerate(lines)
                ]
                self.y = min(self.y, self.paper[1] - bottom - group.texts[-1].after)
                return
        raise InputError(
            _(
                "the recipient's address takes {count} lines at 8 pt, more than the window of a "
                "#10 envelope shows (3 lines) — use a plain envelope"
            ).format(count=len(lines))
        )

    def numbered(self, language: str) -> list[_Page]:
        """Return the pages, numbered at the foot when there is more than one."""
        count = len(self.pages)
        if count > 1:
            for number, page in enumerate(self.pages, 1):
                label = postal.page_label(number, count, language)
                width = self.type.width(label, 9)
                x = _aligned("centre", self.left, self.right, width)
                page.footer = _Line(x, MARGIN / 2, label, 9, "\n")
        return self.pages


def _height(wrapped: list[tuple[_Text, list[tuple[str, str]]]]) -> float:
    lines = sum(len(lines) * text.leading for text, lines in wrapped)
    return lines + sum(text.after for text, _lines in wrapped[:-1])


def _set(
    texts: Sequence[str], type_: _Type, size: float, width: float, keep: tuple[str, ...]
) -> tuple[list[tuple[str, str]], float, float, float]:
    """Break an address block at `size`: its (line, joiner) pairs, ascent, descent, leading."""
    lines = []
    for text in texts:
        broken = break_lines(text, width, type_.measure(size), keep=keep)
        broken[-1] = (broken[-1][0], broken[-1][1] + "\n")
        lines += broken
    ascent, descent = type_.extent(texts, size)
    return lines, ascent, descent, size * 1.1


def _spacing(slack: float, line: str) -> float:
    """Return the space to add after each Chinese character to spread a line over `slack`.

    Latin letters are never spaced out. Up to 1 pt only: wider, the characters drift apart
    and text extraction (copy and paste, pdftotext) reads the gaps as spaces, so such a
    line stays ragged.
    """
    count = sum(map(is_wide, line[:-1]))  # the space after the last character is not seen
    spacing = slack / count if count else 0.0
    return spacing if 0 < spacing <= MAX_SPACING else 0.0


def _aligned(align: str, left: float, right: float, width: float) -> float:
    if align == "right":
        return right - width
    if align == "centre":
        return (left + right - width) / 2
    return left


def _envelope(parts: postal.Addresses, type_: _Type, keep: tuple[str, ...]) -> _Page:
    """Return a #10 envelope: return address top left, recipient's address centre right."""
    width, height = ENVELOPE_10
    page = _Page(ENVELOPE_10)
    lines, ascent, _descent, leading = _set(parts.return_address, type_, 10, 3.5 * INCH, keep)
    top = height - 0.375 * INCH - ascent
    page.lines += [
        _Line(0.375 * INCH, top - leading * n, line, 10, joiner)
        for n, (line, joiner) in enumerate(lines)
    ]
    # USPS reads the address in the area 5/8 in to 2 3/4 in from the bottom, 1/2 in from the
    # sides; the block is centred in it, from 4 in from the left edge.
    low, high, left = 0.625 * INCH, 2.75 * INCH, 4.0 * INCH
    for size in (12.0, 11.0, 10.0, 9.0, 8.0):
        lines, ascent, descent, leading = _set(
            parts.recipient, type_, size, width - 0.5 * INCH - left, keep
        )
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


# --- drawing ----------------------------------------------------------------------------------


def _draw(pages: list[_Page], type_: _Type, case: Case, letter: Letter) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=pages[0].size,
        invariant=True,
        lang=letter.language,
        initialFontName=type_.main,
    )
    stamp = pdf_date(datetime.combine(letter.date, DOCUMENT_TIME, tzinfo=case.tz))
    canvas.setDateFormatter(lambda *_: stamp)
    canvas.setTitle(letter.subject)
    canvas.setSubject(letter.title or letter.subject)
    canvas.setAuthor(case.holder.display_name(letter.language))
    canvas.setCreator("letters")
    for page in pages:
        canvas.setPageSize(page.size)
        for line in [*page.lines, *([page.footer] if page.footer else [])]:
            if not line.text:
                continue
            text = canvas.beginText(line.x, line.y)
            for run, font in type_.runs(line.text):
                text.setFont(font, line.size)
                for wide, characters in groupby(run, is_wide):
                    text.setCharSpace(line.spacing if wide else 0.0)
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
