"""Render: a template name and a context → DOCX bytes, through docxtpl.

Jinja runs sandboxed (templates come from maintainers) with StrictUndefined (a blank on an
official form is a defect) and XML autoescaping. Templates are found in, in order: the folder
given, ``$DOCGEN_TEMPLATES``, the ``templates/`` folder of a source checkout (where maintainers
edit them; an editable install reads them there), and the copy shipped inside the package as
``docgen/templates`` (a wheel or a non-editable install), read through ``importlib.resources``.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment, safe_range

from docgen.errors import Report, TemplateError
from docgen.i18n import _
from docgen.models import IssuerKind

__all__ = [
    "template_root",
    "packaged_templates",
    "template_path",
    "Prepare",
    "render_docx",
    "render_docx_plain",
    "jinja_environment",
    "FORMATS",
    "ENGINES",
    "parse_formats",
    "Paper",
    "render_papers",
    "RENDER_FAILURES",
    "LimitedSandbox",
    "render_limits",
    "template_failure",
]

RENDER_FAILURES: tuple[type[BaseException], ...] = (
    JinjaTemplateError,
    TypeError,
    ValueError,
    ArithmeticError,
    LookupError,
    AttributeError,
    RecursionError,
)
"""What a template can raise while it renders (its own Jinja: a bad expression, an include, a
range the sandbox refuses); each becomes a TemplateError naming the template."""

_NO_LOADER = "no loader for this environment specified"


def template_failure(where: str | Path, exc: BaseException) -> TemplateError:
    """The TemplateError (exit 3) for ``exc`` raised while rendering the template ``where``: the
    template, the line when Jinja knows it, and a plain reason."""
    lineno = getattr(exc, "lineno", None)
    line = f" line {lineno}" if lineno else ""
    if isinstance(exc, TypeError) and _NO_LOADER in str(exc):
        reason = (
            "{% include %}, {% import %} and {% extends %} cannot be used in a DOCX template; "
            "write the text into the template itself"
        )
    elif isinstance(exc, JinjaTemplateError):
        reason = str(exc)
    else:
        reason = f"it cannot be rendered: {' '.join(str(exc).split())[:300]}"
    return TemplateError(f"template {where}{line}: {reason}")


FORMATS = ("docx", "pdf")
ENGINES = ("weasyprint", "libreoffice")


def template_root(explicit: Path | None = None) -> Path:
    """The templates folder in use (see the module docstring for the order).

    Raises:
        TemplateError: when the folder given (``explicit``, else $DOCGEN_TEMPLATES) is not a
            templates folder (no state/ and party/), or none of the places holds templates.
    """
    chosen = [(Path(explicit), "--templates")] if explicit is not None else []
    if os.environ.get("DOCGEN_TEMPLATES"):
        chosen.append((Path(os.environ["DOCGEN_TEMPLATES"]), "DOCGEN_TEMPLATES"))
    for folder, given_by in chosen[:1]:
        # A folder the user names is used or refused, never silently replaced by another.
        if not ((folder / "state").is_dir() and (folder / "party").is_dir()):
            raise TemplateError(
                f"{folder} (given by {given_by}) is not a templates folder: it needs the "
                "sub-folders state/ and party/ (copy the project's templates/ folder and edit it)"
            )
        return folder
    candidates = []
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file():
        candidates.append(checkout / "templates")
    packaged = packaged_templates()
    if packaged is not None:
        candidates.append(packaged)
    for candidate in candidates:
        if (candidate / "state").is_dir() and (candidate / "party").is_dir():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise TemplateError(f"no templates folder found (tried {tried}); pass --templates DIR")


def packaged_templates() -> Path | None:
    """The templates shipped inside the installed package (``docgen/templates``, copied there
    from the checkout's ``templates/`` when the wheel is built), or None when the package holds
    none (a source checkout) or is not on the file system (imported from a zip archive)."""
    folder = resources.files("docgen").joinpath("templates")
    if isinstance(folder, Path) and folder.is_dir():
        return folder
    return None


def template_path(root: Path, kind: IssuerKind, name: str) -> Path:
    """The template of document ``name`` for issuer ``kind``.

    Raises:
        TemplateError: when the file is missing.
    """
    path = root / kind.value / f"{name}.docx"
    if not path.is_file():
        raise TemplateError(f"template missing: {path}")
    return path


RANGE_BUDGET = 1_000_000
"""How many items all the ``range(…)`` calls of one render may give together (each one at most
the sandbox's MAX_RANGE): nested loops over ranges stop here instead of running for hours."""

MAX_PRODUCT_LENGTH = 1_000_000
"""The longest text or list a template may make with ``*`` (``"x" * n``)."""

_MAX_POWER_BITS = 4096

_budget: ContextVar[list[int] | None] = ContextVar("docgen_range_budget", default=None)


@contextmanager
def render_limits() -> Iterator[None]:
    """Give the renders inside a fresh budget of RANGE_BUDGET range items."""
    token = _budget.set([RANGE_BUDGET])
    try:
        yield
    finally:
        _budget.reset(token)


def _limited_range(*args: int) -> range:
    numbers = safe_range(*args)  # the sandbox's own limit per call (MAX_RANGE)
    budget = _budget.get()
    if budget is not None:
        budget[0] -= len(numbers)
        if budget[0] < 0:
            raise SecurityError(
                f"the template's loops over range() go over more than {RANGE_BUDGET:,} items in all"
            )
    return numbers


_DICT_ATTRIBUTES = frozenset(dir(dict))


class LimitedSandbox(SandboxedEnvironment):
    """The sandbox with limits on what a template can make: ranges (per call and per render,
    see RANGE_BUDGET), texts or lists multiplied with ``*`` and powers with ``**``; beyond them
    a SecurityError, reported as a template error naming the template."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals["range"] = _limited_range

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``row.name`` on a plain dict: its item, looked up first. The same value as Jinja's
        own lookup (a dict instance has no attribute of its own, so Jinja's getattr fails and
        it takes the item), without raising and catching an AttributeError for every value of
        a table; names that are dict methods (``items``, ``keys`` …) go Jinja's way."""
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                if (
                    isinstance(sequence, str | list | tuple)
                    and isinstance(times, int)
                    and len(sequence) * times > MAX_PRODUCT_LENGTH
                ):
                    raise SecurityError(
                        f"the template makes a text or list longer than {MAX_PRODUCT_LENGTH:,}"
                    )
        if (
            operator == "**"
            and isinstance(left, int)
            and isinstance(right, int)
            and right > 0
            and abs(left) > 1
            and right * abs(left).bit_length() > _MAX_POWER_BITS
        ):
            raise SecurityError("the template computes a power too large to print")
        return super().call_binop(context, operator, left, right)


def jinja_environment() -> SandboxedEnvironment:
    """The Jinja environment every DOCX template renders in (LimitedSandbox)."""
    return LimitedSandbox(undefined=StrictUndefined, autoescape=True)


Prepare = Callable[[Any], "dict[str, Any] | None"]
"""A hook given the docxtpl DocxTemplate about to render, before it renders: it may call the
template's own methods (``replace_pic``, ``replace_media``, ``replace_embedded``,
``build_url_id``, ``new_subdoc``, ``InlineImage(template, …)``) and return values to add to the
context (e.g. ``{"link": RichText("…", url_id=template.build_url_id(url))}``) or None."""


def render_docx(path: Path, context: dict[str, Any], prepare: Prepare | None = None) -> bytes:
    """Render the DOCX template at ``path`` with ``context``; the template is prepared once per
    process (docgen.docx_engine) and the output is identical to a plain docxtpl render; then
    the table layout (column widths, keep rules) is applied (docgen.docx_layout). With
    ``prepare`` (see ``Prepare``), the render is plain docxtpl's, on a template object of its own.

    Raises:
        TemplateError: naming the template and the Jinja error (an undefined variable, bad syntax).
    """
    from lxml import etree

    from docgen.docx_engine import compiled_template
    from docgen.docx_layout import apply_layout_body

    try:
        return compiled_template(path, jinja_environment).render(
            context, prepare, _laid_out, apply_layout_body
        )
    except etree.XMLSyntaxError as exc:  # a tag across a hyperlink, a tracked change, a field
        raise TemplateError(
            _(
                "template {path}: the rendered paper is not valid Word XML ({reason}); "
                "docgen check-templates names the damaged tag"
            ).format(path=path, reason=exc)
        ) from exc


def _laid_out(document_xml: bytes) -> bytes:
    """word/document.xml with the table layout applied (docgen.docx_layout.apply_layout_xml);
    the same bytes when it has no layout table. Applied to the document part before the
    package is zipped, so the package is compressed once."""
    from lxml import etree

    from docgen.docx_layout import apply_layout_xml
    from docgen.layout import CAPTION_PREFIX

    if CAPTION_PREFIX.encode() not in document_xml:
        return document_xml
    root = etree.fromstring(document_xml)
    if not apply_layout_xml(root):
        return document_xml
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def render_docx_plain(
    path: Path,
    context: dict[str, Any],
    environment: Environment | None = None,
    prepare: Prepare | None = None,
) -> bytes:
    """Render with docxtpl itself, as its documentation shows: the reference the compiled
    engine is tested against, and its fallback for templates it does not render exactly as
    docxtpl. ``environment`` defaults to jinja_environment(). docxtpl InlineImage values in the
    context are bound to the template rendered (docgen.docx_engine.bind_docxtpl_values);
    ``prepare`` (see ``Prepare``) runs on that template before it renders.

    Raises:
        TemplateError: naming the template, the line and the paragraph's text, and the Jinja
            error (an undefined variable, bad syntax); or a docxtpl Subdoc in the context that
            was made from another template object (make it in ``prepare`` instead).
    """
    from docxtpl import DocxTemplate

    from docgen.docx_engine import bind_docxtpl_values, plain_failure

    template = DocxTemplate(str(path))
    context = bind_docxtpl_values(context, template)
    if prepare is not None:
        context = {**context, **(prepare(template) or {})}
    try:
        with render_limits():
            template.render(context, environment or jinja_environment(), autoescape=True)
    except RENDER_FAILURES as exc:
        raise plain_failure(path, template, exc) from exc
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def parse_formats(text: str) -> tuple[str, ...]:
    """ "docx,pdf" → ("docx", "pdf").

    Raises:
        ValueError: naming an unknown format.
    """
    formats = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"formats are {', '.join(FORMATS)}; got “{text}”")
    return formats


@dataclass(frozen=True)
class Paper:
    """One document to render: file name (.docx), template name, title, context."""

    file_name: str
    template: str
    title: str
    context: dict[str, Any]


def render_papers(
    papers: list[Paper],
    kind: IssuerKind,
    formats: tuple[str, ...] = ("docx",),
    engine: str = "weasyprint",
    templates: Path | None = None,
    joined_pdf: str | None = None,
    report: Report | None = None,
) -> list[tuple[str, bytes]]:
    """Render every paper in every format, in memory; (file name, bytes) in paper order.

    ``joined_pdf`` names one more PDF holding every paper, with a bookmark per paper.

    With the weasyprint engine, a paper whose Word template was changed against docgen's own
    while its HTML twin was not (docgen.template_changes.stale_twin) gets its PDF from its
    rendered DOCX through LibreOffice where it is installed, so that the PDF shows the change;
    else its PDF comes from the stale twin and ``report`` receives a warning naming the template,
    the twin and what to do (logged when ``report`` is None). The joined PDF holds the same
    per-paper PDFs.

    Raises:
        TemplateError: a template is missing or fails.
        EnvironmentProblem: the PDF engine or its fonts are not installed.
    """
    root = template_root(templates)
    docx = {
        p.file_name: _finished(
            p.template, render_docx(template_path(root, kind, p.template), p.context)
        )
        for p in papers
    }
    from docgen.template_changes import from_word_files, join_pdfs

    out: list[tuple[str, bytes]] = []
    pdfs: dict[str, bytes] = {}
    out_joined: bytes | None = None
    if "pdf" in formats or joined_pdf:
        if engine == "libreoffice":
            from docgen.pdf import libreoffice_pdfs

            pdfs = libreoffice_pdfs(docx)
        else:
            from docgen.pdf import pdf_renderer, render_pdfs

            from_word = from_word_files(root, kind, papers, docx, report)
            rest = [p for p in papers if Path(p.file_name).stem + ".pdf" not in from_word]
            pdfs, out_joined = render_pdfs(
                pdf_renderer(root), kind, rest, joined=bool(joined_pdf) and not from_word
            )
            pdfs.update(from_word)
    for paper in papers:
        if "docx" in formats:
            out.append((paper.file_name, docx[paper.file_name]))
        if "pdf" in formats:
            name = Path(paper.file_name).stem + ".pdf"
            out.append((name, pdfs[name]))
    if joined_pdf:
        if out_joined is None:  # PDFs made elsewhere (LibreOffice): joined, a bookmark each
            out_joined = join_pdfs(
                [pdfs[Path(p.file_name).stem + ".pdf"] for p in papers], [p.title for p in papers]
            )
        out.append((joined_pdf, out_joined))
    return out


def _finished(template: str, docx: bytes) -> bytes:
    """A rendered paper after what docxtpl cannot do: the plan's real footnotes and even item
    tables (docgen.plan_docx). Every format and engine starts from these bytes (the DOCX
    written, LibreOffice's PDF of it)."""
    if template == "plan":
        from docgen.plan_docx import finish_plan_docx

        return finish_plan_docx(docx)
    return docx
