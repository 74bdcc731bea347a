"""Consent forms and collection statements: what a form the organisation hands out says,
derived from the activities that collect through it.

A source in ``sources.yaml`` with a ``form:`` is a form the organisation hands out (on
paper or online). The activities that list that source are what the form collects for.
A consent form (``kind: consent``) asks one separate, unticked question per purpose of
each activity that relies on consent (UK GDPR Art 6(1)(a) or 9(2)(a)); any other form
gets a collection statement (a just-in-time notice, Art 13) built from the same
activities. Both are views of the data map, as a notice is: nothing on them is typed
twice, so they cannot drift from the notice they link to.
"""

from __future__ import annotations


from noticegen.classes import dataclass, field
from noticegen.load.catalogue import Basis
from noticegen.model.facts import CONSENT_BASES, consent_withdrawal, marked, relies_on_consent, shares_of
from noticegen.model.resolve import Entry, Model, Notice, localised
from noticegen.text import i18n
from noticegen.text.i18n import lower_first, upper_first

CONSENT = "consent"
COLLECTION = "collection"


def form_sources(model: Model) -> list[Entry]:
    """Every source that is a form, in the register's order."""
    return [source for source in model.registers.get("source", {}).values() if source.get("form")]


def form_kind(source: Entry) -> str:
    return source["form"].get("kind", COLLECTION)


def linked_notices(source: Entry) -> list[tuple[str, str, tuple]]:
    """The notices a form points to, as (slug, the version it cites, where in the source
    entry that is written): its ``notice`` first, then its ``other_notices``."""
    form = source["form"]
    links = [(form["notice"], form["notice_version"], ("form",))]
    for index, other in enumerate(form.get("other_notices") or []):
        links.append((other["notice"], other["notice_version"], ("form", "other_notices", index)))
    return links


def collecting(model: Model, source_id: str) -> list[Entry]:
    """The activities that collect through the source, in the activities' order; an
    activity with references that do not resolve is left out (check says why)."""
    resolved = model.resolved_activities()
    return [activity for stem, activity in sorted(resolved.items()) if source_id in activity.get("sources", [])]


def consent_form_of(model: Model, activity: Entry) -> Entry | None:
    """The consent form that asks for ``activity``'s consent: the first of its sources
    that is a consent form."""
    sources = model.registers.get("source", {})
    for ident in activity.get("sources", []):
        source = sources.get(ident)
        if source is not None and source.get("form") and form_kind(source) == CONSENT:
            return source
    return None


@dataclass
class Choice:
    """One separate, unticked choice on a consent form."""

    activity: Entry
    numbers: list[int]
    """The purposes it asks about, by their number in the activity's purposes (from 1)."""
    purposes: list[str]
    text: str
    index: int
    """Where the choice is declared in the form's ``choices`` (None: made by noticegen)."""

    @property
    def key(self) -> str:
        """A stable name for the choice: the activity and its purpose numbers."""
        return f"{self.activity.id}-{'-'.join(map(str, self.numbers))}"


def consent_choices(source: Entry, activities: list[Entry]) -> list[Choice]:
    """The form's choices: as its ``choices`` declare them, else one per purpose of each
    activity that relies on consent. A declared choice naming an activity the form does
    not collect for, or a purpose the activity lacks, is left out (check reports it)."""
    consenting = {a.id: a for a in activities if relies_on_consent(a)}
    declared = source["form"].get("choices")
    if not declared:
        return [Choice(a, [n], [purpose], purpose, None)
                for a in consenting.values() for n, purpose in enumerate(a["purposes"], 1)]
    choices = []
    for index, item in enumerate(declared):
        activity = consenting.get(item["activity"])
        if activity is None:
            continue
        numbers = [n for n in item["purposes"] if 1 <= n <= len(activity["purposes"])]
        if not numbers:
            continue
        purposes = [activity["purposes"][n - 1] for n in numbers]
        text = item.get("text") or i18n.join_words([str(p) for p in purposes])
        choices.append(Choice(activity, numbers, purposes, text, index))
    return choices


def missing_purposes(source: Entry, activities: list[Entry]) -> list[tuple[Entry, int]]:
    """The consent purposes (activity, number) no choice of the form asks about."""
    asked = {(c.activity.id, n) for c in consent_choices(source, activities) for n in c.numbers}
    return [(a, n) for a in activities if relies_on_consent(a)
            for n in range(1, len(a["purposes"]) + 1) if (a.id, n) not in asked]


@dataclass
class Item:
    """One activity as a form or statement states it."""

    activity: Entry
    purposes: list[str]
    categories: list[Entry]
    bases: list[Basis]
    """Its Art 6 bases, then its Art 9 conditions."""
    recipients: list[Entry]
    retention: list[Entry]
    requirement: str
    """Whether it must be given: statutory, contractual, voluntary, mixed ... ('' unknown)."""
    statement: str
    consequence: str
    consent: bool
    withdraw: str
    """For consent: how to withdraw it (Markdown), completing 'You can withdraw your consent at any time …'."""
    illustrative: bool = False

    @property
    def name(self) -> str:
        return self.activity["name"]

    @property
    def recipient_names(self) -> list[str]:
        return names_in_sentence(self.recipients)


@dataclass(frozen=True)
class NoticeLink:
    """A notice the form points to for the full privacy information, in the form's
    language, and the version the form cites."""

    notice: Notice
    version: str

    @property
    def slug(self) -> str:
        return self.notice.slug

    @property
    def title(self) -> str:
        return self.notice.entry["title"]


@dataclass
class FormView:
    """Everything a consent form or collection statement shows."""

    source: Entry
    kind: str
    title: str
    version: str
    organisation: Entry
    publisher: str
    items: list[Item]
    choices: list[Choice]
    links: list[NoticeLink]
    """The notices the form points to (its ``notice``, then its ``other_notices``), each
    in the form's language; a notice that is not declared is left out (check says so)."""
    language: str
    reader: str = "adults"
    """'adults', or 'children' for the pupils' version of a consent form."""
    pupils_from_age: int | None = None
    illustrative: bool = False
    example: str = ""
    alternates: list = field(default_factory=list)

    @property
    def withdraw(self) -> list[str]:
        """Every way of withdrawing consent the form's activities give, once each."""
        return _unique(i.withdraw for i in self.items if i.consent and i.withdraw)

    @property
    def consenting(self) -> list[Item]:
        return [i for i in self.items if i.consent]

    @property
    def categories(self) -> list[Entry]:
        return _unique(c for i in self.items for c in i.categories)

    @property
    def recipients(self) -> list[Entry]:
        return _unique(r for i in self.items for r in i.recipients)

    @property
    def recipient_names(self) -> list[str]:
        """Every recipient of the form's items, once each, named as a sentence lists them."""
        return names_in_sentence(self.recipients)

    @property
    def notice(self) -> Notice | None:
        """The form's own notice (its ``notice``), in the form's language (pupils.cy for
        pupils), or None when it is not declared."""
        own = self.source["form"]["notice"]
        return next((link.notice for link in self.links if link.notice.original == own), None)

    @property
    def retention(self) -> list[Entry]:
        """Every retention rule of the form's items, once each, in the items' order."""
        return _unique(r for i in self.items for r in i.retention)

    @property
    def basis_uses(self) -> list[tuple[Basis, str]]:
        """Each lawful basis and condition the form's items rely on, once (Art 6 bases
        first), with the activities that rely on it named ('for pupil records and for
        school census'), or '' when every item does."""
        found: dict[str, tuple[Basis, list[Item]]] = {}
        for item in self.items:
            for basis in item.bases:
                found.setdefault(basis.id, (basis, []))[1].append(item)
        uses = sorted(found.values(), key=lambda pair: (pair[0].kind != "article-6", pair[0].id))
        return [(basis, "" if len(items) == len(self.items) else self._for(items)) for basis, items in uses]

    @property
    def provisions(self) -> list[tuple[Item, str]]:
        """Whether each part must be given: the items grouped by what they say of it (its
        requirement, consequence and how consent is withdrawn), each group as its first
        item and the activities it is about ('For pupil records and for school census'),
        or '' when there is one group."""
        groups: dict[tuple, list[Item]] = {}
        for item in self.items:
            key = (item.requirement, " ".join(str(item.consequence).split()), item.consent, item.withdraw)
            groups.setdefault(key, []).append(item)
        if len(groups) == 1:
            return [(items[0], "") for items in groups.values()]
        return [(items[0], upper_first(self._for(items))) for items in groups.values()]

    def _for(self, items: list[Item]) -> str:
        _ = i18n.gettext_for(self.language)
        return i18n.join_words([_("for %(what)s") % {"what": lower_first(str(i.name))} for i in items],
                               language=self.language)


def names_in_sentence(recipients: list[Entry]) -> list[str]:
    """The recipients' names as a sentence lists them: a class of recipients ('Other
    schools') or a supplier ('Website hosting company') written within the sentence, a
    body's own name ('Department for Education') as it is; the first opens the list."""
    return [r["name"] if n == 0 or r["kind"] not in ("category", "processor") else _within(r["name"])
            for n, r in enumerate(recipients)]


def _within(name) -> str:
    """A name written inside a sentence: its first letter lower case, unless its first
    word is an acronym ('MIS supplier') or the next word has a capital too (a name)."""
    words = str(name).split(" ")
    if (len(words[0]) > 1 and words[0].isupper()) or (len(words) > 1 and words[1][:1].isupper()):
        return name
    return name[:1].lower() + name[1:]


def _unique(items):
    seen, result = set(), []
    for item in items:
        key = item if isinstance(item, str) else id(item)
        if key not in seen:
            seen.add(key)
            result.append(item)
    return result


def notice_in(model: Model, slug: str, language: str) -> Notice | None:
    """Notice ``slug`` in ``language`` where it has a version in it, else as written."""
    notice = model.notices.get(slug)
    if notice is None:
        return None
    for version in model.translations(notice):
        if version.language == language:
            return version
    return notice


def form_languages(model: Model, source: Entry) -> list[str]:
    """The languages a form is made in: those of its notice's versions (the notice's own
    first), else the project's."""
    notice = model.notices.get(source["form"]["notice"])
    if notice is None:
        return [model.language]
    return _unique(n.language for n in model.translations(notice))


def form_view(model: Model, source_id: str, language: str | None = None,
              children: bool = False) -> FormView:
    """A form as the reader of ``language`` sees it (``children``: the pupils' version of
    a consent form, in the children's wording where the data map gives one)."""
    language = language or model.language
    seen = localised(model, language, children)
    source = seen.registers["source"][source_id]
    form = source["form"]
    kind = form_kind(source)
    activities = [seen.activities[a.id] for a in collecting(model, source_id)]
    asked = set(form.get("categories") or [])
    categories = seen.registers["category"]
    items = []
    for activity in activities:
        consent = relies_on_consent(activity)
        if kind == CONSENT and not consent:
            continue  # a consent form asks only for consent
        basis = activity["lawful_basis"]
        provision = activity.get("provision") or {}
        shown = [categories[c] for c in activity["categories"] if c in categories and (not asked or c in asked)]
        if asked and not shown:
            continue  # the form asks for none of what this activity holds
        recipients = _unique(seen.registers["recipient"][s["recipient"]] for s in shares_of(activity)
                             if s["recipient"] in seen.registers["recipient"])
        items.append(Item(
            activity=activity,
            purposes=list(activity["purposes"]),
            categories=shown,
            bases=[seen.bases[b] for b in basis["article_6"] + basis.get("article_9", []) if b in seen.bases],
            recipients=recipients,
            retention=_retention_for(seen, activity, {c.id for c in shown}),
            requirement=provision.get("requirement", ""),
            statement=provision.get("statement", ""),
            consequence=provision.get("consequence", ""),
            consent=consent,
            withdraw=(consent_withdrawal(seen.organisation, activity, language) or "") if consent else "",
            illustrative=marked(activity, "provision") or activity.get("illustrative") is True,
        ))
    return FormView(
        source=source,
        kind=kind,
        title=form.get("title") or source["name"],
        version=form["version"],
        organisation=seen.organisation,
        publisher=seen.publisher,
        items=items,
        choices=consent_choices(source, [i.activity for i in items]) if kind == CONSENT else [],
        links=[NoticeLink(notice, version) for slug, version, _ in linked_notices(source)
               if (notice := notice_in(seen, slug, language)) is not None],
        language=language,
        reader="children" if children else "adults",
        pupils_from_age=form.get("pupils_from_age"),
        illustrative=bool(form.get("illustrative") or source.get("illustrative"))
        or any(item.activity.get("illustrative") is True for item in items),
        example=model.publisher if model.example else "",
    )


def _retention_for(model: Model, activity: Entry, shown: set[str]) -> list[Entry]:
    """The activity's retention rules that keep what the form collects: a rule naming
    categories is kept when it names one the form asks for; a rule naming none covers
    all of the activity's data. When no rule is left, all of them (a statement never
    says nothing about how long)."""
    rules = [model.registers["retention"][r] for r in activity["retention"] if r in model.registers["retention"]]
    kept = [rule for rule in rules if not rule.get("categories") or shown & set(rule["categories"])]
    return kept or rules


def consent_bases(activity: Entry) -> list[str]:
    """The consent bases ``activity`` relies on (art6-1-a, art9-2-a)."""
    basis = activity["lawful_basis"]
    return [b for b in basis["article_6"] + basis.get("article_9", []) if b in CONSENT_BASES]

