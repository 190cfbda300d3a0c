"""Table layout: one definition of every table's column widths and keep rules, read by both
renderers (the DOCX templates built by ``docgen.templates_build`` and fixed after rendering,
and the HTML/CSS of the PDF route), so that a paper's tables are the same in DOCX and PDF.

Widths are relative weights in millimetres at the paper's text width (165 mm portrait, 252 mm
landscape with the margins of format.md); :func:`column_widths_mm` scales them to the width at
hand. A column marked ``repeat`` stands for a loop of columns (one per voting step, per title,
per choice): it is repeated as many times as the paper has, and the other columns give up width
in proportion so that the table keeps its width.

Widths were chosen so that nothing breaks inside a word or a date (format.md, "Pagination"): a
date column holds "00/00/0000" at the table's font size with its cell padding, a rating column
"HTXSNV", a header such as "Tỷ lệ (%) so với tổng số người được triệu tập" wraps to at most four
lines. ``tests/test_layout.py`` measures these with the font's own metrics, and the page checks
(``docgen.pagecheck``) measure the rendered pages.

Keep rules (format.md, "Pagination"): a heading, a table's group row and a table's first row are
kept with what follows; the last paragraphs of a body go with the signature block; a row is
never split across pages; header rows repeat. In the DOCX, ``docgen.docx_layout`` applies them
to the rendered tables (found by their caption) and ``docgen.templates_build`` to headings; the
PDF stylesheet (``docgen.pdf``) sets the same rules as ``break-after: avoid`` /
``break-inside: avoid``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Column",
    "TableLayout",
    "TABLES",
    "CAPTION_PREFIX",
    "column_widths_mm",
    "column_percents",
    "table_layout",
]

CAPTION_PREFIX = "docgen-layout:"
"""A DOCX table carries ``w:tblCaption`` = CAPTION_PREFIX + its layout name, so that widths can
be fixed after rendering when a loop changed its column count (Word keeps the caption as the
table's alt-text title)."""


@dataclass(frozen=True)
class Column:
    """One column: a key (what it holds), its weight in mm, and whether it is a repeated loop."""

    key: str
    weight: float
    repeat: int = 0
    """For a loop column: the number of columns ``weight`` is meant for (the loop as a whole
    has ``weight × repeat`` mm, shared by however many columns it renders); 0 otherwise."""


@dataclass(frozen=True)
class TableLayout:
    """The columns of one table and the page width they share (``landscape``: 252 mm, else
    165 mm of text width)."""

    name: str
    columns: tuple[Column, ...]
    landscape: bool = False

    @property
    def repeat_index(self) -> int | None:
        for index, column in enumerate(self.columns):
            if column.repeat:
                return index
        return None


def _table(
    name: str, landscape: bool, *columns: tuple[str, float] | tuple[str, float, int]
) -> TableLayout:
    return TableLayout(name, tuple(Column(*c) for c in columns), landscape)


TABLES: dict[str, TableLayout] = {
    t.name: t
    for t in (
        # Ballot (phiếu): portrait; the two choice columns ("Đồng ý" / "Không đồng ý").
        _table(
            "ballot",
            False,
            ("index", 12),
            ("name", 40),
            ("position", 49),
            ("choice", 24, 2),
            ("note", 16),
        ),
        # Minutes (biên bản kiểm phiếu): the results table of one title.
        _table(
            "results",
            False,
            ("index", 12),
            ("name", 37),
            ("position", 44),
            ("votes", 20),
            ("percent", 30),
            ("result", 22),
        ),
        # Submission (tờ trình): the proposed list.
        _table(
            "proposed",
            False,
            ("index", 12),
            ("name", 31),
            ("birth_date", 23),
            ("position", 31),
            ("title", 25),
            ("votes", 17),
            ("percent", 26),
        ),
        # Review summary table (biểu tổng hợp kết quả rà soát, bổ sung): A4 landscape.
        _table(
            "summary_review",
            True,
            ("index", 9.5),
            ("name", 25),
            ("birth_male", 19),
            ("birth_female", 19),
            ("position", 25),
            ("planned_title", 17),
            ("proposed_title", 17),
            ("education", 17),
            ("political_theory", 13),
            ("planning_decision", 24),
            ("rating_1", 17.5),
            ("rating_2", 17.5),
            ("rating_3", 17.5),
            ("proposal", 14),
        ),
        # New-term summary table (biểu tổng hợp kết quả quy hoạch nhiệm kỳ kế tiếp): one column
        # per voting step.
        _table(
            "summary_next_term",
            True,
            ("index", 9.5),
            ("name", 24.5),
            ("birth_male", 20),
            ("birth_female", 20),
            ("position", 30),
            ("proposed_title", 22),
            ("education", 19),
            ("political_theory", 15),
            ("step", 24, 3),
            ("note", 20),
        ),
        # Trích ngang list.
        _table(
            "trich_ngang",
            True,
            ("index", 9.5),
            ("name", 23.5),
            ("birth_male", 20),
            ("birth_female", 20),
            ("ethnicity", 13),
            ("home_town", 19),
            ("party_join_date", 20),
            ("position", 27),
            ("education", 19),
            ("political_theory", 14),
            ("state_management", 16),
            ("foreign_language", 14),
            ("it_skill", 13),
            ("proposed_title", 24),
        ),
        # Structure statistics (thống kê cơ cấu): one column per title.
        _table(
            "structure",
            True,
            ("index", 12),
            ("indicator", 56),
            ("title", 26, 3),
            ("total", 24),
            ("percent", 30),
            ("target", 52),
        ),
    )
}

TEXT_WIDTH_MM = {False: 165.0, True: 252.0}


def table_layout(name: str) -> TableLayout:
    """The layout called ``name``.

    Raises:
        KeyError: for an unknown table name.
    """
    return TABLES[name]


def column_widths_mm(
    name: str, text_width_mm: float | None = None, repeats: int = 1
) -> list[float]:
    """Column widths in mm of table ``name`` with its ``repeat`` column repeated ``repeats``
    times (≥ 0), scaled to ``text_width_mm`` (default: the layout's page text width).

    The loop columns share a fixed part of the table whatever their number, so that the
    identity columns (names, dates) keep their width.

    Raises:
        KeyError: for an unknown table name.
    """
    layout = TABLES[name]
    width = text_width_mm if text_width_mm is not None else TEXT_WIDTH_MM[layout.landscape]
    weights: list[float] = []
    for column in layout.columns:
        if column.repeat:
            weights.extend([column.weight * column.repeat / max(repeats, 1)] * repeats)
        else:
            weights.append(column.weight)
    total = sum(weights)
    return [w * width / total for w in weights]


def column_percents(name: str, repeats: int = 1) -> list[float]:
    """The widths of :func:`column_widths_mm` as percentages of the table width (for CSS)."""
    widths = column_widths_mm(name, 100.0, repeats)
    return [round(w, 3) for w in widths]
