"""Report: problems as text for people, annotations for GitHub Actions, or JSON.

Formats come from one small dict, ``REPORTERS``; each takes the sorted problems and
returns the whole output, so a format is one function.
"""

from __future__ import annotations

import json

from noticegen import __version__
from noticegen.text.characters import printable
from noticegen.problems import Problem, Severity


def _counts(problems: list[Problem]) -> tuple[int, int]:
    errors = sum(p.severity is Severity.ERROR for p in problems)
    return errors, len(problems) - errors


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _prefixed(problem: Problem, prefix: str) -> str:
    """The problem's path as shown: a file name holding a newline or a terminal escape
    is written with escapes, so it can never forge or hide a line of the report."""
    return printable(f"{prefix}{problem.location.path}" if prefix else problem.location.path)


def problem_lines(problems: list[Problem], prefix: str = "") -> list[str]:
    """Each problem as one line: ``path:line:col: severity[rule-id]: message``."""
    return [f"{_prefixed(p, prefix)}:{p.location.line}:{p.location.column}: "
            f"{p.severity.value}[{p.rule}]: {_one_line(p.message)}" for p in problems]


def text(problems: list[Problem], files: int, prefix: str = "") -> str:
    lines = problem_lines(problems, prefix)
    errors, warnings = _counts(problems)
    summary = f"{_plural(files, 'file')} checked: {_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
    lines.append(summary)
    return "\n".join(lines) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(problems: list[Problem], files: int, prefix: str = "") -> str:
    """GitHub Actions workflow commands: one annotation per problem."""
    lines = []
    for p in problems:
        level = "error" if p.severity is Severity.ERROR else "warning"
        props = ",".join([
            f"file={_escape_property(_prefixed(p, prefix))}",
            f"line={p.location.line}",
            f"col={p.location.column}",
            f"title={_escape_property('noticegen ' + p.rule)}",
        ])
        lines.append(f"::{level} {props}::{_escape_data(_one_line(p.message))}")
    errors, warnings = _counts(problems)
    lines.append(f"noticegen: {_plural(files, 'file')} checked: "
                 f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}")
    return "\n".join(lines) + "\n"


def json_report(problems: list[Problem], files: int, prefix: str = "") -> str:
    errors, warnings = _counts(problems)
    document = {
        "noticegen": __version__,
        "files": files,
        "errors": errors,
        "warnings": warnings,
        "problems": [
            {"path": _prefixed(p, prefix), "line": p.location.line, "column": p.location.column,
             "severity": p.severity.value, "rule": p.rule, "message": p.message}
            for p in problems
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _one_line(message: str) -> str:
    return printable(" ".join(message.split()))


REPORTERS = {"text": text, "github": github, "json": json_report}
