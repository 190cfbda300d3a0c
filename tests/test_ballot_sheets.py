"""Ballots are one sheet, the same for every copy (format.md, "Ballots"; issue 8, point 1).

The ballots command prints every copy as a page of one file: by both routes (WeasyPrint, and the
DOCX laid out by LibreOffice) every page must be the same sheet, with no page number or any
other field; a ballot too long for one page is reported, never split.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from docgen.ballot_fit import ballot_fit_problems, ballot_pages, surely_fits
from docgen.compose.ballots import Ballot
from docgen.errors import InputError
from docgen.models import IssuerKind
from docgen.pagecheck import ballot_pages_identical, docx_page_fields, docx_to_pdf
from docgen.papers import write_ballots

from .conftest import PARTY_EXAMPLE, STATE_EXAMPLE


@pytest.fixture(scope="module")
def state_ballots(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("ballots")
    return write_ballots(
        STATE_EXAMPLE.with_suffix(".xlsx"), 2, out, copies=4, formats=("docx", "pdf")
    )


def test_every_copy_is_the_same_sheet_in_the_pdf(state_ballots: list[Path]) -> None:
    pdfs = [p for p in state_ballots if p.suffix == ".pdf"]
    assert pdfs
    for pdf in pdfs:
        from pypdf import PdfReader

        assert len(PdfReader(pdf).pages) == 4, pdf.name
        assert ballot_pages_identical(pdf) == []


def test_every_copy_is_the_same_sheet_in_libreoffice(state_ballots: list[Path]) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed (scripts/setup-system installs it)")
    docx = [p for p in state_ballots if p.suffix == ".docx"]
    for path in docx:
        assert docx_page_fields(path) == []
    converted = docx_to_pdf(docx, docx[0].parent / "lo")
    for pdf in converted:
        from pypdf import PdfReader

        assert len(PdfReader(pdf).pages) == 4, pdf.name
        assert ballot_pages_identical(pdf) == []


def _long(ballot: Ballot, rows: int) -> Ballot:
    section = ballot.context["sections"][0]
    many = [
        {**section["rows"][0], "index": i, "name": f"Nguyễn Văn Thử {i}"}
        for i in range(1, rows + 1)
    ]
    sections = [{**section, "rows": many}]
    return Ballot(ballot.file_name, ballot.titles, {**ballot.context, "sections": sections}, 1)


def _a_ballot() -> Ballot:
    from docgen.compose.ballots import step_ballots
    from docgen.papers import validated_round

    _, model, decision = validated_round(PARTY_EXAMPLE.with_suffix(".xlsx"))
    step = next(s for s in decision.procedure if s.number == 3)
    return step_ballots(model, decision, step, copies=1)[0]


def test_a_ballot_too_long_for_one_page_is_reported() -> None:
    ballot = _a_ballot()
    assert surely_fits(ballot.context)
    assert ballot_fit_problems([ballot], IssuerKind.PARTY, "round.xlsx") == []
    long = _long(ballot, 40)
    assert not surely_fits(long.context)
    assert ballot_pages(long.context, IssuerKind.PARTY) >= 2
    problems = ballot_fit_problems([long], IssuerKind.PARTY, "round.xlsx")
    assert len(problems) == 1
    assert "one sheet" in problems[0].message and "rows on 3 pages" in problems[0].found


def test_the_estimate_never_says_a_long_ballot_fits() -> None:
    """Wherever the estimate says "fits", the layout agrees (it may only be pessimistic)."""
    ballot = _a_ballot()
    for rows in (5, 8, 10, 12, 14, 16, 18, 20):
        long = _long(ballot, rows)
        if surely_fits(long.context):
            assert ballot_pages(long.context, IssuerKind.PARTY) == 1, rows


def test_the_ballots_command_refuses_a_ballot_past_one_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import docgen.papers as papers

    original = papers.step_ballots
    monkeypatch.setattr(
        papers,
        "step_ballots",
        lambda *args, **kwargs: [_long(b, 40) for b in original(*args, **kwargs)],
    )
    with pytest.raises(InputError) as raised:
        write_ballots(STATE_EXAMPLE.with_suffix(".xlsx"), 2, tmp_path / "out", copies=2)
    assert "one sheet" in str(raised.value.report.problems[-1])
    assert not (tmp_path / "out").exists()
