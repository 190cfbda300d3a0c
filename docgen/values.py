"""Cell values → typed values: partial dates, dates, times, counts, marks and lists.

Workbook cells arrive as Excel dates, numbers or text; YAML and JSON as strings and numbers. Each
parser here accepts all of those forms and raises ValueError with a short phrase of what it
expected, which the loaders turn into located problems.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from docgen.vietnamese import normalize_text

__all__ = [
    "PartialDate",
    "parse_partial_date",
    "parse_date",
    "parse_time",
    "parse_count",
    "parse_mark",
    "parse_list",
    "is_blank",
]


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the day, the month or only the year (ngày sinh of old records).

    ``month`` and ``day`` are None when unknown: a birth year alone is a fact, not 01/01
    (vietnamese.md, "Dates"). ``str()`` gives the form it came in: dd/mm/yyyy, mm/yyyy or yyyy.
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year}"
        if self.day is None:
            return f"{self.month:02d}/{self.year}"
        return f"{self.day:02d}/{self.month:02d}/{self.year}"

    def month_index(self) -> int:
        """Months since year 0, taking January when only the year is known (domain.md §3)."""
        return self.year * 12 + (self.month or 1) - 1

    def earliest(self) -> date:
        """The first day the value can stand for: 1 January / day 1 when unknown."""
        return date(self.year, self.month or 1, self.day or 1)

    @classmethod
    def of(cls, day: date) -> PartialDate:
        return cls(day.year, day.month, day.day)


_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_MY = re.compile(r"^(\d{1,2})[/.-](\d{4})$")
_Y = re.compile(r"^(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$")
_TIME = re.compile(r"^(\d{1,2})\s*(?::|h|giờ)\s*(\d{1,2})?\s*(?:phút|')?$", re.IGNORECASE)


def is_blank(value: Any) -> bool:
    """True for None and for text that is empty after trimming."""
    return value is None or (isinstance(value, str) and not normalize_text(value))


def parse_partial_date(value: Any) -> PartialDate:
    """Parse an Excel date, "dd/mm/yyyy", "mm/yyyy", "yyyy", an ISO date or a year number.

    Raises:
        ValueError: when the value is none of those or names an impossible day.
    """
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, datetime):
        return PartialDate.of(value.date())
    if isinstance(value, date):
        return PartialDate.of(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100:
        return PartialDate(value)
    if isinstance(value, float) and value.is_integer() and 1900 <= value <= 2100:
        return PartialDate(int(value))
    if isinstance(value, dict) and "year" in value:
        return PartialDate(int(value["year"]), value.get("month"), value.get("day"))
    text = normalize_text(str(value)) if value is not None else ""
    try:
        if match := _DMY.match(text):
            day, month, year = (int(g) for g in match.groups())
            date(year, month, day)
            return PartialDate(year, month, day)
        if match := _ISO.match(text):
            year, month, day = (int(g) for g in match.groups())
            date(year, month, day)
            return PartialDate(year, month, day)
        if match := _MY.match(text):
            month, year = (int(g) for g in match.groups())
            date(year, month, 1)
            return PartialDate(year, month)
        if match := _Y.match(text):
            return PartialDate(int(match.group(1)))
    except ValueError as exc:
        raise ValueError(f"a real date (dd/mm/yyyy, mm/yyyy or yyyy), not “{text}”") from exc
    raise ValueError(f"a date as dd/mm/yyyy, mm/yyyy or yyyy, not “{text}”")


def parse_date(value: Any) -> date:
    """Parse a full date (Excel date, "dd/mm/yyyy" or ISO).

    Raises:
        ValueError: for partial or malformed dates.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    partial = parse_partial_date(value)
    if partial.day is None or partial.month is None:
        raise ValueError(f"a full date dd/mm/yyyy, not “{partial}”")
    return partial.earliest()


def parse_time(value: Any) -> time:
    """Parse an Excel time or "14:00", "14h30", "14 giờ 30".

    Raises:
        ValueError: for anything else.
    """
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    text = normalize_text(str(value))
    match = _TIME.match(text)
    if not match:
        raise ValueError(f"a time as hh:mm, not “{text}”")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    try:
        return time(hour, minute)
    except ValueError as exc:
        raise ValueError(f"a time as hh:mm, not “{text}”") from exc


def parse_count(value: Any) -> int:
    """Parse a whole non-negative number (a count of people, ballots or votes).

    Raises:
        ValueError: for fractions, negatives and text that is not a number.
    """
    if isinstance(value, bool):
        raise ValueError(f"a whole number, not “{value}”")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = normalize_text(str(value))
        if not re.fullmatch(r"\d+", text):
            raise ValueError(f"a whole number, not “{text}”")
        number = int(text)
    if number < 0:
        raise ValueError(f"a whole number of 0 or more, not “{number}”")
    return number


def parse_mark(value: Any) -> bool:
    """Parse a tick column: "x" (any case), True, 1 → True; blank, False, 0 → False.

    Raises:
        ValueError: for any other text.
    """
    if value is None or value is False or value == 0:
        return False
    if value is True or value == 1:
        return True
    text = normalize_text(str(value)).casefold()
    if text in {"", "không", "no", "false"}:
        return False
    if text in {"x", "có", "yes", "true"}:
        return True
    raise ValueError(f"“x” or blank, not “{text}”")


def parse_list(value: Any) -> list[str]:
    """Split a cell of several items separated by ";" (or a YAML list) into trimmed items."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        items = [normalize_text(str(v)) for v in value]
    else:
        items = [normalize_text(part) for part in str(value).split(";")]
    return [item for item in items if item]
