"""One event order: the log, the guide's timeline, the index and the timeline files agree."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
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
STATUS = "\n[status]\nrequest_sent = 2026-11-19\n"


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


def test_a_follow_up_letter_lists_the_events_in_the_same_order(case_file, tmp_path: Path) -> None:
    case = case_file(SAMPLE_CASE.split("[[events]]", 1)[0] + EVENTS + STATUS)
    made = run("letter", case, "--kind", "follow-up", "--date", "2026-12-10", "--format", "pdf",
               "-o", tmp_path / "out")  # fmt: skip
    assert made.exit_code == 0, made.stderr
    pages = PdfReader(tmp_path / "out" / "follow-up.en.pdf").pages
    text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    assert "so far: on November 20, 2026, by online chat; on November 20, 2026, by phone." in text


def test_editing_event_1_edits_the_first_the_log_lists(case_file) -> None:
    from letters.timeline import NewEvent, edit_event

    case = case_file(SAMPLE_CASE.split("[[events]]", 1)[0] + EVENTS)
    edit_event(case, 1, NewEvent(channel="email", summary="Event C, edited"), datetime.now(UTC))
    text = case.read_text(encoding="utf-8")
    assert 'summary = "Event B"' in text
    assert 'summary = "Event C"' not in text
    assert 'summary = "Event C, edited"' in text
    listed = run("log", case)
    assert listed.stdout.index("Event C, edited") < listed.stdout.index("Event B")


def test_removing_event_1_removes_the_first_the_log_lists_and_nothing_else(case_file) -> None:
    from letters.timeline import remove_event

    head = SAMPLE_CASE.split("[[events]]", 1)[0]
    case = case_file(head + EVENTS)
    before = case.read_text(encoding="utf-8")
    remove_event(case, 1)  # Event C: the first by time, the second in the file
    text = case.read_text(encoding="utf-8")
    assert 'summary = "Event C"' not in text and 'summary = "Event B"' in text
    assert text.startswith(head) and len(text) < len(before)
    remove_event(case, 1)
    assert case.read_text(encoding="utf-8").rstrip("\n") == head.rstrip("\n")  # no table left


def test_an_added_event_is_the_event_the_case_then_loads(case_file) -> None:
    from letters.case import load_case
    from letters.timeline import NewEvent, add_event

    case = case_file(SAMPLE_CASE.split("[[events]]", 1)[0] + EVENTS)
    new = NewEvent(channel="chat", summary="Event A", at="2026-11-21T09:00:00+00:00",
                   party="Agent Kim", reference="A-1")  # fmt: skip
    added = add_event(case, new, datetime.now(UTC))
    loaded = load_case(case)
    assert [event.summary for event in loaded.events] == ["Event C", "Event B", "Event A"]
    (event,) = [event for event in loaded.events if event.summary == "Event A"]
    assert event.at.isoformat() == "2026-11-21T09:00:00+00:00"  # the file keeps its offset
    assert added.at.isoformat() == "2026-11-21T01:00:00-08:00"  # told on the case's clock
    assert added == replace(event, at=event.local(loaded.tz))
