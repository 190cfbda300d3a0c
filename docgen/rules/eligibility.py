"""Eligibility: who may be planned for a title (domain.md §3; seed part B.II.1 and B.II.2).

- Review of the current term: at least 72 months of working time left (object 1).
- Next term, object 1 (one level below): at least one full term, 60 months.
- Object 2 (two levels below): already planned for the object-1 position's title and at least
  two full terms, 120 months (both round kinds).
- Each title names its source positions per object; a person whose position is not a source is
  not eligible (when the title names sources).
- Automatic removal (Quy định 50-QĐ/TW, kept by 377-QĐ/TW): disciplined, already holding the title.
  A person kept from earlier planning who now meets a ground leaves the planning
  (``removal_grounds``, domain.md §3).
Remaining working time: ``docgen.rules.retirement``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from docgen.models import Cadre, RoundKind, Title
from docgen.rules.retirement import remaining_months
from docgen.rules.rulesets import RuleSet
from docgen.values import PartialDate
from docgen.vietnamese import fold_key

__all__ = [
    "Eligibility",
    "position_matches",
    "cadre_object",
    "check_eligibility",
    "DISCIPLINE_FORMS",
    "removal_grounds",
]

_EQUIVALENT = re.compile(r"\s*(và\s+)?tương\s+đương\s*$")
_NO_DISCIPLINE = {"", "không", "khong", "no", "none", "-"}

DISCIPLINE_FORMS = (
    "khiển trách",
    "cảnh cáo",
    "hạ bậc lương",
    "giáng chức",
    "cách chức",
    "buộc thôi việc",
    "khai trừ",
)
"""Forms of discipline at reprimand (khiển trách) or above, the Party's and the civil service's:
an automatic-removal ground for a person kept in planning. "Phê bình" or "nhắc nhở" are not
forms of discipline."""


@dataclass(frozen=True)
class Eligibility:
    """Whether a person may be planned for a title, and why not.

    ``remaining`` and ``required`` are months of working time; ``object`` is 1, 2 or None (not a
    source). ``reasons`` are Vietnamese phrases ready for the decision record and documents.
    """

    eligible: bool
    remaining: int
    required: int
    object: int | None
    reasons: tuple[str, ...] = field(default_factory=tuple)


def _position_key(text: str) -> str:
    return _EQUIVALENT.sub("", fold_key(text))


def position_matches(position: str, source: str) -> bool:
    """Whether a person's position (Chức vụ) falls under a source position of a title.

    Matched ignoring case and Unicode form, with "và tương đương" dropped from the source, as a
    prefix: "Trưởng phòng Tổng hợp" is a "Trưởng phòng"; "Phó Trưởng phòng" is not.
    """
    wanted = _position_key(source)
    return bool(wanted) and _position_key(position).startswith(wanted)


def cadre_object(cadre: Cadre, title: Title) -> int | None:
    """The object (đối tượng) a person is for ``title``: 1, 2, or None when not a source.

    A title without sources treats everyone as object 1.
    """
    if not title.source_1 and not title.source_2:
        return 1
    if any(position_matches(cadre.position, s) for s in title.source_1):
        return 1
    if any(position_matches(cadre.position, s) for s in title.source_2):
        return 2
    return None


def check_eligibility(
    cadre: Cadre,
    title: Title,
    round_kind: RoundKind,
    reference: PartialDate,
    rules: RuleSet,
    planned_titles: Collection[str] = (),
) -> Eligibility:
    """Check one person for one title; ``planned_titles`` are the person's current plannings
    plus the titles proposed for them in this round (for the object-2 condition).
    """
    obj = cadre_object(cadre, title)
    remaining = remaining_months(cadre.birth_date, cadre.gender, reference)
    if obj == 2:
        required = rules.object_2_months
    elif round_kind == RoundKind.REVIEW:
        required = rules.review_months
    else:
        required = rules.object_1_months
    reasons: list[str] = []
    if remaining < required:
        shown = max(remaining, 0)
        reasons.append(f"không đủ tuổi công tác: còn {shown} tháng, cần {required} tháng")
    if obj is None:
        sources = "; ".join([*title.source_1, *title.source_2])
        reasons.append(
            f"chức vụ “{cadre.position}” không thuộc nguồn quy hoạch chức danh {title.name} "
            f"({sources})"
        )
    if obj == 2:
        planned = {fold_key(t) for t in planned_titles}
        if not any(_position_key(s) in {_position_key(p) for p in planned} for s in title.source_1):
            reasons.append(
                "đối tượng 2 phải được quy hoạch chức danh " + " hoặc ".join(title.source_1)
            )
    if cadre.discipline and fold_key(cadre.discipline) not in _NO_DISCIPLINE:
        reasons.append(f"bị kỷ luật: {cadre.discipline}")
    if position_matches(cadre.position, title.name):
        reasons.append(f"đã giữ chức vụ {title.name}")
    return Eligibility(not reasons, remaining, required, obj, tuple(reasons))


def removal_grounds(
    cadre: Cadre,
    title: Title,
    round_kind: RoundKind,
    reference: PartialDate,
    rules: RuleSet,
    higher: Collection[Title] = (),
) -> tuple[str, ...]:
    """The automatic-removal grounds (Quy định 50-QĐ/TW, kept by 377-QĐ/TW; domain.md §3) a person
    kept in planning for ``title`` meets, as Vietnamese phrases for the papers; empty when none.

    - past the planning age: less working time left than the round requires of them (the months
      rule of ``check_eligibility``): "quá tuổi quy hoạch: còn 27 tháng, cần 72 tháng";
    - disciplined at khiển trách or above (``DISCIPLINE_FORMS`` named in "Kỷ luật");
    - already holding the title, or one of ``higher`` (the round's titles that have ``title``
      among their sources, directly or through another title), where the position says so.

    Planned for more than 3 titles is not decided here: docgen cannot tell which title goes
    (decide reports it at the rows to fix).
    """
    eligibility = check_eligibility(cadre, title, round_kind, reference, rules)
    grounds = []
    if eligibility.remaining < eligibility.required:
        grounds.append(
            f"quá tuổi quy hoạch: còn {max(eligibility.remaining, 0)} tháng, "
            f"cần {eligibility.required} tháng"
        )
    discipline = fold_key(cadre.discipline or "")
    if any(form in discipline for form in DISCIPLINE_FORMS):
        grounds.append(f"bị kỷ luật: {cadre.discipline}")
    if position_matches(cadre.position, title.name):
        grounds.append(f"đã giữ chức vụ {title.name}")
    else:
        held = next((t for t in higher if position_matches(cadre.position, t.name)), None)
        if held is not None:
            grounds.append(f"đã giữ chức vụ {held.name}, cao hơn chức danh {title.name}")
    return tuple(grounds)
