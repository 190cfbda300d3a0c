"""Retirement age and remaining working time (Nghị định 135/2020/NĐ-CP, Điều 4 and annex I).

Normal conditions: men 60 years 3 months in 2021, plus 3 months a year until 62 years (2028);
women 55 years 4 months in 2021, plus 4 months a year until 60 years (2035). Before 2021 the ages
were 60 and 55. The age that applies is the one in force in the calendar year the person reaches
it; retirement falls in the month the age is reached (domain.md §3). A birth known only to the
year counts from January, only to the month from day 1.
"""

from __future__ import annotations

from docgen.models import Gender
from docgen.values import PartialDate

__all__ = ["retirement_age_months", "retirement_month", "remaining_months", "month_label"]

_RULES = {
    # gender: (age in months before 2021, increase per year from 2021, final age in months)
    Gender.MALE: (60 * 12, 3, 62 * 12),
    Gender.FEMALE: (55 * 12, 4, 60 * 12),
}


def retirement_age_months(gender: Gender, year: int) -> int:
    """The normal retirement age, in months, in force during calendar ``year`` (NĐ 135/2020, Đ.4)."""
    base, step, final = _RULES[gender]
    if year < 2021:
        return base
    return min(base + step * (year - 2020), final)


def retirement_month(birth: PartialDate, gender: Gender) -> int:
    """The month index (year × 12 + month − 1) in which the person reaches retirement age."""
    born = birth.month_index()
    year = born // 12 + 50
    while True:
        target = born + retirement_age_months(gender, year)
        if target // 12 == year:
            return target
        if target // 12 < year:
            # The age of this year was already reached last year: that year's age applied.
            return born + retirement_age_months(gender, year - 1)
        year += 1


def remaining_months(birth: PartialDate, gender: Gender, reference: PartialDate) -> int:
    """Months of working time left at ``reference``: retirement month − reference month.

    Example (domain.md §3): reference 10/2025, a man born 09/1968 reaches 62 in 09/2030 → 59.
    May be negative for someone already past retirement age.
    """
    return retirement_month(birth, gender) - reference.month_index()


def month_label(month_index: int) -> str:
    """Format a month index as mm/yyyy."""
    year, month = divmod(month_index, 12)
    return f"{month + 1:02d}/{year}"
