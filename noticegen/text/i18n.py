"""Languages: the words noticegen itself writes, in the notice's language.

Every sentence, heading and label noticegen adds to a published output is an English
message id, translated through a gettext catalogue: ``noticegen/locale/<lang>/LC_MESSAGES/
noticegen.po`` (``noticegen/locale/noticegen.pot`` lists every message id; see
docs/languages.md for re-extracting it). The .po file is read at run time with Babel and
turned into a gettext catalogue in memory, so there is no compiled .mo file to keep in step.

This module also owns the data map's translated values: a text field may be written
``{en: "…", cy: "…"}`` instead of a plain string, and :func:`choose` picks the notice's
language from it. Babel is imported only when a catalogue or a date is needed, so
``noticegen check`` and ``--help`` stay light.
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
import io
import re
from functools import cache

from noticegen import packaged

DEFAULT_LANGUAGE = "en-GB"
"""A notice's language when it gives none: British English."""

LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
"""A BCP 47 language tag as noticegen accepts it ('cy', 'en-GB', 'ga')."""

DOMAIN = "noticegen"

SAME_IN_EVERY_LANGUAGE = "zxx"
"""BCP 47's 'no linguistic content': ``{zxx: Example Photo Hosting Ltd}`` is a name that
reads the same in every language, so no notice needs it translated."""


def N_(message: str) -> str:
    """Mark an English message for extraction without translating it yet: the constant
    stays English and is translated where it is shown, in the reader's language."""
    return message


def base_language(tag: str | None) -> str:
    """'en-GB' as 'en', 'cy' as 'cy': catalogues and translated values are per language."""
    return (tag or DEFAULT_LANGUAGE).split("-", 1)[0].lower()


@cache
def translations(language: str | None) -> _gettext.NullTranslations:
    """The gettext catalogue for ``language``; English (the message ids) when none exists.

    Untranslated and fuzzy entries fall back to English, as gettext does; a test makes
    sure the catalogues shipped with noticegen have neither.
    """
    base = base_language(language)
    po = packaged("locale", base, "LC_MESSAGES", f"{DOMAIN}.po")
    if base == "en" or not po.is_file():
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(po.read_bytes()), locale=base, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def gettext_for(language: str | None):
    """``gettext`` for one language: ``_ = gettext_for("cy")``."""
    return translations(language).gettext


def ngettext_for(language: str | None):
    return translations(language).ngettext


# ------------------------------------------------------------------ values

FOR_CHILDREN = "children"
"""The key of a value's wording for children: ``{en: Pupil identifiers, children: your name
and your pupil number}``. A notice for children (``reader: children``) shows it instead of
the text beside it; it is a plain text (in the project's language) or written per language
(``children: {en: …, cy: …}``)."""


def _per_language(value) -> bool:
    return isinstance(value, dict) and bool(value) and all(
        isinstance(k, str) and LANGUAGE_TAG.fullmatch(k) and isinstance(v, str)
        for k, v in value.items())


def is_translated(value) -> bool:
    """A data-map value written per language: ``{en: "…", cy: "…"}``, perhaps with a
    wording for children beside it (``children: "…"`` or ``children: {en: "…", cy: "…"}``)."""
    if not isinstance(value, dict) or not value:
        return False
    children = value.get(FOR_CHILDREN)
    if FOR_CHILDREN in value and not (isinstance(children, str) or _per_language(children)):
        return False
    languages = {k: v for k, v in value.items() if k != FOR_CHILDREN}
    return _per_language(languages)


def languages_of(value: dict) -> dict:
    """A translated value's texts by language, without its wording for children."""
    return {k: v for k, v in value.items() if k != FOR_CHILDREN}


def pick(value: dict, language: str | None) -> str | None:
    """The text for ``language`` from a translated value: the exact tag, then the bare
    language ('cy-GB' finds 'cy'); None when this language is missing."""
    value = languages_of(value)
    tag = language or DEFAULT_LANGUAGE
    if tag in value:
        return value[tag]
    base = base_language(tag)
    for key, text in value.items():
        if base_language(key) == base:
            return text
    return value.get(SAME_IN_EVERY_LANGUAGE)


def for_children(value, language: str | None, home: str | None = None) -> str | None:
    """A translated value's wording for children in ``language``: its ``children`` text
    written per language, or a plain ``children`` text when ``language`` is the
    project's (``home``); None when it has none in that language (the notice then shows
    the text in its language written for everyone)."""
    if not is_translated(value) or FOR_CHILDREN not in value:
        return None
    wording = value[FOR_CHILDREN]
    if isinstance(wording, str):
        return wording if base_language(language) == base_language(home) else None
    return pick(wording, language)


def choose(value, language: str | None, children: bool = False, home: str | None = None):
    """A value as the reader of ``language`` sees it. A translated value gives its text in
    that language (for a notice for children, its wording for children in that language
    when it has one), or, when that is missing (check reports it), its English text, else
    its first; any other value is returned as it is."""
    if not is_translated(value):
        return value
    if children:
        found = for_children(value, language, home)
        if found is not None:
            return found
    found = pick(value, language)
    if found is None:
        found = pick(value, "en")
    return found if found is not None else next(iter(languages_of(value).values()))


# ------------------------------------------------------------------ dates and lists

def add_months(date, months: int):
    """``date`` (a datetime.date) plus ``months``, on the last day of the month when the
    day is not in it (31 August plus 6 months: 28 or 29 February)."""
    import calendar

    month = date.month - 1 + months
    year, month = date.year + month // 12, month % 12 + 1
    return date.replace(year=year, month=month, day=min(date.day, calendar.monthrange(year, month)[1]))


def long_date(value: str | None, language: str | None = None) -> str:
    """'2026-09-01' as '1 September 2026', or in Welsh '1 Medi 2026' (CLDR's long
    format, the same whatever the machine's locale). A placeholder is left as it is."""
    if not value:
        return ""
    try:
        date = dt.date.fromisoformat(str(value))
    except ValueError:  # a placeholder, in a draft
        return str(value)
    if base_language(language) == "en":
        months = ("January February March April May June July August September October "
                  "November December").split()
        return f"{date.day} {months[date.month - 1]} {date.year}"
    from babel.dates import format_date

    return format_date(date, format="long", locale=babel_locale(language))


def babel_locale(language: str | None) -> str:
    """The Babel locale for a tag: 'cy' for 'cy', 'en_GB' for 'en-GB'; the bare language
    when CLDR has no data for the region."""
    from babel import Locale, UnknownLocaleError

    tag = (language or DEFAULT_LANGUAGE).replace("-", "_")
    for candidate in (tag, base_language(language)):
        try:
            Locale.parse(candidate)
            return candidate
        except (UnknownLocaleError, ValueError):
            continue
    return "en_GB"


_WELSH_VOWELS = tuple("aeiouwyâêîôûŵŷAEIOUWYÂÊÎÔÛŴŶ")
_WELSH_ARTICLES = ("y ", "yr ", "Y ", "Yr ")
"""The definite article at the start of an item (a name's too: 'Y Swyddfa Gymreig'):
after 'a' (and) it is 'r."""
_ASPIRATE = {"c": "ch", "p": "ph", "t": "th"}
"""Welsh 'a' (and) mutates a following c, p or t: 'enwau a chyfeiriadau'."""


def and_word(following: str, language: str | None = None) -> str:
    """'and' before ``following``: in Welsh 'a'r' before the article ('y', 'yr': 'a'r
    awdurdod lleol', not 'ac yr awdurdod lleol'; :func:`after_and` drops the article),
    'ac' before a vowel, else 'a'."""
    _ = gettext_for(language)
    word = _("and")
    if base_language(language) == "cy" and word == "a":
        if following.startswith(_WELSH_ARTICLES):
            return "a'r"
        if following.startswith(_WELSH_VOWELS):
            return "ac"
    return word


def after_and(text, language: str | None = None):
    """``text`` as it follows 'and': in Welsh, a lower-case word starting c, p or t (not
    ch, ph or th) takes the aspirate mutation, and the article ('y', 'yr') is dropped,
    :func:`and_word` having made 'and' 'a'r'; names, and every other language, are left
    as written."""
    if base_language(language) != "cy" or not isinstance(text, str):
        return text
    if text.startswith(_WELSH_ARTICLES) and gettext_for(language)("and") == "a":
        return text.split(" ", 1)[1]  # the article has joined 'and': a'r
    first = text[:1]
    if first in _ASPIRATE and text[1:2] != "h":
        return _ASPIRATE[first] + text[1:]
    return text


def join_words(items: list[str], conjunction: str = "and", language: str | None = None) -> str:
    """'a, b and c' in the reader's language. Welsh 'and' is 'ac' before a vowel and 'a'
    (with the aspirate mutation) otherwise; 'or' is 'neu'."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    if conjunction == "and":
        return ", ".join(items[:-1]) + f" {and_word(items[-1], language)} " + after_and(items[-1], language)
    _ = gettext_for(language)
    word = _("or") if conjunction == "or" else conjunction
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def lower_first(value) -> str:
    """'Safeguarding and child protection' as 'safeguarding and child protection', within
    a sentence; a word in capitals (an acronym such as 'SEN') keeps them."""
    text = str(value)
    words = text.split(" ")
    first = words[0]
    if len(first) > 1 and first.isupper():
        return value
    if len(words) > 1 and words[1][:1].isupper() and first[:1].isupper():
        return value  # a name in capitals ('Education Health Care Plans'), kept as written
    return value[:1].lower() + value[1:] if isinstance(value, str) else text[:1].lower() + text[1:]


def upper_first(value):
    """'while the pupil attends …' as 'While the pupil attends …', to open a sentence; the
    rest of the text, and its markup, unchanged."""
    from markupsafe import Markup

    if isinstance(value, Markup):
        return Markup(value[:1].upper() + value[1:])
    text = str(value)
    return text[:1].upper() + text[1:]


def country_name(code: str, language: str | None = None) -> str:
    """'US' as 'United States' (or 'Yr Unol Daleithiau'), from CLDR through Babel."""
    from babel import Locale

    return Locale.parse(babel_locale(language)).territories.get(code, code)


def localise_data(data, ids: set[int], language: str | None, children: bool = False,
                  home: str | None = None):
    """A copy of ``data`` with each translated value in ``ids`` replaced by its text in
    ``language`` (for children: see :func:`choose`); everything else as it is."""
    if id(data) in ids:
        return choose(data, language, children, home)
    if isinstance(data, dict):
        return {key: localise_data(value, ids, language, children, home) for key, value in data.items()}
    if isinstance(data, list):
        return [localise_data(value, ids, language, children, home) for value in data]
    return data


def all_texts(value) -> list[str]:
    """Every language's text of a value: ``[value]`` for a plain string, the texts of a
    value written per language (its wordings for children too), nothing for anything
    else."""
    return [text for _place, text in texts_by_place(value)]


def texts_by_place(value) -> list[tuple[tuple, str]]:
    """Each text of a value with where it is inside the value: ``[((), value)]`` for a
    plain string; for a translated value ``(('en',), …)``, ``(('children',), …)`` or
    ``(('children', 'cy'), …)``; nothing for anything else."""
    if isinstance(value, str):
        return [((), value)]
    if not is_translated(value):
        return []
    found = [((key,), text) for key, text in languages_of(value).items()]
    wording = value.get(FOR_CHILDREN)
    if isinstance(wording, str):
        found.append(((FOR_CHILDREN,), wording))
    elif isinstance(wording, dict):
        found += [((FOR_CHILDREN, key), text) for key, text in wording.items()]
    return found


def display(value) -> str:
    """A value in a message for the DPO (check's output is in English): its English text,
    else its first."""
    chosen = choose(value, "en")
    return chosen if isinstance(chosen, str) else str(chosen)


def language_name(tag: str) -> str:
    """A language's name in that language, for a language switcher: 'Cymraeg', 'English'."""
    from babel import Locale, UnknownLocaleError

    base = base_language(tag)
    try:
        name = Locale.parse(base).get_display_name(base) or tag
    except (UnknownLocaleError, ValueError):
        return tag
    return name[:1].upper() + name[1:]
