"""Rules about keeping data and recording it: retention rules that cover every category
an activity holds (Art 13(2)(a), Art 30(1)(f)), and the record of processing's own gaps
(Art 30; the ICO's documentation template), which ``check --strict`` lists.
"""

from __future__ import annotations

import re
from typing import Iterator

from noticegen.problems import Problem
from noticegen.rules.registry import E, W, Context, declare, problem, rule

declare({
    "retention-coverage": (W, "An activity holds categories that none of its retention rules covers (Art 13(2)(a), Art 30(1)(f))."),
    "ropa-gap": (W, "A column of the record of processing the data map leaves unknown (listed by check --strict)."),
    "retention-criteria-vague": (W, "A retention rule whose criteria name no event, period or condition that ends the keeping ('for as long as we need it'): Art 13(2)(a) asks for the criteria used to set the period."),
    "retention-policy-unlinked": (W, "A retention rule without a fixed period that defers to a retention policy the notice cannot link (no web address given)."),
    "dpia-not-linked": (W, "An activity that needs a DPIA (the DPO says so in dpia.required, or noticegen's screening finds a criterion from the ICO's list or Art 35(3)) with none linked (dpia.link)."),
    "retention-action-unstated": (W, "A retention rule with a period that does not say what happens at its end (secure disposal, deletion, review, archive or transfer): the record of processing needs the time limits for erasure (Art 30(1)(f)); listed by check --strict."),
})

_NEED_ONLY = re.compile(r"\bas long as (?:we|it is|is|they are|are)\b[^.;]{0,20}\b(?:need|needed|necessary|required)\b",
                        re.IGNORECASE)
_ANCHOR = re.compile(r"\d|\b(?:after|until|while|from|when|end of|leave|leaves|left|years?|months?)\b",
                     re.IGNORECASE)


@rule
def retention_criteria(ctx: Context) -> Iterator[Problem]:
    """Art 13(2)(a): the period, or where that is not possible the criteria used to set it.
    'For as long as we need it' is no criterion; a rule that defers to a policy must let
    the reader find the policy."""
    from noticegen.model.facts import retention_policy
    from noticegen.text.i18n import all_texts

    organisation = ctx.model.organisation.data if ctx.model.organisation else {}
    for ident, entry in ctx.model.registers.get("retention", {}).items():
        if "period" in entry.data or "criteria" not in entry.data:
            continue
        texts = all_texts(entry["criteria"])
        if texts and all(_NEED_ONLY.search(text) and not _ANCHOR.search(text) for text in texts):
            yield problem(entry.where("criteria"), "retention-criteria-vague",
                          f"retention rule '{ident}' says how long only as 'as long as we need': "
                          "say what ends the keeping (an event, such as leaving the school, and a "
                          "period after it), or the rule the school's policy applies")
        policy = retention_policy(entry, organisation) or {}
        if entry.get("policy") is not False and not policy.get("url"):  # false: none is cited
            yield problem(entry.where("criteria"), "retention-policy-unlinked",
                          f"retention rule '{ident}' gives no fixed period, so readers need the "
                          "retention policy that sets it: give its web address (retention_policy.url "
                          "in datamap/organisation.yaml, or this rule's policy.url)")


@rule
def retention_coverage(ctx: Context) -> Iterator[Problem]:
    """A rule with a ``categories`` list covers those categories; a rule without one
    covers every category of the activities that use it."""
    rules = ctx.model.registers["retention"]
    for stem, activity in ctx.model.activities.items():
        chosen = [rules[r] for r in activity["retention"] if r in rules]
        if len(chosen) < len(activity["retention"]) or any("categories" not in r.data for r in chosen):
            continue
        covered = {c for r in chosen for c in r["categories"]}
        declared = ctx.model.registers["category"]
        missing = [c for c in activity["categories"] if c not in covered and c in declared]
        if missing:
            yield problem(activity.where("retention", key=True), "retention-coverage",
                          f"no retention rule of activity '{stem}' covers "
                          f"{', '.join(repr(c) for c in missing)}: add the categories to a rule's "
                          "categories, or add a rule that covers them")


@rule
def retention_action(ctx: Context) -> Iterator[Problem]:
    """A notice may say only how long (Art 13(2)(a)); the record of processing states the
    time limits for erasure (Art 30(1)(f)), so it needs what follows the period."""
    if not ctx.strict:
        return
    for ident, entry in ctx.model.registers.get("retention", {}).items():
        if "period" in entry.data and "action" not in entry.data:
            yield problem(entry.where("period", key=True), "retention-action-unstated",
                          f"retention rule '{ident}' does not say what happens when the period "
                          "ends: the record of processing needs it. Add action: secure-disposal, "
                          "deletion, review, archive or transfer, once the school has confirmed it")


@rule
def dpia_links(ctx: Context) -> Iterator[Problem]:
    """Art 35(1): a DPIA before processing likely to result in a high risk. Where the DPO
    has said one is not needed (``dpia.required: false``), that answer stands."""
    from noticegen.model.screening import CRITERIA, screen_all

    if not ctx.loaded.complete:
        return  # a broken notice file may list the activity: its screening would be wrong
    activities = ctx.model.resolved_activities()
    for screening in screen_all(ctx.model):
        if not screening.needs_dpia or screening.link:
            continue
        activity = activities[screening.activity]
        if screening.answered:
            why = "the data map says a DPIA is required (dpia.required)"
        else:
            reasons = [f"{CRITERIA[f.criterion][1]} ({f.evidence})" for f in screening.findings
                       if f.kind == "always"]
            why = "the screening finds that " + "; and ".join(reasons)
        place = activity.where("dpia", "required") if "dpia" in activity.data and \
            "required" in activity["dpia"] else activity.where("name")
        yield problem(place, "dpia-not-linked",
                      f"activity '{screening.activity}' needs a Data Protection Impact Assessment: "
                      f"{why}. Link it (dpia.link) once it is done; if the DPO has decided none is "
                      "needed, say so with dpia: {required: false}")


@rule
def ropa_gaps(ctx: Context) -> Iterator[Problem]:
    if not ctx.strict:
        return
    from noticegen.model.record import row_values
    from noticegen.model.resolve import localised

    # the record as it is written, in the project's language (texts written per language
    # picked); only rows whose every id resolved: the reference rules report the others
    model = localised(ctx.model, ctx.model.language)
    for stem, activity in model.resolved_activities().items():
        gaps = [column for column, value in row_values(model, stem, activity) if value is None]
        if gaps:
            yield problem(activity.where("name"), "ropa-gap",
                          f"the record of processing does not know, for activity '{stem}': "
                          + "; ".join(gaps))


declare({
    "system-processor-kind": (E, "A system's processor names a recipient that datamap/recipients.yaml does not declare as a processor (kind: processor)."),
    "system-without-processor": (W, "A system that sounds as if a supplier runs it (a management information system, a cloud or online service, an app) names no processor (UK GDPR Art 28): give it as {name, processor}, or in_house: true."),
})

_SUPPLIER_RUN = re.compile(r"\bMIS\b|(?i:\b(?:management information system|cloud|online|hosted|software|"
                           r"app|apps|platform|web-based|recording system|SaaS)\b)")


@rule
def system_processors(ctx: Context) -> Iterator[Problem]:
    """A system that holds personal data for the organisation and that a supplier runs
    makes that supplier a processor (Art 4(8), Art 28): the notice names it among the
    recipients (Art 13(1)(e)) and the record links the contract."""
    from noticegen.text.i18n import all_texts

    recipients = ctx.model.registers["recipient"]
    for stem, activity in ctx.model.activities.items():
        for index, system in enumerate(activity.get("systems", [])):
            if isinstance(system, dict):
                recipient = recipients.get(system.get("processor", ""))
                if recipient is not None and recipient["kind"] != "processor":
                    yield problem(activity.where("systems", index, "processor"), "system-processor-kind",
                                  f"'{recipient.id}' runs a system for activity '{stem}', so it is a "
                                  f"processor, but datamap/recipients.yaml declares it as "
                                  f"'{recipient['kind']}': declare a processor (kind: processor) for "
                                  "the supplier")
                continue
            if any(_SUPPLIER_RUN.search(text) for text in all_texts(system)):
                yield problem(activity.where("systems", index), "system-without-processor",
                              f"activity '{stem}' keeps data in '{' '.join(all_texts(system)[0].split())}', "
                              "which sounds like a system a supplier runs: a supplier that holds "
                              "personal data for the school is a processor. Give it as {name: …, "
                              "processor: <the supplier's id>, contract: <link>}, with the supplier in "
                              "datamap/recipients.yaml (kind: processor), or add in_house: true")
