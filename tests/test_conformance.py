"""`letters verify` agrees with the Library of Congress BagIt conformance suite, zip and folder.

The suite's cases are written as bags by tests/conformance_cases.py. Valid bags are VALID (with
warnings only for MD5/SHA-1 checksums or a `./` path, which the suite's warning bags show are
worth a remark), warning bags VALID with the warning the case is about, invalid bags INVALID
with the problem the case is about — and a bag gets the same report as a zip and as a folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from letters.verify import DotSlash, Finding, WeakChecksums, verify_bundle
from tests.conformance_cases import CASES, NOT_FOUND, Case, bagit_python_verdict, zip_bag

# Where bagit-python, the reference implementation, disagrees with the suite (on Linux).
BAGIT_PYTHON_DISAGREES = {
    "v1.0/invalid/bagit-with-invalid-whitespace": "reads `BagIt-Version : 1.0` as a tag",
    "v0.97/warning/duplicate-file-with-different-case": "a file listed in two cases is missing",
    "v0.97/warning/same-filename-listed-twice-with-different-normalization": "likewise",
    "v0.97/windows-only/out-of-scope-file-paths-using-absolute-path-for-fetch": "POSIX rules",
    "v0.97/windows-only/out-of-scope-file-paths-using-shortcut-for-fetch": "POSIX rules",
    "v0.97/windows-only/out-of-scope-file-paths-using-unc-for-fetch": "POSIX rules",
}


def snapshot(folder: Path) -> list[tuple[str, bytes, int]]:
    return [
        (
            path.relative_to(folder).as_posix(),
            path.read_bytes() if path.is_file() else b"",
            path.stat().st_mtime_ns,
        )
        for path in sorted(folder.rglob("*"))
    ]


def kinds(findings: tuple[Finding, ...]) -> set[type[Finding]]:
    return {type(f) for f in findings}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_the_verdict_agrees_with_the_suite_as_zip_and_folder(case: Case, tmp_path: Path) -> None:
    folder = case.write(tmp_path / case.name, tmp_path / "scratch")
    before = snapshot(folder)
    zipped = zip_bag(folder, tmp_path / f"{case.name}.zip")
    as_zip, as_folder = verify_bundle(zipped), verify_bundle(folder)
    assert snapshot(folder) == before  # verifying changed nothing in the folder
    for report in (as_zip, as_folder):
        assert report.valid == case.expected_valid, [f.message for f in report.findings]
        if case.category == "valid":
            assert kinds(report.warnings) <= {WeakChecksums, DotSlash}
        elif case.category == "warning":
            assert case.expect in kinds(report.warnings)
    if not case.expected_valid and case.expect not in NOT_FOUND:
        assert case.expect in kinds(as_zip.findings) & kinds(as_folder.findings)
    if case.name == "missing-bagit.txt":
        assert kinds(as_zip.findings) | kinds(as_folder.findings) == set(NOT_FOUND)
    else:  # one bag, one report, whatever holds it
        assert [f.message for f in as_zip.findings] == [f.message for f in as_folder.findings]
        assert [f.message for f in as_zip.warnings] == [f.message for f in as_folder.warnings]
        assert (as_zip.payload_files, as_zip.payload_bytes, as_zip.fingerprint) == (
            as_folder.payload_files,
            as_folder.payload_bytes,
            as_folder.fingerprint,
        )


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_bagit_python_confirms_the_written_cases(case: Case, tmp_path: Path) -> None:
    # The reference implementation sees the bags as the suite sorts them, so they are faithful.
    folder = case.write(tmp_path / case.name, tmp_path / "scratch")
    agrees = (bagit_python_verdict(folder) == "VALID") == case.expected_valid
    assert agrees != (case.id in BAGIT_PYTHON_DISAGREES)


def test_strict_turns_warnings_into_problems(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == "relative-path")
    folder = case.write(tmp_path / case.name, tmp_path / "scratch")
    assert verify_bundle(folder).verdict == "VALID, with warnings"
    strict = verify_bundle(folder, strict=True)
    assert strict.verdict == "INVALID"
    assert kinds(strict.findings) == {DotSlash}
    assert strict.warnings == ()
