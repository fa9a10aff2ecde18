"""What goes on a US envelope is deliverable, and an English document names people in Latin
letters: every problem named with its key, its line and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from letters.case import load_case
from letters.errors import CaseError
from tests.conftest import SAMPLE_CASE, SAMPLES, run

HOLDER_ADDRESS = (
    'address = { lines = ["123 Main St", "Apt 4B"], city = "San Francisco", region = "CA", '
    'postal_code = "94105", country = "US" }'
)


def replace(old: str, new: str) -> str:
    assert old in SAMPLE_CASE
    return SAMPLE_CASE.replace(old, new, 1)


def problems(path: Path) -> list[str]:
    with pytest.raises(CaseError) as caught:
        load_case(path)
    return list(caught.value.details)


def test_a_state_in_lower_case_or_in_full_is_written_as_its_code(case_file) -> None:
    for written in ("ca", "California", "ｃａ"):
        path = case_file(replace('region = "CA"', f'region = "{written}"'))
        address = load_case(path).holder.address
        assert address is not None and address.region == "CA"


def test_a_chinese_city_and_state_are_refused_with_hints(case_file) -> None:
    path = case_file(
        replace(HOLDER_ADDRESS, HOLDER_ADDRESS.replace("San Francisco", "旧金山").replace(
            'region = "CA"', 'region = "加州"'
        ))
    )  # fmt: skip
    assert problems(path) == [
        f"{path}:13: holder.address.city: write the city in Latin letters, as the post office "
        'reads it, like "San Francisco"',
        f"{path}:13: holder.address.region: must be the state's two-letter code, like CA or NY",
    ]


def test_a_us_street_in_chinese_is_refused(case_file) -> None:
    path = case_file(replace('"123 Main St", "Apt 4B"', '"市场街100号"'))
    assert problems(path) == [
        f"{path}:13: holder.address.lines: write the street in Latin letters, as the post office "
        'reads it, like "123 Main St"'
    ]


def test_a_zip_code_of_another_state_is_refused(case_file) -> None:
    path = case_file(replace('postal_code = "94105"', 'postal_code = "75201"'))
    assert problems(path) == [
        f"{path}:13: holder.address.postal_code: the ZIP code 75201 is not in CA — check the "
        "ZIP code and the state"
    ]


def test_an_english_case_needs_the_holders_latin_name(case_file) -> None:
    path = case_file(replace('name_en = "Xiaoming Wang"', ""))
    assert problems(path) == [
        f"{path}:8: holder.name_en: is missing: an English document needs your name in Latin "
        'letters, as the carrier knows it — add name_en = "Xiaoming Wang" (your own name) '
        "under [holder]"
    ]
    result = run("check", path)
    assert result.exit_code == 2
    assert "holder.name_en: is missing: an English document needs your name" in result.stderr


def test_a_chinese_recipient_name_in_an_english_case_is_refused(case_file) -> None:
    path = case_file(
        replace('name = "Example Mobile Customer Care"', 'name = "Mint Mobile 客服部"')
    )
    assert problems(path) == [
        f"{path}:26: recipient.name: has characters that are not Latin letters, which an "
        'English document cannot carry — write the name in English, like "Example Mobile '
        'Customer Care"'
    ]


def test_a_chinese_readers_case_needs_the_latin_names_the_carrier_reads(case_file) -> None:
    # The holder reads Chinese; the carrier reads English, so the request is in English.
    text = (SAMPLES / "case-zh-CN.toml").read_text(encoding="utf-8")
    path = case_file(text.replace('name_en = "Xiaoming Wang"', ""))
    result = run("check", path, "--ui-lang", "zh-CN")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1] == (
        f"  {path}:8: holder.name_en: 缺少：英文文件需要您的拉丁字母姓名（运营商系统里的英文名）——"
        '请在 [holder] 下加上 name_en = "Xiaoming Wang"（写您自己的名字）'
    )


def test_an_english_letter_to_a_chinese_reading_carrier_names_the_missing_key(
    tmp_path: Path, case_file
) -> None:
    text = (SAMPLES / "case-zh-CN.toml").read_text(encoding="utf-8")
    text = text.replace('name_en = "Xiaoming Wang"', "").replace(
        '# language = "zh-CN"', 'language = "zh-CN"'
    )
    path = case_file(text)
    assert load_case(path).holder.name_en is None  # fine for letters in Chinese
    result = run("letter", path, "--lang", "en", "-o", tmp_path / "out", "--ui-lang", "zh-CN")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1] == (
        f"  {path}: holder.name_en: 缺少：英文文件需要您的拉丁字母姓名（运营商系统里的英文名）——"
        '请在 [holder] 下加上 name_en = "Xiaoming Wang"（写您自己的名字）'
    )
    assert not (tmp_path / "out").exists()


def test_the_envelope_carries_the_plain_address(tmp_path: Path, case_file) -> None:
    import pypdf

    path = case_file(replace('region = "CA"', 'region = "ca"'))
    result = run("letter", path, "-o", tmp_path, "--format", "pdf", "--date", "2026-11-24")
    assert result.exit_code == 0, result.stderr
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "request.en.pdf").pages)
    assert "San Francisco, CA 94105" in text
    assert "Xiaoming Wang" in text
