"""Reading workbook files (docgen.xlsx, docgen.load_xlsx): the values openpyxl gave, cell by cell;
every malformed file as one located problem; the used data read, not the formatted extent;
duplicate sheets, formulas without a saved value, merged cells and error cells reported as such.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from docgen.cli import main
from docgen.codes import CODES
from docgen.contract import PLAN_SHEET, SHEETS
from docgen.errors import Location, Problem, Severity
from docgen.load import load_round
from docgen.xlsx import MAX_UNPACKED_BYTES, read_workbook

from .conftest import INPUTS, PARTY_EXAMPLE, STATE_EXAMPLE

STATE_XLSX = STATE_EXAMPLE.with_suffix(".xlsx")
ORDER = {sheet.name: sheet.order for sheet in (*SHEETS, PLAN_SHEET)}
CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")

DAMAGED = "the file is damaged or incomplete (not a complete .xlsx): save it again from Excel"
DAMAGED_SHEET = "the sheet is damaged and cannot be read: save the workbook again from Excel"


def _validate(path: Path) -> Result:
    """Run `docgen validate` on ``path``; fail the test if anything but an exit escapes."""
    result = CliRunner().invoke(main, ["validate", str(path)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"exception escaped the CLI: {result.exception!r}\n{result.output}")
    assert "Traceback" not in result.output
    return result


def _openpyxl_rows(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        return list(workbook[sheet].iter_rows(values_only=True))
    finally:
        workbook.close()


def _assert_same_cells(path: Path) -> int:
    """Compare docgen's reader with openpyxl on every cell of every sheet; return how many cells
    hold a value. A cell beyond the rows either reader gives is empty (None)."""
    read = read_workbook(path)
    assert read.problems == []
    expected_names = load_workbook(path, read_only=True).sheetnames
    assert read.names == expected_names
    filled = 0
    for sheet in read.sheets:
        expected = _openpyxl_rows(path, sheet.name)
        for number in range(1, max(len(expected), len(sheet.rows)) + 1):
            want = expected[number - 1] if number <= len(expected) else ()
            got = sheet.rows[number - 1] if number <= len(sheet.rows) else ()
            for column in range(1, max(len(want), len(got)) + 1):
                a = want[column - 1] if column <= len(want) else None
                b = got[column - 1] if column <= len(got) else None
                where = f"{sheet.name}!{number}:{column}"
                assert (type(b), b) == (type(a), a), where
                filled += a is not None
    return filled


def _patch_zip(source: Path, target: Path, member: str, change: Callable[[bytes], bytes]) -> None:
    """Copy the zip ``source`` to ``target`` with ``member`` rewritten by ``change``."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        assert member in old.namelist()
        for info in old.infolist():
            data = old.read(info.filename)
            new.writestr(info.filename, change(data) if info.filename == member else data)


def _sheet_member(path: Path, sheet: str) -> str:
    """The XML part of ``sheet`` in a workbook saved by openpyxl (sheetN.xml in sheet order)."""
    names = load_workbook(path, read_only=True).sheetnames
    return f"xl/worksheets/sheet{names.index(sheet) + 1}.xml"


def _coded(location: Location, message: str, **fields: Any) -> Problem:
    """The problem expected at ``location``, with the code of its message (docgen.codes)."""
    for code, template in CODES.items():
        pattern = re.escape(template)
        pattern = re.sub(r"\\\{\w+\\\}", ".+", pattern)
        if re.fullmatch(pattern, message):
            return Problem(location, message, code=code, **fields)
    return Problem(location, message, **fields)


def _only_error(path: Path) -> Problem:
    """The one error of loading ``path`` (warnings aside)."""
    errors = [p for p in load_round(path).report.problems if p.severity == Severity.ERROR]
    assert len(errors) == 1, errors
    return errors[0]


# --- the values openpyxl gave --------------------------------------------------------------------


@pytest.mark.parametrize("example", sorted(INPUTS.glob("*.xlsx")), ids=lambda p: p.stem)
def test_example_workbooks_read_the_same_as_openpyxl_cell_by_cell(example: Path) -> None:
    assert _assert_same_cells(example) > 100


def test_every_kind_of_value_reads_the_same_as_openpyxl(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kinds"
    values: list[Any] = [
        1, -7, 0, 3.0, 2.5, 0.1, 1e20, 123456789012345, True, False,
        "text", "line one\nline two", "  spaced  ", "15/04/2022", "#N/A",
        dt.datetime(2022, 4, 15), dt.datetime(2022, 4, 15, 13, 45, 30), dt.date(1990, 1, 2),
        dt.time(8, 30), dt.time(0, 0), dt.datetime(1900, 1, 1), dt.datetime(1900, 3, 1),
        dt.timedelta(hours=30), "=1+1",
    ]  # fmt: skip
    for row, value in enumerate(values, start=1):
        sheet.cell(row=row * 2, column=2, value=value)  # an empty row between values
    formatted = [
        (45000, "dd/mm/yyyy"), (0.5, "hh:mm"), (45000.25, "dd/mm/yyyy hh:mm"),
        (1.5, "[h]:mm:ss"), (45000, "mm/yyyy"), (45000, "0.00%"), (45000, "[$-42A]dd/mm/yyyy"),
        (45000, "d/m/yyyy;@"), (30000, "yyyy"), (45000.123456789, "dd/mm/yyyy hh:mm:ss"),
    ]  # fmt: skip
    for row, (value, number_format) in enumerate(formatted, start=1):
        cell = sheet.cell(row=row, column=5, value=value)
        cell.number_format = number_format
    sheet["G3"] = "after empty columns"
    later = workbook.create_sheet("Starts at C4")
    later["C4"] = "first value"
    later["D6"] = 12
    path = tmp_path / "kinds.xlsx"
    workbook.save(path)
    assert _assert_same_cells(path) == len(values) - 1 + len(formatted) + 3  # the formula: None
    read = read_workbook(path)
    kinds = read.sheets[0]
    assert kinds.rows[15 * 2 - 1][1] == "#N/A"  # an error cell gives its text, as openpyxl does
    assert kinds.error_cells == {(30, 2): "#N/A"}
    assert kinds.formulas_without_value == {(48, 2)}
    assert read.sheets[1].rows[3] == (None, None, "first value", None)  # C4 stays C4


# --- malformed files: one located problem, never a traceback ---------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _compound_file(*streams: str) -> bytes:
    """The start of an OLE2 compound file naming ``streams`` in its directory (UTF-16LE)."""
    names = b"".join(name.encode("utf-16-le").ljust(64, b"\0") for name in streams)
    return CFB_MAGIC + bytes(504) + names + bytes(1024)


MALFORMED: dict[str, tuple[Callable[[], bytes], str]] = {
    "empty": (lambda: b"", "the file is empty: save the workbook again from Excel"),
    "truncated": (lambda: STATE_XLSX.read_bytes()[: STATE_XLSX.stat().st_size // 2], DAMAGED),
    "first-bytes-only": (lambda: STATE_XLSX.read_bytes()[:100], DAMAGED),
    "random-bytes": (
        lambda: bytes((i * 7919 + 13) % 251 for i in range(5000)),
        "this is not an Excel workbook (.xlsx): give the round's workbook, saved from Excel as .xlsx",
    ),
    "csv-text": (
        lambda: "Họ và tên,Ngày sinh\nLò Văn Thành,12/03/1980\n".encode(),
        "this is a text file, not an Excel workbook: open it in Excel and save it as .xlsx",
    ),
    "pdf": (
        lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        "this is not an Excel workbook (it is a PDF file): give the round's .xlsx workbook",
    ),
    "compound-file": (
        lambda: _compound_file("Root Entry"),
        "this is an old Excel .xls file (or a password-protected workbook): open it in Excel and "
        "save it as .xlsx without a password",
    ),
    "old-xls": (
        lambda: _compound_file("Root Entry", "Workbook", "\x05SummaryInformation"),
        "this is an old Excel .xls file: open it in Excel and save it as .xlsx",
    ),
    "encrypted": (
        lambda: _compound_file("Root Entry", "EncryptionInfo", "EncryptedPackage"),
        "this workbook is protected by a password: open it in Excel and save it as .xlsx without "
        "a password",
    ),
    "old-word": (
        lambda: _compound_file("Root Entry", "WordDocument", "1Table"),
        "this is not an Excel workbook (it looks like an old Word document): give the round's "
        ".xlsx workbook",
    ),
    "docx-renamed": (
        lambda: _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"}),
        "this is not an Excel workbook (it looks like a Word document): give the round's .xlsx "
        "workbook",
    ),
    "ods-renamed": (
        lambda: _zip(
            {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<a/>"}
        ),
        "this is an OpenDocument spreadsheet (.ods): open it and save it as .xlsx",
    ),
    "xlsb-renamed": (
        lambda: _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\0"}),
        "this is an Excel binary workbook (.xlsb): open it in Excel and save it as .xlsx",
    ),
    "other-zip": (
        lambda: _zip({"notes.txt": b"hello"}),
        "this is not an Excel workbook (it is a zip archive of other files): give the round's "
        ".xlsx workbook",
    ),
    "empty-zip": (lambda: _zip({}), DAMAGED),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_file_is_one_problem_at_the_file(tmp_path: Path, case: str) -> None:
    build, message = MALFORMED[case]
    path = tmp_path / "round.xlsx"
    path.write_bytes(build())
    assert read_workbook(path).problems == [_coded(Location(str(path)), message)]
    loaded = load_round(path)
    assert loaded.model is None
    assert loaded.report.problems == [_coded(Location(str(path)), message)]
    result = _validate(path)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "1 error, 0 warnings",
        f"  {loaded.report.problems[0].code} {path}: error: {message}",
    ]


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    path = tmp_path / "round.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            block = b" " * (1 << 20)
            for _ in range(MAX_UNPACKED_BYTES // len(block) + 1):
                member.write(block)
    assert path.stat().st_size < 2 * 2**20
    message = (
        "the workbook is too large: it unpacks to 201 MB, more than the 200 MB docgen reads; it "
        "cannot be a round's workbook"
    )
    assert read_workbook(path).problems == [_coded(Location(str(path)), message)]
    assert _validate(path).exit_code == 1


def test_a_zip_member_larger_than_its_header_says_is_a_damaged_sheet(tmp_path: Path) -> None:
    """A zip bomb that lies about its size in the headers is stopped at the size it declares."""
    path = tmp_path / "round.xlsx"
    member = _sheet_member(STATE_XLSX, "Cán bộ")
    _patch_zip(STATE_XLSX, path, member, lambda xml: xml + b" " * (8 << 20))
    data = bytearray(path.read_bytes())
    name = member.encode()
    true_size = len(zipfile.ZipFile(STATE_XLSX).read(member)) + (8 << 20)
    patched = 0
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = data.find(name)
        while start >= 0:
            header = start - name_at
            if data[header : header + 4] == signature:
                size = slice(header + size_at, header + size_at + 4)
                assert int.from_bytes(data[size], "little") == true_size
                data[size] = (100_000).to_bytes(4, "little")
                patched += 1
            start = data.find(name, start + 1)
    assert patched == 2  # the local header and the central directory
    path.write_bytes(bytes(data))
    assert _only_error(path) == _coded(
        Location(str(path), ORDER["Cán bộ"], "Cán bộ"), DAMAGED_SHEET
    )
    assert _validate(path).exit_code == 1


def test_a_sheet_with_broken_xml_is_named(tmp_path: Path) -> None:
    path = tmp_path / "round.xlsx"
    member = _sheet_member(STATE_XLSX, "Hội nghị")
    _patch_zip(STATE_XLSX, path, member, lambda xml: xml[: len(xml) // 2])
    problem = _coded(Location(str(path), ORDER["Hội nghị"], "Hội nghị"), DAMAGED_SHEET)
    assert _only_error(path) == problem
    assert load_round(path).model is None
    result = _validate(path)
    assert result.exit_code == 1
    assert f"  {problem.code} {problem}" in result.output.splitlines()
    assert result.output.startswith("1 error,")


def test_a_sheet_missing_from_the_archive_is_named(tmp_path: Path) -> None:
    path = tmp_path / "round.xlsx"
    member = _sheet_member(STATE_XLSX, "Kết quả")
    with zipfile.ZipFile(STATE_XLSX) as old, zipfile.ZipFile(path, "w") as new:
        for info in old.infolist():
            if info.filename != member:
                new.writestr(info.filename, old.read(info.filename))
    assert _only_error(path) == _coded(
        Location(str(path), ORDER["Kết quả"], "Kết quả"), DAMAGED_SHEET
    )
    assert _validate(path).exit_code == 1


# --- reading by used data, not formatted extent -------------------------------------------------


def test_a_formatted_empty_cell_at_xfd1048576_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "round.xlsx"
    workbook = load_workbook(STATE_XLSX)
    workbook["Cán bộ"]["XFD1048576"].font = Font(bold=True)
    workbook.save(path)
    assert (
        '<dimension ref="A1:XFD1048576"/>'
        in zipfile.ZipFile(path).read(_sheet_member(path, "Cán bộ")).decode()
    )
    result = _validate(path)
    assert result.exit_code == 0, result.output
    loaded = load_round(path)
    assert loaded.report.errors == []
    assert loaded.model == load_round(STATE_XLSX).model


def test_a_million_formatted_empty_rows_change_nothing(tmp_path: Path) -> None:
    path = tmp_path / "round.xlsx"
    member = _sheet_member(STATE_XLSX, "Cán bộ")

    def add_rows(xml: bytes) -> bytes:
        last = max(int(n) for n in re.findall(rb'<row r="(\d+)"', xml))
        rows = "".join(
            f'<row r="{n}" s="1" customFormat="1"><c r="A{n}" s="1"/></row>'
            for n in range(last + 1, 1_000_001)
        )
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:T1000000"/>', xml)
        return xml.replace(b"</sheetData>", rows.encode() + b"</sheetData>")

    _patch_zip(STATE_XLSX, path, member, add_rows)
    assert b'<row r="1000000"' in zipfile.ZipFile(path).read(member)
    result = _validate(path)
    assert result.exit_code == 0, result.output
    assert result.output == _validate(STATE_XLSX).output.replace(str(STATE_XLSX), str(path))


def test_a_value_far_away_in_a_contract_sheet_is_refused_plainly(tmp_path: Path) -> None:
    """A value at XFD1048576 would make the reader lay out 17 billion cells."""
    path = tmp_path / "round.xlsx"
    workbook = load_workbook(STATE_XLSX)
    workbook["Chức danh"]["XFD1048576"] = "x"
    workbook.save(path)
    message = (
        "the sheet has data down to row 1,048,576 and across to column XFD: docgen reads at most "
        "100,000 rows, 200 columns (up to GR) and 2,000,000 cells; delete the rows and columns "
        "beyond the round's data"
    )
    assert _only_error(path) == _coded(
        Location(str(path), ORDER["Chức danh"], "Chức danh"), message
    )
    assert load_round(path).model is None
    assert _validate(path).exit_code == 1


def test_a_value_far_away_in_a_sheet_not_read_is_only_ignored(tmp_path: Path) -> None:
    path = tmp_path / "round.xlsx"
    workbook = load_workbook(STATE_XLSX)
    workbook.create_sheet("Ghi chú")["XFD1048576"] = "notes"
    workbook.save(path)
    loaded = load_round(path)
    assert loaded.report.errors == []
    assert loaded.model == load_round(STATE_XLSX).model
    assert (
        _coded(Location(str(path)), "sheets ignored: “Ghi chú”", severity=Severity.WARNING)
        in loaded.report.problems
    )


def test_cells_without_a_reference_are_placed_by_counting(tmp_path: Path) -> None:
    """Some writers leave out the r attribute of cells; they follow the cell before them."""
    workbook = Workbook()
    workbook.active.title = "S"
    workbook.active["A1"] = "start"
    path, bare = tmp_path / "r.xlsx", tmp_path / "bare.xlsx"
    workbook.save(path)
    cells = (
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>start</t></is></c></row>'
        b'<row><c/><c><f>1+1</f></c><c t="e"><v>#REF!</v></c></row>'
        b'<row r="5"><c r="C5"><v>7</v></c><c><f>C5</f><v>7</v></c></row>'
    )
    _patch_zip(
        path,
        bare,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(
            rb"<sheetData>.*</sheetData>", b"<sheetData>" + cells + b"</sheetData>", xml, flags=re.S
        ),
    )
    sheet = read_workbook(bare).sheets[0]
    assert sheet.formulas_without_value == {(2, 2)}
    assert sheet.error_cells == {(2, 3): "#REF!"}
    assert sheet.rows[1][2] == "#REF!"
    assert sheet.rows[4][2:4] == (7, 7)


# --- duplicate sheets, formulas without a value, merged cells, error cells ------------------


def test_two_sheets_matching_one_contract_sheet_are_both_named(tmp_path: Path) -> None:
    path = tmp_path / "round.xlsx"
    workbook = load_workbook(STATE_XLSX)
    workbook.copy_worksheet(workbook["Kết quả"]).title = "kết quả "
    workbook.save(path)
    assert _only_error(path) == _coded(
        Location(str(path), ORDER["Kết quả"], "Kết quả"),
        "sheets “Kết quả” and “kết quả ” both match the sheet “Kết quả”: keep only one of them",
    )
    assert _validate(path).exit_code == 1


def test_a_formula_without_a_saved_value_is_reported_as_such(tmp_path: Path) -> None:
    """openpyxl writes formulas without a saved value, as a program that never ran Excel does."""
    path = tmp_path / "round.xlsx"
    workbook = load_workbook(STATE_XLSX)
    sheet = workbook["Cán bộ"]
    assert sheet["C1"].value == "Ngày sinh"
    sheet["C3"] = "=DATE(1975,6,1)"
    workbook.save(path)
    problem = _coded(
        Location(str(path), ORDER["Cán bộ"], "Cán bộ", 3, "C (Ngày sinh)"),
        "cell C3 holds a formula with no saved value: open the workbook in Excel and save it",
    )
    problems = load_round(path).report.problems
    assert problem in problems
    assert not [p for p in problems if p.location == problem.location and p != problem]
    result = _validate(path)
    assert result.exit_code == 1
    assert f"  {problem.code} {problem}" in result.output.splitlines()


def test_a_formula_with_a_saved_value_reads_its_value(tmp_path: Path) -> None:
    path = tmp_path / "round.xlsx"
    member = _sheet_member(STATE_XLSX, "Chức danh")

    def as_formula(xml: bytes) -> bytes:
        cell = re.search(rb'<c r="B2"[^>]*>(<v>\d+</v>)</c>', xml)
        assert cell is not None
        return xml.replace(cell.group(1), b"<f>1+1</f>" + cell.group(1))

    _patch_zip(STATE_XLSX, path, member, as_formula)
    assert b"<f>1+1</f>" in zipfile.ZipFile(path).read(member)
    assert load_round(path).model == load_round(STATE_XLSX).model


def test_merged_cells_are_reported_as_such(tmp_path: Path) -> None:
    path = tmp_path / "round.xlsx"
    workbook = load_workbook(STATE_XLSX)
    sheet = workbook["Kết quả"]
    assert [sheet[f"A{row}"].value for row in (1, 2, 3, 4)] == ["Bước", 1, 1, 1]
    sheet.merge_cells("A2:A4")
    workbook.save(path)
    problem = _coded(
        Location(str(path), ORDER["Kết quả"], "Kết quả", 2, "A (Bước)"),
        "cells A2:A4 are merged: only A2 holds the value; unmerge them and fill each cell",
    )
    assert _only_error(path) == problem
    result = _validate(path)
    assert result.exit_code == 1
    assert f"  {problem.code} {problem}" in result.output.splitlines()


def test_a_merged_title_over_columns_holding_nothing_is_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "round.xlsx"
    workbook = load_workbook(STATE_XLSX)
    sheet = workbook["Chức danh"]
    sheet["F1"] = "Ghi chú"
    sheet.merge_cells("F1:H1")
    workbook.save(path)
    loaded = load_round(path)
    assert loaded.report.errors == []
    assert loaded.model == load_round(STATE_XLSX).model


def test_an_error_cell_is_reported_as_such(tmp_path: Path) -> None:
    path = tmp_path / "round.xlsx"
    workbook = load_workbook(STATE_XLSX)
    workbook["Cán bộ"]["B4"] = "#N/A"  # openpyxl stores this as an error cell
    workbook.save(path)
    xml = zipfile.ZipFile(path).read(_sheet_member(path, "Cán bộ"))
    assert re.search(rb'<c r="B4"[^>]* t="e"><v>#N/A</v></c>', xml)
    assert _only_error(path) == _coded(
        Location(str(path), ORDER["Cán bộ"], "Cán bộ", 4, "B (Họ và tên)"),
        "cell B4 holds the Excel error #N/A: correct the formula or type the value",
    )


def test_a_formula_in_thong_tin_chung_names_its_item(tmp_path: Path) -> None:
    path = tmp_path / "round.xlsx"
    workbook = load_workbook(PARTY_EXAMPLE.with_suffix(".xlsx"))
    sheet = workbook["Thông tin chung"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet[f"A{r}"].value == "Cơ quan ban hành")
    sheet[f"B{row}"] = '=UPPER("x")'
    workbook.save(path)
    problem = _coded(
        Location(
            str(path), ORDER["Thông tin chung"], "Thông tin chung", row, "B (Cơ quan ban hành)"
        ),
        f"cell B{row} holds a formula with no saved value: open the workbook in Excel and save it",
    )
    assert _only_error(path) == problem


def test_a_huge_header_sheet_name_or_label_is_cut_in_messages(tmp_path: Path) -> None:
    book = load_workbook(STATE_XLSX)
    book["Cán bộ"].cell(row=1, column=40).value = "H" * 20_000
    book["Thông tin chung"].cell(row=30, column=1).value = "L" * 20_000
    book.create_sheet("S" * 31)
    path = tmp_path / "huge.xlsx"
    book.save(path)
    result = _validate(path)
    assert result.exit_code == 0, result.output
    assert "H" * 81 not in result.output and "L" * 81 not in result.output
    assert "(20,000 characters)" in result.output
