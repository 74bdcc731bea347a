"""Plan a build: every unit of it (a notice, a school's record of processing and index,
a trust's index of schools), in a fixed order, each with the digest of exactly the data it
is made from, so that an unchanged unit is not rendered again."""

from __future__ import annotations

import hashlib
import json

from noticegen import __version__
from noticegen.load import files as project_files
from noticegen.load.templates import packaged_templates
from noticegen.model.resolve import Model
from noticegen.render.units import Unit
from noticegen.rules.check import CheckResult
from noticegen.site.write import sha256


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


def _notice_digest(model: Model, slug: str, pdf: bool, diff_text: str | None, seen: dict) -> str:
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


def _index_digest(model: Model, pdf: bool, seen: dict) -> str:
    return _digest({
        "noticegen": __version__, "templates": _templates_digest(model, seen), "pdf": pdf,
        "organisation": model.organisation["name"], "publisher": model.publisher,
        "records": model.publish_records,
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


def models_of(result: CheckResult) -> dict[str | None, Model]:
    if result.schools:
        return {ident: school.model for ident, school in sorted(result.schools.items())}
    return {None: result.model}


RECORDS = "records"
"""The folder (a school's, in a trust) that holds the record of processing: not linked
from the index, nor made by ``build --public``, unless the project publishes it."""


def plan(result: CheckResult, pdf: bool, public: bool = False) -> tuple[list[Unit], dict]:
    """Every unit of the build, in a fixed order, with the digest of what it is made of.
    With ``public``, only what the project publishes: a school's record of processing is
    left out unless its noticegen.yaml says ``publish_records: true``."""
    seen: dict[tuple, str] = {}  # each template folder's digest, read afresh for every build
    units: list[Unit] = []
    diffs: dict[tuple, object] = {}
    for school, model in models_of(result).items():
        prefix = f"{school}/" if school else ""
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
            units.append(Unit(f"{prefix}notice/{slug}", school, "notice", slug, outputs,
                              _notice_digest(model, slug, pdf, diff_text, seen)))
        if model.publish_records or not public:
            records = f"{prefix}{RECORDS}"
            units.append(Unit(f"{prefix}ropa", school, "ropa", None,
                              [f"{records}/ropa.html", f"{records}/ropa.csv",
                               f"{records}/ropa.xlsx", f"{records}/datamap.jsonld"],
                              _ropa_digest(model, seen)))
        for source in model.registers.get("source", {}).values():
            if source.get("form"):  # a form the school hands out (render/forms.py)
                from noticegen.render.forms import form_outputs

                units.append(Unit(f"{prefix}form/{source.id}", school, "form", source.id,
                                  [prefix + o.relative for o in form_outputs(model, source, pdf)],
                                  _form_digest(model, source, pdf, seen)))
        units.append(Unit(f"{prefix}index", school, "index", None, [f"{prefix}index.html"],
                          _index_digest(model, pdf, seen)))
    if result.schools:
        models = models_of(result)
        units.append(Unit("schools", None, "schools", None, ["index.html"], _digest({
            "noticegen": __version__, "templates": _templates_digest(next(iter(models.values())), seen),
            "schools": {s: m.publisher for s, m in models.items()},
            "controller": next(iter(models.values())).organisation["name"]})))
    return units, diffs
