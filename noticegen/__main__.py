"""Allow ``python -m noticegen``."""

from noticegen.cli import run

run()
