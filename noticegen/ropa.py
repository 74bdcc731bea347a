"""The record of processing activities (UK GDPR Art 30): one row per activity.

Columns follow the ICO's documentation template for controllers, in its order and
under its grouped headings, so a DPO's spreadsheet looks the way auditors expect.
The same rows feed the HTML page, the CSV file and the XLSX workbook; openpyxl is
imported only when the workbook is written.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from noticegen.derive import join_words, retention_period
from noticegen.model import Entry, Model

GROUPS: list[tuple[str, list[str]]] = [
    ("Article 30 record of processing activities", [
        "Business function",
        "Purpose of processing",
        "Name and contact details of joint controller (if applicable)",
        "Categories of individuals",
        "Categories of personal data",
        "Categories of recipients",
        "Link to contract with processor",
        "Names of third countries or international organisations that personal data are "
        "transferred to (if applicable)",
        "Safeguards for exceptional transfers of personal data to third countries or "
        "international organisations (if applicable)",
        "Retention schedule (if possible)",
        "General description of technical and organisational security measures (if possible)",
    ]),
    ("Privacy notices", [
        "Article 6 lawful basis for processing personal data",
        "Article 9 condition for processing special category data",
        "Legitimate interests for the processing (if applicable)",
        "Link to record of legitimate interests assessment (if applicable)",
        "Rights available to individuals",
        "Existence of automated decision-making, including profiling (if applicable)",
        "The source of the personal data (if applicable)",
    ]),
    ("Access requests", ["Location of personal data"]),
    ("Data Protection Impact Assessments", [
        "Data Protection Impact Assessment required?",
        "Data Protection Impact Assessment progress",
        "Link to the Data Protection Impact Assessment",
    ]),
    ("Special category or criminal conviction and offence data", [
        "Data Protection Act 2018 Schedule 1 condition for processing",
        "Condition for processing criminal offence data (Article 10)",
    ]),
    ("noticegen", ["Activity id", "Notices that cover it", "Internal handling",
                   "Legislation relied on", "Providing the data"]),
]
"""(group heading, its columns), in the ICO template's order; noticegen's own last."""

COLUMNS = [column for _, columns in GROUPS for column in columns]


@dataclass
class Ropa:
    organisation: Entry
    rows: list[list[str]]

    @property
    def groups(self):
        return GROUPS

    @property
    def columns(self):
        return COLUMNS

    def controller_block(self) -> list[tuple[str, str]]:
        """The lines above the table: controller, DPO, contacts (Art 30(1)(a))."""
        org = self.organisation
        lines = [("Controller", ", ".join([org["name"], *org.get("address", [])]))]
        lines.append(("Controller contact", _contact(org["contact"])))
        if org.get("urn"):
            lines.append(("URN", org["urn"]))
        if org.get("ico_registration"):
            lines.append(("ICO registration number", org["ico_registration"]))
        lines.append(("Data Protection Officer", _contact(org["dpo"]) if org.get("dpo") else "not recorded"))
        if org.get("privacy_contact"):
            lines.append(("Privacy contact", _contact(org["privacy_contact"])))
        if org.get("representative"):
            lines.append(("Representative", _contact(org["representative"])))
        for joint in org.get("joint_controllers", []):
            lines.append(("Joint controller", _contact(joint)))
        return lines


def _contact(person: dict) -> str:
    parts = [person.get("role"), person.get("name"), person.get("email"), person.get("phone"),
             ", ".join(person.get("address", [])) or None, person.get("url")]
    return ", ".join(p for p in parts if p)


def _lines(items) -> str:
    return "\n".join(str(i) for i in items if i)


def build_ropa(model: Model) -> Ropa:
    from noticegen.derive import _rights  # the same rule the notices use

    rows = []
    covering = {slug: notice.activity_ids for slug, notice in model.notices.items()}
    registers = model.registers
    for ident, activity in sorted(model.activities.items()):
        basis = activity["lawful_basis"]
        shares = activity.get("recipients", [])
        recipients = [registers["recipient"][s["recipient"]] for s in shares]
        transfers = activity.get("transfers", [])
        dpia = activity.get("dpia", {})
        adm = activity.get("automated_decision_making", False)
        row = [
            activity.get("business_function") or activity["name"],
            _lines(activity["purposes"]),
            _contact(activity["joint_controller"]) if activity.get("joint_controller") else "",
            _lines(registers["subject"][s]["name"] for s in activity["subjects"]),
            _lines(f"{registers['category'][c]['name']} ({registers['category'][c]['type']})"
                   for c in activity["categories"]),
            _lines(r["name"] for r in recipients),
            _lines(f"{registers['recipient'][s['recipient']]['name']}: {s['contract']}"
                   for s in shares if s.get("contract")),
            _lines(t["country"] for t in transfers),
            _lines(f"{t['country']}: {t['safeguard']}" for t in transfers if t.get("safeguard")),
            _lines(f"{registers['retention'][r]['name']}: {retention_period(registers['retention'][r])}"
                   for r in activity["retention"]),
            _lines(activity.get("security_measures", [])),
            _lines(f"{model.bases[b].reference} ({model.bases[b].name})" for b in basis["article_6"]),
            _lines(f"{model.bases[b].reference} ({model.bases[b].name})" for b in basis.get("article_9", [])),
            basis.get("legitimate_interests", ""),
            basis.get("legitimate_interests_assessment", ""),
            join_words([name for _, name, _ in _rights(model, [activity])]),
            "Yes: " + adm["logic"] if isinstance(adm, dict) else "No",
            _lines(registers["source"][s]["name"] for s in activity.get("sources", [])),
            _lines(activity.get("systems", [])),
            ("Yes" if dpia["required"] else "No") if dpia else "",
            dpia.get("status", ""),
            dpia.get("link", ""),
            _lines(f"{model.bases[b].reference} ({model.bases[b].name})" for b in basis.get("schedule_1", [])),
            _lines(f"{model.bases[b].reference} ({model.bases[b].name})"
                   for b in basis.get("criminal_offence", [])),
            ident,
            _lines(slug for slug, ids in sorted(covering.items()) if ident in ids),
            _lines(activity.get("handled_by", [])),
            _lines(f"{registers['legislation'][law]['title']}"
                   + (f", {registers['legislation'][law]['provision']}"
                      if registers['legislation'][law].get("provision") else "")
                   for law in activity.get("legislation", [])),
            activity.get("provision", {}).get("requirement", ""),
        ]
        assert len(row) == len(COLUMNS)
        rows.append(row)
    return Ropa(model.organisation, rows)


def to_csv(ropa: Ropa) -> bytes:
    """The table alone (one header row), UTF-8 with a BOM so Excel reads it as UTF-8."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ropa.columns)
    writer.writerows([[_csv_safe(v) for v in row] for row in ropa.rows])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def to_xlsx(ropa: Ropa, title: str) -> bytes:
    """The workbook: controller block, grouped headings, frozen header, filters, wrapping."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Record of processing"
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    group_fill = PatternFill("solid", fgColor="1D3557")
    header_fill = PatternFill("solid", fgColor="DCE3EA")

    sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    row = 2
    for label, value in ropa.controller_block():
        sheet.cell(row=row, column=1, value=label).font = bold
        _text(sheet.cell(row=row, column=2), value)
        row += 1
    row += 1

    group_row, header_row = row, row + 1
    column = 1
    for group, columns in ropa.groups:
        cell = sheet.cell(row=group_row, column=column, value=group)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = group_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if len(columns) > 1:
            sheet.merge_cells(start_row=group_row, start_column=column,
                              end_row=group_row, end_column=column + len(columns) - 1)
        column += len(columns)
    for index, name in enumerate(ropa.columns, 1):
        cell = sheet.cell(row=header_row, column=index, value=name)
        cell.font = bold
        cell.fill = header_fill
        cell.alignment = wrap
        cell.border = border
        sheet.column_dimensions[get_column_letter(index)].width = 32
    for offset, values in enumerate(ropa.rows, 1):
        for index, value in enumerate(values, 1):
            cell = _text(sheet.cell(row=header_row + offset, column=index), value)
            cell.alignment = wrap
            cell.border = border
    last = get_column_letter(len(ropa.columns))
    sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + max(len(ropa.rows), 1)}"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    sheet.row_dimensions[header_row].height = 75
    sheet.print_title_rows = f"{group_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"

    workbook.properties.creator = "noticegen"
    workbook.properties.title = title
    return _deterministic_xlsx(workbook)


def _text(cell, value: str):
    """Store text as text: a value starting '=' must never become a formula."""
    cell.value = str(value)
    cell.data_type = "s"
    return cell


def _csv_safe(value: str) -> str:
    """Text a spreadsheet opening the CSV would run as a formula gets a leading quote."""
    value = str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _deterministic_xlsx(workbook) -> bytes:
    """Save the workbook with fixed timestamps, so the same input gives the same bytes."""
    import datetime as dt
    import zipfile

    fixed = dt.datetime(2000, 1, 1)
    workbook.properties.created = fixed
    workbook.properties.modified = fixed
    raw = io.BytesIO()
    workbook.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _fixed_core(data)
            stamped = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            stamped.compress_type = zipfile.ZIP_DEFLATED
            stamped.external_attr = 0o644 << 16
            target.writestr(stamped, data)
    return out.getvalue()


def _fixed_core(data: bytes) -> bytes:
    import re

    return re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                  rb"\g<1>2000-01-01T00:00:00Z\g<3>", data)
