"""`letters letter` for many cases, and Chinese letters against English, as a user runs them.

    python bench/bench_letter.py                  # 200 cases; add --separate for one
                                                  # process per case (slow)
    python bench/bench_letter.py --cases 20 --documents 20 --pairs 3

- 200 letters (PDF and DOCX) for 200 cases in one `letters letter` command, against a Python
  process that loops over the same cases calling the library (`letters.kit.write_letter`):
  what the command adds to the work itself. With --separate, also against one `letters
  letter` process per case.
- A zh-CN PDF letter against an English one, per document, in one process: a child renders
  the letter DOCUMENTS times after a first one and reports the loop's own time.
- A cold `letters letter CASE --format pdf` in zh-CN against the same in English.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import inputs
from measure import LETTERS, Row, Task, at_most, paired

LIBRARY_LOOP = """\
import sys
from datetime import date
from pathlib import Path

from letters.kit import Print, Request, write_letter

out = Path(sys.argv[1])
for folder in map(Path, sys.argv[2:]):
    request = Request(folder / "case.toml", out / folder.name, date.fromisoformat("{day}"),
                      force=True)
    write_letter(request, Print())
"""

PER_DOCUMENT = """\
import sys, time
from datetime import date
from pathlib import Path

from letters.kit import Print, Request, write_letter

case, language, out, count = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
request = Request(case, out, date.fromisoformat("{day}"), language=language, force=True)
printing = Print(formats=("pdf",), explain="none")
write_letter(request, printing)  # the first one loads fonts and templates: a cold start's cost
started = time.perf_counter()
for _ in range(count):
    write_letter(request, printing)
print((time.perf_counter() - started) / count)
"""

ONE_PROCESS_EACH = """\
import json, subprocess, sys

letters, out, cases = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3:]
for case in cases:
    subprocess.run([*letters, "letter", case, "-o", f"{out}/{case.rsplit('/', 1)[-1]}",
                    "--date", "{day}", "--force"], check=True, stdout=subprocess.DEVNULL)
"""


def python(code: str, *args: str | Path) -> list[str | Path]:
    """Return the command running `code` in a fresh interpreter of this environment."""
    return [sys.executable, "-c", code.replace("{day}", inputs.DAY), *args]


def bulk(options: argparse.Namespace, work: Path) -> list[Row]:
    """Many cases in one command against the library loop (and one process per case)."""
    count = options.cases
    cases = inputs.many_cases(work / "cases", count)
    out = work / "letters"
    print(f"timing letters for {count} cases …", flush=True)
    command = Task([*LETTERS, "letter", *cases, "-o", out, "--date", inputs.DAY, "--force"])
    loop = paired(command, Task(python(LIBRARY_LOOP, out, *cases)), options.pairs)
    slower = 1 / loop.ratio
    rows = [
        Row(
            f"{count} letters, one command, time vs the library loop",
            f"{slower:.2f}× ({command.seconds:.1f} s)",
            *at_most(slower, 1.5),
        )
    ]
    if options.separate:
        each = Task(python(ONE_PROCESS_EACH, json.dumps(LETTERS), out, *cases))
        apart = paired(command, each, 1, warm=False)
        rows.append(
            Row(
                f"{count} letters, one process per case vs one command",
                f"{apart.ratio:.1f}× ({each.seconds:.0f} s)",
            )
        )
    if not options.keep:
        shutil.rmtree(out)
    return rows


def chinese(options: argparse.Namespace, work: Path) -> list[Row]:
    """A zh-CN PDF letter against an English one: per document, and from a cold start."""
    samples = {language: inputs.SAMPLES / f"case-{language}.toml" for language in ("en", "zh-CN")}
    print("timing zh-CN letters against English …", flush=True)
    per_document = {
        language: Task(
            python(PER_DOCUMENT, case, language, work / language, str(options.documents)),
            timing=lambda run: float(run.output.split()[-1]),
        )
        for language, case in samples.items()
    }
    warm = paired(per_document["zh-CN"], per_document["en"], options.pairs)
    cold = {
        language: Task(
            [
                *LETTERS,
                "letter",
                case,
                "--format",
                "pdf",
                "--explain",
                "none",
                "--lang",
                language,
                "-o",
                work / language,
                "--date",
                inputs.DAY,
                "--force",
            ]
        )
        for language, case in samples.items()
    }
    start = paired(cold["zh-CN"], cold["en"], max(9, 3 * options.pairs))
    per_ratio, cold_ratio = 1 / warm.ratio, 1 / start.ratio
    zh, en = per_document["zh-CN"].seconds, per_document["en"].seconds
    return [
        Row(
            "zh-CN PDF vs en PDF, per document in one process",
            f"{per_ratio:.2f}× ({zh * 1000:.0f} vs {en * 1000:.0f} ms)",
            *at_most(per_ratio, 1.5),
        ),
        Row(
            "cold letters letter zh-CN PDF vs en PDF",
            f"{cold_ratio:.2f}× ({cold['zh-CN'].seconds * 1000:.0f} vs "
            f"{cold['en'].seconds * 1000:.0f} ms)",
            *at_most(cold_ratio, 1.15),
        ),
    ]


if __name__ == "__main__":
    import bench_all

    bench_all.main(["letters"])
