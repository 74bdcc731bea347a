"""Rules about what UK GDPR Art 13 and 14 make a notice say, where the data map must
hold it: who to contact (and the DPO), how to complain, where data comes from, whether
people must provide it and what happens if they do not, transfers abroad and their
safeguards, and how to withdraw consent. docs/legal.md gives each rule's source.
"""

from __future__ import annotations

from typing import Iterator
import re

from noticegen.model.facts import consent_withdrawal, relies_on_consent
from noticegen.model.resolve import category_examples
from noticegen.problems import Problem
from noticegen.rules.registry import E, PUBLIC_AUTHORITIES, W, Context, declare, problem, rule

declare({
    "missing-contact": (E, "No DPO and no privacy contact (Art 13(1)(b))."),
    "missing-dpo": (E, "A public authority (school, trust, local authority) without a Data Protection Officer (Art 37(1)(a), Art 13(1)(b))."),
    "missing-complaints-route": (E, "No way to complain to the organisation itself (DPA 2018 s164A, since 19 June 2026)."),
    "missing-source": (W, "An activity without sources (Art 14(2)(f))."),
    "missing-provision": (E, "An activity that does not say whether people must provide the data (Art 13(2)(e))."),
    "missing-consequence": (E, "Data people must provide, without what happens if they do not (Art 13(2)(e)), in a consequence or the school's own statement."),
    "provision-not-law": (W, "An activity says the law requires people to give the data (statutory or mixed) while it names no law and none of its lawful bases is a legal obligation: the notice would say 'must be provided by law' without a law behind it."),
    "missing-transfer-safeguard": (E, "A transfer outside the UK without its safeguard (Art 13(1)(f))."),
    "missing-consent-withdrawal": (E, "Consent relied on, and no way given to withdraw it (Art 7(3), Art 13(2)(c))."),
})


@rule
def organisation_contacts(ctx: Context) -> Iterator[Problem]:
    organisation = ctx.model.organisation
    if organisation is None:
        return
    kind = organisation.get("kind")
    if not organisation.get("dpo") and kind in PUBLIC_AUTHORITIES:
        yield problem(organisation.where(key=True), "missing-dpo",
                      f"a {kind} is a public authority and must designate a Data Protection "
                      "Officer (Art 37(1)(a)), whose contact details every notice gives "
                      "(Art 13(1)(b)): add dpo")
    elif not organisation.get("dpo") and not organisation.get("privacy_contact"):
        yield problem(organisation.where(key=True), "missing-contact",
                      "give the DPO's contact details (dpo) or a privacy_contact: a notice "
                      "must say whom to ask (Art 13(1)(b))")
    if not organisation.get("complaints"):
        yield problem(organisation.where(key=True), "missing-complaints-route",
                      "say how people can complain to you (a form, an email address or a "
                      "postal address): since 19 June 2026 a controller must make this easy "
                      "and acknowledge a complaint within 30 days (DPA 2018 s164A): add "
                      "complaints")


@rule
def sources_given(ctx: Context) -> Iterator[Problem]:
    for stem, activity in ctx.model.activities.items():
        if not activity.get("sources"):
            yield problem(activity.where("name"), "missing-source",
                          f"activity '{stem}' lists no sources; where data does not come from "
                          "the person, the notice must say where it does (Art 14(2)(f))")


@rule
def provision_stated(ctx: Context) -> Iterator[Problem]:
    for stem, activity in ctx.model.activities.items():
        provision = activity.get("provision")
        if not provision:
            yield problem(activity.where("name"), "missing-provision",
                          f"activity '{stem}' does not say whether people must provide the data "
                          "(Art 13(2)(e)): add provision.requirement (statutory, contractual, "
                          "voluntary, mixed, or not-from-the-person)")
        elif provision["requirement"] in ("statutory", "contractual", "mixed") \
                and not provision.get("consequence") and not provision.get("statement"):
            required = {"statutory": "required by law", "contractual": "needed for a contract",
                        "mixed": "partly required"}[provision["requirement"]]
            yield problem(activity.where("provision", "requirement"), "missing-consequence",
                          f"the data is {required}, so the notice must say what happens if it is "
                          "not provided (Art 13(2)(e)): add provision.consequence (or a "
                          "provision.statement that says it in your own words)")
        if provision and provision["requirement"] in ("statutory", "mixed") \
                and "art6-1-c" not in activity["lawful_basis"].get("article_6", []) \
                and not any(law not in ctx.model.registers["legislation"]  # undeclared: reported apart
                            or ctx.model.registers["legislation"][law].get("kind") in ("statute", "statutory-instrument")
                            for law in activity.get("legislation", [])):
            yield problem(activity.where("provision", "requirement"), "provision-not-law",
                          f"activity '{stem}' says the law requires people to give the data "
                          f"('{provision['requirement']}'), but none of its lawful bases is a legal "
                          "obligation and it names no law: check the requirement (contractual, "
                          "voluntary, observed), or name the law in its legislation")


@rule
def transfers(ctx: Context) -> Iterator[Problem]:
    model = ctx.model
    used = {ref.id for ref in model.references if ref.kind == "recipient"}
    for recipient in model.registers["recipient"].values():
        country = recipient.get("country", "GB")
        if country != "GB" and recipient.id in used and not recipient.get("transfer_safeguard"):
            yield problem(recipient.where("country"), "missing-transfer-safeguard",
                          f"recipient '{recipient.id}' is in {country}, outside the UK: "
                          "state the transfer_safeguard relied on")
    for activity in model.activities.values():
        for index, transfer in enumerate(activity.get("transfers", [])):
            if not transfer.get("safeguard") and transfer["country"] != "GB":
                yield problem(activity.where("transfers", index), "missing-transfer-safeguard",
                              f"the transfer to {transfer['country']} needs its safeguard "
                              "(adequacy regulations, IDTA or another Art 46 safeguard)")


@rule
def consent_can_be_withdrawn(ctx: Context) -> Iterator[Problem]:
    for stem, activity in ctx.model.activities.items():
        if relies_on_consent(activity) and consent_withdrawal(ctx.model.organisation, activity) is None:
            yield problem(activity.where("lawful_basis", key=True), "missing-consent-withdrawal",
                          f"activity '{stem}' relies on consent, so the notice must say how to "
                          "withdraw it: add lawful_basis.consent.withdraw, or requests.email to "
                          "datamap/organisation.yaml")



declare({
    "category-without-purpose": (W, "An activity holds data kept only for a purpose of its own (CCTV images, photographs, biometrics, bank details, location) that none of its purposes speaks of (Art 13(1)(c), Art 14(1)(c)): readers cannot tell why it is held, nor on which basis."),
})

_OWN_PURPOSE = [
    # (words that name such data, words one of the activity's purposes must use)
    (r"cctv|camera|surveillance", r"secur|safe|crime|protect|monitor|premises|site"),
    (r"photo|image|video|film", r"photo|image|video|film|celebrat|display|website|publici|identif|record"),
    (r"biometric|fingerprint|facial", r"biometric|fingerprint|cashless|catering|canteen|library|identif|sign"),
    (r"bank|payment card|card details", r"pay|financ|salar|charg|fund|fee|meal|purchas|refund"),
    (r"location|gps|geolocation|tracking", r"locat|track|where|journey|transport|safe"),
]
"""Data held only for a purpose of its own: a category whose name or examples use the
first words needs a purpose (or the activity's name or description) using the second."""
_OWN_PURPOSE_PATTERNS = [(re.compile(rf"\b(?:{names})"), re.compile(rf"\b(?:{purposes})"))
                         for names, purposes in _OWN_PURPOSE]


@rule
def category_purposes(ctx: Context) -> Iterator[Problem]:
    """Each category an activity holds must be one its purposes explain. Most data
    (contact details, attendance) serves an activity's main purpose; some is held only
    for one of its own, and then a purpose must say so: CCTV images under 'teaching
    pupils' tell readers neither why they are held nor on which basis, and usually belong
    in an activity of their own."""
    from noticegen.text.i18n import all_texts

    categories = ctx.model.registers["category"]
    needs: dict[str, list[re.Pattern]] = {}  # category id -> the purposes its words call for

    def needed(ident: str, category) -> list[re.Pattern]:
        if ident not in needs:
            words = " ".join([*all_texts(category["name"]), ident.replace("-", " "),
                              *(t for example, _kind in category_examples(category)
                                for t in all_texts(example))]).lower()
            needs[ident] = [purposes for names, purposes in _OWN_PURPOSE_PATTERNS if names.search(words)]
        return needs[ident]

    for stem, activity in ctx.model.activities.items():
        said = " ".join(t for field in ("name", "business_function", "description")
                        for t in all_texts(activity.get(field) or "")).lower()
        said += " " + " ".join(t for purpose in activity["purposes"] for t in all_texts(purpose)).lower()
        for index, ident in enumerate(activity["categories"]):
            category = categories.get(ident)
            if category is None:
                continue
            for purposes in needed(ident, category):
                if not purposes.search(said):
                    yield problem(activity.where("categories", index), "category-without-purpose",
                                  f"activity '{stem}' holds "
                                  f"'{' '.join(all_texts(category['name'])[0].split())}', but none of its "
                                  "purposes says what it is used for: add the purpose (and check the "
                                  "lawful basis covers it), or move it to an activity whose purposes do")
                    break
