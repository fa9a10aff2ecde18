"""`letters status`: where every case stands, one line each, the most urgent first.

Stage, next step and due date are the guide's own (`guide.plan`), so the two can never
disagree. A case that cannot be read is reported in its place and does not stop the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from letters.casefolder import find_cases, locate
from letters.errors import InputError, LettersError
from letters.guide import Guide, calendar_of, plan
from letters.i18n import N_, _
from letters.identifiers import mask_name
from letters.output import write_outputs

STAGE_LABELS = {
    "prepare": N_("not sent"),
    "waiting": N_("waiting"),
    "overdue": N_("overdue"),
    "closed": N_("closed"),
}


@dataclass(frozen=True)
class CaseStatus:
    """Where one case stands on a day."""

    path: Path
    holder: str
    """The holder's name, masked: a status list is often shown to others."""
    carrier: str
    guide: Guide

    @property
    def stage(self) -> str:
        """Return the guide's stage: prepare, waiting, overdue or closed."""
        return self.guide.stage

    @property
    def next_step(self) -> str:
        """Return the guide's most pressing step: the first with the earliest date, or the first."""
        dated = [step for step in self.guide.steps if step.due]
        if dated:
            return min(dated, key=lambda step: step.due or date.max).text
        return self.guide.steps[0].text if self.guide.steps else ""

    @property
    def due(self) -> date | None:
        """Return the date of the next step, if it has one."""
        return min((step.due for step in self.guide.steps if step.due), default=None)

    @property
    def overdue(self) -> bool:
        """Tell whether the case is late: its answer, or a deadline it holds, is past."""
        due = self.due
        return self.stage == "overdue" or (
            self.stage != "closed" and due is not None and due < self.guide.today
        )

    def to_json(self) -> dict[str, Any]:
        """Return the status as plain data."""
        return {
            "path": str(self.path),
            "holder": self.holder,
            "carrier": self.carrier,
            "stage": self.stage,
            "overdue": self.overdue,
            "next_step": self.next_step,
            "due": self.due.isoformat() if self.due else None,
        }


@dataclass(frozen=True)
class Unreadable:
    """A case that could not be read, and why."""

    path: Path
    error: LettersError

    def to_json(self) -> dict[str, Any]:
        """Return the problem as plain data."""
        return {"path": str(self.path), "error": self.error.message, "details": self.error.details}


@dataclass(frozen=True)
class Overview:
    """Every case found, the most urgent first, and the cases that could not be read."""

    cases: tuple[CaseStatus, ...]
    unreadable: tuple[Unreadable, ...]

    def to_json(self) -> dict[str, Any]:
        """Return the overview as plain data."""
        return {
            "cases": [case.to_json() for case in self.cases],
            "unreadable": [problem.to_json() for problem in self.unreadable],
        }


def case_status(path: Path, today: date | None) -> CaseStatus:
    """Return where the case at `path` (a case folder or a case file) stands on `today`
    (None: today on the case's clock)."""
    from letters.case import load_case

    case = load_case(locate(path).case_file)
    return CaseStatus(
        path=path,
        holder=mask_name(case.holder.name),
        carrier=case.account.carrier,
        guide=plan(case, today or case.today()),
    )


def overview(paths: Iterable[Path], today: date | None) -> Overview:
    """Find every case under `paths` and say where each stands on `today` (None: each on its
    own clock); overdue first, then by date."""
    found: list[CaseStatus] = []
    unreadable: list[Unreadable] = []
    for path in find_cases(paths):
        try:
            found.append(case_status(path, today))
        except LettersError as error:
            unreadable.append(Unreadable(path, error))
    found.sort(key=lambda s: (not s.overdue, s.due or date.max, str(s.path)))
    if not found and not unreadable:
        raise InputError(
            _("no case found in {paths}").format(paths=", ".join(str(p) for p in paths))
        )
    return Overview(tuple(found), tuple(unreadable))


def line(status: CaseStatus) -> str:
    """Return a case's status as one line: where, who, carrier, stage, due date, next step."""
    from letters import i18n

    due = i18n.format_date(status.due, i18n.ui_language()) if status.due else "—"
    stage = _(STAGE_LABELS["overdue" if status.overdue else status.stage])
    return " · ".join(
        [str(status.path), status.holder, status.carrier, stage, due, status.next_step]
    )


def write_calendar(view: Overview, path: Path, force: bool = False) -> Path:
    """Write every case's deadlines into one .ics file, whole or not at all."""
    entries = [(f"{s.holder} · {s.carrier}", s.guide) for s in view.cases if s.guide.deadlines]
    if not entries:  # a calendar with no event is not a valid one (RFC 5545)
        raise InputError(_("--ics: there is no deadline yet to put in a calendar"))
    write_outputs({path: calendar_of(entries)}, force)
    return path
