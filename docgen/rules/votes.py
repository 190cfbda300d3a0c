"""Vote rules: threshold tests on exact integers, and the quota fill at the deciding step.

Sources: seed ke-hoach-quy-hoach-vpubnd-son-la.txt part B.II.1.1.3 (the four steps, "trên 50 %",
"từ 30 % trở lên", "lấy từ trên xuống cho đủ số lượng", ties "giao cho người đứng đầu xem xét,
quyết định"); domain.md §2.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Generic, TypeVar

from docgen.models import Comparison
from docgen.vietnamese import format_percent

__all__ = ["meets_threshold", "percent_text", "QuotaFill", "fill_quota", "threshold_words"]

T = TypeVar("T")


def meets_threshold(votes: int, base: int, threshold: Decimal, comparison: Comparison) -> bool:
    """Whether ``votes`` out of ``base`` meets ``threshold`` percent under ``comparison``.

    Decided on exact integers/fractions, never on a rounded percentage: "trên 50 %" is strictly
    greater (7 of 14 = 50,00 % fails), "từ 30 % trở lên" is greater or equal (domain.md §2).

    Raises:
        ValueError: when ``base`` is not positive.
    """
    if base <= 0:
        raise ValueError(f"the base of a percentage must be positive, got {base}")
    left = Fraction(votes * 100)
    right = Fraction(threshold) * base
    return left > right if comparison == Comparison.GREATER else left >= right


_MAX_PLACES = 24
"""Enough decimals for any count docgen accepts (at most 999,999,999, so a difference from the
threshold is never below 10⁻⁹ %) and any threshold written with a few decimals."""


def percent_text(
    votes: int,
    base: int,
    threshold: Decimal | None = None,
    comparison: Comparison | None = None,
) -> str:
    """``votes`` out of ``base`` as a printed percentage: "52,50" (vietnamese.md, "Numerals and
    percentages").

    Two decimals, rounded half up; near a threshold, as many more as it takes for the printed
    figure to pass or fail the threshold as the exact value does: 602 of 2007 against "từ 30 %
    trở lên" is "29,995" (never "30,00" beside "Không đạt"), 100001 of 200001 against "trên
    50 %" is "50,00025". 7 of 14 against "trên 50 %" stays "50,00" (it fails, and so does
    50,00). Display only: outcomes are decided by ``meets_threshold``.

    Raises:
        ValueError: when ``base`` is not positive.
    """
    if base <= 0:
        raise ValueError(f"the base of a percentage must be positive, got {base}")
    exact = Fraction(votes * 100, base)
    places = 2
    text = format_percent(exact, places)
    if threshold is None or comparison is None:
        return text
    passes = meets_threshold(votes, base, threshold, comparison)
    while places < _MAX_PLACES and _figure_passes(text, threshold, comparison) != passes:
        places += 1
        text = format_percent(exact, places)
    return text


def _figure_passes(text: str, threshold: Decimal, comparison: Comparison) -> bool:
    """Whether a printed figure ("29,995", "1.234,50") reads as meeting the threshold."""
    figure = Decimal(text.replace(".", "").replace(",", "."))
    return figure > threshold if comparison == Comparison.GREATER else figure >= threshold


def threshold_words(threshold: Decimal, comparison: Comparison) -> str:
    """The threshold as the plans word it: "trên 50 %" or "từ 30 % trở lên"."""
    figure = f"{threshold.normalize():f}".replace(".", ",")
    if comparison == Comparison.GREATER:
        return f"trên {figure}%"
    return f"từ {figure}% trở lên"


@dataclass(frozen=True)
class QuotaFill(Generic[T]):
    """Outcome of filling a quota: who is selected, and the tie at the last place if any.

    ``selected`` is in rank order (votes descending; inside the resolved tie, the head's choice).
    ``tied`` lists everyone sharing the last place's votes when they outnumber the places left;
    ``places_left`` is how many of them may be taken; ``resolved`` says whether the head's
    choices fill exactly those places.
    """

    selected: tuple[T, ...]
    not_selected: tuple[T, ...]
    tied: tuple[T, ...] = ()
    places_left: int = 0
    resolved: bool = True


def fill_quota(
    candidates: Sequence[T],
    quota: int,
    votes: Callable[[T], int],
    head_choice: Callable[[T], bool],
    order: Callable[[T], object],
) -> QuotaFill[T]:
    """Take passers from the top down until ``quota`` is full (seed part B.II.1.1.3, step 4).

    ``candidates`` must already have passed the deciding step and be eligible. When two or more
    share the votes of the last place and there are fewer places than of them, docgen does not
    choose: the tie is reported, and only those marked by the head (``head_choice``) are taken.
    ``order`` breaks display order among equal votes (name order); it never decides selection.
    """
    ranked = sorted(candidates, key=lambda c: (-votes(c), not head_choice(c), order(c)))
    if len(ranked) <= quota:
        return QuotaFill(tuple(ranked), ())
    if quota <= 0:
        return QuotaFill((), tuple(ranked))
    last_votes = votes(ranked[quota - 1])
    above = [c for c in ranked if votes(c) > last_votes]
    tied = [c for c in ranked if votes(c) == last_votes]
    below = [c for c in ranked if votes(c) < last_votes]
    places_left = quota - len(above)
    if len(tied) <= places_left:
        return QuotaFill(tuple(above + tied), tuple(below))
    chosen = [c for c in tied if head_choice(c)]
    if len(chosen) == places_left:
        rest = [c for c in tied if not head_choice(c)]
        return QuotaFill(tuple(above + chosen), tuple(rest + below), tuple(tied), places_left, True)
    return QuotaFill(tuple(above), tuple(tied + below), tuple(tied), places_left, False)
