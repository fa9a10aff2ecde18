"""The command line: parse options, call one library function, print the result.

The one place that prints, reads the clock, and turns a LettersError into an exit code.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, cast

import click

from letters import __version__, i18n
from letters.errors import InputError, LettersError
from letters.i18n import N_, _

if TYPE_CHECKING:
    from datetime import date, datetime
    from pathlib import Path

# What `letters --help` imports is what every run pays for: the library, the clock and the
# signals are imported where a command needs them, not here.

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
MAILTO_LIMIT = 2000  # longer links are cut off by many mail programs and by Windows


class LettersFormatter(click.HelpFormatter):
    """Help whose headings end in the language's colon: full-width in Chinese, no space after."""

    def __init__(
        self, indent_increment: int = 2, width: int | None = None, max_width: int | None = None
    ) -> None:
        if width is None:  # Click's own rule, without its import of shutil (and of lzma)
            width = click.formatting.FORCED_WIDTH or max(min(_columns(), max_width or 80) - 2, 50)
        super().__init__(indent_increment, width, max_width)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_('{heading}:').format(heading=heading)}\n")

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:
            usage = _("Usage:")
            prefix = usage if usage.endswith("：") else usage + " "
        super().write_usage(prog, args, prefix)


def _columns() -> int:
    """Return the terminal's width: COLUMNS, else the terminal's own, else 80."""
    with contextlib.suppress(KeyError, ValueError):
        if (columns := int(os.environ["COLUMNS"])) > 0:
            return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


def _help_option(option: click.Option | None) -> click.Option | None:
    """Word --help in the language of this run (Click words it once, when first made)."""
    if option is not None:
        option.help = _("Show this message and exit.")
    return option


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
        ctx.meta[UI_LANG_CHOSEN] = language


UI_LANG_CHOSEN = "letters.ui_lang"
"""Where the context keeps the --ui-lang given, if one was."""


def _reader_language(ctx: click.Context, case_language: str) -> str:
    """Return the language to speak to the holder in: --ui-lang or LETTERS_UI_LANG when given,
    else the case's `language` (the one the holder reads), not the system's."""
    return ctx.meta.get(UI_LANG_CHOSEN) or i18n.chosen_language() or case_language


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


def _ui_lang_first(args: list[str]) -> None:
    """Speak the --ui-lang of a command line before anything else is read, so that its
    --help and its usage errors are in that language wherever the option stands."""
    for index, arg in enumerate(args):
        if arg == "--":
            return
        value = arg.removeprefix("--ui-lang=") if arg.startswith("--ui-lang=") else None
        if arg == "--ui-lang" and index + 1 < len(args):
            value = args[index + 1]
        language = i18n.normalize_language(value) if value else None
        if language:
            i18n.set_ui_language(language)


def _without_ui_lang(args: list[str]) -> list[str]:
    """Return the arguments after a group's case without the --ui-lang before its command:
    `_ui_lang_first` has spoken it, and a group stops reading options at its case."""
    index = 0
    while index < len(args) and args[index].split("=")[0] == "--ui-lang":
        index += 2 if args[index] == "--ui-lang" else 1
    return args[index:]


class LettersCommand(click.Command):
    """A command whose help is translated when it is shown, and which takes --ui-lang."""

    context_class = LettersContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.append(_ui_lang_option())

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        _ui_lang_first(args)
        with _one_line():
            return super().parse_args(ctx, args)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return _help_option(super().get_help_option(ctx))

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated(self):
            super().format_help_text(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with _translated(self):
            return super().get_short_help_str(limit)


@contextlib.contextmanager
def _one_line() -> Iterator[None]:
    """Say a mistake in calling a command as one `Error:` line that names the help to read:
    click shows the command's whole usage above it, which tells a newcomer nothing more."""
    try:
        yield
    except click.exceptions.NoArgsIsHelpError:
        raise  # `letters` alone: its help is what was asked for
    except click.UsageError as error:
        if error.ctx is None:  # said in one line already, by a command within
            raise
        message = _("{message} — {command} --help shows how to use it").format(
            message=error.format_message().rstrip(".。"), command=error.ctx.command_path
        )
        raise click.UsageError(message) from None


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

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        _ui_lang_first(args)
        with _one_line():
            takes_case = any(isinstance(param, click.Argument) for param in self.params)
            if takes_case and args and args[0] in self.commands and not os.path.exists(args[0]):
                # `letters log add CASE …`: the command where the case goes
                raise click.UsageError(
                    _("the case comes first: {usage}").format(
                        usage=f"{ctx.command_path} CASE {args[0]} …"
                    ),
                    ctx,
                )
            if takes_case and args and not args[0].startswith("-"):
                args = [args[0], *_without_ui_lang(args[1:])]  # `letters log CASE --ui-lang zh-CN`
            return super().parse_args(ctx, args)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        with _one_line():
            return super().resolve_command(ctx, args)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return _help_option(super().get_help_option(ctx))

    def main(self, *args: Any, **kwargs: Any) -> Any:
        with i18n.interface(i18n.language_from_env()):
            return super().main(*args, **kwargs)

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated(self):
            super().format_help_text(ctx, formatter)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with _one_line():  # a command missing, or a command's own usage mistake
                return super().invoke(ctx)
        except LettersError as error:
            _fail(ctx, error.message, error.details, error.exit_code)
        except (click.ClickException, click.exceptions.Exit):
            raise
        except click.Abort as abort:  # a question went unanswered: input ended, or Ctrl-C
            # click's prompt raises Abort "from None" for both: what it caught is the context.
            if sys.stdin.isatty() or isinstance(abort.__context__, KeyboardInterrupt):
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
            reason = i18n.os_reason(error)
            _fail(ctx, _("{path}: {reason}").format(path=where, reason=reason), (), 1)
        except Exception as error:
            _fail(
                ctx,
                _("unexpected {kind}: {error} (run with --debug to see where)").format(
                    kind=type(error).__name__, error=_masked(str(error))
                ),
                (),
                1,
            )


def _masked(text: str) -> str:
    """Mask every long number in a message no one wrote for users: a library's own text may
    quote a value of the case, an account or phone number among them."""
    import re

    from letters.identifiers import mask

    number = r"\d(?:[\d ().+-]*\d){4,}"  # 5 digits or more, however written
    return re.sub(number, lambda found: mask(found.group()), text)


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
    import unicodedata

    return "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c
        for c in text
    )


option = functools.partial(click.option, cls=LettersOption)
F = TypeVar("F", bound=Callable[..., Any])

# --- options and arguments: each defined once ---------------------------------------------


class PathType(click.Path):
    """A path, given to the command as a pathlib.Path; pathlib is imported only when a path
    is given, as `letters --help` has no need of it."""

    def coerce_path_result(self, value: Any) -> Any:
        from pathlib import Path

        return value if isinstance(value, Path) else Path(os.fsdecode(value))


PATH = PathType()
FILE = PathType(dir_okay=False)
FOLDER = PathType(file_okay=False)


def _here() -> Path:
    """Return the current folder, where documents go when nothing else says where."""
    from pathlib import Path

    return Path.cwd()


class LibraryChoice(click.Choice[str]):
    """A choice among one of the library's own lists, read from the library only when a
    command runs or shows its help: `letters --help` stays clear of the library."""

    def __init__(self, load: Callable[[], Sequence[str]]) -> None:
        self.load = load
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(self.load())

    @choices.setter
    def choices(self, value: object) -> None:
        """Ignore Click's own setting of the list: the list is always the library's."""


def _kinds() -> Sequence[str]:
    from letters.content import KINDS

    return KINDS


def _papers() -> Sequence[str]:
    from letters.render.pdf import PAPERS

    return tuple(PAPERS)


def _envelopes() -> Sequence[str]:
    from letters.render.pdf import ENVELOPES

    return (*ENVELOPES, "none")


def _security() -> Sequence[str]:
    from letters.send import TLS_CHOICES

    return TLS_CHOICES


def document_language(value: str | None) -> str | None:
    """Return the language --lang names (`zh_TW` → `zh-TW`), None when not given."""
    if value is None:
        return None
    language = i18n.normalize_language(value)
    if language is None:
        raise InputError(
            _("--lang: unknown language {value} — use en, zh-CN or zh-TW").format(value=value)
        )
    return language


def document_date(value: str | None) -> date | None:
    """Return the date documents carry: --date, else SOURCE_DATE_EPOCH; None for today on the
    case's clock (`letters.case.today_in`), which the case decides."""
    from datetime import UTC, date, datetime

    from letters.bag.zipdates import FIRST, LAST

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
        return None
    if not FIRST <= day <= LAST:  # what a zip can date
        raise InputError(
            _("--date: {value} is not between {first} and {last}").format(
                value=day, first=FIRST.year, last=LAST.year
            )
        )
    return day


def lang_option(help: str) -> Callable[[F], F]:
    """`--lang LANG`, given to the command as `language`: one of i18n.LANGUAGES, or None."""
    return option(
        "--lang",
        "language",
        metavar="LANG",
        callback=lambda ctx, param, value: document_language(value),
        help=help,
    )


def date_option(
    help: str = N_(
        "The date the documents carry (default: SOURCE_DATE_EPOCH, else today in the case's "
        "time zone)."
    ),
    carried: bool = True,
) -> Callable[[F], F]:
    """`--date YYYY-MM-DD`, given to the command as `day`: a date, or None for the case's
    today (see document_date).

    `carried`: the documents carry the date, so one given far ahead (a year mistyped) is
    warned of; a day to plan from may be any day.
    """

    def parse(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
        day = document_date(value)
        if carried and value and day:
            _far_ahead(day)
        return day

    return option("--date", "day", metavar="YYYY-MM-DD", callback=parse, help=help)


FAR_AHEAD = 14
"""Days after today past which a date the documents carry is likely a typing slip."""


def _far_ahead(day: date) -> None:
    from datetime import date

    ahead = (day - date.today()).days
    if ahead > FAR_AHEAD:
        click.echo(
            _(
                "Warning: --date {date} is {days} days from today, and the documents carry it "
                "— check the year"
            ).format(date=i18n.format_date(day, i18n.ui_language()), days=ahead),
            err=True,
        )


def force_option(help: str = N_("Replace files that already exist.")) -> Callable[[F], F]:
    """`--force`: replace what already exists."""
    return option("--force", is_flag=True, help=help)


def out_option(
    help: str = N_("Folder to write into."), kind: PathType = FOLDER
) -> Callable[[F], F]:
    """`-o/--out`, given to the command as `out`: a folder, or the file `kind` says."""
    return option("-o", "--out", "out", type=kind, default=None, help=help)


def _document_options(function: F) -> F:
    """Add the options every document command shares."""
    for decorator in reversed(
        [
            lang_option(
                N_(
                    "Language of the letter: en, zh-CN or zh-TW (default: its reader's — English, "
                    "or recipient.language for the carrier)."
                )
            ),
            option(
                "--kind",
                default="request",
                show_default=True,
                type=LibraryChoice(_kinds),
                help=N_("Which letter to write."),
            ),
            out_option(),
            force_option(),
            date_option(),
            option(
                "--templates",
                "template_dir",
                type=PathType(file_okay=False, exists=True),
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


CASE = click.argument("case", type=PATH)
"""A case: its folder (made by `letters init NAME`) or its case file."""


def _locate(case: Path) -> Any:
    from letters.casefolder import locate

    return locate(case)


CASES = click.argument("case", nargs=-1, required=True, type=PATH)
"""Several cases: each a case folder or a case file."""


def _request(case: Path, out: Path | None, default_out: Path, **options: Any) -> Any:
    from letters.case import case_today
    from letters.kit import Request

    return Request(
        case_path=case,
        out_dir=out or default_out,
        today=options["day"] or case_today(case),
        kind=options["kind"],
        language=options["language"],
        force=options["force"],
        template_dir=options["template_dir"],
        close_without_port=options["close_without_port"],
    )


def _each(cases: tuple[Path, ...], out: Path | None, make: Any) -> None:
    """Run a document command on one case, or on each of several and report each one.

    `make(where, folder)` writes one case's documents into `folder` (None: the command's
    default for a single case). With several cases, one that fails does not stop the others,
    and the exit code is that of the worst failure.
    """
    from letters.batch import out_dir, run_each
    from letters.casefolder import distinct, locate

    cases = tuple(distinct(cases))
    if len(cases) == 1:
        _report(make(locate(cases[0]), out))
        return
    here = _here()
    with _counting(len(cases), _("cases")) as advance:
        outcomes = run_each(cases, lambda where: make(where, out_dir(where, out, here)), advance)
    for outcome in outcomes:
        _report_outcome(outcome)
    failed = [outcome.error for outcome in outcomes if outcome.error is not None]
    click.echo(
        _("{done} of {count} cases done").format(done=len(outcomes) - len(failed), count=len(cases))
    )
    if failed:
        click.get_current_context().exit(max(error.exit_code for error in failed))


@contextlib.contextmanager
def _counting(total: int, label: str) -> Iterator[Callable[[], None]]:
    """Show a progress bar on a terminal, and give what moves it on by one."""
    if not sys.stderr.isatty():
        yield lambda: None
        return
    with click.progressbar(length=total, file=sys.stderr, label=label) as bar:
        yield lambda: bar.update(1)


def _report_outcome(outcome: Any) -> None:
    """Report what one case of several came to: its files, or its error."""
    if outcome.error is not None:
        error = outcome.error
        click.echo(
            _("{case}: Error: {message}").format(case=outcome.case, message=error.message), err=True
        )
        for line in outcome.error.details:
            click.echo(f"  {line}", err=True)
        return
    click.echo(_("{case}: done").format(case=outcome.case))
    for path in outcome.result.paths:
        click.echo("  " + _("wrote {path}").format(path=path))
    for note in outcome.result.notes:
        click.echo(f"  {note}")


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
    settings = ctx.ensure_object(dict)
    settings["debug"] = debug
    if settings.get("stop_on_signals"):  # a command is about to run (help has stopped before)
        _stop_on_signals()


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
    for key, day in loaded.days_to_come(document_date(None) or loaded.today()):
        message = _("Warning: {key} = {day}, a day that has not come yet — correct it")
        click.echo(message.format(key=key, day=day.isoformat()), err=True)


@cli.command(
    help=N_(
        "Write the email draft: .eml (opens as a draft), .txt, and a mailto: link.\n\n"
        "Example: letters email case.toml -o out"
    )
)
@CASES
@_document_options
def email(case: tuple[Path, ...], out: Path | None, **options: Any) -> None:
    from letters.kit import write_email

    _each(
        case,
        out,
        lambda where, folder: write_email(
            _request(where.case_file, folder, where.documents_dir or _here(), **options)
        ),
    )


def _print_options(function: F) -> F:
    """Add the options of the printed letter, handed to the command as one `printing`
    (checked: a `letters.kit.Print`)."""
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
                type=LibraryChoice(_papers),
                help=N_(
                    "Paper size: letter (US Letter) or a4 (default: A4 when your address is "
                    "outside North America, else US Letter)."
                ),
            ),
            option(
                "--envelope",
                type=LibraryChoice(_envelopes),
                default="plain",
                show_default=True,
                help=N_(
                    "Add a #10 envelope page (plain), place the address for a window "
                    "envelope, or neither."
                ),
            ),
            option(
                "--window-offset",
                metavar="RIGHT,DOWN",
                help=N_(
                    "With --envelope window: move the address this many inches, for an "
                    "envelope whose window sits elsewhere (see the test page written with it)."
                ),
            ),
            option(
                "--font",
                type=PathType(dir_okay=False, exists=True),
                help=N_("A TrueType font file for Chinese text (default: found on this computer)."),
            ),
            option(
                "--explain",
                type=click.Choice([*(lang for lang in i18n.LANGUAGES if lang != "en"), "none"]),
                help=N_(
                    "The language of the sheet that explains each English letter to you "
                    "(default: the case's language; none: no sheet)."
                ),
            ),
        ]
    ):
        function = decorator(function)

    @functools.wraps(function)
    def printing(
        *args: Any,
        formats: str,
        paper: str | None,
        envelope: str,
        window_offset: str | None,
        font: Path | None,
        explain: str | None,
        **kwargs: Any,
    ) -> Any:
        chosen = _print(formats, paper, envelope, font, explain, window_offset)
        return function(*args, printing=chosen, **kwargs)

    return cast(F, printing)


def _print(
    formats: str,
    paper: str | None,
    envelope: str,
    font: Path | None,
    explain: str | None,
    window_offset: str | None = None,
) -> Any:
    from letters.kit import Print

    chosen = tuple(part.strip().lower() for part in formats.split(",") if part.strip())
    unknown = [part for part in chosen if part not in ("pdf", "docx")]
    if unknown or not chosen:
        raise InputError(_("--format: {value} — use pdf, docx or pdf,docx").format(value=formats))
    offset = (0.0, 0.0)
    if window_offset is not None:
        try:
            right, down = (float(part) for part in window_offset.split(","))
        except ValueError:
            raise InputError(
                _("--window-offset: {value} — write RIGHT,DOWN in inches, such as 0.25,-0.1")
                .format(value=window_offset)
            ) from None  # fmt: skip
        offset = (right, down)
    return Print(chosen, paper, None if envelope == "none" else envelope, font, explain, offset)


@cli.command(
    help=N_(
        "Write the printable letter: .pdf to print and mail, .docx to edit.\n\n"
        "Example: letters letter case.toml --kind follow-up -o out"
    )
)
@CASES
@_print_options
@_document_options
def letter(case: tuple[Path, ...], out: Path | None, printing: Any, **options: Any) -> None:
    from letters.kit import write_letter

    _each(
        case,
        out,
        lambda where, folder: write_letter(
            _request(where.case_file, folder, where.documents_dir or _here(), **options),
            printing,
        ),
    )


@cli.command(
    help=N_(
        "Write everything for a case into one folder: the email, the letter and the bundle. "
        "For a case folder, into its documents folder, with its evidence folder.\n\n"
        "Example: letters kit my-case"
    )
)
@CASES
@option(
    "--evidence",
    type=FOLDER,
    help=N_("The folder of evidence to bundle (default: the case folder's evidence folder)."),
)
@_print_options
@_document_options
def kit(
    case: tuple[Path, ...],
    out: Path | None,
    evidence: Path | None,
    printing: Any,
    **options: Any,
) -> None:
    from letters.kit import write_kit

    if evidence is not None and len(case) > 1:
        raise InputError(
            _("--evidence: with several cases, each case's own evidence folder is bundled")
        )

    def one(where: Any, folder: Path | None) -> Any:
        default = where.documents_dir or _here() / f"{where.case_file.stem}-kit"
        request = _request(where.case_file, folder, default, **options)
        with ProgressBar() as progress:
            return write_kit(request, evidence or where.evidence_default, printing, progress)

    _each(case, out, one)


@cli.command(
    help=N_(
        "Write the evidence bundle: a BagIt zip of the evidence folder with checksums, an index "
        "and the timeline. Give a case and its evidence folder, or one or more case folders "
        "(each with its own evidence folder).\n\n"
        "Example: letters bundle case.toml evidence/ -o bundle.zip"
    )
)
@click.argument("paths", metavar="CASE... [EVIDENCE]", nargs=-1, required=True, type=PATH)
@out_option(
    N_(
        "The bundle to write (default: ./bundle-DATE.zip); with several cases, the folder that "
        "gets one folder of documents per case."
    ),
    PATH,
)
@lang_option(N_("Language of the index: en, zh-CN or zh-TW (default: from the case file)."))
@force_option()
@date_option(
    N_(
        "The bagging date the bundle carries (default: SOURCE_DATE_EPOCH, else today in the "
        "case's time zone)."
    )
)
def bundle(
    paths: tuple[Path, ...],
    out: Path | None,
    language: str | None,
    force: bool,
    day: date | None,
) -> None:
    from letters.case import case_today
    from letters.casefolder import holds_case
    from letters.kit import Request, write_bundle
    from letters.shell import command

    cases, evidence = paths, None
    if len(paths) == 2 and not holds_case(paths[1]):
        cases, evidence = paths[:1], paths[1]  # CASE EVIDENCE: one case, its evidence named
    several = len(cases) > 1

    def one(where: Any, folder: Path | None) -> Any:
        chosen = evidence or where.evidence_default
        if chosen is None:
            raise InputError(
                _("which evidence folder? for example: {command}").format(
                    command=command("bundle", where.case_file, "evidence")
                )
            )
        request = Request(
            case_path=where.case_file,
            out_dir=(folder if several else None) or where.documents_dir or _here(),
            today=day or case_today(where.case_file),
            language=language,
            force=force,
        )
        with ProgressBar() as progress:
            return write_bundle(request, chosen, None if several else out, progress)

    _each(cases, out, one)


@cli.command(
    help=N_(
        "Check a bundle — its .zip file or an unpacked bag folder, made by letters or any "
        "BagIt tool: every checksum, every file accounted for, nothing outside the bag. Prints "
        "VALID, VALID, with warnings (each named), or INVALID with every problem found; says "
        "what could not be checked. Exit 0 when valid, 1 when not.\n\n"
        "Example: letters verify bundle-2026-11-24.zip --fingerprint 3f2a…"
    )
)
@click.argument("bundle_path", metavar="BUNDLE", type=PATH)
@option(
    "--fingerprint",
    metavar="HEX",
    help=N_(
        "The fingerprint quoted in your letter (SHA-256 of the tag manifest): the bundle must "
        "be the one that has it."
    ),
)
@option("--strict", is_flag=True, help=N_("Count warnings as problems: INVALID, exit 1."))
@option("--json", "as_json", is_flag=True, help=N_("Print the report as JSON."))
@click.pass_context
def verify(
    ctx: click.Context, bundle_path: Path, fingerprint: str | None, strict: bool, as_json: bool
) -> None:
    from letters.verify import a_case_not_a_bundle, not_a_bundle, verify_bundle

    if bundle_path.is_dir() and not as_json and (said := a_case_not_a_bundle(bundle_path)):
        raise InputError(said)
    report = verify_bundle(bundle_path, fingerprint=fingerprint, strict=strict)
    if report.not_a_zip and not as_json:  # a file given by mistake: bad input, not a bad bundle
        raise InputError(not_a_bundle(bundle_path))
    if as_json:
        import json

        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        ctx.exit(0 if report.valid else 1)
    for line in report.lines():
        click.echo(line)
    ctx.exit(0 if report.valid else 1)


@cli.command(
    help=N_(
        "Send an email draft by SMTP. Shows who receives what and sends only after you say "
        "yes (or with --yes); otherwise a dry run. The password comes from "
        "LETTERS_SMTP_PASSWORD, the system keyring, or a prompt, and is never stored.\n\n"
        "What was sent is kept: a copy beside the draft and, when the draft belongs to a case "
        "(--case, or the case folder the draft is in), a copy in its evidence folder, an event "
        "in its timeline and, for the closure request, the date it was sent.\n\n"
        "Example: letters send out/request.en.eml --smtp smtp.example.com --user me@example.com"
    )
)
@click.argument("eml", type=FILE)
@option(
    "--case",
    "case_path",
    type=PATH,
    help=N_("The case to record the sending in (default: the case folder the draft is in)."),
)
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
    type=LibraryChoice(_security),
    default="starttls",
    show_default=True,
    help=N_("How to secure the connection; none only for a server on this computer."),
)
@option("--yes", is_flag=True, help=N_("Send without asking."))
def send(
    eml: Path,
    case_path: Path | None,
    host: str | None,
    port: int | None,
    user: str | None,
    tls: str,
    yes: bool,
) -> None:
    from letters import send as sending

    prepared = sending.prepare(eml, case_path, clock().astimezone())
    for line in prepared.summary():
        click.echo(line)
    if not yes and not (sys.stdin.isatty() and host):
        if host:
            click.echo(_("Dry run: nothing was sent. Add --yes to send."))
        else:
            click.echo(_("Dry run: nothing was sent. Add --smtp SERVER and --yes to send."))
        return
    server = sending.server_for(host, port, user, tls)  # checked before any question
    if not yes and not click.confirm(_("Send it now?"), default=False):
        click.echo(_("Nothing was sent."))
        return
    recorded = sending.deliver(
        prepared,
        server,
        ask_password=lambda: click.prompt(
            _("Password for {user} at {host}").format(user=user, host=host), hide_input=True
        ),
    )
    click.echo(_("sent to {recipients}").format(recipients=", ".join(prepared.outgoing.recipients)))
    click.echo(_("kept a copy of what was sent: {path}").format(path=recorded.copy))
    if recorded.case_file is None:
        click.echo(_("not recorded in a case: next time add --case CASE"))
        return
    click.echo(
        _("{path}: added the event, with the copy {name} in the evidence folder").format(
            path=recorded.case_file, name=recorded.evidence
        )
    )
    if recorded.request_sent:
        click.echo(
            _("{path}: the closure request is now recorded as sent").format(path=recorded.case_file)
        )


class ProgressBar:
    """A progress bar on stderr, shown only on a terminal and only for a real amount of work."""

    def __init__(self) -> None:
        self.bar: Any = None

    def __enter__(self) -> ProgressBar:
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
@click.argument("directory", required=False, default="letters-demo", type=FOLDER)
@force_option()
@date_option()
def demo(directory: Path, force: bool, day: date | None) -> None:
    from letters.kit import DEMO_CASE, run_demo
    from letters.shell import quote

    _report(run_demo(directory, day, force))
    click.echo(
        _(
            "This was the sample case, copied to {case}: the commands in the sheets work in "
            "that folder. To start your own: letters init my-case"
        ).format(case=quote(directory / DEMO_CASE))
    )


@cli.group(
    cls=LettersGroup,
    help=N_(
        "List the built-in template sets, or export one to change it.\n\n"
        "Example: letters templates export my-templates"
    ),
)
def templates() -> None:
    pass


@templates.command(
    "list",
    help=N_("List the built-in template sets and their files.\n\nExample: letters templates list"),
)
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
@click.argument("directory", type=FOLDER)
@option(
    "--set",
    "template_set",
    metavar="NAME",
    default="standard",
    show_default=True,
    help=N_("Which set."),
)
@force_option()
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
    answer: str = click.prompt(
        question,
        default=default,
        show_default=bool(default),
        prompt_suffix=i18n.prompt_suffix(),
    )
    return answer


def clock() -> datetime:
    """Return this moment: the one call to the clock, for what is logged or sent now."""
    from datetime import UTC, datetime

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
    default="case.toml",
    type=PATH,
)
@option("--sample", is_flag=True, help=N_("Copy a sample case instead of asking questions."))
@lang_option(
    N_(
        "Language of the questions and the file: en, zh-CN or zh-TW "
        "(default: asked first, offering your system language)."
    )
)
@force_option(N_("Replace the file if it exists."))
@option(
    "--from-csv",
    "roster",
    type=FILE,
    help=N_(
        "Make one case folder per row of a spreadsheet saved as CSV (columns: folder, "
        "language and the case file's keys, like holder.name — see the README), inside NAME "
        "when it is given, else in the current folder."
    ),
)
@click.pass_context
def init(
    ctx: click.Context,
    case: Path,
    sample: bool,
    language: str | None,
    force: bool,
    roster: Path | None,
) -> None:
    from letters import casefolder, wizard
    from letters.output import refuse_existing
    from letters.shell import command

    if roster is not None:
        given = ctx.get_parameter_source("case") is click.core.ParameterSource.COMMANDLINE
        ctx.exit(_init_from_roster(roster, case if given else _here(), language or "en"))
    where = casefolder.planned(case)
    if (folder := casefolder.enclosing(where.case_file.parent)) is not None:
        # A case made inside another's evidence folder would be bundled as its evidence.
        raise InputError(
            _("{path} is inside the case folder {folder} — make a new case outside it").format(
                path=case, folder=folder
            )
        )
    refuse_existing([where.case_file], force)  # before the first question
    if sample:
        language = language or i18n.ui_language()
        written = [wizard.copy_sample(where.case_file, language, force)]
    else:
        language = language or wizard.ask_language(_ask, click.echo, i18n.ui_language())
        i18n.set_ui_language(language)
        from datetime import date

        today = document_date(None) or date.today()  # the case's zone is not known yet
        answers = wizard.interview(_ask, click.echo, language, today)
        written = [wizard.write_case(where.case_file, answers, force, where.shown.name)]
    written += casefolder.finish(where, language)
    for path in written:
        click.echo(_("wrote {path}").format(path=path))
    if not sample:
        for line in wizard.summary(where.case_file, language):
            click.echo(line)
    click.echo(_("Next: {command}").format(command=command("guide", where.shown)))


def _init_from_roster(roster: Path, into: Path, language: str) -> int:
    """Make one case folder per row of a spreadsheet; return the exit code."""
    from letters.roster import import_roster

    made = import_roster(roster, into, language)
    for folder in made.made:
        click.echo(_("wrote {path}").format(path=folder))
    for problem in made.problems:
        click.echo(_("Error: {message}").format(message=problem), err=True)
    click.echo(
        _(
            "{made} case folders made, {failed} rows with problems (nothing written for them)"
        ).format(made=len(made.made), failed=made.failed_rows)
    )
    return 2 if made.failed_rows else 0


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
@option(
    "--summary",
    required=True,
    help=N_(
        "What happened, in a sentence or two. Letters quote it as written: write it in their "
        "language (English for most carriers)."
    ),
)
@option("--party", help=N_('Who you dealt with, like "Agent Lisa".'))
@option("--reference", help=N_("The ticket or reference number you were given."))
@option(
    "--at",
    metavar="WHEN",
    help=N_(
        "When, in the case's time zone (default: now): 2026-11-20 14:30, 11/20/2026 2:30 PM "
        "or 2026年11月20日 下午2:30."
    ),
)
@option(
    "--evidence",
    multiple=True,
    metavar="FILE",
    help=N_("A file in the evidence folder that shows it (repeat for more)."),
)
@option(
    "--evidence-dir",
    type=FOLDER,
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
    from letters.content import QUOTED_EVENT_KEYS, unreadable_in_english
    from letters.timeline import NewEvent, add_event

    case = ctx.meta["letters.case"]
    where = _locate(case)
    new = NewEvent(evidence=evidence, **values)
    event = add_event(where.case_file, new, clock(), evidence_dir or where.evidence_dir)
    when = i18n.format_moment(event.at, i18n.ui_language())
    click.echo(_("{path}: added the event of {when}").format(path=case, when=when))
    chinese = [
        f"--{key}" for key in QUOTED_EVENT_KEYS if unreadable_in_english(getattr(event, key))
    ]
    if chinese:  # said now, not only when a letter quotes it
        warning = _(
            "Warning: {options} in Chinese — the letters in English (to the carrier, the bank, "
            "the FCC) quote the timeline as it is written, and their readers cannot read it: "
            "write it in English in the case file"
        )
        click.echo(warning.format(options=", ".join(chinese)), err=True)


@log.command(
    "import",
    help=N_(
        "Import mail to or from the carrier: .eml files, .mbox mailboxes (Gmail Takeout, "
        "Thunderbird) and Outlook .msg files. Each message becomes an event, and a copy of it "
        "goes into the evidence folder; a message already imported is not added again, and "
        "the files imported from are never changed. When a message reads like the closure or "
        "a refund confirmed, you are asked before it is recorded.\n\n"
        "Example: letters log my-case import ~/Downloads/Takeout/Mail/Inbox.mbox"
    ),
)
@click.argument("sources", nargs=-1, required=True, type=PATH)
@option(
    "--all", "everything", is_flag=True, help=N_("Import every message, not only the carrier's.")
)
@click.pass_context
def import_(ctx: click.Context, sources: tuple[Path, ...], everything: bool) -> None:
    from letters.casefolder import locate
    from letters.inbox import import_mail

    def ask(question: str) -> bool:
        try:
            return bool(click.confirm(question, default=False))
        except click.Abort:  # no answer (input ended): the answer is no
            click.echo()
            return False

    where = locate(ctx.meta["letters.case"])
    report = import_mail(where, sources, everything, ask)
    for skipped in report.skipped:
        click.echo(skipped.line, err=True)
    for line in report.declined:
        click.echo(line)
    for key, day in report.recorded.items():
        click.echo(
            _("{path}: recorded {key} = {day}").format(
                path=where.case_file, key=key, day=day.isoformat()
            )
        )
    click.echo(
        _(
            "{path}: {imported} imported, {already} already in the case, {unrelated} not to or "
            "from the carrier, {skipped} skipped"
        ).format(
            path=where.case_file,
            imported=len(report.imported),
            already=report.already,
            unrelated=report.unrelated,
            skipped=len(report.skipped),
        )
    )


@log.command(
    help=N_(
        "Record that a printed letter was mailed by Certified Mail: the event, the [delivery] "
        "record and the date the request was sent, in one go.\n\n"
        'Example: letters log case.toml mailed --certified-mail "9407 1118 9876 5432 1002" '
        "--on 2026-11-24"
    )
)
@option(
    "--certified-mail",
    required=True,
    metavar="NUMBER",
    help=N_("The article number on the Certified Mail receipt (20 or 22 digits)."),
)
@option("--on", metavar="DATE", help=N_("The day it was mailed (default: today)."))
@option(
    "--return-receipt/--no-return-receipt",
    default=True,
    help=N_("Whether a return receipt was bought (default: yes)."),
)
@option(
    "--later-letter",
    is_flag=True,
    help=N_("A later letter, not the closure request."),
)
@option(
    "--follow-up",
    is_flag=True,
    help=N_("The follow-up letter: records status.follow_up_sent too."),
)
@option(
    "--evidence",
    multiple=True,
    metavar="FILE",
    help=N_("A file in the evidence folder, like a photo of the receipt (repeat for more)."),
)
@click.pass_context
def mailed(
    ctx: click.Context,
    certified_mail: str,
    on: str | None,
    return_receipt: bool,
    later_letter: bool,
    follow_up: bool,
    evidence: tuple[str, ...],
) -> None:
    from letters.casefolder import locate
    from letters.timeline import Mailing, record_mailed

    where = locate(ctx.meta["letters.case"])
    request = not (later_letter or follow_up)
    mailing = Mailing(certified_mail, on, return_receipt, request, evidence, follow_up)
    event = record_mailed(where.case_file, mailing, clock(), where.evidence_dir)
    when = i18n.format_moment(event.at, i18n.ui_language())
    click.echo(
        _("{path}: recorded the letter mailed on {when}").format(path=where.case_file, when=when)
    )


PLAN_FROM = N_(
    "The day to plan from (default: SOURCE_DATE_EPOCH, else today in the case's time zone)."
)
REPLACE_CALENDAR = N_("Replace the calendar file if it exists.")


@cli.command(
    help=N_(
        "Show the checklist, where the case stands and the next steps, with their dates, in "
        "the language the holder reads (the case's language; --ui-lang chooses another).\n\n"
        "Example: letters guide case.toml --ics deadlines.ics"
    )
)
@CASE
@date_option(PLAN_FROM, carried=False)
@option("--ics", type=FILE, help=N_("Also write the deadlines to this calendar file (.ics)."))
@force_option(REPLACE_CALENDAR)
@click.pass_context
def guide(ctx: click.Context, case: Path, day: date | None, ics: Path | None, force: bool) -> None:
    from letters.case import load_case
    from letters.guide import plan, write_calendar

    loaded = load_case(_locate(case).case_file)
    with i18n.interface(_reader_language(ctx, loaded.language)):  # the holder's, as README says
        result = plan(loaded, day or loaded.today())
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
            missing = _("No dates yet to put in a calendar: {path} was not written.")
            click.echo(missing.format(path=ics))


@cli.command(
    help=N_(
        "Show where every case stands, one line each, overdue cases first: the holder (masked), "
        "the carrier, the stage, the due date and the next step. Give case folders, case files, "
        "or folders that hold cases.\n\n"
        "Example: letters status clients/ --ics deadlines.ics"
    )
)
@click.argument("paths", nargs=-1, required=True, type=PathType(exists=True))
@date_option(PLAN_FROM, carried=False)
@option("--json", "as_json", is_flag=True, help=N_("Print the list as JSON."))
@option(
    "--ics", type=FILE, help=N_("Also write every case's deadlines to this calendar file (.ics).")
)
@force_option(REPLACE_CALENDAR)
@click.pass_context
def status(
    ctx: click.Context,
    paths: tuple[Path, ...],
    day: date | None,
    as_json: bool,
    ics: Path | None,
    force: bool,
) -> None:
    from letters import status as statuses

    view = statuses.overview(paths, day)
    if as_json:
        import json

        click.echo(json.dumps(view.to_json(), ensure_ascii=False, indent=2))
    else:
        for case in view.cases:
            click.echo(statuses.line(case))
    for problem in view.unreadable:
        click.echo(_("Error: {message}").format(message=problem.error.message), err=True)
        for detail in problem.error.details:
            click.echo(f"  {detail}", err=True)
    if ics:
        written = statuses.write_calendar(view, ics, force)
        click.echo(_("wrote {path}").format(path=written), err=as_json)
    ctx.exit(max((p.error.exit_code for p in view.unreadable), default=0))


_STOPPING_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


def _stop_on_signals() -> None:
    """Make SIGTERM and SIGHUP stop the run as Ctrl-C does: by an exception, so that what
    was half written is removed on the way out instead of being left on the disk."""

    import signal

    def stop(signum: int, frame: object) -> None:
        # Once stopping, further signals must not cut the cleanup short.
        for name in _STOPPING_SIGNALS:
            signal.signal(getattr(signal, name), signal.SIG_IGN)
        raise KeyboardInterrupt

    for name in _STOPPING_SIGNALS:
        number = getattr(signal, name, None)  # Windows has no SIGHUP
        if number is not None and signal.getsignal(number) is not signal.SIG_IGN:  # nohup
            signal.signal(number, stop)


@cli.command(
    "app",
    help=N_(
        "Do the whole job in your web browser, on this computer: start or open a case, keep "
        "the timeline and the evidence, write the letters, make the bundle.\n\n"
        "Example: letters app my-case"
    ),
)
@click.argument("case", required=False, type=PATH, metavar="[CASE_FOLDER]")
@option(
    "--port", type=click.IntRange(0, 65535), default=0, help=N_("The port (default: any free one).")
)
@option("--no-browser", is_flag=True, help=N_("Only print the address; do not open the browser."))
def app(case: Path | None, port: int, no_browser: bool) -> None:
    from letters.case import today_in
    from letters.web.server import serve

    serve(
        case,
        _here(),
        lambda zone: document_date(None) or today_in(zone),
        clock,
        click.echo,
        open_browser=not no_browser,
        port=port,
    )


def main() -> None:
    """Run the `letters` command line, and end the process."""
    try:
        cli.main(prog_name="letters", obj={"stop_on_signals": True})
    except SystemExit as ended:
        _end(ended.code)
        raise


def _end(code: object) -> None:
    """End the process now, once the command has ended and its output is out.

    Python's own shutdown then frees every module one by one, which takes tens of
    milliseconds after a bundle and does nothing for the user: each file letters writes is
    closed, and moved into place, before its command returns. Left to Python when there is
    more to do: a thread still working, output that cannot be written, or an exit status
    that is not a number. Exit handlers are not run (letters registers none).
    """
    import threading

    if code is not None and not isinstance(code, int):
        return
    here = threading.current_thread()
    if any(not thread.daemon for thread in threading.enumerate() if thread is not here):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe, or a closed stream
        return
    os._exit(code or 0)
