"""The language of messages: Vietnamese by default, English on request, through gettext.

Source strings (msgids) are the English messages; the Vietnamese catalogue
``docgen/locale/vi/LC_MESSAGES/docgen.mo`` (compiled from ``docgen.po`` next to it, read through
``importlib.resources``) translates them. The language is chosen, first match wins, by
``docgen --lang vi|en``, the ``DOCGEN_LANG`` environment variable, the locale (``LANGUAGE``,
``LC_ALL``, ``LC_MESSAGES``, ``LANG``: English when it starts with "en"), else Vietnamese.

Messages with variables are msgids with named placeholders, formatted after translation:
``_("{name} is not eligible").format(name=name)``. Mark strings translated later with ``N_``.

Updating the catalogues (docs/ma-loi.md, "Cập nhật bản dịch")::

    .venv/bin/pybabel extract -F babel.cfg -k N_ -o docgen/locale/docgen.pot docgen
    .venv/bin/pybabel update -i docgen/locale/docgen.pot -d docgen/locale -D docgen -l vi
    # translate the new entries in docgen/locale/vi/LC_MESSAGES/docgen.po, then
    .venv/bin/pybabel compile -d docgen/locale -D docgen -l vi
"""

from __future__ import annotations

import gettext
import os
from functools import cache
from importlib import resources

DOMAIN = "docgen"
LANGUAGES = ("vi", "en")
DEFAULT = "vi"
ENV = "DOCGEN_LANG"
_LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_current: str | None = None


def language_from_environment(environ: dict[str, str] | None = None) -> str:
    """The language the environment asks for: "vi" or "en" (DOCGEN_LANG, then the locale).

    An unknown DOCGEN_LANG is ignored; a locale is English when it starts with "en", anything
    else (including "C" and "POSIX") is Vietnamese; no setting at all is Vietnamese.
    """
    env = os.environ if environ is None else environ
    chosen = env.get(ENV, "").strip().lower()
    if chosen in LANGUAGES:
        return chosen
    for name in _LOCALE_VARIABLES:
        value = env.get(name, "").strip()
        if value:
            first = value.split(":")[0].lower()
            return "en" if first.startswith("en") else DEFAULT
    return DEFAULT


def set_language(language: str | None) -> str:
    """Use ``language`` ("vi" or "en") for every message from now on; None goes back to the
    environment's choice. Returns the language in use. Raises ValueError for another code."""
    global _current
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    _current = language
    return current_language()


def current_language() -> str:
    """The language messages are in now: the one set, else the environment's."""
    return _current if _current is not None else language_from_environment()


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of ``language``: English is the msgids themselves. A catalogue that is
    missing or damaged (a broken install) gives English rather than failing the command."""
    if language == "en":
        return gettext.NullTranslations()
    catalogue = resources.files("docgen") / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with catalogue.open("rb") as stream:
            return gettext.GNUTranslations(stream)
    except (OSError, ValueError):  # ValueError: not a .mo file (gettext's own check)
        return gettext.NullTranslations()


def _(message: str) -> str:
    """``message`` (an English msgid) in the current language; itself when untranslated."""
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message for ``count`` in the current language (Vietnamese has one form)."""
    return translations(current_language()).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now (translate with ``_`` later)."""
    return message
