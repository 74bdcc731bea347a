"""Shared fixtures: the CLI runner, the example project and the case projects."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from noticegen.cli import INTERNAL_ERROR, main

REPOSITORY = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
EXAMPLE_PARTS = ("datamap", "notices", "noticegen.yaml")


@pytest.fixture
def run(monkeypatch):
    """Run the CLI in-process in a given folder; returns click's Result."""

    def invoke(*args, cwd: Path | None = None, crash_expected: bool = False):
        if cwd is not None:
            monkeypatch.chdir(cwd)
        result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
        # a crash is never a refusal: no test that expects exit 1 or 2 passes on one
        if not crash_expected:
            assert result.exit_code != INTERNAL_ERROR and "internal error" not in result.output, \
                result.output
        return result

    return invoke


def copy_example(target: Path) -> Path:
    """A copy of the repository's example project (the school) in ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for part in EXAMPLE_PARTS:
        source = REPOSITORY / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


def built_example(target: Path) -> Path:
    """A copy of the example project in ``target``, built with PDFs (its check must pass)."""
    from noticegen.commands.build import build_project

    project = copy_example(target)
    result = build_project(project)
    assert not result.check.failed(), result.check.problems
    return project


def build_case(case: Path, target: Path, base: Path = CASES / "base") -> Path:
    """The base test project (or ``base``, its build/ left out) with ``case``'s files laid
    over it and its deletions made."""
    shutil.copytree(base, target, ignore=lambda folder, names: ["build"] if Path(folder) == base else [])
    delete = case / "delete.txt"
    if delete.exists():
        for relative in delete.read_text().split():
            (target / relative).unlink()
    for path in sorted(case.rglob("*")):
        relative = path.relative_to(case)
        if path.is_dir() or str(relative) in ("expected.txt", "delete.txt", "args.txt"):
            continue
        destination = target / relative
        if destination.parent.is_file():  # a case may turn a file into a folder
            destination.parent.unlink()
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    return target


@pytest.fixture
def example(tmp_path) -> Path:
    return copy_example(tmp_path / "school")


# ---------------------------------------------------------------------------------
# A real browser for accessibility and injection tests

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE = REPOSITORY / "node_modules" / "axe-core" / "axe.min.js"


def _browser_missing() -> str | None:
    for path, how in ((CHROMIUM, "apt-get install chromium"),
                      (CHROMEDRIVER, "apt-get install chromium-driver"),
                      (AXE, "npm ci")):
        if not path.exists():
            return f"{path} is missing ({how}; scripts/test installs it)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium through Selenium. Skips locally when absent; fails under CI=true."""
    import os

    missing = _browser_missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the browser tests cannot run: {missing}")
        pytest.skip(missing)
    os.environ["SE_OFFLINE"] = "true"  # never let Selenium Manager download anything
    import tempfile

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="noticegen-chromium-")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-quic",
                     f"--user-data-dir={profile}", "--window-size=1280,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def axe(browser):
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on a file; returns its violations."""
    source = AXE.read_text(encoding="utf-8")

    def audit(path: Path) -> list[dict]:
        browser.get(path.resolve().as_uri())
        browser.execute_script(source)
        result = browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})"
            ".then(r => done({violations: r.violations.map(v => ({id: v.id, impact: v.impact, "
            "help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))}))"
            ".catch(e => done({error: String(e)}));")
        assert "error" not in result, result
        return result["violations"]

    return audit


def published(build: Path) -> dict[str, bytes]:
    """What ``build`` publishes, by path: every file reached from its published names,
    following the links as a copy, an upload or a web server does (noticegen's own
    hidden entries, .current, .site-… and the lock, are not published names)."""
    found: dict[str, bytes] = {}
    for top in sorted(build.iterdir()):
        if top.name.startswith("."):
            continue
        if top.is_file():
            found[top.name] = top.read_bytes()
        elif top.is_dir():
            for folder, _, names in os.walk(top):
                for name in names:
                    path = Path(folder) / name
                    found[path.relative_to(build).as_posix()] = path.read_bytes()
    return dict(sorted(found.items()))


HASH_SEEDS = ("0", "1", "4242")


def in_processes_with_hash_seeds(command: list[str], cwd: Path | None = None) -> list[bytes]:
    """``command``'s standard output from fresh processes, each with another
    PYTHONHASHSEED: "deterministic" means across processes, not two calls in one (where
    set and dict order would agree by chance)."""
    import subprocess
    import sys

    outputs = []
    for seed in HASH_SEEDS:
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(REPOSITORY))
        done = subprocess.run([sys.executable, *command], cwd=cwd, env=env, capture_output=True,
                              check=False, timeout=300)
        assert done.returncode == 0, done.stderr.decode(errors="replace")
        outputs.append(done.stdout)
    return outputs


def structure_kinds(root) -> dict[str, int]:
    """How many of each kind of element (/H1, /Table, /TH …) a PDF's structure tree holds,
    from a pikepdf document's Root."""
    import pikepdf

    kinds: dict[str, int] = {}

    def walk(node, depth=0):
        if depth > 60:
            return
        if isinstance(node, pikepdf.Dictionary) and "/S" in node:
            kinds[str(node.S)] = kinds.get(str(node.S), 0) + 1
        kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
        if isinstance(kids, pikepdf.Array):
            for kid in kids:
                walk(kid, depth + 1)
        elif isinstance(kids, pikepdf.Dictionary):
            walk(kids, depth + 1)

    walk(root.StructTreeRoot)
    return kinds
