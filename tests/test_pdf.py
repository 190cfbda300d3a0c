"""PDF output: every document of both examples says exactly what its DOCX says (same words in the
same order, same numbers), on A4 of the right orientation, with the font embedded; the whole
dossier as one PDF carries a bookmark per document."""

from __future__ import annotations

import io
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.dossier import JOINED_PDF, build_dossier
from docgen.models import IssuerKind

from .conftest import PARTY_EXAMPLE, STATE_EXAMPLE
from .test_dossier import docx_text

EXAMPLES = {IssuerKind.STATE: STATE_EXAMPLE, IssuerKind.PARTY: PARTY_EXAMPLE}


@pytest.fixture(scope="module")
def dossiers(tmp_path_factory: pytest.TempPathFactory) -> dict[IssuerKind, Path]:
    root = tmp_path_factory.mktemp("pdf")
    return {
        kind: build_dossier(
            path, root / kind.value, formats=("docx", "pdf"), single_pdf=True
        ).out_dir
        for kind, path in EXAMPLES.items()
    }


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFC", text))


def pdf_pages(path: Path) -> list[str]:
    """Text of each page, without the page number printed at the top of pages 2 onwards."""
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    pages = []
    for number, page in enumerate(reader.pages, start=1):
        lines = (page.extract_text() or "").splitlines()
        if number > 1:  # the margin box comes out first or last
            if lines and lines[0].strip() == str(number):
                lines = lines[1:]
            elif lines and lines[-1].strip() == str(number):
                lines = lines[:-1]
        pages.append("\n".join(lines))
    return pages


def _header_rows(docx_lines: list[str]) -> list[list[str]]:
    """Word sequences of table header rows (STT…, and the column-number rows): repeated by the
    PDF at the top of each page a table runs onto, as the format requires."""
    rows = []
    for index, line in enumerate(docx_lines):
        if line.startswith("STT |") or line.startswith("(1) |"):
            rows.append(_words(line))
            if index + 1 < len(docx_lines) and re.match(r"^[\s|]*Nam \|", docx_lines[index + 1]):
                rows.append(_words(docx_lines[index + 1]))
    return [row for row in rows if row]


def _drop_repeated_headers(pages: list[str], headers: list[list[str]], words: list[str]) -> str:
    """The PDF's text without whitespace, less header rows that a page repeats where the DOCX, at
    the same point of the text, does not have them (a table continued from the previous page).
    Works on joined text, as extraction may glue adjacent cells."""
    expected = "".join(words)
    joined_headers = sorted(("".join(h) for h in headers), key=len, reverse=True)
    out = ""
    for number, page in enumerate(pages):
        text = "".join(_words(page))
        while number > 0:
            here = len(out)
            repeated = next(
                (
                    h
                    for h in joined_headers
                    if text.startswith(h) and not expected.startswith(h, here)
                ),
                None,
            )
            if repeated is None:
                break
            text = text[len(repeated) :]
        out += text
    return out


@pytest.mark.parametrize("kind", list(IssuerKind))
def test_every_pdf_says_what_its_docx_says(
    dossiers: dict[IssuerKind, Path], kind: IssuerKind
) -> None:
    folder = dossiers[kind]
    documents = sorted(folder.glob("*.docx"))
    assert len(documents) >= 15
    for docx in documents:
        pdf = docx.with_suffix(".pdf")
        text = docx_text(docx)
        words = _words(text)
        pages = pdf_pages(pdf)
        pdf_text = _drop_repeated_headers(pages, _header_rows(text.splitlines()), words)
        # Layout whitespace aside (text extraction may glue adjacent table cells), the same
        # words and numbers in the same order.
        assert pdf_text == "".join(words), f"{docx.name}: the PDF's text differs from the DOCX's"


@pytest.mark.parametrize("kind", list(IssuerKind))
def test_pdfs_are_a4_with_the_font_embedded(
    dossiers: dict[IssuerKind, Path], kind: IssuerKind
) -> None:
    for pdf in sorted(dossiers[kind].glob("[0-9]*.pdf")):
        reader = PdfReader(str(pdf))
        box = reader.pages[0].mediabox
        width_mm, height_mm = float(box.width) * 25.4 / 72, float(box.height) * 25.4 / 72
        landscape = any(k in pdf.name for k in ("bieu-tong-hop", "trich-ngang", "thong-ke"))
        expected = (297, 210) if landscape else (210, 297)
        assert (round(width_mm), round(height_mm)) == expected, pdf.name
        fonts = set()
        for page in reader.pages:
            resources = page["/Resources"]
            for font in resources.get("/Font", {}).values():
                descriptor = font.get_object()
                fonts.add(str(descriptor["/BaseFont"]))
                descendants = descriptor.get("/DescendantFonts")
                if descendants:
                    file = descendants[0].get_object()["/FontDescriptor"].get_object()
                    assert "/FontFile2" in file or "/FontFile3" in file, (
                        f"{pdf.name}: font not embedded"
                    )
        assert fonts and all(re.search(r"Times|Liberation-Serif|Tinos", f) for f in fonts), (
            pdf.name,
            fonts,
        )


def test_the_whole_dossier_is_one_pdf_with_a_bookmark_per_document(
    dossiers: dict[IssuerKind, Path],
) -> None:
    folder = dossiers[IssuerKind.STATE]
    reader = PdfReader(str(folder / JOINED_PDF))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[0] == "Tờ trình"
    assert len(titles) == len(list(folder.glob("*.docx")))
    parts = sum(len(PdfReader(str(p)).pages) for p in folder.glob("[0-9]*.pdf"))
    assert len(reader.pages) == parts


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_the_libreoffice_engine_converts_the_docx(tmp_path: Path) -> None:
    from docgen.papers import write_plan

    [pdf] = write_plan(STATE_EXAMPLE, tmp_path, formats=("pdf",), engine="libreoffice")
    reader = PdfReader(str(pdf))
    assert "LibreOffice" in str(reader.metadata.get("/Producer"))
    assert "KẾ HOẠCH" in (reader.pages[0].extract_text() or "")


def test_the_libreoffice_engine_says_when_it_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docgen.errors import EnvironmentProblem
    from docgen.papers import write_plan

    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(EnvironmentProblem, match="needs LibreOffice"):
        write_plan(STATE_EXAMPLE, tmp_path, formats=("pdf",), engine="libreoffice")
    assert not list(tmp_path.iterdir())
