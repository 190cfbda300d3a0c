"""Failures outside the workbook are named, never a traceback (issue 9): a maintainer's template
that cannot render is a template error (exit 3) naming it (includes in a DOCX template, ranges
the sandbox refuses, bad expressions); a plan outline that is too deep or has a wrong field is an
input error (exit 1) in plain words."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from docgen.cli import main

from .conftest import ROOT, STATE_EXAMPLE


def _templates_with(tmp_path: Path, tag: str, html: bool = False) -> Path:
    root = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", root)
    if html:
        page = root / "html" / "submission.html"
        page.write_text(page.read_text(encoding="utf-8") + tag, encoding="utf-8")
    else:
        path = root / "state" / "submission.docx"
        document = docx.Document(str(path))
        document.paragraphs[-1].add_run(tag)
        document.save(str(path))
    return root


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("{% include 'other.docx' %}", "{% include %}, {% import %} and {% extends %} cannot"),
        ("{% for i in range(10**9) %}{{ i }}{% endfor %}", "Range too big"),
        ("{{ 1 // 0 }}", "it cannot be rendered"),
        ("{{ unit.__class__.__mro__ }}", "submission.docx"),
        (
            "{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}",
            "loops over range() go over more than 1,000,000 items in all",
        ),
        ("{{ 'x' * 10**9 }}", "longer than 1,000,000"),
        ("{{ 9 ** 999999 }}", "a power too large"),
    ],
)
def test_a_docx_template_that_cannot_render_is_exit_3_naming_it(
    tmp_path: Path, tag: str, expected: str
) -> None:
    root = _templates_with(tmp_path, tag)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["dossier", str(STATE_EXAMPLE), "--out", str(out), "--templates", str(root)]
    )
    assert result.exit_code == 3, result.output
    assert "state/submission.docx" in result.output and expected in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("{% include '../../../etc/passwd' %}", "html/submission.html"),
        ("{% for i in range(10**9) %}{{ i }}{% endfor %}", "Range too big"),
        (
            "{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}",
            "loops over range() go over more than 1,000,000 items in all",
        ),
    ],
)
def test_an_html_template_that_cannot_render_is_exit_3_naming_it(
    tmp_path: Path, tag: str, expected: str
) -> None:
    root = _templates_with(tmp_path, tag, html=True)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "dossier",
            str(STATE_EXAMPLE),
            "--out",
            str(out),
            "--templates",
            str(root),
            "--format",
            "pdf",
        ],
    )
    assert result.exit_code == 3, result.output
    assert expected in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_a_plan_outline_nested_5000_deep_is_one_located_problem(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    result = CliRunner().invoke(main, ["plan", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert f"{path}: error: the file is nested too deep" in result.output
    assert not (tmp_path / "out").exists()


def test_a_plan_outline_with_a_wrong_field_gets_a_plain_message(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("kind: plan\nhobby: cờ tướng\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["plan", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert "Extra inputs" not in result.output and "Field required" not in result.output
    assert "hobby" in result.output


def test_a_templates_folder_that_holds_no_templates_is_refused_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["dossier", str(STATE_EXAMPLE), "--out", str(out), "--templates", str(empty)]
    )
    assert result.exit_code == 3, result.output
    assert f"{empty} (given by --templates) is not a templates folder" in result.output
    assert not out.exists()
    monkeypatch.setenv("DOCGEN_TEMPLATES", str(empty))
    result = CliRunner().invoke(main, ["dossier", str(STATE_EXAMPLE), "--out", str(out)])
    assert result.exit_code == 3 and "(given by DOCGEN_TEMPLATES)" in result.output
