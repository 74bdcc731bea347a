"""Files: the one way noticegen reads a project's files and lists its folders.

A project arrives in a pull request, and ``build/`` may come from a cache: either can
hold symbolic links (to ``/proc/self/environ``, ``/etc``, the home folder, ``.git/``),
FIFOs that block a reader forever, or devices. Every read goes through here, and here
every step of a path, from the project folder down, is opened without following a
link (``O_NOFOLLOW``, one folder at a time through its file descriptor), so a link
anywhere on the way, or a file that is not a regular file, is refused with a located,
plain message and never read. A FIFO or device is recognised from its status before
it is opened, and opened (if at all) non-blocking, so nothing waits on it.

Writing is :mod:`noticegen.site.write`'s job; it uses :func:`open_folder` to reach folders
inside ``build/`` the same way.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from noticegen.classes import dataclass

_DIRECTORY_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class UnsafeFile(Exception):
    """A path noticegen will not read: ``rule`` is the check rule that reports it, and
    ``path`` the step of the path at fault (the file itself, or a folder above it)."""

    def __init__(self, rule: str, message: str, path: str = ""):
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.path = path

    def at(self, relative: str) -> str:
        """The message for a problem reported at ``relative``: "this is a symbolic
        link ..." when the fault is ``relative`` itself, naming the folder otherwise."""
        prefix = f"{self.path} is "
        if self.path == relative and self.message.startswith(prefix):
            return "this is " + self.message[len(prefix):]
        return self.message


def _what(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def refusal(shown: str, mode: int, wanted: str) -> UnsafeFile:
    what = _what(mode)
    if stat.S_ISLNK(mode):
        return UnsafeFile("outside-project",
                          f"{shown} is a symbolic link; noticegen reads only the project's own "
                          f"regular files and folders, never through a link: put the {wanted} "
                          "itself there", shown)
    return UnsafeFile("special-file", f"{shown} is {what}, not a {wanted}; noticegen will not "
                                      "read it", shown)


def _parts(relative: str) -> list[str]:
    parts = [p for p in str(relative).split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise UnsafeFile("outside-project", f"{relative}: a path may not go up with '..'")
    return parts


def open_folder(root: Path, relative: str = "") -> int:
    """A file descriptor for the folder ``root/relative``, reached one folder at a time
    without following links. The caller closes it. Raises :class:`UnsafeFile`, or
    FileNotFoundError when a step does not exist."""
    parts = _parts(relative)
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    for index, name in enumerate(parts):
        try:
            child = os.open(name, _DIRECTORY_FLAGS, dir_fd=fd)
        except OSError as exc:
            try:
                mode = os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode
            except OSError:
                mode = None
            os.close(fd)
            if mode is None or exc.errno == errno.ENOENT:
                raise FileNotFoundError(errno.ENOENT, "no such folder", "/".join(parts[:index + 1])) from None
            raise refusal("/".join(parts[:index + 1]), mode, "folder") from None
        os.close(fd)
        fd = child
    return fd


def kind(root: Path, relative: str) -> str:
    """'missing', 'file', 'folder', or 'unsafe' (a link or special file on the way)."""
    parts = _parts(relative)
    try:
        fd = open_folder(root, "/".join(parts[:-1]))
    except FileNotFoundError:
        return "missing"
    except UnsafeFile:
        return "unsafe"
    try:
        mode = os.stat(parts[-1], dir_fd=fd, follow_symlinks=False).st_mode if parts else stat.S_IFDIR
    except FileNotFoundError:
        return "missing"
    finally:
        os.close(fd)
    if stat.S_ISREG(mode):
        return "file"
    return "folder" if stat.S_ISDIR(mode) else "unsafe"


def check(root: Path, relative: str, wanted: str = "file") -> None:
    """Raise :class:`UnsafeFile` unless ``relative`` is missing or a regular file (or,
    with ``wanted='folder'``, a real folder), reached without links."""
    parts = _parts(relative)
    fd = open_folder(root, "/".join(parts[:-1]))
    try:
        mode = os.stat(parts[-1], dir_fd=fd, follow_symlinks=False).st_mode
    except FileNotFoundError:
        return
    finally:
        os.close(fd)
    fine = stat.S_ISDIR(mode) if wanted == "folder" else stat.S_ISREG(mode)
    if not fine:
        raise refusal(relative, mode, wanted)


def read_file(root: Path, relative: str, limit: int) -> bytes:
    """The bytes of the regular file ``root/relative``. Raises :class:`UnsafeFile` for a
    link or special file anywhere on the path, or a file over ``limit`` bytes
    (rule file-too-large), and OSError when it cannot be read."""
    parts = _parts(relative)
    if not parts:
        raise UnsafeFile("special-file", f"{relative} is a folder, not a file")
    fd = open_folder(root, "/".join(parts[:-1]))
    try:
        mode = os.stat(parts[-1], dir_fd=fd, follow_symlinks=False).st_mode
        if not stat.S_ISREG(mode):
            raise refusal(relative, mode, "file")
        handle = os.open(parts[-1], _FILE_FLAGS, dir_fd=fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # became a link between the two calls
            raise UnsafeFile("outside-project", f"{relative} is a symbolic link; noticegen "
                                                "reads only the project's own regular files") from None
        raise
    finally:
        os.close(fd)
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode):
            raise refusal(relative, status.st_mode, "file")
        if status.st_size > limit:
            raise UnsafeFile("file-too-large", f"file is {status.st_size:,} bytes; the limit is {limit:,}")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(handle, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise UnsafeFile("file-too-large", f"file is over {limit:,} bytes, the limit")
        return b"".join(chunks)
    finally:
        os.close(handle)


@dataclass(frozen=True)
class Entry:
    """A name in a folder, with what it is, as listed without following links."""

    name: str
    kind: str  # 'file', 'folder', 'link' or 'special'


def list_folder(root: Path, relative: str) -> list[Entry]:
    """The entries of the folder ``root/relative``, sorted by name, each with its kind
    as it is (links are not followed). Raises :class:`UnsafeFile` when the folder or a
    folder above it is a link or special file, FileNotFoundError when it is missing."""
    fd = open_folder(root, relative)
    try:
        entries = []
        with os.scandir(fd) as scan:
            for item in scan:
                if item.is_symlink():
                    what = "link"
                elif item.is_dir(follow_symlinks=False):
                    what = "folder"
                elif item.is_file(follow_symlinks=False):
                    what = "file"
                else:
                    what = "special"
                entries.append(Entry(item.name, what))
    finally:
        os.close(fd)
    return sorted(entries, key=lambda e: e.name)


def walk(root: Path, relative: str):
    """Every file below the folder ``root/relative`` as a relative path; raises
    :class:`UnsafeFile` at the first link or special file found."""
    for entry in list_folder(root, relative):
        path = f"{relative}/{entry.name}" if relative else entry.name
        if entry.kind == "folder":
            yield from walk(root, path)
        elif entry.kind == "file":
            yield path
        else:
            mode = os.stat(Path(root) / path, follow_symlinks=False).st_mode
            raise refusal(path, mode, "file or folder")
