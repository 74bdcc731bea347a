"""The documents made beside the notices from the same data map (issue 25): the DPIA
screening of every activity, and the appropriate policy document (DPA 2018 Sch 1 Part 4).

Each is checked item by item against the data map it comes from, on a small project
whose activities are shaped like a school's (CCTV, biometric catering, a special
category activity about children, a plain one), and on the example.
"""

from __future__ import annotations

import html as htmllib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import CASES, built_example, copy_example

from noticegen.model.screening import CONSIDER, NOT_INDICATED, REQUIRED


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "p"
    shutil.copytree(CASES / "base", project)
    return project


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text()) if path.exists() else {}
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def _text(page: Path) -> str:
    raw = re.sub(r"<(style|script)\b.*?</\1>", " ", page.read_text(), flags=re.S)
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def _model(project: Path):
    from noticegen.commands.check import check_project

    result = check_project(project)
    assert not result.failed(), [str(p) for p in result.problems]
    return result.model


def _school(tmp_path: Path) -> Path:
    """The base project with four more activities, each of a shape the screening must
    tell apart: CCTV, fingerprints for lunches, staff contact details, and (the base's
    own) admissions, which holds health information about pupils."""
    project = _project(tmp_path)

    def subjects(data):
        data["subjects"].append({"id": "staff", "name": "Staff"})
        data["subjects"].append({"id": "visitors", "name": "Visitors"})
    _edit(project / "datamap" / "subjects.yaml", subjects)

    def categories(data):
        data["categories"] += [
            {"id": "cctv", "name": "CCTV images", "type": "personal"},
            {"id": "fingerprint", "name": "Biometric data", "type": "special",
             "examples": ["a code made from a scan of the pupil's fingerprint"]},
            {"id": "staff-contact", "name": "Work contact details", "type": "personal"},
        ]
    _edit(project / "datamap" / "categories.yaml", categories)

    base = yaml.safe_load((project / "datamap" / "activities" / "admissions.yaml").read_text())
    shapes = {
        "cctv": dict(name="CCTV", purposes=["to keep the site safe"], subjects=["pupils", "staff", "visitors"],
                     categories=["cctv"]),
        "catering": dict(name="Cashless catering", purposes=["to let pupils pay for lunch"],
                         subjects=["pupils"], categories=["fingerprint"]),
        "staff-directory": dict(name="Staff directory", purposes=["to let staff reach each other"],
                                subjects=["staff"], categories=["staff-contact"],
                                lawful_basis={"article_6": ["art6-1-e"]}),
    }
    for stem, shape in shapes.items():
        activity = dict(base, **shape)
        if stem != "staff-directory":
            activity["lawful_basis"] = dict(base["lawful_basis"])
        (project / "datamap" / "activities" / f"{stem}.yaml").write_text(
            yaml.safe_dump(activity, sort_keys=False))
    notice = project / "notices" / "pupils.md"
    notice.write_text(notice.read_text().replace(
        "activities: [admissions]", "activities: [admissions, cctv, catering, staff-directory]"))
    return project


# -- DPIA screening -------------------------------------------------------------------

def test_each_activity_is_screened_with_the_right_outcome_and_its_reasons(tmp_path):
    from noticegen.model.screening import screen_all

    screened = {s.activity: s for s in screen_all(_model(_school(tmp_path)))}
    assert set(screened) == {"admissions", "cctv", "catering", "staff-directory"}
    # systematic monitoring: required, from the category's own words
    assert screened["cctv"].outcome == REQUIRED
    assert [f.evidence for f in screened["cctv"].findings if f.criterion == "monitoring"] == \
        ["category ‘CCTV images’"]
    # biometric identification: required (the ICO's list), and it is special category data
    # about children as well
    assert screened["catering"].outcome == REQUIRED
    assert {f.criterion for f in screened["catering"].findings} == {"biometric", "sensitive", "children"}
    # health information about children: two criteria the ICO asks you to consider
    assert screened["admissions"].outcome == CONSIDER
    assert {f.criterion for f in screened["admissions"].findings} == {"sensitive", "children"}
    assert [f.evidence for f in screened["admissions"].findings if f.criterion == "children"] == \
        ["data subjects ‘Pupils’"]
    # staff contact details: nothing to screen for
    assert screened["staff-directory"].outcome == NOT_INDICATED
    assert screened["staff-directory"].findings == []


def test_the_dpos_answers_correct_the_screening(tmp_path):
    """The data map cannot know the scale or a new technology; the DPO says so, and may
    correct a guess (a subject named 'Pupils' who are adults, say)."""
    from noticegen.model.screening import screen_all

    project = _school(tmp_path)
    _edit(project / "datamap" / "activities" / "staff-directory.yaml",
          lambda d: d.update(dpia={"screening": {"new_technology": True}}))
    _edit(project / "datamap" / "activities" / "admissions.yaml",
          lambda d: d.update(dpia={"screening": {"large_scale": True}}))
    _edit(project / "datamap" / "activities" / "cctv.yaml",
          lambda d: d.update(dpia={"required": False, "screening": {"monitoring": False, "children": False}}))
    screened = {s.activity: s for s in screen_all(_model(project))}
    assert screened["staff-directory"].outcome == REQUIRED
    # large-scale special category data: Art 35(3)(b)
    assert "large-scale-sensitive" in {f.criterion for f in screened["admissions"].findings}
    assert screened["admissions"].outcome == REQUIRED
    assert screened["cctv"].outcome == NOT_INDICATED and screened["cctv"].answered is False


def test_a_subject_can_say_it_is_children_or_not(tmp_path):
    from noticegen.model.screening import screen_all

    project = _school(tmp_path)
    _edit(project / "datamap" / "subjects.yaml",
          lambda d: (d["subjects"][0].update(children=False), d["subjects"][1].update(children=True)))
    screened = {s.activity: s for s in screen_all(_model(project))}
    assert "children" not in {f.criterion for f in screened["admissions"].findings}
    assert "children" in {f.criterion for f in screened["staff-directory"].findings}


def test_check_warns_when_a_required_dpia_is_not_linked(tmp_path, run):
    project = _school(tmp_path)
    result = run("check", cwd=project)
    warned = re.findall(r"^(\S+): warning\[dpia-not-linked\]: activity '([a-z-]+)'", result.output, re.M)
    assert {stem for _where, stem in warned} == {"cctv", "catering"}, result.output
    assert all(where.startswith(f"datamap/activities/{stem}.yaml:") for where, stem in warned)
    # linked: no warning; the DPO's own "not required": no warning
    _edit(project / "datamap" / "activities" / "cctv.yaml",
          lambda d: d.update(dpia={"required": True, "link": "https://test.example/dpia/cctv"}))
    _edit(project / "datamap" / "activities" / "catering.yaml",
          lambda d: d.update(dpia={"required": False}))
    result = run("check", cwd=project)
    assert "dpia-not-linked" not in result.output, result.output
    # and it is a record's concern: check --for notices leaves it out
    _edit(project / "datamap" / "activities" / "catering.yaml", lambda d: d.pop("dpia"))
    assert "dpia-not-linked" in run("check", cwd=project).output
    assert "dpia-not-linked" not in run("check", "--strict", "--for", "notices", cwd=project).output


def test_the_record_takes_the_screenings_answer_where_the_dpo_gave_none(tmp_path):
    from noticegen.model.record import COLUMNS, SCREENED_NO, SCREENED_YES, row_values

    project = _school(tmp_path)
    model = _model(project)
    column = "Data Protection Impact Assessment required?"
    assert column in COLUMNS

    def cell(stem):
        return dict(row_values(model, stem, model.activities[stem]))[column]
    assert cell("cctv") == SCREENED_YES
    assert cell("staff-directory") == SCREENED_NO
    assert cell("admissions") is None  # 'consider': the DPO's to decide (a ropa-gap)


def test_the_screening_report_lists_every_activity(tmp_path):
    from noticegen.commands.build import build_project

    project = _school(tmp_path)
    result = build_project(project, pdf=False)
    assert not result.check.failed()
    report = _text(project / "build" / "records" / "dpia-screening.html")
    for name, outcome in (("CCTV", "DPIA required"), ("Cashless catering", "DPIA required"),
                          ("Admissions", "Consider a DPIA"), ("Staff directory", "Not indicated")):
        assert f"{name} {outcome}" in report, (name, report)
        # a heading per activity; an acronym keeps its capitals
        assert f"{name}: {outcome if outcome.startswith('DPIA') else outcome[0].lower() + outcome[1:]}" in report
    assert "Biometric data is used to identify people" in report
    assert "Source: ICO list: biometric data." in report
    # kept with the records, never beside the notices
    assert not (project / "build" / "dpia-screening.html").exists()


# -- Appropriate policy document --------------------------------------------------------

PRINCIPLES = {"lawfulness": "We tell people.", "purpose_limitation": "Only for the purpose.",
              "data_minimisation": "Only what we need.", "accuracy": "We correct it.",
              "storage_limitation": "As the schedule says.", "security": "Locked away.",
              "accountability": "The DPO checks."}


def _with_policy(project: Path, **extra) -> None:
    def organisation(data):
        data["organisation"].pop("appropriate_policy_document", None)
        data["organisation"]["appropriate_policy"] = dict(
            keeper="The DPO", reviewed="2026-09-01", principles=PRINCIPLES, **extra)
    _edit(project / "datamap" / "organisation.yaml", organisation)


def test_the_policy_document_satisfies_the_schedule_1_rule(tmp_path, run):
    project = _project(tmp_path)
    _edit(project / "datamap" / "organisation.yaml",
          lambda d: d["organisation"].pop("appropriate_policy_document"))
    missing = run("check", cwd=project)
    assert missing.exit_code == 1 and "error[missing-appropriate-policy-document]" in missing.output
    _with_policy(project)
    assert run("check", cwd=project).exit_code == 0


def test_the_policy_document_says_what_relies_on_each_condition(tmp_path):
    """Every Schedule 1 condition that needs the document, with the activities and the
    special category data relying on it; every principle in the school's words; the
    retention rules of those activities; the review (paras 38-40)."""
    from noticegen.commands.build import build_project

    project = _school(tmp_path)
    _with_policy(project, retention="We keep it no longer than our schedule says.")
    result = build_project(project, pdf=False)
    assert not result.check.failed(), [str(p) for p in result.check.problems]
    page = project / "build" / "records" / "appropriate-policy.html"
    text = _text(page)
    model = result.check.model
    used = {b for a in model.activities.values() for b in a["lawful_basis"].get("schedule_1", [])}
    assert used == {"sch1-para-6"}
    condition = model.bases["sch1-para-6"]
    section = text[text.index(condition.reference):text.index("How we comply")]
    assert "What relies on it: Admissions Cashless catering CCTV The special" in section
    assert "staff directory" not in section.lower()
    assert "information concerned: Medical information Biometric data" in section
    for words in PRINCIPLES.values():
        assert words in text
    for heading in ("Lawfulness, fairness and transparency (UK GDPR Art 5(1)(a))",
                    "Storage limitation (UK GDPR Art 5(1)(e))", "Accountability (UK GDPR Art 5(2))"):
        assert heading in text
    assert "We keep it no longer than our schedule says." in text
    assert "Pupil record while the pupil attends the school, then transferred" in text
    assert "Last reviewed 1 September 2026 Next review 1 September 2027" in text
    assert "Schedule 1, paragraph 40" in text

    # kept with the records by default: the notice names it but cannot link it; the
    # record links it beside itself
    notice = _text(project / "build" / "notices" / "pupils.html")
    assert "Appropriate policy document (ask us for a copy)" in notice
    ropa = (project / "build" / "records" / "ropa.csv").read_text(encoding="utf-8-sig")
    assert "appropriate-policy.html" in ropa


def test_a_published_policy_document_sits_beside_the_notices_and_they_link_it(tmp_path):
    from noticegen.commands.build import build_project

    project = _project(tmp_path)
    _with_policy(project, publish=True, title="Our appropriate policy document")
    result = build_project(project, pdf=False, public=True)
    assert not result.check.failed()
    assert (project / "build" / "appropriate-policy.html").is_file()
    assert not (project / "build" / "records").exists()  # the record itself is not published
    notice = (project / "build" / "notices" / "pupils.html").read_text()
    assert '<a href="../appropriate-policy.html">Our appropriate policy document</a>' in notice
    index = (project / "build" / "index.html").read_text()
    assert '<a href="appropriate-policy.html">Our appropriate policy document</a>' in index


def test_a_real_build_refuses_illustrative_policy_wording(tmp_path, run):
    project = _project(tmp_path)
    _with_policy(project, illustrative=True)
    result = run("check", cwd=project)
    assert result.exit_code == 1
    assert re.search(r"datamap/organisation\.yaml:\d+:\d+: error\[illustrative-value\]: the appropriate "
                     r"policy document's wording", result.output), result.output


@pytest.mark.parametrize("broken, rule", [
    ({"keeper": None}, "schema"),
    ({"principles": {"lawfulness": "Only this."}}, "schema"),
    ({"reviewed": "last year"}, "schema"),
])
def test_an_incomplete_policy_document_is_refused_at_its_line(tmp_path, run, broken, rule):
    project = _project(tmp_path)
    _with_policy(project)

    def spoil(data):
        for key, value in broken.items():
            if value is None:
                data["organisation"]["appropriate_policy"].pop(key)
            else:
                data["organisation"]["appropriate_policy"][key] = value
    _edit(project / "datamap" / "organisation.yaml", spoil)
    result = run("check", cwd=project)
    assert result.exit_code == 1 and "internal error" not in result.output
    assert re.search(r"^datamap/organisation\.yaml:\d+:\d+: error\[", result.output, re.M), result.output


# -- The example builds both, marked, tagged, the same every time ------------------------

@pytest.fixture(scope="module")
def example_build(tmp_path_factory):
    return built_example(tmp_path_factory.mktemp("documents") / "school")


def test_the_example_builds_both_documents_marked_as_an_example(example_build):
    build = example_build / "build"
    for page in (build / "appropriate-policy.html", build / "records" / "dpia-screening.html"):
        text = _text(page)
        assert text.count("Example — not a document of Moss Hey Primary School.") == 1, page
    policy = _text(build / "appropriate-policy.html")
    assert "Appropriate policy document (illustrative: not yet confirmed)" in policy
    notice = (build / "notices" / "looked-after-children-and-safeguarding.html").read_text()
    assert 'href="../appropriate-policy.html"' in notice
    for pdf in (build / "appropriate-policy.pdf", build / "records" / "dpia-screening.pdf"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"^Tagged:\s+yes$", info, re.M), pdf
        pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                               check=True).stdout.split("\f")
        pages = [p for p in pages if p.strip()]
        assert pages and all("EXAMPLE — not a document of Moss Hey Primary School" in p for p in pages), pdf


def test_the_example_policy_document_lists_every_condition_the_activities_use(example_build):
    from noticegen.commands.check import check_project

    model = check_project(example_build).model
    text = _text(example_build / "build" / "appropriate-policy.html")
    needing = {b for a in model.activities.values()
               for b in a["lawful_basis"].get("schedule_1", []) + a["lawful_basis"].get("criminal_offence", [])
               if model.bases[b].appropriate_policy_document}
    assert needing
    for ident in needing:
        assert model.bases[ident].reference in text, ident


def test_the_documents_are_the_same_bytes_every_time(example_build, tmp_path):
    from noticegen.commands.build import build_project

    again = copy_example(tmp_path / "again")
    assert not build_project(again).check.failed()
    for relative in ("appropriate-policy.html", "appropriate-policy.pdf",
                     "records/dpia-screening.html", "records/dpia-screening.pdf"):
        assert (again / "build" / relative).read_bytes() == (example_build / "build" / relative).read_bytes(), relative


def test_the_documents_in_welsh(tmp_path):
    from noticegen.commands.build import build_project

    project = _school(tmp_path)
    _with_policy(project)
    config = project / "noticegen.yaml"
    config.write_text((config.read_text() if config.exists() else "") + "\nlanguage: cy\n")
    result = build_project(project, pdf=False)
    assert not result.check.failed(), [str(p) for p in result.check.problems]
    screening = _text(project / "build" / "records" / "dpia-screening.html")
    assert "Sgrinio DPIA" in screening and "Mae angen DPIA" in screening
    policy = _text(project / "build" / "records" / "appropriate-policy.html")
    assert "Yr amodau rydym yn dibynnu arnynt" in policy
