"""Vote rules, quota fill, retirement and eligibility: the tables at every boundary."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from docgen.models import Cadre, Comparison, Gender, RoundKind, Title
from docgen.rules.eligibility import cadre_object, check_eligibility, position_matches
from docgen.rules.retirement import month_label, remaining_months, retirement_month
from docgen.rules.rulesets import rule_set_on, superseded_citations
from docgen.rules.votes import fill_quota, meets_threshold, threshold_words
from docgen.values import PartialDate

GT, GE = Comparison.GREATER, Comparison.GREATER_OR_EQUAL


@pytest.mark.parametrize(
    ("votes", "base", "threshold", "comparison", "passes"),
    [
        (7, 14, 50, GT, False),  # 50,00 % is not "trên 50 %"
        (8, 14, 50, GT, True),
        (3, 5, 50, GT, True),
        (2, 4, 50, GT, False),
        (9, 30, 30, GE, True),  # exactly 30 % is "từ 30 % trở lên"
        (8, 30, 30, GE, False),
        (3, 10, 30, GE, True),
        (2, 7, 30, GE, False),  # 28,57 %
        (1, 3, Decimal("33.33"), GE, True),  # 33,333… ≥ 33,33
        (1, 3, Decimal("33.34"), GE, False),
        (2, 3, Decimal("66.67"), GE, False),  # 66,666… < 66,67 though it prints 66,67
        (0, 5, 0, GE, True),
        (0, 5, 0, GT, False),
        (5, 5, 100, GE, True),
    ],
)
def test_thresholds_are_decided_on_exact_integers(
    votes: int, base: int, threshold: int | Decimal, comparison: Comparison, passes: bool
) -> None:
    assert meets_threshold(votes, base, Decimal(threshold), comparison) is passes


def test_a_threshold_needs_a_positive_base() -> None:
    with pytest.raises(ValueError, match="positive"):
        meets_threshold(1, 0, Decimal(50), GT)


def test_threshold_words_match_the_plans() -> None:
    assert threshold_words(Decimal(50), GT) == "trên 50%"
    assert threshold_words(Decimal(30), GE) == "từ 30% trở lên"
    assert threshold_words(Decimal("66.5"), GT) == "trên 66,5%"


def _fill(votes: dict[str, int], quota: int, chosen: set[str] = frozenset()):  # type: ignore[assignment]
    return fill_quota(
        list(votes), quota, votes=votes.__getitem__, head_choice=lambda n: n in chosen, order=str
    )


def test_quota_takes_from_the_top_down() -> None:
    result = _fill({"A": 5, "B": 4, "C": 3}, 2)
    assert result.selected == ("A", "B")
    assert result.not_selected == ("C",)
    assert result.tied == ()


def test_fewer_passers_than_places_all_selected() -> None:
    assert _fill({"A": 5}, 3).selected == ("A",)


def test_a_tie_inside_the_quota_is_no_tie() -> None:
    result = _fill({"A": 4, "B": 4, "C": 2}, 2)
    assert result.selected == ("A", "B")
    assert result.tied == ()


def test_a_tie_at_the_last_place_is_reported_not_decided() -> None:
    result = _fill({"A": 5, "B": 3, "C": 3}, 2)
    assert result.selected == ("A",)
    assert set(result.tied) == {"B", "C"}
    assert result.places_left == 1
    assert result.resolved is False


def test_the_heads_choice_settles_the_tie() -> None:
    result = _fill({"A": 5, "B": 3, "C": 3}, 2, {"C"})
    assert result.selected == ("A", "C")
    assert result.resolved is True
    assert "B" in result.not_selected


def test_a_choice_of_the_wrong_count_leaves_the_tie_open() -> None:
    result = _fill({"A": 5, "B": 3, "C": 3, "D": 3}, 3, {"B"})
    assert result.resolved is False
    result = _fill({"A": 5, "B": 3, "C": 3, "D": 3}, 3, {"B", "C"})
    assert result.resolved is True
    assert result.selected == ("A", "B", "C")


def test_a_tie_for_the_only_place() -> None:
    result = _fill({"A": 4, "B": 4}, 1)
    assert result.selected == ()
    assert result.places_left == 1 and not result.resolved


# Nghị định 135/2020/NĐ-CP, annex I (normal conditions): birth month → retirement month.
MEN = [
    ("01/1961", "04/2021"),
    ("09/1961", "12/2021"),
    ("10/1961", "04/2022"),
    ("06/1962", "12/2022"),
    ("07/1962", "04/2023"),
    ("03/1963", "12/2023"),
    ("04/1963", "04/2024"),
    ("12/1963", "12/2024"),
    ("01/1964", "04/2025"),
    ("09/1964", "12/2025"),
    ("10/1964", "04/2026"),
    ("06/1965", "12/2026"),
    ("07/1965", "04/2027"),
    ("03/1966", "12/2027"),
    ("04/1966", "04/2028"),
    ("12/1966", "12/2028"),
    ("09/1968", "09/2030"),
    ("12/1959", "12/2019"),
]
WOMEN = [
    ("01/1966", "05/2021"),
    ("08/1966", "12/2021"),
    ("09/1966", "05/2022"),
    ("04/1967", "12/2022"),
    ("05/1967", "05/2023"),
    ("12/1967", "12/2023"),
    ("01/1968", "05/2024"),
    ("08/1968", "12/2024"),
    ("09/1968", "05/2025"),
    ("04/1969", "12/2025"),
    ("05/1969", "05/2026"),
    ("12/1969", "12/2026"),
    ("01/1970", "05/2027"),
    ("04/1975", "12/2034"),
    ("05/1975", "05/2035"),
    ("01/1980", "01/2040"),
    ("12/1964", "12/2019"),
]


@pytest.mark.parametrize(("born", "retires"), MEN)
def test_retirement_month_of_men_matches_the_decree(born: str, retires: str) -> None:
    month, year = born.split("/")
    assert month_label(retirement_month(PartialDate(int(year), int(month)), Gender.MALE)) == retires


@pytest.mark.parametrize(("born", "retires"), WOMEN)
def test_retirement_month_of_women_matches_the_decree(born: str, retires: str) -> None:
    month, year = born.split("/")
    assert (
        month_label(retirement_month(PartialDate(int(year), int(month)), Gender.FEMALE)) == retires
    )


def test_remaining_months_example_of_the_domain() -> None:
    reference = PartialDate(2025, 10)
    assert remaining_months(PartialDate(1968, 9), Gender.MALE, reference) == 59
    assert remaining_months(PartialDate(1968, 10), Gender.MALE, reference) == 60


def test_a_birth_year_alone_counts_from_january() -> None:
    assert remaining_months(PartialDate(1964), Gender.MALE, PartialDate(2022, 4, 1)) == 36
    assert retirement_month(PartialDate(1964), Gender.MALE) == retirement_month(
        PartialDate(1964, 1, 20), Gender.MALE
    )


def _cadre(position: str, born: str, gender: str = "Nam", **extra: object) -> Cadre:
    return Cadre.model_validate(
        {
            "full_name": "Lê Văn A",
            "birth_date": born,
            "gender": gender,
            "position": position,
            **extra,
        }
    )


HEAD = Title(name="Trưởng phòng", quota=1, source_1=["Phó Trưởng phòng"], source_2=["Chuyên viên"])


@pytest.mark.parametrize(
    ("position", "source", "matches"),
    [
        ("Phó Trưởng phòng Tổng hợp", "Phó Trưởng phòng", True),
        ("phó trưởng phòng", "Phó Trưởng phòng và tương đương", True),
        ("Phó Trưởng phòng", "Trưởng phòng", False),
        ("Chuyên viên chính", "Chuyên viên", True),
        ("Trưởng phòng", "Phó Trưởng phòng", False),
    ],
)
def test_position_matches_source(position: str, source: str, matches: bool) -> None:
    assert position_matches(position, source) is matches


def test_objects_follow_the_source_positions() -> None:
    assert cadre_object(_cadre("Phó Trưởng phòng Kinh tế", "1985"), HEAD) == 1
    assert cadre_object(_cadre("Chuyên viên", "1985"), HEAD) == 2
    assert cadre_object(_cadre("Văn thư", "1985"), HEAD) is None


RULES_2022 = rule_set_on(date(2022, 4, 15))


@pytest.mark.parametrize(
    ("kind", "born", "eligible", "required"),
    [
        (RoundKind.REVIEW, "03/1966", True, 72),  # retires 12/2027: exactly 72 months from 12/2021
        (RoundKind.NEXT_TERM, "10/1968", True, 60),
        (RoundKind.NEXT_TERM, "09/1968", False, 60),
    ],
)
def test_working_time_rules(kind: RoundKind, born: str, eligible: bool, required: int) -> None:
    reference = PartialDate(2025, 10) if kind == RoundKind.NEXT_TERM else PartialDate(2021, 12)
    result = check_eligibility(_cadre("Phó Trưởng phòng", born), HEAD, kind, reference, RULES_2022)
    assert result.required == required
    assert result.eligible is eligible


def test_review_needs_72_months() -> None:
    # A man born 01/1964 retires 04/2025; from 04/2019 that is 72 months, from 05/2019 71.
    cadre = _cadre("Phó Trưởng phòng", "01/1964")
    ok = check_eligibility(cadre, HEAD, RoundKind.REVIEW, PartialDate(2019, 4), RULES_2022)
    short = check_eligibility(cadre, HEAD, RoundKind.REVIEW, PartialDate(2019, 5), RULES_2022)
    assert (ok.eligible, ok.remaining) == (True, 72)
    assert (short.eligible, short.remaining) == (False, 71)
    assert short.reasons == ("không đủ tuổi công tác: còn 71 tháng, cần 72 tháng",)


def test_object_two_needs_120_months_and_the_object_one_title() -> None:
    cadre = _cadre("Chuyên viên", "01/1990")
    reference = PartialDate(2022, 4)
    missing = check_eligibility(cadre, HEAD, RoundKind.REVIEW, reference, RULES_2022)
    assert missing.required == 120
    assert any("đối tượng 2" in r for r in missing.reasons)
    planned = check_eligibility(
        cadre, HEAD, RoundKind.REVIEW, reference, RULES_2022, planned_titles=["Phó Trưởng phòng"]
    )
    assert planned.eligible


def test_discipline_and_holding_the_title_disqualify() -> None:
    reference = PartialDate(2022, 4)
    disciplined = _cadre("Phó Trưởng phòng", "1985", discipline="Khiển trách (2021)")
    holder = _cadre("Trưởng phòng Kinh tế", "1985")
    assert (
        "bị kỷ luật"
        in check_eligibility(disciplined, HEAD, RoundKind.REVIEW, reference, RULES_2022).reasons[0]
    )
    reasons = check_eligibility(holder, HEAD, RoundKind.REVIEW, reference, RULES_2022).reasons
    assert any("đã giữ chức vụ" in r for r in reasons)


def test_rule_sets_change_on_8_october_2025() -> None:
    assert rule_set_on(date(2025, 10, 7)).name == "Quy định 50-QĐ/TW"
    assert rule_set_on(date(2025, 10, 8)).name == "Quy định 377-QĐ/TW"
    assert not any("50-QĐ/TW" in b for b in rule_set_on(date(2026, 1, 5)).legal_bases)


def test_citing_quy_dinh_50_after_it_was_replaced_is_flagged() -> None:
    bases = ["Quy định số 50-QĐ/TW ngày 27/12/2021 của Bộ Chính trị"]
    assert superseded_citations(bases, date(2026, 1, 5)) == ["50-QĐ/TW"]
    assert superseded_citations(bases, date(2022, 4, 15)) == []
