"""Print pip constraints that pin every dependency to the lowest version pyproject.toml allows.

    python scripts/lowest.py > lowest.txt && pip install -c lowest.txt ".[test]"

CI runs the tests once with the newest versions pip resolves and once with these, so a lower
bound that no longer works shows up in CI rather than on a user's computer.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOWER_BOUND = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*>=\s*([^,;\s]+)")


def lower_bounds(extras: tuple[str, ...] = ("test",)) -> dict[str, str]:
    """Return each dependency's lower bound, for the package and the given extras."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    bounds = {}
    for requirement in requirements:
        match = LOWER_BOUND.match(requirement)
        if match and match.group(1) != project["name"]:
            bounds[match.group(1).lower()] = match.group(3)
    return bounds


if __name__ == "__main__":
    extras = tuple(sys.argv[1:]) or ("test",)
    print("\n".join(f"{name}=={version}" for name, version in sorted(lower_bounds(extras).items())))
