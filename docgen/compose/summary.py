"""Summary tables (biểu tổng hợp), A4 landscape: the review table and the new-term table.

Layout (domain.md §5): "(Kèm theo Tờ trình số … ngày …)" under the title; a column-number row
under the header; rows grouped by term (A., B.) then by title (I., II.); those removed in their
own group, by the vote or on an automatic-removal ground (the ground printed: domain.md §3);
the date of birth in the Nam or Nữ column. A passer of the deciding step the unit does not
propose ("Lý do không đề nghị") is listed under the title with the reason.
"""

from __future__ import annotations

from typing import Any

from docgen.compose.common import (
    candidates_in_name_order,
    group_numeral,
    in_name_order,
    number_symbol,
    place_date,
    signature_context,
)
from docgen.compose.steps import BASE_LABELS
from docgen.decide import CandidateDecision, Outcome, RoundDecision, TitleDecision
from docgen.models import Cadre, Gender, RoundInput, StepKind
from docgen.vietnamese import pad_short_dates, short_date

__all__ = [
    "summary_review_context",
    "summary_next_term_context",
    "attached_to",
    "identity_row",
    "group_row",
    "table_common",
    "titles_and_term",
    "removed_rows",
    "not_proposed",
]


def removed_rows(title: TitleDecision) -> list[tuple[Cadre, str]]:
    """Those who leave the planning of ``title`` and how the table says it: "Đưa ra khỏi quy
    hoạch" (by the removal vote), "Đưa ra khỏi quy hoạch (quá tuổi quy hoạch: còn 27 tháng, cần
    72 tháng)" (on an automatic-removal ground)."""
    rows = [(vote.cadre, "Đưa ra khỏi quy hoạch") for vote in title.voted_out]
    rows += [(auto.cadre, f"Đưa ra khỏi quy hoạch ({auto.ground})") for auto in title.auto_removals]
    order = {id(cadre): index for index, cadre in enumerate(in_name_order(c for c, _ in rows))}
    return sorted(rows, key=lambda row: order[id(row[0])])


def not_proposed(title: TitleDecision) -> list[CandidateDecision]:
    """Passers of the deciding step the unit does not propose, with its reason ("Lý do không
    đề nghị"), in name order."""
    return candidates_in_name_order(
        c for c in title.candidates if c.outcome == Outcome.NOT_PROPOSED
    )


def not_proposed_text(candidate: CandidateDecision) -> str:
    """ "Không đề nghị (đã được giới thiệu quy hoạch đủ 3 chức danh)"."""
    return f"{Outcome.LABELS[Outcome.NOT_PROPOSED]} ({candidate.unit_reason})"


def attached_to(round_input: RoundInput) -> str:
    info = round_input.info
    number = number_symbol(info.issuer_kind, info.submission_number, "TTr", info.body_symbol)
    day = f" ngày {short_date(info.submission_date)}" if info.submission_date else ""
    of = f" của {info.unit_name}" if info.unit_name else ""
    return f"(Kèm theo Tờ trình số {number}{day}{of})"


def identity_row(cadre: Cadre, index: int) -> dict[str, Any]:
    birth = str(cadre.birth_date)
    male = cadre.gender == Gender.MALE
    return {
        "group": False,
        "index": index,
        "name": cadre.full_name,
        "birth_male": birth if male else "",
        "birth_female": "" if male else birth,
        "position": cadre.position_and_unit,
        "education": cadre.education or "",
        "political_theory": cadre.political_theory or "",
    }


def group_row(label: str, name: str) -> dict[str, Any]:
    return {"group": True, "label": label, "name": name}


def table_common(round_input: RoundInput, subject: str) -> dict[str, Any]:
    """What every table attached to the submission shares: header bodies, subject, the
    "(Kèm theo Tờ trình …)" line, the preparer ("Người lập biểu", optional in "Thông tin
    chung"; left blank to be signed by hand) and the signer under a place-and-date line (the
    submission's date: the tables go with it)."""
    info = round_input.info
    return {
        "parent_body": info.parent_body,
        "issuing_body": info.issuing_body,
        "subject": subject,
        "attached_to": attached_to(round_input),
        "signature": signature_context(info),
        "place_date": place_date(info.place, info.submission_date),
        "prepared_by_heading": "NGƯỜI LẬP BIỂU",
        "prepared_by": info.prepared_by or "",
    }


def titles_and_term(round_input: RoundInput) -> str:
    """ "Chức danh Trưởng phòng, Phó Trưởng phòng - nhiệm kỳ 2021-2026": the subtitle of the
    tables, naming the titles planned and the term."""
    names = ", ".join(t.name for t in round_input.titles)
    return f"Chức danh {names} - nhiệm kỳ {round_input.info.term}"


def summary_review_context(round_input: RoundInput, decision: RoundDecision) -> dict[str, Any]:
    """The review table: kept and newly proposed per title, then those removed (group B)."""
    info = round_input.info
    years_known = sorted({year for cadre in round_input.cadres for year in cadre.ratings})
    last = (
        years_known[-1] if years_known else (info.submission_date or decision.decided_on).year - 1
    )
    years = [last - 2, last - 1, last]

    def row(cadre: Cadre, index: int, proposed_title: str, proposal: str) -> dict[str, Any]:
        data = identity_row(cadre, index)
        data.update(
            planned_title="; ".join(cadre.planned_titles),
            proposed_title=proposed_title,
            planning_decision=pad_short_dates(cadre.planning_decision or ""),
            ratings=[cadre.ratings.get(year, "") for year in years],
            proposal=proposal,
        )
        return data

    rows: list[dict[str, Any]] = [group_row("A", f"QUY HOẠCH NHIỆM KỲ {info.term}")]
    for number, title in enumerate(decision.titles):
        rows.append(group_row(group_numeral(number), f"Chức danh {title.title.name}"))
        index = 0
        for cadre in in_name_order(title.kept):
            index += 1
            rows.append(row(cadre, index, title.title.name, "Tiếp tục quy hoạch"))
        for candidate in candidates_in_name_order(title.proposed):
            index += 1
            rows.append(row(candidate.cadre, index, title.title.name, "Bổ sung quy hoạch"))
        for candidate in not_proposed(title):
            index += 1
            rows.append(row(candidate.cadre, index, "", not_proposed_text(candidate)))
    removed = [pair for title in decision.titles for pair in removed_rows(title)]
    if removed:
        rows.append(group_row("B", "ĐƯA RA KHỎI QUY HOẠCH"))
        for index, (cadre, proposal) in enumerate(removed, start=1):
            rows.append(row(cadre, index, "", proposal))
    return {
        **table_common(round_input, titles_and_term(round_input)),
        "years": [f"Năm {year}" for year in years],
        "rows": rows,
    }


def summary_next_term_context(round_input: RoundInput, decision: RoundDecision) -> dict[str, Any]:
    """The new-term table: those proposed per title, with votes and % at every voting step; then
    those the unit does not propose (the reason in the note), and a group of those who leave
    earlier planning (by a removal vote or on a ground, said in the note)."""
    info = round_input.info
    voting = [s for s in decision.procedure if s.kind == StepKind.NOMINATION]
    fixed = 8
    steps = [
        {
            "header": f"Bước {s.number}: số phiếu (tỷ lệ % so với {BASE_LABELS[s.base] if s.base else ''})",
            "column": f"({fixed + i})",
        }
        for i, s in enumerate(voting, start=1)
    ]

    def step_cells(candidate: CandidateDecision) -> list[str]:
        cells = []
        for step in voting:
            outcome = candidate.at(step.number)
            cells.append(f"{outcome.votes} ({outcome.percent_text}%)" if outcome else "")
        return cells

    rows: list[dict[str, Any]] = [group_row("A", f"QUY HOẠCH NHIỆM KỲ {info.term}")]
    for number, title in enumerate(decision.titles):
        rows.append(group_row(group_numeral(number), f"Chức danh {title.title.name}"))
        for index, candidate in enumerate(candidates_in_name_order(title.proposed), start=1):
            data = identity_row(candidate.cadre, index)
            note = ""
            if title.tie and candidate in title.tie.chosen:
                note = "Người đứng đầu lựa chọn khi bằng phiếu"
            data.update(proposed_title=title.title.name, steps=step_cells(candidate), note=note)
            rows.append(data)
        for index, candidate in enumerate(not_proposed(title), start=len(title.proposed) + 1):
            data = identity_row(candidate.cadre, index)
            data.update(
                proposed_title="", steps=step_cells(candidate), note=not_proposed_text(candidate)
            )
            rows.append(data)
    removed = [pair for title in decision.titles for pair in removed_rows(title)]
    if removed:
        rows.append(group_row("B", "ĐƯA RA KHỎI QUY HOẠCH"))
        for index, (cadre, proposal) in enumerate(removed, start=1):
            data = identity_row(cadre, index)
            data.update(proposed_title="", steps=["" for _ in voting], note=proposal)
            rows.append(data)
    return {
        **table_common(round_input, titles_and_term(round_input)),
        "voting_steps": steps,
        "last_column": f"({fixed + len(steps) + 1})",
        "group_span": fixed + len(steps),
        "rows": rows,
    }
