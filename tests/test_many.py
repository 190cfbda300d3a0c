"""Any number of titles, people and steps the contract allows (issue 9, point 7): numerals and
labels are generated, never taken from a fixed list."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from docgen.cli import main

GIVEN = ["An", "Bảo", "Cường", "Dũng", "Giang", "Hải", "Khoa", "Lâm", "Minh", "Nam", "Phúc", "Quân"]


def _with_extra_titles(data: dict[str, Any], extra: int) -> dict[str, Any]:
    """The State example plus ``extra`` titles, each with one invented person who passes it."""
    data = copy.deepcopy(data)
    model = next(c for c in data["cadres"] if c["full_name"] == "Quàng Văn Hùng")
    for number in range(1, extra + 1):
        title = f"Phó Chánh Văn phòng phụ trách lĩnh vực {number}"
        name = f"Nguyễn Văn {GIVEN[number - 1]}"
        data["titles"].append({"name": title, "quota": 1, "source_1": ["Chuyên viên"]})
        data["cadres"].append(model | {"code": f"X{number:02d}", "full_name": name})
        for step, votes in ((2, 26), (3, 13), (4, 5)):
            data["results"].append(
                {"step": step, "title": title, "person": name, "votes_for": votes}
            )
    return data


def test_a_round_of_14_titles_gives_a_dossier_numbering_them_past_xii(
    tmp_path: Path, state_data: dict[str, Any], write_round: Callable[..., Path]
) -> None:
    path = write_round(_with_extra_titles(state_data, 12))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["dossier", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    record = json.loads((out / "decisions.json").read_text(encoding="utf-8"))
    assert len(record["titles"]) == 14
    assert record["titles"][-1]["proposed"] == ["Nguyễn Văn Quân"]
    import docx

    text = "\n".join(
        cell.text
        for table in docx.Document(str(out / "06-bieu-tong-hop-ra-soat.docx")).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "XIII" in text and "XIV" in text
