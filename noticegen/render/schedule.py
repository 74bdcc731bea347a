"""Render the retention schedule (computed in :mod:`noticegen.model.schedule`) as a CSV
file and its disposal calendar as an iCalendar file (RFC 5545, written with the
``icalendar`` library, imported only when the calendar is written).

The calendar is deterministic: it counts from a date given as input, never from the
clock (:func:`calendar_today`); each event's UID comes from the rule's id, and DTSTAMP is
that same date, so the same data map and date give the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os

from noticegen.model.record import ILLUSTRATIVE
from noticegen.model.schedule import (DATED, MONTHLY_REVIEW, NO_DATE, REVIEW_DAY, COLUMNS, Schedule,
                                      Series, dated_end, first_on_or_after, row)
from noticegen.render.ropa import _csv_safe
from noticegen.text import i18n

FALLBACK = dt.date(2000, 1, 1)
"""The date a calendar counts from when nothing gives one (no SOURCE_DATE_EPOCH, no
notice with a ``published`` date)."""
LATEST = dt.date(9000, 12, 31)
"""A later day is not taken (the next year's occurrence must still be a date Python holds)."""
ALARM_DAYS = 14
"""Each event reminds two weeks before, so the school has time to act."""


def calendar_today(model) -> dt.date:
    """The day the disposal calendar counts from: ``SOURCE_DATE_EPOCH`` (seconds since
    1970, the reproducible-builds convention) when it is set, as a UTC date; otherwise the
    newest ``published`` date among the project's notices (the date its PDFs carry);
    otherwise 1 January 2000. Never the clock: the same input gives the same bytes. Every
    event repeats, so this only decides the first occurrence each event lists."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit() and len(epoch) <= 12:
        try:
            day = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):  # beyond the dates Python holds
            day = None
        if day is not None and day <= LATEST:
            return day
    dates = []
    for notice in model.notices.values():
        try:
            dates.append(dt.date.fromisoformat(str(notice.entry.get("published"))))
        except ValueError:  # none, or a placeholder in a draft
            continue
    return max((d for d in dates if d <= LATEST), default=FALLBACK)


def to_csv(schedule: Schedule) -> bytes:
    """One header row, then a row per series, each starting with its group; UTF-8 with a
    BOM, every field quoted and formulas neutralised, as the record of processing's CSV."""
    _ = i18n.gettext_for(schedule.language)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow([_("Group")] + [_(c) for c in COLUMNS] + [_("Identifier")])
    for group in schedule.groups:
        for series in group.series:
            writer.writerow([_csv_safe(v) for v in [group.heading, *row(series, schedule.language), series.id]])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def to_ics(schedule: Schedule, today: dt.date, school: str | None = None, draft: bool = False) -> bytes:
    """The disposal calendar: one repeating all-day event for each series with a fixed
    period (dated, or a review reminder), none for a series without one."""
    import icalendar

    _ = i18n.gettext_for(schedule.language)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//noticegen//retention schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = _("Disposal calendar") + f" – {schedule.publisher}"
    if schedule.example:
        name = _("Example") + ": " + name
    if draft:
        name = _("DRAFT — NOT FOR PUBLICATION") + ": " + name
    calendar.add("x-wr-calname", name)
    stamp = dt.datetime(today.year, today.month, today.day, tzinfo=dt.timezone.utc)
    for series in schedule.series:
        if series.calendar == NO_DATE:
            continue
        calendar.add_component(_event(series, schedule, today, stamp, school, _))
    return calendar.to_ical()


def _event(series: Series, schedule: Schedule, today: dt.date, stamp: dt.datetime,
           school: str | None, _):
    import icalendar

    event = icalendar.Event()
    event.add("uid", f"{series.id}.{series.calendar}.{school + '.' if school else ''}retention@noticegen")
    event.add("dtstamp", stamp)
    if series.calendar == DATED:
        month, _day = dated_end(series.years, series.months)
        start = first_on_or_after(today, month, None)
        rule = {"freq": "yearly", "bymonth": month, "bymonthday": -1}
        summary = _("%(series)s: retention period ends") % {"series": series.name}
    elif series.calendar == MONTHLY_REVIEW:
        start = today if today.day == 1 else dt.date(today.year + today.month // 12, today.month % 12 + 1, 1)
        rule = {"freq": "monthly", "bymonthday": 1}
        summary = _("%(series)s: monthly retention review") % {"series": series.name}
    else:
        start = first_on_or_after(today, *REVIEW_DAY)
        rule = {"freq": "yearly", "bymonth": REVIEW_DAY[0], "bymonthday": REVIEW_DAY[1]}
        summary = _("%(series)s: yearly retention review") % {"series": series.name}
    if series.hold:
        summary = _("On legal hold") + ": " + summary
    if schedule.example:
        summary = _("Example") + ": " + summary
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(days=1))
    event.add("rrule", rule)
    event.add("transp", "TRANSPARENT")
    event.add("description", _description(series, schedule, _))
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", dt.timedelta(days=-ALARM_DAYS))
    alarm.add("description", summary)
    event.add_component(alarm)
    return event


def _description(series: Series, schedule: Schedule, _) -> str:
    lines = []
    if schedule.example:
        lines.append(_("Example — not %(name)s's retention schedule.") % {"name": schedule.example})
    lines.append(series.calendar_text + ".")
    period = series.period + (f" ({series.trigger})" if series.trigger else "")
    lines.append(_("Retention period") + ": " + period)
    lines.append(_("At the end") + ": " + series.action)
    if series.hold:
        lines.append(_("Legal hold") + ": " + series.hold)
    if series.reference:
        lines.append(_("Source") + ": " + series.reference
                     + (f" {series.reference_url}" if series.reference_url else ""))
    if series.categories:
        lines.append(_("Categories of data") + ": " + "; ".join(series.categories))
    if series.note:
        lines.append(series.note)
    if series.illustrative:
        lines.append(_(ILLUSTRATIVE))
    return "\n".join(lines)


def schedule_files(model, renderer, outputs: list[str], school: str | None) -> dict[str, bytes]:
    """The schedule's page, CSV, calendar and (when asked for: a fourth output) PDF, in
    the order of ``outputs``; the PDF is dated by the day the calendar counts from."""
    from noticegen.model.schedule import build_schedule

    schedule = build_schedule(model)
    today = calendar_today(model)
    names = [output.rsplit("/", 1)[-1] for output in outputs]
    pdf = len(outputs) == 4
    files = {"csv": names[1], "ics": names[2], "pdf": names[3] if pdf else None}
    made = {outputs[0]: renderer.render("retention-schedule.html", schedule=schedule, files=files).encode(),
            outputs[1]: to_csv(schedule), outputs[2]: to_ics(schedule, today, school, renderer.draft)}
    if pdf:
        from noticegen.load.templates import packaged_templates
        from noticegen.render.pdf import write_pdf

        source = renderer.render("retention-schedule-pdf.html", schedule=schedule, files=None)
        stamp = int(dt.datetime(today.year, today.month, today.day, tzinfo=dt.timezone.utc).timestamp())
        made[outputs[3]] = write_pdf(source, model.root, model.template_dirs + [packaged_templates()], stamp,
                                     outputs[3])
    return made
