"""`letters status`: every case under a folder, one line each, overdue first."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.conftest import SAMPLE_CASE, run

STAGES = {
    "prepare": "",
    "waiting": "\n[status]\nrequest_sent = 2026-11-20\n",
    "overdue": "\n[status]\nrequest_sent = 2026-11-01\n",
    "closed": "\n[status]\nrequest_sent = 2026-11-01\nconfirmation_received = 2026-11-22\n",
}


@pytest.fixture
def clients(tmp_path: Path) -> Path:
    root = tmp_path / "clients"
    # Sent, a case asks for no closing day: the answer is due 14 days after the request.
    unscheduled = re.sub(r"^close_on = .*\n", "", SAMPLE_CASE, flags=re.MULTILINE)
    for name, extra in STAGES.items():
        folder = root / name
        (folder / "evidence").mkdir(parents=True)
        text = SAMPLE_CASE if name == "prepare" else unscheduled + extra
        (folder / "case.toml").write_text(text, encoding="utf-8")
    other = root / "others"
    other.mkdir()
    (other / "chen.toml").write_text(
        unscheduled.replace('name = "王小明"', 'name = "陈大文"')
        + STAGES["waiting"].replace("11-20", "11-24"),
        encoding="utf-8",
    )
    (other / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    return root


def test_one_line_per_case_overdue_first(clients: Path) -> None:
    result = run("status", clients, "--date", "2026-11-25")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{clients / 'overdue'} · 王** · Example Mobile · overdue · November 15, 2026 · The "
        f"answer was due on November 15, 2026 (10 days ago): send a follow-up: letters letter "
        f"{clients / 'overdue'} --kind follow-up",
        f"{clients / 'prepare'} · 王** · Example Mobile · not sent · December 1, 2026 · You ask "
        "for the account to close on December 1, 2026 (6 days left): send the request well "
        "before then.",
        f"{clients / 'waiting'} · 王** · Example Mobile · waiting · December 4, 2026 · You sent "
        "the request on November 20, 2026. Expect an answer by December 4, 2026 (9 days left).",
        f"{clients / 'others' / 'chen.toml'} · 陈** · Example Mobile · waiting · December 8, 2026"
        " · You sent the request on November 24, 2026. Expect an answer by December 8, 2026 "
        "(13 days left).",
        f"{clients / 'closed'} · 王** · Example Mobile · closed · — · The closure is confirmed: "
        "now delete the eSIM profile from the phone.",
    ]
    assert "小明" not in result.stdout and "ACC-889977" not in result.stdout


def test_json_for_machines(clients: Path) -> None:
    result = run("status", clients / "waiting", clients / "closed", "--date", "2026-11-25",
                 "--json")  # fmt: skip
    data = json.loads(result.stdout)
    assert [(c["path"], c["stage"], c["overdue"], c["due"]) for c in data["cases"]] == [
        (str(clients / "waiting"), "waiting", False, "2026-12-04"),
        (str(clients / "closed"), "closed", False, None),
    ]
    assert data["unreadable"] == []


def test_one_broken_case_is_reported_and_the_others_still_shown(clients: Path) -> None:
    (clients / "prepare" / "case.toml").write_text("[holder]\nname = 1\n", encoding="utf-8")
    result = run("status", clients, "--date", "2026-11-25")
    assert result.exit_code == 2
    assert len(result.stdout.splitlines()) == 4
    assert result.stderr.startswith(f"Error: {clients / 'prepare' / 'case.toml'}: ")


def test_one_calendar_with_every_case_deadline(clients: Path, tmp_path: Path) -> None:
    ics = tmp_path / "all.ics"
    result = run("status", clients, "--date", "2026-11-25", "--ics", ics)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith(f"wrote {ics}\n")
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert sorted((str(e["summary"]), e["dtstart"].dt.isoformat()) for e in events) == [
        ("王** · Example Mobile: Example Mobile: answer to the closure request due", day)
        for day in ("2026-11-15", "2026-12-04")
    ] + [("王** · Example Mobile: The closing date you ask for: send the closure request before "
          "it", "2026-12-01"),
         ("陈** · Example Mobile: Example Mobile: answer to the closure request due",
          "2026-12-08")]  # fmt: skip
    again = run("status", clients, "--date", "2026-11-25", "--ics", ics, "--force")
    assert again.exit_code == 0


def test_a_folder_without_cases_says_so(tmp_path: Path) -> None:
    result = run("status", tmp_path)
    assert (result.exit_code, result.stderr) == (2, f"Error: no case found in {tmp_path}\n")
