"""`letters send` against a real SMTP server on this computer (aiosmtpd on loopback)."""

from __future__ import annotations

import email
import shutil
import ssl
from collections.abc import Iterator
from datetime import date
from email import policy
from pathlib import Path
from typing import Any

import pytest
import trustme

from letters import send as sending
from letters.errors import InputError
from tests.conftest import SAMPLES, run
from tests.smtp_server import Inbox, serve


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def plain_server(inbox: Inbox) -> Iterator[int]:
    yield from serve(inbox, authenticator=inbox.authenticate, auth_require_tls=False)


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    result = run(
        "email",
        SAMPLES / "case-zh-CN.toml",
        "-o",
        tmp_path,
        "--date",
        "2026-11-24",
        "--lang",
        "zh-CN",
    )
    assert result.exit_code == 0, result.stderr
    return tmp_path / "request.zh-CN.eml"


def test_dry_run_by_default_shows_who_gets_what(
    draft: Path, inbox: Inbox, plain_server: int
) -> None:
    result = run("send", draft, "--smtp", "127.0.0.1", "--port", str(plain_server), "--tls", "none")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:3] == [
        "From: 王小明 <xm.wang@example.com>",
        "To: care@example-mobile.com",
        "Subject: 关于注销 Example Mobile 账户 ACC-889977 的申请",
    ]
    assert result.stdout.endswith("Dry run: nothing was sent. Add --yes to send.\n")
    assert inbox.envelopes == []


def test_a_dry_run_without_a_server_asks_for_one(draft: Path, inbox: Inbox) -> None:
    result = run("send", draft)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith(
        "Dry run: nothing was sent. Add --smtp SERVER and --yes to send.\n"
    )
    assert inbox.envelopes == []


def test_sends_the_draft_with_the_password_from_the_environment(
    draft: Path, inbox: Inbox, plain_server: int
) -> None:
    result = run(
        "send", draft, "--smtp", "127.0.0.1", "--port", str(plain_server), "--tls", "none",
        "--user", "xm.wang@example.com", "--yes",
        env={"LETTERS_SMTP_PASSWORD": "s3cret-app-password"},
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "\nsent to care@example-mobile.com\n" in result.stdout
    assert "s3cret" not in result.output
    assert inbox.logins == [(b"xm.wang@example.com", b"s3cret-app-password")]
    (envelope,) = inbox.envelopes
    assert envelope.mail_from == "xm.wang@example.com"
    assert envelope.rcpt_tos == ["care@example-mobile.com"]
    received = email.message_from_bytes(envelope.original_content, policy=policy.default)
    sent = email.message_from_bytes(draft.read_bytes(), policy=policy.default)
    assert received["X-Unsent"] is None
    assert received["Subject"] == sent["Subject"]
    assert received["Message-ID"] != sent["Message-ID"]  # a sending is a message of its own
    assert received["Message-ID"].endswith("@example.com>")
    assert received.get_body(("plain",)).get_content() == sent.get_body(("plain",)).get_content()


class Refusing(Inbox):
    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ):
        return "550 5.1.1 No such mailbox here"


def test_a_refused_recipient_is_one_error_line(draft: Path) -> None:
    for port in serve(Refusing()):
        result = run(
            "send", draft, "--smtp", "127.0.0.1", "--port", str(port), "--tls", "none", "--yes"
        )
        assert result.exit_code == 1
        assert result.stderr == (
            "Error: 127.0.0.1: the server refused every recipient: care@example-mobile.com "
            "(5.1.1 No such mailbox here) — nothing was sent\n"
        )


def test_a_server_without_starttls_is_named_and_the_other_way_offered(
    draft: Path, inbox: Inbox, plain_server: int
) -> None:
    result = run("send", draft, "--smtp", "127.0.0.1", "--port", str(plain_server), "--yes")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: 127.0.0.1: the server offers no secure connection (STARTTLS) on port "
        f"{plain_server} — nothing was sent. Try SSL/TLS instead, usually on port 465.\n"
    )
    assert inbox.envelopes == []


def test_a_wrong_password_is_said_in_the_users_language_with_the_servers_words(
    draft: Path, inbox: Inbox, plain_server: int
) -> None:
    result = run(
        "send", draft, "--smtp", "127.0.0.1", "--port", str(plain_server), "--tls", "none",
        "--user", "xm.wang@example.com", "--yes",
        env={"LETTERS_SMTP_PASSWORD": "the sign-in password", "LANGUAGE": "zh_CN"},
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == (
        "错误：127.0.0.1：服务器不接受登录名或密码（5.7.8 Authentication credentials invalid）"
        "——没有发送任何内容。很多邮件服务在这里要的是“应用专用密码”（在账户的安全设置里生成），"
        "而不是平时登录用的密码。\n"
    )
    # Python's smtplib tries each way of logging in the server offers (PLAIN, then LOGIN).
    assert set(inbox.logins) == {(b"xm.wang@example.com", b"the sign-in password")}
    assert inbox.envelopes == []


def test_ssl_to_a_plain_server_suggests_starttls(draft: Path, plain_server: int) -> None:
    result = run(
        "send", draft, "--smtp", "127.0.0.1", "--port", str(plain_server), "--tls", "ssl", "--yes"
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 127.0.0.1: the secure connection failed: ")
    assert result.stderr.endswith(
        " — nothing was sent. The server may want STARTTLS instead, usually on port 587.\n"
    )


def test_the_certificate_is_always_verified(draft: Path, inbox: Inbox) -> None:
    authority = trustme.CA()  # a certificate authority this computer does not trust
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    for port in serve(inbox, tls_context=context, require_starttls=True):
        result = run("send", draft, "--smtp", "127.0.0.1", "--port", str(port), "--yes")
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: 127.0.0.1: the secure connection failed: ")
        assert "CERTIFICATE_VERIFY_FAILED" in result.stderr
    assert inbox.envelopes == []


def test_no_tls_only_on_this_computer(draft: Path) -> None:
    result = run("send", draft, "--smtp", "smtp.example.com", "--tls", "none", "--yes")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: --tls none: only for a mail server on this computer — smtp.example.com needs TLS\n",
    )


def test_not_a_draft(tmp_path: Path) -> None:
    note = tmp_path / "note.eml"
    note.write_text("hello\n")
    result = run("send", note)
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {note}: not an email draft (no From header)\n",
    )


@pytest.fixture
def case_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "wang"
    (folder / "evidence").mkdir(parents=True)
    text = (SAMPLES / "case-en.toml").read_text(encoding="utf-8")
    (folder / "case.toml").write_text("# my notes stay\n" + text, encoding="utf-8")
    result = run("email", folder, "--date", "2026-11-24")  # into the folder's documents/
    assert result.exit_code == 0, result.stderr
    return folder


def test_sending_a_case_draft_keeps_a_copy_an_event_and_the_request_date(
    case_folder: Path, inbox: Inbox, plain_server: int
) -> None:
    draft = case_folder / "documents" / "request.en.eml"
    before = run("guide", case_folder / "case.toml", "--date", "2026-11-24")
    assert before.stdout.startswith("Not sent yet")
    result = run(
        "send", draft, "--smtp", "127.0.0.1", "--port", str(plain_server), "--tls", "none", "--yes"
    )
    assert result.exit_code == 0, result.stderr
    (envelope,) = inbox.envelopes
    (copy,) = (case_folder / "documents").glob("request.en.sent-*.eml")
    assert copy.read_bytes() == envelope.original_content  # exactly what the server received
    (kept,) = (case_folder / "evidence" / "mail").iterdir()
    assert kept.read_bytes() == copy.read_bytes()
    assert kept.name.endswith(".eml") and "sent" in kept.name
    received = email.message_from_bytes(envelope.original_content, policy=policy.default)
    text = (case_folder / "case.toml").read_text(encoding="utf-8")
    original = "# my notes stay\n" + (SAMPLES / "case-en.toml").read_text(encoding="utf-8")
    assert text.startswith(original)  # edited in place: comments and all kept
    assert "\n[status]\nrequest_sent = " in text
    from letters.case import load_case

    case = load_case(case_folder / "case.toml")
    event = case.events[-1]
    assert event.channel == "email"
    assert event.party == "care@example-mobile.com"
    assert event.reference == received["Message-ID"]
    assert event.evidence == (f"mail/{kept.name}",)
    assert case.status.request_sent == event.day(case.tz)
    after = run("guide", case_folder / "case.toml", "--date", str(event.day(case.tz)))
    assert after.stdout.startswith("Request sent: waiting for the carrier's answer.")
    assert f"{case_folder / 'case.toml'}: the closure request is now recorded as sent" in (
        result.stdout
    )
    assert f"\nTo be recorded in: {case_folder / 'case.toml'}\n" in result.stdout


def test_the_event_of_a_chinese_readers_sending_is_in_the_carriers_english(
    tmp_path: Path, inbox: Inbox, plain_server: int
) -> None:
    # The timeline is recited in English letters (a follow-up, the FCC complaint): what the
    # tool writes there is in the carrier's language, not the holder's.
    folder = tmp_path / "wang"
    (folder / "evidence").mkdir(parents=True)
    shutil.copy(SAMPLES / "case-zh-CN.toml", folder / "case.toml")
    assert run("email", folder, "--date", "2026-11-24").exit_code == 0
    result = run("--ui-lang", "zh-CN", "send", folder / "documents" / "request.en.eml", "--smtp",
                 "127.0.0.1", "--port", str(plain_server), "--tls", "none", "--yes")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    from letters.case import load_case

    summary = load_case(folder / "case.toml").events[-1].summary
    assert (
        summary == "Sent by email: Request to close account ACC-889977, phone number (415) 555-0188"
    )
    follow_up = run("letter", folder, "--kind", "follow-up", "--date", "2026-12-20")
    warnings = [line for line in follow_up.stderr.splitlines() if "--date" not in line]
    assert follow_up.exit_code == 0 and warnings == [], follow_up.stderr  # until the day comes
    # The email's Message-ID ties the event to its copy; it is no reference the carrier gave.
    message_id = load_case(folder / "case.toml").events[-1].reference
    assert message_id and message_id.startswith("<")
    from docx import Document

    docx = Document(str(folder / "documents" / "follow-up.en.docx"))
    letter = "\n".join(paragraph.text for paragraph in docx.paragraphs)
    assert "by email" in letter and message_id not in letter


def test_a_draft_outside_any_case_is_kept_but_not_recorded(
    draft: Path, inbox: Inbox, plain_server: int
) -> None:
    result = run(
        "send", draft, "--smtp", "127.0.0.1", "--port", str(plain_server), "--tls", "none", "--yes"
    )
    assert result.exit_code == 0, result.stderr
    (copy,) = draft.parent.glob("request.zh-CN.sent-*.eml")
    assert copy.read_bytes() == inbox.envelopes[0].original_content
    assert result.stdout.endswith("not recorded in a case: next time add --case CASE\n")


def test_a_broken_case_stops_the_sending_before_it_starts(
    case_folder: Path, inbox: Inbox, plain_server: int
) -> None:
    (case_folder / "case.toml").write_text("[holder]\n", encoding="utf-8")
    result = run(
        "send", case_folder / "documents" / "request.en.eml", "--smtp", "127.0.0.1", "--port",
        str(plain_server), "--tls", "none", "--yes",
    )  # fmt: skip
    assert result.exit_code == 2
    assert inbox.envelopes == []


@pytest.mark.parametrize("tls", ["STARTTLS", "x", "tls", ""])
def test_a_server_with_an_unknown_kind_of_security_is_refused(tls: str) -> None:
    with pytest.raises(InputError, match="letters knows only starttls, ssl, none"):
        sending.Server("smtp.example.com", 587, "me@example.com", tls)


def test_the_usual_port_follows_the_kind_of_security() -> None:
    ports = {tls: sending.default_port(tls) for tls in sending.TLS_CHOICES}
    assert ports == {"starttls": 587, "ssl": 465, "none": 25}
    assert sending.Server("smtp.example.com").port == 587


def test_what_went_out_but_could_not_be_kept_is_said_to_have_gone(
    draft: Path, inbox: Inbox, plain_server: int
) -> None:
    from datetime import datetime, timedelta, timezone

    from letters.errors import SendError

    now = datetime(2026, 11, 24, 9, 30, tzinfo=timezone(timedelta(hours=-8)))
    prepared = sending.prepare(draft, None, now)
    assert prepared.summary()[1] == "To: care@example-mobile.com"
    taken = draft.with_name("request.zh-CN.sent-20261124T093000.eml")
    taken.write_bytes(b"a copy kept before")  # the copy's name is taken: keeping it fails
    server = sending.server_for("127.0.0.1", str(plain_server), None, "none")
    with pytest.raises(SendError) as raised:
        sending.deliver(prepared, server)
    assert raised.value.message.startswith(
        "sent to care@example-mobile.com, but what was sent could not be kept: "
    )
    assert len(inbox.envelopes) == 1  # it did go out
    assert taken.read_bytes() == b"a copy kept before"


@pytest.mark.parametrize(
    ("host", "port", "message"),
    [
        (None, None, "Which mail server? For example smtp.example.com"),
        ("smtp.example.com", "five", "The port is a number, like 587."),
    ],
)
def test_a_server_is_named_and_its_port_is_a_number(
    host: str | None, port: str | None, message: str
) -> None:
    with pytest.raises(InputError) as raised:
        sending.server_for(host, port, "me@example.com", "starttls")
    assert raised.value.message == message
    assert sending.server_for("smtp.example.com", "", None, "ssl").port == 465


def test_sending_the_follow_up_records_its_day(
    case_folder: Path, inbox: Inbox, plain_server: int
) -> None:
    case_file = case_folder / "case.toml"
    case_file.write_text(
        case_file.read_text(encoding="utf-8") + "\n[status]\nrequest_sent = 2026-11-02\n",
        encoding="utf-8",
    )
    result = run("email", case_folder, "--kind", "follow-up", "--date", "2026-11-24")
    assert result.exit_code == 0, result.stderr
    draft = case_folder / "documents" / "follow-up.en.eml"
    result = run(
        "send", draft, "--smtp", "127.0.0.1", "--port", str(plain_server), "--tls", "none", "--yes"
    )
    assert result.exit_code == 0, result.stderr
    from letters.case import load_case

    case = load_case(case_file)
    assert case.status.follow_up_sent == case.events[-1].day(case.tz)
    assert case.status.request_sent == date(2026, 11, 2)  # the request's, as it was
