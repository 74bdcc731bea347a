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
    """The path of each mapping in ``value`` marked illustrative: ``illustrative: true``, or
    (an activity) a list of the fields that are."""
    if isinstance(value, dict):
        mark = value.get("illustrative")
        if mark is True or (isinstance(mark, list) and mark):
            yield path
        for key, item in value.items():
            yield from _illustrative_places(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _illustrative_places(item, path + (index,))


_NAMES = {"dpo": "the Data Protection Officer's details", "complaints": "the complaints contact",
          "privacy_contact": "the privacy contact", "requests": "the contact for requests",
          "appropriate_policy_document": "the appropriate policy document",
          "appropriate_policy": "the appropriate policy document's wording",
          "retention_policy": "the retention policy", "provision": "what happens if data is not provided",
          "breach": "the breach answers", "policy_document_retention": "the policy document answer",
          "dpia": "the DPIA answers", "joint_controller": "the joint controller's details"}


def _describe(kind: str, data, path: tuple, mark) -> str:
    """What is marked, in words a DPO recognises: 'retention rule 'x' is'."""
    if isinstance(mark, list):
        whose = "this activity's" if kind == "activity" else f"the {kind}'s"
        return f"{whose} {', '.join(map(str, mark))} {'is' if len(mark) == 1 else 'are'}"
    if not path:
        return {"notice": "this whole notice is", "activity": "this whole activity is"}.get(kind, "this file is")
    item = data
    for step in path:
        item = item[step]
    if kind == "retention" and path[0] == "retention":
        return f"retention rule '{item.get('id', '?')}' is"
    if kind == "sources" and path[0] == "sources":  # a source, or the form it is (docs/forms.md)
        entry = data["sources"][path[1]]
        return f"the form '{entry.get('id', '?')}' is" if path[-1] == "form" else f"source '{entry.get('id', '?')}' is"
    if len(path) >= 2 and path[-2] == "recipients" and "recipient" in item:
        return f"the sharing with '{item['recipient']}' is"
    if len(path) >= 2 and path[-2] == "systems":
        return f"the system '{' '.join(str(item.get('name', '')).split())}' is"
    if len(path) >= 2 and path[-2] == "transfers":
        return f"the transfer to '{item.get('country', '?')}' is"
    name = next((step for step in reversed(path) if isinstance(step, str)), "")
    return f"{_NAMES.get(name, repr(name))} {'are' if _NAMES.get(name, '').endswith(('details', 'answers')) else 'is'}"


@rule
def illustrative_values(ctx: Context) -> Iterator[Problem]:
    if ctx.model.example:
        return  # every output says, on every page, that it is an example
    for _kind, document in translated_documents(ctx.model):
        for path in _illustrative_places(document.data):
            mark = document.data
            for step in path:
                mark = mark[step]
            mark = mark["illustrative"]
            found = problem(document.locate(path + ("illustrative",), key=True), "illustrative-value",
                            f"{_describe(_kind, document.data, path, mark)} marked illustrative, an "
                            "example the organisation has not confirmed: a real notice must not "
                            "publish an example as fact. Put in the real value and delete the mark (a draft, "
                            "'build --draft', shows it marked)")
            yield dataclasses.replace(found, placeholder=True)  # a draft tolerates it
