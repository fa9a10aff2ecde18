"""Forgiving input: read what people type naturally, and give back one exact form.

A Chinese keyboard often types full-width characters (`１２３４`, `－`, `＠`, `＄`) and the
ideographic full stop `。` where a dot is meant. NFKC folds the full-width forms into their
ASCII twins; in an email domain the ideographic full stops count as dots, as IDNA (UTS #46)
does. Dates and money are read in the usual ways people write them and returned as `date`
and `Decimal`. Each reader raises `NormalizeError` with a hint, in the user's language,
showing the form that is understood.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from letters.i18n import _

# Full stops IDNA maps to "." in a domain: ideographic, full-width, half-width ideographic.
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
# Dashes people type between digit groups that NFKC leaves alone.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc", "-"))
# Characters that show nothing and come along when text is copied from a web page or a chat
# app: zero-width space, non-joiner and joiner, word joiner, the invisible operators,
# zero-width no-break space (a byte-order mark), soft hyphen, Mongolian vowel separator. Left
# in an account number, the carrier cannot find it.
_INVISIBLE = str.maketrans(
    dict.fromkeys("\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e")
)

_ISO = re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})")
_US = re.compile(r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")
_CJK = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]?")
# A time of day after a date: 14:30, 14:30:00-08:00, 2:30 PM, 下午2点半, 下午2:30, 14点30分.
_CLOCK = re.compile(
    r"(?P<half>凌晨|早上|上午|中午|下午|傍晚|晚上)?\s*(?P<hour>\d{1,2})\s*"
    r"(?:[:：]\s*(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"|(?P<mark>[点點时時])\s*(?:(?P<minutes>\d{1,2})\s*分?|(?P<half_hour>半))?)?"
    r"\s*(?P<suffix>[ap]\.?\s*m\.?)?\s*(?P<offset>Z|[+-]\d{2}:\d{2})?",
    re.IGNORECASE,
)
# The hours of a 12-hour clock each part of the day takes, and what they are on a 24-hour one:
# 中午1点 is 13:00, and 晚上12点 the midnight that ends the day (24: the next day's 0:00).
# 上午12点 is left out: some mean noon by it, others midnight.
_DAY_PARTS = {
    "a": {12: 0} | {hour: hour for hour in range(1, 12)},  # AM
    "p": {12: 12} | {hour: hour + 12 for hour in range(1, 12)},  # PM
    "凌晨": {12: 0} | {hour: hour for hour in range(7)},
    "早上": {hour: hour for hour in range(4, 12)},
    "上午": {hour: hour for hour in range(1, 12)},
    "中午": {11: 11, 12: 12, 1: 13, 2: 14},
    "下午": {12: 12} | {hour: hour + 12 for hour in range(1, 8)},
    "傍晚": {hour: hour + 12 for hour in range(4, 9)},
    "晚上": {12: 24} | {hour: hour + 12 for hour in range(5, 12)},
}
_MONEY = re.compile(
    r"(?:US\s*\$|USD\s*|\$)?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(?:USD|美元|美金)?"
)


class NormalizeError(ValueError):
    """A value cannot be read; the message shows the form that can."""


class NoSuchDay(NormalizeError):
    """A date in a form that is read, of a day the calendar does not have (February 30)."""

    def __init__(self) -> None:
        super().__init__(_("there is no such day in the calendar — check the month and the day"))


def visible(text: str) -> str:
    """Return text without the characters that show nothing (a pasted zero-width space)."""
    return text.translate(_INVISIBLE)


def fold(text: str) -> str:
    """Fold full-width and compatibility characters to their plain forms (NFKC), trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def identifier(text: str) -> str:
    """Return an account number, ZIP code or reference as plain characters: `１２３` → `123`."""
    return fold(text)


def phone(text: str) -> str:
    """Return a phone number with full-width digits and every kind of dash made plain."""
    return fold(text).translate(_DASHES)


def email(text: str) -> str:
    """Return an email address folded, its domain's ideographic full stops read as dots."""
    folded = fold(text)
    local, at, domain = folded.rpartition("@")
    if not at:
        return folded
    return f"{local}@{domain.translate(_DOTS)}"


def parse_date(text: str) -> date:
    """Read a date written 2026-12-01, 2026-12-1, 12/1/2026 (US order) or 2026年12月1日."""
    folded = fold(text)
    for pattern, order in ((_ISO, (0, 1, 2)), (_CJK, (0, 1, 2)), (_US, (2, 0, 1))):
        match = pattern.fullmatch(folded)
        if match:
            parts = match.groups()
            year, month, day = (int(parts[index]) for index in order)
            try:
                return date(year, month, day)
            except ValueError:
                if pattern is _US:  # 31/12/2026: the day first, as in Europe
                    break
                raise NoSuchDay() from None
    raise NormalizeError(
        _("not a date — write it like 2026-12-01, or 12/1/2026 (month/day/year), or 2026年12月1日")
    )


def parse_moment(text: str) -> date | datetime:
    """Read a date, or a date and a time of day, as people write them: 2026-11-20 14:30,
    2026-11-20T14:30-08:00, 11/20/2026 2:30 PM, 2026年11月20日 下午2点半, 2026年11月20日14:30.

    A date alone is a `date`; with a time, a `datetime`, aware only when an offset is given.
    """
    folded = fold(text)
    try:
        return parse_date(folded)
    except NoSuchDay:
        raise
    except NormalizeError:
        pass
    for pattern, order in ((_ISO, (0, 1, 2)), (_CJK, (0, 1, 2)), (_US, (2, 0, 1))):
        day = pattern.match(folded)
        clock = day and _CLOCK.fullmatch(folded[day.end() :].lstrip(" T"))
        if day and clock and (clock["minute"] or clock["mark"] or clock["suffix"]):
            parts = day.groups()
            year, month, date_of_month = (int(parts[index]) for index in order)
            hour, minute = int(clock["hour"]), int(clock["minute"] or clock["minutes"] or 0)
            minute = 30 if clock["half_hour"] else minute
            part = clock["half"] or (clock["suffix"] or "")[:1].lower()
            if (part, hour) == ("上午", 12):
                raise NormalizeError(
                    _(
                        "上午12点 can be noon or midnight — write 中午12点 or 凌晨0点 "
                        "(or 12:00, 0:00)"
                    )
                )
            later = 0  # days after the date: 1 for 晚上12点
            if part:
                hours = _DAY_PARTS[part]
                if hour not in hours and part not in ("a", "p"):  # 晚上2点; 13 PM is garbled
                    raise NormalizeError(
                        _(
                            "{part} has no {hour} o'clock — write the time on a 24-hour clock, "
                            "like 02:00 or 14:00"
                        ).format(part=part, hour=hour)
                    )
                if hour not in hours:
                    break
                later, hour = divmod(hours[hour], 24)
            offset = clock["offset"]
            try:
                day_of = date(year, month, date_of_month) + timedelta(days=later)
            except ValueError:
                raise NoSuchDay() from None
            try:
                zone = (
                    datetime.strptime(offset.replace("Z", "+0000"), "%z").tzinfo if offset else None
                )
                at = time(hour, minute, int(clock["second"] or 0))
                return datetime.combine(day_of, at, zone)
            except ValueError:  # 25:00, 14:75
                break
    raise NormalizeError(
        _(
            "not a date or time — write it like 2026-11-20 14:30, 11/20/2026 2:30 PM or "
            "2026年11月20日 下午2:30"
        )
    )


def parse_money(text: str) -> Decimal:
    """Read an amount written 12.5, $12.50, US$12.50 or 1,234.50; return it as a Decimal."""
    folded = fold(text)
    match = _MONEY.fullmatch(folded)
    amount = None
    if match:
        try:
            amount = Decimal(match.group(1).replace(",", "") + (match.group(2) or ""))
        except InvalidOperation:
            amount = None
    if amount is None or not amount.is_finite():
        raise NormalizeError(_('not an amount of money — write it like "12.50" or "$12.50"'))
    return amount


def money_text(amount: Decimal) -> str:
    """Write an amount as a case file keeps it: at least two decimals (`12.5` → `12.50`)."""
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        return f"{amount:.2f}"
    return str(amount)


def is_latin(text: str) -> bool:
    """Return True if every letter of `text` is a Latin letter (as a US envelope needs)."""
    return all(
        not char.isalpha() or unicodedata.name(char, "").startswith("LATIN") for char in text
    )
