"""Rules about the forms a school hands out: consent forms (one separate choice per
purpose, UK GDPR Art 7(2) and the ICO's consent guidance) and collection statements (a
just-in-time notice, Art 13, within the length and reading age the DPO sets), each
pointing to the current version of the notice it comes from."""

from __future__ import annotations

from typing import Iterator

from noticegen.load.validate import did_you_mean
from noticegen.model.facts import relies_on_consent
from noticegen.problems import Problem
from noticegen.rules.registry import E, W, Context, declare, problem, rule

declare({
    "consent-without-form": (W, "An activity that relies on consent (Art 6(1)(a) or 9(2)(a)) whose sources name no consent form (a source with form: {kind: consent}): noticegen cannot make the form that asks for it."),
    "bundled-consent": (E, "A consent form's choice that asks about several purposes at once: consent must be given separately for each (Art 7(2); the ICO's consent guidance asks for granular choices)."),
    "consent-choice-unmatched": (E, "A consent form whose choices do not match its consent purposes one to one: a purpose with no choice, or a choice naming an activity or purpose the form does not ask about."),
    "empty-form": (E, "A form (a source with form:) that no activity collects through, or a consent form that no activity relying on consent lists: it would say nothing."),
    "form-notice-version": (E, "A form or collection statement that cites a version of its notice (form.notice_version, or one of form.other_notices) that is not the notice's current version: the printed or pasted form is out of date."),
    "form-notice-missing": (E, "A form that collects for an activity none of the notices it points to covers (form.notice and form.other_notices): the statement gives only part of what Art 13 asks, and the full notice it links must give the rest (the rights, the DPO, the right to complain)."),
    "statement-too-long": (E, "A collection statement with more words than its form's max_words."),
    "statement-reading-age": (W, "A collection statement or consent form harder to read than its form's reading_age (Flesch-Kincaid grade + 5, measured as notices are)."),
})


@rule
def consent_without_form(ctx: Context) -> Iterator[Problem]:
    for stem, activity in sorted(ctx.model.activities.items()):
        if not relies_on_consent(activity):
            continue
        from noticegen.model.consent import consent_form_of  # (most projects ask no consent)

        if consent_form_of(ctx.model, activity) is None:
            yield problem(activity.where("lawful_basis", "article_6"), "consent-without-form",
                          f"activity '{stem}' relies on consent, but none of its sources is a consent "
                          "form, so noticegen cannot make the form that asks for it. Add a source with "
                          "'form: {kind: consent, ...}' in datamap/sources.yaml and list it under this "
                          "activity's sources (docs/forms.md)")


@rule
def forms(ctx: Context) -> Iterator[Problem]:
    model = ctx.model
    if not any(source.get("form") for source in model.registers.get("source", {}).values()):
        return  # (most projects hand out no form: the forms' model is not even imported)
    from noticegen.model.consent import CONSENT, collecting, form_kind, form_sources

    for source in form_sources(model):
        form = source["form"]
        activities = collecting(model, source.id)
        kind = form_kind(source)
        yield from _notice_link(ctx, source)
        for index, ident in enumerate(form.get("categories") or []):
            if ident not in model.registers["category"]:
                yield problem(source.where("form", "categories", index), "undeclared-category",
                              f"'{ident}' is not declared in datamap/categories.yaml"
                              f"{did_you_mean(ident, model.registers['category'])}")
        listing = [a for a in model.activities.values() if source.id in a.get("sources", [])]
        if kind == CONSENT:
            activities = [a for a in activities if relies_on_consent(a)]
            if not any(relies_on_consent(a) for a in listing):
                yield problem(source.where("form", "kind"), "empty-form",
                              f"consent form '{source.id}' asks for nothing: no activity that relies on "
                              "consent lists it among its sources. List it under the sources of each "
                              "activity whose consent it asks for, or remove 'form'")
                continue
            if activities:  # else its activities have problems of their own, reported there
                yield from _choices(source, activities)
        elif not listing:
            yield problem(source.where("form"), "empty-form",
                          f"no activity collects through form '{source.id}' (none lists it among its "
                          "sources), so its collection statement would say nothing. List it under the "
                          "sources of the activities that use it, or remove 'form'")
        if ctx.renderer is not None and activities:
            yield from _measure(ctx, source)


def _notice_link(ctx: Context, source) -> Iterator[Problem]:
    """Each notice the form points to is declared and cited at its current version, and
    every activity the form collects for is in one of them: the statement gives only
    part of what Art 13 asks (not the rights, the DPO or the right to complain), and the
    full notice linked from it gives the rest."""
    from noticegen.model.consent import CONSENT, collecting, form_kind, linked_notices

    covered: set[str] = set()
    for slug, version, where in linked_notices(source):
        notice = ctx.model.notices.get(slug)
        if notice is None:
            yield problem(source.where(*where, "notice"), "undeclared-notice",
                          f"notice '{slug}' is not declared (no notices/{slug}.md)"
                          f"{did_you_mean(slug, ctx.model.notices)}")
            continue
        covered.update(notice.activity_ids)
        current = notice.entry["version"]
        if version != current:
            yield problem(source.where(*where, "notice_version"), "form-notice-version",
                          f"form '{source.id}' cites version {version} of notice "
                          f"'{notice.slug}', which is now version {current}: check the form still says "
                          f"what the notice says, replace the copies people fill in (print it again, "
                          f"paste the new text into your form tool), then set notice_version: \"{current}\"")
    if len(covered) == 0:
        return  # its notices are not declared: reported above
    consent_form = form_kind(source) == CONSENT
    for activity in collecting(ctx.model, source.id):
        if consent_form and not relies_on_consent(activity):
            continue  # a consent form is about its consent activities alone
        if activity.id in covered:
            continue
        holders = sorted(slug for slug, notice in ctx.model.notices.items()
                         if activity.id in notice.activity_ids and notice.original == slug)
        advice = (f"add notice '{holders[0]}' under other_notices, with the version the form cites"
                  if holders else f"activity '{activity.id}' is in no notice yet: add it to one, then point "
                  "the form to that notice")
        yield problem(source.where("form", "notice"), "form-notice-missing",
                      f"form '{source.id}' collects for activity '{activity.id}', but none of the notices "
                      f"it points to covers it, so people filling it in cannot find the rest of what the "
                      f"law says they must be told (their rights, the Data Protection Officer, the right "
                      f"to complain): {advice} (docs/forms.md)")


def _choices(source, activities) -> Iterator[Problem]:
    from noticegen.model.consent import missing_purposes

    form = source["form"]
    consenting = {a.id: a for a in activities}
    for index, choice in enumerate(form.get("choices") or []):
        activity = consenting.get(choice["activity"])
        if activity is None:
            yield problem(source.where("form", "choices", index, "activity"), "consent-choice-unmatched",
                          f"this choice asks about activity '{choice['activity']}', which does not rely "
                          f"on consent through form '{source.id}'{did_you_mean(choice['activity'], consenting)}: "
                          "name an activity that lists this form among its sources and relies on consent")
            continue
        count = len(activity["purposes"])
        for position, number in enumerate(choice["purposes"]):
            if number > count:
                yield problem(source.where("form", "choices", index, "purposes", position),
                              "consent-choice-unmatched",
                              f"activity '{activity.id}' has {count} purpose{'s' if count != 1 else ''}: "
                              f"there is no purpose {number} (number them from 1, in the order of its purposes)")
        if len(choice["purposes"]) > 1:
            yield problem(source.where("form", "choices", index, "purposes"), "bundled-consent",
                          f"this choice asks about {len(choice['purposes'])} purposes of activity "
                          f"'{activity.id}' at once, so nobody can agree to one without the other: "
                          "consent must be given separately for each purpose. Give each purpose a "
                          "choice of its own")
    if form.get("choices"):
        for activity, number in missing_purposes(source, activities):
            yield problem(source.where("form", "choices"), "consent-choice-unmatched",
                          f"no choice asks about purpose {number} of activity '{activity.id}' "
                          f"(\"{_short(' '.join(str(activity['purposes'][number - 1]).split()))}\"): "
                          "add a choice for it, or the form would record no answer to it")


def _measure(ctx: Context, source) -> Iterator[Problem]:
    """The statement's length against max_words, and what the form says against its
    reading_age, measured as a notice's text is (text.readability)."""
    form = source["form"]
    limit, age = form.get("max_words"), form.get("reading_age")
    if limit is None and age is None:
        return
    from noticegen.model.consent import CONSENT, form_view
    from noticegen.problems import NoticegenError
    from noticegen.text import readability

    renderer = _renderer(ctx)
    try:
        view = form_view(ctx.model, source.id)
        consent = view.kind == CONSENT
        template = "consent-form-body.html" if consent else "collection-statement.html"
        html = renderer.render(template, form=view, notice_hrefs={}, withdraw={}, level=1, paper=True,
                               language=view.language)
        text = renderer.render("collection-statement.txt", form=view, notice_hrefs={}, withdraw={},
                               language=view.language) if not consent else ""
    except (NoticegenError, KeyError, TypeError, ValueError, AttributeError, LookupError):
        return  # the model has problems other rules report
    if limit is not None and not consent:
        words = len(readability.words_of(text))
        if words > limit:
            yield problem(source.where("form", "max_words"), "statement-too-long",
                          f"the collection statement of form '{source.id}' has {words} words, more "
                          f"than the {limit} you allow: narrow the form's categories to what it asks "
                          "for, shorten the purposes of the activities that collect through it, or "
                          "raise max_words")
    if age is not None:
        found = readability.measure(readability.sentences(html))
        if found is not None and found.grade > readability.target_grade(age):
            what = "consent form" if consent else "collection statement"
            hardest = "; ".join(f"\"{_short(s.text)}\" (grade {s.grade:.1f})" for s in found.hardest)
            yield problem(source.where("form", "reading_age"), "statement-reading-age",
                          f"the {what} of form '{source.id}' is harder to read than reading age {age}: "
                          f"reading age {found.reading_age:.1f} (Flesch-Kincaid grade {found.grade:.1f}); "
                          f"hardest sentences: {hardest}. Reword these in the data map, or raise "
                          "reading_age (docs/readability.md)")


def _renderer(ctx: Context):
    """The check's one renderer, shared with the reading-age rules (making one reads
    and sets up every template folder)."""
    from noticegen.rules.readability import shared_measurer

    return shared_measurer(ctx).renderer


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
