"""Vietnamese text rules (shared/spec/vietnamese.md): every rule at its edge."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from docgen.vietnamese import (
    count_with_words,
    fold_key,
    format_number,
    format_percent,
    letter_label,
    long_date,
    name_sort_key,
    normalize_name,
    number_words,
    percent_of,
    roman_numeral,
    short_date,
    sort_names,
    upper_vi,
)


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "không"),
        (1, "một"),
        (4, "bốn"),
        (5, "năm"),
        (10, "mười"),
        (11, "mười một"),
        (14, "mười bốn"),
        (15, "mười lăm"),
        (20, "hai mươi"),
        (21, "hai mươi mốt"),
        (24, "hai mươi bốn"),
        (25, "hai mươi lăm"),
        (31, "ba mươi mốt"),
        (55, "năm mươi lăm"),
        (99, "chín mươi chín"),
        (100, "một trăm"),
        (101, "một trăm linh một"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (111, "một trăm mười một"),
        (115, "một trăm mười lăm"),
        (121, "một trăm hai mươi mốt"),
        (1000, "một nghìn"),
        (1001, "một nghìn không trăm linh một"),
        (1015, "một nghìn không trăm mười lăm"),
        (1021, "một nghìn không trăm hai mươi mốt"),
        (2026, "hai nghìn không trăm hai mươi sáu"),
        (2100, "hai nghìn một trăm"),
        (10_005, "mười nghìn không trăm linh năm"),
        (1_000_000, "một triệu"),
        (1_000_005, "một triệu không trăm linh năm"),
        (2_500_000, "hai triệu năm trăm nghìn"),
        (1_000_000_000, "một tỷ"),
        (
            123_456_789,
            "một trăm hai mươi ba triệu bốn trăm năm mươi sáu nghìn bảy trăm tám mươi chín",
        ),
    ],
)
def test_number_words_follow_the_spoken_rules(number: int, words: str) -> None:
    assert number_words(number) == words


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("52,5", "năm mươi hai phẩy năm"),
        (Decimal("52.5"), "năm mươi hai phẩy năm"),
        ("0,05", "không phẩy không năm"),
        ("10,25", "mười phẩy hai mươi lăm"),
        ("7", "bảy"),
    ],
)
def test_decimals_are_read_with_phay(value: str | Decimal, words: str) -> None:
    assert number_words(value) == words


@pytest.mark.parametrize("bad", [-1, "abc", True, 10**12])
def test_number_words_rejects_what_it_cannot_say(bad: object) -> None:
    with pytest.raises((ValueError, ArithmeticError)):
        number_words(bad)  # type: ignore[arg-type]


def test_count_with_words_puts_words_in_brackets() -> None:
    assert count_with_words(15, "phiếu") == "15 (mười lăm) phiếu"
    assert count_with_words(1234) == "1.234 (một nghìn hai trăm ba mươi bốn)"


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
        (date(2026, 1, 15), "ngày 15 tháng 01 năm 2026"),
        (date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
        (date(2026, 7, 15), "ngày 15 tháng 7 năm 2026"),
        (date(2026, 12, 31), "ngày 31 tháng 12 năm 2026"),
    ],
)
def test_long_date_pads_day_and_only_months_one_and_two(day: date, text: str) -> None:
    assert long_date(day) == text


def test_short_date_is_dd_mm_yyyy() -> None:
    assert short_date(date(2022, 4, 5)) == "05/04/2022"


@pytest.mark.parametrize(
    ("part", "base", "text"),
    [
        (7, 14, "50,00"),
        (2, 3, "66,67"),
        (1, 3, "33,33"),
        (1, 8, "12,50"),
        (1, 200, "0,50"),
        (1, 400, "0,25"),
        (1, 800, "0,13"),  # 0,125 rounds half up
        (9, 30, "30,00"),
        (5, 5, "100,00"),
    ],
)
def test_percent_has_two_decimals_rounded_half_up_with_a_comma(
    part: int, base: int, text: str
) -> None:
    assert format_percent(percent_of(part, base)) == text


def test_percent_of_is_exact() -> None:
    assert percent_of(7, 14) == Fraction(50)
    assert percent_of(1, 3) == Fraction(100, 3)


def test_thousands_are_grouped_with_a_dot() -> None:
    assert format_number(1234567) == "1.234.567"
    assert format_number(999) == "999"


def test_names_sort_by_given_name_then_middle_then_family() -> None:
    names = [
        "Trần Văn Yến",
        "Nguyễn Thị Ân",
        "Lê Văn Anh",
        "Đỗ Văn An",
        "Phạm Văn Đức",
        "Hoàng Dũng",
    ]
    assert sort_names(names) == [
        "Đỗ Văn An",
        "Lê Văn Anh",
        "Nguyễn Thị Ân",
        "Hoàng Dũng",
        "Phạm Văn Đức",
        "Trần Văn Yến",
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Lê An", "Lê Ăn"),  # a < ă
        ("Lê Ăn", "Lê Ân"),  # ă < â
        ("Lê Dung", "Lê Đông"),  # d < đ
        ("Lê Đông", "Lê Em"),  # đ < e
        ("Lê Eo", "Lê Ê"),  # e < ê
        ("Lê Oanh", "Lê Ôn"),  # o < ô
        ("Lê Ôn", "Lê Ơn"),  # ô < ơ
        ("Lê Ơn", "Lê Phúc"),  # ơ < p
        ("Lê Uyên", "Lê Ưng"),  # u < ư
        ("Lê Ưng", "Lê Vân"),  # ư < v
        ("Lê Xuân", "Lê Yến"),
        ("Lê Ma", "Lê Mà"),  # tone: none < huyền
        ("Lê Mà", "Lê Mả"),  # huyền < hỏi
        ("Lê Mả", "Lê Mã"),  # hỏi < ngã
        ("Lê Mã", "Lê Má"),  # ngã < sắc
        ("Lê Má", "Lê Mạ"),  # sắc < nặng
        ("Lê Mạ", "Lê Mai"),  # letters decide before tones
        ("Lê Văn Bình", "Lê Xuân Bình"),  # same given name: middle name next
        ("Đỗ Văn Bình", "Lê Văn Bình"),  # then family name, with đ after d
    ],
)
def test_vietnamese_alphabet_and_tones_order(first: str, second: str) -> None:
    assert name_sort_key(first) < name_sort_key(second)


def test_sorting_is_the_same_for_decomposed_input() -> None:
    names = ["Ưng Thị Ánh", "Vì Thị Yến", "Đỗ Minh Đức"]
    decomposed = [unicodedata.normalize("NFD", n) for n in names]
    assert [unicodedata.normalize("NFC", n) for n in sort_names(decomposed)] == sort_names(names)


def test_python_default_order_is_wrong_and_ours_is_not() -> None:
    assert sorted(["Đức", "Yến"]) == ["Yến", "Đức"]  # why this module exists
    assert sort_names(["Đức", "Yến"]) == ["Đức", "Yến"]


def test_normalisation_makes_nfc_trims_and_collapses_spaces() -> None:
    assert normalize_name(unicodedata.normalize("NFD", "  Nguyễn   Văn  Ân ")) == "Nguyễn Văn Ân"
    assert fold_key(" NGÀY SINH ") == fold_key(unicodedata.normalize("NFD", "Ngày sinh"))


def test_upper_case_is_vietnamese_aware() -> None:
    assert upper_vi("đảng ủy phường") == "ĐẢNG ỦY PHƯỜNG"


@pytest.mark.parametrize(
    ("number", "numeral"),
    [
        (1, "I"),
        (4, "IV"),
        (9, "IX"),
        (12, "XII"),
        (13, "XIII"),
        (14, "XIV"),
        (40, "XL"),
        (49, "XLIX"),
        (90, "XC"),
        (400, "CD"),
        (1999, "MCMXCIX"),
        (2026, "MMXXVI"),
        (4000, "MMMM"),
    ],
)
def test_roman_numerals_are_generated_for_any_count(number: int, numeral: str) -> None:
    assert roman_numeral(number) == numeral


def test_roman_numerals_are_unique_and_round_trip_for_the_first_thousand() -> None:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}

    def parse(text: str) -> int:
        total = 0
        for here, after in zip(text, [*text[1:], ""], strict=True):
            total += -values[here] if after and values[after] > values[here] else values[here]
        return total

    numerals = [roman_numeral(n) for n in range(1, 1001)]
    assert len(set(numerals)) == 1000
    assert [parse(n) for n in numerals] == list(range(1, 1001))
    with pytest.raises(ValueError):
        roman_numeral(0)


def test_letter_labels_go_on_after_z() -> None:
    assert [letter_label(n) for n in (1, 2, 26, 27, 28, 52, 53, 702, 703)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]
    with pytest.raises(ValueError):
        letter_label(0)
