"""Languages, the tool's message catalogs, and date, money and number formatting.

The only module that imports Babel (lazily: formatting is not on the start-up path).
Messages use the standard gettext machinery over the compiled `.mo` catalogs that ship
inside the package, so `letters --help` never loads Babel.
"""

from __future__ import annotations

import contextlib
import gettext as _gettext
import os
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: every start of `letters` imports this module
    from datetime import date, datetime
    from decimal import Decimal

LANGUAGES = ("en", "zh-CN", "zh-TW")
"""Document and interface languages, as written in case files and on the command line."""

LANGUAGE_NAMES = {"en": "English", "zh-CN": "简体中文", "zh-TW": "繁體中文"}
"""Each language named in itself, for choosing one."""

_LOCALES = {"en": "en_US", "zh-CN": "zh_Hans_CN", "zh-TW": "zh_Hant_TW"}
_CATALOGS = {"zh-CN": "zh_CN", "zh-TW": "zh_TW"}
_LOCALE_DIR = os.path.join(os.path.dirname(__file__), "locale")
DOMAIN = "letters"

# A context variable, not a global: the browser app serves each request in its own thread, in
# the language of the browser that asked.
_ui: ContextVar[str] = ContextVar("letters_ui", default="en")


def locale_name(language: str) -> str:
    """Return the CLDR locale for a document language (`zh-CN` → `zh_Hans_CN`)."""
    return _LOCALES[language]


def language_from_env(
    environ: os._Environ[str] | dict[str, str] | None = None, platform: str | None = None
) -> str:
    """Pick the interface language: LETTERS_UI_LANG, else LANGUAGE, LC_ALL, LC_MESSAGES and
    LANG, else the system's own setting on Windows and macOS (which set none of those)."""
    env = os.environ if environ is None else environ
    if language := chosen_language(env):
        return language
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if not value or value in ("C", "POSIX") or value.startswith("C."):
            continue
        first = value.split(":")[0]
        return normalize_language(first.split(".")[0]) or "en"
    tag = system_language_tag(sys.platform if platform is None else platform)
    return (normalize_language(tag) if tag else None) or "en"


def chosen_language(environ: os._Environ[str] | dict[str, str] | None = None) -> str | None:
    """Return the language chosen for letters itself (LETTERS_UI_LANG), if one is."""
    chosen = (os.environ if environ is None else environ).get("LETTERS_UI_LANG", "")
    return normalize_language(chosen) if chosen else None


def system_language_tag(platform: str) -> str | None:
    """Return the language the user chose for the system, as a tag (`zh-Hans-CN`, `zh_TW`)."""
    if platform == "win32":
        return _windows_language()
    if platform == "darwin":
        return _macos_language()
    return None


def _windows_language() -> str | None:
    """Ask Windows for the user's display language (GetUserDefaultUILanguage)."""
    import ctypes
    import locale

    try:
        lcid = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return None
    return locale.windows_locale.get(int(lcid))


def _macos_language() -> str | None:
    """Ask macOS for the user's first preferred language (AppleLanguages)."""
    import subprocess

    try:
        result = subprocess.run(
            ["defaults", "read", "-g", "AppleLanguages"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    # The answer is a property list: ( "zh-Hans-CN", "en-US" ).
    for token in result.stdout.replace("(", " ").replace(")", " ").split(","):
        tag = token.strip().strip('"').strip()
        if tag:
            return tag
    return None


def normalize_language(tag: str) -> str | None:
    """Map a language tag (`zh_CN`, `zh-Hant`, `zh-HK`, `en-US`) to one of LANGUAGES."""
    parts = tag.replace("_", "-").lower().split("-")
    if parts[0] == "en":
        return "en"
    if parts[0] != "zh":
        return None
    rest = set(parts[1:])
    if rest & {"tw", "hk", "mo", "hant"}:
        return "zh-TW"
    return "zh-CN"


def set_ui_language(language: str) -> None:
    """Choose the language of the tool's own messages, Click's included."""
    _ui.set(language)
    # Click words "Usage:" or "Missing argument" through the standard gettext domain, which
    # takes its language from LANGUAGE: point both at ours (see click_messages.py).
    os.environ["LANGUAGE"] = _CATALOGS.get(language, "en")
    _gettext.bindtextdomain(DOMAIN, _LOCALE_DIR)
    _gettext.textdomain(DOMAIN)


@contextlib.contextmanager
def interface(language: str) -> Iterator[None]:
    """Speak `language` inside the block, then restore the language and the environment."""
    saved_env = os.environ.get("LANGUAGE")
    token = _ui.set(language)
    set_ui_language(language)
    try:
        yield
    finally:
        _ui.reset(token)
        if saved_env is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = saved_env


def ui_language() -> str:
    """Return the language of the tool's own messages."""
    return _ui.get()


@contextlib.contextmanager
def speaking(language: str) -> Iterator[None]:
    """Speak `language` in this thread inside the block, leaving the environment alone."""
    token = _ui.set(language)
    try:
        yield
    finally:
        _ui.reset(token)


@cache
def _translations(language: str) -> _gettext.NullTranslations:
    catalog = _CATALOGS.get(language)
    if catalog is None:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, _LOCALE_DIR, languages=[catalog], fallback=True)


def _(message: str) -> str:
    """Translate one of the tool's messages into the interface language."""
    return _translations(_ui.get()).gettext(message)


def translate(message: str, language: str, context: str | None = None) -> str:
    """Translate a message into `language`, a document's language rather than the
    interface's; `context` tells a document's word from the interface's same word."""
    catalog = _translations(language)
    return catalog.gettext(message) if context is None else catalog.pgettext(context, message)


def translate_plural(
    singular: str, plural: str, n: int, language: str, context: str | None = None
) -> str:
    """Translate a message that depends on a count into `language` (see `translate`)."""
    catalog = _translations(language)
    if context is None:
        return catalog.ngettext(singular, plural, n)
    return catalog.npgettext(context, singular, plural, n)


def prompt_suffix() -> str:
    """Return what ends a question: `: ` in English, the full-width `：` in Chinese."""
    return ": " if _ui.get() == "en" else "："


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message that depends on a count."""
    return _translations(_ui.get()).ngettext(singular, plural, n)


def format_date(value: date, language: str) -> str:
    """Write a date out in full: `December 1, 2026` / `2026年12月1日`."""
    from babel.dates import format_date as babel_format_date

    return babel_format_date(value, "long", locale=locale_name(language))


def format_datetime(value: datetime, language: str, offset: bool = False) -> str:
    """Write a date and time briefly: `Nov 20, 2026, 2:30 PM` / `2026年11月20日 14:30`;
    with `offset`, its UTC offset too (`… 2:30 PM UTC-08:00`), for records read elsewhere."""
    from babel.dates import format_date as babel_format_date
    from babel.dates import format_time

    locale = locale_name(language)
    day = babel_format_date(value, "medium", locale=locale)
    sep = ", " if language == "en" else " "
    text = day + sep + format_time(value, "short", locale=locale)
    if offset and (delta := value.utcoffset()) is not None:
        minutes = int(delta.total_seconds() // 60)
        sign = "-" if minutes < 0 else "+"
        text += f" UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return text


def format_moment(value: date | datetime, language: str) -> str:
    """Format a date and time, or a date alone when that is all there is."""
    from datetime import datetime

    if isinstance(value, datetime):
        return format_datetime(value, language)
    from babel.dates import format_date as babel_format_date

    return babel_format_date(value, "medium", locale=locale_name(language))


def country_name(code: str, language: str) -> str:
    """Name a country by its two-letter code, the code after it: `Canada (CA)` / `加拿大 (CA)`."""
    from babel import Locale

    name = Locale.parse(locale_name(language)).territories.get(code.upper())
    return f"{name} ({code})" if name else code


def format_money(amount: Decimal, currency: str, language: str) -> str:
    """Format money: `$12.50` in English, `US$12.50` in Chinese."""
    from babel.numbers import format_currency

    return format_currency(amount, currency, locale=locale_name(language))


def currency_digits(currency: str) -> int:
    """Return how many decimal places amounts in `currency` have: 2 for USD, 0 for JPY."""
    from babel.numbers import get_currency_precision

    return int(get_currency_precision(currency))


def format_number(value: Any, language: str) -> str:
    """Format a number with the language's grouping and decimal marks."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=locale_name(language))


def format_count(value: int, language: str) -> str:
    """Format a whole number with the language's grouping mark, fast enough for long lists."""
    return f"{value:,}".replace(",", _group_symbol(language))


@cache
def _group_symbol(language: str) -> str:
    from babel.numbers import get_group_symbol

    return str(get_group_symbol(locale_name(language)))


def cannot_read(path: object, error: OSError) -> str:
    """Say that the file at `path` cannot be read, and why, in the interface language."""
    return _("{path}: cannot read: {reason}").format(path=path, reason=os_reason(error))


def os_reason(error: OSError) -> str:
    """Say why the system refused a file operation, in the interface language (in English,
    the system's own words)."""
    import errno

    if _ui.get() == "en":
        return error.strerror or str(error)

    reasons = {
        errno.ENOENT: N_("no such file or folder"),
        errno.EACCES: N_("permission denied"),
        errno.EPERM: N_("permission denied"),
        errno.EISDIR: N_("it is a folder"),
        errno.ENOTDIR: N_("part of the path is not a folder"),
        errno.ENOSPC: N_("the disk is full"),
        errno.EROFS: N_("the disk is read-only"),
        errno.EEXIST: N_("it already exists"),
        errno.ENAMETOOLONG: N_("the name is too long"),
        errno.ECONNREFUSED: N_("the connection was refused — check the server and the port"),
        errno.EHOSTUNREACH: N_("the server cannot be reached"),
        errno.ENETUNREACH: N_("the server cannot be reached"),
        errno.ETIMEDOUT: N_("the server did not answer in time"),
    }
    if error.errno in reasons:
        return _(reasons[error.errno])
    code = errno.errorcode.get(error.errno or 0, str(error.errno))
    return _("the system refused it ({code})").format(code=code)


def N_(message: str) -> str:
    """Mark a message for translation where it is defined; translate it where it is shown."""
    return message


def NC_(context: str, message: str) -> str:
    """Mark a message with its context (`"document"`: a word documents print) for
    translation where it is defined; translate it where it is shown."""
    return message


def NC_plural(context: str, singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with its context that depends on a count, translated elsewhere."""
    return singular, plural


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message that depends on a count, translated elsewhere (by Click's ngettext)."""
    return singular, plural


_LANGUAGES_SAID = {
    "en": N_("English"),
    "zh-CN": N_("Simplified Chinese"),
    "zh-TW": N_("Traditional Chinese"),
}


def language_name(language: str) -> str:
    """Return a language's name in the interface language, for a sentence that names it."""
    return _(_LANGUAGES_SAID[language])
