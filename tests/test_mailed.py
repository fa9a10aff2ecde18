"""`letters log CASE mailed`, and USPS article numbers checked by their check digit."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from letters.case import load_case
from letters.identifiers import IdentifierError, article_check_digit, check_article_number
from tests.conftest import SAMPLE_CASE, SAMPLES, run

# The sample case without its delivery record: a letter not yet mailed.
UNSENT = SAMPLE_CASE.replace('certified_mail = "9407 1118 9876 5432 1002"', "")


def test_the_check_digit_follows_publication_199() -> None:
    # Weights 3, 1, 3, … from the rightmost digit before the check digit; sum 58 → 2.
    assert article_check_digit("9407111898765432100") == 2
    assert check_article_number("9407 1118 9876 5432 1002") == "9407 1118 9876 5432 1002"
    # One form however it is typed: in groups of four, as USPS prints it.
    for typed in (
        "95890710527001234562",
        "9589-0710-5270-0123-4562",
        "９５８９ ０７１０ ５２７００１２３４５６２",
    ):
        assert check_article_number(typed) == "9589 0710 5270 0123 4562"
    assert check_article_number("9207190123456789012345") == "9207 1901 2345 6789 0123 45"


def test_every_sample_number_is_valid() -> None:
    for path in SAMPLES.glob("*.toml"):
        case = load_case(path)
        numbers = [case.delivery.certified_mail, *(e.certified_mail for e in case.events)]
        for number in filter(None, numbers):
            assert check_article_number(number) == number


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("9407 1118 9876 5432 1000", "the check digit (digit 20, 0) does not match the digits "
         "before it, which call for 2 — a digit is mistyped: compare with the receipt"),
        ("9407 1118 9876 5432 1O02", "character 18 (O) is not a digit"),
        ("9407 1118 9876 5432 100", "a Certified Mail article number has 20 digits (22 with "
         "the routing prefix), this one has 19"),
    ],
)  # fmt: skip
def test_a_typo_is_caught_with_its_place(typed: str, reason: str) -> None:
    with pytest.raises(IdentifierError) as caught:
        check_article_number(typed)
    assert str(caught.value) == reason


def test_every_single_digit_typo_is_caught() -> None:
    good = "94071118987654321002"
    for position in range(20):
        for digit in "0123456789":
            typo = good[:position] + digit + good[position + 1 :]
            if typo != good:
                with pytest.raises(IdentifierError):
                    check_article_number(typo)


def test_a_wrong_number_in_the_case_file_names_key_and_line(case_file) -> None:
    path = case_file(SAMPLE_CASE.replace("5432 1002", "5432 1009"))
    result = run("check", path)
    assert result.exit_code == 2
    assert (
        f"  {path}:31: delivery.certified_mail: not a Certified Mail article number: the check "
        "digit (digit 20, 9) does not match the digits before it, which call for 2 — a digit "
        "is mistyped: compare with the receipt\n"
    ) in result.stderr


def test_mailed_records_event_delivery_and_request_in_one_go(case_file) -> None:
    path = case_file(UNSENT)
    assert run("guide", path, "--date", "2026-11-25").stdout.startswith("Not sent yet")
    before = path.read_text(encoding="utf-8")
    result = run(
        "log", path, "mailed", "--certified-mail", "9589 0710 5270 0123 4562", "--on", "2026-11-24"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{path}: recorded the letter mailed on Nov 24, 2026\n"
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before.split("[delivery]")[0])  # comments and order kept
    case = load_case(path)
    assert case.delivery.certified_mail == "9589 0710 5270 0123 4562"
    assert case.delivery.mailed_on.isoformat() == "2026-11-24"
    assert case.delivery.return_receipt is True
    assert case.status.request_sent.isoformat() == "2026-11-24"
    event = case.events[-1]
    assert (event.channel, event.certified_mail) == ("mail", "9589 0710 5270 0123 4562")
    assert event.summary == (
        "Mailed the closure request by USPS Certified Mail (with return receipt)."
    )
    guide = run("guide", path, "--date", "2026-11-25")
    assert guide.stdout.startswith("Request sent: waiting for the carrier's answer.")


def test_mailed_refuses_a_typo_and_leaves_the_file_alone(case_file) -> None:
    path = case_file(UNSENT)
    before = path.read_bytes()
    result = run("log", path, "mailed", "--certified-mail", "9589 0710 5270 0123 4567")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --certified-mail: not a Certified Mail article number: the check digit (digit "
        "20, 7) does not match the digits before it, which call for 2 — a digit is mistyped: "
        "compare with the receipt\n"
    )
    assert path.read_bytes() == before


def test_mailed_takes_a_case_folder(tmp_path) -> None:
    folder = tmp_path / "wang"
    (folder / "evidence").mkdir(parents=True)
    (folder / "case.toml").write_text(UNSENT, encoding="utf-8")
    (folder / "evidence" / "receipt.jpg").write_bytes(b"\xff\xd8receipt")
    result = run(
        "log", folder, "mailed", "--certified-mail", "94071118987654321002", "--on", "2026-11-24",
        "--no-return-receipt", "--evidence", "receipt.jpg",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    case = load_case(folder / "case.toml")
    assert case.delivery.return_receipt is False
    assert case.events[-1].evidence == ("receipt.jpg",)


def test_the_event_is_written_in_the_language_of_the_carrier(case_file) -> None:
    # The holder reads Chinese; the letters that recite the timeline go to the carrier in
    # English, so the event the tool writes is in English.
    text = (SAMPLES / "case-zh-CN.toml").read_text(encoding="utf-8")
    path = case_file(text)
    result = run("--ui-lang", "zh-CN", "log", path, "mailed", "--certified-mail",
                 "94071118987654321002", "--on", "2026-11-24", "--later-letter")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"{path}：")  # the interface's Chinese
    case = load_case(path)
    assert (
        case.events[-1].summary == "Mailed a letter by USPS Certified Mail (with return receipt)."
    )
    # A carrier that reads Chinese gets it in Chinese.
    path = case_file(text.replace('# language = "zh-CN"', 'language = "zh-CN"'), name="zh.toml")
    run("log", path, "mailed", "--certified-mail", "94071118987654321002", "--on", "2026-11-24",
        "--later-letter")  # fmt: skip
    case = load_case(path)
    assert case.events[-1].summary == "已用 USPS 挂号信（Certified Mail）寄出一封信（附回执）。"
    assert case.status.request_sent is None  # a later letter is not the request


def test_the_letter_the_log_and_the_checks_share_the_holder_s_today(
    tmp_path: Path, case_file: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # This computer's clock on Kiritimati (UTC+14), the holder in Honolulu (UTC-10): a day
    # apart at every hour. The letter was dated by the computer's calendar, and its mailing,
    # logged that same day, was refused as a day still to come.
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    holder = datetime.now(ZoneInfo("Pacific/Honolulu")).date()
    assert date.today() == holder + timedelta(days=1)
    case = case_file(UNSENT.replace("America/Los_Angeles", "Pacific/Honolulu"))
    result = run("letter", case, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    pages = PdfReader(tmp_path / "out" / "request.en.pdf").pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert f"{holder:%B} {holder.day}, {holder.year}" in text
    result = run("log", case, "mailed", "--certified-mail", "9407 1118 9876 5432 1002",
                 "--on", holder.isoformat())  # fmt: skip
    assert result.exit_code == 0, result.output
    assert load_case(case).status.request_sent == holder
    result = run("check", case)
    assert result.exit_code == 0 and "has not come yet" not in result.output, result.output
    tomorrow = case.read_text(encoding="utf-8").replace(
        f"request_sent = {holder.isoformat()}", f"request_sent = {date.today().isoformat()}"
    )
    case.write_text(tomorrow, encoding="utf-8")
    assert "request_sent = " + date.today().isoformat() in tomorrow
    assert "a day that has not come yet" in run("check", case).output
