"""DPIA screening: for each activity, the ICO's screening checklist answered from what the
data map already says, giving "DPIA required", "consider a DPIA" or "not indicated", with
the reasons (UK GDPR Art 35(1), (3) and (4); the ICO's list of processing "likely to result
in high risk" and its screening checklist; docs/dpia-screening.md).

Screening is the DPO's first step, not the assessment: every finding names what in the data
map produced it, so the DPO can see why and correct the data map (``dpia.screening``
answers a question the data map cannot, or corrects a guess).
"""

from __future__ import annotations

import re

from noticegen.classes import dataclass, field
from noticegen.model.resolve import Entry, Model, category_examples, category_types
from noticegen.text import i18n
from noticegen.text.i18n import N_, all_texts, display

REQUIRED, CONSIDER, NOT_INDICATED = "required", "consider", "not-indicated"
OUTCOMES = {REQUIRED: N_("DPIA required"), CONSIDER: N_("Consider a DPIA"),
            NOT_INDICATED: N_("Not indicated")}

# Each criterion: whether the ICO's checklist says "always" carry out a DPIA or "consider"
# one, what it means in plain words, and where the law or the ICO says so.
ALWAYS, MAYBE = "always", "consider"
CRITERIA: dict[str, tuple[str, str, str]] = {
    "automated-decisions": (ALWAYS, N_("decisions with legal or similarly significant effects are made about people by automated means"),
                            "UK GDPR Art 35(3)(a); ICO list: denial of service, profiling"),
    "large-scale-sensitive": (ALWAYS, N_("special category or criminal offence data is processed on a large scale"),
                              "UK GDPR Art 35(3)(b)"),
    "monitoring": (ALWAYS, N_("people are watched, recorded or tracked (CCTV, monitoring of online or offline behaviour)"),
                   "UK GDPR Art 35(3)(c); ICO list: tracking"),
    "biometric": (ALWAYS, N_("biometric data is used to identify people (fingerprints, facial recognition)"),
                  "ICO list: biometric data"),
    "genetic": (ALWAYS, N_("genetic data is processed"), "ICO list: genetic data"),
    "new-technology": (ALWAYS, N_("new technology is used"), "ICO list: innovative technology"),
    "data-matching": (ALWAYS, N_("data from several sources is combined, compared or matched"),
                      "ICO list: data matching"),
    "invisible": (ALWAYS, N_("no privacy notice tells the people concerned about it"),
                  "ICO list: invisible processing"),
    "children-targeted": (ALWAYS, N_("children's data is used for marketing or automated decisions"),
                          "ICO list: targeting of children or other vulnerable individuals"),
    "denial-of-service": (ALWAYS, N_("it decides whether people can have a service, opportunity or benefit"),
                          "ICO list: denial of service"),
    "physical-harm": (ALWAYS, N_("a breach could put someone at risk of physical harm"),
                      "ICO list: risk of physical harm"),
    "sensitive": (MAYBE, N_("special category or criminal offence data is processed"),
                  "ICO screening checklist: sensitive data"),
    "children": (MAYBE, N_("the data is about children, who are vulnerable data subjects"),
                 "ICO screening checklist: vulnerable data subjects"),
    "large-scale": (MAYBE, N_("the processing is on a large scale"), "ICO screening checklist: large scale"),
    "evaluation": (MAYBE, N_("people are evaluated or scored"), "ICO screening checklist: evaluation or scoring"),
}

# The questions the DPO may answer in ``dpia.screening`` (the data map cannot tell), and
# the guesses they may correct.
ANSWERS = {"large_scale": "large-scale", "new_technology": "new-technology", "data_matching": "data-matching",
           "physical_harm": "physical-harm", "evaluation": "evaluation", "denial_of_service": "denial-of-service",
           "monitoring": "monitoring", "biometric": "biometric", "genetic": "genetic"}

_CHILDREN = re.compile(r"\b(?:pupils?|child(?:ren)?|students?|learners?|nursery|looked[- ]after|"
                       r"young people|infants?|babies)\b", re.IGNORECASE)
_BIOMETRIC = re.compile(r"\b(?:biometrics?|fingerprints?|finger ?scans?|facial recognition|face recognition|"
                        r"iris|palm ?(?:vein|print)s?)\b", re.IGNORECASE)
_GENETIC = re.compile(r"\b(?:genetic|DNA)\b", re.IGNORECASE)
_MONITORING = re.compile(r"\b(?:CCTV|surveillance|body[- ]worn|security cameras?|camera recordings?|"
                         r"(?:CCTV |video )footage|monitoring software|web filtering|online monitoring|"
                         r"location tracking|tracking (?:of )?(?:location|movements?|online activity))\b",
                         re.IGNORECASE)


@dataclass
class Finding:
    """One DPIA screening criterion an activity meets, and what in the data map shows it."""

    criterion: str
    evidence: str
    """What in the data map gave it, quoted: "category 'CCTV images'"."""

    @property
    def kind(self) -> str:
        return CRITERIA[self.criterion][0]

    @property
    def reason(self) -> str:
        return CRITERIA[self.criterion][1]

    @property
    def source(self) -> str:
        return CRITERIA[self.criterion][2]


@dataclass
class Screening:
    """An activity's DPIA screening: its outcome, the findings and the DPO's own answer."""

    activity: str
    name: str
    outcome: str
    findings: list[Finding] = field(default_factory=list)
    answered: bool | None = None
    """The DPO's own answer (``dpia.required``), when given."""
    link: str | None = None

    @property
    def needs_dpia(self) -> bool:
        """Whether the record should show a DPIA as required: the DPO's answer where given,
        else the screening's."""
        return self.answered if self.answered is not None else self.outcome == REQUIRED


def _activity_places(activity: Entry) -> list[tuple[str, dict, str]]:
    """(how to say where, what to put in it, text) for every place the activity itself
    describes what is processed and why: its purposes, its name, its systems."""
    found: list[tuple[str, dict, str]] = []
    for purpose in activity["purposes"]:
        for text in all_texts(purpose):
            found.append((N_PURPOSE, {"purpose": text}, text))
    for text in all_texts(activity["name"]):
        found.append((N_ACTIVITY, {"name": text}, text))
    for system in activity.get("systems", []):
        name = system.get("name") if isinstance(system, dict) else system
        for text in all_texts(name):
            found.append((N_SYSTEM, {"name": text}, text))
    return found


def _category_places(category: Entry) -> list[tuple[str, dict, str]]:
    """The same for a category: its name and its examples."""
    name = display(category["name"])
    found = [(N_CATEGORY, {"name": name}, text) for text in all_texts(category["name"])]
    for text, _kind in category_examples(category):
        for example in all_texts(text):
            found.append((N_EXAMPLE, {"name": name, "example": example}, example))
    return found


def _found_in(pattern: re.Pattern, places: list[tuple[str, dict, str]]) -> tuple[str, dict] | None:
    for message, values, text in places:
        if pattern.search(text):
            return message, values
    return None


N_CATEGORY = N_("category ‘%(name)s’")
N_EXAMPLE = N_("category ‘%(name)s’, example ‘%(example)s’")
N_PURPOSE = N_("purpose ‘%(purpose)s’")
N_ACTIVITY = N_("activity ‘%(name)s’")
N_SYSTEM = N_("system ‘%(name)s’")


def _first(pattern: re.Pattern, activity: Entry, model: Model, own: list, memo: dict, _) -> str | None:
    """Where ``pattern`` is first found in what the data map says of the activity: its
    categories' names and examples first (each category searched once for all the
    activities screened together), then its own words (``own``)."""
    for ident in activity["categories"]:
        key = (pattern.pattern, ident)
        if key not in memo:
            category = model.registers["category"].get(ident)
            memo[key] = None if category is None else _found_in(pattern, _category_places(category))
        if memo[key] is not None:
            message, values = memo[key]
            return _(message) % values
    found = _found_in(pattern, own)
    return None if found is None else _(found[0]) % found[1]


def children_among(model: Model, activity: Entry, _=lambda text: text) -> str | None:
    """The first data subject of ``activity`` that is children: marked so
    (``children: true``), or, unmarked, named so ("Pupils", "Children at the nursery")."""
    for ident in activity["subjects"]:
        subject = model.registers["subject"].get(ident)
        if subject is None:
            continue
        marked = subject.get("children")
        name = display(subject["name"])
        if marked is True or (marked is None and (_CHILDREN.search(name) or _CHILDREN.search(ident))):
            return _("data subjects ‘%(name)s’") % {"name": name}
    return None


def screen(model: Model, stem: str, activity: Entry, language: str | None = None,
           memo: dict | None = None) -> Screening:
    """The activity screened: every criterion the data map shows, and the outcome; what
    gave each finding is said in ``language``. ``memo`` keeps what is worked out once for
    the activities screened together (:func:`screen_all`)."""
    _ = i18n.gettext_for(language)
    dpia = activity.get("dpia") or {}
    answers = dpia.get("screening") or {}
    memo = {} if memo is None else memo
    own = _activity_places(activity)
    registers = model.registers
    findings: list[Finding] = []

    def found(criterion: str, evidence: str | None) -> None:
        if evidence and all(f.criterion != criterion for f in findings):
            findings.append(Finding(criterion, evidence))

    def answer(key: str, guess: str | None) -> str | None:
        """The DPO's answer where given (``dpia.screening.<key>``), else the guess."""
        if key in answers:
            return (_("the DPO's answer (%(field)s)") % {"field": f"dpia.screening.{key}"}) if answers[key] else None
        return guess

    sensitive = None
    for ident in activity["categories"]:
        category = registers["category"].get(ident)
        if category is not None and category_types(category) & {"special", "criminal"}:
            sensitive = _("category ‘%(name)s’") % {"name": display(category["name"])}
            break
    children = children_among(model, activity, _)
    if "children" in answers:
        children = answer("children", None)
    large = answer("large_scale", None)
    adm = activity.get("automated_decision_making")

    found("automated-decisions", _("the activity's automated decision-making") if isinstance(adm, dict) else None)
    found("large-scale-sensitive", f"{sensitive}; {large}" if sensitive and large else None)
    found("monitoring", answer("monitoring", _first(_MONITORING, activity, model, own, memo, _)))
    found("biometric", answer("biometric", _first(_BIOMETRIC, activity, model, own, memo, _)))
    found("genetic", answer("genetic", _first(_GENETIC, activity, model, own, memo, _)))
    found("new-technology", answer("new_technology", None))
    found("data-matching", answer("data_matching", None))
    found("invisible", None if stem in model.listed_activities else _("no notice lists this activity"))
    targeted = activity.get("direct_marketing") is True or isinstance(adm, dict)
    found("children-targeted", "; ".join([children or "", _("direct marketing") if activity.get("direct_marketing")
                                          else _("the activity's automated decision-making")])
          if children and targeted else None)
    found("denial-of-service", answer("denial_of_service", None))
    found("physical-harm", answer("physical_harm", None))
    found("sensitive", sensitive)
    found("children", children)
    found("large-scale", large)
    found("evaluation", answer("evaluation", None))

    if any(f.kind == ALWAYS for f in findings):
        outcome = REQUIRED
    elif findings:
        outcome = CONSIDER
    else:
        outcome = NOT_INDICATED
    required = dpia.get("required")
    return Screening(stem, display(activity["name"]), outcome, findings,
                     required if isinstance(required, bool) else None, dpia.get("link"))


def screen_all(model: Model, language: str | None = None) -> list[Screening]:
    """Every activity, screened, in the order of their ids."""
    memo: dict = {}
    return [screen(model, stem, activity, language, memo)
            for stem, activity in sorted(model.resolved_activities().items())]
