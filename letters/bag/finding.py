"""A finding: one thing verifying a bag, or writing one, found, with its message made one way.

The kinds verifying can find are in `letters.bag.findings`; the bundle writer's warnings
(`letters.bundle.BundleWarning`) are findings too. This base is apart from them so that
writing a bundle does not load the classes only verifying needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any, ClassVar

from letters.bag.paths import printable
from letters.i18n import _


class Finding:
    """One thing found: a reason a bag is not valid, a warning, a limit, or a file left out."""

    template: ClassVar[str | Mapping[str, str]] = ""

    @property
    def message(self) -> str:
        """Describe the finding in the interface language."""
        template = self.template
        if not isinstance(template, str):
            template = template[getattr(self, "reason")]  # noqa: B009 (set by the dataclass)
        values: dict[str, Any] = {}
        for item in fields(self):  # type: ignore[arg-type]
            value = getattr(self, item.name)
            if isinstance(value, str):
                value = printable(value)
            elif isinstance(value, tuple):
                value = ", ".join(printable(str(v)) for v in value)
            values[item.name] = value
        return _(template).format(**values)

    def to_json(self) -> dict[str, Any]:
        """Return the finding as JSON-ready data: its type, its fields and its message."""
        return {"type": type(self).__name__, **vars(self), "message": self.message}
