"""Write outputs all or nothing: complete at their final path, or not there at all.

Files are first written beside their target as temporary files, flushed to disk, and only
then renamed into place, together. If a rename fails, the files already replaced get their
previous content back. A file that is replaced keeps its permissions, and a symbolic link
keeps pointing where it did.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from letters.errors import LettersError, OutputExistsError
from letters.i18n import _


def _read_umask() -> int:
    # Read once, at import, while nothing else runs: setting it is the only way to read it.
    mask = os.umask(0)
    os.umask(mask)
    return mask


_NEW_FILE_MODE = 0o666 & ~_read_umask()


def refuse_existing(paths: list[Path], force: bool) -> None:
    """Raise OutputExistsError if any path exists and force is off."""
    if force:
        return
    existing = [p for p in paths if p.exists() or p.is_symlink()]
    if existing:
        raise OutputExistsError(
            _("{path} already exists — use --force to replace it, or write elsewhere").format(
                path=existing[0]
            ),
            [str(p) for p in existing[1:]],
        )


def _target(path: Path) -> Path:
    """Return the file a write to `path` really replaces (through a symbolic link)."""
    target = path.resolve() if path.is_symlink() else path
    if target.exists() and not target.is_file():
        raise LettersError(_("cannot write {path}: it is not a file").format(path=path))
    return target


def _temporary(target: Path) -> tuple[int, Path]:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    return fd, Path(name)


def _finish(handle: BinaryIO, temporary: Path, target: Path) -> None:
    """Flush a temporary file to disk and give it the mode the target has or would get."""
    handle.flush()
    os.fsync(handle.fileno())
    mode = target.stat().st_mode & 0o7777 if target.exists() else _NEW_FILE_MODE
    os.chmod(temporary, mode)


def _cannot_write(error: OSError, path: Path) -> LettersError:
    return LettersError(
        _("cannot write {path}: {reason}").format(path=path, reason=error.strerror or error)
    )


@contextlib.contextmanager
def atomic_file(path: Path, force: bool = False) -> Iterator[BinaryIO]:
    """Yield a temporary file beside `path` that becomes `path` only if the block succeeds."""
    refuse_existing([path], force)
    target = _target(path)
    fd, temporary = _temporary(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            _finish(handle, temporary, target)
        refuse_existing([path], force)  # it may have appeared while we worked
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def stage(files: Mapping[Path, bytes]) -> dict[Path, Path]:
    """Write each file's bytes to a temporary file beside it; return target → temporary."""
    staged: dict[Path, Path] = {}
    try:
        for path, data in files.items():
            target = _target(path)
            try:
                fd, temporary = _temporary(target)
                staged[path] = temporary
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    _finish(handle, temporary, target)
            except OSError as error:
                raise _cannot_write(error, path) from error
    except BaseException:
        discard(staged)
        raise
    return staged


def discard(staged: Mapping[Path, Path]) -> None:
    """Remove staged temporary files."""
    for temporary in staged.values():
        temporary.unlink(missing_ok=True)


def commit(staged: Mapping[Path, Path], force: bool = False) -> list[Path]:
    """Move staged files into place together; on failure, put back what was there before."""
    try:
        refuse_existing(list(staged), force)
        targets = {path: _target(path) for path in staged}
    except BaseException:
        discard(staged)
        raise
    backups: dict[Path, Path] = {}
    placed: list[Path] = []
    try:
        for path, temporary in staged.items():
            target = targets[path]
            try:
                if target.exists():
                    backup = target.with_name(f".{target.name}.{os.getpid()}.previous")
                    os.replace(target, backup)
                    backups[target] = backup
                os.replace(temporary, target)
            except OSError as error:
                raise _cannot_write(error, path) from error
            placed.append(target)
    except BaseException:
        for target in placed:
            target.unlink(missing_ok=True)
        for target, backup in backups.items():
            os.replace(backup, target)
        discard(staged)
        raise
    for backup in backups.values():
        backup.unlink(missing_ok=True)
    return list(staged)


def write_outputs(files: Mapping[Path, bytes], force: bool = False) -> list[Path]:
    """Write every file or none; existing files are replaced only with force."""
    refuse_existing(list(files), force)
    return commit(stage(files), force)
