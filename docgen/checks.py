"""Template checks: each DOCX template against the context it will receive, both ways.

"Used but missing" would fail the render (StrictUndefined); "provided but unused" means a template
dropped a fact the office expects on the paper. Both are reported per document.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docgen.dossier import plan_documents
from docgen.errors import InputError
from docgen.render import jinja_environment, template_path, template_root
from docgen.validate import validate_path

__all__ = ["TemplateMismatch", "template_variables", "check_templates"]


@dataclass(frozen=True)
class TemplateMismatch:
    """One template whose variables and context keys differ."""

    template: Path
    missing: frozenset[str]
    unused: frozenset[str]

    def __str__(self) -> str:
        parts = []
        if self.missing:
            parts.append("used but not provided: " + ", ".join(sorted(self.missing)))
        if self.unused:
            parts.append("provided but not used: " + ", ".join(sorted(self.unused)))
        return f"{self.template}: " + "; ".join(parts)


def template_variables(path: Path) -> set[str]:
    """The top-level variables a DOCX template uses (docxtpl's undeclared variables)."""
    from docxtpl import DocxTemplate

    return set(DocxTemplate(str(path)).get_undeclared_template_variables(jinja_environment()))


def check_templates(workbook: Path, templates: Path | None = None) -> list[TemplateMismatch]:
    """Compare every template the round's dossier uses with the context composed for it.

    Raises:
        InputError: when the round has errors or is incomplete.
    """
    validated = validate_path(workbook)
    if not validated.report.ok or validated.decision is None or validated.model is None:
        raise InputError(validated.report)
    root = template_root(templates)
    kind = validated.model.info.issuer_kind
    mismatches = []
    seen: set[str] = set()
    for document in plan_documents(validated.model, validated.decision):
        if document.template in seen:
            continue
        seen.add(document.template)
        path = template_path(root, kind, document.template)
        used = template_variables(path)
        provided = set(document.context)
        if used != provided:
            mismatches.append(
                TemplateMismatch(path, frozenset(used - provided), frozenset(provided - used))
            )
    return mismatches
