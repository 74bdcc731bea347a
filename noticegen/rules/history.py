"""Rules about the published record (history/): every kept version must be exactly what was
published, and the record only ever grows (see :mod:`noticegen.load.history`)."""

from __future__ import annotations

from typing import Iterator

from noticegen.problems import Problem
from noticegen.rules.registry import E, Context, declare, problem, rule

declare({
    "history-altered": (E, "The record of published versions (history/) is not as 'noticegen publish' left it: a kept page, fragment or PDF changed, missing or added by hand, or a ledger line edited, removed or out of order."),
    "publish-refused": (E, "A notice version 'noticegen publish' cannot keep: no published date, a version that cannot be part of a web address, or a date before the last kept version's."),
    "notice-changed-without-version": (E, "A real build found that a notice now says something different from the version of the same number kept in history/: a published text never changes under an old version number."),
})


@rule
def history_record(ctx: Context) -> Iterator[Problem]:
    """Only for a single project (a trust's schools keep no record yet)."""
    from noticegen.load import files

    model = ctx.model
    if model.school is not None or files.kind(model.root, "history") == "missing":
        return  # (most projects: the record's reader, and git, are not even imported)
    from noticegen.load import history

    ledger = history.read(model.root)
    if not ledger.exists:
        return
    found = list(ledger.problems)
    if not found:
        found = history.committed_problems(model.root, ledger)
    for where, message in found:
        yield problem(where, "history-altered", message)
