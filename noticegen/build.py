"""Build: the whole ``noticegen build``, read top to bottom.

check → derive each notice → render HTML page, fragment and PDF → the ROPA as HTML,
CSV and XLSX → the index → write everything atomically with a manifest. A build
refuses to render when check finds errors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from noticegen.checks import CheckResult, check_project
from noticegen.derive import notice_view
from noticegen.render import Renderer, packaged_templates
from noticegen.ropa import build_ropa, to_csv, to_xlsx
from noticegen.write import BuildWriter, sha256

EPOCH_FALLBACK = "2000-01-01"


@dataclass
class BuildResult:
    check: CheckResult
    manifest: dict | None = None
    outputs: list[str] = field(default_factory=list)


def _epoch(date: str | None) -> int:
    """A notice's publication date as the PDF's SOURCE_DATE_EPOCH."""
    day = dt.date.fromisoformat(date or EPOCH_FALLBACK)
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())


def build_project(root: Path, pdf: bool = True,
                  progress: Callable[[int, int, str], None] | None = None, strict: bool = False,
                  today: dt.date | None = None) -> BuildResult:
    root = Path(root)
    result = BuildResult(check_project(root, today))
    if result.check.failed(strict):
        return result
    model = result.check.model
    renderer = Renderer(model)
    writer = BuildWriter(root)
    assets = [model.root / "templates", packaged_templates()]
    total = len(model.notices) * (3 if pdf else 2) + 4
    done = 0

    def say(name: str) -> None:
        nonlocal done
        if progress is not None:
            progress(done, total, name)
        done += 1

    try:
        index = []
        diffs: dict[str, object] = {}
        for slug, notice in sorted(model.notices.items()):
            diff = None
            if any(section.id == "changes" for section in notice.sections):
                from noticegen.diff import default_base, diff_project

                since = notice.entry.get("changes_since") or default_base(model.root)
                if since not in diffs:
                    diffs[since] = diff_project(model.root, since)
                diff = diffs[since]
            view = notice_view(model, notice, diff)
            files = {"html": f"notices/{slug}.html", "fragment": f"notices/{slug}.fragment.html",
                     "pdf": f"notices/{slug}.pdf" if pdf else None}
            say(files["html"])
            writer.add(files["html"], renderer.render(
                "notice.html", view=view, pdf_name=f"{slug}.pdf" if pdf else ""))
            say(files["fragment"])
            writer.add(files["fragment"], renderer.render("notice-fragment.html", view=view))
            if pdf:
                from noticegen.pdf import write_pdf

                say(files["pdf"])
                source = renderer.render("notice-pdf.html", view=view)
                writer.add(files["pdf"], write_pdf(source, model.root, assets,
                                                   _epoch(notice.entry.get("published")),
                                                   f"notices/{slug}.md"))
            index.append((view, files))

        ropa = build_ropa(model)
        title = f"Record of processing activities – {model.organisation['name']}"
        say("ropa/ropa.html")
        writer.add("ropa/ropa.html", renderer.render("ropa.html", ropa=ropa, title=title))
        say("ropa/ropa.csv")
        writer.add("ropa/ropa.csv", to_csv(ropa))
        say("ropa/ropa.xlsx")
        writer.add("ropa/ropa.xlsx", to_xlsx(ropa, title))
        say("index.html")
        writer.add("index.html", renderer.render("index.html", organisation=model.organisation,
                                                 notices=index))
        if progress is not None:
            progress(total, total, "")
    except BaseException:
        writer.abort()
        raise
    inputs = {relative: sha256((model.root / relative).read_bytes())
              for relative in result.check.loaded.files}
    templates = model.root / "templates"
    if templates.is_dir():
        for path in sorted(templates.rglob("*")):
            if path.is_file():
                inputs[path.relative_to(model.root).as_posix()] = sha256(path.read_bytes())
    result.manifest = writer.commit(inputs)
    result.outputs = sorted(result.manifest["outputs"])
    return result
