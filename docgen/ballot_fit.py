"""A ballot is one sheet: measure it, and report a ballot that would run past one page.

format.md, "Ballots": every copy of a ballot is the same sheet, and a ballot that would run past
one page is an error to report, not a second page (a split ballot is two sheets a voter can
separate, and its second page would be told apart from the first). A ballot is measured by laying
out one copy with the PDF renderer (WeasyPrint, the same page, margins, fonts and column widths
as the DOCX, from the style profile and docgen.layout); ballots with few short rows are known to
fit without laying them out.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from docgen.compose.ballots import Ballot
from docgen.errors import Location, Problem, Severity
from docgen.models import IssuerKind

__all__ = ["ballot_pages", "ballot_fit_problems", "surely_fits"]

# Conservative figures for a portrait A4 ballot at the profiles' sizes (mm): the page's text
# height, what the header, title and instructions take at most, and one line of a table row.
_TEXT_HEIGHT_MM = 297 - 20 - 20
_FIXED_MM = 125.0
_LINE_MM = 5.6
_ROW_EXTRA_MM = 1.2
_CHARS = {"name": 17, "position": 22}  # characters per line of those columns, narrowest case


def _row_lines(row: dict[str, Any]) -> int:
    return max(
        1,
        math.ceil(len(str(row.get("name", ""))) / _CHARS["name"]),
        math.ceil(len(str(row.get("position", ""))) / _CHARS["position"]),
    )


def surely_fits(context: dict[str, Any]) -> bool:
    """Whether the ballot ``context`` fits one page by a pessimistic estimate (no layout)."""
    height = _FIXED_MM
    for section in context.get("sections", []):
        height += 2 * _LINE_MM + 2 * _LINE_MM  # heading and table header
        for row in section.get("rows", []):
            height += _row_lines(row) * _LINE_MM + _ROW_EXTRA_MM
        height += len(section.get("blanks", [])) * (_LINE_MM + _ROW_EXTRA_MM)
    return height <= _TEXT_HEIGHT_MM


def ballot_pages(context: dict[str, Any], kind: IssuerKind, templates: Path | None = None) -> int:
    """Pages one copy of the ballot ``context`` takes, laid out by the PDF renderer.

    Raises:
        TemplateError: the ballot template is missing or fails.
        EnvironmentProblem: WeasyPrint or its fonts are not installed.
    """
    from docgen.pdf import pdf_renderer
    from docgen.render import template_root

    renderer = pdf_renderer(template_root(templates))
    return len(renderer.document(kind, "ballot", {**context, "copies": [0]}).pages)


def ballot_fit_problems(
    ballots: list[Ballot],
    kind: IssuerKind,
    source: str,
    templates: Path | None = None,
    severity: Severity = Severity.ERROR,
) -> list[Problem]:
    """One problem per ballot of ``ballots`` that would run past one page; ``source`` is the
    input file the problem is reported against.

    Raises:
        TemplateError, EnvironmentProblem: as :func:`ballot_pages`.
    """
    problems = []
    for ballot in ballots:
        if surely_fits(ballot.context):
            continue
        pages = ballot_pages(ballot.context, kind, templates)
        if pages <= 1:
            continue
        rows = sum(len(s["rows"]) + len(s["blanks"]) for s in ballot.context["sections"])
        problems.append(
            Problem(
                Location(source),
                f"phiếu {ballot.file_name} ({', '.join(ballot.titles)}) would run to {pages} "
                "pages; a ballot must be one sheet",
                expected="a ballot that fits one page",
                found=f"{rows} rows on {pages} pages",
                hint="give each title its own ballot (leave “Một phiếu cho các chức danh” "
                "empty), or shorten the positions printed",
                severity=severity,
            )
        )
    return problems
