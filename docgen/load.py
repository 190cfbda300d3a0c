"""Load: a round workbook (.xlsx, through docgen.load_xlsx) or YAML/JSON file → ``RoundInput`` plus where each value came from.

Sheets and headers are matched ignoring case, surrounding spaces and Unicode form (inputs.md).
Every problem found while loading is collected with its file, sheet, row and column; nothing is
raised until the whole file has been read. A row that cannot be parsed is reported and left out
of the model, which is still built from the rows that parsed, so that validation can report the
problems between sheets at the same time (``SourceMap.unparsed`` says what was left out).

YAML and JSON are read with limits (``MAX_DATA_BYTES``, ``MAX_DEPTH``, ``MAX_NODES``,
``MAX_REPEATED``): an alias bomb or a deeply nested file is one located problem, not minutes of
CPU, gigabytes of memory or a RecursionError.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from yaml.constructor import ConstructorError, SafeConstructor

from docgen.codes import code_of
from docgen.contract import (
    SHEET_BY_COLLECTION,
)
from docgen.errors import InputError, Location, Problem, Report, problem
from docgen.i18n import N_, _
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
from docgen.values import BadValue, is_blank, quoted
from docgen.vietnamese import fold_key, normalize_name, normalize_text

__all__ = [
    "SourceMap",
    "Unparsed",
    "LoadedRound",
    "load_round",
    "require_round",
    "load_data_round",
    "read_data_file",
    "build_model",
    "problem_from_error",
    "shown",
    "file_sha256",
    "MAX_DATA_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_REPEATED",
]

MAX_DATA_BYTES = 20 * 1024 * 1024
"""The largest YAML or JSON file read (20 MB; a round of 10,000 people takes about 5 MB)."""

MAX_DEPTH = 32
"""The deepest nesting of lists and mappings read (a round needs 4 levels)."""

MAX_NODES = 2_000_000
"""The most values (scalars, lists, mappings) a YAML or JSON file may hold, aliases expanded."""

MAX_REPEATED = 100_000
"""The most values YAML aliases (*name) may repeat in all (an alias bomb repeats billions)."""

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
    kept: dict[str, list[int]] = field(default_factory=dict)
    """collection → for each item of the model's list, its position among the rows read (rows
    that failed to parse are not in the model, so the two differ after the first such row)."""
    unparsed: Unparsed = field(default_factory=lambda: Unparsed())

    def locate(self, collection: str, index: int | None = None, field_name: str = "") -> Location:
        """Return the location of the model's item ``index`` of ``collection`` (and column, when
        ``field_name`` is given)."""
        positions = self.kept.get(collection)
        if positions is not None and index is not None and 0 <= index < len(positions):
            index = positions[index]
        return self.locate_read(collection, index, field_name)

    def locate_read(
        self, collection: str, index: int | None = None, field_name: str = ""
    ) -> Location:
        """Return the location of row ``index`` as read (counting rows that failed to parse)."""
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
class Unparsed:
    """What loading could not parse and left out of the model, so that checks between sheets
    neither trust it nor report problems that only follow from it.

    ``rows``: collection → the raw records (field → value as read) of the rows left out.
    ``info_fields``: fields of "Thông tin chung" that failed or are missing; the model holds a
    stand-in for each (never printed: a round with errors is never written).
    ``plan``: the "Kế hoạch" sheet failed (the model has no plan).
    """

    rows: dict[str, list[Any]] = field(default_factory=dict)
    info_fields: set[str] = field(default_factory=set)
    plan: bool = False
    missing: set[str] = field(default_factory=set)
    """Collections whose required sheet is missing: any reference to them is unchecked."""

    def __bool__(self) -> bool:
        return bool(self.rows or self.info_fields or self.plan or self.missing)

    def raw_values(self, collection: str, field_name: str) -> tuple[list[Any], bool]:
        """The values of ``field_name`` in the rows of ``collection`` left out, and whether some
        such row has no usable value there (so any reference could be to it)."""
        values: list[Any] = []
        unknown = collection in self.missing
        for record in self.rows.get(collection, []):
            value = record.get(field_name) if isinstance(record, dict) else None
            if value is None or isinstance(value, dict | list):
                unknown = True
            else:
                values.append(value)
        return values, unknown

    def names(self, collection: str, name: str, *aliases: str) -> tuple[set[str], bool]:
        """Folded texts of ``name`` and ``aliases`` in the rows of ``collection`` left out (names
        and codes of people, names of titles), and whether some row left out has no usable
        ``name`` (so any reference could be to it)."""
        keys: set[str] = set()
        unknown = collection in self.missing
        for record in self.rows.get(collection, []):
            for position, field_name in enumerate((name, *aliases)):
                value = record.get(field_name) if isinstance(record, dict) else None
                if value is not None and not isinstance(value, dict | list | bool):
                    text = fold_key(normalize_name(str(value)))
                    if text:
                        keys.add(text)
                        continue
                unknown = unknown or position == 0
        return keys, unknown


@dataclass
class LoadedRound:
    """The result of loading: the model, where its values came from, and every problem.

    ``model`` is None only when nothing usable could be read (an unreadable file); otherwise it
    holds the rows that parsed, even when the report has errors: callers check ``report.ok``
    before using it for anything but validation.
    """

    path: Path
    sha256: str
    model: RoundInput | None
    source: SourceMap
    report: Report

    @property
    def unparsed(self) -> Unparsed:
        return self.source.unparsed


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
    where = Location(str(path))
    other_kind = _OTHER_KINDS.get(suffix)
    if other_kind is not None:
        report.add(problem(other_kind, where))
    else:
        report.add(
            problem(
                "E0113",
                where,
                expected=_("a .xlsx workbook or a .yaml/.json file"),
                found=quoted(path.suffix) if path.suffix else _("no extension"),
                hint=_("save the workbook from Excel as .xlsx (File, Save As, Excel Workbook)"),
            )
        )
    return LoadedRound(path, "", None, SourceMap(str(path)), report)


_OTHER_KINDS = {
    ".xls": "E0106",
    ".xlt": "E0106",
    ".xlsb": "E0110",
    ".ods": "E0112",
    ".csv": "E0109",
    ".txt": "E0109",
}
"""Files named as another kind of spreadsheet: the code of the problem saying how to save it as
.xlsx (docgen.codes)."""


def require_round(path: Path) -> tuple[LoadedRound, RoundInput]:
    """Load ``path`` and return the model, or raise InputError with every loading problem."""
    loaded = load_round(path)
    if loaded.model is None or not loaded.report.ok:
        raise InputError(loaded.report)
    return loaded, loaded.model


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- YAML / JSON -------------------------------------------------------------------------------

_ROUND_PARTS = tuple(RoundInput.model_fields)


def load_data_round(path: Path) -> LoadedRound:
    """Load the YAML or JSON form of the model (English snake_case field names).

    The file is read with ``read_data_file``'s limits; its top level must be a mapping of the
    parts of a round (``docgen schema``). Rows are validated one by one (``build_model``).
    """
    source = SourceMap(str(path), data_format=True)
    report = Report()
    data, problems = read_data_file(path)
    report.extend(problems)
    if problems:
        return LoadedRound(path, "", None, source, report)
    where = Location(str(path))
    if data is None:
        report.add(problem("E0124", where, expected=_("a round (`docgen schema`)")))
        return LoadedRound(path, "", None, source, report)
    if not isinstance(data, dict):
        report.add(
            problem(
                "E0206",
                where,
                expected=_("named parts: {parts}").format(parts=", ".join(_ROUND_PARTS)),
                found=shown(data),
            )
        )
        return LoadedRound(path, "", None, source, report)
    parts: dict[str, Any] = {}
    for key, value in data.items():
        name = str(key)
        if name not in _ROUND_PARTS:
            report.add(
                problem(
                    "E0207",
                    source.locate_read(name),
                    expected=_("one of {choices}").format(choices=", ".join(_ROUND_PARTS)),
                    found=quoted(name),
                )
            )
            continue
        if name in _ROW_MODELS and value is not None and not isinstance(value, list):
            report.add(
                problem(
                    "E0301",
                    source.locate_read(name),
                    expected=_("a list of rows"),
                    found=shown(value),
                )
            )
            value = []
        parts[name] = [] if value is None and name in _ROW_MODELS else value
    if "info" not in parts:
        report.add(
            problem(
                "E0208",
                source.locate_read("info"),
                expected=_("info: the unit, the round and the signer"),
            )
        )
    model = build_model(parts, source, report)
    return LoadedRound(path, file_sha256(path), model, source, report)


def read_data_file(path: Path) -> tuple[Any, list[Problem]]:
    """Read a YAML (.yaml, .yml) or JSON (.json) file safely: (the data, []) or (None, problems).

    Limits: at most MAX_DATA_BYTES, UTF-8 text (a byte-order mark is allowed), at most MAX_DEPTH
    levels of nesting, MAX_NODES values and MAX_REPEATED values repeated by YAML aliases (so an
    alias bomb is refused before it is expanded); a key given twice in one mapping is refused.
    YAML dates that name no real day (2022-13-45) and numbers such as 017 or 14:00 stay text, so
    the model reports them where they are. Each problem is at the file's location; the line is
    in the problem's ``found``. Never raises for the file's content.
    """
    where = Location(str(path))
    try:
        size = path.stat().st_size
        if size > MAX_DATA_BYTES:
            return None, [
                problem(
                    "E0114",
                    where,
                    expected=_("at most {size}").format(size=_size(MAX_DATA_BYTES)),
                    found=_size(size),
                )
            ]
        raw = path.read_bytes()
    except OSError as exc:
        reason = (exc.strerror or _("unreadable")).lower()
        return None, [problem("E0101", where, reason=reason)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, [
            problem(
                "E0115",
                where,
                expected=_("a text file saved as UTF-8"),
                found=_("a byte that is not UTF-8 on line {line}").format(line=line),
                hint=_("open it in a text editor and save it with the encoding UTF-8"),
            )
        ]
    if path.suffix.lower() == ".json":
        return _read_json(text, where)
    return _read_yaml(text, where)


def _size(count: int) -> str:
    """A file size for a message: "20 MB", "1.5 MB", "12 KB"."""
    if count < 1024 * 1024:
        return f"{count / 1024:,.0f} KB"
    return f"{count / (1024 * 1024):,.1f} MB".replace(".0 MB", " MB")


def _too_deep(where: Location, line: int) -> Problem:
    return problem(
        "E0116",
        where,
        expected=_("at most {count} levels of lists inside lists or fields").format(
            count=MAX_DEPTH
        ),
        found=_("more at line {line}").format(line=line),
    )


def _too_many(where: Location, line: int) -> Problem:
    return problem(
        "E0117",
        where,
        expected=_("at most {count}").format(count=f"{MAX_NODES:,}"),
        found=_("more by line {line}").format(line=line),
    )


_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        self.key = key
        super().__init__(key)


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _json_int(text: str) -> int | str:
    """Whole numbers as int, except absurdly long ones, kept as text for the model to report."""
    return int(text) if len(text) <= 18 else text


def _read_json(text: str, where: Location) -> tuple[Any, list[Problem]]:
    depth = 0
    nodes = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            nodes += 1
            if depth > MAX_DEPTH:
                return None, [_too_deep(where, text.count("\n", 0, match.start()) + 1)]
        elif token in "]}":
            depth -= 1
        else:
            nodes += 1
        if nodes > MAX_NODES:
            return None, [_too_many(where, text.count("\n", 0, match.start()) + 1)]
    try:
        return json.loads(text, object_pairs_hook=_json_object, parse_int=_json_int), []
    except json.JSONDecodeError as exc:
        return None, [
            problem(
                "E0118",
                where,
                found=_("line {line}, column {column}: {problem}").format(
                    line=exc.lineno, column=exc.colno, problem=exc.msg
                ),
                hint=_("check the brackets, commas and quotes there"),
            )
        ]
    except _DuplicateKey as exc:
        return None, [_given_twice(where, exc.key)]
    except (ValueError, RecursionError):
        return None, [problem("E0118", where)]


_YAML_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TwiceInYaml(ConstructorError):
    def __init__(self, key: str, mark: Any):
        super().__init__(None, None, f"{key} is given twice", mark)
        self.key = key


def _given_twice(where: Location, key: str, line: int | None = None) -> Problem:
    at_line = _(" at line {line}").format(line=line) if line else ""
    return problem("E0120", where, found=quoted(key) + at_line, hint=_("keep one of them"))


class _DataLoader(_YAML_LOADER):  # type: ignore[misc,valid-type]
    """The safe loader, with dates that name no real day and sexagesimal or octal-looking
    numbers kept as text, and keys given twice refused."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[str] = set()
        for key_node, _value in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                continue
            if key_node.value in seen:
                raise _TwiceInYaml(key_node.value, key_node.start_mark)
            seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: Any) -> Any:
        try:
            return SafeConstructor.construct_yaml_timestamp(self, node)
        except (ValueError, TypeError, OverflowError):
            return self.construct_scalar(node)

    def construct_yaml_int(self, node: Any) -> Any:
        value = str(self.construct_scalar(node))
        if re.fullmatch(r"[-+]?(?:0|[1-9][0-9_]*)", value):
            return SafeConstructor.construct_yaml_int(self, node)
        if re.fullmatch(r"[-+]?0[xob][0-9a-fA-F_]+", value):
            return SafeConstructor.construct_yaml_int(self, node)
        return value

    def construct_yaml_float(self, node: Any) -> Any:
        value = str(self.construct_scalar(node))
        return value if ":" in value else SafeConstructor.construct_yaml_float(self, node)


_DataLoader.add_constructor("tag:yaml.org,2002:timestamp", _DataLoader.construct_yaml_timestamp)
_DataLoader.add_constructor("tag:yaml.org,2002:int", _DataLoader.construct_yaml_int)
_DataLoader.add_constructor("tag:yaml.org,2002:float", _DataLoader.construct_yaml_float)
_DataLoader.add_constructor("tag:yaml.org,2002:map", _DataLoader.construct_yaml_map)


def _yaml_limits(text: str, where: Location) -> Problem | None:
    """Walk the YAML events (the parser keeps its own stack: no recursion) and count the
    nesting, the values and the values aliases repeat, before anything is built."""
    depth = 0
    nodes = 0
    repeated = 0
    open_nodes: list[tuple[str | None, int]] = []
    sizes: dict[str, int] = {}
    for event in yaml.parse(text, Loader=_YAML_LOADER):
        line = (event.start_mark.line + 1) if event.start_mark else 0
        if isinstance(event, yaml.AliasEvent):
            size = sizes.get(event.anchor or "")
            if size is None:
                if any(anchor == event.anchor for anchor, _ in open_nodes):
                    return problem(
                        "E0121",
                        where,
                        found=f"*{event.anchor}" + _(" at line {line}").format(line=line),
                    )
                return None  # an undefined alias: the loader reports it
            nodes += size
            repeated += size
            if repeated > MAX_REPEATED:
                return problem(
                    "E0122",
                    where,
                    expected=_("aliases (*name) repeating at most {count} values").format(
                        count=f"{MAX_REPEATED:,}"
                    ),
                    found=_("more by line {line}").format(line=line),
                    hint=_("write the values out, or use fewer aliases"),
                )
        elif isinstance(event, yaml.ScalarEvent):
            nodes += 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.CollectionStartEvent):
            nodes += 1
            depth += 1
            if depth > MAX_DEPTH:
                return _too_deep(where, line)
            open_nodes.append((event.anchor, nodes - 1))
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
            anchor, start = open_nodes.pop()
            if anchor:
                sizes[anchor] = nodes - start
        if nodes > MAX_NODES:
            return _too_many(where, line)
    return None


# PyYAML / libyaml problem texts → plain phrases (matched as substrings, first match wins).
_YAML_PROBLEMS = (
    ("mapping values are not allowed", N_("a “: ” where no field can start (quote the text)")),
    ("could not find expected ':'", N_("a line that is not “field: value”")),
    (
        "cannot start any token",
        N_("a character that cannot start a value (a tab? indent with spaces)"),
    ),
    ("undefined alias", N_("an alias (*name) without its anchor (&name)")),
    ("unhashable key", N_("a list or group of fields used as a field name")),
    ("duplicate anchor", N_("an anchor (&name) given twice")),
    ("second occurrence", N_("an anchor (&name) given twice")),
    ("expected <block end>", N_("the indentation does not match the lines above")),
    ("did not find expected key", N_("the indentation does not match the lines above")),
    ("expected ',' or ']'", N_("a list “[” that is not closed")),
    ("expected ',' or '}'", N_("a group “{” that is not closed")),
    ("expected '-' indicator", N_("a list item (“- ”) was expected here")),
    ("end of stream", N_("the file ends inside a quoted text or a bracket")),
)


def _yaml_problem(where: Location, exc: yaml.YAMLError) -> Problem:
    if isinstance(exc, _TwiceInYaml):
        mark = exc.problem_mark
        return _given_twice(where, exc.key, mark.line + 1 if mark is not None else None)
    if isinstance(exc, yaml.reader.ReaderError):
        return problem(
            "E0123",
            where,
            found=_("character code {code} at position {position}").format(
                code=repr(exc.character), position=exc.position
            )
            if isinstance(exc.character, int)
            else _("at position {position}").format(position=exc.position),
        )
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        said = (exc.problem or "").replace('"<unicode string>", ', "")
        said = next((_(plain) for text, plain in _YAML_PROBLEMS if text in said), said)
        return problem(
            "E0119",
            where,
            found=_("line {line}, column {column}: {problem}").format(
                line=mark.line + 1, column=mark.column + 1, problem=said
            ),
            hint=_("check the indentation, colons and quotes there"),
        )
    return problem("E0119", where)


def _read_yaml(text: str, where: Location) -> tuple[Any, list[Problem]]:
    try:
        problem = _yaml_limits(text, where)
        if problem is not None:
            return None, [problem]
        return yaml.load(text, Loader=_DataLoader), []  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        return None, [_yaml_problem(where, exc)]
    except RecursionError:
        return None, [_too_deep(where, 0)]


# --- Validation errors → problems ----------------------------------------------------------------

_EXPECTED = {
    "string_type": N_("text"),
    "string_sub_type": N_("text"),
    "int_type": N_("a whole number"),
    "int_parsing": N_("a whole number"),
    "int_from_float": N_("a whole number"),
    "int_parsing_size": N_("a smaller whole number"),
    "float_type": N_("a number"),
    "float_parsing": N_("a number"),
    "finite_number": N_("a number"),
    "decimal_type": N_("a number"),
    "decimal_parsing": N_("a number"),
    "bool_type": N_("“x” or blank"),
    "bool_parsing": N_("“x” or blank"),
    "dict_type": N_("a group of named fields"),
    "model_type": N_("a group of named fields (one row)"),
    "model_attributes_type": N_("a group of named fields (one row)"),
    "dataclass_type": N_("a group of named fields"),
    "list_type": N_("a list of items"),
    "tuple_type": N_("a list of items"),
    "set_type": N_("a list of items"),
    "date_type": N_("a date dd/mm/yyyy"),
    "date_parsing": N_("a date dd/mm/yyyy"),
    "date_from_datetime_parsing": N_("a date dd/mm/yyyy"),
    "date_from_datetime_inexact": N_("a date dd/mm/yyyy"),
    "datetime_type": N_("a date dd/mm/yyyy"),
    "time_type": N_("a time hh:mm"),
    "time_parsing": N_("a time hh:mm"),
    "string_pattern_mismatch": N_("text of the expected form"),
    "string_too_long": N_("shorter text"),
    "string_too_short": N_("longer text"),
    "too_long": N_("fewer items"),
    "too_short": N_("more items"),
    "enum": N_("one of the listed values"),
    "literal_error": N_("one of the listed values"),
    "recursion_loop": N_("values that do not refer to themselves"),
    "greater_than": N_("a larger number"),
    "greater_than_equal": N_("a larger number"),
    "less_than": N_("a smaller number"),
    "less_than_equal": N_("a smaller number"),
}


def problem_from_error(location: Location, error: Any) -> Problem:
    """Turn one pydantic error (a dict of ``ValidationError.errors()``) into a plain Problem.

    A ``BadValue`` raised by a parser gives its own expected/found/message; other error types
    map to a plain phrase of what was expected (never pydantic's own text); the value found is
    shown cut to a sane length (``values.quoted``).
    """
    kind = str(error.get("type", ""))
    value = error.get("input")
    cause = (error.get("ctx") or {}).get("error")
    loc = list(error.get("loc") or ())
    if kind == "missing":
        return problem("E0302", location)
    if kind == "extra_forbidden":
        return problem(
            "E0305",
            location,
            found=quoted(loc[-1]) if loc else "",
            hint=_("`docgen schema` lists the fields"),
        )
    if "[key]" in loc:
        return problem("E0301", location, expected=_("a year"), found=shown(value))
    if is_blank(value):
        expected = cause.expected if isinstance(cause, BadValue) else _expected(kind)
        return problem("E0302", location, expected=expected)
    if isinstance(cause, BadValue):
        return problem(
            code_of(cause.message or "invalid value"),
            location,
            expected=cause.expected,
            found=cause.found,
        )
    if kind in {"value_error", "assertion_error"}:
        text = str(cause) if cause is not None else ""
        expected = normalize_text(text.partition(", not ")[0])[:200]
        return problem("E0301", location, expected=expected, found=shown(value))
    expected = _expected(kind)
    if kind == "literal_error":
        choices = (error.get("ctx") or {}).get("expected")
        expected = _("one of {choices}").format(choices=choices) if choices else expected
    return problem("E0301", location, expected=expected, found=shown(value))


def _expected(kind: str) -> str:
    """What a pydantic error of ``kind`` expected, in the current language ("" when unknown)."""
    phrase = _EXPECTED.get(kind, "")
    return _(phrase) if phrase else ""


def shown(value: Any) -> str:
    """A value as a message shows it: “text” (cut to 80 characters, with the full length), or
    what it is ("a group of named fields", "a list of 3 items"); "" for None."""
    return quoted(value)


# --- Building the model from rows --------------------------------------------------------------

_INFO_STAND_INS: dict[str, Any] = {
    "issuer_kind": "state",
    "round_kind": "review",
    "term": "2000-2005",
    "reference_date": "2000",
}


def _field_of(error: Any) -> str:
    """The dotted field path of an error (without pydantic's "[key]" markers)."""
    return ".".join(str(part) for part in error["loc"] if part != "[key]")


def _info_with_stand_ins(raw: Any, failed: set[str]) -> RoundInfo | None:
    """RoundInfo from the fields of ``raw`` that parsed, a stand-in for each required field that
    did not (validation knows which from ``Unparsed.info_fields``)."""
    fields = RoundInfo.model_fields
    values = {k: v for k, v in raw.items() if k in fields and k not in failed}
    for name, info_field in fields.items():
        if info_field.is_required() and name not in values:
            values[name] = _INFO_STAND_INS.get(name, "?")
            failed.add(name)
    try:
        return RoundInfo.model_validate(values)
    except ValidationError:
        return None


def build_model(data: dict[str, Any], source: SourceMap, report: Report) -> RoundInput | None:
    """Validate each row on its own (so every bad cell is reported), then assemble the model
    from what parsed.

    ``data`` maps the parts of a round (info, plan, cadres…) to a mapping (info, plan) or a list
    of row mappings, as read. Every problem goes into ``report``, located through ``source``.
    Rows that fail are left out of the model: ``source.kept`` maps the model's items back to the
    rows read and ``source.unparsed`` keeps what was left out. Failed or missing fields of
    "Thông tin chung" get stand-ins (listed in ``Unparsed.info_fields``). Returns None only when
    even the stand-ins do not make a model (not expected).
    """
    unparsed = Unparsed()
    source.unparsed = unparsed
    plan: PlanSettings | None = None
    if data.get("plan") is not None:
        try:
            plan = PlanSettings.model_validate(data["plan"])
        except ValidationError as exc:
            unparsed.plan = True
            for error in exc.errors():
                report.add(problem_from_error(source.locate("plan", None, _field_of(error)), error))
    raw_info = data.get("info")
    failed: set[str] = set()
    info: RoundInfo | None = None
    if raw_info is None and report.ok:
        report.add(problem("E0208", source.locate("info")))
    try:
        info = RoundInfo.model_validate(raw_info if raw_info is not None else {})
    except ValidationError as exc:
        if raw_info is None:
            failed.update(RoundInfo.model_fields)
        for error in exc.errors():
            if raw_info is None:
                break
            location = source.locate("info", None, str(error["loc"][0]) if error["loc"] else "")
            report.add(problem_from_error(location, error))
            if error["loc"]:
                failed.add(str(error["loc"][0]))
            else:
                failed.update(RoundInfo.model_fields)
        info = _info_with_stand_ins(raw_info if isinstance(raw_info, dict) else {}, failed)
        unparsed.info_fields = failed & set(RoundInfo.model_fields)
    if info is None:
        return None
    collections: dict[str, list[Any]] = {}
    for collection, model_class in _ROW_MODELS.items():
        sheet = SHEET_BY_COLLECTION.get(collection)
        if collection not in data and not source.data_format and sheet and sheet.required:
            unparsed.missing.add(collection)  # the loader reported the missing sheet
        items: list[Any] = []
        kept: list[int] = []
        for index, record in enumerate(data.get(collection) or []):
            try:
                items.append(model_class.model_validate(record))
                kept.append(index)
            except ValidationError as exc:
                unparsed.rows.setdefault(collection, []).append(record)
                for error in exc.errors():
                    location = source.locate_read(collection, index, _field_of(error))
                    report.add(problem_from_error(location, error))
        collections[collection] = items
        source.kept[collection] = kept
    try:
        return RoundInput(info=info, plan=plan, **collections)
    except ValidationError:  # every part was validated above; kept as a guard
        return None
