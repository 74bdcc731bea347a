"""Random edits of the example's data map, each run through the commands that read a
project: whatever the edit, every command answers with located problems or a result,
never an internal error (exit 70) and never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import INTERNAL_ERROR, REPOSITORY, copy_example
from noticegen.cli import main

DATA_FILES = sorted(str(p.relative_to(REPOSITORY)) for p in (REPOSITORY / "datamap").rglob("*.yaml"))
IDS = ["dfe", "stockport-mbc", "pupils", "safeguarding", "TODO(an id)", "art6-1-e", "art9-2-g",
       "sch1-p2-18", "nope", ""]

COMMANDS = [("check",), ("check", "--strict"), ("check", "--format", "json", "--strict"),
            ("build", "--no-pdf"), ("build", "--draft", "--no-pdf"), ("export",),
            ("explain", "safeguarding")]

_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 10**12), st.sampled_from(IDS),
                    st.text(max_size=30), st.lists(st.sampled_from(IDS), max_size=3),
                    st.dictionaries(st.sampled_from(["id", "name", "kind", "x"]), st.sampled_from(IDS),
                                    max_size=2))


def _places(value, path=()):
    """Every place in a document: (path, value), containers included."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _places(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _places(item, path + (index,))


def _edit(document, path, how, value):
    if not path:
        return value if how == "replace" else document
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if how == "delete":
        del parent[last]
    elif how == "duplicate" and isinstance(parent, list):
        parent.insert(last, parent[last])
    else:
        parent[last] = value
    return document


@settings(max_examples=60, deadline=None, derandomize=True,  # the same edits in every run (CI)
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_edit_of_the_data_map_makes_any_command_crash(tmp_path_factory, monkeypatch, data):
    project = copy_example(tmp_path_factory.mktemp("edited") / "school")
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        relative = data.draw(st.sampled_from(DATA_FILES), label="file")
        document = yaml.safe_load((project / relative).read_text(encoding="utf-8"))
        places = list(_places(document))
        path, _ = data.draw(st.sampled_from(places), label="place")
        how = data.draw(st.sampled_from(["replace", "delete", "duplicate"]), label="how")
        value = data.draw(_VALUES, label="value")
        document = _edit(document, path, how, value)
        (project / relative).write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False),
                                        encoding="utf-8")
    monkeypatch.chdir(project)
    for command in COMMANDS:
        result = CliRunner().invoke(main, list(command), catch_exceptions=False)
        output = result.output + (result.stderr if result.stderr_bytes is not None else "")
        assert result.exit_code != INTERNAL_ERROR and "internal error" not in output, \
            f"{' '.join(command)}\n{output}"
        assert result.exit_code in (0, 1, 2), f"{' '.join(command)}: {result.exit_code}\n{output}"
        if result.exit_code == 2:  # a refusal is a sentence, not a crash
            assert output.strip().splitlines()[-1].startswith(("noticegen: error:", "Error:")), output
    from noticegen.commands.serve import Preview  # the live preview's problem panel

    preview = Preview(project)
    preview.refresh()
    assert not any(p.rule == "internal-error" for p in preview.problems), preview.problems
    shutil.rmtree(project, ignore_errors=True)
