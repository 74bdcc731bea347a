"""A data-map text's wording for children ({en: …, children: …}): the notice for children
shows it, the adult notice keeps the text written for everyone, a Welsh notice for
children takes the Welsh wording, a retention rule's note (for staff) never reaches a
notice for children; and the unfamiliar-words check, with its easy-word list."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from conftest import CASES, build_case
from noticegen.text import i18n, words

WELSH = Path(__file__).resolve().parent / "welsh"
SECTIONS = ("purposes", "categories", "lawful-basis", "collecting", "storing", "recipients",
            "rights", "complaints", "contact")


def plain(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _children_notice(project: Path, slug: str = "for-pupils", extra: str = "") -> None:
    (project / "notices" / f"{slug}.md").write_text(
        "---\ntitle: Your information\nreader: children\n" + extra
        + "activities: [admissions]\nversion: \"1\"\nsections:\n"
        + "".join(f"  - {s}\n" for s in SECTIONS)
        + "---\n<!-- section: purposes -->\nWe use it to help you.\n", encoding="utf-8")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def project(tmp_path) -> Path:
    """The base case with a notice for children beside its adult notice, the category's
    name and the purpose given a wording for children, and a note on the retention rule."""
    project = build_case(CASES / "good" / "warning-only", tmp_path / "p")
    _children_notice(project)
    datamap = project / "datamap"
    _replace(datamap / "categories.yaml", "name: Medical information",
             "name: {en: Medical information, children: Your health}")
    _replace(datamap / "activities" / "admissions.yaml", "  - to admit pupils\n",
             "  - en: to admit pupils\n    children: to let you join the school\n")
    _replace(datamap / "retention.yaml", "    action: transfer\n",
             "    action: transfer\n    note: Staff - check the transfer log before the file leaves.\n")
    return project


def test_children_wording_reaches_the_children_notice_only(project, run):
    result = run("build", "--no-pdf", cwd=project)
    assert result.exit_code == 0, result.output
    children = plain((project / "build" / "notices" / "for-pupils.html").read_text(encoding="utf-8"))
    adults = plain((project / "build" / "notices" / "pupils.html").read_text(encoding="utf-8"))
    assert "Your health" in children and "Medical information" not in children
    assert "to let you join the school" in children and "to admit pupils" not in children
    assert "Medical information" in adults and "Your health" not in adults
    assert "to admit pupils" in adults and "to let you join the school" not in adults
    # the ROPA is the school's record: the text written for everyone
    ropa = plain((project / "build" / "records" / "ropa.html").read_text(encoding="utf-8"))
    assert "Medical information" in ropa and "Your health" not in ropa


def test_a_retention_note_never_reaches_a_notice_for_children(project, run):
    result = run("build", "--no-pdf", cwd=project)
    assert result.exit_code == 0, result.output
    note = "check the transfer log before the file leaves"
    assert note in plain((project / "build" / "notices" / "pupils.html").read_text(encoding="utf-8"))
    page = (project / "build" / "notices" / "for-pupils.html").read_text(encoding="utf-8")
    assert note not in plain(page) and "retention-note" not in page


def test_a_value_must_keep_its_text_for_everyone(project, run):
    _replace(project / "datamap" / "sources.yaml", "name: admissions forms",
             "name: {children: the form your family filled in}")
    result = run("check", cwd=project)
    assert result.exit_code == 1
    assert "datamap/sources.yaml:3:" in result.output and "error[schema]" in result.output
    _replace(project / "datamap" / "sources.yaml", "name: {children: the form your family filled in}",
             "name: {en: admissions forms, kids: the form your family filled in}")
    result = run("check", cwd=project)
    assert ("'kids' is not a language tag: write the text's language as en, cy, en-GB … (or "
            "children: for the wording a notice for children shows)") in result.output


def test_choosing_the_wording_for_children():
    value = {"en": "Medical information", "cy": "Gwybodaeth feddygol",
             "children": {"en": "Your health", "cy": "Dy iechyd"}}
    assert i18n.choose(value, "en-GB") == "Medical information"
    assert i18n.choose(value, "en-GB", children=True, home="en-GB") == "Your health"
    assert i18n.choose(value, "cy", children=True, home="en-GB") == "Dy iechyd"
    assert i18n.choose(value, "cy") == "Gwybodaeth feddygol"
    # a plain wording for children is in the project's language: a Welsh notice for
    # children shows the Welsh text written for everyone, never the English wording
    plain_wording = {"en": "Contact details", "cy": "Manylion cyswllt", "children": "How to reach you"}
    assert i18n.choose(plain_wording, "en-GB", True, "en-GB") == "How to reach you"
    assert i18n.choose(plain_wording, "cy", True, "en-GB") == "Manylion cyswllt"
    assert i18n.choose(plain_wording, "cy", True, "cy") == "How to reach you"
    assert i18n.all_texts(value) == ["Medical information", "Gwybodaeth feddygol", "Your health", "Dy iechyd"]
    assert i18n.is_translated(value) and not i18n.is_translated({"children": "Your health"})
    assert not i18n.is_translated({"en": "x", "children": {"welsh": "y"}})


def test_a_welsh_notice_for_children_shows_the_welsh_wording_for_children(tmp_path, run):
    project = Path(shutil.copytree(WELSH, tmp_path / "project"))
    for name in ("pupils.md", "pupils.cy.md"):
        _replace(project / "notices" / name, "version:", "reader: children\nversion:")
    _replace(project / "datamap" / "categories.yaml", "name: {en: Medical information, cy: Gwybodaeth feddygol}",
             "name: {en: Medical information, cy: Gwybodaeth feddygol, "
             "children: {en: Your health, cy: Dy iechyd}}")
    _replace(project / "datamap" / "categories.yaml", "name: {en: Contact details, cy: Manylion cyswllt}",
             "name: {en: Contact details, cy: Manylion cyswllt, children: How to reach you}")
    result = run("build", "--no-pdf", cwd=project)
    assert result.exit_code == 0, result.output
    welsh = plain((project / "build" / "notices" / "pupils.cy.html").read_text(encoding="utf-8"))
    english = plain((project / "build" / "notices" / "pupils.html").read_text(encoding="utf-8"))
    assert "Dy iechyd" in welsh and "Gwybodaeth feddygol" not in welsh and "Your health" not in welsh
    assert "Manylion cyswllt" in welsh and "How to reach you" not in welsh
    assert "Your health" in english and "How to reach you" in english
    # the word check is for English notices: it reports the English one only
    check = run("check", cwd=project).output
    assert "pupils.cy" not in " ".join(l for l in check.splitlines() if "[unfamiliar-words]" in l)


def test_untranslated_names_only_the_languages_beside_a_wording_for_children(tmp_path, run):
    project = Path(shutil.copytree(WELSH, tmp_path / "project"))
    _replace(project / "datamap" / "categories.yaml", "name: {en: Attendance, cy: Presenoldeb}",
             "name: {en: Attendance, children: When you are at school}")
    result = run("check", cwd=project)
    assert ("error[untranslated]: this text has no 'cy' version, but notice 'pupils.cy' is in "
            "'cy': add cy: … beside en\n") in result.output


# ------------------------------------------------------------------ the word check


def test_unfamiliar_words_reports_each_text_at_its_place(project, run):
    lines = [l for l in run("check", cwd=project).output.splitlines() if "[unfamiliar-words]" in l]
    by_place = {line.split(": warning")[0]: line for line in lines}
    # the category's wording for children is checked, not its text for everyone
    assert not any(place.startswith("datamap/categories.yaml:7:") for place in by_place)
    # the other category has none: reported at its name, naming the words and the fix
    line = by_place["datamap/categories.yaml:3:11"]
    assert ("notice 'for-pupils' for children shows the name of category 'contact-details', "
            "\"Contact details\", with words a child may not know: 'Contact', 'details'. To fix, "
            "give it a wording for children: en: …, children: …") in line
    # the retention rule's note is not shown to children, so not checked
    assert not any(place.startswith("datamap/retention.yaml:8:") for place in by_place)


def test_familiar_words_and_the_school_name_are_known(project, run):
    before = run("check", cwd=project).output
    assert "'Testshire'" in before  # the council's name: not the school's
    assert "'Test'" not in before  # the school's own name is known
    (project / "noticegen.yaml").write_text("familiar_words: [Testshire, contact details]\n")
    after = run("check", cwd=project).output
    assert "'Testshire'" not in after and "'Contact'" not in after


def test_the_easy_word_list_is_textstats():
    textstat = pytest.importorskip("textstat")
    theirs = Path(textstat.__file__).parent / "resources" / "en" / "easy_words.txt"
    assert words.easy_words() == {w.strip().lower() for w in theirs.read_text().splitlines() if w.strip()}
    assert len(words.easy_words()) == 2941


@pytest.mark.parametrize("word", ["pupils", "carried", "making", "stopped", "bigger", "happily",
                                  "pupil's", "families", "colour", "centre", "Teachers", "used"])
def test_inflections_and_british_spellings_are_familiar(word):
    assert words.familiar(word)


def test_unfamiliar_words_of_a_text():
    assert words.unfamiliar("Pupil identifiers") == ["identifiers"]
    assert words.unfamiliar("statutory data collections") == ["statutory", "data", "collections"]
    assert words.unfamiliar("See [our rules](https://example.org/data) or write to a@b.example") == []
    assert words.unfamiliar("SENCO and the SENCO", frozenset({"senco"})) == []


def test_a_hard_wording_for_children_is_measured_and_placed(project, run):
    """The reading-age check measures the wording the notice for children shows, and
    names where it is written."""
    _replace(project / "datamap" / "activities" / "admissions.yaml",
             "    children: to let you join the school\n",
             "    children: notwithstanding the foregoing, determine the applicability of statutory "
             "exemptions and their proportionality\n")
    lines = [l for l in run("check", cwd=project).output.splitlines() if "[reading-age]" in l]
    assert len(lines) == 1, lines
    assert "from datamap/activities/admissions.yaml:4:15" in lines[0]
