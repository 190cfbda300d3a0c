"""Write a round workbook: empty (``docgen init``) or filled from a model (``docgen export``).

Headers come from ``docgen.contract``; closed lists get dropdowns fed from a "Danh mục" sheet
(labels such as "Rà soát, bổ sung" contain commas, which an inline list cannot hold); full-date
columns get the dd/mm/yyyy format and partial-date columns are text, so "1970" and "05/1970" stay
as typed.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from pathlib import Path
from typing import Any

from docgen.contract import INFO_SHEET, KEY_VALUE_SHEETS, LISTS_SHEET, SHEETS, Column, Sheet
from docgen.models import RoundInput
from docgen.output import atomic_write_bytes
from docgen.values import PartialDate

__all__ = ["write_workbook", "workbook_bytes"]

_EMPTY_ROWS = 200


def write_workbook(path: Path, round_input: RoundInput | None = None) -> None:
    """Write the workbook to ``path`` atomically; empty (headers only) when no model is given.

    Raises:
        OSError: when ``path`` cannot be written.
    """
    atomic_write_bytes(path, workbook_bytes(round_input))


def workbook_bytes(round_input: RoundInput | None = None) -> bytes:
    """The workbook as .xlsx bytes."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname

    workbook = Workbook()
    workbook.remove(workbook.active)
    lists = workbook.create_sheet(LISTS_SHEET)
    list_ranges: dict[str, str] = {}

    def list_range(column: Column) -> str:
        labels = column.choice_labels()
        key = "|".join(labels)
        if key not in list_ranges:
            index = len(list_ranges) + 1
            letter = get_column_letter(index)
            lists.cell(1, index, column.header)
            for row, label in enumerate(labels, start=2):
                lists.cell(row, index, label)
            last = len(labels) + 1
            list_ranges[key] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${last}"
        return list_ranges[key]

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    data = round_input.model_dump(mode="python") if round_input else None

    for sheet in KEY_VALUE_SHEETS:
        values = data.get(sheet.collection) if data else {}
        if data is not None and not values and not sheet.required:
            continue
        _write_key_values(workbook, sheet, values or {}, list_range, bold, fill)

    for sheet in SHEETS:
        if sheet in KEY_VALUE_SHEETS:
            continue
        rows = data.get(sheet.collection, []) if data else []
        if not rows and not sheet.required and data is not None:
            continue
        _write_table(workbook, sheet, rows, list_range, bold, fill)

    workbook.move_sheet(INFO_SHEET.name, offset=-workbook.sheetnames.index(INFO_SHEET.name))
    lists.sheet_state = "hidden"
    workbook.move_sheet(LISTS_SHEET, offset=len(workbook.sheetnames))
    for worksheet in workbook.worksheets:
        for row in worksheet.iter_rows(min_row=1, max_row=1):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="center")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_key_values(
    workbook: Any, sheet: Sheet, values: dict[str, Any], list_range: Any, bold: Any, fill: Any
) -> None:
    """A Mục | Giá trị sheet: one row per item; list items one value per line."""
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    worksheet = workbook.create_sheet(sheet.name)
    worksheet.append(["Mục", "Giá trị"])
    worksheet.column_dimensions["A"].width = 24
    worksheet.column_dimensions["B"].width = 60
    for cell in worksheet[1]:
        cell.font, cell.fill = bold, fill
    for row, column in enumerate(sheet.columns, start=2):
        worksheet.cell(row, 1, column.header).font = bold if column.required else Font()
        value = values.get(column.field)
        if column.kind == "list":
            value = "\n".join(value) if value else None
        worksheet.cell(row, 2, _cell(value))
        _format(worksheet.cell(row, 2), column)
        if column.choices is not None:
            validation = DataValidation(type="list", formula1=list_range(column), allow_blank=True)
            worksheet.add_data_validation(validation)
            validation.add(f"B{row}")


def _write_table(
    workbook: Any, sheet: Sheet, rows: list[dict], list_range: Any, bold: Any, fill: Any
) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    worksheet = workbook.create_sheet(sheet.name)
    columns: list[tuple[str, Column | int]] = [(c.header, c) for c in sheet.columns]
    if sheet.collection == "cadres":
        years = sorted({year for row in rows for year in row.get("ratings", {})})
        at = next(
            i
            for i, (_, c) in enumerate(columns)
            if isinstance(c, Column) and c.field == "planned_titles"
        )
        columns[at:at] = [(f"Xếp loại {year}", year) for year in years]
    worksheet.append([header for header, _ in columns])
    for cell in worksheet[1]:
        cell.font, cell.fill = bold, fill
    worksheet.freeze_panes = "A2"
    for row in rows:
        values = []
        for _, column in columns:
            if isinstance(column, int):
                values.append(row.get("ratings", {}).get(column))
            else:
                values.append(_cell(row.get(column.field)))
        worksheet.append(values)
    last = max(len(rows) + 1, _EMPTY_ROWS)
    for position, (_, column) in enumerate(columns, start=1):
        letter = get_column_letter(position)
        width = column.width if isinstance(column, Column) else 12
        worksheet.column_dimensions[letter].width = width
        if not isinstance(column, Column):
            continue
        for row_number in range(2, last + 1):
            _format(worksheet.cell(row_number, position), column)
        if column.choices is not None:
            validation = DataValidation(type="list", formula1=list_range(column), allow_blank=True)
            worksheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{last}")


def _format(cell: Any, column: Column) -> None:
    if column.kind == "date":
        cell.number_format = "dd/mm/yyyy"
    elif column.kind == "time":
        cell.number_format = "hh:mm"
    elif column.kind in {"partial_date", "text", "list"} and column.choices is None:
        cell.number_format = "@"


def _cell(value: Any) -> Any:
    """A model value as the workbook shows it: labels for enums, "x" for marks, "; " lists."""
    if value is None:
        return None
    if isinstance(value, Enum):
        labels = getattr(type(value), "labels", None)
        return labels()[value.value] if labels else value.value
    if isinstance(value, bool):
        return "x" if value else None
    if isinstance(value, PartialDate):
        return str(value)
    if isinstance(value, datetime | time):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) or None
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
