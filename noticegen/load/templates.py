"""Where templates are found: noticegen's packaged defaults (this repository's top-level
``templates/``, shipped as ``noticegen.templates``), after a project's own folders."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def packaged_templates() -> Path:
    return Path(str(resources.files("noticegen.templates")))
