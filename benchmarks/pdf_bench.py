"""PDF speed: docgen's renderer against plain WeasyPrint on the same HTML, in the same run.

Run: .venv/bin/python benchmarks/pdf_bench.py   (prints figures; not a test)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, big_table, rss_mib, timed, two_page_form  # noqa: E402

from docgen.pdf import LANDSCAPE, PdfRenderer, _css  # noqa: E402


def plain(renderer: PdfRenderer, kind, paper) -> bytes:  # type: ignore[no-untyped-def]
    """What a user of WeasyPrint alone would write: the same HTML, its CSS inline, no reuse."""
    from weasyprint import HTML

    css = _css(renderer.profiles[kind], paper.template in LANDSCAPE, renderer.font)
    html = renderer.html(kind, paper.template, paper.context, paper.title)
    html = html.replace("<head>", f"<head><style>{css}</style>", 1)
    return HTML(string=html).write_pdf()


def main() -> None:
    renderer = PdfRenderer(ROOT / "templates")
    kind, paper = two_page_form()
    marks = []
    for index in range(1, 501):
        renderer.pdf(kind, paper.template, paper.context, paper.title)
        if index in (1, 100, 200, 300, 400, 500):
            marks.append(f"{index}: {rss_mib():.0f} MiB")
    print("memory over 500 2-page documents (RSS after n): " + ", ".join(marks))
    for label, (kind, paper), repeat in (
        ("2-page form", two_page_form(), 15),
        ("2,000-row table", big_table(2000), 2),
    ):
        pages = len(renderer.document(kind, paper.template, paper.context, paper.title).pages)
        ours, _ = timed(
            lambda k=kind, p=paper: renderer.pdf(k, p.template, p.context, p.title), repeat
        )
        theirs, _ = timed(lambda k=kind, p=paper: plain(renderer, k, p), repeat)
        print(
            f"{label} ({pages} pages): docgen {ours * 1000:.0f} ms, plain WeasyPrint {theirs * 1000:.0f} ms, ratio {theirs / ours:.2f}"
        )


if __name__ == "__main__":
    main()
