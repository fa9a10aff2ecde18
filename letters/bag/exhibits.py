"""The exhibit index: evidence files numbered, linked to the timeline, and the index files.

Exhibits are numbered in path order; events keep the case's order (`Case.events`), the one order
of the log, the guide and the letters, so event 2 is the same event everywhere. The index files
(index.csv, index.json, timeline.csv) are written row by row, so their size never sits in memory
twice; their words are English, because they are data for programs and spreadsheets.
"""

from __future__ import annotations

import csv
import io
import json
import posixpath
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from json.encoder import encode_basestring
from typing import Protocol, overload

from letters.bag.manifest import BagInfo, Digests
from letters.bag.paths import EVIDENCE_FOLDER, INDEX_CSV, INDEX_JSON
from letters.bag.scan import BundleWarning, EvidenceFile

_KINDS = {
    "image": "png jpg jpeg gif heic heif webp bmp tif tiff svg",
    "pdf": "pdf",
    "email": "eml emlx msg mbox",
    "text": "txt text md log json xml",
    "web page": "html htm mht mhtml webarchive",
    "document": "doc docx odt rtf pages",
    "spreadsheet": "csv xls xlsx ods numbers",
    "video": "mp4 mov m4v avi mkv webm 3gp wmv",
    "audio": "mp3 m4a wav aac amr ogg opus flac caf",
    "archive": "zip rar 7z tar gz tgz",
}
_KIND_OF = {ext: kind for kind, exts in _KINDS.items() for ext in exts.split()}

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP, "CSV injection")."""

_ROWS_PER_CHUNK = 256  # rows rendered at a time: bounded memory, few calls


class TimelineEvent(Protocol):
    """One event of the case timeline, as the case model provides it."""

    @property
    def at(self) -> datetime | date: ...  # an aware datetime, or a date when the time is unknown

    @property
    def channel(self) -> str: ...

    @property
    def party(self) -> str | None: ...

    @property
    def reference(self) -> str | None: ...

    @property
    def summary(self) -> str: ...

    @property
    def evidence(self) -> tuple[str, ...]: ...  # paths relative to the evidence folder

    @property
    def certified_mail(self) -> str | None: ...  # the USPS article number of a mailed letter


@dataclass(frozen=True, slots=True)
class Exhibit:
    """One evidence file and the number everyone refers to it by."""

    number: int
    path: str  # relative to the evidence folder
    bag_path: str  # relative to the bag folder: data/evidence/…
    kind: str  # image, pdf, email, text, video, audio, document, … or other
    size: int
    sha256: str
    date: date | None  # of the earliest event citing it; None when no event does
    events: tuple[int, ...]  # numbers of the events citing it


@dataclass(frozen=True, slots=True)
class Document:
    """One generated document carried in the bundle."""

    name: str
    bag_path: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One event in timeline order, linked to the exhibits it cites."""

    number: int
    event: TimelineEvent
    exhibits: tuple[int, ...]
    missing: tuple[str, ...]  # cited paths that are not in the evidence folder


class Exhibits(Sequence[Exhibit]):
    """A bundle's exhibits, numbered from 1, each made when it is asked for.

    A bundle holds a file record and the digests of every evidence file until it is written;
    an Exhibit of its own for each file would add as much again, so the exhibits are made one
    at a time from those, as the index files are written.
    """

    __slots__ = ("_digests", "_events", "_files", "_timeline")

    def __init__(
        self,
        files: Sequence[EvidenceFile],
        digests: Sequence[Digests],
        events: Mapping[str, tuple[int, ...]],
        timeline: Sequence[TimelineEntry],
    ) -> None:
        """Number `files` (in path order) with their `digests`, linked by `link_timeline`."""
        if len(files) != len(digests):
            raise ValueError("one digest for each file")
        self._files = files
        self._digests = digests
        self._events = events
        self._timeline = timeline

    def __len__(self) -> int:
        return len(self._files)

    @overload
    def __getitem__(self, index: int) -> Exhibit: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Exhibit, ...]: ...

    def __getitem__(self, index: int | slice) -> Exhibit | tuple[Exhibit, ...]:
        if isinstance(index, slice):
            return tuple(self[n] for n in range(len(self))[index])
        number = range(1, len(self) + 1)[index]  # IndexError, as a tuple raises it
        return self._exhibit(number, self._files[number - 1], self._digests[number - 1])

    def __iter__(self) -> Iterator[Exhibit]:
        for number, (item, digests) in enumerate(zip(self._files, self._digests, strict=True), 1):
            yield self._exhibit(number, item, digests)

    def _exhibit(self, number: int, item: EvidenceFile, digests: Digests) -> Exhibit:
        path = item.path
        cited = self._events.get(path, ())
        # By position, which is quicker than by keyword: an index makes one per file, per pass.
        return Exhibit(
            number,
            path,
            EVIDENCE_FOLDER + path,
            exhibit_kind(path),
            item.size,
            digests["sha256"],
            min(day(self._timeline[n - 1].event.at) for n in cited) if cited else None,
            cited,
        )


@dataclass(frozen=True)
class BundleIndex:
    """What the index files say; handed to the caller's PDF renderer."""

    name: str
    bagging_date: date
    info: BagInfo
    exhibits: Sequence[Exhibit]  # Exhibits in a bundle: made one at a time
    documents: tuple[Document, ...]
    timeline: tuple[TimelineEntry, ...]


def exhibit_kind(path: str) -> str:
    """Return the kind of an exhibit from its extension: image, pdf, email, … or other."""
    return _KIND_OF.get(posixpath.splitext(path)[1][1:].lower(), "other")


def day(at: datetime | date) -> date:
    """Return the calendar day of an event's moment, in the offset it was given with."""
    return at.date() if isinstance(at, datetime) else at


def _cited(path: str) -> str:
    path = unicodedata.normalize("NFC", path).strip()
    return posixpath.normpath(path).rstrip("/") if path else path


def link_timeline(
    events: Sequence[TimelineEvent], paths: Sequence[str]
) -> tuple[tuple[TimelineEntry, ...], dict[str, tuple[int, ...]], tuple[BundleWarning, ...]]:
    """Number the events and link each to the exhibit numbers its evidence paths name.

    The events come in the case's order (`Case.events`), the one order of the log, the guide
    and the letters: event 2 is the same event everywhere.
    """
    numbers = {path: n for n, path in enumerate(paths, 1)}
    citing: dict[str, list[int]] = {}
    entries = []
    warnings = []
    for number, event in enumerate(events, 1):
        linked: list[int] = []
        missing = []
        for raw in event.evidence:
            path = _cited(raw)
            if path in numbers:
                matches = [path]
            else:  # a folder cites everything in it
                matches = [p for p in paths if p.startswith(path + "/")] if path else []
            if not matches:
                missing.append(raw)
                warnings.append(BundleWarning("not-found", raw, number))
            for match in matches:
                if numbers[match] not in linked:
                    linked.append(numbers[match])
                    citing.setdefault(match, []).append(number)
        entries.append(TimelineEntry(number, event, tuple(sorted(linked)), tuple(missing)))
    return tuple(entries), {p: tuple(ns) for p, ns in citing.items()}, tuple(warnings)


# --- index files -------------------------------------------------------------------------


def _inert(value: object) -> object:
    """Keep a text cell from becoming a formula in Excel or LibreOffice Calc."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    out = io.StringIO(newline="")
    # A byte-order mark, so that Excel opens the Chinese names as UTF-8.
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for count, row in enumerate(rows, 1):
        writer.writerow([_inert(value) for value in row])
        if count % _ROWS_PER_CHUNK == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def _numbers(numbers: Iterable[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _time(at: datetime | date) -> str:
    return at.timetz().isoformat(timespec="minutes") if isinstance(at, datetime) else ""


def _exhibits_csv(index: BundleIndex) -> Iterator[bytes]:
    return _csv(
        ["exhibit", "path", "type", "size", "date", "sha256", "events"],
        (
            [x.number, x.bag_path, x.kind, x.size, x.date or "", x.sha256, _numbers(x.events)]
            for x in index.exhibits
        ),
    )


def _timeline_csv(index: BundleIndex) -> Iterator[bytes]:
    return _csv(
        [
            "event",
            "date",
            "time",
            "channel",
            "party",
            "reference",
            "summary",
            "exhibits",
            "evidence",
            "certified_mail",
        ],
        (
            [
                entry.number,
                day(entry.event.at).isoformat(),
                _time(entry.event.at),
                entry.event.channel,
                entry.event.party or "",
                entry.event.reference or "",
                entry.event.summary,
                _numbers(entry.exhibits),
                # Not `;`: a spreadsheet that guesses `;` as the separator (as Excel and Calc do in
                # many locales) would split the list into columns.
                " | ".join(entry.event.evidence),
                getattr(entry.event, "certified_mail", None) or "",
            ]
            for entry in index.timeline
        ),
    )


def _pretty(value: object, margin: str) -> str:
    """Write `value` as `json.dumps(value, ensure_ascii=False, indent=2)` does at this margin.

    The same text, made without the pure-Python encoder `indent` switches json to, which costs
    several times more per exhibit.
    """
    inner = margin + "  "
    if isinstance(value, dict):
        if not value:
            return "{}"
        members = (f"{_scalar(k)}: {_pretty(v, inner)}" for k, v in value.items())
        return "{\n" + inner + (",\n" + inner).join(members) + "\n" + margin + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = (_pretty(v, inner) for v in value)
        return "[\n" + inner + (",\n" + inner).join(items) + "\n" + margin + "]"
    return _scalar(value)


_SCALAR = json.JSONEncoder(ensure_ascii=False).encode


def _scalar(value: object) -> str:
    """Write a JSON scalar as json does; strings, whole numbers and null directly, as the index
    has many and json's own encoder takes ten times longer for a number or null than a string."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if type(value) is int:  # not a bool
        return int.__repr__(value)
    return _SCALAR(value)


def _json_list(key: str, items: Iterable[object], last: bool = False) -> Iterator[str]:
    """Write `"key": [...]` as a member of the top-level object, as `json.dumps(indent=2)` does."""
    opened = False
    for item in items:
        yield (",\n    " if opened else f'  "{key}": [\n    ') + _pretty(item, "    ")
        opened = True
    yield ("\n  ]" if opened else f'  "{key}": []') + ("\n" if last else ",\n")


def _index_json(index: BundleIndex) -> Iterator[bytes]:
    head = {"bag": index.name, "bagging_date": index.bagging_date.isoformat()}
    yield (json.dumps(head, ensure_ascii=False, indent=2)[:-2] + ",\n").encode()
    exhibits = (
        {
            "exhibit": x.number,
            "path": x.bag_path,
            "type": x.kind,
            "size": x.size,
            "date": x.date.isoformat() if x.date else None,
            "sha256": x.sha256,
            "events": list(x.events),
        }
        for x in index.exhibits
    )
    documents = ({"path": d.bag_path, "size": d.size, "sha256": d.sha256} for d in index.documents)
    timeline = (
        {
            "event": entry.number,
            "at": entry.event.at.isoformat(),
            "channel": entry.event.channel,
            "party": entry.event.party,
            "reference": entry.event.reference,
            "summary": entry.event.summary,
            "exhibits": list(entry.exhibits),
            "evidence": list(entry.event.evidence),
            "certified_mail": getattr(entry.event, "certified_mail", None),
            "missing": list(entry.missing),
        }
        for entry in index.timeline
    )
    pending: list[str] = []
    for key, items, last in (
        ("exhibits", exhibits, False),
        ("documents", documents, False),
        ("timeline", timeline, True),
    ):
        for part in _json_list(key, items, last):
            pending.append(part)
            if len(pending) >= _ROWS_PER_CHUNK:
                yield "".join(pending).encode()
                pending.clear()
    yield ("".join(pending) + "}\n").encode()


def index_files(
    index: BundleIndex, index_pdf: Callable[[BundleIndex], bytes] | None
) -> list[tuple[str, Iterator[bytes]]]:
    """Return the index files, sorted by name, each with its bytes, made as they are read."""
    files = [
        (INDEX_CSV, _exhibits_csv(index)),
        (INDEX_JSON, _index_json(index)),
        ("data/index/timeline.csv", _timeline_csv(index)),
    ]
    if index_pdf is not None:
        files.append(("data/index/index.pdf", _pdf(index, index_pdf)))
    return sorted(files, key=lambda file: file[0])


def _pdf(index: BundleIndex, index_pdf: Callable[[BundleIndex], bytes]) -> Iterator[bytes]:
    yield index_pdf(index)
