"""The facts of one conference, read off the decisions: who was voted on, on which base, who passed."""

from __future__ import annotations

from dataclasses import dataclass

from docgen.decide import CandidateDecision, Outcome, RoundDecision, StepOutcome, TitleDecision
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
    "Standing",
    "Passer",
    "deciding_step",
    "deciding_passers",
    "named",
    "tie_sentence",
    "unit_reason_phrase",
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


def deciding_step(decision: RoundDecision) -> ProcedureStep | None:
    """The step that fills the quota (Lấy đủ số lượng), else the last nomination step."""
    nominations = [s for s in decision.procedure if s.kind == StepKind.NOMINATION]
    if not nominations:
        return None
    return next((s for s in nominations if s.fills_quota), nominations[-1])


class Standing:
    """Where a passer of the deciding step stands once the quota is filled."""

    IN_QUOTA = "in_quota"
    OUTSIDE = "outside"
    TIE_LOST = "tie_lost"
    TIE_OPEN = "tie_open"
    INELIGIBLE = "ineligible"
    OTHER = "other"
    """Not proposed for another reason: dropped, or the unit's recorded reason ("Lý do không
    đề nghị", outcome ``Outcome.NOT_PROPOSED``)."""


@dataclass(frozen=True)
class Passer:
    """A person who passed the deciding step for a title, and where they stand."""

    candidate: CandidateDecision
    outcome: StepOutcome
    standing: str

    @property
    def cadre(self) -> Cadre:
        return self.candidate.cadre

    @property
    def name(self) -> str:
        return self.candidate.cadre.full_name

    def votes_text(self, percent: bool = True) -> str:
        """ "4/5 phiếu, 80,00%" (or "4/5 phiếu")."""
        text = f"{self.outcome.votes}/{self.outcome.base} phiếu"
        return f"{text}, {self.outcome.percent_text}%" if percent else text

    def why_not(self, title: TitleDecision) -> str:
        """Why this passer is not proposed, as the minutes word it after the name ("nằm ngoài
        số lượng", "không đề nghị do <the unit's reason>"); the submission puts "do" before it
        (``because``)."""
        if self.standing == Standing.OUTSIDE:
            return "nằm ngoài số lượng"
        if self.standing == Standing.TIE_LOST and title.tie is not None:
            chosen = [c.cadre.full_name for c in title.tie.chosen]
            return (
                f"có số phiếu bằng {named(chosen)} ở vị trí cuối cùng, người đứng đầu đã xem xét, "
                f"quyết định lựa chọn {named(chosen)}"
            )
        if self.standing == Standing.TIE_OPEN:
            return "bằng phiếu ở vị trí cuối cùng, chờ người đứng đầu xem xét, quyết định"
        if self.standing == Standing.INELIGIBLE:
            reason = self.candidate.reason
            return "không đủ điều kiện quy hoạch" + (f" ({reason})" if reason else "")
        if self.candidate.outcome == Outcome.NOT_PROPOSED:
            return f"không đề nghị do {unit_reason_phrase(self.candidate.unit_reason)}"
        return self.candidate.reason or Outcome.LABELS.get(self.candidate.outcome, "").lower()

    def because(self, title: TitleDecision) -> str:
        """Why this passer is not proposed, after "do" in the submission: as ``why_not``, but
        the unit's reason as it is ("do đã được giới thiệu quy hoạch đủ 3 chức danh")."""
        if self.candidate.outcome == Outcome.NOT_PROPOSED:
            return unit_reason_phrase(self.candidate.unit_reason)
        return self.why_not(title)


def unit_reason_phrase(reason: str) -> str:
    """The unit's "Lý do không đề nghị" as it follows "do" in a sentence: "Đã được giới thiệu
    đủ 3 chức danh." → "đã được giới thiệu đủ 3 chức danh" (a leading "do" / "vì" and the
    final full stop dropped)."""
    text = reason.strip().rstrip(".;").strip()
    for word in ("do ", "vì ", "lý do: ", "lý do "):
        if text.lower().startswith(word):
            text = text[len(word) :].strip()
            break
    if len(text) > 1 and not text[1].isupper():  # keep an abbreviation (UBND …) as written
        text = text[:1].lower() + text[1:]
    return text


def deciding_passers(title: TitleDecision, step: ProcedureStep) -> list[Passer]:
    """Everyone who passed ``step`` for ``title``, by votes (highest first; the head's choice
    first inside a tie; then name order), each with where they stand after the quota fill."""
    tie = title.tie
    passers = []
    for candidate in title.candidates:
        outcome = candidate.at(step.number)
        if outcome is None or not outcome.passed:
            continue
        if candidate.outcome == Outcome.PROPOSED:
            standing = Standing.IN_QUOTA
        elif candidate.outcome == Outcome.INELIGIBLE:
            standing = Standing.INELIGIBLE
        elif candidate.outcome == Outcome.TIE_UNRESOLVED:
            standing = Standing.TIE_OPEN
        elif candidate.outcome == Outcome.NOT_SELECTED:
            lost = tie is not None and tie.resolved and candidate in tie.tied
            standing = Standing.TIE_LOST if lost else Standing.OUTSIDE
        else:
            standing = Standing.OTHER
        passers.append(Passer(candidate, outcome, standing))
    passers.sort(
        key=lambda p: (
            -p.outcome.votes,
            not p.candidate.head_choice,
            name_sort_key(p.name),
            p.cadre.birth_date.month_index(),
        )
    )
    return passers


def named(names: list[str]) -> str:
    """ "đồng chí A" / "các đồng chí A, B"."""
    if len(names) == 1:
        return f"đồng chí {names[0]}"
    return "các đồng chí " + ", ".join(names)


def tie_sentence(title: TitleDecision) -> str:
    """The tie at the last place, and the head's choice or that it is awaited."""
    tie = title.tie
    if tie is None:
        return ""
    names = ", ".join(c.cadre.full_name for c in tie.tied)
    text = (
        f"Các đồng chí {names} có số phiếu bằng nhau ({tie.votes}/{tie.base} phiếu) cho "
        f"{tie.places:02d} vị trí cuối cùng; "
    )
    if tie.resolved:
        chosen = [c.cadre.full_name for c in tie.chosen]
        return text + f"người đứng đầu đã xem xét, quyết định lựa chọn {named(chosen)}."
    return text + "giao cho người đứng đầu xem xét, quyết định lựa chọn nhân sự."
