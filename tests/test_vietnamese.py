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
    person_sort_key,
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


ALPHABET = list("aăâbcdđeêghiklmnoôơpqrstuưvxy")  # vietnamese.md, in order


@pytest.mark.parametrize(("first", "second"), list(zip(ALPHABET, ALPHABET[1:], strict=False)))
def test_every_letter_of_the_alphabet_sorts_before_the_next(first: str, second: str) -> None:
    assert name_sort_key(f"Lê {first}") < name_sort_key(f"Lê {second}")
    assert name_sort_key(f"Lê {first.upper()}") < name_sort_key(f"Lê {second.upper()}")


def test_the_whole_alphabet_sorts_in_order_whatever_order_it_comes_in() -> None:
    names = [f"Lê Văn {letter.upper()}n" for letter in ALPHABET]
    assert sort_names(list(reversed(names))) == names
    assert sort_names(sorted(names)) == names  # Python's order puts đ after y


@pytest.mark.parametrize("vowel", ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"])
def test_tones_sort_none_huyen_hoi_nga_sac_nang_on_every_vowel(vowel: str) -> None:
    # none, huyền, hỏi, ngã, sắc, nặng
    marks = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]
    names = [
        "Lê M" + unicodedata.normalize("NFC", unicodedata.normalize("NFD", vowel) + mark)
        for mark in marks
    ]
    assert sort_names(list(reversed(names))) == names


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # vietnamese.md's example: Anh < Ánh decides, the family names are never reached.
        ("Lê Văn Anh", "Hà Thị Ánh"),
        # The given name is compared completely (letters, then tones) before the middle names.
        ("Vũ Xuân Anh", "An Anh Ánh"),
        ("Ưng Thị Mạ", "An An Mai"),  # letters decide before tones inside the word
        ("Lê Anh", "Lê Văn Ánh"),  # tones of the given name before the middle names
        # Same given name: the middle names, letters then tones, before the family name.
        ("Trần An Bình", "An Bá Bình"),
        ("Trần Văn Bình", "An Vấn Bình"),
        ("Trần Thị Minh Hà", "An Thị Mính Hà"),
        ("Nguyễn Hà", "An Văn Hà"),  # no middle name sorts before any
        # Same given and middle names: the family name decides, letters then tones.
        ("Đỗ Văn Bình", "Lê Văn Bình"),
        ("Hà Văn Bình", "Hạ Văn Bình"),
        ("Lê Bình", "Lễ Bình"),
        ("Bình", "An Bình"),  # a one-word name has no family name
    ],
)
def test_given_name_then_middle_then_family_each_letters_then_tones(
    first: str, second: str
) -> None:
    assert name_sort_key(first) < name_sort_key(second)
    assert sort_names([second, first]) == [first, second]


def test_a_list_sorts_by_given_name_first_then_tones_of_the_given_name() -> None:
    names = ["Hà Thị Ánh", "Lê Văn Anh", "Đỗ Thị Ân", "Nguyễn Anh", "Trần Văn Ăn", "Bùi Văn Ạnh"]
    assert sort_names(names) == [
        "Nguyễn Anh",
        "Lê Văn Anh",
        "Hà Thị Ánh",
        "Bùi Văn Ạnh",
        "Trần Văn Ăn",
        "Đỗ Thị Ân",
    ]


def test_case_spaces_and_unicode_form_do_not_change_the_order() -> None:
    assert name_sort_key("  lê   văn ANH ") == name_sort_key("Lê Văn Anh")
    assert name_sort_key(unicodedata.normalize("NFD", "Hà Thị Ánh")) == name_sort_key("Hà Thị Ánh")


def test_people_with_the_same_name_sort_older_first() -> None:
    older = person_sort_key("Phạm Văn Ân", 1980 * 12)
    younger = person_sort_key("Phạm Văn Ân", 1990 * 12)
    assert older < younger
    assert person_sort_key("Lê Văn Anh", 1999 * 12) < older  # the name decides before age


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
