"""Validate: a loaded round → every problem, located, plus the decisions when they can be made.

Checks the procedure, references between sheets, every counting invariant of domain.md §4,
conference validity (attendance), impossible dates (a birth after the reference date, a round
date far from it), and the rule findings of ``decide`` (eligibility, ties, the 3-per-title /
3-titles-per-person limits). A round still in progress (later steps empty) is valid.

Every problem at once: the checks run on the rows that parsed even when others did not
(``SourceMap.unparsed``), and skip what only follows from a row left out or a value reported as
impossible (a result naming a person whose row failed is not also "unknown"; a title whose rows
are incomplete gets no tie or quota finding).
"""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from docgen.codes import message as code_message
from docgen.contract import CUSTOM_PROCEDURE
from docgen.decide import Finding, Roster, RoundDecision, decide, round_date
from docgen.errors import Problem, Report, Severity
from docgen.i18n import N_, _
from docgen.load import LoadedRound, SourceMap, Unparsed, load_round
from docgen.models import BaseKind, Conference, RoundInput, StepKind
from docgen.procedures import builtin_procedures, procedure_name, round_procedure
from docgen.rules.rulesets import RulesError, superseded_citations
from docgen.values import PartialDate, parse_count, quoted
from docgen.vietnamese import fold_key

__all__ = ["Validated", "validate_round", "validate_path"]


@dataclass
class Validated:
    """The outcome of validation: the load, every problem, and the decisions (None when the
    input could not be decided on)."""

    loaded: LoadedRound
    report: Report
    decision: RoundDecision | None

    @property
    def model(self) -> RoundInput | None:
        return self.loaded.model


def validate_path(path: Path) -> Validated:
    """Load and validate the round at ``path``; never raises for bad input.

    The decision is made even when loading found errors (from the rows that parsed), but it is
    only meant for use when ``report.ok``.
    """
    loaded = load_round(path)
    report = Report(list(loaded.report.problems))
    if loaded.model is None:
        return Validated(loaded, report, None)
    decision = validate_round(loaded.model, loaded.source, report)
    return Validated(loaded, report, decision)


_MESSAGE_LENGTH = 300
_FOUND_LENGTH = 120


def _clip(text: str, limit: int, *, value: bool = False) -> str:
    """``text`` cut to ``limit`` characters, so that a huge name or title never fills a
    message; a cut ``value`` (what was found) says its full length, a cut sentence ends in "…"."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)" if value else f"{text[:limit]}…"


ALL_TITLES = "*"
"""In ``_Scope.tainted``: every title (a conference or procedure row is unusable)."""

_PROCEDURE_FIELDS = {"round_kind", "procedure"}
_DECISION_FIELDS = {"round_kind", "procedure", "reference_date", "submission_date"}
_DATE_WINDOW_YEARS = 10


@dataclass
class _Scope:
    """What the checks may trust, from what loading left out (``Unparsed``) and what the
    checks themselves found impossible."""

    unparsed: Unparsed
    people: set[str] = field(default_factory=set)
    any_person: bool = False
    titles: set[str] = field(default_factory=set)
    any_title: bool = False
    conference_steps: set[int] = field(default_factory=set)
    any_conference: bool = False
    steps_known: bool = True
    tainted: set[str] = field(default_factory=set)
    bad_people: set[int] = field(default_factory=set)
    bad_conferences: set[int] = field(default_factory=set)
    """Steps whose conference has impossible counts: never a base for the votes' checks."""

    @classmethod
    def of(cls, round_input: RoundInput, unparsed: Unparsed) -> _Scope:
        scope = cls(unparsed)
        scope.people, scope.any_person = unparsed.names("cadres", "full_name", "code")
        scope.titles, scope.any_title = unparsed.names("titles", "name")
        steps, scope.any_conference = unparsed.raw_values("conferences", "step")
        for value in steps:
            try:
                scope.conference_steps.add(parse_count(value))
            except ValueError:
                scope.any_conference = True
        if scope.any_conference or scope.conference_steps or unparsed.missing:
            scope.tainted.add(ALL_TITLES)
        if unparsed.info_fields & _PROCEDURE_FIELDS or (
            unparsed.rows.get("procedure_steps")
            and fold_key(procedure_name(round_input)) == fold_key(CUSTOM_PROCEDURE)
        ):
            scope.steps_known = False
        titles, unknown = unparsed.names("results", "title")
        scope.tainted |= titles
        if unknown:
            scope.tainted.add(ALL_TITLES)
        return scope

    @property
    def decides(self) -> bool:
        """Whether decide's findings can be trusted at all (the procedure and dates parsed)."""
        return self.steps_known and not self.unparsed.info_fields & _DECISION_FIELDS

    def unchecked_person(self, reference: str) -> bool:
        """A reference that may name a person whose row failed to parse."""
        return self.any_person or fold_key(reference) in self.people

    def unchecked_title(self, name: str) -> bool:
        return self.any_title or fold_key(name) in self.titles

    def unchecked_conference(self, step: int) -> bool:
        return self.any_conference or step in self.conference_steps

    def taints(self, title: str) -> bool:
        return ALL_TITLES in self.tainted or fold_key(title) in self.tainted


def validate_round(
    round_input: RoundInput, source: SourceMap, report: Report
) -> RoundDecision | None:
    """Add every problem of ``round_input`` to ``report``; return the decisions if made.

    ``source.unparsed`` says which rows and fields loading left out: checks that would only
    repeat their problem are skipped, and the decision's findings about titles they touch are
    left out. Returns None when the procedure or the dates that decide the round are unknown.
    """
    scope = _Scope.of(round_input, source.unparsed)
    findings = list(_check(round_input, scope))
    decision = None
    info_errors = any(f.severity == Severity.ERROR and f.collection == "info" for f in findings)
    if scope.decides and not info_errors:
        try:
            decision = decide(round_input)
        except RulesError as exc:
            findings.append(Finding("info", None, "submission_date", str(exc)))
        else:
            findings += [f for f in decision.findings if _trusted(f, round_input, scope)]
    # One error per cell: a cell loading already reported (a formula without a saved value, a
    # merged cell) gets no second error that only follows from its value being missing.
    reported = {p.location for p in report.problems if p.severity == Severity.ERROR}
    for finding in findings:
        location = source.locate(finding.collection, finding.index, finding.field)
        if finding.severity == Severity.ERROR and location.column and location in reported:
            continue
        expected = finding.expected
        if finding.cells:
            expected += f" ({_cells(source, finding)})"
        report.add(
            Problem(
                location,
                _clip(finding.message, _MESSAGE_LENGTH),
                expected=_clip(expected, _MESSAGE_LENGTH),
                found=_clip(finding.found, _FOUND_LENGTH, value=True),
                hint=_clip(finding.hint, _MESSAGE_LENGTH),
                severity=finding.severity,
                code=finding.code,
            )
        )
    return decision


def _cells(source: SourceMap, finding: Finding) -> str:
    """The cells a finding asks to fill: "cells G26, G27" in a workbook, "rows 26, 27" in
    YAML/JSON."""
    located = [source.locate(finding.collection, i, finding.field) for i in finding.cells]
    letters = [loc.column.split(" ")[0] for loc in located]
    if all(letter.isalpha() and letter.isupper() for letter in letters):
        return _("cells {cells}").format(
            cells=", ".join(f"{c}{loc.row}" for c, loc in zip(letters, located, strict=True))
        )
    return _("rows {rows}").format(rows=", ".join(str(loc.row) for loc in located))


def _trusted(finding: Finding, round_input: RoundInput, scope: _Scope) -> bool:
    """False for a finding of ``decide`` that may only follow from a row left out or a value
    reported as impossible."""
    blocking = finding.severity == Severity.ERROR or finding.field == "head_choice"
    if finding.collection == "results" and finding.index is not None:
        result = round_input.results[finding.index]
        if blocking and scope.taints(result.title):
            return False
        if not scope.bad_people:
            return True
        person, _found, _why = Roster(round_input.cadres).resolve(result.person)
        return person not in scope.bad_people
    if finding.collection == "titles" and finding.index is not None:
        return not (blocking and scope.taints(round_input.titles[finding.index].name))
    if finding.collection == "cadres":
        if finding.index in scope.bad_people:
            return False
        if finding.title:
            return not scope.taints(finding.title)
        return finding.severity != Severity.ERROR or not scope.tainted
    return True


def _error(
    collection: str,
    index: int | None,
    field: str,
    message: str,
    expected: str = "",
    found: str = "",
    hint: str = "",
    code: str = "",
) -> Finding:
    return Finding(collection, index, field, message, expected, found, hint, code=code)


def _coded(
    code: str,
    collection: str,
    index: int | None,
    field: str,
    /,
    *,
    expected: str = "",
    found: str = "",
    hint: str = "",
    **params: object,
) -> Finding:
    """The finding of ``code`` (docgen.codes): its message in the current language, formatted
    with ``params``; an error for an E code, a warning for a W code. ``expected``, ``found`` and
    ``hint`` are given already translated. Raises KeyError for an unknown code."""
    severity = Severity.ERROR if code.startswith("E") else Severity.WARNING
    message = code_message(code, **params)
    return Finding(collection, index, field, message, expected, found, hint, severity, code=code)


def _check(round_input: RoundInput, scope: _Scope) -> Iterator[Finding]:
    procedure_known = not scope.unparsed.info_fields & _PROCEDURE_FIELDS
    steps = round_procedure(round_input) if procedure_known else ()
    if steps is None:
        names = [*builtin_procedures(), CUSTOM_PROCEDURE]
        yield _coded(
            "E0314",
            "info",
            None,
            "procedure",
            expected=_("one of {choices}").format(choices=", ".join(f"“{n}”" for n in names)),
            found=f"“{procedure_name(round_input)}”",
        )
        steps = ()
    elif procedure_known:
        procedure_problems = list(_check_procedure(round_input, scope))
        if procedure_problems:  # decisions on a broken procedure would only follow from it
            scope.tainted.add(ALL_TITLES)
        yield from procedure_problems
    if not scope.steps_known:
        steps = ()
    yield from _check_cadres(round_input)
    yield from _check_titles(round_input)
    yield from _check_dates(round_input, scope)
    by_number = {s.number: s for s in steps}
    yield from _check_conferences(round_input, by_number, scope)
    yield from _check_results(round_input, by_number, scope)
    yield from _check_unentered_steps(round_input, by_number, scope)
    if not scope.unparsed.info_fields & {"legal_bases", "submission_date"}:
        yield from _check_citations(round_input)


def _check_procedure(round_input: RoundInput, scope: _Scope) -> Iterator[Finding]:
    if fold_key(procedure_name(round_input)) != fold_key(CUSTOM_PROCEDURE):
        return
    steps = round_input.procedure_steps
    if not steps and not scope.unparsed.rows.get("procedure_steps"):
        yield _coded(
            "E0315",
            "info",
            None,
            "procedure",
            expected=_("one row per step in “Quy trình”"),
        )
        return
    numbers = Counter(s.number for s in steps)
    fills = [i for i, s in enumerate(steps) if s.fills_quota]
    for index, step in enumerate(steps):
        if numbers[step.number] > 1:
            yield _coded("E0408", "procedure_steps", index, "number", step=step.number)
        if step.kind == StepKind.PREPARATION:
            if step.threshold is not None:
                yield _coded(
                    "E0316",
                    "procedure_steps",
                    index,
                    "threshold",
                    expected=_("empty"),
                    found=f"{step.threshold}",
                )
            continue
        for field_name, value, wanted in (
            ("threshold", step.threshold, _("a percentage such as 50")),
            ("comparison", step.comparison, _("“>” or “>=”")),
            ("base", step.base, _("“triệu tập”, “có mặt” or “hợp lệ”")),
        ):
            if value is None:
                yield _coded("E0317", "procedure_steps", index, field_name, expected=wanted)
        if step.threshold is not None and not 0 <= step.threshold <= 100:
            yield _coded(
                "E0318",
                "procedure_steps",
                index,
                "threshold",
                expected=_("0 to 100"),
                found=f"{step.threshold}",
            )
        if step.fills_quota and step.kind != StepKind.NOMINATION:
            yield _coded("E0319", "procedure_steps", index, "fills_quota")
    for index in fills[1:]:
        yield _coded("E0320", "procedure_steps", index, "fills_quota")


def _check_cadres(round_input: RoundInput) -> Iterator[Finding]:
    names = Counter(fold_key(c.full_name) for c in round_input.cadres)
    codes = Counter(fold_key(c.code) for c in round_input.cadres if c.code)
    for index, cadre in enumerate(round_input.cadres):
        if names[fold_key(cadre.full_name)] > 1 and not cadre.code:
            yield _coded(
                "E0321",
                "cadres",
                index,
                "code",
                expected=_("a Mã cán bộ for each of them"),
                count=names[fold_key(cadre.full_name)],
                name=cadre.full_name,
            )
        if cadre.code and codes[fold_key(cadre.code)] > 1:
            yield _coded("E0322", "cadres", index, "code", code=cadre.code)


def _check_titles(round_input: RoundInput) -> Iterator[Finding]:
    seen: set[str] = set()
    for index, title in enumerate(round_input.titles):
        if fold_key(title.name) in seen:
            yield _coded("E0323", "titles", index, "name", title=title.name)
        seen.add(fold_key(title.name))
        if title.quota == 0:
            yield _coded("E0324", "titles", index, "quota", found="0")


def _check_conferences(round_input: RoundInput, steps: dict, scope: _Scope) -> Iterator[Finding]:
    """Each conference's counts (domain.md §4), its step, and its validity (attendance).

    A preparation step's conference may record its attendance (Triệu tập, Có mặt, Vắng có lý
    do), checked like any other; each ballot count given on it is an error of its own. A
    conference whose counts are impossible taints the decisions and is no base for the votes'
    checks (``_Scope.bad_conferences``); one with too few present taints the decisions."""
    seen: set[int] = set()
    for index, conference in enumerate(round_input.conferences):
        step = steps.get(conference.step)
        preparation = step is not None and step.kind == StepKind.PREPARATION
        invariants = list(_conference_invariants(index, conference, ballots=not preparation))
        if invariants:  # its counts are impossible: decisions on them would only follow
            scope.tainted.add(ALL_TITLES)
            scope.bad_conferences.add(conference.step)
        yield from invariants
        if steps and step is None:
            yield _coded(
                "E0325",
                "conferences",
                index,
                "step",
                expected=_("one of {choices}").format(choices=", ".join(str(n) for n in steps)),
                step=conference.step,
            )
        if conference.step in seen:
            yield _error(
                "conferences",
                index,
                "step",
                code_message("E0408", step=conference.step),
                code="E0408",
            )
        seen.add(conference.step)
        if preparation:
            for field_name in _BALLOT_COUNTS:
                value = getattr(conference, field_name)
                if value is not None:
                    yield _error(
                        "conferences",
                        index,
                        field_name,
                        code_message("E0407", step=conference.step),
                        expected=_("empty (its attendance may be given)"),
                        found=str(value),
                        code="E0407",
                    )
        if (
            step is not None
            and step.min_attendance is not None
            and conference.present is not None
            and conference.convened
            and conference.present < step.min_attendance * conference.convened
        ):
            scope.tainted.add(ALL_TITLES)  # its decisions are void: none is reported on
            yield _error(
                "conferences",
                index,
                "present",
                code_message("E0406"),
                expected=_("at least {share} of {convened}").format(
                    share=step.min_attendance, convened=conference.convened
                ),
                found=str(conference.present),
                code="E0406",
            )


_BALLOT_COUNTS = ("ballots_issued", "ballots_returned", "ballots_valid", "ballots_invalid")


def _conference_invariants(index: int, c: Conference, ballots: bool = True) -> Iterator[Finding]:
    """present ≤ convened · issued ≤ present · returned ≤ issued · valid + invalid = returned ·
    absent with reason ≤ convened − present. Without ``ballots`` (a preparation step, whose
    ballot counts are reported on their own), only the attendance."""
    pairs = (
        ("present", c.present, c.convened, "E0401"),
        ("ballots_issued", c.ballots_issued, c.present, "E0402"),
        ("ballots_returned", c.ballots_returned, c.ballots_issued, "E0403"),
    )
    too_many: set[str] = set()
    for field_name, value, limit, code in pairs if ballots else pairs[:1]:
        if value is not None and limit is not None and value > limit:
            too_many.add(field_name)
            yield _error(
                "conferences",
                index,
                field_name,
                code_message(code),
                expected=_("at most {count}").format(count=limit),
                found=str(value),
                code=code,
            )
    returned_known = "ballots_returned" not in too_many  # else already reported impossible
    if (
        ballots
        and returned_known
        and None not in (c.ballots_valid, c.ballots_invalid, c.ballots_returned)
    ):
        assert c.ballots_valid is not None and c.ballots_invalid is not None
        if c.ballots_valid + c.ballots_invalid != c.ballots_returned:
            yield _error(
                "conferences",
                index,
                "ballots_invalid",
                code_message("E0404"),
                expected=f"{c.ballots_returned}",
                found=f"{c.ballots_valid} + {c.ballots_invalid} = "
                f"{c.ballots_valid + c.ballots_invalid}",
                code="E0404",
            )
    if None not in (c.absent_with_reason, c.convened, c.present):
        assert c.absent_with_reason is not None and c.convened is not None
        assert c.present is not None
        if c.present <= c.convened and c.absent_with_reason > c.convened - c.present:
            yield _error(
                "conferences",
                index,
                "absent_with_reason",
                code_message("E0405"),
                expected=_("at most {count}").format(count=c.convened - c.present),
                found=str(c.absent_with_reason),
                code="E0405",
            )


def _check_results(round_input: RoundInput, steps: dict, scope: _Scope) -> Iterator[Finding]:
    roster = Roster(round_input.cadres)
    titles = {fold_key(t.name) for t in round_input.titles}
    conferences = {c.step: c for c in round_input.conferences}
    seen: dict[tuple[int, str, int], int] = {}
    sums: dict[tuple[int, str], list[int]] = defaultdict(list)
    filled: dict[int, list[int]] = defaultdict(list)
    nominations = [s for s in steps.values() if s.kind == StepKind.NOMINATION]
    deciding = next((s for s in nominations if s.fills_quota), None) or (
        max(nominations, key=lambda s: s.number) if nominations else None
    )
    for index, result in enumerate(round_input.results):
        step = steps.get(result.step)
        if (
            result.not_proposed_reason
            and step is not None
            and step.kind != StepKind.PREPARATION
            and step is not deciding
        ):
            where = (
                _("step {step}").format(step=deciding.number)
                if deciding
                else _("the deciding step")
            )
            yield _coded(
                "E0326",
                "results",
                index,
                "not_proposed_reason",
                expected=_(
                    "the reason on the row of the deciding step ({where}), this cell empty"
                ).format(where=where),
                found=_clip(result.not_proposed_reason, _FOUND_LENGTH, value=True),
                step=result.step,
            )
        if steps and step is None:
            yield _coded(
                "E0325",
                "results",
                index,
                "step",
                expected=_("one of {choices}").format(choices=", ".join(str(n) for n in steps)),
                step=result.step,
            )
        elif step is not None and step.kind == StepKind.PREPARATION:
            yield _coded("E0327", "results", index, "step", step=result.step)
            continue
        if fold_key(result.title) not in titles and not scope.unchecked_title(result.title):
            # The person's other rows lack this one: what decide says of them would follow
            # from the typo, not from the votes.
            scope.tainted |= {
                fold_key(other.title)
                for other in round_input.results
                if fold_key(other.person) == fold_key(result.person)
            }
            known = ", ".join(quoted(t.name) for t in round_input.titles)
            yield _coded(
                "E0328",
                "results",
                index,
                "title",
                expected=_("one of {choices}").format(choices=known),
                found=quoted(result.title),
            )
        if scope.people and fold_key(result.person) in scope.people:
            scope.tainted.add(fold_key(result.title))  # they may be two people: not checkable
            continue
        person, problem, hint = roster.resolve(result.person)
        if person is None:
            scope.tainted.add(fold_key(result.title))
            if not scope.unchecked_person(result.person):
                yield _coded(
                    problem, "results", index, "person", found=quoted(result.person), hint=hint
                )
            continue
        key = (result.step, fold_key(result.title), person)
        if key in seen:
            scope.tainted.add(fold_key(result.title))
            yield _coded(
                "E0331",
                "results",
                index,
                "person",
                person=result.person,
                title=result.title,
                step=result.step,
            )
        seen[key] = index
        filled[result.step].append(index)
        if step is not None and step.kind == StepKind.REMOVAL:
            planned = {fold_key(t) for t in round_input.cadres[person].planned_titles}
            if fold_key(result.title) not in planned:
                yield _coded(
                    "E0332",
                    "results",
                    index,
                    "person",
                    expected=_("a removal vote only on people planned for the title"),
                    hint=_("see “Chức danh đã quy hoạch” in “Cán bộ”"),
                    person=result.person,
                    title=result.title,
                )
        if result.votes_for is None:
            continue
        sums[(result.step, fold_key(result.title))].append(result.votes_for)
        if result.step in scope.bad_conferences:
            continue  # its counts are already reported impossible: no base to check votes on
        conference = conferences.get(result.step)
        if conference is None:
            if scope.unchecked_conference(result.step):
                continue
            yield _coded("E0333", "results", index, "votes_for", step=result.step)
            continue
        if step is not None and step.base is not None and conference.base(step.base) is None:
            yield _coded(
                "E0334",
                "results",
                index,
                "votes_for",
                expected=_("the number of {what} at step {step}").format(
                    what=_(_BASE_WORDS[step.base]), step=result.step
                ),
                step=result.step,
            )
        valid = conference.ballots_valid
        if valid is not None and result.votes_for > valid:
            yield _coded(
                "E0409",
                "results",
                index,
                "votes_for",
                expected=_("at most {count}").format(count=valid),
                found=str(result.votes_for),
            )
        if (
            valid is not None
            and result.votes_against is not None
            and result.votes_for + result.votes_against > valid
        ):
            yield _coded(
                "E0410",
                "results",
                index,
                "votes_against",
                expected=_("at most {count}").format(count=valid),
                found=f"{result.votes_for} + {result.votes_against}",
            )
    for step_number, indices in filled.items():
        with_votes = [i for i in indices if round_input.results[i].votes_for is not None]
        if with_votes and len(with_votes) != len(indices):
            for i in indices:
                if round_input.results[i].votes_for is None:
                    yield _coded(
                        "E0411",
                        "results",
                        i,
                        "votes_for",
                        expected=_("a number of votes"),
                        step=step_number,
                    )
    for (step_number, title_key), votes in sums.items():
        step = steps.get(step_number)
        conference = conferences.get(step_number)
        if step is None or step.max_per_ballot is None or conference is None:
            continue
        if step_number in scope.bad_conferences:
            continue
        if conference.ballots_valid is None:
            continue
        limit = step.max_per_ballot * conference.ballots_valid
        if sum(votes) > limit:
            first = next(
                i
                for i, r in enumerate(round_input.results)
                if r.step == step_number and fold_key(r.title) == title_key
            )
            yield _coded(
                "E0412",
                "results",
                first,
                "votes_for",
                expected=_("at most {count}").format(
                    count=f"{step.max_per_ballot} × {conference.ballots_valid} = {limit}"
                ),
                found=str(sum(votes)),
                title=round_input.results[first].title,
                step=step_number,
                count=step.max_per_ballot,
            )


def _latest(day: PartialDate) -> date:
    """The last day a partial date can stand for (31 December, or the month's last day)."""
    month = day.month or 12
    return date(day.year, month, day.day or calendar.monthrange(day.year, month)[1])


def _check_dates(round_input: RoundInput, scope: _Scope) -> Iterator[Finding]:
    """Impossible dates: a birth after the reference date, Party membership before birth, and
    dates of the round (submission, conferences, plan) far from the reference date."""
    if "reference_date" in scope.unparsed.info_fields:
        return
    reference = round_input.info.reference_date
    for index, cadre in enumerate(round_input.cadres):
        if cadre.birth_date.earliest() > _latest(reference):
            scope.bad_people.add(index)
            yield _coded(
                "E0335",
                "cadres",
                index,
                "birth_date",
                expected=_("a birth date before {reference} (Ngày tính tuổi)").format(
                    reference=reference
                ),
                found=str(cadre.birth_date),
            )
            continue
        joined = cadre.party_join_date
        if joined is not None and _latest(joined) < cadre.birth_date.earliest():
            yield _coded(
                "E0336",
                "cadres",
                index,
                "party_join_date",
                expected=_("a date after the birth date {birth}").format(birth=cadre.birth_date),
                found=str(joined),
            )
    low = _shift(reference.earliest(), -_DATE_WINDOW_YEARS)
    high = _shift(_latest(reference), _DATE_WINDOW_YEARS)
    dated: list[tuple[str, int | None, str, Any]] = [
        ("info", None, "submission_date", round_input.info.submission_date)
    ]
    dated += [("conferences", i, "date", c.date) for i, c in enumerate(round_input.conferences)]
    if round_input.plan is not None:
        dated += [("plan", None, "date", round_input.plan.date)]
        dated += [("plan", None, "deadline", round_input.plan.deadline)]
    for collection, row, field_name, value in dated:
        if value is None:
            continue
        first, last = (
            (value.earliest(), _latest(value)) if isinstance(value, PartialDate) else (value, value)
        )
        if last < low or first > high:
            scope.tainted.add(ALL_TITLES)
            yield _coded(
                "E0337",
                collection,
                row,
                field_name,
                expected=_(
                    "a date within {years} years of the reference date {reference} (Ngày tính tuổi)"
                ).format(years=_DATE_WINDOW_YEARS, reference=reference),
                found=str(value) if isinstance(value, PartialDate) else f"{value:%d/%m/%Y}",
            )


def _shift(day: date, years: int) -> date:
    return day.replace(year=day.year + years, day=min(day.day, 28))


def _check_unentered_steps(
    round_input: RoundInput, steps: dict, scope: _Scope
) -> Iterator[Finding]:
    """Warn about a nomination step whose conference has its counts but no row in "Kết quả":
    the round stays in progress (never a dossier proposing nobody) until its votes are entered."""
    voted = {r.step for r in round_input.results}
    failed_steps, unknown = scope.unparsed.raw_values("results", "step")
    if unknown:
        return
    for value in failed_steps:
        try:
            voted.add(parse_count(value))
        except ValueError:
            return
    for index, conference in enumerate(round_input.conferences):
        step = steps.get(conference.step)
        if step is None or step.kind != StepKind.NOMINATION or conference.step in voted:
            continue
        if conference.present is None and conference.ballots_valid is None:
            continue
        yield _coded(
            "W0401",
            "conferences",
            index,
            "step",
            hint=_("enter the votes of step {step}; the round stays in progress until then").format(
                step=conference.step
            ),
            step=conference.step,
        )


_BASE_WORDS = {
    BaseKind.CONVENED: N_("people convened (Triệu tập)"),
    BaseKind.PRESENT: N_("people present (Có mặt)"),
    BaseKind.VALID: N_("valid ballots (Phiếu hợp lệ)"),
}


def _check_citations(round_input: RoundInput) -> Iterator[Finding]:
    info = round_input.info
    if not info.legal_bases:
        return
    day = round_date(round_input)
    try:
        cited = superseded_citations(info.legal_bases, day)
    except RulesError:
        return
    for text in cited:
        yield _coded(
            "W0301",
            "info",
            None,
            "legal_bases",
            hint=_("cite the rule set in force, or leave “Căn cứ” empty for docgen's default"),
            text=text,
            day=f"{day:%d/%m/%Y}",
        )
