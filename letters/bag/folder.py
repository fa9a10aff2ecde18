"""Read a bag that is a folder, as bagit-python and most tools leave it, without changing it.

Links are never followed (a link inside a bag is reported, not read), pipes and devices are
never opened, and every file is opened read-only: verifying writes nothing in the folder, not
even access times where the system allows that.
"""

from __future__ import annotations

import io
import itertools
import os
import stat
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from letters.bag.findings import (
    Collected,
    CorruptEntry,
    NotABagFolder,
    SameNameTwice,
    SpecialFile,
    SymlinkEntry,
    UnsafePath,
)
from letters.bag.hashing import Job, Packer, Pipeline
from letters.bag.members import Member, too_many_files
from letters.bag.paths import MAX_ENTRIES, made_by_a_system
from letters.bag.zipped import TAG_LIMIT

_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
)


class FolderMember(Member):
    """A bag file in the folder, as it was when the folder was listed."""

    __slots__ = ("device", "inode", "source")

    def __init__(
        self, path: str, size: int, order: int, source: str, device: int, inode: int
    ) -> None:
        super().__init__(path, size, order)
        self.source = source  # where it is: a string, lighter than a Path for many files
        self.device = device
        self.inode = inode


class FolderSource:
    """The files under one bag folder, listed without following links, then read one by one."""

    gathers_system_files = True

    def __init__(
        self,
        root: Path,
        found: Collected,
        progress: Callable[[int], None] | None,
        pipeline: Pipeline,
    ) -> None:
        self.root = root
        self.found = found
        self.progress = progress
        self.pipeline = pipeline
        self.packer = Packer(pipeline)

    def open(self) -> tuple[str, dict[str, Member]] | None:
        """List the bag's files; return the bag's name and its files, or None if it is no bag."""
        if not (self.root / "bagit.txt").is_file():
            inner = _only_folder(self.root)
            if inner is None or not (inner / "bagit.txt").is_file():
                self.found.error(NotABagFolder(str(self.root)))
                return None
            self.root = inner  # unpacked into a folder of its own name, as Windows does
        members: dict[str, Member] = {}
        names: Counter[str] = Counter()
        pending = [("", self.root)]
        while pending:
            prefix, folder = pending.pop()
            try:
                with os.scandir(folder) as listing:
                    entries = sorted(
                        itertools.islice(listing, MAX_ENTRIES + 1), key=lambda e: e.name
                    )
            except OSError:
                self.found.error(CorruptEntry(prefix or ".", "unreadable"))
                continue
            if len(entries) > MAX_ENTRIES:
                raise too_many_files(self.root)
            for entry in entries:
                rel = prefix + entry.name
                if "\\" in entry.name:
                    self.found.error(UnsafePath(rel, "backslash"))
                    continue
                if entry.is_symlink():
                    self.found.error(SymlinkEntry(rel))
                elif entry.is_dir(follow_symlinks=False):
                    pending.append((rel + "/", Path(entry.path)))
                elif not entry.is_file(follow_symlinks=False):
                    self.found.error(SpecialFile(rel))
                else:
                    st = entry.stat(follow_symlinks=False)
                    key = unicodedata.normalize("NFC", rel)
                    names[key] += 1
                    if len(names) > MAX_ENTRIES:
                        raise too_many_files(self.root)
                    members.setdefault(
                        key,
                        FolderMember(
                            key, st.st_size, len(members), source=entry.path,
                            device=st.st_dev, inode=st.st_ino,
                        ),
                    )  # fmt: skip
        for name, count in sorted(names.items()):
            if count > 1:
                self.found.error(SameNameTwice(name, count))
        return self.root.resolve().name, members

    def as_written_by_letters(self, day: tuple[int, int, int]) -> None:
        """Do nothing: a folder keeps none of the zip details letters fixes."""

    def read_all(self, reads: Iterable[tuple[Member, Sequence[str], bool]]) -> None:
        """Stream each file once through its digests, packing small files into large buffers."""
        try:
            for member, algorithms, keep in reads:
                self._read(member, algorithms, keep)
        finally:
            self.packer.release()
        self.pipeline.wait()

    def _read(self, member: Member, algorithms: Sequence[str], keep: bool) -> None:
        """Read one file, refusing one changed since listing."""
        assert isinstance(member, FolderMember)

        def done(job: Job) -> None:
            member.hashed(job, algorithms)

        job = self.pipeline.job(algorithms, member.size, done, keep=TAG_LIMIT if keep else None)
        try:
            try:
                fd = os.open(member.source, _READ_FLAGS | getattr(os, "O_NOATIME", 0))
            except PermissionError:
                fd = os.open(member.source, _READ_FLAGS)
            with io.FileIO(fd, "rb") as handle:
                st = os.fstat(fd)
                if not stat.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino) != (
                    member.device,
                    member.inode,
                ):
                    raise OSError("changed")
                total = 0
                while True:
                    buffer, data = self.packer.read(handle, st.st_size - total)
                    if not data:
                        break
                    total += len(data)
                    job.feed(buffer, data)
                    if self.progress is not None:
                        self.progress(len(data))
        except OSError:
            self.found.error(CorruptEntry(member.path, "unreadable"))
            member.readable = False
            job.abandon()
            return
        member.size = total
        job.close()


def _only_folder(root: Path) -> Path | None:
    """Return the one folder in `root`, the files systems drop aside, if that is all it holds."""
    try:
        with os.scandir(root) as listing:
            entries = [e for e in itertools.islice(listing, 64) if not made_by_a_system(e.name)]
    except OSError:
        return None
    if len(entries) == 1 and entries[0].is_dir(follow_symlinks=False):
        return Path(entries[0].path)
    return None
