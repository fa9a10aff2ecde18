"""Send an email draft by SMTP: the one part of letters that uses the network.

Nothing is sent without the user's yes; the server's certificate is always verified; the
password comes from the environment, the OS keyring, or a prompt, and is never stored.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from letters import i18n
from letters.errors import InputError, LettersError, SendError
from letters.i18n import _, cannot_read, os_reason

if TYPE_CHECKING:
    from contextlib import AbstractContextManager
    from email.message import EmailMessage

    from letters.casefolder import CaseLocation

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
PASSWORD_VARIABLE = "LETTERS_SMTP_PASSWORD"
TLS_CHOICES = ("starttls", "ssl", "none")  # "none" only for a server on this computer
_DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


def default_port(tls: str) -> int:
    """Return the usual port for this kind of TLS: 587 for starttls, 465 for ssl, 25 for none."""
    return _DEFAULT_PORTS.get(tls, _DEFAULT_PORTS["starttls"])


@dataclass(frozen=True)
class Server:
    """Where and how to send: host, port, user, and the kind of TLS."""

    host: str
    port: int = default_port("starttls")
    user: str | None = None
    tls: str = "starttls"  # one of TLS_CHOICES

    def __post_init__(self) -> None:
        # Anything else would reach a plain connection with no STARTTLS and log in over it.
        if self.tls not in TLS_CHOICES:
            raise InputError(
                _("TLS '{tls}': letters knows only {choices} — nothing was sent").format(
                    tls=self.tls, choices=", ".join(TLS_CHOICES)
                )
            )
        if self.tls == "none" and self.host not in LOCAL_HOSTS:
            raise InputError(
                _("--tls none: only for a mail server on this computer — {host} needs TLS").format(
                    host=self.host
                )
            )


@dataclass(frozen=True)
class Outgoing:
    """A draft made ready to send: the message, who it goes to, and what the user sees."""

    message: EmailMessage
    sender: str
    recipients: tuple[str, ...]

    @property
    def data(self) -> bytes:
        """Return the message exactly as it goes to the server (and as its copy is kept)."""
        return self.message.as_bytes()

    def summary(self) -> list[str]:
        """Return the lines that show exactly who receives what."""
        body = self.message.get_body(("plain",))
        text = body.get_content() if body is not None else ""
        first = next((line for line in text.splitlines() if line.strip()), "")
        return [
            _("From: {sender}").format(sender=self.message["From"]),
            _("To: {recipients}").format(recipients=", ".join(self.recipients)),
            _("Subject: {subject}").format(subject=self.message["Subject"]),
            _("Begins: {line}").format(line=first),
            _("Size: {size} bytes").format(size=len(self.message.as_bytes())),
        ]


def read_draft(path: Path, now: datetime) -> Outgoing:
    """Read an `.eml` draft and make it ready to send, dated `now`."""
    # The email package is imported here, not at the top: the CLI imports this module for
    # its TLS choices on every start.
    from email import policy
    from email.message import EmailMessage
    from email.parser import BytesParser
    from email.utils import format_datetime, getaddresses, make_msgid

    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(cannot_read(path, error)) from None
    message = BytesParser(policy=policy.SMTP).parsebytes(data)
    if not isinstance(message, EmailMessage) or message["From"] is None:
        raise InputError(_("{path}: not an email draft (no From header)").format(path=path))
    recipients = tuple(
        address
        for _name, address in getaddresses(
            [str(message[h]) for h in ("To", "Cc", "Bcc") if message[h] is not None]
        )
        if address
    )
    if not recipients:
        raise InputError(_("{path}: the draft has no recipient").format(path=path))
    del message["X-Unsent"]  # it is being sent now: no longer a draft
    del message["Bcc"]
    del message["Date"]
    message["Date"] = format_datetime(now)
    sender = getaddresses([str(message["From"])])[0][1]
    # The draft's id is the same every time it is written; what goes out needs its own, so
    # that a second sending is a second message and its reply can be matched to it.
    del message["Message-ID"]
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "letters.invalid")
    return Outgoing(message, sender, recipients)


def password_for(server: Server) -> str | None:
    """Return the SMTP password from the environment or the OS keyring, if either has it."""
    if server.user is None:
        return None
    if os.environ.get(PASSWORD_VARIABLE):
        return os.environ[PASSWORD_VARIABLE]
    try:
        import keyring  # optional: used when the user has installed it
    except ImportError:
        return None
    try:
        found: str | None = keyring.get_password(f"letters:{server.host}", server.user)
    except Exception:  # a keyring backend may fail in many ways; fall back to a prompt
        return None
    return found


def send(outgoing: Outgoing, server: Server, password: str | None, timeout: float = 30) -> None:
    """Send the message; raise SendError with the server's reason when any recipient fails."""
    import smtplib  # here, not at the top: the CLI imports this module for its choices
    import ssl

    context = ssl.create_default_context()  # verifies the certificate and the host name
    try:
        if server.tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                server.host, server.port, timeout=timeout, context=context
            )
        else:  # starttls or none: Server admits nothing else
            client = smtplib.SMTP(server.host, server.port, timeout=timeout)
        with client:
            if server.tls == "starttls":
                client.ehlo_or_helo_if_needed()
                if not client.has_extn("starttls"):
                    reason = _("the server offers no secure connection (STARTTLS) on port {port}")
                    advice = _("Try SSL/TLS instead, usually on port 465.")
                    raise SendError(_not_sent(server, reason.format(port=server.port), advice))
                client.starttls(context=context)
            if server.user and password is not None:
                client.login(server.user, password)
            refused = client.sendmail(outgoing.sender, list(outgoing.recipients), outgoing.data)
    except ssl.SSLError as error:
        code = getattr(error, "reason", None) or error
        reason = _("the secure connection failed: {reason}").format(reason=code)
        advice = ""
        if code == "WRONG_VERSION_NUMBER":  # the server spoke plain SMTP
            advice = _("The server may want STARTTLS instead, usually on port 587.")
        raise SendError(_not_sent(server, reason, advice)) from None
    except (smtplib.SMTPException, OSError) as error:
        if isinstance(error, smtplib.SMTPException):
            reason, advice = _smtp_reason(error)
        else:
            reason, advice = _network_reason(error), ""
        raise SendError(_not_sent(server, reason, advice)) from None
    if refused:  # some recipients took it, these did not
        raise SendError(
            _("{host}: sent, but refused for {recipients}").format(
                host=server.host, recipients=", ".join(refused)
            )
        )


@dataclass(frozen=True)
class Recorded:
    """What the case now remembers of a sending."""

    copy: Path
    case_file: Path | None = None
    evidence: str | None = None
    request_sent: bool = False


SENT_KEYS = {"request": "request_sent", "follow-up": "follow_up_sent"}
"""The day under [status] that a letter of each kind records once it is sent."""


def is_request(draft: Path) -> bool:
    """Tell whether a draft is the closure request (`letters email` names it request.*.eml)."""
    return draft.name.startswith("request.")


def _not_sent(server: Server, reason: str, advice: str = "") -> str:
    text = _("{host}: {reason} — nothing was sent").format(host=server.host, reason=reason)
    return _("{message}. {advice}").format(message=text, advice=advice) if advice else text


def _smtp_reason(error: Exception) -> tuple[str, str]:
    """Say what the mail server refused, in the interface language with its own words, and
    what to do about it, if anything."""
    import smtplib

    words = _decoded(getattr(error, "smtp_error", b""))
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return _("the server refused the login name or the password ({words})").format(
            words=words
        ), _(
            "Many mail services want an app password here, made in the account's security "
            "settings, not the password you sign in with."
        )
    if isinstance(error, smtplib.SMTPNotSupportedError):  # no AUTH on this connection
        return _("the server does not take a login on this connection"), ""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(
            f"{address} ({_decoded(reply)})" for address, (_code, reply) in error.recipients.items()
        )
        return _("the server refused every recipient: {recipients}").format(recipients=refused), ""
    if isinstance(error, smtplib.SMTPSenderRefused):
        reason = _("the server refused the sender {address} ({words})")
        return reason.format(address=error.sender, words=words), ""
    if isinstance(error, smtplib.SMTPDataError):
        return _("the server refused the message ({words})").format(words=words), ""
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return _("the server closed the connection"), ""
    if isinstance(error, smtplib.SMTPResponseException):
        reason = _("the server answered {code} ({words})")
        return reason.format(code=error.smtp_code, words=words), ""
    return str(error), ""


def _decoded(reply: bytes | str) -> str:
    """Return a server's reply as one line of text."""
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())


def _network_reason(error: OSError) -> str:
    """Say why the mail server could not be reached, in the interface language."""
    import socket

    if isinstance(error, socket.gaierror):
        return _("no server has this name — check it")
    if isinstance(error, TimeoutError):
        return _("the server did not answer in time")
    return os_reason(error)


def record_sent(
    draft: Path, outgoing: Outgoing, case: CaseLocation | None, now: datetime
) -> Recorded:
    """Keep what was sent: a copy beside the draft and, with a case, its evidence and event.

    The copy beside the draft and the one in the evidence folder hold the very bytes that
    went out. The event names the recipients, the new Message-ID and the evidence copy; a
    closure request also sets status.request_sent, and the follow-up status.follow_up_sent,
    unless the case already has that date.
    """
    from letters import timeline
    from letters.case import load_case
    from letters.inbox import evidence_name
    from letters.output import commit, stage

    data = outgoing.data
    copy = draft.with_name(f"{draft.stem}.sent-{now:%Y%m%dT%H%M%S}.eml")
    if case is None:
        commit(stage({copy: data}))
        return Recorded(copy)
    loaded = load_case(case.case_file)
    moment = now.astimezone(loaded.tz).replace(microsecond=0)
    name = evidence_name(moment, str(outgoing.message["Subject"] or ""), data, ".eml", "sent")
    with i18n.interface(loaded.records_language):
        summary = _("Sent by email: {subject}").format(subject=outgoing.message["Subject"])
    event = {
        "at": moment,
        "channel": "email",
        "party": ", ".join(outgoing.recipients),
        "reference": str(outgoing.message["Message-ID"]),
        "summary": summary,
        "evidence": [name],
    }
    key = SENT_KEYS.get(draft.name.split(".", 1)[0])  # `letters email` names it KIND.LANG.eml
    first = key is not None and getattr(loaded.status, key) is None
    tables = {"status": {key: moment.date()}} if key and first else None
    request = first and key == "request_sent"
    case_data = timeline.edited_case(case.case_file, [event], tables)
    commit(
        stage({copy: data, case.evidence_dir / name: data, case.case_file: case_data}),
        force=True,
    )
    return Recorded(copy, case.case_file, name, request)


@dataclass(frozen=True)
class Sending:
    """A draft made ready to send, the case that will record it, and the moment it goes."""

    draft: Path
    outgoing: Outgoing
    case: CaseLocation | None
    at: datetime

    def summary(self) -> list[str]:
        """Return the lines that show exactly who receives what, and where it is recorded."""
        lines = self.outgoing.summary()
        if self.case is not None:
            lines.append(_("To be recorded in: {path}").format(path=self.case.case_file))
        return lines


def prepare(draft: Path, case: Path | CaseLocation | None, now: datetime) -> Sending:
    """Read a draft and find the case that records its sending: `case`, else the case folder
    the draft is in. Nothing is sent: this is the dry run, and what the user confirms.

    A case that cannot take the record stops the sending here, before anything goes out.
    """
    from letters.case import load_case
    from letters.casefolder import folder_of, locate

    outgoing = read_draft(draft, now)
    where = folder_of(draft) if case is None else locate(case) if isinstance(case, Path) else case
    if where is not None:
        load_case(where.case_file)
    return Sending(draft, outgoing, where, now)


_PROVIDERS = {
    ("gmail.com", "googlemail.com"): ("smtp.gmail.com", 587, "starttls"),
    ("yahoo.com",): ("smtp.mail.yahoo.com", 465, "ssl"),
    ("icloud.com", "me.com", "mac.com"): ("smtp.mail.me.com", 587, "starttls"),
    ("aol.com",): ("smtp.aol.com", 465, "ssl"),
    ("qq.com", "foxmail.com"): ("smtp.qq.com", 465, "ssl"),
    ("163.com",): ("smtp.163.com", 465, "ssl"),
    ("126.com",): ("smtp.126.com", 465, "ssl"),
}  # fmt: skip
"""The mail servers of the providers most holders use, as their help pages give them. Each
logs in with the whole address, most with an app password rather than the usual one.
Outlook.com is not among them: it has taken no password from mail programs since 2024."""


def provider_server(address: str | None) -> Server | None:
    """Return the mail server of a well-known provider for `address`, logging in as it; None
    for any other address (the holder's provider then names its server)."""
    domain = (address or "").rpartition("@")[2].lower()
    for domains, (host, port, tls) in _PROVIDERS.items():
        if domain in domains:
            return Server(host, port, address, tls)
    return None


def server_for(host: str | None, port: int | str | None, user: str | None, tls: str) -> Server:
    """Return where and how to send: `port` (a number, or its text) defaults to the usual one
    for `tls`. Raise InputError, before any password is asked for, if anything is wrong."""
    if not host:
        raise InputError(_("Which mail server? For example smtp.example.com"))
    if port is None or port == "":
        port = default_port(tls)
    try:
        number = int(port)
    except ValueError:
        raise InputError(_("The port is a number, like 587.")) from None
    return Server(host, number, user or None, tls)


def deliver(
    sending: Sending,
    server: Server,
    password: str | None = None,
    ask_password: Callable[[], str] | None = None,
    writing: AbstractContextManager[object] | None = None,
) -> Recorded:
    """Send, then keep what was sent (`record_sent`), holding `writing` while the case is
    written. The password: `password`, else the environment or the OS keyring, else, for a
    server that wants a login, `ask_password()`; it is used for this sending only."""
    secret = password or password_for(server)
    if server.user and secret is None and ask_password is not None:
        secret = ask_password()
    send(sending.outgoing, server, secret)
    try:
        with writing or contextlib.nullcontext():
            return record_sent(sending.draft, sending.outgoing, sending.case, sending.at)
    except (LettersError, OSError) as error:  # it went out: say so, whatever failed after
        if isinstance(error, LettersError):
            reason = error.message
        else:
            reason = f"{error.filename}: {os_reason(error)}" if error.filename else os_reason(error)
        raise SendError(
            _("sent to {recipients}, but what was sent could not be kept: {reason}").format(
                recipients=", ".join(sending.outgoing.recipients), reason=reason
            )
        ) from error
