"""Check a Word layout template from a template folder before anything opens it.

A `.docx` is a zip of XML parts. One from a stranger can be a zip bomb (a small file that
inflates to gigabytes), can make Word fetch an address when the letter is opened (an attached
template or any other external relationship: the remote-template trick that leaks the user's
network credentials), or can carry macros. The check reads the zip's directory, then streams
every part through bounded reads — never a part whole, never more than the sizes allow — and
refuses the file at the first problem, naming it. Refusing beats stripping: the user's letter
is laid out from exactly the file they chose, or not at all.

Standard library only, so the check runs before docxtpl (or anything) parses the file.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

from letters.errors import InputError
from letters.i18n import _

MAX_FILE = 10 * 1024 * 1024
"""The largest layout template read (one with a letterhead image is well under 1 MB)."""
MAX_PARTS = 500
"""The most parts (zip entries) a layout template may hold; Word writes a few dozen."""
MAX_UNPACKED = 40 * 1024 * 1024
"""The most all parts together may unpack to."""
MAX_XML_PART = 4 * 1024 * 1024
"""The largest XML part: the letter's body, headers and footers are rendered as text."""
MAX_RATIO = 200
"""The most a part larger than `RATIO_FLOOR` may be compressed (XML: 5 to 30 to 1)."""
RATIO_FLOOR = 256 * 1024
MAX_TAGS = 5000
"""The most template tags one part may hold (a letter's layout has a few dozen)."""
CHUNK = 64 * 1024

_MACRO_NAMES = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml|activeX\d*\.(xml|bin))$", re.I)
_MACRO_TYPES = re.compile(rb"macroEnabled|vbaProject|vbaData|ms-office\.activeX", re.I)
_MACRO_RELATIONSHIPS = ("/vbaProject", "/activeXControl", "/wordVbaData", "/keyMapCustomizations")
# Embedded content Word imports, opens or runs: HTML chunks (which fetch their pictures), OLE
# objects and packages (which can be programs), sub-documents. A layout template needs none.
_EMBEDDING_RELATIONSHIPS = ("/aFChunk", "/oleObject", "/package", "/subDocument")
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.I)
_WIDE = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")  # how UTF-16 XML starts
_DECLARED = re.compile(rb"\s*<\?xml[^>]*?\bencoding\s*=\s*[\"']([^\"']*)[\"']")
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
# Field codes that make Word fetch a file or address, or run a program (DDE), when the letter
# is opened or its fields updated: each field's code read as Word reads it (`field_codes`).
_FETCHING = re.compile(r"\b(DDEAUTO|DDE|INCLUDEPICTURE|INCLUDETEXT|INCLUDE|LINK|IMPORT|DATABASE)\b")
# docxtpl tidies tags with regular expressions that, from every `{{` that has no `}}` before
# the next tag, scan on to the end of the part: unclosed tags cost time by their square.
_TAG = re.compile(rb"\{\{|\{%|\{#|\}\}|%\}|#\}")
_CLOSES = {b"{{": b"}}", b"{%": b"%}", b"{#": b"#}"}


def check_layout(name: str, data: bytes) -> None:
    """Fail with a clear InputError unless `data` is a plain, bounded, self-contained .docx."""
    if len(data) > MAX_FILE:
        raise InputError(
            _("{name}: the layout template is larger than the limit of {size} MB").format(
                name=name, size=MAX_FILE // (1024 * 1024)
            )
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise InputError(_("{name}: not a Word document (.docx)").format(name=name)) from error
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_PARTS:
            raise InputError(
                _("{name}: the layout template holds {count} parts; the limit is {limit}").format(
                    name=name, count=len(entries), limit=MAX_PARTS
                )
            )
        unpacked = 0
        for entry in entries:
            _check_name(name, entry)
            unpacked += _check_part(name, archive, entry, unpacked)


def check_rendered(name: str, data: bytes) -> None:
    """Fail unless the document rendered from layout template `name` is still self-contained.

    Template tags can assemble what the checks of the file itself never saw: a field code
    split by a tag (`INCLUDE{{ "PICTURE" }}`). The rendered parts are our own output, bounded
    by the rendering's limits, so they are read whole.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for entry in archive.infolist():
            part = entry.filename
            content = archive.read(entry)
            if part.endswith(".rels"):
                _check_relationships(name, part, content)
            elif part.endswith(".xml") or _looks_xml(content):
                _check_fields(name, part, content)


def _check_name(name: str, entry: zipfile.ZipInfo) -> None:
    if entry.flag_bits & 0x1:
        raise InputError(
            _("{name}: the part {part} is encrypted").format(name=name, part=_shown(entry.filename))
        )
    if _MACRO_NAMES.search(entry.filename):
        raise _macros(name, entry.filename)


def _check_part(name: str, archive: zipfile.ZipFile, entry: zipfile.ZipInfo, before: int) -> int:
    """Stream one part, bounded; check what it says; return how many bytes it unpacked to.

    A part is XML by its name or by its first bytes: Word finds the document's parts through
    the relationships, whatever they are named (`word/document.dat`).
    """
    part = entry.filename
    xml = part.endswith((".xml", ".rels")) or part == "[Content_Types].xml"
    _check_claims(name, entry, before, xml)
    kept, size, xml = _read_part(name, archive, entry, before, xml)
    if part == "[Content_Types].xml" and _MACRO_TYPES.search(kept):
        raise _macros(name, part)
    if part.endswith(".rels"):
        _check_relationships(name, part, bytes(kept))
    elif xml:
        _check_fields(name, part, bytes(kept))
        _check_tags(name, part, bytes(kept))
    return size


def _check_claims(name: str, entry: zipfile.ZipInfo, before: int, xml: bool) -> None:
    """Refuse a part whose sizes, as the zip directory claims them, are those of a bomb."""
    if before + entry.file_size > MAX_UNPACKED:
        raise _bomb(name)
    if entry.file_size > RATIO_FLOOR and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
        raise InputError(
            _("{name}: the part {part} is compressed more than {ratio} to 1 — refused as a "
              "likely zip bomb").format(name=name, part=_shown(entry.filename), ratio=MAX_RATIO)
        )  # fmt: skip
    if xml and entry.file_size > MAX_XML_PART:
        raise _bomb(name)
    # Deflate never grows data by more than a few bytes in a thousand: compressed data larger
    # than its claimed size hides more (zipfile would inflate all of it in one step, then cut).
    if entry.compress_size > entry.file_size + entry.file_size // 100 + 1024:
        raise _bomb(name)


def _read_part(
    name: str, archive: zipfile.ZipFile, entry: zipfile.ZipInfo, before: int, xml: bool
) -> tuple[bytearray, int, bool]:
    """Unpack one part in chunks, held to its claimed size; return its bytes (an XML part's
    only: the others are only counted), its size, and whether it is XML."""
    part = entry.filename
    kept = bytearray()
    size = 0
    tail = b""
    try:
        with archive.open(entry) as stream:
            while chunk := stream.read(CHUNK):
                if size == 0:
                    xml = xml or _looks_xml(chunk)
                    if xml:
                        _check_encoding(name, part, chunk)
                size += len(chunk)
                # The directory's sizes are only claims: hold the stream to them too.
                if size > entry.file_size or before + size > MAX_UNPACKED:
                    raise _bomb(name)
                if xml and size > MAX_XML_PART:
                    raise _bomb(name)
                if xml and _DOCTYPE.search(tail + chunk):
                    raise InputError(
                        _("{name}: the part {part} declares a document type, which a Word "
                          "document never needs").format(name=name, part=_shown(part))
                    )  # fmt: skip
                tail = chunk[-16:]
                if xml:
                    kept += chunk
    except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError, RuntimeError) as error:
        raise InputError(
            _("{name}: the part {part} cannot be read — not a Word document (.docx)").format(
                name=name, part=_shown(part)
            )
        ) from error
    return kept, size, xml


def _looks_xml(data: bytes) -> bool:
    """Say whether a part's first bytes are markup, in UTF-8 or UTF-16 (not a picture's or a
    font's bytes, which may start with a zero: an EMF's 01 00 00 00)."""
    if data.startswith(_WIDE):
        return True
    return data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"<")


def _check_encoding(name: str, part: str, start: bytes) -> None:
    """Refuse an XML part not in UTF-8, the encoding Word writes: the checks read UTF-8."""
    declared = _DECLARED.match(start.removeprefix(b"\xef\xbb\xbf"))
    if start.startswith(_WIDE) or (
        declared and declared.group(1).lower() not in (b"utf-8", b"utf8", b"us-ascii")
    ):
        raise InputError(
            _("{name}: the part {part} is not in UTF-8, as Word writes it — save the layout "
              "template again in Word").format(name=name, part=_shown(part))
        )  # fmt: skip


def _check_tags(name: str, part: str, data: bytes) -> None:
    """Fail on a tag opened inside another, closed by another kind's mark (`{{ … %}`) or
    closed and never opened, or on too many tags: from each `{{` not closed by `}}`, and from
    each `-%}`, docxtpl's clean-up scans on to the next tag, or to the end of the part."""
    closing: bytes | None = None  # the mark that closes the tag open
    count = 0
    for match in _TAG.finditer(data):
        mark = match.group()
        if mark in _CLOSES:
            if closing is not None:
                raise InputError(
                    _("{name}: the part {part} opens a template tag inside another (“{{{{” "
                      "before “}}}}”) — is a tag mistyped in Word?").format(
                        name=name, part=_shown(part)
                    )
                )  # fmt: skip
            closing = _CLOSES[mark]
            count += 1
            if count > MAX_TAGS:
                raise InputError(
                    _("{name}: the part {part} holds more than {count} template tags").format(
                        name=name, part=_shown(part), count=MAX_TAGS
                    )
                )
        elif mark != closing:
            raise InputError(
                _("{name}: the part {part} closes a template tag that is not open, or closes it "
                  "with another kind's mark (“{{{{” with “%}}”) — is a tag mistyped in Word?"
                  ).format(name=name, part=_shown(part))
            )  # fmt: skip
        else:
            closing = None


def _check_fields(name: str, part: str, data: bytes) -> None:
    for code in field_codes(name, part, data):
        found = _FETCHING.search(" ".join(code.upper().split()))
        if found:
            raise InputError(
                _("{name}: the part {part} has a {field} field, which makes Word fetch a file or "
                  "run a program when the letter is opened — remove the field in Word").format(
                    name=name, part=_shown(part), field=found.group(1)
                )
            )  # fmt: skip


def field_codes(name: str, part: str, data: bytes) -> list[str]:
    """Return the code of each field in an XML part, as Word reads it: the part parsed (its
    references resolved, its CDATA, comments and processing instructions read as XML reads
    them), a complex field's code joined from all its runs, a simple field's from its
    attribute. Elements are known by their local names, whatever their namespace."""
    codes: list[str] = []
    open_fields: list[list[str]] = []  # the code read so far of each field begun, nested
    try:
        for _event, element in ElementTree.iterparse(io.BytesIO(data)):
            local = element.tag.rpartition("}")[2]
            if local == "fldChar":
                kind = _attribute(element, "fldCharType")
                if kind == "begin":
                    open_fields.append([])
                elif kind == "end" and open_fields:
                    codes.append("".join(open_fields.pop()))
            elif local == "instrText":
                text = "".join(element.itertext())
                if open_fields:
                    open_fields[-1].append(text)
                else:
                    codes.append(text)
            elif local == "fldSimple":
                codes.append(_attribute(element, "instr"))
    except ElementTree.ParseError as error:
        raise InputError(
            _("{name}: the part {part} cannot be read — not a Word document (.docx)").format(
                name=name, part=_shown(part)
            )
        ) from error
    return codes + ["".join(pieces) for pieces in open_fields]


def _attribute(element: ElementTree.Element, local: str) -> str:
    """Return an element's attribute by its local name, whatever its namespace."""
    return next((v for k, v in element.attrib.items() if k.rpartition("}")[2] == local), "")


def _check_relationships(name: str, part: str, data: bytes) -> None:
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise InputError(
            _("{name}: the part {part} cannot be read — not a Word document (.docx)").format(
                name=name, part=_shown(part)
            )
        ) from error
    for relationship in root.iter(_RELATIONSHIP):
        kind = relationship.get("Type", "")
        target = relationship.get("Target", "")
        if kind.endswith(_MACRO_RELATIONSHIPS):
            raise _macros(name, part)
        if kind.endswith(_EMBEDDING_RELATIONSHIPS):
            raise InputError(
                _("{name}: the part {part} embeds content Word would import, open or run "
                  "({kind}) — remove it in Word").format(
                    name=name, part=_shown(part), kind=_shown(kind.rsplit("/", 1)[-1])
                )
            )  # fmt: skip
        if relationship.get("TargetMode", "").lower() == "external" or kind.endswith(
            "/attachedTemplate"
        ):
            raise InputError(
                _("{name}: the part {part} points outside the document ({kind}: {target}) — "
                  "Word would fetch it when the letter is opened; remove the attached "
                  "template, linked picture or link in Word").format(
                    name=name, part=_shown(part), kind=_shown(kind.rsplit("/", 1)[-1]),
                    target=_shown(target),
                )
            )  # fmt: skip


def _macros(name: str, part: str) -> InputError:
    return InputError(
        _("{name}: the layout template contains macros ({part}) — save it in Word as a Word "
          "Document (.docx), not a macro-enabled one").format(name=name, part=_shown(part))
    )  # fmt: skip


def _bomb(name: str) -> InputError:
    return InputError(
        _("{name}: the layout template unpacks to more than its limits ({size} MB in all, "
          "{part_size} MB for a text part) — refused as a likely zip bomb").format(
            name=name, size=MAX_UNPACKED // (1024 * 1024), part_size=MAX_XML_PART // (1024 * 1024)
        )
    )  # fmt: skip


def _shown(text: str) -> str:
    """Return a stranger's text fit for one line of a message: printable and short."""
    text = "".join(char if char.isprintable() else "?" for char in text)
    return text if len(text) <= 80 else text[:77] + "..."
