"""The plan outline: a Kế hoạch as numbered parts and items, for any plan, not only a round's.

A YAML file with ``kind: plan`` holds one (``docgen plan FILE``); a round's own plan is composed
into the same shape from its workbook (``docgen.compose.plan``). Text may carry inline marks:
``**bold**`` (deadlines), ``*italic*``, and ``[^1]`` for a footnote reference. The field reference
for maintainers is docs/ke-hoach.md; the JSON Schema docs/plan.schema.json (``docgen schema
--plan``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema, model_validator

from docgen.i18n import _, ngettext
from docgen.models import (
    IssuerKindValue,
    Model,
    Name,
    OptionalDate,
    OptionalPartial,
    OptionalText,
)
from docgen.values import BadValue, is_blank, quoted
from docgen.vietnamese import normalize_text


def _paragraphs(value: Any) -> list[str]:
    """A list, or one text with a paragraph per line (a workbook cell)."""
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).splitlines()
    return [normalize_text(str(item)) for item in items if normalize_text(str(item))]


def _outline_text(value: Any) -> Any:
    """Text of an outline, never a number read as one: ``label: 1.`` that a YAML reader made 1.0
    would print "1.0". The outline reader keeps plain YAML scalars as text (docgen.plan_load), so
    a number here comes from JSON: refused, with the quotes to add."""
    if value is None or isinstance(value, str):
        return None if value is None or is_blank(value) else normalize_text(value)
    if isinstance(value, bool | int | float | dict | list | tuple):
        raise BadValue(_("text"), shown=found_phrase(value))
    return normalize_text(str(value))


def found_phrase(value: Any) -> str:
    """What a value is, for a message: “text” quoted, "a number (1.0; write it in quotes)",
    "yes/no (true)", "a list of 2 items", "a group of named fields"."""
    if isinstance(value, bool):
        return _("yes/no ({value}; write it in quotes)").format(value=str(value).lower())
    if isinstance(value, int | float):
        return _("a number ({value}; write it in quotes)").format(value=value)
    if isinstance(value, dict):
        return _("a group of named fields")
    if isinstance(value, list | tuple):
        return ngettext("a list of {count} item", "a list of {count} items", len(value)).format(
            count=len(value)
        )
    return quoted(value)


def _required(value: Any) -> Any:
    if value is None:
        raise BadValue(_("text"))
    return value


def _text_list(value: Any) -> Any:
    """A list of texts; one text alone is a list of one."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return value


PlanText = Annotated[str | None, BeforeValidator(_outline_text)]
"""Optional text of an outline (None when empty); numbers are refused (see ``_outline_text``)."""
RequiredText = Annotated[str, BeforeValidator(_outline_text), AfterValidator(_required)]
TextItems = Annotated[
    list[Annotated[str, BeforeValidator(_outline_text), AfterValidator(_required)]],
    BeforeValidator(_text_list),
]
Paragraphs = Annotated[list[str], BeforeValidator(_paragraphs)]

_TOKEN = re.compile(r"(?<![^\W\d_])(?:1(?:\.1)*|I|i|A|a)(?![^\W\d_])")
"""The counter of a pattern: A, a, I, i, 1 or nested 1.1, not inside a word ("Điều 1.")."""


def _pattern(value: Any) -> Any:
    """One numbering pattern: text around one counter (A, a, I, i, 1, or nested 1.1, 1.1.1);
    without a counter, a fixed mark ("-", "+")."""
    text = _outline_text(value)
    if text is None:
        raise BadValue(_("a numbering pattern such as “I-”, “1.”, “1.1.”, “a)” or “(1)”"))
    return text


NumberingPattern = Annotated[str, BeforeValidator(_pattern)]
Numbering = Annotated[list[NumberingPattern], BeforeValidator(_text_list)]

PARTY_NUMBERING = ("I-", "1.", "1.1.", "1.1.1.", "a)")
"""Default numbering of a Party plan's parts and items by depth (the plans of the Thành ủy and
its wards: "I- / 1. / 1.1. / 1.1.1. / a)")."""
STATE_NUMBERING = ("I.", "1.", "1.1.", "a)")
"""Default numbering of a State plan (Nghị định 30/2020/NĐ-CP, Phụ lục I: "I. / 1. / 1.1. / a)")."""

__all__ = [
    "PARTY_NUMBERING",
    "STATE_NUMBERING",
    "PlanAnnex",
    "PlanIssuer",
    "PlanItem",
    "PlanOutline",
    "PlanSettings",
    "PlanSignature",
    "PlanTable",
    "RoleLabels",
    "RoleStyle",
    "number_label",
    "plan_schema",
]


def number_label(pattern: str, chain: list[int]) -> str:
    """The label of an item numbered by ``pattern``: ``chain`` holds the 1-based positions of the
    item's ancestors and its own, the item's last. "I-" with [2] → "II-"; "1.1." with [3, 2] →
    "3.2."; "a)" with [1, 4] → "d)"; "(1)" → "(4)"; a pattern with no counter ("-") as it is."""
    from docgen.vietnamese import letter_label, roman_numeral

    match = _TOKEN.search(pattern)
    if match is None:
        return pattern
    token = match.group()
    index = chain[-1]
    if token.startswith("1"):
        depth = token.count("1")
        numbers = ([1] * depth + chain)[-depth:]
        counter = ".".join(str(n) for n in numbers)
    elif token in {"I", "i"}:
        counter = roman_numeral(index)
        counter = counter if token == "I" else counter.lower()
    else:
        counter = letter_label(index)
        counter = counter if token == "A" else counter.lower()
    return pattern[: match.start()] + counter + pattern[match.end() :]


PlanIssuerKind = Annotated[
    IssuerKindValue,
    WithJsonSchema(
        {
            "type": "string",
            "enum": ["Đảng", "Nhà nước", "party", "state"],
            "description": "Khối: Đảng (Party layout, Hướng dẫn 36-HD/VPTW) or Nhà nước (State "
            "layout, Nghị định 30/2020/NĐ-CP)",
        }
    ),
]


class PlanIssuer(Model):
    """Who issues the plan: the header of format.md. ``parent_body`` (cơ quan cấp trên) empty or
    missing: the header has no parent line (a Thành ủy directly under the Central Committee)."""

    issuer_kind: PlanIssuerKind
    parent_body: PlanText = None
    issuing_body: RequiredText
    body_symbol: RequiredText
    place: RequiredText


class PlanSignature(Model):
    """The signature block: authority line (may be empty), position, name."""

    authority: PlanText = None
    position: RequiredText
    name: Name


class RoleLabels(Model):
    """The words of the role lines (vai trò), in the plan's own wording: "Chủ trì" or "Cơ quan
    lãnh đạo", "Tham mưu" or "Cơ quan tham mưu", and so on."""

    lead: RequiredText = "Chủ trì"
    advising: RequiredText = "Tham mưu"
    implementing: RequiredText = "Thực hiện"
    coordinating: RequiredText = "Phối hợp"
    timeline: RequiredText = "Thời gian"


class RoleStyle(Model):
    """How the role lines of an item are printed: "- Chủ trì: Sở Nội vụ." by default.

    ``bullet``: "-", "+", "" (none) or "numbered" (the line is numbered as the item's next
    sub-item, "1.1.4. Thời gian: …", printed after the sub-items). ``italic_labels``: "*Cơ quan
    lãnh đạo*:". ``combine``: roles held by the same body make one line, the labels' shared
    first words said once ("Cơ quan lãnh đạo, thực hiện: …"). ``end``: added after the text
    unless it already ends with a punctuation mark. ``bold_timeline``: the whole timeline bold
    (otherwise write ``**…**`` around the date).
    """

    labels: RoleLabels = Field(default_factory=RoleLabels)
    bullet: Literal["-", "+", "", "numbered"] = "-"
    italic_labels: bool = False
    combine: bool = False
    end: str = "."
    bold_timeline: bool = True


class PlanTable(Model):
    """A table inside an item (bảng): ``header`` the first row, printed bold and repeated on
    every page; ``rows`` the cells, each row as long as the header (or as the first row)."""

    header: TextItems = Field(default_factory=list)
    rows: list[TextItems] = Field(default_factory=list)


class PlanItem(Model):
    """One numbered item of a plan, with its own paragraphs and sub-items.

    ``label`` is printed as given ("A.", "I-", "1.1.", "(1)"), always as text; when empty, the
    item is numbered by the numbering in effect (``PlanOutline.numbering``, or the ``numbering``
    of an enclosing item, which numbers that item's sub-items). ``heading`` is printed bold after
    the label; ``text`` and ``paragraphs`` follow as body paragraphs (the first joins the label
    when there is no heading). ``lead`` (chủ trì / cơ quan lãnh đạo), ``advising`` (tham mưu),
    ``implementing`` (thực hiện), ``coordinating`` (phối hợp) and ``timeline`` (thời gian) are
    printed as role lines, worded by ``role_style`` (here, or the outline's). ``table`` follows the
    paragraphs.
    """

    label: PlanText = None
    heading: PlanText = None
    text: PlanText = None
    paragraphs: TextItems = Field(default_factory=list)
    lead: PlanText = None
    advising: PlanText = None
    implementing: PlanText = None
    coordinating: PlanText = None
    timeline: PlanText = None
    role_style: RoleStyle | None = None
    table: PlanTable | None = None
    numbering: Numbering | None = None
    items: list[PlanItem] = Field(default_factory=list)


class PlanAnnex(Model):
    """A Phụ lục after the signature, on a new page: ``title`` ("PHỤ LỤC"), ``subject`` under it,
    then ``paragraphs``, numbered ``items`` and a ``table``."""

    title: RequiredText = "PHỤ LỤC"
    subject: PlanText = None
    paragraphs: TextItems = Field(default_factory=list)
    items: list[PlanItem] = Field(default_factory=list)
    table: PlanTable | None = None


class PlanOutline(Model):
    """A whole plan: header, subject, preamble, parts, closing paragraphs, footnotes, Nơi nhận,
    signature, annexes. ``date`` may be partial ("03/2022" prints "ngày … tháng 3 năm 2022") or
    empty; ``number`` empty leaves the number for the registry. ``numbering``: one pattern per
    depth (default ``PARTY_NUMBERING`` or ``STATE_NUMBERING`` by the issuer's kind).
    ``recipients`` are printed as given; a recipient's line break continues it on an indented
    line. ``tight``: list paragraphs without space between them. ``footnotes[n-1]`` is the text of
    mark ``[^n]``, printed at the foot of the page that cites it."""

    kind: Literal["plan"] = "plan"
    issuer: PlanIssuer
    number: PlanText = None
    date: OptionalPartial = None
    subject: RequiredText
    numbering: Numbering | None = None
    role_style: RoleStyle = Field(default_factory=RoleStyle)
    tight: bool = False
    preamble: TextItems = Field(default_factory=list)
    parts: list[PlanItem] = Field(default_factory=list)
    closing: TextItems = Field(default_factory=list)
    footnotes: TextItems = Field(default_factory=list)
    recipients: TextItems = Field(default_factory=list)
    signature: PlanSignature
    annexes: list[PlanAnnex] = Field(default_factory=list)

    @model_validator(mode="after")
    def _footnotes_cited_once_in_order(self) -> PlanOutline:
        """Each footnote is cited once, [^1] first, then [^2] …: Word and the PDF number
        footnotes in the order they appear, so the marks must agree with that order."""
        marks = [m for text in _texts(self) for m in re.findall(r"\[\^(\w+)\]", text)]
        expected = [str(n) for n in range(1, len(self.footnotes) + 1)]
        if marks != expected:
            shown = ", ".join(f"[^{m}]" for m in marks) or _("no mark")
            wanted = ", ".join(f"[^{m}]" for m in expected) or _("no mark")
            problem = BadValue(
                _("the marks {marks} in the text, each once and in this order").format(
                    marks=wanted
                ),
                shown=_("{marks} for {count} footnotes").format(
                    marks=shown, count=len(self.footnotes)
                ),
            )
            problem.field = "footnotes"  # type: ignore[attr-defined]
            raise problem
        return self


def _texts(value: Any) -> list[str]:
    """Every text of an outline, in reading order (footnotes themselves left out)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for item in value for t in _texts(item)]
    if isinstance(value, Model):
        return [
            t
            for name in type(value).model_fields
            if name != "footnotes"
            for t in _texts(getattr(value, name))
        ]
    return []


class PlanSettings(Model):
    """Kế hoạch: what a round's plan needs beyond the round itself (sheet "Kế hoạch", optional).

    Empty lists take docgen's default wording; ``deadline`` is the date the round must be done
    by (printed bold), defaulting to the submission's date.
    """

    number: OptionalText = None
    date: OptionalPartial = None
    signing_authority: OptionalText = None
    signer_position: OptionalText = None
    signer_name: OptionalText = None
    purposes: Paragraphs = Field(default_factory=list)
    organisation: Paragraphs = Field(default_factory=list)
    deadline: OptionalDate = None


def plan_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a plan outline, from ``PlanOutline`` (published as
    docs/plan.schema.json; ``docgen schema --plan``)."""
    schema = PlanOutline.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "docgen plan outline",
        **{key: value for key, value in schema.items() if key != "title"},
    }
