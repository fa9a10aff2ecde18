"""Where a case lives: a case folder (case.toml, evidence/) or a case file on its own.

Every command that takes a case takes either. A case file on its own keeps its evidence in
`evidence/` beside it, as a case folder does, unless the command is told another folder.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from letters.errors import InputError
from letters.i18n import _

CASE_FILE = "case.toml"
EVIDENCE = "evidence"
SKIP_DIRS = {".git", "node_modules", "__pycache__", EVIDENCE}
"""Folders a search for cases never enters: they hold no case of their own."""


@dataclass(frozen=True)
class CaseLocation:
    """A case's file and its evidence folder."""

    case_file: Path
    evidence_dir: Path

    @property
    def name(self) -> str:
        """Return a short name for the case: its folder's name, or the file's stem."""
        if self.case_file.name == CASE_FILE:
            return self.case_file.parent.resolve().name
        return self.case_file.stem


def locate(path: Path) -> CaseLocation:
    """Return the case file and evidence folder of a case folder or a case file."""
    if path.is_dir():
        case_file = path / CASE_FILE
        if not case_file.is_file():
            raise InputError(
                _("{path}: this folder has no {name} — is it a case folder?").format(
                    path=path, name=CASE_FILE
                )
            )
        return CaseLocation(case_file, path / EVIDENCE)
    return CaseLocation(path, path.parent / EVIDENCE)


def folder_of(path: Path) -> CaseLocation | None:
    """Return the case whose folder holds `path` (a draft, an output), if there is one."""
    for folder in (path.parent, path.parent.parent):
        if (folder / CASE_FILE).is_file():
            return locate(folder)
    return None


def find_cases(paths: Iterable[Path]) -> Iterator[Path]:
    """Yield every case under `paths`: case folders, and TOML files with an [account] table.

    A path given by name is always yielded (so a wrong one is reported, not skipped); inside
    a folder, only what looks like a case is, in a stable order.
    """
    for path in paths:
        if not path.is_dir() or (path / CASE_FILE).is_file():
            yield path
            continue
        yield from _search(path)


def _search(folder: Path) -> Iterator[Path]:
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.is_symlink():  # a link could lead in circles or out of the tree
            continue
        if entry.is_dir() and entry.name not in SKIP_DIRS and not entry.name.startswith("."):
            if (entry / CASE_FILE).is_file():
                yield entry
            else:
                yield from _search(entry)
        elif entry.suffix == ".toml" and entry.is_file() and _looks_like_case(entry):
            yield entry


def _looks_like_case(path: Path) -> bool:
    """Tell a case file from other TOML (pyproject.toml, …): it has an [account] table."""
    try:
        with path.open("rb") as handle:
            return isinstance(tomllib.load(handle).get("account"), dict)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return path.name == CASE_FILE or path.stem.startswith("case")
