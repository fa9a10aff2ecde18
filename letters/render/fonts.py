"""Find a font that prints the Chinese of a letter: an installed TrueType font, embedded as
a subset, or else one of reportlab's built-in CID fonts, which need no file but are not
embedded (the PDF reader supplies the glyphs).

reportlab refuses OpenType/CFF fonts (Noto Sans CJK, Source Han), and some TrueType CJK
fonts have no Latin glyphs (Droid Sans Fallback prints no digits), so each candidate is
loaded and checked against every character it must print before it is chosen.

Part of the PDF backend: imports reportlab, so import it only when writing a PDF.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile

from letters.errors import InputError
from letters.i18n import _

# TrueType-outline Chinese fonts at their usual places, best first for each script. Files that
# are missing or turn out to be CFF are skipped; fontconfig finds the rest.
_WINDOWS = Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"
_SIMPLIFIED = (
    _WINDOWS / "simsun.ttc",
    _WINDOWS / "msyh.ttc",
    _WINDOWS / "simhei.ttf",
    Path("/System/Library/Fonts/STHeiti Light.ttc"),
    Path("/System/Library/Fonts/Supplemental/Songti.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc"),
    Path("/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/gbsn00lp.ttf"),
)
_TRADITIONAL = (
    _WINDOWS / "mingliu.ttc",
    _WINDOWS / "msjh.ttc",
    Path("/System/Library/Fonts/Supplemental/Songti.ttc"),
    Path("/System/Library/Fonts/STHeiti Light.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
    Path("/usr/share/fonts/truetype/arphic/bsmi00lp.ttf"),
)
_BOTH = (
    Path("/Library/Fonts/Arial Unicode.ttf"),
    Path("/System/Library/Fonts/Supplemental/Arial Unicode.ttf"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
)


@dataclass(frozen=True)
class Font:
    """A font registered with reportlab, and whether its glyphs travel inside the PDF."""

    name: str
    embedded: bool
    path: Path | None = None


def candidates(language: str) -> Iterator[tuple[Path, int]]:
    """Yield the installed TrueType Chinese fonts to try, as (file, index in a .ttc).

    The usual places come first; fontconfig is asked only when none of them will do.
    """
    known = _TRADITIONAL + _SIMPLIFIED if language == "zh-TW" else _SIMPLIFIED + _TRADITIONAL
    seen = [(path, 0) for path in dict.fromkeys((*known, *_BOTH)) if path.is_file()]
    yield from seen
    yield from (item for item in _fontconfig() if item not in seen)


@cache
def _fontconfig() -> tuple[tuple[Path, int], ...]:
    """Ask fontconfig for the fonts that cover Chinese, where fontconfig exists."""
    try:
        listing = subprocess.run(
            ["fc-list", "-f", "%{file}\t%{index}\t%{fontformat}\n", ":lang=zh"],
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    fonts = set()
    for line in listing.splitlines():
        file, index, form = ([*line.split("\t"), "", ""])[:3]
        if file.lower().endswith((".ttf", ".ttc")) and form != "CFF" and index.isdigit():
            fonts.add((Path(file), int(index)))
    return tuple(sorted(fonts))


def choose(text: str, language: str, path: Path | None = None) -> Font:
    """Return a registered font with a glyph for every character of `text`.

    With `path`, that font or an InputError saying why not; otherwise the first installed
    font that covers the text, or the built-in CID font of the script.
    """
    needed = {char for char in text if char not in "\n\t\u00a0"}
    if path is not None:
        return _chosen(path, needed)
    lacking = ""
    for file, index in candidates(language):
        font = _load(file, index)
        if font is None:
            continue
        lacking = _missing(font, needed)
        if not lacking:
            return Font(font.fontName, embedded=True, path=file)
    if lacking:
        # Fonts are installed but none has this character; the built-in fonts would not
        # have it either, and the PDF would silently print nothing in its place.
        raise InputError(
            _(
                "no font on this computer has “{char}” (U+{code:04X}) — name one that has it "
                "with --font"
            ).format(char=lacking, code=ord(lacking))
        )
    return builtin(language)


def _chosen(path: Path, needed: set[str]) -> Font:
    if not path.is_file():
        raise InputError(_("{path}: no such font file").format(path=path))
    faces = _faces(path)
    if not faces:
        raise InputError(
            _(
                "{path}: cannot use this font — choose a TrueType font (.ttf or .ttc); "
                "OpenType/CFF fonts such as Noto Sans CJK cannot be embedded"
            ).format(path=path)
        )
    missing = ""
    for font in faces:
        missing = _missing(font, needed)
        if not missing:
            return Font(font.fontName, embedded=True, path=path)
    raise InputError(
        _("{path}: the font has no glyph for “{char}” (U+{code:04X}) — choose another font").format(
            path=path, char=missing, code=ord(missing)
        )
    )


def _faces(path: Path) -> list[TTFont]:
    try:  # a .ttc holds several faces; a .ttf has no numSubfonts and holds one
        count = getattr(TTFontFile(str(path), validate=0), "numSubfonts", 1) or 1
    except Exception:  # a damaged or non-TrueType file raises many kinds of error
        return []
    return [font for index in range(count) if (font := _load(path, index)) is not None]


def _missing(font: TTFont, needed: set[str]) -> str:
    """Return a character the font has no glyph for, or ""."""
    covered = font.face.charToGlyph
    return next((char for char in sorted(needed) if ord(char) not in covered), "")


@cache
def _load(path: Path, index: int) -> TTFont | None:
    """Load and register a TrueType font once per process; None if reportlab refuses it."""
    name = "letters-" + re.sub(r"[^A-Za-z0-9]+", "-", path.stem) + f"-{index}"
    try:
        font = TTFont(name, str(path), subfontIndex=index)
    except Exception:  # CFF outlines, damaged files, unreadable files: try the next font
        return None
    pdfmetrics.registerFont(font)
    return font


class _TraditionalCIDFont(UnicodeCIDFont):
    """MSung-Light with the encoding of its character collection (Adobe-CNS1).

    reportlab pairs MSung-Light with UniGB-UCS2-H, the Simplified Chinese encoding, and a reader
    then draws Traditional text blank or with the wrong glyphs.
    """

    def __init__(self) -> None:
        super().__init__("MSung-Light")
        self.encodingName = "UniCNS-UCS2-H"


@cache
def builtin(language: str) -> Font:
    """Register and return reportlab's built-in CID font for the language's script."""
    cid = _TraditionalCIDFont() if language == "zh-TW" else UnicodeCIDFont("STSong-Light")
    pdfmetrics.registerFont(cid)
    return Font(cid.fontName, embedded=False)
