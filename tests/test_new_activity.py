"""noticegen new activity: a new activity file explained field by field, added to notices."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from noticegen.commands.new import _append_activity

REPOSITORY = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path, run) -> Path:
    folder = tmp_path / "school"
    assert run("init", folder).exit_code == 0
    return folder


def _check_lines(run, project: Path) -> list[str]:
    return run("check", project).output.splitlines()[:-1]


def test_new_activity_is_explained_and_only_its_placeholders_fail(project, run):
    before = set(_check_lines(run, project))
    result = run("new", "activity", "School trips & visits", "-C", project)
    assert result.exit_code == 0, result.output
    path = project / "datamap" / "activities" / "school-trips-and-visits.yaml"
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["name"] == "School trips & visits"

    # every field of the activity schema is there: filled, or commented out and explained
    schema = json.loads((REPOSITORY / "noticegen" / "schemas" / "activity.schema.json").read_text())
    for name in schema["properties"]:
        assert re.search(rf"^(# )?{name}:", text, re.M), name
    for name in schema["properties"]["lawful_basis"]["properties"]:
        assert re.search(rf"^  (# )?{name}:", text, re.M), name
    for required in schema["required"]:
        assert required in data, required

    # what check adds is this file's placeholders (and the sources it does not yet name),
    # each once: a placeholder where ids belong is reported by the reference rule alone
    added = set(_check_lines(run, project)) - before
    assert added
    places = [line.split(": ")[0] for line in added]
    assert len(places) == len(set(places))
    for line in added:
        assert "school-trips-and-visits.yaml:" in line, line
        assert re.match(r"^\S+:\d+:\d+: ", line)
        if "error[undeclared-" in line:
            assert "placeholder TODO(" in line and "is still to be filled in" in line, line
        else:
            assert "error[placeholder]" in line or "warning[missing-source]" in line, line
    placeholders = {re.search(r"TODO\([^)]*\)", line)[0] for line in added if "placeholder" in line}
    assert placeholders == set(re.findall(r"(?<!# )TODO\([^)]*\)", "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith("#"))))


def test_added_to_notices_keeping_their_comments(project, run):
    pupils = project / "notices" / "pupils.md"
    original = pupils.read_text(encoding="utf-8")
    workforce = project / "notices" / "school-workforce.md"
    # a block-style list with a comment, as a DPO might have written it
    block = workforce.read_text(encoding="utf-8").replace(
        "activities: [workforce-records, workforce-census]",
        "activities:  # the two DfE model sections\n  - workforce-records\n  # the census\n"
        "  - workforce-census")
    workforce.write_text(block, encoding="utf-8")

    result = run("new", "activity", "Staff training", "--notice", "pupils",
                 "--notice", "school-workforce", "-C", project)
    assert result.exit_code == 0, result.output
    assert "added 'staff-training' to" in result.output
    changed = pupils.read_text(encoding="utf-8")
    assert changed == original.replace("activities: [pupil-records, school-census]",
                                       "activities: [pupil-records, school-census, staff-training]")
    assert workforce.read_text(encoding="utf-8") == block.replace(
        "  - workforce-census", "  - workforce-census\n  - staff-training")
    checked = run("check", project).output
    assert "staff-training" in checked and "undeclared-activity" not in checked


def test_refusals_change_nothing(project, run):
    snapshot = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    unknown = run("new", "activity", "Clubs", "--notice", "pupil", "-C", project)
    assert unknown.exit_code == 2
    assert "no notice 'pupil'" in unknown.output and "did you mean 'pupils'" in unknown.output
    exists = run("new", "activity", "Safeguarding", "-C", project)
    assert exists.exit_code == 2 and "already exists" in exists.output

    # a list written over several lines in flow style is not edited: said, nothing changed
    notice = project / "notices" / "pupils.md"
    odd = notice.read_text(encoding="utf-8").replace(
        "activities: [pupil-records, school-census]", "activities: [pupil-records,\n  school-census]")
    notice.write_text(odd, encoding="utf-8")
    snapshot[notice] = odd.encode()
    refused = run("new", "activity", "Clubs", "--notice", "pupils", "-C", project)
    assert refused.exit_code == 2 and "add it by hand" in refused.output
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == snapshot
    for result in (unknown, exists, refused):
        assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_found_from_a_subfolder(project, run):
    result = run("new", "activity", "Lunchtime clubs", "--notice", "pupils",
                 cwd=project / "datamap" / "activities")
    assert result.exit_code == 0, result.output
    assert (project / "datamap" / "activities" / "lunchtime-clubs.yaml").is_file()
    assert "lunchtime-clubs" in (project / "notices" / "pupils.md").read_text(encoding="utf-8")


def test_a_name_needs_letters_or_digits(project, run):
    result = run("new", "activity", "!!!", "-C", project)
    assert result.exit_code == 2 and "no letters or digits" in result.output


def test_not_a_project(tmp_path, run):
    result = run("new", "activity", "Clubs", "-C", tmp_path)
    assert result.exit_code == 2 and "not a noticegen project" in result.output


def test_append_keeps_line_endings_and_trailing_comments():
    text = "---\r\ntitle: T\r\nactivities: [a]  # mine\r\nversion: \"1\"\r\n---\r\nBody\r\n"
    assert _append_activity(text, "b") == text.replace("[a]  # mine", "[a, b]  # mine")
    empty = "---\ntitle: T\nactivities: []\n---\n"
    assert _append_activity(empty, "b") == empty.replace("[]", "[b]")
    flush = "---\nactivities:\n- a\n\n# next\nversion: \"1\"\n---\n"
    assert _append_activity(flush, "b") == flush.replace("- a\n", "- a\n- b\n")


def test_a_linked_notice_is_not_followed(project, run, tmp_path):
    outside = tmp_path / "elsewhere.md"
    outside.write_text("---\ntitle: T\nactivities: [pupil-records]\nversion: \"1\"\n---\n", encoding="utf-8")
    link = project / "notices" / "linked.md"
    link.symlink_to(outside)
    result = run("new", "activity", "Clubs", "--notice", "linked", "-C", project)
    assert result.exit_code == 2 and "symbolic link" in result.output, result.output
    assert not (project / "datamap" / "activities" / "clubs.yaml").exists()
    assert "clubs" not in outside.read_text(encoding="utf-8")
