"""The evidence index PDF, read back line by line: broken like the letters, Latin text in a
Latin face, columns as wide as their content, and the same bytes on any computer."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import tracemalloc
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from letters.case import MAX_EVENT_LABEL, MAX_SUMMARY
from letters.cjk import NO_START
from letters.labels import index_words
from tests.conftest import ROOT, SAMPLES, run

LATE = ("en", "zh-CN", "zh-TW")


def bundle_index(case: Path, folder: Path, language: str | None = None) -> bytes:
    """Bundle a case with the sample evidence and return its index PDF."""
    zipped = folder / "bundle.zip"
    options = ["--lang", language] if language else []
    result = run("bundle", case, SAMPLES / "evidence", "-o", zipped, "--date", "2026-12-20",
                 *options)  # fmt: skip
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(zipped) as bag:
        name = next(name for name in bag.namelist() if name.endswith("index/index.pdf"))
        return bag.read(name)


FOOT = 40.0  # points from the bottom edge: below it, the foot of the page (drawn at 27)


def drawn_lines(data: bytes, foot: bool = False) -> list[list[list[tuple[str, str]]]]:
    """Return each page's lines as drawn, those of its body (or with `foot`, of its foot): a
    line is its runs, each (text, font name).

    The index draws every line as one text object at its own place, so the runs of one line
    share their transformation matrices, and those of the next line do not. The page count in
    the foot is a form, which older pypdf (4.3) reads twice, the second time with the wrong font:
    the tests of fonts read the body only.
    """
    pages = []
    for page in PdfReader(io.BytesIO(data)).pages:
        runs: list[tuple[Any, str, str]] = []

        def visit(
            text: str, cm: list[float], tm: list[float], font: Any, size: float, runs: list = runs
        ) -> None:
            name = str(font["/BaseFont"]).lstrip("/") if font else ""
            runs.append(((tuple(cm), tuple(tm)), text, name))

        page.extract_text(visitor_text=visit)
        lines: list[list[tuple[str, str]]] = []
        where = None
        for (cm, tm), text, name in runs:
            if not text:
                continue
            if (cm, tm) != where:
                # The body is drawn in the page's own space; the page count is a form moved
                # into place (older pypdf also reads it a second time, misplaced).
                if (cm[5] != 0 or tm[5] < FOOT) != foot:
                    where = None
                    continue
                lines.append([])
                where = (cm, tm)
            lines[-1].append((text, name))
        pages.append([line for line in lines if "".join(t for t, _ in line).strip()])
    return pages


def texts(data: bytes) -> list[str]:
    """Return the lines of every page, the foot of the page left out."""
    body = [line for page in drawn_lines(data) for line in page]
    return ["".join(text for text, _font in line).strip() for line in body]


def feet(data: bytes) -> list[list[str]]:
    """Return the foot of every page, line by line (each once: see drawn_lines)."""
    pages = drawn_lines(data, foot=True)
    return [list(dict.fromkeys("".join(t for t, _font in line) for line in page)) for page in pages]


@pytest.mark.parametrize("language", LATE)
def test_the_index_breaks_lines_like_the_letters(tmp_path: Path, language: str) -> None:
    data = bundle_index(SAMPLES / f"case-late-{language}.toml", tmp_path, language)
    lines = texts(data)
    assert not [line for line in lines if line.strip()[:1] in NO_START], lines
    whole = {
        "en": ["Customer Care", "Chat agent", "(RFC 8493).",
               "ACC-889977", "(415) 555-0188", "December 20, 2026", "Nov 21, 2026",
               "What happened", "Reference"],
        "zh-CN": ["2026年11月21日", "2026年12月20日", "ACC-889977", "(415) 555-0188",
                  "编号", "参考编号", "Supervisor", "Customer"],
        "zh-TW": ["2026年11月19日", "上午11:00", "EW-2026-00042", "(646) 555-0172", "編號",
                  "參考編號", "Kevin", "Wireless"],
    }[language]  # fmt: skip
    for value in whole:
        assert any(value in line for line in lines), (value, lines)


@pytest.mark.parametrize("language", LATE)
def test_latin_text_is_set_in_a_latin_face(tmp_path: Path, language: str) -> None:
    data = bundle_index(SAMPLES / f"case-late-{language}.toml", tmp_path, language)
    runs = [run for page in drawn_lines(data) for line in page for run in line]
    latin = [(text, font) for text, font in runs if re.search(r"[A-Za-z0-9]", text)]
    assert latin and all(font == "Helvetica" for _text, font in latin), latin
    chinese = {font for text, font in runs if re.search(r"[\u4e00-\u9fff]", text)}
    if language != "en":
        assert chinese == {"MSung-Light" if language == "zh-TW" else "STSong-Light"}


def test_columns_are_as_wide_as_their_content(tmp_path: Path) -> None:
    data = bundle_index(SAMPLES / "case-late-zh-CN.toml", tmp_path, "zh-CN")
    lines = texts(data)
    # Short cells sit on one line: a heading, a size, a number of exhibits.
    for value in ("编号", "大小", "20,221 B", "1,828 B", "账户持有人", "打包日期"):
        assert value in lines, (value, lines)


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_every_event_a_letter_takes_the_index_takes(tmp_path: Path, language: str) -> None:
    # The longest party, reference and summary a case file allows, in a narrow column: the
    # letter takes them, and so must the index, running on to the next page.
    party = ("Agent " + "Lisa" * 40)[:MAX_EVENT_LABEL]
    reference = ("REF-" + "12345-" * 30)[:MAX_EVENT_LABEL]
    word = (
        "Called about the closing; "
        if language == "en"
        else "来电要求注销账户，客服表示需要书面申请。"
    )
    summary = (word * MAX_SUMMARY)[:MAX_SUMMARY]
    text = (SAMPLES / f"case-late-{language}.toml").read_text("utf-8")
    events = "".join(
        f'\n[[events]]\nat = 2026-11-{day:02d}T10:00:00-08:00\nchannel = "phone"\n'
        f'party = "{party}"\nreference = "{reference}"\nsummary = "{summary}"\n'
        for day in range(1, 6)
    )
    case = tmp_path / "case.toml"
    case.write_text(text + events, encoding="utf-8")
    letter = run("letter", case, "--kind", "follow-up", "--date", "2026-12-20", "-o",
                 tmp_path / "letter")  # fmt: skip
    assert letter.exit_code == 0, letter.output
    data = bundle_index(case, tmp_path, language)
    assert len(PdfReader(io.BytesIO(data)).pages) >= 2
    # A row split across pages goes on below the repeated headings: count what arrived,
    # against the index of the case without these events.
    (tmp_path / "plain").mkdir()
    plain = tmp_path / "plain" / "case.toml"
    plain.write_text(text, encoding="utf-8")
    before = "".join(texts(bundle_index(plain, tmp_path / "plain", language)))
    after = "".join(texts(data))
    keys = ("number", "when", "channel", "party", "reference", "summary", "cited")
    headings = set("".join(index_words(language)[key] for key in keys))  # repeated on each page
    others = "0123456789 ,:Nov AM PM UTC-+ phone 年月日上午下午电话"  # the other cells of the rows
    chars = set(summary + party + reference) - headings - set(others)
    assert len(chars) >= 5
    for char in chars:
        expected = 5 * (summary + party + reference).count(char)
        assert after.count(char) - before.count(char) == expected, char


def test_the_same_index_on_any_computer(tmp_path: Path) -> None:
    script = (
        "import sys, zipfile, pathlib\n"
        "from click.testing import CliRunner\n"
        "from letters.cli import cli\n"
        "out = pathlib.Path(sys.argv[2])\n"
        "CliRunner().invoke(cli, ['bundle', sys.argv[1], sys.argv[3], '-o', str(out),"
        " '--date', '2026-12-20'], catch_exceptions=False)\n"
        "bag = zipfile.ZipFile(out)\n"
        "name = next(n for n in bag.namelist() if n.endswith('index/index.pdf'))\n"
        "sys.stdout.buffer.write(bag.read(name))\n"
    )
    outputs = []
    for zone, seed in (("UTC", "1"), ("Asia/Taipei", "2")):
        (tmp_path / seed).mkdir()
        env = {**os.environ, "TZ": zone, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [sys.executable, "-c", script, str(SAMPLES / "case-late-zh-TW.toml"),
             str(tmp_path / seed / "bundle.zip"), str(SAMPLES / "evidence")],
            capture_output=True, check=True, env=env, cwd=tmp_path,
        )  # fmt: skip
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] and outputs[0].startswith(b"%PDF")


def many_events(count: int, language: str = "en", summary: str = "") -> str:
    """Return the late case's text with `count` more events, each summary marked with its number."""
    text = (SAMPLES / f"case-late-{language}.toml").read_text("utf-8")
    words = summary or "Called about the closing; the agent said a written request is needed."
    return text + "".join(
        f"\n[[events]]\nat = 2027-01-{1 + n % 28:02d}T10:{n % 60:02d}:00-08:00\n"
        f'channel = "phone"\nparty = "Agent {n}"\nsummary = "Begin{n}: {words * (1 + n % 4)} '
        f'End{n}."\n'
        for n in range(count)
    )


def test_a_row_that_fits_on_a_page_is_never_split(tmp_path: Path) -> None:
    case = tmp_path / "case.toml"
    case.write_text(many_events(150), encoding="utf-8")
    pages = [" ".join(page) for page in page_texts(bundle_index(case, tmp_path, "en"))]
    assert len(pages) >= 4
    for n in range(150):
        begins = [number for number, page in enumerate(pages) if f"Begin{n}:" in page]
        ends = [number for number, page in enumerate(pages) if f"End{n}." in page]
        assert len(begins) == 1 and begins == ends, (n, begins, ends)
    # Every page the timeline runs onto opens with its headings.
    first = next(number for number, page in enumerate(pages) if "What happened" in page)
    for page in pages[first + 1 :]:
        assert page.startswith("No. When How With Reference What happened Exhibits"), page[:80]


def test_headings_stay_whole_beside_over_long_words(tmp_path: Path) -> None:
    # Words as long as a case file allows, which no column can hold: the headings keep their
    # room and the summary its share, where before they were squeezed to a letter a line.
    party = ("Agent " + "Lisa" * 40)[:MAX_EVENT_LABEL]
    reference = ("REF-" + "12345-" * 30)[:MAX_EVENT_LABEL]
    text = (SAMPLES / "case-late-zh-CN.toml").read_text("utf-8") + (
        f'\n[[events]]\nat = 2026-11-01T10:00:00-08:00\nchannel = "phone"\n'
        f'party = "{party}"\nreference = "{reference}"\nsummary = "{"来电要求注销账户，" * 20}"\n'
    )
    case = tmp_path / "case.toml"
    case.write_text(text, encoding="utf-8")
    lines = texts(bundle_index(case, tmp_path, "zh-CN"))
    words = index_words("zh-CN")
    for key in ("number", "when", "channel", "party", "reference", "summary", "cited"):
        assert words[key] in lines, (words[key], lines)
    assert "来电要求注销账户，来电要求注销账户，" in "".join(lines)


def test_the_index_holds_its_pages_not_its_rows(tmp_path: Path) -> None:
    # Laid out as a reportlab Table the index held about 10 KiB for each row until it was
    # done; drawn row by row it holds its finished pages, compressed.
    from letters.bundle import build_bundle
    from letters.case import load_case
    from letters.kit import bundle_info
    from letters.render.index import render_index

    held = {}
    for run_number, count in enumerate((50, 50, 500)):  # the first run loads the fonts
        case_file = tmp_path / f"case-{count}.toml"
        case_file.write_text(many_events(count), encoding="utf-8")
        case = load_case(case_file)

        def measured(index: Any, count: int = count, case: Any = case) -> bytes:
            tracemalloc.start()
            try:
                data = render_index(case, index, "en")
                held[count] = tracemalloc.get_traced_memory()[1], len(data)
            finally:
                tracemalloc.stop()
            return data

        out, day, info = tmp_path / f"{run_number}.zip", date(2026, 12, 20), bundle_info(case)
        build_bundle(out, None, bagging_date=day, info=info, events=case.events, index_pdf=measured)
    per_row = (held[500][0] - held[50][0]) / 450
    pdf_per_row = (held[500][1] - held[50][1]) / 450
    assert per_row < 2048 and per_row < 8 * pdf_per_row, (per_row, pdf_per_row)


def page_texts(data: bytes) -> list[list[str]]:
    return [["".join(text for text, _font in line).strip() for line in page]
            for page in drawn_lines(data)]  # fmt: skip


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler's pdftotext")
@pytest.mark.parametrize("language", LATE)
def test_a_character_the_fonts_lack_prints_as_a_square_of_its_measured_width(
    tmp_path: Path, language: str
) -> None:
    # 𠮷 is past U+FFFF, beyond the built-in Chinese fonts: it used to print as two wrong
    # glyphs, wider than measured, and push the rest of its line into the next column.
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    tail = " chat transcript exported from WhatsApp on 2026-11-21.txt"
    for name in ("吉", "𠮷"):
        (evidence / f"冇嘅啱{name}{tail}").write_text("hi", encoding="utf-8")
    zipped = tmp_path / "bundle.zip"
    result = run("bundle", SAMPLES / "case-zh-TW.toml", evidence, "-o", zipped,
                 "--date", "2026-12-20", "--lang", language)  # fmt: skip
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(zipped) as bag:
        (tmp_path / "index.pdf").write_bytes(bag.read("bundle/data/index/index.pdf"))
        assert f"冇嘅啱𠮷{tail}" in bag.read("bundle/data/index/index.csv").decode("utf-8")
    shown = subprocess.run(["pdftotext", "-bbox", tmp_path / "index.pdf", "-"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    if "Missing language pack" in shown.stderr:
        pytest.skip("needs poppler-data: pdftotext reads the built-in Chinese fonts with it")
    text = shown.stdout
    assert "冇嘅啱□" in text and "𠮷" not in text
    # Both names' lines end where they were measured to: the words after 吉 and □ line up.
    edges = re.findall(r'xMax="([\d.]+)"[^>]*>WhatsApp<', text)
    assert len(edges) == 2 and edges[0] == edges[1], edges


def test_each_chinese_character_prints_in_a_built_in_font_that_has_it(tmp_path: Path) -> None:
    # A Traditional index names a file saved with a Simplified name: 图 is not in the
    # Traditional font's code page, and used to print as an empty box.
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    (evidence / "微信截图 圖片 한.png").write_bytes(b"png")
    zipped = tmp_path / "bundle.zip"
    result = run("bundle", SAMPLES / "case-zh-TW.toml", evidence, "-o", zipped,
                 "--date", "2026-12-20", "--lang", "zh-TW")  # fmt: skip
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(zipped) as bag:
        data = bag.read("bundle/data/index/index.pdf")
    [name] = [
        line for page in drawn_lines(data) for line in page if ("微信截", "MSung-Light") in line
    ]
    assert name[name.index(("微信截", "MSung-Light")) :] == [
        ("微信截", "MSung-Light"), ("图", "STSong-Light"), (" ", "Helvetica"),
        ("圖片", "MSung-Light"), (" ", "Helvetica"), ("□", "MSung-Light"), (".png", "Helvetica"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("language", "foot"),
    [("en", "Page {page} of {pages}"), ("zh-TW", "第 {page} 頁，共 {pages} 頁")],
)
def test_every_page_says_its_bundle_and_its_number_of_all(
    tmp_path: Path, language: str, foot: str
) -> None:
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    for number in range(120):  # pages of exhibits
        (evidence / f"receipt {number}.png").write_bytes(b"%d" % number)
    zipped = tmp_path / "bundle-2026-12-20.zip"
    result = run("bundle", SAMPLES / "case-en.toml", evidence, "-o", zipped,
                 "--date", "2026-12-20", "--lang", language)  # fmt: skip
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(zipped) as bag:
        data = bag.read("bundle-2026-12-20/data/index/index.pdf")
    pages = len(PdfReader(io.BytesIO(data)).pages)
    assert pages >= 3
    lead, _pages, tail = foot.partition("{pages}")  # the number of pages: known at the end
    assert feet(data) == [
        ["bundle-2026-12-20", lead.format(page=page), f"{pages}{tail}"]
        for page in range(1, pages + 1)
    ]
