"""The DOCX letter, proven from outside: python-docx reads it back, LibreOffice opens it."""

from __future__ import annotations

import io
import os
import re
import runpy
import shutil
import subprocess
import sys
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from pypdf import PdfReader

from letters.case import Case, Recipient, parse_case
from letters.cjk import DATE, PHONE
from letters.content import COMPANIONS, KINDS, Letter, letter_text, render_letter
from letters.errors import InputError, TemplateError
from letters.render.docx import READ_AS, render_docx
from letters.render.pdf import render_pdf
from tests.conftest import ROOT, SAMPLES, needs_tool
from tests.letter_fixtures import (
    DAY,
    HOSTILE,
    HOSTILE_VALUES,
    LANGUAGES,
    case_from,
    paragraphs,
    pdf_text,
    sample,
)

TEMPLATES = ROOT / "templates" / "standard" / "docx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def body_text(data: bytes) -> str:
    return "\n".join(text for _style, text in paragraphs(data))


@pytest.fixture(params=LANGUAGES)
def language(request: pytest.FixtureRequest) -> str:
    return request.param  # type: ignore[no-any-return]


def test_every_value_arrives_verbatim(tmp_path: Path, language: str) -> None:
    case = case_from(HOSTILE, tmp_path)
    letter = render_letter(case, "request", language, DAY)
    lines = [text for _style, text in paragraphs(render_docx(letter))]
    text = "\n".join(lines)
    name = "Meiling Chen <img src=x>" if language == "en" else "陳美玲"
    for value in [*HOSTILE_VALUES, name]:
        assert value in text, value
    for line in (letter.salutation, *letter.paragraphs, *letter.closing, *letter.signature):
        assert line in lines, line
    assert "&amp;" not in text and "&lt;" not in text


def test_layout_conventions(language: str) -> None:
    _case, letter = sample(language)
    document = Document(io.BytesIO(render_docx(letter)))
    styled = {p.text.translate(READ_AS): p for p in document.paragraphs}
    body = styled[letter.paragraphs[0]]
    assert body.style.name == "Letter Body"
    indent = body.style.element.pPr.find(f"{W}ind")
    if language == "en":
        assert indent is None  # full block: nothing indented
        assert all(p.alignment is None for p in document.paragraphs)
        assert styled["Sincerely,"].style.name == "Letter Line"
    else:
        assert indent.get(f"{W}firstLineChars") == "200"  # two characters
        assert styled[letter.title].style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert styled[letter.closing[0]].style.name == "Letter Closing"
        for line in letter.signature:
            assert styled[line].style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    section = document.sections[0]
    assert (section.page_width.inches, section.page_height.inches) == (8.5, 11)
    assert section.left_margin.inches == section.top_margin.inches == 1


def test_chinese_never_falls_back_to_a_japanese_font(language: str) -> None:
    _case, letter = sample(language)
    with zipfile.ZipFile(io.BytesIO(render_docx(letter))) as docx:
        styles = docx.read("word/styles.xml").decode()
        settings = docx.read("word/settings.xml").decode()
    east_asian = {"en": "zh-CN", "zh-CN": "zh-CN", "zh-TW": "zh-TW"}[language]
    font = {"en": "SimSun", "zh-CN": "SimSun", "zh-TW": "Noto Serif CJK TC"}[language]
    defaults = re.search(r"<w:rPrDefault>.*?</w:rPrDefault>", styles, re.S)
    assert defaults is not None
    assert f'w:eastAsia="{font}"' in defaults.group() and "Theme" not in defaults.group()
    assert f'w:eastAsia="{east_asian}"' in defaults.group()
    # Latin text is English even in a Chinese letter: marked Chinese, Word and LibreOffice
    # would break it between any two letters.
    assert f'<w:themeFontLang w:val="en-US" w:eastAsia="{east_asian}"/>' in settings
    assert "ja-JP" not in styles + settings


def test_the_package_says_what_made_it_and_for_which_word(language: str) -> None:
    _case, letter = sample(language)
    with zipfile.ZipFile(io.BytesIO(render_docx(letter))) as docx:
        application = docx.read("docProps/app.xml").decode()
        settings = docx.read("word/settings.xml").decode()
        table = docx.read("word/fontTable.xml").decode()
        relations = docx.read("word/_rels/document.xml.rels").decode()
    assert "<Application>letters</Application>" in application and "Microsoft" not in application
    assert (
        'w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"'
        in settings
    )
    assert "fontTable.xml" in relations
    faces = dict(re.findall(r'<w:font w:name="([^"]+)"><w:altName w:val="([^"]+)"/>', table))
    assert faces["SimSun"] == "宋体" and faces["Noto Serif CJK TC"] == "PMingLiU"
    assert faces["Noto Serif CJK SC"] == "SimSun"
    assert faces["Times New Roman"] == "Liberation Serif"


def test_identifiers_are_unbreakable_for_word(tmp_path: Path) -> None:
    case = case_from(HOSTILE, tmp_path)
    for language in LANGUAGES:
        data = render_docx(render_letter(case, "request", language, DAY))
        with zipfile.ZipFile(io.BytesIO(data)) as docx:
            xml = docx.read("word/document.xml").decode()
        xml = re.sub(r'</w:t>|<w:t xml:space="preserve">', "", xml)
        assert "(415)\u00a0555<w:noBreakHyphen/>0188" in xml, language
        certified = case.delivery.certified_mail or ""
        assert certified.replace(" ", "\u00a0") in xml and " " in certified, language
        assert "ACC<w:noBreakHyphen/>2026<w:noBreakHyphen/>00042" in xml, language
        if language != "en":
            assert "2026\u2060年\u206011\u2060月\u206024\u2060日" in xml, language


def test_later_pages_are_numbered_and_english_ones_headed(language: str) -> None:
    _case, letter = sample(language)
    document = Document(io.BytesIO(render_docx(letter)))
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert section.first_page_footer.paragraphs[0].text == ""
    assert section.first_page_header.paragraphs[0].text == ""
    header, footer = section.header.paragraphs[0], section.footer.paragraphs[0]
    numbered = header if language == "en" else footer
    assert re.findall(r'w:instr=" (\w+) "', numbered._p.xml) == ["PAGE", "NUMPAGES"]
    words = {"en": ("Page ", " of "), "zh-CN": ("第 ", " 页，共 "), "zh-TW": ("第 ", " 頁，共 ")}
    assert all(word in numbered._p.xml for word in words[language])
    if language == "en":  # the continuation heading: recipient, page, date
        text = header.text.translate(READ_AS)
        assert text.startswith(f"{letter.recipient.name}\tPage ")
        assert text.endswith("\tNovember 24, 2026")
        assert footer.text == ""
    else:
        assert header.text == ""


def test_a4_paper() -> None:
    _case, letter = sample("en")
    section = Document(io.BytesIO(render_docx(letter, paper="a4"))).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    with pytest.raises(InputError) as caught:
        render_docx(letter, paper="legal")
    assert caught.value.message == "unknown paper size: legal — use letter or a4"


def test_core_properties() -> None:
    _case, letter = sample("zh-CN")
    properties = Document(io.BytesIO(render_docx(letter))).core_properties
    assert properties.title == letter.subject
    assert properties.subject == "账户注销申请"
    assert properties.author == properties.last_modified_by == "王小明"
    assert properties.language == "zh-CN"
    stamps = {properties.created, properties.modified}
    # python-docx before 1.1.1 reads the UTC stamp as a naive datetime.
    # The moment the email's Date and the PDF carry: 9:00 in the case's time zone.
    assert {s if s.tzinfo else s.replace(tzinfo=UTC) for s in stamps} == {
        datetime(2026, 11, 24, 9, tzinfo=ZoneInfo("America/Los_Angeles"))
    }


def test_a_long_subject_lays_out(tmp_path: Path, language: str) -> None:
    carrier = ("Example Mobile Wireless Communications " * 10).strip()  # 389 characters
    case = case_from(HOSTILE.replace('"A & B <x>"', f'"{carrier}"'), tmp_path)
    letter = render_letter(case, "request", language, DAY)
    if language == "en":  # its subject names the account, not the carrier
        letter = replace(letter, subject=f"Request to close the {carrier} account")
    assert len(letter.subject) > 255
    document = Document(io.BytesIO(render_docx(letter)))
    title = document.core_properties.title
    assert len(title) == 255 and title.endswith("…") and letter.subject.startswith(title[:-1])
    assert carrier in "\n".join(p.text.translate(READ_AS) for p in document.paragraphs)


def test_same_inputs_give_the_same_bytes(tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from datetime import date\n"
        "from letters.case import load_case; from letters.content import render_letter\n"
        "from letters.render.docx import render_docx\n"
        "case = load_case(Path(sys.argv[1]))\n"
        "letter = render_letter(case, 'request', 'zh-TW', date(2026, 11, 24))\n"
        "sys.stdout.buffer.write(render_docx(letter))\n"
    )
    outputs = []
    for zone in ("UTC", "Asia/Taipei"):
        env = {**os.environ, "TZ": zone, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [sys.executable, "-c", script, str(SAMPLES / "case-zh-TW.toml")],
            capture_output=True, check=True, env=env, cwd=tmp_path,
        )  # fmt: skip
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    with zipfile.ZipFile(io.BytesIO(outputs[0])) as docx:
        assert {info.date_time for info in docx.infolist()} == {(2026, 11, 24, 0, 0, 0)}


def test_templates_keep_every_tag_in_one_run() -> None:
    for path in sorted(TEMPLATES.glob("*.docx")):
        document = Document(str(path))
        tags = 0
        for paragraph in document.paragraphs:
            for run in paragraph.runs:
                if re.search(r"[{}%#]", run.text):
                    assert re.fullmatch(r"\{\{ [^{}]+ \}\}|\{%p [^{}%]+ %\}", run.text), run.text
                    tags += 1
            if paragraph.text.startswith("{%p"):
                assert len(paragraph.runs) == 1, paragraph.text
        assert tags > 20, path


def test_templates_are_what_the_script_makes() -> None:
    build = runpy.run_path(str(ROOT / "scripts" / "make_docx_templates.py"))["build"]
    for language in LANGUAGES:
        made = zipfile.ZipFile(io.BytesIO(build(language)))
        committed = zipfile.ZipFile(TEMPLATES / f"{language}.docx")
        assert made.namelist() == committed.namelist()
        for name in made.namelist():
            assert made.read(name) == committed.read(name), (
                f"{language}.docx: {name} differs — run python scripts/make_docx_templates.py"
            )


def user_template(tmp_path: Path, text: str) -> Path:
    """Write a user's layout template whose body is one paragraph of `text`."""
    document = Document(str(TEMPLATES / "en.docx"))
    body = document.element.body
    for paragraph in list(body.iterchildren(f"{W}p")):
        body.remove(paragraph)
    document.add_paragraph(text)
    (tmp_path / "docx").mkdir()
    document.save(str(tmp_path / "docx" / "en.docx"))
    return tmp_path


def test_a_tag_left_in_the_output_is_refused(tmp_path: Path) -> None:
    _case, letter = sample("en")
    # A tag the rendering leaves in the text, as a tag split in Word would be left.
    folder = user_template(tmp_path, "{% raw %}{{ salutation }}{% endraw %} {{ salutation }}")
    with pytest.raises(TemplateError) as caught:
        render_docx(letter, template_dir=folder)
    assert caught.value.message == (
        "docx/en.docx: a template tag was left unrendered (“{{”) — is it split in Word?"
    )


def test_templates_render_in_the_sandbox(tmp_path: Path) -> None:
    _case, letter = sample("en")
    folder = user_template(tmp_path, "{{ salutation.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(TemplateError) as caught:
        render_docx(letter, template_dir=folder)
    assert "docx/en.docx" in caught.value.message and "unsafe" in caught.value.message


def libreoffice_pdf(docx: bytes, folder: Path) -> bytes:
    """Convert a DOCX to PDF with headless LibreOffice and return the PDF."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        needs_tool("LibreOffice")
    (folder / "letter.docx").write_bytes(docx)
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{folder}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(folder), str(folder / "letter.docx")],
        capture_output=True, check=True, timeout=180,
    )  # fmt: skip
    return (folder / "letter.pdf").read_bytes()


def unspaced(text: str) -> str:
    """Drop all white space: LibreOffice puts spaces between Chinese and digits (2026 年)."""
    return "".join(text.split())


def test_libreoffice_opens_it(tmp_path: Path, language: str) -> None:
    _case, letter = sample(language)
    text = unspaced(pdf_text(libreoffice_pdf(render_docx(letter), tmp_path)))
    for paragraph in (letter.salutation, *letter.paragraphs, *letter.signature):
        assert unspaced(paragraph) in text, paragraph


def every_letter() -> list[tuple[str, Case, Letter]]:
    """Return every letter the samples make: each sample, each kind, and the companions."""
    made = []
    for path in sorted(SAMPLES.glob("*.toml")):
        case = parse_case(path.read_text("utf-8"), path)
        for kind in KINDS:
            for each in (kind, *COMPANIONS.get(kind, ())):
                # In its reader's language, and to the carrier in the holder's language too.
                for language in dict.fromkeys([None, case.language]):
                    try:
                        letter = render_letter(case, each, language, DAY)
                    except InputError:  # no facts for this kind, or a reader of English only
                        continue
                    made.append((f"{path.stem}.{each}.{letter.language}", case, letter))
    return made


def test_libreoffice_lays_every_letter_out_as_our_pdf(tmp_path: Path) -> None:
    """Every sample and kind: LibreOffice puts the DOCX on as many pages as our PDF, and
    breaks no phone number, date (Chinese ones too), amount or identifier across two lines."""
    letters = every_letter()
    assert len(letters) >= 30
    ours = {}
    for name, _case, letter in letters:
        pdf = render_pdf(letter, envelope=None)
        ours[name] = PdfReader(io.BytesIO(pdf.data)).pages
        (tmp_path / f"{name}.docx").write_bytes(render_docx(letter, pitch=pdf.pitch))
    converted = libreoffice_pdfs(sorted(tmp_path.glob("*.docx")), tmp_path)
    problems = []
    for name, case, letter in letters:
        theirs = PdfReader(converted[name]).pages
        if len(theirs) != len(ours[name]):
            problems.append(f"{name}: LibreOffice {len(theirs)} pages, ours {len(ours[name])}")
        lines = [unspaced(line.translate(READ_AS)) for page in theirs
                 for line in page.extract_text().splitlines()]  # fmt: skip
        for value in unbreakable_values(case, letter):
            if not any(unspaced(value) in line for line in lines):
                problems.append(f"{name}: {value!r} is broken across lines")
        # The closing and the signature on one page: neither left alone on one.
        pages = [unspaced(page.extract_text().translate(READ_AS)) for page in theirs]
        if letter.closing and letter.signature:  # the FCC statement has neither
            closing, signed = (
                max((n for n, text in enumerate(pages) if unspaced(line) in text), default=-1)
                for line in (letter.closing[-1], letter.signature[0])
            )
            if closing != signed:
                problems.append(
                    f"{name}: the closing on page {closing + 1}, the name on {signed + 1}"
                )
        # A kept-together Chinese date is set in the letter's serif face, not a sans stand-in.
        faces = {str(font["/BaseFont"]) for page in theirs
                 for font in page["/Resources"]["/Font"].values()}  # fmt: skip
        problems += [f"{name}: {face} in the document" for face in faces if "Sans" in face]
    assert not problems, "\n".join(problems)


AMOUNT = re.compile(r"US\$[\d,]+(?:\.\d\d)?")


def unbreakable_values(case: Case, letter: Letter) -> set[str]:
    """Return the phone numbers, dates, amounts and identifiers a letter prints."""
    text = letter_text(letter)
    patterns = (PHONE, DATE, AMOUNT)
    values = {match.group() for pattern in patterns for match in pattern.finditer(text)}
    assert any("年" in value for value in values) == (letter.language != "en"), values
    identifiers = (case.account.number, case.account.iccid, case.delivery.certified_mail)
    values |= {value for value in identifiers if value and value in text}
    return values


def libreoffice_pdfs(documents: list[Path], folder: Path) -> dict[str, Path]:
    """Convert DOCX files to PDF with one run of headless LibreOffice."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        needs_tool("LibreOffice")
    out = folder / "converted"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{folder}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), *map(str, documents)],
        capture_output=True, check=True, timeout=600,
    )  # fmt: skip
    return {path.stem: out / f"{path.stem}.pdf" for path in documents}


def test_enclosures_and_a_recipient_without_an_address(language: str) -> None:
    _case, letter = sample(language)
    letter = replace(
        letter,
        enclosures=("Bill of November 2026", "Chat log"),
        recipient=Recipient(name="Federal Communications Commission"),
    )
    lines = [text for _style, text in paragraphs(render_docx(letter))]
    heading = {"en": "Enclosures (2)", "zh-CN": "附件（共2份）：", "zh-TW": "附件（共2份）："}[
        language
    ]
    assert lines[-3:] == [heading, "Bill of November 2026", "Chat log"]
    name = lines.index("Federal Communications Commission")
    assert lines[name + 1] == ""  # the name alone, no address lines


def test_a_missing_layout_template(tmp_path: Path) -> None:
    _case, letter = sample("en")
    with pytest.raises(TemplateError) as caught:
        render_docx(replace(letter, language="fr"), template_dir=tmp_path)
    assert caught.value.message == "template not found: docx/fr.docx"
