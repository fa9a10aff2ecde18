"""`letters init --from-csv`: a case folder per good row; each bad cell named, its row unwritten."""

from __future__ import annotations

from pathlib import Path

import pytest

from letters.case import load_case
from tests.conftest import run

HEADER = (
    "folder,language,holder.name,holder.name_en,holder.email,holder.address.line1,"
    "holder.address.city,holder.address.region,holder.address.postal_code,account.carrier,"
    "account.number,account.phone,account.balance,account.reason,recipient.name,recipient.email"
)
GOOD = (
    "wang,zh-CN,王小明,Xiaoming Wang,xm.wang@example.com,123 Main St,San Francisco,CA,94105,"
    'Example Mobile,0012345,+1 415 555 0188,12.50,moving,"Example Mobile Care, Inc.",'
    "care@example-mobile.com"
)
BAD = (
    "chen,zh-TW,陳大文,,not-an-email,1 Elm St,Springfield,XX,94105,Example Wireless,,"
    "+1 212 555 01,-3,fishing,Care,"
)
GOOD_2 = "li,en,Li Na,,li.na@example.com,,,,,Example Mobile,ACC-1,+1 415 555 0199,,,Care,"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_good_rows_become_case_folders_and_bad_rows_are_named_cell_by_cell(here: Path) -> None:
    roster = here / "clients.csv"
    roster.write_text("\n".join([HEADER, GOOD, BAD, "", GOOD_2]) + "\n", encoding="utf-8")
    result = run("init", "--from-csv", roster)
    assert result.exit_code == 2
    assert result.stdout == (
        f"wrote {here / 'wang'}\nwrote {here / 'li'}\n"
        "2 case folders made, 1 rows with problems (nothing written for them)\n"
    )
    assert result.stderr.splitlines() == [
        f"Error: {roster}: row 3, column {column}: {message}"
        for column, message in [
            ("holder.email", "not an email address: an email address has an @, like "
             "name@example.com"),
            ("account.number", "is empty"),
            ("account.phone", "not a phone number: a US phone number has 10 digits (area code "
             "and number); this one has 9"),
            ("account.balance", 'not an amount of money — write it like "12.50" or "$12.50"'),
            ("account.reason", "must be one of no-longer-needed, moving, unused-fees, "
             "compromised, other"),
            ("holder.address.region", "must be the state's two-letter code, like CA or NY"),
        ]
    ]  # fmt: skip
    assert not (here / "chen").exists()
    wang = load_case(here / "wang" / "case.toml")
    assert (wang.language, wang.holder.name, wang.account.number) == ("zh-CN", "王小明", "0012345")
    assert wang.recipient.name == "Example Mobile Care, Inc."
    assert str(wang.account.balance) == "12.50"
    assert (here / "wang" / "evidence").is_dir()
    assert load_case(here / "li" / "case.toml").account.reason == "no-longer-needed"
    # No email for the company, no way chosen: the letter is mailed; an address, both ways.
    assert load_case(here / "li" / "case.toml").delivery.method == "mail"
    assert wang.delivery.method == "both"
    status = run("status", here / "wang", here / "li", "--date", "2026-11-25")
    assert status.exit_code == 0


def test_excel_csv_with_bom_semicolons_and_crlf(here: Path) -> None:
    roster = here / "excel.csv"
    rows = [HEADER.replace(",", ";"), GOOD_2.replace(",", ";")]
    roster.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(rows).encode("utf-8") + b"\r\n")
    result = run("init", "--from-csv", roster)
    assert result.exit_code == 0, result.stderr
    assert load_case(here / "li" / "case.toml").holder.name == "Li Na"


def test_a_second_run_refuses_the_existing_folders(here: Path) -> None:
    roster = here / "clients.csv"
    roster.write_text(HEADER + "\n" + GOOD_2 + "\n", encoding="utf-8")
    assert run("init", "--from-csv", roster).exit_code == 0
    before = (here / "li" / "case.toml").read_bytes()
    again = run("init", "--from-csv", roster)
    assert again.exit_code == 2
    assert again.stderr == (
        f"Error: {roster}: row 2, column folder: {here / 'li'} already exists — give another name\n"
    )
    assert (here / "li" / "case.toml").read_bytes() == before


def test_columns_are_checked_before_any_row(here: Path) -> None:
    roster = here / "clients.csv"
    roster.write_text(HEADER.replace("holder.email", "holder.mail") + "\n" + GOOD + "\n",
                      encoding="utf-8")  # fmt: skip
    result = run("init", "--from-csv", roster)
    assert (result.exit_code, result.stderr) == (
        2,
        f'Error: {roster}: column holder.mail: unknown column — did you mean "holder.email"?\n'
        f"  {roster}: column holder.email: is missing\n",
    )
    assert not (here / "wang").exists()


def test_a_file_that_is_not_utf8_says_how_to_save_it(here: Path) -> None:
    roster = here / "clients.csv"
    roster.write_bytes((HEADER + "\n" + GOOD + "\n").encode("gb18030"))
    result = run("init", "--from-csv", roster)
    assert result.exit_code == 2
    assert result.stderr == (
        f'Error: {roster}: row 2: the file is not UTF-8 — in Excel, save it as "CSV UTF-8 '
        '(Comma delimited)"\n'
    )


def test_the_readme_documents_every_column() -> None:
    from letters.roster import COLUMNS, REQUIRED
    from tests.conftest import ROOT

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("## Many cases at once", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    for name in ["folder", "language", *COLUMNS]:
        head, _dot, last = name.rpartition(".")
        row = next(
            (r for r in rows if f"`{name}`" in r or (f"`{head}." in r and f"`.{last}`" in r)),
            None,
        )
        assert row is not None, name
        assert ("| yes |" in row) == (name in REQUIRED), name


def test_the_folders_go_inside_the_name_given(here: Path) -> None:
    roster = here / "clients.csv"
    roster.write_text(HEADER + "\n" + GOOD_2 + "\n", encoding="utf-8")
    result = run("init", "community center/2026", "--from-csv", roster)
    assert result.exit_code == 0, result.stderr
    folder = here / "community center" / "2026" / "li"
    assert result.stdout.splitlines()[0] == f"wrote {Path('community center/2026/li')}"
    assert load_case(folder / "case.toml").holder.name == "Li Na"
    assert not (here / "li").exists()


def test_a_row_is_checked_as_a_whole_as_the_wizard_checks_the_answers(here: Path) -> None:
    roster = here / "clients.csv"
    header = HEADER + ",delivery.method"
    no_english_name = GOOD.replace("wang,", "zhang,", 1).replace("Xiaoming Wang", "") + ",mail"
    email_nowhere = GOOD_2.replace("li,", "liu,", 1) + ",email"
    roster.write_text("\n".join([header, no_english_name, email_nowhere]) + "\n", encoding="utf-8")
    result = run("init", "--from-csv", roster)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: {roster}: row 2, column holder.name_en: needed: your name in Latin letters, as "
        "the carrier knows it",
        f"Error: {roster}: row 3, column recipient.email: sending by email needs the company's "
        "email address — give it, or choose to mail the letter",
    ]
    assert not (here / "zhang").exists() and not (here / "liu").exists()
