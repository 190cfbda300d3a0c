"""The ``docgen`` command: a thin shell over the library; the only place errors become exit codes.

Exit codes: 0 done (warnings may be printed); 1 input errors (the report lists them all);
2 wrong usage; 3 template or rules problem; 4 environment problem (a folder cannot be written,
or holds files docgen did not write); 5 internal error (a bug: the traceback is saved to a file
the message names).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

import click

from docgen import __version__
from docgen.errors import EnvironmentProblem, InputError, Report, RulesError, TemplateError
from docgen.i18n import ENV, LANGUAGES, _, set_language

EXIT_INPUT = 1
EXIT_TEMPLATE = 3
EXIT_ENVIRONMENT = 4
EXIT_INTERNAL = 5
_SHOWN_MESSAGE = 200


def crash_folder() -> Path:
    """Where tracebacks of internal errors are saved: ``$XDG_CACHE_HOME/docgen/errors`` (by
    default ``~/.cache/docgen/errors``), or the system's temporary folder when that cannot be
    written."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "docgen" / "errors"


def save_traceback(exc: BaseException) -> Path | None:
    """Write the traceback of ``exc``, with docgen's version and the command line, to a new file
    in :func:`crash_folder` (or the temporary folder); return its path, None when nothing could
    be written."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    text = (
        f"docgen {__version__}, Python {sys.version.split()[0]}\n"
        f"command: {' '.join(sys.argv)}\n\n" + "".join(traceback.format_exception(exc))
    )
    for folder in (crash_folder(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"docgen-error-{stamp}-{os.getpid()}.txt"
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return None


def _internal_error(exc: BaseException) -> None:
    """Report a bug (not an input problem): one short line, the traceback saved to a file."""
    saved = save_traceback(exc)
    message = " ".join(str(exc).split())
    if len(message) > _SHOWN_MESSAGE:
        message = message[:_SHOWN_MESSAGE] + "…"
    click.echo(
        _("internal error (a bug in docgen, not in your input): {kind}").format(
            kind=type(exc).__name__
        )
        + (f": {message}" if message else ""),
        err=True,
    )
    if saved is not None:
        click.echo(
            _("the details are saved in {path}; send that file to docgen's maintainers").format(
                path=saved
            ),
            err=True,
        )
    sys.exit(EXIT_INTERNAL)


class _Main(click.Group):
    """The command group; the one place where errors become messages and exit codes.

    InputError → 1 with the whole report; TemplateError, RulesError → 3; EnvironmentProblem → 4;
    a file system error nobody caught (a full disk, a folder without permission) → 4; click's
    own usage errors → 2 (click); any other exception is a bug → 5, traceback saved to a file.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except InputError as exc:
            click.echo(exc.report.render(), err=True)
            click.echo(_("Nothing was written."), err=True)
            sys.exit(EXIT_INPUT)
        except (TemplateError, RulesError) as exc:
            click.echo(_("template or rules error: {details}").format(details=exc), err=True)
            sys.exit(EXIT_TEMPLATE)
        except EnvironmentProblem as exc:
            click.echo(_("error: {details}").format(details=exc), err=True)
            sys.exit(EXIT_ENVIRONMENT)
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            details = f"{exc.strerror or exc}{where}"
            click.echo(_("error: {details}").format(details=details), err=True)
            sys.exit(EXIT_ENVIRONMENT)
        except Exception as exc:
            _internal_error(exc)


_INPUT = click.Path(exists=True, dir_okay=False, path_type=Path)


def _formats(_: Any, __: Any, value: str) -> tuple[str, ...]:
    from docgen.render import parse_formats

    try:
        return parse_formats(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


_TEMPLATES = click.option(
    "--templates",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Templates folder (default: the project's templates/).",
)
_FORMAT = click.option(
    "--format",
    "formats",
    default="docx",
    callback=_formats,
    show_default=True,
    help="docx, pdf, or docx,pdf.",
)
_ENGINE = click.option(
    "--pdf-engine",
    "engine",
    type=click.Choice(["weasyprint", "libreoffice"]),
    default="weasyprint",
    show_default=True,
    help="weasyprint (HTML templates) or libreoffice (converts the DOCX; Word's line breaks).",
)


@click.group(
    cls=_Main,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Exit codes: 0 done; 1 input errors (all listed, nothing written); 2 wrong usage; "
    "3 template or rules; 4 the machine (a folder, the disk, files docgen did not write); "
    "5 internal error (a bug: the traceback is saved to a file the message names).",
)
@click.version_option(__version__, prog_name="docgen")
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    help=f"Language of messages: vi (default) or en; else ${ENV}, else the locale (LANG…).",
)
def main(lang: str | None) -> None:
    """Paperwork of a cadre-planning round (quy hoạch cán bộ) from one workbook."""
    set_language(lang)
    if lang is not None:
        os.environ[ENV] = lang  # worker processes of a batch follow the same language


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: Path, force: bool) -> None:
    """Write an empty round workbook with every sheet, header, dropdown and date format."""
    from docgen.workbook import write_workbook

    if path.exists() and not force:
        raise click.UsageError(_("{path} exists; pass --force to overwrite it").format(path=path))
    write_workbook(path)
    click.echo(_("wrote {path}").format(path=path))


@main.command()
@click.option(
    "--record",
    is_flag=True,
    help="Print the schema of the audit record decisions.json instead (docs/decisions.schema.json).",
)
@click.option(
    "--plan",
    is_flag=True,
    help="Print the schema of a plan outline (kind: plan) instead (docs/plan.schema.json).",
)
def schema(record: bool, plan: bool) -> None:
    """Print the JSON Schema of the YAML/JSON form of a round.

    With --record, the schema of decisions.json, the audit record written with every dossier
    (published as docs/decisions.schema.json). With --plan, the schema of a plan outline, the
    YAML that `docgen plan` takes for any plan (published as docs/plan.schema.json; fields
    explained in docs/ke-hoach.md).
    """
    if record and plan:
        raise click.UsageError(_("give --record or --plan, not both"))
    if plan:
        from docgen.plan_model import plan_schema

        click.echo(json.dumps(plan_schema(), ensure_ascii=False, indent=2))
        return
    if record:
        from docgen.audit import record_schema

        click.echo(json.dumps(record_schema(), ensure_ascii=False, indent=2))
        return
    from docgen.models import RoundInput

    click.echo(json.dumps(RoundInput.model_json_schema(), ensure_ascii=False, indent=2))


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the dossiers: one sub-folder per unit, plus the batch report.",
)
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: the cores).")
@click.option(
    "--force", is_flag=True, help="Rebuild units whose input and templates are unchanged."
)
@_FORMAT
@_ENGINE
@_TEMPLATES
def batch(
    sources: tuple[Path, ...],
    out_dir: Path,
    jobs: int | None,
    force: bool,
    formats: tuple[str, ...],
    engine: str,
    templates: Path | None,
) -> None:
    """Build the dossiers of many units: folders, .txt lists of paths, or workbooks.

    Exits with the worst reason among failed units: 5 a bug, 3 a template, 4 the machine (a
    folder, a killed worker, an unreadable input), 1 input errors; 0 when every unit is built.
    """
    from docgen.batch import (
        ENVIRONMENT,
        INTERNAL,
        REPORT_JSON,
        REPORT_TEXT,
        TEMPLATE,
        UNREADABLE,
        WORKER,
        collect_inputs,
        run_batch,
    )

    total = len(collect_inputs(sources))
    with click.progressbar(
        length=total, label=_("dossiers"), show_pos=True, show_eta=True, file=sys.stderr
    ) as bar:
        report = run_batch(
            sources,
            out_dir,
            jobs=jobs,
            formats=formats,
            engine=engine,
            templates=templates,
            force=force,
            progress=lambda _: bar.update(1),
        )
    click.echo(report.text())
    click.echo(
        _("report: {text}, {json}").format(text=out_dir / REPORT_TEXT, json=out_dir / REPORT_JSON)
    )
    reasons = {unit.reason for unit in report.failed}
    if INTERNAL in reasons:
        sys.exit(EXIT_INTERNAL)
    if TEMPLATE in reasons:
        sys.exit(EXIT_TEMPLATE)
    if reasons & {ENVIRONMENT, WORKER, UNREADABLE}:
        sys.exit(EXIT_ENVIRONMENT)
    if reasons:
        sys.exit(EXIT_INPUT)


@main.command()
@click.argument("source", type=_INPUT)
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing TARGET.")
def export(source: Path, target: Path, force: bool) -> None:
    """Convert a round between forms: YAML/JSON → .xlsx, or .xlsx → YAML/JSON."""
    import yaml

    from docgen.load import require_round
    from docgen.output import atomic_write_bytes
    from docgen.workbook import write_workbook

    if target.exists() and not force:
        raise click.UsageError(_("{path} exists; pass --force to overwrite it").format(path=target))
    model = require_round(source)[1]
    suffix = target.suffix.lower()
    if suffix == ".xlsx":
        write_workbook(target, model)
    elif suffix in {".yaml", ".yml", ".json"}:
        data = model.model_dump(mode="json", exclude_defaults=True)
        text = (
            json.dumps(data, ensure_ascii=False, indent=2)
            if suffix == ".json"
            else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        )
        atomic_write_bytes(target, text.encode("utf-8"))
    else:
        raise click.UsageError(_("TARGET must end in .xlsx, .yaml, .yml or .json"))
    click.echo(_("wrote {path}").format(path=target))


@main.command()
@click.argument("workbook", type=_INPUT)
def validate(workbook: Path) -> None:
    """Check a round: types, counting invariants, eligibility, quotas, names. Exit 1 on errors."""
    from docgen.validate import validate_path

    validated = validate_path(workbook)
    report: Report = validated.report
    click.echo(report.render())
    decision = validated.decision
    if decision is not None and report.ok:
        click.echo(
            _("round: {procedure}, rule set {rules}, {progress}").format(
                procedure=decision.procedure_name,
                rules=decision.rules.name,
                progress=decision.progress,
            )
        )
        for title in decision.titles:
            if title.waiting:
                click.echo(
                    _("  {title}: waiting for the head's choice").format(title=title.title.name)
                )
                continue
            proposed = ", ".join(c.cadre.full_name for c in title.proposed) or "—"
            click.echo(
                _("  {title}: proposed {names}").format(title=title.title.name, names=proposed)
            )
    if not report.ok:
        sys.exit(EXIT_INPUT)


@main.command()
@click.argument("workbook", type=_INPUT)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the dossier; replaced whole when it already holds a docgen dossier.",
)
@_TEMPLATES
@_FORMAT
@_ENGINE
@click.option(
    "--single-pdf", is_flag=True, help="Also write ho-so.pdf: every paper, a bookmark each."
)
def dossier(
    workbook: Path,
    out_dir: Path,
    templates: Path | None,
    formats: tuple[str, ...],
    engine: str,
    single_pdf: bool,
) -> None:
    """Validate, then write the dossier: submission, minutes, summary table, decisions.json."""
    from docgen.dossier import build_dossier

    result = build_dossier(workbook, out_dir, templates, formats, engine, single_pdf)
    if result.report.problems:
        click.echo(result.report.render())
    for name in result.files:
        click.echo(_("wrote {path}").format(path=result.out_dir / name))


def _echo_written(report: Report, written: list[Path]) -> None:
    """Print a paper command's warnings (when any), then a line per file written."""
    if report.problems:
        click.echo(report.render())
    for path in written:
        click.echo(_("wrote {path}").format(path=path))


@main.command()
@click.argument("workbook", type=_INPUT)
@click.option("--step", "step_number", required=True, type=int, help="The voting step (Bước).")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the ballot files into.",
)
@click.option(
    "--copies", type=click.IntRange(min=1), help="Copies (default: people present, else convened)."
)
@_TEMPLATES
@_FORMAT
@_ENGINE
def ballots(
    workbook: Path,
    step_number: int,
    out_dir: Path,
    copies: int | None,
    templates: Path | None,
    formats: tuple[str, ...],
    engine: str,
) -> None:
    """Write the ballots of one voting step, all copies as pages of one file per ballot."""
    from docgen.papers import write_ballots

    report = Report()
    written = write_ballots(
        workbook, step_number, out_dir, copies, templates, formats, engine, report
    )
    _echo_written(report, written)


@main.command()
@click.argument("workbook", type=_INPUT)
@click.option("--step", "step_number", required=True, type=int, help="The counted step (Bước).")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write bien-ban-kiem-phieu-buoc-N.docx into.",
)
@_TEMPLATES
@_FORMAT
@_ENGINE
def minutes(
    workbook: Path,
    step_number: int,
    out_dir: Path,
    templates: Path | None,
    formats: tuple[str, ...],
    engine: str,
) -> None:
    """Write the vote-count minutes of one counted step, even while a tie awaits the head.

    The same paper as the dossier's, as soon as the step's votes are entered: later steps may
    still be empty. Exit 1 for a preparation step, a step not in the procedure or not counted.
    """
    from docgen.papers import write_minutes

    report = Report()
    written = write_minutes(workbook, step_number, out_dir, templates, formats, engine, report)
    _echo_written(report, written)


@main.command()
@click.argument("source", type=_INPUT)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write ke-hoach.docx into.",
)
@_TEMPLATES
@_FORMAT
@_ENGINE
def plan(
    source: Path, out_dir: Path, templates: Path | None, formats: tuple[str, ...], engine: str
) -> None:
    """Write the plan (Kế hoạch) of a round, or of a plan outline YAML (kind: plan)."""
    from docgen.papers import write_plan

    report = Report()
    written = write_plan(source, out_dir, templates, formats, engine, report)
    _echo_written(report, written)


@main.command()
@click.argument("workbook", type=_INPUT)
def status(workbook: Path) -> None:
    """Say which step the round is at and what each title has so far.

    Exit 0 for a round in progress or waiting for the head's choice in a tie; 1 on input
    errors (listed; status writes nothing, so it does not say so).
    """
    from docgen.papers import round_status

    try:
        lines = round_status(workbook)
    except InputError as exc:
        click.echo(exc.report.render(), err=True)
        sys.exit(EXIT_INPUT)
    for line in lines:
        click.echo(line)


@main.command("check-templates")
@click.argument("workbook", type=_INPUT, required=False)
@_TEMPLATES
@click.option("--strict", is_flag=True, help="Exit 3 on warnings too (for CI).")
def check_templates_command(workbook: Path | None, templates: Path | None, strict: bool) -> None:
    """Lint the Word templates: damaged or split tags, Jinja errors, unknown and unused variables.

    Every template of the folder (state/ and party/), against the papers of WORKBOOK (a round or
    a plan outline) or, without it, of docgen's examples. Exit 3 on any error (the paper would
    fail or print wrong); warnings alone exit 0 unless --strict.
    """
    from docgen.checks import lint_templates

    result = lint_templates(workbook, templates)
    for finding in result.findings:
        click.echo(str(finding))
    for note in result.notes:
        click.echo(_("note: {note}").format(note=note))
    click.echo(result.summary())
    if result.errors or (strict and result.warnings):
        sys.exit(EXIT_TEMPLATE)


@main.command("copy-templates")
@click.argument("folder", type=click.Path(path_type=Path))
def copy_templates_command(folder: Path) -> None:
    """Copy docgen's templates into FOLDER (new or empty), to edit in Word; use with --templates."""
    from docgen.template_changes import copy_templates

    written = copy_templates(folder)
    click.echo(
        _("copied {count} template files into {folder}; use them with --templates {folder}").format(
            count=len(written), folder=folder
        )
    )


@main.command("check-layout")
@click.argument("documents", nargs=-1, required=True, type=_INPUT)
def check_layout(documents: tuple[Path, ...]) -> None:
    """Check DOCX files against the prescribed Party or State layout (format.md)."""
    from docgen.conformance import check_docx, issuer_kind_of

    failures = [f for path in documents for f in check_docx(path, issuer_kind_of(path))]
    for failure in failures:
        click.echo(failure)
    click.echo(
        _("{documents} documents checked, {failures} deviations").format(
            documents=len(documents), failures=len(failures)
        )
    )
    if failures:
        sys.exit(EXIT_TEMPLATE)


_COMMAND_MODULES = (
    ("docgen.web.cli", "serve"),
    ("docgen.import_plan", "import_plan"),
)
"""Commands that live beside the module they shell: (module, click command's name in it). Each
module keeps its heavy imports inside the command, so registering it stays cheap."""


def _register_commands() -> None:
    import importlib

    for module_name, attribute in _COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        main.add_command(getattr(module, attribute))


_register_commands()


if __name__ == "__main__":
    main()
