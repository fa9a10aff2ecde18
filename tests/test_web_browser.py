"""`letters app` in a real headless Chromium: the whole job, in Chinese and in English.

The downloaded files are checked from outside: the .eml parsed back, the PDF's text extracted,
the bundle verified by bagit-python as well as by `letters verify`.
"""

from __future__ import annotations

import email
import os
import shutil
import zipfile
from collections.abc import Iterator
from email import policy
from pathlib import Path
from typing import Any

import pypdf
import pytest

from tests.web_server import serve

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium for all the flows."""
    if not os.path.exists(CHROMIUM):
        from tests.conftest import needs_tool

        needs_tool("chromium")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def download(page: Any, link: Any, into: Path) -> Path:
    with page.expect_download() as info:
        link.click()
    target = into / info.value.suggested_filename
    info.value.save_as(target)
    return target


def field(page: Any, name: str) -> Any:
    return page.locator(f'[name="{name}"]')


def fill_case(page: Any, answers: dict[str, str]) -> None:
    for name, value in answers.items():
        target = field(page, name)
        if target.evaluate("e => e.tagName") == "SELECT":
            target.select_option(value)
        else:
            target.fill(value)


ANSWERS = {
    "folder": "my-case",
    "holder.name": "王小明",
    "holder.name_en": "Xiaoming Wang",
    "holder.email": "xm.wang@example.com",
    "holder.address.line1": "123 Main St",
    "holder.address.city": "San Francisco",
    "holder.address.region": "CA",
    "holder.address.postal_code": "94105",
    "account.carrier": "Example Mobile & Co",
    "account.number": "ACC-0012345",
    "account.phone": "+1 415 555 0188",
    "account.reason": "moving",
    "recipient.name": "Example Mobile Customer Care",
    "recipient.email": "care@example-mobile.com",
    "recipient.address.line1": "PO Box 1000",
    "recipient.address.city": "Dallas",
    "recipient.address.region": "TX",
    "recipient.address.postal_code": "75201",
    "language": "en",
}


def run_flow(browser: Any, tmp_path: Path, locale: str, words: dict[str, str]) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with serve(tmp_path) as app:
        context = browser.new_context(locale=locale, accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(app.url)
        assert "token" not in page.url  # the secret leaves the address bar at once
        assert page.locator("h1").inner_text() == words["home"]

        # Start a case: wrong answers first, refused beside their fields, then corrected.
        page.keyboard.press("Tab")  # the keyboard reaches the skip link first
        assert page.evaluate("document.activeElement.className") == "skip"
        page.get_by_role("link", name=words["start"], exact=True).click()
        fill_case(page, ANSWERS | {"holder.email": "xm.wang@", "account.phone": "12345"})
        # Each answer is checked as the user leaves it (app.js), before the form is sent.
        note = page.locator('[id="holder.email-error"]')
        assert words["email-error"] in note.inner_text()
        assert field(page, "holder.email").get_attribute("aria-invalid") == "true"
        page.get_by_role("button", name=words["save"], exact=True).click()
        assert words["email-error"] in page.locator('[id="holder.email-error"]').inner_text()
        assert words["phone-error"] in page.locator('[id="account.phone-error"]').inner_text()
        assert field(page, "account.number").input_value() == "ACC-0012345"  # answers kept
        assert not (tmp_path / "my-case").exists()
        fill_case(page, {"holder.email": "xm.wang@example.com", "account.phone": "+1 415 555 0188"})
        page.get_by_role("button", name=words["save"], exact=True).click()
        assert page.locator("p.done").inner_text() == words["saved"]
        case = tmp_path / "my-case" / "case.toml"
        written = case.read_text(encoding="utf-8")
        assert 'number = "ACC-0012345"' in written and written.startswith("# A case file")

        # Add an event, with a wrong time first.
        page.get_by_role("link", name=words["timeline"], exact=True).click()
        field(page, "at").fill("tomorrow")
        field(page, "channel").select_option("phone")
        field(page, "party").fill("Agent Lisa")
        field(page, "reference").fill("CS-12345")
        field(page, "summary").fill("Asked to close the account.")
        page.get_by_role("button", name=words["add-event"], exact=True).click()
        assert "tomorrow" in page.locator('[id="at-error"]').inner_text()
        field(page, "at").fill("2026-11-20T14:30")
        page.get_by_role("button", name=words["add-event"], exact=True).click()
        assert page.locator("ol.events li").count() == 1
        assert "CS-12345" in page.locator("ol.events").inner_text()
        assert "[[events]]" in case.read_text(encoding="utf-8")
        assert case.read_text(encoding="utf-8").startswith(written)  # appended, not rewritten

        # Change it: the case file is edited in place, the rest of it kept.
        page.get_by_role("link", name=words["change-1"], exact=True).click()
        assert field(page, "reference").input_value() == "CS-12345"
        field(page, "summary").fill("Asked to close the account; told to write.")
        page.get_by_role("button", name=words["save-changes"], exact=True).click()
        assert "told to write" in page.locator("ol.events").inner_text()
        edited = case.read_text(encoding="utf-8")
        assert (
            edited.startswith(written)
            and 'summary = "Asked to close the account; told to' in edited
        )

        # Readable at 200% zoom on a 1366-wide screen, and at a small phone's width.
        for width in (683, 320):
            page.set_viewport_size({"width": width, "height": 600})
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.set_viewport_size({"width": 1280, "height": 720})

        # Add an evidence file: copied in, listed as exhibit 1.
        page.get_by_role("link", name=words["evidence"], exact=True).click()
        screenshot = tmp_path / "通话记录.png"
        screenshot.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20_213)  # 20,221 bytes
        page.locator("#files").set_input_files(str(screenshot))
        page.get_by_role("button", name=words["add-files"], exact=True).click()
        assert page.locator("tbody tr").inner_text().split("\t")[:2] == ["1", "通话记录.png"]
        copied = tmp_path / "my-case" / "evidence" / "通话记录.png"
        assert copied.read_bytes() == screenshot.read_bytes() and screenshot.exists()
        # At a phone's width a size stays on one line: never "7" under "2".
        page.set_viewport_size({"width": 320, "height": 600})
        lines = page.locator("tbody td.num").first.evaluate(
            "cell => { const r = document.createRange(); r.selectNodeContents(cell);"
            " return new Set([...r.getClientRects()].map(box => box.top)).size; }"
        )
        assert lines == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        page.set_viewport_size({"width": 1280, "height": 720})

        # Preview the letter and download its files.
        page.get_by_role("link", name=words["letters"], exact=True).click()
        page.get_by_role("button", name=words["write"], exact=True).click()
        assert page.locator("iframe.pdf").count() == words["pdfs"]
        eml = download(page, page.get_by_role("link", name="request.en.eml"), downloads)
        message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
        assert message["To"].addresses[0].addr_spec == "care@example-mobile.com"
        body = message.get_body(("plain",)).get_content()
        assert "ACC-0012345" in body and "Example Mobile & Co" in body
        pdf = download(page, page.get_by_role("link", name="request.en.pdf"), downloads)
        text = pdf_text(pdf)
        assert "ACC-0012345" in text and "Xiaoming Wang" in text
        if words["pdfs"] == 2:  # the sheet that explains the English letter, in Chinese
            sheet = download(
                page, page.get_by_role("link", name="request.en.explain.zh-CN.pdf"), downloads
            )
            assert "英文账户注销申请信的中文说明" in pdf_text(sheet)

        # Make the kit, download the bundle, and check it from outside and on the page.
        page.get_by_role("link", name=words["bundle"], exact=True).click()
        page.get_by_role("button", name=words["make"], exact=True).click()
        # The letter written above is already there, unchanged: nothing to ask about.
        page.locator("p.done").wait_for(timeout=60_000)
        assert page.get_by_role("button", name=words["replace"], exact=True).count() == 0
        assert "SHA-256" in page.locator("main").inner_text()
        bundle = download(page, page.get_by_role("link", name="bundle-2026-11-24.zip"), downloads)
        from letters.verify import verify_bundle

        assert verify_bundle(bundle).valid
        import bagit

        with zipfile.ZipFile(bundle) as archive:
            names = archive.namelist()
            archive.extractall(tmp_path / "unzipped")
        assert any(name.endswith("data/evidence/通话记录.png") for name in names)
        bagit.Bag(str(tmp_path / "unzipped" / "bundle-2026-11-24")).validate()
        page.locator("#bundle").set_input_files(str(bundle))
        page.get_by_role("button", name=words["check"], exact=True).click()
        assert page.locator("p.done").last.inner_text().startswith("bundle-2026-11-24.zip")
        broken = tmp_path / "broken.zip"
        shutil.copy(bundle, broken)
        data = bytearray(broken.read_bytes())
        data[data.index(b"\x89PNG") + 20] ^= 1
        broken.write_bytes(bytes(data))
        page.locator("#bundle").set_input_files(str(broken))
        page.get_by_role("button", name=words["check"], exact=True).click()
        assert "通话记录.png" in page.locator("ul.findings").inner_text()
        context.close()


ZH = {
    "home": "注销电话账户，并保留证据",
    "start": "开始",
    "save": "保存案例",
    "email-error": "不是有效的邮箱地址：缺少 @ 后面的部分",
    "phone-error": "不是电话号码：美国电话号码有 10 位数字（区号加号码），这个号码有 5 位",
    "saved": "您的案例已保存。下面是接下来要做的事。",
    "timeline": "时间线",
    "add-event": "添加这条记录",
    "change-1": "修改第 1 条记录",
    "save-changes": "保存修改",
    "evidence": "证据",
    "add-files": "添加这些文件",
    "letters": "信件",
    "write": "写信",
    "pdfs": 2,
    "bundle": "证据包",
    "make": "制作信件和证据包",
    "replace": "替换这些文件",
    "check": "检查",
}
EN = {
    "home": "Close a phone account, and keep proof",
    "start": "Start",
    "save": "Save the case",
    "email-error": "not an email address: the part after the @ is missing",
    "phone-error": "not a phone number: a US phone number has 10 digits",
    "saved": "Your case is saved. Here is what to do next.",
    "timeline": "Timeline",
    "add-event": "Add the event",
    "change-1": "Change event 1",
    "save-changes": "Save the changes",
    "evidence": "Evidence",
    "add-files": "Add the files",
    "letters": "Letters",
    "write": "Write the letter",
    "pdfs": 1,
    "bundle": "Bundle",
    "make": "Make the letters and the bundle",
    "replace": "Replace them",
    "check": "Check it",
}


def test_the_whole_job_in_chinese(browser: Any, tmp_path: Path) -> None:
    run_flow(browser, tmp_path, "zh-CN", ZH)


def test_the_whole_job_in_english(browser: Any, tmp_path: Path) -> None:
    run_flow(browser, tmp_path, "en-US", EN)


def test_a_charge_is_corrected_on_its_page_and_the_list_fits_a_phone(
    browser: Any, tmp_path: Path
) -> None:
    from tests.conftest import SAMPLES

    folder = tmp_path / "my-case"
    folder.mkdir()
    shutil.copy(SAMPLES / "case-zh-CN.toml", folder / "case.toml")
    with serve(tmp_path, folder) as app:
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{app.url.split('?')[0]}charges?token={app.secret}")
        fill_case(page, {"charge.date": "2026年11月20日", "charge.amount": "3",
                         "charge.description": "December plan"})  # fmt: skip
        page.get_by_role("button", name="添加这笔扣费", exact=True).click()
        page.get_by_role("link", name="改正 2026年11月20日 的扣费", exact=True).click()
        assert field(page, "charge.amount").input_value() == "3.00"
        fill_case(page, {"charge.amount": "30", "charge.statement_date": "11/23/2026"})
        page.get_by_role("button", name="保存修改").first.click()
        assert page.locator("p.done").inner_text() == "这笔扣费已在案例文件中改正。"
        row = page.locator("tbody tr").inner_text().split("\t")
        assert row[:4] == ["2026年11月20日", "December plan", "US$30.00", "2026年11月23日"]
        # At a phone's width the list scrolls on its own; the page does not.
        page.set_viewport_size({"width": 320, "height": 600})
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        for cell in page.locator("thead th").all()[:4]:  # a heading is never cut letter by letter
            lines = cell.evaluate(
                "cell => { const r = document.createRange(); r.selectNodeContents(cell);"
                " return new Set([...r.getClientRects()].map(box => box.top)).size; }"
            )
            assert lines == 1
        # Removing asks first: declined, the charge stays; accepted, it goes.
        asked: list[str] = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        page.get_by_role("button", name="删除 2026年11月20日 的扣费").click()
        assert asked == ["从案例文件中删除 2026年11月20日 的扣费？"]
        assert page.locator("tbody tr").count() == 1
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="删除 2026年11月20日 的扣费").click()
        assert page.locator("p.done").inner_text() == "这笔扣费已从案例文件中删除。"
        context.close()
