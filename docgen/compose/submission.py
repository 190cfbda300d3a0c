"""The submission (tờ trình đề nghị phê duyệt quy hoạch): context for the DOCX template.

Contents (domain.md §5): Kính gửi the approving body; legal bases of the rule set in force on its
date (or the unit's own); the procedure as it ran, step by step with dates and counts; removals;
the proposed list with votes at the deciding step; ties and ineligible nominees explained;
attachments; Nơi nhận starting "- Như trên".
"""

from __future__ import annotations

from typing import Any

from docgen.compose.common import (
    DOCUMENT_SYMBOLS,
    ROMAN,
    header_context,
    lower_first,
    signature_context,
    titles_phrase,
    unit_phrase,
    upper_first,
)
from docgen.compose.steps import (
    BASE_LABELS,
    attendance_lines,
    ballot_lines,
    step_heading,
    threshold_phrase,
    votes_at,
)
from docgen.decide import Outcome, RoundDecision
from docgen.models import IssuerKind, RoundInput, RoundKind, StepKind
from docgen.rules.recipients import archive_line, recipient_lines
from docgen.vietnamese import number_words

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
    return f"{count:02d} ({number_words(count)})"


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
    steps = []
    for step in decision.procedure:
        conference = decision.conferences.get(step.number)
        lines: list[str] = []
        if step.composition:
            lines.append(f"Thành phần: {step.composition}.")
        if step.kind != StepKind.PREPARATION and conference is not None:
            lines.append(" ".join(attendance_lines(conference)))
            lines.append(" ".join(ballot_lines(conference)))
            phrase = threshold_phrase(step)
            for title_votes in votes_at(decision, step):
                title_name = title_votes.title.title.name
                passed = ", ".join(
                    f"{v.cadre.full_name} ({v.outcome.votes} phiếu, {v.outcome.percent_text}%)"
                    for v in title_votes.passed
                )
                count = len(title_votes.passed)
                who = f"có {count} đồng chí" if count else "không có đồng chí nào"
                if step.kind == StepKind.REMOVAL:
                    lines.append(
                        f"Chức danh {title_name}: bỏ phiếu đối với {len(title_votes.votes)} đồng chí; "
                        f"{who} có {phrase} đồng ý đưa ra khỏi quy hoạch"
                        + (f": {passed}." if passed else ".")
                    )
                else:
                    lines.append(
                        f"Chức danh {title_name}: giới thiệu {len(title_votes.votes)} đồng chí; "
                        f"{who} đạt tỷ lệ phiếu đồng ý {phrase}"
                        + (f": {passed}." if passed else ".")
                    )
        steps.append({"heading": step_heading(step, conference), "lines": lines})

    removals, kept, notes = [], [], []
    for title in decision.titles:
        for vote in title.removals:
            if vote.outcome.passed:
                removals.append(
                    f"- Đồng chí {vote.cadre.full_name}, {vote.cadre.position_and_unit}, quy hoạch "
                    f"chức danh {title.title.name}: có {vote.outcome.votes}/{vote.outcome.base} phiếu "
                    f"({vote.outcome.percent_text}% so với {BASE_LABELS[vote.outcome.base_kind]}) "
                    "đồng ý đưa ra khỏi quy hoạch."
                )
        if title.kept:
            kept.append(
                f"- Chức danh {title.title.name}: đồng chí "
                + ", đồng chí ".join(c.full_name for c in title.kept)
                + "."
            )
        if title.tie and title.tie.resolved:
            tie = title.tie
            names = ", ".join(c.cadre.full_name for c in tie.tied)
            chosen = ", ".join(c.cadre.full_name for c in tie.chosen)
            notes.append(
                f"Tại bước {tie.step}, chức danh {title.title.name}: các đồng chí {names} có số phiếu "
                f"bằng nhau ({tie.votes}/{tie.base} phiếu) cho {_two_digits(tie.places)} vị trí cuối cùng; "
                f"người đứng đầu đã xem xét, quyết định lựa chọn đồng chí {chosen}."
            )
        for candidate in title.candidates:
            if candidate.outcome == Outcome.INELIGIBLE:
                notes.append(
                    f"Đồng chí {candidate.cadre.full_name} đạt tỷ lệ phiếu theo quy định đối với "
                    f"chức danh {title.title.name} nhưng không đủ điều kiện ({candidate.reason}) "
                    "nên không đề nghị quy hoạch."
                )

    deciding = next((s for s in voting if s.fills_quota), voting[-1] if voting else None)
    groups = []
    total = 0
    for number, title in enumerate(t for t in decision.titles if t.proposed):
        rows = []
        for index, candidate in enumerate(title.proposed, start=1):
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
        groups.append(
            {
                "label": ROMAN[number],
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
        f"{_two_digits(total)} đồng chí, cụ thể như sau:"
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
        "notes": notes,
        "attachments": [
            f"- {text};" if i < len(attachments) - 1 else f"- {text}."
            for i, text in enumerate(attachments)
        ],
        "closing": f"{upper_first(unit)} kính trình {info.approving_body} xem xét, phê duyệt./.",
        "signature": signature_context(info),
        "recipients": recipients,
    }
