"""The wheel ships what a school needs after `pip install noticegen`: the schemas, the
lawful-basis catalogue and the default templates."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from conftest import REPOSITORY


def test_wheel_contains_package_data(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                    "--disable-pip-version-check", "-w", str(tmp_path), str(REPOSITORY)],
                   check=True, capture_output=True)
    wheel = next(tmp_path.glob("noticegen-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "noticegen/cli.py",
        "noticegen/schemas/activity.schema.json",
        "noticegen/schemas/common.schema.json",
        "noticegen/catalogue/lawful_bases.yaml",
        "noticegen/templates/notice.html",
        "noticegen/templates/notice.css",
        "noticegen/templates/sections/rights.html",
    }
    assert expected <= names, sorted(expected - names)
    sections = {n for n in names if n.startswith("noticegen/templates/sections/")}
    assert len([n for n in sections if n.endswith(".html")]) == 11
