"""Render the record of processing activities (UK GDPR Art 30): its rows (computed in
:mod:`noticegen.model.record`) as the HTML page's data, a CSV file and an XLSX workbook;
openpyxl is imported only when the workbook is written.
"""

from __future__ import annotations

import csv
import io

from noticegen.text import i18n
from noticegen.model.record import _FIXED, ILLUSTRATIVE, Ropa, _policy_document, row_values
from noticegen.model.resolve import Model, localised


def build_ropa(model: Model) -> Ropa:
    """The record, in the project's language: values written per language give their text
    in it, and the cells noticegen writes itself ('None', 'Not applicable') are translated."""
    language = model.language
    _ = i18n.gettext_for(language)
    model = localised(model, language)
    rows = [[(_(value) if value in _FIXED else value.replace(ILLUSTRATIVE, _(ILLUSTRATIVE))
              if value else value) or ""
             for _column, value in row_values(model, ident, activity, language)]
            for ident, activity in sorted(model.activities.items())]
    return Ropa(model.organisation, rows, model.establishment, language,
                model.publisher if model.example else "", _policy_document(model))


def to_csv(ropa: Ropa) -> bytes:
    """The table (one header row), each row ending with whose record it is (controller,
    establishment, DPO), UTF-8 with a BOM so Excel reads it as UTF-8."""
    buffer = io.StringIO(newline="")
    # every field quoted (OWASP's advice against CSV injection): a spreadsheet that splits
    # on ';' or ',' still sees each cell whole
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    _ = i18n.gettext_for(ropa.language)
    writer.writerow(ropa.columns + [_(column) for column in ropa.IDENTITY])
    identity = ropa.identity()
    writer.writerows([[_csv_safe(v) for v in row + identity] for row in ropa.rows])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def to_xlsx(ropa: Ropa, title: str) -> bytes:
    """The workbook: controller block, grouped headings, frozen header, filters, wrapping."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    _ = i18n.gettext_for(ropa.language)
    sheet.title = _("Record of processing")[:31]
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
