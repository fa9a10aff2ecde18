"""The Chinese font as letters reads it is the font as reportlab reads it, only sooner.

reportlab's own TrueType reader is the outside check: every table letters reads its own way
must come out equal, and so must the subset embedded in a PDF.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from letters.case import load_case
from letters.content import render_letter
from letters.errors import InputError
from letters.render import fonts
from letters.render.pdf import render_pdf
from tests.conftest import SAMPLES, needs_tool

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # fonts-dejavu-core


def chinese_font() -> fonts.Font:
    if not next(fonts.candidates("zh-CN"), None):
        needs_tool("a TrueType Chinese font")
    return fonts.choose("王小明 123", "zh-CN")


def reportlab_font(path: Path, name: bytes) -> Any:
    """Return reportlab's own reading of the face called `name` in a .ttf or .ttc."""
    index = 0
    while True:
        font = TTFont("reference", str(path), subfontIndex=index)
        if font.face.name == name:
            return font
        index += 1


def assert_same_font(name: str, path: Path) -> None:
    ours = pdfmetrics.getFont(name)
    theirs = reportlab_font(path, ours.face.name)
    assert vars(theirs).keys() <= vars(ours).keys()
    assert_same_face(ours.face, theirs.face)


def assert_same_face(ours: Any, theirs: Any) -> None:
    """Every value reportlab's reading of a face holds, ours holds too."""
    for name, value in vars(theirs).items():
        if name in ("_pdfScale", "_pos"):  # a function; where reading stopped
            continue
        mine = getattr(ours, name)
        if name in ("hmetrics", "glyphPos"):  # read on demand
            mine = [mine[glyph] for glyph in range(len(mine))]
        assert mine == value, name
    assert {"charToGlyph", "charWidths", "hmetrics", "glyphPos"} <= vars(theirs).keys()
    # The subset embedded in a PDF, byte for byte: ASCII and the last characters of the map;
    # then letters with accents, which some fonts make of other glyphs (DejaVu: "é" is "e" and
    # an accent), sharing glyphs with the first subset that the face has read already.
    mapped = sorted(ours.charToGlyph)
    for subset in (
        [0, *range(32, 127), *mapped[-150:]],
        [*range(0xC0, 0x180), *range(0x30, 0x3A), *mapped[1000:1100]],
    ):
        subset = [code for code in dict.fromkeys(subset) if code in ours.charToGlyph][:255]
        assert ours.makeSubset(subset) == theirs.makeSubset(subset)


def test_the_chinese_font_reads_as_reportlab_reads_it() -> None:
    chosen = chinese_font()
    assert chosen.path is not None
    assert_same_font(chosen.name, chosen.path)


def test_a_latin_font_with_long_glyph_places_reads_as_reportlab_reads_it() -> None:
    if not DEJAVU.is_file():
        needs_tool("fonts-dejavu-core")
    chosen = fonts.choose("Ω ø", "zh-CN", DEJAVU)
    assert_same_font(chosen.name, DEJAVU)


DOCUMENT = """\
import io, sys
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

def document(font, text):
    out = io.BytesIO()
    canvas = Canvas(out, invariant=True, pageCompression=0)
    for _ in range(2):
        canvas.setFont(font, 12)
        canvas.drawString(72, 720, text)
        canvas.showPage()
    canvas.save()
    return out.getvalue()

if __name__ == "__main__":
    path, index, text = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    pdfmetrics.registerFont(TTFont("reference", path, subfontIndex=index))
    sys.stdout.buffer.write(document("reference", text))
"""


@pytest.mark.parametrize("text", ["王小明 123：此致（敬礼）", "Ωmega ø café Ĉŝ ½ 123"])
def test_a_pdf_in_our_font_is_the_pdf_reportlab_makes(text: str, tmp_path: Path) -> None:
    """The whole document, uncompressed: the subset, its widths, its character map; reportlab
    alone makes the reference, in a process of its own (it gives a second font of the same
    face the first one registered)."""
    if not DEJAVU.is_file():
        needs_tool("fonts-dejavu-core")
    chosen = fonts.choose(text, "zh-CN", None if "王" in text else DEJAVU)
    assert chosen.path is not None
    script = tmp_path / "document.py"
    script.write_text(DOCUMENT, encoding="utf-8")
    index = int(chosen.name.rsplit("-", 1)[1])  # as fonts._load names a face
    reference = subprocess.run(
        [sys.executable, str(script), str(chosen.path), str(index), text],
        capture_output=True,
        check=True,
    ).stdout
    ours: dict[str, Any] = {"__name__": "document"}
    exec(DOCUMENT, ours)  # the same drawing, in this process, in our font
    drawn = ours["document"](chosen.name, text)
    assert b"/FontFile2" in drawn and b"/Widths" in drawn
    assert drawn == reference


def test_a_damaged_font_is_refused_as_before(tmp_path: Path) -> None:
    chosen = chinese_font()
    assert chosen.path is not None
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(chosen.path.read_bytes()[: 2 * 1024 * 1024])  # cut off mid-table
    with pytest.raises(Exception):  # noqa: B017  # reportlab refuses it too, in its own way
        TTFont("reference-broken", str(broken))
    with pytest.raises(InputError) as caught:
        fonts.choose("王", "zh-CN", broken)
    assert caught.value.message == (
        f"{broken}: cannot use this font — choose a TrueType font (.ttf or .ttc); "
        "OpenType/CFF fonts such as Noto Sans CJK cannot be embedded"
    )


def test_a_chinese_letter_embeds_a_subset_that_prints_its_text(tmp_path: Path) -> None:
    chinese_font()
    case = load_case(SAMPLES / "case-zh-CN.toml")
    letter = render_letter(case, "request", "zh-CN", date(2026, 11, 24))
    data = render_pdf(letter).data
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert case.holder.name in text and "此致" in text
    if not shutil.which("pdffonts"):
        needs_tool("pdffonts")
    (tmp_path / "letter.pdf").write_bytes(data)
    listing = subprocess.run(
        ["pdffonts", str(tmp_path / "letter.pdf")], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    chinese = [line.split() for line in listing if "+" in line.split()[0]]
    assert chinese, listing
    for columns in chinese:  # name, type, encoding, emb, sub, uni, object, generation
        assert columns[-5:-2] == ["yes", "yes", "yes"], columns
