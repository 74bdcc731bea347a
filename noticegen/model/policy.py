"""The appropriate policy document (DPA 2018 Sch 1 Part 4, paras 38-41), from the data map:
for each Schedule 1 condition the activities rely on, which activities and categories rely
on it (para 38); the organisation's procedures for complying with each Art 5 principle,
written once by the DPO in ``appropriate_policy.principles`` (para 39(a)); its retention and
erasure policy for that data, with the retention rules of those activities (para 39(b));
and who keeps and reviews it, and when (para 40). docs/appropriate-policy.md.
"""

from __future__ import annotations

import datetime as dt

from noticegen.classes import dataclass, field
from noticegen.load.catalogue import Basis
from noticegen.text.i18n import add_months, display
from noticegen.model.resolve import Entry, Model, category_types
from noticegen.text.i18n import N_

FILE = "appropriate-policy"
"""The document's file name (without .html or .pdf): beside the notices when published,
else in the records folder."""

DEFAULT_TITLE = N_("Appropriate policy document")

PRINCIPLES: list[tuple[str, str, str]] = [
    # the data map's key, the principle's name, where the law states it
    ("lawfulness", N_("Lawfulness, fairness and transparency"), "UK GDPR Art 5(1)(a)"),
    ("purpose_limitation", N_("Purpose limitation"), "UK GDPR Art 5(1)(b)"),
    ("data_minimisation", N_("Data minimisation"), "UK GDPR Art 5(1)(c)"),
    ("accuracy", N_("Accuracy"), "UK GDPR Art 5(1)(d)"),
    ("storage_limitation", N_("Storage limitation"), "UK GDPR Art 5(1)(e)"),
    ("security", N_("Integrity and confidentiality (security)"), "UK GDPR Art 5(1)(f)"),
    ("accountability", N_("Accountability"), "UK GDPR Art 5(2)"),
]


@dataclass
class ConditionUse:
    """One Schedule 1 condition and what relies on it."""

    basis: Basis
    activities: list[Entry] = field(default_factory=list)
    categories: list[Entry] = field(default_factory=list)
    retention: list[Entry] = field(default_factory=list)


@dataclass
class PolicyDocument:
    """What the appropriate policy document says (DPA 2018 Schedule 1 Part 4)."""

    title: str
    publisher: str
    keeper: str
    reviewed: str
    next_review: str
    principles: list[tuple[str, str, str]]
    """(name, citation, the organisation's procedures in its own words)."""
    conditions: list[ConditionUse]
    retention_text: str
    published: bool
    illustrative: bool


def conditions_used(model: Model, all_conditions: bool = False) -> list[ConditionUse]:
    """Each Schedule 1 condition that needs the document (or, with ``all_conditions``,
    each one used), in catalogue order, with the activities, categories and retention
    rules that rely on it."""
    registers = model.registers
    found: dict[str, ConditionUse] = {}
    for _stem, activity in sorted(model.resolved_activities().items()):
        basis = activity["lawful_basis"]
        for ident in basis.get("schedule_1", []) + basis.get("criminal_offence", []):
            condition = model.bases.get(ident)
            if condition is None or condition.kind != "schedule-1":
                continue
            if not (condition.appropriate_policy_document or all_conditions):
                continue
            use = found.setdefault(ident, ConditionUse(condition))
            if activity not in use.activities:
                use.activities.append(activity)
            for category_id in activity["categories"]:
                category = registers["category"].get(category_id)
                if category is not None and category_types(category) & {"special", "criminal"} \
                        and category not in use.categories:
                    use.categories.append(category)
            for rule_id in activity["retention"]:
                rule = registers["retention"].get(rule_id)
                if rule is not None and rule not in use.retention:
                    use.retention.append(rule)
    order = {ident: n for n, ident in enumerate(model.bases)}
    return sorted(found.values(), key=lambda use: order.get(use.basis.id, 0))


def policy_document(model: Model) -> PolicyDocument | None:
    """The document, when the organisation writes one in the data map
    (``appropriate_policy`` in datamap/organisation.yaml)."""
    if model.organisation is None:
        return None
    own = model.organisation.get("appropriate_policy")
    if not own:
        return None
    principles = own.get("principles", {})
    reviewed = str(own["reviewed"])
    return PolicyDocument(
        title=display(own.get("title") or DEFAULT_TITLE),
        publisher=model.publisher,
        keeper=display(own["keeper"]),
        reviewed=reviewed,
        next_review=add_months(dt.date.fromisoformat(reviewed), int(own.get("review_every_months", 12))).isoformat(),
        principles=[(name, citation, display(principles[key])) for key, name, citation in PRINCIPLES
                    if key in principles],
        conditions=conditions_used(model),
        retention_text=display(own.get("retention", "")),
        published=bool(own.get("publish")),
        illustrative=own.get("illustrative") is True,
    )


def policy_link(model: Model, here: str) -> dict | None:
    """How a page in folder ``here`` ('notices', 'records' or 'pdf') refers to the
    organisation's appropriate policy document: {title, url, illustrative}, the url None
    where the reader cannot follow a link to it (a document kept with the records, seen
    from a notice). The one noticegen builds wins over a link to one kept elsewhere."""
    organisation = model.organisation.data if model.organisation is not None else {}
    own = organisation.get("appropriate_policy")
    if own:
        title = own.get("title")  # None: the templates say "Appropriate policy document"
        mark = own.get("illustrative") is True
        if own.get("publish"):
            if here == "pdf":
                config = model.config.data if model.config is not None else {}
                base = config.get("publish_url")
                school = f"{model.school}/" if model.school else ""
                url = f"{base.rstrip('/')}/{school}{FILE}.html" if base else None
            else:
                url = f"../{FILE}.html"
        else:
            url = f"{FILE}.html" if here == "records" else None
        return {"title": title, "url": url, "illustrative": mark, "built": True}
    link = organisation.get("appropriate_policy_document")
    if not link:
        return None
    if isinstance(link, str):
        return {"title": None, "url": link, "illustrative": False, "built": False}
    return {"title": link.get("title"), "url": link["url"], "illustrative": bool(link.get("illustrative")),
            "built": False}
