"""The plan outline: a Kế hoạch as numbered parts and items, for any plan, not only a round's.

A YAML file with ``kind: plan`` holds one (``docgen plan FILE``); a round's own plan is composed
into the same shape from its workbook (``docgen.compose.plan``). Text may carry inline marks:
``**bold**`` (deadlines), ``*italic*``, and ``[^1]`` for a footnote reference.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from docgen.models import (
    IssuerKindValue,
    Model,
    Name,
    OptionalDate,
    OptionalPartial,
    OptionalText,
    Text,
)
from docgen.vietnamese import normalize_text


def _paragraphs(value: Any) -> list[str]:
    """A list, or one text with a paragraph per line (a workbook cell)."""
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).splitlines()
    return [normalize_text(str(item)) for item in items if normalize_text(str(item))]


Paragraphs = Annotated[list[str], BeforeValidator(_paragraphs)]

__all__ = ["PlanIssuer", "PlanSignature", "PlanItem", "PlanOutline", "PlanSettings"]


class PlanIssuer(Model):
    """Who issues the plan: the header of format.md."""

    issuer_kind: IssuerKindValue
    parent_body: Text
    issuing_body: Text
    body_symbol: Text
    place: Text


class PlanSignature(Model):
    """The signature block: authority line (may be empty), position, name."""

    authority: OptionalText = None
    position: Text
    name: Name


class PlanItem(Model):
    """One numbered item of a plan, with its own paragraphs and sub-items.

    ``label`` is printed as given ("A.", "I-", "1.1.", "(1)"); when empty, the item is numbered by
    its depth: A., I., 1., 1.1., 1.1.1. ``heading`` is printed bold after the label; ``text`` and
    ``paragraphs`` follow as body paragraphs (the first joins the label when there is no
    heading). ``lead`` (chủ trì), ``advising`` (tham mưu), ``implementing`` (thực hiện),
    ``coordinating`` (phối hợp) and ``timeline`` (thời gian, printed bold) describe who does what.
    """

    label: OptionalText = None
    heading: OptionalText = None
    text: OptionalText = None
    paragraphs: list[str] = Field(default_factory=list)
    lead: OptionalText = None
    advising: OptionalText = None
    implementing: OptionalText = None
    coordinating: OptionalText = None
    timeline: OptionalText = None
    items: list[PlanItem] = Field(default_factory=list)


class PlanOutline(Model):
    """A whole plan: header, subject, preamble, parts, closing paragraphs, footnotes, Nơi nhận,
    signature. ``date`` may be partial ("03/2022" prints "ngày … tháng 3 năm 2022") or empty;
    ``number`` empty leaves the number for the registry. ``recipients`` are printed as given."""

    kind: str = Field("plan", pattern="^plan$")
    issuer: PlanIssuer
    number: OptionalText = None
    date: OptionalPartial = None
    subject: Text
    preamble: list[str] = Field(default_factory=list)
    parts: list[PlanItem] = Field(default_factory=list)
    closing: list[str] = Field(default_factory=list)
    footnotes: list[str] = Field(default_factory=list)
    recipients: list[str] = Field(default_factory=list)
    signature: PlanSignature


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
