"""Stage 1, load: a project's files read safely, YAML with the place of every value, JSON Schema validation, the packaged schemas and lawful-basis catalogue, and a project or trust found and read whole.

Every command starts here, from :func:`project`.
"""

from __future__ import annotations

from pathlib import Path


def project(root: Path):
    """The project at ``root`` as loaded and validated: a
    :class:`~noticegen.load.reader.LoadedProject` for a single school, or a
    :class:`~noticegen.load.reader.LoadedTrust` holding each school of a trust.
    Nothing is resolved or checked yet; problems found while reading are kept on it."""
    from noticegen.load.reader import load

    return load(Path(root))
