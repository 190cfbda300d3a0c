"""Property-based fuzzing (issue 9, point 8): cells of the example workbooks and fields of the
example YAML are replaced with arbitrary values, and no exception may escape the command line.

Every run must end in exit 0 (valid, warnings allowed) or 1 (input errors, each located); never a
traceback, never exit 5 (a bug). The number of examples is bounded for CI and the examples are
derived from a fixed seed (reproducible); raise ``DOCGEN_FUZZ_EXAMPLES`` to search longer.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import os
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docgen.cli import main

from .conftest import INPUTS, PARTY_EXAMPLE, STATE_EXAMPLE

EXAMPLES = int(os.environ.get("DOCGEN_FUZZ_EXAMPLES", "60"))
WORKBOOKS = sorted(INPUTS.glob("*.xlsx"))
_FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Values office staff (or a broken export) put into cells: text that looks like data of the
# wrong kind, impossible dates and terms, huge and negative numbers, formulas, long text.
CELL_VALUES = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.text(min_size=200, max_size=400),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.times(),
    st.sampled_from(
        [
            "2026-2021",
            "2021-2026",
            "40/13/2020",
            "31/02/2021",
            "13/2020",
            "0",
            "-1",
            "1e9",
            "x",
            "Có",
            "Không",
            "2/3",
            "150%",
            "=1/0",
            "=A1",
            "#N/A",
            "Tùy chỉnh",
            "Xây dựng nhiệm kỳ kế tiếp",
            "Rà soát, bổ sung",
            "Nam",
            "Nữ",
            "   ",
            "\n",
            "{{ 7*7 }}",
            "{% include 'x' %}",
            "../../etc/passwd",
        ]
    ),
)


def _assert_handled(result: Any) -> None:
    """Exit 0 or 1, and nothing but docgen's own messages."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output and "internal error" not in result.output


_WORKBOOKS = {path.name: path.read_bytes() for path in WORKBOOKS}


@st.composite
def cell_edits(draw: st.DrawFn) -> tuple[str, list[tuple[str, int, int, Any]]]:
    """A workbook name and 1 to 4 edits (sheet, row, column, value) inside or just past the
    data of its sheets."""
    name = draw(st.sampled_from([p.name for p in WORKBOOKS]))
    shapes = _SHAPES[name]
    edits = []
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        sheet = draw(st.sampled_from(sorted(shapes)))
        rows, columns = shapes[sheet]
        row = draw(st.integers(min_value=1, max_value=rows + 1))
        column = draw(st.integers(min_value=1, max_value=columns + 1))
        edits.append((sheet, row, column, draw(CELL_VALUES)))
    return name, edits


def _shapes() -> dict[str, dict[str, tuple[int, int]]]:
    shapes = {}
    for path in WORKBOOKS:
        book = openpyxl.load_workbook(path)
        shapes[path.name] = {}
        for sheet in book.worksheets:
            rows = [r for r in sheet.iter_rows(values_only=True) if any(v is not None for v in r)]
            width = max((len(r) for r in rows), default=1)
            shapes[path.name][sheet.title] = (max(len(rows), 1), max(width, 1))
    return shapes


_SHAPES = _shapes()


def _edited_workbook(folder: Path, name: str, edits: list[tuple[str, int, int, Any]]) -> Path:
    """The example workbook ``name`` with ``edits`` applied, saved into ``folder``."""
    book = openpyxl.load_workbook(io.BytesIO(_WORKBOOKS[name]))
    for sheet, row, column, value in edits:
        try:
            book[sheet].cell(row=row, column=column).value = value
        except (ValueError, TypeError, openpyxl.utils.exceptions.IllegalCharacterError):
            # openpyxl refuses the value (Excel could not hold it either): nothing to test
            continue
    path = folder / name
    book.save(path)
    return path


@_FUZZ
@given(case=cell_edits())
def test_no_exception_escapes_validate_and_status_on_edited_workbooks(
    tmp_path: Path, case: tuple[str, list[Any]]
) -> None:
    path = _edited_workbook(tmp_path, *case)
    runner = CliRunner()
    _assert_handled(runner.invoke(main, ["validate", str(path)]))
    _assert_handled(runner.invoke(main, ["status", str(path)]))


def _paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path (keys and indexes) to a value or a container inside ``data``."""
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


_DATA = {
    path.name: yaml.safe_load(path.read_text(encoding="utf-8"))
    for path in (STATE_EXAMPLE, PARTY_EXAMPLE)
}
_DATA_PATHS = {name: _paths(data) for name, data in _DATA.items()}
DATA_VALUES = st.one_of(
    CELL_VALUES.filter(lambda v: not isinstance(v, dt.time)),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.sampled_from(["year", "month", "day", "x"]), st.integers(), max_size=3),
    st.just({"year": [1]}),
    st.just({"month": 13, "day": 40}),
)


@_FUZZ
@given(data=st.data())
def test_no_exception_escapes_validate_on_edited_yaml(tmp_path: Path, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(_DATA)))
    round_data = copy.deepcopy(_DATA[name])
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        where = data.draw(st.sampled_from(_DATA_PATHS[name]))
        value = data.draw(DATA_VALUES)
        target = round_data
        try:
            for key in where[:-1]:
                target = target[key]
            target[where[-1]] = value
        except (KeyError, IndexError, TypeError):  # an earlier edit replaced a parent
            continue
    path = tmp_path / name
    path.write_text(yaml.safe_dump(round_data, allow_unicode=True), encoding="utf-8")
    _assert_handled(CliRunner().invoke(main, ["validate", str(path)]))


@settings(_FUZZ, max_examples=max(5, EXAMPLES // 6))
@given(case=cell_edits())
def test_no_exception_escapes_the_dossier_of_an_edited_workbook(
    tmp_path_factory: pytest.TempPathFactory,
    case: tuple[str, list[Any]],
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    path = _edited_workbook(folder, *case)
    result = CliRunner().invoke(main, ["dossier", str(path), "--out", str(folder / "out")])
    _assert_handled(result)
    if result.exit_code == 1:
        assert not (folder / "out").exists()
