"""Measure `letters status` over many cases and `letters log CASE import` of a large mailbox.

    python bench/bench_cases.py                  # status: 500 and 1,000 cases; import: 5,000
                                                 # and 10,000 messages; 3 rounds
    python bench/bench_cases.py --cases 1000 --messages 10000 --rounds 5

Each measurement runs the real command line in a child process, started through a small
wrapper so that its peak memory (ru_maxrss) is its own; sizes are alternated round by round
so that a slow moment of the machine does not fall on one size only. The report gives the
median time and peak memory at each size, and the ratio of the larger size to the smaller:
for work that grows linearly the time ratio is near the size ratio (2) and memory grows far
less. Nothing here asserts a time: it prints figures.
"""

from __future__ import annotations

import argparse
import mailbox
import shutil
import statistics
import subprocess
import sys
import tempfile
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASE = (ROOT / "samples" / "case-en.toml").read_text(encoding="utf-8")
STAGES = [
    "",
    "\n[status]\nrequest_sent = 2026-11-20\n",
    "\n[status]\nrequest_sent = 2026-11-01\n",
    "\n[status]\nrequest_sent = 2026-11-01\nconfirmation_received = 2026-11-22\n",
]
WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "took = time.perf_counter() - start\n"
    "if done.returncode not in (0, 2):\n"
    "    sys.exit(done.stderr.decode())\n"
    "print(took, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def make_cases(root: Path, count: int) -> Path:
    """Write `count` case folders, at every stage in turn."""
    folder = root / f"cases-{count}"
    for number in range(count):
        case = folder / f"client-{number:05}"
        (case / "evidence").mkdir(parents=True)
        (case / "case.toml").write_text(CASE + STAGES[number % len(STAGES)], encoding="utf-8")
    return folder


def make_mbox(root: Path, count: int) -> Path:
    """Write a mailbox of `count` messages of about 2 KB; one in 50 to or from the carrier.

    Like a whole Gmail Takeout: most of it is other mail, which is read and passed over.
    """
    path = root / f"inbox-{count}.mbox"
    box = mailbox.mbox(str(path))
    box.lock()
    for number in range(count):
        message = EmailMessage()
        carrier = number % 50 == 0
        message["From"] = "Care <care@example-mobile.com>" if carrier else "shop@example.org"
        message["To"] = "xm.wang@example.com"
        message["Subject"] = f"Your ticket {number}: we are looking into it"
        message["Date"] = f"Mon, {1 + number % 28:02} Nov 2026 10:{number % 60:02}:00 -0800"
        message["Message-ID"] = f"<m{number}@example-mobile.com>"
        message.set_content(("Thank you for contacting us. " * 60 + "\n") * 1)
        box.add(message)
    box.flush()
    box.unlock()
    box.close()
    return path


def make_huge(root: Path, megabytes: int) -> Path:
    """Write a mailbox of one message with an attachment of `megabytes` MB between two others."""
    path = root / f"huge-{megabytes}.mbox"
    box = mailbox.mbox(str(path))
    for number, size in enumerate((0, megabytes, 0)):
        message = EmailMessage()
        message["From"] = "care@example-mobile.com"
        message["To"] = "xm.wang@example.com"
        message["Subject"] = f"Statement {number}"
        message["Date"] = "Mon, 23 Nov 2026 10:00:00 -0800"
        message["Message-ID"] = f"<huge{number}@example-mobile.com>"
        message.set_content("Your statement is attached.")
        if size:
            data = bytes(range(256)) * (size * 4096)
            message.add_attachment(data, maintype="application", subtype="pdf")
        box.add(message)
    box.close()
    return path


def measure(*command: str) -> tuple[float, int]:
    """Run a command in a child; return its wall time (s) and peak memory (KiB)."""
    out = subprocess.run(
        [sys.executable, "-c", WRAPPER, *command], check=True, capture_output=True, text=True
    ).stdout.split()
    return float(out[0]), int(out[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000, help="the larger number of cases")
    parser.add_argument("--messages", type=int, default=10000, help="the larger mailbox")
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    letters = [sys.executable, "-m", "letters"]
    with tempfile.TemporaryDirectory(prefix="letters-bench-") as temp:
        root = Path(temp)
        sizes = {
            "status": [options.cases // 2, options.cases],
            "import": [options.messages // 2, options.messages],
        }
        folders = {count: make_cases(root, count) for count in sizes["status"]}
        boxes = {count: make_mbox(root, count) for count in sizes["import"]}
        template = make_cases(root / "template", 1) / "client-00000"
        results: dict[tuple[str, int], list[tuple[float, int]]] = {}
        for _round in range(options.rounds):
            for count in sizes["status"]:
                results.setdefault(("status", count), []).append(
                    measure(*letters, "status", str(folders[count]), "--date", "2026-11-25")
                )
            for count in sizes["import"]:
                case = root / f"import-{count}"
                shutil.rmtree(case, ignore_errors=True)
                shutil.copytree(template, case)
                results.setdefault(("import", count), []).append(
                    measure(*letters, "log", str(case), "import", str(boxes[count]))
                )
        huge = make_huge(root, 100)
        case = root / "import-huge"
        shutil.copytree(template, case)
        huge_seconds, huge_peak = measure(*letters, "log", str(case), "import", str(huge))
        print(f"{'command':<34}{'size':>8}{'median s':>10}{'peak MiB':>10}")
        for task, (small, large) in sizes.items():
            figures = {}
            for count in (small, large):
                runs = results[(task, count)]
                seconds = statistics.median(run[0] for run in runs)
                peak = max(run[1] for run in runs) / 1024
                figures[count] = (seconds, peak)
                what = "status (cases)" if task == "status" else "log import (messages)"
                print(f"{what:<34}{count:>8}{seconds:>10.2f}{peak:>10.1f}")
            time_ratio = figures[large][0] / figures[small][0]
            memory_ratio = figures[large][1] / figures[small][1]
            print(
                f"  {task}: ×{large / small:.0f} the size → ×{time_ratio:.2f} the time, "
                f"×{memory_ratio:.2f} the peak memory"
            )
        print(
            f"log import of a mailbox with a 100 MB attachment ({huge.stat().st_size >> 20} MiB): "
            f"{huge_seconds:.2f} s, peak {huge_peak / 1024:.1f} MiB (the big message is skipped)"
        )


if __name__ == "__main__":
    main()
