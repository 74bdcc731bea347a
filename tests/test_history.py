"""The record of published versions (history/): three versions of a notice published in
git, each kept byte for byte and served at its permanent address, also after a template
change; the history pages (axe), the feed (feedparser), tagged PDFs; check refusing a
forged record; a build refusing a changed text under a kept version; the terminal
history; rebuilding from git once; shallow clones."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CASES, REPOSITORY
from noticegen.cli import main

GIT = ["git", "-c", "user.email=dpo@school.example", "-c", "user.name=DPO", "-c", "commit.gpgsign=false"]
DATES = {"1.0": "2026-11-28", "2.0": "2026-12-02", "3.0": "2026-12-10"}


def git(project: Path, *args: str) -> str:
    return subprocess.run([*GIT, "-C", str(project), *args], check=True, capture_output=True,
                          text=True).stdout


def invoke(*args) -> object:
    from click.testing import CliRunner

    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code != 70 and "internal error" not in result.output, result.output
    return result


def _set_version(project: Path, version: str, note: str | None) -> None:
    path = project / "notices" / "pupils.md"
    lines = path.read_text().splitlines()
    out = []
    for line in lines:
        if line.startswith(("version:", "published:", "change_notes:", "  - We now")):
            continue
        out.append(line)
        if line.startswith("activities:"):
            out += [f'version: "{version}"', f"published: {DATES[version]}"]
            if note:
                out += ["change_notes:", f"  - {note}"]
    path.write_text("\n".join(out) + "\n")


def _add_purpose(project: Path, purpose: str) -> None:
    path = project / "datamap" / "activities" / "admissions.yaml"
    path.write_text(path.read_text().replace("  - to admit pupils\n", f"  - to admit pupils\n  - {purpose}\n"))


def _published(project: Path, version: str) -> dict[str, bytes]:
    notices = project / "build" / "notices"
    return {part: (notices / f"pupils.v{version}{suffix}").read_bytes()
            for part, suffix in (("page", ".html"), ("fragment", ".fragment.html"), ("pdf", ".pdf"))}


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    """A project whose pupils' notice was published as 1.0, 2.0 and 3.0, each committed in
    git, with what each publish put in build/ at its permanent address saved."""
    project = tmp_path_factory.mktemp("history") / "school"
    shutil.copytree(CASES / "base", project)
    git(project, "init", "-q")
    saved = {}
    steps = [("1.0", None, None), ("2.0", "to plan school trips", "We now use your information to plan school trips."),
             ("3.0", "to keep in touch with families", "We now keep in touch with families.")]
    for version, purpose, note in steps:
        if purpose:
            _add_purpose(project, purpose)
        _set_version(project, version, note)
        git(project, "add", "-A")
        git(project, "commit", "-qm", f"notice {version}")
        result = invoke("publish", project, "--today", DATES[version])
        assert result.exit_code == 0, result.output
        assert f"kept in {project}/history/: pupils {version}" in result.output or \
            f"history/: pupils {version}" in result.output
        saved[version] = _published(project, version)
        saved[version]["current"] = (project / "build" / "notices" / "pupils.html").read_bytes()
        git(project, "add", "-A")
        git(project, "commit", "-qm", f"publish {version}")
    return project, saved


def test_each_version_is_kept_byte_for_byte_and_served_at_its_address(three):
    project, saved = three
    for version, files in saved.items():
        kept = project / "history" / "notices" / "pupils" / version
        assert (kept / "page.html").read_bytes() == files["page"]
        assert (kept / "fragment.html").read_bytes() == files["fragment"]
        assert (kept / "notice.pdf").read_bytes() == files["pdf"]
        assert _published(project, version) == {k: v for k, v in files.items() if k != "current"}
    # the current page, when it was published, was the kept page itself
    assert saved["3.0"]["current"] == saved["3.0"]["page"]
    assert saved["1.0"]["page"] != saved["2.0"]["page"] != saved["3.0"]["page"]


def test_kept_versions_do_not_change_when_the_templates_do(three, tmp_path):
    project, saved = three
    copy = tmp_path / "school"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("build"))
    (copy / "templates").mkdir()
    css = (REPOSITORY / "templates" / "notice.css").read_text()
    (copy / "templates" / "notice.css").write_text(css + "\nh1 { color: #0b0c0c; }\n")
    result = invoke("build", copy)
    assert result.exit_code == 0, result.output
    current = (copy / "build" / "notices" / "pupils.html").read_bytes()
    assert b"h1 { color: #0b0c0c; }" in current and current != saved["3.0"]["page"]
    for version, files in saved.items():
        assert _published(copy, version) == {k: v for k, v in files.items() if k != "current"}, version


def test_the_current_page_links_its_earlier_versions_with_their_dates_and_notes(three):
    project, _ = three
    page = (project / "build" / "notices" / "pupils.html").read_text()
    assert "This is version 3.0, in force from 10 December 2026." in page
    assert '<a href="pupils.v1.0.html">Version 1.0</a> (<a href="pupils.v1.0.pdf">PDF' in page
    assert "in force from 28 November 2026 to 2 December 2026" in page
    assert "in force from 2 December 2026 to 10 December 2026. We now use your information to plan school trips." in page
    assert 'href="pupils.history.html"' in page


def test_history_pages_say_what_changed_and_when(three):
    project, _ = three
    site = (project / "build" / "history.html").read_text()
    notice = (project / "build" / "notices" / "pupils.history.html").read_text()
    for text in (site, notice):
        assert "In force from 28 November 2026 to 2 December 2026." in text
        assert "In force from 10 December 2026." in text
        assert "We now keep in touch with families." in text
        assert "First published." in text
        assert text.index("Version 3.0") < text.index("Version 2.0") < text.index("Version 1.0")
    assert 'href="notices/pupils.v2.0.pdf"' in site and 'href="pupils.v2.0.pdf"' in notice
    index = (project / "build" / "index.html").read_text()
    assert 'href="history.html"' in index and 'href="feed.atom"' in index


def test_the_feed_parses_and_lists_every_version(three):
    import feedparser

    project, _ = three
    parsed = feedparser.parse((project / "build" / "feed.atom").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Changes to the privacy notices of Test Primary School"
    titles = [e.title for e in parsed.entries]
    assert titles == [f"How we use pupil information: version {v}" for v in ("3.0", "2.0", "1.0")]
    assert parsed.entries[1].summary == "We now use your information to plan school trips."
    assert parsed.entries[0].link.endswith("notices/pupils.v3.0.html")
    assert parsed.entries[2].published_parsed[:3] == (2026, 11, 28)
    assert len({e.id for e in parsed.entries}) == 3


def test_the_feed_is_the_same_bytes_each_build(three, tmp_path):
    project, _ = three
    copy = tmp_path / "school"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("build"))
    assert invoke("build", "--no-pdf", copy).exit_code == 0
    assert (copy / "build" / "feed.atom").read_bytes() == (project / "build" / "feed.atom").read_bytes()


def test_history_pages_pass_axe(three, axe):
    project, _ = three
    for page in ("history.html", "notices/pupils.history.html", "notices/pupils.html", "notices/pupils.v1.0.html"):
        assert axe(project / "build" / page) == [], page


def test_kept_pdfs_are_tagged(three):
    import pikepdf

    project, _ = three
    for version in DATES:
        with pikepdf.open(project / "build" / "notices" / f"pupils.v{version}.pdf") as pdf:
            assert bool(pdf.Root.MarkInfo.Marked)
            assert "/StructTreeRoot" in pdf.Root
            assert str(pdf.Root.Lang) == "en-GB"


def test_the_history_command(three):
    project, _ = three
    result = invoke("history", "-C", project)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "How we use pupil information (pupils): 3 versions"
    assert "  version 2.0: in force from 2 December 2026 to 10 December 2026" in lines
    assert "  version 3.0: in force from 10 December 2026 (the current version)" in lines
    assert invoke("history", "pupils", "-C", project).output == result.output
    wrong = invoke("history", "pupil", "-C", project)
    assert wrong.exit_code == 2 and "did you mean 'pupils'" in wrong.output
    records = invoke("history", "--records", "-C", project)
    assert records.exit_code == 0 and "kept cop" in records.output


def test_history_without_a_record_or_a_project_is_refused(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(CASES / "base", project)
    result = invoke("history", "-C", project)
    assert result.exit_code == 2 and "'noticegen publish' starts it" in result.output
    result = invoke("history", "-C", tmp_path / "nowhere")
    assert result.exit_code == 2 and "no such folder" in result.output
    (tmp_path / "empty").mkdir()
    result = invoke("history", "-C", tmp_path / "empty")
    assert result.exit_code == 2 and "is not a noticegen project" in result.output


def test_history_of_an_altered_record_names_the_place(copy):
    (copy / "history" / "ledger.jsonl").write_text("not json\n")
    result = invoke("history", "-C", copy)
    assert result.exit_code == 2
    assert "history/ledger.jsonl:1:1: this line of the published record is not valid" in result.output


def test_the_ropa_is_kept_only_when_it_changes(three):
    project, _ = three
    lines = (project / "history" / "ledger.jsonl").read_text().splitlines()
    records = [line for line in lines if '"kind":"record"' in line]
    assert len(records) == 3  # a purpose was added for 2.0 and for 3.0
    result = invoke("publish", project, "--today", "2026-12-11")
    assert result.exit_code == 0 and "nothing new to keep" in result.output
    assert (project / "history" / "ledger.jsonl").read_text().splitlines() == lines


# A forged or altered record ------------------------------------------------------------

@pytest.fixture
def copy(three, tmp_path):
    project, _ = three
    target = tmp_path / "school"
    shutil.copytree(project, target, ignore=shutil.ignore_patterns("build"))
    return target


def test_check_refuses_an_altered_kept_page(copy):
    page = copy / "history" / "notices" / "pupils" / "2.0" / "page.html"
    page.write_text(page.read_text().replace("plan school trips", "plan school visits"))
    result = invoke("check", copy)
    assert result.exit_code == 1
    assert ("history/notices/pupils/2.0/page.html:1:1: error[history-altered]: this is not the page of "
            "'pupils' version 2.0 as it was kept on 2 December 2026") in result.output


def test_check_refuses_a_forged_ledger_line_and_a_planted_file(copy):
    ledger = copy / "history" / "ledger.jsonl"
    lines = ledger.read_text().splitlines()
    lines[0] = lines[0].replace('"published":"2026-11-28"', '"published":"2026-11-01"')
    ledger.write_text("\n".join(lines) + "\n")
    result = invoke("check", copy)
    assert result.exit_code == 1
    assert "history/ledger.jsonl:2:1: error[history-altered]: this line of the published record is not valid" \
        in result.output  # line 1 was changed, so line 2 no longer follows it
    subprocess.run(["git", "-C", str(copy), "checkout", "--", "history/ledger.jsonl"], check=True)
    (copy / "history" / "notices" / "pupils" / "9.0").mkdir()
    (copy / "history" / "notices" / "pupils" / "9.0" / "page.html").write_text("<p>forged</p>")
    result = invoke("check", copy)
    assert result.exit_code == 1
    assert "history/notices/pupils/9.0/page.html:1:1: error[history-altered]: this file is in history/ but not in its ledger" \
        in result.output


def test_check_refuses_a_record_cut_short(copy):
    ledger = copy / "history" / "ledger.jsonl"
    lines = ledger.read_text().splitlines()
    ledger.write_text("\n".join(lines[:-2]) + "\n")  # the chain is whole, but shorter than git's
    shutil.rmtree(copy / "history" / "notices" / "pupils" / "3.0")
    shutil.rmtree(copy / "history" / "records" / str(len(lines)))
    result = invoke("check", copy)
    assert result.exit_code == 1
    assert f"error[history-altered]: line {len(lines) - 1} of the published record differs from" in result.output


def test_check_refuses_json_that_is_not_a_ledger_line(copy):
    (copy / "history" / "ledger.jsonl").write_text('{"kind": "notice", "notice": "../../etc"}\n')
    result = invoke("check", copy)
    assert result.exit_code == 1
    assert "history/ledger.jsonl:1:1: error[history-altered]" in result.output


def test_a_build_refuses_a_changed_text_under_a_kept_version(copy):
    _add_purpose(copy, "to run the school library")
    result = invoke("build", "--no-pdf", copy)
    assert result.exit_code == 1
    assert (f"{copy}/notices/pupils.md:4:10: error[notice-changed-without-version]: notice 'pupils' now says "
            "something different from version 3.0, published on 10 December 2026") in result.output
    assert "run the school library" in result.output


def test_publish_refuses_a_version_it_cannot_keep(copy):
    path = copy / "notices" / "pupils.md"
    _add_purpose(copy, "to run the school library")
    path.write_text(path.read_text().replace('version: "3.0"', 'version: "v4/../x"'))
    result = invoke("publish", copy)
    assert result.exit_code == 1
    assert "error[publish-refused]: version 'v4/../x' cannot be kept" in result.output
    path.write_text(path.read_text().replace('version: "v4/../x"', 'version: "4.0"').replace(
        "published: 2026-12-10", "published: 2026-12-01"))
    result = invoke("publish", copy)
    assert result.exit_code == 1
    assert "error[publish-refused]: version 4.0 of 'pupils' is dated before version 3.0" in result.output
    assert not (copy / "history" / "notices" / "pupils" / "4.0").exists()


# Rebuilding the versions published before the record --------------------------------------

def test_versions_from_before_the_record_are_rebuilt_once_from_git(three, tmp_path):
    project, saved = three
    clone = tmp_path / "clone"
    git(project, "clone", "-q", str(project), str(clone))
    subprocess.run(["git", "-C", str(project), "log"], check=True, capture_output=True)
    # as if the record had never been kept
    git(clone, "rm", "-rq", "history")
    git(clone, "commit", "-qm", "no record")
    result = invoke("publish", clone, "--from-git", "--today", "2026-12-11")
    assert result.exit_code == 0, result.output
    assert "rebuilt from git and kept: pupils 1.0" in result.output
    assert "rebuilt from git and kept: pupils 2.0" in result.output
    assert "history/: pupils 3.0" in result.output
    ledger = (clone / "history" / "ledger.jsonl").read_text().splitlines()
    assert '"rebuilt":"' in ledger[0] and '"version":"1.0"' in ledger[0]
    assert '"rebuilt"' not in [line for line in ledger if '"version":"3.0"' in line][0]
    history = (clone / "build" / "notices" / "pupils.history.html").read_text()
    assert history.count("made again later from the project's history in git") == 2
    # the words are those of each version
    assert b"plan school trips" not in (clone / "build" / "notices" / "pupils.v1.0.fragment.html").read_bytes()
    assert b"plan school trips" in (clone / "build" / "notices" / "pupils.v2.0.fragment.html").read_bytes()
    git(clone, "add", "-A")
    git(clone, "commit", "-qm", "record")
    again = invoke("publish", clone, "--from-git", "--today", "2026-12-12")
    assert again.exit_code == 0 and "rebuilt" not in again.output.replace("rebuilt from", "")
    assert (clone / "history" / "ledger.jsonl").read_text().splitlines() == ledger


def test_a_shallow_clone_is_told_how_to_fetch_its_history(three, tmp_path):
    project, _ = three
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", project.as_uri(), str(shallow)], check=True,
                   capture_output=True)
    result = invoke("publish", shallow, "--from-git")
    assert result.exit_code == 2
    assert "shallow clone" in result.output and "git fetch --unshallow --tags" in result.output
    assert "fetch-depth: 0" in result.output


def test_rebuilding_from_a_forged_commit_writes_nothing_outside_the_project(tmp_path):
    """A commit in the notice's history whose tree names '..' stops the rebuild with a
    sentence; no file is written outside the project, and nothing is kept."""
    project = tmp_path / "deep" / "er" / "school"
    shutil.copytree(CASES / "base", project)
    _set_version(project, "1.0", None)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "clean")

    def run_git(*args, stdin=None):
        return subprocess.run([*GIT, "-C", str(project), *args], input=stdin, check=True,
                              capture_output=True, text=True).stdout.strip()

    pwned = run_git("hash-object", "-w", "--stdin", stdin="pwned: true\n")
    tree = run_git("mktree", stdin=f"100644 blob {pwned}\tpwned.yaml\n")
    for _ in range(6):
        tree = run_git("mktree", stdin=f"040000 tree {tree}\t..\n")
    datamap = run_git("mktree", stdin=run_git("cat-file", "-p", "HEAD:datamap") + f"\n040000 tree {tree}\t..\n")
    old_notice = (project / "notices" / "pupils.md").read_text().replace('version: "1.0"', 'version: "0.9"')
    blob = run_git("hash-object", "-w", "--stdin", stdin=old_notice)
    notices = run_git("mktree", stdin=run_git("cat-file", "-p", "HEAD:notices").replace(
        run_git("rev-parse", "HEAD:notices/pupils.md"), blob))
    root = run_git("mktree", stdin=f"040000 tree {datamap}\tdatamap\n040000 tree {notices}\tnotices\n")
    forged = run_git("commit-tree", root, "-p", "HEAD", "-m", "forged")
    run_git("reset", "-q", "--soft", forged)
    run_git("add", "-A")
    run_git("commit", "-qm", "back to 1.0")  # the work tree, unchanged, is the next commit
    result = invoke("publish", project, "--from-git")
    assert result.exit_code == 2
    assert "holds a file named 'datamap/../../../../../../../pwned.yaml'" in result.output
    assert list(tmp_path.rglob("pwned.yaml")) == []
    assert not (project / "history").exists()  # nothing kept, and no record started


# Welsh, a trust, a missing project ------------------------------------------------------

def test_a_bilingual_project_has_its_history_in_welsh_too(tmp_path, axe):
    project = tmp_path / "welsh"
    shutil.copytree(REPOSITORY / "tests" / "welsh", project)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "1.0")
    result = invoke("publish", project, "--today", "2026-11-28")
    assert result.exit_code == 0, result.output
    assert "history/: pupils.cy 1.0" in result.output and "history/: pupils 1.0" in result.output
    build = project / "build"
    welsh = (build / "history.cy.html").read_text()
    assert '<html lang="cy">' in welsh
    assert "Ein hysbysiadau preifatrwydd: pob fersiwn, a’r hyn a newidiodd" in welsh
    assert "Mewn grym o 28 Tachwedd 2026." in welsh and "Cyhoeddwyd gyntaf." in welsh
    assert "Sut rydym yn defnyddio gwybodaeth am ddisgyblion" in welsh
    assert "How we use" not in welsh  # the Welsh page lists the Welsh notice
    page = (build / "notices" / "pupils.cy.html").read_text()
    assert "Dyma fersiwn 1.0, mewn grym o 28 Tachwedd 2026." in page
    assert 'href="pupils.cy.history.html"' in page
    assert "Pob fersiwn o Sut rydym" in (build / "notices" / "pupils.cy.history.html").read_text()
    for name in ("history.cy.html", "notices/pupils.cy.history.html"):
        assert axe(build / name) == [], name


def test_publish_on_a_trust_or_a_missing_folder_says_why(tmp_path):
    trust = tmp_path / "trust"
    shutil.copytree(REPOSITORY / "tests" / "trust", trust)
    result = invoke("publish", trust)
    assert result.exit_code == 2 and "a trust's schools do not keep one yet" in result.output
    assert not (trust / "history").exists()
    result = invoke("publish", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("case", ["yaml-syntax", "history-altered"])
def test_publish_of_a_broken_project_keeps_nothing(case, tmp_path):
    from conftest import build_case

    project = build_case(CASES / "bad" / case, tmp_path / "p")
    before = sorted(p.relative_to(project) for p in project.rglob("*") if "build" not in p.parts)
    for args in (["publish", project], ["publish", project, "--from-git"]):
        result = invoke(*args)
        assert result.exit_code == 1, result.output
        assert "error[" in result.output and "publish stopped" in result.output
        assert sorted(p.relative_to(project) for p in project.rglob("*") if "build" not in p.parts) == before


def test_the_governors_report_is_written_in_welsh_too(tmp_path):
    project = tmp_path / "welsh"
    shutil.copytree(REPOSITORY / "tests" / "welsh", project)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "1.0")
    git(project, "tag", "v1.0")
    activity = project / "datamap" / "activities" / "pupil-records.yaml"
    activity.write_text(activity.read_text().replace("  - recipient: local-authority\n", ""))
    result = invoke("diff", "-C", project, "--format", "html")
    assert result.exit_code == 0, result.output
    reports = project / "build" / "reports"
    assert sorted(p.name for p in reports.iterdir()) == ["changes-v1.0-to-work-tree.cy.html",
                                                         "changes-v1.0-to-work-tree.html"]
    english = (reports / "changes-v1.0-to-work-tree.html").read_text()
    welsh = (reports / "changes-v1.0-to-work-tree.cy.html").read_text()
    assert "<strong>Changed: " in english and "We no longer share it with the local authority." in english
    assert '<html lang="cy">' in welsh
    assert "<h1>Newidiadau i’n hysbysiadau preifatrwydd: o v1.0 hyd at y goeden waith</h1>" in welsh
    assert "<strong>Wedi newid: " in welsh and "yn “Sut rydym yn defnyddio gwybodaeth am ddisgyblion”" in welsh
    assert "Changed:" not in welsh and "We no longer" not in welsh


def test_a_refused_publish_does_not_start_the_record(tmp_path):
    """Refused (a version with no published date): exit 1 at its place, and history/ is not
    made, so 'history' still says no record is kept (before, an empty ledger was left)."""
    project = tmp_path / "p"
    shutil.copytree(CASES / "base", project)
    result = invoke("publish", project, "--today", "2026-12-03", "-j", "1")
    assert result.exit_code == 1, result.output
    assert "notices/pupils.md:4:10: error[publish-refused]: notice 'pupils' version 1 has no published date" \
        in result.output
    assert not (project / "history").exists()
    result = invoke("history", "-C", project)
    assert result.exit_code == 2 and "'noticegen publish' starts it" in result.output


def test_publish_from_git_outside_git_is_refused_before_starting_the_record(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(CASES / "base", project)
    result = invoke("publish", project, "--from-git", "--today", "2026-12-03", "-j", "1")
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        "noticegen: error: rebuilding earlier versions reads the project's git history, and this "
        "project is not in a git repository with commits")
    assert not (project / "history").exists()
