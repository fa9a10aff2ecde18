"""Fidelity: every value of the case file a document prints appears in it verbatim.

A letter's words remember which case values they printed (`Letter.values`, by part); each
output checks its own text against the values of the parts it carries, and refuses to be
written if one is missing (no `&amp;`, no lost `&T`, no boxes instead of Chinese).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from letters.errors import RenderError
from letters.i18n import _

if TYPE_CHECKING:
    from letters.content import Letter

MESSAGE_PARTS = ("salutation", "paragraphs", "closing", "signature")
"""The parts of a `Letter` the body of a message carries, in order (see `Letter.body_lines`)."""
PRINTED = ("title", "delivery", "reference", "salutation", "paragraphs", "closing", "signature",
           "enclosures")  # fmt: skip
"""The parts of a `Letter` that paper carries, in reading order (the subject is not one)."""


def required_values(letter: Letter, parts: Sequence[str] | None = None) -> dict[str, str]:
    """Return the case values an output of a letter must carry verbatim: the ones it printed
    in the `parts` the output carries (all parts if None)."""
    return {key: value for part, key, value in letter.values if parts is None or part in parts}


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


def printed_values(letter: Letter) -> dict[str, str]:
    """Return what a printed letter must carry verbatim: case values, addresses, every line."""
    lines = {f"letter {name}": line for name, line in printed_lines(letter).items()}
    values = required_values(letter, PRINTED)
    if not letter.sheet:  # a sheet for the holder has no addresses
        values.update(letter.addressed)
    return values | lines


def check_fidelity(text: str, values: dict[str, str], medium: str) -> None:
    """Fail unless every value appears verbatim in a document's text."""
    for key, value in values.items():
        if value not in text:
            raise RenderError(
                _("{medium}: {key} does not appear verbatim — the document was not written").format(
                    medium=medium, key=key
                )
            )
