"""Build the DOCX templates in ``templates/`` from the style profiles in ``templates/profiles/``.

A maintainer tool, not part of a run: ``python -m docgen.templates_build``. The templates it
writes are plain Word documents with Jinja tags (docxtpl syntax) that a template maintainer may
open and edit in Word afterwards; a rebuild overwrites such edits, so edit the profile for layout
values and the DOCX for wording.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from docgen.layout import CAPTION_PREFIX, column_widths_mm

__all__ = ["build_all", "main"]

CENTER = WD_ALIGN_PARAGRAPH.CENTER
LEFT = WD_ALIGN_PARAGRAPH.LEFT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY


class Builder:
    """Writes one template document following one style profile."""

    def __init__(self, profile: dict[str, Any], landscape: bool = False, page_numbers: bool = True):
        self.profile = dict(profile)
        if landscape:
            self.profile["table"] = profile["wide_table"]
        self.doc = Document()
        self.landscape = landscape
        page = profile["page"]
        section = self.doc.sections[0]
        width, height = Mm(page["width"]), Mm(page["height"])
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = height, width
        else:
            section.page_width, section.page_height = width, height
        section.top_margin = Mm(page["top"])
        section.bottom_margin = Mm(page["bottom"])
        section.left_margin = Mm(page["left"])
        section.right_margin = Mm(page["right"])
        section.header_distance = Mm(10)
        self.text_width_mm = (
            (page["height"] if landscape else page["width"]) - page["left"] - page["right"]
        )
        style = self.doc.styles["Normal"]
        style.font.name = profile["font"]
        style.font.size = Pt(profile["body"]["size"])
        fonts = style.element.rPr.find(qn("w:rFonts"))
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), profile["font"])
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.space_before = Pt(0)
        if page_numbers:
            self._page_numbers(section)
        self._paragraph_style("Nơi nhận", profile["recipients"]["line"]["size"])
        self._paragraph_style("Chú thích", profile["table"]["size"])
        body = self.doc.element.body
        for paragraph in list(body.iterchildren(qn("w:p"))):
            body.remove(paragraph)

    # --- low-level helpers -------------------------------------------------------------------

    def _paragraph_style(self, name: str, size: float) -> None:
        """A named paragraph style, so values rendered as rich text inherit their size."""
        from docx.enum.style import WD_STYLE_TYPE

        style = self.doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = self.doc.styles["Normal"]
        style.font.size = Pt(size)

    def _page_numbers(self, section: Any) -> None:
        """Arabic page number centred in the top margin, none on page 1 (format.md, Page)."""
        section.different_first_page_header_footer = True
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = CENTER
        run = paragraph.add_run()
        run.font.size = Pt(self.profile["page_number"]["size"])
        for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
            if kind:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            else:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = f" {text} "
            run._r.append(element)

    def para(
        self,
        text: str = "",
        size: float | None = None,
        *,
        container: Any = None,
        bold: bool = False,
        italic: bool = False,
        underline: bool = False,
        align: Any = CENTER,
        indent: bool = False,
        space_after: float = 0,
        space_before: float = 0,
        keep_next: bool = False,
    ) -> Any:
        target = container if container is not None else self.doc
        paragraph = target.add_paragraph()
        paragraph.alignment = align
        fmt = paragraph.paragraph_format
        fmt.space_after = Pt(space_after)
        fmt.space_before = Pt(space_before)
        if keep_next:
            fmt.keep_with_next = True
        if indent:
            fmt.first_line_indent = Mm(self.profile["body"]["first_line_indent"])
        if text:
            run = paragraph.add_run(text)
            run.font.size = Pt(size or self.profile["body"]["size"])
            run.bold = bold or None
            run.italic = italic or None
            run.underline = underline or None
        return paragraph

    def body(
        self, text: str, *, bold: bool = False, italic: bool = False, indent: bool = True
    ) -> Any:
        body = self.profile["body"]
        paragraph = self.para(
            text,
            body["size"],
            bold=bold,
            italic=italic,
            align=JUSTIFY,
            indent=indent,
            space_after=body["space_after"],
            keep_next=bold,  # a bold body line is a heading: kept with what follows
        )
        paragraph.paragraph_format.line_spacing = body["line_spacing"]
        return paragraph

    def tag(self, text: str, container: Any = None) -> Any:
        """A paragraph holding only a docxtpl block tag ({%p …%}); it disappears on render."""
        return self.para(text, container=container, align=LEFT)

    def rule(self, width_mm: float, within_mm: float, container: Any = None) -> Any:
        """A short horizontal rule: an empty paragraph with a bottom border, centred."""
        paragraph = self.para(container=container)
        fmt = paragraph.paragraph_format
        side = max((within_mm - width_mm) / 2, 0)
        fmt.left_indent = Mm(side)
        fmt.right_indent = Mm(side)
        properties = paragraph._p.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (
            ("w:val", "single"),
            ("w:sz", "6"),
            ("w:space", "1"),
            ("w:color", "000000"),
        ):
            bottom.set(qn(key), value)
        borders.append(bottom)
        properties.append(borders)
        run = paragraph.add_run()
        run.font.size = Pt(2)
        return paragraph

    def table(
        self,
        columns_mm: list[float],
        rows: int,
        borders: bool = True,
        layout: str | None = None,
    ) -> Any:
        """A fixed-layout table; ``layout`` names its entry in ``docgen.layout`` (widths and
        keep rules applied after rendering), recorded as the table's caption."""
        table = self.doc.add_table(rows=rows, cols=len(columns_mm))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        properties = table._tbl.tblPr
        fixed = OxmlElement("w:tblLayout")
        fixed.set(qn("w:type"), "fixed")
        properties.append(fixed)
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            margin = OxmlElement(f"w:{side}")
            margin.set(qn("w:w"), "57")  # 1 mm: narrow columns keep dates on one line
            margin.set(qn("w:type"), "dxa")
            margins.append(margin)
        properties.append(margins)
        if layout:
            caption = OxmlElement("w:tblCaption")
            caption.set(qn("w:val"), CAPTION_PREFIX + layout)
            properties.append(caption)
        if borders:
            element = OxmlElement("w:tblBorders")
            for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
                border = OxmlElement(f"w:{side}")
                for key, value in (
                    ("w:val", "single"),
                    ("w:sz", "4"),
                    ("w:space", "0"),
                    ("w:color", "000000"),
                ):
                    border.set(qn(key), value)
                element.append(border)
            properties.append(element)
        _order_properties(properties)
        if layout == "signature":
            for row in table.rows:
                self.no_split(row)  # a signature block never splits across pages
        for index, width in enumerate(columns_mm):
            table.columns[index].width = Mm(width)
            for cell in table.columns[index].cells:
                cell.width = Mm(width)
        return table

    def cell_text(
        self,
        cell: Any,
        text: str,
        *,
        size: float | None = None,
        bold: bool = False,
        italic: bool = False,
        align: Any = CENTER,
    ) -> Any:
        paragraph = cell.paragraphs[0]
        paragraph.alignment = align
        run = paragraph.add_run(text)
        run.font.size = Pt(size or self.profile["table"]["size"])
        run.bold = bold or None
        run.italic = italic or None
        return paragraph

    @staticmethod
    def repeat_header(row: Any) -> None:
        """Mark a table row as a header row repeated on every page (format.md, Tables)."""
        properties = row._tr.get_or_add_trPr()
        element = OxmlElement("w:tblHeader")
        element.set(qn("w:val"), "true")
        properties.append(element)

    @staticmethod
    def no_split(row: Any) -> None:
        properties = row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # --- blocks --------------------------------------------------------------------------------

    def header(self, *, dated: bool = True) -> None:
        """The two-column header (format.md, Header); ``dated`` False for minutes (no date line)."""
        header = self.profile["header"]
        left = header["left_width"]
        right = self.text_width_mm - left
        table = self.table([left, right], 2, borders=False)
        top_left, top_right = table.rows[0].cells
        self.cell_text(
            top_left,
            "{{ parent_body }}",
            size=header["parent_body"]["size"],
            bold=header["parent_body"]["bold"],
        )
        body = top_left.add_paragraph()
        body.alignment = CENTER
        run = body.add_run("{{ issuing_body }}")
        run.font.size = Pt(header["issuing_body"]["size"])
        run.bold = header["issuing_body"]["bold"]
        if header.get("body_rule"):
            self.rule(header["body_rule"]["width"], left, container=top_left)
        if header.get("star"):
            self.para("*", header["issuing_body"]["size"], container=top_left)
        national = header["national_name"]
        self.cell_text(top_right, national["text"], size=national["size"], bold=national["bold"])
        if national.get("underline"):
            top_right.paragraphs[0].runs[0].underline = True
        motto = header.get("motto")
        if motto:
            self.para(
                motto["text"],
                motto["size"],
                container=top_right,
                bold=motto["bold"],
                underline=motto.get("underline", False),
            )
        bottom_left, bottom_right = table.rows[1].cells
        number = header["number"]
        self.cell_text(bottom_left, number["prefix"] + "{{ number_symbol }}", size=number["size"])
        bottom_left.paragraphs[0].paragraph_format.space_before = Pt(6)
        if dated:
            date_line = header["date_line"]
            paragraph = self.cell_text(
                bottom_right, "{{ place_date }}", size=date_line["size"], italic=date_line["italic"]
            )
            paragraph.paragraph_format.space_before = Pt(6)

    def title(self, document_type: str, subject: str = "{{ subject }}") -> None:
        title = self.profile["title"]
        self.para(document_type, title["type"]["size"], bold=True, space_before=18)
        self.para(subject, title["subject"]["size"], bold=title["subject"]["bold"])
        if title.get("rule"):
            self.rule(title["rule"]["width"], self.text_width_mm)
        else:
            self.para(title.get("rule_text", ""), title["subject"]["size"])

    def signature(self, *, recipients: bool = True, rich: bool = False) -> None:
        """Nơi nhận bottom left, the signature block bottom right (format.md)."""
        signature = self.profile["signature"]
        table = self.table(
            [self.text_width_mm * 0.5, self.text_width_mm * 0.5],
            1,
            borders=False,
            layout="signature",
        )
        left, right = table.rows[0].cells
        if recipients:
            heading = self.profile["recipients"]["heading"]
            paragraph = self.cell_text(
                left,
                heading["text"],
                size=heading["size"],
                bold=heading["bold"],
                italic=heading["italic"],
                align=LEFT,
            )
            if heading.get("underline"):
                paragraph.runs[0].underline = True
            paragraph.paragraph_format.space_before = Pt(12)
            self.tag("{%p for line in recipients %}", container=left)
            line = self.para(
                "{{r line }}" if rich else "{{ line }}",
                self.profile["recipients"]["line"]["size"],
                container=left,
                align=LEFT,
            )
            line.style = self.doc.styles["Nơi nhận"]
            self.tag("{%p endfor %}", container=left)
        self.tag("{%p if signature.authority %}", container=right)
        self.para(
            "{{ signature.authority }}",
            signature["authority_size"],
            container=right,
            bold=True,
            space_before=12,
        )
        self.tag("{%p endif %}", container=right)
        self.para(
            "{{ signature.position }}", signature["position_size"], container=right, bold=True
        )
        for _ in range(4):
            self.para(container=right)
        self.para("{{ signature.name }}", signature["name_size"], container=right, bold=True)
        _drop_first_empty(right)

    # --- output ----------------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        core = self.doc.core_properties
        core.author = "docgen"
        core.title = path.stem
        self.doc.save(str(path))


def _submission(builder: Builder) -> None:
    b = builder
    b.header()
    b.title("TỜ TRÌNH")
    b.para(
        "Kính gửi: {{ approving_body }}.", b.profile["body"]["size"], space_before=6, space_after=12
    )
    b.tag("{%p for basis in legal_bases %}")
    b.body("Căn cứ {{ basis }};")
    b.tag("{%p endfor %}")
    b.body("{{ intro }}")
    b.body("I. QUY TRÌNH THỰC HIỆN", bold=True)
    b.tag("{%p for step in steps %}")
    b.body("{{ step.heading }}", bold=True, italic=True)
    b.tag("{%p for line in step.lines %}")
    b.body("{{ line }}")
    b.tag("{%p endfor %}")
    b.tag("{%p endfor %}")
    b.body("II. KẾT QUẢ", bold=True)
    b.tag("{%p if removals %}")
    b.body("{{ labels.removed }} Đề nghị đưa ra khỏi quy hoạch", bold=True)
    b.tag("{%p for line in removals %}")
    b.body("{{ line }}")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")
    b.tag("{%p if kept %}")
    b.body("{{ labels.kept }} Tiếp tục quy hoạch", bold=True)
    b.tag("{%p for line in kept %}")
    b.body("{{ line }}")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")
    b.body("{{ labels.proposed }} {{ proposed_heading }}", bold=True)
    b.tag("{%p if accounts %}")
    b.body("{{ accounts_intro }}")
    b.tag("{%p for line in accounts %}")
    b.body("{{ line }}")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")
    b.body("{{ proposed_intro }}")
    _proposed_table(b)
    b.body("III. HỒ SƠ KÈM THEO", bold=True)
    b.tag("{%p for line in attachments %}")
    b.body("{{ line }}")
    b.tag("{%p endfor %}")
    b.body("{{ closing }}")
    b.signature()


def _tag_row(b: Builder, table: Any, text: str) -> None:
    """A row holding only a docxtpl row tag ({%tr …%}); it disappears on render."""
    row = table.add_row()
    b.cell_text(row.cells[0], text, align=LEFT)


def _data_row(b: Builder, table: Any, fields: list[str], lefts: set[int]) -> None:
    row = table.add_row()
    for index, (cell, text) in enumerate(zip(row.cells, fields, strict=True)):
        b.cell_text(cell, text, align=LEFT if index in lefts else CENTER)
    b.no_split(row)


def _loop_widths(b: Builder, name: str) -> list[float]:
    """Template widths of a table with a column loop: the loop column between its two tag cells
    ({%tc for %} | cell | {%tc endfor %}), which docxtpl removes; the rendered table's widths
    are set from the layout afterwards (docgen.docx_layout)."""
    from docgen.layout import table_layout

    widths = column_widths_mm(name, b.text_width_mm)
    index = table_layout(name).repeat_index
    assert index is not None
    return [*widths[:index], 2.0, widths[index], 2.0, *widths[index + 1 :]]


def _header_row(b: Builder, row: Any, texts: list[str], *, italic: bool = False) -> None:
    size = b.profile["table"]["header_size"]
    for cell, text in zip(row.cells, texts, strict=True):
        if text:
            b.cell_text(
                cell, text, size=size - (1 if italic else 0), bold=not italic, italic=italic
            )
    b.repeat_header(row)


def _plan(builder: Builder) -> None:
    """A plan: its blocks arrive as RichText (bold deadlines, italics, footnote marks), with per
    block whether it keeps with the next, is a tight list line or is a table; footnote texts
    follow the body, and docgen.plan_docx moves them to the foot of the page that cites them.
    Annexes (Phụ lục) follow the signature, each on a new page."""
    b = builder
    b.header()
    _optional_parent_line(b)
    b.title("KẾ HOẠCH")
    _plan_blocks(b, "")
    b.tag("{%p for note in footnotes %}")
    note = b.para("{{r note }}", b.profile["table"]["size"], align=JUSTIFY)
    note.style = b.doc.styles["Chú thích"]
    b.tag("{%p endfor %}")
    b.signature(rich=True)
    b.no_split(b.doc.tables[-1].rows[0])
    b.tag("{%p for annex in annexes %}")
    b.page_break()
    title = b.profile["title"]
    b.para("{{ annex.title }}", title["type"]["size"], bold=True)
    b.tag("{%p if annex.subject %}")
    b.para("{{ annex.subject }}", title["subject"]["size"], bold=title["subject"]["bold"])
    b.tag("{%p endif %}")
    b.para()
    _plan_blocks(b, "annex.")
    b.tag("{%p endfor %}")


def _optional_parent_line(b: Builder) -> None:
    """The header's parent line (cơ quan cấp trên) only when there is one: a Thành ủy directly
    under the Central Committee has none (issue 12)."""
    cell = b.doc.tables[-1].rows[0].cells[0]
    parent, after = cell.paragraphs[0], cell.paragraphs[1]
    parent.insert_paragraph_before("{%p if parent_body %}").alignment = LEFT
    after.insert_paragraph_before("{%p endif %}").alignment = LEFT


def _plan_blocks(b: Builder, prefix: str) -> None:
    """The loop over the blocks of the body (``prefix`` "") or of an annex ("annex."): a heading
    block keeps with the block after it and the last block with what follows (format.md,
    "Pagination"); a tight list line has no space after; a table block is a table."""
    b.tag(f"{{%p for block in {prefix}blocks %}}")
    b.tag(f"{{%p set table = {prefix}tables[loop.index0] %}}")
    b.tag("{%p if table %}")
    _plan_table(b)
    b.tag(f"{{%p elif {prefix}keep_with_next[loop.index0] or loop.last %}}")
    b.body("{{r block }}").paragraph_format.keep_with_next = True
    b.tag(f"{{%p elif {prefix}tight[loop.index0] %}}")
    b.body("{{r block }}").paragraph_format.space_after = Pt(0)
    b.tag("{%p else %}")
    b.body("{{r block }}")
    b.tag("{%p endif %}")
    b.tag("{%p endfor %}")


def _plan_table(b: Builder) -> None:
    """A table of an item: header rows (bold, repeated on every page) and body rows, each a
    column loop ({%tc for %} | cell | {%tc endfor %}) over the row's cells."""
    from docgen.plan_docx import PLAN_TABLE_CAPTION

    side = 2.0
    table = b.table([side, b.text_width_mm - 2 * side, side], 0)
    caption = OxmlElement("w:tblCaption")
    caption.set(qn("w:val"), PLAN_TABLE_CAPTION)
    table._tbl.tblPr.append(caption)
    _order_properties(table._tbl.tblPr)
    size = b.profile["table"]["size"]
    for rows, bold in (("table.head", True), ("table.body", False)):
        _tag_row(b, table, f"{{%tr for row in {rows} %}}")
        row = table.add_row()
        b.cell_text(row.cells[0], "{%tc for cell in row %}", align=LEFT)
        b.cell_text(row.cells[1], "{{r cell }}", size=size, bold=bold, align=LEFT)
        b.cell_text(row.cells[2], "{%tc endfor %}", align=LEFT)
        if bold:
            b.repeat_header(row)
        b.no_split(row)
        _tag_row(b, table, "{%tr endfor %}")


def _proposed_table(b: Builder) -> None:
    table = b.table(column_widths_mm("proposed", b.text_width_mm), 1, layout="proposed")
    _header_row(
        b,
        table.rows[0],
        [
            "STT",
            "Họ và tên",
            "Ngày sinh",
            "Chức vụ, đơn vị công tác hiện nay",
            "Chức danh đề nghị quy hoạch",
            "Số phiếu ({{ deciding_step_label }})",
            "Tỷ lệ (%) so với {{ deciding_base }}",
        ],
    )
    _tag_row(b, table, "{%tr for group in proposed_groups %}")
    group = table.add_row().cells
    b.cell_text(group[0], "{{ group.label }}", bold=True)
    b.cell_text(group[1].merge(group[-1]), "{{ group.title }}", bold=True, align=LEFT)
    _tag_row(b, table, "{%tr for row in group.rows %}")
    _data_row(
        b,
        table,
        [
            "{{ row.index }}",
            "{{ row.name }}",
            "{{ row.birth_date }}",
            "{{ row.position }}",
            "{{ row.title }}",
            "{{ row.votes }}",
            "{{ row.percent }}",
        ],
        {1, 3, 4},
    )
    _tag_row(b, table, "{%tr endfor %}")
    _tag_row(b, table, "{%tr endfor %}")


def _minutes(builder: Builder) -> None:
    b = builder
    b.header(dated=False)
    b.title("BIÊN BẢN KIỂM PHIẾU")
    b.body("{{ opening }}")
    b.body("I. TỔ KIỂM PHIẾU", bold=True)
    b.body("{{ committee_intro }}")
    b.tag("{%p for member in committee %}")
    b.body("{{ loop.index }}. Đồng chí {{ member.name }} - {{ member.role }}.")
    b.tag("{%p endfor %}")
    b.body("II. KẾT QUẢ KIỂM PHIẾU", bold=True)
    b.body("1. Tình hình tham dự hội nghị", bold=True, italic=True)
    b.tag("{%p for line in attendance %}")
    b.body("- {{ line }}")
    b.tag("{%p endfor %}")
    b.body("2. Số phiếu", bold=True, italic=True)
    b.tag("{%p for line in ballots %}")
    b.body("- {{ line }}")
    b.tag("{%p endfor %}")
    b.body("3. Kết quả cụ thể", bold=True, italic=True)
    b.tag("{%p for result in results %}")
    b.body("{{ result.heading }}", bold=True).paragraph_format.space_before = Pt(6)
    _results_table(b)
    b.tag("{%p endfor %}")
    # No empty paragraph between the last table and this heading: LibreOffice then dropped the
    # heading's keep-with-next and left it at the foot of a page; space above it instead.
    b.body("4. {{ outcome_heading }}", bold=True, italic=True).paragraph_format.space_before = Pt(6)
    b.tag("{%p for line in outcome_lines %}")
    b.body("{{ line }}")
    b.tag("{%p endfor %}")
    b.tag("{%p if quota_lines %}")
    b.body("{{ quota_heading }}", bold=True, italic=True)
    b.tag("{%p for line in quota_lines %}")
    b.body("{{ line }}")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")
    b.body("{{ closing }}")
    signature = b.profile["signature"]
    table = b.table([b.text_width_mm * 0.5, b.text_width_mm * 0.5], 1, borders=False)
    left, right = table.rows[0].cells
    for cell, lines in (
        (left, ["{{ counting_authority }}", "{{ counting_position }}"]),
        (right, ["{{ chair_heading }}", "{{ chair_position }}"]),
    ):
        b.cell_text(
            cell, lines[0], size=signature["authority_size"], bold=True
        ).paragraph_format.space_before = Pt(12)
        b.para(lines[1], signature["position_size"], container=cell, bold=True)
        for _ in range(4):
            b.para(container=cell)
    b.para("{{ counting_head }}", signature["name_size"], container=left, bold=True)
    b.para("{{ chair }}", signature["name_size"], container=right, bold=True)


def _results_table(b: Builder) -> None:
    table = b.table(column_widths_mm("results", b.text_width_mm), 1, layout="results")
    _header_row(
        b,
        table.rows[0],
        [
            "STT",
            "Họ và tên",
            "Chức vụ, đơn vị công tác",
            "{{ result.votes_header }}",
            "Tỷ lệ (%) so với {{ result.base_label }}",
            "Kết quả",
        ],
    )
    _tag_row(b, table, "{%tr for row in result.rows %}")
    _data_row(
        b,
        table,
        [
            "{{ row.index }}",
            "{{ row.name }}",
            "{{ row.position }}",
            "{{ row.votes }}",
            "{{ row.percent }}",
            "{{ row.result }}",
        ],
        {1, 2},
    )
    _tag_row(b, table, "{%tr endfor %}")


def _plain_header(b: Builder, left: float) -> None:
    """The two-column header without number or date: bodies left, national lines right."""
    header = b.profile["header"]
    table = b.table([left, b.text_width_mm - left], 1, borders=False)
    cell_left, cell_right = table.rows[0].cells
    b.cell_text(
        cell_left,
        "{{ parent_body }}",
        size=header["parent_body"]["size"],
        bold=header["parent_body"]["bold"],
    )
    b.para("{{ issuing_body }}", header["issuing_body"]["size"], container=cell_left, bold=True)
    if header.get("body_rule"):
        b.rule(header["body_rule"]["width"], left, container=cell_left)
    if header.get("star"):
        b.para("*", header["issuing_body"]["size"], container=cell_left)
    national = header["national_name"]
    paragraph = b.cell_text(cell_right, national["text"], size=national["size"], bold=True)
    if national.get("underline"):
        paragraph.runs[0].underline = True
    motto = header.get("motto")
    if motto:
        b.para(
            motto["text"],
            motto["size"],
            container=cell_right,
            bold=True,
            underline=motto.get("underline", False),
        )


def _summary_heading(b: Builder, title: str) -> None:
    _plain_header(b, 90)
    b.para(title, b.profile["title"]["type"]["size"], bold=True, space_before=12)
    b.para("{{ subject }}", b.profile["title"]["subject"]["size"], bold=True)
    b.para("{{ attached_to }}", b.profile["table"]["size"] + 1, italic=True, space_after=6)


def _ballot(builder: Builder) -> None:
    """One page per copy; the choice columns loop with {%tc %} (removal ballots name theirs)."""
    b = builder
    b.tag("{%p for copy in copies %}")
    _plain_header(b, b.profile["header"]["left_width"])
    b.para("{{ ballot_title }}", b.profile["title"]["type"]["size"], bold=True, space_before=18)
    b.para("{{ subject }}", b.profile["title"]["subject"]["size"], bold=True)
    b.para("{{ conference_line }}", b.profile["body"]["size"], italic=True, space_after=6)
    b.tag("{%p for line in instructions %}")
    b.body("{{ line }}", italic=True)
    b.tag("{%p endfor %}")
    b.tag("{%p for section in sections %}")
    b.tag("{%p if section.heading %}")
    b.body("{{ section.heading }}", bold=True, indent=False)
    b.tag("{%p endif %}")
    table = b.table(_loop_widths(b, "ballot"), 1, layout="ballot")
    _header_row(
        b,
        table.rows[0],
        [
            "STT",
            "Họ và tên",
            "Chức vụ, đơn vị công tác",
            "{%tc for choice in choices %}",
            "{{ choice }}",
            "{%tc endfor %}",
            "Ghi chú",
        ],
    )
    _tag_row(b, table, "{%tr for row in section.rows %}")
    _data_row(
        b,
        table,
        [
            "{{ row.index }}",
            "{{ row.name }}",
            "{{ row.position }}",
            "{%tc for choice in choices %}",
            "",
            "{%tc endfor %}",
            "{{ row.note }}",
        ],
        {1, 2},
    )
    _tag_row(b, table, "{%tr endfor %}")
    _tag_row(b, table, "{%tr for blank in section.blanks %}")
    _data_row(
        b,
        table,
        [
            "{{ blank }}",
            "",
            "",
            "{%tc for choice in choices %}",
            "",
            "{%tc endfor %}",
            "",
        ],
        set(),
    )
    _tag_row(b, table, "{%tr endfor %}")
    b.para()
    b.tag("{%p endfor %}")
    b.para("{{ footer }}", b.profile["table"]["size"], italic=True, space_before=6)
    b.tag("{%p if not loop.last %}")
    b.page_break()
    b.tag("{%p endif %}")
    b.tag("{%p endfor %}")


def _group_rows(b: Builder, table: Any, span_tag: str = "") -> None:
    """Rows: for, if-group, the group row (label + merged name), else; the caller adds the data
    row, then endif and endfor. Group rows carry A., B. (terms) and I., II. (titles)."""
    _tag_row(b, table, "{%tr for row in rows %}")
    _tag_row(b, table, "{%tr if row.group %}")
    group = table.add_row().cells
    b.cell_text(group[0], "{{ row.label }}", bold=True)
    b.cell_text(group[1].merge(group[-1]), span_tag + "{{ row.name }}", bold=True, align=LEFT)
    _tag_row(b, table, "{%tr else %}")


def _hide_border(cell: Any, side: str) -> None:
    """Remove one border of a cell (w:tcBorders/w:<side> = nil)."""
    properties = cell._tc.get_or_add_tcPr()
    borders = properties.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        # tcBorders follows tcW and gridSpan in w:tcPr.
        anchor = properties.find(qn("w:gridSpan"))
        if anchor is None:
            anchor = properties.find(qn("w:tcW"))
        if anchor is not None:
            anchor.addnext(borders)
        else:
            properties.insert(0, borders)
    border = OxmlElement(f"w:{side}")
    border.set(qn("w:val"), "nil")
    borders.append(border)


def _summary_review(builder: Builder) -> None:
    b = builder
    _summary_heading(b, "BIỂU TỔNG HỢP KẾT QUẢ RÀ SOÁT, BỔ SUNG QUY HOẠCH CÁN BỘ")
    table = b.table(column_widths_mm("summary_review", b.text_width_mm), 3, layout="summary_review")
    size = b.profile["table"]["header_size"]
    top, second, numbers = table.rows
    spans = [
        (0, 0, "STT"),
        (1, 1, "Họ và tên"),
        (2, 3, "Ngày, tháng, năm sinh"),
        (4, 4, "Chức vụ, đơn vị công tác hiện nay"),
        (5, 5, "Chức danh đã được quy hoạch"),
        (6, 6, "Chức danh đề nghị quy hoạch"),
        (7, 7, "Chuyên môn"),
        (8, 8, "Lý luận chính trị"),
        (9, 9, "Quyết định quy hoạch (số, ngày)"),
        (10, 12, "Kết quả đánh giá, xếp loại"),
        (13, 13, "Đề xuất"),
    ]
    # No vertical merge: LibreOffice clips a repeated header row whose cells span two rows, so
    # a one-row heading sits in the top row with no border between it and the empty cell below.
    for first, last, text in spans:
        if first == last:
            cell = top.cells[first]
            _hide_border(cell, "bottom")
            _hide_border(second.cells[first], "top")
        else:
            cell = top.cells[first].merge(top.cells[last])
        b.cell_text(cell, text, size=size, bold=True)
    b.cell_text(second.cells[2], "Nam", size=size, bold=True)
    b.cell_text(second.cells[3], "Nữ", size=size, bold=True)
    for offset in range(3):
        b.cell_text(second.cells[10 + offset], f"{{{{ years[{offset}] }}}}", size=size, bold=True)
    b.repeat_header(top)
    b.repeat_header(second)
    _header_row(b, numbers, [f"({i})" for i in range(1, 15)], italic=True)
    _group_rows(b, table)
    _data_row(
        b,
        table,
        [
            "{{ row.index }}",
            "{{ row.name }}",
            "{{ row.birth_male }}",
            "{{ row.birth_female }}",
            "{{ row.position }}",
            "{{ row.planned_title }}",
            "{{ row.proposed_title }}",
            "{{ row.education }}",
            "{{ row.political_theory }}",
            "{{ row.planning_decision }}",
            "{{ row.ratings[0] }}",
            "{{ row.ratings[1] }}",
            "{{ row.ratings[2] }}",
            "{{ row.proposal }}",
        ],
        {1, 4, 5, 6, 7, 9, 13},
    )
    _tag_row(b, table, "{%tr endif %}")
    _tag_row(b, table, "{%tr endfor %}")
    _summary_signature(b)


def _summary_next_term(builder: Builder) -> None:
    """Columns 8..10 are the step loop ({%tc for%} | the step's cell | {%tc endfor%}): docxtpl
    drops the tag cells, so a 3-voting-step procedure renders with the template's 12 columns."""
    b = builder
    _summary_heading(b, "BIỂU TỔNG HỢP KẾT QUẢ QUY HOẠCH CÁN BỘ NHIỆM KỲ KẾ TIẾP")
    table = b.table(_loop_widths(b, "summary_next_term"), 2, layout="summary_next_term")
    top, numbers = table.rows
    loop = ["{%tc for step in voting_steps %}", "{{ step.header }}", "{%tc endfor %}"]
    _header_row(
        b,
        top,
        [
            "STT",
            "Họ và tên",
            "Nam (ngày sinh)",
            "Nữ (ngày sinh)",
            "Chức vụ, đơn vị công tác hiện nay",
            "Chức danh quy hoạch",
            "Chuyên môn",
            "Lý luận chính trị",
            *loop,
            "Ghi chú",
        ],
    )
    _header_row(
        b,
        numbers,
        [
            *[f"({i})" for i in range(1, 9)],
            "{%tc for step in voting_steps %}",
            "{{ step.column }}",
            "{%tc endfor %}",
            "{{ last_column }}",
        ],
        italic=True,
    )
    _group_rows(b, table, span_tag="{% colspan group_span %}")
    _data_row(
        b,
        table,
        [
            "{{ row.index }}",
            "{{ row.name }}",
            "{{ row.birth_male }}",
            "{{ row.birth_female }}",
            "{{ row.position }}",
            "{{ row.proposed_title }}",
            "{{ row.education }}",
            "{{ row.political_theory }}",
            "{%tc for cell in row.steps %}",
            "{{ cell }}",
            "{%tc endfor %}",
            "{{ row.note }}",
        ],
        {1, 4, 5, 6, 11},
    )
    _tag_row(b, table, "{%tr endif %}")
    _tag_row(b, table, "{%tr endfor %}")
    _summary_signature(b)


def _trich_ngang(builder: Builder) -> None:
    b = builder
    _summary_heading(b, "DANH SÁCH TRÍCH NGANG CÁN BỘ ĐỀ NGHỊ QUY HOẠCH")
    table = b.table(column_widths_mm("trich_ngang", b.text_width_mm), 2, layout="trich_ngang")
    top, numbers = table.rows
    _header_row(
        b,
        top,
        [
            "STT",
            "Họ và tên",
            "Nam (ngày sinh)",
            "Nữ (ngày sinh)",
            "Dân tộc",
            "Quê quán",
            "Ngày vào Đảng",
            "Chức vụ, đơn vị công tác hiện nay",
            "Chuyên môn",
            "Lý luận chính trị",
            "Quản lý nhà nước",
            "Ngoại ngữ",
            "Tin học",
            "Chức danh đề nghị quy hoạch",
        ],
    )
    _header_row(b, numbers, [f"({i})" for i in range(1, 15)], italic=True)
    _group_rows(b, table)
    _data_row(
        b,
        table,
        [
            "{{ row.index }}",
            "{{ row.name }}",
            "{{ row.birth_male }}",
            "{{ row.birth_female }}",
            "{{ row.ethnicity }}",
            "{{ row.home_town }}",
            "{{ row.party_join_date }}",
            "{{ row.position }}",
            "{{ row.education }}",
            "{{ row.political_theory }}",
            "{{ row.state_management }}",
            "{{ row.foreign_language }}",
            "{{ row.it_skill }}",
            "{{ row.proposed_title }}",
        ],
        {1, 5, 7, 8, 13},
    )
    _tag_row(b, table, "{%tr endif %}")
    _tag_row(b, table, "{%tr endfor %}")
    _summary_signature(b)


def _structure(builder: Builder) -> None:
    """Indicators down, a column per title ({%tc %}), then total, share and target."""
    b = builder
    _summary_heading(b, "BIỂU THỐNG KÊ CƠ CẤU CÁN BỘ TRONG QUY HOẠCH")
    table = b.table(_loop_widths(b, "structure"), 1, layout="structure")
    _header_row(
        b,
        table.rows[0],
        [
            "STT",
            "Chỉ tiêu",
            "{%tc for title in titles %}",
            "{{ title.name }}",
            "{%tc endfor %}",
            "Tổng số (lượt người)",
            "Tỷ lệ (%) so với tổng số lượt người",
            "{{ rule_set }}",
        ],
    )
    numbers = table.add_row()
    _header_row(
        b,
        numbers,
        [
            "{{ column_numbers[0] }}",
            "{{ column_numbers[1] }}",
            "{%tc for title in titles %}",
            "{{ column_numbers[loop.index + 1] }}",
            "{%tc endfor %}",
            "{{ column_numbers[-3] }}",
            "{{ column_numbers[-2] }}",
            "{{ column_numbers[-1] }}",
        ],
        italic=True,
    )
    _tag_row(b, table, "{%tr for row in rows %}")
    _data_row(
        b,
        table,
        [
            "{{ row.index }}",
            "{{ row.name }}",
            "{%tc for count in row.counts %}",
            "{{ count }}",
            "{%tc endfor %}",
            "{{ row.total }}",
            "{{ row.percent }}",
            "{{ row.target }}",
        ],
        {1},
    )
    _tag_row(b, table, "{%tr endfor %}")
    _summary_signature(b)


def _summary_signature(b: Builder) -> None:
    signature = b.profile["signature"]
    b.para()  # keeps the signature table apart: adjacent tables merge into one in Word
    table = b.table(
        [b.text_width_mm * 0.45, b.text_width_mm * 0.55], 1, borders=False, layout="signature"
    )
    left, right = table.rows[0].cells
    date_line = b.profile["header"]["date_line"]
    b.cell_text(right, "{{ place_date }}", size=date_line["size"], italic=date_line["italic"])
    # The left cell's first (empty) paragraph sits level with the date line.
    b.para(
        "{{ prepared_by_heading }}", signature["position_size"], container=left, bold=True
    ).paragraph_format.space_before = Pt(6)
    b.tag("{%p if signature.authority %}", container=right)
    b.para(
        "{{ signature.authority }}",
        signature["authority_size"],
        container=right,
        bold=True,
        space_before=6,
    )
    b.tag("{%p endif %}", container=right)
    b.para("{{ signature.position }}", signature["position_size"], container=right, bold=True)
    for _ in range(4):  # the signing space: 4 lines of 12 pt (about 17 mm)
        for cell in (right, left):
            b.para(container=cell).paragraph_format.line_spacing = Pt(12)
    b.para("{{ signature.name }}", signature["name_size"], container=right, bold=True)
    b.para("{{ prepared_by }}", signature["name_size"], container=left, bold=True)
    _drop_first_empty(right)


_TABLE_PROPERTY_ORDER = [
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
    "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
    "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription",
]  # fmt: skip


def _order_properties(properties: Any) -> None:
    """Put w:tblPr's children in the schema's order (Word rejects other orders)."""
    rank = {qn(f"w:{name}"): i for i, name in enumerate(_TABLE_PROPERTY_ORDER)}
    children = sorted(properties, key=lambda e: rank.get(e.tag, len(rank)))
    for child in children:
        properties.remove(child)
        properties.append(child)


def _drop_first_empty(cell: Any) -> None:
    """Remove the empty paragraph a new cell starts with."""
    first = cell.paragraphs[0]
    if not first.text:
        first._p.getparent().remove(first._p)


DOCUMENTS = {
    "submission": (_submission, False),
    "minutes": (_minutes, False),
    "summary_review": (_summary_review, True),
    "summary_next_term": (_summary_next_term, True),
    "ballot": (_ballot, False),
    "plan": (_plan, False),
    "trich_ngang": (_trich_ngang, True),
    "structure": (_structure, True),
}


def build_all(root: Path) -> list[Path]:
    """Write every template for every profile under ``root`` (the templates folder)."""
    written = []
    for profile_path in sorted((root / "profiles").glob("*.yaml")):
        profile = yaml.safe_load(profile_path.read_text(encoding="utf-8"))
        for name, (build, landscape) in DOCUMENTS.items():
            # Ballots carry nothing that tells one copy from another (format.md, "Ballots").
            builder = Builder(profile, landscape=landscape, page_numbers=name != "ballot")
            build(builder)
            path = root / profile["kind"] / f"{name}.docx"
            builder.save(path)
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    root = Path(args[0]) if args else Path(__file__).resolve().parent.parent / "templates"
    for path in build_all(root):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
