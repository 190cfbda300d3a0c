"""The one table layout (docgen.layout): widths that fit their content, measured with the font's
own metrics, and the same widths in the rendered DOCX and in the PDF's HTML (issue 8, point 6)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import etree

from docgen.dossier import build_dossier
from docgen.layout import TABLES, column_percents, column_widths_mm
from docgen.pdf import colgroup

from .conftest import PARTY_EXAMPLE, STATE_EXAMPLE

FONTS = Path("/usr/share/fonts/truetype/liberation2")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PADDING_MM = 2.0  # 1 mm each side (the templates' cell margins)
SIZES = {False: 12.0, True: 10.5}  # table text: portrait, landscape (the style profiles)


@pytest.fixture(scope="module")
def measure() -> object:
    if not (FONTS / "LiberationSerif-Regular.ttf").exists():
        pytest.skip("Liberation Serif is not installed (scripts/setup-system installs it)")
    fonts = {
        bold: TTFont(FONTS / f"LiberationSerif-{'Bold' if bold else 'Regular'}.ttf")
        for bold in (False, True)
    }

    def width_mm(text: str, size: float, bold: bool = False) -> float:
        font = fonts[bold]
        cmap = font.getBestCmap()
        metrics = font["hmtx"]
        units = font["head"].unitsPerEm
        advance = sum(metrics[cmap[ord(ch)]][0] for ch in text)
        return advance / units * size * 25.4 / 72

    return width_mm


# What must fit on one line of each column, whatever the paper: (text, bold).
MUST_FIT = {
    "index": [("STT", True)],
    "birth_date": [("00/00/0000", False)],
    "birth_male": [("00/00/0000", False), ("(ngày", True)],
    "birth_female": [("00/00/0000", False), ("(ngày", True)],
    "party_join_date": [("00/00/0000", False)],
    "planning_decision": [("215-QĐ/ĐU", False), ("00/00/0000", False)],
    "rating_1": [("HTXSNV", False), ("2021", True)],
    "rating_2": [("HTXSNV", False)],
    "rating_3": [("HTXSNV", False)],
    "percent": [("100,00", False), ("(lượt", True)],
    "votes": [("phiếu", True)],
    "step": [("(100,00%)", False)],
    "result": [("Không đạt", False)],
}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_each_column_fits_what_it_must_hold(name: str, measure: object) -> None:
    layout = TABLES[name]
    size = SIZES[layout.landscape]
    repeats = {"step": 4, "title": 4, "choice": 2}
    index = layout.repeat_index
    count = repeats[layout.columns[index].key] if index is not None else 1
    widths = column_widths_mm(name, repeats=count)
    keys = [c.key for c in layout.columns]
    if index is not None:
        keys = keys[:index] + [keys[index]] * count + keys[index + 1 :]
    problems = []
    for key, width in zip(keys, widths, strict=True):
        for text, bold in MUST_FIT.get(key, []):
            needed = measure(text, size, bold) + PADDING_MM  # type: ignore[operator]
            if needed > width:
                problems.append(f"{key}: “{text}” needs {needed:.1f} mm, has {width:.1f} mm")
    assert not problems, f"{name}: " + "; ".join(problems)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_widths_fill_the_text_width(name: str) -> None:
    layout = TABLES[name]
    for repeats in (1, 2, 3, 5):
        assert sum(column_widths_mm(name, repeats=repeats)) == pytest.approx(
            252.0 if layout.landscape else 165.0
        )
        assert sum(column_percents(name, repeats)) == pytest.approx(100.0, abs=0.01)


def _docx_widths(data: bytes) -> list[tuple[str, list[float]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    found = []
    for table in root.iter(f"{W}tbl"):
        caption = table.find(f"{W}tblPr/{W}tblCaption")
        if caption is None or not caption.get(f"{W}val", "").startswith("docgen-layout:"):
            continue
        name = caption.get(f"{W}val").split(":", 1)[1]
        if name not in TABLES:
            continue
        grid = [int(c.get(f"{W}w")) * 25.4 / 1440 for c in table.iter(f"{W}gridCol")]
        # every cell's width is the sum of the grid columns it spans
        for row in table.iter(f"{W}tr"):
            position = 0
            for cell in row.findall(f"{W}tc"):
                span = cell.find(f"{W}tcPr/{W}gridSpan")
                n = int(span.get(f"{W}val")) if span is not None else 1
                width = int(cell.find(f"{W}tcPr/{W}tcW").get(f"{W}w")) * 25.4 / 1440
                assert width == pytest.approx(sum(grid[position : position + n]), abs=0.1)
                position += n
        found.append((name, grid))
    return found


@pytest.mark.parametrize("example", [STATE_EXAMPLE, PARTY_EXAMPLE], ids=["state", "party"])
def test_docx_and_pdf_tables_share_their_widths(example: Path, tmp_path: Path) -> None:
    out = tmp_path / "dossier"
    result = build_dossier(example.with_suffix(".xlsx"), out)
    seen = set()
    for name in result.files:
        if not name.endswith(".docx"):
            continue
        for table, grid in _docx_widths((out / name).read_bytes()):
            seen.add(table)
            layout = TABLES[table]
            fixed = len([c for c in layout.columns if not c.repeat])
            repeats = len(grid) - fixed if layout.repeat_index is not None else 1
            expected = column_widths_mm(table, repeats=repeats)
            assert grid == pytest.approx(expected, abs=0.1), f"{name}: {table}"
            # The PDF's <colgroup> is the same split of the same width.
            html = str(colgroup(table, repeats))
            percents = [float(p) for p in html.split("width:")[1:] for p in [p.split("%")[0]]]
            assert [p * sum(grid) / 100 for p in percents] == pytest.approx(grid, abs=0.1)
    assert seen >= {"results", "proposed", "ballot", "trich_ngang", "structure"}
