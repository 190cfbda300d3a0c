"""Plans: the two seed plans reproduced from inputs/, and a round's plan written from its procedure.

Comparison ignores whitespace and the seed text's conversion marks ("*" emphasis, "-" list marks):
every paragraph of the seed body must appear in the output, in order.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from docgen.papers import write_plan
from docgen.validate import validate_path

from .conftest import INPUTS, ROOT, STATE_EXAMPLE
from .test_dossier import docx_text

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
        "A. MỤC ĐÍCH, YÊU CẦU",
        "1. Bảo đảm đúng quy định.",
        "2. Không làm xáo trộn.",
        "B. NHIỆM VỤ",
        "I. Rà soát nguồn",
        "- Chủ trì: Sở Nội vụ.",
        "- Thực hiện: Các sở, ban, ngành.",
        "- Thời gian: Trước ngày 31/3/2026.",
        "1. Lập danh sách",
        "1 Đề án ban hành ngày 05/12/2025.",
    ]:
        assert line in text.splitlines(), line
