"""The workbook contract as data: sheet names, headers, and the model field each one fills.

This is the public interface of inputs.md. The loader and ``docgen init`` both read it, so the
headers written into an empty workbook are exactly the ones the loader matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docgen.models import (
    BallotForm,
    BaseKind,
    Comparison,
    Gender,
    IssuerKind,
    LabelledEnum,
    Purpose,
    RoundKind,
    StepKind,
)

__all__ = [
    "Column",
    "Sheet",
    "SHEETS",
    "INFO_SHEET",
    "RATING_HEADER",
    "CUSTOM_PROCEDURE",
    "LISTS_SHEET",
]

CUSTOM_PROCEDURE = "Tùy chỉnh"
LISTS_SHEET = "Danh mục"
"""The hidden sheet that feeds the dropdowns of a workbook written by docgen; never read."""
RATING_HEADER = re.compile(r"^xếp loại\s+(\d{4})$")
"""Matches the folded header of a rating column, "Xếp loại 2021" (one column per year)."""


@dataclass(frozen=True)
class Column:
    """One header of a sheet (or one Mục of "Thông tin chung") and the field it fills.

    ``kind`` tells ``init`` how to format the column: text, date, partial_date, time, count,
    mark, list, percent. ``choices`` is the closed list offered as a dropdown.
    """

    header: str
    field: str
    required: bool = False
    kind: str = "text"
    choices: type[LabelledEnum] | tuple[str, ...] | None = None
    width: int = 16
    aliases: tuple[str, ...] = ()
    """Other headers accepted for this column (never written by ``docgen init``)."""

    def choice_labels(self) -> list[str]:
        if self.choices is None:
            return []
        if isinstance(self.choices, tuple):
            return list(self.choices)
        return [member.label for member in self.choices]


@dataclass(frozen=True)
class Sheet:
    """One sheet: its name, the RoundInput collection it fills, its columns, in contract order."""

    name: str
    collection: str
    columns: tuple[Column, ...]
    required: bool = True
    order: int = 0


INFO_SHEET = Sheet(
    name="Thông tin chung",
    collection="info",
    order=1,
    columns=(
        Column("Khối", "issuer_kind", True, choices=IssuerKind),
        Column("Cơ quan cấp trên", "parent_body", True),
        Column("Cơ quan ban hành", "issuing_body", True),
        Column("Ký hiệu cơ quan", "body_symbol", True),
        Column("Địa danh", "place", True),
        Column("Loại đợt", "round_kind", True, choices=RoundKind),
        Column("Nhiệm kỳ", "term", True),
        Column("Ngày tính tuổi", "reference_date", True, "partial_date"),
        Column("Quy trình", "procedure"),
        Column("Cấp phê duyệt", "approving_body", True),
        Column("Số tờ trình", "submission_number"),
        Column("Ngày tờ trình", "submission_date", kind="date"),
        Column("Quyền ký", "signing_authority"),
        Column("Chức vụ người ký", "signer_position", True),
        Column("Người ký", "signer_name", True),
        Column("Tên đơn vị", "unit_name"),
        Column("Đơn vị soạn thảo", "drafting_unit"),
        Column("Người lập biểu", "prepared_by"),
        Column("Căn cứ", "legal_bases", kind="list"),
    ),
)

PLAN_SHEET = Sheet(
    name="Kế hoạch",
    collection="plan",
    required=False,
    order=8,
    columns=(
        Column("Số kế hoạch", "number"),
        Column("Ngày kế hoạch", "date", kind="partial_date"),
        Column("Quyền ký", "signing_authority"),
        Column("Chức vụ người ký", "signer_position"),
        Column("Người ký", "signer_name"),
        Column("Mục đích, yêu cầu", "purposes", kind="list"),
        Column("Tổ chức thực hiện", "organisation", kind="list"),
        Column("Thời hạn", "deadline", kind="date"),
    ),
)
"""docgen extension: the round's plan (Kế hoạch), a Mục | Giá trị sheet like "Thông tin chung"."""

SHEETS: tuple[Sheet, ...] = (
    INFO_SHEET,
    Sheet(
        name="Cán bộ",
        collection="cadres",
        order=2,
        columns=(
            Column("Mã cán bộ", "code", width=12),
            Column("Họ và tên", "full_name", True, width=26),
            Column("Ngày sinh", "birth_date", True, "partial_date", width=12),
            Column("Giới tính", "gender", True, choices=Gender, width=10),
            Column("Dân tộc", "ethnicity", width=10),
            Column("Quê quán", "home_town", width=20),
            Column("Chức vụ", "position", True, width=24),
            Column("Đơn vị", "unit", width=24),
            Column("Ngày vào Đảng", "party_join_date", kind="partial_date", width=13),
            Column("Chuyên môn", "education", width=20),
            Column("Lý luận chính trị", "political_theory", width=14),
            Column("Quản lý nhà nước", "state_management", width=14),
            Column("Ngoại ngữ", "foreign_language", width=12),
            Column("Tin học", "it_skill", width=12),
            Column("Chức danh đã quy hoạch", "planned_titles", kind="list", width=24),
            Column("Quyết định quy hoạch", "planning_decision", width=22),
            Column("Kỷ luật", "discipline", width=14),
        ),
    ),
    Sheet(
        name="Chức danh",
        collection="titles",
        order=3,
        columns=(
            Column("Chức danh", "name", True, width=26),
            Column("Số lượng", "quota", True, "count", width=10),
            Column("Nguồn đối tượng 1", "source_1", kind="list", width=30),
            Column("Nguồn đối tượng 2", "source_2", kind="list", width=30),
        ),
    ),
    Sheet(
        name="Hội nghị",
        collection="conferences",
        order=4,
        columns=(
            Column("Bước", "step", True, "count", width=7),
            Column("Hội nghị", "name", width=30),
            Column("Ngày", "date", kind="date", width=12),
            Column("Bắt đầu", "start", kind="time", width=9),
            Column("Kết thúc", "end", kind="time", width=9),
            Column("Địa điểm", "venue", width=24),
            Column("Chủ trì", "chair", width=22),
            Column("Thư ký", "secretary", width=22),
            Column("Tổ trưởng kiểm phiếu", "counting_head", width=22),
            Column("Thành viên tổ kiểm phiếu", "counting_members", kind="list", width=30),
            Column("Triệu tập", "convened", kind="count", width=10),
            Column("Có mặt", "present", kind="count", width=10),
            Column("Vắng có lý do", "absent_with_reason", kind="count", width=10),
            Column("Phiếu phát ra", "ballots_issued", kind="count", width=10),
            Column("Phiếu thu vào", "ballots_returned", kind="count", width=10),
            Column("Phiếu hợp lệ", "ballots_valid", kind="count", width=10),
            Column("Phiếu không hợp lệ", "ballots_invalid", kind="count", width=10),
        ),
    ),
    Sheet(
        name="Kết quả",
        collection="results",
        order=5,
        columns=(
            Column("Bước", "step", True, "count", width=7),
            Column("Chức danh", "title", True, width=26),
            Column(
                "Họ và tên",
                "person",
                True,
                width=26,
                aliases=("Mã cán bộ", "Họ và tên (or Mã cán bộ)", "Họ và tên hoặc Mã cán bộ"),
            ),
            Column("Đồng ý", "votes_for", kind="count", width=10),
            Column("Không đồng ý", "votes_against", kind="count", width=12),
            Column("Người đứng đầu chọn", "head_choice", kind="mark", choices=("x",), width=12),
            Column("Lý do không đề nghị", "not_proposed_reason", width=36),
        ),
    ),
    Sheet(
        name="Quy trình",
        collection="procedure_steps",
        required=False,
        order=6,
        columns=(
            Column("Bước", "number", True, "count", width=7),
            Column("Hội nghị", "conference", True, width=34),
            Column("Thành phần", "composition", width=40),
            Column("Hình thức", "form", choices=BallotForm, width=12),
            Column("Loại", "kind", True, choices=StepKind, width=20),
            Column("Ngưỡng (%)", "threshold", kind="percent", width=10),
            Column("So sánh", "comparison", choices=Comparison, width=9),
            Column("Cơ sở", "base", choices=BaseKind, width=11),
            Column("Lấy đủ số lượng", "fills_quota", kind="mark", choices=("x",), width=10),
            Column("Tối đa mỗi phiếu", "max_per_ballot", kind="count", width=10),
            Column("Có mặt tối thiểu", "min_attendance", width=12),
            Column(
                "Một phiếu cho các chức danh",
                "combined_ballot",
                kind="mark",
                choices=("x",),
                width=12,
            ),
        ),
    ),
    Sheet(
        name="Nơi nhận",
        collection="recipients",
        required=False,
        order=7,
        columns=(
            Column("Văn bản", "document", True, choices=("Tờ trình", "Kế hoạch"), width=14),
            Column("Nơi nhận", "recipient", True, width=50),
            Column("Mục đích", "purpose", choices=Purpose, width=12),
        ),
    ),
)

KEY_VALUE_SHEETS = (INFO_SHEET, PLAN_SHEET)
SHEET_BY_COLLECTION = {sheet.collection: sheet for sheet in (*SHEETS, PLAN_SHEET)}
