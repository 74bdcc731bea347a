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
    def __init__(self, project: Path, folder: str = "build", manifest: str = MANIFEST):
        self.project = project.resolve()
        self.out = self.project / folder
        if self.out.is_symlink() or (self.out.exists() and not self.out.is_dir()):
            raise NoticegenError(f"{folder} is not a plain folder inside the project; "
                                 "remove it and build again")
        self.manifest_name = manifest
        self.staging = self.out / f"{STAGING}-{manifest.removesuffix('.json')}"
        self.outputs: dict[str, str] = {}
        self.written: set[str] = set()
        shutil.rmtree(self.staging, ignore_errors=True)  # left by a killed build

    def _inside(self, relative: str) -> Path:
        target = (self.staging / relative).resolve()
        if not target.is_relative_to(self.staging.resolve()) or relative.startswith(STAGING):
            raise NoticegenError(f"refusing to write {relative}: outside build/")
        return target

    def add(self, relative: str, data: bytes | str) -> None:
        """Stage a newly rendered output."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.staging.mkdir(parents=True, exist_ok=True)
        target = self._inside(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.outputs[relative] = sha256(data)
        self.written.add(relative)

    def keep(self, previous: dict, outputs: list[str]) -> None:
        """Record outputs left as they are from the previous build."""
        for relative in outputs:
            self.outputs[relative] = previous["outputs"][relative]

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def previous_manifest(self) -> dict:
        try:
            manifest = json.loads((self.out / self.manifest_name).read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return manifest if isinstance(manifest, dict) else {}

    def unchanged(self, previous: dict, key: str, digest: str, outputs: list[str]) -> bool:
        """Whether a unit made from the same data is already in build/, intact."""
        unit = (previous.get("units") or {}).get(key)
        if not isinstance(unit, dict) or unit.get("digest") != digest or unit.get("outputs") != outputs:
            return False
        hashes = previous.get("outputs") or {}
        for relative in outputs:
            path = self.out / relative
            # size and hash: an output edited or damaged by hand is made again
            if relative not in hashes or not path.is_file() or path.is_symlink():
                return False
            if sha256(path.read_bytes()) != hashes[relative]:
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
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        previous = self.previous_manifest()
        if not self.written and previous == manifest:
            self.abort()
            return manifest  # nothing changed: nothing is written
        stale = set(previous.get("outputs") or {}) - set(self.outputs)
        self.out.mkdir(parents=True, exist_ok=True)
        for relative in sorted(self.written):
            destination = self.out / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.staging / relative, destination)
        for relative in sorted(stale):
            path = self.out / relative
            if path.resolve().is_relative_to(self.out) and path.is_file():
                path.unlink()
        write_report(self.project, self.manifest_name, text, self.out.name)
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
