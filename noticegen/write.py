"""Write: outputs into build/, atomically, with a manifest of what made them.

Everything is first written into ``build/.staging/``; only when every output has been
rendered are the files moved into place (each move is an atomic rename) and files of
the previous build that are no longer produced removed. A build that fails or is
killed while rendering leaves the previous ``build/`` exactly as it was. Nothing is
ever written outside ``build/``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from noticegen import __version__
from noticegen.problems import NoticegenError

MANIFEST = "manifest.json"
STAGING = ".staging"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BuildWriter:
    def __init__(self, project: Path, folder: str = "build"):
        self.project = project.resolve()
        self.out = self.project / folder
        if self.out.is_symlink() or (self.out.exists() and not self.out.is_dir()):
            raise NoticegenError(f"{folder} is not a plain folder inside the project; "
                                 "remove it and build again")
        self.staging = self.out / STAGING
        self.outputs: dict[str, str] = {}
        shutil.rmtree(self.staging, ignore_errors=True)  # left by a killed build
        self.staging.mkdir(parents=True)

    def _inside(self, relative: str) -> Path:
        target = (self.staging / relative).resolve()
        if not target.is_relative_to(self.staging.resolve()) or relative.startswith(STAGING):
            raise NoticegenError(f"refusing to write {relative}: outside build/")
        return target

    def add(self, relative: str, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        target = self._inside(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.outputs[relative] = sha256(data)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def previous_outputs(self) -> set[str]:
        try:
            manifest = json.loads((self.out / MANIFEST).read_text("utf-8"))
            return set(manifest.get("outputs", {}))
        except (OSError, ValueError, AttributeError):
            return set()

    def commit(self, inputs: dict[str, str]) -> dict:
        """Move the staged outputs into build/ and write the manifest last."""
        manifest = {
            "noticegen": __version__,
            "inputs": dict(sorted(inputs.items())),
            "outputs": dict(sorted(self.outputs.items())),
        }
        self.add(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        stale = self.previous_outputs() - set(self.outputs)
        for relative in sorted(self.outputs):
            if relative == MANIFEST:
                continue
            destination = self.out / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.staging / relative, destination)
        for relative in sorted(stale):
            path = (self.out / relative)
            if path.resolve().is_relative_to(self.out) and path.is_file():
                path.unlink()
        os.replace(self.staging / MANIFEST, self.out / MANIFEST)
        shutil.rmtree(self.staging, ignore_errors=True)
        return manifest


def write_report(project: Path, name: str, data: bytes | str, folder: str = "build") -> Path:
    """Write one report file into build/ atomically (a temporary file, then a rename)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    out = Path(project).resolve() / folder
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise NoticegenError(f"{folder} is not a plain folder inside the project")
    out.mkdir(parents=True, exist_ok=True)
    target = out / name
    temporary = out / f".{name}.tmp"
    temporary.write_bytes(data)
    os.replace(temporary, target)
    return target
