"""Rendered-page checks (kiểm tra trang in): what an office sees on the printed page.

format.md "Pagination" and "Ballots" state rules that hold only once a renderer has laid the
text out: no text crosses a cell border, no word or date is broken across lines inside a cell,
the signature block (phần ký) is never alone on a page, every copy of a ballot (phiếu biểu
quyết, phiếu giới thiệu) is the same sheet with no page number, serial or mark. These functions read a rendered PDF, from
WeasyPrint or from the DOCX laid out by LibreOffice (standing in for Word), and say where a rule
fails. They never raise on a bad layout: each returns a list of :class:`Finding`, empty when
the paper is clean.

Units: positions in messages are millimetres from the page's top-left corner; tolerances given
as parameters are PDF points (1/72 inch, 1 mm = 2.835 pt) unless their name ends in ``_mm``.
Pages are numbered from 1, as a reader counts them.

A PDF is given as its bytes or a path; ``paper`` names it in the findings (default: the file
name, or "<pdf>" for bytes).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

__all__ = [
    "Finding",
    "SIGNATURE_MARKERS",
    "PAGE_FIELDS",
    "crossed_words",
    "broken_words",
    "signature_alone",
    "ballot_pages_identical",
    "docx_page_fields",
    "docx_tokens",
    "docx_to_pdf",
    "check_paper",
    "page_words",
]

PdfSource = bytes | str | os.PathLike[str]
DocxSource = bytes | str | os.PathLike[str]

MM = 72 / 25.4
"""PDF points per millimetre."""

SIGNATURE_MARKERS: tuple[str, ...] = (
    "Nơi nhận:",
    "T/M ",
    "TM. ",
    "KT. ",
    "K/T ",
    "TL.",
    "T/L ",
    "TUQ.",
    "NGƯỜI LẬP BIỂU",
    "TỔ TRƯỞNG",
    "CHỦ TRÌ HỘI NGHỊ",
)
"""Text that opens a signature block (phần ký) or its recipient list (nơi nhận), format.md
"Signature block" and "Recipient list": the authority lines (T/M, TM., KT., K/T, TL., T/L, TUQ.),
the counting committee's and the chair's positions, the preparer of a table (người lập biểu)."""

PAGE_FIELDS: tuple[str, ...] = ("PAGE", "NUMPAGES", "SECTIONPAGES", "SEQ")
"""Word fields that number a copy: its page, the page count, a sequence (serial) number."""

_STRIP = ",;.:()[]\"'“”‘’%!?…*-‐–—\u00ad"
_HYPHENS = ("-", "‐", "\u00ad")  # hyphen-minus, hyphen (U+2010), soft hyphen
_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/\d{4}")
_PARTIAL_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{0,3}|\d{1,2}/")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")


@dataclass(frozen=True)
class Finding:
    """One place where a rendered paper breaks a layout rule.

    ``paper`` is the file name; ``page`` counts from 1 (None when the finding is about a DOCX
    part rather than a page); ``kind`` is a short code (crossed-word, broken-word, broken-date,
    not-in-source, signature-alone, ballot-page-differs, ballot-page-field); ``message`` says
    what and where, in English, with positions in mm from the top-left corner of the page.
    """

    paper: str
    page: int | None
    kind: str
    message: str

    def __str__(self) -> str:
        where = f"p.{self.page}" if self.page is not None else "docx"
        return f"{self.paper} {where} [{self.kind}] {self.message}"


# -- reading a PDF -----------------------------------------------------------------------------


def _paper_name(source: PdfSource | DocxSource, paper: str | None) -> str:
    if paper is not None:
        return paper
    if isinstance(source, bytes):
        return "<pdf>"
    return Path(source).name


def _pdf_bytes(source: PdfSource) -> bytes:
    return source if isinstance(source, bytes) else Path(source).read_bytes()


@dataclass(frozen=True)
class _Page:
    width: float
    height: float
    words: tuple[dict[str, Any], ...]
    rules: tuple[tuple[float, float, float], ...]


def _pages(source: PdfSource) -> tuple[_Page, ...]:
    """The pages of a PDF, read once however many checks look at them."""
    return _parse(_pdf_bytes(source))


@lru_cache(maxsize=16)
def _parse(data: bytes) -> tuple[_Page, ...]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as document:
        return tuple(
            _Page(
                float(page.width),
                float(page.height),
                tuple(page_words(page)),
                tuple(_vertical_rules(page)),
            )
            for page in document.pages
        )


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def page_words(page: Any, x_tolerance: float = 1.5) -> list[dict[str, Any]]:
    """The words of a pdfplumber page in the order the PDF draws them (text flow: a cell's
    lines one after another, so the pieces of a broken word are neighbours, and text overflowing
    onto a neighbour cell is not interleaved with it), their text in Unicode NFC.

    Each word is pdfplumber's dict: ``text``, ``x0``, ``x1``, ``top``, ``bottom`` in points from
    the top-left corner. ``x_tolerance`` (pt) is the widest gap between two glyphs of one word,
    narrower than a space.
    """
    words = page.extract_words(
        x_tolerance=x_tolerance, y_tolerance=2, keep_blank_chars=False, use_text_flow=True
    )
    for word in words:
        word["text"] = _nfc(word["text"])
    return list(words)


def _mm(points: float) -> str:
    return f"{points / MM:.0f}"


def _vertical_rules(page: Any) -> list[tuple[float, float, float]]:
    """(x, top, bottom) of every vertical ruling line: lines, rectangle and curve edges."""
    rules = set()
    for edge in page.edges:
        if edge.get("orientation") != "v":
            continue
        rules.add((round(float(edge["x0"]), 2), float(edge["top"]), float(edge["bottom"])))
    return sorted(rules)


# -- crossed words -----------------------------------------------------------------------------


def crossed_words(
    pdf: PdfSource, paper: str | None = None, *, tolerance: float = 1.0
) -> list[Finding]:
    """Words crossed by a vertical ruling line of a table: text that runs over a cell border
    (chữ tràn qua đường kẻ ô), forbidden by format.md "Pagination" ("no text crosses a cell
    border").

    A word (pdfplumber ``extract_words``) is crossed when a vertical edge (a line, or the side of
    a rectangle or curve) lies strictly inside it, ``x0 + tolerance < x < x1 - tolerance`` (pt),
    and spans its vertical middle. One finding (kind ``crossed-word``) per word.
    """
    name = _paper_name(pdf, paper)
    findings: list[Finding] = []
    for number, page in enumerate(_pages(pdf), start=1):
        for word in page.words:
            middle = (word["top"] + word["bottom"]) / 2
            for x, top, bottom in page.rules:
                if (
                    word["x0"] + tolerance < x < word["x1"] - tolerance
                    and top - tolerance <= middle <= bottom + tolerance
                ):
                    findings.append(
                        Finding(
                            name,
                            number,
                            "crossed-word",
                            f"“{word['text']}” runs across a cell border: the vertical rule at "
                            f"{_mm(x)} mm from the left goes through it "
                            f"({_mm(word['x0'])}–{_mm(word['x1'])} mm, "
                            f"{_mm(word['top'])} mm from the top)",
                        )
                    )
                    break
    return findings


# -- broken words ------------------------------------------------------------------------------


def _token(text: str) -> str:
    return _nfc(text).strip(_STRIP)


def _text_tokens(text: str) -> set[str]:
    tokens = set()
    for raw in text.split():
        token = _token(raw)
        if not token:
            continue
        tokens.add(token)
        # A line may break after a hyphen (2025-2030 → "2025-" / "2030"): the parts are words.
        for part in re.split(r"[-‐–]", token):
            part = _token(part)
            if part:
                tokens.add(part)
    return tokens


def _paragraph_texts(xml: bytes) -> Iterable[str]:
    from lxml import etree

    root = etree.fromstring(xml)
    for paragraph in root.iter(f"{_W}p"):
        parts = []
        for node in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}p"):
            if node.tag == f"{_W}t":
                # Text of a nested paragraph (a text box) is read with that paragraph.
                owner = next(node.iterancestors(f"{_W}p"))
                if owner is paragraph:
                    parts.append(node.text or "")
            elif node.tag != f"{_W}p":
                parts.append(" ")
        yield "".join(parts)


def _docx_bytes(docx: DocxSource) -> bytes:
    return docx if isinstance(docx, bytes) else Path(docx).read_bytes()


def docx_tokens(docx: DocxSource) -> frozenset[str]:
    """The words of a DOCX (bytes or path): its body, headers, footers, footnotes and endnotes.

    Runs of one paragraph are joined before splitting on white space, so a word split over runs
    is one token; tokens are Unicode NFC with surrounding punctuation (, ; . : ( ) " “ ” % …)
    removed, and the parts of a hyphenated token are tokens too (a line may break after a
    hyphen). The source text that :func:`broken_words` compares the rendered words with.
    """
    tokens: set[str] = set()
    with zipfile.ZipFile(io.BytesIO(_docx_bytes(docx))) as archive:
        for part in archive.namelist():
            if _TEXT_PARTS.fullmatch(part):
                for text in _paragraph_texts(archive.read(part)):
                    tokens |= _text_tokens(text)
    return frozenset(tokens)


def _joined(token: str, source: frozenset[str]) -> bool:
    """Whether ``token`` is two or more source words run together (glyphs touching across a
    gap, e.g. a date overflowing into the next cell's text): not a broken word."""

    @cache
    def split(start: int) -> bool:
        if start == len(token):
            return True
        return any(
            token[start:end] in source and split(end)
            for end in range(start + 2, len(token) + 1)
            if end - start < len(token)
        )

    return split(0)


def _is_page_number(word: dict[str, Any], header_zone_mm: float) -> bool:
    return word["text"].isdigit() and word["top"] < header_zone_mm * MM


def _rebuilt(
    index: int, words: list[tuple[dict[str, Any], str]], source: frozenset[str]
) -> tuple[int, int, str] | None:
    """The smallest run of 2–4 consecutive words (in the order the PDF draws them) around
    ``index`` whose text put together is a source word: (start, end, that word)."""
    for size in range(2, 5):
        for start in range(max(0, index - size + 1), min(index, len(words) - size) + 1):
            texts = [words[m][0]["text"] for m in range(start, start + size)]
            glued = "".join(texts)
            unhyphenated = "".join(t.rstrip("".join(_HYPHENS)) for t in texts[:-1]) + texts[-1]
            for candidate in (_token(glued), _token(unhyphenated)):
                if candidate in source:
                    return start, start + size, candidate
    return None


def broken_words(
    pdf: PdfSource,
    source_tokens: Iterable[str],
    paper: str | None = None,
    *,
    header_zone_mm: float = 20.0,
) -> list[Finding]:
    """Words broken across lines (từ bị ngắt dòng) inside a cell or paragraph, forbidden by
    format.md "Pagination" ("no word or date is broken across lines inside a cell").

    ``source_tokens`` are the words of the source text (:func:`docx_tokens` of the DOCX the PDF
    shows). Every word the PDF shows, stripped of surrounding punctuation, must be one of them, or
    several of them run together (text touching across a gap). A word that is not is

    - ``broken-word`` when it and its neighbours, in the order the PDF draws them, put together
      make a source word ("đư" + "ợc" = "được"; a hyphen at a line end is dropped);
    - ``broken-date`` when what they make is a date (``10/3/202`` + ``1``), or when it holds a
      "/" and is a piece of a date (``10/3/``, ``3/2``); a lone number just below a date
      fragment is its tail and is reported too, even when that number is a source word;
    - ``not-in-source`` otherwise: the PDF shows a word its DOCX does not have (the two routes
      say different things), or a word cut beyond recognition.

    A lone number in the top ``header_zone_mm`` of a page is the page number and is not checked.
    """
    name = _paper_name(pdf, paper)
    source = frozenset(_token(t) for t in source_tokens) - {""}
    dates = [s for s in source if _DATE.fullmatch(s)]
    findings: list[Finding] = []

    def where(word: dict[str, Any]) -> str:
        return f"{_mm(word['x0'])} mm from the left, {_mm(word['top'])} mm from the top"

    for number, page in enumerate(_pages(pdf), start=1):
        words = [
            (word, _token(word["text"]))
            for word in page.words
            if not _is_page_number(word, header_zone_mm)
        ]
        found: dict[int, tuple[str, str]] = {}
        for index, (word, token) in enumerate(words):
            if index in found or not token or token in source or _joined(token, source):
                continue
            run = _rebuilt(index, words, source)
            if run is not None:
                start, end, whole = run
                kind = "broken-date" if _DATE.fullmatch(whole) else "broken-word"
                pieces = " / ".join(f"“{words[m][0]['text']}”" for m in range(start, end))
                for m in range(start, end):
                    found.setdefault(
                        m,
                        (
                            kind,
                            f"“{words[m][1]}” is a piece of “{whole}”, broken across lines "
                            f"({pieces}; {where(words[m][0])})",
                        ),
                    )
            elif "/" in token and (
                _PARTIAL_DATE.fullmatch(token) or any(token in d for d in dates)
            ):
                found[index] = (
                    "broken-date",
                    f"the date fragment “{token}” ends a line ({where(word)}): the date is "
                    "broken across lines",
                )
            else:
                found[index] = (
                    "not-in-source",
                    f"“{token}” is not a word of the source DOCX: the PDF shows text its DOCX "
                    f"does not have, or a word cut beyond recognition ({where(word)})",
                )
        fragments = [words[m][0] for m, (kind, _) in found.items() if kind == "broken-date"]
        for index, (word, token) in enumerate(words):
            if index in found:
                continue
            tail = _date_tail(word, token, fragments)
            if tail is not None:
                found[index] = (
                    "broken-date",
                    f"“{token}” under the date fragment “{_token(tail['text'])}” is the rest of "
                    f"a date broken across lines ({where(word)})",
                )
        findings += [Finding(name, number, *found[m]) for m in sorted(found)]
    return findings


def _date_tail(
    word: dict[str, Any], token: str, fragments: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The date fragment that ``word`` continues on the next line, if it is a lone 1–4 digit
    number starting just below one."""
    if not re.fullmatch(r"\d{1,4}", token):
        return None
    for fragment in fragments:
        if fragment is word:
            continue
        height = fragment["bottom"] - fragment["top"]
        below = 0 < word["top"] - fragment["top"] <= 1.8 * height
        if below and fragment["x0"] - 2 * height <= word["x0"] <= fragment["x1"]:
            return fragment
    return None


# -- signature block alone ---------------------------------------------------------------------


def _lines(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Words grouped into lines (same baseline band), top to bottom, each left to right."""
    lines: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines:
            last = lines[-1]
            height = last[0]["bottom"] - last[0]["top"]
            if abs(word["top"] - last[0]["top"]) <= 0.4 * height:
                last.append(word)
                continue
        lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _segments(line: list[dict[str, Any]], gap: float) -> list[list[dict[str, Any]]]:
    """A line cut where two words are further apart than ``gap`` pt: its columns."""
    segments = [[line[0]]]
    for word in line[1:]:
        if word["x0"] - segments[-1][-1]["x1"] > gap:
            segments.append([word])
        else:
            segments[-1].append(word)
    return segments


def _body_lines(page: _Page, header_zone_mm: float) -> list[list[dict[str, Any]]]:
    return _lines([w for w in page.words if not _is_page_number(w, header_zone_mm)])


def _line_text(line: list[dict[str, Any]]) -> str:
    return " ".join(w["text"] for w in line)


def _columns(line: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    height = line[0]["bottom"] - line[0]["top"]
    return _segments(line, 2 * height)


def _marker(line: list[dict[str, Any]], markers: Sequence[str]) -> str | None:
    """The marker that one of the line's columns starts with, if any."""
    starts = [_line_text(column) + " " for column in _columns(line)]
    return next((m for m in markers for start in starts if start.startswith(_nfc(m))), None)


def signature_alone(
    pdf: PdfSource,
    paper: str | None = None,
    *,
    markers: Sequence[str] = SIGNATURE_MARKERS,
    header_zone_mm: float = 20.0,
    right_column: bool = True,
    split_tail: bool = True,
) -> list[Finding]:
    """A last page that starts with the signature block (phần ký bị tách riêng sang trang cuối),
    forbidden by format.md "Pagination" ("the signature block is never alone on a page: the
    last paragraphs of the body go with it").

    The first line of body text on the last page is found, skipping a lone page number in the
    top ``header_zone_mm``. It is a finding (kind ``signature-alone``) when

    - one of its columns (words more than 2 em apart) starts with one of ``markers`` (default
      :data:`SIGNATURE_MARKERS`: "Nơi nhận:", "T/M ", "TM. ", "KT. ", …);
    - or, with ``right_column``, it lies wholly right of 55 % of the page width, where only the
      signature block stands (the signer's authority, position or name: "BÍ THƯ", a name);
    - or, with ``split_tail``, the signature block began on an earlier page (a marker line
      there, none on the last page) and the last page holds only its end: no table rule, and
      every line is short columns (each under 45 % of the page width), such as the signers'
      names.

    A one-page paper has no such finding.
    """
    name = _paper_name(pdf, paper)
    pages = _pages(pdf)
    if len(pages) < 2:
        return []
    page = pages[-1]
    lines = _body_lines(page, header_zone_mm)
    if not lines:
        return []
    first = lines[0]
    marker = _marker(first, markers)
    reason = f"it starts with {marker!r}" if marker else None
    if reason is None and right_column and first[0]["x0"] > 0.55 * page.width:
        reason = "it stands in the right column, where only the signature block stands"
    if reason is None and split_tail and not page.rules:
        began = [
            number
            for number, earlier in enumerate(pages[:-1], start=1)
            if any(_marker(line, markers) for line in _body_lines(earlier, header_zone_mm))
        ]
        short = all(
            column[-1]["x1"] - column[0]["x0"] < 0.45 * page.width
            for line in lines
            for column in _columns(line)
        )
        if began and short and not any(_marker(line, markers) for line in lines):
            reason = (
                f"the signature block begins on page {began[-1]} and this page holds only its "
                "end (short column lines, no body text)"
            )
    if reason is None:
        return []
    return [
        Finding(
            name,
            len(pages),
            "signature-alone",
            f"the last page starts with the signature block (“{_line_text(first)}”: {reason}); "
            "the last paragraphs of the body must go with it",
        )
    ]


# -- ballots -----------------------------------------------------------------------------------


def ballot_pages_identical(
    pdf: PdfSource, paper: str | None = None, *, dpi: float = 50
) -> list[Finding]:
    """Ballot pages that differ from the first (phiếu phải giống hệt nhau): format.md "Ballots"
    ("nothing that tells one copy from another: no page number, serial, barcode or mark; every
    copy of a ballot is the same sheet"; a ballot that runs past one page is an error too, and
    shows here as a page unlike the first).

    Every page is compared with page 1 by its text (its words, line by line) and by its
    bitmap (rendered with pypdfium2 at ``dpi`` dots per inch, pixel for pixel). One finding
    (kind ``ballot-page-differs``) per differing page, naming the differing text or the
    differing area in mm.
    """
    import pypdfium2
    from PIL import ImageChops

    name = _paper_name(pdf, paper)
    data = _pdf_bytes(pdf)
    findings: list[Finding] = []
    texts = [
        [" ".join(w["text"] for w in line) for line in _lines(list(p.words))] for p in _pages(data)
    ]
    rendered = pypdfium2.PdfDocument(data)
    try:
        images = [rendered[i].render(scale=dpi / 72).to_pil() for i in range(len(rendered))]
    finally:
        rendered.close()
    for number in range(2, len(images) + 1):
        reasons = []
        if texts[number - 1] != texts[0]:
            first, this = Counter(texts[0]), Counter(texts[number - 1])
            only_first = list((first - this).elements())
            only_this = list((this - first).elements())
            reasons.append(
                f"text differs (page 1 only: {only_first[:3]}, page {number} only: {only_this[:3]})"
                if only_first or only_this
                else "the same lines of text stand in another order"
            )
        image, reference = images[number - 1], images[0]
        if image.size != reference.size:
            reasons.append(f"page size differs ({image.size} vs {reference.size} px)")
        else:
            box = ImageChops.difference(image.convert("RGB"), reference.convert("RGB")).getbbox()
            if box is not None:
                scale = 25.4 / dpi
                reasons.append(
                    "the page looks different from page 1 in the area "
                    f"{box[0] * scale:.0f}–{box[2] * scale:.0f} mm from the left, "
                    f"{box[1] * scale:.0f}–{box[3] * scale:.0f} mm from the top"
                )
        if reasons:
            findings.append(
                Finding(
                    name,
                    number,
                    "ballot-page-differs",
                    f"every copy of a ballot must be the same sheet; page {number}: "
                    + "; ".join(reasons),
                )
            )
    return findings


def docx_page_fields(
    docx: DocxSource, paper: str | None = None, *, fields: Sequence[str] = PAGE_FIELDS
) -> list[Finding]:
    """Fields that number a ballot's copies (trường số trang), forbidden in a ballot by format.md
    "Ballots": a PAGE, NUMPAGES, SECTIONPAGES or SEQ field (``fields``) anywhere in the DOCX,
    body, headers or footers, as ``w:fldSimple`` or as a complex field's ``w:instrText``.

    One finding (kind ``ballot-page-field``, page None) per field, naming the part.
    """
    from lxml import etree

    name = _paper_name(docx, paper)
    wanted = {f.upper() for f in fields}
    findings: list[Finding] = []
    with zipfile.ZipFile(io.BytesIO(_docx_bytes(docx))) as archive:
        for part in sorted(archive.namelist()):
            if not (part.startswith("word/") and part.endswith(".xml")):
                continue
            root = etree.fromstring(archive.read(part))
            instructions = [node.get(f"{_W}instr") or "" for node in root.iter(f"{_W}fldSimple")]
            # A complex field's instruction may be split over several runs: join them per field.
            current: list[str] | None = None
            for node in root.iter(f"{_W}fldChar", f"{_W}instrText"):
                if node.tag == f"{_W}instrText":
                    if current is None:
                        current = []
                    current.append(node.text or "")
                elif node.get(f"{_W}fldCharType") == "begin":
                    if current is not None:
                        instructions.append("".join(current))
                    current = []
                elif node.get(f"{_W}fldCharType") in {"separate", "end"} and current is not None:
                    instructions.append("".join(current))
                    current = None
            if current is not None:
                instructions.append("".join(current))
            for instruction in instructions:
                words = instruction.split()
                if words and words[0].upper() in wanted:
                    findings.append(
                        Finding(
                            name,
                            None,
                            "ballot-page-field",
                            f"{part} has a {words[0].upper()} field (“{instruction.strip()}”): "
                            "a ballot must carry nothing that numbers or tells its copies apart",
                        )
                    )
    return findings


def check_paper(
    pdf: PdfSource,
    docx: DocxSource | None = None,
    *,
    ballot: bool = False,
    paper: str | None = None,
) -> list[Finding]:
    """Every rendered-page check that applies to one paper, in this order: crossed words,
    broken words and dates (when ``docx``, its source, is given), the signature block alone on
    the last page, and for a ``ballot`` identical pages. The PDF is read once. A ballot's DOCX
    is checked for page fields by :func:`docx_page_fields`, once, not per rendering.
    """
    name = _paper_name(pdf, paper)
    findings = crossed_words(pdf, name)
    if docx is not None:
        findings += broken_words(pdf, docx_tokens(docx), name)
    findings += signature_alone(pdf, name)
    if ballot:
        findings += ballot_pages_identical(pdf, name)
    return findings


# -- LibreOffice -------------------------------------------------------------------------------


def docx_to_pdf(
    docx_paths: Sequence[str | os.PathLike[str]], outdir: str | os.PathLike[str]
) -> list[Path]:
    """Lay out DOCX files with LibreOffice headless (standing in for Word) and write their PDFs
    into ``outdir``; return the PDF paths, in the order of ``docx_paths``.

    One ``soffice --convert-to pdf`` call per folder of input files, with a private user profile
    (``-env:UserInstallation``) so that conversions may run in parallel.

    Raises:
        EnvironmentProblem: LibreOffice is not installed, or a file was not converted.
    """
    from docgen.errors import EnvironmentProblem

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise EnvironmentProblem(
            "LibreOffice (soffice) is not installed; on Debian: scripts/setup-system"
        )
    target = Path(outdir)
    target.mkdir(parents=True, exist_ok=True)
    paths = [Path(p) for p in docx_paths]
    folders: dict[Path, list[Path]] = {}
    for path in paths:
        folders.setdefault(path.resolve().parent, []).append(path)
    for files in folders.values():
        for path in files:
            (target / f"{path.stem}.pdf").unlink(missing_ok=True)
        with tempfile.TemporaryDirectory(prefix="docgen-soffice-") as profile:
            command = [
                soffice,
                "--headless",
                "--norestore",
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--convert-to",
                "pdf",
                "--outdir",
                str(target),
                *[str(f) for f in files],
            ]
            result = subprocess.run(
                command, capture_output=True, text=True, check=False, timeout=600
            )
        for path in files:
            if not (target / f"{path.stem}.pdf").is_file():
                raise EnvironmentProblem(
                    f"LibreOffice did not convert {path}: {result.stderr.strip()}"
                )
    return [target / f"{path.stem}.pdf" for path in paths]
