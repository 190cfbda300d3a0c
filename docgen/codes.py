"""Stable codes of the messages users see: one code, one message, whatever the language.

Scripts and tests match codes, not wording. Errors start with E, warnings with W; the hundreds
say the stage: 01 the file and its reading, 02 sheets and headers, 03 cell values, 04 counting
invariants, 05 eligibility, quotas and ties, 06 outputs and folders, 07 batches. E0000 and W0000
are problems whose message has no code of its own yet. The table for users is docs/ma-loi.md
(written by ``python -m docgen.codes``); the Vietnamese texts are in docgen/locale.

``CODES`` maps a code to its msgid: the English message with named placeholders.
"""

from __future__ import annotations

from docgen.i18n import N_

CODES: dict[str, str] = {
    # 01: the file and its reading
    "E0101": N_("cannot read the file: {reason}"),
    "E0102": N_("the file is empty: save the workbook again from Excel"),
    "E0103": N_(
        "the file is damaged or incomplete (not a complete .xlsx): save it again from Excel"
    ),
    "E0104": N_(
        "this is an old Excel .xls file (or a password-protected workbook): open it in Excel and "
        "save it as .xlsx without a password"
    ),
    "E0105": N_(
        "this workbook is protected by a password: open it in Excel and save it as .xlsx without "
        "a password"
    ),
    "E0106": N_("this is an old Excel .xls file: open it in Excel and save it as .xlsx"),
    "E0107": N_("this is not an Excel workbook ({what}): give the round's .xlsx workbook"),
    "E0108": N_(
        "this is not an Excel workbook (.xlsx): give the round's workbook, saved from Excel as "
        ".xlsx"
    ),
    "E0109": N_(
        "this is a text file, not an Excel workbook: open it in Excel and save it as .xlsx"
    ),
    "E0110": N_("this is an Excel binary workbook (.xlsb): open it in Excel and save it as .xlsx"),
    "E0111": N_(
        "the workbook is too large: it unpacks to {size} MB, more than the {limit} MB docgen "
        "reads; it cannot be a round's workbook"
    ),
    "E0112": N_("this is an OpenDocument spreadsheet (.ods): open it and save it as .xlsx"),
    "E0113": N_("unknown input kind"),
    "E0114": N_("the file is too large"),
    "E0115": N_("the file is not UTF-8 text"),
    "E0116": N_("the file is nested too deep"),
    "E0117": N_("the file holds too many values"),
    "E0118": N_("not valid JSON"),
    "E0119": N_("not valid YAML"),
    "E0120": N_("a field is given twice"),
    "E0121": N_("a YAML alias refers to the item it is part of"),
    "E0122": N_("YAML aliases repeat too many values"),
    "E0123": N_("the file holds a character that is not text"),
    "E0124": N_("the file is empty"),
    # 02: sheets and headers
    "E0201": N_("sheet is missing"),
    "E0202": N_("sheet has no header row"),
    "E0203": N_("required column is missing"),
    "E0204": N_("the sheet is damaged and cannot be read: save the workbook again from Excel"),
    "E0205": N_(
        "the sheet has data down to row {rows} and across to column {column}: docgen reads at "
        "most {max_rows} rows, {max_columns} columns (up to {last_column}) and {max_cells} "
        "cells; delete the rows and columns beyond the round's data"
    ),
    "E0206": N_("the file does not hold a round"),
    "E0207": N_("unknown part of a round"),
    "E0208": N_("required part is missing"),
    "E0209": N_("sheets {names} both match the sheet “{sheet}”: keep only one of them"),
    "E0210": N_("sheets {names} all match the sheet “{sheet}”: keep only one of them"),
    "W0201": N_("sheets ignored: {names}"),
    "W0202": N_("rows ignored: {rows}"),
    "W0203": N_("columns ignored: {columns}"),
    # 03: cell values
    "E0301": N_("invalid value"),
    "E0302": N_("required value is missing"),
    "E0303": N_("not a date"),
    "E0304": N_("impossible date"),
    "E0305": N_("unknown field"),
    "E0306": N_("not a time"),
    "E0307": N_("number too large"),
    "E0308": N_("impossible term"),
    "E0309": N_("the term ends before it starts"),
    "E0310": N_(
        "cell {cell} holds a formula with no saved value: open the workbook in Excel and save it"
    ),
    "E0311": N_("cell {cell} holds the Excel error {error}: correct the formula or type the value"),
    "E0312": N_(
        "cells {cells} are merged: only {first} holds the value; unmerge them and fill each cell"
    ),
    "E0313": N_("the values of a combined row do not match its items"),
    "E0314": N_("unknown procedure"),
    "E0315": N_("procedure is “Tùy chỉnh” but the “Quy trình” sheet has no steps"),
    "E0316": N_("a preparation step has no threshold"),
    "E0317": N_("a voting step needs this value"),
    "E0318": N_("threshold out of range"),
    "E0319": N_("only a nomination step fills the quota"),
    "E0320": N_("only one step fills the quota"),
    "E0321": N_("{count} people are named {name}"),
    "E0322": N_("Mã cán bộ {code} is used twice"),
    "E0323": N_("title {title} appears twice"),
    "E0324": N_("quota must be at least 1"),
    "E0325": N_("step {step} is not in the procedure"),
    "E0326": N_("a reason not to propose is given at step {step}, which does not fill the quota"),
    "E0327": N_("step {step} is a preparation step: no votes"),
    "E0328": N_("unknown title"),
    "E0329": N_("unknown cadre"),
    "E0330": N_("ambiguous name"),
    "E0331": N_("{person} appears twice for {title} at step {step}"),
    "E0332": N_("{person} is not in the current planning for {title}"),
    "E0333": N_("votes are given for step {step} but “Hội nghị” has no row for it"),
    "E0334": N_("the base of step {step} is missing in “Hội nghị”"),
    "E0335": N_("born after the reference date"),
    "E0336": N_("joined the Party before being born"),
    "E0337": N_("impossible date for this round"),
    "W0301": N_("cites {text}, which is superseded on {day}"),
    # 04: counting invariants
    "E0401": N_("more people present than people convened"),
    "E0402": N_("more ballots issued than people present"),
    "E0403": N_("more ballots returned than ballots issued"),
    "E0404": N_("valid + invalid ballots must equal ballots returned"),
    "E0405": N_("more absent than convened − present"),
    "E0406": N_("the conference is not valid: too few of those convened are present"),
    "E0407": N_("step {step} is a preparation step: it has no ballots"),
    "E0408": N_("step {step} appears twice"),
    "E0409": N_("more votes than valid ballots"),
    "E0410": N_("votes for + against exceed the valid ballots"),
    "E0411": N_("step {step} is counted for other candidates but not this one"),
    "E0412": N_(
        "votes for {title} at step {step} add up to more than {count} names per valid ballot allow"
    ),
    "W0401": N_("step {step} has its counts here but no rows in “Kết quả”"),
    # 05: eligibility, quotas, ties
    "W0501": N_("{name} is not eligible for {title}: {reasons}"),
    "E0502": N_("{name} is voted on at step {step} but did not pass step {previous} for {title}"),
    "W0502": N_(
        "{name} did not pass step {step} for {title}: the reason not to propose them is not needed"
    ),
    "W0503": N_(
        "tie at the last place for {title} at step {step}: {names} have {votes} votes each for "
        "{places}; the round waits for the head's choice"
    ),
    "W0504": N_("head's choice for {name} ({title}) is ignored: there is no tie at the last place"),
    "W0505": N_(
        "head's choice for {name} ({title}) is ignored: {name} is not among those tied for the "
        "last place: {tied}"
    ),
    "W0506": N_("{name} leaves the planning for {title}: {ground}{voted}"),
    "E0503": N_("quota of {title} is above the limit of {rules}"),
    "E0504": N_("{title} would have {total} people planned ({kept} kept + {proposed} proposed)"),
    "E0505": N_("{name} would be planned for {count} titles ({titles})"),
    # 06: papers, outputs and folders
    "E0601": N_("the dossier waits for the head's choice in a tie for {title}: {tie}"),
    "W0601": N_("waiting for the head's choice in a tie for {title}: {tie}"),
    "E0602": N_("step {step} has no ballots"),
    "E0603": N_("step {step} is not a step of the procedure: it has no vote-count minutes"),
    "E0604": N_("step {step} is a preparation step: it has no vote-count minutes"),
    "E0605": N_("step {step} is not counted yet: its minutes record the count"),
    "E0606": N_("the round is not complete: {step} has no results for {titles}"),
    "W0602": N_(
        "this Word template differs from docgen's own but its HTML twin {html} does not: "
        "the PDF is made from the HTML twin and does not show the change"
    ),
    "W0603": N_(
        "this Word template differs from docgen's own but its HTML twin {html} does not, "
        "and LibreOffice could not convert it ({reason}): the PDF is made from the HTML twin "
        "and does not show the change"
    ),
    # 07: batches
    "E0701": N_("cannot read this folder ({reason})"),
    "E0702": N_("no round found in this folder or its sub-folders"),
    "E0703": N_("cannot read this list of inputs ({reason})"),
    "E0704": N_("no such file or folder"),
    "E0705": N_("the file name starts with a dot, so it cannot name the unit's folder"),
    "E0706": N_("the file name has no letter or digit to name the unit's folder"),
    "E0707": N_("the unit folder name “{name}” is kept for the batch's own files"),
    "E0708": N_(
        "this input and {others} would share the unit folder “{name}”, so none of them is built"
    ),
    "E0709": N_("the unit's folder {folder} would hold inputs of this batch"),
}

GENERIC_ERROR = "E0000"
GENERIC_WARNING = "W0000"


def code_of(message: str) -> str:
    """The code of the msgid ``message``: "E0000" for a message without a code of its own (a
    message naming no warning is taken for an error)."""
    return _BY_MESSAGE.get(message, GENERIC_ERROR)


_BY_MESSAGE = {message: code for code, message in CODES.items()}


def message(code: str, /, **params: object) -> str:
    """The message of ``code`` in the current language, formatted with ``params``.

    Raises KeyError for a code not in CODES, or for a placeholder not given in ``params``."""
    from docgen.i18n import _

    return _(CODES[code]).format(**params)


def codes_table() -> str:
    """docs/ma-loi.md: every code with its Vietnamese and English message, then how to update
    the catalogues. Markdown text, ending in a newline."""
    from docgen.i18n import translations

    vietnamese = translations("vi")
    lines = [
        "# Mã lỗi và cảnh báo",
        "",
        "Mỗi dòng docgen báo bắt đầu bằng một mã: E… là lỗi (phải sửa, docgen không ghi tệp nào),",
        "W… là cảnh báo (docgen vẫn làm tiếp). Mã không đổi theo ngôn ngữ, nên tập lệnh và kiểm",
        "thử dựa vào mã chứ không dựa vào câu chữ. E0000 và W0000: thông báo chưa có mã riêng.",
        "Nhóm: 01 tệp và việc đọc tệp; 02 trang tính và tiêu đề; 03 giá trị ô; 04 số liệu kiểm",
        "phiếu; 05 điều kiện, số lượng, bằng phiếu; 06 tệp ghi ra và thư mục; 07 chạy hàng loạt.",
        "",
        "Tệp này do `python -m docgen.codes` viết ra từ docgen/codes.py; đừng sửa tay.",
        "",
        "| Mã | Thông báo (tiếng Việt) | Message (English) |",
        "|---|---|---|",
    ]
    for code in sorted(CODES):
        english = CODES[code]
        lines.append(f"| {code} | {vietnamese.gettext(english)} | {english} |")
    lines += [
        "",
        "## Cập nhật bản dịch",
        "",
        "Thông báo gốc (msgid) là câu tiếng Anh trong mã nguồn, đánh dấu bằng `_()` hoặc `N_()`;",
        "bản dịch tiếng Việt ở `docgen/locale/vi/LC_MESSAGES/docgen.po`. Sau khi thêm hay sửa",
        "thông báo:",
        "",
        "```sh",
        ".venv/bin/pybabel extract -F babel.cfg --no-location --sort-output -o docgen/locale/docgen.pot docgen",
        ".venv/bin/pybabel update -i docgen/locale/docgen.pot -d docgen/locale -D docgen -l vi --no-fuzzy-matching",
        "# dịch các mục mới (msgstr rỗng) trong docgen/locale/vi/LC_MESSAGES/docgen.po, rồi:",
        ".venv/bin/pybabel compile -d docgen/locale -D docgen -l vi",
        ".venv/bin/python -m docgen.codes > docs/ma-loi.md",
        "```",
        "",
        "tests/test_i18n.py kiểm tra mọi thông báo đều có bản dịch, tệp .mo khớp tệp .po và",
        "tệp này khớp docgen/codes.py.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(codes_table(), end="")
