"""Allow ``python -m noticegen``."""

from noticegen.cli import main

main()
