"""Phone numbers, email addresses and account identifiers: parse, check, format, mask."""

from __future__ import annotations

import re

from letters import normalize
from letters.i18n import _

_DIGITS = re.compile(r"\D")


class IdentifierError(ValueError):
    """A value is not a valid identifier of its kind; the message says why."""


def parse_phone(text: str, region: str = "US") -> str:
    """Parse a phone number written any usual way (full-width digits too); return E.164."""
    import phonenumbers

    text = normalize.phone(text)
    example = _('write it like "415 555 0134", or with the country code, like "+86 138 0013 8000"')
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise IdentifierError(example) from None
    if not phonenumbers.is_valid_number(number):
        digits = len(_DIGITS.sub("", text))
        if number.country_code == 1 and digits not in (10, 11):
            raise IdentifierError(
                _(
                    "a US phone number has 10 digits (area code and number); this one has {count}"
                ).format(count=digits)
            )
        raise IdentifierError(example)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str, home_region: str = "US") -> str:
    """Format for a letter: national for numbers of `home_region`, international otherwise."""
    import phonenumbers

    number = phonenumbers.parse(e164, None)
    if phonenumbers.region_code_for_number(number) == home_region:
        style = phonenumbers.PhoneNumberFormat.NATIONAL
    else:
        style = phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


# email-validator explains in English; each of its explanations, by its opening words, maps to
# one of ours. Anything else gets the general hint, so no English reaches a Chinese reader.
_EMAIL_REASONS = (
    ("An email address must have an @-sign", "@"),
    ("The email address is not valid. It must have exactly one @-sign", "@"),  # before 2.2
    ("There must be something after the @-sign", "domain"),
    ("There must be something before the @-sign", "local"),
    ("The part after the @-sign is not valid. It should have a period", "period"),
    ("Internationalized characters before the @-sign", "ascii"),
    ("The email address contains invalid characters before the @-sign", "chars"),
    ("An email address cannot have two periods in a row", "periods"),
    ("The email address is too long", "long"),
)


def _email_reason(message: str) -> str:
    reasons = {
        "@": _("an email address has an @, like name@example.com"),
        "domain": _("the part after the @ is missing, like example.com in name@example.com"),
        "local": _("the part before the @ is missing, like name in name@example.com"),
        "period": _("the part after the @ needs a dot, like example.com"),
        "ascii": _("use only Latin letters, digits and . _ - before the @"),
        "chars": _("it has a space or a character that cannot be in an email address"),
        "periods": _("it has two dots in a row"),
        "long": _("it is too long for an email address"),
    }
    for opening, key in _EMAIL_REASONS:
        if message.startswith(opening):
            return reasons[key]
    return _("write it like name@example.com")


def check_email(text: str) -> str:
    """Check an email address (international domains welcome); return it folded to plain
    characters, with `。` in the domain read as a dot (`lihua@163。com` → `lihua@163.com`)."""
    from email_validator import EmailNotValidError, validate_email

    text = normalize.email(text)
    try:
        # Mail servers take non-ASCII before the @ only with SMTPUTF8, which many lack.
        validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        raise IdentifierError(_email_reason(str(error))) from None
    return text


def wire_email(text: str) -> tuple[str, str]:
    """Split an address into (local part, domain) with the domain IDNA-encoded for the wire."""
    from email_validator import validate_email

    result = validate_email(text, check_deliverability=False)
    return result.local_part, result.ascii_domain


def luhn_ok(digits: str) -> bool:
    """Return True if a string of digits ends in a correct Luhn check digit."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def check_iccid(text: str) -> str:
    """Check a SIM card number (ICCID): 19 or 20 digits with a Luhn check digit."""
    text = normalize.identifier(text)
    digits = _DIGITS.sub("", text)
    if not 19 <= len(digits) <= 20 or not text.replace(" ", "").isdigit():
        raise IdentifierError(_("an ICCID has 19 or 20 digits"))
    if not luhn_ok(digits):
        raise IdentifierError(_("the check digit is wrong — compare with the SIM card"))
    return digits  # as the carrier's systems hold it, whatever grouping it was typed in


def article_check_digit(payload: str) -> int:
    """Return the USPS mod-10 check digit of an IMpb tracking number's other digits.

    USPS Publication 199: from the rightmost digit leftwards, weights 3 and 1 alternate (as
    in UPC); the check digit brings the weighted sum up to a multiple of ten.
    """
    total = sum(int(c) * (3 if i % 2 == 0 else 1) for i, c in enumerate(reversed(payload)))
    return (10 - total % 10) % 10


def check_article_number(text: str) -> str:
    """Check a USPS Certified Mail article number: 20 or 22 digits ending in its check digit.

    Spaces are allowed, as printed on the receipt, and dashes between the groups, as some
    type them; any other character is named by its position, and a wrong check digit says
    which digit disagrees, so a typo is found. Return it in one form however it was typed:
    in groups of four, as USPS prints it (`9407 1118 9876 5432 1002`).
    """
    text = " ".join(normalize.phone(text).replace("-", " ").split())
    position = 0
    digits = ""
    for char in text:
        if char == " ":
            continue
        position += 1
        if not char.isascii() or not char.isdigit():
            raise IdentifierError(
                _("character {position} ({char}) is not a digit").format(
                    position=position, char=char
                )
            )
        digits += char
    if len(digits) not in (20, 22):
        raise IdentifierError(
            _(
                "a Certified Mail article number has 20 digits (22 with the routing prefix), "
                "this one has {count}"
            ).format(count=len(digits))
        )
    expected = article_check_digit(digits[:-1])
    if int(digits[-1]) != expected:
        raise IdentifierError(
            _(
                "the check digit (digit {position}, {found}) does not match the digits before "
                "it, which call for {expected} — a digit is mistyped: compare with the receipt"
            ).format(position=len(digits), found=digits[-1], expected=expected)
        )
    return " ".join(digits[start : start + 4] for start in range(0, len(digits), 4))


def mask(value: str, keep: int = 4) -> str:
    """Hide all but the last `keep` letters or digits: `ACC-889977` → `****9977`."""
    alnum = [c for c in value if c.isalnum()]
    if len(alnum) <= keep:
        return "*" * len(alnum)
    return "****" + "".join(alnum[-keep:])


# Numbers a letter must never carry. Each needs a shape precise enough not to catch the
# account, phone, ICCID and Certified Mail numbers a summary rightly mentions.
_DIGIT_RUN = re.compile(r"(?<![\d])\d(?:[ -]?\d)*(?![\d])")
_SSN = re.compile(
    r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])"
    r"|(?:ssn|social security(?: number| no\.?)?|社会安全号码?|社會安全號碼?|社安号|社安號)"
    r"\s*(?:number|no\.?|#|is|[:：=]|是)?\s*\d{3}[ -]?\d{2}[ -]?\d{4}(?!\d)",
    re.IGNORECASE,
)
_DATE = (
    r"(?:\d{1,4}[/.\-年]\d{1,2}[/.\-月]\d{1,4}日?"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}"
    r"|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+\d{4})"
)
_BIRTH = re.compile(
    r"(?:date of birth|birth ?date|d\.?o\.?b\.?|born(?: on)?|出生日期|出生|生日)"
    rf"\s*(?:is|was|[:：=]|是|为|為)?\s*{_DATE}",
    re.IGNORECASE,
)
_PIN = re.compile(
    r"(?<![a-z])(?:pin|pin code|passcode|password|security code|port-out pin|transfer pin"
    r"|密码|密碼|验证码|驗證碼|pin码|pin碼)"
    r"\s*(?:is|was|#|[:：=]|是|为|為)?\s*\d{4,10}(?!\d)",
    re.IGNORECASE,
)


def card_number_in(text: str) -> bool:
    """Return True if the text holds a full payment card number: 13–19 digits (spaces or
    dashes between them allowed) with a correct Luhn check digit, and a card network's first
    digit. SIM numbers (ICCIDs start 89) and IMEIs (15 digits from 35) are not card numbers."""
    for match in _DIGIT_RUN.finditer(text):
        digits = _DIGITS.sub("", match.group())
        if not 13 <= len(digits) <= 19 or digits[0] not in "23456" or not luhn_ok(digits):
            continue
        if len(digits) == 15 and digits.startswith("35"):
            continue
        return True
    return False


def sensitive(text: str) -> str | None:
    """Name the kind of personal number the text holds (a Social Security number, a full card
    number, a date of birth, a PIN), or return None. The value itself is never returned."""
    if _SSN.search(text):
        return _("a Social Security number")
    if card_number_in(text):
        return _("a full card number")
    if _BIRTH.search(text):
        return _("a date of birth")
    if _PIN.search(text):
        return _("a PIN or password")
    return None


def mask_name(name: str) -> str:
    """Hide a person's name but its first letters: `王小明` and `王 小明` → `王**`,
    `Xiaoming Wang` → `X. W.`."""
    from letters.cjk import is_wide

    words = name.split()
    if len(words) > 1 and not is_wide(name.strip()[0]):
        return " ".join(f"{word[0]}." for word in words)
    name = "".join(words)
    return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else name
