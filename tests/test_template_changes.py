"""Word edits reach the PDF: docgen knows which Word templates a maintainer changed against its
own (by content, not bytes), and a changed template whose HTML twin was left as shipped gets
its PDF from the Word file through LibreOffice, or a warning naming the template, the twin and
what to do (issue 12, point 3)."""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import docx
import docx.shared
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from docgen import template_changes
from docgen.cli import main
from docgen.dossier import JOINED_PDF, build_dossier
from docgen.errors import EnvironmentProblem, Report
from docgen.models import IssuerKind
from docgen.render import Paper
from docgen.template_changes import (
    docx_changed,
    from_word_files,
    html_changed,
    shipped_root,
    stale_twin,
)

from .conftest import INPUTS

STATE_WORKBOOK = INPUTS / "vpubnd-son-la-ra-soat-2022.xlsx"
OLD_HEADING = "III. HỒ SƠ KÈM THEO"
NEW_HEADING = "III. HỒ SƠ GỬI KÈM THEO TỜ TRÌNH NÀY"
NAMES = [
    path.stem for path in sorted((Path(__file__).parent.parent / "templates/state").glob("*.docx"))
]


def _shipped() -> Path:
    root = shipped_root()
    assert root is not None
    return root


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "mau"
    shutil.copytree(_shipped(), target)
    return target


def _change_heading(path: Path, old: str = OLD_HEADING, new: str = NEW_HEADING) -> None:
    """Change one sentence of a Word template, as a maintainer does in Word."""
    document = docx.Document(str(path))
    found = [p for p in document.paragraphs if p.text == old]
    assert found, f"{old!r} is not a paragraph of {path}"
    found[0].runs[0].text = new
    for run in found[0].runs[1:]:
        run.text = ""
    document.save(str(path))


def _rezip(path: Path) -> None:
    """Write the package again: other timestamps, members in reverse order, same content."""
    with zipfile.ZipFile(path) as package:
        members = [(info.filename, package.read(info)) for info in package.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in reversed(members):
            package.writestr(zipfile.ZipInfo(name, date_time=(2031, 5, 6, 7, 8, 10)), data)


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return unicodedata.normalize("NFC", "".join(page.extract_text() for page in reader.pages))


def test_a_copy_rezipped_or_saved_again_is_not_a_change(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _rezip(root / "state" / "submission.docx")
    resaved = root / "party" / "minutes.docx"
    docx.Document(str(resaved)).save(str(resaved))
    assert (root / "state" / "submission.docx").read_bytes() != (
        _shipped() / "state" / "submission.docx"
    ).read_bytes()
    for kind in IssuerKind:
        for name in NAMES:
            assert not docx_changed(root, kind, name), (kind, name)
            assert stale_twin(root, kind, name) is None


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_every_template_saved_again_by_libreoffice_is_not_a_change(tmp_path: Path) -> None:
    """LibreOffice rewrites the whole package (style ids, the default style written out, the
    page number it last printed): the content is the same, so no template counts as changed."""
    root = _copy(tmp_path)
    for kind in IssuerKind:
        folder = root / kind.value
        command = [
            str(shutil.which("soffice")),
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(tmp_path / kind.value),
            *[str(folder / f"{name}.docx") for name in NAMES],
        ]
        subprocess.run(command, capture_output=True, check=True, timeout=300)
        for name in NAMES:
            saved = tmp_path / kind.value / f"{name}.docx"
            assert saved.read_bytes() != (folder / f"{name}.docx").read_bytes()
            shutil.copyfile(saved, folder / f"{name}.docx")
    for kind in IssuerKind:
        for name in NAMES:
            assert not docx_changed(root, kind, name), (kind, name)


def test_a_changed_sentence_makes_the_html_twin_stale(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _change_heading(root / "state" / "submission.docx")
    assert docx_changed(root, IssuerKind.STATE, "submission")
    assert not docx_changed(root, IssuerKind.PARTY, "submission")
    assert not docx_changed(root, IssuerKind.STATE, "minutes")
    stale = stale_twin(root, IssuerKind.STATE, "submission")
    assert stale is not None
    assert (stale.docx, stale.html) == (
        root / "state" / "submission.docx",
        root / "html" / "submission.html",
    )


def test_a_twin_changed_too_is_not_stale_but_line_endings_are_no_change(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _change_heading(root / "state" / "submission.docx")
    twin = root / "html" / "submission.html"
    original = twin.read_text(encoding="utf-8")
    twin.write_bytes(original.replace("\n", "  \r\n").encode("utf-8"))
    assert not html_changed(root, "submission")
    assert stale_twin(root, IssuerKind.STATE, "submission") is not None
    twin.write_text(original.replace(OLD_HEADING, NEW_HEADING), encoding="utf-8")
    assert html_changed(root, "submission")
    assert stale_twin(root, IssuerKind.STATE, "submission") is None


def _set_bold(path: Path, text: str) -> None:
    document = docx.Document(str(path))
    paragraph = next(p for p in document.paragraphs if p.text == text)
    for run in paragraph.runs:
        run.bold = not run.bold
    document.save(str(path))


def _split_runs(path: Path, text: str) -> None:
    """Split a paragraph's run in two of the same format, as Word does after an edit."""
    document = docx.Document(str(path))
    paragraph = next(p for p in document.paragraphs if p.text == text)
    run = paragraph.runs[0]
    tail = run._r.__copy__()
    run._r.addnext(tail)
    run.text = text[:4]
    paragraph.runs[1].text = text[4:]
    document.save(str(path))


def _widen_left_margin(path: Path, text: str) -> None:
    document = docx.Document(str(path))
    document.sections[0].left_margin = docx.shared.Mm(35)
    document.save(str(path))


@pytest.mark.parametrize(
    ("edit", "changed"),
    [(_split_runs, False), (_set_bold, True), (_widen_left_margin, True)],
    ids=["runs split by Word", "bold toggled", "left margin widened"],
)
def test_what_counts_as_a_change(tmp_path: Path, edit: Any, changed: bool) -> None:
    root = _copy(tmp_path)
    edit(root / "state" / "submission.docx", OLD_HEADING)
    assert docx_changed(root, IssuerKind.STATE, "submission") is changed


def test_the_shipped_folder_itself_has_no_changes() -> None:
    assert not docx_changed(_shipped(), IssuerKind.STATE, "submission", _shipped())
    assert stale_twin(_shipped(), IssuerKind.STATE, "submission") is None


def _paper() -> Paper:
    return Paper("01-to-trinh.docx", "submission", "Tờ trình", {})


def test_libreoffice_failing_is_a_warning_with_its_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy(tmp_path)
    _change_heading(root / "state" / "submission.docx")

    def broken(files: dict[str, bytes]) -> dict[str, bytes]:
        raise EnvironmentProblem("LibreOffice did not convert 01-to-trinh.docx: crashed")

    monkeypatch.setattr(template_changes, "libreoffice_installed", lambda: True)
    monkeypatch.setattr("docgen.pdf.libreoffice_pdfs", broken)
    report = Report()
    assert (
        from_word_files(root, IssuerKind.STATE, [_paper()], {"01-to-trinh.docx": b""}, report) == {}
    )
    (warning,) = report.warnings
    assert warning.location.file == str(root / "state" / "submission.docx")
    assert "crashed" in warning.message
    assert str(root / "html" / "submission.html") in warning.message


def _no_libreoffice(files: dict[str, bytes]) -> dict[str, bytes]:
    raise AssertionError(f"LibreOffice called for {sorted(files)}")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_changed_sentence_reaches_the_pdf_through_libreoffice(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _change_heading(root / "state" / "submission.docx")
    result = build_dossier(
        STATE_WORKBOOK, tmp_path / "out", root, formats=("pdf",), single_pdf=True
    )
    assert not [w for w in result.report.warnings if "HTML twin" in w.message]
    submission = _text((result.out_dir / "01-to-trinh.pdf").read_bytes())
    assert NEW_HEADING in submission
    assert OLD_HEADING not in submission
    minutes = _text((result.out_dir / "02-bien-ban-kiem-phieu-buoc-1.pdf").read_bytes())
    assert "BIÊN BẢN" in minutes
    joined = (result.out_dir / JOINED_PDF).read_bytes()
    assert NEW_HEADING in _text(joined)
    papers = [name for name in result.files if name.endswith(".pdf") and name != JOINED_PDF]
    outline = PdfReader(io.BytesIO(joined)).outline
    assert len(outline) == len(papers)
    assert outline[0]["/Title"] == "Tờ trình"


def test_without_libreoffice_the_stale_twin_is_named_and_the_pdf_still_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy(tmp_path)
    _change_heading(root / "state" / "submission.docx")
    monkeypatch.setattr(template_changes, "libreoffice_installed", lambda: False)
    monkeypatch.setattr("docgen.pdf.libreoffice_pdfs", _no_libreoffice)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "dossier",
            str(STATE_WORKBOOK),
            "--out",
            str(out),
            "--format",
            "pdf",
            "--templates",
            str(root),
        ],
    )
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert f"{root / 'state' / 'submission.docx'}: warning:" in output
    assert str(root / "html" / "submission.html") in output
    assert "apt-get install libreoffice-writer" in output
    assert "--pdf-engine libreoffice" in output
    assert output.count("warning: this Word template differs") == 1
    assert OLD_HEADING in _text((out / "01-to-trinh.pdf").read_bytes())


def test_unchanged_templates_give_no_warning_and_no_libreoffice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy(tmp_path)
    _rezip(root / "state" / "submission.docx")
    monkeypatch.setattr(template_changes, "libreoffice_installed", lambda: True)
    monkeypatch.setattr("docgen.pdf.libreoffice_pdfs", _no_libreoffice)
    result = build_dossier(STATE_WORKBOOK, tmp_path / "out", root, formats=("pdf",))
    assert not [w for w in result.report.warnings if "HTML twin" in w.message]
    assert OLD_HEADING in _text((result.out_dir / "01-to-trinh.pdf").read_bytes())


def test_copy_templates_gives_a_folder_docgen_treats_as_unchanged(tmp_path: Path) -> None:
    """`docgen copy-templates DIR` writes docgen's templates into a new folder; used as
    --templates they count as unchanged; a folder that is not empty is refused, untouched."""
    from docgen.template_changes import copy_templates, stale_twin

    folder = tmp_path / "mau"
    result = CliRunner().invoke(main, ["--lang", "en", "copy-templates", str(folder)])
    assert result.exit_code == 0, result.output
    for name in ("state/submission.docx", "party/plan.docx", "html/submission.html"):
        assert (folder / name).is_file()
    assert stale_twin(folder, IssuerKind.STATE, "submission") is None
    again = CliRunner().invoke(main, ["--lang", "en", "copy-templates", str(folder)])
    assert again.exit_code == 4 and "not empty" in again.output
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.txt").write_text("mine")
    with pytest.raises(EnvironmentProblem):
        copy_templates(tmp_path / "other")
    assert [p.name for p in (tmp_path / "other").iterdir()] == ["x.txt"]
