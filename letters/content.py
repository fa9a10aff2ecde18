"""The words of a letter, written once per kind and language, rendered into one structure.

A content template (`letters/<kind>.<language>.j2` in a template set) defines named blocks:
`subject`, `title`, `delivery`, `reference`, `salutation`, `body`, `closing`, `signature`
and `enclosures`. In `body`, a blank line separates paragraphs; in the other blocks each line
is one line of the letter. Lines inside a paragraph are joined with a space between Latin
words and with nothing between Chinese characters, so templates can wrap freely.

The email, the PDF and the DOCX are all laid out from the one `Letter`, so they cannot
disagree.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from letters import i18n, identifiers
from letters.case import Address, Case, Charge, Recipient, check_latin
from letters.cjk import is_wide, join_lines, pad
from letters.errors import InputError, RenderError
from letters.fidelity import check_fidelity, required_values
from letters.i18n import _
from letters.render.postal import address_block

if TYPE_CHECKING:
    from letters.agencies import Agency

DOCUMENT_TIME = time(9, 0)
"""The time of day a document is dated: a fixed time, so the same inputs give the same bytes
(a mail client stamps the real time when the draft is sent)."""
KINDS = ("request", "follow-up", "refund", "dispute", "complaint", "card-dispute")
SHEETS = ("explain",)
"""Documents for the holder, not the recipient: no addresses, no salutation, no envelope."""
COMPANIONS = {"complaint": ("complaint-ag",)}
"""Documents that go with a kind: the FCC complaint comes with a cover letter for the state AG."""
FCC = Recipient(name="Federal Communications Commission, Consumer Inquiries and Complaints")
CARRIER_KINDS = ("request", "follow-up", "refund", "dispute")
"""Letters to the carrier: in the carrier's language (`recipient.language`, English unless the
case says otherwise). Every other letter goes to a card issuer, a bank or a regulator, and
those read English only."""
LINE_BLOCKS = ("subject", "title", "delivery", "reference", "salutation", "closing", "signature",
               "enclosures")  # fmt: skip
WORDS = ("subject", "title", "delivery", "reference", "salutation", "paragraphs", "closing",
         "signature", "enclosures")  # fmt: skip
"""The parts of a `Letter` that are its words, as its template wrote them."""


def document_moment(day: date, zone: tzinfo) -> datetime:
    """Return the moment a document dated `day` carries: `DOCUMENT_TIME` in the case's zone."""
    return datetime.combine(day, DOCUMENT_TIME, tzinfo=zone)


def holder_name(case: Case, language: str) -> str:
    """Return the holder's name as a reader of `language` knows it: the one they sign with."""
    return case.holder.display_name(language)


@dataclass(frozen=True)
class Sender:
    """The holder as a letter presents them."""

    name: str
    """As the letter's reader knows them: who signs, sends the email, and wrote the PDF."""
    email: str
    address: Address | None
    postal_name: str
    """As the carrier knows them, in the script the post office reads: for the envelope."""


@dataclass(frozen=True, kw_only=True)
class Letter:
    """One letter: its words, and everything a layout prints around them, ready to lay out
    in any medium without the case it came from."""

    kind: str
    language: str
    date: date
    zone: tzinfo
    """The case's time zone: the letter is dated `date` at `DOCUMENT_TIME` there."""
    recipient: Recipient
    sender: Sender
    holder_language: str
    """The language the holder reads: any Chinese in an English letter is in its script."""
    subject: str
    salutation: str
    paragraphs: tuple[str, ...]
    closing: tuple[str, ...]
    signature: tuple[str, ...]
    title: str = ""
    delivery: tuple[str, ...] = ()
    reference: tuple[str, ...] = ()
    enclosures: tuple[str, ...] = ()
    explains: str | None = None  # for a sheet: the kind of letter it explains
    keep: tuple[str, ...] = ()
    """Identifiers with spaces inside, which a layout must keep on one line."""
    values: tuple[tuple[str, str, str], ...] = ()
    """The case values the template printed, as (part, key, value), the part being a field
    above (`paragraphs` for the body): every output carrying that part must carry them."""

    @property
    def sheet(self) -> bool:
        """Return True for a sheet for the holder (like `explain`) rather than a letter."""
        return self.kind in SHEETS

    @property
    def moment(self) -> datetime:
        """Return the moment the letter is dated, in the case's time zone."""
        return document_moment(self.date, self.zone)

    @property
    def sender_block(self) -> tuple[str, ...]:
        """Return the holder's address block, headed by the name the reader knows."""
        return address_block(self.sender.name, self.sender.address, self._countries[1])

    @property
    def recipient_block(self) -> tuple[str, ...]:
        """Return the recipient's address block."""
        return address_block(self.recipient.name, self.recipient.address, self._countries[0])

    @property
    def return_address(self) -> tuple[str, ...]:
        """Return the holder's address block for the envelope."""
        return address_block(self.sender.postal_name, self.sender.address, self._countries[1])

    @property
    def _countries(self) -> tuple[str, str]:
        """Return the sender's and the recipient's countries (an address block names the
        country only when mail crosses a border)."""
        home = self.sender.address.country if self.sender.address else "US"
        away = self.recipient.address.country if self.recipient.address else home
        return home, away

    @property
    def addressed(self) -> dict[str, str]:
        """Return the case values the address blocks print, by case key: every printed
        letter (not a sheet) must carry them."""
        values = {"recipient.name": self.recipient.name}
        for key, address in (("holder.address", self.sender.address),
                             ("recipient.address", self.recipient.address)):  # fmt: skip
            if address is not None:
                values.update({f"{key}.lines[{n}]": line
                               for n, line in enumerate(address.lines, 1)})  # fmt: skip
                parts = (("city", address.city), ("region", address.region),
                         ("postal_code", address.postal_code))  # fmt: skip
                values.update({f"{key}.{name}": value for name, value in parts if value})
        return values

    @property
    def to_carrier(self) -> bool:
        """Return True for a letter to the carrier (or a sheet explaining one)."""
        return (self.explains or self.kind) in CARRIER_KINDS

    @property
    def body_lines(self) -> list[str]:
        """Return the salutation, paragraphs, closing and signature as the lines of a message."""
        lines = [self.salutation, ""]
        for paragraph in self.paragraphs:
            lines += [paragraph, ""]
        lines += [*self.closing, "", *self.signature]
        return lines


def filters(case: Case, language: str) -> dict[str, Callable[..., Any]]:
    """Return the formatting filters every template of a language uses."""
    zone = case.tz

    def longdate(value: date | datetime) -> str:
        if isinstance(value, datetime):
            value = value.astimezone(zone).date()
        return i18n.format_date(value, language)

    def datetime_(value: datetime) -> str:
        return i18n.format_datetime(value.astimezone(zone), language)

    def money(value: Decimal, currency: str = "USD") -> str:
        return i18n.format_money(value, currency, language)

    def phone(value: str) -> str:
        return identifiers.format_phone(value)

    def command(value: str) -> str:
        return f"{COMMAND[0]}{value}{COMMAND[1]}"

    return {
        "command": command,
        "pad": pad,
        "longdate": longdate,
        "datetime": datetime_,
        "money": money,
        "phone": phone,
        "mask": identifiers.mask,
    }


def recipient_for(case: Case, kind: str) -> Recipient:
    """Return who a kind of letter goes to: the carrier, the card issuer, or a regulator."""
    if kind == "card-dispute":
        if case.card is None:
            message = _(
                "needs [card] — the card the carrier charged: issuer (its bank) and last4 (its "
                "last four digits)"
            )
            said = _("{option}: {message}").format(option=kind, message=message)
            raise InputError(said, fields={"card": message})
        return Recipient(name=case.card.issuer, address=case.card.address)
    if kind == "complaint":
        return FCC
    if kind == "complaint-ag":
        return attorney_general_office(case)[0]
    return case.recipient


def attorney_general_office(case: Case) -> tuple[Recipient, Agency | None]:
    """Return the attorney general's office a complaint goes to, and the directory entry it
    came from: the case file's own [complaint.attorney_general] wins; else the shipped
    directory's entry for the holder's state; else a name with no address, which
    `check_needs` refuses with where to look."""
    from letters import agencies

    if case.complaint.attorney_general is not None:
        return case.complaint.attorney_general, None
    state = _state(case.holder.address)
    agency = agencies.attorney_general(state) if state else None
    if agency is not None and agency.address is not None:
        return Recipient(name=agency.name, address=agency.address), agency
    return Recipient(name="Office of the Attorney General"), None


def document_language(case: Case, kind: str) -> str:
    """Return the language a kind of letter goes out in: its reader's."""
    if kind in CARRIER_KINDS:
        return case.recipient.language
    return "en"


def check_language(case: Case, kind: str, language: str) -> str | None:
    """Refuse a letter in a language its reader cannot read; return a warning for a Chinese
    letter to a carrier the case does not say reads Chinese, or None."""
    if language == "en" or kind in SHEETS:
        return None
    if kind not in CARRIER_KINDS:
        raise InputError(
            _(
                "--lang {language}: the {kind} letter goes to readers of English only — drop "
                "--lang; the companion sheet in your language explains the English letter"
            ).format(language=language, kind=kind)
        )
    if case.recipient.language == language:
        return None
    return _(
        "Warning: the {kind} letter is in {language}, but the case does not say "
        "{recipient} reads it — drop --lang for an English letter, or, if the carrier does serve "
        'customers in that language, write language = "{code}" under [recipient]'
    ).format(
        kind=kind,
        language=i18n.language_name(language),
        recipient=case.recipient.name,
        code=language,
    )


QUOTED_EVENT_KEYS = ("party", "reference", "summary")
"""An event's words the letters recite as they are written."""


def unreadable_in_english(value: str | None) -> bool:
    """Say whether words hold Chinese (or other wide) characters, which a letter in English
    quotes as they are and its reader cannot read."""
    return bool(value) and any(map(is_wide, value or ""))


def untranslated(case: Case, letter: Letter) -> list[str]:
    """Return the case-file keys whose words, in Chinese, an English letter carries verbatim
    (the carrier's name, the holder's own notes, the people and summaries of the timeline):
    its reader cannot read them."""
    if letter.language != "en" or letter.sheet:
        return []
    address = case.holder.address
    values = [
        ("account.carrier", case.account.carrier),
        ("account.reason_note", case.account.reason_note),
        ("complaint.relief", case.complaint.relief),
        *(
            (f"events[{n}].{key}", getattr(e, key))
            for n, e in _rows(case.events, case.event_rows)
            for key in QUOTED_EVENT_KEYS
        ),
        *(
            (f"charges[{n}].description", c.description)
            for n, c in _rows(case.charges, case.charge_rows)
        ),
        *(  # an address abroad (a US one is in Latin letters)
            ("holder.address", part)
            for part in ((*address.lines, address.city, address.region) if address else ())
        ),
    ]
    text = letter_text(letter)
    found = [key for key, value in values if unreadable_in_english(value) and value.strip() in text]
    return list(dict.fromkeys(found))


def _rows(items: Sequence[Any], rows: Sequence[int]) -> Iterable[tuple[int, Any]]:
    """Pair each item with its place in the case file (from 1)."""
    return zip(rows or range(1, len(items) + 1), items, strict=True)


def check_needs(case: Case, kind: str) -> None:
    """Fail with one clear message if the case lacks what a kind of letter must cite.

    The error's `fields` name what is missing by its key in the case file (`status.request_sent`,
    `charges`, …), for a page to say it in its own words and link to where it is recorded.
    """
    sent = case.request_sent_on
    address = case.holder.address
    disputed = disputed_charges(case)
    charges = (
        disputed, "charges",
        _("needs [[charges]] — each charge made after the closure (date, amount, description)"),
    )  # fmt: skip
    needs: dict[str, list[tuple[Any, str, str]]] = {
        "follow-up": [
            (sent, "status.request_sent",
             _("needs status.request_sent or delivery.mailed_on — the date the closure request "
               "was sent")),
            (not case.status.confirmation_received, "status.confirmation_received",
             _("the closure is confirmed (status.confirmation_received): a follow-up is for a "
               "request with no answer — for charges after the closing, write the dispute "
               "letter (--kind dispute); for the balance, the refund letter (--kind refund)")),
        ],
        "refund": [
            (case.account.balance, "account.balance",
             _("needs account.balance — the remaining balance to refund")),
            (address or case.account.refund_to != "check", "holder.address",
             _("account.refund_to = \"check\" needs holder.address — where to mail the check")),
        ],
        "dispute": [charges],
        "card-dispute": [
            (case.card is None or case.card.type, "card.type",
             _("needs card.type — how did the carrier charge you? Write type = \"credit\" "
               "(a credit card), \"debit\" (a debit card), \"prepaid\" (a prepaid card) or "
               "\"bank-account\" (straight from a bank account) under [card]: the law that "
               "protects you, and its deadlines, depend on it")),
            charges,
            (not disputed or cited_charges(case, kind), "charges.statement_date",
             _("needs charges.statement_date — the date of the statement that first shows a "
               "charge: the 60 days run from it")),
            (address, "holder.address",
             _("needs holder.address — the card issuer answers by mail")),
            (case.card and case.card.address, "card.address",
             _("needs card.address — the billing-inquiries address on your statement")),
        ],
        "complaint": [
            (case.events or sent, "events",
             _("needs [[events]] or status.request_sent — the steps already taken")),
        ],
        "complaint-ag": [
            (_state(address), "holder.address.region",
             _("needs holder.address in the United States, with its state — the attorney "
               "general of your state")),
            (not _state(address) or attorney_general_office(case)[0].address,
             "complaint.attorney_general",
             _("letters has no checked postal address for the attorney general of {state} — "
               "find the consumer-protection office's address on the attorney general's "
               "website (search: {state} attorney general consumer complaint), then write it "
               "in the case file under [complaint.attorney_general]: name = \"…\" and "
               "address = {{ lines = [\"…\"], city = \"…\", region = \"{state}\", "
               "postal_code = \"…\" }}").format(state=_state(address))),
        ],
    }  # fmt: skip
    for present, key, message in needs.get(kind, ()):
        if not present:
            said = _("{option}: {message}").format(option=kind, message=message)
            raise InputError(said, fields={key: message})


CITE_CHARGES = frozenset({"follow-up", "dispute", "card-dispute", "complaint", "complaint-ag"})
"""The letters that cite the charges, each as made after the closing (`charge_cutoff`)."""


class Cutoff(NamedTuple):
    """The day the letters say the charges came after."""

    day: date
    what: str  # which day it is, in the holder's words
    closing: bool  # a closing day, not the day the request was sent


def charge_cutoff(case: Case) -> Cutoff | None:
    """Return the day the letters say the charges came after: the day the account closed,
    else the closing day asked for, else the day the request was sent."""
    if case.status.closed_on:
        return Cutoff(
            case.status.closed_on, _("the day the account closed (status.closed_on)"), True
        )
    if case.account.close_on:
        return Cutoff(
            case.account.close_on, _("the closing day you asked for (account.close_on)"), True
        )
    if case.request_sent_on:
        return Cutoff(case.request_sent_on, _("the day the closure request was sent"), False)
    return None


def cited_charges(case: Case, kind: str) -> tuple[Charge, ...]:
    """Return the charges a letter of `kind` cites: the disputed ones, and for the card
    dispute only those a statement shows yet (its 60 days run from the statement; one still to
    come never holds back the others)."""
    disputed = disputed_charges(case)
    if kind == "card-dispute":
        return tuple(charge for charge in disputed if charge.statement_date)
    return disputed


def disputed_charges(case: Case) -> tuple[Charge, ...]:
    """Return the charges the letters cite: those not before the closing day (`charge_cutoff`).
    A charge before it is no charge after the closing, whatever else is wrong with it."""
    cutoff = charge_cutoff(case)
    return tuple(c for c in case.charges if cutoff is None or c.date >= cutoff.day)


CARD_DISPUTE_DAYS = 60
"""The issuer must receive the dispute within 60 days after it sent the statement that first
shows the charge: for a credit card under the Fair Credit Billing Act (12 CFR 1026.13), for a
debit card, a prepaid card or a bank account under Regulation E (12 CFR 1005.11)."""


def card_dispute_by(charge: Charge) -> date | None:
    """Return the last day a card dispute of `charge` can reach the issuer in time, when the
    case gives the statement that first shows it."""
    if charge.statement_date is None:
        return None
    return charge.statement_date + timedelta(days=CARD_DISPUTE_DAYS)


def card_dispute_missed(case: Case, today: date) -> date | None:
    """Return the last day a card dispute could reach the issuer, once it is past for every
    charge it cites: the law's dispute procedures then no longer bind the issuer, and the card
    dispute asks without citing them."""
    disputed = cited_charges(case, "card-dispute")
    last_days = [day for day in map(card_dispute_by, disputed) if day]
    if not disputed or max(last_days) >= today:
        return None
    return max(last_days)


def late_card_charges(case: Case, today: date) -> tuple[Charge, ...]:
    """Return the charges of the card dispute whose days are past while another's are not:
    the law's procedures (the investigation, the right to withhold payment) cover only the
    others, so the letter asks for these apart, as a request."""
    if card_dispute_missed(case, today):
        return ()  # past for every charge: the whole letter asks
    return tuple(
        charge
        for charge in cited_charges(case, "card-dispute")
        if (last := card_dispute_by(charge)) and last < today
    )


def _earlier_contacts(case: Case, view: Any, today: date) -> tuple[Any, ...]:
    """Return the events a closure request cites as asked before: those before the day it was
    sent (not its own mailing, nor what came since), or by the letter's date while it is not."""
    sent = case.request_sent_on
    last = today if sent is None else sent - timedelta(days=1)
    pairs = zip(case.events, view.events, strict=True)
    return tuple(shown for event, shown in pairs if event.day(case.tz) <= last)


def _state(address: Address | None) -> str:
    return address.region if address and address.country == "US" and address.region else ""


def context(case: Case, kind: str, language: str, today: date) -> dict[str, Any]:
    """Return the variables a content template sees: an inert view of the case (plain values
    whose strings remember their case keys), never the live objects. An event's reference is
    the one a letter cites (`Event.ticket`)."""
    from letters.templating import inert

    events = tuple(replace(event, reference=event.ticket) for event in case.events)
    view = inert(replace(case, events=events))
    recipient = recipient_for(case, kind)
    late = late_card_charges(case, today) if kind == "card-dispute" else ()
    disputed = tuple(charge for charge in cited_charges(case, kind) if charge not in late)
    pairs = list(zip(case.charges, view.charges, strict=True))
    charges = tuple(shown for charge, shown in pairs if charge in disputed)
    statements = [c.statement_date for c in disputed if c.statement_date]
    first_statement = min(statements) if statements else None
    cutoff = charge_cutoff(case)
    if recipient == case.recipient:
        recipient_view = view.recipient
    elif kind == "card-dispute":
        recipient_view = inert({"name": view.card.issuer, "address": view.card.address})
    else:
        recipient_view = inert(recipient, "recipient")
    name = holder_name(case, language)
    name_key = "holder.name_en" if name != case.holder.name else "holder.name"
    return {
        "case": view,
        "holder": view.holder,
        "holder_name": inert(name, name_key),
        "account": view.account,
        "recipient": recipient_view,
        "carrier_recipient": view.recipient,
        "checklist": view.checklist,
        "status": view.status,
        "charges": charges,
        "late_charges": tuple(shown for charge, shown in pairs if charge in late),
        # A charge on the cutoff day itself: the letters say "on or after" it, not "after".
        "on_the_day": cutoff is not None
        and any(charge.date == cutoff.day for charge in (*disputed, *late)),
        "card": view.card,
        "complaint": view.complaint,
        "response_days": case.response_days,
        "request_sent_on": case.request_sent_on,
        "delivery": view.delivery,
        "events": view.events,
        "earlier_contacts": _earlier_contacts(case, view, today),
        "kind": kind,
        "language": language,
        "today": today,
        "case_name": _case_name(case),
        "deadline": case.answer_due(today),
        "agency": inert(_agency(case, kind), "agency"),
        "commission": inert(_commission(case, kind), "commission"),
        # A card dispute must reach the issuer within these days after the first statement
        # that shows the charge; the letter claims it is in time only while that is true, and
        # the law's protections only while they are not lost for every charge.
        "card_dispute_days": CARD_DISPUTE_DAYS,
        "first_statement": first_statement,
        "card_dispute_by": (
            first_statement + timedelta(days=CARD_DISPUTE_DAYS) if first_statement else None
        ),
        "card_dispute_missed": card_dispute_missed(case, today),
    }


def _case_name(case: Case) -> str:
    """Name the case as the commands a sheet gives take it, as the guide does: its folder for
    a case folder, else its file, as given from where the holder works; only its last name
    when given in full, which names the computer's user, on a page others may see."""
    from letters.casefolder import of_case_file
    from letters.shell import quote

    if case.path is None:
        return "case.toml"
    shown = of_case_file(case.path).shown
    return quote(shown.name if shown.is_absolute() else shown)


def _agency(case: Case, kind: str) -> dict[str, Any] | None:
    """Return where the directory's address of a letter's recipient came from, so the
    holder's sheet can say so (None when the case file gave the address)."""
    if kind != "complaint-ag":
        return None
    agency = attorney_general_office(case)[1]
    if agency is None:
        return None
    return {"source": agency.source, "checked": agency.checked, "online": agency.online}


def _commission(case: Case, kind: str) -> dict[str, Any] | None:
    """Return the state commission that regulates the holder's phone service, from the
    directory, for the sheet of the letter to the attorney general to name beside it."""
    from letters import agencies

    state = _state(case.holder.address)
    commission = agencies.utility_commission(state) if kind == "complaint-ag" and state else None
    if commission is None:
        return None
    return {"name": commission.name, "online": commission.online, "phone": commission.phone}


def render_letter(
    case: Case,
    kind: str,
    language: str | None,
    today: date,
    template_dir: Path | None = None,
    explaining: str | None = None,
    app: bool = False,
) -> Letter:
    """Render the words of one letter from the case, dated `today`.

    With kind `explain`, render the holder's sheet that explains the `explaining` letter; with
    `app`, a sheet for a holder who uses the browser app, whose steps name its pages rather
    than commands.
    """
    from letters import templating

    if kind not in KINDS + SHEETS and not any(kind in extra for extra in COMPANIONS.values()):
        raise InputError(_("unknown kind: {kind}").format(kind=kind))
    if kind in SHEETS and language == "en":
        raise InputError(_("--explain: the explanation sheet is in zh-CN or zh-TW"))
    subject_kind = explaining or ("request" if kind in SHEETS else kind)
    language = language or (case.language if kind in SHEETS else document_language(case, kind))
    check_language(case, kind, language)
    recipient = recipient_for(case, subject_kind)  # a card dispute needs [card] first
    if language == "en":
        where = ("card", "issuer") if subject_kind == "card-dispute" else ("recipient", "name")
        check_latin(case, recipient, where)
    check_needs(case, subject_kind)
    name = f"letters/{kind}.{language}.j2"
    env = templating.environment(templating.search_path(template_dir), filters(case, language))
    variables = context(case, subject_kind, language, today)
    if kind in SHEETS:
        variables |= {"kind": kind, "letter_kind": subject_kind, "app": app}
    try:
        rendered = templating.render_blocks(env, name, variables)
    except Exception as error:  # Jinja raises many types; all mean the template failed
        raise _template_error(env, error, name) from error
    blocks, commands = _commands({block: part.text for block, part in rendered.items()})
    _bounded(blocks, name)
    lines = {block: _lines(blocks.get(block, "")) for block in LINE_BLOCKS}
    letter = Letter(
        kind=kind,
        language=language,
        date=today,
        zone=case.tz,
        recipient=recipient_for(case, subject_kind),
        sender=Sender(
            name=holder_name(case, language),
            email=case.holder.email,
            address=case.holder.address,
            postal_name=holder_name(case, "en"),
        ),
        holder_language=case.language,
        subject=" ".join(lines["subject"]),
        title=" ".join(lines["title"]),
        salutation=" ".join(lines["salutation"]),
        paragraphs=_paragraphs(blocks.get("body", "")),
        closing=tuple(lines["closing"]),
        signature=tuple(lines["signature"]),
        delivery=tuple(lines["delivery"]),
        reference=tuple(lines["reference"]),
        enclosures=_enclosures(lines["enclosures"], language),
        explains=subject_kind if kind in SHEETS else None,
        keep=keep_together(case) + commands,
        values=_printed(rendered),
    )
    if not letter.subject or not letter.paragraphs:
        raise RenderError(_("{name}: the template gives no subject or no body").format(name=name))
    check_fidelity(letter_text(letter), required_values(letter), name)
    return letter


COMMAND = ("\ue000", "\ue001")
"""What the `command` filter puts around a command a sheet gives to type, so that it is laid
out on one line where it fits: private-use characters, taken out before anything else."""
_COMMAND = re.compile("\ue000([^\ue000\ue001]*)\ue001")
MAX_COMMANDS = 100
"""Commands kept whole in one letter: each is looked for in every paragraph."""
_UNMARKED = dict.fromkeys(map(ord, COMMAND))


def _commands(blocks: dict[str, str]) -> tuple[dict[str, str], tuple[str, ...]]:
    """Return the blocks without the `command` filter's marks, and the commands they marked."""
    found = dict.fromkeys(
        command for text in blocks.values() for command in _COMMAND.findall(text) if command
    )
    plain = {block: text.translate(_UNMARKED) for block, text in blocks.items()}
    return plain, tuple(found)[:MAX_COMMANDS]


SUBJECT_LIMIT = 2_000
"""Characters in a subject (the case's longest values, several times over): a header is
folded in time that grows with the square of its length, and a template pack is a
stranger's file."""
LETTER_LIMIT = 250_000
"""Characters in a letter, all its blocks together: some 60 pages."""


def _bounded(blocks: dict[str, str], name: str) -> None:
    """Refuse a letter too long to be one, before it is laid out or mailed."""
    from letters.templating import LimitError

    subject = len(" ".join(_lines(blocks.get("subject", ""))))
    if subject > SUBJECT_LIMIT:
        raise LimitError(
            _(
                "{name}: the template made a subject over its size limit ({limit} characters)"
            ).format(name=name, limit=i18n.format_count(SUBJECT_LIMIT, i18n.ui_language()))
        )
    if sum(map(len, blocks.values())) > LETTER_LIMIT:
        raise LimitError(
            _("{name}: the template made a letter over its size limit ({limit} characters)").format(
                name=name, limit=i18n.format_count(LETTER_LIMIT, i18n.ui_language())
            )
        )


def keep_together(case: Case) -> tuple[str, ...]:
    """Return the case's identifiers that have spaces inside, which must stay on one line."""
    values = [
        case.account.number,
        case.account.iccid,
        case.delivery.certified_mail,
        *(event.reference for event in case.events),
    ]
    return tuple(value for value in values if value and " " in value)


def _enclosures(lines: list[str], language: str) -> tuple[str, ...]:
    """A Chinese letter numbers its enclosures under 附件（共n份）：; an English one lists them."""
    if language == "en":
        return tuple(lines)
    return tuple(f"{number}. {line}" for number, line in enumerate(lines, 1))


def _printed(blocks: dict[str, Any]) -> tuple[tuple[str, str, str], ...]:
    """Return what must appear of each value a letter's blocks printed: a free text's lines
    are reflowed into paragraphs, so each of its lines must appear, not its line breaks."""
    values: list[tuple[str, str, str]] = []
    for block in (*LINE_BLOCKS, "body"):
        part = "paragraphs" if block == "body" else block
        printed = blocks[block].printed if block in blocks else {}
        for key, value in sorted(printed.items()):
            lines = [line.strip() for line in value.splitlines() if line.strip()]
            if len(lines) == 1:
                values.append((part, key, lines[0]))
            else:
                values += [(part, f"{key} (line {n})", line) for n, line in enumerate(lines, 1)]
    return tuple(values)


def _template_error(env: Any, error: Exception, name: str) -> Exception:
    from letters import templating

    if getattr(error, "lineno", None) is None:
        try:  # Jinja rewrites the traceback to template lines only when it handles the error
            env.handle_exception()
        except Exception as rewritten:
            stack = traceback.extract_tb(rewritten.__traceback__)
            frames = [frame for frame in stack if frame.filename.endswith(".j2")]
            if frames:
                error.lineno = frames[-1].lineno  # type: ignore[attr-defined]
                error.filename = Path(frames[-1].filename).name  # type: ignore[attr-defined]
    return templating.describe(error, name)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _paragraphs(text: str) -> tuple[str, ...]:
    chunks = re.split(r"\n\s*\n", text)
    return tuple(joined for chunk in chunks if (joined := join_lines(_lines(chunk))))


def letter_text(letter: Letter) -> str:
    """Return every word of the letter as plain text (for fidelity and parity checks)."""
    parts: list[str] = []
    for name in WORDS:
        value = getattr(letter, name)
        parts.extend([value] if isinstance(value, str) else value)
    return "\n".join(parts)
