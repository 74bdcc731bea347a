"""The repository root is the example project: the Moss Hey notice as a data map."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPOSITORY
from noticegen.commands.check import check_project
from noticegen.load.documents import parse

ACTIVITIES = sorted((REPOSITORY / "datamap" / "activities").glob("*.yaml"))
SEED = Path(__file__).resolve().parent / "fixtures" / "moss-hey-lac-safeguarding-notice.txt"


def test_example_checks_clean(run):
    result = run("check", "--strict", cwd=REPOSITORY)
    assert result.exit_code == 0, result.output
    assert result.output.endswith(" files checked: 0 errors, 0 warnings\n")


def test_example_has_the_schools_notice_set():
    assert len(ACTIVITIES) >= 6
    for slug in ("looked-after-children-and-safeguarding", "pupils", "school-workforce"):
        assert (REPOSITORY / "notices" / f"{slug}.md").exists()


def test_a_recipient_renamed_once_changes_every_notice_and_the_ropa(example):
    from noticegen.commands.build import build_project

    recipients = example / "datamap" / "recipients.yaml"
    recipients.write_text(recipients.read_text().replace(
        "name: Stockport Metropolitan Borough Council", "name: Stockport Council (renamed)"))
    result = build_project(example, pdf=False)
    assert not result.check.failed(), result.check.problems
    reached = 0
    for slug in ("looked-after-children-and-safeguarding", "pupils", "school-workforce"):
        page = (example / "build" / "notices" / f"{slug}.html").read_text()
        # the name as noticegen prints it (headings of "why we share"); prose quoting
        # the old name, and the recipient's own label, are the DPO's words
        reached += "Stockport Council (renamed)" in page
    assert reached == 3
    ropa = (example / "build" / "records" / "ropa.csv").read_text(encoding="utf-8-sig")
    assert "Stockport Council (renamed)" in ropa and "Stockport Metropolitan Borough Council" not in ropa
    import csv
    import io
    rows = list(csv.DictReader(io.StringIO(ropa)))
    assert sum("Stockport Council (renamed)" in r["Categories of recipients"] for r in rows) >= 3


@pytest.mark.parametrize("activity", ACTIVITIES, ids=lambda p: p.stem)
def test_an_undeclared_recipient_fails_at_its_exact_line(activity, example, run):
    target = example / "datamap" / "activities" / activity.name
    lines = target.read_text().splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("recipients:"))
    lines.insert(index + 1, "  - recipient: stockport-la\n    why: Added without declaring it.\n")
    target.write_text("".join(lines))

    result = run("check", cwd=example)
    assert result.exit_code == 1
    assert (f"datamap/activities/{activity.name}:{index + 2}:16: error[undeclared-recipient]: "
            "'stockport-la' is not declared in datamap/recipients.yaml "
            "(did you mean 'stockport-mbc'?)") in result.output.splitlines()


def test_every_data_map_file_names_its_schema():
    for path in sorted((REPOSITORY / "datamap").rglob("*.yaml")) + [REPOSITORY / "noticegen.yaml"]:
        first = path.read_text().splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, f"{path} has no schema line"
        assert (path.parent / match[1]).resolve().is_file(), f"{path}: {match[1]} does not exist"


def _seed_text() -> str:
    return SEED.read_text()


def test_the_data_map_holds_the_seed_notices_lists():
    """Every purpose, category example, handler and recipient of the seed is in the data map."""
    from noticegen.text.i18n import display

    model = check_project(REPOSITORY).model
    seed_notice = model.notices["looked-after-children-and-safeguarding"]
    activities = [model.activities[a] for a in seed_notice.activity_ids]
    purposes = [p for a in activities for p in a["purposes"]]
    examples = [e if isinstance(e, str) else e["text"]  # an example may carry its own type
                for c in model.registers["category"].values() for e in c.get("examples", [])]
    # the texts written for everyone (the children's notice has its own wording beside some)
    labels = [display(r.get("label", r["name"])) for r in model.registers["recipient"].values()]
    handlers = {h for a in activities for h in a.get("handled_by", [])}
    seed = _seed_text()
    for purpose in purposes:
        assert f"- {purpose}" in seed
    for expected in ("Support these children and monitor their progress", "To safeguard our students",
                     "Monitor welfare and progress of LAC pupils"):
        assert expected in purposes
    for example in ("referral information", "Section 47 information", "Education Health Care Plans",
                    "dates of key court orders and decisions"):
        assert any(example.lower() in e.lower() or e.lower() in example.lower() for e in examples) \
            or example in [display(c["name"]) for c in model.registers["category"].values()]
    assert set(labels) >= {"the Department for Education (DfE)",
                           "the local authority (Stockport Metropolitan Borough Council)",
                           "other local authorities where necessary",
                           "other schools or education settings",
                           "Health specialists including the school nurse, safeguarding and "
                           "Looked After Children nurse"}
    assert handlers == {"the safeguarding leads", "pastoral staff", "the Headteacher"}
    assert model.organisation["requests"]["email"] == "headteacher@mosshey.stockport.sch.uk"
    assert model.organisation["supervisory_authority"]["url"] == "https://ico.org.uk/concerns/"
    urls = {entry["url"] for entry in model.registers["legislation"].values()}
    assert "https://www.gov.uk/government/publications/keeping-children-safe-in-education--2" in urls
    # the school's own duties, not the local authority's (docs/example.md)
    assert "https://www.legislation.gov.uk/ukpga/2002/32/section/175" in urls
    assert "https://www.legislation.gov.uk/ukpga/1989/41/section/83" not in urls


def test_catalogue_entries_are_complete():
    document = parse((REPOSITORY / "noticegen" / "catalogue" / "lawful_bases.yaml").read_text(),
                     "lawful_bases.yaml")
    ids = [entry["id"] for entry in document.data["bases"]]
    assert len(ids) == len(set(ids))
    for letter in "abcdef":
        assert f"art6-1-{letter}" in ids
    for letter in "abcdefghij":
        assert f"art9-2-{letter}" in ids
    for entry in document.data["bases"]:
        assert entry["url"].startswith("https://www.legislation.gov.uk/")
        assert entry["wording"].strip() and entry["name"].strip()
        if entry["kind"] == "article-6":
            assert set(entry["rights"]) == {"erasure", "portability", "object", "withdraw_consent"}
    needs = {e["id"] for e in document.data["bases"] if e.get("needs_schedule_1")}
    assert needs == {"art9-2-b", "art9-2-g", "art9-2-h", "art9-2-i", "art9-2-j", "art10-schedule-1"}
    parts = {e["id"]: e.get("schedule_1_part") for e in document.data["bases"] if e["kind"] == "article-9"}
    assert parts["art9-2-g"] == 2 and {parts[f"art9-2-{x}"] for x in "bhij"} == {1}


def test_example_passes_strict_check_with_no_rule_turned_off(run):
    config = parse((REPOSITORY / "noticegen.yaml").read_text(), "noticegen.yaml")
    assert not config.data.get("rules"), "the example must not turn any rule off"
    result = run("check", "--strict", REPOSITORY)
    assert result.exit_code == 0, result.output
    assert result.output.endswith(": 0 errors, 0 warnings\n")


def test_example_is_correct_in_law():
    """The legal errors the seed notice makes are not repeated (docs/example.md)."""
    model = check_project(REPOSITORY).model
    categories = model.registers["category"]
    assert categories["attendance"]["type"] == "personal"
    assert categories["notes-of-concern"]["type"] == "personal"
    assert categories["offending"]["type"] == "criminal"
    assert all("offending" not in e for c in categories.values() for e in c.get("examples", []))
    registers = model.registers["retention"]["pupil-registers"]
    assert registers["period"] == {"years": 6} and "attendance" in registers["categories"]
    for activity in model.activities.values():
        assert "attendance-registers" not in activity["retention"]
    laws = model.registers["legislation"]
    assert not any(law.id.startswith(("children-act-1989-s83", "children-and-young-persons-act-2008-s7"))
                   for law in laws.values())
    assert "2018" not in laws["kcsie"]["title"] and "2023" in laws["working-together-2023"]["title"]
    lac = model.activities["children-in-need-and-looked-after"]
    assert lac["lawful_basis"]["article_6"] == ["art6-1-c", "art6-1-e"]
    notice = (REPOSITORY / "notices" / "looked-after-children-and-safeguarding.md").read_text()
    assert "high risk" not in notice
    organisation = model.organisation
    for field in ("dpo", "complaints", "appropriate_policy"):
        assert organisation[field]["illustrative"] is True


# ------------------------------------------------------------------ legal review L17, L18

LAC_SLUG = "looked-after-children-and-safeguarding"


@pytest.fixture(scope="module")
def lac_page(tmp_path_factory) -> str:
    """The built looked-after-children notice, as visible text with its links kept."""
    from html import unescape

    from conftest import copy_example
    from noticegen.commands.build import build_project

    project = copy_example(tmp_path_factory.mktemp("lac") / "school")
    result = build_project(project, pdf=False)
    assert not result.check.failed(), result.check.problems
    raw = (project / "build" / "notices" / f"{LAC_SLUG}.html").read_text(encoding="utf-8")
    raw = re.sub(r"<(style|script)\b.*?</\1>", " ", raw, flags=re.S)
    raw = re.sub(r'<a [^>]*href="([^"]+)"[^>]*>', r" [\1] ", raw)  # keep where links go, before their text
    text = unescape(re.sub(r"<[^>]+>", " ", raw))
    return " ".join(text.replace("’", "'").split())


def test_the_notice_says_who_uses_a_looked_after_childs_rights(lac_page):
    """L17: the child's own rights, the local authority's share of parental
    responsibility under a care order (Children Act 1989 s33(3)), and the limit on
    access to child abuse data (DPA 2018 Sch 3 Part 5 para 21), in its own section after
    the rights and before complaints, on a page marked as an example."""
    heading = "Who can use a looked after child's rights"
    # the last occurrence of each heading is in the body (the first in the contents)
    rights = lac_page.rindex("Requesting access to your personal data")
    own = lac_page.rindex(heading)
    complaints = lac_page.index("Raising a concern", own)
    assert rights < own < complaints
    section = lac_page[own:complaints]
    assert "The rights in this notice belong to the child, whatever their age." in section
    assert "can use it for themselves or ask someone to act for them" in section
    assert ("the local authority has parental responsibility for them as well as their parents"
            in section)
    assert ("[https://www.legislation.gov.uk/ukpga/1989/41/section/33] Children Act 1989, section 33(3)"
            in section)
    assert "section 20 of the same Act), the local authority does not have parental responsibility" \
        in section
    assert ("hold back what it would not be in the child's best interests to give them" in section)
    assert ("[https://www.legislation.gov.uk/ukpga/2018/12/schedule/3/paragraph/21] "
            "Data Protection Act 2018, Schedule 3, Part 5, paragraph 21") in section
    assert "It is not for a request the child makes for themselves." in section
    # not the school's published text: the page says it is an example
    assert "Example — not Moss Hey Primary School's published privacy notice" in lac_page
    notice = (REPOSITORY / "notices" / f"{LAC_SLUG}.md").read_text()
    comment = notice[:notice.index("id: looked-after-childrens-rights")]
    assert "# Example content, not the school's published text" in comment


def test_the_notice_does_not_say_the_school_reports_children_in_care_to_the_dfe(lac_page):
    """L18: local authorities, not schools, report children in need and looked after
    children to the DfE (the children in need census, the SSDA903 return); the school
    census carries only post-looked-after arrangements."""
    assert "through the school census" not in lac_page
    assert "We share children in need and looked after children data with the Department" \
        not in lac_page
    assert ("We do not send the Department our own record of which pupils are children in need "
            "or looked after children.") in lac_page
    assert "the children in need census and the children looked after return" in lac_page
    assert ("left local authority care through adoption, a special guardianship order or a child "
            "arrangements order") in lac_page
    # the school's own duty is still cited, with the seed's DfE paragraphs
    assert "section 537A of the Education Act 1996" in lac_page
    assert "This data sharing helps to develop national policies" in lac_page
    model = check_project(REPOSITORY).model
    share = next(s for s in model.activities["children-in-need-and-looked-after"]["recipients"]
                 if s["recipient"] == "dfe")
    assert "school census" in share["why"] and "through the school census" not in share["why"]
