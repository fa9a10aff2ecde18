"""Every speed and memory goal of letters in one run: each figure, its goal, pass or FAIL.

    python bench/bench_all.py                     # everything at 1 GiB (about half an hour)
    python bench/bench_all.py --size 1G,5G        # and 5 GiB (the full run)
    python bench/bench_all.py --quick             # small sizes: a few minutes, to try it out
    python bench/bench_all.py --sections letters,startup --pairs 9

Sections: big (bundle and verify of --size evidence against openssl and bagit-python, peak
memory of bundle and kit), many (--files small files), events (--events timeline events),
letters (--cases cases in one command; zh-CN against en), startup (`letters --help`).
Every figure times the real command line in a child process, alternating with what it is
compared with; ratios are medians of the pairs (measure.py). The inputs are made from --seed
in a temporary folder (or under --dir) and removed unless --keep.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import bench_bundle
import bench_letter
import bench_startup
from measure import LETTERS, Row, exponent, parse_size, print_rows, show_size

SECTIONS = ("big", "many", "events", "letters", "startup")
QUICK = {"size": "64M", "files": "200,2000", "events": "100,1000", "cases": 20, "documents": 10}


def numbers(text: str) -> list[int]:
    return [int(part) for part in text.split(",")]


def sizes(text: str) -> list[int]:
    return [parse_size(part) for part in text.split(",")]


def arguments(sections: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--sections", default=",".join(sections), help=f"which to run, of {','.join(SECTIONS)}"
    )
    parser.add_argument("--size", default="1G", help="evidence sizes, such as 1G,5G")
    parser.add_argument("--files", default="2000,20000", help="counts of small files")
    parser.add_argument("--events", default="1000,5000,10000", help="counts of timeline events")
    parser.add_argument("--cases", type=int, default=200, help="cases in one letter command")
    parser.add_argument("--documents", type=int, default=50, help="letters per timing, warm")
    parser.add_argument("--separate", action="store_true", help="also one process per case")
    parser.add_argument("--pairs", type=int, default=5, help="alternating pairs per ratio")
    parser.add_argument("--quick", action="store_true", help="small sizes, to try it out")
    parser.add_argument("--dir", type=Path, help="work in this folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--seed", type=int, default=2026)
    options = parser.parse_args()
    if options.quick:
        for name, value in QUICK.items():
            if getattr(options, name) == parser.get_default(name):
                setattr(options, name, value)
    options.sections = options.sections.split(",")
    unknown = set(options.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"no such section: {', '.join(sorted(unknown))}")
    options.size, options.files = sizes(options.size), numbers(options.files)
    options.events = numbers(options.events)
    return options


def machine() -> str:
    """Say what ran the benchmark and how busy the machine was."""
    version = subprocess.run(
        [*LETTERS, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent,
    ).stdout.strip()
    load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    return (
        f"{version} ({commit}), Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average {load}"
    )


def main(sections: Sequence[str] = SECTIONS) -> None:
    """Run the chosen sections and print every row with its goal."""
    options = arguments(sections)
    # An installed letters runs from cached bytecode (pip compiles it): so do the runs timed
    # here, or start-up would time the compiler.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.monotonic()
    print(machine(), flush=True)
    rows: list[Row] = []
    scaling: list[Row] = []
    work = Path(tempfile.mkdtemp(prefix="letters-bench-", dir=options.dir))
    try:
        if "big" in options.sections:
            times = {}
            for size in options.size:
                found, scaled, times[size] = bench_bundle.big(options, work, size)
                rows += found
                scaling += scaled
            if len(times) > 1:
                small, large = min(times), max(times)
                for index, what in enumerate(("bundle", "verify")):
                    growth = exponent(small, large, times[small][index], times[large][index])
                    scaling.append(
                        Row(
                            f"{what}, growth exponent {show_size(small)} → {show_size(large)}",
                            f"{growth:.2f}",
                        )
                    )
        for name, section in (("many", bench_bundle.many), ("events", bench_bundle.events)):
            if name in options.sections:
                found, scaled = section(options, work)
                rows += found
                scaling += scaled
        if "letters" in options.sections:
            rows += bench_letter.bulk(options, work)
            rows += bench_letter.chinese(options, work)
        if "startup" in options.sections:
            rows += bench_startup.startup(options)
    finally:
        if options.keep:
            print(f"\nkept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print_rows(f"Goals (median of {options.pairs} alternating pairs unless said)", rows)
    print_rows("Scaling (median time, peak memory)", scaling)
    met, failed = sum(row.met is True for row in rows), sum(row.met is False for row in rows)
    minutes = (time.monotonic() - started) / 60
    print(f"\n{met} of {met + failed} goals met, {minutes:.1f} minutes; {machine()}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
