"""docgen.output makes every file durable before the swap, fsyncing them side by side: each
file and both staging folders are fsynced, and a failing fsync leaves the destination as it
was, whichever file it hits."""

from __future__ import annotations

import errno
import os
import stat
import threading
from pathlib import Path

import pytest

import docgen.output as output
from docgen.errors import EnvironmentProblem
from docgen.output import MANIFEST, replace_directory, write_files

FILES = [(f"{index:02d}-giay.docx", f"paper {index}".encode()) for index in range(30)]


def _synced(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Record (kind, name) of each fsync: "file" with the file's inode, or "folder"."""
    seen: list[tuple[str, str]] = []
    lock = threading.Lock()
    real = os.fsync

    def fsync(handle: int) -> None:
        info = os.fstat(handle)
        kind = "folder" if stat.S_ISDIR(info.st_mode) else "file"
        with lock:
            seen.append((kind, str(info.st_ino)))
        real(handle)

    monkeypatch.setattr(os, "fsync", fsync)
    return seen


def test_every_file_and_the_staging_folders_are_fsynced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _synced(monkeypatch)
    replace_directory(tmp_path / "ho-so", FILES)
    monkeypatch.undo()
    inodes = {
        str((tmp_path / "ho-so" / name).stat().st_ino) for name, _ in [*FILES, (MANIFEST, b"")]
    }
    assert inodes <= {inode for kind, inode in seen if kind == "file"}
    # the staging folder, its content folder (now ho-so) and the parent after the swap
    assert sum(kind == "folder" for kind, _ in seen) >= 3


def test_files_added_to_a_round_folder_are_fsynced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _synced(monkeypatch)
    write_files(tmp_path / "round", FILES)
    monkeypatch.undo()
    inodes = {str((tmp_path / "round" / name).stat().st_ino) for name, _ in FILES}
    assert inodes <= {inode for kind, inode in seen if kind == "file"}


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="names an fd through /proc")
@pytest.mark.parametrize("failing", [0, 17, 29])
def test_a_failing_fsync_leaves_the_dossier_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: int
) -> None:
    out = tmp_path / "ho-so"
    replace_directory(out, [("01-cu.docx", b"old")])
    before = sorted(p.name for p in out.iterdir())
    real = os.fsync
    target = FILES[failing][0]

    def fsync(handle: int) -> None:
        if os.path.basename(os.readlink(f"/proc/self/fd/{handle}")) == target:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real(handle)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(EnvironmentProblem, match="input/output error; it was left as it was"):
        replace_directory(out, FILES)
    monkeypatch.undo()
    assert sorted(p.name for p in out.iterdir()) == before
    assert (out / "01-cu.docx").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ho-so"]


def test_fsyncs_run_on_threads_of_this_process(tmp_path: Path) -> None:
    replace_directory(tmp_path / "ho-so", FILES)
    pool = output._sync_pool
    assert pool is not None and pool[0] == os.getpid()
