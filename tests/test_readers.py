"""Each document in its reader's language, the holder's sheet beside it, and nothing in a
document that should not be there: the closure before the port, personal numbers."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest

from tests.conftest import SAMPLES, run

LATE = {lang: SAMPLES / f"case-late-{lang}.toml" for lang in ("en", "zh-CN", "zh-TW")}
EVIDENCE = SAMPLES / "evidence"


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


@pytest.mark.parametrize(
    ("kind", "letters"),
    [
        ("request", ["request"]),
        ("follow-up", ["follow-up"]),
        ("refund", ["refund"]),
        ("dispute", ["dispute"]),
        ("card-dispute", ["card-dispute"]),
        ("complaint", ["complaint", "complaint-ag"]),
    ],
)
@pytest.mark.parametrize("holder", ["zh-CN", "zh-TW"])
def test_a_chinese_reader_gets_english_letters_and_a_sheet_in_chinese_for_each(
    tmp_path: Path, kind: str, letters: list[str], holder: str
) -> None:
    result = run("letter", LATE[holder], "--kind", kind, "-o", tmp_path, "--date", "2026-12-24")
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    expected = sorted(
        [
            name
            for letter in letters
            for name in (
                f"{letter}.en.pdf",
                f"{letter}.en.docx",
                f"{letter}.en.explain.{holder}.pdf",
            )
        ]
        + (["complaint.en.txt"] if kind == "complaint" else [])
    )
    assert names == expected
    assert "Warning" not in result.stdout
    for letter in letters:
        english = pdf_text(tmp_path / f"{letter}.en.pdf")
        assert ("Sincerely" in english) == (letter != "complaint")  # the FCC text is pasted
        sheet = pdf_text(tmp_path / f"{letter}.en.explain.{holder}.pdf")
        assert ("中文说明" if holder == "zh-CN" else "中文說明") in sheet


def test_an_english_reader_gets_no_sheet_unless_asked(tmp_path: Path) -> None:
    result = run("letter", LATE["en"], "-o", tmp_path / "a", "--date", "2026-12-24")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [
        "request.en.docx",
        "request.en.pdf",
    ]
    result = run("letter", LATE["zh-CN"], "-o", tmp_path / "b", "--explain", "none")
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == [
        "request.en.docx",
        "request.en.pdf",
    ]


def test_a_chinese_letter_to_an_english_reading_carrier_warns_with_the_fix(tmp_path: Path) -> None:
    result = run("email", LATE["zh-CN"], "--lang", "zh-CN", "-o", tmp_path, "--date", "2026-12-24")
    assert result.exit_code == 0, result.stderr
    assert (
        "Warning: the request letter is in Simplified Chinese, but the case does not say "
        "Example Mobile Customer Care reads it — drop --lang for an English letter, or, if the "
        'carrier does serve customers in that language, write language = "zh-CN" under '
        "[recipient]"
    ) in result.stdout


def test_a_carrier_that_reads_chinese_is_written_to_in_chinese_with_no_warning(
    tmp_path: Path, case_file
) -> None:
    text = LATE["zh-CN"].read_text(encoding="utf-8")
    case = case_file(text.replace("[recipient]", '[recipient]\nlanguage = "zh-CN"', 1))
    result = run("kit", case, "-o", tmp_path / "kit", "--date", "2026-12-24")
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "kit").iterdir())
    assert "request.zh-CN.pdf" in names and "request.zh-CN.eml" in names
    assert not [name for name in names if "explain" in name]
    assert "Warning" not in result.stdout


def test_a_letter_to_a_bank_or_regulator_is_never_written_in_chinese(tmp_path: Path) -> None:
    result = run("letter", LATE["zh-CN"], "--kind", "card-dispute", "--lang", "zh-CN",
                 "-o", tmp_path)  # fmt: skip
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: --lang zh-CN: the card-dispute letter goes to readers of English only — drop "
        "--lang; the companion sheet in your language explains the English letter\n",
    )
    assert list(tmp_path.iterdir()) == []


def test_the_bundle_index_is_in_the_documents_language(tmp_path: Path) -> None:
    import io
    import zipfile

    result = run("kit", LATE["zh-TW"], "--evidence", EVIDENCE, "-o", tmp_path, "--date",
                 "2026-12-24")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "bundle-2026-12-24.zip") as bag:
        index = next(n for n in bag.namelist() if n.endswith("index/index.pdf"))
        text = pypdf.PdfReader(io.BytesIO(bag.read(index))).pages[0].extract_text()
        names = bag.namelist()
    assert "證據目錄" not in text and "Meiling Chen" in text
    assert not [name for name in names if "explain" in name]  # the holder's own sheet stays home


# --- port before you close ---------------------------------------------------------------------

PORT_NOT_DONE = "[checklist]\nkeep_number = true\nnumber_ported = false\n"


@pytest.mark.parametrize("command", ["email", "letter", "kit"])
def test_a_kept_number_not_yet_ported_stops_the_closure_request(
    tmp_path: Path, case_file, command: str
) -> None:
    case = case_file((SAMPLES / "case-en.toml").read_text(encoding="utf-8") + PORT_NOT_DONE)
    result = run(command, case, "-o", tmp_path / "out", "--date", "2026-11-24")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: checklist.keep_number = true, but the number is not ported yet: closing the "
        "account now releases the number for good. Ask your new carrier to port it first (it "
        "takes about a business day), then write number_ported = true under [checklist]; to "
        "close without keeping the number, add --close-without-port\n",
    )
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
    result = run(command, case, "-o", tmp_path / "out", "--date", "2026-11-24",
                 "--close-without-port")  # fmt: skip
    assert result.exit_code == 0, result.stderr


def test_a_ported_number_or_another_kind_of_letter_is_not_stopped(
    tmp_path: Path, case_file
) -> None:
    text = (SAMPLES / "case-en.toml").read_text(encoding="utf-8")
    ported = case_file(text + PORT_NOT_DONE.replace("false", "true"), name="ported.toml")
    assert run("email", ported, "-o", tmp_path / "a").exit_code == 0
    late = LATE["en"].read_text(encoding="utf-8")
    late = case_file(late.replace("keep_number = false", "keep_number = true", 1), name="l.toml")
    result = run("letter", late, "--kind", "refund", "-o", tmp_path / "b")
    assert result.exit_code == 0, result.stderr


# --- personal numbers never reach a document ----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("My SSN is 123-45-6789, please verify.", "a Social Security number"),
        ("Paid with card 4111 1111 1111 1111 on file.", "a full card number"),
        ("They asked my date of birth: 03/14/1980.", "a date of birth"),
        ("Agent asked for the PIN: 482913", "a PIN or password"),
        ("客服问了我的密码是 246810", "a PIN or password"),
    ],
)
@pytest.mark.parametrize(
    "where",
    [("[[events]]", "summary"), ("[account]", "reason_note"), ("[complaint]", "relief")],
)
def test_a_personal_number_in_free_text_is_refused_and_never_echoed(
    tmp_path: Path, case_file, value: str, what: str, where: tuple[str, str]
) -> None:
    table, key = where
    text = LATE["en"].read_text(encoding="utf-8")
    text = text.replace(table, f"{table}\n{key} = {value!r}".replace("'", '"'), 1)
    for line in text.splitlines():  # drop the key the table already had, if any
        if line.startswith(f"{key} =") and value not in line:
            text = text.replace(line + "\n", "", 1)
            break
    case = case_file(text)
    result = run("check", case)
    assert result.exit_code == 2
    assert (
        f": seems to hold {what} — remove it: these words go into letters to the carrier, "
        "the bank and the FCC, and none of them needs it" in result.stderr
    )
    path = "events[1]." if table == "[[events]]" else table.strip("[]") + "."
    assert f"{path}{key}: seems to hold" in result.stderr
    digits = "".join(c for c in value if c.isdigit())
    for output in (result.stdout, result.stderr):
        assert value not in output
        assert digits[-6:] not in output


def test_ordinary_numbers_in_free_text_are_fine(case_file) -> None:
    text = (SAMPLES / "case-en.toml").read_text(encoding="utf-8")
    note = (
        "SIM 8901260123456789011, IMEI 356938035643809, Certified Mail 9407 1118 9876 5432 1002, "
        "called 415-555-0134 on 2026-12-05 about ACC-889977 and $45.00"
    )
    case = case_file(text.replace("[account]", f'[account]\nreason_note = "{note}"', 1))
    result = run("check", case)
    assert result.exit_code == 0, result.stderr


def test_the_certified_mail_number_and_the_time_offset_reach_every_record(tmp_path: Path) -> None:
    import io
    import zipfile

    result = run("kit", LATE["en"], "--kind", "dispute", "--evidence", EVIDENCE, "-o", tmp_path,
                 "--date", "2026-12-24")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "bundle-dispute-2026-12-24.zip") as bag:
        read = {name.split("/", 1)[1]: bag.read(name) for name in bag.namelist()}
    number = "9407 1118 9876 5432 1002"
    assert f"Certified-Mail-Number: {number}\n" in read["bag-info.txt"].decode()
    assert number in read["data/index/timeline.csv"].decode("utf-8")
    assert f'"certified_mail": "{number}"' in read["data/index/index.json"].decode()
    index = "\n".join(
        page.extract_text()
        for page in pypdf.PdfReader(io.BytesIO(read["data/index/index.pdf"])).pages
    )
    assert f"Certified Mail No. {number}" in " ".join(index.split())
    assert "UTC-08:00" in index


# --- letters that can be mailed as written ------------------------------------------------------


def test_the_attorney_general_letter_carries_the_directorys_address_and_says_where_from(
    tmp_path: Path,
) -> None:
    result = run("letter", LATE["zh-CN"], "--kind", "complaint", "-o", tmp_path, "--date",
                 "2026-12-24")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    letter = " ".join(pdf_text(tmp_path / "complaint-ag.en.pdf").split())
    assert (
        "Office of the Attorney General, Public Inquiry Unit P.O. Box 944255 Sacramento, CA "
        "94244" in letter
    )
    assert (
        "The attorney general's address is from the directory that comes with letters "
        "(source: https://www.peopleclerk.com/" in result.stdout
    )
    sheet = "".join(pdf_text(tmp_path / "complaint-ag.en.explain.zh-CN.pdf").split())
    assert "2026年11月29日" in sheet and "peopleclerk.com" in sheet
    # The office's own form, and in California the commission that regulates phone service,
    # where the attorney general's office itself sends such complaints.
    assert "oag.ca.gov/contact/consumer-complaint-against-business-or-company" in sheet
    assert "CaliforniaPublicUtilitiesCommission" in sheet and "1-800-649-7570" in sheet
    assert "FCC给的投诉编号" in sheet


def test_a_complaint_for_a_state_without_an_address_still_writes_the_fcc_text(
    tmp_path: Path, case_file
) -> None:
    text = LATE["zh-TW"].read_text(encoding="utf-8")
    start = text.index("[complaint.attorney_general]")
    end = text.index("\n\n", start)
    case = case_file(text[:start] + text[end + 2 :])
    result = run("letter", case, "--kind", "complaint", "-o", tmp_path, "--date", "2026-12-24")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "complaint.en.pdf").exists()
    assert not (tmp_path / "complaint-ag.en.pdf").exists()
    assert (
        "Not written: complaint-ag: letters has no checked postal address for the attorney "
        "general of NY" in result.stdout
    )


def test_a_holder_abroad_is_told_the_attorney_general_letter_needs_a_us_address(
    tmp_path: Path, case_file
) -> None:
    text = (
        LATE["en"]
        .read_text(encoding="utf-8")
        .replace(
            'city = "San Francisco", region = "CA", postal_code = "94105", country = "US"',
            'city = "Xuhui Qu", region = "Shanghai Shi", postal_code = "200031", country = "CN"',
            1,
        )
    )
    result = run("letter", case_file(text), "--kind", "complaint", "-o", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert (
        "Not written: complaint-ag: needs holder.address in the United States, with its state "
        "— the attorney general of your state"
    ) in result.stdout
    assert "attorney general of  " not in result.stdout  # no state left blank


def test_the_fcc_complaint_comes_as_text_to_paste_with_the_instructions_apart(
    tmp_path: Path,
) -> None:
    result = run("letter", LATE["en"], "--kind", "complaint", "-o", tmp_path, "--date",
                 "2026-12-24")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    pasted = (tmp_path / "complaint.en.txt").read_text(encoding="utf-8")
    assert pasted.startswith("My name is Xiaoming Wang.")
    for word in ("Dear", "Sincerely", "Social Security", "consumercomplaints"):
        assert word not in pasted
    assert (
        f"The FCC complaint is filed online: paste the text of {tmp_path / 'complaint.en.txt'} "
        "into the form at consumercomplaints.fcc.gov. Do not add your Social Security number, "
        "date of birth or driver's license number."
    ) in result.stdout


def test_chinese_words_quoted_in_an_english_letter_are_pointed_out(
    tmp_path: Path, case_file
) -> None:
    text = LATE["zh-CN"].read_text(encoding="utf-8")
    start = text.index("relief = ")
    end = text.index("\n", start)
    case = case_file(text[:start] + 'relief = "退还余额。"' + text[end:])
    result = run("letter", case, "--kind", "complaint", "-o", tmp_path, "--date", "2026-12-24")
    assert result.exit_code == 0, result.stderr
    assert (
        "Warning: the complaint-ag letter is in English, but it quotes your own words in Chinese "
        "from complaint.relief — its reader cannot read them: write them in English in the case "
        "file"
    ) in result.stdout


def test_the_warning_names_the_events_table_where_it_stands_in_the_file(
    tmp_path: Path, case_file
) -> None:
    # The first event in time is written last, and its summary is in Chinese: the warning
    # must name the file's fifth [[events]] table, not the timeline's first event.
    text = LATE["en"].read_text(encoding="utf-8")
    start = text.index("[[events]]")
    end = text.index("[[events]]", start + 1)
    first = text[start:end].replace(
        "Asked to close the account; told to send a written request.", "打电话要求销户。"
    )
    assert "打电话" in first
    case = case_file(text[:start] + text[end:].rstrip("\n") + "\n\n" + first)
    result = run("letter", case, "--kind", "complaint", "-o", tmp_path, "--date", "2026-12-24")
    assert result.exit_code == 0, result.stderr
    assert "from events[5].summary — its reader cannot read them" in result.stdout
