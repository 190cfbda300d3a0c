"""The table layout of ``docgen.docx_layout`` applied to a DOCX template once, when it is
compiled, and the little of it that depends on a render (which row is a table's first data row,
what precedes a signature table) applied to the rendered bytes: a render then needs no parse
and no serialisation of its whole body (a 2,000-row table's body is 5.6 MB of XML).

The result is the same bytes as rendering the template and applying ``docgen.docx_layout`` to the
whole rendered tree (tested on every shipped template and on templates that break each condition
below). ``plan_layout`` returns None for a template that does not meet the conditions, and every
render of it is laid out whole, as before:

- no table holds another table, and no paragraph holds a table; every captioned table
  (``docgen-layout:<name>``) is a child of the body, its caption written
  ``<w:tblCaption w:val="docgen-layout:…"/>``, and holds whole Jinja blocks (a loop may repeat
  it, a condition leave it out);
- between the body's children, Jinja holds statements and comments only (``{%p … %}``);
- a layout table (not a signature table) holds no content control, custom XML or alternate
  content; Jinja in it stands only between rows (statements and comments) or in the content of
  paragraphs (not in table, row, cell or paragraph properties, not between cells, not before a
  paragraph's properties); every row holds whole Jinja blocks, so a render copies each template
  row whole or leaves it out; its widest row is outside the table's Jinja blocks, so every
  render has as many columns.

Values are text (escaped) or docgen's rich text (runs): a value marked safe that holds tables
or captions is not expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

from docgen.docx_engine import _BODY_OPEN
from docgen.docx_engine import _JINJA_CONSTRUCTS as _JINJA
from docgen.docx_layout import (
    _P,
    _PPR,
    _TBL,
    _TBLCAPTION,
    _TBLGRID,
    _TBLPR,
    _TC,
    _TCPR,
    _TR,
    _TRPR,
    _VAL,
    _WRAPPERS,
    SIGNATURE,
    _caption,
    _cells,
    _fit_widths,
    _is_group,
    _is_header,
    _keep_next,
    _table_cells,
    _text_width_mm,
)
from docgen.layout import CAPTION_PREFIX, TABLES

__all__ = ["LayoutPlan", "plan_layout"]

_SLOT = re.compile("\ue000(\\d+)\ue001")
_OPENERS = frozenset(
    {"for", "if", "macro", "call", "filter", "with", "block", "autoescape", "trans"}
)
_PROPERTIES = frozenset({_PPR, _TCPR, _TRPR, _TBLPR, _TBLGRID})
_MARK = b'<w:tblCaption w:val="' + CAPTION_PREFIX.encode()
_ROW = re.compile(rb"<w:tr[ >]")
_W_BODY = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body"
_SECTPR = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}sectPr"


@dataclass(frozen=True)
class LayoutPlan:
    """A template's body source (``source``: the Jinja source of ``w:body`` after docxtpl's
    patch_xml) with the layout that does not depend on a render applied: column widths, the
    header and group rows' keep rules."""

    source: str

    def apply(self, body: bytes) -> bytes:
        """The rendered body ``body`` (``<w:body xmlns…>…</w:body>``, as lxml writes it) with
        the keep rules a render decides: each layout table's first data row, and what precedes
        each signature table (docx_layout._keep_before).

        Raises:
            ValueError: ``body`` does not begin with the body's opening tag.
        """
        opening = _BODY_OPEN.match(body)
        if opening is None:
            raise ValueError("a rendered body begins with <w:body …>")
        edits: dict[tuple[int, int], bytes] = {}
        for mark in _find_all(body, _MARK):
            name_start = mark + len(_MARK)
            name = body[name_start : body.index(b'"', name_start)].decode()
            if name == SIGNATURE:
                _keep_before(body, opening, mark, edits)
                continue
            found = _first_data_row(body, opening.group(), mark)
            if found is not None:
                edits[found] = _kept_row(body, opening.group(), found)
        if not edits:
            return body
        pieces, position = [], 0
        for (start, end), replacement in sorted(edits.items()):
            pieces += [body[position:start], replacement]
            position = end
        pieces.append(body[position:])
        return b"".join(pieces)


def _kept_row(body: bytes, opening: bytes, span: tuple[int, int]) -> bytes:
    """The row at ``span`` of ``body`` with keepNext on its paragraphs, as lxml writes it."""
    wrapper = etree.fromstring(opening + body[span[0] : span[1]] + b"</w:body>")
    _keep_next(wrapper[0])
    return _inner(wrapper)


def _keep_before(
    body: bytes, opening: re.Match[bytes], mark: int, edits: dict[tuple[int, int], bytes]
) -> None:
    """docx_layout._keep_before for the signature table captioned at ``mark``: the body's
    children between the table before it (or the body's start) and it are parsed; the empty
    paragraphs and the last one with text keep with it, or, when all are empty paragraphs, the
    last row of the table before."""
    signature = body.rfind(b"<w:tbl>", 0, mark)
    end = body.rfind(b"</w:tbl>", 0, signature)  # a child of the body: no table holds another
    start = end + len(b"</w:tbl>") if end >= 0 else opening.end()
    wrapper = etree.fromstring(opening.group() + body[start:signature] + b"</w:body>")
    changed = False
    for element in reversed(list(wrapper)):
        if element.tag != _P:
            break
        _keep_next(element)
        changed = True
        if "".join(element.itertext()).strip():
            break
    else:  # nothing but empty paragraphs: the table before, if any, keeps its last row
        row = _last_row_start(body, end) if end >= 0 else -1
        if row >= 0 and body.find(b"<w:tbl>", row, end) < 0:  # a row of that very table
            span = (row, body.index(b"</w:tr>", row) + len(b"</w:tr>"))
            edits[span] = _kept_row(body, opening.group(), span)
    if changed:
        edits[start, signature] = _inner(wrapper)


def _inner(wrapper: Any) -> bytes:
    """What the body wrapper ``wrapper`` holds, as lxml writes it inside the document."""
    data = etree.tostring(wrapper, encoding="UTF-8")
    return data[data.index(b">") + 1 : -len(b"</w:body>")]


def _find_all(data: bytes, needle: bytes) -> list[int]:
    found, at = [], data.find(needle)
    while at >= 0:
        found.append(at)
        at = data.find(needle, at + 1)
    return found


def _last_row_start(body: bytes, end: int) -> int:
    """Where the last row (``<w:tr>`` or ``<w:tr …>``) before ``end`` starts, or -1."""
    row = body.rfind(b"<w:tr", 0, end)
    while row >= 0 and body[row + 5 : row + 6] not in (b">", b" "):  # <w:trPr>, <w:trHeight>
        row = body.rfind(b"<w:tr", 0, row)
    return row


def _first_data_row(body: bytes, opening: bytes, mark: int) -> tuple[int, int] | None:
    """The byte span of the first row of the table captioned at ``mark`` that is neither a
    header row nor a group row (docx_layout.apply_layout_body's first data row), or None.
    Rows are read one by one from the caption (the table holds no nested table)."""
    position = mark
    while True:
        found = _ROW.search(body, position)
        if found is None or body.find(b"</w:tbl>", position, found.start()) >= 0:
            return None
        start = found.start()
        stop = body.index(b"</w:tr>", start) + len(b"</w:tr>")
        row = etree.fromstring(opening + body[start:stop] + b"</w:body>")[0]
        if not (_is_header(row) or _is_group(_cells(row))):
            return start, stop
        position = stop


def _effect(construct: str) -> int:
    """How a Jinja construct changes the block depth: +1 opens a block, -1 closes one."""
    if not construct.startswith("{%"):
        return 0
    words = construct[2:-2].strip("-+ \t\r\n").split(None, 1)
    if not words:
        return 0
    if words[0].startswith("end"):
        return -1
    if words[0] in _OPENERS or (words[0] == "set" and "=" not in construct):
        return 1
    return 0


class _Refused(Exception):
    """The template does not meet a condition of the module docstring."""


def plan_layout(prepared: str) -> LayoutPlan | None:
    """The LayoutPlan of a prepared template body (``<w:body …>`` with Jinja, after docxtpl's
    patch_xml), or None when the template does not meet the conditions of this module (see its
    docstring) or has no captioned table."""
    if CAPTION_PREFIX not in prepared or "\ue000" in prepared or "\ue001" in prepared:
        return None
    if not prepared.startswith("<w:body") or not prepared.endswith("</w:body>"):
        return None
    constructs: list[str] = []

    def slot(match: re.Match[str]) -> str:
        constructs.append(match.group())
        return f"\ue000{len(constructs) - 1}\ue001"

    try:
        body = etree.fromstring(_JINJA.sub(slot, prepared).encode("utf-8"))
        _Planner(body, constructs).plan()
    except (_Refused, etree.XMLSyntaxError, ValueError):
        return None
    source = etree.tostring(body, encoding="unicode")
    return LayoutPlan(_SLOT.sub(lambda m: constructs[int(m.group(1))], source))


class _Planner:
    """Walks a template body whose Jinja constructs are slots (``\\ue000N\\ue001``), checks the
    conditions, applies the render-independent layout in place and says what is left."""

    def __init__(self, body: Any, constructs: list[str]):
        if body.tag != _W_BODY:
            raise _Refused
        self.body = body
        self.constructs = constructs
        self.start: dict[Any, int] = {}
        self.end: dict[Any, int] = {}
        self.lowest: dict[Any, int] = {}
        self.layout_tables = {
            table
            for table in body
            if table.tag == _TBL and _caption(table) not in (None, SIGNATURE)
        }

    def plan(self) -> None:
        """Check the conditions and lay out the template in place, or raise _Refused."""
        for element in self.body.iter():
            if any("\ue000" in value for value in element.attrib.values()):
                raise _Refused
        self._walk()
        if any(table.getparent() is not self.body for table in self.body.iter(_TBL)):
            raise _Refused  # a table in a table, a text box or a content control
        for child in (None, *self.body):  # between the body's children: statements only
            text = self.body.text if child is None else child.tail
            if text and (_SLOT.sub("", text).strip() or "{{" in _SLOT.sub(self._construct, text)):
                raise _Refused
        captioned = [t for t in self.body if t.tag == _TBL and _caption(t) is not None]
        if len([c for c in self.body.iter(_TBLCAPTION) if _is_ours(c)]) != len(captioned):
            raise _Refused  # two captions in a table
        section = self.body.find(_SECTPR)
        if section is not None and (
            self.start[section] != 0 or _SLOT.search("".join(section.itertext()))
        ):
            raise _Refused
        text_width = _text_width_mm(self.body)
        for table in captioned:
            caption = _caption_element(table)  # written as _MARK begins
            if not self._balanced(table) or caption.prefix != "w" or list(caption.attrib) != [_VAL]:
                raise _Refused
            if table in self.layout_tables:
                self._lay_out(table, text_width)

    def _construct(self, match: re.Match[str]) -> str:
        return self.constructs[int(match.group(1))]

    def _walk(self) -> None:
        """Block depths at the start and end of every element, the lowest depth inside each,
        and the check of where Jinja stands in layout tables."""
        depth = 0
        open_elements: list[Any] = []
        for event, element in etree.iterwalk(self.body, events=("start", "end")):
            if event == "start":
                self.start[element] = self.lowest[element] = depth
                open_elements.append(element)
                text, container, after = element.text, element, None
            else:
                open_elements.pop()
                self.end[element] = depth
                text, container, after = element.tail, element.getparent(), element
            if not text or "\ue000" not in text or container is None:
                continue
            self._check_place(container, after, text)
            for index in _SLOT.findall(text):
                depth += _effect(self.constructs[int(index)])
                for holder in open_elements:
                    self.lowest[holder] = min(self.lowest[holder], depth)
        if depth != 0:
            raise _Refused

    def _check_place(self, container: Any, after: Any, text: str) -> None:
        """Refuse Jinja in a layout table where a render could change what the layout reads:
        ``container`` holds ``text`` as its text (``after`` None) or as the tail of ``after``."""
        chain = []
        element = container
        while element is not None and element is not self.body:
            chain.append(element)
            element = element.getparent()
        table = chain[-1] if chain else None
        if table not in self.layout_tables:
            return
        if any(element.tag in _PROPERTIES for element in chain) or not self._allowed(
            container, after, text, chain
        ):
            raise _Refused

    def _allowed(self, container: Any, after: Any, text: str, chain: list[Any]) -> bool:
        """Whether Jinja may stand in ``container`` of a layout table (outside properties)."""
        tag = container.tag
        if tag == _TBL:  # between rows: statements and comments only
            constructs = [self.constructs[int(i)] for i in _SLOT.findall(text)]
            return (
                after is not None
                and after.tag in (_TR, _TBLGRID)
                and not any(c.startswith("{{") for c in constructs)
                and not _SLOT.sub("", text).strip()
            )
        if tag == _TR:  # between cells
            return False
        if tag == _TC:  # between paragraphs, not before the cell's properties
            return after is not None and after.tag in (_TCPR, _P)
        if tag == _P:  # not before the paragraph's properties
            return after is not None
        return any(element.tag == _P for element in chain)  # inside a paragraph's content

    def _balanced(self, element: Any) -> bool:
        return self.end[element] == self.start[element] <= self.lowest[element]

    def _lay_out(self, table: Any, text_width: float) -> None:
        """Widths and the header and group rows' keep rules applied to ``table``."""
        if any(table.iter(*_WRAPPERS[1:])):
            raise _Refused
        rows, cells = _table_cells(table)
        if not all(self._balanced(row) for row in rows):
            raise _Refused
        spans = [sum(cell[3] for cell in row) for row in cells]
        depth = self.start[table]
        fixed = [span for row, span in zip(rows, spans, strict=True) if self.start[row] == depth]
        if max(fixed, default=-1) != max(spans, default=-1):
            raise _Refused
        name = _caption(table)
        if name in TABLES:
            _fit_widths(table, str(name), text_width, cells)
        for row, row_cells in zip(rows, cells, strict=True):
            if _is_header(row) or _is_group(row_cells):
                _keep_next(row)


def _caption_element(table: Any) -> Any:
    return table.find(_TBLPR).find(_TBLCAPTION)


def _is_ours(caption: Any) -> bool:
    return (caption.get(_VAL) or "").startswith(CAPTION_PREFIX)
