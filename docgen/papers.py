"""Assemble the papers of a round in progress: ballots of a step, the plan, the round's status.

Each writer validates first (errors: nothing written), renders every file in memory, then writes
them; a file appears whole or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docgen.compose.ballots import step_ballots
from docgen.decide import Outcome, RoundDecision
from docgen.errors import InputError, Location, Problem, Report
from docgen.models import RoundInput, StepKind
from docgen.output import atomic_write_bytes
from docgen.render import render_docx, template_path, template_root
from docgen.validate import Validated, validate_path

__all__ = ["validated_round", "write_ballots", "round_status", "StepStatus"]


def validated_round(path: Path) -> tuple[Validated, RoundInput, RoundDecision]:
    """Validate ``path``; return the model and decisions, or raise InputError with the report."""
    validated = validate_path(path)
    if not validated.report.ok or validated.decision is None or validated.model is None:
        raise InputError(validated.report)
    return validated, validated.model, validated.decision


def write_ballots(
    path: Path,
    step_number: int,
    out_dir: Path,
    copies: int | None = None,
    templates: Path | None = None,
) -> list[Path]:
    """Write the ballots of step ``step_number`` into ``out_dir``; return the files written.

    Raises:
        InputError: when the round has errors, or the step is not a voting step of its procedure.
    """
    validated, model, decision = validated_round(path)
    step = decision.step(step_number)
    if step is None or step.kind == StepKind.PREPARATION:
        voting = ", ".join(
            str(s.number) for s in decision.procedure if s.kind != StepKind.PREPARATION
        )
        report = Report(list(validated.report.problems))
        report.add(
            Problem(
                Location(str(path)),
                f"step {step_number} has no ballots",
                expected=f"a voting step of the procedure ({voting})",
                found=str(step_number),
            )
        )
        raise InputError(report)
    template = template_path(template_root(templates), model.info.issuer_kind, "ballot")
    rendered = [
        (out_dir / ballot.file_name, render_docx(template, ballot.context))
        for ballot in step_ballots(model, decision, step, copies)
    ]
    for target, data in rendered:
        atomic_write_bytes(target, data)
    return [target for target, _ in rendered]


@dataclass(frozen=True)
class StepStatus:
    """One step of the procedure and where the round stands on it."""

    number: int
    conference: str
    state: str


def round_status(path: Path) -> list[str]:
    """Lines saying which step the round is at and what each title has so far.

    Raises:
        InputError: when the round has errors.
    """
    _, model, decision = validated_round(path)
    lines = [f"{model.info.issuing_body} — {decision.procedure_name}, nhiệm kỳ {model.info.term}"]
    counted = {r.step for r in model.results if r.votes_for is not None}
    for step in decision.procedure:
        conference = decision.conferences.get(step.number)
        if step.kind == StepKind.PREPARATION:
            state = "done" if conference and conference.date else "to do"
        elif step.number in counted:
            state = "counted"
        elif any(r.step == step.number for r in model.results):
            state = "ballots ready, not counted"
        elif conference and conference.present is not None:
            state = "held, no results"
        else:
            state = "to do"
        lines.append(f"  step {step.number}: {step.conference}: {state}")
    current = decision.current_step
    following = next((s for s in decision.procedure if current is None or s.number > current), None)
    if decision.complete:
        lines.append("the round is complete: `docgen dossier` writes its papers")
    elif following is not None:
        lines.append(f"next: step {following.number}, {following.conference}")
    for title in decision.titles:
        parts = [f"{title.title.name} (quota {title.title.quota}):"]
        if title.kept:
            parts.append("kept " + ", ".join(c.full_name for c in title.kept) + ";")
        if title.removed:
            parts.append("removed " + ", ".join(c.full_name for c in title.removed) + ";")
        if title.complete:
            proposed = ", ".join(c.cadre.full_name for c in title.proposed) or "nobody"
            parts.append(f"proposed {proposed}")
        else:
            going = [
                c.cadre.full_name
                for c in title.candidates
                if c.outcome == Outcome.IN_PROGRESS
                and (c.eligibility is None or c.eligibility.eligible)
            ]
            parts.append("still in the running: " + (", ".join(going) or "nobody yet"))
        lines.append("  " + " ".join(parts))
    return lines
