"""The command line: output formats, exit statuses, start-up cost."""

from __future__ import annotations

import json
import os
from pathlib import Path
import subprocess
import sys

import pytest

from conftest import CASES, REPOSITORY, build_case

BAD = CASES / "bad" / "undeclared-recipient"


@pytest.fixture
def bad_project(tmp_path):
    return build_case(BAD, tmp_path / "project")


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0
    assert result.output.startswith("noticegen, version ")


def test_python_dash_m():
    completed = subprocess.run([sys.executable, "-m", "noticegen", "--help"],
                               capture_output=True, text=True, check=False)
    assert completed.returncode == 0
    assert "check" in completed.stdout


def test_text_format_names_file_line_and_rule(bad_project, run):
    result = run("check", cwd=bad_project)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "datamap/activities/admissions.yaml:15:16: error[undeclared-recipient]: "
        "'local-authorty' is not declared in datamap/recipients.yaml "
        "(did you mean 'local-authority'?)")
    assert result.output.splitlines()[-1] == "10 files checked: 2 errors, 0 warnings"


def test_paths_are_relative_to_the_current_folder(bad_project, run):
    result = run("check", "project", cwd=bad_project.parent)
    assert result.output.startswith("project/datamap/activities/admissions.yaml:15:16: error[")


def test_github_format(bad_project, run):
    result = run("check", "--format", "github", cwd=bad_project)
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first == (
        "::error file=datamap/activities/admissions.yaml,line=15,col=16,"
        "title=noticegen undeclared-recipient::'local-authorty' is not declared in "
        "datamap/recipients.yaml (did you mean 'local-authority'?)")


def test_github_format_escapes_properties_and_data():
    from noticegen.problems import Location, Problem
    from noticegen.render.report import github

    output = github([Problem(Location("a,b:c.yaml", 1, 2), "schema", "50% done\nnext")], 1)
    assert output.splitlines()[0] == (
        "::error file=a%2Cb%3Ac.yaml,line=1,col=2,title=noticegen schema::50%25 done next")


def test_json_format(bad_project, run):
    result = run("check", "--format", "json", cwd=bad_project)
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert document["errors"] == 2 and document["warnings"] == 0 and document["files"] == 10
    assert document["problems"][0] == {
        "path": "datamap/activities/admissions.yaml", "line": 15, "column": 16,
        "severity": "error", "rule": "undeclared-recipient",
        "message": "'local-authorty' is not declared in datamap/recipients.yaml "
                   "(did you mean 'local-authority'?)",
    }


def test_clean_json(tmp_path, run):
    project = build_case(CASES / "good" / "transfer-with-safeguard", tmp_path / "p")
    document = json.loads(run("check", "--format", "json", cwd=project).output)
    assert document["problems"] == [] and document["errors"] == 0


def test_warnings_pass_unless_strict(tmp_path, run):
    project = build_case(CASES / "good" / "warning-only", tmp_path / "p")
    assert run("check", cwd=project).exit_code == 0
    assert run("check", "--strict", cwd=project).exit_code == 1


def test_not_a_project_exits_2(tmp_path, run):
    result = run("check", tmp_path)
    assert result.exit_code == 2
    assert result.output == (f"noticegen: error: {tmp_path} is not a noticegen project, and neither "
                             "is any folder above it (a project has a datamap/ folder). Go to your "
                             "project's folder, or name it: 'noticegen check PATH'. To start a new "
                             "project, 'noticegen init NEW-FOLDER' makes one in a folder of its own\n")


def test_missing_folder_exits_2(tmp_path, run):
    result = run("check", tmp_path / "nope")
    assert result.exit_code == 2
    assert result.output == f"noticegen: error: {tmp_path / 'nope'}: no such folder\n"


def test_bad_option_exits_2(run):
    assert run("check", "--format", "xml").exit_code == 2


def test_internal_errors_are_one_line(monkeypatch, tmp_path, run):
    import noticegen.commands.check

    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(noticegen.commands.check, "check_project", broken)
    result = run("check", tmp_path, crash_expected=True)
    assert result.exit_code == 70  # a crash has its own code: never read as a refusal (2)
    assert result.output.count("\n") == 1
    assert result.output.startswith("noticegen: internal error: ValueError: boom")


def test_schema_command_prints_each_kind(run):
    result = run("schema", "activity")
    assert result.exit_code == 0
    assert json.loads(result.output)["$id"].endswith("/activity.schema.json")
    assert run("schema", "--list").output.split() == [
        "organisation", "subjects", "categories", "sources", "recipients", "legislation",
        "retention", "activity", "notice", "config", "common", "export"]
    unknown = run("schema", "activty")
    assert unknown.exit_code == 2 and "did you mean 'activity'" in unknown.output


def test_schema_write(tmp_path, run):
    result = run("schema", "--write", tmp_path / "schemas")
    assert result.exit_code == 0
    assert len(list((tmp_path / "schemas").glob("*.schema.json"))) == 12


def test_bases_and_rules_list(run):
    bases = run("bases").output
    assert "art6-1-c" in bases and "sch1-para-18" in bases
    rules = run("rules").output
    assert "undeclared-recipient" in rules and "missing-dpo" in rules


@pytest.mark.parametrize("argv", [["--help"], ["check", str(REPOSITORY)]])
def test_start_up_imports_no_weasyprint(argv):
    code = ("import sys\n"
            "from noticegen.cli import main\n"
            f"try:\n    main({argv!r})\n"
            "except SystemExit as exc:\n    print('CODE', exc.code)\n"
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('weasyprint', 'openpyxl', 'pyld'))\n"
            "print('HEAVY', heavy)\n")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               check=False, cwd=REPOSITORY, env={**os.environ})
    assert "HEAVY []" in completed.stdout, completed.stdout + completed.stderr
    assert "CODE 0" in completed.stdout, completed.stdout + completed.stderr


def test_check_writes_nothing(tmp_path, run):
    """check only reads: nothing in build/ (or anywhere) is made or changed, clean or not,
    and a valid project is checked without importing jsonschema (the compiled validators)."""
    project = build_case(CASES / "good" / "transfer-with-safeguard", tmp_path / "p")
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    assert run("check", cwd=project).exit_code == 0
    code = ("import sys\nfrom noticegen.cli import main\n"
            "try:\n    main(['check', sys.argv[1]])\nexcept SystemExit as exc:\n    print('CODE', exc.code)\n"
            "print('JSONSCHEMA', 'jsonschema' in sys.modules)\n")
    clean = subprocess.run([sys.executable, "-c", code, str(project)], capture_output=True, text=True,
                           check=False)
    assert "CODE 0" in clean.stdout and "JSONSCHEMA False" in clean.stdout, clean.stdout + clean.stderr
    sources = project / "datamap" / "sources.yaml"
    sources.write_text(sources.read_text().replace("name: admissions forms", "name: [admissions forms]"))
    broken = subprocess.run([sys.executable, "-c", code, str(project)], capture_output=True, text=True,
                            check=False)
    assert "CODE 1" in broken.stdout and "JSONSCHEMA True" in broken.stdout  # jsonschema explains
    assert "error[schema]" in broken.stdout
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before

def test_commands_find_the_project_from_a_subfolder(tmp_path, run):
    from conftest import CASES, build_case

    project = build_case(CASES / "good" / "warning-only", tmp_path / "school")
    result = run("check", cwd=project / "datamap" / "activities")
    assert result.exit_code == 0
    assert "../../datamap/subjects.yaml:4:9: warning[unused-declaration]" in result.output


def test_a_schools_folder_finds_its_trust(tmp_path, run):
    import shutil

    trust = tmp_path / "trust"
    shutil.copytree(Path(__file__).resolve().parent / "trust", trust)
    result = run("check", cwd=trust / "schools" / "beta" / "datamap")
    assert result.exit_code == 0 and "20 files checked" in result.output


def test_outside_any_project_the_message_never_suggests_a_nested_project(tmp_path, run):
    result = run("check", cwd=tmp_path)
    assert result.exit_code == 2
    assert "is not a noticegen project, and neither is any folder above it" in result.output
    assert "'noticegen init NEW-FOLDER' makes one in a folder of its own" in result.output


def test_the_cycle_collector_is_left_off_only_when_the_process_ends_with_the_command(tmp_path, run):
    """As its own process, check leaves Python's cycle collector off once it has reported
    (it would only walk every object the check made before the process ends); called
    from Python (a test, serve), it leaves the collector as it found it."""
    import gc

    project = build_case(CASES / "good" / "transfer-with-safeguard", tmp_path / "p")
    assert gc.isenabled()
    assert run("check", cwd=project).exit_code == 0
    assert gc.isenabled()
    code = ("import gc, sys\nfrom noticegen import cli\n"
            "sys.argv = ['noticegen', 'check', sys.argv[1]]\n"
            "try:\n    cli.run()\nexcept SystemExit as exc:\n    print('CODE', exc.code, 'GC', gc.isenabled())\n")
    alone = subprocess.run([sys.executable, "-c", code, str(project)], capture_output=True, text=True,
                           check=False)
    assert "CODE 0 GC False" in alone.stdout, alone.stdout + alone.stderr
