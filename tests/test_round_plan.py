"""The round's plan (issue #8, "Plans of a round"): Nơi nhận from rules that include the bodies
that carry the plan out, overridable by the "Nơi nhận" sheet; Party words in a Party plan; no
paragraph said twice, the quorum once; a warning for every blank field printed as a gap."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from docgen.cli import main
from docgen.compose.plan import plan_context, round_plan_outline
from docgen.models import Purpose, RoundInfo
from docgen.papers import validated_round, write_plan
from docgen.rules.recipients import party_plan_recipients, state_plan_recipients

from .conftest import INPUTS, PARTY_EXAMPLE, STATE_EXAMPLE
from .test_dossier import docx_text

STATE_WORKBOOK = INPUTS / "vpubnd-son-la-ra-soat-2022.xlsx"
PARTY_WORKBOOK = INPUTS / "dang-uy-phuong-to-hieu-nhiem-ky-2025-2030.xlsx"

STATE_WORDS = (
    "tập thể lãnh đạo",
    "bộ phận tham mưu",
    "Văn phòng UBND",
    "Lãnh đạo Văn phòng",
    "Chánh Văn phòng",
    "công chức, viên chức",
    "và tương đương",
    "Lưu: VT",
)
"""Words by which a State office's plan names its own bodies and people (seed
ke-hoach-quy-hoach-vpubnd-son-la.txt). The Thành ủy seed names its own as Ban Thường vụ, Ban Tổ
chức, Văn phòng Thành ủy, chi, đảng bộ cơ sở, cán bộ, đảng viên; it says "tập thể lãnh đạo" only
of the state bodies under it, which a committee's plan for its own titles has no cause to name."""


def _body(path: Path) -> list[str]:
    """The plan's body paragraphs as printed: from the preamble to the last paragraph before
    the signature (the blocks of the template), read back from the outline."""
    validated, model, decision = validated_round(path)
    context = plan_context(round_plan_outline(model, decision))
    return [re.sub(r"<[^>]+>", "", block.xml) for block in context["blocks"]]


def _recipients(path: Path) -> list[str]:
    _, model, decision = validated_round(path)
    return round_plan_outline(model, decision).recipients


@pytest.mark.parametrize("path", [STATE_WORKBOOK, STATE_EXAMPLE])
def test_state_plan_names_who_directs_and_who_carries_it_out(path: Path) -> None:
    assert _recipients(path) == [
        "- Ban Tổ chức Tỉnh ủy (b/c);",
        "- Lãnh đạo Văn phòng UBND tỉnh (để chỉ đạo);",
        "- Các phòng, ban, đơn vị thuộc Văn phòng UBND tỉnh (thực hiện);",
        "- Lưu: VT, TCHCQT.",
    ]


@pytest.mark.parametrize("path", [PARTY_WORKBOOK, PARTY_EXAMPLE])
def test_party_plan_names_superiors_members_and_party_organisations(path: Path) -> None:
    assert _recipients(path) == [
        "- Thường trực Thành ủy (b/c),",
        "- Ban Tổ chức Thành ủy (b/c),",
        "- Các chi bộ trực thuộc (thực hiện),",
        "- Các đồng chí Đảng ủy viên,",
        "- Lưu Văn phòng Đảng ủy.",
    ]


def _info(**changes: Any) -> RoundInfo:
    base = {
        "issuer_kind": "Đảng",
        "parent_body": "ĐẢNG BỘ TỈNH SƠN LA",
        "issuing_body": "THÀNH ỦY SƠN LA",
        "body_symbol": "TU",
        "place": "Sơn La",
        "round_kind": "Rà soát, bổ sung",
        "term": "2020-2025",
        "reference_date": "01/2022",
        "approving_body": "Ban Thường vụ Tỉnh ủy",
        "signer_position": "BÍ THƯ",
        "signer_name": "Vũ Trí Hải",
    }
    return RoundInfo.model_validate({**base, **changes})


def test_recipient_rules_follow_the_issuing_body() -> None:
    city = party_plan_recipients(_info())
    assert [(r.name, r.purpose) for r in city] == [
        ("Thường trực Tỉnh ủy", Purpose.REPORT),
        ("Ban Tổ chức Tỉnh ủy", Purpose.REPORT),
        ("Các chi, đảng bộ cơ sở", Purpose.ACT),
        ("Các đồng chí Thành ủy viên", Purpose.INFORM),
        ("Lưu Văn phòng Thành ủy", Purpose.ARCHIVE),
    ]
    # An approving body that is not a Ban Thường vụ is reported to as it is named.
    other = party_plan_recipients(_info(approving_body="Đảng ủy Khối các cơ quan tỉnh"))
    assert other[0].name == "Đảng ủy Khối các cơ quan tỉnh" and other[1].purpose == Purpose.ACT
    # A committee approving its own plan reports to nobody above.
    own = party_plan_recipients(
        _info(
            issuing_body="ĐẢNG ỦY PHƯỜNG CHIỀNG LỀ",
            body_symbol="ĐU",
            approving_body="Ban Thường vụ Đảng ủy phường",
            unit_name="Ban Thường vụ Đảng ủy phường",
        )
    )
    assert [r.purpose for r in own] == [Purpose.ACT, Purpose.INFORM, Purpose.ARCHIVE]
    state = state_plan_recipients(
        _info(
            issuer_kind="Nhà nước",
            parent_body="UBND TỈNH SƠN LA",
            issuing_body="SỞ NỘI VỤ",
            body_symbol="SNV",
            unit_name="Sở Nội vụ",
            drafting_unit="TCCB",
        )
    )
    assert [r.name for r in state] == [
        "Ban Tổ chức Tỉnh ủy",
        "Lãnh đạo Sở Nội vụ",
        "Các phòng, ban, đơn vị thuộc Sở Nội vụ",
        "Lưu: VT, TCCB",
    ]


def test_the_recipient_sheet_replaces_the_rules_for_the_plan(
    party_data: dict, state_data: dict, write_round
) -> None:  # type: ignore[no-untyped-def]
    party_data["recipients"] += [
        {"document": "Kế hoạch", "recipient": "Các chi bộ trực thuộc", "purpose": "thực hiện"},
        {"document": "Kế hoạch", "recipient": "Ban Tổ chức Thành ủy", "purpose": "báo cáo"},
        {"document": "Kế hoạch", "recipient": "Ủy ban MTTQ phường", "purpose": "phối hợp"},
    ]
    assert _recipients(write_round(party_data, "party.yaml")) == [
        "- Ban Tổ chức Thành ủy (b/c),",
        "- Ủy ban MTTQ phường (phối hợp),",
        "- Các chi bộ trực thuộc (thực hiện),",
        "- Lưu Văn phòng Đảng ủy.",
    ]
    state_data["recipients"] = [
        {"document": "Kế hoạch", "recipient": "UBND tỉnh", "purpose": "báo cáo"},
        {"document": "Kế hoạch", "recipient": "Lưu: VT, TCHCQT, HSQH", "purpose": "lưu"},
        {"document": "Tờ trình", "recipient": "Sở Nội vụ", "purpose": "để biết"},
    ]
    assert _recipients(write_round(state_data, "state.yaml")) == [
        "- UBND tỉnh (b/c);",
        "- Lưu: VT, TCHCQT, HSQH.",
    ]


def test_a_party_plan_speaks_party() -> None:
    text = "\n".join(_body(PARTY_WORKBOOK) + _recipients(PARTY_WORKBOOK))
    for word in STATE_WORDS:
        assert word.casefold() not in text.casefold(), word
    for line in [
        "A- MỤC ĐÍCH, YÊU CẦU",
        "B- NỘI DUNG",
        "II- QUY TRÌNH THỰC HIỆN",
        "C- TỔ CHỨC THỰC HIỆN",
        "- Đối tượng 1: Phó Bí thư.",
    ]:
        assert line in text.splitlines(), line
    assert "Ban Thường vụ Đảng ủy phường ban hành Kế hoạch" in text
    assert "Văn phòng Đảng ủy tham mưu Ban Thường vụ Đảng ủy phường" in text
    assert "(qua Ban Tổ chức Thành ủy tổng hợp, thẩm định)" in text


def test_a_state_plan_keeps_the_state_voice() -> None:
    text = "\n".join(_body(STATE_WORKBOOK))
    assert "tập thể lãnh đạo Văn phòng UBND tỉnh (gọi chung là tập thể lãnh đạo)" in text
    assert "- Đối tượng 1: Phó Trưởng phòng và tương đương." in text.splitlines()
    assert "A. MỤC ĐÍCH, YÊU CẦU" in text.splitlines()
    assert text.rstrip().endswith("./.")


@pytest.mark.parametrize("path", [STATE_WORKBOOK, PARTY_WORKBOOK])
def test_no_paragraph_is_said_twice(path: Path) -> None:
    body = _body(path)
    repeated = [line for line, count in Counter(body).items() if count > 1]
    assert not repeated, repeated
    # Each step says what it itself does: the paragraph after each step heading is its own.
    openings = [body[i + 1] for i, line in enumerate(body) if re.match(r"\(\d+\) Bước \d+:", line)]
    assert len(openings) == len(set(openings)) >= 4


@pytest.mark.parametrize("path", [STATE_WORKBOOK, PARTY_WORKBOOK])
def test_the_quorum_is_said_once_before_the_steps(path: Path) -> None:
    body = _body(path)
    quorum = [line for line in body if "2/3 tổng số người được triệu tập có mặt" in line]
    assert len(quorum) == 1
    first_step = next(i for i, line in enumerate(body) if line.startswith("(1) Bước 1:"))
    assert body.index(quorum[0]) < first_step
    assert sum(line.count("2/3") for line in body) == 1


def test_repeated_compositions_and_rules_refer_back(state_data: dict, write_round) -> None:  # type: ignore[no-untyped-def]
    state_data["info"]["procedure"] = "Tùy chỉnh"
    step = {
        "composition": "Tập thể lãnh đạo; trưởng các phòng",
        "kind": "giới thiệu",
        "threshold": 50,
        "comparison": ">",
        "base": "có mặt",
        "min_attendance": "2/3",
    }
    state_data["procedure_steps"] = [
        {"number": 1, "conference": "Hội nghị cán bộ chủ chốt", **step},
        {"number": 2, "conference": "Hội nghị tập thể lãnh đạo mở rộng", **step},
        {
            "number": 3,
            "conference": "Hội nghị tập thể lãnh đạo",
            **step,
            "composition": "Tập thể lãnh đạo",
            "base": "triệu tập",
            "fills_quota": "x",
            "min_attendance": "3/4",
        },
    ]
    state_data["results"], state_data["conferences"] = [], []
    body = _body(write_round(state_data))
    assert not [line for line, count in Counter(body).items() if count > 1]
    assert "- Thành phần: như ở bước 1." in body
    assert "- Nguyên tắc lựa chọn, giới thiệu: như ở bước 1." in body
    intro = next(line for line in body if "chỉ hợp lệ" in line)
    assert "Hội nghị ở các bước 1 và 2 chỉ hợp lệ khi có ít nhất 2/3" in intro
    assert "Hội nghị ở bước 3 chỉ hợp lệ khi có ít nhất 3/4" in intro


def _plan_warnings(path: Path, out: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["plan", str(path), "--out", str(out)])
    return result.exit_code, [
        line.strip() for line in result.output.splitlines() if "warning: " in line
    ]


def test_blank_plan_fields_are_warned_with_the_row_to_fill(tmp_path: Path) -> None:
    code, warnings = _plan_warnings(PARTY_WORKBOOK, tmp_path / "party")
    assert code == 0
    plan = [w for w in warnings if "sheet “Kế hoạch”" in w]
    assert len(plan) == 2, warnings
    assert any(
        "the plan's date is blank: it prints “Sơn La, ngày … tháng … năm …”" in w
        and "“Ngày kế hoạch”" in w
        for w in plan
    )
    assert any("the plan's number is blank: it prints “Số …-KH/ĐU”" in w for w in plan)
    assert (tmp_path / "party" / "ke-hoach.docx").exists()
    # The State example fills every field its plan prints: no plan warning.
    code, warnings = _plan_warnings(STATE_WORKBOOK, tmp_path / "state")
    assert code == 0 and not [w for w in warnings if "plan" in w], warnings


def test_each_gap_has_its_warning(state_data: dict, write_round, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    state_data["plan"]["date"] = "03/2022"
    del state_data["plan"]["deadline"]
    del state_data["info"]["submission_date"]
    del state_data["info"]["drafting_unit"]
    state_data["results"], state_data["conferences"] = [], []
    path = write_round(state_data)
    code, warnings = _plan_warnings(path, tmp_path / "out")
    assert code == 0
    assert any(
        "the plan's date is partial: it prints “Sơn La, ngày … tháng 3 năm 2022”" in w
        for w in warnings
    ), warnings
    assert any("the plan has no deadline" in w and "column deadline" in w for w in warnings)
    assert any("“Lưu: VT.”" in w and "column drafting_unit" in w for w in warnings)
    text = docx_text(write_plan(path, tmp_path / "again")[0])
    assert "THỜI GIAN THỰC HIỆN" not in text
    assert " / - Lưu: VT. | " in text


def test_a_workbook_row_left_blank_is_named_by_its_number(state_data: dict, tmp_path: Path) -> None:
    from docgen.models import RoundInput
    from docgen.workbook import write_workbook

    state_data["plan"]["number"] = None
    workbook = tmp_path / "round.xlsx"
    write_workbook(workbook, RoundInput.model_validate(state_data))
    code, warnings = _plan_warnings(workbook, tmp_path / "out")
    assert code == 0
    [number] = [w for w in warnings if "number is blank" in w]
    assert re.search(r"sheet “Kế hoạch”, row \d+, column B \(Số kế hoạch\)", number), number
    assert "“Số: …/KH-VPUBND”" in number


def test_headings_keep_with_the_next_block_and_dates_are_scheduled() -> None:
    _, model, decision = validated_round(STATE_WORKBOOK)
    context = plan_context(round_plan_outline(model, decision))
    texts = [re.sub(r"<[^>]+>", "", block.xml) for block in context["blocks"]]
    kept = [text for text, keep in zip(texts, context["keep_with_next"], strict=True) if keep]
    assert kept[0] == "A. MỤC ĐÍCH, YÊU CẦU"
    assert "(1) Bước 1: Hội nghị tập thể lãnh đạo (lần 1)" in kept
    assert "C. TỔ CHỨC THỰC HIỆN" in kept
    assert not [text for text in kept if text.startswith(("- ", "Căn cứ", "Trên cơ sở"))]
    # The timeline gives each step's date from the "Hội nghị" sheet, then the deadline, once.
    at = texts.index("III. THỜI GIAN THỰC HIỆN")
    assert texts[at + 1 : at + 6] == [
        "- Bước 1: ngày 05/4/2022.",
        "- Bước 2: ngày 07/4/2022.",
        "- Bước 3: ngày 11/4/2022.",
        "- Bước 4: ngày 13/4/2022.",
        "Hoàn thành quy trình và hồ sơ trước ngày 15/4/2022.",
    ]
    assert sum("15/4/2022" in text for text in texts) == 1


def test_a_gap_in_a_workbook_without_the_plan_sheet_says_to_add_the_sheet() -> None:
    from docgen.compose.plan import round_plan_gaps
    from docgen.load import require_round

    from .conftest import PARTY_EXAMPLE

    _, model = require_round(PARTY_EXAMPLE)
    assert model.plan is None
    hints = [finding.hint for finding in round_plan_gaps(model) if finding.collection == "plan"]
    assert hints and all(hint.startswith("add a sheet “Kế hoạch”") for hint in hints), hints
