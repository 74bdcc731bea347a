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
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Callable

from noticegen.classes import dataclass, field
from noticegen.commands.check import check_project
from noticegen.problems import NoticegenError, Problem
from noticegen.render.units import Unit, Work, notice_files, other_files, render_notice, timed
from noticegen.rules.check import CheckResult
from noticegen.site.plan import models_of, plan
from noticegen.site.write import BuildWriter, input_digests


@dataclass
class BuildResult:
    """What a build checked, wrote and rendered."""

    check: CheckResult
    manifest: dict | None = None
    outputs: list[str] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    """Keys of the units rendered this time (the rest were unchanged)."""
    changed: bool = True
    """False when build/ was already up to date and nothing was written."""
    units: list[Unit] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    versions: dict = field(default_factory=dict)
    """Each notice's versions, when the project keeps a record in history/."""
    withdrew: bool = False
    """For a draft: a publishable build was removed from build/ to make room for it."""
    """Seconds spent per stage (check, html, pdf, ropa, index), summed over processes."""


_WORKER_WORK: list[Work] = []
"""In a worker process only (a fresh fork, one thread): the work it was started with."""


def _start_worker(work: Work) -> None:
    _WORKER_WORK[:] = [work]


def _render_in_worker(unit: Unit) -> tuple[str, dict[str, bytes], dict[str, float]]:
    """A worker's task: render one notice unit from the work the worker was started with."""
    return render_notice(_WORKER_WORK[0], unit)


def _parse_shard(shard: tuple[int, int] | None) -> tuple[int, int]:
    index, count = shard or (1, 1)
    if not (count >= 1 and 1 <= index <= count):
        raise ValueError(f"shard {index}/{count}: I must be between 1 and N")
    return index, count


def build_project(root: Path, pdf: bool = True,
                  progress: Callable[[int, int, str], None] | None = None, strict: bool = False,
                  today: dt.date | None = None, jobs: int | None = None,
                  shard: tuple[int, int] | None = None, draft: bool = False,
                  public: bool = False, start_history: bool = False) -> BuildResult:
    """Check, then build. With ``draft``, placeholders do not stop the build: every page
    says it is a draft, each value still to fill in or confirm is marked, and the whole
    draft goes into build/draft/, which the next real build removes. A draft and a
    publishable build are never in build/ together: a draft build removes the last real
    build, so a step that publishes build/ never publishes a draft beside it. With
    ``public``, only what the project publishes is built (what CI uploads): a record of
    processing only where noticegen.yaml says ``publish_records: true``."""
    root = Path(root)
    started = time.perf_counter()
    result = BuildResult(check_project(root, today, strict=strict))
    result.timings["check"] = time.perf_counter() - started
    if result.check.failed(strict, draft):
        return result
    index, count = _parse_shard(shard)
    units, diffs, versions = plan(result.check, pdf, public, history=not draft,
                                  start_history=start_history)
    mine = [u for position, u in enumerate(units) if position % count == index - 1]
    result.units = mine
    manifest_name = "manifest.json" if count == 1 else f"manifest-shard-{index}-of-{count}.json"
    writer = BuildWriter(root, manifest=manifest_name, sweep=count == 1,
                         folder="build/draft" if draft else "build")
    previous = writer.previous_manifest()
    stale = [u for u in mine if not writer.unchanged(previous, u.key, u.digest, u.outputs)]
    result.rendered = [u.key for u in stale]

    models = models_of(result.check)
    if draft:  # placeholders where ids belong get stand-ins, shown marked
        from noticegen.model.drafts import with_placeholders

        models = {school: with_placeholders(model) for school, model in models.items()}
    work = Work(models, diffs, pdf, draft, versions=versions)
    result.versions = versions
    total, done = len(stale), 0

    def tick(name: str) -> None:
        nonlocal done
        if progress is not None:
            progress(done, total, name)
        done += 1

    fragments: dict[str, bytes] = {}
    try:
        notice_units = [u for u in stale if u.kind == "notice"]
        workers = min(jobs or os.cpu_count() or 1, len(notice_units))
        if workers > 1:
            if pdf:
                import weasyprint  # noqa: F401  -- imported once, before the workers fork
            context = multiprocessing.get_context("fork")
            # A process pool that notices a worker dying (the out-of-memory killer, a
            # signal): the build then fails at once instead of waiting for it forever.
            # each worker is given the work once, when it forks (never pickled)
            try:  # a worker may die while forking, while working, or as the pool closes
                with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                                         initargs=(work,)) as pool:
                    futures = [pool.submit(_render_in_worker, unit) for unit in notice_units]
                    for future in as_completed(futures):
                        key, files, timings = future.result()
                        tick(key)
                        for stage, seconds in timings.items():
                            result.timings[stage] = result.timings.get(stage, 0.0) + seconds
                        for relative, data in files.items():
                            writer.add(relative, data)
                            if relative.endswith(".fragment.html"):
                                fragments[relative] = data
            except BrokenProcessPool:
                raise NoticegenError(
                    "a render process stopped before it finished (killed, perhaps for lack "
                    "of memory); nothing in build/ was changed. Try again, with fewer "
                    "--jobs if memory is short") from None
        else:
            for unit in notice_units:
                tick(unit.key)
                for relative, data in timed(notice_files(work, unit), result.timings):
                    writer.add(relative, data)
                    if relative.endswith(".fragment.html"):
                        fragments[relative] = data
        for unit in stale:
            if unit.kind != "notice":
                tick(unit.key)
                began = time.perf_counter()
                for relative, data in other_files(work, unit).items():
                    writer.add(relative, data)
                stage = "ropa" if unit.kind in ("ropa", "screening", "apd") else "index"
                result.timings[stage] = result.timings.get(stage, 0.0) + time.perf_counter() - began
        if progress is not None:
            progress(total, total, "")
    except BaseException:
        writer.abort()
        raise
    if versions:
        refused = changed_without_version(result.check, fragments)
        if refused:
            writer.abort()
            result.check.problems = sorted(result.check.problems + refused, key=Problem.sort_key)
            return result

    for unit in mine:
        if unit.key not in result.rendered:
            writer.keep(previous, unit.outputs)
    if not pdf:  # a preview leaves the last full build's PDFs where they are
        writer.keep_intact(writer.previous_manifest(trusted=False), ".pdf")
    inputs = input_digests(root, result.check.files)
    units_record = {u.key: {"digest": u.digest, "outputs": u.outputs} for u in mine}
    result.manifest = writer.commit(inputs, units_record)
    result.changed = writer.changed
    if draft:
        from noticegen.site.write import withdraw_published

        result.withdrew = withdraw_published(root)
    result.outputs = sorted(result.manifest["outputs"])
    return result


def changed_without_version(check, fragments: dict[str, bytes]) -> list[Problem]:
    """A real build refuses a notice whose text is not the text kept in history/ under its
    version: what was published as version 1.0 is never changed as version 1.0."""
    from noticegen.load import history
    from noticegen.rules.registry import problem
    from noticegen.text.i18n import long_date

    model = check.model
    if model is None:
        return []
    ledger = history.read(model.root, verify_files=False)
    refused = []
    for slug, notice in sorted(model.notices.items()):
        fragment = fragments.get(f"notices/{slug}.fragment.html")
        entry = ledger.find(slug, str(notice.entry.get("version")))
        if not fragment or entry is None or history.text_digest(fragment) == entry.data["text"]:
            continue
        try:
            kept = history.visible_text(history.read_kept(model.root, entry, "fragment"))
            shown = history.first_difference(kept, history.visible_text(fragment))
        except (OSError, NoticegenError, history.files.UnsafeFile):
            shown = ""
        refused.append(problem(
            notice.entry.where("version"), "notice-changed-without-version",
            f"notice '{slug}' now says something different from version {entry.version}, published on "
            f"{long_date(entry.published)} and kept in history/" + (f" (it now reads: '{shown}')" if shown else "")
            + ": a published text never changes under its old version number. Raise the version, set "
            "published to the date it goes out and add change_notes, then publish; or undo the change"))
    return refused


def render_in_memory(result: CheckResult, pdf_for: str | None = None) -> dict[str, bytes]:
    """Every output of a checked project as bytes, without writing anything: what
    ``noticegen serve`` shows. PDFs are left out, except the one named by ``pdf_for``
    (a notice's PDF path, rendered on demand)."""
    units, diffs, _ = plan(result, pdf=False, history=False)
    work = Work(models_of(result), diffs, pdf=False)
    out: dict[str, bytes] = {}
    for unit in units:
        if pdf_for is not None:
            if unit.kind == "notice" and pdf_for == unit.outputs[0].removesuffix(".html") + ".pdf":
                unit.outputs = unit.outputs + [pdf_for]
                out.update(notice_files(work, unit))
            continue
        if unit.kind == "notice":
            out.update(notice_files(work, unit))
        else:
            out.update(other_files(work, unit))
    return out


def combine_project(root: Path) -> tuple[CheckResult, dict | None]:
    """Check the project as it is now, then combine the shards in its build/ if they were
    made from exactly its files (see :func:`noticegen.site.write.combine_shards`)."""
    from noticegen.site.write import combine_shards

    result = check_project(root)
    if result.failed():
        return result, None
    return result, combine_shards(root, input_digests(root, result.files))
