"""`letters log CASE import`: .eml, .mbox and .msg mail become events and evidence copies."""

from __future__ import annotations

import hashlib
import mailbox
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner

from letters import inbox
from letters.case import load_case
from letters.casefolder import locate
from letters.cli import cli
from letters.inbox import import_mail
from tests.conftest import SAMPLES, run
from tests.msgfile import build_msg

CARE = "care@example-mobile.com"
HOLDER = "xm.wang@example.com"


def mail(
    sender: str, to: str, subject: str, date: str | None, body: str = "Hello.", msgid: str = ""
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    if date:
        message["Date"] = date
    if msgid:
        message["Message-ID"] = msgid
    message.set_content(body)
    return message


def raw(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("latin-1")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "wang"
    (folder / "evidence").mkdir(parents=True)
    (folder / "case.toml").write_text(
        (SAMPLES / "case-en.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return folder


@pytest.fixture
def inbox_mbox(tmp_path: Path) -> Path:
    path = tmp_path / "Takeout" / "Inbox.mbox"
    path.parent.mkdir()
    box = mailbox.mbox(str(path))
    box.add(mail(f"Example Mobile Care <{CARE}>", HOLDER, "Re: Request to close account",
                 "Mon, 23 Nov 2026 10:15:00 -0800", "We received your request.\nFrom now on…",
                 "<r1@example-mobile.com>"))  # fmt: skip
    box.add(mail(HOLDER, CARE, "Request to close account", "Sun, 22 Nov 2026 09:00:00 -0800",
                 msgid="<s1@example.com>"))  # fmt: skip
    box.add(mail("News <news@shop.example>", HOLDER, "Big sale", "Sun, 22 Nov 2026 08:00:00 +0000",
                 msgid="<n1@shop.example>"))  # fmt: skip
    box.add(mail("<noreply@billing.example-mobile.com>", HOLDER, "关于您的账户",
                 "Tue, 24 Nov 2026 20:00:00 +0800", "您好",
                 "<zh1@example-mobile.com>"))  # fmt: skip
    box.close()
    return path


def test_an_mbox_becomes_events_and_copies_and_a_second_import_adds_nothing(
    folder: Path, inbox_mbox: Path
) -> None:
    before = inbox_mbox.read_bytes()
    result = run("log", folder, "import", inbox_mbox)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"{folder / 'case.toml'}: 3 imported, 0 already in the case, 1 not to or from the "
        "carrier, 0 skipped\n"
    )
    case = load_case(folder / "case.toml")
    events = [e for e in case.events if e.channel == "email"]
    assert [(e.at.isoformat(), e.party, e.summary, e.reference) for e in events] == [
        ("2026-11-22T09:00:00-08:00", HOLDER, "Request to close account", "<s1@example.com>"),
        ("2026-11-23T10:15:00-08:00", f"Example Mobile Care <{CARE}>",
         "Re: Request to close account", "<r1@example-mobile.com>"),
        ("2026-11-24T20:00:00+08:00", "<noreply@billing.example-mobile.com>", "关于您的账户",
         "<zh1@example-mobile.com>"),
    ]  # fmt: skip
    copies = sorted((folder / "evidence" / "mail").iterdir())
    assert [f"mail/{p.name}" for p in copies] == sorted(e.evidence[0] for e in events)
    assert copies[0].name.startswith("2026-11-22-0900-Request-to-close-account-")
    unquoted = b"\n" + before.replace(b"\n>From ", b"\nFrom ") + b"From "
    for copy in copies:  # each copy is the message as it is in the mailbox, ">From" unquoted
        assert b"\n" + copy.read_bytes() + b"\nFrom " in unquoted
    assert b"\nFrom now" in copies[1].read_bytes()
    text = (folder / "case.toml").read_bytes()

    again = run("log", folder, "import", inbox_mbox)
    assert again.stdout == (
        f"{folder / 'case.toml'}: 0 imported, 3 already in the case, 1 not to or from the "
        "carrier, 0 skipped\n"
    )
    assert (folder / "case.toml").read_bytes() == text
    assert inbox_mbox.read_bytes() == before  # the mailbox is never changed


def test_all_imports_every_message(folder: Path, inbox_mbox: Path) -> None:
    result = run("log", folder, "import", "--all", inbox_mbox)
    assert ": 4 imported, 0 already in the case, 0 not to or from" in result.stdout


def test_an_outlook_msg_is_imported_and_its_confirmation_asked_about(
    folder: Path, tmp_path: Path
) -> None:
    headers = (
        "Date: Wed, 25 Nov 2026 09:30:00 -0800\r\n"
        f"From: Example Mobile <{CARE}>\r\nTo: {HOLDER}\r\n"
        "Subject: Your account has been closed\r\n"
        "Message-ID: <close-123@example-mobile.com>\r\n\r\n"
    )
    data = build_msg(
        "Your account has been closed", f"Example Mobile <{CARE}>", HOLDER,
        "Your account ACC-889977 has been closed as you asked.", headers,
        datetime(2026, 11, 25, 17, 30, tzinfo=UTC),
    )  # fmt: skip
    source = tmp_path / "closed.msg"
    source.write_bytes(data)
    result = CliRunner().invoke(cli, ["log", str(folder), "import", str(source)], input="y\n")
    assert result.exit_code == 0, result.stderr
    assert (
        f"“Your account has been closed” from Example Mobile <{CARE}> on 2026-11-25 reads like "
        "the carrier confirming the closure. Record status.confirmation_received = 2026-11-25? "
        "[y/N]: y\n"
    ) in result.stdout
    assert "recorded confirmation_received = 2026-11-25" in result.stdout
    case = load_case(folder / "case.toml")
    assert case.status.confirmation_received.isoformat() == "2026-11-25"
    event = case.events[-1]
    assert (event.at.isoformat(), event.reference) == (
        "2026-11-25T09:30:00-08:00",
        "<close-123@example-mobile.com>",
    )
    (copy,) = (folder / "evidence" / "mail").iterdir()
    assert copy.suffix == ".msg" and copy.read_bytes() == data
    guide = run("guide", folder / "case.toml", "--date", "2026-11-26")
    assert guide.stdout.startswith("Closure confirmed")


def test_a_confirmation_is_never_recorded_without_a_yes(folder: Path, tmp_path: Path) -> None:
    source = tmp_path / "closed.eml"
    source.write_bytes(
        mail(CARE, HOLDER, "Cancellation confirmed", "Wed, 25 Nov 2026 09:30:00 -0800",
             msgid="<c2@example-mobile.com>").as_bytes()
    )  # fmt: skip
    result = CliRunner().invoke(cli, ["log", str(folder), "import", str(source)], input="")
    assert result.exit_code == 0, result.stderr
    assert (
        "not recorded: confirmation_received — if it is so, write confirmation_received = "
        "2026-11-25 under [status]\n"
    ) in result.stdout
    case = load_case(folder / "case.toml")
    assert case.status.confirmation_received is None
    assert case.events[-1].summary == "Cancellation confirmed"


HOSTILE = [
    ("no-date", raw(f"From: {CARE}\nTo: {HOLDER}\nSubject: hi\nMessage-ID: <a@x>\n\nbody\n"),
     "no Date header"),
    ("lying-charset", raw(f"From: {CARE}\nTo: {HOLDER}\nDate: Wed, 25 Nov 2026 09:30:00 -0800\n"
                          "Subject: =?utf-8?B?xOO6ww==?=\n\nbody\n"),
     "its Subject header says utf-8, but its bytes are not utf-8"),
    ("unknown-charset", raw(f"From: {CARE}\nTo: {HOLDER}\nDate: Wed, 25 Nov 2026 09:30:00 -0800\n"
                            "Subject: =?x-klingon?Q?qapla?=\n\nbody\n"),
     "its Subject header names an unknown character set: x-klingon"),
    ("bad-date", raw(f"From: {CARE}\nTo: {HOLDER}\nDate: sometime soon\nSubject: s\n\nbody\n"),
     "its Date header is not a date: sometime soon"),
    ("raw-gbk", f"From: {CARE}\r\nTo: {HOLDER}\r\nDate: Wed, 25 Nov 2026 09:30:00 -0800\r\n"
                "Subject: ".encode() + "你好".encode("gbk") + b"\r\n\r\nbody\r\n",
     "its Subject header has bytes in no known character set"),
    # 200,000 encoded words: decoding them took minutes (their number squared)
    ("encoded-words", raw(f"From: {CARE}\nTo: {HOLDER}\nDate: Wed, 25 Nov 2026 09:30:00 -0800\n"
                          "Subject: " + "=?utf-8?q?x?= " * 200_000 + "\n\nbody\n"),
     "its Subject header is too long to be a real one"),
    # a parameter of 300,000 semicolons: reading the charset took 50 s (their number squared)
    ("parameters", raw(f"From: {CARE}\nTo: {HOLDER}\nDate: Wed, 25 Nov 2026 09:30:00 -0800\n"
                       'Content-Type: text/plain; a="' + ";" * 300_000 + '"\n\nbody\n'),
     "its Content-Type header is too long to be a real one"),
    # parts nested 950 deep: every line was tested against every boundary still open
    ("nested", raw(f"From: {CARE}\nTo: {HOLDER}\nDate: Wed, 25 Nov 2026 09:30:00 -0800\n"
                   + "".join(f'Content-Type: multipart/mixed; boundary="b{n}"\n\n--b{n}\n'
                             for n in range(950)) + "\nbody\n"),
     "it has more than 20 sets of parts"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "data", "reason"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_mail_is_skipped_with_its_reason(
    folder: Path, tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    source = tmp_path / f"{name}.eml"
    source.write_bytes(data)
    before = (folder / "case.toml").read_bytes()
    result = run("log", folder, "import", source)
    assert result.exit_code == 0
    assert result.stderr == f"{source}: skipped — {reason}\n"
    assert (folder / "case.toml").read_bytes() == before
    assert not (folder / "evidence" / "mail").exists()


def test_a_message_that_cannot_be_an_event_is_skipped_and_the_others_imported(
    folder: Path, tmp_path: Path
) -> None:
    path = tmp_path / "mixed.mbox"
    box = mailbox.mbox(str(path))
    box.add(mail(CARE, HOLDER, "Re: your closure request", "Wed, 25 Nov 2026 09:30:00 -0800",
                 msgid="<a@example-mobile.com>"))  # fmt: skip
    box.add(mail(CARE, HOLDER, "Your new account PIN: 4821", "Wed, 25 Nov 2026 10:30:00 -0800",
                 msgid="<b@example-mobile.com>"))  # fmt: skip
    # A C1 control character, encoded in the subject: cleaned away like the others.
    box.add(mail(CARE, HOLDER, "=?utf-8?q?Account_=C2=9Bclosed?=",
                 "Thu, 26 Nov 2026 09:30:00 -0800", msgid="<c@example-mobile.com>"))  # fmt: skip
    box.close()
    result = run("log", folder, "import", path)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        f"{path}, message 2: skipped — its subject seems to hold a PIN or password, which "
        "letters does not keep\n"
    )
    case = load_case(folder / "case.toml")
    summaries = [event.summary for event in case.events if event.channel == "email"]
    assert summaries == ["Re: your closure request", "Account closed"]
    assert len(list((folder / "evidence" / "mail").iterdir())) == 2  # the PIN's is not kept


def test_a_message_with_no_sender_is_still_imported(folder: Path, tmp_path: Path) -> None:
    source = tmp_path / "nobody.eml"
    source.write_bytes(raw("Subject: Your account\nDate: Wed, 25 Nov 2026 09:30:00 -0800\n\nHi.\n"))
    result = run("log", folder, "import", source, "--all")
    assert result.exit_code == 0, result.stderr
    assert ": 1 imported" in result.stdout, result.stdout + result.stderr


def test_a_huge_message_in_a_mailbox_is_skipped_without_being_held(
    folder: Path, tmp_path: Path
) -> None:
    path = tmp_path / "big.mbox"
    box = mailbox.mbox(str(path))
    big = mail(CARE, HOLDER, "Your bill", "Wed, 25 Nov 2026 09:30:00 -0800", msgid="<big@x>")
    big.add_attachment(b"\0" * (3 * 1024 * 1024), maintype="application", subtype="pdf")
    box.add(big)
    box.add(mail(CARE, HOLDER, "After", "Thu, 26 Nov 2026 09:30:00 -0800", msgid="<ok@x>"))
    box.add(b"From: \xff\xfe\x00garbage\n\n")  # no date, no sense
    box.close()
    report = import_mail(locate(folder), [path], limit=1024 * 1024)
    assert [s.line for s in report.skipped] == [
        f"{path}, message 1: skipped — 4.1 MB, more than the 1.0 MB a message may have here",
        f"{path}, message 3: skipped — no Date header",
    ]
    assert [i.subject for i in report.imported] == ["After"]


def test_a_failed_import_leaves_nothing_behind(folder: Path, inbox_mbox: Path) -> None:
    (folder / "case.toml").write_text("[holder]\nname = 1\n", encoding="utf-8")
    result = run("log", folder, "import", inbox_mbox)
    assert result.exit_code == 2
    assert not (folder / "evidence" / "mail").exists()


def test_a_file_that_is_no_mail_is_refused_before_anything_is_read(
    folder: Path, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello", encoding="utf-8")
    result = run("log", folder, "import", notes)
    assert (result.exit_code, result.stderr) == (
        2, f"Error: {notes}: not a mail file — give .eml, .mbox or .msg files\n"
    )  # fmt: skip


def test_a_thunderbird_folder_without_extension_is_read_as_mbox(
    folder: Path, inbox_mbox: Path, tmp_path: Path
) -> None:
    thunderbird = tmp_path / "Inbox"
    thunderbird.write_bytes(inbox_mbox.read_bytes())
    digest = hashlib.sha256(thunderbird.read_bytes()).hexdigest()
    result = run("log", folder, "import", thunderbird)
    assert ": 3 imported" in result.stdout
    assert hashlib.sha256(thunderbird.read_bytes()).hexdigest() == digest


def test_more_events_than_a_case_holds_imports_nothing(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inbox, "MAX_EVENTS", 5)  # the case holds 2 events: room for 3 more
    path = tmp_path / "many.mbox"
    box = mailbox.mbox(str(path))
    for number in range(4):
        box.add(mail(CARE, HOLDER, f"Ticket {number}", "Wed, 25 Nov 2026 09:30:00 -0800",
                     msgid=f"<t{number}@example-mobile.com>"))  # fmt: skip
    box.close()
    result = run("log", folder, "import", path)
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {folder / 'case.toml'}: these 4 messages would make 6 events, more than "
        "the 5 a case holds — nothing was imported: import fewer files at once\n",
    )
    assert not (folder / "evidence" / "mail").exists()


def test_long_headers_are_kept_within_the_case_file_limits(folder: Path, tmp_path: Path) -> None:
    source = tmp_path / "long.eml"
    long_id = "<" + "x" * 200 + "@example-mobile.com>"
    source.write_bytes(
        mail(f"{'Very Long Name ' * 10}<{CARE}>", HOLDER, "S" * 900,
             "Wed, 25 Nov 2026 09:30:00 -0800", msgid=long_id).as_bytes()
    )  # fmt: skip
    assert run("log", folder, "import", source).exit_code == 0
    event = load_case(folder / "case.toml").events[-1]
    assert event.reference.startswith("sha256:")
    assert len(event.party) == 100 and event.party.endswith("…")
    assert len(event.summary) == 800
    assert run("log", folder, "import", source).stdout.endswith(
        ": 0 imported, 1 already in the case, 0 not to or from the carrier, 0 skipped\n"
    )


def test_an_existing_evidence_file_is_never_replaced(folder: Path, tmp_path: Path) -> None:
    message = mail(CARE, HOLDER, "Your account", "Mon, 23 Nov 2026 10:15:00 -0800",
                   "Your account has been closed.", "<c1@example-mobile.com>")  # fmt: skip
    source = tmp_path / "m.eml"
    source.write_bytes(message.as_bytes())
    parsed = inbox.parse_mail(source.read_bytes(), ".eml")
    name = inbox.evidence_name(parsed.moment, parsed.subject, parsed.data, ".eml")
    kept = folder / "evidence" / name
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"ORIGINAL")
    result = CliRunner().invoke(cli, ["log", str(folder), "import", str(source)], input="n\n")
    assert result.exit_code == 0, result.stderr
    assert kept.read_bytes() == b"ORIGINAL"
    (event,) = load_case(folder / "case.toml").events[-1:]
    assert event.reference == "<c1@example-mobile.com>"
    (stored,) = event.evidence
    assert stored != name
    assert (folder / "evidence" / stored).read_bytes() == source.read_bytes()
    assert len(name.removesuffix(".eml").rpartition("-")[2]) >= 32  # 128 bits of digest


def test_a_copy_already_in_the_evidence_folder_is_used_not_written_again(
    folder: Path, tmp_path: Path
) -> None:
    message = mail(CARE, HOLDER, "Hello", "Mon, 23 Nov 2026 10:15:00 -0800", msgid="<h@x>")
    source = tmp_path / "m.eml"
    source.write_bytes(message.as_bytes())
    parsed = inbox.parse_mail(source.read_bytes(), ".eml")
    name = inbox.evidence_name(parsed.moment, parsed.subject, parsed.data, ".eml")
    kept = folder / "evidence" / name
    kept.parent.mkdir(parents=True)
    kept.write_bytes(source.read_bytes())
    report = import_mail(locate(folder), [source])
    assert [item.evidence for item in report.imported] == [name]
    assert sorted(path.name for path in kept.parent.iterdir()) == [kept.name]


def test_only_mail_the_carrier_wrote_is_offered_as_its_confirmation(
    folder: Path, tmp_path: Path
) -> None:
    path = tmp_path / "All mail.mbox"
    box = mailbox.mbox(str(path))
    box.add(mail(HOLDER, f"Care <{CARE}>", "Request to close account",
                 "Sun, 22 Nov 2026 09:00:00 -0800",
                 "Please confirm in writing that the account is closed.",
                 "<s1@example.com>"))  # fmt: skip
    box.add(mail(f"Example Mobile Care <{CARE}>", HOLDER, "Closure complete",
                 "Wed, 25 Nov 2026 11:00:00 -0800", "Your account has been closed.",
                 "<c1@example-mobile.com>"))  # fmt: skip
    box.close()
    asked: list[str] = []

    def ask(question: str) -> bool:
        asked.append(question)
        return True

    report = import_mail(locate(folder), [path], ask=ask)
    assert len(report.imported) == 2  # the holder's request is still an event
    assert len(asked) == 1 and "Closure complete" in asked[0], asked
    status = load_case(folder / "case.toml").status
    assert str(status.confirmation_received) == "2026-11-25"
