"""noticegen: privacy notices and records of processing built from one YAML data map."""

__version__ = "0.1.0"
