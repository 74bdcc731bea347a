"""Every bad project under tests/cases/bad/ through every command and flag that reads a
project: each gives located problems and exit 1, never a crash (exit 70, "internal
error") and never a refusal to run (exit 2). New commands and flags join COMMANDS."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CASES, build_case

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


def _located(output: str, command: tuple[str, ...]) -> bool:
    """Whether the output places at least one problem at its file, line and column."""
    if "--format" in command and "github" in command:
        return bool(re.search(r"^::(error|warning) file=[^,]+,line=\d+,col=\d+", output, re.M))
    if "json" in command:
        return '"rule":' in output and '"line":' in output
    return bool(LOCATED.search(output))


@pytest.mark.parametrize("case", BAD, ids=lambda p: p.name)
def test_a_bad_project_gives_located_problems_through_every_command(case: Path, tmp_path, run):
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
