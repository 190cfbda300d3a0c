"""Template lint: the DOCX templates of a folder → findings, per template and paper, for CI.

What a maintainer's edit in Word can break, found before a paper is printed:

1. tags Word damaged so that docxtpl cannot render them as written (docgen.template_tags):
   a space between the braces, a tag over two paragraphs or partly inside a hyperlink or a
   tracked change, Word's dashes, quotes and invisible characters in a tag;
2. Jinja syntax errors, with the line (one per paragraph, as docxtpl numbers them) and the
   paragraph's text;
3. variables the template uses that docgen does not give its paper ("used but missing": the
   render fails, StrictUndefined), and variables given that it never prints ("provided but
   unused": a fact the office expects is missing), against the contexts of a round or plan
   outline given, else of docgen's examples (``inputs/`` of a source checkout);
4. a trial render of each template with that context (an attribute that does not exist).

Errors (the paper would fail or print wrong) and warnings (it prints, but not as the template
shows or with a fact left out) are told apart; the CLI exits 3 on errors.
"""

from __future__ import annotations

import difflib
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx.opc.exceptions import PackageNotFoundError
from jinja2 import Environment, TemplateSyntaxError
from lxml import etree

from docgen.errors import InputError, Severity, TemplateError
from docgen.i18n import _, ngettext
from docgen.models import IssuerKind
from docgen.render import jinja_environment, render_docx, template_root

__all__ = [
    "Finding",
    "LintResult",
    "PaperContext",
    "PAPER_NAMES",
    "example_sources",
    "paper_contexts",
    "lint_templates",
    "lint_template",
    "check_templates",
    "template_variables",
]

PAPER_NAMES = {
    "plan": "Kế hoạch",
    "ballot": "Phiếu",
    "minutes": "Biên bản kiểm phiếu",
    "submission": "Tờ trình",
    "summary_review": "Biểu tổng hợp rà soát",
    "summary_next_term": "Biểu tổng hợp nhiệm kỳ kế tiếp",
    "trich_ngang": "Danh sách trích ngang",
    "structure": "Biểu thống kê cơ cấu",
}
"""The paper each template name prints (docs/mau-bieu.md, "Mẫu nằm ở đâu")."""


@dataclass(frozen=True)
class Finding:
    """One problem of one template: ``where`` is the place in it, already translated (the
    part, table cell, line and paragraph's text of a tag, or the variable); ``paper`` the
    paper the template prints ("Tờ trình")."""

    severity: Severity
    template: Path
    paper: str
    where: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.severity.label()}: {self.template} ({self.paper}), {self.where}: {self.message}"
        )


@dataclass
class LintResult:
    """The findings of a lint run, sorted by template; ``templates`` how many were checked;
    ``notes`` what was not checked and why (translated)."""

    findings: list[Finding] = field(default_factory=list)
    templates: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    def summary(self) -> str:
        """ "16 templates checked: 0 errors, 1 warning" in the current language."""
        return _("{templates} checked: {errors}, {warnings}").format(
            templates=ngettext("{count} template", "{count} templates", self.templates).format(
                count=self.templates
            ),
            errors=ngettext("{count} error", "{count} errors", len(self.errors)).format(
                count=len(self.errors)
            ),
            warnings=ngettext("{count} warning", "{count} warnings", len(self.warnings)).format(
                count=len(self.warnings)
            ),
        )


@dataclass(frozen=True)
class PaperContext:
    """The context docgen gives the template ``template`` of issuer ``kind``, composed from
    the round or plan outline ``source``."""

    template: str
    kind: IssuerKind
    context: dict[str, Any]
    source: Path


def example_sources() -> list[Path]:
    """docgen's examples: the round workbooks ``inputs/*.xlsx`` and the plan outlines
    ``inputs/*.yaml`` with ``kind: plan`` of a source checkout; empty for an installed wheel,
    which ships no examples."""
    inputs = Path(__file__).resolve().parent.parent / "inputs"
    if not (inputs.parent / "pyproject.toml").is_file() or not inputs.is_dir():
        return []
    outlines = [
        path
        for path in sorted(inputs.glob("*.yaml"))
        if re.search(r"^kind:\s*plan\s*$", path.read_text(encoding="utf-8"), re.MULTILINE)
    ]
    return sorted(inputs.glob("*.xlsx")) + outlines


def paper_contexts(source: Path) -> list[PaperContext]:
    """The context of every paper ``source`` gives: a plan outline (YAML, ``kind: plan``) its
    plan; a round every paper of its dossier (and its plan, when it has one).

    Raises:
        InputError: when the round has errors or is incomplete, or the outline does not fit.
    """
    from docgen.compose.plan import plan_context
    from docgen.dossier import plan_documents
    from docgen.papers import load_plan_outline
    from docgen.validate import validate_path

    outline = load_plan_outline(source)
    if outline is not None:
        return [PaperContext("plan", outline.issuer.issuer_kind, plan_context(outline), source)]
    validated = validate_path(source)
    if not validated.report.ok or validated.decision is None or validated.model is None:
        raise InputError(validated.report)
    kind = validated.model.info.issuer_kind
    return [
        PaperContext(paper.template, kind, paper.context, source)
        for paper in plan_documents(validated.model, validated.decision)
    ]


def template_variables(path: Path) -> set[str]:
    """The top-level variables a DOCX template uses (docxtpl's undeclared variables).

    Raises:
        jinja2.TemplateSyntaxError: when the template's Jinja does not parse.
    """
    from docxtpl import DocxTemplate

    return set(DocxTemplate(str(path)).get_undeclared_template_variables(jinja_environment()))


def lint_templates(workbook: Path | None = None, templates: Path | None = None) -> LintResult:
    """Lint every template (``state/*.docx``, ``party/*.docx``) of the templates folder
    (``templates``, else docgen.render.template_root's choice) against the contexts of
    ``workbook`` (a round or a plan outline), else of docgen's examples. A template of a paper
    the source does not give is checked against the same paper of the other issuer kind; one
    with no context at all is checked for its tags and syntax only (said in ``notes``).

    Raises:
        InputError: when ``workbook`` has errors.
        TemplateError: when the templates folder is not one.
    """
    root = template_root(templates)
    result = LintResult()
    if workbook is not None:
        contexts = paper_contexts(workbook)
    else:
        sources = example_sources()
        contexts = [c for source in sources for c in paper_contexts(source)]
        if not sources:
            result.notes.append(
                _(
                    "docgen's example rounds are not installed (they are in inputs/ of a source "
                    "checkout), so variables were not checked: give a WORKBOOK (a round's .xlsx "
                    "or a plan outline .yaml) to check them too"
                )
            )
    by_paper: dict[tuple[str, IssuerKind], PaperContext] = {}
    for given in contexts:
        by_paper.setdefault((given.template, given.kind), given)
    unchecked: list[str] = []
    for kind in (IssuerKind.STATE, IssuerKind.PARTY):
        for path in sorted((root / kind.value).glob("*.docx")):
            if path.name.startswith("~$"):  # Word's lock file of an open template
                continue
            other = IssuerKind.PARTY if kind is IssuerKind.STATE else IssuerKind.STATE
            paper = by_paper.get((path.stem, kind)) or by_paper.get((path.stem, other))
            result.templates += 1
            result.findings.extend(lint_template(path, paper))
            if paper is None and contexts:
                unchecked.append(f"{kind.value}/{path.name}")
    if unchecked and workbook is None:
        result.findings.extend(
            Finding(
                Severity.WARNING,
                root / name,
                PAPER_NAMES.get(Path(name).stem, Path(name).stem),
                _("the whole template"),
                _("no paper of docgen uses this template name: it is never printed"),
            )
            for name in unchecked
        )
    elif unchecked:
        result.notes.append(
            _("not checked against a context (the workbook has no such paper): {names}").format(
                names=", ".join(unchecked)
            )
        )
    return result


def lint_template(path: Path, paper: PaperContext | None = None) -> list[Finding]:
    """The findings of the template at ``path``: its tags and its Jinja syntax; with
    ``paper``, its variables against ``paper.context`` and a trial render with it."""
    from docgen.template_tags import scan_template

    name = PAPER_NAMES.get(path.stem, path.stem)
    environment = jinja_environment()

    def finding(severity: Severity, where: str, message: str) -> Finding:
        return Finding(severity, path, name, where, message)

    try:
        tags = scan_template(path, environment)
        syntax = _syntax_errors(path, environment)
    except _UNREADABLE as exc:  # a file Word cannot open either: zip, XML or a missing part
        reason = " ".join(str(exc).split())[:200]
        return [finding(Severity.ERROR, _("the whole template"), _unreadable(reason))]
    findings = [
        finding(tag.severity, _place(tag.part, tag.cell, None, tag.paragraph), tag.message)
        for tag in tags
    ]
    findings += [finding(Severity.ERROR, where, message) for where, message in syntax]
    if paper is None or syntax:
        return findings
    used = template_variables(path)
    provided = set(paper.context)
    for variable in sorted(used - provided):
        close = difflib.get_close_matches(variable, sorted(provided), n=1)
        hint = _(" (did you mean “{name}”?)").format(name=close[0]) if close else ""
        findings.append(
            finding(
                Severity.ERROR,
                _("variable “{name}”").format(name=variable),
                _(
                    "the template uses a variable docgen does not give this paper: the paper "
                    "stops with an error{hint}; the variables of each paper are in "
                    "docs/mau-bieu.md"
                ).format(hint=hint),
            )
        )
    for variable in sorted(provided - used):
        findings.append(
            finding(
                Severity.WARNING,
                _("variable “{name}”").format(name=variable),
                _(
                    "docgen gives this paper a variable the template never prints: a fact the "
                    "office expects may be missing from the paper"
                ),
            )
        )
    if used <= provided and not any(f.severity is Severity.ERROR for f in findings):
        where = _("trial render with {source}").format(source=paper.source.name)
        try:
            render_docx(path, paper.context)
        except TemplateError as exc:
            findings.append(finding(Severity.ERROR, where, str(exc)))
        except etree.XMLSyntaxError as exc:  # Word XML the render cannot write back
            findings.append(
                finding(
                    Severity.ERROR,
                    where,
                    _("the rendered paper is not valid Word XML: {reason}").format(reason=exc),
                )
            )
    return findings


def check_templates(workbook: Path, templates: Path | None = None) -> list[Finding]:
    """The findings of every template against the papers of ``workbook`` (lint_templates).

    Raises:
        InputError: when the round has errors or is incomplete.
    """
    return lint_templates(workbook, templates).findings


_UNREADABLE: tuple[type[BaseException], ...] = (
    OSError,
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    UnicodeDecodeError,
    etree.XMLSyntaxError,
    PackageNotFoundError,
)
"""What reading a file that is not a DOCX raises (zip, XML, python-docx's package)."""


def _unreadable(reason: str) -> str:
    return _(
        "the template cannot be read as a Word document ({reason}): save it again from Word "
        "as .docx"
    ).format(reason=reason)


def _place(part: str, cell: str, line: int | None, paragraph: str) -> str:
    """Where in a template: the part (when not the body), the cell, the line, the paragraph."""
    places = []
    if part != "word/document.xml":
        places.append(part.removeprefix("word/"))
    if cell:
        places.append(cell)
    if line is not None:
        places.append(_("line {line}").format(line=line))
    places.append(_("paragraph “{text}”").format(text=paragraph))
    return ", ".join(places)


def _syntax_errors(path: Path, environment: Environment) -> list[tuple[str, str]]:
    """(where, message) of the Jinja syntax error of each part docxtpl renders (Jinja stops at
    the first of a part), its XML prepared as docxtpl prepares it, a line per paragraph."""
    from docxtpl import DocxTemplate

    from docgen.template_tags import RENDERED_PARTS

    template = DocxTemplate(str(path))
    template.render_init()
    errors = []
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if RENDERED_PARTS.match(n)]
        for name in sorted(names, key=lambda n: (n != "word/document.xml", n)):
            if name == "word/document.xml":
                xml = template.get_xml()
            else:
                xml = archive.read(name).decode("utf-8")
            lined = re.sub(r"<w:p([ >])", r"\n<w:p\1", template.patch_xml(xml))
            try:
                environment.parse(lined)
            except TemplateSyntaxError as exc:
                lines = lined.splitlines()
                text = ""
                if exc.lineno and 0 < exc.lineno <= len(lines):
                    text = " ".join(re.sub(r"<[^>]+>", "", lines[exc.lineno - 1]).split())
                    text = text if len(text) <= 90 else text[:89] + "…"
                errors.append(
                    (
                        _place(name, "", exc.lineno, text),
                        _("Jinja syntax error: {reason}").format(
                            reason=re.sub(r" at \d+$", "", exc.message or str(exc))
                        ),
                    )
                )
    return errors
