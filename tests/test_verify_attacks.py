"""Attacks on `letters verify`: forged bags, fingerprints, folders with links, holey bags, fuzz."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import socket
import struct
import tempfile
import zipfile
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from click.testing import Result
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from letters.bag import checks, ziparchive
from letters.bag.findings import Collected
from letters.bag.hashing import Pipeline
from letters.bag.members import Member
from letters.bag.paths import MAX_ENTRIES
from letters.bag.zipped import DirectoryEntry, ZipSource
from letters.verify import (
    EncryptedEntry,
    FingerprintMismatch,
    IndexDisagrees,
    MalformedTagFile,
    MissingTagManifest,
    NoFingerprint,
    NoTagManifest,
    NotComplete,
    SpecialFile,
    SymlinkEntry,
    TagFileBom,
    VerifyReport,
    WeakChecksums,
    verify_bundle,
)
from tests.bundle_fixtures import BAG, build, make_evidence
from tests.conformance_cases import FIVE, Layout, write_bag, zip_bag
from tests.conftest import run

Entries = list[tuple[str, bytes]]


class Original(tuple[bytes, str]):
    """Our bundle's bytes and its fingerprint, shown briefly in a failing example."""

    def __repr__(self) -> str:
        return f"<bundle of {len(self[0])} bytes>"


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, str]:
    """Our bundle's bytes and the fingerprint `bundle` printed for it."""
    root = tmp_path_factory.mktemp("original")
    out = root / f"{BAG}.zip"
    result = build(make_evidence(root / "evidence"), out)
    return Original((out.read_bytes(), result.fingerprint))


def errors(result: Result) -> str:
    """Return what a run printed on standard error (all output, where Click mixes them)."""
    try:
        return result.stderr
    except ValueError:  # Click before 8.2 keeps one stream unless asked
        return result.output


def as_zip_and_folder(folder: Path) -> VerifyReport:
    """Verify a bag folder and its zip; check they get one report, and return it."""
    zipped = verify_bundle(zip_bag(folder, folder.with_suffix(".zip")))
    report = verify_bundle(folder)
    assert (zipped.findings, zipped.warnings, zipped.not_checked, zipped.to_fetch) == (
        report.findings,
        report.warnings,
        report.not_checked,
        report.to_fetch,
    )
    return report


def entries_of(data: bytes) -> Entries:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def write_entries(path: Path, entries: Entries) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, (2026, 11, 24, 0, 0, 0))
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data)
    return path


def forge(entries: Entries, agent: bool = True, replace: bool = True) -> Entries:
    """Replace a payload file (unless told not to) and recompute the payload manifests; drop
    the tag manifests."""
    files = dict(entries)
    if replace:
        target = next(n for n in files if "/data/evidence/" in n)
        files[target] = b"a different piece of evidence"
    payload = {n.removeprefix(BAG + "/"): d for n, d in files.items() if f"{BAG}/data/" in n}
    for algorithm in ("sha256", "sha512"):
        lines = sorted(
            f"{hashlib.new(algorithm, d).hexdigest()}  {n}\n" for n, d in payload.items()
        )
        files[f"{BAG}/manifest-{algorithm}.txt"] = "".join(lines).encode()
    info = files[f"{BAG}/bag-info.txt"].decode()
    oxum = f"{sum(len(d) for d in payload.values())}.{len(payload)}"
    info = re.sub(r"Payload-Oxum: \S+", f"Payload-Oxum: {oxum}", info)
    if not agent:
        info = re.sub(r"Bag-Software-Agent: .*\n", "", info)
    files[f"{BAG}/bag-info.txt"] = info.encode()
    return [(n, d) for n, d in files.items() if "/tagmanifest-" not in n]


# --- the headline attack: a forged bag checked against the original fingerprint -----------


def test_a_forged_bag_is_invalid_against_the_original_fingerprint(
    original: tuple[bytes, str], tmp_path: Path
) -> None:
    data, fingerprint = original
    forged = write_entries(tmp_path / "forged.zip", forge(entries_of(data)))
    with zipfile.ZipFile(forged) as archive:
        archive.extractall(tmp_path / "unpacked")
    for path in (forged, tmp_path / "unpacked" / BAG):
        report = verify_bundle(path, fingerprint=fingerprint)
        assert not report.valid
        assert MissingTagManifest("tagmanifest-sha256.txt") in report.findings
        assert NoFingerprint(fingerprint) in report.findings
    result = run("verify", forged, "--fingerprint", fingerprint)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == f"INVALID: {forged}"
    assert (
        "  bag-info.txt says letters made this bag, but tagmanifest-sha256.txt is missing: "
        "letters always writes it, so the bag was changed"
    ) in result.stdout.splitlines()
    assert (
        "  the bag has no tagmanifest-sha256.txt, so it cannot be the bundle with fingerprint "
        f"{fingerprint}"
    ) in result.stdout.splitlines()


def test_a_forged_bag_that_hides_its_maker_is_caught_by_the_fingerprint(
    original: tuple[bytes, str], tmp_path: Path
) -> None:
    data, fingerprint = original
    forged = write_entries(tmp_path / "forged.zip", forge(entries_of(data), agent=False))
    # Without the fingerprint it is just someone's bag, and the report says what that means.
    alone = verify_bundle(forged)
    assert alone.valid and not alone.made_by_letters
    assert alone.not_checked == (NoTagManifest(),)
    against = verify_bundle(forged, fingerprint=fingerprint.upper())
    assert against.findings == (NoFingerprint(fingerprint),)
    assert run("verify", forged, "--fingerprint", fingerprint).exit_code == 1


def test_a_rebagged_forgery_has_another_fingerprint(
    original: tuple[bytes, str], tmp_path: Path
) -> None:
    data, fingerprint = original
    entries = forge(entries_of(data))
    # Its own index still lists the evidence as it was made ...
    naive = write_entries(tmp_path / "naive.zip", entries)
    assert IndexDisagrees in [type(f) for f in verify_bundle(naive).findings]
    # ... and a forger who writes the index again, its checksums too, makes a consistent bag.
    before, after = dict(entries_of(data)), dict(entries)
    target = next(n for n in after if "/data/evidence/" in n and after[n] != before[n])
    old, new = (hashlib.sha256(d[target]).hexdigest() for d in (before, after))
    for index in ("index.csv", "index.json"):
        name = f"{BAG}/data/index/{index}"
        after[name] = after[name].replace(old.encode(), new.encode())
    entries = forge(list(after.items()), replace=False)
    tags = {n: d for n, d in entries if "/data/" not in n}
    for algorithm in ("sha256", "sha512"):
        lines = [
            f"{hashlib.new(algorithm, d).hexdigest()}  {n.removeprefix(BAG + '/')}\n"
            for n, d in sorted(tags.items())
        ]
        entries.append((f"{BAG}/tagmanifest-{algorithm}.txt", "".join(lines).encode()))
    forged = write_entries(tmp_path / "rebagged.zip", entries)
    assert verify_bundle(forged).valid  # a consistent bag, by itself
    report = verify_bundle(forged, fingerprint=fingerprint)
    assert [type(f) for f in report.findings] == [FingerprintMismatch]
    assert report.findings[0].expected == fingerprint  # type: ignore[attr-defined]


def test_the_fingerprint_may_be_grouped_but_must_be_whole(
    original: tuple[bytes, str], tmp_path: Path
) -> None:
    data, fingerprint = original
    bundle = tmp_path / "b.zip"
    bundle.write_bytes(data)
    grouped = " ".join(fingerprint[i : i + 8] for i in range(0, 64, 8))
    result = run("verify", bundle, "--fingerprint", grouped)
    assert result.exit_code == 0
    assert result.stdout == (
        f"VALID: {bundle} — {verify_bundle(bundle).payload_files} files, "
        f"{verify_bundle(bundle).payload_bytes:,} bytes, fingerprint {fingerprint}, the one given\n"
    )
    short = run("verify", bundle, "--fingerprint", fingerprint[:-1])
    assert short.exit_code == 2
    assert errors(short) == (
        f"Error: {fingerprint[:-1]} is not a fingerprint: give the 64 hexadecimal digits "
        "(0-9, a-f) that letters printed when it made the bundle\n"
    )


def test_our_bundle_zipped_or_unpacked_carries_no_warning(
    original: tuple[bytes, str], tmp_path: Path
) -> None:
    data, fingerprint = original
    bundle = tmp_path / "b.zip"
    bundle.write_bytes(data)
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(tmp_path / "unpacked")
    for path in (bundle, tmp_path / "unpacked" / BAG):
        report = verify_bundle(path, fingerprint=fingerprint, strict=True)
        assert (report.verdict, report.warnings, report.not_checked) == ("VALID", (), ())
        assert report.made_by_letters and report.fingerprint_matched


# --- zips ----------------------------------------------------------------------------------


@pytest.mark.parametrize("flags", [0x01, 0x40, 0x41])
def test_encrypted_and_strongly_encrypted_entries_are_invalid(
    original: tuple[bytes, str], tmp_path: Path, flags: int
) -> None:
    data = bytearray(original[0])
    name = f"{BAG}/data/evidence/chat log.txt".encode()
    local = data.index(name) - 30
    central = data.rindex(name) - 46
    data[local + 6] |= flags
    data[central + 8] |= flags
    bundle = tmp_path / "b.zip"
    bundle.write_bytes(bytes(data))
    report = verify_bundle(bundle)
    assert EncryptedEntry("data/evidence/chat log.txt") in report.findings
    assert run("verify", bundle).exit_code == 1


@pytest.mark.parametrize("where", ["end", "middle", "start"])
def test_a_zip_missing_one_byte_is_invalid_not_an_error(
    original: tuple[bytes, str], tmp_path: Path, where: str
) -> None:
    data = original[0]
    at = {"end": len(data) - 1, "middle": len(data) // 2, "start": 0}[where]
    bundle = tmp_path / "b.zip"
    bundle.write_bytes(data[:at] + data[at + 1 :])
    result = run("verify", bundle)
    assert result.exit_code == 1, errors(result)
    assert result.stdout.startswith(f"INVALID: {bundle}\n")


# --- other tools' bags -------------------------------------------------------------------


def test_md5_only_is_valid_with_a_warning_and_strict_makes_it_invalid(tmp_path: Path) -> None:
    bag = write_bag(tmp_path / "md5-bag", Layout("1.0", dict(FIVE)))
    report = as_zip_and_folder(bag)
    assert report.warnings == (WeakChecksums(("md5",)),)
    result = run("verify", bag)
    assert result.exit_code == 0
    assert result.stdout == (
        f"VALID, with warnings: {bag} — 5 files, 25 bytes\n"
        "  Checked: BagIt 1.0; payload manifests: md5; tag manifests: md5\n"
        "  Warning: the payload's only checksums are md5: they reveal accidental damage, but "
        "someone who changes a file on purpose can make a matching one\n"
        "  Not checked: it has no SHA-256 tag manifest, so it has no fingerprint\n"
    )
    strict = run("verify", bag, "--strict")
    assert strict.exit_code == 1
    assert strict.stdout.startswith(f"INVALID: {bag}\n  the payload's only checksums are md5")


@pytest.mark.parametrize(("version", "verdict"), [("1.0", "INVALID"), ("0.97", "warning")])
def test_a_byte_order_mark_before_a_utf8_tag_file(
    tmp_path: Path, version: str, verdict: str
) -> None:
    def bom(root: Path) -> None:
        manifest = root / "manifest-sha256.txt"
        manifest.write_bytes(b"\xef\xbb\xbf" + manifest.read_bytes())

    layout = Layout(version, dict(FIVE), ("sha256",), (), info=[], after=bom)
    report = as_zip_and_folder(write_bag(tmp_path / "bom", layout))
    if verdict == "INVALID":
        assert report.findings == (MalformedTagFile("manifest-sha256.txt", 0, "bom"),)
    else:
        assert report.valid and report.warnings == (TagFileBom("manifest-sha256.txt"),)


def test_a_holey_bag_is_not_complete_and_nothing_is_fetched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("verify tried to use the network")

    for name in ("socket", "create_connection", "getaddrinfo"):
        monkeypatch.setattr(socket, name, refuse)
    fetch = [
        "https://example.org/test2.txt 5 data/test2.txt",
        "https://example.org/t1 - data/test1.txt",
    ]
    layout = Layout("1.0", dict(FIVE), ("sha512",), ("sha512",), fetch=fetch, absent=["test2.txt"])
    bag = write_bag(tmp_path / "holey", layout)
    report = as_zip_and_folder(bag)
    assert report.findings == (NotComplete(("data/test2.txt",)),)
    assert report.to_fetch == ("data/test2.txt",)
    result = run("verify", bag)
    assert result.exit_code == 1
    assert result.stdout == (
        f"INVALID: {bag}\n"
        "  the bag is not complete: fetch.txt lists files to download that are not in it "
        "(data/test2.txt); letters never downloads anything — fetch them with the tool that "
        "made the bag, then verify again\n"
        "  Not checked: it has no SHA-256 tag manifest, so it has no fingerprint\n"
    )


# --- folders ------------------------------------------------------------------------------


def test_links_in_a_bag_folder_are_reported_never_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "passwords.txt").write_text("hunter2")
    bag = write_bag(tmp_path / "linked", Layout("1.0", dict(FIVE), ("sha512",), ("sha512",)))
    (bag / "data" / "test1.txt").unlink()
    (bag / "data" / "test1.txt").symlink_to(secret / "passwords.txt")
    (bag / "data" / "elsewhere").symlink_to(secret, target_is_directory=True)
    report = verify_bundle(bag)
    assert SymlinkEntry("data/test1.txt") in report.findings
    assert SymlinkEntry("data/elsewhere") in report.findings
    assert not any("passwords" in f.message for f in report.findings)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="pipes are a POSIX thing")
def test_a_pipe_in_a_bag_folder_is_reported_not_opened(tmp_path: Path) -> None:
    bag = write_bag(tmp_path / "piped", Layout("1.0", dict(FIVE), ("sha512",), ("sha512",)))
    os.mkfifo(bag / "data" / "pipe")  # opening it for reading would wait forever
    assert SpecialFile("data/pipe") in verify_bundle(bag).findings


# --- fuzz: any change to a bundle is INVALID or an input error, never a traceback ----------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(
        st.tuples(
            st.sampled_from(["flip", "insert", "delete"]), st.floats(0, 1), st.integers(1, 255)
        ),
        min_size=1,
        max_size=3,
    )
)
def test_any_changed_zip_is_never_valid(original: tuple[bytes, str], edits: list) -> None:  # type: ignore[type-arg]
    data = bytearray(original[0])
    for op, where, value in edits:
        at = min(int(where * len(data)), len(data) - 1)
        if op == "flip":
            data[at] ^= value
        elif op == "insert":
            data.insert(at, value)
        else:
            del data[at]
    if bytes(data) == original[0]:
        return
    with tempfile.TemporaryDirectory() as tmp:
        bundle = Path(tmp) / "b.zip"
        bundle.write_bytes(bytes(data))
        result = run("verify", bundle)
        assert result.exit_code in (1, 2), result.stdout
        assert "Traceback" not in result.output + errors(result)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    op=st.sampled_from(["flip", "append", "truncate", "delete", "add", "rename"]),
    pick=st.floats(0, 1),
    value=st.integers(1, 255),
)
def test_any_changed_bag_folder_is_never_valid(
    original: tuple[bytes, str], op: str, pick: float, value: int
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with zipfile.ZipFile(io.BytesIO(original[0])) as archive:
            archive.extractall(root)
        bag = root / BAG
        files = sorted(p for p in bag.rglob("*") if p.is_file())
        target = files[min(int(pick * len(files)), len(files) - 1)]
        content = bytearray(target.read_bytes())
        if op == "flip" and content:
            content[min(int(pick * len(content)), len(content) - 1)] ^= value
            target.write_bytes(bytes(content))
        elif op == "append" or (op == "flip" and not content):
            target.write_bytes(bytes(content) + bytes([value]))
        elif op == "truncate" and content:
            target.write_bytes(bytes(content[:-1]))
        elif op == "delete" or op == "truncate":
            target.unlink()
        elif op == "add":
            (target.parent / f"planted-{value}.txt").write_bytes(b"planted")
        else:
            shutil.move(target, target.with_name(target.name + ".renamed"))
        result = run("verify", bag)
        assert result.exit_code == 1, result.stdout
        assert "Traceback" not in result.output + errors(result)


# --- the zip's directory, read in compact records exactly as zipfile reads it --------------

ENTRY_FIELDS = list(DirectoryEntry.__slots__)


def compact_directory(path: Path) -> list[DirectoryEntry] | None:
    """Return the zip's directory as verify reads it, or None where it lets zipfile read it."""
    with open(path, "rb", buffering=0) as handle, Pipeline() as pipeline:
        return ZipSource(handle, Collected(), None, pipeline).directory()


def as_zipfile_reads_it(path: Path) -> list[dict[str, Any]] | str:
    """Return each entry's fields as zipfile reads them, or the error zipfile raises."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except Exception as error:  # any failure is a reason to leave the directory to zipfile
        return repr(error)
    return [
        {name: getattr(DirectoryEntry.of(info), name) for name in ENTRY_FIELDS} for info in infos
    ]


def read_alike(path: Path) -> bool:
    """Check the compact reader reads the zip as zipfile does; return whether it read it."""
    compact = compact_directory(path)
    if compact is not None:
        assert [{n: getattr(e, n) for n in ENTRY_FIELDS} for e in compact] == (
            as_zipfile_reads_it(path)
        )
    return compact is not None


def test_our_bundle_directory_is_read_compactly_as_zipfile_reads_it(
    original: tuple[bytes, str], tmp_path: Path
) -> None:
    bundle = tmp_path / "b.zip"
    bundle.write_bytes(original[0])
    assert read_alike(bundle)
    assert len(compact_directory(bundle) or []) == len(entries_of(original[0]))


def test_a_zip64_directory_is_read_compactly_as_zipfile_reads_it(tmp_path: Path) -> None:
    # Lower zipfile's limits rather than write 4 GiB: every size, offset and count in ZIP64.
    with (
        mock.patch.object(ziparchive, "ZIP64_LIMIT", 10),
        mock.patch.object(ziparchive, "FILECOUNT_LIMIT", 5),
    ):
        build(make_evidence(tmp_path / "evidence"), tmp_path / "b.zip")
    data = (tmp_path / "b.zip").read_bytes()
    assert b"PK\x06\x06" in data  # the ZIP64 end record
    assert read_alike(tmp_path / "b.zip")
    assert verify_bundle(tmp_path / "b.zip").findings == ()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(
        st.tuples(
            st.sampled_from(["flip", "insert", "delete", "set"]),
            st.floats(0, 1),
            st.integers(1, 255),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_a_damaged_directory_is_read_as_zipfile_reads_it_or_left_to_zipfile(
    original: tuple[bytes, str],
    edits: list,  # type: ignore[type-arg]
) -> None:
    # The edits fall in the central directory and the end records, where two readers could
    # disagree: either the compact reader reads exactly what zipfile reads, or it lets
    # zipfile read the directory (and verify reports what zipfile raises, as before).
    data = bytearray(original[0])
    (directory,) = struct.unpack_from("<L", data, data.rfind(b"PK\x05\x06") + 16)
    for op, where, value in edits:
        at = directory + min(int(where * (len(data) - directory)), len(data) - directory - 1)
        if op == "flip":
            data[at] ^= value
        elif op == "insert":
            data.insert(at, value)
        elif op == "delete":
            del data[at]
        else:
            data[at] = value
    with tempfile.TemporaryDirectory() as tmp:
        bundle = Path(tmp) / "b.zip"
        bundle.write_bytes(bytes(data))
        event(f"read compactly: {read_alike(bundle)}")


TOO_MANY = "holds more than 21,000 files, more than letters checks in one bag"


@pytest.mark.parametrize("how", ["declared", "hidden", "hidden after other bytes"])
def test_a_zip_of_more_files_than_letters_checks_is_refused_before_they_are_kept(
    tmp_path: Path, how: str
) -> None:
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(MAX_ENTRIES + 1):
            archive.writestr(f"bag/data/{number:05}.txt", b"")
    if how != "declared":  # the end record says one entry: only the directory tells
        data = bytearray(path.read_bytes())
        struct.pack_into("<2H", data, data.rfind(b"PK\x05\x06") + 8, 1, 1)
        # Bytes before the zip leave the directory to zipfile, which would keep all of it.
        path.write_bytes(b"junk" * (how == "hidden after other bytes") + data)
    result = run("verify", path)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        f"Error: {path} {TOO_MANY}\n",
    )


def test_a_bag_folder_of_more_files_than_letters_checks_is_refused(tmp_path: Path) -> None:
    bag = write_bag(tmp_path / "bag", Layout())
    for number in range(MAX_ENTRIES + 1):
        (bag / "data" / f"{number:05}.txt").touch()
    result = run("verify", bag)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"Error: {bag} {TOO_MANY}\n")


def test_a_tag_file_longer_than_letters_reads_is_read_no_further(tmp_path: Path) -> None:
    def lengthen(root: Path) -> None:
        with (root / "manifest-md5.txt").open("a", encoding="utf-8") as manifest:
            manifest.write("not a manifest line\n" * MAX_ENTRIES)

    report = verify_bundle(write_bag(tmp_path / "long", Layout(after=lengthen)))
    malformed = [f for f in report.findings if isinstance(f, MalformedTagFile)]
    assert malformed[-1] == MalformedTagFile("manifest-md5.txt", MAX_ENTRIES + 1, "too-many")
    # The two files' lines, then the others up to the most: each reported once.
    assert len(malformed) == MAX_ENTRIES - 1


def test_tag_files_past_their_room_together_are_too_large_and_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bag = write_bag(tmp_path / "room", Layout("1.0", dict(FIVE), ("sha256", "sha512"), ("sha256",)))
    sizes = {path.name: path.stat().st_size for path in bag.iterdir() if path.is_file()}
    # Room for every tag file but the largest, which is read (its checksums) but not kept.
    monkeypatch.setattr(checks, "TAG_BUDGET", sum(sizes.values()) - sizes["manifest-sha512.txt"])
    kept: list[str] = []
    keep = Member.hashed

    def hashed(member: Member, job: Any, algorithms: Any) -> None:
        keep(member, job, algorithms)
        if member.content is not None:
            kept.append(member.path)

    monkeypatch.setattr(Member, "hashed", hashed)
    report = as_zip_and_folder(bag)
    assert report.findings == (MalformedTagFile("manifest-sha512.txt", 0, "too-large"),)
    assert "manifest-sha512.txt" not in kept and "manifest-sha256.txt" in kept


def test_an_entry_compressed_like_a_zip_bomb_is_not_inflated(
    original: tuple[bytes, str], tmp_path: Path
) -> None:
    # 256 MiB of zeros in a quarter of a megabyte: checking it would take seconds of hashing
    # per megabyte of the zip (4 GiB in 4 MB took 25 s). The rest of the bundle is checked.
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries_of(original[0]):
            archive.writestr(name, data)
        zeros = zipfile.ZipInfo(f"{BAG}/data/evidence/zeros.bin", (2026, 11, 24, 0, 0, 0))
        zeros.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(zeros, "w") as stream:
            block = bytes(1 << 20)
            for _ in range(256):
                stream.write(block)
    with mock.patch("zlib.decompressobj", wraps=__import__("zlib").decompressobj) as inflate:
        report = verify_bundle(path)
    assert not report.valid
    assert any(
        "data/evidence/zeros.bin is compressed more than 250 to 1, as zip bombs are: not checked"
        in line
        for line in report.lines()
    ), report.lines()
    assert inflate.call_count == 0  # nothing was inflated: every other entry is stored
