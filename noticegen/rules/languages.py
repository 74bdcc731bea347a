"""Rules about languages: a notice in Welsh (or any language other than the data map's)
must show no text left in another language, and says the same as its original."""

from __future__ import annotations

import re
from typing import Iterator

from noticegen.load import translatable
from noticegen.text import i18n
from noticegen.model.resolve import Entry, Model, Notice, translated_documents
from noticegen.problems import Problem
from noticegen.load.reader import REGISTERS
from noticegen.rules.registry import E, W, Context, declare, problem, rule

declare({
    "untranslated": (E, "A text a notice in another language shows (a name, purpose, reason, heading …) has no translation into that language: write it as {en: …, cy: …}."),
    "translation-differs": (W, "A notice's version in another language (pupils.cy.md) covers different activities from the original (pupils.md): the two would tell readers different things."),
})

NOT_SHOWN = {
    # kind: fields no notice shows (the record of processing does), so they need no translation
    "activity": {"business_function", "description", "systems", "security_measures", "dpia",
                 "policy_document_retention", "breach", "joint_controller"},
    "recipients": {"description", "address"},
    "legislation": {"description", "short_title"},
    "retention": {"applies_to", "hold"},
    "subjects": {"description"},
    "categories": {"description"},
    "sources": {"description"},
}

CONTACTS = {"contact", "dpo", "privacy_contact", "complaints", "requests", "representative",
            "joint_controller", "joint_controllers"}
"""Where a person's contact details are: their name reads the same in every language."""

_LETTER = re.compile(r"[^\W\d_]")
"""A text with no letter ('01234 567890', '4.1') reads the same in every language."""


@rule
def untranslated(ctx: Context) -> Iterator[Problem]:
    model = ctx.model
    project = i18n.base_language(model.language)
    reported: set[tuple] = set()
    # a project written in one language, all its notices in it, has nothing to translate
    # (a wording for children, {en: …, children: …}, is not a second language)
    one_language = all(i18n.base_language(n.language) == project for n in model.notices.values())
    if one_language and all(i18n.pick(value, notice.language) is not None
                            for value in translatable.translated(translated_documents(model), model.text_places)
                            for notice in model.notices.values()):
        return
    for slug, notice in sorted(model.notices.items()):
        language = notice.language
        for kind, entry, path, value in texts_shown(model, notice):
            if isinstance(value, str):
                if i18n.base_language(language) == project or not _LETTER.search(value) \
                        or _language_neutral(path):
                    continue
                message = (f"'{_short(value)}' is written in one language only, but notice "
                           f"'{slug}' is in '{language}': write it as "
                           f"{{{i18n.base_language(model.language)}: …, {language}: …}} "
                           "(or {zxx: …} for a name that is the same in every language)")
            elif i18n.is_translated(value) and i18n.pick(value, language) is None:
                message = (f"this text has no '{language}' version, but notice '{slug}' is in "
                           f"'{language}': add {language}: … beside "
                           f"{', '.join(sorted(i18n.languages_of(value)))}")
            else:
                continue
            location = entry.document.locate(path)
            key = (location.path, location.line, location.column, i18n.base_language(language))
            if key not in reported:
                reported.add(key)
                yield problem(location, "untranslated", message)
        if i18n.base_language(language) != project:
            yield from _untranslated_blocks(model, slug, notice)


def _untranslated_blocks(model: Model, slug: str, notice: Notice) -> Iterator[Problem]:
    """A shared prose block a notice in another language includes, with no version in it."""
    for index, item in enumerate(notice.entry.get("sections") or []):
        name = item.get("include") if isinstance(item, dict) else None
        if not name or name not in model.blocks:
            continue
        if model.blocks.get(f"{name}.{notice.language}") is None \
                and model.blocks.get(f"{name}.{i18n.base_language(notice.language)}") is None:
            yield problem(notice.entry.where("sections", index, "include"), "untranslated",
                          f"notice '{slug}' is in '{notice.language}' but the shared block '{name}' "
                          f"it includes is not: add notices/_blocks/{name}."
                          f"{i18n.base_language(notice.language)}.md")


def texts_shown(model: Model, notice: Notice) -> Iterator[tuple[str, Entry, tuple, object]]:
    """(kind, entry, path in its document, value) for each text the notice can show:
    the organisation's, its activities', and the register entries they refer to. Each
    document's text places are found once, and kept on the model (``text_places``)."""
    covered = [a for a in notice.activity_ids if a in model.activities]
    owners = {f"activity:{a}" for a in covered} | {f"notice:{notice.slug}"}
    used: dict[str, set[str]] = {}
    for reference in model.references:
        if reference.owner in owners:
            used.setdefault(reference.kind, set()).add(reference.id)
    sources: list[tuple[str, Entry]] = []
    if model.organisation is not None:
        sources.append(("organisation", model.organisation))
        if model.establishment is not None:
            sources.append(("organisation", model.establishment))
    sources += [("activity", model.activities[a]) for a in covered]
    for stem, kind in REGISTERS.items():
        for ident in sorted(used.get(kind, ())):
            entry = model.registers.get(kind, {}).get(ident)
            if entry is not None:
                sources.append((stem, entry))
    seen: set[tuple] = set()
    for kind, entry in sources:
        document = entry.document
        prefix = tuple(entry.path)
        for path in translatable.places_of(kind, document, model.text_places):
            if path[:len(prefix)] != prefix or (id(document), path) in seen:
                continue
            seen.add((id(document), path))
            inner = path[len(prefix):]
            if inner and isinstance(inner[0], str) and inner[0] in NOT_SHOWN.get(kind, ()):
                continue
            yield kind, entry, path, document.get(path)


@rule
def translation_differs(ctx: Context) -> Iterator[Problem]:
    for slug, notice in sorted(ctx.model.notices.items()):
        original = ctx.model.notices.get(notice.original)
        if original is None or original is notice:
            continue
        if set(notice.activity_ids) != set(original.activity_ids):
            missing = sorted(set(original.activity_ids) - set(notice.activity_ids))
            extra = sorted(set(notice.activity_ids) - set(original.activity_ids))
            said = "; ".join(part for part in (
                f"it leaves out {', '.join(missing)}" if missing else "",
                f"it adds {', '.join(extra)}" if extra else "") if part)
            yield problem(notice.entry.where("activities"), "translation-differs",
                          f"notice '{slug}' translates '{original.slug}' but covers different "
                          f"activities ({said}): list the same activities in both")


def _language_neutral(path: tuple) -> bool:
    """Texts taken to read the same in every language unless written per language:
    telephone numbers, postal addresses, and a contact person's name."""
    words = [step for step in path if isinstance(step, str)]
    if not words:
        return False
    if words[-1] == "phone" or "address" in words:
        return True
    return words[-1] == "name" and len(words) >= 2 and words[-2] in CONTACTS


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "…"


declare({
    "wrong-language": (W, "A paragraph of a notice, or a text given for one language ({en: …, cy: …}), that reads as written in the other language: English prose left in a Welsh notice, an English value in a cy field."),
})

_STOPWORDS = {
    "en": frozenset("""the and of to is we you your our for with this that are in it be will
        when who what how if or not have has can may they their them from about which by on
        as at us information data""".split()),
    "cy": frozenset("""y yr a ac i o yn ei eich ein mae ar am gyda bod neu hyn ni chi gan wedi
        fel at nad hefyd sy sydd pan pwy beth sut os nid oes gall gallwn rydym byddwn eu
        wybodaeth gwybodaeth data ydym""".split()),
}
"""The commonest words of each language the notices are written in: a text with many of
one's and few of the other's is in the first."""

_WORDS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def written_in(text: str) -> str | None:
    """'en' or 'cy' for a text that is plainly in one of them (six words or more, one
    language's common words well ahead of the other's); None when it cannot tell."""
    words = [w.lower().split("'")[0].split("’")[0] for w in _WORDS.findall(text)]
    if len(words) < 6:
        return None
    scores = {lang: sum(w in stop for w in words) / len(words) for lang, stop in _STOPWORDS.items()}
    best = max(scores, key=scores.get)
    other = min(scores, key=scores.get)
    if scores[best] >= 0.15 and scores[best] >= 2 * scores[other]:
        return best
    return None


_NAMES = {"en": "English", "cy": "Welsh"}


@rule
def wrong_language(ctx: Context) -> Iterator[Problem]:
    """Prose in a notice in Welsh (or English) that reads as the other language, and a text
    given for one language ({en: …, cy: …}) that reads as the other."""
    for slug, notice in sorted(ctx.model.notices.items()):
        wanted = i18n.base_language(notice.language)
        if wanted not in _STOPWORDS:
            continue
        for block in notice.prose():
            if "_blocks/" in block.path and not block.path.endswith(f".{wanted}.md") \
                    and wanted != i18n.base_language(ctx.model.language):
                continue  # a shared block with no version in this language: 'untranslated' says so
            offset = 0
            for paragraph in block.text.split("\n\n"):
                found = written_in(re.sub(r"\[\[[^\]]*\]\]|\(https?://[^)]*\)|<!--.*?-->", " ", paragraph))
                if found and found != wanted:
                    yield problem(block.locate(offset + len(paragraph) - len(paragraph.lstrip())),
                                  "wrong-language",
                                  f"notice '{slug}' is in {_NAMES[wanted]}, but this paragraph reads "
                                  f"as {_NAMES[found]}: translate it, or move it to the "
                                  f"{_NAMES[found]} notice")
                offset += len(paragraph) + 2
    for _kind, document in translated_documents(ctx.model):
        if getattr(document, "per_language", True):  # else the loader saw no text per language
            yield from _wrong_values(document, document.data, ())


def _wrong_values(document, value, path) -> Iterator[Problem]:
    if isinstance(value, dict):
        if i18n.is_translated(value):
            for language, text in value.items():
                wanted = i18n.base_language(language) if isinstance(language, str) else None
                if wanted in _STOPWORDS and isinstance(text, str):
                    found = written_in(text)
                    if found and found != wanted:
                        yield problem(document.locate(path + (language,)), "wrong-language",
                                      f"the {language} text reads as {_NAMES[found]}: write it in "
                                      f"{_NAMES[wanted]}")
            return
        for key, item in value.items():
            yield from _wrong_values(document, item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _wrong_values(document, item, path + (index,))
