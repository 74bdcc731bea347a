"""Every bad project under tests/cases/bad/ through every command and flag that reads a
project: each gives located problems and exit 1, never a crash (exit 70, "internal
error") and never a refusal to run (exit 2). New commands and flags join COMMANDS."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import CASES, build_case

BAD = sorted(p for p in (CASES / "bad").iterdir() if p.is_dir())
LOCATED = re.compile(r"^[^\s:][^:]*:\d+:\d+: (error|warning)\[[a-z0-9-]+\]: \S", re.M)
"""One problem, as check prints it: ``path:line:col: error[rule-id]: message``."""

COMMANDS = [
    ("check",),
    ("check", "--strict"),
    ("check", "--format", "github"),
    ("check", "--format", "json", "--strict"),
    ("build", "--no-pdf"),
    ("build", "--draft", "--no-pdf"),
    ("export",),
]


def _case_args(case: Path) -> list[str]:
    return (case / "args.txt").read_text().split() if (case / "args.txt").exists() else []


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@t",
                    "-c", "commit.gpgsign=false", *args], check=True, capture_output=True)


def _located(output: str, command: tuple[str, ...]) -> bool:
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
    for command in COMMANDS:
        given = [a for a in extra if a != "--strict"] if command[0] == "export" else extra
        result = run(*command, *given, cwd=project)
        output = result.output + (result.stderr if result.stderr_bytes is not None else "")
        shown = f"{' '.join(command)}: exit {result.exit_code}\n{output}"
        assert "internal error" not in output and "Traceback" not in output, shown
        if "--draft" in command:
            fails = any(rule != "placeholder" for rule in errors) or strict_case
        else:
            fails = bool(errors) or "--strict" in command or (strict_case and given is extra)
        if not fails:
            assert result.exit_code == 0, shown
            continue
        assert result.exit_code == 1, shown
        assert _located(output, command), shown
