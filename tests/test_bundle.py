"""Building evidence bundles: layout, outside tools, reproducibility, and hostile evidence."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import time
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import bagit
import pytest

from letters import bundle
from letters.bag import ziparchive
from letters.bundle import BundleIndex, build_bundle, scan_evidence
from letters.errors import BundleError, InputError, OutputExistsError
from letters.verify import verify_bundle
from tests.bundle_fixtures import (
    BAG,
    DAY,
    DOCUMENTS,
    EVENTS,
    EVIDENCE,
    INFO,
    PLAIN_EVIDENCE,
    build,
    make_evidence,
    snapshot,
)
from tests.conftest import SAMPLE_CASE, needs_tool, run
from tests.zip_reference import entries_of, zipfile_bytes


@pytest.fixture
def evidence(tmp_path: Path) -> Path:
    return make_evidence(tmp_path / "evidence")


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "out" / f"{BAG}.zip"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def unzip(path: Path, into: Path) -> Path:
    with zipfile.ZipFile(path) as archive:
        archive.extractall(into)
    return into / path.stem


# --- layout ------------------------------------------------------------------------------


def test_the_zip_holds_one_bag_folder_in_a_fixed_order(evidence: Path, out: Path) -> None:
    build(evidence, out)
    with zipfile.ZipFile(out) as archive:
        infos = archive.infolist()
    assert [i.filename.removeprefix(BAG + "/") for i in infos] == [
        "bagit.txt",
        "data/documents/request.en.pdf",
        "data/documents/request.en.txt",
        "data/evidence/100% refund.pdf",
        "data/evidence/chat log.txt",
        "data/evidence/mail/2026/11/深/层/文件夹/bill 账单.pdf",
        "data/evidence/mail/2026/11/确认 confirmation.eml",
        "data/evidence/微信截图 2026-11-20.png",
        "data/index/index.csv",
        "data/index/index.json",
        "data/index/timeline.csv",
        "bag-info.txt",
        "manifest-sha256.txt",
        "manifest-sha512.txt",
        "tagmanifest-sha256.txt",
        "tagmanifest-sha512.txt",
    ]
    for info in infos:
        assert info.filename.startswith(BAG + "/")
        assert info.compress_type == zipfile.ZIP_STORED
        assert info.date_time == (2026, 11, 24, 0, 0, 0)
        assert info.create_system == 3
        assert info.external_attr == (stat.S_IFREG | 0o644) << 16
        assert bool(info.flag_bits & 0x800) == (not info.filename.isascii())


def test_the_evidence_is_stored_exactly_as_found(evidence: Path, out: Path) -> None:
    build(evidence, out)
    stored = members(out)
    for name, data in EVIDENCE.items():
        assert stored[f"{BAG}/data/evidence/{name}"] == data
    for name, data in DOCUMENTS.items():
        assert stored[f"{BAG}/data/documents/{name}"] == data


def test_tag_files(evidence: Path, out: Path) -> None:
    result = build(evidence, out)
    stored = members(out)
    assert stored[f"{BAG}/bagit.txt"] == b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    payload = {n: d for n, d in stored.items() if n.startswith(f"{BAG}/data/")}
    octets = sum(len(d) for d in payload.values())
    assert stored[f"{BAG}/bag-info.txt"].decode() == (
        "Contact-Name: 王小明\n"
        "Contact-Email: xm.wang@example.com\n"
        "External-Description: Closure of an Example Mobile account\n"
        "Bagging-Date: 2026-11-24\n"
        "External-Identifier: ACC-****77\n"
        f"Payload-Oxum: {octets}.{len(payload)}\n"
        "Bag-Software-Agent: letters 0.1.0\n"
    )
    assert (result.payload_bytes, result.payload_files) == (octets, len(payload))
    assert result.fingerprint == sha256(stored[f"{BAG}/tagmanifest-sha256.txt"])


def test_manifests_percent_encode_only_cr_lf_and_percent(evidence: Path, out: Path) -> None:
    build(evidence, out)
    stored = members(out)
    lines = stored[f"{BAG}/manifest-sha256.txt"].decode().splitlines()
    expected = {f"data/evidence/{n}".replace("%", "%25"): sha256(d) for n, d in EVIDENCE.items()}
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    assert {p: h for p, h in listed.items() if p.startswith("data/evidence/")} == expected
    assert "data/evidence/100%25 refund.pdf" in listed
    assert "data/evidence/mail/2026/11/深/层/文件夹/bill 账单.pdf" in listed
    tag_lines = stored[f"{BAG}/tagmanifest-sha512.txt"].decode().splitlines()
    assert [line.split("  ")[1] for line in tag_lines] == [
        "bag-info.txt",
        "bagit.txt",
        "manifest-sha256.txt",
        "manifest-sha512.txt",
    ]
    for line in tag_lines:
        digest, name = line.split("  ")
        assert digest == hashlib.sha512(stored[f"{BAG}/{name}"]).hexdigest()


def test_exhibits_are_numbered_by_path_and_linked_to_events(evidence: Path, out: Path) -> None:
    result = build(evidence, out)
    assert [(x.number, x.path, x.kind, x.date, x.events) for x in result.exhibits] == [
        (1, "100% refund.pdf", "pdf", date(2026, 11, 18), (1,)),
        (2, "chat log.txt", "text", date(2026, 11, 18), (1,)),
        (3, "mail/2026/11/深/层/文件夹/bill 账单.pdf", "pdf", date(2026, 11, 21), (3,)),
        (4, "mail/2026/11/确认 confirmation.eml", "email", date(2026, 11, 21), (3,)),
        (5, "微信截图 2026-11-20.png", "image", date(2026, 11, 20), (2,)),
    ]
    exhibits = tuple(result.exhibits)  # a sequence, indexed and sliced as a tuple is
    assert (result.exhibits[0], result.exhibits[-1]) == (exhibits[0], exhibits[-1])
    assert result.exhibits[1:4] == exhibits[1:4] and result.exhibits[::-2] == exhibits[::-2]
    with pytest.raises(IndexError):
        result.exhibits[5]
    assert [(e.number, e.event.channel, e.exhibits) for e in result.index.timeline] == [
        (1, "chat", (1, 2)),
        (2, "phone", (5,)),
        (3, "email", (3, 4)),
    ]


def test_index_files_are_readable_by_a_clerk(evidence: Path, out: Path) -> None:
    build(evidence, out)
    stored = members(out)
    index_csv = stored[f"{BAG}/data/index/index.csv"].decode("utf-8")
    assert index_csv.startswith("\ufeff")  # so that Excel reads the Chinese as UTF-8
    rows = list(csv.reader(io.StringIO(index_csv.removeprefix("\ufeff"))))
    assert rows[0] == ["exhibit", "path", "type", "size", "date", "sha256", "events"]
    png = EVIDENCE["微信截图 2026-11-20.png"]
    assert rows[5] == [
        "5",
        "data/evidence/微信截图 2026-11-20.png",
        "image",
        str(len(png)),
        "2026-11-20",
        sha256(png),
        "2",
    ]
    assert stored[f"{BAG}/data/index/timeline.csv"].decode() == (
        "\ufeffevent,date,time,channel,party,reference,summary,exhibits,evidence,certified_mail\r\n"
        '1,2026-11-18,09:00-08:00,chat,,,"Chat about the balance, 100% refund promised",'
        '"1, 2",chat log.txt | 100% refund.pdf,\r\n'
        "2,2026-11-20,14:30-08:00,phone,Agent Lisa,CS-12345,"
        "Asked to close the account; told to send a written request.,5,微信截图 2026-11-20.png,\r\n"
        '3,2026-11-21,10:05-08:00,email,,,Confirmation email,"3, 4",mail/2026/11,\r\n'
    )
    document = json.loads(stored[f"{BAG}/data/index/index.json"])
    assert document["bag"] == BAG
    assert document["exhibits"][0] == {
        "exhibit": 1,
        "path": "data/evidence/100% refund.pdf",
        "type": "pdf",
        "size": len(EVIDENCE["100% refund.pdf"]),
        "date": "2026-11-18",
        "sha256": sha256(EVIDENCE["100% refund.pdf"]),
        "events": [1],
    }
    assert document["timeline"][1]["at"] == "2026-11-20T14:30:00-08:00"
    assert document["timeline"][1]["exhibits"] == [5]
    assert document["documents"] == [
        {"path": f"data/documents/{n}", "size": len(d), "sha256": sha256(d)}
        for n, d in sorted(DOCUMENTS.items())
    ]


def test_the_index_pdf_is_rendered_by_the_caller_from_the_hashed_exhibits(
    evidence: Path, out: Path
) -> None:
    seen: list[BundleIndex] = []

    def render(index: BundleIndex) -> bytes:
        seen.append(index)
        return b"%PDF index " + ",".join(x.sha256[:8] for x in index.exhibits).encode()

    result = build(evidence, out, index_pdf=render)
    assert seen == [result.index]
    pdf = members(out)[f"{BAG}/data/index/index.pdf"]
    hashes = ",".join(sha256(EVIDENCE[x.path])[:8] for x in result.exhibits)
    assert pdf == b"%PDF index " + hashes.encode()
    assert verify_bundle(out).valid


def test_a_cited_path_missing_from_the_evidence_is_a_warning(evidence: Path, out: Path) -> None:
    event = EVENTS[0].__class__(
        at=date(2026, 11, 22), channel="mail", summary="Letter", evidence=("receipt.jpg",)
    )
    result = build(evidence, out, events=(event,))
    assert [w.message for w in result.warnings] == [
        "event 1 cites receipt.jpg, which is not in the evidence folder"
    ]
    assert result.index.timeline[0].missing == ("receipt.jpg",)


def test_a_bundle_without_evidence(out: Path) -> None:
    result = build(None, out, events=())
    assert list(result.exhibits) == []
    assert verify_bundle(out).valid


def test_a_long_description_is_folded_onto_continuation_lines(evidence: Path, out: Path) -> None:
    info = bundle.BagInfo("王小明", "First line\nsecond line")
    build(evidence, out, info=info)
    text = members(out)[f"{BAG}/bag-info.txt"].decode()
    assert "External-Description: First line\n  second line\n" in text
    value = bagit.Bag(str(unzip(out, out.parent / "x"))).info["External-Description"]
    assert " ".join(value.split()) == "First line second line"


def test_progress_counts_every_evidence_byte(evidence: Path, out: Path) -> None:
    scanned = scan_evidence(evidence)
    counted: list[int] = []
    build_bundle(out, scanned, bagging_date=DAY, info=INFO, progress=counted.append)
    assert sum(counted) == scanned.total_bytes == sum(len(d) for d in EVIDENCE.values())


# --- outside checks ----------------------------------------------------------------------


def test_bagit_python_validates_the_unzipped_bag(tmp_path: Path, out: Path) -> None:
    build(make_evidence(tmp_path / "evidence", PLAIN_EVIDENCE), out)
    bag = bagit.Bag(str(unzip(out, tmp_path / "unzipped")))
    bag.validate()
    assert bag.version_info == (1, 0)
    assert sorted(bag.algorithms) == ["sha256", "sha512"]


@pytest.mark.xfail(
    strict=True,
    raises=bagit.BagValidationError,
    reason="bagit-python does not decode %25 in manifests (RFC 8493 §2.1.3; bagit-python#157)",
)
def test_bagit_python_validates_a_bag_with_a_percent_in_a_name(evidence: Path, out: Path) -> None:
    build(evidence, out)
    bagit.Bag(str(unzip(out, out.parent / "unzipped"))).validate()


def test_sha256sum_accepts_the_manifest(tmp_path: Path, out: Path) -> None:
    build(make_evidence(tmp_path / "evidence", PLAIN_EVIDENCE), out)
    folder = unzip(out, tmp_path / "unzipped")
    for manifest in ("manifest-sha256.txt", "tagmanifest-sha256.txt"):
        checked = subprocess.run(
            ["sha256sum", "--check", "--strict", manifest],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert checked.stdout.count(": OK\n") == len((folder / manifest).read_text().splitlines())


def test_sha256sum_accepts_the_manifest_once_percent_is_decoded(evidence: Path, out: Path) -> None:
    # sha256sum knows nothing of RFC 8493's %25; decoding it first is what a clerk would do.
    build(evidence, out)
    folder = unzip(out, out.parent / "unzipped")
    decoded = (folder / "manifest-sha256.txt").read_text().replace("%25", "%")
    checked = subprocess.run(
        ["sha256sum", "--check", "--strict", "-"],
        cwd=folder,
        input=decoded,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "data/evidence/100% refund.pdf: OK" in checked.stdout


def test_unzip_tests_the_zip_cleanly(evidence: Path, out: Path) -> None:
    if shutil.which("unzip") is None:
        needs_tool("unzip")
    build(evidence, out)
    checked = subprocess.run(["unzip", "-tq", str(out)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_large_members_and_many_entries_use_zip64(
    tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Lower the writer's limits rather than write 4 GiB: the ZIP64 code paths are the same.
    monkeypatch.setattr(ziparchive, "ZIP64_LIMIT", 1000)
    monkeypatch.setattr(ziparchive, "FILECOUNT_LIMIT", 5)
    build(make_evidence(tmp_path / "evidence", PLAIN_EVIDENCE), out)
    monkeypatch.undo()
    data = out.read_bytes()
    assert b"PK\x06\x06" in data  # the ZIP64 end of central directory record
    report = verify_bundle(out)
    assert report.findings == ()
    bagit.Bag(str(unzip(out, tmp_path / "unzipped"))).validate()
    # And what zipfile writes for the same entries at the same limits.
    entries = entries_of(out)
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 1000)
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 5)
    assert data == zipfile_bytes(entries, DAY)


# --- same inputs, same bytes -------------------------------------------------------------


def test_same_inputs_give_the_same_bytes_whatever_the_machine_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_evidence(tmp_path / "a" / "evidence")
    # A second copy, written in the opposite order, with other modification times.
    second = make_evidence(tmp_path / "b" / "evidence", dict(reversed(EVIDENCE.items())))
    for number, path in enumerate(sorted(second.rglob("*"))):
        os.utime(path, ns=(1_000_000_000 * number, 1_500_000_000_000_000_000 + number))

    build(first, tmp_path / "a" / f"{BAG}.zip")
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    old_umask = os.umask(0o077)
    try:
        build(second, tmp_path / "b" / f"{BAG}.zip")
    finally:
        os.umask(old_umask)
    assert (tmp_path / "a" / f"{BAG}.zip").read_bytes() == (
        tmp_path / "b" / f"{BAG}.zip"
    ).read_bytes()


def test_events_in_any_order_give_the_same_bytes(case_file, evidence: Path, tmp_path: Path) -> None:
    # The case puts its events in order; the bundle numbers them in that order.
    head, *events = SAMPLE_CASE.split("[[events]]")
    assert len(events) > 1
    orders = {"1": events, "2": events[::-1]}
    for folder, ordered in orders.items():
        case = case_file(head + "".join("[[events]]" + e.rstrip() + "\n\n" for e in ordered),
                         name=f"case-{folder}.toml")  # fmt: skip
        out = tmp_path / folder / f"{BAG}.zip"
        result = run("bundle", case, evidence, "-o", out, "--date", "2026-11-24")
        assert result.exit_code == 0, result.stderr
    assert (tmp_path / "1" / f"{BAG}.zip").read_bytes() == (
        tmp_path / "2" / f"{BAG}.zip"
    ).read_bytes()


def test_names_are_stored_in_nfc(tmp_path: Path, out: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "café.txt")
    folder = unicodedata.normalize("NFD", "résumé")  # the file in it is found by its own name
    files = {decomposed: b"x", f"{folder}/note.txt": b"y", f"{folder}/{decomposed}": b"z"}
    evidence = make_evidence(tmp_path / "evidence", files)
    result = build(evidence, out)
    assert [x.path for x in result.exhibits] == ["café.txt", "résumé/café.txt", "résumé/note.txt"]
    with zipfile.ZipFile(out) as bag:
        assert [bag.read(f"{BAG}/{x.bag_path}") for x in result.exhibits] == [b"x", b"z", b"y"]


# --- what is skipped and what is refused -------------------------------------------------


def test_links_special_files_and_system_clutter_are_skipped_and_reported(
    evidence: Path, out: Path
) -> None:
    (evidence / "link.png").symlink_to(evidence / "chat log.txt")
    (evidence / "linked folder").symlink_to(evidence / "mail")
    os.mkfifo(evidence / "pipe")
    (evidence / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (evidence / "mail" / "Thumbs.db").write_bytes(b"thumbs")
    (evidence / "._微信截图 2026-11-20.png").write_bytes(b"appledouble")
    (evidence / ".Trashes").mkdir()
    (evidence / ".Trashes" / "old.png").write_bytes(b"x")
    (evidence / ".my notes.txt").write_bytes(b"kept: hidden files of the user's own")

    result = build(evidence, out)
    assert [w.message for w in result.warnings] == [
        "skipped .DS_Store: it is a file the operating system made, not evidence",
        "skipped .Trashes/: it is a file the operating system made, not evidence",
        "skipped ._微信截图 2026-11-20.png: it is a file the operating system made, not evidence",
        "skipped link.png: it is a symbolic link, and links are not followed",
        "skipped linked folder: it is a symbolic link, and links are not followed",
        "skipped mail/Thumbs.db: it is a file the operating system made, not evidence",
        "skipped pipe: it is not a regular file",
    ]
    by_folder = sorted(EVIDENCE, key=lambda p: p.split("/"))
    assert [x.path for x in result.exhibits] == [".my notes.txt", *by_folder]
    assert verify_bundle(out).valid


def test_an_unreadable_file_fails_the_build(
    evidence: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root reads files whatever their mode, so the refusal is simulated at os.open.
    target = evidence / "chat log.txt"
    real_open = os.open

    def refusing_open(path: object, flags: int, *args: object) -> int:
        if Path(str(path)) == target:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(bundle.os, "open", refusing_open)
    with pytest.raises(BundleError) as caught:
        build(evidence, out)
    assert caught.value.message == f"cannot read {target}: Permission denied"
    assert not out.exists()
    assert not out.parent.exists()  # nor the folder made for it


def test_a_file_that_grows_while_read_fails_the_build(evidence: Path, out: Path) -> None:
    target = evidence / "mail/2026/11/深/层/文件夹/bill 账单.pdf"
    scanned = scan_evidence(evidence)
    done = 0

    def grow(count: int) -> None:
        nonlocal done
        done += count
        if done == sum(f.size for f in scanned.files[:3]):  # the third file was just read
            with target.open("ab") as handle:
                handle.write(b"appended")

    with pytest.raises(BundleError) as caught:
        build_bundle(out, scanned, bagging_date=DAY, info=INFO, progress=grow)
    assert caught.value.message == (
        f"{target} changed while it was being read — close any program that is writing to it "
        "and run the command again"
    )
    assert not out.exists()
    assert not out.parent.exists()  # nor the folder made for it


def test_a_file_replaced_after_the_scan_fails_the_build(evidence: Path, out: Path) -> None:
    scanned = scan_evidence(evidence)
    target = evidence / "chat log.txt"
    target.unlink()
    target.write_bytes(EVIDENCE["chat log.txt"])  # same content, another file
    with pytest.raises(BundleError, match="changed while it was being read"):
        build_bundle(out, scanned, bagging_date=DAY, info=INFO)
    assert not out.exists()


def test_an_output_inside_the_evidence_folder_is_refused(evidence: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        build(evidence, evidence / "mail" / "bundle.zip")
    assert caught.value.message == (
        f"{evidence / 'mail' / 'bundle.zip'} is inside the evidence folder {evidence}, which is "
        "never written to — choose another place with -o"
    )
    # Also through a link that leads into it.
    (tmp_path / "shortcut").symlink_to(evidence)
    with pytest.raises(InputError, match="is inside the evidence folder"):
        build(evidence, tmp_path / "shortcut" / "bundle.zip")
    assert not (evidence / "mail" / "bundle.zip").exists()
    assert not (evidence / "bundle.zip").exists()


def test_an_existing_output_is_replaced_only_with_force(evidence: Path, out: Path) -> None:
    out.parent.mkdir()
    out.write_bytes(b"earlier bundle")
    with pytest.raises(OutputExistsError) as caught:
        build(evidence, out)
    assert caught.value.message == (
        f"{out} already exists — use --force to replace it, or write elsewhere"
    )
    assert out.read_bytes() == b"earlier bundle"
    build(evidence, out, force=True)
    assert verify_bundle(out).valid


def test_an_interrupt_mid_build_leaves_nothing_behind(evidence: Path, out: Path) -> None:
    def interrupt(count: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build(evidence, out, progress=interrupt)
    assert not out.parent.exists()  # nor the folder made for it


def test_a_full_disk_is_a_bundle_error(
    evidence: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(self: object, *data: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ziparchive.ZipArchive, "add", full)  # entries written whole
    monkeypatch.setattr(ziparchive.ZipArchive, "write", full)  # entries streamed in
    with pytest.raises(BundleError) as caught:
        build(evidence, out)
    assert caught.value.message == f"cannot write {out}: No space left on device"
    assert not out.parent.exists()  # nor the folder made for it


def test_names_that_differ_only_in_unicode_form_are_refused(tmp_path: Path, out: Path) -> None:
    composed, decomposed = "é.txt", unicodedata.normalize("NFD", "é.txt")
    evidence = make_evidence(tmp_path / "evidence", {composed: b"1", decomposed: b"2"})
    with pytest.raises(BundleError) as caught:
        build(evidence, out)
    assert caught.value.message == (
        f"{evidence / 'é.txt'} and {evidence / 'é.txt'} differ only in letter case or Unicode "
        "form, so a zip cannot hold both on Windows or macOS — rename one and run the command again"
    )


def test_names_that_differ_only_in_case_are_refused(tmp_path: Path, out: Path) -> None:
    evidence = make_evidence(tmp_path / "evidence", {"IMG_1.PNG": b"1", "img_1.png": b"2"})
    with pytest.raises(BundleError, match="differ only in letter case"):
        build(evidence, out)


def test_a_name_that_is_not_utf8_is_refused(tmp_path: Path, out: Path) -> None:
    evidence = make_evidence(tmp_path / "evidence", PLAIN_EVIDENCE)
    with open(os.path.join(os.fsencode(evidence), b"scan\xff.png"), "wb") as handle:
        handle.write(b"x")
    with pytest.raises(BundleError) as caught:
        build(evidence, out)
    assert caught.value.message == (
        f"{evidence}/scan\\xff.png: the name is not valid UTF-8 — "
        "rename it and run the command again"
    )


def test_the_evidence_argument_must_be_a_folder(evidence: Path) -> None:
    with pytest.raises(InputError) as caught:
        scan_evidence(evidence / "chat log.txt")
    assert caught.value.message == (
        f"{evidence / 'chat log.txt'} is not a folder — name the folder that holds the evidence"
    )


@pytest.mark.parametrize("name", ["../escape.txt", "/etc/x", "a//b", "a\\b", "./x"])
def test_unusable_document_names_are_refused(evidence: Path, out: Path, name: str) -> None:
    with pytest.raises(InputError) as caught:
        build(evidence, out, documents={name: b"x"})
    assert caught.value.message == f"{name} cannot be a document name in a bundle"


# --- the evidence folder is never touched ------------------------------------------------


def test_the_evidence_folder_is_unchanged_by_a_build(evidence: Path, out: Path) -> None:
    (evidence / "link").symlink_to("chat log.txt")
    os.mkfifo(evidence / "pipe")
    (evidence / ".DS_Store").write_bytes(b"x")
    for number, path in enumerate(sorted(evidence.rglob("*"))):
        times = (1_700_000_000_000_000_000 + number, 1_600_000_000_000_000_000 + number)
        os.utime(path, ns=times, follow_symlinks=False)
    before = snapshot(evidence)
    build(evidence, out, index_pdf=lambda index: b"%PDF")
    assert snapshot(evidence) == before


def test_each_evidence_file_is_opened_once_and_read_only(
    evidence: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[tuple[str, int]] = []
    real_open = os.open

    def recording_open(path: object, flags: int, *args: object) -> int:
        opened.append((str(path), flags))
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(bundle.os, "open", recording_open)
    build(evidence, out)
    evidence_opens = [(p, f) for p, f in opened if p.startswith(str(evidence))]
    assert sorted(p for p, _f in evidence_opens) == sorted(str(evidence / n) for n in EVIDENCE)
    for _path, flags in evidence_opens:
        assert flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND) == 0
        assert flags & os.O_NOFOLLOW


def test_index_json_is_the_text_json_writes(evidence: Path, out: Path) -> None:
    odd = EVENTS[0].__class__(
        at=date(2026, 11, 22),
        channel="mail",
        party='say "hi" \\ back\tnow',
        summary="line\nbreak \u2028 \x01 😀 客服",
        evidence=("chat log.txt", "mail"),
    )
    build(evidence, out, events=(*EVENTS, odd))
    text = members(out)[f"{BAG}/data/index/index.json"].decode()
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"


def test_csv_cells_cannot_become_formulas_or_split_on_semicolons(evidence: Path, out: Path) -> None:
    hostile = EVENTS[0].__class__(
        at=date(2026, 11, 22),
        channel="mail",
        party='=HYPERLINK("http://x")',
        reference="+1-CS",
        summary="-2+3 @SUM(A1)",
        evidence=("chat log.txt", "100% refund.pdf"),
        certified_mail="9407 1118 9876 5432 1002",
    )
    build(evidence, out, events=(hostile,))
    stored = members(out)
    text = stored[f"{BAG}/data/index/timeline.csv"].decode("utf-8").removeprefix("\ufeff")
    (row,) = list(csv.reader(io.StringIO(text)))[1:]
    assert row[4:7] == ['\'=HYPERLINK("http://x")', "'+1-CS", "'-2+3 @SUM(A1)"]
    assert row[8:] == ["chat log.txt | 100% refund.pdf", "9407 1118 9876 5432 1002"]
    # A spreadsheet that guesses ";" as the separator finds none the tool wrote.
    for line in text.splitlines():
        assert len(next(csv.reader([line], delimiter=";"))) == 1
    document = json.loads(stored[f"{BAG}/data/index/index.json"])
    assert document["timeline"][0]["certified_mail"] == "9407 1118 9876 5432 1002"
    assert document["timeline"][0]["party"] == '=HYPERLINK("http://x")'  # data, kept as is
