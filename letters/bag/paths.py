"""Paths in a bag: escaped, unescaped, judged safe (RFC 8493 §2.1.3), ordered and shown.

The one codec for both directions: `letters.bundle` writes with `encode_path`, verify reads with
`decode_path`. The writer and the verifier share the rest from here too: the order of manifest
lines, the names operating systems drop into folders, and how a name is shown in a message.
"""

from __future__ import annotations

import re

_ESCAPES = {"0D": "\r", "0A": "\n", "25": "%"}
_RFC_ESCAPE = re.compile("%(0D|0A|25)", re.IGNORECASE)
_LEGACY_ESCAPE = re.compile("%(0D|0A)", re.IGNORECASE)  # BagIt < 1.0, as bagit-python writes
_DRIVE = re.compile(r"[A-Za-z]:")

EVIDENCE_FOLDER = "data/evidence/"
"""Where the evidence folder's files are in a bag letters makes."""
INDEX_CSV = "data/index/index.csv"
"""Where a bag letters makes lists its exhibits, a row each: number, path, …, SHA-256."""
INDEX_JSON = "data/index/index.json"
"""The same list, with the documents and the timeline, for programs."""


def encode_path(path: str) -> str:
    """Write a path for a manifest line: only CR, LF and `%` are percent-encoded (RFC 8493)."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def decode_path(path: str, version: tuple[int, int] = (1, 0)) -> str:
    """Read a manifest path: undo %0D, %0A and %25 (only %0D and %0A before BagIt 1.0)."""
    pattern = _RFC_ESCAPE if version >= (1, 0) else _LEGACY_ESCAPE
    return pattern.sub(lambda m: _ESCAPES[m[1].upper()], path)


def path_problem(path: str) -> str | None:
    """Say why a path read from a manifest or fetch.txt could reach outside the bag, or None.

    Windows forms (drive letters, backslashes, UNC names) are refused on every system: a bag
    is read on many systems, and on one of them such a path leaves the bag.
    """
    if path.startswith("/") or _DRIVE.match(path):
        return "unsafe"
    if "\\" in path:
        return "backslash"
    parts = path.split("/")
    if ".." in parts:
        return "unsafe"
    if parts[0].startswith("~"):
        return "home"
    if any(p in ("", ".") for p in parts):
        return "empty"
    return None


# The most files a bag may hold, so that making or checking one takes memory within a bound
# (about 80 MiB, with the most events too) whatever a folder or a stranger's zip holds.
# Evidence for one phone account is some hundreds of files; tens of thousands are a whole
# photo library or backup, chosen by mistake. A bag's own files (bagit.txt, documents, the
# index, the manifests) come on top of its evidence.
MAX_FILES = 20_000
MAX_ENTRIES = MAX_FILES + 1_000


# Files operating systems drop into folders on their own. They are not evidence, and they change
# whenever a folder is browsed, which would make the same evidence give a different bundle.
SYSTEM_FILES = frozenset({".ds_store", "thumbs.db", "ehthumbs.db", "desktop.ini", "icon\r"})
SYSTEM_DIRS = frozenset(
    {
        ".spotlight-v100",
        ".trashes",
        ".fseventsd",
        ".temporaryitems",
        ".documentrevisions-v100",
        "__macosx",
        "$recycle.bin",
        "system volume information",
    }
)


def made_by_a_system(path: str) -> bool:
    """Return whether a `/`-separated path is a file operating systems drop into folders."""
    *folders, name = path.split("/")
    return (
        name.lower() in SYSTEM_FILES
        or name.startswith("._")
        or any(f.lower() in SYSTEM_DIRS for f in folders)
    )


def sort_key(path: str) -> tuple[str, ...]:
    """Order paths by component, so a folder's files stay together ("a/b" before "a-c")."""
    return tuple(path.split("/"))


def printable(path: str) -> str:
    """Show control characters in a name as escapes, so a message stays one line."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in path)
