"""DOCX speed: docgen's compiled renderer against plain docxtpl, a unit's whole dossier in one
process, docgen's workbook reader against openpyxl, a 5,000-person validation, and a batch of
generated unit workbooks. Not a test: prints figures, then the lines issue 13 asks for:

    ratio_vs_docxtpl_2page: X       plain docxtpl's time over docgen's, the 2-page minutes
    ratio_vs_docxtpl_2000rows: X    the same, the 2,000-row summary table
    unit_dossier_ms: X              mean wall time of a unit's dossier (read, validate, decide,
                                    compose, render every DOCX, write the folder), ≥ 50 units
    read_ratio_vs_openpyxl: X       openpyxl's time (as docgen read workbooks before calamine)
                                    over docgen's reader, the same workbooks

Run: .venv/bin/python benchmarks/docx_bench.py [--units 500] [--sample 60] [--jobs 2]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import big_table, timed, two_page_form  # noqa: E402
from generate import make_round, write_round  # noqa: E402

from docgen.batch import run_batch  # noqa: E402
from docgen.dossier import build_dossier  # noqa: E402
from docgen.render import jinja_environment, render_docx, template_path, template_root  # noqa: E402
from docgen.validate import validate_path  # noqa: E402
from docgen.xlsx import read_workbook  # noqa: E402


def plain_docxtpl(path: Path, context: dict) -> bytes:  # type: ignore[type-arg]
    """What docxtpl's documentation shows: load, render, save, for every document."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(path))
    template.render(context, jinja_environment(), autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def openpyxl_rows(path: Path) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """A workbook read as docgen read it before calamine (docgen/xlsx.py at 9f6724d): every
    sheet, read-only, saved values, every row's values."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        return [
            (name, list(workbook[name].iter_rows(values_only=True))) for name in workbook.sheetnames
        ]
    finally:
        workbook.close()


def docx_ratios() -> dict[str, float]:
    """Plain docxtpl's median time over docgen's, per DOCX, for the 2-page form and the
    2,000-row table (printed with their times)."""
    ratios = {}
    for key, label, (kind, paper), repeat in (
        ("2page", "2-page form", two_page_form(), 50),
        ("2000rows", "2,000-row table", big_table(2000), 5),
    ):
        path = template_path(template_root(), kind, paper.template)
        ours, _ = timed(lambda p=path, c=paper.context: render_docx(p, c), repeat)
        theirs, _ = timed(lambda p=path, c=paper.context: plain_docxtpl(p, c), repeat)
        ratios[key] = theirs / ours
        print(
            f"{label}: docgen {ours * 1000:.1f} ms, plain docxtpl {theirs * 1000:.1f} ms per DOCX, "
            f"ratio {theirs / ours:.1f}"
        )
    return ratios


def _each(paths: list[Path], function: Callable[[Path], Any]) -> float:
    """Seconds ``function`` takes over ``paths``, after one warm-up call."""
    function(paths[0])
    gc.collect()
    start = time.perf_counter()
    for path in paths:
        function(path)
    return time.perf_counter() - start


def read_ratio(paths: list[Path]) -> float:
    """openpyxl's time over docgen's reader on ``paths``, best of 3 rounds each."""
    ours = min(_each(paths, read_workbook) for _ in range(3))
    theirs = min(_each(paths, openpyxl_rows) for _ in range(3))
    print(
        f"reading {len(paths)} unit workbooks: docgen {ours / len(paths) * 1000:.1f} ms, "
        f"openpyxl (read-only, values) {theirs / len(paths) * 1000:.1f} ms per workbook, "
        f"ratio {theirs / ours:.1f}"
    )
    return theirs / ours


def unit_dossiers(paths: list[Path], out: Path) -> float:
    """Mean milliseconds of build_dossier (what ``docgen dossier`` runs) per unit, one process,
    warm (a first unit built before), each into a new folder; prints wall and CPU figures."""
    build_dossier(paths[0], out / "warm-up")
    walls, cpus, documents = [], [], 0
    for path in paths:
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        result = build_dossier(path, out / path.stem)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        documents += len(result.files) - 1
    mean = statistics.mean(walls) * 1000
    print(
        f"unit dossiers, {len(paths)} units in one process ({documents / len(paths):.1f} DOCX "
        f"each): mean {mean:.1f} ms (median {statistics.median(walls) * 1000:.1f}, "
        f"min {min(walls) * 1000:.1f}, max {max(walls) * 1000:.1f}), "
        f"CPU {statistics.mean(cpus) * 1000:.1f} ms (the rest: waiting for the disk's fsyncs, or "
        "for a core on a busy machine)"
    )
    return mean


def profile_units(paths: list[Path], out: Path) -> None:
    """Print the largest costs of building ``paths`` in one process, cumulative and own."""
    profile = cProfile.Profile()
    profile.enable()
    for path in paths:
        build_dossier(path, out / path.stem)
    profile.disable()
    stats = pstats.Stats(profile)
    rows = stats.stats.items()  # type: ignore[attr-defined]
    for title, column in (("cumulative", 3), ("own", 2)):
        print(f"largest costs building {len(paths)} dossiers ({title} seconds):")
        shown = 0
        for (file, line, function), numbers in sorted(
            rows, key=lambda item: item[1][column], reverse=True
        ):
            if column == 3 and "docgen" not in file:
                continue
            place = f"{Path(file).parent.name}/{Path(file).name}:{line}" if line else file
            print(f"  {numbers[column]:6.2f}  {place}({function})")
            shown += 1
            if shown == 14:
                break


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=500, help="unit workbooks of the batch")
    parser.add_argument("--sample", type=int, default=60, help="units timed in one process")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    ratios = docx_ratios()

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        units = root / "units"
        units.mkdir()
        start = time.perf_counter()
        count = max(args.units, args.sample + 1)
        for index in range(count):
            write_round(
                units / f"unit-{index:04d}.xlsx", make_round(index, 10 + index % 70, 1 + index % 4)
            )
        paths = sorted(units.iterdir())
        print(
            f"generated {count} unit workbooks (10–79 people, 1–4 titles) in "
            f"{time.perf_counter() - start:.0f} s"
        )
        sample = paths[1 : args.sample + 1]
        unit_ms = unit_dossiers(sample, root / "dossiers")
        shutil.rmtree(root / "dossiers")
        ratio_read = read_ratio(sample)

        big = write_round(root / "big.xlsx", make_round(1, 5000, 20))
        start = time.perf_counter()
        report = validate_path(big).report
        print(
            f"validate 5,000 people, 20 titles: {time.perf_counter() - start:.2f} s ({report.summary()})"
        )

        report = run_batch(paths[: args.units], root / "out", jobs=args.jobs)
        print(
            f"batch of {len(report.units)} units on {report.jobs} workers: {report.seconds:.1f} s, "
            f"{report.documents} DOCX, {report.documents / report.seconds:.0f} documents/s, "
            f"{len(report.failed)} failed, peak memory per worker "
            f"{max(u.worker_peak_mib for u in report.units):.0f} MiB"
        )
        profile_units(sample[:20], root / "profile")
    print(f"ratio_vs_docxtpl_2page: {ratios['2page']:.1f}")
    print(f"ratio_vs_docxtpl_2000rows: {ratios['2000rows']:.1f}")
    print(f"unit_dossier_ms: {unit_ms:.1f}")
    print(f"read_ratio_vs_openpyxl: {ratio_read:.1f}")


if __name__ == "__main__":
    main()
