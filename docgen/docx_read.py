"""Read a Word document (.docx) into paragraphs of formatted runs and tables of them.

The low layer under ``docgen.import_plan``: the only place that reads raw WordprocessingML of a
document docgen did not write. It resolves what a reader sees, not how Word stores it: bold and
italic from the run, its character style and the paragraph's style; superscript; a footnote
reference (``w:footnoteReference``) and the text of the footnote it points to; the label of an
automatically numbered paragraph (``w:numPr``: "1.", "a)", "I." …) or its bullet ("- ", "+ ");
line breaks as "\\n", tabs as "\\t".
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree

from docgen.vietnamese import letter_label, roman_numeral

__all__ = ["Paragraph", "Run", "Table", "WordDocument", "NotWordDocument", "read_docx"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_MAX_PART = 50 * 1024 * 1024
_OLE = b"\xd0\xcf\x11\xe0"


class NotWordDocument(Exception):
    """The file is not a .docx: ``reason`` is "doc" (an old Word .doc), "empty" or "other"."""

    def __init__(self, reason: str, detail: str = ""):
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


@dataclass(frozen=True)
class Run:
    """A piece of text with one formatting; ``note`` is the id of the footnote it references
    (its text is then empty)."""

    text: str
    bold: bool = False
    italic: bool = False
    superscript: bool = False
    note: str | None = None


@dataclass
class Paragraph:
    """A paragraph: its runs, style id, alignment ("center", "both" … or ""), and the label
    Word numbers it with ("" when not numbered; "- " for a bullet)."""

    runs: list[Run] = field(default_factory=list)
    style: str = ""
    align: str = ""
    label: str = ""

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass
class Table:
    """A table: rows of cells, each cell a list of paragraphs (nested tables flattened)."""

    rows: list[list[list[Paragraph]]] = field(default_factory=list)


@dataclass
class WordDocument:
    """The body's blocks in order, and the footnotes by id (each a list of paragraphs)."""

    blocks: list[Paragraph | Table]
    footnotes: dict[str, list[Paragraph]]


def _on(properties: Any, name: str) -> bool | None:
    """True/False when the property ``name`` (w:b, w:i) is set on or off; None when absent."""
    if properties is None:
        return None
    element = properties.find(_W + name)
    if element is None:
        return None
    return element.get(_W + "val", "true") not in {"0", "false", "off"}


class _Styles:
    """Bold and italic of paragraph and character styles, following ``w:basedOn``."""

    def __init__(self, root: Any | None):
        self._styles: dict[str, Any] = {}
        if root is not None:
            for style in root.iter(_W + "style"):
                self._styles[style.get(_W + "styleId", "")] = style

    def flag(self, style_id: str, name: str) -> bool | None:
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self._styles:
            seen.add(style_id)
            style = self._styles[style_id]
            value = _on(style.find(_W + "rPr"), name)
            if value is not None:
                return value
            based = style.find(_W + "basedOn")
            style_id = based.get(_W + "val", "") if based is not None else ""
        return None

    def numbering(self, style_id: str) -> tuple[str, int] | None:
        """(numId, level) of a style's own numbering (headings numbered by their style)."""
        style = self._styles.get(style_id)
        properties = style.find(_W + "pPr/" + _W + "numPr") if style is not None else None
        if properties is None:
            return None
        num = properties.find(_W + "numId")
        level = properties.find(_W + "ilvl")
        if num is None:
            return None
        return num.get(_W + "val", ""), int(level.get(_W + "val", "0")) if level is not None else 0


_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "upperLetter": letter_label,
    "lowerLetter": lambda n: letter_label(n).lower(),
    "upperRoman": roman_numeral,
    "lowerRoman": lambda n: roman_numeral(n).lower(),
}


class _Numbering:
    """Labels of automatically numbered paragraphs, counted in document order per list."""

    def __init__(self, root: Any | None):
        self._levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        if root is None:
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in root.iter(_W + "abstractNum"):
            levels = {}
            for level in node.iter(_W + "lvl"):
                fmt = level.find(_W + "numFmt")
                text = level.find(_W + "lvlText")
                start = level.find(_W + "start")
                levels[int(level.get(_W + "ilvl", "0"))] = (
                    fmt.get(_W + "val", "decimal") if fmt is not None else "decimal",
                    text.get(_W + "val", "") if text is not None else "",
                    int(start.get(_W + "val", "1")) if start is not None else 1,
                )
            abstract[node.get(_W + "abstractNumId", "")] = levels
        for num in root.iter(_W + "num"):
            ref = num.find(_W + "abstractNumId")
            if ref is not None:
                self._levels[num.get(_W + "numId", "")] = abstract.get(ref.get(_W + "val", ""), {})

    def label(self, num_id: str, level: int) -> str:
        levels = self._levels.get(num_id)
        if not levels or level not in levels or num_id == "0":
            return ""
        fmt, text, start = levels[level]
        if fmt == "bullet":
            return "+ " if text.strip() == "+" else "- "
        if fmt == "none":
            return ""
        counters = self._counters.setdefault(num_id, {})
        counters[level] = counters.get(level, start - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]

        def number(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            shape, _, first = levels.get(index, ("decimal", "", 1))
            value = counters.get(index, first)
            try:
                return _FORMATS.get(shape, str)(value)
            except ValueError:
                return str(value)

        return re.sub(r"%(\d)", number, text).strip()


class _Reader:
    def __init__(self, styles: _Styles, numbering: _Numbering):
        self.styles = styles
        self.numbering = numbering

    def paragraph(self, element: Any) -> Paragraph:
        properties = element.find(_W + "pPr")
        style_id = ""
        align = ""
        label = ""
        if properties is not None:
            style = properties.find(_W + "pStyle")
            style_id = style.get(_W + "val", "") if style is not None else ""
            jc = properties.find(_W + "jc")
            align = jc.get(_W + "val", "") if jc is not None else ""
            num = properties.find(_W + "numPr")
            if num is not None and num.find(_W + "numId") is not None:
                level = num.find(_W + "ilvl")
                label = self.numbering.label(
                    num.find(_W + "numId").get(_W + "val", ""),
                    int(level.get(_W + "val", "0")) if level is not None else 0,
                )
            elif style_id and (own := self.styles.numbering(style_id)):
                label = self.numbering.label(*own)
        runs: list[Run] = []
        for run in element.iter(_W + "r"):
            if any(a.tag in {_W + "del", _W + "moveFrom"} for a in run.iterancestors()):
                continue
            runs.extend(self._runs(run, style_id))
        return Paragraph(runs, style_id, align, label)

    def _runs(self, run: Any, paragraph_style: str) -> list[Run]:
        rpr = run.find(_W + "rPr")
        character = rpr.find(_W + "rStyle") if rpr is not None else None
        char_style = character.get(_W + "val", "") if character is not None else ""

        def flag(name: str) -> bool:
            for value in (
                _on(rpr, name),
                self.styles.flag(char_style, name),
                self.styles.flag(paragraph_style, name),
            ):
                if value is not None:
                    return value
            return False

        vertical = rpr.find(_W + "vertAlign") if rpr is not None else None
        superscript = vertical is not None and vertical.get(_W + "val") == "superscript"
        bold, italic = flag("b"), flag("i")
        out: list[Run] = []
        for child in run:
            if child.tag == _W + "t":
                out.append(Run(child.text or "", bold, italic, superscript))
            elif child.tag == _W + "tab":
                out.append(Run("\t", bold, italic))
            elif child.tag in {_W + "br", _W + "cr"}:
                out.append(Run("\n", bold, italic))
            elif child.tag == _W + "footnoteReference":
                out.append(Run("", bold, italic, True, child.get(_W + "id", "")))
        return out

    def blocks(self, container: Any) -> list[Paragraph | Table]:
        out: list[Paragraph | Table] = []
        for child in container:
            if child.tag == _W + "p":
                out.append(self.paragraph(child))
            elif child.tag == _W + "tbl":
                out.append(self.table(child))
            elif child.tag == _W + "sdt":
                content = child.find(_W + "sdtContent")
                if content is not None:
                    out.extend(self.blocks(content))
        return out

    def table(self, element: Any) -> Table:
        rows = []
        for row in element.findall(_W + "tr"):
            cells = []
            for cell in row.findall(_W + "tc"):
                paragraphs: list[Paragraph] = []
                for block in self.blocks(cell):
                    if isinstance(block, Table):
                        paragraphs.extend(p for r in block.rows for c in r for p in c)
                    else:
                        paragraphs.append(block)
                cells.append(paragraphs)
            rows.append(cells)
        return Table(rows)


def _part(archive: zipfile.ZipFile, name: str) -> Any | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > _MAX_PART:
        raise NotWordDocument("other", f"{name} is too large")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(archive.read(name), parser)


def read_docx(path: Path) -> WordDocument:
    """The body and footnotes of the .docx at ``path``.

    Raises:
        NotWordDocument: when the file is empty, an old .doc, or not a Word document.
        OSError: when the file cannot be read.
    """
    with open(path, "rb") as handle:
        head = handle.read(8)
    if not head:
        raise NotWordDocument("empty")
    if head.startswith(_OLE):
        raise NotWordDocument("doc")
    try:
        with zipfile.ZipFile(path) as archive:
            document = _part(archive, "word/document.xml")
            if document is None:
                raise NotWordDocument("other", "no word/document.xml")
            reader = _Reader(
                _Styles(_part(archive, "word/styles.xml")),
                _Numbering(_part(archive, "word/numbering.xml")),
            )
            body = document.find(_W + "body")
            blocks = reader.blocks(body) if body is not None else []
            footnotes = _footnotes(archive, reader)
    except (zipfile.BadZipFile, etree.XMLSyntaxError, EOFError, KeyError) as exc:
        raise NotWordDocument("other", str(exc)) from exc
    return WordDocument(blocks, footnotes)


def _footnotes(archive: zipfile.ZipFile, reader: _Reader) -> dict[str, list[Paragraph]]:
    """The footnotes part named by the document's relationships (usually word/footnotes.xml)."""
    name = "word/footnotes.xml"
    rels = _part(archive, "word/_rels/document.xml.rels")
    if rels is not None:
        for rel in rels.iter(_REL + "Relationship"):
            if rel.get("Type") == _FOOTNOTES and rel.get("TargetMode") != "External":
                target = rel.get("Target", "")
                name = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else str(PurePosixPath("word") / target)
                )
    root = _part(archive, name)
    if root is None:
        return {}
    notes: dict[str, list[Paragraph]] = {}
    for note in root.iter(_W + "footnote"):
        if note.get(_W + "type") in {"separator", "continuationSeparator", "continuationNotice"}:
            continue
        notes[note.get(_W + "id", "")] = [reader.paragraph(p) for p in note.iter(_W + "p")]
    return notes
