"""Diff: what changed in the data map between two git revisions, and which notices each
change reaches, for the terminal or a pull request. Reading a revision is
:mod:`noticegen.load.revision`'s; comparing two models is :mod:`noticegen.model.changes`'s.
"""

from __future__ import annotations

from pathlib import Path

from noticegen.load.revision import WORK_TREE, default_base
from noticegen.model.changes import Diff, diff_revisions


def diff_project(root: Path, old: str | None = None, new: str | None = WORK_TREE,
                 school: str | None = None) -> Diff:
    root = Path(root)
    old = old or default_base(root)
    return diff_revisions(root, old, new, school)
