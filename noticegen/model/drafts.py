"""Drafts: a model in which each ``TODO(...)`` placeholder standing where an id belongs
has a stand-in entry, so that a draft (``build --draft``) renders it, marked as still to
fill in, instead of failing on a name it cannot look up. Only drafts use this: a real
build refuses placeholders, and the stand-ins never reach the model ``check`` reports on."""

from __future__ import annotations

import dataclasses

from noticegen.load.catalogue import Basis
from noticegen.load.reader import PLACEHOLDER
from noticegen.model.resolve import Entry, Model

_BASIS_KINDS = {"article_6": "article-6", "article_9": "article-9", "schedule_1": "schedule-1",
                "criminal_offence": "schedule-1", "annex_1": "annex-1"}


def _stand_in_data(kind: str, placeholder: str) -> dict:
    """The fewest fields a register entry of ``kind`` needs to be shown, each saying it is
    still to be filled in (a draft marks every TODO(...) it shows)."""
    data = {"id": placeholder, "name": placeholder}
    if kind == "recipient":
        data["kind"] = placeholder
    elif kind == "category":
        data["type"] = "personal"  # the draft shows the placeholder, not a type
    elif kind == "retention":
        data["criteria"] = placeholder
    elif kind == "legislation":
        data["title"] = placeholder
    return data


def with_placeholders(model: Model) -> Model:
    """``model`` with a stand-in for every placeholder where an id belongs (unchanged when
    there is none)."""
    wanted = [ref for ref in model.references
              if model.lookup(ref.kind, ref.id) is None and PLACEHOLDER.fullmatch(ref.id)]
    if not wanted:
        return model
    registers = {kind: dict(entries) for kind, entries in model.registers.items()}
    bases = dict(model.bases)
    for ref in wanted:
        if ref.kind == "basis":
            bases.setdefault(ref.id, Basis(ref.id, _BASIS_KINDS.get(ref.context, "article-6"),
                                           ref.id, ref.id, ref.id, ""))
        elif ref.kind in registers:
            owner = ref.at[0] if isinstance(ref.at, tuple) else None
            document = owner.document if owner is not None else model.organisation.document
            registers[ref.kind].setdefault(ref.id, Entry(ref.kind, ref.id,
                                                         _stand_in_data(ref.kind, ref.id), document))
    return dataclasses.replace(model, registers=registers, bases=bases)
