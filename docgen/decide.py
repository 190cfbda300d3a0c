"""Decide: a validated round → who was removed, who passed each step, who is proposed, and why.

Applies the procedure step by step on exact integers (docgen.rules.votes): removal votes, each
nomination step's threshold on its base, the quota fill at the deciding step, ties at the last
place resolved only by the head's recorded choice, and eligibility (ineligible people are never
proposed). Pure: no I/O. Rule findings come back as ``Finding`` records pointing at input rows.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from docgen.errors import Severity
from docgen.models import (
    BaseKind,
    Cadre,
    Conference,
    ProcedureStep,
    Result,
    RoundInput,
    StepKind,
    Title,
)
from docgen.procedures import procedure_name, round_procedure
from docgen.rules.eligibility import Eligibility, check_eligibility
from docgen.rules.rulesets import RuleSet, rule_set_on
from docgen.rules.votes import fill_quota, meets_threshold, threshold_words
from docgen.vietnamese import fold_key, format_percent, name_sort_key, percent_of

__all__ = [
    "Finding",
    "Roster",
    "StepOutcome",
    "CandidateDecision",
    "RemovalVote",
    "Tie",
    "TitleDecision",
    "RoundDecision",
    "Outcome",
    "decide",
    "round_date",
]


class Outcome:
    """Outcome codes of a candidate in the decision record, with their Vietnamese wording."""

    PROPOSED = "proposed"
    NOT_PASSED = "not_passed"
    NOT_SELECTED = "not_selected"
    TIE_UNRESOLVED = "tie_unresolved"
    INELIGIBLE = "ineligible"
    DROPPED = "dropped"
    IN_PROGRESS = "in_progress"

    LABELS = {
        PROPOSED: "Đề nghị quy hoạch",
        NOT_PASSED: "Không đạt",
        NOT_SELECTED: "Ngoài số lượng",
        TIE_UNRESOLVED: "Chờ người đứng đầu quyết định",
        INELIGIBLE: "Không đủ điều kiện",
        DROPPED: "Không tiếp tục giới thiệu",
        IN_PROGRESS: "Đang thực hiện",
    }


@dataclass(frozen=True)
class Finding:
    """A rule's finding about the input, pointing at a row (and column) of a collection."""

    collection: str
    index: int | None
    field: str
    message: str
    expected: str = ""
    found: str = ""
    hint: str = ""
    severity: Severity = Severity.ERROR
    title: str = ""
    """The title the finding is about, where the row does not say it (a person kept planned)."""


class Roster:
    """Resolves the names and codes used in other sheets to people of the "Cán bộ" sheet."""

    def __init__(self, cadres: list[Cadre]):
        self.cadres = cadres
        self.by_code: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = defaultdict(list)
        for index, cadre in enumerate(cadres):
            if cadre.code:
                self.by_code[fold_key(cadre.code)] = index
            self.by_name[fold_key(cadre.full_name)].append(index)

    def resolve(self, reference: str) -> tuple[int | None, str, str]:
        """Return (index, problem, hint): the index when ``reference`` names exactly one person.

        A code (Mã cán bộ) wins over a name; a name shared by several people is ambiguous.
        """
        key = fold_key(reference)
        if key in self.by_code:
            return self.by_code[key], "", ""
        matches = self.by_name.get(key, [])
        if len(matches) == 1:
            return matches[0], "", ""
        if len(matches) > 1:
            codes = ", ".join(self.cadres[i].code or "(no code)" for i in matches)
            return (
                None,
                "ambiguous name",
                f"{len(matches)} people share it; use Mã cán bộ ({codes})",
            )
        near = difflib.get_close_matches(reference, [c.full_name for c in self.cadres], n=1)
        return (
            None,
            "unknown cadre",
            f"did you mean “{near[0]}”?" if near else "add them to “Cán bộ”",
        )


@dataclass(frozen=True)
class StepOutcome:
    """One candidate's result at one voting step: votes, the base they are counted on, pass."""

    step: int
    votes: int
    base: int
    base_kind: BaseKind
    passed: bool
    result_index: int

    @property
    def percent(self) -> Fraction:
        return percent_of(self.votes, self.base)

    @property
    def percent_text(self) -> str:
        return format_percent(self.percent)


@dataclass
class CandidateDecision:
    """A person voted on for a title: the steps they went through and the outcome."""

    cadre_index: int
    cadre: Cadre
    steps: list[StepOutcome] = field(default_factory=list)
    outcome: str = Outcome.IN_PROGRESS
    reason: str = ""
    eligibility: Eligibility | None = None
    head_choice: bool = False

    def at(self, step: int) -> StepOutcome | None:
        return next((s for s in self.steps if s.step == step), None)


@dataclass(frozen=True)
class RemovalVote:
    """A removal vote (phiếu đưa ra khỏi quy hoạch) on a person currently planned for a title."""

    cadre_index: int
    cadre: Cadre
    outcome: StepOutcome


@dataclass(frozen=True)
class Tie:
    """Several people share the last place's votes at the deciding step (seed part B.II.1.1.3)."""

    step: int
    votes: int
    base: int
    places: int
    tied: tuple[CandidateDecision, ...]
    chosen: tuple[CandidateDecision, ...]
    resolved: bool


@dataclass
class TitleDecision:
    """Everything decided for one title."""

    title: Title
    title_index: int
    candidates: list[CandidateDecision] = field(default_factory=list)
    proposed: list[CandidateDecision] = field(default_factory=list)
    removals: list[RemovalVote] = field(default_factory=list)
    kept: list[Cadre] = field(default_factory=list)
    tie: Tie | None = None
    complete: bool = False

    @property
    def removed(self) -> list[Cadre]:
        return [r.cadre for r in self.removals if r.outcome.passed]


@dataclass
class RoundDecision:
    """The decisions of a round. ``procedure`` is empty when the procedure name is unknown."""

    procedure_name: str
    procedure: tuple[ProcedureStep, ...]
    rules: RuleSet
    decided_on: date
    titles: list[TitleDecision]
    findings: list[Finding]
    conferences: dict[int, Conference]
    current_step: int | None

    @property
    def complete(self) -> bool:
        return bool(self.titles) and all(t.complete for t in self.titles)

    def step(self, number: int) -> ProcedureStep | None:
        return next((s for s in self.procedure if s.number == number), None)


def round_date(round_input: RoundInput) -> date:
    """The date that picks the rule set: the submission's, else the last conference's, else the
    reference date."""
    if round_input.info.submission_date:
        return round_input.info.submission_date
    days = [c.date for c in round_input.conferences if c.date]
    return max(days) if days else round_input.info.reference_date.earliest()


def _base_label(kind: BaseKind) -> str:
    return {
        BaseKind.CONVENED: "tổng số người được triệu tập",
        BaseKind.PRESENT: "số người có mặt",
        BaseKind.VALID: "số phiếu hợp lệ",
    }[kind]


def decide(round_input: RoundInput) -> RoundDecision:
    """Apply the round's procedure to its results; see the module docstring for the rules.

    Rows that cannot be resolved (unknown person or title, step not in the procedure) are
    skipped here; validation reports them. Returns findings for ties, eligibility and quotas.
    """
    rules = rule_set_on(round_date(round_input))
    steps = round_procedure(round_input) or ()
    conferences = {c.step: c for c in round_input.conferences}
    decision = RoundDecision(
        procedure_name(round_input),
        steps,
        rules,
        round_date(round_input),
        [],
        [],
        conferences,
        None,
    )
    if not steps:
        return decision
    roster = Roster(round_input.cadres)
    rows: dict[tuple[int, str], list[tuple[int, Result, int]]] = defaultdict(list)
    for index, result in enumerate(round_input.results):
        person, _, _ = roster.resolve(result.person)
        if person is not None:
            rows[(result.step, fold_key(result.title))].append((index, result, person))
    extra: dict[int, set[str]] = defaultdict(set)
    for _ in range(2):  # twice: object-2 eligibility may depend on this round's proposals
        findings: list[Finding] = []
        titles = [
            _decide_title(round_input, ti, t, steps, rules, rows, conferences, extra, findings)
            for ti, t in enumerate(round_input.titles)
        ]
        proposed: dict[int, set[str]] = defaultdict(set)
        for title_decision in titles:
            for candidate in title_decision.proposed:
                proposed[candidate.cadre_index].add(title_decision.title.name)
        if proposed == extra:
            break
        extra = proposed
    decision.titles = titles
    findings += _limit_findings(round_input, titles, rules)
    decision.findings = findings
    decision.current_step = _current_step(round_input, steps)
    return decision


def _current_step(round_input: RoundInput, steps: tuple[ProcedureStep, ...]) -> int | None:
    """The last step that has results with votes or a conference with counts."""
    done = {r.step for r in round_input.results if r.votes_for is not None}
    done |= {c.step for c in round_input.conferences if c.present is not None}
    numbers = [s.number for s in steps if s.number in done]
    return max(numbers) if numbers else None


def _outcome_at(
    step: ProcedureStep, conference: Conference | None, index: int, result: Result
) -> StepOutcome | None:
    if result.votes_for is None or conference is None or step.base is None:
        return None
    base = conference.base(step.base)
    if not base or step.threshold is None or step.comparison is None:
        return None
    passed = meets_threshold(result.votes_for, base, step.threshold, step.comparison)
    return StepOutcome(step.number, result.votes_for, base, step.base, passed, index)


def _failure_reason(step: ProcedureStep, outcome: StepOutcome) -> str:
    assert step.threshold is not None and step.comparison is not None
    return (
        f"không đạt ở bước {step.number}: {outcome.votes}/{outcome.base} phiếu "
        f"({outcome.percent_text}% so với {_base_label(outcome.base_kind)}), cần "
        f"{threshold_words(step.threshold, step.comparison)}"
    )


def _decide_title(
    round_input: RoundInput,
    title_index: int,
    title: Title,
    steps: tuple[ProcedureStep, ...],
    rules: RuleSet,
    rows: dict[tuple[int, str], list[tuple[int, Result, int]]],
    conferences: dict[int, Conference],
    extra_planned: dict[int, set[str]],
    findings: list[Finding],
) -> TitleDecision:
    key = fold_key(title.name)
    decision = TitleDecision(title, title_index)
    cadres = round_input.cadres
    info = round_input.info

    # Removal votes (step 1 of a review): those above the threshold leave the planning.
    for step in (s for s in steps if s.kind == StepKind.REMOVAL):
        for index, result, person in rows.get((step.number, key), []):
            outcome = _outcome_at(step, conferences.get(step.number), index, result)
            if outcome is not None:
                decision.removals.append(RemovalVote(person, cadres[person], outcome))
    removed = {r.cadre_index for r in decision.removals if r.outcome.passed}
    decision.kept = [
        c
        for i, c in enumerate(cadres)
        if i not in removed and key in {fold_key(t) for t in c.planned_titles}
    ]

    findings += _kept_findings(round_input, title, decision.kept, rules)
    nominations = [s for s in steps if s.kind == StepKind.NOMINATION]
    if not nominations:
        decision.complete = True
        return decision
    deciding = next((s for s in nominations if s.fills_quota), nominations[-1])
    entered_steps = {r.step for r in round_input.results}
    candidates: dict[int, CandidateDecision] = {}
    passers: list[int] | None = None
    complete = True
    for position, step in enumerate(nominations):
        step_rows = rows.get((step.number, key), [])
        conference = conferences.get(step.number)
        counted = [_outcome_at(step, conference, i, r) for i, r, _ in step_rows]
        if not step_rows:
            held = conference is not None and conference.base(step.base or BaseKind.PRESENT)
            entered = step.number in entered_steps
            if passers is not None and not passers:
                pass  # nobody left to vote on: the title is settled
            elif not held or passers is None or not entered:
                # Not counted yet: the first nomination step has nobody for the title, or the
                # step has no row in "Kết quả" at all. Never a decision proposing nobody.
                complete = False
                break
            for person in passers or []:
                candidates[person].outcome = Outcome.DROPPED
                candidates[person].reason = f"không có tên trong danh sách bước {step.number}"
            passers = []
        elif any(o is None for o in counted):
            for _, _, person in step_rows:
                candidates.setdefault(person, CandidateDecision(person, cadres[person]))
            complete = False
            break
        else:
            current: list[int] = []
            for (index, result, person), outcome in zip(step_rows, counted, strict=True):
                assert outcome is not None
                candidate = candidates.setdefault(person, CandidateDecision(person, cadres[person]))
                candidate.steps.append(outcome)
                candidate.head_choice = candidate.head_choice or result.head_choice
                if position > 0 and (passers is None or person not in passers):
                    previous = nominations[position - 1].number
                    findings.append(
                        Finding(
                            "results",
                            index,
                            "person",
                            f"{cadres[person].full_name} is voted on at step {step.number} "
                            f"but did not pass step {previous} for {title.name}",
                            expected=f"only people who passed step {previous}",
                        )
                    )
                    candidate.outcome = Outcome.NOT_PASSED
                    candidate.reason = f"không được giới thiệu ở bước {previous}"
                    continue
                if outcome.passed:
                    current.append(person)
                elif candidate.outcome != Outcome.NOT_PASSED:
                    candidate.outcome = Outcome.NOT_PASSED
                    candidate.reason = _failure_reason(step, outcome)
            for person in passers or []:
                if person not in {p for _, _, p in step_rows}:
                    candidates[person].outcome = Outcome.DROPPED
                    candidates[person].reason = f"không có tên trong danh sách bước {step.number}"
            passers = current
        if step is deciding:
            break

    decision.candidates = list(candidates.values())
    for candidate in decision.candidates:
        planned = {*candidate.cadre.planned_titles, *extra_planned.get(candidate.cadre_index, ())}
        candidate.eligibility = check_eligibility(
            candidate.cadre, title, info.round_kind, info.reference_date, rules, planned
        )
        if not candidate.eligibility.eligible:
            first_row = candidate.steps[0].result_index if candidate.steps else None
            findings.append(
                Finding(
                    "results",
                    first_row,
                    "person",
                    f"{candidate.cadre.full_name} is not eligible for {title.name}: "
                    + "; ".join(candidate.eligibility.reasons),
                    hint="docgen will not propose them",
                    severity=Severity.WARNING,
                )
            )
    decision.complete = complete
    if not complete:
        for candidate in decision.candidates:
            if candidate.outcome == Outcome.IN_PROGRESS and not _eligible(candidate):
                candidate.reason = "; ".join(candidate.eligibility.reasons)  # type: ignore[union-attr]
        return decision

    final = [candidates[p] for p in passers or [] if candidates[p].outcome == Outcome.IN_PROGRESS]
    for candidate in final:
        if not _eligible(candidate):
            candidate.outcome = Outcome.INELIGIBLE
            candidate.reason = "; ".join(candidate.eligibility.reasons)  # type: ignore[union-attr]
    eligible = [c for c in final if _eligible(c)]
    fill = fill_quota(
        eligible,
        title.quota,
        votes=lambda c: c.at(deciding.number).votes,  # type: ignore[union-attr]
        head_choice=lambda c: c.head_choice,
        order=lambda c: (name_sort_key(c.cadre.full_name), c.cadre.birth_date.month_index()),
    )
    for candidate in fill.selected:
        candidate.outcome = Outcome.PROPOSED
        candidate.reason = ""
    for candidate in fill.not_selected:
        candidate.outcome = Outcome.NOT_SELECTED
        candidate.reason = f"ngoài số lượng {title.quota} người"
    decision.proposed = list(fill.selected)
    if fill.tied:
        tie_outcome = fill.tied[0].at(deciding.number)
        assert tie_outcome is not None  # every candidate of the fill passed the deciding step
        tie_votes = tie_outcome.votes
        chosen = tuple(c for c in fill.tied if c.head_choice)
        decision.tie = Tie(
            deciding.number,
            tie_votes,
            tie_outcome.base,
            fill.places_left,
            fill.tied,
            chosen,
            fill.resolved,
        )
        names = ", ".join(c.cadre.full_name for c in fill.tied)
        if fill.resolved:
            for candidate in fill.tied:
                if not candidate.head_choice:
                    candidate.reason = "người đứng đầu không lựa chọn khi bằng phiếu"
        else:
            for candidate in fill.tied:
                candidate.outcome = Outcome.TIE_UNRESOLVED
                candidate.reason = "bằng phiếu ở vị trí cuối, chờ người đứng đầu quyết định"
                findings.append(
                    Finding(
                        "results",
                        candidate.at(deciding.number).result_index,  # type: ignore[union-attr]
                        "head_choice",
                        f"tie at the last place for {title.name} at step {deciding.number}: "
                        f"{names} have {tie_votes} votes each for {fill.places_left} place(s)",
                        expected=f"exactly {fill.places_left} of them marked “x”",
                        found=f"{len(chosen)} marked",
                        hint="the head of the unit decides (seed part B.II.1.1.3); docgen does not",
                    )
                )
    for candidate in decision.candidates:
        if candidate.head_choice and (decision.tie is None or candidate not in decision.tie.tied):
            last_row = candidate.steps[-1].result_index if candidate.steps else None
            findings.append(
                Finding(
                    "results",
                    last_row,
                    "head_choice",
                    f"head's choice for {candidate.cadre.full_name} ({title.name}) is ignored: "
                    "there is no tie at the last place",
                    severity=Severity.WARNING,
                )
            )
    return decision


def _kept_findings(
    round_input: RoundInput, title: Title, kept: list[Cadre], rules: RuleSet
) -> list[Finding]:
    """Warn about people kept in planning who meet an automatic-removal ground (Quy định
    50-QĐ/TW, kept by 377-QĐ/TW): too little working time left, or disciplined. docgen does not
    remove them itself: the removal is the collective's decision."""
    findings = []
    info = round_input.info
    for cadre in kept:
        result = check_eligibility(
            cadre, title, info.round_kind, info.reference_date, rules, cadre.planned_titles
        )
        grounds = [r for r in result.reasons if r.startswith(("không đủ tuổi", "bị kỷ luật"))]
        if grounds:
            findings.append(
                Finding(
                    "cadres",
                    round_input.cadres.index(cadre),
                    "planned_titles",
                    f"{cadre.full_name} stays planned for {title.name} but " + "; ".join(grounds),
                    hint="a ground for removal from planning: hold a removal vote",
                    severity=Severity.WARNING,
                    title=title.name,
                )
            )
    return findings


def _eligible(candidate: CandidateDecision) -> bool:
    return candidate.eligibility is None or candidate.eligibility.eligible


def _limit_findings(
    round_input: RoundInput, titles: list[TitleDecision], rules: RuleSet
) -> list[Finding]:
    """At most 3 people per title and 3 titles per person (Quy định 50-QĐ/TW, Điều 3; 377)."""
    findings: list[Finding] = []
    per_person: dict[int, set[str]] = defaultdict(set)
    for index, cadre in enumerate(round_input.cadres):
        per_person[index] |= {fold_key(t) for t in cadre.planned_titles}
    for decision in titles:
        title = decision.title
        if title.quota > rules.max_people_per_title:
            findings.append(
                Finding(
                    "titles",
                    decision.title_index,
                    "quota",
                    f"quota of {title.name} is above the limit of {rules.name}",
                    expected=f"at most {rules.max_people_per_title}",
                    found=str(title.quota),
                )
            )
        total = len(decision.kept) + len(decision.proposed)
        if decision.complete and total > rules.max_people_per_title:
            findings.append(
                Finding(
                    "titles",
                    decision.title_index,
                    "quota",
                    f"{title.name} would have {total} people planned "
                    f"({len(decision.kept)} kept + {len(decision.proposed)} proposed)",
                    expected=f"at most {rules.max_people_per_title} per title ({rules.name})",
                    found=str(total),
                    hint="lower Số lượng or remove people from the current planning",
                )
            )
        for removed in decision.removed:
            per_person[round_input.cadres.index(removed)].discard(fold_key(title.name))
        for candidate in decision.proposed:
            per_person[candidate.cadre_index].add(fold_key(title.name))
    for index, planned in per_person.items():
        if len(planned) > rules.max_titles_per_person:
            findings.append(
                Finding(
                    "cadres",
                    index,
                    "planned_titles",
                    f"{round_input.cadres[index].full_name} would be planned for "
                    f"{len(planned)} titles",
                    expected=f"at most {rules.max_titles_per_person} titles per person",
                    found=str(len(planned)),
                )
            )
    return findings
