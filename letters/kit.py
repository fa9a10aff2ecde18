"""Produce a case's documents and write them where they belong, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from letters.case import Case, load_case
from letters.content import Letter, render_letter
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


def _letter(request: Request) -> tuple[Case, Letter]:
    case = load_case(request.case_path)
    letter = render_letter(
        case, request.kind, request.language, request.today, request.template_dir
    )
    return case, letter


def stem(letter: Letter) -> str:
    """Return the file name stem of a letter's documents: `request.zh-CN`."""
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
