"""The one factory of Jinja environments: sandboxed, strict, with one search path.

Templates are looked up in the user's folder first (if any), then in the built-in set, so a
user can override one file of a set and keep the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from letters.errors import InputError, TemplateError
from letters.i18n import _
from letters.resources import builtin_templates

DEFAULT_SET = "standard"


def search_path(user_dir: Path | None = None, template_set: str = DEFAULT_SET) -> list[Path]:
    """Return the folders templates are looked up in, first match wins."""
    folders = [user_dir] if user_dir else []
    return [*folders, builtin_templates() / template_set]


def environment(
    folders: Sequence[Path],
    filters: dict[str, Callable[..., Any]] | None = None,
    autoescape: bool = False,
) -> jinja2.Environment:
    """Create a sandboxed Jinja environment with StrictUndefined over `folders`."""
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in folders], encoding="utf-8"),
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(filters or {})
    return env


def describe(error: Exception, name: str) -> TemplateError:
    """Turn a Jinja error into a TemplateError naming the template and line."""
    if isinstance(error, jinja2.TemplateNotFound):
        return TemplateError(_("template not found: {name}").format(name=error.name))
    line = getattr(error, "lineno", None)
    where = f"{getattr(error, 'filename', None) or name}"
    if line:
        where += f":{line}"
    message = getattr(error, "message", None) or str(error)
    return TemplateError(
        _("{where}: template error: {message}").format(where=where, message=message)
    )


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
