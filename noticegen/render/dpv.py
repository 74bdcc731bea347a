"""Render (DPV): the data map as JSON-LD in W3C Data Privacy Vocabulary terms.

``build`` writes this beside the record of processing (``build/records/datamap.jsonld``) so
that other tools can read what a school processes without parsing its YAML: the
controller, and each processing activity with its purposes, data subjects, personal data
categories (special category and criminal offence data marked), lawful bases, recipients,
transfers, sources, retention, security measures, the rights its notice gives and its
automated decisions.

Only terms that DPV 2.2 defines are used (docs/dpv.md lists each with its source); where
DPV has no term (a name, a free-text description, a UK lawful basis or right), the term
sits under noticegen's own namespace, ``ng:``, and docs/dpv.md documents it. DPV's UK
extension has the UK GDPR and the DPA 2018 as laws only; a UK basis or right is never
written as DPV's EU GDPR term, which is named at most as a SKOS match.
The ``@context`` is written inline: reading the file never fetches anything.

The output is deterministic: keys sorted, lists in the data map's own order or sorted by
id, no timestamps beyond the data's own dates, and node identifiers that are blank nodes
named after the data map's ids (``_:activity-safeguarding``), scoped to the document.
"""

from __future__ import annotations

import json

from noticegen.model.facts import shares_of
from noticegen.model.resolve import Entry, Model, category_examples

DPV = "https://w3id.org/dpv#"
PD = "https://w3id.org/dpv/pd#"
EU_GDPR = "https://w3id.org/dpv/legal/eu/gdpr#"
LEGAL_GB = "https://w3id.org/dpv/legal/gb#"
LOC = "https://w3id.org/dpv/loc#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
NG = "https://noticegen.dev/ns/datamap#"
NG_BASIS = "https://noticegen.dev/ns/lawful-basis#"

CONTEXT = {
    "dpv": DPV,
    "pd": PD,
    "eu-gdpr": EU_GDPR,
    "legal-gb": LEGAL_GB,
    "loc": LOC,
    "skos": SKOS,
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
    "ng:significance": "The significance and likely effects of an automated decision for "
                       "the person (the data map's automated_decision_making.significance).",
}
"""Every ``ng:`` property the document can use, with its meaning (docs/dpv.md)."""

GB_LAWS = {"uk-gdpr": "legal-gb:law-GDPR", "dpa-2018": "legal-gb:law-DPA"}
"""DPV's UK extension (https://w3id.org/dpv/legal/gb, DPV 2.2) defines these two laws,
and the ICO (``legal-gb:DPA-GB``), and nothing else: no UK lawful bases, no UK rights."""

LAW_OF_KIND = {
    "article-6": ["legal-gb:law-GDPR"], "annex-1": ["legal-gb:law-GDPR"],
    "article-9": ["legal-gb:law-GDPR"], "article-10": ["legal-gb:law-GDPR"],
    "schedule-1": ["legal-gb:law-DPA"],
}
"""The law each kind of catalogue basis is in (Art 10 with s10(5) is in both)."""

DPV_BASIS_TYPES = {
    "art6-1-a": ["dpv:Consent"], "art6-1-b": ["dpv:Contract"],
    "art6-1-c": ["dpv:LegalObligation"], "art6-1-d": ["dpv:VitalInterest"],
    "art6-1-e": ["dpv:PublicInterest", "dpv:OfficialAuthorityOfController"],
    "art6-1-f": ["dpv:LegitimateInterest"],
    "art9-2-a": ["dpv:ExplicitlyExpressedConsent"], "art9-2-c": ["dpv:VitalInterest"],
    "art9-2-d": ["dpv:LegitimateInterest"], "art9-2-g": ["dpv:PublicInterest"],
    "art9-2-i": ["dpv:PublicInterest"], "art9-2-j": ["dpv:PublicInterest"],
}
"""DPV's jurisdiction-neutral kinds of legal basis, as DPV's own GDPR extension places the
same-numbered EU terms under them (each eu-gdpr term's broader concept)."""

EU_COUNTERPART = {**{f"art6-1-{letter}": f"eu-gdpr:A6-1-{letter}" for letter in "abcdef"},
                  **{f"art9-2-{letter}": f"eu-gdpr:A9-2-{letter}" for letter in "abcdefghij"}}
"""DPV has no terms for the UK GDPR's lawful bases. UK GDPR Art 6(1)(a)-(f) and Art
9(2)(a)-(j) keep the EU GDPR's numbering, so each UK basis is its own node (``ng-basis:``,
the UK provision, ``dpv:hasApplicableLaw`` ``legal-gb:law-GDPR``) that names the
same-numbered EU GDPR term only as a ``skos:closeMatch``: the UK article is meant, the EU
term is there so tools that know DPV's GDPR terms can match it. Art 6(1)(ea), Annex 1,
Art 10 and DPA 2018 Schedule 1 have no EU counterpart."""

RIGHT_TERMS = {
    # right id: (UK provision, where it can be read, {SKOS mapping: EU GDPR terms})
    "access": ("UK GDPR Article 15", "https://www.legislation.gov.uk/eur/2016/679/article/15",
               {"skos:closeMatch": ["eu-gdpr:A15"]}),
    "rectification": ("UK GDPR Article 16", "https://www.legislation.gov.uk/eur/2016/679/article/16",
                      {"skos:closeMatch": ["eu-gdpr:A16"]}),
    "erasure": ("UK GDPR Article 17", "https://www.legislation.gov.uk/eur/2016/679/article/17",
                {"skos:closeMatch": ["eu-gdpr:A17"]}),
    "restriction": ("UK GDPR Article 18", "https://www.legislation.gov.uk/eur/2016/679/article/18",
                    {"skos:closeMatch": ["eu-gdpr:A18"]}),
    "portability": ("UK GDPR Article 20", "https://www.legislation.gov.uk/eur/2016/679/article/20",
                    {"skos:closeMatch": ["eu-gdpr:A20"]}),
    "object": ("UK GDPR Article 21(1)", "https://www.legislation.gov.uk/eur/2016/679/article/21",
               {"skos:closeMatch": ["eu-gdpr:A21"]}),
    "withdraw_consent": ("UK GDPR Article 7(3)", "https://www.legislation.gov.uk/eur/2016/679/article/7",
                         {"skos:closeMatch": ["eu-gdpr:A7-3"]}),
    # the EU term is the whole of Art 21: objection to direct marketing is part of it
    "direct_marketing": ("UK GDPR Article 21(2) and (3)",
                         "https://www.legislation.gov.uk/eur/2016/679/article/21",
                         {"skos:broadMatch": ["eu-gdpr:A21"]}),
    # Arts 22A-22D (DUAA 2025 s80) replaced Art 22: the safeguards of Art 22C are like,
    # not the same as, the EU's Art 22(3) rights, and the EU's "right not to be subject
    # to" a decision is no longer the UK's framing
    "automated_decisions": ("UK GDPR Articles 22A to 22D (Data (Use and Access) Act 2025, section 80)",
                            "https://www.legislation.gov.uk/ukpga/2025/18/section/80",
                            {"skos:relatedMatch": ["eu-gdpr:A22-3-a", "eu-gdpr:A22-3-b",
                                                   "eu-gdpr:A22-3-c"]}),
    # DPV has no term for Art 82 (its A79 is a judicial remedy, not compensation)
    "compensation": ("UK GDPR Article 82", "https://www.legislation.gov.uk/eur/2016/679/article/82", {}),
}
"""Each right a notice can state (model.derive.RIGHTS), as the UK provision that gives it.
DPV defines data subject rights only for the EU GDPR (in its GDPR extension; its rights
extension, https://w3id.org/dpv/legal/eu/rights, holds the EU Charter's fundamental
rights), so, as with the bases, the UK right is its own node and the EU term a mapping."""

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
        "dpv:hasApplicableLaw": [{"@id": law} for law in GB_LAWS.values()],
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
    """A lawful basis as the UK provision it is: noticegen's node for it, typed by DPV's
    kind of legal basis where DPV has one, under the law it is in, and matched to the
    same-numbered EU GDPR term where there is one (never that term in its place)."""
    basis = model.bases[ident]
    counterpart = EU_COUNTERPART.get(ident)
    return _compact({"@id": f"ng-basis:{ident}",
                     "@type": ["dpv:LegalBasis"] + DPV_BASIS_TYPES.get(ident, []),
                     "ng:name": basis.name, "ng:reference": basis.reference,
                     "ng:url": basis.url,
                     "dpv:hasApplicableLaw": [{"@id": law} for law in LAW_OF_KIND.get(basis.kind, [])]
                     + ([{"@id": "legal-gb:law-DPA"}] if ident == "art10-schedule-1" else []),
                     "dpv:hasJurisdiction": {"@id": "loc:GB"},
                     "skos:closeMatch": {"@id": counterpart} if counterpart else None})


def _right(ident: str, name: str, text: str) -> dict:
    """A data subject right as the UK provision that gives it (one node, pointed to by
    every activity that gives the right)."""
    reference, url, matches = RIGHT_TERMS[ident]
    return _compact({
        "@id": f"_:right-{ident}", "@type": ["dpv:DataSubjectRight"],
        "dpv:hasIdentifier": ident, "ng:name": name, "ng:description": text,
        "ng:reference": reference, "ng:url": url,
        "dpv:hasApplicableLaw": {"@id": "legal-gb:law-GDPR"},
        "dpv:hasJurisdiction": {"@id": "loc:GB"},
        **{mapping: [{"@id": term} for term in terms] for mapping, terms in matches.items()},
    })


def _rights(model: Model, activity: Entry) -> list:
    """The rights the notice gives for this activity, as the model derives them."""
    from noticegen.model.derive import rights_for

    return rights_for(model, [activity], model.language)


def _automated(activity: Entry) -> dict | None:
    """Automated decision-making: a described context when the activity takes significant
    decisions solely by automated means; DPV's 'not applicable' when it says it takes
    none; nothing when the data map does not say (the notice then says nothing either)."""
    adm = activity.get("automated_decision_making")
    if adm is False:
        return {"@type": ["dpv:AutomatedDecisionMaking"],
                "dpv:hasApplicability": {"@id": "dpv:NotApplicable"}}
    if not isinstance(adm, dict):
        return None
    return _compact({
        "@type": ["dpv:AutomatedDecisionMaking"],
        "ng:description": adm.get("decision"),
        "dpv:hasAlgorithmicLogic": {"@type": ["dpv:AlgorithmicLogic"], "ng:description": adm["logic"]},
        "ng:significance": adm["significance"],
    })


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
    shares = shares_of(activity)  # its recipients and the processors that run its systems
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
        "dpv:hasRight": [_node(f"right-{r.id}") for r in _rights(model, activity)],
        "dpv:hasContext": _automated(activity),
    })


def _named(activity: Entry, kind: str) -> list[str]:
    """The ids of ``kind`` an activity's own fields name (not its prose)."""
    if kind == "recipient":
        return [s["recipient"] for s in shares_of(activity)] + \
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
    rights = {r.id: r for activity in model.activities.values() for r in _rights(model, activity)}
    graph += [_right(ident, rights[ident].name, rights[ident].text)
              for ident in RIGHT_TERMS if ident in rights]
    return {"@context": CONTEXT, "@graph": graph}


def to_jsonld(model: Model) -> bytes:
    """The document as bytes: sorted keys, two-space indent, UTF-8, a final newline."""
    text = json.dumps(datamap_document(model), indent=2, sort_keys=True, ensure_ascii=False)
    return (text + "\n").encode("utf-8")
