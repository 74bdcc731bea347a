"""The import's report: what the DPO must do next, counted as ``check`` counts it.

The summary is not estimated: the project is checked where it is written, before it is
put in place, and its problems are grouped by what the DPO must do (values to fill in,
the rest by rule). What ``check`` cannot see is counted beside it: names to confirm
(``import-names.yaml``), guesses to check (``# Check:`` comments) and what the record
says that no field holds (kept beside its row). The same words go to the terminal and
to ``import-report.md`` in the new project.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from noticegen.classes import dataclass, field
from noticegen.commands.importing.names import _places, comment_safe


@dataclass
class Summary:
    """What check reports on an imported project, counted for the import's report."""

    errors: int
    warnings: int
    to_fill: int  # TODO(...) placeholders, wherever check reports them
    others: Counter = field(default_factory=Counter)  # (rule, severity) -> count
    names: int = 0  # merges and near misses to confirm
    guesses: int = 0  # '# Check:' notes
    kept: int = 0  # things no field holds, kept beside their rows

    def lines(self, folder: str) -> list[str]:
        """The summary in plain sentences, for the terminal and the report."""
        said = [f"check finds {_plural(self.errors, 'error')} and {_plural(self.warnings, 'warning')} "
                f"in the new project ('noticegen check {folder}' lists each at its line):"]
        said.append(f"  {self.to_fill} to fill in: TODO(...) placeholders for what the record does not "
                    "give, or gives in words that could not be matched")
        for (rule, severity), count in sorted(self.others.items()):
            said.append(f"  {count} {severity}{'s' if count != 1 else ''} [{rule}]: "
                        f"'noticegen explain {rule}' says what it asks")
        said.append("check cannot see these, so the import counts them:")
        said.append(f"  {self.names} name{'s' if self.names != 1 else ''} to confirm: merges and near "
                    "misses listed in import-names.yaml")
        said.append(f"  {self.guesses} guess{'es' if self.guesses != 1 else ''} to check: the lines marked "
                    "'# Check:' in the data map")
        said.append(f"  {self.kept} thing{'s' if self.kept != 1 else ''} the record says that no field "
                    f"holds, kept beside {'its row' if self.kept == 1 else 'their rows'} (import-report.md)")
        return said


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summarise(folder: Path, names: int, guesses: int, kept: int) -> Summary:
    """Check the project written to ``folder`` and count what check reports."""
    from noticegen.commands.check import check_project

    problems = check_project(Path(folder)).problems
    errors = sum(p.severity.value == "error" for p in problems)
    to_fill = [p for p in problems if p.rule == "placeholder" or p.placeholder or "TODO(" in p.message]
    others = Counter((p.rule, p.severity.value) for p in problems if p not in to_fill)
    return Summary(errors, len(problems) - errors, len(to_fill), others, names, guesses, kept)


def report_text(source: str, activities: list[str], sentences: list[str], summary: Summary,
                kept: list[tuple[str, str, str]], registers) -> str:
    """import-report.md: the summary, every merge and near miss with its rows, what was
    kept beside its row, and what else the import said."""
    from noticegen.commands.importing.decisions import FILE_NAME, KINDS

    def safe(text: str) -> str:  # one line, and no Markdown or HTML a reader would not see
        return comment_safe(text).replace("<", "&lt;").replace("`", "'")

    out = [f"# What 'noticegen import' did with {safe(source)}", "",
           f"It made {len(activities)} activit{'ies' if len(activities) != 1 else 'y'}, one for each row "
           "of the record of processing. This report lists what you must decide or fill in before the "
           "notices can be published.", "", "## What to do next", ""]
    out += [("  - " if line.startswith("  ") else "- ") + safe(line.strip()) for line in summary.lines(".")]
    out += ["", "## Names put together, and names kept apart", "",
            f"Change any decision in `{FILE_NAME}` and import again with `--names {FILE_NAME}`.", ""]
    any_names = False
    for kind, key in KINDS.items():
        register = registers[kind]
        for group in register.groups:
            if len(group.names) > 1:
                any_names = True
                out.append(f"- **same** ({key}): {'; '.join(safe(n) for n in group.names)} → "
                           f"'{safe(group.name)}' (`{group.ident}`). Why: "
                           f"{safe('; '.join(group.reasons) or 'written alike')}. From "
                           f"{safe(_places(group.where))}.")
        for miss in register.near_misses:
            any_names = True
            where = register.seen[miss.first] + register.seen[miss.second]
            out.append(f"- **different** ({key}): {safe(miss.first)} / {safe(miss.second)}. Why: "
                       f"{safe(miss.reason)}. From {safe(_places(where))}.")
    if not any_names:
        out.append("- Every name was written one way only: there is nothing to decide.")
    out += ["", "## Kept beside its row (no field holds it)", ""]
    out += [f"- {safe(where)}: {safe(what)}: {safe(text)}" for where, what, text in kept] or \
        ["- Nothing: every value the record gives has a field."]
    out += ["", "## What else the import said", ""]
    out += [f"- {safe(sentence)}" for sentence in sentences] or ["- Nothing else."]
    return "\n".join(out) + "\n"
