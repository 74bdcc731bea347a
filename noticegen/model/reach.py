"""Reach: what depends on a declared thing — the activities (ROPA rows) and notices that
use it, directly or through another entry (a category through a retention rule).

``explain`` prints it; ``diff`` uses it to say which notices a change reaches.
"""

from __future__ import annotations


from noticegen.classes import dataclass, field
from noticegen.model.resolve import Model, Reference

KINDS = ("recipient", "category", "source", "subject", "retention", "legislation", "activity",
         "block", "basis", "notice")


@dataclass
class Reach:
    """Where a declared thing is used: the references to it, and the activities and notices they reach."""

    kind: str
    id: str
    references: list[Reference] = field(default_factory=list)
    activities: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def reach(model: Model, kind: str, ident: str) -> Reach:
    """Where ``kind:ident`` is referred to, and the activities and notices it reaches."""
    result = Reach(kind, ident)
    result.references = [r for r in model.references if r.kind == kind and r.id == ident]
    owners = {r.owner for r in result.references}
    if kind == "activity":
        owners.add(f"activity:{ident}")
    if kind == "notice":
        owners.add(f"notice:{ident}")
    # an entry that is itself referred to passes its reach on (a retention rule's categories)
    for owner in list(owners):
        owner_kind, owner_id = owner.split(":", 1)
        if owner_kind in ("retention",):
            owners |= {r.owner for r in model.references
                       if r.kind == owner_kind and r.id == owner_id}
    activities = sorted(o.split(":", 1)[1] for o in owners if o.startswith("activity:"))
    notices = {o.split(":", 1)[1] for o in owners if o.startswith("notice:")}
    for slug, notice in model.notices.items():
        if set(notice.activity_ids) & set(activities):
            notices.add(slug)
    result.activities = activities
    result.notices = sorted(notices)
    return result


def kinds_of(model: Model, ident: str) -> list[str]:
    """Every kind that declares ``ident`` (an id can be both a category and a source)."""
    found = [kind for kind in KINDS if ident in model.declared(kind)]
    return found
