"""Render the units of a build: a notice's page, fragment and PDF; a school's record of
processing and index page; a trust's index of schools. Each unit's files are made in
memory, as bytes; writing them is the site stage's (:mod:`noticegen.site.write`)."""

from __future__ import annotations

import time

from noticegen.classes import dataclass, field
from noticegen.load.templates import packaged_templates
from noticegen.model.derive import notice_view
from noticegen.model.resolve import Model
from noticegen.model.schedule import schedule_published
from noticegen.render.html import Renderer
from noticegen.render.ropa import build_ropa, to_csv, to_xlsx

from noticegen.render.pdf import epoch  # WeasyPrint itself is imported only when a PDF is written


@dataclass
class Unit:
    """A piece of the build rendered as one: its outputs depend on the same data."""

    key: str
    school: str | None
    kind: str  # notice, ropa, screening, apd, retention, form, index, schools
    slug: str | None
    outputs: list[str]
    digest: str = ""


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
    versions: dict = field(default_factory=dict)
    """Each notice's versions, by (school, slug), when the project keeps a record in
    history/ (:func:`noticegen.site.plan.plan`); empty otherwise."""

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
    pdf = len(unit.outputs) > 2 and unit.outputs[2].endswith(".pdf")
    versions = work.versions.get((unit.school, unit.slug))
    pdf_name = f"{unit.slug}.pdf"
    this = next((v for v in versions or [] if v.version == str(notice.entry.get("version"))), None)
    if this is not None and pdf:  # the PDF at this version's permanent address: the page, kept,
        pdf_name = this.address("pdf").rsplit("/", 1)[1]  # links its own PDF
    made = {"page": renderer.render("notice.html", view=view, alternates=alternates(model, notice),
                                    pdf_name=pdf_name if pdf else "",
                                    versions=versions or []).encode()}
    yield unit.outputs[0], made["page"]
    made["fragment"] = renderer.render("notice-fragment.html", view=view).encode()
    yield unit.outputs[1], made["fragment"]
    if pdf:
        from noticegen.render.pdf import write_pdf

        source = renderer.render("notice-pdf.html", view=view, notice_links="pdf")
        made["pdf"] = write_pdf(source, model.root, model.template_dirs + [packaged_templates()],
                                epoch(notice.entry.get("published")),
                                f"{(unit.school + '/') if unit.school else ''}notices/{unit.slug}.md")
        yield unit.outputs[2], made["pdf"]
    for relative in unit.outputs[3 if pdf else 2:]:
        if relative.endswith(".history.html"):
            from noticegen.render.history import history_page

            yield relative, history_page(renderer, model, [(notice, versions or [])], notice.language, notice)
        else:  # this version at its permanent address: the same bytes, not made again
            part = "pdf" if relative.endswith(".pdf") else "fragment" if relative.endswith(".fragment.html") \
                else "page"
            yield relative, made[part]


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
    if unit.kind == "kept":
        from noticegen.load.history import kept_copies

        return kept_copies(work.models[unit.school].root, unit.slug, unit.outputs)
    if unit.kind == "history":
        from noticegen.render.history import site_history

        return site_history(work.renderer(unit.school), work.models[unit.school], work.versions, unit.outputs)
    if unit.kind == "schools":
        models = work.models
        first = next(iter(models))
        return {"index.html": work.renderer(first).render(
            "schools.html", schools=[(s, m.publisher) for s, m in models.items()],
            organisation=models[first].organisation).encode()}
    model = work.models[unit.school]
    renderer = work.renderer(unit.school)
    if unit.kind in ("screening", "apd"):
        from noticegen.render.documents import policy_files, screening_files

        make = screening_files if unit.kind == "screening" else policy_files
        return make(model, renderer, unit.outputs)
    if unit.kind == "retention":
        from noticegen.render.schedule import schedule_files

        return schedule_files(model, renderer, unit.outputs, unit.school)
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
    from noticegen.model.resolve import localised  # the title in the project's language

    organisation = localised(model, model.language).organisation
    policy = (organisation.get("appropriate_policy") or {}) if organisation else {}
    return {unit.outputs[0]: renderer.render("index.html", organisation=model.organisation,
                                             publisher=model.publisher,
                                             notices=notices, history=bool(work.versions),
                                             records=model.publish_records,
                                             policy_document=policy if policy.get("publish") else None,
                                             schedule=schedule_published(model),
                                             forms=_form_links(model, pdf),
                                             files_pdf=pdf).encode()}


def _form_links(model: Model, pdf: bool) -> list:
    from noticegen.render.forms import form_links

    return form_links(model, pdf)
