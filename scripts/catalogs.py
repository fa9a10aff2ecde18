"""Keep the message catalogs in step with the code: extract, update, compile.

    python scripts/catalogs.py           # extract messages, merge them into each .po, compile .mo
    python scripts/catalogs.py --check   # fail if a .po lacks a translation or a .mo is stale

The compiled .mo files are committed so that `pip install .` ships them without a build step.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "letters" / "locale"
LANGUAGES = ("zh_CN", "zh_TW")
KEYWORDS = {
    "_": None, "N_": None, "ngettext": (1, 2), "N_plural": (1, 2),
    "NC_": ((1, "c"), 2), "NC_plural": ((1, "c"), 2, 3),  # words documents print
}  # fmt: skip


def extract() -> Catalog:
    """Collect every marked message of the package into a template catalog."""
    template = Catalog(project="letters", charset="utf-8", fuzzy=False)
    # The browser app's pages are Jinja templates calling the same `_()` and `ngettext()`.
    pages = "web/templates/**.html"
    method_map = [("**.py", "python"), (pages, "jinja2.ext:babel_extract")]
    # A page that does not parse must stop this, not lose its messages from every catalog.
    options_map = {pages: {"silent": "false"}}
    for _file, _line, message, comments, context in extract_from_dir(
        ROOT / "letters", method_map, options_map, keywords=KEYWORDS
    ):
        template.add(message, None, auto_comments=comments, context=context)
    return template


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "letters.po"


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def messages(catalog: Catalog) -> dict[object, object]:
    """Return a catalog's translations by (context, id): what a program reads from it.

    Headers are left out: Babel writes its own version into them, so comparing bytes would
    fail on a Babel release rather than on a missing or stale translation.
    """

    def plain(value: object) -> object:
        return tuple(value) if isinstance(value, list | tuple) else value

    def key(message: Message) -> tuple[object, object]:
        # Babel before 2.13 reads a compiled message's context as bytes.
        context = message.context
        if isinstance(context, bytes):
            context = context.decode("utf-8")
        return context, plain(message.id)

    return {
        key(message): plain(message.string)
        for message in catalog
        if message.id and message.string and not message.fuzzy
    }


def problems() -> list[str]:
    """Return what is missing or stale in the catalogs."""
    template = extract()
    found = []
    for language in LANGUAGES:
        with po_path(language).open("rb") as handle:
            catalog = read_po(handle)
        for message in template:
            if not message.id:
                continue
            entry = catalog.get(message.id, message.context)
            if (
                entry is None
                or not entry.string
                or entry.fuzzy
                or (isinstance(entry.string, tuple) and not all(entry.string))
            ):
                found.append(f"{language}: untranslated: {message.id!r}")
        mo = po_path(language).with_suffix(".mo")
        if not mo.exists() or messages(read_mo(io.BytesIO(mo.read_bytes()))) != messages(catalog):
            found.append(f"{language}: {mo.relative_to(ROOT)} is stale: run scripts/catalogs.py")
    return found


def update() -> None:
    """Merge the extracted messages into each .po and compile it."""
    template = extract()
    for language in LANGUAGES:
        path = po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle)
        else:
            catalog = Catalog(locale=language, project="letters", charset="utf-8", fuzzy=False)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, sort_output=True)
        with path.open("rb") as handle:  # compile what was written, exactly
            path.with_suffix(".mo").write_bytes(compiled(read_po(handle)))


if __name__ == "__main__":
    if "--check" in sys.argv:
        issues = problems()
        print("\n".join(issues) or "catalogs complete")
        sys.exit(1 if issues else 0)
    update()
