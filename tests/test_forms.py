"""Consent forms and collection statements, read back from what a build writes.

tests/features declares a consent form that groups two activities (the DPO's choice),
with a version for members old enough to decide for themselves, and a membership form
that feeds two activities, with its collection statement. These tests read the data
map's YAML on their own and hold every output to it: each form's choices one to one
with the consent purposes (page, PDF and consent record alike), the way to withdraw,
and each statement's items against the activities that collect through the form.
"""

from __future__ import annotations

import csv
import html
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

FEATURES = Path(__file__).resolve().parent / "features"
CONSENT_BASES = {"art6-1-a", "art9-2-a"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    from noticegen.cli import main

    project = tmp_path_factory.mktemp("forms") / "project"
    shutil.copytree(FEATURES, project)
    result = CliRunner().invoke(main, ["check", "--strict", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["build", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "2 forms" in result.output
    return project


def datamap(project: Path, name: str):
    return yaml.safe_load((project / "datamap" / name).read_text(encoding="utf-8"))


def activities(project: Path) -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted((project / "datamap" / "activities").glob("*.yaml"))}


def english(value, children: bool = False) -> str:
    if isinstance(value, dict):
        return value.get("children") if children and "children" in value else value["en"]
    return value


def relies_on_consent(activity: dict) -> bool:
    basis = activity["lawful_basis"]
    return bool(CONSENT_BASES & set(basis["article_6"] + basis.get("article_9", [])))


def collecting(project: Path, source: str) -> dict[str, dict]:
    return {stem: a for stem, a in activities(project).items() if source in a.get("sources", [])}


_INLINE = re.compile(r"</?(a|em|strong|span|cite|code)\b[^>]*>")


def plain(markup: str) -> str:
    """Markup as plain text: inline tags vanish, block tags become spaces."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", _INLINE.sub("", markup))).split())


def labels(page: str) -> list[str]:
    """Each checkbox of a form page with the words of its label, unticked or not."""
    found = []
    for box, key, words in re.findall(r'(<input type="checkbox"[^>]*id="([^"]+)"[^>]*>)\s*'
                                      r'<label for="\2">(.*?)</label>', page, re.S):
        found.append((plain(words), "checked" in box))
    return found


def pdf_text(path: Path) -> str:
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


# -- consent forms -------------------------------------------------------------------

def expected_purposes(project: Path, form: str, children: bool = False) -> list[str]:
    return [english(p, children) for stem, a in collecting(project, form).items() if relies_on_consent(a)
            for p in a["purposes"]]


def test_a_form_groups_the_activities_the_dpo_gives_it(built):
    grouped = collecting(built, "club-consents")
    assert sorted(grouped) == ["artwork-gallery", "clubs"]
    page = (built / "build" / "forms" / "club-consents.html").read_text()
    for stem in grouped:
        assert f'id="choice-{stem}-1"' in page


def test_each_choice_is_one_unticked_purpose(built):
    page = (built / "build" / "forms" / "club-consents.html").read_text()
    found = labels(page)
    assert [words for words, _ in found] == [f"Yes, I agree: {p}" for p in expected_purposes(built, "club-consents")]
    assert not any(ticked for _, ticked in found)
    assert len(found) == 4


def test_the_printed_form_has_the_same_choices(built):
    text = pdf_text(built / "build" / "forms" / "club-consents.pdf")
    for purpose in expected_purposes(built, "club-consents"):
        assert text.count(f"Yes, I agree: {purpose}") == 1, purpose


def test_the_consent_record_has_exactly_the_forms_choices(built):
    data = (built / "build" / "forms" / "club-consents.record.csv").read_bytes()
    assert data.startswith("\ufeff".encode()) and data.endswith(b"\r\n")  # as the ROPA's CSV, for Excel
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["Who gave consent", "When (date)", "Form version"]
                    + expected_purposes(built, "club-consents")]


def test_the_form_says_how_to_withdraw_and_with_whom(built):
    page = (built / "build" / "forms" / "club-consents.html").read_text()
    section = plain(page[page.index('id="withdraw"'):page.index('id="more"')])
    assert ("Running clubs: You can withdraw your consent at any time by telling your club leader or "
            "emailing requests@riverside.example.") in section
    assert ("Online gallery of members' artwork: You can withdraw your consent at any time by telling "
            "your club leader or emailing gallery@riverside.example.") in section
    assert 'href="mailto:gallery@riverside.example"' in page
    assert "Priya Shah" in section and "dpo@riverside.example" in section


def test_the_form_says_what_each_use_involves(built):
    page = plain((built / "build" / "forms" / "club-consents.html").read_text())
    assert "What we use Artwork and contact details" in page
    assert "What we use Contact details, photographs, medical information and homework scores" in page
    assert "Who receives it Example Homework Inc and Example Bookings Ltd" in page
    assert "How long we keep it While the member agrees, then deleted." in page
    assert "Our lawful basis Consent (UK GDPR Article 6(1)(a)); explicit consent (UK GDPR Article 9(2)(a))" in page


def test_the_form_links_its_notice_and_version(built):
    notice = (built / "notices" / "members.md").read_text()
    version = re.search(r'^version: "([^"]+)"', notice, re.M)[1]
    page = (built / "build" / "forms" / "club-consents.html").read_text()
    assert f'<a href="../notices/members.html">How we use members&#39; and supporters&#39; information</a> (version {version})' in page
    assert (built / "build" / "notices" / "members.html").is_file()
    assert "Form version 2" in plain(page)


def test_pupils_old_enough_get_their_own_version_in_the_childrens_wording(built):
    age = datamap(built, "sources.yaml")["sources"][1]["form"]["pupils_from_age"]
    assert age == 13
    page = (built / "build" / "forms" / "club-consents.pupils.html").read_text()
    found = [words for words, _ in labels(page)]
    assert found == [f"Yes, you can: {p}" for p in expected_purposes(built, "club-consents", children=True)]
    assert "Yes, you can: Put your art in our online gallery" in found
    text = plain(page)
    assert "This form is for pupils aged 13 and over. You can decide for yourself." in text
    assert "<h1>Clubs, photos and the gallery – for pupils</h1>" in page
    assert ("You can change your mind at any time by telling your club leader or emailing "
            "gallery@riverside.example.") in text
    assert "Our lawful basis" not in text  # no Article numbers for children
    # and the parents' version says the pupils decide for themselves
    assert "Pupils aged 13 and over decide for themselves" in plain(
        (built / "build" / "forms" / "club-consents.html").read_text())


def test_no_pupils_version_without_an_age(tmp_path, run):
    project = tmp_path / "p"
    shutil.copytree(FEATURES, project)
    sources = project / "datamap" / "sources.yaml"
    sources.write_text(sources.read_text().replace("      pupils_from_age: 13\n", ""))
    assert run("build", "--no-pdf", str(project)).exit_code == 0
    assert (project / "build" / "forms" / "club-consents.html").is_file()
    assert not (project / "build" / "forms" / "club-consents.pupils.html").exists()


def test_a_choice_a_spreadsheet_would_run_is_kept_as_text(tmp_path, run):
    project = tmp_path / "p"
    shutil.copytree(FEATURES, project)
    sources = project / "datamap" / "sources.yaml"
    sources.write_text(sources.read_text().replace("      pupils_from_age: 13\n", """      choices:
        - {activity: clubs, purposes: [1], text: '=HYPERLINK("https://evil.example")'}
        - {activity: clubs, purposes: [2]}
        - {activity: artwork-gallery, purposes: [1]}
        - {activity: artwork-gallery, purposes: [2]}
"""))
    assert run("build", "--no-pdf", str(project)).exit_code == 0
    header = next(csv.reader(io.StringIO((project / "build" / "forms" / "club-consents.record.csv")
                                         .read_text(encoding="utf-8-sig"))))
    assert header[3] == '\'=HYPERLINK("https://evil.example")'
    page = (project / "build" / "forms" / "club-consents.html").read_text()
    assert "Yes, I agree: =HYPERLINK(&#34;https://evil.example&#34;)" in page


def test_declared_choices_keep_their_order_and_words(tmp_path, run):
    project = tmp_path / "p"
    shutil.copytree(FEATURES, project)
    sources = project / "datamap" / "sources.yaml"
    sources.write_text(sources.read_text().replace("      pupils_from_age: 13\n", """      choices:
        - {activity: clubs, purposes: [2], text: Photographs of club events shared with members}
        - {activity: clubs, purposes: [1]}
        - {activity: artwork-gallery, purposes: [1]}
        - {activity: artwork-gallery, purposes: [2]}
"""))
    assert run("build", "--no-pdf", str(project)).exit_code == 0
    page = (project / "build" / "forms" / "club-consents.html").read_text()
    assert [w for w, _ in labels(page)] == [
        "Yes, I agree: Photographs of club events shared with members", "Yes, I agree: Run clubs and trips for members",
        "Yes, I agree: Show members' artwork in our online gallery",
        "Yes, I agree: Print members' first names beside their artwork in the gallery"]
    header = next(csv.reader(io.StringIO((project / "build" / "forms" / "club-consents.record.csv")
                                         .read_text(encoding="utf-8-sig"))))
    assert header[3] == "Photographs of club events shared with members"


# -- collection statements -----------------------------------------------------------

def test_a_statement_states_each_activity_that_collects_through_the_form(built):
    feeding = collecting(built, "forms")
    assert sorted(feeding) == ["clubs", "fundraising"]
    categories = {c["id"]: c for c in datamap(built, "categories.yaml")["categories"]}
    recipients = {r["id"]: r for r in datamap(built, "recipients.yaml")["recipients"]}
    fragment = (built / "build" / "forms" / "forms.statement.html").read_text()
    text = (built / "build" / "forms" / "forms.statement.txt").read_text()
    headings = re.findall(r"<h3>(.*?)</h3>", fragment)
    assert [html.unescape(h) for h in headings] == [english(a["name"]) for a in feeding.values()]
    for stem, activity in feeding.items():
        item = plain(fragment[fragment.index(f"<h3>{html.escape(english(activity['name']), quote=True)}"):])
        names = [english(categories[c]["name"]) for c in activity["categories"]]
        assert f"What we collect: {names[0]}" in item
        for name in names:
            assert name.lower() in item.lower()
            assert name.lower() in text.lower()
        for purpose in activity["purposes"]:
            assert english(purpose) in item and english(purpose) in text
        shared = [s["recipient"] for s in activity.get("recipients", [])] + \
            [s["processor"] for s in activity.get("systems", []) if isinstance(s, dict)]
        for ident in shared:
            assert recipients[ident]["name"] in item
    clubs = plain(fragment[fragment.index("<h3>Running clubs"):fragment.index("<h3>Fundraising")])
    assert "Our lawful basis: Consent (UK GDPR Article 6(1)(a)); explicit consent (UK GDPR Article 9(2)(a))." in clubs
    assert "Must you give it? You can choose whether to give us this information." in clubs
    assert "You can withdraw your consent at any time by telling your club leader or emailing requests@riverside.example." in clubs
    assert "How long we keep it: 2 years from the end of membership, then securely disposed of." in clubs
    fundraising = plain(fragment[fragment.index("<h3>Fundraising"):])
    assert "Our lawful basis: Legitimate interests (UK GDPR Article 6(1)(f))." in fundraising
    assert "withdraw" not in fundraising
    assert "Our full privacy notice: How we use members' and supporters' information (version 1)." in plain(fragment)


def test_the_plain_text_is_for_pasting_into_a_form_tool(built):
    text = (built / "build" / "forms" / "forms.statement.txt").read_text()
    assert "<" not in text and "&#" not in text and "](" not in text
    assert text.startswith("How we use the information on this form\n\n")
    assert "- Why:\n  - Run clubs and trips for members.\n  - Share photographs of club events.\n" in text
    assert "requests@riverside.example" in text
    assert "\n\n\n" not in text
    assert text.endswith("Our full privacy notice: How we use members' and supporters' information (version 1).\n")


def test_a_statement_states_only_the_categories_the_form_asks_for(tmp_path, run):
    project = tmp_path / "p"
    shutil.copytree(FEATURES, project)
    sources = project / "datamap" / "sources.yaml"
    sources.write_text(sources.read_text().replace('      reading_age: 17\n', '      reading_age: 17\n      categories: [donations]\n'))
    assert run("build", "--no-pdf", str(project)).exit_code == 0
    text = (project / "build" / "forms" / "forms.statement.txt").read_text()
    # clubs holds no donation history: the form does not collect for it
    assert "Running clubs" not in text and "Fundraising" not in text  # one item: no heading
    assert "- What we collect: Donation history.\n" in text
    assert "- Why: Ask supporters for donations and thank them.\n" in text


def test_the_statement_links_the_published_notice_when_the_project_says_where(tmp_path, run):
    project = tmp_path / "p"
    shutil.copytree(FEATURES, project)
    (project / "noticegen.yaml").write_text("publish_url: https://riverside.example/privacy\n")
    assert run("build", "--no-pdf", str(project)).exit_code == 0
    text = (project / "build" / "forms" / "forms.statement.txt").read_text()
    assert "(version 1): https://riverside.example/privacy/notices/members.html." in text


def test_a_consent_form_gets_no_statement_and_a_statement_no_form(built):
    names = sorted(p.name for p in (built / "build" / "forms").iterdir())
    assert names == ["club-consents.html", "club-consents.pdf", "club-consents.pupils.html",
                     "club-consents.pupils.pdf", "club-consents.record.csv",
                     "forms.statement.html", "forms.statement.pdf", "forms.statement.txt"]


def test_the_index_links_every_form_output(built):
    index = (built / "build" / "index.html").read_text()
    for path in sorted((built / "build" / "forms").iterdir()):
        assert f'href="forms/{path.name}"' in index, path.name


# -- PDFs ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["club-consents.pdf", "club-consents.pupils.pdf", "forms.statement.pdf"])
def test_form_pdfs_are_tagged(built, name):
    import pikepdf

    path = built / "build" / "forms" / name
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert "595.276 x 841.89 pts (A4)" in info
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
        assert pdf.open_metadata().get("pdfuaid:part") == "1"
        assert "/StructTreeRoot" in pdf.Root


def test_the_printed_form_has_boxes_and_lines_to_fill_in(built):
    text = pdf_text(built / "build" / "forms" / "club-consents.pdf")
    for label in ("Name of the person this consent is about", "Your name", "Signature", "Date",
                  "Form version 2", "Page 1 of"):
        assert label in text, label


# -- everything else a build promises -----------------------------------------------

def test_forms_are_accessible(built, axe, tmp_path):
    fragment = (built / "build" / "forms" / "forms.statement.html").read_text()
    host = tmp_path / "host.html"
    host.write_text('<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
                    "<title>Membership form</title></head><body><main><h1>Join us</h1>"
                    f"{fragment}</main></body></html>", encoding="utf-8")
    failures = {}
    for page in [built / "build" / "forms" / "club-consents.html",
                 built / "build" / "forms" / "club-consents.pupils.html", built / "build" / "index.html", host]:
        violations = axe(page)
        if violations:
            failures[page.name] = violations
    assert failures == {}


def test_an_example_project_says_so_on_every_form_output(tmp_path, run):
    project = tmp_path / "p"
    shutil.copytree(FEATURES, project)
    (project / "noticegen.yaml").write_text("example: true\n")
    assert run("build", str(project)).exit_code == 0
    forms = project / "build" / "forms"
    banner = "Example — not Riverside Young People's Trust's published privacy notice."
    for name in ("club-consents.html", "club-consents.pupils.html", "forms.statement.html"):
        assert banner in html.unescape((forms / name).read_text()), name
        assert '<meta name="robots" content="noindex, nofollow">' in (forms / name).read_text() \
            or name.endswith("statement.html")
    assert (forms / "forms.statement.txt").read_text().startswith(banner)
    for name in ("club-consents.pdf", "forms.statement.pdf"):
        assert "EXAMPLE — not Riverside Young People's Trust's published notice" in pdf_text(forms / name)


def test_forms_follow_their_notice_into_welsh(tmp_path, run):
    """tests/welsh publishes its notice in English and Welsh: each form is made in both,
    the Welsh one in noticegen's Welsh and the data map's cy texts, linking the Welsh notice."""
    project = tmp_path / "p"
    shutil.copytree(Path(__file__).resolve().parent / "welsh", project)
    result = run("build", "--no-pdf", str(project))
    assert result.exit_code == 0, result.output
    forms = project / "build" / "forms"
    page = (forms / "photo-consent.cy.html").read_text()
    assert '<html lang="cy">' in page
    assert [w for w, _ in labels(page)] == ["Ydw, rwy'n cytuno: dathlu gwaith disgyblion ar ein gwefan"]
    assert "<h1>Ffotograffau o&#39;ch plentyn</h1>" in page and "Eich dewisiadau" in page
    assert '<a href="../notices/pupils.cy.html">Sut rydym yn defnyddio gwybodaeth am ddisgyblion</a> (fersiwn 1.0)' in page
    assert "Gallwch dynnu eich cydsyniad yn ôl ar unrhyw adeg drwy anfon e-bost at" in plain(page)
    assert [w for w, _ in labels((forms / "photo-consent.html").read_text())] == [
        "Yes, I agree: to celebrate pupils' work on our website"]
    statement = (forms / "admissions-forms.cy.statement.txt").read_text()
    assert statement.startswith("Sut rydym yn defnyddio'r wybodaeth ar y ffurflen hon\n")
    assert "- Pam: Dathlu gwaith disgyblion ar ein gwefan." in statement
    assert (forms / "photo-consent.cy.record.csv").read_text(encoding="utf-8-sig") == \
        '"Pwy roddodd gydsyniad","Pryd (dyddiad)","Fersiwn y ffurflen","dathlu gwaith disgyblion ar ein gwefan"\n'


def test_a_new_notice_version_fails_the_check_until_the_form_is_updated(tmp_path, run):
    project = tmp_path / "p"
    shutil.copytree(FEATURES, project)
    notice = project / "notices" / "members.md"
    notice.write_text(notice.read_text().replace('version: "1"', 'version: "2"'))
    result = run("check", str(project))
    assert result.exit_code == 1
    assert result.output.count("error[form-notice-version]") == 2
    assert "datamap/sources.yaml:" in result.output
    result = run("build", str(project))
    assert result.exit_code == 1 and not (project / "build" / "forms").exists()


@pytest.mark.parametrize("form", ["true", "{kind: signed}", "{version: 1, notice: members, notice_version: '1'}",
                                  "{version: '1', notice: ../../etc, notice_version: '1'}"])
def test_a_malformed_form_is_refused_at_its_place(tmp_path, run, form):
    project = tmp_path / "p"
    shutil.copytree(FEATURES, project)
    sources = project / "datamap" / "sources.yaml"
    sources.write_text(sources.read_text().replace("  - id: volunteer-applications\n",
                                                   f"  - id: trip-forms\n    name: trip forms\n    form: {form}\n"
                                                   "  - id: volunteer-applications\n"))
    for command in ("check", "build"):
        result = run(command, str(project))
        assert result.exit_code == 1, result.output
        assert "error[schema]" in result.output
        assert "internal error" not in result.output
    assert not (project / "build").exists()
