"""Text rules for Chinese (and any wide script) beside Latin: which characters are wide, how
wrapped lines join, how a Latin value is spaced off, and where a printed line may break.

A line must never start with closing punctuation (。，、；：！？）), an identifier, a date or
a phone number must never be split across two lines, and a Latin word is never cut unless it
is wider than a whole line. The DOCX backend marks the same places unbreakable for Word.

Standard library only: the letters' words, the PDF letter, the evidence index and the DOCX
all use it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence

# A line may not start with closing punctuation, nor end with opening punctuation.
NO_START = frozenset("。．，、；：！？）］｝〕〉》」』】〙〗〟’”…‥・·%％‰℃°!),.:;?]}")
NO_END = frozenset("（［｛〔〈《「『【〘〖〝‘“([{$￥＄¥£")
# Phone numbers as letters print them: (415) 555-0188, +86 139 1234 5678.
PHONE = re.compile(r"\(\d{3}\) \d{3}-\d{4}|\+\d{1,3}(?: \d{1,5})+")
# Dates: 2026年12月1日, December 1, 2026, Dec 1, 2026 — each stays on one line.
DATE = re.compile(
    r"\d{4}年\d{1,2}月\d{1,2}日"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}, \d{4}"
    r"|[上下]午\d{1,2}:\d{2}"  # a time: 上午11:00
)
# Digit groups (9407 1118 9876 5432 1000) and words joined by hyphens (ACC-889977).
_GROUPS = re.compile(r"\d(?: \d)+|[0-9A-Za-z](?:-[0-9A-Za-z])+")
# The only places a line may break: after a space, or beside a character that may be wide
# (none below U+1100 is). Only these are looked at: a long Latin text costs a regex scan.
# "Not below U+1100" rather than "U+1100 to U+10FFFF": the same characters, and a class the
# regex compiler builds from 4,352 code points rather than 61,184 (4 ms at every start).
_MAYBE = re.compile(r"(?<= )(?! )|(?<=[^\x00-\u10ff])|(?=[^\x00-\u10ff])")
EPSILON = 0.001


# --- wide characters and joined lines -------------------------------------------------------


def is_wide(char: str) -> bool:
    """Return True for a character that takes two columns: Chinese, full-width punctuation."""
    # Nothing below U+1100 (Hangul Jamo) is wide: the common case costs one comparison.
    return char >= "\u1100" and unicodedata.east_asian_width(char) in ("W", "F")


def join_lines(lines: Sequence[str]) -> str:
    """Join wrapped lines: a space between Latin words, nothing between Chinese characters."""
    text = ""
    for line in lines:
        if text and _needs_space(text[-1], line[0]):
            text += " "
        text += line
    return text


def _needs_space(before: str, after: str) -> bool:
    if is_wide(before) and is_wide(after):
        return False
    # Full-width punctuation carries its own space; Latin next to Chinese gets a space.
    return not any(is_wide(c) and unicodedata.category(c).startswith("P") for c in (before, after))


def pad(value: str) -> str:
    """Space a Latin value off from the Chinese text around it (`与 Agent Lisa 沟通`)."""
    value = str(value)
    left = " " if value[:1].isascii() and value[:1].isalnum() else ""
    right = " " if value[-1:].isascii() and value[-1:].isalnum() else ""
    return f"{left}{value}{right}"


# --- line breaking ----------------------------------------------------------------------------


def break_lines(
    text: str,
    width: float,
    measure: Callable[[str], float],
    indent: float = 0.0,
    keep: Iterable[str] = (),
) -> list[tuple[str, str]]:
    """Break text into lines no wider than `width`; return (line, the space broken at) pairs.

    Breaks go at spaces, and between Chinese characters except before closing or after
    opening punctuation. Runs of Latin letters and digits, phone numbers, digit groups
    (9407 1118 …) and the `keep` strings stay on one line; only a word wider than a whole
    line is cut. Joining every line with its space gives back `text` exactly.
    """
    room = width - indent
    line = text.rstrip(" ")
    if measure(line) <= room + EPSILON:  # the common case: it fits, whatever its words
        return [(line, text[len(line) :])]
    lines: list[tuple[str, str]] = []
    line = gap = ""
    used = 0.0
    pieces = units(text, glued(text, keep))
    if any(" " in value and value in text and measure(value) > width + EPSILON for value in keep):
        pieces = list(_fitting(pieces, width, measure))
    for word, space in pieces:
        size = measure(word)
        if line or gap:
            extra = measure(gap) + size
            if used + extra <= room + EPSILON:
                line, used, gap = line + gap + word, used + extra, space
                continue
            lines.append((line, gap))
            room = width
        if size > room + EPSILON:  # cut a line's worth at a time, each character measured once
            start = 0
            while len(word) - start > 1:
                cut = _cut(word, start, room, measure)
                if start + cut == len(word):  # the rest fits
                    break
                lines.append((word[start : start + cut], ""))
                start, room = start + cut, width
            word = word[start:]
            size = measure(word)
        line, used, gap = word, size, space
    lines.append((line, gap))
    return lines


def _fitting(
    pieces: list[tuple[str, str]], width: float, measure: Callable[[str], float]
) -> Iterator[tuple[str, str]]:
    """Yield the pieces of a text, a `keep` string wider than a whole line broken where its
    words are (keeping its numbers and dates whole), rather than cut at a character."""
    for word, space in pieces:
        if " " not in word or measure(word) <= width + EPSILON:
            yield word, space
            continue
        inner = units(word, glued(word))
        yield from inner[:-1]
        yield inner[-1][0], space


def units(text: str, glued: set[int]) -> list[tuple[str, str]]:
    """Split text at every place a line may break: (word, the spaces after it) pairs."""
    units = []
    start = 0
    for match in _MAYBE.finditer(text, 1, len(text)):
        end = match.start()
        if end in glued or end == len(text):
            continue
        before = visible = text[end - 1]
        at = end - 1
        while visible == " " and at:  # the last character before the spaces
            at -= 1
            visible = text[at]
        if _may_break(before, text[end], visible if visible != " " else ""):
            chunk = text[start:end]
            word = chunk.rstrip(" ")
            units.append((word, chunk[len(word) :]))
            start = end
    if text:
        chunk = text[start:]
        word = chunk.rstrip(" ")
        units.append((word, chunk[len(word) :]))
    return units


def _may_break(before: str, after: str, visible: str) -> bool:
    if after == " " or after in NO_START or visible in NO_END:
        return False
    return before == " " or is_wide(before) or is_wide(after)


def glued(text: str, keep: Iterable[str] = ()) -> set[int]:
    """Return the positions inside phone numbers, dates, digit groups and `keep` strings."""
    spans = [match.span() for pattern in (PHONE, DATE, _GROUPS) for match in pattern.finditer(text)]
    for value in keep:
        start = text.find(value)
        while value and start >= 0:
            spans.append((start, start + len(value)))
            start = text.find(value, start + 1)
    return {position for start, end in spans for position in range(start + 1, end)}


def _cut(word: str, start: int, room: float, measure: Callable[[str], float]) -> int:
    """Return how many characters of an over-long word, from `start`, fit in `room` (at
    least one)."""
    used = 0.0
    end = start
    while end < len(word):
        used += measure(word[end])
        if used > room + EPSILON:
            break
        end += 1
    count = max(end - start, 1)
    if 1 < count < len(word) - start and word[start + count] in NO_START:
        count -= 1
    return count
