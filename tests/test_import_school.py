"""noticegen import on a record of processing as a school really keeps it (issue 23).

The workbook (tests/school_workbook.py) follows the ICO's documentation template: its own
labels for the organisation, DPO and representative block, in merged cells above the
table or on a sheet of their own; the DfE written four ways; "LA", "LA (FSM checks)" and
"Local Authority (admissions team)"; MIS and its expansion; an Art 49 derogation; an LIA
and consent records that are not links; a contract linked behind its words and one
that is words; a country by name with a note in brackets; a column the template does
not have; a note on a cell; group heading rows.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from school_workbook import fill_in, school_workbook


def _load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture
def imported(tmp_path, run):
    source = school_workbook(tmp_path / "ropa.xlsx")
    result = run("import", source, tmp_path / "school")
    assert result.exit_code == 0, result.output
    return tmp_path / "school", result.output


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ----------------------------------------------------------------- names the DPO decides

def test_abbreviations_merge_and_qualifiers_stay_apart(imported):
    school, output = imported
    recipients = {r["id"]: r for r in _load(school / "datamap" / "recipients.yaml")["recipients"]}
    # the DfE, four ways: one recipient, and the terminal says which spellings
    assert "'the Department for Education', 'DfE', 'Dept for Education', 'Dept. for Education' are " \
           "taken to be one recipient, 'Department for Education'" in output
    assert recipients["department-for-education"]["aliases"] == ["DfE"]
    assert not any(i.startswith("dept") or i == "dfe" for i in recipients)
    # a bracketed qualifier never merges silently: three recipients, each near miss said
    assert {"la", "la-fsm-checks", "local-authority-admissions-team"} <= set(recipients)
    for pair in (("Local Authority (admissions team)", "LA"), ("LA", "LA (FSM checks)")):
        assert f"'{pair[0]}' and '{pair[1]}' are kept as two recipients" in output
    activities = school / "datamap" / "activities"
    shares = {stem: [s["recipient"] for s in _load(activities / f"{stem}.yaml").get("recipients", [])]
              for stem in ("admissions", "attendance", "catering-and-allergies")}
    assert "local-authority-admissions-team" in shares["admissions"]
    assert "la" in shares["attendance"] and "la-fsm-checks" in shares["catering-and-allergies"]
    # MIS and its expansion are one system, under the written-out name
    assert _load(activities / "sen.yaml")["systems"] == _load(activities / "admissions.yaml")["systems"] \
        == ["Management information system"]


def test_the_report_lists_every_merge_and_near_miss_with_its_rows(imported):
    school, output = imported
    report = (school / "import-report.md").read_text(encoding="utf-8")
    names = _load(school / "import-names.yaml")
    assert names["recipients"][0] == {"same": ["the Department for Education", "DfE", "Dept for Education",
                                               "Dept. for Education"]}
    assert {"different": ["LA", "LA (FSM checks)"]} in names["recipients"]
    assert names["systems"] == [{"same": ["MIS", "Management information system (MIS)"]}]
    assert re.search(r"\*\*same\*\* \(recipients\): the Department for Education; DfE; Dept for Education; "
                     r"Dept\. for Education → 'Department for Education' \(`department-for-education`\)\. Why: "
                     r"the same once short forms are written out \([^)]*'Dept' for 'department'[^)]*\)\. "
                     r"From sheet 'Record of processing', rows 7, 8, 9 and 10\.", report)
    assert "**different** (recipients): LA / LA (FSM checks). Why: the same name but for '(FSM checks)' " \
           "in brackets. From sheet 'Record of processing', rows 8 and 11." in report
    text = (school / "import-names.yaml").read_text(encoding="utf-8")
    assert "# Kept apart: the same name but for '(FSM checks)' in brackets. From sheet 'Record of " \
           "processing', rows 8 and 11." in text


def test_correcting_the_names_and_importing_again(tmp_path, run, imported):
    """The round trip: the file unchanged gives the same project, byte for byte; with a
    near miss said to be the same and a merge said to be different, only what follows
    from those corrections changes."""
    school, _ = imported
    source = tmp_path / "ropa.xlsx"
    again = run("import", source, tmp_path / "again", "--names", school / "import-names.yaml")
    assert again.exit_code == 0, again.output
    assert _files(tmp_path / "again") == _files(school)

    text = (school / "import-names.yaml").read_text(encoding="utf-8")
    corrected = text.replace("  - different:\n    - LA\n    - LA (FSM checks)\n",
                             "  - same:\n    - LA\n    - LA (FSM checks)\n")
    corrected = corrected.replace("  - same:\n    - MIS\n", "  - different:\n    - MIS\n")
    assert corrected.count("- same:") == text.count("- same:")  # one made, one undone
    names = tmp_path / "names.yaml"
    names.write_text(corrected, encoding="utf-8")
    fixed = run("import", source, tmp_path / "fixed", "--names", names)
    assert fixed.exit_code == 0, fixed.output
    before, after = _files(school), _files(tmp_path / "fixed")
    assert set(before) - {"datamap/recipients.yaml"} <= set(after)
    changed = {name for name in set(before) | set(after) if before.get(name) != after.get(name)}
    assert changed == {"import-names.yaml", "import-report.md", "datamap/recipients.yaml",
                       "datamap/activities/attendance.yaml", "datamap/activities/catering-and-allergies.yaml",
                       "datamap/activities/admissions.yaml", "datamap/activities/attendance.yaml",
                       "datamap/activities/sen.yaml"}
    recipients = {r["id"]: r for r in _load(tmp_path / "fixed" / "datamap" / "recipients.yaml")["recipients"]}
    assert "la" not in recipients and "la-fsm-checks" not in recipients
    assert recipients["local-authority"]["aliases"] == ["LA"]
    activities = tmp_path / "fixed" / "datamap" / "activities"
    for stem in ("attendance", "catering-and-allergies"):
        assert "local-authority" in [s["recipient"] for s in _load(activities / f"{stem}.yaml")["recipients"]]
    assert _load(activities / "admissions.yaml")["systems"] == ["MIS"]
    assert _load(activities / "sen.yaml")["systems"] == ["Management information system (MIS)"]
    # the new file records the corrections, so importing with it again changes nothing
    assert "your corrections file says they are the same" in \
        (tmp_path / "fixed" / "import-names.yaml").read_text(encoding="utf-8")
    third = run("import", source, tmp_path / "third", "--names", tmp_path / "fixed" / "import-names.yaml")
    assert third.exit_code == 0 and _files(tmp_path / "third") == after


@pytest.mark.parametrize("text, words", [
    ("recipients: [", "is not valid YAML"),
    ("- a\n- b\n", "should list names under"),
    ("pupils: []\n", "'pupils' is not one of"),
    ("recipients: {same: [a, b]}\n", "give a list of entries"),
    ("recipients:\n  - maybe: [a, b]\n", "should be 'same: [names]' or 'different: [names]'"),
    ("recipients:\n  - same: [only-one]\n", "should list two or more different names"),
    ("recipients:\n  - same: [a, [b]]\n", "should list two or more different names"),
    ("recipients:\n  - same: [a, a]\n", "should list two or more different names"),
    ("recipients:\n  - same: [LA, LA (FSM checks)]\n  - different: [LA, LA (FSM checks)]\n",
     "both the same and different"),
    (b"\xff\xfe not text", "not UTF-8"),
    (None, "no such file"),
])
def test_a_names_file_that_cannot_be_used_is_refused(tmp_path, run, text, words):
    source = school_workbook(tmp_path / "ropa.xlsx")
    names = tmp_path / "names.yaml"
    if isinstance(text, bytes):
        names.write_bytes(text)
    elif text is not None:
        names.write_text(text, encoding="utf-8")
    result = run("import", source, tmp_path / "school", "--names", names)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "Traceback" not in result.output
    assert not (tmp_path / "school").exists()


def test_names_the_record_does_not_give_are_said_and_change_nothing(tmp_path, run, imported):
    school, _ = imported
    names = tmp_path / "names.yaml"
    names.write_text("recipients:\n  - same: [Nobody Ltd, DfE]\n", encoding="utf-8")
    result = run("import", tmp_path / "ropa.xlsx", tmp_path / "other", "--names", names)
    assert result.exit_code == 0, result.output
    assert "The names file lists 'Nobody Ltd' under recipients, but the record does not name it" in result.output
    assert _load(tmp_path / "other" / "datamap" / "recipients.yaml") == \
        _load(school / "datamap" / "recipients.yaml")


# ----------------------------------------------------------------- the organisation block

@pytest.mark.parametrize("block_sheet", [False, True], ids=["above-the-table", "sheet-of-its-own"])
def test_the_ico_template_labels_give_organisation_and_dpo(tmp_path, run, block_sheet):
    source = school_workbook(tmp_path / "ropa.xlsx", block_sheet=block_sheet)
    result = run("import", source, tmp_path / "school")
    assert result.exit_code == 0, result.output
    organisation = _load(tmp_path / "school" / "datamap" / "organisation.yaml")["organisation"]
    assert organisation["name"] == "Moss Hey Primary School"
    assert organisation["address"] == ["Moss Lane", "Stockport SK4 1AA"]
    assert organisation["contact"] == {"email": "office@mosshey.sch.uk", "phone": "0161 496 0000"}
    assert organisation["dpo"] == {"name": "Sam Patel", "address": ["Schools' DPO Service"],
                                   "email": "dpo@schoolsdpo.example.org", "phone": "0161 496 0999"}
    assert "representative" not in organisation  # "Not applicable"
    assert organisation["complaints"]["address"] == ["Moss Hey Primary School", "Moss Lane", "Stockport SK4 1AA"]
    sheet = "Controller details" if block_sheet else "Record of processing"
    text = (tmp_path / "school" / "datamap" / "organisation.yaml").read_text(encoding="utf-8")
    assert f"# The DPO's name and contact details: sheet '{sheet}', row 2." in text
    if block_sheet:
        assert "sheet 'Controller details' gave the organisation's and the DPO's details" in result.output
        assert "'Controller details' was skipped" not in result.output


def test_a_representative_and_the_label_above_its_value(tmp_path, run):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"] = "Name and contact details of your organisation"
    sheet["A2"] = "Example Academy Trust, 2 Trust Road, Leeds LS1 1AA, info@trust.example, 0113 496 0000"
    sheet["C1"] = "Name and contact details of your representative (if applicable)"
    sheet["C2"] = "EU Rep Ltd\nRue de l'Exemple 1\nBrussels\nrep@eurep.example"
    sheet.append([])
    sheet.append(["Business function", "Purpose of processing", "Categories of individuals", "Lawful basis"])
    sheet.append(["Admissions", "Admit pupils", "Pupils", "Public task"])
    workbook.save(tmp_path / "ropa.xlsx")
    result = run("import", tmp_path / "ropa.xlsx", tmp_path / "school")
    assert result.exit_code == 0, result.output
    organisation = _load(tmp_path / "school" / "datamap" / "organisation.yaml")["organisation"]
    assert organisation["name"] == "Example Academy Trust"
    assert organisation["address"] == ["2 Trust Road", "Leeds LS1 1AA"]
    assert organisation["contact"] == {"email": "info@trust.example", "phone": "0113 496 0000"}
    assert organisation["representative"] == {"name": "EU Rep Ltd", "address": ["Rue de l'Exemple 1", "Brussels"],
                                              "email": "rep@eurep.example"}
    assert run("check", tmp_path / "school").exit_code == 1  # placeholders, but no schema error
    assert "error[schema]" not in run("check", tmp_path / "school").output


# ----------------------------------------------------------------- nothing dropped

def test_nothing_is_dropped(imported):
    school, _ = imported
    activities = school / "datamap" / "activities"
    cctv = _load(activities / "cctv.yaml")
    assert cctv["lawful_basis"]["legitimate_interests_assessment"] == "LIA held by SBM 2023"  # text, not a link
    trips = _load(activities / "trips.yaml")
    assert trips["lawful_basis"]["consent"] == {"record": "Consent forms kept in the school office"}
    # a country by name, with its Art 49 derogation as the transfer's safeguard
    assert trips["transfers"] == [{"country": "FR", "safeguard": "Art 49(1)(a) explicit consent, given by parents"}]
    text = (activities / "trips.yaml").read_text(encoding="utf-8")
    assert "what the record says of the transfer to FR: residential trip" in text
    # a contract in words, and one behind a link on the cell's words
    catering = _load(activities / "catering-and-allergies.yaml")
    assert {"recipient": "catering-co-ltd", "contract": "contract signed 2024, held by the SBM"} in catering["recipients"]
    payroll = _load(activities / "payroll.yaml")
    assert {"recipient": "payroll-bureau-ltd",
            "contract": "https://mosshey.example/contracts/payroll.pdf"} in payroll["recipients"]
    kinds = {r["id"]: r["kind"] for r in _load(school / "datamap" / "recipients.yaml")["recipients"]}
    assert kinds["payroll-bureau-ltd"] == kinds["catering-co-ltd"] == "processor"
    # a column the template does not have, and a note on a cell, beside their rows
    catering_text = (activities / "catering-and-allergies.yaml").read_text(encoding="utf-8")
    assert "# Kept from the record (no field holds it) - Information asset owner: Office manager" in catering_text
    assert "note on 'Retention schedule (if possible)': Check with the caterer" in catering_text
    report = (school / "import-report.md").read_text(encoding="utf-8")
    assert "- sheet 'Record of processing', row 11: note on 'Retention schedule (if possible)': Check with " \
           "the caterer: they may keep allergy records longer" in report
    assert report.count("Information asset owner:") == 8


# ----------------------------------------------------------------- notices and the summary

def test_notices_are_proposed_and_build_after_filling_in(tmp_path, run, imported):
    school, _ = imported
    notices = {p.stem: p for p in (school / "notices").glob("*.md")}
    assert set(notices) == {"pupils", "school-workforce", "governors-and-volunteers", "visitors"}

    def front(path):
        return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])

    pupils = front(notices["pupils"])
    assert pupils["title"] == "How we use pupil information"
    assert pupils["activities"] == ["admissions", "attendance", "sen", "safeguarding",
                                    "catering-and-allergies", "cctv", "trips"]
    assert front(notices["school-workforce"])["activities"] == ["cctv", "payroll"]
    assert front(notices["governors-and-volunteers"])["activities"] == ["trips"]
    assert front(notices["visitors"])["activities"] == ["cctv"]
    assert "activity-without-notice" not in run("check", school).output

    fill_in(school)
    checked = run("check", school)
    assert "error[" not in checked.output, checked.output
    built = run("build", "--no-pdf", school)
    assert built.exit_code == 0, built.output
    page = (school / "build" / "notices" / "pupils.html").read_text(encoding="utf-8")
    assert "How we use pupil information" in page and "Department for Education" in page
    assert (school / "build" / "notices" / "school-workforce.html").is_file()
    # the references in words are in the record of processing as the school wrote them
    record = (school / "build" / "records" / "ropa.csv").read_text(encoding="utf-8-sig")
    for words in ("LIA held by SBM 2023", "Consent forms kept in the school office",
                  "Catering Co Ltd: contract signed 2024, held by the SBM",
                  "Payroll Bureau Ltd: https://mosshey.example/contracts/payroll.pdf",
                  "France: Art 49(1)(a) explicit consent, given by parents"):
        assert words in record, words


def test_the_summary_is_what_check_reports(tmp_path, run, imported):
    school, output = imported
    said = re.search(r"check finds (\d+) errors? and (\d+) warnings? in the new project", output)
    assert said, output
    groups = [int(m[1]) for m in re.finditer(r"^  (\d+) (?:to fill in|errors?|warnings?)[: ]", output, re.M)]
    assert sum(groups) == int(said[1]) + int(said[2])  # the groups add up to the whole
    checked = run("check", school)
    assert f"{said[1]} error{'s' if said[1] != '1' else ''}, {said[2]} warning" in checked.output
    assert int(re.search(r"^  (\d+) to fill in", output, re.M)[1]) == \
        len([line for line in checked.output.splitlines() if "TODO(" in line])
    # what check cannot see is counted beside it, and each count is true
    assert re.search(r"^  5 names to confirm", output, re.M)
    guesses = sum(p.read_text(encoding="utf-8").count("# Check:") for p in school.rglob("*.yaml")
                  if p.name != "import-names.yaml")
    assert re.search(rf"^  {guesses} guesses to check", output, re.M)
    assert re.search(r"^  10 things the record says that no field holds", output, re.M)


# ----------------------------------------------------------------- .ods (LibreOffice, Google Sheets)

def test_an_ods_spreadsheet_gives_the_same_project(tmp_path, run, imported):
    from school_workbook import school_spreadsheet_ods

    school, _ = imported
    source = school_spreadsheet_ods(tmp_path / "ropa.ods")
    result = run("import", source, tmp_path / "from-ods")
    assert result.exit_code == 0, result.output
    xlsx, ods = _files(school), _files(tmp_path / "from-ods")
    assert set(xlsx) == set(ods)
    for name in xlsx:
        assert ods[name].replace(b"ropa.ods", b"ropa.xlsx") == xlsx[name], name


def test_a_damaged_or_far_reaching_ods_is_refused(tmp_path, run, monkeypatch):
    import zipfile

    from odfdo import Document, Table

    damaged = tmp_path / "damaged.ods"
    damaged.write_bytes(b"PK\x03\x04 not really a spreadsheet")
    document = Document("spreadsheet")
    document.body.clear()
    table = Table("Record")
    table.set_value("A1", "Business function")
    table.set_value("B1", "Purpose of processing")
    table.set_value("C1", "Categories of individuals")
    table.set_value((0, 25_000), "far down")  # beyond 20,000 rows
    document.body.append(table)
    far = tmp_path / "far.ods"
    document.save(str(far))
    bomb = tmp_path / "bomb.ods"
    from noticegen.commands.importing import sheets

    monkeypatch.setattr(sheets, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("content.xml", b" " * (3 * 1024 * 1024))
    for source, words in ((damaged, "not a spreadsheet LibreOffice can open"),
                          (far, "far beyond a record of processing"), (bomb, "unpacks to")):
        result = run("import", source, tmp_path / "school")
        assert result.exit_code == 2, (source, result.output)
        assert words in result.output and len(result.output.strip().splitlines()) == 1
        assert "Traceback" not in result.output and not (tmp_path / "school").exists()


def test_the_proposed_notices_build_as_a_draft_before_filling_in(imported, run):
    school, _ = imported
    result = run("build", "--draft", "--no-pdf", school)
    assert result.exit_code == 0, result.output
    page = (school / "build" / "draft" / "notices" / "pupils.html").read_text(encoding="utf-8")
    # a placeholder where the notice says whether people must give the information is
    # shown marked, not taken for a requirement
    assert '<mark class="draft-placeholder">TODO(must people give it: statutory, contractual, voluntary, ' \
           'mixed or not-from-the-person): to be filled in</mark>' in page


# ----------------------------------------------------------------- the pieces

def test_the_register_follows_the_corrections():
    from noticegen.commands.importing.names import Register

    def settled(**corrections):
        register = Register("recipient")
        for name in ("DfE", "Dept. for Education", "LA", "LA (FSM checks)", "the local authority",
                     "Parent", "Parents"):
            register.add(name, "sheet 'S', row 2")
        register.settle(**corrections)
        return register

    register = settled()
    ids = register.id_of
    assert ids["DfE"] == ids["Dept. for Education"] == "department-for-education"
    assert ids["LA"] == ids["the local authority"] == "local-authority"  # a short form written out
    assert ids["LA (FSM checks)"] != ids["LA"]
    assert ids["Parent"] != ids["Parents"]
    reasons = {(m.first, m.second): m.reason for m in register.near_misses}
    assert reasons[("LA", "LA (FSM checks)")] == "the same name but for '(FSM checks)' in brackets"
    assert reasons[("Parent", "Parents")] == "spelled almost alike"
    # the DPO's word wins both ways, and a name a 'different' entry keeps apart stays apart
    # even from the names it would join through another
    register = settled(same=[["LA", "LA (FSM checks)"], ["Parent", "Parents"]],
                       different=[["DfE", "Dept. for Education"], ["LA (FSM checks)", "the local authority"]])
    ids = register.id_of
    assert ids["DfE"] != ids["Dept. for Education"]
    assert ids["Parent"] == ids["Parents"]
    assert ids["LA"] == ids["LA (FSM checks)"] != ids["the local authority"]
    assert ("DfE", "Dept. for Education", "your corrections file says they are different") in \
        {(m.first, m.second, m.reason) for m in register.near_misses}


@pytest.mark.parametrize("name, code", [
    ("France", "FR"), ("France (residential trip)", "FR"), ("the Netherlands", "NL"), ("USA", "US"),
    ("United States", "US"), ("Republic of Ireland", "IE"), ("Czechia", "CZ"), ("EU", None),
    ("Narnia", None), ("DE", "DE")])
def test_countries_by_name(name, code):
    from noticegen.commands.importing.columns import _country_code

    assert _country_code(name) == code


@pytest.mark.parametrize("text, contact", [
    ("Moss Hey Primary School\nMoss Lane\nStockport SK4 1AA\nEmail: office@mosshey.sch.uk\nTel: 0161 496 0000",
     {"name": "Moss Hey Primary School", "address": ["Moss Lane", "Stockport SK4 1AA"],
      "email": "office@mosshey.sch.uk", "phone": "0161 496 0000"}),
    ("Sam Patel, sam@dpo.example, 07700 900123 ext 4, www.dpo.example",
     {"name": "Sam Patel", "email": "sam@dpo.example", "phone": "07700 900123 ext 4",
      "url": "https://www.dpo.example"}),
    ("mailto:dpo@school.example", {"email": "dpo@school.example"}),
])
def test_a_block_is_read_into_its_parts(text, contact):
    from noticegen.commands.importing.sheets import contact_of

    assert contact_of(text) == contact


def test_into_an_existing_empty_folder_the_report_is_written_too(tmp_path, run):
    source = school_workbook(tmp_path / "ropa.xlsx")
    (tmp_path / "school").mkdir()
    result = run("import", source, tmp_path / "school")
    assert result.exit_code == 0, result.output
    report = (tmp_path / "school" / "import-report.md").read_text(encoding="utf-8")
    said = re.search(r"check finds (\d+) errors and (\d+) warnings", result.output)
    assert f"check finds {said[1]} errors and {said[2]} warnings" in report
    assert f"{said[1]} errors, {said[2]} warnings" in run("check", tmp_path / "school").output


def test_two_blocks_on_one_row_are_read_apart(tmp_path, run):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name and contact details of your organisation", "Example School, office@school.example",
                  "Name and contact details of your Data Protection Officer", "Jo Bloggs, jo@dpo.example"])
    sheet.append([])
    sheet.append(["Business function", "Purpose of processing", "Categories of individuals", "Lawful basis"])
    sheet.append(["Admissions", "Admit pupils", "Pupils", "Public task"])
    workbook.save(tmp_path / "ropa.xlsx")
    assert run("import", tmp_path / "ropa.xlsx", tmp_path / "school").exit_code == 0
    organisation = _load(tmp_path / "school" / "datamap" / "organisation.yaml")["organisation"]
    assert organisation["name"] == "Example School"
    assert organisation["contact"]["email"] == "office@school.example"
    assert organisation["dpo"] == {"name": "Jo Bloggs", "email": "jo@dpo.example"}


def test_any_names_file_is_read_or_refused_in_a_sentence(tmp_path):
    """Whatever the file holds, read_corrections gives decisions or a plain refusal."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from noticegen.commands.importing.decisions import read_corrections
    from noticegen.problems import NoticegenError

    scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=12)
    values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(st.sampled_from(["same", "different", "recipients", "x"]) | st.text(max_size=5),
                                            inner, max_size=3), max_leaves=12)

    @settings(max_examples=60, deadline=None)
    @given(data=st.dictionaries(st.sampled_from(["recipients", "subjects", "systems", "other"]), values, max_size=3)
           | values)
    def read(data):
        path = tmp_path / "names.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        try:
            found = read_corrections(path)
        except NoticegenError as exc:
            assert "\n" not in str(exc) and str(exc).startswith("cannot read the names file")
            return
        for decided in found.values():
            for names in decided["same"] + decided["different"]:
                assert len(names) >= 2 and all(isinstance(n, str) for n in names)

    read()
