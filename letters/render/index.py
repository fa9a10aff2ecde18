"""Lay out the evidence bundle's index as a PDF a clerk can read: the case, the numbered
exhibits with their checksums, and the timeline with each event's exhibits.

Part of the PDF backend: imports reportlab, so import it only when writing a bundle.
"""

from __future__ import annotations

import functools
import io
import itertools
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.rl_accel import escapePDF
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFArray, PDFName, PDFStream, PDFZCompress
from reportlab.pdfgen.canvas import Canvas

from letters import i18n, identifiers, labels
from letters.bundle import BundleIndex
from letters.case import Case
from letters.cjk import break_lines, glued, units
from letters.content import document_moment, holder_name
from letters.render import fonts
from letters.render.pdf import CHINESE_MARKS, Typeface, pdf_date, reportlab_clock

Row = list[list["_Text"]]  # each cell: its texts, one under the other
Lines = list[tuple["_Text", str]]  # a cell's or a block's lines, each with the text it is of
PAGE_WIDTH, PAGE_HEIGHT = LETTER
MARGIN = 0.75 * inch
WIDTH = PAGE_WIDTH - 2 * MARGIN  # between the 3/4 in margins
TOP, BOTTOM = PAGE_HEIGHT - MARGIN, MARGIN
PADDING = 4.0  # inside each table cell, left and right
ABOVE, BELOW = 1.0, 2.0  # inside each table cell, above and below its text
RULE = 0.25  # the width of the table's lines
BODY, SMALL = (9.0, 12.0), (7.0, 9.0)  # size and line pitch
TITLE, HEADING = (16.0, 20.0), (12.0, 16.0)
FOOTER = (8.0, 10.0)  # the line at the foot of every page: the bundle, and the page number
KEEP = 3  # lines of a table's first row kept on the page of its section heading
EPSILON = 0.001
MISSING = 0x25A1  # □, which Chinese print puts for a character it has no type for
_PAGES = "pages"  # the form that draws the number of pages, known only once all are drawn


# What each built-in Chinese font has type for: the characters of its code page.
_CODE_PAGES = {"zh-CN": "gbk", "zh-TW": "cp950"}


def _in_code_page(char: str, code_page: str) -> bool:
    try:
        char.encode(code_page)
    except UnicodeEncodeError:
        return False
    return True


class _Printable(dict[int, int]):
    """What the index prints for each character: itself, or a stand-in the fonts have.

    Text that reaches the index only in its CSV and JSON twins, never printed: a narrow no-break
    space (Babel puts one in `2:30 PM`) is not in the standard fonts, and a character neither
    Helvetica nor either built-in Chinese font has (`𠮷`, past U+FFFF, which they could not
    even encode: it would print as two wrong glyphs, wider than measured, over the next column).
    """

    def __missing__(self, code: int) -> int:
        char = chr(code)
        known = code <= 0xFFFF and any(
            _in_code_page(char, page) for page in ("cp1252", *_CODE_PAGES.values())
        )
        self[code] = printed = code if known else MISSING
        return printed


PRINTABLE = _Printable({0x202F: 0x00A0})


def render_index(case: Case, index: BundleIndex, language: str) -> bytes:
    """Lay out the bundle index as a PDF in `language`.

    Lines are broken as in the letters: never inside a word, a date, an identifier or a
    number, and never before closing punctuation. Latin text is set in Helvetica and Chinese
    in reportlab's built-in Chinese font; neither is a file on this computer, so the same
    case and evidence give the same index, and the same bundle, on any computer.

    The rows are laid out and drawn one at a time, page after page, so the time taken grows
    with the number of rows and the memory used does not.
    """
    words = labels.index_words(language)
    face = _typeface(language)

    def text(
        value: str, size: tuple[float, float] = BODY, align: str = "left", whole: bool = False
    ) -> _Text:
        keep = (value,) if whole else ()  # a column heading (`编|号`), a size (`1,828 | B`)
        return _Text(
            value if value.isascii() else value.translate(PRINTABLE), face, size, align, keep
        )

    def headings(*keys: str) -> Row:
        return [[text(words[key], whole=True)] for key in keys]

    stamp = pdf_date(document_moment(index.bagging_date, case.tz))
    with reportlab_clock():
        # Never saved to the file it is given: `getpdfdata` returns the bytes without a copy.
        canvas = Canvas(
            io.BytesIO(), pagesize=LETTER, invariant=1, pageCompression=1, lang=language
        )
        canvas.setDateFormatter(lambda *_: stamp)  # the bundle's date, so the same bytes
        canvas.setTitle(words["title"])
        canvas.setAuthor(case.holder.name)
        canvas.setSubject(index.name)
        canvas.setCreator("letters")
        canvas.setPageCallBack(lambda _number: _pack(canvas))
        lead, _pages, tail = labels.word(labels.PAGE, language).partition("{pages}")
        sheet = _Sheet(canvas, _Ink(canvas, face), text(index.name, FOOTER), lead)
        sheet.block([text(words["title"], TITLE, "centre")])
        sheet.space(8)
        sheet.table(text(words["case"], HEADING), None, lambda: (
            [[text(label)], [text(value)]] for label, value in _summary(case, index, language)
        ))  # fmt: skip
        if index.exhibits:
            sheet.table(text(words["exhibits"], HEADING),
                        headings("number", "file", "type", "size", "day"), lambda: (
                [[text(number)], [text(path), text(digest, SMALL)], [text(kind)],
                 [text(size, whole=True)], [text(day)]]
                for number, path, kind, size, day, digest in _exhibits(index, language)
            ))  # fmt: skip
        else:
            sheet.section(text(words["exhibits"], HEADING), [text(words["none"])])
        if index.timeline:
            keys = ("number", "when", "channel", "party", "reference", "summary", "cited")
            timeline = _timeline(case, index, language)
            sheet.table(text(words["timeline"], HEADING), headings(*keys), lambda: (
                [[text(value)] for value in row] for row in timeline()
            ))  # fmt: skip
        if index.documents:
            sheet.table(text(words["documents"], HEADING), None, lambda: (
                [[text(name)], [text(digest, SMALL)]] for name, digest in _documents(index)
            ))  # fmt: skip
        sheet.space(10)
        sheet.block([text(words["note"])])
        sheet.turn()
        canvas.beginForm(_PAGES, 0, -FOOTER[0], WIDTH, FOOTER[1])
        canvas.addLiteral(sheet.ink.line(f"{sheet.pages}{tail}", 0, 0, FOOTER[0]))
        canvas.endForm()
        data = canvas.getpdfdata()
        # The page callback holds the canvas, and with it every page: let them go now
        # rather than at the next garbage collection, while the bundle is still being written.
        canvas.setPageCallBack(None)
        return data


def _typeface(language: str) -> _Face:
    """Return Helvetica for Latin text, and reportlab's built-in Chinese font for the rest.

    The built-in font is the same on every computer; its glyphs come from the PDF reader.
    The CSV and JSON beside the index carry every text exactly.
    """
    own = "zh-TW" if language == "zh-TW" else "zh-CN"
    marks = CHINESE_MARKS if language != "en" else frozenset()
    return _Face(Typeface("Helvetica", fonts.builtin(own).name, marks), _Chinese(own))


class _Chinese(dict[str, str]):
    """The built-in Chinese font each character is printed in: the one of the index's own
    script when it has the character, else the other's (a Simplified file name in a
    Traditional index: `微信截图`)."""

    def __init__(self, own: str) -> None:
        super().__init__()
        self.own = own
        self.other = "zh-CN" if own == "zh-TW" else "zh-TW"

    def __missing__(self, char: str) -> str:
        # The other script's font is loaded only for a character that needs it: its metrics
        # are megabytes.
        script = self.own
        if not _in_code_page(char, _CODE_PAGES[script]) and _in_code_page(
            char, _CODE_PAGES[self.other]
        ):
            script = self.other
        self[char] = font = fonts.builtin(script).name
        return font

    def runs(self, typeface: Typeface, text: str) -> list[tuple[str, str]]:
        """Split text into (text, font) runs, as the typeface does, each Chinese run in the
        fonts that have its characters."""
        return [
            ("".join(part), chinese)
            for run, font in typeface.runs(text)
            for chinese, part in (
                itertools.groupby(run, self.__getitem__)
                if font == typeface.fallback
                else [(font, run)]
            )
        ]


class _Face(dict[str, float]):
    """A typeface's advance widths at 1 pt, each character's looked up once.

    The index measures every word of thousands of rows: one look-up a character, where
    `Typeface.width` first splits the text into runs of one font.
    """

    def __init__(self, typeface: Typeface, chinese: _Chinese) -> None:
        super().__init__()
        self.typeface = typeface
        self.chinese = chinese

    def __missing__(self, char: str) -> float:
        [(_char, font)] = self.chinese.runs(self.typeface, char)
        self[char] = width = pdfmetrics.stringWidth(char, font, 1.0)
        return width

    def width(self, text: str, size: float) -> float:
        return size * sum(map(self.__getitem__, text))

    def measure(self, size: float) -> Callable[[str], float]:
        return lambda text: size * sum(map(self.__getitem__, text))


class _Text:
    """A text of the index, broken into lines for the width it is given."""

    def __init__(
        self,
        text: str,
        face: _Face,
        size: tuple[float, float],
        align: str = "left",
        keep: tuple[str, ...] = (),
    ) -> None:
        self.text, self.face, self.align, self.keep = text, face, align, keep
        self.size, self.pitch = size

    def lines(self, width: float) -> list[str]:
        measure = self.face.measure(self.size)
        return [line for part in self.text.split("\n")
                for line, _gap in break_lines(part, width, measure, keep=self.keep)]  # fmt: skip

    def narrowest(self) -> float:
        """Return the width of its widest unbreakable piece: narrower, a word would be cut."""
        measure = self.face.measure(self.size)
        return max((measure(word) for part in self.text.split("\n")
                    for word, _ in units(part, glued(part, self.keep))), default=0.0)  # fmt: skip

    def widest(self) -> float:
        return max(self.face.width(part, self.size) for part in self.text.split("\n"))


class _Sheet:
    """The pages of the index, filled from the top down and drawn as they fill.

    At the foot of each page: the bundle's name, and `Page 2 of 5`, whose number of pages
    is a form drawn once the last page is done (`_PAGES`); `lead` is what comes before it.
    """

    def __init__(self, canvas: Canvas, ink: _Ink, name: _Text, lead: str) -> None:
        self.canvas = canvas
        self.ink = ink
        self.name = name
        self.lead = lead
        self.pages = 0  # finished
        self.y = TOP  # where the next thing goes

    @property
    def fresh(self) -> bool:
        return self.y >= TOP

    def room(self) -> float:
        return self.y - BOTTOM

    def turn(self) -> None:
        """Finish the page, with its foot, and start the next."""
        self.pages += 1
        canvas, size = self.canvas, FOOTER[0]
        y = BOTTOM / 2
        lead = self.lead.format(page=self.pages)
        if self.name.widest() <= WIDTH / 2:  # a longer name is in the case table only
            x = MARGIN + WIDTH - self.name.widest()
            canvas.addLiteral(self.ink.line(self.name.text, x, y, size))
        canvas.addLiteral(self.ink.line(lead, MARGIN, y, size))
        canvas.saveState()
        canvas.translate(MARGIN + self.name.face.width(lead, size), y)
        canvas.doForm(_PAGES)
        canvas.restoreState()
        canvas.showPage()
        self.y = TOP

    def space(self, height: float) -> None:
        """Leave a gap, unless at the top of a page: a page never opens with one."""
        if not self.fresh:
            self.y = max(self.y - height, BOTTOM)

    def keep(self, height: float) -> None:
        """Go on to the next page unless `height` fits on this one (or on none)."""
        if height > self.room() + EPSILON and not self.fresh and height <= TOP - BOTTOM:
            self.turn()

    def block(self, texts: list[_Text], after: float = 0.0) -> None:
        """Draw texts across the page, together with `after` points of what follows."""
        lines = _lay(texts, WIDTH)
        self.keep(_height(lines) + after)
        for text, line in lines:  # a text longer than a page goes on to the next
            if text.pitch > self.room() + EPSILON:
                self.turn()
            self.y -= text.pitch
            self.canvas.addLiteral(self.ink.place(text, line, MARGIN, WIDTH, self.y))

    def section(self, heading: _Text, texts: list[_Text]) -> None:
        self.space(8)
        self.block([heading], 2 + _height(_lay(texts, WIDTH)))
        self.space(2)
        self.block(texts)

    def table(self, heading: _Text, header: Row | None, rows: Callable[[], Iterable[Row]]) -> None:
        """Draw a section: its heading and its table, kept with the table's first lines.

        `rows` gives the rows twice: once to size the columns, once to draw them.
        """
        table = _Table(self, _widths(header, rows()), header)
        laid = (table.lay(row) for row in rows())
        first = next(laid)
        self.space(8)
        self.keep(heading.pitch + 2 + table.head + _start(first))
        self.block([heading])
        self.space(2)
        table.add(first)
        for cells in laid:
            table.add(cells)
        table.close()


class _Table:
    """A table drawn row by row, its heading row repeated on every page it runs onto.

    Only the rows of the page being drawn are kept: the positions of their rules.
    """

    def __init__(self, sheet: _Sheet, widths: list[float], header: Row | None) -> None:
        self.sheet = sheet
        self.widths = widths
        self.edges = [MARGIN]
        for width in widths:
            self.edges.append(self.edges[-1] + width + 2 * PADDING)
        self.header = self.lay(header) if header else None
        self.head = _row_height(self.header) if self.header else 0.0
        self.top: float | None = None  # the top of the table on this page
        self.rules: list[float] = []  # the bottom of each row on this page
        self.filled = False

    def lay(self, row: Row) -> list[Lines]:
        return [_lay(texts, width) for texts, width in zip(row, self.widths, strict=True)]

    def add(self, cells: list[Lines]) -> None:
        """Draw a row, on the next page if it fits there whole and not here."""
        sheet = self.sheet
        if self.top is None:
            self._open()
        whole = _row_height(cells)
        if (
            whole > sheet.room() + EPSILON
            and self.filled
            and (whole <= TOP - BOTTOM - self.head or sheet.room() < _start(cells))
        ):
            self._turn()
        while True:  # a row taller than a page goes on on the next, below the headings
            room = sheet.room() - ABOVE - BELOW
            parts = [_fitting(lines, room) for lines in cells]
            if not any(parts) and self.filled:
                self._turn()
                continue
            if not any(parts):  # below the headings of a page a line always fits: never loop
                parts = [lines[:1] for lines in cells]
            self._draw_row(parts, shade=False)
            self.filled = True
            cells = [lines[len(part) :] for lines, part in zip(cells, parts, strict=True)]
            if not any(cells):
                return
            self._turn()

    def close(self) -> None:
        """Rule the table's rows on this page."""
        if self.top is None or not self.rules:
            return
        canvas = self.sheet.canvas
        canvas.setStrokeColor(colors.grey)
        canvas.setLineWidth(RULE)
        left, right, bottom = self.edges[0], self.edges[-1], self.rules[-1]
        across = [f"{left:.3f} {y:.3f} m {right:.3f} {y:.3f} l" for y in (self.top, *self.rules)]
        down = [f"{x:.3f} {self.top:.3f} m {x:.3f} {bottom:.3f} l" for x in self.edges]
        canvas.addLiteral(" ".join([*across, *down, "S"]))
        self.top, self.rules = None, []

    def _open(self) -> None:
        self.top = self.sheet.y
        self.rules = []
        self.filled = False  # whether a row is drawn below the headings on this page
        if self.header:
            self._draw_row(self.header, shade=True)

    def _turn(self) -> None:
        self.close()
        self.sheet.turn()
        self._open()

    def _draw_row(self, cells: list[Lines], shade: bool) -> None:
        sheet, canvas = self.sheet, self.sheet.canvas
        height = _row_height(cells)
        if shade:
            canvas.setFillColor(colors.whitesmoke)
            canvas.rect(MARGIN, sheet.y - height, self.edges[-1] - MARGIN, height, stroke=0, fill=1)
            canvas.setFillColor(colors.black)
        drawn = []  # the row's lines, handed to the page at once
        for lines, left, width in zip(cells, self.edges, self.widths, strict=False):
            y = sheet.y - ABOVE
            for text, line in lines:
                y -= text.pitch
                drawn.append(sheet.ink.place(text, line, left + PADDING, width, y))
        canvas.addLiteral(" ".join(drawn))
        sheet.y -= height
        self.rules.append(sheet.y)


def _pack(canvas: Canvas) -> None:
    """Compress the page just finished now, not when the document is saved.

    reportlab keeps every page's drawing as text until then: 17 MB for 10,000 events. The
    streams are deflated but not also ASCII-encoded, as reportlab does by default: a PDF
    holds binary streams as well, and the index is a fifth smaller and quicker to write.
    """
    page = canvas._doc.Pages.pages[-1]
    packed = PDFStream(content=PDFZCompress.encode(page.stream))
    packed.dictionary["Filter"] = PDFArray([PDFName(PDFZCompress.pdfname)])
    packed.__Comment__ = "page stream"
    page.Contents = packed
    page.stream = None


def _lay(texts: list[_Text], width: float) -> Lines:
    return [(text, line) for text in texts for line in text.lines(width)]


def _height(lines: Lines) -> float:
    return sum(text.pitch for text, _line in lines)


def _row_height(cells: list[Lines]) -> float:
    return max(_height(lines) for lines in cells) + ABOVE + BELOW


def _start(cells: list[Lines]) -> float:
    """Return the height of a row, or of its first lines if it is taller than half a page."""
    whole = _row_height(cells)
    return whole if whole <= (TOP - BOTTOM) / 2 else _row_height([c[:KEEP] for c in cells])


def _fitting(lines: Lines, room: float) -> Lines:
    """Return the first of the lines that fit in `room` points."""
    used = 0.0
    for count, (text, _line) in enumerate(lines):
        used += text.pitch
        if used > room + EPSILON:
            return lines[:count]
    return lines


class _Ink:
    """Lines of text written straight into the page as PDF operators, one string a line.

    reportlab's text objects format every number and encode every run of every line through
    several layers; the index draws hundreds of thousands of lines. The encoding is still
    reportlab's, looked up once per character: the fonts of the index are Helvetica and a
    built-in Chinese font, neither of which is subset, so a character's code never changes.
    """

    def __init__(self, canvas: Canvas, face: _Face) -> None:
        self.canvas = canvas
        self.face = face
        self.fonts: dict[str, tuple[str, _Codes]] = {}  # font → its resource name (/F1), codes
        for font in filter(None, (face.typeface.main, face.typeface.fallback)):
            self._font(font)

    def _font(self, font: str) -> tuple[str, _Codes]:
        """Return a font's name in the pages' resources and its codes; the first time, put it
        in the document (the other script's Chinese font only when a character needs it)."""
        known = self.fonts.get(font)
        if known is None:
            name = self.canvas._doc.getInternalFontName(font)
            known = self.fonts[font] = (name, _Codes(pdfmetrics.getFont(font)))
        return known

    def place(self, text: _Text, line: str, left: float, width: float, y: float) -> str:
        """Return the operators drawing a line of a text in the box of its line pitch whose
        bottom is at `y`."""
        size = text.size
        x = left + ((width - text.face.width(line, size)) / 2 if text.align == "centre" else 0.0)
        return self.line(line, x, y + (text.pitch - size) / 2 + size * 0.2, size)

    def line(self, line: str, x: float, y: float, size: float) -> str:
        """Return the operators drawing one line with its left end of baseline at (x, y)."""
        shown = []
        for run, font in self.face.chinese.runs(self.face.typeface, line):
            name, codes = self._font(font)
            shown.append(f"{name} {size:g} Tf ({''.join(map(codes.__getitem__, run))}) Tj")
        return f"BT {x:.3f} {y:.3f} Td {' '.join(shown)} ET"


class _Codes(dict[str, str]):
    """A font's code for each character, as a PDF string literal holds it."""

    def __init__(self, font: pdfmetrics.Font) -> None:
        super().__init__()
        self.font = font

    def __missing__(self, char: str) -> str:
        if self.font._multiByte:  # a CID font encodes by itself, escapes included
            code = self.font.formatForPdf(char)
        else:
            [(_font, data)] = pdfmetrics.unicode2T1(char, [self.font])
            code = escapePDF(data)
        self[char] = code
        return code


def _summary(case: Case, index: BundleIndex, language: str) -> list[tuple[str, str]]:
    words = labels.index_words(language)
    account = case.account
    summary = [
        (words["holder"], holder_name(case, language)),
        (words["carrier"], account.carrier),
        (words["account"], account.number),
    ]
    if account.phone:
        summary.append((words["phone"], identifiers.format_phone(account.phone)))
    summary += [(words["bundle"], index.name),
                (words["date"], i18n.format_date(index.bagging_date, language))]  # fmt: skip
    return summary


def _exhibits(index: BundleIndex, language: str) -> Iterator[tuple[str, ...]]:
    # Thousands of exhibits share a few kinds and days: each is put into words once.
    kind_name = functools.cache(lambda kind: labels.evidence_kind(kind, language))
    day_name = functools.cache(lambda day: i18n.format_date(day, language))
    for e in index.exhibits:
        yield (
            str(e.number),
            e.path,
            kind_name(e.kind),
            i18n.format_count(e.size, language) + " B",
            day_name(e.date) if e.date else "",
            "SHA-256 " + e.sha256,
        )


def _timeline(
    case: Case, index: BundleIndex, language: str
) -> Callable[[], Iterator[tuple[str, ...]]]:
    """Return a function giving the timeline's rows (their texts), each time it is called."""
    words = labels.index_words(language)
    # The time with its UTC offset, on a line of its own: records are read in other zones.
    # Formatted once for the two passes over the rows, as Babel takes its time.
    whens = [
        i18n.format_datetime(at.astimezone(case.tz), language, offset=True).replace(" UTC", "\nUTC")
        if isinstance(at, datetime)
        else i18n.format_date(at, language)
        for at in (entry.event.at for entry in index.timeline)
    ]

    def rows() -> Iterator[tuple[str, ...]]:
        for entry, when in zip(index.timeline, whens, strict=True):
            event = entry.event
            mailed = getattr(event, "certified_mail", None)
            # The article number under the reference, a line of its own for each group of
            # digits (which the column's width allows), so the other columns keep their room.
            reference = "\n".join(
                [event.reference or "", *([words["mailed"], *mailed.split()] if mailed else [])]
            ).strip()
            yield (
                str(entry.number), when, labels.channel_name(event.channel, language),
                event.party or "", reference, event.summary,
                ", ".join(str(n) for n in entry.exhibits),
            )  # fmt: skip

    return rows


def _documents(index: BundleIndex) -> Iterator[tuple[str, str]]:
    for document in index.documents:
        yield document.name, "SHA-256 " + document.sha256


def _widths(header: Row | None, rows: Iterable[Row]) -> list[float]:
    """Return how wide each column's text is: as wide as its content needs, within the page."""
    narrowest: list[float] = []
    widest: list[float] = []
    for row in itertools.chain([header] if header else [], rows):
        if not widest:
            narrowest, widest = [0.0] * len(row), [0.0] * len(row)
        for column, cell in enumerate(row):
            for text in cell:
                wide = text.widest()
                widest[column] = max(widest[column], wide)
                # A text no wider than the column's widest word has no wider word: not measured.
                if wide > narrowest[column]:
                    narrowest[column] = max(narrowest[column], text.narrowest())
    columns = len(widest)
    room = WIDTH - 2 * PADDING * columns
    if sum(widest) <= room:  # everything on one line: the last column takes the rest
        return [*widest[:-1], room - sum(widest[:-1])]
    if sum(narrowest) >= room:
        # Not even the words fit, and a word wider than its column is cut anyway: each
        # column gets what it needs up to a common width, so that no over-long word starves
        # the others (a summary one word wide).
        return _shares(widest, room)
    # Each column gets its words, and the rest of the room as its text needs it.
    spare = (room - sum(narrowest)) / (sum(widest) - sum(narrowest))
    return [low + (high - low) * spare for low, high in zip(narrowest, widest, strict=True)]


def _shares(needs: list[float], room: float) -> list[float]:
    """Share `room` out: each need met up to a level, the level as high as the room allows."""
    level, left, count = 0.0, room, len(needs)
    for need in sorted(needs):
        if need * count > left:
            level = left / count
            break
        left, count = left - need, count - 1
    else:
        level = max(needs)
    return [min(need, level) for need in needs]
