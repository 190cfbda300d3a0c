"""The audit record (decisions.json): every fact an inspector needs to recompute the outcomes.

domain.md §7: the record stands alone, without the workbook. It holds the procedure as applied
(each step's kind, threshold as an exact decimal, comparison, base, quota step, per-ballot limit,
attendance minimum as a fraction), each conference's counts (preparation steps included), each
candidate's votes per step (for, against, the head's mark), the eligibility inputs (birth date as
given with its precision, sex, reference date, retirement month, months remaining and required,
object and source position matched), the rule set applied and the date that selected it, each
person's unique code, the input's SHA-256, the docgen version, and the outcomes with their
reasons (the unit's "Lý do không đề nghị" included), quotas and ties, and for everyone planned
before the round whether they stay, with the automatic-removal grounds they meet (domain.md §3).

The record is built through the pydantic models below; they are the single source of its JSON
Schema (``record_schema``, printed by ``docgen schema --record`` and published as
``docs/decisions.schema.json``).

Exact values: thresholds are decimal strings ("50", "66.67"), attendance minimums and percentages
are fractions as strings ("2/3", "250/3": 25 of 30 is 250/3 %), so nothing is rounded; the
percentage as the papers print it is kept beside, as ``percent_text``. Dates are ISO
(yyyy-mm-dd), months yyyy-mm; a birth or reference date is also kept as given (dd/mm/yyyy,
mm/yyyy or yyyy) with its precision.

People's codes: the workbook's Mã cán bộ; when it is empty, ``auto-`` and the first 8 hex digits
of the SHA-256 of "<name>|<birth date as given>" (the name in Unicode NFC, case-folded, with
runs of white space made one space and trimmed): stable when rows move or other columns change.
A code already taken (by the workbook or an earlier row) gets ``-2``, ``-3``… in sheet order.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from docgen import __version__
from docgen.contract import CUSTOM_PROCEDURE
from docgen.decide import CandidateDecision, Outcome, RoundDecision, StepOutcome, TitleDecision
from docgen.models import (
    Cadre,
    Comparison,
    Conference,
    ProcedureStep,
    Result,
    RoundInput,
    RoundKind,
    Title,
)
from docgen.rules.eligibility import Eligibility, check_eligibility, position_matches
from docgen.rules.retirement import retirement_month
from docgen.rules.rulesets import RuleSet
from docgen.values import PartialDate
from docgen.vietnamese import fold_key

if TYPE_CHECKING:
    from docgen.render import Paper
    from docgen.validate import Validated

__all__ = [
    "RECORD_VERSION",
    "DecisionsRecord",
    "decisions_record",
    "build_record",
    "record_schema",
    "person_codes",
    "derived_code",
]

RECORD_VERSION: Literal[2] = 2
"""Version of the record's shape: 2 since issue 10 (procedure, conferences, people, rule set)."""

BaseName = Literal["convened", "present", "valid"]
Precision = Literal["day", "month", "year"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InputFile(_Record):
    """The input the record was made from."""

    file: str = Field(description="The input's file name (no folder)")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the input's bytes")


class GivenDate(_Record):
    """A date as the input gives it, with its precision and the month docgen counts from."""

    given: str = Field(description="As given: dd/mm/yyyy, mm/yyyy or yyyy")
    precision: Precision = Field(description="What the input knows: the day, the month or the year")
    month: str = Field(
        pattern=r"^\d{4}-\d{2}$",
        description="The month counted (yyyy-mm): January when only the year is known",
    )


class RoundFacts(_Record):
    """The round's settings that the decisions depend on."""

    issuer_kind: Literal["party", "state"]
    round_kind: Literal["review", "next_term"]
    term: str = Field(description="Nhiệm kỳ planned, yyyy-yyyy")
    reference_date: GivenDate = Field(
        description="Ngày tính tuổi: the date remaining working time is counted to"
    )
    submission_date: date | None = Field(description="Ngày tờ trình, when given")


class RuleSetApplied(_Record):
    """The rule set applied, why it was chosen, and the values of it the outcomes use."""

    name: str
    effective_from: date = Field(description="The day the rule set took effect")
    selected_on: date = Field(
        description="The date that selected it: the rule set in force on this day is applied"
    )
    selected_by: Literal["submission_date", "last_conference_date", "reference_date"] = Field(
        description="Where selected_on comes from: the submission's date, else the last "
        "conference's, else the reference date"
    )
    review_months: int = Field(description="Months of working time a review requires")
    object_1_months: int = Field(description="Months required of object 1 in a next-term round")
    object_2_months: int = Field(description="Months required of object 2")
    max_people_per_title: int
    max_titles_per_person: int


class StepRule(_Record):
    """One procedure step as applied."""

    number: int
    conference: str
    kind: Literal["nomination", "removal", "preparation"]
    form: Literal["secret", "open"]
    threshold: str | None = Field(
        pattern=r"^\d+(\.\d+)?$",
        description='Percent, exact decimal ("50", "66.67"); null on a preparation step',
    )
    comparison: Literal[">", ">="] | None = Field(
        description="> (trên: strictly greater) or >= (từ … trở lên)"
    )
    base: BaseName | None = Field(
        description="The denominator: people convened, present, or valid ballots"
    )
    fills_quota: bool = Field(
        description="The deciding step: fills each title's quota from the top"
    )
    max_per_ballot: int | None = Field(
        description="Names a ballot may mark per title; null: no limit"
    )
    min_attendance: str | None = Field(
        pattern=r"^\d+(/\d+)?$",
        description='Share of those convened who must be present, as a fraction ("2/3"); null: no check',
    )
    combined_ballot: bool = Field(description="One ballot covers every title at this step")


class ProcedureApplied(_Record):
    """The procedure the round ran: its name and steps in order."""

    name: str
    custom: bool = Field(description="True when the steps come from the workbook's Quy trình sheet")
    steps: list[StepRule]


class ConferenceCounts(_Record):
    """One conference held (a row of "Hội nghị"), with its counts; null where not given."""

    step: int
    name: str = Field(description="The conference's name, or its procedure step's")
    date: date | None
    convened: int | None = Field(description="Triệu tập")
    present: int | None = Field(description="Có mặt")
    absent: int | None = Field(description="convened − present (derived)")
    absent_with_reason: int | None = Field(description="Vắng có lý do")
    absent_without_reason: int | None = Field(description="absent − absent with reason (derived)")
    ballots_issued: int | None
    ballots_returned: int | None
    ballots_valid: int | None
    ballots_invalid: int | None


class Person(_Record):
    """One person of "Cán bộ", with the inputs of their eligibility."""

    code: str = Field(description="Unique in the record: Mã cán bộ, or derived (code_from)")
    code_from: Literal["workbook", "derived"]
    name: str
    birth_date: GivenDate
    sex: Literal["male", "female"]
    position: str
    unit: str | None
    planned_titles: list[str] = Field(description="Titles planned before this round")
    discipline: str | None
    retirement_month: str = Field(
        pattern=r"^\d{4}-\d{2}$",
        description="Month the retirement age is reached (Nghị định 135/2020/NĐ-CP), yyyy-mm",
    )
    remaining_months: int = Field(
        description="retirement month − reference month, in months (may be negative)"
    )


class EligibilityFacts(_Record):
    """Whether a person may be planned for a title, with the inputs of the months condition."""

    object: int | None = Field(description="1, 2, or null when the position is no source")
    source_matched: str | None = Field(
        description="The title's source position the person's position falls under; null when "
        "the title names no sources or none matches"
    )
    remaining_months: int
    required_months: int
    required_by: Literal["review_months", "object_1_months", "object_2_months"] = Field(
        description="Which value of the rule set required_months is"
    )
    eligible: bool
    reasons: list[str] = Field(description="Why not, as printed; empty when eligible")


class StepVotes(_Record):
    """One candidate's count at one voting step (a row of "Kết quả"), and whether it passed."""

    step: int
    votes: int = Field(description="Đồng ý: votes for")
    votes_against: int | None = Field(description="Không đồng ý, when given")
    head_choice: bool = Field(description="The row's “Người đứng đầu chọn” mark")
    not_proposed_reason: str | None = Field(
        description="The row's “Lý do không đề nghị”: on the deciding step, the unit does not "
        "propose the person although the count would; the next in rank takes the place"
    )
    base: int = Field(description="The step's base at its conference")
    base_kind: BaseName
    percent: str = Field(description='Exact percentage, a fraction ("250/3")')
    percent_text: str = Field(description='As printed ("83,33")')
    passed: bool


class CandidateRecord(_Record):
    """A person voted on for a title: votes per step, outcome and why."""

    name: str
    code: str
    steps: list[StepVotes]
    outcome: str = Field(json_schema_extra={"enum": list(Outcome.LABELS)})
    outcome_label: str
    reason: str
    eligibility: EligibilityFacts | None

    @field_validator("outcome")
    @classmethod
    def _known_outcome(cls, value: str) -> str:
        if value not in Outcome.LABELS:
            raise ValueError(f"unknown outcome {value!r}")
        return value


class RemovalVoteRecord(_Record):
    """A removal vote on a person planned for the title."""

    name: str
    code: str
    step: int
    votes: int = Field(description="Votes for removal")
    votes_against: int | None
    base: int
    base_kind: BaseName
    percent: str
    percent_text: str
    removed: bool


class PlannedBefore(_Record):
    """A person planned for the title before this round ("Chức danh đã quy hoạch"): whether
    they stay, and the inputs of the automatic-removal grounds (domain.md §3)."""

    name: str
    code: str
    object: int | None = Field(description="1, 2, or null when the position is no source")
    remaining_months: int
    required_months: int = Field(
        description="Months the round requires of them: less left is past the planning age"
    )
    required_by: Literal["review_months", "object_1_months", "object_2_months"]
    grounds: list[str] = Field(
        description="Automatic-removal grounds met, as printed: past the planning age, "
        "disciplined at khiển trách or above, already holding the title or a higher one"
    )
    result: Literal["kept", "removed_by_vote", "removed_on_ground"] = Field(
        description="kept; removed by the removal vote; or removed on a ground whatever the "
        "vote gave"
    )


class TieRecord(_Record):
    """Several people share the last place's votes at the deciding step."""

    step: int
    votes: int
    base: int
    places: int = Field(description="Places left for the tied people")
    tied: list[str]
    tied_codes: list[str]
    chosen_by_head: list[str]
    chosen_codes: list[str]
    resolved: bool


class TitleRecord(_Record):
    """Everything decided for one title; people lists by name and, in the same order, code."""

    title: str
    quota: int = Field(description="How many this round may propose")
    source_1: list[str]
    source_2: list[str]
    proposed: list[str]
    proposed_codes: list[str]
    removed: list[str] = Field(
        description="Those who leave the planning: by the removal vote, then on a ground"
    )
    removed_codes: list[str]
    kept: list[str]
    kept_codes: list[str]
    removal_votes: list[RemovalVoteRecord]
    planned_before: list[PlannedBefore] = Field(
        description="Everyone planned for the title before this round, in sheet order"
    )
    tie: TieRecord | None
    candidates: list[CandidateRecord]


class DocumentEntry(_Record):
    file: str
    title: str
    template: str


class DecisionsRecord(_Record):
    """decisions.json: the audit record of a round's decisions (domain.md §7)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="docgen decisions.json",
        json_schema_extra={
            "$schema": "https://json-schema.org/draft/2020-12/schema",
        },
    )

    record_version: Literal[2]
    docgen_version: str
    input: InputFile
    round: RoundFacts
    rule_set: RuleSetApplied
    procedure: ProcedureApplied
    conferences: list[ConferenceCounts]
    people: list[Person]
    complete: bool
    titles: list[TitleRecord]
    documents: list[DocumentEntry]
    warnings: list[str]


def record_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of decisions.json, from ``DecisionsRecord``."""
    return DecisionsRecord.model_json_schema(mode="serialization")


# --- people's codes ------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def derived_code(cadre: Cadre) -> str:
    """The code docgen gives a person without Mã cán bộ: ``auto-`` + 8 hex digits of the
    SHA-256 of "<name folded>|<birth date as given>" (see the module docstring)."""
    name = _SPACES.sub(" ", unicodedata.normalize("NFC", cadre.full_name)).strip().casefold()
    digest = hashlib.sha256(f"{name}|{cadre.birth_date}".encode()).hexdigest()
    return f"auto-{digest[:8]}"


def person_codes(cadres: list[Cadre]) -> list[tuple[str, bool]]:
    """Each person's unique code and whether the workbook gave it, in sheet order.

    Codes are compared case-folded; a taken code gets -2, -3… (see the module docstring).
    """
    taken = {c.code.casefold() for c in cadres if c.code}
    seen: set[str] = set()
    codes: list[tuple[str, bool]] = []
    for cadre in cadres:
        given = bool(cadre.code)
        code = cadre.code if cadre.code else derived_code(cadre)
        assert code is not None
        candidate, number = code, 1
        while candidate.casefold() in seen or (not given and candidate.casefold() in taken):
            number += 1
            candidate = f"{code}-{number}"
        seen.add(candidate.casefold())
        codes.append((candidate, given))
    return codes


# --- building the record -------------------------------------------------------------------------


def _month(index: int) -> str:
    year, month = divmod(index, 12)
    return f"{year:04d}-{month + 1:02d}"


def _given(value: PartialDate) -> GivenDate:
    precision: Precision = (
        "year" if value.month is None else "month" if value.day is None else "day"
    )
    return GivenDate(given=str(value), precision=precision, month=_month(value.month_index()))


def _decimal(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _step_rule(step: ProcedureStep) -> StepRule:
    comparison: Literal[">", ">="] | None = None
    if step.comparison is not None:
        comparison = ">" if step.comparison == Comparison.GREATER else ">="
    return StepRule(
        number=step.number,
        conference=step.conference,
        kind=step.kind.value,
        form=step.form.value,
        threshold=None if step.threshold is None else _decimal(step.threshold),
        comparison=comparison,
        base=None if step.base is None else step.base.value,
        fills_quota=step.fills_quota,
        max_per_ballot=step.max_per_ballot,
        min_attendance=None if step.min_attendance is None else str(step.min_attendance),
        combined_ballot=step.combined_ballot,
    )


def _difference(left: int | None, right: int | None) -> int | None:
    return None if left is None or right is None else left - right


def _conference(conference: Conference, step: ProcedureStep | None) -> ConferenceCounts:
    absent = _difference(conference.convened, conference.present)
    return ConferenceCounts(
        step=conference.step,
        name=conference.name or (step.conference if step else ""),
        date=conference.date,
        convened=conference.convened,
        present=conference.present,
        absent=absent,
        absent_with_reason=conference.absent_with_reason,
        absent_without_reason=_difference(absent, conference.absent_with_reason),
        ballots_issued=conference.ballots_issued,
        ballots_returned=conference.ballots_returned,
        ballots_valid=conference.ballots_valid,
        ballots_invalid=conference.ballots_invalid,
    )


def _selected_by(
    round_input: RoundInput,
) -> Literal["submission_date", "last_conference_date", "reference_date"]:
    """Which date picked the rule set (docgen.decide.round_date takes them in this order)."""
    if round_input.info.submission_date:
        return "submission_date"
    if any(c.date for c in round_input.conferences):
        return "last_conference_date"
    return "reference_date"


def _source_matched(cadre: Cadre, title: Title, obj: int | None) -> str | None:
    sources = {1: title.source_1, 2: title.source_2}.get(obj or 0, [])
    return next((s for s in sources if position_matches(cadre.position, s)), None)


RequiredBy = Literal["review_months", "object_1_months", "object_2_months"]


def _required_by(obj: int | None, round_kind: RoundKind) -> RequiredBy:
    """Which rule-set value the months condition uses (docgen.rules.eligibility)."""
    if obj == 2:
        return "object_2_months"
    return "review_months" if round_kind == RoundKind.REVIEW else "object_1_months"


def _eligibility(
    cadre: Cadre, title: Title, round_kind: RoundKind, facts: Eligibility
) -> EligibilityFacts:
    required_by = _required_by(facts.object, round_kind)
    return EligibilityFacts(
        object=facts.object,
        source_matched=_source_matched(cadre, title, facts.object),
        remaining_months=facts.remaining,
        required_months=facts.required,
        required_by=required_by,
        eligible=facts.eligible,
        reasons=list(facts.reasons),
    )


def _row(round_input: RoundInput, outcome: StepOutcome) -> Result:
    return round_input.results[outcome.result_index]


def _step_votes(round_input: RoundInput, outcome: StepOutcome) -> StepVotes:
    row = _row(round_input, outcome)
    return StepVotes(
        step=outcome.step,
        votes=outcome.votes,
        votes_against=row.votes_against,
        head_choice=row.head_choice,
        not_proposed_reason=row.not_proposed_reason,
        base=outcome.base,
        base_kind=outcome.base_kind.value,
        percent=str(outcome.percent),
        percent_text=outcome.percent_text,
        passed=outcome.passed,
    )


def _candidate(
    round_input: RoundInput, title: Title, candidate: CandidateDecision, codes: list[str]
) -> CandidateRecord:
    return CandidateRecord(
        name=candidate.cadre.full_name,
        code=codes[candidate.cadre_index],
        steps=[_step_votes(round_input, s) for s in candidate.steps],
        outcome=candidate.outcome,
        outcome_label=Outcome.LABELS[candidate.outcome],
        reason=candidate.reason,
        eligibility=None
        if candidate.eligibility is None
        else _eligibility(
            candidate.cadre, title, round_input.info.round_kind, candidate.eligibility
        ),
    )


def _planned_before(
    round_input: RoundInput, title: TitleDecision, rules: RuleSet, codes: list[str]
) -> list[PlannedBefore]:
    info = round_input.info
    key = fold_key(title.title.name)
    voted = {r.cadre_index: r for r in title.removals if r.outcome.passed}
    grounds = {a.cadre_index: a.grounds for a in title.auto_removals}
    entries = []
    for index, cadre in enumerate(round_input.cadres):
        if key not in {fold_key(t) for t in cadre.planned_titles}:
            continue
        facts = check_eligibility(cadre, title.title, info.round_kind, info.reference_date, rules)
        if index in voted:
            result: Literal["kept", "removed_by_vote", "removed_on_ground"] = "removed_by_vote"
            met = voted[index].grounds
        elif index in grounds:
            result, met = "removed_on_ground", grounds[index]
        else:
            result, met = "kept", ()
        entries.append(
            PlannedBefore(
                name=cadre.full_name,
                code=codes[index],
                object=facts.object,
                remaining_months=facts.remaining,
                required_months=facts.required,
                required_by=_required_by(facts.object, info.round_kind),
                grounds=list(met),
                result=result,
            )
        )
    return entries


def _title(
    round_input: RoundInput, title: TitleDecision, rules: RuleSet, codes: list[str]
) -> TitleRecord:
    index = {id(c): i for i, c in enumerate(round_input.cadres)}

    def code_of(cadre: Cadre) -> str:
        return codes[index[id(cadre)]]

    tie = None
    if title.tie is not None:
        tie = TieRecord(
            step=title.tie.step,
            votes=title.tie.votes,
            base=title.tie.base,
            places=title.tie.places,
            tied=[c.cadre.full_name for c in title.tie.tied],
            tied_codes=[codes[c.cadre_index] for c in title.tie.tied],
            chosen_by_head=[c.cadre.full_name for c in title.tie.chosen],
            chosen_codes=[codes[c.cadre_index] for c in title.tie.chosen],
            resolved=title.tie.resolved,
        )
    removal_votes = []
    for removal in title.removals:
        outcome = removal.outcome
        removal_votes.append(
            RemovalVoteRecord(
                name=removal.cadre.full_name,
                code=codes[removal.cadre_index],
                step=outcome.step,
                votes=outcome.votes,
                votes_against=_row(round_input, outcome).votes_against,
                base=outcome.base,
                base_kind=outcome.base_kind.value,
                percent=str(outcome.percent),
                percent_text=outcome.percent_text,
                removed=outcome.passed,
            )
        )
    return TitleRecord(
        title=title.title.name,
        quota=title.title.quota,
        source_1=list(title.title.source_1),
        source_2=list(title.title.source_2),
        proposed=[c.cadre.full_name for c in title.proposed],
        proposed_codes=[codes[c.cadre_index] for c in title.proposed],
        removed=[c.full_name for c in title.removed],
        removed_codes=[code_of(c) for c in title.removed],
        kept=[c.full_name for c in title.kept],
        kept_codes=[code_of(c) for c in title.kept],
        removal_votes=removal_votes,
        planned_before=_planned_before(round_input, title, rules, codes),
        tie=tie,
        candidates=[_candidate(round_input, title.title, c, codes) for c in title.candidates],
    )


def build_record(
    round_input: RoundInput,
    decision: RoundDecision,
    source: InputFile,
    documents: list[DocumentEntry],
    warnings: list[str],
) -> DecisionsRecord:
    """The audit record of ``decision``, made on ``round_input`` read from ``source``.

    ``documents`` are the papers written with it, in order; ``warnings`` the validation
    warnings as printed. Pure: no I/O.
    """
    info = round_input.info
    reference = info.reference_date.month_index()
    code_list = person_codes(round_input.cadres)
    codes = [code for code, _ in code_list]
    people = []
    for cadre, (code, given) in zip(round_input.cadres, code_list, strict=True):
        retires = retirement_month(cadre.birth_date, cadre.gender)
        people.append(
            Person(
                code=code,
                code_from="workbook" if given else "derived",
                name=cadre.full_name,
                birth_date=_given(cadre.birth_date),
                sex=cadre.gender.value,
                position=cadre.position,
                unit=cadre.unit,
                planned_titles=list(cadre.planned_titles),
                discipline=cadre.discipline,
                retirement_month=_month(retires),
                remaining_months=retires - reference,
            )
        )
    rules = decision.rules
    return DecisionsRecord(
        record_version=RECORD_VERSION,
        docgen_version=__version__,
        input=source,
        round=RoundFacts(
            issuer_kind=info.issuer_kind.value,
            round_kind=info.round_kind.value,
            term=info.term,
            reference_date=_given(info.reference_date),
            submission_date=info.submission_date,
        ),
        rule_set=RuleSetApplied(
            name=rules.name,
            effective_from=rules.effective_from,
            selected_on=decision.decided_on,
            selected_by=_selected_by(round_input),
            review_months=rules.review_months,
            object_1_months=rules.object_1_months,
            object_2_months=rules.object_2_months,
            max_people_per_title=rules.max_people_per_title,
            max_titles_per_person=rules.max_titles_per_person,
        ),
        procedure=ProcedureApplied(
            name=decision.procedure_name,
            custom=fold_key(decision.procedure_name) == fold_key(CUSTOM_PROCEDURE),
            steps=[_step_rule(s) for s in decision.procedure],
        ),
        conferences=[
            _conference(c, decision.step(c.step))
            for c in sorted(decision.conferences.values(), key=lambda c: c.step)
        ],
        people=people,
        complete=decision.complete,
        titles=[_title(round_input, t, rules, codes) for t in decision.titles],
        documents=documents,
        warnings=warnings,
    )


def decisions_record(
    validated: Validated, decision: RoundDecision, documents: list[Paper]
) -> dict[str, Any]:
    """The audit record written as decisions.json, as plain JSON data (``DecisionsRecord``).

    ``validated`` is the validation run (its model must be set); ``documents`` the dossier's
    papers in order.

    Raises:
        ValueError: when ``validated`` has no model (nothing was read).
    """
    loaded = validated.loaded
    if validated.model is None:
        raise ValueError("the audit record needs a loaded round")
    path = str(loaded.path)
    record = build_record(
        validated.model,
        decision,
        InputFile(file=loaded.path.name, sha256=loaded.sha256),
        [DocumentEntry(file=d.file_name, title=d.title, template=d.template) for d in documents],
        # Locations name the input by its file name: the record must not depend on where it ran.
        [str(p).replace(path, loaded.path.name) for p in validated.report.warnings],
    )
    return record.model_dump(mode="json")
