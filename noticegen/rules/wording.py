"""Rules about the sentences a notice shows where noticegen's words meet the school's: a
sentence must read as a careful person would write it (no "If it is not provided,
Without …", no "our our policy", no capital in the middle of a list). The page each
notice builds is rendered and read back (:mod:`noticegen.text.sentences`); each break is
reported at the data-map value whose words it is in, so the school knows what to reword."""

from __future__ import annotations

from typing import Iterator

from noticegen.model.resolve import Model, translated_documents
from noticegen.problems import Location, Problem
from noticegen.rules.registry import W, Context, declare, problem, rule

declare({
    "generated-text": (W, "(check --strict) A sentence of a built notice reads wrong where noticegen's words meet the data map's: a capital mid-sentence, a doubled word, doubled or orphaned punctuation, unbalanced brackets or quotes, an empty list item, or a list that repeats its heading."),
})

_NAME_FIELDS = {"name", "label", "title", "short_title", "aliases", "role", "address", "examples", "text"}
"""Fields whose values are names (or, for examples, the school's phrases shown as
written): the first word of each may begin with a capital anywhere in a sentence."""


def _strings(value, path=()):
    """Every text in a YAML value, with its path (translations and lists included)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, path + (index,))


def _texts(model: Model) -> list[tuple[str, Location, bool]]:
    """(text, where it is written, whether it is a name) for every text of the data map
    and the notices' front matter."""
    found = []
    for _kind, document in translated_documents(model):
        for path, text in _strings(document.data):
            named = any(isinstance(step, str) and step in _NAME_FIELDS for step in path)
            found.append((text, document.locate(path), named))
    return found


def _names(texts) -> frozenset[str]:
    from noticegen.text.sentences import first_words, names_from

    return names_from(text for text, _, _ in texts) | first_words(text for text, _, named in texts if named)


def _origin(texts, sentence: str, word: str) -> tuple[str, Location] | None:
    """The data-map text the break is in: the longest one the sentence shows that holds
    the offending word (or, failing that, any it shows)."""
    plain = " ".join(sentence.split()).lower()

    def core(text: str) -> str:
        text = " ".join(text.split()).lower().rstrip(".")
        return text[3:] if text.startswith("to ") else text

    shown = [(text, where) for text, where, _ in texts
             if len(text.split()) >= 2 and core(text) and core(text) in plain]
    holding = [item for item in shown if word and word.lower() in item[0].lower()]
    pool = holding or shown
    return max(pool, key=lambda item: len(item[0])) if pool else None


@rule
def generated_text(ctx: Context) -> Iterator[Problem]:
    if ctx.renderer is None or not ctx.model.notices or not ctx.strict or not ctx.read_back:
        return  # renders every notice: run by check --strict (what CI runs), not on every check
    from noticegen.model.derive import notice_view
    from noticegen.problems import NoticegenError
    from noticegen.text.sentences import breaks

    renderer = ctx.renderer(ctx.model)
    texts = _texts(ctx.model)
    names = _names(texts)
    reported: set[tuple] = set()
    for slug, notice in sorted(ctx.model.notices.items()):
        try:
            html = renderer.render("notice-body.html", view=notice_view(ctx.model, notice), level=1)
        except (NoticegenError, KeyError, TypeError, ValueError, AttributeError, LookupError):
            continue  # a model too broken to render: the other rules say why
        for found in breaks(html, names):
            if found.kind == "empty-item":
                continue  # only the renderer cutting deep prose makes one: prose-too-deep says so
            word = found.detail.split("'")[1] if "'" in found.detail else ""
            origin = _origin(texts, found.text, word.split()[-1] if word else "")
            where = origin[1] if origin else notice.entry.where("title")
            key = (where.path, where.line, where.column, found.kind, found.detail)
            if key in reported:
                continue
            reported.add(key)
            sentence = " ".join(found.text.split())
            sentence = sentence if len(sentence) <= 100 else sentence[:99] + "…"
            field = "this value's words" if origin else "the notice's own words"
            yield problem(where, "generated-text",
                          f"notice '{slug}' shows \"{sentence}\": {_plain(found.kind)} "
                          f"({found.detail}), where noticegen's words meet {field}. Reword it "
                          "so the sentence reads right (a capital only for a name, one "
                          "full stop)" if found.kind != "empty-item" else
                          f"notice '{slug}' has a list item with no words: a value it lists is empty")


def _plain(kind: str) -> str:
    return {"capital": "a capital letter in the middle of a sentence",
            "doubled-word": "a word said twice",
            "punctuation": "doubled or stray punctuation",
            "unbalanced": "a bracket or quotation mark not closed",
            "repeated-heading": "a list that repeats the words introducing it"}.get(kind, kind)
