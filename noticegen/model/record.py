"""What the record of processing activities (UK GDPR Art 30) records: one row per activity.

Columns follow the ICO's documentation template for controllers, in its order and
under its grouped headings, so a DPO's spreadsheet looks the way auditors expect. The
rows are computed here, from the model, so that the ``ropa-gap`` rule and the renderers
(HTML, CSV, XLSX in :mod:`noticegen.render.ropa`) read the very same values.
"""

from __future__ import annotations


from noticegen.classes import dataclass
from noticegen.text import i18n
from noticegen.model.derive import join_words, retention_period
from noticegen.model.facts import marked, retention_policy, shares_of, system_processors
from noticegen.text.i18n import N_
from noticegen.model.resolve import Entry, Model, category_examples

NONE = N_("None")
NOT_APPLICABLE = N_("Not applicable")
NO_LINK = N_("No link yet (see its progress)")
YES, NO = N_("Yes"), N_("No")
SCREENED_YES = N_("Yes (noticegen's screening: DPIA required)")
SCREENED_NO = N_("No (noticegen's screening: not indicated)")
_FIXED = {NONE, NOT_APPLICABLE, NO_LINK, YES, NO, SCREENED_YES, SCREENED_NO}
"""Cells noticegen writes itself, translated as they are put in a row."""

GROUPS: list[tuple[str, list[str]]] = [
    (N_("Article 30 record of processing activities"), [
        N_("Business function"),
        N_("Purpose of processing"),
        N_("Name and contact details of joint controller (if applicable)"),
        N_("Categories of individuals"),
        N_("Categories of personal data"),
        N_("Categories of recipients"),
        N_("Link to contract with processor"),
        N_("Names of third countries or international organisations that personal data are transferred to (if applicable)"),
        N_("Safeguards for exceptional transfers of personal data to third countries or international organisations (if applicable)"),
        N_("Retention schedule (if possible)"),
        N_("General description of technical and organisational security measures (if possible)"),
    ]),
    (N_("Privacy notices"), [
        N_("Article 6 lawful basis for processing personal data"),
        N_("Article 9 condition for processing special category data"),
        N_("Legitimate interests for the processing (if applicable)"),
        N_("Link to record of legitimate interests assessment (if applicable)"),
        N_("Rights available to individuals"),
        N_("Existence of automated decision-making, including profiling (if applicable)"),
        N_("The source of the personal data (if applicable)"),
    ]),
    (N_("Consent"), [N_("Link to record of consent")]),
    (N_("Access requests"), [N_("Location of personal data")]),
    (N_("Data Protection Impact Assessments"), [
        N_("Data Protection Impact Assessment required?"),
        N_("Data Protection Impact Assessment progress"),
        N_("Link to the Data Protection Impact Assessment"),
    ]),
    (N_("Personal data breaches"), [
        N_("Has a personal data breach occurred?"),
        N_("Link to record of personal data breach"),
    ]),
    (N_("Special category or criminal conviction and offence data"), [
        N_("Data Protection Act 2018 Schedule 1 condition for processing"),
        N_("Article 6 lawful basis for processing"),
        N_("Link to retention and erasure policy document"),
        N_("Is personal data retained and erased in accordance with the policy document?"),
        N_("Reasons for not adhering to policy document (if applicable)"),
    ]),
    (N_("noticegen"), [N_("Activity id"), N_("Notices that cover it"), N_("Internal handling"),
                   N_("Legislation and guidance relied on"), N_("Providing the data"),
                   N_("Condition for processing criminal offence data (Article 10)"),
                   N_("Recognised legitimate interest condition (UK GDPR Annex 1)")]),
]
"""(group heading, its columns), in the ICO template's order; noticegen's own last.

A value the data map says is none is written "None" (or "Not applicable"); a value it
does not give is blank, and ``check --strict`` lists those gaps (rule ropa-gap)."""

COLUMNS = [column for _, columns in GROUPS for column in columns]


@dataclass
class Ropa:
    """The record of processing (Art 30): one row per activity, in the project's language."""

    organisation: Entry
    rows: list[list[str]]
    establishment: Entry | None = None
    language: str = i18n.DEFAULT_LANGUAGE
    """The project's language (noticegen.yaml): headings and labels are written in it."""
    example: str = ""
    """The organisation's name when the project is an example (``example: true``): the
    record then says, above everything, that it is not that organisation's record."""
    policy_document: dict | None = None
    """The appropriate policy document as the record refers to it (_policy_document)."""

    @property
    def groups(self):
        _ = i18n.gettext_for(self.language)
        return [(_(group), [_(c) for c in columns]) for group, columns in GROUPS]

    @property
    def columns(self):
        _ = i18n.gettext_for(self.language)
        return [_(c) for c in COLUMNS]

    IDENTITY = (N_("Controller (name, address and contact details)"), N_("Establishment"),
                N_("Data Protection Officer"))
    """Columns the CSV adds to every row (Art 30(1)(a)): a file of rows alone, merged with
    other schools' files, still says whose record each row is."""

    def identity(self) -> list[str]:
        """This record's values for :attr:`IDENTITY`, in its language."""
        _ = i18n.gettext_for(self.language)
        lines = dict(self._controller_lines())
        school = " – ".join(v for v in (lines.get(N_("Establishment")), lines.get(N_("Establishment URN")) and
                                        "URN " + lines[N_("Establishment URN")]) if v)
        dpo = lines[N_("Data Protection Officer")]
        return [f"{lines[N_('Controller')]}; {lines[N_('Controller contact')]}", school,
                _(dpo) if dpo == N_("not recorded") else dpo]

    def controller_block(self) -> list[tuple[str, str]]:
        """The lines above the table: controller, DPO, contacts (Art 30(1)(a))."""
        _ = i18n.gettext_for(self.language)
        lines = [(_(label), _(value) if value == N_("not recorded") else value)
                 for label, value in self._controller_lines()]
        if self.example:
            lines.insert(0, (_("Example"), _("not %(name)s's record of processing: it shows noticegen at "
                                             "work, and values marked illustrative have not been confirmed")
                             % {"name": self.example}))
        return lines

    def _controller_lines(self) -> list[tuple[str, str]]:
        org = self.organisation
        lines = [(N_("Controller"), ", ".join([org["name"], *org.get("address", [])]))]
        lines.append((N_("Controller contact"), _contact(org["contact"])))
        school = self.establishment
        if school is not None:  # a school of a trust: the trust is the controller
            lines.append((N_("Establishment"), ", ".join([school["name"], *school.get("address", [])])))
            if school.get("urn"):
                lines.append((N_("Establishment URN"), school["urn"]))
            if school.get("contact"):
                lines.append((N_("Establishment contact"), _contact(school["contact"])))
        if org.get("urn"):
            lines.append((N_("URN"), org["urn"]))
        if org.get("ico_registration"):
            lines.append((N_("ICO registration number"), org["ico_registration"]))
        lines.append((N_("Data Protection Officer"), _contact(org["dpo"]) if org.get("dpo") else N_("not recorded")))
        if org.get("privacy_contact"):
            lines.append((N_("Privacy contact"), _contact(org["privacy_contact"])))
        if org.get("complaints"):
            lines.append((N_("Complaints to the controller"), _contact(org["complaints"])))
        if self.policy_document:
            lines.append((N_("Appropriate policy document"), _document(self.policy_document)))
        if org.get("representative"):
            lines.append((N_("Representative"), _contact(org["representative"])))
        for joint in org.get("joint_controllers", []):
            lines.append((N_("Joint controller"), _contact(joint)))
        return lines


ILLUSTRATIVE = N_("(illustrative: not yet confirmed)")


def _contact(person: dict) -> str:
    parts = [person.get("role"), person.get("name"), person.get("email"), person.get("phone"),
             ", ".join(person.get("address", [])) or None, person.get("url")]
    text = ", ".join(p for p in parts if p)
    return f"{text} {ILLUSTRATIVE}" if person.get("illustrative") else text


def _policy_document(model: Model) -> dict | None:
    """The appropriate policy document as the record refers to it: the one noticegen
    builds (beside the record, or published beside the notices), else the link given."""
    from noticegen.model.policy import DEFAULT_TITLE, FILE, policy_link

    link = policy_link(model, "records")
    if link is None:
        return None
    _ = i18n.gettext_for(model.language)
    if not link["built"]:
        return {"title": link["title"], "url": link["url"], "illustrative": link["illustrative"]}
    # the one noticegen builds: a spreadsheet of the record cannot follow a relative
    # link, so the cell says where the file is; a published one has its address when
    # noticegen.yaml gives publish_url
    published = policy_link(model, "pdf")
    if published and published["url"]:
        where = published["url"]
    elif link["url"].startswith("../"):
        where = _("%(file)s, published beside the notices") % {"file": f"{FILE}.html"}
    else:
        where = _("%(file)s, kept beside this record") % {"file": f"{FILE}.html"}
    return {"title": link["title"] or _(DEFAULT_TITLE), "url": where, "illustrative": link["illustrative"]}


def _document(value) -> str:
    if isinstance(value, str):
        return value
    text = ", ".join(p for p in (value.get("title"), value["url"]) if p)
    return f"{text} {ILLUSTRATIVE}" if value.get("illustrative") else text


def _link(value) -> str | None:
    """The address of an organisation document given as a URL or as {title, url},
    marked when it is illustrative; None when there is none."""
    if not value:
        return None
    if isinstance(value, str):
        return value
    return value["url"] + (f" {ILLUSTRATIVE}" if value.get("illustrative") else "")


def _mark(text: str | None, illustrative: bool) -> str | None:
    """``text`` followed by the illustrative mark, when it is illustrative and says
    something: on a line of its own after a list of lines, so that it marks the whole list
    and not its last item (``noticegen import`` reads it back so)."""
    if not text or not illustrative:
        return text
    return f"{text}\n{ILLUSTRATIVE}" if "\n" in text else f"{text} {ILLUSTRATIVE}"


def system_name(system) -> str:
    """A system as the ROPA's location column names it: the text, or a system's name."""
    return system if isinstance(system, str) else system["name"]


def _lines(items) -> str:
    return "\n".join(str(i) for i in items if i)


def _or(value: str, otherwise: str | None) -> str | None:
    return value if value else otherwise


def _yes_no(value) -> str | None:
    return None if value is None else (YES if value else NO)


def row_values(model: Model, ident: str, activity: Entry,
               language: str | None = None) -> list[tuple[str, str | None]]:
    """One activity's ROPA row as (column, value) pairs; None where the data map does not
    say (a gap), "None" or "Not applicable" where it says there is nothing."""
    from noticegen.model.derive import rights_for, transfers_of  # as the notices
    from noticegen.model.facts import relies_on_consent

    registers = model.registers
    bases = model.bases
    basis = activity["lawful_basis"]
    organisation = model.organisation.data if model.organisation else {}

    def cite(ids, *groups) -> str:
        """The bases, marked when the activity marks them (``illustrative: [lawful_basis]``
        or ``[lawful_basis.<group>]``) as still to confirm."""
        text = _lines(f"{bases[b].reference} ({bases[b].name})" for b in ids if b in bases)
        return _mark(text, marked(activity, "lawful_basis")
                     or any(marked(activity, f"lawful_basis.{group}") for group in groups))

    shares = shares_of(activity)  # its recipients, and the suppliers that run its systems
    recipients = [registers["recipient"][s["recipient"]] for s in shares]
    share_marked = {s["recipient"] for s in shares if s.get("illustrative")}
    contracts = {}  # processor id -> (recipient, contract link, illustrative?)
    for recipient, share in zip(recipients, shares):
        if recipient["kind"] != "processor":
            continue
        link = share.get("contract") or next(
            (s.get("contract") for s in system_processors(activity)
             if s["processor"] == recipient["id"] and s.get("contract")), None)
        contracts[recipient["id"]] = (recipient, link, recipient["id"] in share_marked
                                      or marked(activity, "recipients"))
    transfers = transfers_of(model, [activity], language)
    breach = activity.get("breach")
    adm = activity.get("automated_decision_making")
    categories = [registers["category"][c] for c in activity["categories"]]
    schedule_1 = list(dict.fromkeys(  # a condition used for both kinds of data is cited once
        b for b in basis.get("schedule_1", []) + basis.get("criminal_offence", [])
        if b in bases and bases[b].kind == "schedule-1"))
    uses_schedule_1 = bool(schedule_1)
    interests = basis.get("article_6", [])
    policy = activity.get("policy_document_retention")
    consent = basis.get("consent") or {}

    values = [
        _mark(activity.get("business_function") or activity["name"],
              marked(activity, "business_function" if activity.get("business_function") else "name")),
        _mark(_lines(activity["purposes"]), marked(activity, "purposes")),
        _contact(activity["joint_controller"]) if activity.get("joint_controller") else NONE,
        _mark(_lines(registers["subject"][s]["name"] for s in activity["subjects"]), marked(activity, "subjects")),
        _mark(_lines(_category(c, language) for c in categories), marked(activity, "categories")),
        _mark(_lines(_mark(r["name"], r["id"] in share_marked) for r in recipients),
              marked(activity, "recipients")) or NONE,
        (None if any(not link for _, link, _m in contracts.values())
         else _lines(_mark(f"{r['name']}: {link}", m) for r, link, m in contracts.values())) if contracts
        else NOT_APPLICABLE,
        _mark(_lines(t.country_name for t in transfers), marked(activity, "transfers")) or NONE,
        _mark(_lines(f"{t.country_name}: {t.safeguard}" for t in transfers), marked(activity, "transfers")) or NONE,
        _mark(_lines(_retention(registers["retention"][r], organisation, language) for r in activity["retention"]),
              marked(activity, "retention")),
        _or(_mark(_lines(activity.get("security_measures", [])), marked(activity, "security_measures")), None),
        cite(basis["article_6"], "article_6"),
        cite(basis.get("article_9", []), "article_9") or (NOT_APPLICABLE if not any(c["type"] == "special" for c in categories) else None),
        (basis.get("legitimate_interests") or None) if "art6-1-f" in interests
        else (cite(basis.get("annex_1", []), "annex_1") or None) if "art6-1-ea" in interests else NOT_APPLICABLE,
        (basis.get("legitimate_interests_assessment") or None) if "art6-1-f" in interests
        else NOT_APPLICABLE,
        _lines(right.name + (f" ({join_words(right.scope, 'and', language)})" if right.scope else "")
               for right in rights_for(model, [activity], language)),
        None if adm is None else (NO if adm is False
                                  else f"Yes: {adm.get('decision', '')} {adm['logic']}".replace(":  ", ": ").strip()),
        _or(_lines(registers["source"][s]["name"] for s in activity.get("sources", [])), None),
        (consent.get("record") or None) if relies_on_consent(activity) else NOT_APPLICABLE,
        _or(_mark(_lines(_mark(system_name(s), isinstance(s, dict) and bool(s.get("illustrative")))
                         for s in activity.get("systems", [])), marked(activity, "systems")), None),
        *_dpia_cells(model, ident, activity),
        _mark(_yes_no(breach["occurred"]), marked(activity, "breach")) if breach else None,
        ((breach.get("record") or None) if breach["occurred"] else NOT_APPLICABLE) if breach else None,
        cite(schedule_1, "schedule_1", "criminal_offence") or NOT_APPLICABLE,
        cite(basis["article_6"], "article_6") if uses_schedule_1 else NOT_APPLICABLE,
        _link(_policy_document(model)) if uses_schedule_1 else NOT_APPLICABLE,
        (_mark(_yes_no(policy["followed"]), marked(activity, "policy_document_retention")) if policy else None)
        if uses_schedule_1 else NOT_APPLICABLE,
        ((NOT_APPLICABLE if policy["followed"] else policy.get("reason")) if policy else None)
        if uses_schedule_1 else NOT_APPLICABLE,
        ident,
        _lines(slug for slug, notice in sorted(model.notices.items()) if ident in notice.activity_ids),
        _mark(_lines(activity.get("handled_by", [])), marked(activity, "handled_by")),
        _lines(_law(registers["legislation"][law], language) for law in activity.get("legislation", [])),
        _provision(activity.get("provision"), language,
                   marked(activity, "provision") or marked(activity, "provision.consequence")),
        cite(basis.get("criminal_offence", []), "criminal_offence") or NOT_APPLICABLE,
        cite(basis.get("annex_1", []), "annex_1") or NOT_APPLICABLE,
    ]
    assert len(values) == len(COLUMNS)
    return list(zip(COLUMNS, values))


def _dpia_cells(model: Model, ident: str, activity: Entry) -> list[str | None]:
    """Required?, progress and link: the DPO's answer where given; else the screening's
    when it is clear (required, or not indicated). 'Consider a DPIA' is the DPO's to
    decide, so the cells stay unknown (a gap check --strict lists)."""
    from noticegen.model.screening import CONSIDER, REQUIRED, screen

    dpia = activity.get("dpia") or {}
    required = dpia.get("required")
    mark = marked(activity, "dpia")
    if isinstance(required, bool):
        answer = _mark(_yes_no(required), mark)
    else:
        outcome = screen(model, ident, activity).outcome
        if outcome == CONSIDER:
            return [None, None, None]
        required = outcome == REQUIRED
        answer = SCREENED_YES if required else SCREENED_NO
    if not required:
        return [answer, NOT_APPLICABLE, NOT_APPLICABLE]
    return [answer, _mark(dpia.get("status") or None, mark),
            _mark(dpia.get("link"), mark) or (NO_LINK if dpia.get("status") else None)]


_TYPES = {"personal": N_("personal"), "special": N_("special"), "criminal": N_("criminal")}


def _category(category: Entry, language: str | None = None) -> str:
    """'Characteristics (personal; includes special category data: ethnicity)'."""
    _ = i18n.gettext_for(language)
    kind_name = _(_TYPES[category["type"]]) if category["type"] in _TYPES else category["type"]
    text = f"{category['name']} ({kind_name}"
    for kind, label in (("special", N_("special category data")), ("criminal", N_("criminal offence data"))):
        items = [t for t, k in category_examples(category) if k == kind and category["type"] != kind]
        if items:
            text += "; " + _("includes %(kind)s: %(items)s") % {
                "kind": _(label), "items": join_words(items, "and", language)}
    return text + ")"


def _retention(rule: Entry, organisation: dict, language: str | None = None) -> str:
    """A rule as the ROPA's retention schedule states it: the period (or criteria), its
    source, the policy it follows, and its note."""
    text = f"{rule['name']}: {retention_period(rule, language)}"
    if rule.get("reference"):
        text += f" ({rule['reference']})"
    policy = retention_policy(rule, organisation)
    if policy:
        _ = i18n.gettext_for(language)
        text += "; " + _("policy: %(title)s") % {"title": policy["title"]} \
            + (f", {policy['url']}" if policy.get("url") else "")
    if rule.get("note"):
        text += f". {rule['note']}"
    return _mark(text, bool(rule.get("illustrative")))


GUIDANCE_KINDS = {"statutory-guidance": N_("(statutory guidance)"), "guidance": N_("(guidance)"),
                  "policy": N_("(policy)")}
"""How the record marks what it relies on that is not law itself (a statute or an SI)."""


def _law(law: Entry, language: str | None = None) -> str:
    """'Education Act 2002, section 175'; guidance marked as guidance, not legislation."""
    text = f"{law['title']}" + (f", {law['provision']}" if law.get("provision") else "")
    if law["kind"] in GUIDANCE_KINDS:
        _ = i18n.gettext_for(language)
        text += " " + _(GUIDANCE_KINDS[law["kind"]])
    return text


def _provision(provision: dict | None, language: str | None = None, illustrative: bool = False) -> str | None:
    if not provision:
        return None
    _ = i18n.gettext_for(language)
    text = provision["requirement"]
    consequence = provision.get("consequence")
    if isinstance(consequence, str) and consequence[:1].isupper():  # the school's own sentence, alone
        text += ": " + consequence
    elif consequence:
        text += ": " + _("if not provided, %(consequence)s") % {"consequence": consequence}
    if illustrative:
        text += f" {ILLUSTRATIVE}"
    return text
