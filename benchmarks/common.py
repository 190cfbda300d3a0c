"""Shared material for the benchmarks: example contexts, a 2,000-row table, timing helpers."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docgen.dossier import plan_documents
from docgen.models import IssuerKind
from docgen.render import Paper
from docgen.validate import validate_path

ROOT = Path(__file__).resolve().parent.parent
STATE_EXAMPLE = ROOT / "inputs" / "vpubnd-son-la-ra-soat-2022.yaml"


def example_papers() -> tuple[IssuerKind, list[Paper]]:
    validated = validate_path(STATE_EXAMPLE)
    assert validated.model is not None and validated.decision is not None
    return validated.model.info.issuer_kind, plan_documents(validated.model, validated.decision)


def two_page_form() -> tuple[IssuerKind, Paper]:
    """The minutes of step 1 of the State example: a two-page form."""
    kind, papers = example_papers()
    return kind, next(p for p in papers if "buoc-1" in p.file_name and p.template == "minutes")


def big_table(rows: int = 2000) -> tuple[IssuerKind, Paper]:
    """The review summary table with ``rows`` invented people (titles of 100 rows each)."""
    kind, papers = example_papers()
    paper = next(p for p in papers if p.template == "summary_review")
    context = dict(paper.context)
    sample = [r for r in context["rows"] if not r["group"]]
    body: list[dict[str, Any]] = [
        {"group": True, "label": "A", "name": "QUY HOẠCH NHIỆM KỲ 2021-2026"}
    ]
    for index in range(rows):
        if index % 100 == 0:
            body.append(
                {
                    "group": True,
                    "label": str(index // 100 + 1),
                    "name": f"Chức danh nhóm {index // 100 + 1}",
                }
            )
        row = dict(sample[index % len(sample)])
        row["index"] = index % 100 + 1
        row["name"] = f"{row['name']} {index}"
        body.append(row)
    context["rows"] = body
    return kind, Paper("bieu-tong-hop-2000.docx", "summary_review", "Biểu tổng hợp", context)


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, list[float]]:
    """Median seconds of ``repeat`` warm runs (after one warm-up), and all of them."""
    function()
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def rss_mib() -> float:
    """Resident memory of this process now, in MiB (Linux)."""
    with open("/proc/self/statm") as stream:
        pages = int(stream.read().split()[1])
    import os

    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


STATE_WORKBOOK = ROOT / "inputs" / "vpubnd-son-la-ra-soat-2022.xlsx"


def workbook_papers(path: Path = STATE_WORKBOOK) -> tuple[IssuerKind, list[Paper]]:
    """Every paper of the dossier of a workbook (by default the State example's .xlsx)."""
    validated = validate_path(path)
    assert validated.model is not None and validated.decision is not None
    return validated.model.info.issuer_kind, plan_documents(validated.model, validated.decision)
