"""Recipient lists (Nơi nhận) from rules, overridable by the workbook's "Nơi nhận" sheet.

Conventions (format.md, "Recipient list"; seeds): superiors first with "(b/c)", then bodies that
coordinate, then those that act ("(t/h)"), then those informed, the archive line last. A
submission or report sent upward starts with "- Như trên". Party lines end with ",", State lines
with ";", the last line with ".". State archive: "Lưu: VT, <drafting unit>."; Party: "Lưu VP<body>".
"""

from __future__ import annotations

from collections.abc import Sequence

from docgen.models import IssuerKind, Purpose, RecipientLine
from docgen.vietnamese import fold_key

__all__ = ["recipient_lines", "archive_line", "PURPOSE_SUFFIX"]

PURPOSE_SUFFIX = {
    Purpose.REPORT: "(b/c)",
    Purpose.COORDINATE: "(phối hợp)",
    Purpose.ACT: "(t/h)",
    Purpose.INFORM: "(để biết)",
    Purpose.ARCHIVE: "",
}
_ORDER = list(Purpose)


def archive_line(kind: IssuerKind, body_symbol: str, drafting_unit: str | None) -> str:
    """The default archive line: State "Lưu: VT, TCHCQT"; Party "Lưu VPĐU" (format.md)."""
    if kind == IssuerKind.STATE:
        return f"Lưu: VT, {drafting_unit}" if drafting_unit else "Lưu: VT"
    return f"Lưu VP{body_symbol}" if body_symbol else "Lưu Văn phòng"


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
    mine = [line for line in overrides if fold_key(line.document) == fold_key(document)]
    mine.sort(key=lambda line: _ORDER.index(line.purpose))
    texts: list[str] = ["Như trên"] if as_above else []
    for line in mine:
        text = line.recipient.strip().rstrip(".;,")
        if line.purpose == Purpose.ARCHIVE:
            continue
        suffix = PURPOSE_SUFFIX[line.purpose]
        if suffix and "(" not in text:
            text = f"{text} {suffix}"
        if fold_key(text) not in {fold_key(t) for t in texts}:
            texts.append(text)
    archives = [
        line.recipient.strip().rstrip(".;,") for line in mine if line.purpose == Purpose.ARCHIVE
    ]
    texts.append(archives[-1] if archives else archive)
    separator = ";" if kind == IssuerKind.STATE else ","
    return [f"- {text}{separator if i < len(texts) - 1 else '.'}" for i, text in enumerate(texts)]
