"""Vietnamese text rules: normalisation, dates, numbers in words, percentages, name order, case.

Source for every rule here: ``shared/spec/vietnamese.md`` (and ``format.md`` for the date line).
These are part of the product, so they are our own code with exhaustive tests rather than a
library: the PyPI number-word packages get 2026 and "linh" wrong (see the spec).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

__all__ = [
    "normalize_text",
    "normalize_name",
    "fold_key",
    "long_date",
    "short_date",
    "pad_short_dates",
    "number_words",
    "count_with_words",
    "format_number",
    "format_percent",
    "percent_of",
    "name_sort_key",
    "person_sort_key",
    "sort_names",
    "upper_vi",
    "ascii_slug",
    "roman_numeral",
    "letter_label",
]

_SPACES = re.compile(r"\s+")


def normalize_text(value: str) -> str:
    """Return ``value`` in NFC with surrounding whitespace removed.

    Decomposed input (NFD, from macOS files or web forms) renders with detached accents and breaks
    matching, so every input string passes through here on the way in.
    """
    return unicodedata.normalize("NFC", value).strip()


def normalize_name(value: str) -> str:
    """Return a person's name in NFC, trimmed, with inner whitespace collapsed to single spaces."""
    return _SPACES.sub(" ", normalize_text(value))


@functools.lru_cache(maxsize=65536)
def fold_key(value: str) -> str:
    """Return the matching key of a header, label or name: NFC, case-folded, spaces collapsed.

    Used wherever the input contract says "match ignoring case, surrounding spaces and Unicode
    form" (inputs.md).
    """
    return _SPACES.sub(" ", normalize_text(value)).casefold()


# --- dates -------------------------------------------------------------------------------------


def long_date(day: date) -> str:
    """Return the long date form "ngày 05 tháng 02 năm 2026".

    The day is zero-padded below 10; the month only for 1 and 2 ("tháng 01", "tháng 02",
    "tháng 3" … "tháng 12"); the year has four digits (format.md, "Place and date").
    """
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def short_date(day: date) -> str:
    """Return the table form dd/mm/yyyy."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


_LOOSE_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")


def pad_short_dates(text: str) -> str:
    """Rewrite every d/m/yyyy date inside free text in the one table form dd/mm/yyyy
    ("Số 215-QĐ/ĐU ngày 10/3/2021" → "… ngày 10/03/2021"), so that a paper uses one date style
    (issue 8). Text that is not a calendar date (day 1–31, month 1–12) is left alone."""

    def pad(match: re.Match[str]) -> str:
        day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
        if not (1 <= day <= 31 and 1 <= month <= 12):
            return match.group(0)
        return f"{day:02d}/{month:02d}/{year}"

    return _LOOSE_DATE.sub(pad, text)


# --- numbers in words ---------------------------------------------------------------------------

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_SCALES = ("", "nghìn", "triệu", "tỷ")


def _below_thousand(n: int, *, full: bool) -> list[str]:
    """Words for 0 < n < 1000; ``full`` speaks zero hundreds ("không trăm") inside a larger number."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append("linh")
            words.append(_DIGITS[units])
        return words
    if tens == 1:
        words.append("mười")
        if units == 5:
            words.append("lăm")
        elif units:
            words.append(_DIGITS[units])
        return words
    words += [_DIGITS[tens], "mươi"]
    if units == 1:
        words.append("mốt")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


def _integer_words(n: int) -> list[str]:
    if n == 0:
        return ["không"]
    groups: list[int] = []
    while n:
        n, group = divmod(n, 1000)
        groups.append(group)
    if len(groups) > len(_SCALES):
        raise ValueError("number_words supports numbers below one thousand billion (nghìn tỷ)")
    words: list[str] = []
    top = len(groups) - 1
    for index in range(top, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        words += _below_thousand(group, full=index != top)
        if _SCALES[index]:
            words.append(_SCALES[index])
    return words


def number_words(value: int | Decimal | str) -> str:
    """Spell a non-negative number in Vietnamese words.

    Integers follow vietnamese.md: "mốt"/"lăm"/"bốn" after "mươi", "lăm" after "mười", "linh" for
    zero tens after a hundred, zero hundreds spoken inside a larger number (2026 = "hai nghìn không
    trăm hai mươi sáu"), scale words nghìn / triệu / tỷ. Decimals are read with "phẩy" followed by
    the fractional part read as a number (52,5 = "năm mươi hai phẩy năm").

    ``value`` may be an int, a Decimal or a string using either "," or "." as decimal mark.

    Raises:
        ValueError: for a negative or non-numeric value.
    """
    if isinstance(value, str):
        value = Decimal(value.strip().replace(",", "."))
    if isinstance(value, Decimal):
        if value < 0:
            raise ValueError(f"number_words needs a non-negative number, got {value}")
        sign, digits, exponent = value.as_tuple()
        if not isinstance(exponent, int):
            raise ValueError(f"number_words needs a finite number, got {value}")
        text = format(value, "f")
        if "." not in text:
            return number_words(int(text))
        whole, fraction = text.split(".")
        words = _integer_words(int(whole))
        words.append("phẩy")
        leading_zeros = len(fraction) - len(fraction.lstrip("0"))
        words += ["không"] * leading_zeros
        if fraction.strip("0"):
            words += _integer_words(int(fraction.lstrip("0")))
        return " ".join(words)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"number_words needs a number, got {value!r}")
    if value < 0:
        raise ValueError(f"number_words needs a non-negative number, got {value}")
    return " ".join(_integer_words(value))


def count_with_words(value: int, unit: str = "") -> str:
    """Return "15 (mười lăm) phiếu": the figure, its words in brackets, then the unit if given."""
    text = f"{format_number(value)} ({number_words(value)})"
    return f"{text} {unit}" if unit else text


# --- numerals and percentages ------------------------------------------------------------------


def format_number(value: int) -> str:
    """Group thousands with a dot: 1234 → "1.234". Years are not passed through here."""
    return f"{value:,}".replace(",", ".")


def percent_of(part: int, base: int) -> Fraction:
    """Return ``part`` as an exact percentage of ``base`` (a Fraction, e.g. 7/14 → 50).

    Raises:
        ZeroDivisionError: when ``base`` is 0.
    """
    return Fraction(part * 100, base)


def format_percent(value: Fraction | Decimal | int, places: int = 2) -> str:
    """Format a percentage with a decimal comma, rounded half up: Fraction(105, 2) → "52,50".

    Display only: outcomes are decided on exact integers (rules.votes), never on this figure.
    """
    exact = Fraction(value) if not isinstance(value, Fraction) else value
    quantum = Decimal(1).scaleb(-places)
    decimal = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        quantum, rounding=ROUND_HALF_UP
    )
    whole, _, fraction = f"{decimal:f}".partition(".")
    grouped = format_number(int(whole))
    return f"{grouped},{fraction}" if places else grouped


# --- name order ----------------------------------------------------------------------------------

_ALPHABET = [
    "a",
    "ă",
    "â",
    "b",
    "c",
    "d",
    "đ",
    "e",
    "ê",
    "g",
    "h",
    "i",
    "k",
    "l",
    "m",
    "n",
    "o",
    "ô",
    "ơ",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "ư",
    "v",
    "x",
    "y",
]
_LETTER_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
# Tone marks (combining characters after NFD of the base letter): none, huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Combining marks that make a base letter (ă â ê ô ơ ư); đ has no decomposition.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}


def _split_letter(char: str) -> tuple[str, int]:
    """Return (base letter of the Vietnamese alphabet, tone rank) of one lower-case character."""
    decomposed = unicodedata.normalize("NFD", char)
    tone = 0
    kept = []
    for mark in decomposed:
        if mark in _TONE_RANK:
            tone = _TONE_RANK[mark]
        else:
            kept.append(mark)
    return unicodedata.normalize("NFC", "".join(kept)), tone


WordKey = tuple[tuple[tuple[int, str], ...], tuple[int, ...]]
"""One word's sort key: its letters (rank in the Vietnamese alphabet), then its tones."""


def _word_key(word: str) -> WordKey:
    letters: list[tuple[int, str]] = []
    tones: list[int] = []
    for char in normalize_text(word).lower():
        base, tone = _split_letter(char)
        rank = _LETTER_RANK.get(base)
        # Letters outside the Vietnamese alphabet (f, j, w, z, digits) sort after it, by code point.
        letters.append((rank, "") if rank is not None else (len(_ALPHABET), base))
        tones.append(tone)
    return tuple(letters), tuple(tones)


NameKey = tuple[WordKey, tuple[WordKey, ...], WordKey]
"""A full name's sort key: (given name, middle names in order, family name), each a WordKey."""


@functools.lru_cache(maxsize=65536)
def name_sort_key(full_name: str) -> NameKey:
    """Return the sort key of a full name in official Vietnamese order (vietnamese.md, "Sorting
    people"): a tuple (given name, middle names, family name), each word a (letters, tones) pair.

    The given name (last word) is compared completely first, letter by letter in the Vietnamese
    alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y), then by its tone marks
    (none, huyền, hỏi, ngã, sắc, nặng); only when it is the same word, tones included, are the
    middle names compared (in order, each word letters then tones; no middle name sorts before
    any), then the family name (the first word; none for a one-word name). So "Lê Văn Anh" comes
    before "Hà Thị Ánh": Anh < Ánh decides and the family names are never reached. Case, Unicode
    form and spacing do not matter. Ties beyond that (the same name) are for the caller to break,
    by date of birth, older first: see ``person_sort_key``.
    """
    words = normalize_name(full_name).split(" ")
    given = _word_key(words[-1])
    middle = tuple(_word_key(word) for word in words[1:-1])
    family = _word_key(words[0]) if len(words) > 1 else ((), ())
    return given, middle, family


def person_sort_key(full_name: str, born: int) -> tuple[NameKey, int]:
    """The sort key of a person in official lists: the name (``name_sort_key``), then ``born``,
    any number that grows with the date of birth (e.g. year × 12 + month), so that of two
    people with the same name the older comes first."""
    return name_sort_key(full_name), born


def sort_names(names: Sequence[str]) -> list[str]:
    """Return ``names`` sorted in official Vietnamese order (see ``name_sort_key``)."""
    return sorted(names, key=name_sort_key)


# --- case ------------------------------------------------------------------------------------------


def upper_vi(text: str) -> str:
    """Upper-case Vietnamese text in NFC (ủy → ỦY, đảng → ĐẢNG), keeping the tone placement given."""
    return unicodedata.normalize("NFC", normalize_text(text).upper())


def ascii_slug(text: str) -> str:
    """A file-name slug: "Phó Trưởng phòng" → "pho-truong-phong" (đ → d, marks dropped)."""
    decomposed = unicodedata.normalize(
        "NFD", normalize_text(text).replace("đ", "d").replace("Đ", "D")
    )
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


_ROMAN_VALUES = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def roman_numeral(number: int) -> str:
    """``number`` (1 or more) in Roman numerals, as group and section labels print it: 4 → "IV",
    14 → "XIV", 1999 → "MCMXCIX"; thousands repeat "M" (no upper bound).

    Raises:
        ValueError: for a number below 1 (Roman numerals have no zero).
    """
    if number < 1:
        raise ValueError(f"Roman numerals start at 1, not {number}")
    parts: list[str] = []
    for value, symbol in _ROMAN_VALUES:
        count, number = divmod(number, value)
        parts.append(symbol * count)
    return "".join(parts)


def letter_label(number: int) -> str:
    """``number`` (1 or more) as a capital letter label: 1 → "A", 26 → "Z", then "AA", "AB" …
    as spreadsheet columns go (Latin letters: plans label their parts A., B., C.).

    Raises:
        ValueError: for a number below 1.
    """
    if number < 1:
        raise ValueError(f"letter labels start at 1, not {number}")
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
