"""Rules about trusts: schools laid over the trust's base (noticegen.load.reader reports
overlay-extends and overlay-cycle as it reads the schools)."""

from __future__ import annotations

from typing import Iterator

from noticegen.problems import Problem
from noticegen.rules.registry import E, Context, declare, problem, rule
from noticegen.load.validate import did_you_mean

declare({
    "overlay-remove": (E, "A school's remove: names something it does not inherit (or remove: sits in the trust's own files)."),
    "overlay-change": (E, "A school's change: names something it does not inherit (or change: sits in the trust's own files)."),
    "overlay-extends": (E, "A school extends a school that does not exist."),
    "overlay-cycle": (E, "Schools that extend each other in a circle."),
    "controller-in-overlay": (E, "In a trust, a school's organisation.yaml names a controller of its own: the trust is the controller; the school belongs under establishment: ('noticegen migrate' moves it)."),
})


@rule
def controller_in_overlay(ctx: Context) -> Iterator[Problem]:
    """UK GDPR Art 13(1)(a): an academy's notices must name the trust, its controller."""
    document = ctx.loaded.organisation
    layers = getattr(document, "layers", None)
    if not layers or layers[0].data.get("organisation", {}).get("kind") != "trust":
        return
    trust = layers[0].data["organisation"]["name"]
    for layer in layers[1:]:
        overlay = layer.data.get("organisation") if isinstance(layer.data, dict) else None
        if isinstance(overlay, dict) and "name" in overlay:
            yield problem(layer.locate(("organisation", "name")), "controller-in-overlay",
                          f"in a trust, {trust} is the controller, but this makes "
                          f"'{overlay['name']}' the controller on the school's notices: put the "
                          "school's name, URN and contacts under establishment: instead "
                          "('noticegen migrate' does it, keeping your comments)")


@rule
def overlay_removals(ctx: Context) -> Iterator[Problem]:
    for ref in ctx.model.overlay_problems:
        if ref.owner.endswith("-change"):
            message = ("change: belongs in a school's overlay (schools/<id>/...): in the trust's own "
                       "files, write the entry as it is" if ref.owner == "base-change" else
                       f"{ref.kind} '{ref.id}' is not inherited, so there is nothing to change"
                       f"{did_you_mean(ref.id, ctx.model.declared(ref.kind))}: declare it in full "
                       "instead")
            yield problem(ref.location, "overlay-change", message)
            continue
        if ref.owner == "base":
            message = ("remove: belongs in a school's overlay (schools/<id>/...); the trust's "
                       "own files declare what exists")
        else:
            message = (f"{ref.kind} '{ref.id}' is not inherited, so there is nothing to remove"
                       f"{did_you_mean(ref.id, ctx.model.declared(ref.kind))}")
        yield problem(ref.location, "overlay-remove", message)
