"""PDF: the same contexts as the DOCX templates → HTML (Jinja) → PDF (WeasyPrint), or the rendered
DOCX converted by LibreOffice where it is installed.

The page, margins and type sizes come from the style profiles (templates/profiles/*.yaml) that the
DOCX templates are built from, turned into CSS here. The font is Times New Roman where installed,
else a metric-compatible free face (Liberation Serif, Tinos) with every Vietnamese glyph; WeasyPrint
embeds the subset used. Stylesheets, the font configuration and compiled templates are prepared
once per renderer and reused for every document.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from docgen.errors import EnvironmentProblem
from docgen.models import IssuerKind
from docgen.render import LimitedSandbox, Paper

__all__ = [
    "FONT_FAMILIES",
    "PdfRenderer",
    "available_font",
    "libreoffice_pdfs",
    "pdf_renderer",
    "pdf_workers",
    "render_pdfs",
    "rich_html",
]

FONT_FAMILIES = ("Times New Roman", "Liberation Serif", "Tinos")
LANDSCAPE = {"summary_review", "summary_next_term", "trich_ngang", "structure"}
_RUN = re.compile(r"<w:r>(.*?)</w:r>", re.DOTALL)
_TEXT = re.compile(r"<w:t[^>]*>(.*?)</w:t>", re.DOTALL)


@cache
def available_font() -> str:
    """The first of FONT_FAMILIES that fontconfig knows.

    Raises:
        EnvironmentProblem: when none is installed (on Debian: apt-get install fonts-liberation2).
    """
    for family in FONT_FAMILIES:
        try:
            found = subprocess.run(
                ["fc-list", f":family={family}", "family"],
                capture_output=True,
                text=True,
                check=False,
            ).stdout
        except OSError as exc:
            raise EnvironmentProblem("fontconfig (fc-list) is not installed") from exc
        if found.strip():
            return family
    raise EnvironmentProblem(
        "no Times New Roman or metric-compatible font (Liberation Serif, Tinos) is installed; "
        "on Debian: apt-get install fonts-liberation2"
    )


def rich_html(value: Any) -> Markup:
    """A docxtpl RichText (or plain text) as HTML: bold, italic and superscript runs kept."""
    xml = getattr(value, "xml", None)
    if xml is None:
        return escape(str(value))
    parts = []
    for run in _RUN.findall(xml):
        text = "".join(_TEXT.findall(run))  # already XML-escaped, which is HTML-safe
        if "<w:b/>" in run:
            text = f"<b>{text}</b>"
        if "<w:i/>" in run:
            text = f"<i>{text}</i>"
        if 'w:val="superscript"' in run:
            text = f"<sup>{text}</sup>"
        parts.append(text)
    return Markup("".join(parts))


_SYMBOL_JOINT = re.compile(r"(?<=[\w)])([/-])(?=\w)")


def keep_symbols_whole(value: Any) -> Any:
    """Jinja ``finalize``: a WORD JOINER (U+2060) after "/" and "-" inside a token, so that a
    document symbol ("215-QĐ/ĐU", "12/TTr-VPUBND") is never broken at its slash or hyphen in the
    PDF; Word and LibreOffice do not break there (format.md, "Pagination": no word broken)."""
    if isinstance(value, str) and not isinstance(value, Markup) and ("/" in value or "-" in value):
        return _SYMBOL_JOINT.sub("\\1\u2060", value)
    return value


def colgroup(name: str, repeats: int = 1) -> Markup:
    """The <colgroup> of table ``name`` from the one layout definition (docgen.layout) that the
    DOCX uses too, with its loop column repeated ``repeats`` times."""
    from docgen.layout import column_percents

    cols = "".join(f'<col style="width:{w}%">' for w in column_percents(name, repeats))
    return Markup(f"<colgroup>{cols}</colgroup>")


def _css(profile: dict[str, Any], landscape: bool, font: str) -> str:
    page = profile["page"]
    header = profile["header"]
    table = profile["wide_table" if landscape else "table"]
    body = profile["body"]
    size = (
        f"{page['height']}mm {page['width']}mm"
        if landscape
        else f"{page['width']}mm {page['height']}mm"
    )
    return f"""
@page {{
  size: {size};
  margin: {page["top"]}mm {page["right"]}mm {page["bottom"]}mm {page["left"]}mm;
  @top-center {{ content: counter(page); font-family: "{font}"; font-size: {profile["page_number"]["size"]}pt; }}
}}
@page :first {{ @top-center {{ content: none; }} }}
html {{ font-family: "{font}", serif; font-size: {body["size"]}pt; color: #000; }}
body {{ margin: 0; }}
p {{ margin: 0; }}
.doc {{ bookmark-level: none; }}
.doc-title {{ bookmark-level: 1; bookmark-label: attr(data-bookmark); }}
.header {{ width: 100%; border-collapse: collapse; }}
.header td {{ vertical-align: top; text-align: center; padding: 0; }}
.header .left {{ width: {header["left_width"]}mm; }}
.parent {{ font-size: {header["parent_body"]["size"]}pt; font-weight: {"bold" if header["parent_body"]["bold"] else "normal"}; }}
.issuing {{ font-size: {header["issuing_body"]["size"]}pt; font-weight: bold; }}
.national {{ font-size: {header["national_name"]["size"]}pt; font-weight: bold; {"text-decoration: underline;" if header["national_name"].get("underline") else ""} }}
.motto {{ font-size: {(header.get("motto") or {}).get("size", 13)}pt; font-weight: bold; text-decoration: underline; }}
.body-rule {{ width: {(header.get("body_rule") or {}).get("width", 0)}mm; border-bottom: 0.5pt solid #000; margin: 1pt auto 0; }}
.number {{ font-size: {header["number"]["size"]}pt; padding-top: 6pt !important; }}
.date {{ font-size: {header["date_line"]["size"]}pt; font-style: italic; padding-top: 6pt !important; }}
.type {{ text-align: center; font-weight: bold; font-size: {profile["title"]["type"]["size"]}pt; margin-top: 18pt; }}
.subject {{ text-align: center; font-weight: bold; font-size: {profile["title"]["subject"]["size"]}pt; }}
.title-rule {{ width: {(profile["title"].get("rule") or {}).get("width", 0)}mm; border-bottom: 0.5pt solid #000; margin: 4pt auto 8pt; }}
.rule-text {{ text-align: center; }}
.to {{ text-align: center; margin: 6pt 0 12pt; }}
.para {{ text-align: justify; text-indent: {body["first_line_indent"]}mm; margin-bottom: {body["space_after"]}pt; line-height: {body["line_spacing"]}; }}
.bold {{ font-weight: bold; }}
.italic {{ font-style: italic; }}
.center {{ text-align: center; }}
.grid {{ width: 100%; border-collapse: collapse; table-layout: fixed; font-size: {table["size"]}pt; }}
.grid th, .grid td {{ border: 0.5pt solid #000; padding: 1pt 1mm; vertical-align: top; }}
.grid th {{ font-weight: bold; text-align: center; font-size: {table["header_size"]}pt; }}
.grid th.num {{ font-weight: normal; font-style: italic; }}
.grid td {{ text-align: center; }}
.grid td.l {{ text-align: left; }}
.grid tr {{ break-inside: avoid; }}
.grid tr.group td {{ font-weight: bold; }}
.grid tr.group, .grid tbody tr:first-child {{ break-after: avoid; }}
.grid tbody tr:last-child {{ break-after: avoid; }}
.grid td, .grid th {{ hyphens: manual; overflow-wrap: normal; }}
.keep, p.bold {{ break-after: avoid; }}
.sign {{ width: 100%; border-collapse: collapse; margin-top: 12pt; break-inside: avoid; break-before: avoid; }}
.date-line {{ font-size: {header["date_line"]["size"]}pt; font-style: italic; font-weight: normal; }}
.sign td {{ vertical-align: top; width: 50%; padding: 0; }}
.sign .block {{ text-align: center; font-weight: bold; font-size: {profile["signature"]["position_size"]}pt; }}
.sign .name {{ margin-top: 64pt; }}
.recipients-heading {{ font-size: {profile["recipients"]["heading"]["size"]}pt; {"font-weight: bold;" if profile["recipients"]["heading"]["bold"] else ""} {"font-style: italic;" if profile["recipients"]["heading"]["italic"] else ""} {"text-decoration: underline;" if profile["recipients"]["heading"].get("underline") else ""} }}
.recipient {{ font-size: {profile["recipients"]["line"]["size"]}pt; }}
.note {{ font-size: {table["size"]}pt; text-align: justify; }}
.small {{ font-size: {table["size"] + 1}pt; }}
.copy {{ page: ballot; page-break-after: always; }}
@page ballot {{ @top-center {{ content: none; }} }}
.copy:last-child {{ page-break-after: auto; }}
"""


@dataclass
class PdfRenderer:
    """Renders contexts to PDF bytes; prepare once, render many (stylesheets, fonts, templates)."""

    templates: Path

    def __post_init__(self) -> None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        from docgen.frames import prepare as prepare_room

        self.font = available_font()
        self.font_config = FontConfiguration()
        self.environment = LimitedSandbox(
            loader=FileSystemLoader(str(self.templates / "html")),
            undefined=StrictUndefined,
            autoescape=True,
            finalize=keep_symbols_whole,
        )
        prepare_room()  # compiled before any fork (docgen.frames)
        self.environment.filters["rich"] = rich_html
        self.environment.globals["colgroup"] = colgroup
        self.profiles: dict[IssuerKind, dict[str, Any]] = {}
        self.stylesheets: dict[tuple[IssuerKind, bool], Any] = {}
        for kind in IssuerKind:
            path = self.templates / "profiles" / f"{kind.value}.yaml"
            profile = yaml.safe_load(path.read_text(encoding="utf-8"))
            self.profiles[kind] = profile
            for landscape in (False, True):
                self.stylesheets[(kind, landscape)] = CSS(
                    string=_css(profile, landscape, self.font), font_config=self.font_config
                )

    def html(
        self, kind: IssuerKind, template: str, context: dict[str, Any], title: str = ""
    ) -> str:
        """The HTML of one document.

        Raises:
            TemplateError: naming the template and the Jinja error.
        """
        from docgen.render import RENDER_FAILURES, render_limits, template_failure

        try:
            with render_limits():
                return self.environment.get_template(f"{template}.html").render(
                    **context, profile=self.profiles[kind], document_title=title
                )
        except RENDER_FAILURES as exc:
            raise template_failure(f"html/{template}.html", exc) from exc

    def document(
        self, kind: IssuerKind, template: str, context: dict[str, Any], title: str = ""
    ) -> Any:
        """A laid-out WeasyPrint document (pages), for writing alone or joining with others."""
        from weasyprint import HTML

        html = HTML(string=self.html(kind, template, context, title), base_url=str(self.templates))
        stylesheet = self.stylesheets[(kind, template in LANDSCAPE)]
        return html.render(stylesheets=[stylesheet], font_config=self.font_config)

    def pdf(
        self,
        kind: IssuerKind,
        template: str,
        context: dict[str, Any],
        title: str = "",
        workers: int = 1,
    ) -> bytes:
        """One document as PDF bytes, on up to ``workers`` processes when it is long: a long
        table laid out in parts cut at its predicted page breaks (docgen.pdf_split), else laid
        out here and its pages drawn in parallel (docgen.pdf_chunks); the same pages and text
        either way.

        The cyclic garbage collector is paused meanwhile: a laid-out document is a large tree
        of objects that every collection would walk again (a third of the time of a long table,
        growing with its length); its cycles are collected afterwards as usual.
        """
        from docgen.frames import with_room
        from docgen.pdf_chunks import draw_parallel
        from docgen.pdf_lines import remembered_lines
        from docgen.pdf_split import render_split

        def render() -> bytes:
            if workers > 1:
                split = render_split(self, kind, template, context, title, workers)
                if split is not None:
                    return split
            document = self.document(kind, template, context, title)
            if workers > 1:
                return draw_parallel(document, workers)
            return bytes(document.write_pdf())

        enabled = gc.isenabled()
        gc.disable()
        try:
            with remembered_lines():  # see docgen.pdf_lines
                return with_room(render)  # see docgen.frames
        finally:
            if enabled:
                gc.enable()

    def joined(self, documents: list[Any]) -> bytes:
        """Several laid-out documents as one PDF; each keeps its bookmark (its title)."""
        pages = [page for document in documents for page in document.pages]
        return documents[0].copy(pages).write_pdf()


WORKERS_VARIABLE = "DOCGEN_PDF_WORKERS"
"""Environment variable: how many processes set the PDFs of one dossier (1: no pool)."""


def pdf_workers() -> int:
    """Processes for the PDFs of one dossier: DOCGEN_PDF_WORKERS when set, else 1 inside a
    process started by multiprocessing (a batch worker already shares the cores with the other
    units; a daemonic pool worker may not fork) or on a thread other than the main one (the web
    page's requests), else the cores this process may run on."""
    value = os.environ.get(WORKERS_VARIABLE, "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    if multiprocessing.current_process().daemon or multiprocessing.parent_process() is not None:
        return 1
    if threading.current_thread() is not threading.main_thread():
        return 1  # a server's worker thread (docgen serve): forking a threaded process is unsafe
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


LONG_ROWS = 120
"""A table paper with this many rows or more (about 15 pages) is laid out alone, its pages drawn
in parallel, rather than sent whole to one pool worker."""

_FORKED: tuple[PdfRenderer, IssuerKind, list[Paper]] | None = None
"""What forked pool workers render: set before the fork, inherited, never pickled."""


def _render_forked(index: int) -> bytes:
    assert _FORKED is not None
    renderer, kind, papers = _FORKED
    paper = papers[index]
    return renderer.pdf(kind, paper.template, paper.context, paper.title)


def render_pdfs(
    renderer: PdfRenderer,
    kind: IssuerKind,
    papers: list[Paper],
    joined: bool = False,
    workers: int | None = None,
) -> tuple[dict[str, bytes], bytes | None]:
    """Every paper as PDF, set in parallel on ``workers`` processes (None: pdf_workers()).

    Returns the PDFs by file name (the paper's name with .pdf), in paper order, and, when
    ``joined``, all of them as one PDF with a bookmark per paper (None otherwise). The papers go
    to a pool forked once per call, after the renderer is prepared (stylesheets, fonts and
    templates inherited, nothing pickled but the PDFs coming back); one paper, or one worker,
    renders in this process. A long table (LONG_ROWS rows or more) is laid out here and its
    pages drawn in parallel (docgen.pdf_chunks).

    Raises:
        TemplateError: a template fails (raised here, from a plain render of that paper).
    """
    from docgen.pdf_chunks import join_parts

    global _FORKED
    count = pdf_workers() if workers is None else max(1, workers)
    out: dict[int, bytes] = {}
    if count > 1:
        for index, paper in enumerate(papers):
            rows = paper.context.get("rows")
            if isinstance(rows, list) and len(rows) >= LONG_ROWS:
                out[index] = renderer.pdf(
                    kind, paper.template, paper.context, paper.title, workers=count
                )
    rest = [i for i in range(len(papers)) if i not in out]
    if count > 1 and len(rest) > 1:
        _FORKED = (renderer, kind, papers)
        try:
            with multiprocessing.get_context("fork").Pool(min(count, len(rest))) as pool:
                for index, data in zip(
                    rest, pool.map(_render_forked, rest, chunksize=1), strict=True
                ):
                    out[index] = data
        except Exception:  # a failing paper fails again below, with its own error
            pass
        finally:
            _FORKED = None
    for index in range(len(papers)):
        if index not in out:
            paper = papers[index]
            out[index] = renderer.pdf(kind, paper.template, paper.context, paper.title)
    ordered = [out[i] for i in range(len(papers))]
    names = {Path(p.file_name).stem + ".pdf": data for p, data in zip(papers, ordered, strict=True)}
    return names, (join_parts(ordered) if joined and ordered else None)


@cache
def pdf_renderer(templates: Path) -> PdfRenderer:
    """The renderer of a templates folder, prepared once per process (stylesheets, fonts,
    compiled HTML templates)."""
    return PdfRenderer(templates)


def libreoffice_pdfs(docx_files: dict[str, bytes]) -> dict[str, bytes]:
    """Convert DOCX files with LibreOffice (Word's line breaks, as an office sees them).

    ``docx_files`` maps file names (…docx) to bytes; the result maps the same names with .pdf.

    Raises:
        EnvironmentProblem: when LibreOffice (soffice) is not installed or a conversion fails.
    """
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise EnvironmentProblem("the libreoffice engine needs LibreOffice (soffice) installed")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, data in docx_files.items():
            (root / name).write_bytes(data)
        command = [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{root}/profile",
            "--convert-to",
            "pdf",
            "--outdir",
            str(root / "pdf"),
            *[str(root / n) for n in docx_files],
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
        out = {}
        for name in docx_files:
            target = root / "pdf" / (Path(name).stem + ".pdf")
            if not target.exists():
                raise EnvironmentProblem(
                    f"LibreOffice did not convert {name}: {result.stderr.strip()}"
                )
            out[Path(name).stem + ".pdf"] = target.read_bytes()
        return out
