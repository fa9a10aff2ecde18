"""Write a small Outlook .msg file, for tests: extract-msg reads them but cannot write them.

A .msg is a Compound File (MS-CFB) holding MAPI properties as streams (MS-OXMSG). This
writer knows just enough of both: version 3 files, streams under 4096 bytes kept in the mini
stream, one FAT sector's worth of sectors, the properties a mail reader looks at.
"""

from __future__ import annotations

import struct
from datetime import UTC, datetime

SECTOR = 512
MINI = 64
FREE, END, FAT_SECTOR, NONE = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _text(tag: int, value: str) -> tuple[str, bytes]:
    return f"__substg1.0_{tag:04X}001F", value.encode("utf-16-le")


def _filetime(moment: datetime) -> int:
    return int((moment - datetime(1601, 1, 1, tzinfo=UTC)).total_seconds() * 10_000_000)


def build_msg(subject: str, sender: str, to: str, body: str, headers: str, sent: datetime) -> bytes:
    """Return the bytes of an Outlook .msg mail with these values and transport headers."""
    top_props = struct.pack("<8xIIII8x", 1, 0, 1, 0)
    for tag in (0x0039, 0x0E06):  # client submit time, delivery time (PT_SYSTIME)
        top_props += struct.pack("<IIQ", (tag << 16) | 0x0040, 6, _filetime(sent))
    root: dict[str, object] = dict(
        [
            _text(0x001A, "IPM.Note"),
            _text(0x0037, subject),
            _text(0x0C1A, sender.split("<")[0].strip()),
            _text(0x0C1F, sender.split("<")[-1].rstrip(">")),
            _text(0x0E04, to),
            _text(0x1000, body),
            _text(0x007D, headers),
            ("__properties_version1.0", top_props),
            (
                "__recip_version1.0_#00000000",
                dict(
                    [
                        _text(0x3001, to),
                        _text(0x39FE, to),
                        _text(0x3003, to),
                        ("__properties_version1.0", struct.pack("<8x")),
                    ]
                ),
            ),
            (
                "__nameid_version1.0",
                {
                    "__substg1.0_00020102": b"",
                    "__substg1.0_00030102": b"",
                    "__substg1.0_00040102": b"",
                },
            ),
        ]
    )
    return _compound(root)


def _compound(root: dict[str, object]) -> bytes:
    """Lay out a storage tree (dicts of streams as bytes and storages as dicts) as a CFB file."""
    entries: list[dict[str, object]] = []
    ministream = bytearray()
    minifat: list[int] = []

    def add(name: str, node: object) -> int:
        index = len(entries)
        entry: dict[str, object] = {"name": name, "left": NONE, "right": NONE, "child": NONE}
        entries.append(entry)
        if isinstance(node, dict):
            entry["type"] = 1
            entry["start"], entry["size"] = 0, 0
            children = [add(key, value) for key, value in node.items()]
            entry["child"] = _tree(children, entries)
        else:
            assert isinstance(node, bytes) and len(node) < 4096
            entry["type"] = 2
            entry["size"] = len(node)
            if node:
                first = len(ministream) // MINI
                count = -(-len(node) // MINI)
                ministream.extend(node.ljust(count * MINI, b"\0"))
                minifat.extend([*list(range(first + 1, first + count)), END])
                entry["start"] = first
            else:
                entry["start"] = END
        return index

    entries.append({"name": "Root Entry", "type": 5, "left": NONE, "right": NONE})
    children = [add(key, value) for key, value in root.items()]
    entries[0]["child"] = _tree(children, entries)

    directory = b"".join(_entry(entry) for entry in entries)
    directory = directory.ljust(-(-len(directory) // SECTOR) * SECTOR, b"\0")
    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat)
    minifat_bytes = minifat_bytes.ljust(-(-len(minifat_bytes) // SECTOR) * SECTOR, b"\xff")
    stream = bytes(ministream).ljust(-(-len(ministream) // SECTOR) * SECTOR, b"\0")

    # Sector 0 is the FAT; then the directory, the mini FAT and the mini stream, in runs.
    runs = [len(directory) // SECTOR, len(minifat_bytes) // SECTOR, len(stream) // SECTOR]
    fat = [FAT_SECTOR]
    starts = []
    for count in runs:
        starts.append(len(fat))
        fat.extend([*list(range(len(fat) + 1, len(fat) + count)), END])
    assert len(fat) <= SECTOR // 4, "too big for one FAT sector"
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat).ljust(SECTOR, b"\xff")
    entries[0]["start"], entries[0]["size"] = starts[2], len(ministream)
    directory = b"".join(_entry(entry) for entry in entries)
    directory = directory.ljust(runs[0] * SECTOR, b"\0")

    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"), b"\0" * 16, 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6,
        0, 1, starts[0], 0, 4096, starts[1], runs[1], END, 0,
    )  # fmt: skip
    header += struct.pack("<109I", 0, *([FREE] * 108))
    return header + fat_bytes + directory + minifat_bytes + stream


def _tree(children: list[int], entries: list[dict[str, object]]) -> int:
    """Link siblings as a balanced binary tree in the order CFB sorts names; return the root."""
    names = {index: str(entries[index]["name"]) for index in children}
    order = sorted(children, key=lambda index: (len(names[index]), names[index].upper()))

    def build(items: list[int]) -> int:
        if not items:
            return NONE
        middle = len(items) // 2
        node = items[middle]
        entries[node]["left"] = build(items[:middle])
        entries[node]["right"] = build(items[middle + 1 :])
        return node

    return build(order)


def _entry(entry: dict[str, object]) -> bytes:
    name = str(entry["name"]).encode("utf-16-le") + b"\0\0"
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name, len(name), int(entry["type"]), 1, int(entry["left"]), int(entry["right"]),  # type: ignore[arg-type]
        int(entry.get("child", NONE)), b"\0" * 16, 0, 0, 0,  # type: ignore[arg-type]
        int(entry.get("start", END)), int(entry.get("size", 0)),  # type: ignore[arg-type]
    )  # fmt: skip
