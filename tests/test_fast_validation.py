"""The compiled validators (noticegen/_generated/schemas/<kind>.py; tests/test_generated.py holds them up to date) against jsonschema.

``check`` passes a document on the compiled validator's word alone, so the one thing
that must never happen is the compiled validator passing a document jsonschema
rejects. These tests run both over every data-map document in the repository (the
example, the test projects, every good and bad case) and over thousands of variants of
them, each one value changed or removed, and require the same answer from both.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest

from noticegen.load import documents as loader

from noticegen.load import validate
from noticegen.load.reader import REGISTERS

REPOSITORY = Path(__file__).resolve().parent.parent
TESTS = REPOSITORY / "tests"

# Values that break one rule or another of every kind of field.
ODD_VALUES = ["", " ", "x", "x\n", "UPPER", "two words", "a-b", "dfe\n", "https://x.example/",
              "javascript:alert(1)", "2026-02-30", "2026-13-01", "26-1-1", "2026-01-01\n",
              "２０２６-01-01", 0, 1, -1, 1.5, 100000, True, False, None, [], [""], ["a", "a"],
              {}, {"unknown": 1}, "x" * 5000]


def _kind(relative: Path) -> str | None:
    parts = relative.parts
    if relative.name == "noticegen.yaml":
        return "config"
    if len(parts) >= 2 and parts[-2] == "activities" and relative.suffix == ".yaml":
        return "activity"
    if len(parts) >= 2 and parts[-2] == "datamap" and relative.suffix == ".yaml":
        if relative.stem == "organisation":
            return "organisation"
        return relative.stem if relative.stem in REGISTERS else None
    if len(parts) >= 2 and parts[-2] == "notices" and relative.suffix == ".md":
        return "notice"
    return None


def _documents() -> list[tuple[str, str, object]]:
    """(name, kind, data) for every readable data-map document in the repository."""
    found = []
    roots = [REPOSITORY / "datamap", REPOSITORY / "notices", REPOSITORY / "noticegen.yaml", TESTS,
             REPOSITORY / "noticegen" / "starter"]
    for root in roots:
        paths = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in paths:
            if not path.is_file() or path.is_symlink():
                continue
            kind = _kind(path.relative_to(REPOSITORY))
            if kind is None:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            if kind == "notice":
                if not text.startswith("---\n") or "\n---" not in text[4:]:
                    continue
                text = text[4:text.index("\n---", 4)]
            try:
                document = loader.parse(text, str(path))
            except loader.LoadError:
                continue
            found.append((str(path.relative_to(REPOSITORY)), kind, document.data))
    return found


DOCUMENTS = _documents()


def _jsonschema_valid(data, kind: str) -> bool:
    return not any(True for _ in validate.validator(kind).iter_errors(data))


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, path + (index,))


def _variants(data, done: set):
    """``data`` with one value replaced by each odd value, removed, or given an
    unknown key beside it; each field once (``done``: the fields already varied, list
    positions counted as one)."""
    for path in _paths(data):
        field = tuple("*" if isinstance(step, int) else step for step in path)
        if not path or field in done:
            continue
        done.add(field)
        parent = validate_value(data, path[:-1])
        for odd in ODD_VALUES:
            changed = copy.deepcopy(data)
            validate_value(changed, path[:-1])[path[-1]] = copy.deepcopy(odd)
            yield changed
        changed = copy.deepcopy(data)
        del validate_value(changed, path[:-1])[path[-1]]
        yield changed
        if isinstance(parent, dict):
            changed = copy.deepcopy(data)
            validate_value(changed, path[:-1])["not-a-field"] = "x"
            yield changed


def validate_value(data, path):
    for step in path:
        data = data[step]
    return data


def test_the_repository_holds_documents_of_every_kind():
    kinds = {kind for _, kind, _ in DOCUMENTS}
    assert kinds == set(validate.KINDS)
    assert len(DOCUMENTS) > 200


def test_both_validators_agree_on_every_document_in_the_repository():
    disagree = [(name, kind) for name, kind, data in DOCUMENTS
                if validate._passes_compiled(data, kind) != _jsonschema_valid(data, kind)]
    assert disagree == []
    # the corpus holds both answers, so agreement means something
    answers = {validate._passes_compiled(data, kind) for _, kind, data in DOCUMENTS}
    assert answers == {True, False}


@pytest.mark.parametrize("kind", validate.KINDS)
def test_the_compiled_validator_never_passes_what_jsonschema_rejects(kind):
    """Every value of the valid documents of this kind changed in turn: wherever
    jsonschema finds a problem, the compiled validator must not pass the document."""
    samples = [data for _, k, data in DOCUMENTS if k == kind and _jsonschema_valid(data, kind)]
    # one document of each shape is enough: the same fields repeat across files
    seen, distinct = set(), []
    for data in samples:
        shape = tuple(sorted(str(p) for p in _paths(data)))
        if shape not in seen:
            seen.add(shape)
            distinct.append(data)
    checked = rejected = 0
    done: set = set()
    for data in distinct:
        for variant in _variants(data, done):
            valid = _jsonschema_valid(variant, kind)
            fast = validate._passes_compiled(variant, kind)
            assert not (fast and not valid), (kind, variant)
            assert fast == valid, ("the compiled validator rejects a valid document", kind, variant)
            checked += 1
            rejected += not valid
    assert checked > 100 and rejected > 20


def test_a_valid_document_is_reported_valid_without_jsonschema():
    """The point of the compiled validators: check on valid data never imports jsonschema."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from noticegen.commands.check import check_project\n"
        f"result = check_project(Path({str(REPOSITORY)!r}))\n"
        "assert not result.failed(), result.problems[:3]\n"
        "print('jsonschema' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=REPOSITORY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
