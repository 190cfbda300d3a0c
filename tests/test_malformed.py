"""Malformed input (issue 9, points 3 and 6): every case is one located, plain problem.

Each test builds one malformed round (YAML, JSON or a workbook), runs ``docgen validate`` (and
``docgen dossier`` where it matters) through click's CliRunner, and checks the exit code 1, the
located message, and that no traceback or raw pydantic text reaches the user. The problems
between sheets are reported together with the cells that failed to parse, without the problems
that only follow from those cells.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

import docgen.load
from docgen.cli import main
from docgen.validate import validate_path

from .conftest import PARTY_EXAMPLE, STATE_EXAMPLE

Write = Callable[..., Path]

# Raw pydantic or Python text that must never reach a clerk.
RAW = (
    "Input should",
    "String should",
    "mapping",
    "Error(",
    "Value error",
    "Traceback",
    "internal error",
    "<unicode string>",
    "Extra inputs",
)


def _invoke(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def _refused(path: Path) -> str:
    """Run ``docgen validate``: exit 1 (input errors), no exception, no raw text; the output."""
    result = _invoke("validate", path)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for raw in RAW:
        assert raw not in result.output, result.output
    return result.output


def _dossier_refused(path: Path, tmp_path: Path) -> str:
    """Run ``docgen dossier``: exit 1, nothing written, no raw text; the output."""
    out = tmp_path / "dossier"
    result = _invoke("dossier", path, "--out", out)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not out.exists() or not any(out.iterdir())
    for raw in RAW:
        assert raw not in result.output, result.output
    return result.output


def _lines(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines()]


def _has(output: str, *parts: str) -> bool:
    """Whether one line of ``output`` holds every part, in order."""
    for line in _lines(output):
        position = 0
        for part in parts:
            position = line.find(part, position)
            if position < 0:
                break
            position += len(part)
        else:
            return True
    return False


def _workbook(tmp_path: Path, example: Path, edit: Callable[[Any], None]) -> Path:
    """A copy of ``example``'s workbook changed by ``edit`` (an openpyxl Workbook)."""
    workbook = openpyxl.load_workbook(example.with_suffix(".xlsx"))
    edit(workbook)
    target = tmp_path / "round.xlsx"
    workbook.save(target)
    return target


def _set(workbook: Any, sheet: str, header: str, row: int, value: Any) -> None:
    """Set the cell under ``header`` (row 1) at Excel ``row``; on "Thông tin chung", the value
    (column B) of the row whose label (column A) is ``header``."""
    sheet_ = workbook[sheet]
    if sheet == "Thông tin chung":
        for cells in sheet_.iter_rows():
            if cells[0].value == header:
                cells[1].value = value
                return
        raise KeyError(header)
    column = next(c.column for c in sheet_[1] if c.value == header)
    sheet_.cell(row=row, column=column).value = value


# --- YAML and JSON files ----------------------------------------------------------------------


def _alias_bomb() -> str:
    """A "billion laughs": 9 levels of 9 aliases each (387 million strings once expanded)."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
        previous = name
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_is_refused_before_it_is_expanded(tmp_path: Path) -> None:
    path = tmp_path / "round.yaml"
    path.write_text(_alias_bomb() * 1, encoding="utf-8")
    output = _refused(path)
    assert _has(
        output,
        f"{path}: error: YAML aliases repeat too many values",
        "expected aliases (*name) repeating at most 100,000 values",
        "found more by line",
    ), output


def test_a_few_yaml_aliases_are_still_read(state_data: dict, tmp_path: Path) -> None:
    shared = ["Phó Trưởng phòng"]
    state_data["cadres"][0]["planned_titles"] = shared
    state_data["cadres"][11]["planned_titles"] = shared  # safe_dump writes &id001 / *id001
    import yaml

    path = tmp_path / "round.yaml"
    path.write_text(yaml.safe_dump(state_data, allow_unicode=True), encoding="utf-8")
    assert "*id001" in path.read_text(encoding="utf-8")
    loaded = docgen.load.load_round(path)
    assert loaded.model is not None
    assert loaded.model.cadres[0].planned_titles == ["Phó Trưởng phòng"]


def test_a_yaml_alias_inside_its_own_anchor_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "round.yaml"
    path.write_text("info: &loop {place: [*loop]}\n", encoding="utf-8")
    output = _refused(path)
    assert _has(output, "error: a YAML alias refers to the item it is part of", "*loop at line 1")


def test_json_nested_5000_deep_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "round.json"
    path.write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    output = _refused(path)
    assert _has(
        output,
        f"{path}: error: the file is nested too deep",
        "expected at most 32 levels of lists inside lists or fields, found more at line 1",
    ), output


@pytest.mark.parametrize(
    "text",
    [
        "info: " + "[" * 5000 + "]" * 5000 + "\n",
        "cadres:\n" + "".join("  " * i + "-\n" for i in range(1, 200)) + "  " * 200 + "x\n",
    ],
    ids=["flow", "block"],
)
def test_deeply_nested_yaml_is_one_problem(tmp_path: Path, text: str) -> None:
    path = tmp_path / "round.yaml"
    path.write_text(text, encoding="utf-8")
    output = _refused(path)
    assert _has(output, "error: the file is nested too deep", "at most 32 levels"), output


def test_a_file_above_the_size_limit_is_refused(
    state_data: dict, write_round: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_round(state_data)
    size = path.stat().st_size
    monkeypatch.setattr(docgen.load, "MAX_DATA_BYTES", 10 * 1024)
    output = _refused(path)
    assert _has(
        output,
        f"{path}: error: the file is too large; expected at most 10 KB, found {size / 1024:,.0f} KB",
    ), output


def test_the_default_size_limit_is_20_mb() -> None:
    assert docgen.load.MAX_DATA_BYTES == 20 * 1024 * 1024


def test_a_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    path = tmp_path / "round.yaml"
    path.write_bytes("info:\n  place: Sơn La\n".encode("cp1258"))
    output = _refused(path)
    assert _has(
        output,
        f"{path}: error: the file is not UTF-8 text",
        "found a byte that is not UTF-8 on line 2",
        "save it with the encoding UTF-8",
    ), output


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("- info\n- cadres\n", "found a list of 2 items"),
        ("just text\n", "found “just text”"),
        ("42\n", "found “42”"),
    ],
)
def test_a_top_level_that_is_not_a_mapping_is_named(tmp_path: Path, text: str, found: str) -> None:
    path = tmp_path / "round.yaml"
    path.write_text(text, encoding="utf-8")
    output = _refused(path)
    assert _has(
        output,
        f"{path}: error: the file does not hold a round",
        "expected named parts: info,",
        found,
    ), output


def test_an_empty_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "round.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    assert _has(_refused(path), f"{path}: error: the file is empty")


def test_unknown_parts_and_parts_that_are_not_lists(state_data: dict, write_round: Write) -> None:
    state_data["candidates"] = []
    state_data["cadres"] = {"full_name": "Lò Văn Thành"}
    output = _refused(write_round(state_data))
    assert _has(output, "sheet “candidates”: error: unknown part of a round", "found “candidates”")
    assert _has(
        output,
        "sheet “cadres”: error: invalid value; expected a list of rows",
        "found a group of named fields",
    )


def test_a_key_given_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "round.yaml"
    text = STATE_EXAMPLE.read_text(encoding="utf-8").replace(
        "  place: Sơn La\n", "  place: Sơn La\n  place: Hà Nội\n", 1
    )
    path.write_text(text, encoding="utf-8")
    output = _refused(path)
    assert _has(
        output, f"{path}: error: a field is given twice, found “place” at line 9 (keep one of them)"
    ), output
    json_path = tmp_path / "round.json"
    json_path.write_text('{"info": {"place": "a", "place": "b"}}', encoding="utf-8")
    assert _has(_refused(json_path), "error: a field is given twice, found “place”")


def test_syntax_errors_give_the_line(tmp_path: Path) -> None:
    path = tmp_path / "round.yaml"
    path.write_text("info:\n  place: [Sơn La\n", encoding="utf-8")
    assert _has(
        _refused(path),
        f"{path}: error: not valid YAML, found line 3, column 1: a list “[” that is not closed",
    )
    json_path = tmp_path / "round.json"
    json_path.write_text('{"info": {"place": "Sơn La",}}', encoding="utf-8")
    assert _has(
        _refused(json_path), f"{json_path}: error: not valid JSON", "found line 1, column 29:"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            {"year": [1]},
            "column birth_date: error: not a date; expected a date as dd/mm/yyyy, mm/yyyy or "
            "yyyy, or year, month and day as whole numbers, found year a list of 1 item, not a "
            "whole number",
        ),
        (
            {"year": 1980, "month": 13, "day": 40},
            "column birth_date: error: not a date; expected a real date (dd/mm/yyyy, mm/yyyy or "
            "yyyy), found year 1980, month 13, day 40",
        ),
        (
            {"year": 1980, "day": 3},
            "column birth_date: error: not a date; expected a date as dd/mm/yyyy, mm/yyyy or "
            "yyyy, or year, month and day as whole numbers, found a day without a month",
        ),
        (
            {"month": 13, "day": 40},
            "column birth_date: error: not a date; expected a date as dd/mm/yyyy, mm/yyyy or "
            "yyyy, or year, month and day as whole numbers, found no year",
        ),
        (
            "01/01/9999",
            "column birth_date: error: impossible date; expected a date between 1900 and 2100, "
            "found “01/01/9999”",
        ),
        (
            "31/02/1980",
            "column birth_date: error: not a date; expected a real date (dd/mm/yyyy, mm/yyyy or "
            "yyyy), found “31/02/1980”",
        ),
    ],
    ids=[
        "year-list",
        "month-13-day-40",
        "day-without-month",
        "no-year",
        "year-9999",
        "31-february",
    ],
)
def test_bad_dates_in_yaml_are_not_a_date(
    state_data: dict, write_round: Write, value: Any, message: str
) -> None:
    state_data["cadres"][0]["birth_date"] = value
    output = _refused(write_round(state_data))
    assert _has(output, "sheet “cadres”, row 1, " + message), output


def test_an_unquoted_yaml_date_that_names_no_day_is_located(tmp_path: Path) -> None:
    text = STATE_EXAMPLE.read_text(encoding="utf-8").replace(
        "reference_date: 01/04/2022", "reference_date: 2022-13-45", 1
    )
    path = tmp_path / "round.yaml"
    path.write_text(text, encoding="utf-8")
    output = _refused(path)
    assert _has(
        output,
        "sheet “info”, column reference_date: error: not a date; expected a real date",
        "found “2022-13-45”",
    ), output


def test_a_reversed_term_is_impossible(state_data: dict, write_round: Write) -> None:
    state_data["info"]["term"] = "2026-2021"
    output = _refused(write_round(state_data))
    assert _has(
        output,
        "sheet “info”, column term: error: the term ends before it starts; expected a term as "
        "yyyy-yyyy, the first year before the second, found “2026-2021”",
    ), output


def test_text_in_a_threshold_of_a_yaml_round(party_data: dict, write_round: Write) -> None:
    party_data["procedure_steps"][3]["threshold"] = "năm mươi"
    output = _refused(write_round(party_data))
    assert _has(
        output,
        "sheet “procedure_steps”, row 4, column threshold: error: invalid value; expected a "
        "percentage such as 50 or 33.33, found “năm mươi”",
    ), output
    # The step left out is not reported again through the rows that name it.
    assert "is not in the procedure" not in output
    assert "has no steps" not in output


# --- Workbook values --------------------------------------------------------------------------


def test_text_in_ngưỡng_is_a_located_problem(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path, PARTY_EXAMPLE, lambda wb: _set(wb, "Quy trình", "Ngưỡng (%)", 5, "năm mươi")
    )
    output = _refused(path)
    assert _has(
        output,
        "sheet “Quy trình”, row 5, column F (Ngưỡng (%)): error: invalid value; expected a "
        "percentage such as 50 or 33.33, found “năm mươi”",
    ), output
    assert "is not in the procedure" not in output
    _dossier_refused(path, tmp_path)


def test_a_reversed_term_in_the_workbook(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path, STATE_EXAMPLE, lambda wb: _set(wb, "Thông tin chung", "Nhiệm kỳ", 0, "2026-2021")
    )
    output = _refused(path)
    assert _has(
        output,
        "sheet “Thông tin chung”, row 8, column B (Nhiệm kỳ): error: the term ends before it starts",
        "found “2026-2021”",
    ), output
    _dossier_refused(path, tmp_path)


def test_a_birth_after_the_reference_date(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path, STATE_EXAMPLE, lambda wb: _set(wb, "Cán bộ", "Ngày sinh", 2, "12/03/2030")
    )
    output = _refused(path)
    assert _has(
        output,
        "sheet “Cán bộ”, row 2, column C (Ngày sinh): error: born after the reference date; "
        "expected a birth date before 01/04/2022 (Ngày tính tuổi), found 12/03/2030",
    ), output
    # Nothing that only follows from the impossible birth date (age, eligibility, Party date).
    assert "Lò Văn Thành is not eligible" not in output
    assert "joined the Party before being born" not in output
    _dossier_refused(path, tmp_path)


def test_a_submission_dated_9999(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path,
        STATE_EXAMPLE,
        lambda wb: _set(wb, "Thông tin chung", "Ngày tờ trình", 0, datetime(9999, 4, 15)),
    )
    output = _refused(path)
    assert _has(
        output,
        "sheet “Thông tin chung”, row 13, column B (Ngày tờ trình): error: impossible date; "
        "expected a date between 1900 and 2100, found “15/04/9999”",
    ), output
    _dossier_refused(path, tmp_path)


def test_an_excel_date_in_9999_in_a_conference(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path, STATE_EXAMPLE, lambda wb: _set(wb, "Hội nghị", "Ngày", 3, datetime(9999, 4, 7))
    )
    output = _refused(path)
    assert _has(
        output,
        "sheet “Hội nghị”, row 3, column C (Ngày): error: impossible date; expected a date "
        "between 1900 and 2100, found “07/04/9999”",
    ), output
    # Step 2's conference row is left out: its votes are not "without a conference".
    assert "has no row for it" not in output


def test_a_round_date_far_from_the_reference_date(state_data: dict, write_round: Write) -> None:
    state_data["conferences"][1]["date"] = "07/04/2042"
    output = _refused(write_round(state_data))
    assert _has(
        output,
        "sheet “conferences”, row 2, column date: error: impossible date for this round; "
        "expected a date within 10 years of the reference date 01/04/2022 (Ngày tính tuổi), "
        "found 07/04/2042",
    ), output


def test_an_empty_kết_quả_never_gives_a_dossier_proposing_nobody(
    state_data: dict, write_round: Write, tmp_path: Path
) -> None:
    state_data["results"] = []
    path = write_round(state_data)
    validated = validate_path(path)
    assert validated.report.ok  # a round in progress is valid…
    assert validated.decision is not None and not validated.decision.complete
    warnings = [str(w) for w in validated.report.warnings]
    assert any(
        "sheet “conferences”, row 2, column step: warning: step 2 has its counts here but no "
        "rows in “Kết quả”" in w
        for w in warnings
    ), warnings
    output = _dossier_refused(path, tmp_path)  # …but never a dossier
    assert "error: the round is not complete" in output


def test_a_title_without_rows_at_the_first_nomination_step_is_not_complete(
    state_data: dict, write_round: Write
) -> None:
    state_data["results"] = [r for r in state_data["results"] if r["title"] != "Trưởng phòng"]
    validated = validate_path(write_round(state_data))
    assert validated.decision is not None
    by_name = {t.title.name: t for t in validated.decision.titles}
    assert not by_name["Trưởng phòng"].complete
    assert by_name["Phó Trưởng phòng"].complete
    assert not validated.decision.complete


def test_thirteen_titles_validate_and_decide(state_data: dict, write_round: Write) -> None:
    people = [c["full_name"] for c in state_data["cadres"]]
    for number in range(3, 16):
        title = f"Chức danh {number}"
        state_data["titles"].append({"name": title, "quota": 1, "source_1": ["Chuyên viên"]})
        person = people[number - 3]
        for step, votes in ((2, 20), (3, 10), (4, 5)):
            state_data["results"].append(
                {"step": step, "title": title, "person": person, "votes_for": votes}
            )
    result = _invoke("validate", write_round(state_data))
    assert result.exit_code == 0, result.output
    assert "complete" in result.output
    assert _has(result.output, "Chức danh 15: proposed ")


# --- Messages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "field", "value", "expected"),
    [
        (
            "cadres",
            "full_name",
            {"a": 1},
            "error: invalid value; expected text, found a group of named fields",
        ),
        ("cadres", "planned_titles", {"a": 1}, "found a group of named fields"),
        ("cadres", "gender", ["Nam"], "expected one of Nam / Nữ, found a list of 1 item"),
        (
            "cadres",
            "ratings",
            {"năm": "HTTNV"},
            "column ratings.năm: error: invalid value; expected a year, found “năm”",
        ),
        (
            "cadres",
            "ratings",
            {2020: ["x"]},
            "column ratings.2020: error: invalid value; expected text, found a list of 1 item",
        ),
        ("cadres", "hobby", "chess", "column hobby: error: unknown field, found “hobby”"),
        (
            "conferences",
            "convened",
            "năm",
            "column convened: error: invalid value; expected a whole number, found “năm”",
        ),
        (
            "conferences",
            "convened",
            10**30,
            "error: number too large; expected a whole number up to 999,999,999, found “1000000",
        ),
        (
            "conferences",
            "convened",
            2_000_000_000,
            "error: number too large; expected a whole number up to 999,999,999",
        ),
        (
            "conferences",
            "start",
            {"h": 8},
            "column start: error: invalid value; expected a time as hh:mm, found a group of named fields",
        ),
        (
            "titles",
            "quota",
            None,
            "column quota: error: required value is missing; expected a whole number",
        ),
        (
            "results",
            "head_choice",
            "maybe",
            "column head_choice: error: invalid value; expected “x” or blank, found “maybe”",
        ),
    ],
)
def test_messages_are_plain_phrases(
    state_data: dict, write_round: Write, part: str, field: str, value: Any, expected: str
) -> None:
    state_data[part][0][field] = value
    output = _refused(write_round(state_data))
    assert _has(output, f"sheet “{part}”, row 1, ", expected), output


def test_a_huge_value_is_cut_in_messages(state_data: dict, write_round: Write) -> None:
    state_data["conferences"][0]["convened"] = "9x" * 500_000
    output = _refused(write_round(state_data))
    line = next(line for line in _lines(output) if "column convened" in line)
    assert line.endswith("found “" + "9x" * 40 + "…” (1,000,000 characters)"), line
    assert len(output) < 5_000


def test_a_huge_cell_is_cut_in_messages(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path, STATE_EXAMPLE, lambda wb: _set(wb, "Hội nghị", "Triệu tập", 2, "x" * 32_000)
    )
    output = _refused(path)
    assert _has(output, "column K (Triệu tập): error: invalid value", "…” (32,000 characters)")
    assert len(output) < 5_000


def test_a_huge_name_is_cut_in_problems_between_sheets(
    state_data: dict, write_round: Write
) -> None:
    state_data["results"][0]["person"] = "Lò Văn " + "Thành" * 20_000
    output = _refused(write_round(state_data))
    assert _has(
        output,
        "sheet “results”, row 1, column person: error: unknown cadre",
        "(100,007 characters)",
    )
    assert len(output) < 5_000


# --- Every problem at once --------------------------------------------------------------------


def test_a_bad_cell_does_not_hide_problems_between_sheets(tmp_path: Path) -> None:
    def edit(workbook: Any) -> None:
        _set(workbook, "Cán bộ", "Ngày sinh", 3, "năm 1985")  # Cầm Thị Hoa's row fails
        _set(workbook, "Hội nghị", "Có mặt", 3, 33)  # step 2: more present than convened
        _set(workbook, "Kết quả", "Chức danh", 2, "Trưởng phòngg")  # an unknown title

    path = _workbook(tmp_path, STATE_EXAMPLE, edit)
    output = _refused(path)
    assert _has(output, "sheet “Cán bộ”, row 3, column C (Ngày sinh): error: not a date")
    assert _has(
        output,
        "sheet “Hội nghị”, row 3, column L (Có mặt): error: more people present than people convened",
    )
    assert _has(
        output,
        "sheet “Kết quả”, row 2, column B (Chức danh): error: unknown title",
        "found “Trưởng phòngg”",
    )
    # Cầm Thị Hoa's votes name a person whose row failed: not also an "unknown cadre".
    assert "Cầm Thị Hoa" not in output
    assert "unknown cadre" not in output
    _dossier_refused(path, tmp_path)


def test_rows_after_a_failed_row_keep_their_own_row_numbers(
    state_data: dict, write_round: Write
) -> None:
    state_data["cadres"][0]["gender"] = "?"
    state_data["cadres"][4]["code"] = "VP02"  # row 5 repeats row 2's code
    output = _refused(write_round(state_data))
    assert _has(output, "sheet “cadres”, row 1, column gender: error: invalid value")
    assert _has(output, "sheet “cadres”, row 2, column code: error: Mã cán bộ VP02 is used twice")
    assert _has(output, "sheet “cadres”, row 5, column code: error: Mã cán bộ VP02 is used twice")


def test_a_failed_title_row_is_not_an_unknown_title(state_data: dict, write_round: Write) -> None:
    state_data["titles"][0]["quota"] = "một"
    output = _refused(write_round(state_data))
    assert _has(output, "sheet “titles”, row 1, column quota: error: invalid value")
    assert "unknown title" not in output


def test_a_failed_conference_row_is_not_a_missing_conference(
    state_data: dict, write_round: Write
) -> None:
    state_data["conferences"][1]["convened"] = "ba mươi hai"
    state_data["conferences"][2]["present"] = 16  # step 3: a problem of its own
    output = _refused(write_round(state_data))
    assert _has(output, "sheet “conferences”, row 2, column convened: error: invalid value")
    assert _has(
        output,
        "sheet “conferences”, row 3, column present: error: more people present than people convened",
    )
    assert "has no row for it" not in output
    assert "tie at the last place" not in output


def test_a_failed_info_field_does_not_hide_the_rows(state_data: dict, write_round: Write) -> None:
    state_data["info"]["round_kind"] = "Bổ sung"
    state_data["info"]["signer_name"] = None
    state_data["conferences"][0]["present"] = 6
    output = _refused(write_round(state_data))
    assert _has(
        output,
        "sheet “info”, column round_kind: error: invalid value; expected one of Rà soát, bổ sung / Xây dựng nhiệm kỳ kế tiếp, found “Bổ sung”",
    )
    assert _has(output, "sheet “info”, column signer_name: error: required value is missing")
    assert _has(
        output,
        "sheet “conferences”, row 1, column present: error: more people present than people convened",
    )
    assert "unknown procedure" not in output


def test_a_missing_info_is_named_and_rows_are_still_checked(
    state_data: dict, write_round: Write
) -> None:
    del state_data["info"]
    state_data["conferences"][0]["present"] = 6
    output = _refused(write_round(state_data))
    assert _has(output, "sheet “info”: error: required part is missing")
    assert _has(output, "sheet “conferences”, row 1, column present: error: more people present")


def test_json_rounds_are_checked_the_same_way(state_data: dict, tmp_path: Path) -> None:
    data = copy.deepcopy(state_data)
    data["cadres"][1]["birth_date"] = {"year": 1985, "month": 13}
    data["conferences"][0]["present"] = 6
    path = tmp_path / "round.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    output = _refused(path)
    assert _has(
        output,
        "sheet “cadres”, row 2, column birth_date: error: not a date",
        "found year 1985, month 13",
    )
    assert _has(output, "sheet “conferences”, row 1, column present: error: more people present")
    assert "unknown cadre" not in output


def test_an_impossible_threshold_adds_no_decisions_on_it(
    party_data: dict, write_round: Write
) -> None:
    party_data["procedure_steps"][3]["threshold"] = 150  # nobody could pass step 4
    validated = validate_path(write_round(party_data))
    errors = [str(p) for p in validated.report.errors]
    assert len(errors) == 1, errors
    assert errors[0].endswith(
        "sheet “procedure_steps”, row 4, column threshold: error: threshold out of range; "
        "expected 0 to 100, found 150"
    )


def test_failed_vote_rows_are_not_a_step_without_rows(party_data: dict, write_round: Write) -> None:
    for result in party_data["results"]:
        if result["step"] == 4:
            result["votes_for"] = "nhiều"
    report = validate_path(write_round(party_data)).report
    rendered = report.render()
    assert (
        "column votes_for: error: invalid value; expected a whole number, found “nhiều”" in rendered
    )
    assert "no rows in “Kết quả”" not in rendered
    assert "did not pass step 4" not in rendered


@pytest.mark.parametrize("sheet", ["Cán bộ", "Chức danh", "Hội nghị"])
def test_a_missing_sheet_is_one_problem_not_one_per_reference(tmp_path: Path, sheet: str) -> None:
    def edit(workbook: Any) -> None:
        del workbook[sheet]

    output = _refused(_workbook(tmp_path, STATE_EXAMPLE, edit))
    assert output.startswith("1 error"), output
    assert _has(output, f"sheet “{sheet}”: error: sheet is missing")


def _edited_state_workbook(tmp_path: Path, cells: dict[str, Any]) -> Path:

    book = openpyxl.load_workbook(STATE_EXAMPLE.with_suffix(".xlsx"))
    for ref, value in cells.items():
        book["Kết quả"][ref].value = value
    path = tmp_path / "round.xlsx"
    book.save(path)
    return path


def test_a_typo_in_a_results_title_gives_one_error_not_its_consequences(tmp_path: Path) -> None:
    path = _edited_state_workbook(tmp_path, {"B10": "Chánh Văn phòng"})
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert len(errors) == 1, result.output
    assert "row 10, column B (Chức danh): error: unknown title" in errors[0]
    assert "did not pass" not in result.output and "no tie" not in result.output


def test_a_formula_without_a_saved_value_gives_one_error_at_its_cell(tmp_path: Path) -> None:
    path = _edited_state_workbook(tmp_path, {"D5": "=1+1"})
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    at_cell = [line for line in result.output.splitlines() if "row 5, column D" in line]
    assert len(at_cell) == 1 and "formula with no saved value" in at_cell[0], result.output
