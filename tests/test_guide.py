"""`letters guide`: the checklist and the next step at each stage, with dates; deadlines as .ics."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from letters.case import load_case
from letters.guide import plan
from tests.conftest import SAMPLE_CASE, SAMPLES, run
from tests.letter_fixtures import pdf_text

SENT = "\n[status]\nrequest_sent = 2026-11-24\n"
CREDIT_CARD = '\n[card]\nissuer = "Example Bank"\nlast4 = "4242"\ntype = "credit"\n'
CLOSED = """
[status]
request_sent = 2026-11-24
confirmation_received = 2026-12-02
closed_on = 2026-12-01

[[charges]]
date = 2026-11-15
amount = "30.00"
description = "November plan"

[[charges]]
date = 2026-12-05
amount = "30.00"
description = "December plan"
statement_date = 2026-12-15

[[charges]]
date = 2026-12-06
amount = "4.99"
description = "Data add-on"

[[charges]]
date = 2026-12-02
amount = "1.50"
description = "Fee"
statement_date = 2026-12-02
"""


def guide(path: Path, day: str, *args: str) -> str:
    result = run("guide", path, "--date", day, *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def steps(stdout: str) -> list[str]:
    return stdout.split("Next steps\n", 1)[1].splitlines()


def test_before_the_request(case_file) -> None:
    path = case_file()
    assert guide(path, "2026-11-24") == (
        "Not sent yet: get ready, then send the closure request.\n"
        "\n"
        "Checklist\n"
        "  [ ] Keeping the number? Port it to the new carrier first, with the number transfer "
        "PIN this carrier gives you (lift any number lock first: it stops your own port too). "
        "Closing the account releases the number for good.\n"
        "  [ ] Not keeping the number? Ask for a number lock, so nobody else moves it while the "
        "account is being closed.\n"
        "  [ ] Back up what the account holds: call and message history, statements.\n"
        "  [ ] Move every login code sent to this number (bank, payment apps, WeChat, Alipay, "
        "Apple ID, email recovery) to another number.\n"
        "  [ ] Remove autopay and saved cards from the account.\n"
        "  [ ] Use the remaining balance of $12.50, or ask for a refund: prepaid balances are "
        "usually forfeited, postpaid credit is usually refunded (some carriers quote about 60 "
        "days).\n"
        "  [ ] Send the closure request and keep proof of sending.\n"
        "  [ ] Get written confirmation that the account is closed.\n"
        "  [ ] Delete the eSIM profile from the phone, only after the closure is confirmed.\n"
        "\n"
        "Next steps\n"
        "  1. Finish the open items of the checklist, then send the closure request — the "
        f"email, the letter and the evidence, in one folder: letters kit {path}\n"
        "  2. You ask for the account to close on December 1, 2026 (7 days left): send the "
        "request well before then.\n"
        "  3. Once the letter is mailed by Certified Mail, record it with the number on the "
        "receipt (sent another way, write the date in the case file under [status]: "
        f"request_sent = 2026-11-24): letters log {path} mailed --certified-mail NUMBER\n"
        "  4. Mark what is done under [checklist] in the case file, like: backed_up = true\n"
    )


def test_a_closing_date_already_past_is_pointed_out(case_file, tmp_path: Path) -> None:
    # Last year's date, typed around New Year: the guide and the letter both say so.
    path = case_file(SAMPLE_CASE.replace("close_on = 2026-12-01", "close_on = 2025-12-01"))
    assert steps(guide(path, "2026-11-30"))[1] == (
        "  2. The closing date you ask for, December 1, 2025, has passed: write a later one as "
        "close_on under [account] in the case file, or remove it, and the letter asks for the "
        "account to close when it arrives."
    )
    result = run("letter", path, "-o", tmp_path, "--format", "pdf", "--date", "2026-11-30")
    assert result.exit_code == 0, result.stderr
    assert (
        "Warning: the letter asks for the account to close on December 1, 2025, a day already "
        "past — write a later close_on under [account] in the case file, or remove it"
    ) in result.stdout


def test_a_new_request_after_the_confirmation_is_pointed_out(case_file, tmp_path: Path) -> None:
    path = case_file(SAMPLE_CASE + CLOSED)
    result = run("email", path, "-o", tmp_path, "--date", "2027-01-10")
    assert result.exit_code == 0, result.stderr
    assert (
        "Warning: the closure was confirmed on December 2, 2026: a new closure request is not "
        "needed — letters guide says what is left to do"
    ) in result.stdout


def test_a_letter_dated_before_a_day_the_case_records_is_pointed_out(
    case_file, tmp_path: Path
) -> None:
    # request_sent typed 2026-12-25 for 2026-10-25: the letter of Nov 30 would say it followed it.
    path = case_file(SAMPLE_CASE + SENT.replace("2026-11-24", "2026-12-25"))
    result = run("letter", path, "--kind", "follow-up", "-o", tmp_path, "--date", "2026-11-30")
    assert result.exit_code == 0, result.stderr
    assert (
        "Warning: the letter is dated November 30, 2026, before December 25, 2026, a day the "
        "case file records — check the date (--date) and the dates in the case file"
    ) in result.stdout
    fine = run("letter", path, "--kind", "follow-up", "-o", tmp_path / "b", "--date", "2027-01-10")
    assert fine.exit_code == 0 and "Warning" not in fine.stdout


@pytest.mark.parametrize(
    ("status", "kind", "day", "warning"),
    [
        ("", "complaint", "2026-11-24", "Warning: the closure request is not sent yet: this "
         "letter tells of a request the carrier did not act on — send the request first, and "
         "record the day it was sent"),
        (SENT, "follow-up", "2026-12-10", "Warning: the answer to the closure request is due on "
         "December 15, 2026: this letter says the carrier has not answered — send it after that "
         "day"),
        (SENT, "complaint", "2026-12-15", "Warning: the answer to the closure request is due on "
         "December 15, 2026"),
        (SENT, "follow-up", "2026-12-16", None),
        (SENT + "closed_on = 2026-12-01\n", "complaint", "2026-12-10", None),
    ],
)  # fmt: skip
def test_a_letter_about_an_unanswered_request_is_not_written_early_unwarned(
    case_file, tmp_path: Path, status: str, kind: str, day: str, warning: str | None
) -> None:
    path = case_file(SAMPLE_CASE + status)
    result = run("letter", path, "--kind", kind, "-o", tmp_path, "--date", day)
    assert result.exit_code == 0, result.stderr
    if warning:
        assert warning in result.stdout
    else:
        assert "Warning: the closure request" not in result.stdout
        assert "Warning: the answer" not in result.stdout


def test_a_request_sent_by_email_only_is_recorded_by_its_day(case_file) -> None:
    path = case_file(SAMPLE_CASE.replace("[delivery]", '[delivery]\nmethod = "email"', 1))
    stdout = guide(path, "2026-11-24")
    assert "Certified Mail" not in "\n".join(steps(stdout))
    assert steps(stdout)[2] == (
        "  3. Once the email is sent from your mail program, write the date in the case file "
        "under [status]: request_sent = 2026-11-24 (sent with letters send, it is recorded by "
        "itself)"
    )


def test_after_a_confirmation_the_closing_day_is_the_one_asked_for(case_file) -> None:
    # Confirmed on November 29 for the closing day asked for, December 1: charges up to
    # that day are the plan's, not ones to dispute.
    text = (
        SAMPLE_CASE + "\n[status]\nrequest_sent = 2026-11-24\nconfirmation_received = 2026-11-29\n"
    )
    stdout = guide(case_file(text), "2026-11-30")
    assert "nothing should be charged after December 1, 2026." in stdout


def test_checklist_follows_the_case(case_file) -> None:
    path = case_file(
        SAMPLE_CASE.replace('balance = "12.50"', 'balance = "0.00"')
        + "\n[checklist]\nkeep_number = false\nnumber_locked = true\nbacked_up = true\n"
    )
    stdout = guide(path, "2026-11-24")
    assert "Keeping the number?" not in stdout  # not keeping it: nothing to port
    assert "remaining balance" not in stdout  # nothing left to use or refund
    assert "  [x] Not keeping the number? Ask for a number lock" in stdout
    assert "  [x] Back up what the account holds" in stdout
    assert "  [ ] Remove autopay" in stdout


def test_the_checklist_asks_only_what_still_applies(case_file) -> None:
    # Keeping the number: the port (with its transfer PIN) is the step, and a lock would stop
    # it. Once the closure is confirmed, the number is gone and the balance can only be
    # refunded.
    keeping = guide(case_file(SAMPLE_CASE + "\n[checklist]\nkeep_number = true\n"), "2026-11-24")
    assert "number transfer PIN" in keeping and "Ask for a number lock" not in keeping
    assert "Use the remaining balance of $12.50" in keeping
    closed = guide(case_file(SAMPLE_CASE + CLOSED), "2026-12-03")
    assert "number lock" not in closed
    assert "Use the remaining balance" not in closed
    assert "  [ ] Ask for a refund of the remaining balance of $12.50" in closed


def test_waiting_for_the_answer(case_file) -> None:
    path = case_file(SAMPLE_CASE + SENT)
    stdout = guide(path, "2026-11-30")
    assert stdout.startswith("Request sent: waiting for the carrier's answer.\n")
    assert "  [x] Send the closure request and keep proof of sending.\n" in stdout
    assert steps(stdout) == [
        "  1. You sent the request on November 24, 2026. Expect an answer by December 15, 2026 "
        "(15 days left).",
        f"  2. Record every call, chat and letter: letters log {path} add --channel phone "
        "--summary '…'",
        "  3. When the closure is confirmed, write the date in the case file under [status]: "
        "confirmation_received = YYYY-MM-DD",
    ]
    assert "(today)" in guide(path, "2026-12-15")


def test_response_days_set_the_answer_date(case_file) -> None:
    # The request of November 24 asks for the account to close on December 1: the carrier
    # has its days from then, as a closure cannot be confirmed before it takes effect.
    case = load_case(case_file(SAMPLE_CASE + SENT))
    assert plan(case, date(2026, 11, 30)).steps[0].due == date(2026, 12, 15)  # 14 by default
    text = SAMPLE_CASE.replace('language = "en"', 'language = "en"\nresponse_days = 30')
    case = load_case(case_file(text + SENT, name="thirty.toml"))
    assert plan(case, date(2026, 11, 30)).steps[0].due == date(2026, 12, 31)
    # Without a closing day, or with one already past, from the request itself.
    for close_on in ("", "close_on = 2026-11-20\n"):
        text = re.sub(r"^close_on = .*\n", close_on, SAMPLE_CASE, flags=re.MULTILINE)
        case = load_case(case_file(text + SENT, name="soon.toml"))
        assert plan(case, date(2026, 11, 30)).steps[0].due == date(2026, 12, 8)


def test_the_answer_is_late(case_file) -> None:
    path = case_file(SAMPLE_CASE + SENT)
    stdout = guide(path, "2026-12-17")
    assert stdout.startswith("Request sent, and the answer is late.\n")
    assert steps(stdout)[:4] == [
        "  1. The answer was due on December 15, 2026 (2 days ago): send a follow-up: "
        f"letters letter {path} --kind follow-up",
        "  2. Once the follow-up is mailed, record it with the number on the receipt: "
        f"letters log {path} mailed --certified-mail NUMBER --follow-up (sent with letters send, "
        "it is recorded by itself)",
        "  3. If the carrier still does not answer, file an FCC complaint: "
        f"letters letter {path} --kind complaint — the carrier must answer it in writing "
        "within 30 days.",
        "  4. Once the complaint is filed, write the day in the case file under [status]: "
        "complaint_filed = YYYY-MM-DD",
    ]
    guided = plan(load_case(path), date(2026, 12, 17))
    assert (guided.stage, guided.steps[0].due) == ("overdue", date(2026, 12, 15))


def test_the_guide_goes_on_past_the_follow_up_and_the_fcc_complaint(case_file) -> None:
    # Once the follow-up was mailed and the FCC complaint filed, the guide still said to send
    # the one and file the other.
    path = case_file(SAMPLE_CASE + SENT + "follow_up_sent = 2026-12-17\n")
    assert steps(guide(path, "2026-12-20"))[0] == (
        "  1. You sent the follow-up on December 17, 2026. Expect an answer by December 31, 2026 "
        "(11 days left)."
    )
    late = steps(guide(path, "2027-01-04"))
    assert late[:2] == [
        "  1. The follow-up went unanswered too (the answer was due on December 31, 2026): file "
        f"an FCC complaint: letters letter {path} --kind complaint — the carrier must answer "
        "it in writing within 30 days.",
        "  2. Once the complaint is filed, write the day in the case file under [status]: "
        "complaint_filed = YYYY-MM-DD",
    ]
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "request_sent = 2026-11-24\n",
            "request_sent = 2026-11-24\ncomplaint_filed = 2027-01-05\n",
        ),
        encoding="utf-8",
    )
    assert steps(guide(path, "2027-01-10"))[0] == (
        "  1. You filed the FCC complaint on January 5, 2027: the carrier must answer it in "
        "writing by February 4, 2027 (25 days left)."
    )
    assert steps(guide(path, "2027-02-05"))[0] == (
        "  1. The carrier was to answer the FCC complaint by February 4, 2027: mail the letter "
        "to your state's attorney general (complaint-ag.en.pdf), written with the FCC "
        f"statement: letters letter {path} --kind complaint"
    )
    # Every step's action is one the app has a page and a label for.
    for day in (date(2026, 12, 20), date(2027, 1, 4), date(2027, 1, 10), date(2027, 2, 5)):
        for step in plan(load_case(path), day).steps:
            assert step.action is None or step.action.label, step
    calendar = plan(load_case(path), date(2027, 1, 10)).deadlines
    assert [(d.kind, d.day) for d in calendar][:2] == [
        ("follow-up-answer", date(2026, 12, 31)), ("fcc-answer", date(2027, 2, 4))
    ]  # fmt: skip


def test_the_follow_up_mailed_is_recorded_as_the_follow_up(case_file) -> None:
    path = case_file(SAMPLE_CASE + SENT)
    mailed = run("log", path, "mailed", "--certified-mail", "94071118987654321026",
                 "--follow-up", "--on", "2026-11-26")  # fmt: skip
    assert mailed.exit_code == 0, mailed.stderr
    case = load_case(path)
    assert case.status.follow_up_sent == date(2026, 11, 26)
    assert case.events[-1].summary == (
        "Mailed the follow-up letter by USPS Certified Mail (with return receipt)."
    )
    assert case.delivery.certified_mail == "9407 1118 9876 5432 1002"  # the request's still


@pytest.mark.parametrize(
    ("old", "new", "sent"),
    [
        ("return_receipt = true", "\nmailed_on = 2026-11-24", date(2026, 11, 24)),
        ('reference = "CHAT-77810"', '\ncertified_mail = "9407 1118 9876 5432 1002"',
         date(2026, 11, 21)),  # the chat of November 21 carried the letter's number
    ],
)  # fmt: skip
def test_a_mailed_letter_counts_as_sent(case_file, old: str, new: str, sent: date) -> None:
    case = load_case(case_file(SAMPLE_CASE.replace(old, old + new)))
    assert case.request_sent_on == sent
    guided = plan(case, date(2026, 11, 30))
    assert guided.stage == "waiting"
    assert guided.steps[0].due == date(2026, 12, 15)  # 14 days after the closing day
    assert guided.deadlines[0].day == date(2026, 12, 15)


def test_after_the_closure(case_file) -> None:
    path = case_file(SAMPLE_CASE + CLOSED)
    stdout = guide(path, "2027-01-10")
    assert stdout.startswith("Closure confirmed: the checks that remain.\n")
    assert steps(stdout) == [
        "  1. The closure is confirmed: now delete the eSIM profile from the phone.",
        "  2. Update your contact number everywhere this number was used.",
        "  3. Check the final bill and your card statements: nothing should be charged after "
        "December 1, 2026.",
        f"  4. Ask for the refund of the remaining $12.50: letters letter {path} --kind refund",
        "  5. 3 charges after the closure on December 1, 2026: dispute them with the carrier: "
        f"letters letter {path} --kind dispute",
        "  6. For a dispute with your card issuer or bank, add the card to the case file: [card] "
        'with issuer, last4 (the last four digits only) and type ("credit", "debit", "prepaid" '
        'or "bank-account").',
        "  7. Dispute with your card issuer or bank for Fee, $1.50 on December 2, 2026: say how "
        'the carrier was paid — write type = "credit", "debit", "prepaid" or "bank-account" '
        "under [card]; the law and the letter depend on it. Either way the letter must reach "
        "them by January 31, 2027 (21 days left).",
        "  8. Dispute with your card issuer or bank for December plan, $30.00 on December 5, "
        '2026: say how the carrier was paid — write type = "credit", "debit", "prepaid" or '
        '"bank-account" under [card]; the law and the letter depend on it. Either way the letter '
        "must reach them by February 13, 2027 (34 days left).",
        "  9. Dispute with your card issuer or bank for Data add-on, $4.99 on December 6, 2026: "
        "add statement_date to this charge in the case file — your letter must reach them "
        "within 60 days after the statement that first shows it.",
        f"  10. File an FCC complaint: letters letter {path} --kind complaint — the carrier must "
        "answer it in writing within 30 days.",
        "  11. Keep every record, checksummed in one bundle: put them in a folder named evidence "
        "beside the case file, then: letters bundle "
        f"{path} {path.parent / 'evidence'}",
    ]
    # In the app, the step without a statement date leads to the Charges page, in words.
    [waiting] = [s for s in plan(load_case(path), date(2027, 1, 10)).steps if "add-on" in s.text]
    assert waiting.action is not None and waiting.action.kind == "charges"
    assert waiting.action.said.endswith(
        "add the date of the statement that first shows it — your letter must reach them "
        "within 60 days after it."
    )


@pytest.mark.parametrize(
    ("status", "counted", "cited"),
    [
        # No closing day: the charges since the request, as the letters count them.
        (
            "request_sent = 2026-11-24\n",
            "3 charges since your closure request of November 24, 2026",
            "made after my closure request of November 24, 2026",
        ),
        # Not even the request's day: every charge, after the request.
        ("", "4 charges after your closure request", "made after my closure request"),
    ],
)
def test_without_a_closing_day_the_guide_counts_from_what_the_letters_say(
    case_file, tmp_path: Path, status: str, counted: str, cited: str
) -> None:
    # Confirmed on December 2, and no day the account closed or was to close.
    text = (
        (SAMPLE_CASE + CLOSED)
        .replace("close_on = 2026-12-01", "")
        .replace("closed_on = 2026-12-01\n", "")
    )
    text = text.replace("request_sent = 2026-11-24\n", status)
    stdout = guide(case_file(text), "2027-01-10")
    assert counted + ": dispute them with the carrier" in stdout
    assert "after the closure on" not in stdout
    if status:
        assert "nothing should be charged after November 24, 2026." in stdout
    result = run("letter", tmp_path / "case.toml", "--kind", "dispute", "-o", tmp_path)
    assert result.exit_code == 0, result.stderr
    letter = " ".join(pdf_text((tmp_path / "dispute.en.pdf").read_bytes()).split())
    assert cited in letter
    assert letter.count("plan, $30.00") == (1 if status else 2)  # November's only without a day


def test_the_dispute_the_guide_suggests_cites_the_charges_it_counts(
    case_file, tmp_path: Path
) -> None:
    # Three charges after the closure, and one before it (November 15), which the letter
    # leaves out, saying so.
    path = case_file(SAMPLE_CASE + CLOSED)
    assert "3 charges after the closure on December 1, 2026" in guide(path, "2027-01-10")
    result = run("letter", path, "--kind", "dispute", "-o", tmp_path, "--date", "2027-01-10")
    assert result.exit_code == 0, result.stderr
    assert (
        "Warning: the letter leaves out the charges of November 15, 2026: they are before "
        "December 1, 2026, the day the account closed (status.closed_on), and it is about the "
        "charges made after it — correct a date that is wrong"
    ) in result.stdout


def test_a_case_with_its_card_needs_no_card_hint(case_file) -> None:
    text = SAMPLE_CASE + CLOSED + CREDIT_CARD
    guided = plan(load_case(case_file(text)), date(2027, 1, 10))
    assert not any("[card]" in step.text for step in guided.steps)
    assert len(guided.deadlines) == 2


def test_after_the_closure_with_nothing_wrong(case_file) -> None:
    text = SAMPLE_CASE.replace('balance = "12.50"', 'balance = "0"')
    text += "\n[checklist]\nesim_deleted = true\n\n[status]\nclosed_on = 2026-12-01\n"
    text += "confirmation_received = 2026-12-03\n"
    guided = plan(load_case(case_file(text)), date(2026, 12, 10))
    assert guided.stage == "closed"
    assert guided.headline == "Closure confirmed: the checks that remain."
    assert [step.text.split(":")[0] for step in guided.steps] == [
        "Update your contact number everywhere this number was used.",
        "Check the final bill and your card statements",
        "Keep every record, checksummed in one bundle",
    ]
    assert guided.deadlines == ()


@pytest.mark.parametrize(
    ("sent", "today", "asked"),
    [
        # Before the answer is due: expect the confirmation, with the follow-up if none comes.
        (SENT, "2026-12-10", "expect the confirmation by December 15, 2026 (5 days left); if "
         "none comes, send a follow-up: letters letter {path} --kind follow-up"),
        (SENT, "2026-12-20", "ask for it with a follow-up: letters letter {path} --kind "
         "follow-up — delete the eSIM profile only once it is confirmed."),
        # Closed without a written request: nothing to follow up.
        ("\n[status]\n", "2026-12-20", "ask them for a confirmation by email or letter, and "
         "keep it — delete the eSIM profile only once it is confirmed."),
    ],
)  # fmt: skip
def test_a_closure_known_by_word_is_not_confirmed_until_in_writing(
    case_file, sent: str, today: str, asked: str
) -> None:
    # An agent said it closed on December 1: the account is closed, the proof not yet there.
    path = case_file(SAMPLE_CASE + sent + "closed_on = 2026-12-01\n")
    stdout = guide(path, today)
    assert stdout.startswith("Closed, but not yet confirmed in writing: the checks that remain.")
    assert "  [ ] Get written confirmation that the account is closed." in stdout
    assert "now delete the eSIM profile" not in stdout
    first = steps(stdout)[0]
    assert first == (
        "  1. The account closed on December 1, 2026, but the carrier has not confirmed it in "
        "writing: " + asked.format(path=path)
    )
    # Awaited by its day, that day is in the calendar too.
    awaited = [d.day for d in plan(load_case(path), date.fromisoformat(today)).deadlines]
    assert awaited == ([date(2026, 12, 15)] if "expect" in asked else [])
    # The follow-up it suggests is written, and asks for the confirmation.
    if "--kind follow-up" in asked:
        result = run("letter", path, "--kind", "follow-up", "-o", path.parent, "--date", today)
        assert result.exit_code == 0, result.stderr


def test_charges_while_waiting_for_the_answer_get_their_steps_and_deadlines(case_file) -> None:
    # Not confirmed yet, but charged after the closing day asked for: the card dispute's
    # 60 days run from the statement whatever the carrier answers, or does not.
    charge = (
        '\n[[charges]]\ndate = 2026-12-05\namount = "30.00"\ndescription = "December plan"\n'
        "statement_date = 2026-12-08\n"
    )
    path = case_file(SAMPLE_CASE + SENT + charge + CREDIT_CARD)
    guided = plan(load_case(path), date(2026, 12, 10))
    assert guided.stage == "waiting"
    texts = [step.text for step in guided.steps]
    assert (
        f"1 charge after the closure on December 1, 2026: dispute it with the carrier: "
        f"letters letter {path} --kind dispute"
    ) in texts
    assert any(
        text.startswith("Card dispute for December plan, $30.00 on December 5, 2026: under the "
                        "Fair Credit Billing Act your letter must reach the card issuer by "
                        "February 6, 2027")
        for text in texts
    )  # fmt: skip
    assert [deadline.day for deadline in guided.deadlines] == [
        date(2026, 12, 15),  # the answer
        date(2027, 2, 6),  # the card dispute
    ]


def test_the_guide_speaks_the_language_the_holder_reads(tmp_path: Path) -> None:
    from tests.conftest import SAMPLES

    case = SAMPLES / "case-zh-CN.toml"
    shown = run("guide", case, "--date", "2026-11-24")  # on a system in English
    assert shown.exit_code == 0 and shown.stdout.startswith("尚未寄出：")
    assert "检查清单" in shown.stdout and "Checklist" not in shown.stdout
    asked = run("guide", case, "--date", "2026-11-24", "--ui-lang", "en")  # a volunteer's choice
    assert asked.exit_code == 0 and "Checklist" in asked.stdout
    env = {"LETTERS_UI_LANG": "zh-TW"}
    assert "檢查清單" in run("guide", case, "--date", "2026-11-24", env=env).stdout


def test_dates_in_the_interface_language(case_file) -> None:
    path = case_file(SAMPLE_CASE + SENT)
    result = run("--ui-lang", "zh-CN", "guide", path, "--date", "2026-11-30")
    assert result.exit_code == 0
    assert "2026年11月24日" in result.stdout
    assert "2026年12月15日" in result.stdout
    assert "December" not in result.stdout


def test_calendar(case_file, tmp_path: Path) -> None:
    path = case_file(SAMPLE_CASE + CLOSED + CREDIT_CARD)
    ics = tmp_path / "deadlines.ics"
    assert guide(path, "2027-02-05", "--ics", str(ics)).endswith(f"wrote {ics}\n")
    data = ics.read_bytes()
    calendar = Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == [
        "Last day for the card issuer to receive your dispute: Fee, $1.50 on December 2, 2026",
        "Last day for the card issuer to receive your dispute: December plan, $30.00 on "
        "December 5, 2026",
    ]
    assert [event.decoded("DTSTART") for event in events] == [date(2027, 1, 31), date(2027, 2, 13)]
    assert [event.decoded("DTEND") for event in events] == [date(2027, 2, 1), date(2027, 2, 14)]
    # A week ahead, but not before the calendar is made: the first day is already past.
    for event, ahead in zip(events, (0, 7), strict=True):
        (alarm,) = event.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY"
        assert alarm.decoded("TRIGGER") == -timedelta(days=ahead) + timedelta(hours=9)
        assert str(event["DESCRIPTION"]) == f"letters letter {path} --kind card-dispute"
        assert "889977" not in str(event["UID"])
    assert len({str(event["UID"]) for event in events}) == 2

    # The same case on the same day gives the same bytes, wherever it runs: written again,
    # nothing changes, so nothing is asked.
    assert run("guide", path, "--date", "2027-02-05", "--ics", ics).exit_code == 0
    assert ics.read_bytes() == data
    result = run(
        "guide", path, "--date", "2027-02-05", "--ics", ics, "--force", env={"TZ": "Asia/Tokyo"}
    )
    assert result.exit_code == 0
    assert ics.read_bytes() == data


def test_calendar_while_waiting(case_file, tmp_path: Path) -> None:
    path = case_file(SAMPLE_CASE + SENT)
    ics = tmp_path / "answer.ics"
    guide(path, "2026-11-30", "--ics", str(ics))
    (event,) = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Example Mobile: answer to the closure request due"
    assert event.decoded("DTSTART") == date(2026, 12, 15)
    assert event.decoded("DTSTAMP").isoformat() == "2026-11-30T00:00:00+00:00"
    assert str(event["DESCRIPTION"]) == (
        f"No answer yet? Send a follow-up: letters letter {path} --kind follow-up"
    )
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(hours=9)


def test_a_reminder_never_falls_before_the_day_the_calendar_is_made(
    case_file, tmp_path: Path
) -> None:
    # The closing day is tomorrow: ten days ahead would be a reminder already past.
    path = case_file(SAMPLE_CASE)
    ics = tmp_path / "soon.ics"
    guide(path, "2026-11-30", "--ics", str(ics))
    (event,) = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert event.decoded("DTSTART") == date(2026, 12, 1)
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(days=1) + timedelta(hours=9)


def test_calendar_refuses_to_overwrite(case_file, tmp_path: Path) -> None:
    ics = tmp_path / "deadlines.ics"
    ics.write_text("mine", encoding="utf-8")
    result = run("guide", case_file(SAMPLE_CASE + SENT), "--date", "2026-11-30", "--ics", ics)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {ics} already exists — use --force to replace it, or write elsewhere\n"
    )
    assert ics.read_text(encoding="utf-8") == "mine"


def test_help_has_an_example() -> None:
    result = run("guide", "--help")
    assert result.exit_code == 0
    assert "Example: letters guide case.toml --ics deadlines.ics" in result.stdout


@pytest.mark.parametrize(
    ("card_type", "step", "summary"),
    [
        (
            "credit",
            "Card dispute for December plan, $30.00 on December 5, 2026: under the Fair Credit "
            "Billing Act your letter must reach the card issuer by February 13, 2027 (34 days "
            "left): letters letter {path} --kind card-dispute",
            "Last day for the card issuer to receive your dispute: December plan, $30.00 on "
            "December 5, 2026",
        ),
        (
            "debit",
            "Dispute with your bank for December plan, $30.00 on December 5, 2026: under "
            "Regulation E your notice of error must reach the bank by February 13, 2027 (34 days "
            "left); the letter also revokes the carrier's authorization to take payments: "
            "letters letter {path} --kind card-dispute",
            "Last day for the bank to receive your notice of error: December plan, $30.00 on "
            "December 5, 2026",
        ),
    ],
)
def test_the_dispute_deadline_names_the_law_of_the_card(
    case_file, tmp_path: Path, card_type: str, step: str, summary: str
) -> None:
    path = case_file(SAMPLE_CASE + CLOSED + CREDIT_CARD.replace("credit", card_type))
    ics = tmp_path / "dispute.ics"
    stdout = guide(path, "2027-01-10", "--ics", str(ics))
    assert step.format(path=path) in stdout
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert summary in [str(event["SUMMARY"]) for event in events]
    descriptions = " ".join(str(event["DESCRIPTION"]) for event in events)
    assert ("10 business days" in descriptions) == (card_type == "debit")


def test_guide_ics_writes_whatever_dates_exist(case_file, tmp_path: Path) -> None:
    ics = tmp_path / "early.ics"
    result = run("guide", case_file(SAMPLE_CASE), "--date", "2026-11-20", "--ics", ics)
    assert result.exit_code == 0, result.stderr
    (event,) = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert event.decoded("DTSTART") == date(2026, 12, 1)
    assert str(event["SUMMARY"]) == (
        "The closing date you ask for: send the closure request before it"
    )
    bare = SAMPLE_CASE.replace("close_on = 2026-12-01", "")
    result = run("guide", case_file(bare, name="bare.toml"), "--date", "2026-11-20", "--ics",
                 tmp_path / "none.ics")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith(
        f"No dates yet to put in a calendar: {tmp_path / 'none.ics'} was not written.\n"
    )
    assert not (tmp_path / "none.ics").exists()


def test_a_number_kept_and_not_ported_comes_first_and_no_refused_command_is_offered(
    case_file,
) -> None:
    path = case_file(SAMPLE_CASE + "\n[checklist]\nkeep_number = true\n")
    stdout = guide(path, "2026-11-20")
    assert steps(stdout)[0] == (
        "  1. Port the number to your new carrier first — closing the account releases it. When "
        "the port is done, write number_ported = true under [checklist]; the guide then shows how "
        "to send the closure request."
    )
    assert "letters kit" not in stdout


def test_a_closing_day_already_past_is_no_deadline_to_send_before(case_file) -> None:
    path = case_file()  # asks to close on December 1, 2026; not sent
    assert [d.day for d in plan(load_case(path), date(2026, 11, 24)).deadlines] == [
        date(2026, 12, 1)
    ]
    later = plan(load_case(path), date(2026, 12, 2))
    assert later.deadlines == ()
    # In the app, the step to correct it goes to the case details, where the date is asked.
    (past,) = [step for step in later.steps if "has passed" in step.text]
    assert past.action is not None and past.action.kind == "details"
    assert "in the case details" in past.action.said and "[account]" not in past.action.said


def test_a_day_that_has_not_come_is_the_first_thing_to_correct(tmp_path: Path) -> None:
    # 2027 typed for 2026: the guide said to wait two months for a deadline built on it.
    case = tmp_path / "case.toml"
    text = (SAMPLES / "case-en.toml").read_text(encoding="utf-8")
    case.write_text(text + "\n[status]\nrequest_sent = 2027-01-15\n", encoding="utf-8")
    result = run("guide", case, "--date", "2026-11-30")
    assert result.exit_code == 0, result.output
    steps = result.stdout.split("Next steps\n")[1].splitlines()
    assert steps[0] == (
        "  1. Correct status.request_sent = 2027-01-15 in the case file: that day has not come "
        "yet, and the steps and deadlines below count from it."
    )
    checked = run("check", case, env={"SOURCE_DATE_EPOCH": "1796083200"})  # 2026-12-01
    assert checked.exit_code == 0
    assert checked.stderr == (
        "Warning: status.request_sent = 2027-01-15, a day that has not come yet — correct it\n"
    )
    assert "Correct" not in run("guide", case, "--date", "2027-01-15").stdout
    # In the app the step says it in words, with the page that records that day.
    (step, *_rest) = plan(load_case(case), date(2026, 11, 30)).steps
    assert step.action is not None and step.action.kind == "record"
    assert step.action.said == (
        "The day the closure request was sent: January 15, 2027 has not come yet, and the steps "
        "and deadlines below count from it — correct it."
    )


def test_a_refund_asked_before_any_closure_request_is_warned_of(case_file, tmp_path: Path) -> None:
    # No request sent, no contact in the timeline: "I have asked you to close" is not so yet.
    never = case_file(SAMPLE_CASE.split("[[events]]")[0])
    result = run("letter", never, "--kind", "refund", "-o", tmp_path, "--date", "2026-11-24")
    assert result.exit_code == 0, result.stderr
    assert (
        "Warning: the case records no closure request: this letter says you asked to close the "
        "account — send the closure request first, and record the day it was sent"
    ) in result.stdout
    asked = run("letter", case_file(SAMPLE_CASE), "--kind", "refund", "-o", tmp_path / "b",
                "--date", "2026-11-24")  # fmt: skip
    assert asked.exit_code == 0 and "records no closure request" not in asked.stdout


def test_a_request_sent_both_ways_is_followed_by_its_printed_letter(case_file) -> None:
    # Emailed from the app or with `letters send`: the Certified letter, the strongest proof
    # of sending, is still to go, and the guide says so until it is recorded.
    both = SAMPLE_CASE.replace('certified_mail = "9407 1118 9876 5432 1002"', 'method = "both"')
    assert 'method = "both"' in both
    path = case_file(both + SENT)
    stdout = guide(path, "2026-11-30")
    assert "The printed letter is to go by Certified Mail too" in stdout
    assert f"letters log {path} mailed --certified-mail NUMBER" in stdout
    mailed = case_file(
        both.replace('method = "both"', 'method = "both"\nmailed_on = 2026-11-25') + SENT
    )
    assert "The printed letter is to go" not in guide(mailed, "2026-11-30")
    # Recorded as the app's timeline records it: an event with the receipt's number.
    logged = case_file(
        both + SENT + '\n[[events]]\nat = 2026-11-25\nchannel = "mail"\nsummary = "Mailed it."\n'
        'certified_mail = "9407 1118 9876 5432 1002"\n',
        name="logged.toml",
    )
    assert "The printed letter is to go" not in guide(logged, "2026-11-30")
