"""Shared fixtures: the example rounds, and a way to write a modified copy of one."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ROOT / "inputs"
STATE_EXAMPLE = INPUTS / "vpubnd-son-la-ra-soat-2022.yaml"
PARTY_EXAMPLE = INPUTS / "dang-uy-phuong-to-hieu-nhiem-ky-2025-2030.yaml"


@pytest.fixture(autouse=True)
def english(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages in English for every test (the existing tests assert English wording), unless
    the test is marked ``@pytest.mark.vietnamese``: then the default, Vietnamese."""
    from docgen.i18n import ENV, set_language

    if request.node.get_closest_marker("vietnamese") is not None:
        monkeypatch.delenv(ENV, raising=False)
        for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
            monkeypatch.delenv(name, raising=False)
    else:
        monkeypatch.setenv(ENV, "en")
    set_language(None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "vietnamese: run the test with Vietnamese messages")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="Rewrite the golden files from this run."
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def state_data() -> dict[str, Any]:
    return yaml.safe_load(STATE_EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def party_data() -> dict[str, Any]:
    return yaml.safe_load(PARTY_EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def write_round(tmp_path: Path) -> Callable[[dict[str, Any]], Path]:
    """Write a round dict as YAML into the test's folder and return its path."""

    def write(data: dict[str, Any], name: str = "round.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(copy.deepcopy(data), allow_unicode=True), encoding="utf-8")
        return path

    return write
