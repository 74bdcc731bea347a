"""History: what the record in history/ says, on the terminal: every version of each
notice (or of one), when it was in force, what changed; and the record of processing's
kept copies."""

from __future__ import annotations

from pathlib import Path

from noticegen.problems import NoticegenError
from noticegen.load import history


def history_text(root: Path, notice: str | None = None, records: bool = False) -> str:
    from noticegen.text.i18n import long_date

    from noticegen.load.reader import check_root

    root = check_root(Path(root))
    ledger = history.read(root)
    if ledger.problems:
        where, message = ledger.problems[0]
        raise NoticegenError(f"{where}: {message}")
    if not ledger.exists:
        raise NoticegenError("this project keeps no record of published versions yet: "
                             "'noticegen publish' starts it (history/)")
    lines = []
    if records:
        kept = ledger.records()
        lines.append(f"The record of processing: {len(kept)} kept cop{'y' if len(kept) == 1 else 'ies'} "
                     "(never published)")
        for entry in kept:
            lines.append(f"  {entry.data['n']}: as it stood on {long_date(entry.published)}: "
                         f"{entry.folder()}/")
        return "\n".join(lines) + "\n"
    slugs = sorted({e.notice for e in ledger.entries if e.kind == "notice"})
    if notice is not None:
        if notice not in slugs:
            from noticegen.load.validate import did_you_mean

            raise NoticegenError(f"no version of a notice '{notice}' is in the record"
                                 f"{did_you_mean(notice, slugs)}; 'noticegen history' lists them")
        slugs = [notice]
    for slug in slugs:
        versions = ledger.versions(slug)
        lines.append(f"{versions[-1].data['title']} ({slug}): {len(versions)} "
                     f"version{'s' if len(versions) != 1 else ''}")
        for number, entry in enumerate(reversed(versions)):
            later = versions[len(versions) - number:]
            span = (f"in force from {long_date(entry.published)} to {long_date(later[0].published)}"
                    if later else f"in force from {long_date(entry.published)} (the current version)")
            lines.append(f"  version {entry.version}: {span}")
            for note in entry.note or ["(no note was given of what changed)"]:
                lines.append(f"      {note}")
            lines.append(f"      kept: notices/{slug}.v{entry.version}.html, .fragment.html"
                         + (", .pdf" if "pdf" in entry.digests else "")
                         + (f"; rebuilt later from git commit {entry.rebuilt[:12]}" if entry.rebuilt else ""))
    if not slugs:
        lines.append("No notice has been published yet: 'noticegen publish' keeps each version.")
    return "\n".join(lines) + "\n"
