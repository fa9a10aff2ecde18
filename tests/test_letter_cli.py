"""`letters letter` from the command line: formats, paper, envelope, companion documents."""

from __future__ import annotations

from pathlib import Path

import pypdf
from docx import Document

from tests.conftest import SAMPLES, needs_tool, run


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def test_letter_writes_pdf_and_docx_with_the_same_words(tmp_path: Path) -> None:
    result = run(
        "letter", SAMPLES / "case-zh-TW.toml", "-o", tmp_path, "--date", "2026-11-24",
        "--lang", "zh-TW",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        f"wrote {tmp_path / 'request.zh-TW.pdf'}",
        f"wrote {tmp_path / 'request.zh-TW.docx'}",
    ]
    text = pdf_text(tmp_path / "request.zh-TW.pdf")
    docx = "\n".join(p.text for p in Document(str(tmp_path / "request.zh-TW.docx")).paragraphs)
    values = (
        "陳美玲",
        "EW-2026-00042",
        "Example Wireless Customer Service",
        "帳戶終止申請書",
        "敬禮",
    )
    for value in values:
        assert value in text and value in docx


def test_format_paper_and_envelope(tmp_path: Path) -> None:
    result = run(
        "letter", SAMPLES / "case-en.toml", "-o", tmp_path, "--format", "pdf",
        "--paper", "a4", "--envelope", "none", "--date", "2026-11-24",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["request.en.pdf"]
    reader = pypdf.PdfReader(tmp_path / "request.en.pdf")
    assert len(reader.pages) == 1
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)


def test_envelope_page_by_default(tmp_path: Path) -> None:
    run("letter", SAMPLES / "case-en.toml", "-o", tmp_path, "--format", "pdf")
    last = pypdf.PdfReader(tmp_path / "request.en.pdf").pages[-1]
    assert (float(last.mediabox.width), float(last.mediabox.height)) == (684.0, 297.0)


def test_bad_format_is_refused(tmp_path: Path) -> None:
    result = run("letter", SAMPLES / "case-en.toml", "-o", tmp_path, "--format", "pdf,odt")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: --format: pdf,odt — use pdf, docx or pdf,docx\n",
    )
    assert list(tmp_path.iterdir()) == []


def test_explain_sheet_goes_with_an_english_letter(tmp_path: Path) -> None:
    result = run(
        "letter", SAMPLES / "case-en.toml", "-o", tmp_path, "--explain", "zh-CN",
        "--date", "2026-11-24",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    sheet = pdf_text(tmp_path / "request.en.explain.zh-CN.pdf")
    assert "英文账户注销申请信的中文说明" in sheet
    assert "ACC-889977" in sheet
    result = run(
        "letter", SAMPLES / "case-zh-CN.toml", "-o", tmp_path / "b", "--explain", "zh-TW",
        "--lang", "zh-CN",
    )  # fmt: skip
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: --explain: goes with an English letter — add --lang en\n",
    )


def test_complaint_comes_with_the_attorney_general_cover_letter(tmp_path: Path) -> None:
    result = run(
        "letter", SAMPLES / "case-late-en.toml", "--kind", "complaint", "-o", tmp_path,
        "--date", "2026-12-24",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "complaint-ag.en.docx", "complaint-ag.en.pdf", "complaint.en.docx", "complaint.en.pdf",
        "complaint.en.txt",
    ]  # fmt: skip
    # The FCC statement is filed online: no envelope, so nothing to say about one.
    assert "No envelope page" not in result.stdout


def test_kind_that_lacks_data_fails_cleanly(tmp_path: Path) -> None:
    result = run("letter", SAMPLES / "case-en.toml", "--kind", "dispute", "-o", tmp_path)
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: dispute: needs [[charges]] — each charge made after the closure "
        "(date, amount, description)\n",
    )
    assert list(tmp_path.iterdir()) == []


DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def test_font_accepts_a_ttf_file_and_says_what_it_lacks(tmp_path: Path) -> None:
    if not DEJAVU.is_file():
        needs_tool("DejaVu Sans (fonts-dejavu-core)")
    result = run("letter", SAMPLES / "case-en.toml", "-o", tmp_path, "--font", DEJAVU)
    assert result.exit_code == 0, result.stderr
    result = run(
        "letter", SAMPLES / "case-zh-CN.toml", "-o", tmp_path, "--font", DEJAVU, "--lang", "zh-CN"
    )
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {DEJAVU}: the font has no glyph for “、” (U+3001) — choose another font\n",
    )


def test_a_character_no_font_has_is_an_error_not_a_blank(tmp_path: Path, case_file) -> None:
    text = (SAMPLES / "case-zh-CN.toml").read_text(encoding="utf-8")
    case = case_file(text.replace('name = "王小明"', 'name = "王𠮷明"'))
    result = run("letter", case, "-o", tmp_path / "out", "--format", "pdf", "--lang", "zh-CN")
    if result.exit_code == 0:  # a font with Extension B characters is installed here
        assert "王𠮷明" in pdf_text(tmp_path / "out" / "request.zh-CN.pdf")
    else:
        assert (result.exit_code, result.stderr) == (
            2,
            "Error: no font on this computer has “𠮷” (U+20BB7) — name one that has it with "
            "--font\n",
        )
        assert not (tmp_path / "out").exists()


def test_a_logged_certified_letter_counts_as_the_request_sent(tmp_path: Path, case_file) -> None:
    text = (SAMPLES / "case-en.toml").read_text(encoding="utf-8")
    text = text.split("[delivery]")[0] + text.split("return_receipt = true\n")[1]
    text += (
        '\n[[events]]\nat = 2026-11-02T10:00:00-08:00\nchannel = "mail"\n'
        'summary = "Mailed the request."\ncertified_mail = "9407 1118 9876 5432 1002"\n'
    )
    case = case_file(text)
    guide = run("guide", case, "--date", "2026-12-16")  # 14 days after the closing day
    assert "letters letter" in guide.stdout and "--kind follow-up" in guide.stdout
    result = run("letter", case, "--kind", "follow-up", "-o", tmp_path, "--date", "2026-12-01")
    assert result.exit_code == 0, result.stderr
    assert "On November 2, 2026, I asked you in writing" in pdf_text(
        tmp_path / "follow-up.en.pdf"
    ).replace("\n", " ")


def test_a_card_dispute_past_its_last_day_is_written_with_a_warning(tmp_path: Path) -> None:
    # The statement of December 15 gave until February 13, 2027.
    case = SAMPLES / "case-late-en.toml"
    for day, warned in (("2027-02-13", False), ("2027-02-14", True)):
        out = tmp_path / day
        result = run("letter", case, "--kind", "card-dispute", "-o", out, "--date", day)
        assert result.exit_code == 0, result.stderr
        warning = (
            "Warning: the 60 days for the card issuer or bank to receive a dispute of these "
            "charges ended on February 13, 2027: the letter asks them to correct the charges, "
            "and does not cite the dispute procedures of the Fair Credit Billing Act or "
            "Regulation E, which no longer oblige them to"
        )
        assert (warning in result.stdout) is warned, result.stdout
        letter = " ".join(pdf_text(out / "card-dispute.en.pdf").split())
        assert ("Fair Credit Billing Act" in letter) is not warned


def test_a_card_dispute_leaves_out_a_charge_no_statement_shows_yet(
    tmp_path: Path, case_file
) -> None:
    text = (SAMPLES / "case-late-en.toml").read_text(encoding="utf-8")
    last = text.rindex("statement_date = 2026-12-15")  # the second charge's
    case = case_file(text[:last] + text[last:].replace("statement_date = 2026-12-15", "", 1))
    result = run("letter", case, "--kind", "card-dispute", "-o", tmp_path, "--date", "2027-01-05")
    assert result.exit_code == 0, result.stderr
    assert (
        "Warning: the letter leaves out the charges of December 12, 2026: no statement shows "
        "them yet — when one does, add its date (statement_date) and write another letter"
    ) in result.stdout


def test_a_letter_to_mail_without_the_carriers_address_is_warned_of(
    tmp_path: Path, case_file
) -> None:
    text = (SAMPLES / "case-en.toml").read_text(encoding="utf-8")
    line = next(
        line for line in text.splitlines() if line.startswith("address = ") and "Dallas" in line
    )
    warning = (
        "Warning: the letter is to be mailed, but Example Mobile Customer Care has no postal "
        "address in the case file — add it, or send the letter by email"
    )
    for method, warned in (("both", True), ("email", False)):
        case = case_file(
            text.replace(line, "").replace("[delivery]", f'[delivery]\nmethod = "{method}"', 1)
        )
        result = run("letter", case, "-o", tmp_path / method, "--date", "2026-11-24")
        assert result.exit_code == 0, result.stderr
        assert (warning in result.stdout) is warned, result.stdout


def test_a_holder_abroad_prints_on_a4_and_is_told_how_to_mail_from_there(tmp_path: Path) -> None:
    text = (SAMPLES / "case-zh-CN.toml").read_text(encoding="utf-8")
    us = 'address = { lines = ["123 Main St", "Apt 4B"], city = "San Francisco", region = "CA", postal_code = "94105", country = "US" }'  # noqa: E501
    assert us in text
    shanghai = (
        'address = { lines = ["Room 1203, No. 88 Century Avenue"], city = "Pudong Xinqu", '
        'region = "Shanghai Shi", postal_code = "200120", country = "CN" }'
    )
    case = tmp_path / "case.toml"
    case.write_text(text.replace(us, shanghai), encoding="utf-8")

    def sizes(folder: Path, *options: str) -> set[tuple[int, int]]:
        result = run("letter", case, "-o", folder, "--date", "2026-11-24", *options)
        assert result.exit_code == 0, result.stderr
        pages = [p for pdf in folder.glob("*.pdf") for p in pypdf.PdfReader(pdf).pages]
        return {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages}

    a4, letter, envelope = (595, 842), (612, 792), (684, 297)  # points
    assert sizes(tmp_path / "abroad", "--envelope", "none") == {a4}
    section = Document(str(tmp_path / "abroad" / "request.en.docx")).sections[0]
    assert round(section.page_width.mm) == 210
    # Certified Mail is for mail within the US; the sheet says what to use instead.
    sheet = "".join(pdf_text(tmp_path / "abroad" / "request.en.explain.zh-CN.pdf").split())
    assert "CertifiedMail）只能在美国境内寄出" in sheet and "国际挂号信" in sheet
    assert "mailed--certified-mail" not in sheet
    assert sizes(tmp_path / "asked", "--paper", "letter", "--envelope", "none") == {letter}
    assert sizes(tmp_path / "window", "--envelope", "window") == {letter}
    case.write_text(text, encoding="utf-8")
    assert sizes(tmp_path / "home", "--envelope", "none") == {letter}
    sheet = "".join(pdf_text(tmp_path / "home" / "request.en.explain.zh-CN.pdf").split())
    assert "mailed--certified-mail" in sheet and "国际挂号信" not in sheet
    assert sizes(tmp_path / "envelope") == {letter, envelope}
