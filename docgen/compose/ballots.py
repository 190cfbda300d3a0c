"""Ballots (phiếu giới thiệu, phiếu biểu quyết, phiếu đưa ra khỏi quy hoạch) of one voting step.

Who is on the ballot of step N (issue #3): the people given for step N in "Kết quả" (votes may
still be empty); when none are given, those who passed the previous voting step and are eligible;
at the discovery step (the first nomination step), the eligible people holding a source position
of the title; for a removal vote, those currently planned for the title. Candidates are printed in
Vietnamese name order (vietnamese.md); nothing on a ballot identifies the voter (domain.md §5).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docgen.compose.common import in_name_order, titles_phrase
from docgen.decide import Roster, RoundDecision, TitleDecision
from docgen.models import BallotForm, Cadre, ProcedureStep, RoundInput, StepKind
from docgen.rules.eligibility import cadre_object, check_eligibility
from docgen.vietnamese import ascii_slug, fold_key, short_date

__all__ = ["Ballot", "ballot_candidates", "ballot_file_names", "step_ballots", "SLUG_LIMIT"]

SLUG_LIMIT = 60
"""The longest title slug in a ballot's file name (ASCII characters). With ``phieu-buoc-<step>-``,
a ``-<n>`` suffix, the dossier's ``NN-`` prefix and ``.docx``/``.pdf`` a name stays near 100
bytes, far below the 255 bytes file systems allow and short enough for Windows paths."""


@dataclass(frozen=True)
class Ballot:
    """One ballot file: its name, the titles it covers, and its template context."""

    file_name: str
    titles: tuple[str, ...]
    context: dict[str, Any]
    copies: int


def ballot_candidates(
    round_input: RoundInput, decision: RoundDecision, step: ProcedureStep, title: TitleDecision
) -> list[Cadre]:
    """The people on the ballot of ``step`` for ``title``, in name order (see module docstring)."""
    roster = Roster(round_input.cadres)
    key = fold_key(title.title.name)
    given = []
    for result in round_input.results:
        if result.step == step.number and fold_key(result.title) == key:
            index, _, _ = roster.resolve(result.person)
            if index is not None:
                given.append(round_input.cadres[index])
    if given:
        return in_name_order(given)
    if step.kind == StepKind.REMOVAL:
        return in_name_order(
            [c for c in round_input.cadres if key in {fold_key(t) for t in c.planned_titles}]
        )
    nominations = [s for s in decision.procedure if s.kind == StepKind.NOMINATION]
    position = nominations.index(step)
    info = round_input.info
    if position > 0:
        previous = nominations[position - 1].number
        return in_name_order(
            [
                c.cadre
                for c in title.candidates
                if (outcome := c.at(previous)) is not None
                and outcome.passed
                and (c.eligibility is None or c.eligibility.eligible)
            ]
        )
    sources = []
    for cadre in round_input.cadres:
        if key in {fold_key(t) for t in cadre.planned_titles}:
            continue
        if not title.title.source_1 and not title.title.source_2:
            continue
        if cadre_object(cadre, title.title) is None:
            continue
        eligibility = check_eligibility(
            cadre,
            title.title,
            info.round_kind,
            info.reference_date,
            decision.rules,
            cadre.planned_titles,
        )
        if eligibility.eligible:
            sources.append(cadre)
    return in_name_order(sources)


def _title_slug(title: str, index: int) -> str:
    """``title`` as an ASCII slug of at most SLUG_LIMIT characters, cut at a word boundary where
    one is near; ``chuc-danh-<index>`` when the title has no Latin letter or digit."""
    slug = ascii_slug(title)
    if len(slug) > SLUG_LIMIT:
        cut = slug[: SLUG_LIMIT + 1]
        boundary = cut.rfind("-")
        slug = cut[:boundary] if boundary >= SLUG_LIMIT // 2 else slug[:SLUG_LIMIT]
        slug = slug.strip("-")
    return slug or f"chuc-danh-{index}"


def ballot_file_names(prefix: str, titles: list[str]) -> list[str]:
    """One DOCX file name per title, ``<prefix>-<slug>.docx``, unique by construction: a slug
    already taken (two titles that fold to the same letters, or cut to the same length) gets
    ``-2``, ``-3`` … in title order. Slugs are bounded (SLUG_LIMIT), so names are too."""
    taken: set[str] = set()
    names = []
    for index, title in enumerate(titles, start=1):
        stem = f"{prefix}-{_title_slug(title, index)}"
        name, number = stem, 2
        while name in taken:
            name, number = f"{stem}-{number}", number + 1
        taken.add(name)
        names.append(f"{name}.docx")
    return names


def _discovery(decision: RoundDecision, step: ProcedureStep) -> bool:
    nominations = [s for s in decision.procedure if s.kind == StepKind.NOMINATION]
    return bool(nominations) and nominations[0] is step


def step_ballots(
    round_input: RoundInput, decision: RoundDecision, step: ProcedureStep, copies: int | None = None
) -> list[Ballot]:
    """The ballots of ``step``: one per title, or one covering all titles when the procedure
    says so (``combined_ballot``). ``copies`` defaults to those present, else those convened,
    else 1. File names: ``phieu-buoc-<step>.docx`` for a combined ballot, else
    ``ballot_file_names`` (``phieu-buoc-<step>-<title slug>.docx``, unique, bounded)."""
    info = round_input.info
    conference = decision.conferences.get(step.number)
    if copies is None:
        copies = (conference.present or conference.convened or 1) if conference else 1
    removal = step.kind == StepKind.REMOVAL
    discovery = not removal and _discovery(decision, step)
    if removal:
        heading = "PHIẾU BIỂU QUYẾT ĐƯA RA KHỎI QUY HOẠCH"
        choices = ["Đồng ý đưa ra khỏi quy hoạch", "Không đồng ý"]
        instruction = (
            "Đồng ý đưa đồng chí nào ra khỏi quy hoạch thì đánh dấu (X) vào cột “Đồng ý đưa ra "
            "khỏi quy hoạch”; không đồng ý thì đánh dấu (X) vào cột “Không đồng ý”."
        )
    else:
        heading = (
            "PHIẾU GIỚI THIỆU NHÂN SỰ QUY HOẠCH"
            if discovery
            else "PHIẾU BIỂU QUYẾT GIỚI THIỆU NHÂN SỰ QUY HOẠCH"
        )
        choices = ["Đồng ý", "Không đồng ý"]
        instruction = (
            "Đồng ý giới thiệu đồng chí nào thì đánh dấu (X) vào cột “Đồng ý”; không đồng ý thì "
            "đánh dấu (X) vào cột “Không đồng ý”."
        )
        if step.max_per_ballot:
            instruction += f" Mỗi chức danh giới thiệu không quá {step.max_per_ballot} người."
    extra = []
    if discovery:
        extra.append(
            "Nếu giới thiệu người khác (có đủ tiêu chuẩn, điều kiện) thì ghi họ và tên, chức vụ "
            "vào dòng trống và đánh dấu (X) vào cột “Đồng ý”."
        )
    if step.form == BallotForm.OPEN:
        extra.append("Biểu quyết công khai.")
    blanks = (step.max_per_ballot or 3) if discovery else 0
    sections: list[dict[str, Any]] = []
    for title in decision.titles:
        candidates = ballot_candidates(round_input, decision, step, title)
        sections.append(
            {
                "title": title.title.name,
                "heading": f"Chức danh: {title.title.name}",
                "rows": [
                    {"index": i, "name": c.full_name, "position": c.position_and_unit, "note": ""}
                    for i, c in enumerate(candidates, start=1)
                ],
                "blanks": [len(candidates) + i for i in range(1, blanks + 1)],
            }
        )
    name = (conference.name if conference and conference.name else None) or step.conference
    when = f", ngày {short_date(conference.date)}" if conference and conference.date else ""
    base = {
        "parent_body": info.parent_body,
        "issuing_body": info.issuing_body,
        "ballot_title": heading,
        "conference_line": f"({name}{when})",
        "instructions": [instruction, *extra],
        "choices": choices,
        "footer": "Phiếu không phải ký tên; không ghi thêm nội dung khác vào phiếu.",
        "copies": list(range(copies)),
    }
    prefix = f"phieu-buoc-{step.number}"
    file_names = ballot_file_names(prefix, [section["title"] for section in sections])
    if step.combined_ballot:
        context = {
            **base,
            "subject": f"{titles_phrase(round_input).capitalize()} nhiệm kỳ {info.term}",
            "sections": sections,
        }
        return [Ballot(f"{prefix}.docx", tuple(s["title"] for s in sections), context, copies)]
    ballots = []
    for section, file_name in zip(sections, file_names, strict=True):
        context = {
            **base,
            "subject": f"Chức danh {section['title']} nhiệm kỳ {info.term}",
            "sections": [{**section, "heading": ""}],
        }
        ballots.append(Ballot(file_name, (section["title"],), context, copies))
    return ballots
