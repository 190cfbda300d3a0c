"""The submission (tờ trình đề nghị phê duyệt quy hoạch): context for the DOCX template.

Contents (domain.md §5): Kính gửi the approving body; legal bases of the rule set in force on its
date (or the unit's own); the procedure as it ran, each step saying what it did (who took part,
attendance, ballots, what was adopted, removed or passed; preparation steps too, with the
attendance of one that met); removals, by the vote or on an automatic-removal ground (domain.md
§3: those kept from earlier planning who meet one are never listed as continuing); each title's
quota for the round and every person who passed the deciding step, proposed or not and why (the
unit's recorded reason among them; domain.md §2); the proposed list with votes at the deciding
step; attachments; Nơi nhận starting "- Như trên".
"""

from __future__ import annotations

from typing import Any

from docgen.compose.common import (
    DOCUMENT_SYMBOLS,
    candidates_in_name_order,
    group_numeral,
    header_context,
    in_name_order,
    lower_first,
    number_symbol,
    people_count,
    signature_context,
    titles_phrase,
    unit_phrase,
    upper_first,
)
from docgen.compose.steps import (
    BASE_LABELS,
    Standing,
    Vote,
    attendance_lines,
    ballot_lines,
    deciding_passers,
    deciding_step,
    step_heading,
    threshold_phrase,
    votes_at,
)
from docgen.decide import AutoRemoval, RoundDecision, TitleDecision
from docgen.models import Conference, IssuerKind, ProcedureStep, RoundInput, RoundKind, StepKind
from docgen.rules.recipients import archive_line, recipient_lines
from docgen.vietnamese import fold_key

__all__ = ["submission_context", "submission_subject", "legal_bases"]


def legal_bases(round_input: RoundInput, decision: RoundDecision) -> list[str]:
    """The unit's own "Căn cứ" lines when given, else the rule set's in force on the date."""
    return list(round_input.info.legal_bases) or list(decision.rules.legal_bases)


def submission_subject(round_input: RoundInput) -> str:
    """The trích yếu: "Về việc đề nghị phê duyệt …" (State), "về việc …" (Party, lower-case)."""
    info = round_input.info
    if info.round_kind == RoundKind.REVIEW:
        what = "kết quả rà soát, bổ sung quy hoạch"
    else:
        what = "quy hoạch"
    subject = f"Về việc đề nghị phê duyệt {what} {titles_phrase(round_input)} nhiệm kỳ {info.term}"
    return lower_first(subject) if info.issuer_kind == IssuerKind.PARTY else subject


def _two_digits(count: int) -> str:
    return people_count(count, words=True)


def _is_meeting(step: ProcedureStep, conference: Conference | None) -> bool:
    """Whether a preparation step was a conference that met (it has a chair or attendance, or is
    named "Hội nghị …"), rather than work done by the advising staff."""
    name = (conference.name if conference and conference.name else None) or step.conference
    if conference is not None and (
        conference.chair or conference.present is not None or conference.convened is not None
    ):
        return True
    return fold_key(name).startswith("hội nghị")


def _plan_reference(round_input: RoundInput) -> str:
    """ " (Kế hoạch số 05/KH-VPUBND ngày 25/3/2022)" when the round's plan is numbered."""
    plan = round_input.plan
    if plan is None or not plan.number:
        return ""
    info = round_input.info
    day = f" ngày {plan.date}" if plan.date else ""
    return f" (Kế hoạch số {number_symbol(info.issuer_kind, plan.number, 'KH', info.body_symbol)}{day})"


def _passed_list(votes: list[Vote]) -> str:
    return ", ".join(
        f"{v.cadre.full_name} ({v.outcome.votes}/{v.outcome.base} phiếu, {v.outcome.percent_text}%)"
        for v in votes
    )


def _step_lines(round_input: RoundInput, decision: RoundDecision, step: ProcedureStep) -> list[str]:
    """What one step did: who took part, attendance, ballots, and what was adopted or voted."""
    conference = decision.conferences.get(step.number)
    titles = titles_phrase(round_input)
    lines: list[str] = []
    meeting = step.kind != StepKind.PREPARATION or _is_meeting(step, conference)
    if step.composition:
        lines.append(f"{'Thành phần' if meeting else 'Thực hiện'}: {step.composition}.")
    if conference is not None:
        attendance = attendance_lines(conference)
        if attendance:
            lines.append(" ".join(attendance))
        if step.kind != StepKind.PREPARATION:
            ballots = ballot_lines(conference)
            if ballots:
                lines.append(" ".join(ballots))
    chaired = f" do đồng chí {conference.chair} chủ trì" if conference and conference.chair else ""
    if step.kind == StepKind.PREPARATION:
        if meeting:
            lines.append(
                f"Hội nghị{chaired} đã thảo luận, thông qua Kế hoạch triển khai công tác quy hoạch "
                f"cán bộ{_plan_reference(round_input)} và danh sách nguồn nhân sự đáp ứng tiêu "
                "chuẩn, điều kiện để trình các hội nghị xem xét, phát hiện, giới thiệu quy hoạch "
                f"{titles}."
            )
        else:
            lines.append(
                "Đã xây dựng Kế hoạch triển khai công tác quy hoạch cán bộ"
                f"{_plan_reference(round_input)}; rà soát, đánh giá nguồn cán bộ và dự kiến danh "
                f"sách nguồn nhân sự đáp ứng tiêu chuẩn, điều kiện quy hoạch {titles}."
            )
        return lines
    phrase = threshold_phrase(step)
    voted = {id(tv.title): tv for tv in votes_at(decision, step)}
    if step.kind == StepKind.REMOVAL:
        first = decision.procedure[0] is step
        if first:
            lines.append(
                f"Hội nghị{chaired} đã xem xét, thông qua danh sách nguồn nhân sự bổ sung quy hoạch "
                "để lấy ý kiến tại các hội nghị và bỏ phiếu đưa ra khỏi quy hoạch đối với những "
                "đồng chí đang trong quy hoạch."
            )
        removed_any = False
        for title in decision.titles:
            name = title.title.name
            title_votes = voted.get(id(title))
            if title_votes is None:
                lines.append(
                    f"Chức danh {name}: không có đồng chí nào phải xem xét đưa ra khỏi quy hoạch."
                )
                continue
            passed = title_votes.passed
            removed_any = removed_any or bool(passed)
            who = f"có {people_count(len(passed))} đồng chí" if passed else "không có đồng chí nào"
            lines.append(
                f"Chức danh {name}: bỏ phiếu đối với {people_count(len(title_votes.votes))} "
                f"đồng chí; {who} có {phrase} đồng ý đưa ra khỏi quy hoạch"
                + (f": {_passed_list(passed)}." if passed else ".")
            )
        if not removed_any:
            lines.append("Không có đồng chí nào bị đưa ra khỏi quy hoạch.")
        return lines
    deciding = deciding_step(decision)
    for title in decision.titles:
        name = title.title.name
        title_votes = voted.get(id(title))
        if title_votes is None:
            lines.append(f"Chức danh {name}: không có đồng chí nào được giới thiệu.")
            continue
        passed = title_votes.passed
        who = f"có {people_count(len(passed))} đồng chí" if passed else "không có đồng chí nào"
        then = ""
        if passed and step is not deciding:
            then = " để đưa vào danh sách giới thiệu ở bước sau"
        lines.append(
            f"Chức danh {name}: giới thiệu {people_count(len(title_votes.votes))} đồng chí; "
            f"{who} đạt tỷ lệ phiếu đồng ý {phrase}{then}"
            + (f": {_passed_list(passed)}." if passed else ".")
        )
    return lines


def _vote_held(auto: AutoRemoval) -> str:
    """ "; bỏ phiếu đưa ra khỏi quy hoạch: 2/5 phiếu (40,00% …) đồng ý" when a removal vote was
    held on them and did not remove them (the ground removes them whatever it gave)."""
    vote = auto.vote
    if vote is None:
        return ""
    outcome = vote.outcome
    return (
        f"; kết quả bỏ phiếu đưa ra khỏi quy hoạch: {outcome.votes}/{outcome.base} phiếu "
        f"({outcome.percent_text}% so với {BASE_LABELS[outcome.base_kind]}) đồng ý"
    )


def _title_account(round_input: RoundInput, title: TitleDecision, deciding: ProcedureStep) -> str:
    """One title's quota for the round and every passer of the deciding step: proposed, or not
    and why (outside the quota, the head's choice in a tie, ineligible, another recorded reason)."""
    review = round_input.info.round_kind == RoundKind.REVIEW
    verb = "bổ sung" if review else "quy hoạch"
    head = f"- Chức danh {title.title.name}: {verb} {_two_digits(title.title.quota)} đồng chí"
    passers = deciding_passers(title, deciding)
    phrase = threshold_phrase(deciding)
    if not passers:
        return (
            f"{head}; không có đồng chí nào đạt tỷ lệ phiếu đồng ý {phrase} nên không đề nghị "
            f"{'bổ sung ' if review else ''}quy hoạch chức danh này."
        )
    text = f"{head}; có {people_count(len(passers))} đồng chí đạt tỷ lệ phiếu đồng ý {phrase}."
    chosen = [p for p in passers if p.standing == Standing.IN_QUOTA]
    others = [p for p in passers if p.standing != Standing.IN_QUOTA]
    if chosen:
        listed = ", ".join(f"{p.name} ({p.votes_text()})" for p in chosen)
        prefix = "đồng chí" if len(chosen) == 1 else "các đồng chí"
        text += f" Đề nghị {'bổ sung ' if review else ''}quy hoạch {prefix} {listed}."
    if others:
        text += (
            " Không đề nghị: "
            + "; ".join(
                f"đồng chí {p.name} ({p.votes_text()}) do {p.because(title)}" for p in others
            )
            + "."
        )
    return text


def submission_context(
    round_input: RoundInput, decision: RoundDecision, attachments: list[str]
) -> dict[str, Any]:
    """The context of the submission template. ``attachments`` are the titles of the attached
    papers (minutes, tables), in dossier order."""
    info = round_input.info
    unit = unit_phrase(info)
    action = (
        "rà soát, bổ sung quy hoạch"
        if info.round_kind == RoundKind.REVIEW
        else "xây dựng quy hoạch"
    )
    voting = [s for s in decision.procedure if s.kind != StepKind.PREPARATION]
    intro = (
        f"{unit} đã tiến hành {action} {titles_phrase(round_input)} nhiệm kỳ {info.term} "
        f"theo quy trình {len(decision.procedure)} bước"
        + (
            f" (trong đó {len(voting)} bước bỏ phiếu)"
            if len(voting) != len(decision.procedure)
            else ""
        )
        + "; "
        "kết quả cụ thể như sau:"
    )
    steps = [
        {
            "heading": step_heading(step, decision.conferences.get(step.number)),
            "lines": _step_lines(round_input, decision, step),
        }
        for step in decision.procedure
    ]

    removals, kept = [], []
    for title in decision.titles:
        for vote in title.removals:
            if vote.outcome.passed:
                removals.append(
                    f"- Đồng chí {vote.cadre.full_name}, {vote.cadre.position_and_unit}, quy hoạch "
                    f"chức danh {title.title.name}: có {vote.outcome.votes}/{vote.outcome.base} phiếu "
                    f"({vote.outcome.percent_text}% so với {BASE_LABELS[vote.outcome.base_kind]}) "
                    "đồng ý đưa ra khỏi quy hoạch."
                )
        for auto in title.auto_removals:
            removals.append(
                f"- Đồng chí {auto.cadre.full_name}, {auto.cadre.position_and_unit}, quy hoạch "
                f"chức danh {title.title.name}: thuộc trường hợp đưa ra khỏi quy hoạch "
                f"({auto.ground})" + _vote_held(auto) + "."
            )
        if title.kept:
            kept.append(
                f"- Chức danh {title.title.name}: đồng chí "
                + ", đồng chí ".join(c.full_name for c in in_name_order(title.kept))
                + "."
            )

    deciding = deciding_step(decision)
    accounts = (
        [_title_account(round_input, title, deciding) for title in decision.titles]
        if deciding
        else []
    )
    accounts_intro = (
        f"Số lượng {'bổ sung ' if info.round_kind == RoundKind.REVIEW else ''}quy hoạch của "
        f"từng chức danh trong đợt này và kết quả tại bước {deciding.number} (lấy từ trên xuống "
        "theo số phiếu đồng ý cho đủ số lượng):"
        if deciding
        else ""
    )
    groups = []
    total = 0
    people: set[int] = set()
    for number, title in enumerate(t for t in decision.titles if t.proposed):
        rows = []
        for index, candidate in enumerate(candidates_in_name_order(title.proposed), start=1):
            outcome = candidate.at(deciding.number) if deciding else None
            rows.append(
                {
                    "index": index,
                    "name": candidate.cadre.full_name,
                    "birth_date": str(candidate.cadre.birth_date),
                    "position": candidate.cadre.position_and_unit,
                    "title": title.title.name,
                    "votes": f"{outcome.votes}/{outcome.base}" if outcome else "",
                    "percent": outcome.percent_text if outcome else "",
                }
            )
        total += len(rows)
        people |= {id(candidate.cadre) for candidate in title.proposed}
        groups.append(
            {
                "label": group_numeral(number),
                "title": f"Quy hoạch chức danh {title.title.name}",
                "rows": rows,
            }
        )
    labels: dict[str, str] = {}
    counter = 1
    for key, present in (("removed", bool(removals)), ("kept", bool(kept)), ("proposed", True)):
        if present:
            labels[key] = f"{counter}."
            counter += 1
    proposed_intro = (
        f"{unit} đề nghị {info.approving_body} phê duyệt "
        f"{'bổ sung ' if info.round_kind == RoundKind.REVIEW else ''}quy hoạch "
        + (
            f"{_two_digits(total)} đồng chí, cụ thể như sau:"
            if len(people) == total
            # One person proposed for several titles: count placements as lượt (Quy định 50
            # counts "lượt người") and name the people too, so the figure is not read as heads.
            else f"{_two_digits(total)} lượt đồng chí ({_two_digits(len(people))} đồng chí), "
            "cụ thể như sau:"
        )
    )
    overrides = round_input.recipients
    recipients = recipient_lines(
        info.issuer_kind,
        "Tờ trình",
        overrides,
        archive=archive_line(info.issuer_kind, info.body_symbol, info.drafting_unit),
        as_above=True,
    )
    return {
        **header_context(
            info, DOCUMENT_SYMBOLS["submission"], info.submission_number, info.submission_date
        ),
        "subject": submission_subject(round_input),
        "approving_body": info.approving_body,
        "legal_bases": legal_bases(round_input, decision),
        "intro": intro,
        "steps": steps,
        "removals": removals,
        "kept": kept,
        "labels": labels,
        "proposed_intro": proposed_intro,
        "proposed_heading": "Đề nghị phê duyệt bổ sung quy hoạch"
        if info.round_kind == RoundKind.REVIEW
        else "Đề nghị phê duyệt quy hoạch",
        "proposed_groups": groups,
        "deciding_step_label": f"bước {deciding.number}" if deciding else "",
        "deciding_base": BASE_LABELS[deciding.base] if deciding and deciding.base else "",
        "accounts_intro": accounts_intro,
        "accounts": accounts,
        "attachments": [
            f"- {text};" if i < len(attachments) - 1 else f"- {text}."
            for i, text in enumerate(attachments)
        ],
        "closing": f"{upper_first(unit)} kính trình {info.approving_body} xem xét, phê duyệt./.",
        "signature": signature_context(info),
        "recipients": recipients,
    }
