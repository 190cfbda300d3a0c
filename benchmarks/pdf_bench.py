"""PDF speed: docgen's renderer against plain WeasyPrint on the same HTML, in the same run.

Run: .venv/bin/python benchmarks/pdf_bench.py   (prints figures; not a test)

Prints the memory over 500 two-page documents, then the State example's whole dossier (every
paper, and ho-so.pdf) and the 2,000-row summary table, each by docgen (papers in parallel, long
tables drawn in parallel, on WORKERS processes) and by plain WeasyPrint (one process, its CSS
inline, nothing reused, the joined PDF laid out again as WeasyPrint's documentation shows), and
the lines dossier_pdf_s, pdf_2000rows_s and ratio_vs_weasyprint (plain time over docgen's, both
inputs together).
"""

from __future__ import annotations

import io
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, big_table, rss_mib, timed, two_page_form, workbook_papers  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from docgen.pdf import LANDSCAPE, PdfRenderer, _css, render_pdfs  # noqa: E402
from docgen.render import Paper  # noqa: E402

WORKERS = 2
"""The cores the goals are set for (issue 13: 2-core machine)."""


def plain_document(renderer: PdfRenderer, kind, paper):  # type: ignore[no-untyped-def]
    """What a user of WeasyPrint alone would lay out: the same HTML, its CSS inline, no reuse."""
    from weasyprint import HTML

    css = _css(renderer.profiles[kind], paper.template in LANDSCAPE, renderer.font)
    html = renderer.html(kind, paper.template, paper.context, paper.title)
    html = html.replace("<head>", f"<head><style>{css}</style>", 1)
    return HTML(string=html).render()


def plain(renderer: PdfRenderer, kind, paper) -> bytes:  # type: ignore[no-untyped-def]
    return bytes(plain_document(renderer, kind, paper).write_pdf())


def plain_dossier(renderer: PdfRenderer, kind, papers: list[Paper]) -> None:  # type: ignore[no-untyped-def]
    """Every paper, then all of them as one PDF (Document.copy of every page, written again)."""
    documents = [plain_document(renderer, kind, p) for p in papers]
    for document in documents:
        document.write_pdf()
    documents[0].copy([page for d in documents for page in d.pages]).write_pdf()


def once(function) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main() -> None:
    renderer = PdfRenderer(ROOT / "templates")
    kind, paper = two_page_form()
    marks = []
    for index in range(1, 501):
        renderer.pdf(kind, paper.template, paper.context, paper.title)
        if index in (1, 100, 200, 300, 400, 500):
            marks.append(f"{index}: {rss_mib():.0f} MiB")
    print("memory over 500 2-page documents (RSS after n): " + ", ".join(marks))

    ours_form, _ = timed(lambda: renderer.pdf(kind, paper.template, paper.context), 15)
    theirs_form, _ = timed(lambda: plain(renderer, kind, paper), 15)
    print(
        f"2-page form, one process: docgen {ours_form * 1000:.0f} ms, "
        f"plain WeasyPrint {theirs_form * 1000:.0f} ms, ratio {theirs_form / ours_form:.2f}"
    )

    kind, papers = workbook_papers()
    pdfs, joined = render_pdfs(renderer, kind, papers, joined=True, workers=WORKERS)
    assert joined is not None
    pages = sum(len(data) > 0 for data in pdfs.values())
    ours_dossier, runs = timed(
        lambda: render_pdfs(renderer, kind, papers, joined=True, workers=WORKERS), 5
    )
    theirs_dossier, _ = timed(lambda: plain_dossier(renderer, kind, papers), 2)
    print(
        f"State example dossier ({pages} papers + ho-so.pdf, {WORKERS} workers): docgen "
        f"{ours_dossier:.2f} s (runs {', '.join(f'{r:.2f}' for r in runs)}), "
        f"plain WeasyPrint {theirs_dossier:.2f} s, ratio {theirs_dossier / ours_dossier:.2f}"
    )

    kind, table = big_table(2000)
    made: list[dict[str, bytes]] = []
    ours_table = once(lambda: made.append(render_pdfs(renderer, kind, [table], workers=WORKERS)[0]))
    theirs_table = once(lambda: plain(renderer, kind, table))
    pages = len(PdfReader(io.BytesIO(next(iter(made[0].values())))).pages)
    print(
        f"2,000-row table ({pages} pages, {WORKERS} workers): docgen {ours_table:.1f} s, "
        f"plain WeasyPrint {theirs_table:.1f} s, ratio {theirs_table / ours_table:.2f}; "
        f"largest worker {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MiB"
    )
    print(f"dossier_pdf_s: {ours_dossier:.2f}")
    print(f"pdf_2000rows_s: {ours_table:.1f}")
    ratio = (theirs_dossier + theirs_table) / (ours_dossier + ours_table)
    print(f"ratio_vs_weasyprint: {ratio:.2f}")


if __name__ == "__main__":
    main()
