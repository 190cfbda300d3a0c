"""The plan (Kế hoạch): an outline → template context; a round → its outline.

The round's procedure section is written from the same procedure definition the counting uses
(issue #3): each step's conference, composition, ballot form and threshold in words, e.g. "phải
đạt tỉ lệ phiếu đồng ý ít nhất từ 30% trở lên so với tổng số người có mặt". Wording follows seed
ke-hoach-quy-hoach-vpubnd-son-la.txt, part B.II.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from docxtpl import RichText

from docgen.compose.common import (
    number_symbol,
    place_date,
    titles_phrase,
    unit_phrase,
    upper_first,
)
from docgen.contract import INFO_SHEET, PLAN_SHEET, Sheet
from docgen.decide import Finding, RoundDecision
from docgen.errors import Severity
from docgen.models import (
    BallotForm,
    BaseKind,
    Comparison,
    IssuerKind,
    ProcedureStep,
    RoundInfo,
    RoundInput,
    RoundKind,
    StepKind,
)
from docgen.plan_model import (
    PARTY_NUMBERING,
    STATE_NUMBERING,
    PlanIssuer,
    PlanItem,
    PlanOutline,
    PlanSignature,
    PlanTable,
    RoleStyle,
    number_label,
)
from docgen.rules.recipients import committee_of, plan_recipient_lines
from docgen.rules.votes import threshold_words
from docgen.values import PartialDate
from docgen.vietnamese import fold_key

__all__ = [
    "PlanVoice",
    "plan_context",
    "plan_voice",
    "rich_text",
    "round_plan_gaps",
    "round_plan_outline",
    "step_paragraphs",
]

_MARK = re.compile(r"\*\*(.+?)\*\*|\*(.+?)\*|\[\^(\w+)\]")


def rich_text(text: str, *, bold: bool = False) -> RichText:
    """Text with inline marks as a docxtpl RichText: **bold**, *italic*, and [^n] as a superscript
    run "[^n]", the place holder docgen.plan_docx turns into a footnote reference (and the PDF
    template into a footnote)."""
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
            rich.add(f"[^{match.group(3)}]", superscript=True)
        position = match.end()
    if position < len(text) or not text:
        rich.add(text[position:], bold=bold or None)
    return rich


@dataclass
class _Blocks:
    """The body of a plan as it is built: its paragraphs and, per paragraph, its kind."""

    out: list[RichText]
    headings: set[int]
    listed: set[int]
    tables: dict[int, dict[str, list[list[RichText]]]]


def _numbering(outline: PlanOutline) -> tuple[str, ...]:
    """The outline's numbering, or the default of its issuer's kind."""
    if outline.numbering:
        return tuple(outline.numbering)
    if outline.issuer.issuer_kind == IssuerKind.PARTY:
        return PARTY_NUMBERING
    return STATE_NUMBERING


def _auto_label(scheme: tuple[str, ...], level: int, chain: list[int]) -> str:
    """The label of the item at ``chain`` (1-based positions from the scheme's first level),
    ``level`` levels below where ``scheme`` took effect; deeper than the scheme, its last
    pattern."""
    pattern = scheme[min(level, len(scheme) - 1)] if scheme else ""
    return number_label(pattern, chain)


def _combined(labels: list[str]) -> str:
    """Labels of roles held by one body said once: ["Cơ quan lãnh đạo", "Cơ quan thực hiện"] →
    "Cơ quan lãnh đạo, thực hiện" (the shared first words said once)."""
    first = labels[0].split()
    rest = []
    for label in labels[1:]:
        words = label.split()
        shared = 0
        while shared < min(len(words) - 1, len(first)) and words[shared] == first[shared]:
            shared += 1
        tail = " ".join(words[shared:])
        rest.append(tail[:1].lower() + tail[1:] if shared == 0 and tail[:1].isupper() else tail)
    return ", ".join([labels[0], *rest])


_ROLES = ("lead", "advising", "implementing", "coordinating", "timeline")


def _role_lines(item: PlanItem, style: RoleStyle) -> list[str]:
    """The role lines of ``item`` without bullet or number: "Chủ trì: Sở Nội vụ.", in the
    order lead, advising, implementing, coordinating, timeline; roles of one body combined when
    ``style.combine``."""
    held: list[tuple[list[str], str, bool]] = []
    for role in _ROLES:
        value = getattr(item, role)
        if not value:
            continue
        label = getattr(style.labels, role)
        timeline = role == "timeline"
        same = next((h for h in held if style.combine and h[1] == value and not timeline), None)
        if same is not None:
            same[0].append(label)
        else:
            held.append(([label], value, timeline))
    lines = []
    for labels, value, timeline in held:
        label = _combined(labels)
        label = f"*{label}*" if style.italic_labels else label
        text = f"**{value}**" if timeline and style.bold_timeline else value
        end = "" if value[-1:] in ".;:!?," or not style.end else style.end
        lines.append(f"{label}: {text}{end}")
    return lines


def _blocks(
    items: list[PlanItem],
    scheme: tuple[str, ...],
    level: int,
    chain: list[int],
    style: RoleStyle,
    into: _Blocks,
) -> None:
    """Append the blocks of ``items`` to ``into``: each item's label (explicit, or numbered by
    ``scheme`` at ``level``), heading, paragraphs, bulleted role lines, sub-items, then numbered
    role lines as the next sub-items. Heading positions keep with the next block (format.md,
    "Pagination")."""
    out = into.out
    for index, item in enumerate(items):
        here = [*chain, index + 1]
        label = item.label if item.label is not None else _auto_label(scheme, level, here)
        texts = [t for t in (item.text, *item.paragraphs) if t]
        if item.heading:
            into.headings.add(len(out))
            out.append(rich_text(f"{label} {item.heading}".strip(), bold=True))
        elif texts:
            texts[0] = f"{label} {texts[0]}".strip()
        elif label:
            into.headings.add(len(out))
            out.append(rich_text(label, bold=True))
        for text in texts:
            if text.startswith(("- ", "+ ")):
                into.listed.add(len(out))
            out.append(rich_text(text))
        item_style = item.role_style or style
        roles = _role_lines(item, item_style)
        if item_style.bullet != "numbered":
            for line in roles:
                if item_style.bullet:
                    into.listed.add(len(out))
                out.append(rich_text(f"{item_style.bullet} {line}".strip()))
        if item.table is not None:
            into.tables[len(out)] = _table(item.table)
            out.append(RichText())
        if item.numbering:
            sub_scheme, sub_level, sub_chain = tuple(item.numbering), 0, []
        else:
            sub_scheme, sub_level, sub_chain = scheme, level + 1, here
        _blocks(item.items, sub_scheme, sub_level, sub_chain, style, into)
        if item_style.bullet == "numbered":
            for position, line in enumerate(roles, start=len(item.items) + 1):
                number = _auto_label(sub_scheme, sub_level, [*sub_chain, position])
                out.append(rich_text(f"{number} {line}".strip()))


def _table(table: PlanTable) -> dict[str, list[list[RichText]]]:
    """A table of the outline for the template: header rows and body rows of RichText cells."""
    head = [[rich_text(cell, bold=True) for cell in table.header]] if table.header else []
    return {"head": head, "body": [[rich_text(cell) for cell in row] for row in table.rows]}


def _body(
    paragraphs: list[str], items: list[PlanItem], scheme: tuple[str, ...], style: RoleStyle
) -> dict[str, list[Any]]:
    """Paragraphs then numbered items as the template's blocks, with per block: keeps with the
    next (a heading, format.md "Pagination"), a list line (tight lists) and its table or None."""
    into = _Blocks([rich_text(p) for p in paragraphs], set(), set(), {})
    _blocks(items, scheme, 0, [], style, into)
    count = range(len(into.out))
    return {
        "blocks": into.out,
        "keep_with_next": [i in into.headings for i in count],
        "tight": [i in into.listed for i in count],
        "tables": [into.tables.get(i) for i in count],
    }


def _recipient(line: str) -> RichText:
    """A Nơi nhận line; the lines after a line break continue it, indented as written (leading
    spaces kept as no-break spaces, which neither Word nor the PDF collapse)."""
    first, *rest = line.split("\n")
    kept = [re.sub(r"^[ \t]+", lambda m: "\u00a0" * len(m.group()), part) for part in rest]
    return rich_text("\n".join([first, *kept]))


def plan_context(outline: PlanOutline) -> dict[str, Any]:
    """The context of the plan template: header, subject, the body's blocks (preamble, parts,
    closing), footnotes (each opening with its mark), Nơi nhận, signature and annexes."""
    issuer = outline.issuer
    scheme = _numbering(outline)
    body = _body(outline.preamble, outline.parts, scheme, outline.role_style)
    closing = [rich_text(p) for p in outline.closing]
    body["blocks"] += closing
    body["keep_with_next"] += [False] * len(closing)
    body["tight"] += [False] * len(closing)
    body["tables"] += [None] * len(closing)
    if not outline.tight:
        body["tight"] = [False] * len(body["blocks"])
    annexes = []
    for annex in outline.annexes:
        part = _body(annex.paragraphs, annex.items, scheme[1:] or scheme, outline.role_style)
        if annex.table is not None:
            part["blocks"].append(RichText())
            part["keep_with_next"].append(False)
            part["tight"].append(False)
            part["tables"].append(_table(annex.table))
        if not outline.tight:
            part["tight"] = [False] * len(part["blocks"])
        annexes.append({"title": annex.title, "subject": annex.subject or "", **part})
    return {
        **body,
        "parent_body": issuer.parent_body or "",
        "issuing_body": issuer.issuing_body,
        "number_symbol": number_symbol(
            issuer.issuer_kind, outline.number, "KH", issuer.body_symbol
        ),
        "place_date": place_date(issuer.place, outline.date),
        "subject": outline.subject,
        "footnotes": [
            rich_text(f"[^{i}] {text}") for i, text in enumerate(outline.footnotes, start=1)
        ],
        "recipients": [_recipient(line) for line in outline.recipients],
        "signature": {
            "authority": outline.signature.authority or "",
            "position": outline.signature.position,
            "name": outline.signature.name,
        },
        "annexes": annexes,
    }


_PLAN_BASES = {
    BaseKind.CONVENED: "tổng số người được triệu tập",
    BaseKind.PRESENT: "tổng số người có mặt",
    BaseKind.VALID: "tổng số phiếu hợp lệ",
}

_STRUCTURE = (
    "cơ cấu, số lượng, tiêu chuẩn, điều kiện, đối tượng, độ tuổi, tỉ lệ cán bộ trẻ, cán bộ nữ, "
    "cán bộ người dân tộc thiểu số theo quy định"
)
"""What the deciding step weighs (seed ke-hoach-quy-hoach-vpubnd-son-la.txt, B.II, bước 4)."""


def _threshold(step: ProcedureStep) -> str:
    assert step.threshold is not None and step.base is not None
    figure = f"{step.threshold.normalize():f}".replace(".", ",")
    if step.comparison == Comparison.GREATER:
        return f"ít nhất trên {figure}% so với {_PLAN_BASES[step.base]}"
    return f"ít nhất từ {figure}% trở lên so với {_PLAN_BASES[step.base]}"


def _prose_date(day: date) -> str:
    """A deadline in the plans' short form: "15/4/2022", "31/01/2022" (month padded only for
    January and February, as in the long form of format.md, "Place and date")."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{day.day:02d}/{month}/{day.year}"


def _steps_phrase(numbers: list[int]) -> str:
    """ "bước 2", "bước 2 và bước 3", "các bước 2, 3 và 4"."""
    if len(numbers) == 1:
        return f"bước {numbers[0]}"
    if len(numbers) == 2:
        return f"bước {numbers[0]} và bước {numbers[1]}"
    return "các bước " + ", ".join(str(n) for n in numbers[:-1]) + f" và {numbers[-1]}"


@dataclass(frozen=True)
class PlanVoice:
    """Who a round's plan names, in the words of the issuer's kind.

    State (seed ke-hoach-quy-hoach-vpubnd-son-la.txt): the unit issues, its "tập thể lãnh đạo"
    decides, advised by the "bộ phận tham mưu về tổ chức, cán bộ"; its phòng, ban, đơn vị carry
    the plan out. Party (seed ke-hoach-quy-hoach-thanh-uy.txt): the Ban Thường vụ issues and
    decides, advised by the Ban Tổ chức (Văn phòng Đảng ủy at the base); the chi bộ / chi, đảng bộ
    cơ sở carry the plan out.
    """

    party: bool
    issuer: str
    collective: str
    introduced: str
    advisory: str
    scope: str
    units: str
    workers: str


def plan_voice(info: RoundInfo) -> PlanVoice:
    """The voice of ``info``'s kind (see ``PlanVoice``)."""
    if info.issuer_kind == IssuerKind.PARTY:
        committee = committee_of(info.issuing_body)
        issuer = info.unit_name or (f"Ban Thường vụ {committee}" if committee else "Ban Thường vụ")
        if committee in {"Thành ủy", "Tỉnh ủy", "Huyện ủy", "Quận ủy", "Thị ủy"}:
            advisory, units = f"Ban Tổ chức {committee}", "các chi, đảng bộ cơ sở"
        elif committee == "Đảng ủy":
            advisory, units = "Văn phòng Đảng ủy", "các chi bộ trực thuộc"
        else:
            advisory, units = (
                "cơ quan tham mưu về tổ chức, cán bộ của cấp ủy",
                "các tổ chức đảng trực thuộc",
            )
        return PlanVoice(
            party=True,
            issuer=issuer,
            collective=issuer,
            introduced=issuer,
            advisory=advisory,
            scope="địa phương, cơ quan, đơn vị",
            units=units,
            workers="cán bộ, đảng viên",
        )
    unit = info.unit_name
    return PlanVoice(
        party=False,
        issuer=unit_phrase(info),
        collective="tập thể lãnh đạo",
        introduced=(
            f"tập thể lãnh đạo {unit} (*gọi chung là tập thể lãnh đạo*)"
            if unit
            else "tập thể lãnh đạo"
        ),
        advisory="bộ phận tham mưu về tổ chức, cán bộ",
        scope="cơ quan, đơn vị",
        units=f"các phòng, ban, đơn vị thuộc {unit}"
        if unit
        else "các phòng, ban, đơn vị trực thuộc",
        workers="công chức, viên chức",
    )


def _body_of(step: ProcedureStep) -> str | None:
    """The body that meets at a step, from its conference's name: "Hội nghị tập thể lãnh đạo
    mở rộng" → "tập thể lãnh đạo mở rộng", "Hội nghị Ban Thường vụ Đảng ủy (lần 2)" → "Ban
    Thường vụ Đảng ủy"; None when the step is not a conference ("Xây dựng kế hoạch …")."""
    name = re.sub(r"\s*\([^)]*\)\s*$", "", step.conference).strip()
    if not name.casefold().startswith("hội nghị "):
        return None
    return name[len("hội nghị ") :].strip() or None


def _form(step: ProcedureStep) -> str:
    return "bằng phiếu kín" if step.form == BallotForm.SECRET else "bằng biểu quyết"


def _step_texts(steps: Sequence[ProcedureStep], voice: PlanVoice, titles: str) -> list[list[str]]:
    """Each step's own paragraphs: what it does (worded by its place in the procedure, so no two
    steps say the same), its composition and its rule. Seed ke-hoach-quy-hoach-vpubnd-son-la.txt,
    B.II.1.1.3 and 2.1.3; the quorum is said once for all steps (``_quorum``)."""
    out: list[list[str]] = []
    nominations_before: list[int] = []
    source_list_at: int | None = None
    compositions: dict[str, int] = {}
    rules: dict[str, int] = {}
    for step in steps:
        body = _body_of(step)
        actor = body or "hội nghị"
        lines: list[str] = []
        if step.kind == StepKind.PREPARATION and body is None:
            lines.append(
                f"Căn cứ {_STRUCTURE}; trên cơ sở tình hình đội ngũ cán bộ và yêu cầu nhiệm vụ chính "
                f"trị của {voice.scope}, {voice.collective} chỉ đạo {voice.advisory} thực hiện: "
                "(1) xây dựng kế hoạch triển khai công tác quy hoạch cán bộ; (2) rà soát, đánh giá "
                "nguồn cán bộ để dự kiến danh sách nguồn nhân sự đáp ứng tiêu chuẩn, điều kiện "
                f"quy hoạch {titles}."
            )
        elif step.kind == StepKind.PREPARATION:
            lines.append(
                f"Trên cơ sở báo cáo của {voice.advisory}, {actor} thảo luận, phân tích và thông "
                "qua: (1) Kế hoạch triển khai công tác quy hoạch cán bộ; (2) Danh sách nguồn nhân "
                "sự đáp ứng tiêu chuẩn, điều kiện quy hoạch để trình các hội nghị xem xét, phát "
                "hiện, giới thiệu."
            )
            source_list_at = step.number
        elif step.kind == StepKind.REMOVAL:
            adopt = (
                ""
                if source_list_at is not None
                else "thông qua danh sách nguồn bổ sung quy hoạch để lấy ý kiến tại các hội nghị; "
            )
            lines.append(
                f"Xem xét, {adopt}bỏ phiếu (*{_form(step)}*) đưa ra khỏi quy hoạch đối với những "
                "trường hợp không còn đủ tiêu chuẩn, điều kiện theo quy định."
            )
            source_list_at = source_list_at or step.number
        elif step.fills_quota:
            earlier = (
                f" và kết quả giới thiệu nhân sự ở {_steps_phrase(nominations_before)}"
                if nominations_before
                else ""
            )
            lines.append(
                f"Căn cứ vào {_STRUCTURE}; đồng thời, trên cơ sở tình hình đội ngũ cán bộ, yêu cầu "
                f"nhiệm vụ chính trị của {voice.scope}{earlier}, {actor} tiến hành thảo luận và "
                f"biểu quyết giới thiệu nhân sự (*{_form(step)}*) để đưa vào danh sách đề nghị phê "
                "duyệt quy hoạch."
            )
        elif not nominations_before:
            basis = (
                f"Trên cơ sở danh sách nguồn đã được thông qua ở bước {source_list_at}, hội nghị lấy"
                if source_list_at is not None
                else "Lấy"
            )
            lines.append(
                f"{basis} ý kiến phát hiện, giới thiệu nhân sự quy hoạch (*{_form(step)}*)."
            )
        else:
            lines.append(
                f"Trên cơ sở kết quả giới thiệu nhân sự ở {_steps_phrase(nominations_before[-1:])}, "
                f"{actor} tiến hành thảo luận và giới thiệu nhân sự quy hoạch (*{_form(step)}*)."
            )
        composition = (step.composition or "").strip().rstrip(".")
        if composition and body is None and step.kind == StepKind.PREPARATION:
            doer = re.sub(r"\s+tham mưu$", "", composition)
            if fold_key(doer) != fold_key(voice.advisory):
                lines.append(f"- Thực hiện: {composition}.")
        elif composition and fold_key(composition) != fold_key(actor):
            if fold_key(composition) in compositions:
                lines.append(f"- Thành phần: như ở bước {compositions[fold_key(composition)]}.")
            else:
                compositions[fold_key(composition)] = step.number
                lines.append(f"- Thành phần: {composition}.")
        rule = _rule(step)
        if rule:
            key = fold_key(rule)
            if key in rules:
                rule = rule.split(":")[0] + f": như ở bước {rules[key]}."
            else:
                rules[key] = step.number
            lines.append(rule)
        if step.max_per_ballot and step.kind == StepKind.NOMINATION:
            lines.append(
                f"- Số người giới thiệu: mỗi phiếu không quá {step.max_per_ballot} người cho mỗi "
                "chức danh."
            )
        if step.kind == StepKind.NOMINATION and step.fills_quota:
            assert step.threshold is not None and step.comparison is not None
            lines.append(
                "Trường hợp lấy đến cuối danh sách nhưng có từ 2 người trở lên có số phiếu bằng nhau "
                f"{threshold_words(step.threshold, step.comparison)}, thì giao cho người đứng đầu "
                "xem xét, quyết định lựa chọn nhân sự đưa vào quy hoạch."
            )
        if step.kind == StepKind.NOMINATION:
            nominations_before.append(step.number)
        out.append(lines)
    return out


def _rule(step: ProcedureStep) -> str:
    """The step's vote rule in the seed's words ("Nguyên tắc …")."""
    if step.kind == StepKind.REMOVAL:
        assert step.threshold is not None and step.base is not None
        figure = f"{step.threshold.normalize():f}".replace(".", ",")
        more = "trên" if step.comparison == Comparison.GREATER else "từ"
        tail = "" if step.comparison == Comparison.GREATER else " trở lên"
        return (
            f"- Nguyên tắc đưa ra khỏi quy hoạch: Những đồng chí có {more} {figure}%{tail} "
            f"{_PLAN_BASES[step.base]} đồng ý thì đề xuất đưa ra khỏi quy hoạch."
        )
    if step.kind == StepKind.NOMINATION:
        rule = (
            "- Nguyên tắc lựa chọn, giới thiệu: Nhân sự được lựa chọn, giới thiệu phải đạt tỉ lệ "
            f"phiếu đồng ý {_threshold(step)}"
        )
        if step.fills_quota:
            return rule + " và lấy từ trên xuống cho đủ số lượng theo quy định."
        return rule + " để đưa vào danh sách giới thiệu ở bước sau."
    return ""


def step_paragraphs(step: ProcedureStep, last: bool = False) -> list[str]:
    """The plan's paragraphs for one procedure step alone (its place in a procedure unknown)."""
    del last
    voice = PlanVoice(
        party=False,
        issuer="",
        collective="tập thể lãnh đạo",
        introduced="tập thể lãnh đạo",
        advisory="bộ phận tham mưu về tổ chức, cán bộ",
        scope="cơ quan, đơn vị",
        units="",
        workers="",
    )
    return _step_texts([step], voice, "các chức danh")[0]


def _quorum(steps: Sequence[ProcedureStep]) -> list[str]:
    """The conference-validity rule, once for all steps that share it (domain.md §2:
    "Conference validity: … at least 2/3 of those convened present")."""
    groups: dict[Fraction, list[int]] = {}
    for step in steps:
        if step.min_attendance is not None:
            groups.setdefault(step.min_attendance, []).append(step.number)
    sentences = []
    for share, numbers in groups.items():
        where = (
            f"Hội nghị ở bước {numbers[0]}"
            if len(numbers) == 1
            else "Hội nghị ở các bước "
            + ", ".join(str(n) for n in numbers[:-1])
            + f" và {numbers[-1]}"
        )
        sentences.append(
            f"{where} chỉ hợp lệ khi có ít nhất {share.numerator}/{share.denominator} tổng số "
            "người được triệu tập có mặt."
        )
    return sentences


def round_plan_outline(round_input: RoundInput, decision: RoundDecision) -> PlanOutline:
    """The plan of a round, from its workbook: the "Kế hoạch" sheet where the unit has its own
    words, docgen's default wording otherwise, in the voice of the issuer's kind (``PlanVoice``)."""
    info = round_input.info
    settings = round_input.plan
    rules = decision.rules
    voice = plan_voice(info)
    review = info.round_kind == RoundKind.REVIEW
    action = "rà soát, bổ sung quy hoạch" if review else "xây dựng quy hoạch"
    titles = titles_phrase(round_input)
    subject = f"{action} {titles} nhiệm kỳ {info.term}"
    subject = upper_first(subject) if info.issuer_kind == IssuerKind.STATE else subject
    bases = list(info.legal_bases) or list(rules.legal_bases)
    preamble = [
        "Căn cứ " + "; ".join(bases) + ".",
        f"{voice.issuer} ban hành Kế hoạch {action} {titles} nhiệm kỳ {info.term} như sau:",
    ]
    purposes = (settings.purposes if settings else []) or [
        f"{upper_first(action)} nhằm phát hiện sớm nguồn cán bộ có phẩm chất, năng lực, uy tín, "
        "có triển vọng phát triển; bảo đảm sự chuyển tiếp liên tục, vững vàng giữa các thế hệ cán bộ.",
        "Thực hiện đúng nguyên tắc, tiêu chuẩn, điều kiện, quy trình quy hoạch cán bộ; bảo đảm dân chủ, "
        "khách quan, công khai, minh bạch; không đề xuất quy hoạch những trường hợp không bảo đảm "
        "tiêu chuẩn, điều kiện.",
    ]
    steps = decision.procedure
    deadline = (settings.deadline if settings else None) or info.submission_date
    timeline = _schedule(round_input, steps) + (
        [f"Hoàn thành quy trình và hồ sơ trước ngày **{_prose_date(deadline)}**."]
        if deadline
        else []
    )
    parts = [
        PlanItem(
            heading="MỤC ĐÍCH, YÊU CẦU",
            items=[PlanItem(text=p) for p in purposes],
        ),
        PlanItem(
            heading="NỘI DUNG",
            numbering=["I-" if voice.party else "I.", "1."],
            items=[
                PlanItem(
                    heading="ĐỐI TƯỢNG, CHỨC DANH QUY HOẠCH",
                    paragraphs=[
                        _working_time(
                            round_input,
                            rules.review_months,
                            rules.object_1_months,
                            rules.object_2_months,
                        )
                    ],
                    items=_title_items(round_input, voice),
                ),
                PlanItem(
                    heading="QUY TRÌNH THỰC HIỆN",
                    paragraphs=[_procedure_intro(steps, voice, action)],
                    items=[
                        PlanItem(
                            label=f"({position})",
                            heading=f"Bước {step.number}: {step.conference}",
                            paragraphs=texts,
                        )
                        for position, (step, texts) in enumerate(
                            zip(steps, _step_texts(steps, voice, titles), strict=True), start=1
                        )
                    ],
                ),
                *(
                    [
                        PlanItem(
                            heading="THỜI GIAN THỰC HIỆN",
                            paragraphs=timeline,
                        )
                    ]
                    if timeline
                    else []
                ),
            ],
        ),
        PlanItem(
            heading="TỔ CHỨC THỰC HIỆN",
            items=(
                [PlanItem(text=p) for p in settings.organisation]
                if settings and settings.organisation
                else _organisation(info, voice, review)
            ),
        ),
    ]
    closing = (
        []
        if settings and settings.organisation
        else [
            f"Trong quá trình triển khai thực hiện, nếu có vướng mắc, {voice.units} kịp thời phản "
            f"ánh về {voice.collective} (*qua {voice.advisory} tổng hợp, báo cáo*) xem xét, giải "
            "quyết." + ("" if voice.party else "/.")
        ]
    )
    return PlanOutline(
        kind="plan",
        numbering=["A-" if voice.party else "A.", "1."],
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
        closing=closing,
        recipients=plan_recipient_lines(round_input),
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


def _schedule(round_input: RoundInput, steps: Sequence[ProcedureStep]) -> list[str]:
    """The date of each step whose conference has one in the "Hội nghị" sheet, in step order."""
    dates = {c.step: c.date for c in round_input.conferences if c.date}
    return [
        f"- Bước {step.number}: ngày {_prose_date(dates[step.number])}."
        for step in steps
        if step.number in dates
    ]


def _working_time(round_input: RoundInput, review: int, object_1: int, object_2: int) -> str:
    """The working-time condition, once for every title (seed ke-hoach-quy-hoach-vpubnd-son-la.txt,
    B.II.1.1.1 and 2.1.1, which repeats it under each title; domain.md §3)."""
    if round_input.info.round_kind == RoundKind.REVIEW:
        text = (
            "Các đồng chí được rà soát, bổ sung quy hoạch hằng năm cho nhiệm kỳ hiện tại phải đủ "
            f"tuổi công tác ít nhất từ {review} tháng trở lên"
        )
    else:
        text = (
            "Các đồng chí được quy hoạch nhiệm kỳ kế tiếp phải đủ tuổi công tác 2 nhiệm kỳ trở lên, "
            f"ít nhất trọn 1 nhiệm kỳ (*{object_1} tháng*)"
        )
    if any(title.source_2 for title in round_input.titles):
        text += (
            "; các đồng chí thuộc đối tượng 2 phải được quy hoạch chức danh đối tượng 1 và còn đủ "
            f"tuổi công tác ít nhất trọn 2 nhiệm kỳ (*{object_2} tháng*) trở lên"
        )
    return text + ", đối với cả nam và nữ."


def _title_items(round_input: RoundInput, voice: PlanVoice) -> list[PlanItem]:
    """One item per title: its quota in the heading, its source positions (seed B.II.1.1.1)."""
    review = round_input.info.round_kind == RoundKind.REVIEW
    equivalent = "" if voice.party else " và tương đương"
    items = []
    for title in round_input.titles:
        lines = []
        both = bool(title.source_1 and title.source_2)
        if title.source_1:
            label = "Đối tượng 1" if both else "Đối tượng"
            lines.append(f"- *{label}:* {'; '.join(title.source_1)}{equivalent}.")
        if title.source_2:
            label = "Đối tượng 2" if both else "Đối tượng"
            lines.append(f"- *{label}:* {'; '.join(title.source_2)}{equivalent}.")
        quota = (
            f" ({'bổ sung ' if review else ''}{title.quota:02d} đồng chí)" if title.quota else ""
        )
        items.append(PlanItem(heading=f"Quy hoạch chức danh {title.name}{quota}", paragraphs=lines))
    return items


def _procedure_intro(steps: Sequence[ProcedureStep], voice: PlanVoice, action: str) -> str:
    """The paragraph before the steps: who directs them, how many, and the quorum once."""
    basis = (
        "Trên cơ sở kết quả đánh giá, xếp loại cán bộ hằng năm và đề xuất của "
        if voice.party
        else "Căn cứ vào kết quả đánh giá cán bộ hằng năm của cấp có thẩm quyền và đề xuất của "
    )
    directs = "lãnh đạo, chỉ đạo" if voice.party else "chỉ đạo"
    text = f"{basis}{voice.advisory}, {voice.introduced} {directs} {action} theo {len(steps)} bước."
    quorum = " ".join(_quorum(steps))
    return f"{text} {quorum}".strip() + " Cụ thể như sau:"


def _organisation(info: RoundInfo, voice: PlanVoice, review: bool) -> list[PlanItem]:
    """Who does what (seed C, "TỔ CHỨC THỰC HIỆN"), in the voice of the issuer's kind."""
    superior = re.match(r"^Ban Thường vụ\s+(.+)$", info.approving_body)
    through = f" (*qua Ban Tổ chức {superior.group(1)} tổng hợp, thẩm định*)" if superior else ""
    table = "kết quả rà soát, bổ sung quy hoạch" if review else "kết quả quy hoạch nhiệm kỳ kế tiếp"
    dossier = (
        "Hồ sơ gồm: (1) Tờ trình kèm biên bản kiểm phiếu thực hiện quy trình quy hoạch; (2) Biểu "
        f"tổng hợp {table} (theo mẫu)."
    )
    who = (
        f"{upper_first(voice.advisory)} tham mưu {voice.collective}"
        if voice.party
        else f"Giao {voice.advisory}: tham mưu giúp {voice.collective}"
    )
    advising = PlanItem(
        text=(
            f"{who} rà soát, tổng hợp danh sách nguồn nhân sự; chuẩn bị các hội nghị, phiếu và "
            "biên bản kiểm phiếu theo quy trình; hoàn thiện hồ sơ, báo cáo "
            f"{info.approving_body}{through} xem xét, phê duyệt."
        ),
        paragraphs=[dossier],
    )
    heads = upper_first(voice.units) if voice.party else f"Trưởng {voice.units}"
    units = PlanItem(
        text=(
            f"{heads} tổ chức quán triệt Kế hoạch này đến {voice.workers}; "
            "bảo đảm thành phần được triệu tập tham dự đầy đủ các hội nghị theo quy trình."
        )
    )
    return [advising, units] if voice.party else [units, advising]


def _where(sheet: Sheet, field: str, *, sheet_missing: bool = False) -> str:
    """ "fill the row “Ngày kế hoạch” of sheet “Kế hoạch” (YAML/JSON: plan.date)"; when the
    workbook has no such sheet yet, the hint asks to add it first."""
    header = next(c.header for c in sheet.columns if c.field == field)
    where = f"the row “{header}” of sheet “{sheet.name}” ({sheet.collection}.{field} in YAML/JSON)"
    if sheet_missing:
        return f"add a sheet “{sheet.name}” (two columns: Mục | Giá trị) and fill in it {where}"
    return f"fill {where}"


def round_plan_gaps(round_input: RoundInput) -> list[Finding]:
    """A warning for every field of the round's plan left blank and printed as a gap (or left
    out), naming the workbook row to fill. An issued plan may leave its number and day for the
    registry (seed ke-hoach-quy-hoach-vpubnd-son-la.txt: "Số: /KH-VPUB", "ngày tháng 3 năm
    2022"), so these are warnings: the plan is still written."""
    info = round_input.info
    settings = round_input.plan
    findings: list[Finding] = []

    def warn(collection: str, field: str, message: str, hint: str) -> None:
        findings.append(
            Finding(collection, None, field, message, hint=hint, severity=Severity.WARNING)
        )

    if not (settings and settings.number):
        shown = number_symbol(info.issuer_kind, None, "KH", info.body_symbol)
        shown = re.sub("\u00a0+", "…", shown)
        colon = ":" if info.issuer_kind == IssuerKind.STATE else ""
        warn(
            "plan",
            "number",
            f"the plan's number is blank: it prints “Số{colon} {shown}”",
            f"{_where(PLAN_SHEET, 'number', sheet_missing=settings is None)}, or leave it for the registry to write in",
        )
    day = settings.date if settings else None
    if day is None:
        warn(
            "plan",
            "date",
            f"the plan's date is blank: it prints “{info.place}, ngày … tháng … năm …”",
            f"{_where(PLAN_SHEET, 'date', sheet_missing=settings is None)} with dd/mm/yyyy, or mm/yyyy to leave the day blank",
        )
    elif isinstance(day, PartialDate) and (day.day is None or day.month is None):
        shown = place_date(info.place, day).replace("\u00a0" * 6, " … ").replace("  ", " ")
        warn(
            "plan",
            "date",
            f"the plan's date is partial: it prints “{shown.strip()}”",
            f"{_where(PLAN_SHEET, 'date')} with the whole date when it is known",
        )
    if not ((settings and settings.deadline) or info.submission_date):
        warn(
            "plan",
            "deadline",
            "the plan has no deadline: it does not say by when the round must be done",
            f"{_where(PLAN_SHEET, 'deadline', sheet_missing=settings is None)} (or “Ngày tờ trình” of “Thông tin chung”)",
        )
    if info.issuer_kind == IssuerKind.STATE and not info.drafting_unit:
        warn(
            "info",
            "drafting_unit",
            "the drafting unit is blank: the plan's archive line prints “Lưu: VT.” without it",
            _where(INFO_SHEET, "drafting_unit"),
        )
    return findings
