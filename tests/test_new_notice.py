"""noticegen new notice: a new notice explained field by field, covering the activities named."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from test_new_activity import REPOSITORY, project  # noqa: F401  (the starter project, as a fixture)


def _front(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1]), text


def test_new_notice_is_explained_and_only_its_placeholders_fail(project, run):
    before = set(run("check", project).output.splitlines()[:-1])
    result = run("new", "notice", "How we use trip information", "--activity", "pupil-records",
                 "--activity", "school-census", "--audience", "Parents of pupils going on trips",
                 "-C", project)
    assert result.exit_code == 0, result.output
    assert "created" in result.output and "notices/how-we-use-trip-information.md" in result.output
    data, text = _front(project / "notices" / "how-we-use-trip-information.md")
    assert data["title"] == "How we use trip information"
    assert data["audience"] == "Parents of pupils going on trips"
    assert data["activities"] == ["pupil-records", "school-census"]
    # every front matter field is there: filled, or commented out and explained
    schema = json.loads((REPOSITORY / "noticegen" / "schemas" / "notice.schema.json").read_text())
    for name in schema["properties"]:
        if name in ("illustrative", "language", "changes_since", "change_notes"):
            continue  # for example projects, translations and change notes: docs/datamap.md
        assert re.search(rf"^(# )?{name}:", text, re.M), name
    for required in schema["required"]:
        assert required in data
    # what check adds is this notice's two dates, each once
    added = set(run("check", project).output.splitlines()[:-1]) - before
    assert len(added) == 2 and all("how-we-use-trip-information.md:" in line and "error[placeholder]" in line
                                   for line in added), added

    text = text.replace("TODO(publication date, written YYYY-MM-DD)", "2026-12-03")
    (project / "notices" / "how-we-use-trip-information.md").write_text(text, encoding="utf-8")
    assert set(run("check", project).output.splitlines()[:-1]) == before


def test_new_notice_without_activities_or_audience_leaves_placeholders(project, run):
    result = run("new", "notice", "Visitors", "--id", "visitors", "-C", project)
    assert result.exit_code == 0, result.output
    data, _ = _front(project / "notices" / "visitors.md")
    assert data["audience"] == "TODO(whom the notice is for)"
    assert data["activities"] == ["TODO(the activities it covers: ids from datamap/activities/)"]
    checked = run("check", project)
    assert "visitors.md" in checked.output and "Traceback" not in checked.output


@pytest.mark.parametrize("args, words", [
    (["Trips", "--activity", "pupil-recrds"], "there is no activity 'pupil-recrds'"),
    (["How we use pupil information", "--id", "pupils"], "notice 'pupils' already exists"),
    (["Trips", "--id", "../escape"], "cannot be a notice's id"),
    (["Trips", "--id", "Trips"], "cannot be a notice's id"),
    (["   "], "give the new notice a title"),
    (["!!!"], "has no letters or digits"),
])
def test_new_notice_refusals_change_nothing(project, run, args, words):
    before = sorted(p.name for p in (project / "notices").iterdir())
    pupils = (project / "notices" / "pupils.md").read_bytes()
    result = run("new", "notice", *args, "-C", project)
    assert result.exit_code == 2, result.output
    assert words in result.output and len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert sorted(p.name for p in (project / "notices").iterdir()) == before
    assert (project / "notices" / "pupils.md").read_bytes() == pupils


def test_new_notice_outside_a_project(tmp_path, run):
    result = run("new", "notice", "Trips", "-C", tmp_path)
    assert result.exit_code == 2 and "is not a noticegen project" in result.output
    assert not (tmp_path / "notices").exists()
