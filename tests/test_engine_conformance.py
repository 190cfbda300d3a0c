"""The compiled DOCX engine renders every docxtpl feature exactly as plain docxtpl renders it, or
hands the template to plain docxtpl (CompiledDocx.fallback_reason); template errors name the
template, the line and the paragraph. Each test builds a small template in tmp_path."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import docx
import pytest
from docxtpl import DocxTemplate, InlineImage, Listing, RichText

from docgen.docx_engine import CompiledDocx
from docgen.errors import TemplateError
from docgen.render import jinja_environment, render_docx, render_docx_plain

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _png(path: Path) -> Path:
    """A 2×2 red PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return path


def _template(tmp_path: Path, paragraphs: list[str], name: str = "t.docx") -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    path = tmp_path / name
    document.save(str(path))
    return path


def _edit(path: Path, changes: dict[str, Any]) -> None:
    """Rewrite members of the package: name → new bytes, or a function of the old bytes."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    for name, change in changes.items():
        members[name] = change(members[name]) if callable(change) else change
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _with_notes(path: Path, kind: str, text: str) -> None:
    """Add a footnotes or endnotes part holding one note with ``text``, cited in paragraph 1."""
    part = f"word/{kind}s.xml"
    separator = (
        f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
    )
    notes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:{kind}s xmlns:w="{W}">'
        f'{separator}<w:{kind} w:id="1"><w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r>'
        f"</w:p></w:{kind}></w:{kind}s>"
    ).encode()
    content_type = f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}s+xml"
    _edit(
        path,
        {
            part: notes,
            "[Content_Types].xml": lambda xml: xml.replace(
                b"</Types>",
                f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>'.encode(),
            ),
            "word/_rels/document.xml.rels": lambda xml: xml.replace(
                b"</Relationships>",
                f'<Relationship Id="rIdNotes" Type="{R}/{kind}s" Target="{kind}s.xml"/>'
                "</Relationships>".encode(),
            ),
            "word/document.xml": lambda xml: xml.replace(
                b"</w:p>", f'<w:r><w:{kind}Reference w:id="1"/></w:r></w:p>'.encode(), 1
            ),
        },
    )


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _docxtpl(path: Path, context: dict[str, Any], images: dict[str, Path] | None = None) -> bytes:
    """docxtpl as its documentation shows, in docgen's Jinja environment."""
    template = DocxTemplate(str(path))
    for key, picture in (images or {}).items():
        context = {**context, key: InlineImage(template, str(picture))}
    template.render(context, jinja_environment(), autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def _assert_same(ours: bytes, theirs: bytes) -> dict[str, bytes]:
    mine, reference = _parts(ours), _parts(theirs)
    assert sorted(mine) == sorted(reference)
    for name in reference:
        assert mine[name] == reference[name], f"part {name} differs from docxtpl's"
    return mine


def _engine(path: Path, context: dict[str, Any]) -> tuple[CompiledDocx, bytes]:
    compiled = CompiledDocx(path, jinja_environment())
    return compiled, compiled.render(context)


def test_a_footnote_with_a_tag_goes_to_docxtpl_and_is_rendered(tmp_path: Path) -> None:
    path = _template(tmp_path, ["Kế hoạch {{ year }}"])
    _with_notes(path, "footnote", "Theo {{ source }}")
    context = {"year": 2026, "source": "Quy định 50"}
    compiled, ours = _engine(path, context)
    assert compiled.fallback_reason and "footnotes" in compiled.fallback_reason
    parts = _assert_same(ours, _docxtpl(path, context))
    assert b"Theo Quy \xc4\x91\xe1\xbb\x8bnh 50" in parts["word/footnotes.xml"]
    with zipfile.ZipFile(io.BytesIO(ours)) as archive:  # fallback output stays deterministic
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_an_endnote_with_a_tag_is_left_as_docxtpl_leaves_it_and_listed(tmp_path: Path) -> None:
    path = _template(tmp_path, ["Kế hoạch {{ year }}"])
    _with_notes(path, "endnote", "Theo {{ source }}")
    context = {"year": 2026, "source": "Quy định 50"}
    compiled, ours = _engine(path, context)
    assert compiled.fallback_reason is None
    assert compiled.literal_parts == ["word/endnotes.xml"]
    parts = _assert_same(ours, _docxtpl(path, context))
    assert b"{{ source }}" in parts["word/endnotes.xml"]  # docxtpl does not render endnotes


def test_a_table_with_a_cell_comment_keeps_docxtpls_grid(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for row, texts in zip(
        table.rows,
        (["A", "{#tc bỏ cột #}", "C"], ["{{ a }}", "{#tc x #}", "{{ c }}"]),
        strict=True,
    ):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    path = tmp_path / "table.docx"
    document.save(str(path))
    context = {"a": "một", "c": "ba"}
    compiled, ours = _engine(path, context)
    parts = _assert_same(ours, _docxtpl(path, context))
    assert parts["word/document.xml"].count(b"<w:gridCol") == 2


def test_a_header_with_a_picture_and_a_tag(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Thân {{ body }}")
    header = document.sections[0].header.paragraphs[0]
    header.add_run("Đơn vị {{ unit }} ")
    header.add_run().add_picture(str(_png(tmp_path / "logo.png")))
    path = tmp_path / "header.docx"
    document.save(str(path))
    context = {"body": "văn bản", "unit": "Xã A"}
    compiled, ours = _engine(path, context)
    assert compiled.fallback_reason is None
    parts = _assert_same(ours, _docxtpl(path, context))
    header_name = next(name for name in parts if re.fullmatch(r"word/header\d*\.xml", name))
    assert "Đơn vị Xã A".encode() in parts[header_name]
    assert any(name.startswith("word/media/") for name in parts)


def test_an_inline_image_in_the_body_renders_as_in_docxtpl(tmp_path: Path) -> None:
    path = _template(tmp_path, ["Ảnh:", "{{ picture }}", "Hết"])
    picture = _png(tmp_path / "p.png")
    # The caller made the InlineImage on its own template object, as docxtpl's examples do.
    context = {"picture": InlineImage(DocxTemplate(str(path)), str(picture))}
    _, ours = _engine(path, context)
    parts = _assert_same(ours, _docxtpl(path, {}, images={"picture": picture}))
    assert b"<pic:pic" in parts["word/document.xml"]
    assert any(name.startswith("word/media/") for name in parts)
    # render_docx (which then lays tables out) gives no raw AttributeError either
    assert b"<pic:pic" in _parts(render_docx(path, context))["word/document.xml"]


@pytest.mark.parametrize(
    "text", ["Trích \"dẫn\" và 'nháy'", "A & B < C > D", "dòng\nhai\ttab", "&#34; &amp;"]
)
def test_rich_text_and_listing_with_quotes_ampersands_and_angles(tmp_path: Path, text: str) -> None:
    path = _template(tmp_path, ["{{ plain }}", "{{r rich }}", "{{ listing }}", "{{ rich_p }}"])
    context = {
        "plain": text,
        "rich": RichText(text, bold=True),
        "listing": Listing(text),
        "rich_p": RichText(text, italic=True),
    }
    compiled, ours = _engine(path, context)
    assert compiled.fallback_reason is None
    parts = _assert_same(ours, _docxtpl(path, context))
    if "&" in text:  # escaped, never a raw ampersand
        assert b"&amp;" in parts["word/document.xml"]
        assert not re.search(rb"&(?!amp;|lt;|gt;|quot;|apos;|#)", parts["word/document.xml"])


def test_jinja_in_the_properties_uses_the_environment_given(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("{{ a }}")
    document.core_properties.title = "Kế hoạch {{ a | upper }}"
    path = tmp_path / "props.docx"
    document.save(str(path))
    compiled, ours = _engine(path, {"a": "xã"})
    assert compiled.fallback_reason == "Jinja in the document properties"
    parts = _assert_same(ours, _docxtpl(path, {"a": "xã"}))
    assert "Kế hoạch XÃ".encode() in parts["docProps/core.xml"]


def test_an_undefined_variable_names_the_template_line_and_paragraph(tmp_path: Path) -> None:
    path = _template(tmp_path, ["Kính gửi", "{{ known }}", "Ngày {{ nobody }} tháng 5"])
    with pytest.raises(TemplateError) as compiled_error:
        render_docx(path, {"known": "x"})
    with pytest.raises(TemplateError) as plain_error:
        render_docx_plain(path, {"known": "x"})
    for error in (compiled_error, plain_error):
        message = str(error.value)
        assert str(path) in message
        line = re.search(r" line (\d+)", message)
        assert line and int(line.group(1)) > 1, message
        assert "“Ngày {{ nobody }} tháng 5”" in message, message
        assert "nobody" in message
    assert str(compiled_error.value) == str(plain_error.value)


def test_a_syntax_error_names_the_line_and_paragraph(tmp_path: Path) -> None:
    path = _template(tmp_path, ["Một", "Hai", "Ba {% if %} bốn"], name="syntax.docx")
    with pytest.raises(TemplateError) as error:
        CompiledDocx(path, jinja_environment())
    message = str(error.value)
    assert str(path) in message and " line 4" in message
    assert "Ba {% if %} bốn" in message


def test_a_template_without_special_features_is_compiled(tmp_path: Path) -> None:
    path = _template(tmp_path, ["{{ a }}"])
    compiled, ours = _engine(path, {"a": "b"})
    assert compiled.fallback_reason is None and compiled.literal_parts == []
    _assert_same(ours, _docxtpl(path, {"a": "b"}))


def _docxtpl_prepared(path: Path, context: dict[str, Any], prepare: Any) -> bytes:
    """docxtpl as its documentation shows, the template object's own methods called first."""
    template = DocxTemplate(str(path))
    context = {**context, **(prepare(template) or {})}
    template.render(context, jinja_environment(), autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def _repng(path: Path, red: int) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + bytes([red, 0, 0]) * 2 for _ in range(2))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return path


def _with_picture(tmp_path: Path, picture: Path, *, in_header: bool) -> Path:
    document = docx.Document()
    document.add_paragraph("Đơn vị {{ unit }}")
    run = document.sections[0].header.paragraphs[0] if in_header else document.add_paragraph()
    run.add_run().add_picture(str(picture))
    path = tmp_path / ("header-pic.docx" if in_header else "body-pic.docx")
    document.save(str(path))
    return path


def _media(parts: dict[str, bytes]) -> list[bytes]:
    return [data for name, data in sorted(parts.items()) if name.startswith("word/media/")]


@pytest.mark.parametrize("in_header", [False, True])
def test_replace_pic_and_replace_media_in_a_prepare_hook(tmp_path: Path, in_header: bool) -> None:
    dummy = _repng(tmp_path / "dummy.png", 10)
    logo = _repng(tmp_path / "logo.png", 200)
    path = _with_picture(tmp_path, dummy, in_header=in_header)
    context = {"unit": "Xã A"}
    for prepare in (
        lambda template: template.replace_media(str(dummy), str(logo)),
        lambda template: template.replace_pic("dummy.png", str(logo)),
    ):
        ours = render_docx_plain(path, context, prepare=prepare)
        parts = _assert_same(ours, _docxtpl_prepared(path, context, prepare))
        assert logo.read_bytes() in _media(parts) and dummy.read_bytes() not in _media(parts)
        # the compiled engine hands a render with a hook to docxtpl: the same parts again
        compiled = CompiledDocx(path, jinja_environment())
        _assert_same(compiled.render(context, prepare), ours)


def test_replace_embedded_in_a_prepare_hook(tmp_path: Path) -> None:
    old = tmp_path / "old.bin"
    new = tmp_path / "new.bin"
    old.write_bytes(b"bang tinh cu " * 10)
    new.write_bytes(b"bang tinh moi " * 10)
    path = _template(tmp_path, ["Đơn vị {{ unit }}"], name="embedded.docx")
    package_type = f"{R}/package"
    _edit(
        path,
        {
            "word/embeddings/data.bin": old.read_bytes(),
            "[Content_Types].xml": lambda xml: xml.replace(
                b"</Types>",
                b'<Default Extension="bin" ContentType="application/octet-stream"/></Types>',
            ),
            "word/_rels/document.xml.rels": lambda xml: xml.replace(
                b"</Relationships>",
                f'<Relationship Id="rIdEmb" Type="{package_type}" '
                'Target="embeddings/data.bin"/></Relationships>'.encode(),
            ),
        },
    )

    def prepare(template: Any) -> None:
        template.replace_embedded(str(old), str(new))

    ours = render_docx(path, {"unit": "Xã A"}, prepare=prepare)
    parts = _parts(ours)
    assert parts["word/embeddings/data.bin"] == new.read_bytes()
    reference = _parts(_docxtpl_prepared(path, {"unit": "Xã A"}, prepare))
    assert reference["word/embeddings/data.bin"] == new.read_bytes()


def test_a_hyperlink_made_with_build_url_id(tmp_path: Path) -> None:
    path = _template(tmp_path, ["Xem {{r link }} để biết thêm"], name="link.docx")

    def prepare(template: Any) -> dict[str, Any]:
        url_id = template.build_url_id("https://example.org/ke-hoach?a=1&b=2")
        return {"link": RichText("văn bản", url_id=url_id, underline=True)}

    ours = render_docx(path, {}, prepare=prepare)
    parts = _parts(ours)
    reference = _parts(_docxtpl_prepared(path, {}, prepare))
    assert parts["word/document.xml"] == reference["word/document.xml"]
    assert b"<w:hyperlink" in parts["word/document.xml"]
    assert b"https://example.org/ke-hoach?a=1&amp;b=2" in parts["word/_rels/document.xml.rels"]


def test_a_subdocument_with_a_picture_and_a_style(tmp_path: Path) -> None:
    pytest.importorskip("docxcompose")
    sub = docx.Document()
    sub.add_paragraph("Phụ lục ảnh", style="Title")
    sub.add_paragraph().add_run().add_picture(str(_repng(tmp_path / "anh.png", 90)))
    sub_path = tmp_path / "sub.docx"
    sub.save(str(sub_path))
    path = _template(tmp_path, ["Trước", "{{p annex }}", "Sau {{ unit }}"], name="master.docx")

    def prepare(template: Any) -> dict[str, Any]:
        return {"annex": template.new_subdoc(str(sub_path))}

    context = {"unit": "Xã A"}
    ours = render_docx(path, context, prepare=prepare)
    parts = _assert_same(ours, _docxtpl_prepared(path, context, prepare))
    assert "Phụ lục ảnh".encode() in parts["word/document.xml"]
    assert (tmp_path / "anh.png").read_bytes() in _media(parts)
    # a Subdoc made on another template object cannot carry its parts: a plain error
    other = DocxTemplate(str(path)).new_subdoc(str(sub_path))
    with pytest.raises(TemplateError, match="prepare hook"):
        render_docx(path, {**context, "annex": other})


@pytest.mark.parametrize("text", ["Trích \"dẫn\" & 'nháy' < 3", "dòng\nhai"])
def test_rich_text_and_listing_without_autoescape_match_docxtpl(tmp_path: Path, text: str) -> None:
    """RichText and Listing escape their own text, so docxtpl renders them alike with and without
    autoescape; docgen (always autoescaping) gives those same bytes."""
    path = _template(tmp_path, ["{{r rich }}", "{{ listing }}"], name="noescape.docx")
    context = {"rich": RichText(text, bold=True), "listing": Listing(text)}
    template = DocxTemplate(str(path))
    template.render(context, jinja_environment(), autoescape=False)
    buffer = io.BytesIO()
    template.save(buffer)
    _, ours = _engine(path, context)
    _assert_same(ours, buffer.getvalue())


def test_a_tag_across_a_hyperlink_is_a_template_error_not_a_crash(tmp_path: Path) -> None:
    """docxtpl's run merging breaks the XML around a hyperlink; docgen names the template."""
    path = _template(tmp_path, ["MARK", "{{ unit }}"], name="hyperlink.docx")
    broken = (
        '<w:r><w:t>{{ unit</w:t></w:r><w:hyperlink w:anchor="a">'
        '<w:r><w:t xml:space="preserve"> }}</w:t></w:r></w:hyperlink>'
    )
    _edit(
        path,
        {
            "word/document.xml": lambda xml: re.sub(
                rb"<w:r><w:t>MARK</w:t></w:r>", broken.encode(), xml, count=1
            )
        },
    )
    with pytest.raises(TemplateError) as error:
        render_docx(path, {"unit": "Xã A"})
    assert str(path) in str(error.value) and "hyperlink" in str(error.value)


def test_a_tag_docxtpl_would_print_as_typed_is_refused(tmp_path: Path) -> None:
    """“{ { x }}” renders without any error in docxtpl and prints the braces on the paper: docgen
    refuses the template instead, naming it and the paragraph."""
    path = _template(tmp_path, ["Kính gửi { { closing }}"], name="spaced.docx")
    assert b"{ { closing }}" in _parts(_docxtpl(path, {"closing": "x"}))["word/document.xml"]
    with pytest.raises(TemplateError) as error:
        render_docx(path, {"closing": "x"})
    assert str(path) in str(error.value) and "Kính gửi { { closing }}" in str(error.value)
