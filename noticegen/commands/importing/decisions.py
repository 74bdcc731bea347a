"""Names the DPO decides, for import: the corrections file read and written.

Every merge the import makes between names, and every near miss it keeps apart, is
written to ``import-names.yaml`` in the new project, one entry each::

    recipients:
      - same: [DfE, Dept for Education, the Department for Education]
      - different: [LA, LA (FSM checks)]

The DPO changes ``same`` to ``different`` (or the other way), or moves names between
entries, and imports again with ``--names import-names.yaml``: the import then follows
the file. Importing again with the file unchanged gives the same project, byte for byte.
The file is read as untrusted text: safe YAML of at most :data:`MAX_BYTES`, with every
entry checked to be a list of names that are strings.
"""

from __future__ import annotations

from pathlib import Path

from noticegen.commands.importing.names import Register, _dump, _places, comment_safe
from noticegen.problems import NoticegenError

FILE_NAME = "import-names.yaml"
REPORT_NAME = "import-report.md"
MAX_BYTES = 1024 * 1024
KINDS = {"subject": "subjects", "category": "categories", "recipient": "recipients", "source": "sources",
         "system": "systems"}
"""The registers whose names are put together, by the key the file lists them under."""

Corrections = dict[str, dict[str, list[list[str]]]]


def read_corrections(path: Path) -> Corrections:
    """The DPO's decisions, by register key: {'recipients': {'same': [[...]], 'different':
    [[...]]}}; a plain sentence (exit 2) when the file cannot be used."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise NoticegenError(f"cannot read the names file {path}: there is no such file")
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        raise NoticegenError(f"cannot read the names file {path}: it is larger than a list of "
                             f"names needs ({MAX_BYTES:,} bytes at most)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NoticegenError(f"cannot read the names file {path}: it is not UTF-8 text") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise NoticegenError(f"cannot read the names file {where}: it is not valid YAML "
                             f"({getattr(exc, 'problem', None) or 'unreadable'})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise NoticegenError(f"cannot read the names file {path}: it should list names under "
                             f"{', '.join(KINDS.values())}")
    found: Corrections = {}
    for key, entries in data.items():
        if key not in KINDS.values():
            raise NoticegenError(f"cannot read the names file {path}: '{comment_safe(key)}' is not "
                                 f"one of {', '.join(KINDS.values())}")
        if entries is None:
            continue
        if not isinstance(entries, list):
            raise NoticegenError(f"cannot read the names file {path}: under {key}, give a list of "
                                 "entries, each '- same: [...]' or '- different: [...]'")
        decided = found.setdefault(key, {"same": [], "different": []})
        for number, entry in enumerate(entries, 1):
            if not (isinstance(entry, dict) and len(entry) == 1
                    and next(iter(entry)) in ("same", "different")):
                raise NoticegenError(f"cannot read the names file {path}: entry {number} under {key} "
                                     "should be 'same: [names]' or 'different: [names]'")
            decision, names = next(iter(entry.items()))
            if not (isinstance(names, list) and len(set(map(str, names))) >= 2
                    and all(isinstance(n, str) and n.strip() and len(n) <= 2000 for n in names)):
                raise NoticegenError(f"cannot read the names file {path}: entry {number} under {key} "
                                     "should list two or more different names, each as the record writes it")
            decided[decision].append(list(dict.fromkeys(names)))
        for same in decided["same"]:
            for different in decided["different"]:
                clash = [n for n in different if n in same]
                if len(clash) >= 2:
                    raise NoticegenError(
                        f"cannot read the names file {path}: under {key}, '{comment_safe(clash[0])}' "
                        f"and '{comment_safe(clash[1])}' are said to be both the same and different; "
                        "keep one of the two entries")
    return found


def unknown_names(corrections: Corrections, registers: dict[str, Register]) -> list[str]:
    """Sentences about names the file gives that the record does not (left alone)."""
    said = []
    for kind, key in KINDS.items():
        known = registers[kind].seen
        for decision in ("same", "different"):
            for names in corrections.get(key, {}).get(decision, []):
                for name in names:
                    if name not in known:
                        said.append(f"the names file lists '{comment_safe(name)}' under {key}, but the "
                                    "record does not name it, so that line changes nothing")
    return list(dict.fromkeys(said))


def corrections_text(source: str, registers: dict[str, Register]) -> str:
    """The corrections file for the new project: every merge as 'same', every near miss
    as 'different', with the reason and the rows above each."""
    lines = [f"# Names in {comment_safe(source)} that 'noticegen import' put together (same) or kept",
             "# apart (different). Read each entry: where the import got it wrong, change 'same' to",
             "# 'different' or the other way (or move a name into another entry), then import again",
             f"# into a new folder with: noticegen import {comment_safe(source)} NEW-FOLDER --names {FILE_NAME}",
             "# The import then follows this file; everything else comes out as before."]
    for kind, key in KINDS.items():
        register = registers[kind]
        entries = []
        for group in register.groups:
            if len(group.names) > 1:
                entries.append((f"{'; '.join(group.reasons) or 'put together'}. From "
                                f"{_places(group.where)}.", {"same": group.names}))
        for miss in register.near_misses:
            where = register.seen[miss.first] + register.seen[miss.second]
            entries.append((f"Kept apart: {miss.reason}. From {_places(where)}.",
                            {"different": [miss.first, miss.second]}))
        if not entries:
            continue
        lines.append(f"{key}:")
        for comment, entry in entries:
            lines.append(f"  # {comment_safe(comment)}")
            flow = _dump([entry]).rstrip("\n")
            lines.extend("  " + line for line in flow.split("\n"))
    if len(lines) == 5:
        lines.append("# The record wrote every name one way only: there is nothing to decide.")
    return "\n".join(lines) + "\n"


def decisions_count(registers: dict[str, Register]) -> int:
    """How many merges and near misses the DPO is asked to confirm."""
    return sum(sum(len(g.names) > 1 for g in registers[kind].groups) + len(registers[kind].near_misses)
               for kind in KINDS)
