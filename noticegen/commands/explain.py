"""Explain: where one declared thing is used and what would break without it."""

from __future__ import annotations

from pathlib import Path

import click

from noticegen.commands.check import check_project
from noticegen.load.reader import require_school
from noticegen.model.reach import KINDS, kinds_of, reach
from noticegen.load.validate import did_you_mean


def _declared_at(model, kind: str, ident: str) -> str:
    thing = model.declared(kind)[ident]
    if kind in ("activity", "notice"):
        return str(thing.entry.where() if kind == "notice" else thing.where())
    if kind == "block":
        return f"{thing.path}:1:1"
    if kind == "basis":
        return thing.url
    return str(thing.where("id"))


def _name(model, kind: str, ident: str) -> str:
    from noticegen.text.i18n import display

    thing = model.declared(kind)[ident]
    if kind == "notice":
        return display(thing.entry["title"])
    if kind == "block":
        return "shared prose block"
    if kind == "basis":
        return f"{thing.reference}: {thing.name}"
    if kind == "legislation":
        return display(thing["title"])
    return display(thing["name"])


def explain_text(root: Path, ident: str, school: str | None = None) -> str:
    return explain(root, ident, school)[0]


def explain(root: Path, ident: str, school: str | None = None) -> tuple[str, list]:
    """Where ``ident`` is used and what removing it breaks, and the errors check finds in
    the project (the explanation covers only what loaded)."""
    require_school(root, school)
    result = check_project(root)
    errors = [p for p in result.problems if p.severity.value == "error"]
    model = result.schools[school].model if school else result.model
    if ":" in ident:
        kind, ident = ident.split(":", 1)
        if kind not in KINDS:
            raise click.BadParameter(f"unknown kind '{kind}'{did_you_mean(kind, KINDS)}; "
                                     f"kinds: {', '.join(KINDS)}", param_hint="ID")
        kinds = [kind] if ident in model.declared(kind) else []
    else:
        kinds = kinds_of(model, ident)
    if not kinds and errors:  # it may be declared in a file that did not load
        return f"nothing that loaded is declared with id '{ident}'\n", errors
    if not kinds:
        everything = {i for kind in KINDS for i in model.declared(kind)}
        raise click.BadParameter(f"nothing is declared with id '{ident}'"
                                 f"{did_you_mean(ident, everything)}", param_hint="ID")
    lines = []
    for kind in kinds:
        found = reach(model, kind, ident)
        lines.append(f"{kind} '{ident}' ({_name(model, kind, ident)})")
        lines.append(f"  declared at {_declared_at(model, kind, ident)}")
        if found.references:
            lines.append(f"  referred to from {len(found.references)} place(s):")
            for ref in sorted(found.references, key=lambda r: r.location):
                lines.append(f"    {ref.location}  ({ref.owner.replace(':', ' ', 1)})")
        else:
            lines.append("  referred to from nowhere: removing it breaks nothing")
        if found.activities:
            from noticegen.text.i18n import display

            rows = ", ".join(f"{a} ({display(model.activities[a].get('business_function') or model.activities[a]['name'])})"
                             for a in found.activities)
            lines.append(f"  activities (ROPA rows): {rows}")
        if found.notices:
            lines.append(f"  notices: {', '.join(found.notices)}")
        if found.references:
            rule = f"undeclared-{kind}" if kind not in ("notice",) else "undeclared-reference"
            lines.append(f"  removing it: {len(found.references)} {rule} error(s) in check"
                         + (f"; these notices would change: {', '.join(found.notices)}"
                            if found.notices else ""))
        lines.append("")
    return "\n".join(lines), errors
