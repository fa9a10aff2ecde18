"""The tag files letters writes, byte for byte: bagit.txt, the manifests and bag-info.txt.

`letters.bundle` writes them; verify rebuilds manifests with `manifest_bytes` to tell whether a tag
manifest is exactly what letters writes. Paths are escaped by `letters.bag.paths`, the one codec
for both directions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

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


def manifest_bytes(entries: Sequence[tuple[str, dict[str, str]]], algorithm: str) -> bytes:
    """Return a manifest: one `checksum  path` line per entry, paths escaped, in path order."""
    lines = sorted((sort_key(p), f"{d[algorithm]}  {encode_path(p)}\n") for p, d in entries)
    return "".join(line for _key, line in lines).encode("utf-8")


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
