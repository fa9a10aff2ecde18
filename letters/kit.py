"""Produce a case's documents and write them where they belong, all or nothing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from letters import i18n
from letters.case import Case, case_today, load_case
from letters.casefolder import of_case_file
from letters.content import (
    CARD_DISPUTE_DAYS,
    CARRIER_KINDS,
    CITE_CHARGES,
    COMPANIONS,
    Letter,
    attorney_general_office,
    card_dispute_by,
    card_dispute_missed,
    charge_cutoff,
    check_language,
    cited_charges,
    disputed_charges,
    document_language,
    late_card_charges,
    render_letter,
    untranslated,
)
from letters.errors import InputError
from letters.i18n import _
from letters.output import Transaction, refuse_existing, refuse_inside, unchanged, write_outputs
from letters.resources import samples

if TYPE_CHECKING:
    from letters.bundle import BagInfo, BundleIndex

DEMO_CASE = "case-zh-CN.toml"


class Progress(Protocol):
    """Where a long job reports how far it has come (a progress bar, on a terminal)."""

    def start(self, total: int) -> None: ...

    def advance(self, done: int) -> None: ...


@dataclass
class Written:
    """What a command wrote, for the CLI to report."""

    paths: list[Path] = field(default_factory=list)
    mailto: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def subject_link(self) -> str | None:
        """Return the `mailto:` link without its body, for a body too long for a link."""
        return self.mailto.split("&body=", 1)[0] if self.mailto else None

    @property
    def text_file(self) -> Path | None:
        """Return the plain-text copy of the email, to paste into a message."""
        return next((path for path in self.paths if path.suffix == ".txt"), None)


@dataclass(frozen=True)
class Request:
    """What the user asked for: which case, which letter, in which language, for which day."""

    case_path: Path
    out_dir: Path
    today: date
    kind: str = "request"
    language: str | None = None
    force: bool = False
    template_dir: Path | None = None
    close_without_port: bool = False
    """Write the closure request even though the case says the number is kept and not yet
    ported (for a holder who knows the port is done, or no longer wants the number)."""
    app: bool = False
    """Asked in the browser app: the holder's sheets name its pages, not commands."""


PASTED = ("complaint",)
"""Letters whose words are pasted into a form: they come with a plain-text file to copy from."""
CLOSING_KINDS = ("request", "follow-up")
"""Letters that ask the carrier to close the account, which releases its phone number."""


def refuse_closing_before_port(case: Case, request: Request) -> None:
    """Refuse a closure request that would lose a number the holder keeps and has not ported."""
    checks = case.checklist
    if (
        request.kind in CLOSING_KINDS
        and checks.keep_number
        and not checks.number_ported
        and not request.close_without_port
    ):
        message = _(
            "checklist.keep_number = true, but the number is not ported yet: closing the "
            "account now releases the number for good. Ask your new carrier to port it "
            "first (it takes about a business day), then write number_ported = true under "
            "[checklist]; to close without keeping the number, add --close-without-port"
        )
        raise InputError(message, fields={"checklist.number_ported": message})


@dataclass(frozen=True)
class Print:
    """How the printed letter is made: formats, paper, envelope, font, companion sheet."""

    formats: tuple[str, ...] = ("pdf", "docx")
    paper: str | None = None
    """None: the paper where the holder prints (`paper_for`)."""
    envelope: str | None = "plain"
    font: Path | None = None
    explain: str | None = None
    """The companion sheet's language; None: the holder's (none for an English reader);
    "none": no sheet."""
    window_offset: tuple[float, float] = (0.0, 0.0)  # inches right and down


NORTH_AMERICA = frozenset({"US", "CA", "MX"})
"""Where US Letter is the paper in the shops; A4 everywhere else."""


def paper_for(letter: Letter, options: Print) -> str:
    """Return the paper a letter is printed on: the one asked for, else US Letter where the
    holder is in North America (or the letter goes in a window envelope, made for it), else
    A4."""
    if options.paper is not None:
        return options.paper
    address = letter.sender.address
    abroad = address is not None and address.country not in NORTH_AMERICA
    return "a4" if abroad and options.envelope != "window" else "letter"


def sheet_language(case: Case, explain: str | None) -> str | None:
    """Return the language of the holder's companion sheets, or None for no sheet."""
    if explain == "none":
        return None
    if explain:
        return explain
    return case.language if case.language != "en" else None


def letter_day(case: Case, request: Request) -> date:
    """Return the day the letters asked for are dated: the day the request is for, except a
    closure request already sent, which is written as it went, on the day it was sent (a copy
    dated today would disagree with the mailing and the letters that cite it)."""
    sent = case.request_sent_on
    return sent if request.kind == "request" and sent and sent < request.today else request.today


def _as_sent(day: date, request: Request) -> list[str]:
    """Say so when the closure request is written as of the day it was sent (`letter_day`)."""
    if day == request.today:
        return []
    return [
        _(
            "The closure request was sent on {date}: it is written as it went, dated that day "
            "(the letter after it is the follow-up: --kind follow-up)"
        ).format(date=i18n.format_date(day, i18n.ui_language()))
    ]


def _letters(request: Request, case: Case, explain: str | None) -> tuple[list[Letter], list[str]]:
    """Render the letter asked for, the documents that go with it, and beside each English
    letter the companion sheet in the holder's language; return them and any warnings."""
    refuse_closing_before_port(case, request)
    letters: list[Letter] = []
    day = letter_day(case, request)
    notes = _as_sent(day, request) + _request_notes(case, request)
    for kind in [request.kind, *COMPANIONS.get(request.kind, ())]:
        # --lang chooses the letter asked for; the letters that go with it keep their reader's.
        chosen = request.language if kind == request.kind else None
        language = chosen or document_language(case, kind)
        warning = check_language(case, kind, language)
        notes += [warning] if warning else []
        try:
            letters.append(render_letter(case, kind, language, day, request.template_dir))
        except InputError as error:
            if kind == request.kind:
                raise
            # A letter that goes with the one asked for never stops it: say what it needs.
            notes.append(_("Not written: {message}").format(message=error.message))
            continue
        notes += _quoted_chinese(case, letters[-1])
        agency = attorney_general_office(case)[1] if kind == "complaint-ag" else None
        if agency is not None:
            notes.append(
                _(
                    "The attorney general's address is from the directory that comes with "
                    "letters (source: {source}; checked {checked}): check it on the office's "
                    "website before you mail the letter."
                ).format(source=agency.source, checked=agency.checked.isoformat())
            )
    sheet = sheet_language(case, explain)
    english = [letter for letter in letters if letter.language == "en"]
    if explain and explain != "none" and not english:
        raise InputError(_("--explain: goes with an English letter — add --lang en"))
    if sheet:
        letters += [
            render_letter(case, "explain", sheet, day, request.template_dir, item.kind, request.app)
            for item in english
        ]
    return letters, notes


def print_files(
    letters: list[Letter], out_dir: Path, options: Print, template_dir: Path | None
) -> tuple[dict[Path, bytes], list[str]]:
    """Return the printable documents of the letters (PDF, DOCX) and notes for the user."""
    from letters.render.docx import render_docx
    from letters.render.pdf import render_pdf

    files: dict[Path, bytes] = {}
    notes: list[str] = []
    for letter in letters:
        base = out_dir / stem(letter)
        paper = paper_for(letter, options)
        if "pdf" in options.formats or letter.sheet:
            # A sheet, and the FCC statement (filed online), go in no envelope.
            envelope = None if letter.sheet or letter.kind in PASTED else options.envelope
            pdf = render_pdf(
                letter, paper=paper, font=options.font, envelope=envelope,
                window_offset=options.window_offset,
            )  # fmt: skip
            files[base.with_name(base.name + ".pdf")] = pdf.data
            if pdf.calibration:  # print it, fold it and try it in the envelope first
                files[base.with_name(base.name + ".window-test.pdf")] = pdf.calibration
            notes += [note for note in pdf.notes if note not in notes]
        if "docx" in options.formats and not letter.sheet:
            pitch = pdf.pitch if "pdf" in options.formats else None  # as the PDF was set
            docx = render_docx(letter, paper=paper, template_dir=template_dir, pitch=pitch)
            files[base.with_name(base.name + ".docx")] = docx
        if letter.kind in PASTED:
            text = "\n\n".join(letter.paragraphs) + "\n"
            files[base.with_name(base.name + ".txt")] = text.encode("utf-8")
            notes.append(
                _(
                    "The FCC complaint is filed online: paste the text of {path} into the form "
                    "at consumercomplaints.fcc.gov. Do not add your Social Security number, date "
                    "of birth or driver's license number."
                ).format(path=base.with_name(base.name + ".txt"))
            )
    return files, notes


def _outside_evidence(request: Request, out: Path, evidence_dir: Path | None = None) -> None:
    """Refuse an output inside the evidence folder given, or the case folder's own."""
    for folder in (evidence_dir, of_case_file(request.case_path).evidence_dir):
        if folder is not None and folder.is_dir():
            refuse_inside(out, folder)


def write_letter(request: Request, options: Print) -> Written:
    """Write the printable letter (PDF, DOCX) and what goes with it."""
    case = load_case(request.case_path)
    _outside_evidence(request, request.out_dir)
    letters, warnings = _letters(request, case, options.explain)
    files, notes = print_files(letters, request.out_dir, options, request.template_dir)
    return Written(write_outputs(files, request.force), notes=warnings + notes)


def stem(letter: Letter) -> str:
    """Return the file name stem of a letter's documents: `request.zh-CN`, and for a sheet
    the letter it explains: `request.en.explain.zh-CN`."""
    if letter.explains:
        return f"{letter.explains}.en.{letter.kind}.{letter.language}"
    return f"{letter.kind}.{letter.language}"


def email_files(letter: Letter, out_dir: Path) -> tuple[dict[Path, bytes], str]:
    """Return the email draft's files (`.eml`, `.txt`) and its `mailto:` link."""
    from letters.render.email import build_email

    draft = build_email(letter)
    base = out_dir / stem(letter)
    files = {
        base.with_name(base.name + ".eml"): draft.eml,
        base.with_name(base.name + ".txt"): draft.text.encode("utf-8"),
    }
    return files, draft.mailto


def write_email(request: Request) -> Written:
    """Write the email draft of a case."""
    case = load_case(request.case_path)
    _outside_evidence(request, request.out_dir)
    refuse_closing_before_port(case, request)
    language = request.language or document_language(case, request.kind)
    warning = check_language(case, request.kind, language)
    day = letter_day(case, request)
    letter = render_letter(case, request.kind, language, day, request.template_dir)
    files, mailto = email_files(letter, request.out_dir)
    notes = [warning] if warning else []
    notes += _as_sent(day, request) + _request_notes(case, request) + _quoted_chinese(case, letter)
    return Written(write_outputs(files, request.force), mailto, notes)


def _request_notes(case: Case, request: Request) -> list[str]:
    """Warn when the letter is dated before a day the case records, when it leaves out charges
    made before the closing, when a card dispute is too late for the law's protections, or when
    a closure request is not needed any more or asks for a day already past."""
    notes = _dated_before(case, request.today)
    if request.kind in CITE_CHARGES:
        notes += _left_out(case)
    mailed = request.kind in CARRIER_KINDS and case.delivery.method != "email"
    if mailed and not case.recipient.address:
        notes.append(
            _(
                "Warning: the letter is to be mailed, but {recipient} has no postal address in "
                "the case file — add it, or send the letter by email"
            ).format(recipient=case.recipient.name)
        )
    if mailed and not case.holder.address:
        notes.append(
            _(
                "Warning: the letter is to be mailed, but the case file has no postal address "
                "of yours for the envelope and the answer — add it under [holder], or send the "
                "letter by email"
            )
        )
    if request.kind == "card-dispute":
        notes += _not_on_a_statement(case) + _late_on_a_card(case, request.today)
    missed = card_dispute_missed(case, request.today) if request.kind == "card-dispute" else None
    if missed:
        notes.append(
            _(
                "Warning: the {days} days for the card issuer or bank to receive a dispute of "
                "these charges ended on {day}: the letter asks them to correct the charges, and "
                "does not cite the dispute procedures of the Fair Credit Billing Act or "
                "Regulation E, which no longer oblige them to"
            ).format(days=CARD_DISPUTE_DAYS, day=i18n.format_date(missed, i18n.ui_language()))
        )
    if request.kind in ("follow-up", "complaint", "complaint-ag"):
        notes += _early_notes(case, request.today)
    asked = case.request_sent_on or case.events or case.status.closed_on
    if request.kind == "refund" and not asked:
        notes.append(
            _(
                "Warning: the case records no closure request: this letter says you asked to "
                "close the account — send the closure request first, and record the day it "
                "was sent"
            )
        )
    if request.kind != "request":
        return notes
    return notes + _closure_notes(case, request)


def _not_on_a_statement(case: Case) -> list[str]:
    """Warn of the charges a card dispute leaves out: no statement shows them yet."""
    cited = cited_charges(case, "card-dispute")
    waiting = [charge for charge in disputed_charges(case) if charge not in cited]
    if not waiting:
        return []
    language = i18n.ui_language()
    return [
        _(
            "Warning: the letter leaves out the charges of {dates}: no statement shows them "
            "yet — when one does, add its date (statement_date) and write another letter"
        ).format(dates=", ".join(i18n.format_date(charge.date, language) for charge in waiting))
    ]


def _early_notes(case: Case, today: date) -> list[str]:
    """Warn when a letter telling of a request left unanswered comes before the request was
    sent, or before its answer is due (while the account is not known to be closed)."""
    sent = case.request_sent_on
    if sent is None:
        return [
            _(
                "Warning: the closure request is not sent yet: this letter tells of a request "
                "the carrier did not act on — send the request first, and record the day it "
                "was sent"
            )
        ]
    due = case.answer_due(sent)
    if today <= due and not (case.status.closed_on or case.status.confirmation_received):
        return [
            _(
                "Warning: the answer to the closure request is due on {due}: this letter says "
                "the carrier has not answered — send it after that day"
            ).format(due=i18n.format_date(due, i18n.ui_language()))
        ]
    return []


def _left_out(case: Case) -> list[str]:
    """Warn of the charges a letter leaves out: made before the closing day it says they
    came after."""
    cutoff = charge_cutoff(case)
    disputed = disputed_charges(case)
    early = [charge for charge in case.charges if charge not in disputed]
    if cutoff is None or not early:
        return []
    language = i18n.ui_language()
    return [
        _(
            "Warning: the letter leaves out the charges of {dates}: they are before {cutoff}, "
            "{what}, and it is about the charges made after it — correct a date that is wrong"
        ).format(
            dates=", ".join(i18n.format_date(charge.date, language) for charge in early),
            cutoff=i18n.format_date(cutoff.day, language),
            what=cutoff.what,
        )
    ]


def _late_on_a_card(case: Case, today: date) -> list[str]:
    """Warn of each charge the card dispute asks for apart, its days past while another's are
    not: withholding its payment meanwhile would draw late fees."""
    language = i18n.ui_language()
    return [
        _(
            "Warning: the {days} days to dispute the charge of {amount} of {date} with the card "
            "issuer or bank ended on {last}: the letter asks for it apart, without the law's "
            "protections — pay it on time meanwhile"
        ).format(
            days=CARD_DISPUTE_DAYS,
            amount=i18n.format_money(charge.amount, case.account.currency, language),
            date=i18n.format_date(charge.date, language),
            last=i18n.format_date(card_dispute_by(charge) or charge.date, language),
        )
        for charge in late_card_charges(case, today)
    ]


def _dated_before(case: Case, today: date) -> list[str]:
    """Warn when the case records a day after the letter's: a letter cannot tell of it."""
    status, delivery = case.status, case.delivery
    days: list[date | None] = [event.day(case.tz) for event in case.events]
    days += [day for charge in case.charges for day in (charge.date, charge.statement_date)]
    days += [status.request_sent, status.confirmation_received, status.closed_on]
    days += [status.refund_received, delivery.mailed_on]
    latest = max((day for day in days if day), default=None)
    if latest is None or latest <= today:
        return []
    return [
        _(
            "Warning: the letter is dated {date}, before {later}, a day the case file records "
            "— check the date (--date) and the dates in the case file"
        ).format(
            date=i18n.format_date(today, i18n.ui_language()),
            later=i18n.format_date(latest, i18n.ui_language()),
        )
    ]


def _closure_notes(case: Case, request: Request) -> list[str]:
    """Warn when a closure request is not needed any more, or asks for a day already past."""
    confirmed = case.status.confirmation_received
    if confirmed:
        return [
            _(
                "Warning: the closure was confirmed on {date}: a new closure request is not "
                "needed — letters guide says what is left to do"
            ).format(date=i18n.format_date(confirmed, i18n.ui_language()))
        ]
    close_on = case.account.close_on
    if case.request_sent_on is None and close_on and close_on < request.today:
        said = (
            _(
                "Warning: the letter asks for the account to close on {date}, a day already "
                "past — give a later closing date in the case details, or none"
            )
            if request.app
            else _(
                "Warning: the letter asks for the account to close on {date}, a day already "
                "past — write a later close_on under [account] in the case file, or remove it"
            )
        )
        return [said.format(date=i18n.format_date(close_on, i18n.ui_language()))]
    return []


def _quoted_chinese(case: Case, letter: Letter) -> list[str]:
    """Warn when an English letter quotes the case's words in Chinese."""
    keys = untranslated(case, letter)
    if not keys:
        return []
    return [
        _(
            "Warning: the {kind} letter is in English, but it quotes your own words in "
            "Chinese from {keys} — its reader cannot read them: write them in English in "
            "the case file"
        ).format(kind=letter.kind, keys=", ".join(keys))
    ]


def bundle_info(case: Case) -> BagInfo:
    """Return what bag-info.txt says about a case: names, and the account number in full.

    A bundle is evidence for whoever reads the letter (a regulator, a card issuer), who
    must match it to the account; the letter in it carries the number in full, and so do
    the index and bag-info.txt. Only what is shown on screen is masked.
    """
    from letters.bundle import BagInfo

    number = case.account.number
    return BagInfo(
        contact_name=case.holder.name,
        contact_email=case.holder.email,
        external_identifier=number,
        external_description=f"Evidence for the closure of {case.account.carrier} account {number}",
        certified_mail=tuple(
            dict.fromkeys(
                article
                for article in (
                    case.delivery.certified_mail,
                    *(e.certified_mail for e in case.events),
                )
                if article
            )
        ),
    )


def _index_pdf(case: Case, index: BundleIndex, language: str) -> bytes:
    # Imported once the evidence is hashed: reportlab's modules are not in memory beside the
    # read-ahead buffers.
    from letters.render.index import render_index

    return render_index(case, index, language)


def bundle_path(out_dir: Path, today: date, kind: str = "request") -> Path:
    """Return the default bundle path: `bundle-2026-11-24.zip` (no identifiers in the name),
    and for a kit of another letter `bundle-refund-2026-11-24.zip`, so that the kits of one day
    stand side by side."""
    named = "" if kind == "request" else f"{kind}-"
    return out_dir / f"bundle-{named}{today.isoformat()}.zip"


def _build(
    case: Case,
    request: Request,
    evidence_dir: Path | None,
    out: Path,
    documents: dict[str, bytes],
    progress: Progress | None,
    staging: Path | None = None,
) -> tuple[Path, list[str]]:
    """Build the bundle for `out`, or into `staging` for the caller to move to `out`."""
    from letters.bundle import build_bundle, scan_evidence

    evidence = scan_evidence(evidence_dir) if evidence_dir is not None else None
    if progress is not None and evidence is not None:
        progress.start(evidence.total_bytes)
    language = request.language or document_language(case, request.kind)
    result = build_bundle(
        staging or out,
        evidence,
        bagging_date=request.today,
        info=bundle_info(case),
        events=case.events,
        documents=documents,
        index_pdf=lambda index: _index_pdf(case, index, language),
        force=request.force or staging is not None,
        progress=progress.advance if progress is not None else None,
        name=out.stem,
        shown=out,
    )
    size = i18n.format_number(result.payload_bytes, i18n.ui_language())
    summary = _("{path}: {exhibits} exhibits, {size} bytes")
    notes = [summary.format(path=out, exhibits=len(result.exhibits), size=size)]
    if evidence is None:
        notes.append(_("No evidence folder given: the bundle holds the documents only."))
    notes += [_("Warning: {message}").format(message=w.message) for w in result.warnings]
    fingerprint = _("fingerprint (SHA-256 of the tag manifest): {fingerprint}")
    return out, [*notes, fingerprint.format(fingerprint=result.fingerprint)]


def write_bundle(
    request: Request,
    evidence_dir: Path | None,
    out: Path | None = None,
    progress: Progress | None = None,
    documents: Mapping[str, bytes] | None = None,
) -> Written:
    """Write the evidence bundle of a case: the evidence, an index and the timeline, and
    `documents` (letters already written, by name) under data/documents/."""
    case = load_case(request.case_path)
    out = out or bundle_path(request.out_dir, request.today)
    _outside_evidence(request, out)
    path, notes = _build(case, request, evidence_dir, out, dict(documents or {}), progress)
    return Written([path], notes=notes)


def written_letters(folder: Path) -> dict[str, bytes]:
    """Return the letters and drafts already written in a documents folder, by name: what a
    bundle made after sending holds, as they were sent. The holder's own sheets, the copies
    of what was sent (kept in the evidence) and earlier bundles are left out."""
    if not folder.is_dir():
        return {}
    return {
        path.name: path.read_bytes()
        for path in sorted(folder.iterdir())
        if path.is_file()
        and path.suffix in (".pdf", ".docx", ".eml", ".txt")
        and ".explain." not in path.name
        and ".sent-" not in path.name
    }


def write_kit(
    request: Request,
    evidence_dir: Path | None = None,
    options: Print = Print(),
    progress: Progress | None = None,
) -> Written:
    """Write every document of a case into one folder: email, letter, and the bundle of it all."""
    case = load_case(request.case_path)
    if evidence_dir is not None:
        from letters.bag.scan import require_folder

        require_folder(evidence_dir)  # before any letter is written
    _outside_evidence(request, request.out_dir, evidence_dir)  # before anything is made
    letters, warnings = _letters(request, case, options.explain)
    files, notes = print_files(letters, request.out_dir, options, request.template_dir)
    notes = warnings + notes
    mailto = None
    if letters[0].recipient.email:
        drafts, mailto = email_files(letters[0], request.out_dir)
        files = drafts | files
    else:
        notes.append(
            _("No email draft: {recipient} has no email address.").format(
                recipient=letters[0].recipient.name
            )
        )
    bundle = bundle_path(request.out_dir, request.today, request.kind)
    same = set() if request.force else unchanged(files)  # written before, byte for byte
    refuse_existing([p for p in files if p not in same], request.force)  # the bundle: once made
    # The holder's own sheets stay out of the bundle, which may go to the carrier or the FCC.
    documents = {path.name: data for path, data in files.items() if ".explain." not in path.name}
    with Transaction(request.force) as outputs:  # the documents and their bundle, together
        for path, data in files.items():
            if path not in same:
                outputs.add(path, data)
        staging = outputs.file(bundle)
        _path, bundle_notes = _build(
            case, request, evidence_dir, bundle, documents, progress, staging
        )
        written = set(outputs.commit()) | same
    return Written([*(p for p in files if p in written), bundle], mailto, notes + bundle_notes)


def run_demo(out_dir: Path, today: date | None, force: bool = False) -> Written:
    """Run the kit on the bundled sample case and sample evidence into `out_dir`, dated `today`
    (None: today on the case's clock), and leave a copy of the case there: the commands its
    sheets give name it, and work in that folder."""
    source = samples()
    today = today or case_today(source / DEMO_CASE)
    copy = {out_dir / DEMO_CASE: (source / DEMO_CASE).read_bytes()}
    refuse_existing([p for p in copy if p not in unchanged(copy)], force)  # before the kit
    request = Request(case_path=source / DEMO_CASE, out_dir=out_dir, today=today, force=force)
    written = write_kit(request, evidence_dir=source / "evidence")
    written.paths += write_outputs(copy, force)
    return written
