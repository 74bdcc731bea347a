"""Import: turn a school's existing record of processing (a spreadsheet) into a project.

Two layouts are understood: the ICO's documentation template for controllers, in the
many shapes schools have adapted it to, and noticegen's own ``ropa.xlsx``/``ropa.csv``
(so a record built by noticegen comes back as the same rows). Each row becomes one
activity; the names a row gives for individuals, data, recipients, sources and
retention become entries of the registers, with ids made from the names and the
different spellings of one thing put together. What the importer cannot match (a
lawful basis it does not recognise, a recipient's kind) is left as a ``TODO(...)``
placeholder carrying the school's own words, which ``check`` then reports at its line.

Reading the spreadsheet is :mod:`noticegen.commands.importing.sheets`'s job; here the rows are made
into a project (:func:`plan_project`) and written (:func:`write_project`), never
replacing a file.

By job: ``sheets`` reads the rows, ``names`` makes ids, ``columns`` maps cells, ``writing`` writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from noticegen.commands.importing.columns import RowMapper
from noticegen.commands.importing.names import Placeholders
from noticegen.commands.importing.sheets import _Row, read_rows
from noticegen.commands.importing.writing import ImportedFile, ProjectFiles, _settings_files, write_project

__all__ = ["Plan", "plan_project", "write_project"]


@dataclass
class Plan:
    files: list[ImportedFile]
    activities: list[str]
    sentences: list[str]  # what the user should know: merges, placeholders, sheets skipped
    placeholders: int


class _Planner:
    """Makes the project's files from the rows: registers first, then activities."""

    def __init__(self, source_name: str, rows: list[_Row], controller: dict[str, str]):
        self.rows = rows
        self.todo = Placeholders()  # one count of the TODO(...) placeholders, for both
        self.values = RowMapper(rows, self.todo)
        self.files = ProjectFiles(source_name, controller, self.todo)

    def plan(self) -> tuple[list[ImportedFile], list[str]]:
        """The project's files, and the activities' ids in the rows' order."""
        self.values.gather()
        registers = [self.files.register_file(stem, entries)
                     for stem, entries in self.values.register_entries()]
        activities, notices, idents = self.activity_files()
        files = [self.files.organisation_file(self.values.policy_document()), *registers,
                 *activities, *self.files.notice_files(notices)]
        return files + _settings_files(), idents

    def activity_files(self) -> tuple[list[ImportedFile], dict[str, list[tuple[str, str]]], list[str]]:
        """Each row's activity file under an id of its own; the activities each notice the
        record names covers, with the rows that say so; the ids in the rows' order."""
        files, notices, idents = [], {}, []
        used: set[str] = set()
        for row in self.rows:
            data, comments = self.values.activity(row)
            ident = self.values.activity_id(row, data["name"])
            base, number = ident, 2
            while ident in used:
                ident, number = f"{base}-{number}", number + 1
            used.add(ident)
            idents.append(ident)
            for notice in self.values.notice_ids(row):
                notices.setdefault(notice, []).append((ident, row.where))
            files.append(self.files.activity_file(ident, row.where, data, comments))
        return files, notices, idents


def plan_project(source: Path) -> Plan:
    """Everything the import would write, and what to tell the user, without writing."""
    rows, controller, said = read_rows(source)
    planner = _Planner(Path(source).name, rows, controller)
    files, idents = planner.plan()
    sentences = said + [s[0].upper() + s[1:] + "." for s in planner.values.sentences]
    return Plan(files, idents, sentences, planner.todo.count)
