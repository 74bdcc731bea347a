"""Prose references: the small, sandboxed syntax notice prose uses to name the data map.

``[[organisation.name]]`` reads a field of the organisation; ``[[recipient:dfe]]`` (and
``category:``, ``source:``, ``subject:``, ``legislation:``, ``retention:``) names a
register entry, optionally with its own link text: ``[[legislation:kcsie-2018|the
guidance]]``. Nothing else is evaluated: prose is never a template, so ``{{ ... }}`` in
prose is just text. This module finds references and says what each one points at;
checks report the ones that point at nothing, renderers print the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from noticegen.problems import Location
from noticegen.project import Block

PATTERN = re.compile(r"\[\[(?P<body>[^\[\]\n]{0,200}?)\]\]")
_KIND_ID = re.compile(r"^\s*(?P<kind>[a-z]+)\s*:\s*(?P<id>[^|\s]*)\s*(?:\|(?P<text>[^|]*))?$")
_FIELD = re.compile(r"^\s*organisation(?P<path>(?:\.[a-z_]+)+)\s*$")

ENTRY_KINDS = ("recipient", "legislation", "category", "source", "subject", "retention")
"""Kinds prose may name with ``[[kind:id]]``."""


@dataclass(frozen=True)
class Found:
    """One ``[[...]]`` in a block: what it names and where."""

    raw: str
    kind: str  # an entry kind, 'organisation', or 'invalid'
    id: str  # the entry id, or the dotted organisation field path
    text: str | None  # link text given after '|'
    location: Location
    start: int
    end: int


def find_references(block: Block) -> list[Found]:
    found = []
    for match in PATTERN.finditer(block.text):
        body = match["body"]
        location = block.locate(match.start())
        field = _FIELD.match(body)
        kind_id = _KIND_ID.match(body)
        if field:
            found.append(Found(match[0], "organisation", field["path"][1:], None, location,
                               match.start(), match.end()))
        elif kind_id and kind_id["kind"] in ENTRY_KINDS:
            text = kind_id["text"].strip() if kind_id["text"] is not None else None
            found.append(Found(match[0], kind_id["kind"], kind_id["id"], text or None, location,
                               match.start(), match.end()))
        else:
            found.append(Found(match[0], "invalid", body.strip(), None, location,
                               match.start(), match.end()))
    return found


def organisation_field(organisation: dict, dotted: str):
    """The value of a dotted field of the organisation, or None when it is not set."""
    value = organisation
    for step in dotted.split("."):
        if not isinstance(value, dict) or step not in value:
            return None
        value = value[step]
    return value
