"""The main job, end to end: kit and demo write the email, the letter and a bundle holding
them, and `letters bundle` / `letters verify` from the command line."""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path

import pypdf
import pytest

from tests.conftest import SAMPLE_CASE, SAMPLES, run

EVIDENCE = SAMPLES / "evidence"


def test_kit_writes_everything_and_bundles_it(tmp_path: Path) -> None:
    out = tmp_path / "kit"
    result = run(
        "kit", SAMPLES / "case-en.toml", "--evidence", EVIDENCE, "-o", out, "--date", "2026-11-24"
    )
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "bundle-2026-11-24.zip", "request.en.docx", "request.en.eml", "request.en.pdf",
        "request.en.txt",
    ]  # fmt: skip
    with zipfile.ZipFile(out / "bundle-2026-11-24.zip") as bag:
        inside = bag.namelist()
        for name in ("request.en.eml", "request.en.pdf", "request.en.docx", "request.en.txt"):
            member = f"bundle-2026-11-24/data/documents/{name}"
            assert bag.read(member) == (out / name).read_bytes()
        assert "bundle-2026-11-24/data/evidence/call-log-2026-11-20.png" in inside
        index = json.loads(bag.read("bundle-2026-11-24/data/index/index.json"))
        paths = [e["path"] for e in index["exhibits"]]
        assert paths == [f"data/evidence/{p.name}" for p in sorted(EVIDENCE.iterdir())]
        bag_info = bag.read("bundle-2026-11-24/bag-info.txt").decode()
        # Evidence for a third party: the account number in full, as the letter has it.
        assert "External-Identifier: ACC-889977\n" in bag_info
        pdf = pypdf.PdfReader(io.BytesIO(bag.read("bundle-2026-11-24/data/index/index.pdf")))
        text = "\n".join(page.extract_text() for page in pdf.pages)
    for value in (
        "Evidence index",
        "CS-12345",
        "CHAT-77810",
        "Agent Lisa",
        "call-log-2026-11-20.png",
    ):
        assert value in text
    fingerprint = result.stdout.splitlines()[-1].rsplit(" ", 1)[1]
    check = run("verify", out / "bundle-2026-11-24.zip")
    assert check.exit_code == 0
    assert check.stdout == (
        f"VALID: {out / 'bundle-2026-11-24.zip'} — 12 files, "
        f"{check.stdout.split(' files, ')[1].split(' bytes')[0]} bytes, fingerprint {fingerprint}\n"
        "  To be sure it is the very bundle that was made, compare this fingerprint with the one "
        "noted when it was made.\n"
    )


def test_the_same_kit_or_bundle_again_needs_no_force(tmp_path: Path) -> None:
    # Run twice with nothing changed: the files already hold what would be written, and stay.
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    for item in EVIDENCE.iterdir():
        (evidence / item.name).write_bytes(item.read_bytes())
    out = tmp_path / "out"
    kit = (
        "kit",
        SAMPLES / "case-en.toml",
        "--evidence",
        evidence,
        "-o",
        out,
        "--date",
        "2026-11-24",
    )
    bundle = ("bundle", SAMPLES / "case-en.toml", evidence, "-o", tmp_path / "b.zip",
              "--date", "2026-11-24")  # fmt: skip
    assert run(*kit).exit_code == 0 and run(*bundle).exit_code == 0
    made = {
        p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in [*out.iterdir(), tmp_path / "b.zip"]
    }
    assert run(*kit).exit_code == 0 and run(*bundle).exit_code == 0
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in made} == made
    # Evidence changed since: the bundles differ, and are not replaced without --force.
    (evidence / "new.png").write_bytes(b"a new screenshot")
    for command in (kit, bundle):
        result = run(*command)
        assert result.exit_code == 2, result.output
        assert "already exists — use --force to replace it" in result.stderr
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in made} == made
    assert sorted(out.iterdir()) == sorted(p for p in made if p.parent == out)


def test_kit_is_all_or_nothing(tmp_path: Path) -> None:
    out = tmp_path / "kit"
    out.mkdir()
    (out / "bundle-2026-11-24.zip").write_text("mine")
    result = run(
        "kit", SAMPLES / "case-en.toml", "--evidence", EVIDENCE, "-o", out, "--date", "2026-11-24"
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {out / 'bundle-2026-11-24.zip'} already exists — use --force to replace it, "
        "or write elsewhere\n"
    )
    assert sorted(p.name for p in out.iterdir()) == ["bundle-2026-11-24.zip"]


def test_same_case_same_bundle_in_any_time_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("kit", SAMPLES / "case-zh-CN.toml", "--evidence", EVIDENCE, "-o", tmp_path / "a",
        "--date", "2026-11-24", "--lang", "zh-CN")  # fmt: skip
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    run("kit", SAMPLES / "case-zh-CN.toml", "--evidence", EVIDENCE, "-o", tmp_path / "b",
        "--date", "2026-11-24", "--lang", "zh-CN")  # fmt: skip
    for name in ("bundle-2026-11-24.zip", "request.zh-CN.pdf", "request.zh-CN.docx"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_bundle_command_and_chinese_index(tmp_path: Path) -> None:
    out = tmp_path / "proof.zip"
    result = run(
        "bundle", SAMPLES / "case-zh-TW.toml", EVIDENCE, "-o", out, "--date", "2026-11-24",
        "--lang", "zh-TW",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"wrote {out}"
    with zipfile.ZipFile(out) as bag:
        assert {name.split("/")[0] for name in bag.namelist()} == {"proof"}
        pdf = pypdf.PdfReader(io.BytesIO(bag.read("proof/data/index/index.pdf")))
        text = pdf.pages[0].extract_text()
    assert "證據目錄" in text and "陳美玲" in text and "EW-2026-00042" in text


def test_bundle_output_inside_the_evidence_folder_is_refused(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    (evidence / "note.txt").write_text("hello")
    before = sorted(evidence.iterdir())
    result = run("bundle", SAMPLES / "case-en.toml", evidence, "-o", evidence / "b.zip")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert sorted(evidence.iterdir()) == before


def test_verify_reports_a_changed_byte_and_exits_1(tmp_path: Path) -> None:
    out = tmp_path / "b.zip"
    run("bundle", SAMPLES / "case-en.toml", EVIDENCE, "-o", out, "--date", "2026-11-24")
    data = bytearray(out.read_bytes())
    needle = b"Prepaid balances are not refundable"
    data[data.index(needle)] ^= 0x20
    out.write_bytes(bytes(data))
    result = run("verify", out)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"INVALID: {out}"
    assert any("data/evidence/chat-2026-11-21.txt" in line for line in lines[1:])
    report = json.loads(run("verify", out, "--json").stdout)
    assert report["valid"] is False


def test_verify_a_missing_file_is_bad_input(tmp_path: Path) -> None:
    result = run("verify", tmp_path / "none.zip")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")


def test_demo_includes_the_letter_and_the_bundle(tmp_path: Path) -> None:
    result = run("demo", tmp_path / "demo", "--date", "2026-11-24")
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "demo").iterdir())
    # The carrier reads English; the holder reads Chinese: the English documents, and beside
    # the letter the sheet in the holder's Chinese.
    assert names == [
        "bundle-2026-11-24.zip", "case-zh-CN.toml", "request.en.docx", "request.en.eml",
        "request.en.explain.zh-CN.pdf", "request.en.pdf", "request.en.txt",
    ]  # fmt: skip
    assert run("verify", tmp_path / "demo" / "bundle-2026-11-24.zip").exit_code == 0
    # The sample case is there for the commands its sheet gives, which name it.
    reader = pypdf.PdfReader(tmp_path / "demo" / "request.en.explain.zh-CN.pdf")
    sheet = "\n".join(page.extract_text() for page in reader.pages)
    mailed = "letters log case-zh-CN.toml mailed --certified-mail"
    assert mailed in sheet.replace("\n", " ")
    result = run("log", tmp_path / "demo" / "case-zh-CN.toml", "mailed", "--certified-mail",
                 "9407 1118 9876 5432 1002", "--on", "2026-11-24")  # fmt: skip
    assert result.exit_code == 0, result.stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("stream", "shown"), [(_Terminal, True), (io.StringIO, False)])
def test_progress_bar_only_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, stream: type[io.StringIO], shown: bool
) -> None:
    from letters.cli import ProgressBar

    err = stream()
    monkeypatch.setattr("sys.stderr", err)
    with ProgressBar() as bar:
        bar.start(64 << 20)
        bar.advance(64 << 20)
    if shown:
        assert "bundling" in err.getvalue() and "100%" in err.getvalue()
    else:
        assert err.getvalue() == ""


def test_kit_without_email_address_or_evidence(tmp_path: Path) -> None:
    out = tmp_path / "kit"
    result = run(
        "kit", SAMPLES / "case-late-en.toml", "--kind", "complaint", "-o", out,
        "--date", "2026-12-24",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert not list(out.glob("*.eml"))
    assert (
        "No email draft: Federal Communications Commission, Consumer Inquiries and Complaints "
        "has no email address.\n"
    ) in result.stdout
    assert "No evidence folder given: the bundle holds the documents only.\n" in result.stdout
    assert "Warning:" not in result.stdout
    assert run("verify", out / "bundle-complaint-2026-12-24.zip").exit_code == 0


def test_the_main_job_never_touches_the_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("letters tried to use the network")

    for name in ("socket", "create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, refuse)
    result = run(
        "kit", SAMPLES / "case-zh-CN.toml", "--evidence", EVIDENCE, "-o", tmp_path / "kit",
        "--date", "2026-11-24", "--explain", "zh-CN", "--lang", "en",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr


def test_the_bundle_does_not_depend_on_the_fonts_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from letters.render import fonts

    case = SAMPLES / "case-zh-TW.toml"
    run("bundle", case, EVIDENCE, "-o", tmp_path / "a.zip", "--date", "2026-11-24")
    monkeypatch.setattr(fonts, "candidates", lambda language: iter(()))
    run("bundle", case, EVIDENCE, "-o", tmp_path / "b" / "a.zip", "--date", "2026-11-24")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b" / "a.zip").read_bytes()


def test_verify_says_when_tag_files_could_not_be_checked(tmp_path: Path) -> None:
    import bagit

    bag = tmp_path / "other"
    bag.mkdir()
    (bag / "note.txt").write_text("hello")
    bagit.make_bag(str(bag), checksums=["sha512"])
    for tag_manifest in bag.glob("tagmanifest-*.txt"):
        tag_manifest.unlink()
    out = tmp_path / "other.zip"
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted(bag.rglob("*")):
            archive.write(path, f"other/{path.relative_to(bag)}")
    result = run("verify", out)
    assert result.exit_code == 0, result.stdout
    assert result.stdout == (
        f"VALID: {out} — 1 files, 5 bytes\n"
        "  Checked: BagIt 0.97; payload manifests: sha512; tag manifests: -\n"
        "  Not checked: it has no tag manifest, so its tag files (such as bag-info.txt) were "
        "not checked and it has no fingerprint\n"
    )


def test_a_case_folders_sheet_names_the_folder_as_the_guide_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    folder = tmp_path / "wang"
    folder.mkdir()
    shutil.copy(SAMPLES / "case-zh-CN.toml", folder / "case.toml")
    shutil.copytree(SAMPLES / "evidence", folder / "evidence")
    monkeypatch.chdir(tmp_path)  # where the holder made the folder, and works
    result = run("kit", "wang", "--date", "2026-11-24")
    assert result.exit_code == 0, result.stderr
    reader = pypdf.PdfReader(folder / "documents" / "request.en.explain.zh-CN.pdf")
    sheet = " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")
    assert "letters log wang mailed --certified-mail" in sheet
    assert str(tmp_path) not in sheet  # never the whole path
    result = run("log", "wang", "mailed", "--certified-mail", "9407 1118 9876 5432 1002",
                 "--on", "2026-11-24")  # fmt: skip
    assert result.exit_code == 0, result.stderr


def test_two_kits_of_one_day_stand_side_by_side(tmp_path: Path) -> None:
    # The morning's closure request, then the refund letter: each kit its own bundle.
    late = SAMPLES / "case-late-en.toml"
    for kind in ("request", "refund"):
        result = run("kit", late, "--kind", kind, "-o", tmp_path, "--date", "2026-12-24")
        assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.glob("*.zip")) == [
        "bundle-2026-12-24.zip", "bundle-refund-2026-12-24.zip"
    ]  # fmt: skip
    with zipfile.ZipFile(tmp_path / "bundle-refund-2026-12-24.zip") as bag:
        assert "bundle-refund-2026-12-24/data/documents/refund.en.pdf" in bag.namelist()


def test_a_closure_request_already_sent_is_written_as_it_went(tmp_path: Path) -> None:
    # A copy of the request dated today would disagree with its Certified Mail receipt and
    # with every later letter, which encloses "my closure request of November 24, 2026".
    late = SAMPLES / "case-late-en.toml"
    result = run("kit", late, "-o", tmp_path, "--date", "2026-12-24")
    assert result.exit_code == 0, result.stderr
    assert "The closure request was sent on November 24, 2026" in result.stdout
    with zipfile.ZipFile(tmp_path / "bundle-2026-12-24.zip") as bag:  # the bundle: made today
        letter = bag.read("bundle-2026-12-24/data/documents/request.en.pdf")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(letter)).pages)
    assert "November 24, 2026" in text and "December 24, 2026" not in text
    draft = (tmp_path / "request.en.eml").read_bytes()
    assert b"Date: Tue, 24 Nov 2026" in draft
    # The letters after it are dated the day they are written.
    result = run("letter", late, "--kind", "follow-up", "-o", tmp_path, "--date", "2026-12-24")
    assert result.exit_code == 0 and "was sent on" not in result.stdout
    assert "December 24, 2026" in "".join(
        page.extract_text() for page in pypdf.PdfReader(tmp_path / "follow-up.en.pdf").pages
    )


def test_a_letter_to_mail_without_the_holder_s_address_is_warned_of(
    tmp_path: Path, case_file
) -> None:
    # It was written with a sender block of a name alone, and no word said so.
    text = SAMPLE_CASE.replace(
        'address = { lines = ["123 Main St", "Apt 4B"], city = "San Francisco", region = "CA", '
        'postal_code = "94105", country = "US" }\n',
        "",
        1,
    )
    result = run("letter", case_file(text), "-o", tmp_path / "o", "--date", "2026-11-24")
    assert result.exit_code == 0, result.stderr
    assert (
        "Warning: the letter is to be mailed, but the case file has no postal address of yours "
        "for the envelope and the answer — add it under [holder], or send the letter by email\n"
    ) in result.stdout
