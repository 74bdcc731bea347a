"""Rules about notices: their sections and prose blocks, and when each is due for review."""

from __future__ import annotations

import datetime as dt
from typing import Iterator

from noticegen.text.i18n import add_months
from noticegen.model.resolve import BUILT_IN_SECTIONS
from noticegen.problems import Location, Problem
from noticegen.load.reader import INTRODUCTION
from noticegen.rules.registry import E, W, Context, declare, problem, rule
from noticegen.load.validate import did_you_mean

declare({
    "unknown-section": (E, "A notice section that is neither built in nor has prose."),
    "duplicate-section": (E, "A notice lists the same section twice."),
    "unused-block": (E, "A prose block in a notice body that no section shows (a mistyped section marker): its text would vanish from the notice."),
    "raw-html": (E, "HTML tags in prose: notices show prose as Markdown only, so the tags would be published as visible text."),
    "review-overdue": (W, "A notice whose review date has passed."),
    "missing-section": (E, "A notice without a built-in section that carries items UK GDPR Art 13 and 14 require (who the controller is, purposes and bases, categories, sources, retention, recipients, rights, complaints)."),
    "prose-too-deep": (E, "Prose nested deeper than a notice can show (lists in lists, quotes in quotes): the rest of it would be lost."),
    "notice-not-versioned": (W, "A notice whose content changed since the last git tag, while its version and published date did not: readers cannot tell it changed."),
    "date-out-of-range": (E, "A date before 1900 or after 2200: not a real publication or review date, and one noticegen could not compute with."),
})

REQUIRED_SECTIONS = {
    # built-in section: what Art 13/14 makes it carry
    "purposes": "the purposes (Art 13(1)(c))",
    "categories": "the categories of data (Art 14(1)(d))",
    "lawful-basis": "the lawful basis for each purpose, and any legitimate interests (Art 13(1)(c)-(d))",
    "collecting": "whether people must provide the data and what happens if not, and where it comes from (Art 13(2)(e), 14(2)(f))",
    "storing": "how long it is kept (Art 13(2)(a))",
    "recipients": "who receives it, and any transfers abroad (Art 13(1)(e)-(f))",
    "rights": "people's rights, withdrawing consent and automated decisions (Art 13(2)(b), (c), (f))",
    "complaints": "how to complain, to the organisation and to the ICO (Art 13(2)(d), DPA 2018 s164A)",
    "contact": "who the controller is and how to reach it and its DPO (Art 13(1)(a)-(b))",
}
"""The built-in sections every notice must show, and why."""


@rule
def required_sections(ctx: Context) -> Iterator[Problem]:
    for notice in ctx.model.notices.values():
        shown = {section.id for section in notice.sections}
        missing = [s for s in REQUIRED_SECTIONS if s not in shown]
        if missing:
            where = notice.entry.where("sections", key=True) if notice.entry.get("sections") \
                else notice.entry.where("title")
            yield problem(where, "missing-section",
                          f"notice '{notice.slug}' must show "
                          + "; ".join(f"'{s}' ({REQUIRED_SECTIONS[s]})" for s in missing)
                          + ": add them to its sections")


@rule
def raw_html(ctx: Context) -> Iterator[Problem]:
    from noticegen.model.resolve import activity_prose, register_prose
    from noticegen.model.prose import html_tags

    blocks = [b for notice in ctx.model.notices.values() for b in notice.prose()]
    blocks += [b for activity in ctx.model.activities.values() for b in activity_prose(activity)]
    blocks += list(register_prose(ctx.model))
    seen = set()
    for block in blocks:
        if id(block) in seen:
            continue
        seen.add(id(block))
        for offset, tag in html_tags(block.text):
            yield problem(block.locate(offset), "raw-html",
                          f"'{tag[:60]}' is HTML, which prose does not allow: it would be "
                          "published as visible text. Write it in Markdown (**bold**, "
                          "[text](https://...), a list with '-') or as plain text")


@rule
def prose_depth(ctx: Context) -> Iterator[Problem]:
    from noticegen.model.resolve import activity_prose
    from noticegen.model.prose import MAX_NESTING, too_deep

    blocks = [b for notice in ctx.model.notices.values() for b in notice.prose()]
    blocks += [b for activity in ctx.model.activities.values() for b in activity_prose(activity)]
    seen = set()
    for block in blocks:
        if id(block) in seen:
            continue
        seen.add(id(block))
        line = too_deep(block.text)
        if line is not None:
            where = block.anchor or Location(block.path, block.line + line, 1)
            yield problem(where, "prose-too-deep",
                          f"this prose nests more than {MAX_NESTING} levels deep (lists inside "
                          "lists, quotes inside quotes or emphasis inside emphasis); a notice "
                          "cannot show it and the rest of the text would be lost: flatten it")


@rule
def notices_versioned(ctx: Context) -> Iterator[Problem]:
    """Only in a git repository with a tag, and for a single project (not a trust): what
    each notice says is compared with the last tag's, as ``noticegen diff`` does."""
    model = ctx.model
    if model.school is not None or not ctx.loaded.complete or not _in_git(model.root):
        return
    import subprocess

    try:
        tag = subprocess.run(["git", "-C", str(model.root), "describe", "--tags", "--abbrev=0"],
                             capture_output=True, text=True, timeout=20, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return
    if not tag:
        return
    from noticegen.model.changes import diff_models, model_at
    from noticegen.problems import NoticegenError

    try:
        old = model_at(model.root, tag)
    except NoticegenError:
        return  # diff explains its own problems; check does not depend on it
    changes = diff_models(old, model, tag, "the work tree").changes
    for slug, notice in model.notices.items():
        reached = [c for c in changes if slug in c.notices]
        before = old.notices.get(slug)
        if not reached or before is None:
            continue
        same = all(before.entry.get(key) == notice.entry.get(key) for key in ("version", "published"))
        if same:
            yield problem(notice.entry.where("version"), "notice-not-versioned",
                          f"notice '{slug}' has changed since {tag} ({reached[0].note.rstrip('.')}"
                          f"{' and more' if len(reached) > 1 else ''}), but its version and "
                          "published date have not: raise the version and set published to the "
                          "date it goes out")


def _in_git(root) -> bool:
    from pathlib import Path

    return any((folder / ".git").exists() for folder in (Path(root), *Path(root).resolve().parents))


EARLIEST, LATEST = 1900, 2200


def _is_date(value) -> bool:
    """A date as written (a placeholder left in a draft is not one)."""
    return isinstance(value, str) and len(value) == 10 and value[:4].isdigit() and value[4] == "-"
DATE_FIELDS = ("published", "last_reviewed")


@rule
def dates_in_range(ctx: Context) -> Iterator[Problem]:
    for notice in ctx.model.notices.values():
        for name in DATE_FIELDS:
            value = notice.entry.get(name)
            if _is_date(value) and not EARLIEST <= int(value[:4]) <= LATEST:
                yield problem(notice.entry.where(name), "date-out-of-range",
                              f"{value} is not a date a notice can have; write the real date "
                              f"(between {EARLIEST} and {LATEST})")


@rule
def notice_sections(ctx: Context) -> Iterator[Problem]:
    for notice in ctx.model.notices.values():
        seen: dict[str, int] = {}
        for index, section in enumerate(notice.sections):
            if section.id in seen:
                yield problem(section.location, "duplicate-section",
                               f"section '{section.id}' is already listed on line {seen[section.id]}")
            seen.setdefault(section.id, section.location.line)
            include = notice.entry["sections"][index].get("include") \
                if notice.entry.get("sections") and isinstance(notice.entry["sections"][index], dict) else None
            if not section.built_in and section.block is None and not include:
                yield problem(section.location, "unknown-section",
                               f"section '{section.id}' is not built in "
                               f"({', '.join(BUILT_IN_SECTIONS)}){did_you_mean(section.id, BUILT_IN_SECTIONS)} "
                               f"and has no prose: add a '<!-- section: {section.id} -->' block "
                               "or an include")
        for block in notice.blocks.values():
            if block.id != INTRODUCTION and block.id not in seen:
                yield problem(Location(block.path, block.line - 1, 1), "unused-block",
                               f"prose block '{block.id}' is not shown: no section of the notice "
                               f"has id '{block.id}'{did_you_mean(block.id, seen)}")


@rule
def review_dates(ctx: Context) -> Iterator[Problem]:
    for notice in ctx.model.notices.values():
        reviewed, every = notice.entry.get("last_reviewed"), notice.entry.get("review_every_months")
        if not _is_date(reviewed) or not every or not EARLIEST <= int(reviewed[:4]) <= LATEST:
            continue
        due = add_months(dt.date.fromisoformat(reviewed), every)
        if due < ctx.today:
            yield problem(notice.entry.where("last_reviewed"), "review-overdue",
                           f"notice '{notice.slug}' was due for review on {due.isoformat()} "
                           f"(last reviewed {reviewed}, every {every} months)")
