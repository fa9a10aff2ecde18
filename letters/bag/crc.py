"""The CRC-32 of zip entries, for the bundle writer and for verify alike."""

from __future__ import annotations

try:
    # zlib-ng's CRC-32 folds with the CPU's carry-less multiply: twenty times zlib's speed,
    # which makes the zip's own checksum nearly free beside SHA-256 and SHA-512.
    from zlib_ng.zlib_ng import crc32
except ImportError:  # a platform zlib-ng has no wheel for: the same CRC, more slowly
    from zlib import crc32

__all__ = ["crc32"]
