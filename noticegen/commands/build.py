"""Build: the whole ``noticegen build``, read top to bottom.

check → plan the outputs as *units* (one per notice: its page, fragment and PDF; one
ROPA and one index per school; an index of schools for a trust) → skip every unit whose
inputs have not changed since the last build (the manifest records a digest of exactly
the data each unit was made from) → render the rest, in parallel processes with
``--jobs`` → write everything atomically with a new manifest. A build refuses to render
when check finds errors. ``--shard I/N`` builds a deterministic 1/N of the units, so a CI
matrix can split a very large estate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from noticegen import __version__

from noticegen.load import files as project_files
from noticegen.rules.check import CheckResult, check_project
from noticegen.model.derive import notice_view
from noticegen.model.resolve import Model
from noticegen.render.html import Renderer, packaged_templates
from noticegen.render.ropa import build_ropa, to_csv, to_xlsx
from noticegen.problems import NoticegenError
from noticegen.site.write import BuildWriter, sha256

EPOCH_FALLBACK = "2000-01-01"


@dataclass
class Unit:
    """A piece of the build rendered as one: its outputs depend on the same data."""

    key: str
    school: str | None
    kind: str  # notice, ropa, index, schools
    slug: str | None
    outputs: list[str]
    digest: str = ""


@dataclass
class BuildResult:
    check: CheckResult
    manifest: dict | None = None
    outputs: list[str] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    """Keys of the units rendered this time (the rest were unchanged)."""
    changed: bool = True
    """False when build/ was already up to date and nothing was written."""
    units: list[Unit] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds spent per stage (check, html, pdf, ropa, index), summed over processes."""


def _epoch(date: str | None) -> int:
    """A notice's publication date as the PDF's SOURCE_DATE_EPOCH."""
    try:
        day = dt.date.fromisoformat(date or EPOCH_FALLBACK)
    except ValueError:  # a placeholder, in a draft
        day = dt.date.fromisoformat(EPOCH_FALLBACK)
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str,
                                     ensure_ascii=False).encode("utf-8")).hexdigest()


_TEMPLATE_DIGESTS: dict[tuple, str] = {}


def _templates_digest(model: Model) -> str:
    """A digest of every template a build of ``model`` can use, each named by its place
    in the project (or in noticegen), never by an absolute path: a clone in another
    folder gives the same digests, so a restored build/ is not made again for nothing."""
    folders = tuple((str(p.relative_to(model.root)), p) for p in model.template_dirs) \
        + (("noticegen:templates", packaged_templates()),)
    key = tuple(str(p) for _, p in folders)
    if key not in _TEMPLATE_DIGESTS:
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
        _TEMPLATE_DIGESTS[key] = _digest(digests)
    return _TEMPLATE_DIGESTS[key]


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


def _notice_digest(model: Model, slug: str, pdf: bool, diff_text: str | None) -> str:
    notice = model.notices[slug]
    covered = [a for a in notice.activity_ids if a in model.activities]
    includes = [item.get("include") for item in notice.entry.get("sections") or []
                if isinstance(item, dict) and item.get("include")]
    return _digest({
        "noticegen": __version__, "templates": _templates_digest(model), "pdf": pdf,
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


def _ropa_digest(model: Model) -> str:
    return _digest({
        "noticegen": __version__, "templates": _templates_digest(model),
        "organisation": model.organisation.data, "establishment": _establishment(model),
        "activities": {a: e.data for a, e in model.activities.items()},
        "entries": _entries_used(model, {f"activity:{a}" for a in model.activities}),
        "notices": {slug: n.activity_ids for slug, n in model.notices.items()},
    })


def _index_digest(model: Model, pdf: bool) -> str:
    return _digest({
        "noticegen": __version__, "templates": _templates_digest(model), "pdf": pdf,
        "organisation": model.organisation["name"], "publisher": model.publisher,
        "notices": {slug: [n.entry["title"], n.entry["version"], n.entry.get("published")]
                    for slug, n in model.notices.items()},
    })


def _models(result: CheckResult) -> dict[str | None, Model]:
    if result.schools:
        return {ident: school.model for ident, school in sorted(result.schools.items())}
    return {None: result.model}


def plan(result: CheckResult, pdf: bool) -> tuple[list[Unit], dict]:
    """Every unit of the build, in a fixed order, with the digest of what it is made of."""
    _TEMPLATE_DIGESTS.clear()  # templates are read afresh for every build
    units: list[Unit] = []
    diffs: dict[tuple, object] = {}
    for school, model in _models(result).items():
        prefix = f"{school}/" if school else ""
        for slug, notice in sorted(model.notices.items()):
            outputs = [f"{prefix}notices/{slug}.html", f"{prefix}notices/{slug}.fragment.html"]
            if pdf:
                outputs.append(f"{prefix}notices/{slug}.pdf")
            diff_text = None
            if any(section.id == "changes" for section in notice.sections):
                from noticegen.commands.diff import as_text, default_base, diff_project

                since = notice.entry.get("changes_since") or default_base(model.root)
                if (school, since) not in diffs:
                    diffs[(school, since)] = diff_project(model.root, since, school=school)
                diff_text = as_text(diffs[(school, since)])
            units.append(Unit(f"{prefix}notice/{slug}", school, "notice", slug, outputs,
                              _notice_digest(model, slug, pdf, diff_text)))
        units.append(Unit(f"{prefix}ropa", school, "ropa", None,
                          [f"{prefix}ropa/ropa.html", f"{prefix}ropa/ropa.csv",
                           f"{prefix}ropa/ropa.xlsx", f"{prefix}ropa/datamap.jsonld"],
                          _ropa_digest(model)))
        units.append(Unit(f"{prefix}index", school, "index", None, [f"{prefix}index.html"],
                          _index_digest(model, pdf)))
    if result.schools:
        models = _models(result)
        units.append(Unit("schools", None, "schools", None, ["index.html"], _digest({
            "noticegen": __version__, "templates": _templates_digest(next(iter(models.values()))),
            "schools": {s: m.publisher for s, m in models.items()},
            "controller": next(iter(models.values())).organisation["name"]})))
    return units, diffs


# ------------------------------------------------------------------ rendering

_WORK: dict = {}
"""What worker processes render from: set before the pool forks, inherited by it."""


def _renderer(school: str | None) -> Renderer:
    renderers = _WORK.setdefault("renderers", {})
    if school not in renderers:
        renderers[school] = Renderer(_WORK["models"][school], draft=_WORK.get("draft", False))
    return renderers[school]


def _render_notice(unit: Unit) -> tuple[str, dict[str, bytes], dict[str, float]]:
    """A worker's task: the unit's files, all at once, and the time each stage took."""
    timings: dict[str, float] = {}
    files = dict(_timed(_notice_files(unit), timings))
    return unit.key, files, timings


def _timed(files, timings: dict[str, float]):
    """Pass the files on, adding the time each took to its stage (html or pdf)."""
    started = time.perf_counter()
    for relative, data in files:
        stage = "pdf" if relative.endswith(".pdf") else "html"
        now = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + now - started
        yield relative, data
        started = time.perf_counter()


def _notice_files(unit: Unit):
    """A notice's page, fragment and PDF, each yielded as soon as it is made."""
    model = _WORK["models"][unit.school]
    renderer = _renderer(unit.school)
    notice = model.notices[unit.slug]
    diff = None
    if any(section.id == "changes" for section in notice.sections):
        from noticegen.commands.diff import default_base

        since = notice.entry.get("changes_since") or default_base(model.root)
        diff = _WORK["diffs"][(unit.school, since)]
    view = notice_view(model, notice, diff)
    pdf = len(unit.outputs) == 3
    yield unit.outputs[0], renderer.render("notice.html", view=view, alternates=alternates(model, notice),
                                           pdf_name=f"{unit.slug}.pdf" if pdf else "").encode()
    yield unit.outputs[1], renderer.render("notice-fragment.html", view=view).encode()
    if pdf:
        from noticegen.render.pdf import write_pdf

        source = renderer.render("notice-pdf.html", view=view, notice_links="pdf")
        yield unit.outputs[2], write_pdf(source, model.root, model.template_dirs + [packaged_templates()],
                                         _epoch(notice.entry.get("published")),
                                         f"{(unit.school + '/') if unit.school else ''}notices/{unit.slug}.md")


def alternates(model: Model, notice) -> list[dict]:
    """The notice's versions in every language (itself included), for the page's
    hreflang links and its language switcher; empty when it has no other version."""
    from noticegen.text.i18n import language_name

    versions = model.translations(notice)
    if len(versions) < 2:
        return []
    return [{"language": v.language, "href": f"{v.slug}.html", "name": language_name(v.language)}
            for v in versions]


def _render_other(unit: Unit) -> dict[str, bytes]:
    if unit.kind == "schools":
        models = _WORK["models"]
        first = next(iter(models))
        return {"index.html": _renderer(first).render(
            "schools.html", schools=[(s, m.publisher) for s, m in models.items()],
            organisation=models[first].organisation).encode()}
    model = _WORK["models"][unit.school]
    renderer = _renderer(unit.school)
    if unit.kind == "ropa":
        ropa = build_ropa(model)
        from noticegen.render.dpv import to_jsonld
        from noticegen.text.i18n import gettext_for

        _ = gettext_for(model.language)
        title = _("Record of processing activities") + f" – {model.publisher}"
        return {unit.outputs[0]: renderer.render("ropa.html", ropa=ropa, title=title).encode(),
                unit.outputs[1]: to_csv(ropa), unit.outputs[2]: to_xlsx(ropa, title),
                unit.outputs[3]: to_jsonld(model)}
    pdf = _WORK["pdf"]
    notices = []
    for slug, notice in sorted(model.notices.items()):
        files = {"html": f"notices/{slug}.html", "fragment": f"notices/{slug}.fragment.html",
                 "pdf": f"notices/{slug}.pdf" if pdf else None}
        notices.append((notice_view(model, notice), files))
    return {unit.outputs[0]: renderer.render("index.html", organisation=model.organisation,
                                             publisher=model.publisher,
                                             notices=notices).encode()}


def _parse_shard(shard: tuple[int, int] | None) -> tuple[int, int]:
    index, count = shard or (1, 1)
    if not (count >= 1 and 1 <= index <= count):
        raise ValueError(f"shard {index}/{count}: I must be between 1 and N")
    return index, count


def build_project(root: Path, pdf: bool = True,
                  progress: Callable[[int, int, str], None] | None = None, strict: bool = False,
                  today: dt.date | None = None, jobs: int | None = None,
                  shard: tuple[int, int] | None = None, draft: bool = False) -> BuildResult:
    """Check, then build. With ``draft``, placeholders do not stop the build: every page
    says it is a draft, each value still to fill in or confirm is marked, and the whole
    draft goes into build/draft/, which the next real build removes (a publishing step
    takes what a real build leaves in build/, never a draft)."""
    root = Path(root)
    started = time.perf_counter()
    result = BuildResult(check_project(root, today, strict=strict))
    result.timings["check"] = time.perf_counter() - started
    if result.check.failed(strict, draft):
        return result
    index, count = _parse_shard(shard)
    units, diffs = plan(result.check, pdf)
    mine = [u for position, u in enumerate(units) if position % count == index - 1]
    result.units = mine
    manifest_name = "manifest.json" if count == 1 else f"manifest-shard-{index}-of-{count}.json"
    writer = BuildWriter(root, manifest=manifest_name, sweep=count == 1,
                         folder="build/draft" if draft else "build")
    previous = writer.previous_manifest()
    stale = [u for u in mine if not writer.unchanged(previous, u.key, u.digest, u.outputs)]
    result.rendered = [u.key for u in stale]

    _WORK.clear()
    _WORK.update(models=_models(result.check), diffs=diffs, pdf=pdf, draft=draft)
    total, done = len(stale), 0

    def tick(name: str) -> None:
        nonlocal done
        if progress is not None:
            progress(done, total, name)
        done += 1

    try:
        notice_units = [u for u in stale if u.kind == "notice"]
        workers = min(jobs or os.cpu_count() or 1, len(notice_units))
        if workers > 1:
            if pdf:
                import weasyprint  # noqa: F401  -- imported once, before the workers fork
            context = multiprocessing.get_context("fork")
            # A process pool that notices a worker dying (the out-of-memory killer, a
            # signal): the build then fails at once instead of waiting for it forever.
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                futures = [pool.submit(_render_notice, unit) for unit in notice_units]
                try:
                    for future in as_completed(futures):
                        key, files, timings = future.result()
                        tick(key)
                        for stage, seconds in timings.items():
                            result.timings[stage] = result.timings.get(stage, 0.0) + seconds
                        for relative, data in files.items():
                            writer.add(relative, data)
                except BrokenProcessPool:
                    raise NoticegenError(
                        "a render process stopped before it finished (killed, perhaps for lack "
                        "of memory); nothing in build/ was changed. Try again, with fewer "
                        "--jobs if memory is short") from None
        else:
            for unit in notice_units:
                tick(unit.key)
                for relative, data in _timed(_notice_files(unit), result.timings):
                    writer.add(relative, data)
        for unit in stale:
            if unit.kind != "notice":
                tick(unit.key)
                began = time.perf_counter()
                for relative, data in _render_other(unit).items():
                    writer.add(relative, data)
                stage = "ropa" if unit.kind == "ropa" else "index"
                result.timings[stage] = result.timings.get(stage, 0.0) + time.perf_counter() - began
        if progress is not None:
            progress(total, total, "")
    except BaseException:
        writer.abort()
        raise
    finally:
        _WORK.clear()

    for unit in mine:
        if unit.key not in result.rendered:
            writer.keep(previous, unit.outputs)
    if not pdf:  # a preview leaves the last full build's PDFs where they are
        writer.keep_intact(writer.previous_manifest(trusted=False), ".pdf")
    inputs = {}
    for relative in sorted(result.check.files):
        inputs[relative] = sha256(project_files.read_file(root.resolve(), relative, 50_000_000))
    units_record = {u.key: {"digest": u.digest, "outputs": u.outputs} for u in mine}
    result.manifest = writer.commit(inputs, units_record)
    result.changed = writer.changed
    result.outputs = sorted(result.manifest["outputs"])
    return result


def render_in_memory(result: CheckResult, pdf_for: str | None = None) -> dict[str, bytes]:
    """Every output of a checked project as bytes, without writing anything: what
    ``noticegen serve`` shows. PDFs are left out, except the one named by ``pdf_for``
    (a notice's PDF path, rendered on demand)."""
    units, diffs = plan(result, pdf=False)
    _WORK.clear()
    _WORK.update(models=_models(result), diffs=diffs, pdf=False)
    out: dict[str, bytes] = {}
    try:
        for unit in units:
            if pdf_for is not None:
                if unit.kind == "notice" and pdf_for == unit.outputs[0].removesuffix(".html") + ".pdf":
                    unit.outputs = unit.outputs + [pdf_for]
                    out.update(_notice_files(unit))
                continue
            if unit.kind == "notice":
                out.update(_notice_files(unit))
            else:
                out.update(_render_other(unit))
    finally:
        _WORK.clear()
    return out
