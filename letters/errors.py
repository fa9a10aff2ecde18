"""The one error hierarchy of letters. The CLI maps each class to an exit code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class LettersError(Exception):
    """Something the user should hear about in one line: the operation failed (exit 1)."""

    exit_code = 1

    def __init__(
        self, message: str, details: Sequence[str] = (), fields: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = tuple(details)
        self.fields = dict(fields or {})
        """Each problem by the key it is about, for a form to show beside its field."""


class InputError(LettersError):
    """The input or the usage is wrong (exit 2)."""

    exit_code = 2


class CaseError(InputError):
    """The case file has problems; `details` lists every one of them."""


class OutputExistsError(InputError):
    """An output exists and --force was not given; `paths` are the files already there."""

    def __init__(self, message: str, details: Sequence[str] = (), paths: Sequence[Any] = ()):
        super().__init__(message, details)
        self.paths = tuple(paths)


class TemplateError(LettersError):
    """A letter template failed to load or render."""


class RenderError(LettersError):
    """A document could not be produced faithfully."""


class BundleError(LettersError):
    """An evidence bundle could not be built."""


class SendError(LettersError):
    """Mail could not be sent."""
