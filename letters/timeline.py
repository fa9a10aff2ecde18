"""`letters log`: the case's timeline — list it, or append one event to the case file.

Appending never rewrites the file: the new `[[events]]` table is rendered by tomlkit (so its
values are always quoted right) and added after the last byte, so the user's comments,
spacing and key order stay exactly as they were. A later `[[events]]` header extends the
array wherever the earlier ones are, so this is valid TOML whatever comes before it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

import tomlkit

from letters import case as schema
from letters import i18n, labels, normalize
from letters.case import (
    Case,
    Event,
    event_from,
    exact_moment,
    parse_case,
    read_case_text,
    timeline_order,
)
from letters.casefolder import of_case_file
from letters.errors import InputError
from letters.i18n import N_, _, ngettext
from letters.output import write_outputs
from letters.shell import command


@dataclass(frozen=True)
class NewEvent:
    """An event as given on the command line or a form, not yet checked: `Event`'s keys as
    text (`at` of None is now)."""

    channel: str
    summary: str
    at: str | None = None
    party: str | None = None
    reference: str | None = None
    evidence: tuple[str, ...] = ()
    certified_mail: str | None = None


def timeline_lines(case: Case) -> list[str]:
    """Return the timeline for the terminal, oldest first, in the interface language."""
    ui = i18n.ui_language()
    count = len(case.events)
    if not count:
        return [
            _("No events yet. Add the first one: {command}").format(
                command=command(
                    "log",
                    of_case_file(case.path).shown if case.path else "case.toml",
                    "add",
                    "--channel",
                    "phone",
                    "--summary",
                    "…",
                )
            )
        ]
    lines = [ngettext("{count} event", "{count} events", count).format(count=count)]
    for event in case.events:
        head = [
            i18n.format_moment(event.local(case.tz), ui),
            labels.channel_name(event.channel, ui),
        ]
        if event.party:
            head.append(event.party)
        if event.reference:
            head.append(_("ref. {reference}").format(reference=event.reference))
        lines.append(" · ".join(head))
        lines += [f"    {line}" for line in event.summary.splitlines()]
        if event.evidence:
            files = ", ".join(event.evidence)
            lines.append("    " + _("Evidence: {files}").format(files=files))
        if event.certified_mail:
            number = event.certified_mail
            lines.append("    " + _("Certified Mail No. {number}").format(number=number))
    return lines


def add_event(path: Path, new: NewEvent, now: datetime, evidence_dir: Path | None = None) -> Event:
    """Append one event to the case file, checked like the file itself; return it."""
    case = parse_case(read_case_text(path), path)
    values, checked = _values(case, new, now, evidence_dir or path.parent / "evidence")
    contact = _contact(event_from(checked, case.tz), case.tz)
    same = next((n for n, e in enumerate(case.events, 1) if _contact(e, case.tz) == contact), 0)
    if same:  # typed twice: the letters would recite the contact twice
        message = _(
            "event {number} records this already (the same time, channel, party, reference and "
            "summary) — nothing was added"
        ).format(number=same)
        raise InputError(message, fields={"summary": message})
    write_outputs({path: edited_case(path, [values])}, force=True)
    return _as_logged(checked, case.tz)


def _contact(event: Event, zone: tzinfo) -> tuple[Any, ...]:
    """Return what makes an event the record of one contact, its evidence aside."""
    at = exact_moment(event.at, zone)
    return (at, event.channel, event.party, event.reference, event.summary)


def add_charge(path: Path, values: dict[str, Any]) -> None:
    """Append one disputed charge ([[charges]]) to the case file, checked like the file."""
    charge = _checked(values, schema.Charge)
    write_outputs({path: edited_case(path, charges=[charge])}, force=True)


def edit_charge(path: Path, number: int, values: dict[str, Any]) -> None:
    """Replace charge `number` (as listed, by date, from 1) in place, checked like the file;
    every comment and every other line of the file stay as they were."""
    _checked(values, schema.Charge)
    data = path.read_bytes()
    text = read_case_text(path)
    document = tomlkit.parse(text)
    table = document["charges"][_charge_position(text, path, number)]
    for key in schema.keys(schema.Charge):
        if key in values:
            table[key] = values[key]
        elif key in table:
            del table[key]
    _write_edited(path, data, text, tomlkit.dumps(document))


def remove_charge(path: Path, number: int) -> None:
    """Remove charge `number` (as listed, by date, from 1) from the case file; every other
    line of the file stays as it was."""
    data = path.read_bytes()
    text = read_case_text(path)
    document = tomlkit.parse(text)
    del document["charges"][_charge_position(text, path, number)]
    if not document["charges"]:
        del document["charges"]
    # No blank line left where it was.
    _write_edited(path, data, text, tomlkit.dumps(document).rstrip("\n") + "\n")


def remove_event(path: Path, number: int) -> None:
    """Remove event `number` (as the timeline lists it, from 1) from the case file; every other
    line of the file stays as it was, and so do the evidence files it cites."""
    data = path.read_bytes()
    text = read_case_text(path)
    document = tomlkit.parse(text)
    del document["events"][_event_position(text, parse_case(text, path), number)]
    if not document["events"]:
        del document["events"]
    # No blank line left where it was.
    _write_edited(path, data, text, tomlkit.dumps(document).rstrip("\n") + "\n")


def _event_position(text: str, case: Case, number: int) -> int:
    """Return where event `number` (as the timeline lists it, from 1) stands among the file's."""
    positions = _file_positions(text, case)
    if not 1 <= number <= len(positions):
        raise InputError(
            _("event {number}: there is no such event — the timeline has {count}").format(
                number=number, count=len(positions)
            )
        )
    return positions[number - 1]


def _charge_position(text: str, path: Path, number: int) -> int:
    """Return where charge `number` (as listed, by date, from 1) stands among the file's."""
    case = parse_case(text, path)
    rows = case.charge_rows or tuple(range(1, len(case.charges) + 1))
    if not 1 <= number <= len(rows):
        raise InputError(
            _("charge {number}: there is no such charge — the case has {count}").format(
                number=number, count=len(rows)
            )
        )
    return rows[number - 1] - 1


def set_card(path: Path, values: dict[str, Any]) -> None:
    """Write the card the carrier charged ([card]) in the case file, in place; a key given as
    None is removed."""
    given = {key: value for key, value in values.items() if value is not None}
    _checked(given, schema.Card)
    write_outputs({path: edited_case(path, tables={"card": values})}, force=True)


def _checked(values: dict[str, Any], model: type) -> dict[str, Any]:
    """Check a table as the case file would; raise InputError naming each field's problem."""
    problems = schema.check_table(values, model)[1]
    if problems:
        fields: dict[str, str] = {}
        for problem in problems:
            fields.setdefault(problem.path, problem.message)
        messages = [f"{problem.path}: {problem.message}" for problem in problems]
        raise InputError(messages[0], messages[1:], fields)
    return values


def record(path: Path, tables: dict[str, dict[str, Any]]) -> None:
    """Set keys of the case file's tables ([checklist], [status]) in place, None removing
    one; the rest of the file stays exactly as it was, and the result must load."""
    write_outputs({path: edited_case(path, (), tables)}, force=True)


def edit_event(
    path: Path, number: int, new: NewEvent, now: datetime, evidence_dir: Path | None = None
) -> Event:
    """Replace event `number` (as the timeline lists it, from 1) in place; return it.

    Only that event's table changes: every comment, every other line and the order of the
    file stay as they were. `new.at` of None keeps the event's time.
    """
    data = path.read_bytes()
    text = read_case_text(path)
    case = parse_case(text, path)
    document = tomlkit.parse(text)
    table = document["events"][_event_position(text, case, number)]
    if new.at is None:
        new = replace(new, at=_iso(table["at"]))
    values, checked = _values(case, new, now, evidence_dir or path.parent / "evidence")
    for key in schema.keys(Event):
        if key in values:
            table[key] = values[key]
        elif key in table:
            del table[key]
    _write_edited(path, data, text, tomlkit.dumps(document))
    return _as_logged(checked, case.tz)


def _write_edited(path: Path, original: bytes, text: str, edited: str) -> None:
    """Write a case file edited in place, its line ends and byte-order mark as they were; the
    whole file must still be a valid case."""
    if "\r\n" in text:
        edited = edited.replace("\r\n", "\n").replace("\n", "\r\n")
    parse_case(edited, path)
    bom = b"\xef\xbb\xbf" if original.startswith(b"\xef\xbb\xbf") else b""
    write_outputs({path: bom + edited.encode("utf-8")}, force=True)


def _iso(value: Any) -> str:
    moment = value.unwrap() if hasattr(value, "unwrap") else value
    return str(moment.isoformat())


def _file_positions(text: str, case: Case) -> list[int]:
    """Return where each event of the timeline (oldest first) stands among the file's events."""
    raw = tomllib.loads(text).get("events") or []
    return timeline_order([item["at"] for item in raw], case.tz)


def _values(
    case: Case, new: NewEvent, now: datetime, folder: Path
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the event's values as the file will hold them, in its keys' order, and checked."""
    at = _moment(new.at, now, case.tz)
    _not_after_today(at, now, case.tz, "--at")
    given = asdict(new) | {
        "at": at,
        "evidence": [_evidence_name(name, folder) for name in new.evidence],
    }
    values = {key: given[key] for key in schema.keys(Event) if given.get(key) not in (None, "", [])}
    checked = _check(values)
    _require_files(checked.get("evidence", ()), folder)
    exact = {key: checked.get(key, value) for key, value in values.items()}  # as checked
    exact = {key: list(v) if isinstance(v, tuple) else v for key, v in exact.items()}
    return exact, checked


def _not_after_today(at: date | datetime, now: datetime, zone: tzinfo, option: str) -> None:
    """Refuse a day still to come: the timeline records what happened."""
    day = exact_moment(at, zone).astimezone(zone).date()  # as the timeline reads it
    if day > now.astimezone(zone).date():
        message = _("{day} has not come yet — the timeline records what has happened").format(
            day=day.isoformat()
        )
        said = _("{option}: {message}").format(option=option, message=message)
        raise InputError(said, fields={option.lstrip("-"): message})


def _as_logged(checked: dict[str, Any], zone: tzinfo) -> Event:
    """Return the event as the case loads it, its time on the case's clock (as the log says)."""
    event = event_from(checked, zone)
    return replace(event, at=event.local(zone))


def edited_case(
    path: Path,
    events: Sequence[dict[str, Any]] = (),
    tables: dict[str, dict[str, Any]] | None = None,
    charges: Sequence[dict[str, Any]] = (),
    keys: dict[str, Any] | None = None,
) -> bytes:
    """Return the case file with `events` and `charges` appended, `tables`' keys set (a key
    set to None is removed) and the top-level `keys` set (`language`); write nothing.

    Set keys are edited in place by tomlkit, so comments, spacing and key order stay; events
    and charges are appended as [[events]] and [[charges]] tables after the last byte. The
    result must load as a case.
    """
    data = path.read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    document = tomlkit.parse(text)
    appended = {"events": events, "charges": charges}
    inline = {  # written inline (`events = [...]`), they cannot take an [[events]] table after
        "events": N_(
            "{path}: events are written as an inline list (events = [...]) — remove that "
            "line, or write each event as an [[events]] table, then add again"
        ),
        "charges": N_(
            "{path}: charges are written as an inline list (charges = [...]) — remove that "
            "line, or write each charge as a [[charges]] table, then add again"
        ),
    }
    for name, items in appended.items():
        if items and isinstance(document.get(name), tomlkit.items.Array):
            raise InputError(_(inline[name]).format(path=path))
    if tables or keys:
        for key, value in (keys or {}).items():
            document[key] = value  # in place; a new one goes before the first table
        for name, values in (tables or {}).items():
            table = document.get(name)
            if table is None:
                table = tomlkit.table()
                document.add(name, table)
            for key, value in values.items():
                if value is not None:
                    table[key] = value
                elif key in table:  # None: the key goes
                    del table[key]
        text = tomlkit.dumps(document)
    for name, items in appended.items():
        if not items:
            continue
        separator = newline if text.endswith("\n") else newline * 2
        array = tomlkit.aot()
        for values in items:
            table = tomlkit.table()
            for key, value in values.items():
                table.add(key, value)
            array.append(table)
        text += separator + tomlkit.dumps({name: array}).replace("\n", newline)
    parse_case(text, path)  # the whole file must still be a valid case
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def _moment(text: str | None, now: datetime, zone: tzinfo) -> date | datetime:
    """Read --at as a date or a date-time (local to the case unless it has an offset)."""
    if text is None:
        return now.astimezone(zone).replace(microsecond=0)
    try:
        return normalize.parse_moment(text)
    except normalize.NormalizeError as error:
        reason = _("{option}: {message}").format(option=normalize.fold(text), message=error)
        said = _("{option}: {message}").format(option="--at", message=reason)
        raise InputError(said, fields={"at": reason}) from None


def _evidence_name(name: str, folder: Path) -> str:
    """Accept a file given by its path (dragged into the terminal) if it is in the folder."""
    given = Path(name)
    if given.is_absolute() or given.exists():
        try:
            return given.resolve().relative_to(folder.resolve()).as_posix()
        except ValueError:
            pass
    return name


def _check(values: dict[str, Any]) -> dict[str, Any]:
    """Check the event with the case file's rules, naming the option of each problem."""
    checked, problems = schema.check_table(values, Event)
    if problems:
        messages: list[str] = []
        fields: dict[str, str] = {}
        for problem in problems:
            key = re.split(r"[.\[]", problem.path)[0]
            option = "--" + key.replace("_", "-")
            messages.append(_("{option}: {message}").format(option=option, message=problem.message))
            fields.setdefault(key, problem.message)
        raise InputError(messages[0], messages[1:], fields)
    return checked


def _require_files(names: tuple[str, ...], folder: Path) -> None:
    missing = [name for name in names if not (folder / name).is_file()]
    if missing:
        messages = [
            _("--evidence: {name} is not in the evidence folder {folder}").format(
                name=name, folder=folder
            )
            for name in missing
        ]
        raise InputError(messages[0], messages[1:], {"evidence": messages[0]})


@dataclass(frozen=True)
class Mailing:
    """A printed letter put in the mail, as given on the command line, not yet checked."""

    certified_mail: str
    on: str | None = None
    return_receipt: bool = True
    request: bool = True
    """The closure request (sets [delivery] and status.request_sent), or a later letter."""
    evidence: tuple[str, ...] = ()
    follow_up: bool = False
    """A later letter that is the follow-up (sets status.follow_up_sent)."""


def record_mailed(
    path: Path, mailing: Mailing, now: datetime, evidence_dir: Path | None = None
) -> Event:
    """Record a mailed letter in one edit: the event, and [delivery] and status.request_sent
    for the closure request, status.follow_up_sent for the follow-up."""
    case = parse_case(read_case_text(path), path)
    folder = evidence_dir or path.parent / "evidence"
    day = now.astimezone(case.tz).date()
    if mailing.on:
        try:
            day = normalize.parse_date(mailing.on)
        except normalize.NormalizeError as error:
            raise InputError(f"--on: {normalize.fold(mailing.on)}: {error}") from None
    _not_after_today(day, now, case.tz, "--on")
    with i18n.interface(case.records_language):
        receipt = _("with return receipt") if mailing.return_receipt else _("no return receipt")
        if mailing.request:
            summary = _("Mailed the closure request by USPS Certified Mail ({receipt}).")
        elif mailing.follow_up:
            summary = _("Mailed the follow-up letter by USPS Certified Mail ({receipt}).")
        else:
            summary = _("Mailed a letter by USPS Certified Mail ({receipt}).")
        summary = summary.format(receipt=receipt)
    values: dict[str, Any] = {
        "at": day,
        "channel": "mail",
        "summary": summary,
        "evidence": [_evidence_name(name, folder) for name in mailing.evidence],
        "certified_mail": mailing.certified_mail,
    }
    values = {key: value for key, value in values.items() if value not in (None, [])}
    checked = _check(values)
    _require_files(checked.get("evidence", ()), folder)
    number = values["certified_mail"] = checked["certified_mail"]  # as checked: `１２` is 12
    if any(event.certified_mail == number for event in case.events):
        raise InputError(
            _(
                "--certified-mail: the letter {number} is already in the timeline — nothing "
                "was written"
            ).format(number=number)
        )
    tables: dict[str, dict[str, Any]] = {}
    if mailing.request:
        tables["delivery"] = {
            "certified_mail": number,
            "return_receipt": mailing.return_receipt,
            "mailed_on": day,
        }
        if case.status.request_sent is None:
            tables["status"] = {"request_sent": day}
    elif mailing.follow_up and case.status.follow_up_sent is None:
        tables["status"] = {"follow_up_sent": day}
    write_outputs({path: edited_case(path, [values], tables)}, force=True)
    return event_from(checked, case.tz)
