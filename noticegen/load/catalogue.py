"""The built-in catalogue of lawful bases: law, not data.

UK GDPR Art 6(1), Art 9(2), Art 10 and the DPA 2018 Schedule 1 conditions, each with
its official wording, its legislation.gov.uk link and the facts other stages need:
which rights an Art 6 basis brings, whether an Art 9 condition needs a Schedule 1
condition too (DPA 2018 s10), and whether a Schedule 1 condition needs an appropriate
policy document. Activities refer to them by id.
"""

from __future__ import annotations

from functools import cache

from noticegen.classes import dataclass, field
from noticegen import packaged
from noticegen.load.documents import decode, parse


@dataclass(frozen=True)
class Basis:
    """A lawful basis or condition from noticegen's catalogue (lawful_bases.yaml)."""

    id: str
    kind: str
    reference: str
    name: str
    wording: str
    url: str
    rights: dict = field(default_factory=dict)
    needs_schedule_1: bool = False
    schedule_1_part: int | None = None
    """For an Art 9 condition: the Schedule 1 Part its condition must come from (s10)."""
    part: int | None = None
    paragraph: int | None = None
    appropriate_policy_document: bool = False
    scope: str = ""
    """For a condition limited to certain purposes: a regular expression of the words at
    least one of an activity's purposes (or its name or description) must use for the
    condition to fit (rule schedule-1-outside-scope); empty when the catalogue does not
    judge it."""


@cache
def lawful_bases() -> dict[str, Basis]:
    """Every catalogue entry by id, in catalogue order."""
    path = "noticegen/catalogue/lawful_bases.yaml"
    raw = packaged("catalogue", "lawful_bases.yaml").read_bytes()
    document = parse(decode(raw, path), path)
    fields = set(Basis.__dataclass_fields__)
    return {entry["id"]: Basis(**{k: v for k, v in entry.items() if k in fields})
            for entry in document.data["bases"]}
