"""Assemble the papers of a round in progress: ballots of a step, the plan, the round's status.

Each writer validates first (errors: nothing written), renders every file in memory, then adds
them to the output folder with docgen.output.write_files: several commands share one round folder
(the plan, the ballots of each step), so only the files being written are replaced, and only when
they are docgen's own and unchanged (by the folder's manifest, .docgen-manifest.json); every other
file in the folder is left alone. The set appears all together or not at all.
"""

from __future__ import annotations

from pathlib import Path

from docgen.ballot_fit import ballot_fit_problems
from docgen.compose.ballots import step_ballots
from docgen.compose.plan import plan_context, round_plan_gaps, round_plan_outline
from docgen.decide import Outcome, RoundDecision
from docgen.errors import InputError, Location, Problem, Report
from docgen.models import RoundInput, StepKind
from docgen.output import write_files
from docgen.plan_model import PlanOutline
from docgen.render import Paper, render_papers
from docgen.validate import Validated, validate_path

__all__ = [
    "validated_round",
    "write_ballots",
    "round_status",
    "load_plan_outline",
    "plan_outline_for",
    "write_plan",
]


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
    formats: tuple[str, ...] = ("docx",),
    engine: str = "weasyprint",
) -> list[Path]:
    """Write the ballots of step ``step_number`` into ``out_dir``; return the files written.

    One file per ballot and format, named ``phieu-buoc-<step>-<title slug>`` (unique within the
    step, see docgen.compose.ballots.step_ballots); added to ``out_dir`` by
    docgen.output.write_files, so other files there are kept.

    Raises:
        InputError: when the round has errors, the step is not a voting step of its procedure,
            or a ballot would run past one page (format.md, "Ballots": reported, never split).
        EnvironmentProblem: when ``out_dir`` is a file, a file of the same name is there and is
            not docgen's unchanged file (each named), or the folder cannot be written (the disk
            is full …); nothing is written.
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
    ballots = step_ballots(model, decision, step, copies)
    too_long = ballot_fit_problems(ballots, model.info.issuer_kind, path.name, templates)
    if too_long:
        raise InputError(Report([*validated.report.problems, *too_long]))
    papers = [
        Paper(
            ballot.file_name,
            "ballot",
            f"Phiếu bước {step.number}: {', '.join(ballot.titles)}",
            ballot.context,
        )
        for ballot in ballots
    ]
    rendered = render_papers(papers, model.info.issuer_kind, formats, engine, templates)
    return write_files(out_dir, rendered)


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


def load_plan_outline(path: Path) -> PlanOutline | None:
    """The outline of a ``kind: plan`` YAML/JSON file; None for any other input (a round).

    Raises:
        InputError: when the file cannot be read within docgen.load's limits (size, nesting,
            YAML aliases), or says ``kind: plan`` but does not fit the outline model.
    """
    if path.suffix.lower() not in {".yaml", ".yml", ".json"}:
        return None
    from pydantic import ValidationError

    from docgen.load import problem_from_error, read_data_file

    data, problems = read_data_file(path)
    if problems:
        raise InputError(Report(problems))
    if not isinstance(data, dict) or data.get("kind") != "plan":
        return None
    try:
        return PlanOutline.model_validate(data)
    except ValidationError as exc:
        report = Report()
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"])
            report.add(problem_from_error(Location(str(path), 0, "plan", None, where), error))
        raise InputError(report) from exc


def plan_outline_for(path: Path, report: Report | None = None) -> PlanOutline:
    """The plan of ``path``: a plan outline file as it is, or a round's plan composed from it.

    ``report``, when given, receives the round's warnings and one for every field of the plan
    printed as a gap (``round_plan_gaps``).

    Raises:
        InputError: when the input has errors.
    """
    outline = load_plan_outline(path)
    if outline is not None:
        return outline
    validated, model, decision = validated_round(path)
    if report is not None:
        report.extend(validated.report.problems)
        source = validated.loaded.source
        for gap in round_plan_gaps(model):
            report.add(
                Problem(
                    source.locate(gap.collection, gap.index, gap.field),
                    gap.message,
                    hint=gap.hint,
                    severity=gap.severity,
                )
            )
    return round_plan_outline(model, decision)


def write_plan(
    path: Path,
    out_dir: Path,
    templates: Path | None = None,
    formats: tuple[str, ...] = ("docx",),
    engine: str = "weasyprint",
    report: Report | None = None,
) -> list[Path]:
    """Write the plan of ``path`` (see ``plan_outline_for``) into ``out_dir`` as ke-hoach.docx
    and/or ke-hoach.pdf; return the files written. ``report`` receives the warnings. The files
    are added by docgen.output.write_files, so other files in ``out_dir`` are kept.

    Raises:
        InputError: when the input has errors; nothing is written.
        EnvironmentProblem: when ``out_dir`` is a file, a ke-hoach file there is not docgen's
            unchanged file, or the folder cannot be written (the disk is full …); nothing is
            written.
    """
    outline = plan_outline_for(path, report)
    paper = Paper("ke-hoach.docx", "plan", "Kế hoạch", plan_context(outline))
    rendered = render_papers([paper], outline.issuer.issuer_kind, formats, engine, templates)
    return write_files(out_dir, rendered)
