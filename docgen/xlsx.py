"""Read a workbook file: sheet names and each sheet's rows of cell values, or located problems.

This is the only module that opens .xlsx files for reading; ``load`` maps the rows onto the input
contract. Problems with the file itself (not a workbook, unreadable) are returned, not raised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.errors import Location, Problem

__all__ = ["SheetRows", "WorkbookRows", "read_workbook"]


@dataclass
class SheetRows:
    """One sheet: its name as written and its rows (tuples of cell values, Excel row 1 first).

    Cell values are what Excel shows: None for an empty cell, str, int (a whole number), float,
    bool, datetime.datetime / datetime.date / datetime.time.
    """

    name: str
    rows: list[tuple[Any, ...]]


@dataclass
class WorkbookRows:
    """Every sheet of a workbook in file order, and the problems met reading it."""

    sheets: list[SheetRows] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [sheet.name for sheet in self.sheets]


def read_workbook(path: Path) -> WorkbookRows:
    """Read every sheet of ``path``.

    An unreadable file gives a WorkbookRows with no sheets and one problem at the file's location.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    result = WorkbookRows()
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (OSError, InvalidFileException, KeyError, ValueError) as exc:
        result.problems.append(Problem(Location(str(path)), f"cannot open the workbook: {exc}"))
        return result
    try:
        for name in workbook.sheetnames:
            rows = list(workbook[name].iter_rows(values_only=True))
            result.sheets.append(SheetRows(name, rows))
    finally:
        workbook.close()
    return result
