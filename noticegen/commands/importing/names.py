"""Ids and names for import: slugs, TODO placeholders, and the spellings of one name put together."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

PLACEHOLDER_LIMIT = 100  # project.PLACEHOLDER reads at most this many characters


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


class Placeholders:
    """Makes the import's ``TODO(...)`` placeholders (:func:`placeholder`), counting them."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, label: str, text: str = "") -> str:
        self.count += 1
        return placeholder(label, text)


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


_LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
"""Every character YAML or Python counts as ending a line (NEL, LINE and PARAGRAPH
SEPARATOR among them)."""


def comment_safe(text) -> str:
    """Cell text made safe to write after '# ' in a YAML comment: each run of line breaks
    becomes ' / ' and any other control character a space, so nothing a cell holds can end
    the comment and become a key of the file."""
    text = _LINE_BREAKS.sub(" / ", str(text))
    return "".join(c if c == "\t" or (ord(c) >= 32 and ord(c) != 127) else " " for c in text)
