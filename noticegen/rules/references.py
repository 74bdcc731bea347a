"""Rules about ids and references: every id declared once, every reference declared,
prose references and links that resolve, prose that names only recipients the notice's
activities share with, and declarations nothing uses.
"""

from __future__ import annotations

import dataclasses

import functools
import re
from typing import Iterator

from noticegen.text.i18n import all_texts, display, is_translated
from noticegen.model.resolve import Model, activity_prose, register_prose
from noticegen.model.facts import shares_of
from noticegen.problems import Location, Problem
from noticegen.load.reader import PLACEHOLDER
from noticegen.model.prose import ENTRY_KINDS, find_references, link_allowed, links, organisation_field
from noticegen.rules.registry import E, W, Context, declare, problem, rule
from noticegen.load.validate import did_you_mean

declare({
    "duplicate-id": (E, "Two entries of one register share an id."),
    **{f"undeclared-{kind}": (E, f"A reference to a {kind} id that is not declared.")
       for kind in ("subject", "category", "source", "recipient", "legislation", "retention",
                    "activity", "basis", "block", "notice")},
    "wrong-basis-kind": (E, "A lawful basis listed under the wrong article (e.g. an Art 9 condition under article_6)."),
    "undeclared-reference": (E, "A [[...]] prose reference to something the data map does not declare."),
    "prose-link": (E, "A prose link to something other than an http(s), mailto or #anchor address."),
    "unshared-recipient": (E, "Notice prose names a recipient that none of the notice's activities shares with."),
    "unused-declaration": (W, "A declared entry nothing refers to."),
    "missing-sharing-reason": (W, "A recipient shared with for no stated reason, in the activity or the register: the notice lists it without one."),
    "activity-without-notice": (W, "An activity that no notice covers: people are not told about it."),
})

_BASIS_GROUPS = {
    "article_6": ("article-6",),
    "annex_1": ("annex-1",),
    "article_9": ("article-9",),
    "schedule_1": ("schedule-1",),
    "criminal_offence": ("article-10", "schedule-1"),
}

_REGISTER_FILES = {"subject": "datamap/subjects.yaml", "category": "datamap/categories.yaml",
                   "source": "datamap/sources.yaml", "recipient": "datamap/recipients.yaml",
                   "legislation": "datamap/legislation.yaml", "retention": "datamap/retention.yaml"}


@rule
def duplicate_ids(ctx: Context) -> Iterator[Problem]:
    for entry in ctx.model.duplicates:
        first = ctx.model.registers[entry.kind][entry.id]
        yield problem(entry.where("id"), "duplicate-id",
                       f"{entry.kind} '{entry.id}' is already declared on line {first.where().line}")


@rule
def undeclared_references(ctx: Context) -> Iterator[Problem]:
    model = ctx.model
    for ref in model.references:
        if model.lookup(ref.kind, ref.id) is not None:
            if ref.kind == "basis":
                yield from _basis_kind(model, ref)
            continue
        if ref.id in model.declared_elsewhere.get(ref.kind, ()) \
                or ref.kind in model.unreadable_registers:
            continue  # declared in a file that is itself broken: reported there
        hint = did_you_mean(ref.id, model.declared(ref.kind))
        if PLACEHOLDER.fullmatch(ref.id):  # said once, here (checks drops its placeholder line)
            where = _REGISTER_FILES.get(ref.kind)
            what = (f"an id declared in {where}" if where else
                    "an id 'noticegen bases' lists" if ref.kind == "basis" else f"the id of a {ref.kind}")
            yield dataclasses.replace(
                problem(ref.location, f"undeclared-{ref.kind}",
                        f"placeholder {ref.id} is still to be filled in: write {what}"), placeholder=True)
            continue
        if ref.kind in _REGISTER_FILES:
            message = f"'{ref.id}' is not declared in {_REGISTER_FILES[ref.kind]}{hint}"
        elif ref.kind == "activity":
            message = f"activity '{ref.id}' is not declared (no datamap/activities/{ref.id}.yaml){hint}"
        elif ref.kind == "notice":
            message = f"notice '{ref.id}' is not declared (no notices/{ref.id}.md){hint}"
        elif ref.kind == "block":
            message = f"shared block '{ref.id}' is not declared (no notices/_blocks/{ref.id}.md){hint}"
        else:
            message = (f"'{ref.id}' is not a lawful basis in noticegen's catalogue{hint}; "
                       "'noticegen bases' lists them")
        yield problem(ref.location, f"undeclared-{ref.kind}", message)


def _basis_kind(model: Model, ref) -> Iterator[Problem]:
    basis = model.bases[ref.id]
    allowed = _BASIS_GROUPS.get(ref.context, ())
    if basis.kind not in allowed:
        yield problem(ref.location, "wrong-basis-kind",
                       f"'{ref.id}' is {basis.reference}, which does not belong under "
                       f"'{ref.context}'")


@rule
def prose_references(ctx: Context) -> Iterator[Problem]:
    """[[...]] references that name nothing, and prose naming unshared recipients."""
    model = ctx.model
    organisation = model.organisation.data if model.organisation else None
    for activity in model.activities.values():
        for block in activity_prose(activity):
            yield from _bad_references(block, organisation)
    for block in register_prose(model):
        yield from _bad_references(block, organisation)
    broken = model.declared_elsewhere.get("activity", set())
    for notice in model.notices.values():
        complete = not broken.intersection(notice.activity_ids)
        shared = {share["recipient"]
                  for ident in notice.activity_ids if ident in model.activities
                  for share in shares_of(model.activities[ident])}
        for block in notice.prose():
            yield from _bad_references(block, organisation)
            if not complete:
                continue  # an activity file is broken: its recipients are unknown
            for found in find_references(block):
                if found.kind == "recipient" and found.id in model.registers["recipient"] \
                        and found.id not in shared:
                    yield _unshared(found.location, model.registers["recipient"][found.id], notice)
            yield from _named_recipients(model, notice, block, shared)


def _bad_references(block, organisation: dict | None) -> Iterator[Problem]:
    """[[...]] that is not a reference at all, or names an organisation field not set;
    and links a notice must not make (javascript:, file:, data:, relative paths)."""
    for url, line, column in links(block.text):
        if not link_allowed(url):
            yield problem(block.anchor or Location(block.path, block.line + line, column + 1), "prose-link",
                           f"'{url[:80]}' is not allowed: prose may link only to https://, "
                           "http://, mailto: or #anchor addresses (and shows no images)")
    for found in find_references(block):
        if found.kind == "invalid":
            yield problem(found.location, "undeclared-reference",
                           f"'{found.raw}' is not a reference noticegen knows; write "
                           f"[[organisation.FIELD]] or [[KIND:ID]] with KIND one of "
                           f"{', '.join(ENTRY_KINDS)}")
        elif found.kind == "organisation" and organisation is not None:
            value = organisation_field(organisation, found.id)
            if value is None or isinstance(value, (dict, list)) and not is_translated(value):
                what = "is not set in datamap/organisation.yaml" if value is None \
                    else "is not a single value"
                yield problem(found.location, "undeclared-reference",
                               f"'organisation.{found.id}' {what}")


def _named_recipients(model: Model, notice, block, shared) -> Iterator[Problem]:
    """Prose that names, by name or alias, a recipient the notice does not share with."""
    names = {}
    for recipient in model.registers["recipient"].values():
        if recipient.id not in shared:
            for name in [*all_texts(recipient["name"]), *recipient.get("aliases", [])]:
                names.setdefault(name.lower(), recipient)
    if not names:
        return
    reported = set()
    for match in _names_pattern(tuple(sorted(names, key=len, reverse=True))).finditer(block.text):
        recipient = names[match[0].lower()]
        if recipient.id not in reported:
            reported.add(recipient.id)
            yield _unshared(block.locate(match.start()), recipient, notice, match[0])


@functools.lru_cache(maxsize=256)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern:
    """One pattern for all the names, longest first, matched as whole words."""
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)",
                      re.IGNORECASE)


def _unshared(location, recipient, notice, said=None) -> Problem:
    name = display(recipient["name"])
    said = f" ('{said}')" if said and said != name else ""
    return problem(location, "unshared-recipient",
                    f"the prose names {name}{said}, but none of the activities of "
                    f"notice '{notice.slug}' shares data with recipient '{recipient.id}'; "
                    "add it to an activity's recipients or change the prose")


@rule
def unused_declarations(ctx: Context) -> Iterator[Problem]:
    if not ctx.loaded.complete:
        return  # a broken file may hold the references; don't guess
    model = ctx.model
    used = {(ref.kind, ref.id) for ref in model.references}
    for kind, entries in model.registers.items():
        for entry in entries.values():
            if (kind, entry.id) not in used:
                yield problem(entry.where("id"), "unused-declaration",
                               f"{kind} '{entry.id}' is declared but nothing refers to it")
    for name, block in model.blocks.items():
        if ("block", name) not in used:
            yield problem(Location(block.path), "unused-declaration",
                           f"shared block '{name}' is not included by any notice")
    for stem, activity in model.activities.items():
        if ("activity", stem) not in used:
            yield problem(activity.where("name"), "activity-without-notice",
                           f"activity '{stem}' is in no notice, so nobody is told about it")



@rule
def sharing_reasons(ctx: Context) -> Iterator[Problem]:
    registers = ctx.model.registers["recipient"]
    for stem, activity in ctx.model.activities.items():
        for index, share in enumerate(activity.get("recipients", [])):
            recipient = registers.get(share["recipient"])
            if recipient is not None and not share.get("why") and not recipient.get("why") \
                    and not share.get("no_reason_given"):
                yield problem(activity.where("recipients", index), "missing-sharing-reason",
                              f"activity '{stem}' shares with '{recipient.id}' but neither it nor "
                              "datamap/recipients.yaml says why; the notice will list the "
                              "recipient without a reason: add why")
        shared = {share["recipient"] for share in activity.get("recipients", [])}
        for index, system in enumerate(activity.get("systems", [])):
            recipient = registers.get(system.get("processor", "")) if isinstance(system, dict) else None
            if recipient is not None and recipient.id not in shared and not recipient.get("why"):
                yield problem(activity.where("systems", index, "processor"), "missing-sharing-reason",
                              f"activity '{stem}' keeps data in a system run by '{recipient.id}', "
                              "but datamap/recipients.yaml does not say why it has the data; the "
                              f"notice will list it without a reason: add why to '{recipient.id}'")
