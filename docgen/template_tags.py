"""Word damage to docxtpl tags: a DOCX template's XML → the tags docxtpl cannot render as written.

docxtpl (``DocxTemplate.patch_xml``) joins the runs Word splits a tag into (a spelling mark, a
bookmark or a change of formatting between ``{`` and ``{``) and straightens Word's curly quotes
inside a tag. Held against docxtpl 0.20 on small templates (tests/test_template_lint.py), it
does not fix:

- a space between the braces (``{ {``, ``% }``): Jinja sees no tag, the paper prints it as typed;
- a tag running over two paragraphs: docxtpl joins the two paragraphs into one;
- a tag crossing a hyperlink, a tracked change, a field or a content control: docxtpl writes
  broken XML, whose recovery drops what follows (the section's page setup included);
- ``&`` in a tag (Jinja is given ``&amp;``), Word's dashes, ellipsis, low or angle quotes and
  invisible characters (a Jinja syntax error), and ``’`` inside a ``'…'`` text (the text ends
  early once docxtpl straightens it).

A tag whose runs differ in formatting renders, with the value in the formatting of its first
run: a warning. Each finding names the part, the paragraph's text and the table cell.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, TemplateSyntaxError
from lxml import etree

from docgen.errors import Severity
from docgen.i18n import N_, _

__all__ = ["TagFinding", "scan_template", "RENDERED_PARTS"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
RENDERED_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes)\.xml$")
"""The parts of a DOCX whose Jinja docxtpl renders (document, headers, footers, footnotes)."""

_OPENERS = re.compile(r"\{[{%#]")
_CLOSER = {"{": "}}", "%": "%}", "#": "#}"}
_SPACED = re.compile(r"\{\s+[{%#]|[}%#]\s+\}")
_CURLY = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
_DAMAGE = {
    **dict.fromkeys("–—−‒", "dash"),
    "…": "ellipsis",
    **dict.fromkeys("„‟«»‹›′″‚", "quote"),
    **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", "invisible"),
    "&": "ampersand",
}
_IGNORED_FORMATTING = {_W + "lang", _W + "noProof", _W + "rFonts"}
"""Run properties Word changes by itself (proofing language, spelling marks, the font of a
script): a difference in them alone does not change how the value prints."""
_CONTAINERS = {
    "hyperlink": N_("a hyperlink"),
    "ins": N_("a tracked insertion"),
    "del": N_("a tracked deletion"),
    "moveFrom": N_("a tracked move"),
    "moveTo": N_("a tracked move"),
    "fldSimple": N_("a field"),
    "smartTag": N_("a smart tag"),
    "sdtContent": N_("a content control"),
    "customXml": N_("a custom XML element"),
}
_OTHER_CONTAINER = N_("another element")
_TRACKED = {"ins", "del", "moveFrom", "moveTo"}
_WINDOW = 90


@dataclass(frozen=True)
class TagFinding:
    """One damaged tag of a template part.

    ``part`` is the part's name in the package ("word/document.xml", "word/header1.xml");
    ``paragraph`` the visible text of the paragraph around the tag (shortened); ``cell`` says
    which table cell holds it ("" outside tables); ``message`` is already translated.
    """

    severity: Severity
    part: str
    paragraph: str
    cell: str
    message: str


@dataclass
class _Text:
    """One ``w:t`` of a part: its text, run, and paragraph."""

    text: str
    run: etree._Element
    paragraph: etree._Element | None
    start: int


def scan_template(path: Path, environment: Environment) -> list[TagFinding]:
    """Every damaged tag in the parts docxtpl renders of the DOCX template at ``path``, in
    document order. ``environment`` lexes a tag whose curly quotes docxtpl straightens.

    Raises:
        OSError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError: the file is not a DOCX.
    """
    findings: list[TagFinding] = []
    with zipfile.ZipFile(path) as archive:
        names = [name for name in archive.namelist() if RENDERED_PARTS.match(name)]
        for name in sorted(names, key=lambda n: (n != "word/document.xml", n)):
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
            root = etree.fromstring(archive.read(name), parser=parser)
            findings.extend(_scan_part(name, root, environment))
    unique = {(f.part, f.paragraph, f.cell, f.message): f for f in findings}
    return list(unique.values())


def _scan_part(part: str, root: etree._Element, environment: Environment) -> list[TagFinding]:
    texts: list[_Text] = []
    offset = 0
    for element in root.iter(_W + "t"):
        run = element.getparent()
        if run is None or not element.text:
            continue
        paragraph = next(element.iterancestors(_W + "p"), None)
        texts.append(_Text(element.text, run, paragraph, offset))
        offset += len(element.text)
    stream = "".join(t.text for t in texts)
    findings: list[TagFinding] = []
    tags: list[tuple[int, int]] = []

    def add(severity: Severity, start: int, end: int, message: str) -> None:
        where = _texts_between(texts, start, end)
        paragraph = where[0].paragraph if where else None
        findings.append(
            TagFinding(
                severity, part, _paragraph_text(texts, paragraph, start), _cell(paragraph), message
            )
        )

    position = 0
    while (opener := _OPENERS.search(stream, position)) is not None:
        start = opener.start()
        closer = _CLOSER[opener.group()[1]]
        end = stream.find(closer, opener.end())
        following = _OPENERS.search(stream, opener.end())
        if end < 0 or (following is not None and following.start() < end):
            add(
                Severity.ERROR,
                start,
                opener.end(),
                _(
                    "the tag opened with “{opener}” is not closed by “{closer}” before the next tag"
                ).format(opener=opener.group(), closer=closer),
            )
            position = opener.end()
            continue
        end += len(closer)
        tags.append((start, end))
        for severity, message in _tag_problems(texts, stream[start:end], start, end, environment):
            add(severity, start, end, message)
        position = end
    for spaced in _SPACED.finditer(stream):
        if not any(a <= spaced.start() < b for a, b in tags):
            add(
                Severity.ERROR,
                spaced.start(),
                spaced.end(),
                _(
                    "“{written}” has a space between its braces: Jinja does not see a tag there "
                    "and the paper prints it as typed; delete the space"
                ).format(written=spaced.group()),
            )
    return findings


def _tag_problems(
    texts: list[_Text], tag: str, start: int, end: int, environment: Environment
) -> list[tuple[Severity, str]]:
    """What is wrong with the tag ``tag`` at ``start:end`` of the part's text."""
    problems: list[tuple[Severity, str]] = []
    spanned = _texts_between(texts, start, end)
    paragraphs = {id(t.paragraph) for t in spanned}
    shown = _short(tag)
    if len(paragraphs) > 1:
        problems.append(
            (
                Severity.ERROR,
                _(
                    "the tag “{tag}” runs over {count} paragraphs: docxtpl joins them into one; "
                    "type the whole tag in one paragraph"
                ).format(tag=shown, count=len(paragraphs)),
            )
        )
    else:
        crossed = sorted(
            {
                _CONTAINERS.get(etree.QName(t.run.getparent()).localname, _OTHER_CONTAINER)
                for t in spanned
                if t.run.getparent() is not t.paragraph
            }
        )
        if crossed:
            tracked = any(etree.QName(t.run.getparent()).localname in _TRACKED for t in spanned)
            hint = _(" (accept or reject the tracked changes first)") if tracked else ""
            problems.append(
                (
                    Severity.ERROR,
                    _(
                        "the tag “{tag}” is partly inside {what}: docxtpl writes a broken "
                        "document (what follows, the page setup included, is lost); type the "
                        "tag again outside it{hint}"
                    ).format(tag=shown, what=", ".join(_(c) for c in crossed), hint=hint),
                )
            )
        elif len({_formatting(t.run) for t in spanned}) > 1:
            problems.append(
                (
                    Severity.WARNING,
                    _(
                        "the tag “{tag}” has parts in different formatting: the value prints in "
                        "the formatting of “{first}”; select the whole tag and format it once"
                    ).format(tag=shown, first=_short(spanned[0].text.strip() or tag)),
                )
            )
    damage = sorted({_DAMAGE[ch] for ch in tag if ch in _DAMAGE})
    for kind in damage:
        characters = "".join(sorted({ch for ch in tag if _DAMAGE.get(ch) == kind}))
        problems.append((Severity.ERROR, _damage_message(kind, shown, characters)))
    curly = "".join(sorted({ch for ch in tag if ch in "“”‘’"}))
    if curly and not damage:  # with other damage, that finding says what to fix
        try:
            list(environment.lex(tag.translate(_CURLY)))
        except TemplateSyntaxError:
            severity = Severity.ERROR
        else:
            severity = Severity.WARNING
        problems.append(
            (
                severity,
                _(
                    "Word's curly quotes {quotes} in the tag “{tag}”: docxtpl makes them straight, "
                    "so an apostrophe ’ inside '…' ends the text early; type straight quotes "
                    "(Word: AutoCorrect, AutoFormat As You Type, untick “Straight quotes with "
                    "smart quotes”)"
                ).format(quotes=curly, tag=shown),
            )
        )
    return problems


def _damage_message(kind: str, tag: str, characters: str) -> str:
    if kind == "dash":
        return _(
            "Word's dash {characters} in the tag “{tag}”: Jinja knows only the minus sign -; "
            "type - (Word turns “ - ” into a dash as you type)"
        ).format(characters=characters, tag=tag)
    if kind == "ellipsis":
        return _("Word's ellipsis … in the tag “{tag}”: type three dots ...").format(tag=tag)
    if kind == "quote":
        return _(
            "the quotes {characters} in the tag “{tag}” are not Jinja's: type straight quotes \" "
            "or '"
        ).format(characters=characters, tag=tag)
    if kind == "invisible":
        return _(
            "the tag “{tag}” holds an invisible character (a zero-width space or a soft "
            "hyphen): delete the tag and type it again"
        ).format(tag=tag)
    return _(
        "“&” in the tag “{tag}”: docxtpl gives Jinja the XML form &amp;, so the paper prints "
        "“&amp;” or the tag fails; write the text with & outside the tag"
    ).format(tag=tag)


def _texts_between(texts: list[_Text], start: int, end: int) -> list[_Text]:
    """The ``w:t`` pieces holding at least one character of ``start:end``."""
    return [t for t in texts if t.start < end and t.start + len(t.text) > start]


def _formatting(run: etree._Element) -> bytes:
    """A run's formatting, without what Word changes by itself (see _IGNORED_FORMATTING)."""
    properties = run.find(_W + "rPr")
    if properties is None:
        return b""
    return b"".join(
        sorted(
            etree.tostring(child, method="c14n")
            for child in properties
            if child.tag not in _IGNORED_FORMATTING
        )
    )


def _paragraph_text(texts: list[_Text], paragraph: etree._Element | None, at: int) -> str:
    """The visible text of ``paragraph``, a window around the part offset ``at`` when long."""
    own = [t for t in texts if t.paragraph is paragraph]
    if not own:
        return ""
    text = "".join(t.text for t in own)
    position = max(0, min(at - own[0].start, len(text)))
    if len(text) <= _WINDOW:
        return " ".join(text.split())
    first = max(0, min(position - _WINDOW // 3, len(text) - _WINDOW))
    window = text[first : first + _WINDOW]
    return (
        ("…" if first else "")
        + " ".join(window.split())
        + ("…" if first + _WINDOW < len(text) else "")
    )


def _cell(paragraph: etree._Element | None) -> str:
    """ "table 1, row 2, cell 3" for a paragraph in a table cell (1-based, in the part), or ""."""
    if paragraph is None:
        return ""
    cell = next(paragraph.iterancestors(_W + "tc"), None)
    if cell is None:
        return ""
    row = cell.getparent()
    table = next(cell.iterancestors(_W + "tbl"))
    tables = list(table.getroottree().getroot().iter(_W + "tbl"))
    rows = [r for r in table.iter(_W + "tr") if next(r.iterancestors(_W + "tbl")) is table]
    cells = [c for c in row.iterchildren(_W + "tc")] if row is not None else []
    return _("table {table}, row {row}, cell {cell}").format(
        table=tables.index(table) + 1,
        row=rows.index(row) + 1 if row in rows else "?",
        cell=cells.index(cell) + 1 if cell in cells else "?",
    )


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:59] + "…"
