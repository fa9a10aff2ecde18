"""Verifying bundles: ours and other tools' bags are VALID; every hostile zip is caught."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

import bagit
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from letters.bag.paths import encode_path
from letters.errors import InputError
from letters.verify import (
    BagNotFound,
    ChecksumMismatch,
    CorruptEntry,
    DuplicateEntry,
    DuplicateManifestEntry,
    EncryptedEntry,
    EntryCountMismatch,
    ExtraBytes,
    ExtraFile,
    Finding,
    IndexDisagrees,
    LettersStrict,
    MalformedTagFile,
    MissingFile,
    MissingManifest,
    NotABagFolder,
    NoTagManifest,
    NotAsWritten,
    NotAZip,
    OutsideBag,
    OverlappingData,
    OxumMismatch,
    SymlinkEntry,
    SystemFilesLeftOut,
    TruncatedZip,
    UnlistedTagFile,
    UnsafePath,
    UnsupportedAlgorithm,
    UnsupportedCompression,
    decode_path,
    verify_bundle,
)
from tests.bundle_fixtures import BAG, EVIDENCE, build, entry_data_offset, make_evidence
from tests.conftest import needs_tool

CHAT = "data/evidence/chat log.txt"
MEANING = (
    "What this means: the bundle is not as it was made. Ask whoever gave it to you for the "
    "original; the holder can make it again from the evidence folder."
)

Entries = list[tuple[str, bytes]]


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A bundle built from the usual evidence."""
    out = tmp_path / f"{BAG}.zip"
    build(make_evidence(tmp_path / "evidence"), out)
    return out


# Runs `letters verify` on each path given, then says which of the writer's modules it loaded.
_VERIFY_AND_LIST_MODULES = """
import sys
from letters.cli import cli
for target in sys.argv[1:]:
    print("exit", cli.main(["verify", target], standalone_mode=False))
print(sorted(name for name in ("letters.bundle", "letters.kit") if name in sys.modules))
"""


def test_verify_never_loads_the_bundle_writer(bundle: Path, tmp_path: Path) -> None:
    # A verifier that shares no code path with the writer cannot inherit the writer's mistakes,
    # and stays usable where only the reading side is trusted.
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(folder)
    done = subprocess.run(
        [sys.executable, "-c", _VERIFY_AND_LIST_MODULES, str(bundle), str(folder / BAG)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "LETTERS_UI_LANG": "en"},
    )
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"VALID: {bundle}")
    assert [line for line in lines if line.startswith("exit")] == ["exit 0", "exit 0"]
    assert lines[-1] == "[]"
    code = "import sys, letters.verify; print('letters.bundle' in sys.modules)"
    library = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    assert library.stdout.strip() == "False"


def findings(path: Path) -> list[Finding]:
    return list(verify_bundle(path).findings)


def read_entries(path: Path) -> Entries:
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def write_zip(
    path: Path,
    entries: Entries,
    compression: int = zipfile.ZIP_STORED,
    mode: Callable[[str], int] = lambda name: 0o100644,
) -> Path:
    """Write entries into a new zip, in the order given."""
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, (2026, 11, 24, 0, 0, 0))
            info.external_attr = mode(name) << 16
            info.compress_type = compression
            archive.writestr(info, data)
    return path


def retag(entries: Entries) -> Entries:
    """Recompute the tag manifests after a tag file was edited, as a forger would."""
    tags = [
        (name.removeprefix(BAG + "/"), data)
        for name, data in entries
        if "/data/" not in name and "/tagmanifest-" not in name
    ]
    result = []
    for name, data in entries:
        if name.startswith(f"{BAG}/tagmanifest-"):
            algorithm = name.removeprefix(f"{BAG}/tagmanifest-").removesuffix(".txt")
            # Sorted by name, as letters writes them: a careful forger would.
            lines = [f"{hashlib.new(algorithm, d).hexdigest()}  {n}\n" for n, d in sorted(tags)]
            data = "".join(lines).encode()
        result.append((name, data))
    return result


def replace(entries: Entries, name: str, data: bytes) -> Entries:
    return [(n, data if n == f"{BAG}/{name}" else d) for n, d in entries]


def central_entry(data: bytes, name: str) -> int:
    """Return the offset of an entry's record in the central directory."""
    position = data.rindex(b"PK\x05\x06")
    offset = struct.unpack("<L", data[position + 16 : position + 20])[0]
    while data[offset : offset + 4] == b"PK\x01\x02":
        sizes = struct.unpack("<3H", data[offset + 28 : offset + 34])
        if data[offset + 46 : offset + 46 + sizes[0]] == name.encode():
            return offset
        offset += 46 + sum(sizes)
    raise KeyError(name)


def patch(path: Path, offset: int, fmt: str, *values: int) -> None:
    data = bytearray(path.read_bytes())
    struct.pack_into(fmt, data, offset, *values)
    path.write_bytes(bytes(data))


def zip_folder(folder: Path, out: Path) -> Path:
    """Zip a bag folder the way generic tools do: deflated, with folder entries."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.parent.joinpath(folder.name).rglob("*")):
            archive.write(path, path.relative_to(folder.parent).as_posix())
        archive.write(folder, folder.name + "/")
    return out


def bagit_python_bag(tmp_path: Path, **options: object) -> Path:
    folder = make_evidence(tmp_path / "their-bag", {**EVIDENCE, "50%.txt": b"half"})
    bagit.make_bag(str(folder), {"Contact-Name": "王小明"}, **options)  # type: ignore[arg-type]
    return folder


# --- valid bags --------------------------------------------------------------------------


def test_our_bundle_is_valid(tmp_path: Path) -> None:
    out = tmp_path / f"{BAG}.zip"
    result = build(make_evidence(tmp_path / "evidence"), out)
    report = verify_bundle(out)
    assert report.valid
    assert report.findings == ()
    assert report.bag == BAG
    assert (report.payload_files, report.payload_bytes) == (
        result.payload_files,
        result.payload_bytes,
    )
    assert report.algorithms == ("sha256", "sha512")
    assert report.fingerprint == result.fingerprint


def test_the_json_report_says_whether_the_fingerprint_given_matched(bundle: Path) -> None:
    report = verify_bundle(bundle)
    assert report.to_json()["fingerprint_matched"] is None  # none was given
    assert report.fingerprint is not None
    given = verify_bundle(bundle, fingerprint=report.fingerprint)
    assert given.to_json()["fingerprint_matched"] is True
    other = verify_bundle(bundle, fingerprint="0" * 64)
    assert other.to_json()["fingerprint_matched"] is False and not other.valid


def test_the_report_has_a_json_form(bundle: Path) -> None:
    data = bytearray(bundle.read_bytes())
    start = entry_data_offset(bytes(data), f"{BAG}/{CHAT}")
    data[start] ^= 0x01
    bundle.write_bytes(bytes(data))
    report = verify_bundle(bundle).to_json()
    assert json.loads(json.dumps(report, ensure_ascii=False)) == report
    assert report["valid"] is False
    assert report["bag"] == BAG
    first = report["findings"][0]
    assert first["type"] == "ChecksumMismatch"
    assert first["path"] == CHAT
    assert first["algorithm"] == "sha256"
    assert first["expected"] == hashlib.sha256(EVIDENCE["chat log.txt"]).hexdigest()
    # For people, the file and what happened to it, once: the checksums are for experts.
    assert first["message"] == (
        f"{CHAT} has changed since the bundle was made: it no longer matches its checksum"
    )
    lines = verify_bundle(bundle).lines()
    assert [line for line in lines if CHAT in line] == [f"  {first['message']}"]
    assert lines[-1] == f"  {MEANING}"


@pytest.mark.parametrize("form", ["zip", "deflated zip", "folder"])
def test_files_larger_than_the_read_buffers_are_checked_to_the_last_byte(
    tmp_path: Path, form: str
) -> None:
    # Large files are read in many buffers and hashed in lanes on several threads, small ones
    # packed together: each checksum must still cover every byte of its own file, in order.
    big = random.Random(9).randbytes((9 << 20) + 5)  # a video: deflate cannot shrink it
    files = {"video.mp4": big, **{f"shots/{n:03}.png": bytes([n]) * (n * 997) for n in range(60)}}
    out = tmp_path / f"{BAG}.zip"
    build(make_evidence(tmp_path / "evidence", files), out)
    target = out
    if form == "deflated zip":
        target = write_zip(tmp_path / "deflated.zip", read_entries(out), zipfile.ZIP_DEFLATED)
    elif form == "folder":
        with zipfile.ZipFile(out) as archive:
            archive.extractall(tmp_path / "unpacked")
        target = tmp_path / "unpacked" / BAG
    report = verify_bundle(target)
    assert report.findings == ()
    assert report.payload_files == len(files) + 5  # three index files, two documents
    for where in (len(big) - 1, len(big) // 2, 0):
        if form == "folder":
            video = target / "data/evidence/video.mp4"
            data = bytearray(video.read_bytes())
            data[where] ^= 0x01
            video.write_bytes(bytes(data))
            changed = verify_bundle(target)
            data[where] ^= 0x01
            video.write_bytes(bytes(data))
        else:
            entries = read_entries(target)
            name = f"{BAG}/data/evidence/video.mp4"
            flipped = bytearray(dict(entries)[name])
            flipped[where] ^= 0x01
            copy = write_zip(
                tmp_path / "changed.zip",
                replace(entries, "data/evidence/video.mp4", bytes(flipped)),
                zipfile.ZIP_DEFLATED if form == "deflated zip" else zipfile.ZIP_STORED,
            )
            changed = verify_bundle(copy)
        assert [(type(f).__name__, getattr(f, "path", None)) for f in changed.findings] == [
            ("ChecksumMismatch", "data/evidence/video.mp4"),
            ("ChecksumMismatch", "data/evidence/video.mp4"),
        ], where


def test_a_sha512_only_bag_made_by_bagit_python_is_valid(tmp_path: Path) -> None:
    folder = bagit_python_bag(tmp_path, checksums=["sha512"])
    report = verify_bundle(zip_folder(folder, tmp_path / "their-bag.zip"))
    assert report.findings == ()
    assert report.algorithms == ("sha512",)


def test_a_bag_with_every_rfc_algorithm_is_valid(tmp_path: Path) -> None:
    folder = bagit_python_bag(tmp_path, checksums=["md5", "sha1", "sha256", "sha512"])
    report = verify_bundle(zip_folder(folder, tmp_path / "their-bag.zip"))
    assert report.findings == ()
    assert report.algorithms == ("md5", "sha1", "sha256", "sha512")


def test_a_bag_zipped_by_info_zip_is_valid(tmp_path: Path) -> None:
    if shutil.which("zip") is None:
        needs_tool("zip")
    folder = bagit_python_bag(tmp_path)
    subprocess.run(["zip", "-qr", "their-bag.zip", folder.name], cwd=tmp_path, check=True)
    assert findings(tmp_path / "their-bag.zip") == []


def test_a_bag_without_tag_manifests_is_valid(tmp_path: Path) -> None:
    folder = bagit_python_bag(tmp_path)
    for manifest in folder.glob("tagmanifest-*.txt"):
        manifest.unlink()
    assert findings(zip_folder(folder, tmp_path / "their-bag.zip")) == []


def test_a_deflated_copy_of_our_bundle_is_valid(bundle: Path, tmp_path: Path) -> None:
    copy = write_zip(tmp_path / "deflated.zip", read_entries(bundle), zipfile.ZIP_DEFLATED)
    assert findings(copy) == []


def test_utf8_names_without_the_utf8_flag_are_read_as_utf8(bundle: Path) -> None:
    # Older tools write UTF-8 names without setting flag bit 11.
    name = f"{BAG}/data/evidence/微信截图 2026-11-20.png"
    data = bundle.read_bytes()
    with zipfile.ZipFile(bundle) as archive:
        local = archive.getinfo(name).header_offset
    central = central_entry(data, name)
    patch(bundle, local + 6, "<H", 0)
    patch(bundle, central + 8, "<H", 0)
    assert findings(bundle) == []


def test_verifying_writes_nothing(bundle: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("verify extracted something")

    monkeypatch.setattr(zipfile.ZipFile, "extract", refuse)
    monkeypatch.setattr(zipfile.ZipFile, "extractall", refuse)
    before = sorted(bundle.parent.rglob("*"))
    content = bundle.read_bytes()
    assert verify_bundle(bundle).valid
    assert sorted(bundle.parent.rglob("*")) == before
    assert bundle.read_bytes() == content


def test_progress_counts_the_bytes_read(bundle: Path) -> None:
    counted: list[int] = []
    verify_bundle(bundle, progress=counted.append)
    with zipfile.ZipFile(bundle) as archive:
        assert sum(counted) == sum(i.compress_size for i in archive.infolist())


# --- changed content ---------------------------------------------------------------------


def test_a_changed_byte_is_a_checksum_mismatch_naming_the_file(bundle: Path) -> None:
    data = bytearray(bundle.read_bytes())
    data[entry_data_offset(bytes(data), f"{BAG}/{CHAT}") + 3] ^= 0x20
    bundle.write_bytes(bytes(data))
    original = EVIDENCE["chat log.txt"]
    changed = bytearray(original)
    changed[3] ^= 0x20
    assert findings(bundle) == [
        ChecksumMismatch(
            CHAT,
            "sha256",
            hashlib.sha256(original).hexdigest(),
            hashlib.sha256(changed).hexdigest(),
        ),
        ChecksumMismatch(
            CHAT,
            "sha512",
            hashlib.sha512(original).hexdigest(),
            hashlib.sha512(changed).hexdigest(),
        ),
    ]


def test_a_changed_tag_file_is_caught_by_the_tag_manifests(bundle: Path, tmp_path: Path) -> None:
    entries = read_entries(bundle)
    info = dict(entries)[f"{BAG}/bag-info.txt"].replace(b"ACC-****77", b"ACC-****78")
    found = findings(write_zip(tmp_path / "edited.zip", replace(entries, "bag-info.txt", info)))
    assert [(type(f), f.path) for f in found] == [  # type: ignore[attr-defined]
        (ChecksumMismatch, "bag-info.txt"),
        (ChecksumMismatch, "bag-info.txt"),
    ]


def test_a_damaged_tag_file_without_tag_manifests_is_caught_by_its_crc(tmp_path: Path) -> None:
    folder = bagit_python_bag(tmp_path)
    for manifest in folder.glob("tagmanifest-*.txt"):
        manifest.unlink()
    out = write_zip(
        tmp_path / "their-bag.zip",
        [
            (path.relative_to(tmp_path).as_posix(), path.read_bytes())
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        ],
    )
    data = bytearray(out.read_bytes())
    start = entry_data_offset(bytes(data), "their-bag/bag-info.txt")
    data[start + 1] ^= 0x01  # "Bag-Software-Agent" → "Bbg-…": still a well-formed label
    out.write_bytes(bytes(data))
    assert findings(out) == [CorruptEntry("bag-info.txt", "crc")]
    assert findings(out)[0].message == "bag-info.txt is damaged: its CRC-32 does not match"


def test_a_changed_byte_in_deflated_data_names_the_file(bundle: Path, tmp_path: Path) -> None:
    copy = write_zip(tmp_path / "deflated.zip", read_entries(bundle), zipfile.ZIP_DEFLATED)
    data = bytearray(copy.read_bytes())
    data[entry_data_offset(bytes(data), f"{BAG}/data/evidence/100% refund.pdf") + 2] ^= 0xFF
    copy.write_bytes(bytes(data))
    found = findings(copy)
    assert found
    assert {f.path for f in found} == {"data/evidence/100% refund.pdf"}  # type: ignore[attr-defined]


def test_payload_oxum_must_describe_the_payload(bundle: Path, tmp_path: Path) -> None:
    entries = read_entries(bundle)
    info = dict(entries)[f"{BAG}/bag-info.txt"].decode()
    oxum = info.split("Payload-Oxum: ")[1].split("\n")[0]
    wrong = retag(replace(entries, "bag-info.txt", info.replace(oxum, "1.1").encode()))
    found = findings(write_zip(tmp_path / "oxum.zip", wrong))
    assert found == [OxumMismatch("1.1", oxum)]
    assert found[0].message == (f"bag-info.txt gives Payload-Oxum 1.1, but the payload is {oxum}")
    bad = retag(replace(entries, "bag-info.txt", info.replace(oxum, "many").encode()))
    assert findings(write_zip(tmp_path / "bad.zip", bad)) == [
        MalformedTagFile("bag-info.txt", 6, "oxum")
    ]


# --- missing and extra files -------------------------------------------------------------


def test_a_missing_payload_file(bundle: Path, tmp_path: Path) -> None:
    entries = [(n, d) for n, d in read_entries(bundle) if n != f"{BAG}/{CHAT}"]
    found = findings(write_zip(tmp_path / "missing.zip", entries))
    assert found[:2] == [
        MissingFile(CHAT, "manifest-sha256.txt"),
        MissingFile(CHAT, "manifest-sha512.txt"),
    ]
    assert [type(f) for f in found[2:]] == [OxumMismatch]
    assert found[0].message == f"{CHAT} is missing: the bundle lists it, but it is not in it"
    # Once for people, and without Payload-Oxum, which only counts what is missing.
    lines = verify_bundle(tmp_path / "missing.zip").lines()
    assert lines[1:] == [f"  {found[0].message}", f"  {MEANING}"]


def test_an_extra_payload_file(bundle: Path, tmp_path: Path) -> None:
    entries = [*read_entries(bundle), (f"{BAG}/data/evidence/planted.png", b"planted")]
    found = findings(write_zip(tmp_path / "extra.zip", entries))
    assert found[:2] == [
        ExtraFile("data/evidence/planted.png", "manifest-sha256.txt"),
        ExtraFile("data/evidence/planted.png", "manifest-sha512.txt"),
    ]
    assert found[0].message == (
        "data/evidence/planted.png was added: it is in the bundle, but not in the list of its files"
    )


def test_an_extra_file_in_the_bag_root_of_our_bundle_is_a_problem(
    bundle: Path, tmp_path: Path
) -> None:
    entries = [*read_entries(bundle), (f"{BAG}/notes.txt", b"unlisted")]
    report = verify_bundle(write_zip(tmp_path / "extra.zip", entries))
    assert report.findings == (UnlistedTagFile("notes.txt"),)
    assert report.findings[0].message == (
        "notes.txt is in the bag but no tag manifest lists it, so it was not checked"
    )
    assert report.not_checked == (LettersStrict(),)


def test_an_extra_file_in_a_bag_without_tag_manifests(tmp_path: Path) -> None:
    folder = bagit_python_bag(tmp_path)
    for manifest in folder.glob("tagmanifest-*.txt"):
        manifest.unlink()
    (folder / "notes.txt").write_text("unlisted")
    report = verify_bundle(zip_folder(folder, tmp_path / "their-bag.zip"))
    assert report.verdict == "VALID, with warnings"
    assert report.warnings == (UnlistedTagFile("notes.txt"),)
    assert report.not_checked == (NoTagManifest(),)


def test_no_payload_manifest(bundle: Path, tmp_path: Path) -> None:
    entries = [(n, d) for n, d in read_entries(bundle) if f"{BAG}/manifest-" not in n]
    found = findings(write_zip(tmp_path / "bare.zip", entries))
    assert MissingManifest() in found
    assert MissingManifest().message == (
        "the bag has no payload manifest (such as manifest-sha512.txt)"
    )


def test_a_manifest_of_an_unknown_algorithm(bundle: Path, tmp_path: Path) -> None:
    entries = [*read_entries(bundle), (f"{BAG}/manifest-blake3.txt", b"")]
    found = findings(write_zip(tmp_path / "blake.zip", retag(entries)))
    assert found == [UnsupportedAlgorithm("manifest-blake3.txt")]
    assert found[0].message == "manifest-blake3.txt uses an algorithm that cannot be checked"


# --- malformed tag files -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("declaration", "expected"),
    [
        (b"BagIt-Version: 1.0\n", MalformedTagFile("bagit.txt", 0, "declaration")),
        (
            b"BagIt-Version: one\nTag-File-Character-Encoding: UTF-8\n",
            MalformedTagFile("bagit.txt", 1, "version"),
        ),
        (
            b"BagIt-Version: 1.0\nTag-File-Character-Encoding: KLINGON-1\n",
            MalformedTagFile("bagit.txt", 2, "charset"),
        ),
        (
            b"BagIt-Version: 1.0\nTag-File-Character-Encoding: unicode_escape\n",
            MalformedTagFile("bagit.txt", 2, "charset"),
        ),
        (
            b"BagIt-Version : 1.0\nTag-File-Character-Encoding : UTF-8\n",
            MalformedTagFile("bagit.txt", 0, "declaration"),
        ),
        (
            b"\xef\xbb\xbfBagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
            MalformedTagFile("bagit.txt", 0, "bom"),
        ),
        (
            b"BagIt-Version: 1.0\nTag-File-Character-Encoding: \xff\n",
            MalformedTagFile("bagit.txt", 0, "encoding"),
        ),
    ],
)
def test_a_malformed_bag_declaration(
    bundle: Path, tmp_path: Path, declaration: bytes, expected: MalformedTagFile
) -> None:
    entries = retag(replace(read_entries(bundle), "bagit.txt", declaration))
    assert findings(write_zip(tmp_path / "declaration.zip", entries)) == [expected]


def test_malformed_manifest_lines(bundle: Path, tmp_path: Path) -> None:
    entries = read_entries(bundle)
    manifest = dict(entries)[f"{BAG}/manifest-sha256.txt"].decode().splitlines(keepends=True)
    first = manifest[0]
    lines = [
        first,
        "nonsense\n",
        "abc123  data/evidence/short.txt\n",
        f"{'0' * 64}  ../../etc/passwd\n",
        f"{'0' * 64}  bagit.txt\n",
        first,
        *manifest[1:],
    ]
    edited = retag(replace(entries, "manifest-sha256.txt", "".join(lines).encode()))
    found = findings(write_zip(tmp_path / "manifest.zip", edited))
    duplicate = first.split("  ", 1)[1].strip()
    assert found == [
        MalformedTagFile("manifest-sha256.txt", 2, "line"),
        MalformedTagFile("manifest-sha256.txt", 3, "checksum"),
        MalformedTagFile("manifest-sha256.txt", 4, "unsafe"),
        MalformedTagFile("manifest-sha256.txt", 5, "not-payload"),
        DuplicateManifestEntry("manifest-sha256.txt", duplicate),
    ]
    assert [f.message for f in found] == [
        "manifest-sha256.txt, line 2: expected a checksum, spaces, then a path",
        "manifest-sha256.txt, line 3: the checksum is not a hex digest of this algorithm",
        "manifest-sha256.txt, line 4: the path is absolute or climbs out with ..",
        "manifest-sha256.txt, line 5: a payload manifest may only list files in data/",
        f"manifest-sha256.txt lists {duplicate} more than once",
    ]


# --- hostile zips ------------------------------------------------------------------------


def test_duplicate_entries(bundle: Path, tmp_path: Path) -> None:
    entries = read_entries(bundle)
    planted = (f"{BAG}/{CHAT}", b"a different chat log")
    with pytest.warns(UserWarning, match="Duplicate name"):
        out = write_zip(tmp_path / "twice.zip", [*entries, planted])
    found = findings(out)
    assert found == [DuplicateEntry(f"{BAG}/{CHAT}", 2)]
    assert found[0].message == f"{BAG}/{CHAT} appears 2 times in the zip"


@pytest.mark.parametrize(
    ("name", "reason", "problem"),
    [
        ("../evil.txt", "parent", "climbs out of its folder with .."),
        (f"{BAG}/data/../../evil.txt", "parent", "climbs out of its folder with .."),
        ("/etc/evil", "absolute", "is an absolute path"),
        ("C:/evil.txt", "absolute", "is an absolute path"),
        (f"{BAG}\\..\\evil.txt", "backslash", "contains a backslash"),
        (f"{BAG}/data//evil.txt", "empty", "has an empty or . component"),
    ],
)
def test_unsafe_names(bundle: Path, tmp_path: Path, name: str, reason: str, problem: str) -> None:
    out = write_zip(tmp_path / "unsafe.zip", [*read_entries(bundle), (name, b"evil")])
    found = findings(out)
    assert found == [UnsafePath(name, reason)]
    assert found[0].message == f"unsafe name in the zip: {name} {problem}"


def test_a_name_with_a_nul_character(bundle: Path, tmp_path: Path) -> None:
    # zipfile cuts names at NUL, so the name is planted byte by byte.
    out = write_zip(tmp_path / "nul.zip", [*read_entries(bundle), (f"{BAG}/evil.txtXexe", b"x")])
    out.write_bytes(out.read_bytes().replace(b"evil.txtXexe", b"evil.txt\0exe"))
    found = findings(out)
    assert found == [UnsafePath(f"{BAG}/evil.txt\0exe", "nul")]
    assert found[0].message == (
        f"unsafe name in the zip: {BAG}/evil.txt\\x00exe contains a NUL character"
    )


def test_entries_outside_the_bag_folder(bundle: Path, tmp_path: Path) -> None:
    entries = [*read_entries(bundle), ("readme.txt", b"x"), ("other/", b""), ("other/x.txt", b"x")]
    found = findings(write_zip(tmp_path / "outside.zip", entries))
    assert found == [
        OutsideBag("readme.txt", BAG),
        OutsideBag("other/", BAG),
        OutsideBag("other/x.txt", BAG),
    ]
    assert found[0].message == f"readme.txt is outside the bag folder {BAG}"


def test_no_bag_or_two_bags(bundle: Path, tmp_path: Path) -> None:
    entries = read_entries(bundle)
    without = [(n, d) for n, d in entries if n != f"{BAG}/bagit.txt"]
    found = findings(write_zip(tmp_path / "none.zip", without))
    assert found == [BagNotFound(())]
    assert found[0].message == "no bag found: the zip must hold one folder with a bagit.txt in it"
    twice = entries + [(n.replace(BAG, "copy", 1), d) for n, d in entries]
    found = findings(write_zip(tmp_path / "two.zip", twice))
    assert found == [BagNotFound(("bundle-2026-11-24", "copy"))]
    assert found[0].message == (
        "the zip holds several bags (bundle-2026-11-24, copy); a bundle holds one"
    )


def test_a_bag_at_the_top_of_the_zip_is_not_a_serialized_bag(bundle: Path, tmp_path: Path) -> None:
    entries = [(n.removeprefix(BAG + "/"), d) for n, d in read_entries(bundle)]
    assert findings(write_zip(tmp_path / "flat.zip", entries)) == [BagNotFound(())]


def test_a_symbolic_link_entry(bundle: Path, tmp_path: Path) -> None:
    link = stat.S_IFLNK | 0o777
    out = write_zip(
        tmp_path / "link.zip",
        read_entries(bundle),
        mode=lambda name: link if name.endswith("chat log.txt") else 0o100644,
    )
    found = findings(out)
    assert found[0] == SymlinkEntry(CHAT)
    assert found[0].message == f"{CHAT} is a symbolic link"


def test_an_encrypted_entry(bundle: Path) -> None:
    data = bundle.read_bytes()
    with zipfile.ZipFile(bundle) as archive:
        local = archive.getinfo(f"{BAG}/{CHAT}").header_offset
    patch(bundle, local + 6, "<H", 1)
    patch(bundle, central_entry(data, f"{BAG}/{CHAT}") + 8, "<H", 1)
    found = findings(bundle)
    assert found == [EncryptedEntry(CHAT)]
    assert found[0].message == f"{CHAT} is encrypted and cannot be checked"


def test_an_encrypted_manifest_is_reported_once(bundle: Path) -> None:
    name = f"{BAG}/manifest-sha256.txt"
    data = bundle.read_bytes()
    with zipfile.ZipFile(bundle) as archive:
        local = archive.getinfo(name).header_offset
    patch(bundle, local + 6, "<H", 1)
    patch(bundle, central_entry(data, name) + 8, "<H", 1)
    assert findings(bundle) == [EncryptedEntry("manifest-sha256.txt")]


def test_an_unknown_compression_method(bundle: Path) -> None:
    with zipfile.ZipFile(bundle) as archive:
        local = archive.getinfo(f"{BAG}/{CHAT}").header_offset
    patch(bundle, local + 8, "<H", 99)
    patch(bundle, central_entry(bundle.read_bytes(), f"{BAG}/{CHAT}") + 10, "<H", 99)
    found = findings(bundle)
    assert found == [UnsupportedCompression(CHAT, 99)]
    assert found[0].message == f"{CHAT} uses zip compression method 99, which cannot be checked"


def test_a_local_header_naming_another_file(bundle: Path) -> None:
    with zipfile.ZipFile(bundle) as archive:
        local = archive.getinfo(f"{BAG}/{CHAT}").header_offset
    data = bytearray(bundle.read_bytes())
    start = local + 30 + len(f"{BAG}/data/evidence/")
    data[start : start + 4] = b"CHAT"
    bundle.write_bytes(bytes(data))
    found = findings(bundle)
    assert CorruptEntry(f"{BAG}/{CHAT}", "name") in found
    assert {type(f) for f in found} <= {CorruptEntry, ExtraBytes}


def test_bytes_before_the_zip(bundle: Path) -> None:
    bundle.write_bytes(b"MZ self-extractor stub" + bundle.read_bytes())
    found = findings(bundle)
    assert found == [ExtraBytes("before", 0, 22)]
    assert found[0].message == "22 unexpected bytes before the first zip entry"


def test_bytes_after_the_zip(bundle: Path) -> None:
    size = bundle.stat().st_size
    bundle.write_bytes(bundle.read_bytes() + b"hidden")
    found = findings(bundle)
    assert found == [ExtraBytes("after", size, 6)]
    assert found[0].message == "6 unexpected bytes after the end of the zip"


def test_bytes_hidden_between_entries(bundle: Path, tmp_path: Path) -> None:
    out = tmp_path / "hidden.zip"
    with zipfile.ZipFile(out, "w") as archive:
        for number, (name, data) in enumerate(read_entries(bundle)):
            archive.writestr(name, data)
            if number == 3:
                archive.fp.write(b"hidden")  # type: ignore[union-attr]
                archive.start_dir += 6
    offset = entry_data_offset(out.read_bytes(), read_entries(bundle)[4][0]) - 30
    offset -= len(read_entries(bundle)[4][0].encode())
    found = [f for f in findings(out) if isinstance(f, ExtraBytes)]
    assert found == [ExtraBytes("inside", offset - 6, 6)]
    assert found[0].message == f"6 unexpected bytes inside the zip at offset {offset - 6}"


def test_overlapping_entries(bundle: Path) -> None:
    central = central_entry(bundle.read_bytes(), f"{BAG}/{CHAT}")
    size = len(EVIDENCE["chat log.txt"])
    patch(bundle, central + 20, "<L", size + 40)  # its data now runs into the next entry
    found = findings(bundle)
    assert OverlappingData(f"{BAG}/{CHAT}") in found
    assert CorruptEntry(CHAT, "size") in found
    assert OverlappingData(f"{BAG}/{CHAT}").message == (
        f"the data of {BAG}/{CHAT} overlaps other data in the zip"
    )


def test_an_end_record_that_miscounts_the_entries(bundle: Path) -> None:
    data = bundle.read_bytes()
    end = data.rindex(b"PK\x05\x06")
    count = struct.unpack("<H", data[end + 10 : end + 12])[0]
    patch(bundle, end + 8, "<HH", count - 1, count - 1)
    found = findings(bundle)
    assert EntryCountMismatch(count - 1, count) in found
    assert found[0].message == (
        f"the end of the zip declares {count - 1} entries but its directory holds {count}"
    )


@pytest.mark.parametrize("keep", [0.5, 0.999])
def test_a_truncated_zip(bundle: Path, keep: float) -> None:
    data = bundle.read_bytes()
    bundle.write_bytes(data[: int(len(data) * keep)])
    found = findings(bundle)
    assert found == [TruncatedZip("the end of the zip is missing")]
    assert found[0].message == (
        "the zip is cut short or damaged (the end of the zip is missing): if it was downloaded "
        "or copied, get it again"
    )


def test_an_end_record_cut_in_its_comment(bundle: Path) -> None:
    data = bundle.read_bytes()
    end = data.rindex(b"PK\x05\x06")
    patch(bundle, end + 20, "<H", 10)  # a 10-byte comment that is not there
    assert findings(bundle) == [TruncatedZip("the end record of the zip is cut short")]


@pytest.mark.parametrize("content", [b"", b"not a zip at all", os.urandom(4096)])
def test_not_a_zip(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bundle.zip"
    path.write_bytes(content.replace(b"PK", b"pk"))
    found = findings(path)
    assert found == [NotAZip()]
    assert found[0].message == "this file is not a zip archive"


def test_a_missing_path_is_an_input_error_and_a_folder_without_bagit_txt_no_bag(
    tmp_path: Path,
) -> None:
    with pytest.raises(InputError) as caught:
        verify_bundle(tmp_path / "nope.zip")
    assert caught.value.message == f"cannot read {tmp_path / 'nope.zip'}: No such file or directory"
    found = findings(tmp_path)
    assert found == [NotABagFolder(str(tmp_path))]
    assert (
        found[0].message == f"no bag found: {tmp_path} has no bagit.txt, so it is not a bag folder"
    )


# --- properties --------------------------------------------------------------------------

_JUNK = {".ds_store", "thumbs.db", "ehthumbs.db", "desktop.ini"}
component = st.text(
    alphabet=st.sampled_from("ab Z9-_.%中文截图微信账單")
    | st.characters(codec="utf-8", exclude_characters="/\\\x00"),
    min_size=1,
    max_size=10,
).filter(lambda c: c not in (".", "..") and not c.startswith("._") and c.lower() not in _JUNK)
tree = st.dictionaries(
    st.lists(component, min_size=1, max_size=4).map("/".join),
    st.binary(min_size=0, max_size=3000),
    min_size=1,
    max_size=6,
).filter(
    lambda files: (
        len({unicodedata.normalize("NFC", p).casefold() for p in files}) == len(files)
        and not any(q.startswith(p + "/") for p in files for q in files)
        and all(len(part.encode()) < 250 for p in files for part in p.split("/"))
    )
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=tree, data=st.data())
def test_any_bundle_verifies_and_any_changed_byte_is_named(
    files: dict[str, bytes], data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        out = root / f"{BAG}.zip"
        build(make_evidence(root / "evidence", files), out)
        assert verify_bundle(out).findings == ()

        with zipfile.ZipFile(out) as archive:
            sizes = {
                i.filename: i.file_size
                for i in archive.infolist()
                if i.filename.startswith(f"{BAG}/data/") and i.file_size
            }
        target = data.draw(st.sampled_from(sorted(sizes)))
        content = bytearray(out.read_bytes())
        start = entry_data_offset(bytes(content), target)
        size = sizes[target]
        content[start + data.draw(st.integers(0, size - 1))] ^= data.draw(st.integers(1, 255))
        out.write_bytes(bytes(content))

        found = verify_bundle(out).findings
        path = target.removeprefix(BAG + "/")
        assert {f.path for f in found} == {path}  # type: ignore[attr-defined]
        assert {f.algorithm for f in found if isinstance(f, ChecksumMismatch)} == {
            "sha256",
            "sha512",
        }


@given(st.text())
def test_manifest_paths_decode_to_what_was_encoded(path: str) -> None:
    assert decode_path(encode_path(path)) == path


def test_a_zip_comment_or_a_fat_extra_field_is_hidden_data(tmp_path: Path) -> None:
    from tests.conftest import SAMPLES, run

    source = tmp_path / "b.zip"
    run("bundle", SAMPLES / "case-en.toml", SAMPLES / "evidence", "-o", source,
        "--date", "2026-11-24")  # fmt: skip
    commented = tmp_path / "commented.zip"
    commented.write_bytes(source.read_bytes())
    with zipfile.ZipFile(commented, "a") as archive:
        archive.comment = b"secret payload " * 10
    report = verify_bundle(commented)
    assert not report.valid
    assert [f.message for f in report.findings] == ["150 bytes of zip comment, outside the bag"]
    fat = tmp_path / "fat.zip"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(fat, "w") as copy:
        for info in original.infolist():
            if info.filename.endswith("chat-2026-11-21.txt"):
                info.extra = b"\x99\x99" + struct.pack("<H", 400) + bytes(400)
            copy.writestr(info, original.read(info))
    found = [f for f in verify_bundle(fat).findings if isinstance(f, ExtraBytes)]
    assert [(f.where, f.count) for f in found] == [("inside", 404)]


# --- many files: memory grows by a few hundred bytes a file ---------------------------------

# Verifies the zip given, then prints whether it was valid and the process's peak memory (as
# the kernel counts it for this program alone: getrusage's would count the parent's too).
_VERIFY_AND_PEAK = """
import re, sys
from pathlib import Path
from letters.verify import verify_bundle
report = verify_bundle(Path(sys.argv[1]))
status = Path("/proc/self/status").read_text()
print(report.findings == (), int(re.search(r"VmHWM:\\s+(\\d+) kB", status)[1]) * 1024)
"""


def many_files_bag(path: Path, count: int) -> Path:
    """Write a zipped bag of `count` tiny payload files with both manifests, as fast as can be."""
    lines: dict[str, list[str]] = {"sha256": [], "sha512": []}
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            f"{BAG}/bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
        )
        for number in range(count):
            data = b"%d" % number
            name = f"data/evidence/batch {number // 500:03}/photo {number:06}.png"
            archive.writestr(f"{BAG}/{name}", data)
            for algorithm, listed in lines.items():
                listed.append(f"{hashlib.new(algorithm, data).hexdigest()}  {name}\n")
        for algorithm, listed in lines.items():
            archive.writestr(f"{BAG}/manifest-{algorithm}.txt", "".join(listed))
    return path


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="the peak comes from /proc")
def test_memory_grows_by_under_two_kilobytes_a_file(tmp_path: Path) -> None:
    # zipfile's ZipInfo alone takes ~500 bytes an entry, and verify took ~3.5 KiB a file before
    # it read the directory itself and kept digests as bytes; ~1.3 KiB now. The fixed cost (the
    # interpreter, the read buffers) is not the point here.
    peaks = {}
    for count in (2_000, 20_000):
        bag = many_files_bag(tmp_path / f"{count}.zip", count)
        done = subprocess.run(
            [sys.executable, "-c", _VERIFY_AND_PEAK, str(bag)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        valid, peak = done.stdout.split()
        assert valid == "True"
        peaks[count] = int(peak)
    per_file = (peaks[20_000] - peaks[2_000]) / 18_000
    assert per_file < 2_048, f"{per_file:.0f} bytes a file"


def test_a_repacked_zip_says_so_once_and_that_every_file_still_matches(
    bundle: Path, tmp_path: Path
) -> None:
    # Unpacked and zipped again by another program: every entry's details differ, the files
    # do not. One line says so, not one a file, and one says the evidence is intact.
    repacked = tmp_path / "repacked.zip"
    with zipfile.ZipFile(repacked, "w") as archive:
        for name, data in read_entries(bundle):
            archive.writestr(zipfile.ZipInfo(name, (2026, 12, 1, 10, 0, 0)), data)
    report = verify_bundle(repacked)
    assert not report.valid and len(report.findings) > 2
    assert {type(f) for f in report.findings} == {NotAsWritten}
    others = len(report.findings) - 1
    assert report.lines()[1:] == [
        f"  {report.findings[0].path} and {others} other entries of the zip: their zip details "
        "(date, permissions or creating system) are not what letters writes, so the zip was "
        "packed again by another program — check the zip letters made, or the unpacked folder",
        "  Every file in it still matches its checksum: only the zip around them changed.",
    ]


def test_a_valid_bundle_asks_for_its_fingerprint_to_be_compared(bundle: Path) -> None:
    lines = verify_bundle(bundle).lines()
    assert lines[-1].strip().startswith("To be sure it is the very bundle that was made, compare")
    report = verify_bundle(bundle, fingerprint=verify_bundle(bundle).fingerprint)
    assert len(report.lines()) == 1 and report.lines()[0].endswith("the one given")
    # One digit mistyped: the bundle is whole; the fingerprint given may be the mistake.
    other = verify_bundle(bundle, fingerprint="0" * 64)
    assert not other.valid and other.only_fingerprint_differs
    assert (
        other.lines()[-1]
        .strip()
        .startswith(
            "What this means: every file matches its checksum, but the fingerprint is not the one"
        )
    )


def test_a_kit_bundle_cut_short_anywhere_is_said_to_be_cut_short(tmp_path: Path) -> None:
    # The kit's bundle stores a DOCX, itself a zip: cut short after it, the bundle's last end
    # record is the DOCX's, and the report spoke of bytes before and after, and of no bag.
    from tests.conftest import SAMPLES, run

    out = tmp_path / "out"
    result = run("kit", SAMPLES / "case-en.toml", "--evidence", SAMPLES / "evidence", "-o", out,
                 "--date", "2026-11-24")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = (out / "bundle-2026-11-24.zip").read_bytes()
    docx = data.index(b"request.en.docx")
    cuts = [docx + 200 + step * (len(data) - docx - 400) // 8 for step in range(9)]
    for cut in cuts:
        (tmp_path / "cut.zip").write_bytes(data[:cut])
        assert findings(tmp_path / "cut.zip") == [TruncatedZip("the end of the zip is missing")]


def test_a_file_that_is_no_zip_is_bad_input_not_a_bad_bundle(tmp_path: Path) -> None:
    from tests.conftest import SAMPLES, run

    picture = SAMPLES / "evidence" / "call-log-2026-11-20.png"
    result = run("verify", picture)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {picture} is not a bundle: choose the .zip file letters made (bundle-….zip).\n"
    )
    assert run("verify", picture, "--json").exit_code == 1  # the report, for programs


def forged(bundle: Path, folder: Path, change: Callable[[Path], None]) -> Path:
    """Unpack a bundle, `change` its evidence, and make its manifests and tag manifests
    again to match: what bagit-python and the checksums alone then call valid."""
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(folder)
    bag = folder / BAG
    change(bag / "data" / "evidence")
    for algorithm in ("sha256", "sha512"):
        lines = []
        for path in sorted(p for p in (bag / "data").rglob("*") if p.is_file()):
            digest = hashlib.new(algorithm, path.read_bytes()).hexdigest()
            lines.append(f"{digest}  {encode_path(path.relative_to(bag).as_posix())}\n")
        (bag / f"manifest-{algorithm}.txt").write_text("".join(lines), encoding="utf-8")
    for algorithm in ("sha256", "sha512"):
        tags = sorted(p.name for p in bag.iterdir() if p.is_file() and "tagmanifest" not in p.name)
        text = "".join(
            f"{hashlib.new(algorithm, (bag / name).read_bytes()).hexdigest()}  {name}\n"
            for name in tags
        )
        (bag / f"tagmanifest-{algorithm}.txt").write_text(text, encoding="utf-8")
    return bag


def test_evidence_changed_with_its_checksums_made_again_disagrees_with_the_index(
    bundle: Path, tmp_path: Path
) -> None:
    # The checksums agree with the files (bagit-python would say valid, but for its own
    # trouble with `%` in a name); the bundle's own index, written when it was made, does not.
    def edit(evidence: Path) -> None:
        chat = evidence / "chat log.txt"
        chat.write_bytes(chat.read_bytes().replace(b"a", b"e", 1))

    bag = forged(bundle, tmp_path / "edited", edit)
    found = findings(bag)
    assert found == [IndexDisagrees(CHAT, 2, "changed")], found
    assert found[0].message == (
        f"{CHAT} is not the file the bundle's index lists as exhibit 2: it was changed after "
        "the bundle was made, and the checksums made again to match"
    )
    assert verify_bundle(bag).lines()[-1] == f"  {MEANING}"

    def swap(evidence: Path) -> None:
        (evidence / "chat log.txt").unlink()
        (evidence / "planted.txt").write_bytes(b"planted")

    found = findings(forged(bundle, tmp_path / "swapped", swap))
    assert IndexDisagrees(CHAT, 2, "missing") in found
    assert IndexDisagrees("data/evidence/planted.txt", 0, "added") in found


def test_a_bundle_unpacked_into_a_folder_of_its_own_name_is_found_inside(
    bundle: Path, tmp_path: Path
) -> None:
    # Windows' "Extract All" unpacks bundle-….zip into bundle-…/, the bag folder inside it.
    outer = tmp_path / BAG
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(outer)
    (outer / "desktop.ini").write_bytes(b"[.ShellClassInfo]\r\n")  # what Explorer may leave
    report = verify_bundle(outer)
    assert report.valid and report.bag == BAG, report.lines()
    (outer / "another").mkdir()
    assert [type(f) for f in verify_bundle(outer).findings] == [NotABagFolder]


def unpacked(bundle: Path, tmp_path: Path) -> Path:
    """Unpack a bundle as a user does; return its bag folder."""
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(tmp_path / "unpacked")
    return tmp_path / "unpacked" / BAG


def test_files_the_computer_drops_into_an_unpacked_bundle_are_left_out(
    bundle: Path, tmp_path: Path
) -> None:
    # Opening a folder in Finder or Explorer is enough for these to appear in it.
    bag = unpacked(bundle, tmp_path)
    dropped = [
        ".DS_Store", "data/.DS_Store", "data/evidence/Thumbs.db", "data/evidence/._chat log.txt",
        "data/._evidence",  # a `._` file beside the file or folder it describes
    ]  # fmt: skip
    for path in dropped:
        (bag / path).write_bytes(b"\0\0\0\1Bud1")
    (bag / "__MACOSX/data/evidence").mkdir(parents=True)  # a Mac's zip, at the top
    (bag / "__MACOSX/data/evidence/._chat log.txt").write_bytes(b"\0\5\26\7")
    dropped.append("__MACOSX/data/evidence/._chat log.txt")

    report = verify_bundle(bag)
    assert report.valid and report.warnings == (), report.lines()
    assert report.not_checked == (SystemFilesLeftOut(tuple(sorted(dropped))),)
    with zipfile.ZipFile(bundle) as archive:
        payload = [n for n in archive.namelist() if n.startswith(f"{BAG}/data/")]
    assert report.payload_files == len(payload)  # the litter is not counted
    assert "were left out" in "\n".join(report.lines())


def test_evidence_added_under_a_system_s_names_is_not_left_out(
    bundle: Path, tmp_path: Path
) -> None:
    # Any file under a folder named __MACOSX or System Volume Information, or named `._…`,
    # was left out, and the bag with evidence added said VALID, even with --strict.
    bag = unpacked(bundle, tmp_path)
    added = [
        "data/System Volume Information/final-bill.pdf",
        "data/evidence/__MACOSX/signed-agreement.txt",
        "data/evidence/._refund-receipt.pdf",  # describes no file
    ]
    for path in added:
        (bag / path).parent.mkdir(parents=True, exist_ok=True)
        (bag / path).write_bytes(b"%PDF-1.7 added later")
    report = verify_bundle(bag)
    assert not report.valid
    for path in added:
        assert ExtraFile(path, "manifest-sha256.txt") in findings(bag), path


def test_a_dropped_file_name_does_not_hide_a_change(bundle: Path, tmp_path: Path) -> None:
    bag = unpacked(bundle, tmp_path)
    (bag / "data/.DS_Store").write_bytes(b"")
    (bag / CHAT).write_bytes(b"edited")
    found = findings(bag)
    assert any(isinstance(f, ChecksumMismatch) and f.path == CHAT for f in found)
    # A zip never gathers them on its own: one in a zip was put there.
    with zipfile.ZipFile(bundle, "a") as archive:
        archive.writestr(f"{BAG}/data/.DS_Store", b"")
    assert ExtraFile("data/.DS_Store", "manifest-sha256.txt") in findings(bundle)


def test_a_listed_file_named_like_the_computer_s_own_is_checked(tmp_path: Path) -> None:
    evidence = make_evidence(tmp_path / "evidence")
    out = tmp_path / f"{BAG}.zip"
    build(evidence, out)
    bag = unpacked(out, tmp_path)
    # A manifest that lists one: the file is content, and it must be there and unchanged.
    manifest = bag / "manifest-sha256.txt"
    line = f"{hashlib.sha256(b'listed').hexdigest()}  data/Thumbs.db\n"
    manifest.write_bytes(manifest.read_bytes() + line.encode())
    found = findings(bag)
    assert MissingFile("data/Thumbs.db", "manifest-sha256.txt") in found
    assert not any(isinstance(f, SystemFilesLeftOut) for f in found)
