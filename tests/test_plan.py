"""Plans: the two seed plans reproduced from inputs/, and a round's plan written from its procedure.

Comparison ignores whitespace and the seed text's conversion marks ("*" emphasis, "-" list marks):
every paragraph of the seed body must appear in the output, in order.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from docgen.cli import main
from docgen.compose.plan import plan_context
from docgen.papers import load_plan_outline, write_plan
from docgen.plan_model import PlanOutline, number_label
from docgen.validate import validate_path

from .conftest import INPUTS, ROOT, STATE_EXAMPLE
from .test_dossier import W, docx_text

SEEDS = ROOT.parent / "shared" / "seeds"


def _norm(text: str) -> str:
    return re.sub(r"[\s*\-]", "", text)


def _seed_parts(name: str) -> tuple[list[str], list[str], list[str], list[str]]:
    """(header lines, body paragraphs, recipient lines, signature lines) of a seed."""
    lines = [
        line.strip()
        for line in (SEEDS / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    title = lines.index("KẾ HOẠCH")
    recipients_at = lines.index("Nơi nhận:")
    header = lines[:title]
    body = lines[title + 1 : recipients_at]
    after = lines[recipients_at + 1 :]
    recipients = [line for line in after if line.startswith("- ")]
    rest = [line for line in after if not line.startswith("- ")]
    signature = []
    for line in rest:
        signature += [part.strip("* ") for part in line.split("\n")]
    return header, body, recipients, signature[:3]


@pytest.mark.parametrize(
    "name", ["ke-hoach-quy-hoach-vpubnd-son-la", "ke-hoach-quy-hoach-thanh-uy"]
)
def test_seed_plan_is_reproduced(name: str, tmp_path: Path) -> None:
    if not SEEDS.exists():
        pytest.skip("shared/seeds is not beside the project")
    path = write_plan(INPUTS / f"{name}.yaml", tmp_path)[0]
    text = docx_text(path)
    output = _norm(text)
    header, body, recipients, signature = _seed_parts(name)
    position = 0
    for paragraph in body:
        found = output.find(_norm(paragraph), position)
        assert found >= 0, f"seed paragraph missing or out of order: {paragraph[:90]}"
        position = found + len(_norm(paragraph))
    for line in header:
        assert _norm(line) in output, f"header line missing: {line}"
    out_lines = [
        _norm(line) for line in text.replace(" / ", "\n").replace(" | ", "\n").splitlines()
    ]
    for line in recipients:
        assert _norm(line) in out_lines, f"recipient line differs: {line}"
    for line in signature:
        if line and not line.startswith(("3-", "4-", "5-", "6-")):
            assert _norm(line) in out_lines, f"signature line missing: {line}"


def test_round_plan_writes_the_procedure_from_its_definition(
    tmp_path: Path, state_data: dict, write_round
) -> None:  # type: ignore[no-untyped-def]
    text = docx_text(write_plan(STATE_EXAMPLE, tmp_path)[0])
    assert "(2) Bước 2: Hội nghị cán bộ chủ chốt" in text
    assert "phải đạt tỉ lệ phiếu đồng ý ít nhất từ 30% trở lên so với tổng số người có mặt" in text
    assert (
        "ít nhất trên 50% so với tổng số người được triệu tập và lấy từ trên xuống cho đủ số lượng theo quy định"
        in text
    )
    assert (
        "Những đồng chí có trên 50% tổng số người được triệu tập đồng ý thì đề xuất đưa ra khỏi quy hoạch"
        in text
    )
    assert "Số: 05/KH-VPUBND | Sơn La, ngày 25 tháng 3 năm 2022" in text
    assert "CHÁNH VĂN PHÒNG" in text and "Nguyễn Quang Huy" in text
    # The same definition drives the counting: change it and the plan follows.
    state_data["info"]["procedure"] = "Tùy chỉnh"
    state_data["procedure_steps"] = [
        {
            "number": 1,
            "conference": "Hội nghị tập thể lãnh đạo (lần 1)",
            "kind": "đưa ra khỏi quy hoạch",
            "threshold": 50,
            "comparison": ">",
            "base": "triệu tập",
        },
        {
            "number": 2,
            "conference": "Hội nghị cán bộ chủ chốt",
            "kind": "giới thiệu",
            "threshold": 40,
            "comparison": ">=",
            "base": "có mặt",
        },
        {
            "number": 3,
            "conference": "Hội nghị tập thể lãnh đạo mở rộng",
            "kind": "giới thiệu",
            "threshold": 50,
            "comparison": ">",
            "base": "có mặt",
        },
        {
            "number": 4,
            "conference": "Hội nghị tập thể lãnh đạo (lần 2)",
            "kind": "giới thiệu",
            "threshold": 50,
            "comparison": ">",
            "base": "triệu tập",
            "fills_quota": "x",
        },
    ]
    counted = validate_path(write_round(state_data, "counted.yaml"))
    assert any(
        "Lường Văn Tâm is voted on at step 3 but did not pass step 2" in str(e)
        for e in counted.report.errors
    )
    state_data["results"], state_data["conferences"] = [], []  # the plan opens a fresh round
    text = docx_text(write_plan(write_round(state_data), tmp_path / "custom")[0])
    assert "ít nhất từ 40% trở lên so với tổng số người có mặt" in text


def test_a_general_plan_outline_numbers_items_and_names_bodies(tmp_path: Path) -> None:
    source = tmp_path / "luan-chuyen.yaml"
    source.write_text(
        """
kind: plan
issuer: {issuer_kind: Nhà nước, parent_body: UBND TỈNH SƠN LA, issuing_body: SỞ NỘI VỤ, body_symbol: SNV, place: Sơn La}
number: "3"
date: 02/01/2026
subject: Triển khai Đề án luân chuyển cán bộ năm 2026
preamble: ["Căn cứ Đề án số 01-ĐA/TU của Ban Thường vụ Tỉnh ủy[^1];"]
parts:
  - heading: MỤC ĐÍCH, YÊU CẦU
    items: [{text: "Bảo đảm đúng quy định."}, {text: "Không làm xáo trộn."}]
  - heading: NHIỆM VỤ
    items:
      - heading: Rà soát nguồn
        lead: Sở Nội vụ
        implementing: Các sở, ban, ngành
        timeline: Trước ngày 31/3/2026
        items: [{heading: Lập danh sách}]
footnotes: ["Đề án ban hành ngày 05/12/2025."]
recipients: ["- UBND tỉnh (b/c);", "- Lưu: VT, TCCB."]
signature: {authority: KT. GIÁM ĐỐC, position: PHÓ GIÁM ĐỐC, name: Lê Văn Bốn}
""",
        encoding="utf-8",
    )
    text = docx_text(write_plan(source, tmp_path / "out")[0])
    assert "Số: 03/KH-SNV | Sơn La, ngày 02 tháng 01 năm 2026" in text
    for line in [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Bảo đảm đúng quy định.",
        "2. Không làm xáo trộn.",
        "II. NHIỆM VỤ",
        "1. Rà soát nguồn",
        "- Chủ trì: Sở Nội vụ.",
        "- Thực hiện: Các sở, ban, ngành.",
        "- Thời gian: Trước ngày 31/3/2026.",
        "1.1. Lập danh sách",
    ]:
        assert line in text.splitlines(), line


def _outline(tmp_path: Path, text: str, name: str = "plan.yaml") -> PlanOutline:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    outline = load_plan_outline(source)
    assert outline is not None
    return outline


def _blocks(outline: PlanOutline) -> list[str]:
    return [re.sub(r"<[^>]+>", "", block.xml) for block in plan_context(outline)["blocks"]]


_HEAD = """
kind: plan
issuer: {issuer_kind: KIND, parent_body: ĐẢNG BỘ TỈNH SƠN LA, issuing_body: THÀNH ỦY SƠN LA,
         body_symbol: TU, place: Sơn La}
subject: Thử
signature: {position: BÍ THƯ, name: Vũ Trí Hải}
"""


@pytest.mark.parametrize(
    ("pattern", "chain", "label"),
    [
        ("I-", [2], "II-"),
        ("I.", [4], "IV."),
        ("A-", [3], "C-"),
        ("1.", [1, 5], "5."),
        ("1.1.", [3, 2], "3.2."),
        ("1.1.1.", [2, 1, 4], "2.1.4."),
        ("1.1.", [7], "1.7."),
        ("a)", [1, 1, 4], "d)"),
        ("(1)", [12], "(12)"),
        ("i)", [3], "iii)"),
        ("-", [3], "-"),
        ("Điều 1.", [2], "Điều 2."),
    ],
)
def test_numbering_patterns_give_labels(pattern: str, chain: list[int], label: str) -> None:
    assert number_label(pattern, chain) == label


def test_party_default_numbering_is_i_dash_then_nested_arabic_then_letters(tmp_path: Path) -> None:
    item = "{heading: H, items: [{heading: K, items: [{heading: L, items: [{text: x, items: [{text: y}]}]}]}]}"
    outline = _outline(tmp_path, _HEAD.replace("KIND", "Đảng") + f"parts: [{item}, {{text: z}}]\n")
    assert _blocks(outline) == ["I- H", "1. K", "1.1. L", "1.1.1. x", "a) y", "II- z"]


def test_state_default_numbering_is_i_dot_then_nested_arabic_then_letters(tmp_path: Path) -> None:
    item = "{heading: H, items: [{heading: K, items: [{text: x, items: [{text: y}, {text: w}]}]}]}"
    outline = _outline(tmp_path, _HEAD.replace("KIND", "Nhà nước") + f"parts: [{item}]\n")
    assert _blocks(outline) == ["I. H", "1. K", "1.1. x", "a) y", "b) w"]


def test_an_item_numbering_numbers_its_sub_items_and_an_explicit_label_wins(
    tmp_path: Path,
) -> None:
    outline = _outline(
        tmp_path,
        _HEAD.replace("KIND", "Đảng")
        + """numbering: [A-, 1., (1)]
parts:
  - heading: MỤC ĐÍCH
    items: [{text: a}, {text: b, items: [{text: c}]}]
  - heading: NỘI DUNG
    numbering: [I-, 1., 1.1.]
    items:
      - heading: RÀ SOÁT
        items: [{text: d, items: [{text: e}, {label: "*", text: f}]}]
""",
    )
    assert _blocks(outline) == [
        "A- MỤC ĐÍCH",
        "1. a",
        "2. b",
        "(1) c",
        "B- NỘI DUNG",
        "I- RÀ SOÁT",
        "1. d",
        "1.1. e",
        "* f",
    ]


def test_an_unquoted_label_stays_text(tmp_path: Path) -> None:
    outline = _outline(
        tmp_path,
        _HEAD.replace("KIND", "Đảng")
        + "number: 05\nparts: [{label: 1., text: a}, {label: 2.10, text: b}, {label: no, text: c}]\n",
    )
    assert _blocks(outline) == ["1. a", "2.10 b", "no c"]
    assert plan_context(outline)["number_symbol"].startswith("05-KH")


def test_role_lines_take_the_plan_s_wording_combined_and_bulleted(tmp_path: Path) -> None:
    outline = _outline(
        tmp_path,
        _HEAD.replace("KIND", "Đảng")
        + """role_style:
  labels: {lead: Cơ quan lãnh đạo, advising: Cơ quan tham mưu, implementing: Cơ quan thực hiện,
           coordinating: Cơ quan phối hợp thực hiện, timeline: Thời gian thực hiện}
  italic_labels: true
  combine: true
  bullet: "+"
  bold_timeline: false
parts:
  - text: Rà soát nguồn
    lead: Ban Thường vụ Thành ủy
    advising: Ban Tổ chức Thành ủy
    implementing: Ban Thường vụ Thành ủy
    coordinating: Các chi, đảng bộ cơ sở
    timeline: Trong **tháng 02** hằng năm
  - text: Hướng dẫn
    lead: Ban Tổ chức Thành ủy
    role_style: {bullet: "-"}
""",
    )
    assert _blocks(outline) == [
        "I- Rà soát nguồn",
        "+ Cơ quan lãnh đạo, thực hiện: Ban Thường vụ Thành ủy.",
        "+ Cơ quan tham mưu: Ban Tổ chức Thành ủy.",
        "+ Cơ quan phối hợp thực hiện: Các chi, đảng bộ cơ sở.",
        "+ Thời gian thực hiện: Trong tháng 02 hằng năm.",
        "II- Hướng dẫn",
        "- Chủ trì: Ban Tổ chức Thành ủy.",
    ]
    xml = plan_context(outline)["blocks"][1].xml
    assert "<w:i/>" in xml and "Cơ quan lãnh đạo, thực hiện" in xml


def test_a_numbered_role_line_is_the_next_sub_item(tmp_path: Path) -> None:
    outline = _outline(
        tmp_path,
        _HEAD.replace("KIND", "Nhà nước")
        + """role_style: {bullet: numbered, bold_timeline: false}
parts:
  - heading: NỘI DUNG
    items:
      - heading: Đối với cấp phòng
        items: [{heading: Quy hoạch trưởng phòng}, {heading: Quy trình}]
        timeline: Hoàn thành xong trước ngày 15/4/2022
""",
    )
    assert _blocks(outline) == [
        "I. NỘI DUNG",
        "1. Đối với cấp phòng",
        "1.1. Quy hoạch trưởng phòng",
        "1.2. Quy trình",
        "1.3. Thời gian: Hoàn thành xong trước ngày 15/4/2022.",
    ]


def test_the_seeds_are_written_with_numbering_and_roles_not_typed_labels() -> None:
    for name in ("ke-hoach-quy-hoach-thanh-uy", "ke-hoach-quy-hoach-vpubnd-son-la"):
        text = (INPUTS / f"{name}.yaml").read_text(encoding="utf-8")
        assert "label:" not in text, name
        assert "timeline:" in text and "numbering:" in text, name


# --- Header, line breaks, recipients, tight lists, keep-with-next, tables, annexes, footnotes ---

_FULL = """
kind: plan
issuer: {issuer_kind: Đảng, parent_body: "", issuing_body: THÀNH ỦY HÀ NỘI, body_symbol: TU,
         place: Hà Nội}
number: 12
date: 03/2024
subject: "luân chuyển cán bộ\\nnăm 2024 - 2025"
tight: true
preamble: ["Căn cứ Quy định số 65-QĐ/TW[^1] của Bộ Chính trị;"]
parts:
  - heading: MỤC ĐÍCH, YÊU CẦU
    paragraphs: ["- ý một", "- ý hai", "Đoạn thường.\\nDòng thứ hai."]
  - heading: NỘI DUNG
    items:
      - heading: Rà soát[^2]
        table:
          header: [STT, Chức danh, Số lượng]
          rows: [[1, Bí thư, 2], [2, Phó Bí thư, 3]]
closing: ["Đoạn cuối."]
footnotes:
  - Quy định số 65-QĐ/TW ngày 28/4/2022 về luân chuyển cán bộ.
  - Theo **Hướng dẫn** số 01-HD/BTCTW.
recipients: ["- Ban Tổ chức Trung ương,\\n    Vụ Địa phương I (b/c),", "- Lưu VP."]
signature: {authority: T/M BAN THƯỜNG VỤ, position: BÍ THƯ, name: Nguyễn Văn A}
annexes:
  - subject: Danh sách chức danh luân chuyển
    paragraphs: [Kèm theo Kế hoạch số 12-KH/TU.]
    table: {header: [STT, Chức danh], rows: [[1, Bí thư]]}
"""


@pytest.fixture(scope="module")
def full_plan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("full")
    (folder / "plan.yaml").write_text(_FULL, encoding="utf-8")
    written = write_plan(folder / "plan.yaml", folder / "out", formats=("docx", "pdf"))
    return {path.suffix: path for path in written}


def _part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name).decode("utf-8")


def _pdf_lines(path: Path) -> list[list[tuple[float, str]]]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [
            [(line["top"], line["text"]) for line in page.extract_text_lines()]
            for page in pdf.pages
        ]


def test_a_header_without_parent_body_has_no_parent_line(full_plan: dict[str, Path]) -> None:
    first = docx_text(full_plan[".docx"]).splitlines()[0]
    assert first.startswith("THÀNH ỦY HÀ NỘI / *")
    assert _pdf_lines(full_plan[".pdf"])[0][0][1].startswith("THÀNH ỦY HÀ NỘI")


def test_line_breaks_are_kept_in_docx_and_pdf(full_plan: dict[str, Path]) -> None:
    document = _part(full_plan[".docx"], "word/document.xml")
    assert re.search(r"luân chuyển cán bộ</w:t>\s*<w:br/>\s*<w:t[^>]*>năm 2024", document)
    texts = [text for _, text in _pdf_lines(full_plan[".pdf"])[0]]
    assert "luân chuyển cán bộ" in texts and "năm 2024 - 2025" in texts
    assert "Dòng thứ hai." in texts


def test_a_recipient_continues_on_an_indented_line(full_plan: dict[str, Path]) -> None:
    document = _part(full_plan[".docx"], "word/document.xml")
    assert "<w:br/>" in document.split("Ban Tổ chức Trung ương,")[1][:80]
    assert "\u00a0\u00a0\u00a0\u00a0Vụ Địa phương I (b/c)," in document
    lines = _pdf_lines(full_plan[".pdf"])[0]
    continuation = next(top for top, text in lines if text.startswith("Vụ Địa phương"))
    assert any(text.startswith("- Ban Tổ chức") and top < continuation for top, text in lines)


def test_tight_list_lines_have_no_space_after_and_the_last_block_keeps_with_the_signature(
    full_plan: dict[str, Path],
) -> None:
    root = etree.fromstring(_part(full_plan[".docx"], "word/document.xml").encode())
    paragraphs = {
        "".join(p.itertext()): p for p in root.iter(f"{W}p") if "".join(p.itertext()).strip()
    }
    assert paragraphs["- ý một"].find(f"{W}pPr/{W}spacing").get(f"{W}after") == "0"
    assert paragraphs["Đoạn cuối."].find(f"{W}pPr/{W}keepNext") is not None
    signature = next(t for t in root.iter(f"{W}tbl") if "Nơi nhận" in "".join(t.itertext()))
    assert signature.find(f"{W}tr/{W}trPr/{W}cantSplit") is not None


def test_an_item_table_and_an_annex_after_the_signature(full_plan: dict[str, Path]) -> None:
    text = docx_text(full_plan[".docx"])
    assert "STT | Chức danh | Số lượng" in text and "2 | Phó Bí thư | 3" in text
    assert text.index("Nguyễn Văn A") < text.index("PHỤ LỤC") < text.index("STT | Chức danh\n")
    root = etree.fromstring(_part(full_plan[".docx"], "word/document.xml").encode())
    table = next(t for t in root.iter(f"{W}tbl") if "Số lượng" in "".join(t.itertext()))
    assert table.find(f"{W}tr/{W}trPr/{W}tblHeader") is not None
    widths = {col.get(f"{W}w") for col in table.iter(f"{W}gridCol")}
    assert len(list(table.iter(f"{W}gridCol"))) == 3 and len(widths) == 1
    pages = _pdf_lines(full_plan[".pdf"])
    assert [text for _, text in pages[-1]][1:3] == ["PHỤ LỤC", "Danh sách chức danh luân chuyển"]


def test_docx_footnotes_are_a_real_footnotes_part(full_plan: dict[str, Path]) -> None:
    document = _part(full_plan[".docx"], "word/document.xml")
    notes = _part(full_plan[".docx"], "word/footnotes.xml")
    assert document.count("<w:footnoteReference") == 2 and "[^" not in document
    assert "Quy định số 65-QĐ/TW ngày 28/4/2022" not in document
    assert "Quy định số 65-QĐ/TW ngày 28/4/2022" in notes and "<w:footnoteRef/>" in notes
    assert "footnotes.xml" in _part(full_plan[".docx"], "word/_rels/document.xml.rels")
    assert "footnotes+xml" in _part(full_plan[".docx"], "[Content_Types].xml")


def _foot_of_citing_page(pages: list[list[tuple[float, str]]]) -> None:
    """Each footnote's text is on the page of its mark, below every line of the body."""
    for mark, note in (("65-QĐ/TW1", "Quy định số 65-QĐ/TW ngày"), ("soát2", "Theo Hướng dẫn")):
        page = next(p for p in pages if any(mark in text.replace(" ", "") for _, text in p))
        cited = next(top for top, text in page if mark in text.replace(" ", ""))
        at = next(top for top, text in page if note in text)
        body = [top for top, text in page if "Nguyễn Văn A" in text or "Đoạn cuối" in text]
        assert at > cited and all(at > top for top in body), (mark, at, cited)


def test_pdf_footnotes_are_at_the_foot_of_the_page_citing_them(full_plan: dict[str, Path]) -> None:
    _foot_of_citing_page(_pdf_lines(full_plan[".pdf"]))


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_docx_footnotes_are_at_the_foot_of_the_page_in_libreoffice(
    full_plan: dict[str, Path], tmp_path: Path
) -> None:
    from docgen.pdf import libreoffice_pdfs

    pdf = libreoffice_pdfs({"plan.docx": full_plan[".docx"].read_bytes()})["plan.pdf"]
    (tmp_path / "plan.pdf").write_bytes(pdf)
    _foot_of_citing_page(_pdf_lines(tmp_path / "plan.pdf"))


# --- Errors in the outline's own terms; the published schema --------------------------------


def test_outline_errors_name_field_paths_and_types_all_at_once(tmp_path: Path) -> None:
    source = tmp_path / "bad.yaml"
    source.write_text(
        """kind: plan
issuer: {issuer_kind: Đảng, issuing_body: THÀNH ỦY X, body_symbol: TU, place: X}
subject: Thử
role_style: {bullet: "*"}
tight: maybe
parts:
  - heading: A
    items: [{text: ok}, {label: [1], text: {a: 1}}, {txt: x}]
signature: {position: BÍ THƯ}
""",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["plan", str(source), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    assert lines[0] == "6 errors, 0 warnings"
    expected = [
        "parts[1].items[2].label: error: invalid value; expected text, found a list of 1 item",
        "parts[1].items[2].text: error: invalid value; expected text, found a group of named fields",
        "parts[1].items[3].txt: error: unknown field, found “txt”",
        "role_style.bullet: error: invalid value; expected one of '-', '+', '' or 'numbered', "
        "found “*”",
        "signature.name: error: required value is missing",
        "tight: error: invalid value; expected true or false, found “maybe”",
    ]
    for text in expected:
        assert any(f"bad.yaml, {text}" in line for line in lines), text
    for word in ("sheet", "column", "row", "[0]"):
        assert word not in result.output, word
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("json_value", "found"),
    [
        ("1.0", "a number (1.0; write it in quotes)"),
        ("true", "yes/no (true; write it in quotes)"),
        ('["a", "b"]', "a list of 2 items"),
    ],
)
def test_a_json_label_that_is_not_text_is_refused_with_the_type_found(
    tmp_path: Path, json_value: str, found: str
) -> None:
    source = tmp_path / "plan.json"
    source.write_text(
        '{"kind": "plan", "issuer": {"issuer_kind": "Đảng", "issuing_body": "X", '
        '"body_symbol": "TU", "place": "X"}, "subject": "S", '
        f'"parts": [{{"text": "a"}}, {{"label": {json_value}, "text": "b"}}], '
        '"signature": {"position": "P", "name": "N"}}',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["plan", str(source), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"plan.json, parts[2].label: error: invalid value; expected text, found {found}" in (
        result.output
    )


def test_footnote_marks_must_cite_each_footnote_once_in_order(tmp_path: Path) -> None:
    source = tmp_path / "notes.yaml"
    source.write_text(
        _HEAD.replace("KIND", "Đảng").replace("subject: Thử", "subject: Thử[^2]")
        + 'parts: [{text: "a[^1]"}]\nfootnotes: [x, y]\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["plan", str(source), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert (
        "notes.yaml, footnotes: error: invalid value; expected the marks [^1], [^2] in the text, "
        "each once and in this order, found [^2], [^1] for 2 footnotes"
    ) in result.output


def test_docgen_schema_plan_prints_the_published_schema() -> None:
    result = CliRunner().invoke(main, ["schema", "--plan"])
    assert result.exit_code == 0, result.output
    assert result.output == (ROOT / "docs" / "plan.schema.json").read_text(encoding="utf-8"), (
        "docs/plan.schema.json is out of date: `.venv/bin/docgen schema --plan > "
        "docs/plan.schema.json`"
    )
    schema = json.loads(result.output)
    assert schema["title"] == "docgen plan outline"
    item = schema["$defs"]["PlanItem"]["properties"]
    assert {"label", "numbering", "timeline", "role_style", "table", "items"} <= set(item)
    assert "Đảng" in schema["$defs"]["PlanIssuer"]["properties"]["issuer_kind"]["enum"]
    assert "parent_body" not in schema["$defs"]["PlanIssuer"]["required"]


def test_the_field_reference_names_every_field_of_the_outline() -> None:
    reference = (ROOT / "docs" / "ke-hoach.md").read_text(encoding="utf-8")
    schema = json.loads((ROOT / "docs" / "plan.schema.json").read_text(encoding="utf-8"))
    fields = set(schema["properties"])
    for model in schema["$defs"].values():
        fields |= set(model.get("properties", {}))
    missing = sorted(name for name in fields if f"`{name}`" not in reference)
    assert not missing, f"docs/ke-hoach.md does not explain: {missing}"
    assert "(ke-hoach.md)" in (ROOT / "docs" / "huong-dan.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("date", ["null", "03/2024", "15/03/2024"])
def test_check_layout_accepts_a_plan_with_its_date_left_for_the_registry(
    full_plan: dict[str, Path], tmp_path: Path, date: str
) -> None:
    """Also without a parent line, with an item table and an annex after the signature."""
    from docgen.conformance import check_docx
    from docgen.models import IssuerKind

    source = tmp_path / "plan.yaml"
    source.write_text(_FULL.replace("date: 03/2024", f"date: {date}"), encoding="utf-8")
    path = write_plan(source, tmp_path / "out")[0]
    assert check_docx(path, IssuerKind.PARTY, "plan") == []
