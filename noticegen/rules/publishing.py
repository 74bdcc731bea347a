"""Rules about what may be published: a real build publishes only values the organisation
has confirmed. A value marked ``illustrative: true`` (an example wording, a contact or a
link still to confirm) is shown as such in a draft and in a project that exists to
demonstrate (``example: true`` in noticegen.yaml), and refused everywhere else, as a
``TODO(...)`` placeholder is."""

from __future__ import annotations

import dataclasses
from typing import Iterator

from noticegen.model.resolve import translated_documents
from noticegen.problems import Problem
from noticegen.rules.registry import E, Context, declare, problem, rule

declare({
    "illustrative-value": (E, "A value marked illustrative (an example not yet confirmed) in a project that is not an example: a real build would publish it as the organisation's."),
})


def _illustrative_places(value, path=()):
    """The path of each mapping in ``value`` marked ``illustrative: true``."""
    if isinstance(value, dict):
        if value.get("illustrative") is True:
            yield path
        for key, item in value.items():
            yield from _illustrative_places(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _illustrative_places(item, path + (index,))


@rule
def illustrative_values(ctx: Context) -> Iterator[Problem]:
    if ctx.model.example:
        return  # every output says, on every page, that it is an example
    for _kind, document in translated_documents(ctx.model):
        for path in _illustrative_places(document.data):
            found = problem(document.locate(path + ("illustrative",), key=True), "illustrative-value",
                            "this value is marked illustrative, an example the organisation has not "
                            "confirmed: a notice must not publish it as fact. Put in the real value "
                            "and delete 'illustrative: true' (a draft, 'build --draft', shows it marked)")
            yield dataclasses.replace(found, placeholder=True)  # a draft tolerates it
