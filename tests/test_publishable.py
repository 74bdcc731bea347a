"""Nothing illustrative reaches a real notice: a value marked ``illustrative: true`` stops
a real build (listed, each at its place) unless the project says it is an example, and
then every page, fragment, PDF page, the record of processing and the index say so."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import REPOSITORY, built_example, copy_example

BANNER = "Example — not Moss Hey Primary School's published privacy notice."
PDF_BANNER = "EXAMPLE — not Moss Hey Primary School's published notice"
# the documents made beside the notices say it in their own words
DOCUMENT_BANNER = "Example — not a document of Moss Hey Primary School."
DOCUMENT_PDF_BANNER = "EXAMPLE — not a document of Moss Hey Primary School"
SCHEDULE_BANNER = "EXAMPLE — not Moss Hey Primary School's retention schedule"


@pytest.fixture(scope="module")
def example_build(tmp_path_factory):
    project = built_example(tmp_path_factory.mktemp("example") / "school")
    assert "example: true" in (project / "noticegen.yaml").read_text()
    return project / "build"


def test_the_repositorys_example_says_it_is_one(example_build):
    pages = sorted((example_build / ".current").resolve().rglob("*.html"))
    # 4 notices, their fragments, the ROPA, the DPIA screening, the appropriate policy
    # document, the retention schedule, the index, a consent form and a statement (a fragment)
    assert len(pages) == 15
    for page in pages:
        text = page.read_text()
        banner = DOCUMENT_BANNER if page.stem in ("dpia-screening", "appropriate-policy") else BANNER
        assert banner in text.replace("&#39;", "'"), page
        if not page.name.endswith((".fragment.html", ".statement.html")):
            assert '<meta name="robots" content="noindex, nofollow">' in text, page


def test_every_pdf_page_of_the_example_says_it_is_one(example_build):
    for pdf in sorted((example_build / ".current").resolve().rglob("*.pdf")):
        pages = int(next(line.split()[1] for line in subprocess.run(
            ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
            if line.startswith("Pages:")))
        for number in range(1, pages + 1):
            text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), "-layout", str(pdf), "-"],
                                  capture_output=True, text=True, check=True).stdout
            banner = (DOCUMENT_PDF_BANNER if pdf.stem in ("dpia-screening", "appropriate-policy")
                      else SCHEDULE_BANNER if pdf.name == "retention-schedule.pdf" else PDF_BANNER)
            assert banner in text, (pdf.name, number)


def test_the_example_record_of_processing_workbook_says_it_is_one(example_build):
    sheet = load_workbook(example_build / "records" / "ropa.xlsx").active
    cells = [str(c) for row in sheet.iter_rows(max_row=6, values_only=True) for c in row if c]
    assert "Example" in cells
    assert any(c.startswith("not Moss Hey Primary School's record of processing") for c in cells)


def test_a_real_build_refuses_illustrative_values_and_lists_each(tmp_path, run):
    project = copy_example(tmp_path / "school")
    config = project / "noticegen.yaml"
    config.write_text(config.read_text().replace("example: true\n", ""))
    result = run("build", "--no-pdf", cwd=project)
    assert result.exit_code == 1
    found = [line for line in result.output.splitlines() if "error[illustrative-value]" in line]
    # every illustrative mark written in the data map and the notices, at its own line and
    # column: 'illustrative: true', an activity's 'illustrative: [fields]', a flow mapping's
    import re

    mark = re.compile(r"^(\s*(?:- )?)illustrative: (?:true|\[)|[{ ]illustrative: true}")
    marked = sorted(f"{path.relative_to(project)}:{number}:{line.index('illustrative') + 1}"
                    for path in [*(project / "datamap").rglob("*.yaml"), *(project / "notices").glob("*.md")]
                    for number, line in enumerate(path.read_text().splitlines(), 1)
                    if mark.search(line) and not line.lstrip().startswith("#"))
    # the DPO and complaints contacts, the policy document, retention rules, reasons for
    # sharing, systems, answers and whole notices (issue 21, H1 and H2); the photographs
    # activity, its retention rule, sources and consent form, and the admission form (issue 26)
    assert len(marked) == 35
    kinds = " ".join(found)
    for what in ("the Data Protection Officer's details are", "retention rule 'child-protection-file' is",
                 "the sharing with 'other-schools' is", "the system 'The school's management information "
                 "system (MIS)' is", "this whole notice is", "this whole activity is",
                 "this activity's systems, security_measures, dpia, breach, policy_document_retention are"):
        assert what + " marked illustrative" in kinds, what
    assert sorted(line.split(": error")[0] for line in found) == marked
    assert not (project / "build" / "notices").exists()
    drafted = run("build", "--draft", "--no-pdf", cwd=project)
    assert drafted.exit_code == 0, drafted.output
    page = (project / "build" / "draft" / "notices" / "pupils.html").read_text()
    assert "(illustrative: not yet confirmed)" in page and "DRAFT — NOT FOR PUBLICATION" in page
    assert BANNER not in page.replace("&#39;", "'")  # not an example any more: a draft


def test_docs_example_lists_every_illustrative_value(tmp_path, run):
    """docs/example.md's table names, for every mark the illustrative-value rule finds in
    the example, its file and what is marked (issue 21: a list of every illustrative or
    invented value)."""
    import re

    project = copy_example(tmp_path / "school")
    config = project / "noticegen.yaml"
    config.write_text(config.read_text().replace("example: true\n", ""))
    found = [line for line in run("check", cwd=project).output.splitlines() if "[illustrative-value]" in line]
    assert len(found) == 35
    doc = (REPOSITORY / "docs" / "example.md").read_text()
    table = doc[doc.index("## Every value in the example that is illustrative or invented"):]
    rows = [row for row in table.splitlines() if row.startswith("| `")]
    fields = {"the Data Protection Officer's details are": "dpo", "the complaints contact is": "complaints",
              "the appropriate policy document is": "appropriate_policy_document",
              "the appropriate policy document's wording is": "appropriate_policy",
              "what happens if data is not provided is": "provision"}
    for line in found:
        path = line.split(":", 1)[0]
        what = line.split("error[illustrative-value]: ", 1)[1].split(" marked illustrative")[0]
        mine = [row for row in rows if path in row or path.rsplit("/", 1)[-1] in row]
        assert mine, f"docs/example.md does not list {path}"
        named = re.fullmatch(r"(?:the system|the sharing with|retention rule|source|the form) '(.+)' is", what)
        listed = re.fullmatch(r"this activity's (.+) are", what)
        if named:
            assert any(f"`{named[1]}`" in row for row in mine), line
        elif listed:
            assert any(f"illustrative: [{listed[1]}]" in row for row in mine), line
        elif what.startswith("this whole"):
            assert any("the whole" in row for row in mine), line
        else:
            assert any(f"`{fields[what]}`" in row for row in mine), line


def test_illustrative_values_are_marked_where_they_are_shown(example_build):
    """Retention rules, reasons for sharing, systems and answers marked illustrative carry
    the mark on the page and in the record; a whole notice marked illustrative says so at
    its top."""
    import csv
    import re

    mark = "(illustrative: not yet confirmed)"
    page = (example_build / "notices" / "looked-after-children-and-safeguarding.html").read_text()
    rows = re.findall(r'<tr><th scope="row">(.*?)</th>', page)
    marked = {re.sub(r"<[^>]+>", "", r).replace(mark, "").strip(): mark in r for r in rows}
    assert marked["Child protection file held by the school"] is True
    assert marked["Admission and attendance registers"] is False  # the law, not an example
    reasons = page[page.index('id="why-we-share"'):]
    assert reasons.count(mark) >= 2  # other schools, health specialists
    assert "This whole notice is an example." not in page  # the school's own notice
    for slug in ("pupils", "pupils-for-children", "school-workforce"):
        text = (example_build / "notices" / f"{slug}.html").read_text()
        assert "This whole notice is an example." in text, slug
    with open(example_build / "records" / "ropa.csv", encoding="utf-8-sig") as handle:
        table = list(csv.DictReader(handle))
    safeguarding = next(r for r in table if r["Activity id"] == "safeguarding")
    for column in ("Has a personal data breach occurred?", "Location of personal data",
                   "General description of technical and organisational security measures (if possible)",
                   "Is personal data retained and erased in accordance with the policy document?"):
        assert safeguarding[column].endswith(mark), column
    assert safeguarding["Article 6 lawful basis for processing personal data"].find(mark) == -1


def test_a_system_run_by_a_supplier_names_the_processor(example_build):
    """M5: the supplier that runs a system is a processor: the notice lists it among those
    the data is shared with, and the record names it with the contract link."""
    import csv

    page = (example_build / "notices" / "pupils.html").read_text()
    assert "the company that provides our management information system" in page
    with open(example_build / "records" / "ropa.csv", encoding="utf-8-sig") as handle:
        table = {r["Activity id"]: r for r in csv.DictReader(handle)}
    census = table["school-census"]
    assert "Management information system supplier" in census["Categories of recipients"]
    assert census["Link to contract with processor"].startswith(
        "Management information system supplier: https://www.example.org/contracts/mis")
    assert table["safeguarding"]["Link to contract with processor"].startswith(
        "Safeguarding recording system supplier: https://www.example.org/contracts/safeguarding-system")


def test_the_repositorys_own_example_is_marked():
    assert "\nexample: true\n" in (REPOSITORY / "noticegen.yaml").read_text()


def test_para_36_is_named_with_the_part_2_condition_it_extends(example_build):
    """DPA 2018 Sch 1 para 36 is met only where a Part 2 condition would be: the notice names
    both (issue 21, M3), as check now requires (rule para-36-without-part-2)."""
    import re

    page = (example_build / "notices" / "looked-after-children-and-safeguarding.html").read_text()
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    criminal = text[text.index("DPA 2018 Schedule 1, Part 3, paragraph 36"):][:600]
    assert "DPA 2018 Schedule 1, Part 2, paragraph 18" in criminal


def test_the_childrens_right_to_object_keeps_its_limit(example_build):
    """Art 21(1) gives the right to object only to use that rests on public task or
    legitimate interests: pupil records also rest on a legal obligation, and the children's
    notice once dropped that limit (issue 21, M1)."""
    import re

    page = (example_build / "notices" / "pupils-for-children.html").read_text()
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert ("For pupil records, when we use your information because it is part of the job the "
            "law gives us, you can tell us at any time that you do not want us to.") in text
    assert "you can tell us at any time that you do not want us to use your information" not in text


def test_a_notice_for_children_gives_every_safeguard_of_an_automated_decision(tmp_path, run):
    """Arts 22A-22D: where a significant decision is taken solely by automated means, the
    person must be told about it and be able to make representations, obtain a person's
    review and contest it; the children's wording once gave only the review (issue 21, L12)."""
    import re
    import shutil

    project = Path(shutil.copytree(REPOSITORY / "tests" / "features", tmp_path / "features",
                                   ignore=shutil.ignore_patterns("build")))
    notice = project / "notices" / "members.md"
    notice.write_text(notice.read_text().replace("activities: [clubs, fundraising]",
                                                 "activities: [clubs, fundraising]\nreader: children", 1))
    assert run("build", "--no-pdf", cwd=project).exit_code == 0
    text = " ".join(re.sub(r"<[^>]+>", " ", (project / "build" / "notices" / "members.html").read_text()).split())
    assert ("be told about a choice a computer made about you on its own, tell us what you think of "
            "it, ask for a person to check it, and say you disagree with it") in text


def test_each_condition_says_what_it_covers(example_build):
    """L8: an activity relying on several Art 9 or Schedule 1 conditions says, beside each,
    which data or purpose it covers (lawful_basis.applies_to)."""
    import re

    page = (example_build / "notices" / "school-workforce.html").read_text()
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert ("UK GDPR Article 9(2)(b) (Employment, social security and social protection law) "
            "(for health information, for our duties as an employer)") in text
    assert ("DPA 2018 Schedule 1, Part 2, paragraph 8 (Equality of opportunity or treatment) "
            "(for equality monitoring)") in text
