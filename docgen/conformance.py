"""Layout conformance: a rendered DOCX checked against the prescribed format of its issuer kind.

The rules are the values of shared/spec/format.md (Nghị định 30/2020/NĐ-CP for State papers,
Hướng dẫn 36-HD/VPTW for Party papers), as ranges where the texts give ranges; they are checked
on the document itself, so a template or profile edit that leaves the format fails here. Each
failure names the document and the element.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Length

from docgen.models import IssuerKind

__all__ = ["Rule", "RULES", "check_docx", "document_role", "issuer_kind_of"]

MM = 36000  # EMU per millimetre


@dataclass(frozen=True)
class Rule:
    """A size range in pt and the required flags of one header or signature element."""

    low: float
    high: float
    bold: bool | None = None
    italic: bool | None = None
    underline: bool | None = None
    caps: bool = False


RULES: dict[IssuerKind, dict[str, Any]] = {
    IssuerKind.STATE: {
        "margins": {"top": (20, 25), "bottom": (20, 25), "left": (30, 35), "right": (15, 20)},
        "national": Rule(12, 13, bold=True, caps=True),
        "motto": Rule(13, 14, bold=True, underline=True),
        "parent": Rule(12, 13, bold=False, caps=True),
        "issuing": Rule(12, 13, bold=True, caps=True),
        "date": Rule(13, 14, italic=True),
        "type": Rule(13, 14, bold=True, caps=True),
        "body": (13, 14),
        "recipients_heading": Rule(12, 12, bold=True, italic=True),
        "recipient_line": (11, 11),
        "page_number": (13, 14),
        "number": re.compile(r"^Số: (\d{2,}|\s+)/[A-Za-zĐđ]+-\S+$"),
    },
    IssuerKind.PARTY: {
        "margins": {"top": (20, 20), "bottom": (20, 20), "left": (30, 30), "right": (15, 15)},
        "national": Rule(15, 15, bold=True, underline=True, caps=True),
        "motto": None,
        "parent": Rule(14, 14, bold=False, caps=True),
        "issuing": Rule(14, 14, bold=True, caps=True),
        "date": Rule(14, 14, italic=True),
        "type": Rule(15, 16, bold=True, caps=True),
        "body": (14, 15),
        "recipients_heading": Rule(14, 14, underline=True),
        "recipient_line": (12, 12),
        "page_number": (13, 14),
        "number": re.compile(r"^Số (\d{2,}|\s+)-[A-Za-zĐđ]+/\S+$"),
    },
}

_TYPES = {"TỜ TRÌNH", "BIÊN BẢN KIỂM PHIẾU", "KẾ HOẠCH"}


def document_role(name: str) -> str:
    """What a dossier file is, from its name: submission, minutes, plan, table or ballot."""
    if "to-trinh" in name:
        return "submission"
    if "bien-ban" in name:
        return "minutes"
    if "ke-hoach" in name:
        return "plan"
    if "phieu" in name:
        return "ballot"
    return "table"


def issuer_kind_of(path: Path) -> IssuerKind:
    """Party or State, from the national line of the document's header."""
    document = Document(str(path))
    first = document.tables[0].rows[0].cells[-1].text if document.tables else ""
    return IssuerKind.PARTY if "ĐẢNG CỘNG SẢN" in first else IssuerKind.STATE


def _size(run: Any, paragraph: Any, document: Any) -> float | None:
    if run.font.size is not None:
        return run.font.size.pt
    style = paragraph.style
    while style is not None:
        if style.font.size is not None:
            return style.font.size.pt
        style = style.base_style
    normal = document.styles["Normal"].font.size
    return normal.pt if normal is not None else None


def _check_element(name: str, paragraph: Any, rule: Rule, document: Any) -> Iterator[str]:
    runs = [r for r in paragraph.runs if r.text.strip()]
    text = paragraph.text.strip()
    if not runs:
        yield f"{name}: missing"
        return
    for run in runs:
        size = _size(run, paragraph, document)
        if size is None or not rule.low <= size <= rule.high:
            yield f"{name} “{text}”: size {size} pt, expected {rule.low}–{rule.high} pt"
        for flag in ("bold", "italic", "underline"):
            wanted = getattr(rule, flag)
            if wanted is not None and bool(getattr(run, flag)) != wanted:
                yield f"{name} “{text}”: {flag} is {bool(getattr(run, flag))}, expected {wanted}"
        if rule.caps and run.text != run.text.upper():
            yield f"{name} “{text}”: expected capitals"


def _mm(length: Length | None) -> float:
    return round((length or 0) / MM, 1)


def check_docx(path: Path, kind: IssuerKind, role: str | None = None) -> list[str]:
    """Every deviation of the DOCX at ``path`` from the format of ``kind``; empty when it conforms.

    ``role`` is submission, minutes, plan, table or ballot (default: from the file name).
    """
    document = Document(str(path))
    rules = RULES[kind]
    role = role or document_role(path.name)
    name = path.name
    failures: list[str] = []

    def fail(messages: Iterator[str] | list[str]) -> None:
        failures.extend(f"{name}: {message}" for message in messages)

    section = document.sections[0]
    landscape = role == "table"
    width, height = _mm(section.page_width), _mm(section.page_height)
    expected = (297.0, 210.0) if landscape else (210.0, 297.0)
    if abs(width - expected[0]) > 0.5 or abs(height - expected[1]) > 0.5:
        fail([f"page {width}×{height} mm, expected A4 {'landscape' if landscape else 'portrait'}"])
    for side, (low, high) in rules["margins"].items():
        value = _mm(getattr(section, f"{side}_margin"))
        if not low - 0.2 <= value <= high + 0.2:
            fail([f"{side} margin {value} mm, expected {low}–{high} mm"])
    normal = document.styles["Normal"]
    fonts = normal.element.rPr.find(qn("w:rFonts")) if normal.element.rPr is not None else None
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        if fonts is None or fonts.get(qn(attribute)) != "Times New Roman":
            fail([f"Normal style font ({attribute}) is not Times New Roman"])
    if normal.font.size is None or not rules["body"][0] <= normal.font.size.pt <= rules["body"][1]:
        fail(
            [
                f"body size {normal.font.size.pt if normal.font.size else None} pt, expected {rules['body']}"
            ]
        )
    if role == "ballot":
        fail(_check_no_fields(document))
    else:
        fail(_check_page_numbers(section, rules))
    if role == "table" or role == "ballot":
        fail(_check_tables(document, role))
        fail(_check_top(document, rules, dated=False, numbered=False))
        return failures
    fail(
        _check_top(
            document, rules, dated=role != "minutes", numbered=True, parent_optional=role == "plan"
        )
    )
    fail(_check_title(document, rules))
    fail(_check_signature(document, rules, recipients=role != "minutes"))
    fail(_check_tables(document, role))
    return failures


def _check_top(
    document: Any,
    rules: dict[str, Any],
    *,
    dated: bool,
    numbered: bool,
    parent_optional: bool = False,
) -> Iterator[str]:
    """The header. ``parent_optional``: a plan whose body has no parent (a Thành ủy directly
    under the Central Committee) has the issuing body alone (issue 12)."""
    table = document.tables[0]
    left, right = table.rows[0].cells
    paragraphs = [p for p in left.paragraphs if p.text.strip() and p.text.strip() != "*"]
    if parent_optional and len(paragraphs) == 1:
        yield from _check_element("header issuing body", paragraphs[0], rules["issuing"], document)
    elif len(paragraphs) < 2:
        yield "header: parent and issuing body lines missing"
        return
    else:
        yield from _check_element("header parent body", paragraphs[0], rules["parent"], document)
        yield from _check_element("header issuing body", paragraphs[1], rules["issuing"], document)
    star = [p for p in left.paragraphs if p.text.strip() == "*"]
    if rules["motto"] is None and not star:
        yield "header: the star under the Party body is missing"
    if rules["motto"] is not None:
        borders = [p for p in left.paragraphs if p._p.find(f".//{qn('w:pBdr')}") is not None]
        if not borders:
            yield "header: the short rule under the issuing body is missing"
    national = [p for p in right.paragraphs if p.text.strip()]
    yield from _check_element("header national line", national[0], rules["national"], document)
    if rules["motto"] is not None:
        if len(national) < 2:
            yield "header: the motto (Tiêu ngữ) is missing"
        else:
            yield from _check_element("header motto", national[1], rules["motto"], document)
    if not numbered:
        return
    number_cell, date_cell = table.rows[1].cells
    number = number_cell.text.strip()
    if not rules["number"].match(number):
        yield f"number and symbol “{number}” do not have the prescribed form"
    date_paragraphs = [p for p in date_cell.paragraphs if p.text.strip()]
    if dated:
        # \s: a day, month or year left blank for the registry prints no-break spaces.
        if not date_paragraphs or not re.search(r", ngày\s.*tháng\s.*năm", date_paragraphs[0].text):
            yield "place and date line missing"
        else:
            yield from _check_element(
                "place and date line", date_paragraphs[0], rules["date"], document
            )
    elif date_paragraphs:
        yield f"minutes carry no date line, found “{date_paragraphs[0].text.strip()}”"


def _check_title(document: Any, rules: dict[str, Any]) -> Iterator[str]:
    titles = [p for p in document.paragraphs if p.text.strip() in _TYPES]
    if not titles:
        yield "document type line (TỜ TRÌNH / BIÊN BẢN / KẾ HOẠCH) missing"
        return
    yield from _check_element("document type", titles[0], rules["type"], document)


def _check_signature(document: Any, rules: dict[str, Any], *, recipients: bool) -> Iterator[str]:
    # The last table but a plan's annex tables (docgen.plan_docx): the signature block.
    table = [t for t in document.tables if "docgen-plan-table" not in t._tbl.xml][-1]
    left, right = table.rows[0].cells[0], table.rows[0].cells[-1]
    lines = [p for p in right.paragraphs if p.text.strip()]
    if len(lines) < 2:
        yield "signature block incomplete"
        return
    for paragraph in lines:
        for run in (r for r in paragraph.runs if r.text.strip()):
            if not run.bold:
                yield f"signature line “{paragraph.text.strip()}” is not bold"
    for paragraph in lines[:-1]:
        if paragraph.text != paragraph.text.upper():
            yield f"signature line “{paragraph.text.strip()}” is not in capitals"
    if not recipients:
        return
    heading = next((p for p in left.paragraphs if p.text.strip() == "Nơi nhận:"), None)
    if heading is None:
        yield "Nơi nhận heading missing"
        return
    yield from _check_element("Nơi nhận heading", heading, rules["recipients_heading"], document)
    low, high = rules["recipient_line"]
    separator = ";" if rules["motto"] is not None else ","
    lines = [p for p in left.paragraphs if p.text.strip().startswith("- ")]
    if not lines:
        yield "Nơi nhận has no lines"
    for index, paragraph in enumerate(lines):
        for run in (r for r in paragraph.runs if r.text.strip()):
            size = _size(run, paragraph, document)
            if size is None or not low <= size <= high:
                yield f"Nơi nhận line “{paragraph.text.strip()}”: size {size} pt, expected {low}–{high} pt"
        text = paragraph.text.strip()
        ending = "." if index == len(lines) - 1 else separator
        if not text.endswith(ending):
            yield f"Nơi nhận line “{text}” should end with “{ending}”"
    if lines and not lines[-1].text.strip().startswith("- Lưu"):
        yield "Nơi nhận: the archive line (Lưu) must come last"


def _check_no_fields(document: Any) -> Iterator[str]:
    """Ballots carry nothing that tells one copy from another (format.md, "Ballots"): no field
    (PAGE, NUMPAGES, SEQ …) in any header, footer or the body."""
    parts = [document.element]
    for section in document.sections:
        for part in (
            section.header,
            section.first_page_header,
            section.even_page_header,
            section.footer,
            section.first_page_footer,
            section.even_page_footer,
        ):
            if not part.is_linked_to_previous:
                parts.append(part._element)
    for element in parts:
        codes = [e.text or "" for e in element.iter(qn("w:instrText"))]
        codes += [e.get(qn("w:instr")) or "" for e in element.iter(qn("w:fldSimple"))]
        for code in codes:
            if code.strip():
                yield f"ballot: a field “{code.strip()}” would tell one copy from another"


def _check_page_numbers(section: Any, rules: dict[str, Any]) -> Iterator[str]:
    if not section.different_first_page_header_footer:
        yield "page numbers: page 1 must carry none (different first page is off)"
    header = section.header
    instructions = " ".join(e.text or "" for e in header._element.iter(qn("w:instrText")))
    simple = [e.get(qn("w:instr")) or "" for e in header._element.iter(qn("w:fldSimple"))]
    if "PAGE" not in instructions and not any("PAGE" in s for s in simple):
        yield "page numbers: the header has no PAGE field"
    else:
        paragraph = header.paragraphs[0]
        if paragraph.alignment is None or paragraph.alignment != 1:
            yield "page numbers: not centred"
        sizes = [r.font.size.pt for r in paragraph.runs if r.font.size is not None]
        low, high = rules["page_number"]
        if not sizes or not all(low <= s <= high for s in sizes):
            yield f"page numbers: size {sizes}, expected {low}–{high} pt"
    first = section.first_page_header
    if "PAGE" in " ".join(e.text or "" for e in first._element.iter(qn("w:instrText"))):
        yield "page numbers: page 1 has a page number"


def _check_tables(document: Any, role: str) -> Iterator[str]:
    bordered = [t for t in document.tables if t._tbl.tblPr.find(qn("w:tblBorders")) is not None]
    for number, table in enumerate(bordered, start=1):
        first = table.rows[0]._tr
        properties = first.trPr
        if properties is None or properties.find(qn("w:tblHeader")) is None:
            yield f"table {number}: the header row does not repeat on each page"
    if role == "table":
        for number, table in enumerate(bordered, start=1):
            texts = [[c.text.strip() for c in row.cells] for row in table.rows[:4]]
            numbered = [
                row
                for row in texts
                if row
                and all(re.fullmatch(r"\(\d+\)", t) for t in row if t)
                and any(t for t in row)
            ]
            if number == 1 and "Chỉ tiêu" not in " ".join(texts[0]):
                if not numbered:
                    yield f"table {number}: the column-number row (1), (2)… is missing"
                    continue
                figures = [int(t[1:-1]) for t in dict.fromkeys(numbered[0]) if t]
                if figures != list(range(1, len(figures) + 1)):
                    yield f"table {number}: column numbers are not (1), (2)… in order"
