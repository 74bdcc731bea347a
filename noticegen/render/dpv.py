"""Render (DPV): the data map as JSON-LD in W3C Data Privacy Vocabulary terms.

``build`` writes this beside the record of processing (``build/records/datamap.jsonld``) so
that other tools can read what a school processes without parsing its YAML: the
controller, and each processing activity with its purposes, data subjects, personal data
categories (special category and criminal offence data marked), lawful bases, recipients,
transfers, sources, retention and security measures.

Only terms that DPV 2.x defines are used (docs/dpv.md lists each with its source); where
DPV has no term (a name, a free-text description, the DPA 2018 Schedule 1 conditions),
the term sits under noticegen's own namespace, ``ng:``, and docs/dpv.md documents it.
The ``@context`` is written inline: reading the file never fetches anything.

The output is deterministic: keys sorted, lists in the data map's own order or sorted by
id, no timestamps beyond the data's own dates, and node identifiers that are blank nodes
named after the data map's ids (``_:activity-safeguarding``), scoped to the document.
"""

from __future__ import annotations

import json

from noticegen.model.resolve import Entry, Model, category_examples

DPV = "https://w3id.org/dpv#"
PD = "https://w3id.org/dpv/pd#"
EU_GDPR = "https://w3id.org/dpv/legal/eu/gdpr#"
LEGAL_GB = "https://w3id.org/dpv/legal/gb#"
LOC = "https://w3id.org/dpv/loc#"
NG = "https://noticegen.dev/ns/datamap#"
NG_BASIS = "https://noticegen.dev/ns/lawful-basis#"

CONTEXT = {
    "dpv": DPV,
    "pd": PD,
    "eu-gdpr": EU_GDPR,
    "legal-gb": LEGAL_GB,
    "loc": LOC,
    "ng": NG,
    "ng-basis": NG_BASIS,
}
"""The inline context: prefixes only, so every key in the document is a compact IRI
whose meaning is visible where it is used, and no term can be dropped on expansion."""

PROJECT_TERMS = {
    "ng:name": "The name the data map gives a thing DPV gives no name property for "
               "(an activity, a category, a source, a retention rule).",
    "ng:description": "Free text: a purpose as written, a description, a retention period "
                      "in words, a security measure.",
    "ng:example": "An example the data map gives of a personal data category; typed like a "
                  "category when it is special category or criminal offence data.",
    "ng:reference": "The citation of a legal provision, e.g. 'DPA 2018 Sch 1 para 18'.",
    "ng:url": "Where a provision or a policy can be read.",
    "ng:legitimateInterests": "The legitimate interests pursued (UK GDPR Art 6(1)(f)).",
    "ng:period": "A retention period as an ISO 8601 duration, e.g. 'P25Y'.",
    "ng:trigger": "The event a retention period runs from (the data map's trigger id).",
    "ng:action": "What happens when a retention period ends (the data map's action id).",
    "ng:safeguard": "The safeguard a transfer outside the UK relies on, as written.",
    "ng:adequacy": "Whether a transfer relies on UK adequacy regulations (true) or not.",
    "ng:illustrative": "The value is illustrative, not yet confirmed by the school.",
    "ng:businessFunction": "The business function an activity belongs to (ROPA column).",
}
"""Every ``ng:`` property the document can use, with its meaning (docs/dpv.md)."""

ARTICLE_6 = {f"art6-1-{letter}": f"eu-gdpr:A6-1-{letter}" for letter in "abcdef"}
ARTICLE_9 = {f"art9-2-{letter}": f"eu-gdpr:A9-2-{letter}" for letter in "abcdefghij"}
"""UK GDPR Art 6(1) and Art 9(2) keep the EU GDPR's numbering, so the same-numbered DPV
GDPR terms name them; the controller's ``dpv:hasApplicableLaw`` says the law is the UK's.
Everything else in the catalogue (Art 6(1)(ea), Annex 1, Art 10, DPA 2018 Schedule 1)
has no DPV term and is named under ``ng-basis:``."""

RECIPIENT_TYPES = {
    "processor": ["dpv:DataProcessor"],
    "controller": ["dpv:DataController", "dpv:Recipient"],
    "joint-controller": ["dpv:DataController", "dpv:Recipient"],
    "public-body": ["dpv:Recipient"],
    "individual": ["dpv:Recipient"],
    "category": ["dpv:Recipient"],
}

# A value still to be filled in (a draft build's placeholder) gives the general class.
CATEGORY_TYPES = {
    "personal": ["dpv:PersonalData"],
    "special": ["dpv:SpecialCategoryPersonalData"],
    "criminal": ["dpv:PersonalData", "pd:Criminal"],
}
"""Special category data (Art 9) is DPV's own class; DPV has no class for Art 10 data,
so criminal offence data is personal data of PD's 'Criminal' category."""


def _node(ident: str) -> dict:
    return {"@id": f"_:{ident}"}


def _compact(node: dict) -> dict:
    """Drop empty values, so a node states only what the data map says."""
    return {key: value for key, value in node.items() if value not in (None, "", [], {})}


def _contact_values(person: dict) -> list[str]:
    return [person[key] for key in ("email", "phone", "url") if person.get(key)]


def _person(ident: str, kinds: list[str], person: dict) -> dict:
    """A contact (DPO, representative, authority) as a node."""
    name = person.get("name") or person.get("role")
    return _compact({
        "@id": f"_:{ident}", "@type": kinds,
        "dpv:hasName": name,
        "dpv:hasContact": _contact_values(person),
        "dpv:hasAddress": ", ".join(person.get("address", [])) or None,
        "ng:illustrative": True if person.get("illustrative") else None,
    })


def _controller(model: Model) -> list[dict]:
    """The controller and the nodes it points to (DPO, authority, the school)."""
    org = model.organisation
    nodes = []
    controller = {
        "@id": "_:controller", "@type": ["dpv:DataController"],
        "dpv:hasName": org["name"],
        "dpv:hasAddress": ", ".join(org.get("address", [])) or None,
        "dpv:hasContact": _contact_values(org.get("contact") or {})
        + ([org["website"]] if org.get("website") else []),
        "dpv:hasIdentifier": [f"{label} {org[key]}" for key, label in
                              (("ico_registration", "ICO registration"), ("urn", "URN"))
                              if org.get(key)],
        # the project is under UK law: UK GDPR and the Data Protection Act 2018
        "dpv:hasJurisdiction": {"@id": "loc:GB"},
        "dpv:hasApplicableLaw": [{"@id": "legal-gb:law-GDPR"}, {"@id": "legal-gb:law-DPA"}],
    }
    if org.get("dpo"):
        controller["dpv:hasDataProtectionOfficer"] = _node("dpo")
        nodes.append(_person("dpo", ["dpv:DataProtectionOfficer"], org["dpo"]))
    if org.get("representative"):
        controller["dpv:hasRepresentative"] = _node("representative")
        nodes.append(_person("representative", ["dpv:Representative"], org["representative"]))
    if org.get("supervisory_authority"):
        controller["dpv:hasAuthority"] = _node("supervisory-authority")
        nodes.append(_person("supervisory-authority", ["dpv:DataProtectionAuthority"],
                             org["supervisory_authority"]))
    school = model.establishment
    if school is not None:  # a trust's school: the trust stays the controller
        controller["dpv:hasOrganisationalUnit"] = _node("establishment")
        nodes.append(_compact({
            "@id": "_:establishment", "@type": ["dpv:OrganisationalUnit"],
            "dpv:hasName": school["name"],
            "dpv:hasAddress": ", ".join(school.get("address", [])) or None,
            "dpv:hasContact": _contact_values(school.get("contact") or {})
            + ([school["website"]] if school.get("website") else []),
            "dpv:hasIdentifier": [f"URN {school['urn']}"] if school.get("urn") else [],
        }))
    return [_compact(controller)] + nodes


def _category(entry: Entry) -> dict:
    examples = [_compact({"@type": CATEGORY_TYPES.get(kind, ["dpv:PersonalData"]), "ng:name": text})
                if kind != entry["type"] else {"ng:name": text}
                for text, kind in category_examples(entry)]
    return _compact({
        "@id": f"_:category-{entry.id}", "@type": CATEGORY_TYPES.get(entry["type"], ["dpv:PersonalData"]),
        "dpv:hasIdentifier": entry.id, "ng:name": entry["name"],
        "ng:description": entry.get("description"), "ng:example": examples,
    })


def _simple(kind: str, dpv_type: str, entry: Entry, name_property: str) -> dict:
    return _compact({
        "@id": f"_:{kind}-{entry.id}", "@type": [dpv_type],
        "dpv:hasIdentifier": entry.id, name_property: entry["name"],
        "ng:description": entry.get("description"),
    })


def _recipient(entry: Entry) -> dict:
    return _compact({
        "@id": f"_:recipient-{entry.id}", "@type": RECIPIENT_TYPES.get(entry["kind"], ["dpv:Recipient"]),
        "dpv:hasIdentifier": entry.id, "dpv:hasName": entry["name"],
        "ng:description": entry.get("description"),
        "dpv:hasContact": [entry["url"]] if entry.get("url") else [],
        "dpv:hasCountry": {"@id": f"loc:{entry['country']}"} if entry.get("country") else None,
    })


def _iso_period(period: dict) -> str | None:
    parts = "".join(f"{period[key]}{unit}" for key, unit in (("years", "Y"), ("months", "M"))
                    if key in period)
    return f"P{parts}" if parts else None


def _retention(entry: Entry) -> dict:
    """A retention rule as a storage duration: a fixed period from an event, until an
    event (while the pupil attends...), or criteria in words."""
    from noticegen.model.derive import retention_period

    period = entry.get("period") or {}
    if "years" in period or "months" in period:
        duration = "dpv:TemporalDuration"
    elif "while" in period:
        duration = "dpv:UntilEventDuration"
    else:
        duration = None
    return _compact({
        "@id": f"_:retention-{entry.id}",
        "@type": ["dpv:StorageDuration"] + ([duration] if duration else []),
        "dpv:hasIdentifier": entry.id, "ng:name": entry["name"],
        "ng:description": retention_period(entry),
        "ng:period": _iso_period(period), "ng:trigger": entry.get("trigger"),
        "ng:action": entry.get("action"), "ng:reference": entry.get("reference"),
    })


def _basis(model: Model, ident: str) -> dict:
    """A lawful basis: the DPV GDPR term where DPV has one, else a described node."""
    if ident in ARTICLE_6:
        return {"@id": ARTICLE_6[ident]}
    if ident in ARTICLE_9:
        return {"@id": ARTICLE_9[ident]}
    basis = model.bases[ident]
    return _compact({"@id": f"ng-basis:{ident}", "@type": ["dpv:LegalBasis"],
                     "ng:name": basis.name, "ng:reference": basis.reference,
                     "ng:url": basis.url})


_BASIS_GROUPS = ("article_6", "annex_1", "article_9", "schedule_1", "criminal_offence")


def _transfers(model: Model, activity: Entry) -> list[dict]:
    from noticegen.model.derive import transfers_of

    nodes = []
    for transfer in sorted(transfers_of(model, [activity]),
                           key=lambda t: (t.recipient.id if t.recipient else "", t.country)):
        nodes.append(_compact({
            "@type": ["dpv:PersonalDataProcess"],
            "dpv:hasProcessing": {"@id": "dpv:Transfer"},
            "dpv:hasRecipient": _node(f"recipient-{transfer.recipient.id}") if transfer.recipient else None,
            "dpv:hasThirdCountry": {"@id": f"loc:{transfer.country}"},
            "ng:safeguard": transfer.safeguard or None,
            "ng:adequacy": True if transfer.adequacy else None,
        }))
    return nodes


def _activity(model: Model, ident: str, activity: Entry) -> dict:
    basis = activity["lawful_basis"]
    bases = [b for group in _BASIS_GROUPS for b in basis.get(group, []) if b in model.bases]
    shares = activity.get("recipients", [])
    return _compact({
        "@id": f"_:activity-{ident}", "@type": ["dpv:PersonalDataProcess"],
        "dpv:hasIdentifier": ident, "ng:name": activity["name"],
        "ng:businessFunction": activity.get("business_function"),
        "ng:description": activity.get("description"),
        "dpv:hasDataController": _node("controller"),
        "dpv:hasPurpose": [{"@type": ["dpv:Purpose"], "ng:description": p}
                           for p in activity["purposes"]],
        "dpv:hasDataSubject": [_node(f"subject-{s}") for s in activity["subjects"]],
        "dpv:hasPersonalData": [_node(f"category-{c}") for c in activity["categories"]],
        "dpv:hasDataSource": [_node(f"source-{s}") for s in activity.get("sources", [])],
        "dpv:hasLegalBasis": [_basis(model, b) for b in dict.fromkeys(bases)],
        "ng:legitimateInterests": basis.get("legitimate_interests"),
        "dpv:hasRecipient": [_node(f"recipient-{r}")
                             for r in dict.fromkeys(s["recipient"] for s in shares)],
        "dpv:hasPersonalDataProcess": _transfers(model, activity),
        "dpv:hasStorageCondition": [_node(f"retention-{r}") for r in activity["retention"]],
        "dpv:hasTechnicalOrganisationalMeasure": [
            {"@type": ["dpv:TechnicalOrganisationalMeasure"], "ng:description": m}
            for m in activity.get("security_measures", [])],
    })


def _named(activity: Entry, kind: str) -> list[str]:
    """The ids of ``kind`` an activity's own fields name (not its prose)."""
    if kind == "recipient":
        return [s["recipient"] for s in activity.get("recipients", [])] + \
            [t["recipient"] for t in activity.get("transfers", []) if "recipient" in t]
    field = {"subject": "subjects", "category": "categories", "source": "sources",
             "retention": "retention"}[kind]
    return list(activity.get(field, []))


def _used(model: Model, kind: str) -> list[Entry]:
    """The register entries of ``kind`` that some activity names, by id: every node an
    activity points to is in the document, and nothing it does not point to."""
    ids = {ident for activity in model.activities.values() for ident in _named(activity, kind)}
    register = model.registers.get(kind, {})
    return [register[i] for i in sorted(ids) if i in register]


def datamap_document(model: Model) -> dict:
    """The whole data map as one JSON-LD document (a dict), its texts in the project's
    language (a value written in several languages gives that language's text)."""
    from noticegen.model.resolve import localised

    model = localised(model, model.language)
    graph = _controller(model)
    graph += [_activity(model, ident, activity)
              for ident, activity in sorted(model.activities.items())]
    graph += [_simple("subject", "dpv:DataSubject", e, "dpv:hasName") for e in _used(model, "subject")]
    graph += [_category(e) for e in _used(model, "category")]
    graph += [_simple("source", "dpv:DataSource", e, "ng:name") for e in _used(model, "source")]
    graph += [_recipient(e) for e in _used(model, "recipient")]
    graph += [_retention(e) for e in _used(model, "retention")]
    return {"@context": CONTEXT, "@graph": graph}


def to_jsonld(model: Model) -> bytes:
    """The document as bytes: sorted keys, two-space indent, UTF-8, a final newline."""
    text = json.dumps(datamap_document(model), indent=2, sort_keys=True, ensure_ascii=False)
    return (text + "\n").encode("utf-8")
