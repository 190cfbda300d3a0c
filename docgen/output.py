"""Output that never loses a user's file: docgen replaces only what it wrote, and atomically.

**The manifest.** Every folder docgen writes papers into holds ``.docgen-manifest.json``: for each
file docgen wrote there, its name and SHA-256, plus docgen's version (no time stamp, so the same
input gives the same bytes). A later run reads it to tell docgen's own files, which it may
replace, from anyone else's (a signed scan, a note, a subfolder), which it never touches.

**Two ways to write papers.**

- :func:`replace_directory` (a dossier, hence every batch unit): the folder is docgen's output as
  a whole. It is replaced only when every entry in it is a file docgen wrote and still unchanged
  (or the folder is empty or missing); otherwise nothing is touched and EnvironmentProblem names
  every other entry at once. The new folder is written beside the old one (a hidden staging
  folder named after it, with docgen's pid, holding a marker), every file and folder fsynced,
  then swapped in one step (``renameat2(RENAME_EXCHANGE)`` on Linux; elsewhere two renames),
  the parent fsynced and the old copy's own files removed.
- :func:`write_files` (ballots and plans, which share a round folder): a set of files added to a
  folder all-or-nothing as far as a file system allows. Every target is checked before anything is
  written (one that exists and is not docgen's unchanged file, by the manifest → EnvironmentProblem
  naming all of them), each file written to a hidden staging folder inside the folder and fsynced,
  then renamed into place; the manifest is merged, never rewritten from scratch, and written
  atomically. Other files in the folder are never touched.

:func:`atomic_write_bytes` writes one named file (an exported round, the batch report): the target
is the user's explicit choice and is replaced whole, through a temporary file and a rename.

**Interrupted runs.** A staging folder carries a marker naming its process (pid, host, start
time). The next run into the same destination removes staging folders whose process is gone; if
a run died between the two renames of the fallback swap (the destination missing), the previous
folder is put back first. Hidden entries that are not docgen staging folders are left alone.

**Permissions.** Files are created 0666 and folders 0777, less the umask, as any program creates
them (not the 0600/0700 of temporary files), so colleagues on a share can read them. A replaced
folder keeps the permissions the old one had.

**Errors.** Every failure of the file system (full disk, no permission, read-only disk, a name too
long, ``--out`` naming a file) is an EnvironmentProblem with a plain message naming the path, and
leaves the destination as it was (no staging folder, no folder created for nothing). A whole-folder
output refuses the current folder (``--out .``) and any folder holding it: swapping it would leave
the user's shell in a removed folder. ``write_files`` accepts ``--out .``: it only adds files.

**File names** docgen gives are plain (no separator, not hidden), unique within a call and at
most 255 UTF-8 bytes; anything else is a bug in docgen (ValueError), never written.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import hashlib
import json
import os
import secrets
import shutil
import socket
import stat
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docgen import __version__
from docgen.errors import EnvironmentProblem
from docgen.i18n import N_, _, ngettext

__all__ = [
    "MANIFEST",
    "MAX_NAME_BYTES",
    "atomic_write_bytes",
    "check_replaceable",
    "clean_leftovers",
    "read_manifest",
    "replace_directory",
    "swap_directory",
    "write_files",
]

MANIFEST = ".docgen-manifest.json"
"""The manifest docgen keeps in every folder it writes papers into."""

MAX_NAME_BYTES = 255
"""The longest file name (in UTF-8 bytes) common file systems accept (ext4, NTFS, APFS)."""

_MARKER = ".docgen-stage.json"
_CONTENT = "content"
_PREVIOUS = "previous"
_STAGE_SUFFIX = ".docgen-stage-"
_LISTED = 50
_SHOWN = 80
_MANIFEST_LIMIT = 16 * 1024 * 1024
_CHUNK = 1024 * 1024

_REASONS = {
    errno.ENOSPC: N_("the disk is full"),
    errno.EDQUOT: N_("the disk quota is used up"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("permission denied"),
    errno.EROFS: N_("the disk is read-only"),
    errno.ENAMETOOLONG: N_("a name is too long for the file system"),
    errno.ENOTDIR: N_("part of the path is a file, not a folder"),
    errno.EISDIR: N_("it is a folder"),
    errno.EBUSY: N_("it is in use (or is a mount point)"),
    errno.EXDEV: N_("it is on another disk than its parent folder"),
    errno.EIO: N_("the disk reported an input/output error"),
    errno.EEXIST: N_("a file of that name is in the way"),
}

Legacy = Callable[[Path], set[str]]
"""Given a folder without a manifest, the names an earlier docgen wrote there (a migration)."""


def _reason(exc: OSError) -> str:
    known = _REASONS.get(exc.errno or 0)
    return _(known) if known else exc.strerror or type(exc).__name__


def _shown(name: str) -> str:
    """A name as a message shows it: unprintable characters as "?", cut to 80 characters."""
    text = "".join(c if c.isprintable() else "?" for c in name)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


# --- low-level writing ------------------------------------------------------------------------


def _write_new_file(path: Path, data: bytes) -> None:
    """Create ``path`` (which must not exist) with mode 0666 less the umask, write, fsync."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    handle = os.open(path, flags, 0o666)
    try:
        view = memoryview(data)
        while view:
            written = os.write(handle, view)
            view = view[written:]
        os.fsync(handle)
    finally:
        os.close(handle)


_BATCH = 64  # files open at once while written together (well under any descriptor limit)
_SYNC_THREADS = 8
_sync_pool: tuple[int, ThreadPoolExecutor] | None = None


def _fsync_together(targets: Sequence[int | Path]) -> None:
    """fsync every target (an open file's descriptor, or a folder: see :func:`_fsync_directory`)
    side by side, on a few threads (one set per process: a forked batch worker makes its own),
    and return once all are done. The file system commits what is fsynced at the same time in
    one journal transaction, where one after the other waits for a commit each (ext4 on a busy
    disk: 4 ms each).

    Raises:
        OSError: the first error of any fsync, once all have finished.
    """
    global _sync_pool
    if len(targets) < 2:
        for target in targets:
            _fsync_one(target)
        return
    if _sync_pool is None or _sync_pool[0] != os.getpid():
        pool = ThreadPoolExecutor(_SYNC_THREADS, thread_name_prefix="docgen-fsync")
        _sync_pool = (os.getpid(), pool)
    futures = [_sync_pool[1].submit(_fsync_one, target) for target in targets]
    wait(futures)  # every fsync over before the caller closes a descriptor
    for future in futures:
        future.result()


def _fsync_one(target: int | Path) -> None:
    if isinstance(target, Path):
        _fsync_directory(target)
    else:
        os.fsync(target)


def _write_new_files(
    folder: Path, files: Sequence[tuple[str, bytes]], folders: Sequence[Path] = ()
) -> None:
    """Create each file of ``files`` (name, bytes) in ``folder`` as :func:`_write_new_file` does,
    every one fsynced before this returns, but together: all are written, then fsynced side by
    side (:func:`_fsync_together`; a dossier's 26 files on a busy disk: 57 → 6 ms), with the
    ``folders`` (their entries made durable, :func:`_fsync_directory`) alongside the last ones.

    Raises:
        OSError: as :func:`_write_new_file`; the files written so far are left in ``folder``
            (a staging folder its caller removes).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for start in range(0, len(files), _BATCH):
        handles: list[int] = []
        try:
            for name, data in files[start : start + _BATCH]:
                handles.append(os.open(folder / name, flags, 0o666))
                view = memoryview(data)
                while view:
                    written = os.write(handles[-1], view)
                    view = view[written:]
            last = start + _BATCH >= len(files)
            _fsync_together([*handles, *(folders if last else ())])
        finally:
            for handle in handles:
                os.close(handle)
    if not files:
        _fsync_together(folders)


def _fsync_directory(path: Path) -> None:
    """Make a folder's entries (creations, renames) durable; a no-op where folders cannot be
    opened or synced (Windows, some network file systems)."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError as exc:
        if exc.errno not in {errno.EINVAL, errno.ENOTSUP, errno.EBADF}:
            raise
    finally:
        os.close(handle)


def _make_folders(path: Path) -> list[Path]:
    """Create ``path`` and its missing parents, each 0777 less the umask; return those created,
    outermost first (so that a failed run can remove them again with :func:`_unmake_folders`)."""
    missing: list[Path] = []
    current = Path(os.path.abspath(path))
    while not os.path.lexists(current) and current.parent != current:
        missing.append(current)
        current = current.parent
    created: list[Path] = []
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o777)
        except FileExistsError:
            if not folder.is_dir():
                raise
            continue
        created.append(folder)
    return created


def _unmake_folders(created: list[Path]) -> None:
    """Remove the folders :func:`_make_folders` created, innermost first, where still empty."""
    for folder in reversed(created):
        with contextlib.suppress(OSError):
            os.rmdir(folder)


def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _check_names(names: Sequence[str]) -> None:
    """Names docgen gives its files: plain, visible, unique, at most 255 UTF-8 bytes.

    Raises:
        ValueError: for a name that breaks this (a bug in docgen, not in the input).
    """
    seen: set[str] = set()
    for name in names:
        if (
            not name
            or name in {".", ".."}
            or name.startswith(".")
            or any(c in name for c in "/\\\0")
            or len(name.encode("utf-8")) > MAX_NAME_BYTES
        ):
            raise ValueError(f"docgen made an unusable file name: {name!r}")
        if name in seen:
            raise ValueError(f"docgen made the file name {name!r} twice")
        seen.add(name)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole: a temporary file beside it (mode 0666 less the umask, or
    the mode of the file it replaces), fsynced, renamed over ``path``, the folder fsynced.

    ``path`` is a file the user named (an exported round, a report), so an existing file there is
    replaced; missing parent folders are created.

    Raises:
        EnvironmentProblem: when ``path`` is a folder or cannot be written (a plain reason: the
            disk is full, permission denied …); ``path`` is then as it was.
    """
    path = Path(path)
    if path.is_dir():
        raise EnvironmentProblem(
            _("cannot write {path}: it is a folder, not a file").format(path=path)
        )
    token = f".docgen-{os.getpid()}-{secrets.token_hex(4)}.tmp"
    temporary = path.with_name("." + _cut_utf8(path.name, MAX_NAME_BYTES - 1 - len(token)) + token)
    try:
        _make_folders(path.parent)
        _write_new_file(temporary, data)
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, stat.S_IMODE(os.stat(path).st_mode))
        os.replace(temporary, path)
        _fsync_directory(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise EnvironmentProblem(
            _("cannot write {path}: {reason}").format(path=path, reason=_reason(exc))
        ) from exc


def _cut_utf8(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, never inside a character."""
    return text.encode("utf-8")[: max(limit, 0)].decode("utf-8", errors="ignore")


# --- the manifest -----------------------------------------------------------------------------


@dataclass
class _Manifest:
    """What a folder's manifest says: name → accepted digests (None: any content, for files an
    earlier docgen wrote without a manifest); ``present`` when a manifest file exists;
    ``damaged`` when it exists but cannot be read as one."""

    files: dict[str, frozenset[str] | None]
    present: bool = False
    damaged: bool = False
    raw: dict[str, dict[str, Any]] | None = None


def _load_manifest(folder: Path) -> _Manifest:
    path = folder / MANIFEST
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return _Manifest({})
    except OSError:
        return _Manifest({}, present=True, damaged=True)
    if not stat.S_ISREG(info.st_mode) or info.st_size > _MANIFEST_LIMIT:
        return _Manifest({}, present=True, damaged=True)
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
        entries = data["files"]
        if not isinstance(entries, dict):
            raise TypeError
        files: dict[str, frozenset[str] | None] = {}
        raw: dict[str, dict[str, Any]] = {}
        for name, entry in entries.items():
            earlier = entry.get("previous", [])
            digests = [entry["sha256"], *earlier]
            if not isinstance(earlier, list) or not all(isinstance(d, str) for d in digests):
                raise TypeError
            files[str(name)] = frozenset(digests)
            raw[str(name)] = {"sha256": entry["sha256"]}
            if entry.get("previous"):
                raw[str(name)]["previous"] = sorted(entry["previous"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return _Manifest({}, present=True, damaged=True)
    return _Manifest(files, present=True, raw=raw)


def read_manifest(folder: Path) -> dict[str, str]:
    """The files docgen wrote in ``folder`` by its manifest: name → SHA-256 (hex). Empty when
    there is no manifest or it cannot be read."""
    manifest = _load_manifest(Path(folder))
    return {name: entry["sha256"] for name, entry in (manifest.raw or {}).items()}


def _manifest_bytes(entries: dict[str, dict[str, Any]]) -> bytes:
    data = {
        "about": "The files docgen wrote in this folder, so that a later run replaces only its "
        "own files. Written by docgen; do not edit.",
        "docgen": __version__,
        "files": {name: entries[name] for name in sorted(entries)},
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- which entries of a folder are docgen's own -----------------------------------------------


@dataclass
class _Survey:
    """A folder's entries sorted out: docgen's own files (name → digest found, None when taken on
    an earlier docgen's word) and every other entry with why it is not docgen's."""

    own: dict[str, str | None]
    foreign: list[tuple[str, str]]


def _survey(folder: Path, new: dict[str, bytes], legacy: Legacy | None) -> _Survey:
    """Sort every entry of ``folder`` (which exists) into docgen's own and the others."""
    manifest = _load_manifest(folder)
    accepted: dict[str, frozenset[str] | None] = dict(manifest.files)
    if not manifest.present and legacy is not None:
        accepted = dict.fromkeys(legacy(folder))
    own: dict[str, str | None] = {}
    foreign: list[tuple[str, str]] = []
    with os.scandir(folder) as entries:
        listing = sorted(entries, key=lambda e: e.name)
    for entry in listing:
        name = entry.name
        if entry.is_symlink():
            foreign.append((name, _("a link docgen did not make")))
        elif entry.is_dir(follow_symlinks=False):
            foreign.append((name + "/", _("a folder docgen did not make")))
        elif not entry.is_file(follow_symlinks=False):
            foreign.append((name, _("not an ordinary file")))
        elif name == MANIFEST:
            if manifest.damaged:
                foreign.append((name, _("docgen's list of its files, damaged or edited")))
            else:
                own[name] = None
        else:
            verdict = _own_file(Path(entry.path), accepted.get(name, frozenset()), new.get(name))
            if verdict is None:
                reason = (
                    _("changed since docgen wrote it")
                    if name in accepted
                    else _("not written by docgen")
                )
                if name.startswith("~$"):
                    reason = _("Word's lock file: a paper here is open in Word; close it first")
                foreign.append((name, reason))
            else:
                own[name] = verdict or None
    return _Survey(own, foreign)


def _own_file(path: Path, accepted: frozenset[str] | None, new: bytes | None) -> str | None:
    """The digest of ``path`` when it is docgen's own ("" for an earlier docgen's file taken on
    its word), else None. A file with exactly the bytes docgen is about to write counts as own:
    replacing it loses nothing."""
    if accepted is None:
        return ""
    if not accepted and new is None:
        return None
    digest = _sha256_file(path)
    if digest in accepted or (new is not None and digest == _sha256_bytes(new)):
        return digest
    return None


def _foreign_message(foreign: list[tuple[str, str]], first: str, last: str) -> str:
    """The message naming every foreign entry (up to 50, then a count), one a line."""
    lines = [first + ":"]
    lines += [f"  {_shown(name)}: {why}" for name, why in foreign[:_LISTED]]
    if len(foreign) > _LISTED:
        lines.append(_("  … and {count} more").format(count=len(foreign) - _LISTED))
    lines.append(last)
    return "\n".join(lines)


def _refusal(folder: Path, foreign: list[tuple[str, str]]) -> EnvironmentProblem:
    count = len(foreign)
    return EnvironmentProblem(
        _foreign_message(
            foreign,
            ngettext(
                "{folder} holds {count} entry that docgen did not write, or that changed since, "
                "so it was left as it was",
                "{folder} holds {count} entries that docgen did not write, or that changed since, "
                "so it was left as it was",
                count,
            ).format(folder=folder, count=count),
            ngettext(
                "move it out of {folder}, or write into another folder (a new or empty one)",
                "move them out of {folder}, or write into another folder (a new or empty one)",
                count,
            ).format(folder=folder),
        )
    )


# --- staging folders and their leftovers ------------------------------------------------------


def _start_time(pid: int) -> int | None:
    """When process ``pid`` started (clock ticks since boot, Linux), None where unknown."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        fields = text[text.rindex(")") + 2 :].split()
        return None if fields[0] == "Z" else int(fields[19])
    except (OSError, ValueError, IndexError):
        return None


def _zombie(pid: int) -> bool:
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        return text[text.rindex(")") + 2 :].split()[0] == "Z"
    except (OSError, ValueError, IndexError):
        return False


def _identity() -> dict[str, Any]:
    pid = os.getpid()
    return {"pid": pid, "host": socket.gethostname(), "started": _start_time(pid)}


def _gone(marker: dict[str, Any]) -> bool:
    """True when the process that made a staging folder has certainly ended: same host, and its
    pid no longer runs (or runs a process started at another time: the pid was reused)."""
    pid = marker.get("pid")
    if os.name == "nt" or marker.get("host") != socket.gethostname():
        return False
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    if _zombie(pid):
        return True
    started, now = marker.get("started"), _start_time(pid)
    return isinstance(started, int) and now is not None and started != now


def _new_stage(parent: Path, label: str, kind: str, destination: str) -> Path:
    """Create a hidden staging folder in ``parent``, ``.<label>.docgen-stage-<pid>-<random>``,
    with its marker (kind, destination, process) and an empty content folder."""
    token = f"{_STAGE_SUFFIX}{os.getpid()}-{secrets.token_hex(4)}"
    stage = parent / ("." + _cut_utf8(label, MAX_NAME_BYTES - 1 - len(token)) + token)
    os.mkdir(stage, 0o777)
    try:
        marker = {"docgen": __version__, "kind": kind, "destination": destination, **_identity()}
        _write_new_file(stage / _MARKER, json.dumps(marker).encode("utf-8"))
        os.mkdir(stage / _CONTENT, 0o777)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return stage


def _stages(parent: Path, kind: str, destination: str) -> Iterator[tuple[Path, dict[str, Any]]]:
    """docgen staging folders in ``parent`` for ``destination``, with their markers."""
    try:
        with os.scandir(parent) as entries:
            candidates = [
                Path(e.path)
                for e in entries
                if e.name.startswith(".")
                and _STAGE_SUFFIX in e.name
                and e.is_dir(follow_symlinks=False)
            ]
    except OSError:
        return
    for stage in candidates:
        try:
            marker = json.loads((stage / _MARKER).read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            continue
        if (
            isinstance(marker, dict)
            and marker.get("kind") == kind
            and marker.get("destination") == destination
        ):
            yield stage, marker


def _remove_stale_stages(parent: Path, kind: str, destination: str) -> None:
    """Remove what interrupted runs left for ``destination``: staging folders whose process is
    gone. When such a run died between the two renames of the fallback swap (the destination
    missing, the previous folder set aside), the previous folder is put back first."""
    for stage, marker in _stages(parent, kind, destination):
        if not _gone(marker):
            continue
        if kind == "folder":
            target = parent / destination
            previous = stage / _PREVIOUS
            if not os.path.lexists(target) and previous.is_dir():
                with contextlib.suppress(OSError):
                    os.rename(previous, target)
                    _fsync_directory(parent)
        shutil.rmtree(stage, ignore_errors=True)


def clean_leftovers(out_dir: Path) -> None:
    """Remove what interrupted runs of :func:`replace_directory` left beside ``out_dir``: their
    staging folders, once their process has ended (same host, pid gone or reused). When a run died
    between the two renames of the fallback swap, so that ``out_dir`` is missing, the previous
    folder is put back first. Staging folders of live processes, of other hosts, and every other
    hidden entry are left alone. :func:`replace_directory` calls this itself."""
    real = Path(os.path.realpath(out_dir))
    _remove_stale_stages(real.parent, "folder", real.name)


# --- swapping a folder in ---------------------------------------------------------------------

_AT_FDCWD = -100
_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM}


@functools.cache
def _libc_renameat2() -> Any:
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError, TypeError):
        return None
    function.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    function.restype = ctypes.c_int
    return function


def _renameat2(source: Path, target: Path, flags: int) -> None:
    """Linux renameat2(2) through libc.

    Raises:
        OSError: its errno; ENOSYS where the C library has no renameat2.
    """
    function = _libc_renameat2()
    if function is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available", str(source))
    if function(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(target), flags) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(source), None, str(target))


def swap_directory(new: Path, destination: Path) -> Path | None:
    """Put the folder ``new`` at ``destination`` in one step; return where the previous
    ``destination`` folder now is (None when there was none). Both paths on one file system.

    Where ``destination`` exists, ``renameat2(RENAME_EXCHANGE)`` trades the two folders
    atomically: at every moment ``destination`` is the old folder or the new one, and the old
    one ends up at ``new``'s path (returned). Where that call is unavailable (ENOSYS, EINVAL …:
    another system, some network file systems), the old folder is renamed to ``previous`` beside
    ``new`` and ``new`` to ``destination``; between those two renames ``destination`` is missing,
    which the next run repairs if this process dies there (see the module docstring). A missing
    ``destination`` is created by one rename that never replaces a folder made meanwhile.

    Raises:
        OSError: when a rename fails; ``destination`` is then as it was.
    """
    new, destination = Path(new), Path(destination)
    if not os.path.lexists(destination):
        try:
            _renameat2(new, destination, _RENAME_NOREPLACE)
        except OSError as exc:
            if exc.errno not in _UNSUPPORTED:
                raise
            if os.path.lexists(destination):
                raise FileExistsError(
                    errno.EEXIST, "it appeared meanwhile", str(destination)
                ) from exc
            os.rename(new, destination)
        return None
    try:
        _renameat2(new, destination, _RENAME_EXCHANGE)
        return new
    except OSError as exc:
        if exc.errno not in _UNSUPPORTED:
            raise
    previous = new.parent / _PREVIOUS
    os.rename(destination, previous)
    try:
        os.rename(new, destination)
    except OSError:
        os.rename(previous, destination)
        raise
    return previous


# --- a whole folder ---------------------------------------------------------------------------


def _destination(out_dir: Path) -> Path:
    """The real folder ``out_dir`` names (absolute, links resolved), refusing what cannot be
    replaced: a file, the root, the current folder or one holding it.

    Raises:
        EnvironmentProblem: for those, with the folder as the user named it.
    """
    real = Path(os.path.realpath(out_dir))
    if os.path.lexists(real) and not real.is_dir():
        raise EnvironmentProblem(
            _("{folder} is a file, not a folder; give --out a folder (a new or empty one)").format(
                folder=out_dir
            )
        )
    if real.parent == real:
        raise EnvironmentProblem(
            _("{folder} is the root folder; give --out a new or empty folder").format(
                folder=out_dir
            )
        )
    try:
        cwd = Path(os.path.realpath(os.getcwd()))
    except OSError:  # the current folder was removed: it cannot be the destination
        return real
    if cwd == real or real in cwd.parents:
        where = _("the current folder") if cwd == real else _("a folder holding the current folder")
        raise EnvironmentProblem(
            _(
                "{folder} is {where} ({real}): docgen replaces its output folder whole, so it "
                "cannot be the folder you work in; give --out a new folder, e.g. --out dossier"
            ).format(folder=out_dir, where=where, real=real)
        )
    return real


def check_replaceable(out_dir: Path, *, legacy: Legacy | None = None) -> None:
    """Fail early, before anything is rendered, when :func:`replace_directory` would refuse
    ``out_dir``. Writes nothing (leftovers of interrupted runs are cleaned later, when writing).

    Raises:
        EnvironmentProblem: ``out_dir`` is a file, the root, the current folder (or holds it), or
            holds entries docgen did not write or that changed since (all named).
    """
    real = _destination(out_dir)
    _surveyed(Path(out_dir), real, {}, legacy)


def _surveyed(shown: Path, real: Path, new: dict[str, bytes], legacy: Legacy | None) -> _Survey:
    """The survey of ``real`` (nothing own when it does not exist yet).

    Raises:
        EnvironmentProblem: naming every foreign entry, or saying why the folder cannot be read.
    """
    if not real.is_dir():
        return _Survey({}, [])
    try:
        found = _survey(real, new, legacy)
    except OSError as exc:
        raise EnvironmentProblem(
            _("cannot read {path}: {reason}").format(path=shown, reason=_reason(exc))
        ) from exc
    if found.foreign:
        raise _refusal(shown, found.foreign)
    return found


def replace_directory(
    out_dir: Path, files: Sequence[tuple[str, bytes]], *, legacy: Legacy | None = None
) -> list[str]:
    """Make ``out_dir`` a folder holding exactly ``files`` (name, bytes) and the manifest.

    ``out_dir`` may be missing, empty, or hold only files docgen wrote and that are unchanged
    (by its manifest; without one, the names ``legacy(out_dir)`` returns, for folders written by
    an earlier docgen); a file with exactly the bytes about to be written counts as docgen's too.
    Missing parents are created. Leftovers of interrupted runs for ``out_dir`` are cleaned first.
    The new folder is written in a staging folder beside ``out_dir`` (every file and the folder
    fsynced), checked against ``out_dir`` once more, swapped in by :func:`swap_directory`, the
    parent fsynced; then the old copy's own files are removed, and the old copy. A replaced
    folder keeps its permissions; a new one gets 0777 less the umask, its files 0666 less it.

    Returns:
        The names written, in order, the manifest last.

    Raises:
        EnvironmentProblem: ``out_dir`` is a file, the root, the current folder or holds it; it
            holds anything else (all named: nothing is touched); the disk is full, a folder cannot
            be written … (``out_dir`` as it was, no folder left behind). Also, after the swap,
            when files appeared in the old folder meanwhile: they are kept in a folder the
            message names.
        ValueError: a name is not a plain file name of at most 255 bytes (a bug in docgen).
    """
    names = [name for name, _ in files]
    _check_names(names)
    shown = Path(out_dir)
    real = _destination(shown)
    parent = real.parent
    new = dict(files)
    try:
        created = _make_folders(parent)
    except OSError as exc:
        raise EnvironmentProblem(
            _("cannot create {path}: {reason}").format(path=parent, reason=_reason(exc))
        ) from exc
    _remove_stale_stages(parent, "folder", real.name)
    _surveyed(shown, real, new, legacy)
    try:
        stage = _new_stage(parent, real.name, "folder", real.name)
    except OSError as exc:
        _unmake_folders(created)
        if exc.errno in {errno.EACCES, errno.EPERM, errno.EROFS}:
            raise EnvironmentProblem(
                _(
                    "cannot write beside {path} in {parent}: {reason} (docgen writes the new "
                    "folder there first, then swaps it in)"
                ).format(path=shown, parent=parent, reason=_reason(exc))
            ) from exc
        raise EnvironmentProblem(
            _("cannot write {path}: {reason}; it was left as it was").format(
                path=shown, reason=_reason(exc)
            )
        ) from exc
    content = stage / _CONTENT
    swapped = False
    try:
        try:
            entries = {name: {"sha256": _sha256_bytes(data)} for name, data in files}
            written = [*files, (MANIFEST, _manifest_bytes(entries))]
            mode = stat.S_IMODE(os.stat(real).st_mode) if real.is_dir() else None
            if mode is None or mode & 0o300 == 0o300:  # the owner can still write into it
                if mode is not None:
                    os.chmod(content, mode)
                _write_new_files(content, written, folders=[content, stage])
            else:
                _write_new_files(content, written)
                os.chmod(content, mode)
                _fsync_together([content, stage])
        except OSError as exc:
            raise EnvironmentProblem(
                _("cannot write {path}: {reason}; it was left as it was").format(
                    path=shown, reason=_reason(exc)
                )
            ) from exc
        own = _surveyed(shown, real, new, legacy).own  # a file may have appeared meanwhile
        try:
            previous = swap_directory(content, real)
            swapped = True
            _fsync_directory(parent)
        except OSError as exc:
            raise EnvironmentProblem(
                _("cannot replace {path}: {reason}; it was left as it was").format(
                    path=shown, reason=_reason(exc)
                )
            ) from exc
        if previous is not None:
            _remove_old_copy(previous, own, shown, parent)
    finally:
        _discard_stage(stage, real)
        if not swapped:
            _unmake_folders(created)
    return [*names, MANIFEST]


def _discard_stage(stage: Path, real: Path) -> None:
    """Remove a staging folder after a run, unless it holds the only copy of the destination (a
    fallback swap that could not be undone): then it is left for the next run to put back."""
    previous = stage / _PREVIOUS
    if previous.is_dir() and not os.path.lexists(real):
        with contextlib.suppress(OSError):
            os.rename(previous, real)
        if not os.path.lexists(real):
            return
    shutil.rmtree(stage, ignore_errors=True)


def _remove_old_copy(old: Path, own: dict[str, str | None], shown: Path, parent: Path) -> None:
    """Remove docgen's own files from the folder just swapped out, then the folder itself.

    Anything else there (it appeared or changed after the last check) is kept: the folder is
    moved beside ``shown``.

    Raises:
        EnvironmentProblem: saying where such files were kept.
    """
    for name, digest in own.items():
        path = old / name
        try:
            if not stat.S_ISREG(os.lstat(path).st_mode):
                continue
            if digest is not None and _sha256_file(path) != digest:
                continue
            os.unlink(path)
        except OSError:
            continue
    try:
        os.rmdir(old)
        return
    except OSError:
        pass
    kept = parent / f".{_cut_utf8(shown.name or 'output', 150)}.kept-{secrets.token_hex(4)}"
    try:
        os.rename(old, kept)
    except OSError:
        kept = old
    raise EnvironmentProblem(
        _(
            "{path} was written, but files were added to the old one or changed while docgen "
            "ran; they are kept in {kept}"
        ).format(path=shown, kept=kept)
    )


# --- files added to a shared folder -----------------------------------------------------------


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (flock on the folder itself, no lock file) so that two
    docgen runs writing into it do not interleave their manifest updates. Where locks are not
    supported the run goes on unlocked."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    try:
        handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _conflicts(
    folder: Path, files: Sequence[tuple[str, bytes]], manifest: _Manifest
) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The targets in ``folder`` that are not docgen's unchanged files, with why; and the digest of
    every target that exists and is docgen's.

    Raises:
        EnvironmentProblem: a target cannot be read.
    """
    conflicts: list[tuple[str, str]] = []
    found: dict[str, str] = {}
    for name, data in [(MANIFEST, b""), *files]:
        target = folder / name
        try:
            info = os.lstat(target)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise EnvironmentProblem(
                _("cannot read {path}: {reason}").format(path=target, reason=_reason(exc))
            ) from exc
        if stat.S_ISLNK(info.st_mode):
            conflicts.append((name, _("a link docgen did not make")))
        elif stat.S_ISDIR(info.st_mode):
            conflicts.append((name + "/", _("a folder docgen did not make")))
        elif not stat.S_ISREG(info.st_mode):
            conflicts.append((name, _("not an ordinary file")))
        elif name != MANIFEST:
            try:
                digest = _own_file(target, manifest.files.get(name) or frozenset(), data)
            except OSError as exc:
                raise EnvironmentProblem(
                    _("cannot read {path}: {reason}").format(path=target, reason=_reason(exc))
                ) from exc
            if digest is None:
                changed = name in manifest.files
                conflicts.append(
                    (
                        name,
                        _("changed since docgen wrote it")
                        if changed
                        else _("not written by docgen"),
                    )
                )
            else:
                found[name] = digest
    return conflicts, found


def write_files(out_dir: Path, files: Sequence[tuple[str, bytes]]) -> list[Path]:
    """Add ``files`` (name, bytes) to the folder ``out_dir``, all or none as far as a file system
    allows; other files in it are never touched.

    ``out_dir`` and its parents are created when missing (0777 less the umask). Every target is
    checked first: one that exists must be a file docgen wrote there and unchanged since (by the
    folder's manifest), or hold exactly the new bytes. Then each file is written into a hidden
    staging folder inside ``out_dir`` (0666 less the umask) and fsynced; the manifest is updated
    to accept the old or the new content of each target, the files are renamed into place, the
    folder fsynced, and the manifest written with the new digests (merged with the entries of
    files this call does not write). An interruption at any point leaves every target either old
    or new, both recognised as docgen's by the next run, which also removes the staging folder.
    Two docgen runs into one folder take turns (a lock on the folder).

    Returns:
        The paths written, in the order given.

    Raises:
        EnvironmentProblem: ``out_dir`` is a file; a target exists and is not docgen's unchanged
            file (every such target named; nothing written); the disk is full, the folder cannot
            be written … (nothing written, no folder left behind).
        ValueError: a name is not a plain file name of at most 255 bytes (a bug in docgen).
    """
    names = [name for name, _ in files]
    _check_names(names)
    folder = Path(out_dir)
    if os.path.lexists(folder) and not folder.is_dir():
        raise EnvironmentProblem(
            _(
                "{folder} is a file, not a folder; give --out a folder (a new or existing one)"
            ).format(folder=folder)
        )
    try:
        created = _make_folders(folder)
    except OSError as exc:
        raise EnvironmentProblem(
            _("cannot create {path}: {reason}").format(path=folder, reason=_reason(exc))
        ) from exc
    renamed = 0
    try:
        with _locked(folder):
            _remove_stale_stages(folder, "files", ".")
            manifest = _load_manifest(folder)
            conflicts, found = _conflicts(folder, files, manifest)
            if conflicts:
                count = len(conflicts)
                raise EnvironmentProblem(
                    _foreign_message(
                        conflicts,
                        ngettext(
                            "{folder} already holds {count} file of the names docgen writes, not "
                            "written by docgen or changed since, so nothing was written",
                            "{folder} already holds {count} files of the names docgen writes, not "
                            "written by docgen or changed since, so nothing was written",
                            count,
                        ).format(folder=folder, count=count),
                        ngettext(
                            "move or rename it, or write into another folder",
                            "move or rename them, or write into another folder",
                            count,
                        ),
                    )
                )
            entries = dict(manifest.raw or {})
            try:
                stage = _new_stage(folder, "new-files", "files", ".")
            except OSError as exc:
                raise EnvironmentProblem(
                    _("cannot write into {folder}: {reason}; nothing was written").format(
                        folder=folder, reason=_reason(exc)
                    )
                ) from exc
            try:
                content = stage / _CONTENT
                _write_new_files(content, files)
                _fsync_directory(content)
                final = {name: {"sha256": _sha256_bytes(data)} for name, data in files}
                pending: dict[str, dict[str, Any]] = {**entries, **final}
                for name, entry in final.items():
                    if name in found and found[name] != entry["sha256"]:
                        pending[name] = {**entry, "previous": [found[name]]}
                _replace_manifest(folder, stage, pending)
                for name in names:
                    os.replace(content / name, folder / name)
                    renamed += 1
                _fsync_directory(folder)
                _replace_manifest(folder, stage, {**entries, **final})
            except OSError as exc:
                state = (
                    _("nothing was written")
                    if not renamed
                    else _("{count} of {total} files were replaced before it stopped").format(
                        count=renamed, total=len(names)
                    )
                )
                raise EnvironmentProblem(
                    _("cannot write into {folder}: {reason}; {state}").format(
                        folder=folder, reason=_reason(exc), state=state
                    )
                ) from exc
            finally:
                shutil.rmtree(stage, ignore_errors=True)
    except BaseException:
        if not renamed and created:  # the folder is new: leave no trace of this run
            with contextlib.suppress(OSError):
                os.unlink(folder / MANIFEST)
            _unmake_folders(created)
        raise
    return [folder / name for name in names]


def _replace_manifest(folder: Path, stage: Path, entries: dict[str, dict[str, Any]]) -> None:
    """Write the manifest of ``folder`` through a file in ``stage``, fsynced, and one rename."""
    temporary = stage / f"manifest-{secrets.token_hex(4)}"
    _write_new_file(temporary, _manifest_bytes(entries))
    os.replace(temporary, folder / MANIFEST)
    _fsync_directory(folder)
