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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from letters import case as schema
from letters import casefolder, wizard
from letters.casefolder import CASE_FILE
from letters.errors import InputError
from letters.i18n import LANGUAGES, _, cannot_read, normalize_language
from letters.output import write_outputs

_ADDRESS_PARTS = ("line1", "line2", "country", "city", "region", "postal_code")


@dataclass(frozen=True)
class Column:
    """A column of the roster: the wizard's question it answers."""

    section: str
    key: str
    """The key in the section, or `address.<part>`."""
    question: wizard.Question | None

    @property
    def required(self) -> bool:
        """Tell whether a row must fill it: the wizard insists on an answer."""
        asked = self.question
        return bool(
            asked and not (asked.optional or asked.choices or asked.default or asked.only_if)
        )


def _columns() -> dict[str, Column]:
    columns: dict[str, Column] = {}
    for section, questions in wizard.SECTIONS:
        for asked in questions:
            if asked.key == wizard.ADDRESS:
                for part in _ADDRESS_PARTS:
                    columns[f"{section}.address.{part}"] = Column(section, f"address.{part}", None)
            else:
                columns[f"{section}.{asked.key}"] = Column(section, asked.key, asked)
    return columns


COLUMNS = _columns()
"""The columns a roster may have besides `folder` and `language`: one per wizard question."""
REQUIRED = ("folder", *(name for name, column in COLUMNS.items() if column.required))


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
        raise InputError(cannot_read(path, error)) from None
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
    """Check one row as the wizard checks answers; return the answers and (column, problem)s."""
    problems: list[tuple[str, str]] = []
    chosen = normalize_language(row.get("language") or default_language)
    if chosen is None:
        message = _("must be one of {options}").format(options=", ".join(LANGUAGES))
        problems.append(("language", message))
    answers: dict[str, Any] = {"language": chosen or default_language}
    for section, _questions in wizard.SECTIONS:
        answers[section] = {}
    for name, column in COLUMNS.items():
        _answer(name, column, row, answers[column.section], problems)
    for section, _questions in wizard.SECTIONS:
        if f"{section}.address.line1" in COLUMNS:
            address = _address(row, section, problems)
            if address is not None:
                answers[section]["address"] = address
    if not row.get("delivery.method"):
        answers["delivery"]["method"] = wizard.method_default(answers["recipient"].get("email"))
    if not problems:
        problems = list(wizard.answer_problems(answers).items())
    return answers, problems


def _answer(
    name: str,
    column: Column,
    row: dict[str, str],
    table: dict[str, Any],
    problems: list[tuple[str, str]],
) -> None:
    """Check the cell of one column as the wizard checks the answer to its question, into
    `table` (the answers of its section) or `problems`."""
    asked = column.question
    if asked is None:  # an address part: checked with its address
        return
    if asked.only_if and not table.get(asked.only_if):
        return
    value = row.get(name, "") or asked.default or (asked.choices[0] if asked.choices else "")
    if not value:
        if column.required:
            problems.append((name, _("is empty")))
        return
    try:
        table[column.key] = wizard.check_answer(name, value)
    except wizard.AnswerError as error:
        reason = str(error)
        if asked.choices:  # the wizard's "type a number" fits a menu, not a cell
            reason = _("must be one of {options}").format(options=", ".join(asked.choices))
        problems.append((name, reason))


def _address(
    row: dict[str, str], section: str, problems: list[tuple[str, str]]
) -> dict[str, Any] | None:
    parts = {part: row.get(f"{section}.address.{part}", "") for part in _ADDRESS_PARTS}
    if not any(parts.values()):
        return None
    address: dict[str, Any] = {"lines": [line for line in (parts["line1"], parts["line2"]) if line]}
    country = (parts["country"] or "US").upper()
    for part in ("country", "city", "region", "postal_code"):
        value = parts[part] or (country if part == "country" else "")
        if not value:
            continue
        if country == "US":  # the wizard's rules for a US envelope: Latin city, state code
            try:
                value = wizard.check_answer(f"address.{part}", value)
            except wizard.AnswerError as error:
                problems.append((f"{section}.address.{part}", str(error)))
                continue
        address[part] = value
    _value, found = schema.check_value(schema.keys(schema.Holder)["address"], address, ("address",))
    named = {column for column, _message in problems}
    for problem in found:
        part = problem.path.removeprefix("address").lstrip(".") or "line1"
        part = "line1" if part.startswith("lines") else part
        if f"{section}.address.{part}" not in named:
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
            text = wizard.case_text(answers, folder.name)
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
        where = casefolder.planned(folder)
        write_outputs({where.case_file: text.encode("utf-8")})
        casefolder.finish(where, answers["language"])
        roster.made.append(folder)
    return roster
