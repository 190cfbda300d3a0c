"""The facts of one conference, read off the decisions: who was voted on, on which base, who passed."""

from __future__ import annotations

from dataclasses import dataclass

from docgen.decide import RoundDecision, StepOutcome, TitleDecision
from docgen.models import BaseKind, Cadre, Conference, ProcedureStep, StepKind
from docgen.rules.votes import threshold_words
from docgen.vietnamese import count_with_words, name_sort_key, short_date

__all__ = [
    "Vote",
    "TitleVotes",
    "votes_at",
    "BASE_LABELS",
    "threshold_phrase",
    "attendance_lines",
    "ballot_lines",
    "step_heading",
]

BASE_LABELS = {
    BaseKind.CONVENED: "tổng số người được triệu tập",
    BaseKind.PRESENT: "số người có mặt",
    BaseKind.VALID: "số phiếu hợp lệ",
}


@dataclass(frozen=True)
class Vote:
    """One person's votes at one step for one title."""

    cadre: Cadre
    outcome: StepOutcome


@dataclass(frozen=True)
class TitleVotes:
    """Everyone voted on for one title at one step, in Vietnamese name order (ballot order)."""

    title: TitleDecision
    votes: tuple[Vote, ...]

    @property
    def passed(self) -> list[Vote]:
        return [v for v in self.votes if v.outcome.passed]


def votes_at(decision: RoundDecision, step: ProcedureStep) -> list[TitleVotes]:
    """The votes of ``step`` per title (titles in the workbook's order, people in name order)."""
    result = []
    for title in decision.titles:
        if step.kind == StepKind.REMOVAL:
            votes = [
                Vote(r.cadre, r.outcome) for r in title.removals if r.outcome.step == step.number
            ]
        else:
            votes = [
                Vote(c.cadre, outcome)
                for c in title.candidates
                if (outcome := c.at(step.number)) is not None
            ]
        if votes:
            votes.sort(
                key=lambda v: (name_sort_key(v.cadre.full_name), v.cadre.birth_date.month_index())
            )
            result.append(TitleVotes(title, tuple(votes)))
    return result


def threshold_phrase(step: ProcedureStep) -> str:
    """ "từ 30% trở lên so với số người có mặt" / "trên 50% so với tổng số người được triệu tập"."""
    if step.threshold is None or step.comparison is None or step.base is None:
        return ""
    return f"{threshold_words(step.threshold, step.comparison)} so với {BASE_LABELS[step.base]}"


def step_heading(step: ProcedureStep, conference: Conference | None) -> str:
    """ "Bước 2: Hội nghị cán bộ chủ chốt, ngày 07/04/2022"."""
    name = (conference.name if conference and conference.name else None) or step.conference
    when = f", ngày {short_date(conference.date)}" if conference and conference.date else ""
    return f"Bước {step.number}: {name}{when}"


def attendance_lines(conference: Conference) -> list[str]:
    """Convened, present, absent (with and without reason), each with its number in words."""
    lines = []
    if conference.convened is not None:
        lines.append(
            f"Tổng số người được triệu tập: {count_with_words(conference.convened, 'người')}."
        )
    if conference.present is not None:
        lines.append(f"Số người có mặt: {count_with_words(conference.present, 'người')}.")
    if conference.convened is not None and conference.present is not None:
        absent = conference.convened - conference.present
        text = f"Số người vắng mặt: {count_with_words(absent, 'người')}"
        if absent and conference.absent_with_reason is not None:
            without = absent - conference.absent_with_reason
            text += (
                f" (có lý do: {count_with_words(conference.absent_with_reason, 'người')}; "
                f"không có lý do: {count_with_words(without, 'người')})"
            )
        lines.append(text + ".")
    return lines


def ballot_lines(conference: Conference) -> list[str]:
    """Ballots issued, returned, valid, invalid, in that order (domain.md §5)."""
    rows = (
        ("Số phiếu phát ra", conference.ballots_issued),
        ("Số phiếu thu vào", conference.ballots_returned),
        ("Số phiếu hợp lệ", conference.ballots_valid),
        ("Số phiếu không hợp lệ", conference.ballots_invalid),
    )
    return [
        f"{label}: {count_with_words(value, 'phiếu')}."
        for label, value in rows
        if value is not None
    ]
