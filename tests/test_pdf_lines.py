"""Line breaks and shaped lines remembered within a document (docgen.pdf_lines) give the same
PDF, byte for byte, as WeasyPrint breaking and shaping every line anew: every paper of every
example (both dossiers, both plans), a long table, and HTML built around what the memory must
tell apart (styles, widths, justification, hyphenation, decorations, ellipses)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from docgen.checks import PaperContext, example_sources, paper_contexts
from docgen.pdf import PdfRenderer, pdf_renderer
from docgen.pdf_lines import _LINES, TESTED_WEASYPRINT, install, remembered_lines
from docgen.render import template_root


@pytest.fixture(scope="module")
def renderer() -> PdfRenderer:
    return pdf_renderer(template_root(None))


def _examples() -> list[PaperContext]:
    return [paper for source in example_sources() for paper in paper_contexts(source)]


def _both(render: Any) -> tuple[bytes, bytes]:
    """The PDF made without the memory, then with it."""
    assert _LINES.get() is None
    plain = bytes(render())
    with remembered_lines():
        remembered = bytes(render())
    return plain, remembered


def test_the_hooks_are_installed_with_a_tested_weasyprint_only() -> None:
    import weasyprint

    assert install() is weasyprint.__version__.startswith(TESTED_WEASYPRINT)


def test_every_paper_of_every_example_is_the_same_pdf(renderer: PdfRenderer) -> None:
    papers = _examples()
    assert {p.template for p in papers} >= {"plan", "ballot", "minutes", "summary_review"}
    for paper in papers:
        plain, remembered = _both(
            lambda paper=paper: renderer.document(
                paper.kind, paper.template, paper.context
            ).write_pdf()
        )
        assert remembered == plain, (paper.source.name, paper.template)


def test_a_long_table_with_repeated_cells_is_the_same_pdf(renderer: PdfRenderer) -> None:
    paper = next(p for p in _examples() if p.template == "summary_review")
    rows = [r for r in paper.context["rows"] if not r["group"]]
    context = {**paper.context, "rows": [{**rows[i % len(rows)], "index": i} for i in range(90)]}
    plain, remembered = _both(
        lambda: renderer.document(paper.kind, "summary_review", context).write_pdf()
    )
    assert len(PdfReader(io.BytesIO(plain)).pages) >= 5
    assert remembered == plain


TEXT = "Phó Trưởng phòng Tổ chức cán bộ, Văn phòng Ủy ban nhân dân tỉnh"
STYLES = [
    "",
    "font-weight: bold",
    "font-style: italic",
    "font-size: 9pt",
    "letter-spacing: 0.5pt",
    "word-spacing: 2pt",
    "text-align: justify",
    "text-decoration: underline",
    "text-decoration: line-through",
    "text-transform: uppercase",
    "hyphens: auto",
    "overflow-wrap: anywhere",
    "white-space: nowrap",
    "white-space: pre-wrap",
    "overflow: hidden; text-overflow: ellipsis; white-space: nowrap",
    "overflow: hidden; text-overflow: ellipsis",
    "line-height: 2",
    "color: #c00",
    "background: #eee",
    "border: 1pt solid; border-radius: 50%",
    "border: 1pt solid; border-radius: 3pt",
    "border: 1pt solid; box-sizing: border-box; padding: 5%; margin: 2%",
    "float: left; margin-right: 2mm",
    "float: right",
    "direction: rtl",
    "visibility: hidden",
    "display: table-cell; border: 1pt solid; padding: 2pt",
]
WIDTHS = ["12mm", "25mm", "40mm", "31.7mm", "80mm"]


def _built_html() -> str:
    """The same text in every style at every width, twice each, with soft hyphens and a
    word too long for the narrowest cell, in Vietnamese and in English."""
    cells = []
    for style in STYLES:
        for width in WIDTHS:
            for lang in ("vi", "en"):
                for text in (TEXT, "Trưởng\u00adphòng cán\u00adbộ", "Quyhoạchcánbộnhiệmkỳ"):
                    for _ in range(2):  # the second meets the memory
                        cells.append(
                            f'<div lang="{lang}" style="width: {width}; {style}">{text}</div>'
                        )
    # one style at several containing-block widths: the same cell style in columns of
    # different widths, with percentages inside; text flowing around floats
    columns = "".join(f'<col style="width: {w}">' for w in ("10%", "25%", "40%", "25%"))
    row = "<tr>" + f'<td><p class="inside">{TEXT}</p></td>' * 4
    cells.append(f'<table style="width: 100%"><colgroup>{columns}</colgroup>{row * 6}</table>')
    for side in ("left", "right"):
        cells.append(
            f'<div style="width: 60mm"><span style="float: {side}; width: 15mm; height: 12mm">'
            f"</span>{TEXT} {TEXT}</div>"
        )
    style = "<style>.inside { padding: 5% 3%; margin-left: 4% }</style>"
    return f"<html><head>{style}</head><body>" + "".join(cells) + "</body></html>"


def test_built_html_of_every_style_and_width_is_the_same_pdf() -> None:
    html = _built_html()
    plain, remembered = _both(lambda: HTML(string=html).write_pdf())
    assert len(plain) > 10_000
    assert remembered == plain


def test_a_document_written_twice_in_one_block_is_the_same_pdf_each_time() -> None:
    """Lines drawn into one PDF are not replayed into another (which has its own fonts): the
    same laid-out document written twice, then joined with another."""
    first = f"<p style='width: 40mm'>{TEXT}</p>" * 3
    second = f"<p style='width: 40mm; font-weight: bold'>{TEXT}</p><p>{TEXT}</p>"

    def writes() -> list[bytes]:
        one, two = HTML(string=first).render(), HTML(string=second).render()
        joined = one.copy([*one.pages, *two.pages])
        return [one.write_pdf(), one.write_pdf(), two.write_pdf(), joined.write_pdf()]

    plain = writes()
    with remembered_lines():
        remembered = writes()
    assert remembered == plain


def test_each_text_box_gets_its_own_layout() -> None:
    """Repeated texts share the memory's answer, not its layout object: a box that changes
    its layout (an ellipsis) changes no other."""
    if not install():
        pytest.skip("this WeasyPrint is not one the hooks were checked against")
    html = (
        "<html><body>" + '<p style="width: 30mm">Trưởng phòng Tổ chức</p>' * 20 + "</body></html>"
    )
    with remembered_lines():
        document = HTML(string=html).render()
        memory = _LINES.get()
        assert memory is not None and len(memory) > 0
    layouts = [
        box.pango_layout
        for page in document.pages
        for box in _descendants(page._page_box)
        if hasattr(box, "pango_layout")
    ]
    assert len(layouts) >= 40  # the text takes two lines or more in every paragraph
    assert len({layout.text for layout in layouts}) < 5
    assert len({id(layout) for layout in layouts}) == len(layouts)


def test_outside_the_block_nothing_is_remembered() -> None:
    install()
    assert _LINES.get() is None
    HTML(string="<p>Trưởng phòng</p>" * 5).write_pdf()
    assert _LINES.get() is None
    with remembered_lines():
        outer = _LINES.get()
        with remembered_lines():
            assert _LINES.get() is outer  # nested blocks share the outer memory
    assert _LINES.get() is None


def _descendants(box: Any) -> list[Any]:
    found = [box]
    for child in getattr(box, "children", []):
        found.extend(_descendants(child))
    return found


def _built_table() -> str:
    """A table over several pages: a header repeated on each, the same texts in columns of
    different widths, alignments and vertical alignments, cells with percentages, fixed
    heights, a first-line style, markup, nothing; tall rows that break across a page bottom."""
    texts = [TEXT, "Trưởng phòng", "HTTNV", "", "Cao cấp", f"{TEXT} {TEXT}"]
    cells = [
        "",
        "",  # the same cell style in a column of another width
        'class="right"',
        'class="middle"',
        'class="bottom"',
        'class="pad"',
        'class="high"',
        'class="first"',
        'class="rtl"',
    ]
    head = "<thead><tr>" + "".join(f"<th {c}>{TEXT}</th>" for c in cells) + "</tr></thead>"
    rows = []
    for index in range(120):
        row = [
            f"<td {cell}>{texts[(index + column) % len(texts)]}</td>"
            for column, cell in enumerate(cells)
        ]
        if index % 7 == 3:
            row[0] = f"<td><b>{TEXT}</b> {TEXT}</td>"  # markup: laid out as WeasyPrint does
        if index % 11 == 5:
            row[1] = f'<td class="right" id="cell-{index}">{TEXT}<br>{TEXT}</td>'
        rows.append("<tr>" + "".join(row) + "</tr>")
    style = (
        "<style>table { border-collapse: collapse; width: 100% } td, th { border: 0.5pt solid }"
        " .right { text-align: right } .middle { vertical-align: middle }"
        " .bottom { vertical-align: bottom } .pad { padding: 2% 1% }"
        " .high { height: 30mm } .first::first-line { font-weight: bold }"
        " .rtl { direction: rtl } col:nth-child(odd) { width: 9% }</style>"
    )
    columns = "<colgroup>" + "<col>" * len(cells) + "</colgroup>"
    return (
        f"<html><head>{style}</head><body><table>{columns}{head}<tbody>"
        + "".join(rows)
        + "</tbody></table></body></html>"
    )


def test_a_built_table_of_repeated_cells_is_the_same_pdf() -> None:
    html = _built_table()
    plain, remembered = _both(lambda: HTML(string=html).write_pdf())
    assert len(PdfReader(io.BytesIO(plain)).pages) >= 8
    assert remembered == plain


def test_a_remembered_cell_belongs_to_its_own_element() -> None:
    """A cell copied from an earlier one has its own element on every box (links, anchors and
    tags are found through it) and its own text layouts."""
    if not install():
        pytest.skip("this WeasyPrint is not one the hooks were checked against")
    from weasyprint.formatting_structure.boxes import TableCellBox

    with remembered_lines():
        document = HTML(string=_built_table()).render()
    cells = [
        box
        for page in document.pages
        for box in _descendants(page._page_box)
        if isinstance(box, TableCellBox)
    ]
    assert len(cells) > 900
    texts = [b for cell in cells for b in _descendants(cell) if hasattr(b, "pango_layout")]
    assert len({id(b.pango_layout) for b in texts}) == len(texts)
    for cell in cells:
        inside = {id(element) for element in cell.element.iter()}
        assert all(id(b.element) in inside for b in _descendants(cell)[1:])
