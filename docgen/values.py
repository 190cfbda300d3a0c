"""Cell values → typed values: partial dates, dates, times, counts, marks and lists.

Workbook cells arrive as Excel dates, numbers or text; YAML and JSON as strings, numbers, lists
and mappings. Each parser here accepts the forms that make sense and raises ``BadValue`` (a
ValueError) with a short phrase of what it expected and the value found, cut to a sane length,
which the loaders turn into located problems.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from docgen.i18n import _
from docgen.vietnamese import normalize_text

__all__ = [
    "BadValue",
    "MIN_YEAR",
    "MAX_YEAR",
    "quoted",
    "PartialDate",
    "parse_partial_date",
    "parse_date",
    "parse_time",
    "parse_count",
    "parse_percent",
    "parse_term",
    "parse_mark",
    "parse_list",
    "is_blank",
]


MIN_YEAR = 1900
MAX_YEAR = 2100
"""Years a date of a round may name (birth, Party membership, conferences, submission)."""

MAX_COUNT = 999_999_999
"""The largest count of people, ballots or votes accepted (a sanity bound, not a rule)."""

SHOWN_LENGTH = 80
"""How many characters of a value a message repeats before cutting it."""


def quoted(value: Any, limit: int = SHOWN_LENGTH) -> str:
    """A value as a message shows it: “text” cut to ``limit`` characters (with the full length
    given), or a plain description of a list or group of fields. None gives ""."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return "a group of named fields"
    if isinstance(value, list | tuple | set):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, bool):
        return "“x”" if value else "“false”"
    text = normalize_text(str(value)) if isinstance(value, str) else str(value)
    if len(text) > limit:
        return f"“{text[:limit]}…” ({len(text):,} characters)"
    return f"“{text}”"


class BadValue(ValueError):
    """A value that cannot be used, with what was expected and what was found.

    ``expected`` is a short phrase ("a whole number"); ``found`` is the value as ``quoted`` shows
    it; ``message`` replaces the generic "invalid value" when the problem has a better name.
    """

    def __init__(self, expected: str, found: Any = None, message: str = "", *, shown: str = ""):
        self.expected = expected
        self.found = shown or quoted(found)
        self.message = message
        super().__init__(f"{expected}, not {self.found}" if self.found else expected)


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


def _check_year(year: int, shown: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BadValue(
            _("a date between {low} and {high}").format(low=MIN_YEAR, high=MAX_YEAR),
            shown=shown,
            message="impossible date",
        )


def _real_date(year: int, month: int | None, day: int | None, shown: str) -> PartialDate:
    """The PartialDate of these parts, or BadValue when they name no real day or month."""
    _check_year(year, shown)
    try:
        date(year, month or 1, day or 1)
    except ValueError as exc:
        raise BadValue(
            _("a real date (dd/mm/yyyy, mm/yyyy or yyyy)"), shown=shown, message="not a date"
        ) from exc
    return PartialDate(year, month, day)


def _date_part(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,4}\s*", value):
        return int(value)
    raise ValueError


def _partial_from_mapping(value: dict) -> PartialDate:
    """{year: 1980, month: 3, day: 12} (month and day optional), as YAML may give a date."""
    expected = _("a date as dd/mm/yyyy, mm/yyyy or yyyy, or year, month and day as whole numbers")
    unknown = [key for key in value if key not in {"year", "month", "day"}]
    if unknown:
        raise BadValue(
            expected,
            None,
            "not a date",
            shown=_("the part {name}").format(name=quoted(str(unknown[0]))),
        )
    parts: dict[str, int | None] = {}
    for key in ("year", "month", "day"):
        try:
            parts[key] = _date_part(value.get(key))
        except ValueError:
            shown = _("{part} {value}, not a whole number").format(
                part=key, value=quoted(value[key])
            )
            raise BadValue(expected, None, "not a date", shown=shown) from None
    year, month, day = parts["year"], parts["month"], parts["day"]
    if year is None:
        raise BadValue(expected, None, "not a date", shown=_("no year"))
    if day is not None and month is None:
        raise BadValue(expected, None, "not a date", shown=_("a day without a month"))
    shown = f"year {year}" + (f", month {month}" if month is not None else "")
    shown += f", day {day}" if day is not None else ""
    return _real_date(year, month, day, shown)


def parse_partial_date(value: Any) -> PartialDate:
    """Parse an Excel date, "dd/mm/yyyy", "mm/yyyy", "yyyy", an ISO date, a year number or a
    mapping {year, month, day}.

    Raises:
        BadValue (a ValueError): when the value is none of those, names an impossible day or
            month, or a year outside MIN_YEAR..MAX_YEAR.
    """
    if isinstance(value, PartialDate):
        return _real_date(value.year, value.month, value.day, quoted(str(value)))
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        _check_year(value.year, quoted(value.strftime("%d/%m/%Y")))
        return PartialDate.of(value)
    if isinstance(value, int) and not isinstance(value, bool) and MIN_YEAR <= value <= MAX_YEAR:
        return PartialDate(value)
    if isinstance(value, float) and value.is_integer() and MIN_YEAR <= value <= MAX_YEAR:
        return PartialDate(int(value))
    if isinstance(value, dict):
        return _partial_from_mapping(value)
    if isinstance(value, list | tuple | set | bool):
        raise BadValue(_("a date as dd/mm/yyyy, mm/yyyy or yyyy"), value, "not a date")
    text = normalize_text(str(value)) if value is not None else ""
    shown = quoted(text)
    if match := _DMY.match(text):
        day, month, year = (int(g) for g in match.groups())
        return _real_date(year, month, day, shown)
    if match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
        return _real_date(year, month, day, shown)
    if match := _MY.match(text):
        month, year = (int(g) for g in match.groups())
        return _real_date(year, month, None, shown)
    if match := _Y.match(text):
        return _real_date(int(match.group(1)), None, None, shown)
    raise BadValue(_("a date as dd/mm/yyyy, mm/yyyy or yyyy"), shown=shown, message="not a date")


def parse_date(value: Any) -> date:
    """Parse a full date (Excel date, "dd/mm/yyyy", ISO, or a {year, month, day} mapping).

    Raises:
        BadValue (a ValueError): for partial, malformed or impossible dates (see
            ``parse_partial_date``).
    """
    partial = parse_partial_date(value)
    if partial.day is None or partial.month is None:
        raise BadValue(
            _("a full date dd/mm/yyyy"), shown=quoted(str(partial)), message="not a date"
        )
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
    if isinstance(value, dict | list | tuple | set):
        raise BadValue(_("a time as hh:mm"), value)
    text = normalize_text(str(value))
    match = _TIME.match(text)
    if not match:
        raise BadValue(_("a time as hh:mm"), text)
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    try:
        return time(hour, minute)
    except ValueError as exc:
        raise BadValue(_("a time as hh:mm"), text, "not a time") from exc


def parse_count(value: Any) -> int:
    """Parse a whole number from 0 to MAX_COUNT (a count of people, ballots or votes).

    Raises:
        BadValue (a ValueError): for fractions, negatives, absurdly large numbers and anything
            that is not a number.
    """
    if isinstance(value, bool | dict | list | tuple | set):
        raise BadValue(_("a whole number"), value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, float):
        raise BadValue(_("a whole number"), value)
    else:
        text = normalize_text(str(value))
        if not re.fullmatch(r"\d{1,12}", text):
            raise BadValue(_("a whole number"), text)
        number = int(text)
    if number < 0:
        raise BadValue(_("a whole number of 0 or more"), number)
    if number > MAX_COUNT:
        raise BadValue(
            _("a whole number up to {limit}").format(limit=f"{MAX_COUNT:,}"),
            number,
            "number too large",
        )
    return number


_PERCENT = re.compile(r"^(\d{1,6})(?:[.,](\d{1,20}))?$")


def parse_percent(value: Any) -> Decimal:
    """Parse a percentage: 50, "50", "50 %", "33,33", an Excel number. The range (0 to 100) is
    checked by validation, which knows whether the step needs one.

    Raises:
        BadValue (a ValueError): for text, fractions written as 2/3, exponents, negatives.
    """
    if isinstance(value, bool | dict | list | tuple | set):
        raise BadValue(_("a percentage such as 50 or 33.33"), value)
    if isinstance(value, int):
        value = str(value)
    elif isinstance(value, float):
        value = repr(value) if value == value and abs(value) < 1e7 else str(value)
    text = normalize_text(str(value)).rstrip("%").strip()
    match = _PERCENT.match(text)
    if not match:
        raise BadValue(_("a percentage such as 50 or 33.33"), normalize_text(str(value)))
    whole, fraction = match.groups()
    return Decimal(f"{whole}.{fraction}" if fraction else whole)


_TERM = re.compile(r"^(\d{4}) ?- ?(\d{4})$")


def parse_term(value: Any) -> str:
    """Parse a term (nhiệm kỳ) "yyyy-yyyy": the first year before the second, at most 10 years
    apart, both between MIN_YEAR and MAX_YEAR. Returns the text as written (trimmed).

    Raises:
        BadValue (a ValueError): for any other text, or a term that ends before it starts.
    """
    if isinstance(value, bool | dict | list | tuple | set):
        raise BadValue(_("a term as yyyy-yyyy"), value)
    text = normalize_text(str(value))
    match = _TERM.match(text)
    if not match:
        raise BadValue(_("a term as yyyy-yyyy"), text)
    start, end = (int(g) for g in match.groups())
    if not (MIN_YEAR <= start <= MAX_YEAR and MIN_YEAR <= end <= MAX_YEAR):
        raise BadValue(
            _("a term between {low} and {high}").format(low=MIN_YEAR, high=MAX_YEAR),
            text,
            "impossible term",
        )
    if end <= start:
        raise BadValue(
            _("a term as yyyy-yyyy, the first year before the second"),
            text,
            "the term ends before it starts",
        )
    if end - start > 10:
        raise BadValue(_("a term of at most 10 years"), text, "impossible term")
    return text


def parse_mark(value: Any) -> bool:
    """Parse a tick column: "x" (any case), True, 1 → True; blank, False, 0 → False.

    Raises:
        ValueError: for any other text.
    """
    if value is None or value is False or value == 0:
        return False
    if value is True or value == 1:
        return True
    if isinstance(value, dict | list | tuple | set):
        raise BadValue(_("“x” or blank"), value)
    text = normalize_text(str(value)).casefold()
    if text in {"", "không", "no", "false"}:
        return False
    if text in {"x", "có", "yes", "true"}:
        return True
    raise BadValue(_("“x” or blank"), text)


def parse_list(value: Any) -> list[str]:
    """Split a cell of several items separated by ";" (or a YAML list) into trimmed items.

    Raises:
        BadValue (a ValueError): for a mapping, or a list holding lists or mappings.
    """
    if value is None:
        return []
    if isinstance(value, dict):
        raise BadValue(_("items separated by “;” (or a list)"), value)
    if isinstance(value, list | tuple):
        if any(isinstance(v, dict | list | tuple) for v in value):
            raise BadValue(
                _("a list of texts"), shown=_("a list holding lists or groups of fields")
            )
        items = [normalize_text(str(v)) for v in value]
    else:
        items = [normalize_text(part) for part in str(value).split(";")]
    return [item for item in items if item]
