"""The command line through click's CliRunner: exit codes and what is printed and written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen.cli import main

from .conftest import PARTY_EXAMPLE, ROOT, STATE_EXAMPLE


def test_init_writes_an_empty_workbook_that_loads(tmp_path: Path) -> None:
    runner = CliRunner()
    path = tmp_path / "new.xlsx"
    result = runner.invoke(main, ["init", str(path)])
    assert result.exit_code == 0, result.output
    assert path.exists()
    again = runner.invoke(main, ["init", str(path)])
    assert again.exit_code == 2 and "--force" in again.output


def test_an_empty_workbook_reports_the_missing_facts(tmp_path: Path) -> None:
    runner = CliRunner()
    path = tmp_path / "new.xlsx"
    runner.invoke(main, ["init", str(path)])
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith("11 errors")
    assert (
        "sheet “Thông tin chung”, row 2, column B (Khối): error: required value is missing"
        in result.output
    )


def test_schema_is_json_schema_of_the_round() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["title"] == "RoundInput"
    assert {"info", "cadres", "titles", "conferences", "results"} <= set(schema["properties"])


def test_validate_prints_warnings_and_exits_zero() -> None:
    result = CliRunner().invoke(main, ["validate", str(STATE_EXAMPLE.with_suffix(".xlsx"))])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("0 errors, 1 warning")
    assert "Phó Trưởng phòng: proposed Quàng Văn Hùng, Trần Thị Mai" in result.output


def test_validate_exits_one_on_errors(state_data: dict, write_round) -> None:  # type: ignore[no-untyped-def]
    state_data["conferences"][0]["present"] = 6
    result = CliRunner().invoke(main, ["validate", str(write_round(state_data))])
    assert result.exit_code == 1
    assert "more people present than people convened" in result.output


def test_dossier_writes_the_documents(tmp_path: Path) -> None:
    out = tmp_path / "dossier"
    result = CliRunner().invoke(
        main, ["dossier", str(PARTY_EXAMPLE.with_suffix(".xlsx")), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert (out / ".docgen-manifest.json").is_file()
    assert names[:7] == [
        "01-to-trinh.docx",
        "02-bien-ban-kiem-phieu-buoc-3.docx",
        "03-bien-ban-kiem-phieu-buoc-4.docx",
        "04-bien-ban-kiem-phieu-buoc-5.docx",
        "05-bieu-tong-hop-nhiem-ky-ke-tiep.docx",
        "06-danh-sach-trich-ngang.docx",
        "07-thong-ke-co-cau.docx",
    ]
    assert "ke-hoach" not in " ".join(names)  # this workbook carries no "Kế hoạch"
    assert names[-1] == "decisions.json"
    assert len([n for n in names if re.match(r"\d+-phieu-buoc-", n)]) == 9  # 3 steps × 3 titles


def test_dossier_refuses_a_foreign_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    result = CliRunner().invoke(main, ["dossier", str(STATE_EXAMPLE), "--out", str(tmp_path)])
    assert result.exit_code == 4
    assert (tmp_path / "mine.txt").read_text() == "keep me"


def test_export_converts_yaml_to_workbook_and_back(tmp_path: Path) -> None:
    runner = CliRunner()
    xlsx, back = tmp_path / "r.xlsx", tmp_path / "r.yaml"
    assert runner.invoke(main, ["export", str(STATE_EXAMPLE), str(xlsx)]).exit_code == 0
    assert runner.invoke(main, ["export", str(xlsx), str(back)]).exit_code == 0
    assert runner.invoke(main, ["validate", str(back)]).exit_code == 0


def test_readme_command_reference_matches_the_cli() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `docgen ([a-z-]+)", readme, flags=re.MULTILINE))
    assert documented == set(main.commands)
    for name, command in main.commands.items():
        assert (command.help or "").split("\n")[0].strip() in readme, name


def test_ballots_and_plan_write_pdf_when_asked(tmp_path: Path) -> None:
    from pypdf import PdfReader

    runner = CliRunner()
    workbook = str(STATE_EXAMPLE.with_suffix(".xlsx"))
    ballots = runner.invoke(
        main,
        [
            "ballots",
            workbook,
            "--step",
            "1",
            "--out",
            str(tmp_path),
            "--copies",
            "3",
            "--format",
            "docx,pdf",
        ],
    )
    assert ballots.exit_code == 0, ballots.output
    pdf = tmp_path / "phieu-buoc-1-truong-phong.pdf"
    assert len(PdfReader(str(pdf)).pages) == 3  # copies are pages of one file
    assert (tmp_path / "phieu-buoc-1-truong-phong.docx").exists()
    plan = runner.invoke(
        main, ["plan", workbook, "--out", str(tmp_path / "plan"), "--format", "pdf"]
    )
    assert plan.exit_code == 0, plan.output
    assert sorted(p.name for p in (tmp_path / "plan").iterdir()) == [
        ".docgen-manifest.json",
        "ke-hoach.pdf",
    ]


def test_an_internal_error_exits_5_with_a_short_message_and_saves_the_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import docgen.validate

    def broken(path: Path) -> None:
        raise KeyError("x" * 5000)

    monkeypatch.setattr(docgen.validate, "validate_path", broken)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    result = CliRunner().invoke(main, ["validate", str(STATE_EXAMPLE)])
    assert result.exit_code == 5, result.output
    assert "internal error (a bug in docgen, not in your input): KeyError" in result.output
    assert "Traceback" not in result.output and len(result.output) < 600
    saved = list((tmp_path / "cache" / "docgen" / "errors").glob("docgen-error-*.txt"))
    assert len(saved) == 1 and str(saved[0]) in result.output
    text = saved[0].read_text(encoding="utf-8")
    assert "Traceback" in text and "KeyError" in text and "docgen " in text


def test_a_file_system_error_nobody_caught_is_an_environment_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import docgen.validate

    def full(path: Path) -> None:
        raise OSError(28, "No space left on device", str(tmp_path / "x"))

    monkeypatch.setattr(docgen.validate, "validate_path", full)
    result = CliRunner().invoke(main, ["validate", str(STATE_EXAMPLE)])
    assert result.exit_code == 4, result.output
    assert "No space left on device" in result.output and "Traceback" not in result.output


def test_export_never_overwrites_a_file_unless_told(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "mine.yaml"
    target.write_text("the user's own notes\n", encoding="utf-8")
    refused = runner.invoke(main, ["export", str(STATE_EXAMPLE), str(target)])
    assert refused.exit_code == 2 and "--force" in refused.output
    assert target.read_text(encoding="utf-8") == "the user's own notes\n"
    forced = runner.invoke(main, ["export", str(STATE_EXAMPLE), str(target), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "info:" in target.read_text(encoding="utf-8")


def test_help_lists_the_exit_codes_of_the_readme() -> None:
    text = " ".join(CliRunner().invoke(main, ["--help"]).output.split())
    for code in range(6):
        assert f"{code} " in text.split("Exit codes:")[1]
    assert "5 internal error" in text
