"""PDF: notice HTML to a tagged A4 PDF (PDF/UA-1) with WeasyPrint.

WeasyPrint is imported here and only here, when a PDF is written: it costs about half
a second, which ``noticegen --help`` and ``check`` must never pay.

Two of WeasyPrint's defaults are wrong for noticegen and are changed:

- its URL fetcher reads any ``file://`` URL and the network. :class:`ProjectFetcher`
  allows only files under the given asset folders (the project's ``templates/`` and the
  packaged templates) and refuses everything else, so prose or a template can never
  pull ``/etc/passwd`` or a tracking pixel into a governor's PDF;
- accessibility problems under ``pdf/ua-1`` (an image without alt text) are only
  logged; here they fail the build.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from noticegen.problems import NoticegenError


EPOCH_FALLBACK = "2000-01-01"


def epoch(date: str | None) -> int:
    """A document's date as the PDF's SOURCE_DATE_EPOCH: the same date, the same bytes."""
    import datetime as dt

    try:
        day = dt.date.fromisoformat(date or EPOCH_FALLBACK)
    except ValueError:  # a placeholder, in a draft
        day = dt.date.fromisoformat(EPOCH_FALLBACK)
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())


class PdfError(NoticegenError):
    """A PDF could not be written."""


class RefusedResource(Exception):
    """A resource the fetcher would not fetch."""


def _fetcher_class():
    import mimetypes

    import weasyprint
    from weasyprint.urls import URLFetcherResponse

    from noticegen.load import files

    class ProjectFetcher(weasyprint.URLFetcher):
        """Serves only regular files inside the allowed folders, read the way noticegen
        reads every project file (no link followed, no special file opened); refuses
        everything else, the network included."""

        def __init__(self, allowed: list[Path], refused: list[str]):
            super().__init__(timeout=1, allowed_protocols=("file",))
            self.allowed = [Path(os.path.abspath(p)) for p in allowed]
            self.refused = refused

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "file" and not parsed.netloc:
                path = Path(os.path.normpath(unquote(parsed.path)))
                for root in self.allowed:
                    if path.is_relative_to(root) and path != root:
                        try:
                            data = files.read_file(root, path.relative_to(root).as_posix(), 20_000_000)
                        except (OSError, files.UnsafeFile):
                            break
                        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                        return URLFetcherResponse(url, data, {"Content-Type": kind})
            self.refused.append(url)
            raise RefusedResource(f"noticegen does not fetch {url}")

    return ProjectFetcher


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


# Messages WeasyPrint logs under pdf/ua-1 that make the PDF inaccessible.
_ACCESSIBILITY = ("alt", "Alternative", "alternative description")


def write_pdf(html: str, base: Path, assets: list[Path], epoch: int, name: str) -> bytes:
    """Render ``html`` to PDF bytes; the same input always gives the same bytes."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)  # WeasyPrint's font subsets read it
    try:
        return _write_pdf(html, base, assets, name)
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def laid_out(html: str, base: Path, assets: list[Path], anchor: str, name: str) -> tuple[int, float, float]:
    """How ``html`` lays out: its number of pages, and the top and bottom (CSS pixels,
    from the top of the first page) of the element whose id is ``anchor`` on the first
    page. Read from WeasyPrint's own layout, so a block can be sized or placed to fit
    before the PDF is written (a collection statement at the foot of a form)."""
    refused: list[str] = []
    try:
        document = _html(html, base, assets, refused).render()
    except Exception as exc:
        raise PdfError(f"{name}: the PDF could not be laid out: {exc}") from None
    _refuse(refused, name)
    box = document.pages[0].anchors.get(anchor)
    if box is None:
        raise PdfError(f"{name}: the PDF could not be laid out: no element '{anchor}' on its first page")
    return len(document.pages), box[1], box[3]


def _html(html: str, base: Path, assets: list[Path], refused: list[str]):
    """WeasyPrint's document for ``html``, its resources fetched only from ``assets``
    (what is refused is added to ``refused``)."""
    import weasyprint

    return weasyprint.HTML(string=html, base_url=base.resolve().as_uri() + "/",
                           url_fetcher=_fetcher_class()(assets, refused))


def _refuse(refused: list[str], name: str) -> None:
    if refused:
        raise PdfError(f"{name}: refused to fetch {refused[0]}: a PDF may use only the "
                       "project's own templates and assets")


def _write_pdf(html: str, base: Path, assets: list[Path], name: str) -> bytes:
    refused: list[str] = []
    logger = logging.getLogger("weasyprint")
    collect = _Collect()
    logger.addHandler(collect)
    try:
        data = _html(html, base, assets, refused).write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)
    except Exception as exc:  # WeasyPrint's own failures: one line, the notice named
        raise PdfError(f"{name}: the PDF could not be written: {exc}") from None
    finally:
        logger.removeHandler(collect)
    _refuse(refused, name)
    problems = [m for m in collect.messages if any(word in m for word in _ACCESSIBILITY)]
    if problems:
        raise PdfError(f"{name}: the PDF would not be accessible: {problems[0]}")
    return data
