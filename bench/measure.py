"""Time whole commands the way a user runs them, in pairs, and report median ratios.

A shared machine is noisy: a command timed alone, or a block of runs of one command after a
block of the other, gives a verdict that flips from run to run. Here two commands take turns,
pair after pair (the order swapped every other pair, so neither always runs on a warmer
cache), and the figure reported is the median of the per-pair ratios. Each run is a child
process; its peak memory is the largest resident size of it and of whatever it waited for
(openssl under xargs, say), as GNU time reports it from `wait4`.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

MIB = 1 << 20
UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
BIN = Path(sys.executable).parent
LETTERS: list[str | Path] = [BIN / "letters"]
"""The `letters` command as installed: the entry-point script a user runs."""
BAGIT: list[str | Path] = [BIN / "bagit.py"]

GNU_TIME = shutil.which("time", path="/usr/bin:/bin")
"""GNU time, to read a child's peak memory: Linux counts the memory of the process that forked
a child in the child's own peak (here, this Python with everything it has imported), so a
small launcher forks the command instead. Without it, figures below this process's own size
mean nothing."""

Command = Sequence[str | Path]


def parse_size(text: str) -> int:
    """Read a size such as 1G, 500M or 5GiB."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?", text.strip(), re.IGNORECASE)
    if not match:
        raise ValueError(f"not a size: {text}")
    return int(float(match[1]) * UNITS[match[2].upper()])


def show_size(size: int) -> str:
    """Write a size the short way: 1 GiB, 64 MiB."""
    for unit in ("T", "G", "M", "K"):
        if size >= UNITS[unit] and size % UNITS[unit] == 0:
            return f"{size // UNITS[unit]} {unit}iB"
    return f"{size / MIB:.0f} MiB"


@dataclass(frozen=True)
class Run:
    """One run of a command: its wall time, peak resident memory and what it printed."""

    seconds: float
    peak_mib: float
    output: str = ""


def run(command: Command) -> Run:
    """Run a command to its end; return its wall time and peak memory. Fail if it fails."""
    argv = [str(part) for part in command]
    # Files, not pipes: the child never blocks on a full pipe, and wait4 stays ours to call.
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r") as peak,
    ):
        timed = [GNU_TIME, "-f", "%M", "-o", peak.name, "--", *argv] if GNU_TIME else argv
        started = time.perf_counter()
        process = subprocess.Popen(timed, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        if process.returncode != 0:
            raise SystemExit(
                f"failed (exit {process.returncode}): {' '.join(argv)}\n"
                + err.read().decode(errors="replace")[-2000:]
            )
        kib = int(peak.read().split()[-1]) if GNU_TIME else usage.ru_maxrss
        return Run(seconds, kib / 1024, out.read().decode(errors="replace"))


@dataclass
class Task:
    """A command to time, with what must happen before each run and is not timed."""

    command: Command
    before: Callable[[], object] = lambda: None
    timing: Callable[[Run], float] = lambda run: run.seconds
    """What counts as the run's time: its wall time, or a time the command reports itself."""
    runs: list[Run] = field(default_factory=list)

    def once(self) -> float:
        """Run the command once; return its time."""
        self.before()
        result = run(self.command)
        self.runs.append(result)
        return self.timing(result)

    @property
    def seconds(self) -> float:
        """Return the median time of the runs so far."""
        return statistics.median(self.timing(r) for r in self.runs)

    @property
    def peak_mib(self) -> float:
        return max(r.peak_mib for r in self.runs)


@dataclass(frozen=True)
class Pair:
    """Two commands timed in turns: the median of the ratios B/A, and each one's figures."""

    ours: Task
    theirs: Task
    ratios: list[float]

    @property
    def ratio(self) -> float:
        """Return the median of theirs/ours: above 1, ours is faster."""
        return statistics.median(self.ratios)


def paired(ours: Task, theirs: Task, pairs: int, warm: bool = True) -> Pair:
    """Run two tasks in turns `pairs` times; swap who goes first every other pair."""
    if warm:  # the first run of anything fills the page cache and compiles bytecode
        for task in (ours, theirs):
            task.once()
            task.runs.clear()
    ratios = []
    for number in range(pairs):
        if number % 2:
            b, a = theirs.once(), ours.once()
        else:
            a, b = ours.once(), theirs.once()
        ratios.append(b / a)
    return Pair(ours, theirs, ratios)


def rounds(tasks: Sequence[Task], times: int) -> None:
    """Run several tasks round after round, so a busy moment falls on all of them alike."""
    for task in tasks:
        task.once()
        task.runs.clear()
    for _ in range(times):
        for task in tasks:
            task.once()


def exponent(small: float, large: float, small_time: float, large_time: float) -> float:
    """Return k in time ∝ size^k between two sizes: 1 is linear, 2 quadratic."""
    return math.log(large_time / small_time) / math.log(large / small)


@dataclass(frozen=True)
class Row:
    """One line of the report: what was measured, the figure, the goal, and whether it is met."""

    measure: str
    figure: str
    goal: str = ""
    met: bool | None = None

    @property
    def verdict(self) -> str:
        return {True: "pass", False: "FAIL", None: ""}[self.met]


def at_least(value: float, goal: float) -> tuple[str, bool]:
    return f"≥ {goal:g}×", value >= goal


def at_most(value: float, goal: float, unit: str = "×") -> tuple[str, bool]:
    return f"≤ {goal:g}{' ' if unit != '×' else ''}{unit}", value <= goal


def print_rows(title: str, rows: Sequence[Row]) -> None:
    """Print rows as an aligned table under a title."""
    if not rows:
        return
    width = max(len(row.measure) for row in rows)
    figure = max(len(row.figure) for row in rows)
    goal = max(len(row.goal) for row in rows)
    print(f"\n{title}")
    for row in rows:
        print(
            f"  {row.measure:<{width}}  {row.figure:>{figure}}  {row.goal:<{goal}}  {row.verdict}"
        )
    sys.stdout.flush()
