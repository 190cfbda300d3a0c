"""Messages in Vietnamese by default, English on request; a stable code for every problem."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner
from openpyxl import load_workbook

from docgen import i18n
from docgen.cli import main
from docgen.codes import CODES
from docgen.errors import Location, Problem, Report, Severity

from .conftest import ROOT, STATE_EXAMPLE

LOCALE = ROOT / "docgen" / "locale"
PO = LOCALE / "vi" / "LC_MESSAGES" / "docgen.po"
MO = PO.with_suffix(".mo")
CODE = re.compile(r"^  ([EW]\d{4}) ", re.MULTILINE)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """The State example with an impossible birth date, a gender that is not one of the list
    and a word where the number convened goes."""
    target = tmp_path / "hong.xlsx"
    workbook = load_workbook(STATE_EXAMPLE.with_suffix(".xlsx"))
    workbook["Cán bộ"]["C2"] = "31/02/1980"
    workbook["Cán bộ"]["D3"] = "Nan"
    workbook["Hội nghị"]["K2"] = "năm"
    workbook.save(target)
    return target


def _validate(path: Path, *options: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(main, [*options, "validate", str(path)], env=env)
    assert result.exit_code == 1, result.output
    return result.output


@pytest.mark.vietnamese
def test_validate_speaks_vietnamese_by_default(broken: Path) -> None:
    output = _validate(broken)
    assert output.startswith("3 lỗi, 1 cảnh báo\n"), output
    assert (
        f"  E0303 tệp {broken}, trang tính “Cán bộ”, dòng 2, cột C (Ngày sinh): lỗi: "
        "không phải ngày; cần một ngày có thật (dd/mm/yyyy, mm/yyyy hoặc yyyy), "
        "thấy “31/02/1980”"
    ) in output
    assert "trang tính “Hội nghị”, dòng 2, cột K (Triệu tập): lỗi: giá trị không hợp lệ" in output
    for english in ("row ", "column ", "error", "expected", "found"):
        assert english not in output, output


@pytest.mark.vietnamese
@pytest.mark.parametrize(
    ("options", "env"),
    [
        (("--lang", "en"), {}),
        ((), {"DOCGEN_LANG": "en"}),
        ((), {"LANG": "en_US.UTF-8"}),
        ((), {"LC_ALL": "en_GB.UTF-8", "LANG": "vi_VN.UTF-8"}),
    ],
)
def test_english_on_request(broken: Path, options: tuple[str, ...], env: dict[str, str]) -> None:
    output = _validate(broken, *options, env=env)
    assert output.startswith("3 errors, 1 warning\n"), output
    assert (
        "sheet “Cán bộ”, row 2, column C (Ngày sinh): error: not a date; expected a real date "
        "(dd/mm/yyyy, mm/yyyy or yyyy), found “31/02/1980”"
    ) in output


@pytest.mark.vietnamese
@pytest.mark.parametrize(
    ("options", "env"),
    [
        (("--lang", "vi"), {"DOCGEN_LANG": "en"}),
        ((), {"DOCGEN_LANG": "vi", "LANG": "en_US.UTF-8"}),
        ((), {"LANG": "fr_FR.UTF-8"}),
        ((), {"LANG": "C.UTF-8"}),
    ],
)
def test_vietnamese_wins_where_asked_or_by_default(
    broken: Path, options: tuple[str, ...], env: dict[str, str]
) -> None:
    assert _validate(broken, *options, env=env).startswith("3 lỗi, 1 cảnh báo\n")


def test_language_from_environment() -> None:
    assert i18n.language_from_environment({}) == "vi"
    assert i18n.language_from_environment({"DOCGEN_LANG": "xx", "LANG": "en_US"}) == "en"
    assert i18n.language_from_environment({"LANGUAGE": "vi:en", "LANG": "en_US"}) == "vi"
    assert i18n.language_from_environment({"LANGUAGE": "en_AU:vi"}) == "en"
    with pytest.raises(ValueError, match="unknown language"):
        i18n.set_language("fr")


def test_codes_of_known_cases_are_stable(broken: Path) -> None:
    """Scripts match these codes: they never change meaning."""
    output = _validate(broken, "--lang", "en")
    assert CODE.findall(output) == ["E0303", "E0301", "E0301", "W0501"], output
    assert CODES["E0303"] == "not a date"
    assert CODES["E0301"] == "invalid value"
    assert CODES["E0302"] == "required value is missing"
    assert CODES["E0201"] == "sheet is missing"


def test_every_problem_has_a_code() -> None:
    where = Location("a.xlsx", 1, "Cán bộ", 2, "C (Ngày sinh)")
    assert Problem(where, "x").code == "E0000"
    assert Problem(where, "x", severity=Severity.WARNING).code == "W0000"
    report = Report([Problem(where, "x", code="E0303")])
    assert report.render().splitlines()[1].startswith("  E0303 a.xlsx, sheet “Cán bộ”, row 2")
    assert report.problems[0].as_dict()["code"] == "E0303"
    assert report.problems[0].as_dict()["row"] == 2


def test_no_code_names_two_messages_and_codes_are_well_formed() -> None:
    assert all(re.fullmatch(r"[EW]0[1-9]\d\d", code) for code in CODES), CODES
    messages = list(CODES.values())
    assert len(set(messages)) == len(messages), "one message under two codes"
    source = (ROOT / "docgen" / "codes.py").read_text(encoding="utf-8")
    keys = [
        key.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Dict)
        for key in node.keys
        if isinstance(key, ast.Constant)
    ]
    assert len(keys) == len(set(keys)), "a code written twice in docgen/codes.py"


def _catalogue():  # type: ignore[no-untyped-def]
    with PO.open("rb") as stream:
        return read_po(stream, locale="vi")


def test_every_message_has_a_vietnamese_translation() -> None:
    with (LOCALE / "docgen.pot").open("rb") as stream:
        template = read_po(stream)
    catalogue = _catalogue()
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalogue
        if m.id
        and all(m.string if isinstance(m.string, tuple) else (m.string,))
        and "fuzzy" not in m.flags
    }
    assert set(CODES.values()) <= ids, "docgen/locale/docgen.pot is older than docgen/codes.py"
    assert sorted(ids - translated) == []


def test_placeholders_survive_translation() -> None:
    field = re.compile(r"\{(\w*)\}")
    for message in _catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            assert set(field.findall(string)) == set(field.findall(ids[-1])), message.id


def test_compiled_catalogue_is_up_to_date() -> None:
    """docgen/locale/vi/LC_MESSAGES/docgen.mo is docgen.po compiled (pybabel compile)."""
    import io

    compiled = io.BytesIO()
    write_mo(compiled, _catalogue())
    catalogue = i18n.translations.__wrapped__("vi")
    for message in _catalogue():
        if message.id and isinstance(message.id, str):
            assert catalogue.gettext(message.id) == (message.string or message.id), message.id
    assert MO.read_bytes() == compiled.getvalue(), "run pybabel compile (docs/ma-loi.md)"


def test_codes_table_in_the_docs_is_up_to_date() -> None:
    from docgen.codes import codes_table

    table = (ROOT / "docs" / "ma-loi.md").read_text(encoding="utf-8")
    assert table == codes_table(), "run: .venv/bin/python -m docgen.codes > docs/ma-loi.md"
    assert "| E0303 | không phải ngày | not a date |" in table


def _vietnamese_lines(path: Path) -> list[str]:
    """The problem lines of ``docgen validate path`` in the default language (Vietnamese)."""
    return [line for line in _validate(path).splitlines() if CODE.match(line + " ")]


@pytest.mark.vietnamese
def test_file_problems_speak_vietnamese_with_their_code(tmp_path: Path) -> None:
    empty = tmp_path / "trong.xlsx"
    empty.write_bytes(b"")
    (line,) = _vietnamese_lines(empty)
    assert line.startswith(f"  E0102 tệp {empty}: lỗi: tệp trống"), line
    assert "Excel" in line

    old = tmp_path / "cu.xlsx"
    old.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + "Workbook".encode("utf-16-le") * 8)
    (line,) = _vietnamese_lines(old)
    assert line.startswith("  E0106 ") and "lưu lại dưới dạng .xlsx" in line, line


@pytest.mark.vietnamese
@pytest.mark.parametrize(
    ("suffix", "code"), [(".xls", "E0106"), (".ods", "E0112"), (".pdf", "E0113")]
)
def test_a_file_of_another_kind_says_how_to_save_it_as_xlsx(
    tmp_path: Path, suffix: str, code: str
) -> None:
    path = tmp_path / f"dot{suffix}"
    path.write_bytes(b"x")
    (line,) = _vietnamese_lines(path)
    assert line.startswith(f"  {code} tệp {path}: lỗi: "), line
    assert ".xlsx" in line and "lưu lại" in line, line


@pytest.mark.vietnamese
def test_data_file_problems_speak_vietnamese(tmp_path: Path) -> None:
    path = tmp_path / "dot.yaml"
    path.write_text("info:\n  place: a\n  place: b\n", encoding="utf-8")
    (line,) = _vietnamese_lines(path)
    assert line.startswith(f"  E0120 tệp {path}: lỗi: một trường được ghi hai lần"), line
    assert "ở dòng 3" in line and "chỉ giữ lại một" in line, line


@pytest.mark.vietnamese
def test_cell_problems_speak_vietnamese_with_their_code(tmp_path: Path) -> None:
    target = tmp_path / "cong-thuc.xlsx"
    workbook = load_workbook(STATE_EXAMPLE.with_suffix(".xlsx"))
    workbook["Cán bộ"]["C2"] = "=DATE(1980,1,1)"  # openpyxl saves no value for a formula
    workbook.create_sheet("Ghi chú")["A1"] = "x"
    workbook.save(target)
    lines = _vietnamese_lines(target)
    formula = [line for line in lines if line.startswith("  E0310 ")]
    assert len(formula) == 1, lines
    assert "dòng 2" in formula[0] and "ô C2 chứa công thức" in formula[0], formula
    ignored = [line for line in lines if line.startswith("  W0201 ")]
    assert ignored and "trang tính bị bỏ qua: “Ghi chú”" in ignored[0], lines


def test_a_renamed_required_column_is_one_error_not_one_per_row(tmp_path: Path) -> None:
    target = tmp_path / "doi-ten.xlsx"
    workbook = load_workbook(STATE_EXAMPLE.with_suffix(".xlsx"))
    sheet = workbook["Cán bộ"]
    header = next(cell for cell in sheet[1] if cell.value == "Ngày sinh")
    header.value = "Ngày sinh ra"
    rows = sum(1 for row in sheet.iter_rows(min_row=2) if any(c.value for c in row))
    assert rows > 1  # else one error per row would be one error too
    workbook.save(target)
    output = _validate(target, "--lang", "en")
    assert CODE.findall(output).count("E0302") == 0, output
    missing = [line for line in output.splitlines() if line.startswith("  E0203 ")]
    assert len(missing) == 1, output
    assert "“Ngày sinh”" in missing[0] and "rename “Ngày sinh ra” to “Ngày sinh”" in missing[0]
    assert output.startswith("1 error,"), output


@pytest.mark.vietnamese
def test_the_tie_warning_speaks_vietnamese_and_names_no_seed_part(
    state_data: dict, write_round: Callable[..., Path]
) -> None:
    from docgen.validate import validate_path

    tied = next(
        r for r in state_data["results"] if r["step"] == 4 and r["person"] == "Trần Thị Mai"
    )
    tied["head_choice"] = None
    report = validate_path(write_round(state_data)).report
    (tie,) = [p for p in report.warnings if p.code == "W0503"]
    text = str(tie)
    assert "bằng phiếu ở vị trí cuối" in text and "Phạm Văn Ân, Trần Thị Mai" in text, text
    assert "người đứng đầu đơn vị quyết định, docgen không quyết định thay" in text, text
    assert "seed" not in text and "B.II" not in text, text


@pytest.mark.vietnamese
def test_counting_invariants_speak_vietnamese(tmp_path: Path) -> None:
    target = tmp_path / "dem.xlsx"
    workbook = load_workbook(STATE_EXAMPLE.with_suffix(".xlsx"))
    sheet = workbook["Hội nghị"]
    header = {cell.value: cell.column_letter for cell in sheet[1]}
    convened = sheet[f"{header['Triệu tập']}2"].value
    sheet[f"{header['Có mặt']}2"] = convened + 5
    workbook.save(target)
    lines = [line for line in _vietnamese_lines(target) if line.startswith("  E0401 ")]
    assert len(lines) == 1, _validate(target)
    assert "dòng 2" in lines[0] and "số người có mặt nhiều hơn số người được triệu tập" in lines[0]


@pytest.mark.vietnamese
def test_cross_sheet_checks_speak_vietnamese_with_their_code(tmp_path: Path) -> None:
    target = tmp_path / "tham-chieu.xlsx"
    workbook = load_workbook(STATE_EXAMPLE.with_suffix(".xlsx"))
    sheet = workbook["Kết quả"]
    header = {cell.value: cell.column_letter for cell in sheet[1]}
    sheet[f"{header['Chức danh']}2"] = "Trưởng phòngg"
    sheet[f"{header['Họ và tên']}3"] = "Cầm Thị Hoà"
    workbook.save(target)
    lines = _vietnamese_lines(target)
    (title,) = [line for line in lines if line.startswith("  E0328 ")]
    assert "dòng 2" in title and "không có chức danh này" in title, lines
    assert "“Trưởng phòngg”" in title and "cần một trong" in title, title
    (person,) = [line for line in lines if line.startswith("  E0329 ")]
    assert "không có cán bộ này" in person and "có phải là “Cầm Thị Hoa”?" in person, person
    for english in ("unknown", "one of", "did you mean"):
        assert english not in "\n".join(lines), lines


def test_cross_sheet_codes_are_stable() -> None:
    assert CODES["E0328"] == "unknown title"
    assert CODES["E0329"] == "unknown cadre"
    assert CODES["E0314"] == "unknown procedure"
    assert CODES["E0337"] == "impossible date for this round"


@pytest.mark.vietnamese
def test_the_round_summary_and_choices_speak_vietnamese(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(STATE_EXAMPLE.with_suffix(".xlsx"))])
    assert result.exit_code == 0, result.output
    (summary,) = [line for line in result.output.splitlines() if line.startswith("đợt: ")]
    assert summary.endswith(", đã xong"), summary
    assert "complete" not in result.output

    target = tmp_path / "lua-chon.xlsx"
    workbook = load_workbook(STATE_EXAMPLE.with_suffix(".xlsx"))
    workbook["Cán bộ"]["D3"] = "Nan"
    workbook.save(target)
    (gender,) = [line for line in _vietnamese_lines(target) if "dòng 3, cột D" in line]
    assert "cần một trong " in gender and "one of" not in gender, gender


def _open_tie(state_data: dict) -> dict:
    """The State example with the head's choice removed: a tie at step 4 for the last place of
    Phó Trưởng phòng."""
    import copy

    data = copy.deepcopy(state_data)
    for result in data["results"]:
        result.pop("head_choice", None)
    return data


@pytest.mark.vietnamese
def test_status_and_the_waiting_dossier_speak_vietnamese(
    state_data: dict, write_round: Callable[..., Path], tmp_path: Path
) -> None:
    path = write_round(_open_tie(state_data))
    status = CliRunner().invoke(main, ["status", str(path)])
    assert status.exit_code == 0, status.output
    assert "  bước 4: " in status.output and "đã kiểm phiếu" in status.output, status.output
    assert "chờ người đứng đầu lựa chọn: Phó Trưởng phòng: Phạm Văn Ân và Trần Thị Mai" in (
        status.output
    )
    assert "(số lượng 2): giữ lại Sùng A Páo;" in status.output, status.output
    for english in ("step ", "waiting", "kept", "proposed", "quota"):
        assert english not in status.output, status.output

    dossier = CliRunner().invoke(main, ["dossier", str(path), "--out", str(tmp_path / "hs")])
    assert dossier.exit_code == 1, dossier.output
    codes = CODE.findall(dossier.output)
    assert codes.count("E0601") == 1 and "W0503" not in codes, dossier.output  # the tie once
    (tie,) = [line for line in dossier.output.splitlines() if line.startswith("  E0601 ")]
    assert "hồ sơ chờ người đứng đầu lựa chọn khi bằng phiếu ở chức danh" in tie, tie
    assert "docgen minutes" in tie and "--step 4" in tie, tie


def test_papers_codes_are_stable() -> None:
    assert CODES["E0601"].startswith("the dossier waits for the head's choice")
    assert CODES["E0606"].startswith("the round is not complete")


@pytest.mark.vietnamese
def test_a_folder_holding_other_files_is_refused_in_vietnamese(tmp_path: Path) -> None:
    out = tmp_path / "ho-so"
    out.mkdir()
    (out / "ghi-chu.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["dossier", str(STATE_EXAMPLE.with_suffix(".xlsx")), "--out", str(out)]
    )
    assert result.exit_code == 4, result.output
    assert f"{out} có 1 mục không do docgen ghi hoặc đã bị sửa" in result.output, result.output
    assert "  ghi-chu.txt: không do docgen ghi" in result.output, result.output
    assert "not written" not in result.output and "holds" not in result.output, result.output
    assert (out / "ghi-chu.txt").read_text(encoding="utf-8") == "x"


@pytest.mark.vietnamese
def test_batch_report_and_its_input_problems_speak_vietnamese(tmp_path: Path) -> None:
    inputs = tmp_path / "vao"
    inputs.mkdir()
    (inputs / "trong.xlsx").write_bytes(b"")
    result = CliRunner().invoke(
        main, ["batch", str(inputs), "--out", str(tmp_path / "ra"), "--jobs", "1"]
    )
    assert result.exit_code == 1, result.output
    assert "đơn vị: 1 (0 đã làm, 0 không đổi nên bỏ qua, 1 không làm được)" in result.output
    assert "số văn bản đã ghi: 0" in result.output, result.output
    assert f"KHÔNG LÀM ĐƯỢC trong ({inputs / 'trong.xlsx'}):" in result.output, result.output
    assert "units:" not in result.output and "FAILED" not in result.output, result.output

    empty = tmp_path / "rong"
    empty.mkdir()
    refused = CliRunner().invoke(main, ["batch", str(empty), "--out", str(tmp_path / "ra2")])
    assert refused.exit_code == 1, refused.output
    (line,) = [line for line in refused.output.splitlines() if CODE.match(line + " ")]
    assert line.startswith(f"  E0702 tệp {empty}: lỗi: không tìm thấy đợt nào"), line
