"""The import walkthrough of docs/import.md, timed: from a school's spreadsheet to a
published notice.

    .venv/bin/python bench/import_walkthrough.py [--write docs/import.md]

It builds the eight-row record the import's tests use (tests/school_workbook.py: the ICO
documentation template as a school fills it in), then runs each step of the walkthrough
as its own command, in a fresh Python process, and times it (wall clock, the fastest of
three runs for the short steps): import, check, import again with a corrected names
file, filling in the placeholders (the values a DPO would type, written by the script:
the DPO's own time is not counted), check again, and build (HTML, PDF and record of
processing). It prints a table and, with --write, puts it between the markers in the
file named.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPOSITORY / "tests"))

from school_workbook import fill_in, school_workbook  # noqa: E402

START, END = "<!-- walkthrough-timings -->", "<!-- /walkthrough-timings -->"


def timed(args: list[str], cwd: Path, runs: int = 1, fresh: Path | None = None) -> tuple[float, str]:
    """The fastest of ``runs`` runs of the command, and its output; ``fresh`` is a folder
    removed before each run (the import's target)."""
    best, output = float("inf"), ""
    for _ in range(runs):
        if fresh is not None:
            shutil.rmtree(fresh, ignore_errors=True)
        start = time.perf_counter()
        done = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
        best = min(best, time.perf_counter() - start)
        output = done.stdout + done.stderr
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{output}")
    return best, output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", type=Path, help="put the table into this file, between the markers")
    options = parser.parse_args()
    noticegen = str(BIN / "noticegen")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        school_workbook(here / "ropa.xlsx")
        seconds, output = timed([noticegen, "import", "ropa.xlsx", "school"], here, 3, here / "school")
        summary = re.search(r"check finds (\d+ errors? and \d+ warnings?)", output)[1]
        rows.append(("noticegen import ropa.xlsx school", seconds, f"8 activities, 4 notices; {summary}"))
        seconds, output = timed([noticegen, "check", "school"], here, 3)
        rows.append(("noticegen check school", seconds, output.strip().splitlines()[-1]))
        names = (here / "school" / "import-names.yaml").read_text(encoding="utf-8")
        (here / "names.yaml").write_text(names.replace("  - different:\n    - LA\n    - LA (FSM checks)\n",
                                                       "  - same:\n    - LA\n    - LA (FSM checks)\n"),
                                         encoding="utf-8")
        seconds, _ = timed([noticegen, "import", "ropa.xlsx", "corrected", "--names", "names.yaml"], here, 3,
                           here / "corrected")
        rows.append(("noticegen import ropa.xlsx corrected --names names.yaml", seconds,
                     "LA and LA (FSM checks) said to be one"))
        filled = fill_in(here / "corrected")
        seconds, output = timed([noticegen, "check", "corrected"], here, 3)
        rows.append(("noticegen check corrected", seconds,
                     f"after filling in {filled} placeholders: {output.strip().splitlines()[-1]}"))
        seconds, output = timed([noticegen, "build", "corrected"], here, 1)
        rows.append(("noticegen build corrected", seconds,
                     "HTML and PDF: " + output.strip().splitlines()[-1]))
    table = ["| step | seconds | result |", "|---|---:|---|"]
    table += [f"| `{step}` | {seconds:.2f} | {result.replace('|', '/')} |" for step, seconds, result in rows]
    machine = (f"Measured on {platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python "
               f"{platform.python_version()}, {dt.date.today().isoformat()}, with "
               "`python bench/import_walkthrough.py` (each command a fresh process; the fastest of "
               "three runs, the build run once):")
    text = "\n".join([machine, "", *table])
    print(text)
    if options.write:
        document = options.write.read_text(encoding="utf-8")
        before, _, rest = document.partition(START)
        _, _, after = rest.partition(END)
        if not rest:
            raise SystemExit(f"{options.write} has no {START} marker")
        options.write.write_text(f"{before}{START}\n{text}\n{END}{after}", encoding="utf-8")


if __name__ == "__main__":
    main()
