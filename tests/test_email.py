"""The email draft, proven by parsing the .eml back as a mail client would."""

from __future__ import annotations

import email
from datetime import date
from email import policy
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from tests.conftest import SAMPLE_CASE, SAMPLES, golden, run


def parse(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)  # type: ignore[return-value]


def describe(message: email.message.EmailMessage) -> str:
    """Return the headers that matter and the decoded body, as a mail client shows them."""
    headers = "".join(
        f"{name}: {message[name]}\n"
        for name in ("From", "To", "Subject", "Date", "Message-ID", "X-Unsent", "Content-Language")
    )
    return headers + "\n" + body(message)


def body(message: email.message.EmailMessage) -> str:
    """Return the decoded text body with the message's CRLF line ends made plain."""
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


@pytest.mark.parametrize("language", ["en", "zh-CN", "zh-TW"])
def test_email_matches_golden(tmp_path: Path, language: str) -> None:
    case = SAMPLES / f"case-{language}.toml"
    result = run("email", case, "-o", tmp_path, "--date", "2026-11-24", "--lang", language)
    assert result.exit_code == 0, result.stderr
    eml = tmp_path / f"request.{language}.eml"
    assert result.stdout.splitlines()[:2] == [
        f"wrote {eml}",
        f"wrote {tmp_path / f'request.{language}.txt'}",
    ]
    message = parse(eml)
    golden(f"request.{language}.eml.txt", describe(message))
    assert (tmp_path / f"request.{language}.txt").read_text(encoding="utf-8") == body(message)


def test_draft_headers(tmp_path: Path) -> None:
    run(
        "email",
        SAMPLES / "case-zh-CN.toml",
        "-o",
        tmp_path,
        "--date",
        "2026-11-24",
        "--lang",
        "zh-CN",
    )
    raw = (tmp_path / "request.zh-CN.eml").read_bytes()
    assert raw.isascii()  # RFC 2047 and quoted-printable: safe through any mail system
    assert b"\r\nX-Unsent: 1\r\n" in raw
    message = parse(tmp_path / "request.zh-CN.eml")
    assert message["From"].addresses[0].display_name == "王小明"
    assert message["Subject"] == "关于注销 Example Mobile 账户 ACC-889977 的申请"
    assert message["Date"] == "Tue, 24 Nov 2026 09:00:00 -0800"
    assert message["Message-ID"].endswith("@example.com>")
    import socket

    assert socket.gethostname() not in raw.decode("ascii")


def test_hostile_values_arrive_verbatim(tmp_path: Path, case_file) -> None:
    text = SAMPLE_CASE.replace('carrier = "Example Mobile"', 'carrier = "AT&T <Prepaid>"').replace(
        'name = "Example Mobile Customer Care"', 'name = "AT&T <Prepaid> Care, \\"Billing\\""'
    )
    result = run("email", case_file(text), "-o", tmp_path, "--date", "2026-11-24")
    assert result.exit_code == 0, result.stderr
    message = parse(tmp_path / "request.en.eml")
    assert message["To"].addresses[0].display_name == 'AT&T <Prepaid> Care, "Billing"'
    assert message["To"].addresses[0].addr_spec == "care@example-mobile.com"
    text = body(message)
    assert "I am the holder of AT&T <Prepaid> account ACC-889977" in text
    assert 'Dear AT&T <Prepaid> Care, "Billing":' in text
    assert "&amp;" not in text and "&lt;" not in text


def test_international_domain_goes_on_the_wire_as_idna(tmp_path: Path, case_file) -> None:
    text = SAMPLE_CASE.replace('email = "care@example-mobile.com"', 'email = "care@例子.测试"')
    run("email", case_file(text), "-o", tmp_path, "--date", "2026-11-24")
    message = parse(tmp_path / "request.en.eml")
    assert message["To"].addresses[0].domain == "xn--fsqu00a.xn--0zwm56d"


def test_mailto_link_follows_rfc_6068() -> None:
    from letters.case import load_case
    from letters.content import render_letter
    from letters.render.email import build_email

    case = load_case(SAMPLES / "case-zh-CN.toml")
    draft = build_email(render_letter(case, "request", "zh-CN", date(2026, 11, 24)))
    parts = urlsplit(draft.mailto)
    assert (parts.scheme, parts.path) == ("mailto", "care@example-mobile.com")
    assert "%0D%0A" in parts.query and "\n" not in draft.mailto and " " not in draft.mailto
    query = parse_qs(parts.query)
    assert query["subject"] == ["关于注销 Example Mobile 账户 ACC-889977 的申请"]
    body = unquote(parts.query.split("&body=")[1])
    assert body == draft.text.rstrip("\n").replace("\n", "\r\n")


def test_a_long_link_is_not_printed(tmp_path: Path, case_file) -> None:
    short = SAMPLE_CASE.split("[[events]]")[0]
    result = run("email", case_file(short), "-o", tmp_path / "a", "--date", "2026-11-24")
    link = result.stdout.splitlines()[2]
    assert link.startswith("open the draft in your mail program: mailto:care@example-mobile.com?")
    assert len(link) < 2100
    result = run("email", SAMPLES / "case-zh-CN.toml", "-o", tmp_path / "b", "--lang", "zh-CN")
    assert result.stdout.splitlines()[2] == (
        "the letter is too long for a mailto: link — open the .eml file above, or start a "
        "message with mailto:care@example-mobile.com?subject=%E5%85%B3%E4%BA%8E%E6%B3%A8%E9%94%80"
        "%20Example%20Mobile%20%E8%B4%A6%E6%88%B7%20ACC-889977%20%E7%9A%84%E7%94%B3%E8%AF%B7 and "
        f"paste the text of {tmp_path / 'b' / 'request.zh-CN.txt'}"
    )


def test_same_inputs_give_the_same_eml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run("email", SAMPLES / "case-en.toml", "-o", tmp_path / "a", "--date", "2026-11-24")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795500000")  # 2026-11-24 in UTC
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    run("email", SAMPLES / "case-en.toml", "-o", tmp_path / "b")
    first = (tmp_path / "a" / "request.en.eml").read_bytes()
    assert first == (tmp_path / "b" / "request.en.eml").read_bytes()


def test_header_line_break_is_refused_and_nothing_written(tmp_path: Path) -> None:
    from letters.case import load_case
    from letters.content import render_letter
    from letters.errors import InputError
    from letters.render.email import build_email

    case = load_case(SAMPLES / "case-en.toml")
    letter = render_letter(case, "request", None, date(2026, 11, 24))
    broken = type(letter)(**{**letter.__dict__, "subject": "Close\r\nBcc: victim@example.net"})
    with pytest.raises(InputError) as caught:
        build_email(broken)
    assert caught.value.message == (
        "subject: a line break cannot go into an email header — nothing was written"
    )


def test_a_template_cannot_break_a_header(tmp_path: Path) -> None:
    mine = tmp_path / "mine" / "letters"
    mine.mkdir(parents=True)
    source = (Path(__file__).parent.parent / "templates/standard/letters/request.en.j2").read_text()
    (mine / "request.en.j2").write_text(
        source.replace("{% block subject %}\n", "{% block subject %}\nx{{ '\\u2028' }}Bcc: y\n")
    )
    result = run(
        "email", SAMPLES / "case-en.toml", "--templates", tmp_path / "mine", "-o", tmp_path
    )
    assert result.exit_code == 0, result.stderr
    message = parse(tmp_path / "request.en.eml")
    assert message["Subject"].strip().startswith("x Bcc: y Request to close account")
    assert message["Bcc"] is None


@pytest.mark.parametrize("char", ["\\u2028", "\\u0085", "\\r"])
def test_line_breaks_in_names_are_refused(tmp_path: Path, case_file, char: str) -> None:
    text = SAMPLE_CASE.replace('name_en = "Xiaoming Wang"', f'name_en = "Xiaoming{char}Bcc: x"')
    result = run("email", case_file(text), "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert "holder.name_en: contains an invisible control character" in result.stderr
    assert not (tmp_path / "out").exists()


def test_existing_output_is_kept_without_force(tmp_path: Path) -> None:
    (tmp_path / "request.en.txt").write_text("mine")
    result = run("email", SAMPLES / "case-en.toml", "-o", tmp_path, "--date", "2026-11-24")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {tmp_path / 'request.en.txt'} already exists — use --force to replace it, "
        "or write elsewhere\n"
    )
    assert (tmp_path / "request.en.txt").read_text() == "mine"
    assert not (tmp_path / "request.en.eml").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["request.en.txt"]
    result = run("email", SAMPLES / "case-en.toml", "-o", tmp_path, "--force")
    assert result.exit_code == 0
    assert (tmp_path / "request.en.txt").read_text() != "mine"


def test_missing_recipient_email(tmp_path: Path, case_file) -> None:
    text = SAMPLE_CASE.replace('email = "care@example-mobile.com"\n', "")
    result = run("email", case_file(text), "-o", tmp_path)
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: recipient.email: is missing — the email needs an address to go to\n",
    )


def test_a_letter_for_a_recipient_without_email_says_to_print_it(tmp_path: Path) -> None:
    result = run("email", SAMPLES / "case-late-en.toml", "--kind", "complaint", "-o", tmp_path)
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: Federal Communications Commission, Consumer Inquiries and Complaints has no "
        "email address here — print the letter: letters letter\n",
    )


def test_the_answer_is_asked_for_after_the_closing_day(tmp_path: Path, case_file) -> None:
    path = case_file(SAMPLE_CASE.replace("close_on = 2026-12-01", "close_on = 2027-03-01"))
    result = run("email", path, "-o", tmp_path, "--date", "2026-11-24")
    assert result.exit_code == 0, result.stderr
    text = " ".join((tmp_path / "request.en.txt").read_text(encoding="utf-8").split())
    assert "Please close this account effective March 1, 2027." in text
    assert "with the closing date and the final balance, by March 15, 2027." in text
