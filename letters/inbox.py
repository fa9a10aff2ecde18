"""`letters log CASE import`: mail from the carrier becomes timeline events and evidence.

Mail comes as single messages (.eml), mailboxes (.mbox: a Gmail Takeout export, a
Thunderbird folder) or Outlook files (.msg, read by extract-msg when it is installed). A
mailbox is read line by line, one message at a time, and a message larger than the limit is
passed over without being held, so memory stays bounded whatever the mailbox's size. Sources
are only ever opened for reading.

Each message kept becomes an event (its date with its offset, its sender, its subject as the
summary, its Message-ID as the reference) and a copy of its bytes in the evidence folder's
`mail/` folder, under a dated name. A message whose reference is already in the timeline is
not added again. Everything is staged first and put in place together with the case file at
the end: an import that fails or is interrupted leaves nothing behind. Files are only ever
added to the evidence folder, never changed or removed.

A message that reads like the carrier confirming the closure or a refund is shown to the user,
who decides whether to record the date; the tool never records it on its own.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email import policy
from email.header import decode_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from letters import i18n, identifiers
from letters.case import MAX_EVENT_LABEL, MAX_EVENTS, MAX_SUMMARY, Event, check_table
from letters.casefolder import CaseLocation
from letters.errors import InputError
from letters.i18n import _, cannot_read

if TYPE_CHECKING:
    from letters.output import Staged

MAIL_FOLDER = "mail"
"""Imported and sent mail is kept in this folder of the evidence folder."""
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
"""A message larger than this is skipped (mail services cap messages at 20–35 MB)."""
MAX_HEADER = 1 << 20
"""Characters in one header (a To of thousands of addresses is some hundred thousand)."""
MAX_ENCODED_WORDS = 2_000
"""Encoded words (`=?utf-8?q?…?=`) in one header: decoding them takes time that grows with
the square of their number (a minute for a few hundred thousand)."""
MAX_BOUNDARIES = 20
"""Sets of MIME parts in a message (multipart boundaries): the parser tests every line
against every set still open, and a forwarded message nests a few."""
_BOUNDARY = re.compile(rb"boundary\s*=", re.I)
MAX_PARAMETERS = 8 * 1024
"""Characters in a header of parameters (Content-Type): reading them takes time that grows
with the square of their length."""
_PARAMETERS = ("Content-Type", "Content-Disposition")
_NAME_CHARS = 40
_READ_CHUNK = 64 * 1024
_SCAN_CHARS = 20_000
"""How much of a message's text is read to tell whether it confirms something."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")

CONFIRMATION = re.compile(
    r"(account|line|service|number|subscription)\b.{0,60}\b(has been|was|is now|is)\s+"
    r"(closed|cancell?ed|terminated|deactivated|disconnected)"
    r"|cancell?ation (is )?(confirmed|confirmation|complete)"
    r"|confirm\w*\s+(of\s+)?(the\s+|your\s+)?(account\s+)?(closure|cancell?ation)"
    r"|已(被)?(注销|註銷|终止|終止|关闭|關閉|取消)|(注销|註銷|终止|終止)(成功|完成)",
    re.IGNORECASE | re.DOTALL,
)
REFUND = re.compile(
    r"refund\w*\b.{0,40}\b(issued|processed|sent|completed|approved|credited)"
    r"|(issued|processed|sent)\b.{0,20}\brefund"
    r"|已退款|退款(已|成功|完成)",
    re.IGNORECASE | re.DOTALL,
)
STATUS_KEYS = {"confirmation": "confirmation_received", "refund": "refund_received"}

Ask = Callable[[str], bool]
"""Ask the user a yes-or-no question; return the answer (no answer is no)."""


class SkipError(Exception):
    """A message cannot be imported; the message says why, in one line."""


@dataclass(frozen=True)
class Mail:
    """What the timeline needs of one message, read and checked."""

    moment: datetime
    sender: str
    addresses: tuple[str, ...]
    """Every address in From, To and Cc: what tells the case's mail from other mail."""
    subject: str
    reference: str
    text: str
    data: bytes | bytearray
    suffix: str
    origins: tuple[str, ...] = ()
    """The addresses in From and Sender: who wrote the message."""


@dataclass(frozen=True)
class Skipped:
    """A message that was not imported, and why."""

    where: str
    reason: str

    @property
    def line(self) -> str:
        """Return the one line that reports it."""
        return _("{where}: skipped — {reason}").format(where=self.where, reason=self.reason)


@dataclass(frozen=True)
class Imported:
    """A message added to the case."""

    moment: datetime
    sender: str
    subject: str
    evidence: str


@dataclass
class Report:
    """What an import did."""

    imported: list[Imported] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    already: int = 0
    unrelated: int = 0
    recorded: dict[str, date] = field(default_factory=dict)
    """Status dates the user agreed to record, by key."""
    declined: list[str] = field(default_factory=list)
    """Status questions answered no (or not answered), as lines to show."""


def evidence_name(
    moment: datetime, subject: str, data: bytes | bytearray, suffix: str, tag: str = ""
) -> str:
    """Return a safe, dated file name for a message in the evidence folder.

    Date and time first (so the folder sorts as the timeline does), a few words of the
    subject with anything a file system or a shell could trip on removed, and a digest of
    the bytes, so two messages never share a name and the same message always gets it.
    """
    words = unicodedata.normalize("NFKC", subject)
    words = re.sub(r"[^\w]+", "-", words).strip("-_")[:_NAME_CHARS].strip("-_")
    # 128 bits: the sender chooses Date and Subject, so a short digest could be matched on
    # purpose to take the name of a message already kept.
    digest = hashlib.sha256(data).hexdigest()[:32]
    parts = [moment.strftime("%Y-%m-%d-%H%M"), tag, words, digest]
    return f"{MAIL_FOLDER}/" + "-".join(part for part in parts if part) + suffix


# --- reading sources -----------------------------------------------------------------------


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB"


def _too_big(size: int, limit: int) -> str:
    return _("{size}, more than the {limit} a message may have here").format(
        size=_size(size), limit=_size(limit)
    )


def messages(path: Path, limit: int = MAX_MESSAGE_BYTES) -> Iterator[tuple[str, Mail | Skipped]]:
    """Yield every message of a source file (.eml, .mbox, .msg), read, or why it is skipped."""
    kind = _kind(path)
    if kind == "msg":
        yield str(path), _guard(str(path), lambda: _read_msg(path, limit))
    elif kind == "eml":
        yield str(path), _guard(str(path), lambda: _read_eml(path, limit))
    else:
        for number, data in enumerate(_mbox(path, limit), 1):
            where = _("{path}, message {number}").format(path=path, number=number)
            if isinstance(data, int):
                yield where, Skipped(where, _too_big(data, limit))
            else:
                yield where, _guard(where, functools.partial(parse_mail, data, ".eml"))


def _guard(where: str, read: Callable[[], Mail]) -> Mail | Skipped:
    try:
        return read()
    except SkipError as error:
        return Skipped(where, str(error))
    except Exception as error:  # a hostile message may break a parser in any way
        return Skipped(
            where, _("unreadable: {reason}").format(reason=error or type(error).__name__)
        )


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".eml", ".msg", ".mbox"):
        return suffix[1:]
    try:
        with path.open("rb") as handle:
            start = handle.read(5)
    except OSError as error:
        raise InputError(cannot_read(path, error)) from None
    if start == b"From ":  # Thunderbird's folders have no extension
        return "mbox"
    raise InputError(
        _("{path}: not a mail file — give .eml, .mbox or .msg files").format(path=path)
    )


def _read_eml(path: Path, limit: int) -> Mail:
    size = path.stat().st_size
    if size > limit:
        raise SkipError(_too_big(size, limit))
    return parse_mail(path.read_bytes(), ".eml")


def _mbox(path: Path, limit: int) -> Iterator[bytearray | int]:
    """Yield each message's bytes of an mbox file, or its size when it is over the limit.

    Lines are read in pieces of bounded length into one buffer per message, dropped as soon
    as the message outgrows the limit; a message starts at a "From " line at the top of the
    file or after a blank line (mboxo and mboxrd alike; ">From " is unquoted).
    """
    held: bytearray | None = None
    size = 0
    started = False
    at_line_start = True
    blank_before = True
    with path.open("rb") as handle:
        while piece := handle.readline(_READ_CHUNK):
            starts_line = at_line_start
            at_line_start = piece.endswith(b"\n")
            if starts_line and blank_before and piece.startswith(b"From "):
                if started:
                    yield _finish(held, size)
                held, size, started = bytearray(), 0, True
                blank_before = False
                continue
            if not started:  # text before the first "From ": not an mbox
                raise InputError(
                    _("{path}: not an mbox mailbox (it does not start with a From line)").format(
                        path=path
                    )
                )
            if starts_line:
                blank_before = piece in (b"\n", b"\r\n")
                if re.match(rb">+From ", piece):
                    piece = piece[1:]
            else:
                blank_before = False
            size += len(piece)
            if held is not None:
                if size > limit:
                    held = None  # let go of what was held; only count from here on
                else:
                    held += piece
    if started:
        yield _finish(held, size)


def _finish(held: bytearray | None, size: int) -> bytearray | int:
    if held is None:
        return size
    # The blank line before the next "From " separates messages; it is not part of one.
    if held.endswith(b"\r\n"):
        del held[-2:]
    elif held.endswith(b"\n"):
        del held[-1:]
    return held


def _read_msg(path: Path, limit: int) -> Mail:
    size = path.stat().st_size
    if size > limit:
        raise SkipError(_too_big(size, limit))
    try:
        import extract_msg
    except ImportError:
        raise SkipError(
            _("reading Outlook .msg files needs extract-msg: pip install 'letters[outlook]'")
        ) from None
    data = path.read_bytes()
    message: Any = extract_msg.openMsg(str(path), delayAttachments=True)
    try:
        if not hasattr(message, "messageId"):  # a contact, a calendar entry, a task
            raise SkipError(_("an Outlook item that is not an email"))
        headers = _header_text(message)
        moment = message.date
        if headers:  # the headers as they came over the wire are the best record
            parsed = parse_mail(headers.encode("utf-8", "surrogateescape") + b"\n", ".msg")
            moment = parsed.moment
        elif not isinstance(moment, datetime):
            raise SkipError(_("no Date header"))
        elif moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        addresses = tuple(
            address.lower()
            for _name, address in getaddresses(
                [str(value) for value in (message.sender, message.to, message.cc) if value]
            )
            if address
        )
        origins = tuple(
            address.lower()
            for _name, address in getaddresses([str(message.sender or "")])
            if address
        )
        body = message.body or ""
        subject = _clean(message.subject or "")
        reference = _reference(_clean(message.messageId or ""), data)
        return Mail(
            moment=moment,
            sender=_clean(str(message.sender or "")),
            addresses=addresses,
            subject=subject,
            reference=reference,
            text=f"{subject}\n{body[:_SCAN_CHARS]}",
            data=data,
            suffix=".msg",
            origins=origins,
        )
    finally:
        message.close()


def _header_text(message: Any) -> str:
    header = getattr(message, "headerText", None)
    return header if isinstance(header, str) and header.strip() else ""


# --- reading one message -------------------------------------------------------------------


def _parsed(data: bytes | bytearray) -> Message:
    """Parse a message, refusing one that would take time out of proportion to its size:
    more sets of parts than a real message has, or a header of parameters too long."""
    boundaries = itertools.islice(_BOUNDARY.finditer(data), MAX_BOUNDARIES + 1)
    if sum(1 for _ in boundaries) > MAX_BOUNDARIES:
        raise SkipError(_("it has more than {count} sets of parts").format(count=MAX_BOUNDARIES))
    message = BytesParser(policy=policy.compat32).parsebytes(data)
    for part in message.walk():
        for name in _PARAMETERS:
            if len(str(part.get(name, ""))) > MAX_PARAMETERS:
                raise SkipError(
                    _("its {header} header is too long to be a real one").format(header=name)
                )
    return message


def parse_mail(data: bytes | bytearray, suffix: str) -> Mail:
    """Read a message's date, sender, recipients, subject, reference and some of its text.

    Raise SkipError for what cannot be trusted: no date, or a header whose bytes do not fit
    the character set it names.
    """
    message = _parsed(data)
    raw_date = message.get("Date")
    if raw_date is None:
        raise SkipError(_("no Date header"))
    try:
        moment = parsedate_to_datetime(_decoded(raw_date, "Date"))
    except (TypeError, ValueError, IndexError):
        raise SkipError(
            _("its Date header is not a date: {value}").format(value=_clean(str(raw_date))[:60])
        ) from None
    if moment.tzinfo is None:  # "-0000": the sender did not know its offset
        moment = moment.replace(tzinfo=UTC)
    sender = _decoded(message.get("From", ""), "From")
    fields = [_decoded(value, name) for name in ("From", "To", "Cc")
              for value in message.get_all(name, [])]  # fmt: skip
    addresses = tuple(address.lower() for _n, address in getaddresses(fields) if address)
    authors = [_decoded(value, name) for name in ("From", "Sender")
               for value in message.get_all(name, [])]  # fmt: skip
    origins = tuple(address.lower() for _n, address in getaddresses(authors) if address)
    subject = _decoded(message.get("Subject", ""), "Subject")
    reference = _reference(_clean(str(message.get("Message-ID", ""))), data)
    return Mail(
        moment=moment,
        sender=_clean(sender),
        addresses=addresses,
        subject=_clean(subject),
        reference=reference,
        text=f"{subject}\n{_text(message)}",
        data=data,
        suffix=suffix,
        origins=origins,
    )


def _decoded(raw: Any, name: str) -> str:
    """Decode a header, refusing one whose bytes lie about their character set.

    `raw` is the header as the compat32 parser gives it: a string, or a Header holding raw
    8-bit bytes; those must be UTF-8 (RFC 6532), the only charset a raw header may have.
    """
    shown = str(raw)
    if len(shown) > MAX_HEADER or shown.count("=?") > MAX_ENCODED_WORDS:
        raise SkipError(_("its {header} header is too long to be a real one").format(header=name))
    try:
        pieces = decode_header(raw)
    except Exception:
        raise SkipError(_("its {header} header cannot be decoded").format(header=name)) from None
    text = []
    for value, charset in pieces:
        if isinstance(value, str):
            text.append(value)
            continue
        if charset == "unknown-8bit":
            try:
                text.append(value.decode("utf-8", errors="strict"))
            except UnicodeDecodeError:
                raise SkipError(
                    _("its {header} header has bytes in no known character set").format(header=name)
                ) from None
            continue
        encoding = charset or "utf-8"
        try:
            text.append(value.decode(encoding, errors="strict"))
        except LookupError:
            raise SkipError(
                _("its {header} header names an unknown character set: {charset}").format(
                    header=name, charset=_clean(encoding)[:40]
                )
            ) from None
        except UnicodeDecodeError:
            raise SkipError(
                _("its {header} header says {charset}, but its bytes are not {charset}").format(
                    header=name, charset=encoding
                )
            ) from None
    joined = "".join(text)
    if any("\udc80" <= char <= "\udcff" for char in joined):
        try:
            joined = joined.encode("utf-8", "surrogateescape").decode("utf-8")
        except UnicodeError:
            raise SkipError(
                _("its {header} header has bytes in no known character set").format(header=name)
            ) from None
    return joined


def _text(message: Message) -> str:
    """Return the start of the message's first text part, for telling what it says."""
    for part in message.walk():
        if part.get_content_maintype() != "text":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        try:
            text = payload[: _SCAN_CHARS * 4].decode(
                part.get_content_charset() or "utf-8", "replace"
            )
        except LookupError:
            text = payload[: _SCAN_CHARS * 4].decode("utf-8", "replace")
        if part.get_content_subtype() == "html":
            text = re.sub(r"<[^>]*>", " ", text)
        return text[:_SCAN_CHARS]
    return ""


def _clean(text: str) -> str:
    """Remove control and direction characters and fold whitespace: one safe line."""
    return " ".join(_CONTROL.sub(" ", text).split())


def _digest_reference(data: bytes | bytearray) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()[:32]


def _reference(message_id: str, data: bytes | bytearray) -> str:
    """Return the event's reference: the Message-ID, or a digest where it is missing or long."""
    if not message_id:
        return _digest_reference(data)
    if len(message_id) > MAX_EVENT_LABEL:
        return _digest_reference(message_id.encode("utf-8"))
    return message_id


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- importing -----------------------------------------------------------------------------


def looks_like(mail: Mail) -> str | None:
    """Say whether a message reads like the closure confirmed, or a refund; None otherwise."""
    if CONFIRMATION.search(mail.text):
        return "confirmation"
    if REFUND.search(mail.text):
        return "refund"
    return None


def carrier_domains(email: str | None) -> tuple[str, ...]:
    """Return the mail domains of the carrier: the recipient address's domain."""
    if not email or "@" not in email:
        return ()
    return (email.rpartition("@")[2].lower(),)


def _at(addresses: Sequence[str], domains: tuple[str, ...]) -> bool:
    return any(
        address.rpartition("@")[2] == domain or address.rpartition("@")[2].endswith("." + domain)
        for address in addresses
        for domain in domains
    )


def _from_carrier(mail: Mail, domains: tuple[str, ...]) -> bool:
    """Say whether a message is between the holder and the carrier (either way)."""
    return _at(mail.addresses, domains)


def _written_by_carrier(mail: Mail, domains: tuple[str, ...], holder: str) -> bool:
    """Say whether the carrier wrote a message: only such a message can confirm anything.

    The holder's own request says "…that the account is closed…" and is addressed to the
    carrier; taking it for the carrier's word would record a false date.
    """
    holder = holder.strip().lower()
    return _at(mail.origins, domains) and not (holder and holder in mail.origins)


def _free_name(evidence: Path, item: Mail, taken: Mapping[Path, object]) -> tuple[str, bool]:
    """Return a name in the evidence folder for a message, and whether it must be written.

    A file already there is never replaced: one with the same bytes is this very message
    (nothing to write); one with other bytes keeps its name and the message takes the next.
    """
    first = evidence_name(item.moment, item.subject, item.data, item.suffix)
    stem = first.removesuffix(item.suffix)
    for number in itertools.count(1):
        name = first if number == 1 else f"{stem}-{number}{item.suffix}"
        target = evidence / name
        if target in taken:
            continue
        if target.is_symlink() or target.exists():
            if target.is_file() and not target.is_symlink() and target.read_bytes() == item.data:
                return name, False
            continue
        return name, True
    raise AssertionError("unreachable")  # pragma: no cover


def _carrier_or_everything(where: CaseLocation, case: Any, everything: bool) -> tuple[str, ...]:
    """Return the carrier's mail domains; without them, only an import of everything goes on."""
    domains = carrier_domains(case.recipient.email)
    if not domains and not everything:
        raise InputError(
            _(
                "{path}: recipient.email is missing, so the carrier's mail cannot be told from "
                "other mail — add it, or import everything with --all"
            ).format(path=where.case_file)
        )
    return domains


def _check_sources(sources: Sequence[Path]) -> None:
    """Refuse a missing file, or one that is no mail, before reading anything."""
    for source in sources:
        if not source.is_file():
            raise InputError(_("{path}: no such file").format(path=source))
        _kind(source)


def _event_values(item: Mail, name: str, no_subject: str) -> dict[str, Any]:
    """Return the case-file values of the event an imported message records."""
    return {
        "at": item.moment,
        "channel": "email",
        "party": _shortened(item.sender, MAX_EVENT_LABEL) or None,
        "reference": item.reference,
        "summary": _shortened(item.subject, MAX_SUMMARY) or no_subject,
        "evidence": [name],
    }


def _unfit(event: dict[str, Any]) -> str | None:
    """Say why a message cannot be an event of the case (None: it can): a personal number in
    its subject, which letters never keeps, or anything else the case file refuses."""
    if what := identifiers.sensitive(event["summary"]):
        return _("its subject seems to hold {what}, which letters does not keep").format(what=what)
    _checked, problems = check_table({k: v for k, v in event.items() if v is not None}, Event)
    if problems:
        return "; ".join(f"{problem.path}: {problem.message}" for problem in problems)
    return None


def _check_room(where: CaseLocation, existing: int, added: int) -> None:
    """Refuse an import that would take the case past the events it may hold."""
    if existing + added > MAX_EVENTS:
        raise InputError(
            _(
                "{path}: these {count} messages would make {total} events, more than the "
                "{limit} a case holds — nothing was imported: import fewer files at once"
            ).format(path=where.case_file, count=added, total=existing + added, limit=MAX_EVENTS)
        )


def import_mail(
    where: CaseLocation,
    sources: Sequence[Path],
    everything: bool = False,
    ask: Ask | None = None,
    limit: int = MAX_MESSAGE_BYTES,
) -> Report:
    """Import the messages of `sources` into the case; see the module's description."""
    from letters import timeline
    from letters.case import load_case
    from letters.output import Staged, discard, stage

    def add(files: dict[Path, bytes | bytearray]) -> None:
        # A message is held in a bytearray (no copy); it is written as bytes would be.
        part = stage(cast("dict[Path, bytes]", files))
        staged.update(part)
        staged.folders += part.folders

    case = load_case(where.case_file)
    domains = _carrier_or_everything(where, case, everything)
    _check_sources(sources)
    known = {event.reference for event in case.events if event.reference}
    with i18n.interface(case.records_language):
        no_subject = _("(no subject)")
    report = Report()
    events: list[dict[str, Any]] = []
    candidates: list[tuple[str, Mail]] = []  # held without their bytes
    staged = Staged()
    try:
        wanted = None if everything else domains
        for place, item in _new_messages(sources, limit, wanted, known, report):
            name, new = _free_name(where.evidence_dir, item, staged)
            event = _event_values(item, name, no_subject)
            if unfit := _unfit(event):  # one message never stops the others
                report.skipped.append(Skipped(place, unfit))
                continue
            if new:
                add({where.evidence_dir / name: item.data})
            events.append(event)
            _check_room(where, len(case.events), len(events))  # before staging thousands more
            report.imported.append(Imported(item.moment, item.sender, item.subject, name))
            kind = looks_like(item)
            if kind and _written_by_carrier(item, domains, case.holder.email):
                candidates.append((kind, dataclasses.replace(item, data=b"", text="")))
        tables = _ask_status(case, candidates, ask, report)
        if events or tables:
            events = [{k: v for k, v in event.items() if v is not None} for event in events]
            data = timeline.edited_case(where.case_file, events, tables)
            add({where.case_file: data})
    except BaseException:
        discard(staged)
        raise
    if staged:
        _commit_import(staged, where.case_file)
    return report


def _new_messages(
    sources: Sequence[Path],
    limit: int,
    domains: tuple[str, ...] | None,
    known: set[str],
    report: Report,
) -> Iterator[tuple[str, Mail]]:
    """Yield the messages of `sources` to import, each with where it is: from the carrier's
    `domains` (None: from anyone), not yet in the case (`known` references); count the others
    in `report`."""
    for source in sources:
        for place, item in messages(source, limit):
            if isinstance(item, Skipped):
                report.skipped.append(item)
            elif domains is not None and not _from_carrier(item, domains):
                report.unrelated += 1
            elif item.reference in known:
                report.already += 1
            else:
                known.add(item.reference)
                yield place, item


def _commit_import(staged: Staged, case_file: Path) -> None:
    """Write the staged files together. Only the case file may be replaced; a file that
    appeared in the evidence folder since the names were chosen stops the import rather than
    being overwritten."""
    from letters.output import commit, discard, refuse_existing

    try:
        refuse_existing([path for path in staged if path != case_file], force=False)
    except BaseException:
        discard(staged)
        raise
    commit(staged, force=True)


def _ask_status(
    case: Any, candidates: list[tuple[str, Mail]], ask: Ask | None, report: Report
) -> dict[str, dict[str, Any]]:
    """Ask, once per status date the case lacks, whether a message is what it looks like."""
    status: dict[str, Any] = {}
    for kind, mail in sorted(candidates, key=lambda pair: pair[1].moment):
        key = STATUS_KEYS[kind]
        if getattr(case.status, key) is not None or key in status:
            continue
        day = mail.moment.astimezone(case.tz).date()
        question = (
            _(
                "“{subject}” from {sender} on {day} reads like the carrier confirming the "
                "closure. Record status.confirmation_received = {day}?"
            )
            if kind == "confirmation"
            else _(
                "“{subject}” from {sender} on {day} reads like the carrier confirming a refund. "
                "Record status.refund_received = {day}?"
            )
        ).format(subject=mail.subject, sender=mail.sender, day=day.isoformat())
        if ask is not None and ask(question):
            status[key] = day
            report.recorded[key] = day
        else:
            report.declined.append(
                _("not recorded: {key} — if it is so, write {key} = {day} under [status]").format(
                    key=key, day=day.isoformat()
                )
            )
    return {"status": status} if status else {}
