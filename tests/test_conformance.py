"""Format conformance of every generated DOCX of both examples, and proof that the checks bite:
changing a margin, a font or a header line makes them fail, naming the document and element."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from docgen.conformance import check_docx
from docgen.dossier import build_dossier
from docgen.models import IssuerKind

from .conftest import PARTY_EXAMPLE, STATE_EXAMPLE

EXAMPLES = {IssuerKind.STATE: STATE_EXAMPLE, IssuerKind.PARTY: PARTY_EXAMPLE}


@pytest.fixture(scope="module")
def dossiers(tmp_path_factory: pytest.TempPathFactory) -> dict[IssuerKind, Path]:
    root = tmp_path_factory.mktemp("dossiers")
    return {kind: build_dossier(path, root / kind.value).out_dir for kind, path in EXAMPLES.items()}


@pytest.mark.parametrize("kind", list(IssuerKind))
def test_every_paper_of_the_examples_conforms(
    dossiers: dict[IssuerKind, Path], kind: IssuerKind
) -> None:
    files = sorted(dossiers[kind].glob("*.docx"))
    assert len(files) >= 15
    failures = [failure for path in files for failure in check_docx(path, kind)]
    assert failures == []


def _copy(dossiers: dict[IssuerKind, Path], kind: IssuerKind, name: str, tmp_path: Path) -> Path:
    source = next(dossiers[kind].glob(f"*{name}*.docx"))
    target = tmp_path / source.name
    shutil.copy(source, target)
    return target


def test_a_changed_margin_fails(dossiers: dict[IssuerKind, Path], tmp_path: Path) -> None:
    path = _copy(dossiers, IssuerKind.STATE, "to-trinh", tmp_path)
    document = Document(str(path))
    document.sections[0].left_margin = Mm(25)
    document.save(str(path))
    assert "01-to-trinh.docx: left margin 25.0 mm, expected 30–35 mm" in check_docx(
        path, IssuerKind.STATE
    )


def test_a_changed_font_fails(dossiers: dict[IssuerKind, Path], tmp_path: Path) -> None:
    path = _copy(dossiers, IssuerKind.PARTY, "to-trinh", tmp_path)
    document = Document(str(path))
    document.styles["Normal"].element.rPr.find(qn("w:rFonts")).set(qn("w:ascii"), "Arial")
    document.save(str(path))
    assert "01-to-trinh.docx: Normal style font (w:ascii) is not Times New Roman" in check_docx(
        path, IssuerKind.PARTY
    )


def test_a_changed_header_line_fails(dossiers: dict[IssuerKind, Path], tmp_path: Path) -> None:
    path = _copy(dossiers, IssuerKind.STATE, "bien-ban-kiem-phieu-buoc-2", tmp_path)
    document = Document(str(path))
    right = document.tables[0].rows[0].cells[1]
    national, motto = [p for p in right.paragraphs if p.text.strip()][:2]
    national.runs[0].font.size = Pt(14)
    motto.runs[0].underline = False
    document.save(str(path))
    failures = check_docx(path, IssuerKind.STATE)
    assert (
        "03-bien-ban-kiem-phieu-buoc-2.docx: header national line “CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM”: size 14.0 pt, expected 12–13 pt"
        in failures
    )
    assert (
        "03-bien-ban-kiem-phieu-buoc-2.docx: header motto “Độc lập - Tự do - Hạnh phúc”: underline is False, expected True"
        in failures
    )


def test_the_party_star_and_rule_are_checked(
    dossiers: dict[IssuerKind, Path], tmp_path: Path
) -> None:
    path = _copy(dossiers, IssuerKind.PARTY, "to-trinh", tmp_path)
    document = Document(str(path))
    left, right = document.tables[0].rows[0].cells
    for paragraph in left.paragraphs:
        if paragraph.text.strip() == "*":
            paragraph.runs[0].text = ""
    [p for p in right.paragraphs if p.text.strip()][0].runs[0].underline = False
    document.save(str(path))
    failures = check_docx(path, IssuerKind.PARTY)
    assert "01-to-trinh.docx: header: the star under the Party body is missing" in failures
    assert (
        "01-to-trinh.docx: header national line “ĐẢNG CỘNG SẢN VIỆT NAM”: underline is False, expected True"
        in failures
    )


def test_a_header_row_that_does_not_repeat_fails(
    dossiers: dict[IssuerKind, Path], tmp_path: Path
) -> None:
    path = _copy(dossiers, IssuerKind.STATE, "bieu-tong-hop", tmp_path)
    document = Document(str(path))
    table = next(t for t in document.tables if t._tbl.tblPr.find(qn("w:tblBorders")) is not None)
    properties = table.rows[0]._tr.trPr
    properties.remove(properties.find(qn("w:tblHeader")))
    document.save(str(path))
    assert (
        "06-bieu-tong-hop-ra-soat.docx: table 1: the header row does not repeat on each page"
        in check_docx(path, IssuerKind.STATE)
    )


def test_a_date_line_on_minutes_fails(dossiers: dict[IssuerKind, Path], tmp_path: Path) -> None:
    path = _copy(dossiers, IssuerKind.PARTY, "bien-ban-kiem-phieu-buoc-3", tmp_path)
    document = Document(str(path))
    document.tables[0].rows[1].cells[1].paragraphs[0].add_run("Sơn La, ngày 08 tháng 3 năm 2022")
    document.save(str(path))
    assert any("minutes carry no date line" in f for f in check_docx(path, IssuerKind.PARTY))


def test_page_one_carries_no_number(dossiers: dict[IssuerKind, Path], tmp_path: Path) -> None:
    path = _copy(dossiers, IssuerKind.STATE, "ke-hoach", tmp_path)
    document = Document(str(path))
    document.sections[0].different_first_page_header_footer = False
    document.save(str(path))
    assert (
        "09-ke-hoach.docx: page numbers: page 1 must carry none (different first page is off)"
        in check_docx(path, IssuerKind.STATE)
    )
