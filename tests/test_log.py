"""`letters log`: the timeline listed in the interface language, and events appended in place."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from letters.case import load_case
from tests.conftest import SAMPLE_CASE, SAMPLES, run

MAILED = [
    "--channel", "mail",
    "--party", "Example Mobile",
    "--reference", "12345",
    "--summary", 'Mailed the "written" request.\nKept the receipt.',
    "--at", "2026-11-22T09:00",
    "--evidence", "bill-2026-11.pdf",
    "--certified-mail", "9407 1118 9876 5432 1002",
]  # fmt: skip
MAILED_TOML = (
    "\n"
    "[[events]]\n"
    "at = 2026-11-22T09:00:00\n"
    'channel = "mail"\n'
    'party = "Example Mobile"\n'
    'reference = "12345"\n'
    'summary = "Mailed the \\"written\\" request.\\nKept the receipt."\n'
    'evidence = ["bill-2026-11.pdf"]\n'
    'certified_mail = "9407 1118 9876 5432 1002"\n'
)


@pytest.fixture
def case(case_file, tmp_path: Path) -> Path:
    """The English sample case with its evidence folder beside it."""
    shutil.copytree(SAMPLES / "evidence", tmp_path / "evidence")
    return case_file()


def test_add_appends_and_leaves_every_other_byte_alone(case: Path) -> None:
    before = case.read_bytes()
    result = run("log", case, "add", *MAILED)
    assert (result.exit_code, result.stdout) == (
        0, f"{case}: added the event of Nov 22, 2026, 9:00\u202fAM\n"
    )  # fmt: skip
    assert case.read_bytes() == before + MAILED_TOML.encode("utf-8")
    loaded = load_case(case)
    assert len(loaded.events) == 3
    event = loaded.events[-1]
    assert (event.channel, event.party, event.reference) == ("mail", "Example Mobile", "12345")
    assert event.summary == 'Mailed the "written" request.\nKept the receipt.'
    assert event.at.isoformat() == "2026-11-22T09:00:00-08:00"
    assert event.evidence == ("bill-2026-11.pdf",)
    assert event.certified_mail == "9407 1118 9876 5432 1002"


def test_add_after_other_tables_keeps_the_file_valid(case_file, tmp_path: Path) -> None:
    head = SAMPLE_CASE.split("[[events]]", 1)[0]
    text = SAMPLE_CASE + "\n[status]                           # dates\nrequest_sent = 2026-11-24"
    path = case_file(text)
    result = run(
        "log", path, "add", "--channel", "phone", "--summary", "Called.", "--at", "2026-11-25"
    )
    assert result.exit_code == 0, result.stderr
    assert path.read_text(encoding="utf-8") == (
        text + '\n\n[[events]]\nat = 2026-11-25\nchannel = "phone"\nsummary = "Called."\n'
    )
    loaded = load_case(path)
    assert [event.summary for event in loaded.events][-1] == "Called."
    assert loaded.status.request_sent is not None
    path = case_file(head.rstrip(), name="no-events.toml")
    result = run(
        "log", path, "add", "--channel", "chat", "--summary", "Chat.", "--at", "2026-11-25"
    )
    assert result.exit_code == 0, result.stderr
    assert len(load_case(path).events) == 1


def test_add_keeps_a_bom_and_windows_line_ends(case_file) -> None:
    path = case_file("\ufeff" + SAMPLE_CASE.replace("\n", "\r\n"))
    before = path.read_bytes()
    result = run(
        "log", path, "add", "--channel", "phone", "--summary", "Called.", "--at", "2026-11-25"
    )
    assert result.exit_code == 0, result.stderr
    added = b'\r\n[[events]]\r\nat = 2026-11-25\r\nchannel = "phone"\r\nsummary = "Called."\r\n'
    assert path.read_bytes() == before + added


def test_add_without_at_uses_the_clock_once_in_the_case_time_zone(
    case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import letters.cli

    moments = iter([datetime(2026, 11, 24, 17, 15, 30, 123456, tzinfo=UTC)])
    monkeypatch.setattr(letters.cli, "clock", lambda: next(moments))
    result = run("log", case, "add", "--channel", "store", "--summary", "Visited the store.")
    assert result.exit_code == 0, result.stderr
    assert "\nat = 2026-11-24T09:15:30-08:00\n" in case.read_text(encoding="utf-8")
    assert result.stdout == f"{case}: added the event of Nov 24, 2026, 9:15\u202fAM\n"


def test_evidence_given_by_its_path(case: Path, tmp_path: Path) -> None:
    dragged = tmp_path / "evidence" / "chat-2026-11-21.txt"
    result = run(
        "log", case, "add", "--channel", "chat", "--summary", "Chat.", "--evidence", dragged
    )
    assert result.exit_code == 0, result.stderr
    assert load_case(case).events[-1].evidence == ("chat-2026-11-21.txt",)


def test_evidence_folder_option(case: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "proof"
    elsewhere.mkdir()
    (elsewhere / "note.txt").write_text("note", encoding="utf-8")
    result = run(
        "log", case, "add", "--channel", "other", "--summary", "Note.",
        "--evidence", "note.txt", "--evidence-dir", elsewhere,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert load_case(case).events[-1].evidence == ("note.txt",)


def test_missing_evidence_is_refused_and_the_file_untouched(case: Path, tmp_path: Path) -> None:
    before = case.read_bytes()
    result = run(
        "log", case, "add", "--channel", "phone", "--summary", "Called.",
        "--evidence", "bill-2026-11.pdf", "--evidence", "call-2026-11-25.png",
    )  # fmt: skip
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "Error: --evidence: call-2026-11-25.png is not in the evidence folder "
        f"{tmp_path / 'evidence'}\n",
    )
    assert case.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--channel", "fax"],
            "--channel: must be one of phone, email, chat, online, mail, store, other",
        ),
        (
            ["--channel", "phnoe"],
            "--channel: must be one of phone, email, chat, online, mail, store, other — did you "
            'mean "phone"?',
        ),
        (
            ["--channel", "mail", "--certified-mail", "9407 1118"],
            "--certified-mail: not a Certified Mail article number: a Certified Mail article "
            "number has 20 digits (22 with the routing prefix), this one has 8",
        ),
        (
            ["--channel", "phone", "--at", "yesterday"],
            "--at: yesterday: not a date or time — write it like 2026-11-20 14:30, "
            "11/20/2026 2:30 PM or 2026年11月20日 下午2:30",
        ),
        (
            ["--channel", "phone", "--at", "2026-02-30"],
            "--at: 2026-02-30: there is no such day in the calendar — check the month and the day",
        ),
        (
            ["--channel", "phone", "--at", "2026-11-20 25:00"],
            "--at: 2026-11-20 25:00: not a date or time — write it like 2026-11-20 14:30, "
            "11/20/2026 2:30 PM or 2026年11月20日 下午2:30",
        ),
        (
            ["--channel", "phone", "--evidence", "../case.toml"],
            "--evidence: must be a path inside the evidence folder",
        ),
        (
            ["--channel", "phone", "--party", "Lisa\u202e"],
            "--party: contains an invisible control character (U+202E) — remove it",
        ),
    ],
)
def test_bad_values_are_refused_by_option(case: Path, args: list[str], message: str) -> None:
    before = case.read_bytes()
    result = run("log", case, "add", "--summary", "Called.", *args)
    assert (result.exit_code, result.stderr) == (2, f"Error: {message}\n")
    assert case.read_bytes() == before


def test_a_broken_case_is_not_added_to(case_file) -> None:
    path = case_file(SAMPLE_CASE.replace('number = "ACC-889977"', "number = 889977"))
    before = path.read_bytes()
    result = run("log", path, "add", "--channel", "phone", "--summary", "Called.")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {path}: 1 problem\n")
    assert path.read_bytes() == before


def test_list_in_english(case: Path) -> None:
    result = run("log", case)
    assert (result.exit_code, result.stdout) == (
        0,
        "2 events\n"
        "Nov 20, 2026, 2:30\u202fPM · Phone · Agent Lisa · ref. CS-12345\n"
        "    Asked to close the account; told to send a written request.\n"
        "    Evidence: call-log-2026-11-20.png, confirmation-CS-12345.eml\n"
        "Nov 21, 2026, 10:05\u202fAM · Chat · Chat agent Mike · ref. CHAT-77810\n"
        "    Chat confirmed closure by email or letter; said the balance is not refundable.\n"
        "    Evidence: chat-2026-11-21.txt, bill-2026-11.pdf\n",
    )


def test_list_sorted_with_added_events(case: Path) -> None:
    run("log", case, "add", *MAILED)
    run("log", case, "add", "--channel", "phone", "--summary", "First.", "--at", "2026-11-01")
    stdout = run("log", case).stdout
    heads = [line for line in stdout.splitlines() if " · " in line]
    assert [head.split(" · ")[0] for head in heads] == [
        "Nov 1, 2026",  # a date alone: no made-up time
        "Nov 20, 2026, 2:30\u202fPM",
        "Nov 21, 2026, 10:05\u202fAM",
        "Nov 22, 2026, 9:00\u202fAM",
    ]
    assert "    Certified Mail No. 9407 1118 9876 5432 1002\n" in stdout
    assert '    Mailed the "written" request.\n    Kept the receipt.\n' in stdout


def test_list_in_chinese_never_shows_the_account_or_line(case: Path) -> None:
    result = run("--ui-lang", "zh-CN", "log", case)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 7
    assert lines[1].startswith("2026年11月20日 14:30 · ")
    assert "Agent Lisa" in lines[1]
    assert "CS-12345" in lines[1]
    assert lines[4].startswith("2026年11月21日 10:05 · ")
    for secret in ("889977", "0188", "555"):
        assert secret not in result.stdout


def test_list_in_the_case_time_zone_whatever_the_machine(case: Path) -> None:
    result = run("log", case, env={"TZ": "Asia/Shanghai"})
    assert "Nov 20, 2026, 2:30\u202fPM · Phone" in result.stdout


def test_list_with_no_events(case_file) -> None:
    path = case_file(SAMPLE_CASE.split("[[events]]")[0])
    result = run("log", path)
    hint = f"letters log {path} add --channel phone --summary '…'"
    assert (result.exit_code, result.stdout) == (0, f"No events yet. Add the first one: {hint}\n")


def test_usage() -> None:
    result = run("log", "--help")
    assert result.exit_code == 0
    assert "Example: letters log case.toml" in result.stdout
    result = run("log", SAMPLES / "case-en.toml", "add", "--help")
    assert "Example: letters log case.toml add --channel phone" in result.stdout
    result = run("log", SAMPLES / "case-en.toml", "add", "--summary", "x")
    assert result.exit_code == 2
    assert "Missing option '--channel'" in result.stderr


def test_inline_events_get_a_clear_error(tmp_path: Path) -> None:
    text = (SAMPLES / "case-en.toml").read_text(encoding="utf-8").split("[[events]]")[0]
    path = tmp_path / "case.toml"
    path.write_text(
        text.replace(
            'timezone = "America/Los_Angeles"', 'timezone = "America/Los_Angeles"\nevents = []'
        ),
        encoding="utf-8",
    )
    before = path.read_bytes()
    result = run(
        "log", path, "add", "--channel", "phone", "--summary", "Called.", "--at", "2026-11-20"
    )
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {path}: events are written as an inline list (events = [...]) — remove that "
        "line, or write each event as an [[events]] table, then add again\n",
    )
    assert path.read_bytes() == before


# --- editing one event in place ------------------------------------------------------------


def test_edit_changes_only_that_event_and_keeps_every_comment(case: Path) -> None:
    from letters.timeline import NewEvent, edit_event

    before = case.read_text(encoding="utf-8")
    event = edit_event(
        case,
        2,
        NewEvent(channel="email", summary="Chat said: write to care@.", reference=None),
        datetime(2026, 11, 30, tzinfo=UTC),
    )
    after = case.read_text(encoding="utf-8")
    assert (event.channel, event.summary) == ("email", "Chat said: write to care@.")
    assert event.reference is None
    assert event.at.isoformat() == "2026-11-21T10:05:00-08:00"  # no new time: the time is kept
    old = before.split("[[events]]\nat = 2026-11-21")[0]
    assert after.startswith(old)  # the whole file up to the edited event, byte for byte
    assert "# every contact: when, how, with whom, reference number" in after
    assert 'reference = "CHAT-77810"' not in after
    assert 'channel = "email"' in after
    loaded = load_case(case)
    assert [e.channel for e in loaded.events] == ["phone", "email"]
    assert loaded.events[0] == load_case(case).events[0]


def test_edit_numbers_events_as_the_timeline_lists_them(case_file) -> None:
    from letters.timeline import NewEvent, edit_event

    later_first = SAMPLE_CASE.replace(
        "at = 2026-11-20T14:30:00-08:00", "at = 2026-11-25T14:30:00-08:00"
    )
    path = case_file(later_first)
    edited = NewEvent(channel="chat", summary="the earliest, now edited")
    edit_event(path, 1, edited, datetime.now(UTC))
    events = load_case(path).events
    assert events[0].summary == "the earliest, now edited"
    assert events[0].at.isoformat() == "2026-11-21T10:05:00-08:00"
    assert events[1].reference == "CS-12345"


def test_edit_refuses_bad_values_by_field_and_writes_nothing(case: Path) -> None:
    from letters.errors import InputError
    from letters.timeline import NewEvent, edit_event

    before = case.read_bytes()
    with pytest.raises(InputError) as raised:
        edit_event(
            case,
            1,
            NewEvent(channel="pigeon", summary="", at="tomorrow"),
            datetime.now(UTC),
        )
    assert set(raised.value.fields) == {"at"}
    with pytest.raises(InputError) as raised:
        edit_event(case, 1, NewEvent(channel="pigeon", summary=""), datetime.now(UTC))
    assert set(raised.value.fields) == {"channel", "summary"}
    assert raised.value.fields["channel"].startswith("must be one of")
    with pytest.raises(InputError) as raised:
        edit_event(case, 9, NewEvent(channel="chat", summary="x"), datetime.now(UTC))
    assert raised.value.message == "event 9: there is no such event — the timeline has 2"
    assert case.read_bytes() == before


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("channel", "pigeon"),
        ("party", "丽" * 101),
        ("reference", "R" * 101),
        ("summary", "My card is 4111 1111 1111 1111."),
        ("certified_mail", "1234"),
    ],
)
def test_add_and_the_case_file_check_an_event_key_by_one_rule(
    case_file, key: str, value: str
) -> None:
    head = SAMPLE_CASE.split("[[events]]", 1)[0]
    given = {"channel": "phone", "summary": "Called."} | {key: value}
    table = "".join(f"{name} = {json.dumps(text, ensure_ascii=False)}\n"
                    for name, text in given.items())  # fmt: skip
    in_file = run("log", case_file(head + "\n[[events]]\nat = 2026-11-25\n" + table))
    (line,) = [line for line in in_file.stderr.splitlines() if f"events[1].{key}: " in line]
    message = line.split(f"events[1].{key}: ", 1)[1]
    options = [arg for name, text in given.items() for arg in (f"--{name.replace('_', '-')}", text)]
    added = run("log", case_file(head, name="other.toml"), "add", "--at", "2026-11-25", *options)
    assert added.exit_code == 2
    assert added.stderr == f"Error: --{key.replace('_', '-')}: {message}\n"


def test_the_command_before_the_case_says_the_case_comes_first(case: Path) -> None:
    before = case.read_bytes()
    result = run("log", "add", case, "--channel", "phone", "--summary", "Called.")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: the case comes first: cli log CASE add … — cli log --help shows how to use it\n",
    )  # (CliRunner calls the program cli)
    assert case.read_bytes() == before


def test_ui_lang_after_the_case_is_read(case: Path) -> None:
    shown = run("log", case, "--ui-lang", "zh-CN")
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.startswith("共 2 条记录\n")
    added = run("log", case, "--ui-lang=zh-TW", "add", "--channel", "phone", "--summary", "Called.")
    assert added.exit_code == 0, added.stderr
    assert "：已新增 " in added.stdout  # in Traditional Chinese


def test_the_same_contact_typed_twice_is_refused(case: Path) -> None:
    # Added twice, a call was recited twice to the carrier: "on November 22, 2026, by mail
    # with Example Mobile (reference 12345); on November 22, 2026, by mail with …".
    assert run("log", case, "add", *MAILED).exit_code == 0
    before = case.read_bytes()
    result = run("log", case, "add", *MAILED)
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: event 3 records this already (the same time, channel, party, reference and "
        "summary) — nothing was added\n"
    )
    assert case.read_bytes() == before
    later = [
        *MAILED[: MAILED.index("--at") + 1],
        "2026-11-23 09:00",
        *MAILED[MAILED.index("--at") + 2 :],
    ]
    assert run("log", case, "add", *later).exit_code == 0  # the same words, another day


def test_words_in_chinese_are_warned_of_when_they_are_logged(case: Path) -> None:
    # They reached the English complaint and the bundle's index, said only by `--kind complaint`.
    result = run("log", case, "add", "--channel", "chat", "--party", "Agent Amy",
                 "--summary", "在线客服说已经取消了自动续费")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "Warning: --summary in Chinese — the letters in English (to the carrier, the bank, the "
        "FCC) quote the timeline as it is written, and their readers cannot read it: write it "
        "in English in the case file\n"
    )
    result = run("log", case, "add", "--channel", "chat", "--summary", "Chat said autopay ended.")
    assert result.exit_code == 0 and result.stderr == ""
