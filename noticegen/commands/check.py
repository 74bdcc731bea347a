"""Check: load the project at a folder, then resolve and check it: what ``noticegen
check`` runs, and what build, serve, explain, export and the changes report start from.
Every file is validated every time: nothing read from ``build/`` decides what is valid."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from pathlib import Path

from noticegen import load
from noticegen.model.resolve import Model
from noticegen.rules.check import CheckResult, check


def check_project(root: Path, today: dt.date | None = None, strict: bool = False,
                  read_back: bool = True) -> CheckResult:
    """Load, validate, resolve and check the project (or every school of the trust) at
    ``root``; collect every problem. ``read_back`` False leaves out the strict check's
    reading of every notice for broken sentences (check --for record)."""
    with no_cycle_collection():
        return check(load.project(root), today, strict, renderer=notice_renderer, read_back=read_back)


RECORD_RULES = frozenset({"ropa-gap", "retention-action-unstated", "dpia-not-linked", "system-processor-kind", "system-without-processor"})
"""Rules about what only the record of processing needs (Art 30), not the notices."""


def for_output(problems: list, wanted: str) -> list:
    """The problems that matter for what is being prepared: ``notices`` leaves out the
    warnings about what only the record still lacks (its gaps, its processors), ``record``
    keeps those and the errors; an error is never left out; ``all`` keeps every one."""
    if wanted == "notices":
        return [p for p in problems if p.rule not in RECORD_RULES or p.severity.value == "error"]
    if wanted == "record":
        return [p for p in problems if p.rule in RECORD_RULES or p.severity.value == "error"]
    return problems


def notice_renderer(model: Model):
    """The renderer the reading-age rule measures a notice's generated text with; Jinja
    and the templates are imported only when a notice for children needs measuring."""
    from noticegen.render.html import Renderer

    return Renderer(model)


@contextlib.contextmanager
def no_cycle_collection():
    """Python's cycle collector paused while a project is loaded and checked.

    A large data map is hundreds of thousands of small containers, none of them in a
    reference cycle; the collector would walk all of them again and again as they are
    made (a third of check's time at 10,000 activities). Memory is freed as usual by
    reference counting, and the collector runs again afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
