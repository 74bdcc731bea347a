"""A multi-academy trust: overlays, one check and one build for every school,
incremental and parallel builds, shards."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import REPOSITORY, published
from noticegen.commands.build import build_project
from noticegen.commands.check import check_project

TRUST = Path(__file__).resolve().parent / "trust"


@pytest.fixture(autouse=True)
def build_key(monkeypatch):
    """Incremental builds reuse only outputs a signed manifest vouches for."""
    monkeypatch.setenv("NOTICEGEN_BUILD_KEY", "test-key-for-incremental-builds")


@pytest.fixture
def trust(tmp_path) -> Path:
    return Path(shutil.copytree(TRUST, tmp_path / "trust", ignore=shutil.ignore_patterns("build")))


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------ overlays

def test_one_check_covers_every_school(trust, run):
    result = run("check", "--strict", cwd=trust)
    assert result.exit_code == 0, result.output
    assert result.output == "20 files checked: 0 errors, 0 warnings\n"
    assert sorted(check_project(trust).schools) == ["alpha", "beta", "gamma"]


def test_overlay_semantics(trust):
    schools = check_project(trust).schools
    alpha, beta, gamma = (schools[s].model for s in ("alpha", "beta", "gamma"))
    # the trust stays the controller; each school is an establishment of it
    assert alpha.organisation["name"] == beta.organisation["name"] == "Example Academy Trust"
    assert alpha.establishment["name"] == "Alpha Primary School"
    assert alpha.organisation["dpo"]["email"] == "dpo@trust.example"  # inherited
    # a register entry is replaced
    assert alpha.registers["recipient"]["local-authority"]["name"] == "Alphashire County Council"
    assert beta.registers["recipient"]["local-authority"]["name"] == "Testshire County Council"
    assert list(alpha.registers["recipient"]) == ["dfe", "local-authority", "photographer"]
    # extend: a school's own recipient, activity and notice
    assert "coach-company" in beta.registers["recipient"] and "trips" in beta.activities
    assert sorted(beta.notices) == ["pupils", "trips"]
    assert "coach-company" not in alpha.registers["recipient"] and "trips" not in alpha.activities
    # extends another school, and removes an inherited recipient and activity
    assert gamma.establishment["name"] == "Gamma Infant School"
    assert gamma.establishment["urn"] == "100001"  # from alpha, which gamma extends
    assert gamma.registers["recipient"]["local-authority"]["name"] == "Alphashire County Council"
    assert "photographer" not in gamma.registers["recipient"] and "photos" not in gamma.activities
    assert gamma.notices["pupils"].activity_ids == ["admissions"]
    # the schools' problems are located in the file that wrote the value
    assert str(alpha.registers["recipient"]["local-authority"].where("name")) == \
        "schools/alpha/datamap/recipients.yaml:3:11"
    assert str(alpha.organisation.where("dpo", "email")) == "datamap/organisation.yaml:8:12"
    assert str(alpha.establishment.where("name")) == "schools/alpha/datamap/organisation.yaml:2:9"


def test_build_produces_each_schools_notices_and_ropa(trust, run):
    result = run("build", "--no-pdf", cwd=trust)
    assert result.exit_code == 0, result.output
    out = trust / "build"
    index = text(out / "index.html")
    for school, name in (("alpha", "Alpha Primary School"), ("beta", "Beta Academy"),
                         ("gamma", "Gamma Infant School")):
        assert f'<a href="{school}/index.html">{name}</a>' in index
        assert (out / school / "records" / "ropa.xlsx").is_file()
    assert "Alphashire County Council" in text(out / "alpha" / "notices" / "pupils.html")
    assert "Alphashire County Council" in text(out / "gamma" / "notices" / "pupils.html")
    assert "Testshire County Council" in text(out / "beta" / "notices" / "pupils.html")
    assert "School Photographs Ltd" not in text(out / "gamma" / "notices" / "pupils.html")
    assert "School Photographs Ltd" in text(out / "alpha" / "notices" / "pupils.html")
    assert "Coach Company" in text(out / "beta" / "notices" / "trips.html")
    import csv
    import io
    rows = {s: len(list(csv.reader(io.StringIO((out / s / "records" / "ropa.csv").read_bytes()
                                               .decode("utf-8-sig"))))) - 1
            for s in ("alpha", "beta", "gamma")}
    assert rows == {"alpha": 2, "beta": 3, "gamma": 1}


def test_problem_in_a_schools_file_names_its_path(trust, run):
    trips = trust / "schools" / "beta" / "datamap" / "activities" / "trips.yaml"
    trips.write_text(text(trips).replace("recipient: coach-company", "recipient: coach-co"))
    result = run("check", cwd=trust)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "schools/beta/datamap/activities/trips.yaml:10:16: error[undeclared-recipient]: "
        "'coach-co' is not declared in datamap/recipients.yaml (did you mean 'coach-company'?)")


def test_problem_in_the_trusts_file_for_one_school_names_the_school(trust, run):
    recipients = trust / "schools" / "gamma" / "datamap" / "recipients.yaml"
    recipients.write_text("remove: [photographer, dfe]\n")
    result = run("check", cwd=trust)
    assert result.exit_code == 1
    assert result.output.splitlines()[:-1] == [
        "datamap/activities/admissions.yaml:13:16: error[undeclared-recipient]: 'dfe' is not "
        "declared in datamap/recipients.yaml (school gamma)",
    ]


def test_problem_every_school_shares_is_reported_once(trust, run):
    admissions = trust / "datamap" / "activities" / "admissions.yaml"
    admissions.write_text(text(admissions).replace("subjects: [pupils]", "subjects: [pupil]"))
    result = run("check", cwd=trust)
    lines = [line for line in result.output.splitlines() if "undeclared-subject" in line]
    assert lines == ["datamap/activities/admissions.yaml:4:12: error[undeclared-subject]: 'pupil' "
                     "is not declared in datamap/subjects.yaml (did you mean 'pupils'?)"]


def test_unused_in_one_school_but_used_in_another_is_not_reported(trust, run):
    # the photographer is used by alpha and beta, removed by gamma: no warning anywhere
    assert "unused" not in run("check", cwd=trust).output


@pytest.mark.parametrize("overlay,expected", [
    ({"schools/alpha/noticegen.yaml": "extends: gamma\n"},
     "schools/alpha/noticegen.yaml:1:10: error[overlay-cycle]: school 'alpha' extends 'gamma', "
     "which extends it in turn (gamma -> alpha -> gamma); overlays must not go round in a circle"),
    ({"schools/beta/noticegen.yaml": "extends: delta\n"},
     "schools/beta/noticegen.yaml:1:10: error[overlay-extends]: school 'beta' extends 'delta', "
     "which is not a school in schools/"),
    ({"schools/beta/datamap/subjects.yaml": "remove: [parents]\n"},
     "schools/beta/datamap/subjects.yaml:1:10: error[overlay-remove]: subject 'parents' is not "
     "inherited, so there is nothing to remove"),
    ({"schools/beta/noticegen.yaml": "remove:\n  notices: [trip]\n"},
     "schools/beta/noticegen.yaml:2:13: error[overlay-remove]: 'trip' is not an inherited "
     "notice, so there is nothing to remove"),
    ({"datamap/sources.yaml": "sources:\n  - id: admissions-forms\n    name: admissions forms\n"
                              "remove: [x]\n"},
     "datamap/sources.yaml:4:10: error[overlay-remove]: remove: belongs in a school's overlay "
     "(schools/<id>/...); the trust's own files declare what exists"),
])
def test_overlay_rules(trust, run, overlay, expected):
    for relative, content in overlay.items():
        (trust / relative).write_text(content)
    result = run("check", cwd=trust)
    assert result.exit_code == 1
    assert expected in result.output.splitlines(), result.output


# ------------------------------------------------------------------ incremental builds

def test_noop_rebuild_renders_and_writes_nothing(trust):
    first = build_project(trust, pdf=False)
    assert len(first.rendered) == len(first.units) == 17  # each school: notices, record, DPIA screening, retention schedule, index
    before = {p: p.stat().st_mtime_ns for p in (trust / "build").rglob("*") if p.is_file()}
    again = build_project(trust, pdf=False)
    assert again.rendered == []
    after = {p: p.stat().st_mtime_ns for p in (trust / "build").rglob("*") if p.is_file()}
    assert after == before


@pytest.mark.parametrize("edit,expected", [
    # one school's own activity: its notice, its ROPA and its DPIA screening, nothing else
    (("schools/beta/datamap/activities/trips.yaml", "to run school trips", "to run trips abroad"),
     {"beta/notice/trips", "beta/ropa", "beta/screening"}),
    # a trust activity every school has: every pupils notice and every ROPA
    (("datamap/activities/admissions.yaml", "to admit pupils", "to admit children"),
     {"alpha/notice/pupils", "beta/notice/pupils", "gamma/notice/pupils",
      "alpha/ropa", "alpha/screening", "beta/ropa", "beta/screening", "gamma/ropa", "gamma/screening"}),
    # a recipient only alpha and beta use (gamma removed it)
    (("datamap/recipients.yaml", "School Photographs Ltd", "Class Photos Ltd"),
     {"alpha/notice/pupils", "beta/notice/pupils", "alpha/ropa", "alpha/screening", "beta/ropa", "beta/screening"}),
    # alpha's overlay reaches alpha and gamma, which extends it
    (("schools/alpha/datamap/recipients.yaml", "Alphashire County Council", "Alphashire Council"),
     {"alpha/notice/pupils", "gamma/notice/pupils", "alpha/ropa", "alpha/screening", "gamma/ropa", "gamma/screening"}),
    # a notice's title: that notice and its school's index
    (("schools/beta/notices/trips.md", "title: School trips", "title: Trips and visits"),
     {"beta/notice/trips", "beta/index"}),
    # a school's name: everything of that school and of the school that extends it, and the trust index
    (("schools/alpha/datamap/organisation.yaml", "Alpha Primary School", "Alpha Primary"),
     {"alpha/notice/pupils", "alpha/ropa", "alpha/screening", "alpha/retention", "alpha/index", "schools"}),
])
def test_an_edit_rebuilds_exactly_what_it_reaches(trust, tmp_path, edit, expected):
    build_project(trust, pdf=False)
    relative, old, new = edit
    path = trust / relative
    assert old in text(path)
    path.write_text(text(path).replace(old, new))
    result = build_project(trust, pdf=False)
    assert set(result.rendered) == expected
    # and what it left alone is exactly what a fresh build makes
    fresh = Path(shutil.copytree(trust, tmp_path / "fresh", ignore=shutil.ignore_patterns("build")))
    build_project(fresh, pdf=False)
    assert published(trust / "build") == published(fresh / "build")


def test_an_output_damaged_by_hand_is_made_again(trust):
    build_project(trust, pdf=False)
    page = trust / "build" / "beta" / "notices" / "trips.html"
    page.write_text("edited by hand")
    result = build_project(trust, pdf=False)
    assert result.rendered == ["beta/notice/trips"]
    assert "School trips" in text(page)


# ------------------------------------------------------------------ jobs and shards

def test_parallel_build_is_byte_identical(trust, tmp_path):
    other = Path(shutil.copytree(trust, tmp_path / "other"))
    build_project(trust, jobs=1)
    build_project(other, jobs=2)
    assert published(trust / "build") == published(other / "build")
    assert any(name.endswith(".pdf") for name in published(other / "build"))


def test_shards_cover_every_output_exactly_once(trust, tmp_path):
    full = build_project(trust, pdf=False)
    seen: list[str] = []
    for index in (1, 2, 3):
        copy = Path(shutil.copytree(TRUST, tmp_path / f"shard{index}", ignore=shutil.ignore_patterns("build")))
        result = build_project(copy, pdf=False, shard=(index, 3))
        assert (copy / "build" / f"manifest-shard-{index}-of-3.json").is_file()
        seen += result.outputs
        for relative in result.outputs:
            assert (copy / "build" / relative).read_bytes() == (trust / "build" / relative).read_bytes()
    assert sorted(seen) == sorted(full.outputs)
    assert len(seen) == len(set(seen))


def test_bad_shard_is_a_usage_error(trust, run):
    for shard in ("4/3", "x"):
        result = run("build", "--shard", shard, cwd=trust)
        assert result.exit_code == 2
        assert "Invalid value for --shard: write I/N with 1 <= I <= N" in result.output


def test_explain_in_a_trust_names_the_school(trust, run):
    result = run("explain", "local-authority", cwd=trust)
    assert result.exit_code == 2 and "--school" in result.output
    result = run("explain", "local-authority", "--school", "gamma", cwd=trust)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("recipient 'local-authority' (Alphashire County Council)\n"
                                    "  declared at schools/alpha/datamap/recipients.yaml:2:9")
    assert run("explain", "dfe", "--school", "delta", cwd=trust).exit_code == 2


def test_diff_of_one_school_of_a_trust(trust, run):
    import subprocess

    def git(*args):
        subprocess.run(["git", "-c", "user.email=d@t.example", "-c", "user.name=D", *args], cwd=trust,
                       check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "v1")
    recipients = trust / "schools" / "alpha" / "datamap" / "recipients.yaml"
    recipients.write_text(text(recipients).replace("Alphashire County Council", "Alphashire Council"))
    assert run("diff", cwd=trust).exit_code == 2
    alpha = run("diff", "--school", "alpha", cwd=trust)
    assert alpha.output == ("Changes from HEAD to the work tree: 1\n"
                            "  recipient 'local-authority' changed\n"
                            "      name: 'Alphashire County Council' → 'Alphashire Council'\n"
                            "      reaches: pupils\n")
    assert "recipient 'local-authority' changed" in run("diff", "--school", "gamma", cwd=trust).output
    assert run("diff", "--school", "beta", cwd=trust).output == "Changes from HEAD to the work tree: 0\n"


def test_a_school_inherits_the_removals_of_the_school_it_extends(trust):
    (trust / "schools" / "alpha" / "noticegen.yaml").write_text("remove:\n  notices: [pupils]\n")
    (trust / "schools" / "alpha" / "notices").mkdir()
    (trust / "schools" / "alpha" / "notices" / "welcome.md").write_text(
        "---\ntitle: Welcome\nactivities: [admissions]\nversion: \"1\"\n---\nHello.\n")
    schools = check_project(trust).schools
    assert sorted(schools["alpha"].model.notices) == ["welcome"]
    # gamma extends alpha and removes photos itself: alpha's removal still holds
    assert sorted(schools["gamma"].model.notices) == ["welcome"]
    assert "photos" not in schools["gamma"].model.activities


def test_the_benchmark_trust_checks_clean(tmp_path):
    """bench/make_trust.py writes the trusts the benchmarks measure: they must be valid
    projects under every rule, or the benchmark would time the error path."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_trust", REPOSITORY / "bench" / "make_trust.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.make_trust(tmp_path / "trust", 2, 1)
    result = check_project(out)
    assert not result.failed(), [str(p) for p in result.problems]
    assert sorted(result.schools) == ["school-001", "school-002"]


def test_each_academy_names_the_trust_as_controller_and_nothing_leaks(trust, run):
    """UK GDPR Art 13(1)(a): an academy's notice says the trust is the controller, and
    names the academy; no academy's name, contact or recipients reach another's."""
    result = run("build", "--no-pdf", cwd=trust)
    assert result.exit_code == 0, result.output
    out = trust / "build"
    names = {"alpha": "Alpha Primary School", "beta": "Beta Academy", "gamma": "Gamma Infant School"}
    for school, name in names.items():
        page = text(out / school / "notices" / "pupils.html")
        assert f"<dt>From</dt><dd>{name}</dd>" in page
        assert "<dt>Controller</dt><dd>Example Academy Trust</dd>" in page
        assert "Example Academy Trust is the controller of this information" in page
        ropa = text(out / school / "records" / "ropa.csv")
        others = [n for s, n in names.items() if s != school]
        for other in others:
            assert other not in page and other not in ropa
            assert other not in text(out / school / "records" / "ropa.html")
        controller_block = text(out / school / "records" / "ropa.html")
        assert "Example Academy Trust" in controller_block and name in controller_block
    assert "office@beta.example" in text(out / "beta" / "notices" / "pupils.html")
    assert "office@beta.example" not in text(out / "alpha" / "notices" / "pupils.html")
    # another local authority for one school, an extra activity for another
    assert "Alphashire County Council" in text(out / "alpha" / "notices" / "pupils.html")
    assert "Alphashire County Council" not in text(out / "beta" / "notices" / "pupils.html")
    assert "Coach Company" not in text(out / "alpha" / "notices" / "trips.html") \
        if (out / "alpha" / "notices" / "trips.html").exists() else True


def test_migrate_moves_a_schools_controller_to_establishment(trust, run):
    alpha = trust / "schools" / "alpha" / "datamap" / "organisation.yaml"
    alpha.write_text("# Alpha's own details\norganisation:  # the school\n"
                     "  name: Alpha Primary School\n  kind: school\n  urn: \"100001\"\n")
    checked = run("check", cwd=trust)
    assert ("schools/alpha/datamap/organisation.yaml:3:9: error[controller-in-overlay]: in a trust, "
            "Example Academy Trust is the controller") in checked.output
    migrated = run("migrate", cwd=trust)
    assert migrated.exit_code == 0
    assert "changed schools/alpha/datamap/organisation.yaml: organisation: is now establishment:" \
        in migrated.output
    assert alpha.read_text() == ("# Alpha's own details\nestablishment:  # the school\n"
                                 "  name: Alpha Primary School\n  kind: school\n  urn: \"100001\"\n")
    assert run("check", cwd=trust).exit_code == 0
    assert run("migrate", cwd=trust).output == "nothing to migrate: the project is up to date\n"


def test_migrate_leaves_what_it_cannot_move_to_a_person(trust, run):
    alpha = trust / "schools" / "alpha" / "datamap" / "organisation.yaml"
    alpha.write_text("organisation:\n  name: Alpha Primary School\n  ico_registration: Z1234567\n")
    before = alpha.read_text()
    result = run("migrate", cwd=trust)
    assert result.exit_code == 1
    assert "by hand: schools/alpha/datamap/organisation.yaml: move the school's name" in result.output
    assert alpha.read_text() == before


def test_a_school_adds_and_drops_activities_of_an_inherited_notice(trust, run):
    (trust / "schools" / "beta" / "noticegen.yaml").write_text(
        "notices:\n  pupils:\n    add_activities: [trips]\n    remove_activities: [photos]\n")
    result = run("build", "--no-pdf", cwd=trust)
    assert result.exit_code == 0, result.output
    beta = text(trust / "build" / "beta" / "notices" / "pupils.html")
    alpha = text(trust / "build" / "alpha" / "notices" / "pupils.html")
    assert "Coach Company" in beta and "School Photographs Ltd" not in beta
    assert "Coach Company" not in alpha and "School Photographs Ltd" in alpha
    assert not (trust / "schools" / "beta" / "notices" / "pupils.md").exists()  # not copied


def test_changing_a_notice_a_school_does_not_have_is_an_error(trust, run):
    (trust / "schools" / "beta" / "noticegen.yaml").write_text(
        "notices:\n  pupil:\n    add_activities: [trips]\n  pupils:\n    remove_activities: [trips]\n"
        "    add_activities: [excursions]\n")
    result = run("check", cwd=trust)
    assert result.exit_code == 1
    out = result.output
    assert "schools/beta/noticegen.yaml:2:3: error[overlay-remove]: 'pupil' is not a notice this school inherits" in out
    assert "schools/beta/noticegen.yaml:5:25: error[overlay-remove]: activity 'trips' is not inherited" in out
    assert "schools/beta/noticegen.yaml:6:22: error[undeclared-activity]: activity 'excursions' is not declared" in out


def test_three_shards_combined_are_a_single_full_build(trust, tmp_path, run, monkeypatch):
    """The documented way (docs/ci.md): each shard builds in a job of its own, the jobs'
    build/ folders are put together, and 'noticegen combine' makes them one build."""
    monkeypatch.setenv("NOTICEGEN_BUILD_KEY", "a secret of the CI's")
    full = Path(shutil.copytree(TRUST, tmp_path / "full", ignore=shutil.ignore_patterns("build")))
    assert run("build", cwd=full).exit_code == 0
    combined = Path(shutil.copytree(TRUST, tmp_path / "combined", ignore=shutil.ignore_patterns("build")))
    for index in (1, 2, 3):
        job = Path(shutil.copytree(TRUST, tmp_path / f"job{index}", ignore=shutil.ignore_patterns("build")))
        assert run("build", "--shard", f"{index}/3", cwd=job).exit_code == 0
        # what downloading every job's artifact into one build/ folder does
        shutil.copytree(job / "build", combined / "build", dirs_exist_ok=True)
    result = run("combine", cwd=combined)
    assert result.exit_code == 0, result.output
    assert published(combined / "build") == published(full / "build")


def test_combine_refuses_a_missing_or_altered_shard(trust, tmp_path, run, monkeypatch):
    monkeypatch.setenv("NOTICEGEN_BUILD_KEY", "a secret of the CI's")
    for index in (1, 2):
        assert run("build", "--no-pdf", "--shard", f"{index}/3", cwd=trust).exit_code == 0
    missing = run("combine", cwd=trust)
    assert missing.exit_code == 2 and "shard 3/3 missing from build/" in missing.output
    assert run("build", "--no-pdf", "--shard", "3/3", cwd=trust).exit_code == 0
    page = next((trust / "build").rglob("*.fragment.html"))
    page.write_text(page.read_text() + "<p>tampered</p>")
    altered = run("combine", cwd=trust)
    assert altered.exit_code == 2 and "is not the file that shard made" in altered.output


def test_combine_without_the_build_key_publishes_nothing(trust, run, monkeypatch):
    """Shards are CI artifacts anyone who opens a pull request may forge: a script added to
    a shard's index, its digest updated in that shard's own manifest, once combined with
    exit 0. Without the key nothing shows a manifest is its build's, so combine refuses."""
    monkeypatch.delenv("NOTICEGEN_BUILD_KEY", raising=False)
    for index in (1, 2):
        assert run("build", "--no-pdf", "--shard", f"{index}/2", cwd=trust).exit_code == 0
    page = trust / "build" / "index.html"
    manifest_path = trust / "build" / "manifest-shard-2-of-2.json"
    manifest = json.loads(manifest_path.read_text())
    if "index.html" not in manifest["outputs"]:
        manifest_path = trust / "build" / "manifest-shard-1-of-2.json"
        manifest = json.loads(manifest_path.read_text())
    forged = page.read_text().replace("</body>", "<script>steal()</script></body>")
    page = page.resolve()
    page.unlink()
    page.write_text(forged)
    manifest["outputs"]["index.html"] = hashlib.sha256(forged.encode()).hexdigest()
    real = manifest_path.resolve()
    real.unlink()
    real.write_text(json.dumps(manifest))
    result = run("combine", cwd=trust)
    assert result.exit_code == 2
    assert "combine publishes what other jobs built, and only NOTICEGEN_BUILD_KEY shows" in result.output
    assert not (trust / "build" / "manifest.json").exists()


def test_combine_refuses_a_forged_shard_manifest_under_the_key(trust, run, monkeypatch):
    monkeypatch.setenv("NOTICEGEN_BUILD_KEY", "a secret of the CI's")
    for index in (1, 2):
        assert run("build", "--no-pdf", "--shard", f"{index}/2", cwd=trust).exit_code == 0
    manifest_path = trust / "build" / "manifest-shard-1-of-2.json"
    manifest = json.loads(manifest_path.read_text())
    relative = sorted(manifest["outputs"])[0]
    page = trust / "build" / relative
    forged = page.read_bytes() + b"<script>steal()</script>"
    page = page.resolve()
    page.unlink()
    page.write_bytes(forged)
    manifest["outputs"][relative] = hashlib.sha256(forged).hexdigest()
    real = manifest_path.resolve()  # the artifact as the attacker hands it over, links and all
    real.unlink()
    real.write_text(json.dumps(manifest))
    result = run("combine", cwd=trust)
    assert result.exit_code == 2
    assert "shard 1/2's manifest is not signed with this NOTICEGEN_BUILD_KEY" in result.output


def test_combine_refuses_shards_made_from_other_files_than_the_projects_now(trust, run, monkeypatch):
    """Signed shards of an earlier commit once combined and published the old text."""
    monkeypatch.setenv("NOTICEGEN_BUILD_KEY", "a secret of the CI's")
    for index in (1, 2):
        assert run("build", "--no-pdf", "--shard", f"{index}/2", cwd=trust).exit_code == 0
    organisation = trust / "datamap" / "organisation.yaml"
    text = organisation.read_text()
    name = yaml.safe_load(text)["organisation"]["name"]
    organisation.write_text(text.replace(name, name + " Renamed", 1))
    result = run("combine", cwd=trust)
    assert result.exit_code == 2
    assert "shard 1/2 was built from other files than the project's as they are now " \
           "(first: datamap/organisation.yaml)" in result.output
    assert not (trust / "build" / "manifest.json").exists()


def test_a_trust_whose_only_school_folder_is_a_link_is_not_taken_for_a_single_school(tmp_path, run):
    """schools/ holding only a link (out of the project or not) was skipped without a word,
    and the trust's base built as if it were one school."""
    project = tmp_path / "trust"
    for part in ("datamap", "notices"):
        shutil.copytree(TRUST / part, project / part)
    (project / "schools").mkdir()
    (project / "schools" / "alpha").symlink_to(TRUST / "schools" / "alpha")
    for command in (("check",), ("build", "--no-pdf")):
        result = run(*command, cwd=project)
        assert result.exit_code == 1, result.output
        assert "schools/alpha:1:1: error[outside-project]: this is a symbolic link" in result.output
    assert not (project / "build" / "manifest.json").exists()


def test_each_schools_ropa_csv_says_whose_rows_they_are(trust, run):
    """A trust that merges its academies' CSVs must still tell whose rows are whose."""
    import csv

    assert run("build", "--no-pdf", cwd=trust).exit_code == 0
    seen = set()
    for school in ("alpha", "beta"):
        with (trust / "build" / school / "records" / "ropa.csv").open(encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
        assert rows[0][-3:] == ["Controller (name, address and contact details)", "Establishment",
                                "Data Protection Officer"]
        identities = {tuple(row[-3:]) for row in rows[1:]}
        assert len(identities) == 1
        controller, establishment, dpo = identities.pop()
        assert establishment and dpo and controller
        seen.add(establishment)
    assert len(seen) == 2  # two schools, two establishments, one controller


def test_each_schools_records_are_in_its_own_folder_and_published_only_when_set(trust, run):
    """A school's record of processing is built into build/<school>/records/ and linked from
    its index only under publish_records: true (the trust's noticegen.yaml for every school,
    a school's own to differ); 'build --public' makes only what is published."""
    out = trust / "build"
    assert run("build", "--no-pdf", cwd=trust).exit_code == 0
    for school in ("alpha", "beta", "gamma"):
        assert (out / school / "records" / "ropa.html").is_file()
        assert "records/" not in text(out / school / "index.html")
    assert "records" not in text(out / "index.html")

    (trust / "noticegen.yaml").write_text("publish_records: true\n")
    with (trust / "schools" / "gamma" / "noticegen.yaml").open("a") as handle:
        handle.write("publish_records: false   # gamma keeps its record for the ICO\n")
    result = run("build", "--no-pdf", "--public", cwd=trust)
    assert result.exit_code == 0, result.output
    for school in ("alpha", "beta"):
        assert 'href="records/ropa.html"' in text(out / school / "index.html")
        assert (out / school / "records" / "ropa.xlsx").is_file()
    assert "records/" not in text(out / "gamma" / "index.html")
    assert not [p for p in out.rglob("*") if "gamma/records" in p.as_posix()]


def test_public_shards_combined_are_a_single_public_build(trust, tmp_path, run, monkeypatch):
    """docs/ci.md's matrix builds each shard with --public: combined, they are what one
    'build --public' makes, with no record of processing in them."""
    monkeypatch.setenv("NOTICEGEN_BUILD_KEY", "a secret of the CI's")
    full = Path(shutil.copytree(TRUST, tmp_path / "full", ignore=shutil.ignore_patterns("build")))
    assert run("build", "--no-pdf", "--public", cwd=full).exit_code == 0
    combined = Path(shutil.copytree(TRUST, tmp_path / "combined", ignore=shutil.ignore_patterns("build")))
    for index in (1, 2):
        job = Path(shutil.copytree(TRUST, tmp_path / f"job{index}", ignore=shutil.ignore_patterns("build")))
        assert run("build", "--no-pdf", "--public", "--shard", f"{index}/2", cwd=job).exit_code == 0
        shutil.copytree(job / "build", combined / "build", dirs_exist_ok=True)
    result = run("combine", cwd=combined)
    assert result.exit_code == 0, result.output
    assert published(combined / "build") == published(full / "build")
    assert not [name for name in published(combined / "build") if "records" in name or "ropa" in name]


def test_a_school_changes_an_inherited_entry_field_by_field(trust, run):
    """An academy adds one example to a trust category and gives a trust recipient its own
    label, without copying either entry (issue 22): the rest is the trust's."""
    (trust / "schools" / "alpha" / "datamap" / "categories.yaml").write_text(
        "change:\n  - id: contact-details\n    add_examples: [the name of your doctor]\n")
    (trust / "schools" / "alpha" / "datamap" / "recipients.yaml").write_text(
        "change:\n  - id: dfe\n    label: the Department for Education (DfE), which runs the census\n")
    built = run("build", "--no-pdf", cwd=trust)
    assert built.exit_code == 0, built.output
    alpha = text(trust / "build" / "alpha" / "notices" / "pupils.html")
    assert "address, telephone number and the name of your doctor" in alpha
    assert "the Department for Education (DfE), which runs the census" in alpha
    beta = text(trust / "build" / "beta" / "notices" / "pupils.html")
    assert "the name of your doctor" not in beta and "which runs the census" not in beta


def test_changing_what_is_not_inherited_is_an_error_at_its_place(trust, run):
    (trust / "schools" / "alpha" / "datamap" / "categories.yaml").write_text(
        "change:\n  - id: contact-detail\n    add_examples: [x]\n")
    (trust / "datamap" / "sources.yaml").write_text(
        text(trust / "datamap" / "sources.yaml") + "change:\n  - id: admissions-forms\n    name: Forms\n")
    result = run("check", cwd=trust)
    assert result.exit_code == 1
    assert ("schools/alpha/datamap/categories.yaml:2:9: error[overlay-change]: category 'contact-detail' "
            "is not inherited, so there is nothing to change (did you mean 'contact-details'?)") in result.output
    assert "datamap/sources.yaml" in result.output and "change: belongs in a school's overlay" in result.output
