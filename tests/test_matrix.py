"""Every bad project under tests/cases/bad/ through every command and flag that reads a
project: each gives located problems and exit 1, never a crash (exit 70, "internal
error") and never a refusal to run (exit 2), except the refusals that are the command's
answer, each asserted with its sentence (publish on a trust; history with no record or an
altered one; new where a file cannot be edited safely). New commands and flags join
COMMANDS or a step of their own below: diff (text, markdown, html, pdf) against a clean
commit, serve's problem panel, publish, history on a project published and then broken by
the case, new notice and new activity; and forged ledgers through history, check, build
and publish."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CASES, build_case

TODAY = "2026-12-03"

BAD = sorted(p for p in (CASES / "bad").iterdir() if p.is_dir())
LOCATED = re.compile(r"^[^\s:][^:]*:\d+:\d+: (error|warning)\[[a-z0-9-]+\]: \S", re.M)
"""One problem, as check prints it: ``path:line:col: error[rule-id]: message``."""

COMMANDS = [
    ("explain", "admissions"),
    ("check",),
    ("check", "--strict"),
    ("check", "--format", "github"),
    ("check", "--format", "json", "--strict"),
    ("check", "--strict", "--for", "notices"),
    ("check", "--strict", "--for", "record"),
    ("build", "--no-pdf"),
    ("build", "--draft", "--no-pdf"),
    ("build", "--public", "--no-pdf"),
    ("export",),
]


def _case_args(case: Path) -> list[str]:
    return (case / "args.txt").read_text().split() if (case / "args.txt").exists() else []


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@t",
                    "-c", "commit.gpgsign=false", *args], check=True, capture_output=True)


def _output(result) -> str:
    return result.output + (result.stderr if result.stderr_bytes is not None else "")


def _files(folder: Path, under: str = "") -> dict[str, bytes]:
    """Every file in ``folder`` (or its ``under``) but build/, by path: what a command wrote."""
    found = {}
    for path in sorted((folder / under).rglob("*") if (folder / under).is_dir() else []):
        relative = path.relative_to(folder)
        if relative.parts[0] != "build" and not path.is_dir():
            found[str(relative)] = path.read_bytes() if not path.is_symlink() else b"link"
    return found


def _located(output: str, command: tuple[str, ...]) -> bool:
    """Whether the output places at least one problem at its file, line and column."""
    if "--format" in command and "github" in command:
        return bool(re.search(r"^::(error|warning) file=[^,]+,line=\d+,col=\d+", output, re.M))
    if "json" in command:
        return '"rule":' in output and '"line":' in output
    return bool(LOCATED.search(output))


@pytest.mark.parametrize("case", BAD, ids=lambda p: p.name)
def test_a_bad_project_gives_located_problems_through_every_command(case: Path, tmp_path, run, published):
    project = build_case(case, tmp_path / "project")
    extra = _case_args(case)
    first = run("check", *extra, cwd=project)
    errors = re.findall(r"error\[([a-z0-9-]+)\]", first.output)
    strict_case = "--strict" in extra
    plain_errors = re.findall(r"error\[", run("check", cwd=project).output)  # as explain sees it
    from noticegen.commands.check import RECORD_RULES

    strict_rules = re.findall(r"(?:error|warning)\[([a-z0-9-]+)\]",
                              run("check", "--strict", *[a for a in extra if a != "--strict"], cwd=project).output)
    for command in COMMANDS:
        given = [a for a in extra if a != "--strict"] if command[0] == "export" else extra
        if command[0] == "explain":  # it takes neither --strict nor --today
            given = []
            if (project / "schools").is_dir():  # a trust: name a school
                given = ["--school", sorted(p.name for p in (project / "schools").iterdir())[0]]
        result = run(*command, *given, cwd=project)
        output = result.output + (result.stderr if result.stderr_bytes is not None else "")
        shown = f"{' '.join(command)}: exit {result.exit_code}\n{output}"
        assert "internal error" not in output and "Traceback" not in output, shown
        if command[0] == "explain":
            fails = bool(plain_errors)
        elif "--draft" in command:
            # a draft shows placeholders and illustrative values marked
            fails = any(rule not in ("placeholder", "illustrative-value") for rule in errors) or strict_case
        elif "--for" in command:  # what the notices need, or the record, apart
            for_record = command[command.index("--for") + 1] == "record"
            fails = bool(errors) or any((rule in RECORD_RULES) == for_record for rule in strict_rules)
        else:
            fails = bool(errors) or "--strict" in command or (strict_case and "--strict" in given)
        if not fails:
            assert result.exit_code == 0, shown
            continue
        assert result.exit_code == 1, shown
        assert _located(output, command), shown

    # diff: the case, uncommitted, against a clean commit of the base project
    if not (project / "schools").is_dir():  # (a trust's diff needs --school: test_trust.py)
        _diff_against_clean_commit(case, project, tmp_path, run)

    # serve's problem panel: every error the check finds, at its place
    from noticegen.commands.serve import Preview, problems_panel

    preview = Preview(project)
    preview.refresh()
    panel = problems_panel(preview)
    assert preview.generation == 1
    if errors:
        assert "error" in {p.severity.value for p in preview.problems}
        assert all(p.location.path for p in preview.problems)
        assert "<code>" in panel and "role=" in panel

    # history and publish on a project published, then broken by the case's files
    _history_after_publishing(case, published, tmp_path, run)

    # publish, then new notice and new activity (they write: last)
    today = [a for a in extra if a != "--strict"] or ["--today", TODAY]
    publish_errors = re.findall(r"error\[", run("check", *today, cwd=project).output)
    _publish(project, today, bool(publish_errors), run)
    _new(project, run)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The base project with its notice published once (version 1, with its record)."""
    from click.testing import CliRunner

    from noticegen.cli import main

    project = Path(shutil.copytree(CASES / "base", tmp_path_factory.mktemp("published") / "school"))
    notice = project / "notices" / "pupils.md"
    notice.write_text(notice.read_text().replace('version: "1"\n', 'version: "1"\npublished: 2026-12-01\n'))
    result = CliRunner().invoke(main, ["publish", str(project), "--today", TODAY, "-j", "1"])
    assert result.exit_code == 0 and "kept in" in result.output, result.output
    return project


HISTORY = ["How we use pupil information (pupils): 1 version",
           "  version 1: in force from 1 December 2026 (the current version)"]


def _history_after_publishing(case: Path, published: Path, tmp_path: Path, run) -> None:
    """history and history --records answer from history/ whatever the data map has become
    (exit 0), or, when the case's own files altered the record, refuse with the place in a
    sentence (exit 2); publish stops at the errors check finds (exit 1, the record unchanged)
    or keeps what is new (exit 0, the ledger only added to)."""
    project = build_case(case, tmp_path / "published", base=published)
    altered = any(p.relative_to(case).parts[0] == "history" for p in case.rglob("*"))
    for command in (("history",), ("history", "--records")):
        result = run(*command, cwd=project)
        output = _output(result)
        shown = f"{' '.join(command)} (published, then the case): exit {result.exit_code}\n{output}"
        assert "internal error" not in output and "Traceback" not in output, shown
        if altered:
            assert result.exit_code == 2, shown
            assert re.fullmatch(r"noticegen: error: history/\S+:\d+:\d+: .+", output.strip().splitlines()[-1]), shown
        elif command == ("history",):
            assert result.exit_code == 0 and result.output.splitlines()[:2] == HISTORY, shown
        else:
            assert result.exit_code == 0 and result.output.startswith("The record of processing: 1 kept copy"), shown
    today = [a for a in _case_args(case) if a != "--strict"] or ["--today", TODAY]
    errors = re.findall(r"error\[", run("check", *today, cwd=project).output)
    before = _files(project, "history")
    result = run("publish", *today, "-j", "1", cwd=project)
    output = _output(result)
    shown = f"publish (published, then the case): exit {result.exit_code}\n{output}"
    assert "internal error" not in output and "Traceback" not in output, shown
    if (project / "schools").is_dir():
        assert result.exit_code == 2 and "a trust's schools do not keep one yet" in output, shown
        assert _files(project, "history") == before, shown
    elif errors or result.exit_code == 1:
        # without errors from check, only the build's and publish's own: a notice's text
        # changed under its kept version (check does not render it), or a notice the case
        # added that has no published date
        assert errors or set(re.findall(r"error\[([a-z0-9-]+)\]", output)) <= {"notice-changed-without-version",
                                                                               "publish-refused"}, shown
        assert result.exit_code == 1 and LOCATED.search(output), shown
        assert _files(project, "history") == before, shown
    else:
        assert result.exit_code == 0, shown
        after = _files(project, "history")
        assert after["history/ledger.jsonl"].startswith(before["history/ledger.jsonl"]), shown
        assert all(after[path] == content for path, content in before.items()
                   if path != "history/ledger.jsonl"), shown  # what was kept stays as it was


def _publish(project: Path, today: list[str], errors: bool, run) -> None:
    """publish -j 1 (and --from-git): a trust is refused with its sentence; a project with
    errors stops at them, located, exit 1, having written nothing (no history/); one without
    errors is refused at the notice that has no published date (the base project's has
    none), and once the date is given, publishes (exit 0): history/ is started and holds
    its versions."""
    before = _files(project)
    if not (project / "schools").is_dir():
        # --from-git: stops at the errors alike; without them, refused outside git (the
        # case is not in git) with its sentence, before anything is written
        result = run("publish", *today, "-j", "1", "--from-git", cwd=project)
        shown = f"publish --from-git: exit {result.exit_code}\n{_output(result)}"
        if errors:
            assert result.exit_code == 1 and LOCATED.search(result.output), shown
        else:
            assert result.exit_code == 2 and _output(result).strip().splitlines()[-1] == (
                "noticegen: error: rebuilding earlier versions reads the project's git history, and "
                "this project is not in a git repository with commits"), shown
        assert _files(project) == before, shown
    result = run("publish", *today, "-j", "1", cwd=project)
    output = _output(result)
    shown = f"publish: exit {result.exit_code}\n{output}"
    assert "internal error" not in output and "Traceback" not in output, shown
    if (project / "schools").is_dir():
        assert result.exit_code == 2, shown
        assert output.strip().splitlines()[-1] == (
            "noticegen: error: publish keeps the history of a single school's project; a trust's "
            "schools do not keep one yet (see docs/history.md)"), shown
        assert _files(project) == before, shown
        return
    assert result.exit_code == 1 and LOCATED.search(output), shown
    assert "noticegen: publish stopped: fix the errors above first; nothing new was kept" in output, shown
    assert _files(project) == before, shown  # nothing kept, and no history/ started
    assert (project / "history").exists() == any(path.startswith("history/") for path in before), shown
    if errors:
        return
    assert re.search(r"^notices/[^:]+\.md:\d+:\d+: error\[publish-refused\]: .* has no published date", output,
                     re.M), shown
    for notice in sorted((project / "notices").glob("*.md")):
        text = notice.read_text(encoding="utf-8")
        if "\npublished:" not in text.split("\n---", 1)[0]:
            notice.write_text(re.sub(r"^(version: .*)$", r"\1\npublished: 2026-01-05", text, count=1, flags=re.M),
                              encoding="utf-8")
    result = run("publish", *today, "-j", "1", cwd=project)
    shown = f"publish (with a published date): exit {result.exit_code}\n{_output(result)}"
    assert result.exit_code == 0 and "kept in history/: " in result.output, shown
    assert (project / "history" / "ledger.jsonl").stat().st_size > 0, shown
    listed = run("history", cwd=project)
    assert listed.exit_code == 0 and "(the current version)" in listed.output, listed.output


def _new(project: Path, run) -> None:
    """new notice and new activity write their file (exit 0), or refuse with a sentence
    (exit 2: the notice to add the activity to cannot be edited safely) having changed
    nothing; never a crash, and check reads what they wrote."""
    for command, made in ((("new", "notice", "Matrix visitors", "--activity", "admissions"),
                           "notices/matrix-visitors.md"),
                          (("new", "activity", "Matrix trips", "--notice", "pupils"),
                           "datamap/activities/matrix-trips.yaml")):
        before = _files(project)
        result = run(*command, cwd=project)
        output = _output(result)
        shown = f"{' '.join(command)}: exit {result.exit_code}\n{output}"
        assert "internal error" not in output and "Traceback" not in output, shown
        if result.exit_code == 0:
            assert made not in before and (project / made).is_file(), shown
            after = _files(project)
            changed = {path for path in set(before) | set(after) if before.get(path) != after.get(path)}
            assert changed <= {made, "notices/pupils.md"}, shown
        else:
            assert result.exit_code == 2, shown
            assert output.strip().splitlines()[-1].startswith("noticegen: error: "), shown
            assert _files(project) == before, shown
    result = run("check", cwd=project)
    assert result.exit_code == 1 and LOCATED.search(result.output), result.output  # TODO(...) to fill in


def _diff_against_clean_commit(case: Path, project: Path, tmp_path: Path, run) -> None:
    """What loads is compared; a data map with files that do not load is refused with
    their problems (its entries would otherwise seem removed), exit 1."""
    from noticegen.load.reader import load_project

    repo = Path(shutil.copytree(CASES / "base", tmp_path / "repo"))
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "clean")
    for entry in repo.iterdir():
        if entry.name != ".git":
            shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    for entry in project.iterdir():
        if entry.name != "build":
            target = repo / entry.name
            shutil.copytree(entry, target, symlinks=True) if entry.is_dir() and not entry.is_symlink() \
                else shutil.copy2(entry, target, follow_symlinks=False)
    result = run("diff", cwd=repo)
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    shown = f"diff: exit {result.exit_code}\n{output}"
    assert "internal error" not in output and "Traceback" not in output, shown
    unloadable = any(p.severity.value == "error" for p in load_project(repo).problems)
    if unloadable:
        assert result.exit_code == 1 and LOCATED.search(output), shown
        assert "removed" not in result.stdout, shown
    else:
        assert result.exit_code == 0 and result.output.startswith("Changes from HEAD to the work tree"), shown
    # the same through each format: refused alike (no report written), or the report
    for output_format in ("markdown", "html") + (("pdf",) if unloadable else ()):
        result = run("diff", "--format", output_format, cwd=repo)
        output = _output(result)
        shown = f"diff --format {output_format}: exit {result.exit_code}\n{output}"
        assert "internal error" not in output and "Traceback" not in output, shown
        reports = sorted(p.name for p in (repo / "build" / "reports").glob("*")) \
            if (repo / "build" / "reports").is_dir() else []
        if unloadable:
            assert result.exit_code == 1 and LOCATED.search(output), shown
            assert "diff stopped: the data map in the work tree has files that do not load" in output, shown
            assert "removed" not in result.stdout and not reports, shown
        elif output_format == "markdown":
            assert result.exit_code == 0, shown
            assert result.output.startswith("## Privacy notice changes: HEAD → the work tree\n"), shown
        else:
            assert result.exit_code == 0, shown
            assert "changes-HEAD-to-work-tree.html" in reports, shown  # and one for each other language
            assert all(re.fullmatch(r"changes-HEAD-to-work-tree(\.[a-z]{2,3})?\.html", name) for name in reports), shown
            assert result.output == "".join(f"wrote {Path('build/reports', name)}\n"
                                            for name in sorted(reports, key=lambda n: n.count("."))), shown


# A forged record: history, check, build and publish name it; nothing outside is read ------

def _chained(ledger: Path, **changes) -> bytes:
    """A line made as noticegen makes them, following the ledger's last line (so only what
    ``changes`` alters can be refused), from a copy of its first notice line."""
    import json

    from noticegen.load.history import line_bytes, sha256

    lines = ledger.read_bytes().splitlines()
    data = dict(next(json.loads(line) for line in lines if b'"kind":"notice"' in line),
                n=len(lines) + 1, previous=sha256(lines[-1]), **changes)
    return line_bytes(data)


def _outside_twin(project: Path, relative: str) -> None:
    """A copy of version 1's kept files in the folder ``relative`` (which leaves the
    project), so that following it would find the digests the ledger lists: only refusing
    to go there refuses the line."""
    target = (project / relative).resolve()
    assert not target.is_relative_to(project.resolve())
    shutil.copytree(project / "history/notices/pupils/1", target)


def _forge_not_an_object(project: Path) -> None:
    (project / "history/ledger.jsonl").write_text('["kind", "notice"]\n')


def _forge_huge_line(project: Path) -> None:
    ledger = project / "history/ledger.jsonl"
    ledger.write_bytes(ledger.read_bytes() + b'{"kind":"notice","note":["' + b"a" * 300_000 + b'"]}\n')


def _forge_invalid_utf8(project: Path) -> None:
    ledger = project / "history/ledger.jsonl"
    ledger.write_bytes(ledger.read_bytes() + b'{"kind":"\xff\xfe"}\n')


def _forge_notice_going_up(project: Path) -> None:
    ledger = project / "history/ledger.jsonl"
    ledger.write_bytes(ledger.read_bytes() + _chained(ledger, notice="../../../outside", version="1") + b"\n")
    _outside_twin(project, "history/notices/../../../outside/1")


def _forge_version_going_up(project: Path) -> None:
    ledger = project / "history/ledger.jsonl"
    ledger.write_bytes(ledger.read_bytes() + _chained(ledger, version="../../../../outside") + b"\n")
    _outside_twin(project, "history/notices/pupils/../../../../outside")


def _forge_kept_file_links_out(project: Path) -> None:
    page = project / "history/notices/pupils/1/page.html"
    twin = project.parent / "outside" / "page.html"
    twin.parent.mkdir(parents=True, exist_ok=True)
    twin.write_bytes(page.read_bytes())
    page.unlink()
    page.symlink_to(twin)


def _forge_ledger_is_a_folder(project: Path) -> None:
    (project / "history/ledger.jsonl").unlink()
    (project / "history/ledger.jsonl").mkdir()


def _forge_ledger_too_large(project: Path) -> None:
    from noticegen.load.history import MAX_LEDGER

    with (project / "history/ledger.jsonl").open("ab") as stream:
        stream.write(b"\n" * MAX_LEDGER)


FORGERIES = {name[len("_forge_"):].replace("_", "-"): forge for name, forge in sorted(globals().items())
             if name.startswith("_forge_")}


@pytest.mark.parametrize("forgery", FORGERIES)
def test_a_forged_record_is_named_by_every_command_and_nothing_outside_is_read(forgery, published, tmp_path, run):
    """history (and --records) refuse with the place in a sentence (exit 2); check and build
    report history-altered at its place (exit 1); publish stops (exit 1) and keeps nothing.
    Where the forged line points out of the project, a copy of the kept page waits there:
    reading it would make the line verify, so only never going there refuses it."""
    project = Path(shutil.copytree(published, tmp_path / "work" / "school",
                                   ignore=shutil.ignore_patterns("build")))
    FORGERIES[forgery](project)
    before = _files(project, "history")
    outside = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and "school" not in p.parts}
    for command in (("history",), ("history", "--records")):
        result = run(*command, cwd=project)
        shown = f"{' '.join(command)}: exit {result.exit_code}\n{_output(result)}"
        assert result.exit_code == 2, shown
        assert re.fullmatch(r"noticegen: error: history/\S+:\d+:\d+: .+ restore it from git .+",
                            _output(result).strip().splitlines()[-1]), shown
    for command in (("check",), ("build", "--no-pdf"), ("publish", "--today", TODAY, "-j", "1")):
        result = run(*command, cwd=project)
        output = _output(result)
        shown = f"{' '.join(command)}: exit {result.exit_code}\n{output}"
        assert result.exit_code == 1, shown
        assert re.search(r"^history/\S*:\d+:\d+: error\[history-altered\]: ", output, re.M), shown
    assert _files(project, "history") == before
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and "school" not in p.parts} == outside
