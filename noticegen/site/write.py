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
a plain message (a lock on ``build/.noticegen-lock``).

A build switches from the old site to the new one in a single step, so that whenever
it is stopped (killed, out of memory, the machine switched off), ``build/`` shows
either the whole old build or the whole new one, never a mix. The published names
(``index.html``, ``manifest.json``, ``notices/``, ``records/``) are links to
``.current/<name>``; ``.current`` is a link to the folder holding one whole build
(``.site-<random>``). A build fills a new such folder (its new files, and links to the
unchanged ones), then replaces ``.current`` by a rename, which the system does at once;
only then are the old folder and any names the new build no longer has removed.
Publishing ``build/`` follows the links (a copy, an upload, a web server).
"""

from __future__ import annotations

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

from noticegen import __version__

from noticegen.load import files
from noticegen.load.scratch import STAGING
from noticegen.load.scratch import folder_fd as _folder_fd, mkdtemp as _mkdtemp, out_folder as _out_folder
from noticegen.load.scratch import remove_entry as _remove_entry, split as _split
from noticegen.problems import NoticegenError

MANIFEST = "manifest.json"
LOCK = ".noticegen-lock"
CURRENT = ".current"
SITE = ".site"
REPORTS = "reports"
"""build/reports/: the governors' changes reports, each kept under a name saying which
versions it compares; no build removes them (only the DPO does), and no build output may
take that name."""
KEY_VARIABLE = "NOTICEGEN_BUILD_KEY"
_SITE_NAME = re.compile(r"\.site-[0-9a-f]{16}")
_RENAME_EXCHANGE = 2  # renameat2(2): swap the two names
_MAX_MANIFEST = 200_000_000


def _signature(manifest: dict, key: bytes) -> str:
    body = json.dumps({k: v for k, v in manifest.items() if k != "signature"}, sort_keys=True,
                      ensure_ascii=False).encode("utf-8")
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _create(dir_fd: int, name: str, data: bytes) -> None:
    """Write a new file exclusively: never through a link, never over another file."""
    handle = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                     0o644, dir_fd=dir_fd)
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)


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


def take_lock(out: Path) -> int:
    """The build lock of ``out`` (one writer at a time), taken without waiting; a planted
    link, folder or special file in its place is replaced."""
    fd = files.open_folder(out)
    try:
        try:
            lock = os.open(LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                           0o644, dir_fd=fd)
            if not stat.S_ISREG(os.fstat(lock).st_mode):  # a planted FIFO or device
                os.close(lock)
                raise IsADirectoryError(errno.EISDIR, "not a regular file")
        except OSError as exc:
            if exc.errno not in (errno.ELOOP, errno.EISDIR, errno.ENXIO):
                raise
            _remove_entry(LOCK, fd)  # a planted link, folder or special file: replace it
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


def withdraw_published(project: Path) -> bool:
    """Remove the publishable build from build/, leaving only build/draft/: after
    ``build --draft`` a step that publishes build/ must not publish a draft beside (or as)
    the last real build. Returns whether there was one. The next real build makes it again
    (and removes the draft)."""
    out = _out_folder(Path(project).resolve(), "build")
    lock = take_lock(out)
    try:
        fd = files.open_folder(out)
        try:
            removed = False
            for entry in sorted(os.listdir(fd)):
                if entry in (LOCK, "draft", REPORTS) or entry.startswith(".diff-"):
                    continue
                _remove_entry(entry, fd)
                removed = True
        finally:
            os.close(fd)
    finally:
        os.close(lock)
    return removed


class BuildWriter:
    def __init__(self, project: Path, folder: str = "build", manifest: str = MANIFEST,
                 sweep: bool = True):
        """``sweep``: leave in build/ only what this build makes (off for a shard, whose
        folder may hold the other shards' outputs too: those are carried over)."""
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
        out_fd = files.open_folder(self.out)
        try:
            for entry in os.listdir(out_fd):
                if entry.startswith((STAGING + "-", ".link-")):  # left by a killed build
                    _remove_entry(entry, out_fd)
        finally:
            os.close(out_fd)
        self.previous_site = current_site(self.out)
        """The folder holding the last build (``.site-…``), or "" when build/ holds
        plain files (an older noticegen's build, or one restored from elsewhere)."""
        self.staging = Path(_mkdtemp(self.out))

    def _take_lock(self) -> int:
        return take_lock(self.out)

    def _previous(self, relative: str) -> str:
        """Where the last build's ``relative`` is, inside build/."""
        return f"{self.previous_site}/{relative}" if self.previous_site else relative

    def _previous_files(self) -> list[str]:
        """Every regular file of the last build (its site folder), by published name."""
        if not self.previous_site:
            return []
        found: list[str] = []

        def visit(relative: str) -> None:
            try:
                entries = files.list_folder(self.out, f"{self.previous_site}/{relative}".rstrip("/"))
            except (OSError, files.UnsafeFile):
                return
            for entry in entries:
                path = f"{relative}{entry.name}"
                if entry.kind == "folder":
                    visit(path + "/")
                elif entry.kind == "file":
                    found.append(path)

        visit("")
        return found

    def _tidy(self) -> bool:
        """Whether build/ is exactly the last build, laid out as this version lays it
        out, with nothing else in it (then a build that changes nothing writes nothing)."""
        if not self.previous_site:
            return False
        names = _top_names(self.out, self.previous_site)
        present = {entry.name for entry in files.list_folder(self.out, "")}
        if not names <= present or any(_link_target(self.out, name) != f"{CURRENT}/{name}"
                                       for name in names):
            return False
        others = present - names - {LOCK, CURRENT, REPORTS, self.previous_site, self.staging.name}
        if any(not name.startswith(".diff-") for name in others):
            return False
        if self.sweep:
            return set(self._previous_files()) == set(self.outputs) | {self.manifest_name}
        return True

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
        top = relative.split("/", 1)[0]
        if top in (LOCK, CURRENT, REPORTS) or top.startswith((STAGING, SITE, ".link-", ".diff-")):
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
                data = files.read_file(self.out, self._previous(relative), _MAX_MANIFEST)
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
            manifest = json.loads(files.read_file(self.out, self._previous(self.manifest_name),
                                                  _MAX_MANIFEST))
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
                data = files.read_file(self.out, self._previous(relative), _MAX_MANIFEST)
            except (OSError, files.UnsafeFile):
                return False
            if relative not in hashes or sha256(data) != hashes[relative]:
                return False
        return True

    def commit(self, inputs: dict[str, str], units: dict | None = None) -> dict:
        """Make the staged outputs, with the unchanged ones, the new site, and switch
        build/ to it in one step (see the module's docstring)."""
        manifest = {
            "noticegen": __version__,
            "inputs": dict(sorted(inputs.items())),
            "outputs": dict(sorted(self.outputs.items())),
            "units": dict(sorted((units or {}).items())),
        }
        if self.key:
            manifest["signature"] = _signature(manifest, self.key)
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        if not self.written and self.previous_manifest() == manifest and self._tidy():
            self.abort()
            self.changed = False
            return manifest  # nothing changed: nothing is written
        if not self.previous_site:
            self.previous_site = _adopt(self.out)
        carried = [r for r in self.outputs if r not in self.written]
        if not self.sweep:  # a shard keeps every other file of the last build
            carried += [r for r in self._previous_files()
                        if r not in self.outputs and r != self.manifest_name]
        for relative in carried:
            self._carry(relative)
        fd, name = self._staged(self.manifest_name)
        try:
            _create(fd, name, text.encode("utf-8"))
        finally:
            os.close(fd)
        try:
            _switch(self.out, self.staging.name, self.sweep)
        finally:
            self._release()
        return manifest

    def _carry(self, relative: str) -> None:
        """Put the last build's ``relative`` into the new site (see :func:`_link_file`)."""
        _link_file(self.out, self._previous(relative), self.staging, relative)


def _link_file(out: Path, source: str, staging: Path, relative: str) -> None:
    """``out/source`` into ``staging/relative`` as a second link to the same file (no
    copy), or as a copy where the file system cannot link. Neither path follows a link."""
    parts = _split(source)
    source_fd = files.open_folder(out, "/".join(parts[:-1]))
    target = _split(relative)
    target_fd = _folder_fd(staging, target[:-1])
    try:
        try:
            os.link(parts[-1], target[-1], src_dir_fd=source_fd, dst_dir_fd=target_fd,
                    follow_symlinks=False)
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
                raise
            _create(target_fd, target[-1], files.read_file(out, source, _MAX_MANIFEST))
    finally:
        os.close(target_fd)
        os.close(source_fd)


def current_site(out: Path) -> str:
    """The name of the folder ``out/.current`` links to, when that is a real site folder
    of noticegen's (``.site-`` and 16 hex digits, directly in ``out``); "" otherwise."""
    target = _link_target(out, CURRENT)
    if target is None or not _SITE_NAME.fullmatch(target):
        return ""
    return target if files.kind(out, target) == "folder" else ""


def _link_target(out: Path, name: str) -> str | None:
    """What the link ``out/name`` points to, or None when it is not a link."""
    fd = files.open_folder(out)
    try:
        return os.readlink(name, dir_fd=fd)
    except OSError:  # missing, or not a link
        return None
    finally:
        os.close(fd)


def _adopt(out: Path) -> str:
    """Lay a build/ of plain files (an older noticegen's, or one restored from a cache
    or an upload) out as a site behind ``.current``, showing exactly what it showed, so
    that the switch to the new build is then one step like any other. The files are
    linked, not copied, into the site folder; links and special files are left out.
    Returns the site folder's name ("" when there was nothing to adopt)."""
    fd = files.open_folder(out)
    try:
        names = [e.name for e in files.list_folder(out, "")
                 if not e.name.startswith(".") and e.name != REPORTS and e.kind in ("file", "folder")]
        if not names:
            return ""
        staging = Path(_mkdtemp(out)).name
        for name in names:
            _link_tree(out, name, staging)
        site = _make_site(fd, staging)
        _set_link(fd, CURRENT, site, replace_folder=True)
        for name in names:
            _set_link(fd, name, f"{CURRENT}/{name}", replace_folder=True)
        return site
    finally:
        os.close(fd)


def _link_tree(out: Path, relative: str, staging: str) -> None:
    """Link every regular file under ``out/relative`` into ``out/staging/relative``."""
    if files.kind(out, relative) == "file":
        _link_file(out, relative, out / staging, relative)
        return
    try:
        entries = files.list_folder(out, relative)
    except (OSError, files.UnsafeFile):
        return
    for entry in entries:
        if entry.kind in ("file", "folder"):
            _link_tree(out, f"{relative}/{entry.name}", staging)


def _make_site(fd: int, staging: str) -> str:
    """Turn the finished staging folder into a site folder (readable, renamed)."""
    site = _fresh_name(fd, SITE)
    staged = os.open(staging, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
    try:
        os.fchmod(staged, 0o755)  # made private while it was being filled
    finally:
        os.close(staged)
    os.rename(staging, site, src_dir_fd=fd, dst_dir_fd=fd)
    return site


def _top_names(out: Path, site: str) -> set[str]:
    return {entry.name for entry in files.list_folder(out, site)}


def _switch(out: Path, staging: str, sweep: bool) -> None:
    """Make the finished ``staging`` folder the site build/ shows, in one step, then
    tidy up. Every step before the switch leaves the old site showing; every step
    after it, the new one."""
    fd = files.open_folder(out)
    try:
        site = _make_site(fd, staging)
        names = _top_names(out, site)
        deferred = []
        for name in sorted(names):  # a link for each published name (dangling until the switch)
            if not _set_link(fd, name, f"{CURRENT}/{name}", replace_folder=False):
                deferred.append(name)  # a real folder, from an older build's layout
        _set_link(fd, CURRENT, site, replace_folder=True)  # the switch
        for name in deferred:
            _set_link(fd, name, f"{CURRENT}/{name}", replace_folder=True)
        for entry in sorted(os.listdir(fd)):
            if entry in names or entry in (LOCK, CURRENT, REPORTS, site) or entry.startswith(".diff-"):
                continue
            if entry.startswith(SITE + "-") or entry.startswith(".link-") or sweep:
                _remove_entry(entry, fd)  # the old site, and anything else left in build/
            elif _link_target(out, entry) == f"{CURRENT}/{entry}":
                os.unlink(entry, dir_fd=fd)  # a name the new site no longer has
    finally:
        os.close(fd)


def _fresh_name(fd: int, prefix: str) -> str:
    while True:
        name = f"{prefix}-{secrets.token_hex(8)}"
        try:
            os.stat(name, dir_fd=fd, follow_symlinks=False)
        except FileNotFoundError:
            return name


def _set_link(fd: int, name: str, target: str, replace_folder: bool) -> bool:
    """Make ``name`` (in the folder ``fd``) a link to ``target``, replacing whatever is
    there in one step: a rename never follows the link it replaces. A real folder is
    only replaced with ``replace_folder`` (exchanged with the new link where the system
    can, so the name is never missing). Returns False when a folder was left alone."""
    try:
        if os.readlink(name, dir_fd=fd) == target:
            return True
    except OSError:
        pass
    temporary = _fresh_name(fd, ".link")
    os.symlink(target, temporary, dir_fd=fd)
    try:
        os.replace(temporary, name, src_dir_fd=fd, dst_dir_fd=fd)
        return True
    except OSError as exc:
        if exc.errno not in (errno.EISDIR, errno.ENOTEMPTY, errno.EEXIST):
            os.unlink(temporary, dir_fd=fd)
            raise
    if not replace_folder:
        os.unlink(temporary, dir_fd=fd)
        return False
    if _exchange(fd, temporary, name):
        _remove_entry(temporary, fd)  # the old folder, now under the temporary name
    else:
        _remove_entry(name, fd)
        os.replace(temporary, name, src_dir_fd=fd, dst_dir_fd=fd)
    return True


def _exchange(fd: int, first: str, second: str) -> bool:
    """Swap two names in one step (Linux renameat2 RENAME_EXCHANGE); False where the
    system or the file system cannot."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return False
    return function(fd, first.encode(), fd, second.encode(), _RENAME_EXCHANGE) == 0


def replace_project_file(project: Path, relative: str, data: bytes) -> None:
    """Replace a project file (for ``migrate``): reached without following a link, a new
    file under an unpredictable name, then a rename over the old one."""
    parts = _split(relative)
    _replace_in(files.open_folder(Path(project).resolve(), "/".join(parts[:-1])), parts[-1], data)


_SHARD = re.compile(r"manifest-shard-(\d+)-of-(\d+)\.json")


def input_digests(project: Path, relatives) -> dict[str, str]:
    """The digest of each of the project's input files (those check read), by path."""
    root = Path(project).resolve()
    return {relative: sha256(files.read_file(root, relative, 50_000_000)) for relative in sorted(relatives)}


def combine_shards(project: Path, inputs: dict[str, str]) -> dict:
    """Make one build of the shards whose outputs and manifests have been put together
    in build/ (each ``build --shard I/N`` writes ``manifest-shard-I-of-N.json``): check
    that every shard is there, signed with this build key, made from exactly ``inputs``
    (the project's files as they are now), and that every output it lists is there byte for
    byte; then switch build/ to one site holding them with the one ``manifest.json`` a
    single full build writes (the shard manifests are left out). Returns that manifest.

    Shards arrive as CI artifacts, which anyone who can open a pull request may forge:
    without the key nothing shows that a shard's manifest is the one its build wrote, so
    combine refuses to run (docs/security.md)."""
    writer = BuildWriter(project)
    try:
        if not writer.key:
            raise NoticegenError(
                f"combine publishes what other jobs built, and only {KEY_VARIABLE} shows that a "
                "shard's files are the ones its build made: set it (the same secret) in every "
                "'build --shard' job and in this one")
        manifest = _combine(writer, inputs)
    except BaseException:
        writer.abort()
        raise
    return manifest


def _combine(writer: BuildWriter, current_inputs: dict[str, str]) -> dict:
    out, site = writer.out, writer.previous_site
    shards: dict[int, dict] = {}
    count = None
    for entry in files.list_folder(out, site):
        match = _SHARD.fullmatch(entry.name)
        if not match or entry.kind != "file":
            continue
        index, total = int(match[1]), int(match[2])
        if count not in (None, total):
            raise NoticegenError(f"build/ holds shards of {count} and of {total}: combine the "
                                 "shards of one build only")
        count = total
        shards[index] = json.loads(files.read_file(out, writer._previous(entry.name), _MAX_MANIFEST))
    if not shards:
        raise NoticegenError("build/ holds no shard manifests (manifest-shard-I-of-N.json): put "
                             "the build/ folders of every 'build --shard I/N' together first")
    missing = sorted(set(range(1, count + 1)) - set(shards))
    if missing:
        raise NoticegenError(f"shard{'s' if len(missing) > 1 else ''} "
                             f"{', '.join(f'{i}/{count}' for i in missing)} "
                             "missing from build/: combine only when every shard is there")
    inputs = shards[1].get("inputs")
    units: dict = {}
    for index, shard in sorted(shards.items()):
        if shard.get("inputs") != inputs or shard.get("noticegen") != __version__:
            raise NoticegenError(f"shard {index}/{count} was built from other files (or by another "
                                 "noticegen): build every shard from the same commit")
        signature = shard.get("signature")
        if not (isinstance(signature, str) and hmac.compare_digest(signature, _signature(shard, writer.key))):
            raise NoticegenError(f"shard {index}/{count}'s manifest is not signed with this "
                                 f"{KEY_VARIABLE}")
        if shard.get("inputs") != current_inputs:
            changed = sorted(set(current_inputs.items()) ^ set((shard.get("inputs") or {}).items()))
            raise NoticegenError(f"shard {index}/{count} was built from other files than the "
                                 f"project's as they are now (first: {changed[0][0] if changed else '?'}): "
                                 "build the shards again from this commit")
        for relative, digest in shard.get("outputs", {}).items():
            try:
                data = files.read_file(out, writer._previous(relative), _MAX_MANIFEST)
            except (OSError, files.UnsafeFile, NoticegenError):
                raise NoticegenError(f"{relative}, from shard {index}/{count}, is missing from "
                                     "build/") from None
            if sha256(data) != digest:
                raise NoticegenError(f"{relative}, from shard {index}/{count}, is not the file that "
                                     "shard made")
            writer.outputs[relative] = digest
        units.update(shard.get("units", {}))
    return writer.commit(inputs, units)
