"""Batch: many units' rounds → their dossiers, in parallel, one bad workbook never stopping the rest.

Each unit's dossier goes to ``OUT/<unit>/`` through ``build_dossier`` (validated first, written
atomically, nothing written on error). Workers are processes sized to the cores and replaced after
a number of units, so memory stays flat however long the batch. A re-run skips units whose input,
templates, formats and docgen version are unchanged (by SHA-256, recorded in the manifest). The
batch report is written as JSON and as text beside the dossiers.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path

from docgen import __version__
from docgen.errors import DocgenError, InputError
from docgen.output import atomic_write_bytes
from docgen.render import template_root

__all__ = [
    "UnitResult",
    "BatchReport",
    "collect_inputs",
    "run_batch",
    "MANIFEST",
    "REPORT_JSON",
    "REPORT_TEXT",
]

MANIFEST = "batch-manifest.json"
REPORT_JSON = "batch-report.json"
REPORT_TEXT = "batch-report.txt"
_SUFFIXES = {".xlsx", ".xlsm", ".yaml", ".yml", ".json"}
_UNITS_PER_WORKER = 100


@dataclass
class UnitResult:
    """One unit's outcome: its folder name, input, state (done, failed, skipped), what it wrote."""

    unit: str
    input: str
    state: str
    documents: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    worker_peak_mib: float = 0.0
    fingerprint: str = ""


@dataclass
class BatchReport:
    """The whole batch: per-unit results and totals."""

    units: list[UnitResult]
    seconds: float
    jobs: int

    @property
    def done(self) -> list[UnitResult]:
        return [u for u in self.units if u.state == "done"]

    @property
    def failed(self) -> list[UnitResult]:
        return [u for u in self.units if u.state == "failed"]

    @property
    def skipped(self) -> list[UnitResult]:
        return [u for u in self.units if u.state == "skipped"]

    @property
    def documents(self) -> int:
        return sum(u.documents for u in self.done)

    def text(self) -> str:
        """The readable summary: counts, time, then each failed unit with its first errors."""
        lines = [
            f"units: {len(self.units)} ({len(self.done)} done, {len(self.skipped)} unchanged and "
            f"skipped, {len(self.failed)} failed)",
            f"documents written: {self.documents}",
            f"time: {self.seconds:.1f} s with {self.jobs} worker(s)"
            + (
                f", {self.documents / self.seconds:.0f} documents/s"
                if self.seconds and self.documents
                else ""
            ),
        ]
        peaks = [u.worker_peak_mib for u in self.units if u.worker_peak_mib]
        if peaks:
            lines.append(f"peak memory of a worker: {max(peaks):.0f} MiB")
        for unit in self.failed:
            lines.append(f"FAILED {unit.unit} ({unit.input}):")
            lines += [f"  {error}" for error in unit.errors]
        return "\n".join(lines)

    def json(self) -> str:
        data = {
            "units": [asdict(u) for u in self.units],
            "done": len(self.done),
            "failed": len(self.failed),
            "skipped": len(self.skipped),
            "documents": self.documents,
            "seconds": round(self.seconds, 3),
            "jobs": self.jobs,
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _is_plan_outline(path: Path) -> bool:
    if path.suffix.lower() not in {".yaml", ".yml", ".json"}:
        return False
    head = path.read_text(encoding="utf-8", errors="ignore")[:4000]
    return "kind: plan" in head or '"kind": "plan"' in head


def collect_inputs(sources: Iterable[Path]) -> list[Path]:
    """The round files named by ``sources``: folders (their .xlsx/.yaml/.json, not plan outlines
    nor Excel's ~$ lock files), list files (.txt, one path a line, relative to the list), files.

    Raises:
        InputError: naming each source that does not exist.
    """
    from docgen.errors import Location, Problem, Report

    found: list[Path] = []
    report = Report()
    for source in sources:
        source = Path(source)
        if source.is_dir():
            found += sorted(
                p
                for p in source.iterdir()
                if p.suffix.lower() in _SUFFIXES
                and not p.name.startswith(("~$", "."))
                and not _is_plan_outline(p)
            )
        elif source.is_file() and source.suffix.lower() == ".txt":
            for line in source.read_text(encoding="utf-8").splitlines():
                if line.strip() and not line.strip().startswith("#"):
                    path = Path(line.strip())
                    found.append(path if path.is_absolute() else source.parent / path)
        elif source.is_file():
            found.append(source)
        else:
            report.add(Problem(Location(str(source)), "no such file or folder"))
    if report.problems:
        raise InputError(report)
    return list(dict.fromkeys(found))


def _unit_names(paths: list[Path]) -> dict[Path, str]:
    """A folder name per input: its stem, with its parent folder's name where stems collide."""
    stems: dict[str, int] = {}
    for path in paths:
        stems[path.stem] = stems.get(path.stem, 0) + 1
    return {p: p.stem if stems[p.stem] == 1 else f"{p.parent.name}-{p.stem}" for p in paths}


def _templates_fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _build_unit(
    path: Path, out_dir: Path, formats: tuple[str, ...], engine: str, templates: Path | None
) -> UnitResult:
    """Build one unit's dossier in a worker; every docgen error becomes part of the result."""
    from docgen.dossier import build_dossier

    start = time.perf_counter()
    unit = out_dir.name
    try:
        result = build_dossier(path, out_dir, templates, formats, engine)
    except InputError as exc:
        errors = [str(p) for p in exc.report.errors][:5] or exc.report.render().splitlines()[1:6]
        return UnitResult(
            unit, str(path), "failed", 0, time.perf_counter() - start, errors, _peak_mib()
        )
    except DocgenError as exc:
        return UnitResult(
            unit, str(path), "failed", 0, time.perf_counter() - start, [str(exc)], _peak_mib()
        )
    documents = len([f for f in result.files if f != "decisions.json"])
    return UnitResult(
        unit, str(path), "done", documents, time.perf_counter() - start, [], _peak_mib()
    )


def run_batch(
    sources: Iterable[Path],
    out: Path,
    *,
    jobs: int | None = None,
    formats: tuple[str, ...] = ("docx",),
    engine: str = "weasyprint",
    templates: Path | None = None,
    force: bool = False,
    progress: Callable[[UnitResult], None] | None = None,
    units_per_worker: int = _UNITS_PER_WORKER,
) -> BatchReport:
    """Build the dossier of every round in ``sources`` into ``out``; see the module docstring.

    ``jobs`` defaults to the number of cores; a worker builds at most ``units_per_worker`` units
    before it is replaced; ``progress`` is called after each unit.

    Raises:
        InputError: when a source does not exist (before anything is built).
    """
    started = time.perf_counter()
    paths = collect_inputs(sources)
    names = _unit_names(paths)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    root = template_root(templates)
    shared = f"{__version__}|{','.join(formats)}|{engine}|{_templates_fingerprint(root)}"
    manifest_path = out / MANIFEST
    manifest = (
        json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    )
    results: list[UnitResult] = []
    pending: list[tuple[Path, str]] = []
    for path in paths:
        unit = names[path]
        fingerprint = hashlib.sha256((shared + "|").encode() + path.read_bytes()).hexdigest()
        if (
            not force
            and manifest.get(unit) == fingerprint
            and (out / unit / "decisions.json").exists()
        ):
            skipped = UnitResult(unit, str(path), "skipped", fingerprint=fingerprint)
            results.append(skipped)
            if progress:
                progress(skipped)
        else:
            pending.append((path, fingerprint))
    jobs = max(1, jobs or os.cpu_count() or 1)
    # Workers are recycled by giving each chunk of units a fresh pool (max_tasks_per_child of
    # ProcessPoolExecutor can deadlock on Python 3.11 when a worker retires).
    chunk = jobs * max(1, units_per_worker)
    for first in range(0, len(pending), chunk):
        with ProcessPoolExecutor(jobs, mp_context=get_context("spawn")) as pool:
            futures = {
                pool.submit(_build_unit, path, out / names[path], formats, engine, templates): (
                    path,
                    fingerprint,
                )
                for path, fingerprint in pending[first : first + chunk]
            }
            for future in as_completed(futures):
                path, fingerprint = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # a worker that died: the unit fails, the batch goes on
                    result = UnitResult(
                        names[path], str(path), "failed", errors=[f"worker failed: {exc!r}"]
                    )
                result.fingerprint = fingerprint
                results.append(result)
                if result.state == "done":
                    manifest[result.unit] = fingerprint
                else:
                    manifest.pop(result.unit, None)
                if progress:
                    progress(result)
    order = {names[p]: i for i, p in enumerate(paths)}
    results.sort(key=lambda r: order[r.unit])
    report = BatchReport(results, time.perf_counter() - started, jobs)
    atomic_write_bytes(
        manifest_path, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    )
    atomic_write_bytes(out / REPORT_JSON, report.json().encode("utf-8"))
    atomic_write_bytes(out / REPORT_TEXT, (report.text() + "\n").encode("utf-8"))
    return report
