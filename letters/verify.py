"""Verify evidence bundles — a zip or a bag folder — and report every problem found.

A bundle is VALID only when its container is clean (for a zip: one archive with nothing hidden
or encrypted, no links, no unsafe or duplicate names, everything inside one bag folder; for a
folder: no links, pipes or devices), bagit.txt is well-formed, every file every manifest lists
is present and matches every checksum, every payload file is listed in every payload manifest,
fetch.txt names only payload files that are there, and Payload-Oxum (when present) is right.
Bags from other tools are read in every BagIt version from 0.93 to 1.0, with any of md5, sha1,
sha224, sha256, sha384 and sha512, with or without tag manifests; what RFC 8493 allows but
deserves a remark makes them "VALID, with warnings", and the report says what could not be
checked. Nothing is extracted, fetched or written. See `letters.bag` for the parts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from letters import i18n
from letters.bag import findings as _findings
from letters.bag.checks import SUPPORTED_ALGORITHMS, BagChecker, BagFacts
from letters.bag.findings import *  # noqa: F403 (the finding classes are part of this API)
from letters.bag.findings import Collected, Finding
from letters.bag.folder import FolderSource
from letters.bag.hashing import Pipeline
from letters.bag.paths import decode_path
from letters.bag.zipped import ZipSource
from letters.errors import InputError, LettersError
from letters.i18n import _, os_reason

__all__ = [
    "SUPPORTED_ALGORITHMS",
    "VerifyReport",
    "decode_path",
    "not_a_bundle",
    "parse_fingerprint",
    "verify_bundle",
    *_findings.__all__,  # every finding class, for the callers of verify_bundle
]

VALID = "VALID"
VALID_WITH_WARNINGS = "VALID, with warnings"
INVALID = "INVALID"


@dataclass(frozen=True)
class VerifyReport:
    """Everything `verify_bundle` found: problems, warnings, and what could not be checked."""

    path: Path
    findings: tuple[Finding, ...]  # the problems: the bundle is INVALID when there is one
    warnings: tuple[Finding, ...] = ()
    not_checked: tuple[Finding, ...] = ()
    bag: str | None = None
    folder: bool = False
    version: str | None = None  # BagIt-Version, as M.N
    payload_files: int = 0
    payload_bytes: int = 0
    algorithms: tuple[str, ...] = ()  # of the payload manifests
    tag_algorithms: tuple[str, ...] = ()
    fingerprint: str | None = None  # SHA-256 of tagmanifest-sha256.txt, as `bundle` printed
    fingerprint_matched: bool | None = None  # whether it has the one given (None: none given)
    made_by_letters: bool = False
    to_fetch: tuple[str, ...] = ()  # fetch.txt files not in the bag (it is not complete)
    identifier: str | None = None  # bag-info's External-Identifier: a bundle's account number

    @property
    def valid(self) -> bool:
        """Return whether the bundle passed every check (warnings allowed)."""
        return not self.findings

    @property
    def not_a_zip(self) -> bool:
        """Return whether the file given is no zip at all: a picture or a letter chosen by
        mistake, no bundle damaged."""
        return bool(self.findings) and all(isinstance(f, NotAZip) for f in self.findings)  # noqa: F405

    @property
    def verdict(self) -> str:
        """Return VALID, VALID, with warnings, or INVALID."""
        if self.findings:
            return INVALID
        return VALID_WITH_WARNINGS if self.warnings else VALID

    def lines(self) -> list[str]:
        """Return the report for people: the verdict, then each problem, warning and limit."""
        verdict = {VALID: _("VALID"), INVALID: _("INVALID")}.get(
            self.verdict, _("VALID, with warnings")
        )
        values = {
            "verdict": verdict,
            "path": self.path,
            "files": self.payload_files,
            "size": i18n.format_number(self.payload_bytes, i18n.ui_language()),
            "fingerprint": self.fingerprint,
        }
        if not self.valid:
            head = _("{verdict}: {path}")
        elif self.fingerprint_matched:
            head = _(
                "{verdict}: {path} — {files} files, {size} bytes, fingerprint {fingerprint}, "
                "the one given"
            )
        elif self.fingerprint is not None:
            head = _("{verdict}: {path} — {files} files, {size} bytes, fingerprint {fingerprint}")
        else:
            head = _("{verdict}: {path} — {files} files, {size} bytes")
        checked = []
        if self.valid and not self.made_by_letters:
            # A stranger's bag: say what the verdict rests on.
            checked.append(
                "  "
                + _(
                    "Checked: BagIt {version}; payload manifests: {algorithms}; tag manifests: "
                    "{tag_algorithms}"
                ).format(
                    version=self.version,
                    algorithms=", ".join(self.algorithms) or "-",
                    tag_algorithms=", ".join(self.tag_algorithms) or "-",
                )
            )
        return [
            head.format(**values),
            *checked,
            *(f"  {message}" for message in _problems(self.findings)),
            *("  " + _("Warning: {message}").format(message=f.message) for f in self.warnings),
            *(
                "  " + _("Not checked: {message}").format(message=f.message)
                for f in self.not_checked
            ),
            *([f"  {meaning}"] if (meaning := self._meaning()) else []),
        ]

    @property
    def only_fingerprint_differs(self) -> bool:
        """Return whether the bundle passed every check but the fingerprint given."""
        return bool(self.findings) and all(
            isinstance(f, FingerprintMismatch)  # noqa: F405
            for f in self.findings
        )

    def _meaning(self) -> str | None:
        """Say what the report means for the evidence, and what to do, where that is plain."""
        if any(isinstance(f, _CHANGED) for f in self.findings):
            return _(
                "What this means: the bundle is not as it was made. Ask whoever gave it to you "
                "for the original; the holder can make it again from the evidence folder."
            )
        if self.findings and all(isinstance(f, NotAsWritten) for f in self.findings):  # noqa: F405
            return _(
                "Every file in it still matches its checksum: only the zip around them changed."
            )
        if self.only_fingerprint_differs:
            return _(
                "What this means: every file matches its checksum, but the fingerprint is not the "
                "one given. Check that it was copied exactly (one wrong character is enough); if "
                "it was, this is another bundle than the one it was noted for."
            )
        if self.valid and self.fingerprint is not None and not self.fingerprint_matched:
            return _(
                "To be sure it is the very bundle that was made, compare this fingerprint with "
                "the one noted when it was made."
            )
        return None

    def to_json(self) -> dict[str, Any]:
        """Return the report as JSON-ready data."""
        return {
            "path": str(self.path),
            "verdict": self.verdict,
            "valid": self.valid,
            "bag": self.bag,
            "folder": self.folder,
            "version": self.version,
            "payload_files": self.payload_files,
            "payload_bytes": self.payload_bytes,
            "algorithms": list(self.algorithms),
            "tag_algorithms": list(self.tag_algorithms),
            "fingerprint": self.fingerprint,
            "fingerprint_matched": self.fingerprint_matched,
            "made_by_letters": self.made_by_letters,
            "to_fetch": list(self.to_fetch),
            "identifier": self.identifier,
            "findings": [finding.to_json() for finding in self.findings],
            "warnings": [finding.to_json() for finding in self.warnings],
            "not_checked": [finding.to_json() for finding in self.not_checked],
        }


# What tells the reader the evidence itself changed: a file edited, gone or added.
_CHANGED = (*FILE_CHANGES, IndexDisagrees)  # noqa: F405 (from findings)


def _problems(findings: tuple[Finding, ...]) -> list[str]:
    """Return the problems for people: each said once (a file changed is changed whatever the
    checksum), the entries of a repacked zip in one line, and Payload-Oxum only when no file
    it counts is named."""
    named = any(isinstance(f, (MissingFile, ExtraFile)) for f in findings)  # noqa: F405
    repacked = [f for f in findings if isinstance(f, NotAsWritten)]  # noqa: F405
    messages: list[str] = []
    for finding in findings:
        if named and isinstance(finding, OxumMismatch):  # noqa: F405
            continue
        message = finding.message
        if len(repacked) > 1 and isinstance(finding, NotAsWritten):  # noqa: F405
            if finding is not repacked[0]:
                continue
            message = i18n.ngettext(
                "{path} and {count} other entry of the zip: their zip details (date, "
                "permissions or creating system) are not what letters writes, so the zip was "
                "packed again by another program — check the zip letters made, or the "
                "unpacked folder",
                "{path} and {count} other entries of the zip: their zip details (date, "
                "permissions or creating system) are not what letters writes, so the zip was "
                "packed again by another program — check the zip letters made, or the "
                "unpacked folder",
                len(repacked) - 1,
            ).format(path=finding.path, count=len(repacked) - 1)
        if message not in messages:
            messages.append(message)
    return messages


def not_a_bundle(name: object) -> str:
    """Say that the file given to check is no bundle, and which to give."""
    return _("{name} is not a bundle: choose the .zip file letters made (bundle-….zip).").format(
        name=name
    )


def a_case_not_a_bundle(folder: Path) -> str | None:
    """Say, of a folder given to check, that it is a case folder (or one of its folders)
    rather than a bundle, and which bundle to give; None if it is not (or is a bundle
    unpacked)."""
    from letters.casefolder import CASE_FILE, DOCUMENTS, enclosing
    from letters.shell import command

    if (folder / "bagit.txt").exists():
        return None
    case = folder if (folder / CASE_FILE).is_file() else enclosing(folder)
    if case is None:
        return None
    made = sorted((case / DOCUMENTS).glob("bundle-*.zip"), key=lambda path: path.stat().st_mtime)
    if made:
        return _(
            "{path} is part of a case, not a bundle — check a bundle made from the case: {command}"
        ).format(path=folder, command=command("verify", made[-1]))
    return _("{path} is part of a case, not a bundle — make one first: {command}").format(
        path=folder, command=command("bundle", case)
    )


def parse_fingerprint(text: str) -> str:
    """Return a quoted fingerprint as 64 lowercase hex digits; spaces and colons may group it."""
    digits = re.sub(r"[\s:]", "", text).lower()
    if not re.fullmatch(r"[0-9a-f]{64}", digits):
        raise InputError(
            _(
                "{value} is not a fingerprint: give the 64 hexadecimal digits (0-9, a-f) that "
                "letters printed when it made the bundle"
            ).format(value=text[:80])
        )
    return digits


def verify_bundle(
    path: Path,
    progress: Callable[[int], None] | None = None,
    *,
    fingerprint: str | None = None,
    strict: bool = False,
) -> VerifyReport:
    """Check a bundle (a zip or a bag folder) without changing it and report every problem.

    `progress(nbytes)` advances as files are read. `fingerprint` (as `parse_fingerprint`
    accepts it) must then be this bag's: a missing or different tag manifest is a problem.
    `strict` counts warnings as problems. Raises InputError if `path` cannot be opened or the
    fingerprint is malformed, LettersError if reading fails midway.
    """
    expected = parse_fingerprint(fingerprint) if fingerprint is not None else None
    found = Collected()
    try:
        with Pipeline() as pipeline:
            if path.is_dir():
                folder = FolderSource(path, found, progress, pipeline)
                return _check(path, folder, folder.open(), found, expected, strict, folder=True)
            try:
                handle = open(path, "rb", buffering=0)  # noqa: SIM115 (closed below)
            except OSError as error:
                raise InputError(
                    _("cannot read {path}: {reason}").format(path=path, reason=os_reason(error))
                ) from error
            with handle:
                archive = ZipSource(handle, found, progress, pipeline)
                return _check(path, archive, archive.open(), found, expected, strict)
    except InputError:
        raise
    except OSError as error:
        raise LettersError(
            _("cannot read {path}: {reason}").format(path=path, reason=os_reason(error))
        ) from error


def _check(
    path: Path,
    source: ZipSource | FolderSource,
    opened: tuple[str, dict[str, Any]] | None,
    found: Collected,
    expected: str | None,
    strict: bool,
    folder: bool = False,
) -> VerifyReport:
    facts = BagFacts()
    bag = None
    if opened is not None:
        bag, members = opened
        facts = BagChecker(source, members, found, expected).run()
    if strict:
        found.errors.extend(found.warnings)
        found.warnings.clear()
    return VerifyReport(
        path,
        tuple(found.errors),
        tuple(found.warnings),
        tuple(found.notes),
        bag=bag,
        folder=folder,
        version=facts.version,
        payload_files=facts.payload_files,
        payload_bytes=facts.payload_bytes,
        algorithms=facts.algorithms,
        tag_algorithms=facts.tag_algorithms,
        fingerprint=facts.fingerprint,
        fingerprint_matched=None if expected is None else facts.fingerprint == expected,
        made_by_letters=facts.made_by_letters,
        to_fetch=facts.to_fetch,
        identifier=facts.identifier,
    )
