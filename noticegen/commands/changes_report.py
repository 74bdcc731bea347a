"""The "what changed" report for governors, as HTML or PDF, in plain words and in each
language the project's notices are published in. Each report is kept in build/reports/
under a name that says which versions it compares (the next build leaves that folder
alone: only the DPO removes a report)."""

from __future__ import annotations

import re
from pathlib import Path

from noticegen.commands.check import check_project
from noticegen.model.changes import Change, Diff
from noticegen.problems import NoticegenError
from noticegen.load.templates import packaged_templates
from noticegen.render.html import Renderer
from noticegen.site.write import REPORTS, write_report
from noticegen.text.i18n import N_, gettext_for

_ACTION = {"added": N_("New: %(name)s"), "removed": N_("No longer: %(name)s"), "changed": N_("Changed: %(name)s")}
_IN = N_("%(what)s, in %(notices)s")


def report_name(diff: Diff, language: str, default_language: str) -> str:
    """'changes-v1.0-to-v2.0' (a revision's name, made safe for a file name; the work tree
    as 'work-tree'), with '.cy' for the Welsh report."""
    def safe(revision: str) -> str:
        name = "work-tree" if revision == "the work tree" else revision
        return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-")[:60] or "revision"

    suffix = "" if language == default_language else f".{language}"
    return f"changes-{safe(diff.old)}-to-{safe(diff.new)}{suffix}"


def headline(change: Change, diff: Diff, language: str) -> str:
    """'New: School trips, in How we use pupil information' — the name, not the id."""
    _ = gettext_for(language)
    name = change.names.get(language) or change.id.replace("-", " ")
    if change.kind == "organisation":
        name = _("our details")
    what = _(_ACTION[change.action]) % {"name": name}
    titles = [diff.notices[s].title for s in change.notices
              if s in diff.notices and diff.notices[s].language == language]
    if not titles:
        return what
    from noticegen.model.derive import join_words

    return _(_IN) % {"what": what, "notices": join_words([f"“{t}”" for t in titles], "and", language)}


def version_sentence(versions, language: str) -> str:
    """'Version 2.0, since version 1.0, published 28 November 2026.'"""
    from noticegen.text.i18n import long_date

    _ = gettext_for(language)
    if versions.new is None:
        return _("This notice has been withdrawn.")
    if versions.old is None:
        return _("A new notice: version %(version)s.") % {"version": versions.new[0]}
    old, date = versions.old
    if versions.new[0] == old:
        return _("Still version %(version)s: raise the version before this is published.") % {"version": old}
    if not date:
        return _("Version %(version)s, since version %(old)s.") % {"version": versions.new[0], "old": old}
    return _("Version %(version)s, since version %(old)s, published %(date)s.") % {
        "version": versions.new[0], "old": old, "date": long_date(date, language)}


def write_changes_report(root: Path, diff: Diff, pdf: bool) -> list[Path]:
    model = check_project(root).model
    if model is None or model.organisation is None:
        raise NoticegenError("datamap/organisation.yaml must load for the report's heading")
    renderer = Renderer(model)
    written = []
    languages = [model.language] + sorted({n.language for n in model.notices.values()} - {model.language})
    for language in languages:
        _ = gettext_for(language)
        shown = [(versions, [c for c in diff.changes if slug in c.notices])
                 for slug, versions in diff.notices.items() if versions.language == language]
        shown = [(versions, changes) for versions, changes in shown if changes]
        record_only = [c for c in diff.changes if not c.notices]
        title = _("Changes to our privacy notices: %(old)s to %(new)s") % {"old": diff.old, "new": _label(diff.new, _)}
        html = renderer.render("changes.html", language=language, diff=diff, organisation=model.organisation,
                               title=title, pdf=pdf, notices=shown, record_only=record_only,
                               old_label=diff.old, new_label=_label(diff.new, _),
                               headline=lambda change, language=language: headline(change, diff, language),
                               version_sentence=lambda versions, language=language: version_sentence(versions, language))
        name = report_name(diff, language, model.language)
        if pdf:
            from noticegen.render.pdf import write_pdf

            data = write_pdf(html, model.root, model.template_dirs + [packaged_templates()], 0,
                             "changes report")
        else:
            data = html.encode("utf-8")
        relative = _free_name(root, name, ".pdf" if pdf else ".html", data)
        written.append(write_report(root, relative, data))
    return written


def _free_name(root: Path, name: str, extension: str, data: bytes) -> str:
    """``reports/<name><extension>``, or, when a different report already has that name
    (the work tree compared again after more edits), the first free ``<name>-2``, ``-3``…:
    a report is never replaced by another."""
    from noticegen.load import files

    out = Path(root).resolve() / "build"
    for number in range(1, 1000):
        relative = f"{REPORTS}/{name}{'' if number == 1 else f'-{number}'}{extension}"
        try:
            existing = files.read_file(out, relative, 200_000_000)
        except FileNotFoundError:
            return relative
        except (OSError, files.UnsafeFile):
            return relative  # a link or special file there is replaced, never followed
        if existing == data:
            return relative
    raise NoticegenError(f"build/{REPORTS}/ holds 999 reports named {name}: remove the old ones")


def _label(revision: str, _) -> str:
    return _("the work tree") if revision == "the work tree" else revision
