"""docgen.xlsx's scan of a sheet's XML: the quick reading of plain sheets gives what parsing
every cell gives, and plain sheets (what Excel and openpyxl write) take the quick way."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from docgen import xlsx

ROOT = Path(__file__).resolve().parent.parent

SHEETS = {
    "values": b'<sheetData><row r="1"><c r="A1" s="1" t="inlineStr"><is><t>x</t></is></c>'
    b'<c r="B1" s="2" t="n"></c><c r="C1" t="n"><v>3</v></c></row>'
    b'<row r="7"><c r="AB7" s="3"><v>45000</v></c><c r="B8" s="3"></c></row></sheetData>',
    "far value": b'<sheetData><row r="1"><c r="XFD1048576" t="n"><v>2</v></c></row></sheetData>',
    "error cell": b'<sheetData><row r="1"><c r="A1" t="e"><v>#N/A</v></c>'
    b'<c r="B2"><v>1</v></c></row></sheetData>',
    "formula": b'<sheetData><row r="1"><c r="B1"><f>1+1</f></c>'
    b'<c r="C1"><f>1</f><v>2</v></c></row></sheetData>',
    "no refs": b'<sheetData><row><c><v>1</v></c><c t="s"><v>2</v></c></row>'
    b"<row><c/><c><v>4</v></c></row></sheetData>",
    "prefixed": b'<x:sheetData><x:row r="1"><x:c r="B3" s="1"><x:v>1</x:v></x:c></x:row>'
    b"</x:sheetData>",
    "value outside a cell": b'<sheetData><row r="1"><c r="A1" s="1"/><v>1</v>'
    b'<c r="B2" t="inlineStr"><is><t>x</t></is><v>3</v></c></row></sheetData>',
    "other attributes": b'<sheetData><row r="1"><c r="C4" cm="1"><v>1</v></c>'
    b'<c s="1" r="D5"><v>2</v></c></row></sheetData>',
    "empty": b"<sheetData/>",
}


def full(data: bytes) -> xlsx._Scan:
    return xlsx._full_scan(data, data.find(b"sheetData"), data.rfind(b"sheetData"))


@pytest.mark.parametrize("name", SHEETS)
def test_scan_gives_what_parsing_every_cell_gives(name: str) -> None:
    assert xlsx._scan_sheet_xml(SHEETS[name]) == full(SHEETS[name])


@pytest.mark.parametrize(
    ("name", "rows", "columns", "cells"),
    [("values", 7, 28, 3), ("far value", 1_048_576, 16_384, 1)],
)
def test_plain_sheet_is_read_quickly_with_its_extent(
    name: str, rows: int, columns: int, cells: int
) -> None:
    data = SHEETS[name]
    quick = xlsx._plain_scan(data, data.find(b"sheetData"), data.rfind(b"sheetData"))
    assert quick == xlsx._Scan(rows, columns, cells)


@pytest.mark.parametrize(
    "name",
    ["error cell", "formula", "no refs", "prefixed", "value outside a cell", "other attributes"],
)
def test_sheet_that_is_not_plain_is_parsed_cell_by_cell(name: str) -> None:
    data = SHEETS[name]
    assert xlsx._plain_scan(data, data.find(b"sheetData"), data.rfind(b"sheetData")) is None


@pytest.mark.parametrize("workbook", sorted((ROOT / "inputs").glob("*.xlsx")), ids=lambda p: p.name)
def test_example_workbooks_are_plain_and_scanned_as_before(workbook: Path) -> None:
    with zipfile.ZipFile(workbook) as archive:
        parts = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert parts
        for part in parts:
            data = archive.read(part)
            start, stop = data.find(b"sheetData"), data.rfind(b"sheetData")
            assert xlsx._plain_scan(data, start, stop) == full(data)
