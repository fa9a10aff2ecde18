"""The dates a zip entry can carry: MS-DOS dates run from 1980 to 2107."""

from __future__ import annotations

from datetime import date

FIRST = date(1980, 1, 1)
LAST = date(2107, 12, 31)


def zip_day(day: date) -> date:
    """Return the day letters stamps on zip entries for a bagging date: the nearest a zip holds."""
    return min(max(day, FIRST), LAST)
