"""Compile once, render many: a DOCX template prepared once per process, then rendered per context.

docxtpl, per render, reloads the package, runs its regex preparation of the XML (``patch_xml``),
compiles the Jinja template, renders, fixes tables and re-serialises every part. Here the
preparation, the compiled Jinja templates and the serialised bytes of every part a render does
not change are kept; a render runs Jinja, docxtpl's own post-processing (so the output stays
identical to a plain docxtpl render: tested document by document), serialises the body and the
headers, and writes the package with fixed timestamps, so the same input gives the same bytes.
"""

from __future__ import annotations

import contextlib
import copy
import io
import logging
import re
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment
from jinja2 import TemplateError as JinjaTemplateError
from lxml import etree

from docgen.docx_zip import Deflated, zip_package
from docgen.errors import TemplateError
from docgen.i18n import _

__all__ = ["CompiledDocx", "compiled_template", "FIXED_TIMESTAMP", "bind_docxtpl_values"]

_LOG = logging.getLogger(__name__)

FIXED_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
"""The date written for every member of a DOCX package: deterministic output."""

_BODY_OPEN = re.compile(rb"<w:body(?: xmlns:\w+=\"[^\"]*\")*>")
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
"""The core properties docxtpl renders as templates (DocxTemplate.render_properties)."""


class CompiledDocx:
    """One DOCX template, prepared for repeated rendering.

    A template using what the compiled engine does not render exactly as docxtpl (Jinja in the
    footnotes or in the document properties) is handed to plain docxtpl for every render; the
    reason is ``fallback_reason`` (None when the compiled engine renders it). Parts holding Jinja
    that docxtpl itself leaves as written (endnotes, comments, settings …) are listed in
    ``literal_parts`` and logged as a warning. So is a render whose context carries docxtpl
    objects (InlineImage): that render goes to plain docxtpl too.

    Raises (at construction):
        TemplateError: when the template cannot be read or its Jinja does not compile (naming
            the template, the line and the paragraph's text).
    """

    fallback_reason: str | None
    literal_parts: list[str]

    def __init__(self, path: Path, environment: Environment):
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docxtpl import DocxTemplate

        self.path = Path(path)
        self._environment = environment
        self._lock = threading.Lock()
        self._sources: dict[str, str] = {}
        prepared = ""
        _refuse_damaged_tags(self.path, environment)
        try:
            self._template = DocxTemplate(str(path))
            self._template.render_init()
            document = self._template.docx
            raw = self._template.get_xml()
            prepared = self._prepare(raw)
            self._sources[self._DOCUMENT] = prepared
            _check_well_formed(self.path, self._DOCUMENT, prepared)
            self._body = environment.from_string(prepared)
            # The string path (no tree) is taken only where lxml's round trip is known to do
            # nothing but the normalisations of _string_body: no column loops or spans (fix_tables),
            # no drawings (fix_docpr_ids), no Jinja inside an attribute.
            self._empties = _emptiable(prepared)
            self._laid: tuple[Any, Any, list[tuple[bytes, bytes]]] | None | bool = False
            self._string_path = not (
                re.search(r"\{%-?\s*tc\b|\{#|colspan|\bhm\b|\bvm\b", raw)
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
                    self._sources[name] = prepared
                    _check_well_formed(self.path, name, prepared)
                    constant = "{{" not in prepared and "{%" not in prepared
                    self._headers[name] = (environment.from_string(prepared), encoding, constant)
        except JinjaTemplateError as exc:
            lined = _lined(list(self._sources.values())[-1] if self._sources else prepared)
            try:  # again on a line per paragraph, for the line number
                environment.from_string(lined)
            except JinjaTemplateError as again:
                raise _located(self.path, again, lined) from exc
            raise _located(self.path, exc, "") from exc
        except (OSError, KeyError, ValueError) as exc:
            raise TemplateError(f"template {path} cannot be read: {exc}") from exc
        properties = document.core_properties
        texts = [getattr(properties, name) or "" for name in _PROPERTIES]
        self.fallback_reason = None
        if any("{" in text for text in texts):
            self.fallback_reason = "Jinja in the document properties"
        footnotes = [
            str(part.partname).lstrip("/")
            for part in document.part.package.parts
            if part.content_type == _FOOTNOTES_TYPE and _has_jinja(part.blob)
        ]
        if footnotes:
            self.fallback_reason = f"Jinja in the footnotes ({', '.join(footnotes)})"
        if self.fallback_reason is None:  # its parts are used: as docxtpl does on every render
            self._template.render_properties({}, environment)
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
        self._deflated: dict[str, Deflated] | None = None
        rendered_parts = {self._document_name, *self._headers, "docProps/core.xml", *footnotes}
        self.literal_parts = [
            name
            for name in self._order
            if name not in rendered_parts
            and name.endswith((".xml", ".rels"))
            and _has_jinja(self._static[name])
        ]
        if self.fallback_reason:
            _LOG.info("template %s goes to plain docxtpl: %s", path, self.fallback_reason)
        if self.literal_parts:
            _LOG.warning(
                "template %s: Jinja in %s is not rendered (docxtpl leaves it as written)",
                path,
                ", ".join(self.literal_parts),
            )
        # What renders need of docxtpl's instance are its methods, not the loaded package: drop
        # the package (styles, numbering, the whole parsed document) to keep workers small.
        self._template.docx = None

    _DOCUMENT = "word/document.xml"

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

    def _static_layout(self) -> tuple[Any, Any, list[tuple[bytes, bytes]]] | None:
        """(the layout plan, the compiled laid-out body, its emptiable elements) of a template
        on the string path whose table layout can be applied when it is compiled
        (docgen.docx_layout_static), made on the first render asking for the layout; or None."""
        if self._laid is False:
            from docgen.docx_layout_static import plan_layout

            plan = plan_layout(self._sources[self._DOCUMENT]) if self._string_path else None
            self._laid = None
            if plan is not None:
                body = self._environment.from_string(plan.source)
                self._laid = (plan, body, _emptiable(plan.source))
        return self._laid  # type: ignore[return-value]

    def _string_body(
        self, rendered: str, empties: list[tuple[bytes, bytes]] | None = None
    ) -> bytes | None:
        """The body as lxml would write it, without building a tree; None where that is not
        certain (control characters, listings, character references other than the quotes
        autoescaping writes). Checks and replacements run on the UTF-8 bytes (memchr-fast)."""
        data = rendered.encode("utf-8")
        if any(byte in data for byte in _CONTROL_BYTES):
            return None
        # Single bytes are looked for first: memchr, where a two-byte search is several times
        # slower on a 5 MB body.
        if (b"{" in data and b"{_" in data) or (b"}" in data and b"_}" in data):
            # docxtpl's escaped braces (render_xml_part)
            data = (
                data.replace(b"{_{", b"{{")
                .replace(b"}_}", b"}}")
                .replace(b"{_%", b"{%")
                .replace(b"%_}", b"%}")
            )
        if b"#" in data and b"&#" in data:
            # Only the quotes autoescaping writes (counted: a regex scan of a 5 MB body is slow).
            if data.count(b"&#") != data.count(b"&#34;") + data.count(b"&#39;"):
                return None
            data = data.replace(b"&#34;", b'"').replace(b"&#39;", b"'")
        for empty, collapsed in self._empties if empties is None else empties:
            if empty in data:
                data = data.replace(empty, collapsed)
        return data

    def render(
        self,
        context: dict[str, Any],
        prepare: Any = None,
        finish_document: Callable[[bytes], bytes] | None = None,
        lay_out_body: Callable[[Any], object] | None = None,
    ) -> bytes:
        """The DOCX bytes of this template rendered with ``context``. With ``prepare`` (a
        ``docgen.render.Prepare`` hook: docxtpl's replace_pic / replace_media / replace_embedded
        / build_url_id / new_subdoc need the DocxTemplate object), plain docxtpl renders it.
        ``finish_document`` maps the rendered document part (word/document.xml, bytes) before it
        is packed, on the compiled path only (the caller applies it to plain renders).
        ``lay_out_body`` (docgen.docx_layout.apply_layout_body), given with ``finish_document``,
        is applied to the body instead where the body is parsed anyway (tables fixed), and
        ``finish_document`` is then skipped: one parse and serialisation less.

        Raises:
            TemplateError: naming the template and the Jinja error.
        """
        from docx.opc.oxml import serialize_part_xml
        from docx.oxml.parser import parse_xml

        from docgen.render import RENDER_FAILURES, render_limits

        reason = self.fallback_reason or _docxtpl_values(context)
        if prepare is not None:
            reason = reason or "a prepare hook uses the docxtpl template object"
        if reason:
            from docgen.render import render_docx_plain

            _LOG.debug("template %s rendered by plain docxtpl: %s", self.path, reason)
            return _fixed_dates(
                render_docx_plain(self.path, context, self._environment, prepare),
                {self._document_name: finish_document} if finish_document else None,
            )
        laid = self._static_layout() if lay_out_body is not None and finish_document else None
        current = self._DOCUMENT
        try:
            with render_limits():
                rendered = (self._body if laid is None else laid[1]).render(context)
                headers = {}
                for name, (template, encoding, constant) in self._headers.items():
                    if name in self._header_cache:
                        headers[name] = self._header_cache[name]
                        continue
                    current = name
                    xml = self._finish(template.render(context)).encode(encoding)
                    headers[name] = serialize_part_xml(parse_xml(xml))
                    if constant:  # no Jinja in it: the same bytes every time
                        self._header_cache[name] = headers[name]
        except RENDER_FAILURES as exc:
            raise self._failure(exc, current, context) from exc
        body_bytes = None
        if self._string_path:
            body_bytes = self._string_body(rendered, None if laid is None else laid[2])
        if laid is not None and body_bytes is not None:
            # The layout is in the template; the keep rules a render decides are applied to
            # the bytes. (On the tree path, the whole layout runs again: it changes nothing
            # that the template already holds.)
            body_bytes, finish_document = laid[0].apply(body_bytes), None
        if body_bytes is None:
            body = self._finish(rendered)
            with self._lock:  # docxtpl's fix-ups keep a counter on the shared template
                tree = fix_tables(body)
                self._template.docx_ids_index = 1000
                self._template.fix_docpr_ids(tree)
            if lay_out_body is not None:  # the body is a tree here: laid out before serialising
                lay_out_body(tree)
                finish_document = None
            body_bytes = etree.tostring(tree, encoding="UTF-8", xml_declaration=False)
        # The body is spliced into the document serialised once, instead of replacing the body
        # of a loaded document (lxml's replace of a large tree is slow): the declarations a
        # standalone body carries are the document's own, and the document omits them there.
        opening = _BODY_OPEN.match(body_bytes)  # (a match: sub would try every position)
        rest = memoryview(body_bytes)[opening.end() :] if opening else body_bytes
        head = self._document_head + (b"<w:body>" if opening else b"")
        document = b"".join((head, rest, self._document_tail))
        if finish_document is not None:
            document = finish_document(document)
        if self._deflated is None:  # the parts no render changes, deflated once
            self._deflated = {
                name: Deflated.of(data)
                for name, data in self._static.items()
                if name != self._document_name and name not in self._headers
            }
        parts: list[tuple[str, bytes | Deflated]] = []
        for name in self._order:
            if name == self._document_name:
                parts.append((name, document))
            else:
                parts.append((name, headers[name] if name in headers else self._deflated[name]))
        return zip_package(parts, FIXED_TIMESTAMP)

    def _failure(self, exc: BaseException, part: str, context: dict[str, Any]) -> TemplateError:
        """The TemplateError for ``exc``, raised rendering ``part``: the source is prepared on one
        line (fast), so the render is repeated on the source with a line per paragraph, as
        docxtpl renders it, to learn the line and the paragraph."""
        from docgen.render import RENDER_FAILURES, render_limits, template_failure

        lined = _lined(self._sources[part])
        try:
            with render_limits():
                self._environment.from_string(lined).render(context)
        except RENDER_FAILURES as again:
            return _located(self.path, again, lined)
        return template_failure(self.path, exc)


_FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_TAGS = re.compile(rb"<[^<>]*>")
_JINJA = re.compile(rb"\{[{%#]|[}%#]\}")


def _refuse_damaged_tags(path: Path, environment: Environment) -> None:
    """Raise a TemplateError listing the tags of the template at ``path`` that would print a
    wrong paper without any error ("{ {" printed as typed, a tag over two paragraphs, a tag
    partly in a hyperlink, "&" in a tag …): the error findings of docgen.template_tags, the
    checks `docgen check-templates` reports. A file that cannot be read is left to the loader."""
    from docgen.errors import Severity
    from docgen.template_tags import scan_template

    try:
        findings = scan_template(path, environment)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return
    errors = [f for f in findings if f.severity == Severity.ERROR]
    if errors:
        lines = "; ".join(
            f"{f.part}{', ' + f.cell if f.cell else ''} “{f.paragraph}”: {f.message}"
            for f in errors
        )
        raise TemplateError(
            _("template {path}: damaged tags ({lines}); docgen check-templates lists them").format(
                path=path, lines=lines
            )
        )


_JINJA_CONSTRUCTS = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


def _check_well_formed(path: Path, part: str, prepared: str) -> None:
    """Raise a TemplateError when ``prepared`` (a part after docxtpl's patch_xml) is not well
    formed once its Jinja is taken out: docxtpl's run merging took away half of an element a tag
    crossed (a hyperlink, a tracked change, a field), and every render would write a damaged
    paper (docxtpl itself then silently drops the rest of the body)."""
    try:
        etree.fromstring(_JINJA_CONSTRUCTS.sub("", prepared).encode("utf-8"))
    except etree.XMLSyntaxError as exc:
        raise TemplateError(
            _(
                "template {path}: a tag breaks the Word XML of {part} ({reason}): a tag is "
                "partly inside a hyperlink, a tracked change or a field; docgen "
                "check-templates names it"
            ).format(path=path, part=part, reason=exc)
        ) from exc


def _has_jinja(xml: bytes) -> bool:
    """Whether a part's text (its XML without the tags, as Word splits a tag across runs)
    holds a Jinja delimiter."""
    return bool(_JINJA.search(_TAGS.sub(b"", xml)))


def _lined(prepared: str) -> str:
    """The prepared XML with a line per paragraph, as docxtpl renders it (Jinja's line numbers)."""
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", prepared)


def jinja_lineno(exc: BaseException) -> int | None:
    """The template line where Jinja stopped: the error's own (syntax errors) or that of the
    last frame of the compiled template in the traceback (errors while rendering)."""
    lineno = getattr(exc, "lineno", None)
    traceback = exc.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == "<template>":
            lineno = traceback.tb_lineno
        traceback = traceback.tb_next
    return lineno


def plain_failure(path: Path, template: Any, exc: BaseException) -> TemplateError:
    """The TemplateError for ``exc`` raised by docxtpl's ``template.render``: the part it was
    rendering is prepared again as docxtpl prepares it, for the line and the paragraph."""
    part = getattr(template, "current_rendering_part", None)
    lined = ""
    try:
        if part is not None and template.docx is not None:
            if part is template.docx.part:
                xml = template.get_xml()
            else:
                blob = part.blob
                xml = blob.decode("utf-8") if isinstance(blob, bytes) else str(blob)
            lined = _lined(template.patch_xml(xml))
    except (AttributeError, ValueError, UnicodeDecodeError):
        lined = ""
    return _located(path, exc, lined)


def _paragraph(lined: str, lineno: int | None) -> str:
    """The text of line ``lineno`` (1-based) of ``lined``, its tags taken out, shortened."""
    lines = lined.splitlines()
    if not lineno or not 0 < lineno <= len(lines):
        return ""
    text = " ".join(re.sub(r"<[^>]+>", "", lines[lineno - 1]).split())
    return text if len(text) <= 120 else text[:119] + "…"


def _located(path: Path, exc: BaseException, lined: str) -> TemplateError:
    """template_failure's message, plus the text of the paragraph where Jinja stopped."""
    from docgen.render import template_failure

    lineno = jinja_lineno(exc)
    if lineno is not None and getattr(exc, "lineno", None) != lineno:
        with contextlib.suppress(AttributeError):  # for template_failure's message
            exc.lineno = lineno  # type: ignore[attr-defined]
    error = template_failure(path, exc)
    text = _paragraph(lined, lineno)
    return TemplateError(f"{error} (in the paragraph “{text}”)") if text else error


def _docxtpl_values(context: Any) -> str | None:
    """Why this context needs plain docxtpl (a value that is a docxtpl InlineImage or Subdoc,
    at any depth up to 20 of dicts, lists and tuples), or None. Walked without recursion, text
    skipped at once: a 2,000-row table's context holds some 100,000 values."""
    from docxtpl import InlineImage

    stack: list[tuple[Any, int]] = [(context, 0)]
    while stack:
        value, depth = stack.pop()
        kind = type(value)
        if kind is str:
            continue
        if isinstance(value, InlineImage) or _is_subdoc(value):
            return f"the context holds a docxtpl {kind.__name__}"
        if depth > 20:
            continue
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list | tuple):
            stack.extend((item, depth + 1) for item in value)
    return None


def _is_subdoc(value: Any) -> bool:
    """Whether ``value`` is a docxtpl Subdoc (docxtpl offers it only with docxcompose)."""
    kind = type(value)
    return kind.__name__ == "Subdoc" and kind.__module__.startswith("docxtpl")


def bind_docxtpl_values(context: Any, template: Any, depth: int = 0) -> Any:
    """``context`` with every docxtpl InlineImage in it copied and bound to ``template`` (the
    DocxTemplate rendering it: the picture is added to that document's package); containers
    are copied where they hold one, other values are the same objects.

    Raises:
        TemplateError: for a docxtpl Subdoc, made from another template object, whose parts
            cannot be carried over.
    """
    from docxtpl import InlineImage

    if isinstance(context, InlineImage):
        bound = copy.copy(context)
        bound.tpl = template
        return bound
    if _is_subdoc(context):
        raise TemplateError(
            "a sub-document (docxtpl Subdoc) made from another template object cannot be "
            "carried into this render: make it in a prepare hook (docgen.render.Prepare) with "
            "template.new_subdoc(path)"
        )
    if depth > 20 or not isinstance(context, dict | list | tuple):
        return context
    if isinstance(context, dict):
        return {
            key: bind_docxtpl_values(value, template, depth + 1) for key, value in context.items()
        }
    items = [bind_docxtpl_values(value, template, depth + 1) for value in context]
    return type(context)(items) if isinstance(context, tuple) else items


def _fixed_dates(data: bytes, changes: dict[str, Callable[[bytes], bytes]] | None = None) -> bytes:
    """A DOCX package written again with FIXED_TIMESTAMP on every member (deterministic), the
    members named in ``changes`` mapped through their function."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as archive:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, FIXED_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(member.filename)
            if changes and member.filename in changes:
                content = changes[member.filename](content)
            archive.writestr(info, content, compresslevel=1)
    return buffer.getvalue()


_CONTROL_BYTES = [bytes([code]) for code in range(32)]
"""Every control character, tab, line feed and carriage return included: where any is present,
docxtpl's listing handling or lxml's escaping applies, so the tree path is taken."""
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
