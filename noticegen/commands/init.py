"""Init: scaffold a new school project from the packaged starter set.

The starter set follows the DfE model privacy notices (pupils, the school workforce,
children in need and looked-after children), with registers filled in with the usual
recipients, legislation and IRMS-style retention rules, and ``TODO(...)`` placeholders
for what only the school knows; ``check`` reports each placeholder until it is filled.
``init`` never overwrites a file: what exists is kept and listed.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from noticegen.classes import dataclass, field
from noticegen.problems import NoticegenError
from noticegen.load.validate import KINDS, schema_text

_RENAMES = {"gitignore": ".gitignore"}  # package data cannot carry dot files reliably
SCHEMAS = ".schemas"


@dataclass
class InitResult:
    """The starter files init created, and those it kept as they were."""

    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def _starter_files(folder=None, prefix: str = ""):
    folder = folder or resources.files("noticegen.starter")
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        if item.name in ("__init__.py", "__pycache__"):
            continue
        relative = prefix + _RENAMES.get(item.name, item.name)
        if item.is_dir():
            yield from _starter_files(item, relative + "/")
        else:
            yield relative, item.read_bytes()


def init_project(target: Path) -> InitResult:
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise NoticegenError(f"{target} exists and is not a folder")
    files = list(_starter_files())
    files += [(f"{SCHEMAS}/{kind}.schema.json", schema_text(kind).encode("utf-8"))
              for kind in KINDS + ("common",)]
    result = InitResult()
    for relative, data in files:
        destination = target / relative
        if destination.exists() or destination.is_symlink():
            result.kept.append(relative)
            continue
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            with open(destination, "xb") as handle:  # never overwrite, even in a race
                handle.write(data)
        except FileExistsError:
            result.kept.append(relative)
            continue
        except OSError as exc:
            where = Path(exc.filename) if exc.filename else destination
            raise NoticegenError(f"cannot make the project in {target}: {where} "
                                 f"({exc.strerror or exc}); choose a folder you can write to "
                                 "that is not inside a file") from None
        result.created.append(relative)
    return result


def fill_placeholders(root: Path, values: dict[str, str]) -> int:
    """Replace placeholders (``"TODO(school name)": "Moss Hey Primary School"``) in every
    YAML and Markdown file of a project; returns how many files changed. For scripts that
    set up many schools at once."""
    changed = 0
    for path in sorted(Path(root).rglob("*")):
        if path.is_file() and path.suffix in (".yaml", ".md") and "build" not in path.parts:
            text = path.read_text(encoding="utf-8")
            new = text
            for placeholder, value in values.items():
                new = new.replace(placeholder, value)
            if new != text:
                path.write_text(new, encoding="utf-8")
                changed += 1
    return changed
