"""noticegen diff on a temporary git repository with known edits, and the notice
section built from it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CASES

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.email=dpo@test.example", "-c", "user.name=DPO", *args],
                          cwd=folder, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path) -> Path:
    """A school repository at tag v1: pupils covers admissions and clubs; trips covers trips."""
    project = tmp_path / "school"
    shutil.copytree(CASES / "base", project)
    admissions = (project / "datamap" / "activities" / "admissions.yaml").read_text()
    for name in ("clubs", "trips"):
        (project / "datamap" / "activities" / f"{name}.yaml").write_text(
            admissions.replace("name: Admissions", f"name: {name.capitalize()}")
            .replace("  - to admit pupils", f"  - to run {name}"))
    notice = project / "notices" / "pupils.md"
    notice.write_text(notice.read_text().replace("activities: [admissions]", "activities: [admissions, clubs]"))
    (project / "notices" / "trips.md").write_text(
        "---\ntitle: School trips\nactivities: [trips]\nversion: \"1\"\n---\nAbout trips.\n")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "v1")
    git(project, "tag", "v1")
    return project


def edit(project: Path) -> None:
    recipients = project / "datamap" / "recipients.yaml"
    recipients.write_text(recipients.read_text() + "  - id: coach-company\n    name: Coach Company\n"
                          "    kind: processor\n")
    trips = project / "datamap" / "activities" / "trips.yaml"
    trips.write_text(trips.read_text().replace(
        "  - recipient: local-authority\n",
        "  - recipient: coach-company\n    why: To book seats.\n  - recipient: local-authority\n"))
    retention = project / "datamap" / "retention.yaml"
    retention.write_text(retention.read_text().replace("period: {while: the pupil attends the school}",
                                                       "period: {years: 6}"))
    (project / "datamap" / "activities" / "clubs.yaml").unlink()
    notice = project / "notices" / "pupils.md"
    notice.write_text(notice.read_text().replace("activities: [admissions, clubs]", "activities: [admissions]"))


EXPECTED_TEXT = """\
Changes from v1 to the work tree: 5
  activity 'clubs' removed
      reaches: pupils
  activity 'trips' changed
      recipients: added 'coach-company'
      reaches: trips
  recipient 'coach-company' added
      reaches: trips
  retention 'pupil-record' changed
      period.while: removed (was 'the pupil attends the school')
      period.years: added '6'
      reaches: pupils, trips
  notice 'pupils' changed
      activities: removed 'clubs'
      reaches: pupils
"""


def test_diff_text_lists_exact_changes_and_the_notices_they_reach(repo, run):
    edit(repo)
    assert run("check", cwd=repo).exit_code == 0
    result = run("diff", cwd=repo)
    assert result.exit_code == 0, result.output
    assert result.output == EXPECTED_TEXT


def test_diff_between_two_revisions(repo, run):
    edit(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "v2")
    result = run("diff", "v1", "HEAD", cwd=repo)
    assert result.output == EXPECTED_TEXT.replace("to the work tree", "to HEAD")
    assert run("diff", "HEAD", "HEAD", cwd=repo).output == "Changes from HEAD to HEAD: 0\n"


def test_diff_markdown_for_a_pull_request(repo, run):
    edit(repo)
    output = run("diff", "--format", "markdown", cwd=repo).output
    assert output.splitlines()[0] == "## Privacy notice changes: v1 → the work tree"
    assert "| recipient 'coach-company' added | — | trips |" in output
    assert "| retention 'pupil-record' changed | period.while: removed (was 'the pupil attends the school')<br>period.years: added '6' | pupils, trips |" in output


def test_diff_html_and_pdf_reports_for_governors(repo, run):
    edit(repo)
    result = run("diff", "--format", "html", cwd=repo)
    assert result.exit_code == 0 and result.output == "wrote build/reports/changes-v1-to-work-tree.html\n"
    page = (repo / "build" / "reports" / "changes-v1-to-work-tree.html").read_text()
    assert "<h1>Changes to our privacy notices: v1 to the work tree</h1>" in page
    # titles and plain words, not ids: what is new, and in which notice
    assert "<strong>New: Coach Company, in “School trips”</strong> We now share information with Coach Company." in page
    assert "<strong>No longer: Clubs, in “How we use pupil information”</strong>" in page
    assert "&#39;coach-company&#39;" not in page and "activity" not in page.lower().split("<main", 1)[1]
    assert "<p>Still version 1: raise the version before this is published.</p>" in page
    result = run("diff", "--format", "pdf", cwd=repo)
    assert result.exit_code == 0
    text = subprocess.run(["pdftotext", "-layout", str(repo / "build" / "reports" / "changes-v1-to-work-tree.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Changed: Pupil record" in text and "School trips" in text


def test_the_governors_report_names_the_versions_and_is_kept(repo, run):
    notice = repo / "notices" / "pupils.md"
    notice.write_text(notice.read_text().replace('version: "1"', 'version: "1.0"\npublished: 2026-11-28'))
    git(repo, "commit", "-qam", "dated")
    git(repo, "tag", "v1.0")
    edit(repo)
    notice.write_text(notice.read_text().replace('version: "1.0"\npublished: 2026-11-28',
                                                 'version: "2.0"\npublished: 2026-12-02'))
    git(repo, "commit", "-qam", "v2")
    git(repo, "tag", "v2.0")
    assert run("diff", "v1.0", "v2.0", "--format", "html", cwd=repo).exit_code == 0
    report = repo / "build" / "reports" / "changes-v1.0-to-v2.0.html"
    page = report.read_text()
    assert "Version 2.0, since version 1.0, published 28 November 2026." in page
    # the next build leaves it where it is; a later comparison of other versions is kept beside it
    assert run("build", "--no-pdf", cwd=repo).exit_code == 0
    assert report.read_text() == page
    assert run("diff", "HEAD", "--format", "html", cwd=repo).exit_code == 0
    assert report.exists() and (repo / "build" / "reports" / "changes-HEAD-to-work-tree.html").exists()
    assert run("build", "--no-pdf", cwd=repo).exit_code == 0
    assert sorted(p.name for p in (repo / "build" / "reports").iterdir()) == [
        "changes-HEAD-to-work-tree.html", "changes-v1.0-to-v2.0.html"]


def test_notice_changes_section(repo, run):
    edit(repo)
    notice = repo / "notices" / "pupils.md"
    notice.write_text(notice.read_text().replace("  - rights\n", "  - rights\n  - changes\n")
                      .replace('version: "1"', 'version: "2"\nchanges_since: v1'))
    result = run("build", "--no-pdf", cwd=repo)
    assert result.exit_code == 0, result.output
    page = (repo / "build" / "notices" / "pupils.html").read_text()
    assert "<h2 id=\"changes-title\">Changes to this notice</h2>" in page
    changes = page.split("Changes to this notice")[-1].split("</section>")[0]
    assert "<p>Since v1, we have made these changes:</p>" in changes
    # plain sentences with names, for parents: no ids, no developer diff text
    assert "<li>We no longer use your information for clubs.</li>" in changes
    assert ("<li>We now keep pupil record for 6 years from the date the pupil leaves, then "
            "transferred, instead of while the pupil attends the school, then transferred.</li>") in changes
    assert "period.years" not in changes and "&#39;" not in changes and "[" not in changes
    assert "coach-company" not in changes and "Coach Company" not in changes  # reaches trips only


def test_a_dpo_writes_the_change_notes(repo, run):
    edit(repo)
    notice = repo / "notices" / "pupils.md"
    notice.write_text(notice.read_text().replace("  - rights\n", "  - rights\n  - changes\n")
                      .replace('version: "1"', 'version: "2"\nchanges_since: v1\nchange_notes:\n'
                               '  - "Our after-school clubs have closed, so we hold **no** club information."'))
    assert run("build", "--no-pdf", cwd=repo).exit_code == 0
    changes = (repo / "build" / "notices" / "pupils.html").read_text().split("Changes to this notice")[-1]
    assert "<li>Our after-school clubs have closed, so we hold <strong>no</strong> club information.</li>" in changes
    assert "We no longer use your information for clubs" not in changes


def test_diff_needs_git(tmp_path, run):
    shutil.copytree(CASES / "base", tmp_path / "plain")
    result = run("diff", cwd=tmp_path / "plain")
    assert result.exit_code == 2
    assert result.output.startswith("noticegen: error: diff compares versions of the data map kept in git")


def test_unknown_revision(repo, run):
    result = run("diff", "v9", cwd=repo)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.startswith("noticegen: error: 'v9' is not a version in this repository")


def _commit_all(folder):
    import subprocess

    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "first"]):
        subprocess.run(["git", "-c", "user.email=dpo@test.example", "-c", "user.name=DPO", *args],
                       cwd=folder, check=True, capture_output=True)


def test_diff_speaks_plainly_outside_git_without_commits_and_for_unknown_versions(tmp_path, run):
    import subprocess

    from conftest import CASES, build_case

    project = build_case(CASES / "good" / "warning-only", tmp_path / "school")
    outside = run("diff", cwd=project)
    assert outside.exit_code == 2
    assert "this project is not in a git repository: put it in one" in outside.output
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    empty = run("diff", cwd=project)
    assert empty.exit_code == 2 and "has no commits yet" in empty.output
    _commit_all(project)
    unknown = run("diff", "v9", cwd=project)
    assert unknown.exit_code == 2
    assert "'v9' is not a version in this repository (a tag, branch or commit)" in unknown.output


def test_diff_takes_its_project_like_the_other_commands(tmp_path, run):
    from conftest import CASES, build_case

    project = build_case(CASES / "good" / "warning-only", tmp_path / "school")
    _commit_all(project)
    result = run("diff", project, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "Changes from HEAD to the work tree" in result.output


def test_check_warns_when_a_changed_notice_keeps_its_version(repo, run):
    edit(repo)
    result = run("check", cwd=repo)
    assert result.exit_code == 0
    assert ("notices/pupils.md:4:10: warning[notice-not-versioned]: notice 'pupils' has changed "
            "since v1 (") in result.output
    notice = repo / "notices" / "pupils.md"
    notice.write_text(notice.read_text().replace('version: "1"', 'version: "2"'))
    assert "notice 'pupils' has changed" not in run("check", cwd=repo).output


def test_a_changes_section_against_a_revision_that_does_not_load_stops_the_build(tmp_path, run):
    """The 'changes' section compares with the last tag: a tag whose files do not load
    would show their entries as removed, so the build says why it cannot make the section."""
    project = Path(shutil.copytree(CASES / "base", tmp_path / "school"))
    (project / "datamap" / "subjects.yaml").write_text("broken: [\n")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "broken"], ["tag", "v1"]):
        subprocess.run(["git", "-C", str(project), "-c", "user.name=t", "-c", "user.email=t@t", *args],
                       check=True, capture_output=True)
    shutil.copy2(CASES / "base" / "datamap" / "subjects.yaml", project / "datamap" / "subjects.yaml")
    notice = project / "notices" / "pupils.md"
    notice.write_text(notice.read_text().replace("  - rights\n", "  - rights\n  - changes\n", 1))
    result = run("build", "--no-pdf", cwd=project)
    assert result.exit_code == 2
    assert result.output.startswith("noticegen: error: the data map at v1 has files that do not load "
                                    "(datamap/subjects.yaml:2:1: error[yaml-syntax]")
    assert not (project / "build" / "notices").exists()
