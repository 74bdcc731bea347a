"""A build of a site whose notice has 20 published versions, against the same site with
one: kept versions are copied from history/, never rendered again, so the 20-version
build must take less than twice as long (docs/performance.md, docs/history.md).

    .venv/bin/python bench/history.py [--versions 20] [--runs 3] [--write docs/performance.md]

The project is tests/cases/base in a git repository: each version adds a purpose to the
notice's activity, raises the version, dates it, commits, and is published with
`noticegen publish`. Each measured build starts from an empty build/ (no build key, so
nothing is reused), with PDFs, one process; the fastest of --runs is kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from noticegen.commands.build import build_project  # noqa: E402
from noticegen.commands.publish import publish_project  # noqa: E402

GIT = ["git", "-c", "user.email=bench@example.invalid", "-c", "user.name=bench", "-c", "commit.gpgsign=false"]
START = dt.date(2025, 1, 6)


def git(project: Path, *args: str) -> None:
    subprocess.run([*GIT, "-C", str(project), *args], check=True, capture_output=True)


def version(project: Path, number: int) -> None:
    """Version ``number``.0 of the pupils' notice: one more purpose, a new date and note."""
    activity = project / "datamap" / "activities" / "admissions.yaml"
    text = activity.read_text()
    if number > 1:
        text = text.replace("  - to admit pupils\n", f"  - to admit pupils\n  - to run activity {number}\n")
        activity.write_text(text)
    notice = project / "notices" / "pupils.md"
    front = re.sub(r'version: "[^"]*"\n(published: .*\nchange_notes:\n  - .*\n)?',
                   f'version: "{number}.0"\npublished: {START + dt.timedelta(days=7 * number)}\n'
                   f"change_notes:\n  - We now run activity {number}.\n", notice.read_text(), count=1)
    notice.write_text(front)


def make(folder: Path, versions: int) -> Path:
    """A project whose notice was published ``versions`` times (the last is the same data
    whatever ``versions`` is: the two sites differ only in their history)."""
    project = folder / f"school-{versions}"
    shutil.copytree(REPOSITORY / "tests" / "cases" / "base", project)
    git(project, "init", "-q")
    for number in range(1, 21):
        version(project, number)
        if number > 20 - versions:
            git(project, "add", "-A")
            git(project, "commit", "-qm", f"version {number}.0")
            result = publish_project(project, today=START + dt.timedelta(days=7 * number), jobs=1)
            assert not result.problems and not result.build.check.failed(), result.build.check.problems[:3]
            git(project, "add", "-A")
            git(project, "commit", "-qm", f"publish {number}.0")
    return project


def timed_build(project: Path, runs: int) -> tuple[float, int, int]:
    best, outputs, rendered = float("inf"), 0, 0
    for _ in range(runs):
        shutil.rmtree(project / "build", ignore_errors=True)
        started = time.perf_counter()
        result = build_project(project, pdf=True, jobs=1)
        elapsed = time.perf_counter() - started
        assert not result.check.failed(), result.check.problems[:3]
        best = min(best, elapsed)
        outputs, rendered = len(result.outputs), len(result.rendered)
    return best, outputs, rendered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", type=Path, help="put the table into this Markdown file")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        one = make(Path(folder), 1)
        many = make(Path(folder), options.versions)
        kept = len(list((many / "history" / "notices" / "pupils").iterdir()))
        single, single_outputs, _ = timed_build(one, options.runs)
        multiple, multiple_outputs, _ = timed_build(many, options.runs)
    ratio = multiple / single
    rows = [
        ("build: the notice with 1 published version", f"{single:.3f} s", f"{single_outputs} files", ""),
        (f"build: the same notice with {kept} published versions", f"{multiple:.3f} s",
         f"{multiple_outputs} files", ""),
        ("ratio", "", f"{ratio:.2f}×", "< 2×"),
    ]
    table = ["| measurement | time | files or ratio | target |", "|---|---:|---:|---|"]
    table += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    header = (f"Measured on {platform.system()} {platform.machine()}, Python {platform.python_version()}, "
              f"{dt.date.today()}, with `python bench/history.py --versions {options.versions} "
              f"--runs {options.runs}` (full builds with PDFs, one process, from an empty build/; "
              "the fastest run):")
    text = header + "\n\n" + "\n".join(table) + "\n"
    print(text)
    if options.write:
        document = options.write.read_text()
        start, end = "<!-- history results -->", "<!-- /history results -->"
        block = f"{start}\n\n{text}\n{end}"
        if start in document:
            document = document[:document.index(start)] + block + document[document.index(end) + len(end):]
        else:
            document = document.rstrip("\n") + "\n\n## A notice with many published versions (issue 24)\n\n" \
                "Each kept version is copied from `history/` to its permanent address, never\n" \
                "rendered again ([history.md](history.md)), so a site whose notice has 20 versions\n" \
                "should build in less than twice the time of the same site with one.\n\n" + block + "\n"
        options.write.write_text(document)
    if ratio >= 2:
        sys.exit(f"the build with {kept} versions took {ratio:.2f}× the build with one (target < 2×)")


if __name__ == "__main__":
    main()
