"""Rules about lawful bases: UK GDPR Art 6, 9 and 10, and DPA 2018 s10 and Schedule 1.

Each activity keeps its bases apart by article (``lawful_basis.article_6``,
``annex_1``, ``article_9``, ``schedule_1``, ``criminal_offence``); these rules check
that the conditions the law requires are there and fit together. docs/legal.md gives
the legal source of each rule.
"""

from __future__ import annotations

from typing import Iterator

from noticegen.model.resolve import Entry, Model
from noticegen.problems import Problem
from noticegen.rules.registry import E, PUBLIC_AUTHORITIES, W, Context, declare, problem, rule

declare({
    "missing-article-9-condition": (E, "Special category data without an Art 9 condition."),
    "missing-schedule-1-condition": (E, "An Art 9 condition, or Art 10 processing authorised by law, without the DPA 2018 Schedule 1 condition s10 requires (Part 1 for Art 9(2)(b), (h), (i), (j); Part 2 for (g))."),
    "schedule-1-pairing": (E, "A Schedule 1 condition that no condition of the activity can use (e.g. a Part 1 condition with Art 9(2)(g), a Part 3 condition outside criminal_offence)."),
    "missing-criminal-condition": (E, "Criminal offence data without an Art 10 condition."),
    "para-36-without-part-2": (E, "DPA 2018 Sch 1 para 36 relied on for criminal offence data without the Part 2 condition it extends (para 36 is met only where the processing would meet a Part 2 condition)."),
    "missing-appropriate-policy-document": (E, "A Schedule 1 condition that needs an appropriate policy document (Sch 1 paras 1(1)(b) and 5(1); para 39 says what it must explain), and the organisation declares none."),
    "missing-legitimate-interests": (E, "Legitimate interests (Art 6(1)(f)) without the interests stated (Art 13(1)(d))."),
    "legitimate-interests-public-authority": (W, "A public authority relying on legitimate interests: (f) does not cover its tasks (Art 6(1), closing words)."),
    "missing-annex-1-condition": (E, "Recognised legitimate interest (Art 6(1)(ea)) without the Annex 1 condition relied on (Art 6(5))."),
    "recognised-interest-public-authority": (E, "A public authority relying on a recognised legitimate interest (Art 6(1)(ea)), which cannot cover its tasks (Art 6(1), closing words)."),
})


def _categories(model: Model, activity: Entry, kind: str) -> list[int]:
    """Positions of the activity's categories that hold data of one type ('special',
    'criminal'): by the category's own type, or an example marked so."""
    types = model.types_by_category
    return [i for i, c in enumerate(activity["categories"]) if kind in types.get(c, ())]


_CONDITION_FOR_TYPE = (
    # category type, the lawful_basis list it needs, rule, what the list is called
    ("special", "article_9", "missing-article-9-condition",
     "special category data, so lawful_basis needs an article_9 condition"),
    ("criminal", "criminal_offence", "missing-criminal-condition",
     "criminal offence data, so lawful_basis needs a criminal_offence condition (Art 10)"),
)


@rule
def conditions_for_categories(ctx: Context) -> Iterator[Problem]:
    """Art 9(1): special category data needs an Art 9(2) condition; Art 10: criminal
    offence data needs official authority or authorisation by law."""
    for activity in ctx.model.activities.values():
        for kind, group, rule_id, needs in _CONDITION_FOR_TYPE:
            found = _categories(ctx.model, activity, kind)
            if found and not activity["lawful_basis"].get(group):
                yield problem(activity.where("categories", found[0]), rule_id,
                              f"'{activity['categories'][found[0]]}' is {needs}")


@rule
def schedule_1_conditions(ctx: Context) -> Iterator[Problem]:
    """DPA 2018 s10: which Schedule 1 Part an Art 9 or Art 10 condition needs, and
    Schedule 1 conditions that nothing in the activity can use."""
    bases = ctx.model.bases
    for activity in ctx.model.activities.values():
        basis = activity["lawful_basis"]
        article_9 = [(i, bases[b]) for i, b in enumerate(basis.get("article_9", [])) if b in bases]
        schedule_1 = [(i, bases[b]) for i, b in enumerate(basis.get("schedule_1", []))
                      if b in bases and bases[b].kind == "schedule-1"]
        parts = {condition.part for _, condition in schedule_1}
        for index, condition in article_9:
            if condition.schedule_1_part and condition.schedule_1_part not in parts:
                yield problem(activity.where("lawful_basis", "article_9", index),
                              "missing-schedule-1-condition",
                              f"{condition.reference} needs a condition from DPA 2018 Schedule 1 "
                              f"Part {condition.schedule_1_part} (s10): add it to "
                              "lawful_basis.schedule_1")
        wanted = {condition.schedule_1_part for _, condition in article_9}
        for index, condition in schedule_1:
            if condition.part == 3:
                yield problem(activity.where("lawful_basis", "schedule_1", index), "schedule-1-pairing",
                              f"{condition.reference} is for criminal offence data only "
                              "(s10(5)): list it under lawful_basis.criminal_offence")
            elif condition.part not in wanted:
                needs = "Art 9(2)(b), (h), (i) or (j)" if condition.part == 1 else "Art 9(2)(g)"
                yield problem(activity.where("lawful_basis", "schedule_1", index), "schedule-1-pairing",
                              f"{condition.reference} is a Part {condition.part} condition, which "
                              f"only supports {needs} (s10); no article_9 condition of this "
                              "activity uses it")
        criminal = [(i, bases[b]) for i, b in enumerate(basis.get("criminal_offence", [])) if b in bases]
        if any(c.needs_schedule_1 for _, c in criminal) \
                and not any(c.kind == "schedule-1" for _, c in criminal):
            index = next(i for i, c in criminal if c.needs_schedule_1)
            yield problem(activity.where("lawful_basis", "criminal_offence", index),
                          "missing-schedule-1-condition",
                          "criminal offence data processed as authorised by law needs a DPA 2018 "
                          "Schedule 1 condition from Part 1, 2 or 3 (s10(5)): add it to "
                          "lawful_basis.criminal_offence")
        extensions = [(i, c) for i, c in criminal if c.kind == "schedule-1" and c.part == 3 and c.paragraph == 36]
        if extensions and not any(c.kind == "schedule-1" and c.part == 2 for _, c in criminal):
            index, condition = extensions[0]
            yield problem(activity.where("lawful_basis", "criminal_offence", index),
                          "para-36-without-part-2",
                          f"{condition.reference} is met only where the processing would meet a "
                          "condition in Part 2 of Schedule 1 but for its substantial public interest "
                          "test: name that Part 2 condition (sch1-para-18 for safeguarding, say) beside "
                          "it in lawful_basis.criminal_offence, so the notice says which")


@rule
def appropriate_policy_document(ctx: Context) -> Iterator[Problem]:
    """Sch 1 paras 1(1)(b) and 5(1): the document is part of the condition itself; para 38
    names the conditions it serves and para 39 what it must explain."""
    model = ctx.model
    if model.organisation is None or model.organisation.get("appropriate_policy_document") \
            or model.organisation.get("appropriate_policy"):
        return  # linked, or built by noticegen from the data map
    for activity in model.activities.values():
        for group in ("schedule_1", "criminal_offence"):
            for index, ident in enumerate(activity["lawful_basis"].get(group, [])):
                condition = model.bases.get(ident)
                if condition is not None and condition.appropriate_policy_document:
                    yield problem(activity.where("lawful_basis", group, index),
                                  "missing-appropriate-policy-document",
                                  f"{condition.reference} is met only while an appropriate policy "
                                  "document is in place (DPA 2018 Sch 1 Part 4): write it in "
                                  "datamap/organisation.yaml (appropriate_policy), or link the one "
                                  "you keep elsewhere (appropriate_policy_document)")


@rule
def legitimate_interests(ctx: Context) -> Iterator[Problem]:
    """Art 6(1)(f) and (ea): the interests or Annex 1 condition, and public authorities."""
    model = ctx.model
    kind = model.organisation.get("kind") if model.organisation else None
    for activity in model.activities.values():
        basis = activity["lawful_basis"]
        for index, ident in enumerate(basis["article_6"]):
            where = activity.where("lawful_basis", "article_6", index)
            if ident == "art6-1-f":
                if not basis.get("legitimate_interests"):
                    yield problem(where, "missing-legitimate-interests",
                                  f"{model.bases[ident].reference} needs the interests stated: "
                                  "add lawful_basis.legitimate_interests")
                if kind in PUBLIC_AUTHORITIES:
                    yield problem(where, "legitimate-interests-public-authority",
                                  f"a {kind} is a public authority: {model.bases[ident].reference} "
                                  "does not cover processing in the performance of its tasks; is "
                                  "public task (art6-1-e) meant?")
            elif ident == "art6-1-ea":
                if not basis.get("annex_1"):
                    yield problem(where, "missing-annex-1-condition",
                                  "a recognised legitimate interest must meet an Annex 1 condition "
                                  "(Art 6(5)): name it in lawful_basis.annex_1 ('noticegen bases' "
                                  "lists them)")
                if kind in PUBLIC_AUTHORITIES:
                    yield problem(where, "recognised-interest-public-authority",
                                  f"a {kind} is a public authority and cannot rely on a recognised "
                                  "legitimate interest to perform its tasks (Art 6(1), closing "
                                  "words); use public task (art6-1-e)")


declare({
    "basis-scope-unstated": (W, "An activity relies on several Art 6 bases that give different rights (erasure or portability under one, not another) without saying, in lawful_basis.applies_to, which part of it each covers: the notice can then only say 'where we rely on …'."),
    "applies-to-unknown-basis": (E, "lawful_basis.applies_to names a basis or condition the activity does not rely on."),
    "condition-scope-unstated": (W, "An activity relies on several Art 9 conditions, or several Schedule 1 conditions, without saying in lawful_basis.applies_to which data or purpose each covers."),
})


@rule
def basis_scopes(ctx: Context) -> Iterator[Problem]:
    """A right that only some of an activity's bases give applies only to the part of the
    activity they cover (UK GDPR Arts 17(3)(b), 20(1)(a), 21(1)): the notice scopes it,
    with the DPO's words for that part."""
    from noticegen.model.facts import BASIS_RIGHTS

    bases = ctx.model.bases
    for stem, activity in ctx.model.activities.items():
        basis = activity["lawful_basis"]
        article_6 = [b for b in basis.get("article_6", []) if b in bases and bases[b].kind == "article-6"]
        said = basis.get("applies_to") or {}
        relied = [b for group in ("article_6", "annex_1", "article_9", "schedule_1", "criminal_offence")
                  for b in basis.get(group, []) if isinstance(b, str)]
        for ident in said:
            if ident not in relied:
                yield problem(activity.where("lawful_basis", "applies_to", ident, key=True),
                              "applies-to-unknown-basis",
                              f"activity '{stem}' does not rely on '{ident}' (it relies on "
                              f"{', '.join(dict.fromkeys(relied)) or 'nothing yet'}): name one of those")
        for group, kind in (("article_9", "Art 9 conditions"), ("schedule_1", "Schedule 1 conditions")):
            conditions = [b for b in basis.get(group, []) if b in bases]
            unsaid = [b for b in conditions if b not in said]
            if len(conditions) > 1 and unsaid:
                yield problem(activity.where("lawful_basis", group), "condition-scope-unstated",
                              f"activity '{stem}' relies on {len(conditions)} {kind} "
                              f"({', '.join(conditions)}) without saying which data or purpose each "
                              f"covers: add lawful_basis.applies_to ({unsaid[0]}: the data or purpose "
                              "it covers), so readers know which condition is for what")
        if len(article_6) < 2:
            continue
        differ = [right for right in BASIS_RIGHTS
                  if len({bool(bases[b].rights.get(right)) for b in article_6}) > 1]
        unsaid = [b for b in article_6 if b not in said]
        if differ and unsaid:
            yield problem(activity.where("lawful_basis", "article_6"), "basis-scope-unstated",
                          f"activity '{stem}' relies on {', '.join(article_6)}, and only some of them "
                          f"give the right to {' and '.join(differ)}: say what each covers in "
                          f"lawful_basis.applies_to ({unsaid[0]}: the part it covers, completing "
                          "'this applies to …'), so the notice offers the right for that part only")


declare({
    "schedule-1-outside-scope": (W, "A DPA 2018 Schedule 1 condition limited to certain purposes (para 1 employment, 8 equality monitoring, 10 unlawful acts, 17 counselling, 18 safeguarding) relied on by an activity none of whose purposes is one of them: routine data rests on another condition (for pupil records, usually para 6 for statutory duties and para 8 for equality monitoring)."),
})


@rule
def schedule_1_scope(ctx: Context) -> Iterator[Problem]:
    """A Schedule 1 condition is met only for the purposes it names: safeguarding (para 18)
    does not cover routine pupil records, nor equality monitoring (para 8) the census."""
    import re

    from noticegen.text.i18n import all_texts

    bases = ctx.model.bases
    for stem, activity in ctx.model.activities.items():
        basis = activity["lawful_basis"]
        said = " ".join(t for field in ("name", "business_function", "description")
                        for t in all_texts(activity.get(field) or ""))
        said += " " + " ".join(t for purpose in activity["purposes"] for t in all_texts(purpose))
        for group in ("schedule_1", "criminal_offence"):
            for index, ident in enumerate(basis.get(group, [])):
                condition = bases.get(ident)
                if condition is None or not condition.scope:
                    continue
                if not re.search(rf"\b(?:{condition.scope})", said, re.IGNORECASE):
                    yield problem(activity.where("lawful_basis", group, index), "schedule-1-outside-scope",
                                  f"activity '{stem}' relies on {condition.reference} ({condition.name}), "
                                  "but none of its purposes is one that condition covers: use the "
                                  "condition that fits what the activity does, or add the purpose it "
                                  "serves")
