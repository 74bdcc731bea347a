"""Columns to values, for import: a row's cells as lawful bases, register entries and an activity."""

from __future__ import annotations

import re

from noticegen.commands.importing.names import _LINE_BREAKS, _core, comment_safe, Group, Placeholders, Register, slug
from noticegen.commands.importing.sheets import ILLUSTRATIVE, NOT_GIVEN, _Row, items, lines

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


# ----------------------------------------------------------------- the rows' values

# Words that mark a name as special category data (Art 9), criminal offence data
# (Art 10) or a public body; each must start a word ('race' is not in 'trace').
_SPECIAL_WORDS = re.compile(r"\b(health|medical|sickness|illness|ethnic|race\b|racial|religio|belief|"
                            r"biometric|genetic|sex life|sexual orientation|political|trade union|"
                            r"disabilit|special category|allerg|first aid)")
_CRIMINAL_WORDS = re.compile(r"\b(criminal|offence|offending|conviction|dbs\b|barred list|caution)")
_PUBLIC_BODY_WORDS = re.compile(r"\b(department|council|local authorit|authority\b|authorities\b|"
                                r"hmrc\b|nhs\b|police\b|government\b|ofsted\b|ministry\b|"
                                r"commissioner|courts?\b|tribunal|revenue and customs|dfe\b)")
_COUNTRY_OVERRIDES = {"usa": "US", "u.s.a": "US", "u.s": "US", "united states of america": "US",
                      "america": "US", "uk": "GB", "great britain": "GB", "britain": "GB",
                      "republic of ireland": "IE", "eire": "IE", "holland": "NL", "south korea": "KR",
                      "eu": None, "eea": None, "europe": None}

_ID = r"[a-z0-9]+(-[a-z0-9]+)*"

_MARKED_FIELDS = {
    "business_function": "name", "purposes": "purposes", "subjects": "subjects",
    "categories": "categories", "recipients": "recipients", "countries": "transfers",
    "safeguards": "transfers", "retention": "retention", "security": "security_measures",
    "systems": "systems", "handled_by": "handled_by", "dpia_required": "dpia",
    "dpia_progress": "dpia", "dpia_link": "dpia", "breach": "breach", "breach_record": "breach",
    "policy_followed": "policy_document_retention", "policy_reason": "policy_document_retention",
    "adm": "automated_decision_making", "sources": "sources", "legislation": "legislation",
    "article_6": "lawful_basis", "article_9": "lawful_basis", "schedule_1": "lawful_basis",
}
"""The activity field each column marked illustrative as a whole stands for."""


class RowMapper:
    """The values a record's rows give: the registers' names gathered from every row
    first (:meth:`gather`), then each register's entries and each row's activity."""

    def __init__(self, rows: list[_Row], todo: Placeholders, corrections: dict | None = None):
        self.rows = rows
        self.corrections = corrections or {}  # the DPO's 'same' and 'different' (decisions.py)
        self.todo = todo  # makes (and counts) the TODO(...) placeholders
        self.registers = {kind: Register(kind) for kind in ("subject", "category", "recipient", "source",
                                                             "system")}
        self.registers["retention rule"] = Register("retention rule", merge_acronyms=False,
                                                   label=lambda text: text.partition(": ")[0])
        self.registers["legislation"] = Register("piece of legislation", merge_acronyms=False)
        self.category_type: dict[str, tuple[str, list, bool]] = {}
        self.processors: set[str] = set()
        self.marked_rules: set[str] = set()  # retention rules a row marks illustrative
        self.sentences: list[str] = []
        self.kept: list[tuple[str, str, str]] = []  # (where, what, text) no field holds

    # -- cells to names

    def names(self, row: _Row, name: str) -> list[str]:
        text = row.get(name)
        return lines(text) if row.own_layout else items(text, commas=True)

    def texts(self, row: _Row, name: str) -> list[str]:
        text = row.get(name)
        return lines(text) if row.own_layout else items(text)

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
            listed = set(self._recipient_names(row))
            for name, contract in self._contracts(row):
                # a processor named with a link to its contract is a recipient too, even
                # when the recipients column leaves it out
                if name and (name in listed or _url(contract)):
                    self.registers["recipient"].add(name, where)
                    self.processors.add(name)
            for name in self.names(row, "sources"):
                self.registers["source"].add(name, where)
            if not row.own_layout:  # noticegen's own record names each system as the data map does
                for name in self.texts(row, "systems"):
                    self.registers["system"].add(name, where)
            for text in self._retention_items(row):
                self.registers["retention rule"].add(text, where)
            self.marked_rules.update(row.item_marks.get("retention", ()))
            for text in lines(row.get("legislation")):
                self.registers["legislation"].add(text, where)
        from noticegen.commands.importing.decisions import KINDS, unknown_names

        for kind, register in self.registers.items():
            register.settle(**self.corrections.get(KINDS.get(kind, ""), {}))
            self.sentences.extend(register.merges())
        self.sentences.extend(unknown_names(self.corrections, self.registers))

    def _recipient_names(self, row: _Row) -> list[str]:
        return self.names(row, "recipients")

    def _contracts(self, row: _Row) -> list[tuple[str, str]]:
        """(processor name, contract) pairs from 'Name: https://...' or 'Name: where the
        contract is kept' lines; a line that is a link alone gives ('', link)."""
        found = []
        for line in lines(row.get("contract")):
            if line.lower() in NOT_GIVEN:
                continue
            match = re.match(r"(.+?)(?::|\s+[-–]\s+)\s*(https?://\S+)\s*$", line) or \
                re.match(r"([^:]{1,120}?):\s+(\S.*)$", line)
            if match and not re.match(r"https?$", match[1].strip(), flags=re.I):
                found.append((match[1].strip(), match[2].strip()))
            else:  # a link alone, or words naming no one
                found.append(("", line))
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

    # -- register entries

    def register_entries(self) -> list[tuple[str, list[tuple[dict, Group, str]]]]:
        """Each register's file stem and entries: (entry, the names it comes from, a
        note for the DPO to check, or '')."""
        registers = []
        subjects = [({"id": g.ident, "name": g.name}, g, "") for g in self.registers["subject"].groups]
        registers.append(("subjects", subjects))
        categories = []
        for group in self.registers["category"].groups:
            kind, examples, guessed = self.category_type[group.names[0]]
            entry = {"id": group.ident, "name": group.name, "type": kind}
            if examples:
                entry["examples"] = examples
            note = (f"type '{kind}' guessed from the name: make it special (Art 9) or criminal "
                    "(Art 10) where it holds such data") if guessed else ""
            categories.append((entry, group, note))
        registers.append(("categories", categories))
        recipients = []
        for group in self.registers["recipient"].groups:
            entry = {"id": group.ident, "name": group.name, "kind": self._recipient_kind(group)}
            if group.aliases:
                entry["aliases"] = group.aliases
            note = ("the record does not say what kind of recipient this is: public-body (a "
                    "government department or authority), controller, processor, joint-controller, "
                    "individual or category") if entry["kind"].startswith("TODO(") else \
                ("kind 'public-body' guessed from the name: change it if this is not a government "
                 "department, council or other public authority") if entry["kind"] == "public-body" else ""
            recipients.append((entry, group, note))
        registers.append(("recipients", recipients))
        sources = [({"id": g.ident, "name": g.name}, g, "") for g in self.registers["source"].groups]
        registers.append(("sources", sources))
        rules = []
        for group in self.registers["retention rule"].groups:
            rules.append((self._retention_rule(group), group, ""))
        registers.append(("retention", rules))
        laws = []
        for group in self.registers["legislation"].groups:
            entry = self._legislation(group)
            note = ("kind is one of statute, statutory-instrument, statutory-guidance, guidance or "
                    "policy") if entry["kind"].startswith("TODO(") else ""
            laws.append((entry, group, note))
        registers.append(("legislation", laws))
        return registers

    def _recipient_kind(self, group: Group) -> str:
        if any(name in self.processors for name in group.names):
            return "processor"
        text = " ".join(group.names + [_core(n) for n in group.names]).lower()  # 'LA': local authority
        if _PUBLIC_BODY_WORDS.search(text):
            return "public-body"
        return self.todo("recipient kind", group.name)

    def _retention_rule(self, group: Group) -> dict:
        text = group.names[0]
        name, _, rest = text.partition(": ")
        if not rest:
            name, rest = (text if len(text) <= 80 else text[:79].rstrip() + "…"), text
        rule = {"id": group.ident, "name": name, **(_period(rest) or {"criteria": rest})}
        if self.marked_rules.intersection(group.names):
            rule["illustrative"] = True  # an example the school has still to confirm
        return rule

    def _legislation(self, group: Group) -> dict:
        text = group.names[0]
        said = re.search(r" \((statutory guidance|guidance|policy)\)$", text)  # noticegen's own record
        if said:
            text = text[:said.start()]
        title, provision = text, None
        match = re.fullmatch(r"(.+), ((?:section|sections|s\.?|regulation|reg\.?|part|paragraph|"
                             r"schedule|article|chapter)\b.*)", text, flags=re.I)
        if match:
            title, provision = match[1], match[2]
        lower = title.lower()
        kind = (said[1].replace(" ", "-") if said else
                "statute" if re.search(r"\bact \d{4}\b", lower) else
                "statutory-instrument" if re.search(r"regulations|\border\b", lower) else
                "statutory-guidance" if "keeping children safe" in lower or "working together" in lower else
                self.todo("legislation kind", title))
        entry = {"id": group.ident, "title": title}
        if provision:
            entry["provision"] = provision
        entry["kind"] = kind
        entry["url"] = self.todo("link to where the text can be read", title)
        return entry

    # -- activities

    def activity_id(self, row: _Row, name: str) -> str:
        """The id noticegen's own record gives the activity, else one made from its name."""
        wanted = row.get("activity_id") if row.own_layout else ""
        return wanted if re.fullmatch(_ID, wanted or "") else slug(name)

    @staticmethod
    def notice_ids(row: _Row) -> list[str]:
        """The notices the record says cover the row's activity."""
        return [notice for notice in lines(row.get("notices")) if re.fullmatch(_ID, notice)]

    def _system_name(self, text: str) -> str:
        ident = self.registers["system"].id_of[text]
        return next(g.name for g in self.registers["system"].groups if g.ident == ident)

    def _ids(self, kind: str, names: list[str]) -> list[str]:
        register = self.registers[kind]
        found = []
        for name in names:
            ident = register.id_of[name]
            if ident not in found:
                found.append(ident)
        return found

    def activity(self, row: _Row) -> tuple[dict, list[str]]:
        """The row's activity, and comments to write above it."""
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
        known = self.registers["recipient"].id_of
        named = [(name, link) for name, link in self._contracts(row) if name in known]
        unnamed = [f"{name}: {link}" if name else link for name, link in self._contracts(row)
                   if name not in known]
        contracts = dict(named)
        marked_contracts = {name for name, link in named
                            if f"{name}: {link}" in row.item_marks.get("contract", ())}
        shares = []
        listed = self._ids("recipient", self._recipient_names(row))
        for ident in self._ids("recipient", [name for name, _ in named]):
            if ident not in listed:  # named with its contract only: a processor of the row
                listed.append(ident)
                comments.append("A recipient named only in the contract column is added as one: "
                                + next(g.name for g in self.registers["recipient"].groups if g.ident == ident))
        if unnamed and len(listed) == 1:  # one recipient: the contract is with it
            group = next(g for g in self.registers["recipient"].groups if g.ident == listed[0])
            contracts.setdefault(group.names[0], "; ".join(unnamed))
            unnamed = []
        for ident in listed:
            share = {"recipient": ident}
            group = next(g for g in self.registers["recipient"].groups if g.ident == ident)
            contract = next((contracts[n] for n in group.names if n in contracts), None)
            if contract:
                share["contract"] = contract
            if set(group.names) & (row.item_marks.get("recipients", set()) | marked_contracts):
                share["illustrative"] = True  # the record marks it an example to confirm
            shares.append(share)
        if shares:
            data["recipients"] = shares
        if unnamed:
            self._keep(row, comments, "Link to contract with processor (it names no recipient, and "
                       "the row has several)", "\n".join(unnamed))
        data["retention"] = (self._ids("retention rule", self._retention_items(row))
                             or [self.todo("retention schedule")])
        for field_name, key in (("handled_by", "handled_by"), ("systems", "systems"),
                                ("security", "security_measures")):
            values = self.texts(row, field_name)
            if field_name == "systems" and not row.own_layout:  # each system under one name
                values = list(dict.fromkeys(self._system_name(v) for v in values))
            if field_name == "systems":  # a system the record marks as an example to confirm
                values = [{"name": v, "illustrative": True} if v in row.item_marks.get("systems", ()) else v
                          for v in values]
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
        scopes = self._basis_scopes(row.get("rights"), data["lawful_basis"])
        if scopes:  # noticegen's own record: what each basis covers, from the scoped rights
            data["lawful_basis"]["applies_to"] = scopes
        if row.get("rights"):
            comments.append("The rights column is not imported: noticegen works the rights out "
                            "from the lawful bases (and direct_marketing). It said: "
                            + _one_line(row.get("rights")))
        for heading, text in row.kept:
            self._keep(row, comments, heading, text)
        marked = sorted({_MARKED_FIELDS[c] for c in row.marks if c in _MARKED_FIELDS}
                        | ({"transfers"} if {"countries", "safeguards"} & set(row.item_marks) else set()))
        if marked:  # the record marks these values as examples the school has to confirm
            data["illustrative"] = marked
        return data, comments

    @staticmethod
    def _basis_scopes(text: str, basis: dict) -> dict:
        """What each Art 6 basis covers, read back from the rights noticegen's record
        scopes ('Erasure (paying staff)'): a scope given by the one basis that brings the
        right is that basis's ``applies_to``; a scope noticegen wrote for want of one
        ('…, where we rely on contract') is not."""
        from noticegen.load.catalogue import lawful_bases

        catalogue = lawful_bases()
        article_6 = [b for b in basis.get("article_6", []) if b in catalogue]
        found: dict = {}
        for name, right in (("Erasure", "erasure"), ("Portability", "portability"), ("Objection", "object")):
            for match in re.finditer(rf"(?<![\w ]to ){name} \(([^()]+)\)", text or ""):
                scope = match[1].strip()
                giving = [b for b in article_6 if catalogue[b].rights.get(right)]
                if len(giving) == 1 and ", where we rely on " not in scope:
                    found.setdefault(giving[0], scope)
        return found

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
                # noticegen's record lists the activity's Schedule 1 conditions and then
                # the criminal offence data's, each once: one the criminal column also
                # names is the special category data's too only where an Art 9
                # condition of the row can use it (Part 1 with 9(2)(b), (h), (i), (j);
                # Part 2 with 9(2)(g))
                article_9, _ = match_bases(row.get("article_9"), ("article-9",), commas)
                parts = {1 if a in ("art9-2-b", "art9-2-h", "art9-2-i", "art9-2-j") else 2
                         for a in article_9 if a != "art9-2-a"}
                ids = [i for i in ids if i not in criminal_ids or catalogue[i].part in parts]
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
        interests = "" if interests.lower() in NOT_GIVEN else interests
        assessment = _reference(row.get("lia"))
        if "art6-1-f" in ordered["article_6"]:
            if interests:
                ordered["legitimate_interests"] = interests
            if assessment:
                ordered["legitimate_interests_assessment"] = assessment
        else:  # given for a row that does not rely on legitimate interests: kept beside it
            if interests:
                self._keep(row, comments, "Legitimate interests (the row names no Art 6(1)(f) basis)",
                           interests)
            if assessment:
                self._keep(row, comments, "Legitimate interests assessment (the row names no Art "
                           "6(1)(f) basis)", assessment)
        record = _reference(row.get("consent_record"))
        if record:
            ordered["consent"] = {"record": record}
        return ordered

    def _keep(self, row: _Row, comments: list[str], what: str, text: str) -> None:
        """Something the row says that no field holds: a comment above the activity, and
        a line of the import's report, with the sheet and row."""
        comments.append(f"Kept from the record (no field holds it) - {what}: {_one_line(text)}")
        self.kept.append((row.where, what, text))

    def _transfers(self, row: _Row, comments: list[str]) -> list[dict]:
        """The row's transfers: each country by its code (Babel knows the names), with the
        safeguard given for it ('France: UK adequacy regulations'), or the row's one
        safeguard (an Art 46 safeguard or an Art 49 derogation) for every country."""
        countries = self.texts(row, "countries")
        safeguards, general = {}, []
        for line in self.texts(row, "safeguards"):
            country, _, safeguard = line.partition(": ")
            code = _country_code(country) if safeguard else None
            if safeguard and (code or country.strip() in countries):
                safeguards[code or country.strip()] = safeguard.strip()
            else:
                general.append(line)
        transfers = []
        for country in countries:
            code = _country_code(country)
            transfer = {"country": code or self.todo("two-letter country code", country)}
            safeguard = safeguards.get(code or country) or safeguards.get(country)
            if safeguard or general:
                transfer["safeguard"] = safeguard or "; ".join(general)
            qualifier = re.findall(r"\(([^()]+)\)", country)
            if code and qualifier:
                self._keep(row, comments, f"what the record says of the transfer to {code}",
                           "; ".join(qualifier))
            transfers.append(transfer)
        if not transfers and self.texts(row, "safeguards"):
            self._keep(row, comments, "Safeguards for transfers (the row names no country)",
                       row.get("safeguards"))
        return transfers

    def _provision(self, text: str) -> dict | None:
        text = text.strip()
        if not text or text.lower() in NOT_GIVEN:
            return None
        illustrative = text.endswith(ILLUSTRATIVE)
        text = text.removesuffix(ILLUSTRATIVE).strip()
        match = re.fullmatch(r"(statutory|contractual|voluntary|mixed|not-from-the-person|observed)"
                             r"(?::\s*(?:if not provided,\s*)?(.+))?", text, flags=re.S)
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

    def policy_document(self) -> tuple[str, bool] | None:
        """The first link to an appropriate policy document a row gives, and whether it
        is illustrative (still to be confirmed)."""
        for row in self.rows:
            text = row.get("policy_link")
            if text and text.lower() not in NOT_GIVEN:
                url = text.removesuffix(ILLUSTRATIVE).strip()
                if re.fullmatch(r"https?://\S+", url):
                    return url, text.endswith(ILLUSTRATIVE)
        return None


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


def _reference(text: str) -> str | None:
    """Where a document is: its link, or the record's words when it is not online
    ('LIA held by SBM 2023'); None when the cell says nothing."""
    text = " ".join(text.split())
    if not text or text.lower() in NOT_GIVEN:
        return None
    return text[:2000]


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
    """The ISO 3166-1 code of a country the record names ('France', 'the Netherlands',
    'France (residential trip)', 'USA'), from Babel's English names; None when it names
    no one country ('EU', 'worldwide')."""
    name = re.sub(r"\([^()]*\)", " ", name).strip().rstrip(".")
    key = " ".join(re.sub(r"^the\s+", "", name, flags=re.I).lower().replace("&", "and").split())
    if key in _COUNTRY_OVERRIDES:
        return _COUNTRY_OVERRIDES[key]
    if re.fullmatch(r"[A-Z]{2}", name):
        return name
    return _country_names().get(key)


_COUNTRY_NAMES: dict[str, str] = {}


def _country_names() -> dict[str, str]:
    """Every country's English names, lower-case, to its code (Babel's en and en_GB)."""
    if not _COUNTRY_NAMES:
        from babel import Locale

        for locale in ("en", "en_GB"):
            for code, label in Locale.parse(locale).territories.items():
                if len(code) == 2 and code.isalpha():
                    label = " ".join(re.sub(r"^the\s+", "", label, flags=re.I).lower()
                                     .replace("&", "and").split())
                    _COUNTRY_NAMES.setdefault(label, code)
    return _COUNTRY_NAMES


def _one_line(text: str) -> str:
    return comment_safe(" / ".join(part.strip() for part in _LINE_BREAKS.split(text) if part.strip()))

