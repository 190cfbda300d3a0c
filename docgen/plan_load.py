"""Read a plan outline file (YAML or JSON with ``kind: plan``) into a ``PlanOutline``, or into
problems told in the outline's own terms: the field path (``parts[2].items[1].label``, items
counted from 1), what was expected and the type found, all listed at once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from docgen.errors import InputError, Location, Problem, Report
from docgen.i18n import N_, _
from docgen.plan_model import PlanOutline, found_phrase
from docgen.values import quoted

__all__ = ["OutlineLocation", "field_path", "load_outline", "outline_problems", "read_outline"]


@dataclass(frozen=True)
class OutlineLocation(Location):
    """A place in an outline file: the file and a field path such as ``parts[2].items[1].label``
    (1-based items); sorted by ``order``, the order of the outline's fields (pydantic's)."""

    path: str = ""
    order: tuple[int, ...] = ()

    def __str__(self) -> str:
        text = _("{file}").format(file=self.file)
        return f"{text}, {self.path}" if self.path else text

    def sort_key(self) -> tuple:
        return (self.file, 0, "", 0, "", self.order, self.path)


class _TextLoader(yaml.SafeLoader):
    """The safe YAML loader with every plain scalar but ``null`` kept as the text written: a label
    ``1.`` stays "1.", not the number 1.0; ``no`` stays "no"; a date stays as typed."""


def _as_text(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    return loader.construct_scalar(node)  # type: ignore[arg-type]


for _tag in ("bool", "int", "float", "timestamp"):
    _TextLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _as_text)


def read_outline(path: Path, data: Any) -> Any:
    """The outline's data with plain YAML scalars as text (``data`` as read by
    docgen.load.read_data_file, within its limits); JSON data as it is."""
    if path.suffix.lower() == ".json":
        return data
    text = path.read_bytes().decode("utf-8-sig")
    return yaml.load(text, Loader=_TextLoader)  # noqa: S506 (a safe loader)


def field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """A pydantic location as the outline's field path: ("parts", 2, "items", 0, "label") →
    "parts[3].items[1].label" (items counted from 1, as people count them)."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        elif str(part).startswith(("function-", "list[", "nullable[", "str")):
            continue
        else:
            text += f".{part}" if text else str(part)
    return text


_EXPECTED = {
    "string_type": N_("text"),
    "bool_type": N_("true or false"),
    "bool_parsing": N_("true or false"),
    "list_type": N_("a list (lines starting with “- ”)"),
    "dict_type": N_("a group of named fields"),
    "model_type": N_("a group of named fields"),
    "model_attributes_type": N_("a group of named fields"),
    "literal_error": N_("one of {choices}"),
}


def outline_problems(file: str, error: ValidationError) -> list[Problem]:
    """One problem per error of ``error``, at its field path, in the outline's words."""
    from docgen.codes import message
    from docgen.errors import Severity
    from docgen.values import BadValue

    problems = []
    for index, error_dict in enumerate(error.errors()):
        loc = tuple(error_dict.get("loc") or ())
        where = OutlineLocation(file, path=field_path(loc), order=(index,))
        kind = str(error_dict.get("type", ""))
        value = error_dict.get("input")
        cause = (error_dict.get("ctx") or {}).get("error")
        field = str(getattr(cause, "field", None) or "")
        if not where.path and field:
            where = OutlineLocation(file, path=field, order=(10**6,))
        if kind == "missing" or (isinstance(cause, BadValue) and not cause.found):
            expected = cause.expected if isinstance(cause, BadValue) else ""
            problems.append(Problem(where, message("E0302"), expected, code="E0302"))
            continue
        if kind == "extra_forbidden":
            problems.append(
                Problem(
                    where,
                    message("E0305"),
                    found=quoted(str(loc[-1])) if loc else "",
                    hint=_("docs/ke-hoach.md lists the fields; `docgen schema --plan` prints them"),
                    code="E0305",
                )
            )
            continue
        if isinstance(cause, BadValue):
            expected, found = cause.expected, cause.found
        else:
            expected = _(_EXPECTED[kind]) if kind in _EXPECTED else ""
            if kind == "literal_error":
                choices = (error_dict.get("ctx") or {}).get("expected", "")
                expected = expected.format(choices=choices)
            found = found_phrase(value)
        problems.append(
            Problem(
                where,
                message("E0301"),
                expected,
                found,
                severity=Severity.ERROR,
                code="E0301",
            )
        )
    return problems


def load_outline(path: Path, data: Any) -> PlanOutline:
    """The outline in ``path`` (whose data ``data`` says ``kind: plan``).

    Raises:
        InputError: every field that does not fit the outline, each at its field path.
    """
    try:
        return PlanOutline.model_validate(read_outline(path, data))
    except ValidationError as exc:
        raise InputError(Report(outline_problems(str(path), exc))) from exc
