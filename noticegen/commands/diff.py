"""Diff: what changed in the data map between two git revisions, and which notices each
change reaches, for the terminal or a pull request. Reading a revision is
:mod:`noticegen.load.revision`'s; comparing two models (and refusing a revision whose
files do not load) is :mod:`noticegen.model.changes`'s.
"""

from __future__ import annotations

from pathlib import Path

from noticegen.load.revision import WORK_TREE, default_base
from noticegen.model.changes import Diff, diff_revisions


def diff_project(root: Path, old: str | None = None, new: str | None = WORK_TREE,
                 school: str | None = None) -> Diff:
    """What changed between two revisions (by default the last tag, or HEAD, against the
    work tree); raises :class:`noticegen.model.changes.Unreadable` when either has files
    that do not load or pass their schema."""
    root = Path(root)
    return diff_revisions(root, old or default_base(root), new, school)
