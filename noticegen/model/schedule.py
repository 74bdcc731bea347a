"""The retention schedule: every retention rule of the data map as a record series, with
its period, trigger, action, source, categories and the activities that use it, grouped
by business function; and, for the disposal calendar, which series give a date a
calendar can hold and which only a recurring review (docs/retention-schedule.md).

Computed here, from the model, so that the schedule's page, PDF and CSV and its calendar
(:mod:`noticegen.render.schedule`) all read the very same values.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter

from noticegen.classes import dataclass, field
from noticegen.model.derive import _PERIOD_TRIGGERS, _UNKNOWN_EVENT, join_words
from noticegen.model.record import ILLUSTRATIVE
from noticegen.model.resolve import Entry, Model, localised
from noticegen.text import i18n
from noticegen.text.i18n import N_

ACTIONS = {"secure-disposal": N_("Secure disposal"), "deletion": N_("Deletion"),
           "review": N_("Review"), "archive": N_("Archive"), "transfer": N_("Transfer")}
"""What happens at the end of a period, as the schedule's column says it."""
NOT_STATED = N_("Not stated")
NOT_USED = N_("Not used by any activity")

ACADEMIC_YEAR_END = (8, 31)
"""The end of the academic year, as schools count it (1 September to 31 August): a
convention, not a date found in statute (docs/retention-schedule.md)."""
REVIEW_DAY = (7, 1)
"""The day of the yearly review reminder for series whose dates depend on each record:
1 July, in the summer term, before staff leave for the summer (a choice, documented)."""

DATED, YEARLY_REVIEW, MONTHLY_REVIEW, NO_DATE = "dated", "yearly-review", "monthly-review", "none"
CALENDAR_WORDS = {
    DATED: N_("Every year on %(date)s, for the records of the academic year that ended %(period)s earlier"),
    YEARLY_REVIEW: N_("A yearly review reminder, on %(date)s: the dates depend on each record"),
    MONTHLY_REVIEW: N_("A monthly review reminder, on the first day of the month: the dates depend on each record"),
    NO_DATE: N_("None: no fixed period to count"),
}
"""What the schedule's 'Disposal calendar' column says for each kind of calendar entry."""


@dataclass
class Series:
    """One record series: a retention rule, as the schedule shows it."""

    id: str
    name: str
    period: str
    """'25 years', 'while the pupil attends the school', or '' for a rule with criteria."""
    trigger: str
    action: str
    criteria: str
    reference: str
    reference_url: str
    categories: list[str]
    activities: list[str]
    hold: str
    note: str
    applies_to: str
    illustrative: bool
    calendar: str
    """DATED, YEARLY_REVIEW, MONTHLY_REVIEW or NO_DATE."""
    calendar_text: str
    years: int = 0
    months: int = 0
    action_id: str | None = None


@dataclass
class Group:
    """The series of the retention schedule under one heading."""

    heading: str
    series: list[Series] = field(default_factory=list)


@dataclass
class Schedule:
    """The retention schedule: every series, grouped, with who publishes it."""

    organisation: Entry
    publisher: str
    language: str
    groups: list[Group]
    example: str
    """The publisher's name in an example project ('' otherwise): every output says so."""

    @property
    def series(self) -> list[Series]:
        return [s for group in self.groups for s in group.series]


def schedule_published(model: Model) -> bool:
    """Whether the project publishes its retention schedule: with the record of processing
    (``publish_records: true``), or alone (``publish_retention_schedule: true``)."""
    config = model.config.data if model.config is not None else {}
    return model.publish_records or config.get("publish_retention_schedule") is True


def calendar_kind(rule: Entry) -> str:
    """Which calendar entry a rule gives: a date for a period counted from the end of the
    academic year (the same day for every record of that year); a recurring review for a
    period counted from an event of each record or person (a birth, a leaving, an entry
    made), monthly when the period is shorter than a year; none without a fixed period."""
    period = rule.get("period") or {}
    if "years" not in period and "months" not in period:
        return NO_DATE
    if rule.get("trigger") == "end-of-academic-year" and not period.get("while"):
        return DATED
    total = period.get("years", 0) * 12 + period.get("months", 0)
    return MONTHLY_REVIEW if total < 12 else YEARLY_REVIEW


def period_words(period: dict, language: str | None) -> str:
    """'6 years', '1 year and 6 months', 'while the pupil attends the school' (and both)."""
    ngettext = i18n.ngettext_for(language)
    _ = i18n.gettext_for(language)
    parts = []
    if "years" in period:
        parts.append(ngettext("%(count)d year", "%(count)d years", period["years"]) % {"count": period["years"]})
    if "months" in period:
        parts.append(ngettext("%(count)d month", "%(count)d months", period["months"]) % {"count": period["months"]})
    text = join_words(parts, "and", language)
    if "while" in period:
        condition = _("while %(condition)s") % {"condition": period["while"]}
        text = f"{condition}; {text}" if text else condition
    return text


def dated_end(years: int, months: int) -> tuple[int, int]:
    """The (month, day) on which a period counted from 31 August ends: 31 August plus the
    months falls on the last day of a month, whichever month that is."""
    month = (ACADEMIC_YEAR_END[0] - 1 + months) % 12 + 1
    return month, _last_day(2001, month)  # the day in a common year; February is handled by RRULE


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def first_on_or_after(today: dt.date, month: int, day: int | None) -> dt.date:
    """The first date on or after ``today`` falling on ``month``/``day`` (``day`` None: the
    last day of that month)."""
    for year in (today.year, today.year + 1):
        date = dt.date(year, month, day if day is not None else _last_day(year, month))
        if date >= today:
            return date
    raise AssertionError("unreachable")  # pragma: no cover


def _group_of(activities: list[Entry]) -> str:
    """The business function most of the rule's activities share (the first in the data
    map's order on a tie); an activity without one is grouped by its own name."""
    if not activities:
        return ""
    functions = [str(a.get("business_function") or a["name"]) for a in activities]
    counts = Counter(functions)
    return max(functions, key=lambda name: (counts[name], -functions.index(name)))


def build_schedule(model: Model) -> Schedule:
    """The schedule in the project's language: every retention rule of the data map, in
    the order the DPO wrote them, under the business function of the activities that use
    it; groups in alphabetical order, rules no activity uses last."""
    language = model.language
    _ = i18n.gettext_for(language)
    local = localised(model, language)
    categories = local.registers.get("category", {})
    activities = sorted(local.activities.items())
    groups: dict[str, Group] = {}
    for ident, rule in local.registers.get("retention", {}).items():
        users = [a for _stem, a in activities if ident in (a.get("retention") or [])]
        heading = _group_of(users) or _(NOT_USED)
        series = _series(rule, users, categories, language)
        groups.setdefault(heading, Group(heading)).series.append(series)
    unused = groups.pop(_(NOT_USED), None)
    ordered = [groups[h] for h in sorted(groups, key=lambda h: (h.casefold(), h))]
    if unused is not None:
        ordered.append(unused)
    return Schedule(local.organisation, local.publisher, language, ordered,
                    model.publisher if model.example else "")


def _series(rule: Entry, users: list[Entry], categories: dict, language: str) -> Series:
    _ = i18n.gettext_for(language)
    period = rule.get("period") or {}
    if rule.get("trigger"):
        trigger = rule.get("trigger_note") or _(_PERIOD_TRIGGERS.get(rule["trigger"], _UNKNOWN_EVENT))
    else:
        trigger = ""
    kind = calendar_kind(rule)
    words = _(CALENDAR_WORDS[kind])
    years, months = period.get("years", 0), period.get("months", 0)
    if kind == DATED:
        month, day = dated_end(years, months)
        words = words % {"date": i18n.long_date(f"2001-{month:02d}-{day:02d}", language).rsplit(" ", 1)[0],
                         "period": period_words({k: v for k, v in period.items() if k != "while"}, language)}
    elif kind == YEARLY_REVIEW:
        words = words % {"date": i18n.long_date(f"2001-{REVIEW_DAY[0]:02d}-{REVIEW_DAY[1]:02d}",
                                                language).rsplit(" ", 1)[0]}
    return Series(
        id=rule.id, name=str(rule["name"]), period=period_words(period, language) if period else "",
        trigger=str(trigger), action=_(ACTIONS[rule["action"]]) if rule.get("action") else _(NOT_STATED),
        criteria=" ".join(str(rule.get("criteria") or "").split()),
        reference=str(rule.get("reference") or ""), reference_url=str(rule.get("reference_url") or ""),
        categories=[str(categories[c]["name"]) if c in categories else c for c in rule.get("categories") or []],
        activities=[str(a["name"]) for a in users], hold=str(rule.get("hold") or ""),
        note=str(rule.get("note") or ""), applies_to=str(rule.get("applies_to") or ""),
        illustrative=bool(rule.get("illustrative")), calendar=kind, calendar_text=words,
        years=years, months=months, action_id=rule.get("action"))


COLUMNS = [N_("Record series"), N_("Retention period"), N_("Counted from"), N_("At the end"),
           N_("Criteria, where there is no fixed period"), N_("Source"), N_("Categories of data"),
           N_("Used by"), N_("Legal hold"), N_("Note"), N_("Disposal calendar")]
"""The schedule's columns, in the order the page, the PDF and the CSV show them."""


def row(series: Series, language: str | None) -> list[str]:
    """A series as the schedule's columns say it (the CSV's row; the page lays out the same)."""
    _ = i18n.gettext_for(language)
    name = series.name + (f" ({series.applies_to})" if series.applies_to else "")
    if series.illustrative:
        name += " " + _(ILLUSTRATIVE)
    source = series.reference + (f" {series.reference_url}" if series.reference_url else "")
    return [name, series.period, series.trigger, series.action, series.criteria,
            source.strip() or _(NOT_STATED), "; ".join(series.categories), "; ".join(series.activities),
            series.hold, series.note, series.calendar_text]
