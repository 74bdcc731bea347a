"""Adding to the published record (history/): keeping a notice version's files, or the
record of processing's, and the ledger line that lists them. Reading and verifying the
record is :mod:`noticegen.load.history`'s."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from noticegen.load import files
from noticegen.load.history import FOLDER, LEDGER, Entry, Ledger, _valid_entry, line_bytes, sha256
from noticegen.problems import NoticegenError


# Adding -------------------------------------------------------------------------------

def append(root: Path, ledger: Ledger, data: dict, kept: dict[str, bytes]) -> Entry:
    """Keep ``kept`` (part -> bytes) and add one line to the ledger. The files are written
    first, each exclusively (a version is never overwritten), then the ledger line; the
    ledger is rewritten whole, atomically, with the new line at its end."""
    from noticegen.site.write import replace_project_file

    root = Path(root).resolve()
    lines = ledger.text.split(b"\n") if ledger.text else []
    if lines and lines[-1] == b"":
        lines.pop()
    data = dict(data, n=len(ledger.entries) + 1,
                previous=sha256(lines[-1]) if lines else "",
                files={part: sha256(content) for part, content in sorted(kept.items())})
    why = _valid_entry(data)
    if why is not None:
        raise NoticegenError(f"noticegen cannot keep this version: {why}")
    entry = Entry(len(lines) + 1, data)
    for part, content in sorted(kept.items()):
        _create_kept(root, entry.kept(part), content)
    line = line_bytes(data)
    text = b"".join(item + b"\n" for item in lines) + line + b"\n"
    replace_project_file(root, LEDGER, text)
    ledger.text = text
    ledger.entries.append(entry)
    return entry


def _create_kept(root: Path, relative: str, content: bytes) -> None:
    parts = relative.split("/")
    fd = _project_folder_fd(root, parts[:-1])
    try:
        try:
            handle = os.open(parts[-1], os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                             0o644, dir_fd=fd)
        except FileExistsError:
            raise NoticegenError(f"{relative} is already there, but the ledger does not list it: "
                                 "remove it (or restore history/ from git), then publish again") from None
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
    finally:
        os.close(fd)


def _project_folder_fd(root: Path, parts: list[str]) -> int:
    """A descriptor for ``root/parts...`` inside the project, making plain folders as needed
    and never following a link (a link in history/ stops publishing: it is the record)."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    for name in parts:
        try:
            os.mkdir(name, 0o755, dir_fd=fd)
        except FileExistsError:
            pass
        try:
            child = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                raise NoticegenError(f"{'/'.join(parts)}: a link or a file stands where a folder of "
                                     "the record belongs; remove it, then publish again") from None
            raise
        os.close(fd)
        fd = child
    return fd


def start(root: Path) -> None:
    """Start keeping a record in ``root`` (an empty ledger), if it keeps none yet."""
    root = Path(root).resolve()
    if files.kind(root, LEDGER) == "missing":
        fd = _project_folder_fd(root, [FOLDER])
        try:
            os.close(os.open("ledger.jsonl", os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                             | os.O_CLOEXEC, 0o644, dir_fd=fd))
        except FileExistsError:
            pass
        finally:
            os.close(fd)


