"""The manifests letters writes, byte for byte: which algorithms, what lines, in what order.

`letters.bundle` writes them with `manifest_bytes`; verify rebuilds them with it to tell whether a
tag manifest is exactly what letters writes.
"""

from __future__ import annotations

from collections.abc import Sequence

from letters.bag.paths import encode_path, sort_key

ALGORITHMS = ("sha256", "sha512")
"""The manifests every bundle carries (RFC 8493 asks for SHA-512; SHA-256 is what people check)."""


def manifest_bytes(entries: Sequence[tuple[str, dict[str, str]]], algorithm: str) -> bytes:
    """Return a manifest: one `checksum  path` line per entry, paths escaped, in path order."""
    lines = sorted((sort_key(p), f"{d[algorithm]}  {encode_path(p)}\n") for p, d in entries)
    return "".join(line for _key, line in lines).encode("utf-8")
