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
"""

from __future__ import annotations

import errno
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from noticegen.problems import NoticegenError
from noticegen.commands.importing.sheets import NOT_GIVEN, find_table, items, lines, read_sheets

ILLUSTRATIVE = "(illustrative: not yet confirmed)"
PLACEHOLDER_LIMIT = 100  # project.PLACEHOLDER reads at most this many characters


# ----------------------------------------------------------------- ids and names

def slug(text: str) -> str:
    """An id from a name, as the schemas want it: lower-case words joined by hyphens."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"^(the|a|an)\s+", "", text.strip(), flags=re.I).replace("&", " and ")
    words = re.findall(r"[a-z0-9]+", text.lower())
    ident = ""
    for word in words:
        if len(ident) + len(word) + 1 > 60:
            break
        ident = f"{ident}-{word}" if ident else word
    return ident or "item"


def placeholder(label: str, text: str = "") -> str:
    """``TODO(label: the school's words)``, in the form check reports (no brackets or
    line breaks inside, at most 100 characters)."""
    words = " ".join(text.replace("(", "[").replace(")", "]").split())
    inside = f"{label}: {words}" if words else label
    if len(inside) > PLACEHOLDER_LIMIT:
        inside = inside[:PLACEHOLDER_LIMIT - 1].rstrip() + "…"
    return f"TODO({inside})"


_SMALL_WORDS = {"for", "of", "and", "the", "in", "on", "to", "&"}


def _is_acronym(text: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z]{2,8}", text)) and sum(c.isupper() for c in text) >= 2


def _core(text: str) -> str:
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r"^\s*(the)\s+", "", text.strip(), flags=re.I)
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def _initials(text: str) -> set[str]:
    words = re.findall(r"[A-Za-z]+", re.sub(r"\([^)]*\)", " ", text))
    words = [w for w in words if w.lower() != "the" or w is not words[0]]
    if len(words) < 2:
        return set()

    def letters(word: str) -> str:
        return word.lower() if word.isupper() and len(word) <= 3 else word[0].lower()

    every = "".join(letters(w) for w in words)
    significant = "".join(letters(w) for w in words if w.lower() not in _SMALL_WORDS)
    return {every, significant}


def _acronyms(text: str) -> set[str]:
    found = {m.lower() for m in re.findall(r"\(([A-Za-z]{2,8})\)", text) if _is_acronym(m)}
    if _is_acronym(text.strip()):
        found.add(text.strip().lower())
    return found


@dataclass
class Group:
    """The names that mean one thing, and where each was found."""

    names: list[str]
    where: list[str]
    ident: str = ""
    name: str = ""
    aliases: list[str] = field(default_factory=list)


class Register:
    """Names gathered from every row; :meth:`settle` puts spellings of one thing
    together ('DfE', 'Department for Education', 'the Department for Education (DfE)')
    and gives each thing an id."""

    def __init__(self, kind: str, merge_acronyms: bool = True, label=None):
        self.kind = kind
        self.merge_acronyms = merge_acronyms
        self.label = label or (lambda name: name)  # the part of a name its id is made from
        self.seen: dict[str, list[str]] = {}  # name -> where
        self.order: list[str] = []
        self.groups: list[Group] = []
        self.id_of: dict[str, str] = {}
        self.ambiguous: list[str] = []

    def add(self, name: str, where: str) -> None:
        if name not in self.seen:
            self.seen[name] = []
            self.order.append(name)
        self.seen[name].append(where)

    def settle(self) -> None:
        parent = {name: name for name in self.order}

        def root(name):
            while parent[name] != name:
                parent[name] = parent[parent[name]]
                name = parent[name]
            return name

        def join(a, b):
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb, key=self.order.index)] = min(ra, rb, key=self.order.index)

        by_core: dict[str, str] = {}
        for name in self.order:
            core = _core(name) if self.merge_acronyms else name
            if core in by_core:
                join(by_core[core], name)
            by_core.setdefault(core, name)
        if self.merge_acronyms:
            # a short form written somewhere ('DfE', '(DfE)') joins the names it abbreviates,
            # but only when it can stand for one thing: 'LA' beside 'Local authority' and
            # 'Legal adviser' is left alone, and two long names never join by initials
            initials = {name: _initials(name) for name in self.order}
            for name in self.order:
                for acronym in _acronyms(name):
                    if acronym in initials[name]:  # 'Department for Education (DfE)' defines it
                        meant = {root(other) for other in self.order if acronym in _acronyms(other)}
                    else:
                        meant = {root(other) for other in self.order if other != name and
                                 (acronym in initials[other] or acronym in _acronyms(other))}
                    if len(meant) == 1:
                        join(meant.pop(), name)
                    elif len(meant) > 1 and _is_acronym(name.strip()):
                        choices = sorted({other for other in self.order
                                          if root(other) in meant and other != name})
                        self.ambiguous.append(f"'{name}' could stand for "
                                              f"{' or '.join(repr(c) for c in choices)}, so it is "
                                              f"kept as a {self.kind} of its own")
        members: dict[str, list[str]] = {}
        for name in self.order:
            members.setdefault(root(name), []).append(name)
        used: set[str] = set()
        for names in members.values():
            group = Group(names, [w for n in names for w in self.seen[n]])
            group.name = self._canonical(names)
            group.aliases = sorted({a for n in names for a in self._short_forms(n)} - {group.name})
            ident = slug(self.label(group.name))
            base, number = ident, 2
            while ident in used:
                ident, number = f"{base}-{number}", number + 1
            used.add(ident)
            group.ident = ident
            for name in names:
                self.id_of[name] = ident
            self.groups.append(group)

    def _canonical(self, names: list[str]) -> str:
        """One name stays as written; several give their fullest plain spelling."""
        if len(names) == 1:
            return names[0]
        spelled = [n for n in names if not _is_acronym(n.strip())] or names
        best = max(spelled, key=lambda n: ("(" not in n, not n.lower().startswith("the "),
                                             self.seen and len(self.seen[n]), len(n)))
        best = re.sub(r"\s*\([A-Za-z]{2,8}\)\s*$", "", best)
        best = re.sub(r"^the\s+", "", best, flags=re.I).strip()
        return best[:1].upper() + best[1:]

    @staticmethod
    def _short_forms(name: str) -> set[str]:
        found = set(re.findall(r"\(([A-Za-z]{2,8})\)", name))
        if _is_acronym(name.strip()):
            found.add(name.strip())
        return {f for f in found if _is_acronym(f)}

    def merges(self) -> list[str]:
        """Plain sentences, one per thing written in more than one way."""
        said = list(self.ambiguous)
        for group in self.groups:
            if len(group.names) > 1:
                spellings = ", ".join(f"'{n}'" for n in group.names)
                said.append(f"{spellings} are taken to be one {self.kind}, "
                            f"'{group.name}' (id {group.ident})")
        return said


# ----------------------------------------------------------------- lawful bases

_SYNONYMS: dict[str, list[tuple[str, str]]] = {
    "article-6": [("recognised legitimate interest", "art6-1-ea"), ("public task", "art6-1-e"),
                  ("public interest", "art6-1-e"), ("official authority", "art6-1-e"),
                  ("legal obligation", "art6-1-c"), ("legal duty", "art6-1-c"),
                  ("vital interest", "art6-1-d"), ("legitimate interest", "art6-1-f"),
                  ("contract", "art6-1-b"), ("consent", "art6-1-a")],
    "article-9": [("explicit consent", "art9-2-a"), ("substantial public interest", "art9-2-g"),
                  ("public health", "art9-2-i"), ("health or social care", "art9-2-h"),
                  ("social care", "art9-2-h"), ("employment", "art9-2-b"),
                  ("social security", "art9-2-b"), ("vital interest", "art9-2-c"),
                  ("not-for-profit", "art9-2-d"), ("made public", "art9-2-e"),
                  ("legal claim", "art9-2-f"), ("archiving", "art9-2-j"), ("research", "art9-2-j"),
                  ("consent", "art9-2-a")],
    "article-10": [("official authority", "art10-official-authority"),
                   ("section 10(5)", "art10-schedule-1"), ("authorised by law", "art10-schedule-1")],
}


def match_bases(text: str, kinds: tuple[str, ...], commas: bool = False,
                duplicates: bool = False) -> tuple[list[str], list[str]]:
    """The catalogue ids a cell's text names, and the items it names none in.

    An item is matched by its reference ('Art 6(1)(e)', '9(2)(g)', 'Schedule 1 para 18'),
    else by a catalogue entry's name ('Public task') or a usual wording ('legal duty')."""
    from noticegen.load.catalogue import lawful_bases

    catalogue = lawful_bases()
    found: list[str] = []
    unmatched: list[str] = []
    for item in (lines(text) if duplicates else items(text, commas=commas)):
        ids = _references(item, catalogue)
        if not ids:
            ids = _by_name(item, kinds, catalogue)
        if ids:
            found.extend(i for i in ids if duplicates or i not in found)
        else:
            unmatched.append(item)
    return found, unmatched


def _references(item: str, catalogue) -> list[str]:
    text = " ".join(item.lower().split())
    ids = []
    for match in re.finditer(r"6\s*\(\s*1\s*\)\s*\(\s*(ea|[a-f])\s*\)", text):
        ids.append(f"art6-1-{match[1]}")
    for match in re.finditer(r"9\s*\(\s*2\s*\)\s*\(\s*([a-j])\s*\)", text):
        ids.append(f"art9-2-{match[1]}")
    for match in re.finditer(r"annex\s*1,?\s*(?:paragraph|para\.?)\s*(\d+)", text):
        ids.extend(i for i, b in catalogue.items()
                   if b.kind == "annex-1" and b.reference.lower().endswith(f"paragraph {match[1]}"))
    for match in re.finditer(r"(?:schedule|sch\.?)\s*1\b[^0-9]*?(?:part\s*\d+,?\s*)?"
                             r"(?:paragraph|para\.?)\s*(\d+)", text):
        if f"sch1-para-{match[1]}" in catalogue:
            ids.append(f"sch1-para-{match[1]}")
    if re.search(r"article\s*10\b|art\.?\s*10\b", text):
        if "official authority" in text:
            ids.append("art10-official-authority")
        elif "10(5)" in text.replace(" ", "") or "authorised by law" in text or "schedule 1" in text:
            ids.append("art10-schedule-1")
    return [i for i in ids if i in catalogue]


def _by_name(item: str, kinds, catalogue) -> list[str]:
    text = " ".join(item.lower().replace("–", "-").split())
    for basis in sorted(catalogue.values(), key=lambda b: -len(b.name)):
        if basis.kind in kinds and basis.name.lower() in text:
            return [basis.id]
    for kind in kinds:
        for phrase, ident in _SYNONYMS.get(kind, []):
            if phrase in text:
                return [ident]
    return []


# ----------------------------------------------------------------- the plan

# Words that mark a name as special category data (Art 9), criminal offence data
# (Art 10) or a public body; each must start a word ('race' is not in 'trace').
_SPECIAL_WORDS = re.compile(r"\b(health|medical|sickness|illness|ethnic|race\b|racial|religio|belief|"
                            r"biometric|genetic|sex life|sexual orientation|political|trade union|"
                            r"disabilit|special category|allerg|first aid)")
_CRIMINAL_WORDS = re.compile(r"\b(criminal|offence|offending|conviction|dbs\b|barred list|caution)")
_PUBLIC_BODY_WORDS = re.compile(r"\b(department|council|local authorit|authority\b|authorities\b|"
                                r"hmrc\b|nhs\b|police\b|government\b|ofsted\b|ministry\b|"
                                r"commissioner|courts?\b|tribunal|revenue and customs|dfe\b)")
_COUNTRY_OVERRIDES = {"usa": "US", "united states of america": "US", "uk": "GB", "eu": None}


@dataclass
class ImportedFile:
    relative: str
    text: str


@dataclass
class Plan:
    files: list[ImportedFile]
    activities: list[str]
    sentences: list[str]  # what the user should know: merges, placeholders, sheets skipped
    placeholders: int


@dataclass
class _Row:
    sheet: str
    number: int  # the spreadsheet's own row number, from 1
    cells: dict[str, str]
    own_layout: bool

    @property
    def where(self) -> str:
        return f"sheet '{self.sheet}', row {self.number}"

    def get(self, name: str) -> str:
        return self.cells.get(name, "").strip()


def read_rows(path: Path) -> tuple[list[_Row], dict[str, str], list[str]]:
    """The rows of every sheet that looks like a record of processing, the controller
    block above a noticegen table (label -> value), and sentences about sheets skipped."""
    sheets = read_sheets(path)
    rows: list[_Row] = []
    controller: dict[str, str] = {}
    said = []
    tables = []
    for sheet in sheets:
        table = find_table(sheet)
        if table is None:
            if any(any(c for c in r) for r in sheet.rows):
                said.append(f"sheet '{sheet.name}' was skipped: it has no row of record of "
                            "processing headings (instructions or notes)")
            continue
        tables.append(table)
    if not tables:
        raise NoticegenError(f"cannot import {path}: no sheet has a row of headings such as "
                             "'Business function', 'Purpose of processing' and 'Categories of "
                             "individuals'; is it a record of processing?")
    for table in tables:
        for label_row in table.sheet.rows[:table.header]:
            cells = [c for c in label_row if c]
            if len(cells) >= 2 and len(cells[0]) < 60:
                controller.setdefault(cells[0], cells[1])
                controller.setdefault("", table.sheet.name)
        header_texts = table.sheet.rows[table.header]
        for offset, row in enumerate(table.sheet.rows[table.header + 1:], table.header + 2):
            cells = {name: (row[column] if column < len(row) else "")
                     for name, column in table.columns.items()}
            if not any(v.strip() for v in cells.values()):
                continue  # a blank row
            if row[:len(header_texts)] == header_texts:
                continue  # the headings repeated (a printed page's title rows)
            if not (cells.get("business_function", "").strip() or cells.get("purposes", "").strip()):
                said.append(f"sheet '{table.sheet.name}', row {offset} was skipped: it gives "
                            "neither a business function nor a purpose")
                continue
            filled = [name for name, value in cells.items() if value.strip()]
            if filled == ["business_function"]:
                said.append(f"sheet '{table.sheet.name}', row {offset} was skipped: it holds only "
                            f"'{' '.join(cells['business_function'].split())}', taken for a heading "
                            "between groups of rows")
                continue
            rows.append(_Row(table.sheet.name, offset, cells, table.own_layout))
    if not rows:
        raise NoticegenError(f"cannot import {path}: the record of processing has headings but "
                             "no rows under them")
    return rows, controller, said


class _Planner:
    """Makes the project's files from the rows: registers first, then activities."""

    def __init__(self, source_name: str, rows: list[_Row], controller: dict[str, str]):
        self.source = source_name
        self.rows = rows
        self.controller = controller
        self.controller_sheet = controller.pop("", "")  # read_rows notes the sheet under ""
        self.registers = {kind: Register(kind) for kind in ("subject", "category", "recipient", "source")}
        self.registers["retention rule"] = Register("retention rule", merge_acronyms=False,
                                                   label=lambda text: text.partition(": ")[0])
        self.registers["legislation"] = Register("piece of legislation", merge_acronyms=False)
        self.category_type: dict[str, tuple[str, list, bool]] = {}
        self.processors: set[str] = set()
        self.placeholders = 0
        self.sentences: list[str] = []

    # -- cells to names

    def names(self, row: _Row, name: str) -> list[str]:
        text = row.get(name)
        return lines(text) if row.own_layout else items(text, commas=True)

    def texts(self, row: _Row, name: str) -> list[str]:
        text = row.get(name)
        return lines(text) if row.own_layout else items(text)

    def todo(self, label: str, text: str = "") -> str:
        self.placeholders += 1
        return placeholder(label, text)

    # -- registers

    def gather(self) -> None:
        for row in self.rows:
            where = row.where
            for name in self.names(row, "subjects"):
                self.registers["subject"].add(name, where)
            for text in self.names(row, "categories"):
                name, kind, examples, guessed = self._category(text, row.own_layout)
                self.registers["category"].add(name, where)
                self.category_type.setdefault(name, (kind, examples, guessed))
            for name in self._recipient_names(row):
                self.registers["recipient"].add(name, where)
            for name, _ in self._contracts(row):
                self.processors.add(name)
            for name in self.names(row, "sources"):
                self.registers["source"].add(name, where)
            for text in self._retention_items(row):
                self.registers["retention rule"].add(text, where)
            for text in lines(row.get("legislation")):
                self.registers["legislation"].add(text, where)
        for register in self.registers.values():
            register.settle()
            self.sentences.extend(register.merges())

    def _recipient_names(self, row: _Row) -> list[str]:
        return self.names(row, "recipients")

    def _contracts(self, row: _Row) -> list[tuple[str, str]]:
        """(processor name, contract link) pairs from 'Name: https://...' lines."""
        found = []
        for line in lines(row.get("contract")):
            match = re.match(r"(.+?):\s*(https?://\S+)\s*$", line)
            if match:
                found.append((match[1].strip(), match[2]))
        return found

    def _retention_items(self, row: _Row) -> list[str]:
        return lines(row.get("retention")) if row.own_layout else items(row.get("retention"))

    @staticmethod
    def _category(text: str, own_layout: bool) -> tuple[str, str, list, bool]:
        """(name, type, examples of another type, guessed?) from 'Name (type; includes
        special category data: a and b)' or from a plain name (type guessed)."""
        match = re.fullmatch(r"(.+?) \((personal|special|criminal)((?:; includes [^;]+)*)\)", text)
        if match:
            examples = []
            for kind, label in (("special", "special category data"), ("criminal", "criminal offence data")):
                found = re.search(rf"; includes {label}: ([^;]+)", match[3])
                if found:
                    examples.extend({"text": t, "type": kind} for t in _unjoin(found[1]))
            return match[1], match[2], examples, False
        lower = text.lower()
        if _CRIMINAL_WORDS.search(lower):
            return text, "criminal", [], True
        if _SPECIAL_WORDS.search(lower):
            return text, "special", [], True
        return text, "personal", [], not own_layout

    # -- files

    def register_files(self) -> list[ImportedFile]:
        files = []
        subjects = [({"id": g.ident, "name": g.name}, g) for g in self.registers["subject"].groups]
        files.append(self._register_file("subjects", "subjects", subjects))
        categories = []
        for group in self.registers["category"].groups:
            kind, examples, guessed = self.category_type[group.names[0]]
            entry = {"id": group.ident, "name": group.name, "type": kind}
            if examples:
                entry["examples"] = examples
            note = (f"type '{kind}' guessed from the name: make it special (Art 9) or criminal "
                    "(Art 10) where it holds such data") if guessed else ""
            categories.append((entry, group, note))
        files.append(self._register_file("categories", "categories", categories))
        recipients = []
        for group in self.registers["recipient"].groups:
            entry = {"id": group.ident, "name": group.name, "kind": self._recipient_kind(group)}
            if group.aliases:
                entry["aliases"] = group.aliases
            note = ("the record does not say what kind of recipient this is: public-body (a "
                    "government department or authority), controller, processor, joint-controller, "
                    "individual or category") if entry["kind"].startswith("TODO(") else ""
            recipients.append((entry, group, note))
        files.append(self._register_file("recipients", "recipients", recipients))
        sources = [({"id": g.ident, "name": g.name}, g) for g in self.registers["source"].groups]
        files.append(self._register_file("sources", "sources", sources))
        rules = []
        for group in self.registers["retention rule"].groups:
            rules.append((self._retention_rule(group), group))
        files.append(self._register_file("retention", "retention", rules))
        laws = []
        for group in self.registers["legislation"].groups:
            entry = self._legislation(group)
            note = ("kind is one of statute, statutory-instrument, statutory-guidance, guidance or "
                    "policy") if entry["kind"].startswith("TODO(") else ""
            laws.append((entry, group, note))
        files.append(self._register_file("legislation", "legislation", laws))
        return files

    def _recipient_kind(self, group: Group) -> str:
        if any(name in self.processors for name in group.names):
            return "processor"
        text = " ".join(group.names).lower()
        if _PUBLIC_BODY_WORDS.search(text):
            return "public-body"
        return self.todo("recipient kind", group.name)

    def _retention_rule(self, group: Group) -> dict:
        text = group.names[0]
        name, _, rest = text.partition(": ")
        if not rest:
            name, rest = (text if len(text) <= 80 else text[:79].rstrip() + "…"), text
        return {"id": group.ident, "name": name, **(_period(rest) or {"criteria": rest})}

    def _legislation(self, group: Group) -> dict:
        text = group.names[0]
        title, provision = text, None
        match = re.fullmatch(r"(.+), ((?:section|sections|s\.?|regulation|reg\.?|part|paragraph|"
                             r"schedule|article|chapter)\b.*)", text, flags=re.I)
        if match:
            title, provision = match[1], match[2]
        lower = title.lower()
        kind = ("statute" if re.search(r"\bact \d{4}\b", lower) else
                "statutory-instrument" if re.search(r"regulations|\border\b", lower) else
                "statutory-guidance" if "keeping children safe" in lower or "working together" in lower else
                self.todo("legislation kind", title))
        entry = {"id": group.ident, "title": title}
        if provision:
            entry["provision"] = provision
        entry["kind"] = kind
        entry["url"] = self.todo("link to where the text can be read", title)
        return entry

    def _register_file(self, stem: str, key: str, entries) -> ImportedFile:
        lines_out = [f"# yaml-language-server: $schema=../.schemas/{stem}.schema.json",
                     f"# Imported from {self.source} by 'noticegen import': one entry for each thing "
                     "the record of processing names,",
                     "# the spellings of one thing put together. Each entry notes the sheet and "
                     "rows it came from."]
        if not entries:
            return ImportedFile(f"datamap/{stem}.yaml", "\n".join(lines_out) + f"\n{key}: []\n")
        lines_out.append(f"{key}:")
        for entry, group, *note in entries:
            lines_out.append(f"  # From {_places(group.where)}.")
            if len(group.names) > 1:
                lines_out.append("  # Written in the record as: " + "; ".join(group.names).replace("\n", " "))
            if note and note[0]:
                lines_out.append(f"  # Check: {note[0]}.")
            lines_out.append(_indent(_dump([entry]), "  "))
        return ImportedFile(f"datamap/{stem}.yaml", "\n".join(lines_out) + "\n")

    def activity_files(self) -> tuple[list[ImportedFile], dict[str, list[tuple[str, str]]], list[str]]:
        files, notices, idents = [], {}, []
        used: set[str] = set()
        for row in self.rows:
            data, comments = self._activity(row)
            wanted = row.get("activity_id") if row.own_layout else ""
            ident = wanted if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", wanted or "") else slug(data["name"])
            base, number = ident, 2
            while ident in used:
                ident, number = f"{base}-{number}", number + 1
            used.add(ident)
            idents.append(ident)
            for notice in lines(row.get("notices")):
                if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", notice):
                    notices.setdefault(notice, []).append((ident, row.where))
            head = ["# yaml-language-server: $schema=../../.schemas/activity.schema.json",
                    f"# Imported from {self.source}, {row.where}, by 'noticegen import'."]
            head += [f"# {c}" for c in comments]
            files.append(ImportedFile(f"datamap/activities/{ident}.yaml",
                                      "\n".join(head) + "\n" + _dump(data)))
        return files, notices, idents

    def _ids(self, kind: str, names: list[str]) -> list[str]:
        register = self.registers[kind]
        found = []
        for name in names:
            ident = register.id_of[name]
            if ident not in found:
                found.append(ident)
        return found

    def _activity(self, row: _Row) -> tuple[dict, list[str]]:
        comments: list[str] = []
        function = " ".join(row.get("business_function").split())
        purposes = self.texts(row, "purposes")
        name = function or (purposes[0] if purposes else f"Activity from {row.where}")
        data: dict = {"name": name[:2000]}
        data["purposes"] = purposes or [self.todo("purpose of processing")]
        data["subjects"] = (self._ids("subject", self.names(row, "subjects"))
                            or [self.todo("categories of individuals")])
        categories = []
        for text in self.names(row, "categories"):
            categories.append(self._category(text, row.own_layout)[0])
        data["categories"] = self._ids("category", categories) or [self.todo("categories of personal data")]
        sources = self._ids("source", self.names(row, "sources"))
        if sources:
            data["sources"] = sources
        data["lawful_basis"] = self._basis(row, comments)
        legislation = self._ids("legislation", lines(row.get("legislation")))
        if legislation:
            data["legislation"] = legislation
        contracts = dict(self._contracts(row))
        shares = []
        for ident in self._ids("recipient", self._recipient_names(row)):
            share = {"recipient": ident}
            group = next(g for g in self.registers["recipient"].groups if g.ident == ident)
            contract = next((contracts[n] for n in group.names if n in contracts), None)
            if contract:
                share["contract"] = contract
            shares.append(share)
        if shares:
            data["recipients"] = shares
        if row.get("contract") and not contracts and row.get("contract").lower() not in NOT_GIVEN:
            comments.append(f"Link to contract with processor, as the record gave it (not matched "
                            f"to a recipient): {_one_line(row.get('contract'))}")
        data["retention"] = (self._ids("retention rule", self._retention_items(row))
                             or [self.todo("retention schedule")])
        for field_name, key in (("handled_by", "handled_by"), ("systems", "systems"),
                                ("security", "security_measures")):
            values = self.texts(row, field_name)
            if values:
                data[key] = values
        transfers = self._transfers(row, comments)
        if transfers:
            data["transfers"] = transfers
        data["provision"] = self._provision(row.get("provision")) or {
            "requirement": self.todo("must people give it: statutory, contractual, voluntary, mixed "
                                     "or not-from-the-person")}
        adm = row.get("adm")
        if adm.lower() in ("no", "none", "n/a", "not applicable"):
            data["automated_decision_making"] = False
        elif adm:
            logic = re.sub(r"^yes\b[:,.]?\s*", "", adm, flags=re.I)
            data["automated_decision_making"] = {
                "logic": logic or self.todo("the logic of the automated decisions"),
                "significance": self.todo("significance and effects", logic)}
        if row.get("joint_controller") and row.get("joint_controller").lower() not in NOT_GIVEN:
            data["joint_controller"] = _contact_of(row.get("joint_controller"))
        dpia = self._dpia(row)
        if dpia:
            data["dpia"] = dpia
        occurred = _yes_no(row.get("breach"))
        if occurred is not None:
            data["breach"] = {"occurred": occurred}
            record = _url(row.get("breach_record"))
            if occurred and record:
                data["breach"]["record"] = record
        followed = _yes_no(row.get("policy_followed"))
        if followed is not None:
            data["policy_document_retention"] = {"followed": followed}
            reason = row.get("policy_reason")
            if not followed and reason and reason.lower() not in NOT_GIVEN:
                data["policy_document_retention"]["reason"] = reason
        if "direct marketing" in row.get("rights").lower():
            data["direct_marketing"] = True  # the one right that follows from no lawful basis
        if row.get("rights"):
            comments.append("The rights column is not imported: noticegen works the rights out "
                            "from the lawful bases (and direct_marketing).")
        return data, comments

    def _basis(self, row: _Row, comments: list[str]) -> dict:
        basis: dict = {}
        commas = not row.own_layout
        routes = {"article-6": "article_6", "annex-1": "annex_1", "article-9": "article_9",
                  "schedule-1": "schedule_1", "article-10": "criminal_offence"}
        from noticegen.load.catalogue import lawful_bases

        catalogue = lawful_bases()
        criminal_ids, _ = match_bases(row.get("criminal_offence"), ("article-10", "schedule-1"), commas)
        columns = [("article_6", ("article-6", "annex-1"), "Article 6 lawful basis"),
                   ("annex_1", ("annex-1",), "Annex 1 condition"),
                   ("article_9", ("article-9",), "Article 9 condition"),
                   ("schedule_1", ("schedule-1",), "Schedule 1 condition"),
                   ("criminal_offence", ("article-10", "schedule-1"), "criminal offence data condition")]
        for column, kinds, label in columns:
            ids, unmatched = match_bases(row.get(column), kinds, commas,
                                         duplicates=column == "schedule_1" and row.own_layout)
            if column == "schedule_1" and row.own_layout:
                # noticegen's record lists the criminal offence data's Schedule 1
                # conditions after the activity's own: take those off the end
                tail = [i for i in criminal_ids if catalogue[i].kind == "schedule-1"]
                if tail and ids[-len(tail):] == tail:
                    ids = ids[:-len(tail)]
            for ident in ids:
                target = routes[catalogue[ident].kind]
                if column == "criminal_offence":
                    target = "criminal_offence"
                values = basis.setdefault(target, [])
                if ident not in values:
                    values.append(ident)
            for text in unmatched:
                basis.setdefault(column, []).append(self.todo(label, text))
                comments.append(f"Not matched to a lawful basis ({label}): {_one_line(text)}")
        if not basis.get("article_6"):
            basis["article_6"] = [self.todo("Article 6 lawful basis", row.get("article_6"))]
        ordered = {key: basis[key] for key in ("article_6", "annex_1", "article_9", "schedule_1",
                                               "criminal_offence") if basis.get(key)}
        interests = row.get("legitimate_interests")
        if "art6-1-f" in ordered["article_6"]:
            if interests and interests.lower() not in NOT_GIVEN:
                ordered["legitimate_interests"] = interests
            assessment = _url(row.get("lia"))
            if assessment:
                ordered["legitimate_interests_assessment"] = assessment
        record = _url(row.get("consent_record"))
        if record:
            ordered["consent"] = {"record": record}
        return ordered

    def _transfers(self, row: _Row, comments: list[str]) -> list[dict]:
        countries = self.texts(row, "countries")
        safeguards = {}
        for line in self.texts(row, "safeguards"):
            country, _, safeguard = line.partition(": ")
            if safeguard:
                safeguards[country.strip()] = safeguard.strip()
        transfers = []
        for country in countries:
            code = _country_code(country)
            transfer = {"country": code or self.todo("two-letter country code", country)}
            if country in safeguards:
                transfer["safeguard"] = safeguards[country]
            transfers.append(transfer)
        if not transfers and self.texts(row, "safeguards"):
            comments.append("Safeguards for transfers, as the record gave them: "
                            + _one_line(row.get("safeguards")))
        return transfers

    def _provision(self, text: str) -> dict | None:
        text = text.strip()
        if not text or text.lower() in NOT_GIVEN:
            return None
        illustrative = text.endswith(ILLUSTRATIVE)
        text = text.removesuffix(ILLUSTRATIVE).strip()
        match = re.fullmatch(r"(statutory|contractual|voluntary|mixed|not-from-the-person)"
                             r"(?::\s*if not provided,\s*(.+))?", text, flags=re.S)
        if match:
            provision = {"requirement": match[1]}
            if match[2]:
                provision["consequence"] = match[2].strip()
        else:
            provision = {"requirement": self.todo("statutory, contractual, voluntary, mixed or "
                                                  "not-from-the-person", text),
                         "statement": text}
        if illustrative:
            provision["illustrative"] = True
        return provision

    def _dpia(self, row: _Row) -> dict | None:
        required = _yes_no(row.get("dpia_required"))
        if required is None:
            return None
        dpia = {"required": required}
        progress = row.get("dpia_progress")
        if required and progress and progress.lower() not in NOT_GIVEN:
            dpia["status"] = progress
        link = _url(row.get("dpia_link"))
        if required and link:
            dpia["link"] = link
        return dpia

    # -- organisation, notices, settings

    def organisation_file(self) -> ImportedFile:
        from importlib import resources

        text = resources.files("noticegen.starter").joinpath("datamap/organisation.yaml").read_text("utf-8")
        head, _, body = text.partition("organisation:\n")
        head = ("# yaml-language-server: $schema=../.schemas/organisation.schema.json\n"
                f"# Imported from {self.source} by 'noticegen import'. Replace every TODO(...) with "
                "your own value:\n# `noticegen check` lists each one still to fill in.\n")
        if self.controller_sheet:
            head += ("# The name, address, URN, ICO registration number, contacts and DPO, where "
                     f"given, come from the lines\n# above the table in sheet "
                     f"'{self.controller_sheet}'; the appropriate policy document from its column.\n")
        values = {}
        controller = self._label("controller", "name of controller", "controller name", "organisation",
                                 "organisation name", "school name", "name of school")
        if controller:
            # every place the starter asks for them: the organisation and its complaints address
            name, *address = controller.split(", ")
            values["TODO(school name)"] = _quoted(name)
            if len(address) == 2:  # street, then town and postcode, as the starter has them
                values["TODO(street address)"] = _quoted(address[0])
                values["TODO(town and postcode)"] = _quoted(address[1])
        for labels, line in ((("urn", "school urn"), '  urn: "TODO(URN)"'),
                             (("ico registration number", "ico registration", "ico number"),
                              '  ico_registration: "TODO(ICO registration number)"')):
            value = self._label(*labels)
            if value:
                values[line] = line.split(":")[0] + ": " + _quoted(value)
        for labels, lines_ in ((("controller contact", "contact details", "contact"),
                                (("email", "    email: TODO(school office email)"),
                                 ("phone", '    phone: "TODO(school office telephone number)"'))),
                               (("data protection officer", "data protection officer (dpo)", "dpo",
                                 "dpo contact details"),
                                (("name", "    name: TODO(DPO name)"),
                                 ("email", "    email: TODO(DPO email)")))):
            text = self._label(*labels)
            contact = _contact_parts(text)
            filled = [(line, f"    {key}: " + _quoted(contact[key]))
                      for key, line in lines_ if contact.get(key)]
            if filled and text.endswith(ILLUSTRATIVE):  # an example the school has still to confirm
                filled[-1] = (filled[-1][0], filled[-1][1] + "\n    illustrative: true")
            values.update(filled)
        policy = self._policy_document()
        if policy:
            values["  appropriate_policy_document: TODO(link to your appropriate policy document)"] = \
                "  appropriate_policy_document: " + policy
        for old, new in values.items():
            body = body.replace(old, new)
        return ImportedFile("datamap/organisation.yaml", head + "organisation:\n" + body)

    def _label(self, *labels: str) -> str:
        """The value beside one of these labels above the table ('Data Protection
        Officer:', 'URN'), compared without case or a closing colon."""
        given = {" ".join(k.lower().rstrip(":").split()): v for k, v in self.controller.items()}
        return next((given[label] for label in labels if given.get(label)), "")

    def _policy_document(self) -> str | None:
        for row in self.rows:
            text = row.get("policy_link")
            if text and text.lower() not in NOT_GIVEN:
                url = text.removesuffix(ILLUSTRATIVE).strip()
                if re.fullmatch(r"https?://\S+", url):
                    return ("{url: %s, illustrative: true}" % _quoted(url)) if text.endswith(ILLUSTRATIVE) \
                        else _quoted(url)
        return None

    def notice_files(self, notices: dict[str, list[tuple[str, str]]]) -> list[ImportedFile]:
        files = []
        for slug_, covered in sorted(notices.items()):
            activities = [ident for ident, _ in covered]
            text = ("---\n"
                    f"# Imported from {self.source} by 'noticegen import': the record names this "
                    f"notice as covering these activities\n# ({_places([w for _, w in covered])}).\n"
                    f"# Give it a title and prose; `noticegen init` shows a complete notice.\n"
                    f"title: {_quoted(self.todo('title of the notice', slug_))}\n"
                    f"activities: [{', '.join(activities)}]\n"
                    'version: "0.1"\n'
                    "---\n")
            files.append(ImportedFile(f"notices/{slug_}.md", text))
        return files


def plan_project(source: Path) -> Plan:
    """Everything the import would write, and what to tell the user, without writing."""
    rows, controller, said = read_rows(source)
    planner = _Planner(Path(source).name, rows, controller)
    planner.gather()
    registers = planner.register_files()
    activities, notices, idents = planner.activity_files()
    files = [planner.organisation_file(), *registers, *activities, *planner.notice_files(notices)]
    files += _settings_files()
    sentences = said + [s[0].upper() + s[1:] + "." for s in planner.sentences]
    return Plan(files, idents, sentences, planner.placeholders)


def _settings_files() -> list[ImportedFile]:
    from importlib import resources

    from noticegen.load.validate import KINDS, schema_text

    starter = resources.files("noticegen.starter")
    files = [ImportedFile("noticegen.yaml", starter.joinpath("noticegen.yaml").read_text("utf-8")),
             ImportedFile(".gitignore", starter.joinpath("gitignore").read_text("utf-8"))]
    files += [ImportedFile(f".schemas/{kind}.schema.json", schema_text(kind))
              for kind in KINDS + ("common",)]
    return files


def write_project(target: Path, plan: Plan) -> None:
    """Write the plan's files into ``target``: refused (nothing written) if the folder
    already holds a project or any of the files. A new folder appears whole, with every
    file, or not at all; into an existing empty folder each file appears whole or not
    at all."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise NoticegenError(f"cannot import into {target}: it is a file, not a folder")
    if os.path.lexists(target / "datamap") or os.path.lexists(target / "noticegen.yaml"):
        raise NoticegenError(f"cannot import into {target}: it already holds a project; "
                             "choose an empty folder")
    clashes = [f.relative for f in plan.files if os.path.lexists(target / f.relative)]
    if clashes:
        raise NoticegenError(f"cannot import into {target}: {clashes[0]} already exists and "
                             "would be overwritten; choose an empty folder")
    try:
        if os.path.lexists(target):
            _write_files(target, plan.files)
        else:
            _write_new_folder(target, plan.files)
    except OSError as exc:
        raise NoticegenError(f"cannot import into {target}: {exc.filename or target} "
                             f"({exc.strerror or exc}); choose a folder you can write to") from None


def _write_new_folder(target: Path, files: list[ImportedFile]) -> None:
    """Make the whole project in a hidden folder beside ``target``, then rename it into
    place: an interrupted import leaves no half-made project behind."""
    import shutil
    import tempfile

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.importing-", dir=target.parent))
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(staging, 0o777 & ~mask)  # as an ordinary new folder, not mkdtemp's 0700
        _write_files(staging, files)
        if os.path.lexists(target):  # made meanwhile by someone else: leave it alone
            raise FileExistsError(errno.EEXIST, "it appeared while the import was running",
                                  str(target))
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _write_files(folder: Path, files: list[ImportedFile]) -> None:
    for imported in files:
        destination = folder / imported.relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        temporary = destination.with_name(f".{destination.name}.importing")
        with open(temporary, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(imported.text)
        try:
            os.link(temporary, destination)  # fails, rather than replaces, if it exists
        finally:
            os.unlink(temporary)


# ----------------------------------------------------------------- small helpers

def _period(text: str) -> dict | None:
    """A retention rule's period, trigger, action, reference and note from the words
    noticegen's record writes them in ('25 years from the date of birth, then reviewed
    (IRMS toolkit). A note.'); None when the text says it another way (then it is kept
    as the rule's criteria, in the school's words)."""
    from noticegen.model.derive import _ACTIONS, _PERIOD_TRIGGERS  # the words, read backwards

    match = re.match(r"(?:while (?P<while>.+?), and )?(?:(?P<years>\d+) years?)?(?: and )?"
                     r"(?:(?P<months>\d+) months?)? from (?P<trigger>.+?), "
                     r"(?P<action>then (?:securely disposed of|reviewed|archived|transferred))",
                     text)
    if not match or not (match["years"] or match["months"]):
        return None
    period = {}
    if match["years"]:
        period["years"] = int(match["years"])
    if match["months"]:
        period["months"] = int(match["months"])
    if match["while"]:
        period["while"] = match["while"]
    triggers = {words: key for key, words in _PERIOD_TRIGGERS.items()}
    actions = {words: key for key, words in _ACTIONS.items()}
    rule = {"period": period, "trigger": triggers.get(match["trigger"], "other")}
    if rule["trigger"] == "other":
        rule["trigger_note"] = match["trigger"]
    rule["action"] = actions[match["action"]]
    rest = text[match.end():]
    if rest.startswith(" ("):
        depth, end = 0, None
        for index, char in enumerate(rest[1:], 1):
            depth += char == "("
            depth -= char == ")"
            if depth == 0:
                end = index
                break
        if end is None:
            return None
        rule["reference"] = rest[2:end]
        rest = rest[end + 1:]
    if rest.startswith(". ") and rest[2:].strip():
        rule["note"] = rest[2:]
        rest = ""
    return rule if not rest else None


def _places(where: list[str]) -> str:
    """'sheet 'Record', rows 5 and 7' from ['sheet 'Record', row 5', ...]."""
    by_sheet: dict[str, list[str]] = {}
    for place in where:
        sheet, _, row = place.rpartition(", row ")
        if row not in by_sheet.setdefault(sheet, []):
            by_sheet[sheet].append(row)
    parts = []
    for sheet, rows in by_sheet.items():
        label = "row" if len(rows) == 1 else "rows"
        numbers = rows[0] if len(rows) == 1 else ", ".join(rows[:-1]) + " and " + rows[-1]
        parts.append(f"{sheet}, {label} {numbers}")
    return "; ".join(parts)


def _unjoin(text: str) -> list[str]:
    """'a, b and c' back into ['a', 'b', 'c'] (derive.join_words' inverse)."""
    head, _, last = text.rpartition(" and ")
    if not head:
        return [text.strip()]
    return [p.strip() for p in head.split(", ")] + [last.strip()]


def _yes_no(text: str) -> bool | None:
    word = text.strip().lower().split(" ")[0].rstrip(".,:;") if text.strip() else ""
    return True if word in ("yes", "y", "true") else False if word in ("no", "n", "false") else None


def _url(text: str) -> str | None:
    text = text.strip()
    return text if re.fullmatch(r"https?://[^\s<>\"]+", text) else None


def _contact_of(text: str) -> dict:
    """A joint controller as the record wrote it: the whole text as its name, with an
    email address or web page picked out when it is on its own."""
    text = text.strip()
    illustrative = text.endswith(ILLUSTRATIVE)
    contact = {"name": text.removesuffix(ILLUSTRATIVE).strip()}
    if illustrative:
        contact["illustrative"] = True
    return contact


def _contact_parts(text: str) -> dict:
    """Name, email and phone from 'Name, name@example.org, 0161 000 0000' (the order
    noticegen's record writes a contact in); {} when the text has more than a name
    besides them (a role, an address), which is left for the DPO."""
    parts = [p.strip() for p in text.removesuffix(ILLUSTRATIVE).split(", ") if p.strip()]
    found: dict = {}
    words = []
    for part in parts:
        if re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+", part):
            found.setdefault("email", part)
        elif re.fullmatch(r"\+?[0-9][0-9 ()-]{6,}", part):
            found.setdefault("phone", part)
        elif not part.startswith("http"):
            words.append(part)
    if len(words) > 1:
        return {k: v for k, v in found.items()}
    if words:
        found["name"] = words[0]
    return found


def _country_code(name: str) -> str | None:
    name = name.strip()
    if re.fullmatch(r"[A-Z]{2}", name):
        return name
    if name.lower() in _COUNTRY_OVERRIDES:
        return _COUNTRY_OVERRIDES[name.lower()]
    try:
        from babel import Locale

        territories = Locale.parse("en_GB").territories
    except Exception:  # babel missing: leave it to the user
        return None
    for code, label in territories.items():
        if len(code) == 2 and code.isalpha() and label.lower() == name.lower():
            return code
    return None


def _one_line(text: str) -> str:
    return " / ".join(part.strip() for part in text.split("\n") if part.strip())


def _quoted(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in text.rstrip("\n").split("\n"))


def _dump(value) -> str:
    """YAML as a person would write it: keys in order, long texts as literal blocks."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper, data):
        style = "|" if "\n" in data and not any(line != line.rstrip() for line in data.split("\n")) else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    Dumper.add_representer(str, text)
    return yaml.dump(value, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)
