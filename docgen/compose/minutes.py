"""Vote-count minutes (biên bản kiểm phiếu): one context per voting conference (domain.md §5)."""

from __future__ import annotations

from typing import Any

from docgen.compose.common import (
    DOCUMENT_SYMBOLS,
    collective_authority,
    header_context,
    lower_first,
    people_count,
    person_position,
    titles_phrase,
)
from docgen.compose.steps import (
    BASE_LABELS,
    Passer,
    Standing,
    attendance_lines,
    ballot_lines,
    deciding_passers,
    deciding_step,
    named,
    threshold_phrase,
    tie_sentence,
    votes_at,
)
from docgen.decide import RoundDecision, TitleDecision
from docgen.models import IssuerKind, ProcedureStep, RoundInput, StepKind
from docgen.vietnamese import long_date, short_date

__all__ = ["minutes_context", "minutes_file_name", "minutes_title", "vote_purpose"]


def vote_purpose(round_input: RoundInput, step: ProcedureStep) -> str:
    """What the ballots decided: "giới thiệu nhân sự quy hoạch chức danh … nhiệm kỳ …"."""
    what = (
        "đưa ra khỏi quy hoạch" if step.kind == StepKind.REMOVAL else "giới thiệu nhân sự quy hoạch"
    )
    return f"{what} {titles_phrase(round_input)} nhiệm kỳ {round_input.info.term}"


def minutes_file_name(step: ProcedureStep) -> str:
    """The file of the minutes of ``step``: "bien-ban-kiem-phieu-buoc-<step>.docx" (the dossier
    prefixes its paper number)."""
    return f"bien-ban-kiem-phieu-buoc-{step.number}.docx"


def minutes_title(round_input: RoundInput, decision: RoundDecision, step: ProcedureStep) -> str:
    """The minutes' title as lists of papers name it: "Biên bản kiểm phiếu giới thiệu nhân sự quy
    hoạch tại Hội nghị cán bộ chủ chốt ngày 07/04/2022" (the date when the conference has one)."""
    conference = decision.conferences.get(step.number)
    name = (conference.name if conference and conference.name else None) or step.conference
    when = f" ngày {short_date(conference.date)}" if conference and conference.date else ""
    what = vote_purpose(round_input, step).split(" chức danh")[0]
    return f"Biên bản kiểm phiếu {what} tại {name}{when}"


def _listed(passers: list[Passer]) -> str:
    return named([f"{p.name} ({p.votes_text(percent=False)})" for p in passers])


def quota_lines(decision: RoundDecision, step: ProcedureStep) -> list[str]:
    """At the step that fills the quota: per title, who is within the quota, who falls outside
    it, who passed but is not eligible, and the tie at the last place with the head's choice (or
    that it is awaited). Empty at any other step, and for titles not yet decided."""
    if step is not deciding_step(decision):
        return []
    lines = []
    for title in decision.titles:
        if not title.complete:
            continue
        lines.append(_quota_line(title, step))
    return lines


def _quota_line(title: TitleDecision, step: ProcedureStep) -> str:
    head = f"- Chức danh {title.title.name} (số lượng {people_count(title.title.quota)} đồng chí)"
    passers = deciding_passers(title, step)
    if not passers:
        return f"{head}: không có đồng chí nào đạt tỷ lệ phiếu theo quy định."
    groups = {
        standing: [p for p in passers if p.standing == standing]
        for standing in (
            Standing.IN_QUOTA,
            Standing.TIE_OPEN,
            Standing.OUTSIDE,
            Standing.TIE_LOST,
            Standing.INELIGIBLE,
            Standing.OTHER,
        )
    }
    parts = []
    if groups[Standing.IN_QUOTA]:
        parts.append(f"trong số lượng: {_listed(groups[Standing.IN_QUOTA])}")
    outside = groups[Standing.OUTSIDE] + groups[Standing.TIE_LOST]
    outside.sort(key=passers.index)
    if outside:
        parts.append(f"ngoài số lượng: {_listed(outside)}")
    elif not groups[Standing.TIE_OPEN]:
        parts.append("không có đồng chí nào ngoài số lượng")
    for passer in groups[Standing.INELIGIBLE] + groups[Standing.OTHER]:
        parts.append(
            f"đồng chí {passer.name} ({passer.votes_text(percent=False)}) {passer.why_not(title)}"
        )
    text = f"{head}: " + "; ".join(parts) + "."
    if title.tie is not None:
        text += " " + tie_sentence(title)
    return text


def _clock(value: Any) -> str:
    return f"{value.hour:02d} giờ {value.minute:02d} phút"


def minutes_context(
    round_input: RoundInput, decision: RoundDecision, step: ProcedureStep
) -> dict[str, Any]:
    """The context of the minutes of ``step``'s conference.

    The header carries no date (format.md: time and place go in the first paragraph); the number
    is left blank for the registry. Results are per title, in ballot (name) order, each
    percentage naming its base.
    """
    info = round_input.info
    conference = decision.conferences[step.number]
    name = conference.name or step.conference
    purpose = vote_purpose(round_input, step)
    subject = f"{purpose} tại {name}"
    subject = (
        lower_first(subject)
        if info.issuer_kind == IssuerKind.PARTY
        else subject[:1].upper() + subject[1:]
    )
    when = []
    if conference.start:
        when.append(f"Vào hồi {_clock(conference.start)}")
    if conference.date:
        when.append(long_date(conference.date))
    if conference.venue:
        when.append(f"tại {conference.venue}")
    opening = ", ".join(when)
    opening = (opening[:1].upper() + opening[1:] + ", ") if opening else ""
    chaired = f" do đồng chí {conference.chair} chủ trì" if conference.chair else ""
    opening += (
        f"{name}{chaired} đã tiến hành bỏ phiếu kín {purpose}; Tổ kiểm phiếu đã kiểm phiếu như sau:"
    )
    if step.form.value == "open":
        opening = opening.replace("bỏ phiếu kín", "biểu quyết")
    committee = []
    if conference.counting_head:
        committee.append({"name": conference.counting_head, "role": "Tổ trưởng"})
    committee += [{"name": member, "role": "Thành viên"} for member in conference.counting_members]
    removal = step.kind == StepKind.REMOVAL
    results = []
    outcome_lines = []
    base_label = BASE_LABELS[step.base] if step.base else ""
    for number, title_votes in enumerate(votes_at(decision, step), start=1):
        rows = []
        for index, vote in enumerate(title_votes.votes, start=1):
            passed = vote.outcome.passed
            if removal:
                result = "Đưa ra khỏi quy hoạch" if passed else "Tiếp tục quy hoạch"
            else:
                result = "Đạt" if passed else "Không đạt"
            rows.append(
                {
                    "index": index,
                    "name": vote.cadre.full_name,
                    "position": vote.cadre.position_and_unit,
                    "votes": vote.outcome.votes,
                    "percent": vote.outcome.percent_text,
                    "result": result,
                }
            )
        title_name = title_votes.title.title.name
        results.append(
            {
                "heading": f"3.{number}. Chức danh {title_name}",
                "votes_header": "Số phiếu đồng ý đưa ra khỏi quy hoạch"
                if removal
                else "Số phiếu đồng ý",
                "base_label": base_label,
                "rows": rows,
            }
        )
        passers = ", ".join(
            f"{v.cadre.full_name} ({v.outcome.votes}/{v.outcome.base} phiếu, {v.outcome.percent_text}%)"
            for v in title_votes.passed
        )
        outcome_lines.append(f"- Chức danh {title_name}: {passers or 'không có đồng chí nào'}.")
    phrase = threshold_phrase(step)
    if removal:
        heading = f"Những đồng chí có {phrase} đồng ý đưa ra khỏi quy hoạch"
    else:
        heading = f"Những đồng chí đạt tỷ lệ phiếu đồng ý {phrase}"
    end = f"vào hồi {_clock(conference.end)} cùng ngày, " if conference.end else ""
    closing = (
        f"Biên bản kết thúc {end}được lập thành 03 bản, đã đọc lại trước hội nghị và "
        "các thành viên Tổ kiểm phiếu thống nhất ký tên./."
    )
    quota = quota_lines(decision, step)
    header = header_context(info, DOCUMENT_SYMBOLS["minutes"], None, None)
    del header["place_date"]  # minutes carry no date line (format.md)
    return {
        **header,
        "subject": subject,
        "opening": opening,
        "committee_intro": f"Tổ kiểm phiếu do hội nghị bầu gồm {len(committee)} đồng chí:",
        "committee": committee,
        "attendance": attendance_lines(conference),
        "ballots": ballot_lines(conference),
        "results": results,
        "outcome_heading": heading,
        "outcome_lines": outcome_lines,
        "quota_heading": "5. Kết quả lấy từ trên xuống cho đủ số lượng theo quy định"
        if quota
        else "",
        "quota_lines": quota,
        "closing": closing,
        "counting_authority": collective_authority(info.issuer_kind, "Tổ kiểm phiếu"),
        "counting_position": "TỔ TRƯỞNG",
        "counting_head": conference.counting_head or "",
        "chair_heading": "CHỦ TRÌ HỘI NGHỊ",
        "chair_position": person_position(round_input, conference.chair),
        "chair": conference.chair or "",
    }
