"""`letters guide`: the checklist and the next steps, with dates, from what the case shows.

The guide is data — checklist items with their state, steps with their dates, deadlines — so
the command line only prints it and the calendar only lays the deadlines out. The day it is
computed for is passed in: the same case on the same day gives the same guide and the same
calendar bytes.

Where the case stands is read from the dates it holds: the request counts as sent on
`status.request_sent`, else on `delivery.mailed_on` or the first event with a Certified Mail
number; it counts as answered on `status.confirmation_received` or `status.closed_on`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from letters import i18n
from letters.case import Case, Charge
from letters.casefolder import of_case_file
from letters.content import card_dispute_by, charge_cutoff, disputed_charges
from letters.i18n import N_, _, ngettext
from letters.output import write_outputs
from letters.shell import command

REMIND_HOUR = 9
"""Calendar alarms ring at this hour, so an all-day deadline does not alarm at midnight."""

STAGES = {
    "prepare": N_("Not sent yet: get ready, then send the closure request."),
    "waiting": N_("Request sent: waiting for the carrier's answer."),
    "overdue": N_("Request sent, and the answer is late."),
    "closed": N_("Closure confirmed: the checks that remain."),
}
CHECKLIST = {
    "port": N_(
        "Keeping the number? Port it to the new carrier first, with the number transfer PIN "
        "this carrier gives you (lift any number lock first: it stops your own port too). "
        "Closing the account releases the number for good."
    ),
    "lock": N_(
        "Not keeping the number? Ask for a number lock, so nobody else moves it while the "
        "account is being closed."
    ),
    "backup": N_("Back up what the account holds: call and message history, statements."),
    "two-factor": N_(
        "Move every login code sent to this number (bank, payment apps, WeChat, Alipay, "
        "Apple ID, email recovery) to another number."
    ),
    "autopay": N_("Remove autopay and saved cards from the account."),
    "balance": N_(
        "Use the remaining balance of {amount}, or ask for a refund: prepaid balances are "
        "usually forfeited, postpaid credit is usually refunded (some carriers quote about "
        "60 days)."
    ),
    "refund": N_(
        "Ask for a refund of the remaining balance of {amount}: prepaid balances are usually "
        "forfeited, postpaid credit is usually refunded (some carriers quote about 60 days)."
    ),
    "request": N_("Send the closure request and keep proof of sending."),
    "confirmation": N_("Get written confirmation that the account is closed."),
    "esim": N_("Delete the eSIM profile from the phone, only after the closure is confirmed."),
}


TICKED = {
    "port": "number_ported",
    "lock": "number_locked",
    "backup": "backed_up",
    "two-factor": "two_factor_moved",
    "autopay": "autopay_removed",
    "esim": "esim_deleted",
}
"""The checklist items done by a tick, and the key under [checklist] that records it."""
DATED = {
    "request_sent": N_("The day the closure request was sent"),
    "follow_up_sent": N_("The day the follow-up was sent"),
    "complaint_filed": N_("The day the FCC complaint was filed"),
    "confirmation_received": N_("The day the closure was confirmed"),
    "closed_on": N_("The day the account closed"),
    "refund_received": N_("The day the remaining balance was refunded"),
}
"""The days under [status] that record where the closure stands, in plain words."""
MAILED = N_("The day the letter was mailed")
"""delivery.mailed_on, in plain words."""


@dataclass(frozen=True)
class Item:
    """One checklist item that applies to the case, done or not."""

    key: str
    text: str
    done: bool


ACTIONS = {
    "request": N_("Write the closure request"),
    "follow-up": N_("Write the follow-up letter"),
    "refund": N_("Write the refund request"),
    "dispute": N_("Write the dispute letter"),
    "complaint": N_("Write the FCC complaint"),
    "card-dispute": N_("Write the letter to your card issuer or bank"),
    "log": N_("Add it to the timeline"),
    "bundle": N_("Build the evidence bundle"),
    "record": N_("Record it in the checklist"),
    "details": N_("Correct the case details"),
    "charges": N_("Add it on the Charges page"),
}
"""What each action is, in plain words: a document kind to write, an event to log, the bundle,
or what is done and when, recorded in the case file, the case's own details or a charge to
correct."""


@dataclass(frozen=True)
class Action:
    """What a step asks the user to do: `kind` is a document kind, "log", "bundle", "record",
    "details" or "charges";
    `command` is the same action as a terminal command, or for "record" the command or the
    line of the case file that records it, and `said` the step in words for a page that
    records it in a form."""

    kind: str
    command: str
    said: str = ""

    @property
    def label(self) -> str:
        """Return the action in plain words, for a button instead of the command."""
        return _(ACTIONS[self.kind])


@dataclass(frozen=True)
class Step:
    """Something to do next, and by when; `text` names the action's command, if any."""

    text: str
    due: date | None = None
    action: Action | None = None

    @property
    def around(self) -> tuple[str, str]:
        """Return the text before and after the command, for showing the action instead."""
        return _around(self.text, self.action)


def _around(text: str, action: Action | None) -> tuple[str, str]:
    if action is None:
        return text, ""
    before, _found, after = text.partition(action.command)
    return before.rstrip(), after.lstrip()


@dataclass(frozen=True)
class Deadline:
    """A date worth a calendar entry; `kind` names it stably within the case."""

    kind: str
    day: date
    summary: str
    description: str
    remind_days: int = 0
    action: Action | None = None
    """What the description asks to do; it names the action's command."""

    @property
    def around(self) -> tuple[str, str]:
        """Return the description before and after the command, for showing the action."""
        return _around(self.description, self.action)


@dataclass(frozen=True)
class Guide:
    """Where a case stands on a given day and what comes next."""

    stage: str
    today: date
    account_key: str
    """A digest of the account, so calendar UIDs are stable without naming the account."""
    checklist: tuple[Item, ...]
    steps: tuple[Step, ...]
    deadlines: tuple[Deadline, ...]

    @property
    def headline(self) -> str:
        """Return where things stand, in one sentence."""
        written = any(item.key == "confirmation" and item.done for item in self.checklist)
        if self.stage == "closed" and not written:
            return _("Closed, but not yet confirmed in writing: the checks that remain.")
        return _(STAGES[self.stage])


def plan(case: Case, today: date) -> Guide:
    """Work out the checklist, the stage, the next steps and the deadlines of a case."""
    sent = case.request_sent_on
    confirmed = case.status.confirmation_received or case.status.closed_on
    steps: list[Step]
    deadlines: list[Deadline]
    if confirmed:
        stage = "closed"
        steps, deadlines = _afterwards(case, today, confirmed)
    elif sent:
        due = case.answer_due(sent)
        stage = "overdue" if today > due else "waiting"
        steps, deadlines = _waiting(case, today, sent, due)
    else:
        stage, steps = "prepare", _prepare(case, today)
        close_on = case.account.close_on
        deadlines = [_closing_day(close_on)] if close_on and close_on >= today else []
    steps = [*_to_correct(case, today), *steps]
    account = f"{case.account.carrier}\0{case.account.number}"
    return Guide(
        stage=stage,
        today=today,
        account_key=hashlib.sha256(account.encode("utf-8")).hexdigest()[:16],
        checklist=_checklist(case, sent, confirmed),
        steps=tuple(steps),
        deadlines=tuple(deadlines),
    )


def _to_correct(case: Case, today: date) -> list[Step]:
    """Say first what in the case file cannot be right: a day that has not come."""
    steps = []
    for key, day in case.days_to_come(today):
        section, name = key.split(".")
        what = _(DATED[name]) if section == "status" else _(MAILED)
        said = _(
            "{what}: {day} has not come yet, and the steps and deadlines below count from it — "
            "correct it."
        ).format(what=what, day=_day(day))
        page = "record" if section == "status" else "log"  # a mailing is on the timeline
        steps.append(
            Step(
                _(
                    "Correct {key} = {day} in the case file: that day has not come yet, and the "
                    "steps and deadlines below count from it."
                ).format(key=key, day=day.isoformat()),
                action=Action(page, f"{key} = {day.isoformat()}", said),
            )
        )
    return steps


def _checklist(case: Case, sent: date | None, confirmed: date | None) -> tuple[Item, ...]:
    checks = case.checklist
    balance = case.account.balance
    done: dict[str, bool | None] = {  # None: the item does not apply to this case
        # Once closed, the number is gone: nobody can move it any more, the holder included.
        "port": None
        if checks.keep_number is False or (confirmed and not checks.number_ported)
        else checks.number_ported,
        "lock": None if checks.keep_number or confirmed else checks.number_locked,
        "backup": checks.backed_up,
        "two-factor": checks.two_factor_moved,
        "autopay": checks.autopay_removed,
        # Once closed, the balance can only be refunded.
        "balance": None if confirmed or not balance else case.status.refund_received is not None,
        "refund": None if not confirmed or not balance else case.status.refund_received is not None,
        "request": sent is not None,
        "confirmation": case.status.confirmation_received is not None,
        "esim": checks.esim_deleted,
    }
    amount = _money(case, balance) if balance else ""
    return tuple(
        Item(key, _(message).format(amount=amount), state)
        for key, message in CHECKLIST.items()
        if (state := done[key]) is not None
    )


def _prepare(case: Case, today: date) -> list[Step]:
    name = _name(case)
    if case.checklist.keep_number and not case.checklist.number_ported:
        # The kit refuses the closure request until then: no command that would fail.
        first = _(
            "Port the number to your new carrier first — closing the account releases it. "
            "When the port is done, write number_ported = true under [checklist]; the guide "
            "then shows how to send the closure request."
        )
        action = Action(
            "record",
            "number_ported = true",
            _(
                "Port the number to your new carrier first — closing the account releases it. "
                "When the port is done, tick it in the checklist."
            ),
        )
    else:
        action = Action("request", command("kit", name, *_evidence(case, "--evidence")))
        first = _(
            "Finish the open items of the checklist, then send the closure request — the email, "
            "the letter and the evidence, in one folder: {command}"
        ).format(command=action.command)
    steps = [Step(first, action=action)]
    close_on = case.account.close_on
    if close_on and close_on < today:
        steps.append(
            Step(
                _(
                    "The closing date you ask for, {date}, has passed: write a later one as "
                    "close_on under [account] in the case file, or remove it, and the letter "
                    "asks for the account to close when it arrives."
                ).format(date=_day(close_on)),
                close_on,
                Action(
                    "details",
                    f"close_on = {close_on.isoformat()}",
                    _(
                        "The closing date you ask for, {date}, has passed: give a later one in "
                        "the case details, or none, and the letter asks for the account to "
                        "close when it arrives."
                    ).format(date=_day(close_on)),
                ),
            )
        )
    elif close_on:
        steps.append(
            Step(
                _(
                    "You ask for the account to close on {date} ({left}): send the request "
                    "well before then."
                ).format(date=_day(close_on), left=_left(close_on, today)),
                close_on,
            )
        )
    if case.delivery.method == "email":  # `send` records it; from a mail program, the day
        sent = Step(
            _(
                "Once the email is sent from your mail program, write the date in the case file "
                "under [status]: request_sent = {today} (sent with letters send, it is recorded "
                "by itself)"
            ).format(today=today.isoformat()),
            action=Action(
                "record",
                f"request_sent = {today.isoformat()}",
                _(
                    "Once the email is sent from your mail program, record the day in the "
                    "checklist (sent from the Send page, it is recorded by itself)."
                ),
            ),
        )
    else:
        log = Action(
            "log",
            command("log", name, "mailed", "--certified-mail", _("NUMBER")),
            _(
                "Once the letter is mailed by Certified Mail, add it to the timeline with the "
                "number on the receipt; sent another way, record the day in the checklist."
            ),
        )
        sent = Step(
            _(
                "Once the letter is mailed by Certified Mail, record it with the number on the "
                "receipt (sent another way, write the date in the case file under [status]: "
                "request_sent = {today}): {command}"
            ).format(today=today.isoformat(), command=log.command),
            action=log,
        )
    steps += [
        sent,
        Step(
            _("Mark what is done under [checklist] in the case file, like: backed_up = true"),
            action=Action("record", "backed_up = true", _("Tick what is done in the checklist.")),
        ),
    ]
    return steps


def _closing_day(close_on: date) -> Deadline:
    return Deadline(
        kind="close-on",
        day=close_on,
        summary=_("The closing date you ask for: send the closure request before it"),
        description=_("Send the closure request well before the closing date it asks for."),
        remind_days=10,  # a letter by Certified Mail takes days to arrive
    )


def _waiting(case: Case, today: date, sent: date, due: date) -> tuple[list[Step], list[Deadline]]:
    name = _name(case)
    follow_up = _letter(case, "follow-up")
    later: list[Deadline] = []
    if today > due:
        steps, later = _overdue(case, today, due, follow_up)
    else:
        steps = [
            Step(
                _("You sent the request on {sent}. Expect an answer by {due} ({left}).").format(
                    sent=_day(sent), due=_day(due), left=_left(due, today)
                ),
                due,
            )
        ]
    delivery = case.delivery
    mailed_event = any(event.certified_mail for event in case.events)  # as request_sent_on
    if delivery.method == "both" and not (
        delivery.mailed_on or delivery.certified_mail or mailed_event
    ):
        mailed = Action(
            "log",
            command("log", name, "mailed", "--certified-mail", _("NUMBER")),
            _(
                "The printed letter is to go by Certified Mail too, the strongest proof of "
                "sending: once it is mailed, add it to the timeline with the number on the "
                "receipt."
            ),
        )
        steps.append(
            Step(
                _(
                    "The printed letter is to go by Certified Mail too, the strongest proof of "
                    "sending: once it is mailed, record it with the number on the receipt: "
                    "{command}"
                ).format(command=mailed.command),
                action=mailed,
            )
        )
    charge_steps, deadlines = _charges(case, today)  # their 60 days run meanwhile
    steps += charge_steps
    log = Action("log", command("log", name, "add", "--channel", "phone", "--summary", "…"))
    steps += [
        Step(
            _("Record every call, chat and letter: {command}").format(command=log.command),
            action=log,
        ),
        Step(
            _(
                "When the closure is confirmed, write the date in the case file under [status]: "
                "confirmation_received = YYYY-MM-DD"
            ),
            action=Action(
                "record",
                "confirmation_received = YYYY-MM-DD",
                _("When the closure is confirmed, record the day in the checklist."),
            ),
        ),
    ]
    # Once the follow-up is sent, the calendar has its answer's day instead of the request's.
    answer = [] if case.status.follow_up_sent else [_answer_due(case, due, follow_up)]
    return steps, [*answer, *later, *deadlines]


FCC_ANSWER_DAYS = 30
"""Days a carrier has to answer, in writing, a complaint the FCC serves on it."""


def _overdue(
    case: Case, today: date, due: date, follow_up: Action
) -> tuple[list[Step], list[Deadline]]:
    """Return the steps once the answer to the request is late, and their deadlines: a
    follow-up; unanswered too, a complaint to the FCC; unanswered in its 30 days, a letter to
    the state's attorney general. Each goes on once the case records the one before."""
    status, carrier = case.status, case.account.carrier
    complaint = _letter(case, "complaint")
    deadlines = []
    again = case.answer_due(status.follow_up_sent) if status.follow_up_sent else None
    if again is not None:
        deadlines.append(
            Deadline(
                kind="follow-up-answer",
                day=again,
                summary=_("{carrier}: answer to the follow-up due").format(carrier=carrier),
                description=_("No answer? File an FCC complaint: {command}").format(
                    command=complaint.command
                ),
                action=complaint,
            )
        )
    if status.complaint_filed:
        answer = status.complaint_filed + timedelta(days=FCC_ANSWER_DAYS)
        deadlines.append(
            Deadline(
                kind="fcc-answer",
                day=answer,
                summary=_("{carrier}: answer to the FCC complaint due").format(carrier=carrier),
                description=_("Filed on {filed}.").format(filed=_day(status.complaint_filed)),
            )
        )
        if today <= answer:
            text = _(
                "You filed the FCC complaint on {filed}: the carrier must answer it in writing "
                "by {due} ({left})."
            ).format(
                filed=_day(status.complaint_filed), due=_day(answer), left=_left(answer, today)
            )
            return [Step(text, answer)], deadlines
        text = _(
            "The carrier was to answer the FCC complaint by {due}: mail the letter to your "
            "state's attorney general (complaint-ag.en.pdf), written with the FCC statement: "
            "{command}"
        ).format(due=_day(answer), command=complaint.command)
        return [Step(text, action=complaint)], deadlines
    filed = Step(
        _(
            "Once the complaint is filed, write the day in the case file under [status]: "
            "complaint_filed = YYYY-MM-DD"
        ),
        action=Action(
            "record",
            "complaint_filed = YYYY-MM-DD",
            _("Once the FCC complaint is filed, record the day in the checklist."),
        ),
    )
    if status.follow_up_sent and again is not None:
        if today <= again:
            text = _("You sent the follow-up on {sent}. Expect an answer by {due} ({left}).")
            waiting = text.format(
                sent=_day(status.follow_up_sent), due=_day(again), left=_left(again, today)
            )
            return [Step(waiting, again)], deadlines
        text = _(
            "The follow-up went unanswered too (the answer was due on {due}): file an FCC "
            "complaint: {command} — the carrier must answer it in writing within 30 days."
        ).format(due=_day(again), command=complaint.command)
        return [Step(text, action=complaint), filed], deadlines
    mailed = command("log", _name(case), "mailed", "--certified-mail", _("NUMBER"), "--follow-up")
    steps = [
        Step(
            _("The answer was due on {due} ({left}): send a follow-up: {command}").format(
                due=_day(due), left=_left(due, today), command=follow_up.command
            ),
            due,
            follow_up,
        ),
        Step(
            _(
                "Once the follow-up is mailed, record it with the number on the receipt: "
                "{command} (sent with letters send, it is recorded by itself)"
            ).format(command=mailed),
            action=Action(
                "record", mailed, _("Once the follow-up is sent, record the day in the checklist.")
            ),
        ),
        Step(
            _(
                "If the carrier still does not answer, file an FCC complaint: {command} — "
                "the carrier must answer it in writing within 30 days."
            ).format(command=complaint.command),
            action=complaint,
        ),
        filed,
    ]
    return steps, []


def _answer_due(case: Case, due: date, follow_up: Action) -> Deadline:
    """Return the day the carrier's answer to the request is due, in the calendar."""
    return Deadline(
        kind="answer",
        day=due,
        summary=_("{carrier}: answer to the closure request due").format(
            carrier=case.account.carrier
        ),
        description=_("No answer yet? Send a follow-up: {command}").format(
            command=follow_up.command
        ),
        action=follow_up,
    )


def _afterwards(case: Case, today: date, confirmed: date) -> tuple[list[Step], list[Deadline]]:
    # The day the charges are counted from, as the letters count them; without one, the day
    # the closure was confirmed.
    cutoff = charge_cutoff(case)
    closed = cutoff.day if cutoff else confirmed
    steps: list[Step] = []
    deadlines: list[Deadline] = []
    if case.status.confirmation_received is None:  # closed, as the carrier said
        step = _in_writing(case, today, closed)
        steps.append(step)
        if step.due is not None and step.action is not None:  # the written answer, awaited
            deadlines.append(_answer_due(case, step.due, step.action))
    elif not case.checklist.esim_deleted:
        steps.append(
            Step(_("The closure is confirmed: now delete the eSIM profile from the phone."))
        )
    steps += [
        Step(_("Update your contact number everywhere this number was used.")),
        Step(
            _(
                "Check the final bill and your card statements: nothing should be charged "
                "after {closed}."
            ).format(closed=_day(closed))
        ),
    ]
    balance = case.account.balance
    if balance and case.status.refund_received is None:
        refund = _letter(case, "refund")
        steps.append(
            Step(
                _("Ask for the refund of the remaining {amount}: {command}").format(
                    amount=_money(case, balance), command=refund.command
                ),
                action=refund,
            )
        )
    charge_steps, charge_deadlines = _charges(case, today)
    if charge_steps:
        steps += charge_steps
        deadlines += charge_deadlines
        complaint = _letter(case, "complaint")
        steps.append(
            Step(
                _(
                    "File an FCC complaint: {command} — the carrier must answer it in writing "
                    "within 30 days."
                ).format(command=complaint.command),
                action=complaint,
            )
        )
    bundle_command, folder = _bundle_command(case)
    bundle = Action("bundle", bundle_command)
    if folder is None:
        keep = _("Keep every record, checksummed in one bundle: {command}")
    else:
        keep = _(
            "Keep every record, checksummed in one bundle: put them in a folder named {folder} "
            "beside the case file, then: {command}"
        )
    steps.append(Step(keep.format(folder=folder, command=bundle.command), action=bundle))
    return steps, deadlines


def _charges(case: Case, today: date) -> tuple[list[Step], list[Deadline]]:
    """Return the steps for the charges the letters dispute, whatever the stage: a card
    dispute's 60 days run from the statement, not from the closure's confirmation."""
    late = disputed_charges(case)  # those the dispute letters cite
    if not late:
        return [], []
    cutoff = charge_cutoff(case)
    steps: list[Step] = []
    deadlines: list[Deadline] = []
    dispute = _letter(case, "dispute")
    if cutoff is None:  # the letters say "after my closure request", with no day
        message = ngettext(
            "{count} charge after your closure request: dispute it with the carrier: {command}",
            "{count} charges after your closure request: dispute them with the carrier: {command}",
            len(late),
        )
    elif cutoff.closing:
        message = ngettext(
            "{count} charge after the closure on {closed}: dispute it with the carrier: {command}",
            "{count} charges after the closure on {closed}: dispute them with the carrier: "
            "{command}",
            len(late),
        )
    else:  # what the letters say too: the charges since the request
        message = ngettext(
            "{count} charge since your closure request of {closed}: dispute it with the "
            "carrier: {command}",
            "{count} charges since your closure request of {closed}: dispute them with the "
            "carrier: {command}",
            len(late),
        )
    steps.append(
        Step(
            message.format(
                count=len(late),
                closed=_day(cutoff.day) if cutoff else "",
                command=dispute.command,
            ),
            action=dispute,
        )
    )
    if case.card is None:
        steps.append(
            Step(
                _(
                    "For a dispute with your card issuer or bank, add the card to the case "
                    "file: [card] with issuer, last4 (the last four digits only) and type "
                    '("credit", "debit", "prepaid" or "bank-account").'
                )
            )
        )
    for charge in late:
        step, deadline = _card_dispute(case, charge, today)
        steps.append(step)
        deadlines += [deadline] if deadline else []
    return steps, deadlines


def _in_writing(case: Case, today: date, closed: date) -> Step:
    """Ask for the written confirmation of a closure known only by word: with the follow-up
    once the answer the request asked for is due."""
    sent = case.request_sent_on
    if sent is None:  # closed without a written request: no follow-up to send
        return Step(
            _(
                "The account closed on {closed}, but the carrier has not confirmed it in "
                "writing: ask them for a confirmation by email or letter, and keep it — delete "
                "the eSIM profile only once it is confirmed."
            ).format(closed=_day(closed))
        )
    follow_up = _letter(case, "follow-up")
    due = case.answer_due(sent)
    if today <= due:
        text = _(
            "The account closed on {closed}, but the carrier has not confirmed it in writing: "
            "expect the confirmation by {due} ({left}); if none comes, send a follow-up: "
            "{command}"
        ).format(
            closed=_day(closed), due=_day(due), left=_left(due, today), command=follow_up.command
        )
        return Step(text, due, follow_up)
    text = _(
        "The account closed on {closed}, but the carrier has not confirmed it in writing: ask "
        "for it with a follow-up: {command} — delete the eSIM profile only once it is confirmed."
    ).format(closed=_day(closed), command=follow_up.command)
    return Step(text, action=follow_up)


def _card_dispute(case: Case, charge: Charge, today: date) -> tuple[Step, Deadline | None]:
    label = _("{description}, {amount} on {date}").format(
        description=charge.description,
        amount=_money(case, charge.amount),
        date=_day(charge.date),
    )
    last = card_dispute_by(charge)
    if last is None:
        text = _(
            "Dispute with your card issuer or bank for {charge}: add statement_date to this "
            "charge in the case file — your letter must reach them within 60 days after the "
            "statement that first shows it."
        ).format(charge=label)
        said = _(
            "Dispute with your card issuer or bank for {charge}: add the date of the statement "
            "that first shows it — your letter must reach them within 60 days after it."
        ).format(charge=label)
        # Nothing to write until the statement date is known.
        return Step(text, action=Action("charges", "statement_date", said)), None
    left = _left(last, today)
    kind = case.card.type if case.card else None
    action = _letter(case, "card-dispute")
    suggested = action.command
    if kind is None:
        text = _(
            "Dispute with your card issuer or bank for {charge}: say how the carrier was paid — "
            'write type = "credit", "debit", "prepaid" or "bank-account" under [card]; the law '
            "and the letter depend on it. Either way the letter must reach them by {deadline} "
            "({left})."
        ).format(charge=label, deadline=_day(last), left=left)
        summary = _("Last day for your card issuer or bank to receive your dispute: {charge}")
        description = _("Write type under [card] in the case file, then: {command}").format(
            command=suggested
        )
    elif kind == "credit":
        if last >= today:
            text = _(
                "Card dispute for {charge}: under the Fair Credit Billing Act your letter must "
                "reach the card issuer by {deadline} ({left}): {command}"
            )
        else:
            text = _(
                "Card dispute for {charge}: the 60 days for the card issuer to receive your "
                "letter ended on {deadline} ({left}) — write anyway: {command}"
            )
        text = text.format(charge=label, deadline=_day(last), left=left, command=suggested)
        summary = _("Last day for the card issuer to receive your dispute: {charge}")
        description = suggested
    else:
        if last >= today:
            text = _(
                "Dispute with your bank for {charge}: under Regulation E your notice of error "
                "must reach the bank by {deadline} ({left}); the letter also revokes the "
                "carrier's authorization to take payments: {command}"
            )
        else:
            text = _(
                "Dispute with your bank for {charge}: the 60 days for the bank to receive your "
                "notice of error ended on {deadline} ({left}) — call the bank and write anyway: "
                "{command}"
            )
        text = text.format(charge=label, deadline=_day(last), left=left, command=suggested)
        summary = _("Last day for the bank to receive your notice of error: {charge}")
        description = _(
            "Regulation E: the bank investigates within 10 business days of receiving it, or "
            "credits the amount provisionally and takes up to 45 days. Write it: {command}"
        ).format(command=suggested)
    deadline = Deadline(
        kind=f"card-dispute {charge.date} {charge.amount} {charge.reference or ''}",
        day=last,
        summary=summary.format(charge=label),
        description=description,
        remind_days=7,  # time for the letter to travel
        action=action,
    )
    return Step(text, last, None if kind is None else action), deadline


def _letter(case: Case, kind: str) -> Action:
    """Return the action of writing a document of that kind, with its command."""
    return Action(kind, command("letter", _name(case), "--kind", kind))


def _name(case: Case) -> Path:
    """Return what the user calls the case in commands: its folder, or its file."""
    return of_case_file(case.path).shown if case.path else Path("case.toml")


def _evidence(case: Case, option: str | None = None) -> tuple[str | Path, ...]:
    """Return the evidence folder to name in a command: none for a case folder (it has its
    own) or for a case file with no evidence folder beside it."""
    if case.path is None:
        return ()
    where = of_case_file(case.path)
    if where.folder is not None or not where.evidence_dir.is_dir():
        return ()
    return (option, where.evidence_dir) if option else (where.evidence_dir,)


def _bundle_command(case: Case) -> tuple[str, str | None]:
    """Return the command that bundles the evidence, and the name of the folder it names that
    the holder is still to make (None: none to make). The kit when there is no folder to name,
    until the request is sent (a kit writes it anew, dated today); then the bundle of the
    folder beside a lone case file that its evidence goes in."""
    evidence = _evidence(case)
    if evidence or (case.path and of_case_file(case.path).folder):
        return command("bundle", _name(case), *evidence), None
    if case.request_sent_on and case.path:
        folder = of_case_file(case.path).evidence_dir
        return command("bundle", _name(case), folder), folder.name
    return command("kit", _name(case)), None


def _day(value: date) -> str:
    return i18n.format_date(value, i18n.ui_language())


def _money(case: Case, amount: Decimal) -> str:
    return i18n.format_money(amount, case.account.currency, i18n.ui_language())


def _left(day: date, today: date) -> str:
    days = (day - today).days
    if days > 0:
        return ngettext("{count} day left", "{count} days left", days).format(count=days)
    if days < 0:
        return ngettext("{count} day ago", "{count} days ago", -days).format(count=-days)
    return _("today")


# --- the calendar ----------------------------------------------------------------------------


def calendar(guide: Guide) -> bytes:
    """Lay the deadlines out as all-day iCalendar events with alarms; same guide, same bytes."""
    return calendar_of([("", guide)])


def calendar_of(guides: Sequence[tuple[str, Guide]]) -> bytes:
    """Lay out the deadlines of several cases in one calendar, each summary after its label."""
    from icalendar import Alarm, Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//letters//guide//EN")
    cal.add("version", "2.0")
    for label, guide in guides:
        stamp = datetime.combine(guide.today, time(), UTC)
        for deadline in guide.deadlines:
            summary = f"{label}: {deadline.summary}" if label else deadline.summary
            event = Event()
            digest = hashlib.sha256(f"{guide.account_key}\0{deadline.kind}".encode()).hexdigest()
            event.add("uid", f"{digest[:32]}@letters")
            event.add("dtstamp", stamp)
            event.add("dtstart", deadline.day)
            event.add("dtend", deadline.day + timedelta(days=1))
            event.add("summary", summary)
            event.add("description", deadline.description)
            event.add("transp", "TRANSPARENT")
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary)
            # Never before the day the calendar is made: an alarm in the past is lost.
            ahead = min(deadline.remind_days, max((deadline.day - guide.today).days, 0))
            alarm.add("trigger", timedelta(days=-ahead, hours=REMIND_HOUR))
            event.add_component(alarm)
            cal.add_component(event)
    return cal.to_ical()


def write_calendar(guide: Guide, path: Path, force: bool = False) -> Path | None:
    """Write the deadlines as an .ics file, whole or not at all; None when there is no date
    yet (a calendar with no event is not a valid one, RFC 5545)."""
    if not guide.deadlines:
        return None
    write_outputs({path: calendar(guide)}, force)
    return path
