"""Resolve: the checked documents become one model of the project.

This stage owns the shape everything after it works on: the organisation, each
register's entries by id, the activities, the notices with their sections and prose,
and — the heart of noticegen — every *reference* from one thing to another, each with
the place it was written. Checks ask "is every reference declared?" and "is every
declaration referred to?" of the same list that ``explain`` and the renderers use, so
the rules and the outputs cannot disagree about what refers to what.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any, Iterator, NamedTuple

from noticegen.classes import dataclass, field
from noticegen.load import translatable
from noticegen.text import i18n
from noticegen.load.catalogue import Basis, lawful_bases
from noticegen.text.i18n import N_
from noticegen.load.documents import Document
from noticegen.problems import Location
from noticegen.load.reader import REGISTERS, Block, LoadedProject, NoticeSource

BUILT_IN_SECTIONS = {
    # id: default heading (after the DfE model notices)
    "purposes": N_("Why we collect and use this information"),
    "categories": N_("The categories of information we process"),
    "lawful-basis": N_("The lawful basis on which we use this information"),
    "collecting": N_("Collecting this information"),
    "storing": N_("Storing this information"),
    "recipients": N_("Who we share this information with"),
    "why-we-share": N_("Why we share this information"),
    "rights": N_("Your rights"),
    "complaints": N_("Complaints"),
    "contact": N_("Contact"),
    "changes": N_("Changes to this notice"),
}
"""Sections whose content noticegen derives from the activities, in default order."""

CHILDREN_HEADINGS = {
    # the same sections' default headings in a notice for children (reader: children)
    "purposes": N_("Why we use your information"),
    "categories": N_("What we keep about you"),
    "lawful-basis": N_("Why the law lets us use it"),
    "collecting": N_("Where we get it from"),
    "storing": N_("How long we keep it"),
    "recipients": N_("Who we share it with"),
    "why-we-share": N_("Why we share it"),
    "rights": N_("What you can ask us to do"),
    "complaints": N_("If you are not happy"),
    "contact": N_("Who we are and how to talk to us"),
    "changes": N_("What has changed"),
}

DEFAULT_SECTIONS = [s for s in BUILT_IN_SECTIONS if s != "changes"]
"""A notice's sections when its front matter lists none ('changes' needs git: opt in)."""

REFERENCE_KINDS = ("subject", "category", "source", "recipient", "legislation", "retention",
                   "activity", "basis", "block", "notice")


@dataclass
class Entry:
    """A declared thing: a register entry, an activity, or the organisation."""

    kind: str
    id: str
    data: dict
    document: Document
    path: tuple = ()

    def where(self, *sub, key: bool = False) -> Location:
        return self.document.locate(self.path + sub, key=key)

    def get(self, name: str, default: Any = None) -> Any:
        return self.data.get(name, default)

    def __getitem__(self, name: str) -> Any:
        return self.data[name]


def category_examples(category) -> list[tuple[str, str]]:
    """A category's examples as (text, type): a list's items (an item's own type, or the
    category's), or the one text as written."""
    examples = category.get("examples")
    if not examples:
        return []
    if isinstance(examples, str) or i18n.is_translated(examples):
        return [(examples, category["type"])]
    return [(e, category["type"]) if isinstance(e, str) or i18n.is_translated(e) else (e["text"], e["type"])
            for e in examples]


CHILDREN_READING_AGE = 9
"""The reading age a notice for children aims at when it names none (a primary pupil)."""


def reading_age_of(notice: "Notice") -> int | None:
    """The notice's target reading age: its own, else 9 for a notice for children, else
    none (the notice is not measured)."""
    if "reading_age" in notice.entry.data:
        return notice.entry["reading_age"]
    return CHILDREN_READING_AGE if notice.entry.get("reader") == "children" else None


def category_types(category) -> set[str]:
    """Every type of data a category holds: its own and its examples'."""
    examples = category.get("examples")
    if not examples or isinstance(examples, str):
        return {category["type"]}
    return {category["type"]} | {kind for _, kind in category_examples(category)}


class Reference(NamedTuple):
    """One place where one thing names another by id (a tuple: a large project holds
    hundreds of thousands of them)."""

    kind: str  # one of REFERENCE_KINDS
    id: str
    at: Any
    """Where: a Location, or (entry, path in it), located only when a rule reports it."""
    owner: str  # 'activity:safeguarding', 'notice:pupils', ...
    context: str = ""  # for bases: the list it sits in ('article_6' ...)

    @property
    def location(self) -> Location:
        if isinstance(self.at, Location):
            return self.at
        entry, path = self.at
        return entry.where(*path)


@dataclass
class Section:
    """One section of a notice: built-in or the notice's own, with its prose."""

    id: str
    heading: str
    built_in: bool
    block: Block | None  # the prose shown in the section
    location: Location
    default_heading: bool = False
    """The heading is noticegen's own (an English message, translated when rendered)."""


@dataclass
class Notice:
    """A notice: its front matter, its sections in order and its prose blocks."""

    slug: str
    entry: Entry
    sections: list[Section]
    blocks: dict[str, Block]  # the body's own blocks

    language: str = i18n.DEFAULT_LANGUAGE
    """The notice's language (BCP 47): its front matter's, else its file name's
    (pupils.cy.md), else the project's."""

    removed: frozenset = frozenset()
    """Activities a school of a trust removed: inherited notices leave them out."""
    added: tuple = ()
    """Activities a school's noticegen.yaml adds to this inherited notice."""
    added_at: dict = field(default_factory=dict)
    """Where each added activity was written."""

    @property
    def original(self) -> str:
        """The slug of the notice this one translates ('pupils' for 'pupils.cy'), or its own."""
        return self.slug.split(".", 1)[0]

    @property
    def activity_ids(self) -> list[str]:
        own = [a for a in self.entry["activities"] if a not in self.removed]
        return own + [a for a in self.added if a not in own]

    def prose(self) -> Iterator[Block]:
        """Every prose block the notice shows, in order."""
        seen = set()
        introduction = self.blocks.get("introduction")
        if introduction is not None:
            yield introduction
        for section in self.sections:
            if section.block is not None and id(section.block) not in seen:
                seen.add(id(section.block))
                yield section.block


@dataclass
class Model:
    """A project's data map with every id resolved: what the rules and the renderers read."""

    root: Path
    organisation: Entry | None
    registers: dict[str, dict[str, Entry]]  # kind ('recipient') -> id -> entry
    duplicates: list[Entry]  # entries whose id was declared before in the same register
    activities: dict[str, Entry]
    notices: dict[str, Notice]
    blocks: dict[str, Block]
    bases: dict[str, Basis]
    config: Document | None  # noticegen.yaml, when the project has one
    declared_elsewhere: dict[str, set[str]] = field(default_factory=dict)
    unreadable_registers: set[str] = field(default_factory=set)
    template_dirs: list[Path] = field(default_factory=list)
    school: str | None = None
    overlay_problems: list[Reference] = field(default_factory=list)
    """``remove:`` entries that name nothing inherited (or sit in a base file)."""
    references: list[Reference] = field(default_factory=list)
    localised_copies: dict[str, "Model"] = field(default_factory=dict, init=False, repr=False,
                                                  compare=False)
    """This model as read in each language (:func:`localised`), made once: kept on the
    model, not in a cache that threads share, and gone with it."""
    text_places: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    """Where each of its documents holds a text a reader sees, by (kind, id of the
    document): found once (:func:`noticegen.load.translatable.text_paths`), for the
    languages and readability rules and :func:`localised`, and gone with the model."""
    establishment: Entry | None = None
    """In a trust's school: the school itself; ``organisation`` stays the trust, the
    controller, with the school's own contacts (if it gives any) in place of the trust's."""

    @cached_property
    def types_by_category(self) -> dict[str, set[str]]:
        """Every declared category's types (its own and its examples'), worked out once:
        many activities name the same categories."""
        return {ident: category_types(entry) for ident, entry in self.registers["category"].items()}

    @property
    def language(self) -> str:
        """The language the data map's plain texts are written in (noticegen.yaml)."""
        config = self.config.data if self.config is not None else {}
        return config.get("language") or i18n.DEFAULT_LANGUAGE

    def translations(self, notice: "Notice") -> list["Notice"]:
        """Every version of ``notice`` (itself included), its original first: pupils.md,
        pupils.cy.md …"""
        return sorted((n for n in self.notices.values() if n.original == notice.original),
                      key=lambda n: (n.slug != n.original, n.slug))

    @property
    def example(self) -> bool:
        """Whether the project exists to demonstrate (``example: true`` in noticegen.yaml):
        every output then says it is an example, not the organisation's published notice."""
        return bool(self.config is not None and self.config.data.get("example") is True)

    @property
    def publish_records(self) -> bool:
        """Whether the record of processing is published with the notices
        (``publish_records: true`` in noticegen.yaml): the index then links build/records/
        and ``build --public`` keeps it. Otherwise it is built for the DPO but not linked,
        and left out of what ``build --public`` makes (Art 30(4): for the ICO on request)."""
        return bool(self.config is not None and self.config.data.get("publish_records") is True)

    @property
    def publisher(self) -> str:
        """The name the notices are published in: the school's, else the controller's."""
        if self.establishment is not None:
            return self.establishment["name"]
        return self.organisation["name"] if self.organisation is not None else ""

    def declared(self, kind: str) -> dict:
        """Everything of ``kind`` that can be referred to, by id."""
        if kind == "activity":
            return self.activities
        if kind == "basis":
            return self.bases
        if kind == "block":
            return self.blocks
        if kind == "notice":
            return self.notices
        return self.registers.get(kind, {})

    def lookup(self, kind: str, ident: str):
        return self.declared(kind).get(ident)

    @cached_property
    def unresolved(self) -> frozenset[str]:
        """The owners (``activity:x``, ``notice:y``, ``recipient:z`` …) that name something
        this model does not hold: an undeclared id, or one declared in a file too broken to
        read. What needs every id resolved (a ROPA row, a rendered notice) leaves them out;
        the reference rules say why, at the place."""
        return frozenset(ref.owner for ref in self.references if self.lookup(ref.kind, ref.id) is None)

    @cached_property
    def listed_activities(self) -> frozenset[str]:
        """Every activity some notice lists (with what a school's overlay adds or removes)."""
        return frozenset(ident for notice in self.notices.values() for ident in notice.activity_ids)

    def resolved_activities(self) -> dict[str, Entry]:
        """The activities whose every reference resolves, directly or through a register
        entry they name (a retention rule naming an undeclared category, say)."""
        unresolved = self.unresolved
        broken = set()
        for ref in self.references:
            if ref.owner.startswith("activity:") and (
                    ref.owner in unresolved or f"{ref.kind}:{ref.id}" in unresolved):
                broken.add(ref.owner.split(":", 1)[1])
        broken.update(owner.split(":", 1)[1] for owner in unresolved if owner.startswith("activity:"))
        return {stem: a for stem, a in self.activities.items() if stem not in broken}


def resolve(loaded: LoadedProject) -> Model:
    """Build the model from a loaded project; never fails on valid documents."""
    registers: dict[str, dict[str, Entry]] = {}
    duplicates: list[Entry] = []
    overlay_problems: list[Reference] = []
    for stem, kind in REGISTERS.items():
        entries: dict[str, Entry] = {}
        for layer, document in enumerate(loaded.registers.get(stem, [])):
            # a school's overlay first drops what it removes, then replaces or adds
            for index, ident in enumerate(document.data.get("remove", [])):
                if ident in entries and layer > 0:
                    del entries[ident]
                else:
                    overlay_problems.append(Reference(kind, ident, document.locate(("remove", index)),
                                                      "base" if layer == 0 else "overlay"))
            seen: set[str] = set()
            for index, data in enumerate(document.data.get(stem, [])):
                entry = Entry(kind, data["id"], data, document, (stem, index))
                if entry.id in seen:
                    duplicates.append(entry)
                    continue
                seen.add(entry.id)
                entries[entry.id] = entry  # an overlay's entry takes the inherited one's place
            # then changes an inherited entry field by field ('change:'), keeping the rest
            for index, change in enumerate(document.data.get("change", [])):
                ident = change.get("id")
                if ident not in entries or layer == 0:
                    overlay_problems.append(Reference(kind, ident, document.locate(("change", index, "id")),
                                                      "base-change" if layer == 0 else "overlay-change"))
                    continue
                merged = dict(entries[ident].data)
                for key, value in change.items():
                    if key == "add_examples":
                        examples = merged.get("examples") or []
                        merged["examples"] = ([examples] if isinstance(examples, str) else list(examples)) + list(value)
                    elif key != "id":
                        merged[key] = value
                entries[ident] = Entry(kind, ident, merged, document, ("change", index))
        registers[kind] = entries

    organisation = establishment = None
    if loaded.organisation is not None:
        data = loaded.organisation.data
        controller = data["organisation"]
        if isinstance(data.get("establishment"), dict):
            establishment = Entry("establishment", "establishment", data["establishment"],
                                  loaded.organisation, ("establishment",))
            # the school's own contacts serve its notices; the controller stays the trust
            controller = dict(controller, **{k: v for k, v in data["establishment"].items()
                                             if k in ESTABLISHMENT_CONTACTS})
        organisation = Entry("organisation", "organisation", controller,
                             loaded.organisation, ("organisation",))
    activities = {stem: Entry("activity", stem, document.data, document)
                  for stem, document in loaded.activities.items()}
    config = loaded.config.data if loaded.config is not None else {}
    project_language = config.get("language") or i18n.DEFAULT_LANGUAGE
    notices = {slug: _notice(source, loaded.blocks, project_language)
               for slug, source in loaded.notices.items()}
    overlay_problems_for_notices = []
    for slug, notice in notices.items():
        # a school's change to an inherited notice reaches its versions in other languages
        change = loaded.notice_activities.get(slug) or loaded.notice_activities.get(
            notice.original, {"add": [], "remove": []})
        dropped = {ident for ident, _ in change["remove"]}
        for ident, location in change["remove"]:
            if ident not in notice.entry["activities"]:
                overlay_problems_for_notices.append(
                    Reference("activity", ident, location, "overlay"))
        notice.removed = frozenset(loaded.removed_activities) | dropped
        notice.added = tuple(ident for ident, _ in change["add"])
        notice.added_at = {ident: location for ident, location in change["add"]}
    model = Model(loaded.root, organisation, registers, duplicates, activities, notices,
                  loaded.blocks, lawful_bases(), loaded.config, loaded.declared_elsewhere,
                  loaded.unreadable_registers, loaded.template_dirs, loaded.school,
                  overlay_problems + overlay_problems_for_notices)
    model.establishment = establishment
    model.references = list(_references(model))
    return model


ESTABLISHMENT_CONTACTS = ("dpo", "privacy_contact", "requests", "complaints")
"""What a school of a trust may give in place of the trust's, for its own notices."""


def notice_language(slug: str, front: dict, project_language: str) -> str:
    """A notice's language: its front matter's, else its file name's, else the project's."""
    if isinstance(front.get("language"), str):
        return front["language"]
    return slug.split(".", 1)[1] if "." in slug else project_language


def shared_block(shared: dict[str, Block], name: str, language: str) -> Block | None:
    """A shared prose block in a notice's language: notices/_blocks/<name>.<language>.md
    when there is one, else notices/_blocks/<name>.md."""
    return shared.get(f"{name}.{language}") or shared.get(f"{name}.{i18n.base_language(language)}") \
        or shared.get(name)


def _notice(source: NoticeSource, shared: dict[str, Block], project_language: str) -> Notice:
    entry = Entry("notice", source.slug, source.front.data, source.front)
    language = notice_language(source.slug, source.front.data, project_language)
    sections = []
    items = source.front.data.get("sections") or DEFAULT_SECTIONS
    for index, item in enumerate(items):
        options = {"id": item} if isinstance(item, str) else item
        section_id = options["id"]
        built_in = section_id in BUILT_IN_SECTIONS
        include = options.get("include")
        block = shared_block(shared, include, language) if include else source.blocks.get(section_id)
        defaults = CHILDREN_HEADINGS if source.front.data.get("reader") == "children" else BUILT_IN_SECTIONS
        own = i18n.choose(options.get("heading"), language)
        heading = own or defaults.get(section_id) or section_id.replace("-", " ").capitalize()
        sections.append(Section(section_id, heading, built_in, block,
                                entry.where("sections", index), built_in and not own))
    return Notice(source.slug, entry, sections, source.blocks, language)


_ACTIVITY_LISTS = (
    ("subjects", "subject"),
    ("categories", "category"),
    ("sources", "source"),
    ("legislation", "legislation"),
    ("retention", "retention"),
)


_ACTIVITY_MARKDOWN = (
    ("description",),
    ("lawful_basis", "legitimate_interests"),
    ("lawful_basis", "explanation"),
    ("lawful_basis", "consent", "withdraw"),
    ("provision", "statement"),
    ("automated_decision_making", "logic"),
    ("automated_decision_making", "significance"),
)


def activity_prose(activity: Entry) -> Iterator[Block]:
    """The activity's Markdown fields as blocks, so prose references work in them too.

    Each block is placed at its field's value; a problem inside a multi-line value is
    reported at the line the value starts on. Made once per activity (several rules
    read them).
    """
    blocks = activity.__dict__.get("_prose")
    if blocks is None:
        blocks = activity.__dict__["_prose"] = tuple(_activity_prose(activity))
    return iter(blocks)


def _activity_prose(activity: Entry) -> Iterator[Block]:
    paths = list(_ACTIVITY_MARKDOWN)
    paths += [("recipients", i, "why") for i in range(len(activity.get("recipients", [])))]
    for path in paths:
        value = activity.document.get(path)
        for place, text in _texts(path, value):
            location = activity.where(*place)
            yield Block(".".join(map(str, path)), text, location.path, location.line, location)


def _texts(path: tuple, value) -> Iterator[tuple[tuple, str]]:
    """A Markdown field's text, or each language's text of a value written per language
    (and its wording for children)."""
    for place, text in i18n.texts_by_place(value):
        yield path + place, text


_REGISTER_MARKDOWN = (
    # register, field: Markdown a notice shows
    ("recipient", "why"),
    ("retention", "criteria"),
)


def register_prose(model: "Model") -> Iterator[Block]:
    """The registers' Markdown fields as blocks (a recipient's usual reason for sharing,
    a retention rule's criteria), so prose rules and references work in them too."""
    for kind, name in _REGISTER_MARKDOWN:
        for entry in model.registers.get(kind, {}).values():
            for place, text in _texts((name,), entry.get(name)):
                location = entry.where(*place)
                yield Block(f"{kind}.{entry.id}.{name}", text, location.path, location.line, location)


def _references(model: Model) -> Iterator[Reference]:
    from noticegen.model import prose  # prose refers back to the model's kinds

    for stem, activity in model.activities.items():
        owner = f"activity:{stem}"
        for block in activity_prose(activity):
            for found in prose.find_references(block):
                if found.kind in REFERENCE_KINDS:
                    yield Reference(found.kind, found.id, found.location, owner)
        for name, kind in _ACTIVITY_LISTS:
            for index, ident in enumerate(activity.get(name, [])):
                yield Reference(kind, ident, (activity, (name, index)), owner)
        for group, ids in activity["lawful_basis"].items():
            if isinstance(ids, list):
                for index, ident in enumerate(ids):
                    yield Reference("basis", ident, (activity, ("lawful_basis", group, index)),
                                    owner, group)
        for index, share in enumerate(activity.get("recipients", [])):
            yield Reference("recipient", share["recipient"],
                            (activity, ("recipients", index, "recipient")), owner)
            for j, ident in enumerate(share.get("legislation", [])):
                yield Reference("legislation", ident,
                                (activity, ("recipients", index, "legislation", j)), owner)
        for index, system in enumerate(activity.get("systems", [])):
            if isinstance(system, dict) and "processor" in system:
                yield Reference("recipient", system["processor"],
                                (activity, ("systems", index, "processor")), owner)
        for index, transfer in enumerate(activity.get("transfers", [])):
            if "recipient" in transfer:
                yield Reference("recipient", transfer["recipient"],
                                (activity, ("transfers", index, "recipient")), owner)

    for block in register_prose(model):
        for found in prose.find_references(block):
            if found.kind in REFERENCE_KINDS:
                yield Reference(found.kind, found.id, found.location, block.id.rsplit(".", 1)[0].replace(".", ":", 1))
    for rule in model.registers["retention"].values():
        for index, ident in enumerate(rule.get("categories", [])):
            yield Reference("category", ident, (rule, ("categories", index)), f"retention:{rule.id}")
    for category in model.registers["category"].values():
        for index, ident in enumerate(category.get("subjects", [])):
            yield Reference("subject", ident, (category, ("subjects", index)), f"category:{category.id}")

    for slug, notice in model.notices.items():
        owner = f"notice:{slug}"
        for index, ident in enumerate(notice.entry["activities"]):
            if ident not in notice.removed:
                yield Reference("activity", ident, (notice.entry, ("activities", index)), owner)
        for ident in notice.added:
            yield Reference("activity", ident, notice.added_at[ident], owner)
        for index, item in enumerate(notice.entry.get("sections") or []):
            if isinstance(item, dict) and item.get("include"):
                yield Reference("block", item["include"],
                                (notice.entry, ("sections", index, "include")), owner)
                used = shared_block(model.blocks, item["include"], notice.language)
                if used is not None and used.id != item["include"]:  # its version in this language
                    yield Reference("block", used.id, (notice.entry, ("sections", index, "include")),
                                    owner)
        for block in notice.prose():
            for found in prose.find_references(block):
                if found.kind in REFERENCE_KINDS:
                    yield Reference(found.kind, found.id, found.location, owner)


def translated_documents(model: Model, notices=None) -> Iterator[tuple[str, Any]]:
    """(schema kind, document) for every document whose texts a notice may show."""
    from noticegen.load.reader import REGISTERS

    seen: set[int] = set()
    documents = []
    if model.organisation is not None:
        documents.append(("organisation", model.organisation.document))
    for entries in model.registers.values():
        for entry in entries.values():
            stem = next(s for s, k in REGISTERS.items() if k == entry.kind)
            documents.append((stem, entry.document))
    documents += [("activity", a.document) for a in model.activities.values()]
    documents += [("notice", n.entry.document) for n in (notices or model.notices.values())]
    for kind, document in documents:
        if id(document) not in seen:
            seen.add(id(document))
            yield kind, document


def localised(model: Model, language: str, children: bool = False) -> Model:
    """The model as a reader of ``language`` sees it: every value written per language
    (``{en: …, cy: …}``) replaced by its text in ``language``, and the built-in lawful
    bases' names and references (and the Article 6 wording) in that language. For a
    notice for children (``children``), a value's wording for children
    (``{en: …, children: …}``) in that language, where it has one.

    A model without translated values, read in its own language, is returned as it is,
    so English projects render exactly as before."""
    copies = model.localised_copies
    key = f"{language}/children" if children else language
    if key in copies:
        return copies[key]
    ids = translatable.translated_values(translated_documents(model), model.text_places)
    if not ids and i18n.base_language(language) == "en":
        copies[key] = model
        return model
    home = model.language

    def entry(value: Entry | None) -> Entry | None:
        if value is None:
            return None
        return Entry(value.kind, value.id, i18n.localise_data(value.data, ids, language, children, home),
                     value.document, value.path)

    import dataclasses

    registers = {kind: {ident: entry(e) for ident, e in entries.items()}
                 for kind, entries in model.registers.items()}
    activities = {stem: entry(a) for stem, a in model.activities.items()}
    notices = {slug: dataclasses.replace(n, entry=entry(n.entry)) for slug, n in model.notices.items()}
    _ = i18n.gettext_for(language)
    bases = {ident: dataclasses.replace(b, name=_(b.name), reference=_(b.reference),
                                        wording=_(b.wording) if b.kind == "article-6" else b.wording)
             for ident, b in model.bases.items()}
    copy = dataclasses.replace(model, organisation=entry(model.organisation), registers=registers,
                               activities=activities, notices=notices, bases=bases,
                               establishment=entry(model.establishment))
    copies[key] = copy
    return copy
