"""Where templates are found: noticegen's packaged defaults (this repository's top-level
``templates/``, shipped as ``noticegen.templates``), after a project's own folders."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def packaged_templates() -> Path:
    # found as the import system finds the package (an editable install maps it to the
    # repository's templates/), without importing importlib.resources at every start
    spec = importlib.util.find_spec("noticegen.templates")
    return Path(next(iter(spec.submodule_search_locations)))
