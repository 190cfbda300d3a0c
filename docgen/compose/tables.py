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

from docgen.compose.common import candidates_in_name_order, group_numeral
from docgen.compose.summary import group_row, identity_row, table_common, titles_and_term
from docgen.decide import RoundDecision
from docgen.models import Cadre, Gender, RoundInput
from docgen.vietnamese import fold_key, format_percent, pad_short_dates

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


def _education_is(level: str) -> Callable[[Cadre], bool]:
    return lambda cadre: education_level(cadre.education) == level


def trich_ngang_context(round_input: RoundInput, decision: RoundDecision) -> dict[str, Any]:
    """The trích ngang list of those proposed, grouped by title."""
    rows: list[dict[str, Any]] = []
    for number, title in enumerate(t for t in decision.titles if t.proposed):
        rows.append(
            group_row(group_numeral(number), f"Đề nghị quy hoạch chức danh {title.title.name}")
        )
        for index, candidate in enumerate(candidates_in_name_order(title.proposed), start=1):
            cadre = candidate.cadre
            data = identity_row(cadre, index)
            data.update(
                ethnicity=cadre.ethnicity or "",
                home_town=cadre.home_town or "",
                party_join_date=pad_short_dates(str(cadre.party_join_date))
                if cadre.party_join_date
                else "",
                state_management=cadre.state_management or "",
                foreign_language=cadre.foreign_language or "",
                it_skill=cadre.it_skill or "",
                proposed_title=title.title.name,
            )
            rows.append(data)
    return {**table_common(round_input, titles_and_term(round_input)), "rows": rows}


def structure_context(round_input: RoundInput, decision: RoundDecision) -> dict[str, Any]:
    """Structure statistics in lượt người, per title and in total, with shares and targets.

    Rows follow the grouped layout of the BTCTW planning forms: the total, then 1. women,
    2. ethnic minorities, 3. age ("Tuổi đời": from 40 down, over 40 to 50, over 50), 4.
    education, 5. political theory, each group's lines marked "-" under its heading. Every
    person counts once per group (the bands partition the list); the young-cadre target of the
    rule set (under ``young_age``) is printed beside the age group with its own share, not as
    a second row counting the same people (domain.md §3, §5).
    """
    info = round_input.info
    rules = decision.rules
    planned = planned_after(decision)
    everyone = [cadre for _, cadres in planned for cadre in cadres]
    total = len(everyone)

    def age(c: Cadre) -> int:
        return age_at(c, round_input)

    def share(count: int) -> str:
        return format_percent(Fraction(count * 100, total)) if total else ""

    def line(
        index: str, name: str, test: Callable[[Cadre], bool], target: str = ""
    ) -> dict[str, Any]:
        count = sum(1 for c in everyone if test(c))
        return {
            "index": index,
            "name": name,
            "counts": [str(sum(1 for c in cadres if test(c))) for _, cadres in planned],
            "total": str(count),
            "percent": share(count),
            "target": target,
        }

    def heading(index: str, name: str) -> dict[str, Any]:
        return {
            "index": index,
            "name": name,
            "counts": ["" for _ in planned],
            "total": "",
            "percent": "",
            "target": "",
        }

    young = sum(1 for c in everyone if age(c) < rules.young_age)
    young_target = (
        f"Cán bộ trẻ (dưới {rules.young_age} tuổi) ≥ {rules.young_target_percent}%; "
        f"hiện có {young} lượt ({share(young)}%)"
        if total
        else f"Cán bộ trẻ (dưới {rules.young_age} tuổi) ≥ {rules.young_target_percent}%"
    )
    age_group = heading("3", "Tuổi đời:")
    age_group["target"] = young_target
    rows = [
        {**line("", "Tổng số (lượt người)", lambda c: True), "percent": "100,00" if total else ""},
        line("1", "Nữ", lambda c: c.gender == Gender.FEMALE, f"≥ {rules.women_target_percent}%"),
        line("2", "Dân tộc thiểu số", _minority),
        age_group,
        line("", "- Từ 40 tuổi trở xuống", lambda c: age(c) <= 40),
        line("", "- Từ trên 40 đến 50 tuổi", lambda c: 40 < age(c) <= 50),
        line("", "- Từ trên 50 tuổi", lambda c: age(c) > 50),
        heading("4", "Trình độ chuyên môn:"),
        *(
            line("", f"- {label}", _education_is(level))
            for label, level in (
                ("Tiến sĩ", "Tiến sĩ"),
                ("Thạc sĩ", "Thạc sĩ"),
                ("Đại học", "Đại học"),
                ("Trình độ khác", "Khác"),
            )
        ),
        heading("5", "Lý luận chính trị:"),
        line("", "- Cao cấp", lambda c: theory_level(c.political_theory) == "Cao cấp"),
        line("", "- Trung cấp", lambda c: theory_level(c.political_theory) == "Trung cấp"),
        line(
            "",
            "- Sơ cấp, chưa qua đào tạo",
            lambda c: theory_level(c.political_theory) in {"Sơ cấp", "Chưa qua đào tạo"},
        ),
    ]
    count = len(planned)
    return {
        **table_common(
            round_input,
            f"{titles_and_term(round_input)} (tính theo lượt người; tuổi tính đến "
            f"{info.reference_date})",
        ),
        "titles": [{"name": name} for name, _ in planned],
        "rule_set": f"Mục tiêu theo {rules.name}",
        "column_numbers": [f"({i})" for i in range(1, count + 6)],
        "rows": rows,
    }
