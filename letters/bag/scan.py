"""The evidence scan: list an evidence folder's regular files, and say what was left out and why.

The scan only looks (names and `lstat`); the writer reads each file later, once, and checks it is
still the file the scan found.
"""

from __future__ import annotations

import itertools
import os
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from letters.bag.finding import Finding
from letters.bag.paths import MAX_FILES, SYSTEM_DIRS, SYSTEM_FILES, printable, sort_key
from letters.casefolder import EVIDENCE_NOTE
from letters.errors import BundleError, InputError
from letters.i18n import N_, _, os_reason

# Windows: FILE_ATTRIBUTE_OFFLINE, _RECALL_ON_OPEN, _RECALL_ON_DATA_ACCESS (OneDrive, …).
_OFFLINE_ATTRIBUTES = 0x1000 | 0x40000 | 0x400000
_SF_DATALESS = 0x40000000  # macOS: the content is in the cloud (iCloud Drive, Dropbox, …)
_INLINE_BYTES = 4096  # small files may live in the file system's own records, with no block


@dataclass(frozen=True, slots=True)
class EvidenceFile:
    """One regular file found in the evidence folder, as it was when scanned.

    A bundle keeps one per file until it is written, so it holds as little as it can: its folder
    is one string shared by the files in it, and its own location is kept only when the system
    spells its name otherwise than `path` does (not NFC, as on macOS).
    """

    path: str  # relative to the evidence folder, `/`-separated, NFC
    size: int
    mtime_ns: int
    device: int
    inode: int
    folder: str  # where its folder is on this computer, as the system names it
    spelled: str | None = None  # where it is, when not `folder` joined with the name in `path`

    @property
    def location(self) -> str:
        """Return where the file is on this computer, as the system names it."""
        if self.spelled is not None:
            return self.spelled
        return os.path.join(self.folder, self.path.rpartition("/")[2])

    @property
    def source(self) -> Path:
        """Return where the file is on this computer."""
        return Path(self.location)


@dataclass(frozen=True)
class BundleWarning(Finding):
    """Something left out or unresolved; the bundle was still built."""

    kind: str  # symlink | special | system | empty | placeholder | not-found
    path: str
    event: int | None = None
    template: ClassVar[Mapping[str, str]] = {
        "symlink": N_("skipped {path}: it is a symbolic link, and links are not followed"),
        "special": N_("skipped {path}: it is not a regular file"),
        "system": N_("skipped {path}: it is a file the operating system made, not evidence"),
        "no evidence": N_("the evidence folder is empty: the bundle holds no evidence files"),
        "empty": N_("skipped {path}: the folder is empty"),
        "placeholder": N_(
            "skipped {path}: its content is not on this computer (a cloud file not "
            "downloaded) — make it available offline, then run the command again"
        ),
        "not-found": N_("event {event} cites {path}, which is not in the evidence folder"),
    }

    @property
    def reason(self) -> str:
        return "no evidence" if self.kind == "empty" and not self.path else self.kind


@dataclass(frozen=True)
class Evidence:
    """The files an evidence folder holds, found by `scan_evidence`."""

    root: Path
    files: tuple[EvidenceFile, ...] = ()
    skipped: tuple[BundleWarning, ...] = ()

    @property
    def total_bytes(self) -> int:
        """Return how many bytes a build will read (the length of its progress bar)."""
        return sum(f.size for f in self.files)


def require_folder(root: Path) -> None:
    """Refuse an evidence folder that is not there, or not a folder, saying what to do."""
    if root.is_dir():
        return
    if root.exists():
        raise InputError(
            _("{path} is not a folder — name the folder that holds the evidence").format(path=root)
        )
    raise InputError(
        _(
            "{path}: no such folder — make it and put the evidence in it (screenshots, saved "
            "emails, receipts), or name the folder that holds it"
        ).format(path=root)
    )


def scan_evidence(root: Path) -> Evidence:
    """List the regular files of an evidence folder without reading them.

    Symbolic links, special files (FIFOs, sockets, devices), operating-system clutter
    (.DS_Store, Thumbs.db, desktop.ini, AppleDouble `._*` files, .Trashes, …), empty folders
    and cloud placeholders (files whose content is not downloaded) are skipped and reported;
    hidden files of the user's own are kept. Raises InputError if `root` is not a
    folder, BundleError for an unreadable folder, a name that is not UTF-8, or two names that
    would be the same file on Windows or macOS (differing only in case or Unicode form).
    """
    require_folder(root)
    files: list[EvidenceFile] = []
    skipped: list[BundleWarning] = []
    devices: dict[int, int] = {}  # one number object per device, not one per file
    pending = [("", root)]
    while pending:
        prefix, folder = pending.pop()
        where = os.fspath(folder)
        try:
            with os.scandir(folder) as entries:
                listing = sorted(itertools.islice(entries, MAX_FILES + 1), key=lambda e: e.name)
        except OSError as error:
            raise BundleError(
                _("cannot read the folder {path}: {reason}").format(
                    path=folder, reason=os_reason(error)
                )
            ) from error
        if len(listing) > MAX_FILES or len(skipped) > MAX_FILES:
            raise _too_many(root)
        if not listing:  # a zip keeps no folders: say where nothing came from
            skipped.append(BundleWarning("empty", prefix))
        for entry in listing:
            if not prefix and entry.name == EVIDENCE_NOTE:  # `init`'s note, not evidence
                continue
            rel = prefix + entry.name
            _check_name(rel, entry.path)
            if not rel.isascii():
                rel = unicodedata.normalize("NFC", rel)
            lowered = entry.name.lower()
            try:
                if entry.is_symlink():
                    skipped.append(BundleWarning("symlink", rel))
                elif entry.is_dir(follow_symlinks=False):
                    if lowered in SYSTEM_DIRS:
                        skipped.append(BundleWarning("system", rel + "/"))
                    else:
                        pending.append((rel + "/", Path(entry.path)))
                elif not entry.is_file(follow_symlinks=False):
                    skipped.append(BundleWarning("special", rel))
                elif lowered in SYSTEM_FILES or entry.name.startswith("._"):
                    skipped.append(BundleWarning("system", rel))
                elif placeholder(st := entry.stat(follow_symlinks=False), entry.path):
                    skipped.append(BundleWarning("placeholder", rel))
                elif len(files) == MAX_FILES:
                    raise _too_many(root)
                else:
                    device = devices.setdefault(st.st_dev, st.st_dev)
                    # The DirEntry goes with the listing; keep its path only if it cannot be
                    # told again from the folder and the name.
                    spelled: str | None = entry.path
                    if os.path.join(where, rel.rpartition("/")[2]) == spelled:
                        spelled = None
                    files.append(
                        EvidenceFile(
                            rel, st.st_size, st.st_mtime_ns, device, st.st_ino, where, spelled
                        )
                    )
            except OSError as error:
                raise BundleError(
                    _("cannot read {path}: {reason}").format(
                        path=Path(entry.path), reason=os_reason(error)
                    )
                ) from error
    refuse_collisions([f.path for f in files], root)
    files.sort(key=lambda f: sort_key(f.path))
    skipped.sort(key=lambda w: sort_key(w.path))
    return Evidence(root, tuple(files), tuple(skipped))


def _too_many(root: Path) -> BundleError:
    return BundleError(
        _(
            "{path} holds more than {limit} files, and a bundle holds at most {limit} — choose "
            "a folder with only this case's evidence, and run the command again"
        ).format(path=root, limit=f"{MAX_FILES:,}")
    )


def placeholder(st: os.stat_result, path: str | Path) -> bool:
    """Return True for a file whose content is not on this computer: a cloud placeholder."""
    if getattr(st, "st_file_attributes", 0) & _OFFLINE_ATTRIBUTES:
        return True
    if getattr(st, "st_flags", 0) & _SF_DATALESS:
        return True
    # Elsewhere (and for cloud drives that set neither): a size, but no block stored...
    if st.st_size <= _INLINE_BYTES or getattr(st, "st_blocks", 1) != 0:
        return False
    # ...and no data anywhere in it, where the system can say (some file systems report
    # no blocks for files that have data).
    seek_data = getattr(os, "SEEK_DATA", None)
    if seek_data is None:
        return True
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | os.O_NONBLOCK)
    except OSError:
        return True
    try:
        os.lseek(fd, 0, seek_data)  # ENXIO: no data at all; anything else: trust the blocks
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def _check_name(rel: str, source: str) -> None:
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        raise BundleError(
            _("{path}: the name is not valid UTF-8 — rename it and run the command again").format(
                path=printable(os.fsencode(source).decode("utf-8", "backslashreplace"))
            )
        ) from None
    if "\\" in rel:
        # Windows tools read a backslash in a zip name as a folder separator.
        raise BundleError(
            _("{path}: the name contains a backslash — rename it and run the command again").format(
                path=printable(str(Path(source)))
            )
        )


def refuse_collisions(paths: Iterable[str], root: Path | None) -> None:
    """Refuse two names that would be one file on Windows or macOS (case or Unicode form)."""
    # Bags may hold both "A.png" and "a.png", but unzipped on Windows or macOS one would
    # overwrite the other, and the bag would no longer verify there.
    seen: dict[str, str] = {}
    for path in paths:
        key = path.lower()
        if key in seen:
            first, second = (root / seen[key], root / path) if root else (seen[key], path)
            raise BundleError(
                _(
                    "{first} and {second} differ only in letter case or Unicode form, so a zip "
                    "cannot hold both on Windows or macOS — rename one and run the command again"
                ).format(first=first, second=second)
            )
        seen[key] = path
