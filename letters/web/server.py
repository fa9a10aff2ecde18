"""Serve the browser app on the loopback address, open the browser on it, stop on Ctrl-C."""

from __future__ import annotations

import secrets
import sys
import threading
import webbrowser
from collections.abc import Callable
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from letters.output import remove_unfinished
from letters.web.app import create_app

HOST = "127.0.0.1"
"""Loopback only: no other computer can reach the app."""


class QuietHandler(WSGIRequestHandler):
    """Log each request as method, path and status: never the query (it may hold the secret)
    nor anything a page was sent."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = self.path.split("?", 1)[0]
        sys.stderr.write(f"{self.command} {path} {code}\n")

    def log_message(self, format: str, *args: Any) -> None:
        pass  # Werkzeug's own lines carry the whole request line, query included


def start(
    case: Path | None,
    workdir: Path,
    today: Callable[[tzinfo], date],
    now: Callable[[], datetime],
    port: int = 0,
    upload_limit: int | None = None,
    quiet: bool = False,
) -> tuple[BaseWSGIServer, str]:
    """Bind the app to a free loopback port; return the server and the address to open."""
    secret = secrets.token_urlsafe(32)
    options = {} if upload_limit is None else {"upload_limit": upload_limit}
    app = create_app(workdir, case, secret, today, now, **options)
    handler = _Silent if quiet else QuietHandler
    server = make_server(HOST, port, app, threaded=True, request_handler=handler)
    bound = server.server_port
    app.config["HOSTS"] = (f"{HOST}:{bound}", f"localhost:{bound}")
    return server, f"http://{HOST}:{bound}/?token={secret}"


class _Silent(QuietHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def serve(
    case: Path | None,
    workdir: Path,
    today: Callable[[tzinfo], date],
    now: Callable[[], datetime],
    say: Callable[[str], None],
    open_browser: bool = True,
    port: int = 0,
) -> None:
    """Serve until Ctrl-C, telling the user where; the browser opens on the page."""
    from letters.i18n import _

    server, url = start(case, workdir, today, now, port)
    try:  # from here on, Ctrl-C stops the server cleanly, however early it comes
        say(_("letters is running. Open this address in your web browser: {url}").format(url=url))
        say(_("Leave this window open while you work; press Ctrl-C here to stop."))
        if open_browser:
            threading.Timer(0.3, webbrowser.open, (url,)).start()
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        # An upload or a bundle still being made in a request's thread is cut short with the
        # program: its half-written files go, as they would from the command line.
        remove_unfinished()
    say(_("letters has stopped."))
