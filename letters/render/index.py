"""Lay out the evidence bundle's index as a PDF a clerk can read: the case, the numbered
exhibits with their checksums, and the timeline with each event's exhibits.

Part of the PDF backend: imports reportlab, so import it only when writing a bundle.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from letters import i18n, identifiers
from letters.bundle import BundleIndex
from letters.case import Case
from letters.content import DOCUMENT_TIME
from letters.render import fonts
from letters.render.pdf import pdf_date, reportlab_clock

# The index is a document in the case's language, so its words live here, not in the
# interface catalogs.
LABELS = {
    "en": {
        "title": "Evidence index", "case": "The case", "holder": "Account holder",
        "carrier": "Carrier", "account": "Account number", "phone": "Phone number",
        "bundle": "Bundle", "date": "Bundle date", "exhibits": "Exhibits",
        "number": "No.", "file": "File", "type": "Type", "size": "Size", "day": "Date",
        "timeline": "Timeline", "when": "When", "channel": "How", "party": "With",
        "reference": "Reference", "summary": "What happened", "cited": "Exhibits",
        "mailed": "Certified Mail No.",
        "documents": "Documents written for this case", "none": "No exhibits.",
        "note": "Every file is listed with its SHA-256 checksum. To check that nothing has "
                "changed: letters verify BUNDLE.zip, or any BagIt tool (RFC 8493).",
    },
    "zh-CN": {
        "title": "证据目录", "case": "案例", "holder": "账户持有人", "carrier": "运营商",
        "account": "账号", "phone": "电话号码", "bundle": "证据包", "date": "打包日期",
        "exhibits": "证据清单", "number": "编号", "file": "文件", "type": "类型",
        "size": "大小", "day": "日期", "timeline": "时间线", "when": "时间",
        "channel": "方式", "party": "对方", "reference": "参考编号", "summary": "经过",
        "mailed": "挂号信编号",
        "cited": "证据", "documents": "为本案生成的文件", "none": "没有证据文件。",
        "note": "每个文件都附有 SHA-256 校验码。要核验文件未被改动：letters verify 证据包.zip，"
                "或使用任何 BagIt 工具（RFC 8493）。",
    },
    "zh-TW": {
        "title": "證據目錄", "case": "案件", "holder": "帳戶持有人", "carrier": "電信業者",
        "account": "帳號", "phone": "門號", "bundle": "證據包", "date": "打包日期",
        "exhibits": "證據清單", "number": "編號", "file": "檔案", "type": "類型",
        "size": "大小", "day": "日期", "timeline": "時間軸", "when": "時間",
        "channel": "方式", "party": "對方", "reference": "參考編號", "summary": "經過",
        "mailed": "掛號信編號",
        "cited": "證據", "documents": "為本案產生的文件", "none": "沒有證據檔案。",
        "note": "每個檔案都附有 SHA-256 雜湊值。要核驗檔案未被更動：letters verify 證據包.zip，"
                "或使用任何 BagIt 工具（RFC 8493）。",
    },
}  # fmt: skip
KINDS = {
    "en": {},
    "zh-CN": {"image": "图片", "pdf": "PDF", "email": "邮件", "text": "文本", "video": "视频",
              "audio": "音频", "document": "文档", "spreadsheet": "表格", "archive": "压缩包",
              "web page": "网页",
              "other": "其他"},
    "zh-TW": {"image": "圖片", "pdf": "PDF", "email": "郵件", "text": "文字", "video": "影片",
              "audio": "音訊", "document": "文件", "spreadsheet": "試算表", "archive": "壓縮檔",
              "web page": "網頁",
              "other": "其他"},
}  # fmt: skip
CHANNELS = {
    "en": {},
    "zh-CN": {"phone": "电话", "email": "电子邮件", "chat": "在线客服", "online": "网站",
              "mail": "邮寄", "store": "门店", "other": "其他"},
    "zh-TW": {"phone": "電話", "email": "電子郵件", "chat": "線上客服", "online": "網站",
              "mail": "郵寄", "store": "門市", "other": "其他"},
}  # fmt: skip


Rows = list[tuple[str, ...]]


def render_index(case: Case, index: BundleIndex, language: str) -> bytes:
    """Lay out the bundle index as a PDF in `language`."""
    words = LABELS[language]
    cells = _cells(case, index, language)
    font = _font(cells, language)
    body = ParagraphStyle(
        "body", fontName=font, fontSize=9, leading=12,
        wordWrap="CJK" if language != "en" else None,
    )  # fmt: skip
    small = ParagraphStyle("small", parent=body, fontSize=7, leading=9, wordWrap="CJK")
    heading = ParagraphStyle("heading", parent=body, fontSize=12, leading=16, spaceBefore=8)
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=20, alignment=1)

    def para(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text), style)  # a value is text, never markup

    story: list = [para(words["title"], title), Spacer(1, 8)]
    rows = [[para(label), para(value)] for label, value in cells["case"]]
    story += [para(words["case"], heading), _table(rows, [1.6 * inch, 5.4 * inch], header=False)]
    story.append(para(words["exhibits"], heading))
    if index.exhibits:
        header = [para(words[key]) for key in ("number", "file", "type", "size", "day")]
        rows = [header]
        for number, path, kind, size, day, digest in cells["exhibits"]:
            rows.append([para(number), [para(path), para(digest, small)], para(kind),
                         para(size), para(day)])  # fmt: skip
        story.append(_table(rows, [0.5 * inch, 4.0 * inch, 0.7 * inch, 0.8 * inch, 1.0 * inch]))
    else:
        story.append(para(words["none"]))
    if cells["timeline"]:
        story.append(para(words["timeline"], heading))
        keys = ("number", "when", "channel", "party", "reference", "summary", "cited")
        rows = [[para(words[key]) for key in keys]]
        rows += [[para(value) for value in row] for row in cells["timeline"]]
        widths = [0.4, 1.1, 0.7, 0.9, 0.9, 2.3, 0.7]
        story.append(_table(rows, [w * inch for w in widths]))
    if cells["documents"]:
        story.append(para(words["documents"], heading))
        rows = [[para(name), para(digest, small)] for name, digest in cells["documents"]]
        story.append(_table(rows, [2.6 * inch, 4.4 * inch]))
    story += [Spacer(1, 10), para(words["note"])]

    buffer = io.BytesIO()
    stamp = datetime.combine(index.bagging_date, DOCUMENT_TIME, tzinfo=case.tz)
    document = SimpleDocTemplate(
        buffer, pagesize=LETTER, invariant=True, lang=language,
        leftMargin=0.75 * inch, rightMargin=0.75 * inch, topMargin=0.75 * inch,
        bottomMargin=0.75 * inch, title=words["title"], author=case.holder.name,
        subject=index.name, creator="letters",
    )  # fmt: skip
    with reportlab_clock():
        document.build(story, onFirstPage=_dated(stamp), onLaterPages=_dated(stamp))
    return buffer.getvalue()


def _cells(case: Case, index: BundleIndex, language: str) -> dict[str, Rows]:
    """Return every text the index prints, by section."""
    words = LABELS[language]
    account = case.account
    summary: Rows = [
        (words["holder"], case.holder.display_name(language)),
        (words["carrier"], account.carrier),
        (words["account"], account.number),
    ]
    if account.phone:
        summary.append((words["phone"], identifiers.format_phone(account.phone)))
    summary += [(words["bundle"], index.name),
                (words["date"], i18n.format_date(index.bagging_date, language))]  # fmt: skip
    exhibits: Rows = [
        (str(e.number), e.path, KINDS[language].get(e.kind, e.kind),
         i18n.format_number(e.size, language) + " B",
         i18n.format_date(e.date, language) if e.date else "", "SHA-256 " + e.sha256)
        for e in index.exhibits
    ]  # fmt: skip
    channels = CHANNELS[language]
    timeline: Rows = []
    for entry in index.timeline:
        event = entry.event
        at = event.at
        when = (
            i18n.format_datetime(at.astimezone(case.tz), language, offset=True)
            if isinstance(at, datetime)
            else i18n.format_date(at, language)
        )
        mailed = getattr(event, "certified_mail", None)
        reference = "; ".join(
            part
            for part in (event.reference, f"{words['mailed']} {mailed}" if mailed else "")
            if part
        )
        timeline.append((
            str(entry.number), when, channels.get(event.channel, event.channel),
            event.party or "", reference, event.summary,
            ", ".join(str(n) for n in entry.exhibits),
        ))  # fmt: skip
    documents: Rows = [(d.name, "SHA-256 " + d.sha256) for d in index.documents]
    return {"case": summary, "exhibits": exhibits, "timeline": timeline, "documents": documents}


def _font(cells: dict[str, Rows], language: str) -> str:
    """Return Helvetica, or for Chinese text reportlab's built-in Chinese font.

    The built-in font is the same on every computer, so the same case and evidence give the
    same index, and the same bundle, wherever they are bundled; its glyphs come from the PDF
    reader. The CSV and JSON beside it carry every text exactly.
    """
    text = "".join(LABELS[language].values()) + "".join(
        "".join(row) for rows in cells.values() for row in rows
    )
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return fonts.builtin("zh-TW" if language == "zh-TW" else "zh-CN").name
    return "Helvetica"


def _table(rows: list, widths: list[float], header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=int(header), hAlign="LEFT")
    style = [("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
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
