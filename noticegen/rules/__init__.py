"""Stage 3, rules: every check noticegen applies to a resolved model, grouped by concern, and the run that collects their problems.

Each rule has a stable id, a default severity and a one-line summary, declared in the
module that applies it, beside the small function that finds it. ``RULES`` gathers them
all (``noticegen rules`` prints them); :func:`run_rules` runs every rule function on one
model. The modules, by concern:

- :mod:`~noticegen.rules.files`: reading files and schemas (the loader and validator
  report these; the ids live here so every rule is listed in one place);
- :mod:`~noticegen.rules.references`: ids, references, prose and unused declarations;
- :mod:`~noticegen.rules.notices`: notice sections and review dates;
- :mod:`~noticegen.rules.lawful_basis`: UK GDPR Art 6, 9 and 10 and DPA 2018 s10 and
  Schedule 1;
- :mod:`~noticegen.rules.transparency`: what Art 13 and 14 make a notice say (contacts,
  the DPO, complaints, sources, provision, transfers, consent, automated decisions);
- :mod:`~noticegen.rules.records`: retention and the record of processing (Art 30);
- :mod:`~noticegen.rules.trusts`: schools laid over a trust's base;
- :mod:`~noticegen.rules.languages`: notices in several languages (nothing left
  untranslated, every version saying the same).
- :mod:`~noticegen.rules.readability`: notices against their reading age (Art 12(1)).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Iterator

from noticegen.model.resolve import Model
from noticegen.problems import Location, Problem, Severity
from noticegen.load.project import LoadedProject

E, W = Severity.ERROR, Severity.WARNING

PUBLIC_AUTHORITIES = ("school", "trust", "local-authority")
"""Organisation kinds that are public authorities (DPA 2018 s7): they must designate a
DPO (Art 37(1)(a)) and cannot rely on (ea) or (f) for their tasks (Art 6(1), closing words)."""


@dataclass
class Context:
    """What a rule function is given: the model, the files it came from, the date to
    check review dates against, and whether the check is strict."""

    model: Model
    loaded: LoadedProject
    today: dt.date
    strict: bool = False


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


# The modules register their rules on import, in the order noticegen rules lists them.
from noticegen.rules import files, references, notices, lawful_basis, transparency, records, trusts, languages, readability  # noqa: E402,F401
