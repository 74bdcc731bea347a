"""The rule registry: each rule's id, severity and summary, the rule functions, and what they are given (:class:`Context`)."""


from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterator

from noticegen.classes import dataclass
from noticegen.model.resolve import Model
from noticegen.problems import Location, Problem, Severity
from noticegen.load.reader import LoadedProject

E, W = Severity.ERROR, Severity.WARNING

PUBLIC_AUTHORITIES = ("school", "trust", "local-authority")
"""Organisation kinds that are public authorities (DPA 2018 s7): they must designate a
DPO (Art 37(1)(a)) and cannot rely on (ea) or (f) for their tasks (Art 6(1), closing words)."""


@dataclass
class Context:
    """What a rule function is given: the model, the files it came from, the date to
    check review dates against, whether the check is strict, and how to render."""

    model: Model
    loaded: LoadedProject
    today: dt.date
    strict: bool = False
    renderer: Callable[[Model], Any] | None = None
    read_back: bool = True
    """Whether a strict check reads every notice back for broken sentences (generated-text):
    not when only the record of processing is being checked (check --for record)."""
    """Makes the model's notice renderer (:class:`noticegen.render.html.Renderer`), for the
    rules that measure what a notice's templates write: rules come before rendering, so
    the command that runs them hands it over."""


RuleFunction = Callable[[Context], Iterator[Problem]]

RULES: dict[str, tuple[Severity, str]] = {}
_FUNCTIONS: list[RuleFunction] = []


def declare(rules: dict[str, tuple[Severity, str]]) -> None:
    """Add a module's rule ids; an id declared twice is a programming error."""
    clash = set(rules) & set(RULES)
    assert not clash, f"rule ids declared twice: {sorted(clash)}"
    RULES.update(rules)


def rule(function: RuleFunction) -> RuleFunction:
    """Register a rule function; it runs for every model checked."""
    _FUNCTIONS.append(function)
    return function


def problem(location: Location, rule_id: str, message: str) -> Problem:
    """A problem of a declared rule, with the rule's default severity."""
    return Problem(location, rule_id, message, RULES[rule_id][0])


def run_rules(context: Context) -> Iterator[Problem]:
    for function in _FUNCTIONS:
        yield from function(context)
