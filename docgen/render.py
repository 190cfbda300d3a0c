"""Render: a template name and a context → DOCX bytes, through docxtpl.

Jinja runs sandboxed (templates come from maintainers) with StrictUndefined (a blank on an
official form is a defect) and XML autoescaping. Templates are found in, in order: the folder
given, ``$DOCGEN_TEMPLATES``, the ``templates/`` folder of a source checkout, and the copy
installed with the package (``<prefix>/share/docgen/templates``).
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.sandbox import SandboxedEnvironment

from docgen.errors import TemplateError
from docgen.models import IssuerKind

__all__ = ["template_root", "template_path", "render_docx", "jinja_environment"]


def template_root(explicit: Path | None = None) -> Path:
    """The templates folder in use (see the module docstring for the order).

    Raises:
        TemplateError: when none of the places holds templates.
    """
    candidates = []
    if explicit is not None:
        candidates.append(Path(explicit))
    if os.environ.get("DOCGEN_TEMPLATES"):
        candidates.append(Path(os.environ["DOCGEN_TEMPLATES"]))
    candidates.append(Path(__file__).resolve().parent.parent / "templates")
    candidates.append(Path(sys.prefix) / "share" / "docgen" / "templates")
    for candidate in candidates:
        if (candidate / "state").is_dir() and (candidate / "party").is_dir():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise TemplateError(f"no templates folder found (tried {tried}); pass --templates DIR")


def template_path(root: Path, kind: IssuerKind, name: str) -> Path:
    """The template of document ``name`` for issuer ``kind``.

    Raises:
        TemplateError: when the file is missing.
    """
    path = root / kind.value / f"{name}.docx"
    if not path.is_file():
        raise TemplateError(f"template missing: {path}")
    return path


def jinja_environment() -> SandboxedEnvironment:
    """The Jinja environment every template renders in."""
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def render_docx(path: Path, context: dict[str, Any]) -> bytes:
    """Render the DOCX template at ``path`` with ``context`` and return the document's bytes.

    Raises:
        TemplateError: naming the template and the Jinja error (an undefined variable, bad syntax).
    """
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(path))
    try:
        template.render(context, jinja_environment(), autoescape=True)
    except JinjaTemplateError as exc:
        lineno = getattr(exc, "lineno", None)
        line = f" line {lineno}" if lineno else ""
        raise TemplateError(f"template {path}{line}: {exc}") from exc
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()
