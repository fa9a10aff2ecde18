"""Write outputs all or nothing: complete at their final path, or not there at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from letters.errors import LettersError, OutputExistsError
from letters.i18n import _


def refuse_existing(paths: list[Path], force: bool) -> None:
    """Raise OutputExistsError if any path exists and force is off."""
    if force:
        return
    existing = [p for p in paths if p.exists() or p.is_symlink()]
    if existing:
        raise OutputExistsError(
            _("{path} already exists — use --force to replace it, or -o to write elsewhere").format(
                path=existing[0]
            ),
            [str(p) for p in existing[1:]],
        )


@contextlib.contextmanager
def atomic_file(path: Path, force: bool = False) -> Iterator[BinaryIO]:
    """Yield a temporary file beside `path` that becomes `path` only if the block succeeds."""
    refuse_existing([path], force)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        if not force:
            refuse_existing([path], force)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_outputs(files: Mapping[Path, bytes], force: bool = False) -> list[Path]:
    """Write every file or none; existing files are replaced only with force."""
    paths = list(files)
    refuse_existing(paths, force)
    staged: list[tuple[str, Path]] = []
    try:
        try:
            for path, data in files.items():
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
                staged.append((tmp, path))
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.chmod(tmp, 0o666 & ~_umask())
        except OSError as error:
            raise LettersError(
                _("cannot write {path}: {reason}").format(
                    path=error.filename or path, reason=error.strerror or error
                )
            ) from error
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _path in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    return paths


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
