"""Validation: each counting invariant and rule gives its located, exact error; valid rounds pass."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from docgen.decide import Outcome
from docgen.validate import validate_path

Write = Callable[[dict[str, Any]], Path]


def _errors(path: Path) -> list[str]:
    return [str(p) for p in validate_path(path).report.errors]


def _conference(data: dict[str, Any], step: int) -> dict[str, Any]:
    return next(c for c in data["conferences"] if c["step"] == step)


def _result(data: dict[str, Any], step: int, person: str) -> dict[str, Any]:
    return next(r for r in data["results"] if r["step"] == step and r["person"] == person)


def test_both_examples_are_valid(state_data: dict, party_data: dict, write_round: Write) -> None:
    for data in (state_data, party_data):
        validated = validate_path(write_round(data))
        assert validated.report.ok, validated.report.render()
        assert validated.decision is not None and validated.decision.complete


@pytest.mark.parametrize(
    ("step", "field", "value", "message"),
    [
        (
            2,
            "present",
            33,
            "row 2, column present: error: more people present than people convened; expected at most 32, found 33",
        ),
        (
            2,
            "ballots_issued",
            31,
            "row 2, column ballots_issued: error: more ballots issued than people present; expected at most 30, found 31",
        ),
        (
            2,
            "ballots_returned",
            31,
            "row 2, column ballots_returned: error: more ballots returned than ballots issued; expected at most 30, found 31",
        ),
        (
            2,
            "ballots_invalid",
            2,
            "row 2, column ballots_invalid: error: valid + invalid ballots must equal ballots returned; expected 30, found 29 + 2 = 31",
        ),
        (
            2,
            "absent_with_reason",
            3,
            "row 2, column absent_with_reason: error: more absent than convened − present; expected at most 2, found 3",
        ),
    ],
)
def test_conference_invariants(
    state_data: dict, write_round: Write, step: int, field: str, value: int, message: str
) -> None:
    _conference(state_data, step)[field] = value
    errors = _errors(write_round(state_data))
    assert any(e.endswith(message) for e in errors), errors


def test_attendance_below_two_thirds_invalidates_the_conference(
    state_data: dict, write_round: Write
) -> None:
    conference = _conference(state_data, 3)
    conference.update(
        present=9, absent_with_reason=6, ballots_issued=9, ballots_returned=9, ballots_valid=9
    )
    errors = _errors(write_round(state_data))
    assert any(
        "row 3, column present: error: the conference is not valid: too few of those convened are present; expected at least 2/3 of 15, found 9"
        in e
        for e in errors
    ), errors


def test_votes_cannot_exceed_valid_ballots(state_data: dict, write_round: Write) -> None:
    _result(state_data, 2, "Cầm Thị Hoa")["votes_for"] = 30
    errors = _errors(write_round(state_data))
    assert any(
        "column votes_for: error: more votes than valid ballots; expected at most 29, found 30" in e
        for e in errors
    ), errors


def test_for_plus_against_cannot_exceed_valid_ballots(state_data: dict, write_round: Write) -> None:
    _result(state_data, 1, "Đỗ Minh Đức")["votes_against"] = 2
    errors = _errors(write_round(state_data))
    assert any(
        "votes for + against exceed the valid ballots; expected at most 5, found 4 + 2" in e
        for e in errors
    ), errors


def test_ballot_limit_caps_the_sum_of_votes(party_data: dict, write_round: Write) -> None:
    _result(party_data, 3, "Vũ Minh Ơn")["votes_for"] = 16  # 33+29+27+19+16 = 124 > 3 × 41
    errors = _errors(write_round(party_data))
    assert any(
        "votes for Ủy viên Ban Thường vụ at step 3 add up to more than 3 names per valid ballot allow; expected at most 3 × 41 = 123, found 124"
        in e
        for e in errors
    ), errors


def test_a_person_must_have_passed_the_previous_step(state_data: dict, write_round: Write) -> None:
    state_data["results"].append(
        {"step": 3, "title": "Phó Trưởng phòng", "person": "Vì Thị Yến", "votes_for": 1}
    )
    errors = _errors(write_round(state_data))
    assert any(
        "Vì Thị Yến is voted on at step 3 but did not pass step 2 for Phó Trưởng phòng" in e
        for e in errors
    ), errors


def test_write_ins_are_allowed_at_the_discovery_step(state_data: dict, write_round: Write) -> None:
    state_data["results"].append(
        {"step": 2, "title": "Phó Trưởng phòng", "person": "Đinh Thị Thu", "votes_for": 3}
    )
    assert _errors(write_round(state_data)) == []


def test_unknown_and_ambiguous_names(state_data: dict, write_round: Write) -> None:
    _result(state_data, 2, "Cầm Thị Hoa")["person"] = "Cầm Thị Hoà"
    state_data["cadres"].append({**state_data["cadres"][5], "code": None})
    state_data["cadres"][5]["code"] = None
    errors = _errors(write_round(state_data))
    assert any(
        "column person: error: unknown cadre, found “Cầm Thị Hoà” (did you mean “Cầm Thị Hoa”?)"
        in e
        for e in errors
    ), errors
    assert any(
        "column code: error: 2 people are named Hà Thị Lan; expected a Mã cán bộ for each of them"
        in e
        for e in errors
    ), errors
    assert any("error: ambiguous name" in e for e in errors), errors


def test_a_code_resolves_a_shared_name(state_data: dict, write_round: Write) -> None:
    twin = {**state_data["cadres"][5], "code": "VP99", "birth_date": "01/01/1995"}
    state_data["cadres"].append(twin)
    for result in state_data["results"]:
        if result["person"] == "Hà Thị Lan":
            result["person"] = "VP06"
    assert _errors(write_round(state_data)) == []


def test_removal_votes_only_on_people_planned_for_the_title(
    state_data: dict, write_round: Write
) -> None:
    _result(state_data, 1, "Sùng A Páo")["title"] = "Trưởng phòng"
    errors = _errors(write_round(state_data))
    assert any("Sùng A Páo is not in the current planning for Trưởng phòng" in e for e in errors), (
        errors
    )


def test_unresolved_tie_is_one_warning_naming_the_tied(state_data: dict, write_round: Write) -> None:
    _result(state_data, 4, "Trần Thị Mai")["head_choice"] = None
    report = validate_path(write_round(state_data)).report
    assert report.ok, report.render()
    ties = [str(w) for w in report.warnings if "tie at the last place" in w.message]
    assert len(ties) == 1, ties
    assert ties[0].endswith(
        "row 26, column head_choice: warning: tie at the last place for Phó Trưởng phòng at step "
        "4: Phạm Văn Ân, Trần Thị Mai have 3 votes each for 1 place; the round waits for the "
        "head's choice; expected “x” in “Người đứng đầu chọn” for exactly 1 of them (rows 26, "
        "27), found 0 marked (the head of the unit decides, docgen does "
        "not; the minutes can be written meanwhile, the dossier waits)"
    ), ties


def test_more_than_three_per_title_is_an_error(state_data: dict, write_round: Write) -> None:
    for cadre in state_data["cadres"]:
        if cadre["full_name"] in {"Hà Thị Lan", "Vì Thị Yến"}:
            cadre["planned_titles"] = ["Phó Trưởng phòng"]
    errors = _errors(write_round(state_data))
    assert any(
        "Phó Trưởng phòng would have 5 people planned (3 kept + 2 proposed); expected at most 3 per title"
        in e
        for e in errors
    ), errors


def test_unknown_procedure_lists_the_known_ones(state_data: dict, write_round: Write) -> None:
    state_data["info"]["procedure"] = "Quy trình 7 bước"
    errors = _errors(write_round(state_data))
    assert any(
        "column procedure: error: unknown procedure; expected one of “Rà soát, bổ sung”, “Xây dựng nhiệm kỳ kế tiếp”, “Tùy chỉnh”, found “Quy trình 7 bước”"
        in e
        for e in errors
    ), errors


def test_a_round_in_progress_is_valid(state_data: dict, write_round: Write) -> None:
    state_data["results"] = [r for r in state_data["results"] if r["step"] <= 2]
    for result in state_data["results"]:
        if result["step"] == 2:
            result["votes_for"] = None
    state_data["conferences"] = [c for c in state_data["conferences"] if c["step"] <= 1]
    validated = validate_path(write_round(state_data))
    assert validated.report.ok, validated.report.render()
    assert validated.decision is not None
    assert not validated.decision.complete
    assert validated.decision.current_step == 1


def test_ineligible_nominee_is_a_warning_and_never_proposed(
    state_data: dict, write_round: Write
) -> None:
    validated = validate_path(write_round(state_data))
    assert validated.report.ok
    warnings = [str(w) for w in validated.report.warnings]
    assert any(
        "Nguyễn Văn Bình is not eligible for Trưởng phòng: không đủ tuổi công tác: còn 36 tháng, cần 72 tháng"
        in w
        for w in warnings
    )
    title = validated.decision.titles[0]  # type: ignore[union-attr]
    binh = next(c for c in title.candidates if c.cadre.full_name == "Nguyễn Văn Bình")
    assert binh.outcome == Outcome.INELIGIBLE
    assert binh not in title.proposed


def test_exactly_half_fails_trên_50(state_data: dict, write_round: Write) -> None:
    decision = validate_path(write_round(state_data)).decision
    lan = next(
        c for t in decision.titles for c in t.candidates if c.cadre.full_name == "Hà Thị Lan"
    )  # type: ignore[union-attr]
    step3 = lan.at(3)
    assert (step3.votes, step3.base, step3.passed) == (7, 14, False)
    assert lan.outcome == Outcome.NOT_PASSED


def test_problems_are_all_listed_sorted_with_a_count(state_data: dict, write_round: Write) -> None:
    _conference(state_data, 2)["present"] = 33
    # Step 3's conference is sound, so its votes are checked against its valid ballots (those of
    # step 2, whose attendance is impossible, are not).
    _result(state_data, 3, "Cầm Thị Hoa")["votes_for"] = 30
    state_data["info"]["procedure"] = "x"
    report = validate_path(write_round(state_data)).report
    text = report.render()
    assert text.splitlines()[0].startswith(f"{len(report.errors)} errors")
    assert len(report.errors) >= 3
    sheets = [p.location.sheet for p in report.errors]
    # Sorted in the order of the input contract: info, then conferences, then results.
    assert sheets.index("info") < sheets.index("conferences") < sheets.index("results")
    rows = [p.location.row or 0 for p in report.errors if p.location.sheet == "results"]
    assert rows == sorted(rows)
