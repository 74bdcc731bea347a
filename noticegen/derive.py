"""Derive: what a notice says, and what a ROPA row records, computed from the activities.

A notice never repeats the data map: its purposes, categories, lawful bases, sources,
handlers, recipients and reasons, retention and rights are all derived here from the
activities it covers, so the notice and the record of processing cannot disagree.
Templates receive these views and only lay them out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from noticegen.catalogue import Basis
from noticegen.model import Entry, Model, Notice, Section

CATEGORY_TYPES = (
    # type, how a notice introduces the group
    ("personal", "Personal information"),
    ("special", "Special categories of information"),
    ("criminal", "Criminal offence information"),
)

RIGHTS = {
    # id: (name, what it lets a person do) -- UK GDPR Articles 15-22 and 77, 82
    "access": ("Access", "ask for a copy of the information we hold about you"),
    "rectification": ("Rectification", "have inaccurate or incomplete information about you corrected"),
    "erasure": ("Erasure", "ask us to delete information about you"),
    "restriction": ("Restriction", "ask us to limit how we use information about you"),
    "object": ("Objection", "object to our using information about you"),
    "portability": ("Portability", "ask for information you gave us in a form you can take elsewhere"),
    "withdraw_consent": ("Withdrawing consent", "withdraw your consent at any time, where we rely on it"),
    "direct_marketing": ("Direct marketing", "prevent processing for the purpose of direct marketing"),
    "automated_decisions": ("Automated decisions",
                            "object to decisions being taken by automated means"),
    "compensation": ("Compensation",
                     "claim compensation for damage caused by a breach of data protection law"),
}
"""The rights a notice may state, in the order it states them."""

_ALWAYS = ("access", "rectification", "restriction", "direct_marketing",
           "automated_decisions", "compensation")
"""Rights that apply whatever the lawful basis (ICO lawful-basis guidance)."""

_PERIOD_TRIGGERS = {
    "date-of-birth": "the date of birth",
    "file-closed": "the date the file is closed",
    "date-of-entry": "the date of entry",
    "end-of-academic-year": "the end of the academic year",
    "leaving-school": "the date the pupil leaves",
    "end-of-employment": "the end of employment",
    "creation": "the date the record is made",
}
_ACTIONS = {"secure-disposal": "then securely disposed of", "review": "then reviewed",
            "archive": "then archived", "transfer": "then transferred"}


def long_date(value: str | None) -> str:
    """'2026-09-01' as '1 September 2026' (the same whatever the machine's locale)."""
    if not value:
        return ""
    date = dt.date.fromisoformat(value)
    months = ("January February March April May June July August September October "
              "November December").split()
    return f"{date.day} {months[date.month - 1]} {date.year}"


def join_words(items: list[str], conjunction: str = "and") -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def retention_period(rule: Entry) -> str:
    """A rule in words: '25 years from the date of birth, then reviewed'."""
    period = rule["period"]
    parts = []
    if "years" in period:
        parts.append(f"{period['years']} year{'' if period['years'] == 1 else 's'}")
    if "months" in period:
        parts.append(f"{period['months']} month{'' if period['months'] == 1 else 's'}")
    trigger = rule.get("trigger_note") or _PERIOD_TRIGGERS.get(rule["trigger"], "the event")
    if parts:
        text = f"{' and '.join(parts)} from {trigger}"
        if "while" in period:
            text = f"while {period['while']}, and {text}"
    else:
        text = f"while {period['while']}"
    return f"{text}, {_ACTIONS[rule['action']]}"


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
    type: str
    heading: str
    categories: list[Entry]


@dataclass
class Share:
    """One reason for sharing, and every recipient it is given for."""

    recipients: list[Entry]
    why: str
    legislation: list[Entry]

    @property
    def heading(self) -> str:
        """'Stockport Metropolitan Borough Council and other local authorities'."""
        names = [r["name"] if i == 0 or r["kind"] != "category" else r["name"][:1].lower() + r["name"][1:]
                 for i, r in enumerate(self.recipients)]
        return join_words(names)


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
    guidance: list[Entry]
    statutes: list[Entry]
    sources: list[Entry]
    handled_by: list[str]
    provision: list[str]
    routine_recipients: list[Entry]
    other_recipients: list[Entry]
    shares: list[Share]
    transfers: list[dict]
    retention: list[Entry]
    rights: list[tuple[str, str, str]]
    automated: list[dict]
    subjects: list[Entry]
    language: str = "en-GB"
    changes: list = field(default_factory=list)
    changes_since: str = ""

    @property
    def title(self) -> str:
        return self.notice.entry["title"]

    @property
    def slug(self) -> str:
        return self.notice.slug


def notice_view(model: Model, notice: Notice, diff=None) -> NoticeView:
    """Derive a notice's content from the activities it covers (a checked model).

    ``diff`` (a :class:`noticegen.diff.Diff`) feeds the optional 'changes' section.
    """
    activities = [model.activities[a] for a in notice.activity_ids]
    registers = model.registers

    def entries(kind: str, ids) -> list[Entry]:
        return [registers[kind][i] for i in _unique(ids)]

    def bases(group: str) -> list[Basis]:
        return [model.bases[i] for i in _unique(b for a in activities
                                                for b in a["lawful_basis"].get(group, []))]

    categories = entries("category", [c for a in activities for c in a["categories"]])
    groups = [CategoryGroup(kind, heading, [c for c in categories if c["type"] == kind])
              for kind, heading in CATEGORY_TYPES]

    # Legislation in the register's order: the DPO decides how the notice lists it.
    cited = {i for a in activities for i in a.get("legislation", [])}
    legislation = [law for law in registers["legislation"].values() if law.id in cited]
    shares_by_recipient = [(a, s) for a in activities for s in a.get("recipients", [])]
    routine = _unique(s["recipient"] for _, s in shares_by_recipient if s.get("routine", True))
    other = [r for r in _unique(s["recipient"] for _, s in shares_by_recipient) if r not in routine]

    shares: list[Share] = []
    by_text: dict[str, Share] = {}
    for _, share in shares_by_recipient:
        key = " ".join(share["why"].split())
        recipient = registers["recipient"][share["recipient"]]
        laws = entries("legislation", share.get("legislation", []))
        if key in by_text:
            group = by_text[key]
            if recipient not in group.recipients:
                group.recipients.append(recipient)
            group.legislation.extend(law for law in laws if law not in group.legislation)
        else:
            by_text[key] = Share([recipient], share["why"], laws)
            shares.append(by_text[key])

    rights = _rights(model, activities)
    return NoticeView(
        notice=notice,
        organisation=model.organisation,
        activities=activities,
        sections=notice.sections,
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
        guidance=[law for law in legislation if law["kind"] in ("statutory-guidance", "guidance")],
        statutes=[law for law in legislation if law["kind"] in ("statute", "statutory-instrument")],
        sources=entries("source", [s for a in activities for s in a.get("sources", [])]),
        handled_by=_unique(h for a in activities for h in a.get("handled_by", [])),
        provision=_unique(a["provision"]["statement"] for a in activities
                          if a.get("provision", {}).get("statement")),
        routine_recipients=entries("recipient", routine),
        other_recipients=entries("recipient", other),
        shares=shares,
        transfers=[dict(t, activity=a.id) for a in activities for t in a.get("transfers", [])],
        retention=entries("retention", [r for a in activities for r in a["retention"]]),
        rights=rights,
        automated=[dict(a["automated_decision_making"], activity=a["name"]) for a in activities
                   if isinstance(a.get("automated_decision_making"), dict)],
        subjects=entries("subject", [s for a in activities for s in a["subjects"]]),
        language=notice.entry.get("language", "en-GB"),
        changes=diff.for_notice(notice.slug) if diff is not None else [],
        changes_since=diff.old if diff is not None else "",
    )


def _rights(model: Model, activities: list[Entry]) -> list[tuple[str, str, str]]:
    """The rights that apply, as (id, name, text), from the activities' Art 6 bases.

    Access, rectification and restriction apply whatever the basis; erasure, objection,
    portability and withdrawing consent only where a basis brings them (the ICO's
    table, recorded per basis in the catalogue).
    """
    applying = set(_ALWAYS)
    for activity in activities:
        for ident in activity["lawful_basis"]["article_6"]:
            for right, applies in model.bases[ident].rights.items():
                if applies:
                    applying.add(right)
    return [(right, *RIGHTS[right]) for right in RIGHTS if right in applying]
