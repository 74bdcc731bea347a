"""Derive: what a notice says, and what a ROPA row records, computed from the activities.

A notice never repeats the data map: its purposes, categories, lawful bases, sources,
handlers, recipients and reasons, retention and rights are all derived here from the
activities it covers, so the notice and the record of processing cannot disagree.
Templates receive these views and only lay them out.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property

from noticegen.classes import dataclass, field
from noticegen.text import i18n
from noticegen.load.catalogue import Basis
from noticegen.text.i18n import N_
from noticegen.model.resolve import Entry, Model, Notice, Section, category_examples, category_types, localised, reading_age_of
from noticegen.model.facts import (BASIS_RIGHTS, CONSENT_BASES, consent_withdrawal, marked, retention_policy,
                                   shares_of)

CATEGORY_TYPES = (
    # type, how a notice introduces the group
    ("personal", N_("Personal information")),
    ("special", N_("Special category information (UK GDPR Article 9)")),
    ("criminal", N_("Criminal offence information (UK GDPR Article 10)")),
)

RIGHTS = {
    # id: (name, what it lets a person do): UK GDPR Articles 15-21 and 82, and Art 7(3)
    "access": (N_("Access"), N_("ask for a copy of the information we hold about you")),
    "rectification": (N_("Rectification"),
                      N_("have inaccurate or incomplete information about you corrected")),
    "erasure": (N_("Erasure"), N_("ask us to delete information about you")),
    "restriction": (N_("Restriction"), N_("ask us to limit how we use information about you")),
    "portability": (N_("Portability"),
                    N_("ask for information you gave us in a form you can take elsewhere")),
    "object": (N_("Objection"), N_("object to our using information about you")),
    "withdraw_consent": (N_("Withdrawing consent"), N_("withdraw your consent at any time")),
    "direct_marketing": (N_("Objection to direct marketing"),
                         N_("object at any time to our using information about you for direct "
                            "marketing, and we will then stop")),
    "automated_decisions": (N_("Safeguards for automated decisions"),
                            N_("be told about significant decisions made about you solely by "
                               "automated means, make representations about them, ask for a "
                               "person to reconsider them, and contest them")),
    "compensation": (N_("Compensation"),
                     N_("claim compensation for damage caused by a breach of data protection law")),
}
"""The rights a notice may state, in the order it states them."""

ALWAYS = ("access", "rectification", "restriction", "compensation")
"""Rights that apply whatever the lawful basis (ICO lawful-basis guidance; Art 82)."""

_PERIOD_TRIGGERS = {
    "date-of-birth": N_("the date of birth"),
    "file-closed": N_("the date the file is closed"),
    # when the entry is made, as the registers count it (SI 2024/208 reg 7), not the
    # pupil's entry to the school, which "the date of entry" was read as
    "date-of-entry": N_("the date the entry is made"),
    "end-of-academic-year": N_("the end of the academic year"),
    "leaving-school": N_("the date the pupil leaves"),
    "end-of-employment": N_("the end of employment"),
    "end-of-term-of-office": N_("the end of the term of office"),
    "end-of-involvement": N_("the day the person stops helping us"),
    "creation": N_("the date the record is made"),
}
_UNKNOWN_EVENT = N_("the event")
_ACTIONS = {"secure-disposal": N_("then securely disposed of"), "deletion": N_("then deleted"),
            "review": N_("then reviewed"),
            "archive": N_("then archived"), "transfer": N_("then transferred")}


def long_date(value: str | None, language: str | None = None) -> str:
    """'2026-09-01' as '1 September 2026' (or '1 Medi 2026' in Welsh), the same whatever
    the machine's locale."""
    return i18n.long_date(value, language)


def join_words(items: list[str], conjunction: str = "and", language: str | None = None) -> str:
    return i18n.join_words(items, conjunction, language)


def retention_period(rule: Entry, language: str | None = None) -> str:
    """A rule in words: '25 years from the date of birth, then reviewed', or, for a
    rule that gives the criteria instead of a period, the criteria as written."""
    if "period" not in rule.data:
        return " ".join(rule["criteria"].split())
    _ = i18n.gettext_for(language)
    ngettext = i18n.ngettext_for(language)
    period = rule["period"]
    parts = []
    if "years" in period:
        parts.append(ngettext("%(count)d year", "%(count)d years", period["years"])
                     % {"count": period["years"]})
    if "months" in period:
        parts.append(ngettext("%(count)d month", "%(count)d months", period["months"])
                     % {"count": period["months"]})
    trigger = rule.get("trigger_note") or _(_PERIOD_TRIGGERS.get(rule["trigger"], _UNKNOWN_EVENT))
    if parts:
        text = _("%(period)s from %(event)s") % {"period": join_words(parts, "and", language),
                                                  "event": trigger}
        if "while" in period:
            text = _("while %(condition)s, and %(period)s") % {"condition": period["while"],
                                                               "period": text}
    else:
        text = _("while %(condition)s") % {"condition": period["while"]}
    if "action" not in rule.data:  # the school does not say what follows: neither do we
        return text
    return _("%(period)s, %(action)s") % {"period": text, "action": _(_ACTIONS[rule["action"]])}


def _unique(items):
    seen, result = set(), []
    for item in items:
        key = item if isinstance(item, (str, int)) else id(item)
        if key not in seen:
            seen.add(key)
            result.append(item)
    return result


@dataclass
class CategoryGroup:
    """The categories of one type that a notice lists under one heading."""

    type: str
    heading: str
    categories: list[Entry]

    @property
    def doubled(self) -> bool:
        """A category named like the group's heading ('Personal information' under
        'Personal information such as:'): the heading would be said twice."""
        heading = " ".join(str(self.heading).lower().split())
        return any(heading.startswith(" ".join(str(c["name"]).lower().split())) for c in self.categories)


@dataclass
class Share:
    """One reason for sharing, and every recipient it is given for."""

    recipients: list[Entry]
    why: str
    legislation: list[Entry]
    language: str = i18n.DEFAULT_LANGUAGE
    illustrative: bool = False
    """The reason is an example the organisation has still to confirm."""

    @property
    def heading(self) -> str:
        """'Stockport Metropolitan Borough Council and other local authorities'."""
        names = [r["name"] if i == 0 or r["kind"] != "category" else r["name"][:1].lower() + r["name"][1:]
                 for i, r in enumerate(self.recipients)]
        return join_words(names, "and", self.language)


@dataclass
class RightView:
    """One right as a notice states it, and the processing it applies to."""

    id: str
    name: str
    text: str
    activities: list[Entry]
    """The activities that give the right; empty when it applies to everything."""
    scope: list[str] = field(default_factory=list)
    """What the right applies to, in words: an activity's name, or, where only some of an
    activity's lawful bases give the right, the part of it they cover (its
    ``lawful_basis.applies_to``); empty when it applies to everything."""
    how: str = ""
    """For withdrawing consent: how (e.g. 'by emailing office@...'); for objecting: the
    bases that give the right ('our public task or legitimate interests')."""


@dataclass
class Transfer:
    """Personal data sent outside the UK (Art 13(1)(f)), with its safeguard."""

    country: str
    country_name: str
    recipient: Entry | None
    safeguard: str
    adequacy: bool
    copy: str
    activities: list[Entry]


@dataclass
class ActivityBasis:
    """What one activity does and which lawful basis (and conditions) covers it."""

    activity: Entry
    article_6: list[Basis]
    annex_1: list[Basis]
    article_9: list[Basis]
    schedule_1: list[Basis]
    criminal: list[Basis]
    special: list[Entry]
    criminal_categories: list[Entry]
    legitimate_interests: str
    consent: RightView | None

    @property
    def name(self) -> str:
        return self.activity["name"]

    @property
    def purposes(self) -> list[str]:
        return self.activity["purposes"]

    def marked(self, group: str) -> bool:
        """Whether the activity's conditions of one kind ('schedule_1') are still to confirm."""
        return marked(self.activity, group) or marked(self.activity, "lawful_basis") \
            or marked(self.activity, f"lawful_basis.{group}")

    @property
    def applies_to(self) -> dict:
        """What each of the activity's bases and conditions covers, in the DPO's words."""
        return self.activity["lawful_basis"].get("applies_to") or {}


@dataclass
class ProvisionView:
    """Whether people must provide data, and what happens if not (Art 13(2)(e))."""

    activities: list[Entry]
    requirement: str
    statement: str
    consequence: str
    illustrative: bool
    consequence_illustrative: bool = False
    """Only the consequence is still to confirm (``illustrative: [provision.consequence]``)."""


REQUIREMENTS = {
    "statutory": N_("The law requires this information to be provided."),
    "contractual": N_("This information is needed for a contract with you."),
    "voluntary": N_("You can choose whether to give us this information."),
    "mixed": N_("Some of this information must be provided by law; the rest you can choose "
                "whether to give us."),
    "not-from-the-person": N_("We do not ask you for this information: it comes to us from "
                              "the sources listed here."),
    "observed": N_("Nobody is asked to give us this information: we record it ourselves, for "
                   "example with our cameras or as our staff see and note it."),
}


def country_name(code: str, language: str | None = None) -> str:
    """'US' as 'United States' (Babel's CLDR data, in British English or the notice's
    language)."""
    return i18n.country_name(code, language)


@dataclass
class NoticeView:
    """Everything a notice template shows, derived from the model."""

    notice: Notice
    organisation: Entry
    activities: list[Entry]
    sections: list[Section]
    purposes: list[str]
    category_groups: list[CategoryGroup]
    article_6: list[Basis]
    article_9: list[Basis]
    schedule_1: list[Basis]
    criminal: list[Basis]
    legitimate_interests: list[str]
    explanations: list[str]
    bases_by_activity: list[ActivityBasis]
    guidance: list[Entry]
    statutes: list[Entry]
    sources: list[Entry]
    handled_by: list[str]
    provision: list[ProvisionView]
    routine_recipients: list[Entry]
    other_recipients: list[Entry]
    shares: list[Share]
    transfers: list[Transfer]
    retention: list[Entry]
    rights: list[RightView]
    automated: list[dict]
    no_automated_decisions: bool
    """Every activity says it makes no automated decisions (absent is unknown)."""
    subjects: list[Entry]
    establishment: Entry | None = None
    """In a trust's school: the school (``organisation`` is the trust, the controller)."""
    language: str = "en-GB"
    illustrative_retention: set = field(default_factory=set)
    """Ids of the retention rules shown that are examples the organisation has still to confirm."""
    automated_illustrative: bool = False
    """Whether what the notice says of automated decisions rests on a value still to confirm."""
    changes: list = field(default_factory=list)
    changes_since: str = ""
    first_layer: "FirstLayer | None" = None
    """The short summary that opens the notice (ICO: layered notices)."""
    reader: str = "adults"
    """Whom the built-in text is written for: 'adults', or 'children' (plain words)."""
    reading_age: int | None = None
    apd_links: dict = field(default_factory=dict)
    """How the notice refers to the appropriate policy document, on its page ('html') and
    in its PDF ('pdf'): {title, url, illustrative}, or None (noticegen.model.policy)."""
    """The UK reading age the notice's text aims at, when it has one."""

    @property
    def title(self) -> str:
        return self.notice.entry["title"]

    @cached_property
    def retention_policies(self) -> dict[str, dict | None]:
        """The policy each retention rule shown points to (None for none)."""
        organisation = self.organisation.data if self.organisation is not None else {}
        return {rule.id: retention_policy(rule, organisation) for rule in self.retention}

    @cached_property
    def shared_retention_policy(self) -> dict | None:
        """The one policy every rule that points to a policy points to: the notice links it
        once, under the table, instead of on each row."""
        cited = [p for p in self.retention_policies.values() if p]
        return cited[0] if cited and all(p == cited[0] for p in cited) else None

    @cached_property
    def categories(self) -> list[Entry]:
        """Every category the notice lists, once each (grouped by subject, a category
        may sit under two)."""
        return _unique(c for group in self.category_groups for c in group.categories)

    @property
    def publisher(self) -> str:
        """The name the notice is published in: the school's, else the controller's."""
        return self.establishment["name"] if self.establishment is not None else self.organisation["name"]

    @property
    def slug(self) -> str:
        return self.notice.slug


def _groups_by_subject(categories: list[Entry], activities: list[Entry],
                       subjects: dict[str, Entry]) -> list[CategoryGroup]:
    """One list per data subject, as a notice that lists the children's data apart from
    their parents' does: a category goes under the subjects it names, else under the
    first subject (in the register's order) of the activities that hold it."""
    order = {ident: n for n, ident in enumerate(subjects)}
    lists: dict[str, list[Entry]] = {}
    for category in categories:
        whose = [s for s in category.get("subjects", []) if s in subjects]
        if not whose:
            holders = [s for a in activities if category.id in a["categories"]
                       for s in a.get("subjects", []) if s in subjects]
            whose = sorted(holders, key=order.__getitem__)[:1]
        for subject in whose:
            lists.setdefault(subject, []).append(category)
    return [CategoryGroup("subject", subjects[s]["name"], lists[s]) for s in sorted(lists, key=order.__getitem__)]


def notice_view(model: Model, notice: Notice, diff=None) -> NoticeView:
    from noticegen.model.policy import policy_link

    """Derive a notice's content from the activities it covers (a checked model).

    ``diff`` (a :class:`noticegen.model.changes.Diff`) feeds the optional 'changes' section.
    """
    language = notice.language
    _ = i18n.gettext_for(language)
    # a notice for children shows each value's wording for children, where it has one
    model = localised(model, language, notice.entry.get("reader") == "children")
    notice = model.notices[notice.slug]
    activities = [model.activities[a] for a in notice.activity_ids]
    registers = model.registers

    def entries(kind: str, ids) -> list[Entry]:
        return [registers[kind][i] for i in _unique(ids)]

    def bases(group: str) -> list[Basis]:
        return [model.bases[i] for i in _unique(b for a in activities
                                                for b in a["lawful_basis"].get(group, []))]

    categories = entries("category", [c for a in activities for c in a["categories"]])
    grouping = notice.entry.get("group_categories", True)
    if grouping is True:
        groups = [CategoryGroup(kind, _(heading), [c for c in categories if c["type"] == kind])
                  for kind, heading in CATEGORY_TYPES]
    else:  # the school's own grouping and order: the register's
        order = {ident: n for n, ident in enumerate(registers["category"])}
        listed = sorted(categories, key=lambda c: order[c.id])
        if grouping == "subject":
            groups = _groups_by_subject(listed, activities, registers["subject"])
        else:
            groups = [CategoryGroup("as-listed", "", listed)]

    # Legislation in the register's order: the DPO decides how the notice lists it.
    cited = {i for a in activities for i in a.get("legislation", [])}
    legislation = [law for law in registers["legislation"].values() if law.id in cited]
    shares_by_recipient = [(a, s) for a in activities for s in shares_of(a)]
    routine = _unique(s["recipient"] for _activity, s in shares_by_recipient if s.get("routine", True))
    other = [r for r in _unique(s["recipient"] for _activity, s in shares_by_recipient) if r not in routine]

    shares: list[Share] = []
    by_text: dict[str, Share] = {}
    for _activity, share in shares_by_recipient:
        recipient = registers["recipient"][share["recipient"]]
        why = sharing_reason(share, recipient)
        if why is None:
            continue  # listed among the recipients, without a reason (check warns)
        key = " ".join(why.split())
        laws = entries("legislation", share.get("legislation", []))
        example = bool(share.get("illustrative")) or marked(_activity, "recipients")
        if key in by_text:
            group = by_text[key]
            if recipient not in group.recipients:
                group.recipients.append(recipient)
            group.legislation.extend(law for law in laws if law not in group.legislation)
            group.illustrative = group.illustrative or example
        else:
            by_text[key] = Share([recipient], why, laws, language, example)
            shares.append(by_text[key])

    rights = rights_for(model, activities, language)
    view = NoticeView(
        notice=notice,
        organisation=model.organisation,
        activities=activities,
        sections=[replace(s, heading=_(s.heading)) if s.default_heading else s for s in notice.sections],
        purposes=_unique(p for a in activities for p in a["purposes"]),
        category_groups=[g for g in groups if g.categories],
        article_6=bases("article_6"),
        article_9=bases("article_9"),
        schedule_1=bases("schedule_1"),
        criminal=bases("criminal_offence"),
        legitimate_interests=_unique(a["lawful_basis"]["legitimate_interests"] for a in activities
                                     if a["lawful_basis"].get("legitimate_interests")),
        explanations=_unique(a["lawful_basis"]["explanation"] for a in activities
                             if a["lawful_basis"].get("explanation")),
        bases_by_activity=[_activity_basis(model, a, rights) for a in activities],
        guidance=[law for law in legislation if law["kind"] in ("statutory-guidance", "guidance")],
        statutes=[law for law in legislation if law["kind"] in ("statute", "statutory-instrument")],
        sources=entries("source", [s for a in activities for s in a.get("sources", [])]),
        handled_by=_unique(h for a in activities for h in a.get("handled_by", [])),
        provision=_provisions(activities),
        routine_recipients=entries("recipient", routine),
        other_recipients=entries("recipient", other),
        shares=shares,
        transfers=transfers_of(model, activities, language),
        retention=entries("retention", [r for a in activities for r in a["retention"]]),
        automated_illustrative=any(marked(a, "automated_decision_making") for a in activities),
        illustrative_retention={r for a in activities for r in a["retention"]
                                if marked(a, "retention") or registers["retention"][r].get("illustrative")},
        rights=rights,
        automated=[dict(a["automated_decision_making"], activity=a["name"]) for a in activities
                   if isinstance(a.get("automated_decision_making"), dict)],
        no_automated_decisions=all(a.get("automated_decision_making") is False for a in activities),
        subjects=entries("subject", [s for a in activities for s in a["subjects"]]),
        establishment=model.establishment,
        language=language,
        changes=diff.for_notice(notice.slug, language) if diff is not None else [],
        changes_since=diff.old if diff is not None else "",
        reader=notice.entry.get("reader", "adults"),
        reading_age=reading_age_of(notice),
        apd_links={"html": policy_link(model, "notices"), "pdf": policy_link(model, "pdf")},
    )
    view.first_layer = first_layer(view)
    return view


LAYER_LINKS = {
    # first-layer item: the sections it may link to, nearest first
    "who": ("contact", "complaints"),
    "what": ("categories", "purposes"),
    "why": ("purposes", "lawful-basis"),
    "basis": ("lawful-basis", "purposes"),
    "share": ("recipients", "why-we-share"),
    "keep": ("storing",),
    "rights": ("rights",),
    "complain": ("complaints", "contact"),
}
"""Where each item of the first layer leads: the first of these sections the notice has
(a notice without any of them gets no link, never a link to nothing)."""

LAYER_LIMIT = 4
"""How many categories, purposes or recipients the first layer names before 'and N more'."""


@dataclass
class Shortlist:
    """The first few of a list, and how many more the full section gives."""

    shown: list
    more: int = 0

    @classmethod
    def of(cls, items: list, limit: int = LAYER_LIMIT) -> "Shortlist":
        # 'and 1 more' saves nothing: show the fifth item instead
        if len(items) <= limit + 1:
            return cls(list(items))
        return cls(list(items[:limit]), len(items) - limit)


@dataclass
class FirstLayer:
    """What the first layer says, as data: the templates phrase it (for adults or for
    children) and link each item to its section."""

    links: dict[str, Section | None]
    categories: Shortlist
    special: list[Entry]
    special_list: Shortlist
    criminal: list[Entry]
    purposes: Shortlist
    recipients: Shortlist
    shortest: Entry | None
    longest: Entry | None
    """The rules kept for the shortest and longest fixed period (None when no rule has
    one, e.g. every rule keeps data 'while' something lasts); equal when there is one."""
    retention: list[Entry]
    rights: list[RightView]


def _months(rule: Entry) -> int | None:
    period = rule.get("period") or {}
    if "years" not in period and "months" not in period:
        return None
    return period.get("years", 0) * 12 + period.get("months", 0)


@dataclass(frozen=True)
class Named:
    """Something the first layer names: a category, or one example within one."""

    name: str


def _of_kind(categories: list[Entry], kind: str) -> list:
    """What is of ``kind`` (special or criminal): a category of that type by its name; in
    a category of another type, only the examples of that kind ('ethnicity' among
    'Characteristics'), never the whole category."""
    found: list = []
    for category in categories:
        if category["type"] == kind:
            found.append(category)
        else:
            found.extend(Named(text) for text, example_kind in category_examples(category)
                         if example_kind == kind)
    return found


def first_layer(view: NoticeView) -> FirstLayer:
    """The first layer of a notice, from the view already derived (nothing new is read)."""
    sections = {section.id: section for section in view.sections}
    links = {item: next((sections[s] for s in candidates if s in sections), None)
             for item, candidates in LAYER_LINKS.items()}
    categories = view.categories
    special = _of_kind(categories, "special")
    fixed = sorted((r for r in view.retention if _months(r) is not None), key=_months)
    recipients = view.routine_recipients + view.other_recipients
    # a notice for children lists them one a line: fewer, so the layer stays short
    limit = LAYER_LIMIT - 1 if view.reader == "children" else LAYER_LIMIT
    return FirstLayer(
        links=links,
        categories=Shortlist.of(categories, limit),
        special=special,
        special_list=Shortlist.of(special, 2),
        criminal=_of_kind(categories, "criminal"),
        purposes=Shortlist.of(view.purposes, limit),
        recipients=Shortlist.of(recipients, limit),
        shortest=fixed[0] if fixed else None,
        longest=fixed[-1] if fixed else None,
        retention=view.retention,
        rights=view.rights,
    )


_OBJECTION_GROUNDS = {
    # the Art 6 bases that bring the right to object (Art 21(1)), as the notice says them
    "art6-1-e": N_("our public task"),
    "art6-1-ea": N_("a recognised legitimate interest"),
    "art6-1-f": N_("our legitimate interests"),
}


def sharing_reason(share: dict, recipient: Entry) -> str | None:
    """Why data is shared: the activity's own words, else the recipient's usual reason."""
    return share.get("why") or recipient.get("why")


def rights_for(model: Model, activities: list[Entry],
               language: str | None = None) -> list[RightView]:
    """The rights that apply to ``activities``, each naming the activities that give it
    when that is not all of them.

    Access, rectification and restriction (and compensation) apply whatever the basis;
    erasure, objection and portability only where an Art 6 basis brings them (the ICO's
    table, recorded per basis in the catalogue); withdrawing consent wherever consent or
    explicit consent is relied on; objecting to direct marketing only where an activity
    markets; the automated-decision safeguards (Art 22C) only where an activity takes
    significant decisions solely by automated means.
    """

    giving: dict[str, list[Entry]] = {right: [] for right in RIGHTS}
    parts: dict[str, list[str]] = {right: [] for right in RIGHTS}
    partial: set[str] = set()
    _ = i18n.gettext_for(language)
    for activity in activities:
        basis = activity["lawful_basis"]
        brought = set(ALWAYS)
        by_basis = {ident: {right for right, applies in model.bases[ident].rights.items() if applies}
                    for ident in basis["article_6"]
                    if ident in model.bases and model.bases[ident].kind == "article-6"}
        for rights in by_basis.values():
            brought.update(rights)
        brought.discard("withdraw_consent")
        if any(b in CONSENT_BASES for b in basis["article_6"] + basis.get("article_9", [])):
            brought.add("withdraw_consent")
        if activity.get("direct_marketing"):
            brought.add("direct_marketing")
        if isinstance(activity.get("automated_decision_making"), dict):
            brought.add("automated_decisions")
        for right in brought:
            giving[right].append(activity)
            giving_bases = [b for b, rights in by_basis.items() if right in rights]
            said = basis.get("applies_to") or {}
            if right in BASIS_RIGHTS and len(giving_bases) < len(by_basis):
                # only some of the activity's bases give it: only the part they cover
                partial.add(right)
                parts[right].extend(basis_scope(model, activity, b, language) for b in giving_bases)
            elif right == "object" and len(giving_bases) < len(by_basis) and all(b in said for b in giving_bases):
                # its grounds already name the bases; the DPO's words name the part
                partial.add(right)
                parts[right].extend(said[b] for b in giving_bases)
            else:
                parts[right].append(activity["name"])
    views = []
    for right, (name, text) in RIGHTS.items():
        given = giving[right]
        if not given:
            continue
        whole = len(given) == len(activities) and right not in partial
        scoped = [] if whole and right != "withdraw_consent" else given
        how = ""
        if right == "withdraw_consent":
            how = join_words(_unique(consent_withdrawal(model.organisation, a, language) or ""
                                     for a in given), "or", language)
        elif right == "object":
            how = join_words(_unique(_(_OBJECTION_GROUNDS[b]) for a in given
                                     for b in a["lawful_basis"]["article_6"] if b in _OBJECTION_GROUNDS),
                             "or", language)
        scope = [] if whole else _unique(parts[right])
        views.append(RightView(right, _(name), _(text), scoped, scope, how))
    return views


def basis_scope(model: Model, activity: Entry, basis: str, language: str | None = None) -> str:
    """What one of an activity's Art 6 bases covers, completing 'this applies to …': the
    activity's own words (``lawful_basis.applies_to``), else its name and the basis."""
    said = (activity["lawful_basis"].get("applies_to") or {}).get(basis)
    if said:
        return said
    _ = i18n.gettext_for(language)
    return _("%(activity)s, where we rely on %(basis)s") % {
        "activity": activity["name"][:1].lower() + activity["name"][1:],
        "basis": model.bases[basis].name[:1].lower() + model.bases[basis].name[1:]}


def transfers_of(model: Model, activities: list[Entry],
                 language: str | None = None) -> list[Transfer]:
    """Every transfer outside the UK the activities make: those they list, and their
    recipients that are outside the UK, once each (by recipient and country)."""
    registers = model.registers["recipient"]
    found: dict[tuple, Transfer] = {}

    def add(activity, recipient, country, safeguard, adequacy, copy):
        key = (recipient.id if recipient else None, country)
        if key in found:
            known = found[key]
            if activity not in known.activities:
                known.activities.append(activity)
            # the activity's transfer and the recipient's register entry may each give part
            known.safeguard = known.safeguard or safeguard or ""
            known.copy = known.copy or copy or ""
            known.adequacy = known.adequacy or bool(adequacy)
            return
        found[key] = Transfer(country, country_name(country, language), recipient, safeguard or "",
                              bool(adequacy), copy or "", [activity])

    for activity in activities:
        for transfer in activity.get("transfers", []):
            if transfer["country"] == "GB":
                continue
            recipient = registers.get(transfer.get("recipient", ""))
            add(activity, recipient, transfer["country"], transfer.get("safeguard"),
                transfer.get("adequacy"), transfer.get("copy"))
        for share in shares_of(activity):
            recipient = registers[share["recipient"]]
            if recipient.get("country", "GB") != "GB":
                add(activity, recipient, recipient["country"], recipient.get("transfer_safeguard"),
                    recipient.get("transfer_adequacy"), recipient.get("transfer_copy"))
    return list(found.values())


def _activity_basis(model: Model, activity: Entry, rights: list[RightView]) -> ActivityBasis:
    basis = activity["lawful_basis"]
    categories = [model.registers["category"][c] for c in activity["categories"]]

    def of(group: str) -> list[Basis]:
        return [model.bases[b] for b in basis.get(group, [])]

    consent = next((r for r in rights if r.id == "withdraw_consent" and activity in r.activities), None)
    return ActivityBasis(
        activity=activity,
        article_6=of("article_6"),
        annex_1=of("annex_1"),
        article_9=of("article_9"),
        schedule_1=of("schedule_1"),
        criminal=of("criminal_offence"),
        special=[c for c in categories if "special" in category_types(c)],
        criminal_categories=[c for c in categories if "criminal" in category_types(c)],
        legitimate_interests=basis.get("legitimate_interests", "") if "art6-1-f" in basis["article_6"] else "",
        consent=consent,
    )


def _provisions(activities: list[Entry]) -> list[ProvisionView]:
    """Each activity's provision, identical ones stated once for all their activities."""
    views: dict[tuple, ProvisionView] = {}
    for activity in activities:
        provision = activity.get("provision")
        if not provision:
            continue
        key = (provision["requirement"], " ".join(provision.get("statement", "").split()),
               " ".join(provision.get("consequence", "").split()), marked(activity, "provision"),
               marked(activity, "provision.consequence"))
        if key in views:
            views[key].activities.append(activity)
        else:
            views[key] = ProvisionView([activity], provision["requirement"],
                                       provision.get("statement", ""),
                                       provision.get("consequence", ""),
                                       marked(activity, "provision"),
                                       marked(activity, "provision.consequence"))
    return list(views.values())
