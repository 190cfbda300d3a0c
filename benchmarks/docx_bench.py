"""DOCX speed: docgen's compiled renderer against plain docxtpl, a 5,000-person validation, and a
batch of 500 generated unit workbooks. Not a test: prints figures.

Run: .venv/bin/python benchmarks/docx_bench.py [--units 500] [--jobs 2]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import big_table, timed, two_page_form  # noqa: E402
from generate import make_round, write_round  # noqa: E402

from docgen.batch import run_batch  # noqa: E402
from docgen.render import jinja_environment, render_docx, template_path, template_root  # noqa: E402
from docgen.validate import validate_path  # noqa: E402


def plain_docxtpl(path: Path, context: dict) -> bytes:  # type: ignore[type-arg]
    """What docxtpl's documentation shows: load, render, save, for every document."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(path))
    template.render(context, jinja_environment(), autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
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
            f"{label}: docgen {ours * 1000:.1f} ms, plain docxtpl {theirs * 1000:.1f} ms per DOCX, ratio {theirs / ours:.1f}"
        )

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        big = write_round(root / "big.xlsx", make_round(1, 5000, 20))
        start = time.perf_counter()
        report = validate_path(big).report
        print(
            f"validate 5,000 people, 20 titles: {time.perf_counter() - start:.2f} s ({report.summary()})"
        )

        units = root / "units"
        units.mkdir()
        start = time.perf_counter()
        for index in range(args.units):
            write_round(
                units / f"unit-{index:04d}.xlsx", make_round(index, 10 + index % 70, 1 + index % 4)
            )
        print(
            f"generated {args.units} unit workbooks (10–79 people, 1–4 titles) in {time.perf_counter() - start:.0f} s"
        )
        report = run_batch([units], root / "out", jobs=args.jobs)
        print(
            f"batch of {len(report.units)} units on {report.jobs} workers: {report.seconds:.1f} s, "
            f"{report.documents} DOCX, {report.documents / report.seconds:.0f} documents/s, "
            f"{len(report.failed)} failed, peak memory per worker "
            f"{max(u.worker_peak_mib for u in report.units):.0f} MiB"
        )
        profile = cProfile.Profile()
        from docgen.dossier import build_dossier

        sample = sorted(units.iterdir())[:20]
        profile.enable()
        for path in sample:
            build_dossier(path, root / "profile" / path.stem)
        profile.disable()
        print("largest costs building 20 dossiers in one process (cumulative seconds):")
        stats = pstats.Stats(profile)
        rows = sorted(stats.stats.items(), key=lambda item: item[1][3], reverse=True)  # type: ignore[attr-defined]
        shown = 0
        for (file, _, function), (_, _, _, cumulative, _) in rows:
            if "docgen" in file or "openpyxl" in file or "pydantic" in file:
                print(f"  {cumulative:6.2f}  {Path(file).parent.name}/{Path(file).name}:{function}")
                shown += 1
            if shown == 12:
                break
    print(f"ratio_vs_docxtpl_2page: {ratios['2page']:.1f}")
    print(f"ratio_vs_docxtpl_2000rows: {ratios['2000rows']:.1f}")


if __name__ == "__main__":
    main()
