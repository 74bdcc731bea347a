"""Nothing illustrative reaches a real notice: a value marked ``illustrative: true`` stops
a real build (listed, each at its place) unless the project says it is an example, and
then every page, fragment, PDF page, the record of processing and the index say so."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import REPOSITORY, copy_example

BANNER = "Example — not Moss Hey Primary School's published privacy notice."
PDF_BANNER = "EXAMPLE — not Moss Hey Primary School's published notice"


@pytest.fixture(scope="module")
def example_build(tmp_path_factory):
    from noticegen.commands.build import build_project

    project = copy_example(tmp_path_factory.mktemp("example") / "school")
    assert "example: true" in (project / "noticegen.yaml").read_text()
    result = build_project(project)
    assert not result.check.failed()
    return project / "build"


def test_the_repositorys_example_says_it_is_one(example_build):
    pages = sorted((example_build / ".current").resolve().rglob("*.html"))
    assert len(pages) == 10  # 4 notices, their fragments, the ROPA and the index
    for page in pages:
        text = page.read_text()
        assert BANNER in text.replace("&#39;", "'"), page
        if not page.name.endswith(".fragment.html"):
            assert '<meta name="robots" content="noindex, nofollow">' in text, page


def test_every_pdf_page_of_the_example_says_it_is_one(example_build):
    for pdf in sorted((example_build / ".current").resolve().rglob("*.pdf")):
        pages = int(next(line.split()[1] for line in subprocess.run(
            ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
            if line.startswith("Pages:")))
        for number in range(1, pages + 1):
            text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), "-layout", str(pdf), "-"],
                                  capture_output=True, text=True, check=True).stdout
            assert PDF_BANNER in text, (pdf.name, number)


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
    # every 'illustrative: true' written in the data map, at its own line and column
    marked = sorted(f"{path.relative_to(project)}:{number}:{line.index('illustrative') + 1}"
                    for path in (project / "datamap").rglob("*.yaml")
                    for number, line in enumerate(path.read_text().splitlines(), 1)
                    if line.strip() in ("illustrative: true", "- illustrative: true")
                    or (line.strip().endswith("illustrative: true}") and not line.lstrip().startswith("#")))
    assert len(marked) == 5
    assert [line.split(": error")[0] for line in found] == marked
    assert not (project / "build" / "notices").exists()
    drafted = run("build", "--draft", "--no-pdf", cwd=project)
    assert drafted.exit_code == 0, drafted.output
    page = (project / "build" / "draft" / "notices" / "pupils.html").read_text()
    assert "(illustrative: not yet confirmed)" in page and "DRAFT — NOT FOR PUBLICATION" in page
    assert BANNER not in page.replace("&#39;", "'")  # not an example any more: a draft


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
