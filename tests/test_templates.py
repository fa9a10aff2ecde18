"""Template sets: list, export, override one file, and template errors that say where."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from tests.conftest import SAMPLES, run


def email_with(templates: Path, out: Path):
    return run("email", SAMPLES / "case-en.toml", "--templates", templates, "-o", out)


def test_list_shows_the_standard_set() -> None:
    result = run("templates", "list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "standard"
    assert "  letters/request.zh-CN.j2" in lines


def test_export_then_override_one_template(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    result = run("templates", "export", mine)
    assert result.exit_code == 0, result.stderr
    english = mine / "letters" / "request.en.j2"
    english.write_text(
        english.read_text().replace("Thank you for your prompt attention", "Thanks for your help")
    )
    result = run("email", SAMPLES / "case-en.toml", "--templates", mine, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "out" / "request.en.txt").read_text()
    assert "Thanks for your help to this request." in text
    again = run("templates", "export", mine)
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_template_error_names_the_template_and_line(tmp_path: Path) -> None:
    mine = tmp_path / "mine" / "letters"
    mine.mkdir(parents=True)
    (mine / "request.en.j2").write_text(
        "{% block subject %}Hi{% endblock %}\n"
        "{% block body %}\n{{ account.nope }}\n{% endblock %}\n"
    )
    result = email_with(tmp_path / "mine", tmp_path)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: request.en.j2:3: template error: 'letters.case.Account object' has no "
        "attribute 'nope'\n"
    )


def test_template_syntax_error(tmp_path: Path) -> None:
    mine = tmp_path / "mine" / "letters"
    mine.mkdir(parents=True)
    (mine / "request.en.j2").write_text("{% block subject %}\n{% if %}\n{% endblock %}\n")
    result = email_with(tmp_path / "mine", tmp_path)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {mine / 'request.en.j2'}:2: template error: ")


def test_sandbox_refuses_reaching_outside(tmp_path: Path) -> None:
    mine = tmp_path / "mine" / "letters"
    mine.mkdir(parents=True)
    (mine / "request.en.j2").write_text(
        "{% block subject %}{{ holder.__class__.__init__.__globals__ }}{% endblock %}\n"
        "{% block body %}x{% endblock %}\n"
    )
    result = email_with(tmp_path / "mine", tmp_path)
    assert result.exit_code == 1
    assert "template error" in result.stderr and "unsafe" in result.stderr


def test_exporting_a_set_that_does_not_exist_is_bad_input(tmp_path: Path) -> None:
    result = run("templates", "export", tmp_path / "mine", "--set", "fancy")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: no template set named fancy — see: letters templates list\n",
    )


def test_many_cases_compile_each_template_once_and_a_changed_one_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = tmp_path / "mine"
    assert run("templates", "export", mine).exit_code == 0
    compiled: list[str] = []
    parse = jinja2.Environment._parse

    def counting(self: jinja2.Environment, source: str, name: str | None, filename: str | None):
        compiled.append(str(name))
        return parse(self, source, name, filename)

    monkeypatch.setattr(jinja2.Environment, "_parse", counting)
    cases = [SAMPLES / "case-en.toml", SAMPLES / "case-late-en.toml"]
    result = run("email", *cases, "--templates", mine, "-o", tmp_path / "first")
    assert result.exit_code == 0, result.stderr
    assert compiled.count("letters/request.en.j2") == 1  # two cases, one compilation
    english = mine / "letters" / "request.en.j2"
    english.write_text(
        english.read_text().replace("Thank you for your prompt attention", "Thanks for your help")
    )
    result = run("email", *cases, "--templates", mine, "-o", tmp_path / "second")
    assert result.exit_code == 0, result.stderr
    assert compiled.count("letters/request.en.j2") == 2  # the changed file, compiled anew
    for case in ("case-en", "case-late-en"):
        before = (tmp_path / "first" / case / "request.en.txt").read_text()
        after = (tmp_path / "second" / case / "request.en.txt").read_text()
        assert "Thank you for your prompt attention to this request." in before
        assert "Thanks for your help to this request." in after
