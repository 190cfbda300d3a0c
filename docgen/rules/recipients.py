"""Recipient lists (Nơi nhận) from rules, overridable by the workbook's "Nơi nhận" sheet.

Conventions (format.md, "Recipient list"; seeds): superiors first with "(b/c)", then bodies that
coordinate, then those that act ("(để chỉ đạo)", "(thực hiện)"), then individuals and those
informed, the archive line last. A submission or report sent upward starts with "- Như trên".
Party lines end with ",", State lines with ";", the last line with ".". State archive: "Lưu: VT,
<drafting unit>."; Party: "Lưu Văn phòng Thành ủy." / "Lưu VPĐU.".

Every rule here is a pure function of the round's "Thông tin chung"; its source is in its docstring.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from docgen.models import IssuerKind, Purpose, RecipientLine, RoundInfo, RoundInput
from docgen.vietnamese import fold_key, normalize_text

__all__ = [
    "PURPOSE_SUFFIX",
    "PLAN_DOCUMENT",
    "Recipient",
    "archive_line",
    "committee_of",
    "format_recipients",
    "party_plan_recipients",
    "plan_recipient_lines",
    "plan_recipients",
    "recipient_lines",
    "sheet_recipients",
    "state_plan_recipients",
]

PURPOSE_SUFFIX = {
    Purpose.REPORT: "(b/c)",
    Purpose.COORDINATE: "(phối hợp)",
    Purpose.ACT: "(thực hiện)",
    Purpose.INFORM: "(để biết)",
    Purpose.ARCHIVE: "",
}
"""The note printed after a recipient for its purpose (format.md; seeds: "(b/c)", "(thực hiện)")."""

PLAN_DOCUMENT = "Kế hoạch"
"""How the "Nơi nhận" sheet names the plan in its "Văn bản" column (contract.py)."""

_ORDER = list(Purpose)

_COMMITTEES = (
    ("THÀNH ỦY", "Thành ủy"),
    ("TỈNH ỦY", "Tỉnh ủy"),
    ("HUYỆN ỦY", "Huyện ủy"),
    ("QUẬN ỦY", "Quận ủy"),
    ("THỊ ỦY", "Thị ủy"),
    ("ĐẢNG ỦY", "Đảng ủy"),
    ("CHI BỘ", "Chi bộ"),
)
_BAN_THUONG_VU = re.compile(r"^ban thường vụ\s+(.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Recipient:
    """One Nơi nhận line before printing: who, why, and the note printed after the name.

    ``note`` None prints the purpose's usual note (``PURPOSE_SUFFIX``); "" prints none.
    """

    name: str
    purpose: Purpose
    note: str | None = None


def committee_of(body: str) -> str | None:
    """The Party committee a body names, in prose case: "THÀNH ỦY SƠN LA" → "Thành ủy",
    "ĐẢNG ỦY PHƯỜNG TÔ HIỆU" → "Đảng ủy", "CHI BỘ …" → "Chi bộ"; None for any other body.

    Source: format.md, "Document-type abbreviations" (Party issuing bodies TU, ĐU, CB)."""
    text = normalize_text(body).upper().replace("UỶ", "ỦY")
    for caps, prose in _COMMITTEES:
        if text.startswith(caps):
            return prose
    return None


def _superior_committee(approving_body: str) -> str | None:
    """ "Ban Thường vụ Thành ủy" → "Thành ủy": the committee whose standing board approves."""
    match = _BAN_THUONG_VU.match(normalize_text(approving_body))
    return match.group(1) if match else None


def archive_line(kind: IssuerKind, body_symbol: str, drafting_unit: str | None) -> str:
    """The default archive line: State "Lưu: VT, TCHCQT"; Party "Lưu VPĐU" (format.md)."""
    if kind == IssuerKind.STATE:
        return f"Lưu: VT, {drafting_unit}" if drafting_unit else "Lưu: VT"
    return f"Lưu VP{body_symbol}" if body_symbol else "Lưu Văn phòng"


def state_plan_recipients(info: RoundInfo) -> list[Recipient]:
    """Nơi nhận of a State unit's plan (seed ke-hoach-quy-hoach-vpubnd-son-la.txt: "Ban Tổ chức
    Tỉnh ủy (B/c); LĐVP UBND tỉnh (để chỉ đạo); Các phòng, ban, đơn vị thuộc VP (t/hiện); Lưu: VT,
    TCHCQT"): the body that appraises for the approving board (its Ban Tổ chức) or the approving
    body itself, for report; the unit's leadership, to direct; its phòng, ban, đơn vị, to carry
    the plan out; the archive of the drafting unit."""
    committee = _superior_committee(info.approving_body)
    superior = f"Ban Tổ chức {committee}" if committee else info.approving_body
    unit = info.unit_name
    return [
        Recipient(superior, Purpose.REPORT),
        Recipient(f"Lãnh đạo {unit}" if unit else "Lãnh đạo cơ quan", Purpose.ACT, "(để chỉ đạo)"),
        Recipient(
            f"Các phòng, ban, đơn vị thuộc {unit}" if unit else "Các phòng, ban, đơn vị trực thuộc",
            Purpose.ACT,
        ),
        Recipient(
            archive_line(IssuerKind.STATE, info.body_symbol, info.drafting_unit), Purpose.ARCHIVE
        ),
    ]


def party_plan_recipients(info: RoundInfo) -> list[Recipient]:
    """Nơi nhận of a Party committee's plan (seed ke-hoach-quy-hoach-thanh-uy.txt: "Thường trực
    Tỉnh ủy (b/cáo), Ban Tổ chức Tỉnh ủy (b/cáo), …, Các chi, đảng bộ cơ sở, …, Các đồng chí Thành
    ủy viên, Lưu Văn phòng Thành ủy"): the superior committee's Thường trực and Ban Tổ chức when a
    Ban Thường vụ approves (else the approving body), for report; the party organisations under
    the committee, to carry the plan out; the committee's members; the archive of its Văn phòng.

    The organisations under a Thành ủy, Tỉnh ủy, Huyện ủy … are "các chi, đảng bộ cơ sở"; under
    an Đảng ủy, "các chi bộ trực thuộc"."""
    committee = committee_of(info.issuing_body)
    superior = _superior_committee(info.approving_body)
    own = info.unit_name or (f"Ban Thường vụ {committee}" if committee else "")
    lines: list[Recipient] = []
    approves_itself = fold_key(info.approving_body) == fold_key(own) or (
        superior is not None and fold_key(superior) == fold_key(committee or "")
    )
    if superior and not approves_itself:
        lines += [
            Recipient(f"Thường trực {superior}", Purpose.REPORT),
            Recipient(f"Ban Tổ chức {superior}", Purpose.REPORT),
        ]
    elif not approves_itself:
        lines.append(Recipient(info.approving_body, Purpose.REPORT))
    if committee == "Đảng ủy":
        lines.append(Recipient("Các chi bộ trực thuộc", Purpose.ACT))
    elif committee not in {None, "Chi bộ"}:
        lines.append(Recipient("Các chi, đảng bộ cơ sở", Purpose.ACT))
    members = (
        "Các đồng chí chi ủy viên"
        if committee == "Chi bộ"
        else f"Các đồng chí {committee} viên"
        if committee
        else "Các đồng chí cấp ủy viên"
    )
    lines.append(Recipient(members, Purpose.INFORM, ""))
    archive = (
        f"Lưu Văn phòng {committee}"
        if committee not in {None, "Chi bộ"}
        else archive_line(IssuerKind.PARTY, info.body_symbol, info.drafting_unit)
    )
    lines.append(Recipient(archive, Purpose.ARCHIVE))
    return lines


def plan_recipients(info: RoundInfo) -> list[Recipient]:
    """The built-in Nơi nhận of a round's plan, by issuer kind."""
    if info.issuer_kind == IssuerKind.PARTY:
        return party_plan_recipients(info)
    return state_plan_recipients(info)


def sheet_recipients(overrides: Sequence[RecipientLine], document: str) -> list[Recipient]:
    """The "Nơi nhận" sheet's rows for one document kind ("Kế hoạch", "Tờ trình")."""
    return [
        Recipient(line.recipient, line.purpose)
        for line in overrides
        if fold_key(line.document) == fold_key(document)
    ]


def format_recipients(
    kind: IssuerKind, recipients: Sequence[Recipient], *, archive: str, as_above: bool = False
) -> list[str]:
    """The printed lines, "- …;" (State) or "- …," (Party), the last ending ".".

    Lines are ordered by purpose (stable within one purpose), each body once; the last archive
    recipient is the archive line, ``archive`` when there is none. ``as_above`` starts the list
    with "Như trên" (a submission to its Kính gửi body)."""
    ordered = sorted(
        (r for r in recipients if r.purpose != Purpose.ARCHIVE),
        key=lambda r: _ORDER.index(r.purpose),
    )
    texts: list[str] = ["Như trên"] if as_above else []
    seen = {fold_key(t) for t in texts}
    for recipient in ordered:
        name = normalize_text(recipient.name).rstrip(".;,").strip()
        note = PURPOSE_SUFFIX[recipient.purpose] if recipient.note is None else recipient.note
        text = f"{name} {note}" if note and "(" not in name else name
        if fold_key(name) not in seen:
            seen.add(fold_key(name))
            texts.append(text)
    archives = [
        normalize_text(r.name).rstrip(".;,").strip()
        for r in recipients
        if r.purpose == Purpose.ARCHIVE
    ]
    texts.append(archives[-1] if archives else archive)
    separator = ";" if kind == IssuerKind.STATE else ","
    return [f"- {text}{separator if i < len(texts) - 1 else '.'}" for i, text in enumerate(texts)]


def recipient_lines(
    kind: IssuerKind,
    document: str,
    overrides: Sequence[RecipientLine],
    *,
    archive: str,
    as_above: bool,
) -> list[str]:
    """The printed Nơi nhận lines of one document kind, each "- … ;" (State) or "- … ," (Party).

    ``document`` is the kind as the "Nơi nhận" sheet names it ("Tờ trình"); only its overrides
    apply. ``as_above`` starts the list with "Như trên" (a submission to the Kính gửi body).
    ``archive`` is used when the overrides name no archive line.
    """
    return format_recipients(
        kind, sheet_recipients(overrides, document), archive=archive, as_above=as_above
    )


def plan_recipient_lines(round_input: RoundInput) -> list[str]:
    """The Nơi nhận of a round's plan: the "Nơi nhận" sheet's rows for "Kế hoạch" when it has
    any (they replace the built-in rules; the default archive line is kept unless they name one),
    else the built-in rules of the issuer's kind."""
    info = round_input.info
    rules = plan_recipients(info)
    archive = next(r.name for r in rules if r.purpose == Purpose.ARCHIVE)
    chosen = sheet_recipients(round_input.recipients, PLAN_DOCUMENT) or rules
    return format_recipients(info.issuer_kind, chosen, archive=archive)
