"""The audit record (decisions.json, domain.md §7) stands alone: every outcome of both examples
is recomputed here from the record only, by a small implementation of the rules written from the
spec (not docgen's), and a record whose votes, counts or thresholds were changed disagrees."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

import docgen
from docgen.audit import DecisionsRecord, derived_code, person_codes
from docgen.cli import main
from docgen.models import Cadre
from tests.conftest import PARTY_EXAMPLE, ROOT, STATE_EXAMPLE

PUBLISHED_SCHEMA = ROOT / "docs" / "decisions.schema.json"
EXAMPLES = {"state": STATE_EXAMPLE, "party": PARTY_EXAMPLE}


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """decisions.json of both examples, written by `docgen dossier` from their workbooks."""
    built = {}
    for name, example in EXAMPLES.items():
        out = tmp_path_factory.mktemp(name) / "dossier"
        result = CliRunner().invoke(
            main, ["dossier", str(example.with_suffix(".xlsx")), "--out", str(out)]
        )
        assert result.exit_code == 0, result.output
        built[name] = json.loads((out / "decisions.json").read_text(encoding="utf-8"))
    return built


# --- an independent implementation of the rules, from domain.md §2 and §3 ----------------------


def _month_index(text: str) -> int:
    """yyyy-mm → months since year 0."""
    year, month = (int(part) for part in text.split("-"))
    return year * 12 + month - 1


def _retirement_age(sex: str, year: int) -> int:
    """Nghị định 135/2020/NĐ-CP, normal conditions, in months, for a calendar year."""
    if sex == "male":
        return 720 if year < 2021 else min(723 + 3 * (year - 2021), 744)
    return 660 if year < 2021 else min(664 + 4 * (year - 2021), 720)


def _retirement_month(birth_month: str, sex: str) -> int:
    """The first month whose age reaches the age in force in that month's year."""
    born = _month_index(birth_month)
    month = born + 50 * 12
    while month - born < _retirement_age(sex, month // 12):
        month += 1
    return month


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()


def _under(position: str, source: str) -> bool:
    """A position falls under a source position when it starts with it ("và tương đương" aside)."""
    wanted = re.sub(r"\s*(và\s+)?tương\s+đương\s*$", "", _fold(source))
    return bool(wanted) and _fold(position).startswith(wanted)


def _passes(votes: int, base: int, step: dict[str, Any]) -> bool:
    """The threshold on exact numbers: votes × 100 against threshold × base."""
    left, right = Fraction(votes * 100), Fraction(step["threshold"]) * base
    return left > right if step["comparison"] == ">" else left >= right


_BASES = {"convened": "convened", "present": "present", "valid": "ballots_valid"}
_DISCIPLINE = (
    "khiển trách",
    "cảnh cáo",
    "hạ bậc lương",
    "giáng chức",
    "cách chức",
    "buộc thôi việc",
    "khai trừ",
)


def _object(position: str, title: dict[str, Any]) -> int | None:
    """Đối tượng 1 or 2 by the title's source positions; everyone is 1 when it names none."""
    if not title["source_1"] and not title["source_2"]:
        return 1
    if any(_under(position, s) for s in title["source_1"]):
        return 1
    if any(_under(position, s) for s in title["source_2"]):
        return 2
    return None


def _required(obj: int | None, review: bool, rules: dict[str, Any]) -> int:
    if obj == 2:
        return int(rules["object_2_months"])
    return int(rules["review_months"] if review else rules["object_1_months"])


def _higher(title: dict[str, Any], titles: list[dict[str, Any]]) -> list[str]:
    """The round's titles that have ``title`` among their sources, directly or through another."""
    above: list[str] = []
    frontier = [title["title"]]
    while frontier:
        lower = frontier.pop()
        for other in titles:
            name = other["title"]
            if (
                name != title["title"]
                and name not in above
                and any(_under(lower, s) for s in other["source_1"] + other["source_2"])
            ):
                above.append(name)
                frontier.append(name)
    return above


def recompute(record: dict[str, Any]) -> dict[str, Any]:
    """Every outcome of the round, from the record's inputs alone: the procedure, the
    conferences' counts, the votes, the people's birth dates and the rule set."""
    steps = {s["number"]: s for s in record["procedure"]["steps"]}
    counts = {c["step"]: c for c in record["conferences"]}
    people = {p["code"]: p for p in record["people"]}
    rules = record["rule_set"]
    review = record["round"]["round_kind"] == "review"
    reference = _month_index(record["round"]["reference_date"]["month"])

    def base(number: int) -> int:
        value = counts[number][_BASES[steps[number]["base"]]]
        assert isinstance(value, int) and value > 0
        return value

    retirement = {
        code: _retirement_month(p["birth_date"]["month"], p["sex"]) for code, p in people.items()
    }
    found: dict[str, Any] = {
        "people": {
            code: (f"{m // 12:04d}-{m % 12 + 1:02d}", m - reference)
            for code, m in retirement.items()
        },
        "titles": {},
    }
    nominations = [s for s in record["procedure"]["steps"] if s["kind"] == "nomination"]
    deciding = next((s for s in nominations if s["fills_quota"]), nominations[-1])
    proposed_anywhere: dict[str, set[str]] = {}
    for title in record["titles"]:
        for code in title["proposed_codes"]:
            proposed_anywhere.setdefault(code, set()).add(_fold(title["title"]))

    for title in record["titles"]:
        counted: dict[tuple[str, int], tuple[int, str, bool]] = {}
        voted_out = set()
        for vote in title["removal_votes"]:
            step = steps[vote["step"]]
            assert step["kind"] == "removal"
            passed = _passes(vote["votes"], base(vote["step"]), step)
            if passed:
                voted_out.add(vote["code"])
            counted[(vote["code"], vote["step"])] = (
                base(vote["step"]),
                str(Fraction(vote["votes"] * 100, base(vote["step"]))),
                passed,
            )
        # Those planned before leave on the vote, or on an automatic-removal ground (domain.md §3).
        key = _fold(title["title"])
        higher = _higher(title, record["titles"])
        planned_before = {}
        for code, p in people.items():
            if key not in {_fold(t) for t in p["planned_titles"]}:
                continue
            obj = _object(p["position"], title)
            remaining, required = retirement[code] - reference, _required(obj, review, rules)
            grounds = (
                remaining < required
                or any(form in _fold(p["discipline"] or "") for form in _DISCIPLINE)
                or any(_under(p["position"], t) for t in [title["title"], *higher])
            )
            if code in voted_out:
                result = "removed_by_vote"
            else:
                result = "removed_on_ground" if grounds else "kept"
            planned_before[code] = (remaining, required, grounds, result)
        removed = {c for c, (*_, result) in planned_before.items() if result != "kept"}
        kept = {c for c, (*_, result) in planned_before.items() if result == "kept"}

        votes = {c["code"]: {s["step"]: s for s in c["steps"]} for c in title["candidates"]}
        outcome: dict[str, str] = {}
        passers: list[str] | None = None
        for step in nominations:
            number = step["number"]
            entered = [code for code in votes if number in votes[code]]
            current = []
            for code in entered:
                given = votes[code][number]["votes"]
                passed = _passes(given, base(number), step)
                counted[(code, number)] = (
                    base(number),
                    str(Fraction(given * 100, base(number))),
                    passed,
                )
                if passers is not None and code not in passers:
                    outcome[code] = "not_passed"  # voted on without passing the step before
                elif passed:
                    current.append(code)
                else:
                    outcome.setdefault(code, "not_passed")
            for code in passers or []:
                if code not in entered:
                    outcome[code] = "dropped"
            passers = current
            if step is deciding:
                break

        eligibility = {}
        for code in votes:
            person = people[code]
            obj = _object(person["position"], title)
            remaining, required = retirement[code] - reference, _required(obj, review, rules)
            planned = {_fold(t) for t in person["planned_titles"]} | proposed_anywhere.get(
                code, set()
            )
            eligible = (
                remaining >= required
                and obj is not None
                and (obj != 2 or any(_fold(s) in planned for s in title["source_1"]))
                and _fold(person["discipline"] or "") in {"", "không", "khong", "no", "none", "-"}
                and not _under(person["position"], title["title"])
            )
            eligibility[code] = (remaining, required, eligible)

        final = [c for c in passers or [] if c not in outcome]
        for code in final:
            if not eligibility[code][2]:
                outcome[code] = "ineligible"  # never proposed
            elif votes[code][deciding["number"]]["not_proposed_reason"]:
                outcome[code] = "not_proposed"  # the unit's reason: the next in rank moves up
        ranked = sorted(
            (c for c in final if c not in outcome),
            key=lambda c: -votes[c][deciding["number"]]["votes"],
        )
        head = {c for c in votes if any(s["head_choice"] for s in votes[c].values())}
        quota = title["quota"]
        tie = None
        if len(ranked) <= quota:
            chosen = ranked
        else:
            last = votes[ranked[quota - 1]][deciding["number"]]["votes"]
            above = [c for c in ranked if votes[c][deciding["number"]]["votes"] > last]
            tied = [c for c in ranked if votes[c][deciding["number"]]["votes"] == last]
            places = quota - len(above)
            if len(tied) <= places:
                chosen = above + tied
            else:
                marked = [c for c in tied if c in head]
                resolved = len(marked) == places
                chosen = above + marked if resolved else above
                tie = (deciding["number"], last, places, set(tied), set(marked), resolved)
                if not resolved:
                    for code in tied:
                        outcome[code] = "tie_unresolved"
        for code in ranked:
            outcome.setdefault(code, "proposed" if code in chosen else "not_selected")
        found["titles"][title["title"]] = {
            "quota": quota,
            "removed": removed,
            "kept": kept,
            "planned_before": planned_before,
            "proposed": {c for c in ranked if outcome[c] == "proposed"},
            "outcomes": outcome,
            "counted": counted,
            "eligibility": eligibility,
            "tie": tie,
        }
    return found


def recorded(record: dict[str, Any]) -> dict[str, Any]:
    """The same facts as the record states them (docgen's decisions)."""
    claims: dict[str, Any] = {
        "people": {
            p["code"]: (p["retirement_month"], p["remaining_months"]) for p in record["people"]
        },
        "titles": {},
    }
    for title in record["titles"]:
        counted = {
            (v["code"], v["step"]): (v["base"], v["percent"], v["removed"])
            for v in title["removal_votes"]
        }
        for candidate in title["candidates"]:
            for step in candidate["steps"]:
                counted[(candidate["code"], step["step"])] = (
                    step["base"],
                    step["percent"],
                    step["passed"],
                )
        tie = title["tie"]
        claims["titles"][title["title"]] = {
            "quota": title["quota"],
            "removed": set(title["removed_codes"]),
            "kept": set(title["kept_codes"]),
            "planned_before": {
                p["code"]: (
                    p["remaining_months"],
                    p["required_months"],
                    bool(p["grounds"]),
                    p["result"],
                )
                for p in title["planned_before"]
            },
            "proposed": set(title["proposed_codes"]),
            "outcomes": {c["code"]: c["outcome"] for c in title["candidates"]},
            "counted": counted,
            "eligibility": {
                c["code"]: (
                    c["eligibility"]["remaining_months"],
                    c["eligibility"]["required_months"],
                    c["eligibility"]["eligible"],
                )
                for c in title["candidates"]
            },
            "tie": None
            if tie is None
            else (
                tie["step"],
                tie["votes"],
                tie["places"],
                set(tie["tied_codes"]),
                set(tie["chosen_codes"]),
                tie["resolved"],
            ),
        }
    return claims


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_outcome_is_recomputed_from_the_record_alone(
    records: dict[str, dict[str, Any]], example: str
) -> None:
    record = records[example]
    assert record["complete"]
    assert recompute(record) == recorded(record)


def test_the_recomputation_covers_every_kind_of_outcome(records: dict[str, dict[str, Any]]) -> None:
    """Both examples together exercise each rule the recomputation checks."""
    outcomes = {
        outcome
        for record in records.values()
        for title in recorded(record)["titles"].values()
        for outcome in title["outcomes"].values()
    }
    assert outcomes == {"proposed", "not_passed", "not_selected", "ineligible"}
    state = recorded(records["state"])["titles"]
    assert any(t["removed"] for t in state.values()) and any(t["kept"] for t in state.values())
    assert any(t["tie"] is not None and t["tie"][-1] for t in state.values())


def _title(record: dict[str, Any], name: str) -> dict[str, Any]:
    return next(t for t in record["titles"] if t["title"] == name)


def _candidate(record: dict[str, Any], title: str, name: str) -> dict[str, Any]:
    return next(c for c in _title(record, title)["candidates"] if c["name"] == name)


def _step(record: dict[str, Any], title: str, name: str, number: int) -> dict[str, Any]:
    return next(s for s in _candidate(record, title, name)["steps"] if s["step"] == number)


def _procedure_step(record: dict[str, Any], number: int) -> dict[str, Any]:
    return next(s for s in record["procedure"]["steps"] if s["number"] == number)


def _conference(record: dict[str, Any], number: int) -> dict[str, Any]:
    return next(c for c in record["conferences"] if c["step"] == number)


def _one_more_vote_for_the_tied_runner_up(record: dict[str, Any]) -> None:
    _step(record, "Phó Trưởng phòng", "Phạm Văn Ân", 4)["votes"] = 4  # was 3: tied with Mai


def _half_passes_step_3(record: dict[str, Any]) -> None:
    _procedure_step(record, 3)["comparison"] = ">="  # Hà Thị Lan: 7 of 14 is exactly 50 %


def _a_lower_threshold_at_step_3(record: dict[str, Any]) -> None:
    _procedure_step(record, 3)["threshold"] = "45"


def _one_more_present_at_step_2(record: dict[str, Any]) -> None:
    _conference(record, 2)["present"] = 31  # Lường Văn Tâm: 9 of 31 is under 30 %


def _the_head_marks_the_other_tied_person(record: dict[str, Any]) -> None:
    _step(record, "Phó Trưởng phòng", "Trần Thị Mai", 4)["head_choice"] = False
    _step(record, "Phó Trưởng phòng", "Phạm Văn Ân", 4)["head_choice"] = True


def _one_vote_less_for_removal(record: dict[str, Any]) -> None:
    vote = next(
        v for v in _title(record, "Trưởng phòng")["removal_votes"] if v["name"] == "Đỗ Minh Đức"
    )
    vote["votes"] = 2  # 2 of 5 convened does not remove


def _a_later_birth_date(record: dict[str, Any]) -> None:
    person = next(p for p in record["people"] if p["name"] == "Nguyễn Văn Bình")
    person["birth_date"]["month"] = "1980-01"  # was 1967: 36 months left, 72 needed


def _a_kept_person_born_earlier(record: dict[str, Any]) -> None:
    person = next(p for p in record["people"] if p["name"] == "Lò Văn Thành")
    person["birth_date"]["month"] = "1962-03"  # past the planning age: leaves on that ground


def _a_unit_reason_on_the_top_passer(record: dict[str, Any]) -> None:
    _step(record, "Phó Trưởng phòng", "Quàng Văn Hùng", 4)["not_proposed_reason"] = "đủ 3 chức danh"


@pytest.mark.parametrize(
    "change",
    [
        _a_kept_person_born_earlier,
        _a_unit_reason_on_the_top_passer,
        _one_more_vote_for_the_tied_runner_up,
        _half_passes_step_3,
        _a_lower_threshold_at_step_3,
        _one_more_present_at_step_2,
        _the_head_marks_the_other_tied_person,
        _one_vote_less_for_removal,
        _a_later_birth_date,
    ],
)
def test_a_changed_vote_count_or_rule_makes_the_recomputation_disagree(
    records: dict[str, dict[str, Any]], change: Callable[[dict[str, Any]], None]
) -> None:
    changed = copy.deepcopy(records["state"])
    change(changed)
    assert recompute(changed) != recorded(changed)


def test_a_changed_vote_changes_the_recomputed_outcomes_as_the_rules_say(
    records: dict[str, dict[str, Any]],
) -> None:
    changed = copy.deepcopy(records["state"])
    _one_more_vote_for_the_tied_runner_up(changed)
    deputy = recompute(changed)["titles"]["Phó Trưởng phòng"]
    codes = {c["name"]: c["code"] for c in _title(changed, "Phó Trưởng phòng")["candidates"]}
    assert deputy["proposed"] == {codes["Quàng Văn Hùng"], codes["Phạm Văn Ân"]}
    assert deputy["outcomes"][codes["Trần Thị Mai"]] == "not_selected"
    assert deputy["tie"] is None


def test_months_remaining_follow_the_retirement_month_and_the_reference_date(
    records: dict[str, dict[str, Any]],
) -> None:
    """domain.md §3's example: reference 10/2025, a man born 09/1968 has 59 months left."""
    party = records["party"]
    assert party["round"]["reference_date"] == {
        "given": "10/2025",
        "precision": "month",
        "month": "2025-10",
    }
    khai = next(p for p in party["people"] if p["name"] == "Nguyễn Đình Khải")
    assert khai["birth_date"] == {"given": "09/1968", "precision": "month", "month": "1968-09"}
    assert (khai["sex"], khai["retirement_month"], khai["remaining_months"]) == (
        "male",
        "2030-09",
        59,
    )
    candidate = _candidate(party, "Phó Bí thư Đảng ủy", "Nguyễn Đình Khải")
    assert candidate["outcome"] == "ineligible"
    assert candidate["eligibility"] == {
        "object": 1,
        "source_matched": "Ủy viên Ban Thường vụ",
        "remaining_months": 59,
        "required_months": 60,
        "required_by": "object_1_months",
        "eligible": False,
        "reasons": ["không đủ tuổi công tác: còn 59 tháng, cần 60 tháng"],
    }


# --- what the record says about the run ----------------------------------------------------------


def test_the_record_names_the_input_docgen_and_the_rule_set_with_why(
    records: dict[str, dict[str, Any]],
) -> None:
    state = records["state"]
    workbook = STATE_EXAMPLE.with_suffix(".xlsx")
    assert state["record_version"] == 2
    assert state["docgen_version"] == docgen.__version__
    assert state["input"] == {
        "file": workbook.name,
        "sha256": hashlib.sha256(workbook.read_bytes()).hexdigest(),
    }
    assert state["rule_set"] == {
        "name": "Quy định 50-QĐ/TW",
        "effective_from": "2021-12-27",
        "selected_on": "2022-04-15",
        "selected_by": "submission_date",
        "review_months": 72,
        "object_1_months": 60,
        "object_2_months": 120,
        "max_people_per_title": 3,
        "max_titles_per_person": 3,
    }
    assert state["round"]["submission_date"] == state["rule_set"]["selected_on"]


def test_the_procedure_is_recorded_with_exact_thresholds_and_every_conference_with_its_counts(
    records: dict[str, dict[str, Any]],
) -> None:
    party = records["party"]
    assert party["procedure"]["name"] == "Tùy chỉnh" and party["procedure"]["custom"]
    assert [s["kind"] for s in party["procedure"]["steps"]] == [
        "preparation",
        "preparation",
        "nomination",
        "nomination",
        "nomination",
    ]
    assert party["procedure"]["steps"][2] == {
        "number": 3,
        "conference": "Hội nghị cán bộ chủ chốt phường",
        "kind": "nomination",
        "form": "secret",
        "threshold": "30",
        "comparison": ">=",
        "base": "present",
        "fills_quota": False,
        "max_per_ballot": 3,
        "min_attendance": "2/3",
        "combined_ballot": False,
    }
    # Preparation steps are recorded too, with what the workbook gives of them.
    assert [c["step"] for c in party["conferences"]] == [1, 2, 3, 4, 5]
    assert _conference(party, 2)["date"] == "2022-03-04"
    assert _conference(party, 3) == {
        "step": 3,
        "name": "Hội nghị cán bộ chủ chốt phường",
        "date": "2022-03-08",
        "convened": 45,
        "present": 42,
        "absent": 3,
        "absent_with_reason": 3,
        "absent_without_reason": 0,
        "ballots_issued": 42,
        "ballots_returned": 42,
        "ballots_valid": 41,
        "ballots_invalid": 1,
    }
    state = records["state"]
    assert not state["procedure"]["custom"]
    assert [(s["threshold"], s["comparison"], s["base"]) for s in state["procedure"]["steps"]] == [
        ("50", ">", "convened"),
        ("30", ">=", "present"),
        ("50", ">", "present"),
        ("50", ">", "convened"),
    ]


def test_votes_are_recorded_exactly_with_the_printed_percentage_beside(
    records: dict[str, dict[str, Any]],
) -> None:
    state = records["state"]
    lan = _step(state, "Phó Trưởng phòng", "Hà Thị Lan", 3)
    assert lan == {
        "step": 3,
        "votes": 7,
        "votes_against": None,
        "head_choice": False,
        "not_proposed_reason": None,
        "base": 14,
        "base_kind": "present",
        "percent": "50",
        "percent_text": "50,00",
        "passed": False,
    }
    hoa = _step(state, "Trưởng phòng", "Cầm Thị Hoa", 2)
    assert (hoa["percent"], hoa["percent_text"]) == ("250/3", "83,33")
    assert Fraction(hoa["percent"]) == Fraction(25 * 100, 30)
    duc = next(
        v for v in _title(state, "Trưởng phòng")["removal_votes"] if v["name"] == "Đỗ Minh Đức"
    )
    assert (duc["votes"], duc["votes_against"], duc["base"], duc["removed"]) == (4, 1, 5, True)
    assert _step(state, "Phó Trưởng phòng", "Trần Thị Mai", 4)["head_choice"] is True
    tie = _title(state, "Phó Trưởng phòng")["tie"]
    assert (tie["tied"], tie["chosen_by_head"], tie["resolved"]) == (
        ["Trần Thị Mai", "Phạm Văn Ân"],
        ["Trần Thị Mai"],
        True,
    )


def test_people_lists_are_given_by_name_and_by_code_in_the_same_order(
    records: dict[str, dict[str, Any]],
) -> None:
    for record in records.values():
        names = {p["code"]: p["name"] for p in record["people"]}
        assert len(names) == len(record["people"])  # codes are unique
        for title in record["titles"]:
            for key in ("proposed", "removed", "kept"):
                assert [names[c] for c in title[f"{key}_codes"]] == title[key]
            for candidate in title["candidates"]:
                assert names[candidate["code"]] == candidate["name"]


# --- people's codes ----------------------------------------------------------------------------


def _cadre(name: str, birth: str, code: str | None = None) -> Cadre:
    return Cadre.model_validate(
        {
            "code": code,
            "full_name": name,
            "birth_date": birth,
            "gender": "Nam",
            "position": "Chuyên viên",
        }
    )


def test_a_person_without_ma_can_bo_gets_a_code_derived_from_name_and_birth_date() -> None:
    digest = hashlib.sha256("lò văn pó|05/1985".encode()).hexdigest()
    assert derived_code(_cadre("Lò  Văn Pó", "05/1985")) == f"auto-{digest[:8]}"
    # The same person in NFD and another case gets the same code.
    decomposed = unicodedata.normalize("NFD", "LÒ VĂN PÓ")
    assert derived_code(_cadre(decomposed, "05/1985")) == f"auto-{digest[:8]}"
    assert derived_code(_cadre("Lò Văn Pó", "1985")) != f"auto-{digest[:8]}"


def test_codes_are_unique_and_do_not_depend_on_row_order() -> None:
    first = _cadre("Lò Văn Pó", "05/1985")
    twin = _cadre("Lò Văn Pó", "05/1985")
    coded = _cadre("Vàng A Sinh", "1990", code=derived_code(first))  # a workbook code that clashes
    codes = person_codes([coded, first, twin])
    assert codes == [
        (derived_code(first), True),
        (f"{derived_code(first)}-2", False),
        (f"{derived_code(first)}-3", False),
    ]
    other = _cadre("Tẩn Thị Mẩy", "1991")
    assert person_codes([other, first])[1] == person_codes([first, other])[0]


def test_a_round_without_codes_records_derived_codes(
    state_data: dict[str, Any], write_round: Callable[..., Path], tmp_path: Path
) -> None:
    for cadre in state_data["cadres"]:
        cadre.pop("code", None)
    path = write_round(state_data)
    out = tmp_path / "dossier"
    result = CliRunner().invoke(main, ["dossier", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    record = json.loads((out / "decisions.json").read_text(encoding="utf-8"))
    assert {p["code_from"] for p in record["people"]} == {"derived"}
    assert all(re.fullmatch(r"auto-[0-9a-f]{8}", p["code"]) for p in record["people"])
    assert recompute(record) == recorded(record)


# --- the schema --------------------------------------------------------------------------------


def test_docgen_schema_record_prints_the_published_schema() -> None:
    result = CliRunner().invoke(main, ["schema", "--record"])
    assert result.exit_code == 0, result.output
    assert result.output == PUBLISHED_SCHEMA.read_text(encoding="utf-8"), (
        "docs/decisions.schema.json is out of date: "
        "`.venv/bin/docgen schema --record > docs/decisions.schema.json`"
    )
    schema = json.loads(result.output)
    assert schema["title"] == "docgen decisions.json"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_docgen_schema_alone_still_prints_the_rounds_input_schema() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["title"] == "RoundInput"


def _schema_errors(
    value: Any, schema: dict[str, Any], root: dict[str, Any], at: str = "$"
) -> list[str]:
    """The places where ``value`` breaks ``schema``: the JSON Schema keywords the published
    schema uses ($ref, anyOf, type, const, enum, pattern, properties, required,
    additionalProperties, items)."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return _schema_errors(value, root["$defs"][name], root, at)
    if "anyOf" in schema:
        branches = [_schema_errors(value, s, root, at) for s in schema["anyOf"]]
        return [] if any(not b for b in branches) else [f"{at}: no branch of anyOf fits"]
    types = {
        "string": str,
        "integer": int,
        "number": (int, float),
        "boolean": bool,
        "null": type(None),
        "array": list,
        "object": dict,
    }
    wanted = schema.get("type")
    if wanted is not None:
        kinds = [wanted] if isinstance(wanted, str) else wanted
        fits = any(
            isinstance(value, types[k])
            and not (k in ("integer", "number") and isinstance(value, bool))
            for k in kinds
        )
        if not fits:
            return [f"{at}: {type(value).__name__} is not {wanted}"]
    errors = []
    if "const" in schema and value != schema["const"]:
        errors.append(f"{at}: not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{at}: {value!r} not in enum")
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        errors.append(f"{at}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        errors += [f"{at}: {key} missing" for key in schema.get("required", []) if key not in value]
        for key, item in value.items():
            if key in properties:
                errors += _schema_errors(item, properties[key], root, f"{at}.{key}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{at}: {key} is not allowed")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            errors += _schema_errors(item, schema["items"], root, f"{at}[{index}]")
    return errors


@pytest.mark.parametrize("example", EXAMPLES)
def test_both_records_fit_the_published_schema_and_the_model(
    records: dict[str, dict[str, Any]], example: str
) -> None:
    schema = json.loads(PUBLISHED_SCHEMA.read_text(encoding="utf-8"))
    record = records[example]
    assert _schema_errors(record, schema, schema) == []
    assert DecisionsRecord.model_validate(record).model_dump(mode="json") == record


def test_a_record_that_breaks_the_schema_is_refused(records: dict[str, dict[str, Any]]) -> None:
    schema = json.loads(PUBLISHED_SCHEMA.read_text(encoding="utf-8"))
    broken = copy.deepcopy(records["state"])
    del broken["procedure"]["steps"][0]["comparison"]
    broken["titles"][0]["candidates"][0]["outcome"] = "promoted"
    broken["conferences"][0]["present"] = "5"
    broken["extra"] = 1
    assert set(_schema_errors(broken, schema, schema)) == {
        "$: extra is not allowed",
        "$.conferences[0].present: no branch of anyOf fits",
        "$.procedure.steps[0]: comparison missing",
        "$.titles[0].candidates[0].outcome: 'promoted' not in enum",
    }
    with pytest.raises(ValidationError):
        DecisionsRecord.model_validate(broken)


# --- the round's edges (issue 10): each is in the record and recomputed from it --------------


def _dossier_record(path: Path, out: Path) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["dossier", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    record: dict[str, Any] = json.loads((out / "decisions.json").read_text(encoding="utf-8"))
    return record


def test_a_kept_person_past_age_and_a_units_reason_are_recorded_and_recomputed(
    state_data: dict[str, Any], write_round: Callable[..., Path], tmp_path: Path
) -> None:
    thanh = next(c for c in state_data["cadres"] if c["full_name"] == "Lò Văn Thành")
    thanh["birth_date"] = "12/03/1962"  # kept for Trưởng phòng; the removal vote kept him (0 of 5)
    hung = next(
        r
        for r in state_data["results"]
        if r["step"] == 4 and r["person"] == "Quàng Văn Hùng" and r["title"] == "Phó Trưởng phòng"
    )
    hung["not_proposed_reason"] = "đã được giới thiệu quy hoạch đủ 3 chức danh"
    record = _dossier_record(write_round(state_data), tmp_path / "dossier")
    assert recompute(record) == recorded(record)

    head = _title(record, "Trưởng phòng")
    entry = next(p for p in head["planned_before"] if p["name"] == "Lò Văn Thành")
    assert entry == {
        "name": "Lò Văn Thành",
        "code": "VP01",
        "object": 1,
        "remaining_months": 5,
        "required_months": 72,
        "required_by": "review_months",
        "grounds": ["quá tuổi quy hoạch: còn 5 tháng, cần 72 tháng"],
        "result": "removed_on_ground",
    }
    assert head["removed"] == ["Đỗ Minh Đức", "Lò Văn Thành"] and head["kept"] == []
    duc = next(p for p in head["planned_before"] if p["name"] == "Đỗ Minh Đức")
    assert duc["result"] == "removed_by_vote"

    deputy = _title(record, "Phó Trưởng phòng")
    hung_record = _candidate(record, "Phó Trưởng phòng", "Quàng Văn Hùng")
    assert (hung_record["outcome"], hung_record["reason"]) == (
        "not_proposed",
        "đã được giới thiệu quy hoạch đủ 3 chức danh",
    )
    assert hung_record["steps"][-1]["not_proposed_reason"] == hung_record["reason"]
    assert sorted(deputy["proposed"]) == ["Phạm Văn Ân", "Trần Thị Mai"]  # the next in rank
    assert deputy["tie"] is None


def test_a_preparation_conference_with_attendance_is_recorded(
    party_data: dict[str, Any], write_round: Callable[..., Path], tmp_path: Path
) -> None:
    conference = next(c for c in party_data["conferences"] if c["step"] == 2)
    conference.update(convened=5, present=5, absent_with_reason=0)
    record = _dossier_record(write_round(party_data), tmp_path / "dossier")
    assert _conference(record, 2) == {
        "step": 2,
        "name": "Hội nghị Ban Thường vụ Đảng ủy (lần 1)",
        "date": "2022-03-04",
        "convened": 5,
        "present": 5,
        "absent": 0,
        "absent_with_reason": 0,
        "absent_without_reason": 0,
        "ballots_issued": None,
        "ballots_returned": None,
        "ballots_valid": None,
        "ballots_invalid": None,
    }
    assert _procedure_step(record, 2)["kind"] == "preparation"
    assert recompute(record) == recorded(record)
