"""Produce a case's documents and write them where they belong, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from letters.case import Case, load_case
from letters.content import COMPANIONS, Letter, render_letter
from letters.errors import InputError
from letters.i18n import _
from letters.output import write_outputs
from letters.resources import samples

DEMO_CASE = "case-zh-CN.toml"


@dataclass
class Written:
    """What a command wrote, for the CLI to report."""

    paths: list[Path] = field(default_factory=list)
    mailto: str | None = None
    notes: list[str] = field(default_factory=list)


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


@dataclass(frozen=True)
class Print:
    """How the printed letter is made: formats, paper, envelope, font, companion sheet."""

    formats: tuple[str, ...] = ("pdf", "docx")
    paper: str = "letter"
    envelope: str | None = "plain"
    font: Path | None = None
    explain: str | None = None


def _letter(request: Request) -> tuple[Case, Letter]:
    case = load_case(request.case_path)
    letter = render_letter(
        case, request.kind, request.language, request.today, request.template_dir
    )
    return case, letter


def _letters(request: Request, case: Case, explain: str | None) -> list[Letter]:
    """Render the letter asked for, the documents that go with it, and the explanation sheet."""
    kinds = [request.kind, *COMPANIONS.get(request.kind, ())]
    letters = [
        render_letter(case, kind, request.language, request.today, request.template_dir)
        for kind in kinds
    ]
    if explain:
        if letters[0].language != "en":
            raise InputError(_("--explain: goes with an English letter — add --lang en"))
        letters.append(
            render_letter(
                case, "explain", explain, request.today, request.template_dir, request.kind
            )
        )
    return letters


def print_files(
    case: Case, letters: list[Letter], out_dir: Path, options: Print, template_dir: Path | None
) -> tuple[dict[Path, bytes], list[str]]:
    """Return the printable documents of the letters (PDF, DOCX) and notes for the user."""
    from letters.render.docx import render_docx
    from letters.render.pdf import render_pdf

    files: dict[Path, bytes] = {}
    notes: list[str] = []
    for letter in letters:
        base = out_dir / stem(letter)
        if "pdf" in options.formats or letter.sheet:
            envelope = None if letter.sheet else options.envelope
            pdf = render_pdf(
                case, letter, paper=options.paper, font=options.font, envelope=envelope
            )
            files[base.with_name(base.name + ".pdf")] = pdf.data
            notes += [note for note in pdf.notes if note not in notes]
        if "docx" in options.formats and not letter.sheet:
            docx = render_docx(case, letter, paper=options.paper, template_dir=template_dir)
            files[base.with_name(base.name + ".docx")] = docx
    return files, notes


def write_letter(request: Request, options: Print) -> Written:
    """Write the printable letter (PDF, DOCX) and what goes with it."""
    case = load_case(request.case_path)
    letters = _letters(request, case, options.explain)
    files, notes = print_files(case, letters, request.out_dir, options, request.template_dir)
    return Written(write_outputs(files, request.force), notes=notes)


def stem(letter: Letter) -> str:
    """Return the file name stem of a letter's documents: `request.zh-CN`, and for a sheet
    the letter it explains: `request.en.explain.zh-CN`."""
    if letter.explains:
        return f"{letter.explains}.en.{letter.kind}.{letter.language}"
    return f"{letter.kind}.{letter.language}"


def email_files(case: Case, letter: Letter, out_dir: Path) -> tuple[dict[Path, bytes], str]:
    """Return the email draft's files (`.eml`, `.txt`) and its `mailto:` link."""
    from letters.render.email import build_email

    draft = build_email(case, letter)
    base = out_dir / stem(letter)
    files = {
        base.with_name(base.name + ".eml"): draft.eml,
        base.with_name(base.name + ".txt"): draft.text.encode("utf-8"),
    }
    return files, draft.mailto


def write_email(request: Request) -> Written:
    """Write the email draft of a case."""
    case, letter = _letter(request)
    files, mailto = email_files(case, letter, request.out_dir)
    return Written(write_outputs(files, request.force), mailto)


def write_kit(request: Request, evidence_dir: Path | None = None) -> Written:
    """Write every document that exists for a case into one folder."""
    case, letter = _letter(request)
    files, mailto = email_files(case, letter, request.out_dir)
    if evidence_dir is not None and not evidence_dir.is_dir():
        raise InputError(_("{path}: no such evidence folder").format(path=evidence_dir))
    return Written(write_outputs(files, request.force), mailto)


def run_demo(out_dir: Path, today: date, force: bool = False) -> Written:
    """Run the kit on the bundled sample case and sample evidence into `out_dir`."""
    source = samples()
    request = Request(case_path=source / DEMO_CASE, out_dir=out_dir, today=today, force=force)
    return write_kit(request, evidence_dir=source / "evidence")
