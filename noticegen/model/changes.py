"""What changed in the data map between two models, and which notices each change
reaches — a semantic diff for governors and reviewers, not a line diff. Entries are
compared field by field, lists of ids as sets (added, removed), recipients of an activity
by recipient; each change also gets a plain sentence for parents and governors.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from noticegen.classes import dataclass, field
from noticegen.load.revision import WORK_TREE, load_revision
from noticegen.model.reach import reach
from noticegen.model.resolve import Model, localised, resolve
from noticegen.model.facts import shares_of
from noticegen.problems import NoticegenError, Problem, Severity
from noticegen.text.i18n import N_, gettext_for


@dataclass
class Change:
    """One change to the data map between two revisions, and the notices it reaches."""

    kind: str  # recipient, category, ..., activity, notice, block, organisation
    id: str
    action: str  # added, removed, changed
    details: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    note: str = ""
    """The change in a plain sentence for parents and governors, with names, not ids."""
    notes: dict = field(default_factory=dict)
    """The same sentence in each language the project's notices are published in."""
    names: dict = field(default_factory=dict)
    """What changed, by its name (not its id), in each language of the project's notices."""

    @property
    def title(self) -> str:
        what = "organisation" if self.kind == "organisation" else f"{self.kind} '{self.id}'"
        return f"{what} {self.action}"


@dataclass
class NoticeVersions:
    """A notice's version and date at each end of a comparison (None where it did not exist)."""

    title: str
    language: str
    old: tuple[str, str] | None
    new: tuple[str, str] | None


@dataclass
class Diff:
    """Every change between two revisions of the data map."""

    old: str
    new: str
    changes: list[Change]
    notices: dict = field(default_factory=dict)
    """Each notice's :class:`NoticeVersions`, by slug."""
    language: str = "en-GB"
    """The project's language."""

    def for_notice(self, slug: str, language: str | None = None) -> list[Change]:
        """The changes that reach notice ``slug``, their notes in ``language``."""
        changes = [c for c in self.changes if slug in c.notices or slug.split(".", 1)[0] in c.notices]
        if language is None:
            return changes
        return [replace(c, note=c.notes.get(language, c.note)) for c in changes]


def _keyed(items: list) -> dict | None:
    """A list of mappings keyed by their id (or recipient), when it has one."""
    if items and all(isinstance(i, dict) for i in items):
        for key in ("id", "recipient"):
            if all(key in i for i in items):
                return {i[key]: {k: v for k, v in i.items() if k != key} for i in items}
    return None


def _short(value) -> str:
    text = " ".join(str(value).split())
    return repr(text if len(text) <= 70 else text[:69] + "…")


def compare(old, new, path: str = "") -> list[str]:
    """Human lines for what differs between two values of the data map."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        lines = []
        for key in list(old) + [k for k in new if k not in old]:
            where = f"{path}.{key}" if path else str(key)
            if key not in new:
                lines.append(f"{where}: removed (was {_short(old[key])})")
            elif key not in old:
                lines.append(f"{where}: added {_short(new[key])}")
            else:
                lines.extend(compare(old[key], new[key], where))
        return lines
    if isinstance(old, list) and isinstance(new, list):
        keyed_old, keyed_new = _keyed(old), _keyed(new)
        if keyed_old is not None and keyed_new is not None:
            lines = []
            for key in keyed_old:
                if key not in keyed_new:
                    lines.append(f"{path}: removed '{key}'")
            for key in keyed_new:
                if key not in keyed_old:
                    lines.append(f"{path}: added '{key}'")
                else:
                    lines.extend(compare(keyed_old[key], keyed_new[key], f"{path}['{key}']"))
            return lines
        if all(not isinstance(i, (dict, list)) for i in old + new):
            added = [i for i in new if i not in old]
            removed = [i for i in old if i not in new]
            lines = [f"{path}: added {_short(i)}" for i in added]
            lines += [f"{path}: removed {_short(i)}" for i in removed]
            return lines or [f"{path}: reordered"]
    return [f"{path or 'value'}: {_short(old)} → {_short(new)}"]


def _things(model: Model) -> dict[tuple[str, str], object]:
    """Every comparable thing in a model, by (kind, id)."""
    things: dict[tuple[str, str], object] = {}
    if model.organisation is not None:
        things[("organisation", "organisation")] = model.organisation.data
    for kind, entries in model.registers.items():
        for ident, entry in entries.items():
            things[(kind, ident)] = {k: v for k, v in entry.data.items() if k != "id"}
    for ident, activity in model.activities.items():
        things[("activity", ident)] = activity.data
    for slug, notice in model.notices.items():
        things[("notice", slug)] = {**notice.entry.data,
                                    "prose": {b.id: b.text for b in notice.blocks.values()}}
    for name, block in model.blocks.items():
        things[("block", name)] = {"text": block.text}
    return things


def _reached(old: Model, new: Model, kind: str, ident: str, action: str) -> list[str]:
    if kind == "organisation":
        model = new if action != "removed" else old
        return sorted(model.notices)
    notices = set()
    for model in ((new,) if action == "added" else (old,) if action == "removed" else (old, new)):
        if ident in model.declared(kind):
            notices |= set(reach(model, kind, ident).notices)
    return sorted(notices)


def diff_models(old: Model, new: Model, old_name: str, new_name: str) -> Diff:
    before, after = _things(old), _things(new)
    changes = []
    order = list(before) + [k for k in after if k not in before]
    for key in order:
        kind, ident = key
        if key not in after:
            change = Change(kind, ident, "removed")
        elif key not in before:
            change = Change(kind, ident, "added")
        else:
            details = compare(before[key], after[key])
            if not details:
                continue
            change = Change(kind, ident, "changed", details)
        change.notices = _reached(old, new, kind, ident, change.action)
        change.note = reader_note(change, old, new)
        for language in sorted({n.language for n in new.notices.values()} - {new.language}):
            change.notes[language] = reader_note(change, old, new, language)
        for language in {new.language} | {n.language for n in new.notices.values()}:
            change.names[language] = _name(localised(new if change.action != "removed" else old, language),
                                           kind, ident)
        changes.append(change)
    rank = {k: i for i, k in enumerate(("organisation", "activity", "recipient", "category",
                                         "subject", "source", "retention", "legislation",
                                         "notice", "block"))}
    changes.sort(key=lambda c: (rank.get(c.kind, 99), c.id))
    return Diff(old_name, new_name, changes, _notice_versions(old, new), new.language)


def _notice_versions(old: Model, new: Model) -> dict:
    def at(model: Model, slug: str):
        notice = model.notices.get(slug)
        if notice is None:
            return None
        return str(notice.entry.get("version")), str(notice.entry.get("published") or "")

    found = {}
    for slug in sorted(set(old.notices) | set(new.notices)):
        model = new if slug in new.notices else old
        notice = model.notices[slug]
        title = localised(model, notice.language).notices[slug].entry["title"]
        found[slug] = NoticeVersions(str(title), notice.language, at(old, slug), at(new, slug))
    return found


_HOLD = {"category": N_("information about %(name)s"), "subject": N_("information about %(name)s"),
         "source": N_("information from %(name)s")}


def _name(model: Model, kind: str, ident: str) -> str:
    thing = model.declared(kind).get(ident) if kind != "organisation" else model.organisation
    if thing is None:
        return ident.replace("-", " ")
    if kind == "notice":
        return thing.entry["title"]
    if kind == "block":
        return ident.replace("-", " ")
    data = thing.data if hasattr(thing, "data") else thing
    return data.get("title") or data.get("name") or ident.replace("-", " ")


def _lower(text: str) -> str:
    first = text.split(" ", 1)[0]
    return text if len(first) > 1 and first.isupper() else text[:1].lower() + text[1:]


def reader_note(change: Change, old: Model, new: Model, language: str | None = None) -> str:
    """The change as a parent or governor would want it said: a plain sentence, names not
    ids ("We now keep admission and attendance registers for 6 years from the date of
    entry, instead of 3."), in ``language`` (the project's when not given)."""
    from noticegen.model.derive import retention_period
    from noticegen.model.resolve import localised

    language = language or new.language
    _ = gettext_for(language)
    old, new = localised(old, language), localised(new, language)
    model = old if change.action == "removed" else new
    name = _name(model, change.kind, change.id)
    lower = _lower(name)
    kind, action = change.kind, change.action
    if kind == "recipient":
        return {"added": _("We now share information with %(name)s.") % {"name": name},
                "removed": _("We no longer share information with %(name)s.") % {"name": name}}.get(
            action, _("We have updated what we tell you about %(name)s.") % {"name": name})
    if kind == "category":
        return {"added": _("We now hold %(name)s.") % {"name": lower},
                "removed": _("We no longer hold %(name)s.") % {"name": lower}}.get(
            action, _("We have updated how we describe %(name)s.") % {"name": lower})
    if kind == "retention":
        if action == "changed" and change.id in old.registers["retention"]:
            before = retention_period(old.registers["retention"][change.id], language)
            after = retention_period(new.registers["retention"][change.id], language)
            if before != after:
                if after[:1].isdigit():
                    after = _("for %(period)s") % {"period": after}
                return _("We now keep %(name)s %(period)s, instead of %(before)s.") % {
                    "name": lower, "period": after, "before": before}
        return {"added": _("We have added how long we keep %(name)s.") % {"name": lower},
                "removed": _("We no longer keep %(name)s under a rule of its own.") % {"name": lower}}.get(
            action, _("We have updated how long we keep %(name)s.") % {"name": lower})
    if kind == "activity":
        if action == "added":
            purposes = new.activities[change.id]["purposes"]
            return _("We now use your information for %(name)s: %(purposes)s.") % {
                "name": lower, "purposes": "; ".join(_("to %(purpose)s") % {"purpose": _purpose(p)}
                                                      for p in purposes)}
        if action == "removed":
            return _("We no longer use your information for %(name)s.") % {"name": lower}
        return _activity_note(change, old, new, name, _)
    if kind == "organisation":
        return _("We have updated our details: who we are and how to contact us.")
    if kind in ("notice", "block"):
        return _("We have updated the wording of this notice.")
    if kind in _HOLD:
        what = _(_HOLD[kind]) % {"name": lower}
        return {"added": _("This notice now covers %(what)s.") % {"what": what},
                "removed": _("This notice no longer covers %(what)s.") % {"what": what}}.get(
            action, _("We have updated how we describe %(what)s.") % {"what": what})
    return _("We have updated what we say about %(name)s.") % {"name": lower}


def _purpose(text: str) -> str:
    """A purpose as it follows 'to' in a sentence: 'to keep pupils safe' as 'keep pupils safe'."""
    return _lower(text).removeprefix("to ")


def _activity_note(change: Change, old: Model, new: Model, name: str, _) -> str:
    before, after = old.activities[change.id], new.activities[change.id]
    sentences = []
    added = [p for p in after["purposes"] if p not in before["purposes"]]
    removed = [p for p in before["purposes"] if p not in after["purposes"]]
    for purpose in added:
        sentences.append(_("We now also use your information to %(purpose)s.") % {"purpose": _purpose(purpose)})
    for purpose in removed:
        sentences.append(_("We no longer use your information to %(purpose)s.") % {"purpose": _purpose(purpose)})
    shares_before = {s["recipient"] for s in shares_of(before)}
    shares_after = {s["recipient"] for s in shares_of(after)}
    for ident in sorted(shares_after - shares_before):
        sentences.append(_("We now share it with %(name)s.") % {"name": _name(new, "recipient", ident)})
    for ident in sorted(shares_before - shares_after):
        sentences.append(_("We no longer share it with %(name)s.") % {"name": _name(old, "recipient", ident)})
    for ident in [c for c in after["categories"] if c not in before["categories"]]:
        sentences.append(_("We now hold %(name)s for it.") % {"name": _lower(_name(new, "category", ident))})
    for ident in [c for c in before["categories"] if c not in after["categories"]]:
        sentences.append(_("We no longer hold %(name)s for it.") % {"name": _lower(_name(old, "category", ident))})
    if before["lawful_basis"] != after["lawful_basis"]:
        sentences.append(_("We have updated the lawful basis we rely on."))
    if not sentences:
        sentences.append(_("We have updated how we describe it."))
    return f"{name}: " + " ".join(sentences)


class Unreadable(NoticegenError):
    """A revision whose data map has files that do not load or pass their schema:
    compared, their entries would seem removed."""

    def __init__(self, revision: str, problems: list[Problem]):
        self.revision, self.problems = revision, problems
        super().__init__(f"the data map at {revision} has files that do not load "
                         f"({problems[0]}); fix them first: what cannot be read would seem removed")


def model_at(root: Path, revision: str | None = WORK_TREE, school: str | None = None) -> Model:
    """The model of the project (or of one school of a trust) at a git ``revision``
    (None: the work tree); :class:`Unreadable` when any of its files does not load."""
    loaded = load_revision(Path(root), revision, school)
    errors = sorted((p for p in loaded.problems if p.severity is Severity.ERROR), key=Problem.sort_key)
    if errors:
        raise Unreadable(revision or "the work tree", errors)
    return resolve(loaded)


def diff_revisions(root: Path, old: str, new: str | None = WORK_TREE, school: str | None = None) -> Diff:
    """What changed in the project (or one school of a trust) between two git revisions
    (``new`` None: the work tree)."""
    return diff_models(model_at(root, old, school), model_at(root, new, school), old, new or "the work tree")
