"""Batch assembly: every unit built, a broken one reported without stopping the rest and without a
folder, unchanged units skipped on a re-run, deterministic DOCX; unit folders named from the
relative path (collisions and dot-names reported, never written over each other), a killed worker
failing only its own unit, an unexpected error one plain line with its traceback saved, and the
report written whatever happens."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen.batch import (
    ERRORS_FOLDER,
    MANIFEST,
    REPORT_JSON,
    REPORT_TEXT,
    TEST_FAIL_UNIT,
    TEST_KILL_UNIT,
    UNIT_NAME_LIMIT,
    WORKER_DIED,
    run_batch,
    unit_names,
)
from docgen.cli import main
from docgen.errors import Problem

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


def _copy(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    return target


def _decisions(folder: Path) -> dict:
    return json.loads((folder / "decisions.json").read_text(encoding="utf-8"))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_unit_names_come_from_the_path_relative_to_the_common_folder(tmp_path: Path) -> None:
    assert unit_names([tmp_path / "a.xlsx", tmp_path / "b.yaml"]) == ["a", "b"]
    assert unit_names([tmp_path / "2022/xa-a/round.xlsx", tmp_path / "2023/xa-a/round.xlsx"]) == [
        "2022-xa-a-round",
        "2023-xa-a-round",
    ]
    assert unit_names([tmp_path / "round.xlsx", tmp_path / "round.yaml", tmp_path / "b.json"]) == [
        "round-xlsx",
        "round-yaml",
        "b",
    ]
    assert unit_names([tmp_path / "Xã Ả/Biên bản.xlsx", tmp_path / "khác/x.yaml"]) == [
        "xa-a-bien-ban",
        "khac-x",
    ]
    long = [tmp_path / ("phuong-" * 30 + "1.xlsx"), tmp_path / ("phuong-" * 30 + "2.xlsx")]
    names = unit_names(long)
    assert all(isinstance(n, str) and len(n) == UNIT_NAME_LIMIT for n in names)
    assert names[0] != names[1] and unit_names(long) == names  # distinct, and the same each run
    for name in names:
        assert isinstance(name, str) and not name.startswith((".", "-")) and "/" not in name


def test_names_that_give_no_folder_or_collide_are_located_problems(tmp_path: Path) -> None:
    paths = [
        tmp_path / "..yaml",
        tmp_path / ".yaml",
        tmp_path / "!!!.xlsx",
        tmp_path / "batch-errors.yaml",
        tmp_path / "Xã A.xlsx",
        tmp_path / "xa-a.xlsx",
        tmp_path / "tot.yaml",
    ]
    names = unit_names(paths)
    assert names[-1] == "tot"
    problems = names[:-1]
    assert all(isinstance(p, Problem) for p in problems)
    text = [str(p) for p in problems]
    assert text[0] == (
        f"{paths[0]}: error: the file name starts with a dot, so it cannot name the unit's folder"
        " (rename the file, e.g. to xa-a.yaml)"
    )
    assert "starts with a dot" in text[1]
    assert "has no letter or digit" in text[2]
    assert "kept for the batch's own files" in text[3]
    assert f"this input and {paths[5]} would share the unit folder “xa-a-xlsx”" in text[4]
    assert f"this input and {paths[4]} would share the unit folder “xa-a-xlsx”" in text[5]


def test_same_names_in_same_named_folders_give_two_units(tmp_path: Path) -> None:
    first = _copy(STATE_EXAMPLE, tmp_path / "2022" / "xa-a" / "round.yaml")
    second = _copy(PARTY_EXAMPLE, tmp_path / "2023" / "xa-a" / "round.yaml")
    listing = tmp_path / "units.txt"
    listing.write_text("2022/xa-a/round.yaml\n2023/xa-a/round.yaml\n", encoding="utf-8")
    out = tmp_path / "out"
    report = run_batch([listing], out, jobs=2)
    assert [(u.unit, u.state) for u in report.units] == [
        ("2022-xa-a-round", "done"),
        ("2023-xa-a-round", "done"),
    ]
    assert _decisions(out / "2022-xa-a-round")["input"]["sha256"] == _sha256(first)
    assert _decisions(out / "2023-xa-a-round")["input"]["sha256"] == _sha256(second)


def test_round_xlsx_beside_round_yaml_gives_two_units(tmp_path: Path) -> None:
    sources = tmp_path / "in"
    workbook = _copy(STATE_EXAMPLE.with_suffix(".xlsx"), sources / "round.xlsx")
    outline = _copy(PARTY_EXAMPLE, sources / "round.yaml")
    out = tmp_path / "out"
    report = run_batch([sources], out, jobs=2)
    assert [(u.unit, u.state) for u in report.units] == [
        ("round-xlsx", "done"),
        ("round-yaml", "done"),
    ]
    for unit, source in (("round-xlsx", workbook), ("round-yaml", outline)):
        decisions = _decisions(out / unit)
        assert (decisions["input"]["file"], decisions["input"]["sha256"]) == (
            source.name,
            _sha256(source),
        )


def test_dot_names_are_reported_and_the_batch_folder_is_kept(tmp_path: Path) -> None:
    sources = tmp_path / "in"
    dots = [_copy(STATE_EXAMPLE, sources / "..yaml"), _copy(STATE_EXAMPLE, sources / ".yaml")]
    good = _copy(PARTY_EXAMPLE, sources / "phuong.yaml")
    out = tmp_path / "out"
    out.mkdir()
    (out / "ghi-chu.txt").write_text("a clerk's own notes", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["batch", *map(str, [*dots, good]), "--out", str(out), "--jobs", "2"]
    )
    assert result.exit_code == 1, result.output
    assert "units: 3 (1 done, 0 unchanged and skipped, 2 failed)" in result.output
    for dot in dots:
        assert f"FAILED {dot}:" in result.output
        assert (
            f"{dot}: error: the file name starts with a dot, so it cannot name the unit's folder"
            in result.output
        )
    assert "Traceback" not in result.output
    assert (out / "ghi-chu.txt").read_text(encoding="utf-8") == "a clerk's own notes"
    assert _decisions(out / "phuong")["input"]["sha256"] == _sha256(good)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["ghi-chu.txt", "phuong", MANIFEST, REPORT_JSON, REPORT_TEXT]
    )
    report = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))
    assert [(u["unit"], u["state"], u["reason"]) for u in report["units"]] == [
        ("", "failed", "name"),
        ("", "failed", "name"),
        ("phuong", "done", ""),
    ]


def test_a_killed_worker_fails_only_its_own_unit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = tmp_path / "in"
    killed = _copy(STATE_EXAMPLE, sources / "chet.yaml")
    _copy(PARTY_EXAMPLE, sources / "phuong.yaml")
    _copy(STATE_EXAMPLE.with_suffix(".xlsx"), sources / "van-phong.xlsx")
    monkeypatch.setenv(TEST_KILL_UNIT, killed.name)  # the worker building it SIGKILLs itself
    out = tmp_path / "out"
    seen: list[str] = []
    report = run_batch([sources], out, jobs=2, progress=lambda unit: seen.append(unit.unit))
    assert [(u.unit, u.state) for u in report.units] == [
        ("chet", "failed"),
        ("phuong", "done"),
        ("van-phong", "done"),
    ]
    assert report.units[0].errors == [f"{killed}: error: {WORKER_DIED}"]
    assert report.units[0].reason == "worker"
    assert sorted(seen) == ["chet", "phuong", "van-phong"]  # each unit reported once
    assert not (out / "chet").exists()
    assert (out / "phuong" / "01-to-trinh.docx").exists()
    assert (out / "van-phong" / "01-to-trinh.docx").exists()
    text = (out / REPORT_TEXT).read_text(encoding="utf-8")
    assert f"FAILED chet ({killed}):\n  {killed}: error: {WORKER_DIED}" in text
    assert json.loads((out / MANIFEST).read_text(encoding="utf-8")).keys() == {
        "phuong",
        "van-phong",
    }


def test_an_unexpected_exception_is_one_plain_line_and_a_saved_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = tmp_path / "in"
    buggy = _copy(STATE_EXAMPLE, sources / "loi.yaml")
    _copy(PARTY_EXAMPLE, sources / "phuong.yaml")
    monkeypatch.setenv(TEST_FAIL_UNIT, buggy.name)  # the worker raises RuntimeError on it
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(sources), "--out", str(out), "--jobs", "2"])
    saved = out / ERRORS_FOLDER / "loi.txt"
    line = (
        f"{buggy}: error: internal error (a bug in docgen, not in the input): RuntimeError: "
        f"test hook {TEST_FAIL_UNIT} for loi.yaml (the details are saved in {saved})"
    )
    assert line in result.output
    assert line in (out / REPORT_TEXT).read_text(encoding="utf-8")
    assert "RuntimeError(" not in result.output and "Traceback" not in result.output
    details = saved.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in details and "_test_hooks" in details
    units = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))["units"]
    assert [(u["unit"], u["state"], u["reason"], u["traceback"]) for u in units] == [
        ("loi", "failed", "internal", str(saved)),
        ("phuong", "done", "", ""),
    ]
    assert not (out / "loi").exists()
    monkeypatch.delenv(TEST_FAIL_UNIT)
    rerun = run_batch([sources], out, jobs=1)
    assert [u.state for u in rerun.units] == ["done", "skipped"]
    assert not (out / ERRORS_FOLDER).exists()  # the stale traceback goes once the unit is built


def test_the_report_is_written_when_the_batch_itself_breaks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = tmp_path / "in"
    _copy(PARTY_EXAMPLE, sources / "phuong.yaml")
    dot = _copy(PARTY_EXAMPLE, sources / "..yaml")

    def broken_pool(*args: object, **kwargs: object) -> None:
        raise RuntimeError("no pool")

    monkeypatch.setattr("docgen.batch.ProcessPoolExecutor", broken_pool)
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="no pool"):
        run_batch([sources / "phuong.yaml", dot], out, jobs=1)
    units = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))["units"]
    assert [(u["unit"], u["reason"], u["errors"]) for u in units] == [
        (
            "phuong",
            "stopped",
            [f"{sources / 'phuong.yaml'}: error: not built: the batch stopped before this unit"],
        ),
        ("", "name", units[1]["errors"]),
    ]
    assert "starts with a dot" in units[1]["errors"][0]
    assert "FAILED phuong" in (out / REPORT_TEXT).read_text(encoding="utf-8")


def test_unreadable_inputs_and_folders_over_inputs_are_failed_units(tmp_path: Path) -> None:
    listing = tmp_path / "units.txt"
    listing.write_text("\ufeffthieu.yaml\n", encoding="utf-8")  # a BOM, as Notepad writes
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST).write_text("{not json", encoding="utf-8")
    report = run_batch([listing], out, jobs=1)
    assert report.units[0].errors == [
        f"{tmp_path / 'thieu.yaml'}: error: cannot read this file (no such file or directory)"
    ]
    inside = _copy(PARTY_EXAMPLE, tmp_path / "xa-a" / "xa-a.yaml")
    report = run_batch([inside], tmp_path, jobs=1)  # the unit's folder would be the inputs' own
    assert report.units[0].state == "failed"
    assert report.units[0].errors == [
        f"{inside}: error: the unit's folder {tmp_path / 'xa-a'} would hold inputs of this batch"
        " (choose an --out folder outside the inputs' folders)"
    ]
    assert sorted(p.name for p in (tmp_path / "xa-a").iterdir()) == ["xa-a.yaml"]


def test_a_folder_is_searched_with_its_sub_folders_skipping_what_docgen_wrote(
    tmp_path: Path,
) -> None:
    sources = tmp_path / "in"
    _copy(STATE_EXAMPLE, sources / "2022" / "xa-a" / "round.yaml")
    _copy(PARTY_EXAMPLE, sources / "2023" / "xa-a" / "round.yaml")
    out = sources / "ket-qua"  # the --out folder among the inputs: its files are never inputs
    runner = CliRunner()
    first = runner.invoke(main, ["batch", str(sources), "--out", str(out), "--jobs", "2"])
    assert first.exit_code == 0, first.output
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == [
        "2022-xa-a-round",
        "2023-xa-a-round",
    ]
    again = runner.invoke(main, ["batch", str(sources), "--out", str(out), "--jobs", "2"])
    assert again.exit_code == 0, again.output
    assert "units: 2 (0 done, 2 unchanged and skipped, 0 failed)" in again.output


def test_a_folder_holding_no_round_is_an_error_not_an_empty_batch(tmp_path: Path) -> None:
    sources = tmp_path / "in"
    _copy(STATE_EXAMPLE, sources / "..yaml")
    (sources / "ghi-chu.txt").write_text("notes", encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(sources), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert f"{sources}: error: no round found in this folder or its sub-folders" in result.output
    assert not (tmp_path / "out").exists()
