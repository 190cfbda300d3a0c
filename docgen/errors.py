"""Errors a user sees: located problems, the report that collects them, and the exception classes.

Every problem says where (file, sheet, row, column), what was expected and what was found; a run
collects all of them and prints them sorted with a count first. Only the CLI turns these into exit
codes. Classes are split by who must fix the problem: input data (office staff), template
(template maintainer), rules or configuration, environment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    """How bad a problem is: an error stops the run; a warning is reported and the run goes on."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """Where a problem is: file, sheet (or YAML collection), 1-based row, column label.

    ``sheet_order`` keeps the sheets in the order of the input contract when sorting.
    ``row`` is the Excel row number (or the 1-based item index in YAML/JSON); None for a whole
    sheet. ``column`` is "C (Ngày sinh)" in a workbook, the field name in YAML/JSON.
    """

    file: str
    sheet_order: int = 0
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet “{self.sheet}”")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def sort_key(self) -> tuple:
        return (self.file, self.sheet_order, self.sheet, self.row or 0, self.column)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, at one place.

    ``expected`` and ``found`` are short phrases; ``hint`` suggests the fix when there is one.
    """

    location: Location
    message: str
    expected: str = ""
    found: str = ""
    hint: str = ""
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        text = f"{self.location}: {self.severity.value}: {self.message}"
        if self.expected:
            text += f"; expected {self.expected}"
        if self.found:
            text += f", found {self.found}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def sort_key(self) -> tuple:
        return (*self.location.sort_key(), self.severity != Severity.ERROR, self.message)


@dataclass
class Report:
    """All problems of one run, sorted for printing; errors first count, then warnings."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.sorted() if p.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.sorted() if p.severity == Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not any(p.severity == Severity.ERROR for p in self.problems)

    def sorted(self) -> list[Problem]:
        unique = {str(p): p for p in self.problems}
        return sorted(unique.values(), key=Problem.sort_key)

    def summary(self) -> str:
        errors, warnings = len(self.errors), len(self.warnings)
        return f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"

    def render(self) -> str:
        """Return the report as text: the count line, then one line per problem, sorted."""
        lines = [self.summary()]
        lines += [f"  {p}" for p in self.sorted()]
        return "\n".join(lines)


class DocgenError(Exception):
    """Base of every error docgen reports to a user."""


class InputError(DocgenError):
    """The input workbook or YAML has errors (office staff fix it). Carries the whole report."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(report.render())


class TemplateError(DocgenError):
    """A template is missing, malformed, or does not match its context (template maintainer)."""


class RulesError(DocgenError):
    """A rule set, procedure or profile is inconsistent (configuration)."""


class EnvironmentProblem(DocgenError):
    """Something on the machine is missing: a file, a folder that cannot be written."""
