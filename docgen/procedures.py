"""Procedures: the built-in step sequences by name, and the procedure a round runs.

Source: domain.md §2 and seed ke-hoach-quy-hoach-vpubnd-son-la.txt part B.II (review: 4 steps;
next term: preparation steps, then 3 voting steps). The steps live in
``docgen/data/procedures.yaml``; "Tùy chỉnh" takes them from the workbook's "Quy trình" sheet.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from docgen.contract import CUSTOM_PROCEDURE
from docgen.errors import RulesError
from docgen.models import ProcedureStep, RoundInput, RoundKind, StepKind
from docgen.vietnamese import fold_key

__all__ = ["builtin_procedures", "round_procedure", "procedure_name", "voting_steps"]


@cache
def builtin_procedures() -> dict[str, tuple[ProcedureStep, ...]]:
    """Built-in procedures by name, each a tuple of steps in order.

    Raises:
        RulesError: when the packaged procedure data is malformed.
    """
    text = resources.files("docgen").joinpath("data/procedures.yaml").read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
        return {
            name: tuple(ProcedureStep.model_validate(step) for step in steps)
            for name, steps in data.items()
        }
    except (ValueError, TypeError, AttributeError) as exc:
        raise RulesError(f"docgen/data/procedures.yaml is malformed: {exc}") from exc


def procedure_name(round_input: RoundInput) -> str:
    """The procedure's name: as given in "Quy trình", else the round kind's built-in."""
    given = round_input.info.procedure
    if given:
        return given
    return RoundKind(round_input.info.round_kind).label


def round_procedure(round_input: RoundInput) -> tuple[ProcedureStep, ...] | None:
    """The steps the round runs, in order; None when the name is unknown (validation reports it).

    "Tùy chỉnh" (custom) takes the "Quy trình" sheet; any other name a built-in procedure,
    matched ignoring case and Unicode form.
    """
    name = procedure_name(round_input)
    if fold_key(name) == fold_key(CUSTOM_PROCEDURE):
        return tuple(sorted(round_input.procedure_steps, key=lambda s: s.number))
    for builtin, steps in builtin_procedures().items():
        if fold_key(builtin) == fold_key(name):
            return steps
    return None


def voting_steps(steps: tuple[ProcedureStep, ...]) -> list[ProcedureStep]:
    """The steps with a vote (removal or nomination), in order."""
    return [s for s in steps if s.kind != StepKind.PREPARATION]
