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
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from letters.render.docx import fixed_zip  # noqa: E402
from letters.render.postal import PAGE_LABEL  # noqa: E402

OUT = ROOT / "templates" / "standard" / "docx"
STAMP = date(2026, 1, 1)  # the templates' own date; rendered letters carry theirs

LINE, BODY, TITLE, CLOSING, SIGNATURE, FOOTER = (
    "Letter Line", "Letter Body", "Letter Title", "Letter Closing", "Letter Signature",
    "Letter Footer",
)  # fmt: skip


@dataclass(frozen=True)
class Look:
    """The fonts and languages of one template."""

    latin: str
    east_asian: str
    language: str  # w:lang w:val
    east_asian_language: str  # w:lang w:eastAsia
    size: float
    chinese: bool


LOOKS = {
    # An English letter may still hold a Chinese name or address: give it a Chinese font too.
    "en": Look("Times New Roman", "SimSun", "en-US", "zh-CN", 11, chinese=False),
    "zh-CN": Look("Times New Roman", "SimSun", "zh-CN", "zh-CN", 12, chinese=True),
    "zh-TW": Look("Times New Roman", "PMingLiU", "zh-TW", "zh-TW", 12, chinese=True),
}


def build(language: str) -> bytes:
    """Return the layout template of one language as DOCX bytes."""
    look = LOOKS[language]
    document = Document()
    _styles(document, look)
    _page(document, language)
    _trim(document)
    body = _chinese_body if look.chinese else _full_block_body
    body(_Writer(document))
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


def _full_block_body(write: _Writer) -> None:
    """A US business letter in full block: everything flush left, blank lines between."""
    write.block("sender")
    write.line("{{ date }}")
    write.line()
    write.block("delivery")
    write.block("recipient")
    write.block("reference")
    write.line("{{ salutation }}")
    write.line()
    write.each("paragraphs", BODY)
    write.each("closing")
    for _ in range(4):  # room to sign
        write.line()
    write.each("signature")
    write.enclosures()


def _chinese_body(write: _Writer) -> None:
    """A formal Chinese letter: centred title, indented paragraphs, signature at the right."""
    write.each("sender")
    write.line()
    write.each("delivery")
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
    normal.paragraph_format.line_spacing = 1.5 if look.chinese else 1.0
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
        body.paragraph_format.space_after = Pt(look.size)  # a blank line between paragraphs
    title = add(TITLE)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.font.size = Pt(look.size * 4 / 3)
    title.font.bold = True
    closing = add(CLOSING)
    closing.paragraph_format.first_line_indent = indent
    _indent_in_characters(closing)
    add(SIGNATURE).paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = add(FOOTER)
    footer.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.font.size = Pt(9)
    language = document.settings.element.find(qn("w:themeFontLang"))
    language.set(qn("w:val"), look.language)
    language.set(qn("w:eastAsia"), look.east_asian_language)


def _trim(document: Any) -> None:
    """Drop what python-docx's default document carries and a letter never uses.

    Every part and style of a template is parsed, compressed and written again for each
    letter: a lean template is a fast one. The font table goes too: it names Japanese fonts,
    and Word rebuilds it from the styles.
    """
    unused = ("/stylesWithEffects", "/customXml", "/numbering", "/thumbnail", "/fontTable",
              "/webSettings")  # fmt: skip
    for part in (document.part, document.part.package):
        for rid, relation in list(part.rels.items()):
            if relation.reltype.endswith(unused):
                del part.rels[rid]
    keep = {"Normal", "Default Paragraph Font", "Normal Table", "No List"}
    keep |= {LINE, BODY, TITLE, CLOSING, SIGNATURE, FOOTER}
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
    section.different_first_page_header_footer = True
    section.first_page_footer.is_linked_to_previous = False
    section.first_page_footer.paragraphs[0].style = document.styles[FOOTER]
    paragraph = section.footer.paragraphs[0]
    paragraph.style = document.styles[FOOTER]
    label = PAGE_LABEL[language]
    before, rest = label.split("{page}")
    middle, after = rest.split("{pages}")
    for text, field in ((before, "PAGE"), (middle, "NUMPAGES"), (after, "")):
        if text:
            paragraph.add_run(text)
        if field:
            paragraph._p.append(_field(field))


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
