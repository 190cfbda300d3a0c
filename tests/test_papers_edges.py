"""The round at its edges, the papers side (issue 10, points 2 and 5).

`docgen minutes` writes the minutes of any counted step at any time, also while later steps are
empty or a tie at the last place waits for the head; the dossier waits for the head's choice with
one error per tie naming the tied people, the places and the cells to mark; `status` shows the
round as waiting and exits 0; people are listed in Vietnamese name order (given name first,
letters then tones) on ballots and in the status.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from docgen.cli import main
from docgen.errors import Severity
from docgen.papers import validated_round

from .conftest import PARTY_EXAMPLE, STATE_EXAMPLE
from .test_dossier import GOLDEN, docx_text

TIE_ROWS = (26, 27)  # the step-4 rows of Trần Thị Mai and Phạm Văn Ân in the State example (YAML)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def open_tie(state_data: dict[str, Any]) -> dict[str, Any]:
    """The State example with the head's choice removed: Trần Thị Mai and Phạm Văn Ân tie with
    3 votes at step 4 for the last place of Phó Trưởng phòng."""
    data = copy.deepcopy(state_data)
    for result in data["results"]:
        result.pop("head_choice", None)
    return data


def second_tie(data: dict[str, Any]) -> dict[str, Any]:
    """Also tie Bạc Thị Ly with Cầm Thị Hoa (4 votes) for the one place of Trưởng phòng (the
    third with 4 votes, Nguyễn Văn Bình, is not eligible and out of the fill)."""
    data = copy.deepcopy(data)
    for result in data["results"]:
        if result["step"] == 4 and result["person"] == "Bạc Thị Ly":
            result["votes_for"] = 4
    return data


def up_to_step(data: dict[str, Any], last: int) -> dict[str, Any]:
    """The round as it stands after step ``last``: later conferences and results not entered."""
    data = copy.deepcopy(data)
    data["results"] = [r for r in data["results"] if r["step"] <= last]
    data["conferences"] = [c for c in data["conferences"] if c["step"] <= last]
    return data


def errors_of(result: Result) -> list[str]:
    """The error lines of the report, without their codes (tests/test_i18n.py checks codes)."""
    return [
        re.sub(r"^  [EW]\d{4} ", "  ", line)
        for line in result.output.splitlines()
        if ": error: " in line
    ]


# --- docgen minutes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("example", "step"),
    [(STATE_EXAMPLE, s) for s in (1, 2, 3, 4)] + [(PARTY_EXAMPLE, s) for s in (3, 4, 5)],
    ids=lambda value: value.stem[:6] if isinstance(value, Path) else f"step{value}",
)
def test_minutes_of_each_counted_step_are_the_dossiers_paper(
    example: Path, step: int, tmp_path: Path
) -> None:
    workbook = example.with_suffix(".xlsx")
    result = run("minutes", str(workbook), "--step", str(step), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    written = tmp_path / f"bien-ban-kiem-phieu-buoc-{step}.docx"
    assert result.output.strip() == f"wrote {written}"
    (golden,) = (GOLDEN / example.stem).glob(f"*-bien-ban-kiem-phieu-buoc-{step}.docx.txt")
    assert docx_text(written) == golden.read_text(encoding="utf-8")


def test_minutes_of_a_step_while_later_steps_are_empty(
    state_data: dict[str, Any], write_round, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = write_round(up_to_step(state_data, 2))
    result = run("minutes", str(path), "--step", "2", "--out", str(tmp_path / "m"))
    assert result.exit_code == 0, result.output
    text = docx_text(tmp_path / "m" / "bien-ban-kiem-phieu-buoc-2.docx")
    assert "Quàng Văn Hùng" in text and "26" in text
    assert "Kết quả lấy từ trên xuống" not in text  # step 2 does not fill the quota


def test_minutes_of_the_deciding_step_while_the_tie_is_open_do_not_claim_a_choice(
    state_data: dict[str, Any], write_round, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = write_round(open_tie(state_data))
    result = run("minutes", str(path), "--step", "4", "--out", str(tmp_path / "m"))
    assert result.exit_code == 0, result.output
    text = docx_text(tmp_path / "m" / "bien-ban-kiem-phieu-buoc-4.docx")
    assert (
        "Các đồng chí Phạm Văn Ân, Trần Thị Mai có số phiếu bằng nhau (3/5 phiếu) cho 01 vị trí "
        "cuối cùng; giao cho người đứng đầu xem xét, quyết định lựa chọn nhân sự." in text
    )
    assert "đã xem xét, quyết định lựa chọn" not in text
    assert "trong số lượng: đồng chí Quàng Văn Hùng (5/5 phiếu)." in text


def test_minutes_settled_by_the_head_say_the_choice() -> None:
    (golden,) = (GOLDEN / STATE_EXAMPLE.stem).glob("*-bien-ban-kiem-phieu-buoc-4.docx.txt")
    assert "người đứng đầu đã xem xét, quyết định lựa chọn đồng chí Trần Thị Mai" in (
        golden.read_text(encoding="utf-8")
    )


@pytest.mark.parametrize(
    ("example", "step", "message"),
    [
        (PARTY_EXAMPLE, 1, "step 1 is a preparation step: it has no vote-count minutes"),
        (PARTY_EXAMPLE, 2, "step 2 is a preparation step: it has no vote-count minutes"),
        (STATE_EXAMPLE, 9, "step 9 is not a step of the procedure: it has no vote-count minutes"),
        (STATE_EXAMPLE, 0, "step 0 is not a step of the procedure: it has no vote-count minutes"),
    ],
)
def test_minutes_refuse_a_step_without_a_count(
    example: Path, step: int, message: str, tmp_path: Path
) -> None:
    out = tmp_path / "never"
    result = run("minutes", str(example), "--step", str(step), "--out", str(out))
    assert result.exit_code == 1, result.output
    voting = "3, 4, 5" if example == PARTY_EXAMPLE else "1, 2, 3, 4"
    assert errors_of(result) == [
        f"  {example}: error: {message}; expected a voting step of the procedure ({voting}), "
        f"found {step}"
    ]
    assert "Traceback" not in result.output
    assert not out.exists()


def test_minutes_refuse_a_step_not_counted_yet_saying_what_is_missing(
    state_data: dict[str, Any], write_round, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "never"
    path = write_round(up_to_step(state_data, 2))
    result = run("minutes", str(path), "--step", "3", "--out", str(out))
    assert result.exit_code == 1, result.output
    (error,) = errors_of(result)
    assert error.startswith(f"  {path}, sheet “results”: error: step 3 is not counted yet")
    assert "its rows in “Kết quả”; its row in “Hội nghị”" in error

    # Ballots printed (rows given, votes empty) and the conference held without its counts.
    data = up_to_step(state_data, 3)
    for row in data["results"]:
        if row["step"] == 3:
            row.pop("votes_for")
    conference = next(c for c in data["conferences"] if c["step"] == 3)
    counts = ("present", "absent_with_reason", "ballots_issued", "ballots_returned")
    for count in (*counts, "ballots_valid", "ballots_invalid"):
        conference.pop(count)
    path = write_round(data)
    result = run("minutes", str(path), "--step", "3", "--out", str(out))
    assert result.exit_code == 1, result.output
    (error,) = errors_of(result)
    first_row = 1 + next(i for i, r in enumerate(data["results"]) if r["step"] == 3)
    assert error.startswith(
        f"  {path}, sheet “results”, row {first_row}, column votes_for: error: "
        "step 3 is not counted yet"
    )
    assert "the votes of its 8 rows; the counts of its row in “Hội nghị”" in error
    assert not out.exists()


def test_minutes_never_overwrite_a_users_file(tmp_path: Path) -> None:
    out = tmp_path / "round"
    out.mkdir()
    mine = out / "bien-ban-kiem-phieu-buoc-2.docx"
    mine.write_bytes(b"signed and scanned")
    result = run("minutes", str(STATE_EXAMPLE), "--step", "2", "--out", str(out))
    assert result.exit_code == 4, result.output
    assert "bien-ban-kiem-phieu-buoc-2.docx" in result.output
    assert mine.read_bytes() == b"signed and scanned"
    assert sorted(p.name for p in out.iterdir()) == ["bien-ban-kiem-phieu-buoc-2.docx"]


def test_minutes_rewrite_their_own_file_and_keep_the_others(tmp_path: Path) -> None:
    out = tmp_path / "round"
    assert run("ballots", str(STATE_EXAMPLE), "--step", "2", "--out", str(out)).exit_code == 0
    for _ in range(2):
        result = run("minutes", str(STATE_EXAMPLE), "--step", "2", "--out", str(out))
        assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    assert {"bien-ban-kiem-phieu-buoc-2.docx", "phieu-buoc-2-truong-phong.docx"} <= names


def test_minutes_refuse_a_round_with_errors(
    state_data: dict[str, Any], write_round, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    state_data["conferences"][1]["present"] = 40  # more present than convened (32)
    out = tmp_path / "never"
    result = run("minutes", str(write_round(state_data)), "--step", "1", "--out", str(out))
    assert result.exit_code == 1
    assert errors_of(result)
    assert not out.exists()


# --- the dossier waits for the head's choice -------------------------------------------------


def test_the_dossier_waits_with_one_error_per_tie_naming_the_cells(
    state_data: dict[str, Any], write_round, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = write_round(open_tie(state_data))
    out = tmp_path / "never"
    result = run("dossier", str(path), "--out", str(out))
    assert result.exit_code == 1, result.output
    assert errors_of(result) == [
        f"  {path}, sheet “results”, row {TIE_ROWS[0]}, column head_choice: error: the dossier "
        "waits for the head's choice in a tie for “Phó Trưởng phòng”: Phạm Văn Ân and Trần Thị Mai have "
        "3 votes each at step 4 for the last place; expected “x” for 1 of them in sheet "
        f"“results”, column head_choice, rows {TIE_ROWS[0]} and {TIE_ROWS[1]}, found none "
        "marked (the head of the unit chooses, docgen does not; the minutes of step 4 can be "
        "written now: docgen minutes round.yaml --step 4 --out FOLDER)"
    ]
    assert "1 error" in result.output
    assert "Nothing was written." in result.output
    assert not out.exists()


def test_two_ties_are_two_errors_and_the_workbook_names_its_column(
    state_data: dict[str, Any], write_round, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    source = write_round(second_tie(open_tie(state_data)))
    workbook = tmp_path / "round.xlsx"
    assert run("export", str(source), str(workbook)).exit_code == 0
    result = run("dossier", str(workbook), "--out", str(tmp_path / "never"))
    assert result.exit_code == 1, result.output
    errors = errors_of(result)
    assert len(errors) == 2, result.output
    first, second = errors
    # Name order: Hoa before Ly (the given names decide).
    assert "“Trưởng phòng”: Cầm Thị Hoa and Bạc Thị Ly have 4 votes each at step 4" in first
    assert "“Phó Trưởng phòng”: Phạm Văn Ân and Trần Thị Mai have 3 votes each" in second
    for error in errors:
        assert "sheet “Kết quả”, column F (Người đứng đầu chọn), rows " in error
        assert error.split(": error: ")[0].endswith("column F (Người đứng đầu chọn)")
    assert not (tmp_path / "never").exists()


def test_the_dossier_waits_when_the_head_marked_too_many(
    state_data: dict[str, Any], write_round, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    for result in state_data["results"]:
        if result["step"] == 4 and result["person"] == "Phạm Văn Ân":
            result["head_choice"] = "x"  # both tied people marked for one place
    result = run("dossier", str(write_round(state_data)), "--out", str(tmp_path / "never"))
    assert result.exit_code == 1, result.output
    (error,) = errors_of(result)
    assert "expected “x” for 1 of them in" in error and "found 2 marked" in error


def test_a_settled_tie_writes_the_dossier(tmp_path: Path) -> None:
    result = run("dossier", str(STATE_EXAMPLE), "--out", str(tmp_path / "d"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "d" / "01-to-trinh.docx").exists()


def test_an_open_tie_is_one_warning_for_the_other_papers(
    state_data: dict[str, Any], write_round
) -> None:  # type: ignore[no-untyped-def]
    validated, _, decision = validated_round(write_round(open_tie(state_data)))
    assert validated.report.ok
    ties = [p for p in validated.report.problems if p.location.column == "head_choice"]
    assert len(ties) == 1  # one for the tie, not one per tied row
    assert ties[0].severity == Severity.WARNING
    assert ties[0].location.row == TIE_ROWS[0]
    assert ties[0].message.startswith(
        "waiting for the head's choice in a tie for “Phó Trưởng phòng”: Phạm Văn Ân and "
        "Trần Thị Mai have 3 votes each"
    )
    assert decision.complete


def test_ballots_and_plan_are_written_while_the_tie_is_open(
    state_data: dict[str, Any], write_round, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = write_round(open_tie(state_data))
    for step in ("1", "4"):
        result = run("ballots", str(path), "--step", step, "--out", str(tmp_path / "b"))
        assert result.exit_code == 0, result.output
    result = run("plan", str(path), "--out", str(tmp_path / "b"))
    assert result.exit_code == 0, result.output


# --- status ------------------------------------------------------------------------------------


def test_status_shows_the_round_waiting_for_the_head_and_exits_zero(
    state_data: dict[str, Any], write_round
) -> None:  # type: ignore[no-untyped-def]
    result = run("status", str(write_round(open_tie(state_data))))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "the round is counted and waits for the head's choice" in lines[5]
    assert lines[6] == (
        "  waiting for the head's choice: Phó Trưởng phòng: Phạm Văn Ân and Trần Thị Mai have 3 "
        "votes each at step 4 for the last place; mark “x” for 1 of them in sheet “results”, "
        f"column head_choice, rows {TIE_ROWS[0]} and {TIE_ROWS[1]}"
    )
    assert lines[-1] == (
        "  Phó Trưởng phòng (quota 2): kept Sùng A Páo; proposed Quàng Văn Hùng so far; tied for "
        "the last place: Phạm Văn Ân, Trần Thị Mai"
    )
    assert "complete" not in result.output
    assert "Nothing was written" not in result.output
    assert "error" not in result.output


def test_status_on_input_errors_exits_one_without_claiming_a_write(
    state_data: dict[str, Any], write_round
) -> None:  # type: ignore[no-untyped-def]
    state_data["conferences"][1]["present"] = 40
    result = run("status", str(write_round(state_data)))
    assert result.exit_code == 1
    assert errors_of(result)
    assert "Nothing was written" not in result.output


def test_status_of_a_round_in_progress_exits_zero_with_the_next_step(
    state_data: dict[str, Any], write_round
) -> None:  # type: ignore[no-untyped-def]
    result = run("status", str(write_round(up_to_step(state_data, 2))))
    assert result.exit_code == 0, result.output
    assert "next: step 3, Hội nghị tập thể lãnh đạo mở rộng" in result.output.splitlines()


def test_status_after_the_preparation_steps_names_the_first_vote(
    party_data: dict[str, Any], write_round
) -> None:  # type: ignore[no-untyped-def]
    data = up_to_step(party_data, 2)  # both preparation steps held (dated), no vote yet
    result = run("status", str(write_round(data)))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "  step 2: Hội nghị Ban Thường vụ Đảng ủy (lần 1): done" in lines
    assert "next: step 3, Hội nghị cán bộ chủ chốt phường" in lines
    assert "next: step 1" not in result.output


def test_status_before_anything_is_held_names_step_one(
    party_data: dict[str, Any], write_round
) -> None:  # type: ignore[no-untyped-def]
    data = up_to_step(party_data, 0)
    result = run("status", str(write_round(data)))
    assert result.exit_code == 0, result.output
    assert "next: step 1, Xây dựng kế hoạch, rà soát nguồn cán bộ" in result.output


# --- name order --------------------------------------------------------------------------------


def _names_on(path: Path) -> list[str]:
    text = docx_text(path).split("Phiếu không phải ký tên")[0]
    rows = [line.split(" | ") for line in text.splitlines() if " | " in line]
    return [cells[1] for cells in rows if cells[0].isdigit() and cells[1]]


def _planned_people(state_data: dict[str, Any]) -> dict[str, Any]:
    """The State example, one step in: four people planned for Trưởng phòng whose names test
    the order (given name first, compared whole; tones inside the word; the same name older
    first)."""
    data = up_to_step(state_data, 0)
    template = next(c for c in data["cadres"] if c["code"] == "VP01")
    people = [
        ("T1", "Hà Thị Ánh", "12/03/1980", "Phó Trưởng phòng Tổng hợp"),
        ("T2", "Lê Văn Anh", "12/03/1981", "Phó Trưởng phòng Tổng hợp"),
        ("T3", "Nguyễn Văn Ánh", "01/01/1985", "Phó Trưởng phòng Nội chính"),
        ("T4", "Nguyễn Văn Ánh", "01/01/1979", "Phó Trưởng phòng Kinh tế"),
    ]
    for code, name, born, position in people:
        data["cadres"].append(
            {
                **template,
                "code": code,
                "full_name": name,
                "birth_date": born,
                "position": position,
            }
        )
    for cadre in data["cadres"]:
        if cadre["code"] in {"VP01", "VP04"}:
            cadre.pop("planned_titles", None)
            cadre.pop("planning_decision", None)
    return data


def test_the_removal_ballot_lists_people_given_name_first_tones_inside_the_word(
    state_data: dict[str, Any], write_round, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    data = _planned_people(state_data)
    path = write_round(data)
    out = tmp_path / "b"
    result = run("ballots", str(path), "--step", "1", "--out", str(out), "--copies", "1")
    assert result.exit_code == 0, result.output
    assert _names_on(out / "phieu-buoc-1-truong-phong.docx") == [
        "Lê Văn Anh",  # Anh < Ánh decides: the family names are never reached
        "Hà Thị Ánh",
        "Nguyễn Văn Ánh",  # the same name: the older first (see below)
        "Nguyễn Văn Ánh",
    ]
    rows = docx_text(out / "phieu-buoc-1-truong-phong.docx").splitlines()
    third = next(line for line in rows if line.startswith("3 | "))
    fourth = next(line for line in rows if line.startswith("4 | "))
    assert "Phó Trưởng phòng Kinh tế" in third  # born 01/01/1979
    assert "Phó Trưởng phòng Nội chính" in fourth  # born 01/01/1985


def test_status_lists_people_in_name_order(state_data: dict[str, Any], write_round) -> None:  # type: ignore[no-untyped-def]
    data = _planned_people(state_data)
    result = run("status", str(write_round(data)))
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("  Trưởng phòng"))
    assert "kept Lê Văn Anh, Hà Thị Ánh, Nguyễn Văn Ánh, Nguyễn Văn Ánh;" in line


def test_status_tells_removed_by_vote_from_leaving_on_a_ground(
    state_data: dict[str, Any], write_round
) -> None:  # type: ignore[no-untyped-def]
    for cadre in state_data["cadres"]:
        if cadre["full_name"] == "Lò Văn Thành":
            cadre["birth_date"] = "12/03/1966"  # kept from earlier planning, now past the age
    result = run("status", str(write_round(state_data)))
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("  Trưởng phòng"))
    assert line == (
        "  Trưởng phòng (quota 1): removed Đỗ Minh Đức; leaves on a ground: Lò Văn Thành (quá "
        "tuổi quy hoạch: còn 68 tháng, cần 72 tháng); proposed Cầm Thị Hoa"
    )
