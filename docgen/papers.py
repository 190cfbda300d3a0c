"""Assemble the papers of a round in progress: ballots and minutes of a step, the plan, the round's
status.

Each writer validates first (errors: nothing written), renders every file in memory, then adds
them to the output folder with docgen.output.write_files: several commands share one round folder
(the plan, the ballots of each step), so only the files being written are replaced, and only when
they are docgen's own and unchanged (by the folder's manifest, .docgen-manifest.json); every other
file in the folder is left alone. The set appears all together or not at all.

A tie at the last place that waits for the head's choice (domain.md §2) is not an input error
here: the count is what it is, so ballots, the minutes of any counted step, the plan and the
status are written while it is open; only the dossier waits (docgen.dossier.build_dossier, with
``tie_problems``). Each open tie is one problem naming the tied people, the title, the places left
and the cells to mark ("Người đứng đầu chọn" of the tied rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docgen.ballot_fit import ballot_fit_problems
from docgen.compose.ballots import step_ballots
from docgen.compose.common import person_order_key
from docgen.compose.minutes import minutes_context, minutes_file_name, minutes_title
from docgen.compose.plan import plan_context, round_plan_gaps, round_plan_outline
from docgen.decide import Outcome, RoundDecision, Tie, TitleDecision
from docgen.errors import InputError, Location, Problem, Report, Severity, problem
from docgen.i18n import _, ngettext
from docgen.models import Cadre, ProcedureStep, RoundInput, StepKind
from docgen.output import write_files
from docgen.plan_model import PlanOutline
from docgen.render import Paper, render_papers
from docgen.validate import Validated, validate_path
from docgen.values import quoted

__all__ = [
    "step_state",
    "OpenTie",
    "open_ties",
    "tie_problems",
    "without_tie_findings",
    "validated_round",
    "write_ballots",
    "write_minutes",
    "round_status",
    "load_plan_outline",
    "plan_outline_for",
    "write_plan",
]


@dataclass(frozen=True)
class OpenTie:
    """A tie at the last place of a title that waits for the head's choice.

    ``title``: the title's decision; ``tie``: its tie (``title.tie``, not resolved); ``tied``: the
    tied people in name order; ``cells``: the "Người đứng đầu chọn" cell of each tied row at the
    deciding step, by row, where the head's choice is marked.
    """

    title: TitleDecision
    tie: Tie
    tied: tuple[Cadre, ...]
    cells: tuple[Location, ...]

    def description(self) -> str:
        """ "Phạm Văn Ân and Trần Thị Mai have 3 votes each at step 4 for the last place", in the
        current language."""
        tie = self.tie
        people = _and([c.full_name for c in self.tied])
        places = ngettext("the last place", "the last {count} places", tie.places).format(
            count=tie.places
        )
        return _("{people} have {votes} votes each at step {step} for {places}").format(
            people=people, votes=tie.votes, step=tie.step, places=places
        )

    def where(self) -> str:
        """The cells to mark: "sheet “Kết quả”, column F (Người đứng đầu chọn), rows 27 and 28"."""
        rows = [str(cell.row) for cell in self.cells if cell.row is not None]
        first = self.cells[0] if self.cells else Location("")
        parts = [_("sheet “{sheet}”").format(sheet=first.sheet)] if first.sheet else []
        parts += [_("column {column}").format(column=first.column)] if first.column else []
        if len(rows) > 1:
            parts.append(_("rows {rows}").format(rows=_and(rows)))
        elif rows:
            parts.append(_("row {row}").format(row=rows[0]))
        return ", ".join(parts)


def _and(items: list[str]) -> str:
    """ "a, b and c" ("a, b và c"); one item as it is. ``items`` must not be empty."""
    if len(items) == 1:
        return items[0]
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


def open_ties(validated: Validated, decision: RoundDecision) -> list[OpenTie]:
    """The ties at the last place that wait for the head's choice, in the titles' order."""
    source = validated.loaded.source
    found = []
    for title in decision.open_ties:
        tie = title.tie
        if tie is None:
            continue
        ordered = sorted(
            tie.tied,
            key=lambda c: person_order_key(c.cadre),
        )
        rows = [
            outcome.result_index
            for candidate in tie.tied
            if (outcome := candidate.at(tie.step)) is not None
        ]
        cells = sorted(
            (source.locate("results", index, "head_choice") for index in rows),
            key=Location.sort_key,
        )
        found.append(OpenTie(title, tie, tuple(c.cadre for c in ordered), tuple(cells)))
    return found


def tie_problems(ties: list[OpenTie], severity: Severity = Severity.ERROR) -> list[Problem]:
    """One problem per open tie, at the first tied row's "Người đứng đầu chọn" cell, naming the
    tied people, the title, the places left and every cell to mark. An error where the tie
    stops the work (the dossier), a warning elsewhere."""
    problems = []
    for tie in ties:
        decided = tie.tie
        marked = len(decided.chosen)
        where = tie.cells[0] if tie.cells else Location("")
        problems.append(
            problem(
                "E0601" if severity == Severity.ERROR else "W0601",
                where,
                expected=_("“x” for {count} of them in {where}").format(
                    count=decided.places, where=tie.where()
                ),
                found=_("{count} marked").format(count=marked) if marked else _("none marked"),
                hint=_(
                    "the head of the unit chooses, docgen does not; the minutes of step {step} "
                    "can be written now: docgen minutes {file} --step {step} --out FOLDER"
                ).format(step=decided.step, file=Path(where.file).name),
                title=quoted(tie.title.title.name),
                tie=tie.description(),
            )
        )
    return problems


def without_tie_findings(report: Report, ties: list[OpenTie]) -> Report:
    """``report`` without the findings validation makes about the open ``ties`` (one per tied
    row, at the row's "Người đứng đầu chọn" cell), so each tie is reported once, by
    ``tie_problems``."""
    cells = {cell for tie in ties for cell in tie.cells}

    def about_a_tie(item: Problem) -> bool:
        return item.location in cells and item.code == "W0503"

    return Report([p for p in report.problems if not about_a_tie(p)])


def validated_round(path: Path) -> tuple[Validated, RoundInput, RoundDecision]:
    """Validate ``path``; return the validation (its report with each open tie as one warning,
    see ``tie_problems``), the model and the decisions.

    Raises:
        InputError: with the report when the round has errors; a tie waiting for the head's
            choice is not one.
    """
    validated = validate_path(path)
    decision = validated.decision
    if decision is None or validated.model is None:
        raise InputError(validated.report)
    ties = open_ties(validated, decision)
    report = without_tie_findings(validated.report, ties)
    report.extend(tie_problems(ties, Severity.WARNING))
    if not report.ok:
        raise InputError(report)
    return Validated(validated.loaded, report, decision), validated.model, decision


def write_ballots(
    path: Path,
    step_number: int,
    out_dir: Path,
    copies: int | None = None,
    templates: Path | None = None,
    formats: tuple[str, ...] = ("docx",),
    engine: str = "weasyprint",
    report: Report | None = None,
) -> list[Path]:
    """Write the ballots of step ``step_number`` into ``out_dir``; return the files written.
    ``report`` receives the warnings of rendering (a changed Word template, see render_papers).

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
        report = Report(list(validated.report.problems))
        report.add(
            problem(
                "E0602",
                Location(str(path)),
                expected=_("a voting step of the procedure ({steps})").format(
                    steps=_voting_steps(decision)
                ),
                found=str(step_number),
                step=step_number,
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
    rendered = render_papers(
        papers, model.info.issuer_kind, formats, engine, templates, report=report
    )
    return write_files(out_dir, rendered)


def _voting_steps(decision: RoundDecision) -> str:
    return ", ".join(str(s.number) for s in decision.procedure if s.kind != StepKind.PREPARATION)


def _not_counted(validated: Validated, model: RoundInput, step: ProcedureStep) -> Problem:
    """Why the minutes of ``step`` cannot be written yet: what is missing, at the place to fill."""
    source = validated.loaded.source
    rows = [i for i, r in enumerate(model.results) if r.step == step.number]
    conference = next((i for i, c in enumerate(model.conferences) if c.step == step.number), None)
    missing = []
    if rows:
        where = source.locate("results", rows[0], "votes_for")
        missing.append(
            ngettext(
                "the votes of its {count} row", "the votes of its {count} rows", len(rows)
            ).format(count=len(rows))
        )
    else:
        where = source.locate("results")
        missing.append(_("its rows in “Kết quả”"))
    if conference is None:
        missing.append(_("its row in “Hội nghị”"))
    elif model.conferences[conference].present is None:
        missing.append(_("the counts of its row in “Hội nghị”"))
    return problem(
        "E0605",
        where,
        expected="; ".join(missing),
        hint=_("enter the results of the step's conference, then run docgen minutes again"),
        step=step.number,
    )


def write_minutes(
    path: Path,
    step_number: int,
    out_dir: Path,
    templates: Path | None = None,
    formats: tuple[str, ...] = ("docx",),
    engine: str = "weasyprint",
    report: Report | None = None,
) -> list[Path]:
    """Write the vote-count minutes (biên bản kiểm phiếu) of step ``step_number`` into
    ``out_dir``; return the files written. ``report`` receives the warnings of rendering (a
    changed Word template, see render_papers).

    The same paper as the dossier's (docgen.compose.minutes), named
    ``bien-ban-kiem-phieu-buoc-<step>`` (.docx and/or .pdf), written as soon as the step is
    counted: later steps may still be empty, and a tie at the last place may still wait for the
    head's choice (the minutes record the count, not the choice: domain.md §2). Added to
    ``out_dir`` by docgen.output.write_files, so other files there are kept.

    Raises:
        InputError: when the round has errors (an open tie is not one), or step ``step_number``
            is not in the procedure, is a preparation step (no vote, no minutes) or is not
            counted yet (the problem says what is missing, where); nothing is written.
        TemplateError: when the minutes template is missing or fails to render.
        EnvironmentProblem: when ``out_dir`` is a file, a file of the same name is there and is
            not docgen's unchanged file (named), or the folder cannot be written; nothing is
            written.
    """
    validated, model, decision = validated_round(path)
    step = decision.step(step_number)
    if step is None or step.kind == StepKind.PREPARATION:
        refusal = problem(
            "E0603" if step is None else "E0604",
            Location(str(path)),
            expected=_("a voting step of the procedure ({steps})").format(
                steps=_voting_steps(decision)
            ),
            found=str(step_number),
            step=step_number,
        )
        raise InputError(Report([*validated.report.problems, refusal]))
    if step.number not in decision.counted_steps:
        refusal = _not_counted(validated, model, step)
        raise InputError(Report([*validated.report.problems, refusal]))
    paper = Paper(
        minutes_file_name(step),
        "minutes",
        minutes_title(model, decision, step),
        minutes_context(model, decision, step),
    )
    rendered = render_papers(
        [paper], model.info.issuer_kind, formats, engine, templates, report=report
    )
    return write_files(out_dir, rendered)


def _names(cadres: list[Cadre]) -> str:
    """Full names in official order (vietnamese.md, "Sorting people"), comma-separated."""
    ordered = sorted(cadres, key=person_order_key)
    return ", ".join(c.full_name for c in ordered)


def step_state(model: RoundInput, decision: RoundDecision, step: ProcedureStep) -> str:
    """What status (and the web page) says of ``step``, in the current language: done / to do
    (preparation); counted, held with nobody to vote on, ballots ready, held with no results,
    to do (voting)."""
    rows = [r for r in model.results if r.step == step.number]
    if step.kind == StepKind.PREPARATION:
        return _("done") if step.number in decision.done_steps else _("to do")
    if step.number in decision.counted_steps:
        return _("counted") if rows else _("held, nobody to vote on")
    if rows:
        return _("ballots ready, not counted")
    conference = decision.conferences.get(step.number)
    if conference is not None and conference.present is not None:
        return _("held, no results")
    return _("to do")


def round_status(path: Path) -> list[str]:
    """Lines saying which step the round is at and what each title has so far, people in name
    order (vietnamese.md). A tie at the last place waiting for the head's choice is shown as
    such, with the cells to mark; it is not an error.

    Raises:
        InputError: when the round has errors.
    """
    validated, model, decision = validated_round(path)
    lines = [f"{model.info.issuing_body} — {decision.procedure_name}, nhiệm kỳ {model.info.term}"]
    states = {s.number: step_state(model, decision, s) for s in decision.procedure}
    for step in decision.procedure:
        lines.append(
            _("  step {step}: {conference}: {state}").format(
                step=step.number, conference=step.conference, state=states[step.number]
            )
        )
    ties = open_ties(validated, decision)
    following = decision.step(decision.next_step) if decision.next_step is not None else None
    if ties:
        lines.append(
            _(
                "the round is counted and waits for the head's choice: then `docgen dossier` "
                "writes its papers; `docgen minutes` writes the minutes of a counted step now"
            )
        )
        for tie in ties:
            lines.append(
                _(
                    "  waiting for the head's choice: {title}: {tie}; mark “x” for {count} of "
                    "them in {where}"
                ).format(
                    title=tie.title.title.name,
                    tie=tie.description(),
                    count=tie.tie.places,
                    where=tie.where(),
                )
            )
    elif decision.complete:
        lines.append(_("the round is complete: `docgen dossier` writes its papers"))
    elif following is not None:
        lines.append(
            _("next: step {step}, {conference}").format(
                step=following.number, conference=following.conference
            )
        )
    waiting = {id(tie.title) for tie in ties}
    for title in decision.titles:
        parts = [
            _("{title} (quota {quota}):").format(title=title.title.name, quota=title.title.quota)
        ]
        if title.kept:
            parts.append(_("kept {names};").format(names=_names(title.kept)))
        if title.voted_out:
            removed = _names([r.cadre for r in title.voted_out])
            parts.append(_("removed {names};").format(names=removed))
        for leaving in sorted(
            title.auto_removals,
            key=lambda a: person_order_key(a.cadre),
        ):
            parts.append(
                _("leaves on a ground: {name} ({ground});").format(
                    name=leaving.cadre.full_name, ground=leaving.ground
                )
            )
        if id(title) in waiting and title.tie is not None:
            proposed = _names([c.cadre for c in title.proposed]) or _("nobody")
            tied = _names([c.cadre for c in title.tie.tied])
            parts.append(
                _("proposed {names} so far; tied for the last place: {tied}").format(
                    names=proposed, tied=tied
                )
            )
        elif title.complete:
            proposed = _names([c.cadre for c in title.proposed]) or _("nobody")
            parts.append(_("proposed {names}").format(names=proposed))
        else:
            going = [
                c.cadre
                for c in title.candidates
                if c.outcome == Outcome.IN_PROGRESS
                and (c.eligibility is None or c.eligibility.eligible)
            ]
            parts.append(
                _("still in the running: {names}").format(names=_names(going) or _("nobody yet"))
            )
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
    from docgen.load import read_data_file
    from docgen.plan_load import load_outline

    data, problems = read_data_file(path)
    if problems:
        raise InputError(Report(problems))
    if not isinstance(data, dict) or data.get("kind") != "plan":
        return None
    return load_outline(path, data)


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
    rendered = render_papers(
        [paper], outline.issuer.issuer_kind, formats, engine, templates, report=report
    )
    return write_files(out_dir, rendered)
