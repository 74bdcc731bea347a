"""The history pages (every version of a notice, with when it was in force and what
changed) and the Atom feed of changes, made fresh by each build from the record in
history/ (:mod:`noticegen.load.history`). The kept versions themselves are copied, never
made again."""

from __future__ import annotations

import datetime as dt
import uuid

from noticegen.model.resolve import Model
from noticegen.render.html import Renderer
from noticegen.text.i18n import N_, gettext_for

FEED = "feed.atom"
_ENTRY = N_("%(title)s: version %(version)s")
_NO_NOTE = N_("No note was given of what changed in this version.")


def history_page(renderer: Renderer, model: Model, groups: list, language: str, notice=None) -> bytes:
    """One notice's history page (``notice`` given), or the whole site's in ``language``."""
    _ = gettext_for(language)
    if notice is not None:
        title = _("Every version of %(title)s") % {"title": groups[0][1][-1].title if groups[0][1] else notice.slug}
        shown = [(v[-1].title if v else n.slug, f"{n.slug}.html", v) for n, v in groups]
        return renderer.render("history.html", language=language, title=title, publisher=model.publisher,
                               groups=shown, base="", level=1, feed=f"../{FEED}").encode()
    title = _("Our privacy notices: every version, and what changed")
    shown = [(v[-1].title, f"notices/{n.slug}.html", v) for n, v in groups if v]
    return renderer.render("history.html", language=language, title=title, publisher=model.publisher,
                           groups=shown, base="notices/", level=2, feed=FEED).encode()


def site_history(renderer: Renderer, model: Model, versions: dict, outputs: list[str]) -> dict[str, bytes]:
    made: dict[str, bytes] = {}
    for relative in outputs:
        if relative == FEED:
            made[relative] = feed(model, versions)
            continue
        language = relative[len("history."):-len(".html")] if relative != "history.html" else model.language
        groups = [(notice, versions.get((None, slug), [])) for slug, notice in sorted(model.notices.items())
                  if (notice.language == language) or (relative == "history.html" and
                                                        notice.language == model.language)]
        made[relative] = history_page(renderer, model, groups, language)
    return made


class _Feed:
    """Made lazily: feedgenerator is imported only when a build writes a feed."""

    @staticmethod
    def make(**kwargs):
        import feedgenerator

        class Atom(feedgenerator.Atom1Feed):
            def latest_post_date(self):  # never the time of the build: the same bytes every time
                dates = [item["pubdate"] for item in self.items if item.get("pubdate")]
                return max(dates) if dates else dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)

        return Atom(**kwargs)


def _day(text: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        day = dt.date(2000, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def feed(model: Model, versions: dict) -> bytes:
    """An Atom feed with one entry for each version of each notice, newest first, its
    change note as the summary. Links are absolute when noticegen.yaml gives publish_url."""
    _ = gettext_for(model.language)
    base = (model.config.data.get("publish_url") if model.config is not None else None) or ""
    base = base.rstrip("/") + "/" if base else ""
    identity = base or f"noticegen:{model.publisher}"
    made = _Feed.make(title=_("Changes to the privacy notices of %(name)s") % {"name": model.publisher},
                      link=f"{base}history.html", description="", language=model.language,
                      feed_url=f"{base}{FEED}", author_name=model.publisher,
                      feed_guid=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, identity)}")
    entries = [v for found in versions.values() for v in found]
    entries.sort(key=lambda v: (v.published, v.slug, v.version), reverse=True)
    for version in entries:
        say = gettext_for(version.language)
        note = " ".join(version.note) or say(_NO_NOTE)
        made.add_item(title=say(_ENTRY) % {"title": version.title, "version": version.version},
                      link=f"{base}{version.address('page')}", description=note,
                      pubdate=_day(version.published), updateddate=_day(version.published),
                      unique_id=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{identity}|{version.slug}|{version.version}')}")
    return made.writeString("utf-8").encode("utf-8")
