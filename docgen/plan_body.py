"""The body of a plan read from Word: numbered items nested by their labels, inline marks, notes.

The part of ``docgen.import_plan`` that knows the plans' numbering: a paragraph opening with a
label ("A-", "I.", "1.1.", "a)", "(1)", typed or numbered by Word) opens an item; the kind of its
label gives its level, so a kind already open above closes the items below it (a "1." after an
"a)" is the sibling of the "1." above). Runs become text with the outline's inline marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from docgen.docx_read import Paragraph, Run, Table, WordDocument
from docgen.vietnamese import fold_key, normalize_text

__all__ = ["Body", "Notes", "drop", "marked", "note_number"]

_LABEL = re.compile(
    r"^(?:(?P<paren>\((?:\d+|[a-zđ])\))"
    r"|(?P<dotted>\d+(?:\.\d+)+\.?)"
    r"|(?P<number>\d+)(?P<sep>[.\-)])"
    r"|(?P<letter>[A-Z]|[IVXLC]+)[.\-–)]"
    r"|(?P<lower>[a-zđ])[.)]"
    r")(?=\s|$)"
)

_SUPERSCRIPT = re.compile(r"^\s*(?:\[\^(\w+)\]|(\d+))\s*$")
_CLOSINGS = ("trên đây", "trong quá trình", "yêu cầu")


@dataclass
class _Item:
    kind: str
    label: str
    heading: str | None = None
    text: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    items: list[_Item] = field(default_factory=list)
    table: dict[str, Any] | None = None

    def data(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "heading": self.heading,
            "text": self.text,
            "paragraphs": self.paragraphs,
            "table": self.table,
            "items": [item.data() for item in self.items],
        }


class Notes:
    """Footnotes in the order they are cited: Word's own (by id) and superscript numbers."""

    def __init__(self, document: WordDocument):
        self.document = document
        self.texts: list[str] = []
        self._numbers: dict[str, int] = {}

    def cite(self, note_id: str) -> str:
        if note_id not in self._numbers:
            paragraphs = self.document.footnotes.get(note_id, [])
            text = " ".join(marked(p.runs, self) for p in paragraphs)
            self.texts.append(normalize_text(" ".join(text.split())))
            self._numbers[note_id] = len(self.texts)
        return f"[^{self._numbers[note_id]}]"


def marked(runs: list[Run], notes: Notes | None = None, *, heading: bool = False) -> str:
    """The text of ``runs`` with inline marks: ``**bold**``, ``*italic*`` (bold wins when a run
    is both), ``[^n]`` for a footnote reference or a superscript number. In a ``heading`` (printed
    bold whole) bold is not marked. Tabs become spaces; line breaks stay "\\n"."""
    pieces: list[str] = []
    group: list[str] = []
    style: tuple[bool, bool] | None = None

    def flush() -> None:
        text = "".join(group).replace("\t", " ")
        group.clear()
        core = text.strip(" ")
        if not core:
            pieces.append(text)
            return
        mark = "**" if style and style[0] else "*" if style and style[1] else ""
        lead = text[: len(text) - len(text.lstrip(" "))]
        trail = text[len(text.rstrip(" ")) :]
        pieces.append(f"{lead}{mark}{core}{mark}{trail}")

    for run in runs:
        if run.note is not None:
            flush()
            pieces.append(notes.cite(run.note) if notes else "")
            continue
        if run.superscript and (number := _note_mark(run.text)):
            flush()
            pieces.append(f"[^{number}]")
            continue
        if not run.text:
            continue
        if not run.text.strip() or run.text == "\n":
            group.append(run.text)
            continue
        current = (run.bold and not heading, run.italic)
        if current != style:
            flush()
            style = current
        group.append(run.text)
    flush()
    return "".join(pieces)


def drop(runs: list[Run], count: int) -> list[Run]:
    """``runs`` without their first ``count`` characters."""
    out: list[Run] = []
    for run in runs:
        if count <= 0 or run.note is not None:
            out.append(run)
            continue
        if len(run.text) <= count:
            count -= len(run.text)
            continue
        out.append(Run(run.text[count:], run.bold, run.italic, run.superscript))
        count = 0
    return out


def _kind(match: re.Match[str], stack: list[_Item]) -> str:
    """The kind of a label, which says its level: "upper" (A.), "roman" (I.), "arabic1" (1.),
    "arabic2" (1.1.) …, "lower" (a)), "paren" ((1)). A lone I, V or X right after the letter
    before it (H., U., W.) is a letter, otherwise a Roman numeral."""
    if match.group("paren"):
        return "paren" if match.group("paren")[1].isdigit() else "paren-lower"
    if match.group("dotted"):
        return f"arabic{len([n for n in match.group('dotted').split('.') if n])}"
    if match.group("number"):
        return "arabic)" if match.group("sep") == ")" else "arabic1"
    if match.group("lower"):
        return "lower"
    letter = match.group("letter")
    if len(letter) > 1:
        return "roman"
    if letter not in "IVX":
        return "upper"
    previous = next((i.label[0] for i in reversed(stack) if i.kind == "upper"), "")
    return "upper" if previous and ord(previous) + 1 == ord(letter) else "roman"


class Body:
    """Items nested by label kind: a kind seen higher in the stack closes the items below it."""

    def __init__(self, notes: Notes):
        self.notes = notes
        self.preamble: list[str] = []
        self.parts: list[_Item] = []
        self.stack: list[_Item] = []
        self.closing: list[str] = []
        self.table: dict[str, Any] | None = None

    def add(self, paragraph: Paragraph) -> None:
        runs = paragraph.runs
        bullet = paragraph.label if paragraph.label in {"- ", "+ "} else ""
        word_label = "" if bullet else paragraph.label
        plain = paragraph.text
        if word_label:
            match = _LABEL.match(word_label)
            label, rest = word_label, runs
        else:
            match = _LABEL.match(plain.lstrip())
            label = match.group(0) if match else ""
            skip = len(plain) - len(plain.lstrip()) + len(label)
            rest = drop(runs, skip) if match else runs
        if not label:
            text = normalize_text(bullet + marked(runs, self.notes))
            if text:
                (self.stack[-1].paragraphs if self.stack else self.preamble).append(text)
            return
        kind = _kind(match, self.stack) if match else f"word:{word_label}"
        self._open(_Item(kind, label))
        item = self.stack[-1]
        words = [r for r in rest if r.text.strip()]
        if words and all(r.bold for r in words):
            item.heading = normalize_text(marked(rest, self.notes, heading=True)) or None
        else:
            item.text = normalize_text(marked(rest, self.notes)) or None

    def add_table(self, table: Table, *, loose: bool = False) -> bool:
        """Give ``table`` to the item above it (or to the body when ``loose``, an annex); False
        when there is nowhere to put it (before any item, or the item has one already)."""
        rows = [
            [normalize_text("\n".join(marked(p.runs, self.notes) for p in cell)) for cell in row]
            for row in table.rows
        ]
        rows = [row for row in rows if any(row)]
        data = {"header": rows[0], "rows": rows[1:]} if rows else None
        owner = self.stack[-1] if self.stack else None
        if data is None:
            return True
        if owner is not None and owner.table is None:
            owner.table = data
            return True
        if owner is None and loose and self.table is None:
            self.table = data
            return True
        return False

    def _open(self, item: _Item) -> None:
        kinds = [i.kind for i in self.stack]
        if item.kind in kinds:
            del self.stack[kinds.index(item.kind) :]
        (self.stack[-1].items if self.stack else self.parts).append(item)
        self.stack.append(item)

    def split_closing(self) -> None:
        """Move the closing paragraphs ("Trên đây là Kế hoạch …", "Trong quá trình thực hiện
        …") from the end of the last item to ``closing``."""
        if not self.stack:
            return
        paragraphs = self.stack[-1].paragraphs
        for index, text in enumerate(paragraphs):
            if fold_key(text).startswith(_CLOSINGS):
                self.closing = paragraphs[index:]
                del paragraphs[index:]
                return


def note_number(paragraph: Paragraph) -> str | None:
    """The number of a footnote written after the body: a paragraph that starts with a
    superscript number (docgen's "Chú thích" paragraphs, or a typed note)."""
    for run in paragraph.runs:
        if not run.text.strip():
            continue
        return _note_mark(run.text) if run.superscript else None
    return None


def _note_mark(text: str) -> str | None:
    """The number of a superscript footnote mark: "1", or "[^1]" as typed in an outline."""
    match = _SUPERSCRIPT.match(text)
    return (match.group(1) or match.group(2)) if match else None
