"""Lay a letter out as an email draft: `.eml`, plain text, and a `mailto:` link."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import quote

from letters import identifiers
from letters.content import Letter
from letters.errors import InputError, RenderError
from letters.fidelity import MESSAGE_PARTS, check_fidelity, required_values
from letters.i18n import _


@dataclass(frozen=True)
class EmailDraft:
    """An email draft in its three forms."""

    eml: bytes
    text: str
    mailto: str


def _address(name: str, email: str, key: str) -> Address:
    _refuse_line_breaks(name, key)
    try:
        local, domain = identifiers.wire_email(email)
    except ValueError as error:
        message = _("{key}: not an email address: {reason}").format(key=key, reason=error)
        raise InputError(message) from None
    return Address(display_name=name, username=local, domain=domain)


def _refuse_line_breaks(value: str, key: str) -> None:
    if any(char in value for char in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
        raise InputError(
            _("{key}: a line break cannot go into an email header — nothing was written").format(
                key=key
            )
        )


def build_email(letter: Letter) -> EmailDraft:
    """Build the email draft of a letter, addressed from the holder to the recipient."""
    if not letter.recipient.email:
        if not letter.to_carrier:  # the card issuer, the FCC: write to them
            raise InputError(
                _(
                    "{recipient} has no email address here — print the letter: letters letter"
                ).format(recipient=letter.recipient.name)
            )
        raise InputError(_("recipient.email: is missing — the email needs an address to go to"))
    _refuse_line_breaks(letter.subject, "subject")
    text = "\n".join(letter.body_lines) + "\n"
    message = EmailMessage(policy=policy.SMTP)
    sender = _address(letter.sender.name, letter.sender.email, "holder")
    message["From"] = sender
    message["To"] = _address(letter.recipient.name, letter.recipient.email, "recipient")
    message["Subject"] = letter.subject
    message["Date"] = format_datetime(letter.moment)
    message["Message-ID"] = _message_id(text, letter, sender.domain)
    message["X-Unsent"] = "1"
    message.set_content(text, charset="utf-8", cte="quoted-printable")
    message["Content-Language"] = letter.language
    eml = message.as_bytes()
    check_fidelity(text, required_values(letter, MESSAGE_PARTS), ".txt")
    shown = f"{message_from_bytes(eml, policy=policy.default)['Subject']}\n{parse_back(eml)}"
    check_fidelity(shown, required_values(letter, ("subject", *MESSAGE_PARTS)), ".eml")
    return EmailDraft(eml=eml, text=text, mailto=_mailto(message["To"].addresses[0], letter, text))


def _message_id(text: str, letter: Letter, domain: str) -> str:
    # Derived from the content, never from the host name, so the same draft has the same id.
    digest = hashlib.sha256(f"{letter.subject}\n{letter.date}\n{text}".encode()).hexdigest()
    return f"<{digest[:32]}@{domain}>"


def _mailto(to: Address, letter: Letter, text: str) -> str:
    """Return an RFC 6068 `mailto:` URI with CRLF line breaks as `%0D%0A`."""
    body = text.rstrip("\n").replace("\n", "\r\n")
    address = quote(to.addr_spec, safe="@")
    return f"mailto:{address}?subject={quote(letter.subject, safe='')}&body={quote(body, safe='')}"


def parse_back(eml: bytes) -> str:
    """Return the decoded body of an `.eml` (to prove what a mail client will show)."""
    message = message_from_bytes(eml, policy=policy.default)
    body = message.get_body(("plain",))
    if body is None:
        raise RenderError(_("the email has no text body"))
    content: str = body.get_content()
    return content
