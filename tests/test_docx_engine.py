"""The compiled DOCX engine renders exactly what docxtpl renders, part by part, for every document
of both examples and for values that exercise each of its paths; and its output is deterministic."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from docgen.compose.plan import rich_text
from docgen.docx_engine import CompiledDocx, compiled_template
from docgen.dossier import plan_documents
from docgen.models import IssuerKind
from docgen.render import (
    Paper,
    jinja_environment,
    render_docx,
    render_docx_plain,
    template_path,
    template_root,
)
from docgen.validate import validate_path

from .conftest import PARTY_EXAMPLE, STATE_EXAMPLE


def _papers() -> list[tuple[str, IssuerKind, Paper]]:
    cases = []
    for example in (STATE_EXAMPLE, PARTY_EXAMPLE):
        validated = validate_path(example)
        assert validated.model is not None and validated.decision is not None
        kind = validated.model.info.issuer_kind
        for paper in plan_documents(validated.model, validated.decision):
            cases.append((f"{kind.value}/{paper.file_name}", kind, paper))
    return cases


PAPERS = _papers()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _assert_same(path: Path, context: dict[str, Any]) -> None:
    # The compiled engine itself (render_docx then applies docgen.docx_layout to either).
    rendered = compiled_template(path, jinja_environment).render(context)
    plain, compiled = _parts(render_docx_plain(path, context)), _parts(rendered)
    assert list(compiled) == list(plain)
    for name in plain:
        assert compiled[name] == plain[name], f"{path.name}: part {name} differs from docxtpl's"


@pytest.mark.parametrize(("name", "kind", "paper"), PAPERS, ids=[c[0] for c in PAPERS])
def test_each_document_is_identical_to_a_plain_docxtpl_render(
    name: str, kind: IssuerKind, paper: Paper
) -> None:
    _assert_same(template_path(template_root(), kind, paper.template), paper.context)


def _minutes() -> tuple[Path, dict[str, Any]]:
    _, kind, paper = next(c for c in PAPERS if c[2].template == "minutes")
    return template_path(template_root(), kind, paper.template), dict(paper.context)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "Trích \"dẫn\" và 'nháy'",
        "A & B < C > D",
        "dòng một\ndòng hai",
        "tab\there",
        "lạ\x0bký tự",
        "xuống\r\ndòng",
        "{_{ không phải thẻ }_}",
        "&#34; &amp;",
    ],
)
def test_awkward_values_render_as_docxtpl_renders_them(value: str) -> None:
    path, context = _minutes()
    context["opening"] = value
    context["committee"] = [{"name": value, "role": ""}]
    _assert_same(path, context)


def test_rich_text_renders_as_docxtpl_renders_it() -> None:
    _, kind, paper = next(c for c in PAPERS if c[2].template == "plan")
    context = dict(paper.context)
    context["blocks"] = [
        rich_text(""),
        rich_text("**in đậm** và *nghiêng*[^1]"),
        *context["blocks"][:3],
    ]
    _assert_same(template_path(template_root(), kind, "plan"), context)


def test_output_is_deterministic_and_compiled_once() -> None:
    path, context = _minutes()
    first = CompiledDocx(path, jinja_environment())
    assert first.render(context) == first.render(context)
    assert render_docx(path, context) == render_docx(path, context)
    with zipfile.ZipFile(io.BytesIO(render_docx(path, context))) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_long_table_renders_as_docxtpl_renders_it() -> None:
    _, kind, paper = next(c for c in PAPERS if c[2].template == "summary_review")
    context = dict(paper.context)
    people = [row for row in context["rows"] if not row["group"]]
    context["rows"] = [{"group": True, "label": "A", "name": "NHÓM"}] + [
        {**people[i % len(people)], "index": i + 1, "name": f"Người thứ {i}"} for i in range(400)
    ]
    _assert_same(template_path(template_root(), kind, paper.template), context)


def test_dict_items_are_looked_up_as_jinja_looks_them_up() -> None:
    # LimitedSandbox.getattr takes a dict's item first: the same values as Jinja's own lookup.
    from jinja2 import UndefinedError
    from jinja2.sandbox import SandboxedEnvironment

    ours, theirs = jinja_environment(), SandboxedEnvironment(autoescape=True)
    source = "{{ r.name }}|{{ r['items'] }}|{{ r.items is callable }}|{{ r.keys() | list }}"
    row = {"name": "Lê <Văn> A", "items": 2}
    assert ours.from_string(source).render(r=row) == theirs.from_string(source).render(r=row)
    with pytest.raises(UndefinedError):
        ours.from_string("{{ r.name }}").render(r={"x": 1})
