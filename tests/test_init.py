"""`letters init`: piped answers in each language, bad answers asked again, the file loads back."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from letters import normalize, wizard
from letters.case import Address, load_case, parse_case
from letters.cli import cli
from letters.errors import OutputExistsError
from tests.conftest import SAMPLES, run

ENGLISH = [
    "1",  # language: English
    'Wang "Xiao" \\ Ming',  # a name that needs escaping in TOML
    "Xiaoming Wang",
    "xm.wang@",  # bad email
    "xm.wang@example.com",
    "555",  # bad phone
    "+1 415 555 0134",
    "123 Main St",
    "Apt 4B",
    "",  # country: US
    "旧金山",  # not in Latin letters
    "San Francisco",
    "California",  # the state's name becomes its code
    "94105",
    "Example Mobile",
    "0012345",  # leading zeros: must stay a quoted string
    "(415) 555-0188",
    "1234",  # bad ICCID
    "8901260123456789011",
    "12,50",  # bad money
    "US$12.5",
    "2026-13-01",  # bad date
    "12/1/2026",  # month/day/year
    "9",  # not on the list
    "2",  # moving
    "Example Mobile Customer Care",
    "care@example-mobile.com",
    "PO Box 1000",
    "",
    "US",
    "Dallas",
    "TX",
    "75201",
    "y",  # keep the number
    "是",  # the port is done
    "no",
    "",  # autopay: the default, no
    "",  # send it both ways, the default
    "",  # documents in English (the language chosen first)
]


TODAY = "1795478400"  # SOURCE_DATE_EPOCH: November 24, 2026


def init(*args: str | Path, answers: list[str], env: dict[str, str] | None = None) -> Result:
    """Run `letters init` with answers piped in, one per line, on November 24, 2026."""
    text = "".join(f"{answer}\n" for answer in answers)
    env = {"SOURCE_DATE_EPOCH": TODAY, **(env or {})}
    return CliRunner().invoke(
        cli, ["init", *map(str, args)], input=text, env=env, catch_exceptions=False
    )


def minimal(language_choice: str, documents_choice: str = "") -> list[str]:
    """Answers that skip every optional question."""
    return [
        language_choice, "王小明", "", "xm.wang@example.com", "", "",
        "Example Mobile", "ACC-889977", "+1 415 555 0188", "", "", "", "",
        "Example Mobile Customer Care", "", "",
        "", "", "",  # the checklist: the defaults
        "",  # how it is sent: the default
        documents_choice,
        "Xiaoming Wang",  # asked again: the carrier reads English
    ]  # fmt: skip


def test_english_answers_are_checked_asked_again_and_written(tmp_path: Path) -> None:
    path = tmp_path / "case.toml"
    result = init(path, answers=ENGLISH)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "letters never needs your password or PIN, and never asks for one." in out
    assert (
        "Not accepted: not a phone number: a US phone number has 10 digits (area code and "
        "number); this one has 3\n"
    ) in out
    assert "Not accepted: not an ICCID: an ICCID has 19 or 20 digits\n" in out
    assert 'Not accepted: not an amount of money — write it like "12.50" or "$12.50"\n' in out
    assert (
        "Not accepted: there is no such day in the calendar — check the month and the day\n"
    ) in out
    assert (
        'Not accepted: write the city in Latin letters, as the post office reads it, like "San '
        'Francisco"\n'
    ) in out
    assert "Not accepted: type a number from 1 to 5\n" in out
    assert out.count("Your email address:") == 2
    assert out.count("A phone number to reach you") == 2
    # Nothing asks for a secret: the only mention is the promise at the start.
    assert out.lower().count("password") == 1
    assert out.count("PIN") == 1
    assert f"wrote {path}\n\nYour case:\n  Holder: " in out
    assert "  Account: Example Mobile, number ****2345\n" in out
    assert out.endswith(
        "  How will you send the closure request? Both: email, and a printed letter by mail "
        f"(recommended)\nNext: letters guide {path}\n"
    )

    text = path.read_text(encoding="utf-8")
    assert 'name = "Wang \\"Xiao\\" \\\\ Ming"\n' in text
    assert 'number = "0012345"\n' in text
    assert "# A case file for letters." in text
    case = load_case(path)
    assert case.language == "en"
    assert case.timezone == "America/Los_Angeles"  # from the holder's state
    assert case.holder.name == 'Wang "Xiao" \\ Ming'
    assert case.holder.name_en == "Xiaoming Wang"
    assert case.holder.phone == "+14155550134"
    assert case.holder.address == Address(
        ("123 Main St", "Apt 4B"), "San Francisco", "CA", "94105", "US"
    )
    assert case.account.number == "0012345"
    assert case.account.phone == "+14155550188"
    assert case.account.iccid == "8901260123456789011"
    assert case.account.balance == Decimal("12.50")
    assert case.account.close_on == date(2026, 12, 1)
    assert case.account.reason == "moving"
    assert case.recipient.email == "care@example-mobile.com"
    assert case.recipient.address == Address(("PO Box 1000",), "Dallas", "TX", "75201", "US")
    assert (case.checklist.keep_number, case.checklist.number_ported) == (True, True)
    assert (case.checklist.two_factor_moved, case.checklist.autopay_removed) == (False, False)
    assert case.delivery.method == "both"
    assert 'balance = "12.50"' in text


def test_a_bad_address_is_asked_again_with_the_reason(tmp_path: Path) -> None:
    answers = minimal("1")
    at = answers.index("", 4) + 1  # the holder's address follows the contact phone
    answers[at:at + 1] = [
        "123 Main St", "", "", "San Francisco", "CA", "1234",  # not a ZIP code
        "94105",  # only the ZIP code is asked again
    ]  # fmt: skip
    result = init(tmp_path / "case.toml", answers=answers)
    assert result.exit_code == 0, result.output
    assert "Not accepted: ZIP code: a ZIP code has 5 digits, like 94105\n" in result.stdout
    assert result.stdout.count("Street address") == 2  # the holder's, then the recipient's
    address = load_case(tmp_path / "case.toml").holder.address
    assert address is not None
    assert address.postal_code == "94105"


@pytest.mark.parametrize(
    ("choice", "language", "intro", "header"),
    [
        ("2", "zh-CN", "letters 永远不需要您的密码或 PIN 码", "# 案例文件 — letters"),
        ("zh-TW", "zh-TW", "letters 永遠不需要您的密碼或 PIN 碼", "# 案件檔 — letters"),
    ],
)
def test_chinese_questions_and_comments(
    tmp_path: Path, choice: str, language: str, intro: str, header: str
) -> None:
    path = tmp_path / "case.toml"
    result = init(path, answers=minimal(choice))
    assert result.exit_code == 0, result.output
    assert intro in result.stdout
    text = path.read_text(encoding="utf-8")
    assert text.startswith(header)
    assert f'language = "{language}"                 # ' in text
    case = load_case(path)
    assert (case.language, case.holder.name, case.account.number) == (
        language, "王小明", "ACC-889977"
    )  # fmt: skip


def test_comments_follow_the_documents_language(tmp_path: Path) -> None:
    path = tmp_path / "case.toml"
    result = init(path, answers=minimal("2", documents_choice="1"))
    assert result.exit_code == 0, result.output
    assert "您阅读的语言（指南和逐段解释英文信的说明页）：" in result.stdout
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# A case file for letters.")
    assert "[account]                          # the account to close\n" in text
    assert load_case(path).language == "en"


def test_the_language_question_offers_the_system_language(tmp_path: Path) -> None:
    path = tmp_path / "case.toml"
    result = init(path, answers=minimal(""), env={"LANG": "zh_TW.UTF-8"})
    assert result.exit_code == 0, result.output
    assert "Language / 语言 / 語言 [3]：" in result.stdout
    assert "您閱讀的語言（指南及逐段解釋英文信的說明頁）：\n" in result.stdout
    assert "編號 [3]：" in result.stdout and "編號 [3]: " not in result.stdout
    assert load_case(path).language == "zh-TW"


def test_lang_skips_the_language_question(tmp_path: Path) -> None:
    path = tmp_path / "case.toml"
    result = init(path, "--lang", "zh_CN", answers=minimal("2")[1:])
    assert result.exit_code == 0, result.output
    assert "Language / 语言" not in result.stdout
    assert load_case(path).language == "zh-CN"


def test_default_file_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = init(answers=minimal("1"))
    assert result.exit_code == 0, result.output
    assert load_case(tmp_path / "case.toml").holder.name == "王小明"


def test_running_out_of_answers_writes_nothing(tmp_path: Path) -> None:
    result = init(tmp_path / "case.toml", answers=minimal("1")[:5])
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: the answers ran out before the last question — nothing was written\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_at_a_question_says_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Answers piped in or not, Ctrl-C is no "the answers ran out".
    asked = []

    def prompt(*args: object, **kwargs: object) -> str:
        asked.append(args)
        if len(asked) < 3:
            return "1"
        try:  # as click's own prompt does
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise click.Abort() from None

    monkeypatch.setattr(click, "prompt", prompt)
    result = init(tmp_path / "case.toml", answers=[])
    assert result.exit_code == 1
    assert result.stderr.endswith("Error: stopped — nothing was written\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("language", ["en", "zh-CN", "zh-TW"])
def test_sample(tmp_path: Path, language: str) -> None:
    path = tmp_path / "mine.toml"
    result = run("init", path, "--sample", "--lang", language)
    assert (result.exit_code, result.stdout) == (
        0, f"wrote {path}\nNext: letters guide {path}\n"
    )  # fmt: skip
    assert path.read_bytes() == (SAMPLES / f"case-{language}.toml").read_bytes()


def test_sample_language_defaults_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    result = run("init", path, "--sample", env={"LANG": "zh_CN.UTF-8"})
    assert result.exit_code == 0
    assert path.read_bytes() == (SAMPLES / "case-zh-CN.toml").read_bytes()


def test_an_existing_file_is_refused_before_any_question(tmp_path: Path) -> None:
    path = tmp_path / "case.toml"
    path.write_text("mine", encoding="utf-8")
    for args in ((path,), (path, "--sample")):
        result = init(*args, answers=minimal("1"))
        assert (result.exit_code, result.stdout, result.stderr) == (
            2,
            "",
            f"Error: {path} already exists — use --force to replace it, or write elsewhere\n",
        )
        assert path.read_text(encoding="utf-8") == "mine"
    result = init(path, "--force", answers=minimal("1"))
    assert result.exit_code == 0, result.output
    assert load_case(path).holder.name == "王小明"


def test_help_has_an_example() -> None:
    result = run("init", "--help")
    assert result.exit_code == 0
    assert "Example: letters init my-case" in result.stdout


_NONCHARACTERS = "".join(map(chr, range(0xFDD0, 0xFDF0))) + "".join(
    chr(plane << 16 | end) for plane in range(17) for end in (0xFFFE, 0xFFFF)
)  # refused in case files, as control characters are
_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cc", "Cs", "Zl", "Zp"),
        blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        + _NONCHARACTERS,
    ),
    min_size=1,
    max_size=100,  # the longest account number a case file takes
).filter(lambda text: normalize.visible(text).strip())


@given(name=_TEXT, carrier=_TEXT, number=_TEXT)
def test_any_text_round_trips(name: str, carrier: str, number: str) -> None:
    answers = {
        "language": "zh-CN",
        "holder": {"name": name, "name_en": "Xiaoming Wang", "email": "a@example.com"},
        "account": {"carrier": carrier, "number": number},
        "recipient": {"name": carrier, "language": "zh-CN"},  # any name: its letters in Chinese
    }
    text = wizard.case_text(answers)
    assert tomllib.loads(text)["holder"]["name"] == name
    case = parse_case(text, Path("case.toml"))
    # Free text stays as typed, less what shows nothing (a soft hyphen, a zero-width space);
    # an identifier is kept in its plain form (full-width folded).
    assert (case.holder.name, case.account.carrier) == tuple(
        map(normalize.visible, (name, carrier))
    )
    assert case.account.number == normalize.identifier(normalize.visible(number))


# --- the same questions as a form (the browser app) ------------------------------------------

FORM = {
    "holder.name": "王小明",
    "holder.name_en": "Xiaoming Wang",
    "holder.email": "xm.wang@example.com",
    "holder.address.line1": "",
    "account.carrier": "Example Mobile",
    "account.number": "ACC-889977",
    "account.phone": "+1 415 555 0188",
    "account.reason": "moving",
    "recipient.name": "Example Mobile Customer Care",
    "recipient.address.line1": "PO Box 1000",
    "recipient.address.city": "Dallas",
    "recipient.address.region": "TX",
    "recipient.address.postal_code": "75201",
    "recipient.address.country": "us",
    "language": "en",
}


def test_a_form_is_checked_with_the_interviews_checks(tmp_path: Path) -> None:
    answers, problems = wizard.check_form(FORM)
    assert problems == {}
    assert answers["account"]["reason"] == "moving"
    assert answers["recipient"]["address"]["country"] == "US"
    assert "address" not in answers["holder"]
    path = wizard.write_case_folder(tmp_path / "my-case", answers, "zh-CN")
    assert path == tmp_path / "my-case" / "case.toml"
    assert (tmp_path / "my-case" / "evidence").is_dir()
    assert (tmp_path / "my-case" / "documents").is_dir()
    assert path.read_text(encoding="utf-8") == wizard.case_text(answers, "my-case")


def test_every_wrong_answer_of_a_form_is_named_by_its_field() -> None:
    wrong = FORM | {
        "holder.email": "not an email",
        "account.number": "",
        "account.balance": "12.5.0",
        "account.reason": "bored",
        "recipient.address.postal_code": "7520",
        "language": "fr",
    }
    _answers, problems = wizard.check_form(wrong)
    assert set(problems) == {
        "holder.email", "account.number", "account.balance", "account.reason",
        "recipient.address.postal_code", "language",
    }  # fmt: skip
    assert problems["account.number"] == "an answer is needed"
    for name in ("holder.email", "account.balance"):  # the interview's own words
        with pytest.raises(wizard.AnswerError) as raised:
            wizard.check_answer(name, wrong[name])
        assert problems[name] == str(raised.value)


def test_a_form_in_chinese_gets_chinese_reasons() -> None:
    from letters import i18n

    with i18n.interface("zh-CN"):
        _answers, problems = wizard.check_form(FORM | {"account.number": ""})
    assert problems == {"account.number": "这一题必须回答"}


def test_a_chinese_readers_form_needs_the_names_the_carrier_reads() -> None:
    # The holder reads Chinese; the request still goes to the carrier in English.
    chinese = FORM | {"language": "zh-CN", "holder.name_en": "", "recipient.name": "T-Mobile 客服"}
    _answers, problems = wizard.check_form(chinese)
    assert problems == {  # said for the form: no case-file keys to write
        "holder.name_en": "needed: your name in Latin letters, as the carrier knows it",
        "recipient.name": "write the name in English, like Example Mobile Customer Care",
    }


def test_a_wrong_field_and_a_missing_english_name_are_said_at_once() -> None:
    # A four-digit ZIP code and no name in Latin letters: both on the first try.
    wrong = FORM | {"holder.name_en": "", "recipient.address.postal_code": "7520"}
    _answers, problems = wizard.check_form(wrong)
    assert set(problems) == {"holder.name_en", "recipient.address.postal_code"}


def test_an_address_is_asked_again_where_it_is_wrong_the_country_too(tmp_path: Path) -> None:
    answers = minimal("1")
    at = answers.index("xm.wang@example.com") + 2  # after the phone: the address
    answers[at : at + 1] = [
        "加州旧金山市场街100号", "",  # the street in Chinese
        "CA", "San Francisco", "CA", "94105",  # "CA", meant for California, is Canada
        "US", "CA", "94105",  # asked again: the country, the state and the ZIP code
        "100 Market St", "",  # then the street, for a US envelope
    ]  # fmt: skip
    path = tmp_path / "case.toml"
    result = init(path, answers=answers)
    assert result.exit_code == 0, result.output
    assert "does not match an address in Canada (CA)" in result.stdout
    assert 'write the street in Latin letters, as the post office reads it, like "123 Main St"' in (
        result.stdout
    )
    address = load_case(path).holder.address
    assert address is not None
    assert (address.lines, address.city, address.region, address.country) == (
        ("100 Market St",), "San Francisco", "CA", "US"
    )  # fmt: skip


def test_email_only_with_no_address_to_send_to_is_asked_again(tmp_path: Path) -> None:
    answers = minimal("1")
    at = answers.index("Example Mobile Customer Care") + 6  # how it is sent
    answers[at] = "1"  # by email, but the company's email address was left out
    answers += ["1", "care@example-mobile.com"]  # asked again at the end: by email, to this
    result = init(tmp_path / "case.toml", answers=answers)
    assert result.exit_code == 0, result.output
    assert "sending by email needs the company's email address" in result.stdout
    case = load_case(tmp_path / "case.toml")
    assert (case.delivery.method, case.recipient.email) == ("email", "care@example-mobile.com")
    _answers, problems = wizard.check_form(FORM | {"delivery.method": "email"})
    assert problems == {
        "recipient.email": "sending by email needs the company's email address — give it, or "
        "choose to mail the letter"
    }


def test_a_chinese_interview_asks_again_for_the_names_the_carrier_reads(tmp_path: Path) -> None:
    answers = minimal("2")
    at = answers.index("Example Mobile Customer Care")
    answers[at : at + 1] = ["T-Mobile 客服", "T-Mobile Customer Care"]  # asked again at once
    path = tmp_path / "case.toml"
    result = init(path, answers=answers)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("无法接受：") == 2
    case = load_case(path)
    assert (case.language, case.holder.name_en, case.recipient.name) == (
        "zh-CN", "Xiaoming Wang", "T-Mobile Customer Care"
    )  # fmt: skip
    letter = run("letter", path, "-o", tmp_path / "out", "--format", "pdf")
    assert letter.exit_code == 0, letter.stderr


def test_a_case_folder_is_not_made_over_an_existing_case(tmp_path: Path) -> None:
    answers, _problems = wizard.check_form(FORM)
    wizard.write_case_folder(tmp_path / "c", answers, "en")
    before = (tmp_path / "c" / "case.toml").read_bytes()
    with pytest.raises(OutputExistsError):
        wizard.write_case_folder(tmp_path / "c", answers, "en")
    assert (tmp_path / "c" / "case.toml").read_bytes() == before


def test_every_state_zone_is_a_real_time_zone() -> None:
    from zoneinfo import ZoneInfo

    from letters.states import CAPITAL_ZONES, capital_zone

    assert len(CAPITAL_ZONES) == 56  # 50 states, DC and 5 inhabited territories
    for zone in CAPITAL_ZONES.values():
        ZoneInfo(zone)
    assert capital_zone(" ca ") == "America/Los_Angeles"
    assert capital_zone("ZZ") is None


def test_chinese_questions_end_in_a_full_width_colon(tmp_path: Path) -> None:
    answers = minimal("2")
    answers[answers.index("+1 415 555 0188")] = "415 555 018"  # nine digits
    answers.insert(answers.index("415 555 018") + 1, "+1 415 555 0188")
    result = init(tmp_path / "case.toml", answers=answers)
    assert result.exit_code == 0, result.output
    assert "要注销的电话号码：" in result.stdout and "要注销的电话号码: " not in result.stdout


def test_the_live_check_of_one_field_matches_the_whole_form() -> None:
    _answers, problems = wizard.check_form(FORM | {"holder.email": "x@"})
    with pytest.raises(wizard.AnswerError) as raised:
        wizard.check_answer("holder.email", "x@")
    assert str(raised.value) == problems["holder.email"]


def test_with_no_email_for_the_company_the_letter_is_mailed_by_default(tmp_path: Path) -> None:
    path = tmp_path / "case.toml"
    result = init(path, answers=minimal("2"))  # the company's email left out, then Enter
    assert result.exit_code == 0, result.output
    assert load_case(path).delivery.method == "mail"


def test_an_address_typed_in_full_width_is_written_as_checked(tmp_path: Path) -> None:
    # A Chinese keyboard gives １２３ and ，: the case file keeps one exact form, as read.
    answers = [
        {"123 Main St": "１２３ Main St，", "Apt 4B": "Apt ４B", "94105": "９４１０５"}.get(a, a)
        for a in ENGLISH
    ]
    path = tmp_path / "case.toml"
    result = init(path, answers=answers)
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert 'lines = ["123 Main St,", "Apt 4B"]' in text, text
    assert 'postal_code = "94105"' in text
    assert "１" not in text and "，" not in text


def test_a_form_that_mails_the_letter_needs_the_companys_postal_address() -> None:
    without = {k: v for k, v in FORM.items() if not k.startswith("recipient.address.")}
    for method in ("mail", "both"):
        _answers, problems = wizard.check_form(without | {"delivery.method": method})
        assert problems == {
            "recipient.address.line1": "mailing the letter needs the company's postal address — "
            "give it, or choose to send it by email"
        }
    email = {"delivery.method": "email", "recipient.email": "care@example-mobile.com"}
    _answers, problems = wizard.check_form(without | email)
    assert problems == {}


def test_a_name_the_carrier_cannot_read_and_a_past_closing_day_are_asked_again_at_once(
    tmp_path: Path,
) -> None:
    # A Chinese name typed for the English one was refused only after some 25 more questions,
    # and a closing day of a year mistyped was taken as it was.
    answers = minimal("2")
    answers[2:3] = ["王秀英", "Xiuying Wang"]  # the English name
    at = answers.index("Example Mobile")
    answers[at + 5 : at + 6] = ["2024-01-05", "2026-11-23"]  # the closing day: past, yesterday
    answers.remove("Xiaoming Wang")  # not asked again at the end
    path = tmp_path / "case.toml"
    result = init(path, answers=answers)
    assert result.exit_code == 0, result.output
    out = result.stdout
    english = out.index("您的英文姓名")
    assert out.index('无法接受：必须用拉丁字母，例如 "Xiaoming Wang"', english) < out.index(
        "电子邮箱"
    )
    assert "无法接受：2024年1月5日已经过去了——请填今天或以后的日期，或者直接按回车不填" in out
    assert out.count("已经过去了") == 1  # the day before today is the holder's today somewhere
    case = load_case(path)
    assert (case.holder.name, case.holder.name_en) == ("王小明", "Xiuying Wang")
    assert case.account.close_on == date(2026, 11, 23)


def test_a_us_state_given_as_the_country_is_named_for_what_it_is() -> None:
    # "NY" was taken as a country, and the address then "did not match an address in NY".
    with pytest.raises(wizard.AnswerError) as refused:
        wizard.check_answer("address.country", "ny")
    assert str(refused.value) == "NY is a US state: for an address in the US, the country is US"
    assert wizard.check_answer("address.country", "cn") == "CN"
    with pytest.raises(wizard.AnswerError, match="unknown country code"):
        wizard.check_answer("address.country", "ZZ")


def test_a_name_without_letters_is_asked_again() -> None:
    # "2", meant for the question before, was taken as the holder's name.
    for key in ("holder.name", "holder.name_en", "account.carrier", "recipient.name"):
        with pytest.raises(wizard.AnswerError) as refused:
            wizard.check_answer(key, "2")
        assert str(refused.value) == "a name has letters — type the name itself"
    assert wizard.check_answer("holder.name", "王小明") == "王小明"
    assert wizard.check_answer("account.carrier", "T-Mobile") == "T-Mobile"
