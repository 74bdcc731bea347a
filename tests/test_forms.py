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


def features(tmp_path: Path) -> Path:
    """A copy of tests/features to change, in ``tmp_path``."""
    return Path(shutil.copytree(FEATURES, tmp_path / "p"))


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
    project = features(tmp_path)
    sources = project / "datamap" / "sources.yaml"
    sources.write_text(sources.read_text().replace("      pupils_from_age: 13\n", ""))
    assert run("build", "--no-pdf", str(project)).exit_code == 0
    assert (project / "build" / "forms" / "club-consents.html").is_file()
    assert not (project / "build" / "forms" / "club-consents.pupils.html").exists()


def test_a_choice_a_spreadsheet_would_run_is_kept_as_text(tmp_path, run):
    project = features(tmp_path)
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
    project = features(tmp_path)
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

def _part(statement: str, label: str, following: str | None) -> str:
    """The part of a statement (as plain text) from one label to the next."""
    start = statement.index(label)
    return statement[start:statement.index(following, start) if following else None]


def test_a_statement_states_each_activity_that_collects_through_the_form(built):
    """Said once for the whole form, each thing names what it is about: the purposes under
    each activity's name, a basis or a requirement some activities share with the
    activities it is for, and every category, recipient and retention rule of each."""
    feeding = collecting(built, "forms")
    assert sorted(feeding) == ["clubs", "fundraising"]
    categories = {c["id"]: c for c in datamap(built, "categories.yaml")["categories"]}
    recipients = {r["id"]: r for r in datamap(built, "recipients.yaml")["recipients"]}
    retention = {r["id"]: r for r in datamap(built, "retention.yaml")["retention"]}
    fragment = (built / "build" / "forms" / "forms.statement.html").read_text()
    text = (built / "build" / "forms" / "forms.statement.txt").read_text()
    for statement in (plain(fragment), " ".join(text.split())):
        collected = _part(statement, "What we collect:", "Why:")
        why = _part(statement, "Why:", "Our lawful basis:")
        bases = _part(statement, "Our lawful basis:", "Who receives it:")
        receiving = _part(statement, "Who receives it:", "How long we keep it:")
        kept = _part(statement, "How long we keep it:", "Must you give it?")
        given = _part(statement, "Must you give it?", "Our full privacy notice")
        names = [english(a["name"]) for a in feeding.values()]
        assert [why.index(f"{name}:") for name in names] == sorted(why.index(f"{name}:") for name in names)
        for stem, activity in feeding.items():
            name = english(activity["name"])
            for ident in activity["categories"]:
                assert english(categories[ident]["name"]).lower() in collected.lower()
            own = why[why.index(f"{name}:"):]
            for purpose in activity["purposes"]:
                assert english(purpose) in own
            shared = [r["recipient"] for r in activity.get("recipients", [])] + \
                [s["processor"] for s in activity.get("systems", []) if isinstance(s, dict)]
            for ident in shared:
                assert recipients[ident]["name"] in receiving
            for ident in activity["retention"]:
                assert english(retention[ident]["name"]) in kept
            assert f"for {name.lower()}" in given.lower()
        # a basis only one activity relies on names it; the clubs' consent can be withdrawn
        assert "Consent (UK GDPR Article 6(1)(a)), for running clubs." in bases
        assert "Explicit consent (UK GDPR Article 9(2)(a)), for running clubs." in bases
        assert "Legitimate interests (UK GDPR Article 6(1)(f)), for fundraising." in bases
        assert "Membership records: 2 years from the end of membership, then securely disposed of." in kept
        clubs = given[given.index("For running clubs:"):given.index("For fundraising:")]
        assert "You can choose whether to give us this information." in clubs
        assert "You can withdraw your consent at any time by telling your club leader or emailing " \
               "requests@riverside.example." in clubs
        assert "withdraw" not in given[given.index("For fundraising:"):]
    assert "Our full privacy notice: How we use members' and supporters' information (version 1)." in plain(fragment)


def test_a_retention_rule_for_data_the_form_does_not_ask_for_is_left_out(tmp_path, run):
    """How long the form's own data is kept: a rule naming categories the form does not
    collect is not stated; a rule naming none covers everything the activity holds."""
    project = features(tmp_path)
    retention = project / "datamap" / "retention.yaml"
    data = yaml.safe_load(retention.read_text())
    rules = {r["id"]: r for r in data["retention"]}
    clubs = yaml.safe_load((project / "datamap" / "activities" / "clubs.yaml").read_text())
    assert clubs["retention"] == ["membership"] and "categories" not in rules["membership"]
    # a second rule for the clubs, about a category the form does not ask for
    data["retention"].append({"id": "club-medical", "name": "Medical notes for clubs",
                              "period": {"years": 1}, "trigger": "leaving-school",
                              "action": "deletion", "categories": ["medical"]})
    retention.write_text(yaml.safe_dump(data, sort_keys=False))
    activity = project / "datamap" / "activities" / "clubs.yaml"
    activity.write_text(activity.read_text().replace("retention: [membership]", "retention: [membership, club-medical]"))
    sources = project / "datamap" / "sources.yaml"
    sources.write_text(sources.read_text().replace('      reading_age: 17\n',
                                                   '      reading_age: 17\n      categories: [contact, donations]\n'))
    result = run("build", "--no-pdf", str(project))
    assert result.exit_code == 0, result.output
    text = " ".join((project / "build" / "forms" / "forms.statement.txt").read_text().split())
    assert "Membership records" in text and "Medical notes for clubs" not in text
    # asked for, the medical notes' rule is stated
    sources.write_text(sources.read_text().replace("categories: [contact, donations]", "categories: [contact, medical, donations]"))
    assert run("build", "--no-pdf", str(project)).exit_code == 0
    text = " ".join((project / "build" / "forms" / "forms.statement.txt").read_text().split())
    assert "Medical notes for clubs: 1 year" in text


def test_a_form_whose_activities_are_in_two_notices_points_to_both(built, tmp_path, run):
    """The club consent form asks for the clubs' consent (notice 'members') and the
    gallery's (notice 'gallery'): the form links each notice with the version it cites,
    and check holds each cited version to the notice's current one, at its own line."""
    page = (built / "build" / "forms" / "club-consents.html").read_text()
    assert "Our privacy notices say more about how we use this information and about your rights:" in page
    assert '<li><a href="../notices/members.html">How we use members&#39; and supporters&#39; information</a> (version 1)</li>' in page
    assert '<a href="../notices/gallery.html">' in page
    project = features(tmp_path)
    sources = project / "datamap" / "sources.yaml"
    text = sources.read_text()
    sources.write_text(text.replace('        - notice: gallery\n          notice_version: "1"',
                                    '        - notice: gallery\n          notice_version: "0.9"'))
    line = next(n for n, l in enumerate(sources.read_text().splitlines(), 1) if '"0.9"' in l)
    result = run("check", str(project))
    assert result.exit_code == 1
    assert f"sources.yaml:{line}:27: error[form-notice-version]: form 'club-consents' cites version 0.9 " \
           "of notice 'gallery', which is now version 1" in result.output
    # without the gallery's notice, the artwork's consent is asked with no notice to read
    sources.write_text(text.replace('      other_notices:\n        - notice: gallery\n          notice_version: "1"\n', ""))
    result = run("check", str(project))
    assert result.exit_code == 1
    assert "error[form-notice-missing]: form 'club-consents' collects for activity 'artwork-gallery'" in result.output
    assert "add notice 'gallery' under other_notices" in result.output


def test_the_plain_text_is_for_pasting_into_a_form_tool(built):
    text = (built / "build" / "forms" / "forms.statement.txt").read_text()
    assert "<" not in text and "&#" not in text and "](" not in text
    assert text.startswith("How we use the information on this form\n\n")
    assert ("- Why:\n  - Running clubs:\n    - Run clubs and trips for members.\n"
            "    - Share photographs of club events.\n  - Fundraising: Ask supporters for donations "
            "and thank them.\n- Our lawful basis:\n") in text
    assert "requests@riverside.example" in text
    assert "\n\n\n" not in text
    assert text.endswith("Our full privacy notice: How we use members' and supporters' information (version 1).\n")


def test_a_statement_states_only_the_categories_the_form_asks_for(tmp_path, run):
    project = features(tmp_path)
    sources = project / "datamap" / "sources.yaml"
    sources.write_text(sources.read_text().replace('      reading_age: 17\n', '      reading_age: 17\n      categories: [donations]\n'))
    assert run("build", "--no-pdf", str(project)).exit_code == 0
    text = (project / "build" / "forms" / "forms.statement.txt").read_text()
    # clubs holds no donation history: the form does not collect for it
    assert "Running clubs" not in text and "Fundraising" not in text  # one item: no heading
    assert "- What we collect: Donation history.\n" in text
    assert "- Why: Ask supporters for donations and thank them.\n" in text


def test_the_statement_links_the_published_notice_when_the_project_says_where(tmp_path, run):
    project = features(tmp_path)
    (project / "noticegen.yaml").write_text("publish_url: https://riverside.example/privacy\n")
    assert run("build", "--no-pdf", str(project)).exit_code == 0
    text = (project / "build" / "forms" / "forms.statement.txt").read_text()
    assert "(version 1): https://riverside.example/privacy/notices/members.html." in text


def test_a_consent_form_gets_no_statement_and_a_statement_no_form(built):
    names = sorted(p.name for p in (built / "build" / "forms").iterdir())
    assert names == ["club-consents.html", "club-consents.pdf", "club-consents.pupils.html",
                     "club-consents.pupils.pdf", "club-consents.record.csv",
                     "forms.statement-block.pdf", "forms.statement.html", "forms.statement.pdf",
                     "forms.statement.txt"]


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


def _words(path: Path) -> list[tuple[int, float, float, str]]:
    """Every word of a PDF: (page, top, bottom, word), in points from the top of its page,
    as poppler's pdftotext places it."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    found, page = [], 0
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        match = re.search(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*)</word>', line)
        if match:
            found.append((page, float(match[1]), float(match[2]), html.unescape(match[3])))
    return found


def _page_height(path: Path) -> float:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return float(re.search(r"^Page size:\s+[\d.]+ x ([\d.]+) pts", info, re.M)[1])


def test_the_printed_statement_sits_at_the_foot_of_an_a4_page(built):
    """statement.pdf lays over, or is printed onto, the last page of the school's own form:
    one A4 page, the statement ending at the bottom margin, the page above it empty."""
    path = built / "build" / "forms" / "forms.statement.pdf"
    words = _words(path)
    height = _page_height(path)
    assert height == pytest.approx(841.89) and {w[0] for w in words} == {1}
    heading = next(w for w in words if w[3] == "How")
    assert heading[1] == min(w[1] for w in words)  # nothing above the statement:
    assert heading[1] > height / 3                 # the form's own questions go there
    bottom = max(w[2] for w in words)
    assert height - 24 * 72 / 25.4 - 20 < bottom <= height - 24 * 72 / 25.4 + 1  # ends at the margin
    assert "Page" not in {w[3] for w in words}  # no page furniture of its own on the school's form


def test_the_statement_block_is_as_tall_as_the_statement(built):
    """statement-block.pdf: one page of A4's width and the statement's own height, to
    place in a form made in a word processor; tagged like every PDF."""
    import pikepdf

    foot = _words(built / "build" / "forms" / "forms.statement.pdf")
    path = built / "build" / "forms" / "forms.statement-block.pdf"
    words = _words(path)
    height = _page_height(path)
    assert {w[0] for w in words} == {1} and [w[3] for w in words] == [w[3] for w in foot]
    extent = max(w[2] for w in words) - min(w[1] for w in words)
    assert extent < height < extent + 30 * 72 / 25.4  # its own height, and little more
    assert height < 841.89 / 2
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M) and "595.276 x" in info
    with pikepdf.open(path) as pdf:
        assert pdf.open_metadata().get("pdfuaid:part") == "1"


def test_a_statement_longer_than_a_page_runs_from_the_top(tmp_path, run):
    """A statement too long for the foot of a page cannot be placed there: it runs over
    pages from the top, in both PDFs, and nothing is cut off."""
    project = features(tmp_path)
    fundraising = project / "datamap" / "activities" / "fundraising.yaml"
    data = yaml.safe_load(fundraising.read_text())
    data["purposes"] += [f"Keep supporters told of our work, item {n}, in every newsletter and letter we send"
                         for n in range(1, 60)]
    fundraising.write_text(yaml.safe_dump(data, sort_keys=False))
    sources = project / "datamap" / "sources.yaml"
    sources.write_text(sources.read_text().replace("max_words: 400", "max_words: 5000"))
    result = run("build", str(project))
    assert result.exit_code == 0, result.output
    for name in ("forms.statement.pdf", "forms.statement-block.pdf"):
        path = project / "build" / "forms" / name
        words = _words(path)
        assert max(w[0] for w in words) > 1, name
        assert next(w for w in words if w[3] == "How")[1] < 841.89 / 4, name
        assert "item 59," in " ".join(w[3] for w in words), name


def test_the_form_pdfs_are_the_same_bytes_from_another_process(built, tmp_path):
    """Laid out twice (measured, then placed), a statement's PDFs are still the same
    input, the same bytes, in a process with another hash seed."""
    import os
    import sys

    from conftest import HASH_SEEDS, REPOSITORY

    project = features(tmp_path)
    subprocess.run([sys.executable, "-m", "noticegen", "build", str(project)], check=True, timeout=600,
                   capture_output=True, env=dict(os.environ, PYTHONHASHSEED=HASH_SEEDS[-1],
                                                 PYTHONPATH=str(REPOSITORY)))
    names = sorted(p.name for p in (built / "build" / "forms").glob("*.pdf"))
    assert "forms.statement-block.pdf" in names and "forms.statement.pdf" in names
    for name in names:
        assert (project / "build" / "forms" / name).read_bytes() == \
            (built / "build" / "forms" / name).read_bytes(), name


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
    project = features(tmp_path)
    (project / "noticegen.yaml").write_text("example: true\n")
    assert run("build", str(project)).exit_code == 0
    forms = project / "build" / "forms"
    banner = "Example — not Riverside Young People's Trust's published privacy notice."
    for name in ("club-consents.html", "club-consents.pupils.html", "forms.statement.html"):
        assert banner in html.unescape((forms / name).read_text()), name
        assert '<meta name="robots" content="noindex, nofollow">' in (forms / name).read_text() \
            or name.endswith("statement.html")
    assert (forms / "forms.statement.txt").read_text().startswith(banner)
    for name in ("club-consents.pdf", "forms.statement.pdf", "forms.statement-block.pdf"):
        assert "EXAMPLE — not Riverside Young People's Trust's published notice" in pdf_text(forms / name)
    # the consent record: its columns as ever, then a row saying it is an example
    rows = list(csv.reader(io.StringIO((forms / "club-consents.record.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["Who gave consent", "When (date)", "Form version"] and len(rows) == 2
    assert rows[1] == ["Example — not Riverside Young People's Trust's record of consent: delete this row "
                       "before use."] + [""] * (len(rows[0]) - 1)


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
    assert "  - Ffotograffau'r ysgol: Dathlu gwaith disgyblion ar ein gwefan.\n" in statement
    assert "  - Cydsyniad (Erthygl 6(1)(a) GDPR y DU), ar gyfer ffotograffau'r ysgol.\n" in statement
    assert (forms / "photo-consent.cy.record.csv").read_text(encoding="utf-8-sig") == \
        '"Pwy roddodd gydsyniad","Pryd (dyddiad)","Fersiwn y ffurflen","dathlu gwaith disgyblion ar ein gwefan"\n'
    # the Welsh form's own notice is the Welsh one (its date is the PDF's)
    from noticegen.load import project as load_project
    from noticegen.model.consent import form_view
    from noticegen.rules.check import check

    model = check(load_project(project), renderer=None).model
    assert form_view(model, "photo-consent", "cy").notice.slug == "pupils.cy"
    assert form_view(model, "photo-consent").notice.slug == "pupils"


def test_a_new_notice_version_fails_the_check_until_the_form_is_updated(tmp_path, run):
    project = features(tmp_path)
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
    project = features(tmp_path)
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
