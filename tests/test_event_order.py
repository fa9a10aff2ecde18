"""One event order: the log, the guide's timeline, the index and the timeline files agree."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from pypdf import PdfReader

from tests.conftest import SAMPLE_CASE, run

# B is earlier by its own clock's date (Nov 20) but later in time: 07:30 UTC on Nov 21,
# against C at 01:00 UTC. Sorting by each event's own date would put B first.
EVENTS = """
[[events]]
at = 2026-11-20T23:30:00-08:00
channel = "phone"
summary = "Event B"
evidence = ["b.txt"]

[[events]]
at = 2026-11-21T01:00:00+00:00
channel = "chat"
summary = "Event C"
evidence = ["c.txt"]
"""


def test_events_in_mixed_offsets_are_numbered_alike_everywhere(case_file, tmp_path: Path) -> None:
    case = case_file(SAMPLE_CASE.split("[[events]]", 1)[0] + EVENTS)
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    (evidence / "b.txt").write_text("b")
    (evidence / "c.txt").write_text("c")

    listed = run("log", case)
    assert listed.exit_code == 0, listed.stderr
    assert listed.stdout.index("Event C") < listed.stdout.index("Event B")

    out = tmp_path / "proof.zip"
    made = run("bundle", case, evidence, "-o", out, "--date", "2026-11-24")
    assert made.exit_code == 0, made.stderr
    with zipfile.ZipFile(out) as bag:
        timeline = list(csv.DictReader(io.StringIO(bag.read("proof/data/index/timeline.csv")
                                                   .decode("utf-8-sig"))))  # fmt: skip
        index = json.loads(bag.read("proof/data/index/index.json"))
        exhibits = list(csv.DictReader(io.StringIO(bag.read("proof/data/index/index.csv")
                                                   .decode("utf-8-sig"))))  # fmt: skip
        pdf = "".join(
            page.extract_text()
            for page in PdfReader(io.BytesIO(bag.read("proof/data/index/index.pdf"))).pages
        )
    assert [(row["event"], row["summary"]) for row in timeline] == [
        ("1", "Event C"),
        ("2", "Event B"),
    ]
    assert [(e["event"], e["summary"]) for e in index["timeline"]] == [
        (1, "Event C"),
        (2, "Event B"),
    ]
    cited = {row["path"]: row["events"] for row in exhibits}
    assert cited == {"data/evidence/b.txt": "2", "data/evidence/c.txt": "1"}
    assert {x["path"]: x["events"] for x in index["exhibits"]} == {
        "data/evidence/b.txt": [2],
        "data/evidence/c.txt": [1],
    }
    assert pdf.index("Event C") < pdf.index("Event B")
