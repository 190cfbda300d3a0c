"""Compile once, render many: a DOCX template prepared once per process, then rendered per context.

docxtpl, per render, reloads the package, runs its regex preparation of the XML (``patch_xml``),
compiles the Jinja template, renders, fixes tables and re-serialises every part. Here the
preparation, the compiled Jinja templates and the serialised bytes of every part a render does
not change are kept; a render runs Jinja, docxtpl's own post-processing (so the output stays
identical to a plain docxtpl render: tested document by document), serialises the body and the
headers, and writes the package with fixed timestamps, so the same input gives the same bytes.
"""

from __future__ import annotations

import io
import re
import threading
import zipfile
from pathlib import Path
from typing import Any

from jinja2 import Environment
from jinja2 import TemplateError as JinjaTemplateError
from lxml import etree

from docgen.errors import TemplateError

__all__ = ["CompiledDocx", "compiled_template", "FIXED_TIMESTAMP"]

FIXED_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
"""The date written for every member of a DOCX package: deterministic output."""

_BODY_OPEN = re.compile(rb"^<w:body(?: xmlns:\w+=\"[^\"]*\")*>")
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
"""The core properties docxtpl renders as templates (DocxTemplate.render_properties)."""


class CompiledDocx:
    """One DOCX template, prepared for repeated rendering.

    Raises (at construction):
        TemplateError: when the template cannot be read or its Jinja does not compile.
    """

    def __init__(self, path: Path, environment: Environment):
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docxtpl import DocxTemplate

        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self._template = DocxTemplate(str(path))
            self._template.render_init()
            document = self._template.docx
            raw = self._template.get_xml()
            prepared = self._prepare(raw)
            self._body = environment.from_string(prepared)
            # The string path (no tree) is taken only where lxml's round trip is known to do
            # nothing but the normalisations of _string_body: no column loops or spans (fix_tables),
            # no drawings (fix_docpr_ids), no Jinja inside an attribute.
            self._empties = _emptiable(prepared)
            self._string_path = not (
                re.search(r"\{%-?\s*tc\b|colspan|\bhm\b|\bvm\b", raw)
                or "docPr" in raw
                or re.search(r"<[^<>]*\{[{%]", prepared)
            )
            self._headers: dict[str, Any] = {}
            for relation in document.part.rels.values():
                if relation.reltype in (RT.HEADER, RT.FOOTER) and relation.target_part.blob:
                    part = relation.target_part
                    xml = self._template.get_part_xml(part)
                    name = str(part.partname).lstrip("/")
                    encoding = self._template.get_headers_footers_encoding(xml)
                    prepared = self._prepare(xml)
                    constant = "{{" not in prepared and "{%" not in prepared
                    self._headers[name] = (environment.from_string(prepared), encoding, constant)
        except JinjaTemplateError as exc:
            raise TemplateError(f"template {path}: {exc}") from exc
        except (OSError, KeyError, ValueError) as exc:
            raise TemplateError(f"template {path} cannot be read: {exc}") from exc
        properties = document.core_properties
        texts = [getattr(properties, name) or "" for name in _PROPERTIES]
        self._dynamic_properties = any("{" in text for text in texts)
        self._template.render_properties({}, environment)  # as docxtpl does on every render
        buffer = io.BytesIO()
        document.save(buffer)
        with zipfile.ZipFile(buffer) as archive:
            self._order = archive.namelist()
            self._static = {name: archive.read(name) for name in self._order}
        self._document_name = str(document.part.partname).lstrip("/")
        whole = self._static[self._document_name]
        start, end = whole.index(b"<w:body>"), whole.rindex(b"</w:body>")
        self._document_head, self._document_tail = whole[:start], whole[end + len(b"</w:body>") :]
        self._header_cache: dict[str, bytes] = {}
        # What renders need of docxtpl's instance are its methods, not the loaded package: drop
        # the package (styles, numbering, the whole parsed document) to keep workers small.
        self._template.docx = None

    def _prepare(self, xml: str) -> str:
        """docxtpl's preparation of a part's XML for Jinja (``patch_xml``). docxtpl also puts a
        line break before each paragraph and takes it out after rendering, for Jinja's line
        numbers; the two cancel, so neither is done here."""
        return self._template.patch_xml(xml)

    def _finish(self, xml: str) -> str:
        """docxtpl's steps after Jinja (``render_xml_part``); listings only when present."""
        if "{_" in xml or "_}" in xml:  # docxtpl's escaped braces, rare: replaced only if there
            xml = (
                xml.replace("{_{", "{{")
                .replace("}_}", "}}")
                .replace("{_%", "{%")
                .replace("%_}", "%}")
            )
        if any(ch in xml for ch in "\t\a\n\f"):
            xml = self._template.resolve_listing(xml)
        return xml

    def _string_body(self, rendered: str) -> bytes | None:
        """The body as lxml would write it, without building a tree; None where that is not
        certain (control characters, listings, character references other than the quotes
        autoescaping writes). Checks and replacements run on the UTF-8 bytes (memchr-fast)."""
        data = rendered.encode("utf-8")
        if any(byte in data for byte in _CONTROL_BYTES):
            return None
        if b"{_" in data or b"_}" in data:  # docxtpl's escaped braces (render_xml_part)
            data = (
                data.replace(b"{_{", b"{{")
                .replace(b"}_}", b"}}")
                .replace(b"{_%", b"{%")
                .replace(b"%_}", b"%}")
            )
        if b"&#" in data:
            if _OTHER_REFERENCE.search(data):
                return None
            data = data.replace(b"&#34;", b'"').replace(b"&#39;", b"'")
        for empty, collapsed in self._empties:
            if empty in data:
                data = data.replace(empty, collapsed)
        return data

    def render(self, context: dict[str, Any]) -> bytes:
        """The DOCX bytes of this template rendered with ``context``.

        Raises:
            TemplateError: naming the template and the Jinja error.
        """
        from docx.opc.oxml import serialize_part_xml
        from docx.oxml.parser import parse_xml

        from docgen.render import RENDER_FAILURES, render_limits, template_failure

        if self._dynamic_properties:  # properties with Jinja in them: render as docxtpl does
            from docgen.render import render_docx_plain

            return render_docx_plain(self.path, context)
        try:
            with render_limits():
                rendered = self._body.render(context)
                headers = {}
                for name, (template, encoding, constant) in self._headers.items():
                    if name in self._header_cache:
                        headers[name] = self._header_cache[name]
                        continue
                    xml = self._finish(template.render(context)).encode(encoding)
                    headers[name] = serialize_part_xml(parse_xml(xml))
                    if constant:  # no Jinja in it: the same bytes every time
                        self._header_cache[name] = headers[name]
        except RENDER_FAILURES as exc:
            raise template_failure(self.path, exc) from exc
        body_bytes = self._string_body(rendered) if self._string_path else None
        if body_bytes is None:
            body = self._finish(rendered)
            with self._lock:  # docxtpl's fix-ups keep a counter on the shared template
                tree = fix_tables(body)
                self._template.docx_ids_index = 1000
                self._template.fix_docpr_ids(tree)
            body_bytes = etree.tostring(tree, encoding="UTF-8", xml_declaration=False)
        # The body is spliced into the document serialised once, instead of replacing the body
        # of a loaded document (lxml's replace of a large tree is slow): the declarations a
        # standalone body carries are the document's own, and the document omits them there.
        body_bytes = _BODY_OPEN.sub(b"<w:body>", body_bytes, count=1)
        document = self._document_head + body_bytes + self._document_tail
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in self._order:
                if name == self._document_name:
                    data = document
                else:
                    data = headers.get(name, self._static[name])
                info = zipfile.ZipInfo(name, FIXED_TIMESTAMP)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data, compresslevel=1)
        return buffer.getvalue()


_CONTROL_BYTES = [bytes([code]) for code in range(32)]
"""Every control character, tab, line feed and carriage return included: where any is present,
docxtpl's listing handling or lxml's escaping applies, so the tree path is taken."""
_OTHER_REFERENCE = re.compile(rb"&#(?!3[49];)")
_OPEN_BEFORE_JINJA = re.compile(r"(<([A-Za-z][\w.-]*:[A-Za-z][\w.-]*)(?:\s[^<>]*)?>)\{[{%]")
_RICH_TEXT_OPEN = ('<w:t xml:space="preserve">', "w:t")
"""docxtpl's RichText writes every run's text in this element, empty when the text is."""


def _emptiable(prepared: str) -> list[tuple[bytes, bytes]]:
    """(empty form, collapsed form) of every element a render may leave empty: an element can
    only become empty if its content in the template starts with Jinja, so its exact opening tag
    is known (no Jinja in attributes on the string path), plus RichText's text element."""
    opens = {(tag, name) for tag, name in _OPEN_BEFORE_JINJA.findall(prepared)} | {_RICH_TEXT_OPEN}
    return sorted((f"{tag}</{name}>".encode(), f"{tag[:-1]}/>".encode()) for tag, name in opens)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CELLS = etree.XPath("count(w:tc)", namespaces={"w": _W[1:-1]})
_SPANS = etree.XPath(
    "count(w:tc[not(w:tcPr/w:gridSpan)]) + sum(w:tc/w:tcPr/w:gridSpan/@w:val)",
    namespaces={"w": _W[1:-1]},
)


def fix_tables(xml: str) -> Any:
    """docxtpl's ``DocxTemplate.fix_tables``, step for step, with the per-row counts done by
    XPath: grid columns added when a row has more cells than the grid, removed (their width
    shared out) when every row spans fewer. Same result, without a Python loop per cell."""
    tree = etree.fromstring(xml.encode("utf-8"), parser=etree.XMLParser(recover=True))
    for table in tree.iter(_W + "tbl"):
        grid = table.find(_W + "tblGrid")
        columns = grid.findall(_W + "gridCol")
        rows = list(table.iter(_W + "tr"))
        most_cells = max((int(_CELLS(row)) for row in rows), default=0)
        to_add = max(most_cells - len(columns), 0)
        if to_add > 0:
            width = sum(float(c.get(_W + "w")) for c in columns if c.get(_W + "w") is not None)
            if width > 0:
                old_average = width / len(columns)
                new_average = width / (len(columns) + to_add)
                for column in columns:
                    column.set(
                        _W + "w", str(int(float(column.get(_W + "w")) * new_average / old_average))
                    )
                for _ in range(to_add):
                    etree.SubElement(grid, _W + "gridCol", {_W + "w": str(int(new_average))})
        columns = grid.findall(_W + "gridCol")
        widest = max((int(_SPANS(row)) for row in rows), default=0)
        to_remove = len(columns) - widest
        if to_remove > 0:
            removed = 0.0
            for column in columns[-to_remove:]:
                removed += float(column.get(_W + "w"))
                grid.remove(column)
            left = grid.findall(_W + "gridCol")
            extra = int(removed / len(left)) if left else 0
            for column in left:
                column.set(_W + "w", str(int(float(column.get(_W + "w")) + extra)))
    return tree


_CACHE: dict[tuple[str, float, int], CompiledDocx] = {}


def compiled_template(path: Path, environment_factory: Any) -> CompiledDocx:
    """The compiled template at ``path``, compiled once per process (and again if it changes)."""
    stat = Path(path).stat()
    key = (str(Path(path).resolve()), stat.st_mtime, stat.st_size)
    compiled = _CACHE.get(key)
    if compiled is None:
        compiled = CompiledDocx(Path(path), environment_factory())
        _CACHE[key] = compiled
    return compiled
