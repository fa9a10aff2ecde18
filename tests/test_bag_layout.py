"""The bag package's two sides: verifying loads none of the writer's modules."""

from __future__ import annotations

import subprocess
import sys

WRITER = (
    "letters.bundle",
    "letters.bag.scan",
    "letters.bag.exhibits",
    "letters.bag.writer",
    "letters.bag.ziparchive",
)


def test_verify_loads_none_of_the_writers_modules() -> None:
    code = (
        "import sys, letters.verify\n"
        f"print(sorted(name for name in {WRITER!r} if name in sys.modules))\n"
        "import letters.bundle\n"
        f"print(sorted(name for name in {WRITER!r} if name in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # The second line proves the names are the writer's real modules.
    assert done.stdout.splitlines() == ["[]", str(sorted(WRITER))]
