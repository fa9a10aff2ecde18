"""The tests use the library as its users do, and share helpers through helper modules.

A test that reaches for a private name tests how the code is written rather than what it
does, and breaks when the code is rearranged without any change a user could see; a test
module imported by another runs its module-level setup twice and hides where a helper lives.
Shared helpers live in conftest.py or in a helper module (one whose name does not start with
`test_`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).parent


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def from_letters(module: str | None) -> bool:
    return module is not None and module.split(".")[0] == "letters"


def is_test_module(module: str) -> bool:
    return module.split(".")[-1].startswith("test_")


def problems(source: str, where: str) -> list[str]:
    """Return each import of another test module or of a private library name in `source`."""
    tree = ast.parse(source)
    found: list[str] = []
    bound: set[str] = set()  # local names that stand for the library or something in it
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if is_test_module(alias.name):
                    found.append(f"{where}:{node.lineno}: imports the test module {alias.name}")
                if from_letters(alias.name):
                    bound.add(alias.asname or alias.name.split(".")[0])
                    if any(map(private, alias.name.split("."))):
                        found.append(f"{where}:{node.lineno}: imports {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            if is_test_module(node.module):
                found.append(f"{where}:{node.lineno}: imports the test module {node.module}")
            if from_letters(node.module):
                for alias in node.names:
                    bound.add(alias.asname or alias.name)
                    if private(alias.name) or any(map(private, node.module.split("."))):
                        found.append(f"{where}:{node.lineno}: imports {node.module}.{alias.name}")
            else:
                found += [
                    f"{where}:{node.lineno}: imports the test module {alias.name}"
                    for alias in node.names
                    if is_test_module(alias.name)
                ]
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and private(node.attr):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in bound:
                found.append(f"{where}:{node.lineno}: uses {ast.unparse(node)}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            # monkeypatch.setattr(letters.cli, "_now", …) and setattr("letters.cli._now", …)
            named = [arg.value for arg in node.args[:2] if isinstance(arg, ast.Constant)]
            target = node.args[0] if node.args else None
            on_library = isinstance(target, ast.Name | ast.Attribute) and (
                ast.unparse(target).split(".")[0] in bound
            )
            for name in named:
                if not isinstance(name, str):
                    continue
                dotted = name.split(".")
                if (from_letters(name) and any(map(private, dotted))) or (
                    on_library and private(name)
                ):
                    found.append(f"{where}:{node.lineno}: patches {ast.unparse(node.func)} {name}")
    return found


def test_no_test_imports_another_test_module_or_a_private_library_name() -> None:
    found = [
        problem
        for path in sorted(TESTS.glob("*.py"))
        for problem in problems(path.read_text(encoding="utf-8"), path.name)
    ]
    assert found == []


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("from tests.test_pdf import pdf_text", "x.py:1: imports the test module tests.test_pdf"),
        ("import tests.test_send", "x.py:1: imports the test module tests.test_send"),
        ("from tests import test_send", "x.py:1: imports the test module test_send"),
        ("from letters.bundle import _scan", "x.py:1: imports letters.bundle._scan"),
        ("from letters._impl import scan", "x.py:1: imports letters._impl.scan"),
        ("import letters.cli\nletters.cli._now()", "x.py:2: uses letters.cli._now"),
        ("from letters import cli\ncli._Progress()", "x.py:2: uses cli._Progress"),
        (
            "from letters import cli\nmonkeypatch.setattr(cli, '_now', now)",
            "x.py:2: patches monkeypatch.setattr _now",
        ),
        (
            "monkeypatch.setattr('letters.cli._now', now)",
            "x.py:1: patches monkeypatch.setattr letters.cli._now",
        ),
    ],
)
def test_the_check_finds_each_kind_of_reach(source: str, problem: str) -> None:
    assert problems(source, "x.py") == [problem]


def test_the_check_lets_helpers_and_public_names_through() -> None:
    source = (
        "from tests.conftest import run\n"
        "from tests.bundle_fixtures import build\n"
        "import letters.cli\n"
        "from letters.bundle import scan_evidence\n"
        "letters.cli.main, letters.__version__, scan_evidence.__doc__\n"
        "monkeypatch.setattr(letters.cli, 'now', now)\n"
        "other._private\n"
    )
    assert problems(source, "x.py") == []
