"""The table layout applied to a template when it is compiled (docgen.docx_layout_static) gives
the same document as rendering the template and laying out the whole rendered tree
(docgen.docx_layout), for every shipped paper, the 2,000-row table, and templates built around
each condition; a template that breaks a condition is laid out whole."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from docgen.docx_engine import compiled_template
from docgen.docx_layout import apply_layout, apply_layout_body
from docgen.docx_layout_static import plan_layout
from docgen.render import jinja_environment, render_docx, template_path, template_root

from .test_docx_engine import PAPERS

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _assert_laid_out_alike(path: Path, context: dict[str, Any]) -> None:
    whole = _parts(apply_layout(compiled_template(path, jinja_environment).render(context)))
    ours = _parts(render_docx(path, context))
    assert list(ours) == list(whole)
    for name in whole:
        assert ours[name] == whole[name], f"{path.name}: {name} differs from the whole layout"


@pytest.mark.parametrize(("name", "kind", "paper"), PAPERS, ids=[c[0] for c in PAPERS])
def test_every_paper_is_laid_out_as_its_whole_tree_would_be(name: str, kind, paper) -> None:  # type: ignore[no-untyped-def]
    _assert_laid_out_alike(template_path(template_root(), kind, paper.template), paper.context)


@pytest.mark.parametrize("rows", [0, 1, 2, 300])
def test_the_summary_table_is_laid_out_alike_and_planned(rows: int) -> None:
    from common import big_table

    kind, paper = big_table(rows)
    path = template_path(template_root(), kind, paper.template)
    compiled = compiled_template(path, jinja_environment)
    assert compiled._static_layout() is not None  # the fast path is the one tested
    _assert_laid_out_alike(path, paper.context)


def test_the_shipped_papers_on_the_string_path_are_planned() -> None:
    planned = set()
    for _, kind, paper in PAPERS:
        path = template_path(template_root(), kind, paper.template)
        if compiled_template(path, jinja_environment)._static_layout() is not None:
            planned.add(paper.template)
    assert {"summary_review", "trich_ngang", "submission", "minutes"} <= planned


# Templates built around each condition, compared at the level of the body: the whole layout
# of a render against the plan's source rendered, as lxml writes it, with the plan applied.

P = '<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'
EMPTY_P = "<w:p/>"


def cell(text: str, span: int = 1, properties: str = "") -> str:
    span_xml = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    return f'<w:tc><w:tcPr><w:tcW w:w="100" w:type="dxa"/>{span_xml}</w:tcPr>{P.format(text=text)}</w:tc>'.replace(
        "<w:pPr>", f"<w:pPr>{properties}", 1
    )


def row(*cells: str, header: bool = False) -> str:
    properties = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
    return f"<w:tr>{properties}{''.join(cells)}</w:tr>"


def table(name: str, rows: str, columns: int = 6) -> str:
    grid = '<w:gridCol w:w="100"/>' * columns
    return (
        f'<w:tbl><w:tblPr><w:tblCaption w:val="docgen-layout:{name}"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>"
    )


HEADER = row(*(cell(f"H{i}") for i in range(6)), header=True)
NUMBERS = row(*(cell(f"({i})") for i in range(6)))
DATA = row(*(cell(f"{{{{ r.c{i} }}}}") for i in range(6)))
GROUP = row(cell("{{ g.label }}"), cell("{{ g.name }}", span=5))
SIGNATURE = table("signature", row(cell("{{ who }}"), cell("Ký")), columns=2)
SECTION = (
    '<w:sectPr><w:pgSz w:w="16838" w:h="11906"/><w:pgMar w:left="1134" w:right="1134"/></w:sectPr>'
)


def body(*elements: str) -> str:
    return f'<w:body xmlns:w="{W}">{"".join(elements)}{SECTION}</w:body>'


LOOP = "{% for r in rows %}" + DATA + "{% endfor %}"
GROUPS = (
    "{% for g in groups %}" + GROUP + "{% for r in g.rows %}" + DATA + "{% endfor %}{% endfor %}"
)
PLANNED = {
    "a table under a condition": body(
        "{% if show %}", table("results", HEADER + LOOP), "{% endif %}", SIGNATURE
    ),
    "jinja before the signature": body(
        table("results", HEADER + LOOP), P.format(text="{{ note }}"), SIGNATURE
    ),
    "tables in a loop, each with a signature": body(
        "{% for g in groups %}",
        P.format(text="{{ g.name }}"),
        table("results", HEADER + "{% for r in g.rows %}" + DATA + "{% endfor %}"),
        EMPTY_P,
        SIGNATURE,
        "{% endfor %}",
    ),
    "a signature at the start, two at the end": body(
        SIGNATURE, P.format(text="Kính gửi"), table("results", HEADER + LOOP), SIGNATURE, SIGNATURE
    ),
    "a paragraph before the signature under a condition": body(
        table("results", HEADER + LOOP),
        "{% if note %}",
        P.format(text="Ghi chú"),
        "{% endif %}",
        SIGNATURE,
    ),
    "header and a loop": body(table("results", HEADER + LOOP), EMPTY_P, SIGNATURE),
    "numbers row is the first data row": body(
        table("results", HEADER + NUMBERS + LOOP), P.format(text="Nơi nhận"), SIGNATURE
    ),
    "groups, some empty": body(table("results", HEADER + GROUPS), EMPTY_P, EMPTY_P, SIGNATURE),
    "group or data by if": body(
        table(
            "results",
            HEADER
            + "{% for r in rows %}{% if r.group %}"
            + GROUP.replace("g.", "r.")
            + "{% else %}"
            + DATA
            + "{% endif %}{% endfor %}",
        ),
        SIGNATURE,
    ),
    "not a docgen table name": body(table("mine", HEADER + LOOP), SIGNATURE),
    "jinja in runs and conditional paragraphs": body(
        table(
            "results",
            HEADER
            + "{% for r in rows %}"
            + DATA.replace(
                "</w:tc></w:tr>",
                "{% if r.c1 %}" + P.format(text="{{ r.c1 }}") + "{% endif %}</w:tc></w:tr>",
            )
            .replace("<w:r>", "{% if r.c2 %}<w:r>", 1)
            .replace("</w:r>", "</w:r>{% endif %}", 1)
            + "{% endfor %}",
        ),
        SIGNATURE,
    ),
    "a maintainer's own alt text": body(
        table("results", HEADER + LOOP),
        '<w:tbl><w:tblPr><w:tblCaption w:val="Bảng của tôi"/></w:tblPr><w:tblGrid/>'
        + row(cell("x"))
        + "</w:tbl>",
        SIGNATURE,
    ),
}
REFUSED = {
    "an expression between the body's paragraphs": body(
        table("results", HEADER + LOOP), "{{ extra }}", EMPTY_P, SIGNATURE
    ),
    "a table in a cell of a signature table": body(
        table("results", HEADER + LOOP),
        SIGNATURE.replace("<w:p>", "<w:p/>" + table("x", row(cell("y"))) + "<w:p>", 1),
    ),
    "jinja in paragraph properties": body(
        table(
            "results",
            HEADER + LOOP.replace("<w:pPr>", "<w:pPr>{% if r.k %}<w:keepNext/>{% endif %}", 1),
        ),
        SIGNATURE,
    ),
    "a cell under a condition": body(
        table(
            "results",
            HEADER
            + "{% for r in rows %}"
            + DATA.replace("<w:tc>", "{% if r.c0 %}<w:tc>", 1).replace(
                "</w:tc>", "</w:tc>{% endif %}", 1
            )
            + "{% endfor %}",
        ),
        SIGNATURE,
    ),
    "the widest row in a loop": body(table("results", row(cell("a"), cell("b")) + LOOP), SIGNATURE),
    "a nested table": body(
        table(
            "results",
            HEADER
            + row(
                *(cell("x") for i in range(5)),
                "<w:tc>" + table("x", row(cell("y"))) + "<w:p/></w:tc>",
            ),
        ),
        SIGNATURE,
    ),
    "an expression between rows": body(table("results", HEADER + "{{ extra }}" + LOOP), SIGNATURE),
}
CONTEXTS = [
    {"rows": [], "groups": [], "who": "A", "show": False, "note": ""},
    {
        "rows": [
            {f"c{i}": "" for i in range(6)}
            | {"c0": "1", "c2": "x", "group": True, "label": "I", "name": "Nhóm"}
        ]
        + [{f"c{i}": f"v{i}" for i in range(6)} | {"group": False} for _ in range(3)],
        "groups": [
            {"label": "I", "name": "Trống", "rows": []},
            {"label": "II", "name": "Hai", "rows": [{f"c{i}": f"w{i}" for i in range(6)}] * 2},
        ],
        "who": "B",
        "show": True,
        "note": "có",
    },
]


def _whole(source: str, context: dict[str, Any]) -> bytes:
    tree = etree.fromstring(jinja_environment().from_string(source).render(context).encode())
    apply_layout_body(tree)
    return etree.tostring(tree, encoding="UTF-8")


def _planned(source: str, context: dict[str, Any]) -> bytes | None:
    plan = plan_layout(source)
    assert plan is not None
    rendered = jinja_environment().from_string(plan.source).render(context)
    as_lxml = etree.tostring(etree.fromstring(rendered.encode()), encoding="UTF-8")
    return plan.apply(as_lxml)


@pytest.mark.parametrize("name", PLANNED)
@pytest.mark.parametrize("context", range(len(CONTEXTS)))
def test_a_planned_template_renders_as_its_whole_layout(name: str, context: int) -> None:
    source = PLANNED[name]
    assert _planned(source, CONTEXTS[context]) == _whole(source, CONTEXTS[context])


def test_the_whole_layout_changes_what_these_templates_render() -> None:
    # Else the comparison above would hold for a plan that did nothing.
    for source in PLANNED.values():
        rendered = jinja_environment().from_string(source).render(CONTEXTS[1])
        plain = etree.tostring(etree.fromstring(rendered.encode()), encoding="UTF-8")
        assert _whole(source, CONTEXTS[1]) != plain


@pytest.mark.parametrize("name", REFUSED)
def test_a_template_breaking_a_condition_is_laid_out_whole(name: str) -> None:
    assert plan_layout(REFUSED[name]) is None


def test_a_render_without_tables_is_left_as_it_is() -> None:
    plan = plan_layout(PLANNED["a table under a condition"])
    assert plan is not None
    rendered = f'<w:body xmlns:w="{W}"><w:p/></w:body>'.encode()
    assert plan.apply(rendered) is rendered


# Templates drawn at random from the shapes above, rendered with random contexts: every one is
# planned, and renders as its whole layout.

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

ROW_SHAPES = {
    "data": DATA.replace("r.", "d."),
    "group": GROUP.replace("g.", "d."),
    "numbers": NUMBERS,
    "loop": "{% for d in rows %}" + DATA.replace("r.", "d.") + "{% endfor %}",
    "if": "{% if flag %}" + DATA.replace("r.", "d.") + "{% endif %}",
    "groups": "{% for d in groups %}"
    + GROUP.replace("g.", "d.")
    + "{% for r in d.rows %}"
    + DATA
    + "{% endfor %}{% endfor %}",
}
BETWEEN = {
    "empty": EMPTY_P,
    "text": P.format(text="Nơi nhận"),
    "jinja": P.format(text="{{ note }}"),
    "if": "{% if flag %}" + P.format(text="Ghi chú") + "{% endif %}",
    "loop": "{% for d in rows %}" + EMPTY_P + "{% endfor %}",
}


@st.composite
def templates(draw: st.DrawFn) -> str:
    elements = []
    for _ in range(draw(st.integers(1, 3))):
        headers = HEADER * draw(st.integers(0, 2))
        shapes = draw(st.lists(st.sampled_from(sorted(ROW_SHAPES)), max_size=4))
        # A static row as wide as any: the widest row is outside Jinja blocks.
        rows = headers + (NUMBERS if not headers else "") + "".join(ROW_SHAPES[s] for s in shapes)
        name = draw(st.sampled_from(["results", "mine"]))
        element = table(name, rows)
        wrap = draw(st.sampled_from(["", "if", "for"]))
        if wrap == "if":
            element = "{% if flag %}" + element + "{% endif %}"
        elif wrap == "for":
            element = "{% for d in groups %}" + element + "{% endfor %}"
        elements.append(element)
        elements += [
            BETWEEN[b] for b in draw(st.lists(st.sampled_from(sorted(BETWEEN)), max_size=3))
        ]
        if draw(st.booleans()):
            elements.append(SIGNATURE)
    if draw(st.booleans()):
        elements.insert(0, SIGNATURE)
    return body(*elements)


def data_row(tag: str) -> dict[str, str]:
    return {f"c{i}": f"{tag}{i}" for i in range(6)} | {"label": tag, "name": f"Nhóm {tag}"}


contexts = st.builds(
    lambda rows, groups, flag, note: {
        "rows": [data_row(f"r{i}") for i in range(rows)],
        "groups": [data_row(f"g{i}") | {"rows": [data_row("x")] * n} for i, n in enumerate(groups)],
        "flag": flag,
        "note": note,
        "who": "Nguyễn Văn A",
        "d": data_row("s"),  # the static rows' values
    },
    st.integers(0, 3),
    st.lists(st.integers(0, 2), max_size=3),
    st.booleans(),
    st.sampled_from(["", "có", " "]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(templates(), contexts)
def test_random_templates_are_planned_and_render_as_their_whole_layout(
    source: str, context: dict[str, Any]
) -> None:
    assert plan_layout(source) is not None
    assert _planned(source, context) == _whole(source, context)
