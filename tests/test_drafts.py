"""build --draft: a school starting out sees its notices before every value is known,
and nothing of it can be mistaken for the real thing or published by accident."""

from __future__ import annotations

import subprocess

import pytest

from conftest import copy_example


@pytest.fixture
def starter(tmp_path, run):
    project = tmp_path / "school"
    assert run("init", project).exit_code == 0
    return project


def test_a_draft_builds_with_placeholders_marked_and_the_real_build_refuses(starter, run):
    refused = run("build", "--no-pdf", cwd=starter)
    assert refused.exit_code == 1 and "error[placeholder]" in refused.output
    assert not (starter / "build" / "notices").exists()

    result = run("build", "--draft", "--no-pdf", cwd=starter)
    assert result.exit_code == 0, result.output
    assert "into build/draft/" in result.output and "a DRAFT, not for publication" in result.output
    draft = starter / "build" / "draft"
    page = (draft / "notices" / "pupils.html").read_text()
    fragment = (draft / "notices" / "pupils.fragment.html").read_text()
    for html in (page, fragment, (draft / "index.html").read_text(), (draft / "records" / "ropa.html").read_text()):
        assert "DRAFT — NOT FOR PUBLICATION" in html
    assert '<mark class="draft-placeholder">TODO(DPO email): to be filled in</mark>' in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    head = page.split("<body", 1)[0]
    assert "<mark" not in head  # the title stays plain text
    # nothing is in build/ itself for a publishing step to take
    assert sorted(p.name for p in (starter / "build").iterdir() if not p.name.startswith(".")) == ["draft"]


def test_a_real_build_removes_the_draft(tmp_path, run):
    project = copy_example(tmp_path / "school")
    assert run("build", "--draft", "--no-pdf", cwd=project).exit_code == 0
    assert (project / "build" / "draft" / "index.html").is_file()
    assert run("build", "--no-pdf", cwd=project).exit_code == 0
    assert not list((project / "build" / "draft").rglob("*.html"))
    page = (project / "build" / "notices" / "pupils.html").read_text()
    assert "DRAFT" not in page


def test_illustrative_values_are_marked_in_a_draft_too(tmp_path, run):
    project = copy_example(tmp_path / "school")
    assert run("build", "--draft", "--no-pdf", cwd=project).exit_code == 0
    page = (project / "build" / "draft" / "notices" / "looked-after-children-and-safeguarding.html").read_text()
    assert "(illustrative: not yet confirmed)" in page


def test_every_page_of_a_draft_pdf_says_so(starter, run):
    assert run("build", "--draft", cwd=starter).exit_code == 0
    pdf = starter / "build" / "draft" / "notices" / "pupils.pdf"
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert pages and all("DRAFT — NOT FOR PUBLICATION" in p for p in pages)


def test_a_draft_after_a_real_build_leaves_no_publishable_build_beside_it(tmp_path, run):
    """build, then build --draft, once left build/draft/ inside the published build/: a step
    that copies build/ (as the README says) published the draft too."""
    project = copy_example(tmp_path / "school")
    assert run("build", "--no-pdf", cwd=project).exit_code == 0
    assert (project / "build" / "manifest.json").is_file()
    result = run("build", "--draft", "--no-pdf", cwd=project)
    assert result.exit_code == 0, result.output
    assert "removed the publishable build from build/ so that a draft is never published beside it" \
        in result.output
    published = sorted(p.name for p in (project / "build").iterdir() if p.name != ".noticegen-lock")
    assert published == ["draft"]
    # what a publishing step copies holds nothing but pages that say they are a draft
    pages = list((project / "build").rglob("*.html"))
    assert pages and all("DRAFT — NOT FOR PUBLICATION" in page.read_text() for page in pages)
    # and the real build comes back whole
    assert run("build", "--no-pdf", cwd=project).exit_code == 0
    assert (project / "build" / "manifest.json").is_file() and not (project / "build" / "draft").exists()


def test_a_placeholder_where_an_id_belongs_is_drafted_marked_and_refused_for_real(tmp_path, run):
    """An imported project leaves TODO(...) where a lawful basis or a recipient's id
    belongs: build --draft once refused it (reported as undeclared-basis, not a placeholder)."""
    project = copy_example(tmp_path / "school")
    activity = project / "datamap" / "activities" / "safeguarding.yaml"
    text = activity.read_text()
    text = text.replace("- recipient: stockport-mbc", "- recipient: TODO(who receives it)", 1)
    text = text.replace("article_6: [art6-1-c", "article_6: [TODO(Article 6 basis)", 1)
    assert "TODO(who receives it)" in text and "TODO(Article 6 basis)" in text
    activity.write_text(text)

    refused = run("build", "--no-pdf", cwd=project)
    assert refused.exit_code == 1
    assert "error[undeclared-recipient]: placeholder TODO(who receives it) is still to be filled in" \
        in refused.output
    assert "error[undeclared-basis]: placeholder TODO(Article 6 basis) is still to be filled in" \
        in refused.output

    drafted = run("build", "--draft", "--no-pdf", cwd=project)
    assert drafted.exit_code == 0, drafted.output
    page = (project / "build" / "draft" / "notices" / "looked-after-children-and-safeguarding.html").read_text()
    assert '<mark class="draft-placeholder">TODO(who receives it): to be filled in</mark>' in page
    assert '<mark class="draft-placeholder">TODO(Article 6 basis): to be filled in</mark>' in page
    ropa = (project / "build" / "draft" / "records" / "ropa.html").read_text()
    assert "TODO(Article 6 basis)" in ropa and "DRAFT — NOT FOR PUBLICATION" in ropa


def test_an_imported_record_builds_as_a_draft(tmp_path, run):
    from test_import import _ico_workbook

    source = _ico_workbook(tmp_path / "ropa.xlsx")
    assert run("import", source, tmp_path / "school").exit_code == 0
    result = run("build", "--draft", "--no-pdf", cwd=tmp_path / "school")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "school" / "build" / "draft" / "records" / "ropa.html").is_file()
