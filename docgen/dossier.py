"""Assemble: a validated, complete round → the dossier folder (documents + decisions.json).

The dossier (seed ke-hoach-quy-hoach-vpubnd-son-la.txt part C.1): the submission, the vote-count
minutes of each voting conference, the summary table of the round kind; then the trích ngang list,
the structure statistics, the round's plan (when the workbook carries one) and a specimen of each
ballot used. Everything is rendered in memory first; on any validation error nothing is written.

Writing (docgen.output.replace_directory): the folder is docgen's output as a whole. A rerun
replaces it only when every entry in it is a file docgen wrote and still unchanged, by the
folder's manifest (.docgen-manifest.json); a dossier written before manifests existed is
recognised once by its decisions.json. Anything else in the folder (a signed scan, a subfolder, an
edited paper) makes the run stop with an EnvironmentProblem naming it, and nothing is touched.
The new folder is written beside the old one, fsynced, and swapped in atomically.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from docgen.audit import decisions_record
from docgen.compose.ballots import step_ballots
from docgen.compose.minutes import minutes_context, minutes_file_name, minutes_title
from docgen.compose.plan import plan_context, round_plan_outline
from docgen.compose.submission import submission_context
from docgen.compose.summary import summary_next_term_context, summary_review_context
from docgen.compose.tables import structure_context, trich_ngang_context
from docgen.decide import RoundDecision
from docgen.errors import InputError, Location, Problem, Report, Severity
from docgen.errors import problem as coded_problem
from docgen.i18n import _
from docgen.models import IssuerKind, RoundInput, RoundKind, StepKind
from docgen.output import check_replaceable, replace_directory
from docgen.papers import open_ties, tie_problems, without_tie_findings
from docgen.render import Paper, render_papers
from docgen.validate import Validated, validate_path
from docgen.values import quoted

__all__ = [
    "plan_documents",
    "decisions_record",
    "build_dossier",
    "legacy_dossier_files",
    "DossierResult",
    "JOINED_PDF",
    "DECISIONS",
]

JOINED_PDF = "ho-so.pdf"
"""The whole dossier as one PDF, a bookmark per document (--single-pdf)."""

DECISIONS = "decisions.json"
"""The audit record of the round's decisions, written with every dossier."""

_LEGACY_RECORD_LIMIT = 64 * 1024 * 1024


@dataclass
class DossierResult:
    """What a dossier run wrote (empty when it wrote nothing) and the validation report."""

    out_dir: Path
    files: list[str] = field(default_factory=list)
    report: Report = field(default_factory=Report)


def plan_documents(round_input: RoundInput, decision: RoundDecision) -> list[Paper]:
    """The documents of the dossier, in order, with their contexts (no rendering)."""
    info = round_input.info
    minutes: list[Paper] = []
    for step in decision.procedure:
        if step.kind == StepKind.PREPARATION or step.number not in decision.conferences:
            continue
        minutes.append(
            Paper(
                minutes_file_name(step),
                "minutes",
                minutes_title(round_input, decision, step),
                minutes_context(round_input, decision, step),
            )
        )
    if info.round_kind == RoundKind.REVIEW:
        summary = Paper(
            "bieu-tong-hop-ra-soat.docx",
            "summary_review",
            "Biểu tổng hợp kết quả rà soát, bổ sung quy hoạch",
            summary_review_context(round_input, decision),
        )
    else:
        summary = Paper(
            "bieu-tong-hop-nhiem-ky-ke-tiep.docx",
            "summary_next_term",
            "Biểu tổng hợp kết quả quy hoạch nhiệm kỳ kế tiếp",
            summary_next_term_context(round_input, decision),
        )
    tables = [
        summary,
        Paper(
            "danh-sach-trich-ngang.docx",
            "trich_ngang",
            "Danh sách trích ngang cán bộ đề nghị quy hoạch",
            trich_ngang_context(round_input, decision),
        ),
        Paper(
            "thong-ke-co-cau.docx",
            "structure",
            "Biểu thống kê cơ cấu cán bộ trong quy hoạch",
            structure_context(round_input, decision),
        ),
    ]
    attachments = [d.title for d in minutes] + [d.title for d in tables]
    submission = Paper(
        "to-trinh.docx",
        "submission",
        "Tờ trình",
        submission_context(round_input, decision, attachments),
    )
    extra: list[Paper] = []
    if round_input.plan is not None:
        extra.append(
            Paper(
                "ke-hoach.docx",
                "plan",
                "Kế hoạch",
                plan_context(round_plan_outline(round_input, decision)),
            )
        )
    for step in decision.procedure:
        if step.kind == StepKind.PREPARATION or step.number not in decision.conferences:
            continue
        for ballot in step_ballots(round_input, decision, step, copies=1):
            titles = ", ".join(ballot.titles)
            extra.append(
                Paper(
                    ballot.file_name,
                    "ballot",
                    f"Mẫu phiếu bước {step.number} ({titles})",
                    ballot.context,
                )
            )
    documents = [submission, *minutes, *tables, *extra]
    width = max(2, len(str(len(documents))))  # 01- … or 001- …: the files sort in paper order
    return [
        Paper(f"{index:0{width}d}-{doc.file_name}", doc.template, doc.title, doc.context)
        for index, doc in enumerate(documents, start=1)
    ]


def _ballot_fit(
    documents: list[Paper], kind: IssuerKind, validated: Validated, templates: Path | None
) -> list[Problem]:
    """Warnings for ballot specimens that would run past one page (format.md, "Ballots"): the
    round's ballots were already used, so the dossier is still written."""
    from docgen.ballot_fit import ballot_fit_problems
    from docgen.compose.ballots import Ballot

    ballots = [
        Ballot(d.file_name, (d.title,), d.context, 1) for d in documents if d.template == "ballot"
    ]
    source = validated.loaded.path.name
    return ballot_fit_problems(ballots, kind, source, templates, Severity.WARNING)


def _incomplete_report(
    validated: Validated, decision: RoundDecision, waiting: list[Problem] | None = None
) -> Report:
    """Why the dossier cannot be written yet: the validation's warnings, one error naming the
    first step with no results when the round is not complete, and ``waiting`` (one error per
    tie at the last place waiting for the head's choice, see docgen.papers.tie_problems)."""
    report = Report([*validated.report.problems, *(waiting or [])])
    if decision.complete:
        return report
    open_titles = ", ".join(quoted(t.title.name) for t in decision.titles if not t.complete) or _(
        "all titles"
    )
    results = validated.model.results if validated.model is not None else []
    counted = {r.step for r in results if r.votes_for is not None}
    uncounted = [
        s.number
        for s in decision.procedure
        if s.kind != StepKind.PREPARATION and s.number not in counted
    ]
    step = _("step {step}").format(step=uncounted[0]) if uncounted else _("the deciding step")
    report.add(
        coded_problem(
            "E0606",
            Location(str(validated.loaded.path), 5, "Kết quả"),
            hint=_("a dossier needs every voting step counted; `docgen validate` shows the rest"),
            step=step,
            titles=open_titles,
        )
    )
    return report


def build_dossier(
    path: Path,
    out_dir: Path,
    templates: Path | None = None,
    formats: tuple[str, ...] = ("docx",),
    engine: str = "weasyprint",
    single_pdf: bool = False,
) -> DossierResult:
    """Validate ``path`` and write its dossier into ``out_dir``, replacing it whole, atomically.

    ``formats`` are docx and/or pdf; ``engine`` makes the PDFs (weasyprint, or libreoffice
    converting the DOCX); ``single_pdf`` adds ho-so.pdf with every paper and a bookmark each.
    ``out_dir`` may be new, empty, or a dossier docgen wrote (unchanged, by its manifest; or by
    its decisions.json when an earlier docgen wrote it); it then holds exactly the papers,
    decisions.json and the manifest .docgen-manifest.json. See docgen.output.replace_directory.

    Returns:
        The folder, the names written (papers in order, decisions.json last; not the manifest),
        and the validation report (warnings).

    Raises:
        InputError: with the full report when the input has errors, the round is incomplete, or
            a tie at the last place waits for the head's choice (one error per tie, naming the
            tied people, the title, the places and the cells to mark); nothing is written.
        TemplateError: when a template is missing or fails to render; nothing is written.
        EnvironmentProblem: when ``out_dir`` is a file, the current folder (or holds it), or holds
            anything docgen did not write or that changed since (all named; checked before
            rendering and again before the swap; nothing touched); when the disk is full or a
            folder cannot be written (``out_dir`` as it was); when the PDF engine is missing.
    """
    validated = validate_path(path)
    decision = validated.decision
    if decision is None or validated.model is None:
        raise InputError(validated.report)
    ties = open_ties(validated, decision)
    validated.report = without_tie_findings(validated.report, ties)
    if not validated.report.ok:
        raise InputError(validated.report)
    if not decision.complete or ties:
        raise InputError(_incomplete_report(validated, decision, tie_problems(ties)))
    documents = plan_documents(validated.model, decision)
    out_dir = Path(out_dir)
    check_replaceable(out_dir, legacy=legacy_dossier_files)  # before the work of rendering
    for problem in _ballot_fit(documents, validated.model.info.issuer_kind, validated, templates):
        validated.report.add(problem)
    rendered = render_papers(
        documents,
        validated.model.info.issuer_kind,
        formats,
        engine,
        templates,
        JOINED_PDF if single_pdf else None,
        validated.report,
    )
    record = decisions_record(validated, decision, documents)
    record_bytes = (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    files = [*rendered, (DECISIONS, record_bytes)]
    replace_directory(out_dir, files, legacy=legacy_dossier_files)
    return DossierResult(out_dir, [name for name, _ in files], validated.report)


def legacy_dossier_files(folder: Path) -> set[str]:
    """The files a docgen without manifests wrote in the dossier folder ``folder``, by its
    decisions.json: that file, every document its "documents" list names, their .pdf twins and
    ho-so.pdf. Empty when decisions.json is missing, too large or not such a record (then every
    file there counts as the user's).
    """
    path = folder / DECISIONS
    try:
        if path.stat().st_size > _LEGACY_RECORD_LIMIT:
            return set()
        record = json.loads(path.read_text(encoding="utf-8"))
        listed = {str(document["file"]) for document in record["documents"]}
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return set()
    twins = {str(Path(name).with_suffix(".pdf")) for name in listed if name.endswith(".docx")}
    return {DECISIONS, JOINED_PDF, *listed, *twins}
