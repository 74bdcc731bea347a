"""Notices in Welsh: the message catalogue, translated data-map values, and a project that
publishes one notice in English and in Welsh (tests/welsh).

The English words noticegen writes come from the catalogue itself (noticegen.pot), so
the test that the Welsh pages hold none of them follows every new message automatically.
"""

from __future__ import annotations

import html
import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from noticegen.cli import main

ROOT = Path(__file__).resolve().parent.parent
WELSH = Path(__file__).resolve().parent / "welsh"
POT = ROOT / "noticegen" / "locale" / "noticegen.pot"
CY_PO = ROOT / "noticegen" / "locale" / "cy" / "LC_MESSAGES" / "noticegen.po"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")


def _extractor():
    spec = importlib.util.spec_from_file_location("extract_messages", ROOT / "scripts" / "extract_messages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _read_po(path: Path):
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle)


def _ids(catalog) -> set:
    return {m.id for m in catalog if m.id}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("welsh") / "project"
    shutil.copytree(WELSH, project)
    result = run("check", "--strict", project)
    assert result.exit_code == 0, result.output
    result = run("build", project)
    assert result.exit_code == 0, result.output
    return project / "build"


def plain(markup: str) -> str:
    """A page's visible text (styles and tags removed), whitespace made single spaces."""
    markup = re.sub(r"<style>.*?</style>", " ", markup, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def pdf_text(path: Path) -> str:
    found = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(found.stdout.split())


def english_phrases() -> list[str]:
    """Every stretch of English noticegen writes (the catalogue's message ids cut at their
    placeholders) that is long enough to mean something: four words or more."""
    phrases = set()
    for message in _ids(_read_po(POT)):
        for text in (message if isinstance(message, tuple) else (message,)):
            for piece in PLACEHOLDER.split(text):
                piece = " ".join(piece.split()).strip(" .,:;()")
                if len(piece.split()) >= 4:
                    phrases.add(piece)
    return sorted(phrases)


# ------------------------------------------------------------------ the catalogue

def test_the_pot_lists_every_message_in_the_code_and_templates():
    extractor = _extractor()
    extracted = _ids(extractor.extract())
    in_pot = _ids(_read_po(POT))
    assert extracted - in_pot == set(), "run python scripts/extract_messages.py"
    assert in_pot - extracted == set(), "the .pot holds messages nothing uses any more"
    # and the file is exactly what the script writes (so re-extracting changes nothing)
    assert extractor.main(["--check"]) == 0


def test_every_message_has_a_welsh_translation_with_the_same_placeholders():
    welsh = _read_po(CY_PO)
    assert str(welsh.locale) == "cy"
    by_id = {m.id: m for m in welsh if m.id}
    assert set(by_id) == _ids(_read_po(POT))
    for message_id, message in by_id.items():
        assert not message.fuzzy, message_id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert strings and all(s.strip() for s in strings), f"untranslated: {message_id!r}"
        ids = message_id if isinstance(message_id, tuple) else (message_id,)
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == set(PLACEHOLDER.findall(ids[0])), message_id


def test_welsh_catalogue_loads_and_translates():
    from noticegen.text import i18n

    _ = i18n.gettext_for("cy")
    assert _("Your rights") == "Eich hawliau"
    assert _("Data Protection Officer") == "Swyddog Diogelu Data"
    assert i18n.gettext_for("en-GB")("Your rights") == "Your rights"
    ngettext = i18n.ngettext_for("cy")
    assert ngettext("%(count)d year", "%(count)d years", 1) % {"count": 1} == "1 flwyddyn"
    assert ngettext("%(count)d year", "%(count)d years", 25) % {"count": 25} == "25 o flynyddoedd"


def test_dates_and_lists_in_welsh():
    from noticegen.text import i18n

    assert i18n.long_date("2026-11-28", "cy") == "28 Tachwedd 2026"
    assert i18n.long_date("2026-11-28", "en-GB") == "28 November 2026"
    assert i18n.join_words(["enwau", "cyfeiriadau"], "and", "cy") == "enwau a chyfeiriadau"
    assert i18n.join_words(["disgyblion", "athrawon"], "and", "cy") == "disgyblion ac athrawon"
    # the article joins 'and' ('a'r'), never 'ac yr', in a name too
    assert i18n.join_words(["Llywodraeth Cymru", "yr awdurdod lleol"], "and", "cy") == \
        "Llywodraeth Cymru a'r awdurdod lleol"
    assert i18n.join_words(["rhieni", "y disgybl"], "and", "cy") == "rhieni a'r disgybl"
    assert i18n.join_words(["rhieni", "Y Swyddfa Gymreig"], "and", "cy") == "rhieni a'r Swyddfa Gymreig"
    assert i18n.join_words(["names", "addresses"], "and", "en-GB") == "names and addresses"
    assert i18n.join_words(["e-bost", "ffôn"], "or", "cy") == "e-bost neu ffôn"


# ------------------------------------------------------------------ translated values

def test_a_value_written_per_language_is_chosen_by_language():
    from noticegen.text import i18n

    value = {"en": "Pupils", "cy": "Disgyblion"}
    assert i18n.choose(value, "cy") == "Disgyblion"
    assert i18n.choose(value, "en-GB") == "Pupils"
    assert i18n.choose({"zxx": "Arbor"}, "cy") == "Arbor"
    assert i18n.choose("as written", "cy") == "as written"
    # a contact with only a web address is a contact, not a text in the language 'url'
    from noticegen.load import translatable

    assert translatable.text_paths("organisation", {"organisation": {"complaints": {"url": "https://x"}}}) == []


def test_a_bad_language_key_is_reported_at_its_place(tmp_path, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(WELSH, project)
    path = project / "datamap" / "subjects.yaml"
    path.write_text(path.read_text().replace("{en: Pupils, cy: Disgyblion}", "{en: Pupils, welsh: Disgyblion}"))
    monkeypatch.chdir(project)
    result = run("check")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == ("datamap/subjects.yaml:3:24: error[schema]: 'welsh' is not a "
                                             "language tag: write the text's language as en, cy, en-GB … (or "
                                             "children: for the wording a notice for children shows)")


def test_a_missing_translation_is_reported_at_its_file_line_and_column(tmp_path, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(WELSH, project)
    path = project / "datamap" / "activities" / "pupil-records.yaml"
    path.write_text(path.read_text().replace(
        "  - {en: to keep children safe, cy: cadw plant yn ddiogel}", "  - to keep children safe"))
    sources = project / "datamap" / "sources.yaml"
    sources.write_text(sources.read_text().replace(
        "{en: admission forms, cy: ffurflenni derbyn}", "{en: admission forms}"))
    monkeypatch.chdir(project)
    result = run("check")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert [line.split(": error")[0] for line in lines if "[untranslated]" in line] == [
        "datamap/activities/pupil-records.yaml:4:5", "datamap/sources.yaml:3:11"]
    assert "'to keep children safe' is written in one language only, but notice 'pupils.cy' is in 'cy'" \
        in result.output
    # the English notice needs nothing more: only the Welsh one is short of a translation
    assert "notice 'pupils'" not in result.output


def test_a_shared_block_without_its_welsh_version_is_reported(tmp_path, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(WELSH, project)
    (project / "notices" / "_blocks" / "school-census.cy.md").unlink()
    monkeypatch.chdir(project)
    result = run("check")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "notices/pupils.cy.md:17:14: error[untranslated]: notice 'pupils.cy' is in 'cy' but the shared "
        "block 'school-census' it includes is not: add notices/_blocks/school-census.cy.md")


# ------------------------------------------------------------------ the Welsh build

def test_welsh_pages_hold_no_english_noticegen_wrote(built):
    phrases = english_phrases()
    assert len(phrases) > 100  # the catalogue, not a short hand-made list
    english_page = plain((built / "notices" / "pupils.html").read_text())
    # the English page shows many of them, so a phrase found nowhere cannot pass unseen
    assert sum(phrase in english_page for phrase in phrases) >= 30
    pages = {
        "page": plain((built / "notices" / "pupils.cy.html").read_text()),
        "fragment": plain((built / "notices" / "pupils.cy.fragment.html").read_text()),
        "pdf": pdf_text(built / "notices" / "pupils.cy.pdf"),
    }
    for name, text in pages.items():
        left = [phrase for phrase in phrases if phrase in text]
        assert left == [], f"English in the Welsh {name}: {left}"
    # short labels and headings ("Version", "Your rights") as whole elements of the markup
    same_in_welsh = {m.id for m in _read_po(CY_PO) if m.id and m.string == m.id}  # "Contract", "URN"
    labels = [m for m in _ids(_read_po(POT)) if isinstance(m, str) and len(m.split()) < 4
              and not PLACEHOLDER.search(m) and m[:1].isupper() and m not in same_in_welsh]
    english_markup = (built / "notices" / "pupils.html").read_text()
    assert sum(f">{label}<" in english_markup for label in labels) >= 8
    for name in ("pupils.cy.html", "pupils.cy.fragment.html"):
        markup = (built / "notices" / name).read_text()
        assert [label for label in labels if f">{html.escape(label, quote=False)}<" in markup] == [], name
    assert "28 Tachwedd 2026" in pages["page"] and "28 Tachwedd 2026" in pages["pdf"]
    assert "Tudalen 1 o " in pages["pdf"]


def test_welsh_pages_show_the_welsh_data_map_values(built):
    page = plain((built / "notices" / "pupils.cy.html").read_text())
    for welsh in ("Ysgol Gynradd Cwm Enghraifft", "Disgyblion a'u rhieni neu ofalwyr", "cadw plant yn ddiogel",
                  "Manylion cyswllt (er enghraifft enwau a chyfeiriadau)", "Llywodraeth Cymru",
                  "Deddf Addysg 1996, adran 537A", "25 o flynyddoedd ar ôl y dyddiad geni",
                  "Swyddfa'r Comisiynydd Gwybodaeth", "Example Photo Hosting Ltd (gwlad: Iwerddon)"):
        assert welsh in page, welsh
    assert "Mae Llywodraeth Cymru yn defnyddio'r cyfrifiad ysgolion" in page  # the shared block's Welsh version
    for english in ("Example Valley Primary School", "keep children safe", "Welsh Government",
                    "Education Act 1996", "Ireland", "school census to plan"):
        assert english not in page, english
    english = plain((built / "notices" / "pupils.html").read_text())
    assert "Example Valley Primary School" in english and "to keep children safe" in english
    assert "The Welsh Government uses the school census" in english
    assert "Ysgol Gynradd" not in english


def test_each_version_has_its_language_and_links_to_the_other(built):
    english = (built / "notices" / "pupils.html").read_text()
    welsh = (built / "notices" / "pupils.cy.html").read_text()
    assert '<html lang="en-GB">' in english and '<html lang="cy">' in welsh
    for page in (english, welsh):
        assert '<link rel="alternate" hreflang="cy" href="pupils.cy.html">' in page
        assert '<link rel="alternate" hreflang="en-GB" href="pupils.html">' in page
    assert '<a href="pupils.cy.html" hreflang="cy" lang="cy">Cymraeg</a>' in english
    assert '<a href="pupils.html" hreflang="en-GB" lang="en-GB">English</a>' in welsh
    assert '<div class="noticegen-notice" lang="cy">' in (built / "notices" / "pupils.cy.fragment.html").read_text()
    index = (built / "index.html").read_text()
    assert 'href="notices/pupils.html"' in index
    assert '<li lang="cy"><a href="notices/pupils.cy.html" hreflang="cy">' in index


def test_the_welsh_pdf_carries_its_language(built):
    import pikepdf

    with pikepdf.open(built / "notices" / "pupils.cy.pdf") as pdf:
        assert str(pdf.Root.Lang) == "cy"
    with pikepdf.open(built / "notices" / "pupils.pdf") as pdf:
        assert str(pdf.Root.Lang) == "en-GB"


def test_the_manifest_records_both_versions(built):
    import json

    manifest = json.loads((built / "manifest.json").read_text())
    recorded = json.dumps(manifest)
    for output in ("notices/pupils.cy.html", "notices/pupils.cy.fragment.html", "notices/pupils.cy.pdf",
                   "notices/pupils.html"):
        assert output in recorded


def test_adding_a_translation_remakes_the_original_page(tmp_path, monkeypatch):
    """The English page links to the Welsh one, so adding pupils.cy.md makes it again;
    building again with nothing changed writes nothing."""
    monkeypatch.setenv("NOTICEGEN_BUILD_KEY", "k")
    project = tmp_path / "project"
    shutil.copytree(WELSH, project)
    welsh = (project / "notices" / "pupils.cy.md").read_text()
    (project / "notices" / "pupils.cy.md").unlink()
    assert run("build", "--no-pdf", project).exit_code == 0
    page = project / "build" / "notices" / "pupils.html"
    assert "hreflang" not in page.read_text()
    (project / "notices" / "pupils.cy.md").write_text(welsh)
    assert run("build", "--no-pdf", project).exit_code == 0
    assert 'hreflang="cy"' in page.read_text()
    again = run("build", "--no-pdf", project)
    assert again.exit_code == 0
    assert again.output.splitlines()[-1].startswith("nothing to do: ")


def test_the_ropa_is_written_in_the_projects_language(tmp_path):
    from noticegen.model.record import COLUMNS

    project = tmp_path / "project"
    shutil.copytree(WELSH, project)
    (project / "noticegen.yaml").write_text("language: cy\n")
    # the plain texts, shared blocks included, are now the Welsh ones
    blocks = project / "notices" / "_blocks"
    (blocks / "school-census.md").rename(blocks / "school-census.en.md")
    (blocks / "school-census.cy.md").rename(blocks / "school-census.md")
    # the English notice now needs its own language named
    english = project / "notices" / "pupils.md"
    english.write_text(english.read_text().replace("version: \"1.0\"", "version: \"1.0\"\nlanguage: en-GB"))
    result = run("build", "--no-pdf", project)
    assert result.exit_code == 0, result.output
    header = (project / "build" / "records" / "ropa.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert '"Swyddogaeth fusnes","Diben y prosesu"' in header
    assert COLUMNS[0] not in header
    ropa = plain((project / "build" / "records" / "ropa.html").read_text())
    assert "Cofnod o weithgareddau prosesu" in ropa and "Cadw plant" not in ropa
    assert "cadw plant yn ddiogel" in ropa
    from openpyxl import load_workbook

    sheet = load_workbook(project / "build" / "records" / "ropa.xlsx").active
    assert sheet.title == "Cofnod prosesu"
    cells = {str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value}
    assert {"Swyddogaeth fusnes", "Cofnod o weithgareddau prosesu o dan Erthygl 30", "Rheolydd"} <= cells
    assert not {"Business function", "Controller", "Not applicable"} & cells


# ------------------------------------------------------------------ accessibility

@pytest.mark.chromium
def test_welsh_pages_pass_axe(built, axe, tmp_path):
    fragment = (built / "notices" / "pupils.cy.fragment.html").read_text()
    host = tmp_path / "host.html"
    host.write_text('<!DOCTYPE html><html lang="cy"><head><meta charset="utf-8">'
                    "<title>Gwefan yr ysgol</title></head><body><main><h1>Preifatrwydd</h1>"
                    f"{fragment}</main></body></html>", encoding="utf-8")
    failures = {}
    for page in (built / "notices" / "pupils.cy.html", built / "notices" / "pupils.html",
                 built / "index.html", host):
        violations = axe(page)
        if violations:
            failures[page.name] = violations
    assert failures == {}


def test_a_welsh_notice_for_children_has_no_english_noticegen_wrote(tmp_path):
    """The children's wording (templates/sections/children/, the first layer, the default
    headings) is in the catalogue too: a Welsh notice for children shows none of it in
    English."""
    from noticegen.model.resolve import CHILDREN_HEADINGS

    project = Path(shutil.copytree(WELSH, tmp_path / "project"))
    notice = project / "notices" / "pupils.cy.md"
    notice.write_text(notice.read_text(encoding="utf-8").replace(
        "version:", "reader: children\nreading_age: 12\nversion:", 1), encoding="utf-8")
    built = run("build", "--no-pdf", project)
    assert built.exit_code == 0, built.output
    welsh = plain((project / "build" / "notices" / "pupils.cy.html").read_text(encoding="utf-8"))
    assert 'class="first-layer' in (project / "build" / "notices" / "pupils.cy.html").read_text()
    left = [p for p in english_phrases() if p in welsh]
    assert left == []
    assert not [h for h in CHILDREN_HEADINGS.values() if h in welsh]


def test_prose_and_values_in_the_wrong_language_are_found_at_their_line(tmp_path, run):
    """English left in a Welsh notice, or an English text given as its cy version, is
    reported where it is written (issue 22); the project as it is has none."""
    import shutil

    project = tmp_path / "welsh"
    shutil.copytree(WELSH, project)
    assert "wrong-language" not in run("check", cwd=project).output
    notice = project / "notices" / "pupils.cy.md"
    text = notice.read_text(encoding="utf-8")
    english = ("We keep this information safe and we only share it with the people who need it "
               "to do their work for the school.")
    notice.write_text(text.rstrip("\n") + "\n\n" + english + "\n", encoding="utf-8")
    line = len(notice.read_text(encoding="utf-8").splitlines())
    activity = project / "datamap" / "activities" / "pupil-records.yaml"
    activity.write_text(activity.read_text(encoding="utf-8").replace(
        "cy: cefnogi dysgu disgyblion", "cy: to support the learning of the pupils in our school"),
        encoding="utf-8")
    output = run("check", cwd=project).output
    found = [l for l in output.splitlines() if "wrong-language" in l]
    assert any(l.startswith(f"notices/pupils.cy.md:{line}:1:") and "reads as English" in l for l in found), output
    assert any(l.startswith("datamap/activities/pupil-records.yaml:") and "the cy text reads as English" in l
               for l in found), output
