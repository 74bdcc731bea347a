"""Migrate: bring a project written for an earlier noticegen up to date, keeping its
comments, and say what changed.

One migration so far. In a multi-academy trust the trust is the controller and each
academy an establishment of it (UK GDPR Art 13(1)(a)). Projects written before
``establishment:`` existed named each school by overriding ``organisation:`` in
``schools/<id>/datamap/organisation.yaml``, which made every academy's notices name the
academy as controller. The migration renames that top-level key to ``establishment:``
(the school's name, URN, address and contacts), when everything under it is something
an establishment can hold; otherwise it says what to move by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

from noticegen.classes import dataclass, field
from noticegen.load import files
from noticegen.load.documents import MAX_FILE_BYTES, LoadError, decode, parse
from noticegen.model.resolve import ESTABLISHMENT_CONTACTS
from noticegen.load.reader import DATAMAP, SCHOOLS, load_project, school_ids

ESTABLISHMENT_KEYS = {"name", "kind", "urn", "address", "website", "contact", *ESTABLISHMENT_CONTACTS}
_KINDS = {"school", "academy", "free-school", "special-school", "nursery", "other"}


@dataclass
class Migration:
    """What a migration changed, and what needs a person."""

    changed: list[str] = field(default_factory=list)
    """One line per file changed, saying what changed."""
    by_hand: list[str] = field(default_factory=list)
    """One line per file that needs a person."""


def school_controller_overrides(root: Path) -> list[tuple[str, object]]:
    """(relative path, document) of each school overlay that names a controller of its
    own in a trust whose base is a trust (the trust is the controller)."""
    base = load_project(root).organisation
    if base is None or base.data["organisation"].get("kind") != "trust":
        return []
    found = []
    for school in school_ids(root):
        relative = f"{SCHOOLS}/{school}/{DATAMAP}/organisation.yaml"
        if files.kind(Path(root).resolve(), relative) != "file":
            continue
        try:
            document = parse(decode(files.read_file(Path(root).resolve(), relative, MAX_FILE_BYTES),
                                    relative), relative)
        except (LoadError, files.UnsafeFile, OSError):
            continue  # check reports it
        overlay = document.data.get("organisation") if isinstance(document.data, dict) else None
        if isinstance(overlay, dict) and "name" in overlay:
            found.append((relative, document))
    return found


def migrate_project(root: Path) -> Migration:
    from noticegen.site.write import replace_project_file

    root = Path(root).resolve()
    result = Migration()
    for relative, document in school_controller_overrides(root):
        overlay = document.data["organisation"]
        extra = sorted(set(overlay) - ESTABLISHMENT_KEYS)
        if "establishment" in document.data or extra or overlay.get("kind", "school") not in _KINDS:
            what = ", ".join(extra) if extra else "establishment: is there already"
            result.by_hand.append(f"{relative}: move the school's name, URN, address and contacts "
                                  f"under establishment: by hand ({what})")
            continue
        text = files.read_file(root, relative, MAX_FILE_BYTES).decode("utf-8")
        line = document.locate(("organisation",), key=True).line
        lines = text.splitlines(keepends=True)
        lines[line - 1] = re.sub(r"^organisation(\s*):", r"establishment\1:", lines[line - 1])
        replace_project_file(root, relative, "".join(lines).encode("utf-8"))
        result.changed.append(f"{relative}: organisation: is now establishment: ({overlay['name']} "
                              "is one of the trust's schools; the trust stays the controller)")
    return result
