"""Write: outputs into build/, atomically, with a manifest of what made them.

``build/`` may have been restored from a CI cache or a shared workspace, so nothing in
it is trusted: any folder, file or temporary name in it may be a planted symbolic link.
Every write here therefore

- reaches its folder one step at a time from ``build/`` without following a link
  (a link or special file found on the way, being inside ``build/``, is removed and a
  real folder made in its place), so a write can never land outside ``build/``;
- creates new files exclusively (``O_CREAT | O_EXCL | O_NOFOLLOW``) under names no one
  can predict, in a staging folder made fresh for this build (``mkdtemp``);
- puts each file in place with a rename, which replaces a link rather than following it.

Nothing in ``build/`` is published unchecked. A build leaves in it exactly the outputs
it made (and noticegen's own bookkeeping files): any other file found there, planted
or left over, is removed. An output of an earlier build is kept, not made again, only
when the manifest that vouches for it is signed with the key in the environment
variable ``NOTICEGEN_BUILD_KEY`` (a CI secret, say) and the file still has the hash the
manifest gives: without the key, a manifest and outputs restored from a cache could
have been forged together, so everything is rendered afresh.

Only one build writes to a project's ``build/`` at a time: a second one is refused with
a plain message (a lock on ``build/.noticegen-lock``). A build that fails or is killed
while rendering leaves the previous ``build/`` exactly as it was. Before the finished
outputs are moved into place, the list of moves is written to
``build/.noticegen-commit.json``; a build killed during the moves is completed from that
list by the next noticegen command that writes to ``build/``, before it does anything
else, so ``build/`` never stays a mix of two builds.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import stat
from pathlib import Path

from noticegen import __version__, files
from noticegen.problems import NoticegenError

MANIFEST = "manifest.json"
STAGING = ".staging"
LOCK = ".noticegen-lock"
JOURNAL = ".noticegen-commit.json"
KEY_VARIABLE = "NOTICEGEN_BUILD_KEY"
OWN_FILES = (LOCK, JOURNAL)
"""Files in build/ that are noticegen's own, besides the manifests."""
_MAX_MANIFEST = 200_000_000


def _signature(manifest: dict, key: bytes) -> str:
    body = json.dumps({k: v for k, v in manifest.items() if k != "signature"}, sort_keys=True,
                      ensure_ascii=False).encode("utf-8")
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def _own(relative: str) -> bool:
    return relative in OWN_FILES or relative == MANIFEST or (
        relative.startswith("manifest-shard-") and relative.endswith(".json") and "/" not in relative)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _out_folder(project: Path, folder: str) -> Path:
    """``project/folder``, made if missing; refused when it is a link or special file.
    ``folder`` may be nested in build/ (``build/draft``): it is made a step at a time."""
    project = Path(project).resolve()
    if "/" in folder:
        top, rest = folder.split("/", 1)
        os.close(_folder_fd(_out_folder(project, top), _split(rest)))
        return project / folder
    state = files.kind(project, folder)
    if state == "unsafe" or state == "file":
        raise NoticegenError(f"{folder} is not a plain folder inside the project (a link or a "
                             f"file); remove it and run the command again")
    if state == "missing":
        try:
            os.mkdir(project / folder)
        except FileExistsError:
            pass
    return project / folder


def _folder_fd(out: Path, parts: list[str]) -> int:
    """A descriptor for ``out/parts...``, making real folders as needed; a link or
    special file in the way (inside build/) is removed first."""
    fd = files.open_folder(out)
    for name in parts:
        while True:
            try:
                child = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC,
                                dir_fd=fd)
                break
            except FileNotFoundError:
                try:
                    os.mkdir(name, 0o755, dir_fd=fd)
                except FileExistsError:
                    pass
            except OSError as exc:
                if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
                    os.close(fd)
                    raise
                os.unlink(name, dir_fd=fd)  # a link or file where a folder belongs
        os.close(fd)
        fd = child
    return fd


def _remove_entry(name: str, dir_fd: int) -> None:
    """Remove ``name`` in the folder ``dir_fd``, whatever it is, never following a link."""
    try:
        mode = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        child = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dir_fd)
        try:
            for entry in os.listdir(child):
                _remove_entry(entry, child)
        finally:
            os.close(child)
        os.rmdir(name, dir_fd=dir_fd)
    else:
        os.unlink(name, dir_fd=dir_fd)


def _create(dir_fd: int, name: str, data: bytes) -> None:
    """Write a new file exclusively: never through a link, never over another file."""
    handle = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                     0o644, dir_fd=dir_fd)
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)


def _split(relative: str) -> list[str]:
    parts = [p for p in relative.split("/") if p]
    if not parts or any(p in (".", "..") for p in parts):
        raise NoticegenError(f"refusing to write {relative}: outside build/")
    return parts


def _place(out: Path, source_fd: int, source: str, relative: str) -> None:
    """Move ``source`` (in the folder ``source_fd``) to ``out/relative``, atomically."""
    parts = _split(relative)
    fd = _folder_fd(out, parts[:-1])
    try:
        try:
            os.replace(source, parts[-1], src_dir_fd=source_fd, dst_dir_fd=fd)
        except (IsADirectoryError, OSError) as exc:
            if not isinstance(exc, IsADirectoryError) and exc.errno not in (errno.EISDIR, errno.ENOTEMPTY):
                raise
            _remove_entry(parts[-1], fd)  # a folder planted where a file belongs
            os.replace(source, parts[-1], src_dir_fd=source_fd, dst_dir_fd=fd)
    finally:
        os.close(fd)


def _unlink(out: Path, relative: str) -> None:
    parts = _split(relative)
    try:
        fd = files.open_folder(out, "/".join(parts[:-1]))
    except (FileNotFoundError, files.UnsafeFile, NotADirectoryError):
        return
    try:
        os.unlink(parts[-1], dir_fd=fd)
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        pass
    finally:
        os.close(fd)


def write_report(project: Path, name: str, data: bytes | str, folder: str = "build") -> Path:
    """Write one file into build/ atomically: a new file under an unpredictable name,
    then a rename over the old one (which replaces a planted link, never follows it)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    out = _out_folder(project, folder)
    parts = _split(name)
    _replace_in(_folder_fd(out, parts[:-1]), parts[-1], data)
    return out / name


def _replace_in(fd: int, name: str, data: bytes) -> None:
    """Put ``data`` at ``name`` in the folder ``fd`` (then closed): a new file under an
    unpredictable name, then a rename over the old one, never through a link."""
    temporary = f".{name}.{secrets.token_hex(8)}.tmp"
    try:
        _create(fd, temporary, data)
        os.replace(temporary, name, src_dir_fd=fd, dst_dir_fd=fd)
    except BaseException:
        try:
            os.unlink(temporary, dir_fd=fd)
        except OSError:
            pass
        raise
    finally:
        os.close(fd)


class BuildWriter:
    def __init__(self, project: Path, folder: str = "build", manifest: str = MANIFEST,
                 sweep: bool = True):
        """``sweep``: remove every file in build/ that this build does not make (off for
        a shard, whose folder may hold the other shards' outputs too)."""
        self.key = os.environ.get(KEY_VARIABLE, "").encode("utf-8")
        self.sweep = sweep
        self.project = Path(project).resolve()
        self.out = _out_folder(self.project, folder)
        self.folder = folder
        self.manifest_name = manifest
        self.outputs: dict[str, str] = {}
        self.written: set[str] = set()
        self.changed = True
        """False after a commit that found nothing to change (and wrote nothing)."""
        self._lock = self._take_lock()
        finish_interrupted_commit(self.out)
        out_fd = files.open_folder(self.out)
        try:
            for entry in os.listdir(out_fd):
                if entry.startswith(STAGING + "-"):  # left by a killed build
                    _remove_entry(entry, out_fd)
        finally:
            os.close(out_fd)
        self.staging = Path(_mkdtemp(self.out))

    def _take_lock(self) -> int:
        fd = files.open_folder(self.out)
        try:
            try:
                lock = os.open(LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644,
                               dir_fd=fd)
            except OSError as exc:
                if exc.errno != errno.ELOOP:
                    raise
                os.unlink(LOCK, dir_fd=fd)  # a planted link: replace it
                lock = os.open(LOCK, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                               0o644, dir_fd=fd)
        finally:
            os.close(fd)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(lock)
            raise NoticegenError("another noticegen build is writing to build/ in this project "
                                 "right now; wait for it to finish, then run the command again") from None
        return lock

    def _unknown(self) -> list[str]:
        """Files (and links) in build/ that are neither outputs of this build nor
        noticegen's own: a build/ restored from elsewhere may hold anything."""
        if not self.sweep:
            return []
        found = []

        def visit(relative: str) -> None:
            try:
                entries = files.list_folder(self.out, relative)
            except (OSError, files.UnsafeFile):
                return
            for entry in entries:
                path = f"{relative}/{entry.name}" if relative else entry.name
                if not relative and entry.name.startswith((STAGING + "-", ".diff-")):
                    continue  # another command's private folder
                if entry.kind == "folder":
                    visit(path)
                elif path not in self.outputs and not _own(path):
                    found.append(path)

        visit("")
        return found

    def _release(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor releases the lock
            self._lock = None

    def _staged(self, relative: str) -> tuple[int, str]:
        parts = _split(relative)
        return _folder_fd(self.staging, parts[:-1]), parts[-1]

    def add(self, relative: str, data: bytes | str) -> None:
        """Stage a newly rendered output."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        if relative.split("/", 1)[0] in (LOCK, JOURNAL) or relative.startswith(STAGING):
            raise NoticegenError(f"refusing to write {relative}: a name noticegen keeps for itself")
        fd, name = self._staged(relative)
        try:
            _create(fd, name, data)
        finally:
            os.close(fd)
        self.outputs[relative] = sha256(data)
        self.written.add(relative)

    def keep(self, previous: dict, outputs: list[str]) -> None:
        """Record outputs left as they are from the previous build."""
        for relative in outputs:
            self.outputs[relative] = previous["outputs"][relative]

    def keep_intact(self, previous: dict, suffix: str) -> None:
        """Keep the earlier outputs ending in ``suffix`` that are still exactly as that
        manifest lists them (a preview build without PDFs keeps the last full build's)."""
        for relative, digest in (previous.get("outputs") or {}).items():
            if not isinstance(relative, str) or not relative.endswith(suffix) or relative in self.outputs:
                continue
            try:
                data = files.read_file(self.out, relative, _MAX_MANIFEST)
            except (OSError, files.UnsafeFile, NoticegenError):
                continue
            if sha256(data) == digest:
                self.outputs[relative] = digest

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        self._release()

    def previous_manifest(self, trusted: bool = True) -> dict:
        """The last build's manifest; with ``trusted``, only when its signature shows this
        key made it (otherwise ``{}``: nothing of the last build is reused)."""
        try:
            manifest = json.loads(files.read_file(self.out, self.manifest_name, _MAX_MANIFEST))
        except (OSError, ValueError, files.UnsafeFile):
            return {}
        if not isinstance(manifest, dict) or not isinstance(manifest.get("outputs", {}), dict):
            return {}
        if trusted and not (self.key and isinstance(manifest.get("signature"), str) and
                            hmac.compare_digest(manifest["signature"], _signature(manifest, self.key))):
            return {}
        return manifest

    def unchanged(self, previous: dict, key: str, digest: str, outputs: list[str]) -> bool:
        """Whether a unit made from the same data is already in build/, intact."""
        unit = (previous.get("units") or {}).get(key)
        if not isinstance(unit, dict) or unit.get("digest") != digest or unit.get("outputs") != outputs:
            return False
        hashes = previous.get("outputs") or {}
        for relative in outputs:
            # an output edited, damaged or replaced by a link is made again
            try:
                data = files.read_file(self.out, relative, _MAX_MANIFEST)
            except (OSError, files.UnsafeFile):
                return False
            if relative not in hashes or sha256(data) != hashes[relative]:
                return False
        return True

    def commit(self, inputs: dict[str, str], units: dict | None = None) -> dict:
        """Move the staged outputs into build/ and write the manifest last."""
        manifest = {
            "noticegen": __version__,
            "inputs": dict(sorted(inputs.items())),
            "outputs": dict(sorted(self.outputs.items())),
            "units": dict(sorted((units or {}).items())),
        }
        if self.key:
            manifest["signature"] = _signature(manifest, self.key)
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        previous = self.previous_manifest()
        if not self.written and previous == manifest and not self._unknown():
            self.abort()
            self.changed = False
            return manifest  # nothing changed: nothing is written
        recorded = self.previous_manifest(trusted=False).get("outputs") or {}
        stale = set(recorded) - set(self.outputs)
        if self.sweep:
            stale |= set(self._unknown())
        stale = sorted(s for s in stale if isinstance(s, str) and not _own(s))
        journal = {"staging": self.staging.name, "moves": sorted(self.written), "stale": stale,
                   "manifest": self.manifest_name, "text": text}
        write_report(self.project, JOURNAL, json.dumps(journal), self.folder)
        _complete(self.out, journal)
        self._release()
        return manifest


def _mkdtemp(out: Path, prefix: str = STAGING) -> str:
    """A new folder in ``out`` that only this process knows: ``prefix-<random>``, made
    exclusively (an existing name, planted or not, is never reused). Returns its path."""
    fd = files.open_folder(out)
    try:
        while True:
            name = f"{prefix}-{secrets.token_hex(8)}"
            try:
                os.mkdir(name, 0o700, dir_fd=fd)
                return str(out / name)
            except FileExistsError:
                continue
    finally:
        os.close(fd)


def _complete(out: Path, journal: dict) -> None:
    """Carry out a commit: every staged file into place, stale outputs removed, the
    manifest last, then the journal and the staging folder removed."""
    staging = journal["staging"]
    for relative in journal["moves"]:
        parts = _split(relative)
        try:
            fd = files.open_folder(out, "/".join([staging, *parts[:-1]]))
        except (FileNotFoundError, files.UnsafeFile, NotADirectoryError):
            continue  # moved already, before an interruption
        try:
            if files.kind(out, f"{staging}/{relative}") == "file":
                _place(out, fd, parts[-1], relative)
        finally:
            os.close(fd)
    for relative in journal["stale"]:
        _unlink(out, relative)
    write_report(out, journal["manifest"], journal["text"], "")
    _unlink(out, JOURNAL)
    out_fd = files.open_folder(out)
    try:
        _remove_entry(staging, out_fd)
    finally:
        os.close(out_fd)


def finish_interrupted_commit(out: Path) -> bool:
    """Complete a commit a killed build left half done (see the module's docstring).
    Returns whether there was one."""
    try:
        journal = json.loads(files.read_file(out, JOURNAL, _MAX_MANIFEST))
    except (FileNotFoundError, NotADirectoryError):
        return False
    except (OSError, ValueError, files.UnsafeFile):
        _unlink(out, JOURNAL)  # unreadable or planted: nothing to complete
        return False
    if not _valid_journal(journal):
        _unlink(out, JOURNAL)
        return False
    _complete(out, journal)
    return True


def _valid_journal(journal) -> bool:
    """A journal names only places inside build/ and a manifest file of noticegen's."""
    if not isinstance(journal, dict):
        return False
    staging, manifest = journal.get("staging"), journal.get("manifest")
    names = journal.get("moves"), journal.get("stale")
    return (isinstance(staging, str) and staging.startswith(STAGING + "-") and "/" not in staging
            and isinstance(manifest, str) and "/" not in manifest
            and (manifest == MANIFEST or manifest.startswith("manifest-shard-"))
            and isinstance(journal.get("text"), str)
            and all(isinstance(n, list) and all(isinstance(i, str) for i in n) for n in names))


@contextlib.contextmanager
def scratch_folder(project: Path, name: str, folder: str = "build"):
    """A new, private folder inside build/ under an unpredictable name, removed after."""
    out = _out_folder(project, folder)
    entry = Path(_mkdtemp(out, name)).name
    try:
        yield out / entry
    finally:
        fd = files.open_folder(out)
        try:
            _remove_entry(entry, fd)
        finally:
            os.close(fd)


def replace_project_file(project: Path, relative: str, data: bytes) -> None:
    """Replace a project file (for ``migrate``): reached without following a link, a new
    file under an unpredictable name, then a rename over the old one."""
    parts = _split(relative)
    _replace_in(files.open_folder(Path(project).resolve(), "/".join(parts[:-1])), parts[-1], data)


_SHARD = re.compile(r"manifest-shard-(\d+)-of-(\d+)\.json")


def combine_shards(project: Path) -> dict:
    """Make one build of the shards whose outputs and manifests have been put together
    in build/ (each ``build --shard I/N`` writes ``manifest-shard-I-of-N.json``): check
    that every shard is there and every output it lists is, byte for byte, then write
    the one ``manifest.json`` a single full build writes, and remove the shard manifests.
    Returns that manifest."""
    out = _out_folder(project, "build")
    shards: dict[int, dict] = {}
    count = None
    for entry in files.list_folder(out, ""):
        match = _SHARD.fullmatch(entry.name)
        if not match or entry.kind != "file":
            continue
        index, total = int(match[1]), int(match[2])
        if count not in (None, total):
            raise NoticegenError(f"build/ holds shards of {count} and of {total}: combine the "
                                 "shards of one build only")
        count = total
        shards[index] = json.loads(files.read_file(out, entry.name, _MAX_MANIFEST))
    if not shards:
        raise NoticegenError("build/ holds no shard manifests (manifest-shard-I-of-N.json): put "
                             "the build/ folders of every 'build --shard I/N' together first")
    missing = sorted(set(range(1, count + 1)) - set(shards))
    if missing:
        raise NoticegenError(f"shard{'s' if len(missing) > 1 else ''} "
                             f"{', '.join(f'{i}/{count}' for i in missing)} "
                             "missing from build/: combine only when every shard is there")
    key = os.environ.get(KEY_VARIABLE, "").encode("utf-8")
    inputs = shards[1].get("inputs")
    outputs: dict[str, str] = {}
    units: dict = {}
    for index, shard in sorted(shards.items()):
        if shard.get("inputs") != inputs or shard.get("noticegen") != __version__:
            raise NoticegenError(f"shard {index}/{count} was built from other files (or by another "
                                 "noticegen): build every shard from the same commit")
        if key and shard.get("signature") != _signature(shard, key):
            raise NoticegenError(f"shard {index}/{count}'s manifest is not signed with this "
                                 f"{KEY_VARIABLE}")
        for relative, digest in shard.get("outputs", {}).items():
            try:
                data = files.read_file(out, relative, _MAX_MANIFEST)
            except (OSError, files.UnsafeFile):
                raise NoticegenError(f"{relative}, from shard {index}/{count}, is missing from "
                                     "build/") from None
            if sha256(data) != digest:
                raise NoticegenError(f"{relative}, from shard {index}/{count}, is not the file that "
                                     "shard made")
            outputs[relative] = digest
        units.update(shard.get("units", {}))
    manifest = {"noticegen": __version__, "inputs": inputs,
                "outputs": dict(sorted(outputs.items())), "units": dict(sorted(units.items()))}
    if key:
        manifest["signature"] = _signature(manifest, key)
    write_report(project, MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    for index in shards:
        _unlink(out, f"manifest-shard-{index}-of-{count}.json")
    return manifest
