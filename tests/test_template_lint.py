"""docgen check-templates: what Word does to a template's tags, Jinja errors, unknown and unused
variables, each named by template, paper and place, with CI's exit codes.

The damaged templates are copies of the shipped ones with their XML edited as Word saves such
edits; the first tests hold the damage against plain docxtpl, so the lint reports what docxtpl
really does.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from docgen.checks import PaperContext, lint_template, lint_templates, paper_contexts
from docgen.cli import EXIT_TEMPLATE, main
from docgen.errors import Severity
from docgen.render import render_docx_plain, template_root

from .conftest import INPUTS, STATE_EXAMPLE

SUBJECT = '<w:r><w:rPr><w:b/><w:sz w:val="28"/></w:rPr><w:t>{{ subject }}</w:t></w:r>'
"""The subject's run in templates/state/submission.docx, as the template builder writes it."""
STATE_WORKBOOK = STATE_EXAMPLE.with_suffix(".xlsx")


@pytest.fixture(scope="module")
def submission_context() -> PaperContext:
    (paper,) = [p for p in paper_contexts(STATE_WORKBOOK) if p.template == "submission"]
    return paper


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the shipped templates (state/ and party/), for a maintainer to damage."""
    root = tmp_path / "mau"
    for kind in ("state", "party"):
        shutil.copytree(template_root() / kind, root / kind)
    return root


def damage(path: Path, old: str, new: str, part: str = "word/document.xml") -> Path:
    """Replace ``old`` (which must be there) by ``new`` in ``part`` of the DOCX at ``path``."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    xml = members[part].decode("utf-8")
    assert old in xml, old
    members[part] = xml.replace(old, new, 1).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _subject(folder: Path, runs: str) -> Path:
    return damage(folder / "state" / "submission.docx", SUBJECT, runs)


def _paragraphs(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


SPLIT_ACROSS_PARAGRAPHS = (
    '<w:r><w:t>{{ subject</w:t></w:r></w:p><w:p><w:r><w:t xml:space="preserve"> }} tiếp</w:t></w:r>'
)
IN_HYPERLINK = (
    '<w:r><w:t>{{ subject</w:t></w:r><w:hyperlink w:anchor="a">'
    '<w:r><w:t xml:space="preserve"> }}</w:t></w:r></w:hyperlink>'
)
IN_TRACKED_INSERTION = (
    '<w:r><w:t>{{ subject</w:t></w:r><w:ins w:id="9" w:author="A" w:date="2025-01-01T00:00:00Z">'
    '<w:r><w:t xml:space="preserve"> }}</w:t></w:r></w:ins>'
)
SPACED = "<w:r><w:t>{ { subject } }</w:t></w:r>"
FORMATTING = (
    '<w:r><w:rPr><w:b/></w:rPr><w:t>{{ sub</w:t></w:r><w:proofErr w:type="spellStart"/>'
    "<w:r><w:rPr><w:i/></w:rPr><w:t>ject }}</w:t></w:r>"
)


def test_plain_docxtpl_really_fails_on_what_the_lint_calls_errors(
    folder: Path, submission_context: PaperContext
) -> None:
    """The damage the lint reports as errors, rendered by plain docxtpl: what the paper gets."""
    context = submission_context.context
    subject = context["subject"]

    def render(runs: str) -> bytes:
        path = _subject(folder, runs)
        data = render_docx_plain(path, context)
        shutil.copy(template_root() / "state" / "submission.docx", path)
        return data

    # A space between the braces: printed as typed.
    assert "{ { subject } }" in _paragraphs(render(SPACED))
    # Over two paragraphs: one paragraph, the rest of the second joined to the first.
    assert f"{subject} tiếp" in _paragraphs(render(SPLIT_ACROSS_PARAGRAPHS))
    # Partly in a hyperlink or a tracked insertion: the XML is broken, recovery drops the rest
    # of the body, the page setup (sectPr) included.
    for runs in (IN_HYPERLINK, IN_TRACKED_INSERTION):
        with zipfile.ZipFile(io.BytesIO(render(runs))) as archive:
            body = archive.read("word/document.xml").decode("utf-8")
        assert "<w:sectPr" not in body
    # Runs in different formatting: rendered, the value in the first run's formatting.
    paragraph = next(
        p for p in Document(io.BytesIO(render(FORMATTING))).paragraphs if p.text == subject
    )
    assert [bool(run.bold) for run in paragraph.runs] == [True]
    assert not any(run.italic for run in paragraph.runs)


@pytest.mark.parametrize(
    ("runs", "severity", "expected"),
    [
        (SPACED, Severity.ERROR, "“{ {” has a space between its braces"),
        (SPACED, Severity.ERROR, "“} }” has a space between its braces"),
        (SPLIT_ACROSS_PARAGRAPHS, Severity.ERROR, "the tag “{{ subject }}” runs over 2 paragraphs"),
        (IN_HYPERLINK, Severity.ERROR, "the tag “{{ subject }}” is partly inside a hyperlink"),
        (
            IN_TRACKED_INSERTION,
            Severity.ERROR,
            "is partly inside a tracked insertion: docxtpl writes a broken document",
        ),
        (FORMATTING, Severity.WARNING, "has parts in different formatting"),
        (
            "<w:r><w:t>{{ subject|default(“không”) }}</w:t></w:r>",
            Severity.WARNING,
            "Word's curly quotes “” in the tag",
        ),
        (
            "<w:r><w:t>{{ subject|default('it’s') }}</w:t></w:r>",
            Severity.ERROR,
            "Word's curly quotes ’ in the tag",
        ),
        (
            "<w:r><w:t>{{ subject ~ (2 – 1) }}</w:t></w:r>",
            Severity.ERROR,
            "Word's dash – in the tag “{{ subject ~ (2 – 1) }}”: Jinja knows only the minus sign",
        ),
        (
            "<w:r><w:t>{{ subject|default(„a”) }}</w:t></w:r>",
            Severity.ERROR,
            "the quotes „ in the tag",
        ),
        (
            "<w:r><w:t>{{ subject ~ ' &amp; ' }}</w:t></w:r>",
            Severity.ERROR,
            "“&” in the tag “{{ subject ~ ' & ' }}”",
        ),
        ("<w:r><w:t>{{ sub\u200bject }}</w:t></w:r>", Severity.ERROR, "an invisible character"),
        (
            "<w:r><w:t>{{ subject</w:t></w:r><w:r><w:t>{{ intro }}</w:t></w:r>",
            Severity.ERROR,
            "the tag opened with “{{” is not closed by “}}” before the next tag",
        ),
    ],
)
def test_word_damage_to_a_tag_is_found_in_its_paragraph(
    folder: Path,
    submission_context: PaperContext,
    runs: str,
    severity: Severity,
    expected: str,
) -> None:
    path = _subject(folder, runs)
    findings = [f for f in lint_template(path, submission_context) if expected in f.message]
    assert len(findings) == 1, [str(f) for f in lint_template(path, submission_context)]
    (finding,) = findings
    assert finding.severity is severity
    assert finding.template == path
    assert finding.paper == "Tờ trình"
    assert finding.where.startswith("paragraph “"), finding.where
    assert "{{ sub" in finding.where or "{ { sub" in finding.where, finding.where


def test_a_damaged_tag_in_a_table_names_the_cell(
    folder: Path, submission_context: PaperContext
) -> None:
    path = damage(folder / "state" / "submission.docx", "{{ row.name }}", "{ { row.name }}")
    (finding,) = [f for f in lint_template(path, submission_context) if "braces" in f.message]
    assert re.match(r"table \d+, row \d+, cell 2, paragraph “\{ \{ row\.name \}\}”", finding.where)


def test_a_jinja_syntax_error_names_the_line_and_the_paragraph(
    folder: Path, submission_context: PaperContext
) -> None:
    path = _subject(folder, "<w:r><w:t>{{ subject | }}</w:t></w:r>")
    (finding,) = lint_template(path, submission_context)
    assert finding.severity is Severity.ERROR
    assert finding.message.startswith("Jinja syntax error: "), finding.message
    assert re.fullmatch(r"line \d+, paragraph “\{\{ subject \| \}\}”", finding.where), finding


def test_unknown_and_unused_variables_with_a_suggestion(
    folder: Path, submission_context: PaperContext
) -> None:
    path = _subject(folder, "<w:r><w:t>{{ subjet }}</w:t></w:r>")
    findings = {f.where: f for f in lint_template(path, submission_context)}
    unknown = findings["variable “subjet”"]
    assert unknown.severity is Severity.ERROR
    assert "does not give this paper" in unknown.message
    assert "(did you mean “subject”?)" in unknown.message
    unused = findings["variable “subject”"]
    assert unused.severity is Severity.WARNING
    assert "never prints" in unused.message
    assert len(findings) == 2


def test_a_field_that_does_not_exist_fails_the_trial_render(
    folder: Path, submission_context: PaperContext
) -> None:
    path = damage(
        folder / "state" / "submission.docx", "{{ signature.name }}", "{{ signature.nam }}"
    )
    (finding,) = lint_template(path, submission_context)
    assert finding.severity is Severity.ERROR
    assert finding.where == f"trial render with {STATE_WORKBOOK.name}"
    assert "nam" in finding.message and "signature.nam" in finding.message, finding.message


def test_curly_quotes_docxtpl_straightens_are_a_warning_the_paper_prints(
    folder: Path, submission_context: PaperContext
) -> None:
    path = _subject(folder, "<w:r><w:t>{{ subject|default(“không”) }}</w:t></w:r>")
    assert [f.severity for f in lint_template(path, submission_context)] == [Severity.WARNING]
    text = _paragraphs(render_docx_plain(path, submission_context.context))
    assert submission_context.context["subject"] in text


def test_a_file_that_is_not_a_docx_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "submission.docx"
    path.write_bytes(b"not a zip")
    (finding,) = lint_template(path)
    assert finding.severity is Severity.ERROR
    assert "cannot be read as a Word document" in finding.message


def test_the_shipped_templates_lint_clean() -> None:
    result = lint_templates()
    assert [str(f) for f in result.findings] == []
    assert result.templates == 16
    assert result.notes == []


def _check(*arguments: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check-templates", *arguments])
    return result.exit_code, result.output


def test_cli_exit_codes_errors_warnings_and_strict(folder: Path) -> None:
    code, output = _check("--templates", str(folder))
    assert (code, output) == (0, "16 templates checked: 0 errors, 0 warnings\n")

    path = _subject(folder, FORMATTING)
    code, output = _check("--templates", str(folder))
    assert code == 0, output
    assert output.startswith(f"warning: {path} (Tờ trình), paragraph “"), output
    assert output.endswith("16 templates checked: 0 errors, 1 warning\n"), output
    assert _check("--templates", str(folder), "--strict")[0] == EXIT_TEMPLATE

    damage(folder / "party" / "ballot.docx", "{{", "{ {")
    code, output = _check("--templates", str(folder))
    assert code == EXIT_TEMPLATE, output
    assert f"error: {folder / 'party' / 'ballot.docx'} (Phiếu), " in output, output
    assert "variable “parent_body”: docgen gives this paper a variable the template never" in output
    assert output.endswith("16 templates checked: 1 error, 2 warnings\n"), output


def test_cli_with_a_workbook_or_a_plan_outline(folder: Path) -> None:
    code, output = _check(str(STATE_WORKBOOK), "--templates", str(folder))
    assert code == 0, output
    assert "note: not checked against a context (the workbook has no such paper): " in output
    assert "state/summary_next_term.docx" in output and "party/summary_next_term.docx" in output
    code, output = _check(str(INPUTS / "ke-hoach-quy-hoach-thanh-uy.yaml"))
    assert code == 0, output
    assert "state/submission.docx" in output  # not checked: an outline gives only the plan


def test_without_examples_the_tags_are_still_checked(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An installed wheel has no inputs/: the variables need a WORKBOOK, and the lint says so."""
    monkeypatch.setattr("docgen.checks.example_sources", lambda: [])
    damage(folder / "state" / "plan.docx", "{{", "{ {")
    code, output = _check("--templates", str(folder))
    assert code == EXIT_TEMPLATE, output
    assert "has a space between its braces" in output
    assert "note: docgen's example rounds are not installed" in output
    assert "give a WORKBOOK" in output


def test_a_template_no_paper_uses_is_a_warning(folder: Path) -> None:
    shutil.copy(folder / "state" / "ballot.docx", folder / "state" / "phieu-cu.docx")
    code, output = _check("--templates", str(folder))
    assert code == 0, output
    assert "no paper of docgen uses this template name" in output
    assert "17 templates checked: 0 errors, 1 warning" in output


@pytest.mark.vietnamese
def test_the_lint_speaks_vietnamese_by_default(folder: Path) -> None:
    damage(folder / "state" / "submission.docx", "{{ row.name }}", "{ { row.name }}")
    damage(folder / "state" / "submission.docx", "{{ closing }}", "{{ closng }}")
    code, output = _check("--templates", str(folder))
    assert code == EXIT_TEMPLATE, output
    assert re.search(
        r"^lỗi: .*submission\.docx \(Tờ trình\), bảng \d+, dòng \d+, ô 2, đoạn “\{ \{ row\.name "
        r"\}\}”: “\{ \{” có dấu cách giữa hai dấu ngoặc",
        output,
        flags=re.MULTILINE,
    ), output
    assert "biến “closng”: mẫu dùng một biến mà docgen không cung cấp" in output
    assert "(có phải là “closing”?)" in output
    assert output.endswith("đã kiểm tra 16 mẫu: 2 lỗi, 1 cảnh báo\n"), output
