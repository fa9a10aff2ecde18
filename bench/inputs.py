"""Inputs for the benchmarks, made the same way from the same seed every time.

Evidence shaped like the real thing (screenshots, a few videos, chat logs and emails), a
folder of many small files, case files with many timeline events, and many cases at once.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

MIB = 1 << 20
ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DAY = "2026-11-24"


def case_text(language: str = "en") -> str:
    """Return a sample case file without its events (they cite files the inputs lack)."""
    text = (SAMPLES / f"case-{language}.toml").read_text(encoding="utf-8")
    return text.split("[[events]]")[0]


def write_random(rng: random.Random, path: Path, size: int) -> None:
    """Write `size` bytes that do not compress, as photos and videos do not."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        while size:
            chunk = min(size, 4 * MIB)
            handle.write(rng.randbytes(chunk))
            size -= chunk


def evidence(root: Path, total: int, seed: int) -> tuple[int, int]:
    """Write an evidence folder of about `total` bytes; return (files, bytes)."""
    rng = random.Random(seed)
    files = written = 0
    for number in range(3):  # videos: about a quarter of the total
        size = total * 8 // 100
        write_random(rng, root / "videos" / f"通话录像 {number + 1}.mp4", size)
        files, written = files + 1, written + size
    for number in range(200):  # chat logs and emails
        size = rng.randint(1 << 10, 16 << 10)
        folder = "chats" if number % 2 else "emails"
        name = f"客服 chat {number:03}.txt" if number % 2 else f"confirmation {number:03}.eml"
        write_random(rng, root / folder / name, size)
        files, written = files + 1, written + size
    number = 0
    while written < total:  # screenshots fill the rest
        size = min(rng.randint(200 << 10, 2 * MIB), total - written)
        month = f"2026-{1 + number % 11:02}"
        write_random(rng, root / "screenshots" / month / f"微信截图 {number:05}.png", size)
        files, written, number = files + 1, written + size, number + 1
    return files, written


def small_files(root: Path, count: int, seed: int) -> int:
    """Write `count` small files (0.5–8 KiB), 500 to a folder; return their total size."""
    rng = random.Random(seed)
    written = 0
    for number in range(count):
        size = rng.randint(512, 8 << 10)
        write_random(rng, root / f"batch {number // 500:03}" / f"截图 {number:05}.png", size)
        written += size
    return written


def events_case(folder: Path, events: int, files: int = 50) -> Path:
    """Write a case folder whose case file has `events` events citing `files` evidence files."""
    rng = random.Random(events)
    for number in range(files):
        write_random(rng, folder / "evidence" / f"call-{number:03}.png", 2048)
    start = datetime(2025, 1, 1, 8, 0, tzinfo=timezone(timedelta(hours=-8)))
    chunks = [case_text()]
    for number in range(events):
        at = start + timedelta(minutes=37 * number)
        chunks.append(
            "[[events]]\n"
            f"at = {at.isoformat()}\n"
            f'channel = "{("phone", "chat", "email", "store")[number % 4]}"\n'
            f'party = "Agent {number}"\n'
            f'reference = "CS-{number:05}"\n'
            f'summary = "Contact number {number} about closing the account; asked again '
            'for the written confirmation."\n'
            f'evidence = ["call-{number % files:03}.png"]\n\n'
        )
    case = folder / "case.toml"
    case.write_text("".join(chunks), encoding="utf-8")
    return case


def many_cases(root: Path, count: int) -> list[Path]:
    """Write `count` case folders, English and Chinese in turn, each its own holder."""
    folders = []
    for number in range(count):
        language = ("en", "zh-CN")[number % 2]
        text = (
            case_text(language)
            .replace('"Xiaoming Wang"', f'"Client Number{number:04}"')
            .replace('"ACC-889977"', f'"ACC-{100000 + number}"')
        )
        folder = root / f"client-{number:04}"
        folder.mkdir(parents=True)
        (folder / "case.toml").write_text(text, encoding="utf-8")
        folders.append(folder)
    return folders
