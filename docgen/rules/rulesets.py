"""Rule sets: named, dated profiles of the rules in force, and the one to apply on a date.

Source: domain.md §6: Quy định 377-QĐ/TW (08/10/2025) replaced Quy định 50-QĐ/TW (27/12/2021);
a document dated from 08/10/2025 must not cite Quy định 50 as in force. The profiles live in
``docgen/data/rulesets.yaml``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict

from docgen.errors import RulesError

__all__ = ["RuleSet", "rule_sets", "rule_set_on", "superseded_citations"]


class RuleSet(BaseModel):
    """One dated profile: legal bases to cite, quotas, working-time rules, structure targets.

    Months are whole months of remaining working time (domain.md §3); targets are percentages.
    """

    model_config = ConfigDict(frozen=True)

    name: str
    effective_from: date
    legal_bases: tuple[str, ...]
    cited_texts: tuple[str, ...] = ()
    supersedes: tuple[str, ...] = ()
    max_people_per_title: int
    max_titles_per_person: int
    review_months: int
    object_1_months: int
    object_2_months: int
    young_age: int
    young_target_percent: Decimal
    women_target_percent: Decimal


@cache
def rule_sets() -> tuple[RuleSet, ...]:
    """All known rule sets, oldest first.

    Raises:
        RulesError: when the packaged rule data is malformed.
    """
    text = resources.files("docgen").joinpath("data/rulesets.yaml").read_text(encoding="utf-8")
    try:
        items = [RuleSet.model_validate(item) for item in yaml.safe_load(text)]
    except (ValueError, TypeError) as exc:
        raise RulesError(f"docgen/data/rulesets.yaml is malformed: {exc}") from exc
    return tuple(sorted(items, key=lambda r: r.effective_from))


def rule_set_on(day: date) -> RuleSet:
    """The rule set in force on ``day``: the latest whose effective date is on or before it.

    Raises:
        RulesError: when ``day`` is before every known rule set.
    """
    in_force = [r for r in rule_sets() if r.effective_from <= day]
    if not in_force:
        first = rule_sets()[0]
        raise RulesError(
            f"no rule set is known for {day:%d/%m/%Y}; the earliest is {first.name} "
            f"from {first.effective_from:%d/%m/%Y}"
        )
    return in_force[-1]


def superseded_citations(legal_bases: list[str] | tuple[str, ...], day: date) -> list[str]:
    """The texts cited in ``legal_bases`` that a rule set in force on ``day`` supersedes."""
    current = rule_set_on(day)
    found = []
    for basis in legal_bases:
        found += [text for text in current.supersedes if text in basis]
    return found
