"""Evidence folders and bundles for the bundle and verify tests."""

from __future__ import annotations

import hashlib
import io
import stat
import struct
import zipfile
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from letters.bundle import BagInfo, BundleResult, build_bundle, scan_evidence
from letters.case import Event

DAY = date(2026, 11, 24)
BAG = "bundle-2026-11-24"
PACIFIC = timezone(timedelta(hours=-8))

# Shaped like real evidence: Chinese names, spaces, a `%`, a deep folder.
EVIDENCE: dict[str, bytes] = {
    "微信截图 2026-11-20.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40,
    "chat log.txt": "客服：您好\nAgent: please send a letter\n".encode(),
    "100% refund.pdf": b"%PDF-1.4\n" + b"x" * 3000,
    "mail/2026/11/确认 confirmation.eml": b"Subject: closed\r\n\r\nYour account is closed.\r\n",
    "mail/2026/11/深/层/文件夹/bill 账单.pdf": b"%PDF-1.7\n" + b"y" * 5000,
}
# The same without the `%`, for the tools that do not decode %25 (bagit-python, sha256sum).
PLAIN_EVIDENCE = {name: data for name, data in EVIDENCE.items() if "%" not in name}

INFO = BagInfo(
    contact_name="王小明",
    external_description="Closure of an Example Mobile account",
    contact_email="xm.wang@example.com",
    external_identifier="ACC-****77",
)

EVENTS = (  # in the case's order, oldest first
    Event(
        at=datetime(2026, 11, 18, 9, 0, tzinfo=PACIFIC),
        channel="chat",
        summary="Chat about the balance, 100% refund promised",
        evidence=("chat log.txt", "100% refund.pdf"),
    ),
    Event(
        at=datetime(2026, 11, 20, 14, 30, tzinfo=PACIFIC),
        channel="phone",
        party="Agent Lisa",
        reference="CS-12345",
        summary="Asked to close the account; told to send a written request.",
        evidence=("微信截图 2026-11-20.png",),
    ),
    Event(
        at=datetime(2026, 11, 21, 10, 5, tzinfo=PACIFIC),
        channel="email",
        summary="Confirmation email",
        evidence=("mail/2026/11",),
    ),
)

DOCUMENTS = {"request.en.txt": b"Please close my account.\n", "request.en.pdf": b"%PDF-1.4 letter"}


def make_evidence(root: Path, files: Mapping[str, bytes] = EVIDENCE) -> Path:
    """Write an evidence folder and return it."""
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def build(
    evidence_dir: Path | None, out: Path, events: tuple[Event, ...] = EVENTS, **options: object
) -> BundleResult:
    """Build a bundle with the usual case details."""
    evidence = scan_evidence(evidence_dir) if evidence_dir is not None else None
    arguments: dict[str, object] = {
        "bagging_date": DAY,
        "info": INFO,
        "events": events,
        "documents": DOCUMENTS,
    }
    arguments.update(options)
    return build_bundle(out, evidence, **arguments)  # type: ignore[arg-type]


def entry_data_offset(zip_bytes: bytes, name: str) -> int:
    """Return where an entry's data starts in a zip."""
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
        info = archive.getinfo(name)
    header = info.header_offset
    name_size, extra_size = struct.unpack("<HH", zip_bytes[header + 26 : header + 30])
    return info.header_offset + 30 + name_size + extra_size


def snapshot(root: Path) -> dict[str, tuple[int, int, int, str]]:
    """Every name under root with its mode, size, mtime_ns and content hash."""
    state = {}
    for path in [root, *sorted(root.rglob("*"))]:
        st = path.lstat()
        content = hashlib.sha256(path.read_bytes()).hexdigest() if stat.S_ISREG(st.st_mode) else ""
        state[str(path.relative_to(root))] = (st.st_mode, st.st_size, st.st_mtime_ns, content)
    return state
