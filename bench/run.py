"""noticegen's benchmarks, measured in one run, printed as one table.

    .venv/bin/pip install -e ".[bench]"
    .venv/bin/python bench/run.py [--schools 100] [--write docs/performance.md]

What it measures (every number from this run, on this machine):

- ``check`` on the example project, against the cost of just importing the libraries
  it stands on (``python -c "import yaml, jsonschema, jinja2"``) and against
  ``check-jsonschema`` validating the same YAML files against the schemas alone;
- ``check`` at a local authority's scale (10,000 activities), time and peak memory;
- ``check`` on a synthetic trust of N schools × 4 notices (bench/make_trust.py), and
  on the same trust with 10× the activities (is check time linear in the data?);
- a full build of the trust with ``--jobs 1``, split into HTML, PDF and ROPA time, and
  with ``--jobs 2``; a no-op rebuild; a rebuild after one school's activity changed;
  peak memory;
- the PDF stage against raw WeasyPrint rendering the same HTML in one process, and the
  ``weasyprint`` command line on a sample of it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPOSITORY))
sys.path.insert(0, str(REPOSITORY / "bench"))

from make_trust import make_trust  # noqa: E402

TODAY = "2026-10-01"

BUILD_SCRIPT = """
import json, resource, sys, time
from pathlib import Path
import datetime as dt
from noticegen.commands.build import build_project
started = time.perf_counter()
result = build_project(Path(sys.argv[1]), pdf=sys.argv[2] == "pdf", jobs=int(sys.argv[3]),
                       today=dt.date.fromisoformat(sys.argv[4]))
elapsed = time.perf_counter() - started
assert not result.check.failed(), result.check.problems[:3]
print(json.dumps({"seconds": elapsed, "timings": result.timings, "rendered": len(result.rendered),
                  "units": len(result.units), "outputs": len(result.outputs),
                  "self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "children_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""

RAW_WEASYPRINT = """
import sys, time
from pathlib import Path
import weasyprint
files = sorted(Path(sys.argv[1]).glob("*.html"))
started = time.perf_counter()
for path in files:
    weasyprint.HTML(string=path.read_text(), base_url=sys.argv[2]).write_pdf(pdf_variant="pdf/ua-1")
print(time.perf_counter() - started)
"""


REPEAT = 5
"""How many runs the fastest is taken of (--check-only takes 15)."""


def timed(command: list[str], repeat: int | None = None, **kwargs) -> float:
    """The fastest of ``repeat`` runs, in seconds (the least disturbed by the machine)."""
    best = float("inf")
    for _ in range(repeat or REPEAT):
        started = time.perf_counter()
        subprocess.run(command, check=False, capture_output=True, **kwargs)
        best = min(best, time.perf_counter() - started)
    return best


def timed_cold(command: list[str], project: Path, repeat: int | None = None) -> float:
    """Like timed, with nothing left in the project's build/ between runs."""
    best = float("inf")
    for _ in range(repeat or REPEAT):
        shutil.rmtree(project / "build", ignore_errors=True)
        started = time.perf_counter()
        subprocess.run(command, check=False, capture_output=True)
        best = min(best, time.perf_counter() - started)
    return best


MEASURED = """
import resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.run(sys.argv[1:], capture_output=True).returncode
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)
"""


def timed_with_memory(command: list[str], repeat: int = 3) -> tuple[float, float]:
    """The fastest of ``repeat`` runs in seconds, and the largest peak memory in MB."""
    best, peak = float("inf"), 0.0
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", MEASURED, *command], capture_output=True,
                             text=True, check=True).stdout.split()
        best, peak = min(best, float(out[0])), max(peak, int(out[1]) / 1024)
    return best, peak


def run_build(project: Path, jobs: int, pdf: bool = True) -> dict:
    """One build in a fresh process; ``seconds`` is the whole command's wall time."""
    # incremental builds reuse outputs only under a signed manifest (noticegen.site.write)
    env = dict(os.environ, SOURCE_DATE_EPOCH="0", NOTICEGEN_BUILD_KEY="bench-key")
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-c", BUILD_SCRIPT, str(project), "pdf" if pdf else "html",
                                str(jobs), TODAY], capture_output=True, text=True, check=True, env=env)
    wall = time.perf_counter() - started
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    result["seconds"] = wall
    return result


def data_files(project: Path) -> dict[str, list[str]]:
    """The project's YAML files by schema kind (notice front matter is not a YAML file)."""
    kinds: dict[str, list[str]] = {}
    paths = sorted((project / "datamap").rglob("*.yaml")) + sorted(project.glob("noticegen.yaml"))
    for path in paths:
        if path.name == "noticegen.yaml":
            kind = "config"
        elif path.parent.name == "activities":
            kind = "activity"
        else:
            kind = path.stem
        kinds.setdefault(kind, []).append(str(path))
    return kinds


def check_jsonschema(project: Path) -> float:
    """check-jsonschema validating every YAML file of the project: one call per schema."""
    tool = BIN / "check-jsonschema"
    if not tool.exists():
        return float("nan")
    total = 0.0
    for kind, files in data_files(project).items():
        schema = REPOSITORY / "noticegen" / "schemas" / f"{kind}.schema.json"
        total += timed([str(tool), "--base-uri", schema.as_uri(), "--schemafile", str(schema), *files],
                       repeat=3)
    return total


def pdf_sources(project: Path, out: Path, limit: int | None = None) -> int:
    """Write the HTML noticegen hands WeasyPrint for each notice of the trust."""
    from noticegen.commands.check import check_project
    from noticegen.model.derive import notice_view
    from noticegen.render.html import Renderer

    result = check_project(project)
    count = 0
    for school, checked in sorted(result.schools.items()):
        renderer = Renderer(checked.model)
        for slug, notice in sorted(checked.model.notices.items()):
            html = renderer.render("notice-pdf.html", view=notice_view(checked.model, notice))
            (out / f"{school}--{slug}.html").write_text(html, encoding="utf-8")
            count += 1
            if limit and count >= limit:
                return count
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description="noticegen benchmarks")
    parser.add_argument("--schools", type=int, default=100)
    parser.add_argument("--write", type=Path, help="also write the results into this Markdown file")
    parser.add_argument("--check-only", action="store_true",
                        help="only the start-up rows (baseline, the example's check, a starter "
                             "project's check), each the fastest of 15 runs; prints, writes nothing")
    args = parser.parse_args()
    noticegen = str(BIN / "noticegen")
    global REPEAT
    REPEAT = 15 if args.check_only else 5
    rows: list[tuple[str, str, str, str]] = []

    def row(what: str, value: str, ratio: str = "", target: str = "") -> None:
        rows.append((what, value, ratio, target))
        print(f"  {what:<58} {value:>12} {ratio:>14} {target}", flush=True)

    # noticegen's modules compiled once, as a regular install (and scripts/setup) leaves them
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPOSITORY / "noticegen")], check=True)
    with tempfile.TemporaryDirectory(prefix="noticegen-bench-") as folder:
        work = Path(folder)
        imports = timed([sys.executable, "-c", "import yaml, jsonschema, jinja2"])
        row("import yaml, jsonschema, jinja2 (baseline)", f"{imports:.3f} s")
        example_project = Path(shutil.copytree(REPOSITORY, work / "example", ignore=shutil.ignore_patterns(
            ".venv", "node_modules", "build", ".git", "tests", "bench", "*.egg-info")))
        command = [noticegen, "check", str(example_project), "--today", TODAY]
        cold = timed_cold(command, example_project)
        row("check: the example project (a fresh checkout, nothing in build/)", f"{cold:.3f} s",
            f"{cold / imports:.2f}× import", "≤ 1.6× import")
        school = make_trust(work / "school", 0)  # the starter set filled in: no reading age
        plain = timed_cold([noticegen, "check", str(school), "--today", TODAY], school)
        row("check: a school's project from the starter set (no notice for children)",
            f"{plain:.3f} s", f"{plain / imports:.2f}× import", "≤ 1.0× import")
        if args.check_only:
            return
        peer = check_jsonschema(REPOSITORY)
        row("check-jsonschema: the example's YAML, schemas only", f"{peer:.3f} s",
            f"{cold / peer:.2f}× (cold check/peer)", "check below it")

        trust = make_trust(work / "trust", args.schools)
        files = len([p for p in trust.rglob("*") if p.suffix in (".yaml", ".md")
                     and ".schemas" not in p.parts])
        trust_check = timed_cold([noticegen, "check", str(trust), "--today", TODAY], trust, repeat=3)
        row(f"check: trust of {args.schools} schools ({files} files)", f"{trust_check:.3f} s", "",
            "< 1 s")
        big = make_trust(work / "trust10", args.schools, factor=10)
        big_check = timed_cold([noticegen, "check", str(big), "--today", TODAY], big, repeat=3)
        activities = len(list((trust / "datamap" / "activities").glob("*.yaml")))
        big_activities = len(list((big / "datamap" / "activities").glob("*.yaml")))
        row(f"check: same trust, {big_activities} base activities instead of {activities}",
            f"{big_check:.3f} s", f"{(big_check - imports) / (trust_check - imports):.2f}× work",
            "linear (≤ 10×)")

        authority = make_trust(work / "authority", 0, factor=1667)
        count = len(list((authority / "datamap" / "activities").glob("*.yaml")))
        seconds, megabytes = timed_with_memory([noticegen, "check", str(authority), "--today", TODAY])
        row(f"check: a local authority's scale, {count:,} activities", f"{seconds:.2f} s", "", "< 5 s")
        row("  peak memory of that check", f"{megabytes:.0f} MB", "", "< 500 MB")
        shutil.rmtree(authority)

        one = Path(shutil.copytree(trust, work / "jobs1"))
        two = Path(shutil.copytree(trust, work / "jobs2"))
        full = run_build(one, jobs=1)
        t = full["timings"]
        row(f"build --jobs 1: full ({full['outputs']} files)", f"{full['seconds']:.2f} s")
        row("  of which check", f"{t.get('check', 0):.2f} s")
        row("  of which HTML pages and fragments", f"{t.get('html', 0):.2f} s")
        row("  of which PDF", f"{t.get('pdf', 0):.2f} s")
        row("  of which ROPA (HTML, CSV, XLSX)", f"{t.get('ropa', 0):.2f} s")
        parallel = run_build(two, jobs=2)
        row("build --jobs 2: full", f"{parallel['seconds']:.2f} s",
            f"{full['seconds'] / parallel['seconds']:.2f}× faster", "≥ 1.7×")
        peak = max(full["self_kb"], full["children_kb"], parallel["self_kb"], parallel["children_kb"])
        row("peak memory (largest process)", f"{peak / 1024:.0f} MB", "", "< 500 MB")
        noop = run_build(one, jobs=1)
        row(f"build: no-op rebuild ({noop['rendered']} of {noop['units']} parts rendered)",
            f"{noop['seconds']:.3f} s", f"{100 * noop['seconds'] / full['seconds']:.1f} % of full",
            "≤ 2 %")
        activity = one / "schools" / "school-001" / "datamap" / "activities" / "club.yaml"
        activity.write_text(activity.read_text().replace("safely", "safely and kindly"))
        edit = run_build(one, jobs=1)
        row(f"build: after one school's activity changed ({edit['rendered']} parts)",
            f"{edit['seconds']:.3f} s", f"{100 * edit['seconds'] / full['seconds']:.1f} % of full")

        sources = work / "sources"
        sources.mkdir()
        count = pdf_sources(trust, sources)
        raw = float(subprocess.run([sys.executable, "-c", RAW_WEASYPRINT, str(sources), trust.as_uri() + "/"],
                                   capture_output=True, text=True, check=True,
                                   env=dict(os.environ, SOURCE_DATE_EPOCH="0")).stdout.strip())
        row(f"raw WeasyPrint, one process: the same {count} HTML sources", f"{raw:.2f} s")
        row("  noticegen's PDF stage against it", f"{t.get('pdf', 0):.2f} s",
            f"{t.get('pdf', 0) / raw:.2f}× raw", "≤ 1.15×")
        sample = sorted(sources.glob("*.html"))[:10]
        cli = BIN / "weasyprint"
        started = time.perf_counter()
        for path in sample:
            subprocess.run([str(cli), "--pdf-variant", "pdf/ua-1", str(path), str(path.with_suffix(".pdf"))],
                           check=True, capture_output=True)
        per_file = (time.perf_counter() - started) / len(sample)
        row("weasyprint command line, per file (10 files)", f"{per_file:.2f} s",
            f"{per_file / (t.get('pdf', 0) / count):.1f}× noticegen's per-PDF time")

    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    if args.write:
        write_markdown(args.write, rows, machine, args.schools)
        print(f"wrote {args.write}")


def write_markdown(path: Path, rows, machine: str, schools: int) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    marker = "<!-- results -->"
    table = [marker, "", f"Measured on {machine}, {time.strftime('%Y-%m-%d')}, with "
             f"`python bench/run.py --schools {schools}`:", "",
             "| measurement | value | ratio | target |", "|---|---:|---:|---|"]
    table += [f"| {what.strip()} | {value} | {ratio} | {target} |" for what, value, ratio, target in rows]
    table += ["", "<!-- /results -->"]
    if marker in text and "<!-- /results -->" in text:
        before = text[:text.index(marker)]
        after = text[text.index("<!-- /results -->") + len("<!-- /results -->"):]
        text = before + "\n".join(table) + after
    else:
        text = text + "\n" + "\n".join(table) + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
