"""Take screenshots of every page of `letters app`, in Chinese, at a laptop and a phone width.

    python scripts/screenshots.py OUT_DIR [--lang zh-CN]

For looking at the pages, not for tests: it drives the system Chromium over the sample case.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WIDTHS = {"laptop": (1366, 768), "phone": (390, 844)}
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--lang", default="zh-CN")
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    from letters.web.server import start

    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        folder = Path(work) / "王小明-电话注销"
        folder.mkdir()
        sample = "case-late-zh-CN.toml" if options.lang == "zh-CN" else "case-late-en.toml"
        shutil.copy(ROOT / "samples" / sample, folder / "case.toml")
        shutil.copytree(ROOT / "samples" / "evidence", folder / "evidence")
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for case in (None, folder):
            server, url = start(
                case, Path(work), lambda: date(2026, 12, 20),
                lambda: datetime(2026, 12, 20, 17, tzinfo=UTC), quiet=True,
            )  # fmt: skip
            threading.Thread(target=server.serve_forever, daemon=True).start()
            base = url.split("/?")[0]
            for label, (width, height) in WIDTHS.items():
                context = browser.new_context(
                    locale=options.lang, viewport={"width": width, "height": height}
                )
                page = context.new_page()
                page.goto(url)

                def shot(name: str, page=page, label=label) -> None:
                    page.screenshot(path=options.out / f"{name}-{label}.png", full_page=True)

                if case is None:
                    shot("1-home")
                    page.goto(base + "/new")
                    page.locator('[name="holder.email"]').fill("wang@")
                    page.locator('[name="folder"]').fill("x")
                    page.locator("form button").last.click()
                    shot("2-new-with-errors")
                else:
                    for number, name in enumerate(
                        ("case", "timeline", "evidence", "documents", "bundle", "send"), 3
                    ):
                        page.goto(f"{base}/{name}")
                        if name == "documents":
                            page.locator("main form button").first.click()
                        if name == "bundle":
                            page.locator("main form button").first.click()
                            page.locator("p.done").wait_for(timeout=60_000)
                        if name == "send":
                            page.locator("main form button").last.click()
                        shot(f"{number}-{name}")
                    page.goto(f"{base}/timeline/1")
                    shot("9-timeline-edit")
                context.close()
            server.shutdown()
            server.server_close()
        browser.close()


if __name__ == "__main__":
    main()
