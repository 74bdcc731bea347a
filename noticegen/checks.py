"""Check: the cross-reference and completeness rules run on the resolved model.

Each rule has a stable id, a default severity and a one-line summary (``RULES``;
``noticegen rules`` prints them). Rules only see files that loaded and passed their
schema (schema first, cross-references second), and each problem is placed at the
value it is about. A project's ``noticegen.yaml`` may change a rule's severity or
turn it off, with its reason in a comment.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from noticegen.model import BUILT_IN_SECTIONS, Model, activity_prose, resolve
from noticegen.problems import Location, Problem, Problems, Severity
from noticegen.project import INTRODUCTION, LoadedProject, load_project, load_trust, school_ids
from noticegen.prose import ENTRY_KINDS, find_references, link_allowed, links, organisation_field
from noticegen.validate import did_you_mean

E, W = Severity.ERROR, Severity.WARNING

RULES: dict[str, tuple[Severity, str]] = {
    # Loading and schemas (reported by noticegen.loader, noticegen.project, noticegen.validate)
    "yaml-syntax": (E, "The file is not valid YAML."),
    "duplicate-key": (E, "A mapping sets the same key twice (YAML would keep only the last)."),
    "yaml-tag": (E, "A tag other than YAML's core ones (e.g. !!python/object) or a value its tag cannot read."),
    "yaml-key": (E, "A key that is a list or mapping."),
    "yaml-merge-key": (E, "A merge key (<<); write the keys out."),
    "recursive-alias": (E, "An alias refers to a value that contains it."),
    "too-many-values": (E, "Too many values after alias expansion (a 'billion laughs')."),
    "too-deep": (E, "Values nested deeper than a data map needs."),
    "not-a-mapping": (E, "The file's top level is not a mapping."),
    "empty-file": (E, "The file is empty."),
    "encoding": (E, "The file is not UTF-8."),
    "file-too-large": (E, "The file is larger than a data-map file can sensibly be."),
    "unreadable": (E, "The file cannot be read."),
    "outside-project": (E, "The file is a link to somewhere outside the project."),
    "missing-file": (E, "A file every project needs is missing."),
    "file-name": (E, "A file name that is not a valid id."),
    "ignored-file": (W, "A file noticegen does not read (e.g. .yml instead of .yaml)."),
    "front-matter": (E, "A notice without YAML front matter between '---' lines."),
    "block-id": (E, "A prose block marker with an invalid section id."),
    "duplicate-block": (E, "Two prose blocks for the same section in one notice."),
    "schema": (E, "A value does not match the file kind's JSON Schema."),
    "placeholder": (E, "A TODO(...) placeholder, as `noticegen init` writes them, not yet filled in."),
    # Cross-references
    "duplicate-id": (E, "Two entries of one register share an id."),
    **{f"undeclared-{kind}": (E, f"A reference to a {kind} id that is not declared.")
       for kind in ("subject", "category", "source", "recipient", "legislation", "retention",
                    "activity", "basis", "block")},
    "wrong-basis-kind": (E, "A lawful basis listed under the wrong article (e.g. an Art 9 condition under article_6)."),
    "undeclared-reference": (E, "A [[...]] prose reference to something the data map does not declare."),
    "prose-link": (E, "A prose link to something other than an http(s), mailto or #anchor address."),
    "unshared-recipient": (E, "Notice prose names a recipient that none of the notice's activities shares with."),
    "unknown-section": (E, "A notice section that is neither built in nor has prose."),
    "duplicate-section": (E, "A notice lists the same section twice."),
    "unused-block": (W, "A prose block in a notice body that no section shows."),
    "unused-declaration": (W, "A declared entry nothing refers to."),
    "activity-without-notice": (W, "An activity that no notice covers: people are not told about it."),
    # Completeness (UK GDPR Art 13, 14 and 30; DPA 2018)
    "missing-article-9-condition": (E, "Special category data without an Art 9 condition."),
    "missing-schedule-1-condition": (E, "An Art 9 condition that needs a DPA 2018 Schedule 1 condition (s10) without one."),
    "missing-criminal-condition": (E, "Criminal offence data without an Art 10 condition."),
    "missing-legitimate-interests": (E, "Legitimate interests as a basis without the interests stated (Art 13(1)(d))."),
    "legitimate-interests-public-authority": (W, "A public authority relying on legitimate interests (Art 6(1) closing words)."),
    "missing-transfer-safeguard": (E, "A transfer outside the UK without its safeguard (Art 13(1)(f))."),
    "missing-appropriate-policy-document": (W, "A Schedule 1 condition that needs an appropriate policy document, and none is declared."),
    "missing-contact": (E, "No DPO and no privacy contact (Art 13(1)(b))."),
    "missing-dpo": (W, "A public authority without a Data Protection Officer (Art 37)."),
    "missing-source": (W, "An activity without sources (Art 14(2)(f))."),
    "review-overdue": (W, "A notice whose review date has passed."),
    "unknown-rule": (E, "noticegen.yaml names a rule that does not exist."),
    # Trusts: schools laid over the trust's base
    "overlay-remove": (E, "A school's remove: names something it does not inherit (or remove: sits in the trust's own files)."),
    "overlay-extends": (E, "A school extends a school that does not exist."),
    "overlay-cycle": (E, "Schools that extend each other in a circle."),
}

_PUBLIC_AUTHORITIES = ("school", "trust", "local-authority")

_BASIS_GROUPS = {
    "article_6": ("article-6",),
    "article_9": ("article-9",),
    "schedule_1": ("schedule-1",),
    "criminal_offence": ("article-10", "schedule-1"),
}

_REGISTER_FILES = {"subject": "datamap/subjects.yaml", "category": "datamap/categories.yaml",
                   "source": "datamap/sources.yaml", "recipient": "datamap/recipients.yaml",
                   "legislation": "datamap/legislation.yaml", "retention": "datamap/retention.yaml"}


@dataclass
class CheckResult:
    problems: list[Problem]
    model: Model | None
    loaded: LoadedProject | None
    schools: dict[str, "CheckResult"] = field(default_factory=dict)
    """For a trust: each school's own result (its model is what gets built)."""
    files: set[str] = field(default_factory=set)

    def failed(self, strict: bool = False) -> bool:
        return any(strict or p.severity is E for p in self.problems)


def check_project(root: Path, today: dt.date | None = None, remember: bool = False) -> CheckResult:
    """Load, validate, resolve and check the project (or every school of the trust) at
    ``root``; collect every problem.

    With ``remember`` (the ``check`` command), a check without errors keeps the digests
    of the valid documents in ``build/.noticegen-cache.json`` for the next run; other
    commands read that cache but never write it, so ``build`` changes nothing in
    ``build/`` but its outputs."""
    from noticegen import validate

    validate.load_cache(root)
    if school_ids(root) and (Path(root) / "datamap").is_dir():
        result = _check_trust(Path(root), today)
    else:
        result = check_loaded(load_project(root), today)
    if remember and not result.failed():
        validate.save_cache(root)
    return result


def check_loaded(loaded: LoadedProject, today: dt.date | None = None) -> CheckResult:
    model = resolve(loaded)
    problems = Problems()
    problems.extend(loaded.problems)
    context = _Context(model, loaded, today or dt.date.today())
    for rule in _RULE_FUNCTIONS:
        problems.extend(rule(context))
    return CheckResult(_apply_config(model, problems), model, loaded, files=set(loaded.files))


_USED_ELSEWHERE = ("unused-declaration", "activity-without-notice")


def _check_trust(root: Path, today: dt.date | None) -> CheckResult:
    """Check every school; a problem in the trust's own files is reported once if every
    school has it, and otherwise once per school that has it, naming the school."""
    schools, trust_problems = load_trust(root)
    results = {ident: check_loaded(loaded, today) for ident, loaded in schools.items()}
    holders: dict[Problem, list[str]] = {}
    for ident, result in results.items():
        for problem in result.problems:
            holders.setdefault(problem, []).append(ident)
    merged = list(trust_problems)
    for problem, idents in holders.items():
        if problem.location.path.startswith("schools/") or len(idents) == len(results):
            merged.append(problem)
        elif problem.rule in _USED_ELSEWHERE:
            continue  # another school uses it
        else:
            merged.extend(Problem(problem.location, problem.rule,
                                  f"{problem.message} (school {ident})", problem.severity)
                          for ident in idents)
    files = set().union(*(r.files for r in results.values())) if results else set()
    return CheckResult(sorted(set(merged), key=Problem.sort_key), None, None, results, files)


@dataclass
class _Context:
    model: Model
    loaded: LoadedProject
    today: dt.date


_RULE_FUNCTIONS: list[Callable[[_Context], Iterator[Problem]]] = []


def _rule(function):
    _RULE_FUNCTIONS.append(function)
    return function


def _problem(location: Location, rule: str, message: str) -> Problem:
    return Problem(location, rule, message, RULES[rule][0])


@_rule
def overlay_removals(ctx: _Context) -> Iterator[Problem]:
    for ref in ctx.model.overlay_problems:
        if ref.owner == "base":
            message = ("remove: belongs in a school's overlay (schools/<id>/...); the trust's "
                       "own files declare what exists")
        else:
            message = (f"{ref.kind} '{ref.id}' is not inherited, so there is nothing to remove"
                       f"{did_you_mean(ref.id, ctx.model.declared(ref.kind))}")
        yield _problem(ref.location, "overlay-remove", message)


@_rule
def duplicate_ids(ctx: _Context) -> Iterator[Problem]:
    for entry in ctx.model.duplicates:
        first = ctx.model.registers[entry.kind][entry.id]
        yield _problem(entry.where("id"), "duplicate-id",
                       f"{entry.kind} '{entry.id}' is already declared on line {first.where().line}")


@_rule
def undeclared_references(ctx: _Context) -> Iterator[Problem]:
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
        if ref.kind in _REGISTER_FILES:
            message = f"'{ref.id}' is not declared in {_REGISTER_FILES[ref.kind]}{hint}"
        elif ref.kind == "activity":
            message = f"activity '{ref.id}' is not declared (no datamap/activities/{ref.id}.yaml){hint}"
        elif ref.kind == "block":
            message = f"shared block '{ref.id}' is not declared (no notices/_blocks/{ref.id}.md){hint}"
        else:
            message = (f"'{ref.id}' is not a lawful basis in noticegen's catalogue{hint}; "
                       "'noticegen bases' lists them")
        yield _problem(ref.location, f"undeclared-{ref.kind}", message)


def _basis_kind(model: Model, ref) -> Iterator[Problem]:
    basis = model.bases[ref.id]
    allowed = _BASIS_GROUPS.get(ref.context, ())
    if basis.kind not in allowed:
        yield _problem(ref.location, "wrong-basis-kind",
                       f"'{ref.id}' is {basis.reference}, which does not belong under "
                       f"'{ref.context}'")


@_rule
def prose_references(ctx: _Context) -> Iterator[Problem]:
    """[[...]] references that name nothing, and prose naming unshared recipients."""
    model = ctx.model
    organisation = model.organisation.data if model.organisation else None
    for activity in model.activities.values():
        for block in activity_prose(activity):
            yield from _bad_references(block, organisation)
    broken = model.declared_elsewhere.get("activity", set())
    for notice in model.notices.values():
        complete = not broken.intersection(notice.activity_ids)
        shared = {share["recipient"]
                  for ident in notice.activity_ids if ident in model.activities
                  for share in model.activities[ident].get("recipients", [])}
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
            yield _problem(block.anchor or Location(block.path, block.line + line, column + 1), "prose-link",
                           f"'{url[:80]}' is not allowed: prose may link only to https://, "
                           "http://, mailto: or #anchor addresses (and shows no images)")
    for found in find_references(block):
        if found.kind == "invalid":
            yield _problem(found.location, "undeclared-reference",
                           f"'{found.raw}' is not a reference noticegen knows; write "
                           f"[[organisation.FIELD]] or [[KIND:ID]] with KIND one of "
                           f"{', '.join(ENTRY_KINDS)}")
        elif found.kind == "organisation" and organisation is not None:
            value = organisation_field(organisation, found.id)
            if value is None or isinstance(value, (dict, list)):
                what = "is not set in datamap/organisation.yaml" if value is None \
                    else "is not a single value"
                yield _problem(found.location, "undeclared-reference",
                               f"'organisation.{found.id}' {what}")


def _named_recipients(model: Model, notice, block, shared) -> Iterator[Problem]:
    """Prose that names, by name or alias, a recipient the notice does not share with."""
    names = {}
    for recipient in model.registers["recipient"].values():
        if recipient.id not in shared:
            for name in [recipient["name"], *recipient.get("aliases", [])]:
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
    said = f" ('{said}')" if said and said != recipient["name"] else ""
    return _problem(location, "unshared-recipient",
                    f"the prose names {recipient['name']}{said}, but none of the activities of "
                    f"notice '{notice.slug}' shares data with recipient '{recipient.id}'; "
                    "add it to an activity's recipients or change the prose")


@_rule
def notice_sections(ctx: _Context) -> Iterator[Problem]:
    for notice in ctx.model.notices.values():
        seen: dict[str, int] = {}
        for index, section in enumerate(notice.sections):
            if section.id in seen:
                yield _problem(section.location, "duplicate-section",
                               f"section '{section.id}' is already listed on line {seen[section.id]}")
            seen.setdefault(section.id, section.location.line)
            include = notice.entry["sections"][index].get("include") \
                if notice.entry.get("sections") and isinstance(notice.entry["sections"][index], dict) else None
            if not section.built_in and section.block is None and not include:
                yield _problem(section.location, "unknown-section",
                               f"section '{section.id}' is not built in "
                               f"({', '.join(BUILT_IN_SECTIONS)}){did_you_mean(section.id, BUILT_IN_SECTIONS)} "
                               f"and has no prose: add a '<!-- section: {section.id} -->' block "
                               "or an include")
        for block in notice.blocks.values():
            if block.id != INTRODUCTION and block.id not in seen:
                yield _problem(Location(block.path, block.line - 1, 1), "unused-block",
                               f"prose block '{block.id}' is not shown: no section of the notice "
                               f"has id '{block.id}'{did_you_mean(block.id, seen)}")


@_rule
def unused_declarations(ctx: _Context) -> Iterator[Problem]:
    if not ctx.loaded.complete:
        return  # a broken file may hold the references; don't guess
    model = ctx.model
    used = {(ref.kind, ref.id) for ref in model.references}
    for kind, entries in model.registers.items():
        for entry in entries.values():
            if (kind, entry.id) not in used:
                yield _problem(entry.where("id"), "unused-declaration",
                               f"{kind} '{entry.id}' is declared but nothing refers to it")
    for name, block in model.blocks.items():
        if ("block", name) not in used:
            yield _problem(Location(block.path), "unused-declaration",
                           f"shared block '{name}' is not included by any notice")
    for stem, activity in model.activities.items():
        if ("activity", stem) not in used:
            yield _problem(activity.where("name"), "activity-without-notice",
                           f"activity '{stem}' is in no notice, so nobody is told about it")


@_rule
def lawful_basis_completeness(ctx: _Context) -> Iterator[Problem]:
    model = ctx.model
    organisation = model.organisation.data if model.organisation else {}
    apd_needed_at = None
    for activity in model.activities.values():
        basis = activity["lawful_basis"]
        categories = [(i, model.registers["category"].get(c)) for i, c in enumerate(activity["categories"])]
        special = [i for i, c in categories if c is not None and c["type"] == "special"]
        criminal = [i for i, c in categories if c is not None and c["type"] == "criminal"]
        if special and not basis.get("article_9"):
            yield _problem(activity.where("categories", special[0]), "missing-article-9-condition",
                           f"'{activity['categories'][special[0]]}' is special category data, so "
                           "lawful_basis needs an article_9 condition")
        for index, ident in enumerate(basis.get("article_9", [])):
            condition = model.bases.get(ident)
            if condition is not None and condition.needs_schedule_1 and not basis.get("schedule_1"):
                yield _problem(activity.where("lawful_basis", "article_9", index),
                               "missing-schedule-1-condition",
                               f"{condition.reference} needs a DPA 2018 Schedule 1 condition too "
                               "(s10): add lawful_basis.schedule_1")
        if criminal and not basis.get("criminal_offence"):
            yield _problem(activity.where("categories", criminal[0]), "missing-criminal-condition",
                           f"'{activity['categories'][criminal[0]]}' is criminal offence data, so "
                           "lawful_basis needs a criminal_offence condition (Art 10)")
        for index, ident in enumerate(basis["article_6"]):
            if ident in ("art6-1-f", "art6-1-ea"):
                if not basis.get("legitimate_interests"):
                    yield _problem(activity.where("lawful_basis", "article_6", index),
                                   "missing-legitimate-interests",
                                   f"{model.bases[ident].reference} needs the interests stated: "
                                   "add lawful_basis.legitimate_interests")
                if organisation.get("kind") in _PUBLIC_AUTHORITIES:
                    yield _problem(activity.where("lawful_basis", "article_6", index),
                                   "legitimate-interests-public-authority",
                                   f"a {organisation['kind']} is a public authority: "
                                   f"{model.bases[ident].reference} does not cover processing in "
                                   "the performance of its tasks; is public task (art6-1-e) meant?")
        for group in ("schedule_1", "criminal_offence"):
            for index, ident in enumerate(basis.get(group, [])):
                condition = model.bases.get(ident)
                if condition is not None and condition.appropriate_policy_document \
                        and apd_needed_at is None:
                    apd_needed_at = (activity.where("lawful_basis", group, index), condition)
    if apd_needed_at and model.organisation and not organisation.get("appropriate_policy_document"):
        location, condition = apd_needed_at
        yield _problem(location, "missing-appropriate-policy-document",
                       f"{condition.reference} needs an appropriate policy document (DPA 2018 "
                       "Sch 1 Part 4): set appropriate_policy_document in datamap/organisation.yaml")


@_rule
def transfers(ctx: _Context) -> Iterator[Problem]:
    model = ctx.model
    used = {ref.id for ref in model.references if ref.kind == "recipient"}
    for recipient in model.registers["recipient"].values():
        country = recipient.get("country", "GB")
        if country != "GB" and recipient.id in used and not recipient.get("transfer_safeguard"):
            yield _problem(recipient.where("country"), "missing-transfer-safeguard",
                           f"recipient '{recipient.id}' is in {country}, outside the UK: "
                           "state the transfer_safeguard relied on")
    for activity in model.activities.values():
        for index, transfer in enumerate(activity.get("transfers", [])):
            if not transfer.get("safeguard") and transfer["country"] != "GB":
                yield _problem(activity.where("transfers", index), "missing-transfer-safeguard",
                               f"the transfer to {transfer['country']} needs its safeguard "
                               "(adequacy regulations, IDTA or another Art 46 safeguard)")


@_rule
def organisation_contacts(ctx: _Context) -> Iterator[Problem]:
    organisation = ctx.model.organisation
    if organisation is None:
        return
    if not organisation.get("dpo") and not organisation.get("privacy_contact"):
        yield _problem(organisation.where(key=True), "missing-contact",
                       "give the DPO's contact details (dpo) or a privacy_contact: a notice "
                       "must say whom to ask (Art 13(1)(b))")
    elif not organisation.get("dpo") and organisation.get("kind") in _PUBLIC_AUTHORITIES:
        yield _problem(organisation.where(key=True), "missing-dpo",
                       f"a {organisation['kind']} is a public authority and must appoint a "
                       "Data Protection Officer (Art 37): add dpo")


@_rule
def sources_given(ctx: _Context) -> Iterator[Problem]:
    for stem, activity in ctx.model.activities.items():
        if not activity.get("sources"):
            yield _problem(activity.where("name"), "missing-source",
                           f"activity '{stem}' lists no sources; where data does not come from "
                           "the person, the notice must say where it does (Art 14(2)(f))")


@_rule
def review_dates(ctx: _Context) -> Iterator[Problem]:
    for notice in ctx.model.notices.values():
        reviewed, every = notice.entry.get("last_reviewed"), notice.entry.get("review_every_months")
        if not reviewed or not every:
            continue
        due = add_months(dt.date.fromisoformat(reviewed), every)
        if due < ctx.today:
            yield _problem(notice.entry.where("last_reviewed"), "review-overdue",
                           f"notice '{notice.slug}' was due for review on {due.isoformat()} "
                           f"(last reviewed {reviewed}, every {every} months)")


def add_months(date: dt.date, months: int) -> dt.date:
    month = date.month - 1 + months
    year, month = date.year + month // 12, month % 12 + 1
    return date.replace(year=year, month=month,
                        day=min(date.day, calendar.monthrange(year, month)[1]))


def _apply_config(model: Model, problems: Problems) -> list[Problem]:
    """Apply noticegen.yaml's severity changes; report rules it names that do not exist."""
    settings = model.config.data.get("rules", {}) if model.config else {}
    result = []
    for problem in problems.sorted():
        setting = settings.get(problem.rule)
        if setting == "off":
            continue
        if setting is not None:
            problem = Problem(problem.location, problem.rule, problem.message, Severity(setting))
        result.append(problem)
    for name in settings:
        if name not in RULES:
            location = model.config.locate(("rules", name), key=True)
            result.append(_problem(location, "unknown-rule",
                                   f"there is no rule '{name}'{did_you_mean(name, RULES)}; "
                                   "'noticegen rules' lists them"))
    return sorted(result, key=Problem.sort_key)

