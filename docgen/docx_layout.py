"""Apply the table layout of ``docgen.layout`` to a rendered DOCX: column widths for the
number of columns the paper has, and the keep rules of format.md "Pagination" that depend on
the rows a render produced (the first data row, group rows, the last row before the signature).

A table takes part when its ``w:tblCaption`` is ``docgen-layout:<name>`` (set by
``docgen.templates_build``; Word keeps it as the table's alt-text title). Tables a maintainer
added without a caption are left as they are.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from lxml import etree

from docgen.layout import CAPTION_PREFIX, TABLES, column_widths_mm

__all__ = ["apply_layout", "apply_layout_xml", "apply_layout_body", "SIGNATURE"]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = "{" + W + "}"
_NS = {"w": W}
SIGNATURE = "signature"
"""Layout name of a signature block table (no columns to fix; what precedes it is kept with it)."""

_TWIPS_PER_MM = 1440 / 25.4


_TBL, _TR, _TC, _P = f"{_W}tbl", f"{_W}tr", f"{_W}tc", f"{_W}p"
_TBLPR, _TBLCAPTION, _TBLGRID, _GRIDCOL = (
    f"{_W}tblPr",
    f"{_W}tblCaption",
    f"{_W}tblGrid",
    f"{_W}gridCol",
)
_TCPR, _TCW, _GRIDSPAN, _TRPR, _TBLHEADER = (
    f"{_W}tcPr",
    f"{_W}tcW",
    f"{_W}gridSpan",
    f"{_W}trPr",
    f"{_W}tblHeader",
)
_PPR, _PSTYLE, _KEEPNEXT = f"{_W}pPr", f"{_W}pStyle", f"{_W}keepNext"
_VAL, _WIDTH, _TYPE = f"{_W}val", f"{_W}w", f"{_W}type"
# lxml's find() and iterchildren(tag) parse their argument on every call (some microseconds,
# more than the render of a cell): children are read by a plain loop, the element looked for
# usually first (tcPr in w:tc, pPr in w:p, trPr in w:tr, tblPr in w:tbl by the schema).


def _child(element: Any, tag: str) -> Any:
    """The first child of ``element`` with ``tag``, or None (properties elements hold a few
    children: a loop over them is faster than lxml's tag matching set up for each call)."""
    for child in element:
        if child.tag == tag:
            return child
    return None


def _caption(table: Any) -> str | None:
    properties = _child(table, _TBLPR)
    caption = _child(properties, _TBLCAPTION) if properties is not None else None
    if caption is None:
        return None
    value = caption.get(_VAL) or ""
    return value[len(CAPTION_PREFIX) :] if value.startswith(CAPTION_PREFIX) else None


Cell = tuple[Any, Any, Any, int]
"""A table cell as the layout reads it: the ``w:tc``, its ``w:tcPr`` and ``w:tcW`` (None when
missing) and its ``w:gridSpan`` (1 when missing)."""


def _cells(row: Any) -> list[Cell]:
    """The cells of ``row``, each read in one pass over its properties."""
    found = []
    for cell in row:
        if cell.tag != _TC:
            continue
        properties = _child(cell, _TCPR)
        width = span = None
        if properties is not None:
            for child in properties:
                tag = child.tag
                if tag == _TCW and width is None:
                    width = child
                elif tag == _GRIDSPAN and span is None:
                    span = child
        found.append((cell, properties, width, int(span.get(_VAL)) if span is not None else 1))
    return found


_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"
_WRAPPERS = (_TBL, f"{_W}sdt", f"{_W}customXml", _MC)
"""What may hold rows or cells other than the table and its rows (nested tables, content
controls, custom XML, alternate content): a table holding any is read row by row."""


def _table_cells(table: Any) -> tuple[list[Any], list[list[Cell]]]:
    """The rows of ``table`` (its ``w:tr`` children) and their cells (see :func:`_cells`).

    A table holding none of :data:`_WRAPPERS` is read in one pass over the elements that matter
    (lxml's filtered iteration runs in C): a 2,000-row table holds 20,000 cells, and visiting
    each cell's children from Python cost more than rendering it.
    """
    rows: list[Any] = []
    cells: list[list[Cell]] = []
    row: list[list[Any]] = []
    found: list[list[list[Any]]] = []
    cell: list[Any] = [None, None, None, None]
    first = True  # inside a cell's first tcPr, whose tcW and gridSpan count
    for element in table.iter(_TR, _TC, _TCPR, _TCW, _GRIDSPAN, *_WRAPPERS):
        tag = element.tag
        if tag == _TC:
            cell = [element, None, None, None]
            row.append(cell)
        elif tag == _TCPR:
            first = cell[1] is None
            if first:
                cell[1] = element
        elif tag == _TCW:
            if first and cell[2] is None:
                cell[2] = element
        elif tag == _GRIDSPAN:
            if first and cell[3] is None:
                cell[3] = element
        elif tag == _TR:
            rows.append(element)
            row = []
            found.append(row)
        elif element is not table:
            rows = [child for child in table if child.tag == _TR]
            return rows, [_cells(child) for child in rows]
    for row in found:
        cells.append(
            [(c[0], c[1], c[2], int(c[3].get(_VAL)) if c[3] is not None else 1) for c in row]
        )
    return rows, cells


def _keep_next(row: Any) -> None:
    for paragraph in row.iter(_P):
        properties = _child(paragraph, _PPR)
        if properties is None:
            properties = etree.Element(_PPR)
            paragraph.insert(0, properties)
        if _child(properties, _KEEPNEXT) is None:
            keep = etree.Element(_KEEPNEXT)
            # keepNext comes after pStyle in the schema's sequence.
            style = _child(properties, _PSTYLE)
            properties.insert(0 if style is None else 1, keep)


def _is_header(row: Any) -> bool:
    properties = _child(row, _TRPR)
    return properties is not None and _child(properties, _TBLHEADER) is not None


def _is_group(cells: list[Cell]) -> bool:
    """Whether a row of ``cells`` is a group row: its second cell spans several columns."""
    return len(cells) >= 2 and cells[1][3] > 1


def _fit_widths(table: Any, name: str, text_width_mm: float, rows: list[list[Cell]]) -> None:
    """Column widths of layout ``name`` on ``table``, whose rows hold the cells ``rows``."""
    layout = TABLES[name]
    count = max((sum(cell[3] for cell in row) for row in rows), default=0)
    fixed = len([c for c in layout.columns if not c.repeat])
    if layout.repeat_index is None:
        if count != len(layout.columns):
            return  # a maintainer changed the table: leave its widths
        repeats = 1
    else:
        repeats = count - fixed
        if repeats < 0:
            return
    widths = [round(w * _TWIPS_PER_MM) for w in column_widths_mm(name, text_width_mm, repeats)]
    grid = _child(table, _TBLGRID)
    for column in list(grid.iterchildren(_GRIDCOL)):
        grid.remove(column)
    for width in widths:
        etree.SubElement(grid, _GRIDCOL, {_WIDTH: str(width)})
    texts: dict[tuple[int, int], str] = {}
    for row in rows:
        position = 0
        for cell, properties, cell_width, span in row:
            text = texts.get((position, span))
            if text is None:
                text = texts[position, span] = str(sum(widths[position : position + span]))
            position += span
            if properties is None:
                properties = etree.Element(_TCPR)
                cell.insert(0, properties)
            if cell_width is None:
                cell_width = etree.Element(_TCW)
                properties.insert(0, cell_width)
            # Reading is cheaper than writing in lxml; the template's cells mostly hold the width.
            if cell_width.get(_WIDTH) != text:
                cell_width.set(_WIDTH, text)
            if cell_width.get(_TYPE) != "dxa":
                cell_width.set(_TYPE, "dxa")


def _text_width_mm(body: Any) -> float:
    section = body.find(f"{_W}sectPr")
    size = section.find(f"{_W}pgSz") if section is not None else None
    margins = section.find(f"{_W}pgMar") if section is not None else None
    if size is None or margins is None:
        return 165.0
    twips = int(size.get(f"{_W}w")) - int(margins.get(f"{_W}left")) - int(margins.get(f"{_W}right"))
    return twips / _TWIPS_PER_MM


def apply_layout_xml(root: Any) -> bool:
    """Apply widths and keep rules to the parsed ``word/document.xml`` tree ``root`` in place.

    Keep rules (format.md, "Pagination"): header rows and the first data row of a layout table
    keep with the next row; a group row (a row whose second cell spans several columns) keeps
    with the next; before a signature table, the last row of a table or the last paragraphs
    (up to the last non-empty one) keep with it (see :func:`_keep_before`). Returns whether
    anything changed.
    """
    body = root.find(f"{_W}body")
    return False if body is None else apply_layout_body(body)


def apply_layout_body(body: Any) -> bool:
    """:func:`apply_layout_xml` on the ``w:body`` element ``body`` itself (the tree a renderer
    builds of a body alone, before it is serialised into the document). Returns whether
    anything changed."""
    changed = False
    text_width = _text_width_mm(body)
    children = list(body)
    for index, element in enumerate(children):
        if element.tag != _TBL:
            continue
        name = _caption(element)
        if name is None:
            continue
        changed = True
        if name == SIGNATURE:
            _keep_before(children, index)
            continue
        rows, cells = _table_cells(element)
        if name in TABLES:
            _fit_widths(element, name, text_width, cells)
        first_data = True
        for row, row_cells in zip(rows, cells, strict=True):
            if _is_header(row) or _is_group(row_cells):
                _keep_next(row)
            elif first_data:
                _keep_next(row)
                first_data = False
    return changed


def _keep_before(children: list[Any], index: int) -> None:
    """Keep what precedes the signature table at ``index`` with it: empty paragraphs, then the
    last non-empty paragraph, or the last row of a table."""
    position = index - 1
    while position >= 0:
        element = children[position]
        if element.tag == _P:
            _keep_next(element)
            if "".join(element.itertext()).strip():
                return
        elif element.tag == _TBL:
            rows = list(element.iterchildren(_TR))
            if not rows:
                return
            # keepNext on the last row: Word moves it with the signature. LibreOffice 7 reads
            # keepNext in table rows only as the whole table's "keep with next paragraph"
            # (when every row has it), which moves a whole table off its first page: not used.
            _keep_next(rows[-1])
            return
        else:
            return
        position -= 1


def apply_layout(docx: bytes) -> bytes:
    """The DOCX ``docx`` with :func:`apply_layout_xml` applied to its body; the zip's other
    entries and their order and timestamps are kept. Returns ``docx`` itself when it has no
    layout table."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    xml = source.read("word/document.xml")
    if CAPTION_PREFIX.encode() not in xml:
        return docx
    root = etree.fromstring(xml)
    if not apply_layout_xml(root):
        return docx
    updated = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = updated if info.filename == "word/document.xml" else source.read(info)
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
