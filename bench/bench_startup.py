"""Cold start of `letters --help` against `python -c "import click"`, in alternating pairs.

    python bench/bench_startup.py [--pairs 5]

Goal: `letters --help` within 1.3× of a bare `import click`, the least a Click program
costs. `python -c pass` is shown for reference.
"""

from __future__ import annotations

import argparse
import sys

from measure import LETTERS, Row, Task, at_most, paired


def startup(options: argparse.Namespace) -> list[Row]:
    """Time `letters --help` against `import click` and against `python -c pass`."""
    print("timing letters --help …", flush=True)
    pairs = max(15, 3 * options.pairs)  # a cold start is short: take many pairs
    help_ = Task([*LETTERS, "--help"])
    click = paired(help_, Task([sys.executable, "-c", "import click"]), pairs)
    bare = paired(Task([*LETTERS, "--help"]), Task([sys.executable, "-c", "pass"]), pairs)
    ratio = 1 / click.ratio
    return [
        Row(
            "letters --help vs python -c 'import click'",
            f"{ratio:.2f}× ({help_.seconds * 1000:.0f} vs {click.theirs.seconds * 1000:.0f} ms)",
            *at_most(ratio, 1.3),
        ),
        Row("letters --help vs python -c pass", f"{1 / bare.ratio:.2f}×"),
    ]


if __name__ == "__main__":
    import bench_all

    bench_all.main(["startup"])
