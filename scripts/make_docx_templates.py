"""Write the DOCX layout templates, templates/standard/docx/{en,zh-CN,zh-TW}.docx.

    python scripts/make_docx_templates.py

The templates are generated rather than edited in Word for two reasons. Word splits text into
runs as you type, and docxtpl silently leaves a tag split across runs unrendered: here every
Jinja tag is a run of its own. And the East Asian font and language must be set where Word
looks for them (styles, document defaults, theme font language), or Word shows Chinese in a
Japanese font. Commit the script and its output together: tests/test_docx.py checks they match.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from letters import labels  # noqa: E402
from letters.render.docx import fixed_zip  # noqa: E402
from letters.render.postal import (  # noqa: E402
    BODY_SIZE,
    HEADER_INCHES,
    LINE_PITCH,
    MARGIN_SIZE,
    SIGNING_LINES,
)

OUT = ROOT / "templates" / "standard" / "docx"
STAMP = date(2026, 1, 1)  # the templates' own date; rendered letters carry theirs

LINE, BODY, TITLE, CLOSING, SIGNATURE, FOOTER, HEADING = (
    "Letter Line", "Letter Body", "Letter Title", "Letter Closing", "Letter Signature",
    "Letter Footer", "Letter Heading",
)  # fmt: skip
# Word 2013 and later: the current layout rules, not Word 2010's.
COMPATIBILITY_MODE = "15"


@dataclass(frozen=True)
class Look:
    """The fonts and languages of one template."""

    latin: str
    east_asian: str
    # w:lang w:val: the language of Latin text. English even in a Chinese letter, whose Latin
    # text is names, addresses and identifiers: Word and LibreOffice break Latin text marked
    # Chinese between any two letters (`Customer Ca|re`, `202|6`).
    language: str
    east_asian_language: str  # w:lang w:eastAsia
    size: float
    pitch: float  # the distance between baselines, in points
    chinese: bool


LOOKS = {
    # An English letter may still hold a Chinese name or address: give it a Chinese font too.
    "en": Look("Times New Roman", "SimSun", "en-US", "zh-CN", BODY_SIZE["en"],
               BODY_SIZE["en"] * LINE_PITCH["en"], chinese=False),
    "zh-CN": Look("Times New Roman", "SimSun", "en-US", "zh-CN", BODY_SIZE["zh-CN"],
                  BODY_SIZE["zh-CN"] * LINE_PITCH["zh-CN"], chinese=True),
    "zh-TW": Look("Times New Roman", "Noto Serif CJK TC", "en-US", "zh-TW", BODY_SIZE["zh-TW"],
                  BODY_SIZE["zh-TW"] * LINE_PITCH["zh-TW"], chinese=True),
}  # fmt: skip
# The font table: each face with what Word needs to find a stand-in when it is missing: the
# face to use instead (w:altName), its family, character set and PANOSE class. A Song (宋体)
# face for Simplified Chinese: SimSun, which Windows and Word for Mac carry and LibreOffice
# replaces with Noto Serif CJK. A Ming (明體) face for Traditional Chinese: Noto Serif CJK TC,
# which LibreOffice finds where it is installed, standing in for PMingLiU, which Windows and
# Word for Mac carry (LibreOffice, asked for PMingLiU, picks a sans face instead). Noto Serif
# CJK SC, standing in for SimSun, is the face of a Chinese date in a Simplified letter (see
# letters/render/docx.py: its run is not marked Chinese, and LibreOffice, asked for SimSun
# outside Chinese text, picks a sans face). Times New Roman comes with Windows and macOS;
# Liberation Serif has its measures.
FONTS = (
    # name, stand-in, PANOSE, character set (86: GB2312, 88: Big5), family
    ("Times New Roman", "Liberation Serif", "02020603050405020304", "00", "roman"),
    ("SimSun", "宋体", "02010600030101010101", "86", "auto"),
    ("Noto Serif CJK SC", "SimSun", "02020400000000000000", "86", "roman"),
    ("Noto Serif CJK TC", "PMingLiU", "02020400000000000000", "88", "roman"),
    ("PMingLiU", "新細明體", "02020500000000000000", "88", "roman"),
)


def build(language: str) -> bytes:
    """Return the layout template of one language as DOCX bytes."""
    look = LOOKS[language]
    document = Document()
    _styles(document, look)
    _page(document, language)
    _trim(document)
    body = _chinese_body if look.chinese else _full_block_body
    body(_Writer(document), language)
    _font_table(document)
    _settings(document)
    _application(document)
    properties = document.core_properties
    properties.title = properties.subject = properties.comments = ""
    properties.author = properties.last_modified_by = "letters"
    properties.language = language
    properties.created = properties.modified = datetime.combine(STAMP, datetime.min.time())
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue(), STAMP)


class _Writer:
    """Appends paragraphs to the template, each Jinja tag a run of its own."""

    def __init__(self, document: Any) -> None:
        self.document = document

    def line(self, text: str = "", style: str = LINE) -> None:
        paragraph = self.document.add_paragraph(style=style)
        if text:
            paragraph.add_run(text)

    def tag(self, tag: str) -> None:
        """Write a paragraph-level tag (`{%p … %}`): docxtpl removes its whole paragraph."""
        self.line("{%p " + tag + " %}")

    def each(self, items: str, style: str = LINE) -> None:
        """Write one paragraph per item of a list."""
        self.tag(f"for item in {items}")
        self.line("{{ item }}", style)
        self.tag("endfor")

    def block(self, items: str, style: str = LINE) -> None:
        """Write a list followed by a blank line, or nothing when the list is empty."""
        self.tag(f"if {items}")
        self.each(items, style)
        self.line()
        self.tag("endif")

    def enclosures(self) -> None:
        self.tag("if enclosures")
        self.line()
        self.line("{{ enclosures_heading }}")
        self.each("enclosures")
        self.tag("endif")


def _full_block_body(write: _Writer, language: str) -> None:
    """A US business letter in full block: everything flush left, blank lines between."""
    write.block("sender")
    write.line("{{ date }}")
    write.line()
    write.block("delivery")
    write.block("recipient")
    write.block("reference")
    write.tag("if salutation")  # the FCC statement, pasted into a form, has none
    write.line("{{ salutation }}")
    write.line()
    write.tag("endif")
    write.each("paragraphs", BODY)
    write.each("closing")
    write.tag("if signature")  # nor a signature
    for _ in range(SIGNING_LINES[language]):  # room to sign
        write.line()
    write.tag("endif")
    write.each("signature")
    write.enclosures()


def _chinese_body(write: _Writer, language: str) -> None:
    """A formal Chinese letter: centred title, indented paragraphs, signature at the right."""
    write.each("sender")
    write.line()
    write.block("delivery")  # a line apart from the address, never read as part of it
    write.block("recipient")
    write.tag("if title")
    write.line("{{ title }}", TITLE)
    write.line()
    write.tag("endif")
    write.each("reference")
    write.line("{{ salutation }}")
    write.each("paragraphs", BODY)
    # 此致 indented two characters, 敬礼 flush left on the next line.
    write.tag("if closing")
    write.line("{{ closing[0] }}", CLOSING)
    write.tag("endif")
    write.each("closing[1:]")
    for _ in range(SIGNING_LINES[language]):  # room to sign
        write.line()
    write.each("signature", SIGNATURE)
    write.enclosures()


def _styles(document: Any, look: Look) -> None:
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    _fonts(defaults.find(qn("w:rPr")), look)
    normal = styles["Normal"]
    _fonts(normal.element.get_or_add_rPr(), look)
    normal.font.size = Pt(look.size)
    normal.paragraph_format.space_after = Pt(0)
    # Exactly the PDF's line pitch, whatever the font's own height, so that Word, LibreOffice
    # and the PDF put as many lines on a page.
    _exact(normal, look.pitch)
    normal.paragraph_format.widow_control = True
    # No extra space between Chinese and Latin text or digits: the letters carry their own.
    properties = normal.element.get_or_add_pPr()
    for name in ("w:autoSpaceDE", "w:autoSpaceDN"):
        element = OxmlElement(name)
        element.set(qn("w:val"), "0")
        properties.insert_element_before(
            element, "w:spacing", "w:ind", "w:jc", "w:outlineLvl", "w:rPr"
        )
    indent = Pt(2 * look.size)  # two full-width characters

    def add(name: str) -> Any:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        return style

    add(LINE)
    body = add(BODY)
    if look.chinese:
        body.paragraph_format.first_line_indent = indent
        _indent_in_characters(body)
        body.paragraph_format.space_after = Pt(look.size * 1.5 / 4)
        body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    else:
        body.paragraph_format.space_after = Pt(look.pitch)  # a blank line between paragraphs
    title = add(TITLE)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.font.size = Pt(look.size * 4 / 3)
    title.font.bold = True
    _exact(title, look.pitch * 4 / 3)
    closing = add(CLOSING)
    closing.paragraph_format.first_line_indent = indent
    _indent_in_characters(closing)
    add(SIGNATURE).paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = add(FOOTER)
    footer.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.font.size = Pt(MARGIN_SIZE)
    _exact(footer, MARGIN_SIZE * 1.2)
    # The continuation heading: the recipient at the left, the page number in the middle, the
    # date at the right.
    heading = add(HEADING)
    heading.font.size = Pt(MARGIN_SIZE)
    _exact(heading, MARGIN_SIZE * 1.2)
    stops = heading.paragraph_format.tab_stops
    stops.add_tab_stop(Inches(3.25), WD_TAB_ALIGNMENT.CENTER)
    stops.add_tab_stop(Inches(6.5), WD_TAB_ALIGNMENT.RIGHT)
    language = document.settings.element.find(qn("w:themeFontLang"))
    language.set(qn("w:val"), look.language)
    language.set(qn("w:eastAsia"), look.east_asian_language)


def _trim(document: Any) -> None:
    """Drop what python-docx's default document carries and a letter never uses.

    Every part and style of a template is parsed, compressed and written again for each
    letter: a lean template is a fast one. The font table goes too: it names Japanese fonts;
    `_font_table` writes ours.
    """
    unused = ("/stylesWithEffects", "/customXml", "/numbering", "/thumbnail", "/fontTable",
              "/webSettings")  # fmt: skip
    for part in (document.part, document.part.package):
        for rid, relation in list(part.rels.items()):
            if relation.reltype.endswith(unused):
                del part.rels[rid]
    keep = {"Normal", "Default Paragraph Font", "Normal Table", "No List"}
    keep |= {LINE, BODY, TITLE, CLOSING, SIGNATURE, FOOTER, HEADING}
    styles = document.styles.element
    styles.remove(styles.find(qn("w:latentStyles")))
    for style in styles.findall(qn("w:style")):
        if style.find(qn("w:name")).get(qn("w:val")) not in keep:
            styles.remove(style)


def _fonts(run_properties: Any, look: Look) -> None:
    """Name the fonts outright (no theme fonts) and the East Asian language of the text."""
    fonts = run_properties.get_or_add_rFonts()
    for name in list(fonts.attrib):
        del fonts.attrib[name]
    for script in ("ascii", "hAnsi", "cs"):
        fonts.set(qn(f"w:{script}"), look.latin)
    fonts.set(qn("w:eastAsia"), look.east_asian)
    language = run_properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        run_properties.insert_element_before(
            language, "w:eastAsianLayout", "w:specVanish", "w:oMath"
        )
    language.set(qn("w:val"), look.language)
    language.set(qn("w:eastAsia"), look.east_asian_language)


def _indent_in_characters(style: Any) -> None:
    # Word measures the indent in characters when firstLineChars is set: 200 = 2 characters.
    indent = style.element.get_or_add_pPr().find(qn("w:ind"))
    indent.set(qn("w:firstLineChars"), "200")


def _page(document: Any, language: str) -> None:
    """US Letter, 1-inch margins; pages after the first numbered `Page 2 of 3` at the foot."""
    section = document.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("top", "bottom", "left", "right"):
        setattr(section, f"{side}_margin", Inches(1))
    section.header_distance = section.footer_distance = Inches(0.5)
    section.header_distance = Inches(HEADER_INCHES)
    section.different_first_page_header_footer = True
    section.first_page_footer.is_linked_to_previous = False
    section.first_page_footer.paragraphs[0].style = document.styles[FOOTER]
    section.first_page_header.is_linked_to_previous = False
    section.first_page_header.paragraphs[0].style = document.styles[HEADING]
    if language == "en":
        # Later pages of a US business letter carry a continuation heading at the top.
        paragraph = section.header.paragraphs[0]
        paragraph.style = document.styles[HEADING]
        paragraph.add_run("{{ recipient[0] }}")
        paragraph.add_run("\t")
        _page_label(paragraph, language)
        paragraph.add_run("\t")
        paragraph.add_run("{{ date }}")
        section.footer.paragraphs[0].style = document.styles[FOOTER]
    else:
        # A Chinese letter numbers its later pages at the foot.
        section.header.paragraphs[0].style = document.styles[HEADING]
        paragraph = section.footer.paragraphs[0]
        paragraph.style = document.styles[FOOTER]
        _page_label(paragraph, language)


def _page_label(paragraph: Any, language: str) -> None:
    """Write `Page 2 of 3` / `第 2 页，共 3 页` with fields Word and LibreOffice fill in."""
    label = labels.word(labels.PAGE, language)
    before, rest = label.split("{page}")
    middle, after = rest.split("{pages}")
    for text, field in ((before, "PAGE"), (middle, "NUMPAGES"), (after, "")):
        if text:
            paragraph.add_run(text)
        if field:
            paragraph._p.append(_field(field))


def _exact(style: Any, points: float) -> None:
    style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    style.paragraph_format.line_spacing = Pt(points)


def _font_table(document: Any) -> None:
    """Add the font table (see FONTS)."""
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{other}"/><w:panose1 w:val="{panose}"/>'
        f'<w:charset w:val="{charset}"/><w:family w:val="{family}"/><w:pitch w:val="variable"/>'
        "</w:font>"
        for name, other, panose, charset, family in FONTS
    )
    xml = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"{entries}</w:fonts>"
    )
    part = Part(
        PackURI("/word/fontTable.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml",
        xml.encode("utf-8"),
        document.part.package,
    )
    document.part.relate_to(part, RT.FONT_TABLE)


def _settings(document: Any) -> None:
    """Declare the current Word compatibility mode."""
    compat = document.settings.element.find(qn("w:compat"))
    for setting in compat.findall(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), COMPATIBILITY_MODE)


def _application(document: Any) -> None:
    """Name the program that wrote the document honestly, and nothing else about it."""
    for part in document.part.package.iter_parts():
        if part.partname == "/docProps/app.xml":
            part._blob = (
                b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
                b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                b'extended-properties"><Application>letters</Application>'
                b"<DocSecurity>0</DocSecurity></Properties>"
            )


def _field(instruction: str) -> Any:
    """Return a simple field (PAGE, NUMPAGES) that Word and LibreOffice fill in."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    return field


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for language in LOOKS:
        path = OUT / f"{language}.docx"
        path.write_bytes(build(language))
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
