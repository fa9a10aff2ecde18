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
import sys
import zlib
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from functools import cache, cached_property
from pathlib import Path
from struct import pack, pack_into, unpack_from
from typing import Any
from weakref import WeakKeyDictionary

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTEncoding, TTFError, TTFont, TTFontFace, TTFontFile

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
    import subprocess  # only when no known font is found: not at every start

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
        count = getattr(TTFontFile(str(path), charInfo=0), "numSubfonts", 1) or 1
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
        font = _TrueType(name, path, index)
    except Exception:  # CFF outlines, damaged files, unreadable files: try the next font
        return None
    pdfmetrics.registerFont(font)
    return font


class _TrueType(TTFont):
    """reportlab's TrueType font, with a face that reads its big tables faster."""

    def __init__(self, name: str, path: Path, index: int) -> None:
        # TTFont.__init__, with _Face for TTFontFace (tests/test_fonts.py checks that nothing
        # it sets is missing). reportlab before 4.1 knows no shaping, nor unShapedFontGlob.
        self.fontName = name
        self.face = _Face(str(path), subfontIndex=index)
        self.encoding = TTEncoding()
        self.state: WeakKeyDictionary[Any, Any] = WeakKeyDictionary()
        self._asciiReadable = rl_config.ttfAsciiReadable
        unshaped = getattr(rl_config, "unShapedFontGlob", ())
        self.shapable = not any(fnmatch(name, glob) for glob in unshaped)
        self._shaped = False  # reportlab 4.3's name: shaping only for fonts a user names

    def addObjects(self, doc: Any) -> None:  # reportlab's name
        """Add the subsets used in a document to it, their widths written as reportlab writes
        them, each number once per process rather than once per character per document."""
        try:
            fonts = doc.idToObject["BasicFonts"].dict
        except (AttributeError, KeyError):  # another reportlab: its own way
            super().addObjects(doc)
            return
        before = set(fonts)
        super().addObjects(doc)
        for name in fonts.keys() - before:
            widths = getattr(fonts[name], "Widths", None)
            if isinstance(widths, pdfdoc.PDFArray):
                widths.sequence = [_formatted(width) for width in widths.sequence]


class _Face(TTFontFace):
    """reportlab's TrueType face, reading the character map and the glyph metrics and places a
    table at a time instead of a number at a time.

    A Chinese font maps some 30,000 characters to some 50,000 glyphs: read a number at a time,
    that took most of the start-up of every command that writes a Chinese PDF. The result is
    the same (tests/test_fonts.py compares the two), so the subsets embedded are too. Anything
    unusual (a cmap format other than 4 or 12, a damaged table) is left to reportlab.
    """

    def extractInfo(self, charInfo: int = 1) -> None:  # reportlab's names
        super().extractInfo(0)  # the names and the small tables
        if charInfo:
            try:
                self._read_tables()
            except Exception:  # anything unusual: reportlab reads it, and says what is wrong
                super().extractInfo(charInfo)

    def _read_tables(self) -> None:
        """Read the character map, the advance widths and the glyph locations."""
        char_to_glyph = self._cmap()
        data, count = self._ttf_data, self.numGlyphs
        if self.get_ushort(self.table["head"]["offset"] + 52) != 0:
            raise TTFError("Unknown glyph data format")
        metrics = self.get_ushort(self.table["hhea"]["offset"] + 34)
        if not 0 < metrics <= count:
            raise TTFError("Unusual number of horizontal metrics")
        pairs = _numbers(data, self.table["hmtx"]["offset"], 2 * metrics)
        advances: list[float] = []
        advances += pairs[0::2].tolist()
        sides = pairs[1::2].tolist()
        sides += _numbers(data, self.table["hmtx"]["offset"] + 4 * metrics, count - metrics)
        # In thousandths of the type size, as reportlab's scale computes them.
        factor = 1000 / self.unitsPerEm
        widths = advances[:] if self.unitsPerEm == 1000 else list(map(factor.__mul__, advances))
        widths += [widths[-1]] * (count - metrics)
        # reportlab gives the glyphs after the last full metric the last advance scaled to
        # 1000 units per em; kept, so the subsets stay as reportlab makes them.
        advances += [widths[-1]] * (count - metrics)
        self.hmetrics = _Pairs(advances, sides)
        self.defaultWidth = widths[0]
        if max(char_to_glyph.values(), default=0) < count:
            self.charWidths = dict(
                zip(char_to_glyph, map(widths.__getitem__, char_to_glyph.values()), strict=True)
            )
        else:  # a damaged map: characters of glyphs the font does not have get no width
            self.charWidths = {char: widths[g] for char, g in char_to_glyph.items() if g < count}
        where = self.table["loca"]["offset"]
        form = self.get_ushort(self.table["head"]["offset"] + 50)
        self.glyphPos: _Doubled | array[int]
        if form == 0:
            self.glyphPos = _Doubled(_numbers(data, where, count + 1))
        elif form == 1:
            self.glyphPos = _numbers(data, where, count + 1, "I")
        else:
            raise TTFError("Unknown location table format")
        self._mapped = None  # the character reportlab maps anew, and the glyph it had
        for space, other in ((0x20, 0xA0), (0xA0, 0x20)):  # reportlab's no-break space
            if space in char_to_glyph:
                self._mapped = (other, char_to_glyph.get(other))
                char_to_glyph[other] = char_to_glyph[space]
                self.charWidths[other] = self.charWidths[space]
                break
        self.charToGlyph = char_to_glyph

    @cached_property
    def glyphToChar(self) -> dict[int, list[int]]:
        """Return the characters of each glyph (only text shaping asks)."""
        glyphs: dict[int, list[int]] = {}
        mapped, before = self._mapped or (None, None)
        for char, glyph in self.charToGlyph.items():
            if char == mapped:  # as the font file has it
                if before is None:
                    continue
                glyph = before
            glyphs.setdefault(glyph, []).append(char)
        return glyphs

    def _cmap(self) -> dict[int, int]:
        """Read the character map reportlab would choose, if it is in format 4 or 12."""
        data, start = self._ttf_data, self.table["cmap"]["offset"]
        version, tables = self.get_ushort(start), self.get_ushort(start + 2)
        tables = version if tables == 0 and version != 0 else tables
        chosen, rank = None, 0
        for record in range(start + 4, start + 4 + 8 * tables, 8):  # the last that fits wins
            platform, encoding = self.get_ushort(record), self.get_ushort(record + 2)
            if platform == 3 or (platform, encoding) == (1, 1) or (platform == 0 and encoding != 5):
                chosen, rank = self.get_ulong(record + 4), 1
            elif (platform, encoding) == (1, 0) and rank != 1:
                chosen, rank = self.get_ulong(record + 4), 2
        if chosen is None:
            raise TTFError("could not find a suitable cmap encoding")
        at = start + chosen
        form = self.get_ushort(at)
        chars: dict[int, int] = {}
        if form == 4:
            segments = self.get_ushort(at + 6) // 2
            ends, starts, deltas, ranges = (  # four arrays, a padding word after the first
                _numbers(data, at + 14 + 2 * segments * n + 2 * (n > 0), segments) for n in range(4)
            )
            ranges_at = at + 16 + 6 * segments
            limit = at + self.get_ushort(at + 2)
            for n, (first, last, delta, offset) in enumerate(
                zip(starts, ends, deltas, ranges, strict=True)
            ):
                codes = range(first, last + 1)
                if offset == 0:
                    shift = delta - 0x10000 if delta & 0x8000 else delta  # a signed number
                    glyphs: Sequence[int] = range(first + shift, last + shift + 1)
                    if not 0 <= first + shift <= last + shift <= 0xFFFF:  # some wrap around
                        glyphs = [(code + delta) & 0xFFFF for code in codes]
                    chars.update(zip(codes, glyphs, strict=True))
                    continue
                where = ranges_at + 2 * n + offset
                inside = max(0, min(len(codes), (limit - where + 1) // 2))  # broken fonts
                found = [*_numbers(data, where, inside), *[0] * (len(codes) - inside)]
                chars.update(
                    zip(codes, [(g + delta) & 0xFFFF if g else 0 for g in found], strict=True)
                )
            return chars
        if form == 12:
            for group in range(at + 16, at + 16 + 12 * self.get_ulong(at + 12), 12):
                first, last = self.get_ulong(group), self.get_ulong(group + 4)
                glyph = self.get_ulong(group + 8)
                chars.update(
                    zip(range(first, last + 1), range(glyph, glyph + last - first + 1), strict=True)
                )
            return chars
        raise TTFError("Another cmap format")

    def makeSubset(self, subset: list[int]) -> bytes:  # reportlab's name
        """Return the font program of the glyphs of `subset`, as reportlab makes it.

        Every Chinese document embeds a subset of its own. reportlab reads each glyph a number
        at a time and sums every table anew; this copies each outline as a whole and keeps the
        tables that every subset copies unchanged, with their checksums, once per face. The
        bytes are the same (tests/test_fonts.py compares the two); anything unusual, such as
        a glyph that runs past its table, is left to reportlab.
        """
        try:
            return self._subset(subset)
        except Exception:  # a damaged font: reportlab makes the subset, or says what is wrong
            return super().makeSubset(subset)

    def _subset(self, subset: list[int]) -> bytes:
        char_to_glyph = self.charToGlyph
        glyphs = [0]  # the font's glyph of each glyph of the subset; 0 is "missing character"
        renumbered = {0: 0}
        for code in subset:
            if (glyph := char_to_glyph.get(code, 0)) not in renumbered:
                renumbered[glyph] = len(glyphs)
                glyphs.append(glyph)
        outlines = self._outlines
        glyf: list[bytes | bytearray] = []
        hmtx: list[int] = []  # each glyph's advance and left side bearing
        offsets, end, glyf_sum = [], 0, 0
        for glyph in glyphs:  # grows as composite glyphs name their parts
            piece, checksum, parts, metrics = outlines.get(glyph) or self._outline(glyph)
            offsets.append(end)
            end += len(piece)
            if parts:  # made of other glyphs: renumber them as the subset numbers them
                fixed = bytearray(piece)
                for at, part, shift in parts:
                    if part not in renumbered:
                        renumbered[part] = len(glyphs)
                        glyphs.append(part)
                    pack_into(">H", fixed, at, renumbered[part])
                    checksum += (renumbered[part] - part) << shift
                glyf.append(fixed)
            else:
                glyf.append(piece)
            glyf_sum += checksum  # each outline starts on a 32-bit word: the sums add up
            hmtx += metrics
        offsets.append(end)
        long_places = (end + 1) >> 1 > 0xFFFF
        loca = (
            pack(f">{len(offsets)}L", *offsets)
            if long_places
            else pack(f">{len(offsets)}H", *(offset >> 1 for offset in offsets))
        )
        # A run of equal advances at the end is written once, as the format allows and
        # reportlab does.
        full = len(hmtx) - 2
        while full and hmtx[full] == hmtx[full - 2]:
            full -= 2
        full += 2
        hmtx = hmtx[:full] + hmtx[full + 1 :: 2]
        cmap = [0, 1, 1, 0, 0, 12, 6, 10 + 2 * len(subset), 0, 0, len(subset)]
        cmap += (renumbered[char_to_glyph.get(code, 0)] for code in subset)
        head = self.get_table("head")
        made = {
            "cmap": pack(f">{len(cmap)}H", *cmap),
            "head": head[:8] + bytes(4) + head[12:50] + pack(">H", int(long_places)) + head[52:],
            "hhea": _changed(self.get_table("hhea"), 34, full >> 1),
            "hmtx": pack(f">{len(hmtx)}H", *hmtx),
            "loca": loca,
            "maxp": _changed(self.get_table("maxp"), 4, len(glyphs)),
        }
        tables = [*self._kept, *((tag, data, _checksum(data)) for tag, data in made.items())]
        tables.append(("glyf", b"".join(glyf), glyf_sum & 0xFFFFFFFF))
        return _font_file(sorted(tables))

    @cached_property
    def _outlines(self) -> dict[int, _Outline]:
        """The outlines read so far, by glyph (see _outline)."""
        return {}

    def _outline(self, glyph: int) -> _Outline:
        """Read a glyph once: its outline padded to 32-bit words, the outline's checksum,
        where it names the glyphs it is made of (offset, glyph, shift in its word), and its
        advance and left side bearing as a subset keeps them."""
        where, length = self.get_table_pos("glyf")
        start = self.glyphPos[glyph]
        size = self.glyphPos[glyph + 1] - start
        if not 0 <= start <= start + size <= length or 0 < size <= 2:
            raise TTFError("a glyph runs past its table")
        piece = self._ttf_data[where + start : where + start + size] + bytes(-size % 4)
        parts = []
        if size and piece[0] & 0x80:  # fewer than no contours: made of other glyphs
            at, flags = 10, _MORE_COMPONENTS
            while flags & _MORE_COMPONENTS:
                if at + 4 > size:
                    raise TTFError("a glyph's parts run past its end")
                flags, part = unpack_from(">HH", piece, at)
                parts.append((at + 2, part, 16 if (at + 2) % 4 == 0 else 0))
                at += 4 + _part_arguments(flags)
        advance, side = self.hmetrics[glyph]
        outline = (piece, _checksum(piece), tuple(parts), (int(advance), int(side)))
        self._outlines[glyph] = outline
        return outline

    @cached_property
    def _kept(self) -> list[tuple[str, bytes, int]]:
        """The tables every subset copies, as reportlab copies them, with their checksums."""
        kept = {"post": b"\x00\x03\x00\x00" + self.get_table("post")[4:16] + bytes(16)}
        for tag in ("name", "OS/2", "cvt ", "fpgm", "prep"):
            if tag in self.table:  # the last three are optional
                kept[tag] = self.get_table(tag)
        return [(tag, data, _checksum(data)) for tag, data in kept.items()]

    def addSubsetObjects(self, doc: Any, fontname: str, subset: list[int]) -> Any:
        """Add a subset to a PDF; its font program is compressed quickly.

        Glyph outlines hardly compress: zlib's default level makes them a sixth smaller than
        coding their bytes alone (Huffman coding, no search for repeats), and took as long as
        laying out and drawing the rest of a Chinese letter. Its fastest level takes half as
        long, and Huffman coding alone a third as long again, for a PDF some 6 KB larger.
        """
        reference = super().addSubsetObjects(doc, fontname, subset)
        try:
            descriptor = doc.idToObject[reference.name]
            program = doc.idToObject[descriptor.dict["FontFile2"].name]
        except (AttributeError, KeyError, TypeError):  # another reportlab: its own compression
            return reference
        if program.filters:
            program.filters = [_QUICK_FLATE]
        return reference

    def get_table(self, tag: str) -> Any:
        """Return a table; the glyphs and glyph names as a window, not a copy of megabytes."""
        if tag in ("glyf", "post"):
            where, length = self.get_table_pos(tag)
            return _Window(memoryview(self._ttf_data)[where : where + length])
        return super().get_table(tag)


@cache
def _formatted(number: float) -> bytes:
    """Return a number as reportlab writes it in a PDF."""
    formatted: bytes = pdfdoc.format(number, None)
    return formatted


class _QuickFlate:
    """zlib compression of bytes alone, without a search for repeats, as a reportlab stream
    filter (any PDF reader decodes it: it is FlateDecode)."""

    pdfname = "FlateDecode"

    def encode(self, data: bytes) -> bytes:
        squeeze = zlib.compressobj(1, zlib.DEFLATED, zlib.MAX_WBITS, 8, zlib.Z_HUFFMAN_ONLY)
        return squeeze.compress(data) + squeeze.flush()

    def decode(self, data: bytes) -> bytes:
        return zlib.decompress(data)


_QUICK_FLATE = _QuickFlate()


_MORE_COMPONENTS = 1 << 5

# A glyph as subsets copy it (see _Face._outline).
_Outline = tuple[bytes, int, tuple[tuple[int, int, int], ...], tuple[int, int]]


def _part_arguments(flags: int) -> int:
    """Return how many bytes a composite glyph's part has after its flags and glyph."""
    arguments = 4 if flags & 1 else 2  # two words or two bytes
    if flags & (1 << 3):  # one scale
        return arguments + 2
    if flags & (1 << 6):  # x and y scales
        return arguments + 4
    if flags & (1 << 7):  # a two by two matrix
        return arguments + 8
    return arguments


def _changed(table: bytes, where: int, number: int) -> bytes:
    """Return the table with an unsigned 16-bit number at `where`."""
    return table[:where] + pack(">H", number) + table[where + 2 :]


def _checksum(data: bytes) -> int:
    """Return a TrueType table's checksum: its 32-bit words summed, the last padded."""
    words = array("I", bytes(data) + bytes(-len(data) % 4))
    if words.itemsize != 4:
        raise TTFError("no 32-bit numbers on this machine")
    if sys.byteorder == "little":
        words.byteswap()
    return sum(words) & 0xFFFFFFFF


def _font_file(tables: list[tuple[str, bytes, int]]) -> bytes:
    """Return a TrueType font file of tables sorted by tag, as reportlab writes one."""
    count = len(tables)
    search, selector = 1, 0
    while search * 2 <= count:
        search, selector = search * 2, selector + 1
    parts = [pack(">lHHHH", 0x00010000, count, 16 * search, selector, 16 * (count - search))]
    offset, head, total = 12 + 16 * count, 0, 0
    for tag, data, checksum in tables:
        head = offset if tag == "head" else head
        parts.append(tag.encode("latin-1") + pack(">LLL", checksum, offset, len(data)))
        offset += len(data) + (-len(data) % 4)
        total += checksum
    # The whole file sums to a fixed number: the words of the directory and of every table.
    total += _checksum(b"".join(parts))
    for _tag, data, _sum in tables:
        parts += (data, bytes(-len(data) % 4))
    file = bytearray(b"".join(parts))
    pack_into(">L", file, head + 8, (0xB1B0AFBA - total) & 0xFFFFFFFF)
    return bytes(file)


def _numbers(data: bytes, start: int, count: int, code: str = "H") -> array[int]:
    """Read `count` big-endian unsigned 16-bit (H) or 32-bit (I) numbers."""
    numbers = array(code, data[start : start + array(code).itemsize * count])
    if len(numbers) != count or numbers.itemsize != {"H": 2, "I": 4}[code]:
        raise TTFError("a table runs past the end of the font file")
    if sys.byteorder == "little":
        numbers.byteswap()
    return numbers


class _Pairs:
    """The glyph metrics as reportlab keeps them: (advance, left side bearing) by glyph."""

    def __init__(self, advances: list[float], sides: list[int]) -> None:
        self.advances, self.sides = advances, sides

    def __getitem__(self, glyph: int) -> tuple[float, int]:
        return self.advances[glyph], self.sides[glyph]

    def __len__(self) -> int:
        return len(self.sides)


class _Doubled:
    """The short glyph locations, which the font stores halved."""

    def __init__(self, halves: array[int]) -> None:
        self.halves = halves

    def __getitem__(self, glyph: int) -> int:
        return self.halves[glyph] << 1

    def __len__(self) -> int:
        return len(self.halves)


class _Window:
    """Part of the font file, copied only a slice at a time."""

    def __init__(self, view: memoryview) -> None:
        self.view = view

    def __getitem__(self, part: slice) -> bytes:
        return bytes(self.view[part])

    def __len__(self) -> int:
        return len(self.view)


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
