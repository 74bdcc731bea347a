"""Folders inside the project, made and removed without ever following a link: the
private folder a git revision is read into, and the primitives the build writer
(:mod:`noticegen.site.write`) makes build/ with. ``build/`` may have been restored from a
cache or planted in a pull request, so every step is taken relative to an open folder,
with ``O_NOFOLLOW``, and no name is ever reused."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

from noticegen.load import files
from noticegen.problems import NoticegenError

STAGING = ".staging"


def out_folder(project: Path, folder: str) -> Path:
    """``project/folder``, made if missing; refused when it is a link or special file.
    ``folder`` may be nested in build/ (``build/draft``): it is made a step at a time."""
    project = Path(project).resolve()
    if "/" in folder:
        top, rest = folder.split("/", 1)
        os.close(folder_fd(out_folder(project, top), split(rest)))
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


def folder_fd(out: Path, parts: list[str]) -> int:
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


def remove_entry(name: str, dir_fd: int) -> None:
    """Remove ``name`` in the folder ``dir_fd``, whatever it is, never following a link."""
    try:
        mode = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        child = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dir_fd)
        try:
            for entry in os.listdir(child):
                remove_entry(entry, child)
        finally:
            os.close(child)
        os.rmdir(name, dir_fd=dir_fd)
    else:
        os.unlink(name, dir_fd=dir_fd)


def split(relative: str) -> list[str]:
    parts = [p for p in relative.split("/") if p]
    if not parts or any(p in (".", "..") for p in parts):
        raise NoticegenError(f"refusing to write {relative}: outside build/")
    return parts


def mkdtemp(out: Path, prefix: str = STAGING) -> str:
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


@contextlib.contextmanager
def scratch_folder(project: Path, name: str, folder: str = "build"):
    """A new, private folder inside build/ under an unpredictable name, removed after."""
    out = out_folder(project, folder)
    entry = Path(mkdtemp(out, name)).name
    try:
        yield out / entry
    finally:
        fd = files.open_folder(out)
        try:
            remove_entry(entry, fd)
        finally:
            os.close(fd)
