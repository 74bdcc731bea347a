"""Problems: what every stage reports, and the exceptions the CLI shows.

A :class:`Problem` is one finding with a stable rule id, a severity and a place
(``file:line:col``). Stages collect problems instead of raising, so a DPO sees every
mistake in one run. :class:`NoticegenError` is for the cases where a command cannot
run at all (exit 2); click prints it as one line, never as a traceback.
"""

from __future__ import annotations

from enum import Enum

import click

from noticegen.classes import dataclass, field


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A place in a project file; ``line`` and ``column`` count from 1."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One finding of a check, at the place in a file it is about."""

    location: Location
    rule: str
    message: str
    severity: Severity = Severity.ERROR
    placeholder: bool = field(default=False, compare=False)
    """Something still to fill in or confirm (a TODO(...) placeholder where an id belongs,
    a value marked illustrative): what a draft tolerates, showing it marked."""

    def sort_key(self):
        return (self.location, self.rule, self.message)

    def __str__(self) -> str:
        return f"{self.location}: {self.severity.value}[{self.rule}]: {self.message}"


@dataclass
class Problems:
    """An ordered collection of problems with the questions the CLI asks of it."""

    items: list[Problem] = field(default_factory=list)

    def add(self, location: Location, rule: str, message: str,
            severity: Severity = Severity.ERROR) -> None:
        self.items.append(Problem(location, rule, message, severity))

    def extend(self, problems) -> None:
        self.items.extend(problems)

    def sorted(self) -> list[Problem]:
        # The same problem can be reached twice (say, a value that fails two schema
        # branches the same way); report it once.
        return sorted(set(self.items), key=Problem.sort_key)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)


class NoticegenError(click.ClickException):
    """A command could not run (exit 2): unreadable project, bad usage."""

    exit_code = 2

    def show(self, file=None) -> None:
        from noticegen.text.characters import printable

        click.echo(f"noticegen: error: {printable(' '.join(self.format_message().split()))}",
                   err=True, file=file)
