"""Render what changed between two revisions (a :class:`noticegen.model.changes.Diff`):
as text for the terminal, or as a Markdown table for a pull request."""

from __future__ import annotations

from noticegen.model.changes import Diff


def as_text(diff: Diff) -> str:
    lines = [f"Changes from {diff.old} to {diff.new}: {len(diff.changes)}"]
    for change in diff.changes:
        lines.append(f"  {change.title}")
        lines.extend(f"      {detail}" for detail in change.details)
        lines.append(f"      reaches: {', '.join(change.notices) or 'no notice (ROPA only)'}")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in text)


def as_markdown(diff: Diff) -> str:
    lines = [f"## Privacy notice changes: {_md(diff.old)} → {_md(diff.new)}", ""]
    if not diff.changes:
        return "\n".join(lines + ["No changes to the data map or the notices.", ""])
    lines += ["| change | details | notices it reaches |", "|---|---|---|"]
    for change in diff.changes:
        details = "<br>".join(_md(d) for d in change.details) or "—"
        notices = ", ".join(_md(n) for n in change.notices) or "none (ROPA only)"
        lines.append(f"| {_md(change.title)} | {details} | {notices} |")
    return "\n".join(lines) + "\n"
