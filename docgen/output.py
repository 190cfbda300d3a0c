"""Atomic output: a file or a whole folder appears complete, or not at all.

A document set is written into a temporary folder beside its destination and moved into place in
one rename, so an error half-way never leaves a half-written dossier (DEVELOPERS.md, Standards).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from docgen.errors import EnvironmentProblem

__all__ = ["atomic_write_bytes", "staged_directory"]


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Raises:
        EnvironmentProblem: when the folder cannot be written.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except OSError as exc:
        raise EnvironmentProblem(f"cannot write {path}: {exc.strerror or exc}") from exc


@contextmanager
def staged_directory(destination: Path) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces ``destination`` whole.

    An existing ``destination`` is replaced only after everything was written; on an exception
    the temporary folder is removed and ``destination`` is left as it was.

    Raises:
        EnvironmentProblem: when the parent folder cannot be written.
    """
    destination = Path(destination)
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))
    except OSError as exc:
        raise EnvironmentProblem(f"cannot write into {destination.parent}: {exc}") from exc
    try:
        yield staging
        previous = None
        if destination.exists():
            previous = destination.with_name(f".{destination.name}.old")
            if previous.exists():
                shutil.rmtree(previous)
            destination.rename(previous)
        staging.rename(destination)
        if previous is not None:
            shutil.rmtree(previous, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
