"""Random edits of the example's data map (and noticegen.yaml), each run through the
commands that read a project: whatever the edit, every command answers with located
problems or a result, never an internal error (exit 70) and never a traceback. The
example is published once first, so each edit breaks a project that keeps a record:
publish either stops (exit 1, the record unchanged) or only adds to it, and history
always answers from it. Half the edits land in the fields behind the outputs added
later (FOCUS)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import INTERNAL_ERROR, REPOSITORY, copy_example
from noticegen.cli import main

DATA_FILES = sorted(str(p.relative_to(REPOSITORY)) for p in (REPOSITORY / "datamap").rglob("*.yaml")) \
    + ["noticegen.yaml"]
FOCUS = [("datamap/sources.yaml", ("sources", 0, "form")),          # a consent form, a collection statement
         ("datamap/sources.yaml", ("sources", 12, "form")),
         ("noticegen.yaml", ("publish_retention_schedule",)),        # the retention schedule
         ("datamap/activities/photographs.yaml", ("dpia",)),          # the DPIA screening
         ("datamap/organisation.yaml", ("organisation", "appropriate_policy")),  # the policy document
         ("noticegen.yaml", ())]
"""The places behind the outputs added since the test was written: half the edits land in
one of them, so that random edits reach each output's own fields."""
IDS = ["dfe", "stockport-mbc", "pupils", "safeguarding", "TODO(an id)", "art6-1-e", "art9-2-g",
       "sch1-p2-18", "nope", ""]

COMMANDS = [("check",), ("check", "--strict"), ("check", "--format", "json", "--strict"),
            ("build", "--no-pdf"), ("build", "--draft", "--no-pdf"), ("export",),
            ("explain", "safeguarding"), ("publish", "--today", "2026-12-03", "-j", "1"),
            ("history",), ("history", "--records")]

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


def _history(project: Path) -> dict[str, bytes]:
    return {str(p.relative_to(project)): p.read_bytes() for p in sorted((project / "history").rglob("*"))
            if p.is_file()}


def _seeded(project: Path) -> Path:
    """The example with the newer fields it leaves out given a value, so edits can reach
    them: the retention schedule published on its own, a DPIA screening answered."""
    config = project / "noticegen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "publish_retention_schedule: true\n", encoding="utf-8")
    activity = project / "datamap" / "activities" / "photographs.yaml"
    text = activity.read_text(encoding="utf-8")
    assert "dpia: {required: false}\n" in text
    activity.write_text(text.replace("dpia: {required: false}\n", "dpia: {required: false, screening: "
                                     "{large_scale: false, new_technology: true}}\n"), encoding="utf-8")
    for relative, under in FOCUS:  # each place is there to be edited
        value = yaml.safe_load((project / relative).read_text(encoding="utf-8"))
        for step in under:
            value = value[step]
    return project


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


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The example, seeded, published once: each edit then breaks a project that keeps a
    record (history/), as a school's does after its first publish."""
    project = _seeded(copy_example(tmp_path_factory.mktemp("published") / "school"))
    result = CliRunner().invoke(main, ["publish", str(project), "--today", "2026-12-03", "-j", "1"])
    assert result.exit_code == 0 and "kept in" in result.output, result.output
    return project


@settings(max_examples=60, deadline=None, derandomize=True,  # the same edits in every run (CI)
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_edit_of_the_data_map_makes_any_command_crash(tmp_path_factory, monkeypatch, published, data):
    project = Path(shutil.copytree(published, tmp_path_factory.mktemp("edited") / "school",
                                   ignore=shutil.ignore_patterns("build")))
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        relative, under = data.draw(st.one_of(st.tuples(st.sampled_from(DATA_FILES), st.just(())),
                                              st.sampled_from(FOCUS)), label="file")
        document = yaml.safe_load((project / relative).read_text(encoding="utf-8"))
        places = [(path, value) for path, value in _places(document) if path[:len(under)] == under] \
            or list(_places(document))  # (an earlier edit removed the place)
        path, _ = data.draw(st.sampled_from(places), label="place")
        how = data.draw(st.sampled_from(["replace", "delete", "duplicate"]), label="how")
        value = data.draw(_VALUES, label="value")
        document = _edit(document, path, how, value)
        (project / relative).write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False),
                                        encoding="utf-8")
    monkeypatch.chdir(project)
    kept = _history(project)
    for command in COMMANDS:
        result = CliRunner().invoke(main, list(command), catch_exceptions=False)
        output = result.output + (result.stderr if result.stderr_bytes is not None else "")
        assert result.exit_code != INTERNAL_ERROR and "internal error" not in output, \
            f"{' '.join(command)}\n{output}"
        assert result.exit_code in (0, 1, 2), f"{' '.join(command)}: {result.exit_code}\n{output}"
        if command[0] in ("publish", "history"):  # how often each is reached: --hypothesis-show-statistics
            event(f"{' '.join(c for c in command if c in ('publish', 'history', '--records'))}: "
                  f"exit {result.exit_code}")
        if result.exit_code == 2:  # a refusal is a sentence, not a crash
            assert output.strip().splitlines()[-1].startswith(("noticegen: error:", "Error:")), output
        if command[0] == "publish":  # the record is only ever added to, and only by a publish that succeeds
            after = _history(project)
            if result.exit_code:
                assert after == kept, output
            assert after["history/ledger.jsonl"].startswith(kept["history/ledger.jsonl"]), output
            assert all(after[path] == kept[path] for path in kept if path != "history/ledger.jsonl"), output
        if command[0] == "history":  # what was published before the edit
            assert result.exit_code == 0, output
            assert re.search(r"^The record of processing: \d+ kept cop" if "--records" in command
                             else r"^How we use pupil information \(pupils\): 1 version$", output, re.M), output
    from noticegen.commands.serve import Preview  # the live preview's problem panel

    preview = Preview(project)
    preview.refresh()
    assert not any(p.rule == "internal-error" for p in preview.problems), preview.problems
    shutil.rmtree(project, ignore_errors=True)
