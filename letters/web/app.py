"""The browser app's pages: each turns a request into one library call and the result into a page.

Flask, because the library is synchronous and so is Flask: a request runs the library call in
its own thread, with no event loop to keep unblocked; it renders with the Jinja2 we already
ship, serves the few static files, parses uploads with size limits (Werkzeug), and has a test
client. It is imported only when `letters app` runs.

Guards, on every request, before any page code: the Host header must be this server's own
loopback name and port (DNS rebinding); the per-launch secret must come in the URL (once) or in
its HttpOnly SameSite=Strict cookie; a form that changes anything must carry the CSRF token and
come from this origin. Every page carries a Content-Security-Policy that allows only this
server's own script and style files.
"""

from __future__ import annotations

import contextvars
import functools
import hmac
import secrets
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    send_file,
)
from jinja2 import StrictUndefined
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from letters import casefolder, i18n, normalize, wizard
from letters.case import Case, Event, load_case
from letters.errors import InputError, LettersError, OutputExistsError
from letters.i18n import N_, _, ngettext
from letters.identifiers import mask
from letters.output import refuse_existing
from letters.send import TLS_CHOICES

if TYPE_CHECKING:
    from letters.guide import Action

COOKIE = "letters_token_{port}"
"""Named by the port: cookies ignore ports, so two launches would overwrite each other's."""
LANG_COOKIE = "letters_lang"
UPLOAD_LIMIT = 512 << 20
"""Largest upload (evidence or a bundle to check), in bytes: a long screen recording fits."""
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "frame-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'self'; "
    "base-uri 'none'"
)
KIND_NAMES = {
    "request": N_("Closure request"),
    "follow-up": N_("Follow-up (no answer yet)"),
    "refund": N_("Refund request"),
    "dispute": N_("Dispute of a charge"),
    "complaint": N_("Complaint to the FCC and the attorney general"),
    "card-dispute": N_("Dispute with your card issuer"),
}
PREVIEW_NAMES = {
    "complaint": N_("The statement for the FCC's complaint form"),
    "complaint-ag": N_("The letter to your state's attorney general"),
}
"""The documents a kind writes several of, each named where it is shown."""
ADDRESS_LABELS = {"line1": N_("Street address (leave it empty to leave the address out)")}
"""Form labels that differ from the wizard's questions (which say "press Enter")."""
LIVE_CHECKS = frozenset(
    f"{section}.{asked.key}"
    for section, questions in wizard.SECTIONS
    for asked in questions
    if asked.key != wizard.ADDRESS and not asked.choices
)
"""The new-case form's fields that can be checked alone, as the user leaves them."""
SECURITY = dict(
    zip(
        TLS_CHOICES,
        (
            N_("STARTTLS (most mail servers, port 587)"),
            N_("SSL/TLS (port 465)"),
            N_("None: only for a mail server on this computer"),
        ),
        strict=True,
    )
)
PAGES = (
    ("case", N_("Overview")),
    ("timeline", N_("Timeline")),
    ("evidence", N_("Evidence")),
    ("charges", N_("Charges")),
    ("documents", N_("Letters")),
    ("bundle", N_("Bundle")),
    ("send", N_("Send")),
)


@dataclass
class Job:
    """A bundle being built in the background, for the progress bar."""

    total: int = 0
    done: int = 0
    finished: bool = False
    written: Any = None
    error: str | None = None
    details: tuple[str, ...] = ()
    need: tuple[str, str, str] | None = None
    """What the case lacks, said in the app's words with the page that records it (NEEDS)."""
    taken: list[str] = field(default_factory=list)
    """Names of files already there, not replaced: the page asks before replacing them."""
    letters: list[str] = field(default_factory=list)
    """The letters chosen to go into the bundle, asked again when replacing."""

    def start(self, total: int) -> None:
        self.total = total

    def advance(self, done: int) -> None:
        self.done += done


@dataclass
class State:
    """What this launch is working on: one case at a time."""

    workdir: Path
    case_path: Path | None = None
    evidence_dir: Path | None = None
    documents_dir: Path | None = None
    location: casefolder.CaseLocation | None = None
    suggested: str = ""
    """The name of the case folder to make, when `letters app` was given one that is not there."""
    job: Job | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    shown: dict[str, dict[str, Any]] = field(default_factory=dict)
    """What a form just did, for the page it leads to (`_done`), by a token in its address."""

    @property
    def case_file(self) -> Path:
        assert self.case_path is not None, "the pages that use it open a case first"
        return self.case_path

    @property
    def folder(self) -> Path:
        return self.case_file.parent

    @property
    def out_dir(self) -> Path:
        return self.documents_dir or self.folder / casefolder.DOCUMENTS

    def open(self, location: casefolder.CaseLocation) -> None:
        """Work on the case at `location` from now on."""
        self.case_path = location.case_file
        self.evidence_dir = location.evidence_dir
        self.documents_dir = location.documents_dir
        self.location = location
        self.job = None


@dataclass(frozen=True)
class Launch:
    """What one launch of the app holds: its case, its secrets and its clock."""

    state: State
    secret: str
    csrf: str
    today: Callable[[tzinfo], date]  # today on the clock of the zone given
    now: Callable[[], datetime]


def launch() -> Launch:
    """Return the launch the current request belongs to."""
    return cast(Launch, current_app.extensions["letters"])


def create_app(
    workdir: Path,
    case: Path | None,
    secret: str,
    today: Callable[[tzinfo], date],
    now: Callable[[], datetime],
    upload_limit: int = UPLOAD_LIMIT,
) -> Flask:
    """Make the app for one launch: `secret` guards it, `today` and `now` are the clock."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = upload_limit
    app.config["HOSTS"] = ()  # set by the server once it knows its port
    app.jinja_env.undefined = StrictUndefined
    state = State(workdir)
    if case is not None and (case.is_file() or (case / casefolder.CASE_FILE).is_file()):
        state.open(casefolder.locate(case))
    elif case is not None:  # `letters app new-case`: the form offers to make that folder
        state.workdir, state.suggested = (workdir / case).parent, case.name
    csrf = hmac.new(secret.encode(), b"csrf", "sha256").hexdigest()
    app.extensions["letters"] = Launch(state, secret, csrf, today, now)
    app.register_blueprint(pages)
    return app


pages = Blueprint("pages", __name__)


@pages.before_app_request
def guard() -> Any:
    # The language first: a refusal too is said in the browser's language.
    g.lang = _language()
    g.lang_token = i18n._ui.set(g.lang)
    if request.host not in current_app.config["HOSTS"]:
        return _refuse(403, _("This address is not allowed. Open the address letters printed."))
    cookie = COOKIE.format(port=request.host.rpartition(":")[2])  # the host was checked
    given = request.args.get("token")
    if given is not None and hmac.compare_digest(given, launch().secret):
        # The secret leaves the address bar at once, and lives on in the cookie only.
        args = {k: v for k, v in request.args.items() if k != "token"}
        target = request.path + ("?" + urlencode(args) if args else "")
        response = redirect(target, 303)
        response.set_cookie(cookie, launch().secret, httponly=True, samesite="Strict", path="/")
        return response
    if not hmac.compare_digest(request.cookies.get(cookie, ""), launch().secret):
        return _refuse(
            403,
            _(
                "Open letters from the address it printed when it started, in the window where "
                "it runs: that address holds a key."
            ),
        )
    if request.method not in ("GET", "HEAD"):
        origin = request.headers.get("Origin")
        if origin is not None and origin != request.host_url.rstrip("/"):
            return _refuse(403, _("This form came from another page and was refused."))
        try:
            token = request.form.get("csrf", "")
        except RequestEntityTooLarge:
            return _too_large()
        if not hmac.compare_digest(token[: len(launch().csrf)], launch().csrf):
            return _refuse(
                403, _("This form is out of date. Go back, reload the page and try again.")
            )
        if not hmac.compare_digest(token, form_token()):
            message = _(
                "Another case was opened after this page was shown (in another tab or window), "
                "so nothing was done. Open the case you mean and try again."
            )
            return page("error.html", error=LettersError(message), stale=True), 409
    return None


def form_token() -> str:
    """Return the token every form carries: the launch's, and which case was open when the
    page was made, so that a page of one case never acts on another opened since."""
    opened = str(launch().state.case_path or "").encode("utf-8", "surrogateescape")
    tag = hmac.new(launch().secret.encode(), b"case\0" + opened, "sha256").hexdigest()
    return launch().csrf + tag[:16]


@pages.teardown_app_request
def forget(_error: BaseException | None) -> None:
    token = g.pop("lang_token", None)
    if token is not None:
        i18n._ui.reset(token)


@pages.after_app_request
def headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"  # no-referrer would make Origin "null"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    chosen = request.args.get("lang")
    if chosen and i18n.normalize_language(chosen):
        response.set_cookie(LANG_COOKIE, i18n.normalize_language(chosen) or "en", samesite="Strict")
    return response


@pages.app_errorhandler(RequestEntityTooLarge)
def too_large(_error: Exception) -> Any:
    return _too_large()


@pages.app_errorhandler(LettersError)
def letters_error(error: LettersError) -> Any:
    # A case file edited by hand may have problems: say which, as `letters check` does.
    return page("error.html", error=error, stale=False), (
        400 if isinstance(error, InputError) else 500
    )


@pages.app_errorhandler(Exception)
def unexpected(error: Exception) -> Any:
    if isinstance(error, HTTPException):
        return http_error(error)
    # Only the kind is logged: the message could hold a value from the case file.
    sys.stderr.write(f"letters app: unexpected {type(error).__name__}\n")
    message = _("unexpected {kind}: {error} (run with --debug to see where)")
    problem = LettersError(message.format(kind=type(error).__name__, error=error))
    return page("error.html", error=problem, stale=False), 500


@pages.app_errorhandler(HTTPException)
def http_error(error: HTTPException) -> Any:
    """A page that does not exist, for someone let in: the app's own page, with the way back."""
    if isinstance(error, RequestEntityTooLarge):
        return _too_large()
    message = LettersError(_("This page does not exist."))
    return page("error.html", error=message, stale=True), error.code or 500


@pages.app_context_processor
def globals_() -> dict[str, Any]:
    state = launch().state
    return {
        "_": _,
        "ngettext": ngettext,
        "csrf": form_token(),
        "lang": g.get("lang", "en"),
        "languages": i18n.LANGUAGE_NAMES,
        "pages": PAGES,
        "state": state,
        "case_name": _case_name(state),
        "is_warning": _is_warning,
    }


def _is_warning(note: str) -> bool:
    """Return whether a note of a command's is a warning (`Warning: …`, in the page's
    language): shown as one, before what was done, rather than as a hint after it."""
    return note.startswith(_("Warning: {message}").split("{message}")[0])


def page(template: str, **values: Any) -> str:
    return render_template(template, **values)


SHOWN = 16  # results kept for pages not loaded yet: a few tabs' worth


def _done(path: str, **result: Any) -> Any:
    """Lead from a form that did something to a page that shows what it did (post, then
    redirect, then get), so that going back or reloading never sends the form again: an
    email sent twice, a file added twice."""
    state = launch().state
    token = secrets.token_urlsafe(9)
    state.shown[token] = result
    while len(state.shown) > SHOWN:
        del state.shown[next(iter(state.shown))]
    return redirect(f"{path}{'&' if '?' in path else '?'}done={token}", 303)


def _result() -> dict[str, Any]:
    """Return what the form that led here did, once (nothing when the page is loaded anew)."""
    return launch().state.shown.pop(request.args.get("done", ""), {})


def need_open() -> None:
    state = launch().state
    if state.case_path is None:
        abort(redirect("/", 303))


def need_case() -> Case:
    state = launch().state
    need_open()
    return load_case(state.case_file)


# --- start or open a case ------------------------------------------------------------


@pages.get("/")
def home() -> Any:
    state = launch().state
    if state.case_path is not None:
        return redirect("/case", 303)
    if state.suggested:
        return redirect("/new", 303)
    return page("home.html", error=None, path="", cases=_case_folders(state.workdir))


def _case_folders(folder: Path, limit: int = 50) -> list[str]:
    """Return the names of the case folders in `folder`, to open with a click (a folder that
    cannot be read is none)."""

    def holds_case(path: Path) -> bool:
        try:
            return (path / casefolder.CASE_FILE).is_file()
        except OSError:
            return False

    try:
        found = [path.name for path in folder.iterdir() if holds_case(path)]
    except OSError:
        return []
    return sorted(found, key=str.casefold)[:limit]


@pages.post("/open")
def open_case() -> Any:
    state = launch().state
    given = request.form.get("path", "").strip()
    path = (state.workdir / Path(given).expanduser()) if given else state.workdir
    try:
        location = casefolder.locate(path)
        load_case(location.case_file)
    except LettersError as error:
        shown = LettersError(error.fields["path"]) if "path" in error.fields else error
        cases = _case_folders(state.workdir)
        return page("home.html", error=shown, path=given, cases=cases), 400
    state.open(location)
    return redirect("/case", 303)


@pages.post("/close")
def close_case() -> Any:
    state = launch().state
    state.case_path = state.evidence_dir = state.documents_dir = None
    state.location = state.job = None
    return redirect("/", 303)


@pages.route("/new", methods=["GET", "POST"])
def new_case() -> Any:
    state = launch().state
    lang = g.lang
    # The language the holder reads: the page's, unless they choose. The letters to the
    # carrier are in English whatever it is, each with a sheet in it when it is Chinese.
    values = _form_defaults(lang) | {"folder": state.suggested}
    problems: dict[str, str] = {}
    if request.method == "POST":
        values = {key: value for key, value in request.form.items() if key != "csrf"}
        answers, problems = wizard.check_form(values)
        name = values.get("folder", "").strip()
        folder = None
        try:
            from letters.evidence import safe_name

            if not name:
                raise InputError(_("an answer is needed"))
            folder = state.workdir / safe_name(name)
            refuse_existing([folder / casefolder.CASE_FILE], force=False)
        except OutputExistsError:
            problems["folder"] = _(
                "a case is already in the folder {name} — open it from the start page, or "
                "choose another name"
            ).format(name=name)
        except LettersError as error:
            problems["folder"] = error.message
        if not problems and folder is not None:
            try:
                wizard.write_case_folder(folder, answers, lang)
            except LettersError as error:
                problems[""] = error.message
            else:
                state.open(casefolder.locate(folder))
                return redirect("/case?new=1", 303)
    form = _form(wizard.QUESTIONS[lang])
    status = 400 if problems else 200
    words = wizard.QUESTIONS[lang]
    return page(
        "new.html", form=form, words=words, values=values, problems=problems, editing=False
    ), status


@pages.route("/details", methods=["GET", "POST"])
def details() -> Any:
    """Correct the case's own details (the holder, the account, the company, how the request
    goes) on the new-case form, filled in from the case file."""
    state = launch().state
    case = need_case()
    shown = _form_defaults(case.language) | _case_values(case)
    values = shown
    problems: dict[str, str] = {}
    if request.method == "POST":
        values = {key: value for key, value in request.form.items() if key != "csrf"}
        # Only what the holder changed is written: a field left as shown keeps the case file's
        # key as it is (its spelling, an address's third line), or keeps it out.
        changed = {
            name
            for name in values.keys() | shown.keys()
            if values.get(name, "") != shown.get(name, "")
        }
        answers, problems = wizard.check_form({"language": case.language} | values)
        problems = {name: text for name, text in problems.items() if _touches(name, changed)}
        if not problems:
            problems = _saved("details", lambda: _write_details(state.case_file, answers, changed))
            problems = {key.removeprefix("details."): text for key, text in problems.items()}
        if not problems:
            return _done("/case", details=True)
    words = wizard.QUESTIONS[g.lang]
    form = _form(words)
    return page(
        "new.html", form=form, words=words, values=values, problems=problems, editing=True
    ), (400 if problems else 200)


def _case_values(case: Case) -> dict[str, str]:
    """Return the new-case form's fields as the case file has them."""
    values: dict[str, str] = {}
    for section, questions in wizard.SECTIONS:
        table = getattr(case, section)
        for asked in questions:
            name = f"{section}.{asked.key}"
            value = getattr(table, asked.key, None)
            if asked.key == wizard.ADDRESS and value is not None:
                first, *rest = value.lines
                values |= {f"{name}.line1": first, f"{name}.line2": ", ".join(rest)}
                for part in wizard.ADDRESS_FIELDS:
                    values[f"{name}.{part.key}"] = getattr(value, part.key) or ""
            elif isinstance(value, bool):
                values[name] = "yes" if value else "no"
            elif value is not None:
                values[name] = str(value)
    return values


def _touches(name: str, changed: set[str]) -> bool:
    """Say whether the form's field `name` (an address: any of its parts) was changed."""
    return any(field == name or field.startswith(name + ".") for field in changed)


def _write_details(case_file: Path, answers: dict[str, Any], changed: set[str]) -> None:
    """Set the keys of the form's `changed` fields in the case file, in place: an answer
    left empty removes its key; every other key, comment and table stays."""
    import tomlkit

    from letters.output import write_outputs
    from letters.timeline import edited_case

    tables: dict[str, dict[str, Any]] = {}
    for section, questions in wizard.SECTIONS:
        given = answers.get(section, {})
        tables[section] = {}
        for asked in questions:
            if not _touches(f"{section}.{asked.key}", changed):
                continue
            value = given.get(asked.key)
            if isinstance(value, dict):  # an address: one line, as the new case has it
                inline = tomlkit.inline_table()
                inline.update(value)
                value = inline
            tables[section][asked.key] = value
    tables = {section: keys for section, keys in tables.items() if keys}
    top = {"language": answers["language"]} if "language" in changed else {}
    if tables or top:
        write_outputs({case_file: edited_case(case_file, tables=tables, keys=top)}, force=True)


@pages.post("/check")
def check() -> Any:
    """Check one answer of the new-case form as it is typed (a convenience for app.js)."""
    name = request.form.get("name", "")
    if name not in LIVE_CHECKS:
        return {"problem": None}
    try:
        wizard.check_answer(name, request.form.get("value", ""))
    except wizard.AnswerError as error:
        return {"problem": str(error)}
    return {"problem": None}


# --- the case at a glance --------------------------------------------------------------


@pages.get("/case")
def overview() -> Any:
    case = need_case()
    return _overview(case, _result(), {})


def _overview(case: Case, shown: dict[str, Any], problems: dict[str, str]) -> Any:
    from letters.guide import DATED, TICKED, plan
    from letters.summary import case_summary

    guide = plan(case, launch().today(case.tz))
    status = {key: getattr(case.status, key) for key in DATED}
    return page(
        "case.html",
        guide=guide,
        summary=case_summary(case),
        day=_day,
        page_of=_page_of,
        new=bool(request.args.get("new")),
        ticks={item.key: TICKED[item.key] for item in guide.checklist if item.key in TICKED},
        dated={key: _(label) for key, label in DATED.items()},
        days=shown.get("days") or {k: v.isoformat() if v else "" for k, v in status.items()},
        ticked=shown.get("ticked"),  # as sent, when the form is shown again to correct
        saved=shown.get("saved", False),
        details=shown.get("details", False),
        problems=problems,
    ), (400 if problems else 200)


@pages.post("/case")
def record_case() -> Any:
    """Record the overview's form: what is done ([checklist]) and the days that say where
    the closure stands ([status]), each changed key set in the case file in place."""
    from letters.guide import DATED
    from letters.timeline import record

    state = launch().state
    case = need_case()
    checklist = {
        key: request.form.get(f"checklist.{key}") == "yes"
        for key in request.form.getlist("ticks")
        if key in vars(case.checklist)
    }
    days = {key: request.form.get(f"status.{key}", "").strip() for key in DATED}
    status: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for key, text in days.items():
        try:
            status[key] = normalize.parse_date(text) if text else None
        except normalize.NormalizeError as error:
            problems[f"status.{key}"] = str(error)
    sent = {"days": days, "ticked": {key for key, done in checklist.items() if done}}
    if problems:
        return _overview(case, sent, problems)
    tables = {
        "checklist": {k: v for k, v in checklist.items() if getattr(case.checklist, k) != v},
        "status": {k: v for k, v in status.items() if getattr(case.status, k) != v},
    }
    try:
        if changed := {name: keys for name, keys in tables.items() if keys}:
            with state.lock:
                record(state.case_file, changed)
    except LettersError as error:
        return _overview(case, sent, {"": error.message})
    return _done("/case", saved=True)


@pages.get("/case.ics")
def calendar() -> Any:
    from letters.guide import calendar as ics
    from letters.guide import plan

    case = need_case()
    guide = plan(case, launch().today(case.tz))
    if not guide.deadlines:
        abort(404)
    return _download(ics(guide), "deadlines.ics", "text/calendar")


# --- the timeline ------------------------------------------------------------------------


@pages.route("/timeline", methods=["GET", "POST"])
def timeline() -> Any:
    state = launch().state
    from letters.timeline import NewEvent, add_event

    case = need_case()
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    if request.method == "POST":
        values = _event_values()
        try:
            with state.lock:
                add_event(state.case_file, NewEvent(**values), launch().now(), state.evidence_dir)
        except LettersError as error:
            problems = _problems(error)
        else:
            return redirect("/timeline?added=1#events", 303)
        case = need_case()
    return _timeline_page(case, values, problems, None)


@pages.route("/timeline/<int:number>", methods=["GET", "POST"])
def edit(number: int) -> Any:
    state = launch().state
    from letters.timeline import NewEvent, edit_event

    case = need_case()
    if not 1 <= number <= len(case.events):
        abort(404)
    event = case.events[number - 1]
    values: dict[str, Any] = {
        "at": _at(event, case),
        "channel": event.channel,
        "party": event.party or "",
        "reference": event.reference or "",
        "summary": event.summary,
        "evidence": event.evidence,
        "certified_mail": event.certified_mail or "",
    }
    problems: dict[str, str] = {}
    if request.method == "POST":
        values = _event_values()
        try:
            with state.lock:
                edit_event(
                    state.case_file, number, NewEvent(**values), launch().now(), state.evidence_dir
                )
        except LettersError as error:
            problems = _problems(error)
        else:
            return redirect(f"/timeline?saved={number}#event-{number}", 303)
    return _timeline_page(case, values, problems, number)


@pages.post("/timeline/<int:number>/remove")
def remove_event(number: int) -> Any:
    """Remove an event recorded by mistake; the evidence files it cites stay."""
    from letters.timeline import remove_event as remove

    state = launch().state
    if not 1 <= number <= len(need_case().events):
        abort(404)
    with state.lock:
        remove(state.case_file, number)
    return redirect("/timeline?removed=1#events", 303)


def _timeline_page(
    case: Case, values: dict[str, Any], problems: dict[str, str], editing: int | None
) -> Any:
    state = launch().state
    from letters.content import QUOTED_EVENT_KEYS, unreadable_in_english
    from letters.evidence import list_evidence
    from letters.labels import CHANNEL_NAMES

    files = [item.path for item in list_evidence(state.evidence_dir)] if state.evidence_dir else []
    # The English letters (to the carrier, the bank, the FCC) quote an event's party, reference
    # and summary as they are: in Chinese, said beside the event, where it is corrected.
    chinese = {
        number
        for number, event in enumerate(case.events, 1)
        if any(unreadable_in_english(getattr(event, key)) for key in QUOTED_EVENT_KEYS)
    }
    return page(
        "timeline.html",
        case=case,
        chinese=chinese,
        events=[(number, _at(e, case, True), e) for number, e in enumerate(case.events, 1)],
        channels=CHANNEL_NAMES,
        files=files,
        values=values,
        problems=problems,
        editing=editing,
        message=request.args,
    ), (400 if problems else 200)


# --- evidence ---------------------------------------------------------------------------


@pages.route("/evidence", methods=["GET", "POST"])
def evidence() -> Any:
    state = launch().state
    from letters.evidence import add_evidence, list_evidence

    need_open()
    assert state.evidence_dir is not None
    shown = _result()
    added: list[str] = shown.get("added", [])
    errors: list[str] = shown.get("errors", [])
    large: list[str] = shown.get("large", [])
    if request.method == "POST":
        uploads = [f for f in request.files.getlist("files") if f.filename]
        if not uploads:
            errors.append(_("Choose a file first."))
        for upload in uploads:
            try:
                with state.lock:
                    stream = cast(BinaryIO, upload.stream)
                    name = upload.filename or ""
                    path = add_evidence(state.evidence_dir, name, stream)
                added.append(path.name)
                if (size := path.stat().st_size) > MAIL_LIMIT:
                    large.append(_large(path.name, size))
            except LettersError as error:
                errors.append(error.message)
        if added:
            return _done("/evidence", added=added, errors=errors, large=large)
    items = list_evidence(state.evidence_dir)
    try:
        zone: tzinfo | None = load_case(state.case_file).tz  # the holder's day, as the letters
    except LettersError:
        zone = None  # the case file is being fixed: this computer's
    # Files of one day share one formatted date: a long list formats each day once.
    day = functools.cache(lambda value: i18n.format_date(value, g.lang))
    return page(
        "evidence.html",
        items=items,
        added=added,
        errors=errors,
        large=large,
        size=lambda n: i18n.format_count(n, g.lang),
        when=lambda moment: day(moment.astimezone(zone).date()),
    ), (400 if errors and not added else 200)


MAIL_LIMIT = 25 << 20
"""What most mail services take as attachments, in all: a bundle past it goes another way."""


def _large(name: str, size: int) -> str:
    """Say that an evidence file makes every bundle too large to email."""
    megabytes = i18n.format_number(round(size / (1 << 20)), i18n.ui_language())
    return _(
        "Warning: {name} is {size} MB, and every bundle holds it: a bundle that large cannot go "
        "by email (most mail services take up to 25 MB). Hand it over on a USB stick or by a "
        "download link, or leave a file that large out of the evidence folder."
    ).format(name=name, size=megabytes)


# --- charges and the card ------------------------------------------------------------------

CHARGE_FIELDS = ("date", "amount", "description", "statement_date", "reference")
CARD_FIELDS = ("issuer", "last4", "type")
NEEDS = {
    # What a letter lacks, by its key in the case file (`content.check_needs`), that a page of
    # the app records: said in plain words, with a link to that page. The rest is said as the
    # command line says it, naming what to write in the case file.
    "status.request_sent": (
        N_("The follow-up letter cites the day the closure request was sent."),
        "/case#record",
        N_("Record that day in the checklist"),
    ),
    "status.confirmation_received": (
        N_(
            "The closure is confirmed: a follow-up is for a request with no answer. For charges "
            "after the closing, write the dispute letter; for the balance, the refund letter."
        ),
        "/documents?kind=dispute",
        N_("Write the dispute letter"),
    ),
    "events": (
        N_("The complaint tells what you did already: the closure request, calls, chats."),
        "/timeline",
        N_("Add them to the timeline"),
    ),
    "charges": (
        N_("The dispute letters cite each charge made after the closure."),
        "/charges",
        N_("Record them on the Charges page"),
    ),
    "charges.statement_date": (
        N_(
            "A card dispute cites, for each charge, the date of the card statement that first "
            "shows it: the 60 days to dispute it run from that date."
        ),
        "/charges",
        N_("Add the dates on the Charges page"),
    ),
    "card": (
        N_(
            "A card dispute goes to the bank or card company that took the payments: it needs "
            "its name and the card's last 4 digits."
        ),
        "/charges",
        N_("Add the card on the Charges page"),
    ),
    "card.type": (
        N_(
            "A card dispute depends on how the carrier was paid (a credit card, a debit card, "
            "a prepaid card or a bank account): the law that protects you does."
        ),
        "/charges",
        N_("Say it on the Charges page"),
    ),
    "card.address": (
        N_("A card dispute goes to the address for billing disputes on the card statement."),
        "/charges",
        N_("Add it on the Charges page"),
    ),
    "checklist.number_ported": (
        N_(
            "The case keeps the number, and it is not moved to the new carrier yet: closing "
            "the account now would lose it for good. Ask the new carrier to move it first (it "
            "takes about a business day); once it is moved, say so in the case details. Not "
            "keeping the number after all? Say that there."
        ),
        "/details",
        N_("Correct the case details"),
    ),
}
PAYMENT_NAMES = {
    "credit": N_("Credit card"),
    "debit": N_("Debit card"),
    "prepaid": N_("Prepaid card"),
    "bank-account": N_("Bank account"),
}
"""Each kind of payment a dispute's law depends on (`letters.case.PAYMENT_TYPES`), named."""
IN_ENGLISH = N_("write it in English, as the statement prints it: the letters quote it")


@pages.get("/charges")
def charges() -> Any:
    case = need_case()
    return _charges_page(case, _result(), {}, {})


@pages.post("/charges")
def add_charge() -> Any:
    """Record a charge the carrier made after the closure, or never agreed to."""
    from letters.timeline import add_charge as append

    state = launch().state
    return _charge_form(need_case(), lambda values: append(state.case_file, values), "added")


@pages.get("/charges/<int:number>")
def charge(number: int) -> Any:
    """The charge form, filled in with a charge to correct."""
    case = _with_charge(number)
    known = case.charges[number - 1]
    values = {
        "charge.date": known.date.isoformat(),
        "charge.amount": normalize.money_text(known.amount),
        "charge.description": known.description,
        "charge.statement_date": known.statement_date.isoformat() if known.statement_date else "",
        "charge.reference": known.reference or "",
    }
    return _charges_page(case, {}, values, {}, editing=number)


@pages.post("/charges/<int:number>")
def edit_charge(number: int) -> Any:
    """Correct a charge in place."""
    from letters.timeline import edit_charge as edit

    state = launch().state
    case = _with_charge(number)

    def write(values: dict[str, Any]) -> None:
        edit(state.case_file, number, values)

    return _charge_form(case, write, "edited", editing=number)


def _with_charge(number: int) -> Case:
    """Return the open case, which has a charge `number` (from 1), or answer 404."""
    case = need_case()
    if not 1 <= number <= len(case.charges):
        abort(404)
    return case


def _charge_form(
    case: Case, write: Callable[[dict[str, Any]], object], done: str, editing: int | None = None
) -> Any:
    """Read the charge form as people type it; write it, or show the page with each problem
    beside its field."""
    given = {key: request.form.get(f"charge.{key}", "").strip() for key in CHARGE_FIELDS}
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    readers = {
        "date": normalize.parse_date,
        "statement_date": normalize.parse_date,
        "amount": lambda text: normalize.money_text(normalize.parse_money(text)),
    }
    for key, text in given.items():
        if not text:
            continue
        try:
            values[key] = readers[key](text) if key in readers else text
        except normalize.NormalizeError as error:
            problems[f"charge.{key}"] = str(error)
    if not normalize.is_latin(given["description"]):
        problems["charge.description"] = _(IN_ENGLISH)
    future = {
        "date": N_("{day} has not come yet — a charge is recorded once it is made"),
        "statement_date": N_("{day} has not come yet — a statement is recorded once it is sent"),
    }
    for key, message in future.items():
        if key in values and values[key] > launch().today(case.tz):
            day = i18n.format_date(values[key], i18n.ui_language())
            problems[f"charge.{key}"] = _(message).format(day=day)
    if not problems and _recorded_already(case, values, editing):
        problems["charge.description"] = _(
            "This charge is recorded already (the same day, amount, description and reference): "
            "twice, it would double the amount the letters dispute. If it really was charged "
            "twice, give each its reference number."
        )
    if not problems:
        problems = _saved("charge", lambda: write(values))
    if problems:
        shown = {f"charge.{key}": text for key, text in given.items()}
        return _charges_page(case, {}, shown, problems, editing=editing)
    return _done("/charges", **{done: True})


def _recorded_already(case: Case, values: dict[str, Any], editing: int | None) -> bool:
    """Return whether the case has another charge that is this one: the same day, amount,
    description, reference and statement (a form sent twice, say)."""
    if "date" not in values or "amount" not in values:
        return False
    same = (
        values["date"],
        Decimal(values["amount"]),
        values.get("description", "").casefold(),
        values.get("reference"),
        values.get("statement_date"),
    )
    return any(
        (c.date, c.amount, c.description.casefold(), c.reference, c.statement_date) == same
        for number, c in enumerate(case.charges, 1)
        if number != editing
    )


@pages.post("/charges/<int:number>/remove")
def remove_charge(number: int) -> Any:
    """Remove a charge entered by mistake."""
    from letters.timeline import remove_charge as remove

    state = launch().state
    _with_charge(number)
    with state.lock:
        remove(state.case_file, number)
    return _done("/charges", removed=True)


@pages.post("/card")
def set_card() -> Any:
    """Record the card or bank account the carrier charged, for a dispute with its issuer."""
    from letters.timeline import set_card as write

    state = launch().state
    case = need_case()
    given = {f"card.{key}": request.form.get(f"card.{key}", "").strip() for key in CARD_FIELDS}
    parts = {part: request.form.get(f"card.address.{part}", "") for part in wizard.ADDRESS_PARTS}
    address, wrong = wizard.check_address(parts)
    problems = {f"card.address.{part}": message for part, message in wrong.items()}
    if not normalize.is_latin(given["card.issuer"]):
        problems["card.issuer"] = _(IN_ENGLISH)
    values: dict[str, Any] = {key: given[f"card.{key}"] or None for key in CARD_FIELDS}
    values["last4"] = values["last4"] and normalize.identifier(values["last4"])  # "１２３４"
    values["address"] = address
    if not problems:
        problems = _saved("card", lambda: write(state.case_file, values))
    if problems:
        shown = given | {f"card.address.{part}": text for part, text in parts.items()}
        return _charges_page(case, {}, shown, problems)
    return _done("/charges", card=True)


def _saved(form: str, write: Callable[[], object]) -> dict[str, str]:
    """Write to the case file, one writer at a time; return what the case file's checks
    refused, by the field of `form` it is about (none when written)."""
    try:
        with launch().state.lock:
            write()
    except LettersError as error:
        return {f"{form}.{key}": v for key, v in error.fields.items()} or {"": error.message}
    return {}


def _charges_page(
    case: Case,
    shown: dict[str, Any],
    values: dict[str, str],
    problems: dict[str, str],
    editing: int | None = None,
) -> Any:
    """The Charges page: the charges, the charge form (to add one, or to correct charge
    `editing`) and the card form, each form with what was typed into it, else what is known."""
    from letters.case import PAYMENT_TYPES

    card = case.card
    if not any(key.startswith("card.") for key in values) and card is not None:
        values = values | {
            "card.issuer": card.issuer,
            "card.last4": card.last4,
            "card.type": card.type or "",
        }
        if card.address is not None:
            lines = [*card.address.lines, ""]
            values |= {
                "card.address.line1": lines[0],
                "card.address.line2": lines[1],
                "card.address.city": card.address.city,
                "card.address.region": card.address.region,
                "card.address.postal_code": card.address.postal_code,
                "card.address.country": card.address.country,
            }
    return page(
        "charges.html",
        charges=case.charges,
        values=values,
        problems=problems,
        editing=editing,
        added=shown.get("added", False),
        edited=shown.get("edited", False),
        removed=shown.get("removed", False),
        saved_card=shown.get("card", False),
        types={kind: _(PAYMENT_NAMES[kind]) for kind in PAYMENT_TYPES},
        address_labels={
            part: _(ADDRESS_LABELS[part])
            if part in ADDRESS_LABELS
            else wizard.QUESTIONS[g.lang][f"address.{part}"]
            for part in wizard.ADDRESS_PARTS
        },
        day=_day,
        money=lambda amount: i18n.format_money(amount, case.account.currency, g.lang),
    ), (400 if problems else 200)


# --- documents -------------------------------------------------------------------------


@pages.route("/documents", methods=["GET", "POST"])
def documents() -> Any:
    state = launch().state
    from letters.content import KINDS

    case = need_case()
    kind = request.values.get("kind", "request")
    if kind not in KINDS:
        kind = "request"
    written = _result().get("written")
    error = None
    taken: list[str] = []
    if request.method == "POST":
        try:
            written = _write_documents(case, kind, request.form.get("force") == "yes")
        except OutputExistsError as problem:
            # Perhaps changed in Word since: replaced only when the user says so.
            taken = [Path(p).name for p in problem.paths]
        except LettersError as problem:
            error = problem
        else:
            return _done("/documents?" + urlencode({"kind": kind}), written=written)
    files = _files(state, kind)
    return page(
        "documents.html",
        kinds=KINDS,
        kind_names=KIND_NAMES,
        preview_names=PREVIEW_NAMES,
        kind=kind,
        files=files,
        written=written,
        charges_missing=kind in ("dispute", "card-dispute")
        and (not case.charges or (kind == "card-dispute" and case.card is None)),
        error=error,
        need=_need(error),
        taken=taken,
    ), (400 if error else 409 if taken else 200)


def _need(error: LettersError | None) -> tuple[str, str, str] | None:
    """Return what an error says the case lacks, in the app's words (NEEDS), if it is that."""
    return next((NEEDS[key] for key in error.fields if key in NEEDS), None) if error else None


def _write_documents(case: Case, kind: str, force: bool) -> Any:
    state = launch().state
    from letters.content import recipient_for
    from letters.kit import Print, Request, write_email, write_letter

    request_ = Request(
        case.path or Path(),
        state.out_dir,
        launch().today(case.tz),
        kind=kind,
        force=force,
        app=True,
    )
    explain = g.lang if g.lang != "en" and case.language == "en" else None
    with state.lock:
        letter = write_letter(request_, Print(explain=explain))
        mail = None
        recipient = recipient_for(case, kind)
        if not recipient.email:  # the FCC, a card issuer: the printed letter goes
            letter.notes.append(
                _("No email draft: {recipient} has no email address.").format(
                    recipient=recipient.name
                )
            )
        else:
            try:
                mail = write_email(request_)
            except OutputExistsError:
                raise
            except LettersError as problem:  # the letter stands; the page says why no email
                letter.notes.append(
                    _("The email was not written: {reason}").format(reason=problem.message)
                )
    if mail is not None:
        letter.paths += mail.paths
        letter.mailto = mail.mailto
    return letter


@pages.get("/files/<path:name>")
def files(name: str) -> Any:
    state = launch().state
    need_open()
    roots = [state.out_dir, state.evidence_dir]
    for root in roots:
        if root is None:
            continue
        target = (root / name).resolve()
        base = root.resolve()
        if (
            target.is_relative_to(base)
            and target.is_relative_to(state.folder.resolve())
            and target.is_file()
        ):
            inline = target.suffix.lower() == ".pdf" and request.args.get("view") == "1"
            return send_file(target, as_attachment=not inline, download_name=target.name)
    abort(404)


# --- the bundle -------------------------------------------------------------------------


@pages.get("/bundle")
def bundle() -> Any:
    state = launch().state
    case = need_case()
    job = state.job
    written = job.written if job is not None and job.finished else None
    if written is not None and not all(path.exists() for path in written.paths):
        state.job = None  # its files moved or gone since: no result with dead links
    sent = case.request_sent_on is not None
    return page(
        "bundle.html",
        job=state.job,
        sent=sent,
        letters=_written(state) if sent else [],
        **({"report": None} | _result()),
    )


def _written(state: State) -> list[tuple[str, bool]]:
    """Return the letters written for the case, by name, each with whether it is offered
    ticked: those a bundle made after sending may hold, as the holder chooses. Only the
    closure request's, which the case records as sent, are ticked: the others may be drafts
    never sent, and the bundle may go to the carrier, a bank or the FCC."""
    from letters.kit import written_letters

    names = sorted(written_letters(state.out_dir)) if state.out_dir else []
    return [(name, name.startswith("request.")) for name in names]


@pages.post("/bundle")
def build() -> Any:
    state = launch().state
    from letters.kit import Print, Request, write_bundle, write_kit, written_letters

    case = need_case()
    if state.job is not None and not state.job.finished:
        return redirect("/bundle", 303)
    job = Job()
    state.job = job
    explain = g.lang if g.lang != "en" and case.language == "en" else None
    force = request.form.get("force") == "yes"  # only when the user said "Replace them"
    request_ = Request(
        state.case_file, state.out_dir, launch().today(case.tz), force=force, app=True
    )
    evidence = state.evidence_dir if state.evidence_dir and state.evidence_dir.is_dir() else None

    sent = case.request_sent_on is not None
    # Only the letters the holder ticked: drafts never sent stay out of a bundle that may go
    # to the carrier, the bank or the FCC.
    job.letters = request.form.getlist("letter")

    def run() -> None:
        try:
            with state.lock:
                if sent:  # the letters as they went: never a request written again, dated today
                    written = written_letters(state.out_dir)
                    documents = {name: written[name] for name in job.letters if name in written}
                    job.written = write_bundle(request_, evidence, None, job, documents)
                else:
                    job.written = write_kit(request_, evidence, Print(explain=explain), job)
        except OutputExistsError as error:
            job.taken = [Path(p).name for p in error.paths]
        except LettersError as error:
            job.error, job.details = error.message, error.details
            job.need = _need(error)
        except Exception as error:  # shown on the page; nothing else sees this thread
            job.error = type(error).__name__
        finally:
            job.finished = True

    context = contextvars.copy_context()  # the build speaks the page's language
    threading.Thread(target=context.run, args=(run,), daemon=True).start()
    return redirect("/bundle", 303)


@pages.get("/bundle/progress")
def progress() -> Any:
    state = launch().state
    job = state.job
    if job is None:
        return {"finished": True, "percent": 100}
    percent = 100 if job.finished or not job.total else int(100 * job.done / job.total)
    return {"finished": job.finished, "percent": percent}


@pages.post("/verify")
def verify() -> Any:
    from letters.output import scratch_folder
    from letters.verify import not_a_bundle, parse_fingerprint, verify_bundle

    case = need_case()
    upload = request.files.get("bundle")
    given = request.form.get("fingerprint", "").strip()
    try:
        if upload is None or not upload.filename:
            raise InputError(_("Choose a file first."))
        fingerprint = parse_fingerprint(given) if given else None
    except InputError as error:
        return _done("/bundle", verify_error=str(error), fingerprint=given)
    with scratch_folder("letters-verify-") as folder:  # gone even if the app stops meanwhile
        path = folder / "bundle.zip"
        upload.save(path)
        report = verify_bundle(path, fingerprint=fingerprint)
        # The report's own lines after its headline (which names our temporary copy):
        # every problem, warning and thing not checked, in plain words.
        findings = [line.strip() for line in report.lines()[1:]]
    if report.not_a_zip:
        return _done("/bundle", verify_error=not_a_bundle(upload.filename))
    other = None
    if report.identifier and normalize.identifier(report.identifier) != case.account.number:
        # Whole, maybe, but another account's: the holder would take it for this case's.
        other = _(
            "It is the bundle of account {theirs}, not of this case's account {ours}: check "
            "that it is the one you meant to check."
        ).format(theirs=mask(report.identifier), ours=mask(case.account.number))
    return _done("/bundle", report=report, findings=findings, name=upload.filename, other=other)


# --- send ---------------------------------------------------------------------------------


@pages.route("/send", methods=["GET", "POST"])
def send() -> Any:
    state = launch().state
    from letters import send as sending

    need_open()
    drafts = sorted(
        p.name
        for p in (state.out_dir.glob("*.eml") if state.out_dir.is_dir() else ())
        if ".sent-" not in p.name  # the copies of what was sent are not drafts
    )
    values = {key: request.form.get(key, "") for key in ("draft", "host", "port", "user", "tls")}
    values["tls"] = values["tls"] or "starttls"
    shown = _result()
    summary: list[str] = shown.get("summary", [])
    error = None
    sent = shown.get("sent")
    recorded = shown.get("recorded")
    values |= shown.get("values", {})
    known = None
    if request.method == "GET" and not values["host"]:  # a provider most holders use
        known = sending.provider_server(need_case().holder.email)
        if known is not None:
            values |= {
                "host": known.host,
                "port": str(known.port),
                "tls": known.tls,
                "user": known.user or "",
            }
    if request.method == "POST" and values["draft"] in drafts:
        try:
            draft = state.out_dir / values["draft"]
            prepared = sending.prepare(draft, state.location, launch().now().astimezone())
            summary = prepared.summary()
            # The server is checked with the preview, not only once the password is given.
            server = sending.server_for(
                values["host"], values["port"], values["user"], values["tls"]
            )
            if request.form.get("action") == "send" and request.form.get("confirm") != "yes":
                raise InputError(_("Tick “Yes, send it now” first: nothing was sent."))
            if request.form.get("confirm") == "yes":
                # What went out is kept, and the case records it, one writer at a time.
                recorded = sending.deliver(
                    prepared, server, request.form.get("password") or None, writing=state.lock
                )
                sent = ", ".join(prepared.outgoing.recipients)
                return _done("/send", sent=sent, recorded=recorded, summary=summary, values=values)
        except LettersError as problem:
            error = problem
    elif request.method == "POST":
        error = InputError(_("Choose a draft first."))
    return page(
        "send.html",
        security=SECURITY,
        drafts=drafts,
        values=values,
        summary=summary,
        error=error,
        sent=sent,
        recorded=recorded,
        known=known,
    ), (400 if error else 200)


def _refuse(code: int, message: str) -> Response:
    """A plain page saying why, with no secret and no resources (legible on a phone too)."""
    body = (
        "<!doctype html><meta charset=utf-8>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>letters</title><h1>letters</h1><p>{_escape(message)}</p>"
    )
    response = Response(body, code, mimetype="text/html")
    return response


def _too_large() -> Response:
    limit = i18n.format_number(UPLOAD_LIMIT >> 20, i18n.ui_language())
    return _refuse(413, _("The file is too large: up to {size} MB at a time.").format(size=limit))


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def _language() -> str:
    """The interface language: chosen on a page, else the browser's (Accept-Language)."""
    for value in (request.args.get("lang"), request.cookies.get(LANG_COOKIE)):
        if value and (chosen := i18n.normalize_language(value)):
            return chosen
    for tag, _quality in request.accept_languages:
        if chosen := i18n.normalize_language(tag):
            return chosen
    return "en"


def _case_name(state: State) -> str:
    if state.case_path is None:
        return ""
    return (
        state.folder.name if state.case_path.name == casefolder.CASE_FILE else state.case_path.name
    )


def _form(words: dict[str, str]) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """Lay the wizard's questions out as form sections: (section, title, fields).

    A field is {name, label, optional, choices: [(value, label)], parts}; an address's parts are
    fields too. Yes-or-no questions become a choice of yes and no.
    """
    sections = []
    for section, questions in wizard.SECTIONS:
        fields: list[dict[str, Any]] = []
        for asked in questions:
            name = f"{section}.{asked.key}"
            if asked.key == wizard.ADDRESS:
                parts = [
                    {
                        "name": f"{name}.{part}",
                        "label": _(ADDRESS_LABELS[part])
                        if part in ADDRESS_LABELS
                        else words[f"address.{part}"],
                        "optional": True,
                        "choices": (),
                        "parts": (),
                    }
                    for part in wizard.ADDRESS_PARTS
                ]
                fields.append({"name": name, "label": words[f"{section}.address"], "parts": parts})
                continue
            label = words[name]
            if asked.check is wizard.parse_yes_no:
                label = label.removesuffix(" (y/n)").removesuffix("（y/n）")
                choices = [("no", _("No")), ("yes", _("Yes"))]
            else:
                choices = [(option, words.get(option, option)) for option in asked.choices]
            fields.append(
                {
                    "name": name,
                    "label": label,
                    "optional": asked.optional,
                    "choices": choices,
                    "parts": (),
                }
            )
        sections.append((section, words[section], fields))
    return sections


def _form_defaults(language: str) -> dict[str, str]:
    """The answers a new form starts with: the wizard's defaults."""
    values = {"language": language}
    for section, questions in wizard.SECTIONS:
        for asked in questions:
            if asked.key == wizard.ADDRESS:
                for part in wizard.ADDRESS_FIELDS:
                    if part.default:
                        values[f"{section}.address.{part.key}"] = part.default
            elif asked.check is wizard.parse_yes_no:
                values[f"{section}.{asked.key}"] = "yes" if asked.default == "y" else "no"
            elif asked.default or asked.choices:
                values[f"{section}.{asked.key}"] = asked.default or asked.choices[0]
    return values


def _event_values() -> dict[str, Any]:
    form = request.form
    return {
        "at": form.get("at", "").strip() or None,
        "channel": form.get("channel", ""),
        "party": form.get("party", "").strip() or None,
        "reference": form.get("reference", "").strip() or None,
        "summary": form.get("summary", "").strip(),
        "evidence": tuple(form.getlist("evidence")),
        "certified_mail": form.get("certified_mail", "").strip() or None,
    }


def _problems(error: LettersError) -> dict[str, str]:
    return error.fields or {"": error.message}


def _at(event: Event, case: Case, shown: bool = False) -> str:
    """An event's time, as the form shows it (2026-11-20T14:30) or in words."""
    moment = event.local(case.tz)
    if isinstance(moment, datetime):
        if shown:
            return i18n.format_moment(moment, i18n.ui_language())
        return moment.strftime("%Y-%m-%dT%H:%M")
    return i18n.format_moment(moment, i18n.ui_language()) if shown else moment.isoformat()


def _page_of(action: Action) -> str:
    """Return the page that does what a guide step asks."""
    if action.kind == "log":
        return "/timeline#edit"
    if action.kind == "bundle":
        return "/bundle"
    if action.kind == "record":
        return "/case#record"
    if action.kind == "details":
        return "/details"
    if action.kind == "charges":
        return "/charges"
    return "/documents?" + urlencode({"kind": action.kind})


def _day(value: date) -> str:
    return i18n.format_date(value, i18n.ui_language())


def _files(state: State, kind: str) -> list[Path]:
    """The documents of a kind already written, and of those that go with it (the FCC
    complaint's cover letter to the attorney general), in the order they are offered."""
    if not state.out_dir.is_dir():
        return []
    from letters.content import COMPANIONS

    kinds = (kind, *COMPANIONS.get(kind, ()))
    order = {".pdf": 0, ".docx": 1, ".eml": 2, ".txt": 3}
    found = [
        p
        for p in state.out_dir.iterdir()
        if p.is_file() and p.name.split(".", 1)[0] in kinds and p.suffix in order
    ]
    return sorted(
        found,
        key=lambda p: (
            kinds.index(p.name.split(".", 1)[0]),
            ".explain." in p.name,
            order[p.suffix],
            p.name,
        ),
    )


def _download(data: bytes, name: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
