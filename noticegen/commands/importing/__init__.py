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

By job: ``sheets`` reads the rows, ``names`` makes ids and puts names together,
``decisions`` reads and writes the DPO's corrections to that, ``columns`` maps cells,
``writing`` writes, ``report`` counts what check then reports and writes the report.
"""

from __future__ import annotations

from pathlib import Path

from noticegen.classes import dataclass
from noticegen.commands.importing.columns import RowMapper
from noticegen.commands.importing.decisions import (FILE_NAME, REPORT_NAME, corrections_text,
                                                    decisions_count, read_corrections)
from noticegen.commands.importing.report import Summary, report_text, summarise
from noticegen.commands.importing.names import Placeholders
from noticegen.commands.importing.sheets import _Row, read_rows
from noticegen.commands.importing.writing import ImportedFile, ProjectFiles, _settings_files, write_project

__all__ = ["Plan", "plan_project", "write_project"]


@dataclass
class Plan:
    """What an import would write, and what the user should know about it."""

    files: list[ImportedFile]
    activities: list[str]
    sentences: list[str]  # what the user should know: merges, placeholders, sheets skipped
    placeholders: int
    summary: Summary | None = None  # what check reports on the project, and what it cannot see
    source: str = ""
    registers: dict | None = None
    kept: list | None = None

    def finish(self, folder: Path) -> list[ImportedFile]:
        """Check the project just written to ``folder`` (before it is put in place) and
        give the report to add to it; :attr:`summary` is what check found."""
        guesses = sum(f.text.count("# Check:") for f in self.files if f.relative != FILE_NAME)
        self.summary = summarise(folder, decisions_count(self.registers), guesses, len(self.kept))
        report = ImportedFile(REPORT_NAME, report_text(self.source, self.activities, self.sentences,
                                                       self.summary, self.kept, self.registers))
        self.files.append(report)
        return [report]


class _Planner:
    """Makes the project's files from the rows: registers first, then activities."""

    def __init__(self, source_name: str, rows: list[_Row], controller: dict[str, str],
                 corrections: dict | None = None):
        self.rows = rows
        self.todo = Placeholders()  # one count of the TODO(...) placeholders, for both
        self.values = RowMapper(rows, self.todo, corrections)
        self.files = ProjectFiles(source_name, controller, self.todo)
        self.idents: list[str] = []
        self.subjects: list[list[str]] = []  # each activity's subject ids, in the rows' order

    def plan(self) -> tuple[list[ImportedFile], list[str]]:
        """The project's files, and the activities' ids in the rows' order."""
        self.values.gather()
        registers = [self.files.register_file(stem, entries)
                     for stem, entries in self.values.register_entries()]
        activities, notices, idents = self.activity_files()
        if notices or any(row.own_layout for row in self.rows):
            # noticegen's own record names the notices (or none): they come back as they were
            notice_files = self.files.notice_files(notices)
        else:
            notice_files = [self.files.proposed_notice(*notice) for notice in self.proposed_notices()]
        files = [self.files.organisation_file(self.values.policy_document()), *registers,
                 *activities, *notice_files]
        return files + _settings_files(), idents

    def proposed_notices(self):
        """The notices the import proposes, one for each audience the activities' data
        subjects belong to (:func:`audience_of`), each listing the activities whose
        subjects it covers: (slug, title, audience, activities, subject names)."""
        names = {g.ident: g.name for g in self.values.registers["subject"].groups}
        proposed: dict[str, list] = {}
        for ident, subjects in zip(self.idents, self.subjects):
            for subject in subjects:
                if subject not in names:
                    continue  # a placeholder: the row names no one
                slug_, title, audience = audience_of(names[subject], subject)
                notice = proposed.setdefault(slug_, [slug_, title, audience, [], []])
                if ident not in notice[3]:
                    notice[3].append(ident)
                if names[subject] not in notice[4]:
                    notice[4].append(names[subject])
        return list(proposed.values())

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
            self.subjects.append(data["subjects"])
            for notice in self.values.notice_ids(row):
                notices.setdefault(notice, []).append((ident, row.where))
            files.append(self.files.activity_file(ident, row.where, data, comments))
        self.idents = idents
        return files, notices, idents


_AUDIENCES = (
    ("governors-and-volunteers", "How we use governor and volunteer information",
     "Governors, trustees, members and volunteers",
     r"\b(governor|trustee|volunteer|members? of the (trust|board)|clerk to)"),
    ("school-workforce", "How we use school workforce information",
     "People employed by the school or otherwise engaged to work at it",
     r"\b(staff|employee|workforce|teacher|job applicant|applicants? for (a )?(job|post|vacanc)|"
     r"candidate|supply|agency worker|trainee|teaching assistant|support staff|headteacher)"),
    ("pupils", "How we use pupil information", "Pupils and their parents or carers",
     r"\b(pupil|student|child|learner|parent|carer|guardian|famil|looked[- ]after|alumni|"
     r"leaver|emergency contact|next of kin)"),
    ("visitors", "How we use visitor information", "Visitors to the school, including contractors",
     r"\b(visitor|contractor|member of the public|members of the public|public)"),
)
"""The audiences a school's notices usually address (the DfE model notices for pupils
and for the school workforce, and the notices schools add for governors and
volunteers and for visitors), each with the words that place a data subject in it."""


def audience_of(name: str, ident: str) -> tuple[str, str, str]:
    """The notice (slug, title, audience) a data subject belongs in: one of the usual
    audiences, else a notice of its own."""
    import re

    for slug_, title, audience, words in _AUDIENCES:
        if re.search(words, name.lower()):
            return slug_, title, audience
    return ident, f"How we use information about {name[:1].lower() + name[1:]}", name


def plan_project(source: Path, names: Path | None = None) -> Plan:
    """Everything the import would write, and what to tell the user, without writing.
    ``names`` is the DPO's corrections file (import-names.yaml) from an earlier import.
    The corrections file for the new project is among the files; the report is made when
    the project is written (:meth:`Plan.finish`)."""
    corrections = read_corrections(names) if names is not None else None
    rows, controller, said = read_rows(source)
    name = Path(source).name
    planner = _Planner(name, rows, controller, corrections)
    files, idents = planner.plan()
    sentences = said + [s[0].upper() + s[1:] + "." for s in planner.values.sentences]
    registers = planner.values.registers
    files.insert(0, ImportedFile(FILE_NAME, corrections_text(name, registers)))
    return Plan(files, idents, sentences, planner.todo.count, source=name, registers=registers,
                kept=planner.values.kept)
