"""Read a project as it was at a git revision, for ``noticegen diff`` and the
``notice-not-versioned`` rule.

A revision's data-map files are streamed out of git one at a time (``git cat-file
--batch``, never a whole archive in memory, never a command line that grows with the
number of files), each refused if it is over the size limit ``check`` applies, into a
private folder inside ``build/`` (nothing is written anywhere else), and loaded like any
project, then the folder is removed; the work tree is loaded in place.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from noticegen.load.documents import MAX_FILE_BYTES
from noticegen.load.reader import LoadedProject, load_project, load_trust
from noticegen.load.scratch import scratch_folder
from noticegen.problems import NoticegenError


WORK_TREE = None
"""Stands for the work tree (uncommitted files) as a revision."""


_PROJECT_PARTS = ("datamap/", "notices/", "noticegen.yaml", "schools/")


def _git(root: Path, *args: str) -> bytes:
    try:
        completed = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise NoticegenError("git is not installed; diff needs it") from None
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise NoticegenError(f"git {' '.join(args[:2])}: {message[-1] if message else 'failed'}")
    return completed.stdout


def _repository(root: Path, revision: str) -> Path:
    """The top of the git repository holding ``root``, once ``revision`` is known to be
    in it; otherwise a plain sentence on what is wrong and what to do."""
    try:
        top = Path(_git(root, "rev-parse", "--show-toplevel").decode().strip())
    except NoticegenError as exc:
        if "git is not installed" in str(exc):
            raise
        raise NoticegenError("diff compares versions of the data map kept in git, and this "
                             "project is not in a git repository: put it in one (git init, "
                             "git add, git commit), then run diff again") from None
    try:
        _git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    except NoticegenError:
        raise NoticegenError("the git repository has no commits yet, so there is nothing to "
                             "compare with: commit the files (git add, git commit), then run "
                             "diff again") from None
    try:
        if revision.startswith("-"):
            raise NoticegenError("")
        _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    except NoticegenError:
        raise NoticegenError(f"'{revision}' is not a version in this repository (a tag, branch "
                             "or commit): 'git tag' lists the tags, 'git log --oneline' the "
                             "commits") from None
    return top


def default_base(root: Path) -> str:
    """The last tag if there is one, else HEAD."""
    try:
        return _git(root, "describe", "--tags", "--abbrev=0").decode().strip()
    except NoticegenError:
        return "HEAD"


MAX_FILES = 20_000
MAX_TOTAL_BYTES = 500_000_000
"""Bounds on a revision's data map: its tree comes from a commit anyone can push."""


def _refuse_unsafe_name(relative: str, revision: str) -> None:
    """A git tree's entry names are the committer's to choose (``git mktree`` accepts
    '..'): a name that could leave the private folder it is written into, or reach into
    a repository, stops the comparison, never a file written elsewhere."""
    parts = relative.split("/")
    bad = (len(relative) > 1000 or len(parts) > 8
           or any(part in ("", ".", "..") or part.lower() == ".git" or len(part) > 255
                  or any(c in part for c in "\\\0") or any(ord(c) < 32 or ord(c) == 127 for c in part)
                  for part in parts))
    if bad:
        shown = relative.encode("unicode_escape").decode("ascii")[:200]
        raise NoticegenError(f"the commit {revision} holds a file named '{shown}', which no "
                             "project can have (a name that leads out of the project or into "
                             "git's own files): diff will not read that revision")


def _checkout(root: Path, revision: str, target: Path) -> Path:
    """The project's files at ``revision``, written into ``target``; returns the project."""
    top = _repository(root, revision)
    prefix = root.resolve().relative_to(top.resolve()).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    listing = _git(top, "ls-tree", "-r", "-z", "-l", "--full-tree", revision)
    wanted, total = [], 0
    for line in listing.decode("utf-8", "replace").split("\0"):
        if not line:
            continue
        meta, name = line.split("\t", 1)
        mode, kind, sha, size = meta.split()
        relative = name[len(prefix):] if name.startswith(prefix) else None
        if relative is None or not relative.startswith(_PROJECT_PARTS) or kind != "blob":
            continue
        _refuse_unsafe_name(relative, revision)
        if mode not in ("100644", "100755"):
            continue  # a link (or a submodule) at that revision: never followed
        if len(wanted) >= MAX_FILES:
            raise NoticegenError(f"the project at {revision} has more than {MAX_FILES:,} files; "
                                 "diff cannot compare that revision")
        total += int(size)
        if total > MAX_TOTAL_BYTES:
            raise NoticegenError(f"the project at {revision} holds more than {MAX_TOTAL_BYTES:,} "
                                 "bytes of data-map files; diff cannot compare that revision")
        if int(size) > MAX_FILE_BYTES:
            raise NoticegenError(f"{relative} at {revision} is {int(size):,} bytes, over the "
                                 f"{MAX_FILE_BYTES:,}-byte limit for a data-map file; diff "
                                 "cannot compare that revision")
        wanted.append((sha, relative))
    project = target / "project"
    os.makedirs(project / "datamap", exist_ok=True)
    if wanted:
        _stream_blobs(top, wanted, project)
    return project


def _stream_blobs(top: Path, wanted: list[tuple[str, str]], project: Path) -> None:
    """Write each blob to its place under ``project``, one at a time from one git process."""
    process = subprocess.Popen(["git", "-C", str(top), "cat-file", "--batch"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
    try:
        for sha, relative in wanted:
            process.stdin.write(sha.encode() + b"\n")
            process.stdin.flush()
            header = process.stdout.readline().split()
            if len(header) != 3:
                raise NoticegenError(f"git could not read {relative}")
            data = process.stdout.read(int(header[2]))
            process.stdout.read(1)  # the newline after each object
            try:
                _write_new(project, relative.split("/"), data)
            except OSError:  # a file and a folder of one name, say: not a project's tree
                raise NoticegenError(f"{relative} at that revision cannot be laid out as a "
                                     "project's file; diff cannot compare it") from None
    finally:
        process.stdin.close()
        process.stdout.close()
        process.wait()


def _write_new(project: Path, parts: list[str], data: bytes) -> None:
    """Write a blob under the private folder ``project``, one checked name at a time from
    an open folder, never through a link and never over a file: a tree entry's name (already
    refused by :func:`_refuse_unsafe_name` if it could climb out) is never joined into a
    path that the system would resolve as a whole."""
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(project, flags)
    try:
        for name in parts[:-1]:
            try:
                os.mkdir(name, 0o700, dir_fd=fd)
            except FileExistsError:
                pass
            child = os.open(name, flags, dir_fd=fd)
            os.close(fd)
            fd = child
        handle = os.open(parts[-1], os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                         0o600, dir_fd=fd)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
    finally:
        os.close(fd)


def load_revision(root: Path, revision: str | None, school: str | None = None) -> LoadedProject:
    """The project (or one school of a trust) as loaded at ``revision`` (None: the work
    tree). The revision's files are put in a folder of their own inside build/, removed
    again once loaded."""
    if revision is WORK_TREE:
        return _load(Path(root), school)

    with scratch_folder(Path(root), ".diff") as folder:
        project = _checkout(root, revision, folder)
        model = _load(project, school)
    return model


def _load(root: Path, school: str | None) -> LoadedProject:
    if school is None:
        return load_project(root)
    schools, _ = load_trust(root)
    if school not in schools:  # the school did not exist at that revision
        return _empty(root)
    return schools[school]


def _empty(root: Path) -> LoadedProject:
    return LoadedProject(root)
