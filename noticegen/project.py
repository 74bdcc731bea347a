"""Load a whole project: find its files, read each one, and validate it.

This is the front of the pipeline for a project folder: it knows the layout
(``datamap/``, ``datamap/activities/``, ``notices/``, ``notices/_blocks/``, an optional
``noticegen.yaml``), reads every file with :mod:`noticegen.loader`, splits each notice
into its front matter and its prose blocks, and validates each document against its
schema with :mod:`noticegen.validate`. What it returns is a bag of checked documents;
:mod:`noticegen.model` turns them into one model.

A file that cannot be read or parsed, or that fails its schema, is reported and kept
out of the model, so later stages only see values of the right shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from noticegen.loader import MAX_FILE_BYTES, Document, LoadError, decode, parse
from noticegen.problems import Location, NoticegenError, Problem, Problems, Severity
from noticegen.validate import validate

DATAMAP = "datamap"
ACTIVITIES = "datamap/activities"
NOTICES = "notices"
BLOCKS = "notices/_blocks"
CONFIG = "noticegen.yaml"

REGISTERS = {
    # file stem: (top-level key, the kind of thing one entry is)
    "subjects": "subject",
    "categories": "category",
    "sources": "source",
    "recipients": "recipient",
    "legislation": "legislation",
    "retention": "retention",
}
"""Register files in ``datamap/`` and the name of one of their entries."""

PLACEHOLDER = re.compile(r"TODO\((?P<what>[^()\n]{0,100})\)")
"""A value still to be filled in, as `noticegen init` writes them: TODO(school name)."""

_BLOCK_MARKER = re.compile(r"^<!--\s*section:\s*(?P<id>\S*?)\s*-->\s*$")
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

INTRODUCTION = "introduction"
"""The block name of prose written before a notice's first section marker."""


@dataclass
class Block:
    """A piece of Markdown prose and where it starts."""

    id: str
    text: str
    path: str
    line: int  # the line of the prose's first character
    anchor: Location | None = None
    """For prose inside a YAML value: every place in it is reported at the value."""

    def locate(self, offset: int) -> Location:
        """The place of character ``offset`` of :attr:`text`."""
        if self.anchor is not None:
            return self.anchor
        before = self.text[:offset]
        line = self.line + before.count("\n")
        column = offset - (before.rfind("\n") + 1) + 1
        return Location(self.path, line, column)


@dataclass
class NoticeSource:
    slug: str
    front: Document
    blocks: dict[str, Block]


@dataclass
class LoadedProject:
    """Every file of a project that loaded and passed its schema."""

    root: Path
    organisation: Document | None = None
    config: Document | None = None
    registers: dict[str, Document] = field(default_factory=dict)
    activities: dict[str, Document] = field(default_factory=dict)
    notices: dict[str, NoticeSource] = field(default_factory=dict)
    blocks: dict[str, Block] = field(default_factory=dict)
    declared_elsewhere: dict[str, set[str]] = field(default_factory=dict)
    """Ids seen in files that failed to load or validate: declared, though not usable.

    References to them are not reported as undeclared (the file's own problem is), and
    the unused-declaration rule stays quiet while any file is broken."""
    unreadable_registers: set[str] = field(default_factory=set)
    """Register kinds whose file is missing or unreadable: their ids are unknown."""
    problems: Problems = field(default_factory=Problems)
    files: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when every file loaded and passed its schema."""
        return not any(p.severity is Severity.ERROR for p in self.problems)


def load_project(root: Path) -> LoadedProject:
    """Read and validate every file of the project at ``root``.

    Raises :class:`NoticegenError` (exit 2) only when ``root`` is not a project at all;
    every problem inside the project is collected in ``problems``.
    """
    root = Path(root)
    if not root.is_dir():
        raise NoticegenError(f"{root}: no such folder")
    if not (root / DATAMAP).is_dir():
        raise NoticegenError(f"{root}: not a noticegen project (there is no {DATAMAP}/ folder; "
                             "'noticegen init' makes one)")
    project = LoadedProject(root.resolve())

    project.config = _load_yaml(project, CONFIG, "config", required=False)
    project.organisation = _load_yaml(project, f"{DATAMAP}/organisation.yaml", "organisation")
    for stem in REGISTERS:
        document = _load_yaml(project, f"{DATAMAP}/{stem}.yaml", stem,
                              declared_key=stem)
        if document is not None:
            project.registers[stem] = document
        elif REGISTERS[stem] not in project.declared_elsewhere:
            project.unreadable_registers.add(REGISTERS[stem])
    for relative in _files(project, ACTIVITIES, ".yaml"):
        stem = relative.rsplit("/", 1)[-1][: -len(".yaml")]
        if _valid_name(project, relative, stem):
            document = _load_yaml(project, relative, "activity", declared=("activity", stem))
            if document is not None:
                project.activities[stem] = document
    for relative in _files(project, BLOCKS, ".md"):
        stem = relative.rsplit("/", 1)[-1][: -len(".md")]
        if _valid_name(project, relative, stem):
            text = _read_text(project, relative)
            if text is not None:
                project.blocks[stem] = Block(stem, text, relative, 1)
                project.problems.extend(_placeholders_in_text(project.blocks[stem]))
            else:
                project.declared_elsewhere.setdefault("block", set()).add(stem)
    for relative in _files(project, NOTICES, ".md"):
        stem = relative.rsplit("/", 1)[-1][: -len(".md")]
        if _valid_name(project, relative, stem):
            notice = _load_notice(project, relative, stem)
            if notice is not None:
                project.notices[stem] = notice
    return project


def _files(project: LoadedProject, folder: str, suffix: str) -> list[str]:
    """The project-relative paths of ``folder``'s files with ``suffix``, sorted.

    Files with a near-miss suffix (``.yml``, ``.markdown``) are reported rather than
    silently ignored; symbolic links leading out of the project are refused.
    """
    directory = project.root / folder
    if not directory.is_dir():
        return []
    found = []
    near_misses = {".yaml": (".yml",), ".md": (".markdown", ".txt")}[suffix]
    for path in sorted(directory.iterdir()):
        relative = f"{folder}/{path.name}"
        if path.name.startswith(".") or not path.is_file():
            continue
        if path.suffix == suffix:
            found.append(relative)
        elif path.suffix in near_misses:
            project.problems.add(Location(relative), "ignored-file",
                                 f"ignored: noticegen reads only *{suffix} files here; "
                                 f"rename it to {path.stem}{suffix}", Severity.WARNING)
    return found


def _valid_name(project: LoadedProject, relative: str, stem: str) -> bool:
    if _ID.match(stem):
        return True
    project.problems.add(Location(relative), "file-name",
                         f"'{stem}' is not a valid id, so the file cannot be referred to; "
                         "name it with lower-case words joined by hyphens")
    return False


def _read_bytes(project: LoadedProject, relative: str) -> bytes | None:
    path = project.root / relative
    try:
        real = path.resolve(strict=True)
    except OSError as exc:
        project.problems.add(Location(relative), "unreadable", f"cannot read file: {exc.strerror or exc}")
        return None
    if not real.is_relative_to(project.root):
        project.problems.add(Location(relative), "outside-project",
                             "the file is a link to a place outside the project; "
                             "noticegen reads only the project's own files")
        return None
    try:
        size = real.stat().st_size
        if size > MAX_FILE_BYTES:  # say so without reading it all
            project.problems.add(Location(relative), "file-too-large",
                                 f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
            project.files.append(relative)
            return None
        raw = real.read_bytes()
    except OSError as exc:
        project.problems.add(Location(relative), "unreadable", f"cannot read file: {exc.strerror or exc}")
        return None
    project.files.append(relative)
    return raw


def _read_text(project: LoadedProject, relative: str) -> str | None:
    raw = _read_bytes(project, relative)
    if raw is None:
        return None
    try:
        return decode(raw, relative)
    except LoadError as exc:
        project.problems.extend([exc.problem])
        return None


def _load_yaml(project: LoadedProject, relative: str, kind: str, required: bool = True,
               declared_key: str | None = None, declared=None) -> Document | None:
    if not (project.root / relative).exists() and not (project.root / relative).is_symlink():
        if required:
            project.problems.add(Location(relative), "missing-file",
                                 f"{relative} is missing; every project needs one")
        return None
    text = _read_text(project, relative)
    if text is None:
        return None
    try:
        document = parse(text, relative)
    except LoadError as exc:
        project.problems.extend([exc.problem])
        _remember_declared(project, kind, declared, None)
        return None
    placeholders = _placeholders_in(document)
    project.problems.extend(placeholders)
    # A placeholder where an email or a number belongs fails the schema too: say it once.
    filled_in = {p.location for p in placeholders}
    problems = [p for p in validate(document, kind) if p.location not in filled_in]
    if problems:
        project.problems.extend(problems)
        _remember_declared(project, kind, declared, document, declared_key)
        return None
    return document


def _placeholders_in(document: Document) -> list[Problem]:
    found = []

    def walk(value, path):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, path + (key,))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, path + (index,))
        elif isinstance(value, str):
            for match in PLACEHOLDER.finditer(value):
                found.append(_placeholder(document.locate(path), match["what"]))

    walk(document.data, ())
    return found


def _placeholder(location: Location, what: str) -> Problem:
    return Problem(location, "placeholder",
                   f"placeholder TODO({what}) is still to be filled in")


def _placeholders_in_text(block: Block) -> list[Problem]:
    return [_placeholder(block.locate(match.start()), match["what"])
            for match in PLACEHOLDER.finditer(block.text)]


def _remember_declared(project, kind, declared, document, declared_key=None) -> None:
    """Note the ids a broken file declares, so references to them are not reported too."""
    if declared is not None:
        project.declared_elsewhere.setdefault(declared[0], set()).add(declared[1])
    if document is not None and declared_key:
        entries = document.data.get(declared_key) if isinstance(document.data, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                project.declared_elsewhere.setdefault(REGISTERS[declared_key], set()).add(entry["id"])


def _load_notice(project: LoadedProject, relative: str, slug: str) -> NoticeSource | None:
    text = _read_text(project, relative)
    if text is None:
        return None
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        project.problems.add(Location(relative), "front-matter",
                             "a notice starts with front matter: a line '---', YAML, then '---'")
        return None
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.rstrip() in ("---", "..."))
    except StopIteration:
        project.problems.add(Location(relative), "front-matter",
                             "the front matter is never closed: add a line '---' after it")
        return None
    try:
        front = parse("\n".join(lines[1:end]), relative, line_offset=1)
    except LoadError as exc:
        project.problems.extend([exc.problem])
        project.declared_elsewhere.setdefault("notice", set()).add(slug)
        return None
    placeholders = _placeholders_in(front)
    project.problems.extend(placeholders)
    filled_in = {p.location for p in placeholders}
    problems = [p for p in validate(front, "notice") if p.location not in filled_in]
    if problems:
        project.problems.extend(problems)
        project.declared_elsewhere.setdefault("notice", set()).add(slug)
        return None
    blocks = _split_blocks(project, relative, lines, end + 1)
    for block in blocks.values():
        project.problems.extend(_placeholders_in_text(block))
    return NoticeSource(slug, front, blocks)


def _split_blocks(project: LoadedProject, relative: str, lines: list[str], first: int) -> dict[str, Block]:
    """The body's prose blocks, split at ``<!-- section: ID -->`` lines."""
    blocks: dict[str, Block] = {}
    current, start, body = INTRODUCTION, first, []

    def close():
        text = "\n".join(body).strip("\n")
        if current is None:
            return
        if current != INTRODUCTION or text.strip():
            leading = len(body) - len("\n".join(body).lstrip("\n").split("\n"))
            blocks[current] = Block(current, text, relative, start + 1 + leading)

    for number, line in enumerate(lines[first:], first):
        match = _BLOCK_MARKER.match(line)
        if not match:
            body.append(line)
            continue
        close()
        block_id = match["id"]
        if not _ID.match(block_id):
            project.problems.add(Location(relative, number + 1, 1), "block-id",
                                 f"'{block_id}' is not a valid section id; use lower-case "
                                 "words joined by hyphens")
            block_id = None  # its prose is reported, not shown
        elif block_id in blocks:
            project.problems.add(Location(relative, number + 1, 1), "duplicate-block",
                                 f"section '{block_id}' already has prose on line "
                                 f"{blocks[block_id].line - 1}; merge the two")
        current, start, body = block_id, number + 1, []
    close()
    return blocks
