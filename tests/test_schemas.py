"""The published schemas: valid Draft 2020-12, documented, and strict about typos."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from conftest import CASES
from noticegen.rules.check import RULES
from noticegen.load.validate import KINDS, schema_text

ALL = KINDS + ("common",)


def _walk(node, path=()):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, path + (index,))


@pytest.mark.parametrize("kind", ALL)
def test_schema_is_valid_draft_2020_12(kind):
    schema = json.loads(schema_text(kind))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://noticegen.dev/schemas/v1/{kind}.schema.json"


@pytest.mark.parametrize("kind", ALL)
def test_every_property_is_described(kind):
    schema = json.loads(schema_text(kind))
    for path, node in _walk(schema):
        for name, subschema in node.get("properties", {}).items() if path[-1:] != ("properties",) else ():
            assert subschema.get("description"), f"{kind}: {'/'.join(map(str, path))}/{name}"


@pytest.mark.parametrize("kind", ALL)
def test_objects_refuse_unknown_keys(kind):
    schema = json.loads(schema_text(kind))
    for path, node in _walk(schema):
        if "properties" in node and path[-1:] != ("properties",):
            assert node.get("additionalProperties") is False, f"{kind}: {'/'.join(map(str, path))}"


def test_every_rule_has_a_failing_case():
    """Each rule id appears in a bad case's expected output or is tested in test_loader."""
    seen = set()
    for expected in (CASES / "bad").glob("*/expected.txt"):
        for line in expected.read_text().splitlines():
            seen.add(line.split("[", 1)[1].split("]", 1)[0])
    loader_tests = "".join((Path(__file__).parent / name).read_text()
                           for name in ("test_loader.py", "test_trust.py", "test_integrity.py",
                                        "test_diff.py", "test_history.py"))
    seen |= {rule for rule in RULES if f"[{rule}]" in loader_tests or f'"{rule}"' in loader_tests}
    missing = sorted(set(RULES) - seen - {"outside-project"})
    assert missing == []


def test_outside_project_symlink_is_refused(tmp_path, run):
    from conftest import build_case

    project = build_case(CASES / "good" / "warning-only", tmp_path / "p")
    secret = tmp_path / "secret.yaml"
    secret.write_text("subjects:\n  - id: pupils\n    name: Pupils\n")
    (project / "datamap" / "subjects.yaml").unlink()
    (project / "datamap" / "subjects.yaml").symlink_to(secret)
    result = run("check", cwd=project)
    assert result.exit_code == 1
    assert ("datamap/subjects.yaml:1:1: error[outside-project]: this is a symbolic link; "
            "noticegen reads only the project's own regular files and folders, never through a "
            "link: put the file itself there") in result.output


def test_docs_list_every_rule():
    text = (Path(__file__).resolve().parent.parent / "docs" / "checks.md").read_text()
    for rule in RULES:
        assert f"| `{rule}` |" in text, rule


def test_docs_table_is_the_rules_command(run):
    text = (Path(__file__).resolve().parent.parent / "docs" / "checks.md").read_text()
    assert run("rules", "--markdown").output in text


def test_every_field_the_schemas_accept_is_documented():
    """docs/datamap.md names every property of every published schema."""
    import re

    names = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "properties" and isinstance(value, dict):
                    names.update(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    schemas = Path(__file__).resolve().parent.parent / "noticegen" / "schemas"
    for path in schemas.glob("*.schema.json"):
        walk(json.loads(path.read_text()))
    doc = (Path(__file__).resolve().parent.parent / "docs" / "datamap.md").read_text()
    missing = sorted(n for n in names if not re.search(
        rf"(`{re.escape(n)}`|\b{re.escape(n)}:|\b{re.escape(n)}\?|\{{[^}}]*\b{re.escape(n)}\b)", doc))
    assert missing == [], f"fields not in docs/datamap.md: {missing}"
