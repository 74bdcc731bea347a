"""Check: run the rules on the resolved model of a loaded project, or of every school of a trust.

The rules themselves live in :mod:`noticegen.rules`, grouped by concern, each with a
stable id, a default severity and a one-line summary (``noticegen rules`` prints them).
Rules only see files that loaded and passed their schema (schema first,
cross-references second), and each problem is placed at the value it is about. A
project's ``noticegen.yaml`` may change a rule's severity or turn it off, with its
reason in a comment.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from noticegen.classes import dataclass, field
from noticegen.model.resolve import Model, resolve
from noticegen.problems import Problem, Problems, Severity
from noticegen.load.reader import LoadedProject, LoadedTrust
from noticegen.rules.registry import RULES, Context, problem, run_rules
# Each concern's module registers its rules on import, in the order 'noticegen rules' lists them.
from noticegen.rules import (  # noqa: F401
    files as _files, references as _references, notices as _notices, lawful_basis as _lawful_basis,
    transparency as _transparency, records as _records, trusts as _trusts, languages as _languages,
    readability as _readability, publishing as _publishing, wording as _wording, history as _history,
    consent as _consent)
from noticegen.load.validate import did_you_mean

E = Severity.ERROR

@dataclass
class CheckResult:
    """What a check found, with the model it checked (None when loading failed)."""

    problems: list[Problem]
    model: Model | None
    loaded: LoadedProject | None
    schools: dict[str, "CheckResult"] = field(default_factory=dict)
    """For a trust: each school's own result (its model is what gets built)."""
    files: set[str] = field(default_factory=set)

    def failed(self, strict: bool = False, draft: bool = False) -> bool:
        """Whether the problems stop a build; a draft tolerates placeholders (they are
        shown marked) but nothing else."""
        return any((strict or p.severity is E) and not (draft and (p.rule == "placeholder" or p.placeholder))
                   for p in self.problems)


def check(loaded: LoadedProject | LoadedTrust, today: dt.date | None = None,
          strict: bool = False, *, renderer: Callable[[Model], object], read_back: bool = True) -> CheckResult:
    """Resolve and check a loaded project (or every school of a loaded trust); collect every
    problem. ``strict`` also runs the rules that only a strict check reports (the record of
    processing's gaps). ``renderer`` makes a model's notice renderer: rules come before
    rendering, so the reading-age rule is handed one to measure the text a notice's
    templates write (the commands give :class:`noticegen.render.html.Renderer`)."""
    if isinstance(loaded, LoadedTrust):
        return _check_trust(loaded, today, strict, renderer, read_back)
    return check_loaded(loaded, today, strict, renderer=renderer, read_back=read_back)


def check_loaded(loaded: LoadedProject, today: dt.date | None = None,
                 strict: bool = False, *, renderer: Callable[[Model], object], read_back: bool = True) -> CheckResult:
    model = resolve(loaded)
    problems = Problems()
    found = list(run_rules(Context(model, loaded, today or dt.date.today(), strict, renderer,
                                   read_back)))
    # a placeholder standing for an id is reported once, by the reference rules
    taken = {p.location for p in found if p.rule.startswith("undeclared-")}
    problems.extend(p for p in loaded.problems if not (p.rule == "placeholder" and p.location in taken))
    problems.extend(found)
    return CheckResult(_apply_config(model, problems), model, loaded, files=set(loaded.files))


_USED_ELSEWHERE = ("unused-declaration", "activity-without-notice")


def _check_trust(trust: LoadedTrust, today: dt.date | None, strict: bool,
                 renderer: Callable[[Model], object], read_back: bool = True) -> CheckResult:
    """Check every school; a problem in the trust's own files is reported once if every
    school has it, and otherwise once per school that has it, naming the school."""
    trust_problems = trust.problems
    results = {ident: check_loaded(loaded, today, strict, renderer=renderer, read_back=read_back)
               for ident, loaded in trust.schools.items()}
    holders: dict[Problem, list[str]] = {}
    for ident, result in results.items():
        for found in result.problems:
            holders.setdefault(found, []).append(ident)
    merged = list(trust_problems)
    for found, idents in holders.items():
        if found.location.path.startswith("schools/") or len(idents) == len(results):
            merged.append(found)
        elif found.rule in _USED_ELSEWHERE:
            continue  # another school uses it
        else:
            merged.extend(Problem(found.location, found.rule,
                                  f"{found.message} (school {ident})", found.severity)
                          for ident in idents)
    files = set().union(*(r.files for r in results.values())) if results else set()
    return CheckResult(sorted(set(merged), key=Problem.sort_key), None, None, results, files)


def _apply_config(model: Model, problems: Problems) -> list[Problem]:
    """Apply noticegen.yaml's severity changes; report rules it names that do not exist."""
    settings = model.config.data.get("rules", {}) if model.config else {}
    result = []
    for found in problems.sorted():
        setting = settings.get(found.rule)
        if setting == "off":
            continue
        if setting is not None:
            found = Problem(found.location, found.rule, found.message, Severity(setting))
        result.append(found)
    for name in settings:
        if name not in RULES:
            location = model.config.locate(("rules", name), key=True)
            result.append(problem(location, "unknown-rule",
                                  f"there is no rule '{name}'{did_you_mean(name, RULES)}; "
                                  "'noticegen rules' lists them"))
    return sorted(result, key=Problem.sort_key)

