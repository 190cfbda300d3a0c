"""Load a round workbook (.xlsx): its sheets and rows mapped onto the input contract (inputs.md).

Sheets and headers are matched ignoring case, surrounding spaces and Unicode form. Every problem
is collected with its file, sheet, row and column; nothing is raised. The file itself is read by
``docgen.xlsx``; the rows become the model through ``docgen.load.build_model``.

A cell read as empty for a reason the clerk cannot see (a formula never calculated, a merged
range's other cells) or holding an Excel error is reported as such, and the "required value is
missing" or "invalid value" that would follow at the same cell is not.
"""

from __future__ import annotations

import dataclasses
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
from docgen.errors import Location, Problem, Report, Severity, problem
from docgen.i18n import _
from docgen.load import LoadedRound, SourceMap, build_model, file_sha256, shown
from docgen.values import is_blank, quoted
from docgen.vietnamese import fold_key, normalize_text
from docgen.xlsx import (
    MAX_CELLS,
    MAX_ROWS,
    CellRange,
    SheetRows,
    cell_ref,
    column_letter,
    read_workbook,
)

__all__ = ["load_workbook_round"]


def load_workbook_round(path: Path) -> LoadedRound:
    """Load the round workbook described in docs/workbook.md.

    Returns the model (None when the file or a sheet of the contract cannot be read, or a row
    does not validate), where each value came from, and every problem found.
    """
    source = SourceMap(str(path))
    report = Report()
    contract = (*SHEETS, PLAN_SHEET)
    order_of = {fold_key(sheet.name): sheet.order for sheet in contract}
    workbook = read_workbook(path, wanted=lambda name: fold_key(name) in order_of)
    report.extend(_in_contract_order(problem, order_of) for problem in workbook.problems)
    if not workbook.sheets:
        return LoadedRound(path, "", None, source, report)
    by_key: dict[str, list[SheetRows]] = {}
    for sheet_rows in workbook.sheets:
        by_key.setdefault(fold_key(sheet_rows.name), []).append(sheet_rows)
    data: dict[str, Any] = {}
    known = set(order_of) | {fold_key(LISTS_SHEET)}
    ignored = [group[0].name for key, group in by_key.items() if key not in known]
    if ignored:
        report.add(
            problem("W0201", Location(str(path)), names=", ".join(quoted(n) for n in ignored))
        )
    notes = _CellNotes(str(path), report)
    unreadable = False
    for sheet in contract:
        group = by_key.get(fold_key(sheet.name), [])
        if not group:
            if sheet.required:
                report.add(
                    problem(
                        "E0201",
                        Location(str(path), sheet.order, sheet.name),
                        expected=_("a sheet named “{sheet}”").format(sheet=sheet.name),
                        found=_("sheets {names}").format(
                            names=", ".join(quoted(n) for n in workbook.names)
                        ),
                    )
                )
            continue
        if len(group) > 1:
            names = [f"“{g.name}”" for g in group]
            listed = _("{names} and {last}").format(names=", ".join(names[:-1]), last=names[-1])
            report.add(
                problem(
                    "E0209" if len(group) == 2 else "E0210",
                    Location(str(path), sheet.order, group[0].name),
                    names=listed,
                    sheet=sheet.name,
                )
            )
        sheet_rows = group[0]
        if not sheet_rows.readable:
            unreadable = True
            continue
        notes.start(sheet, sheet_rows)
        if sheet in KEY_VALUE_SHEETS:
            data[sheet.collection] = _read_key_values(
                path, sheet, sheet_rows, source, report, notes
            )
        else:
            data[sheet.collection] = _read_table(path, sheet, sheet_rows, source, report, notes)
    checked = len(report.problems)
    model = build_model(data, source, report)
    report.problems[checked:] = [p for p in report.problems[checked:] if not notes.explains(p)]
    if unreadable:
        model = None
    return LoadedRound(path, file_sha256(path), model, source, report)


def _in_contract_order(problem: Problem, order_of: dict[str, int]) -> Problem:
    """A problem of the reader, at its sheet's place in the contract's order."""
    order = order_of.get(fold_key(problem.location.sheet)) if problem.location.sheet else None
    if order is None:
        return problem
    return dataclasses.replace(
        problem, location=dataclasses.replace(problem.location, sheet_order=order)
    )


class _CellNotes:
    """Reports the cells read that hold no value for a reason the clerk cannot see, or an Excel
    error, once each; remembers them so that the model's problems at the same cells are dropped.

    Cells are 1-based (row, column); ``label`` is the column as locations print it ("B (Ngày
    sinh)").
    """

    def __init__(self, file: str, report: Report):
        self.file = file
        self.report = report
        self.explained: set[tuple[str, int, str]] = set()
        self.sheet: Sheet | None = None
        self.rows: SheetRows | None = None
        self.covered: dict[tuple[int, int], CellRange] = {}
        self.reported: set[CellRange] = set()
        self.missing: set[tuple[str, str]] = set()

    def start(self, sheet: Sheet, rows: SheetRows) -> None:
        """Check the cells of ``rows`` (the sheet of the contract ``sheet``) from now on."""
        self.sheet, self.rows, self.reported = sheet, rows, set()
        self.covered = {}
        height = len(rows.rows)
        width = max((len(row) for row in rows.rows), default=0)
        budget = MAX_CELLS  # overlapping ranges of a hostile file cannot make this quadratic
        for merged in rows.merged:
            last_row = min(merged.last_row, height)
            last_column = min(merged.last_column, width)
            budget -= max(0, last_row - merged.first_row + 1) * max(
                0, last_column - merged.first_column + 1
            )
            if budget < 0:
                break
            for row in range(merged.first_row, last_row + 1):
                for column in range(merged.first_column, last_column + 1):
                    if (row, column) != (merged.first_row, merged.first_column):
                        self.covered.setdefault((row, column), merged)

    def is_covered(self, row: int, column: int) -> bool:
        """Whether (row, column) is a cell of a merged range other than its first."""
        return (row, column) in self.covered

    def last_row(self) -> int:
        """The last row to look at: the last holding data, or a formula without a value."""
        assert self.rows is not None
        formulas = [r for r, _ in self.rows.formulas_without_value if r <= MAX_ROWS]
        return max(len(self.rows.rows), *formulas, 0)

    def check(self, row: int, column: int, label: str, label_of: dict[int, str]) -> None:
        """Report cell (row, column) if it is a formula without a value, an error, or a covered
        cell of a merged range; ``label_of`` gives the label of other columns of the sheet."""
        assert self.sheet is not None and self.rows is not None
        if not (self.covered or self.rows.formulas_without_value or self.rows.error_cells):
            return
        ref = cell_ref(row, column)
        merged = self.covered.get((row, column))
        code: str
        params: dict[str, str]
        if (row, column) in self.rows.formulas_without_value:
            code, params = "E0310", {"cell": ref}
        elif (row, column) in self.rows.error_cells:
            code, params = "E0311", {"cell": ref, "error": self.rows.error_cells[(row, column)]}
        elif merged is not None:
            self.explained.add((self.rows.name, row, label.split(" ")[0]))
            if merged in self.reported:
                return
            self.reported.add(merged)
            first = cell_ref(merged.first_row, merged.first_column)
            code, params = "E0312", {"cells": merged.ref, "first": first}
            row = merged.first_row
            label = label_of.get(merged.first_column, _letter(first))
        else:
            return
        self.explained.add((self.rows.name, row, label.split(" ")[0]))
        where = Location(self.file, self.sheet.order, self.rows.name, row, label)
        self.report.add(problem(code, where, **params))

    def missing_column(self, sheet: str, label: str) -> None:
        """Note that the required column ``label`` (as locations print a column the sheet does
        not have: "“Ngày sinh”") is missing from ``sheet``: its error is reported once, for the
        header row, so the rows' errors for that column are dropped."""
        self.missing.add((sheet, label))

    def explains(self, found: Problem) -> bool:
        """Whether ``found`` is an error at a cell already reported here, or a row's error for a
        column already reported missing."""
        where = found.location
        return (
            found.severity == Severity.ERROR
            and where.row is not None
            and (
                (where.sheet, where.row, where.column.split(" ")[0]) in self.explained
                or (where.sheet, where.column) in self.missing
            )
        )


def _letter(ref: str) -> str:
    return ref.rstrip("0123456789")


def _read_key_values(
    path: Path,
    sheet: Sheet,
    sheet_rows: SheetRows,
    source: SourceMap,
    report: Report,
    notes: _CellNotes,
) -> dict[str, Any]:
    """A Mục | Giá trị sheet ("Thông tin chung", "Kế hoạch"): one item per row; list items
    take one value per line and may repeat."""
    by_label = {fold_key(c.header): c for c in sheet.columns}
    values: dict[str, Any] = {}
    ignored: list[str] = []
    prefix = sheet.collection
    actual = sheet_rows.name
    rows = sheet_rows.rows
    source.rows[(prefix, None)] = Location(str(path), sheet.order, actual)
    for number in range(1, notes.last_row() + 1):
        cells = list(rows[number - 1] if number <= len(rows) else ()) + [None, None]
        label, value = cells[0], cells[1]
        if is_blank(label):
            if not is_blank(value) or (number, 1) in sheet_rows.formulas_without_value:
                notes.check(number, 1, "A", {})
            continue
        key = fold_key(str(label))
        if key in {"mục"}:
            continue
        column = by_label.get(key)
        labels = {1: "A", 2: f"B ({column.header})" if column else "B"}
        if column is None:
            combined = _combined_row(key, value, by_label)
            if combined is None:
                notes.check(number, 1, "A", labels)
                ignored.append(
                    _("{label} (row {row})").format(label=quoted(str(label)), row=number)
                )
                continue
            notes.check(number, 2, "B", labels)
            parts, mismatch = combined
            where = Location(str(path), sheet.order, actual, number, "B")
            if mismatch:
                report.add(
                    problem(
                        "E0313",
                        where,
                        expected=_("{count} values separated by “,”").format(count=len(parts)),
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
        notes.check(number, 2, labels[2], labels)
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
            problem("W0202", Location(str(path), sheet.order, actual), rows=", ".join(ignored))
        )
    return values


def _combined_row(
    key: str, value: Any, by_label: dict[str, Column]
) -> tuple[list[tuple[Column, Any]], bool] | None:
    """A row whose Mục names several items ("Số tờ trình, Ngày tờ trình"), as inputs.md prints
    them, with the values separated by commas in the same order ("12, 15/04/2022").

    Returns None when the label is not such a row; else the (column, value) pairs and whether
    the values do not match the items (True: their count differs).
    """
    labels = [part.strip() for part in key.split(",")]
    if len(labels) < 2 or not all(label in by_label for label in labels):
        return None
    columns = [by_label[label] for label in labels]
    if is_blank(value):
        return [(c, None) for c in columns], False
    if len(columns) == 2 and columns[1].kind == "date" and not isinstance(value, str):
        return [(columns[0], None), (columns[1], value)], False
    parts = [part.strip() for part in str(value).split(",")]
    if len(parts) != len(columns):
        return [(c, None) for c in columns], True
    return list(zip(columns, parts, strict=True)), False


def _header_row(rows: list[tuple]) -> int | None:
    for index, row in enumerate(rows):
        if any(not is_blank(cell) for cell in row):
            return index
    return None


def _read_table(
    path: Path,
    sheet: Sheet,
    sheet_rows: SheetRows,
    source: SourceMap,
    report: Report,
    notes: _CellNotes,
) -> list[dict[str, Any]]:
    actual = sheet_rows.name
    rows = sheet_rows.rows
    where = Location(str(path), sheet.order, actual)
    header_index = _header_row(rows)
    if header_index is None:
        if sheet.required:
            report.add(problem("E0202", where, expected=_headers(sheet.columns)))
        return []
    by_header = {fold_key(c.header): c for c in sheet.columns}
    by_header |= {fold_key(alias): c for c in sheet.columns for alias in c.aliases}
    mapping: dict[int, Column | int] = {}
    unknown: list[tuple[int, str]] = []
    for position, cell in enumerate(rows[header_index]):
        if is_blank(cell):
            continue
        key = fold_key(str(cell))
        letter = column_letter(position + 1)
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
        notes.missing_column(actual, f"“{column.header}”")
        report.add(
            problem(
                "E0203",
                Location(str(path), sheet.order, actual, header_row),
                expected=_("a header “{header}”").format(header=column.header),
                found=f"“{found}”" if found else _("no such header"),
                hint=_("rename “{found}” to “{header}”").format(found=found, header=column.header)
                if found
                else "",
            )
        )
    if unknown:
        report.add(
            problem(
                "W0203",
                Location(str(path), sheet.order, actual, header_row),
                columns=", ".join(f"{column_letter(p + 1)} {quoted(t)}" for p, t in unknown),
            )
        )
    label_of = {
        position + 1: f"{column_letter(position + 1)} ({_header_of(target)})"
        for position, target in mapping.items()
    }
    below = rows[header_index + 1 :]
    for position in range(len(rows[header_index])):
        if notes.is_covered(header_row, position + 1) and all(
            is_blank(row[position]) for row in below if position < len(row)
        ):
            continue  # a header merged over a column holding nothing hides nothing
        letter = column_letter(position + 1)
        notes.check(header_row, position + 1, label_of.get(position + 1, letter), label_of)
    records: list[dict[str, Any]] = []
    for offset in range(header_row + 1, notes.last_row() + 1):
        row = rows[offset - 1] if offset <= len(rows) else ()
        for position in mapping:
            notes.check(offset, position + 1, label_of[position + 1], label_of)
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


def _header_of(target: Column | int) -> str:
    return f"Xếp loại {target}" if isinstance(target, int) else target.header


def _headers(columns: Iterable[Column]) -> str:
    return _("headers {names}").format(names=", ".join(f"“{c.header}”" for c in columns))
