"""The code's layout stays true: each module belongs to one stage, imports run one way
(load → model → rules → render → site → commands → cli), inside functions too, and no
module imports another that imports it back."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "noticegen"

STAGES = ["noticegen", "noticegen._generated", "noticegen.classes", "noticegen.text", "noticegen.problems",
          "noticegen.load", "noticegen.model", "noticegen.rules", "noticegen.render",
          "noticegen.site", "noticegen.commands", "noticegen.cli", "noticegen.__main__"]
"""Lowest first: a module may import from its own stage and the stages before it. The
package's own ``__init__`` holds only the version and where packaged files are; generated
code imports nothing of noticegen's but itself; how dataclasses are made comes next, as
every stage makes them; the words noticegen writes come before everything that writes them;
problems are what every stage reports."""

DATA_FOLDERS = {"schemas", "catalogue", "locale", "starter", "templates"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))
            if "__pycache__" not in path.parts}


def stage_of(name: str) -> int:
    best = None
    for index, stage in enumerate(STAGES):
        if name == stage or name.startswith(stage + "."):
            if best is None or len(stage) > len(STAGES[best]):
                best = index
    assert best is not None, f"{name} belongs to no stage: put it in one of {STAGES}"
    return best


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Every noticegen module ``name`` imports, at the top of the file or inside a
    function; ``from package import module`` counts as importing the module."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t == "noticegen" or t.startswith("noticegen."))
    found.discard(name)
    return found


def graph() -> dict[str, set[str]]:
    return _graph(PACKAGE)


@functools.cache
def _graph(package: Path) -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def test_every_module_belongs_to_a_stage_and_imports_only_from_its_own_or_earlier_ones():
    wrong = []
    for name, targets in graph().items():
        for target in sorted(targets):
            if stage_of(target) > stage_of(name):
                wrong.append(f"{name} imports {target} ({STAGES[stage_of(target)]} comes after "
                             f"{STAGES[stage_of(name)]})")
    assert wrong == []


def test_generated_code_imports_nothing_of_noticegens_but_itself():
    for name, targets in graph().items():
        if name.startswith("noticegen._generated"):
            assert all(t.startswith("noticegen._generated") for t in targets), (name, targets)


def test_there_is_no_import_cycle():
    edges = graph()
    cycles, state = [], {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in sorted(edges.get(node, ())):
            if state.get(target) == "open":
                path = trail + [node]
                cycles.append(" → ".join(path[path.index(target):] + [target]))
            elif target not in state:
                visit(target, trail + [node])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [])
    assert cycles == []


def test_each_stage_says_what_it_owns_in_one_line():
    for stage in STAGES:
        folder = PACKAGE.parent / Path(*stage.split("."))
        if not folder.is_dir() or stage == "noticegen":
            continue
        text = (folder / "__init__.py").read_text(encoding="utf-8")
        docstring = ast.get_docstring(ast.parse(text))
        assert docstring, f"{stage}/__init__.py says nothing of its stage"
        assert len(docstring.splitlines()[0]) > 40, stage


def test_the_package_holds_only_stage_folders_and_data():
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    stages = {s.split(".")[1] for s in STAGES if s.count(".") == 1 and (PACKAGE / s.split(".")[1]).is_dir()}
    assert folders - stages <= DATA_FOLDERS
    top = {p.name for p in PACKAGE.glob("*.py")}
    assert top == {"__init__.py", "__main__.py", "cli.py", "problems.py", "classes.py"}
    for folder in DATA_FOLDERS & folders:
        if folder != "starter":  # the starter set is found through importlib.resources
            assert not list((PACKAGE / folder).rglob("*.py")), folder


def test_the_layout_test_sees_an_upward_import_and_a_cycle(tmp_path):
    """The checks above would catch what they are for (not only pass on today's code)."""
    fake = tmp_path / "noticegen"
    for relative, text in {
        "__init__.py": "", "load/__init__.py": '"""Stage 1, load: a folder made for this test only."""',
        "load/a.py": "def f():\n    from noticegen.render import b\n",
        "render/__init__.py": "", "render/b.py": "from noticegen.load import a\n",
    }.items():
        (fake / relative).parent.mkdir(parents=True, exist_ok=True)
        (fake / relative).write_text(text)
    globals()["PACKAGE"] = fake
    try:
        edges = graph()
        assert edges["noticegen.load.a"] == {"noticegen.render.b"}
        assert edges["noticegen.render.b"] == {"noticegen.load.a"}
        for check in (test_every_module_belongs_to_a_stage_and_imports_only_from_its_own_or_earlier_ones,
                      test_there_is_no_import_cycle):
            try:
                check()
            except AssertionError:
                continue
            raise AssertionError(f"{check.__name__} passed on a broken layout")
    finally:
        globals()["PACKAGE"] = Path(__file__).resolve().parent.parent / "noticegen"
