"""Diff: what changed in the data map between two git revisions, and which notices each
change reaches, for the terminal or a pull request. Reading a revision is
:mod:`noticegen.load.revision`'s; comparing two models is :mod:`noticegen.model.changes`'s.
"""

from __future__ import annotations

from pathlib import Path

from dataclasses import dataclass

from noticegen.load.revision import WORK_TREE, default_base, load_revision
from noticegen.model.changes import Diff, diff_models
from noticegen.model.resolve import resolve
from noticegen.problems import Problem, Severity


@dataclass
class Unreadable(Exception):
    """A revision whose data map does not load: comparing it would report what could not
    be read as removed."""

    revision: str
    problems: list[Problem]


def diff_project(root: Path, old: str | None = None, new: str | None = WORK_TREE,
                 school: str | None = None) -> Diff:
    """What changed between two revisions; raises :class:`Unreadable` when either has
    files that do not load or pass their schema (their entries would seem removed)."""
    root = Path(root)
    old = old or default_base(root)
    models = []
    for revision in (old, new):
        loaded = load_revision(root, revision, school)
        errors = [p for p in loaded.problems if p.severity is Severity.ERROR]
        if errors:
            raise Unreadable(revision or "the work tree", sorted(errors, key=Problem.sort_key))
        models.append(resolve(loaded))
    return diff_models(models[0], models[1], old, new or "the work tree")
