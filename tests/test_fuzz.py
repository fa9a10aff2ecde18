"""Mutated case files (bytes flipped, inserted, cut off; values swapped for any TOML value) run
through check, letter and bundle: exit 0, 1 or 2, with one Error line and never a traceback or
an "unexpected" error."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SAMPLES, run

BASES = [(SAMPLES / name).read_bytes() for name in ("case-en.toml", "case-late-zh-TW.toml")]
EVIDENCE = SAMPLES / "evidence"

# Bytes that matter to TOML, to Unicode and to the documents.
SPECIAL = [
    b"\x00", b"\r", b"\n", b'"', b"'", b"[", b"]", b"{", b"}", b"=", b".", b"#", b"\\",
    b"\\u0000", b"\\uFFFE", b"\\U0010FFFF", "\ufffe".encode(), "\u202e".encode(), b"\xff",
    b"\xe4\xb8", b"&<>%", b"1e999", b"-0", b"nan", b"inf", b"9" * 40,
]  # fmt: skip

TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=30) | st.sampled_from(
    ["", " ", "&T", "<b>", "{{ x }}", "%(x)s", "王" * 100, "a\nb", "USD", "12.345", "+1 212 555"]
)
SCALARS = st.one_of(
    TEXT,
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.booleans(),
    st.dates(min_value=date(1, 1, 1)),
    st.datetimes(timezones=st.just(UTC)),
    st.times(),
    st.just(datetime(2026, 11, 20, 14, 30)),
    st.just(time(0, 0)),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)


def _leaves(table: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path of a parsed case, tables and arrays of tables included."""
    found = [path] if path else []
    if isinstance(table, dict):
        for key, value in table.items():
            found += _leaves(value, (*path, key))
    elif isinstance(table, list):
        for index, value in enumerate(table):
            if isinstance(value, dict):
                found += _leaves(value, (*path, index))
    return found


@st.composite
def mutated_case(draw: st.DrawFn) -> bytes:
    """Return a sample case file changed in one of the ways a file or a person changes it."""
    data = draw(st.sampled_from(BASES))
    how = draw(st.sampled_from(["flip", "insert", "truncate", "value", "value", "value"]))
    if how == "flip":
        at = draw(st.integers(0, len(data) - 1))
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    if how == "insert":
        at = draw(st.integers(0, len(data)))
        extra = draw(st.sampled_from(SPECIAL) | st.binary(min_size=1, max_size=8))
        return data[:at] + extra + data[at:]
    if how == "truncate":
        return data[: draw(st.integers(0, len(data) - 1))]
    document = tomlkit.parse(data.decode("utf-8"))
    path = draw(st.sampled_from(_leaves(document.unwrap())))
    parent: Any = document
    for part in path[:-1]:
        parent = parent[part]
    value = draw(TEXT | VALUES)  # text most often: it passes the checks, and reaches the documents
    try:
        parent[path[-1]] = value
        return tomlkit.dumps(document).encode("utf-8")
    except Exception:  # tomlkit cannot write every value (a time with a zone, …): keep as is
        return data


def _assert_clean(result: Any) -> None:
    output = result.stdout + result.stderr
    assert result.exit_code in (0, 1, 2), output
    assert "Traceback" not in output and "unexpected" not in output, output
    if result.exit_code:
        assert result.stderr.startswith("Error: "), output
        assert result.stderr.count("Error: ") == 1, output


@settings(
    max_examples=int(os.environ.get("LETTERS_FUZZ_EXAMPLES", "40")),
    deadline=None,
    derandomize=not os.environ.get("LETTERS_FUZZ_EXAMPLES"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=mutated_case())
def test_a_mutated_case_file_never_gives_an_unexpected_error(case: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "case.toml"
        path.write_bytes(case)
        checked = run("check", path)
        _assert_clean(checked)
        if checked.exit_code:
            return
        day = ("--date", "2026-11-24")
        _assert_clean(run("letter", path, "-o", Path(folder) / "letter", *day))
        _assert_clean(run("bundle", path, EVIDENCE, "-o", Path(folder) / "b.zip", *day))
