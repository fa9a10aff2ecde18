"""Write outputs all or nothing: complete at their final path, or not there at all.

Files are first written beside their target as temporary files, flushed to disk, and only
then renamed into place, together. If anything fails or the run is interrupted, the
temporary files and the folders made to hold them are removed, and the files already
replaced get their previous content back. A symbolic link keeps pointing where it did. A
program that stops while other threads still write (the browser app) removes their temporary
files with `remove_unfinished`: those threads' own cleanup never runs.

What the tool writes holds personal data, so files are readable by the user only (0600) and
the folders it makes are too (0700), whatever the umask. A file that is replaced keeps its
mode when that is no looser; otherwise it loses the permissions of the group and others.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from letters.errors import InputError, LettersError, OutputExistsError
from letters.i18n import _, os_reason

FILE_MODE = 0o600
FOLDER_MODE = 0o700
_UNFINISHED: set[Path] = set()  # the temporary files being written, by any thread
_UNFINISHED_LOCK = threading.Lock()
_STOPPED = threading.Event()  # set by `remove_unfinished`: no temporary file is made after it


class Staged(dict[Path, Path]):
    """Files written beside their targets (target → temporary), and the folders made for them."""

    def __init__(self) -> None:
        super().__init__()
        self.folders: list[Path] = []


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
            existing,
        )


def refuse_inside(path: Path, folder: Path) -> None:
    """Raise InputError if `path` is, or would be, inside `folder`.

    Links are resolved, and each existing folder on the way is compared with `folder` as a
    file, so that a name in other letter case (on macOS, Windows) or a bind mount is caught.
    """
    resolved = path.resolve()
    inside = resolved.is_relative_to(folder.resolve())
    with contextlib.suppress(OSError):
        root = os.stat(folder)
        for candidate in (resolved, *resolved.parents):
            with contextlib.suppress(OSError):
                found = os.stat(candidate)
                inside |= (found.st_dev, found.st_ino) == (root.st_dev, root.st_ino)
    if inside:
        raise InputError(
            _(
                "{path} is inside the evidence folder {folder}, which is never written to "
                "— choose another place with -o"
            ).format(path=path, folder=folder)
        )


def _target(path: Path) -> Path:
    """Return the file a write to `path` really replaces (through a symbolic link)."""
    target = path.resolve() if path.is_symlink() else path
    if target.exists() and not target.is_file():
        raise LettersError(_("cannot write {path}: it is not a file").format(path=path))
    return target


def make_folder(folder: Path, made: list[Path]) -> None:
    """Create `folder` and its missing parents (0700), appending each one made to `made`."""
    missing: list[Path] = []
    current = folder
    while not current.is_dir() and not current.is_symlink() and not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        # Recorded first, so that an interruption just after mkdir still removes it (and
        # removing a folder that was never made is harmless).
        made.append(path)
        try:
            path.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            made.pop()  # made meanwhile by someone else: not ours to remove
            if not path.is_dir():
                raise
            continue
        os.chmod(path, FOLDER_MODE)  # mkdir's mode went through the umask


def remove_folders(made: list[Path]) -> None:
    """Remove the folders `make_folder` made, innermost first, if they are empty."""
    for folder in reversed(made):
        with contextlib.suppress(OSError):
            folder.rmdir()  # fails unless empty: never removes anything but our own folder
    made.clear()


def _temporary(target: Path, made: list[Path], temporaries: list[Path]) -> int:
    """Create a temporary file beside `target` and return its descriptor.

    Its name goes into `temporaries` before the file exists, so that whatever interrupts the
    run from then on, the cleanup knows what to remove.
    """
    make_folder(target.parent, made)
    while True:
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
        temporaries.append(temporary)
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            fd = os.open(temporary, flags, FILE_MODE)
        except FileExistsError:
            temporaries.pop()  # someone else's: try another name
            continue
        with _UNFINISHED_LOCK:
            if _STOPPED.is_set():  # the program is stopping: start nothing new
                os.close(fd)
                os.unlink(temporary)
                raise KeyboardInterrupt
            _UNFINISHED.add(temporary)
        return fd


def _placed(temporary: Path, target: Path, replace: bool) -> None:
    """Move a finished temporary file into place; unless it may `replace` a file there, fail
    with FileExistsError if one appeared since it was checked (a hard link is made or not)."""
    if replace:
        os.replace(temporary, target)
    else:
        try:
            os.link(temporary, target)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links (FAT): the check just made must do
            os.replace(temporary, target)
        else:
            os.unlink(temporary)
    with _UNFINISHED_LOCK:
        _UNFINISHED.discard(temporary)


def remove_unfinished() -> None:
    """Remove every temporary file still being written, by whatever thread, and make no more:
    for a program stopping with work left in threads that will not finish it."""
    with _UNFINISHED_LOCK:
        _STOPPED.set()
        unfinished = list(_UNFINISHED)
    _unlink(unfinished)


def _mode(target: Path) -> int:
    """Return the mode for a file written at `target`: 0600, or its own mode if no looser."""
    if target.exists():
        return target.stat().st_mode & FILE_MODE
    return FILE_MODE


def _finish(handle: BinaryIO, temporary: Path, target: Path) -> None:
    """Flush a temporary file to disk and give it its mode."""
    handle.flush()
    os.fsync(handle.fileno())
    os.chmod(temporary, _mode(target))


def _cannot_write(error: OSError, path: Path) -> LettersError:
    return LettersError(
        _("cannot write {path}: {reason}").format(path=path, reason=os_reason(error))
    )


def _unlink(paths: list[Path]) -> None:
    for path in paths:
        if path.is_dir() and not path.is_symlink():  # a `scratch_folder`
            shutil.rmtree(path, ignore_errors=True)
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
        with _UNFINISHED_LOCK:
            _UNFINISHED.discard(path)
    paths.clear()


@contextlib.contextmanager
def scratch_folder(prefix: str) -> Iterator[Path]:
    """Yield a new private folder for files needed only meanwhile (an upload to check); it is
    removed afterwards, or by `remove_unfinished` when the program stops first."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))  # 0700: the user's alone
    with _UNFINISHED_LOCK:
        _UNFINISHED.add(folder)
    try:
        yield folder
    finally:
        _unlink([folder])


@contextlib.contextmanager
def atomic_file(path: Path, force: bool = False, keep_same: bool = False) -> Iterator[BinaryIO]:
    """Yield a temporary file beside `path` that becomes `path` only if the block succeeds.

    With `keep_same`, an existing `path` is refused only once the block is done, if it does
    not already hold what the block wrote: then it is left as it is.
    """
    if not keep_same:
        refuse_existing([path], force)
    target = _target(path)
    made: list[Path] = []
    temporaries: list[Path] = []
    try:
        fd = _temporary(target, made, temporaries)
        with os.fdopen(fd, "wb") as handle:
            yield handle
            _finish(handle, temporaries[0], target)
        if keep_same and not force and holds(path, temporaries[0]):
            _unlink(temporaries)
            temporaries.clear()
            return
        refuse_existing([path], force)  # it may have appeared while we worked
        try:
            _placed(temporaries[0], target, replace=force)
        except FileExistsError:
            refuse_existing([path], force)  # it appeared in that very moment: say so
            raise
        temporaries.clear()
    except BaseException:
        _unlink(temporaries)
        remove_folders(made)
        raise


def stage(files: Mapping[Path, bytes]) -> Staged:
    """Write each file's bytes to a temporary file beside it; return target → temporary."""
    staged = Staged()
    try:
        for path, data in files.items():
            _stage(staged, path, data)
    except BaseException:
        discard(staged)
        raise
    return staged


def _stage(staged: Staged, path: Path, data: bytes | None) -> None:
    """Add a temporary file beside `path` to `staged`, holding `data` (None: left empty)."""
    target = _target(path)
    temporaries: list[Path] = []
    try:
        fd = _temporary(target, staged.folders, temporaries)
        staged[path] = temporaries.pop()
        with os.fdopen(fd, "wb") as handle:
            if data is not None:
                handle.write(data)
                _finish(handle, staged[path], target)
    except OSError as error:
        raise _cannot_write(error, path) from error
    finally:
        _unlink(temporaries)  # made, but interrupted before it was recorded in `staged`


class Transaction:
    """Files that appear together, complete, or not at all.

    Stage bytes with `add`, or take a temporary file for a writer to fill with `file`; then
    `commit` moves them all into place, putting back what was there if any move fails. A
    transaction left without a commit, by an error, Ctrl-C or a termination signal, removes
    everything it staged and the folders it made::

        with Transaction(force) as outputs:
            outputs.add(letter, data)
            build(outputs.file(bundle))
            written = outputs.commit()
    """

    def __init__(self, force: bool = False) -> None:
        self.force = force
        self.staged = Staged()
        self.filled: set[Path] = set()  # staged by `file`: a writer filled them
        self.same: set[Path] = set()  # filled with what they already held: left as they were
        self.committed = False

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, *_exc: object) -> None:
        if not self.committed:
            discard(self.staged)

    def add(self, path: Path, data: bytes) -> None:
        """Stage `data` to appear at `path`; refuse an existing file unless forced."""
        self._new(path)
        _stage(self.staged, path, data)

    def file(self, path: Path) -> Path:
        """Return an empty temporary file beside `path` that a writer fills, or replaces.

        It becomes `path` at the commit, readable by the user only (or as strictly as the file
        it replaces was). An existing `path` that already holds, byte for byte, what the writer
        wrote is left as it is; one that does not is refused at the commit, unless forced.
        """
        self._new(path, refuse=False)
        _stage(self.staged, path, None)
        self.filled.add(path)
        return self.staged[path]

    def commit(self) -> list[Path]:
        """Move every staged file into place together; return their paths (those left as they
        were, already holding what was written, among them)."""
        for path in [p for p in self.filled if not self.force and holds(p, self.staged[p])]:
            _unlink([self.staged.pop(path)])
            self.filled.discard(path)
            self.same.add(path)
        try:
            for path in self.filled:
                temporary = self.staged[path]
                with open(temporary, "rb+") as handle:  # what the writer wrote, on the disk
                    os.fsync(handle.fileno())
                os.chmod(temporary, _mode(_target(path)))
        except OSError as error:
            discard(self.staged)
            raise _cannot_write(error, path) from error
        written = commit(self.staged, self.force)
        self.committed = True
        return [*written, *self.same]

    def _new(self, path: Path, refuse: bool = True) -> None:
        if self.committed or path in self.staged:
            raise ValueError(f"{path}: staged twice, or after the commit")
        if refuse:
            refuse_existing([path], self.force)


def discard(staged: Mapping[Path, Path]) -> None:
    """Remove staged temporary files, and the folders made for them."""
    _unlink(list(staged.values()))
    if isinstance(staged, Staged):
        remove_folders(staged.folders)


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
                    backups[target] = backup
                    os.replace(target, backup)
                placed.append(target)
                _placed(temporary, target, replace=True)  # what was there is set aside
            except OSError as error:
                raise _cannot_write(error, path) from error
    except BaseException:
        for target in placed:
            target.unlink(missing_ok=True)
        for target, backup in backups.items():
            if backup.exists():  # it is not there if moving the target aside failed
                os.replace(backup, target)
        discard(staged)
        raise
    for backup in backups.values():
        backup.unlink(missing_ok=True)
    return list(staged)


def holds(path: Path, written: Path) -> bool:
    """Return whether `path` is a file (not a link) holding, byte for byte, what `written` holds."""
    import filecmp

    try:
        return path.is_file() and not path.is_symlink() and filecmp.cmp(path, written, False)
    except OSError:  # not readable: as good as changed
        return False


def unchanged(files: Mapping[Path, bytes]) -> set[Path]:
    """Return the paths that already hold, byte for byte, what would be written to them: the
    same letter written again is no change to ask about."""
    same = set()
    for path, data in files.items():
        try:
            if (
                path.is_file()
                and not path.is_symlink()
                and path.stat().st_size == len(data)
                and path.read_bytes() == data
            ):
                same.add(path)
        except OSError:  # not readable: as good as changed
            continue
    return same


def write_outputs(files: Mapping[Path, bytes], force: bool = False) -> list[Path]:
    """Write every file or none; existing files are replaced only with force, unless they
    already hold what would be written."""
    same = set() if force else unchanged(files)
    refuse_existing([path for path in files if path not in same], force)
    with Transaction(force) as outputs:
        for path, data in files.items():
            if path not in same:
                outputs.add(path, data)
        written = set(outputs.commit()) | same
    return [path for path in files if path in written]
