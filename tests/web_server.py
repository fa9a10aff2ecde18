"""A real `letters app` server on loopback for the web tests, started in a thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)


@dataclass
class Served:
    url: str  # the address `letters app` prints, secret included
    port: int
    secret: str

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def serve(
    workdir: Path, case: Path | None = None, upload_limit: int | None = None
) -> Iterator[Served]:
    """Run the app until the block ends."""
    from letters.web.server import start

    server, url = start(
        case, workdir, lambda _zone: TODAY, lambda: NOW, upload_limit=upload_limit, quiet=True
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        secret = parse_qs(urlsplit(url).query)["token"][0]
        yield Served(url, server.server_port, secret)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
