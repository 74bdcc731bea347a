"""Plan a build: every unit of it (a notice, a school's record of processing and index,
a trust's index of schools), in a fixed order, each with the digest of exactly the data it
is made from, so that an unchanged unit is not rendered again."""

from __future__ import annotations

import hashlib
import json

from noticegen import __version__
from noticegen.load import files as project_files
from noticegen.load.templates import packaged_templates
from noticegen.model.policy import FILE as POLICY
from noticegen.model.resolve import Model
from noticegen.render.documents import SCREENING
from noticegen.model.schedule import schedule_published
from noticegen.render.units import Unit
from noticegen.rules.check import CheckResult
from noticegen.site.write import sha256
from noticegen.text.i18n import N_


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str,
                                     ensure_ascii=False).encode("utf-8")).hexdigest()


def _templates_digest(model: Model, seen: dict[tuple, str]) -> str:
    """A digest of every template a build of ``model`` can use, each named by its place
    in the project (or in noticegen), never by an absolute path: a clone in another
    folder gives the same digests, so a restored build/ is not made again for nothing."""
    folders = tuple((str(p.relative_to(model.root)), p) for p in model.template_dirs) \
        + (("noticegen:templates", packaged_templates()),)
    key = tuple(str(p) for _, p in folders)
    if key not in seen:
        digests = {}
        for name, root in folders:
            try:
                found = sorted(project_files.walk(root, "")) if root.is_dir() else []
            except project_files.UnsafeFile:
                found = []  # check has reported it; the folder is not used
            for relative in found:
                if relative.endswith((".html", ".css", ".j2", ".txt", ".svg", ".png")):
                    data = project_files.read_file(root, relative, 50_000_000)
                    digests[f"{name}:{relative}"] = sha256(data)
        seen[key] = _digest(digests)
    return seen[key]


def _entries_used(model: Model, owners: set[str]) -> dict:
    """The register entries that references from ``owners`` reach, with their position."""
    positions = {kind: {ident: n for n, ident in enumerate(entries)}
                 for kind, entries in model.registers.items()}
    used: dict[str, dict] = {}
    for ref in model.references:
        if ref.owner in owners and ref.id in positions.get(ref.kind, {}):
            entry = model.registers[ref.kind][ref.id]
            used.setdefault(ref.kind, {})[ref.id] = [positions[ref.kind][ref.id], entry.data]
    return used


def _notice_digest(model: Model, slug: str, pdf: bool, diff_text: str | None, seen: dict,
                   kept: dict | None = None) -> str:
    notice = model.notices[slug]
    covered = [a for a in notice.activity_ids if a in model.activities]
    includes = [item.get("include") for item in notice.entry.get("sections") or []
                if isinstance(item, dict) and item.get("include")]
    return _digest({
        "noticegen": __version__, "templates": _templates_digest(model, seen), "pdf": pdf,
        "organisation": model.organisation.data, "establishment": _establishment(model),
        "notice": notice.entry.data, "blocks": {b.id: b.text for b in notice.blocks.values()},
        "shared": {name: model.blocks[name].text for name in includes if name in model.blocks},
        "activities": {a: model.activities[a].data for a in covered},
        "entries": _entries_used(model, {f"activity:{a}" for a in covered} | {f"notice:{slug}"}),
        "linked": {r.id: [[n.slug, n.entry["title"]] for n in model.translations(model.notices[r.id])]
                   for r in model.references
                   if r.kind == "notice" and r.owner == f"notice:{slug}" and r.id in model.notices},
        "publish_url": model.config.data.get("publish_url") if model.config is not None else None,
        "changes": diff_text,
        "alternates": [[n.slug, n.language] for n in model.translations(notice)],
        "history": kept,
    })


def _establishment(model: Model):
    return model.establishment.data if model.establishment is not None else None


def _ropa_digest(model: Model, seen: dict) -> str:
    return _digest({
        "noticegen": __version__, "templates": _templates_digest(model, seen),
        "organisation": model.organisation.data, "establishment": _establishment(model),
        "activities": {a: e.data for a, e in model.activities.items()},
        "entries": _entries_used(model, {f"activity:{a}" for a in model.activities}),
        "notices": {slug: n.activity_ids for slug, n in model.notices.items()},
    })


def _with_pdf(stem: str, pdf: bool) -> list[str]:
    return [f"{stem}.html"] + ([f"{stem}.pdf"] if pdf else [])


def _document_digest(model: Model, pdf: bool, seen: dict) -> str:
    """What a document made from the whole data map depends on: the record's data, the
    notices (which activities they tell people about, and their dates) and two settings."""
    return _digest({
        "ropa": _ropa_digest(model, seen), "pdf": pdf,
        "notices": {slug: [n.activity_ids, n.entry.get("published")] for slug, n in model.notices.items()},
        # of the settings, only what the documents show: a link to where the site is
        # published, and the language (publish_records changes only the index)
        "publish_url": (model.config.data.get("publish_url") if model.config is not None else None),
        "language": model.language,
    })


def _index_digest(model: Model, pdf: bool, seen: dict, history: bool = False) -> str:
    return _digest({
        "noticegen": __version__, "templates": _templates_digest(model, seen), "pdf": pdf,
        "history": history,
        "organisation": model.organisation["name"], "publisher": model.publisher,
        "records": model.publish_records, "schedule": schedule_published(model),
        "policy": (model.organisation.get("appropriate_policy") or {}).get("publish") and
        (model.organisation["appropriate_policy"].get("title") or ""),
        "notices": {slug: [n.entry["title"], n.entry["version"], n.entry.get("published")]
                    for slug, n in model.notices.items()},
        "forms": _form_links(model, pdf),
    })


def _form_links(model: Model, pdf: bool) -> list:
    from noticegen.render.forms import form_links

    return form_links(model, pdf)


def _form_digest(model: Model, source, pdf: bool, seen: dict) -> str:
    """A form's unit: its source entry, the activities that collect through it and what
    they name, and the notice it links to (its versions in every language)."""
    from noticegen.model.consent import collecting

    activities = collecting(model, source.id)
    notice = model.notices.get(source["form"]["notice"])
    return _digest({
        "noticegen": __version__, "templates": _templates_digest(model, seen), "pdf": pdf,
        "organisation": model.organisation.data, "establishment": _establishment(model),
        "example": model.example, "source": source.data,
        "activities": {a.id: a.data for a in activities},
        "entries": _entries_used(model, {f"activity:{a.id}" for a in activities}),
        "notices": [[n.slug, n.language, n.entry.data] for n in model.translations(notice)] if notice else None,
        "publish_url": model.config.data.get("publish_url") if model.config is not None else None,
    })


def retention_unit(model: Model, school: str | None, records: str, pdf: bool, templates: str) -> Unit:
    """The retention schedule (page, CSV, disposal calendar, PDF), kept with the records."""
    from noticegen.render.schedule import calendar_today

    outputs = [f"{records}/retention-schedule.{suffix}" for suffix in ("html", "csv", "ics")]
    if pdf:
        outputs.append(f"{records}/retention-schedule.pdf")
    prefix = f"{school}/" if school else ""
    return Unit(f"{prefix}retention", school, "retention", None, outputs, _digest({
        "noticegen": __version__, "templates": templates, "pdf": pdf,
        "publisher": model.publisher,
        "retention": {r: e.data for r, e in model.registers.get("retention", {}).items()},
        # what the schedule shows of an activity: its name, its business function, its rules
        "activities": {a: [e.get("name"), e.get("business_function"), e.get("retention")]
                       for a, e in model.activities.items()},
        "categories": {c: e.data for c, e in model.registers.get("category", {}).items()},
        "example": model.example, "language": model.language,
        "from": calendar_today(model).isoformat()}))


def models_of(result: CheckResult) -> dict[str | None, Model]:
    if result.schools:
        return {ident: school.model for ident, school in sorted(result.schools.items())}
    return {None: result.model}


RECORDS = "records"
"""The folder (a school's, in a trust) that holds the record of processing: not linked
from the index, nor made by ``build --public``, unless the project publishes it."""


def plan(result: CheckResult, pdf: bool, public: bool = False,
         history: bool = True, start_history: bool = False) -> tuple[list[Unit], dict, dict]:
    """Every unit of the build, in a fixed order, with the digest of what it is made of.
    With ``public``, only what the project publishes: a school's record of processing is
    left out unless its noticegen.yaml says ``publish_records: true``. With ``history``
    (a real build of a project that keeps a record in history/), every version of each
    notice too, at its permanent address, with the history pages and the feed; the third
    value returned is each notice's versions (see :mod:`noticegen.load.history`)."""
    seen: dict[tuple, str] = {}  # each template folder's digest, read afresh for every build
    units: list[Unit] = []
    diffs: dict[tuple, object] = {}
    versions: dict[tuple, list] = {}
    for school, model in models_of(result).items():
        prefix = f"{school}/" if school else ""
        ledger = _ledger(model, start_history) if history and school is None else None
        for slug, notice in sorted(model.notices.items()):
            outputs = [f"{prefix}notices/{slug}.html", f"{prefix}notices/{slug}.fragment.html"]
            if pdf:
                outputs.append(f"{prefix}notices/{slug}.pdf")
            diff_text = None
            if any(section.id == "changes" for section in notice.sections):
                from noticegen.load.revision import default_base
                from noticegen.model.changes import diff_revisions
                from noticegen.render.changes import as_text

                since = notice.entry.get("changes_since") or default_base(model.root)
                if (school, since) not in diffs:
                    diffs[(school, since)] = diff_revisions(model.root, since, school=school)
                diff_text = as_text(diffs[(school, since)])
            kept = None
            if ledger is not None:
                diff = diffs[(school, since)] if diff_text is not None else None
                kept = _plan_versions(model, notice, ledger, diff, pdf, versions)
                outputs += kept[0]
                units.append(Unit(f"kept/{slug}", school, "kept", slug, kept[1], _digest({
                    "files": {e.version: e.digests for e in ledger.versions(slug)}})))
            units.append(Unit(f"{prefix}notice/{slug}", school, "notice", slug, outputs,
                              _notice_digest(model, slug, pdf, diff_text, seen,
                                             kept[2] if kept is not None else None)))
        records = f"{prefix}{RECORDS}"
        if ledger is not None:
            units.append(Unit("history", school, "history", None, _site_history_outputs(model),
                              _digest({"noticegen": __version__, "templates": _templates_digest(model, seen),
                                       "versions": {s: [vars(v) for v in vs] for (_, s), vs in versions.items()},
                                       "publisher": model.publisher,
                                       "organisation": model.organisation.data,
                                       "publish_url": _publish_url(model), "language": model.language})))
        if model.publish_records or not public:
            units.append(Unit(f"{prefix}ropa", school, "ropa", None,
                              [f"{records}/ropa.html", f"{records}/ropa.csv",
                               f"{records}/ropa.xlsx", f"{records}/datamap.jsonld"],
                              _ropa_digest(model, seen)))
            # the DPIA screening report: for the DPO and the record, never published
            units.append(Unit(f"{prefix}screening", school, "screening", None,
                              _with_pdf(f"{records}/{SCREENING}", pdf),
                              _document_digest(model, pdf, seen)))
        policy = (model.organisation.get("appropriate_policy") or {}) if model.organisation else {}
        if policy and (policy.get("publish") or model.publish_records or not public):
            # the appropriate policy document: beside the notices when the organisation
            # publishes it, else kept with the records (Sch 1 para 40: for the ICO on request)
            folder = prefix if policy.get("publish") else f"{records}/"
            units.append(Unit(f"{prefix}apd", school, "apd", None,
                              _with_pdf(f"{folder}{POLICY}", pdf), _document_digest(model, pdf, seen)))
        if schedule_published(model) or not public:
            units.append(retention_unit(model, school, records, pdf, _templates_digest(model, seen)))
        for source in model.registers.get("source", {}).values():
            if source.get("form"):  # a form the school hands out (render/forms.py)
                from noticegen.render.forms import form_outputs

                units.append(Unit(f"{prefix}form/{source.id}", school, "form", source.id,
                                  [prefix + o.relative for o in form_outputs(model, source, pdf)],
                                  _form_digest(model, source, pdf, seen)))
        units.append(Unit(f"{prefix}index", school, "index", None, [f"{prefix}index.html"],
                          _index_digest(model, pdf, seen, ledger is not None)))
    if result.schools:
        models = models_of(result)
        units.append(Unit("schools", None, "schools", None, ["index.html"], _digest({
            "noticegen": __version__, "templates": _templates_digest(next(iter(models.values())), seen),
            "schools": {s: m.publisher for s, m in models.items()},
            "controller": next(iter(models.values())).organisation["name"]})))
    return units, diffs, versions


def _ledger(model: Model, start: bool):
    """The project's record of published versions, or None when it keeps none (with
    ``start``, an empty one: ``publish`` starts the record once its build has succeeded)."""
    from noticegen.load import history

    ledger = history.read(model.root, verify_files=False)
    if start and not ledger.exists:
        ledger.exists = True
    return ledger if ledger.exists and not ledger.problems else None


def _publish_url(model: Model):
    return model.config.data.get("publish_url") if model.config is not None else None


FIRST_PUBLISHED = N_("First published.")


def notice_title(model: Model, notice) -> str:
    from noticegen.model.resolve import localised

    return str(localised(model, notice.language).notices[notice.slug].entry["title"])


def current_note(model: Model, notice, diff, earlier: bool) -> list[str]:
    """The change note of a notice's version as it is now: its ``change_notes`` (in its own
    words), else the notes noticegen writes for its 'changes' section, else, for a first
    version, that it was first published."""
    from noticegen.model.resolve import localised
    from noticegen.text.i18n import gettext_for

    entry = localised(model, notice.language).notices[notice.slug].entry
    notes = entry.get("change_notes")
    if notes:
        return [str(n) if not isinstance(n, dict) else str(next(iter(n.values()))) for n in notes]
    if diff is not None:
        return [c.note for c in diff.for_notice(notice.slug, notice.language)]
    return [] if earlier else [gettext_for(notice.language)(FIRST_PUBLISHED)]


def _plan_versions(model: Model, notice, ledger, diff, pdf: bool, versions: dict):
    """A notice's versions: (the permanent addresses the notice unit makes, those the kept
    unit copies from history/, what of the record the notice's page shows)."""
    from noticegen.load import history

    slug = notice.slug
    recorded = ledger.versions(slug)
    found = history.notice_versions(ledger, notice, notice_title(model, notice),
                                    current_note(model, notice, diff, bool(recorded)), pdf)
    versions[(None, slug)] = found
    made = [f"notices/{slug}.history.html"]
    current = found[-1] if found and not found[-1].recorded else None
    if current is not None:
        made += [current.address("page"), current.address("fragment")] + ([current.address("pdf")] if pdf else [])
    copied = [history.permanent(slug, e.version, part) for e in recorded
              for part in ("page", "fragment", "pdf") if part in e.digests]
    entry = ledger.find(slug, str(notice.entry.get("version")))
    shown = {"versions": [vars(v) for v in found], "text": entry.data["text"] if entry else None}
    return made, copied, shown


def _site_history_outputs(model: Model) -> list[str]:
    languages = sorted({n.language for n in model.notices.values()} - {model.language})
    return ["history.html"] + [f"history.{language}.html" for language in languages] + ["feed.atom"]
