"""WeasyPrint's line breaking and text shaping, remembered for the length of one document.

A long table sets the same cell texts at the same column widths in the same styles again and
again (a rating, a title, a qualification: the 10,703 lines of a 300-row summary table are 882
different ones). WeasyPrint breaks and shapes each of them anew with Pango, twice: once to lay
the line out (``split_first_line(text, style, context, max_width, justification_spacing,
is_line_start, minimum)`` makes a Pango layout, shapes the text and finds the first line),
once more to draw it (the text box's layout is made again and shaped again). That is about a
third of the time of such a table; the same boxes in the same styles repeat the rest of the
work too.

While ``remembered_lines()`` is active, these answers are kept, each by what it depends on:

- ``split_first_line``: by its arguments. The answer is a pure function of them: the text, the
  computed style (the same object, kept alive with the answer, so that its ``id`` cannot be
  given to another style meanwhile), the width, the justification spacing and the two flags;
  ``context`` serves only its hyphenation dictionaries, which depend on the style's language.
  The layout in the answer is deactivated (plain attributes: the text, widths, line direction,
  font metrics), and each call gets its own shallow copy of it, so a text box that changes its
  layout changes no other's.
- ``strut`` (a style's line height and baseline): by the style. WeasyPrint keeps it already,
  by a key it formats anew on every call.
- ``resolve_percentages`` (a box's used margins, paddings, sizes and borders): by the style,
  the containing block's size and, where borders collapse, the border widths already set;
  the values are written into the box as WeasyPrint writes them (plain attributes).
- ``avoid_collisions`` for line boxes, where nothing floats (no excluded shape): WeasyPrint's
  own arithmetic for that case, without the search for colliding floats.
- The layout of a table cell that holds plain text (one line of text boxes, or nothing): by
  the cell's style, its text (with each text box's style), its width and its used paddings,
  borders and margins. Laid out anywhere its content fits above the page bottom, such a cell
  gives the same boxes, moved to where it stands (``translate``, as WeasyPrint moves boxes);
  so a cell met again (a rating, a title, a repeated header on every page) is copied from the
  first, moved, and given its own element. A cell that may not fit where it stands, or whose
  layout touched more than its height, is laid out as WeasyPrint does.
- ``layout_box_backgrounds`` of a box whose style has no background, no rounded corners, no
  border image and no mask: no background and square corners, as WeasyPrint finds for the
  first box of that style; its children are laid out as before.
- The drawing layout of a text box: by its text, style and justification spacing, which are
  all that WeasyPrint's ``reactivate`` reads; the Pango layout made and shaped for the first
  box is drawn for the others; and where such a line was drawn into the same PDF before, the
  text operations recorded then (fonts, sizes, glyph strings) are replayed at its position.
  Boxes drawn with an ellipsis (which changes the layout), emojis, or glyphs whose widths were
  not yet known are drawn as WeasyPrint does.

The same PDF comes out, byte for byte (tests/test_pdf_lines.py). The hooks are put into
WeasyPrint once per process (``install``) and pass every call straight through unless
``remembered_lines()`` is active in the calling thread or task, so other users of WeasyPrint
in the same process see no change. They hook WeasyPrint's own names for these functions, in
the versions they were checked against (TESTED_WEASYPRINT); another WeasyPrint is left as it
is.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any

__all__ = ["TESTED_WEASYPRINT", "install", "remembered_lines"]

TESTED_WEASYPRINT = ("70.",)
"""WeasyPrint versions (prefixes) whose internals these hooks were checked against, byte for
byte (tests/test_pdf_lines.py); any other version is left as it is, slower but unchanged."""

_LINES: ContextVar[dict[tuple[Any, ...], tuple[Any, Any]] | None] = ContextVar(
    "docgen_pdf_lines", default=None
)


@cache
def install() -> bool:
    """Put the hooks into WeasyPrint's layout and drawing (once per process).

    Returns whether it is in place: False for a WeasyPrint not in TESTED_WEASYPRINT, or one
    that does not lay lines out through ``weasyprint.layout.inline.split_first_line`` with
    deactivatable layouts (then nothing is changed and documents are laid out as WeasyPrint
    does)."""
    import weasyprint
    from weasyprint import draw
    from weasyprint.draw import text
    from weasyprint.layout import background, block, inline, page, percent, table
    from weasyprint.layout import float as floats
    from weasyprint.text import line_break

    if not weasyprint.__version__.startswith(TESTED_WEASYPRINT):
        return False
    original = getattr(inline, "split_first_line", None)
    if original is not line_break.split_first_line or not hasattr(line_break.Layout, "deactivate"):
        return False
    inline.split_first_line = _remembering(original)
    if getattr(inline, "strut", None) is line_break.strut:
        inline.strut = _strut_kept(line_break.strut)
    used = _used_values(percent.resolve_percentages)
    for module in (block, inline, table, page):
        if getattr(module, "resolve_percentages", None) is percent.resolve_percentages:
            module.resolve_percentages = used
    if getattr(block, "block_container_layout", None) is not None:
        block.block_container_layout = _cells_kept(block.block_container_layout)
    if getattr(inline, "avoid_collisions", None) is floats.avoid_collisions:
        inline.avoid_collisions = _no_floats(floats.avoid_collisions)
    background.layout_box_backgrounds = _plain_backgrounds(background.layout_box_backgrounds)
    if getattr(draw, "draw_text", None) is text.draw_text and hasattr(text, "draw_first_line"):
        kept = _kept_class(line_break.Layout)
        draw.draw_text = _drawing_kept(text.draw_text, line_break.Layout, kept)
        text.draw_first_line = _first_line_replayed(text.draw_first_line, kept)
    return True


def _remembering(original: Callable[..., tuple[Any, ...]]) -> Callable[..., tuple[Any, ...]]:
    def split_first_line(
        text: str,
        style: Any,
        context: Any,
        max_width: float | None,
        justification_spacing: float,
        is_line_start: bool = True,
        minimum: bool = False,
    ) -> tuple[Any, ...]:
        lines = _LINES.get()
        if lines is None:
            return original(
                text, style, context, max_width, justification_spacing, is_line_start, minimum
            )
        key = (text, id(style), max_width, justification_spacing, is_line_start, minimum)
        found = lines.get(key)
        if found is None or found[0] is not style:
            answer = original(
                text, style, context, max_width, justification_spacing, is_line_start, minimum
            )
            if hasattr(answer[0], "layout"):  # still holding Pango objects: not shareable
                return answer
            found = (style, answer)
            lines[key] = found
        layout, *rest = found[1]
        return (copy.copy(layout), *rest)

    return split_first_line


def _strut_kept(original: Any) -> Callable[[Any], Any]:
    def strut(style: Any) -> tuple[float, float]:
        lines = _LINES.get()
        if lines is None:
            return original(style)
        key = ("strut", id(style))
        found = lines.get(key)
        if found is None or found[0] is not style:
            found = (style, original(style))
            lines[key] = found
        return found[1]  # type: ignore[no-any-return]

    return strut


_USED_NAMES = (
    "margin_top",
    "margin_right",
    "margin_bottom",
    "margin_left",
    "padding_top",
    "padding_right",
    "padding_bottom",
    "padding_left",
    "width",
    "min_width",
    "max_width",
    "height",
    "min_height",
    "max_height",
    "border_top_width",
    "border_right_width",
    "border_bottom_width",
    "border_left_width",
)
"""The used values WeasyPrint's resolve_percentages sets on a box."""
_BORDERS = _USED_NAMES[-4:]
_MISSING = object()


def _used_values(original: Any) -> Callable[[Any, Any], None]:
    from weasyprint.formatting_structure.boxes import Box, PageBox

    def resolve_percentages(box: Any, containing_block: Any) -> None:
        lines = _LINES.get()
        if lines is None or isinstance(box, PageBox):
            original(box, containing_block)
            return
        if isinstance(containing_block, Box):
            size = (containing_block.width, containing_block.height)
        else:
            size = tuple(containing_block)
        style = box.style
        own = box.__dict__  # the names set are plain attributes (no slot, property or class value)
        key: tuple[Any, ...] = ("used", id(style), size)
        if style["border_collapse"] == "collapse":
            key += tuple(own.get(name, _MISSING) for name in _BORDERS)
        found = lines.get(key)
        if found is None or found[0] is not style:
            original(box, containing_block)
            lines[key] = (style, {name: own[name] for name in _USED_NAMES})
            return
        own.update(found[1])

    return resolve_percentages


def _no_floats(original: Any) -> Callable[..., Any]:
    def avoid_collisions(
        context: Any, box: Any, containing_block: Any, outer: bool = True
    ) -> tuple[float, float, float]:
        if (
            _LINES.get() is None
            or context.excluded_shapes
            or box.style["float"] != "none"
            or containing_block.style["direction"] != "ltr"
        ):
            return original(context, box, containing_block, outer)  # type: ignore[no-any-return]
        # WeasyPrint's own steps, in its order, where no shape is excluded: the bounds are the
        # containing block's
        left = containing_block.content_box_x()
        right = left + containing_block.width
        if outer:
            return left, box.position_y, right - left
        left += box.margin_left
        right -= box.margin_right
        return left - box.margin_left, box.border_box_y() - box.margin_top, right - left

    return avoid_collisions


_CELL_USED = (*_USED_NAMES, "height")
"""What a cell's layout reads of the cell beyond its style and content; ``height`` is the
table's 'auto' while it lays a cell out."""
_CELL_CHANGED = frozenset({"height", "children"})
"""What the layout of a remembered cell may change in the cell it returns."""
_FIT_MARGIN = 1e-3
"""CSS px a remembered cell's content must clear the page bottom by, where it was laid out and
where it is copied: a margin for the rounding of sums taken from other positions."""


def _cell_content(box: Any, line_class: Any, text_class: Any) -> tuple[Any, ...] | None:
    """What a cell holds when it is plain text: its line's style, and each text box's style
    and text; () for an empty cell; None for anything else (inline boxes, blocks, images)."""
    children = box.children
    if not children:
        return ()
    if len(children) != 1 or type(children[0]) is not line_class:
        return None
    line = children[0]
    content: list[Any] = [id(line.style)]
    for text in line.children:
        if type(text) is not text_class:
            return None
        content.append(id(text.style))
        content.append(text.text)
    return tuple(content)


def _moved_copy(box: Any, element: Any, tag: Any, dx: float, dy: float) -> Any:
    """A copy of a laid-out box and its descendants, moved by ``dx``, ``dy`` as
    ``Box.translate`` moves them, belonging to ``element``; each text box with its own layout."""
    new = box.copy()
    new.element = element
    new.element_tag = tag
    if dx or dy:
        new.position_x += dx
        new.position_y += dy
    children = getattr(box, "children", None)
    if children is not None:
        new.children = [_moved_copy(child, element, tag, dx, dy) for child in children]
    layout = getattr(box, "pango_layout", None)
    if layout is not None:
        new.pango_layout = copy.copy(layout)
    return new


def _cells_kept(original: Any) -> Callable[..., Any]:
    from weasyprint.formatting_structure.boxes import LineBox, TableCellBox, TextBox

    def block_container_layout(
        context: Any,
        box: Any,
        bottom_space: float,
        skip_stack: Any,
        page_is_empty: bool,
        absolute_boxes: Any,
        fixed_boxes: Any,
        adjoining_margins: Any,
        first_letter_style: Any,
        first_line_style: Any,
        discard: bool,
        max_lines: Any,
    ) -> Any:
        arguments = (
            context,
            box,
            bottom_space,
            skip_stack,
            page_is_empty,
            absolute_boxes,
            fixed_boxes,
            adjoining_margins,
            first_letter_style,
            first_line_style,
            discard,
            max_lines,
        )
        lines = _LINES.get()
        if (
            lines is None
            or type(box) is not TableCellBox
            or skip_stack is not None
            or adjoining_margins is not None
            or first_letter_style is not None
            or first_line_style is not None
            or discard
            or max_lines is not None
            or box.first_letter_style is not None
            or box.first_line_style is not None
            # a cell of fixed height is laid out in a style copied for each layout: never met again
            or box.__dict__.get("computed_height", "auto") != "auto"
        ):
            return original(*arguments)
        content = _cell_content(box, LineBox, TextBox)
        if content is None:
            return original(*arguments)
        style = box.style
        own = box.__dict__
        key = ("cell", id(style), content, tuple(own.get(name, _MISSING) for name in _CELL_USED))
        found = lines.get(key)
        if found is not None and found[0] is style:
            kept, changed, reach, answer = found[1]
            # the content fits here as it did there
            if not context.overflows_page(bottom_space, box.position_y + reach + _FIT_MARGIN):
                dx = box.position_x - kept.position_x
                dy = box.position_y - kept.position_y
                element, tag = box.element, box.element_tag
                new = box.copy_with_children(
                    [_moved_copy(child, element, tag, dx, dy) for child in kept.children]
                )
                new.__dict__.update(changed)
                next_page, margins, through, lines_left = answer
                return new, None, dict(next_page), list(margins), through, lines_left
            return original(*arguments)
        before = dict(own)
        answer = original(*arguments)
        new, resume_at = answer[0], answer[1]
        if new is None or resume_at is not None or context.excluded_shapes:
            return answer
        changed = {
            name: value
            for name, value in new.__dict__.items()
            if name not in before or (before[name] is not value and before[name] != value)
        }
        descendants = [b for child in new.children for b in child.descendants()]
        bottom = max(
            (line.position_y + line.height for line in new.children),
            default=new.content_box_y(),
        )
        reach = bottom + new.border_bottom_width + new.padding_bottom - new.position_y
        if (
            not changed.keys() <= _CELL_CHANGED
            or any(b.element is not box.element for b in descendants)
            or any(b.element_tag != box.element_tag for b in descendants)
            or context.overflows_page(bottom_space, new.position_y + reach + _FIT_MARGIN)
        ):
            return answer
        changed.pop("children", None)
        kept = _moved_copy(new, box.element, box.element_tag, 0, 0)
        lines[key] = (
            style,
            (kept, changed, reach, (dict(answer[2]), list(answer[3]), *answer[4:])),
        )
        return answer

    return block_container_layout


_CORNERS = ("top_left", "top_right", "bottom_right", "bottom_left")


def _plain_backgrounds(original: Any) -> Callable[..., None]:
    def layout_box_backgrounds(
        page: Any,
        box: Any,
        get_image_from_uri: Any,
        layout_children: bool = True,
        style: Any = None,
    ) -> None:
        lines = _LINES.get()
        if lines is None or style is not None or box is page or not layout_children:
            original(page, box, get_image_from_uri, layout_children, style)
            return
        own = box.style
        key = ("background", id(own))
        found = lines.get(key)
        if found is None or found[0] is not own:
            original(page, box, get_image_from_uri, layout_children=False)
            plain = (
                box.background is None
                and all((0, "px") in own[f"border_{corner}_radius"] for corner in _CORNERS)
                and own["border_image_source"][0] == "none"
                and own["mask_border_source"][0] == "none"
            )
            found = (own, plain)
            lines[key] = found
        elif found[1]:
            for corner in _CORNERS:
                setattr(box, f"border_{corner}_radius", (0, 0))
            box.background = None
        else:
            original(page, box, get_image_from_uri, layout_children=False)
        for child in box.all_children():
            layout_box_backgrounds(page, child, get_image_from_uri)

    return layout_box_backgrounds


def _kept_class(layout_class: Any) -> Any:
    class Kept(layout_class):  # type: ignore[misc]
        """A layout kept active between the text boxes that draw it."""

        def reactivate(self, style: Any) -> None:
            pass

        def deactivate(self) -> None:
            pass

    return Kept


def _drawing_kept(original: Any, layout_class: Any, kept: Any) -> Callable[..., Any]:
    def draw_text(
        stream: Any,
        textbox: Any,
        offset_x: float,
        text_overflow: str = "clip",
        block_ellipsis: str = "none",
    ) -> Any:
        lines = _LINES.get()
        layout = textbox.pango_layout
        if (
            lines is None
            or text_overflow != "clip"
            or block_ellipsis != "none"
            or type(layout) is not layout_class
        ):
            return original(stream, textbox, offset_x, text_overflow, block_ellipsis)
        style = textbox.style
        key = ("draw", layout.text, id(style), layout.justification_spacing)
        found = lines.get(key)
        if found is None or found[0] is not style:
            active = copy.copy(layout)
            active.reactivate(style)
            active.__class__ = kept
            found = (style, active)
            lines[key] = found
        textbox.pango_layout = found[1]
        try:
            return original(stream, textbox, offset_x, text_overflow, block_ellipsis)
        finally:
            textbox.pango_layout = layout

    return draw_text


_TEXT_OPERATIONS = frozenset(
    {"set_text_matrix", "add_font", "set_font_size", "show_text", "set_text_rise"}
)
"""What WeasyPrint's draw_first_line does to the stream; anything else is not replayed."""


class _Recorder:
    """A stream that passes everything through and notes the text operations made on it."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.unknown = False

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._stream, name)
        if name not in _TEXT_OPERATIONS:
            self.unknown = self.unknown or inspect.ismethod(value)
            return value

        def call(*args: Any) -> Any:
            self.calls.append((name, args))
            return value(*args)

        return call


def _first_line_replayed(original: Any, kept: Any) -> Callable[..., Any]:
    def draw_first_line(
        stream: Any, textbox: Any, text_overflow: str, block_ellipsis: str, matrix: Any
    ) -> Any:
        lines = _LINES.get()
        layout = textbox.pango_layout
        fonts = getattr(stream, "_fonts", None)
        if (
            lines is None
            or type(layout) is not kept
            or fonts is None
            or text_overflow != "clip"
            or block_ellipsis != "none"
        ):
            return original(stream, textbox, text_overflow, block_ellipsis, matrix)
        key = ("line", id(layout), textbox.text, id(fonts))
        found = lines.get(key)
        if found is None or found[0] is not layout or found[1][0] is not fonts:
            recorder = _Recorder(stream)
            emojis = original(recorder, textbox, text_overflow, block_ellipsis, matrix)
            if not emojis and not recorder.unknown:
                # the fonts are this PDF's already: adding one again only looks it up
                calls = [call for call in recorder.calls if call[0] != "add_font"]
                lines[key] = (layout, (fonts, calls))
            return emojis
        for name, args in found[1][1]:
            if name == "set_text_matrix":
                stream.set_text_matrix(*matrix.values)
            else:
                getattr(stream, name)(*args)
        return []

    return draw_first_line


@contextmanager
def remembered_lines() -> Iterator[None]:
    """Remember line breaks inside the ``with`` block (one document, or a part of one), in
    this thread or task only; nested blocks share the outer one's memory."""
    if _LINES.get() is not None or not install():
        yield
        return
    token = _LINES.set({})
    try:
        yield
    finally:
        _LINES.reset(token)
