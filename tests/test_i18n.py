"""Languages, formatting through Babel, and catalogs that are complete and compiled."""

from __future__ import annotations

import importlib.util
from datetime import date
from decimal import Decimal

import pytest

from letters import i18n
from tests.conftest import ROOT, run


@pytest.mark.parametrize(
    ("language", "day", "money"),
    [
        ("en", "December 1, 2026", "$12.50"),
        ("zh-CN", "2026年12月1日", "US$12.50"),
        ("zh-TW", "2026年12月1日", "US$12.50"),
    ],
)
def test_dates_and_money(language: str, day: str, money: str) -> None:
    assert i18n.format_date(date(2026, 12, 1), language) == day
    assert i18n.format_money(Decimal("12.50"), "USD", language) == money
    assert i18n.locale_name(language) in ("en_US", "zh_Hans_CN", "zh_Hant_TW")


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh-CN"),
        ({"LANG": "zh_TW.UTF-8"}, "zh-TW"),
        ({"LANG": "zh_HK.UTF-8"}, "zh-TW"),
        ({"LANGUAGE": "zh_Hant:en", "LANG": "en_US.UTF-8"}, "zh-TW"),
        ({"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}, "zh-CN"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_interface_language_from_the_environment(environ: dict[str, str], language: str) -> None:
    assert i18n.language_from_env(environ) == language


def test_catalogs_are_complete_and_compiled() -> None:
    spec = importlib.util.spec_from_file_location("catalogs", ROOT / "scripts" / "catalogs.py")
    assert spec and spec.loader
    catalogs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(catalogs)
    assert catalogs.problems() == []


def test_clicks_own_words_follow_the_interface_language() -> None:
    result = run("--ui-lang", "zh-TW", "email")
    assert result.exit_code == 2
    assert result.stderr == "錯誤：缺少參數 'CASE...'——執行 cli email --help 可以查看用法\n"
