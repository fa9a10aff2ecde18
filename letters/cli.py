"""The command line: parse options, call one library function, print the result.

The one place that prints, reads the clock, and turns a LettersError into an exit code.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from letters import __version__, i18n
from letters.errors import InputError, LettersError
from letters.i18n import N_, _

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
MAILTO_LIMIT = 2000  # longer links are cut off by many mail programs and by Windows


class LettersFormatter(click.HelpFormatter):
    """Help whose section headings end in the language's colon (full-width in Chinese)."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_('{heading}:').format(heading=heading)}\n")


class LettersContext(click.Context):
    formatter_class = LettersFormatter


def _set_ui_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value:
        language = i18n.normalize_language(value)
        if language is None:
            raise click.BadParameter(
                _("{value} — use en, zh-CN or zh-TW").format(value=value), ctx, param
            )
        i18n.set_ui_language(language)


def _ui_lang_option() -> click.Option:
    """`--ui-lang`, accepted before the command and after it alike."""
    return LettersOption(
        ["--ui-lang"],
        metavar="LANG",
        expose_value=False,
        is_eager=True,
        callback=_set_ui_language,
        help=N_(
            "Language of these messages: en, zh-CN or zh-TW (default: LETTERS_UI_LANG, "
            "else the system's)."
        ),
    )


class LettersCommand(click.Command):
    """A command whose help is translated when it is shown, and which takes --ui-lang."""

    context_class = LettersContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.append(_ui_lang_option())

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated(self):
            super().format_help_text(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with _translated(self):
            return super().get_short_help_str(limit)


class LettersOption(click.Option):
    """An option whose help is translated when it is shown."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        with _translated(self):
            return super().get_help_record(ctx)


class _translated:
    """Swap an object's `help` for its translation while it is formatted."""

    def __init__(self, target: Any) -> None:
        self.target = target
        self.original = target.help

    def __enter__(self) -> None:
        if self.original:
            self.target.help = _(self.original)

    def __exit__(self, *exc: object) -> None:
        self.target.help = self.original


class LettersGroup(click.Group):
    """The `letters` group: sets the interface language and reports errors in one place."""

    command_class = LettersCommand
    context_class = LettersContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.append(_ui_lang_option())

    def get_short_help_str(self, limit: int = 45) -> str:
        with _translated(self):
            return super().get_short_help_str(limit)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        with i18n.interface(i18n.language_from_env()):
            return super().main(*args, **kwargs)

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated(self):
            super().format_help_text(ctx, formatter)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LettersError as error:
            _fail(ctx, error.message, error.details, error.exit_code)
        except (click.ClickException, click.exceptions.Exit):
            raise
        except click.Abort:  # a question went unanswered: input ended, or Ctrl-C
            if sys.stdin.isatty():
                _fail(ctx, _("stopped — nothing was written"), (), 1)
            _fail(
                ctx, _("the answers ran out before the last question — nothing was written"), (), 2
            )
        except KeyboardInterrupt:
            _fail(ctx, _("interrupted — nothing was written"), (), 1)
        except BrokenPipeError:  # `letters … | head` stopped reading: nothing to report
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(1)
        except OSError as error:  # a full disk, a folder we may not write to
            where = error.filename or _("a file")
            _fail(ctx, f"{where}: {error.strerror or error}", (), 1)
        except Exception as error:
            _fail(
                ctx,
                _("unexpected {kind}: {error} (run with --debug to see where)").format(
                    kind=type(error).__name__, error=error
                ),
                (),
                1,
            )


def _fail(ctx: click.Context, message: str, details: Any, code: int) -> NoReturn:
    if ctx.obj and ctx.obj.get("debug"):
        import traceback

        traceback.print_exc()
    # A hung-up terminal cannot take the message; the exit code still tells.
    with contextlib.suppress(OSError):
        click.echo(_("Error: {message}").format(message=one_line(message)), err=True)
        for line in details:
            click.echo(f"  {one_line(line)}", err=True)
    ctx.exit(code)


def one_line(text: str) -> str:
    """Show control and format characters as escapes: a message stays on its one line, and
    reads as it is stored (a value quoted in it may hold anything)."""
    return "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c
        for c in text
    )


option = functools.partial(click.option, cls=LettersOption)


def _language(value: str | None) -> str | None:
    if value is None:
        return None
    language = i18n.normalize_language(value)
    if language is None:
        raise InputError(
            _("--lang: unknown language {value} — use en, zh-CN or zh-TW").format(value=value)
        )
    return language


def document_date(value: str | None) -> date:
    """Return the date documents carry: --date, else SOURCE_DATE_EPOCH, else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if value:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise InputError(
                _("--date: {value} is not a date — write it as YYYY-MM-DD").format(value=value)
            ) from None
    elif epoch:
        try:
            day = datetime.fromtimestamp(int(epoch), UTC).date()
        except (ValueError, OverflowError, OSError):
            raise InputError(
                _("SOURCE_DATE_EPOCH: {value} is not a number of seconds").format(value=epoch)
            ) from None
    else:
        day = date.today()
    if not date(1980, 1, 1) <= day <= date(2107, 12, 31):  # what a zip can date
        raise InputError(_("--date: {value} is not between 1980 and 2107").format(value=day))
    return day


def _common(function: Any) -> Any:
    """Add the options every document command shares."""
    for decorator in reversed(
        [
            option(
                "--lang",
                metavar="LANG",
                help=N_(
                    "Language of the letter: en, zh-CN or zh-TW (default: its reader's — English, "
                    "or recipient.language for the carrier)."
                ),
            ),
            option(
                "--kind",
                default="request",
                show_default=True,
                type=click.Choice(
                    ["request", "follow-up", "refund", "dispute", "complaint", "card-dispute"]
                ),
                help=N_("Which letter to write."),
            ),
            option(
                "-o",
                "--out",
                "out",
                type=click.Path(path_type=Path, file_okay=False),
                default=None,
                help=N_("Folder to write into."),
            ),
            option("--force", is_flag=True, help=N_("Replace files that already exist.")),
            option(
                "--date",
                "date_",
                metavar="YYYY-MM-DD",
                help=N_("The date the documents carry (default: SOURCE_DATE_EPOCH, else today)."),
            ),
            option(
                "--templates",
                "template_dir",
                type=click.Path(path_type=Path, file_okay=False, exists=True),
                help=N_("A folder of your own templates, looked up before the built-in ones."),
            ),
            option(
                "--close-without-port",
                is_flag=True,
                help=N_(
                    "Write the closure request even though the case keeps the number and the "
                    "port is not marked done (closing releases the number)."
                ),
            ),
        ]
    ):
        function = decorator(function)
    return function


CASE = click.argument("case", type=click.Path(path_type=Path))
"""A case: its folder (made by `letters init NAME`) or its case file."""


def _locate(case: Path) -> Any:
    from letters.casefolder import locate

    return locate(case)


def _request(case: Path, out: Path | None, default_out: Path, **options: Any) -> Any:
    from letters.kit import Request

    return Request(
        case_path=case,
        out_dir=out or default_out,
        today=document_date(options["date_"]),
        kind=options["kind"],
        language=_language(options["lang"]),
        force=options["force"],
        template_dir=options["template_dir"],
        close_without_port=options["close_without_port"],
    )


def _report(written: Any) -> None:
    for path in written.paths:
        click.echo(_("wrote {path}").format(path=path))
    if written.mailto and len(written.mailto) <= MAILTO_LIMIT:
        click.echo(_("open the draft in your mail program: {link}").format(link=written.mailto))
    elif written.mailto:
        # Too long for a link: a link with the subject and address only, and the text to paste.
        click.echo(
            _(
                "the letter is too long for a mailto: link — open the .eml file above, or start "
                "a message with {link} and paste the text of {path}"
            ).format(link=written.subject_link, path=written.text_file)
        )
    for note in written.notes:
        click.echo(note)


@click.group(
    cls=LettersGroup,
    context_settings=CONTEXT,
    help=N_(
        "Close a US phone account and keep proof of it.\n\n"
        "From one case file, letters writes the closure-request email, a printable letter "
        "and an evidence bundle anyone can verify. Start with: letters demo"
    ),
)
@click.version_option(
    __version__,
    "--version",
    prog_name="letters",
    cls=LettersOption,
    help=N_("Show the version and exit."),
)
@option("--debug", is_flag=True, help=N_("Show the full traceback when something fails."))
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    ctx.obj = {"debug": debug}


@cli.command(
    help=N_(
        "Check a case file and show what it says, numbers masked.\n\n"
        "Example: letters check case.toml"
    )
)
@CASE
def check(case: Path) -> None:
    from letters.case import load_case
    from letters.summary import case_summary

    loaded = load_case(_locate(case).case_file)
    click.echo(_("{path}: OK").format(path=case))
    for line in case_summary(loaded):
        click.echo(f"  {line}")


@cli.command(
    help=N_(
        "Write the email draft: .eml (opens as a draft), .txt, and a mailto: link.\n\n"
        "Example: letters email case.toml -o out"
    )
)
@CASE
@_common
def email(case: Path, out: Path | None, **options: Any) -> None:
    from letters.kit import write_email

    where = _locate(case)
    _report(
        write_email(_request(where.case_file, out, where.documents_dir or Path.cwd(), **options))
    )


def _print_options(function: Any) -> Any:
    """Add the options of the printed letter."""
    for decorator in reversed(
        [
            option(
                "--format",
                "formats",
                default="pdf,docx",
                show_default=True,
                metavar="pdf,docx",
                help=N_("Which files to write: pdf, docx or both."),
            ),
            option(
                "--paper",
                type=click.Choice(["letter", "a4"]),
                default="letter",
                show_default=True,
                help=N_("Paper size: US Letter, or A4 outside North America."),
            ),
            option(
                "--envelope",
                type=click.Choice(["plain", "window", "none"]),
                default="plain",
                show_default=True,
                help=N_(
                    "Add a #10 envelope page (plain), place the address for a window "
                    "envelope, or neither."
                ),
            ),
            option(
                "--font",
                type=click.Path(path_type=Path, dir_okay=False, exists=True),
                help=N_("A TrueType font file for Chinese text (default: found on this computer)."),
            ),
            option(
                "--explain",
                type=click.Choice(["zh-CN", "zh-TW", "none"]),
                help=N_(
                    "The language of the sheet that explains each English letter to you "
                    "(default: the case's language; none: no sheet)."
                ),
            ),
        ]
    ):
        function = decorator(function)
    return function


def _print(formats: str, paper: str, envelope: str, font: Path | None, explain: str | None) -> Any:
    from letters.kit import Print

    chosen = tuple(part.strip().lower() for part in formats.split(",") if part.strip())
    unknown = [part for part in chosen if part not in ("pdf", "docx")]
    if unknown or not chosen:
        raise InputError(_("--format: {value} — use pdf, docx or pdf,docx").format(value=formats))
    return Print(chosen, paper, None if envelope == "none" else envelope, font, explain)


@cli.command(
    help=N_(
        "Write the printable letter: .pdf to print and mail, .docx to edit.\n\n"
        "Example: letters letter case.toml --kind follow-up -o out"
    )
)
@CASE
@_print_options
@_common
def letter(
    case: Path,
    out: Path | None,
    formats: str,
    paper: str,
    envelope: str,
    font: Path | None,
    explain: str | None,
    **options: Any,
) -> None:
    from letters.kit import write_letter

    printing = _print(formats, paper, envelope, font, explain)
    where = _locate(case)
    default = where.documents_dir or Path.cwd()
    _report(write_letter(_request(where.case_file, out, default, **options), printing))


@cli.command(
    help=N_(
        "Write everything for a case into one folder: the email, the letter and the bundle. "
        "For a case folder, into its documents folder, with its evidence folder.\n\n"
        "Example: letters kit my-case"
    )
)
@CASE
@option(
    "--evidence",
    type=click.Path(path_type=Path, file_okay=False),
    help=N_("The folder of evidence to bundle (default: the case folder's evidence folder)."),
)
@_print_options
@_common
def kit(
    case: Path,
    out: Path | None,
    evidence: Path | None,
    formats: str,
    paper: str,
    envelope: str,
    font: Path | None,
    explain: str | None,
    **options: Any,
) -> None:
    from letters.kit import write_kit

    where = _locate(case)
    default = where.documents_dir or Path.cwd() / f"{case.stem}-kit"
    evidence = evidence or where.evidence_default
    printing = _print(formats, paper, envelope, font, explain)
    request = _request(where.case_file, out, default, **options)
    with _Progress() as progress:
        written = write_kit(request, evidence, printing, progress)
    _report(written)


@cli.command(
    help=N_(
        "Write the evidence bundle: a BagIt zip of the evidence folder with checksums, an index "
        "and the timeline.\n\n"
        "Example: letters bundle case.toml evidence/ -o bundle.zip"
    )
)
@CASE
@click.argument("evidence", required=False, type=click.Path(path_type=Path, file_okay=False))
@option(
    "-o",
    "--out",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    help=N_("The bundle to write (default: ./bundle-DATE.zip)."),
)
@option(
    "--lang",
    metavar="LANG",
    help=N_("Language of the index: en, zh-CN or zh-TW (default: from the case file)."),
)
@option("--force", is_flag=True, help=N_("Replace files that already exist."))
@option(
    "--date",
    "date_",
    metavar="YYYY-MM-DD",
    help=N_("The bagging date the bundle carries (default: SOURCE_DATE_EPOCH, else today)."),
)
def bundle(
    case: Path,
    evidence: Path | None,
    out: Path | None,
    lang: str | None,
    force: bool,
    date_: str | None,
) -> None:
    from letters.kit import Request, write_bundle
    from letters.shell import command

    where = _locate(case)
    evidence = evidence or where.evidence_default
    if evidence is None:
        raise InputError(
            _("which evidence folder? for example: {command}").format(
                command=command("bundle", case, "evidence")
            )
        )
    request = Request(
        case_path=where.case_file,
        out_dir=where.documents_dir or Path.cwd(),
        today=document_date(date_),
        language=_language(lang),
        force=force,
    )
    with _Progress() as progress:
        written = write_bundle(request, evidence, out, progress)
    _report(written)


@cli.command(
    help=N_(
        "Check a bundle: every checksum, every file accounted for, nothing outside the bag. "
        "Prints VALID, or every problem found.\n\n"
        "Example: letters verify bundle-2026-11-24.zip"
    )
)
@click.argument("bundle_path", metavar="BUNDLE", type=click.Path(path_type=Path))
@option("--json", "as_json", is_flag=True, help=N_("Print the report as JSON."))
@click.pass_context
def verify(ctx: click.Context, bundle_path: Path, as_json: bool) -> None:
    from letters.verify import verify_bundle

    report = verify_bundle(bundle_path)
    if as_json:
        import json

        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    elif report.valid and report.fingerprint is None:
        click.echo(
            _(
                "VALID: {path} — {files} files, {size} bytes; it has no SHA-256 tag manifest, so "
                "its tag files (bag-info.txt) were not checked and it has no fingerprint"
            ).format(
                path=bundle_path,
                files=report.payload_files,
                size=i18n.format_number(report.payload_bytes, i18n.ui_language()),
            )
        )
    elif report.valid:
        click.echo(
            _("VALID: {path} — {files} files, {size} bytes, fingerprint {fingerprint}").format(
                path=bundle_path,
                files=report.payload_files,
                size=i18n.format_number(report.payload_bytes, i18n.ui_language()),
                fingerprint=report.fingerprint,
            )
        )
    else:
        click.echo(_("INVALID: {path}").format(path=bundle_path))
        for finding in report.findings:
            click.echo(f"  {finding.message}")
    ctx.exit(0 if report.valid else 1)


@cli.command(
    help=N_(
        "Send an email draft by SMTP. Shows who receives what and sends only after you say "
        "yes (or with --yes); otherwise a dry run. The password comes from "
        "LETTERS_SMTP_PASSWORD, the system keyring, or a prompt, and is never stored.\n\n"
        "Example: letters send out/request.en.eml --smtp smtp.example.com --user me@example.com"
    )
)
@click.argument("eml", type=click.Path(path_type=Path, dir_okay=False))
@option(
    "--smtp", "host", envvar="LETTERS_SMTP_HOST", help=N_("The mail server (or LETTERS_SMTP_HOST).")
)
@option(
    "--port",
    type=int,
    envvar="LETTERS_SMTP_PORT",
    help=N_("Its port (default: 587 with starttls, 465 with ssl)."),
)
@option("--user", envvar="LETTERS_SMTP_USER", help=N_("The login name (or LETTERS_SMTP_USER)."))
@option(
    "--tls",
    type=click.Choice(["starttls", "ssl", "none"]),
    default="starttls",
    show_default=True,
    help=N_("How to secure the connection; none only for a server on this computer."),
)
@option("--yes", is_flag=True, help=N_("Send without asking."))
def send(
    eml: Path, host: str | None, port: int | None, user: str | None, tls: str, yes: bool
) -> None:
    from letters import send as sending

    outgoing = sending.read_draft(eml, datetime.now(UTC).astimezone())
    for line in outgoing.summary():
        click.echo(line)
    if not yes and not (sys.stdin.isatty() and host):
        click.echo(_("Dry run: nothing was sent. Add --smtp SERVER and --yes to send."))
        return
    if not host:
        raise InputError(_("--smtp: which mail server? for example --smtp smtp.example.com"))
    default_port = {"ssl": 465, "none": 25}.get(tls, 587)
    server = sending.Server(host, port or default_port, user, tls)  # checked before any prompt
    if not yes and not click.confirm(_("Send it now?"), default=False):
        click.echo(_("Nothing was sent."))
        return
    password = sending.password_for(server)
    if server.user and password is None:
        password = click.prompt(
            _("Password for {user} at {host}").format(user=user, host=host), hide_input=True
        )
    sending.send(outgoing, server, password)
    click.echo(_("sent to {recipients}").format(recipients=", ".join(outgoing.recipients)))


class _Progress:
    """A progress bar on stderr, shown only on a terminal and only for a real amount of work."""

    def __init__(self) -> None:
        self.bar: Any = None

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)

    def start(self, total: int) -> None:
        if sys.stderr.isatty() and total > 32 * 1024 * 1024:
            self.bar = click.progressbar(length=total, file=sys.stderr, label=_("bundling"))
            self.bar.__enter__()

    def advance(self, done: int) -> None:
        if self.bar is not None:
            self.bar.update(done)


@cli.command(
    help=N_(
        "Run the kit on the bundled sample case (Chinese) into DIR (default ./letters-demo).\n\n"
        "Example: letters demo"
    )
)
@click.argument("directory", required=False, type=click.Path(path_type=Path, file_okay=False))
@option("--force", is_flag=True, help=N_("Replace files that already exist."))
@option("--date", "date_", metavar="YYYY-MM-DD", help=N_("The date the documents carry."))
def demo(directory: Path | None, force: bool, date_: str | None) -> None:
    from letters.kit import run_demo

    out = directory or Path("letters-demo")
    _report(run_demo(out, document_date(date_), force))
    click.echo(_("This was the sample case. To start your own: letters init my-case"))


@cli.group(
    cls=LettersGroup,
    help=N_(
        "List the built-in template sets, or export one to change it.\n\n"
        "Example: letters templates export my-templates"
    ),
)
def templates() -> None:
    pass


@templates.command("list", help=N_("List the built-in template sets and their files."))
def templates_list() -> None:
    from letters.templating import template_sets

    for name, files in template_sets().items():
        click.echo(name)
        for file in files:
            click.echo(f"  {file}")


@templates.command(
    "export",
    help=N_(
        "Copy a template set into DIR; then use it with --templates DIR.\n\n"
        "Example: letters templates export my-templates"
    ),
)
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@option("--set", "template_set", default="standard", show_default=True, help=N_("Which set."))
@option("--force", is_flag=True, help=N_("Replace files that already exist."))
def templates_export(directory: Path, template_set: str, force: bool) -> None:
    from letters.shell import command
    from letters.templating import export_set

    for path in export_set(directory, template_set, force):
        click.echo(_("wrote {path}").format(path=path))
    click.echo(
        _("edit them, then: {command}").format(
            command=command("kit", "CASE", "--templates", directory)
        )
    )


# --- the case over time: init, log, guide ------------------------------------------------------


def _ask(question: str, default: str) -> str:
    # A Chinese question ends in a full-width colon, with no space after it; the first,
    # trilingual question (`Language / 语言 / 語言`) keeps the Latin colon.
    chinese = i18n.ui_language() != "en" and " / " not in question
    suffix = "：" if chinese else ": "
    answer: str = click.prompt(
        question.rstrip(":："), default=default, show_default=bool(default), prompt_suffix=suffix
    )
    return answer


def _now() -> datetime:
    """Return the moment an event is logged at when --at is not given: the one clock call."""
    return datetime.now(UTC)


@cli.command(
    help=N_(
        "Ask questions in your language and make a case folder NAME holding case.toml, an "
        "evidence folder and a documents folder; a NAME ending in .toml makes a lone case file "
        "(default: case.toml).\n\n"
        "letters never needs your password or PIN. Answers can be piped in; --sample copies a "
        "sample case instead.\n\n"
        "Example: letters init my-case"
    )
)
@click.argument(
    "case",
    metavar="[NAME]",
    required=False,
    default=Path("case.toml"),
    type=click.Path(path_type=Path),
)
@option("--sample", is_flag=True, help=N_("Copy a sample case instead of asking questions."))
@option(
    "--lang",
    metavar="LANG",
    help=N_(
        "Language of the questions and the file: en, zh-CN or zh-TW "
        "(default: asked first, offering your system language)."
    ),
)
@option("--force", is_flag=True, help=N_("Replace the file if it exists."))
def init(case: Path, sample: bool, lang: str | None, force: bool) -> None:
    from letters import casefolder, wizard
    from letters.shell import command

    where = casefolder.planned(case)
    wizard.refuse_existing(where.case_file, force)
    language = _language(lang)
    if sample:
        language = language or i18n.ui_language()
        written = [wizard.copy_sample(where.case_file, language, force)]
    else:
        language = language or wizard.ask_language(_ask, click.echo, i18n.ui_language())
        i18n.set_ui_language(language)
        answers = wizard.interview(_ask, click.echo, language)
        written = [wizard.write_case(where.case_file, answers, force, where.shown.name)]
    written += casefolder.finish(where, language)
    for path in written:
        click.echo(_("wrote {path}").format(path=path))
    if not sample:
        for line in wizard.summary(where.case_file, language):
            click.echo(line)
    click.echo(_("Next: {command}").format(command=command("guide", where.shown)))


@cli.group(
    cls=LettersGroup,
    invoke_without_command=True,
    help=N_(
        "List the case's timeline, oldest first; add to it with `add`.\n\n"
        "Example: letters log case.toml"
    ),
)
@CASE
@click.pass_context
def log(ctx: click.Context, case: Path) -> None:
    ctx.meta["letters.case"] = case
    if ctx.invoked_subcommand is None:
        from letters.case import load_case
        from letters.timeline import timeline_lines

        for line in timeline_lines(load_case(_locate(case).case_file)):
            click.echo(line)


@log.command(
    help=N_(
        "Add an event to the case's timeline; the rest of the file stays exactly as it was.\n\n"
        'Example: letters log case.toml add --channel phone --party "Agent Lisa" '
        '--reference CS-12345 --summary "Asked to close the account." --at 2026-11-20T14:30'
    )
)
@option(
    "--channel",
    required=True,
    metavar="CHANNEL",
    help=N_("How: phone, email, chat, online, mail, store or other."),
)
@option("--summary", required=True, help=N_("What happened, in your own words."))
@option("--party", help=N_('Who you dealt with, like "Agent Lisa".'))
@option("--reference", help=N_("The ticket or reference number you were given."))
@option(
    "--at",
    metavar="WHEN",
    help=N_("When: YYYY-MM-DD or YYYY-MM-DDTHH:MM in the case's time zone (default: now)."),
)
@option(
    "--evidence",
    multiple=True,
    metavar="FILE",
    help=N_("A file in the evidence folder that shows it (repeat for more)."),
)
@option(
    "--evidence-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help=N_("The evidence folder (default: the case folder's, or evidence beside the case file)."),
)
@option(
    "--certified-mail",
    metavar="NUMBER",
    help=N_("The USPS Certified Mail article number of a letter (20 digits)."),
)
@click.pass_context
def add(
    ctx: click.Context,
    evidence: tuple[str, ...],
    evidence_dir: Path | None,
    **values: Any,
) -> None:
    from letters.timeline import NewEvent, add_event

    case = ctx.meta["letters.case"]
    where = _locate(case)
    new = NewEvent(evidence=evidence, **values)
    event = add_event(where.case_file, new, _now(), evidence_dir or where.evidence_dir)
    when = i18n.format_moment(event.at, i18n.ui_language())
    click.echo(_("{path}: added the event of {when}").format(path=case, when=when))


@cli.command(
    help=N_(
        "Show the checklist, where the case stands and the next steps, with their dates.\n\n"
        "Example: letters guide case.toml --ics deadlines.ics"
    )
)
@CASE
@option(
    "--date",
    "date_",
    metavar="YYYY-MM-DD",
    help=N_("The day to plan from (default: SOURCE_DATE_EPOCH, else today)."),
)
@option(
    "--ics",
    type=click.Path(path_type=Path, dir_okay=False),
    help=N_("Also write the deadlines to this calendar file (.ics)."),
)
@option("--force", is_flag=True, help=N_("Replace the calendar file if it exists."))
def guide(case: Path, date_: str | None, ics: Path | None, force: bool) -> None:
    from letters.case import load_case
    from letters.guide import plan, write_calendar

    result = plan(load_case(_locate(case).case_file), document_date(date_))
    click.echo(result.headline)
    click.echo("\n" + _("Checklist"))
    for item in result.checklist:
        click.echo(f"  {'[x]' if item.done else '[ ]'} {item.text}")
    click.echo("\n" + _("Next steps"))
    for number, step in enumerate(result.steps, 1):
        click.echo(f"  {number}. {step.text}")
    if ics and (written := write_calendar(result, ics, force)):
        click.echo(_("wrote {path}").format(path=written))
    elif ics:
        click.echo(_("No dates yet to put in a calendar: {path} was not written.").format(path=ics))


_STOPPING_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


def _stop_on_signals() -> None:
    """Make SIGTERM and SIGHUP stop the run as Ctrl-C does: by an exception, so that what
    was half written is removed on the way out instead of being left on the disk."""

    def stop(signum: int, frame: object) -> None:
        # Once stopping, further signals must not cut the cleanup short.
        for name in _STOPPING_SIGNALS:
            signal.signal(getattr(signal, name), signal.SIG_IGN)
        raise KeyboardInterrupt

    for name in _STOPPING_SIGNALS:
        number = getattr(signal, name, None)  # Windows has no SIGHUP
        if number is not None and signal.getsignal(number) is not signal.SIG_IGN:  # nohup
            signal.signal(number, stop)


def main() -> None:
    """Run the `letters` command line."""
    _stop_on_signals()
    cli.main(prog_name="letters")
