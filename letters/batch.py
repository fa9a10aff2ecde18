"""One document command over many cases: each case on its own, every outcome reported.

A volunteer helping thirty people runs a command once. One case's bad input does not stop
the others; each case's documents go to its own folder; the outcomes say which failed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from letters.casefolder import CaseLocation, case_name, locate
from letters.errors import InputError, LettersError
from letters.i18n import _

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What one case came to: its result, or the error that stopped it."""

    case: Path
    result: T | None = None
    error: LettersError | None = None


def out_dir(where: CaseLocation, out: Path | None, here: Path) -> Path:
    """Return where a case's documents go when several cases are done at once.

    With -o OUT, each case gets OUT/<case name>; without it, a case folder's documents go to
    its documents folder, and a case file's to a folder named after it in `here`.
    """
    if out is not None:
        return out / case_name(where)
    if where.documents_dir is not None:
        return where.documents_dir
    return here / case_name(where)


def run_each(
    cases: Sequence[Path],
    job: Callable[[CaseLocation], T],
    advance: Callable[[], None] = lambda: None,
) -> list[Outcome[T]]:
    """Run `job` on every case in turn; an error stops that case only."""
    where = [locate(path) for path in cases]
    names = [case_name(location) for location in where]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise InputError(
            _(
                "two cases are named {name} — their documents would go to the same folder: "
                "rename one of the folders or files"
            ).format(name=twice[0])
        )
    outcomes: list[Outcome[T]] = []
    for path, location in zip(cases, where, strict=True):
        try:
            outcomes.append(Outcome(path, result=job(location)))
        except LettersError as error:
            outcomes.append(Outcome(path, error=error))
        advance()
    return outcomes
