"""Import a plan (Kế hoạch) written in Word: a .docx → a plan outline (``docgen plan FILE``).

Last year's plan is where a template maintainer starts. ``plan_from_docx`` recognises, in the
layouts of format.md (Party: Hướng dẫn 36-HD/VPTW; State: Nghị định 30/2020/NĐ-CP):

- the header, a two-column table or tab-separated lines: parent body (cơ quan chủ quản), issuing
  body (cơ quan ban hành), "Số …-KH/…" or "Số: …/KH-…" (number and body symbol), the place and
  date line, and the issuer's kind from the national name (ĐẢNG CỘNG SẢN VIỆT NAM or CỘNG HÒA XÃ
  HỘI CHỦ NGHĨA VIỆT NAM);
- the title "KẾ HOẠCH" and the subject (trích yếu) under it;
- the body: the preamble, then items numbered "A." / "A-", "I." / "I-", "1.", "1.1.", "1.1.1.",
  "a)", "(1)" (typed or numbered by Word), nested by the kind of their label; an item whose text
  after the label is all bold is a heading; other paragraphs (bullets "- ", "+ " included) belong
  to the item above them; bold and italic runs become ``**bold**`` and ``*italic*``; footnotes
  (Word's own, or superscript numbers with their notes after the body) become ``[^n]`` and
  ``footnotes``;
- Nơi nhận (recipients) and the signature block (authority line, position, name).

Every item keeps its printed label (``label:``), so ``docgen plan`` prints the same text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import yaml
from pydantic import ValidationError

from docgen.docx_read import NotWordDocument, Paragraph, Run, Table, WordDocument, read_docx
from docgen.errors import InputError, Location, Problem, Report, Severity
from docgen.i18n import _
from docgen.models import IssuerKind
from docgen.plan_body import Body, Notes, marked, note_number
from docgen.plan_model import PlanOutline
from docgen.vietnamese import fold_key, normalize_text

__all__ = ["import_plan", "outline_yaml", "plan_from_docx"]

_NUMBER = re.compile(
    r"^Số\s*:?\s*(?P<number>.*?)\s*(?P<first>[-/])\s*(?P<type>[^\W\d_]+)\s*(?P<second>[-/])\s*"
    r"(?P<symbol>\S+)\s*$"
)
_DATE = re.compile(
    r"^(?P<place>[^,]+?)\s*,\s*ngày\s*(?P<day>\d{0,2})\s*tháng\s*(?P<month>\d{0,2})\s*năm\s*"
    r"(?P<year>\d{0,4})\s*\.?$"
)
_RULE = re.compile(r"^[\s\-_*–—=.]*$")
_SIGNED = re.compile(r"^\(.*\)$")
_PARTY = "đảng cộng sản việt nam"
_STATE = "xã hội chủ nghĩa việt nam"


@dataclass
class _Line:
    text: str
    bold: bool


def _lines(paragraphs: list[Paragraph]) -> list[_Line]:
    """The lines of ``paragraphs``, split at tabs and line breaks, with whether each is bold."""
    lines: list[_Line] = []
    for paragraph in paragraphs:
        current: list[Run] = []
        for run in [*paragraph.runs, Run("\n")]:
            if run.text in {"\t", "\n"}:
                text = " ".join("".join(r.text for r in current).split())
                if text:
                    words = [r for r in current if r.text.strip()]
                    lines.append(_Line(normalize_text(text), all(r.bold for r in words)))
                current = []
            else:
                current.append(run)
    return lines


def _cells(block: Paragraph | Table) -> list[Paragraph]:
    if isinstance(block, Table):
        return [p for row in block.rows for cell in row for p in cell]
    return [block]


class _Importer:
    def __init__(self, path: Path, document: WordDocument, report: Report):
        self.path = path
        self.document = document
        self.report = report
        self.notes = Notes(document)
        self.data: dict[str, Any] = {"kind": "plan"}

    def error(self, message: str, *, expected: str = "", found: str = "") -> None:
        self.report.add(Problem(Location(str(self.path)), message, expected, found))

    def warn(self, message: str) -> None:
        self.report.add(Problem(Location(str(self.path)), message, severity=Severity.WARNING))

    def run(self) -> dict[str, Any]:
        blocks = self.document.blocks
        title = next(
            (
                i
                for i, b in enumerate(blocks)
                if isinstance(b, Paragraph) and fold_key(b.text.split("\n")[0]) == "kế hoạch"
            ),
            None,
        )
        if title is None:
            self.error(
                _("this is not a plan: no title “KẾ HOẠCH” found"),
                expected=_("a plan (Kế hoạch) written in Word, titled “KẾ HOẠCH”"),
            )
            return self.data
        self._header([p for block in blocks[:title] for p in _cells(block)])
        body_start = self._subject(blocks, title)
        end = self._signature(blocks, body_start)
        self._body(blocks[body_start:end])
        return self.data

    def _header(self, paragraphs: list[Paragraph]) -> None:
        issuer: dict[str, Any] = {}
        bodies: list[_Line] = []
        kind = None
        for line in _lines(paragraphs):
            folded = fold_key(line.text).replace("hoà", "hòa")
            if _RULE.match(line.text):
                continue
            if folded == _PARTY:
                kind = "Đảng"
            elif _STATE in folded:
                kind = "Nhà nước"
            elif "độc lập" in folded and "hạnh phúc" in folded:
                continue
            elif number := _NUMBER.match(line.text):
                value = number.group("number").strip(" .…_\u00a0")
                self.data["number"] = value or None
                issuer["body_symbol"] = number.group("symbol").rstrip(".")
                if kind is None:
                    kind = "Đảng" if number.group("first") == "-" else "Nhà nước"
            elif day := _DATE.match(re.sub(r"[.…_]+", " ", line.text)):
                issuer["place"] = day.group("place").strip()
                self.data["date"] = _date(day)
            else:
                bodies.append(line)
        tail = 0
        while tail < len(bodies) and bodies[len(bodies) - 1 - tail].bold:
            tail += 1
        if not tail or tail == len(bodies):
            tail = 1 if bodies else 0
        issuer["issuer_kind"] = kind
        issuer["parent_body"] = " ".join(b.text for b in bodies[: len(bodies) - tail]) or None
        issuer["issuing_body"] = " ".join(b.text for b in bodies[len(bodies) - tail :]) or None
        if kind is None:
            self.error(
                _(
                    "the header names neither “ĐẢNG CỘNG SẢN VIỆT NAM” nor “CỘNG HÒA XÃ HỘI CHỦ "
                    "NGHĨA VIỆT NAM”, and has no number line to tell a Party plan from a State one"
                )
            )
        if not issuer["issuing_body"]:
            self.error(_("the header has no issuing body (the left column above the number)"))
        if "body_symbol" not in issuer:
            self.error(
                _("the header has no number line"),
                expected=_("“Số …-KH/…” (Party) or “Số: …/KH-…” (State)"),
            )
        if "place" not in issuer:
            self.error(
                _("the header has no place and date line"),
                expected=_("“Sơn La, ngày … tháng … năm …”"),
            )
        self.data["issuer"] = {
            key: issuer.get(key)
            for key in ("issuer_kind", "parent_body", "issuing_body", "body_symbol", "place")
        }

    def _subject(self, blocks: list[Paragraph | Table], title: int) -> int:
        """Read the subject under the title; return where the body starts."""
        lines: list[str] = []
        heading = blocks[title]
        assert isinstance(heading, Paragraph)
        first_line = heading.text.split("\n", 1)
        if len(first_line) > 1 and first_line[1].strip():
            lines.append(first_line[1].strip())
        index = title + 1
        while index < len(blocks):
            block = blocks[index]
            if not isinstance(block, Paragraph):
                break
            text = normalize_text(block.text)
            if not text:
                if lines:
                    break
                index += 1
                continue
            if _RULE.match(text) or (lines and block.align != "center"):
                break
            lines.append(text)
            index += 1
            if block.align != "center":
                break
        self.data["subject"] = "\n".join(lines) or None
        if not lines:
            self.error(_("the plan has no subject under the title “KẾ HOẠCH”"))
        while index < len(blocks):
            block = blocks[index]
            if isinstance(block, Paragraph) and _RULE.match(block.text):
                index += 1
            else:
                break
        return index

    def _signature(self, blocks: list[Paragraph | Table], start: int) -> int:
        """Read Nơi nhận and the signature block (a table, or lines split by tabs); return
        where the body ends."""
        for index in range(len(blocks) - 1, start - 1, -1):
            block = blocks[index]
            if isinstance(block, Table) and any(_is_recipients_heading(p) for p in _cells(block)):
                left = [p for row in block.rows for p in (row[0] if row else [])]
                right = [p for row in block.rows for cell in row[1:] for p in cell]
                self._recipients(left)
                self._signer(_lines(right))
                self._annexes(blocks[index + 1 :])
                return index
        for index in range(start, len(blocks)):
            block = blocks[index]
            if isinstance(block, Paragraph) and _is_recipients_heading(block):
                lefts, rights = _split_columns(blocks[index:])
                self._recipients(lefts)
                self._signer(rights)
                return index
        # No Nơi nhận: a last table of two cells, or the last lines, hold the signature.
        self.data["recipients"] = []
        last = blocks[-1] if len(blocks) > start else None
        if isinstance(last, Table) and last.rows and len(last.rows[0]) >= 2:
            self._signer(_lines([p for row in last.rows for cell in row[1:] for p in cell]))
            return len(blocks) - 1
        self.error(_("the plan has no signature block (Nơi nhận and the signer at its foot)"))
        return len(blocks)

    def _annexes(self, blocks: list[Paragraph | Table]) -> None:
        """Each "PHỤ LỤC" after the signature: its title, the centred subject under it, then
        paragraphs, numbered items and a table, read as the body is."""
        starts = [
            i
            for i, b in enumerate(blocks)
            if isinstance(b, Paragraph) and fold_key(b.text).startswith("phụ lục")
        ]
        annexes = []
        for start, end in zip(starts, [*starts[1:], len(blocks)][: len(starts)], strict=True):
            title = blocks[start]
            assert isinstance(title, Paragraph)
            index, subject = start + 1, []
            while index < end:
                block = blocks[index]
                if not isinstance(block, Paragraph) or (
                    block.align != "center" and block.text.strip()
                ):
                    break
                if block.text.strip() and not _RULE.match(block.text):
                    subject.append(normalize_text(block.text))
                index += 1
            body = Body(self.notes)
            for block in blocks[index:end]:
                if isinstance(block, Table):
                    if not body.add_table(block, loose=True):
                        self.warn(_("a second table of an annex was left out"))
                else:
                    body.add(block)
            annexes.append(
                {
                    "title": normalize_text(title.text),
                    "subject": "\n".join(subject) or None,
                    "paragraphs": body.preamble,
                    "items": [item.data() for item in body.parts],
                    "table": body.table,
                }
            )
        if annexes:
            self.data["annexes"] = annexes

    def _recipients(self, paragraphs: list[Paragraph]) -> None:
        recipients: list[str] = []
        started = False
        for paragraph in paragraphs:
            if not started:
                if _is_recipients_heading(paragraph):
                    started = True
                    after = paragraph.text.split(":", 1)[1] if ":" in paragraph.text else ""
                    if after.strip():
                        recipients.append(normalize_text(after))
                continue
            text = normalize_text(marked(paragraph.runs, self.notes))
            if not text:
                continue
            if recipients and recipients[0][:1] in "-+" and text[:1] not in "-+":
                # An indented continuation of the recipient above it.
                recipients[-1] += "\n  " + text
            else:
                recipients.append(text)
        self.data["recipients"] = recipients

    def _signer(self, lines: list[_Line]) -> None:
        texts = [line.text for line in lines if not _SIGNED.match(line.text)]
        if len(texts) < 2:
            self.error(
                _("the signature block is incomplete"),
                expected=_("the position and the signer's name"),
                found=" / ".join(texts),
            )
            return
        name, position, authority = texts[-1], texts[-2], texts[:-2]
        self.data["signature"] = {
            "authority": " ".join(authority) or None,
            "position": position,
            "name": name,
        }

    def _body(self, blocks: list[Paragraph | Table]) -> None:
        body = Body(self.notes)
        defined: dict[str, str] = {}
        for block in blocks:
            if isinstance(block, Table):
                if not body.add_table(block):
                    self.warn(
                        _(
                            "a table before the first item, or an item's second table, was left "
                            "out: add it to the outline by hand"
                        )
                    )
                continue
            number = note_number(block)
            if number is not None and (body.parts or body.preamble):
                mark = next(i for i, r in enumerate(block.runs) if r.text.strip())
                rest = block.runs[mark + 1 :]
                defined[number] = normalize_text(marked(rest, self.notes))
                continue
            body.add(block)
        body.split_closing()
        self.data["preamble"] = body.preamble
        self.data["parts"] = [item.data() for item in body.parts]
        self.data["closing"] = body.closing
        notes = list(self.notes.texts)
        if defined:
            if notes:
                self.warn(_("the plan mixes Word footnotes and typed ones: check their numbers"))
            notes += [defined[key] for key in sorted(defined, key=int)]
        self.data["footnotes"] = notes
        if not body.parts:
            self.warn(_("no numbered part (A., I., 1. …) was found: the body is all preamble"))


def _is_recipients_heading(paragraph: Paragraph) -> bool:
    return fold_key(paragraph.text).startswith("nơi nhận")


def _split_columns(blocks: list[Paragraph | Table]) -> tuple[list[Paragraph], list[_Line]]:
    """Recipients on the left and signature on the right of lines split by tabs."""
    lefts: list[Paragraph] = []
    rights: list[Paragraph] = []
    for block in blocks:
        for paragraph in _cells(block):
            cut = next((i for i, r in enumerate(paragraph.runs) if r.text == "\t"), None)
            if cut is None:
                if paragraph.align == "center" or paragraph.text.isupper():
                    rights.append(paragraph)
                else:
                    lefts.append(paragraph)
                continue
            left_runs = paragraph.runs[:cut]
            right_runs = [r for r in paragraph.runs[cut + 1 :] if r.text != "\t"]
            lefts.append(Paragraph(left_runs, paragraph.style, "left"))
            rights.append(Paragraph(right_runs, paragraph.style, "center"))
    return lefts, _lines(rights)


def _date(match: re.Match[str]) -> str | None:
    """ "dd/mm/yyyy", "mm/yyyy" or "yyyy" from the date line; None when the year is blank."""
    day, month, year = (match.group(k) for k in ("day", "month", "year"))
    if not year:
        return None
    if month and day:
        return f"{int(day):02d}/{int(month):02d}/{year}"
    if month:
        return f"{int(month):02d}/{year}"
    return year


def plan_from_docx(path: Path, report: Report | None = None) -> PlanOutline:
    """The plan outline of the Word plan at ``path`` (see the module's docstring).

    ``report`` receives the warnings (a table left out, no numbered part, mixed footnotes).

    Raises:
        InputError: when the file is not a .docx, is not a plan (no title "KẾ HOẠCH"), or lacks
            what an outline needs (issuer's kind, issuing body, number line, place and date
            line, subject, signature); every problem is listed.
        OSError: when the file cannot be read.
    """
    report = report if report is not None else Report()
    try:
        document = read_docx(path)
    except NotWordDocument as exc:
        message = {
            "doc": _("this is an old Word .doc file: open it in Word and save it as .docx"),
            "empty": _("the file is empty"),
        }.get(exc.reason, _("this is not a Word document (.docx)"))
        report.add(Problem(Location(str(path)), message))
        raise InputError(report) from exc
    importer = _Importer(path, document, report)
    data = importer.run()
    if not report.ok:
        raise InputError(report)
    try:
        return PlanOutline.model_validate(data)
    except ValidationError as exc:
        from docgen.load import problem_from_error

        for error in exc.errors():
            where = ".".join(str(part) for part in error.get("loc", ()))
            report.add(problem_from_error(Location(str(path), column=where), error))
        raise InputError(report) from exc


class _Quoted(str):
    """A string YAML writes in quotes (labels: '1.' must not read back as a number)."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(
    _Quoted, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, "'")
)


def _quote_labels(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: _Quoted(item) if key == "label" and isinstance(item, str) else _quote_labels(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_quote_labels(item) for item in value]
    return value


def outline_yaml(outline: PlanOutline, source: str = "") -> str:
    """``outline`` as the YAML of ``docgen plan FILE``: fields in the model's order (kind,
    issuer, number, date, subject, preamble, parts, closing, footnotes, recipients, signature),
    empty ones left out, labels quoted, the issuer's kind in words ("Đảng", "Nhà nước"), one
    line per text. ``source`` names the imported file in a comment at the top."""
    data = outline.model_dump(mode="json", exclude_defaults=True)
    data = {"kind": "plan", **data}
    issuer = data["issuer"]
    issuer["issuer_kind"] = IssuerKind.labels()[issuer["issuer_kind"]]
    text = yaml.dump(
        _quote_labels(data),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=1_000_000,
    )
    head = (
        _(
            "# Imported by docgen import-plan from {source}: read it through before `docgen plan`."
        ).format(source=source)
        if source
        else ""
    )
    return f"{head}\n{text}" if head else text


@click.command("import-plan")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--out",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Outline to write (default: SOURCE with .yaml).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing outline.")
def import_plan(source: Path, target: Path | None, force: bool) -> None:
    """Write a plan outline (YAML) from a plan written in Word (.docx), to edit and print."""
    from docgen.output import atomic_write_bytes

    target = target if target is not None else source.with_suffix(".yaml")
    if target.exists() and not force:
        raise click.UsageError(_("{path} exists; pass --force to overwrite it").format(path=target))
    report = Report()
    outline = plan_from_docx(source, report)
    if report.problems:
        click.echo(report.render(), err=True)
    atomic_write_bytes(target, outline_yaml(outline, source.name).encode("utf-8"))
    click.echo(_("wrote {path}").format(path=target))
