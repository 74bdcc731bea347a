"""Shared fixtures: the CLI runner, the example project and the case projects."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from noticegen.cli import main

REPOSITORY = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
EXAMPLE_PARTS = ("datamap", "notices", "noticegen.yaml")


@pytest.fixture
def run(monkeypatch):
    """Run the CLI in-process in a given folder; returns click's Result."""

    def invoke(*args, cwd: Path | None = None):
        if cwd is not None:
            monkeypatch.chdir(cwd)
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


def copy_example(target: Path) -> Path:
    """A copy of the repository's example project (the school) in ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for part in EXAMPLE_PARTS:
        source = REPOSITORY / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


def build_case(case: Path, target: Path) -> Path:
    """The base test project with ``case``'s files laid over it and its deletions made."""
    shutil.copytree(CASES / "base", target)
    delete = case / "delete.txt"
    if delete.exists():
        for relative in delete.read_text().split():
            (target / relative).unlink()
    for path in sorted(case.rglob("*")):
        relative = path.relative_to(case)
        if path.is_dir() or str(relative) in ("expected.txt", "delete.txt", "args.txt"):
            continue
        destination = target / relative
        if destination.parent.is_file():  # a case may turn a file into a folder
            destination.parent.unlink()
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    return target


@pytest.fixture
def example(tmp_path) -> Path:
    return copy_example(tmp_path / "school")
