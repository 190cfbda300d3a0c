"""The round model: what one unit's planning round (đợt quy hoạch) says, as typed data.

The workbook (inputs.md) and YAML/JSON both load into ``RoundInput``. Field names are English
snake_case; each docstring gives the Vietnamese term. Closed lists are enums whose values are the
English names and whose ``label`` is the Vietnamese text the workbook uses; both are accepted.
"""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

from docgen.i18n import _
from docgen.values import (
    BadValue,
    PartialDate,
    is_blank,
    parse_count,
    parse_date,
    parse_list,
    parse_mark,
    parse_partial_date,
    parse_percent,
    parse_term,
    parse_time,
)
from docgen.vietnamese import fold_key, normalize_name, normalize_text


class LabelledEnum(str, Enum):
    """An enum whose members also answer to their Vietnamese labels (and a few synonyms)."""

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Map member value → Vietnamese label as printed in the workbook's dropdowns."""
        raise NotImplementedError

    @classmethod
    def synonyms(cls) -> dict[str, str]:
        return {}

    @property
    def label(self) -> str:
        return self.labels()[self.value]

    @classmethod
    def parse(cls, value: Any) -> LabelledEnum:
        """The member named by ``value`` (its value, label or a synonym, ignoring case and
        accents' Unicode form).

        Raises:
            BadValue (a ValueError): naming the choices, for anything else.
        """
        if isinstance(value, cls):
            return value
        if isinstance(value, dict | list | tuple | set):
            choices = " / ".join(m.label for m in cls)
            raise BadValue(_("one of {choices}").format(choices=choices), value)
        key = fold_key(str(value))
        for member in cls:
            if key in (fold_key(member.value), fold_key(member.label)):
                return member
        for synonym, member_value in cls.synonyms().items():
            if key == fold_key(synonym):
                return cls(member_value)
        choices = " / ".join(m.label for m in cls)
        raise BadValue(_("one of {choices}").format(choices=choices), value)


class IssuerKind(LabelledEnum):
    """Khối: a Party body (Đảng) or a State body (Nhà nước); picks the layout (format.md)."""

    PARTY = "party"
    STATE = "state"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {"party": "Đảng", "state": "Nhà nước"}


class RoundKind(LabelledEnum):
    """Loại đợt: review of the current term, or building the next term's planning (domain.md §1)."""

    REVIEW = "review"
    NEXT_TERM = "next_term"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {"review": "Rà soát, bổ sung", "next_term": "Xây dựng nhiệm kỳ kế tiếp"}


class Gender(LabelledEnum):
    """Giới tính."""

    MALE = "male"
    FEMALE = "female"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {"male": "Nam", "female": "Nữ"}


class StepKind(LabelledEnum):
    """Loại: what a procedure step does (inputs.md, sheet "Quy trình")."""

    NOMINATION = "nomination"
    REMOVAL = "removal"
    PREPARATION = "preparation"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {
            "nomination": "giới thiệu",
            "removal": "đưa ra khỏi quy hoạch",
            "preparation": "chuẩn bị",
        }


class BallotForm(LabelledEnum):
    """Hình thức: secret ballot (phiếu kín) or open vote (biểu quyết)."""

    SECRET = "secret"
    OPEN = "open"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {"secret": "phiếu kín", "open": "biểu quyết"}


class Comparison(LabelledEnum):
    """So sánh: "trên" (strictly greater, >) or "từ … trở lên" (greater or equal, >=)."""

    GREATER = "gt"
    GREATER_OR_EQUAL = "ge"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {"gt": ">", "ge": ">="}

    @classmethod
    def synonyms(cls) -> dict[str, str]:
        return {"trên": "gt", "từ trở lên": "ge", "≥": "ge"}


class BaseKind(LabelledEnum):
    """Cơ sở: the denominator of a percentage: people convened, people present, valid ballots."""

    CONVENED = "convened"
    PRESENT = "present"
    VALID = "valid"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {"convened": "triệu tập", "present": "có mặt", "valid": "hợp lệ"}


class Purpose(LabelledEnum):
    """Mục đích of a recipient line (Nơi nhận), in the order the list prints them."""

    REPORT = "report"
    COORDINATE = "coordinate"
    ACT = "act"
    INFORM = "inform"
    ARCHIVE = "archive"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {
            "report": "báo cáo",
            "coordinate": "phối hợp",
            "act": "thực hiện",
            "inform": "để biết",
            "archive": "lưu",
        }


IssuerKindValue = Annotated[IssuerKind, BeforeValidator(IssuerKind.parse)]
RoundKindValue = Annotated[RoundKind, BeforeValidator(RoundKind.parse)]
GenderValue = Annotated[Gender, BeforeValidator(Gender.parse)]
StepKindValue = Annotated[StepKind, BeforeValidator(StepKind.parse)]
BallotFormValue = Annotated[BallotForm, BeforeValidator(BallotForm.parse)]
ComparisonValue = Annotated[
    Comparison | None, BeforeValidator(lambda v: None if is_blank(v) else Comparison.parse(v))
]
BaseKindValue = Annotated[
    BaseKind | None, BeforeValidator(lambda v: None if is_blank(v) else BaseKind.parse(v))
]
PurposeValue = Annotated[Purpose, BeforeValidator(Purpose.parse)]


def _scalar(value: Any) -> Any:
    if isinstance(value, dict | list | tuple | set):
        raise BadValue("text", value)
    return value


def _text(value: Any) -> Any:
    return None if is_blank(value) else normalize_text(str(_scalar(value)))


def _name(value: Any) -> Any:
    return None if is_blank(value) else normalize_name(str(_scalar(value)))


def _optional(parser: Any) -> Any:
    return lambda value: None if is_blank(value) else parser(value)


Text = Annotated[str, BeforeValidator(_text)]
OptionalText = Annotated[str | None, BeforeValidator(_text)]
Name = Annotated[str, BeforeValidator(_name)]
OptionalName = Annotated[str | None, BeforeValidator(_name)]
TextList = Annotated[list[str], BeforeValidator(parse_list)]
NameList = Annotated[
    list[str], BeforeValidator(lambda v: [normalize_name(item) for item in parse_list(v)])
]
Term = Annotated[
    str,
    BeforeValidator(parse_term),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4} ?- ?\d{4}$"}),
]
Count = Annotated[int, BeforeValidator(parse_count)]
OptionalCount = Annotated[int | None, BeforeValidator(_optional(parse_count))]
Mark = Annotated[bool, BeforeValidator(parse_mark)]
DateValue = Annotated[
    date,
    BeforeValidator(parse_date),
    PlainSerializer(lambda d: d.strftime("%d/%m/%Y"), return_type=str),
    WithJsonSchema({"type": "string", "description": "dd/mm/yyyy or an ISO date"}),
]
OptionalDate = Annotated[
    date | None,
    BeforeValidator(_optional(parse_date)),
    PlainSerializer(lambda d: d.strftime("%d/%m/%Y") if d else None),
    WithJsonSchema({"type": ["string", "null"], "description": "dd/mm/yyyy or an ISO date"}),
]
_PARTIAL_SCHEMA = {"type": "string", "description": "dd/mm/yyyy, mm/yyyy or yyyy"}
Partial = Annotated[
    PartialDate,
    BeforeValidator(parse_partial_date),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(_PARTIAL_SCHEMA),
]
OptionalPartial = Annotated[
    PartialDate | None,
    BeforeValidator(_optional(parse_partial_date)),
    PlainSerializer(lambda d: str(d) if d else None),
    WithJsonSchema({**_PARTIAL_SCHEMA, "type": ["string", "null"]}),
]
OptionalTime = Annotated[
    time | None,
    BeforeValidator(_optional(parse_time)),
    PlainSerializer(lambda t: t.strftime("%H:%M") if t else None),
    WithJsonSchema({"type": ["string", "null"], "description": "hh:mm"}),
]
Percent = Annotated[
    Decimal | None,
    BeforeValidator(_optional(parse_percent)),
    PlainSerializer(lambda d: None if d is None else float(d)),
    WithJsonSchema({"type": ["number", "null"]}),
]


_FRACTION = re.compile(r"^(\d{1,6}) ?/ ?(\d{1,6})$")


def _parse_share(value: Any) -> Fraction:
    """2/3, "66,67 %", 70 → a Fraction in (0, 1]; BadValue for anything else."""
    if isinstance(value, bool | dict | list | tuple | set):
        raise BadValue("a share as 2/3 or a percentage", value)
    text = normalize_text(str(value))
    if match := _FRACTION.match(text):
        numerator, denominator = (int(g) for g in match.groups())
        if denominator == 0:
            raise BadValue("a share as 2/3 or a percentage", text)
        share = Fraction(numerator, denominator)
    else:
        try:
            share = Fraction(parse_percent(value)) / 100
        except BadValue:
            raise BadValue("a share as 2/3 or a percentage", text) from None
    if not 0 < share <= 1:
        raise BadValue("a share between 0 and 1 (or 100 %)", text)
    return share


Share = Annotated[
    Fraction | None,
    BeforeValidator(_optional(_parse_share)),
    PlainSerializer(lambda f: None if f is None else str(f)),
    WithJsonSchema({"type": ["string", "null"], "description": "2/3 or a percentage"}),
]


class Model(BaseModel):
    """Common configuration: unknown fields are errors, values are validated on assignment."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class RoundInfo(Model):
    """Thông tin chung: the issuer, the round and the submission's signature block."""

    issuer_kind: IssuerKindValue
    parent_body: Text = Field(description="Cơ quan cấp trên, as printed (UBND TỈNH SƠN LA)")
    issuing_body: Text = Field(description="Cơ quan ban hành, as printed (VĂN PHÒNG)")
    body_symbol: Text = Field(description="Ký hiệu cơ quan: body part of symbols (VPUBND, ĐU)")
    place: Text = Field(description="Địa danh in date lines (Sơn La)")
    round_kind: RoundKindValue
    term: Term = Field(description="Nhiệm kỳ planned, yyyy-yyyy")
    reference_date: Partial = Field(description="Ngày tính tuổi: reference date of working time")
    procedure: OptionalText = Field(
        None, description="Quy trình: built-in name, or “Tùy chỉnh”; empty: the round kind's"
    )
    approving_body: Text = Field(description="Cấp phê duyệt: Kính gửi of the submission")
    submission_number: OptionalText = Field(None, description="Số tờ trình; empty: left blank")
    submission_date: OptionalDate = Field(None, description="Ngày tờ trình")
    signing_authority: OptionalText = Field(None, description="Quyền ký (KT. CHÁNH VĂN PHÒNG)")
    signer_position: Text = Field(description="Chức vụ người ký")
    signer_name: Name = Field(description="Người ký")
    unit_name: OptionalText = Field(
        None, description="Tên đơn vị in prose (Văn phòng UBND tỉnh); docgen extension"
    )
    drafting_unit: OptionalText = Field(
        None, description="Đơn vị soạn thảo, in the State archive line; docgen extension"
    )
    prepared_by: OptionalText = Field(
        None,
        description="Người lập biểu: who prepared the summary tables (signs under NGƯỜI LẬP "
        "BIỂU); docgen extension, issue 8",
    )
    legal_bases: TextList = Field(
        default_factory=list,
        description="Căn cứ: overrides the rule set's legal bases, one per item; docgen extension",
    )

    @property
    def term_years(self) -> tuple[int, int]:
        start, end = (int(part) for part in self.term.replace(" ", "").split("-"))
        return start, end


class Cadre(Model):
    """Cán bộ: one person who may be voted on, planned or removed."""

    code: OptionalText = Field(None, description="Mã cán bộ; required when two share a name")
    full_name: Name = Field(description="Họ và tên")
    birth_date: Partial = Field(description="Ngày sinh")
    gender: GenderValue
    ethnicity: OptionalText = Field(None, description="Dân tộc")
    home_town: OptionalText = Field(None, description="Quê quán")
    position: Text = Field(description="Chức vụ")
    unit: OptionalText = Field(None, description="Đơn vị")
    party_join_date: OptionalPartial = Field(None, description="Ngày vào Đảng")
    education: OptionalText = Field(None, description="Chuyên môn")
    political_theory: OptionalText = Field(None, description="Lý luận chính trị")
    state_management: OptionalText = Field(None, description="Quản lý nhà nước")
    foreign_language: OptionalText = Field(None, description="Ngoại ngữ")
    it_skill: OptionalText = Field(None, description="Tin học")
    ratings: dict[int, str] = Field(
        default_factory=dict, description="Xếp loại <year>: rating per year"
    )
    planned_titles: TextList = Field(
        default_factory=list, description="Chức danh đã quy hoạch (current planning)"
    )
    planning_decision: OptionalText = Field(None, description="Quyết định quy hoạch (số, ngày)")
    discipline: OptionalText = Field(None, description="Kỷ luật")

    @property
    def position_and_unit(self) -> str:
        return f"{self.position}, {self.unit}" if self.unit else self.position


class Title(Model):
    """Chức danh: a title planned in this round, with its quota and source positions."""

    name: Text = Field(description="Chức danh")
    quota: Count = Field(description="Số lượng this round may propose")
    source_1: TextList = Field(default_factory=list, description="Nguồn đối tượng 1")
    source_2: TextList = Field(default_factory=list, description="Nguồn đối tượng 2")


class Conference(Model):
    """Hội nghị: one conference held, with attendance and ballot counts (empty before it meets)."""

    step: Count = Field(description="Bước")
    name: OptionalText = Field(None, description="Hội nghị; empty: the procedure step's")
    date: OptionalDate = Field(None, description="Ngày")
    start: OptionalTime = Field(None, description="Bắt đầu")
    end: OptionalTime = Field(None, description="Kết thúc")
    venue: OptionalText = Field(None, description="Địa điểm")
    chair: OptionalName = Field(None, description="Chủ trì")
    secretary: OptionalName = Field(None, description="Thư ký")
    counting_head: OptionalName = Field(None, description="Tổ trưởng kiểm phiếu")
    counting_members: NameList = Field(default_factory=list, description="Thành viên tổ kiểm phiếu")
    convened: OptionalCount = Field(None, description="Triệu tập")
    present: OptionalCount = Field(None, description="Có mặt")
    absent_with_reason: OptionalCount = Field(None, description="Vắng có lý do")
    ballots_issued: OptionalCount = Field(None, description="Phiếu phát ra")
    ballots_returned: OptionalCount = Field(None, description="Phiếu thu vào")
    ballots_valid: OptionalCount = Field(None, description="Phiếu hợp lệ")
    ballots_invalid: OptionalCount = Field(None, description="Phiếu không hợp lệ")

    def base(self, kind: BaseKind) -> int | None:
        """The denominator of ``kind`` at this conference; None when not yet known."""
        return {
            BaseKind.CONVENED: self.convened,
            BaseKind.PRESENT: self.present,
            BaseKind.VALID: self.ballots_valid,
        }[kind]


class Result(Model):
    """Kết quả: one candidate's votes for one title at one step."""

    step: Count = Field(description="Bước")
    title: Text = Field(description="Chức danh")
    person: Name = Field(description="Họ và tên or Mã cán bộ")
    votes_for: OptionalCount = Field(None, description="Đồng ý; empty before the count")
    votes_against: OptionalCount = Field(None, description="Không đồng ý")
    head_choice: Mark = Field(False, description="Người đứng đầu chọn: x where a tie needs it")
    not_proposed_reason: OptionalText = Field(
        None,
        description="Lý do không đề nghị: on a deciding-step row, why the unit does not propose "
        "this person for this title although the count would; the next in rank takes the place",
    )


class ProcedureStep(Model):
    """Quy trình: one step of the procedure; the plan and the counting read the same definition."""

    number: Count = Field(description="Bước")
    conference: Text = Field(description="Hội nghị")
    composition: OptionalText = Field(None, description="Thành phần")
    form: BallotFormValue = BallotForm.SECRET
    kind: StepKindValue
    threshold: Percent = Field(None, description="Ngưỡng (%)")
    comparison: ComparisonValue = None
    base: BaseKindValue = None
    fills_quota: Mark = Field(False, description="Lấy đủ số lượng")
    max_per_ballot: OptionalCount = Field(None, description="Tối đa mỗi phiếu")
    combined_ballot: Mark = Field(
        False,
        description="Một phiếu cho các chức danh: one ballot covering all titles (x) instead of "
        "one per title; docgen extension",
    )
    min_attendance: Share = Field(
        None,
        description="Có mặt tối thiểu: share of those convened who must be present, as 2/3 or "
        "a percentage; empty: no check; docgen extension",
    )

    @property
    def votes(self) -> bool:
        return self.kind != StepKind.PREPARATION


class RecipientLine(Model):
    """Nơi nhận: one recipient of one document kind, overriding the built-in rules."""

    document: Text = Field(description="Văn bản (Tờ trình, Kế hoạch…)")
    recipient: Text = Field(description="Nơi nhận")
    purpose: PurposeValue = Purpose.INFORM


class RoundInput(Model):
    """One unit's planning round: every sheet of the workbook (inputs.md)."""

    info: RoundInfo
    cadres: list[Cadre] = Field(default_factory=list)
    titles: list[Title] = Field(default_factory=list)
    conferences: list[Conference] = Field(default_factory=list)
    results: list[Result] = Field(default_factory=list)
    procedure_steps: list[ProcedureStep] = Field(
        default_factory=list, description="Quy trình sheet; used when procedure is Tùy chỉnh"
    )
    recipients: list[RecipientLine] = Field(default_factory=list)
    plan: PlanSettings | None = Field(None, description="Kế hoạch sheet: the round's plan")


from docgen.plan_model import PlanSettings  # noqa: E402  (it builds on the types above)

RoundInput.model_rebuild()
