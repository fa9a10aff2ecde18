"""A short account of a case for the terminal, in the interface language, identifiers masked."""

from __future__ import annotations

from letters import i18n
from letters.case import Case
from letters.i18n import _, ngettext
from letters.identifiers import mask


def case_summary(case: Case) -> list[str]:
    """Return the lines that tell the user what the case says, with numbers masked."""
    ui = i18n.ui_language()
    account = case.account
    lines = [
        _("Holder: {name} <{email}>").format(name=case.holder.name, email=case.holder.email),
        _("Account: {carrier}, number {number}").format(
            carrier=account.carrier, number=mask(account.number)
        ),
    ]
    if account.phone:
        lines.append(_("Line to close: {phone}").format(phone=mask(account.phone)))
    if account.close_on:
        lines.append(_("Close on: {date}").format(date=i18n.format_date(account.close_on, ui)))
    if account.balance is not None:
        lines.append(
            _("Remaining balance: {amount}").format(
                amount=i18n.format_money(account.balance, account.currency, ui)
            )
        )
    recipient = case.recipient.name
    if case.recipient.email:
        recipient += f" <{case.recipient.email}>"
    lines.append(_("Recipient: {recipient}").format(recipient=recipient))
    documents = case.recipient.language  # the carrier's; banks and regulators read English
    lines.append(_("Documents in: {language}").format(language=i18n.language_name(documents)))
    if case.language not in (documents, "en"):
        lines.append(
            _("Sheets that explain them, in: {language}").format(
                language=i18n.language_name(case.language)
            )
        )
    count = len(case.events)
    lines.append(
        ngettext("Timeline: {count} event", "Timeline: {count} events", count).format(count=count)
    )
    return lines
