"""The published record: every version of every notice exactly as it was published, and
every record of processing as it stood, kept in the project (``history/``) and listed in
an append-only ledger. See docs/history.md for the design and why.

Layout (every name made here from a validated slug or version and fixed file names, never
from a name found on disk, in git or in the ledger without checking it first)::

    history/ledger.jsonl                    one JSON object a line, only ever added to
    history/notices/<slug>/<version>/page.html, fragment.html, notice.pdf
    history/records/<n>/ropa.html, ropa.csv, ropa.xlsx, datamap.jsonld

Each ledger line holds what was kept, the SHA-256 of each kept file, the date, the change
note, and the SHA-256 of the line before it, so that editing, removing or reordering an
earlier line breaks the chain at a line ``check`` can name. ``check`` also compares the
ledger with the one committed in git (HEAD): the committed lines must come first,
unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html.parser
import json
import re
import subprocess
from pathlib import Path

from noticegen.classes import dataclass, field
from noticegen.load import files
from noticegen.problems import Location, NoticegenError
from noticegen.text.i18n import long_date

FOLDER = "history"
LEDGER = "history/ledger.jsonl"
NOTICE_FILES = {"page": "page.html", "fragment": "fragment.html", "pdf": "notice.pdf"}
"""What is kept of a notice's version, and the file name it is kept under."""
RECORD_FILES = {"html": "ropa.html", "csv": "ropa.csv", "xlsx": "ropa.xlsx", "jsonld": "datamap.jsonld"}
"""What is kept of the record of processing (never published), by the name it has in build/records/."""

MAX_KEPT = 50_000_000
MAX_LEDGER = 20_000_000
MAX_LINE = 200_000

VERSION = re.compile(r"[0-9][0-9A-Za-z]{0,19}(?:[.-][0-9A-Za-z]{1,20}){0,6}\Z")
"""A version that can be part of a permanent address: '1.0', '2', '2026-1'."""
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)?\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_DIGEST = re.compile(r"[0-9a-f]{64}\Z")
_COMMIT = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?\Z")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def permanent(slug: str, version: str, part: str) -> str:
    """A version's permanent address in build/ (``notices/pupils.v1.0.html``): beside the
    notice's own page, so the kept page's links (its PDF, its other languages, the other
    notices) work from there byte for byte."""
    suffix = {"page": ".html", "fragment": ".fragment.html", "pdf": ".pdf"}[part]
    return f"notices/{slug}.v{version}{suffix}"


@dataclass
class Entry:
    """One line of the ledger."""

    line: int
    data: dict

    @property
    def kind(self) -> str:
        return self.data["kind"]

    @property
    def notice(self) -> str:
        return self.data.get("notice", "")

    @property
    def version(self) -> str:
        return self.data.get("version", "")

    @property
    def published(self) -> str:
        return self.data["published"]

    @property
    def note(self) -> list[str]:
        return list(self.data.get("note") or [])

    @property
    def rebuilt(self) -> str | None:
        return self.data.get("rebuilt")

    @property
    def digests(self) -> dict[str, str]:
        return dict(self.data["files"])

    def folder(self) -> str:
        """Where this entry's files are kept (made of checked parts only)."""
        if self.kind == "notice":
            return f"{FOLDER}/notices/{self.notice}/{self.version}"
        return f"{FOLDER}/records/{self.data['n']}"

    def kept(self, part: str) -> str:
        names = NOTICE_FILES if self.kind == "notice" else RECORD_FILES
        return f"{self.folder()}/{names[part]}"


@dataclass
class Ledger:
    """The record of published versions (history/), as read and checked."""

    entries: list[Entry] = field(default_factory=list)
    problems: list[tuple[Location, str]] = field(default_factory=list)
    """What is wrong with the record: (where, plain message), for rule history-altered."""
    text: bytes = b""
    exists: bool = False

    def versions(self, slug: str) -> list[Entry]:
        return [e for e in self.entries if e.kind == "notice" and e.notice == slug]

    def find(self, slug: str, version: str) -> Entry | None:
        return next((e for e in self.versions(slug) if e.version == version), None)

    def records(self) -> list[Entry]:
        return [e for e in self.entries if e.kind == "record"]

    def last_line(self) -> bytes:
        lines = self.text.splitlines()
        return lines[-1] if lines else b""


def line_bytes(data: dict) -> bytes:
    """A ledger line as written: sorted keys, no spaces, UTF-8 (the same bytes every time)."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _valid_entry(data) -> str | None:
    """Why a ledger line is not one noticegen writes, or None."""
    if not isinstance(data, dict):
        return "it is not a JSON object"
    kind = data.get("kind")
    if kind not in ("notice", "record"):
        return "its kind is neither 'notice' nor 'record'"
    if not isinstance(data.get("n"), int) or isinstance(data.get("n"), bool) or data["n"] < 1:
        return "its number 'n' is missing"
    if not isinstance(data.get("previous"), str) or not (data["previous"] == "" or _DIGEST.fullmatch(data["previous"])):
        return "'previous' is not a digest"
    for key in ("published", "recorded"):
        if not isinstance(data.get(key), str) or not _DATE.fullmatch(data[key]):
            return f"'{key}' is not a date written YYYY-MM-DD"
        try:
            dt.date.fromisoformat(data[key])
        except ValueError:
            return f"'{key}' is not a real date"
    names = NOTICE_FILES if kind == "notice" else RECORD_FILES
    digests = data.get("files")
    if not isinstance(digests, dict) or not digests or any(
            part not in names or not isinstance(d, str) or not _DIGEST.fullmatch(d) for part, d in digests.items()):
        return "'files' does not list kept files with their digests"
    if kind == "notice":
        if not isinstance(data.get("notice"), str) or not SLUG.fullmatch(data["notice"]):
            return "'notice' is not a notice's name"
        if not isinstance(data.get("version"), str) or not VERSION.fullmatch(data["version"]):
            return "'version' is not a version noticegen can keep"
        if "page" not in digests or "fragment" not in digests:
            return "a notice's version must keep its page and fragment"
        if not isinstance(data.get("text"), str) or not _DIGEST.fullmatch(data["text"]):
            return "'text' is not a digest"
        for key in ("title", "language"):
            if not isinstance(data.get(key), str) or not data[key] or len(data[key]) > 2000:
                return f"'{key}' is missing"
    note = data.get("note", [])
    if not isinstance(note, list) or any(not isinstance(n, str) or len(n) > 20000 for n in note):
        return "'note' is not a list of sentences"
    rebuilt = data.get("rebuilt")
    if rebuilt is not None and (not isinstance(rebuilt, str) or not _COMMIT.fullmatch(rebuilt)):
        return "'rebuilt' is not a git commit"
    return None


def read(root: Path, verify_files: bool = True) -> Ledger:
    """The ledger of ``root`` (empty when the project keeps no record), with every problem
    found: a line that is not one noticegen writes, a broken chain, a kept file missing,
    changed or not listed. Nothing here trusts the ledger's names before checking them."""
    root = Path(root).resolve()
    ledger = Ledger()
    state = files.kind(root, LEDGER)
    if state == "missing" and files.kind(root, FOLDER) == "missing":
        return ledger
    ledger.exists = True
    try:
        ledger.text = files.read_file(root, LEDGER, MAX_LEDGER) if state != "missing" else b""
    except (OSError, files.UnsafeFile) as exc:
        ledger.problems.append((Location(LEDGER), f"the ledger of published versions cannot be read ({exc}): "
                                                  "restore it from git (git checkout -- history/)"))
        return ledger
    previous = b""
    seen: set[tuple[str, str]] = set()
    lines = ledger.text.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the newline that ends the last line
    for number, raw in enumerate(lines, start=1):
        where = Location(LEDGER, number, 1)
        try:
            data = json.loads(raw.decode("utf-8")) if len(raw) <= MAX_LINE else None
        except (UnicodeDecodeError, ValueError):
            data = None
        why = _valid_entry(data) if data is not None else "it is not a line noticegen writes (JSON)"
        if why is None and line_bytes(data) != raw:
            why = "it has been edited by hand (noticegen writes each line in one fixed form)"
        if why is None and data["previous"] != (sha256(previous) if previous else ""):
            why = ("it does not follow the line before it (the chain of digests is broken: a line "
                   "before it was changed, removed or moved)")
        if why is None and data["n"] != len(ledger.entries) + 1:
            why = "its number is out of order"
        if why is None and data["kind"] == "notice":
            if (data["notice"], data["version"]) in seen:
                why = f"version {data['version']} of '{data['notice']}' is listed twice"
            seen.add((data["notice"], data["version"]))
        if why is not None:
            ledger.problems.append((where, f"this line of the published record is not valid: {why}. "
                                           "The record is only ever added to by 'noticegen publish': "
                                           "restore it from git (git checkout -- history/ledger.jsonl)"))
            ledger.entries = []
            return ledger
        ledger.entries.append(Entry(number, data))
        previous = raw
    if verify_files:
        _verify_files(root, ledger)
    return ledger


def _verify_files(root: Path, ledger: Ledger) -> None:
    listed: set[str] = set()
    for entry in ledger.entries:
        for part, digest in entry.digests.items():
            relative = entry.kept(part)
            listed.add(relative)
            try:
                data = files.read_file(root, relative, MAX_KEPT)
            except FileNotFoundError:
                ledger.problems.append((Location(relative), f"this kept file is missing: {_what(entry, part)} "
                                        f"(history/ledger.jsonl line {entry.line}); restore it from git "
                                        "(git checkout -- history/)"))
                continue
            except (OSError, files.UnsafeFile) as exc:
                ledger.problems.append((Location(relative), f"this kept file cannot be read ({exc}); "
                                        "restore it from git (git checkout -- history/)"))
                continue
            if sha256(data) != digest:
                ledger.problems.append((Location(relative), f"this is not {_what(entry, part)} as it was kept on "
                                        f"{long_date(entry.data['recorded'])}: its digest differs from the one in "
                                        f"history/ledger.jsonl line {entry.line}. A published version is never "
                                        "changed: restore it from git (git checkout -- history/)"))
    try:
        found = sorted(files.walk(root, FOLDER))
    except (OSError, files.UnsafeFile) as exc:
        ledger.problems.append((Location(FOLDER), f"history/ holds something that is not a plain file or "
                                f"folder ({exc}); remove it"))
        return
    for relative in found:
        if relative != LEDGER and relative not in listed:
            ledger.problems.append((Location(relative), "this file is in history/ but not in its ledger, so it "
                                    "was not kept by 'noticegen publish': remove it (only what the ledger "
                                    "lists is ever published as an earlier version)"))


def _what(entry: Entry, part: str) -> str:
    if entry.kind == "notice":
        return f"the {part} of '{entry.notice}' version {entry.version}"
    return f"the record of processing kept as number {entry.data['n']} ({part})"


def committed_problems(root: Path, ledger: Ledger) -> list[tuple[Location, str]]:
    """The ledger committed in git (HEAD) must be the start of the work tree's, unchanged:
    the record is only added to. Nothing when the project is not in git or HEAD has no
    ledger yet (a shallow clone has HEAD, which is all this needs)."""
    root = Path(root).resolve()
    try:
        top = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel"], capture_output=True,
                             timeout=20, check=False)
        if top.returncode != 0:
            return []
        prefix = root.relative_to(Path(top.stdout.decode().strip()).resolve()).as_posix()
        path = LEDGER if prefix == "." else f"{prefix}/{LEDGER}"
        shown = subprocess.run(["git", "-C", str(root), "cat-file", "blob", f"HEAD:{path}"],
                               capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError, ValueError):
        return []
    if shown.returncode != 0:
        return []
    committed = shown.stdout[:MAX_LEDGER].split(b"\n")
    current = ledger.text.split(b"\n")
    for number, line in enumerate(committed, start=1):
        if not line and number == len(committed):
            break
        if number > len(current) or current[number - 1] != line:
            return [(Location(LEDGER, min(number, max(len(current), 1)), 1),
                     f"line {number} of the published record differs from (or is missing beside) the one "
                     "committed in git: the record is only ever added to. Restore it "
                     "(git checkout -- history/ledger.jsonl), then publish again if a version is missing")]
    return []


# Text -------------------------------------------------------------------------------

class _Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(page: bytes) -> str:
    """What a reader sees of an HTML fragment: its words, whitespace made single spaces."""
    parser = _Text()
    parser.feed(page.decode("utf-8", "replace"))
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def text_digest(fragment: bytes) -> str:
    return sha256(visible_text(fragment).encode("utf-8"))


def first_difference(old: str, new: str) -> str:
    """The new text's words around where it first differs from the old, as a reader would
    spot it: a few words before, the rest of the sentence after."""
    before, after = old.split(), new.split()
    at = next((i for i, (a, b) in enumerate(zip(before, after)) if a != b), min(len(before), len(after)))
    start = max(at - 4, 0)
    shown = " ".join(after[start:at + 12])
    return ("…" if start else "") + shown + ("…" if at + 12 < len(after) else "")


# Reading for pages ----------------------------------------------------------------------

@dataclass
class Version:
    """A version of a notice as the history pages and the feed show it."""

    slug: str
    version: str
    title: str
    language: str
    published: str
    until: str | None
    note: list[str]
    rebuilt: str | None
    recorded: bool
    pdf: bool

    def address(self, part: str = "page") -> str:
        return permanent(self.slug, self.version, part)


def notice_versions(ledger: Ledger, notice, title: str, current_note: list[str], pdf: bool) -> list[Version]:
    """Every version of ``notice``, oldest first: those in the record, then the notice as it
    is now when its version is not recorded yet (what this build publishes)."""
    entries = ledger.versions(notice.slug)
    versions = [Version(notice.slug, e.version, e.data["title"], e.data["language"], e.published, None,
                        e.note, e.rebuilt, True, "pdf" in e.digests) for e in entries]
    version = str(notice.entry.get("version"))
    if not any(v.version == version for v in versions) and VERSION.fullmatch(version):
        versions.append(Version(notice.slug, version, title, notice.language,
                                str(notice.entry.get("published") or ""), None, current_note, None, False, pdf))
    for earlier, later in zip(versions, versions[1:]):
        earlier.until = later.published
    return versions


def kept_copies(root: Path, slug: str, outputs: list[str]) -> dict[str, bytes]:
    """The kept files of ``slug``'s recorded versions, by their permanent address, each
    read from history/ and checked against the ledger again as it is copied."""
    ledger = read(root, verify_files=False)
    copies: dict[str, bytes] = {}
    for entry in ledger.versions(slug):
        for part, digest in entry.digests.items():
            address = permanent(slug, entry.version, part)
            if address not in outputs:
                continue
            data = files.read_file(Path(root).resolve(), entry.kept(part), MAX_KEPT)
            if sha256(data) != digest:
                raise NoticegenError(f"{entry.kept(part)} changed while the build was reading it; "
                                     "run 'noticegen check', then build again")
            copies[address] = data
    return copies


def read_kept(root: Path, entry: Entry, part: str) -> bytes:
    return files.read_file(Path(root).resolve(), entry.kept(part), MAX_KEPT)
