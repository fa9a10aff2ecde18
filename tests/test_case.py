"""The case file: every kind of problem is reported at once, with its key path and line."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from letters.case import load_case
from letters.errors import CaseError
from tests.conftest import SAMPLE_CASE, SAMPLES, run


def problems(path: Path) -> list[str]:
    with pytest.raises(CaseError) as caught:
        load_case(path)
    return list(caught.value.details)


def replace(old: str, new: str) -> str:
    assert old in SAMPLE_CASE
    return SAMPLE_CASE.replace(old, new, 1)


@pytest.mark.parametrize("name", ["case-en.toml", "case-zh-CN.toml", "case-zh-TW.toml"])
def test_samples_load(name: str) -> None:
    case = load_case(SAMPLES / name)
    assert case.account.currency == "USD"
    assert case.holder.email


def test_values_keep_their_form(case_file) -> None:
    case = load_case(case_file(replace('balance = "12.50"', 'balance = "12.30"')))
    assert case.account.balance == Decimal("12.30")
    assert str(case.account.balance) == "12.30"
    assert case.account.number == "ACC-889977"
    assert case.account.phone == "+14155550188"
    assert case.account.close_on == date(2026, 12, 1)
    assert [e.reference for e in case.events] == ["CS-12345", "CHAT-77810"]


def test_events_are_sorted_and_local_times_take_the_case_zone(case_file) -> None:
    text = (
        SAMPLE_CASE + '\n[[events]]\nat = 2026-10-30T09:00:00\nchannel = "store"\nsummary = "x"\n'
    )
    case = load_case(case_file(text))
    first = case.events[0]
    assert first.channel == "store"
    assert first.at.utcoffset() == timedelta(hours=-7)  # Los Angeles, daylight time
    assert case.events[1].at == datetime(2026, 11, 20, 22, 30, tzinfo=UTC)


def test_a_bare_date_event_stays_a_date_and_sorts_at_its_midnight(case_file) -> None:
    text = replace('timezone = "America/Los_Angeles"', "")
    text += '\n[[events]]\nat = 2026-11-20\nchannel = "mail"\nsummary = "sent"\n'
    case = load_case(case_file(text))
    assert case.timezone == "America/New_York"
    assert [event.at for event in case.events][:2] == [
        date(2026, 11, 20),
        datetime(2026, 11, 20, 14, 30, tzinfo=timezone(timedelta(hours=-8))),
    ]


def test_bom_is_accepted(case_file) -> None:
    path = case_file()
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_case(path).holder.name == "王小明"


def test_gbk_file_is_refused_with_advice(case_file) -> None:
    text = SAMPLE_CASE.split("[account]")[0].replace("# A case", "# 案例")
    path = case_file(text, encoding="gb18030")
    with pytest.raises(CaseError) as caught:
        load_case(path)
    assert caught.value.message == (
        f"{path}:1: the file is not UTF-8 (it may be GBK/GB18030) — open it in your editor "
        "and save it as UTF-8"
    )


def test_every_problem_is_reported_at_once(case_file) -> None:
    text = (
        replace('language = "en"', 'language = "zh-CM"')
        .replace('number = "ACC-889977"', "number = 889977")
        .replace('balance = "12.50"', "balance = 12.50")
        .replace('email = "xm.wang@example.com"', 'emial = "xm.wang@example.com"')
        .replace('reason = "moving"', 'reason = "movng"')
        .replace('iccid = "8901260123456789011"', 'iccid = "8901260123456789015"')
        .replace('channel = "chat"', 'channel = "fax"')
        .replace('phone = "+1 415 555 0134"', 'phone = "+1 415 555 01"')
    )
    path = case_file(text)
    assert problems(path) == [
        f'{path}:5: language: must be one of en, zh-CN, zh-TW — did you mean "zh-CN"?',
        f"{path}:8: holder.email: is missing",
        f'{path}:11: holder.emial: unknown key — did you mean "email"?',
        f"{path}:12: holder.phone: not a phone number: a US phone number has 10 digits (area "
        "code and number); this one has 9",
        f"{path}:17: account.number: must be a quoted string — put the whole number (****9977) "
        "in quotes, leading zeros included",
        f"{path}:19: account.iccid: not an ICCID: the check digit is wrong — compare with the "
        "SIM card",
        f'{path}:20: account.balance: money must be a quoted decimal — write balance = "12.50"',
        f"{path}:23: account.reason: must be one of no-longer-needed, moving, unused-fees, "
        'compromised, other — did you mean "moving"?',
        f"{path}:44: events[2].channel: must be one of phone, email, chat, online, mail, store, "
        "other",
    ]


def test_cli_prints_one_error_line_then_the_problems(case_file) -> None:
    path = case_file(replace('number = "ACC-889977"', "number = 889977"))
    result = run("check", path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {path}: 1 problem\n"
        f"  {path}:17: account.number: must be a quoted string — put the whole number (****9977) "
        "in quotes, leading zeros included\n"
    )


def test_an_unquoted_account_number_is_masked_in_the_hint(case_file) -> None:
    path = case_file(replace('number = "ACC-889977"', "number = 0012345"))
    result = run("check", path)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {path}:17: not valid TOML: this value cannot be read — numbers that are "
        "identifiers go in quotes: put the whole number (****2345) in quotes, leading zeros "
        "included\n"
    )


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ('password = "hunter2-secret"', "account.password"),
        ('pin = "482913"', "account.pin"),
        ('port_out_pin = "482913"', "account.port_out_pin"),
        ('passcode = "482913"', "account.passcode"),
        ('one_time_code = "482913"', "account.one_time_code"),
        ('"服务密码" = "482913"', "account.服务密码"),
        ('"验证码" = "482913"', "account.验证码"),
        ('"密码" = "482913"', "account.密码"),
    ],
)
def test_secrets_are_refused_and_never_echoed(case_file, line: str, key: str) -> None:
    path = case_file(replace('currency = "USD"', f'currency = "USD"\n{line}'))
    result = run("check", path)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {path}: 1 problem\n"
        f"  {path}:22: {key}: looks like a password, PIN or code — remove it: letters never "
        "needs one and never stores one\n"
    )
    assert "482913" not in result.output and "hunter2" not in result.output


def test_shipping_is_not_a_pin(case_file) -> None:
    text = replace('name = "Example Mobile Customer Care"', 'name = "Shipping dept"')
    assert load_case(case_file(text)).recipient.name == "Shipping dept"


@pytest.mark.parametrize(
    ("char", "code"),
    [("\\u0007", "0007"), ("\\u202e", "202E"), ("\\u2066", "2066"), ("\\n", "000A")],
)
def test_control_and_bidi_characters_are_refused(case_file, char: str, code: str) -> None:
    path = case_file(replace('carrier = "Example Mobile"', f'carrier = "Example{char}Mobile"'))
    assert problems(path) == [
        f"{path}:16: account.carrier: contains an invisible control character (U+{code}) — "
        "remove it"
    ]


def test_characters_that_show_nothing_are_dropped(case_file) -> None:
    # A zero-width space or a byte-order mark pasted from a chat app along with the number:
    # left in, the carrier would not find the account.
    text = replace('number = "ACC-889977"', 'number = "A\\u200cCC-\\u200b889\\u2062977"')
    text = text.replace('name_en = "Xiaoming Wang"', 'name_en = "\\ufeffXiaoming\\u00adWang"')
    case = load_case(case_file(text))
    assert (case.account.number, case.holder.name_en) == ("ACC-889977", "XiaomingWang")


def test_line_breaks_are_allowed_in_free_text(case_file) -> None:
    text = replace(
        'summary = "Asked to close the account; told to send a written request."',
        'summary = """Asked to close the account.\nTold to send a written request."""',
    )
    assert "\n" in load_case(case_file(text)).events[0].summary


def test_missing_tables_and_wrong_types(case_file) -> None:
    path = case_file('language = "en"\nholder = "me"\n[account]\ncarrier = 5\n')
    assert problems(path) == [
        f"{path}: recipient: is missing",
        f"{path}:2: holder: must be a table",
        f"{path}:3: account.number: is missing",
        f"{path}:4: account.carrier: must be text in quotes",
    ]


def test_address_is_checked_against_postal_rules(case_file) -> None:
    path = case_file(replace('postal_code = "94105"', 'postal_code = "10001"'))
    assert problems(path) == [
        f"{path}:13: holder.address.postal_code: the ZIP code 10001 is not in CA — check the "
        "ZIP code and the state"
    ]


@pytest.mark.parametrize(
    ("region", "kept"),
    [("Shanghai Shi", "Shanghai Shi"), ("shanghai shi", "Shanghai Shi"), ("上海市", "上海市")],
)
def test_a_region_keeps_the_script_it_was_written_in(case_file, region: str, kept: str) -> None:
    # The postal rules name China's regions in Chinese: a Latin one stays Latin, for the
    # English letters that print it.
    home = (
        'address = { lines = ["No. 88 Huaihai Zhong Lu"], city = "Xuhui Qu", '
        f'region = "{region}", postal_code = "200031", country = "CN" }}'
    )
    text = replace(
        'address = { lines = ["123 Main St", "Apt 4B"], city = "San Francisco", region = "CA", '
        'postal_code = "94105", country = "US" }',
        home,
    )
    address = load_case(case_file(text)).holder.address
    assert address is not None and address.region == kept


def test_email_with_international_domain_is_accepted(case_file) -> None:
    text = replace('email = "care@example-mobile.com"', 'email = "care@例子.测试"')
    assert load_case(case_file(text)).recipient.email == "care@例子.测试"


def test_evidence_paths_stay_inside(case_file) -> None:
    path = case_file(replace('"bill-2026-11.pdf"', '"../secrets.txt"'))
    assert problems(path) == [
        f"{path}:48: events[2].evidence[2]: must be a path inside the evidence folder"
    ]


def test_missing_file_and_folder(tmp_path: Path) -> None:
    result = run("check", tmp_path / "nope.toml")
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {tmp_path / 'nope.toml'}: no such file\n",
    )
    result = run("check", tmp_path)
    assert result.exit_code == 2


def test_check_summary_masks_identifiers() -> None:
    result = run("check", SAMPLES / "case-zh-CN.toml")
    assert result.exit_code == 0
    assert result.stdout == (
        f"{SAMPLES / 'case-zh-CN.toml'}: OK\n"
        "  Holder: 王小明 <xm.wang@example.com>\n"
        "  Account: Example Mobile, number ****9977\n"
        "  Line to close: ****0188\n"
        "  Close on: December 1, 2026\n"
        "  Remaining balance: $12.50\n"
        "  Recipient: Example Mobile Customer Care <care@example-mobile.com>\n"
        "  Documents in: English\n"
        "  Sheets that explain them, in: Simplified Chinese\n"
        "  Timeline: 2 events\n"
    )
    assert "889977" not in result.stdout and "555 0188" not in result.stdout


def test_a_bare_pin_is_not_repeated_even_in_the_syntax_hint(case_file) -> None:
    path = case_file(replace('currency = "USD"', 'currency = "USD"\npin = 004821'))
    result = run("check", path)
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {path}:22: not valid TOML: this value cannot be read — "
        "pin looks like a password, PIN or code: remove the line; letters never "
        "needs one\n",
    )
    assert "4821" not in result.output


def test_utf16_is_named_as_such(case_file) -> None:
    path = case_file(SAMPLE_CASE, encoding="utf-16")
    with pytest.raises(CaseError) as caught:
        load_case(path)
    assert caught.value.message == (
        f'{path}: the file is saved as UTF-16 (Notepad\'s "Unicode") — save it as UTF-8'
    )


def test_an_email_address_must_be_ascii_before_the_at(case_file) -> None:
    path = case_file(replace('email = "xm.wang@example.com"', 'email = "小明@例子.中国"'))
    (problem,) = problems(path)
    assert problem.startswith(f"{path}:11: holder.email: not an email address: ")


def test_the_attorney_generals_office_needs_a_name_and_an_address_and_nothing_else(
    case_file,
) -> None:
    text = SAMPLE_CASE + (
        '\n[complaint.attorney_general]\nname = "Office of the Attorney General"\n'
        'email = "ag@example.gov"\n'
    )
    path = case_file(text)
    line = len(SAMPLE_CASE.splitlines()) + 2
    assert problems(path) == [
        f"{path}:{line}: complaint.attorney_general.address: is missing",
        f"{path}:{line + 2}: complaint.attorney_general.email: unknown key",
    ]
    office = ' = { lines = ["The Capitol"], city = "Albany", region = "NY", postal_code = "12224" }'
    case = load_case(case_file(text.replace('email = "ag@example.gov"', "address" + office)))
    assert case.complaint.attorney_general is not None
    assert case.complaint.attorney_general.address is not None
    assert case.complaint.attorney_general.address.city == "Albany"


def test_a_statement_dated_before_its_charge_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "case.toml"
    text = (SAMPLES / "case-late-en.toml").read_text(encoding="utf-8")
    path.write_text(
        text.replace("statement_date = 2026-12-15", "statement_date = 2026-12-01", 1),
        encoding="utf-8",
    )
    result = run("check", path)
    line = 1 + path.read_text(encoding="utf-8").split("statement_date = 2026-12-01")[0].count("\n")
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {path}: 1 problem\n  {path}:{line}: charges[1].statement_date: is before the "
        "day of the charge (2026-12-05) — a statement shows a charge only once it is made: check "
        "both dates\n",
    )
