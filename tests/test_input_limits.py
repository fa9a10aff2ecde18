"""Hostile and odd case files get a clear Error line naming the file and key (exit 2):
never an "unexpected" error, never a silent change, never an identifier in full."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from letters.case import MAX_EVENT_LABEL, MAX_EVENTS, MAX_FILE_BYTES, MAX_ITEMS, MAX_SUMMARY
from tests.conftest import SAMPLE_CASE, SAMPLES, run

SUMMARY = 'summary = "Asked to close the account; told to send a written request."'


def replace(old: str, new: str) -> str:
    assert old in SAMPLE_CASE
    return SAMPLE_CASE.replace(old, new, 1)


def check(path: Path) -> tuple[int, str]:
    result = run("check", path)
    assert "unexpected" not in result.stderr
    return result.exit_code, result.stderr


def test_deeply_nested_toml_is_bad_input_naming_the_file(case_file) -> None:
    path = case_file(SAMPLE_CASE + "\nx = " + "[" * 5000 + "]" * 5000 + "\n")
    assert check(path) == (2, f"Error: {path}: tables and lists nest more than 8 levels deep\n")


def test_nesting_below_the_recursion_limit_names_the_key(case_file) -> None:
    path = case_file("x = " + "{a = " * 20 + "1" + "}" * 20 + "\n" + SAMPLE_CASE)
    code, stderr = check(path)
    assert code == 2
    assert f"  {path}:1: x.a.a.a.a.a.a.a: tables and lists nest more than 8 levels deep\n" in stderr


@pytest.mark.parametrize(
    "zone", ["Etc", "America", "../../etc/passwd", "a" * 300, "__init__.py", "America/", "UTC "]
)
def test_an_invalid_time_zone_names_the_key(case_file, zone: str) -> None:
    path = case_file(replace('"America/Los_Angeles"', f'"{zone}"'))
    assert check(path) == (
        2,
        f"Error: {path}: 1 problem\n"
        f"  {path}:6: timezone: unknown time zone — use an IANA name such as "
        '"America/Los_Angeles"\n',
    )


@pytest.mark.parametrize("code", [0xFFFE, 0xFFFF, 0xFDD0, 0xFDEF, 0x1FFFE, 0x10FFFF])
def test_unicode_noncharacters_are_refused(case_file, code: int) -> None:
    path = case_file(replace('party = "Agent Lisa"', f'party = "Agent \\U{code:08X}Lisa"'))
    assert check(path) == (
        2,
        f"Error: {path}: 1 problem\n"
        f"  {path}:37: events[1].party: contains U+{code:04X}, which is not a character (Unicode "
        "reserves it for programs' own use) — remove it\n",
    )


def test_private_use_and_ordinary_text_still_pass(case_file) -> None:
    path = case_file(replace('party = "Agent Lisa"', 'party = "Agent \\uE000 Lisa \\uFFFD 丽莎"'))
    assert check(path) == (0, "")


@pytest.mark.parametrize(
    ("currency", "amount", "digits"), [("USD", "12.345", 2), ("JPY", "1200.5", 0)]
)
def test_money_finer_than_its_currency_is_refused(case_file, currency, amount, digits) -> None:
    text = replace('balance = "12.50"', f'balance = "{amount}"')
    path = case_file(text.replace('currency = "USD"', f'currency = "{currency}"', 1))
    assert check(path) == (
        2,
        f"Error: {path}: 1 problem\n"
        f"  {path}:20: account.balance: has more decimal places than {currency} amounts have "
        f"({digits}) — write it exactly as your bill or statement shows it\n",
    )


@pytest.mark.parametrize(("currency", "amount"), [("USD", "12.500"), ("JPY", "1200")])
def test_money_as_fine_as_its_currency_is_kept(case_file, currency: str, amount: str) -> None:
    text = replace('balance = "12.50"', f'balance = "{amount}"')
    path = case_file(text.replace('currency = "USD"', f'currency = "{currency}"', 1))
    assert check(path)[0] == 0


def test_a_disputed_charge_finer_than_a_cent_is_refused(case_file) -> None:
    text = SAMPLE_CASE + '\n[[charges]]\ndate = 2026-12-05\namount = "9.999"\ndescription = "x"\n'
    code, stderr = check(case_file(text))
    assert code == 2
    assert "charges[1].amount: has more decimal places than USD amounts have (2)" in stderr


def test_a_huge_amount_is_refused(case_file) -> None:
    exponent = case_file(replace('balance = "12.50"', 'balance = "1E+999999"'))
    assert check(exponent)[1].endswith('account.balance: not an amount of money — write it like '
                                       '"12.50" or "$12.50"\n')  # fmt: skip
    path = case_file(replace('balance = "12.50"', f'balance = "{"9" * 40}"'))
    assert check(path) == (
        2,
        f"Error: {path}: 1 problem\n"
        f"  {path}:20: account.balance: is too large for an amount of money\n",
    )


def test_a_case_file_too_large_is_refused_without_reading_it_all(case_file) -> None:
    path = case_file(SAMPLE_CASE + "#" * MAX_FILE_BYTES + "\n")
    assert check(path) == (
        2, f"Error: {path}: the file is larger than 4 MB, too large for a case file\n"
    )  # fmt: skip


def test_a_case_path_that_is_not_a_file_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "case.toml"
    os.mkfifo(fifo)
    assert check(fifo) == (2, f"Error: {fifo}: cannot read: not a regular file\n")
    assert check(Path("/dev/zero")) == (2, "Error: /dev/zero: cannot read: not a regular file\n")


@pytest.mark.parametrize(
    ("old", "value", "where"),
    [
        ('party = "Agent Lisa"', "丽" * (MAX_EVENT_LABEL + 1), "37: events[1].party"),
        ('reference = "CS-12345"', "9" * 101, "38: events[1].reference"),
        ('number = "ACC-889977"', "A" * 101, "17: account.number"),
        (SUMMARY, "话" * (MAX_SUMMARY + 1), "39: events[1].summary"),
        ('carrier = "Example Mobile"', "E" * 401, "16: account.carrier"),
        ('currency = "USD"', "x" * 2001, "22: account.reason_note"),
    ],
    ids=["party", "reference", "number", "summary", "carrier", "note"],
)
def test_values_longer_than_their_limit_are_refused(case_file, old, value, where) -> None:
    key = old.split(" = ")[0]
    # The sample has no note: it goes in after the currency.
    new = f'{old}\nreason_note = "{value}"' if key == "currency" else f'{key} = "{value}"'
    path = case_file(replace(old, new))
    limits = {"party": 100, "reference": 100, "number": 100, "summary": 800, "carrier": 400}
    limit = limits.get(key, 2000)
    assert check(path) == (
        2,
        f"Error: {path}: 1 problem\n"
        f"  {path}:{where}: is {len(value)} characters long; the most it can be is {limit}\n",
    )


def test_too_many_events_are_refused(case_file) -> None:
    event = '\n[[events]]\nat = 2026-11-22\nchannel = "phone"\nsummary = "Called."\n'
    path = case_file(SAMPLE_CASE + event * (MAX_EVENTS - 1))
    code, stderr = check(path)
    assert code == 2
    assert f"events: has {MAX_EVENTS + 1} entries; the most it can have is {MAX_EVENTS}" in stderr


def test_an_event_citing_too_many_files_is_refused(case_file) -> None:
    files = ", ".join(f'"f{n}.png"' for n in range(MAX_ITEMS + 1))
    path = case_file(replace('evidence = ["call-log', f'evidence = [{files}, "call-log'))
    code, stderr = check(path)
    assert code == 2
    assert f"has {MAX_ITEMS + 3} entries; the most it can have is {MAX_ITEMS}" in stderr


def test_every_value_a_letter_accepts_the_bundle_accepts(case_file, tmp_path: Path) -> None:
    text = replace('party = "Agent Lisa"', f'party = "{"丽" * MAX_EVENT_LABEL}"')
    text = text.replace('reference = "CS-12345"', f'reference = "{"W" * 100}"', 1)
    text = text.replace('number = "ACC-889977"', f'number = "ACC-{"9" * 96}"', 1)
    text = text.replace(SUMMARY, f'summary = "{"话" * MAX_SUMMARY}"', 1)
    text = text.replace('carrier = "Example Mobile"', f'carrier = "{"Ｗ" * 400}"', 1)
    path = case_file(text)
    letter = run("letter", path, "-o", tmp_path / "letter", "--date", "2026-11-24")
    assert letter.exit_code == 0, letter.stderr
    for language in ("en", "zh-TW"):
        bundle = run(
            "bundle", path, SAMPLES / "evidence", "-o", tmp_path / f"{language}.zip",
            "--lang", language, "--date", "2026-11-24",
        )  # fmt: skip
        assert bundle.exit_code == 0, bundle.stderr


@pytest.mark.parametrize(
    ("old", "new", "secret"),
    [
        ('number = "ACC-889977"', "number = 889977", "889977"),
        ('number = "ACC-889977"', "number = 0012345", "0012345"),
        ('phone = "+1 415 555 0188"', "phone = 4155550188", "4155550188"),
        ("", '[card]\nissuer = "Bank"\nlast4 = 4111111111111111', "4111111111111111"),
    ],
)
def test_errors_never_show_an_identifier_in_full(case_file, old, new, secret) -> None:
    path = case_file(replace(old, new) if old else f"{SAMPLE_CASE}\n{new}\n")
    code, stderr = check(path)
    assert code == 2
    assert secret not in stderr and secret[-4:] in stderr


def test_a_key_with_control_characters_stays_on_one_line(case_file) -> None:
    path = case_file('"a\\nb\\u202e' + "k" * 100 + '" = 1\n' + SAMPLE_CASE)
    code, stderr = check(path)
    assert code == 2
    assert stderr == (
        f"Error: {path}: 1 problem\n  {path}: a\\u000ab\\u202e{'k' * 36}…: unknown key\n"
    )


def test_samples_stay_within_the_limits() -> None:
    for sample in SAMPLES.glob("case*.toml"):
        assert run("check", sample).exit_code == 0, sample


def test_an_unforeseen_error_masks_the_numbers_it_quotes(monkeypatch: pytest.MonkeyPatch) -> None:
    import letters.summary

    def fail(case: object) -> list[str]:
        raise ValueError("cannot lay out ACC-889977 for +1 415 555 0188, SIM 8901260123456789012")

    monkeypatch.setattr(letters.summary, "case_summary", fail)
    result = run("check", SAMPLES / "case-en.toml")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: unexpected ValueError: cannot lay out ACC-****9977 for +****0188, SIM ****9012 "
        "(run with --debug to see where)\n",
    )
