"""Output never loses a user's file (issue 9, point 1): the manifest, the refusal of foreign
entries, the atomic swap and its fallback, leftovers of killed runs, permissions, shared round
folders (ballots, plan), bounded and unique file names, a full disk, ``--out .``."""

from __future__ import annotations

import copy
import errno
import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import docgen.output as output
from docgen.cli import main
from docgen.compose.ballots import SLUG_LIMIT, ballot_file_names
from docgen.dossier import build_dossier
from docgen.errors import EnvironmentProblem
from docgen.output import (
    MANIFEST,
    check_replaceable,
    clean_leftovers,
    read_manifest,
    replace_directory,
    swap_directory,
    write_files,
)
from docgen.papers import write_ballots

from .conftest import STATE_EXAMPLE

WORKBOOK = STATE_EXAMPLE.with_suffix(".xlsx")


def _tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative path → sha256), folders as "/"."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        found[key] = "/" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One dossier of the State example, built once; tests copy it."""
    out = tmp_path_factory.mktemp("built") / "dossier"
    build_dossier(STATE_EXAMPLE, out)
    return out


@pytest.fixture
def dossier(built: Path, tmp_path: Path) -> Path:
    """A fresh copy of the built dossier in this test's folder."""
    out = tmp_path / "dossier"
    shutil.copytree(built, out)
    return out


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    old = os.umask(0o022)
    yield os.umask
    os.umask(old)


def _dossier_cli(out: Path | str, source: Path = STATE_EXAMPLE) -> Any:
    return CliRunner().invoke(main, ["dossier", str(source), "--out", str(out)])


# --- the manifest and reruns ------------------------------------------------------------------


def test_a_dossier_folder_has_a_manifest_of_every_file_docgen_wrote(dossier: Path) -> None:
    listed = read_manifest(dossier)
    files = {p.name for p in dossier.iterdir() if p.name != MANIFEST}
    assert set(listed) == files and "decisions.json" in files
    for name, digest in listed.items():
        assert hashlib.sha256((dossier / name).read_bytes()).hexdigest() == digest
    record = json.loads((dossier / MANIFEST).read_text(encoding="utf-8"))
    assert record["docgen"] and "time" not in json.dumps(record)


def test_a_users_scan_and_subfolder_make_the_dossier_command_exit_4_untouched(
    dossier: Path,
) -> None:
    (dossier / "scan-da-ky.pdf").write_bytes(b"%PDF-1.4 a signed scan")
    (dossier / "ghi-chu").mkdir()
    (dossier / "ghi-chu" / "note.txt").write_text("mine", encoding="utf-8")
    before = _tree(dossier)
    result = _dossier_cli(dossier)
    assert result.exit_code == 4, result.output
    assert "scan-da-ky.pdf: not written by docgen" in result.output
    assert "ghi-chu/: a folder docgen did not make" in result.output
    assert "Traceback" not in result.output
    assert _tree(dossier) == before
    assert [p.name for p in dossier.parent.iterdir()] == ["dossier"]  # no staging folder left


def test_a_rerun_over_an_unchanged_dossier_replaces_it(dossier: Path) -> None:
    write_files(dossier, [("stale.docx", b"docgen wrote this once")])
    folder_before = os.stat(dossier).st_ino
    result = _dossier_cli(dossier)
    assert result.exit_code == 0, result.output
    assert not (dossier / "stale.docx").exists()
    assert set(read_manifest(dossier)) == {p.name for p in dossier.iterdir()} - {MANIFEST}
    assert os.stat(dossier).st_ino != folder_before  # a new folder, swapped in
    assert [p.name for p in dossier.parent.iterdir()] == ["dossier"]


def test_a_paper_the_user_edited_is_reported_as_changed_and_kept(dossier: Path) -> None:
    edited = dossier / "01-to-trinh.docx"
    edited.write_bytes(edited.read_bytes() + b"edited in Word")
    before = _tree(dossier)
    result = _dossier_cli(dossier)
    assert result.exit_code == 4
    assert "01-to-trinh.docx: changed since docgen wrote it" in result.output
    assert "holds 1 entry" in result.output
    assert _tree(dossier) == before


def test_a_word_lock_file_says_a_paper_is_open_in_word(dossier: Path) -> None:
    (dossier / "~$-to-trinh.docx").write_bytes(b"lock")
    with pytest.raises(EnvironmentProblem, match="open in Word; close it first"):
        check_replaceable(dossier)
    assert (dossier / "~$-to-trinh.docx").exists()


def test_a_damaged_manifest_is_named_and_nothing_is_touched(dossier: Path) -> None:
    (dossier / MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(EnvironmentProblem, match="docgen's list of its files, damaged"):
        check_replaceable(dossier)


def test_a_dossier_of_an_earlier_docgen_is_replaced_by_its_decisions_record(
    dossier: Path,
) -> None:
    (dossier / MANIFEST).unlink()  # as docgen wrote dossiers before the manifest
    (dossier / "01-to-trinh.pdf").write_bytes(b"%PDF twin of a listed paper")
    (dossier / "ho-so.pdf").write_bytes(b"%PDF joined")
    result = _dossier_cli(dossier)
    assert result.exit_code == 0, result.output
    assert not (dossier / "01-to-trinh.pdf").exists() and not (dossier / "ho-so.pdf").exists()
    assert (dossier / MANIFEST).exists()


def test_an_earlier_docgens_dossier_with_a_users_file_is_refused(dossier: Path) -> None:
    (dossier / MANIFEST).unlink()
    (dossier / "ghi-chu.txt").write_text("mine", encoding="utf-8")
    result = _dossier_cli(dossier)
    assert result.exit_code == 4
    assert "ghi-chu.txt: not written by docgen" in result.output
    assert "01-to-trinh.docx" not in result.output  # listed in decisions.json: docgen's own
    assert (dossier / "ghi-chu.txt").read_text(encoding="utf-8") == "mine"


def test_a_folder_without_manifest_or_record_is_foreign_but_an_empty_one_is_fine(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    replace_directory(out, [("a.txt", b"a")])
    assert (out / "a.txt").read_bytes() == b"a"
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.txt").write_bytes(b"someone else's")
    with pytest.raises(EnvironmentProblem, match="a.txt: not written by docgen"):
        replace_directory(other, [("a.txt", b"a")])
    (other / "a.txt").write_bytes(b"a")  # exactly what docgen would write: nothing is lost
    replace_directory(other, [("a.txt", b"a")])
    assert read_manifest(other) == {"a.txt": hashlib.sha256(b"a").hexdigest()}


def test_a_file_that_appears_while_the_papers_are_written_is_never_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    replace_directory(out, [("a.txt", b"1")])
    manifest_bytes = output._manifest_bytes

    def meanwhile(entries: dict[str, Any]) -> bytes:
        (out / "scan.pdf").write_bytes(b"added by a colleague just now")
        return manifest_bytes(entries)

    monkeypatch.setattr(output, "_manifest_bytes", meanwhile)
    with pytest.raises(EnvironmentProblem, match="scan.pdf: not written by docgen"):
        replace_directory(out, [("a.txt", b"2")])
    assert (out / "a.txt").read_bytes() == b"1"
    assert (out / "scan.pdf").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


# --- the swap ---------------------------------------------------------------------------------


def test_the_swap_exchanges_the_folders_and_never_leaves_the_destination_missing(
    tmp_path: Path,
) -> None:
    if output._libc_renameat2() is None:
        pytest.skip("this C library has no renameat2")
    destination = tmp_path / "d"
    destination.mkdir()
    (destination / "n").write_text("0")
    stop, missing = threading.Event(), []

    def watch() -> None:
        while not stop.is_set():
            if not os.path.isdir(destination):
                missing.append(True)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for number in range(1, 201):
            new = tmp_path / f"new-{number}"
            new.mkdir()
            (new / "n").write_text(str(number))
            old = swap_directory(new, destination)
            assert old == new and (new / "n").read_text() == str(number - 1)
            shutil.rmtree(new)
    finally:
        stop.set()
        watcher.join()
    assert (destination / "n").read_text() == "200"
    assert missing == []


def test_the_swap_into_a_missing_destination_is_one_rename(tmp_path: Path) -> None:
    new = tmp_path / "new"
    new.mkdir()
    (new / "n").write_text("1")
    assert swap_directory(new, tmp_path / "d") is None
    assert (tmp_path / "d" / "n").read_text() == "1" and not new.exists()


def _no_renameat2(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable(source: Path, target: Path, flags: int) -> None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")

    monkeypatch.setattr(output, "_renameat2", unavailable)


def test_the_fallback_swap_works_where_renameat2_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_renameat2(monkeypatch)
    destination, stage = tmp_path / "d", tmp_path / "stage"
    destination.mkdir()
    (destination / "n").write_text("old")
    (stage / "content").mkdir(parents=True)
    (stage / "content" / "n").write_text("new")
    previous = swap_directory(stage / "content", destination)
    assert previous == stage / "previous" and (previous / "n").read_text() == "old"
    assert (destination / "n").read_text() == "new"
    out = tmp_path / "out"
    replace_directory(out, [("a.txt", b"1")])
    replace_directory(out, [("b.txt", b"2")])
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "b.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d", "out", "stage"]


# --- leftovers of killed runs -----------------------------------------------------------------

_KILLED_BEFORE_SWAP = """
import os, signal, sys
from pathlib import Path
import docgen.output as output
def killed(*args):
    os.kill(os.getpid(), signal.SIGKILL)
output.swap_directory = killed
output.replace_directory(Path(sys.argv[1]), [("a.txt", b"new")])
"""

_KILLED_BETWEEN_RENAMES = """
import errno, os, signal, sys
from pathlib import Path
import docgen.output as output
def unavailable(*args):
    raise OSError(errno.ENOSYS, "no renameat2")
output._renameat2 = unavailable
rename, calls = os.rename, []
def rename_then_die(source, target):
    calls.append(source)
    if len(calls) == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    rename(source, target)
os.rename = rename_then_die
output.replace_directory(Path(sys.argv[1]), [("a.txt", b"new")])
"""


def _killed_run(script: str, destination: Path) -> None:
    run = subprocess.run([sys.executable, "-c", script, str(destination)], check=False)
    assert run.returncode == -signal.SIGKILL


def test_leftovers_of_a_killed_run_are_removed_at_the_next_run(tmp_path: Path) -> None:
    destination = tmp_path / "d"
    replace_directory(destination, [("a.txt", b"old")])
    (tmp_path / ".mine").mkdir()  # hidden, not docgen's: left alone
    _killed_run(_KILLED_BEFORE_SWAP, destination)
    stages = [p.name for p in tmp_path.iterdir() if ".docgen-stage-" in p.name]
    assert len(stages) == 1 and stages[0].startswith(".d.docgen-stage-")
    assert (destination / "a.txt").read_bytes() == b"old"
    replace_directory(destination, [("a.txt", b"newer")])
    assert sorted(p.name for p in tmp_path.iterdir()) == [".mine", "d"]
    assert (destination / "a.txt").read_bytes() == b"newer"


def test_a_run_killed_between_the_fallback_renames_gets_its_folder_back(tmp_path: Path) -> None:
    destination = tmp_path / "d"
    replace_directory(destination, [("a.txt", b"old")])
    _killed_run(_KILLED_BETWEEN_RENAMES, destination)
    assert not destination.exists()  # the window the fallback has
    clean_leftovers(destination)
    assert (destination / "a.txt").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"]


def test_a_staging_folder_of_a_live_process_is_left_alone(tmp_path: Path) -> None:
    destination = tmp_path / "d"
    stage = output._new_stage(tmp_path, "d", "folder", "d")  # this process: alive
    replace_directory(destination, [("a.txt", b"1")])
    assert stage.is_dir()


# --- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o002])
def test_files_and_folders_follow_the_umask(
    tmp_path: Path, umask: Callable[[int], None], mask: int
) -> None:
    umask(mask)
    out = tmp_path / "new" / "d"
    replace_directory(out, [("a.txt", b"1")])
    write_files(tmp_path / "round", [("b.txt", b"2")])
    assert stat.S_IMODE(os.stat(out / "a.txt").st_mode) == 0o666 & ~mask
    assert stat.S_IMODE(os.stat(out / MANIFEST).st_mode) == 0o666 & ~mask
    assert stat.S_IMODE(os.stat(tmp_path / "round" / "b.txt").st_mode) == 0o666 & ~mask
    for folder in (out, out.parent, tmp_path / "round"):
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o777 & ~mask


def test_a_replaced_folder_keeps_its_permissions(tmp_path: Path) -> None:
    out = tmp_path / "d"
    replace_directory(out, [("a.txt", b"1")])
    os.chmod(out, 0o750)
    replace_directory(out, [("a.txt", b"2")])
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o750


def test_an_exported_file_is_world_readable_as_the_umask_allows(
    tmp_path: Path, umask: Callable[[int], None]
) -> None:
    umask(0o022)
    target = tmp_path / "round.yaml"
    output.atomic_write_bytes(target, b"a: 1\n")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o644
    os.chmod(target, 0o600)
    output.atomic_write_bytes(target, b"a: 2\n")  # an existing file keeps its mode
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["round.yaml"]


# --- shared round folders: ballots and plan ---------------------------------------------------


def test_ballots_and_plan_share_a_folder_and_keep_the_users_files(tmp_path: Path) -> None:
    folder = tmp_path / "round"
    folder.mkdir()
    (folder / "ghi-chu.txt").write_text("mine", encoding="utf-8")
    runner = CliRunner()
    for arguments in (["ballots", str(WORKBOOK), "--step", "1"], ["plan", str(WORKBOOK)]):
        result = runner.invoke(main, [*arguments, "--out", str(folder)])
        assert result.exit_code == 0, result.output
    again = runner.invoke(main, ["ballots", str(WORKBOOK), "--step", "1", "--out", str(folder)])
    assert again.exit_code == 0, again.output
    assert set(read_manifest(folder)) == {
        "ke-hoach.docx",
        "phieu-buoc-1-truong-phong.docx",
        "phieu-buoc-1-pho-truong-phong.docx",
    }
    assert (folder / "ghi-chu.txt").read_text(encoding="utf-8") == "mine"


def test_ballots_over_a_users_file_of_the_same_name_exit_4_writing_nothing(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "round"
    folder.mkdir()
    (folder / "phieu-buoc-2-pho-truong-phong.docx").write_bytes(b"my own draft")
    result = CliRunner().invoke(
        main, ["ballots", str(WORKBOOK), "--step", "2", "--out", str(folder)]
    )
    assert result.exit_code == 4
    assert "phieu-buoc-2-pho-truong-phong.docx: not written by docgen" in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["phieu-buoc-2-pho-truong-phong.docx"]
    assert (folder / "phieu-buoc-2-pho-truong-phong.docx").read_bytes() == b"my own draft"


def test_a_shared_file_edited_by_the_user_is_reported_as_changed(tmp_path: Path) -> None:
    write_files(tmp_path, [("a.docx", b"1"), ("b.docx", b"1")])
    (tmp_path / "b.docx").write_bytes(b"edited")
    with pytest.raises(EnvironmentProblem, match="b.docx: changed since docgen wrote it"):
        write_files(tmp_path, [("a.docx", b"2"), ("b.docx", b"2")])
    assert (tmp_path / "a.docx").read_bytes() == b"1"  # all or nothing


def test_writing_stopped_between_renames_leaves_files_docgen_still_knows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(tmp_path, [("a.docx", b"1"), ("b.docx", b"1")])
    replace = os.replace
    renamed: list[str] = []

    def fail_second(source: Any, target: Any) -> None:
        if Path(target).name == "b.docx":
            raise OSError(errno.EIO, "Input/output error")
        renamed.append(Path(target).name)
        replace(source, target)

    monkeypatch.setattr(os, "replace", fail_second)
    with pytest.raises(EnvironmentProblem, match="1 of 2 files were replaced"):
        write_files(tmp_path, [("a.docx", b"2"), ("b.docx", b"2")])
    monkeypatch.setattr(os, "replace", replace)
    assert (tmp_path / "a.docx").read_bytes() == b"2" and (tmp_path / "b.docx").read_bytes() == b"1"
    write_files(tmp_path, [("a.docx", b"3"), ("b.docx", b"3")])  # both still known as docgen's
    assert read_manifest(tmp_path) == {
        n: hashlib.sha256(b"3").hexdigest() for n in ("a.docx", "b.docx")
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST, "a.docx", "b.docx"]


def _rename_title(data: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    data = copy.deepcopy(data)
    for title in data["titles"]:
        if title["name"] == old:
            title["name"] = new
    for cadre in data["cadres"]:
        if "planned_titles" in cadre:
            cadre["planned_titles"] = [new if t == old else t for t in cadre["planned_titles"]]
    for result in data["results"]:
        if result["title"] == old:
            result["title"] = new
    return data


def test_ballots_of_two_titles_whose_slugs_collide_are_two_files(
    state_data: dict[str, Any], write_round: Callable[..., Path], tmp_path: Path
) -> None:
    data = _rename_title(state_data, "Phó Trưởng phòng", "Trương phòng")  # both truong-phong
    written = write_ballots(write_round(data), 1, tmp_path / "round")
    assert [p.name for p in written] == [
        "phieu-buoc-1-truong-phong.docx",
        "phieu-buoc-1-truong-phong-2.docx",
    ]
    assert written[0].read_bytes() != written[1].read_bytes()


def test_ballot_file_names_are_unique_and_bounded() -> None:
    titles = ["Trưởng phòng", "Trương phòng", "Trưởng phòng (*)", "Trưởng phòng 2", "—", "x" * 300]
    names = ballot_file_names("phieu-buoc-12", titles)
    assert names[:5] == [
        "phieu-buoc-12-truong-phong.docx",
        "phieu-buoc-12-truong-phong-2.docx",
        "phieu-buoc-12-truong-phong-3.docx",
        "phieu-buoc-12-truong-phong-2-2.docx",
        "phieu-buoc-12-chuc-danh-5.docx",
    ]
    assert len(set(names)) == len(names)
    assert len(names[5]) == len("phieu-buoc-12-.docx") + SLUG_LIMIT
    words = ballot_file_names("p", ["Phó Trưởng phòng phụ trách công tác tổng hợp " * 10])
    assert len(words[0]) <= len("p-.docx") + SLUG_LIMIT and not words[0].endswith("-.docx")


def test_a_300_character_title_gives_a_dossier_with_short_file_names(
    state_data: dict[str, Any], write_round: Callable[..., Path], tmp_path: Path
) -> None:
    long_title = ("Phó Trưởng phòng phụ trách công tác tổng hợp và hành chính " * 6)[:300].strip()
    data = _rename_title(state_data, "Phó Trưởng phòng", long_title)
    result = _dossier_cli(tmp_path / "d", write_round(data))
    assert result.exit_code == 0, result.output
    names = [p.name for p in (tmp_path / "d").iterdir()]
    assert any("pho-truong-phong-phu-trach" in n for n in names)
    assert max(len(n.encode("utf-8")) for n in names) <= 100


# --- the destination: a full disk, --out ., a file, no permission -----------------------------


def _full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    def full(handle: int, data: Any) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)


def test_a_full_disk_is_exit_4_and_the_dossier_stays_as_it_was(
    dossier: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _tree(dossier)
    _full_disk(monkeypatch)
    result = _dossier_cli(dossier)
    fresh = _dossier_cli(dossier.parent / "new" / "d")
    monkeypatch.undo()
    assert result.exit_code == 4 and fresh.exit_code == 4
    assert f"cannot write {dossier}: the disk is full; it was left as it was" in result.output
    assert "Traceback" not in result.output + fresh.output
    assert _tree(dossier) == before
    assert sorted(p.name for p in dossier.parent.iterdir()) == ["dossier"]


def test_a_full_disk_writes_no_ballot_and_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    existing = tmp_path / "round"
    write_files(existing, [("ke-hoach.docx", b"plan")])
    before = _tree(existing)
    _full_disk(monkeypatch)
    runner = CliRunner()
    into_existing = runner.invoke(
        main, ["ballots", str(WORKBOOK), "--step", "1", "--out", str(existing)]
    )
    into_new = runner.invoke(
        main, ["ballots", str(WORKBOOK), "--step", "1", "--out", str(tmp_path / "a" / "b")]
    )
    monkeypatch.undo()
    assert into_existing.exit_code == 4 and into_new.exit_code == 4
    assert "the disk is full; nothing was written" in into_existing.output
    assert _tree(existing) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["round"]


def test_out_dot_in_a_folder_with_a_users_files_is_exit_4(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "so-lieu.xlsx").write_bytes(b"the user's workbook")
    monkeypatch.chdir(work)
    result = _dossier_cli(".")
    assert result.exit_code == 4
    assert "is the current folder" in result.output and str(work) in result.output
    assert sorted(p.name for p in work.iterdir()) == ["so-lieu.xlsx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]
    parent = _dossier_cli("..")
    assert parent.exit_code == 4 and "holding the current folder" in parent.output


def test_out_dot_is_fine_for_ballots_which_only_add_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "so-lieu.xlsx").write_bytes(b"the user's workbook")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["plan", str(WORKBOOK), "--out", "."])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST, "ke-hoach.docx", "so-lieu.xlsx"]


def test_out_naming_a_file_is_an_environment_problem(tmp_path: Path) -> None:
    target = tmp_path / "ho-so.docx"
    target.write_bytes(b"a file")
    with pytest.raises(EnvironmentProblem, match="is a file, not a folder"):
        build_dossier(STATE_EXAMPLE, target)
    with pytest.raises(EnvironmentProblem, match="is a file, not a folder"):
        write_files(target, [("a.docx", b"1")])
    with pytest.raises(EnvironmentProblem, match="part of the path is a file"):
        write_files(target / "inside", [("a.docx", b"1")])
    assert target.read_bytes() == b"a file"


def test_a_folder_without_permission_is_an_environment_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "d"
    replace_directory(out, [("a.txt", b"1")])
    before = _tree(tmp_path)
    mkdir = os.mkdir

    def refused(path: Any, mode: int = 0o777) -> None:
        if Path(path).parent == tmp_path:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        mkdir(path, mode)

    monkeypatch.setattr(os, "mkdir", refused)
    with pytest.raises(EnvironmentProblem, match=f"cannot write beside {out}.*permission denied"):
        replace_directory(out, [("a.txt", b"2")])
    with pytest.raises(EnvironmentProblem, match="permission denied"):
        write_files(tmp_path / "round", [("a.txt", b"2")])
    monkeypatch.undo()
    assert _tree(tmp_path) == before


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_a_read_only_folder_is_an_environment_problem(tmp_path: Path) -> None:
    out = tmp_path / "d"
    replace_directory(out, [("a.txt", b"1")])
    os.chmod(tmp_path, 0o555)
    try:
        with pytest.raises(EnvironmentProblem, match="permission denied"):
            replace_directory(out, [("a.txt", b"2")])
    finally:
        os.chmod(tmp_path, 0o755)
    assert (out / "a.txt").read_bytes() == b"1"
