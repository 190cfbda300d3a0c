"""A rendered plan DOCX → the same DOCX with real footnotes and even plan tables.

docxtpl's RichText cannot make a footnote reference, so the plan template prints each footnote
mark as a superscript run "[^n]" and each footnote's text as a paragraph of style "Chú thích"
opening with the same mark (templates_build._plan). Here the raw WordprocessingML is rewritten:
each footnote paragraph moves into ``word/footnotes.xml`` (created with its relationship and
content type when the template has none) as a ``w:footnote`` whose mark is a ``w:footnoteRef``,
and each mark in the text becomes a ``w:footnoteReference`` run, so that Word and LibreOffice
print the footnote at the foot of the page that cites it. The tables of a plan's items
(caption ``docgen-plan-table``) get columns of equal width after docxtpl's column loop.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

__all__ = ["finish_plan_docx"]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_MARK = re.compile(r"\[\^(\w+)\]")
PLAN_TABLE_CAPTION = "docgen-plan-table"
NOTE_STYLE = "Chú thích"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _run_text(run: etree._Element) -> str:
    return "".join(t.text or "" for t in run.iter(_w("t")))


def _mark_of(run: etree._Element) -> str | None:
    """The footnote id of a mark run (superscript, text exactly "[^n]"), else None."""
    align = run.find(f"{_w('rPr')}/{_w('vertAlign')}")
    if align is None or align.get(_w("val")) != "superscript":
        return None
    match = _MARK.fullmatch(_run_text(run))
    return match.group(1) if match else None


def _style_id(styles: bytes | None, name: str) -> str | None:
    if styles is None:
        return None
    root = etree.fromstring(styles)
    for style in root.iter(_w("style")):
        element = style.find(_w("name"))
        if element is not None and element.get(_w("val")) == name:
            return style.get(_w("styleId"))
    return None


def _superscript_run(child: str, note_id: str | None = None) -> etree._Element:
    run = etree.Element(_w("r"))
    properties = etree.SubElement(run, _w("rPr"))
    etree.SubElement(properties, _w("vertAlign")).set(_w("val"), "superscript")
    element = etree.SubElement(run, _w(child))
    if note_id is not None:
        element.set(_w("id"), note_id)
    return run


def _empty_footnotes() -> etree._Element:
    """A footnotes part with Word's two separator notes (ids -1 and 0)."""
    root = etree.Element(_w("footnotes"), nsmap={"w": W})
    for note_id, kind, child in (
        ("-1", "separator", "separator"),
        ("0", "continuationSeparator", "continuationSeparator"),
    ):
        note = etree.SubElement(root, _w("footnote"))
        note.set(_w("type"), kind)
        note.set(_w("id"), note_id)
        paragraph = etree.SubElement(note, _w("p"))
        spacing = etree.SubElement(etree.SubElement(paragraph, _w("pPr")), _w("spacing"))
        spacing.set(_w("after"), "0")
        spacing.set(_w("line"), "240")
        spacing.set(_w("lineRule"), "auto")
        etree.SubElement(etree.SubElement(paragraph, _w("r")), _w(child))
    return root


def _move_footnotes(
    document: etree._Element, note_style: str | None, footnotes: etree._Element
) -> bool:
    """Move the footnote paragraphs of ``document`` into ``footnotes`` and turn the marks that
    cite them into references; False when the document has no footnote."""
    definitions: dict[str, etree._Element] = {}
    body = document.find(_w("body"))
    assert body is not None
    for paragraph in list(body.iter(_w("p"))):
        style = paragraph.find(f"{_w('pPr')}/{_w('pStyle')}")
        if style is None or note_style is None or style.get(_w("val")) != note_style:
            continue
        runs = [r for r in paragraph.findall(_w("r")) if _run_text(r)]
        note_id = _mark_of(runs[0]) if runs else None
        if note_id is not None:
            definitions[note_id] = paragraph
    if not definitions:
        return False
    used = [int(n.get(_w("id"), "0")) for n in footnotes.findall(_w("footnote"))]
    next_id = max([0, *used]) + 1
    ids: dict[str, str] = {}
    for note_id, paragraph in definitions.items():
        ids[note_id] = str(next_id)
        next_id += 1
        paragraph.getparent().remove(paragraph)
        runs = [r for r in paragraph.findall(_w("r")) if _run_text(r)]
        runs[0].getparent().replace(runs[0], _superscript_run("footnoteRef"))
        note = etree.SubElement(footnotes, _w("footnote"))
        note.set(_w("id"), ids[note_id])
        note.append(paragraph)
    for run in list(document.iter(_w("r"))):
        note_id = _mark_of(run)
        if note_id is not None and note_id in ids:
            run.getparent().replace(run, _superscript_run("footnoteReference", ids[note_id]))
    return True


def _even_tables(document: etree._Element) -> None:
    """Equal column widths for the plan's item tables (their column loop leaves the template's
    narrow tag columns in the grid)."""
    for table in document.iter(_w("tbl")):
        caption = table.find(f"{_w('tblPr')}/{_w('tblCaption')}")
        if caption is None or caption.get(_w("val")) != PLAN_TABLE_CAPTION:
            continue
        grid = table.find(_w("tblGrid"))
        rows = table.findall(_w("tr"))
        if grid is None or not rows:
            continue
        columns = max(len(row.findall(_w("tc"))) for row in rows)
        total = sum(int(float(c.get(_w("w"), "0"))) for c in grid.findall(_w("gridCol")))
        width = str(total // max(columns, 1))
        for column in grid.findall(_w("gridCol")):
            grid.remove(column)
        for _ in range(columns):
            etree.SubElement(grid, _w("gridCol")).set(_w("w"), width)
        for cell_width in table.iter(_w("tcW")):
            cell_width.set(_w("w"), width)
            cell_width.set(_w("type"), "dxa")


def finish_plan_docx(data: bytes) -> bytes:
    """The rendered plan ``data`` with real footnotes and even item tables (see the module);
    unchanged when it has neither."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
        infos = source.infolist()
    document = etree.fromstring(parts["word/document.xml"])
    footnotes = (
        etree.fromstring(parts["word/footnotes.xml"])
        if "word/footnotes.xml" in parts
        else _empty_footnotes()
    )
    moved = _move_footnotes(
        document, _style_id(parts.get("word/styles.xml"), NOTE_STYLE), footnotes
    )
    has_tables = PLAN_TABLE_CAPTION.encode() in parts["word/document.xml"]
    if not moved and not has_tables:
        return data
    _even_tables(document)
    parts["word/document.xml"] = etree.tostring(
        document, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    if moved:
        if "word/footnotes.xml" not in parts:
            _add_footnotes_part(parts)
        parts["word/footnotes.xml"] = etree.tostring(
            footnotes, xml_declaration=True, encoding="UTF-8", standalone=True
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = [info.filename for info in infos]
        for name in names + [n for n in parts if n not in names]:
            target.writestr(name, parts[name])
    return out.getvalue()


def _add_footnotes_part(parts: dict[str, bytes]) -> None:
    """The relationship and content type of a new ``word/footnotes.xml``."""
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
    taken = {r.get("Id") for r in rels}
    number = 1
    while f"rId{number}" in taken:
        number += 1
    relation = etree.SubElement(rels, f"{{{_REL}}}Relationship")
    relation.set("Id", f"rId{number}")
    relation.set("Type", _FOOTNOTES_REL)
    relation.set("Target", "footnotes.xml")
    parts["word/_rels/document.xml.rels"] = etree.tostring(
        rels, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    types = etree.fromstring(parts["[Content_Types].xml"])
    override = etree.SubElement(types, f"{{{_CT}}}Override")
    override.set("PartName", "/word/footnotes.xml")
    override.set("ContentType", _FOOTNOTES_TYPE)
    parts["[Content_Types].xml"] = etree.tostring(
        types, xml_declaration=True, encoding="UTF-8", standalone=True
    )
