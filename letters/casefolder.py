"""The case folder: `case.toml`, `evidence/` and `documents/` together in one place.

`letters init NAME` makes one; every command that takes a case accepts either the folder or
the case file itself (the older form, with the evidence folder given separately). `locate` is
the one place that works out where a case's file, evidence and documents are.
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
DOCUMENTS = "documents"
EVIDENCE_NOTE = "README-letters.txt"
"""The note `init` leaves in the evidence folder; bundles leave it out."""

_NOTES = {
    "en": "Save here everything that shows what happened, as you get it:\n"
    "- confirmation emails (save them as .eml or PDF) and chat transcripts;\n"
    "- screenshots of the account page, the balance and any error message;\n"
    "- bills and card statements with the charges marked;\n"
    "- Certified Mail receipts (PS Form 3800) and the return receipt (PS Form 3811);\n"
    "- the letters you sent.\n"
    "Never save a password, PIN or one-time code here.\n"
    "Name each file so you can find it again, like 2026-11-20-chat.png, and record it with\n"
    "  {command}\n",
    "zh-CN": "请把能证明经过的材料都保存在这个文件夹里，收到就存：\n"
    "- 确认邮件（另存为 .eml 或 PDF）和在线客服聊天记录；\n"
    "- 账户页面、余额和错误提示的截图；\n"
    "- 账单和信用卡对账单（标出有问题的扣款）；\n"
    "- 挂号信收据（PS Form 3800）和回执（PS Form 3811）；\n"
    "- 您寄出的信件。\n"
    "不要在这里保存任何密码、PIN 码或验证码。\n"
    "文件名要好找，例如 2026-11-20-chat.png，并在案例文件夹的上一层用下面的命令记进时间线：\n"
    "  {command}\n",
    "zh-TW": "請把能證明經過的資料都儲存在這個資料夾裡，收到就存：\n"
    "- 確認郵件（另存為 .eml 或 PDF）和線上客服對話紀錄；\n"
    "- 帳戶頁面、餘額和錯誤訊息的螢幕截圖；\n"
    "- 帳單和信用卡對帳單（標出有問題的扣款）；\n"
    "- 掛號信收據（PS Form 3800）和回執（PS Form 3811）；\n"
    "- 您寄出的信件。\n"
    "請勿在這裡儲存任何密碼、PIN 碼或驗證碼。\n"
    "檔名要好找，例如 2026-11-20-chat.png，並在案件資料夾的上一層用下面的指令記入時間軸：\n"
    "  {command}\n",
}  # fmt: skip


@dataclass(frozen=True)
class CaseLocation:
    """Where a case keeps its file, its evidence and its documents."""

    case_file: Path
    evidence_dir: Path
    """The case folder's `evidence/`; for a lone case file, `evidence` beside it."""
    documents_dir: Path | None
    """The case folder's `documents/`; None for a lone case file (commands keep their own)."""
    folder: Path | None = None
    """The case folder, or None when the case is a lone file."""

    @property
    def shown(self) -> Path:
        """Return what the user names the case by: the folder, or the file."""
        return self.folder or self.case_file

    @property
    def evidence_default(self) -> Path | None:
        """Return the evidence folder to use when none is given: the case folder's own."""
        return self.evidence_dir if self.folder else None


def _folder(folder: Path) -> CaseLocation:
    return CaseLocation(folder / CASE_FILE, folder / EVIDENCE, folder / DOCUMENTS, folder)


def locate(path: Path) -> CaseLocation:
    """Work out a case's file, evidence folder and documents folder from a folder or a file."""
    if path.is_dir():
        location = _folder(path)
        if location.case_file.is_file():
            return location
        if (folder := enclosing(path)) is not None:
            message = _(
                "{path} is a folder inside the case folder {folder} — name the case folder itself"
            ).format(path=path, folder=folder)
            raise InputError(message, fields={"path": message})
        raise InputError(
            _("{path}: this folder has no {name} — make a case folder with: {command}").format(
                path=path, name=CASE_FILE, command=_init_command(path)
            ),
            fields={  # in the browser app, the form that starts a case does what init does
                "path": _("{path}: this folder has no {name} — start a new case").format(
                    path=path, name=CASE_FILE
                )
            },
        )
    return of_case_file(path)


def enclosing(path: Path) -> Path | None:
    """Return the case folder `path` lies inside (its evidence or documents folder, or any
    folder in them), as named from `path`; None when it lies in none."""
    for folder in path.parents:
        if (folder / CASE_FILE).is_file() and (folder / EVIDENCE).is_dir():
            return folder
    return None


def of_case_file(case_file: Path) -> CaseLocation:
    """Return the location of a case file: its folder's, if it is a case folder's case.toml
    (named so, beside an `evidence/` folder)."""
    parent = case_file.parent
    if case_file.name == CASE_FILE and (parent / EVIDENCE).is_dir():
        return _folder(parent)
    return CaseLocation(case_file, parent / EVIDENCE, None)


def planned(name: Path) -> CaseLocation:
    """Return where `letters init NAME` puts a case: a folder, or a lone `.toml` file."""
    if name.suffix.lower() == ".toml":
        return CaseLocation(name, name.parent / EVIDENCE, None)
    return _folder(name)


def finish(location: CaseLocation, language: str) -> list[Path]:
    """Add the evidence folder, with its note, and the documents folder to a new case folder."""
    if location.folder is None or location.documents_dir is None:
        return []
    from letters.output import make_folder, write_outputs
    from letters.shell import command

    made = []
    make_folder(location.evidence_dir, [])  # readable by the user only, like every output
    note = location.evidence_dir / EVIDENCE_NOTE
    if not note.exists():
        example = command(
            "log", location.folder.name, "add", "--channel", "chat", "--summary", "…",
            "--evidence", "2026-11-20-chat.png",
        )  # fmt: skip
        text = _NOTES[language].format(command=example)
        made += write_outputs({note: text.encode("utf-8")})
    make_folder(location.documents_dir, [])
    return [location.evidence_dir, *made, location.documents_dir]


def _init_command(path: Path) -> str:
    from letters.shell import command

    return command("init", path)


def case_name(location: CaseLocation) -> str:
    """Return a short name for a case: its folder's name, or its file's stem."""
    if location.folder is not None:
        return location.folder.resolve().name
    return location.case_file.stem


def holds_case(path: Path) -> bool:
    """Return True if `path` names a case: a case file, or a folder holding its case file."""
    return path.is_file() or (path / CASE_FILE).is_file()


def folder_of(path: Path) -> CaseLocation | None:
    """Return the case whose folder holds `path` (a draft, a document), if there is one."""
    for folder in (path.parent, path.parent.parent):
        if (folder / CASE_FILE).is_file():
            return locate(folder)
    return None


SKIP_DIRS = {".git", "node_modules", "__pycache__", EVIDENCE, DOCUMENTS}
"""Folders a search for cases never enters: they hold no case of their own."""


def find_cases(paths: Iterable[Path]) -> Iterator[Path]:
    """Yield every case under `paths` once: case folders, and TOML files with an [account]
    table.

    A path given by name is always yielded (so a wrong one is reported, not skipped); inside
    a folder, only what looks like a case is, in a stable order.
    """
    found = (
        [path] if not path.is_dir() or (path / CASE_FILE).is_file() else _search(path)
        for path in paths
    )
    yield from distinct(case for cases in found for case in cases)


def distinct(paths: Iterable[Path]) -> list[Path]:
    """Return the paths, less those naming a case named before (`li-hua`, `li-hua/case.toml`,
    `./li-hua/`): a case given twice is done once."""
    seen: set[Path] = set()
    kept = []
    for path in paths:
        key = (path / CASE_FILE if path.is_dir() else path).resolve()
        if key not in seen:
            seen.add(key)
            kept.append(path)
    return kept


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
