"""Load: find a project (or a trust) and read every file of it, validated, with the place of every value.

This is the front of the pipeline for a project folder: it knows the layout
(``datamap/``, ``datamap/activities/``, ``notices/``, ``notices/_blocks/``, an optional
``noticegen.yaml``), reads every file with :mod:`noticegen.load.documents`, splits each notice
into its front matter and its prose blocks, and validates each document against its
schema with :mod:`noticegen.load.validate`. What it returns is a bag of checked documents;
:mod:`noticegen.model.resolve` turns them into one model.

A file that cannot be read or parsed, or that fails its schema, is reported and kept
out of the model, so later stages only see values of the right shape.

**Trusts.** A project with a ``schools/`` folder is a multi-academy trust: its own
files are the base every school shares, and each ``schools/<id>/`` is an *overlay* laid
over that base, with the same layout, holding only what differs: organisation fields
(merged key by key), register entries (same id replaces, new id extends, ``remove:``
drops inherited ones), whole activities, notices and blocks (same name replaces; the
school's ``noticegen.yaml`` may ``remove:`` inherited ones), and templates. A school may
``extends:`` another school instead of the base alone. Files shared by many schools are
read and validated once.
"""

from __future__ import annotations

import re
from pathlib import Path

from noticegen.classes import dataclass, field
from noticegen.text import characters

from noticegen.load import files
from noticegen.load.documents import MAX_FILE_BYTES, Document, LayeredDocument, LoadError, decode, parse
from noticegen.problems import Location, NoticegenError, Problem, Problems, Severity
from noticegen.load.validate import validate

DATAMAP = "datamap"
ACTIVITIES = "datamap/activities"
NOTICES = "notices"
BLOCKS = "notices/_blocks"
CONFIG = "noticegen.yaml"
SCHOOLS = "schools"

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
_TRANSLATION = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\.[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
"""A notice in another language: notices/<slug>.<language>.md, e.g. pupils.cy.md."""

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
    """A notice file as read: its front matter and its prose blocks by id."""

    slug: str
    front: Document
    blocks: dict[str, Block]


@dataclass
class LoadedProject:
    """Every file of a project (or of one school of a trust) that loaded and passed its schema."""

    root: Path
    school: str | None = None
    layers: list[str] = field(default_factory=lambda: [""])
    """Folder prefixes, lowest first: '' is the project (or trust) itself."""
    organisation: Document | LayeredDocument | None = None
    config: Document | LayeredDocument | None = None
    registers: dict[str, list[Document]] = field(default_factory=dict)
    """Each register's file in every layer, lowest first (model.resolve merges them)."""
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
    removed_activities: set[str] = field(default_factory=set)
    """Activities a school removed; notices it inherits leave them out."""
    notice_activities: dict[str, dict[str, list]] = field(default_factory=dict)
    """A school's changes to inherited notices: slug -> {'add': [(id, Location)],
    'remove': [(id, Location)]}, from its noticegen.yaml's ``notices:``."""
    unsafe_templates: set[str] = field(default_factory=set)
    """Layer prefixes whose templates/ holds a link or special file: never used."""

    @property
    def complete(self) -> bool:
        """True when every file loaded and passed its schema."""
        return not any(p.severity is Severity.ERROR for p in self.problems)

    @property
    def template_dirs(self) -> list[Path]:
        """The project's own template folders, most specific first (a folder that holds
        a link or special file is left out: check has reported it)."""
        return [self.root / prefix / "templates" for prefix in reversed(self.layers)
                if prefix not in self.unsafe_templates]


def check_root(root: Path) -> Path:
    root = Path(root)
    if not root.is_dir():
        raise NoticegenError(f"{root}: no such folder")
    datamap = files.kind(root.resolve(), DATAMAP)
    if datamap == "unsafe":
        raise NoticegenError(f"{root}/{DATAMAP} is a symbolic link or special file; noticegen "
                             "reads only the project's own folders: put the folder itself there")
    if datamap != "folder":
        shown = "this folder" if str(root) == "." else str(root)
        raise NoticegenError(f"{shown} is not a noticegen project, and neither is any folder "
                             f"above it (a project has a {DATAMAP}/ folder). Go to your project's "
                             "folder, or name it: 'noticegen check PATH'. To start a new project, "
                             "'noticegen init NEW-FOLDER' makes one in a folder of its own")
    return root.resolve()


@dataclass
class LoadedTrust:
    """A trust as loaded: each school the trust's base with its overlays laid on, and the
    problems that belong to no one school."""

    root: Path
    schools: dict[str, LoadedProject]
    problems: Problems


def load(root: Path) -> LoadedProject | LoadedTrust:
    """The project at ``root``, read and validated: a trust when it has a ``schools/``
    folder beside its data map, else a single project (see :func:`noticegen.load.project`)."""
    # any entry in schools/ makes a trust, a link too: load_trust reports it at its place
    # (counting only real folders once turned a trust whose schools are links into a
    # single project, its schools skipped without a word)
    if _school_entries(root) and (Path(root) / DATAMAP).is_dir():
        schools, problems = load_trust(root)
        return LoadedTrust(Path(root), schools, problems)
    return load_project(root)


def load_project(root: Path) -> LoadedProject:
    """Read and validate every file of the (single) project at ``root``.

    Raises :class:`NoticegenError` (exit 2) only when ``root`` is not a project at all;
    every problem inside the project is collected in ``problems``.
    """
    return _Reader(check_root(root)).project([""])


def school_ids(root: Path) -> list[str]:
    """The schools of a trust (real folders in ``schools/``); empty for a single project.

    A school folder that is a link is no school: load_trust reports it."""
    return [e.name for e in _school_entries(root) if e.kind == "folder"]


def _school_entries(root: Path) -> list[files.Entry]:
    try:
        entries = files.list_folder(Path(root).resolve(), SCHOOLS)
    except (FileNotFoundError, NotADirectoryError):
        return []
    except files.UnsafeFile as exc:
        raise NoticegenError(f"{root}/{exc.message}") from None
    return [e for e in entries if not e.name.startswith(".")]


def require_school(root: Path, school: str | None) -> None:
    """In a trust, a command about one data map needs to be told which school's."""
    schools = school_ids(root)
    if schools and school is None:
        raise NoticegenError(f"{root} is a trust: name the school with --school "
                             f"(one of {', '.join(schools)})")
    if school is not None and school not in schools:
        raise NoticegenError(f"there is no school '{school}' in {root}/{SCHOOLS}/")


def load_trust(root: Path) -> tuple[dict[str, LoadedProject], Problems]:
    """Every school of the trust at ``root``, each the base with its overlays laid on.

    Returns the schools and the problems that belong to no one school (a school folder
    whose name is not an id, an ``extends`` that loops or names no school).
    """
    root = check_root(root)
    reader = _Reader(root)
    problems = Problems()
    ids = school_ids(root)
    for entry in _school_entries(root):
        if entry.kind != "folder":
            where = f"{SCHOOLS}/{entry.name}"
            refusal = files.refusal(where, (Path(root) / where).lstat().st_mode, "folder")
            problems.add(Location(where), refusal.rule, refusal.at(where))
    valid = [i for i in ids if _ID.fullmatch(i)]
    for ident in ids:
        if ident not in valid:
            problems.add(Location(f"{SCHOOLS}/{ident}"), "file-name",
                         f"school folder '{ident}' is not a valid id; name it with lower-case "
                         "words joined by hyphens")
    schools = {}
    for ident in valid:
        schools[ident] = reader.project(_chain(reader, ident, valid, problems), school=ident)
    return schools, problems


def _chain(reader: "_Reader", school: str, schools: list[str], problems: Problems) -> list[str]:
    """The layers of ``school``: the base, the schools it extends, then itself."""
    chain = [school]
    while True:
        relative = f"{SCHOOLS}/{chain[-1]}/{CONFIG}"
        result = reader.yaml(relative, "config") if (reader.root / relative).exists() else None
        parent = result.document.data.get("extends") if result and result.document else None
        if parent is None:
            break
        where = result.document.locate(("extends",))
        if parent not in schools:
            problems.add(where, "overlay-extends",
                         f"school '{chain[-1]}' extends '{parent}', which is not a school in "
                         f"{SCHOOLS}/")
            break
        if parent in chain:
            problems.add(where, "overlay-cycle",
                         f"school '{chain[-1]}' extends '{parent}', which extends it in turn "
                         f"({' -> '.join(chain + [parent])}); overlays must not go round in a circle")
            break
        chain.append(parent)
    return [""] + [f"{SCHOOLS}/{ident}/" for ident in reversed(chain)]


@dataclass
class _Result:
    """One file's outcome, computed once and shared by every school that reads it."""

    document: Document | None = None
    text: str | None = None
    notice: NoticeSource | None = None
    problems: list[Problem] = field(default_factory=list)
    declared: dict[str, set[str]] = field(default_factory=dict)
    read: bool = False
    path: str = ""


class _Reader:
    """Reads, parses and validates each file once per run."""

    def __init__(self, root: Path):
        self.root = root
        self.cache: dict[tuple[str, str], _Result] = {}
        self.listings: dict[tuple[str, str], tuple[list[str], list[Problem]]] = {}

    # -- a whole project, from its layers ------------------------------------------
    def project(self, layers: list[str], school: str | None = None) -> LoadedProject:
        project = LoadedProject(self.root, school, layers)
        base = layers[0]
        project.config = self._layered(project, [p + CONFIG for p in layers], "config",
                                       required=False)
        project.organisation = self._layered(project, [p + f"{DATAMAP}/organisation.yaml" for p in layers],
                                             "organisation", required=True)
        for stem in REGISTERS:
            documents = []
            broken = False
            for prefix in layers:
                relative = f"{prefix}{DATAMAP}/{stem}.yaml"
                if prefix != base and not self._exists(relative):
                    continue
                result = self.yaml(relative, stem, required=prefix == base, declared_key=stem)
                self._take(project, result)
                if result.document is not None:
                    documents.append(result.document)
                elif result.read or prefix == base:
                    broken = broken or not result.declared
            project.registers[stem] = documents
            if broken and REGISTERS[stem] not in project.declared_elsewhere:
                project.unreadable_registers.add(REGISTERS[stem])

        for prefix in layers:
            for relative in self._files(project, prefix + ACTIVITIES, ".yaml"):
                stem = relative.rsplit("/", 1)[-1][: -len(".yaml")]
                if self._valid_name(project, relative, stem):
                    result = self.yaml(relative, "activity", declared=("activity", stem))
                    self._take(project, result)
                    project.activities.pop(stem, None)
                    if result.document is not None:
                        project.activities[stem] = result.document
            for relative in self._files(project, prefix + BLOCKS, ".md"):
                stem = relative.rsplit("/", 1)[-1][: -len(".md")]
                if self._valid_name(project, relative, stem, language_suffix=True):
                    result = self.block(relative, stem)
                    self._take(project, result)
                    project.blocks.pop(stem, None)
                    if result.text is not None:
                        project.blocks[stem] = Block(stem, result.text, relative, 1)
            for relative in self._files(project, prefix + NOTICES, ".md"):
                stem = relative.rsplit("/", 1)[-1][: -len(".md")]
                if self._valid_name(project, relative, stem, language_suffix=True):
                    result = self.notice(relative, stem)
                    self._take(project, result)
                    project.notices.pop(stem, None)
                    if result.notice is not None:
                        project.notices[stem] = result.notice
        for prefix in layers:
            self._templates(project, prefix)
        self._remove(project, layers)
        return project

    def _templates(self, project: LoadedProject, prefix: str) -> None:
        """A layer's templates/ must hold only regular files and folders: a link there
        could pull any file on the machine into a published page."""
        key = (prefix + "templates", "templates")
        if key not in self.listings:
            problems = []
            try:
                files.check(self.root, prefix + "templates", "folder")
                if files.kind(self.root, prefix + "templates") == "folder":
                    for _ in files.walk(self.root, prefix + "templates"):
                        pass
            except files.UnsafeFile as exc:
                where = exc.path or prefix + "templates"
                problems.append(Problem(Location(where), exc.rule, exc.at(where)))
            except FileNotFoundError:
                pass
            self.listings[key] = ([], problems)
        problems = self.listings[key][1]
        if problems:
            project.problems.extend(problems)
            project.unsafe_templates.add(prefix)

    def _remove(self, project: LoadedProject, layers: list[str]) -> None:
        """Drop what each school layer's ``remove:`` names: a school inherits the removals
        of the school it extends."""
        if project.config is None:
            return  # no settings, or they failed their schema (reported)
        things = {"activities": project.activities, "notices": project.notices,
                  "blocks": project.blocks}
        for depth, prefix in enumerate(layers):
            config = self.cache.get((prefix + CONFIG, "config"))
            changes = config.document.data.get("notices") if config and config.document else None
            if isinstance(changes, dict):
                self._notice_changes(project, config.document, changes, depth)
            remove = config.document.data.get("remove") if config and config.document else None
            if not isinstance(remove, dict):
                continue
            for key, stems in remove.items():
                if key not in things or not isinstance(stems, list):
                    continue
                for index, stem in enumerate(stems):
                    if depth and stem in things[key]:
                        del things[key][stem]
                        if key == "activities":
                            project.removed_activities.add(stem)
                        elif key in ("notices", "blocks"):  # and its versions in other languages
                            for other in [t for t in things[key] if t.split(".", 1)[0] == stem]:
                                del things[key][other]
                        continue
                    message = (f"'{stem}' is not an inherited {key[:-1]}, so there is nothing to "
                               "remove" if depth else "remove: belongs in a school's noticegen.yaml")
                    project.problems.add(config.document.locate(("remove", key, index)),
                                         "overlay-remove", message)

    def _notice_changes(self, project: LoadedProject, document, changes: dict, depth: int) -> None:
        """A school's ``notices: {slug: {add_activities, remove_activities}}``."""
        for slug, change in changes.items():
            if not depth or slug not in project.notices:
                message = ("notices: belongs in a school's noticegen.yaml" if not depth else
                           f"'{slug}' is not a notice this school inherits, so it cannot change it")
                project.problems.add(document.locate(("notices", slug), key=True), "overlay-remove", message)
                continue
            record = project.notice_activities.setdefault(slug, {"add": [], "remove": []})
            for key, name in (("add_activities", "add"), ("remove_activities", "remove")):
                for index, ident in enumerate(change.get(key, []) if isinstance(change, dict) else []):
                    record[name].append((ident, document.locate(("notices", slug, key, index))))

    def _take(self, project: LoadedProject, result: _Result) -> None:
        project.problems.extend(result.problems)
        if result.read:
            project.files.append(result.path)
        for kind, ids in result.declared.items():
            project.declared_elsewhere.setdefault(kind, set()).update(ids)

    def _exists(self, relative: str) -> bool:
        path = self.root / relative
        return path.exists() or path.is_symlink()

    def _layered(self, project, paths: list[str], kind: str, required: bool):
        """Parse each layer's file, merge them, and validate the merged document once."""
        documents = []
        for index, relative in enumerate(paths):
            if index and not self._exists(relative):
                continue
            result = self.yaml(relative, kind, required=required and index == 0,
                               validate_it=False)
            self._take(project, result)
            if result.document is not None:
                documents.append(result.document)
            elif result.read or (index == 0 and required):
                return None
        if not documents:
            return None
        document = documents[0] if len(documents) == 1 else LayeredDocument(documents)
        key = ("validated", "|".join(d.path for d in documents), kind)
        if key not in self.cache:
            placeholders = {p.location for r in (self.cache.get((d.path, kind)) for d in documents)
                            if r for p in r.problems if p.rule == "placeholder"}
            self.cache[key] = _Result(document, problems=validate(document, kind, placeholders))
        result = self.cache[key]
        project.problems.extend(result.problems)
        return None if result.problems else document

    # -- single files, cached ------------------------------------------------------
    def _listing(self, folder: str, suffix: str) -> tuple[list[str], list[Problem]]:
        key = (folder, suffix)
        if key not in self.listings:
            found, problems = [], []
            try:
                entries = files.list_folder(self.root, folder)
            except files.UnsafeFile as exc:
                entries = []
                where = exc.path or folder
                problems.append(Problem(Location(where), exc.rule, exc.at(where)))
            except (FileNotFoundError, NotADirectoryError):
                entries = []
            near_misses = {".yaml": (".yml",), ".md": (".markdown", ".txt")}[suffix]
            for entry in entries:
                relative = f"{folder}/{entry.name}"
                path = Path(entry.name)
                if entry.name.startswith(".") or entry.kind == "folder":
                    continue
                if path.suffix == suffix:
                    found.append(relative)  # a link or special file is refused when read
                elif path.suffix in near_misses and entry.kind == "file":
                    problems.append(Problem(Location(relative), "ignored-file",
                                            f"ignored: noticegen reads only *{suffix} files "
                                            f"here; rename it to {path.stem}{suffix}",
                                            Severity.WARNING))
            self.listings[key] = (found, problems)
        return self.listings[key]

    def _files(self, project: LoadedProject, folder: str, suffix: str) -> list[str]:
        """The paths of ``folder``'s files with ``suffix``, sorted; near misses reported."""
        found, problems = self._listing(folder, suffix)
        project.problems.extend(problems)
        return found

    def _valid_name(self, project: LoadedProject, relative: str, stem: str,
                    language_suffix: bool = False) -> bool:
        if _ID.fullmatch(stem) or language_suffix and _TRANSLATION.fullmatch(stem):
            return True
        project.problems.add(Location(relative), "file-name",
                             f"'{stem}' is not a valid id, so the file cannot be referred to; "
                             "name it with lower-case words joined by hyphens")
        return False

    def _read_text(self, relative: str, result: _Result) -> str | None:
        try:
            raw = files.read_file(self.root, relative, MAX_FILE_BYTES)
        except files.UnsafeFile as exc:
            if exc.rule == "file-too-large":
                result.read, result.path = True, relative
            result.problems.append(Problem(Location(relative), exc.rule, exc.at(relative)))
            return None
        except OSError as exc:
            result.problems.append(Problem(Location(relative), "unreadable",
                                           f"cannot read file: {exc.strerror or exc}"))
            return None
        result.read, result.path = True, relative
        try:
            return decode(raw, relative)
        except LoadError as exc:
            result.problems.append(exc.problem)
            return None

    def yaml(self, relative: str, kind: str, required: bool = True, declared_key: str | None = None,
             declared=None, validate_it: bool = True) -> _Result:
        key = (relative, kind)
        if key in self.cache:
            return self.cache[key]
        result = self.cache[key] = _Result()
        if not self._exists(relative):
            if required:
                result.problems.append(Problem(Location(relative), "missing-file",
                                               f"{relative} is missing; every project needs one"))
            return result
        text = self._read_text(relative, result)
        if text is None:
            return result
        try:
            document = parse(text, relative)
        except LoadError as exc:
            result.problems.append(exc.problem)
            _remember_declared(result, declared, None)
            return result
        placeholders = _placeholders_in(document, text)
        result.problems.extend(placeholders)
        if not validate_it:
            result.document = document
            return result
        # A placeholder where an email or a number belongs fails the schema too: say it once.
        filled_in = {p.location for p in placeholders if p.rule == "placeholder"}
        problems = validate(document, kind, filled_in)
        if problems:
            result.problems.extend(problems)
            _remember_declared(result, declared, document, declared_key)
            return result
        result.document = document
        return result

    def block(self, relative: str, stem: str) -> _Result:
        key = (relative, "block")
        if key not in self.cache:
            result = self.cache[key] = _Result()
            result.text = self._read_text(relative, result)
            if result.text is None:
                result.declared.setdefault("block", set()).add(stem)
            else:
                result.problems.extend(_placeholders_in_text(Block(stem, result.text, relative, 1)))
        return self.cache[key]

    def notice(self, relative: str, slug: str) -> _Result:
        key = (relative, "notice")
        if key not in self.cache:
            result = self.cache[key] = _Result()
            text = self._read_text(relative, result)
            if text is not None:
                result.notice = _load_notice(result, text, relative, slug)
        return self.cache[key]


def _placeholders_in(document: Document, text: str | None = None) -> list[Problem]:
    """Placeholders, invisible characters and mixed-script words in the document's
    values. ``text``, the text it was read from: when that is plain ASCII with no
    escape (a backslash) and no placeholder, no value can hold any, and the values
    need not be visited one by one."""
    if text is not None and "\\" not in text and "TODO(" not in text \
            and characters.plain(text):
        return []
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
            found.extend(_characters(value, lambda offset: document.locate(path), in_value=True))

    walk(document.data, ())
    return found


def _characters(text: str, locate, in_value: bool = False) -> list[Problem]:
    """Invisible characters and mixed-script words in a text (noticegen.text.characters)."""
    found = []
    for offset, what in characters.hidden(text):
        where = " in this value" if in_value else ""
        found.append(Problem(locate(offset), "hidden-character",
                             f"the text{where} holds {what}, which a reader cannot see and which "
                             "can change what the text appears to say: delete it (retype the text)"))
    for offset, word in characters.mixed_scripts(text):
        odd = characters.join_names(characters.foreign_letters(word))
        found.append(Problem(locate(offset), "mixed-script",
                             f"'{characters.printable(word)}' mixes letters of different scripts "
                             f"({odd}), so it only looks like the word it imitates: retype it"))
    return found


def _placeholder(location: Location, what: str) -> Problem:
    return Problem(location, "placeholder",
                   f"placeholder TODO({what}) is still to be filled in")


def _placeholders_in_text(block: Block) -> list[Problem]:
    return [_placeholder(block.locate(match.start()), match["what"])
            for match in PLACEHOLDER.finditer(block.text)] + _characters(block.text, block.locate)


def _remember_declared(result: _Result, declared, document, declared_key=None) -> None:
    """Note the ids a broken file declares, so references to them are not reported too."""
    if declared is not None:
        result.declared.setdefault(declared[0], set()).add(declared[1])
    if document is not None and declared_key:
        entries = document.data.get(declared_key) if isinstance(document.data, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                result.declared.setdefault(REGISTERS[declared_key], set()).add(entry["id"])


def _load_notice(result: _Result, text: str, relative: str, slug: str) -> NoticeSource | None:
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        result.problems.append(Problem(Location(relative), "front-matter",
                                       "a notice starts with front matter: a line '---', YAML, "
                                       "then '---'"))
        return None
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.rstrip() in ("---", "..."))
    except StopIteration:
        result.problems.append(Problem(Location(relative), "front-matter",
                                       "the front matter is never closed: add a line '---' after it"))
        return None
    try:
        front = parse("\n".join(lines[1:end]), relative, line_offset=1)
    except LoadError as exc:
        result.problems.append(exc.problem)
        result.declared.setdefault("notice", set()).add(slug)
        return None
    placeholders = _placeholders_in(front)
    result.problems.extend(placeholders)
    filled_in = {p.location for p in placeholders}
    problems = [p for p in validate(front, "notice") if p.location not in filled_in]
    if problems:
        result.problems.extend(problems)
        result.declared.setdefault("notice", set()).add(slug)
        return None
    blocks = _split_blocks(result, relative, lines, end + 1)
    for block in blocks.values():
        result.problems.extend(_placeholders_in_text(block))
    return NoticeSource(slug, front, blocks)


def _split_blocks(result: _Result, relative: str, lines: list[str], first: int) -> dict[str, Block]:
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
        if not _ID.fullmatch(block_id):
            result.problems.append(Problem(Location(relative, number + 1, 1), "block-id",
                                           f"'{block_id}' is not a valid section id; use "
                                           "lower-case words joined by hyphens"))
            block_id = None  # its prose is reported, not shown
        elif block_id in blocks:
            result.problems.append(Problem(Location(relative, number + 1, 1), "duplicate-block",
                                           f"section '{block_id}' already has prose on line "
                                           f"{blocks[block_id].line - 1}; merge the two"))
        current, start, body = block_id, number + 1, []
    close()
    return blocks
