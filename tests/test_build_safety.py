"""What build refuses, overrides, and never does: render on errors, read outside the
project, fetch from the network, leave a half-written build/."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CASES, REPOSITORY, build_case, published

SLUG = "pupils"


@pytest.fixture
def project(tmp_path):
    return build_case(CASES / "good" / "transfer-with-safeguard", tmp_path / "project")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_cli_writes_everything(project, run):
    result = run("build", "--no-pdf", cwd=project)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == \
        "built 11 files into build/ (made: 1 notice, the record of processing, the DPIA screening, the retention schedule and the index page)"
    assert (project / "build" / "notices" / "pupils.html").is_file()
    assert not (project / "build" / "notices" / "pupils.pdf").exists()


def test_build_refuses_when_check_fails(project, run):
    run("build", "--no-pdf", cwd=project)
    before = published(project / "build")
    activity = project / "datamap" / "activities" / "admissions.yaml"
    activity.write_text(activity.read_text().replace("recipient: dfe", "recipient: dfe-x"))
    result = run("build", cwd=project)
    assert result.exit_code == 1
    assert "error[undeclared-recipient]" in result.output
    assert published(project / "build") == before


def test_project_template_overrides_one_file(project, run):
    (project / "templates" / "sections").mkdir(parents=True)
    (project / "templates" / "sections" / "contact.html").write_text(
        "<p>Ask {{ view.organisation.name }} at the school office.</p>\n")
    result = run("build", "--no-pdf", cwd=project)
    assert result.exit_code == 0, result.output
    page = (project / "build" / "notices" / "pupils.html").read_text()
    assert "<p>Ask Test Primary School at the school office.</p>" in page
    assert "We routinely share this information with:" in page  # the rest is the default


def test_template_syntax_error_names_file_and_line(project, run):
    (project / "templates" / "sections").mkdir(parents=True)
    (project / "templates" / "sections" / "purposes.html").write_text("<ul>\n{% for p in view.purposes %}\n<li>{{ p }</li>\n")
    result = run("build", "--no-pdf", cwd=project)
    assert result.exit_code == 2
    assert result.output.startswith("noticegen: error: templates/sections/purposes.html:3: template error:")
    assert "Traceback" not in result.output
    assert not (project / "build" / "notices").exists()


def test_undefined_in_template_is_an_error(project, run):
    (project / "templates" / "sections").mkdir(parents=True)
    (project / "templates" / "sections" / "purposes.html").write_text("<p>\n{{ view.no_such_thing }}</p>\n")
    result = run("build", "--no-pdf", cwd=project)
    assert result.exit_code == 2
    assert result.output.startswith("noticegen: error: templates/sections/purposes.html:2: template error:")
    assert "no_such_thing" in result.output


def test_sandbox_keeps_templates_from_python_internals(project, run):
    (project / "templates" / "sections").mkdir(parents=True)
    (project / "templates" / "sections" / "purposes.html").write_text(
        "{{ view.__class__.__init__.__globals__ }}\n")
    result = run("build", "--no-pdf", cwd=project)
    assert result.exit_code == 2
    assert "template error" in result.output


def test_failed_build_leaves_previous_build_whole(project, run):
    assert run("build", cwd=project).exit_code == 0
    before = published(project / "build")
    (project / "templates").mkdir()
    # The HTML renders; the PDF's template then fails: nothing may change.
    (project / "templates" / "notice-pdf.html").write_text("{{ view.missing_field }}")
    result = run("build", cwd=project)
    assert result.exit_code == 2
    assert published(project / "build") == before


def test_stale_outputs_are_removed(project, run):
    assert run("build", "--no-pdf", cwd=project).exit_code == 0
    notice = project / "notices" / "pupils.md"
    notice.rename(project / "notices" / "pupil-information.md")
    assert run("build", "--no-pdf", cwd=project).exit_code == 0
    names = sorted(p.name for p in (project / "build" / "notices").iterdir())
    assert names == ["pupil-information.fragment.html", "pupil-information.html"]


@pytest.mark.parametrize("markup,refused", [
    ('<img src="file:///etc/passwd" alt="x">', "file:///etc/passwd"),
    ('<link rel="stylesheet" href="http://127.0.0.1:9/x.css">', "http://127.0.0.1:9/x.css"),
    ('<img src="../../../../../../etc/hostname" alt="x">', "/etc/hostname"),
])
def test_pdf_fetcher_refuses_files_outside_and_the_network(project, run, markup, refused):
    (project / "templates" / "sections").mkdir(parents=True)
    (project / "templates" / "sections" / "purposes.html").write_text(markup + "\n")
    result = run("build", cwd=project)
    assert result.exit_code == 2, result.output
    assert "refused to fetch" in result.output and refused in result.output
    assert not (project / "build" / "notices").exists()


def test_pdf_fetcher_allows_the_projects_own_assets(project, run):
    from noticegen.render.pdf import write_pdf

    assets = project / "templates"
    assets.mkdir()
    (assets / "extra.css").write_text("h1 { color: #1d3557; }")
    html = ('<html lang="en"><head><title>t</title>'
            f'<link rel="stylesheet" href="{(assets / "extra.css").as_uri()}"></head>'
            "<body><h1>Hello</h1></body></html>")
    assert write_pdf(html, project, [assets], 0, "t").startswith(b"%PDF")


def test_image_without_alt_fails_the_pdf(project, run):
    import base64

    assets = project / "templates"
    (assets / "sections").mkdir(parents=True)
    png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
    (assets / "logo.png").write_bytes(png)
    (assets / "sections" / "purposes.html").write_text('<img src="templates/logo.png">\n')
    result = run("build", cwd=project)
    assert result.exit_code == 2
    assert "would not be accessible" in result.output


def test_prose_cannot_reach_files_or_run_script(project, run):
    notice = project / "notices" / "pupils.md"
    notice.write_text(notice.read_text() + "\n![x](file:///etc/passwd) <script>alert(1)</script> "
                      "<img src=x onerror=alert(1)> {{ 7 * 7 }}\n")
    result = run("build", cwd=project)
    # check refuses the image link and the HTML tags
    assert result.exit_code == 1 and "error[prose-link]" in result.output
    assert "error[raw-html]: '<script>' is HTML" in result.output
    assert "error[raw-html]: '<img src=x onerror=alert(1)>' is HTML" in result.output
    notice.write_text(notice.read_text().replace("![x](file:///etc/passwd) ", ""))
    # and were the rule turned off, the renderer would still show the tags as inert text
    (project / "noticegen.yaml").write_text("example: true\nrules:\n  raw-html: off\n")
    assert run("build", cwd=project).exit_code == 0
    page = (project / "build" / "notices" / "pupils.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "{{ 7 * 7 }}" in page and ">49<" not in page and " 49 " not in page


def test_build_writes_only_under_build(project, run):
    before = snapshot(project)
    assert run("build", cwd=project).exit_code == 0
    after = snapshot(project)
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    assert changed and all(p.startswith("build/") for p in changed), sorted(changed)


def test_build_dir_symlink_is_refused(project, run, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "build").symlink_to(elsewhere)
    result = run("build", "--no-pdf", cwd=project)
    assert result.exit_code == 2
    assert list(elsewhere.iterdir()) == []


def test_killed_build_leaves_previous_build_whole(project):
    noticegen = [sys.executable, "-m", "noticegen", "build", str(project)]
    assert subprocess.run(noticegen, capture_output=True, check=False).returncode == 0
    before = published(project / "build")
    notice = project / "notices" / "pupils.md"
    notice.write_text(notice.read_text().replace('version: "1"', 'version: "2"'))
    # The page is staged just before the PDF is rendered: kill then, mid-PDF.
    env = dict(os.environ, PYTHONPATH=str(REPOSITORY))
    process = subprocess.Popen(noticegen, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not list((project / "build").glob(".staging-*/notices/pupils.html")) \
            and time.monotonic() < deadline:
        time.sleep(0.005)
    assert process.poll() is None, "the build finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    after = {k: v for k, v in published(project / "build").items() if not k.startswith(".staging")}
    assert after == before
    # and the next build recovers
    assert subprocess.run(noticegen, capture_output=True, check=False).returncode == 0
    manifest = json.loads((project / "build" / "manifest.json").read_text())
    assert not list((project / "build").glob(".staging-*")) and "notices/pupils.pdf" in manifest["outputs"]


def test_axe_finds_a_real_violation(axe, tmp_path):
    """The audit itself works: a page with known problems fails it."""
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><head><title>x</title></head><body>'
                    '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
                    '<a href="#"></a></body></html>')
    ids = {v["id"] for v in axe(page)}
    assert {"image-alt", "html-has-lang", "link-name"} <= ids


@pytest.mark.parametrize("include", ["../../../../../../etc/passwd", "/etc/passwd",
                                     "../datamap/organisation.yaml"])
def test_templates_cannot_include_files_outside_the_template_folders(project, run, include):
    (project / "templates" / "sections").mkdir(parents=True)
    (project / "templates" / "sections" / "purposes.html").write_text(f'{{% include "{include}" %}}\n')
    result = run("build", "--no-pdf", cwd=project)
    assert result.exit_code == 2
    assert "not found" in result.output and "root:" not in result.output


def test_a_template_that_links_outside_is_refused(project, run):
    (project / "templates" / "sections").mkdir(parents=True)
    (project / "templates" / "sections" / "purposes.html").symlink_to("/etc/passwd")
    result = run("build", "--no-pdf", cwd=project)
    assert result.exit_code == 1  # check finds it, at its place, before anything is rendered
    assert "templates/sections/purposes.html:1:1: error[outside-project]: this is a symbolic link" \
        in result.output and "root:" not in result.output


def test_csv_and_xlsx_never_hold_formulas(project, run):
    activity = project / "datamap" / "activities" / "admissions.yaml"
    activity.write_text(activity.read_text().replace("  - to admit pupils", '  - "=HYPERLINK(\\"http://x\\")"'))
    assert run("build", "--no-pdf", cwd=project).exit_code == 0
    csv_text = (project / "build" / "records" / "ropa.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in csv_text
    from openpyxl import load_workbook

    sheet = load_workbook(project / "build" / "records" / "ropa.xlsx").active
    cells = [c for row in sheet.iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value)]
    assert cells and all(c.data_type == "s" for c in cells)


def test_progress_bar_only_on_a_terminal(project):
    """On a terminal, build draws a progress bar on standard error; piped, it stays quiet."""
    import pty

    command = [sys.executable, "-m", "noticegen", "build", "--no-pdf", str(project)]
    piped = subprocess.run(command, capture_output=True, text=True, check=True)
    assert piped.stderr == "" and piped.stdout.startswith("built ")
    shutil.rmtree(project / "build")
    main, secondary = pty.openpty()
    process = subprocess.Popen(command, stdin=secondary, stdout=secondary, stderr=secondary)
    os.close(secondary)
    output = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    process.wait()
    os.close(main)
    assert process.returncode == 0
    assert b"building" in output and b"5/5" in output
