"""The one factory of Jinja environments: sandboxed, strict, bounded, with one search path.

Templates are looked up in the user's folder first (if any), then in the built-in set, so a
user can override one file of a set and keep the rest. A template folder may come from a
stranger, so a file is read only if it lies inside its folder as a plain file of its own: no
symbolic link anywhere on the way (a linked file or folder could pull in any file of the
disk), no hard link (a second name for a file elsewhere), and no more than a bounded size.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.loaders import split_template_path

from letters import sandbox
from letters.errors import InputError, LettersError, TemplateError
from letters.i18n import _
from letters.resources import builtin_templates
from letters.sandbox import MAX_TEMPLATE_BYTES, LimitError, inert, limits

__all__ = ["MAX_TEMPLATE_BYTES", "LimitError", "inert", "limits"]

DEFAULT_SET = "standard"


def search_path(user_dir: Path | None = None, template_set: str = DEFAULT_SET) -> list[Path]:
    """Return the folders templates are looked up in, first match wins."""
    folders = [user_dir] if user_dir else []
    return [*folders, builtin_templates() / template_set]


def environment(
    folders: Sequence[Path],
    filters: dict[str, Callable[..., Any]] | None = None,
    autoescape: bool = False,
    markup: bool = True,
) -> jinja2.Environment:
    """Create a bounded, immutable sandbox with StrictUndefined over `folders`.

    Render its templates inside `limits()` (or through `Template.render`, which does).
    Without `markup`, a template can write only escaped text: no `|safe`, no other filter
    that makes markup, no `{% autoescape false %}` (for a DOCX layout, whose output is XML).
    """
    env = sandbox.Sandbox(
        markup=markup,
        loader=_FolderLoader(folders),
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.template_class = _Template
    env.add_filters(filters or {})
    return env


class _Template(jinja2.Template):
    """A template whose `render` always runs within the limits."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Render the template, bounded in time, size and memory."""
        with limits():
            return super().render(*args, **kwargs)


@dataclass(frozen=True)
class Block:
    """A rendered block of a template, and the case values it printed (key: value)."""

    text: str
    printed: dict[str, str]


def render_blocks(
    env: jinja2.Environment, name: str, variables: dict[str, Any]
) -> dict[str, Block]:
    """Render each block of a template with `variables` (and the template's own top-level
    `set`s), within the limits of a rendering."""
    template = env.get_template(name)  # compiling is bounded by the file's size, not timed
    with limits() as budget:
        context = template.new_context(variables)
        env.concat(template.root_render_func(context))  # runs the top-level code; text unused
        scope = template.new_context({**variables, **context.get_exported()})
        blocks = {}
        for block, render in template.blocks.items():
            budget.printed = {}
            blocks[block] = Block(env.concat(render(scope)), budget.printed)
        return blocks


def describe(error: Exception, name: str) -> LettersError:
    """Turn a Jinja error into a TemplateError naming the template and line."""
    if isinstance(error, jinja2.TemplateNotFound):
        return TemplateError(_("template not found: {name}").format(name=error.name))
    line = getattr(error, "lineno", None)
    where = f"{getattr(error, 'filename', None) or name}"
    if line:
        where += f":{line}"
    if isinstance(error, LimitError):  # the template is at fault: say where it stopped
        return LimitError(f"{where}: {error.message}")
    if isinstance(error, LettersError):  # a refused file: its message names it
        return error
    message = getattr(error, "message", None) or str(error)
    return TemplateError(
        _("{where}: template error: {message}").format(where=where, message=message)
    )


class _FolderLoader(jinja2.BaseLoader):
    """Load templates from folders, first match wins, reading only what `read` allows."""

    def __init__(self, folders: Sequence[Path]) -> None:
        self.folders = list(folders)

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """Return the text of a template, its file name, and an always-fresh check."""
        found = find(self.folders, template, MAX_TEMPLATE_BYTES)
        if found is None:
            raise jinja2.TemplateNotFound(template)
        path, data = found
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputError(
                _("{name}: the template is not UTF-8 text").format(name=template)
            ) from error
        return text, str(path), lambda: True


def find(folders: Sequence[Path], name: str, limit: int) -> tuple[Path, bytes] | None:
    """Return the path and bytes of the first file `name` (like `docx/en.docx`) in `folders`.

    Fails if it is a link, has other hard links, or is larger than `limit` bytes.
    """
    pieces = split_template_path(name)  # refuses `..`
    for folder in folders:
        data = _read(folder, pieces, name, limit)
        if data is not None:
            return folder.joinpath(*pieces), data
    return None


def _read(folder: Path, pieces: list[str], name: str, limit: int) -> bytes | None:
    # The built-in folder is ours; installers may hard-link package files (uv does).
    trusted = folder.resolve() == (builtin_templates() / folder.name).resolve()
    path = folder.resolve()
    for depth, piece in enumerate(pieces, 1):
        path = path / piece
        try:
            info = os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            return None
        if stat.S_ISLNK(info.st_mode):
            raise InputError(
                _("{name}: {link} is a symbolic link — a template folder may hold only plain "
                  "files and folders, not links").format(name=name, link="/".join(pieces[:depth]))
            )  # fmt: skip
        if depth < len(pieces) and not stat.S_ISDIR(info.st_mode):
            return None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(_("{name}: not a regular file").format(name=name))
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    with os.fdopen(os.open(path, flags | getattr(os, "O_BINARY", 0)), "rb") as file:
        opened = os.fstat(file.fileno())
        if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
            raise InputError(_("{name}: the file changed while it was read").format(name=name))
        if opened.st_nlink > 1 and not trusted:
            raise InputError(
                _("{name}: the file has other names (hard links) — a template folder may hold "
                  "only files of its own; copy the file instead").format(name=name)
            )  # fmt: skip
        data = file.read(limit + 1)
    if len(data) > limit:
        raise InputError(
            _("{name}: the file is larger than the limit of {size} KB").format(
                name=name, size=limit // 1024
            )
        )
    return data


def template_sets() -> dict[str, list[str]]:
    """Return each built-in template set with the files it holds (relative paths)."""
    root = builtin_templates()
    return {
        folder.name: sorted(
            str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()
        )
        for folder in sorted(root.iterdir())
        if folder.is_dir()
    }


def export_set(
    destination: Path, template_set: str = DEFAULT_SET, force: bool = False
) -> list[Path]:
    """Copy a built-in template set into `destination`, for the user to change."""
    from letters.output import write_outputs

    source = builtin_templates() / template_set
    if not source.is_dir():
        raise InputError(
            _("no template set named {name} — see: letters templates list").format(
                name=template_set
            )
        )
    files = {
        destination / path.relative_to(source): path.read_bytes()
        for path in sorted(source.rglob("*"))
        if path.is_file()
    }
    return write_outputs(files, force)
