"""The docs stay true to the code: the workbook contract, the commands, the templates, the links.

docs/workbook.md must name every sheet and header of docgen.contract; docs/huong-dan.md every
command of ``docgen --help`` and every exit code; docs/mau-bieu.md every template; no page may
send readers to ../shared (users never have it); every relative link must reach a file.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from docgen.cli import main
from docgen.contract import PLAN_SHEET, SHEETS, Sheet
from docgen.render import template_root

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))


def _text(path: Path) -> str:
    return unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def test_the_guides_exist() -> None:
    names = {page.name for page in PAGES}
    assert {"huong-dan.md", "workbook.md", "mau-bieu.md"} <= names


@pytest.mark.parametrize("sheet", [*SHEETS, PLAN_SHEET], ids=lambda sheet: sheet.name)
def test_workbook_page_names_every_sheet_and_header(sheet: Sheet) -> None:
    page = _text(DOCS / "workbook.md")
    assert f"“{_nfc(sheet.name)}”" in page, sheet.name
    missing = [c.header for c in sheet.columns if f"| {_nfc(c.header)} |" not in page]
    assert not missing, f"headers of “{sheet.name}” not in a table of docs/workbook.md: {missing}"


def test_workbook_page_names_every_choice_of_a_closed_list() -> None:
    page = _text(DOCS / "workbook.md").casefold()
    for sheet in (*SHEETS, PLAN_SHEET):
        for column in sheet.columns:
            for label in column.choice_labels():
                assert _nfc(label).casefold() in page, (sheet.name, column.header, label)


def test_guide_names_every_command() -> None:
    page = _text(DOCS / "huong-dan.md")
    missing = [name for name in main.commands if f"`docgen {name}" not in page]
    assert not missing, f"commands of `docgen --help` not in docs/huong-dan.md: {missing}"


def test_guide_explains_every_exit_code() -> None:
    page = _text(DOCS / "huong-dan.md")
    table = page.split("## Mã kết thúc", 1)[1]
    for code in range(6):
        assert re.search(rf"^\| {code} \|", table, flags=re.MULTILINE), code


def test_template_page_names_every_template() -> None:
    page = _text(DOCS / "mau-bieu.md")
    root = template_root()
    templates = sorted(
        path.stem for kind in ("state", "party") for path in (root / kind).glob("*.docx")
    )
    assert templates, root
    missing = [name for name in templates if f"`{name}`" not in page]
    assert not missing, f"templates not in docs/mau-bieu.md: {missing}"


@pytest.mark.parametrize("page", [*PAGES, ROOT / "README.md"], ids=lambda page: page.name)
def test_no_page_points_at_the_shared_folder(page: Path) -> None:
    assert "../shared" not in _text(page)
    assert "shared/spec" not in _text(page)


@pytest.mark.parametrize("page", [*PAGES, ROOT / "README.md"], ids=lambda page: page.name)
def test_relative_links_reach_a_file(page: Path) -> None:
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", _text(page)):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        if not (page.parent / target.split("#", 1)[0]).exists():
            broken.append(target)
    assert not broken, f"{page.name} links to missing files: {broken}"


def test_readme_points_each_reader_to_their_page() -> None:
    start = _text(ROOT / "README.md").split("\n## ", 1)[0]
    for page in ("docs/huong-dan.md", "docs/workbook.md", "docs/mau-bieu.md"):
        assert page in start, page
