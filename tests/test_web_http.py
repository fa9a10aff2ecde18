"""`letters app` over plain HTTP: every guard refuses, and a refused request changes nothing."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.conftest import SAMPLES, default_stop_signals, run
from tests.web_server import Served, serve

LIMIT = 64 * 1024


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class Client:
    """A browser reduced to what the guards look at: Host, cookie, Origin, the form."""

    def __init__(self, app: Served) -> None:
        self.app = app
        self.cookie = ""

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        host: str | None = None,
        cookie: bool = True,
    ) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.app.port, timeout=30)
        connection.putrequest(method, path, skip_host=True)
        connection.putheader("Host", host or f"127.0.0.1:{self.app.port}")
        if cookie and self.cookie:
            connection.putheader("Cookie", self.cookie)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        connection.close()
        headers = {k.lower(): v for k, v in response.getheaders()}
        headers["set-cookie"] = "\n".join(response.msg.get_all("Set-Cookie") or [])
        return response.status, headers, text

    def login(self) -> None:
        status, headers, _text = self.request("GET", f"/?token={self.app.secret}", cookie=False)
        assert status == 303
        self.cookie = headers["set-cookie"].split(";")[0]
        assert self.cookie.startswith(f"letters_token_{self.app.port}=")

    def csrf(self, path: str = "/timeline") -> str:
        _status, _headers, text = self.request("GET", path)
        found = re.search(r'name="csrf" value="([0-9a-f]+)"', text)
        assert found
        return found.group(1)

    def post(
        self,
        path: str,
        fields: dict[str, str | list[str]],
        files: dict[str, tuple[str, bytes]] | None = None,
        origin: str | None = None,
        follow: bool = False,
    ) -> tuple[int, dict[str, str], str]:
        """Send a form (a list: the field once for each value, as checkboxes are); with
        `follow`, go on to the page a 303 leads to, as a browser does."""
        boundary = uuid.uuid4().hex
        parts = []
        for name, given in fields.items():
            for value in [given] if isinstance(given, str) else given:
                head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                parts.append(f"{head}{value}\r\n".encode())
        for name, (filename, data) in (files or {}).items():
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            )
            parts.append(head.encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        if origin is not None:
            headers["Origin"] = origin
        status, headers, text = self.request("POST", path, body, headers)
        if follow and status == 303:
            return self.request("GET", headers["location"])
        return status, headers, text


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A case folder: the English sample, its evidence, and a private file beside it."""
    case = tmp_path / "work" / "my-case"
    case.mkdir(parents=True)
    shutil.copy(SAMPLES / "case-en.toml", case / "case.toml")
    shutil.copytree(SAMPLES / "evidence", case / "evidence")
    (tmp_path / "work" / "private.txt").write_text("not for the browser")
    return case


@pytest.fixture
def client(folder: Path) -> Iterator[Client]:
    with serve(folder.parent, folder, upload_limit=LIMIT) as app:
        client = Client(app)
        client.login()
        yield client


def test_the_secret_moves_from_the_address_to_a_strict_cookie(folder: Path) -> None:
    with serve(folder.parent, folder) as app:
        client = Client(app)
        status, headers, _text = client.request("GET", f"/evidence?token={app.secret}&lang=zh-CN")
        assert status == 303
        assert headers["location"] == "/evidence?lang=zh-CN"
        cookie = next(c for c in headers["set-cookie"].splitlines() if "letters_token" in c)
        assert cookie.startswith(f"letters_token_{app.port}={app.secret};")
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


@pytest.mark.parametrize("path", ["/", "/case", "/static/app.css", "/files/bill-2026-11.pdf"])
def test_without_the_secret_nothing_is_served(client: Client, path: str) -> None:
    status, _headers, text = client.request("GET", path, cookie=False)
    assert status == 403
    assert "holds a key" in text and "Example Mobile" not in text
    assert 'name="viewport"' in text and "in the window where it runs" in text
    status, _headers, _text = client.request("GET", path + "?token=wrong", cookie=False)
    assert status == 403
    # Said in the browser's language.
    headers = {"Accept-Language": "zh-CN,zh;q=0.9"}
    status, _headers, text = client.request("GET", path, headers=headers, cookie=False)
    assert status == 403 and "那个网址里带有钥匙" in text, text


def test_a_page_that_does_not_exist_leads_back_to_the_start(client: Client) -> None:
    status, _headers, text = client.request("GET", "/no-such-page")
    assert status == 404 and "This page does not exist." in text
    assert '<a class="button" href="/">Go to the start page</a>' in text
    assert 'href="/static/app.css' in text  # the app's own page, styled


@pytest.mark.parametrize(
    "host", ["evil.example:{port}", "127.0.0.1:1", "localhost", "127.0.0.1.nip.io:{port}"]
)
def test_a_foreign_host_is_refused_even_with_the_secret(client: Client, host: str) -> None:
    status, _headers, text = client.request("GET", "/case", host=host.format(port=client.app.port))
    assert status == 403
    assert "This address is not allowed" in text and "Example Mobile" not in text


def test_localhost_with_the_port_is_served(client: Client) -> None:
    status, headers, text = client.request("GET", "/case", host=f"localhost:{client.app.port}")
    assert status == 200 and "Example Mobile" in text
    assert headers["content-security-policy"].startswith("default-src 'none'; script-src 'self'")
    assert headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in text and " on" not in re.sub(r"<[^>]*>", "", text)[:0]
    assert re.findall(r"<script[^>]*>", text) == ['<script src="/static/app.js" defer>']
    assert not re.search(r"\son[a-z]+=", text)  # no inline event handlers either


EVENT = {
    "at": "2026-11-22T09:00",
    "channel": "mail",
    "summary": "Mailed the request.",
}


def test_a_form_without_the_csrf_token_changes_nothing(client: Client, folder: Path) -> None:
    before = (folder / "case.toml").read_bytes()
    for fields in (EVENT, EVENT | {"csrf": "0" * 64}):
        status, _headers, text = client.post("/timeline", fields)
        assert status == 403 and "out of date" in text
    assert (folder / "case.toml").read_bytes() == before
    status, _headers, _text = client.post("/timeline", EVENT | {"csrf": client.csrf()})
    assert status == 303
    assert (folder / "case.toml").read_bytes().startswith(before)
    assert b"Mailed the request." in (folder / "case.toml").read_bytes()


def test_a_page_of_one_case_never_acts_on_another_opened_since(
    client: Client, folder: Path
) -> None:
    other = folder.parent / "other-case"
    other.mkdir()
    shutil.copy(SAMPLES / "case-zh-CN.toml", other / "case.toml")
    first = (folder / "case.toml").read_bytes()
    stale = client.csrf()  # the timeline page of my-case, left open in one tab
    # Another tab closes this case and opens the other.
    status, _headers, _text = client.post("/close", {"csrf": client.csrf("/case")})
    assert status == 303
    status, _headers, _text = client.post("/open", {"csrf": client.csrf("/"), "path": "other-case"})
    assert status == 303
    second = (other / "case.toml").read_bytes()
    status, _headers, text = client.post("/timeline", EVENT | {"csrf": stale})
    assert status == 409 and "Another case was opened after this page was shown" in text
    assert (folder / "case.toml").read_bytes() == first
    assert (other / "case.toml").read_bytes() == second
    status, _headers, _text = client.post("/timeline", EVENT | {"csrf": client.csrf()})
    assert status == 303
    assert b"Mailed the request." in (other / "case.toml").read_bytes()
    assert (folder / "case.toml").read_bytes() == first


def test_a_new_case_needs_a_folder_name(client: Client, folder: Path) -> None:
    before = sorted(p.name for p in folder.parent.iterdir())
    for name in ("", "   "):
        status, _headers, text = client.post("/new", {"csrf": client.csrf("/new"), "folder": name})
        assert status == 400
        assert '<p class="error" id="folder-error">an answer is needed</p>' in text
    assert sorted(p.name for p in folder.parent.iterdir()) == before
    # The form is not about the case that is open: neither its name nor its pages are shown.
    _status, _headers, text = client.request("GET", "/new")
    assert 'class="case-name"' not in text and 'class="pages"' not in text
    _status, _headers, text = client.request("GET", "/case")
    assert 'class="case-name"' in text and 'class="pages"' in text


def test_the_checklist_and_the_days_are_recorded_without_an_editor(
    client: Client, folder: Path
) -> None:
    from letters.case import load_case

    before = (folder / "case.toml").read_text(encoding="utf-8")
    fields = {
        "csrf": client.csrf("/case"),
        "ticks": "backed_up",
        "checklist.backed_up": "yes",
        "status.request_sent": "2026-11-24",
        "status.confirmation_received": "2026年12月2日",  # typed, not picked
    }
    status, _headers, text = client.post("/case", fields, follow=True)
    assert status == 200 and "Saved in the case file." in text
    after = (folder / "case.toml").read_text(encoding="utf-8")
    assert after.startswith(before.split("[checklist]")[0])  # the rest of the file as it was
    case = load_case(folder / "case.toml")
    assert case.checklist.backed_up is True
    assert (case.status.request_sent, case.status.confirmation_received) == (
        date(2026, 11, 24), date(2026, 12, 2)
    )  # fmt: skip
    assert "Closure confirmed" in text  # the guide moved on
    # Unticked and cleared: recorded as not done, the day removed.
    fields = {"csrf": client.csrf("/case"), "ticks": "backed_up",
              "status.request_sent": "2026-11-24"}  # fmt: skip
    status, _headers, _text = client.post("/case", fields)
    assert status == 303
    case = load_case(folder / "case.toml")
    assert case.checklist.backed_up is False and case.status.confirmation_received is None
    # A day that cannot be read changes nothing, and says why beside the field.
    unchanged = (folder / "case.toml").read_bytes()
    fields = {"csrf": client.csrf("/case"), "status.closed_on": "2026-02-30",
              "ticks": "backed_up", "checklist.backed_up": "yes"}  # fmt: skip
    status, _headers, text = client.post("/case", fields)
    assert status == 400 and "there is no such day in the calendar" in text
    assert 'name="checklist.backed_up" value="yes" checked' in text  # kept, to correct
    assert (folder / "case.toml").read_bytes() == unchanged


def test_the_app_never_sends_its_user_to_the_terminal(client: Client, folder: Path) -> None:
    # A folder that holds no case: the app offers its own way to start one.
    (folder.parent / "photos").mkdir()
    client.post("/close", {"csrf": client.csrf("/case")})
    status, _headers, opened = client.post("/open", {"csrf": client.csrf("/"), "path": "photos"})
    assert status == 400 and "this folder has no case.toml — start a new case" in opened
    # A new case over one already there.
    fields = {"csrf": client.csrf("/new"), "folder": folder.name}
    status, _headers, made = client.post("/new", fields)
    assert status == 400 and f"a case is already in the folder {folder.name}" in made
    for said in (opened, made):
        assert "letters init" not in said and "--force" not in said


def test_a_mail_server_that_cannot_be_reached_is_said_in_chinese(client: Client) -> None:
    import socket

    csrf = client.csrf()
    client.post("/documents", {"csrf": csrf, "kind": "request"})
    with socket.socket() as unused:  # a port nobody listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    fields = {"csrf": csrf, "draft": "request.en.eml", "host": "127.0.0.1", "port": str(port),
              "tls": "none", "confirm": "yes"}  # fmt: skip
    status, _headers, text = client.post("/send?lang=zh-CN", fields)
    assert status == 400 and "127.0.0.1：连接被拒绝——请核对服务器和端口——没有发送任何内容" in text
    assert "Errno" not in text


def closed_early(folder: Path) -> None:
    """Make the sample's closing day November 15, so that charges before today come after it."""
    path = folder / "case.toml"
    text = path.read_text(encoding="utf-8").replace(
        "close_on = 2026-12-01", "close_on = 2026-11-15"
    )
    path.write_text(text, encoding="utf-8")


def test_charges_and_the_card_are_recorded_and_the_card_dispute_is_written(
    client: Client, folder: Path
) -> None:
    from decimal import Decimal

    from letters.case import load_case

    closed_early(folder)
    before = (folder / "case.toml").read_text(encoding="utf-8")
    charge = {"csrf": client.csrf("/charges"), "charge.date": "2026年11月20日",
              "charge.amount": "＄30", "charge.description": "December plan",
              "charge.statement_date": "11/23/2026"}  # fmt: skip
    status, _headers, text = client.post("/charges", charge, follow=True)
    assert status == 200 and "The charge is added to the case file." in text
    assert "December plan" in text and "$30.00" in text
    # The same form sent again would double the amount disputed: refused, and said why.
    recorded = (folder / "case.toml").read_bytes()
    again = charge | {"csrf": client.csrf("/charges"), "charge.amount": "30.00"}
    status, _headers, text = client.post("/charges", again)
    assert status == 400 and "This charge is recorded already" in text
    assert (folder / "case.toml").read_bytes() == recorded
    card = {"csrf": client.csrf("/charges"), "card.issuer": "Example Bank", "card.last4": "4242",
            "card.type": "credit", "card.address.line1": "PO Box 6500",
            "card.address.city": "Sioux Falls", "card.address.region": "SD",
            "card.address.postal_code": "57117"}  # fmt: skip
    status, _headers, text = client.post("/card", card, follow=True)
    assert status == 200 and "Saved in the case file." in text
    assert (folder / "case.toml").read_text(encoding="utf-8").startswith(before)
    case = load_case(folder / "case.toml")
    (added,) = case.charges
    assert (added.date, added.amount, added.statement_date) == (
        date(2026, 11, 20), Decimal("30.00"), date(2026, 11, 23)
    )  # fmt: skip
    assert case.card is not None and (case.card.issuer, case.card.last4) == ("Example Bank", "4242")
    assert case.card.address is not None and case.card.address.city == "Sioux Falls"
    fields = {"csrf": client.csrf("/charges"), "kind": "card-dispute"}
    status, _headers, text = client.post("/documents", fields, follow=True)
    assert status == 200 and "The letter is written." in text, text
    # What cannot be read changes nothing, and says why beside its field.
    unchanged = (folder / "case.toml").read_bytes()
    wrong = charge | {"csrf": client.csrf("/charges"), "charge.amount": "thirty"}
    status, _headers, text = client.post("/charges", wrong)
    assert status == 400 and 'id="charge.amount-error">not an amount of money' in text
    wrong = charge | {"csrf": client.csrf("/charges"), "charge.statement_date": "2026-11-19"}
    status, _headers, text = client.post("/charges", wrong)
    assert status == 400
    assert 'id="charge.statement_date-error">is before the day of the charge (2026-11-20)' in text
    wrong = card | {"csrf": client.csrf("/charges"), "card.last4": "12345"}
    status, _headers, text = client.post("/card", wrong)
    assert status == 400 and 'id="card.last4-error">' in text
    for path, fields, name in (
        ("/charges", charge | {"charge.description": "月费"}, "charge.description"),
        ("/card", card | {"card.issuer": "招商银行"}, "card.issuer"),
    ):  # the letters quote them, in English
        status, _headers, text = client.post(path, fields | {"csrf": client.csrf("/charges")})
        assert status == 400 and f'id="{name}-error">write it in English' in text
    assert (folder / "case.toml").read_bytes() == unchanged
    # A charge still to come cannot be disputed yet: said beside its field.
    soon = charge | {"csrf": client.csrf("/charges"), "charge.date": "2027-01-05"}
    status, _headers, text = client.post("/charges", soon)
    assert status == 400 and 'id="charge.date-error">January 5, 2027 has not come yet' in text
    # A charge entered by mistake is removed, and nothing else changes.
    status, _headers, text = client.post("/charges", charge | {"csrf": client.csrf("/charges"),
                                         "charge.description": "Oops"}, follow=True)  # fmt: skip
    assert "Oops" in text
    with_both = (folder / "case.toml").read_text(encoding="utf-8")
    status, _headers, text = client.post(
        "/charges/2/remove", {"csrf": client.csrf("/charges")}, follow=True
    )
    assert status == 200 and "The charge is removed from the case file." in text
    assert "Oops" not in text and "December plan" in text
    assert (folder / "case.toml").read_text(encoding="utf-8") == with_both.replace(
        '\n[[charges]]\ndate = 2026-11-20\namount = "30.00"\ndescription = "Oops"\n'
        "statement_date = 2026-11-23\n",
        "",
    )
    assert client.post("/charges/9/remove", {"csrf": client.csrf("/charges")})[0] == 404
    # Typed on a Chinese keyboard, the last four digits are kept plain.
    client.post("/card", card | {"csrf": client.csrf("/charges"), "card.last4": "４２４２"})
    assert 'last4 = "4242"' in (folder / "case.toml").read_text(encoding="utf-8")


def test_a_charge_is_corrected_in_place_and_a_wrong_correction_changes_nothing(
    client: Client, folder: Path
) -> None:
    path = folder / "case.toml"
    path.write_text(
        path.read_text(encoding="utf-8") + "\n[[charges]]  # from the December bill\n"
        'date = 2026-11-21\namount = "3.00"\ndescription = "Plan fee"\n'
        '\n[[charges]]\ndate = 2026-11-20\namount = "9.99"\ndescription = "Data add-on"\n',
        encoding="utf-8",
    )
    card = {"csrf": client.csrf("/charges"), "card.issuer": "Example Bank", "card.last4": "4242",
            "card.type": "credit"}  # fmt: skip
    assert client.post("/card", card)[0] == 303
    before = path.read_text(encoding="utf-8")
    # Listed by date: the second is the one of November 21, the first in the file.
    status, _headers, text = client.request("GET", "/charges/2")
    assert status == 200 and '<form method="post" action="/charges/2">' in text
    assert 'value="2026-11-21"' in text and 'value="3.00"' in text
    assert 'value="Example Bank"' in text  # the card form keeps what is known
    fields = {"csrf": client.csrf("/charges"), "charge.date": "2026年11月21日",
              "charge.amount": "$30", "charge.description": "Plan fee",
              "charge.statement_date": "11/23/2026"}  # fmt: skip
    wrong = fields | {"charge.amount": "thirty"}
    status, _headers, text = client.post("/charges/2", wrong)
    assert status == 400 and 'id="charge.amount-error">not an amount of money' in text
    assert '<form method="post" action="/charges/2">' in text and 'value="Example Bank"' in text
    assert path.read_text(encoding="utf-8") == before
    status, _headers, text = client.post("/charges/2", fields, follow=True)
    assert status == 200 and "The charge is corrected in the case file." in text
    assert path.read_text(encoding="utf-8") == before.replace(
        '[[charges]]  # from the December bill\ndate = 2026-11-21\namount = "3.00"\n'
        'description = "Plan fee"\n',
        '[[charges]]  # from the December bill\ndate = 2026-11-21\namount = "30.00"\n'
        'description = "Plan fee"\nstatement_date = 2026-11-23\n',
    )
    assert client.request("GET", "/charges/3")[0] == 404
    assert client.post("/charges/3", fields | {"csrf": client.csrf("/charges")})[0] == 404


def test_a_letter_that_lacks_a_fact_says_it_plainly_and_links_to_where_it_is_recorded(
    client: Client, folder: Path
) -> None:
    fields = {"csrf": client.csrf("/documents"), "kind": "follow-up"}
    status, _headers, text = client.post("/documents", fields)
    assert status == 400
    assert "The follow-up letter cites the day the closure request was sent." in text
    assert '<a href="/case#record">Record that day in the checklist</a>' in text
    assert "status.request_sent" not in text and "mailed_on" not in text
    closed_early(folder)
    charge = {"csrf": client.csrf("/charges"), "charge.date": "2026-11-20",
              "charge.amount": "30", "charge.description": "December plan"}  # fmt: skip
    assert client.post("/charges", charge)[0] == 303
    fields = {"csrf": client.csrf("/documents"), "kind": "card-dispute"}
    status, _headers, text = client.post("/documents", fields)
    assert status == 400 and "it needs its name and the card&#39;s last 4 digits" in text
    assert '<a href="/charges">Add the card on the Charges page</a>' in text
    assert "[card]" not in text
    card = {"csrf": client.csrf("/charges"), "card.issuer": "Example Bank", "card.last4": "4242",
            "card.type": "credit", "card.address.line1": "PO Box 6500",
            "card.address.city": "Sioux Falls", "card.address.region": "SD",
            "card.address.postal_code": "57117"}  # fmt: skip
    assert client.post("/card", card)[0] == 303
    fields = {"csrf": client.csrf("/documents"), "kind": "card-dispute"}
    status, _headers, text = client.post("/documents", fields)
    assert status == 400
    assert "the date of the card statement that first shows it" in text
    assert '<a href="/charges">Add the dates on the Charges page</a>' in text
    assert "charges.statement_date" not in text
    # What the app cannot record is said as the command line says it: what to write where.
    case = (folder / "case.toml").read_text(encoding="utf-8")
    case = case.replace('balance = "12.50"', '# balance = "12.50"')
    (folder / "case.toml").write_text(case, encoding="utf-8")
    fields = {"csrf": client.csrf("/documents"), "kind": "refund"}
    status, _headers, text = client.post("/documents", fields)
    assert status == 400 and "refund: needs account.balance" in text


def test_a_bundle_after_sending_holds_the_letters_as_they_were_sent(
    client: Client, folder: Path
) -> None:
    import json
    import time
    import zipfile

    csrf = client.csrf()
    client.post("/documents", {"csrf": csrf, "kind": "request"})
    sent = folder / "documents" / "request.en.pdf"
    letter, written = sent.read_bytes(), sent.stat().st_mtime_ns
    fields = {"csrf": client.csrf("/case"), "status.request_sent": "2026-11-24"}
    assert client.post("/case", fields)[0] == 303
    # A complaint looked at, never sent: offered, and left out by the holder.
    client.post("/documents", {"csrf": client.csrf("/documents"), "kind": "complaint"})
    _status, _headers, text = client.request("GET", "/bundle")
    assert "Make the bundle of the letters chosen and the evidence" in text
    assert "Tick another letter only if you sent it" in text
    offered = re.findall(r'name="letter" value="([^"]+)"( checked)?', text)
    assert ("request.en.pdf", " checked") in offered and ("complaint.en.pdf", "") in offered
    chosen = [name for name, ticked in offered if ticked]
    assert chosen and all(name.startswith("request.") for name in chosen)
    assert client.post("/bundle", {"csrf": client.csrf("/bundle"), "letter": chosen})[0] == 303
    for _attempt in range(200):
        progress = json.loads(client.request("GET", "/bundle/progress")[2])
        if progress["finished"]:
            break
        time.sleep(0.05)
    (bundle,) = (folder / "documents").glob("bundle-*.zip")
    with zipfile.ZipFile(bundle) as zipped:
        names = [name.split("/", 1)[1] for name in zipped.namelist()]
        kept = zipped.read(next(n for n in zipped.namelist() if n.endswith("/request.en.pdf")))
    assert kept == letter  # the letter as it went, not one written again today
    assert (sent.stat().st_mtime_ns, sent.read_bytes()) == (written, letter)
    assert "data/documents/request.en.eml" in names
    assert not [name for name in names if ".explain." in name]  # the holder's own sheets
    assert not [name for name in names if "complaint" in name]  # never sent: left out


def test_a_form_from_another_origin_changes_nothing(client: Client, folder: Path) -> None:
    before = (folder / "case.toml").read_bytes()
    fields = EVENT | {"csrf": client.csrf()}
    for origin in ("http://evil.example", "null"):
        status, _headers, _text = client.post("/timeline", fields, origin=origin)
        assert status == 403
    assert (folder / "case.toml").read_bytes() == before


@pytest.mark.parametrize(
    "path",
    [
        "/files/../case.toml",
        "/files/%2e%2e/case.toml",
        "/files/%2e%2e/%2e%2e/private.txt",
        "/files/..%2f..%2fprivate.txt",
        "/files//etc/passwd",
        "/files/%2Fetc%2Fpasswd",
        "/files/escape.txt",
    ],
)
def test_no_file_outside_the_case_folder_is_served(client: Client, folder: Path, path: str) -> None:
    (folder / "evidence" / "escape.txt").symlink_to(folder.parent / "private.txt")
    status, headers, text = client.request("GET", path)
    if status == 308:  # Werkzeug merges doubled slashes first: follow it
        status, headers, text = client.request("GET", headers["location"])
    assert status == 404
    assert "not for the browser" not in text and "[holder]" not in text


def test_evidence_is_served_from_the_case_folder(client: Client) -> None:
    status, headers, _text = client.request("GET", "/files/chat-2026-11-21.txt")
    assert status == 200
    assert headers["content-disposition"].startswith("attachment")


def test_an_oversized_upload_writes_nothing(client: Client, folder: Path) -> None:
    before = snapshot(folder)
    status, _headers, text = client.post(
        "/evidence", {"csrf": client.csrf()}, {"files": ("big.png", b"x" * (LIMIT + 1))}
    )
    assert status == 413 and "too large" in text
    assert snapshot(folder) == before


def test_a_file_too_large_for_email_is_added_with_a_warning(
    client: Client, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import letters.web.app

    monkeypatch.setattr(letters.web.app, "MAIL_LIMIT", 1000)  # the uploads here stay small
    status, _headers, text = client.post(
        "/evidence", {"csrf": client.csrf()}, {"files": ("call.mp4", b"v" * 2000)}, follow=True
    )
    assert status == 200 and "call.mp4 is added." in text
    assert '<p class="warning" role="alert">Warning: call.mp4 is ' in text
    assert "every bundle holds it: a bundle that large cannot go by email" in text
    assert (folder / "evidence" / "call.mp4").stat().st_size == 2000


def test_an_upload_named_like_an_existing_file_changes_nothing(
    client: Client, folder: Path
) -> None:
    before = snapshot(folder)
    for name in ("bill-2026-11.pdf", "Bill-2026-11.PDF", "../evidence/bill-2026-11.pdf"):
        status, _headers, text = client.post(
            "/evidence", {"csrf": client.csrf()}, {"files": (name, b"%PDF-forged")}
        )
        assert status == 400
        assert "is already in the evidence folder — nothing was changed" in text
    assert snapshot(folder) == before


def test_an_upload_climbing_out_lands_in_the_evidence_folder_only(
    client: Client, folder: Path
) -> None:
    status, _headers, _text = client.post(
        "/evidence",
        {"csrf": client.csrf()},
        {"files": ("../../../case.toml", b"x = 1")},
        follow=True,
    )
    assert status == 200
    assert (folder / "evidence" / "case.toml").read_bytes() == b"x = 1"
    assert (folder / "case.toml").read_bytes() == (SAMPLES / "case-en.toml").read_bytes()


def test_the_language_follows_the_browser_and_the_choice(client: Client) -> None:
    _status, _headers, text = client.request("GET", "/case", headers={"Accept-Language": "zh-TW"})
    assert '<html lang="zh-TW">' in text and "概況" in text
    _status, headers, text = client.request("GET", "/case?lang=zh-CN")
    assert "概况" in text and "letters_lang=zh-CN" in headers["set-cookie"]


def test_the_calendar_downloads_when_there_are_deadlines(tmp_path: Path) -> None:
    case = tmp_path / "late"
    case.mkdir()
    shutil.copy(SAMPLES / "case-late-en.toml", case / "case.toml")
    with serve(tmp_path, case) as app:
        client = Client(app)
        client.login()
        status, headers, text = client.request("GET", "/case.ics")
    assert status == 200 and headers["content-type"].startswith("text/calendar")
    assert text.startswith("BEGIN:VCALENDAR")


def test_the_log_never_shows_the_secret(folder: Path, capfd: pytest.CaptureFixture[str]) -> None:
    from letters.web.server import start
    from tests.web_server import NOW, TODAY

    server, url = start(folder, folder.parent, lambda _zone: TODAY, lambda: NOW)
    import threading

    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = Client(Served(url, server.server_port, url.split("token=")[1]))
        client.login()
        client.request("GET", "/case")
    finally:
        server.shutdown()
        server.server_close()
    err = capfd.readouterr().err
    assert "GET / 303" in err and "GET /case 200" in err
    assert client.app.secret not in err and "ACC-" not in err


def test_help_does_not_import_the_web_framework() -> None:
    code = "import sys; from letters.cli import cli\n"
    code += "try:\n    cli.main(['--help'], prog_name='letters')\nexcept SystemExit:\n    pass\n"
    code += "print('flask' in sys.modules, 'werkzeug' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("False False")


def test_send_shows_who_gets_what_and_sends_only_when_confirmed(
    client: Client, folder: Path
) -> None:
    from tests.smtp_server import Inbox
    from tests.smtp_server import serve as smtp

    csrf = client.csrf()
    status, _headers, _text = client.post("/documents", {"csrf": csrf, "kind": "request"})
    assert status == 303
    inbox = Inbox()
    for port in smtp(inbox, authenticator=inbox.authenticate, auth_require_tls=False):
        fields = {
            "csrf": csrf, "draft": "request.en.eml", "host": "127.0.0.1", "port": str(port),
            "tls": "none", "user": "xm.wang@example.com", "password": "s3cret-app-password",
        }  # fmt: skip
        # No server given: said with the preview, before any password or confirmation.
        status, _headers, text = client.post("/send", fields | {"host": ""})
        assert status == 400 and "Which mail server? For example smtp.example.com" in text
        status, _headers, text = client.post("/send", fields)  # no confirmation: a preview
        assert status == 200
        assert "To: care@example-mobile.com" in text and "This is exactly what will be sent" in text
        assert inbox.envelopes == [] and "s3cret" not in text
        status, _headers, text = client.post("/send", fields | {"action": "send"})
        assert status == 400 and "nothing was sent" in text and inbox.envelopes == []
        status, headers, _text = client.post("/send", fields | {"confirm": "yes"})
        assert status == 303  # to a page of its own: going back or reloading sends nothing
        status, _headers, text = client.request("GET", headers["location"])
        assert status == 200 and "sent to care@example-mobile.com" in text
        assert "s3cret" not in text  # the password is not put back into the page
        status, _headers, text = client.request("GET", headers["location"])  # reloaded
        assert status == 200 and "sent to" not in text
    assert [e.rcpt_tos for e in inbox.envelopes] == [["care@example-mobile.com"]]
    assert inbox.logins == [(b"xm.wang@example.com", b"s3cret-app-password")]
    stored = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    assert b"s3cret" not in stored
    from letters.case import load_case

    sent = [e for e in load_case(folder / "case.toml").events if e.channel == "email"]
    assert len(sent) == 1 and (folder / "evidence" / sent[0].evidence[0]).is_file()


@pytest.mark.parametrize("tls", ["STARTTLS", "x", ""])
def test_send_refuses_an_unknown_security_before_logging_in(
    client: Client, folder: Path, tls: str
) -> None:
    from tests.smtp_server import Inbox
    from tests.smtp_server import serve as smtp

    csrf = client.csrf()
    client.post("/documents", {"csrf": csrf, "kind": "request"})
    inbox = Inbox()
    for port in smtp(inbox, authenticator=inbox.authenticate, auth_require_tls=False):
        fields = {
            "csrf": csrf, "draft": "request.en.eml", "host": "127.0.0.1", "port": str(port),
            "tls": tls, "user": "xm.wang@example.com", "password": "s3cret-app-password",
            "confirm": "yes",
        }  # fmt: skip
        status, _headers, text = client.post("/send", fields)
        if tls:  # an empty choice is the form's default, STARTTLS, which this server lacks
            assert status == 400 and "letters knows only starttls, ssl, none" in text
        else:
            assert status == 400 and "nothing was sent" in text
    assert inbox.logins == [] and inbox.envelopes == []


def test_writing_again_asks_before_replacing_a_changed_letter(client: Client, folder: Path) -> None:
    csrf = client.csrf()
    status, _headers, _text = client.post("/documents", {"csrf": csrf, "kind": "request"})
    assert status == 303
    # The same letter again, the files untouched since: nothing to ask about.
    status, _headers, _text = client.post("/documents", {"csrf": csrf, "kind": "request"})
    assert status == 303
    docx = next(folder.rglob("request.en.docx"))
    docx.write_bytes(b"changed in Word")
    before = snapshot(folder)
    status, _headers, text = client.post("/documents", {"csrf": csrf, "kind": "request"})
    assert status == 409 and "request.en.docx" in text and "Nothing was replaced." in text
    assert "--force" not in text
    assert snapshot(folder) == before
    form = text[text.index("Nothing was replaced.") :]
    form = form[: form.index("</form>")]
    assert f'name="csrf" value="{csrf}"' in form and 'name="force" value="yes"' in form
    assert "Replace them</button>" in form
    status, _headers, text = client.post(
        "/documents", {"csrf": csrf, "kind": "request", "force": "yes"}, follow=True
    )
    assert status == 200 and "The letter is written." in text
    assert docx.read_bytes()[:2] == b"PK"  # a real DOCX again


def test_two_launches_keep_their_own_cookies(tmp_path: Path) -> None:
    with serve(tmp_path) as first, serve(tmp_path) as second:
        one, two = Client(first), Client(second)
        one.login()
        two.login()
        assert one.cookie.split("=")[0] != two.cookie.split("=")[0]
        others = two.cookie
        both = f"{one.cookie}; {two.cookie}"  # what a browser sends: cookies ignore ports
        for client in (one, two):
            client.cookie = both
            status, _headers, _text = client.request("GET", "/")
            assert status != 403
        one.cookie = others  # the other launch's key alone opens nothing here
        status, _headers, _text = one.request("GET", "/")
        assert status == 403


def test_an_email_that_cannot_be_written_is_named_on_the_page(client: Client) -> None:
    csrf = client.csrf()
    status, _headers, text = client.post(
        "/documents", {"csrf": csrf, "kind": "complaint"}, follow=True
    )
    assert status == 200 and "The letter is written." in text
    assert "No email draft: Federal Communications Commission" in text
    assert "letters letter" not in text  # the letter is written: nothing to run
    # The cover letter to the attorney general comes with the FCC complaint, and is offered.
    for name in ("complaint.en.pdf", "complaint-ag.en.pdf", "complaint-ag.en.docx"):
        assert f'href="/files/{name}"' in text


def test_ctrl_c_stops_the_app_cleanly(tmp_path: Path) -> None:
    import signal

    process = subprocess.Popen(
        [sys.executable, "-m", "letters", "app", "--no-browser"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=default_stop_signals,
    )  # fmt: skip
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("letters is running. Open this address in your web browser: ")
    assert "http://127.0.0.1:" in first and "?token=" in first
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0
    assert out.splitlines()[-1] == "letters has stopped."
    assert "Traceback" not in err


def test_a_broken_case_file_is_explained_on_the_page(client: Client, folder: Path) -> None:
    case = folder / "case.toml"
    case.write_text(case.read_text(encoding="utf-8").replace('number = "', "number = 12#"))
    status, _headers, text = client.request("GET", "/case")
    assert status == 400
    assert "Something needs fixing" in text and "account.number" in text


def test_a_case_folder_not_yet_there_is_offered_on_the_form(tmp_path: Path) -> None:
    with serve(tmp_path, Path("new-case")) as app:
        client = Client(app)
        client.login()
        status, headers, _text = client.request("GET", "/")
        assert (status, headers["location"]) == (303, "/new")
        _status, _headers, text = client.request("GET", "/new")
    assert 'name="folder" value="new-case"' in text
    assert not (tmp_path / "new-case").exists()


@pytest.mark.parametrize(
    ("sample", "lang", "links"),
    [
        ("case-en", "en", ["/documents?kind=request", "/timeline#edit"]),
        ("case-late-en", "zh-CN", ["/documents?kind=refund", "/documents?kind=card-dispute"]),
        ("case-late-en", "zh-TW", ["/documents?kind=complaint", "/bundle"]),
    ],
)
def test_next_steps_link_to_the_page_that_does_them(
    tmp_path: Path, sample: str, lang: str, links: list[str]
) -> None:
    case = tmp_path / "case"
    case.mkdir()
    shutil.copy(SAMPLES / f"{sample}.toml", case / "case.toml")
    shutil.copytree(SAMPLES / "evidence", case / "evidence")
    with serve(tmp_path, case) as app:
        client = Client(app)
        client.login()
        status, _headers, text = client.request("GET", f"/case?lang={lang}")
    assert status == 200
    steps = re.search(r'<ol class="steps">(.*?)</ol>', text, re.S)
    assert steps
    assert "letters " not in text
    for link in links:
        assert f'href="{link}"' in steps.group(1)


def test_a_step_past_its_day_is_not_shown_as_due_by_it(client: Client, folder: Path) -> None:
    # Sent on October 1 for no particular closing day: the answer was due October 15.
    case = folder / "case.toml"
    text = case.read_text(encoding="utf-8").replace("close_on = 2026-12-01", "")
    case.write_text(text + "\n[status]\nrequest_sent = 2026-10-01\n", encoding="utf-8")
    status, _headers, page = client.request("GET", "/case")
    assert status == 200
    assert "The answer was due on October 15, 2026 (40 days ago)" in page
    assert "by October 15, 2026" not in page


def test_a_picture_given_to_check_is_no_damaged_bundle(client: Client) -> None:
    csrf = client.csrf("/bundle")
    picture = (SAMPLES / "evidence" / "call-log-2026-11-20.png").read_bytes()
    status, _headers, text = client.post(
        "/verify", {"csrf": csrf}, files={"bundle": ("chat screenshot.png", picture)}, follow=True
    )
    assert status == 200
    assert "chat screenshot.png is not a bundle: choose the .zip file letters made" in text
    assert "did not pass the check" not in text


def test_a_bundle_is_checked_against_the_fingerprint_noted_when_it_was_made(
    client: Client, tmp_path: Path
) -> None:
    from letters.verify import verify_bundle

    out = tmp_path / "made"
    assert run("bundle", SAMPLES / "case-en.toml", SAMPLES / "evidence", "-o", out / "b.zip",
               "--date", "2026-11-24").exit_code == 0  # fmt: skip
    bundle = (out / "b.zip").read_bytes()
    noted = verify_bundle(out / "b.zip").fingerprint
    assert noted is not None

    def check(fingerprint: str) -> tuple[int, str]:
        status, _headers, text = client.post(
            "/verify",
            {"csrf": client.csrf("/bundle"), "fingerprint": fingerprint},
            files={"bundle": ("b.zip", bundle)},
            follow=True,
        )
        return status, text

    status, text = check(" ".join(noted[n : n + 8] for n in range(0, 64, 8)).upper())
    assert status == 200
    assert "It is the very bundle that was made: its fingerprint is the one given." in text
    assert "not of this case&#39;s account" not in text
    status, text = check(noted[:-1] + ("0" if noted[-1] != "0" else "1"))  # one digit mistyped
    assert status == 200
    assert "b.zip is whole, but its fingerprint is not the one given" in text
    assert "did not pass the check" not in text
    status, text = check("not a fingerprint")
    assert status == 200
    assert "not a fingerprint is not a fingerprint: give the 64 hexadecimal digits" in text
    assert 'value="not a fingerprint"' in text
    status, _headers, text = client.post("/verify", {"csrf": client.csrf("/bundle")}, follow=True)
    assert status == 200
    assert "Choose a file first." in text


def test_a_whole_bundle_of_another_account_is_said_to_be_so(client: Client, tmp_path: Path) -> None:
    # Whole, and another case's: the holder would take "whole" for her own bundle's.
    other = tmp_path / "other.toml"
    text = (SAMPLES / "case-en.toml").read_text(encoding="utf-8")
    other.write_text(text.replace('"ACC-889977"', '"ACC-123456"'), encoding="utf-8")
    assert run("bundle", other, SAMPLES / "evidence", "-o", tmp_path / "b.zip",
               "--date", "2026-11-24").exit_code == 0  # fmt: skip
    status, _headers, page = client.post(
        "/verify",
        {"csrf": client.csrf("/bundle")},
        files={"bundle": ("b.zip", (tmp_path / "b.zip").read_bytes())},
        follow=True,
    )
    assert status == 200
    assert "b.zip is whole: every file matches its checksum." in page
    assert (
        "It is the bundle of account ****3456, not of this case&#39;s account ****9977: check "
        "that it is the one you meant to check."
    ) in page


def test_the_send_page_fills_in_the_mail_server_of_a_provider_most_holders_use(
    client: Client, folder: Path
) -> None:
    case = folder / "case.toml"
    case.write_text(
        case.read_text(encoding="utf-8").replace("xm.wang@example.com", "xm.wang@qq.com"),
        encoding="utf-8",
    )
    client.post("/documents", {"csrf": client.csrf("/documents"), "kind": "request"})
    _status, _headers, text = client.request("GET", "/send")
    assert 'name="host" value="smtp.qq.com"' in text
    assert 'name="port" value="465"' in text
    assert '<option value="ssl" selected>' in text
    assert 'name="user" value="xm.wang@qq.com"' in text
    assert "Many providers want an app password" in text


def test_a_provider_server_is_known_only_for_the_providers_listed() -> None:
    from letters.send import provider_server

    gmail = provider_server("Someone@Gmail.com")
    assert gmail is not None
    assert (gmail.host, gmail.port, gmail.tls, gmail.user) == (
        "smtp.gmail.com", 587, "starttls", "Someone@Gmail.com"
    )  # fmt: skip
    assert provider_server("xm.wang@example.com") is None
    assert provider_server(None) is None


def test_an_event_in_chinese_is_pointed_out_beside_it(client: Client) -> None:
    warning = "The English letters quote this event as written: write its words in English"
    _status, _headers, text = client.request("GET", "/timeline")
    assert warning not in text  # the sample's events are in English
    fields = EVENT | {
        "csrf": client.csrf(),
        "party": "客服 Jenny",
        "summary": "打电话要求关闭门号。",
    }
    status, _headers, text = client.post("/timeline", fields, follow=True)
    assert status == 200
    assert text.count(warning) == 1


def test_a_statement_still_to_come_is_said_as_such(client: Client) -> None:
    # The server's today is November 24, 2026.
    charge = {"csrf": client.csrf("/charges"), "charge.date": "2026-11-20",
              "charge.amount": "30", "charge.description": "December plan",
              "charge.statement_date": "2026年12月2日"}  # fmt: skip
    status, _headers, text = client.post("/charges", charge)
    assert status == 400
    assert "December 2, 2026 has not come yet — a statement is recorded once it is sent" in text
    assert "a charge is recorded once it is made" not in text


def test_the_start_page_offers_the_case_folders_there(tmp_path: Path) -> None:
    for name in ("王小明", "li-hua"):
        (tmp_path / name).mkdir()
        shutil.copy(SAMPLES / "case-en.toml", tmp_path / name / "case.toml")
    (tmp_path / "not-a-case").mkdir()
    with serve(tmp_path) as app:
        client = Client(app)
        client.login()
        _status, _headers, text = client.request("GET", "/")
        offered = re.findall(r'name="path" value="([^"]+)"><button class="secondary">', text)
        assert offered == ["li-hua", "王小明"]
        status, headers, _text = client.post("/open", {"csrf": client.csrf("/"), "path": "王小明"})
        assert (status, headers["location"]) == (303, "/case")


def test_the_case_details_are_corrected_on_the_form_the_case_began_with(
    client: Client, folder: Path
) -> None:
    from letters.case import load_case

    case_file = folder / "case.toml"
    # Written as the case file allows, not as the form would write it: a third address line,
    # a state by name, a phone with spaces.
    original = case_file.read_text(encoding="utf-8").replace(
        '["123 Main St", "Apt 4B"], city = "San Francisco", region = "CA"',
        '["123 Main St", "Apt 4B", "c/o Li Hua"], city = "San Francisco", region = "California"',
    )
    assert "c/o Li Hua" in original
    case_file.write_text(original, encoding="utf-8")
    before = load_case(case_file)
    _status, _headers, text = client.request("GET", "/details")
    values = dict(re.findall(r'name="([a-z_.0-9]+)" value="([^"]*)"', text))
    for name, options in re.findall(
        r'<select id="[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', text, re.S
    ):
        values[name] = re.findall(r'value="([^"]+)" selected', options)[0]
    assert values["account.reason"] == "moving"  # the case's, not the form's default
    assert values["holder.name_en"] == "Xiaoming Wang"
    assert values["recipient.address.line1"] == "PO Box 1000"
    assert values["recipient.address.postal_code"] == "75201"
    fields = {key: value for key, value in values.items() if key != "csrf"}
    # Sent back as shown: the case file stays byte for byte what it was.
    text_before = case_file.read_bytes()
    status, _headers, _text = client.post("/details", fields | {"csrf": client.csrf("/details")})
    assert status == 303 and case_file.read_bytes() == text_before
    # A typing mistake: refused, and nothing changes.
    wrong = fields | {"csrf": client.csrf("/details"), "recipient.address.postal_code": "7520"}
    status, _headers, text = client.post("/details", wrong)
    assert status == 400 and 'id="recipient.address.postal_code-error"' in text
    assert load_case(case_file) == before
    # The company moved, and the holder's English name was misspelt.
    right = fields | {"csrf": client.csrf("/details"), "holder.name_en": "Xiao Ming Wang",
                      "recipient.address.line1": "PO Box 2000",
                      "recipient.address.postal_code": "75202"}  # fmt: skip
    status, _headers, text = client.post("/details", right, follow=True)
    assert status == 200 and "The case details are saved." in text
    after = load_case(case_file)
    assert after.holder.name_en == "Xiao Ming Wang"
    assert after.recipient.address is not None
    assert (after.recipient.address.lines, after.recipient.address.postal_code) == (
        ("PO Box 2000",),
        "75202",
    )
    assert after.events == before.events and after.delivery == before.delivery
    written = case_file.read_text(encoding="utf-8")
    assert "# optional: how the printed letter is mailed" in written
    assert '"c/o Li Hua"], city = "San Francisco", region = "California"' in written  # untouched
    assert "[checklist]" not in written  # no table the holder did not fill in
    # The language the holder reads, chosen wrong when the case was made: changed here too,
    # that one line only.
    assert values["language"] == "en"
    chinese = fields | right | {"csrf": client.csrf("/details"), "language": "zh-TW"}
    assert client.post("/details", chinese)[0] == 303
    assert load_case(case_file).language == "zh-TW"
    lines = zip(written.splitlines(), case_file.read_text("utf-8").splitlines(), strict=True)
    changed = [(old, new) for old, new in lines if old != new]
    [(old, new)] = changed
    assert old.startswith('language = "en"') and new.startswith('language = "zh-TW"')
    assert old.split("#")[1] == new.split("#")[1]  # its comment kept


@pytest.mark.parametrize("sample", ["case-zh-CN", "case-late-zh-TW"])
def test_the_sheets_the_app_writes_name_its_pages_not_commands(tmp_path: Path, sample: str) -> None:
    # The holder who uses the browser app never types a command: the steps after sending say
    # which page to use. The same sheet made on the command line gives the commands.
    from pypdf import PdfReader

    case = tmp_path / "case"
    case.mkdir()
    shutil.copy(SAMPLES / f"{sample}.toml", case / "case.toml")
    shutil.copytree(SAMPLES / "evidence", case / "evidence")
    kinds = ["request"] if sample == "case-zh-CN" else ["follow-up", "complaint", "card-dispute"]
    with serve(tmp_path, case) as app:
        client = Client(app)
        client.login()
        for kind in kinds:
            status, _headers, text = client.post(
                "/documents", {"csrf": client.csrf("/documents"), "kind": kind}, follow=True
            )
            assert status == 200, text
        if "complaint" in kinds:  # two letters, each named where it is shown
            _status, _headers, text = client.request("GET", "/documents?kind=complaint&lang=en")
            assert "<h2>The statement for the FCC&#39;s complaint form</h2>" in text
            assert "<h2>The letter to your state&#39;s attorney general</h2>" in text
            assert text.count("Open it on its own") == text.count('<iframe class="pdf"') == 4
    sheets = sorted((case / "documents").glob("*.explain.*.pdf"))
    assert len(sheets) == len(kinds) + (1 if "complaint" in kinds else 0)  # and the AG's
    for sheet in sheets:
        text = "".join("".join(p.extract_text() for p in PdfReader(sheet).pages).split())
        assert "letterslog" not in text and "lettersletter" not in text, sheet.name
        assert "--kind" not in text and "命令" not in text, sheet.name
        assert "页面" in text or "頁面" in text, sheet.name
    cli = run("letter", case, "--kind", kinds[0], "-o", tmp_path / "cli")
    assert cli.exit_code == 0, cli.stderr
    (made,) = (tmp_path / "cli").glob(f"{kinds[0]}.en.explain.*.pdf")
    text = "".join("".join(p.extract_text() for p in PdfReader(made).pages).split())
    assert "letterslog" in text


def test_a_number_kept_and_not_moved_yet_is_said_in_the_apps_words(
    client: Client, folder: Path
) -> None:
    path = folder / "case.toml"
    path.write_text(
        path.read_text(encoding="utf-8") + "\n[checklist]\nkeep_number = true\n", encoding="utf-8"
    )
    fields = {"csrf": client.csrf("/documents"), "kind": "request"}
    status, _headers, text = client.post("/documents", fields)
    assert status == 400 and "closing the account now would lose it for good" in text
    assert '<a href="/details">Correct the case details</a>' in text
    assert "[checklist]" not in text and "--close-without-port" not in text
    assert not (folder / "documents" / "request.en.pdf").exists()
    # The same on the Bundle page, which writes the letters with the bundle.
    import json
    import time

    assert client.post("/bundle", {"csrf": client.csrf("/bundle")})[0] == 303
    for _attempt in range(200):
        if json.loads(client.request("GET", "/bundle/progress")[2])["finished"]:
            break
        time.sleep(0.05)
    _status, _headers, text = client.request("GET", "/bundle")
    assert "closing the account now would lose it for good" in text
    assert '<a href="/details">Correct the case details</a>' in text and "[checklist]" not in text


def test_a_closing_date_already_past_is_corrected_in_the_case_details(
    client: Client, folder: Path
) -> None:
    closed_early(folder)  # asks to close on November 15; the app's clock says November 24
    _status, _headers, text = client.request("GET", "/case")
    assert "give a later one in the case details" in text
    assert 'href="/details">Correct the case details</a>' in text
    fields = {"csrf": client.csrf("/documents"), "kind": "request"}
    status, _headers, text = client.post("/documents", fields, follow=True)
    assert status == 200
    assert "a day already past — give a later closing date in the case details" in text
    assert "[account]" not in text
    # A warning stands out, above the word that the letter is written.
    warning = text.index('<p class="warning" role="alert">Warning: the letter asks')
    assert warning < text.index("The letter is written.")


def test_an_event_recorded_by_mistake_is_removed_and_its_files_stay(
    client: Client, folder: Path
) -> None:
    from letters.case import load_case

    path = folder / "case.toml"
    before = load_case(path).events
    cited = [name for event in before for name in event.evidence]
    _status, _headers, text = client.request("GET", "/timeline")
    assert 'action="/timeline/1/remove" data-confirm="Remove event 1 from the timeline?' in text
    status, headers, _text = client.post("/timeline/1/remove", {"csrf": client.csrf("/timeline")})
    assert status == 303 and "removed=1" in headers["location"]
    assert load_case(path).events == before[1:]
    assert all((folder / "evidence" / name).is_file() for name in cited)
    assert client.post("/timeline/9/remove", {"csrf": client.csrf("/timeline")})[0] == 404


def test_an_evidence_file_s_day_is_the_holder_s(client: Client, folder: Path) -> None:
    # Shown on this computer's clock (UTC here), a file saved on the evening of November 23
    # in San Francisco said November 24, beside letters that said the 23rd.
    saved = datetime(2026, 11, 24, 5, 0, tzinfo=UTC).timestamp()  # 9 PM the 23rd in California
    os.utime(folder / "evidence" / "chat-2026-11-21.txt", (saved, saved))
    _status, _headers, text = client.request("GET", "/evidence")
    row = text[text.index("chat-2026-11-21.txt") :].split("</tr>", 1)[0]
    assert "November 23, 2026" in row and "November 24" not in row, row
