"""Ids and names for import: slugs, TODO placeholders, the spellings of one name put together
(and the near misses kept apart), and the small text helpers every written file uses."""

from __future__ import annotations

import re
import unicodedata

from noticegen.classes import dataclass, field

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

SHORT_FORMS = {
    "dfe": "Department for Education",
    "la": "local authority",
    "mis": "management information system",
    "hmrc": "HM Revenue and Customs",
    "esfa": "Education and Skills Funding Agency",
    "nhs": "National Health Service",
    "ico": "Information Commissioner's Office",
}
"""Short forms schools write for a whole name, and the name each stands for: a name
written as one of these is the name written out ('LA' and 'the local authority')."""

SHORT_WORDS = {"dept": "department", "govt": "government",
               "authy": "authority", "info": "information", "mgmt": "management"}
"""Words schools shorten inside a name ('Dept. for Education')."""


def _is_acronym(text: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z]{2,8}", text)) and sum(c.isupper() for c in text) >= 2


def _brackets(text: str) -> tuple[str, list[str], list[str]]:
    """The name outside brackets, its bracketed short forms ('(DfE)') and its bracketed
    qualifiers ('(FSM checks)', '(admissions team)')."""
    short, qualifiers = [], []
    for inside in re.findall(r"\(([^()]*)\)", text):
        inside = inside.strip()
        if _is_acronym(inside):
            short.append(inside)
        elif inside:
            qualifiers.append(" ".join(inside.split()))
    return re.sub(r"\([^()]*\)", " ", text), short, qualifiers


def _words(text: str) -> list[str]:
    text = re.sub(r"^\s*the\s+", "", text.strip(), flags=re.I).replace("&", " and ")
    return re.findall(r"[a-z0-9']+", text.lower())


def _core(text: str) -> str:
    """The name written out, for comparing: without case, punctuation, a leading 'the',
    a bracketed short form or a qualifier; with 'Dept' as 'department' and a short
    form written alone ('LA') as the name it stands for."""
    outside, _, _ = _brackets(text)
    words = [SHORT_WORDS.get(w, w) for w in _words(outside)]
    joined = " ".join(words)
    return SHORT_FORMS.get(joined, joined).lower()


def _qualifier(text: str) -> str:
    """The name's bracketed qualifiers, compared without case or punctuation."""
    return "; ".join(" ".join(re.findall(r"[a-z0-9']+", q.lower())) for q in _brackets(text)[2])


def _plain(text: str) -> str:
    """The name compared without writing short forms out."""
    return " ".join(_words(_brackets(text)[0]))


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
    found = {m.lower() for m in _brackets(text)[1]}
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
    reasons: list[str] = field(default_factory=list)  # why the names were put together


@dataclass
class NearMiss:
    """Two names kept apart that might be one thing: the DPO decides."""

    first: str
    second: str
    reason: str


class Register:
    """Names gathered from every row; :meth:`settle` puts spellings of one thing
    together ('DfE', 'Dept for Education', 'the Department for Education (DfE)'),
    keeps apart names that differ in a bracketed qualifier ('LA (FSM checks)') and
    reports them as near misses, follows the DPO's corrections, and gives each thing
    an id."""

    def __init__(self, kind: str, merge_acronyms: bool = True, label=None):
        self.kind = kind
        self.merge_acronyms = merge_acronyms
        self.label = label or (lambda name: name)  # the part of a name its id is made from
        self.seen: dict[str, list[str]] = {}  # name -> where
        self.order: list[str] = []
        self.groups: list[Group] = []
        self.id_of: dict[str, str] = {}
        self.ambiguous: list[str] = []
        self.near_misses: list[NearMiss] = []

    def add(self, name: str, where: str) -> None:
        if name not in self.seen:
            self.seen[name] = []
            self.order.append(name)
        self.seen[name].append(where)

    def settle(self, same: list[list[str]] = (), different: list[list[str]] = ()) -> None:
        """Group the names. ``same`` and ``different`` are the DPO's corrections: each a
        list of names that are one thing, or that are all different things. The DPO's
        'same' comes first, then the import's own joins, none of which may put together
        names the DPO said are different."""
        parent = {name: name for name in self.order}
        members = {name: {name} for name in self.order}
        apart = {frozenset((a, b)) for names in different for a in names for b in names
                 if a != b and a in parent and b in parent}
        edges: list[tuple[str, str, str]] = []  # the import's own joins, each with its reason
        position = {name: index for index, name in enumerate(self.order)}

        def root(name):
            while parent[name] != name:
                parent[name] = parent[parent[name]]
                name = parent[name]
            return name

        def join(a, b, reason, own: bool = True) -> bool:
            if own:
                edges.append((a, b, reason))
            ra, rb = root(a), root(b)
            if ra == rb:
                return True
            if apart and any(frozenset((x, y)) in apart for x in members[ra] for y in members[rb]):
                self._near(a, b, "your corrections file says they are different")
                return False
            keep, gone = sorted((ra, rb), key=position.get)
            parent[gone] = keep
            members[keep] |= members.pop(gone)
            return True

        for names in same:
            known = [n for n in names if n in parent]
            for other in known[1:]:
                join(known[0], other, "", own=False)
        if self.merge_acronyms:
            self._join_spellings(join, root)
        else:
            first: dict[str, str] = {}
            for name in self.order:
                if name in first:
                    join(first[name], name, "")
                first.setdefault(name, name)
        if self.merge_acronyms:
            self._find_near_misses(root)
        by_root: dict[str, list[str]] = {}
        for name in self.order:
            by_root.setdefault(root(name), []).append(name)
        used: set[str] = set()
        for names in by_root.values():
            group = Group(names, [w for n in names for w in self.seen[n]])
            group.name = self._canonical(names)
            group.aliases = sorted({a for n in names for a in self._short_forms(n)} - {group.name})
            group.reasons = _reasons(names, edges)
            ident = slug(self.label(group.name))
            base, number = ident, 2
            while ident in used:
                ident, number = f"{base}-{number}", number + 1
            used.add(ident)
            group.ident = ident
            for name in names:
                self.id_of[name] = ident
            self.groups.append(group)

    def _join_spellings(self, join, root) -> None:
        """Names written alike, or alike once short forms are written out, are one;
        a short form joins the one name its initials stand for. A qualifier in
        brackets is never set aside."""
        by_key: dict[tuple[str, str], str] = {}
        for name in self.order:
            key = (_core(name), _qualifier(name))
            if key in by_key:
                other = by_key[key]
                join(other, name, _why_alike(other, name))
            by_key.setdefault(key, name)
        # a short form written somewhere ('HMRC', '(HMRC)') joins the names it abbreviates,
        # but only when it can stand for one thing: 'PA' beside 'Parent association' and
        # 'Personal assistant' is left alone, two long names never join by initials, and
        # a name with a qualifier in brackets never joins by initials
        initials = {name: _initials(name) for name in self.order}
        for name in self.order:
            if _qualifier(name):
                continue
            for acronym in _acronyms(name):
                if acronym in SHORT_FORMS:
                    continue  # written out already: its core is the name it stands for
                if acronym in initials[name]:  # 'HM Revenue and Customs (HMRC)' defines it
                    meant = {root(other) for other in self.order
                             if acronym in _acronyms(other) and not _qualifier(other)}
                else:
                    meant = {root(other) for other in self.order if other != name and
                             not _qualifier(other) and
                             (acronym in initials[other] or acronym in _acronyms(other))}
                if len(meant) == 1:
                    other = meant.pop()
                    join(other, name, f"'{acronym.upper() if acronym.islower() else acronym}' "
                                      f"is taken for the initials of '{_longest(self.order, root, other)}'")
                elif len(meant) > 1 and _is_acronym(name.strip()):
                    choices = sorted({other for other in self.order
                                      if root(other) in meant and other != name})
                    self.ambiguous.append(f"'{name}' could stand for "
                                          f"{' or '.join(repr(c) for c in choices)}, so it is "
                                          f"kept as a {self.kind} of its own")
                    for choice in choices:
                        self._near(name, choice, "it could stand for either")

    def _find_near_misses(self, root) -> None:
        """Names kept apart that are alike but for a qualifier in brackets, a short
        form standing for a qualified name, or a letter or two."""
        import difflib

        groups: dict[str, list[str]] = {}
        for name in self.order:
            groups.setdefault(root(name), []).append(name)
        core = {name: _core(name) for name in self.order}
        by_core: dict[str, list[str]] = {}
        for top, names in groups.items():  # alike but for a qualifier: found by their core
            for name in names:
                by_core.setdefault(core[name], [])
                if top not in by_core[core[name]]:
                    by_core[core[name]].append(top)
        for tops in by_core.values():
            for index, first in enumerate(tops):
                for second in tops[index + 1:]:
                    pair = next((a, b) for a in groups[first] for b in groups[second] if core[a] == core[b])
                    qualifiers = [f"({q})" for n in pair for q in _brackets(n)[2]]
                    self._near(*pair, "the same name but for " + " and ".join(
                        f"'{q}'" for q in qualifiers) + " in brackets")
        tops = list(groups)
        if len(tops) > 300:
            return  # a register that big is not a school's: spellings are compared exactly only
        cores = {top: sorted({core[n] for n in groups[top]}) for top in tops}
        for index, first in enumerate(tops):
            for second in tops[index + 1:]:
                if any(core_a == core_b for core_a in cores[first] for core_b in cores[second]):
                    continue  # said above
                for a in cores[first]:
                    matcher = difflib.SequenceMatcher(None, a)
                    if any(_alike(matcher, b) for b in cores[second]):
                        self._near(groups[first][0], groups[second][0], "spelled almost alike")
                        break

    def _near(self, first: str, second: str, reason: str) -> None:
        pair = sorted((first, second), key=self.order.index)
        if not any({m.first, m.second} == set(pair) for m in self.near_misses):
            self.near_misses.append(NearMiss(pair[0], pair[1], reason))

    def _canonical(self, names: list[str]) -> str:
        """One name stays as written; several give their fullest plain spelling."""
        if len(names) == 1:
            return names[0]
        plain = [n for n in names if not _qualifier(n)] or names  # '(FSM checks)' is not the name
        spelled = [n for n in plain if not _is_acronym(n.strip())] or \
            [SHORT_FORMS[n.strip().lower()] for n in plain if n.strip().lower() in SHORT_FORMS] or plain
        best = max(spelled, key=lambda n: (not re.search(r"\(\s*[A-Za-z]{2,8}\s*\)", n),
                                           not re.search(r"\b(?:dept|govt)\b", n, flags=re.I),
                                           not n.lower().startswith("the "),
                                           len(self.seen.get(n, ())), len(n)))
        best = re.sub(r"\s*\([A-Za-z]{2,8}\)\s*$", "", best)
        best = re.sub(r"^the\s+", "", best, flags=re.I).strip()
        best = re.sub(r"\b(" + "|".join(SHORT_WORDS) + r")\b\.?",  # 'Dept. for Education' written out
                      lambda m: (SHORT_WORDS[m[1].lower()].capitalize() if m[1][:1].isupper()
                                 else SHORT_WORDS[m[1].lower()]), best, flags=re.I)
        if _is_acronym(best) and best.lower() in SHORT_FORMS:
            best = SHORT_FORMS[best.lower()]
        return best[:1].upper() + best[1:]

    @staticmethod
    def _short_forms(name: str) -> set[str]:
        found = set(_brackets(name)[1])
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
        for miss in self.near_misses:
            said.append(f"'{miss.first}' and '{miss.second}' are kept as two {self.kind}s "
                        f"({miss.reason}); say if they are one")
        return said


def _why_alike(first: str, second: str) -> str:
    if _plain(first) == _plain(second):
        return "written alike but for capitals, punctuation, 'the' or a short form in brackets"
    shortened = sorted({f"'{w.capitalize()}' for '{SHORT_WORDS[w]}'" for n in (first, second)
                        for w in _words(_brackets(n)[0]) if w in SHORT_WORDS} |
                       {f"'{n.strip()}' for '{SHORT_FORMS[_plain(n)]}'" for n in (first, second)
                        if _plain(n) in SHORT_FORMS})
    return "the same once short forms are written out (" + ", ".join(shortened) + ")"


def _reasons(names: list[str], edges: list[tuple[str, str, str]]) -> list[str]:
    """Why the names are one: the import's own reasons for joining them, and, where
    those do not join them all, the DPO's word."""
    if len(names) < 2:
        return []
    inside = set(names)
    parent = {name: name for name in names}

    def root(name):
        while parent[name] != name:
            name = parent[name]
        return name

    said = []
    for a, b, reason in edges:
        if a in inside and b in inside:
            parent[root(a)] = root(b)
            if reason and reason not in said:
                said.append(reason)
    if len({root(name) for name in names}) > 1:
        said.append("your corrections file says they are the same")
    return _combined(said)


def _alike(matcher, other: str) -> bool:
    """Two names spelled almost alike ('Parent', 'Parents'; 'Educational psychologist',
    'Education psychologist'): difflib's ratio of at least 0.85, its quick bounds first."""
    matcher.set_seq2(other)
    return matcher.real_quick_ratio() >= 0.85 and matcher.quick_ratio() >= 0.85 and matcher.ratio() >= 0.85


def _combined(reasons: list[str]) -> list[str]:
    """The reasons with every 'the same once short forms are written out (...)' said once."""
    prefix = "the same once short forms are written out ("
    shortened = [part for r in reasons if r.startswith(prefix) for part in r[len(prefix):-1].split(", ")]
    rest = [r for r in reasons if not r.startswith(prefix)]
    if shortened:
        rest.append(prefix + ", ".join(sorted(set(shortened))) + ")")
    return rest


def _longest(order: list[str], root, top: str) -> str:
    return max((n for n in order if root(n) == root(top)), key=len)


_LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
"""Every character YAML or Python counts as ending a line (NEL, LINE and PARAGRAPH
SEPARATOR among them)."""


def comment_safe(text) -> str:
    """Cell text made safe to write after '# ' in a YAML comment: each run of line breaks
    becomes ' / ' and any other control character a space, so nothing a cell holds can end
    the comment and become a key of the file."""
    text = _LINE_BREAKS.sub(" / ", str(text))
    return "".join(c if c == "\t" or (ord(c) >= 32 and ord(c) != 127) else " " for c in text)


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


def _dump(value) -> str:
    """YAML as a person would write it: keys in order, long texts as literal blocks."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper, data):
        style = "|" if "\n" in data and not any(line != line.rstrip() for line in data.split("\n")) else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    Dumper.add_representer(str, text)
    return yaml.dump(value, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=1_000_000,
                     default_flow_style=False)
