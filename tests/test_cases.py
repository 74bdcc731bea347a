"""One test per folder under tests/cases/{good,bad}: exact output and exit status.

Each case is the small project in tests/cases/base with the case's files laid over it
(and the files in its delete.txt removed). expected.txt holds the exact problem lines
`noticegen check` must print, args.txt any extra arguments. A case passes when the
output matches line for line and the exit status is 1 exactly when an error is
expected (or, with --strict, any problem).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import CASES, build_case

CASE_DIRS = sorted(p for kind in ("good", "bad") for p in (CASES / kind).iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASE_DIRS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_case(case: Path, tmp_path, run):
    project = build_case(case, tmp_path / "project")
    args = (case / "args.txt").read_text().split() if (case / "args.txt").exists() else []
    result = run("check", *args, cwd=project)
    lines = result.output.splitlines()
    assert lines, "check printed nothing"
    problems, summary = lines[:-1], lines[-1]
    assert " files checked: " in summary or " file checked: " in summary

    expected_file = case / "expected.txt"
    if os.environ.get("NOTICEGEN_REGENERATE"):
        # a tool for people (review the diff it makes), never a test: CI must compare
        assert not os.environ.get("CI"), "NOTICEGEN_REGENERATE rewrites expected.txt; never set it in CI"
        expected_file.write_text("".join(line + "\n" for line in problems))
    expected = expected_file.read_text().splitlines() if expected_file.exists() else []
    assert problems == expected

    strict = "--strict" in args
    should_fail = any(("error[" in line) or strict for line in expected)
    assert result.exit_code == (1 if should_fail else 0), result.output
    if case.parent.name == "bad":
        assert should_fail or expected, "a bad case must report something"
    else:
        assert not any("error[" in line for line in expected), "a good case reports no error"


def test_base_project_is_clean(tmp_path, run):
    project = build_case(CASES / "good" / "warning-only", tmp_path / "p")
    (project / "datamap" / "subjects.yaml").write_text("subjects:\n  - id: pupils\n    name: Pupils\n")
    result = run("check", cwd=project)
    assert result.exit_code == 0
    assert result.output == "10 files checked: 0 errors, 0 warnings\n"
