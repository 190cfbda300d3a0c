"""Load a round workbook (.xlsx): its sheets and rows mapped onto the input contract (inputs.md).

Sheets and headers are matched ignoring case, surrounding spaces and Unicode form. Every problem
is collected with its file, sheet, row and column; nothing is raised. The file itself is read by
``docgen.xlsx``; the rows become the model through ``docgen.load.build_model``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from docgen.contract import (
    KEY_VALUE_SHEETS,
    LISTS_SHEET,
    PLAN_SHEET,
    RATING_HEADER,
    SHEETS,
    Column,
    Sheet,
)
from docgen.errors import Location, Problem, Report, Severity
from docgen.load import LoadedRound, SourceMap, build_model, file_sha256, shown
from docgen.values import is_blank
from docgen.vietnamese import fold_key, normalize_text
from docgen.xlsx import read_workbook

__all__ = ["load_workbook_round"]


def load_workbook_round(path: Path) -> LoadedRound:
    """Load the round workbook described in inputs.md."""
    source = SourceMap(str(path))
    report = Report()
    workbook = read_workbook(path)
    report.extend(workbook.problems)
    if not workbook.sheets:
        return LoadedRound(path, "", None, source, report)
    rows_of = {sheet.name: sheet.rows for sheet in workbook.sheets}
    found = {fold_key(name): name for name in workbook.names}
    data: dict[str, Any] = {}
    known = {fold_key(sheet.name) for sheet in (*SHEETS, PLAN_SHEET)} | {fold_key(LISTS_SHEET)}
    ignored = [name for key, name in found.items() if key not in known]
    if ignored:
        report.add(
            Problem(
                Location(str(path)),
                "sheets ignored: " + ", ".join(f"“{n}”" for n in ignored),
                severity=Severity.WARNING,
            )
        )
    for sheet in (*SHEETS, PLAN_SHEET):
        actual = found.get(fold_key(sheet.name))
        if actual is None:
            if sheet.required:
                report.add(
                    Problem(
                        Location(str(path), sheet.order, sheet.name),
                        "sheet is missing",
                        expected=f"a sheet named “{sheet.name}”",
                        found="sheets " + ", ".join(f"“{n}”" for n in workbook.names),
                    )
                )
            continue
        rows = rows_of[actual]
        if sheet in KEY_VALUE_SHEETS:
            data[sheet.collection] = _read_key_values(path, sheet, actual, rows, source, report)
        else:
            data[sheet.collection] = _read_table(path, sheet, actual, rows, source, report)
    model = build_model(data, source, report)
    return LoadedRound(path, file_sha256(path), model, source, report)


def _read_key_values(
    path: Path, sheet: Sheet, actual: str, rows: list[tuple], source: SourceMap, report: Report
) -> dict[str, Any]:
    """A Mục | Giá trị sheet ("Thông tin chung", "Kế hoạch"): one item per row; list items
    take one value per line and may repeat."""
    by_label = {fold_key(c.header): c for c in sheet.columns}
    values: dict[str, Any] = {}
    ignored: list[str] = []
    prefix = sheet.collection
    source.rows[(prefix, None)] = Location(str(path), sheet.order, actual)
    for number, row in enumerate(rows, start=1):
        cells = list(row) + [None, None]
        label, value = cells[0], cells[1]
        if is_blank(label):
            continue
        key = fold_key(str(label))
        if key in {"mục"}:
            continue
        column = by_label.get(key)
        if column is None:
            combined = _combined_row(key, value, by_label)
            if combined is None:
                ignored.append(f"“{normalize_text(str(label))}” (row {number})")
                continue
            parts, problem = combined
            where = Location(str(path), sheet.order, actual, number, "B")
            if problem:
                report.add(
                    Problem(
                        where,
                        problem,
                        expected=f"{len(parts)} values separated by “,”",
                        found=shown(value),
                    )
                )
                continue
            for part_column, part_value in parts:
                location = Location(
                    str(path), sheet.order, actual, number, f"B ({part_column.header})"
                )
                source.rows[(f"{prefix}.{part_column.field}", None)] = location
                if not is_blank(part_value):
                    values[part_column.field] = part_value
            continue
        location = Location(str(path), sheet.order, actual, number, f"B ({column.header})")
        source.rows[(f"{prefix}.{column.field}", None)] = location
        if column.kind == "list":
            lines = [] if is_blank(value) else str(value).splitlines()
            values.setdefault(column.field, []).extend(
                line.strip() for line in lines if line.strip()
            )
        elif not is_blank(value):
            values[column.field] = value
    for column in sheet.columns:
        if column.required and column.field not in values:
            source.rows.setdefault(
                (f"{prefix}.{column.field}", None),
                Location(str(path), sheet.order, actual, None, f"“{column.header}”"),
            )
    if ignored:
        report.add(
            Problem(
                Location(str(path), sheet.order, actual),
                "rows ignored: " + ", ".join(ignored),
                severity=Severity.WARNING,
            )
        )
    return values


def _combined_row(
    key: str, value: Any, by_label: dict[str, Column]
) -> tuple[list[tuple[Column, Any]], str] | None:
    """A row whose Mục names several items ("Số tờ trình, Ngày tờ trình"), as inputs.md prints
    them, with the values separated by commas in the same order ("12, 15/04/2022").

    Returns None when the label is not such a row; else the (column, value) pairs and a problem
    text (empty when the values split cleanly).
    """
    labels = [part.strip() for part in key.split(",")]
    if len(labels) < 2 or not all(label in by_label for label in labels):
        return None
    columns = [by_label[label] for label in labels]
    if is_blank(value):
        return [(c, None) for c in columns], ""
    if len(columns) == 2 and columns[1].kind == "date" and not isinstance(value, str):
        return [(columns[0], None), (columns[1], value)], ""
    parts = [part.strip() for part in str(value).split(",")]
    if len(parts) != len(columns):
        return [(c, None) for c in columns], "the values of a combined row do not match its items"
    return list(zip(columns, parts, strict=True)), ""


def _header_row(rows: list[tuple]) -> int | None:
    for index, row in enumerate(rows):
        if any(not is_blank(cell) for cell in row):
            return index
    return None


def _read_table(
    path: Path, sheet: Sheet, actual: str, rows: list[tuple], source: SourceMap, report: Report
) -> list[dict[str, Any]]:
    from openpyxl.utils import get_column_letter

    where = Location(str(path), sheet.order, actual)
    header_index = _header_row(rows)
    if header_index is None:
        if sheet.required:
            report.add(Problem(where, "sheet has no header row", expected=_headers(sheet.columns)))
        return []
    by_header = {fold_key(c.header): c for c in sheet.columns}
    by_header |= {fold_key(alias): c for c in sheet.columns for alias in c.aliases}
    mapping: dict[int, Column | int] = {}
    unknown: list[tuple[int, str]] = []
    for position, cell in enumerate(rows[header_index]):
        if is_blank(cell):
            continue
        key = fold_key(str(cell))
        letter = get_column_letter(position + 1)
        if key in by_header:
            column = by_header[key]
            mapping[position] = column
            source.columns[(sheet.collection, column.field)] = f"{letter} ({column.header})"
        elif sheet.collection == "cadres" and (match := RATING_HEADER.match(key)):
            year = int(match.group(1))
            mapping[position] = year
            source.columns[(sheet.collection, f"ratings.{year}")] = f"{letter} (Xếp loại {year})"
        else:
            unknown.append((position, normalize_text(str(cell))))
    present = {c.field for c in mapping.values() if isinstance(c, Column)}
    missing = [c for c in sheet.columns if c.required and c.field not in present]
    header_row = header_index + 1
    for column in missing:
        near = difflib.get_close_matches(
            fold_key(column.header), [fold_key(text) for _, text in unknown], n=1, cutoff=0.75
        )
        found = next((text for _, text in unknown if near and fold_key(text) == near[0]), "")
        report.add(
            Problem(
                Location(str(path), sheet.order, actual, header_row),
                "required column is missing",
                expected=f"a header “{column.header}”",
                found=f"“{found}”" if found else "no such header",
                hint=f"rename “{found}” to “{column.header}”" if found else "",
            )
        )
    if unknown:
        report.add(
            Problem(
                Location(str(path), sheet.order, actual, header_row),
                "columns ignored: "
                + ", ".join(f"{get_column_letter(p + 1)} “{t}”" for p, t in unknown),
                severity=Severity.WARNING,
            )
        )
    records: list[dict[str, Any]] = []
    for offset, row in enumerate(rows[header_index + 1 :], start=header_row + 1):
        if all(is_blank(cell) for cell in row):
            continue
        record: dict[str, Any] = {}
        for position, target in mapping.items():
            value = row[position] if position < len(row) else None
            if is_blank(value):
                continue
            if isinstance(target, int):
                record.setdefault("ratings", {})[target] = normalize_text(str(value))
            else:
                record[target.field] = value
        source.rows[(sheet.collection, len(records))] = Location(
            str(path), sheet.order, actual, offset
        )
        records.append(record)
    return records


def _headers(columns: Iterable[Column]) -> str:
    return "headers " + ", ".join(f"“{c.header}”" for c in columns)
