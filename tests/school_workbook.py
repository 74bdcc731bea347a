"""A record of processing as a school really fills in the ICO's documentation template:
built here with openpyxl for the import's tests (tests/test_import_school.py) and for the
walkthrough's timings (bench/import_walkthrough.py).

Eight rows (admissions, attendance, SEN, safeguarding, catering and allergies, CCTV,
payroll, a residential trip); the DfE written four ways; "LA", "LA (FSM checks)" and
"Local Authority (admissions team)"; the organisation, DPO and representative block under
the template's own labels, in merged cells above the table or on a sheet of its own; an
Art 49 derogation; an LIA and consent records that are not links; a contract that is a
link behind the words, one that is words; a country by name with a note in brackets; a
column the template does not have; a note (comment) on a cell; group heading rows.
"""

from __future__ import annotations

from pathlib import Path

HEADINGS = [
    "Business function", "Purpose of processing", "Categories of individuals",
    "Categories of personal data", "Categories of recipients", "Link to contract with processor",
    "Names of third countries or international organisations that personal data are "
    "transferred to (if applicable)",
    "Safeguards for exceptional transfers of personal data to third countries or "
    "international organisations (if applicable)",
    "Retention schedule (if possible)", "Article 6 lawful basis for processing personal data",
    "Article 9 basis for processing special category data",
    "Legitimate interests for the processing (if applicable)",
    "Link to record of legitimate interests assessment (if applicable)",
    "Source of personal data", "Link to record of consent", "Location of personal data",
    "Information asset owner",
]

ORGANISATION = ("Moss Hey Primary School\nMoss Lane\nStockport SK4 1AA\n"
                "office@mosshey.sch.uk\nTel: 0161 496 0000")
DPO = "Sam Patel\nSchools' DPO Service\ndpo@schoolsdpo.example.org\n0161 496 0999"
REPRESENTATIVE = "Not applicable"

ROWS = [
    ["PUPILS"],
    ["Admissions", "Admit pupils to the school", "Pupils\nParents and carers",
     "Name, address, date of birth", "the Department for Education\nLocal Authority (admissions team)",
     "", "", "", "1 year after the end of the appeal period", "Public task", "", "", "", "Parents",
     "", "MIS", "Admissions officer"],
    ["Attendance", "Record and report attendance", "Pupils", "Attendance records",
     "DfE\nLA", "", "", "", "3 years after the pupil leaves", "Legal obligation", "", "", "",
     "School registers", "", "MIS", "Attendance officer"],
    ["SEN", "Support pupils with special educational needs", "Pupils\nParents and carers",
     "Health and medical needs; SEN information", "Dept for Education\nEducational psychologist",
     "", "", "", "25 years from the date of birth", "Public task",
     "Art 9(2)(g) substantial public interest; DPA 2018 Schedule 1 Part 2 para 6",
     "", "", "Parents", "", "Management information system (MIS)", "SENCO"],
    ["Safeguarding", "Keep pupils safe", "Pupils", "Safeguarding concerns",
     "Police\nChildren's social care\nDept. for Education", "", "", "", "25 years from the date of birth",
     "Legal obligation", "", "", "", "Staff", "", "Paper files in a locked cabinet", "DSL"],
    ["Catering and allergies", "Provide school meals", "Pupils", "Allergies; Free school meal eligibility",
     "LA (FSM checks)\nCatering Co Ltd", "Catering Co Ltd: contract signed 2024, held by the SBM",
     "", "", "Until the pupil leaves", "Public task",
     "Art 9(2)(g) substantial public interest (Schedule 1 para 6)", "",
     "", "Parents", "", "MIS", "Office manager"],
    ["STAFF AND SITE"],
    ["CCTV", "Keep the site safe", "Pupils; Staff; Visitors", "CCTV images", "Police", "", "", "",
     "30 days", "Legitimate interests", "", "Keeping people and property on the site safe",
     "LIA held by SBM 2023", "Recorded by the school", "", "CCTV recorder in the office", "Site manager"],
    ["Payroll", "Pay staff", "Staff", "Bank details, National Insurance number",
     "HMRC\nPayroll Bureau Ltd", "Payroll Bureau Ltd", "", "", "6 years after the end of employment",
     "Contract", "", "", "", "Staff", "", "Payroll Bureau's online system", "School business manager"],
    ["Trips", "Run a residential trip", "Pupils\nVolunteers", "Emergency contacts, Medical needs",
     "Travel Co Ltd", "", "France (residential trip)", "Art 49(1)(a) explicit consent, given by parents",
     "Until the end of the trip", "Consent", "Explicit consent", "", "", "Parents",
     "Consent forms kept in the school office", "Trip folder", "Trips leader"],
]


def school_workbook(path: Path, block_sheet: bool = False) -> Path:
    """The workbook; with ``block_sheet`` the organisation block is on a sheet of its own
    (as the ICO template's later versions lay it out) instead of above the table."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    workbook = Workbook()
    notes = workbook.active
    notes.title = "Introduction"
    notes["A1"] = "Documentation template for controllers"
    notes["A2"] = "Use the sheet 'Record of processing' to record your processing activities."
    if block_sheet:
        block = workbook.create_sheet("Controller details")
        start = 1
    else:
        block = None
    sheet = workbook.create_sheet("Record of processing")
    target = block or sheet
    for row, (label, value) in enumerate(
            (("Name and contact details of your organisation", ORGANISATION),
             ("Name and contact details of your Data Protection Officer (if applicable)", DPO),
             ("Name and contact details of your representative (if applicable)", REPRESENTATIVE)), 1):
        target.cell(row=row, column=1, value=label)
        target.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)  # label over A:B
        target.cell(row=row, column=3, value=value)
        target.merge_cells(start_row=row, start_column=3, end_row=row, end_column=6)  # value over C:F
    start = 1 if block_sheet else 5
    for column, heading in enumerate(HEADINGS, 1):
        sheet.cell(row=start, column=column, value=heading)
    for offset, values in enumerate(ROWS, start + 1):
        for column, value in enumerate(values, 1):
            if value:
                sheet.cell(row=offset, column=column, value=value)
    payroll = start + 1 + next(i for i, r in enumerate(ROWS) if r[0] == "Payroll")
    sheet.cell(row=payroll, column=6).hyperlink = "https://mosshey.example/contracts/payroll.pdf"
    catering = start + 1 + next(i for i, r in enumerate(ROWS) if r[0] == "Catering and allergies")
    sheet.cell(row=catering, column=9).comment = Comment("Check with the caterer: they may keep "
                                                         "allergy records longer", "SBM")
    workbook.save(path)
    return path


def school_spreadsheet_ods(path: Path) -> Path:
    """The same record as an OpenDocument spreadsheet (.ods, as LibreOffice and Google
    Sheets save it), built with odfdo: merged cells, a link on the payroll contract's
    words, a note (annotation) on a cell, line breaks as paragraphs."""
    from odfdo import Annotation, Cell, Document, Link, Paragraph, Table

    document = Document("spreadsheet")
    document.body.clear()
    intro = Table("Introduction")
    intro.set_value("A1", "Documentation template for controllers")
    document.body.append(intro)
    sheet = Table("Record of processing")

    def put(row: int, column: int, text: str) -> None:  # rows and columns from 1
        cell = Cell()
        for line in text.split("\n"):
            cell.append(Paragraph(line))
        sheet.set_cell((column - 1, row - 1), cell)

    for row, (label, value) in enumerate(
            (("Name and contact details of your organisation", ORGANISATION),
             ("Name and contact details of your Data Protection Officer (if applicable)", DPO),
             ("Name and contact details of your representative (if applicable)", REPRESENTATIVE)), 1):
        put(row, 1, label)
        put(row, 3, value)
    start = 5
    for column, heading in enumerate(HEADINGS, 1):
        put(start, column, heading)
    for offset, values in enumerate(ROWS, start + 1):
        for column, value in enumerate(values, 1):
            if value:
                put(offset, column, value)
    payroll = start + 1 + next(i for i, r in enumerate(ROWS) if r[0] == "Payroll")
    linked = Cell()
    paragraph = Paragraph("")
    paragraph.append(Link("https://mosshey.example/contracts/payroll.pdf", text="Payroll Bureau Ltd"))
    linked.append(paragraph)
    sheet.set_cell((5, payroll - 1), linked)
    catering = start + 1 + next(i for i, r in enumerate(ROWS) if r[0] == "Catering and allergies")
    noted = sheet.get_cell((8, catering - 1))
    noted.append(Annotation("Check with the caterer: they may keep allergy records longer", creator="SBM"))
    sheet.set_cell((8, catering - 1), noted)
    for row in range(1, 4):  # the labels over A:B and the values over C:F, merged
        sheet.set_span(f"A{row}:B{row}")
        sheet.set_span(f"C{row}:F{row}")
    document.body.append(sheet)
    document.save(str(path))
    return path


FILLED_IN = {"ICO registration number": "Z1234567", "URN": "123456",
             "email for data protection requests": "dpo@mosshey.sch.uk",
             "link to the school website": "https://mosshey.example",
             "link to your appropriate policy document": "https://mosshey.example/apd",
             "link to your data protection policy": "https://mosshey.example/dp",
             "must people give it": "voluntary", "publication date, written YYYY-MM-DD": "2026-12-03",
             "recipient kind": "public-body"}
"""What a DPO types in for each placeholder the import leaves in this record's project
(illustrative values, for tests and timings)."""


def fill_in(project: Path) -> int:
    """Replace each placeholder in the project's data map and notices with FILLED_IN's
    value for its label; the number replaced."""
    import re

    count = 0

    def value(match):
        nonlocal count
        if match[1] in FILLED_IN:
            count += 1
            return FILLED_IN[match[1]]
        return match[0]

    for path in [*project.glob("datamap/**/*.yaml"), *project.glob("notices/*.md")]:
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"TODO\(([^):]+)(?::[^)]*)?\)", value, text), encoding="utf-8")
    return count
