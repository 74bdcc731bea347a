"""Export: the resolved data map as one JSON document, for other tools.

``noticegen export --format json`` prints (or writes to a file the user names) the model
that ``build`` renders from: each register after a school's overlays, every activity and
notice a school has after its ``remove:`` and ``extends:``, the controller with a school's
own contacts in place of the trust's. Nothing has to be merged again by the reader.

A trust exports every school, one data map each, so one file describes the estate;
``--school`` narrows it to one. The document's shape is published as a JSON Schema
(``noticegen schema export``); register entries, activities and the controller keep the
shape of their own data-map schemas, which the export schema refers to.

Like ``build``, export refuses when ``check`` finds errors: a data map that does not
check is not handed on.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from pathlib import Path

from noticegen.classes import dataclass
from noticegen import __version__
from noticegen.model.resolve import Model
from noticegen.problems import NoticegenError
from noticegen.load.reader import REGISTERS
from noticegen.load.validate import SCHEMA_BASE

SCHEMA_ID = SCHEMA_BASE + "export.schema.json"
NOTICE_FIELDS = ("title", "audience", "summary", "version", "published", "last_reviewed",
                 "language")
"""What an export says of each notice, besides the activities it covers."""

PROTECTED = ("datamap", "notices", "templates")
"""Project folders an export never writes into: they hold what the DPO edits."""


@dataclass
class ExportResult:
    """What an export checked, and the document it made (None when the check failed)."""

    check: object  # noticegen.rules.check.CheckResult
    document: dict | None = None


def data_map(model: Model) -> dict:
    """One publisher's resolved data map as plain JSON values."""
    registers = {stem: [dict(entry.data) for entry in model.registers.get(kind, {}).values()]
                 for stem, kind in REGISTERS.items()}
    used_bases = sorted({r.id for r in model.references
                         if r.kind == "basis" and r.id in model.bases})
    return {
        "school": model.school,
        "controller": dict(model.organisation.data),
        "establishment": dict(model.establishment.data) if model.establishment is not None else None,
        **registers,
        "activities": {ident: dict(activity.data)
                       for ident, activity in sorted(model.activities.items())},
        "notices": {slug: {**{name: notice.entry.data[name] for name in NOTICE_FIELDS
                              if name in notice.entry.data},
                           "activities": notice.activity_ids}
                    for slug, notice in sorted(model.notices.items())},
        "lawful_bases": {ident: {"kind": model.bases[ident].kind,
                                 "reference": model.bases[ident].reference,
                                 "name": model.bases[ident].name,
                                 "url": model.bases[ident].url} for ident in used_bases},
    }


def export_project(root: Path, today: dt.date | None = None,
                   school: str | None = None) -> ExportResult:
    """Check the project; when it passes, the export document (else ``document`` is None)."""
    from noticegen.commands.check import check_project
    from noticegen.load.reader import require_school

    if school is not None:
        require_school(root, school)
    result = ExportResult(check_project(root, today))
    if result.check.failed():
        return result
    if result.check.schools:
        models = [checked.model for ident, checked in sorted(result.check.schools.items())
                  if school in (None, ident)]
    else:
        models = [result.check.model]
    result.document = {
        "$schema": SCHEMA_ID,
        "noticegen": __version__,
        "trust": bool(result.check.schools),
        "data_maps": [data_map(model) for model in models],
    }
    return result


def to_json(document: dict) -> str:
    """The document as text: sorted keys, two-space indent, a final newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


FORMATS = {"json": to_json}
"""Export formats by name (the ``--format`` choices)."""


def _inside(path: Path, folder: Path) -> tuple[str, ...] | None:
    """``path``'s parts below ``folder``, or None when it is not inside it."""
    try:
        return path.relative_to(folder).parts
    except ValueError:
        return None


def _protected(parts: tuple[str, ...]) -> bool:
    """Whether a path inside the project is one of its source files."""
    if not parts:
        return True
    if parts[0] in PROTECTED or parts == ("noticegen.yaml",):
        return True
    # a school of a trust keeps the same layout in schools/<id>/
    return parts[0] == "schools" and len(parts) >= 2 and (
        len(parts) == 2 or _protected(parts[2:]))


def check_output(project: Path, output: Path) -> Path:
    """The file to write, refused (exit 2) when it is a project source file or a folder."""
    root = Path(os.path.realpath(project))
    target = Path(os.path.abspath(output))
    for candidate in (target, Path(os.path.realpath(target))):
        parts = _inside(candidate, root)
        if parts is not None and _protected(parts):
            raise NoticegenError(
                f"refusing to write the export to {output}: it is inside the project's own "
                "files (datamap/, notices/, templates/ or noticegen.yaml); name a file "
                "elsewhere, e.g. export.json")
    if target.is_dir():
        raise NoticegenError(f"cannot write the export to {output}: it is a folder; name a file")
    if not target.parent.is_dir():
        raise NoticegenError(f"cannot write the export to {output}: the folder "
                             f"{target.parent} does not exist")
    return target


def write_atomically(target: Path, text: str) -> None:
    """Write a new file under an unpredictable name beside ``target``, then rename it over
    ``target``: a reader sees the old file or the new one, never half of one, and a link
    at ``target`` is replaced rather than followed."""
    temporary = target.parent / f".{target.name}.{secrets.token_hex(8)}.tmp"
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                     0o644)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
