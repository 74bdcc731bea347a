"""noticegen init: a new school project from the starter set, end to end."""

from __future__ import annotations

import re

from noticegen.commands.init import fill_placeholders
from noticegen.load.validate import KINDS

FILL = {
    "TODO(publication date, written YYYY-MM-DD)": "2026-09-01",
    "TODO(school name)": "Example Primary School",
    "TODO(URN)": "123456",
    "TODO(ICO registration number)": "Z1234567",
    "TODO(street address)": "1 School Lane",
    "TODO(town and postcode)": "Exampletown EX1 2AB",
    "TODO(link to the school website)": "https://example.sch.uk/",
    "TODO(school office email)": "office@example.sch.uk",
    "TODO(school office telephone number)": "01234 567890",
    "TODO(DPO name)": "Alex Example",
    "TODO(DPO email)": "dpo@example.sch.uk",
    "TODO(email for data protection requests)": "dataprotection@example.sch.uk",
    "TODO(link to your data protection policy)": "https://example.sch.uk/policies/data-protection",
    "TODO(link to your appropriate policy document)": "https://example.sch.uk/policies/appropriate-policy-document",
    "TODO(local authority name)": "Example Borough Council",
}


def test_init_check_fill_check_build(tmp_path, run):
    project = tmp_path / "new-school"
    result = run("init", project)
    assert result.exit_code == 0, result.output
    assert "created " in result.output and "TODO(...)" in result.output
    for relative in ("datamap/organisation.yaml", "datamap/recipients.yaml", "notices/pupils.md",
                     "notices/school-workforce.md", "notices/children-in-need-and-looked-after.md",
                     ".gitignore", "noticegen.yaml"):
        assert (project / relative).is_file(), relative
    for kind in KINDS:
        assert (project / ".schemas" / f"{kind}.schema.json").is_file()

    checked = run("check", project)
    assert checked.exit_code == 1
    lines = checked.output.splitlines()[:-1]
    assert lines and all("error[placeholder]: placeholder TODO(" in line for line in lines), lines
    assert all(re.match(r"^\S+:\d+:\d+: ", line) for line in lines)
    named = {re.search(r"TODO\([^)]*\)", line)[0] for line in lines}
    assert named == set(FILL)
    assert any(line.startswith(f"{project.name}/datamap/organisation.yaml:") or
               "datamap/organisation.yaml:" in line for line in lines)

    assert fill_placeholders(project, FILL) >= 2
    clean = run("check", "--today", "2026-10-01", project)
    assert clean.exit_code == 0, clean.output
    assert clean.output.endswith("0 errors, 0 warnings\n")
    # --strict also lists the record of processing's columns only the school can fill
    # (DPIAs, breaches, contracts): warnings, one per activity, and nothing else
    strict = run("check", "--strict", "--today", "2026-10-01", project)
    gaps = strict.output.splitlines()[:-1]
    assert strict.exit_code == 1 and gaps
    assert all("warning[ropa-gap]:" in line for line in gaps), gaps
    built = run("build", "--today", "2026-10-01", project)
    assert built.exit_code == 0, built.output
    for slug in ("pupils", "school-workforce", "children-in-need-and-looked-after"):
        page = (project / "build" / "notices" / f"{slug}.html").read_text()
        assert "Example Primary School" in page and "TODO(" not in page
        assert (project / "build" / "notices" / f"{slug}.pdf").is_file()


def test_init_never_overwrites(tmp_path, run):
    project = tmp_path / "school"
    (project / "datamap").mkdir(parents=True)
    (project / "datamap" / "organisation.yaml").write_text("# the school's own file\n")
    result = run("init", project)
    assert result.exit_code == 0
    assert "kept existing " in result.output and "organisation.yaml" in result.output
    assert (project / "datamap" / "organisation.yaml").read_text() == "# the school's own file\n"
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    again = run("init", project)
    assert again.exit_code == 0 and "created 0 files" in again.output
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


def test_init_into_a_file_is_refused(tmp_path, run):
    (tmp_path / "file").write_text("x")
    result = run("init", tmp_path / "file")
    assert result.exit_code == 2
    assert result.output == f"noticegen: error: {tmp_path / 'file'} exists and is not a folder\n"


def test_starter_files_name_their_schemas(tmp_path, run):
    project = tmp_path / "s"
    run("init", project)
    for path in list((project / "datamap").rglob("*.yaml")) + [project / "noticegen.yaml"]:
        first = path.read_text().splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match and (path.parent / match[1]).resolve().is_file(), path
