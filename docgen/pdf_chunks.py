"""A long document as PDF: laid out once, its pages then drawn in parallel by forked processes
and the parts joined.

Layout is about two thirds of the time of a long table and stays in one process: where a page
breaks depends on every row before it, so it cannot be cut without changing the pages. Drawing a
page depends on that page alone: after the layout, processes forked from this one (sharing the
laid-out pages, copy-on-write) each draw a run of pages, and the runs are joined in order. The
pages, their numbers and their text are those of a plain render, since they come from the same
layout.
"""

from __future__ import annotations

import gc
import io
import math
import multiprocessing
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

__all__ = ["MIN_PARALLEL_PAGES", "draw_parallel", "join_parts", "page_runs"]

MIN_PARALLEL_PAGES = 24
"""Below this many pages a document is drawn in one process (forking costs more)."""


def page_runs(pages: int, workers: int) -> list[tuple[int, int]]:
    """Consecutive runs (start, stop) of ``pages`` pages for ``workers`` processes, one run
    when the document is short or there is one worker."""
    count = min(workers, pages // (MIN_PARALLEL_PAGES // 2)) if pages >= MIN_PARALLEL_PAGES else 1
    count = max(count, 1)
    size = math.ceil(pages / count)
    return [(start, min(pages, start + size)) for start in range(0, pages, size)]


def _draw_run(connection: Connection, document: Any, start: int, stop: int) -> None:
    """In a forked process: draw pages ``start``..``stop`` of the inherited document and send
    the PDF (or the error, as text: the parent then draws that run itself)."""
    from docgen.frames import with_room

    gc.disable()
    try:
        pages = document.copy(document.pages[start:stop])
        connection.send(("pdf", bytes(with_room(pages.write_pdf))))  # see docgen.frames
    except Exception as exc:  # reported to the parent, which draws the run itself
        connection.send(("error", repr(exc)))
    finally:
        connection.close()


def draw_parallel(document: Any, workers: int) -> bytes:
    """A laid-out WeasyPrint document as PDF, its pages drawn by up to ``workers`` processes
    (this one and forked ones); the same pages and text as ``document.write_pdf()``."""
    runs = page_runs(len(document.pages), workers)
    if len(runs) == 1:
        return bytes(document.write_pdf())
    context = multiprocessing.get_context("fork")
    links = []
    for start, stop in runs[1:]:
        parent, child = context.Pipe()
        process = context.Process(
            target=_draw_run, args=(child, document, start, stop), daemon=True
        )
        process.start()
        child.close()
        links.append((parent, process, start, stop))
    parts = [bytes(document.copy(document.pages[runs[0][0] : runs[0][1]]).write_pdf())]
    for parent, process, start, stop in links:
        try:
            kind, data = parent.recv()
        except (EOFError, OSError):
            kind, data = "error", b""
        finally:
            parent.close()
            process.join()
        if kind != "pdf":
            data = bytes(document.copy(document.pages[start:stop]).write_pdf())
        parts.append(data)
    return join_parts(parts)


def join_parts(parts: list[bytes]) -> bytes:
    """PDFs one after another, keeping their bookmarks and the first one's metadata."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for data in parts:
        writer.append(io.BytesIO(data))
    metadata = PdfReader(io.BytesIO(parts[0])).metadata
    if metadata:
        writer.add_metadata(dict(metadata))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
