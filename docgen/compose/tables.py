"""The trích ngang list and the structure statistics of the planning after the round.

Both count the planning as it will stand: those kept plus those proposed, per title. Statistics
are in "lượt người" (person-times: one person planned for two titles counts twice) with the
targets of the rule set in force shown against the shares (domain.md §3 and §5); targets are
reported, never enforced.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from docgen.compose.common import ROMAN, signature_context
from docgen.compose.summary import attached_to, group_row, identity_row
from docgen.decide import RoundDecision
from docgen.models import Cadre, Gender, RoundInput
from docgen.vietnamese import fold_key, format_percent

__all__ = [
    "planned_after",
    "trich_ngang_context",
    "structure_context",
    "age_at",
    "education_level",
    "theory_level",
]


def planned_after(decision: RoundDecision) -> list[tuple[str, list[Cadre]]]:
    """Per title: the people planned once the round is approved (kept, then proposed)."""
    return [
        (title.title.name, [*title.kept, *(c.cadre for c in title.proposed)])
        for title in decision.titles
    ]


def age_at(cadre: Cadre, round_input: RoundInput) -> int:
    """Full years of age at the round's reference date (Ngày tính tuổi)."""
    return (round_input.info.reference_date.month_index() - cadre.birth_date.month_index()) // 12


def education_level(text: str | None) -> str:
    """Tiến sĩ / Thạc sĩ / Đại học / Khác, from the free text of "Chuyên môn"."""
    key = fold_key(text or "")
    if "tiến sĩ" in key:
        return "Tiến sĩ"
    if "thạc sĩ" in key:
        return "Thạc sĩ"
    if any(
        word in key for word in ("cử nhân", "đại học", "kỹ sư", "bác sĩ", "dược sĩ", "kiến trúc sư")
    ):
        return "Đại học"
    return "Khác"


def theory_level(text: str | None) -> str:
    """Cao cấp / Trung cấp / Sơ cấp / Chưa qua đào tạo, from "Lý luận chính trị"."""
    key = fold_key(text or "")
    if "cao cấp" in key or "cử nhân" in key:
        return "Cao cấp"
    if "trung cấp" in key:
        return "Trung cấp"
    if "sơ cấp" in key:
        return "Sơ cấp"
    return "Chưa qua đào tạo"


def _minority(cadre: Cadre) -> bool:
    return bool(cadre.ethnicity) and fold_key(cadre.ethnicity or "") != "kinh"


def trich_ngang_context(round_input: RoundInput, decision: RoundDecision) -> dict[str, Any]:
    """The trích ngang list of those proposed, grouped by title."""
    info = round_input.info
    rows: list[dict[str, Any]] = []
    for number, title in enumerate(t for t in decision.titles if t.proposed):
        rows.append(group_row(ROMAN[number], f"Đề nghị quy hoạch chức danh {title.title.name}"))
        for index, candidate in enumerate(title.proposed, start=1):
            cadre = candidate.cadre
            data = identity_row(cadre, index)
            data.update(
                ethnicity=cadre.ethnicity or "",
                home_town=cadre.home_town or "",
                party_join_date=str(cadre.party_join_date) if cadre.party_join_date else "",
                state_management=cadre.state_management or "",
                foreign_language=cadre.foreign_language or "",
                it_skill=cadre.it_skill or "",
                proposed_title=title.title.name,
            )
            rows.append(data)
    return {
        "parent_body": info.parent_body,
        "issuing_body": info.issuing_body,
        "subject": f"Cán bộ đề nghị quy hoạch nhiệm kỳ {info.term}",
        "attached_to": attached_to(round_input),
        "rows": rows,
        "signature": signature_context(info),
        "prepared_by_heading": "NGƯỜI LẬP BIỂU",
        "prepared_by": "",
    }


def structure_context(round_input: RoundInput, decision: RoundDecision) -> dict[str, Any]:
    """Structure statistics in lượt người, per title and in total, with shares and targets."""
    info = round_input.info
    rules = decision.rules
    planned = planned_after(decision)
    everyone = [cadre for _, cadres in planned for cadre in cadres]
    total = len(everyone)

    def age(c: Cadre) -> int:
        return age_at(c, round_input)

    indicators: list[tuple[str, Callable[[Cadre], bool], str]] = [
        ("Nữ", lambda c: c.gender == Gender.FEMALE, f"≥ {rules.women_target_percent}%"),
        ("Dân tộc thiểu số", _minority, ""),
        (
            f"Cán bộ trẻ (dưới {rules.young_age} tuổi)",
            lambda c: age(c) < rules.young_age,
            f"≥ {rules.young_target_percent}%",
        ),
        ("Từ 40 tuổi trở xuống", lambda c: age(c) <= 40, ""),
        ("Trên 40 đến 50 tuổi", lambda c: 40 < age(c) <= 50, ""),
        ("Trên 50 tuổi", lambda c: age(c) > 50, ""),
        ("Chuyên môn: Tiến sĩ", lambda c: education_level(c.education) == "Tiến sĩ", ""),
        ("Chuyên môn: Thạc sĩ", lambda c: education_level(c.education) == "Thạc sĩ", ""),
        ("Chuyên môn: Đại học", lambda c: education_level(c.education) == "Đại học", ""),
        ("Chuyên môn: khác", lambda c: education_level(c.education) == "Khác", ""),
        ("Lý luận chính trị: Cao cấp", lambda c: theory_level(c.political_theory) == "Cao cấp", ""),
        (
            "Lý luận chính trị: Trung cấp",
            lambda c: theory_level(c.political_theory) == "Trung cấp",
            "",
        ),
        (
            "Lý luận chính trị: Sơ cấp, chưa qua đào tạo",
            lambda c: theory_level(c.political_theory) in {"Sơ cấp", "Chưa qua đào tạo"},
            "",
        ),
    ]
    rows = [
        {
            "index": "",
            "name": "Tổng số (lượt người)",
            "counts": [str(len(cadres)) for _, cadres in planned],
            "total": str(total),
            "percent": "100,00" if total else "",
            "target": "",
        }
    ]
    for number, (label, test, target) in enumerate(indicators, start=1):
        count = sum(1 for c in everyone if test(c))
        rows.append(
            {
                "index": str(number),
                "name": label,
                "counts": [str(sum(1 for c in cadres if test(c))) for _, cadres in planned],
                "total": str(count),
                "percent": format_percent(Fraction(count * 100, total)) if total else "",
                "target": target,
            }
        )
    return {
        "parent_body": info.parent_body,
        "issuing_body": info.issuing_body,
        "subject": f"Quy hoạch nhiệm kỳ {info.term} (tính theo lượt người; tuổi tính đến {info.reference_date})",
        "attached_to": attached_to(round_input),
        "titles": [{"name": name} for name, _ in planned],
        "rule_set": f"Mục tiêu theo {rules.name}",
        "rows": rows,
        "signature": signature_context(info),
        "prepared_by_heading": "NGƯỜI LẬP BIỂU",
        "prepared_by": "",
    }
