"""`letters init --from-csv`: one case folder per row of a spreadsheet.

A volunteer keeps the people she helps in a spreadsheet and saves it as CSV (Excel's "CSV
UTF-8", or plain UTF-8; commas, semicolons or tabs). The columns are the case file's own
keys (`holder.name`, `account.number`, …, see COLUMNS) plus `folder`, the case folder to
make. Each row is checked by the wizard's rules for the same answers; every problem is
reported with its row and column, and a row with a problem writes nothing. Rows that pass
each become a folder with `case.toml` and an empty `evidence/`.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from letters import case as schema
from letters import wizard
from letters.casefolder import CASE_FILE, EVIDENCE
from letters.errors import InputError
from letters.i18n import LANGUAGES, _, normalize_language
from letters.output import commit, discard, stage

_ADDRESS_PARTS = ("line1", "line2", "city", "region", "postal_code", "country")


def _columns() -> dict[str, tuple[str, str, Callable[[str], Any] | None, bool]]:
    """Map each column to (section, key, check, required), from the wizard's questions."""
    columns: dict[str, tuple[str, str, Callable[[str], Any] | None, bool]] = {}
    for section, questions in wizard.SECTIONS:
        for question in questions:
            if question.key == wizard.ADDRESS:
                for part in _ADDRESS_PARTS:
                    columns[f"{section}.address.{part}"] = (section, f"address.{part}", None, False)
                continue
            check = None if question.choices else question.check
            columns[f"{section}.{question.key}"] = (
                section,
                question.key,
                check,
                not question.optional and not question.choices,
            )
    return columns


COLUMNS = _columns()
"""The columns a roster may have besides `folder` and `language`."""
REQUIRED = ("folder", *(name for name, spec in COLUMNS.items() if spec[3]))


@dataclass
class Roster:
    """What an import of a roster did: the folders made and the problems found."""

    made: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    failed_rows: int = 0


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Read a CSV file as UTF-8 (a BOM is fine); return its header and its numbered rows."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(
            _("{path}: cannot read: {reason}").format(path=path, reason=error.strerror)
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            _(
                "{path}: row {row}: the file is not UTF-8 — in Excel, save it as "
                '"CSV UTF-8 (Comma delimited)"'
            ).format(path=path, row=line)
        ) from None
    try:
        dialect: Any = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows = list(reader)
    if not rows:
        raise InputError(_("{path}: the file is empty").format(path=path))
    header = [name.strip() for name in rows[0]]
    numbered = []
    for number, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line between people
        numbered.append(
            (number, {name: cell.strip() for name, cell in zip(header, row, strict=False)})
        )
    return header, numbered


def check_header(path: Path, header: list[str]) -> None:
    """Refuse unknown and missing columns, every one at once."""
    known = ["folder", "language", *COLUMNS]
    problems = []
    for name in header:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = _(' — did you mean "{word}"?').format(word=close[0]) if close else ""
            problems.append(
                _("{path}: column {column}: unknown column").format(path=path, column=name) + hint
            )
    for name in REQUIRED:
        if name not in header:
            problems.append(_("{path}: column {column}: is missing").format(path=path, column=name))
    if problems:
        raise InputError(problems[0], problems[1:])


def row_answers(
    row: dict[str, str], default_language: str
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Check one row like the wizard's answers; return the answers and (column, problem)s."""
    problems: list[tuple[str, str]] = []
    language = row.get("language") or default_language
    chosen = normalize_language(language)
    if chosen is None:
        problems.append(
            ("language", _("must be one of {options}").format(options=", ".join(LANGUAGES)))
        )
    answers: dict[str, Any] = {"language": chosen or default_language}
    for section, _questions in wizard.SECTIONS:
        answers[section] = {}
    for column, (section, key, check, required) in COLUMNS.items():
        value = row.get(column, "")
        if key.startswith("address."):
            continue
        if not value:
            if required:
                problems.append((column, _("is empty")))
            elif key == "reason":
                answers[section][key] = schema.REASONS[0]
            continue
        if key == "reason":
            if value not in schema.REASONS:
                problems.append(
                    (
                        column,
                        _("must be one of {options}").format(options=", ".join(schema.REASONS)),
                    )
                )
            else:
                answers[section][key] = value
            continue
        assert check is not None
        try:
            answers[section][key] = check(value)
        except wizard.AnswerError as error:
            problems.append((column, str(error)))
    for section, _questions in wizard.SECTIONS:
        address = _address(row, section, problems)
        if address is not None:
            answers[section]["address"] = address
    return answers, problems


def _address(
    row: dict[str, str], section: str, problems: list[tuple[str, str]]
) -> dict[str, Any] | None:
    parts = {part: row.get(f"{section}.address.{part}", "") for part in _ADDRESS_PARTS}
    if not any(parts.values()):
        return None
    address: dict[str, Any] = {"lines": [line for line in (parts["line1"], parts["line2"]) if line]}
    for part in ("city", "region", "postal_code"):
        if parts[part]:
            address[part] = parts[part]
    address["country"] = (parts["country"] or "US").upper()
    _value, found = schema.check_value(schema.HOLDER["address"], address, ("address",))
    for problem in found:
        part = problem.path.removeprefix("address.")
        part = "line1" if part in ("lines", "address") or part.startswith("lines") else part
        problems.append((f"{section}.address.{part}", problem.message))
    return address


def import_roster(path: Path, here: Path, default_language: str = "en") -> Roster:
    """Make one case folder per good row of the CSV file at `path`, in the folder `here`."""
    header, rows = read_rows(path)
    check_header(path, header)
    roster = Roster()
    seen: set[Path] = set()
    for number, row in rows:
        answers, problems = row_answers(row, default_language)
        folder = here / row["folder"] if row.get("folder") else None
        if folder is None:
            problems.insert(0, ("folder", _("is empty")))
        elif folder.exists() or folder in seen:
            problems.insert(
                0,
                ("folder", _("{folder} already exists — give another name").format(folder=folder)),
            )
        text = None
        if not problems and folder is not None:
            text = wizard.case_text(answers, CASE_FILE)
            try:
                schema.parse_case(text, folder / CASE_FILE)
            except InputError as error:
                problems.append(("", error.details[0] if error.details else error.message))
        if problems or folder is None or text is None:
            roster.failed_rows += 1
            roster.problems += [
                _("{path}: row {row}, column {column}: {message}").format(
                    path=path, row=number, column=column, message=message
                )
                for column, message in problems
            ]
            continue
        seen.add(folder)
        staged = stage({folder / CASE_FILE: text.encode("utf-8")})
        try:
            (folder / EVIDENCE).mkdir()
            commit(staged)
        except BaseException:
            discard(staged)
            raise
        roster.made.append(folder)
    return roster
