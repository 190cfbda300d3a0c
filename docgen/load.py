"""Load: a round workbook (.xlsx, through docgen.load_xlsx) or YAML/JSON file → ``RoundInput`` plus where each value came from.

Sheets and headers are matched ignoring case, surrounding spaces and Unicode form (inputs.md).
Every problem found while loading is collected with its file, sheet, row and column; nothing is
raised until the whole file has been read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from docgen.contract import (
    SHEET_BY_COLLECTION,
)
from docgen.errors import InputError, Location, Problem, Report
from docgen.models import (
    Cadre,
    Conference,
    ProcedureStep,
    RecipientLine,
    Result,
    RoundInfo,
    RoundInput,
    Title,
)
from docgen.plan_model import PlanSettings
from docgen.vietnamese import normalize_text

__all__ = [
    "SourceMap",
    "LoadedRound",
    "load_round",
    "require_round",
    "load_data_round",
    "build_model",
]

_ROW_MODELS: dict[str, type[BaseModel]] = {
    "cadres": Cadre,
    "titles": Title,
    "conferences": Conference,
    "results": Result,
    "procedure_steps": ProcedureStep,
    "recipients": RecipientLine,
}


@dataclass
class SourceMap:
    """Where each loaded value came from, so later stages can point at the cell.

    Keys are (collection, index, field); index is the position in the RoundInput list (None for
    ``info``); field None stands for the whole row.
    """

    file: str
    rows: dict[tuple[str, int | None], Location] = field(default_factory=dict)
    columns: dict[tuple[str, str], str] = field(default_factory=dict)
    data_format: bool = False

    def locate(self, collection: str, index: int | None = None, field_name: str = "") -> Location:
        """Return the location of a row (and column, when ``field_name`` is given)."""
        sheet = SHEET_BY_COLLECTION.get(collection)
        order = sheet.order if sheet else 99
        base = self.rows.get((collection, index))
        if self.data_format:
            row = None if index is None else index + 1
            name = collection if index is not None or collection != "info" else "info"
            return Location(self.file, order, name, row, field_name)
        if base is None:
            base = Location(self.file, order, sheet.name if sheet else collection)
        if collection in {"info", "plan"}:
            return self.rows.get((f"{collection}.{field_name}", None), base)
        column = self.columns.get((collection, field_name), "") if field_name else ""
        if field_name and not column and sheet:
            header = next((c.header for c in sheet.columns if c.field == field_name), field_name)
            column = f"“{header}”"
        return Location(base.file, base.sheet_order, base.sheet, base.row, column)


@dataclass
class LoadedRound:
    """The result of loading: the model (None when it could not be built), sources, problems."""

    path: Path
    sha256: str
    model: RoundInput | None
    source: SourceMap
    report: Report


def load_round(path: Path) -> LoadedRound:
    """Load a round from ``path``: .xlsx (the workbook) or .yaml/.yml/.json (the same model).

    Problems (bad headers, bad cells, missing sheets) are in the returned report; an unreadable
    file is one problem at the file's location.
    """
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        from docgen.load_xlsx import load_workbook_round

        return load_workbook_round(path)
    if suffix in {".yaml", ".yml", ".json"}:
        return load_data_round(path)
    report = Report()
    report.add(
        Problem(
            Location(str(path)),
            "unknown input kind",
            expected="a .xlsx workbook or a .yaml/.json file",
            found=f"“{path.suffix or 'no extension'}”",
        )
    )
    return LoadedRound(path, "", None, SourceMap(str(path)), report)


def require_round(path: Path) -> tuple[LoadedRound, RoundInput]:
    """Load ``path`` and return the model, or raise InputError with every loading problem."""
    loaded = load_round(path)
    if loaded.model is None or not loaded.report.ok:
        raise InputError(loaded.report)
    return loaded, loaded.model


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- YAML / JSON -------------------------------------------------------------------------------


def load_data_round(path: Path) -> LoadedRound:
    """Load the YAML or JSON form of the model (English snake_case field names)."""
    source = SourceMap(str(path), data_format=True)
    report = Report()
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        report.add(Problem(Location(str(path)), f"cannot read the file: {exc}"))
        return LoadedRound(path, "", None, source, report)
    model = None
    try:
        model = RoundInput.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            report.add(_problem_from_data_error(source, error))
    return LoadedRound(path, file_sha256(path), model, source, report)


def _problem_from_data_error(source: SourceMap, error: Any) -> Problem:
    loc = list(error["loc"])
    collection = str(loc[0]) if loc else ""
    index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
    rest = [str(part) for part in loc[2 if index is not None else 1 :]]
    location = source.locate(collection, index, ".".join(rest))
    return problem_from_error(location, error)


def problem_from_error(location: Location, error: Any) -> Problem:
    message = str(error.get("msg", "invalid value"))
    expected = ""
    if message.startswith("Value error, "):
        expected = message.removeprefix("Value error, ")
        message = "invalid value"
    elif error.get("type") == "missing":
        message = "required value is missing"
    found = "" if error.get("type") == "missing" else shown(error.get("input"))
    if expected and " not “" in expected:
        expected, _, found = expected.partition(", not ")
    return Problem(location, message, expected=expected, found=found)


def shown(value: Any) -> str:
    if value is None or isinstance(value, dict):
        return "" if value is None else "a mapping"
    return f"“{normalize_text(str(value))}”"


def build_model(data: dict[str, Any], source: SourceMap, report: Report) -> RoundInput | None:
    """Validate each row on its own (so every bad cell is reported), then assemble the model."""
    info: RoundInfo | None = None
    plan: PlanSettings | None = None
    if "plan" in data:
        try:
            plan = PlanSettings.model_validate(data["plan"])
        except ValidationError as exc:
            for error in exc.errors():
                field_name = str(error["loc"][0]) if error["loc"] else ""
                report.add(problem_from_error(source.locate("plan", None, field_name), error))
    if "info" in data:
        try:
            info = RoundInfo.model_validate(data["info"])
        except ValidationError as exc:
            for error in exc.errors():
                field_name = str(error["loc"][0]) if error["loc"] else ""
                report.add(problem_from_error(source.locate("info", None, field_name), error))
    collections: dict[str, list[Any]] = {}
    failed = False
    for collection, model_class in _ROW_MODELS.items():
        items: list[Any] = []
        for index, record in enumerate(data.get(collection, [])):
            try:
                items.append(model_class.model_validate(record))
            except ValidationError as exc:
                failed = True
                for error in exc.errors():
                    field_name = ".".join(str(p) for p in error["loc"])
                    location = source.locate(collection, index, field_name)
                    report.add(problem_from_error(location, error))
                items.append(None)
        collections[collection] = items
    if info is None or failed or ("plan" in data and plan is None):
        return None
    return RoundInput(info=info, plan=plan, **collections)
