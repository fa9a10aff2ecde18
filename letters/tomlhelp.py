"""TOML syntax errors explained in the user's language, with the usual mistakes named.

tomllib explains in English and only says what it expected; people editing a case file by
hand in Chinese mostly trip over a few things: Chinese quotation marks, a full-width `＝`,
a date with a one-digit month or day, a missing quote, text without quotes. Each is
recognised on the line tomllib points at and explained with the line written right.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from letters.i18n import N_, _

# tomllib's messages, by their opening words, and what they mean for a case file.
_REASONS = (
    ("Invalid value", N_("this value cannot be read")),
    ("Expected newline or end of document", N_("something follows the value on the same line")),
    ("Invalid statement", N_("the line is neither key = value nor a [table] header")),
    ("Unterminated string", N_("a text value has no closing quote")),
    ("Illegal character", N_("a text value has no closing quote, or a character TOML refuses")),
    ("Cannot declare", N_("a table is written twice")),
    ("Cannot overwrite a value", N_("a key is written twice")),
    ("Cannot mutate", N_("a key is written twice")),
    ("Cannot redefine", N_("a key is written twice")),
    ("Duplicate inline table key", N_("a key is written twice")),
    ("Expected '=' after a key", N_("a key must be followed by =")),
    ("Invalid date or datetime", N_("this date does not exist, or is not written YYYY-MM-DD")),
    ("Unclosed array", N_("a list [ … ] is not closed")),
    ("Unclosed inline table", N_("a table { … } is not closed on its line")),
    ("Expected ']' at the end of a table", N_("a [table] header has no closing ]")),
    ("Expected ']]' at the end of an array", N_("an [[array]] header has no closing ]]")),
    ("Invalid initial character for a key", N_("a key must start with a letter, a digit, _ or -")),
)
_CHINESE_QUOTES = "“”‘’「」『』"
_SHORT_DATE = re.compile(r"=\s*(\d{4})-(\d{1,2})-(\d{1,2})(?![\d])")
_CHINESE_DATE = re.compile(
    r"^\s*([A-Za-z0-9_.-]+)\s*=\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]?"
)
_BARE_TEXT = re.compile(r"\s*([A-Za-z0-9_-]+)\s*=\s*([^\s\"'\[{0-9tf+-][^\"'#]*?)\s*(#.*)?$")


def reason(message: str) -> str:
    """Say in the user's language what tomllib's message means (without its position)."""
    for opening, meaning in _REASONS:
        if message.startswith(opening):
            return _(meaning)
    return _("this line is not valid TOML")


def mistake(source: str, looks_secret: Callable[[str], bool]) -> str | None:
    """Name the usual mistake on a line, with the line written right, or None."""
    if any(mark in source for mark in _CHINESE_QUOTES):
        fixed = source.strip()
        for mark in _CHINESE_QUOTES:
            fixed = fixed.replace(mark, '"')
        return _(
            "Chinese quotation marks “ ” are not quotes in TOML: switch the keyboard to English "
            "and type straight quotes: {fixed}"
        ).format(fixed=fixed)
    if "＝" in source:
        return _(
            "the full-width ＝ is not an equals sign in TOML: switch the keyboard to English and "
            "type =: {fixed}"
        ).format(fixed=source.strip().replace("＝", "="))
    chinese = _CHINESE_DATE.match(source)
    if chinese:
        key, year, month, day = chinese.groups()
        return _(
            'a date goes in the form {fixed}, or in quotes as you wrote it: {key} = "{written}"'
        ).format(
            fixed=f"{year}-{int(month):02d}-{int(day):02d}",
            key=key,
            written=f"{year}年{int(month)}月{int(day)}日",
        )
    short = _SHORT_DATE.search(source)
    if short and (len(short.group(2)) == 1 or len(short.group(3)) == 1):
        year, month, day = short.groups()
        return _("a date needs two digits for the month and the day: write {fixed}").format(
            fixed=f"{year}-{int(month):02d}-{int(day):02d}"
        )
    if source.count('"') % 2 == 1 and '"""' not in source:
        return _(
            'a quote is missing: text goes between two straight quotes, like carrier = "Example '
            'Mobile"'
        )
    bare = _BARE_TEXT.match(source)
    if bare and bare.group(2) not in ("true", "false") and not looks_secret(bare.group(1)):
        return _('text goes in quotes: {key} = "{value}"').format(
            key=bare.group(1), value=bare.group(2)
        )
    return None
