"""Integrity under attack: nothing outside the project is read, nothing outside build/ is
written, nothing unchecked is published (docs/security.md).

The threat: anyone who can open a pull request controls the data map, the templates and
the file layout (symbolic links, FIFOs); CI runs noticegen with secrets in its
environment and a token in .git/config; build/ may be restored from a cache. Each class
of attack is tried at every place it applies, and the tests assert the *outcome* (the
secret never appears in any output, nothing outside build/ changes, the command ends in
time with a located error), not how a particular case is caught.
"""

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

SECRET = "NOTICEGEN-TEST-SECRET-7f3a9c"
TRUST = Path(__file__).resolve().parent / "trust"


def noticegen(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """noticegen in a process of its own, so a read that blocks shows as a timeout."""
    env = dict(os.environ, PYTHONPATH=str(REPOSITORY), NOTICEGEN_SECRET_IN_ENV=SECRET)
    return subprocess.run([sys.executable, "-m", "noticegen", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def every_byte_under(folder: Path) -> bytes:
    out = b""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            out += path.read_bytes()
    return out


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink()}


@pytest.fixture
def secret_file(tmp_path) -> Path:
    path = tmp_path / "outside" / "secret.txt"
    path.parent.mkdir()
    path.write_text(f"---\ntitle: {SECRET}\nactivities: [admissions]\nversion: '1'\n---\n{SECRET}\n")
    return path


@pytest.fixture
def project(tmp_path) -> Path:
    return build_case(CASES / "good" / "warning-only", tmp_path / "project")


# -- Reading: links and special files wherever noticegen reads ------------------------

READ_PLACES = [
    "datamap/organisation.yaml", "datamap/recipients.yaml", "datamap/activities/admissions.yaml",
    "datamap/activities/extra.yaml", "notices/pupils.md", "notices/extra.md",
    "notices/_blocks/more.md", "noticegen.yaml", "templates/notice.html",
    "templates/sections/purposes.html", "templates/notice.css",
]
FOLDERS = ["datamap/activities", "notices", "notices/_blocks", "templates", "templates/sections"]


def _plant(project: Path, relative: str, how: str, target: Path) -> None:
    path = project / relative
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    if how == "link-outside":
        path.symlink_to(target if not relative in FOLDERS else target.parent)
    elif how == "link-inside":
        # a link to something inside the project that is not part of the data map
        if relative in FOLDERS:
            inside = project / ".git" / "hidden"
            inside.mkdir(parents=True, exist_ok=True)
            shutil.copy(target, inside / "config.md")
        else:
            inside = project / ".git" / "config"
            inside.parent.mkdir(parents=True, exist_ok=True)
            inside.write_text(target.read_text())
        path.symlink_to(inside)
    elif how == "fifo":
        os.mkfifo(path)


PLANTINGS = [(relative, how) for relative in READ_PLACES + FOLDERS
             for how in ("link-outside", "link-inside", "fifo")
             if not (how == "fifo" and relative in FOLDERS)]


@pytest.mark.parametrize("relative, how", PLANTINGS)
def test_nothing_but_the_projects_own_regular_files_is_read(project, secret_file, relative, how):
    _plant(project, relative, how, secret_file)
    checked = noticegen("check", cwd=project)  # a FIFO must not block: the timeout fails it
    assert checked.returncode == 1, checked.stdout + checked.stderr
    rule = "special-file" if how == "fifo" else "outside-project"
    assert f"error[{rule}]" in checked.stdout, checked.stdout
    located = [line for line in checked.stdout.splitlines() if f"error[{rule}]" in line]
    assert any(line.startswith(relative + ":") or line.startswith(relative.rsplit("/", 1)[0] + "/")
               for line in located), located
    assert SECRET not in checked.stdout + checked.stderr
    built = noticegen("build", cwd=project)
    assert built.returncode == 1
    assert not (project / "build").exists() or SECRET.encode() not in every_byte_under(project / "build")


def test_a_device_is_refused(project):
    path = project / "datamap" / "sources.yaml"
    path.unlink()
    try:
        os.mknod(path, 0o600 | 0o020000, os.makedev(1, 3))  # a character device like /dev/null
    except PermissionError:
        pytest.skip("making a device needs root")
    checked = noticegen("check", cwd=project)
    assert "datamap/sources.yaml:1:1: error[special-file]: this is a device, not a file" in checked.stdout


def test_unreadable_file_is_reported_not_raised(project, run, monkeypatch):
    from noticegen.load import files

    real = files.read_file

    def refuse(root, relative, limit):
        if relative == "datamap/sources.yaml":
            raise PermissionError(13, "Permission denied")
        return real(root, relative, limit)

    monkeypatch.setattr(files, "read_file", refuse)
    result = run("check", cwd=project)
    assert "datamap/sources.yaml:1:1: error[unreadable]: cannot read file: Permission denied" in result.output


def test_datamap_folder_that_is_a_link_stops_with_a_sentence(project, tmp_path):
    shutil.move(project / "datamap", tmp_path / "elsewhere")
    (project / "datamap").symlink_to(tmp_path / "elsewhere")
    result = noticegen("check", cwd=project)
    assert result.returncode == 2
    assert "datamap is a symbolic link or special file" in result.stderr
    assert "Traceback" not in result.stderr


# -- Trusts: a school's folders, at every overlay level ------------------------------

@pytest.fixture
def trust(tmp_path) -> Path:
    return Path(shutil.copytree(TRUST, tmp_path / "trust"))


@pytest.mark.parametrize("target", ["/proc/self", "/etc", "."])
def test_a_schools_templates_folder_that_is_a_link_is_refused(trust, target):
    """The critical case: schools/<id>/templates -> /proc/self (or /etc, or the project
    itself) reached through extends, with a template that includes 'environ'."""
    school = trust / "schools" / "gamma"
    link = school / "templates"
    if link.exists():
        shutil.rmtree(link)
    link.symlink_to(target if target != "." else trust)
    beta = trust / "schools" / "beta" / "templates" / "sections"
    beta.mkdir(parents=True, exist_ok=True)
    (beta / "purposes.html").write_text('{% include "environ" %}{% include "passwd" %}'
                                        '{% include ".git/config" %}\n')
    checked = noticegen("check", cwd=trust)
    assert checked.returncode == 1
    assert "schools/gamma/templates:1:1: error[outside-project]: this is a symbolic link" in checked.stdout
    built = noticegen("build", "--no-pdf", cwd=trust)
    assert built.returncode != 0
    assert SECRET not in built.stdout + built.stderr
    if (trust / "build").exists():
        output = every_byte_under(trust / "build")
        assert SECRET.encode() not in output and b"root:x:0:0" not in output


def test_a_school_folder_that_is_a_link_is_no_school(trust, tmp_path):
    outside = tmp_path / "evil-school"
    shutil.copytree(trust / "schools" / "alpha", outside)
    (trust / "schools" / "evil").symlink_to(outside)
    checked = noticegen("check", cwd=trust)
    assert "schools/evil:1:1: error[outside-project]: this is a symbolic link" in checked.stdout
    assert checked.returncode == 1


def test_a_template_may_not_include_through_a_linked_subfolder(project):
    templates = project / "templates"
    templates.mkdir()
    (templates / "inner").symlink_to("/proc/self")
    (templates / "sections").mkdir()
    (templates / "sections" / "purposes.html").write_text('{% include "inner/environ" %}\n')
    checked = noticegen("check", cwd=project)
    assert "templates/inner:1:1: error[outside-project]" in checked.stdout
    built = noticegen("build", "--no-pdf", cwd=project)
    assert built.returncode == 1 and SECRET not in built.stdout + built.stderr


def test_the_pdf_cannot_attach_or_embed_a_file_through_a_link(project):
    """A PDF override that links an attachment or a stylesheet through a link in
    templates/ gets nothing: check refuses the link, and the fetcher reads no link."""
    templates = project / "templates"
    templates.mkdir()
    (templates / "leak.css").symlink_to("/proc/self/environ")
    (templates / "notice-pdf.html").write_text(
        (REPOSITORY / "templates" / "notice-pdf.html").read_text().replace(
            "</head>", '<link rel="attachment" href="leak.css"><link rel="stylesheet" '
                       'href="leak.css"></head>'))
    assert noticegen("check", cwd=project).returncode == 1
    from noticegen.render.pdf import PdfError, write_pdf

    with pytest.raises(PdfError, match="refused to fetch"):
        write_pdf('<html lang="en"><head><title>t</title><link rel="attachment" href="leak.css">'
                  '</head><body><p>x</p></body></html>', templates, [templates], 0, "t")


# -- Writing: links planted in build/ ------------------------------------------------

@pytest.mark.parametrize("planted", ["notices", "records", "manifest.json", "index.html",
                                     ".noticegen-cache.json", ".noticegen-lock",
                                     ".noticegen-commit.json", "notices/pupils.html",
                                     "records/ropa.csv", ".staging-0000000000000000", ".current",
                                     ".site-0123456789abcdef"])
def test_links_planted_in_build_never_lead_writes_outside(project, tmp_path, planted):
    outside = tmp_path / "victim"
    outside.mkdir()
    (outside / "keep.txt").write_text("untouched")
    victim_file = outside / "file.txt"
    victim_file.write_text("untouched")
    path = project / "build" / planted
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(outside if "." not in planted.rsplit("/", 1)[-1]
                    or planted.startswith((".staging", ".current", ".site")) else victim_file)
    before = snapshot(outside)
    for command in (["check"], ["build", "--no-pdf"], ["build", "--no-pdf"]):
        result = noticegen(*command, cwd=project)
        assert result.returncode == 0, result.stdout + result.stderr
    assert snapshot(outside) == before
    assert sorted(p.name for p in outside.iterdir()) == ["file.txt", "keep.txt"]
    page = project / "build" / "notices" / "pupils.html"
    assert page.is_file() and not page.is_symlink()
    manifest = json.loads((project / "build" / "manifest.json").read_text())
    assert "notices/pupils.html" in manifest["outputs"]


@pytest.mark.parametrize("planted,kind", [(".noticegen-lock", "folder"), (".noticegen-lock", "fifo"),
                                          (".current", "fifo"), (".current", "folder"),
                                          ("notices", "fifo"), ("index.html", "folder"),
                                          (".site-0123456789abcdef", "fifo")])
def test_folders_and_fifos_planted_in_build_are_replaced_without_blocking(project, planted, kind):
    """Whatever build/ holds under noticegen's own names (a restored cache, a hostile
    pull request), a build neither blocks nor fails on it: it is replaced."""
    build = project / "build"
    build.mkdir()
    if kind == "fifo":
        os.mkfifo(build / planted)
    else:
        (build / planted / "inside").mkdir(parents=True)
    result = noticegen("build", "--no-pdf", cwd=project, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "notices/pupils.html" in published(build)
    assert (build / ".noticegen-lock").is_file()


def test_a_planted_current_site_is_never_read_or_published(project, tmp_path):
    """.current pointing (through a planted .site- link) at a folder outside build/:
    noticegen neither reads it as the last build nor publishes from it."""
    outside = tmp_path / "elsewhere"
    (outside / "notices").mkdir(parents=True)
    (outside / "notices" / "pupils.html").write_text(SECRET)
    (outside / "manifest.json").write_text('{"outputs": {}}')
    build = project / "build"
    build.mkdir()
    (build / ".site-0123456789abcdef").symlink_to(outside)
    (build / ".current").symlink_to(".site-0123456789abcdef")
    (build / "notices").symlink_to(".current/notices")
    result = noticegen("build", "--no-pdf", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (outside / "notices" / "pupils.html").read_text() == SECRET  # untouched
    assert SECRET not in "".join(v.decode("utf-8", "replace") for v in published(build).values())
    assert (build / ".current").readlink().name != ".site-0123456789abcdef"
    assert not (build / ".site-0123456789abcdef").exists()


def test_nothing_in_build_decides_what_is_valid(project):
    """A file planted in build/ claiming earlier validation (as a validation cache did)
    changes nothing: check and build validate every file every time."""
    notice = project / "notices" / "pupils.md"
    notice.write_text(notice.read_text() + "\n[click me](javascript:alert(document.cookie))\n")
    (project / "build").mkdir(exist_ok=True)
    (project / "build" / ".noticegen-cache.json").write_text(json.dumps(
        {"noticegen": "*", "schemas": "*", "valid": ["*"]}))
    checked = noticegen("check", cwd=project)
    assert checked.returncode == 1 and "error[prose-link]" in checked.stdout
    built = noticegen("build", "--no-pdf", cwd=project)
    assert built.returncode == 1 and "error[prose-link]" in built.stdout
    page = project / "build" / "notices" / "pupils.html"
    assert not page.exists() or "javascript:" not in page.read_text()


# -- Builds killed, or run together ----------------------------------------------------

def test_two_builds_at_once_never_corrupt_build(project):
    env = dict(os.environ, PYTHONPATH=str(REPOSITORY))
    command = [sys.executable, "-m", "noticegen", "build"]
    first = subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not list((project / "build").glob(".staging-*")) and time.monotonic() < deadline:
        time.sleep(0.005)
    second = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=120)
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, out + err
    assert second.returncode == 2
    assert "another noticegen build is writing to build/" in second.stderr
    assert "Traceback" not in second.stderr
    manifest = json.loads((project / "build" / "manifest.json").read_text())
    from noticegen.site.write import sha256

    for relative, digest in manifest["outputs"].items():
        assert sha256((project / "build" / relative).read_bytes()) == digest, relative


def test_a_killed_render_worker_fails_the_build_quickly(tmp_path):
    """A render worker killed mid-build (as the out-of-memory killer would): the build
    must fail within seconds, not wait forever. A trust of six schools keeps the
    workers busy long enough to be killed while they work."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_trust", REPOSITORY / "bench" / "make_trust.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    trust = module.make_trust(tmp_path / "trust", 6, 1)
    env = dict(os.environ, PYTHONPATH=str(REPOSITORY))
    process = subprocess.Popen([sys.executable, "-m", "noticegen", "build", "--jobs", "2"],
                               cwd=trust, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    killed = False
    seen: dict[str, float] = {}
    while not killed and time.monotonic() < deadline and process.poll() is None:
        children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True,
                                  text=True).stdout.split()
        for pid in children:
            try:  # a render worker is a fork of noticegen itself that lives on: the fork
                # made to run git has noticegen's command line too, for the moment before
                # it becomes git (killing it there only makes git fail, which the build survives)
                if b"noticegen" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                    continue
                if time.monotonic() - seen.setdefault(pid, time.monotonic()) < 0.3:
                    continue
                os.kill(int(pid), signal.SIGKILL)
                killed = True
            except (ProcessLookupError, FileNotFoundError):
                continue  # gone already
        time.sleep(0.005)
    assert killed, "no render worker was found to kill"
    started = time.monotonic()
    out, err = process.communicate(timeout=60)
    assert time.monotonic() - started < 30
    assert process.returncode == 2, out + err
    assert "a render process stopped before it finished" in err


_KILL_AT_STEP = """
import os, signal, sys
import noticegen.site.write as w
step, count = int(sys.argv[1]), [0]
def counted(function):
    def call(*args, **kwargs):
        count[0] += 1
        if count[0] == step:
            os.kill(os.getpid(), signal.SIGKILL)
        return function(*args, **kwargs)
    return call
real_commit = w.BuildWriter.commit
def commit(self, *args, **kwargs):
    for name in ("rename", "replace", "symlink", "link", "unlink", "rmdir", "mkdir"):
        setattr(os, name, counted(getattr(os, name)))
    return real_commit(self, *args, **kwargs)
w.BuildWriter.commit = commit
from noticegen.cli import main
main(["build", "--no-pdf"])
"""


def _copy_build(source: Path, target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, symlinks=True)


@pytest.mark.parametrize("layout", ["links", "plain files"])
def test_a_build_killed_at_any_step_of_its_switch_leaves_the_old_or_the_new(project, tmp_path, layout):
    """Kill the build (SIGKILL, as the out-of-memory killer would) at each file-system
    step of putting the new build in place, one run per step, and look at build/ at
    once, before any other command: it shows the whole old build or the whole new one.
    With "plain files", build/ starts as an older noticegen (or a restored cache) left
    it: real folders, no links; the first switch replaces them name by name, each name
    switching in one step."""
    env = dict(os.environ, PYTHONPATH=str(REPOSITORY))
    assert noticegen("build", "--no-pdf", cwd=project).returncode == 0
    if layout == "plain files":
        plain = tmp_path / "plain"
        plain.mkdir()
        for relative, data in published(project / "build").items():
            (plain / relative).parent.mkdir(parents=True, exist_ok=True)
            (plain / relative).write_bytes(data)
        shutil.rmtree(project / "build")
        shutil.copytree(plain, project / "build")
    old = published(project / "build")
    saved = tmp_path / "saved-build"
    _copy_build(project / "build", saved)
    notice = project / "notices" / "pupils.md"
    notice.write_text(notice.read_text().replace('version: "1"', 'version: "2"'))
    fresh = Path(shutil.copytree(project, tmp_path / "fresh", ignore=shutil.ignore_patterns("build")))
    assert noticegen("build", "--no-pdf", cwd=fresh).returncode == 0
    new = published(fresh / "build")
    assert new != old
    seen = {"old": 0, "new": 0}
    for step in range(1, 400):
        _copy_build(saved, project / "build")
        killed = subprocess.run([sys.executable, "-c", _KILL_AT_STEP, str(step)], cwd=project,
                                env=env, capture_output=True, text=True, timeout=120)
        shown = published(project / "build")
        assert shown in (old, new), f"a mix after a kill at step {step}"
        seen["old" if shown == old else "new"] += 1
        if killed.returncode == 0:
            break  # the build finished before reaching this step: every step was tried
        assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    else:
        raise AssertionError("the build never finished")
    assert seen["old"] > 1 and seen["new"] > 1, seen
    # and the next build, after the last kill, finishes the job and leaves no debris
    _copy_build(saved, project / "build")
    subprocess.run([sys.executable, "-c", _KILL_AT_STEP, "3"], cwd=project, env=env, timeout=120)
    assert noticegen("build", "--no-pdf", cwd=project).returncode == 0
    assert published(project / "build") == new
    hidden = sorted(p.name for p in (project / "build").iterdir() if p.name.startswith("."))
    assert hidden == [".current", ".noticegen-lock", (project / "build" / ".current").readlink().name]

# -- build/ from a cache: nothing in it is published unchecked -------------------------

def _forge(project: Path) -> None:
    """Replace a built page with attacker content and make the manifest agree."""
    page = project / "build" / "notices" / "pupils.html"
    forged = page.read_text().replace("How we use pupil information", f"PAY HERE {SECRET}")
    page.write_text(forged)
    manifest_path = project / "build" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    from noticegen.site.write import sha256

    manifest["outputs"]["notices/pupils.html"] = sha256(forged.encode())
    manifest["signature"] = "0" * 64
    manifest_path.write_text(json.dumps(manifest, indent=2))
    (project / "build" / "planted.html").write_text(f"<p>{SECRET}</p>")
    (project / "build" / "notices" / "extra.pdf").write_text(SECRET)


@pytest.mark.parametrize("key", ["", "the-ci-secret"])
def test_a_forged_build_folder_is_never_published(project, key, monkeypatch):
    """A manifest and outputs forged together (as a poisoned cache would hold them) are
    not trusted: without the key nothing is reused, with it the signature fails; files
    no build made are removed."""
    env = dict(os.environ, PYTHONPATH=str(REPOSITORY), NOTICEGEN_BUILD_KEY=key)
    command = [sys.executable, "-m", "noticegen", "build", "--no-pdf"]
    assert subprocess.run(command, cwd=project, env=env, capture_output=True).returncode == 0
    _forge(project)
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert SECRET.encode() not in every_byte_under(project / "build")
    assert not (project / "build" / "planted.html").exists()
    assert "How we use pupil information" in (project / "build" / "notices" / "pupils.html").read_text()


def test_with_the_key_an_untouched_build_is_reused(project):
    env = dict(os.environ, PYTHONPATH=str(REPOSITORY), NOTICEGEN_BUILD_KEY="k")
    command = [sys.executable, "-m", "noticegen", "build", "--no-pdf"]
    assert subprocess.run(command, cwd=project, env=env, capture_output=True).returncode == 0
    again = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    assert again.stdout.splitlines()[-1].startswith("nothing to do: build/ is up to date"), again.stdout


# -- diff: old revisions streamed, limited, and kept inside build/ ----------------------

def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=dpo@test.example", "-c", "user.name=DPO", *args],
                   cwd=folder, check=True, capture_output=True)


def test_diff_refuses_an_old_file_over_the_limit_without_reading_it(project):
    from noticegen.load.documents import MAX_FILE_BYTES

    _git(project, "init", "-q")
    big = project / "notices" / "_blocks" / "big.md"
    big.write_bytes(b"x" * (MAX_FILE_BYTES + 1))
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "big")
    _git(project, "tag", "v1")
    big.unlink()
    result = noticegen("diff", "v1", cwd=project)
    assert result.returncode == 2
    assert "notices/_blocks/big.md at v1 is" in result.stderr and "limit" in result.stderr
    assert "Traceback" not in result.stderr


def test_diff_handles_thousands_of_long_file_names(project, tmp_path):
    _git(project, "init", "-q")
    blocks = project / "notices" / "_blocks"
    for index in range(9000):
        (blocks / (f"b{index:05d}-" + "x" * 200 + ".md")).write_text("Shared.\n")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "many")
    _git(project, "tag", "v1")
    result = noticegen("diff", "v1", cwd=project, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert not list((project / "build").glob(".diff-*"))


def test_diff_writes_nothing_outside_build(project, tmp_path):
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "one")
    before = set(os.listdir(tempfile_folder())) if tempfile_folder() else set()
    result = noticegen("diff", "HEAD", cwd=project)
    assert result.returncode == 0, result.stderr
    after = set(os.listdir(tempfile_folder())) if tempfile_folder() else set()
    assert not {n for n in after - before if n.startswith("noticegen")}


def tempfile_folder() -> str:
    import tempfile

    return tempfile.gettempdir()


# -- Low, but each a broken promise -----------------------------------------------------

def test_a_file_name_cannot_forge_an_error_line(project):
    forged = "x\ndatamap:organisation.yaml:1:1: error[fake]: forged.md"
    (project / "notices" / forged).write_text("---\ntitle: x\n---\n")
    result = noticegen("check", cwd=project)
    lines = result.stdout.splitlines()
    assert not any(line.startswith("datamap:organisation.yaml:1:1: error[fake]") for line in lines)
    assert any("\\x0a" in line or "\\n" in line for line in lines), lines


def test_init_into_an_impossible_place_says_so(tmp_path):
    (tmp_path / "a-file").write_text("x")
    result = noticegen("init", str(tmp_path / "a-file" / "school"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("noticegen: error: cannot make the project in")
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_a_closed_pipe_is_not_an_error(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPOSITORY))
    result = subprocess.run(f"'{sys.executable}' -m noticegen rules | head -1", shell=True,
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.count("\n") == 1
    assert "error" not in result.stderr


@pytest.mark.parametrize("planted", ["manifest.json", ".noticegen-cache.json", ".noticegen-lock",
                                     ".noticegen-commit.json", "notices/pupils.html", "index.html"])
def test_fifos_planted_in_build_never_block(project, planted):
    path = project / "build" / planted
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    for command in (["check"], ["build", "--no-pdf"]):
        result = noticegen(*command, cwd=project, timeout=60)  # a blocked read times out
        assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((project / "build" / "manifest.json").read_text())
    assert (project / "build" / "notices" / "pupils.html").is_file()
    assert "notices/pupils.html" in manifest["outputs"]
