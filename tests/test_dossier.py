"""The dossier end to end: golden text of every paper of both examples, decisions.json, templates.

Golden files hold the text of every paragraph and table cell of each DOCX (headers included), in
document order, so a diff reads like the paper. Regenerate with `pytest --update-golden` and
review the diff like code.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from docgen.checks import check_templates
from docgen.dossier import build_dossier
from docgen.errors import InputError
from docgen.output import write_files

from .conftest import PARTY_EXAMPLE, STATE_EXAMPLE

GOLDEN = Path(__file__).parent / "golden"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(path: Path) -> str:
    """Text of the document body, one line per paragraph; table cells joined with " | "."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    nested = [t for t in root.iter(f"{W}t") if len(t)]
    assert not nested, f"{path.name}: markup inside a text element (a rich value in a plain tag)"
    lines: list[str] = []

    def paragraph_text(p: etree._Element) -> str:
        return "".join(t.text or "" for t in p.iter(f"{W}t"))

    def walk(element: etree._Element) -> None:
        for child in element:
            if child.tag == f"{W}p":
                lines.append(paragraph_text(child))
            elif child.tag == f"{W}tbl":
                for row in child.iter(f"{W}tr"):
                    cells = [
                        " / ".join(paragraph_text(p) for p in cell.iter(f"{W}p"))
                        for cell in row.findall(f"{W}tc")
                    ]
                    lines.append(" | ".join(cells))

    walk(root.find(f"{W}body"))
    return "\n".join(line.rstrip() for line in lines).rstrip() + "\n"


@pytest.mark.parametrize("example", [STATE_EXAMPLE, PARTY_EXAMPLE], ids=["state", "party"])
def test_dossier_matches_golden_text(example: Path, tmp_path: Path, update_golden: bool) -> None:
    workbook = example.with_suffix(".xlsx")
    out = tmp_path / "dossier"
    result = build_dossier(workbook, out)
    golden = GOLDEN / example.stem
    produced = {name: docx_text(out / name) for name in result.files if name.endswith(".docx")}
    record = json.loads((out / "decisions.json").read_text(encoding="utf-8"))
    produced["decisions.json"] = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
    if update_golden:
        golden.mkdir(parents=True, exist_ok=True)
        for old in golden.iterdir():
            old.unlink()
        for name, text in produced.items():
            (golden / (name if name.endswith(".json") else f"{name}.txt")).write_text(
                text, encoding="utf-8"
            )
    expected = sorted(p.name for p in golden.iterdir())
    assert expected == sorted(n if n.endswith(".json") else f"{n}.txt" for n in produced)
    for name, text in produced.items():
        file = golden / (name if name.endswith(".json") else f"{name}.txt")
        assert text == file.read_text(encoding="utf-8"), f"{name} differs from {file}"


def test_decisions_record_has_the_audit_fields(tmp_path: Path) -> None:
    build_dossier(STATE_EXAMPLE.with_suffix(".xlsx"), tmp_path / "d")
    record = json.loads((tmp_path / "d" / "decisions.json").read_text(encoding="utf-8"))
    assert len(record["input"]["sha256"]) == 64
    titles = {t["title"]: t for t in record["titles"]}
    deputy = titles["Phó Trưởng phòng"]
    assert deputy["proposed"] == ["Quàng Văn Hùng", "Trần Thị Mai"]
    assert deputy["tie"]["chosen_by_head"] == ["Trần Thị Mai"]
    assert titles["Trưởng phòng"]["removed"] == ["Đỗ Minh Đức"]
    lan = next(c for c in deputy["candidates"] if c["name"] == "Hà Thị Lan")
    assert lan["steps"][1] == {
        "step": 3,
        "votes": 7,
        "votes_against": None,
        "head_choice": False,
        "not_proposed_reason": None,
        "base": 14,
        "base_kind": "present",
        "percent": "50",
        "percent_text": "50,00",
        "passed": False,
    }
    assert lan["outcome"] == "not_passed"
    documents = [d["file"] for d in record["documents"]]
    assert documents == [
        "01-to-trinh.docx",
        "02-bien-ban-kiem-phieu-buoc-1.docx",
        "03-bien-ban-kiem-phieu-buoc-2.docx",
        "04-bien-ban-kiem-phieu-buoc-3.docx",
        "05-bien-ban-kiem-phieu-buoc-4.docx",
        "06-bieu-tong-hop-ra-soat.docx",
        "07-danh-sach-trich-ngang.docx",
        "08-thong-ke-co-cau.docx",
        "09-ke-hoach.docx",
        "10-phieu-buoc-1-truong-phong.docx",
        "11-phieu-buoc-1-pho-truong-phong.docx",
        "12-phieu-buoc-2-truong-phong.docx",
        "13-phieu-buoc-2-pho-truong-phong.docx",
        "14-phieu-buoc-3-truong-phong.docx",
        "15-phieu-buoc-3-pho-truong-phong.docx",
        "16-phieu-buoc-4-truong-phong.docx",
        "17-phieu-buoc-4-pho-truong-phong.docx",
    ]


def test_an_invalid_round_writes_nothing(state_data: dict, write_round, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    state_data["conferences"][1]["present"] = 40
    out = tmp_path / "never"
    with pytest.raises(InputError):
        build_dossier(write_round(state_data), out)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["round.yaml"]


def test_an_incomplete_round_writes_nothing(state_data: dict, write_round, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    state_data["results"] = [r for r in state_data["results"] if r["step"] < 4]
    state_data["conferences"] = [c for c in state_data["conferences"] if c["step"] < 4]
    out = tmp_path / "never"
    with pytest.raises(InputError, match="not complete"):
        build_dossier(write_round(state_data), out)
    assert not out.exists()


def test_a_rerun_replaces_the_previous_dossier_whole(tmp_path: Path) -> None:
    out = tmp_path / "d"
    build_dossier(STATE_EXAMPLE, out)
    write_files(out, [("stale.docx", b"old")])  # docgen's own file (in the manifest), now stale
    build_dossier(STATE_EXAMPLE, out)
    assert not (out / "stale.docx").exists()
    assert (out / "decisions.json").exists()


@pytest.mark.parametrize("example", [STATE_EXAMPLE, PARTY_EXAMPLE], ids=["state", "party"])
def test_templates_use_exactly_what_their_contexts_provide(example: Path) -> None:
    assert [str(m) for m in check_templates(example)] == []
