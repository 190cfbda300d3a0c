"""docgen.docx_layout reads a table's cells in one pass: the same rows, cells, properties and
spans as reading each row's direct cells, whatever the table holds."""

from __future__ import annotations

import pytest
from lxml import etree

from docgen import docx_layout

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def table(rows: str) -> etree._Element:
    return etree.fromstring(f'<w:tbl xmlns:w="{W}"><w:tblPr/><w:tblGrid/>{rows}</w:tbl>')


CELL = '<w:tc><w:tcPr><w:tcW w:w="100" w:type="dxa"/></w:tcPr><w:p/></w:tc>'
SPAN = '<w:tc><w:tcPr><w:tcW w:w="1"/><w:gridSpan w:val="3"/></w:tcPr><w:p/></w:tc>'
BARE = "<w:tc><w:p/></w:tc>"
TWICE = '<w:tc><w:tcPr><w:vAlign w:val="top"/></w:tcPr><w:tcPr><w:tcW w:w="5"/></w:tcPr></w:tc>'
TABLES = {
    "plain": f"<w:tr>{CELL}{CELL}</w:tr><w:tr>{CELL}{CELL}</w:tr>",
    "spans and bare cells": f"<w:tr><w:trPr/>{SPAN}{BARE}</w:tr><w:tr>{BARE}{CELL}{SPAN}</w:tr>",
    "second tcPr ignored": f"<w:tr>{TWICE}{CELL}</w:tr>",
    "nested table": f"<w:tr><w:tc><w:tbl><w:tr>{CELL}</w:tr></w:tbl><w:p/></w:tc>{CELL}</w:tr>",
    "row in a content control": f"<w:tr>{CELL}</w:tr><w:sdt><w:sdtContent><w:tr>{SPAN}</w:tr>"
    "</w:sdtContent></w:sdt>",
    "empty": "",
}


def row_by_row(element: etree._Element) -> tuple[list, list]:  # type: ignore[type-arg]
    rows = [child for child in element if child.tag == docx_layout._TR]
    return rows, [docx_layout._cells(row) for row in rows]


@pytest.mark.parametrize("name", TABLES)
def test_one_pass_reads_what_reading_each_row_reads(name: str) -> None:
    element = table(TABLES[name])
    assert docx_layout._table_cells(element) == row_by_row(element)


def test_spans_and_missing_properties_are_read() -> None:
    _, cells = docx_layout._table_cells(table(TABLES["spans and bare cells"]))
    assert [[(c[1] is None, c[2] is None, c[3]) for c in row] for row in cells] == [
        [(False, False, 3), (True, True, 1)],
        [(True, True, 1), (False, False, 1), (False, False, 3)],
    ]
