"""Six real, public school, trust and nursery privacy notices, encoded as data maps, reach their notices.

tests/real/ holds six small projects, each written in our own words from a real notice
published by an English school, trust or nursery (the source's URL heads each project's
datamap/organisation.yaml; each project's README says what was seen and what is
illustrative):

- primary-pupils: a primary school's pupil notice that gives no fixed retention periods
  but keeps data as its records retention policy sets (retention by ``criteria``);
- trust: a multi-academy trust's pupil notice, the trust the controller and each academy
  an establishment that publishes the notice in its own name;
- workforce: a school's staff notice, in its own category wording;
- governors: a school's notice for its governors and trustees, kept until a governor's
  time with the school ends plus a year, shared with the DfE through Get Information
  About Schools and, for reasons it does not give, with three others.
- cctv: a school's notice on students' fingerprints for cashless school meals and
  printing (biometric data, on explicit consent), with what noticegen could not say
  listed in its README.
- nursery: a private day nursery's notice for the children in its care and their parents,
  which names no DPO, lists its lawful bases for all its purposes at once and gives no
  reason for sharing with some of those it names.

Each test builds a copy of a project and reads its notice back as plain text. The items
expected are read from the project's own YAML files, so every category with its
examples, every purpose, lawful basis, recipient (with its reason) and retention
statement is checked one by one; a few of the schools' own phrases are checked as written.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
import yaml

REAL = Path(__file__).resolve().parent / "real"
PROJECTS = ("primary-pupils", "trust", "workforce", "governors", "cctv", "nursery")
REGISTERS = ("subjects", "categories", "sources", "recipients", "legislation", "retention")


# ---------------------------------------------------------------------------------
# Reading the data map as the test expects it (a trust's school laid over its base)

def _yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None


def _front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    _, front, _ = text.split("---\n", 2)
    return yaml.safe_load(front)


def _lay_over(base: list[dict], overlay: dict | None, kind: str) -> list[dict]:
    """A school's register over the trust's: same id replaces in place, new ids are added,
    `remove:` drops inherited entries."""
    if not overlay:
        return base
    removed = set(overlay.get("remove", []))
    entries = [e for e in base if e["id"] not in removed]
    position = {e["id"]: i for i, e in enumerate(entries)}
    for entry in overlay.get(kind) or []:
        if entry["id"] in position:
            entries[position[entry["id"]]] = entry
        else:
            entries.append(entry)
    return entries


def datamap(project: Path, school: str | None = None) -> dict:
    """The project's data map as plain YAML values, with a school's overlay laid over it."""
    layers = [project] + ([project / "schools" / school] if school else [])
    model: dict = {"organisation": {}, "establishment": None, "activities": {}, "notices": {}}
    for kind in REGISTERS:
        model[kind] = []
    for layer in layers:
        organisation = _yaml(layer / "datamap" / "organisation.yaml") or {}
        model["organisation"].update(organisation.get("organisation", {}))
        if "establishment" in organisation:
            model["establishment"] = organisation["establishment"]
        for kind in REGISTERS:
            loaded = _yaml(layer / "datamap" / f"{kind}.yaml")
            model[kind] = loaded[kind] if layer == project else _lay_over(model[kind], loaded, kind)
        for path in sorted((layer / "datamap" / "activities").glob("*.yaml")):
            model["activities"][path.stem] = _yaml(path)
        for path in sorted((layer / "notices").glob("*.md")):
            model["notices"][path.stem] = _front_matter(path)
    for kind in REGISTERS:
        model[kind] = {entry["id"]: entry for entry in model[kind]}
    return model


def cases() -> list[tuple[str, str | None, str]]:
    """(project, school or None, notice slug) for every notice each project publishes."""
    found = []
    for name in PROJECTS:
        project = REAL / name
        schools = sorted(p.name for p in (project / "schools").iterdir()) if (project / "schools").is_dir() else [None]
        for school in schools:
            for slug in datamap(project, school)["notices"]:
                found.append((name, school, slug))
    return found


CASES = cases()
IDS = [f"{name}-{school}-{slug}" if school else f"{name}-{slug}" for name, school, slug in CASES]


# ---------------------------------------------------------------------------------
# Building, and the notice as plain text

_INLINE = re.compile(r"</?(a|em|strong|span|code)\b[^>]*>")


def plain(markup: str) -> str:
    """Markup as plain text: inline tags vanish, other tags become spaces, entities are
    unescaped and whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", _INLINE.sub("", markup))).split())


class Page:
    """A built notice: its article as plain text, and each section's text by id."""

    def __init__(self, markup: str):
        self.text = plain(markup[markup.index("<article"):markup.index("</article>")])
        self.sections = {m[1]: plain(m[2]) for m in
                         re.finditer(r'<section id="([^"]+)"[^>]*>(.*?)</section>', markup, re.S)}


_BUILT: dict[str, Path] = {}


@pytest.fixture
def built(run, tmp_path_factory):
    """The build folder of a temporary copy of a project, built once per project."""

    def build(name: str) -> Path:
        if name not in _BUILT:
            copy = tmp_path_factory.mktemp("real") / name
            shutil.copytree(REAL / name, copy)
            result = run("build", "--no-pdf", cwd=copy)
            assert result.exit_code == 0, result.output
            _BUILT[name] = copy / "build"
        return _BUILT[name]

    return build


@pytest.fixture
def page(built, request) -> Page:
    name, school, slug = request.param
    folder = built(name) / school if school else built(name)
    return Page((folder / "notices" / f"{slug}.html").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def bases() -> dict[str, tuple[str, str]]:
    """The built-in catalogue, from `noticegen bases`: id -> (reference, name)."""
    from click.testing import CliRunner

    from noticegen.cli import main

    output = CliRunner().invoke(main, ["bases"], catch_exceptions=False).output
    catalogue = {}
    for line in output.splitlines():
        ident, _, rest = line.partition(" ")
        reference, _, name = rest.strip().partition(": ")
        catalogue[ident] = (reference, name)
    return catalogue


def notice_of(name: str, school: str | None, slug: str) -> tuple[dict, dict, list[dict]]:
    model = datamap(REAL / name, school)
    notice = model["notices"][slug]
    return model, notice, [model["activities"][a] for a in notice["activities"]]


# ---------------------------------------------------------------------------------
# What the data map says the notice must show

def _mark(kind: str, own: str) -> str:
    if kind != own and kind == "special":
        return " (special category data)"
    if kind != own and kind == "criminal":
        return " (criminal offence data)"
    return ""


def category_line(category: dict, grouped: bool) -> str:
    """A category as the notice lists it: its name, the type mark when the school's own
    grouping is kept, and its examples in the school's words."""
    marks = [] if grouped else [m.strip(" ()") for m in [_mark(category["type"], "personal")] if m]
    examples = category.get("examples")
    if not examples:
        return category["name"] + (f" ({marks[0]})" if marks else "")
    if isinstance(examples, str):
        words = examples
    else:
        items = [(e, category["type"]) if isinstance(e, str) else (e["text"], e["type"]) for e in examples]
        texts = [text for text, _ in items]
        words = texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]
        for kind, label in (("special", "special category data"), ("criminal", "criminal offence data")):
            others = [text for text, k in items if k == kind and kind != category["type"]]
            if others and len(others) == len(items):
                marks.append(f"this is {label}")
            elif others:
                listed = others[0] if len(others) == 1 else ", ".join(others[:-1]) + " and " + others[-1]
                marks.append(f"{listed} {'is' if len(others) == 1 else 'are'} {label}")
    introduce = category.get("introduce", "such as")
    lead = "" if introduce is False else f"{introduce} "
    return f"{category['name']} ({lead}{words}{'; ' + '; '.join(marks) if marks else ''})"


def _names(model: dict, activities: list[dict], key: str) -> list[str]:
    seen: list[str] = []
    for activity in activities:
        for ident in activity.get(key, []):
            ident = ident["recipient"] if isinstance(ident, dict) else ident
            if ident not in seen:
                seen.append(ident)
    return seen


# ---------------------------------------------------------------------------------
# The projects themselves

EXPECTED_WARNINGS = {
    "primary-pupils": ["retention-criteria-vague", "retention-policy-unlinked"],
    # the trust's notice lists photographs and CCTV images under running its academies,
    # whose reasons say nothing of either (issue 21, M9)
    # and its CCTV needs a DPIA (noticegen's screening: monitoring), which the notice
    # does not link (dpia-not-linked)
    "trust": ["category-without-purpose", "category-without-purpose", "dpia-not-linked",
              "retention-policy-unlinked"],
    "workforce": ["retention-policy-unlinked"],
    # the governors' notice holds digital images for no purpose it gives, and never says
    # where the information comes from (no source is made up for it); the three
    # recipients it gives no reason for say so (no_reason_given)
    "governors": ["category-without-purpose", "missing-source"],
    # the biometric notice gives a fixed end (leaving, or consent withdrawn), a reason for
    # its one recipient and a purpose for the fingerprint code; biometric identification
    # needs a DPIA (noticegen's screening), which the notice does not link; and its
    # consent form is not published, so the data map declares none (consent-without-form)
    "cctv": ["consent-without-form", "dpia-not-linked"],
    # the nursery's notice lists legal obligation, contract and consent for all its
    # purposes without saying which covers which (basis-scope-unstated); names Ofsted,
    # health professionals and SEND services with no reason for sharing (which the data
    # map says: no_reason_given); keeps data "only as long as necessary" under a
    # retention policy it does not link (retention-criteria-vague,
    # retention-policy-unlinked: its other statement names no policy); and was due for review
    # on 1 September 2026 (review-overdue); its consent forms are not published
    # (consent-without-form)
    "nursery": ["basis-scope-unstated", "consent-without-form", "retention-criteria-vague",
                "retention-policy-unlinked", "review-overdue"],
}

# Recipients a real notice names without saying why it shares with them: the data map
# says no reason is given (no_reason_given), and the notice lists them all the same,
# with none made up.
UNSTATED_REASONS = {
    "governors": {"local-authority", "other-education-providers", "regulatory-bodies"},
    "nursery": {"ofsted", "health-professionals", "send-services"},
}


@pytest.mark.parametrize("name", PROJECTS)
def test_each_project_names_its_source_and_checks_clean(name, run, tmp_path):
    head = (REAL / name / "datamap" / "organisation.yaml").read_text(encoding="utf-8").split("organisation:")[0]
    assert re.search(r"^#\s+https://\S+", head, re.M), "the source URL heads organisation.yaml"
    copy = tmp_path / name
    shutil.copytree(REAL / name, copy)
    result = run("check", cwd=copy)
    assert result.exit_code == 0, result.output
    # what these public notices themselves lack (issue 21, M7 and M9): none links the
    # retention policy it defers to, one gives 'as long as we need them' as its only
    # criterion, two hold data for no reason they give, and one gives no reason for most
    # of its sharing and no source
    warnings = sorted(re.findall(r"warning\[([a-z0-9-]+)\]", result.output))
    assert warnings == EXPECTED_WARNINGS[name], result.output
    assert "0 errors" in result.output, result.output


# ---------------------------------------------------------------------------------
# Item by item, from the data map

@pytest.mark.parametrize("page", CASES, ids=IDS, indirect=True)
def test_every_category_reaches_the_notice_with_its_examples(page, request):
    name, school, slug = request.node.callspec.params["page"]
    model, notice, activities = notice_of(name, school, slug)
    grouping = notice.get("group_categories", True)
    grouped = grouping is True
    section = page.sections["categories"]
    wanted = _names(model, activities, "categories")
    for ident in wanted:
        assert category_line(model["categories"][ident], grouped) in section, ident
    if not grouped:
        # the school's own order, not grouped under headings by type
        order = [i for i in model["categories"] if i in wanted]
        positions = [section.index(category_line(model["categories"][i], False)) for i in order]
        assert positions == sorted(positions)
        assert "Special category information such as" not in section
        assert "Personal information such as:" not in section
    if grouping == "subject":
        # one list per data subject, each under the subject's name: a category that names
        # its subjects sits after that subject's heading and before the next one
        headings = {s: section.index(model["subjects"][s]["name"] + ":") for s in model["subjects"]
                    if model["subjects"][s]["name"] + ":" in section}
        assert len(headings) >= 2, section
        bounds = sorted(headings.values()) + [len(section)]
        for ident in wanted:
            category = model["categories"][ident]
            at = section.index(category_line(category, False))
            for subject in category.get("subjects", []):
                start = headings[subject]
                assert start < at < min(b for b in bounds if b > start), (ident, subject)


@pytest.mark.parametrize("page", CASES, ids=IDS, indirect=True)
def test_every_purpose_reaches_the_notice(page, request):
    model, notice, activities = notice_of(*request.node.callspec.params["page"])
    for activity in activities:
        for purpose in activity["purposes"]:
            assert purpose in page.sections["purposes"], purpose
            assert purpose in page.sections["lawful-basis"], purpose


@pytest.mark.parametrize("page", CASES, ids=IDS, indirect=True)
def test_every_article_6_basis_reaches_the_notice(page, request, bases):
    model, notice, activities = notice_of(*request.node.callspec.params["page"])
    section = page.sections["lawful-basis"]
    for activity in activities:
        assert activity["name"] in section
        for ident in activity["lawful_basis"]["article_6"]:
            reference, basis_name = bases[ident]
            assert f"{reference} ({basis_name})" in section, ident
            assert re.fullmatch(r"UK GDPR Article 6\(1\)\([a-f]a?\)", reference)


def _condition_cases():
    """The article 9, Schedule 1 and Article 10 conditions, one case per notice; some
    notices hold special category data only as items marked within ordinary categories,
    and their conditions must reach the notice all the same."""
    return [pytest.param(case, id=ident) for case, ident in zip(CASES, IDS)]


@pytest.mark.parametrize("page", _condition_cases(), indirect=True)
def test_every_article_9_and_schedule_1_condition_reaches_the_notice(page, request, bases):
    model, notice, activities = notice_of(*request.node.callspec.params["page"])
    section = page.sections["lawful-basis"]
    missing = []
    for activity in activities:
        for group in ("article_9", "schedule_1", "criminal_offence"):
            for ident in activity["lawful_basis"].get(group, []):
                reference, basis_name = bases[ident]
                if f"{reference} ({basis_name})" not in section:
                    missing.append(f"{activity['name']}: {reference}")
    assert not missing, missing


@pytest.mark.parametrize("page", CASES, ids=IDS, indirect=True)
def test_every_recipient_reaches_the_notice_with_its_reason(page, request):
    name, school, slug = request.node.callspec.params["page"]
    model, notice, activities = notice_of(name, school, slug)
    listed, why = page.sections["recipients"], page.sections["why-we-share"]
    shares = [(share, model["recipients"][share["recipient"]])
              for activity in activities for share in activity.get("recipients", [])]
    assert shares, "every notice here shares with someone"
    for share, recipient in shares:
        assert recipient.get("label", recipient["name"]) in listed, recipient["id"]
        reason = share.get("why", recipient.get("why"))
        if recipient["id"] in UNSTATED_REASONS.get(name, set()):
            assert not reason, f"{recipient['id']}: the notice gives no reason, so neither does the data map"
            assert recipient["name"] not in why, recipient["id"]
            continue
        assert recipient["name"] in why, recipient["id"]
        assert reason, f"{recipient['id']} has a reason in the data map"
        assert " ".join(reason.split()) in why, recipient["id"]
        for law in share.get("legislation", []):
            assert model["legislation"][law]["title"] in why, law


@pytest.mark.parametrize("page", CASES, ids=IDS, indirect=True)
def test_every_retention_statement_reaches_the_notice(page, request):
    model, notice, activities = notice_of(*request.node.callspec.params["page"])
    section = page.sections["storing"]
    idents = _names(model, activities, "retention")

    def policy_of(rule):  # its own, none (false), else the school's for criteria
        own = rule.get("policy")
        if own is False:
            return None
        return own or (model["organisation"].get("retention_policy") if "criteria" in rule else None)
    cited = [policy_of(model["retention"][i]) for i in idents if policy_of(model["retention"][i])]
    shared = cited[0] if cited and all(p == cited[0] for p in cited) else None
    if shared:  # one policy for every rule that points to one: linked once, under the table
        assert section.count(f"See our {shared['title']}") == 1, section
        assert section.rstrip(". ").endswith(f"See our {shared['title']}"), section
    for ident in idents:
        rule = model["retention"][ident]
        assert rule["name"] in section, ident
        if "criteria" in rule:
            policy = policy_of(rule)
            assert f"{rule['name']} {rule['criteria'].rstrip('.')}" in section, ident
            if policy and not shared:
                assert f"{rule['criteria']}. See our {policy['title']}" in section, ident
        if "note" in rule:
            assert " ".join(rule["note"].split()) in section, ident


@pytest.mark.parametrize("page", CASES, ids=IDS, indirect=True)
def test_the_controller_is_named_correctly(page, request):
    model, notice, activities = notice_of(*request.node.callspec.params["page"])
    organisation, establishment = model["organisation"], model["establishment"]
    mark = organisation.get("illustrative")
    named = organisation["name"] + (" (illustrative: not yet confirmed)"
                                    if mark is True or (isinstance(mark, list) and "name" in mark) else "")
    assert f"{named} is the controller of this information" in page.sections["contact"]
    if establishment:
        assert organisation["kind"] == "trust"
        assert f"From {establishment['name']} Controller {organisation['name']}" in page.text
        assert f"{establishment['name']} is the controller" not in page.text
    else:
        assert f"From {organisation['name']}" in page.text
    # contacts the data map marks illustrative say so
    contacts = ("contact", "dpo", "privacy_contact", "complaints", "representative")
    if any(isinstance(organisation.get(c), dict) and organisation[c].get("illustrative") for c in contacts):
        assert "(illustrative: not yet confirmed)" in page.sections["contact"]


# ---------------------------------------------------------------------------------
# The schools' own phrases, as written

def _page(built, name: str, school: str | None, slug: str) -> Page:
    folder = built(name) / school if school else built(name)
    return Page((folder / "notices" / f"{slug}.html").read_text(encoding="utf-8"))


def test_the_primary_schools_retention_by_policy(built):
    page = _page(built, "primary-pupils", None, "pupils")
    storing = page.sections["storing"]
    assert ("Pupil records for as long as we need them, or for as long as the law says we must keep "
            "them; most are kept in your child's pupil file") in storing
    assert storing.count("See our Records Retention Policy") == 1  # linked once, under the table
    assert "years" not in storing  # no fixed period: the school states none
    assert ("Characteristics (such as ethnicity, language, nationality, country of birth and free "
            "school meal eligibility; ethnicity is special category data)") in page.sections["categories"]
    assert "Christ the King Catholic Primary School is the controller of this information" in page.text


def test_the_trusts_own_words_and_its_academy(built):
    page = _page(built, "trust", "exampleton", "pupils")
    assert ("Your characteristics (like your ethnic background and any special educational needs; "
            "your ethnic background is special category data)") in page.sections["categories"]
    assert "Any medical conditions you have (special category data)" in page.sections["categories"]
    assert "Leigh Academies Trust is the controller of this information" in page.sections["contact"]
    assert "From Exampleton Academy" in page.text
    # the academy's own local council replaces the trust's generic entry
    assert "the local council (Exampleshire County Council)" in page.sections["recipients"]
    assert "The academy's local council" not in page.text
    # the trust's build has no notice of its own outside its schools
    assert not (built("trust") / "notices").exists()


def test_the_trust_calls_its_academy_an_academy(built):
    page = _page(built, "trust", "exampleton", "pupils")
    assert "Exampleton Academy is one of its academies" in page.sections["contact"]


def test_the_workforce_notices_own_words(built):
    page = _page(built, "workforce", None, "school-workforce")
    categories = page.sections["categories"]
    # the example phrase written as is, and the school's own introducing words
    assert "Contract information (such as start date, hours worked, post, roles and salary information)" in categories
    assert "Qualifications (and, where relevant, subjects taught)" in categories
    assert ("HR and payroll records (including information exchanged with our occupational health "
            "provider; this is special category data)") in categories
    assert ("Characteristics information (such as sex, age and ethnic group; ethnic group is special "
            "category data)") in categories
    # one reason per recipient, from the register
    assert ("We give the Department the information about our workforce that it asks for in its "
            "data collections.") in page.sections["why-we-share"]
    assert "UK GDPR Article 6(1)(b) (Contract)" in page.sections["lawful-basis"]


def test_the_governors_notice_in_its_own_terms(built):
    page = _page(built, "governors", None, "governors")
    categories = page.sections["categories"]
    assert "Governance details (e.g. role, start and end dates and Governor ID)" in categories
    assert "Diversity information (special category data)" in categories
    assert "Vetting information (" not in categories  # the notice marks nothing criminal
    # kept while the governor serves, and for a year after
    assert ("Governor and trustee records while you serve the school as a governor or trustee, "
            "and 1 year from the end of the term of office") in page.sections["storing"]
    assert "Nothing about you is routinely made available outside the UK" in page.sections["recipients"]
    assert "We do not transfer this information outside the UK" not in page.sections["recipients"]
    assert "We follow this guidance: Academy Trust Handbook" in page.sections["lawful-basis"]
    # the DfE through GIAS, with its reason; the other three 'sometimes', with none
    recipients = page.sections["recipients"]
    assert "We routinely share this information with: the Department for Education (DfE)" in recipients
    assert ("Where it is necessary, we also share it with: Our local authority Other education providers "
            "Regulatory bodies") in recipients
    assert "Get Information About Schools (GIAS)" in page.sections["why-we-share"]
    assert "Education Act 1996, section 538" in page.sections["lawful-basis"]
    assert "Academy Trust Handbook" in page.sections["lawful-basis"]
    # the notice's own words on sharing, processors and transfers, as prose
    assert "without your consent, unless the law allows us to" in page.sections["why-we-share"]
    assert "data processors that provide the systems we use" in recipients
    assert "Data processors may support this work by providing the systems we use" in page.sections["why-we-share"]
    assert ("Cathedral School (illustrative: not yet confirmed) is the controller of this information"
            in page.sections["contact"])  # the name is still to confirm: illustrative: [name]
def test_the_biometric_notices_own_words(built):
    page = _page(built, "cctv", None, "biometrics")
    categories = page.sections["categories"]
    # the school's whole list, in its order, the fingerprint code marked special
    assert ("An identifying code made from a scan of the student's fingerprint (special category data) "
            "Student name School year Class name") in categories
    basis = page.sections["lawful-basis"]
    assert "UK GDPR Article 6(1)(a) (Consent)" in basis
    assert "UK GDPR Article 9(2)(a) (Explicit consent)" in basis
    assert "you can withdraw it at any time, by contacting the school" in basis
    # the one recipient, a processor the school does not name
    assert "our biometric system provider, who works for us under contract" in page.sections["recipients"]
    # the school's own statement on transfers: not routinely, and only lawfully if ever
    assert "As a rule, we do not make personal information available outside the UK." in page.sections["recipients"]
    # deleted on leaving, or when consent is withdrawn
    assert ("while the student is at the school and the consent to use it has not been withdrawn"
            in page.sections["storing"])
    assert "years" not in page.sections["storing"]
    # for rights the notice points to the school's overarching notice
    assert "Section 5 of our overarching privacy notice" in page.sections["rights"]
    assert "Since 2 September 2021" in page.sections["purposes"]


def test_the_nurserys_own_words(built):
    page = _page(built, "nursery", None, "children-and-parents")
    categories = page.sections["categories"]
    # the children's list, then the parents' details held within the children's records,
    # each under its own heading; the items in brackets as a closed list, as written
    assert ("Children at the nursery: Personal details (name, address and date of birth)"
            in categories)
    assert ("Characteristics (ethnicity, languages spoken, nationality and country of "
            "birth; ethnicity is special category data)") in categories
    assert "such as" not in categories
    assert (categories.index("Safeguarding concerns") < categories.index("Parents and guardians:")
            < categories.index("Parents' and guardians' names"))
    assert "Medical information and dietary requirements (special category data)" in categories
    # its three bases, for all its purposes at once
    assert ("UK GDPR Article 6(1)(c) (Legal obligation); UK GDPR Article 6(1)(b) (Contract); "
            "UK GDPR Article 6(1)(a) (Consent)") in page.sections["lawful-basis"]
    # the safeguarding exception: shared only where needed, with its reason
    recipients = page.sections["recipients"]
    assert recipients.index("Where it is necessary") < recipients.index("The appropriate authorities")
    # no DPO: a private nursery names none, and the notice says nothing of one
    assert "Data Protection Officer" not in page.text
    assert "Angelina's Day Care is the controller of this information" in page.sections["contact"]
    assert "or by telephone on 0303 123 1113" in page.sections["complaints"]
    # the website and cookies, in the notice's prose
    assert "Cookie Policy" in page.sections["cookies"]
