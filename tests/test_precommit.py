"""The pre-commit hook this repository offers, run by pre-commit itself on a school's repo."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CASES, REPOSITORY


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=dpo@test.example", "-c", "user.name=DPO", *args],
                   cwd=folder, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_hook_fails_a_bad_project_and_passes_a_good_one(tmp_path):
    school = tmp_path / "school"
    shutil.copytree(CASES / "base", school)
    activity = school / "datamap" / "activities" / "admissions.yaml"
    activity.write_text(activity.read_text().replace("recipient: local-authority", "recipient: the-council"))
    _git(school, "init", "-q")
    _git(school, "add", "-A")
    _git(school, "commit", "-qm", "data map")
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(REPOSITORY), "noticegen-check",
               "--all-files"]
    env = {"PRE_COMMIT_HOME": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin",
           "HOME": str(tmp_path), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    bad = subprocess.run(command, cwd=school, capture_output=True, text=True, env=env, check=False)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert ("datamap/activities/admissions.yaml:15:16: error[undeclared-recipient]: 'the-council' "
            "is not declared in datamap/recipients.yaml") in bad.stdout

    activity.write_text(activity.read_text().replace("recipient: the-council", "recipient: local-authority"))
    _git(school, "commit", "-qam", "fix")
    good = subprocess.run(command, cwd=school, capture_output=True, text=True, env=env, check=False)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "noticegen check" in good.stdout and "Passed" in good.stdout
