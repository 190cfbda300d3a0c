"""docgen.frames runs a call from a roomy frame: the same result, the same errors."""

from __future__ import annotations

import sys

import pytest

from docgen.frames import ROOM_SLOTS, with_room


def test_the_call_runs_from_the_roomy_frame_and_returns_its_value() -> None:
    def call() -> int:
        return sys._getframe(1).f_code.co_nlocals

    assert with_room(call) >= ROOM_SLOTS


def test_errors_pass_through() -> None:
    def call() -> None:
        raise KeyError("x")

    with pytest.raises(KeyError):
        with_room(call)
