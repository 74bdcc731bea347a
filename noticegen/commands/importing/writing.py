"""Writing, for import: the project's files made as YAML text, and written without replacing any."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from noticegen.classes import dataclass
from noticegen.commands.importing.columns import _contact_parts
from noticegen.commands.importing.names import Placeholders, _dump, _places, comment_safe
from noticegen.commands.importing.sheets import ILLUSTRATIVE, controller_value
from noticegen.problems import NoticegenError


@dataclass
class ImportedFile:
    """One file an import writes: where in the project, and its text."""

    relative: str
    text: str


class ProjectFiles:
    """The project's files as text, from the values the rows gave: the registers, the
    activities, the organisation and the notices."""

    def __init__(self, source_name: str, controller: dict[str, str], todo: Placeholders):
        self.source = comment_safe(source_name)
        self.controller = controller
        self.controller_sheet = comment_safe(controller.pop("", ""))  # read_rows notes the sheet under ""
        self.todo = todo  # makes (and counts) the TODO(...) placeholders

    def register_file(self, stem: str, entries) -> ImportedFile:
        """A register, each entry with where it came from and what to check above it."""
        lines_out = [f"# yaml-language-server: $schema=../.schemas/{stem}.schema.json",
                     f"# Imported from {self.source} by 'noticegen import': one entry for each thing "
                     "the record of processing names,",
                     "# the spellings of one thing put together. Each entry notes the sheet and "
                     "rows it came from."]
        if not entries:
            return ImportedFile(f"datamap/{stem}.yaml", "\n".join(lines_out) + f"\n{stem}: []\n")
        lines_out.append(f"{stem}:")
        for entry, group, note in entries:
            lines_out.append(f"  # From {comment_safe(_places(group.where))}.")
            if len(group.names) > 1:
                lines_out.append("  # Written in the record as: " + comment_safe("; ".join(group.names)))
            if note:
                lines_out.append(f"  # Check: {comment_safe(note)}.")
            lines_out.append(_indent(_dump([entry]), "  "))
        return ImportedFile(f"datamap/{stem}.yaml", "\n".join(lines_out) + "\n")

    def activity_file(self, ident: str, where: str, data: dict, comments: list[str]) -> ImportedFile:
        head = ["# yaml-language-server: $schema=../../.schemas/activity.schema.json",
                f"# Imported from {self.source}, {comment_safe(where)}, by 'noticegen import'."]
        head += [f"# {comment_safe(c)}" for c in comments]
        return ImportedFile(f"datamap/activities/{ident}.yaml", "\n".join(head) + "\n" + _dump(data))

    def organisation_file(self, policy: tuple[str, bool] | None) -> ImportedFile:
        """The starter's organisation file, with what the lines above the table give
        filled in, and the appropriate policy document (its link, and whether it is
        illustrative) when a row gives one."""
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
        controller = controller_value(self.controller, "controller", "name of controller",
                                      "controller name", "organisation", "organisation name",
                                      "school name", "name of school")
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
            value = controller_value(self.controller, *labels)
            if value:
                values[line] = line.split(":")[0] + ": " + _quoted(value)
        for labels, lines_ in ((("controller contact", "contact details", "contact"),
                                (("email", "    email: TODO(school office email)"),
                                 ("phone", '    phone: "TODO(school office telephone number)"'))),
                               (("data protection officer", "data protection officer (dpo)", "dpo",
                                 "dpo contact details"),
                                (("name", "    name: TODO(DPO name)"),
                                 ("email", "    email: TODO(DPO email)")))):
            text = controller_value(self.controller, *labels)
            contact = _contact_parts(text)
            filled = [(line, f"    {key}: " + _quoted(contact[key]))
                      for key, line in lines_ if contact.get(key)]
            if filled and text.endswith(ILLUSTRATIVE):  # an example the school has still to confirm
                filled[-1] = (filled[-1][0], filled[-1][1] + "\n    illustrative: true")
            values.update(filled)
        if policy:
            url, illustrative = policy
            values["  appropriate_policy_document: TODO(link to your appropriate policy document)"] = \
                "  appropriate_policy_document: " + (("{url: %s, illustrative: true}" % _quoted(url))
                                                     if illustrative else _quoted(url))
        for old, new in values.items():
            body = body.replace(old, new)
        body, said = self._blocks(body)
        if said:
            head += "".join(f"# {comment_safe(line)}\n" for line in said)
        return ImportedFile("datamap/organisation.yaml", head + "organisation:\n" + body)

    def _blocks(self, body: str) -> tuple[str, list[str]]:
        """The organisation file's text with the ICO template's organisation, DPO and
        representative blocks filled in (UK GDPR Art 30(1)(a)), and where each came from."""
        from noticegen.commands.importing.sheets import contact_of

        said = []
        organisation = contact_of(self.controller.get("ico:organisation", ""))
        if organisation:
            said.append(f"The organisation's name and contact details: {self.controller['ico:organisation@']}.")
            if organisation.get("name"):
                body = body.replace("TODO(school name)", _quoted(organisation["name"]))
            lines_ = organisation.get("address")
            if lines_:
                body = body.replace("  address:\n    - TODO(street address)\n    - TODO(town and postcode)\n",
                                    "  address:\n" + "".join(f"    - {_quoted(a)}\n" for a in lines_))
                body = body.replace("      - TODO(street address)\n      - TODO(town and postcode)\n",
                                    "".join(f"      - {_quoted(a)}\n" for a in lines_))
            for key, line in (("email", "    email: TODO(school office email)"),
                              ("phone", '    phone: "TODO(school office telephone number)"')):
                if organisation.get(key):
                    body = body.replace(line, f"    {key}: {_quoted(organisation[key])}", 1)
            if organisation.get("url"):
                body = body.replace("  website: TODO(link to the school website)",
                                    f"  website: {_quoted(organisation['url'])}")
        dpo = contact_of(self.controller.get("ico:dpo", ""))
        if dpo:
            said.append(f"The DPO's name and contact details: {self.controller['ico:dpo@']}.")
            body = body.replace("  dpo:\n    name: TODO(DPO name)\n    email: TODO(DPO email)\n",
                                "  dpo:\n" + _indent(_dump(dpo), "    ") + "\n")
        representative = contact_of(self.controller.get("ico:representative", ""))
        if representative:
            said.append("The representative's name and contact details: "
                        f"{self.controller['ico:representative@']}.")
            body = body.replace("  requests:\n", "  # The controller's representative (UK GDPR Art 27).\n"
                                "  representative:\n" + _indent(_dump(representative), "    ")
                                + "\n  requests:\n", 1)
        return body, said

    def notice_files(self, notices: dict[str, list[tuple[str, str]]]) -> list[ImportedFile]:
        files = []
        for slug_, covered in sorted(notices.items()):
            activities = [ident for ident, _ in covered]
            text = ("---\n"
                    f"# Imported from {self.source} by 'noticegen import': the record names this "
                    f"notice as covering these activities\n# ({comment_safe(_places([w for _, w in covered]))}).\n"
                    f"# Give it a title and prose; `noticegen init` shows a complete notice.\n"
                    f"title: {_quoted(self.todo('title of the notice', slug_))}\n"
                    f"activities: [{', '.join(activities)}]\n"
                    'version: "0.1"\n'
                    "---\n")
            files.append(ImportedFile(f"notices/{slug_}.md", text))
        return files


    def proposed_notice(self, slug_: str, title: str, audience: str, activities: list[str],
                        subjects: list[str]) -> ImportedFile:
        """A notice the import proposes for an audience: its activities are every row
        whose data subjects it covers; its sections are the built-in ones, in the DfE
        model notices' order, until the school adds its own prose."""
        who = comment_safe(", ".join(subjects))
        text = ("---\n"
                f"# Proposed by 'noticegen import' for the data subjects {who} (datamap/subjects.yaml):\n"
                "# it covers every activity that names them. Check its title, audience and list of\n"
                "# activities; add prose sections as `noticegen new notice --help` explains.\n"
                f"title: {_quoted(title)}\n"
                f"audience: {_quoted(audience)}\n"
                f"activities: [{', '.join(activities)}]\n"
                'version: "1.0"\n'
                f"published: {self.todo('publication date, written YYYY-MM-DD')}\n"
                f"last_reviewed: {self.todo('publication date, written YYYY-MM-DD')}\n"
                "review_every_months: 12\n"
                "---\n")
        return ImportedFile(f"notices/{slug_}.md", text)


def _settings_files() -> list[ImportedFile]:
    from importlib import resources

    from noticegen.load.validate import KINDS, schema_text

    starter = resources.files("noticegen.starter")
    files = [ImportedFile("noticegen.yaml", starter.joinpath("noticegen.yaml").read_text("utf-8")),
             ImportedFile(".gitignore", starter.joinpath("gitignore").read_text("utf-8"))]
    files += [ImportedFile(f".schemas/{kind}.schema.json", schema_text(kind))
              for kind in KINDS + ("common",)]
    return files


def write_project(target: Path, plan) -> None:
    """Write the plan's files into ``target``: refused (nothing written) if the folder
    already holds a project or any of the files. A new folder appears whole, with every
    file, or not at all; into an existing empty folder each file appears whole or not
    at all. (The plan is a :class:`~noticegen.commands.importing.Plan`.)"""
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
        finish = getattr(plan, "finish", None)  # the report, made by checking what was written
        if os.path.lexists(target):
            _write_files(target, plan.files)
            if finish:
                _write_files(target, finish(target))
        else:
            _write_new_folder(target, plan.files, finish)
    except OSError as exc:
        raise NoticegenError(f"cannot import into {target}: {exc.filename or target} "
                             f"({exc.strerror or exc}); choose a folder you can write to") from None


def _write_new_folder(target: Path, files: list[ImportedFile], finish=None) -> None:
    """Make the whole project in a hidden folder beside ``target`` (with what ``finish``
    makes of it, the import's report), then rename it into place: an interrupted import
    leaves no half-made project behind."""
    import shutil
    import tempfile

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.importing-", dir=target.parent))
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(staging, 0o777 & ~mask)  # as an ordinary new folder, not mkdtemp's 0700
        _write_files(staging, files)
        if finish:
            _write_files(staging, finish(staging))
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


def _quoted(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in text.rstrip("\n").split("\n"))
