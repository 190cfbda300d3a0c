"""The round at its edges (issue 10, the rules side): a preparation conference with attendance,
people kept from earlier planning who meet an automatic-removal ground, the unit's "Lý do không
đề nghị", an open tie as a waiting state, percentages near a threshold, the next step of every
procedure, and no error derived from a count already reported as impossible."""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from docgen.cli import main
from docgen.compose.submission import submission_context
from docgen.compose.summary import summary_next_term_context, summary_review_context
from docgen.decide import Outcome, RoundDecision, TitleDecision, decide
from docgen.models import Comparison, RoundInput
from docgen.rules.votes import percent_text
from docgen.validate import Validated, validate_path
from docgen.workbook import write_workbook

from .test_dossier import docx_text

Write = Callable[..., Path]


# --- helpers --------------------------------------------------------------------------------------


def _validate(path: Path) -> Validated:
    return validate_path(path)


def _errors(path: Path) -> list[str]:
    return [str(p) for p in _validate(path).report.errors]


def _warnings(path: Path) -> list[str]:
    return [str(p) for p in _validate(path).report.warnings]


def _decision(path: Path) -> RoundDecision:
    validated = _validate(path)
    assert validated.decision is not None, validated.report.render()
    return validated.decision


def _decide(data: dict[str, Any]) -> tuple[RoundInput, RoundDecision]:
    model = RoundInput.model_validate(copy.deepcopy(data))
    return model, decide(model)


def _run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def _conference(data: dict[str, Any], step: int) -> dict[str, Any]:
    return next(c for c in data["conferences"] if c["step"] == step)


def _result(data: dict[str, Any], step: int, person: str, title: str | None = None) -> dict:
    return next(
        r
        for r in data["results"]
        if r["step"] == step and r["person"] == person and (title is None or r["title"] == title)
    )


def _cadre(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in data["cadres"] if c["full_name"] == name)


def _title(decision: RoundDecision, name: str) -> TitleDecision:
    return next(t for t in decision.titles if t.title.name == name)


def _names(people: Any) -> list[str]:
    return [getattr(p, "full_name", None) or p.cadre.full_name for p in people]


def _rows(context: dict[str, Any]) -> list[dict[str, Any]]:
    return [row for row in context["rows"] if not row["group"]]


# --- 1. preparation conferences with attendance ---------------------------------------------------


def test_a_preparation_conference_with_attendance_is_valid_and_reported(
    party_data: dict, write_round: Write, tmp_path: Path
) -> None:
    _conference(party_data, 2).update(convened=5, present=5, absent_with_reason=0)
    path = write_round(party_data)
    result = _run("validate", str(path))
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output
    out = tmp_path / "dossier"
    result = _run("dossier", str(path), "--out", str(out))
    assert result.exit_code == 0, result.output
    text = docx_text(out / "01-to-trinh.docx")
    step_2 = text.split("Bước 2: ")[1].split("Bước 3: ")[0]
    assert step_2.startswith("Hội nghị Ban Thường vụ Đảng ủy (lần 1), ngày 04/03/2022")
    assert (
        "Tổng số người được triệu tập: 5 (năm) người. Số người có mặt: 5 (năm) người. Số người "
        "vắng mặt: 0 (không) người." in step_2
    )
    assert "phiếu" not in step_2


def test_each_ballot_count_on_a_preparation_step_is_one_error(
    party_data: dict, write_round: Write
) -> None:
    _conference(party_data, 2).update(
        convened=5,
        present=5,
        ballots_issued=5,
        ballots_returned=5,
        ballots_valid=4,
        ballots_invalid=1,
    )
    errors = _errors(write_round(party_data))
    assert len(errors) == 4, errors
    for field, value in (
        ("ballots_issued", 5),
        ("ballots_returned", 5),
        ("ballots_valid", 4),
        ("ballots_invalid", 1),
    ):
        assert any(
            e.endswith(
                f"row 2, column {field}: error: step 2 is a preparation step: it has no "
                f"ballots; expected empty (its attendance may be given), found {value}"
            )
            for e in errors
        ), errors


def test_a_preparation_conference_is_checked_like_any_other(
    party_data: dict, write_round: Write
) -> None:
    _conference(party_data, 2).update(convened=5, present=6)
    errors = _errors(write_round(party_data))
    assert len(errors) == 1, errors
    assert errors[0].endswith(
        "row 2, column present: error: more people present than people convened; expected at "
        "most 5, found 6"
    )


def test_a_preparation_step_with_an_attendance_minimum_is_checked_against_it(
    party_data: dict, write_round: Write
) -> None:
    _conference(party_data, 2).update(convened=6, present=3)
    assert _errors(write_round(party_data)) == []  # the Party's preparation steps set no minimum
    party_data["procedure_steps"][1]["min_attendance"] = "2/3"
    errors = _errors(write_round(party_data))
    assert len(errors) == 1, errors
    assert errors[0].endswith(
        "row 2, column present: error: the conference is not valid: too few of those convened "
        "are present; expected at least 2/3 of 6, found 3"
    )
    _conference(party_data, 2).update(present=4)  # exactly 2/3
    assert _errors(write_round(party_data)) == []


def test_results_at_a_preparation_step_stay_an_error(party_data: dict, write_round: Write) -> None:
    party_data["results"].append(
        {"step": 2, "title": "Bí thư Đảng ủy", "person": "Lò Văn Dũng", "votes_for": 4}
    )
    errors = _errors(write_round(party_data))
    assert any("error: step 2 is a preparation step: no votes" in e for e in errors), errors


# --- 2. automatic removal of people kept from earlier planning ------------------------------------


def test_a_kept_person_past_the_planning_age_leaves_the_planning(
    state_data: dict, write_round: Write
) -> None:
    _cadre(state_data, "Lò Văn Thành")["birth_date"] = "07/1963"  # 27 months left, 72 needed
    path = write_round(state_data)
    validated = _validate(path)
    assert validated.report.ok, validated.report.render()
    decision = validated.decision
    assert decision is not None
    head = _title(decision, "Trưởng phòng")
    assert _names(head.kept) == []
    [auto] = head.auto_removals
    assert auto.cadre.full_name == "Lò Văn Thành"
    assert auto.grounds == ("quá tuổi quy hoạch: còn 27 tháng, cần 72 tháng",)
    assert auto.vote is not None and not auto.vote.outcome.passed  # the vote kept them: 0/5
    assert _names(head.removed) == ["Đỗ Minh Đức", "Lò Văn Thành"]
    warnings = [str(w) for w in validated.report.warnings]
    [warning] = [w for w in warnings if "Lò Văn Thành" in w]
    assert warning.endswith(
        "column planned_titles: warning: Lò Văn Thành leaves the planning for Trưởng phòng: quá "
        "tuổi quy hoạch: còn 27 tháng, cần 72 tháng (the removal vote did not remove them; the "
        "ground does) (an automatic-removal ground (Quy định 50-QĐ/TW): docgen removes them from "
        "planning on that ground, and the summary table and the submission say so)"
    )
    assert not any("hold a removal vote" in w for w in warnings)


def test_the_table_and_the_submission_print_the_ground(
    state_data: dict, write_round: Write, tmp_path: Path
) -> None:
    _cadre(state_data, "Lò Văn Thành")["birth_date"] = "07/1963"
    model, decision = _decide(state_data)
    table = summary_review_context(model, decision)
    rows = {(row["name"], row["proposal"]) for row in _rows(table)}
    assert ("Lò Văn Thành", "Tiếp tục quy hoạch") not in rows
    assert (
        "Lò Văn Thành",
        "Đưa ra khỏi quy hoạch (quá tuổi quy hoạch: còn 27 tháng, cần 72 tháng)",
    ) in rows
    removed_group = [row["name"] for row in table["rows"]]
    assert removed_group.index("ĐƯA RA KHỎI QUY HOẠCH") < removed_group.index("Lò Văn Thành")
    context = submission_context(model, decision, ["Biên bản"])
    assert not any("Lò Văn Thành" in line for line in context["kept"])
    assert (
        "- Đồng chí Lò Văn Thành, Phó Trưởng phòng Tổng hợp, Văn phòng UBND tỉnh, quy hoạch chức "
        "danh Trưởng phòng: thuộc trường hợp đưa ra khỏi quy hoạch (quá tuổi quy hoạch: còn 27 "
        "tháng, cần 72 tháng); kết quả bỏ phiếu đưa ra khỏi quy hoạch: 0/5 phiếu (0,00% so với "
        "tổng số người được triệu tập) đồng ý." in context["removals"]
    )
    # Through the command line: the dossier's table says it too.
    result = _run("dossier", str(write_round(state_data)), "--out", str(tmp_path / "d"))
    assert result.exit_code == 0, result.output
    table_text = docx_text(tmp_path / "d" / "06-bieu-tong-hop-ra-soat.docx")
    assert "Đưa ra khỏi quy hoạch (quá tuổi quy hoạch: còn 27 tháng, cần 72 tháng)" in table_text
    assert "Tiếp tục quy hoạch" not in next(
        line for line in table_text.splitlines() if "Lò Văn Thành" in line
    )


@pytest.mark.parametrize(
    ("born", "kept"), [("04/1966", True), ("03/1966", False)], ids=["72-months", "68-months"]
)
def test_the_planning_age_boundary(
    state_data: dict, write_round: Write, born: str, kept: bool
) -> None:
    _cadre(state_data, "Lò Văn Thành")["birth_date"] = born
    head = _title(_decision(write_round(state_data)), "Trưởng phòng")
    assert ("Lò Văn Thành" in _names(head.kept)) is kept
    assert ("Lò Văn Thành" in _names(head.auto_removals)) is not kept


@pytest.mark.parametrize(
    ("discipline", "ground"),
    [
        ("Cảnh cáo (2021)", "bị kỷ luật: Cảnh cáo (2021)"),
        ("khiển trách", "bị kỷ luật: khiển trách"),
        ("Phê bình", None),
        ("Không", None),
    ],
)
def test_discipline_at_reprimand_or_above_is_a_ground(
    state_data: dict, write_round: Write, discipline: str, ground: str | None
) -> None:
    _cadre(state_data, "Sùng A Páo")["discipline"] = discipline
    deputy = _title(_decision(write_round(state_data)), "Phó Trưởng phòng")
    if ground is None:
        assert _names(deputy.kept) == ["Sùng A Páo"]
        assert deputy.auto_removals == []
    else:
        assert [a.grounds for a in deputy.auto_removals] == [(ground,)]
        assert deputy.kept == []


@pytest.mark.parametrize(
    ("position", "ground"),
    [
        ("Phó Trưởng phòng Kinh tế", "đã giữ chức vụ Phó Trưởng phòng"),
        (
            "Trưởng phòng Kinh tế",
            "đã giữ chức vụ Trưởng phòng, cao hơn chức danh Phó Trưởng phòng",
        ),
        ("Chuyên viên chính phòng Kinh tế", None),
    ],
)
def test_holding_the_title_or_a_higher_one_is_a_ground(
    state_data: dict, write_round: Write, position: str, ground: str | None
) -> None:
    _cadre(state_data, "Sùng A Páo")["position"] = position
    deputy = _title(_decision(write_round(state_data)), "Phó Trưởng phòng")
    assert [a.grounds for a in deputy.auto_removals] == ([(ground,)] if ground else [])


def test_a_title_higher_through_a_chain_of_sources_is_a_ground(
    state_data: dict, write_round: Write
) -> None:
    state_data["titles"].append(
        {"name": "Chánh Văn phòng", "quota": 1, "source_1": ["Trưởng phòng"]}
    )
    _cadre(state_data, "Sùng A Páo")["position"] = "Chánh Văn phòng UBND tỉnh"
    deputy = _title(_decision(write_round(state_data)), "Phó Trưởng phòng")
    assert [a.grounds for a in deputy.auto_removals] == [
        ("đã giữ chức vụ Chánh Văn phòng, cao hơn chức danh Phó Trưởng phòng",)
    ]


def test_every_ground_met_is_named(state_data: dict, write_round: Write) -> None:
    _cadre(state_data, "Lò Văn Thành").update(birth_date="07/1963", discipline="Cảnh cáo")
    head = _title(_decision(write_round(state_data)), "Trưởng phòng")
    [auto] = head.auto_removals
    assert auto.ground == ("quá tuổi quy hoạch: còn 27 tháng, cần 72 tháng; bị kỷ luật: Cảnh cáo")


def test_someone_the_vote_removed_keeps_the_vote_and_carries_the_ground(
    state_data: dict, write_round: Write
) -> None:
    validated = _validate(write_round(state_data))
    head = _title(validated.decision, "Trưởng phòng")  # type: ignore[arg-type]
    duc = next(r for r in head.removals if r.cadre.full_name == "Đỗ Minh Đức")
    assert duc.outcome.passed and duc.grounds == ("bị kỷ luật: Khiển trách (2021)",)
    assert head.auto_removals == []
    assert not any("Đỗ Minh Đức" in str(w) for w in validated.report.warnings)


def test_a_next_term_table_lists_those_who_leave(party_data: dict) -> None:
    _cadre(party_data, "Cầm Thị Ngọc")["planned_titles"] = ["Ủy viên Ban Thường vụ"]
    model, decision = _decide(party_data)
    member = _title(decision, "Ủy viên Ban Thường vụ")
    assert [a.grounds for a in member.auto_removals] == [("đã giữ chức vụ Ủy viên Ban Thường vụ",)]
    rows = _rows(summary_next_term_context(model, decision))
    assert rows[-1]["name"] == "Cầm Thị Ngọc"
    assert rows[-1]["note"] == "Đưa ra khỏi quy hoạch (đã giữ chức vụ Ủy viên Ban Thường vụ)"


# --- 3. "Lý do không đề nghị" -------------------------------------------------------------------------

REASON = "Đã được giới thiệu quy hoạch đủ 3 chức danh."


def test_the_units_reason_gives_the_place_to_the_next_in_rank(
    state_data: dict, write_round: Write
) -> None:
    _result(state_data, 4, "Cầm Thị Hoa")["not_proposed_reason"] = REASON
    validated = _validate(write_round(state_data))
    assert validated.report.ok, validated.report.render()
    head = _title(validated.decision, "Trưởng phòng")  # type: ignore[arg-type]
    assert _names(head.proposed) == ["Bạc Thị Ly"]  # 3/5, next in rank after the ineligible
    hoa = next(c for c in head.candidates if c.cadre.full_name == "Cầm Thị Hoa")
    assert (hoa.outcome, hoa.unit_reason) == (Outcome.NOT_PROPOSED, REASON)


def test_the_units_reason_is_printed_in_the_submission_and_the_table(state_data: dict) -> None:
    _result(state_data, 4, "Quàng Văn Hùng")["not_proposed_reason"] = REASON
    model, decision = _decide(state_data)
    deputy = _title(decision, "Phó Trưởng phòng")
    assert sorted(_names(deputy.proposed)) == ["Phạm Văn Ân", "Trần Thị Mai"]
    account = next(
        line
        for line in submission_context(model, decision, ["Biên bản"])["accounts"]
        if line.startswith("- Chức danh Phó Trưởng phòng")
    )
    assert (
        "Không đề nghị: đồng chí Quàng Văn Hùng (5/5 phiếu, 100,00%) do đã được giới thiệu quy "
        "hoạch đủ 3 chức danh." in account
    )
    rows = _rows(summary_review_context(model, decision))
    hung = next(row for row in rows if row["name"] == "Quàng Văn Hùng")
    assert hung["proposal"] == f"Không đề nghị ({REASON})"
    assert hung["proposed_title"] == ""


def test_a_tie_at_the_new_last_place_is_a_tie_like_any_other(
    state_data: dict, write_round: Write
) -> None:
    state_data["titles"][1]["quota"] = 1
    _result(state_data, 4, "Quàng Văn Hùng")["not_proposed_reason"] = REASON
    deputy = _title(_decision(write_round(state_data)), "Phó Trưởng phòng")
    assert deputy.tie is not None and deputy.tie.resolved  # Trần Thị Mai is marked
    assert _names(deputy.proposed) == ["Trần Thị Mai"]
    _result(state_data, 4, "Trần Thị Mai")["head_choice"] = None
    deputy = _title(_decision(write_round(state_data)), "Phó Trưởng phòng")
    assert deputy.tie is not None and not deputy.tie.resolved
    assert sorted(_names(deputy.tie.tied)) == ["Phạm Văn Ân", "Trần Thị Mai"]
    assert deputy.proposed == []


def test_a_reason_on_a_step_that_does_not_fill_the_quota_is_an_error(
    state_data: dict, write_round: Write
) -> None:
    _result(state_data, 3, "Quàng Văn Hùng")["not_proposed_reason"] = REASON
    errors = _errors(write_round(state_data))
    assert len(errors) == 1, errors
    assert errors[0].endswith(
        "row 17, column not_proposed_reason: error: a reason not to propose is given at step 3, "
        "which does not fill the quota; expected the reason on the row of the deciding step "
        f"(step 4), this cell empty, found {REASON}"
    )


def test_a_reason_for_someone_who_did_not_pass_is_a_warning(
    state_data: dict, write_round: Write
) -> None:
    _result(state_data, 4, "Lường Văn Tâm")["not_proposed_reason"] = REASON
    validated = _validate(write_round(state_data))
    assert validated.report.ok
    assert any(
        "warning: Lường Văn Tâm did not pass step 4 for Phó Trưởng phòng: the reason not to "
        "propose them is not needed" in str(w)
        for w in validated.report.warnings
    )


def _four_titles(state_data: dict) -> dict:
    """Cầm Thị Hoa already planned for 3 other titles, proposed for Trưởng phòng."""
    _cadre(state_data, "Cầm Thị Hoa")["planned_titles"] = [
        "Chánh Văn phòng Sở",
        "Phó Chánh Văn phòng",
        "Giám đốc Trung tâm",
    ]
    return state_data


def test_four_titles_points_at_the_deciding_row_and_says_how_to_resolve_it(
    state_data: dict, write_round: Write
) -> None:
    errors = _errors(write_round(_four_titles(state_data)))
    assert len(errors) == 1, errors
    assert errors[0].endswith(
        "sheet “results”, row 22, column not_proposed_reason: error: Cầm Thị Hoa would be "
        "planned for 4 titles (Chánh Văn phòng Sở, Giám đốc Trung tâm, Phó Chánh Văn phòng, "
        "Trưởng phòng); expected at most 3 titles per person (Quy định 50-QĐ/TW), found 4 (write "
        "the reason in “Lý do không đề nghị” on the deciding-step row of the titles the unit "
        "does not propose)"
    )


def test_four_titles_goes_away_once_the_reason_is_written(
    state_data: dict, write_round: Write
) -> None:
    data = _four_titles(state_data)
    _result(data, 4, "Cầm Thị Hoa")["not_proposed_reason"] = REASON
    result = _run("validate", str(write_round(data)))
    assert result.exit_code == 0, result.output
    assert "would be planned for" not in result.output


def test_four_titles_kept_alone_points_at_the_person(state_data: dict, write_round: Write) -> None:
    _cadre(state_data, "Lò Văn Thành")["planned_titles"] = ["Trưởng phòng", "A", "B", "C"]
    errors = _errors(write_round(state_data))
    assert len(errors) == 1, errors
    assert (
        "sheet “cadres”, row 1, column planned_titles: error: Lò Văn Thành would be planned "
        in (errors[0])
    )
    assert "correct “Chức danh đã quy hoạch”" in errors[0]


def test_the_empty_workbook_and_the_schema_have_the_column(tmp_path: Path) -> None:
    path = tmp_path / "round.xlsx"
    assert _run("init", str(path)).exit_code == 0
    headers = [cell.value for cell in load_workbook(path)["Kết quả"][1]]
    assert headers[-1] == "Lý do không đề nghị"
    schema = _run("schema")
    assert schema.exit_code == 0 and "not_proposed_reason" in schema.output


def test_the_column_is_read_from_a_workbook(state_data: dict, tmp_path: Path) -> None:
    _result(state_data, 4, "Cầm Thị Hoa")["not_proposed_reason"] = REASON
    path = tmp_path / "round.xlsx"
    write_workbook(path, RoundInput.model_validate(state_data))
    validated = _validate(path)
    assert validated.report.ok, validated.report.render()
    head = _title(validated.decision, "Trưởng phòng")  # type: ignore[arg-type]
    assert _names(head.proposed) == ["Bạc Thị Ly"]


# --- 4. an open tie is a waiting state ----------------------------------------------------------------


def _open_tie(state_data: dict) -> dict:
    _result(state_data, 4, "Trần Thị Mai")["head_choice"] = None
    return state_data


def test_an_open_tie_is_one_warning_and_validate_exits_0(
    state_data: dict, write_round: Write
) -> None:
    result = _run("validate", str(write_round(_open_tie(state_data))))
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "tie at the last place" in line]
    assert len(lines) == 1, result.output
    assert (
        "warning: tie at the last place for Phó Trưởng phòng at step 4: Phạm Văn Ân, Trần "
        in (lines[0])
    )
    assert "for exactly 1 of them (rows 26, 27), found 0 marked" in lines[0]


def test_the_tie_warning_names_the_cells_of_a_workbook(state_data: dict, tmp_path: Path) -> None:
    path = tmp_path / "round.xlsx"
    write_workbook(path, RoundInput.model_validate(_open_tie(state_data)))
    [tie] = [str(w) for w in _validate(path).report.warnings if "tie" in w.message]
    assert "sheet “Kết quả”, row 27, column F (Người đứng đầu chọn): warning: tie" in tie
    assert "(cells F27, F28)" in tie


def test_the_decision_is_still_made_while_a_tie_waits(state_data: dict, write_round: Write) -> None:
    decision = _decision(write_round(_open_tie(state_data)))
    deputy = _title(decision, "Phó Trưởng phòng")
    assert deputy.tie is not None and not deputy.tie.resolved and deputy.waiting
    assert sorted(_names(deputy.tie.tied)) == ["Phạm Văn Ân", "Trần Thị Mai"]
    assert {c.outcome for c in deputy.tie.tied} == {Outcome.TIE_UNRESOLVED}
    assert _names(deputy.proposed) == ["Quàng Văn Hùng"]
    assert decision.complete and decision.waiting and not decision.ready
    assert decision.open_ties == [deputy]
    assert decision.next_step is None
    assert decision.progress == "waiting for the head's choice (tie for Phó Trưởng phòng)"


def test_two_ties_are_two_warnings(party_data: dict, write_round: Write) -> None:
    party_data["titles"][0]["quota"] = 1
    party_data["titles"][2]["quota"] = 2
    _result(party_data, 5, "Lò Văn Dũng")["votes_for"] = 5
    warnings = [w for w in _warnings(write_round(party_data)) if "tie at the last place" in w]
    assert len(warnings) == 2, warnings
    assert "for Bí thư Đảng ủy at step 5" in warnings[0]
    assert "for Ủy viên Ban Thường vụ at step 5" in warnings[1]


def test_a_mark_outside_the_tie_says_so(state_data: dict, write_round: Write) -> None:
    _result(_open_tie(state_data), 4, "Quàng Văn Hùng")["head_choice"] = "x"
    warnings = _warnings(write_round(state_data))
    assert any(
        w.endswith(
            "row 25, column head_choice: warning: head's choice for Quàng Văn Hùng (Phó Trưởng "
            "phòng) is ignored: Quàng Văn Hùng is not among those tied for the last place: Phạm "
            "Văn Ân, Trần Thị Mai"
        )
        for w in warnings
    ), warnings
    assert not any("there is no tie" in w for w in warnings)


def test_a_mark_without_any_tie_says_there_is_none(state_data: dict, write_round: Write) -> None:
    _result(state_data, 4, "Cầm Thị Hoa")["head_choice"] = "x"
    warnings = _warnings(write_round(state_data))
    assert any("Cầm Thị Hoa (Trưởng phòng) is ignored: there is no tie" in w for w in warnings)


# --- 5. percentages near a threshold ----------------------------------------------------------------

GE, GT = Comparison.GREATER_OR_EQUAL, Comparison.GREATER


@pytest.mark.parametrize(
    ("votes", "base", "threshold", "comparison", "text"),
    [
        (602, 2007, 30, GE, "29,995"),  # 29,995…: 2 decimals would read 30,00
        (59999, 200000, 30, GE, "29,9995"),  # 3 decimals still round up to 30,000
        (9, 30, 30, GE, "30,00"),  # exactly 30: passes, and so does 30,00
        (7, 14, 50, GT, "50,00"),  # exactly 50 fails "trên 50 %", and so does 50,00
        (100001, 200001, 50, GT, "50,0002"),  # just above 50: 50,00 would read as failing
        (1001, 2001, 50, GT, "50,02"),
        (2, 3, 50, GT, "66,67"),
        (602, 2007, None, None, "30,00"),  # no threshold: two decimals, rounded half up
    ],
)
def test_percent_text_shows_the_difference_from_the_threshold(
    votes: int,
    base: int,
    threshold: int | None,
    comparison: Comparison | None,
    text: str,
) -> None:
    limit = Decimal(threshold) if threshold is not None else None
    assert percent_text(votes, base, limit, comparison) == text


def test_the_round_prints_29_995_beside_not_passed(state_data: dict) -> None:
    _conference(state_data, 2).update(
        convened=2010,
        present=2007,
        absent_with_reason=3,
        ballots_issued=2007,
        ballots_returned=2007,
        ballots_valid=2007,
        ballots_invalid=0,
    )
    _result(state_data, 2, "Ưng Thị Ánh")["votes_for"] = 602
    _result(state_data, 2, "Vì Thị Yến")["votes_for"] = 603
    _, decision = _decide(state_data)
    deputy = _title(decision, "Phó Trưởng phòng")
    anh = next(c for c in deputy.candidates if c.cadre.full_name == "Ưng Thị Ánh")
    yen = next(c for c in deputy.candidates if c.cadre.full_name == "Vì Thị Yến")
    step_anh, step_yen = anh.at(2), yen.at(2)
    assert step_anh is not None and step_yen is not None
    assert (step_anh.percent_text, step_anh.passed) == ("29,995", False)
    assert (step_yen.percent_text, step_yen.passed) == ("30,04", True)
    assert anh.reason == (
        "không đạt ở bước 2: 602/2007 phiếu (29,995% so với số người có mặt), cần từ 30% trở lên"
    )


# --- 6. the next step of every procedure ------------------------------------------------------------


def test_a_next_term_round_after_its_preparation_steps_is_at_the_first_vote(
    party_data: dict, write_round: Write
) -> None:
    party_data["results"] = []
    party_data["conferences"] = [c for c in party_data["conferences"] if c["step"] <= 2]
    decision = _decision(write_round(party_data))
    assert (decision.current_step, decision.next_step) == (2, 3)
    assert decision.done_steps == {1, 2}
    assert decision.counted_steps == frozenset()
    assert decision.progress == "in progress (next: step 3, Hội nghị cán bộ chủ chốt phường)"


def test_the_built_in_next_term_procedure(party_data: dict, write_round: Write) -> None:
    party_data["info"]["procedure"] = None  # the round kind's built-in: 2 preparation steps
    party_data.pop("procedure_steps")
    party_data["results"] = []
    party_data["conferences"] = [{"step": 1, "date": "01/03/2022"}]
    decision = _decision(write_round(party_data))
    assert (decision.current_step, decision.next_step) == (1, 2)
    party_data["conferences"].append({"step": 2, "convened": 5, "present": 5})
    decision = _decision(write_round(party_data))
    assert (decision.current_step, decision.next_step) == (2, 3)


def test_a_preparation_step_without_its_row_is_passed_by_later_ones(
    party_data: dict, write_round: Write
) -> None:
    party_data["results"] = []
    party_data["conferences"] = [c for c in party_data["conferences"] if c["step"] == 2]
    decision = _decision(write_round(party_data))
    assert (decision.current_step, decision.next_step) == (2, 3)


def test_nothing_done_yet_is_at_step_1(party_data: dict, write_round: Write) -> None:
    party_data["results"] = []
    party_data["conferences"] = []
    decision = _decision(write_round(party_data))
    assert (decision.current_step, decision.next_step) == (None, 1)
    assert decision.progress == (
        "in progress (next: step 1, Xây dựng kế hoạch, rà soát nguồn cán bộ)"
    )


def test_a_review_round_moves_from_step_to_step(state_data: dict, write_round: Write) -> None:
    state_data["results"] = [r for r in state_data["results"] if r["step"] <= 2]
    state_data["conferences"] = [c for c in state_data["conferences"] if c["step"] <= 2]
    decision = _decision(write_round(state_data))
    assert (decision.current_step, decision.next_step) == (2, 3)
    assert decision.counted_steps == {1, 2}
    fresh = _decision(write_round({**state_data, "results": [], "conferences": []}))
    assert (fresh.current_step, fresh.next_step) == (None, 1)


def test_a_removal_step_with_nobody_to_vote_on_is_done_once_held(
    state_data: dict, write_round: Write
) -> None:
    for cadre in state_data["cadres"]:
        cadre.pop("planned_titles", None)
    state_data["results"] = [r for r in state_data["results"] if r["step"] == 2]
    for row in state_data["results"]:
        row["votes_for"] = None
    state_data["conferences"] = [c for c in state_data["conferences"] if c["step"] == 1]
    decision = _decision(write_round(state_data))
    assert (decision.current_step, decision.next_step) == (1, 2)


def test_a_complete_round_has_no_next_step(state_data: dict, write_round: Write) -> None:
    decision = _decision(write_round(state_data))
    assert decision.ready and decision.next_step is None and decision.current_step == 4
    assert decision.progress == "complete"


# --- 7. no error derived from a count already reported as impossible -------------------------------


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"present": 33}, "more people present than people convened"),
        ({"ballots_returned": 31}, "more ballots returned than ballots issued"),
        ({"ballots_invalid": 5}, "valid + invalid ballots must equal ballots returned"),
    ],
)
def test_impossible_counts_are_no_base_for_the_votes_checks(
    state_data: dict, write_round: Write, counts: dict[str, int], message: str
) -> None:
    _conference(state_data, 2).update(counts)
    _result(state_data, 2, "Cầm Thị Hoa")["votes_for"] = 30  # above the 29 valid ballots
    errors = _errors(write_round(state_data))
    assert len(errors) == 1, errors
    assert message in errors[0]


def test_the_sum_per_ballot_is_not_checked_on_impossible_counts(
    party_data: dict, write_round: Write
) -> None:
    _conference(party_data, 3)["present"] = 46  # 45 convened
    for row in party_data["results"]:
        if row["step"] == 3 and row["title"] == "Ủy viên Ban Thường vụ":
            row["votes_for"] = 41  # 5 × 41 > 3 names × 41 valid ballots
    errors = _errors(write_round(party_data))
    assert len(errors) == 1, errors
    assert "more people present than people convened" in errors[0]
    _conference(party_data, 3)["present"] = 42  # sound counts: the sum is checked
    assert any("add up to more than 3 names" in e for e in _errors(write_round(party_data)))


def test_decisions_on_impossible_counts_are_not_reported(
    state_data: dict, write_round: Write
) -> None:
    _open_tie(state_data)
    _conference(state_data, 4)["present"] = 6  # 5 convened
    validated = _validate(write_round(state_data))
    assert [p.message for p in validated.report.errors] == [
        "more people present than people convened"
    ]
    assert not any("tie" in p.message for p in validated.report.problems)


# --- all at once ------------------------------------------------------------------------------------


def test_a_round_with_every_edge_at_once(party_data: dict, write_round: Write) -> None:
    """A recorded preparation conference, an open tie, a kept person past the planning age and
    a person who would be planned for 4 titles: one error, at the cell where the unit's reason
    goes; once it is written the round is valid and waits for the head."""
    _conference(party_data, 2).update(convened=5, present=5, absent_with_reason=0)
    party_data["titles"][0]["quota"] = 1
    _result(party_data, 5, "Lò Văn Dũng")["votes_for"] = 5  # ties Lê Thị Hồng Nhung
    son = _cadre(party_data, "Đèo Văn Sơn")
    son.update(birth_date="09/1968", planned_titles=["Ủy viên Ban Thường vụ"])
    _cadre(party_data, "Trần Văn Đạt")["planned_titles"] = ["A", "B", "C"]
    path = write_round(party_data)
    result = _run("validate", str(path))
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == "1 error, 3 warnings", result.output
    assert "column not_proposed_reason: error: Trần Văn Đạt would be planned for 4 titles" in (
        result.output
    )
    _result(party_data, 5, "Trần Văn Đạt")["not_proposed_reason"] = REASON
    result = _run("validate", str(write_round(party_data)))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "0 errors, 3 warnings", result.output
    assert "warning: tie at the last place for Bí thư Đảng ủy at step 5" in result.output
    assert (
        "warning: Đèo Văn Sơn leaves the planning for Ủy viên Ban Thường vụ: quá tuổi quy hoạch: "
        "còn 59 tháng, cần 60 tháng" in result.output
    )
    decision = _decision(write_round(party_data))
    assert decision.waiting and decision.next_step is None
    assert _names(_title(decision, "Phó Bí thư Đảng ủy").proposed) == ["Cầm Thị Ngọc"]
