"""The "what changed" report for governors, as HTML or PDF, written into build/."""

from __future__ import annotations

from pathlib import Path

from noticegen.commands.check import check_project
from noticegen.model.changes import Diff
from noticegen.problems import NoticegenError
from noticegen.load.templates import packaged_templates
from noticegen.render.html import Renderer
from noticegen.site.write import write_report


def write_changes_report(root: Path, diff: Diff, pdf: bool) -> Path:
    model = check_project(root).model
    if model.organisation is None:
        raise NoticegenError("datamap/organisation.yaml must load for the report's heading")
    renderer = Renderer(model)
    title = f"Changes to our privacy information: {diff.old} to {diff.new}"
    html = renderer.render("changes.html", diff=diff, organisation=model.organisation,
                           title=title, pdf=pdf)
    if not pdf:
        return write_report(root, "changes.html", html)
    from noticegen.render.pdf import write_pdf

    data = write_pdf(html, model.root, model.template_dirs + [packaged_templates()], 0,
                     "changes report")
    return write_report(root, "changes.pdf", data)
