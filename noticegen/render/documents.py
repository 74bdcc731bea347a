"""Render the documents made beside the notices from the same data map: the DPIA
screening report (noticegen.model.screening) and the appropriate policy document
(noticegen.model.policy). Each is a web page and a tagged PDF with the same content
(templates/document.html and document-pdf.html around the document's body template).
"""

from __future__ import annotations


from noticegen.classes import dataclass
from noticegen.load.templates import packaged_templates
from noticegen.model.resolve import Model, localised
from noticegen.render.html import Renderer
from noticegen.text import i18n

SCREENING = "dpia-screening"
"""The screening report's file name, in the records folder."""


@dataclass
class Screened:
    """The screening report's data, for its templates."""

    publisher: str
    rows: list
    published: bool = False


def document_date(model: Model) -> str:
    """A date the document's PDF carries, so that the same data map gives the same
    bytes: the latest publication date of the notices, else a fixed one."""
    dates = sorted(str(n.entry["published"]) for n in model.notices.values()
                   if n.entry.get("published") and str(n.entry["published"])[:1].isdigit())
    return dates[-1] if dates else "2000-01-01"


def screening_files(model: Model, renderer: Renderer, outputs: list[str]) -> dict[str, bytes]:
    from noticegen.model.screening import OUTCOMES, screen_all

    _ = i18n.gettext_for(model.language)
    doc = Screened(model.publisher, screen_all(localised(model, model.language), model.language))
    title = _("DPIA screening") + f" – {model.publisher}"
    return _files(model, renderer, outputs, "dpia-screening-body.html", doc, title,
                  document_date(model), outcomes=OUTCOMES)


def policy_files(model: Model, renderer: Renderer, outputs: list[str]) -> dict[str, bytes]:
    from noticegen.model.policy import DEFAULT_TITLE, policy_document

    doc = policy_document(localised(model, model.language))
    _ = i18n.gettext_for(model.language)
    title = doc.title if doc.title != DEFAULT_TITLE else _(DEFAULT_TITLE)
    return _files(model, renderer, outputs, "appropriate-policy-body.html", doc, title, doc.reviewed)


def _files(model: Model, renderer: Renderer, outputs: list[str], body: str, doc, title: str,
           date: str, **context) -> dict[str, bytes]:
    files = {outputs[0]: renderer.render("document.html", doc=doc, title=title, body=body,
                                         document_banner=True, **context).encode()}
    if len(outputs) > 1:
        from noticegen.render.pdf import epoch, write_pdf

        source = renderer.render("document-pdf.html", doc=doc, title=title, body=body, date=date,
                                 notice_links="pdf", **context)
        files[outputs[1]] = write_pdf(source, model.root, model.template_dirs + [packaged_templates()],
                                      epoch(date), outputs[1])
    return files
