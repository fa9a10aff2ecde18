"""Lay out the evidence bundle's index as a PDF a clerk can read: the case, the numbered
exhibits with their checksums, and the timeline with each event's exhibits.

Part of the PDF backend: imports reportlab, so import it only when writing a bundle.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer, Table, TableStyle

from letters import i18n, identifiers, labels
from letters.bundle import BundleIndex
from letters.case import Case
from letters.cjk import break_lines, glued, units
from letters.content import document_moment, holder_name
from letters.render import fonts
from letters.render.pdf import CHINESE_MARKS, Typeface, pdf_date, reportlab_clock

Rows = list[tuple[str, ...]]
WIDTH = LETTER[0] - 1.5 * inch  # between the 3/4 in margins
PADDING = 4.0  # inside each table cell, left and right
BODY, SMALL = (9.0, 12.0), (7.0, 9.0)  # size and line pitch
# Text that reaches the index only in its CSV and JSON twins, never printed: a narrow no-break
# space (Babel puts one in `2:30 PM`) is not in the standard fonts.
PRINTABLE = {0x202F: 0x00A0}


def render_index(case: Case, index: BundleIndex, language: str) -> bytes:
    """Lay out the bundle index as a PDF in `language`.

    Lines are broken as in the letters: never inside a word, a date, an identifier or a
    number, and never before closing punctuation. Latin text is set in Helvetica and Chinese
    in reportlab's built-in Chinese font; neither is a file on this computer, so the same
    case and evidence give the same index, and the same bundle, on any computer.
    """
    words = labels.index_words(language)
    cells = _cells(case, index, language)
    face = _typeface(language)

    def text(
        value: str, size: tuple[float, float] = BODY, align: str = "left", heading: bool = False
    ) -> _Text:
        keep = (value,) if heading else ()  # a column heading never breaks (`编|号`)
        return _Text(value.translate(PRINTABLE), face, size, align, keep)

    story: list = [_Block([text(words["title"], (16.0, 20.0), "centre")]), Spacer(1, 8)]

    def section(title: str) -> None:
        story.extend([Spacer(1, 8), _Block([text(title, (12.0, 16.0))]), Spacer(1, 2)])

    section(words["case"])
    rows = [[[text(label)], [text(value)]] for label, value in cells["case"]]
    story.append(_table(rows, header=False))
    section(words["exhibits"])
    if index.exhibits:
        rows = [[[text(words[key], heading=True)]
                 for key in ("number", "file", "type", "size", "day")]]  # fmt: skip
        for number, path, kind, size, day, digest in cells["exhibits"]:
            rows.append([[text(number)], [text(path), text(digest, SMALL)], [text(kind)],
                         [text(size)], [text(day)]])  # fmt: skip
        story.append(_table(rows))
    else:
        story.append(_Block([text(words["none"])]))
    if cells["timeline"]:
        section(words["timeline"])
        keys = ("number", "when", "channel", "party", "reference", "summary", "cited")
        rows = [[[text(words[key], heading=True)] for key in keys]]
        rows += [[[text(value)] for value in row] for row in cells["timeline"]]
        story.append(_table(rows))
    if cells["documents"]:
        section(words["documents"])
        rows = [[[text(name)], [text(digest, SMALL)]] for name, digest in cells["documents"]]
        story.append(_table(rows, header=False))
    story += [Spacer(1, 10), _Block([text(words["note"])])]

    buffer = io.BytesIO()
    stamp = document_moment(index.bagging_date, case.tz)
    document = SimpleDocTemplate(
        buffer, pagesize=LETTER, invariant=True, lang=language,
        leftMargin=0.75 * inch, rightMargin=0.75 * inch, topMargin=0.75 * inch,
        bottomMargin=0.75 * inch, title=words["title"], author=case.holder.name,
        subject=index.name, creator="letters",
    )  # fmt: skip
    with reportlab_clock():
        document.build(story, onFirstPage=_dated(stamp), onLaterPages=_dated(stamp))
    return buffer.getvalue()


def _typeface(language: str) -> Typeface:
    """Return Helvetica for Latin text, and reportlab's built-in Chinese font for the rest.

    The built-in font is the same on every computer; its glyphs come from the PDF reader.
    The CSV and JSON beside the index carry every text exactly.
    """
    chinese = fonts.builtin("zh-TW" if language == "zh-TW" else "zh-CN").name
    return Typeface("Helvetica", chinese, CHINESE_MARKS if language != "en" else frozenset())


class _Text:
    """A text of the index, broken into lines for the width it is given."""

    def __init__(
        self,
        text: str,
        face: Typeface,
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


class _Block(Flowable):
    """Texts one under the other, each broken to the width of its column or the page."""

    def __init__(self, texts: list[_Text]) -> None:
        super().__init__()
        self.texts = texts
        self.broken: list[tuple[_Text, str]] = []

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.broken = [(text, line) for text in self.texts for line in text.lines(self.width)]
        self.height = sum(text.pitch for text, _line in self.broken)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        """Split a text taller than what is left of the page between lines (a long summary)."""
        self.wrap(available_width, available_height)
        used, count = 0.0, 0
        for text, _line in self.broken:
            if used + text.pitch > available_height:
                break
            used, count = used + text.pitch, count + 1
        if count == 0 or count == len(self.broken):
            return []
        head, tail = _Lines(self.broken[:count]), _Lines(self.broken[count:])
        return [head, tail]

    def draw(self) -> None:
        _draw_lines(self.canv, self.broken, self.width, self.height)


class _Lines(_Block):
    """Lines already broken: the parts of a split block."""

    def __init__(self, broken: list[tuple[_Text, str]]) -> None:
        super().__init__([])
        self.broken = broken

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.height = sum(text.pitch for text, _line in self.broken)
        return self.width, self.height


def _draw_lines(canvas: Canvas, broken: list[tuple[_Text, str]], width: float, top: float) -> None:
    y = top
    for text, line in broken:
        y -= text.pitch
        size = text.size
        x = (width - text.face.width(line, size)) / 2 if text.align == "centre" else 0.0
        drawn = canvas.beginText(x, y + (text.pitch - size) / 2 + size * 0.2)
        for run, font in text.face.runs(line):
            drawn.setFont(font, size)
            drawn.textOut(run)
        canvas.drawText(drawn)


def _cells(case: Case, index: BundleIndex, language: str) -> dict[str, Rows]:
    """Return every text the index prints, by section."""
    words = labels.index_words(language)
    account = case.account
    summary: Rows = [
        (words["holder"], holder_name(case, language)),
        (words["carrier"], account.carrier),
        (words["account"], account.number),
    ]
    if account.phone:
        summary.append((words["phone"], identifiers.format_phone(account.phone)))
    summary += [(words["bundle"], index.name),
                (words["date"], i18n.format_date(index.bagging_date, language))]  # fmt: skip
    exhibits: Rows = [
        (str(e.number), e.path, labels.evidence_kind(e.kind, language),
         i18n.format_number(e.size, language) + " B",
         i18n.format_date(e.date, language) if e.date else "", "SHA-256 " + e.sha256)
        for e in index.exhibits
    ]  # fmt: skip
    timeline: Rows = []
    for entry in index.timeline:
        event = entry.event
        at = event.at
        # The time with its UTC offset, on a line of its own: records are read in other zones.
        when = (
            i18n.format_datetime(at.astimezone(case.tz), language, offset=True).replace(
                " UTC", "\nUTC"
            )
            if isinstance(at, datetime)
            else i18n.format_date(at, language)
        )
        mailed = getattr(event, "certified_mail", None)
        # The article number under the reference, a line of its own for each group of digits
        # (which the column's width allows), so the other columns keep their room.
        reference = "\n".join(
            [event.reference or "", *([words["mailed"], *mailed.split()] if mailed else [])]
        ).strip()
        timeline.append((
            str(entry.number), when, labels.channel_name(event.channel, language),
            event.party or "", reference, event.summary,
            ", ".join(str(n) for n in entry.exhibits),
        ))  # fmt: skip
    documents: Rows = [(d.name, "SHA-256 " + d.sha256) for d in index.documents]
    return {"case": summary, "exhibits": exhibits, "timeline": timeline, "documents": documents}


def _table(rows: list[list[list[_Text]]], header: bool = True) -> Table:
    """Return a table whose columns are as wide as their content needs, within the page."""
    columns = len(rows[0])
    narrowest = [max(text.narrowest() for row in rows for text in row[c]) for c in range(columns)]
    widest = [max(text.widest() for row in rows for text in row[c]) for c in range(columns)]
    room = WIDTH - 2 * PADDING * columns
    if sum(widest) <= room:  # everything on one line: the last column takes the rest
        widths = [*widest[:-1], room - sum(widest[:-1])]
    elif sum(narrowest) >= room:  # not even the words fit: shrink every column alike
        widths = [width * room / sum(narrowest) for width in narrowest]
    else:  # each column gets its words, and the rest of the room as its text needs it
        spare = (room - sum(narrowest)) / (sum(widest) - sum(narrowest))
        widths = [low + (high - low) * spare for low, high in zip(narrowest, widest, strict=True)]
    cells = [[_Block(texts) for texts in row] for row in rows]
    table = Table(
        cells, colWidths=[width + 2 * PADDING for width in widths], repeatRows=int(header),
        hAlign="LEFT", splitInRow=1,
    )  # fmt: skip
    style = [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke))
    table.setStyle(TableStyle(style))
    return table


def _dated(moment: datetime) -> Callable[[Canvas, object], None]:
    """Stamp the PDF with the bundle's date, so the same bundle gives the same bytes."""
    stamp = pdf_date(moment)

    def on_page(canvas: Canvas, _document: object) -> None:
        canvas.setDateFormatter(lambda *_: stamp)

    return on_page
