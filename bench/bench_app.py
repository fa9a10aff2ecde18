"""How much the browser app adds to the library: page times as ratios to the library call alone.

    python bench/bench_app.py [--runs 15] [--events 500] [--files 2000]

A case with many events and evidence files is served by a real `letters app` server on
loopback; each page is fetched over HTTP and timed against the library call it makes, run
directly in the same process. Also: the cold start of `letters app` to its first page.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 24)


def make_case(folder: Path, events: int, files: int) -> Path:
    """Write a case folder with `events` events and `files` evidence files."""
    evidence = folder / "evidence"
    evidence.mkdir(parents=True)
    for number in range(files):
        (evidence / f"screenshot-{number:05d}.png").write_bytes(b"\x89PNG" + bytes(number % 200))
    text = (ROOT / "samples" / "case-en.toml").read_text(encoding="utf-8")
    text = text.split("[[events]]")[0]
    chunks = [text]
    for number in range(events):
        day = 1 + number % 28
        chunks.append(
            "[[events]]\n"
            f"at = 2026-10-{day:02d}T{number % 24:02d}:{number % 60:02d}:00-07:00\n"
            'channel = "phone"\n'
            f'party = "Agent {number}"\n'
            f'reference = "CS-{number:05d}"\n'
            f'summary = "Call number {number} about closing the account."\n'
            f'evidence = ["screenshot-{number % files:05d}.png"]\n\n'
        )
    case = folder / "case.toml"
    case.write_text("".join(chunks), encoding="utf-8")
    return case


def median_time(call: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


class Browser:
    """Fetch pages the way a browser does after opening the printed address."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.port = parts.port or 80
        self.cookie = ""
        status, headers, _body = self.get(f"/?{parts.query}")
        assert status == 303, status
        self.cookie = headers["set-cookie"].split(";")[0]

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        connection.request("GET", path, headers={"Cookie": self.cookie} if self.cookie else {})
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body

    def page(self, path: str) -> bytes:
        status, _headers, body = self.get(path)
        assert status == 200, (path, status)
        return body


def cold_start() -> float:
    """Seconds from starting `letters app` to its first page, served."""
    with tempfile.TemporaryDirectory() as work:
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "letters", "app", "--no-browser"],
            cwd=work,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=os.environ | {"LANG": "en_US.UTF-8"},
        )
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            url = line[line.index("http://") :].strip()
            browser = Browser(url)
            browser.page("/")
            return time.perf_counter() - start
        finally:
            process.terminate()
            process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--files", type=int, default=2000)
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from letters.case import load_case
    from letters.evidence import list_evidence
    from letters.guide import plan
    from letters.timeline import timeline_lines
    from letters.web.server import start

    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "big-case"
        case = make_case(folder, options.events, options.files)
        evidence = folder / "evidence"
        server, url = start(
            folder, Path(work), lambda: TODAY, lambda: datetime.now(UTC), quiet=True
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        browser = Browser(url)
        pages = {
            "/case (overview)": ("/case", lambda: plan(load_case(case), TODAY)),
            "/timeline": ("/timeline", lambda: timeline_lines(load_case(case))),
            "/evidence": ("/evidence", lambda: list_evidence(evidence)),
        }
        print(
            f"case: {options.events} events, {options.files} evidence files; "
            f"median of {options.runs} runs"
        )
        print(f"{'page':<20} {'page (ms)':>10} {'library (ms)':>13} {'ratio':>7}")
        for name, (path, call) in pages.items():
            browser.page(path)  # warm: the first request loads templates and fonts
            call()
            served = median_time(lambda path=path: browser.page(path), options.runs)
            direct = median_time(call, options.runs)
            print(
                f"{name:<20} {served * 1000:>10.1f} {direct * 1000:>13.1f} {served / direct:>7.2f}"
            )
        server.shutdown()
        server.server_close()
        shutil.rmtree(folder)
    starts = [cold_start() for _ in range(max(3, options.runs // 5))]
    print(f"cold start of `letters app` to its first page: {statistics.median(starts):.2f} s")


if __name__ == "__main__":
    main()
