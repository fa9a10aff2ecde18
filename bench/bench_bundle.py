"""`letters bundle` and `letters verify` against openssl and bagit-python, as a user runs them.

    python bench/bench_bundle.py                      # 1 GiB, 2,000 and 20,000 files, events
    python bench/bench_bundle.py --size 1G,5G --sections big
    python bench/bench_bundle.py --size 64M --files 200,2000 --events 100,1000 --pairs 3

Every figure times the command line itself (start-up, case loading, the index and all) in a
child process, alternating with the command it is compared with; see measure.py. Sections:

- big: `letters bundle` of SIZE of evidence against `openssl dgst -sha512` of the same files
  and bagit-python's `bagit.py --sha256 --sha512` on a linked copy; `letters verify` of the
  zip against `openssl dgst -sha512` of the zip and `bagit.py --validate` of the bag; the peak
  memory of `bundle` and of `kit`.
- many: a bundle of many small files against `bagit.py` at two counts, for the growth; the
  peak memory of `bundle` and of `verify`.
- events: a bundle whose case has 1k, 5k, 10k timeline events; and the peak memory of the
  largest bundle letters accepts, the most files and the most events at once.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import inputs
from measure import (
    BAGIT,
    LETTERS,
    MIB,
    Row,
    Task,
    at_least,
    at_most,
    exponent,
    paired,
    rounds,
    show_size,
)

from letters.bag.paths import MAX_FILES
from letters.case import MAX_EVENTS

MEMORY_GOAL = 64  # MiB, whatever the size of the evidence, the files or the events
LINEAR = 1.1  # growth exponent that still counts as linear, given the noise


def fresh(path: Path) -> Callable[[], None]:
    """Return a step that removes an output before a run, so every run writes it anew.

    The disk is synced too, so that freeing the last run's output (a gigabyte's blocks, and
    their discard where the file system issues one) is done before the timed run, not in it.
    """

    def remove() -> None:
        path.unlink(missing_ok=True)
        os.sync()

    return remove


def linked_copy(source: Path, bag: Path) -> Callable[[], None]:
    """Return a step that gives `bagit.py` a fresh copy to turn into a bag (it moves files)."""

    def copy() -> None:
        shutil.rmtree(bag, ignore_errors=True)
        shutil.copytree(source, bag, copy_function=os.link)

    return copy


def openssl_files(folder: Path) -> list[str]:
    """Return the command hashing every file under a folder with openssl, as few runs as fit."""
    return [
        "sh",
        "-c",
        'find "$1" -type f -print0 | xargs -0 openssl dgst -sha512 > /dev/null',
        "sh",
        str(folder),
    ]


def case_file(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "case.toml"
    path.write_text(inputs.case_text(), encoding="utf-8")
    return path


def memory(what: str, peak: float) -> Row:
    return Row(what, f"{peak:.0f} MiB", *at_most(peak, MEMORY_GOAL, "MiB"))


def big(
    options: argparse.Namespace, work: Path, size: int
) -> tuple[list[Row], list[Row], tuple[float, float]]:
    """Bundle and verify SIZE of evidence against openssl and bagit-python.

    Return the report's rows, the scaling table's, and the median seconds of bundle and verify.
    """
    label = show_size(size)
    evidence = work / f"evidence-{label.replace(' ', '')}"
    print(f"writing {label} of evidence in {evidence} …", flush=True)
    files, total = inputs.evidence(evidence, size, options.seed)
    os.sync()  # the evidence is on the disk before any run, not written back during one
    case = case_file(work / "case")
    zipped, bag = work / "bundle.zip", work / "bag"
    bundle = [*LETTERS, "bundle", case, evidence, "-o", zipped, "--date", inputs.DAY]
    print(f"{files:,} files, {total / MIB:,.0f} MiB; timing …", flush=True)

    versus_openssl = paired(
        Task(bundle, fresh(zipped)), Task(openssl_files(evidence)), options.pairs
    )
    versus_bagit = paired(
        Task(bundle, fresh(zipped)),
        Task([*BAGIT, "--sha256", "--sha512", bag], linked_copy(evidence, bag)),
        options.pairs,
    )
    verify = [*LETTERS, "verify", zipped]
    verify_openssl = paired(
        Task(verify), Task(["openssl", "dgst", "-sha512", zipped]), options.pairs
    )
    verify_bagit = paired(Task(verify), Task([*BAGIT, "--validate", bag]), options.pairs)
    kit = Task(
        [
            *LETTERS,
            "kit",
            case.parent,
            "--evidence",
            evidence,
            "-o",
            work / "kit",
            "--date",
            inputs.DAY,
            "--force",
        ]
    )
    kit.once()

    bundle_runs = versus_openssl.ours.runs + versus_bagit.ours.runs
    bundle_peak = max(r.peak_mib for r in bundle_runs)
    rows = [
        Row(
            f"bundle {label}, speed vs openssl dgst -sha512",
            f"{versus_openssl.ratio:.2f}×",
            *at_least(versus_openssl.ratio, 0.8),
        ),
        Row(
            f"bundle {label}, speed vs bagit.py --sha256 --sha512",
            f"{versus_bagit.ratio:.2f}×",
            *at_least(versus_bagit.ratio, 1.5),
        ),
        Row(
            f"verify {label}, speed vs openssl dgst -sha512 of the zip",
            f"{verify_openssl.ratio:.2f}×",
            *at_least(verify_openssl.ratio, 0.8),
        ),
        Row(
            f"verify {label}, speed vs bagit.py --validate",
            f"{verify_bagit.ratio:.2f}×",
            *at_least(verify_bagit.ratio, 1.5),
        ),
        memory(f"bundle {label}, peak memory", bundle_peak),
        memory(f"kit {label}, peak memory", kit.peak_mib),
    ]
    verify_runs = verify_openssl.ours.runs + verify_bagit.ours.runs
    scaling = [
        scale(f"bundle {label}", versus_openssl.ours.seconds, bundle_peak),
        scale(
            f"verify {label}",
            verify_openssl.ours.seconds,
            max(r.peak_mib for r in verify_runs),
        ),
        scale(f"openssl {label}", versus_openssl.theirs.seconds, versus_openssl.theirs.peak_mib),
        scale(f"bagit.py {label}", versus_bagit.theirs.seconds, versus_bagit.theirs.peak_mib),
    ]
    if not options.keep:
        shutil.rmtree(evidence)
        shutil.rmtree(bag, ignore_errors=True)
    return rows, scaling, (versus_openssl.ours.seconds, verify_openssl.ours.seconds)


def scale(what: str, seconds: float, peak: float) -> Row:
    """Return a line of the scaling table: median time and peak memory."""
    return Row(what, f"{seconds:7.2f} s {peak:6.0f} MiB")


def many(options: argparse.Namespace, work: Path) -> tuple[list[Row], list[Row]]:
    """Bundle and verify many small files against bagit-python, at two counts."""
    counts = sorted(options.files)
    figures: dict[int, tuple[float, float, float]] = {}
    rows: list[Row] = []
    scaling: list[Row] = []
    case = case_file(work / "case")
    for count in counts:
        evidence = work / f"small-{count}"
        print(f"writing {count:,} small files in {evidence} …", flush=True)
        inputs.small_files(evidence, count, options.seed)
        zipped, bag = work / f"small-{count}.zip", work / f"small-{count}-bag"
        bundle = [*LETTERS, "bundle", case, evidence, "-o", zipped, "--date", inputs.DAY]
        made = paired(
            Task(bundle, fresh(zipped)),
            Task([*BAGIT, "--sha256", "--sha512", bag], linked_copy(evidence, bag)),
            options.pairs,
        )
        checked = paired(
            Task([*LETTERS, "verify", zipped]), Task([*BAGIT, "--validate", bag]), options.pairs
        )
        figures[count] = (made.ours.seconds, made.ours.peak_mib, checked.ours.seconds)
        scaling += [
            scale(f"bundle {count:,} files", made.ours.seconds, made.ours.peak_mib),
            scale(f"verify {count:,} files", checked.ours.seconds, checked.ours.peak_mib),
            scale(f"bagit.py {count:,} files", made.theirs.seconds, made.theirs.peak_mib),
        ]
        if count == counts[-1]:
            slower = 1 / made.ratio
            rows += [
                Row(
                    f"bundle {count:,} small files, time vs bagit.py",
                    f"{slower:.2f}×",
                    *at_most(slower, 1.5),
                ),
                memory(f"bundle {count:,} small files, peak memory", made.ours.peak_mib),
                Row(
                    f"verify {count:,} small files, speed vs bagit.py --validate",
                    f"{checked.ratio:.2f}×",
                ),
                memory(f"verify {count:,} small files, peak memory", checked.ours.peak_mib),
            ]
        if not options.keep:
            shutil.rmtree(evidence)
            shutil.rmtree(bag, ignore_errors=True)
    if len(counts) > 1:
        small, large = counts[0], counts[-1]
        growth = exponent(small, large, figures[small][0], figures[large][0])
        checking = exponent(small, large, figures[small][2], figures[large][2])
        rows.append(
            Row(
                f"bundle, growth exponent {small:,} → {large:,} files",
                f"{growth:.2f}",
                *at_most(growth, LINEAR, ""),
            )
        )
        scaling.append(
            Row(f"verify, growth exponent {small:,} → {large:,} files", f"{checking:.2f}")
        )
    return rows, scaling


def events(options: argparse.Namespace, work: Path) -> tuple[list[Row], list[Row]]:
    """Bundle a case with more and more timeline events: time, memory, growth."""
    counts = sorted(options.events)
    tasks = {}
    for count in counts:
        folder = work / f"events-{count}"
        inputs.events_case(folder, count)
        zipped = work / f"events-{count}.zip"
        tasks[count] = Task(
            [*LETTERS, "bundle", folder, "-o", zipped, "--date", inputs.DAY], fresh(zipped)
        )
    print(f"timing bundles with {', '.join(f'{c:,}' for c in counts)} events …", flush=True)
    rounds(list(tasks.values()), options.pairs)
    largest = counts[-1]
    rows = [
        Row(f"bundle with {largest:,} events, time", f"{tasks[largest].seconds:.2f} s"),
        memory(f"bundle with {largest:,} events, peak memory", tasks[largest].peak_mib),
    ]
    for small, large in itertools.pairwise(counts):
        growth = exponent(small, large, tasks[small].seconds, tasks[large].seconds)
        rows.append(
            Row(
                f"bundle, growth exponent {small:,} → {large:,} events",
                f"{growth:.2f}",
                *at_most(growth, LINEAR, ""),
            )
        )
    scaling = [
        scale(f"bundle {count:,} events", task.seconds, task.peak_mib)
        for count, task in tasks.items()
    ]
    print(f"bundling {MAX_FILES:,} files and {MAX_EVENTS:,} events, the most accepted …")
    most, zipped = work / "most", work / "most.zip"
    inputs.events_case(most, MAX_EVENTS, files=MAX_FILES)
    largest_run = Task(
        [*LETTERS, "bundle", most, "-o", zipped, "--date", inputs.DAY], fresh(zipped)
    )
    largest_run.once()
    rows.append(
        Row(
            f"bundle of {MAX_FILES:,} files, {MAX_EVENTS:,} events (the most), peak memory",
            f"{largest_run.peak_mib:.0f} MiB",
        )
    )
    if not options.keep:
        shutil.rmtree(most)
    return rows, scaling


if __name__ == "__main__":
    import bench_all

    bench_all.main(["big", "many", "events"])
