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

from docgen.i18n import _, ngettext


class Severity(str, Enum):
    """How bad a problem is: an error stops the run; a warning is reported and the run goes on."""

    ERROR = "error"
    WARNING = "warning"

    def label(self) -> str:
        """The word shown in reports, in the current language ("lỗi", "cảnh báo")."""
        return _("error") if self is Severity.ERROR else _("warning")


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
        # The file alone in English; "tệp …" in Vietnamese.
        parts = [_("{file}").format(file=self.file)]
        if self.sheet:
            parts.append(_("sheet “{sheet}”").format(sheet=self.sheet))
        if self.row is not None:
            parts.append(_("row {row}").format(row=self.row))
        if self.column:
            parts.append(_("column {column}").format(column=self.column))
        return ", ".join(parts)

    def sort_key(self) -> tuple:
        return (self.file, self.sheet_order, self.sheet, self.row or 0, self.column)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, at one place.

    ``expected`` and ``found`` are short phrases; ``hint`` suggests the fix when there is one;
    all are already in the language of the run (see docgen.i18n). ``code`` is the stable code of
    the message (docgen.codes, docs/ma-loi.md), "E0000" or "W0000" for a message without its own.
    """

    location: Location
    message: str
    expected: str = ""
    found: str = ""
    hint: str = ""
    severity: Severity = Severity.ERROR
    code: str = ""

    def __post_init__(self) -> None:
        if not self.code:
            generic = "E0000" if self.severity == Severity.ERROR else "W0000"
            object.__setattr__(self, "code", generic)

    def __str__(self) -> str:
        text = f"{self.location}: {self.severity.label()}: {self.message}"
        if self.expected:
            text += _("; expected {expected}").format(expected=self.expected)
        if self.found:
            text += _(", found {found}").format(found=self.found)
        if self.hint:
            text += _(" ({hint})").format(hint=self.hint)
        return text

    def as_dict(self) -> dict[str, object]:
        """The problem for JSON: code, severity ("error"/"warning"), file, sheet, row (int or
        None), column, message, expected, found, hint, and ``text``, the whole line as printed."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "file": self.location.file,
            "sheet": self.location.sheet,
            "row": self.location.row,
            "column": self.location.column,
            "message": self.message,
            "expected": self.expected,
            "found": self.found,
            "hint": self.hint,
            "text": str(self),
        }

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
        """The count line: "2 errors, 1 warning" ("2 lỗi, 1 cảnh báo")."""
        errors, warnings = len(self.errors), len(self.warnings)
        return ", ".join(
            (
                ngettext("{count} error", "{count} errors", errors).format(count=errors),
                ngettext("{count} warning", "{count} warnings", warnings).format(count=warnings),
            )
        )

    def render(self) -> str:
        """Return the report as text: the count line, then one line per problem, sorted, each
        starting with its code: "  E0312 tệp …, dòng 5, cột C (Ngày sinh): lỗi: …"."""
        lines = [self.summary()]
        lines += [f"  {p.code} {p}" for p in self.sorted()]
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


def problem(
    code: str,
    location: Location,
    /,
    *,
    expected: str = "",
    found: str = "",
    hint: str = "",
    **params: object,
) -> Problem:
    """The problem of code ``code`` (docgen.codes) at ``location``: its message translated into
    the current language, then formatted with ``params``; an error for an E code, a warning for
    a W code. ``expected``, ``found`` and ``hint`` are given already translated. Raises KeyError
    for a code not in docgen.codes.CODES."""
    from docgen.codes import message

    severity = Severity.ERROR if code.startswith("E") else Severity.WARNING
    return Problem(location, message(code, **params), expected, found, hint, severity, code)
