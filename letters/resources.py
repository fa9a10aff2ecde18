"""Where the data that ships with letters lives: built-in templates and samples."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).parent


def shipped(name: str) -> Path:
    """Return a shipped folder (`templates`, `samples`): inside the installed package, or
    at the top of a source checkout."""
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def builtin_templates() -> Path:
    """Return the folder of built-in template sets."""
    return shipped("templates")


def samples() -> Path:
    """Return the folder of sample cases and evidence."""
    return shipped("samples")
