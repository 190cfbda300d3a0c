"""WeasyPrint's line breaking and text shaping, remembered for the length of one document.

A long table sets the same cell texts at the same column widths in the same styles again and
again (a rating, a title, a qualification: the 10,703 lines of a 300-row summary table are 882
different ones). WeasyPrint breaks and shapes each of them anew with Pango, twice: once to lay
the line out (``split_first_line(text, style, context, max_width, justification_spacing,
is_line_start, minimum)`` makes a Pango layout, shapes the text and finds the first line),
once more to draw it (the text box's layout is made again and shaped again). That is about a
third of the time of such a table.

While ``remembered_lines()`` is active, three answers are kept, each by what it depends on:

- ``split_first_line``: by its arguments. The answer is a pure function of them: the text, the
  computed style (the same object, kept alive with the answer, so that its ``id`` cannot be
  given to another style meanwhile), the width, the justification spacing and the two flags;
  ``context`` serves only its hyphenation dictionaries, which depend on the style's language.
  The layout in the answer is deactivated (plain attributes: the text, widths, line direction,
  font metrics), and each call gets its own shallow copy of it, so a text box that changes its
  layout changes no other's.
- ``strut`` (a style's line height and baseline): by the style. WeasyPrint keeps it already,
  by a key it formats anew on every call.
- The drawing layout of a text box: by its text, style and justification spacing, which are
  all that WeasyPrint's ``reactivate`` reads; the Pango layout made and shaped for the first
  box is drawn for the others. Boxes drawn with an ellipsis (which changes the layout) are
  drawn as WeasyPrint does.

The same PDF comes out, byte for byte (tests/test_pdf_lines.py). The hooks are put into
WeasyPrint once per process (``install``) and pass every call straight through unless
``remembered_lines()`` is active in the calling thread or task, so other users of WeasyPrint
in the same process see no change. They hook WeasyPrint's own names for these functions; a
WeasyPrint that names them otherwise is left as it is.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any

__all__ = ["install", "remembered_lines"]

_LINES: ContextVar[dict[tuple[Any, ...], tuple[Any, Any]] | None] = ContextVar(
    "docgen_pdf_lines", default=None
)


@cache
def install() -> bool:
    """Put the remembering hook into WeasyPrint's inline layout (once per process).

    Returns whether it is in place: False when this WeasyPrint does not lay lines out through
    ``weasyprint.layout.inline.split_first_line`` with deactivatable layouts (then nothing is
    changed and documents are laid out as WeasyPrint does)."""
    from weasyprint import draw
    from weasyprint.draw import text
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    original = getattr(inline, "split_first_line", None)
    if original is not line_break.split_first_line or not hasattr(line_break.Layout, "deactivate"):
        return False
    inline.split_first_line = _remembering(original)
    if getattr(inline, "strut", None) is line_break.strut:
        inline.strut = _strut_kept(line_break.strut)
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
                lines[key] = (layout, (fonts, recorder.calls))
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
