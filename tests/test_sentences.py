"""Generated sentences read right where noticegen's words meet the school's (issue 22).

Each broken sentence seen in built pages is reproduced here on a small project and must
not come back; then the sentence gate (noticegen.text.sentences) reads every page of
every project in the suite, in English and Welsh, for adults and for children, and the
`generated-text` rule reports a break at the data-map value whose words are in it.
"""

from __future__ import annotations

import html as htmllib
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import CASES, REPOSITORY, copy_example

from noticegen.text.sentences import breaks


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "p"
    shutil.copytree(CASES / "base", project)
    return project


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def _build(project: Path) -> Path:
    from noticegen.commands.build import build_project

    result = build_project(project, pdf=False)
    assert not result.check.failed(), [str(p) for p in result.check.problems]
    return project / "build"


def _text(page: Path) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", page.read_text())).split())


# -- each broken sentence, as it was seen ----------------------------------------------

def test_the_schools_own_consequence_is_not_glued_to_a_lead_in(tmp_path):
    """'If it is not provided, Without the information …': a sentence of the school's own
    stands alone (notice and record alike)."""
    project = _project(tmp_path)
    _edit(project / "datamap" / "activities" / "admissions.yaml", lambda d: d["provision"].update(
        consequence="Without this information we cannot admit your child."))
    build = _build(project)
    page = _text(build / "notices" / "pupils.html")
    assert "Without this information we cannot admit your child." in page
    assert "provided, Without" not in page and "provided, without" not in page
    assert "if not provided, Without" not in (build / "records" / "ropa.csv").read_text()


def test_a_policy_titled_our_is_not_our_our_and_a_criterion_ends_once(tmp_path):
    project = _project(tmp_path)

    def criteria(data):
        rule = data["retention"][0]
        for key in ("period", "trigger", "action"):
            rule.pop(key, None)
        rule["criteria"] = "Until the pupil leaves, then as our policy sets out."
        rule["policy"] = {"title": "our records retention policy", "url": "https://school.example/retention"}
    _edit(project / "datamap" / "retention.yaml", criteria)
    page = _text(_build(project) / "notices" / "pupils.html")
    assert "See our records retention policy" in page
    assert "our our" not in page.lower()
    assert ".." not in page and ". ." not in page


def test_a_list_of_activities_keeps_one_case(tmp_path):
    """'this applies to keeping children safe, Celebrating pupils' achievements': every
    name in a generated list is written as a word within the sentence."""
    project = _project(tmp_path)
    activities = project / "datamap" / "activities"
    base = yaml.safe_load((activities / "admissions.yaml").read_text())
    for ident, name, consequence in (("safety", "Keeping children safe", "we cannot keep them safe."),
                                     ("celebrations", "Celebrating pupils' achievements",
                                      "we cannot keep them safe.")):
        data = dict(base, name=name, purposes=[f"to {name.lower()}"])
        data["provision"] = {"requirement": "statutory", "consequence": consequence}
        (activities / f"{ident}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    notice = project / "notices" / "pupils.md"
    notice.write_text(notice.read_text().replace("activities: [admissions]",
                                                 "activities: [admissions, safety, celebrations]"))
    page = _text(_build(project) / "notices" / "pupils.html")
    assert "For keeping children safe and celebrating pupils' achievements:" in page
    assert "safe and Celebrating" not in page and "safe, Celebrating" not in page


def test_a_category_named_like_its_group_is_not_said_twice(tmp_path):
    project = _project(tmp_path)

    def categories(data):
        data["categories"].append({"id": "personal", "name": "Personal information", "type": "personal",
                                   "examples": ["name", "address"]})
    _edit(project / "datamap" / "categories.yaml", categories)
    _edit(project / "datamap" / "activities" / "admissions.yaml",
          lambda d: d["categories"].insert(0, "personal"))
    _edit(project / "datamap" / "retention.yaml",
          lambda d: d["retention"][0]["categories"].append("personal"))
    page = _text(_build(project) / "notices" / "pupils.html")
    assert "Personal information such as: Personal information" not in page
    assert "Personal information (such as name and address)" in page


def test_plain_guidance_is_not_called_statutory(tmp_path):
    project = _project(tmp_path)
    _edit(project / "datamap" / "legislation.yaml", lambda d: d["legislation"].append(
        {"id": "ico-guide", "title": "The ICO's guide to data protection", "kind": "guidance",
         "url": "https://ico.org.uk/for-organisations/"}))
    _edit(project / "datamap" / "activities" / "admissions.yaml",
          lambda d: d["legislation"].append("ico-guide"))
    page = _text(_build(project) / "notices" / "pupils.html")
    assert "We follow this guidance: The ICO's guide to data protection" in page
    assert "statutory guidance on: The ICO's guide" not in page


def test_the_first_layer_keeps_the_event_a_period_runs_from(tmp_path):
    """'Up to 1 year' for 'one year after ceasing to serve' was wrong: one rule is given in
    full; several say that times differ."""
    project = _project(tmp_path)
    _edit(project / "datamap" / "retention.yaml", lambda d: d["retention"][0].update(
        period={"years": 1}, trigger="other", trigger_note="the day the pupil leaves",
        action="secure-disposal"))
    page = _text(_build(project) / "notices" / "pupils.html")
    layer = page[page.index("This notice in short"):page.index("Your rights")]
    assert "1 year from the day the pupil leaves, then securely disposed of." in layer
    assert "Up to" not in layer


def test_the_first_layer_can_say_it_in_the_schools_words(tmp_path):
    project = _project(tmp_path)
    notice = project / "notices" / "pupils.md"
    notice.write_text(notice.read_text().replace(
        'version: "1"', 'version: "1"\nretention_summary: We keep each record as our data retention policy says.'))
    page = _text(_build(project) / "notices" / "pupils.html")
    layer = page[page.index("This notice in short"):page.index("Your rights")]
    assert "We keep each record as our data retention policy says." in layer


# -- the gate: every page of every project -----------------------------------------------

PROJECTS = ["example", *sorted(p.name for p in (REPOSITORY / "tests" / "real").iterdir() if p.is_dir()),
            "features", "welsh", "trust"]


def _source(name: str) -> Path:
    return {"example": REPOSITORY, "features": REPOSITORY / "tests" / "features",
            "welsh": REPOSITORY / "tests" / "welsh", "trust": REPOSITORY / "tests" / "trust"}.get(
        name, REPOSITORY / "tests" / "real" / name)


@pytest.mark.parametrize("name", PROJECTS)
def test_every_built_page_reads_right(name, tmp_path):
    from noticegen.commands.build import build_project
    from noticegen.rules.wording import _names, _texts

    project = tmp_path / name
    if name == "example":
        copy_example(project)
    else:
        shutil.copytree(_source(name), project)
    result = build_project(project, pdf=False)
    assert not result.check.failed(), [str(p) for p in result.check.problems]
    models = [r.model for r in result.check.schools.values()] if result.check.schools else [result.check.model]
    names = frozenset().union(*(_names(_texts(model)) for model in models))
    pages = sorted(p for p in (project / "build" / ".current").resolve().rglob("*.html"))
    assert pages
    found = [f"{page.name}: {b.kind} {b.detail} in {b.text!r}" for page in pages
             for b in breaks(page.read_text(encoding="utf-8"), names)]
    assert found == []
    from noticegen.commands.check import check_project

    strict = check_project(project, strict=True)
    assert "generated-text" not in " ".join(str(p) for p in strict.problems)


# -- the rule ----------------------------------------------------------------------------

def test_the_gate_finds_each_kind_of_break():
    page = ("<p>We share it with the council, Celebrating pupils.</p><p>See our our policy.</p>"
            "<p>Kept for a year.. Then deleted ,</p><p>(as the law says</p><ul><li></li></ul>"
            "<p>Personal information such as:</p><ul><li>Personal information (name)</li></ul>")
    kinds = sorted({b.kind for b in breaks(page)})
    assert kinds == ["capital", "doubled-word", "empty-item", "punctuation", "repeated-heading", "unbalanced"]
    assert breaks("<p>We share it with the council, Stockport and the DfE.</p>", frozenset({"Stockport"})) == []


def test_the_generated_text_rule_names_the_value_to_reword(tmp_path, run):
    """An example written with its own full stop reads '(such as date of birth., and …)'
    in the sentence noticegen makes of a category: check names the example to reword."""
    project = _project(tmp_path)
    _edit(project / "datamap" / "categories.yaml", lambda d: d["categories"][0].update(
        examples=["date of birth.", "home address"]))
    assert "generated-text" not in run("check", cwd=project).output  # it renders: --strict only
    result = run("check", "--strict", cwd=project)
    lines = [l for l in result.output.splitlines() if "generated-text" in l]
    assert lines, result.output
    assert lines[0].startswith("datamap/categories.yaml:"), lines
    assert "doubled or stray punctuation" in lines[0]
    assert result.exit_code == 1


def test_a_purpose_with_its_own_full_stop_reads_right_in_the_first_layer(tmp_path):
    project = _project(tmp_path)
    _edit(project / "datamap" / "activities" / "admissions.yaml",
          lambda d: d.update(purposes=["to admit pupils.", "to plan school places."]))
    page = _text(_build(project) / "notices" / "pupils.html")
    assert "To admit pupils; and plan school places." in page
    assert ".." not in page and ".;" not in page and "To to" not in page


# -- what schools needed to say in their own words ----------------------------------------

def test_a_schools_statement_stands_alone_and_needs_no_consequence(tmp_path, run):
    project = _project(tmp_path)
    _edit(project / "datamap" / "activities" / "admissions.yaml", lambda d: d.update(provision={
        "requirement": "mixed", "statement": "Some of what we ask for you must give us; we say which when we ask."}))
    assert "missing-consequence" not in run("check", cwd=project).output
    page = _text(_build(project) / "notices" / "pupils.html")
    assert "Some of what we ask for you must give us; we say which when we ask." in page
    assert "Some of this information must be provided by law" not in page


def test_observed_data_is_not_said_to_be_asked_for(tmp_path):
    project = _project(tmp_path)
    _edit(project / "datamap" / "activities" / "admissions.yaml",
          lambda d: d.update(provision={"requirement": "observed"}))
    page = _text(_build(project) / "notices" / "pupils.html")
    assert "Nobody is asked to give us this information: we record it ourselves" in page
    assert "We do not ask you for this information" not in page


def test_examples_read_on_from_the_name_without_introducing_words(tmp_path):
    project = _project(tmp_path)
    _edit(project / "datamap" / "categories.yaml", lambda d: d["categories"][0].update(
        name="Qualifications", introduce=False, examples="and, where relevant, subjects taught"))
    page = _text(_build(project) / "notices" / "pupils.html")
    assert "Qualifications (and, where relevant, subjects taught)" in page


def test_the_special_category_mark_follows_the_schools_words(tmp_path):
    project = _project(tmp_path)
    _edit(project / "datamap" / "categories.yaml", lambda d: d["categories"][0].update(
        name="Characteristics", examples=[{"text": "ethnicity", "type": "special"}, "language", "nationality"]))
    page = _text(_build(project) / "notices" / "pupils.html")
    assert "Characteristics (such as ethnicity, language and nationality; ethnicity is special category data)" in page
    assert "ethnicity (special category data)" not in page


def test_a_notice_says_transfers_in_its_own_words(tmp_path):
    project = _project(tmp_path)
    notice = project / "notices" / "pupils.md"
    notice.write_text(notice.read_text().replace('version: "1"', 'version: "1"\ntransfers_statement: '
                                                 'We do not routinely send information outside the UK.'))
    page = _text(_build(project) / "notices" / "pupils.html")
    assert "We do not routinely send information outside the UK." in page
    assert "We do not transfer this information outside the UK." not in page


def test_retention_can_run_from_the_end_of_a_term_of_office(tmp_path):
    project = _project(tmp_path)
    _edit(project / "datamap" / "retention.yaml", lambda d: d["retention"][0].update(
        period={"years": 1}, trigger="end-of-term-of-office", action="secure-disposal"))
    page = _text(_build(project) / "notices" / "pupils.html")
    assert "1 year from the end of the term of office, then securely disposed of" in page


def test_a_period_without_an_action_says_nothing_of_what_follows(tmp_path, run):
    """A school that says only 'kept until a year after …' is not made to say what comes
    next: the notice gives the period alone, and only the record's check asks for it."""
    project = _project(tmp_path)
    _edit(project / "datamap" / "retention.yaml", lambda d: (d["retention"][0].update(
        period={"years": 1}, trigger="end-of-term-of-office"), d["retention"][0].pop("action")))
    assert "retention-action-unstated" not in run("check", "--strict", "--for", "notices", cwd=project).output
    build = _build(project)
    page = _text(build / "notices" / "pupils.html")
    assert "1 year from the end of the term of office." in page or \
        "1 year from the end of the term of office " in page, page
    assert "1 year from the end of the term of office, then" not in page
    assert "1 year from the end of the term of office, then" not in (build / "records" / "ropa.csv").read_text()
    record = run("check", "--strict", "--for", "record", cwd=project)
    assert record.exit_code == 1 and "warning[retention-action-unstated]" in record.output, record.output


def _two_subjects(project: Path) -> None:
    _edit(project / "datamap" / "subjects.yaml", lambda d: d["subjects"].append(
        {"id": "parents", "name": "Parents and carers"}))
    _edit(project / "datamap" / "activities" / "admissions.yaml",
          lambda d: d.update(subjects=["pupils", "parents"]))


def test_a_notice_can_list_each_data_subjects_categories_apart(tmp_path, run):
    """A nursery lists the children's records, then the parents' details within them."""
    project = _project(tmp_path)
    _two_subjects(project)

    def categories(data):
        data["categories"].append({"id": "parent-contact", "name": "Parents' contact details",
                                   "type": "personal", "subjects": ["parents"]})
        data["categories"].append({"id": "emergency", "name": "Emergency contacts",
                                   "type": "personal", "subjects": ["pupils", "parents"]})
    _edit(project / "datamap" / "categories.yaml", categories)
    _edit(project / "datamap" / "activities" / "admissions.yaml",
          lambda d: d["categories"].extend(["parent-contact", "emergency"]))
    notice = project / "notices" / "pupils.md"
    notice.write_text(notice.read_text().replace('version: "1"', 'version: "1"\ngroup_categories: subject'))
    assert run("check", cwd=project).exit_code == 0
    page = _text(_build(project) / "notices" / "pupils.html")
    pupils, parents = page.index("Pupils:"), page.index("Parents and carers:")
    assert pupils < page.index("Contact details (such as address and telephone number)") < parents
    assert pupils < page.index("Medical information (special category data)") < parents
    assert parents < page.index("Parents' contact details")
    # a category of both subjects is under both, and the first layer names it once
    assert page.count("Emergency contacts") >= 2
    assert pupils < page.index("Emergency contacts") < parents
    assert "Personal information such as:" not in page

    # a subject the data map does not declare is reported where it is named
    _edit(project / "datamap" / "categories.yaml",
          lambda d: d["categories"][2].update(subjects=["guardians"]))
    result = run("check", cwd=project)
    assert result.exit_code == 1
    assert re.search(r"datamap/categories\.yaml:\d+:\d+: error\[undeclared-subject\]: 'guardians'",
                     result.output), result.output


def test_a_retention_policy_shared_by_every_rule_is_linked_once(tmp_path):
    project = _project(tmp_path)

    def rules(data):
        data["retention"][0].pop("period"), data["retention"][0].pop("trigger"), data["retention"][0].pop("action")
        data["retention"][0]["criteria"] = "until the pupil leaves the school"
        data["retention"].append({"id": "health-record", "name": "Health record",
                                  "criteria": "until the pupil's 25th birthday", "categories": ["health"]})
        data["retention"][0]["categories"] = ["contact-details"]
    _edit(project / "datamap" / "retention.yaml", rules)
    _edit(project / "datamap" / "activities" / "admissions.yaml",
          lambda d: d["retention"].append("health-record"))
    _edit(project / "datamap" / "organisation.yaml", lambda d: d["organisation"].update(
        retention_policy={"title": "Records retention policy", "url": "https://school.example/retention"}))
    page = _text(_build(project) / "notices" / "pupils.html")
    assert page.count("See our Records retention policy") == 1, page
    assert "25th birthday See our Records retention policy" in page

    # a rule whose criteria stand on their own points to no policy: the other rule's
    # policy is then the only one, still linked once
    _edit(project / "datamap" / "retention.yaml", lambda d: d["retention"][1].update(policy=False))
    page = _text(_build(project) / "notices" / "pupils.html")
    assert page.count("See our Records retention policy") == 1, page

    # two different policies: each row links its own
    _edit(project / "datamap" / "retention.yaml", lambda d: d["retention"][1].update(
        policy={"title": "Health records policy"}))
    page = _text(_build(project) / "notices" / "pupils.html")
    assert "until the pupil leaves the school. See our Records retention policy" in page
    assert "25th birthday. See our Health records policy" in page


def test_a_notice_can_say_nothing_of_transfers_it_does_not_make(tmp_path):
    project = _project(tmp_path)
    notice = project / "notices" / "pupils.md"
    notice.write_text(notice.read_text().replace('version: "1"', 'version: "1"\ntransfers_statement: false'))
    page = _text(_build(project) / "notices" / "pupils.html")
    assert "outside the UK" not in page
    # declared transfers are listed all the same
    _edit(project / "datamap" / "activities" / "admissions.yaml", lambda d: d.update(
        transfers=[{"country": "FR", "safeguard": "the UK's adequacy regulations for France",
                    "adequacy": True}]))
    page = _text(_build(project) / "notices" / "pupils.html")
    assert "Some of this information is transferred outside the UK" in page


def test_a_recipient_can_be_listed_with_no_reason_given(tmp_path, run):
    project = _project(tmp_path)

    def no_reason(data):
        data["recipients"][1].pop("why")
        data["recipients"][1]["no_reason_given"] = True
    _edit(project / "datamap" / "activities" / "admissions.yaml", no_reason)
    assert "missing-sharing-reason" not in run("check", cwd=project).output
    page = _text(_build(project) / "notices" / "pupils.html")
    assert "Testshire County Council" in page


def test_check_can_ask_for_what_the_notices_need_and_apart_for_the_record(tmp_path, run):
    """A school publishing its notices first is not made to invent record facts to pass
    check --strict: --for notices leaves out the record's gaps; --for record lists them
    (and any error); plain --strict lists both."""
    project = _project(tmp_path)  # the base project's record lacks security measures, DPIA …
    both = run("check", "--strict", cwd=project)
    assert both.exit_code == 1 and "ropa-gap" in both.output
    notices = run("check", "--strict", "--for", "notices", cwd=project)
    assert notices.exit_code == 0, notices.output
    assert "ropa-gap" not in notices.output
    record = run("check", "--strict", "--for", "record", cwd=project)
    assert record.exit_code == 1 and "warning[ropa-gap]" in record.output
    _edit(project / "datamap" / "activities" / "admissions.yaml", lambda d: d.update(categories=["nothing-declared"]))
    broken = run("check", "--strict", "--for", "notices", cwd=project)
    assert broken.exit_code == 1 and "error[" in broken.output  # an error is never left out
    assert "error[" in run("check", "--strict", "--for", "record", cwd=project).output


def test_only_the_consequence_can_be_marked_illustrative(tmp_path, run):
    project = _project(tmp_path)
    _edit(project / "datamap" / "activities" / "admissions.yaml", lambda d: d.update(
        illustrative=["provision.consequence"],
        provision={"requirement": "mixed", "statement": "Most of it you must give us.",
                   "consequence": "we may not be able to admit your child."}))
    page = (_build_draft(project) / "notices" / "pupils.html").read_text()
    statement = page[page.index("Most of it you must give us."):]
    assert statement.index("we may not be able to admit your child.") < statement.index(
        "(illustrative: not yet confirmed)")
    assert "Most of it you must give us. <em" not in page and "us.</p>\n<p>If it is not provided" in page
    assert "error[illustrative-value]" in run("check", cwd=project).output


def test_the_same_way_to_reach_us_is_listed_once(tmp_path):
    project = _project(tmp_path)
    _edit(project / "datamap" / "organisation.yaml", lambda d: d["organisation"].update(
        privacy_contact={"name": "The school office", "email": "office@test.example"}))
    page = _text(_build(project) / "notices" / "pupils.html")
    contact = page[page.index("please contact:"):]
    assert contact.count("office@test.example") == 1


def _build_draft(project: Path) -> Path:
    from noticegen.commands.build import build_project

    result = build_project(project, pdf=False, draft=True)
    assert not result.check.failed(draft=True), [str(p) for p in result.check.problems]
    return project / "build" / "draft"
