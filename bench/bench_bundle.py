"""Measure bundle and verify against `openssl dgst -sha512` and bagit-python, in one run.

    python bench/bench_bundle.py                 # 1 GiB of evidence in a temporary folder
    python bench/bench_bundle.py --size 5G --dir /scratch/bench --keep

The evidence is shaped like the real thing: many screenshots of random bytes
(200 KiB–2 MiB), a few large videos, small texts. Every measurement runs in a child process,
so that its peak memory (ru_maxrss) is its own. Goals: bundle and verify at ≥ 0.8× the speed
of `openssl dgst -sha512`, ≥ 1.5× the speed of bagit-python's make_bag and validate (default
algorithms: sha256 and sha512), peak memory ≤ 64 MiB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

MIB = 1 << 20
UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def parse_size(text: str) -> int:
    """Read a size such as 1G, 500M or 5GiB."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?", text.strip(), re.IGNORECASE)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text}")
    return int(float(match[1]) * UNITS[match[2].upper()])


def write_random(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        while size:
            chunk = min(size, 4 * MIB)
            handle.write(os.urandom(chunk))
            size -= chunk


def make_evidence(root: Path, total: int, seed: int) -> tuple[int, int]:
    """Write an evidence folder of about `total` bytes; return (files, bytes)."""
    rng = random.Random(seed)
    files = written = 0
    for number in range(3):  # videos: about a quarter of the total
        size = total * 8 // 100
        write_random(root / "videos" / f"通话录像 {number + 1}.mp4", size)
        files, written = files + 1, written + size
    for number in range(200):  # chat logs and emails
        size = rng.randint(1 << 10, 16 << 10)
        folder = "chats" if number % 2 else "emails"
        name = f"客服 chat {number:03}.txt" if number % 2 else f"confirmation {number:03}.eml"
        write_random(root / folder / name, size)
        files, written = files + 1, written + size
    number = 0
    while written < total:  # screenshots fill the rest
        size = min(rng.randint(200 << 10, 2 * MIB), total - written)
        month = f"2026-{1 + number % 11:02}"
        write_random(root / "screenshots" / month / f"微信截图 {number:05}.png", size)
        files, written, number = files + 1, written + size, number + 1
    return files, written


def prepare(task: str, *args: str) -> Callable[[], object]:
    """Import what a task needs and return it ready to run, so imports are not timed."""
    if task == "bundle":
        from letters.bundle import BagInfo, build_bundle, scan_evidence

        return lambda: build_bundle(
            Path(args[1]),
            scan_evidence(Path(args[0])),
            bagging_date=date(2026, 11, 24),
            info=BagInfo("Bench", "Benchmark evidence"),
        )
    if task == "verify":
        from letters.verify import verify_bundle

        def verify() -> None:
            if not verify_bundle(Path(args[0])).valid:
                raise SystemExit("the bundle did not verify")

        return verify
    if task in ("make_bag", "validate"):
        import bagit

        if task == "make_bag":
            return lambda: bagit.make_bag(args[0])
        return lambda: bagit.Bag(args[0]).validate()

    def openssl() -> None:
        paths = sorted(str(p) for p in Path(args[0]).rglob("*") if p.is_file())
        for start in range(0, len(paths), 500):
            subprocess.run(
                ["openssl", "dgst", "-sha512", *paths[start : start + 500]],
                check=True,
                stdout=subprocess.DEVNULL,
            )

    return openssl


def child(task: str, *args: str) -> None:
    """Run one measured task in this process and print its time and peak memory."""
    run = prepare(task, *args)
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    peak_kib = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,  # openssl's own
    )
    print(json.dumps({"seconds": seconds, "peak_mib": peak_kib / 1024}))


def warm(path: Path) -> None:
    """Read a file into the page cache (bundle hands its output to the disk as it goes)."""
    with path.open("rb", buffering=0) as handle:
        while handle.read(4 * MIB):
            pass


def measure(task: str, *args: str | Path) -> dict[str, float]:
    """Run a task in a child process; return its seconds and peak memory."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", task, *map(str, args)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=parse_size, default="1G", help="evidence size (1G, 5G, …)")
    parser.add_argument("--dir", type=Path, help="work in this folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best kept)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(*options.child)
        return

    work = Path(tempfile.mkdtemp(prefix="letters-bench-", dir=options.dir))
    try:
        evidence = work / "evidence"
        print(f"writing {options.size / MIB:.0f} MiB of evidence in {evidence} …", flush=True)
        files, total = make_evidence(evidence, options.size, options.seed)
        megabytes = total / 1e6
        print(f"{files} files, {total / MIB:.0f} MiB\n")

        out = work / "bundle.zip"
        bag = work / "bagit-copy"
        measure("openssl", evidence)  # once to settle the page cache
        runs: dict[str, list[dict[str, float]]] = {}
        # Rounds of every task rather than each task in a row, so that a busy moment on the
        # machine weighs on all of them alike; the best time of each is kept.
        for _ in range(options.repeat):
            out.unlink(missing_ok=True)
            shutil.rmtree(bag, ignore_errors=True)  # make_bag moves files into data/:
            shutil.copytree(evidence, bag, copy_function=os.link)  # give it linked copies
            for task, args in [
                ("openssl", [evidence]),
                ("bundle", [evidence, out]),
                ("verify", [out]),
                ("make_bag", [bag]),
                ("validate", [bag]),
            ]:
                if task == "verify":
                    warm(out)  # every tool reads from the page cache, as openssl does
                runs.setdefault(task, []).append(measure(task, *args))
        best = {
            task: {
                "seconds": min(r["seconds"] for r in results),
                "peak_mib": max(r["peak_mib"] for r in results),
            }
            for task, results in runs.items()
        }
        openssl, bundle, verify = best["openssl"], best["bundle"], best["verify"]
        make_bag, validate = best["make_bag"], best["validate"]

        def rate(result: dict[str, float]) -> float:
            return megabytes / result["seconds"]

        def versus(ours: dict[str, float], theirs: dict[str, float], name: str) -> str:
            return (
                f"{rate(ours) / rate(openssl):.2f}× openssl, "
                f"{theirs['seconds'] / ours['seconds']:.2f}× as fast as {name}"
            )

        rows = [
            ("openssl dgst -sha512", openssl, ""),
            ("letters bundle", bundle, versus(bundle, make_bag, "make_bag")),
            ("letters verify", verify, versus(verify, validate, "validate")),
            ("bagit make_bag", make_bag, ""),
            ("bagit validate", validate, ""),
        ]
        print(f"{'':22} {'seconds':>8} {'MB/s':>8} {'peak MiB':>9}  speed")
        for label, result, note in rows:
            print(
                f"{label:22} {result['seconds']:8.2f} {rate(result):8.0f} "
                f"{result['peak_mib']:9.1f}  {note}"
            )
    finally:
        if options.keep:
            print(f"\nkept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
