"""Scaffold: a new activity file, explained field by field, added to the notices named;
a new notice, explained field by field, covering the activities named.

``noticegen new activity NAME`` writes ``datamap/activities/<id>.yaml`` with every field
of the activity schema either filled with a ``TODO(...)`` placeholder (the fields the
schema requires) or shown commented out with what it is for, in the comment style of
the starter project. Each notice named gets the new id appended to its ``activities``
list by editing the line itself, so the DPO's comments and layout stay as they were; the
edit is checked by reading the front matter again, and if that cannot be done safely
nothing is changed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from noticegen.classes import dataclass, field
from noticegen.commands.importing.names import slug
from noticegen.problems import NoticegenError

ACTIVITY_TEMPLATE = """\
# yaml-language-server: $schema=../../.schemas/activity.schema.json
# {name}: one processing activity, one row of the record of processing (UK GDPR
# Art 30). Its id is the file name: {ident}. Replace every TODO(...) with your own
# value (`noticegen check` lists each one still to fill in), and uncomment the optional
# fields that apply. `noticegen schema activity` describes every field.

# The activity's name, as the record of processing and the notices show it.
name: {name_yaml}
# The record of processing's 'Business function' column, if it differs from the name,
# e.g. Safeguarding, Admissions, Human resources.
# business_function: TODO(business function)
# What the activity is, in a sentence or two, for the record of processing.
# description: TODO(what this activity is)

# Why the data is used (Art 13(1)(c)): each a phrase that completes "We collect your
# information to ...", or a short sentence.
purposes:
  - TODO(why the information is used)

# Whose data: ids from datamap/subjects.yaml, e.g. [pupils, parents].
subjects: ["TODO(whose information: ids from datamap/subjects.yaml)"]
# What data: ids from datamap/categories.yaml. Mark special category data (Art 9) and
# criminal offence data (Art 10) there, in each category's type.
categories: ["TODO(what information: ids from datamap/categories.yaml)"]
# Where the data comes from, when not only from the person (Art 14(2)(f)): ids from
# datamap/sources.yaml.
# sources: [admissions-forms]

lawful_basis:
  # Art 6(1) bases: ids from `noticegen bases`, e.g. art6-1-c (legal obligation) or
  # art6-1-e (public task). A school's own duties are usually one of these two.
  article_6: ["TODO(Article 6 lawful basis: an id from noticegen bases)"]
  # With more than one Art 6 basis: the part of the activity each covers, completing
  # "this applies to …" (the rights only some bases give are offered for that part).
  # applies_to:
  #   art6-1-b: TODO(the part the contract covers)
  # With art6-1-f (legitimate interests): the interests pursued (Art 13(1)(d)), and a
  # link to the legitimate interests assessment. A school cannot rely on it for its
  # tasks as a public authority (Art 6(1), closing words).
  # legitimate_interests: TODO(the legitimate interests pursued)
  # legitimate_interests_assessment: https://...
  # With art6-1-ea (recognised legitimate interest): the UK GDPR Annex 1 condition
  # relied on (Art 6(5)), e.g. annex1-safeguarding.
  # annex_1: [annex1-safeguarding]
  # For special category data: the Art 9(2) condition, e.g. art9-2-g (substantial
  # public interest), and the DPA 2018 Schedule 1 condition that s10 requires with
  # (b), (g), (h), (i) or (j), e.g. sch1-para-18 (safeguarding of children).
  # article_9: [art9-2-g]
  # schedule_1: [sch1-para-18]
  # For criminal offence data (Art 10): art10-official-authority, or art10-schedule-1
  # with the Schedule 1 condition relied on.
  # criminal_offence: [art10-schedule-1, sch1-para-18]
  # How the basis applies, in plain words, for the notice.
  # explanation: TODO(how the lawful basis applies)
  # Where consent (art6-1-a) or explicit consent (art9-2-a) is relied on: how people
  # withdraw it ("You can withdraw your consent at any time ..."), and where consents
  # are recorded.
  # consent: {{withdraw: by telling the school office, record: https://...}}

# Statutes and guidance the activity relies on: ids from datamap/legislation.yaml.
# legislation: [kcsie]

# Who the data is shared with, and why (Art 13(1)(e)): a recipient id from
# datamap/recipients.yaml, the reason as the notice should give it, the law that
# requires or allows it, `routine: false` when shared only where necessary, and for a
# processor a link to the contract (Art 28).
# recipients:
#   - recipient: local-authority
#     why: |
#       TODO(why the information is shared with them)
#     legislation: [working-together]
#     routine: false
#     contract: https://...

# How long the data is kept: ids from datamap/retention.yaml.
retention: ["TODO(how long it is kept: ids from datamap/retention.yaml)"]

# Who handles the data in school, where it is held, and how it is kept secure
# (Art 30(1)(g)), for the record of processing.
# A system a supplier runs for the school names that supplier (a processor, declared in
# datamap/recipients.yaml with kind: processor) and the contract with it.
# handled_by: [the school office]
# systems:
#   - name: The school's management information system (MIS)
#     processor: mis-supplier
#     contract: https://...
#   - Paper files in a locked cabinet
# security_measures: [Access limited by role]

# Transfers outside the UK (Art 13(1)(f), Art 30(1)(e)): the country (a two-letter
# code), the recipient, and the adequacy regulations (adequacy: true) or the safeguard
# relied on, and how to get a copy.
# transfers:
#   - {{recipient: cloud-provider, country: US, safeguard: TODO(the safeguard)}}

# Whether people must give the information, and what happens if they do not
# (Art 13(2)(e)): statutory, contractual, voluntary, mixed, not-from-the-person or
# observed (recorded by the school itself, e.g. CCTV); a consequence is needed unless
# voluntary, not-from-the-person or observed, or unless your own statement says it.
provision:
  requirement: TODO(statutory, contractual, voluntary, mixed or not-from-the-person)
  # statement: TODO(what the notice says about it)
  # consequence: TODO(what happens if the information is not given)

# false, or decisions with legal or similarly significant effects taken solely by
# automated means (Arts 22A-22D): what is decided, the logic, the significance.
automated_decision_making: false
# true when the activity sends direct marketing (e.g. fundraising messages): the notice
# then gives the absolute right to object to it (Art 21(2)-(3)).
# direct_marketing: true
# A joint controller for this activity, if any: name, email, phone, address or url.
# joint_controller: {{name: TODO(joint controller), email: TODO(their email)}}

# Still to record for the record of processing (`check --strict` lists them until you
# do; only the school knows them):
# Values still to confirm: shown marked in a draft, refused by a real build.
# illustrative: [systems, security_measures]
# dpia: {{required: true, status: "completed March 2027", link: https://...}}
# breach: {{occurred: false}}
# policy_document_retention: {{followed: true}}
#   (whether you keep and dispose of this information as your appropriate policy
#   document says; with followed: false, give the reason)
"""


NOTICE_TEMPLATE = """\
---
# {title}: one privacy notice (UK GDPR Art 13 and 14). Its id is the file name: {ident}.
# noticegen writes its lists and tables from the activities it covers; the prose is
# yours. Replace every TODO(...) with your own value (`noticegen check` lists each one
# still to fill in), and uncomment the optional fields that apply. `noticegen schema
# notice` describes every field.

# The title, as the page, the PDF and the index show it.
title: {title_yaml}
# Whom it is written for, as the notice says it, e.g. "Pupils and their parents or carers".
audience: {audience_yaml}
# Optional: a short summary shown under the title (Markdown).
# summary: TODO(a sentence on what this notice covers)

# The activities it covers: ids from datamap/activities/ (each file's name). The notice
# lists what each holds, why, on which basis, who receives it and how long it is kept.
# An activity no notice covers is reported (warning activity-without-notice).
activities: [{activities}]

# The version, quoted so it stays text: raise it whenever the content changes (check
# warns, notice-not-versioned, when the content changed since the last git tag and the
# version did not). Then the dates it was published and last reviewed (YYYY-MM-DD), and
# how often to review it (warning review-overdue once that is past).
version: "1.0"
published: TODO(publication date, written YYYY-MM-DD)
last_reviewed: TODO(publication date, written YYYY-MM-DD)
review_every_months: 12

# Optional: a notice for pupils. `reader: children` writes noticegen's own text in plain
# words with the short version first; reading_age (6 to 18) is the UK reading age check
# measures the prose against (warning reading-age).
# reader: children
# reading_age: 10

# Optional: in your own words instead of noticegen's, what the notice says about
# transfers outside the UK where no activity declares one, and how long data is kept
# in the first layer.
# transfers_statement: TODO(what you say about transfers outside the UK)
# retention_summary: TODO(one line on how long information is kept)
# group_categories: false   # list categories in your own order, not under headings

# The sections, in order. Left out, they are the DfE model notices' built-in sections
# in their order: purposes, categories, lawful-basis, collecting, storing, recipients,
# why-we-share, rights, complaints, contact. Give your own order or headings, or add a
# section of your own prose: write it below the closing '---' after a line
# <!-- section: its-id -->, and list it here.
# sections:
#   - purposes
#   - id: lawful-basis
#     heading: The lawful basis on which we use this information
#   - id: our-own-section
#     heading: TODO(its heading)
---
"""


@dataclass
class NewNotice:
    """The notice file new wrote."""

    ident: str
    path: Path


def new_notice(project: Path, title: str, activities: list[str], ident: str | None = None,
               audience: str | None = None) -> NewNotice:
    """Write notices/<id>.md covering the activities named; refuse (exit 2, nothing
    written) if the notice exists or an activity does not."""
    from noticegen.load.validate import did_you_mean

    project, title = _project_and_name(project, title, 'notice a title, e.g. noticegen new notice '
                                                        '"How we use pupil information"')
    if ident is not None and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", ident):
        raise NoticegenError(f"'{ident}' cannot be a notice's id: use lower-case letters, digits and "
                             "hyphens, e.g. pupils")
    ident = ident or slug(title)
    if ident == "item" and "item" not in title.lower():
        raise NoticegenError(f"'{title}' has no letters or digits to make the notice's id from; "
                             "give --id, e.g. --id pupils")
    folder = project / "datamap" / "activities"
    known = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
    for activity in dict.fromkeys(activities):
        if activity not in known:
            raise NoticegenError(f"there is no activity '{activity}' (datamap/activities/{activity}.yaml)"
                                 f"{did_you_mean(activity, known)}; nothing was written")
    path = project / "notices" / f"{ident}.md"
    if os.path.lexists(path):
        raise NoticegenError(f"notice '{ident}' already exists ({path}); choose another title or "
                             "--id, or edit that file")
    listed = ", ".join(dict.fromkeys(activities)) or \
        '"TODO(the activities it covers: ids from datamap/activities/)"'
    text = NOTICE_TEMPLATE.format(
        title=title, ident=ident, title_yaml=_yaml_text(title), activities=listed,
        audience_yaml=_yaml_text(" ".join(audience.split())) if audience and audience.strip()
        else "TODO(whom the notice is for)")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as handle:  # never overwrite
        handle.write(text)
    return NewNotice(ident, path)


@dataclass
class NewActivity:
    """The activity file new wrote, and the notices it was added to."""

    ident: str
    path: Path
    notices: list[Path] = field(default_factory=list)


def new_activity(project: Path, name: str, notices: list[str]) -> NewActivity:
    """Write the activity file and add it to each notice; refuse (exit 2, nothing
    changed) if the activity exists, a notice does not, or a notice's list of
    activities cannot be edited safely."""
    project, name = _project_and_name(project, name, 'activity a name, e.g. noticegen new activity '
                                                     '"School trips"')
    ident = slug(name)
    if ident == "item" and "item" not in name.lower():  # nothing in the name to make an id of
        raise NoticegenError(f"'{name}' has no letters or digits to make the activity's id from; "
                             "give it a name such as \"School trips\"")
    folder = project / "datamap" / "activities"
    path = folder / f"{ident}.yaml"
    if os.path.lexists(path):
        raise NoticegenError(f"activity '{ident}' already exists ({path}); choose another name "
                             "or edit that file")
    edits = [_notice_edit(project, notice, ident) for notice in dict.fromkeys(notices)]
    folder.mkdir(parents=True, exist_ok=True)
    text = ACTIVITY_TEMPLATE.format(name=name, ident=ident, name_yaml=_yaml_text(name))
    with open(path, "x", encoding="utf-8", newline="\n") as handle:  # never overwrite
        handle.write(text)
    for notice_path, new_text in edits:
        _replace(notice_path, new_text)
    return NewActivity(ident, path, [p for p, _ in edits])


def _project_and_name(project: Path, name: str, wanted: str) -> tuple[Path, str]:
    """The project folder, refused unless it is a project, and the new file's name on
    one line, refused when empty ('give the new ' + ``wanted``)."""
    project = Path(project)
    if not (project / "datamap").is_dir():
        raise NoticegenError(f"{project} is not a noticegen project (it has no datamap/ folder); "
                             "run this inside a project, or start one with 'noticegen init'")
    name = " ".join(name.split())
    if not name:
        raise NoticegenError(f"give the new {wanted}")
    return project, name


def _yaml_text(text: str) -> str:
    import json

    plain = re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ,.'()/&-]*", text) and ": " not in text \
        and text.lower() not in ("yes", "no", "true", "false", "null", "on", "off")
    return text if plain else json.dumps(text, ensure_ascii=False)


def _notice_edit(project: Path, slug_: str, ident: str) -> tuple[Path, str]:
    """The notice's file and its new text with ``ident`` appended to ``activities``."""
    from noticegen.load.validate import did_you_mean

    folder = project / "notices"
    known = sorted(p.stem for p in folder.glob("*.md")) if folder.is_dir() else []
    path = folder / f"{slug_}.md"
    if slug_ not in known:
        raise NoticegenError(f"there is no notice '{slug_}' (notices/{slug_}.md)"
                             f"{did_you_mean(slug_, known)}; nothing was changed")
    from noticegen.load.files import UnsafeFile, read_file
    from noticegen.load.documents import MAX_FILE_BYTES

    try:  # as it is, line endings and all; never through a link
        raw = read_file(project, f"notices/{slug_}.md", MAX_FILE_BYTES)
    except (UnsafeFile, OSError) as exc:
        reason = exc.at(f"notices/{slug_}.md") if isinstance(exc, UnsafeFile) else (exc.strerror or exc)
        raise NoticegenError(f"cannot read notices/{slug_}.md: {reason}; nothing was changed") from None
    bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
    try:
        text = raw.decode("utf-8").removeprefix(bom)
    except UnicodeDecodeError:
        raise NoticegenError(f"notices/{slug_}.md is not UTF-8 text (run 'noticegen check'); "
                             "nothing was changed") from None
    before = _front_matter(text, path)
    new_text = _append_activity(text, ident)
    if new_text is None:
        raise NoticegenError(f"cannot add '{ident}' to notices/{slug_}.md safely: its activities "
                             "list is not written one line per item or as [a, b] on one line; "
                             "add it by hand; nothing was changed")
    after = _front_matter(new_text, path)
    expected = dict(before, activities=[*before.get("activities", []), ident])
    if after != expected:
        raise NoticegenError(f"cannot add '{ident}' to notices/{slug_}.md safely: the edit did not "
                             "read back as intended; add it by hand; nothing was changed")
    return path, bom + new_text


def _front_matter(text: str, path: Path) -> dict:
    from noticegen.load.documents import LoadError, parse

    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise NoticegenError(f"{path} does not start with front matter ('---'); nothing was changed")
    end = next((i for i, line in enumerate(lines[1:], 1) if line.rstrip() in ("---", "...")), None)
    if end is None:
        raise NoticegenError(f"{path}: its front matter is not closed with '---'; nothing was changed")
    try:
        data = parse("\n".join(lines[1:end]) + "\n", str(path), 1).data
    except LoadError:
        raise NoticegenError(f"{path}: its front matter cannot be read (run 'noticegen check'); "
                             "nothing was changed") from None
    if not isinstance(data, dict) or not isinstance(data.get("activities"), list):
        raise NoticegenError(f"{path}: its front matter has no list of activities; nothing was changed")
    return data


def _append_activity(text: str, ident: str) -> str | None:
    """The text with ``ident`` added at the end of the front matter's activities list,
    touching that list's last line only; None when the list's layout is not one this
    edit understands."""
    lines = text.split("\n")
    end = next(i for i, line in enumerate(lines[1:], 1) if line.rstrip() in ("---", "..."))
    for index in range(1, end):
        ending = "\r" if lines[index].endswith("\r") else ""
        line = lines[index].removesuffix("\r")
        flow = re.fullmatch(r"(activities:\s*\[)([^\[\]#]*?)(\s*\])(\s*#.*)?", line)
        if flow:
            inside = flow[2].strip()
            items = f"{inside}, {ident}" if inside else ident
            lines[index] = f"{flow[1]}{items}{flow[3]}{flow[4] or ''}{ending}"
            return "\n".join(lines)
        if re.fullmatch(r"activities:\s*(#.*)?", line):
            last, indent = None, None
            for follow in range(index + 1, end):
                item = re.match(r"(\s*)-\s+\S", lines[follow])
                if item:
                    last, indent = follow, item[1]
                elif lines[follow].strip() and not lines[follow].lstrip().startswith("#"):
                    break
            if last is None:
                return None
            ending = "\r" if lines[last].endswith("\r") else ""
            lines.insert(last + 1, f"{indent}- {ident}{ending}")
            return "\n".join(lines)
    return None


def _replace(path: Path, text: str) -> None:
    """Replace a notice's text whole: written beside it, then renamed over it."""
    temporary = path.with_name(f".{path.name}.new")
    with open(temporary, "x", encoding="utf-8", newline="") as handle:
        handle.write(text)
    os.replace(temporary, path)
