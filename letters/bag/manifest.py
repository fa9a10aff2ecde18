"""The tag files letters writes, byte for byte: bagit.txt, the manifests and bag-info.txt.

`letters.bundle` writes them; verify rebuilds manifests with `manifest_bytes` to tell whether a tag
manifest is exactly what letters writes. Paths are escaped by `letters.bag.paths`, the one codec
for both directions.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from letters import __version__
from letters.bag.paths import encode_path, sort_key

ALGORITHMS = ("sha256", "sha512")
"""The manifests every bundle carries (RFC 8493 asks for SHA-512; SHA-256 is what people check)."""

BAG_DECLARATION = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"


@dataclass(frozen=True)
class BagInfo:
    """What bag-info.txt says about the bundle."""

    contact_name: str
    external_description: str
    contact_email: str | None = None
    external_identifier: str | None = None
    source_organization: str | None = None
    certified_mail: tuple[str, ...] = ()  # the article numbers of the letters mailed


class Digests(Protocol):
    """Each algorithm's digest in lowercase hex, by name (a dict, or a file's kept digests)."""

    def __getitem__(self, algorithm: str, /) -> str: ...


def manifest_bytes(entries: Sequence[tuple[str, Digests]], algorithm: str) -> bytes:
    """Return a manifest: one `checksum  path` line per entry, paths escaped, in path order."""
    if not _in_order(entries):
        lines = sorted((sort_key(p), f"{d[algorithm]}  {encode_path(p)}\n") for p, d in entries)
        return "".join(line for _key, line in lines).encode("utf-8")
    # A bundle's payload is written in path order already: line by line, it costs no more
    # memory than the manifest itself, however many files there are.
    out = io.BytesIO()
    for p, d in entries:
        out.write(f"{d[algorithm]}  {encode_path(p)}\n".encode())
    return out.getvalue()


def _in_order(entries: Sequence[tuple[str, Digests]]) -> bool:
    """Return True if every path sorts strictly after the one before it."""
    previous: tuple[str, ...] | None = None
    for path, _digests in entries:
        key = sort_key(path)
        if previous is not None and not previous < key:
            return False
        previous = key
    return True


def _tag_value(value: str) -> str:
    # A value may span lines: continuation lines start with whitespace (RFC 8493 §2.2.2).
    return "\n  ".join(line.strip() for line in value.strip().splitlines() if line.strip())


def bag_info(info: BagInfo, day: date, octets: int, count: int) -> bytes:
    """Return bag-info.txt for a payload of `count` files holding `octets` bytes."""
    fields = [
        ("Source-Organization", info.source_organization),
        ("Contact-Name", info.contact_name),
        ("Contact-Email", info.contact_email),
        ("External-Description", info.external_description),
        ("Bagging-Date", day.isoformat()),
        ("External-Identifier", info.external_identifier),
        ("Payload-Oxum", f"{octets}.{count}"),
        ("Bag-Software-Agent", f"letters {__version__}"),
        *(("Certified-Mail-Number", number) for number in info.certified_mail),
    ]
    text = "".join(f"{label}: {_tag_value(value)}\n" for label, value in fields if value)
    return text.encode("utf-8")
