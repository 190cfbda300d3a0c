"""The table layout of ``docgen.docx_layout`` applied to a DOCX template once, when it is
compiled, and the little of it that depends on a render (which row is the first data row, which
is the last row before the signature) applied to the rendered bytes: a render then needs no parse
and no serialisation of its whole body (a 2,000-row table's body is 5.6 MB of XML).

The result is the same bytes as rendering the template and applying ``docgen.docx_layout`` to the
whole rendered tree (tested on every shipped template and on templates that break each condition
below). ``plan_layout`` returns None for a template that does not meet the conditions, and every
render of it is laid out whole, as before:

- every captioned table (``docgen-layout:<name>``) is a child of the body, outside any Jinja
  block, its caption written ``<w:tblCaption w:val="docgen-layout:…"/>``;
- a layout table (not a signature table) holds no nested table, content control, custom XML or
  alternate content; Jinja in it stands only between rows (statements and comments) or in the
  content of paragraphs (not in table, row, cell or paragraph properties, not between cells, not
  before a paragraph's properties); every row holds whole Jinja blocks, so a render copies each
  template row whole or leaves it out;
- the widest row of a layout table is outside any Jinja block, so a render has as many columns;
- what precedes a signature table, back to the first paragraph with text, is outside Jinja
  blocks and holds no Jinja, except a table without nested tables, whose last rendered row is
  found per render.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

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

_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_SLOT = re.compile("\ue000(\\d+)\ue001")
_OPENERS = frozenset(
    {"for", "if", "macro", "call", "filter", "with", "block", "autoescape", "trans"}
)
_PROPERTIES = frozenset({_PPR, _TCPR, _TRPR, _TBLPR, _TBLGRID})
_MARK = b'<w:tblCaption w:val="' + CAPTION_PREFIX.encode()
_ROW = re.compile(rb"<w:tr[ >]")
_BODY_OPEN = re.compile(rb"<w:body(?: xmlns:\w+=\"[^\"]*\")*>")
_W_BODY = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body"
_SECTPR = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}sectPr"


@dataclass(frozen=True)
class LayoutPlan:
    """A template's body source with the render-independent layout applied, and what is left.

    ``source``: the prepared body (Jinja source of ``w:body``) laid out; ``tables``: how many
    captioned tables a render holds (each once, in order); ``first_data``: indices (among them)
    of the tables whose first data row keeps with the next; ``last_row``: indices of the
    signature tables that keep the last row of the table before them.
    """

    source: str
    tables: int
    first_data: tuple[int, ...]
    last_row: tuple[int, ...]

    def apply(self, body: bytes) -> bytes | None:
        """The rendered body ``body`` (``<w:body xmlns…>…</w:body>``, as lxml writes it) with
        the per-render keep rules applied; None when the render does not hold the captioned
        tables the template has (then the caller lays out the whole tree)."""
        marks = _find_all(body, _MARK)
        opening = _BODY_OPEN.match(body)
        if len(marks) != self.tables or opening is None:
            return None
        rows: set[tuple[int, int]] = set()
        for index in self.first_data:
            found = _first_data_row(body, opening.group(), marks[index])
            if found is not None:
                rows.add(found)
        for index in self.last_row:
            signature = body.rfind(b"<w:tbl>", 0, marks[index])
            end = body.rfind(b"</w:tbl>", 0, signature)
            if signature < 0 or end < 0:
                return None
            row = _last_row_start(body, end)
            # Not a row of an earlier table: the table before the signature may have none.
            if row >= 0 and body.find(b"<w:tbl>", row, end) < 0:
                rows.add((row, body.index(b"</w:tr>", row) + len(b"</w:tr>")))
        if not rows:
            return body
        pieces, position = [], 0
        for start, end in sorted(rows):
            row = _fragment(opening.group(), body[start:end])
            _keep_next(row)
            pieces += [body[position:start], _serialised(row)]
            position = end
        pieces.append(body[position:])
        return b"".join(pieces)


def _find_all(data: bytes, needle: bytes) -> list[int]:
    found, at = [], data.find(needle)
    while at >= 0:
        found.append(at)
        at = data.find(needle, at + 1)
    return found


def _fragment(opening: bytes, xml: bytes) -> Any:
    """The element written as ``xml`` (a row), parsed inside the body's namespace declarations."""
    return etree.fromstring(opening + xml + b"</w:body>")[0]


def _serialised(element: Any) -> bytes:
    """``element`` as lxml writes it inside the document (without the wrapper's declarations)."""
    data = etree.tostring(element.getparent(), encoding="UTF-8")
    return data[data.index(b">") + 1 : -len(b"</w:body>")]


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
        row = _fragment(opening, body[start:stop])
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
        plan = _Planner(body, constructs).plan()
    except (_Refused, etree.XMLSyntaxError, ValueError):
        return None
    source = etree.tostring(body, encoding="unicode")
    return LayoutPlan(_SLOT.sub(lambda m: constructs[int(m.group(1))], source), *plan)


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
        self.jinja_tail: set[Any] = set()
        self.layout_tables = {
            table
            for table in body
            if table.tag == _TBL and _caption(table) not in (None, SIGNATURE)
        }

    def plan(self) -> tuple[int, tuple[int, ...], tuple[int, ...]]:
        for element in self.body.iter():
            if any("\ue000" in value for value in element.attrib.values()):
                raise _Refused
        self._walk()
        captioned = [t for t in self.body if t.tag == _TBL and _caption(t) is not None]
        ours = [c for c in self.body.iter(_TBLCAPTION) if _is_ours(c)]
        if len(ours) != len(captioned):
            raise _Refused  # a caption elsewhere (nested, or two in a table)
        section = self.body.find(_SECTPR)
        if section is not None and (
            self.start[section] != 0 or _SLOT.search("".join(section.itertext()))
        ):
            raise _Refused
        text_width = _text_width_mm(self.body)
        first_data, last_row = [], []
        for index, table in enumerate(captioned):
            if not self._balanced(table) or self.start[table] != 0:
                raise _Refused
            caption = _caption_element(table)  # written as _MARK begins
            if caption.prefix != "w" or list(caption.attrib) != [_VAL]:
                raise _Refused
            if table in self.layout_tables:
                if self._lay_out(table, text_width):
                    first_data.append(index)
            elif self._keep_before(table):
                last_row.append(index)
        return len(captioned), tuple(first_data), tuple(last_row)

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
                if text and "\ue000" in text:
                    self.jinja_tail.add(element)
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

    def _lay_out(self, table: Any, text_width: float) -> bool:
        """Widths and the header and group rows' keep rules applied to ``table``; whether it has
        a data row (whose first rendered instance keeps with the next, per render)."""
        if any(table.iter(*_WRAPPERS[1:])) or any(t is not table for t in table.iter(_TBL)):
            raise _Refused
        rows, cells = _table_cells(table)
        for row in rows:
            if not self._balanced(row):
                raise _Refused
        spans = [sum(cell[3] for cell in row) for row in cells]
        fixed = [span for row, span in zip(rows, spans, strict=True) if self.start[row] == 0]
        if max(fixed, default=-1) != max(spans, default=-1):
            raise _Refused
        name = _caption(table)
        if name in TABLES:
            _fit_widths(table, str(name), text_width, cells)
        has_data = False
        for row, row_cells in zip(rows, cells, strict=True):
            if _is_header(row) or _is_group(row_cells):
                _keep_next(row)
            else:
                has_data = True
        return has_data

    def _keep_before(self, signature: Any) -> bool:
        """docx_layout._keep_before on the template where it does not depend on a render;
        whether the last row of the table before ``signature`` is to be kept per render."""
        children = list(self.body)
        position = children.index(signature) - 1
        while position >= 0:
            element = children[position]
            if element in self.jinja_tail or self.start[element] != 0:
                raise _Refused
            if element.tag == _P:
                text = "".join(element.itertext())
                if "\ue000" in text or any(element.iter(_TBL)):
                    raise _Refused
                _keep_next(element)
                if text.strip():
                    return False
            elif element.tag == _TBL:
                if not self._balanced(element) or any(
                    t is not element for t in element.iter(*_WRAPPERS)
                ):
                    raise _Refused
                return True
            else:
                return False
            position -= 1
        return False


def _caption_element(table: Any) -> Any:
    return table.find(_TBLPR).find(_TBLCAPTION)


def _is_ours(caption: Any) -> bool:
    return (caption.get(_VAL) or "").startswith(CAPTION_PREFIX)
