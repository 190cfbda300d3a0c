"""Template changes: a templates folder → which of its Word templates differ from docgen's own
(mẫu đã sửa) and whose HTML twin (mẫu HTML song sinh, the source of the WeasyPrint PDF) was left
as shipped, so that the PDF would not show the change.

A DOCX template is compared by its content, not its bytes: the text of every paragraph of the
body, headers, footers, footnotes and endnotes, with bold, italic, underline and superscript,
paragraph style and alignment, the table structure and the page size and margins. Zip
timestamps, the order of the package's members, revision ids (rsid), spell-check marks and the
way Word splits a sentence into runs do not count, so opening and saving an unchanged template
is not a change. An HTML twin is compared by its text, line endings and trailing spaces aside.

Every function is pure over the files it reads; results are cached per process by file size and
modification time, so a file changed while docgen runs is read again.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from docgen.errors import EnvironmentProblem, Location, Problem, Report, problem
from docgen.i18n import _
from docgen.models import IssuerKind

if TYPE_CHECKING:
    from docgen.render import Paper

__all__ = [
    "StaleTwin",
    "shipped_root",
    "docx_signature",
    "docx_changed",
    "html_changed",
    "stale_twin",
    "libreoffice_installed",
    "stale_twin_problem",
    "from_word_files",
    "join_pdfs",
    "TEMPLATE_FOLDERS",
    "copy_templates",
]

_LOG = logging.getLogger(__name__)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")
_RUN_TEXT = {
    _W + "tab": "\t",
    _W + "br": "\n",
    _W + "cr": "\n",
    _W + "noBreakHyphen": "\u2011",
    _W + "footnoteReference": "\ufffc",
    _W + "endnoteReference": "\ufffc",
}
_OFF = {"0", "false", "off"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)

Signature = tuple[object, ...]
"""The content of a DOCX template that a reader sees (see the module docstring), comparable
with ``==``; opaque otherwise."""


@dataclass(frozen=True)
class StaleTwin:
    """A Word template changed against docgen's own whose HTML twin was not (mẫu HTML cũ).

    ``docx`` is the changed template, ``html`` its twin in the same templates folder (which may
    be missing), ``name`` the template's name (``submission``), ``kind`` its issuer kind.
    """

    kind: IssuerKind
    name: str
    docx: Path
    html: Path


def shipped_root() -> Path | None:
    """docgen's own templates folder, the reference for "changed": the ``templates/`` folder of
    a source checkout, else the copy shipped in the package (docgen.render.packaged_templates);
    None when neither holds templates (then no template counts as changed)."""
    from docgen.render import packaged_templates

    checkout = Path(__file__).resolve().parent.parent
    candidates = [checkout / "templates"] if (checkout / "pyproject.toml").is_file() else []
    packaged = packaged_templates()
    if packaged is not None:
        candidates.append(packaged)
    for candidate in candidates:
        if (candidate / "state").is_dir() and (candidate / "party").is_dir():
            return candidate
    return None


def _stamp(path: Path) -> tuple[str, int, int] | None:
    """(resolved path, size, mtime in ns), the cache key of a file; None when it is missing."""
    try:
        status = path.stat()
    except OSError:
        return None
    return (str(path.resolve()), status.st_size, status.st_mtime_ns)


def _on(element: etree._Element | None) -> bool:
    """Whether a toggle property (``<w:b/>``, ``<w:i w:val="0"/>``) is on."""
    return element is not None and element.get(_W + "val", "1").lower() not in _OFF


def _run_format(run: etree._Element) -> tuple[bool, bool, bool, bool]:
    """(bold, italic, underline, superscript) of a ``w:r`` from its direct properties."""
    properties = run.find(_W + "rPr")
    if properties is None:
        return (False, False, False, False)
    underline = properties.find(_W + "u")
    vertical = properties.find(_W + "vertAlign")
    return (
        _on(properties.find(_W + "b")),
        _on(properties.find(_W + "i")),
        underline is not None and underline.get(_W + "val", "single") != "none",
        vertical is not None and vertical.get(_W + "val") == "superscript",
    )


def _runs(element: etree._Element) -> list[etree._Element]:
    """The runs of a paragraph in reading order, through hyperlinks, insertions, content controls
    and smart tags (not through deletions, which a reader does not see); a simple field
    (``w:fldSimple``) is given whole, its shown result being the field's, not the template's."""
    found = []
    for child in element:
        if child.tag in (_W + "r", _W + "fldSimple"):
            found.append(child)
        elif child.tag not in (_W + "pPr", _W + "del", _W + "moveFrom"):
            found.extend(_runs(child))
    return found


def _field(instruction: str) -> str:
    """A field as text: its kind only ("PAGE"), not its switches or its last shown result
    (Word and LibreOffice store the page number they last printed)."""
    words = instruction.split()
    return f"\u27e6{words[0].upper() if words else ''}\u27e7"


def _paragraph(paragraph: etree._Element) -> tuple[object, ...]:
    """A paragraph as ("p", style, alignment, segments): its text in segments of one format,
    adjacent runs of the same format merged (Word splits runs freely); a field as its kind."""
    properties = paragraph.find(_W + "pPr")
    style = alignment = ""
    if properties is not None:
        style_element = properties.find(_W + "pStyle")
        align_element = properties.find(_W + "jc")
        style = "" if style_element is None else style_element.get(_W + "val", "")
        alignment = "" if align_element is None else align_element.get(_W + "val", "")
    segments: list[list[object]] = []
    fields: list[list[object]] = []  # open complex fields: [instruction, showing its result]
    for run in _runs(paragraph):
        if run.tag == _W + "fldSimple":
            pieces = [_field(run.get(_W + "instr", ""))]
        else:
            pieces = []
            for child in run:
                if child.tag == _W + "fldChar":
                    kind = child.get(_W + "fldCharType")
                    if kind == "begin":
                        fields.append(["", False])
                    elif fields and kind == "separate":
                        fields[-1][1] = True
                        pieces.append(_field(str(fields[-1][0])))
                    elif fields and kind == "end":
                        instruction, shown = fields.pop()
                        if not shown:
                            pieces.append(_field(str(instruction)))
                elif child.tag == _W + "instrText" and fields:
                    fields[-1][0] = str(fields[-1][0]) + (child.text or "")
                elif fields and fields[-1][1]:
                    continue  # the field's last result, not the template's text
                elif child.tag == _W + "t":
                    pieces.append(child.text or "")
                else:
                    pieces.append(_RUN_TEXT.get(child.tag, ""))
        text = "".join(pieces)
        if not text:
            continue
        form = _run_format(run)
        if segments and segments[-1][1] == form:
            segments[-1][0] = str(segments[-1][0]) + text
        else:
            segments.append([text, form])
    return ("p", style, alignment, tuple((text, form) for text, form in segments))


def _blocks(element: etree._Element) -> list[object]:
    """The paragraphs, tables, rows, cells and section sizes under ``element``, in order."""
    out: list[object] = []
    for child in element:
        tag = child.tag
        if tag == _W + "p":
            out.append(_paragraph(child))
        elif tag in (_W + "tbl", _W + "tr", _W + "tc"):
            out.append((tag[len(_W) :], tuple(_blocks(child))))
        elif tag == _W + "sectPr":
            out.append(_section(child))
        elif tag in (_W + "footnote", _W + "endnote"):
            if child.get(_W + "type") in (None, "normal"):  # not Word's separators
                out.append(("note", tuple(_blocks(child))))
        elif isinstance(tag, str) and tag not in (_W + "tblPr", _W + "trPr", _W + "tcPr"):
            out.extend(_blocks(child))  # body, content controls, custom XML: transparent
    return out


def _section(section: etree._Element) -> tuple[object, ...]:
    """Page size, orientation and margins of a section (in twentieths of a point)."""
    size = section.find(_W + "pgSz")
    margins = section.find(_W + "pgMar")
    return (
        "section",
        tuple((size.get(_W + key) or "") for key in ("w", "h", "orient"))
        if size is not None
        else (),
        tuple((margins.get(_W + key) or "") for key in ("top", "right", "bottom", "left"))
        if margins is not None
        else (),
    )


def _part_signature(data: bytes, styles: dict[str, str]) -> tuple[object, ...]:
    """The blocks of one XML part, each paragraph style given by its name (``styles``: styleId
    → name, the default paragraph style → ""), since editors rename ids (LibreOffice writes
    ``Ninhn`` for ``Nơinhận``) and write out the default style that Word leaves implicit."""
    blocks = _blocks(etree.fromstring(data, parser=_PARSER))
    return tuple(_named_styles(block, styles) for block in blocks)


def _named_styles(block: object, styles: dict[str, str]) -> object:
    if not isinstance(block, tuple):
        return block
    if block[0] == "p":
        return ("p", styles.get(str(block[1]), block[1]), *block[2:])
    if block[0] in ("tbl", "tr", "tc", "note"):
        return (block[0], tuple(_named_styles(inner, styles) for inner in block[1]))
    return block


def _style_names(package: zipfile.ZipFile) -> dict[str, str]:
    """styleId → style name (case-folded) of the paragraph styles in word/styles.xml; the
    default paragraph style (and the id "Normal") → ""."""
    names = {"Normal": ""}
    try:
        styles = etree.fromstring(package.read("word/styles.xml"), parser=_PARSER)
    except KeyError:
        return names
    for style in styles.iterfind(_W + "style"):
        if style.get(_W + "type") != "paragraph":
            continue
        style_id = style.get(_W + "styleId") or ""
        name_element = style.find(_W + "name")
        name = style_id if name_element is None else name_element.get(_W + "val", style_id)
        default = (style.get(_W + "default") or "0").lower() not in _OFF
        names[style_id] = (
            "" if default else name.casefold()
        )  # Word: "header", LibreOffice: "Header"
    return names


@cache
def _cached_signature(stamp: tuple[str, int, int]) -> Signature | None:
    path = Path(stamp[0])
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            styles = _style_names(package)
            main = tuple(
                _part_signature(package.read(part), styles) if part in names else ()
                for part in _PARTS
            )
            # Word may renumber header1.xml …; the set of headers and footers is what counts.
            margins = sorted(
                repr(_part_signature(package.read(name), styles))
                for name in names
                if name.startswith(("word/header", "word/footer")) and name.endswith(".xml")
            )
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        _LOG.info("cannot read %s as a DOCX package: %s", path, exc)
        return None
    return (main, tuple(margins))


def docx_signature(path: Path) -> Signature | None:
    """The content of the DOCX at ``path`` that a reader sees (see the module docstring); None
    when the file is missing or is not a readable DOCX package. Cached per process by the file's
    size and modification time."""
    stamp = _stamp(path)
    return None if stamp is None else _cached_signature(stamp)


@cache
def _cached_text_digest(stamp: tuple[str, int, int]) -> str | None:
    try:
        text = Path(stamp[0]).read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return None
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return hashlib.sha256("\n".join(lines).strip("\n").encode("utf-8")).hexdigest()


def _text_digest(path: Path) -> str | None:
    stamp = _stamp(path)
    return None if stamp is None else _cached_text_digest(stamp)


def _same_folder(root: Path, reference: Path) -> bool:
    try:
        return root.resolve() == reference.resolve()
    except OSError:
        return False


def docx_changed(root: Path, kind: IssuerKind, name: str, reference: Path | None = None) -> bool:
    """Whether the Word template ``name`` of ``kind`` in the templates folder ``root`` differs
    in content from docgen's own (``reference``, default shipped_root()). False when there is
    no reference or ``root`` is the reference; True when docgen has no such template, or either
    file cannot be read as a DOCX."""
    reference = shipped_root() if reference is None else reference
    if reference is None or _same_folder(root, reference):
        return False
    relative = Path(kind.value) / f"{name}.docx"
    ours = docx_signature(reference / relative)
    return ours is None or docx_signature(root / relative) != ours


def html_changed(root: Path, name: str, reference: Path | None = None) -> bool:
    """Whether the HTML twin ``html/<name>.html`` in ``root`` differs in text from docgen's own
    (``reference``, default shipped_root()). False when there is no reference, ``root`` is the
    reference, or the twin is missing from ``root``."""
    reference = shipped_root() if reference is None else reference
    if reference is None or _same_folder(root, reference):
        return False
    relative = Path("html") / f"{name}.html"
    theirs = _text_digest(root / relative)
    return theirs is not None and theirs != _text_digest(reference / relative)


def stale_twin(
    root: Path, kind: IssuerKind, name: str, reference: Path | None = None
) -> StaleTwin | None:
    """The StaleTwin of template ``name`` of ``kind`` in ``root`` when its Word template was
    changed (docx_changed) and its HTML twin was not (html_changed): the WeasyPrint PDF would
    not show the change. None otherwise: nothing changed, or the maintainer changed both."""
    reference = shipped_root() if reference is None else reference
    if not docx_changed(root, kind, name, reference) or html_changed(root, name, reference):
        return None
    return StaleTwin(kind, name, root / kind.value / f"{name}.docx", root / "html" / f"{name}.html")


def libreoffice_installed() -> bool:
    """Whether LibreOffice (``soffice`` or ``libreoffice``) is on the PATH, as
    docgen.pdf.libreoffice_pdfs looks for it."""
    return bool(shutil.which("soffice") or shutil.which("libreoffice"))


def stale_twin_problem(stale: StaleTwin, reason: str = "") -> Problem:
    """The warning, located at the changed Word template, that the PDF of its papers is made
    from the stale HTML twin and does not show the change; ``reason`` says why LibreOffice could
    not make it instead (empty: LibreOffice is not installed). The hint says what to do."""
    hint = _(
        "install LibreOffice (apt-get install libreoffice-writer) so that docgen makes this PDF "
        "from the Word file, or make the same change in {html}, or pass --pdf-engine libreoffice"
    ).format(html=stale.html)
    location = Location(str(stale.docx))
    if reason:
        return problem("W0603", location, hint=hint, html=stale.html, reason=reason)
    return problem("W0602", location, hint=hint, html=stale.html)


def from_word_files(
    root: Path,
    kind: IssuerKind,
    papers: list[Paper],
    docx: dict[str, bytes],
    report: Report | None = None,
    reference: Path | None = None,
) -> dict[str, bytes]:
    """The PDFs of the ``papers`` whose Word template in ``root`` has a stale HTML twin
    (stale_twin), made from their rendered DOCX (``docx``: file name → bytes) by LibreOffice:
    PDF file name (…pdf) → bytes. Empty when no template is stale. When LibreOffice is not
    installed or fails, empty too, and ``report`` receives one warning per stale template
    (stale_twin_problem; logged when ``report`` is None): those PDFs come from the HTML twins.
    """
    stale: dict[str, StaleTwin] = {}
    for name in dict.fromkeys(paper.template for paper in papers):
        found = stale_twin(root, kind, name, reference)
        if found is not None:
            stale[name] = found
    if not stale:
        return {}
    reason = ""
    if libreoffice_installed():
        from docgen.pdf import libreoffice_pdfs

        chosen = {p.file_name: docx[p.file_name] for p in papers if p.template in stale}
        try:
            return libreoffice_pdfs(chosen)
        except EnvironmentProblem as exc:
            reason = str(exc)
    for twin in stale.values():
        warning = stale_twin_problem(twin, reason)
        if report is None:
            _LOG.warning("%s", warning)
        else:
            report.add(warning)
    return {}


def join_pdfs(parts: list[bytes], titles: list[str]) -> bytes:
    """PDFs made by different engines (WeasyPrint, LibreOffice) as one, with exactly one
    bookmark per part, at its first page: ``titles[i]`` for ``parts[i]`` (the parts' own
    bookmarks are dropped, so none is doubled)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for data, title in zip(parts, titles, strict=True):
        start = len(writer.pages)
        writer.append(io.BytesIO(data), import_outline=False)
        writer.add_outline_item(title=title, page_number=start)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


TEMPLATE_FOLDERS = ("state", "party", "html", "profiles")
"""The sub-folders of a templates folder a maintainer may edit (Word, HTML twins, profiles)."""


def copy_templates(target: Path) -> list[Path]:
    """Copy docgen's own templates (``shipped_root``) into ``target``, a new or empty folder, to
    edit in Word and use with ``--templates target``; return the files written. Each sub-folder
    is written by docgen.output.write_files (with its manifest), so a later copy never
    overwrites a maintainer's edit.

    Raises:
        EnvironmentProblem: ``target`` exists and is not an empty folder (nothing written), or
            docgen has no templates to copy, or the disk refuses.
    """
    from docgen.output import write_files

    source = shipped_root()
    if source is None:
        raise EnvironmentProblem(_("docgen's own templates are not installed with it"))
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise EnvironmentProblem(
            _("{folder} is not empty: give a new folder to copy the templates into").format(
                folder=target
            )
        )
    written: list[Path] = []
    for name in TEMPLATE_FOLDERS:
        folder = source / name
        if not folder.is_dir():
            continue
        files = [
            (path.name, path.read_bytes())
            for path in sorted(folder.iterdir())
            if path.is_file() and not path.name.startswith(".")
        ]
        written += write_files(target / name, files)
    return written
