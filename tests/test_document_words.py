"""The words documents print around a letter's own — page labels, the enclosures heading,
the index's headings, channel names — come from one place, in the document's language."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from letters import i18n, labels
from tests.conftest import SAMPLES, run


def index_lines(case: Path, folder: Path, language: str) -> set[str]:
    """Bundle a case with the sample evidence; return the lines its index PDF draws, and
    each line of a cell joined with the next."""
    zipped = folder / "bundle.zip"
    result = run("bundle", case, SAMPLES / "evidence", "-o", zipped, "--date", "2026-12-20",
                 "--lang", language)  # fmt: skip
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(zipped) as bag:
        name = next(name for name in bag.namelist() if name.endswith("index/index.pdf"))
        pages = PdfReader(io.BytesIO(bag.read(name))).pages
    runs: dict[tuple[int, float, float], str] = {}
    for number, page in enumerate(pages):

        def visit(
            text: str, cm: list[float], tm: list[float], *_: Any, number: int = number
        ) -> None:
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            where = (number, round(x, 1), round(y, 1))
            runs[where] = runs.get(where, "") + text

        page.extract_text(visitor_text=visit)
    drawn = {where: text.strip() for where, text in runs.items() if text.strip()}
    # A word its column wraps is two lines at the same left edge, one line's pitch apart.
    joined = {
        text + below
        for (page, x, y), text in drawn.items()
        for (other, left, lower), below in drawn.items()
        if (other, left) == (page, x) and 0 < y - lower <= PITCH
    }
    return set(drawn.values()) | joined


PITCH = 12.5  # between the lines of a cell, in points


@pytest.mark.parametrize("language", ["en", "zh-CN", "zh-TW"])
def test_a_channel_has_one_name_in_the_log_and_in_the_index(tmp_path: Path, language: str) -> None:
    case = SAMPLES / f"case-late-{language}.toml"
    ui = "zh-CN" if language == "en" else language
    log = run("log", case, env={"LETTERS_UI_LANG": language})
    assert log.exit_code == 0, log.output
    # `Nov 20, 2026, 2:30 PM · Phone · Agent Lisa · ref. CS-12345`: the channel comes second.
    named = {line.split(" · ")[1] for line in log.stdout.splitlines() if " · " in line}
    assert len(named) >= 3
    with i18n.interface(ui):  # the index speaks its reader's language, whatever ours is
        drawn = index_lines(case, tmp_path, language)
    assert named <= drawn  # each a cell of the timeline's "How" column


def test_document_words_follow_the_document_not_the_interface() -> None:
    with i18n.interface("zh-TW"):
        assert labels.page_label(2, 3, "en") == "Page 2 of 3"
        assert labels.enclosures_heading(1, "en") == "Enclosure"
        assert labels.enclosures_heading(2, "en") == "Enclosures (2)"
        assert labels.channel_name("store", "en") == "In store"
        assert labels.index_words("zh-CN")["title"] == "证据目录"
        assert labels.evidence_kind("web page", "zh-CN") == "网页"
    with i18n.interface("en"):
        assert labels.page_label(2, 3, "zh-TW") == "第 2 頁，共 3 頁"
        assert labels.enclosures_heading(1, "zh-CN") == "附件（共1份）："
        assert labels.channel_name("chat", "zh-TW") == "線上客服"
        assert labels.index_words("zh-TW")["date"] == "打包日期"
        # One English word, two Chinese ones: the section lists exhibits, the column cites them.
        assert labels.index_words("en")["exhibits"] == labels.index_words("en")["cited"]
        assert labels.index_words("zh-CN")["exhibits"] == "证据清单"
        assert labels.index_words("zh-CN")["cited"] == "证据"
