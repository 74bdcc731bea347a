"""Rules about trusts: schools laid over the trust's base (noticegen.project reports
overlay-extends and overlay-cycle as it reads the schools)."""

from __future__ import annotations

from typing import Iterator

from noticegen.problems import Problem
from noticegen.rules import E, Context, declare, problem, rule
from noticegen.validate import did_you_mean

declare({
    "overlay-remove": (E, "A school's remove: names something it does not inherit (or remove: sits in the trust's own files)."),
    "overlay-extends": (E, "A school extends a school that does not exist."),
    "overlay-cycle": (E, "Schools that extend each other in a circle."),
})


@rule
def overlay_removals(ctx: Context) -> Iterator[Problem]:
    for ref in ctx.model.overlay_problems:
        if ref.owner == "base":
            message = ("remove: belongs in a school's overlay (schools/<id>/...); the trust's "
                       "own files declare what exists")
        else:
            message = (f"{ref.kind} '{ref.id}' is not inherited, so there is nothing to remove"
                       f"{did_you_mean(ref.id, ctx.model.declared(ref.kind))}")
        yield problem(ref.location, "overlay-remove", message)
