"""Loading: the workbook contract (inputs.md), YAML/JSON, and the empty workbook of `docgen init`."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from openpyxl import load_workbook

from docgen.contract import SHEETS
from docgen.load import load_round
from docgen.values import PartialDate, parse_partial_date
from docgen.workbook import write_workbook

from .conftest import INPUTS, PARTY_EXAMPLE, STATE_EXAMPLE


@pytest.mark.parametrize("example", [STATE_EXAMPLE, PARTY_EXAMPLE])
def test_example_workbooks_hold_the_same_round_as_their_yaml(example: Path) -> None:
    from_yaml = load_round(example).model
    from_xlsx = load_round(example.with_suffix(".xlsx")).model
    assert from_yaml is not None and from_xlsx is not None
    assert from_xlsx == from_yaml


def test_export_then_load_round_trips(tmp_path: Path) -> None:
    model = load_round(STATE_EXAMPLE).model
    path = tmp_path / "round.xlsx"
    write_workbook(path, model)
    assert load_round(path).model == model


def test_empty_workbook_has_every_sheet_header_and_dropdown(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    write_workbook(path)
    workbook = load_workbook(path)
    for sheet in SHEETS[1:]:
        headers = [cell.value for cell in workbook[sheet.name][1]]
        assert headers == [c.header for c in sheet.columns]
    info = [row[0] for row in workbook["Thông tin chung"].iter_rows(values_only=True)]
    assert info[1:] == [c.header for c in SHEETS[0].columns]
    validations = workbook["Cán bộ"].data_validations.dataValidation
    assert any("D2" in str(v.sqref) for v in validations)  # Giới tính
    lists = workbook["Danh mục"]
    assert lists.sheet_state == "hidden"
    values = {cell.value for column in lists.iter_cols() for cell in column}
    assert {"Đảng", "Nhà nước", "Rà soát, bổ sung", "Nam", "Nữ", "có mặt", ">="} <= values
    assert workbook["Hội nghị"]["C2"].number_format == "dd/mm/yyyy"
    assert workbook["Cán bộ"]["C2"].number_format == "@"  # partial dates stay as typed


def _rewrite_headers(source: Path, target: Path, sheet: str, change: dict[str, str]) -> None:
    workbook = load_workbook(source)
    for cell in workbook[sheet][1]:
        if cell.value in change:
            cell.value = change[cell.value]
    workbook.save(target)


def test_headers_match_ignoring_case_spaces_and_unicode_form(tmp_path: Path) -> None:
    target = tmp_path / "round.xlsx"
    _rewrite_headers(
        STATE_EXAMPLE.with_suffix(".xlsx"),
        target,
        "Cán bộ",
        {"Họ và tên": "  HỌ VÀ TÊN ", "Ngày sinh": unicodedata.normalize("NFD", "ngày sinh")},
    )
    loaded = load_round(target)
    assert loaded.report.ok, loaded.report.render()
    assert loaded.model == load_round(STATE_EXAMPLE).model


def test_a_missing_column_names_the_sheet_and_the_near_miss(tmp_path: Path) -> None:
    target = tmp_path / "round.xlsx"
    _rewrite_headers(
        STATE_EXAMPLE.with_suffix(".xlsx"), target, "Cán bộ", {"Ngày sinh": "Ngày sinhh"}
    )
    errors = [str(p) for p in load_round(target).report.errors]
    assert any(
        "sheet “Cán bộ”, row 1: error: required column is missing; expected a header “Ngày sinh”, found “Ngày sinhh” (rename “Ngày sinhh” to “Ngày sinh”)"
        in e
        for e in errors
    ), errors


def test_extra_columns_are_reported_once_as_ignored(tmp_path: Path) -> None:
    target = tmp_path / "round.xlsx"
    _rewrite_headers(STATE_EXAMPLE.with_suffix(".xlsx"), target, "Cán bộ", {"Tin học": "Sở thích"})
    report = load_round(target).report
    assert report.ok
    warnings = [str(w) for w in report.warnings]
    assert len([w for w in warnings if "columns ignored" in w]) == 1
    assert any("columns ignored: N “Sở thích”" in w for w in warnings), warnings


def test_bad_cells_are_all_reported_with_row_and_column(tmp_path: Path) -> None:
    target = tmp_path / "round.xlsx"
    workbook = load_workbook(STATE_EXAMPLE.with_suffix(".xlsx"))
    workbook["Cán bộ"]["C2"] = "31/02/1980"
    workbook["Cán bộ"]["D3"] = "Nan"
    workbook["Hội nghị"]["K2"] = "năm"
    workbook.save(target)
    errors = [str(p) for p in load_round(target).report.errors]
    assert any(
        "sheet “Cán bộ”, row 2, column C (Ngày sinh): error: not a date; expected a real date (dd/mm/yyyy, mm/yyyy or yyyy), found “31/02/1980”"
        in e
        for e in errors
    ), errors
    assert any(
        "sheet “Cán bộ”, row 3, column D (Giới tính): error: invalid value; expected one of Nam / Nữ, found “Nan”"
        in e
        for e in errors
    ), errors
    assert any(
        "sheet “Hội nghị”, row 2, column K (Triệu tập): error: invalid value; expected a whole number, found “năm”"
        in e
        for e in errors
    ), errors


def test_a_missing_sheet_is_named(tmp_path: Path) -> None:
    target = tmp_path / "round.xlsx"
    workbook = load_workbook(STATE_EXAMPLE.with_suffix(".xlsx"))
    del workbook["Chức danh"]
    workbook.save(target)
    errors = [str(p) for p in load_round(target).report.errors]
    assert any("sheet “Chức danh”: error: sheet is missing" in e for e in errors), errors


def test_yaml_errors_name_the_item_and_field(tmp_path: Path) -> None:
    text = STATE_EXAMPLE.read_text(encoding="utf-8").replace(
        'gender: Nữ, ethnicity: Thái, home_town: "Thuận',
        'gender: X, ethnicity: Thái, home_town: "Thuận',
        1,
    )
    path = tmp_path / "round.yaml"
    path.write_text(text, encoding="utf-8")
    errors = [str(p) for p in load_round(path).report.errors]
    assert any(
        "sheet “cadres”, row 2, column gender: error: invalid value; expected one of Nam / Nữ, found “X”"
        in e
        for e in errors
    ), errors


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("12/03/1980", PartialDate(1980, 3, 12)),
        ("3/1980", PartialDate(1980, 3)),
        ("1980", PartialDate(1980)),
        (1980, PartialDate(1980)),
        ("1980-03-12", PartialDate(1980, 3, 12)),
    ],
)
def test_dates_keep_the_precision_given(value: object, parsed: PartialDate) -> None:
    assert parse_partial_date(value) == parsed
    assert str(parsed) in {"12/03/1980", "03/1980", "1980"}


def test_inputs_folder_holds_only_invented_examples_and_the_public_seed_plans() -> None:
    names = sorted(p.name for p in INPUTS.iterdir())
    assert names == sorted(
        [
            "ke-hoach-quy-hoach-thanh-uy.yaml",
            "ke-hoach-quy-hoach-vpubnd-son-la.yaml",
            "dang-uy-phuong-to-hieu-nhiem-ky-2025-2030.xlsx",
            "dang-uy-phuong-to-hieu-nhiem-ky-2025-2030.yaml",
            "vpubnd-son-la-ra-soat-2022.xlsx",
            "vpubnd-son-la-ra-soat-2022.yaml",
        ]
    )
