"""Decide: a validated round → who was removed, who passed each step, who is proposed, and why.

Applies the procedure step by step on exact integers (docgen.rules.votes): removal votes, each
nomination step's threshold on its base, the quota fill at the deciding step, ties at the last
place resolved only by the head's recorded choice, and eligibility (ineligible people are never
proposed), people kept from earlier planning who meet an automatic-removal ground (they leave
the planning, domain.md §3), the unit's recorded reason not to propose someone ("Lý do không đề
nghị": the next in rank takes the place), and where the round stands (the steps done, the next
one, ties waiting for the head). Pure: no I/O. Rule findings come back as ``Finding`` records
pointing at input rows.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from docgen import codes, i18n
from docgen.errors import Severity
from docgen.models import (
    BaseKind,
    Cadre,
    Comparison,
    Conference,
    ProcedureStep,
    Result,
    RoundInput,
    StepKind,
    Title,
)
from docgen.procedures import procedure_name, round_procedure
from docgen.rules.eligibility import (
    Eligibility,
    check_eligibility,
    position_matches,
    removal_grounds,
)
from docgen.rules.rulesets import RuleSet, rule_set_on
from docgen.rules.votes import fill_quota, meets_threshold, percent_text, threshold_words
from docgen.vietnamese import fold_key, name_sort_key, percent_of

__all__ = [
    "Finding",
    "Roster",
    "StepOutcome",
    "CandidateDecision",
    "RemovalVote",
    "AutoRemoval",
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
    NOT_PROPOSED = "not_proposed"
    DROPPED = "dropped"
    IN_PROGRESS = "in_progress"

    LABELS = {
        PROPOSED: "Đề nghị quy hoạch",
        NOT_PASSED: "Không đạt",
        NOT_SELECTED: "Ngoài số lượng",
        TIE_UNRESOLVED: "Chờ người đứng đầu quyết định",
        INELIGIBLE: "Không đủ điều kiện",
        NOT_PROPOSED: "Không đề nghị",
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
    cells: tuple[int, ...] = ()
    """Rows of ``collection`` whose ``field`` cells the finding asks to fill (the "Người đứng đầu
    chọn" cells of a tie); validation names them after ``expected``."""
    code: str = ""
    """The stable code of the message (docgen.codes); "" for E0000/W0000."""


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
        """Return (index, code, hint): the index when ``reference`` names exactly one person,
        else None, the problem's code (docgen.codes: E0330 an ambiguous name, E0329 an unknown
        one) and a hint in the current language.

        A code (Mã cán bộ) wins over a name; a name shared by several people is ambiguous.
        """
        key = fold_key(reference)
        if key in self.by_code:
            return self.by_code[key], "", ""
        matches = self.by_name.get(key, [])
        if len(matches) == 1:
            return matches[0], "", ""
        if len(matches) > 1:
            codes = ", ".join(self.cadres[i].code or i18n._("(no code)") for i in matches)
            return (
                None,
                "E0330",
                i18n._("{count} people share it; use Mã cán bộ ({codes})").format(
                    count=len(matches), codes=codes
                ),
            )
        near = difflib.get_close_matches(reference, [c.full_name for c in self.cadres], n=1)
        return (
            None,
            "E0329",
            i18n._("did you mean “{name}”?").format(name=near[0])
            if near
            else i18n._("add them to “Cán bộ”"),
        )


@dataclass(frozen=True)
class StepOutcome:
    """One candidate's result at one voting step: votes, the base they are counted on, pass.

    ``threshold`` (percent) and ``comparison`` are the step's rule, kept so that the printed
    percentage shows enough decimals near it (``percent_text``).
    """

    step: int
    votes: int
    base: int
    base_kind: BaseKind
    passed: bool
    result_index: int
    threshold: Decimal | None = None
    comparison: Comparison | None = None

    @property
    def percent(self) -> Fraction:
        """The exact percentage (7 of 14 → Fraction(50))."""
        return percent_of(self.votes, self.base)

    @property
    def percent_text(self) -> str:
        """The percentage as printed: "52,50"; near the threshold, with the decimals it takes
        to show the pass or fail ("29,995" for 602 of 2007 against from 30 %), see
        docgen.rules.votes.percent_text."""
        return percent_text(self.votes, self.base, self.threshold, self.comparison)


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
    head_choice_row: int | None = None
    """The "Kết quả" row (model index) where the head's choice is marked."""
    unit_reason: str = ""
    """"Lý do không đề nghị" on the deciding-step row: the unit does not propose them."""

    def at(self, step: int) -> StepOutcome | None:
        return next((s for s in self.steps if s.step == step), None)


@dataclass(frozen=True)
class RemovalVote:
    """A removal vote (phiếu đưa ra khỏi quy hoạch) on a person currently planned for a title.

    ``grounds``: the automatic-removal grounds they also meet (see ``AutoRemoval``); someone a
    vote did not remove but who meets one leaves the planning all the same.
    """

    cadre_index: int
    cadre: Cadre
    outcome: StepOutcome
    grounds: tuple[str, ...] = ()


@dataclass(frozen=True)
class AutoRemoval:
    """A person kept from earlier planning ("Chức danh đã quy hoạch") who meets an
    automatic-removal ground (Quy định 50-QĐ/TW, kept by 377-QĐ/TW; domain.md §3) and so leaves
    the planning of the title whatever a removal vote gave: ``grounds`` are Vietnamese phrases
    ("quá tuổi quy hoạch: còn 27 tháng, cần 72 tháng"), ``vote`` the removal vote held on them
    that did not remove them, if any."""

    cadre_index: int
    cadre: Cadre
    grounds: tuple[str, ...]
    vote: RemovalVote | None = None

    @property
    def ground(self) -> str:
        """The grounds as one phrase: "quá tuổi quy hoạch: …; bị kỷ luật: Khiển trách (2021)"."""
        return "; ".join(self.grounds)


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
    """Everything decided for one title.

    ``kept``: those planned before who stay (no removal vote passed, no automatic-removal
    ground); ``auto_removals``: those planned before who leave on a ground; ``removals``: every
    removal vote. ``complete``: counted through the deciding step (``deciding``), even when a
    tie at the last place still waits for the head (``waiting``).
    """

    title: Title
    title_index: int
    candidates: list[CandidateDecision] = field(default_factory=list)
    proposed: list[CandidateDecision] = field(default_factory=list)
    removals: list[RemovalVote] = field(default_factory=list)
    kept: list[Cadre] = field(default_factory=list)
    auto_removals: list[AutoRemoval] = field(default_factory=list)
    tie: Tie | None = None
    complete: bool = False
    deciding: int | None = None

    @property
    def removed(self) -> list[Cadre]:
        """Everyone who leaves the planning of the title: by the removal vote, then on an
        automatic-removal ground."""
        return [r.cadre for r in self.removals if r.outcome.passed] + [
            a.cadre for a in self.auto_removals
        ]

    @property
    def voted_out(self) -> list[RemovalVote]:
        """The removal votes that removed someone."""
        return [r for r in self.removals if r.outcome.passed]

    @property
    def waiting(self) -> bool:
        """A tie at the last place waits for the head's choice ("Người đứng đầu chọn")."""
        return self.tie is not None and not self.tie.resolved


@dataclass
class RoundDecision:
    """The decisions of a round. ``procedure`` is empty when the procedure name is unknown.

    Where the round stands: ``done_steps`` are the steps done (a preparation step whose
    conference row has a date or attendance; a voting step whose votes are entered, or a removal
    step held with nobody to vote on); ``current_step`` is the last of them in procedure order
    (None before any); ``next_step`` the step that comes next (None once every title is counted);
    ``counted_steps`` the voting steps whose votes are entered (their minutes can be written).
    ``complete``: every title counted through the deciding step; ``waiting``: complete, but a
    tie at the last place waits for the head's choice (``open_ties``); ``ready``: complete and
    nothing waits (the dossier can be written).
    """

    procedure_name: str
    procedure: tuple[ProcedureStep, ...]
    rules: RuleSet
    decided_on: date
    titles: list[TitleDecision]
    findings: list[Finding]
    conferences: dict[int, Conference]
    current_step: int | None
    next_step: int | None = None
    done_steps: frozenset[int] = frozenset()
    counted_steps: frozenset[int] = frozenset()

    @property
    def complete(self) -> bool:
        return bool(self.titles) and all(t.complete for t in self.titles)

    @property
    def open_ties(self) -> list[TitleDecision]:
        """The titles whose tie at the last place waits for the head's choice, in order."""
        return [t for t in self.titles if t.waiting]

    @property
    def waiting(self) -> bool:
        return self.complete and bool(self.open_ties)

    @property
    def ready(self) -> bool:
        return self.complete and not self.open_ties

    @property
    def progress(self) -> str:
        """Where the round stands, in a few words of the current language for `validate` and
        `status`: "complete", "waiting for the head's choice (tie for Phó Trưởng phòng)", "in
        progress (next: step 3, Hội nghị cán bộ chủ chốt)" ("đã xong", "chờ người đứng đầu lựa
        chọn (…)", "đang làm (bước tiếp theo: …)")."""
        if self.waiting:
            names = ", ".join(t.title.name for t in self.open_ties)
            return i18n.ngettext(
                "waiting for the head's choice (tie for {names})",
                "waiting for the head's choice (ties for {names})",
                len(self.open_ties),
            ).format(names=names)
        if self.complete:
            return i18n._("complete")
        step = self.step(self.next_step) if self.next_step is not None else None
        if step is None:
            return i18n._("in progress")
        name = self.conferences[step.number].name if step.number in self.conferences else None
        return i18n._("in progress (next: step {step}, {conference})").format(
            step=step.number, conference=name or step.conference
        )

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
    _place(decision, round_input)
    return decision


def _place(decision: RoundDecision, round_input: RoundInput) -> None:
    """Set where the round stands: the steps done and counted, the current and the next step
    (see ``RoundDecision``)."""
    counted = {r.step for r in round_input.results if r.votes_for is not None}
    with_rows = {r.step for r in round_input.results}
    done: set[int] = set()
    for step in decision.procedure:
        conference = decision.conferences.get(step.number)
        if step.kind == StepKind.PREPARATION:
            if conference is not None and (
                conference.date is not None
                or conference.convened is not None
                or conference.present is not None
            ):
                done.add(step.number)
        elif step.number in counted:
            done.add(step.number)
        elif (
            step.kind == StepKind.REMOVAL
            and step.number not in with_rows
            and conference is not None
            and conference.present is not None
        ):
            done.add(step.number)  # held, with nobody planned to vote on
    order = [s.number for s in decision.procedure]
    reached = [position for position, number in enumerate(order) if number in done]
    decision.done_steps = frozenset(done)
    decision.counted_steps = frozenset(
        s.number for s in decision.procedure if s.votes and s.number in done
    )
    decision.current_step = order[reached[-1]] if reached else None
    if decision.complete:
        decision.next_step = None
        return
    after = order[reached[-1] + 1 :] if reached else order
    following = after or [n for n in order if n not in done]
    decision.next_step = following[0] if following else None


def _outcome_at(
    step: ProcedureStep, conference: Conference | None, index: int, result: Result
) -> StepOutcome | None:
    if result.votes_for is None or conference is None or step.base is None:
        return None
    base = conference.base(step.base)
    if not base or step.threshold is None or step.comparison is None:
        return None
    passed = meets_threshold(result.votes_for, base, step.threshold, step.comparison)
    return StepOutcome(
        step.number,
        result.votes_for,
        base,
        step.base,
        passed,
        index,
        step.threshold,
        step.comparison,
    )


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

    # Those planned before: an automatic-removal ground removes them whatever the vote gave.
    before = [i for i, c in enumerate(cadres) if key in {fold_key(t) for t in c.planned_titles}]
    higher = _higher_titles(round_input.titles, title)
    grounds = {
        i: removal_grounds(cadres[i], title, info.round_kind, info.reference_date, rules, higher)
        for i in before
    }
    # Removal votes (step 1 of a review): those above the threshold leave the planning.
    for step in (s for s in steps if s.kind == StepKind.REMOVAL):
        for index, result, person in rows.get((step.number, key), []):
            outcome = _outcome_at(step, conferences.get(step.number), index, result)
            if outcome is not None:
                decision.removals.append(
                    RemovalVote(person, cadres[person], outcome, grounds.get(person, ()))
                )
    removed = {r.cadre_index for r in decision.removals if r.outcome.passed}
    for person in before:
        if person in removed:
            continue
        if grounds[person]:
            vote_held = next((r for r in decision.removals if r.cadre_index == person), None)
            auto = AutoRemoval(person, cadres[person], grounds[person], vote_held)
            decision.auto_removals.append(auto)
            findings.append(_auto_removal_finding(auto, title))
        else:
            decision.kept.append(cadres[person])

    nominations = [s for s in steps if s.kind == StepKind.NOMINATION]
    if not nominations:
        decision.complete = True
        return decision
    deciding = next((s for s in nominations if s.fills_quota), nominations[-1])
    decision.deciding = deciding.number
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
                if result.head_choice and not candidate.head_choice:
                    candidate.head_choice, candidate.head_choice_row = True, index
                if step is deciding and result.not_proposed_reason:
                    candidate.unit_reason = result.not_proposed_reason
                if position > 0 and (passers is None or person not in passers):
                    previous = nominations[position - 1].number
                    findings.append(
                        Finding(
                            "results",
                            index,
                            "person",
                            codes.message(
                                "E0502",
                                name=cadres[person].full_name,
                                step=step.number,
                                previous=previous,
                                title=title.name,
                            ),
                            expected=i18n._("only people who passed step {previous}").format(
                                previous=previous
                            ),
                            code="E0502",
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
                    codes.message(
                        "W0501",
                        name=candidate.cadre.full_name,
                        title=title.name,
                        reasons="; ".join(candidate.eligibility.reasons),
                    ),
                    hint=i18n._("docgen will not propose them"),
                    severity=Severity.WARNING,
                    code="W0501",
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
        elif candidate.unit_reason:
            candidate.outcome = Outcome.NOT_PROPOSED
            candidate.reason = candidate.unit_reason
    for candidate in decision.candidates:
        outcome = candidate.at(deciding.number)
        if candidate.unit_reason and outcome is not None and not outcome.passed:
            findings.append(
                Finding(
                    "results",
                    outcome.result_index,
                    "not_proposed_reason",
                    codes.message(
                        "W0502",
                        name=candidate.cadre.full_name,
                        step=deciding.number,
                        title=title.name,
                    ),
                    hint=i18n._("docgen does not propose them either way"),
                    severity=Severity.WARNING,
                    code="W0502",
                )
            )
    eligible = [c for c in final if c.outcome == Outcome.IN_PROGRESS]
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
            tied_rows = sorted(
                outcome.result_index
                for candidate in fill.tied
                if (outcome := candidate.at(deciding.number)) is not None
            )
            places = i18n.ngettext("{count} place", "{count} places", fill.places_left).format(
                count=fill.places_left
            )
            findings.append(
                Finding(
                    "results",
                    tied_rows[0],
                    "head_choice",
                    codes.message(
                        "W0503",
                        title=title.name,
                        step=deciding.number,
                        names=names,
                        votes=tie_votes,
                        places=places,
                    ),
                    expected=i18n._(
                        "“x” in “Người đứng đầu chọn” for exactly {count} of them"
                    ).format(count=fill.places_left),
                    found=i18n._("{count} marked").format(count=len(chosen)),
                    hint=i18n._(
                        "the head of the unit decides, docgen does not; the minutes can be "
                        "written meanwhile, the dossier waits"
                    ),
                    severity=Severity.WARNING,
                    cells=tuple(tied_rows),
                    code="W0503",
                )
            )
    for candidate in decision.candidates:
        if candidate.head_choice and (decision.tie is None or candidate not in decision.tie.tied):
            row = candidate.head_choice_row
            if decision.tie is None:
                code = "W0504"
                message = codes.message(code, name=candidate.cadre.full_name, title=title.name)
            else:
                code = "W0505"
                message = codes.message(
                    code,
                    name=candidate.cadre.full_name,
                    title=title.name,
                    tied=", ".join(c.cadre.full_name for c in decision.tie.tied),
                )
            findings.append(
                Finding(
                    "results", row, "head_choice", message, severity=Severity.WARNING, code=code
                )
            )
    return decision


def _higher_titles(titles: list[Title], title: Title) -> list[Title]:
    """The round's titles above ``title``: those naming it among their source positions,
    directly or through another title (Trưởng phòng ← Phó Trưởng phòng ← Chuyên viên)."""
    above: list[Title] = []
    frontier = [title]
    while frontier:
        lower = frontier.pop()
        for other in titles:
            if other is title or other in above:
                continue
            sources = [*other.source_1, *other.source_2]
            if any(position_matches(lower.name, source) for source in sources):
                above.append(other)
                frontier.append(other)
    return above


def _auto_removal_finding(auto: AutoRemoval, title: Title) -> Finding:
    """The warning for a person kept from earlier planning who leaves it on a ground."""
    voted = ""
    if auto.vote is not None:
        voted = i18n._(" (the removal vote did not remove them; the ground does)")
    return Finding(
        "cadres",
        auto.cadre_index,
        "planned_titles",
        codes.message(
            "W0506", name=auto.cadre.full_name, title=title.name, ground=auto.ground, voted=voted
        ),
        hint=i18n._(
            "an automatic-removal ground (Quy định 50-QĐ/TW): docgen removes them from planning "
            "on that ground, and the summary table and the submission say so"
        ),
        severity=Severity.WARNING,
        title=title.name,
        code="W0506",
    )


def _eligible(candidate: CandidateDecision) -> bool:
    return candidate.eligibility is None or candidate.eligibility.eligible


def _limit_findings(
    round_input: RoundInput, titles: list[TitleDecision], rules: RuleSet
) -> list[Finding]:
    """At most 3 people per title and 3 titles per person (Quy định 50-QĐ/TW, Điều 3; 377)."""
    findings: list[Finding] = []
    per_person: dict[int, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    proposals: dict[int, list[int]] = defaultdict(list)
    for index, cadre in enumerate(round_input.cadres):
        per_person[index] |= {fold_key(t) for t in cadre.planned_titles}
        names.update({fold_key(t): t for t in cadre.planned_titles})
    for decision in titles:
        title = decision.title
        if title.quota > rules.max_people_per_title:
            findings.append(
                Finding(
                    "titles",
                    decision.title_index,
                    "quota",
                    codes.message("E0503", title=title.name, rules=rules.name),
                    expected=i18n._("at most {count}").format(count=rules.max_people_per_title),
                    found=str(title.quota),
                    code="E0503",
                )
            )
        total = len(decision.kept) + len(decision.proposed)
        if decision.complete and total > rules.max_people_per_title:
            findings.append(
                Finding(
                    "titles",
                    decision.title_index,
                    "quota",
                    codes.message(
                        "E0504",
                        title=title.name,
                        total=total,
                        kept=len(decision.kept),
                        proposed=len(decision.proposed),
                    ),
                    expected=i18n._("at most {count} per title ({rules})").format(
                        count=rules.max_people_per_title, rules=rules.name
                    ),
                    found=str(total),
                    hint=i18n._("lower Số lượng or remove people from the current planning"),
                    code="E0504",
                )
            )
        leaving = [r.cadre_index for r in decision.voted_out]
        leaving += [a.cadre_index for a in decision.auto_removals]
        for person in leaving:
            per_person[person].discard(fold_key(title.name))
        for candidate in decision.proposed:
            per_person[candidate.cadre_index].add(fold_key(title.name))
            names[fold_key(title.name)] = title.name
            proposals[candidate.cadre_index].append(candidate.steps[-1].result_index)
    limit = rules.max_titles_per_person
    for index, planned in per_person.items():
        if len(planned) <= limit:
            continue
        name = round_input.cadres[index].full_name
        listed = ", ".join(names.get(key, key) for key in sorted(planned))
        message = codes.message("E0505", name=name, count=len(planned), titles=listed)
        expected = i18n._("at most {count} titles per person ({rules})").format(
            count=limit, rules=rules.name
        )
        if not proposals[index]:
            findings.append(
                Finding(
                    "cadres",
                    index,
                    "planned_titles",
                    message,
                    expected=expected,
                    found=str(len(planned)),
                    hint=i18n._(
                        "correct “Chức danh đã quy hoạch”, or hold a removal vote on the titles "
                        "the unit no longer plans them for"
                    ),
                    code="E0505",
                )
            )
            continue
        # One error per deciding-step row proposing them: where the unit writes its reason.
        for row in proposals[index]:
            findings.append(
                Finding(
                    "results",
                    row,
                    "not_proposed_reason",
                    message,
                    expected=expected,
                    found=str(len(planned)),
                    hint=i18n._(
                        "write the reason in “Lý do không đề nghị” on the deciding-step row of "
                        "the titles the unit does not propose"
                    ),
                    code="E0505",
                )
            )
    return findings
