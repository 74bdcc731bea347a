"""Publish: build the site, then keep in history/ every notice version it publishes for
the first time (its page, fragment and PDF, byte for byte, as the build made them), and
the record of processing when it has changed; with ``--from-git``, first rebuild once,
from the project's git history, the versions published before the record was kept.
See docs/history.md."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

from noticegen.classes import dataclass, field
from noticegen.commands.build import BuildResult, build_project
from noticegen.problems import NoticegenError, Problem
from noticegen.load import history
from noticegen.site import history as record

SHALLOW = ("this clone of the project has no git history (a shallow clone, which CI makes by "
           "default), so the versions published before history/ was kept cannot be found: fetch "
           "the history first (git fetch --unshallow --tags; on GitHub Actions, give "
           "actions/checkout 'fetch-depth: 0'), then run the command again. See docs/ci.md")


@dataclass
class PublishResult:
    """What publish built and kept in the record of published versions."""

    build: BuildResult
    kept: list[str] = field(default_factory=list)
    """What was added to the record: 'pupils 2.0', 'record of processing 3'."""
    rebuilt: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def publish_project(root: Path, today: dt.date | None = None, jobs: int | None = None,
                    from_git: bool = False, progress=None) -> PublishResult:
    root = Path(root)
    today = today or dt.date.today()
    from noticegen.load import files
    from noticegen.load.reader import check_root

    check_root(root)  # a folder that is not a project is refused before anything is written
    if files.kind(root.resolve(), "schools") == "folder":
        raise NoticegenError("publish keeps the history of a single school's project; a trust's "
                             "schools do not keep one yet (see docs/history.md)")
    ledger = history.read(root)  # a record with problems stops at check, below, at its place
    rebuilt: list[str] = []
    if from_git:
        from noticegen.commands.check import check_project

        if check_project(root, today).failed():  # nothing is kept from a project with errors
            return PublishResult(build_project(root, pdf=True, today=today))
        rebuilt = rebuild_from_git(root, ledger, today)  # (keeping a version starts the record)
    built = build_project(root, pdf=True, progress=progress, today=today, jobs=jobs, start_history=True)
    result = PublishResult(built, rebuilt=rebuilt)
    if built.check.failed() or built.manifest is None:
        return result
    model = built.check.model
    ledger = history.read(root)
    result.problems = _refusals(model, ledger)
    if result.problems:  # refused: the record is not started either (nothing was kept)
        return result
    record.start(root)
    for slug, notice in sorted(model.notices.items()):
        version = str(notice.entry["version"])
        if ledger.find(slug, version) is not None:
            continue
        kept = {part: _built(root, built, history.permanent(slug, version, part))
                for part in ("page", "fragment", "pdf")}
        from noticegen.site.plan import notice_title

        versions = ledger.versions(slug)
        note = _note_of(built, slug)
        record.append(root, ledger, {
            "kind": "notice", "notice": slug, "version": version, "title": notice_title(model, notice),
            "language": notice.language, "published": str(notice.entry["published"]),
            "recorded": today.isoformat(), "note": note,
            "text": history.text_digest(kept["fragment"])}, kept)
        result.kept.append(f"{slug} {version}" + (f" (after {versions[-1].version})" if versions else ""))
    _keep_record(root, built, ledger, today, result)
    return result


def _note_of(built: BuildResult, slug: str) -> list[str]:
    found = built.versions.get((None, slug)) or []
    return list(found[-1].note) if found else []


def _refusals(model, ledger: history.Ledger) -> list[Problem]:
    """Why a notice's version cannot be kept: a version that cannot be part of an address,
    no publication date, or one before the last kept version's."""
    from noticegen.rules.registry import problem
    from noticegen.text.i18n import long_date

    found = []
    for slug, notice in sorted(model.notices.items()):
        version = str(notice.entry["version"])
        if ledger.find(slug, version) is not None:
            continue
        if not history.VERSION.fullmatch(version):
            found.append(problem(notice.entry.where("version"), "publish-refused",
                                 f"version '{version}' cannot be kept: a version that is published is "
                                 "written with digits, letters, dots and hyphens, starting with a digit "
                                 "(such as 1.0 or 2026-1), as it becomes part of the web address"))
        elif not notice.entry.get("published"):
            found.append(problem(notice.entry.where("version"), "publish-refused",
                                 f"notice '{slug}' version {version} has no published date: add "
                                 "published: YYYY-MM-DD (the day it comes into force), then publish"))
        else:
            earlier = ledger.versions(slug)
            if earlier and str(notice.entry["published"]) < earlier[-1].published:
                found.append(problem(notice.entry.where("published"), "publish-refused",
                                     f"version {version} of '{slug}' is dated before version "
                                     f"{earlier[-1].version} ({long_date(earlier[-1].published)}), which is already "
                                     "published: a new version comes into force after the last one"))
    return found


def _built(root: Path, built: BuildResult, relative: str) -> bytes:
    """A file this build made, read back from build/ and checked against the digest the build
    computed in memory (build/ is never trusted)."""
    from noticegen.load import files
    from noticegen.site.write import current_site

    digest = built.manifest["outputs"].get(relative)
    out = Path(root).resolve() / "build"
    try:
        data = files.read_file(out, f"{current_site(out)}/{relative}", history.MAX_KEPT)
    except (OSError, files.UnsafeFile):
        data = None
    if digest is None or data is None or history.sha256(data) != digest:
        raise NoticegenError(f"build/{relative} is not the file this build made (changed while "
                             "publishing?): nothing was kept; run publish again")
    return data


def _keep_record(root: Path, built: BuildResult, ledger: history.Ledger, today: dt.date,
                 result: PublishResult) -> None:
    """Keep the record of processing (never published) when it differs from the last kept."""
    outputs = built.manifest["outputs"]
    names = {part: f"records/{name}" for part, name in history.RECORD_FILES.items()}
    if not all(name in outputs for name in names.values()):
        return
    records = ledger.records()
    if records and records[-1].digests == {part: outputs[name] for part, name in names.items()}:
        return
    kept = {part: _built(root, built, name) for part, name in names.items()}
    entry = record.append(root, ledger, {"kind": "record", "published": today.isoformat(),
                                          "recorded": today.isoformat(), "note": []}, kept)
    result.kept.append(f"record of processing {entry.data['n']}")


# Rebuilding from git ---------------------------------------------------------------------

_HEX = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?\Z")
_MAX_NOTICE = 2_000_000


def _git(root: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=120, check=False)
    except FileNotFoundError:
        raise NoticegenError("git is not installed; rebuilding earlier versions needs it") from None
    if done.returncode != 0:
        raise NoticegenError("rebuilding earlier versions reads the project's git history, and this "
                             "project is not in a git repository with commits")
    return done.stdout


def _front(text: bytes) -> dict:
    """The front matter of a notice as committed (hostile: size-limited, parsed safely)."""
    import yaml

    if len(text) > _MAX_NOTICE:
        return {}
    parts = text.decode("utf-8", "replace").split("\n---", 1)
    if not parts[0].startswith("---"):
        return {}
    try:
        data = yaml.safe_load(parts[0][3:])
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def rebuild_from_git(root: Path, ledger: history.Ledger, today: dt.date) -> list[str]:
    """Once, for each notice with nothing in the record yet: find in git each earlier
    version (the last commit at which the notice had it), make its page, fragment and PDF
    from the data map as it was then, and keep them marked as rebuilt."""
    from noticegen.commands.check import check_project

    root = Path(root)
    if _git(root, "rev-parse", "--is-shallow-repository").strip() == b"true":
        raise NoticegenError(SHALLOW)
    top = Path(_git(root, "rev-parse", "--show-toplevel").decode().strip()).resolve()
    prefix = root.resolve().relative_to(top).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    current = check_project(root)
    if current.model is None:
        raise NoticegenError("rebuilding earlier versions works on a single school's project")
    done = []
    for slug, notice in sorted(current.model.notices.items()):
        if ledger.versions(slug) or not history.SLUG.fullmatch(slug):
            continue  # the record of this notice has begun: it is never rebuilt again
        path = f"{prefix}notices/{slug}.md"
        commits = [c for c in _git(root, "log", "--format=%H", "--reverse", "--", path).decode().split()
                   if _HEX.fullmatch(c)]
        found: dict[str, tuple[str, str]] = {}  # version -> (last commit with it, published)
        for commit in commits:
            shown = subprocess.run(["git", "-C", str(root), "cat-file", "blob", f"{commit}:{path}"],
                                   capture_output=True, timeout=60, check=False)
            front = _front(shown.stdout) if shown.returncode == 0 else {}
            version, published = str(front.get("version", "")), str(front.get("published", ""))
            if history.VERSION.fullmatch(version) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
                found.pop(version, None)
                found[version] = (commit, published)
        found.pop(str(notice.entry.get("version")), None)  # the version now: publish keeps it
        earlier: list[history.Version] = []
        previous_model = None
        for version, (commit, published) in found.items():
            if earlier and published < earlier[-1].published:
                continue
            kept, model, note, title = _render_at(root, commit, slug, version, earlier, previous_model)
            if kept is None:
                continue
            record.append(root, ledger, {
                "kind": "notice", "notice": slug, "version": version, "title": title,
                "language": model.notices[slug].language, "published": published,
                "recorded": today.isoformat(), "note": note, "rebuilt": commit,
                "text": history.text_digest(kept["fragment"])}, kept)
            earlier.append(history.Version(slug, version, title, model.notices[slug].language, published,
                                           None, note, commit, True, True))
            if len(earlier) > 1:
                earlier[-2].until = published
            previous_model = model
            done.append(f"{slug} {version} (from commit {commit[:12]})")
    return done


def _render_at(root: Path, commit: str, slug: str, version: str, earlier: list, previous_model):
    """A notice's page, fragment and PDF made from the data map at ``commit`` (read through
    :mod:`noticegen.load.revision`, which refuses hostile tree entries)."""
    from noticegen.model.changes import Diff, Unreadable, diff_models, model_at
    from noticegen.render.units import Unit, Work, notice_files
    from noticegen.site.plan import current_note, notice_title

    try:
        model = model_at(root, commit)
    except Unreadable:
        return None, None, [], ""
    if slug not in model.notices:
        return None, None, [], ""
    notice = model.notices[slug]
    diffs = {}
    diff = None
    if any(section.id == "changes" for section in notice.sections):
        since = notice.entry.get("changes_since") or (earlier[-1].version if earlier else version)
        diff = diff_models(previous_model, model, since, version) if previous_model is not None \
            else Diff(since, version, [])
        diffs[(None, since)] = diff
    note = current_note(model, notice, diff, bool(earlier))
    title = notice_title(model, notice)
    this = history.Version(slug, version, title, notice.language, str(notice.entry.get("published")),
                           None, note, commit, True, True)
    work = Work({None: model}, diffs, True, versions={(None, slug): [*earlier, this]})
    outputs = [f"notices/{slug}.html", f"notices/{slug}.fragment.html", f"notices/{slug}.pdf"]
    made = dict(notice_files(work, Unit(f"notice/{slug}", None, "notice", slug, outputs)))
    return {"page": made[outputs[0]], "fragment": made[outputs[1]], "pdf": made[outputs[2]]}, model, note, title
