"""What every paper shares: issuer header, number and symbol, place and date, signature, names."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from docgen.decide import CandidateDecision
from docgen.models import Cadre, IssuerKind, RoundInfo, RoundInput
from docgen.values import PartialDate
from docgen.vietnamese import (
    fold_key,
    long_date,
    number_words,
    person_sort_key,
    roman_numeral,
    upper_vi,
)

__all__ = [
    "DOCUMENT_SYMBOLS",
    "group_numeral",
    "number_symbol",
    "place_date",
    "header_context",
    "signature_context",
    "unit_phrase",
    "titles_phrase",
    "lower_first",
    "upper_first",
    "COLLECTIVE_MARK",
    "collective_authority",
    "signing_position",
    "person_position",
    "people_count",
    "in_name_order",
    "person_order_key",
    "candidates_in_name_order",
]


def person_order_key(cadre: Cadre) -> tuple:
    """The key that sorts people as official lists do (see ``in_name_order``)."""
    return person_sort_key(cadre.full_name, cadre.birth_date.month_index())


def in_name_order(cadres: Iterable[Cadre]) -> list[Cadre]:
    """``cadres`` in the order of official lists: given name first, letters then tones inside
    each word, the older first for the same name (vietnamese.md, "Sorting people"). Lists
    grouped by title keep the groups and sort within each; counts ranked by votes (the minutes,
    the quota fill) are not sorted by name."""
    return sorted(cadres, key=person_order_key)


def candidates_in_name_order(candidates: Iterable[CandidateDecision]) -> list[CandidateDecision]:
    """``candidates`` in the order of their people (see ``in_name_order``)."""
    return sorted(candidates, key=lambda candidate: person_order_key(candidate.cadre))


DOCUMENT_SYMBOLS = {"submission": "TTr", "minutes": "BB", "plan": "KH", "report": "BC"}
"""Document-type abbreviations (format.md, "Document-type abbreviations")."""


def group_numeral(index: int) -> str:
    """The Roman numeral of the group at 0-based ``index`` (format.md, Tables): 0 → "I"; any
    number of groups."""
    return roman_numeral(index + 1)


_BLANK_NUMBER = "\u00a0" * 6


def number_symbol(
    kind: IssuerKind, number: str | None, document_type: str, body_symbol: str
) -> str:
    """The number and symbol after "Số": State "12/TTr-VPUBND", Party "12-TTr/ĐU".

    Numbers below 10 get a leading zero ("05"). None leaves the number blank for the registry
    (văn thư) to fill, as issued papers do ("Số:      /KH-VPUB").
    """
    if number and number.isdigit():
        shown = f"{int(number):02d}"
    elif number:
        shown = number
    else:
        shown = _BLANK_NUMBER
    if kind == IssuerKind.STATE:
        return f"{shown}/{document_type}-{body_symbol}"
    return f"{shown}-{document_type}/{body_symbol}"


def place_date(place: str, day: date | PartialDate | None) -> str:
    """ "Sơn La, ngày 05 tháng 02 năm 2026"; blanks where the date is unknown or partial, as
    plans are issued before the registry dates them ("Sơn La, ngày      tháng 3 năm 2022")."""
    gap = "\u00a0" * 6
    if day is None:
        return f"{place}, ngày{gap}tháng{gap}năm{gap}"
    if isinstance(day, PartialDate):
        if day.month is None:
            return f"{place}, ngày{gap}tháng{gap}năm {day.year}"
        if day.day is None:
            month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
            return f"{place}, ngày{gap}tháng {month} năm {day.year}"
        day = day.earliest()
    return f"{place}, {long_date(day)}"


def header_context(
    info: RoundInfo, document_type: str, number: str | None, day: date | PartialDate | None
) -> dict[str, Any]:
    """The header fields of a template: bodies, number and symbol, place and date."""
    return {
        "parent_body": info.parent_body,
        "issuing_body": info.issuing_body,
        "number_symbol": number_symbol(info.issuer_kind, number, document_type, info.body_symbol),
        "place_date": place_date(info.place, day),
    }


def signature_context(info: RoundInfo) -> dict[str, str]:
    """The signature block: authority line (may be empty), position, name (format.md)."""
    return {
        "authority": info.signing_authority or "",
        "position": info.signer_position,
        "name": info.signer_name,
    }


def unit_phrase(info: RoundInfo) -> str:
    """How the prose names the issuer: "Tên đơn vị" when given, else its collective."""
    if info.unit_name:
        return info.unit_name
    return "Ban Thường vụ" if info.issuer_kind == IssuerKind.PARTY else "Tập thể lãnh đạo"


def titles_phrase(round_input: RoundInput) -> str:
    """ "chức danh Trưởng phòng, Phó Trưởng phòng"."""
    names = [t.name for t in round_input.titles]
    return "chức danh " + ", ".join(names)


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


COLLECTIVE_MARK = {IssuerKind.PARTY: "T/M", IssuerKind.STATE: "TM."}
"""Signing for a collective (format.md, Signature block): Party "T/M BAN THƯỜNG VỤ", State
"TM. ỦY BAN NHÂN DÂN"."""

_BODY_WORDS = (
    "Đảng ủy",
    "Thành ủy",
    "Tỉnh ủy",
    "Huyện ủy",
    "Quận ủy",
    "Thị ủy",
    "Chi bộ",
    "Đảng bộ",
    "UBND",
    "Ủy ban nhân dân",
    "HĐND",
    "Hội đồng nhân dân",
)
"""Words that start the name of the body in a position ("Bí thư Đảng ủy phường"): a position
line under a signature does not repeat the body (format.md)."""


def collective_authority(kind: IssuerKind, collective: str) -> str:
    """ "TM. TỔ KIỂM PHIẾU" (State), "T/M TỔ KIỂM PHIẾU" (Party)."""
    return f"{COLLECTIVE_MARK[kind]} {upper_vi(collective)}"


def signing_position(position: str) -> str:
    """The position line of a signature: the first position held, without the body, in capitals.

    "Bí thư Đảng ủy phường" → "BÍ THƯ"; "Phó Bí thư Đảng ủy, Chủ tịch UBND phường" → "PHÓ BÍ
    THƯ"; "Chánh Văn phòng UBND tỉnh" → "CHÁNH VĂN PHÒNG"; "BÍ THƯ" stays.
    """
    first = position.split(",")[0].strip()
    lowered = first.lower()
    cut = len(first)
    for word in _BODY_WORDS:
        at = lowered.find(" " + word.lower())
        if 0 < at < cut:
            cut = at
    return upper_vi(first[:cut].strip())


def person_position(round_input: RoundInput, name: str | None) -> str:
    """The position line a person signs with: from the cadre list when the name (or code) is
    there once, else from a signature block of the round that names them (the submission's, the
    plan's); empty when unknown."""
    if not name:
        return ""
    key = fold_key(name)
    matches = [
        c for c in round_input.cadres if key in (fold_key(c.full_name), fold_key(c.code or ""))
    ]
    if len(matches) == 1:
        return signing_position(matches[0].position)
    info = round_input.info
    if fold_key(info.signer_name) == key:
        return signing_position(info.signer_position)
    plan = round_input.plan
    if (
        plan is not None
        and plan.signer_name
        and plan.signer_position
        and fold_key(plan.signer_name) == key
    ):
        return signing_position(plan.signer_position)
    return ""


def people_count(count: int, words: bool = False) -> str:
    """A number of people as the seeds write it: "02", or "02 (hai)" with ``words``."""
    if words:
        return f"{count:02d} ({number_words(count)})"
    return f"{count:02d}"
