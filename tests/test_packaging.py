"""The wheel ships what a school needs after `pip install noticegen`: the schemas, the
lawful-basis catalogue and the default templates."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

from conftest import REPOSITORY


def test_wheel_contains_package_data(tmp_path):
    # built from a copy: setuptools works in a build/ folder of the source tree, which in
    # this repository is the example project's published build/
    source = tmp_path / "source"
    shutil.copytree(REPOSITORY, source, ignore=shutil.ignore_patterns(
        ".venv", "node_modules", "build", ".git", "tests", "*.egg-info", "__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                    "--disable-pip-version-check", "-w", str(tmp_path), str(source)],
                   check=True, capture_output=True)
    wheel = next(tmp_path.glob("noticegen-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "noticegen/cli.py",
        "noticegen/schemas/activity.schema.json",
        "noticegen/schemas/common.schema.json",
        "noticegen/catalogue/lawful_bases.yaml",
        "noticegen/locale/noticegen.pot",
        "noticegen/locale/cy/LC_MESSAGES/noticegen.po",
        "noticegen/templates/notice.html",
        "noticegen/templates/notice.css",
        "noticegen/templates/sections/rights.html",
        "noticegen/templates/schools.html",
        "noticegen/templates/consent-form.html",
        "noticegen/templates/forms.css",
        "noticegen/templates/collection-statement.txt",
        "noticegen/starter/gitignore",
        "noticegen/starter/noticegen.yaml",
        "noticegen/starter/datamap/organisation.yaml",
        "noticegen/starter/datamap/activities/pupil-records.yaml",
        "noticegen/starter/notices/pupils.md",
        "noticegen/starter/notices/_blocks/national-pupil-database.md",
    }
    assert expected <= names, sorted(expected - names)
    sections = {n for n in names if n.startswith("noticegen/templates/sections/")}
    from noticegen.model.resolve import BUILT_IN_SECTIONS

    # one template per built-in section, and the macros they share; the same for children
    top = {n for n in sections if n.count("/") == 3}
    assert {n.rsplit("/", 1)[1] for n in top if n.endswith(".html")} == \
        {f"{s}.html" for s in BUILT_IN_SECTIONS} | {"_macros.html"}
    children = {n.rsplit("/", 1)[1] for n in sections - top}
    assert children == {f"{s}.html" for s in BUILT_IN_SECTIONS} | {"_words.html"}
    assert "noticegen/templates/first-layer.html" in names
    assert "noticegen/templates/example-banner.html" in names
    assert "noticegen/rules/lawful_basis.py" in names
    starter = REPOSITORY / "noticegen" / "starter"
    shipped = {n for n in names if n.startswith("noticegen/starter/")}
    on_disk = {f"noticegen/starter/{p.relative_to(starter).as_posix()}" for p in starter.rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert on_disk <= shipped, sorted(on_disk - shipped)
