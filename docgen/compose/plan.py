"""The plan (Kế hoạch): an outline → template context; a round → its outline.

The round's procedure section is written from the same procedure definition the counting uses
(issue #3): each step's conference, composition, ballot form and threshold in words, e.g. "phải
đạt tỉ lệ phiếu đồng ý ít nhất từ 30% trở lên so với tổng số người có mặt". Wording follows seed
ke-hoach-quy-hoach-vpubnd-son-la.txt, part B.II.
"""

from __future__ import annotations

import re
from typing import Any

from docxtpl import RichText

from docgen.compose.common import number_symbol, place_date, titles_phrase
from docgen.decide import RoundDecision
from docgen.models import (
    BallotForm,
    BaseKind,
    Comparison,
    IssuerKind,
    ProcedureStep,
    RoundInput,
    RoundKind,
    StepKind,
)
from docgen.plan_model import PlanIssuer, PlanItem, PlanOutline, PlanSignature
from docgen.rules.recipients import archive_line, recipient_lines
from docgen.vietnamese import short_date

__all__ = ["rich_text", "plan_context", "round_plan_outline", "step_paragraphs"]

_MARK = re.compile(r"\*\*(.+?)\*\*|\*(.+?)\*|\[\^(\w+)\]")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ROMANS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def rich_text(text: str, *, bold: bool = False) -> RichText:
    """Text with inline marks as a docxtpl RichText: **bold**, *italic*, [^n] superscript."""
    rich = RichText()
    position = 0
    for match in _MARK.finditer(text):
        if match.start() > position:
            rich.add(text[position : match.start()], bold=bold or None)
        if match.group(1) is not None:
            rich.add(match.group(1), bold=True)
        elif match.group(2) is not None:
            rich.add(match.group(2), italic=True, bold=bold or None)
        else:
            rich.add(match.group(3), superscript=True)
        position = match.end()
    if position < len(text) or not text:
        rich.add(text[position:], bold=bold or None)
    return rich


def _label(depth: int, index: int, parents: list[int], headed: bool) -> str:
    """A., B. for parts; I., II. for headed sections of a part; 1., 1.1., 1.1.1. below them, and
    1., 2. for plain paragraphs numbered inside any item (as the seeds do under "A.")."""
    if depth == 0:
        return f"{_LETTERS[index]}."
    if depth == 1 and headed:
        return f"{_ROMANS[index]}."
    numbers = [*parents[2:], index + 1] if headed else [index + 1]
    return ".".join(str(n) for n in numbers) + "."


def _blocks(items: list[PlanItem], depth: int, parents: list[int], out: list[RichText]) -> None:
    for index, item in enumerate(items):
        headed = item.heading is not None
        label = item.label if item.label is not None else _label(depth, index, parents, headed)
        texts = [t for t in (item.text, *item.paragraphs) if t]
        if item.heading:
            out.append(rich_text(f"{label} {item.heading}".strip(), bold=True))
        elif texts:
            texts[0] = f"{label} {texts[0]}".strip()
        elif label:
            out.append(rich_text(label, bold=True))
        out.extend(rich_text(t) for t in texts)
        for word, value in (
            ("Chủ trì", item.lead),
            ("Tham mưu", item.advising),
            ("Thực hiện", item.implementing),
            ("Phối hợp", item.coordinating),
        ):
            if value:
                out.append(rich_text(f"- {word}: {value}."))
        if item.timeline:
            out.append(rich_text(f"- Thời gian: **{item.timeline}**."))
        _blocks(item.items, depth + 1, [*parents, index + 1], out)


def plan_context(outline: PlanOutline) -> dict[str, Any]:
    """The context of the plan template."""
    issuer = outline.issuer
    blocks: list[RichText] = [rich_text(p) for p in outline.preamble]
    _blocks(outline.parts, 0, [], blocks)
    blocks.extend(rich_text(p) for p in outline.closing)
    return {
        "parent_body": issuer.parent_body,
        "issuing_body": issuer.issuing_body,
        "number_symbol": number_symbol(
            issuer.issuer_kind, outline.number, "KH", issuer.body_symbol
        ),
        "place_date": place_date(issuer.place, outline.date),
        "subject": outline.subject,
        "blocks": blocks,
        "footnotes": [
            rich_text(f"[^{i}] {text}") for i, text in enumerate(outline.footnotes, start=1)
        ],
        "recipients": [rich_text(line) for line in outline.recipients],
        "signature": {
            "authority": outline.signature.authority or "",
            "position": outline.signature.position,
            "name": outline.signature.name,
        },
    }


_PLAN_BASES = {
    BaseKind.CONVENED: "tổng số người được triệu tập",
    BaseKind.PRESENT: "tổng số người có mặt",
    BaseKind.VALID: "tổng số phiếu hợp lệ",
}


def _threshold(step: ProcedureStep) -> str:
    assert step.threshold is not None and step.base is not None
    figure = f"{step.threshold.normalize():f}".replace(".", ",")
    if step.comparison == Comparison.GREATER:
        return f"ít nhất trên {figure}% so với {_PLAN_BASES[step.base]}"
    return f"ít nhất từ {figure}% trở lên so với {_PLAN_BASES[step.base]}"


def step_paragraphs(step: ProcedureStep, last: bool) -> list[str]:
    """The plan's paragraphs for one procedure step, from its definition alone."""
    form = "bằng phiếu kín" if step.form == BallotForm.SECRET else "bằng biểu quyết"
    lines: list[str] = []
    if step.kind == StepKind.PREPARATION:
        lines.append(
            "Chuẩn bị kế hoạch, rà soát, đánh giá nguồn cán bộ và thông qua danh sách nguồn nhân sự "
            "đáp ứng tiêu chuẩn, điều kiện quy hoạch để trình các hội nghị xem xét, giới thiệu."
        )
    elif step.kind == StepKind.REMOVAL:
        lines.append(
            f"Xem xét, bỏ phiếu (*{form}*) đưa ra khỏi quy hoạch đối với những trường hợp không "
            "còn đủ tiêu chuẩn, điều kiện theo quy định."
        )
    else:
        lines.append(f"Thảo luận, giới thiệu nhân sự quy hoạch (*{form}*).")
    if step.composition:
        lines.append(f"- Thành phần: {step.composition}.")
    if step.kind == StepKind.REMOVAL:
        assert step.threshold is not None and step.base is not None
        figure = f"{step.threshold.normalize():f}".replace(".", ",")
        more = "trên" if step.comparison == Comparison.GREATER else "từ"
        tail = "" if step.comparison == Comparison.GREATER else " trở lên"
        lines.append(
            f"- Nguyên tắc đưa ra khỏi quy hoạch: Những đồng chí có {more} {figure}%{tail} "
            f"{_PLAN_BASES[step.base]} đồng ý thì đề xuất đưa ra khỏi quy hoạch."
        )
    elif step.kind == StepKind.NOMINATION:
        rule = f"- Nguyên tắc lựa chọn, giới thiệu: Nhân sự được lựa chọn, giới thiệu phải đạt tỉ lệ phiếu đồng ý {_threshold(step)}"
        if step.max_per_ballot:
            rule = rule.replace(
                "- Nguyên tắc",
                f"- Mỗi chức danh giới thiệu không quá {step.max_per_ballot} người. Nguyên tắc",
                1,
            )
        if step.fills_quota:
            lines.append(rule + " và lấy từ trên xuống cho đủ số lượng theo quy định.")
            lines.append(
                "Trường hợp có từ 2 người trở lên có số phiếu bằng nhau ở vị trí cuối cùng, thì giao "
                "cho người đứng đầu xem xét, quyết định lựa chọn nhân sự."
            )
        else:
            lines.append(rule + " để đưa vào danh sách giới thiệu ở bước sau.")
    if step.min_attendance is not None:
        share = step.min_attendance
        lines.append(
            f"- Hội nghị hợp lệ khi có ít nhất {share.numerator}/{share.denominator} tổng số người "
            "được triệu tập có mặt."
        )
    return lines


def round_plan_outline(round_input: RoundInput, decision: RoundDecision) -> PlanOutline:
    """The plan of a round, from its workbook: the "Kế hoạch" sheet where the unit has its own
    words, docgen's default wording otherwise."""
    info = round_input.info
    settings = round_input.plan
    rules = decision.rules
    review = info.round_kind == RoundKind.REVIEW
    action = "rà soát, bổ sung quy hoạch" if review else "xây dựng quy hoạch"
    subject = f"{action} {titles_phrase(round_input)} nhiệm kỳ {info.term}"
    subject = subject[:1].upper() + subject[1:] if info.issuer_kind == IssuerKind.STATE else subject
    bases = list(info.legal_bases) or list(rules.legal_bases)
    unit = info.unit_name or (
        "Ban Thường vụ" if info.issuer_kind == IssuerKind.PARTY else "Tập thể lãnh đạo"
    )
    preamble = [
        "Căn cứ " + "; ".join(bases) + ".",
        f"{unit} ban hành Kế hoạch {action} {titles_phrase(round_input)} nhiệm kỳ {info.term} như sau:",
    ]
    purposes = (settings.purposes if settings else []) or [
        f"{action[:1].upper() + action[1:]} nhằm phát hiện sớm nguồn cán bộ có phẩm chất, năng lực, "
        "uy tín, có triển vọng phát triển; bảo đảm sự chuyển tiếp liên tục, vững vàng giữa các thế hệ cán bộ.",
        "Thực hiện đúng nguyên tắc, tiêu chuẩn, điều kiện, quy trình quy hoạch cán bộ; bảo đảm dân chủ, "
        "khách quan, công khai, minh bạch; không đề xuất quy hoạch những trường hợp không bảo đảm "
        "tiêu chuẩn, điều kiện.",
    ]
    title_items = []
    for title in round_input.titles:
        paragraphs = []
        if title.source_1:
            paragraphs.append(f"- *Đối tượng 1:* {'; '.join(title.source_1)} và tương đương.")
            if review:
                paragraphs.append(
                    "Các đồng chí được rà soát, bổ sung quy hoạch hằng năm cho nhiệm kỳ hiện tại, "
                    f"phải đủ tuổi công tác ít nhất từ {rules.review_months} tháng trở lên."
                )
            else:
                paragraphs.append(
                    "Các đồng chí được quy hoạch nhiệm kỳ kế tiếp phải đủ tuổi công tác 2 nhiệm kỳ "
                    f"trở lên, ít nhất trọn 1 nhiệm kỳ (*{rules.object_1_months} tháng*) đối với cả nam và nữ."
                )
        if title.source_2:
            paragraphs.append(f"- *Đối tượng 2:* {'; '.join(title.source_2)} và tương đương.")
            paragraphs.append(
                "Các đồng chí này phải được quy hoạch chức danh đối tượng 1 và còn đủ tuổi công tác "
                f"ít nhất trọn 2 nhiệm kỳ (*{rules.object_2_months} tháng*) trở lên đối với cả nam và nữ."
            )
        paragraphs.append(f"- Số lượng đề nghị quy hoạch: {title.quota:02d} người.")
        title_items.append(
            PlanItem(heading=f"Quy hoạch chức danh {title.name}", paragraphs=paragraphs)
        )
    steps = decision.procedure
    step_items = [
        PlanItem(
            label=f"({position})",
            heading=f"Bước {step.number}: {step.conference}",
            paragraphs=step_paragraphs(step, step is steps[-1]),
        )
        for position, step in enumerate(steps, start=1)
    ]
    deadline = (settings.deadline if settings else None) or info.submission_date
    timeline = f"Hoàn thành trước ngày **{short_date(deadline)}**." if deadline else ""
    organisation = (settings.organisation if settings else []) or [
        "Bộ phận tham mưu về tổ chức, cán bộ giúp tập thể lãnh đạo rà soát, tổng hợp danh sách nguồn "
        "nhân sự; chuẩn bị các hội nghị, phiếu và biên bản kiểm phiếu theo quy trình.",
        f"Hoàn thiện hồ sơ, báo cáo {info.approving_body} xem xét, phê duyệt"
        + (f" trước ngày **{short_date(deadline)}**." if deadline else "."),
        "Hồ sơ gồm: (1) Tờ trình kèm biên bản kiểm phiếu thực hiện quy trình quy hoạch; "
        "(2) Biểu tổng hợp kết quả quy hoạch (theo mẫu).",
    ]
    parts = [
        PlanItem(heading="MỤC ĐÍCH, YÊU CẦU", items=[PlanItem(text=p) for p in purposes]),
        PlanItem(
            heading="NỘI DUNG",
            items=[
                PlanItem(heading="ĐỐI TƯỢNG, CHỨC DANH QUY HOẠCH", items=title_items),
                PlanItem(heading="QUY TRÌNH THỰC HIỆN", items=step_items),
                PlanItem(heading="THỜI GIAN THỰC HIỆN", paragraphs=[timeline] if timeline else []),
            ],
        ),
        PlanItem(heading="TỔ CHỨC THỰC HIỆN", items=[PlanItem(text=p) for p in organisation]),
    ]
    lines = recipient_lines(
        info.issuer_kind,
        "Kế hoạch",
        [*_default_plan_recipients(info.approving_body), *round_input.recipients],
        archive=archive_line(info.issuer_kind, info.body_symbol, info.drafting_unit),
        as_above=False,
    )
    return PlanOutline(
        kind="plan",
        issuer=PlanIssuer(
            issuer_kind=info.issuer_kind,
            parent_body=info.parent_body,
            issuing_body=info.issuing_body,
            body_symbol=info.body_symbol,
            place=info.place,
        ),
        number=settings.number if settings else None,
        date=settings.date if settings else None,
        subject=subject,
        preamble=preamble,
        parts=parts,
        recipients=lines,
        signature=PlanSignature(
            authority=(
                settings.signing_authority
                if settings and settings.signer_name
                else info.signing_authority
            ),
            position=(
                settings.signer_position
                if settings and settings.signer_position
                else info.signer_position
            ),
            name=(settings.signer_name if settings and settings.signer_name else info.signer_name),
        ),
    )


def _default_plan_recipients(approving_body: str) -> list[Any]:
    from docgen.models import Purpose, RecipientLine

    return [RecipientLine(document="Kế hoạch", recipient=approving_body, purpose=Purpose.REPORT)]
