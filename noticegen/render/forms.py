"""Render the forms a school hands out: each consent form as a web page, a PDF to print
and the CSV template of its consent record (and, where pupils decide for themselves,
the pupils' version of the form); each collection statement as an HTML fragment, plain
text to paste into a form tool, and a PDF to print with the form. Everything is made in
memory, as bytes; writing it is the site stage's (:mod:`noticegen.site.write`)."""

from __future__ import annotations

import csv
import html
import io
import re

from markupsafe import Markup

from noticegen.classes import dataclass
from noticegen.load.templates import packaged_templates
from noticegen.model.consent import CONSENT, FormView, form_kind, form_languages, form_view
from noticegen.model.resolve import Model
from noticegen.render.ropa import _csv_safe as csv_safe
from noticegen.text import i18n

FOLDER = "forms"


@dataclass(frozen=True)
class Output:
    """One file of a form's unit: its path in build/ (a school's prefix left out), the
    language and reader it is written for, and what it is."""

    relative: str
    language: str
    children: bool
    what: str  # page, pdf, record, fragment, text, statement-pdf, statement-block


def form_outputs(model: Model, source, pdf: bool) -> list[Output]:
    """Every file made for the form ``source``, in a fixed order: for each language its
    notice is in (the notice's own first, with no suffix), and, for a consent form with
    ``pupils_from_age``, the pupils' version too."""
    outputs = []
    for n, language in enumerate(form_languages(model, source)):
        stem = f"{FOLDER}/{source.id}" + ("" if n == 0 else f".{i18n.base_language(language)}")
        if form_kind(source) == CONSENT:
            readers = [False] + ([True] if source["form"].get("pupils_from_age") else [])
            for children in readers:
                name = stem + (".pupils" if children else "")
                outputs.append(Output(f"{name}.html", language, children, "page"))
                if pdf:
                    outputs.append(Output(f"{name}.pdf", language, children, "pdf"))
            outputs.append(Output(f"{stem}.record.csv", language, False, "record"))
        else:
            outputs.append(Output(f"{stem}.statement.html", language, False, "fragment"))
            outputs.append(Output(f"{stem}.statement.txt", language, False, "text"))
            if pdf:
                outputs.append(Output(f"{stem}.statement.pdf", language, False, "statement-pdf"))
                outputs.append(Output(f"{stem}.statement-block.pdf", language, False, "statement-block"))
    return outputs


def notice_urls(model: Model, view: FormView, where: str) -> dict[str, str]:
    """Where each notice the form points to is, by slug: beside the form in build/ for a
    page (``where`` is 'page'), else (a PDF, plain text) the address the project is
    published at (noticegen.yaml's publish_url), or '' when it gives none."""
    config = model.config.data if model.config is not None else {}
    base = config.get("publish_url")
    school = f"{model.school}/" if model.school else ""
    found = {}
    for link in view.links:
        if where == "page":
            found[link.slug] = f"../notices/{link.slug}.html"
        else:
            found[link.slug] = f"{base.rstrip('/')}/{school}notices/{link.slug}.html" if base else ""
    return found


_LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.S)


def plain_text(markup: str) -> str:
    """Rendered inline HTML as plain text: a link as its words and, when the address is
    not already in them, the address in brackets."""
    def link(match: re.Match) -> str:
        href, words = html.unescape(match[1]), match[2]
        target = href.removeprefix("mailto:")
        return words if target in html.unescape(words) else f"{words} ({target})"

    text = re.sub(r"<[^>]+>", "", _LINK.sub(link, markup))
    return " ".join(html.unescape(text).split())


def record_csv(view: FormView) -> bytes:
    """The consent record's template: a header row whose columns are who gave consent,
    when, which version of the form, and then exactly the form's choices; in an example
    project, a first row saying so."""
    _ = i18n.gettext_for(view.language)
    columns = [_("Who gave consent"), _("When (date)"), _("Form version")] + \
        [" ".join(str(choice.text).split()) for choice in view.choices]
    out = io.StringIO(newline="")
    # as the record of processing's CSV: every field quoted, nothing a spreadsheet would
    # run as a formula, and a BOM so that Excel reads it as UTF-8
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow([csv_safe(c) for c in columns])
    if view.example:  # an example's record says so, in a row a school deletes
        writer.writerow([csv_safe(_("Example — not %(name)s's record of consent: delete this row before use.")
                                  % {"name": view.example})] + [""] * (len(columns) - 1))
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def form_files(work, unit, epoch) -> dict[str, bytes]:
    """Every file of a form's unit (see :func:`form_outputs`); ``epoch`` turns the
    notice's publication date into the PDF's timestamp."""
    model = work.models[unit.school]
    renderer = work.renderer(unit.school)
    prefix = f"{unit.school}/" if unit.school else ""
    source = model.registers["source"][unit.slug]
    files: dict[str, bytes] = {}
    views: dict[tuple, FormView] = {}
    for output in form_outputs(model, source, work.pdf):
        key = (output.language, output.children)
        if key not in views:
            views[key] = form_view(model, source.id, output.language, output.children)
        view = views[key]
        context = {"form": view, "language": view.language}
        if output.what == "record":
            data = record_csv(view)
        elif output.what == "page":
            data = renderer.render("consent-form.html", notice_hrefs=notice_urls(model, view, "page"),
                                   withdraw=_withdraw(renderer, view, "html"), **context).encode()
        elif output.what == "fragment":
            data = renderer.render("collection-statement.html", notice_hrefs=notice_urls(model, view, "page"),
                                   withdraw=_withdraw(renderer, view, "html"), level=2, **context).encode()
        elif output.what == "text":
            data = renderer.render("collection-statement.txt", notice_hrefs=notice_urls(model, view, "text"),
                                   withdraw=_withdraw(renderer, view, "text"), **context).encode()
        else:
            from noticegen.render.pdf import write_pdf

            body = "consent-form-body.html" if output.what == "pdf" else "collection-statement.html"

            def page(layout: dict) -> str:
                return renderer.render("form-pdf.html", body=body, layout=layout,
                                       notice_hrefs=notice_urls(model, view, "pdf"),
                                       withdraw=_withdraw(renderer, view, "html"), level=1,
                                       notice_links="pdf", **context)

            layout = {"mode": "page"}
            if output.what != "pdf":
                layout = statement_layout(page, model, output.what, f"{prefix}{output.relative}")
            published = view.notice.entry.get("published") if view.notice is not None else None
            data = write_pdf(page(layout), model.root, model.template_dirs + [packaged_templates()],
                             epoch(published), f"{prefix}{output.relative}")
        files[prefix + output.relative] = data
    return files


MM = 96 / 25.4
"""CSS pixels to the millimetre."""
A4_HEIGHT = 297 * MM
PAGE_MARGINS = (22 * MM, 24 * MM)
"""A statement's A4 page: its top and bottom margins (as the notices' printed pages)."""
BLOCK_MARGINS = (12 * MM, 6 * MM)
"""The block's margins: room above for the example or draft mark."""


def statement_layout(page, model: Model, what: str, name: str) -> dict:
    """Where a collection statement goes on paper. Laid out once at the top of an A4 page
    to measure it, then either placed at the foot of the page (``statement-pdf``: the
    page lays over, or is printed onto, the last page of the school's own form), or
    given a page of exactly its own height (``statement-block``: a block to place in a
    form made in a word processor). A statement longer than a page runs over pages
    from the top (check's max_words keeps it short). The margins set here are the
    page's (form-pdf.html), so what is measured is what is printed."""
    from noticegen.render.pdf import laid_out

    def margins(top: float, bottom: float) -> dict:
        return {"top": f"{top:.2f}px", "bottom": f"{bottom:.2f}px"}

    pages, top, bottom = laid_out(page({"mode": "measure", **margins(*PAGE_MARGINS)}), model.root,
                                  model.template_dirs + [packaged_templates()], "main", name)
    height = bottom - top
    if pages > 1:
        return {"mode": "flow", **margins(*PAGE_MARGINS)}
    if what == "statement-block":
        return {"mode": "block", "height": f"{height + sum(BLOCK_MARGINS) + 2:.2f}px",
                **margins(*BLOCK_MARGINS)}
    space = A4_HEIGHT - sum(PAGE_MARGINS) - height - 2
    return {"mode": "foot", "space": f"{max(space, 0):.2f}px", **margins(*PAGE_MARGINS)}


def _withdraw(renderer, view: FormView, how: str) -> dict[str, str]:
    """How to withdraw each consent activity's consent, by activity id: as HTML (its
    Markdown rendered) or as plain text."""
    renderer.language = view.language
    found = {}
    for item in view.items:
        if item.consent and item.withdraw:
            markup = str(renderer.markdown_inline(item.withdraw))
            found[item.activity.id] = Markup(markup) if how == "html" else plain_text(markup)
    return found


def form_links(model: Model, pdf: bool) -> list[dict]:
    """The index page's list of forms: each form's title and its files, by what they are."""
    found = []
    for source in model.registers.get("source", {}).values():
        if not source.get("form"):
            continue
        outputs = form_outputs(model, source, pdf)
        title = i18n.choose(source["form"].get("title") or source["name"], model.language)
        found.append({"title": title, "kind": form_kind(source),
                      "files": [(o.what, o.relative, o.language, o.children) for o in outputs]})
    return found
