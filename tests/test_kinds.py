"""Every kind of letter in every language, proven by the case values it must carry verbatim."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from datetime import date, timedelta
from decimal import Decimal

import pytest

from letters import cjk, content, fidelity, normalize, templating
from letters.case import Case, Charge, load_case
from letters.content import Letter, letter_text, render_letter
from letters.errors import CaseError, InputError, RenderError
from letters.i18n import format_date, format_money
from tests.conftest import SAMPLES

TODAY = date(2026, 12, 24)
LANGUAGES = ("en", "zh-CN", "zh-TW")
KINDS = (*content.KINDS, "complaint-ag")
# Letters to the carrier come in every language; the rest go to readers of English only.
PAIRS = [
    (k, lang) for k in KINDS for lang in LANGUAGES if lang == "en" or k in content.CARRIER_KINDS
]
LATE = load_case(SAMPLES / "case-late-en.toml")
LATE_CASES = {name: load_case(SAMPLES / f"case-late-{name}.toml") for name in LANGUAGES}
EARLY = load_case(SAMPLES / "case-en.toml")

# What each kind must say, beyond the holder, carrier and account number every letter carries.
CARRIES = {
    "request": {"events", "certified", "deadline"},
    "follow-up": {"events", "certified", "deadline", "request_date", "amounts"},
    "refund": {"balance", "closed_on", "references", "deadline"},
    "dispute": {"charges", "total", "closed_on", "certified", "events", "last4", "deadline"},
    "complaint": {"events", "summaries", "charges", "total", "certified", "relief", "phones"},
    "complaint-ag": {"events", "total", "certified", "relief"},
    "card-dispute": {"last4", "charges", "statements", "total", "closed_on", "request_date",
                     "certified"},
}  # fmt: skip


def day(value: date, language: str) -> str:
    return format_date(value, language)


def money(amount: Decimal, language: str) -> str:
    return format_money(amount, "USD", language)


def expected(case: Case, kind: str, language: str) -> list[str]:
    """Return the values a letter of `kind` must carry verbatim."""
    values = [case.holder.display_name(language), case.account.carrier, case.account.number]
    wants = CARRIES[kind]
    if "events" in wants:
        for event in case.events:
            on = event.day(case.tz)
            sent = case.request_sent_on
            if kind == "request" and sent and on >= sent:
                continue  # a request cites what was asked before it, not its own mailing
            values.append(day(on, language))
            values += [v for v in (event.party, event.reference) if v]
    if "summaries" in wants:
        values += [event.summary for event in case.events]
    if "references" in wants:
        values += [event.reference for event in case.events if event.reference]
    if "amounts" in wants or "charges" in wants:
        values += [money(charge.amount, language) for charge in case.charges]
    if "charges" in wants:
        for charge in case.charges:
            values += [day(charge.date, language), charge.description]
            values += [charge.reference] if charge.reference else []
    if "statements" in wants:
        values += [day(c.statement_date, language) for c in case.charges if c.statement_date]
    if "total" in wants:
        values.append(money(sum(c.amount for c in case.charges), language))
    if "certified" in wants:
        assert case.delivery.certified_mail
        values.append(case.delivery.certified_mail)
    if "deadline" in wants:
        values.append(day(TODAY + timedelta(days=case.response_days), language))
    if "request_date" in wants:
        assert case.status.request_sent
        values.append(day(case.status.request_sent, language))
    if "closed_on" in wants:
        assert case.status.closed_on
        values.append(day(case.status.closed_on, language))
    if "balance" in wants:
        assert case.account.balance
        values.append(money(case.account.balance, language))
    if "last4" in wants:
        assert case.card
        values.append(case.card.last4)
    if "relief" in wants and case.complaint.relief:
        values.append(case.complaint.relief)
    if "phones" in wants:
        from letters.identifiers import format_phone

        values += [format_phone(p) for p in (case.holder.phone, case.account.phone) if p]
    return values


@pytest.mark.parametrize("sample", LANGUAGES)
@pytest.mark.parametrize(("kind", "language"), PAIRS)
def test_late_case_letters_carry_every_value_verbatim(
    kind: str, language: str, sample: str
) -> None:
    case = LATE_CASES[sample]
    reader = content.recipient_for(case, kind)
    if language == "en" and not normalize.is_latin(reader.name):
        # An English letter cannot head with a name in Chinese characters: it says so.
        with pytest.raises(CaseError) as refused:
            render_letter(case, kind, language, TODAY)
        assert refused.value.details[0].endswith(
            "recipient.name: has characters that are not Latin letters, which an English "
            'document cannot carry — write the name in English, like "Example Mobile Customer '
            'Care"'
        )
        return
    letter = render_letter(case, kind, language, TODAY)
    text = letter_text(letter)
    missing = [value for value in expected(case, kind, language) if value not in text]
    assert not missing, f"{kind}.{language} lacks {missing}"
    fidelity.check_fidelity(text, fidelity.required_values(letter), f"{kind}.{language}")
    assert "{{" not in text and "{%" not in text
    assert "&amp;" not in text and "None" not in text


@pytest.mark.parametrize(("kind", "language"), PAIRS)
def test_letters_close_the_way_their_language_does(kind: str, language: str) -> None:
    letter = render_letter(LATE, kind, language, TODAY)
    if kind == "complaint":  # pasted into the FCC's form: nothing but the complaint
        assert (letter.salutation, letter.closing, letter.signature) == ("", (), ())
    elif language == "en":
        assert letter.closing == ("Sincerely,",)
        assert letter.signature == (LATE.holder.name_en,)
    elif language == "zh-CN":
        assert letter.closing == ("此致", "敬礼！")
        assert letter.signature[-1] == day(TODAY, language)
    else:
        assert letter.closing == ("此致", "敬禮")
        assert letter.signature[0].endswith(" 敬上")


@pytest.mark.parametrize("kind", ["request", "follow-up"])
@pytest.mark.parametrize("language", ["zh-CN", "zh-TW"])
def test_chinese_requests_end_with_the_formal_closing(kind: str, language: str) -> None:
    text = letter_text(render_letter(LATE, kind, language, TODAY))
    salute = "敬礼" if language == "zh-CN" else "敬禮"
    assert "此致" in text and salute in text


@pytest.mark.parametrize("language", ["en"])
def test_card_dispute_names_the_card_only_by_its_last_four_digits(language: str) -> None:
    text = letter_text(render_letter(LATE, "card-dispute", language, TODAY))
    assert LATE.card is not None and LATE.card.last4 in text
    assert LATE.account.iccid and LATE.account.iccid not in text
    for run in re.findall(r"\d(?:[ -]?\d)*", text):
        digits = re.sub(r"\D", "", run)
        assert not (len(digits) > 4 and digits.endswith(LATE.card.last4)), run
        if len(digits) >= 12:  # only the Certified Mail article number is that long
            assert run == LATE.delivery.certified_mail, run


@pytest.mark.parametrize("language", ["en"])
def test_card_dispute_claims_the_60_days_only_when_true(language: str) -> None:
    marker = {"en": "within 60 days", "zh-CN": "未满60天", "zh-TW": "未滿60日"}[language]
    assert marker in letter_text(render_letter(LATE, "card-dispute", language, TODAY))
    late = date(2027, 3, 1)  # 76 days after the statement of December 15, 2026
    assert marker not in letter_text(render_letter(LATE, "card-dispute", language, late))
    last = date(2027, 2, 13)  # the 60th day: the same last day the guide gives
    assert marker in letter_text(render_letter(LATE, "card-dispute", language, last))
    after = last + timedelta(days=1)
    assert marker not in letter_text(render_letter(LATE, "card-dispute", language, after))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_dispute_never_gives_up_the_balance_still_owed(language: str) -> None:
    # The carrier still owes the $12.50 left on the account: confirming "a balance of zero"
    # would read as giving it up. The letter asks for it; once refunded, it no longer does.
    words = {"en": ("I owe nothing on it", "is still owed to me: please refund it"),
             "zh-CN": ("本人不欠任何款项", "仍应退还本人"),
             "zh-TW": ("本人不欠任何款項", "仍應退還本人")}[language]  # fmt: skip
    text = " ".join(letter_text(render_letter(LATE, "dispute", language, TODAY)).split())
    assert words[0] in text and words[1] in text and "$12.50" in text
    assert "balance of zero" not in text and "余额为零" not in text and "餘額為零" not in text
    refunded = dataclasses.replace(
        LATE, status=dataclasses.replace(LATE.status, refund_received=date(2026, 12, 20))
    )
    text = " ".join(letter_text(render_letter(refunded, "dispute", language, TODAY)).split())
    assert words[0] in text and words[1] not in text
    # What the letter asks and the contacts before it are two paragraphs, in every language.
    paragraphs = render_letter(LATE, "dispute", language, TODAY).paragraphs
    [asking] = [p for p in paragraphs if words[1] in " ".join(p.split())]
    assert not any(event.reference in asking for event in LATE.events if event.reference)


@pytest.mark.parametrize("language", LANGUAGES)
def test_follow_up_sets_a_new_deadline(language: str) -> None:
    text = letter_text(render_letter(LATE, "follow-up", language, TODAY))
    assert day(date(2027, 1, 7), language) in text
    fcc = {"en": "Federal Communications Commission", "zh-CN": "美国联邦通信委员会",
           "zh-TW": "美國聯邦通訊委員會"}[language]  # fmt: skip
    assert fcc in text
    assert "FTC" not in text and "click-to-cancel" not in text.lower()


@pytest.mark.parametrize("language", ["en"])
def test_complaint_cites_every_event_and_keeps_the_warning_out_of_the_pasted_text(
    language: str,
) -> None:
    letter = render_letter(LATE, "complaint", language, TODAY)
    body = "\n".join(letter.paragraphs)
    for event in LATE.events:
        assert event.summary in body
        assert event.reference is None or event.reference in body
    # The text is what the holder pastes: no letter furniture, no instructions to the holder.
    text = letter_text(letter)
    for word in ("Dear", "Sincerely", "Social Security", "consumercomplaints.fcc.gov", "Note:"):
        assert word not in text
    assert letter.recipient == content.FCC


@pytest.mark.parametrize("language", ["en"])
def test_complaint_without_relief_asks_for_a_sensible_default(language: str) -> None:
    case = dataclasses.replace(LATE, complaint=dataclasses.replace(LATE.complaint, relief=None))
    text = letter_text(render_letter(case, "complaint", language, TODAY))
    assert money(Decimal("54.99"), language) in text
    assert money(Decimal("12.50"), language) in text


@pytest.mark.parametrize("language", ["en"])
def test_attorney_general_letter_goes_to_the_holders_state(language: str) -> None:
    from letters.agencies import attorney_general

    letter = render_letter(LATE, "complaint-ag", language, TODAY)
    office = attorney_general("CA")
    assert office is not None and office.address is not None
    assert (letter.recipient.name, letter.recipient.address) == (office.name, office.address)
    assert office.source.startswith("https://") and office.checked.year >= 2026


def test_the_case_files_attorney_general_wins_over_the_directory() -> None:
    case = LATE_CASES["zh-TW"]  # a New York holder: the directory has no New York entry
    letter = render_letter(case, "complaint-ag", "en", TODAY)
    assert case.complaint.attorney_general is not None
    assert letter.recipient == case.complaint.attorney_general
    own = dataclasses.replace(
        LATE.complaint, attorney_general=dataclasses.replace(case.complaint.attorney_general)
    )
    assert render_letter(dataclasses.replace(LATE, complaint=own), "complaint-ag", "en",
                         TODAY).recipient.name.startswith("Office of the New York")  # fmt: skip


def test_a_state_without_a_checked_address_is_asked_for_never_invented() -> None:
    case = LATE_CASES["zh-TW"]
    nobody = dataclasses.replace(case.complaint, attorney_general=None)
    case = dataclasses.replace(case, complaint=nobody)
    with pytest.raises(InputError) as caught:
        render_letter(case, "complaint-ag", "en", TODAY)
    assert caught.value.message == (
        "complaint-ag: letters has no checked postal address for the attorney general of NY — "
        "find the consumer-protection office's address on the attorney general's website "
        "(search: NY attorney general consumer complaint), then write it in the case file under "
        '[complaint.attorney_general]: name = "…" and address = { lines = ["…"], city = "…", '
        'region = "NY", postal_code = "…" }'
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_refund_by_check_prints_the_mailing_address(language: str) -> None:
    text = letter_text(render_letter(LATE, "refund", language, TODAY))
    assert "123 Main St, Apt 4B, San Francisco, CA 94105" in text
    assert "Xiaoming Wang" in text  # the payee as the carrier knows the holder


@pytest.mark.parametrize("language", LANGUAGES)
def test_refund_to_the_original_payment_names_the_card_by_last_four(language: str) -> None:
    case = dataclasses.replace(
        LATE, account=dataclasses.replace(LATE.account, refund_to="original-payment")
    )
    text = letter_text(render_letter(case, "refund", language, TODAY))
    assert "4821" in text and "123 Main St" not in text


@pytest.mark.parametrize(("kind", "language"), PAIRS)
def test_hostile_values_arrive_verbatim(kind: str, language: str) -> None:
    charge = Charge(
        date(2026, 12, 5), Decimal("45.00"), 'Plan <"Unlimited"> & more', date(2026, 12, 10)
    )
    case = dataclasses.replace(
        LATE,
        account=dataclasses.replace(LATE.account, carrier="AT&T <Prepaid>"),
        charges=(charge,),
    )
    text = letter_text(render_letter(case, kind, language, TODAY))
    assert "AT&T <Prepaid>" in text
    if kind in ("dispute", "complaint", "card-dispute"):
        assert 'Plan <"Unlimited"> & more' in text
    assert "&amp;" not in text and "&lt;" not in text


@pytest.mark.parametrize(("kind", "language"), PAIRS)
def test_one_charge_reads_in_the_singular(kind: str, language: str) -> None:
    no_relief = dataclasses.replace(LATE.complaint, relief=None)
    case = dataclasses.replace(LATE, charges=LATE.charges[:1], complaint=no_relief)
    text = letter_text(render_letter(case, kind, language, TODAY))
    for event in case.events:  # the holder's own words may say anything
        text = text.replace(event.summary, "")
    if language == "en":
        assert not re.search(r"(these|the|disputed) charges|Total", text)
    else:
        assert not re.search("合计|合計|各笔|各筆|两笔|兩筆", text)


# --- the early-stage sample: kinds that need data it does not have ------------------------------


@pytest.mark.parametrize(
    ("kind", "language"),
    [pair for pair in PAIRS if pair[0] in ("request", "refund", "complaint", "complaint-ag")],
)
def test_early_case_writes_the_kinds_it_has_data_for(kind: str, language: str) -> None:
    letter = render_letter(EARLY, kind, language, TODAY)
    fidelity.check_fidelity(letter_text(letter), fidelity.required_values(letter), kind)
    assert {"account.carrier", "account.number"} <= fidelity.required_values(letter).keys()


@pytest.mark.parametrize("language", ["en"])
def test_card_dispute_needs_a_card(language: str) -> None:
    with pytest.raises(InputError) as caught:
        render_letter(EARLY, "card-dispute", language, TODAY)
    assert caught.value.message == (
        "card-dispute: needs [card] — the card the carrier charged: issuer (its bank) and last4 "
        "(its last four digits)"
    )
    assert caught.value.fields.keys() == {"card"}


def test_dispute_needs_charges() -> None:
    with pytest.raises((InputError, RenderError), match=r"charges"):
        render_letter(EARLY, "dispute", "en", TODAY)


def test_card_dispute_needs_charges() -> None:
    case = dataclasses.replace(LATE, charges=())
    with pytest.raises((InputError, RenderError), match=r"charges"):
        render_letter(case, "card-dispute", "en", TODAY)


def test_card_dispute_needs_the_statement_date_of_a_charge() -> None:
    case = dataclasses.replace(
        LATE, charges=tuple(dataclasses.replace(c, statement_date=None) for c in LATE.charges)
    )
    with pytest.raises((InputError, RenderError), match=r"statement_date"):
        render_letter(case, "card-dispute", "en", TODAY)


def test_a_charge_on_no_statement_yet_does_not_hold_back_the_card_dispute_of_the_others() -> None:
    # The second charge is too recent for a statement: the first is disputed meanwhile.
    first, second = LATE.charges
    case = dataclasses.replace(
        LATE, charges=(first, dataclasses.replace(second, statement_date=None))
    )
    text = " ".join(letter_text(render_letter(case, "card-dispute", "en", TODAY)).split())
    assert format_money(first.amount, "USD", "en") in text
    assert second.description not in text


@pytest.mark.parametrize("kind", sorted(content.CITE_CHARGES))
def test_a_charge_before_the_closing_is_never_said_to_come_after_it(kind: str) -> None:
    # Every letter citing charges says they came after the closing day: one dated before it
    # is left out (the command says so), and one of that very day stays in.
    closed = LATE.status.closed_on
    assert closed is not None
    early = dataclasses.replace(LATE.charges[0], date=date(2026, 10, 27), amount=Decimal("7.77"))
    same_day = dataclasses.replace(LATE.charges[1], date=closed)
    case = dataclasses.replace(LATE, charges=(early, same_day))
    assert content.disputed_charges(case) == (same_day,)
    text = letter_text(render_letter(case, kind, "en", TODAY))
    assert "7.77" not in text and "October 27" not in text
    assert "$9.99" in text


def test_a_request_cites_as_asked_before_only_what_came_before_it() -> None:
    # Not its own mailing, nor the contacts since, which a follow-up recites.
    sent = LATE.request_sent_on
    assert sent is not None
    text = letter_text(render_letter(LATE, "request", "en", TODAY))
    cited = text.split("I have asked for this before:")[1].split("Please confirm")[0]
    assert [e.reference for e in LATE.events] == [
        "CS-12345", "CHAT-77810", None, "CHAT-80122", "CS-20417"
    ]  # fmt: skip
    assert LATE.events[2].certified_mail and LATE.events[2].day(LATE.tz) == sent
    assert "CS-12345" in cited and "CHAT-77810" in cited
    assert "CHAT-80122" not in cited and "CS-20417" not in cited
    assert "Certified Mail" not in cited


def test_no_follow_up_once_the_closure_is_confirmed() -> None:
    # It would ask again to close the account and to confirm it: what is left has letters of
    # its own (the disputes, the refund).
    status = dataclasses.replace(LATE.status, confirmation_received=date(2026, 12, 3))
    with pytest.raises(InputError) as caught:
        render_letter(dataclasses.replace(LATE, status=status), "follow-up", "en", TODAY)
    assert list(caught.value.fields) == ["status.confirmation_received"]
    assert "--kind dispute" in caught.value.message and "--kind refund" in caught.value.message


def test_refund_needs_a_balance() -> None:
    case = dataclasses.replace(EARLY, account=dataclasses.replace(EARLY.account, balance=None))
    with pytest.raises((InputError, RenderError), match=r"balance"):
        render_letter(case, "refund", "en", TODAY)


def test_refund_by_check_needs_the_holders_address() -> None:
    case = dataclasses.replace(
        LATE, holder=dataclasses.replace(LATE.holder, address=None),
        account=dataclasses.replace(LATE.account, refund_to="check"),
    )  # fmt: skip
    with pytest.raises((InputError, RenderError), match=r"holder\.address"):
        render_letter(case, "refund", "en", TODAY)


# --- the Chinese companion sheet for an English letter -------------------------------------------


def render_explain(case: Case, letter_kind: str, language: str) -> tuple[str, str, list[str]]:
    """Render explain.<language>.j2 the way render_letter does, with `letter_kind` added."""
    env = templating.environment(templating.search_path(None), content.filters(case, language))
    variables = {
        **content.context(case, letter_kind, language, TODAY),
        "kind": "explain",
        "letter_kind": letter_kind,
        "app": False,
    }
    rendered = templating.render_blocks(env, f"letters/explain.{language}.j2", variables)
    blocks = {name: block.text for name, block in rendered.items()}
    paragraphs = [joined(chunk) for chunk in re.split(r"\n\s*\n", blocks["body"])]
    return joined(blocks["subject"]), joined(blocks["title"]), [p for p in paragraphs if p]


def joined(text: str) -> str:
    return cjk.join_lines([line.strip() for line in text.splitlines() if line.strip()])


def unwrapped(text: str) -> str:
    """Undo the line and page breaks of extracted text: no page numbers, and Chinese lines
    joined without a space."""
    text = re.sub(r"^(Page \d+ of \d+|第 \d+ [页頁]，共 \d+ [页頁])$", "", text, flags=re.M)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    result = lines[0] if lines else ""
    for line in lines[1:]:
        wide = _wide(result[-1]) or _wide(line[0])
        result += ("" if wide else " ") + line
    return result


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def covered(paragraphs: list[str]) -> list[int]:
    """Return the English paragraph numbers the sheet explains, in order."""
    numbers: list[int] = []
    for paragraph in paragraphs:
        if label := re.match(r"第(\d+)(?:至(\d+))?段：", paragraph):
            first = int(label.group(1))
            numbers += range(first, int(label.group(2) or first) + 1)
    return numbers


@pytest.mark.parametrize("language", ["zh-CN", "zh-TW"])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "case", [LATE, LATE_CASES["zh-TW"], EARLY], ids=["late", "late-zh-TW", "early"]
)
def test_explain_follows_the_english_letter_paragraph_by_paragraph(
    case: Case, kind: str, language: str
) -> None:
    try:
        english: Letter = render_letter(case, kind, "en", TODAY)
    except InputError:
        pytest.skip("the English letter needs data this case lacks")
    _, _, paragraphs = render_explain(case, kind, language)
    assert covered(paragraphs) == list(range(1, len(english.paragraphs) + 1))


@pytest.mark.parametrize("language", ["zh-CN", "zh-TW"])
def test_explain_for_a_request_glosses_the_terms_and_says_what_comes_next(language: str) -> None:
    subject, title, paragraphs = render_explain(EARLY, "request", language)
    assert subject.startswith("中文说明" if language == "zh-CN" else "中文說明")
    assert title and subject != title
    text = "\n".join(paragraphs)
    terms = {
        "zh-CN": ["注销账户（account closure", "携号转出（port-out", "余额（remaining balance",
                  "挂号信（certified mail）", "回执（return receipt）", "账单争议（billing dispute",
                  "美国联邦通信委员会（FCC"],
        "zh-TW": ["終止帳戶（account closure", "攜碼轉出（port-out", "餘額（remaining balance",
                  "掛號信（certified mail）", "回執（return receipt）", "帳單爭議（billing dispute",
                  "美國聯邦通訊委員會（FCC"],
    }[language]  # fmt: skip
    for term in terms:
        assert term in text
    assert "20" in text and "letters log case-en.toml" in text
    assert "letters letter case-en.toml --kind follow-up" in text
    assert day(date(2027, 1, 7), language) in text  # the answer's day: 14 days on
    assert EARLY.recipient.name in text


@pytest.mark.parametrize("language", ["zh-CN", "zh-TW"])
def test_explain_without_letter_kind_explains_the_request(language: str) -> None:
    env = templating.environment(templating.search_path(None), content.filters(EARLY, language))
    variables = content.context(EARLY, "explain", language, TODAY)
    template = env.get_template(f"letters/explain.{language}.j2")
    text = template.render(variables)
    assert ("账户注销申请信" if language == "zh-CN" else "帳戶終止申請信") in text


@pytest.mark.parametrize("language", ["zh-CN", "zh-TW"])
def test_explain_for_a_complaint_warns_about_identity_numbers(language: str) -> None:
    _, _, paragraphs = render_explain(LATE, "complaint", language)
    text = "\n".join(paragraphs)
    assert ("社会安全号码" if language == "zh-CN" else "社會安全號碼") in text
    assert "consumercomplaints.fcc.gov" in text


@pytest.mark.parametrize("language", ["zh-CN", "zh-TW"])
def test_explain_for_a_refund_by_check_gives_the_whole_address(language: str) -> None:
    account = dataclasses.replace(LATE.account, refund_to="check")
    by_check = dataclasses.replace(LATE, account=account)
    _, _, paragraphs = render_explain(by_check, "refund", language)
    address = LATE.holder.address
    assert address is not None
    assert f"{address.city}, {address.region} {address.postal_code}）" in "\n".join(paragraphs)


@pytest.mark.parametrize(("kind", "language"), PAIRS)
def test_every_kind_lays_out_on_paper(kind: str, language: str) -> None:
    """The timeline's names, dates and references, read back from the PDF and the DOCX."""
    import io

    import pypdf
    from docx import Document

    from letters.render import docx, pdf

    letter = render_letter(LATE, kind, language, TODAY)
    reader = pypdf.PdfReader(io.BytesIO(pdf.render_pdf(letter, envelope=None).data))
    printed = unwrapped("\n".join(page.extract_text() for page in reader.pages))
    document = Document(io.BytesIO(docx.render_docx(letter)))
    # Read as a reader does: a no-break space as a space, no word joiners.
    body = "\n".join(paragraph.text for paragraph in document.paragraphs)
    written = unwrapped(body.translate(docx.READ_AS))
    for text, medium in ((printed, "pdf"), (written, "docx")):
        missing = [value for value in expected(LATE, kind, language) if value not in text]
        assert not missing, f"{kind}.{language}.{medium} lacks {missing}"


# --- who reads what: the law that fits the card, English for readers of English ---------------


def with_card_type(case: Case, kind: str | None) -> Case:
    assert case.card is not None
    return dataclasses.replace(case, card=dataclasses.replace(case.card, type=kind))


def test_a_credit_card_dispute_cites_the_fair_credit_billing_act() -> None:
    letter = render_letter(with_card_type(LATE, "credit"), "card-dispute", "en", TODAY)
    text = letter_text(letter)
    assert letter.subject == "Billing error dispute: card ending in 4821"
    assert "Fair Credit Billing Act" in text and "two billing cycles" in text
    assert "Regulation E" not in text and "1005" not in text
    assert (
        "You sent the first statement that showed these charges on December 15, 2026. This "
        "notice must reach you within 60 days after that date, and I am sending it on "
        "December 24, 2026." in text
    )
    assert "Please credit the disputed charges back to my account" in text


@pytest.mark.parametrize("kind", ["debit", "prepaid", "bank-account"])
def test_a_debit_prepaid_or_bank_dispute_is_a_regulation_e_notice_that_revokes_authorization(
    kind: str,
) -> None:
    letter = render_letter(with_card_type(LATE, kind), "card-dispute", "en", TODAY)
    text = letter_text(letter)
    assert letter.subject.startswith("Notice of error under Regulation E: ")
    assert "Fair Credit Billing Act" not in text and "billing cycles" not in text
    assert "12 CFR 1005.11" in text and "12 CFR 1005.10(c)" in text
    assert (
        "you must determine whether an error occurred within 10 business days of receiving this "
        "notice. If you need longer, you may take up to 45 days (90 days for a new account, a "
        "point-of-sale or a foreign-initiated transfer) if you provisionally credit my account "
        "within 10 business days (20 business days for a new account). You must report the "
        "results to me within 3 business days after completing your investigation." in text
    )
    assert "tell me the result within 10 business days" not in text  # the law does not say so
    assert "I have revoked Example Mobile's authorization to take payments" in text
    assert "must reach you within 60 days after that date" in text
    named = "account ending in 4821" if kind == "bank-account" else "card ending in 4821"
    assert named in letter.subject


def test_a_card_dispute_for_an_unknown_card_type_asks_which_it_is() -> None:
    with pytest.raises(InputError) as caught:
        render_letter(with_card_type(LATE, None), "card-dispute", "en", TODAY)
    message = caught.value.message
    assert message.startswith("card-dispute: needs card.type — how did the carrier charge you?")
    for word in ('"credit"', '"debit"', '"prepaid"', '"bank-account"'):
        assert word in message


@pytest.mark.parametrize("kind", ["card-dispute", "complaint", "complaint-ag"])
@pytest.mark.parametrize("language", ["zh-CN", "zh-TW"])
def test_letters_to_readers_of_english_are_never_written_in_chinese(
    kind: str, language: str
) -> None:
    with pytest.raises(InputError) as caught:
        render_letter(LATE_CASES[language], kind, language, TODAY)
    assert caught.value.message == (
        f"--lang {language}: the {kind} letter goes to readers of English only — drop --lang; "
        "the companion sheet in your language explains the English letter"
    )


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("sample", LANGUAGES)
def test_every_kind_goes_out_in_english_by_default_whatever_the_holder_reads(
    kind: str, sample: str
) -> None:
    letter = render_letter(LATE_CASES[sample], kind, None, TODAY)
    assert letter.language == "en"
    assert letter.closing == (() if kind == "complaint" else ("Sincerely,",))


def test_a_carrier_that_reads_chinese_gets_chinese_by_the_case_files_choice() -> None:
    case = LATE_CASES["zh-CN"]
    case = dataclasses.replace(
        case, recipient=dataclasses.replace(case.recipient, language="zh-CN")
    )
    assert render_letter(case, "request", None, TODAY).language == "zh-CN"
    assert content.check_language(case, "request", "zh-CN") is None
    assert render_letter(case, "complaint", None, TODAY).language == "en"


# Who runs the 60 days and the investigation: the card issuer for any card, the bank for a bank
# account — never "the bank" for a credit card.
ISSUER = {"zh-CN": ("发卡机构", "银行"), "zh-TW": ("發卡機構", "銀行")}


@pytest.mark.parametrize("kind", ["credit", "debit", "prepaid", "bank-account"])
@pytest.mark.parametrize("language", ["zh-CN", "zh-TW"])
def test_the_sheet_names_who_receives_the_card_dispute_by_the_type_of_card(
    kind: str, language: str
) -> None:
    case = with_card_type(LATE_CASES[language], kind)
    sheet = letter_text(render_letter(case, "explain", language, TODAY, explaining="card-dispute"))
    issuer, bank = ISSUER[language]
    right, wrong = (bank, issuer) if kind == "bank-account" else (issuer, bank)
    window = {
        "zh-CN": "说明{}寄出首次列出这笔扣款的账单的日期，这封信必须在该日之后60天内送达",
        "zh-TW": "說明{}寄出首次列出這筆扣款之帳單的日期、這封信必須在該日之後60日內送達",
    }
    assert window[language].format(right) in sheet
    assert wrong not in sheet
    # The last day itself, as the guide gives it: the 60 days from the first statement.
    first = min(c.statement_date for c in content.cited_charges(case, "card-dispute"))
    last = day(first + timedelta(days=60), language)
    assert {"zh-CN": f"最晚{last}要送到", "zh-TW": f"最晚{last}要送達"}[language] in sheet
    # Where to go when the issuer or bank does not keep to its days.
    assert "（CFPB）" in sheet and "consumerfinance.gov/complaint" in sheet
    if kind != "credit":
        said = {
            "zh-CN": ("须在收到通知后10个工作日内查明是否有错误", "新开账户为20个工作日",
                      "调查结束后3个工作日内"),
            "zh-TW": ("須在收到通知後10個營業日內查明是否有錯誤", "新開帳戶為20個營業日",
                      "調查結束後3個營業日內"),
        }[language]  # fmt: skip
        assert f"{right}{said[0]}" in sheet
        assert said[1] in sheet and said[2] in sheet


@pytest.mark.parametrize("kind", ["credit", "debit"])
@pytest.mark.parametrize("language", ["zh-CN", "zh-TW"])
def test_a_card_dispute_past_its_last_day_asks_and_claims_no_protection(
    kind: str, language: str
) -> None:
    case = with_card_type(LATE_CASES[language], kind)
    last = max(filter(None, map(content.card_dispute_by, case.charges)))
    claims = ("Fair Credit Billing Act", "withhold payment", "1005.11", "Regulation E:")
    sheet_claims = {
        "zh-CN": ("暂不支付争议金额", "须在收到通知后10个工作日内"),
        "zh-TW": ("暫不繳納爭議金額", "須在收到通知後10個營業日內"),
    }[language]
    missed = {
        "zh-CN": f"期限已于{day(last, language)}过去",
        "zh-TW": f"期限已於{day(last, language)}過去",
    }

    def texts(today: date) -> tuple[str, str]:
        letter = render_letter(case, "card-dispute", "en", today)
        sheet = render_letter(case, "explain", language, today, explaining="card-dispute")
        return f"{letter.subject}\n{letter_text(letter)}", letter_text(sheet)

    letter, sheet = texts(last)  # the last day: still in time, and said so
    assert "must reach you within 60 days" in letter
    assert any(claim in letter for claim in claims)
    assert missed[language] not in sheet
    letter, sheet = texts(last + timedelta(days=1))
    assert not any(claim in letter for claim in claims), letter
    # Past the 60 days the billing-error procedure is gone, not every protection: the sheet
    # names the law that still limits what the holder owes for a charge not authorized.
    rule = "12 CFR 1026.12(b)" if kind == "credit" else "12 CFR 1005.6"
    assert rule in sheet
    assert "must reach you within 60 days" not in letter
    assert "back to my account" in letter  # it still asks
    assert not any(claim in sheet for claim in sheet_claims), sheet
    assert missed[language] in sheet
    if kind == "debit":  # the revocation of future payments holds whenever it is sent
        assert "12 CFR 1005.10(c)" in letter and "1005.10(c)" in sheet


@pytest.mark.parametrize("kind", ["dispute", "follow-up"])
@pytest.mark.parametrize("language", ["zh-CN", "zh-TW"])
def test_the_sheet_says_not_to_wait_for_the_carrier_when_the_card_dispute_is_due_first(
    kind: str, language: str
) -> None:
    case = LATE_CASES[language]
    last = min(filter(None, map(content.card_dispute_by, case.charges)))
    urgent = {"zh-CN": f"争议信必须在{day(last, language)}之前送达",
              "zh-TW": f"爭議信必須在{day(last, language)}之前送達"}[language]  # fmt: skip
    for today, said in ((last - timedelta(days=30), False), (last - timedelta(days=5), True)):
        sheet = letter_text(render_letter(case, "explain", language, today, explaining=kind))
        assert (urgent in sheet) is said, (today, sheet)
        assert ("--kind card-dispute" in sheet) is (said or kind == "dispute")


@pytest.mark.parametrize("kind", ["complaint", "complaint-ag", "dispute"])
def test_a_certified_mail_number_is_cited_as_sent_only_once_the_request_is(kind: str) -> None:
    # The sample not yet sent has the number of the receipt it will be mailed with.
    assert EARLY.delivery.certified_mail and EARLY.request_sent_on is None
    case = dataclasses.replace(EARLY, charges=LATE.charges)
    text = " ".join(letter_text(render_letter(case, kind, "en", TODAY)).split())
    assert "Certified Mail" not in text
    sent = dataclasses.replace(
        case, status=dataclasses.replace(EARLY.status, request_sent=date(2026, 11, 24))
    )
    text = " ".join(letter_text(render_letter(sent, kind, "en", TODAY)).split())
    assert f"Certified Mail No. {EARLY.delivery.certified_mail}" in text


@pytest.mark.parametrize(
    ("confirmed", "order"),
    [(None, "RSF"), (date(2026, 12, 10), "RCSF"), (date(2026, 12, 20), "RSCF")],
)
def test_the_attorney_general_gets_the_enclosures_oldest_first_as_the_letter_says(
    confirmed: date | None, order: str
) -> None:
    # Request and receipt of November 24, statement of December 15, the FCC complaint today.
    case = dataclasses.replace(
        LATE, status=dataclasses.replace(LATE.status, confirmation_received=confirmed)
    )
    letter = render_letter(case, "complaint-ag", "en", TODAY)
    assert "arranged by date with the oldest first" in " ".join(letter_text(letter).split())
    initials = {"request": "R", "receipt": "R", "statement": "S", "confirmation": "C",
                "complaint": "F"}  # fmt: skip
    found = [initials[word] for line in letter.enclosures for word in initials if word in line]
    assert "".join(dict.fromkeys(found)) == order  # each kind once, in this order


@pytest.mark.parametrize("kind", ["credit", "debit"])
def test_a_charge_past_its_days_is_asked_for_apart_from_the_dispute_of_the_others(
    kind: str,
) -> None:
    # The $45.00 was on the December statement, the $9.99 on January's: by February 20 only
    # the $9.99 is in time, and only it may be withheld while the issuer investigates.
    first, second = LATE.charges
    later = dataclasses.replace(second, date=date(2027, 1, 5), statement_date=date(2027, 1, 15))
    case = with_card_type(dataclasses.replace(LATE, charges=(first, later)), kind)
    today = date(2027, 2, 20)
    assert content.late_card_charges(case, today) == (first,)
    letter = render_letter(case, "card-dispute", "en", today)
    paragraphs = [" ".join(p.split()) for p in letter.paragraphs]
    text = "\n".join(paragraphs)
    assert "in the amount of $9.99" in text and "$54.99" not in text
    asked = paragraphs.index(next(p for p in paragraphs if p.startswith("I also ask you")))
    assert (
        "$45.00" in paragraphs[asked + 1]
        and "statement of December 15, 2026" in paragraphs[asked + 1]
    )
    assert paragraphs[asked + 2].startswith("More than 60 days have passed since that statement")
    assert all("$45.00" not in p for p in paragraphs[:asked])
    assert "first statement that showed this" in text and "January 15, 2027" in text
    # Both statements are enclosed; and the sheet says the late one is paid on time meanwhile.
    errors = "charges" if kind == "credit" else "transfers"
    assert [e for e in letter.enclosures if "statement" in e] == [
        f"Copy of my statement of {d}, with the disputed {errors} marked"
        for d in ("December 15, 2026", "January 15, 2027")
    ]
    sheet = letter_text(render_letter(case, "explain", "zh-CN", today, explaining="card-dispute"))
    assert "这1笔请按时付款" in "".join(sheet.split())
    # Before the first's days are past, both are disputed, each with its own statement.
    both = render_letter(case, "card-dispute", "en", date(2027, 1, 20))
    text = " ".join(letter_text(both).split())
    assert "$54.99" in text and "I also ask you" not in text
    assert "The first of your statements that showed these" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_charge_on_the_closing_day_is_said_to_be_on_or_after_it(language: str) -> None:
    # The letters dispute a charge made on the day the account closed too: "after" that day
    # would be untrue of it, and the carrier could simply point to the dates.
    first, second = LATE.charges
    assert LATE.status.closed_on == date(2026, 12, 1)
    case = dataclasses.replace(
        LATE, charges=(dataclasses.replace(first, date=date(2026, 12, 1)), second)
    )
    words = {"en": "on or after the account was closed", "zh-CN": "注销当天及之后",
             "zh-TW": "終止當日及之後"}[language]  # fmt: skip
    text = " ".join(letter_text(render_letter(case, "dispute", language, TODAY)).split())
    assert words in text
    assert words not in " ".join(
        letter_text(render_letter(LATE, "dispute", language, TODAY)).split()
    )
    if language == "en":
        for kind in ("follow-up", "complaint", "complaint-ag", "card-dispute"):
            text = " ".join(letter_text(render_letter(case, kind, "en", TODAY)).split())
            assert "on or after" in text.lower(), kind


@pytest.mark.parametrize("language", ["zh-CN", "zh-TW"])
def test_the_request_sheet_says_what_to_do_before_mailing(language: str) -> None:
    # The holder's own document for the request: the steps that cannot wait until after it.
    case = LATE_CASES[language]
    before, port, codes = {
        "zh-CN": ("【寄出之前】", "先请新运营商把号码转过去", "登录验证码"),
        "zh-TW": ("【寄出之前】", "先請新的電信業者把門號轉過去", "登入驗證碼"),
    }[language]

    def sheet(keep: bool | None) -> str:
        checklist = dataclasses.replace(case.checklist, keep_number=keep)
        kept = dataclasses.replace(case, checklist=checklist)
        return letter_text(render_letter(kept, "explain", language, TODAY, explaining="request"))

    assert before in sheet(None) and port in sheet(None) and codes in sheet(None)
    assert port in sheet(True) and port not in sheet(False) and codes in sheet(False)
    follow_up = render_letter(case, "explain", language, TODAY, explaining="follow-up")
    assert before not in letter_text(follow_up)


@pytest.mark.parametrize(("language", "mailed"), [("zh-CN", "寄信给"), ("zh-TW", "致函")])
def test_a_letter_mailed_is_told_as_mailed_not_as_a_conversation(
    language: str, mailed: str
) -> None:
    case = LATE_CASES[language]
    (event,) = [e for e in case.events if e.channel == "mail" and e.party]
    text = "".join(letter_text(render_letter(case, "dispute", language, TODAY)).split())
    assert f"{mailed}{''.join(event.party.split())}（" in text
    assert "邮寄信件与" not in text and "郵寄信函與" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_letters_written_after_the_fcc_complaint_say_it_was_filed(language: str) -> None:
    # Once filed, the letters still said "I will file a complaint with the FCC", and the one
    # to the attorney general "I am also filing" it.
    filed = LATE_CASES[language]
    filed = dataclasses.replace(
        filed, status=dataclasses.replace(filed.status, complaint_filed=date(2026, 12, 10))
    )
    day = format_date(date(2026, 12, 10), language)
    for kind in ("dispute", "follow-up"):
        text = " ".join(letter_text(render_letter(filed, kind, language, TODAY)).split())
        assert day in text and ("FCC" in text or "Communications Commission" in text), kind
        before = " ".join(
            letter_text(render_letter(LATE_CASES[language], kind, language, TODAY)).split()
        )
        assert day not in before
    if language == "en":
        text = " ".join(letter_text(render_letter(filed, "complaint-ag", "en", TODAY)).split())
        assert (
            "I filed an informal complaint with the Federal Communications Commission on "
            "December 10, 2026; Example Mobile was to answer it in writing within 30 days."
        ) in text
        assert "I am also filing" not in text
