"""import-plan: a plan written in Word becomes a plan outline that prints the same text.

The round trip renders each seed outline to DOCX, imports that DOCX, renders the imported outline
and compares the two documents paragraph by paragraph. A plan typed in Word (not docgen's
template: header table, bold numbered headings, Word bullets, a Word footnote, Nơi nhận and the
signature) is read field by field. Bad input is refused with a located message and exit 1.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml

from docgen.cli import main
from docgen.errors import InputError, Report
from docgen.import_plan import outline_yaml, plan_from_docx
from docgen.papers import load_plan_outline, write_plan
from docgen.plan_model import PlanOutline

from .conftest import INPUTS
from .test_dossier import docx_text

SEEDS = [
    INPUTS / "ke-hoach-quy-hoach-thanh-uy.yaml",
    INPUTS / "ke-hoach-quy-hoach-vpubnd-son-la.yaml",
]
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _render(outline_path: Path, out: Path) -> Path:
    return write_plan(outline_path, out)[0]


def _import_to_yaml(docx: Path, target: Path) -> PlanOutline:
    outline = plan_from_docx(docx)
    target.write_text(outline_yaml(outline, docx.name), encoding="utf-8")
    return outline


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_plan_round_trips_paragraph_by_paragraph(seed: Path, tmp_path: Path) -> None:
    original = _render(seed, tmp_path / "first")
    imported = tmp_path / "imported.yaml"
    outline = _import_to_yaml(original, imported)
    again = _render(imported, tmp_path / "again")

    first, second = docx_text(original).splitlines(), docx_text(again).splitlines()
    assert len(first) == len(second)
    for index, (expected, found) in enumerate(zip(first, second, strict=True)):
        assert found == expected, f"paragraph {index + 1}"

    source = load_plan_outline(seed)
    assert source is not None
    assert outline.issuer == source.issuer
    assert outline.number == source.number
    assert str(outline.date) == str(source.date)
    assert outline.subject == source.subject
    assert outline.preamble == source.preamble
    assert outline.recipients == source.recipients
    assert outline.signature == source.signature
    assert [part.heading for part in outline.parts] == [part.heading for part in source.parts]
    # Every item keeps its printed label, whether the seed typed it or numbered it.
    assert [f"{part.label} {part.heading}" for part in outline.parts] == [
        line for line in first if any(line.endswith(f" {p.heading}") for p in source.parts)
    ]


def test_imported_outline_reads_back_with_labels_as_text(tmp_path: Path) -> None:
    original = _render(SEEDS[0], tmp_path / "first")
    imported = tmp_path / "imported.yaml"
    _import_to_yaml(original, imported)
    text = imported.read_text(encoding="utf-8")
    assert "label: '1.'" in text and "label: 'A-'" in text
    data = yaml.safe_load(text)
    assert list(data)[:4] == ["kind", "issuer", "date", "subject"]
    assert data["issuer"]["issuer_kind"] == "Đảng"
    labels = [item["label"] for item in data["parts"][0]["items"]]
    assert labels == ["1.", "2.", "3.", "4.", "5."]
    assert load_plan_outline(imported) is not None


# --- A plan typed in Word -----------------------------------------------------------------------


def _bold(paragraph, text: str, **style: bool) -> None:  # type: ignore[no-untyped-def]
    run = paragraph.add_run(text)
    run.bold = style.get("bold", True)
    run.italic = style.get("italic", False)


def _add_footnote(document, paragraph, text: str) -> None:  # type: ignore[no-untyped-def]
    """A real Word footnote: a footnotes part, and a reference run in ``paragraph``."""
    xml = (
        f'<w:footnotes xmlns:w="{W}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        "</w:footnote>"
        '<w:footnote w:id="1"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        f'<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p>'
        "</w:footnote></w:footnotes>"
    )
    part = Part(
        PackURI("/word/footnotes.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
        xml.encode("utf-8"),
        document.part.package,
    )
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:rPr xmlns:w="{W}"><w:vertAlign w:val="superscript"/></w:rPr>'))
    run._r.append(parse_xml(f'<w:footnoteReference xmlns:w="{W}" w:id="1"/>'))


def _word_plan(path: Path) -> Path:
    """A ward committee's plan as an office types it in Word."""
    document = Document()
    header = document.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    left.paragraphs[0].add_run("ĐẢNG BỘ THÀNH PHỐ SƠN LA")
    _bold(left.add_paragraph(), "ĐẢNG ỦY PHƯỜNG CHIỀNG LỀ")
    left.add_paragraph("*")
    left.add_paragraph("Số 15-KH/ĐU")
    _bold(right.paragraphs[0], "ĐẢNG CỘNG SẢN VIỆT NAM")
    right.add_paragraph("")
    date = right.add_paragraph()
    date.add_run("Chiềng Lề, ngày 05 tháng 3 năm 2024").italic = True

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _bold(title, "KẾ HOẠCH")
    subject = document.add_paragraph()
    subject.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _bold(subject, "rà soát, bổ sung quy hoạch cấp ủy nhiệm kỳ 2025-2030")
    rule = document.add_paragraph("-----")
    rule.alignment = WD_ALIGN_PARAGRAPH.CENTER

    basis = document.add_paragraph("Căn cứ Quy định số 50-QĐ/TW của Bộ Chính trị")
    _add_footnote(document, basis, "Quy định về công tác quy hoạch cán bộ.")
    basis.add_run(", Ban Thường vụ Đảng ủy ban hành Kế hoạch như sau:")
    _bold(document.add_paragraph(), "I- MỤC ĐÍCH, YÊU CẦU")
    aim = document.add_paragraph("1. Phát hiện sớm nguồn cán bộ; hoàn thành trước ngày ")
    _bold(aim, "31/3/2024")
    aim.add_run(".")
    document.add_paragraph("Chuẩn bị nguồn cán bộ cho nhiệm kỳ tới:")
    document.add_paragraph("Cán bộ trẻ, cán bộ nữ.", style="List Bullet")
    document.add_paragraph("+ Cán bộ người dân tộc thiểu số.")
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip(table._cells, ["Chức danh", "Số lượng", "Bí thư", "02"], strict=True):
        cell.paragraphs[0].add_run(text)
    _bold(document.add_paragraph(), "II- TỔ CHỨC THỰC HIỆN")
    step = document.add_paragraph()
    _bold(step, "1. Văn phòng Đảng ủy ")
    _bold(step, "(bộ phận tổ chức)", italic=True)
    done = document.add_paragraph("a) Tổng hợp danh sách ")
    done.add_run("(theo mẫu)").italic = True
    done.add_run(".")
    document.add_paragraph("Báo cáo kết quả.", style="List Number")
    document.add_paragraph("")

    signature = document.add_table(rows=1, cols=2)
    left, right = signature.rows[0].cells
    left.paragraphs[0].add_run("Nơi nhận:").underline = True
    left.add_paragraph("- Ban Thường vụ Thành ủy (b/c),")
    left.add_paragraph("- Các chi bộ trực thuộc,")
    left.add_paragraph("- Lưu VPĐU.")
    left.add_paragraph("(để thực hiện)")
    _bold(right.paragraphs[0], "T/M ĐẢNG ỦY")
    _bold(right.add_paragraph(), "BÍ THƯ")
    right.add_paragraph("(Đã ký)")
    right.add_paragraph("")
    _bold(right.add_paragraph(), "Lò Văn Minh")
    annex = document.add_paragraph()
    annex.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _bold(annex, "PHỤ LỤC")
    about = document.add_paragraph("Danh sách chi bộ trực thuộc")
    about.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("Gồm 12 chi bộ.")
    document.save(str(path))
    return path


def test_word_plan_fields_are_recognised(tmp_path: Path) -> None:
    outline = plan_from_docx(_word_plan(tmp_path / "cu.docx"))

    issuer = outline.issuer
    assert issuer.issuer_kind.value == "party"
    assert (issuer.parent_body, issuer.issuing_body) == (
        "ĐẢNG BỘ THÀNH PHỐ SƠN LA",
        "ĐẢNG ỦY PHƯỜNG CHIỀNG LỀ",
    )
    assert (outline.number, issuer.body_symbol, issuer.place) == ("15", "ĐU", "Chiềng Lề")
    assert str(outline.date) == "05/03/2024"
    assert outline.subject == "rà soát, bổ sung quy hoạch cấp ủy nhiệm kỳ 2025-2030"
    assert outline.preamble == [
        "Căn cứ Quy định số 50-QĐ/TW của Bộ Chính trị[^1], Ban Thường vụ Đảng ủy ban hành Kế "
        "hoạch như sau:"
    ]
    assert outline.footnotes == ["Quy định về công tác quy hoạch cán bộ."]

    aims, organisation = outline.parts
    assert (aims.label, aims.heading) == ("I-", "MỤC ĐÍCH, YÊU CẦU")
    (first,) = aims.items
    assert (first.label, first.text) == (
        "1.",
        "Phát hiện sớm nguồn cán bộ; hoàn thành trước ngày **31/3/2024**.",
    )
    assert first.paragraphs == [
        "Chuẩn bị nguồn cán bộ cho nhiệm kỳ tới:",
        "- Cán bộ trẻ, cán bộ nữ.",
        "+ Cán bộ người dân tộc thiểu số.",
    ]
    assert first.table is not None
    assert (first.table.header, first.table.rows) == (["Chức danh", "Số lượng"], [["Bí thư", "02"]])
    assert (organisation.label, organisation.heading) == ("II-", "TỔ CHỨC THỰC HIỆN")
    office, report = organisation.items
    assert (office.label, office.heading) == ("1.", "Văn phòng Đảng ủy *(bộ phận tổ chức)*")
    (task,) = office.items
    assert (task.label, task.text) == ("a)", "Tổng hợp danh sách *(theo mẫu)*.")
    # Word's own numbering ("List Number", a list of its own: "1.") is a label of the same kind
    # as the typed "1." above, so it closes "a)" and is that item's sibling.
    assert (report.label, report.text) == ("1.", "Báo cáo kết quả.")
    assert outline.recipients == [
        "- Ban Thường vụ Thành ủy (b/c),",
        "- Các chi bộ trực thuộc,",
        "- Lưu VPĐU.\n  (để thực hiện)",
    ]
    signature = outline.signature
    assert (signature.authority, signature.position, signature.name) == (
        "T/M ĐẢNG ỦY",
        "BÍ THƯ",
        "Lò Văn Minh",
    )
    (annex,) = outline.annexes
    assert (annex.title, annex.subject, annex.paragraphs) == (
        "PHỤ LỤC",
        "Danh sách chi bộ trực thuộc",
        ["Gồm 12 chi bộ."],
    )


def test_word_plan_imports_and_prints(tmp_path: Path) -> None:
    source = _word_plan(tmp_path / "cu.docx")
    result = CliRunner().invoke(main, ["import-plan", str(source)])
    assert result.exit_code == 0, result.output
    target = tmp_path / "cu.yaml"
    assert f"wrote {target}" in result.output
    printed = _render(target, tmp_path / "out")
    text = docx_text(printed)
    assert "I- MỤC ĐÍCH, YÊU CẦU" in text
    assert "Phát hiện sớm nguồn cán bộ; hoàn thành trước ngày 31/3/2024." in text


# --- Bad input and existing files ---------------------------------------------------------------


def test_existing_outline_is_kept_without_force(tmp_path: Path) -> None:
    source = _word_plan(tmp_path / "cu.docx")
    target = tmp_path / "ke-hoach.yaml"
    target.write_text("mine\n", encoding="utf-8")
    runner = CliRunner()
    refused = runner.invoke(main, ["import-plan", str(source), "-o", str(target)])
    assert refused.exit_code == 2
    assert "exists; pass --force" in refused.output
    assert target.read_text(encoding="utf-8") == "mine\n"
    forced = runner.invoke(main, ["import-plan", str(source), "-o", str(target), "--force"])
    assert forced.exit_code == 0, forced.output
    assert target.read_text(encoding="utf-8").startswith("# Imported by docgen import-plan")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Ke hoach\n", "this is not a Word document (.docx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "old Word .doc file"),
        (b"", "the file is empty"),
    ],
    ids=["text", "doc", "empty"],
)
def test_a_file_that_is_not_a_docx_is_refused(tmp_path: Path, content: bytes, message: str) -> None:
    source = tmp_path / "cu.docx"
    source.write_bytes(content)
    result = CliRunner().invoke(main, ["import-plan", str(source)])
    assert result.exit_code == 1
    assert message in result.output
    assert str(source) in result.output
    assert not (tmp_path / "cu.yaml").exists()


def test_a_document_without_the_title_is_not_a_plan(tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph("BÁO CÁO")
    document.add_paragraph("Kết quả công tác quý I.")
    source = tmp_path / "bao-cao.docx"
    document.save(str(source))
    with pytest.raises(InputError) as caught:
        plan_from_docx(source)
    assert "no title “KẾ HOẠCH”" in caught.value.report.render()
    result = CliRunner().invoke(main, ["import-plan", str(source)])
    assert result.exit_code == 1
    assert "this is not a plan" in result.output


def test_missing_header_and_signature_are_all_listed(tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("về công tác cán bộ").alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("1. Việc thứ nhất.")
    source = tmp_path / "thieu.docx"
    document.save(str(source))
    with pytest.raises(InputError) as caught:
        plan_from_docx(source)
    text = caught.value.report.render()
    for expected in ("no issuing body", "no number line", "no place and date", "no signature"):
        assert expected in text
    assert text.startswith("5 errors")


def test_warnings_go_to_the_report(tmp_path: Path) -> None:
    source = _word_plan(tmp_path / "cu.docx")
    report = Report()
    plan_from_docx(source, report)
    assert report.ok


def _tabbed(document, left: str, right: str, *, bold: bool = False) -> None:  # type: ignore[no-untyped-def]
    paragraph = document.add_paragraph()
    paragraph.add_run(left).bold = bold
    paragraph.add_run("\t")
    paragraph.add_run(right).bold = True


def test_state_plan_with_header_and_signature_on_tabs(tmp_path: Path) -> None:
    document = Document()
    _tabbed(document, "UBND TỈNH SƠN LA", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    _tabbed(document, "SỞ NỘI VỤ", "Độc lập - Tự do - Hạnh phúc", bold=True)
    document.add_paragraph("Số: 07/KH-SNV\tSơn La, ngày 10 tháng 01 năm 2025")
    document.add_paragraph("KẾ HOẠCH").alignment = WD_ALIGN_PARAGRAPH.CENTER
    subject = document.add_paragraph("Tổ chức thi tuyển công chức")
    subject.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subject.add_run().add_break()
    subject.add_run("năm 2025")
    _bold(document.add_paragraph(), "I. MỤC ĐÍCH")
    document.add_paragraph("1. Tuyển đủ công chức.")
    document.add_paragraph("Nơi nhận:\tGIÁM ĐỐC")
    document.add_paragraph("- Như trên;")
    document.add_paragraph("- Lưu: VT.\tNguyễn Văn An")
    source = tmp_path / "snv.docx"
    document.save(str(source))

    outline = plan_from_docx(source)
    issuer = outline.issuer
    assert issuer.issuer_kind.value == "state"
    assert (issuer.parent_body, issuer.issuing_body, issuer.body_symbol) == (
        "UBND TỈNH SƠN LA",
        "SỞ NỘI VỤ",
        "SNV",
    )
    assert (outline.number, str(outline.date), issuer.place) == ("07", "10/01/2025", "Sơn La")
    assert outline.subject == "Tổ chức thi tuyển công chức\nnăm 2025"
    (part,) = outline.parts
    assert (part.label, part.heading, part.items[0].text) == (
        "I.",
        "MỤC ĐÍCH",
        "Tuyển đủ công chức.",
    )
    assert outline.recipients == ["- Như trên;", "- Lưu: VT."]
    assert (outline.signature.authority, outline.signature.position, outline.signature.name) == (
        None,
        "GIÁM ĐỐC",
        "Nguyễn Văn An",
    )


def test_footnotes_and_a_subject_line_break_round_trip(tmp_path: Path) -> None:
    source = load_plan_outline(SEEDS[0])
    assert source is not None
    data = source.model_dump(mode="json", exclude_defaults=True)
    data["subject"] = "về công tác cán bộ\nnăm 2024"
    data["preamble"][0] += "[^1]"
    data["closing"] = ["Trên đây là Kế hoạch[^2] của Ban Thường vụ."]
    data["footnotes"] = ["Quy định về quy hoạch cán bộ.", "Có *nghiêng* trong chú thích."]
    outline_path = tmp_path / "plan.yaml"
    outline_path.write_text(yaml.safe_dump({"kind": "plan", **data}, allow_unicode=True))
    original = _render(outline_path, tmp_path / "first")

    outline = plan_from_docx(original)
    assert outline.subject == "về công tác cán bộ\nnăm 2024"
    assert outline.preamble[0].endswith("[^1]")
    assert outline.closing == ["Trên đây là Kế hoạch[^2] của Ban Thường vụ."]
    assert outline.footnotes == data["footnotes"]
    imported = tmp_path / "imported.yaml"
    imported.write_text(outline_yaml(outline), encoding="utf-8")
    assert docx_text(_render(imported, tmp_path / "again")) == docx_text(original)
