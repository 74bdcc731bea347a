"""Render the units of a build: a notice's page, fragment and PDF; a school's record of
processing and index page; a trust's index of schools. Each unit's files are made in
memory, as bytes; writing them is the site stage's (:mod:`noticegen.site.write`)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from noticegen.load.templates import packaged_templates
from noticegen.model.derive import notice_view
from noticegen.model.resolve import Model
from noticegen.render.html import Renderer
from noticegen.render.ropa import build_ropa, to_csv, to_xlsx

EPOCH_FALLBACK = "2000-01-01"


@dataclass
class Unit:
    """A piece of the build rendered as one: its outputs depend on the same data."""

    key: str
    school: str | None
    kind: str  # notice, ropa, form, index, schools
    slug: str | None
    outputs: list[str]
    digest: str = ""


def epoch(date: str | None) -> int:
    """A notice's publication date as the PDF's SOURCE_DATE_EPOCH."""
    try:
        day = dt.date.fromisoformat(date or EPOCH_FALLBACK)
    except ValueError:  # a placeholder, in a draft
        day = dt.date.fromisoformat(EPOCH_FALLBACK)
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())



@dataclass
class Work:
    """What a build renders from: each school's model (None for a single project), the
    diffs its 'changes' sections show, whether PDFs are made, whether this is a draft, and
    the renderers made so far. Each build or preview has its own; nothing is shared
    between threads."""

    models: dict
    diffs: dict
    pdf: bool
    draft: bool = False
    renderers: dict = field(default_factory=dict)

    def renderer(self, school: str | None) -> Renderer:
        if school not in self.renderers:
            self.renderers[school] = Renderer(self.models[school], draft=self.draft)
        return self.renderers[school]


def render_notice(work: Work, unit: Unit) -> tuple[str, dict[str, bytes], dict[str, float]]:
    """The unit's files, all at once, and the time each stage took."""
    timings: dict[str, float] = {}
    files = dict(timed(notice_files(work, unit), timings))
    return unit.key, files, timings


def timed(files, timings: dict[str, float]):
    """Pass the files on, adding the time each took to its stage (html or pdf)."""
    started = time.perf_counter()
    for relative, data in files:
        stage = "pdf" if relative.endswith(".pdf") else "html"
        now = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + now - started
        yield relative, data
        started = time.perf_counter()


def notice_files(work: Work, unit: Unit):
    """A notice's page, fragment and PDF, each yielded as soon as it is made."""
    model = work.models[unit.school]
    renderer = work.renderer(unit.school)
    notice = model.notices[unit.slug]
    diff = None
    if any(section.id == "changes" for section in notice.sections):
        from noticegen.load.revision import default_base

        since = notice.entry.get("changes_since") or default_base(model.root)
        diff = work.diffs[(unit.school, since)]
    view = notice_view(model, notice, diff)
    pdf = len(unit.outputs) == 3
    yield unit.outputs[0], renderer.render("notice.html", view=view, alternates=alternates(model, notice),
                                           pdf_name=f"{unit.slug}.pdf" if pdf else "").encode()
    yield unit.outputs[1], renderer.render("notice-fragment.html", view=view).encode()
    if pdf:
        from noticegen.render.pdf import write_pdf

        source = renderer.render("notice-pdf.html", view=view, notice_links="pdf")
        yield unit.outputs[2], write_pdf(source, model.root, model.template_dirs + [packaged_templates()],
                                         epoch(notice.entry.get("published")),
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


def other_files(work: Work, unit: Unit) -> dict[str, bytes]:
    if unit.kind == "schools":
        models = work.models
        first = next(iter(models))
        return {"index.html": work.renderer(first).render(
            "schools.html", schools=[(s, m.publisher) for s, m in models.items()],
            organisation=models[first].organisation).encode()}
    model = work.models[unit.school]
    renderer = work.renderer(unit.school)
    if unit.kind == "form":
        from noticegen.render.forms import form_files

        return form_files(work, unit, epoch)
    if unit.kind == "ropa":
        ropa = build_ropa(model)
        from noticegen.render.dpv import to_jsonld
        from noticegen.text.i18n import gettext_for

        _ = gettext_for(model.language)
        title = _("Record of processing activities") + f" – {model.publisher}"
        return {unit.outputs[0]: renderer.render("ropa.html", ropa=ropa, title=title).encode(),
                unit.outputs[1]: to_csv(ropa), unit.outputs[2]: to_xlsx(ropa, title),
                unit.outputs[3]: to_jsonld(model)}
    pdf = work.pdf
    notices = []
    for slug, notice in sorted(model.notices.items()):
        files = {"html": f"notices/{slug}.html", "fragment": f"notices/{slug}.fragment.html",
                 "pdf": f"notices/{slug}.pdf" if pdf else None}
        notices.append((notice_view(model, notice), files))
    return {unit.outputs[0]: renderer.render("index.html", organisation=model.organisation,
                                             publisher=model.publisher,
                                             notices=notices,
                                             records=model.publish_records,
                                             forms=_form_links(model, pdf)).encode()}


def _form_links(model: Model, pdf: bool) -> list:
    from noticegen.render.forms import form_links

    return form_links(model, pdf)
