"""noticegen build on the example school: outputs, fidelity to the seed notice, PDF
structure, determinism, atomicity, and the ROPA files read back."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPOSITORY, built_example, copy_example, published, structure_kinds

SEED = Path(__file__).resolve().parent / "fixtures" / "moss-hey-lac-safeguarding-notice.txt"
SLUG = "looked-after-children-and-safeguarding"
NOTICES = sorted(p.stem for p in (REPOSITORY / "notices").glob("*.md"))
OUTPUTS = ["index.html", "records/ropa.html", "records/ropa.csv", "records/ropa.xlsx", "records/datamap.jsonld",
           "records/dpia-screening.html", "records/dpia-screening.pdf",
           "appropriate-policy.html", "appropriate-policy.pdf"] + [
    f"records/retention-schedule.{suffix}" for suffix in ("html", "csv", "ics", "pdf")] + [
    f"notices/{slug}{suffix}" for slug in NOTICES for suffix in (".html", ".fragment.html", ".pdf")] + [
    # the admission form's collection statement and the photograph consent form (docs/forms.md)
    "forms/admissions-forms.statement.html", "forms/admissions-forms.statement.txt",
    "forms/admissions-forms.statement.pdf", "forms/admissions-forms.statement-block.pdf",
    "forms/photograph-consent-form.html",
    "forms/photograph-consent-form.pdf", "forms/photograph-consent-form.record.csv"]
ACTIVITY_COUNT = len(list((REPOSITORY / "datamap" / "activities").glob("*.yaml")))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return built_example(tmp_path_factory.mktemp("built") / "school")


def html_text(path) -> str:
    """The visible text of an HTML file (tags dropped, entities decoded)."""
    from html import unescape

    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(style|script)\b.*?</\1>", " ", raw, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", raw))


def pdf_text(path) -> str:
    # -layout keeps a hyphen that ends a line (plain mode drops it, breaking URLs)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def normal(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.split()).lower()


def squashed(text: str) -> str:
    return "".join(text.split())


# ------------------------------------------------------------------ seed fidelity

def seed_items() -> list[str]:
    """The seed's list items, URLs, email, statutes and contacts, as it prints them,
    with the example's departures from it in law (docs/example.md lists each and why):
    ``DEPARTURES`` maps what the seed says to what the example says instead.
    """
    text = SEED.read_text(encoding="utf-8")
    body, rights_start = text, text.index("You also have the right to:")
    rights_end = text.index("If you have a concern")
    body = text[:rights_start] + text[rights_end:]
    items = []
    for line in body.splitlines():
        match = re.match(r"\s*-\s+(.*)", line)
        if match:
            item = re.sub(r"<[^>]+>", "", match[1]).strip().rstrip(";").strip()
            items.append(item)
    # The long special-category item is one seed line; its parts are separate categories.
    long_item = next(i for i in items if i.startswith("Notes of concern"))
    items.remove(long_item)
    items += ["Notes of concern", "attendance data", "information relating to a child in need",
              "referral information", "assessment information", "Section 47 information",
              "Initial Child Protection information", "Child Protection Plan information",
              "outcomes for looked after children",
              "whether health and dental assessments are up to date",
              "strengths and difficulties questionnaire scores", "offending", "adoptions",
              "dates of key court orders and decisions", "care leavers", "their activity",
              "what type of accommodation they have", "Education Health Care Plans"]
    items = [("Date of birth, address" if i.startswith("Data of birth") else i) for i in items]
    items = [i for i in items if i not in ("Personal information such as", "Special categories of information such as")]
    items += ["Personal information such as", "Special categories of information such as"]
    items = [DEPARTURES.get(i, i) for i in items]
    # Statutes, guidance, contacts and the why-we-share and NPD texts.
    items += [
        "Keeping children safe in education 2018", "Working together to safeguard children 2015",
        "Section 83 of 1989 Children's Act", "Section 7 of the Young People's Act 2008",
        "The Education (Information About Individual Pupils) (England) Regulations 2013",
        "government security policy framework",
        "handled internally by the safeguarding leads, pastoral staff and the Headteacher",
        "admissions forms", "the relevant local authorities", "safeguarding leads",
        "notes of concern", "School Business Manager (SBM), Rachel Burke",
        "Data Subject Rights Policy", "Legal obligation",
        "We do not share information about our children in need or looked after children with "
        "anyone without consent unless the law and our policies allow us to do so",
        "This data sharing helps to develop national policies, manage local authority "
        "performance, administer and allocate funding and identify and encourage good practice",
        "The NPD is owned and managed by the Department for Education",
        "We hold data securely for the set amount of time shown in our data retention schedule",
        "Moss Hey Primary School",
    ]
    return [DEPARTURES.get(i, i) for i in items if DEPARTURES.get(i, i)]


DEPARTURES = {
    # special category data is Art 9's list; offending is criminal offence data (Art 10)
    "Special categories of information such as": "Special category information (UK GDPR Article 9) such as",
    "offending": "Offending by looked after children",
    # statutory guidance, cited in its current edition, and not as "the law"
    "Keeping children safe in education 2018": "Guidance we follow: Keeping children safe in education",
    "Working together to safeguard children 2015": "Working together to safeguard children 2023",
    # the school's own duty to give the DfE pupil data, not the local authority's and
    # the Secretary of State's
    "Section 83 of 1989 Children's Act": "section 537A of the Education Act 1996",
    "Section 7 of the Young People's Act 2008": "The law: Education Act 1996, section 537A",
    "Keeping children safe in education 2018 https://www.gov.uk/government/publications/"
    "keeping-children-safe-in-education--2":
        "Keeping children safe in education (the edition in force) https://www.gov.uk/government/"
        "publications/keeping-children-safe-in-education--2",
    "Working together to safeguard children 2015 https://www.gov.uk/government/publications/"
    "working-together-to-safeguard-children--2":
        "Working together to safeguard children 2023 https://www.gov.uk/government/publications/"
        "working-together-to-safeguard-children--2",
    # the seed's rights (the 1998 Act's wording) give way to the rights that apply
    "Data of birth, address": "Date of birth, address",
}


def seed_urls() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    urls = re.findall(r"https?://[^\s<>\"]+", text)
    return sorted({u.rstrip(".,)") for u in urls}) + ["headteacher@mosshey.stockport.sch.uk"]




@pytest.mark.parametrize("output", [f"notices/{SLUG}.html", f"notices/{SLUG}.fragment.html",
                                    f"notices/{SLUG}.pdf"])
def test_every_seed_item_is_in_the_output(built, output):
    path = built / "build" / output
    text = pdf_text(path) if output.endswith(".pdf") else html_text(path)
    # pdftotext breaks long URLs across lines: compare without whitespace as well
    missing = [item for item in seed_items() if normal(item) not in normal(text)
               and squashed(normal(item)) not in squashed(normal(text))]
    assert missing == []
    missing_urls = [url for url in seed_urls() if squashed(url) not in squashed(text)]
    assert missing_urls == []


def test_seed_item_list_is_substantial():
    assert len(seed_items()) > 50 and len(seed_urls()) >= 8


# ------------------------------------------------------------------ outputs

def test_all_outputs_and_manifest(built):
    out = built / "build"
    for relative in OUTPUTS:
        assert (out / relative).is_file(), relative
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(manifest["outputs"]) == sorted(OUTPUTS)
    assert "datamap/activities/safeguarding.yaml" in manifest["inputs"]
    import hashlib
    for relative, digest in manifest["outputs"].items():
        assert hashlib.sha256((out / relative).read_bytes()).hexdigest() == digest
    assert not any(p.name.startswith(".staging") for p in out.iterdir())


def test_index_links_every_notice_output_but_not_the_records(built):
    """Art 30(4): the record is for the ICO on request. By default it is built where the
    README says (build/records/) but the public index does not link it."""
    index = (built / "build" / "index.html").read_text()
    for relative in OUTPUTS[1:]:
        if relative.startswith("records/"):
            assert (built / "build" / relative).is_file(), relative
            assert relative not in index, relative
        else:
            assert f'href="{relative}"' in index, relative
    assert "records/" not in index and "ropa" not in index
    assert not (built / "build" / "ropa").exists()
    assert len(NOTICES) >= 3


def _every_path(build: Path) -> list[str]:
    """Every file and folder under build/, hidden ones (the site folder) included: what an
    upload of build/ takes (actions/upload-pages-artifact tars them all)."""
    return sorted(p.relative_to(build).as_posix() for p in build.rglob("*"))


def test_records_are_published_only_when_the_project_says_so(tmp_path, run, monkeypatch):
    from conftest import CASES

    monkeypatch.setenv("NOTICEGEN_BUILD_KEY", "a key, so that the builds below are incremental")
    project = Path(shutil.copytree(CASES / "base", tmp_path / "school"))
    records = ["records/ropa.html", "records/ropa.csv", "records/ropa.xlsx", "records/datamap.jsonld"]
    build = project / "build"

    # by default: built for the DPO, not linked, not indexed
    assert run("build", "--no-pdf", cwd=project).exit_code == 0
    index = (build / "index.html").read_text()
    assert "records/" not in index and "Records of processing" not in index
    for relative in records:
        assert (build / relative).is_file(), relative
    assert '<meta name="robots" content="noindex">' in (build / "records" / "ropa.html").read_text()
    assert '<meta name="robots"' not in index

    # what CI publishes (docs/ci.md: build --public): no record anywhere in build/
    result = run("build", "--no-pdf", "--public", cwd=project)
    assert result.exit_code == 0, result.output
    assert not [p for p in _every_path(build) if "records" in p or "ropa" in p or "jsonld" in p]
    manifest = json.loads((build / "manifest.json").read_text())
    assert not [o for o in manifest["outputs"] if o.startswith("records/")]
    assert "ropa" not in manifest["units"]

    # publish_records: true: the index links them, and build --public keeps them
    (project / "noticegen.yaml").write_text("publish_records: true\n")
    result = run("build", "--no-pdf", "--public", cwd=project)
    assert result.exit_code == 0, result.output
    assert "the record of processing, the DPIA screening, the retention schedule and the index page" in result.output
    index = (build / "index.html").read_text()
    for relative in records:
        assert f'href="{relative}"' in index, relative
        assert (build / relative).is_file(), relative
    assert '<meta name="robots" content="noindex">' in (build / "records" / "ropa.html").read_text()

    # and back: the index (made from the setting) is made again, without the links
    (project / "noticegen.yaml").write_text("publish_records: false\n")
    result = run("build", "--no-pdf", cwd=project)
    assert result.exit_code == 0, result.output
    assert "made: the index page" in result.output
    assert "records/" not in (build / "index.html").read_text()
    assert (build / "records" / "ropa.html").is_file()


def test_page_structure(built):
    page = (built / "build" / "notices" / f"{SLUG}.html").read_text()
    assert '<html lang="en-GB">' in page
    assert page.count("<h1") == 1
    assert '<a class="skip-link" href="#main">' in page and '<main id="main"' in page
    assert "<header" in page and "<footer" in page and 'class="notice-contents"' in page
    assert "@media print" in page
    assert "Last updated</dt><dd>1 September 2026" in page and "Version</dt><dd>1.0" in page
    levels = [int(h) for h in re.findall(r"<h([1-6])", page)]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels


def test_fragment_has_no_page_chrome(built):
    fragment = (built / "build" / "notices" / f"{SLUG}.fragment.html").read_text()
    assert "<html" not in fragment and "<body" not in fragment and "<h1" not in fragment
    assert fragment.lstrip().startswith('<div class="noticegen-notice"')
    styles = re.sub(r"/\*.*?\*/", "", re.search(r"<style>(.*?)</style>", fragment, re.S)[1], flags=re.S)
    selectors = [s.strip() for rule in re.findall(r"([^{}]+)\{", styles) for s in rule.split(",")]
    assert selectors and all(s.startswith(".noticegen-notice") for s in selectors), selectors


def test_rights_follow_the_lawful_basis(built):
    text = normal(html_text(built / "build" / "notices" / f"{SLUG}.html"))
    # legal obligation: no erasure, no portability, no objection, no consent to withdraw
    assert "ask for a copy of the information we hold about you" in text
    assert "have inaccurate or incomplete information about you corrected" in text
    assert "ask us to limit how we use information about you" in text
    assert "ask us to delete information about you" not in text
    assert "in a form you can take elsewhere" not in text
    assert "withdraw your consent" not in text
    assert "object to our using information about you" not in text
    assert "information commissioner's office at https://ico.org.uk/concerns/" in text


# ------------------------------------------------------------------ PDF

def test_pdf_metadata(built):
    info = subprocess.run(["pdfinfo", str(built / "build" / "notices" / f"{SLUG}.pdf")],
                          capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^Title:\s+How we use looked after children's and safeguarding information", info, re.M)
    assert "595.276 x 841.89 pts (A4)" in info


def test_pdf_structure_tree(built):
    import pikepdf

    with pikepdf.open(built / "build" / "notices" / f"{SLUG}.pdf") as pdf:
        root = pdf.Root
        assert str(root.Lang) == "en-GB"
        assert bool(root.MarkInfo.Marked)
        assert bool(root.ViewerPreferences.DisplayDocTitle)
        metadata = pdf.open_metadata()
        assert metadata.get("pdfuaid:part") == "1"
        kinds = structure_kinds(root)
    assert kinds.get("/H1") == 1
    assert kinds.get("/H2", 0) >= 11
    assert kinds.get("/L", 0) >= 5 and kinds.get("/LI", 0) >= 30
    assert kinds.get("/Table") == 1 and kinds.get("/TH", 0) >= 2
    assert kinds.get("/Link", 0) >= 5


def test_pdf_page_furniture(built):
    text = pdf_text(built / "build" / "notices" / f"{SLUG}.pdf")
    pages = text.count("\f")
    assert pages >= 3
    for number in range(1, pages + 1):
        assert f"Page {number} of {pages}" in text
    assert text.count("Version 1.0 · 1 September 2026") == pages
    assert text.count("Moss Hey Primary School") >= pages


def test_rebuild_is_byte_identical(built, tmp_path):
    from noticegen.commands.build import build_project

    again = copy_example(tmp_path / "again")
    build_project(again)
    for relative in OUTPUTS + ["manifest.json"]:
        assert (again / "build" / relative).read_bytes() == (built / "build" / relative).read_bytes(), relative


# ------------------------------------------------------------------ ROPA

def test_ropa_csv(built):
    from noticegen.model.record import COLUMNS

    raw = (built / "build" / "records" / "ropa.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == COLUMNS + ["Controller (name, address and contact details)", "Establishment",
                                 "Data Protection Officer"]
    assert rows[0][:3] == ["Business function", "Purpose of processing",
                           "Name and contact details of joint controller (if applicable)"]
    assert len(rows) == 1 + ACTIVITY_COUNT  # header + one row per activity
    by_id = {row[COLUMNS.index("Activity id")]: dict(zip(COLUMNS, row)) for row in rows[1:]}
    safeguarding = by_id["safeguarding"]
    assert safeguarding["Business function"] == "Safeguarding"
    assert safeguarding["Purpose of processing"] == "To safeguard our students"
    assert "UK GDPR Article 6(1)(c)" in safeguarding["Article 6 lawful basis for processing personal data"]
    assert "Stockport Metropolitan Borough Council" in safeguarding["Categories of recipients"]
    assert "25 years from the date of birth, then reviewed" in safeguarding["Retention schedule (if possible)"]
    assert by_id["children-in-need-and-looked-after"]["Notices that cover it"] == SLUG


def test_ropa_xlsx_reads_back(built):
    from openpyxl import load_workbook

    from noticegen.model.record import COLUMNS, GROUPS

    workbook = load_workbook(built / "build" / "records" / "ropa.xlsx")
    sheet = workbook.active
    assert sheet["A1"].value.startswith("Record of processing activities – Moss Hey Primary School")
    labels = [sheet.cell(row=r, column=1).value for r in range(2, 8)]
    assert "Controller" in labels and "Data Protection Officer" in labels
    header_row = next(r for r in range(1, 20) if sheet.cell(row=r, column=1).value == "Business function")
    assert [sheet.cell(row=header_row, column=c).value for c in range(1, len(COLUMNS) + 1)] == COLUMNS
    assert sheet.cell(row=header_row - 1, column=1).value == GROUPS[0][0]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert any(m.startswith(f"A{header_row - 1}:") for m in merged)
    assert sheet.freeze_panes == f"B{header_row + 1}"
    assert sheet.auto_filter.ref.startswith(f"A{header_row}:")
    assert sheet.cell(row=header_row + 1, column=2).alignment.wrap_text
    values = [sheet.cell(row=header_row + i, column=1).value for i in range(1, ACTIVITY_COUNT + 1)]
    assert {"Pastoral care and welfare", "Safeguarding"} <= set(values)
    assert sheet.cell(row=header_row + ACTIVITY_COUNT + 1, column=1).value is None


def test_ropa_html_has_grouped_headings(built):
    page = (built / "build" / "records" / "ropa.html").read_text()
    from noticegen.model.record import GROUPS

    assert page.count('scope="colgroup"') == len(GROUPS)
    assert "Data Protection Officer" in page and "Moss Hey Primary School" in page


# ------------------------------------------------------------------ accessibility

def test_every_html_output_passes_axe(built, axe, tmp_path):
    pages = [built / "build" / p for p in OUTPUTS if p.endswith(".html") and "fragment" not in p
             and "statement" not in p]
    # The fragment is audited inside a minimal host page, as a CMS would show it.
    fragment = (built / "build" / "notices" / f"{SLUG}.fragment.html").read_text()
    host = tmp_path / "host.html"
    host.write_text('<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
                    "<title>School website</title></head><body><main><h1>Privacy</h1>"
                    f"{fragment}</main></body></html>", encoding="utf-8")
    # and so is the admission form's statement, as a form page would show it
    statement = (built / "build" / "forms" / "admissions-forms.statement.html").read_text()
    form_host = tmp_path / "form-host.html"
    form_host.write_text('<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
                         "<title>Admission form</title></head><body><main><h1>Admission form</h1>"
                         f"{statement}</main></body></html>", encoding="utf-8")
    failures = {}
    for page in pages + [host, form_host]:
        violations = axe(page)
        if violations:
            failures[page.name] = violations
    assert failures == {}


def test_xlsx_opens_in_libreoffice(built, tmp_path):
    """LibreOffice (headless) opens the workbook and reads every heading and row."""
    import os

    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but LibreOffice (soffice) is not installed; scripts/test installs it")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    from noticegen.model.record import COLUMNS

    completed = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
         "--convert-to", 'csv:Text - txt - csv (StarCalc):44,34,76', "--outdir", str(tmp_path),
         str(built / "build" / "records" / "ropa.xlsx")],
        capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    rows = list(csv.reader(io.StringIO((tmp_path / "ropa.csv").read_text(encoding="utf-8"))))
    assert rows[0][0] == "Record of processing activities – Moss Hey Primary School"
    header = next(i for i, row in enumerate(rows) if row[:1] == ["Business function"])
    assert rows[header][:len(COLUMNS)] == COLUMNS
    assert rows[header - 1][0] == "Article 30 record of processing activities"
    assert len([r for r in rows[header + 1:] if any(r)]) == ACTIVITY_COUNT


@pytest.mark.parametrize("output", [f"notices/{SLUG}.html", f"notices/{SLUG}.fragment.html",
                                    f"notices/{SLUG}.pdf", "records/ropa.html"])
def test_illustrative_values_are_marked_in_every_output(built, output):
    """The example's DPO, complaints route and policy document are not the school's:
    every output says so beside them (docs/example.md)."""
    path = built / "build" / output
    text = " ".join((pdf_text(path) if output.endswith(".pdf") else html_text(path)).split())
    assert text.count("(illustrative: not yet confirmed)") >= 3
    assert "dpo@example.org (illustrative: not yet confirmed)" in text


def test_pdfs_carry_their_notices_publication_date(built):
    info = subprocess.run(["pdfinfo", str(built / "build" / "notices" / f"{SLUG}.pdf")],
                          capture_output=True, text=True, check=True).stdout
    assert "CreationDate:    Tue Sep  1 00:00:00 2026 UTC" in info
    assert "ModDate:         Tue Sep  1 00:00:00 2026 UTC" in info


def test_a_build_with_nothing_to_do_says_so(tmp_path, run, monkeypatch):
    monkeypatch.setenv("NOTICEGEN_BUILD_KEY", "k")
    project = copy_example(tmp_path / "school")
    assert run("build", "--no-pdf", cwd=project).exit_code == 0
    again = run("build", "--no-pdf", cwd=project)
    assert again.exit_code == 0
    # the index, the ROPA's HTML, CSV, XLSX and linked data, the DPIA screening, the
    # appropriate policy document, the retention schedule's page, CSV and calendar, each
    # notice's page and fragment, and the forms' files that are not PDFs
    files = 10 + 2 * len(NOTICES) + len([o for o in OUTPUTS if o.startswith("forms/") and not o.endswith(".pdf")])
    assert again.output.splitlines()[-1] == f"nothing to do: build/ is up to date ({files} files)"


def test_a_preview_build_keeps_the_last_full_builds_pdfs(tmp_path, run):
    project = copy_example(tmp_path / "school")
    assert run("build", cwd=project).exit_code == 0
    pdf = project / "build" / "notices" / "pupils.pdf"
    before = pdf.read_bytes()
    notice = project / "notices" / "pupils.md"
    notice.write_text(notice.read_text().replace('version: "1.0"', 'version: "1.1"'))
    sources = project / "datamap" / "sources.yaml"  # the forms that cite it follow (form-notice-version)
    cited = 'notice: pupils\n      notice_version: "1.0"'
    assert sources.read_text().count(cited) == 2  # the admission form and the photographs' consent form
    sources.write_text(sources.read_text().replace(cited, cited.replace("1.0", "1.1")))
    result = run("build", "--no-pdf", cwd=project)
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes() == before
    assert "1.1" in (project / "build" / "notices" / "pupils.html").read_text()


def test_two_clones_in_different_folders_build_the_same_bytes(tmp_path, run, monkeypatch):
    """The manifest names nothing by absolute path, so a build/ restored into another
    workspace (a CI cache) matches, and is reused there under the same key."""
    monkeypatch.setenv("NOTICEGEN_BUILD_KEY", "k")
    first = copy_example(tmp_path / "one" / "school")
    second = copy_example(tmp_path / "elsewhere" / "deeper" / "school")
    for project in (first, second):
        assert run("build", "--no-pdf", cwd=project).exit_code == 0
    assert published(first / "build") == published(second / "build")
    shutil.rmtree(second / "build")
    shutil.copytree(first / "build", second / "build", symlinks=True)  # as a cache restores it
    again = run("build", "--no-pdf", cwd=second)
    assert again.output.splitlines()[-1].startswith("nothing to do")


def test_builds_in_processes_with_other_hash_seeds_give_the_same_bytes(tmp_path):
    """Same input, same bytes, across processes (set and dict order differ between them)."""
    import os
    import subprocess
    import sys

    from conftest import HASH_SEEDS

    code = ("import sys\nfrom pathlib import Path\nfrom noticegen.commands.build import build_project\n"
            "build_project(Path(sys.argv[1]), pdf=False)\n")
    folders = [copy_example(tmp_path / f"school{n}") for n in range(len(HASH_SEEDS))]
    for seed, folder in zip(HASH_SEEDS, folders):  # each copy built by a process of its own
        subprocess.run([sys.executable, "-c", code, str(folder)], check=True, timeout=300,
                       env=dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(REPOSITORY)))
    for relative in [o for o in OUTPUTS if not o.endswith(".pdf")] + ["manifest.json"]:
        contents = {(folder / "build" / relative).read_bytes() for folder in folders}
        assert len(contents) == 1, relative
