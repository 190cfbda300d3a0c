"""A long table as PDF laid out in parallel: its page breaks predicted, the rows cut at predicted
breaks into parts laid out at once by forked processes, every prediction checked against the
parts' own layout, the parts joined; where any check fails, None (the caller lays the table out
whole).

Why the parts give the pages of a plain render: a table row is never cut (``break-inside:
avoid``) and its height does not depend on the page, so a page that starts with row r is laid
out from row r on the same whatever came before. A part that starts at a real page break, with
the page number of that page, therefore sets the same pages as the whole table from there. Where
the real breaks are is predicted: each row's height from its cells' line counts (Pango, as
WeasyPrint breaks lines, at the cell widths of a short sample layout of the same table), and the
breaks by filling pages as WeasyPrint does (a row that does not fit goes to the next page, with
the row before it when that one must stay with its next). Each part then checks, on its own
layout, that its pages start at the predicted rows up to the next part's start and that the next
part's first page number is right; a part laid out from a real break is exact up to its own last
page, so the whole chain is checked.
"""

from __future__ import annotations

import gc
import html as html_text
import multiprocessing
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from docgen.models import IssuerKind
    from docgen.pdf import PdfRenderer

__all__ = ["SPLIT_TEMPLATES", "predict_breaks", "render_split"]

SPLIT_TEMPLATES = frozenset({"summary_review", "summary_next_term", "trich_ngang"})
"""Papers made of one long table (class ``grid``) between a heading and a signature."""
SAMPLE_ROWS = 16
"""Rows of the sample layout that measures cell widths, line heights and page geometry."""
MIN_PART_PAGES = 8
"""A table of fewer pages per worker is laid out whole."""
MARGIN = 0.5
"""A predicted row bottom this close (CSS px) above the page bottom is not trusted: whether it
fits depends on the space the table reserves below its rows (its half bottom border)."""

_GRID = '<table class="grid">'
_HIDDEN_ROW = '<tr style="display: none"></tr>'
_ROW = re.compile(r"<tr([^>]*)>(.*?)</tr>", re.DOTALL)
_CELL = re.compile(r"<td([^>]*)>(.*?)</td>", re.DOTALL)
_SPACE = re.compile(r"[ \t\n\r\f]+")

Signature = tuple[str, tuple[str, ...]]
"""A row's attributes and its cells' attributes: rows of one signature share widths and styles."""


@dataclass(frozen=True)
class Row:
    """A body row: its kind, its cells' text as WeasyPrint sets it (spaces collapsed), and
    whether it must stay on the page of the next row."""

    signature: Signature
    texts: tuple[str, ...]
    keep_with_next: bool


@dataclass(frozen=True)
class Part:
    """Rows ``start``..``stop`` laid out as one document whose first page is page ``number``;
    its pages up to the one starting at row ``until`` (None: all) go into the PDF, and they must
    start at ``starts``."""

    start: int
    stop: int
    number: int
    until: int | None
    starts: tuple[int, ...]
    first: bool
    last: bool


def _table(html: str) -> tuple[int, int, int, int] | None:
    """Offsets of the grid table, its tbody content start and end, and the table end."""
    start = html.find(_GRID)
    if start < 0 or html.find(_GRID, start + 1) >= 0:
        return None
    body = html.find("<tbody>", start)
    body_end = html.find("</tbody>", start)
    end = html.find("</table>", start)
    if not 0 < body < body_end < end:
        return None
    return start, body + len("<tbody>"), body_end, end + len("</table>")


def _rows(html: str) -> list[Row] | None:
    """The body rows of the grid table, their cells as text; None for cells with markup."""
    found = _table(html)
    if found is None:
        return None
    rows = []
    for attributes, inner in _ROW.findall(html[found[1] : found[2]]):
        cells = _CELL.findall(inner)
        if any("<" in text for _, text in cells) or _CELL.sub("", inner).strip():
            return None
        texts = tuple(
            _SPACE.sub(" ", html_text.unescape(text)).strip(" \t\n\r\f") for _, text in cells
        )
        signature = (attributes.strip(), tuple(a.strip() for a, _ in cells))
        rows.append(Row(signature, texts, False))
    return rows


def _part_html(html: str, part: Part) -> str | None:
    """The paper's HTML (rendered with the part's rows) as a part: the heading only in the first
    part, the signature only in the last; hidden rows stand first or last elsewhere so that
    ``:first-child`` and ``:last-child`` fall where they fall in the whole table."""
    found = _table(html)
    if found is None:
        return None
    start, body, body_end, end = found
    opening = html.index("<body>") + len("<body>")
    closing = html.rindex("</body>")
    head = html[:start] if part.first else html[:opening]
    rows = html[body:body_end]
    if not part.first:
        rows = _HIDDEN_ROW + rows
    if not part.last:
        rows += _HIDDEN_ROW
    tail = html[end:] if part.last else html[closing:]
    return head + html[start:body] + rows + html[body_end:end] + tail


class _Model:
    """What the sample layout measured: per row signature the cell widths and styles, the line
    height and the height a row adds beyond its lines; the top of the rows on the first page and
    on the next ones; the bottom of the page area."""

    def __init__(self, document: Any, rows: list[Row]) -> None:
        from weasyprint.formatting_structure.boxes import LineBox

        self.cells: dict[Signature, list[tuple[Any, float]]] = {}
        self.line: dict[Signature, float] = {}
        self.extra: dict[Signature, float] = {}
        self.tops: list[float] = []
        self.bottom = 0.0
        self.keeps: dict[Signature, bool] = {}
        self.first_keeps = False
        self.valid = True
        boxes: list[Any] = []
        for page in document.pages:
            body = _body_rows(page)
            previous = boxes[-1].element if boxes else None
            body = [b for b in body if b.element is not previous]
            if body:
                self.tops.append(body[0].position_y)
            boxes.extend(body)
            box = page._page_box
            self.bottom = box.content_box_y() + box.height
        if len(boxes) != len(rows) or len(self.tops) < 2:
            self.valid = False
            return
        measured: list[tuple[Row, Any]] = list(zip(rows, boxes, strict=True))
        self.first_keeps = _keeps(boxes[0])
        for row, box in measured[1:]:  # the first row has a rule of its own (:first-child)
            if self.keeps.setdefault(row.signature, _keeps(box)) != _keeps(box):
                self.valid = False
                return
        for row, box in measured:
            heights = {
                round(b.height, 6)
                for c in box.children
                for b in c.descendants()
                if isinstance(b, LineBox)
            }
            if len(heights) > 1 or len(box.children) != len(row.texts):
                self.valid = False
                return
            self.cells.setdefault(row.signature, [(c.style, c.width) for c in box.children])
            if heights:
                line = heights.pop()
                if self.line.setdefault(row.signature, line) != line:
                    self.valid = False
                    return
        self.counter = _LineCounter()
        for row, box in measured:
            if row.signature not in self.line:
                self.valid = False
                return
            extra = box.height - self.lines(row) * self.line[row.signature]
            if abs(self.extra.setdefault(row.signature, extra) - extra) > 1e-6:
                self.valid = False
                return

    def keep(self, row: Row) -> Row | None:
        """The row with its break-after rule (from the sample rows of its signature); None for a
        signature the sample has not measured."""
        if row.signature not in self.keeps or row.signature not in self.cells:
            return None
        return Row(row.signature, row.texts, self.keeps[row.signature])

    def lines(self, row: Row) -> int:
        return max(
            (
                self.counter.count(text, style, width)
                for text, (style, width) in zip(row.texts, self.cells[row.signature], strict=True)
            ),
            default=0,
        )

    def height(self, row: Row) -> float | None:
        if row.signature not in self.cells or len(row.texts) != len(self.cells[row.signature]):
            return None
        return self.lines(row) * self.line[row.signature] + self.extra[row.signature]


class _LineCounter:
    """Lines of a text at a width in a style, as WeasyPrint's Pango layout breaks them."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, int, float], int] = {}

    def count(self, text: str, style: Any, width: float) -> int:
        from weasyprint.text.ffi import ffi, pango
        from weasyprint.text.line_break import create_layout

        if not text:
            return 0
        key = (text, id(style), width)
        if key not in self.cache:
            layout = create_layout(text, style, None, width, 0)
            lines = 0
            while pango.pango_layout_get_line_readonly(layout.layout, lines) != ffi.NULL:
                lines += 1
            self.cache[key] = lines
        return self.cache[key]


def _keeps(box: Any) -> bool:
    """Whether a row box must stay on the page of the next row (break-after: avoid)."""
    return str(box.style["break_after"]) in ("avoid", "avoid-page")


def _body_rows(page: Any) -> list[Any]:
    from weasyprint.formatting_structure.boxes import TableBox

    return [
        row
        for box in page._page_box.descendants()
        if isinstance(box, TableBox) and "grid" in (box.element.get("class") or "").split()
        for group in box.children
        if not group.is_header and not group.is_footer
        for row in group.children
    ]


def predict_breaks(model: _Model, rows: list[Row]) -> list[int] | None:
    """The row starting each page, by filling pages as WeasyPrint does; None where a row is of
    an unmeasured kind, taller than a page, or ends too near the page bottom to be sure.
    ``rows`` carry their break-after rule (_Model.keep)."""
    starts = [0]
    first_keeps = model.first_keeps
    y = model.tops[0]
    index = 0
    while index < len(rows):
        height = model.height(rows[index])
        if height is None:
            return None
        bottom = y + height
        if model.bottom - MARGIN < bottom <= model.bottom + 1e-6:
            return None  # fits only if the table reserves no space at the page bottom
        if bottom <= model.bottom or index == starts[-1]:
            if index == starts[-1] and bottom > model.bottom:
                return None  # one row taller than the page
            y = bottom
            index += 1
            continue
        cut = index  # break before the row, or before the rows it must stay with
        while cut > starts[-1] and (rows[cut - 1].keep_with_next or (cut == 1 and first_keeps)):
            cut -= 1
        if cut <= starts[-1]:
            return None  # no break allowed on this page: WeasyPrint moves the whole table
        starts.append(cut)
        index = cut
        y = model.tops[1]
    return starts


def _plan(starts: list[int], rows: int, workers: int) -> list[Part] | None:
    """Parts cut at predicted page starts, about as many pages each, each laid out one row past
    the page where the next part starts."""
    count = min(workers, len(starts) // MIN_PART_PAGES)
    if count < 2:
        return None
    cuts = [round(i * len(starts) / count) for i in range(count)] + [len(starts)]
    parts = []
    for i in range(count):
        first_page, next_page = cuts[i], cuts[i + 1]
        last = i == count - 1
        if not last and next_page + 1 >= len(starts):
            return None
        # one row past the page of the next part's start, so that this page is not the last
        stop = rows if last else starts[next_page + 1] + 1
        parts.append(
            Part(
                start=starts[first_page],
                stop=stop,
                number=first_page + 1,
                until=None if last else starts[next_page],
                starts=tuple(starts[first_page:next_page]),
                first=i == 0,
                last=last,
            )
        )
    return parts


def _lay_out_part(
    renderer: PdfRenderer,
    kind: IssuerKind,
    template: str,
    context: dict[str, Any],
    title: str,
    part: Part,
) -> tuple[Any, list[int]] | None:
    """The part laid out, and what starts each of its pages: the row's index in the table,
    -1 for a page continuing a row, -2 for a page without rows; None when its HTML is not one
    table."""
    from weasyprint import CSS, HTML

    html = _part_html(
        renderer.html(
            kind, template, {**context, "rows": context["rows"][part.start : part.stop]}, title
        ),
        part,
    )
    if html is None:
        return None
    sheets = [renderer.stylesheets[(kind, True)]]
    if not part.first:
        sheets.append(
            CSS(
                string=f"@page :first {{ counter-reset: page {part.number}; "
                "@top-center { content: counter(page); } }",
                font_config=renderer.font_config,
            )
        )
    document = HTML(string=html, base_url=str(renderer.templates)).render(
        stylesheets=sheets, font_config=renderer.font_config
    )
    starts: list[int] = []
    seen = -1
    previous = None
    for page in document.pages:
        body = _body_rows(page)
        if not body:
            starts.append(-2)
        elif body[0].element is previous:
            starts.append(-1)
        else:
            starts.append(part.start + seen + 1)
        for row in body:
            if row.element is not previous:
                seen += 1
                previous = row.element
    return document, starts


def _part_worker(
    connection: Connection,
    renderer: PdfRenderer,
    kind: IssuerKind,
    template: str,
    context: dict[str, Any],
    title: str,
    part: Part,
) -> None:
    """In a forked process: lay the part out, check its page starts against the prediction,
    send its pages as PDF (or why not)."""
    from docgen.frames import with_room

    gc.disable()
    try:
        laid_out = with_room(  # see docgen.frames
            lambda: _lay_out_part(renderer, kind, template, context, title, part)
        )
        if laid_out is None:
            connection.send(("refused", "not one table"))
            return
        document, starts = laid_out
        if part.until is None:
            # the last part: its start is checked by the part before; near the end the signature
            # moves breaks the prediction does not model, so only its first pages are compared
            keep = len(document.pages)
            checked = list(part.starts[: max(1, len(part.starts) - 2)])
            exact = starts[: len(checked)] == checked
        else:
            keep = len(part.starts)
            checked = [*part.starts, part.until]
            exact = starts[: len(checked)] == checked and len(starts) > len(checked)
        if not exact:
            connection.send(("refused", f"pages start at rows {starts}, predicted {checked}"))
            return
        pages = document.copy(document.pages[:keep])
        connection.send(("pdf", bytes(with_room(pages.write_pdf))))
    except Exception as exc:  # reported to the parent, which lays the table out whole
        connection.send(("error", repr(exc)))
    finally:
        connection.close()


def _sample(
    renderer: PdfRenderer,
    kind: IssuerKind,
    template: str,
    context: dict[str, Any],
    title: str,
    rows: list[Row],
) -> _Model | None:
    """The model measured on a sample: the table's first SAMPLE_ROWS rows, then the first row
    of every other signature, laid out as a first part (heading, no signature, a hidden last
    row); None when the sample's rows are not those asked for or cannot be measured."""
    from weasyprint import HTML

    seen = {row.signature for row in rows[1:SAMPLE_ROWS]}
    chosen = list(range(SAMPLE_ROWS))
    for index, row in enumerate(rows):
        if row.signature not in seen:
            seen.add(row.signature)
            chosen.append(index)
    sample_rows = [rows[i] for i in chosen]
    html = renderer.html(
        kind, template, {**context, "rows": [context["rows"][i] for i in chosen]}, title
    )
    if _rows(html) != sample_rows:
        return None
    part_html = _part_html(html, Part(0, len(chosen), 1, None, (), first=True, last=False))
    if part_html is None:
        return None
    document = HTML(string=part_html, base_url=str(renderer.templates)).render(
        stylesheets=[renderer.stylesheets[(kind, True)]], font_config=renderer.font_config
    )
    model = _Model(document, sample_rows)
    return model if model.valid else None


def render_split(
    renderer: PdfRenderer,
    kind: IssuerKind,
    template: str,
    context: dict[str, Any],
    title: str,
    workers: int,
) -> bytes | None:
    """The long table of ``template`` as PDF, laid out in parts by ``workers`` forked processes;
    None when it is not such a table, too short to cut, its breaks cannot be predicted with
    certainty, or a part finds its pages elsewhere than predicted (then lay it out whole)."""
    from docgen.pdf_chunks import join_parts

    rows_data = context.get("rows")
    if template not in SPLIT_TEMPLATES or not isinstance(rows_data, list) or workers < 2:
        return None
    rows = _rows(renderer.html(kind, template, context, title))
    if rows is None or len(rows) != len(rows_data) or len(rows) <= SAMPLE_ROWS:
        return None
    model = _sample(renderer, kind, template, context, title, rows)
    if model is None:
        return None
    kept = [model.keep(row) for row in rows]
    if any(row is None for row in kept):
        return None
    starts = predict_breaks(model, [row for row in kept if row is not None])
    parts = _plan(starts, len(rows), workers) if starts else None
    if parts is None:
        return None
    fork = multiprocessing.get_context("fork")
    links = []
    for part in parts:
        parent, child = fork.Pipe()
        process = fork.Process(
            target=_part_worker,
            args=(child, renderer, kind, template, context, title, part),
            daemon=True,
        )
        process.start()
        child.close()
        links.append((parent, process))
    answers = []
    for parent, process in links:
        try:
            answers.append(parent.recv())
        except (EOFError, OSError):
            answers.append(("error", "the process ended"))
        finally:
            parent.close()
            process.join()
    if any(answer != "pdf" for answer, _ in answers):
        return None
    return join_parts([data for _, data in answers])
