"""The evidence folder: list what it holds, numbered as the bundle numbers it, and add to it.

Adding is copying a file in under its own name. A name that is taken is refused, never
replaced; nothing already in the folder is ever changed, renamed or deleted (promise 1 is about
what the tool does to the user's files, and a new file is the user's own choice to add one).
"""

from __future__ import annotations

import shutil
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from letters.bag.paths import printable
from letters.bundle import scan_evidence
from letters.errors import InputError, LettersError, OutputExistsError
from letters.i18n import _
from letters.output import atomic_file, make_folder

NAME_LIMIT = 200
"""Bytes in a file name: most file systems allow 255; the rest is left for copies' suffixes."""
CHUNK = 1 << 20
_FORBIDDEN = set('<>:"/\\|?*')  # not allowed in a Windows file name; `/` and `\` are folders
_RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(10)}


@dataclass(frozen=True)
class Item:
    """One file of the evidence folder, with the exhibit number the bundle will give it."""

    number: int
    path: str  # relative to the evidence folder
    size: int
    modified: datetime  # UTC


def list_evidence(folder: Path) -> list[Item]:
    """List the evidence folder's files, numbered exactly as `bundle` numbers its exhibits."""
    if not folder.is_dir():
        return []
    return [
        Item(number, f.path, f.size, datetime.fromtimestamp(f.mtime_ns / 1e9, UTC))
        for number, f in enumerate(scan_evidence(folder).files, 1)
    ]


def safe_name(name: str) -> str:
    """Return the file name to keep a chosen file under, or raise InputError saying why not.

    Only the last part of a path counts (a browser may send `C:\\Users\\…\\photo.png`); names
    that are hidden, reserved on Windows, or hold control characters are refused, not changed,
    so the user finds the file under the name they chose.
    """
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    shown = printable(base) or "…"
    if not base or base in (".", "..") or base.startswith("."):
        reason = _("{name}: choose a file with a name that does not start with a dot")
    elif any(not c.isprintable() for c in base) or _FORBIDDEN & set(base):
        reason = _(
            '{name}: the name has a character a file name cannot hold, like / \\ : * ? " < > |'
        )
    elif base.endswith((".", " ")) or base.split(".")[0].lower() in _RESERVED:
        reason = _("{name}: Windows cannot hold a file of that name — rename it first")
    elif len(base.encode("utf-8")) > NAME_LIMIT:
        reason = _("{name}: the name is too long — rename the file with a shorter name first")
    else:
        return base
    raise InputError(reason.format(name=shown))


def add_evidence(folder: Path, name: str, source: BinaryIO) -> Path:
    """Copy a file into the evidence folder under its own name; never replace one there."""
    base = safe_name(name)
    make_folder(folder, [])  # personal papers: a new folder is the user's alone (promise 10)
    existing = {item.path.lower() for item in list_evidence(folder)}
    target = folder / base
    if base.lower() in existing or target.exists() or target.is_symlink():
        # Differing only in letter case counts as taken: on Windows and macOS it is one file.
        raise _taken(base)
    try:
        # Copied to a temporary file beside it, moved into place once whole: a copy cut short
        # (an error, Ctrl-C, the app stopped mid-upload) never stands as evidence. Readable by
        # the user alone, as a copy of a bill or an ID should be (promise 10).
        with atomic_file(target) as handle:
            shutil.copyfileobj(source, handle, CHUNK)
    except OutputExistsError:  # it appeared while the copy was made: never replaced
        raise _taken(base) from None
    except OSError as error:
        raise _cannot_write(target, error) from None
    return target


def _taken(name: str) -> InputError:
    return InputError(
        _(
            "{name} is already in the evidence folder — nothing was changed; rename the new "
            "file and add it again"
        ).format(name=printable(name))
    )


def _cannot_write(path: Path, error: OSError) -> LettersError:
    return LettersError(
        _("{path}: cannot write: {reason}").format(path=path, reason=error.strerror or error)
    )
