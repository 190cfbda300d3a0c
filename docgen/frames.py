"""Room on CPython's frame stack for a deep recursion (WeasyPrint's layout and drawing).

CPython 3.11 keeps the frames of a thread in chunks of 16 KiB and frees a chunk as soon as the
calls return below it; a loop whose calls cross a chunk's edge maps and unmaps memory on every
call (CPython issue gh-142183, "Calls across stack chunks perform badly"; fixed from 3.13 by
keeping a chunk). Where the edge falls depends on the depth the work starts at: a forked
worker started by multiprocessing lays out the same table about a third slower than one
started by os.fork, its time spent in mmap, munmap and page faults.

``with_room(call)`` runs ``call`` from a frame of about 264 KB: the frame is given a chunk of
512 KiB, and ``call``'s own frames use the ~240 KB left in it before any edge. Nothing else
changes (the same calls, the same results).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TypeVar

__all__ = ["with_room", "prepare"]

T = TypeVar("T")

ROOM_SLOTS = 33_000
"""Local variables of the roomy frame: 8 bytes each, just over 256 KiB in all, so CPython
gives it a chunk of 512 KiB (chunk sizes double from 16 KiB until the frame fits)."""


@cache
def prepare() -> Callable[[Callable[[], T]], T]:
    """The function whose frame makes the room (compiled once per process, in about 0.1 s;
    call it before forking so that workers inherit it)."""
    names = "=".join(f"v{i}" for i in range(ROOM_SLOTS))
    source = f"def run(call):\n    if call is None:\n        {names} = None\n    return call()\n"
    namespace: dict[str, object] = {}
    exec(compile(source, "<docgen.frames>", "exec"), namespace)  # noqa: S102 - our own source
    return namespace["run"]  # type: ignore[return-value]


def with_room(call: Callable[[], T]) -> T:
    """``call()``, run from a frame that leaves it ~240 KB of frame stack in one chunk."""
    return prepare()(call)
