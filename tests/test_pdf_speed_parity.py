"""The fast PDF path (papers set in parallel, long tables drawn in parallel, joined with pypdf)
gives the pages and text of a plain WeasyPrint render: same page count, same text on every page
(page numbers included), the bookmarks of the whole dossier, for the State example and a
300-row summary table."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from docgen.dossier import plan_documents
from docgen.models import IssuerKind
from docgen.pdf import PdfRenderer, pdf_renderer, pdf_workers, render_pdfs
from docgen.pdf_chunks import draw_parallel, page_runs
from docgen.pdf_split import predict_breaks, render_split
from docgen.render import Paper, template_root
from docgen.validate import validate_path

from .conftest import PARTY_EXAMPLE, STATE_EXAMPLE


def _texts(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def _plain(renderer: PdfRenderer, kind: IssuerKind, paper: Paper) -> bytes:
    """What WeasyPrint alone writes for the paper: one layout, one write_pdf, in this process."""
    return bytes(renderer.document(kind, paper.template, paper.context, paper.title).write_pdf())


@pytest.fixture(scope="module")
def renderer() -> PdfRenderer:
    return pdf_renderer(template_root(None))


@pytest.fixture(scope="module")
def state() -> tuple[IssuerKind, list[Paper]]:
    validated = validate_path(STATE_EXAMPLE)
    assert validated.model is not None and validated.decision is not None
    return validated.model.info.issuer_kind, plan_documents(validated.model, validated.decision)


@pytest.fixture(scope="module")
def fast_dossier(
    renderer: PdfRenderer, state: tuple[IssuerKind, list[Paper]]
) -> tuple[dict[str, bytes], bytes | None]:
    kind, papers = state
    return render_pdfs(renderer, kind, papers, joined=True, workers=2)


def test_every_paper_of_the_state_dossier_has_the_pages_and_text_of_a_plain_render(
    renderer: PdfRenderer,
    state: tuple[IssuerKind, list[Paper]],
    fast_dossier: tuple[dict[str, bytes], bytes | None],
) -> None:
    kind, papers = state
    pdfs, _ = fast_dossier
    assert list(pdfs) == [Path(p.file_name).stem + ".pdf" for p in papers]
    for paper in papers:
        plain = _texts(_plain(renderer, kind, paper))
        fast = _texts(pdfs[Path(paper.file_name).stem + ".pdf"])
        assert len(fast) == len(plain), paper.file_name
        assert fast == plain, paper.file_name


def test_the_joined_dossier_has_every_page_in_order_and_a_bookmark_per_paper(
    state: tuple[IssuerKind, list[Paper]],
    fast_dossier: tuple[dict[str, bytes], bytes | None],
) -> None:
    _, papers = state
    pdfs, joined = fast_dossier
    assert joined is not None
    reader = PdfReader(io.BytesIO(joined))
    assert _texts(joined) == [text for data in pdfs.values() for text in _texts(data)]
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert len(titles) == len(papers)
    assert titles[0] == "Tờ trình"


def test_one_worker_renders_the_same_pdfs_without_a_pool(
    renderer: PdfRenderer,
    state: tuple[IssuerKind, list[Paper]],
    fast_dossier: tuple[dict[str, bytes], bytes | None],
) -> None:
    kind, papers = state
    few = papers[:3]
    alone, joined = render_pdfs(renderer, kind, few, joined=False, workers=1)
    assert joined is None
    for name, data in alone.items():
        assert _texts(data) == _texts(fast_dossier[0][name])


@pytest.fixture(scope="module")
def long_table(state: tuple[IssuerKind, list[Paper]]) -> tuple[IssuerKind, Paper]:
    """The review summary table of the State example with 300 rows (its people repeated,
    a title group every 100 rows)."""
    kind, papers = state
    paper = next(p for p in papers if p.template == "summary_review")
    sample = [r for r in paper.context["rows"] if not r["group"]]
    rows: list[dict[str, Any]] = []
    for index in range(300):
        if index % 100 == 0:
            rows.append({"group": True, "label": str(index // 100 + 1), "name": f"Nhóm {index}"})
        row = dict(sample[index % len(sample)])
        row["index"] = index % 100 + 1
        row["name"] = f"{row['name']} {index}"
        rows.append(row)
    return kind, Paper(
        "bieu-300.docx", paper.template, paper.title, {**paper.context, "rows": rows}
    )


@pytest.fixture(scope="module")
def long_plain(
    renderer: PdfRenderer, long_table: tuple[IssuerKind, Paper]
) -> tuple[Any, list[str]]:
    """The 300-row table laid out whole, and the text of each page of its plain PDF."""
    kind, paper = long_table
    document = renderer.document(kind, paper.template, paper.context, paper.title)
    return document, _texts(bytes(document.write_pdf()))


def _numbered(texts: list[str]) -> bool:
    """Page N (from 2) prints N: the number of the whole table, not of a part."""
    return all(str(number) in texts[number - 1].split() for number in range(2, len(texts) + 1))


def test_a_300_row_table_laid_out_in_parts_has_the_pages_numbers_and_text_of_a_plain_render(
    renderer: PdfRenderer, long_table: tuple[IssuerKind, Paper], long_plain: tuple[Any, list[str]]
) -> None:
    kind, paper = long_table
    _, plain = long_plain
    split = render_split(renderer, kind, paper.template, paper.context, paper.title, 2)
    assert split is not None, "the breaks of this table are predictable: it must be split"
    fast = _texts(split)
    assert len(plain) > 30
    assert len(fast) == len(plain)
    assert fast == plain
    assert _numbered(fast)
    outline = PdfReader(io.BytesIO(split)).outline
    assert [item.title for item in outline] == [paper.title]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("example", "template"),
    [(PARTY_EXAMPLE, "summary_next_term"), (STATE_EXAMPLE, "trich_ngang")],
)
def test_the_other_long_tables_split_into_the_pages_of_a_plain_render(
    renderer: PdfRenderer, example: Path, template: str
) -> None:
    validated = validate_path(example)
    assert validated.model is not None and validated.decision is not None
    kind = validated.model.info.issuer_kind
    paper = next(
        p for p in plan_documents(validated.model, validated.decision) if p.template == template
    )
    people = [r for r in paper.context["rows"] if not r.get("group")]
    groups = [r for r in paper.context["rows"] if r.get("group")]
    rows: list[dict[str, Any]] = []
    for index in range(140):
        if index % 50 == 0 and groups:
            rows.append(groups[0])
        rows.append({**people[index % len(people)], "name": f"{people[0]['name']} {index}"})
    context = {**paper.context, "rows": rows}
    split = render_split(renderer, kind, template, context, paper.title, 2)
    assert split is not None
    plain = _texts(bytes(renderer.document(kind, template, context, paper.title).write_pdf()))
    assert _texts(split) == plain
    assert _numbered(plain)


def test_render_pdfs_gives_the_long_table_of_a_plain_render(
    renderer: PdfRenderer, long_table: tuple[IssuerKind, Paper], long_plain: tuple[Any, list[str]]
) -> None:
    kind, paper = long_table
    fast_pdfs, _ = render_pdfs(renderer, kind, [paper], workers=2)
    assert _texts(fast_pdfs[Path(paper.file_name).stem + ".pdf"]) == long_plain[1]


def test_a_part_whose_pages_start_elsewhere_than_predicted_is_refused(
    renderer: PdfRenderer,
    long_table: tuple[IssuerKind, Paper],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import docgen.pdf_split as split

    kind, paper = long_table
    predict = split.predict_breaks

    def one_row_late(model: Any, rows: Any) -> list[int] | None:
        starts = predict(model, rows)
        return None if starts is None else [starts[0]] + [s + 1 for s in starts[1:]]

    monkeypatch.setattr(split, "predict_breaks", one_row_late)
    assert render_split(renderer, kind, paper.template, paper.context, paper.title, 2) is None


def test_pages_drawn_in_parallel_are_those_of_one_write(long_plain: tuple[Any, list[str]]) -> None:
    document, plain = long_plain
    assert _texts(draw_parallel(document, 2)) == plain


def test_a_drawing_process_that_fails_is_replaced_by_this_one(
    long_plain: tuple[Any, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import docgen.pdf_chunks as chunks

    document, plain = long_plain

    def broken(connection: Any, *_: Any) -> None:
        connection.send(("error", "RuntimeError('boom')"))
        connection.close()

    monkeypatch.setattr(chunks, "_draw_run", broken)
    assert _texts(draw_parallel(document, 2)) == plain


class _Rows:
    """A stand-in model: rows of given heights on pages whose rows start at 10 (first page: 50)
    and end at 100."""

    tops = [50.0, 10.0]
    bottom = 100.0
    first_keeps = True  # tbody tr:first-child { break-after: avoid }

    def height(self, row: Any) -> float:
        return float(row.texts[0])


def _row(height: float, group: bool = False) -> Any:
    from docgen.pdf_split import Row

    return Row(("", ("",)), (str(height),), group)


@pytest.mark.parametrize(
    ("rows", "starts"),
    [
        ([_row(20)] * 6, [0, 2]),  # 50+20+20 = 90; the third row goes over
        ([_row(20), _row(20), _row(5, group=True), _row(20)], [0, 2]),  # group kept with next
        ([_row(20), _row(20), _row(40), _row(40)], [0, 2]),
        ([_row(45), _row(10)], None),  # the first row stays with the second: no break allowed
        ([_row(20), _row(25)], [0]),
        ([_row(20), _row(29.8)], None),  # ends 0.2 px above the bottom: not sure
        ([_row(20), _row(20), _row(10.2)], [0, 2]),  # ends 0.2 px below: goes over
        ([_row(20), _row(20), _row(95)], None),  # taller than a page
    ],
)
def test_page_breaks_are_predicted_as_weasyprint_fills_pages(
    rows: list[Any], starts: list[int] | None
) -> None:
    assert predict_breaks(_Rows(), rows) == starts  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("pages", "workers", "runs"),
    [
        (5, 2, [(0, 5)]),
        (40, 1, [(0, 40)]),
        (40, 2, [(0, 20), (20, 40)]),
        (41, 2, [(0, 21), (21, 41)]),
        (24, 4, [(0, 12), (12, 24)]),
    ],
)
def test_pages_are_cut_into_runs_only_when_long_enough(
    pages: int, workers: int, runs: list[tuple[int, int]]
) -> None:
    assert page_runs(pages, workers) == runs


@pytest.mark.parametrize(
    ("variable", "expected"),
    [("1", 1), ("3", 3), ("0", None), ("x", None)],
)
def test_the_worker_count_comes_from_the_environment_when_set(
    monkeypatch: pytest.MonkeyPatch, variable: str, expected: int | None
) -> None:
    monkeypatch.setenv("DOCGEN_PDF_WORKERS", variable)
    cores = len(os.sched_getaffinity(0))
    assert pdf_workers() == (expected if expected is not None else cores)


def _workers_in_child(connection: Any) -> None:
    connection.send(pdf_workers())
    connection.close()


def test_a_process_started_by_multiprocessing_sets_its_pdfs_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A batch worker renders its unit's PDFs in one process: the cores go to the other units."""
    import multiprocessing

    monkeypatch.delenv("DOCGEN_PDF_WORKERS", raising=False)
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()
    process = context.Process(target=_workers_in_child, args=(child,))
    process.start()
    assert parent.recv() == 1
    process.join()


def test_no_pool_is_forked_from_a_threads_request(monkeypatch: pytest.MonkeyPatch) -> None:
    """The web page renders on a server's worker threads: forking a threaded process can
    deadlock, so PDFs are set in the thread's own process there."""
    import threading

    from docgen.pdf import WORKERS_VARIABLE, pdf_workers

    monkeypatch.delenv(WORKERS_VARIABLE, raising=False)
    seen: list[int] = []
    thread = threading.Thread(target=lambda: seen.append(pdf_workers()))
    thread.start()
    thread.join()
    assert seen == [1]
