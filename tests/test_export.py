"""noticegen export --format json: the resolved data map, valid against the published
export schema, deterministic, refused when check fails, and written only where asked."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from conftest import CASES, build_case, copy_example, in_processes_with_hash_seeds

FEATURES = Path(__file__).resolve().parent / "features"
TRUST = Path(__file__).resolve().parent / "trust"
SCHEMAS = Path(__file__).resolve().parent.parent / "noticegen" / "schemas"


def validator() -> Draft202012Validator:
    """The export schema with every published schema it refers to, read from the package
    folder (not through noticegen), with formats checked."""
    from referencing import Registry, Resource

    resources = []
    for path in sorted(SCHEMAS.glob("*.schema.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents)))
    registry = Registry().with_resources(resources)
    schema = json.loads((SCHEMAS / "export.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def exported(run, project: Path, *args) -> dict:
    result = run("export", project, *args)
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.stdout)


def test_the_schema_is_draft_2020_12_and_described(run):
    schema = json.loads(run("schema", "export").stdout)
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == "https://noticegen.dev/schemas/v1/export.schema.json"

    def walk(node):
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                assert "description" in sub, name
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)


@pytest.fixture(params=["example", "features", "welsh"])
def project(request, tmp_path):
    if request.param == "example":
        return copy_example(tmp_path / "school")
    if request.param == "welsh":  # values in two languages, a notice in each
        return shutil.copytree(FEATURES.parent / "welsh", tmp_path / "welsh")
    return shutil.copytree(FEATURES, tmp_path / "features")


def test_export_validates_against_the_schema(project, run):
    document = exported(run, project)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(document)]
    assert errors == []
    assert document["trust"] is False and len(document["data_maps"]) == 1
    data_map = document["data_maps"][0]
    activities = sorted(p.stem for p in (project / "datamap" / "activities").glob("*.yaml"))
    assert sorted(data_map["activities"]) == activities
    # every lawful basis an activity names is described, and only those
    named = {b for a in data_map["activities"].values() for group, ids in a["lawful_basis"].items()
             if isinstance(ids, list) for b in ids}
    assert set(data_map["lawful_bases"]) == named


def test_the_schema_catches_a_broken_export(project, run):
    """The check above can fail: a damaged export does not validate."""
    document = exported(run, project)
    data_map = document["data_maps"][0]
    first = next(iter(data_map["activities"].values()))
    del first["purposes"]
    data_map["recipients"].append({"id": "x", "name": "X", "kind": "not-a-kind"})
    messages = [e.message for e in validator().iter_errors(document)]
    assert any("purposes" in m for m in messages) and any("not-a-kind" in m for m in messages)


def test_export_is_deterministic(project, run):
    first = run("export", project).stdout
    outputs = in_processes_with_hash_seeds(["-m", "noticegen", "export", str(project)])
    assert outputs == [first.encode("utf-8")] * len(outputs)
    assert first == json.dumps(json.loads(first), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_a_trust_exports_every_school_with_its_overlays(run, tmp_path):
    trust = shutil.copytree(TRUST, tmp_path / "trust")
    document = exported(run, trust)
    assert validator().is_valid(document)
    schools = sorted(p.name for p in (trust / "schools").iterdir() if p.is_dir())
    assert document["trust"] is True
    assert [m["school"] for m in document["data_maps"]] == schools
    by_school = {m["school"]: m for m in document["data_maps"]}
    base = yaml.safe_load((trust / "datamap" / "recipients.yaml").read_text())["recipients"]
    overlay = yaml.safe_load((trust / "schools" / "alpha" / "datamap" / "recipients.yaml")
                             .read_text())["recipients"][0]
    inherited = next(r for r in base if r["id"] == overlay["id"])
    assert overlay["name"] != inherited["name"]

    def recipient(school):
        return next(r for r in by_school[school]["recipients"] if r["id"] == overlay["id"])

    assert recipient("alpha")["name"] == overlay["name"]  # the overlay's value, resolved
    # gamma extends alpha and removes an activity (its noticegen.yaml)
    gamma = yaml.safe_load((trust / "schools" / "gamma" / "noticegen.yaml").read_text())
    assert recipient("gamma")["name"] == overlay["name"]
    for removed in gamma["remove"]["activities"]:
        assert removed not in by_school["gamma"]["activities"]
        assert removed in by_school["alpha"]["activities"]
        for notice in by_school["gamma"]["notices"].values():
            assert removed not in notice["activities"]
    # each school's own establishment, the trust as controller
    trust_name = yaml.safe_load((trust / "datamap" / "organisation.yaml").read_text())["organisation"]["name"]
    for school in schools:
        own = yaml.safe_load((trust / "schools" / school / "datamap" / "organisation.yaml").read_text())
        assert by_school[school]["establishment"]["name"] == own["establishment"]["name"]
        assert by_school[school]["controller"]["name"] == trust_name

    one = exported(run, trust, "--school", "beta")
    assert [m["school"] for m in one["data_maps"]] == ["beta"]
    assert one["data_maps"][0] == by_school["beta"]
    unknown = run("export", trust, "--school", "nowhere")
    assert unknown.exit_code == 2 and unknown.stdout == ""


def test_export_refuses_when_check_finds_errors(tmp_path, run):
    case = CASES / "bad" / "broken-activity-is-a-list"
    project = build_case(case, tmp_path / "project")
    expected = (case / "expected.txt").read_text().splitlines()[0]
    result = run("export", project, "--output", tmp_path / "out.json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert expected in result.stderr
    assert "export stopped" in result.stderr
    assert not (tmp_path / "out.json").exists()


def test_output_is_written_atomically_where_asked(tmp_path, run):
    project = copy_example(tmp_path / "school")
    target = tmp_path / "elsewhere" / "export.json"
    target.parent.mkdir()
    target.write_text("old")
    result = run("export", project, "--output", target)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert json.loads(target.read_text()) == exported(run, project)
    assert target.read_text() == run("export", project).stdout
    assert sorted(p.name for p in target.parent.iterdir()) == ["export.json"]  # no temporary left
    inside = project / "export.json"  # the project folder itself is fine, outside its sources
    assert run("export", project, "-o", inside).exit_code == 0 and inside.is_file()


@pytest.mark.parametrize("relative", ["datamap/organisation.yaml", "datamap/new.json",
                                      "notices/pupils.md", "templates/x.json", "noticegen.yaml",
                                      "datamap/activities/safeguarding.yaml"])
def test_output_never_overwrites_project_sources(tmp_path, run, relative):
    project = copy_example(tmp_path / "school")
    (project / "templates").mkdir(exist_ok=True)
    target = project / relative
    before = target.read_bytes() if target.exists() else None
    result = run("export", project, "--output", target)
    assert result.exit_code == 2
    assert "refusing to write the export" in result.stderr
    assert (target.read_bytes() if target.exists() else None) == before


def test_output_through_a_link_into_the_sources_is_refused(tmp_path, run):
    project = copy_example(tmp_path / "school")
    source = project / "datamap" / "organisation.yaml"
    before = source.read_bytes()
    link = tmp_path / "export.json"
    os.symlink(source, link)
    result = run("export", project, "--output", link)
    assert result.exit_code == 2 and "refusing" in result.stderr
    assert source.read_bytes() == before


def test_output_inside_a_trust_school_sources_is_refused(tmp_path, run):
    trust = shutil.copytree(TRUST, tmp_path / "trust")
    target = trust / "schools" / "alpha" / "datamap" / "export.json"
    result = run("export", trust, "--output", target)
    assert result.exit_code == 2 and not target.exists()
    assert "refusing to write the export" in result.stderr
