"""Rendered pages (issue 8, point 7): the checks of docgen.pagecheck can fail, and every paper of
both examples and of the contract-only workbook passes them by both routes: the PDF docgen makes
(WeasyPrint) and the DOCX laid out by LibreOffice (standing in for Word).

format.md "Pagination": no text crosses a cell border, no word or date is broken across lines,
the signature block is never alone on a page. format.md "Ballots": every copy the same sheet,
nothing that numbers it.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from weasyprint import HTML

from docgen import pagecheck
from docgen.compose.ballots import step_ballots
from docgen.dossier import build_dossier, plan_documents
from docgen.models import StepKind
from docgen.pagecheck import Finding
from docgen.papers import validated_round, write_ballots, write_plan
from docgen.pdf import available_font

from .conftest import INPUTS
from .test_contract_only import contract_workbook

# -- unit tests: each check can fail, and passes a clean page ----------------------------------


def pdf_of(body: str, page: str = "size: A4; margin: 20mm 15mm 20mm 30mm") -> bytes:
    html = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
    @page {{ {page} }}
    body {{ font-family: "{available_font()}"; font-size: 13pt; line-height: 1.3; }}
    table {{ border-collapse: collapse; table-layout: fixed; }}
    td {{ border: 0.75pt solid black; padding: 1mm; vertical-align: top; }}
    .sign {{ width: 100%; border: none; }} .sign td {{ border: none; text-align: center; }}
    </style></head><body>{body}</body></html>"""
    return HTML(string=html).write_pdf()


def table(first_column_mm: float, date: str = "10/03/2021") -> str:
    return (
        f'<table style="width: 120mm"><colgroup><col style="width: {first_column_mm}mm">'
        "<col></colgroup><tr><td>STT</td><td>Họ và tên</td></tr>"
        f"<tr><td>{date}</td><td>Phó Bí thư Đảng ủy phường</td></tr></table>"
    )


TABLE_WORDS = {"STT", "Họ", "và", "tên", "10/03/2021", "Phó", "Bí", "thư", "Đảng", "ủy", "phường"}


def test_crossed_words_finds_a_date_running_across_a_cell_border() -> None:
    findings = pagecheck.crossed_words(pdf_of(table(10)), "bieu.pdf")
    assert [(f.paper, f.page, f.kind) for f in findings] == [("bieu.pdf", 1, "crossed-word")]
    assert "10/03/2021" in findings[0].message


def test_crossed_words_passes_a_table_whose_columns_fit() -> None:
    assert pagecheck.crossed_words(pdf_of(table(30))) == []


def test_an_overflowing_date_is_not_a_broken_word() -> None:
    # It runs on into the next cell ("10/03/2021Phó" when they touch): crossed, not broken.
    assert pagecheck.broken_words(pdf_of(table(10)), TABLE_WORDS) == []


PARAGRAPH = "Các đồng chí được giới thiệu ngày 10/3/2021 đạt tỷ lệ phiếu cao"


def test_broken_words_finds_a_word_broken_across_lines() -> None:
    pdf = pdf_of(f'<p style="width: 10mm; word-break: break-all">{PARAGRAPH}</p>')
    findings = pagecheck.broken_words(pdf, PARAGRAPH.split(), "p.pdf")
    assert {f.kind for f in findings} == {"broken-word", "broken-date"}, findings
    assert all(f.page == 1 and f.paper == "p.pdf" for f in findings)
    assert any("“phiế”" in f.message for f in findings if f.kind == "broken-word")
    narrower = pdf_of(f'<p style="width: 8mm; word-break: break-all">{PARAGRAPH}</p>')
    pieces = [
        f
        for f in pagecheck.broken_words(narrower, PARAGRAPH.split())
        if f.message.startswith("“3/2”")
    ]
    assert [f.kind for f in pieces] == ["broken-date"]  # a piece from the middle of the date


def test_broken_words_finds_a_word_hyphenated_at_a_line_end() -> None:
    words = [
        "giới",
        "thiệu",
        "nhân",
        "sự",
        "quy",
        "hoạch",
        "được",
        "tập",
        "thể",
        "lãnh",
        "đạo",
        "thống",
        "nhất",
    ]
    shy = " ".join(w[:2] + "&shy;" + w[2:] if len(w) > 3 else w for w in words)
    pdf = pdf_of(
        "".join(f'<p style="width: {w}mm; hyphens: manual">{shy}</p>' for w in (16, 18, 25))
    )
    findings = pagecheck.broken_words(pdf, words)
    assert findings and {f.kind for f in findings} == {"broken-word"}, findings
    assert all(" is a piece of “" in f.message for f in findings)


def test_broken_words_finds_a_date_broken_inside_a_cell() -> None:
    pdf = pdf_of(
        '<table style="width: 60mm"><colgroup><col style="width: 15mm"><col></colgroup>'
        '<tr><td style="overflow-wrap: anywhere">10/3/2021</td><td>Phó Bí thư</td></tr></table>'
    )
    findings = pagecheck.broken_words(pdf, {"10/3/2021", "Phó", "Bí", "thư"})
    assert findings and {f.kind for f in findings} == {"broken-date"}, findings
    assert any("10/3/" in f.message for f in findings)


def test_broken_words_tells_a_word_the_docx_lacks_from_a_broken_one() -> None:
    pdf = pdf_of(f"<p>{PARAGRAPH}</p><p>Sơn La, ngày 15 tháng 4 năm 2022</p>")
    findings = pagecheck.broken_words(pdf, PARAGRAPH.split())
    assert {f.kind for f in findings} == {"not-in-source"}
    assert [f.message.split("”")[0] for f in findings] == [
        f"“{w}" for w in ["Sơn", "La", "15", "tháng", "4", "năm", "2022"]
    ]


def test_broken_words_passes_a_paragraph_laid_out_whole() -> None:
    pdf = pdf_of(f'<p style="hyphens: manual">{PARAGRAPH}</p><p>Trang 1, 2; (3) “4” 5%.</p>')
    source = PARAGRAPH.split() + ["Trang", "1,", "2;", "(3)", "“4”", "5%."]
    assert pagecheck.broken_words(pdf, source) == []


def test_broken_words_skips_the_page_number_in_the_top_margin() -> None:
    pdf = pdf_of(
        "<p>Một</p><p style='break-before: page'>Hai</p>",
        "size: A4; margin: 20mm; @top-center { content: counter(page) }",
    )
    assert pagecheck.broken_words(pdf, {"Một", "Hai"}) == []


BODY = "<p>" + "Nội dung kế hoạch được triển khai đúng quy định. " * 12 + "</p>"
SIGNATURE = (
    '<table class="sign"><tr><td style="text-align: left"><b>Nơi nhận:</b><br>- Như trên;<br>'
    "- Lưu: VT.</td><td><b>TM. ỦY BAN NHÂN DÂN<br>CHỦ TỊCH</b><br><br><br>"
    "<b>Hoàng Minh Tuấn</b></td></tr></table>"
)


def test_signature_alone_finds_a_last_page_starting_with_the_recipients() -> None:
    pdf = pdf_of(BODY + f'<div style="break-before: page">{SIGNATURE}</div>')
    findings = pagecheck.signature_alone(pdf, "to-trinh.pdf")
    assert [(f.page, f.kind) for f in findings] == [(2, "signature-alone")]
    assert "Nơi nhận:" in findings[0].message


def test_signature_alone_passes_when_body_text_goes_with_the_signature() -> None:
    pdf = pdf_of(BODY + f'<div style="break-before: page">{BODY}{SIGNATURE}</div>')
    assert pagecheck.signature_alone(pdf) == []
    assert pagecheck.signature_alone(pdf_of(BODY + SIGNATURE)) == []  # one page


def test_signature_alone_finds_a_signer_alone_in_the_right_column() -> None:
    pdf = pdf_of(
        BODY + SIGNATURE + '<p style="break-before: page; margin-left: 60%"><b>BÍ THƯ</b></p>'
    )
    assert [f.kind for f in pagecheck.signature_alone(pdf)] == ["signature-alone"]
    assert pagecheck.signature_alone(pdf, right_column=False, split_tail=False) == []


def test_signature_alone_finds_the_end_of_a_block_begun_on_the_page_before() -> None:
    names = (
        '<table class="sign" style="break-before: page"><tr><td><b>Lê Văn Khánh</b></td>'
        "<td><b>Nguyễn Quang Huy</b></td></tr></table>"
    )
    heads = (
        '<table class="sign"><tr><td><b>TM. TỔ KIỂM PHIẾU<br>TỔ TRƯỞNG</b></td>'
        "<td><b>CHỦ TRÌ HỘI NGHỊ</b></td></tr></table>"
    )
    pdf = pdf_of(BODY + heads + names)
    findings = pagecheck.signature_alone(pdf)
    assert [f.kind for f in findings] == ["signature-alone"], findings
    assert "begins on page 1" in findings[0].message
    assert pagecheck.signature_alone(pdf, split_tail=False) == []


def test_signature_markers_are_a_parameter() -> None:
    pdf = pdf_of(BODY + '<p style="break-before: page">XÁC NHẬN CỦA THỦ TRƯỞNG</p><p>Ký tên</p>')
    assert pagecheck.signature_alone(pdf) == []
    findings = pagecheck.signature_alone(pdf, markers=("XÁC NHẬN",))
    assert [f.page for f in findings] == [2]


BALLOT = (
    "<p style='text-align: center'><b>PHIẾU BIỂU QUYẾT GIỚI THIỆU NHÂN SỰ QUY HOẠCH</b></p>"
    + table(30)
)


def ballot_pdf(page: str = "", mark_on: int | None = None) -> bytes:
    copies = [
        f"<div style='break-before: {'page' if i else 'auto'}'>{BALLOT}"
        + ("<div style='width: 2mm; height: 2mm; background: black'></div>" if i == mark_on else "")
        + "</div>"
        for i in range(3)
    ]
    return pdf_of("".join(copies), f"size: A4; margin: 20mm; {page}")


def test_ballot_pages_identical_finds_a_page_counter() -> None:
    findings = pagecheck.ballot_pages_identical(
        ballot_pdf("@top-center { content: counter(page) }"), "phieu.pdf"
    )
    assert [(f.page, f.kind) for f in findings] == [
        (2, "ballot-page-differs"),
        (3, "ballot-page-differs"),
    ]
    assert "'2'" in findings[0].message and "'3'" in findings[1].message


def test_ballot_pages_identical_finds_a_mark_that_is_not_text() -> None:
    findings = pagecheck.ballot_pages_identical(ballot_pdf(mark_on=2))
    assert [f.page for f in findings] == [3]
    assert "text differs" not in findings[0].message and "looks different" in findings[0].message


def test_ballot_pages_identical_passes_identical_copies() -> None:
    assert pagecheck.ballot_pages_identical(ballot_pdf()) == []


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_bytes(*, page_field: bool = False, seq_field: bool = False) -> bytes:
    document = Document()
    header = document.sections[0].header.paragraphs[0]
    header.add_run("PHIẾU BIỂU QUYẾT")
    if page_field:
        header._p.append(
            parse_xml(f'<w:fldSimple {W_NS} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>')
        )
    body = document.add_paragraph()
    body.add_run("Lê Thị Hồng đư")
    body.add_run("ợc giới thiệu (10/3/2021);")
    if seq_field:
        for xml in (
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
            '<w:r><w:instrText xml:space="preserve"> SE</w:instrText></w:r>',
            '<w:r><w:instrText xml:space="preserve">Q Phieu \\* ARABIC </w:instrText></w:r>',
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
            "<w:r><w:t>7</w:t></w:r>",
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
        ):
            body._p.append(parse_xml(xml.replace("<w:r>", f"<w:r {W_NS}>", 1)))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_page_fields_finds_page_and_sequence_fields() -> None:
    findings = pagecheck.docx_page_fields(docx_bytes(page_field=True, seq_field=True), "phieu.docx")
    assert sorted((f.page, f.kind, f.message.split(" (")[0]) for f in findings) == [
        (None, "ballot-page-field", "word/document.xml has a SEQ field"),
        (None, "ballot-page-field", "word/header1.xml has a PAGE field"),
    ]


def test_docx_page_fields_passes_a_ballot_without_fields() -> None:
    assert pagecheck.docx_page_fields(docx_bytes()) == []


def test_docx_tokens_joins_runs_and_reads_headers() -> None:
    tokens = pagecheck.docx_tokens(docx_bytes())
    assert {"được", "10/3/2021", "PHIẾU", "QUYẾT", "giới", "thiệu"} <= tokens
    assert "đư" not in tokens and "ợc" not in tokens


def test_a_finding_reads_as_paper_page_kind_message() -> None:
    finding = Finding("01-to-trinh.pdf", 3, "signature-alone", "…")
    assert str(finding) == "01-to-trinh.pdf p.3 [signature-alone] …"


# -- integration: every paper of the examples and of the contract-only workbook ----------------

STATE = INPUTS / "vpubnd-son-la-ra-soat-2022.xlsx"
PARTY = INPUTS / "dang-uy-phuong-to-hieu-nhiem-ky-2025-2030.xlsx"
ROUTES = ("weasyprint", "libreoffice")
COPIES = 3
"""Copies of each ballot written by ``docgen ballots``: enough for a number to show."""


@dataclass(frozen=True)
class Paper:
    """One paper: its source round, its folder (the dossier, or the papers of ``docgen plan``
    and ``docgen ballots``), its file stem."""

    source: str
    folder: str
    stem: str
    ballot: bool

    @property
    def id(self) -> str:
        return f"{self.source}/{self.folder}/{self.stem}"


def _voting_steps(path: Path) -> list[int]:
    _, _, decision = validated_round(path)
    return [
        step.number
        for step in decision.procedure
        if step.kind != StepKind.PREPARATION and step.number in decision.conferences
    ]


def _papers_of(source: str, path: Path) -> list[Paper]:
    _, model, decision = validated_round(path)
    papers = [
        Paper(source, "dossier", Path(d.file_name).stem, d.template == "ballot")
        for d in plan_documents(model, decision)
    ]
    if source != "contract":
        papers.append(Paper(source, "papers", "ke-hoach", False))
    for number in _voting_steps(path):
        step = decision.step(number)
        assert step is not None
        for ballot in step_ballots(model, decision, step, COPIES):
            papers.append(Paper(source, "papers", Path(ballot.file_name).stem, True))
    return papers


def _all_papers() -> list[Paper]:
    """The papers, known when tests are collected so that each failure names its paper."""
    with tempfile.TemporaryDirectory() as folder:
        contract = contract_workbook(Path(folder) / "round.xlsx")
        return [
            *_papers_of("state", STATE),
            *_papers_of("party", PARTY),
            *_papers_of("contract", contract),
        ]


PAPERS = _all_papers()
BALLOTS = [p for p in PAPERS if p.ballot]


def _build(root: Path) -> Iterator[Path]:
    """Write every paper as DOCX and WeasyPrint PDF; yield each folder once it is complete:
    ``root/source/dossier`` (``docgen dossier``) and ``root/source/papers`` (``docgen plan``
    for the examples, ``docgen ballots`` with COPIES copies for each voting step)."""
    formats = ("docx", "pdf")
    sources = {
        "state": STATE,
        "party": PARTY,
        "contract": contract_workbook(root / "contract.xlsx"),
    }
    for source, path in sources.items():
        build_dossier(path, root / source / "dossier", formats=formats)
        yield root / source / "dossier"
        papers = root / source / "papers"
        papers.mkdir()
        if source != "contract":
            write_plan(path, papers, formats=formats)
        for number in _voting_steps(path):
            write_ballots(path, number, papers, COPIES, formats=formats)
        yield papers


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every paper built once, and each folder's DOCX laid out by LibreOffice into
    ``…/libreoffice/`` (one soffice call per folder, run while the next folder is built)."""
    root = tmp_path_factory.mktemp("pages")

    def convert(folder: Path) -> list[Path]:
        return pagecheck.docx_to_pdf(sorted(folder.glob("*.docx")), folder / "libreoffice")

    with ThreadPoolExecutor(max_workers=2) as pool:
        conversions = [pool.submit(convert, folder) for folder in _build(root)]
        for conversion in conversions:
            conversion.result()
    return root


def _pdf(root: Path, paper: Paper, route: str) -> Path:
    folder = root / paper.source / paper.folder
    return (folder / "libreoffice" if route == "libreoffice" else folder) / f"{paper.stem}.pdf"


def _docx(root: Path, paper: Paper) -> Path:
    return root / paper.source / paper.folder / f"{paper.stem}.docx"


@pytest.fixture(scope="module")
def findings(built: Path) -> dict[tuple[str, str], list[Finding]]:
    """The findings of every check on every paper by both routes, each PDF read once."""
    return {
        (paper.id, route): pagecheck.check_paper(
            _pdf(built, paper, route), _docx(built, paper), ballot=paper.ballot
        )
        for paper in PAPERS
        for route in ROUTES
    }


def _assert_none(found: list[Finding], kinds: set[str], route: str) -> None:
    wrong = [f for f in found if f.kind in kinds]
    assert not wrong, "\n".join(f"{route}: {f}" for f in wrong)


ROUTED = [pytest.param(p, r, id=f"{r}:{p.id}") for p in PAPERS for r in ROUTES]


@pytest.mark.parametrize(("paper", "route"), ROUTED)
def test_no_word_crosses_a_cell_border(
    findings: dict[tuple[str, str], list[Finding]], paper: Paper, route: str
) -> None:
    _assert_none(findings[paper.id, route], {"crossed-word"}, route)


@pytest.mark.parametrize(("paper", "route"), ROUTED)
def test_no_word_or_date_is_broken_across_lines(
    findings: dict[tuple[str, str], list[Finding]], paper: Paper, route: str
) -> None:
    kinds = {"broken-word", "broken-date", "not-in-source"}
    _assert_none(findings[paper.id, route], kinds, route)


@pytest.mark.parametrize(("paper", "route"), ROUTED)
def test_the_last_page_does_not_start_with_the_signature(
    findings: dict[tuple[str, str], list[Finding]], paper: Paper, route: str
) -> None:
    _assert_none(findings[paper.id, route], {"signature-alone"}, route)


@pytest.mark.parametrize(
    ("paper", "route"), [pytest.param(p, r, id=f"{r}:{p.id}") for p in BALLOTS for r in ROUTES]
)
def test_every_page_of_a_ballot_is_the_same_sheet(
    findings: dict[tuple[str, str], list[Finding]], paper: Paper, route: str
) -> None:
    _assert_none(findings[paper.id, route], {"ballot-page-differs"}, route)


@pytest.mark.parametrize("paper", [pytest.param(p, id=p.id) for p in BALLOTS])
def test_a_ballot_has_no_page_field(built: Path, paper: Paper) -> None:
    found = pagecheck.docx_page_fields(_docx(built, paper))
    assert not found, "\n".join(f"docx: {f}" for f in found)


def test_every_paper_was_rendered_by_both_routes(built: Path) -> None:
    missing = [
        f"{route}:{paper.id}"
        for paper in PAPERS
        for route in ROUTES
        if not _pdf(built, paper, route).is_file()
    ]
    assert not missing and len(PAPERS) > 40
