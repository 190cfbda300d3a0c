"""The round at a glance, in Vietnamese, for the web page: steps held, who passed each, who is
proposed and why, what comes next, and which papers can be downloaded now.

Built from the decision (docgen.decide.RoundDecision) alone; nothing here reads or writes files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docgen.compose.common import person_order_key
from docgen.decide import Outcome, RoundDecision, TitleDecision
from docgen.models import Cadre, ProcedureStep, RoundInput, StepKind
from docgen.papers import OpenTie, step_state

__all__ = ["StepView", "CandidateView", "TitleView", "Glance", "glance"]


@dataclass
class StepView:
    """One step of the procedure: number, conference, kind and state in Vietnamese; for a voting
    step, who passed it, by title (names in official order)."""

    number: int
    conference: str
    kind: str
    state: str
    voting: bool
    counted: bool
    passed: list[tuple[str, str]] = field(default_factory=list)
    """(title, names) for each title with at least one person passing the step."""


@dataclass
class CandidateView:
    """A person voted on for a title: name, one cell per voting step ("12/15 · 80,00 % · đạt",
    empty when not voted on there), outcome and reason in Vietnamese."""

    name: str
    cells: list[str]
    outcome: str
    reason: str
    proposed: bool


@dataclass
class TitleView:
    """A title: its quota, who is proposed, kept, removed, and the candidates' table."""

    name: str
    quota: int
    proposed: str
    kept: str
    removed: str
    leaving: list[str]
    tie: str
    running: str
    complete: bool
    candidates: list[CandidateView]


@dataclass
class Glance:
    """The round at a glance. ``unit``: the body above and the issuing body, as printed
    ("UBND TỈNH SƠN LA · VĂN PHÒNG"); ``next`` says what comes next in one sentence; ``ready``: the
    dossier can be written; ``ballot_step``: the step whose ballots come next (None when none);
    ``counted_steps``: the steps whose minutes can be written; ``voting_steps``: (number,
    conference) of the voting steps, the columns of the candidates' tables."""

    unit: str
    procedure: str
    term: str
    rule_set: str
    steps: list[StepView]
    titles: list[TitleView]
    next: str
    ready: bool
    ballot_step: int | None
    counted_steps: list[int]
    voting_steps: list[tuple[int, str]]


def _order(cadres: list[Cadre]) -> list[Cadre]:
    return sorted(cadres, key=person_order_key)


def _names(cadres: list[Cadre]) -> str:
    return ", ".join(c.full_name for c in _order(cadres))


def _title_view(title: TitleDecision, voting: list[ProcedureStep], waiting: bool) -> TitleView:
    candidates = []
    ordered = sorted(
        title.candidates,
        key=lambda c: person_order_key(c.cadre),
    )
    for candidate in ordered:
        cells = []
        for step in voting:
            outcome = candidate.at(step.number)
            if outcome is None:
                cells.append("")
            else:
                verdict = "đạt" if outcome.passed else "không đạt"
                cells.append(
                    f"{outcome.votes}/{outcome.base} · {outcome.percent_text} % · {verdict}"
                )
        reason = candidate.unit_reason or candidate.reason
        candidates.append(
            CandidateView(
                candidate.cadre.full_name,
                cells,
                Outcome.LABELS.get(candidate.outcome, candidate.outcome),
                reason,
                candidate.outcome == Outcome.PROPOSED,
            )
        )
    leaving = [
        f"{a.cadre.full_name} ({a.ground})"
        for a in sorted(
            title.auto_removals,
            key=lambda a: person_order_key(a.cadre),
        )
    ]
    tie = ""
    if waiting and title.tie is not None:
        tie = (
            f"{_names([c.cadre for c in title.tie.tied])} bằng phiếu nhau ở vị trí cuối "
            f"({title.tie.places} chỗ): chờ người đứng đầu chọn"
        )
    running = ""
    if not title.complete:
        going = [
            c.cadre
            for c in title.candidates
            if c.outcome == Outcome.IN_PROGRESS
            and (c.eligibility is None or c.eligibility.eligible)
        ]
        running = _names(going) or "chưa có ai"
    return TitleView(
        title.title.name,
        title.title.quota,
        _names([c.cadre for c in title.proposed]),
        _names(title.kept),
        _names([r.cadre for r in title.voted_out]),
        leaving,
        tie,
        running,
        title.complete,
        candidates,
    )


def glance(model: RoundInput, decision: RoundDecision, ties: list[OpenTie]) -> Glance:
    """The round at a glance from a valid round's model, decision and open ties
    (docgen.papers.open_ties)."""
    voting = [s for s in decision.procedure if s.kind != StepKind.PREPARATION]
    steps = []
    for step in decision.procedure:
        view = StepView(
            step.number,
            step.conference,
            step.kind.label,
            step_state(model, decision, step),
            step.kind != StepKind.PREPARATION,
            step.number in decision.counted_steps,
        )
        if view.voting:
            for title in decision.titles:
                passed = [
                    c.cadre
                    for c in title.candidates
                    if (o := c.at(step.number)) is not None and o.passed
                ]
                if passed:
                    view.passed.append((title.title.name, _names(passed)))
        steps.append(view)
    waiting = {id(t.title) for t in ties}
    titles = [_title_view(t, voting, id(t) in waiting) for t in decision.titles]
    following = decision.step(decision.next_step) if decision.next_step is not None else None
    if ties:
        text = (
            "Đã kiểm phiếu xong, đang chờ người đứng đầu chọn người bằng phiếu ở vị trí cuối: "
            "đánh dấu “x” ở cột “Người đứng đầu chọn” rồi gửi lại sổ để tải hồ sơ."
        )
    elif decision.complete:
        text = "Đợt quy hoạch đã xong: có thể tải hồ sơ."
    elif following is not None:
        text = f"Bước tiếp theo: bước {following.number}, {following.conference}."
    else:
        text = "Chưa có bước nào được thực hiện."
    ballot_step = (
        following.number
        if following is not None and following.kind != StepKind.PREPARATION
        else None
    )
    info = model.info
    return Glance(
        f"{info.parent_body} · {info.issuing_body}",
        decision.procedure_name,
        str(model.info.term),
        decision.rules.name,
        steps,
        titles,
        text,
        decision.ready,
        ballot_step,
        sorted(decision.counted_steps),
        [(s.number, s.conference) for s in voting],
    )
