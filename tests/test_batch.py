"""Batch assembly: every unit built, a broken one reported without stopping the rest and without a
folder, unchanged units skipped on a re-run, deterministic DOCX."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from docgen.batch import MANIFEST, REPORT_JSON, REPORT_TEXT, run_batch
from docgen.cli import main

from .conftest import PARTY_EXAMPLE, STATE_EXAMPLE


def _inputs(folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(STATE_EXAMPLE.with_suffix(".xlsx"), folder / "van-phong.xlsx")
    shutil.copy(PARTY_EXAMPLE, folder / "phuong.yaml")
    broken = STATE_EXAMPLE.read_text(encoding="utf-8").replace("present: 30,", "present: 40,")
    (folder / "hong.yaml").write_text(broken, encoding="utf-8")
    (folder / "~$van-phong.xlsx").write_bytes(b"Excel lock file")
    return folder


def test_a_broken_unit_is_reported_and_the_others_are_built(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["batch", str(_inputs(tmp_path / "in")), "--out", str(out), "--jobs", "2"]
    )
    assert result.exit_code == 1, result.output
    assert "units: 3 (2 done, 0 unchanged and skipped, 1 failed)" in result.output
    assert "FAILED hong" in result.output
    assert (
        "more people present than people convened; expected at most 32, found 40" in result.output
    )
    assert not (out / "hong").exists()
    assert (out / "van-phong" / "01-to-trinh.docx").exists() and (
        out / "phuong" / "decisions.json"
    ).exists()
    report = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))
    assert (report["done"], report["failed"]) == (2, 1)
    assert report["documents"] == 17 + 16
    assert "documents written: 33" in (out / REPORT_TEXT).read_text(encoding="utf-8")


def test_a_rerun_skips_unchanged_units_and_rebuilds_a_changed_one(tmp_path: Path) -> None:
    sources = _inputs(tmp_path / "in")
    (sources / "hong.yaml").unlink()
    out = tmp_path / "out"
    first = run_batch([sources], out, jobs=1)
    assert [u.state for u in first.units] == ["done", "done"]
    before = (out / "van-phong" / "01-to-trinh.docx").read_bytes()
    second = run_batch([sources], out, jobs=1)
    assert [u.state for u in second.units] == ["skipped", "skipped"]
    text = (
        (sources / "phuong.yaml")
        .read_text(encoding="utf-8")
        .replace("votes_for: 36", "votes_for: 35")
    )
    (sources / "phuong.yaml").write_text(text, encoding="utf-8")
    third = run_batch([sources], out, jobs=1)
    assert {u.unit: u.state for u in third.units} == {"phuong": "done", "van-phong": "skipped"}
    forced = run_batch([sources], out, jobs=1, force=True)
    assert all(u.state == "done" for u in forced.units)
    assert (out / "van-phong" / "01-to-trinh.docx").read_bytes() == before  # deterministic DOCX
    assert json.loads((out / MANIFEST).read_text())["van-phong"] == forced.units[1].fingerprint


def test_a_list_file_names_the_units(tmp_path: Path) -> None:
    sources = _inputs(tmp_path / "in")
    listing = tmp_path / "units.txt"
    listing.write_text("# units of the province\nin/phuong.yaml\n", encoding="utf-8")
    report = run_batch([listing], tmp_path / "out", jobs=1)
    assert [u.unit for u in report.units] == ["phuong"]
    assert sources.exists()


def test_workers_are_replaced_and_every_unit_still_built(tmp_path: Path) -> None:
    sources = _inputs(tmp_path / "in")
    report = run_batch([sources], tmp_path / "out", jobs=1, units_per_worker=1)
    assert [u.state for u in report.units] == ["failed", "done", "done"]
    assert all(u.worker_peak_mib > 0 for u in report.units)
