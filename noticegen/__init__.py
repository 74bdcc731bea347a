"""noticegen: privacy notices and records of processing built from one YAML data map."""

from pathlib import Path

__version__ = "0.1.0"


def packaged(*parts: str) -> Path:
    """A file shipped inside the noticegen package (schemas, catalogue, templates,
    messages), found beside this module: importlib.resources would do the same for an
    installed package, at the cost of importing tempfile and zipfile at every start."""
    return Path(__file__).parent.joinpath(*parts)
