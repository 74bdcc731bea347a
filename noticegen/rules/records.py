"""Rules about keeping data and recording it: retention rules that cover every category
an activity holds (Art 13(2)(a), Art 30(1)(f)), and the record of processing's own gaps
(Art 30; the ICO's documentation template), which ``check --strict`` lists.
"""

from __future__ import annotations

from typing import Iterator

from noticegen.problems import Problem
from noticegen.rules.registry import W, Context, declare, problem, rule

declare({
    "retention-coverage": (W, "An activity holds categories that none of its retention rules covers (Art 13(2)(a), Art 30(1)(f))."),
    "ropa-gap": (W, "A column of the record of processing the data map leaves unknown (listed by check --strict)."),
})


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
def ropa_gaps(ctx: Context) -> Iterator[Problem]:
    if not ctx.strict:
        return
    from noticegen.model.record import row_values

    # only rows whose every id resolved: the reference rules report the others
    for stem, activity in ctx.model.resolved_activities().items():
        gaps = [column for column, value in row_values(ctx.model, stem, activity) if value is None]
        if gaps:
            yield problem(activity.where("name"), "ropa-gap",
                          f"the record of processing does not know, for activity '{stem}': "
                          + "; ".join(gaps))
