"""A round driven end to end, as an office would: plan → ballots of step 1 → results entered →
ballots of step 2 → … → dossier, on the State example (issue #3, "Done when")."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from docgen.cli import main

from .test_dossier import docx_text


def _names_on(path: Path) -> list[str]:
    """Candidate names printed on the first copy of a ballot, in print order."""
    text = docx_text(path)
    first_copy = text.split("Phiếu không phải ký tên")[0]
    rows = [line.split(" | ") for line in first_copy.splitlines() if " | " in line]
    return [cells[1] for cells in rows if cells[0].isdigit() and cells[1]]


def test_a_round_from_plan_to_dossier(
    state_data: dict[str, Any], write_round, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    full = copy.deepcopy(state_data)
    data = copy.deepcopy(state_data)
    data["results"], data["conferences"] = [], []

    def run(*args: str) -> str:
        result = runner.invoke(main, list(args))
        assert result.exit_code == 0, result.output
        return result.output

    path = write_round(data)
    run("plan", str(path), "--out", str(tmp_path / "plan"))
    assert "next: step 1" in run("status", str(path))

    # Step 1: the removal ballot lists those currently planned, in name order.
    run("ballots", str(path), "--step", "1", "--out", str(tmp_path / "b1"), "--copies", "5")
    assert _names_on(tmp_path / "b1" / "phieu-buoc-1-truong-phong.docx") == [
        "Đỗ Minh Đức",
        "Lò Văn Thành",
    ]
    assert (
        docx_text(tmp_path / "b1" / "phieu-buoc-1-truong-phong.docx").count(
            "PHIẾU BIỂU QUYẾT ĐƯA RA KHỎI QUY HOẠCH"
        )
        == 5
    )

    for step in (1, 2, 3, 4):
        data["conferences"].append(next(c for c in full["conferences"] if c["step"] == step))
        data["results"] += [r for r in full["results"] if r["step"] == step]
        path = write_round(data)
        status = run("status", str(path))
        assert f"step {step}: " in status and "counted" in status
        following = step + 1
        if following > 4:
            break
        out = tmp_path / f"b{following}"
        run("ballots", str(path), "--step", str(following), "--out", str(out))
        if following == 3:
            # Those who passed step 2 and are eligible: not Nguyễn Văn Bình (age), not the two
            # below 30 %; in Vietnamese name order (Ân after Anh, Đ after D).
            assert _names_on(out / "phieu-buoc-3-pho-truong-phong.docx") == [
                "Phạm Văn Ân",
                "Quàng Văn Hùng",
                "Hà Thị Lan",
                "Trần Thị Mai",
                "Lường Văn Tâm",
            ]
            assert _names_on(out / "phieu-buoc-3-truong-phong.docx") == [
                "Cầm Thị Hoa",
                "Bạc Thị Ly",
            ]

    assert "the round is complete" in run("status", str(path))
    run("dossier", str(path), "--out", str(tmp_path / "dossier"))
    assert (tmp_path / "dossier" / "01-to-trinh.docx").exists()


def test_discovery_ballot_offers_eligible_sources_and_write_in_rows(
    state_data: dict[str, Any], write_round, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    state_data["results"] = [r for r in state_data["results"] if r["step"] == 1]
    state_data["conferences"] = [c for c in state_data["conferences"] if c["step"] == 1]
    path = write_round(state_data)
    result = CliRunner().invoke(
        main, ["ballots", str(path), "--step", "2", "--out", str(tmp_path), "--copies", "1"]
    )
    assert result.exit_code == 0, result.output
    text = docx_text(tmp_path / "phieu-buoc-2-truong-phong.docx")
    names = _names_on(tmp_path / "phieu-buoc-2-truong-phong.docx")
    assert "Nguyễn Văn Bình" not in names  # 36 months left: not eligible, never offered
    assert "Đỗ Minh Đức" not in names  # already planned (and disciplined)
    assert "Cầm Thị Hoa" in names and "Bạc Thị Ly" in names
    assert "PHIẾU GIỚI THIỆU NHÂN SỰ QUY HOẠCH" in text
    assert "ghi họ và tên, chức vụ vào dòng trống" in text
    blank_rows = [line for line in text.splitlines() if line.split(" | ")[1:3] == ["", ""]]
    assert len(blank_rows) == 3


def test_ballots_of_a_preparation_step_are_refused(
    party_data: dict[str, Any], write_round, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(
        main, ["ballots", str(write_round(party_data)), "--step", "2", "--out", str(tmp_path / "x")]
    )
    assert result.exit_code == 1
    assert (
        "step 2 has no ballots; expected a voting step of the procedure (3, 4, 5)" in result.output
    )
    assert not (tmp_path / "x").exists()
