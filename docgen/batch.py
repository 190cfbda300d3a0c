"""Batch: many units' rounds → their dossiers, in parallel, one bad workbook never stopping the rest.

Each unit's dossier goes to ``OUT/<unit>/`` through ``build_dossier`` (validated first, written
atomically, nothing written on error). The unit's folder name comes from the input's path relative
to the inputs' common folder (:func:`unit_names`); an input whose name gives no usable folder, or
two inputs that would share one, are failed units, never written over each other.

Workers are processes sized to the cores and replaced after a number of units, so memory stays
flat however long the batch. A worker that dies (killed by the system, e.g. out of memory) fails
only the unit it was building: the units it had not started are built in a fresh pool, and a unit
that was running when a worker died is retried alone once before it is reported.

A re-run skips units whose input, templates, formats and docgen version are unchanged (by SHA-256,
recorded in the manifest). The batch report is written as JSON and as text beside the dossiers,
also when the batch stops on an unexpected error; a unit's unexpected error (a bug in docgen) is
one plain line in the report and its traceback is saved in ``OUT/batch-errors/<unit>.txt``.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import resource
import shutil
import signal
import tempfile
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path

from docgen import __version__
from docgen.errors import (
    DocgenError,
    EnvironmentProblem,
    InputError,
    Location,
    Problem,
    Report,
    problem,
)
from docgen.i18n import N_, _
from docgen.output import atomic_write_bytes
from docgen.render import template_root
from docgen.vietnamese import ascii_slug

__all__ = [
    "UnitResult",
    "BatchReport",
    "collect_inputs",
    "unit_names",
    "run_batch",
    "MANIFEST",
    "REPORT_JSON",
    "REPORT_TEXT",
    "ERRORS_FOLDER",
    "UNIT_NAME_LIMIT",
    "WORKER_DIED",
    "TEST_KILL_UNIT",
    "TEST_FAIL_UNIT",
]

MANIFEST = "batch-manifest.json"
REPORT_JSON = "batch-report.json"
REPORT_TEXT = "batch-report.txt"
ERRORS_FOLDER = "batch-errors"
UNIT_NAME_LIMIT = 80
WORKER_DIED = N_("the worker building this unit stopped abruptly (killed, e.g. out of memory)")
_SUFFIXES = {".xlsx", ".xlsm", ".yaml", ".yml", ".json"}
_UNITS_PER_WORKER = 100
_SHOWN_ERRORS = 5
_SHOWN_MESSAGE = 200
_BARREN_BREAKS = 2
_RENAME_HINT = N_("rename the file, e.g. to xa-a{suffix}")

# Test hooks, inert in normal use: when one of these environment variables holds an input's file
# name, the worker process about to build that unit kills itself with SIGKILL (as the system's
# out-of-memory killer would) or raises an unexpected exception (as a bug in docgen would). They
# fire only inside a worker process, never in the process that runs the batch. tests/test_batch.py
# sets them; spawned workers inherit the environment.
TEST_KILL_UNIT = "DOCGEN_TEST_KILL_UNIT"
TEST_FAIL_UNIT = "DOCGEN_TEST_FAIL_UNIT"

# Why a unit failed (UnitResult.reason).
INPUT, TEMPLATE, ENVIRONMENT, NAME, UNREADABLE, WORKER, INTERNAL, STOPPED = (
    "input",
    "template",
    "environment",
    "name",
    "unreadable",
    "worker",
    "internal",
    "stopped",
)


@dataclass
class UnitResult:
    """One unit's outcome.

    ``unit`` is its folder name under the batch folder ("" when the input's name gives none);
    ``state`` is done, failed or skipped; ``errors`` are the first located problems, one line each
    ("file, sheet …, row …, column …: error: …"); ``reason`` says why it failed (input, template,
    environment, name, unreadable, worker, internal, stopped); ``traceback`` is the path of the
    saved traceback of an internal error. ``seconds`` and ``worker_peak_mib`` (MiB) are measured
    in the worker.
    """

    unit: str
    input: str
    state: str
    documents: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    worker_peak_mib: float = 0.0
    fingerprint: str = ""
    reason: str = ""
    traceback: str = ""


@dataclass
class BatchReport:
    """The whole batch: per-unit results (in the order of the inputs) and totals."""

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
    def internal(self) -> list[UnitResult]:
        """Units that failed on a bug in docgen (not on their input)."""
        return [u for u in self.failed if u.reason == INTERNAL]

    @property
    def documents(self) -> int:
        return sum(u.documents for u in self.done)

    def text(self) -> str:
        """The readable summary: counts, time, then each failed unit with its first errors."""
        lines = [
            _(
                "units: {units} ({done} done, {skipped} unchanged and skipped, {failed} failed)"
            ).format(
                units=len(self.units),
                done=len(self.done),
                skipped=len(self.skipped),
                failed=len(self.failed),
            ),
            _("documents written: {count}").format(count=self.documents),
            _("time: {seconds:.1f} s with {jobs} worker(s)").format(
                seconds=self.seconds, jobs=self.jobs
            )
            + (
                _(", {rate:.0f} documents/s").format(rate=self.documents / self.seconds)
                if self.seconds and self.documents
                else ""
            ),
        ]
        peaks = [u.worker_peak_mib for u in self.units if u.worker_peak_mib]
        if peaks:
            lines.append(_("peak memory of a worker: {mib:.0f} MiB").format(mib=max(peaks)))
        for unit in self.failed:
            lines.append(
                _("FAILED {unit} ({input}):").format(unit=unit.unit, input=unit.input)
                if unit.unit
                else _("FAILED {input}:").format(input=unit.input)
            )
            lines += [f"  {error}" for error in unit.errors]
        if self.internal:
            lines.append(
                _(
                    "{count} unit(s) failed on a bug in docgen, not in the input: send the files "
                    "named above to docgen's maintainers"
                ).format(count=len(self.internal))
            )
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
    try:
        with path.open(encoding="utf-8", errors="ignore") as stream:
            head = stream.read(4000)
    except OSError:
        return False  # not readable: the unit reports it
    return "kind: plan" in head or '"kind": "plan"' in head


def collect_inputs(sources: Iterable[Path]) -> list[Path]:
    """The round files named by ``sources``: folders (their .xlsx/.yaml/.json and those of
    their sub-folders, see ``_folder_inputs``), list files (.txt, one path a line, relative to
    the list, # starts a comment), files. A file named twice is kept once.

    Raises:
        InputError: naming each source that does not exist, folder holding no round, or list
            file that cannot be read.
    """
    found: list[Path] = []
    report = Report()
    for source in sources:
        source = Path(source)
        if source.is_dir():
            try:
                in_folder = _folder_inputs(source)
            except OSError as exc:
                report.add(problem("E0701", Location(str(source)), reason=_reason(exc)))
                continue
            if not in_folder:
                report.add(
                    problem(
                        "E0702",
                        Location(str(source)),
                        expected=_("workbooks (.xlsx) or rounds in YAML/JSON"),
                        hint=_(
                            "hidden files, Excel's ~$ lock files, plan outlines and folders "
                            "docgen wrote are not read"
                        ),
                    )
                )
            found += in_folder
        elif source.is_file() and source.suffix.lower() == ".txt":
            try:
                lines = source.read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                why = (
                    _("it is not UTF-8 text")
                    if isinstance(exc, UnicodeDecodeError)
                    else _reason(exc)
                )
                report.add(
                    problem(
                        "E0703",
                        Location(str(source)),
                        hint=_("save it as UTF-8 text, one path a line"),
                        reason=why,
                    )
                )
                continue
            for line in lines:
                if line.strip() and not line.strip().startswith("#"):
                    path = Path(line.strip())
                    found.append(path if path.is_absolute() else source.parent / path)
        elif source.is_file():
            found.append(source)
        else:
            report.add(problem("E0704", Location(str(source))))
    if report.problems:
        raise InputError(report)
    unique: dict[str, Path] = {}
    for path in found:
        unique.setdefault(os.path.abspath(path), path)
    return list(unique.values())


def _folder_inputs(folder: Path) -> list[Path]:
    """The round files in ``folder`` and its sub-folders, sorted: .xlsx/.xlsm/.yaml/.yml/.json,
    not hidden (nor in a hidden folder), not Excel's ~$ lock files, not plan outlines, and
    nothing inside a folder docgen wrote (one holding its manifest or a batch's manifest, e.g.
    an --out folder placed among the inputs).

    Raises:
        OSError: when ``folder`` itself cannot be read (sub-folders that cannot be read are
            skipped).
    """
    from docgen.output import MANIFEST as FOLDER_MANIFEST

    os.listdir(folder)  # raises for the folder given; os.walk would stay silent
    found: list[Path] = []
    for root, folders, files in os.walk(folder):
        if FOLDER_MANIFEST in files or MANIFEST in files:
            folders[:] = []
            continue
        folders[:] = sorted(f for f in folders if not f.startswith(".") and f != ERRORS_FOLDER)
        for name in sorted(files):
            path = Path(root) / name
            if (
                path.suffix.lower() in _SUFFIXES
                and not name.startswith(("~$", "."))
                and not _is_plan_outline(path)
            ):
                found.append(path)
    return found


def _reason(exc: OSError) -> str:
    """The plain reason of a file-system error ("no such file or directory"), no exception repr."""
    return exc.strerror.lower() if exc.strerror else str(exc)


def _bounded(name: str, relative: str) -> str:
    """``name`` cut to UNIT_NAME_LIMIT characters, a hash of ``relative`` keeping it distinct."""
    if len(name) <= UNIT_NAME_LIMIT:
        return name
    digest = hashlib.sha256(relative.encode("utf-8")).hexdigest()[:8]
    return f"{name[: UNIT_NAME_LIMIT - 9].rstrip('-')}-{digest}"


def unit_names(paths: Sequence[Path]) -> list[str | Problem]:
    """The folder name of each input's unit, or the located problem that leaves it without one.

    A name is the input's path relative to the folder all inputs share, without its suffix,
    folded to lowercase ASCII letters, digits and hyphens (``2022/Xã A/round.xlsx`` →
    ``2022-xa-a-round``; a folder of ``a.xlsx`` and ``b.yaml`` gives ``a`` and ``b``). Inputs
    whose names differ only by suffix keep it (``round-xlsx``, ``round-yaml``). A name never
    holds a separator, is never empty, never starts with a dot and has at most
    ``UNIT_NAME_LIMIT`` characters (a longer one is cut and ends with 8 hex digits of a hash of
    the relative path). A problem, instead of a name, for an input whose file name starts with a
    dot or has no letter or digit, whose name is reserved for the batch's own files
    (``batch-errors``), or that would share its name with another input (each of them gets one).
    The names depend only on the paths given, so they are the same on every run with the same
    inputs. Nothing is read from disk.
    """
    absolute = [Path(os.path.abspath(p)) for p in paths]
    try:
        root: Path | None = (
            Path(os.path.commonpath([str(a.parent) for a in absolute])) if absolute else None
        )
    except ValueError:  # different drives
        root = None
    relative = [a.relative_to(root) if root is not None else Path(*a.parts[1:]) for a in absolute]
    outcome: list[str | Problem] = []
    for path, rel in zip(paths, relative, strict=True):
        suffix = path.suffix or path.name
        hint = _(_RENAME_HINT).format(suffix=suffix if suffix.startswith(".") else ".xlsx")
        if path.name.startswith("."):
            outcome.append(problem("E0705", Location(str(path)), hint=hint))
        elif not ascii_slug(rel.stem):
            outcome.append(problem("E0706", Location(str(path)), hint=hint))
        else:
            outcome.append(ascii_slug("/".join((*rel.parent.parts, rel.stem))))
    counts: dict[str, int] = {}
    for name in outcome:
        if isinstance(name, str):
            counts[name] = counts.get(name, 0) + 1
    for index, name in enumerate(outcome):
        if isinstance(name, str) and counts[name] > 1:
            rel = relative[index]
            outcome[index] = ascii_slug("/".join((*rel.parent.parts, rel.name)))
    for index, name in enumerate(outcome):
        if isinstance(name, str):
            outcome[index] = _bounded(name, relative[index].as_posix())
    sharing: dict[str, list[int]] = {}
    for index, name in enumerate(outcome):
        if isinstance(name, str):
            sharing.setdefault(name, []).append(index)
    for name, indexes in sharing.items():
        for index in indexes:
            if name == ERRORS_FOLDER:
                outcome[index] = problem(
                    "E0707", Location(str(paths[index])), hint=_("rename the file"), name=name
                )
            elif len(indexes) > 1:
                others = ", ".join(str(paths[i]) for i in indexes if i != index)
                outcome[index] = problem(
                    "E0708",
                    Location(str(paths[index])),
                    hint=_("rename one of the files"),
                    others=others,
                    name=name,
                )
    return outcome


def _templates_fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _fingerprint(shared: str, path: Path) -> str:
    """SHA-256 of the batch's shared settings and the input's bytes. Raises OSError."""
    digest = hashlib.sha256((shared + "|").encode())
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _located(path: Path | str, message: str) -> str:
    return str(Problem(Location(str(path)), message))


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SHOWN_MESSAGE else text[:_SHOWN_MESSAGE] + "…"


@dataclass(frozen=True)
class _Crash:
    """An unexpected exception: its type name, its message, its formatted traceback."""

    kind: str
    message: str
    details: str

    @classmethod
    def of(cls, exc: BaseException) -> _Crash:
        return cls(type(exc).__name__, _cut(str(exc)), "".join(traceback.format_exception(exc)))


def _test_hooks(path: Path) -> None:
    """Fire the test hooks named by TEST_KILL_UNIT and TEST_FAIL_UNIT (see there), in a worker."""
    if multiprocessing.parent_process() is None:
        return
    if os.environ.get(TEST_KILL_UNIT) == path.name:
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get(TEST_FAIL_UNIT) == path.name:
        raise RuntimeError(f"test hook {TEST_FAIL_UNIT} for {path.name}")


def _build_unit(
    path: Path,
    out_dir: Path,
    formats: tuple[str, ...],
    engine: str,
    templates: Path | None,
    marker: str,
) -> tuple[UnitResult, _Crash | None]:
    """Build one unit's dossier in a worker; every error becomes part of the result.

    ``marker`` is a file created before building, so that the batch knows this unit was running
    if the worker dies. Returns the result and, for an unexpected exception, what it was.
    """
    with suppress(OSError):
        Path(marker).touch()
    start = time.perf_counter()
    unit = out_dir.name

    def failed(reason: str, errors: list[str]) -> UnitResult:
        return UnitResult(
            unit,
            str(path),
            "failed",
            0,
            time.perf_counter() - start,
            errors,
            _peak_mib(),
            reason=reason,
        )

    try:
        _test_hooks(path)
        from docgen.dossier import build_dossier

        result = build_dossier(path, out_dir, templates, formats, engine)
    except InputError as exc:
        errors = [str(p) for p in exc.report.errors]
        shown = errors[:_SHOWN_ERRORS] or exc.report.render().splitlines()[1 : 1 + _SHOWN_ERRORS]
        if len(errors) > _SHOWN_ERRORS:
            shown.append(
                _("… and {count} more errors: docgen validate {path} lists them all").format(
                    count=len(errors) - _SHOWN_ERRORS, path=path
                )
            )
        return failed(INPUT, [line.strip() for line in shown]), None
    except EnvironmentProblem as exc:
        return failed(ENVIRONMENT, [_located(path, str(exc))]), None
    except DocgenError as exc:
        return failed(
            TEMPLATE, [_located(path, _("template or rules error: {error}").format(error=exc))]
        ), None
    except Exception as exc:  # a bug in docgen: reported plainly, the traceback saved apart
        return failed(INTERNAL, []), _Crash.of(exc)
    documents = len([f for f in result.files if f != "decisions.json"])
    return (
        UnitResult(
            unit, str(path), "done", documents, time.perf_counter() - start, [], _peak_mib()
        ),
        None,
    )


@dataclass
class _Unit:
    index: int
    path: Path
    name: str
    fingerprint: str


@dataclass
class _Batch:
    """The state of one batch run: its settings, results so far and manifest."""

    out: Path
    jobs: int
    formats: tuple[str, ...]
    engine: str
    templates: Path | None
    progress: Callable[[UnitResult], None] | None
    markers: Path
    manifest: dict[str, str] = field(default_factory=dict)
    results: dict[int, UnitResult] = field(default_factory=dict)

    def record(
        self, unit: _Unit | None, index: int, result: UnitResult, crash: _Crash | None
    ) -> None:
        """Keep a unit's final result: save an internal error's traceback, update the manifest."""
        if unit is not None:
            result.fingerprint = unit.fingerprint
        if crash is not None:
            self._save_crash(result, crash)
        if result.unit:
            if result.state == "done":
                self.manifest[result.unit] = result.fingerprint
                stale = self.out / ERRORS_FOLDER / f"{result.unit}.txt"
                with suppress(OSError):
                    stale.unlink(missing_ok=True)
                    stale.parent.rmdir()  # only when empty
            elif result.state == "failed":
                self.manifest.pop(result.unit, None)
        self.results[index] = result
        if self.progress:
            self.progress(result)

    def _save_crash(self, result: UnitResult, crash: _Crash) -> None:
        result.state, result.reason = "failed", INTERNAL
        message = _("internal error (a bug in docgen, not in the input): {kind}").format(
            kind=crash.kind
        ) + (f": {crash.message}" if crash.message else "")
        saved = self.out / ERRORS_FOLDER / f"{result.unit or 'batch'}.txt"
        text = f"docgen {__version__}, unit {result.unit}, input {result.input}\n\n{crash.details}"
        try:
            atomic_write_bytes(saved, text.encode("utf-8"))
        except EnvironmentProblem:
            hint = _("the details could not be saved")
        else:
            result.traceback = str(saved)
            hint = _("the details are saved in {path}").format(path=saved)
        result.errors = [str(Problem(Location(result.input), message, hint=hint))]

    def fail(self, unit: _Unit, reason: str, message: str) -> None:
        result = UnitResult(unit.name, str(unit.path), "failed", reason=reason)
        result.errors = [_located(unit.path, message)]
        self.record(unit, unit.index, result, None)

    def run_pool(self, units: list[_Unit], jobs: int) -> tuple[list[_Unit], list[_Unit]]:
        """Build ``units`` in one fresh pool of ``jobs`` workers, recording each result.

        Returns the units that were running when a worker died and those it never started; both
        are empty unless the pool broke.
        """
        running: list[_Unit] = []
        waiting: list[_Unit] = []
        with ProcessPoolExecutor(min(jobs, len(units)), mp_context=get_context("spawn")) as pool:
            futures = {}
            for position, unit in enumerate(units):
                marker = self.markers / str(unit.index)
                marker.unlink(missing_ok=True)
                try:
                    future = pool.submit(
                        _build_unit,
                        unit.path,
                        self.out / unit.name,
                        self.formats,
                        self.engine,
                        self.templates,
                        str(marker),
                    )
                except BrokenProcessPool:
                    waiting += units[position:]
                    break
                futures[future] = unit
            for future in as_completed(futures):
                unit = futures[future]
                try:
                    result, crash = future.result()
                except BrokenProcessPool:
                    started = (self.markers / str(unit.index)).exists()
                    (running if started else waiting).append(unit)
                    continue
                except Exception as exc:  # the result could not come back: a bug
                    result = UnitResult(unit.name, str(unit.path), "failed")
                    crash = _Crash.of(exc)
                self.record(unit, unit.index, result, crash)
        order = {unit.index: i for i, unit in enumerate(units)}
        running.sort(key=lambda u: order[u.index])
        waiting.sort(key=lambda u: order[u.index])
        return running, waiting

    def build(self, pending: list[_Unit], chunk: int) -> None:
        """Build every pending unit; a dead worker fails only the unit it was building."""
        queue = deque(pending)
        suspects: list[_Unit] = []
        barren = 0
        while queue:
            group = [queue.popleft() for _ in range(min(chunk, len(queue)))]
            running, waiting = self.run_pool(group, self.jobs)
            suspects += running
            barren = barren + 1 if waiting and not running else 0
            if barren > _BARREN_BREAKS:  # workers die before starting anything: give up
                for unit in [*waiting, *queue]:
                    self.fail(unit, WORKER, _(WORKER_DIED))
                return
            queue.extendleft(reversed(waiting))
        for unit in suspects:  # retried alone once: if its worker dies again, it fails
            running, waiting = self.run_pool([unit], 1)
            if running or waiting:
                self.fail(unit, WORKER, _(WORKER_DIED))

    def report(self, paths: list[Path], names: list[str | Problem], started: float) -> BatchReport:
        """Write the manifest and the reports from the results so far; units without a result
        are failed as not built. Raises EnvironmentProblem when the batch folder cannot be
        written."""
        units = []
        for index, path in enumerate(paths):
            result = self.results.get(index)
            if result is None:
                name = names[index] if index < len(names) else ""
                result = UnitResult(
                    name if isinstance(name, str) else "",
                    str(path),
                    "failed",
                    errors=[_located(path, _("not built: the batch stopped before this unit"))],
                    reason=STOPPED,
                )
            units.append(result)
        report = BatchReport(units, time.perf_counter() - started, self.jobs)
        manifest = json.dumps(self.manifest, indent=2, sort_keys=True) + "\n"
        atomic_write_bytes(self.out / MANIFEST, manifest.encode())
        atomic_write_bytes(self.out / REPORT_JSON, report.json().encode("utf-8"))
        atomic_write_bytes(self.out / REPORT_TEXT, (report.text() + "\n").encode("utf-8"))
        return report


def _read_manifest(path: Path) -> dict[str, str]:
    """The previous run's fingerprints by unit; empty when missing or unreadable (all rebuilt)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def _holds_inputs(folder: Path, inputs: list[Path]) -> bool:
    return any(a == folder or folder in a.parents for a in inputs)


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
    before it is replaced; ``progress`` is called once per unit with its final result. The report
    files are written before returning, and also before an unexpected exception propagates.

    Raises:
        InputError: when a source does not exist (before anything is built).
        EnvironmentProblem: when ``out`` cannot be created or the report cannot be written.
    """
    started = time.perf_counter()
    paths = collect_inputs(sources)
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        markers = Path(tempfile.mkdtemp(prefix="docgen-batch-"))
    except OSError as exc:
        raise EnvironmentProblem(
            _("cannot create the batch folder {folder}: {reason}").format(
                folder=out, reason=_reason(exc)
            )
        ) from exc
    batch = _Batch(
        out,
        max(1, jobs or os.cpu_count() or 1),
        formats,
        engine,
        templates,
        progress,
        markers,
        _read_manifest(out / MANIFEST),
    )
    names: list[str | Problem] = []
    try:
        names = unit_names(paths)
        shared = (
            f"{__version__}|{','.join(formats)}|{engine}|"
            f"{_templates_fingerprint(template_root(templates))}"
        )
        absolute = [Path(os.path.abspath(p)) for p in paths]
        pending: list[_Unit] = []
        for index, (path, name) in enumerate(zip(paths, names, strict=True)):
            if isinstance(name, Problem):
                failed = UnitResult("", str(path), "failed", errors=[str(name)], reason=NAME)
                batch.record(None, index, failed, None)
                continue
            if _holds_inputs(Path(os.path.abspath(out / name)), absolute):
                inside = problem(
                    "E0709",
                    Location(str(path)),
                    hint=_("choose an --out folder outside the inputs' folders"),
                    folder=out / name,
                )
                failed = UnitResult(name, str(path), "failed", errors=[str(inside)], reason=NAME)
                batch.record(None, index, failed, None)
                continue
            try:
                fingerprint = _fingerprint(shared, path)
            except OSError as exc:
                unreadable = UnitResult(name, str(path), "failed", reason=UNREADABLE)
                unreadable.errors = [
                    _located(
                        path, _("cannot read this file ({reason})").format(reason=_reason(exc))
                    )
                ]
                batch.record(None, index, unreadable, None)
                continue
            unit = _Unit(index, path, name, fingerprint)
            if (
                not force
                and batch.manifest.get(name) == fingerprint
                and (out / name / "decisions.json").exists()
            ):
                batch.record(unit, index, UnitResult(name, str(path), "skipped"), None)
            else:
                pending.append(unit)
        # Workers are recycled by giving each chunk of units a fresh pool (max_tasks_per_child of
        # ProcessPoolExecutor can deadlock on Python 3.11 when a worker retires).
        batch.build(pending, batch.jobs * max(1, units_per_worker))
    except BaseException:
        with suppress(Exception):  # the report of what was done, then the original error
            batch.report(paths, names, started)
        raise
    finally:
        shutil.rmtree(markers, ignore_errors=True)
    return batch.report(paths, names, started)
