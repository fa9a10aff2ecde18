"""Forgiving, then exact: what people type naturally is read, kept and printed in one form.

Full-width digits and punctuation, the ideographic full stop in an email domain, dates as
2026年12月1日 or 12/1/2026, money as $12.50 — in a case file, in the wizard and in `log add` —
come out plain in the .eml, the PDF and the DOCX.
"""

from __future__ import annotations

import email
import re
import tomllib
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from email import policy
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from docx import Document

from letters import normalize
from letters.case import load_case
from letters.cli import cli
from tests.conftest import SAMPLES, run

# What a Chinese keyboard types: full-width digits, dashes, @ and dollar sign; 。 for a dot.
FULL_WIDTH_CASE = """\
language = "en"
timezone = "America/Los_Angeles"

[holder]
name = "李华"
name_en = "Hua Li"
email = "lihua＠163。com"
phone = "４１５－５５５－０１３４"

[holder.address]
lines = ["１２３　Ｍａｉｎ Ｓｔ", "Apt ４Ｂ"]
city = "Ｓａｎ Ｆｒａｎｃｉｓｃｏ"
region = "ca"
postal_code = "９４１０５"

[account]
carrier = "Example Mobile"
number = "１２３４５６７８"
phone = "(415) 555-0188"
balance = "US$12.5"
close_on = "2026年12月1日"

[recipient]
name = "Example Mobile Customer Care"
email = "care@example-mobile.com"
address = { lines = ["PO Box 1000"], city = "Dallas", region = "TX", postal_code = "75201" }
"""


@pytest.mark.parametrize(
    "text",
    ["2026-12-01", "2026-12-1", "12/1/2026", "2026年12月1日", "２０２６－１２－０１", "2026/12/1"],
)
def test_every_usual_date_form_is_read(text: str) -> None:
    assert normalize.parse_date(text) == date(2026, 12, 1)


@pytest.mark.parametrize(
    "text", ["12.5", "$12.50", "US$12.50", "＄１２．５", "12.50 USD", "US$ 12.5"]
)
def test_every_usual_money_form_is_read(text: str) -> None:
    assert normalize.parse_money(text) == Decimal("12.50")
    assert normalize.money_text(normalize.parse_money(text)) == "12.50"


@pytest.mark.parametrize("text", ["12,50", "twelve", "$", "-3", "1,2345.00"])
def test_unreadable_money_gets_a_hint_with_the_form(text: str) -> None:
    with pytest.raises(normalize.NormalizeError) as refused:
        normalize.parse_money(text)
    assert str(refused.value) == 'not an amount of money — write it like "12.50" or "$12.50"'


@pytest.mark.parametrize("text", ["31/12/2026", "next Tuesday", "2026年12月"])
def test_unreadable_date_gets_a_hint_with_the_forms(text: str) -> None:
    with pytest.raises(normalize.NormalizeError) as refused:
        normalize.parse_date(text)
    assert str(refused.value) == (
        "not a date — write it like 2026-12-01, or 12/1/2026 (month/day/year), or 2026年12月1日"
    )


@pytest.mark.parametrize("text", ["2026-13-01", "2026年2月30日", "2026-02-30 10:00"])
def test_a_day_the_calendar_does_not_have_is_named_so(text: str) -> None:
    with pytest.raises(normalize.NoSuchDay) as refused:
        normalize.parse_moment(text)
    assert str(refused.value) == (
        "there is no such day in the calendar — check the month and the day"
    )


def test_email_domain_full_stops_are_dots_as_idna_reads_them() -> None:
    assert normalize.email("lihua@163。com") == "lihua@163.com"
    assert normalize.email("ｌｉｈｕａ＠１６３．ｃｏｍ") == "lihua@163.com"
    assert normalize.email("lihua@163｡com") == "lihua@163.com"


def test_a_case_file_typed_on_a_chinese_keyboard_loads_plain(case_file) -> None:
    case = load_case(case_file(FULL_WIDTH_CASE))
    assert case.holder.email == "lihua@163.com"
    assert case.holder.phone == "+14155550134"
    assert case.account.number == "12345678"
    assert case.account.balance == Decimal("12.50")
    assert case.account.close_on == date(2026, 12, 1)
    assert case.holder.address is not None
    assert (case.holder.address.city, case.holder.address.region) == ("San Francisco", "CA")
    assert case.holder.address.lines == ("123 Main St", "Apt 4B")  # as the envelope prints it
    assert case.holder.address.postal_code == "94105"


def _eml_body(path: Path) -> tuple[str, str]:
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    return str(message["From"]), body


def _pdf(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def _docx(path: Path) -> str:
    """Return the text as a reader reads it: no-break characters as plain ones."""
    from letters.render.docx import READ_AS

    return "\n".join(p.text for p in Document(str(path)).paragraphs).translate(READ_AS)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ("12345678", "lihua@163.com", "(415) 555-0134", "December 1, 2026", "$12.50")),
        ("zh-CN", ("12345678", "lihua@163.com", "(415) 555-0134", "2026年12月1日", "US$12.50")),
    ],
)
def test_the_plain_forms_are_printed_in_eml_pdf_and_docx(
    tmp_path: Path, case_file, language: str, expected: tuple[str, ...]
) -> None:
    path = case_file(FULL_WIDTH_CASE.replace("close_on", 'reason = "moving"\nclose_on'))
    out = tmp_path / "out"
    for command in ("email", "letter"):
        result = run(command, path, "--lang", language, "-o", out, "--date", "2026-11-24")
        assert result.exit_code == 0, result.stderr
    sender, body = _eml_body(out / f"request.{language}.eml")
    assert sender.endswith("<lihua@163.com>")
    pdf = _pdf(out / f"request.{language}.pdf")
    docx = _docx(out / f"request.{language}.docx")
    for text, where in ((body, "eml"), (pdf, "pdf"), (docx, "docx")):
        flat = " ".join(text.split())
        for value in expected:
            assert value in flat or value in text, f"{value} not in the {where}"
        for typed in ("１２３", "163。com", "４１５", "＠"):
            assert typed not in text, f"{typed} printed in the {where}"
    if language == "en":  # the return address on the envelope page
        assert "San Francisco, CA 94105" in pdf


def _init(path: Path, answers: list[str], *args: str) -> str:
    text = "".join(f"{answer}\n" for answer in answers)
    result = CliRunner().invoke(cli, ["init", str(path), *args], input=text, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_wizard_reads_full_width_answers_and_asks_again_only_what_is_wrong(
    tmp_path: Path,
) -> None:
    answers = [
        "李华", "Hua Li", "lihua@163。com", "４１５－５５５－０１３４",
        "123 Main St", "", "",  # street, second line, country US
        "旧金山", "San Francisco",  # a Chinese city name is refused, then given in English
        "加州", "ca",  # a state name in Chinese is refused: only the state is asked again
        "10001",  # a New York ZIP code with California: the ZIP code is asked again
        "94105",
        "Example Mobile", "１２３４５６７８", "(415) 555-0188", "",
        "＄12.5", "2026年12月1日", "",
        "Example Mobile Customer Care", "care@example-mobile.com", "",
        "", "", "", "",
        "1",  # documents in English
    ]  # fmt: skip
    path = tmp_path / "case.toml"
    out = _init(path, answers, "--lang", "zh-CN")
    assert out.count("\n城市（用英文写，例如 San Francisco）：") == 2
    assert out.count("\n州（两个字母，例如 CA）：") == 2
    assert out.count("\n邮政编码（ZIP）：") == 2
    assert out.count("街道地址") == 2  # the holder's once, the recipient's once
    assert '无法接受：城市请用拉丁字母写，邮局才看得懂，例如 "San Francisco"\n' in out
    assert "无法接受：必须是州的两个字母代码，例如 CA 或 NY\n" in out
    assert "无法接受：邮政编码（ZIP）：ZIP 邮政编码 10001 不在 CA——请核对邮政编码和州\n" in out
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["holder"]["email"] == "lihua@163.com"
    assert data["holder"]["phone"] == "+14155550134"
    assert data["holder"]["address"]["region"] == "CA"
    assert data["account"]["number"] == "12345678"
    assert data["account"]["balance"] == "12.50"
    assert data["account"]["close_on"] == date(2026, 12, 1)


def test_the_wizard_asks_for_the_english_name_when_documents_are_english(tmp_path: Path) -> None:
    answers = [
        "王小明", "", "xm@example.com", "", "",
        "Example Mobile", "A-1", "+1 415 555 0188", "", "", "", "",
        "Mint Mobile 客服部", "Mint Mobile Customer Care", "", "",  # asked again at once
        "", "", "", "",
        "1",  # documents in English: the names must be in Latin letters
        "Xiaoming Wang",
    ]  # fmt: skip
    path = tmp_path / "case.toml"
    out = _init(path, answers, "--lang", "zh-CN")
    assert (
        "无法接受：您的英文姓名，即运营商系统里的名字（英文信件必须填写）：缺少：英文文件需要"
        in out
    )
    assert "\n您的英文姓名，即运营商系统里的名字（英文信件必须填写）：Xiaoming Wang\n" in out
    assert "无法接受：请用英文写名称，例如 Example Mobile Customer Care\n" in out
    case = load_case(path)
    assert (case.holder.name_en, case.recipient.name) == (
        "Xiaoming Wang",
        "Mint Mobile Customer Care",
    )


def test_log_add_reads_full_width_and_chinese_dates(tmp_path: Path, case_file) -> None:
    path = case_file(FULL_WIDTH_CASE)
    result = run(
        "log", path, "add", "--channel", "phone", "--summary", "打电话要求注销。",
        "--reference", "ＣＳ－１２３４５", "--at", "2026年11月20日",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    event = load_case(path).events[-1]
    assert (event.at, event.reference) == (date(2026, 11, 20), "CS-12345")
    assert 'reference = "CS-12345"' in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026年11月28日 14:30", datetime(2026, 11, 28, 14, 30)),
        ("2026年11月28日14:30", datetime(2026, 11, 28, 14, 30)),
        ("2026/11/25 下午3点", datetime(2026, 11, 25, 15, 0)),
        ("2026年11月20日 下午2点半", datetime(2026, 11, 20, 14, 30)),
        ("2026年11月20日 上午9点15分", datetime(2026, 11, 20, 9, 15)),
        ("2026年11月20日 凌晨1点", datetime(2026, 11, 20, 1, 0)),
        ("2026年11月20日 中午12点半", datetime(2026, 11, 20, 12, 30)),
        ("2026年11月20日 中午1点", datetime(2026, 11, 20, 13, 0)),
        ("2026年11月20日 傍晚6点", datetime(2026, 11, 20, 18, 0)),
        ("2026年11月20日 晚上8点", datetime(2026, 11, 20, 20, 0)),
        ("2026年11月20日 晚上12点", datetime(2026, 11, 21, 0, 0)),  # the midnight ending the day
        ("11/20/2026 12 PM", datetime(2026, 11, 20, 12, 0)),
        ("11/26/2026 9:15", datetime(2026, 11, 26, 9, 15)),
        ("11/20/2026 2:30 PM", datetime(2026, 11, 20, 14, 30)),
        ("11/20/2026 12:10 a.m.", datetime(2026, 11, 20, 0, 10)),
        ("２０２６－１１－２０ １４：３０", datetime(2026, 11, 20, 14, 30)),
        ("2026-11-20T14:30-08:00",
         datetime(2026, 11, 20, 14, 30, tzinfo=timezone(-timedelta(hours=8)))),
        ("2026-11-20", date(2026, 11, 20)),
    ],
)  # fmt: skip
def test_log_add_reads_a_time_as_people_write_it(
    case_file, text: str, moment: date | datetime
) -> None:
    path = case_file(FULL_WIDTH_CASE)
    result = run("log", path, "add", "--channel", "phone", "--summary", "Called.", "--at", text)
    assert result.exit_code == 0, result.stderr
    at = load_case(path).events[-1].at
    if isinstance(moment, datetime) and moment.tzinfo is None:
        assert isinstance(at, datetime)
        at = at.replace(tzinfo=None)  # read in the case's time zone
    assert at == moment


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026年11月20日 上午12点",
         "上午12点 can be noon or midnight — write 中午12点 or 凌晨0点 (or 12:00, 0:00)"),
        ("2026年11月20日 晚上2点",
         "晚上 has no 2 o'clock — write the time on a 24-hour clock, like 02:00 or 14:00"),
    ],
)  # fmt: skip
def test_a_time_that_can_be_read_two_ways_is_refused(case_file, text: str, message: str) -> None:
    path = case_file(FULL_WIDTH_CASE)
    before = path.read_bytes()
    result = run("log", path, "add", "--channel", "phone", "--summary", "Called.", "--at", text)
    assert result.exit_code == 2
    assert result.stderr == f"Error: --at: {text}: {message}\n"
    assert path.read_bytes() == before


def test_log_mailed_reads_a_chinese_date_and_a_number_typed_with_dashes(case_file) -> None:
    path = case_file(FULL_WIDTH_CASE)
    result = run("log", path, "mailed", "--certified-mail", "9589-0710-5270-0123-4562", "--on",
                 "2026年11月30日")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    event = load_case(path).events[-1]
    assert (event.at, event.certified_mail) == (date(2026, 11, 30), "9589 0710 5270 0123 4562")
    # Kept in the file as the letters print it, however it was typed.
    text = path.read_text(encoding="utf-8")
    assert text.count('certified_mail = "9589 0710 5270 0123 4562"') == 2  # event, [delivery]
    typed = "９５８９　０７１０　５２７０　０５５５　００１９"
    result = run(
        "log", path, "mailed", "--later-letter", "--on", "2026-11-30", "--certified-mail", typed
    )
    assert result.exit_code == 0, result.stderr
    assert 'certified_mail = "9589 0710 5270 0555 0019"' in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "carrier = “Example Mobile”",
            "这个值无法识别——中文引号“ ”在 TOML 里不算引号：请把输入法切换到英文，输入直引号："
            'carrier = "Example Mobile"',
        ),
        (
            'carrier ＝ "Example Mobile"',
            "键的后面必须是 =——全角的 ＝ 在 TOML 里不算等号：请把输入法切换到英文，输入 =："
            'carrier = "Example Mobile"',
        ),
        (
            "close_on = 2026-12-1",
            "这个值无法识别——日期的月和日都要写两位数字：请写成 2026-12-01",
        ),
        (
            'carrier = "Example Mobile',
            "文字缺少结尾的引号，或含有 TOML 不接受的字符——少了一个引号：文字要放在两个直引号之间，"
            '例如 carrier = "Example Mobile"',
        ),
        (
            "number = “12345678”",
            "这个值无法识别——中文引号“ ”在 TOML 里不算引号：请把输入法切换到英文，输入直引号："
            'number = "****5678"',
        ),
    ],
)
def test_toml_mistakes_are_explained_in_chinese_with_the_line_written_right(
    case_file, line: str, message: str
) -> None:
    path = case_file(f'language = "zh-CN"\n{line}\n')
    result = run("check", path, "--ui-lang", "zh-CN")
    assert (result.exit_code, result.stderr) == (2, f"错误：{path}:2: TOML 格式有误：{message}\n")


@pytest.mark.parametrize(
    ("key", "answer", "value"),
    [
        ("holder.email", "lihua@163。com", "lihua@163.com"),
        ("account.number", "１２３４", "1234"),
        ("account.phone", "４１５－５５５－０１３４", "+14155550134"),
        ("account.balance", "$12.5", "12.50"),
        ("account.close_on", "2026年12月1日", date(2026, 12, 1)),
        ("address.region", "California", "CA"),
        ("checklist.keep_number", "是", True),
        ("delivery.method", "2", "mail"),
        ("account.iccid", "", None),
        ("account.iccid", "8901 2601 2345 6789 011", "8901260123456789011"),  # as on the card
    ],
)
def test_each_answer_is_checked_without_a_terminal(key: str, answer: str, value: object) -> None:
    from letters import wizard

    assert wizard.check_answer(key, answer) == value


@pytest.mark.parametrize(
    ("key", "answer", "reason"),
    [
        ("address.city", "旧金山", "write the city in Latin letters, as the post office reads it"),
        ("address.region", "加州", "must be the state's two-letter code, like CA or NY"),
        ("holder.email", "lihua", "not an email address: an email address has an @, like "),
        ("account.close_on", "soon", "not a date — write it like 2026-12-01"),
        ("holder.name", "", "an answer is needed"),
    ],
)
def test_a_wrong_answer_says_why(key: str, answer: str, reason: str) -> None:
    from letters import wizard

    with pytest.raises(wizard.AnswerError) as refused:
        wizard.check_answer(key, answer)
    assert str(refused.value).startswith(reason)


@pytest.mark.parametrize(
    ("name", "masked"),
    [("王小明", "王**"), ("陳 美玲", "陳**"), ("Xiaoming Wang", "X. W."), ("Li", "L*")],
)
def test_a_name_is_masked_to_its_first_letters(name: str, masked: str) -> None:
    from letters.identifiers import mask_name

    assert mask_name(name) == masked


def test_a_day_to_come_and_a_letter_logged_twice_are_refused(case_file) -> None:
    from datetime import datetime as clock

    path = case_file(FULL_WIDTH_CASE)
    before = path.read_bytes()
    later = f"{clock.now().year + 1}-01-01"
    result = run("log", path, "add", "--channel", "phone", "--summary", "Called.", "--at", later)
    assert (result.exit_code, result.stderr) == (
        2, f"Error: --at: {later} has not come yet — the timeline records what has happened\n"
    )  # fmt: skip
    mailed = ("log", path, "mailed", "--certified-mail", "9407 1118 9876 5432 1002", "--on",
              "2026-11-24")  # fmt: skip
    assert run(*mailed[:-2], "--on", later).exit_code == 2
    assert path.read_bytes() == before
    assert run(*mailed).exit_code == 0
    again = run(*mailed)
    assert (again.exit_code, again.stderr) == (
        2, "Error: --certified-mail: the letter 9407 1118 9876 5432 1002 is already in the "
        "timeline — nothing was written\n",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        (
            "2026年12月5日  # 注销日",
            "a date goes in the form 2026-12-05, or in quotes as you wrote it: "
            'close_on = "2026年12月5日"',
        ),
        (
            "2026-12-32   # 注销日",
            "there is no such day in the calendar — check the month and the day",
        ),
    ],
)
def test_a_date_the_toml_cannot_read_is_explained(tmp_path: Path, written: str, hint: str) -> None:
    case = tmp_path / "case.toml"
    text = (SAMPLES / "case-zh-CN.toml").read_text(encoding="utf-8")
    case.write_text(re.sub(r"(?m)^close_on = .*$", f"close_on = {written}", text), encoding="utf-8")
    result = run("check", case)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {case}:")
    assert result.stderr.rstrip().endswith(hint), result.stderr
    quoted = re.sub(r"(?m)^close_on = .*$", 'close_on = "2026年12月5日"', text)
    case.write_text(quoted, encoding="utf-8")
    assert run("check", case).exit_code == 0
