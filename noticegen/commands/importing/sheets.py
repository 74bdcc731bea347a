"""Spreadsheets, for import: a record of processing's sheets read as text, its heading
row found, and its cells split into list items.

Real records are messy: title rows above the headings, grouped headings in merged
cells, instructions sheets, blank rows, bullets and line breaks inside cells. This
module turns an .xlsx workbook (openpyxl), an .ods spreadsheet (odfdo) or a .csv file
(csv), each imported lazily,
into plain rows of text and says which column holds what; :mod:`noticegen.commands.importing`
makes the project from them.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from noticegen.classes import dataclass, field
from noticegen.problems import NoticegenError

NOT_GIVEN = {"", "none", "no", "n/a", "na", "not applicable", "-", "–", "nil",
             "no link yet (see its progress)"}
"""Cell texts that mean 'nothing here'."""

ILLUSTRATIVE = "(illustrative: not yet confirmed)"
"""What noticegen's record writes after a value the school has still to confirm."""

BULLETS = "•◦▪‣●·*-–—"

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
"""A record of processing is a few hundred rows: a bigger file, or a workbook that
unpacks to more than this (a 'zip bomb'), is refused before it is read."""

MAX_ROWS = 20_000
MAX_COLUMNS = 500
"""Where a cell (or a merged range) may lie in a sheet: a workbook of a few kilobytes can
name cell XFD1048576, and reading it as a table would build every cell between."""

_CELL_REF = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\b[^>]*?\sr=\"([A-Z]{1,4})([0-9]{1,9})\"")
_MERGE_REF = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\sref=\"([A-Z]{1,4})([0-9]{1,9})"
                        rb"(?::([A-Z]{1,4})([0-9]{1,9}))?\"")

# ----------------------------------------------------------------- reading sheets

@dataclass
class Sheet:
    """One sheet's cells as text, merged cells filled in from their top-left cell."""

    name: str
    rows: list[list[str]]
    notes: dict = field(default_factory=dict)
    """(row index, column index) -> the text of a note (comment) on that cell."""


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of an .xlsx workbook, or the one table of a .csv file; a plain
    sentence (exit 2) when the file is not a spreadsheet noticegen can read."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise NoticegenError(f"cannot import {path}: there is no such file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise NoticegenError(f"cannot import {path}: it is {path.stat().st_size:,} bytes, more than "
                             f"a record of processing needs (the limit is {MAX_FILE_BYTES:,})")
    if suffix == ".csv":
        return [_read_csv(path)]
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix == ".ods":
        return _read_ods(path)
    raise NoticegenError(f"cannot import {path}: give an Excel workbook (.xlsx), a LibreOffice or "
                         "Google Sheets spreadsheet (.ods) or a CSV file (.csv)")


def _read_csv(path: Path) -> Sheet:
    import csv

    raw = path.read_bytes()
    if b"\x00" in raw:
        raise NoticegenError(f"cannot import {path}: it is not a text (CSV) file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Excel's 'CSV' on Windows
    # Excel writes ';' where ',' is the decimal comma: read the file each way and keep
    # the reading in which a row of record headings stands out best
    best, best_score = None, -1
    for delimiter in (",", ";", "\t"):
        rows = [[_unguarded(_one_kind_of_break(cell).strip()) for cell in row]
                for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
        table = find_table(Sheet(path.stem, rows))
        score = len(table.columns) if table else 0
        if score > best_score:
            best, best_score = rows, score
    rows = best
    return Sheet(path.stem, rows)


def _unguarded(cell: str) -> str:
    """A cell without the quote noticegen's CSV puts before text a spreadsheet would run
    as a formula ('=..., '-...)."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@", "\t", "\r") else cell


def _read_xlsx(path: Path) -> list[Sheet]:
    import warnings
    import zipfile

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        unpacked = 0  # load_workbook says what is wrong with it
    if unpacked > MAX_UNPACKED_BYTES:
        raise NoticegenError(f"cannot import {path}: it unpacks to {unpacked:,} bytes, more than a "
                             f"record of processing needs (the limit is {MAX_UNPACKED_BYTES:,})")
    if unpacked:
        _refuse_far_cells(path)
    try:
        with warnings.catch_warnings():  # e.g. 'Data Validation extension is not supported'
            warnings.simplefilter("ignore")
            workbook = load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise NoticegenError(f"cannot import {path}: it is not a workbook Excel can open "
                             f"({type(exc).__name__}); save it again as .xlsx and retry") from None
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise NoticegenError(f"cannot import {path}: the workbook is damaged "
                             f"({type(exc).__name__}); save it again as .xlsx and retry") from None
    sheets = []
    for sheet in workbook.worksheets:
        rows, notes = [], {}
        for r, row in enumerate(sheet.iter_rows(max_row=min(sheet.max_row, MAX_ROWS),
                                                max_col=min(sheet.max_column, MAX_COLUMNS))):
            rows.append([_linked_text(cell) for cell in row])
            for c, cell in enumerate(row):
                comment = getattr(cell, "comment", None)
                if comment is not None and str(comment.text or "").strip():
                    notes[(r, c)] = _cell_text(comment.text)
        width = max((len(row) for row in rows), default=0)
        for merged in sheet.merged_cells.ranges:  # every cell of a merge gets its value
            top = rows[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(rows) else ""
            for r in range(merged.min_row, min(merged.max_row, len(rows)) + 1):
                for c in range(merged.min_col, min(merged.max_col, width) + 1):
                    if c <= len(rows[r - 1]):
                        rows[r - 1][c - 1] = top
        sheets.append(Sheet(sheet.title, rows, notes))
    return sheets


def _read_ods(path: Path) -> list[Sheet]:
    """Every sheet of an OpenDocument spreadsheet (LibreOffice, Google Sheets' .ods), read
    with odfdo: each cell's text (a link on its words as 'words: address', as for .xlsx),
    merged cells filled in from their top-left cell, notes on cells kept."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise NoticegenError(f"cannot import {path}: it is not a spreadsheet LibreOffice can open; "
                             "save it again as .ods and retry") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise NoticegenError(f"cannot import {path}: it unpacks to {unpacked:,} bytes, more than a "
                             f"record of processing needs (the limit is {MAX_UNPACKED_BYTES:,})")
    from odfdo import Document

    try:
        tables = Document(str(path)).body.get_tables()
    except Exception as exc:  # odfdo and lxml raise many kinds on a damaged file
        raise NoticegenError(f"cannot import {path}: the spreadsheet is damaged or not an "
                             f"OpenDocument spreadsheet ({type(exc).__name__}); save it again as "
                             ".ods and retry") from None
    sheets = []
    for table in tables:
        table.rstrip()  # LibreOffice repeats an empty row a million times to fill the sheet
        if table.height > MAX_ROWS or table.width > MAX_COLUMNS:
            raise NoticegenError(
                f"cannot import {path}: sheet '{table.name}' reaches row {table.height:,}, column "
                f"{table.width:,}, far beyond a record of processing (at most {MAX_ROWS:,} rows and "
                f"{MAX_COLUMNS} columns); delete what is there, save it again and retry")
        rows, notes, spans = [], {}, []
        for r, row in enumerate(table.traverse()):
            texts = []
            for c, cell in enumerate(row.traverse()):
                texts.append(_ods_text(cell))
                note = " ".join(" ".join(p.text_recursive.split()) for n in
                                cell.get_elements("office:annotation") for p in n.get_elements("text:p"))
                if note.strip():
                    notes[(r, c)] = note.strip()
                down = int(cell.get_attribute("table:number-rows-spanned") or 1)
                across = int(cell.get_attribute("table:number-columns-spanned") or 1)
                if down > 1 or across > 1:
                    spans.append((r, c, min(down, MAX_ROWS), min(across, MAX_COLUMNS)))
            rows.append(texts)
        for r, c, down, across in spans:
            top = rows[r][c]
            for rr in range(r, min(r + down, len(rows))):
                for cc in range(c, min(c + across, len(rows[rr]))):
                    rows[rr][cc] = top
        sheets.append(Sheet(str(table.name or ""), rows, notes))
    return sheets


def _ods_text(cell) -> str:
    if cell.tag != "table:table-cell":
        return ""  # a cell covered by a merged one: filled in from it
    value = cell.value
    if value is not None and not isinstance(value, str):
        return _cell_text(value)
    lines = [p.text_recursive for p in cell.get_elements("text:p")]
    text = "\n".join(lines) if lines else (value or "")
    # odfdo writes a link on words as [words](address): as 'words: address', as for .xlsx
    text = re.sub(r"\[([^\]\n]*)\]\((https?://[^)\s]+)\)",
                  lambda m: m[2] if m[1].strip() in ("", m[2]) else f"{m[1]}: {m[2]}", text)
    return _cell_text(text)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _refuse_far_cells(path: Path) -> None:
    """Read each sheet's XML for where its cells and merged ranges lie, before openpyxl
    builds them (it makes an object for every cell of a merged range), and refuse one
    beyond MAX_ROWS x MAX_COLUMNS with the place named."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        for member in archive.infolist():
            if not (member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")):
                continue
            data = archive.read(member)  # bounded: the whole workbook unpacks to < MAX_UNPACKED_BYTES
            places = [(m[1], m[2]) for m in _CELL_REF.finditer(data)]
            places += [(m[3], m[4]) for m in _MERGE_REF.finditer(data) if m[3]]
            places += [(m[1], m[2]) for m in _MERGE_REF.finditer(data)]
            for column, row in places:
                if int(row) > MAX_ROWS or _column_number(column) > MAX_COLUMNS:
                    where = (column + row).decode("ascii")
                    raise NoticegenError(
                        f"cannot import {path}: a cell or merged range reaches {where}, far beyond a "
                        f"record of processing (at most {MAX_ROWS:,} rows and {MAX_COLUMNS} columns); "
                        "delete what is there, save the workbook again and retry")


def _linked_text(cell) -> str:
    """A cell's text, with the web address a link on it points to when the text does not
    show it ('Contract' linked to https://...: 'Contract: https://...')."""
    text = _cell_text(cell.value)
    link = getattr(cell, "hyperlink", None)
    target = str(getattr(link, "target", "") or "").strip() if link is not None else ""
    if re.fullmatch(r"https?://[^\s<>\"]+", target) and target not in text:
        return f"{text}: {target}" if text else target
    return text


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return _one_kind_of_break(str(value)).strip()


def _one_kind_of_break(text: str) -> str:
    """Every character that ends a line (CR, NEL, LINE and PARAGRAPH SEPARATOR, vertical
    tab, form feed ...) as '\\n', so a cell's lines are split one way and no other break
    reaches a written value."""
    return re.sub("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]", "\n", text.replace("\r\n", "\n"))


# ----------------------------------------------------------------- finding the table

# (field, phrases a heading contains), tried in order: the first that fits wins, so the
# more particular headings come before the general ones.
_HEADINGS: list[tuple[str, tuple[str, ...]]] = [
    # whose record a row is: noticegen's CSV repeats it on every row (Art 30(1)(a))
    ("row_controller", ("controller (name, address",)),
    ("row_establishment", ("establishment",)),
    ("row_dpo", ("data protection officer",)),
    ("activity_id", ("activity id",)),
    ("notices", ("notices that cover",)),
    ("handled_by", ("internal handling", "handled by", "who handles")),
    ("legislation", ("legislation",)),
    ("provision", ("providing the data", "statutory or contractual")),
    ("criminal_offence", ("criminal offence data", "article 10")),
    ("annex_1", ("recognised legitimate interest",)),
    ("lia", ("legitimate interests assessment", "legitimate interest assessment")),
    ("legitimate_interests", ("legitimate interest",)),
    ("joint_controller", ("joint controller",)),
    ("contract", ("contract with processor", "processor contract")),
    ("safeguards", ("safeguard",)),
    ("countries", ("third countr", "international organisation")),
    ("policy_link", ("retention and erasure policy",)),
    ("policy_followed", ("in accordance with the policy",)),
    ("policy_reason", ("not adhering",)),
    ("retention", ("retention",)),
    ("security", ("security",)),
    ("schedule_1", ("schedule 1",)),
    ("article_9", ("article 9", "art 9", "special category")),
    ("article_6", ("article 6", "art 6", "lawful basis")),
    ("rights", ("rights available", "rights")),
    ("adm", ("automated decision",)),
    ("consent_record", ("record of consent",)),
    ("sources", ("source",)),
    ("systems", ("location of personal data", "where it is held", "where held", "systems")),
    ("dpia_required", ("impact assessment required", "dpia required")),
    ("dpia_progress", ("impact assessment progress", "dpia progress")),
    ("dpia_link", ("link to the data protection impact", "link to dpia")),
    ("breach", ("breach occurred", "breach has occurred")),
    ("breach_record", ("record of personal data breach",)),
    ("business_function", ("business function", "processing activity", "activity", "function")),
    ("purposes", ("purpose",)),
    ("subjects", ("categories of individuals", "data subjects", "individuals", "whose data")),
    ("recipients", ("recipient", "shared with")),
    ("categories", ("categories of personal data", "personal data categories", "types of personal data",
                    "data categories", "categories of data")),
]
_NAME_FIELDS = ("business_function", "purposes")


def heading_field(text: str) -> str | None:
    """The field a column heading stands for, or None."""
    heading = " ".join(text.lower().replace("*", " ").split())
    if not heading or len(heading) > 160:
        return None  # a paragraph of instructions, not a heading
    for name, phrases in _HEADINGS:
        if any(phrase in heading for phrase in phrases):
            return name
    return None


@dataclass
class Table:
    """A sheet's table: its heading row and which column holds which field."""

    sheet: Sheet
    header: int  # index of the heading row in sheet.rows
    columns: dict[str, int]  # field -> column index (the first column with that field)
    extras: dict[int, str] = field(default_factory=dict)
    """Column index -> heading, for the columns no field holds (or a second column
    with a field's heading): their cells are kept beside the row, never dropped."""

    @property
    def own_layout(self) -> bool:
        """A record noticegen wrote itself: its cells list one item per line."""
        return "activity_id" in self.columns


def find_table(sheet: Sheet) -> Table | None:
    """The heading row of a sheet that looks like a record of processing: the row,
    within the first 40, whose cells name the most columns (at least three, one of
    them the purpose or business function). None for an instructions sheet."""
    best: Table | None = None
    for index, row in enumerate(sheet.rows[:40]):
        columns: dict[str, int] = {}
        for column, text in enumerate(row):
            name = heading_field(text)
            if name and name not in columns:
                columns[name] = column
        if len(columns) >= 3 and any(n in columns for n in _NAME_FIELDS):
            if best is None or len(columns) > len(best.columns):
                taken = set(columns.values())
                extras = {column: " ".join(text.split()) or f"column {_column_letters(column)}"
                          for column, text in enumerate(row) if column not in taken}
                best = Table(sheet, index, columns, extras)
    return best


def _column_letters(index: int) -> str:
    letters, number = "", index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ----------------------------------------------------------------- splitting cells

def items(text: str, commas: bool = False) -> list[str]:
    """A cell's list items: one per line, bullet or semicolon ('•', '-', '*' marks are
    taken off); with ``commas``, commas outside brackets split too."""
    if text.strip().lower() in NOT_GIVEN:
        return []
    parts = []
    for line in text.split("\n"):
        for piece in re.split(r"\s+[•◦▪‣●]\s+|^[•◦▪‣●]\s*", line):
            parts.extend(_split_outside_brackets(piece, ";," if commas else ";"))
    found = []
    for part in parts:
        part = part.strip()
        while part and (part[0] in BULLETS and part[1:2] in (" ", "\t") or part[0] in "•◦▪‣●"):
            part = part[1:].strip()
        if part and part.lower() not in NOT_GIVEN and part not in found:
            found.append(part)
    return found


def _split_outside_brackets(text: str, separators: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char in "([" 
        depth -= char in ")]" and depth > 0
        if char in separators and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return parts + [current]


def lines(text: str) -> list[str]:
    """A noticegen record's cell: one item per line, nothing else split."""
    return [line.strip() for line in text.split("\n")
            if line.strip() and line.strip().lower() not in NOT_GIVEN]


# ----------------------------------------------------------------- reading the rows

@dataclass
class _Row:
    """One row of a record of processing, its cells by field."""

    sheet: str
    number: int  # the spreadsheet's own row number, from 1
    cells: dict[str, str]
    own_layout: bool
    marks: set = field(default_factory=set)
    """Columns the record marks illustrative as a whole (a last line of its own)."""
    item_marks: dict = field(default_factory=dict)
    """Column -> the items (lines) in it that are marked illustrative, unmarked."""
    kept: list = field(default_factory=list)
    """(heading, text) for what the row says that no field holds: a column without a
    field, a second column with a field's heading, a note on a cell."""

    @property
    def where(self) -> str:
        return f"sheet '{self.sheet}', row {self.number}"

    def get(self, name: str) -> str:
        return self.cells.get(name, "").strip()


def read_rows(path: Path) -> tuple[list[_Row], dict[str, str], list[str]]:
    """The rows of every sheet that looks like a record of processing, the controller
    block above a noticegen table (label -> value), and sentences about sheets skipped."""
    sheets = read_sheets(path)
    rows: list[_Row] = []
    controller: dict[str, str] = {}
    said = []
    tables = []
    skipped: list[Sheet] = []
    for sheet in sheets:
        table = find_table(sheet)
        if table is None:
            skipped.append(sheet)
            continue
        tables.append(table)
    if not tables:
        raise NoticegenError(f"cannot import {path}: no sheet has a row of headings such as "
                             "'Business function', 'Purpose of processing' and 'Categories of "
                             "individuals'; is it a record of processing?")
    _contact_blocks(sheets, {id(t.sheet): t.header for t in tables}, controller)
    for sheet in skipped:
        blocks = [label for kind, label in (("organisation", "the organisation's"), ("dpo", "the DPO's"),
                                           ("representative", "the representative's"))
                  if controller.get(f"ico:{kind}@", "").startswith(f"sheet '{sheet.name}',")]
        if blocks:
            said.append(f"sheet '{sheet.name}' gave {' and '.join(b for b in blocks)} details "
                        "(name and contact details)")
        elif any(any(c for c in r) for r in sheet.rows):
            said.append(f"sheet '{sheet.name}' was skipped: it has no row of record of "
                        "processing headings (instructions or notes)")
    for table in tables:
        for label_row in table.sheet.rows[:table.header]:
            cells = _distinct(label_row)
            if len(cells) >= 2 and len(cells[0]) < 60 and not _block_label(cells[0]):
                controller.setdefault(cells[0], cells[1])
                controller.setdefault("", table.sheet.name)
        header_texts = table.sheet.rows[table.header]
        for offset, row in enumerate(table.sheet.rows[table.header + 1:], table.header + 2):
            cells = {name: (row[column] if column < len(row) else "")
                     for name, column in table.columns.items()}
            if not any(v.strip() for v in cells.values()):
                continue  # a blank row
            if row[:len(header_texts)] == header_texts:
                continue  # the headings repeated (a printed page's title rows)
            if not (cells.get("business_function", "").strip() or cells.get("purposes", "").strip()):
                said.append(f"sheet '{table.sheet.name}', row {offset} was skipped: it gives "
                            "neither a business function nor a purpose")
                continue
            filled = [name for name, value in cells.items() if value.strip()]
            if filled == ["business_function"]:
                said.append(f"sheet '{table.sheet.name}', row {offset} was skipped: it holds only "
                            f"'{' '.join(cells['business_function'].split())}', taken for a heading "
                            "between groups of rows")
                continue
            kept = []
            for column, heading in table.extras.items():
                text = row[column].strip() if column < len(row) else ""
                if text and text.lower() not in NOT_GIVEN and text not in cells.values():
                    kept.append((heading, text))
            headings = dict(enumerate(header_texts))
            for (r, column), note in sorted(table.sheet.notes.items()):
                if r == offset - 1:
                    kept.append((f"note on '{' '.join(headings.get(column, '').split()) or _column_letters(column)}'",
                                 note))
            rows.append(_take_marks(_Row(table.sheet.name, offset, cells, table.own_layout, kept=kept)))
    if not rows:
        raise NoticegenError(f"cannot import {path}: the record of processing has headings but "
                             "no rows under them")
    _controller_from_rows(rows, controller)
    return rows, controller, said


_ITEM_MARKED = ("recipients", "contract", "retention", "systems", "countries", "safeguards")
"""Columns whose lines are items that can each be marked illustrative."""
_KEEPS_MARK = ("provision", "joint_controller", "row_controller", "row_dpo", "policy_link")
"""Columns whose marks are read where the column is read."""


def _take_marks(row: _Row) -> _Row:
    """Take the '(illustrative: not yet confirmed)' marks noticegen's own record writes off
    the row's cells, remembering them: a whole column's (a last line of its own, or the
    one line of a column that is not a list) and each item's (a line ending with it)."""
    for name, text in list(row.cells.items()):
        if name in _KEEPS_MARK or ILLUSTRATIVE not in text:
            continue
        found = text.rstrip().split("\n")
        if found and found[-1].strip() == ILLUSTRATIVE:
            row.marks.add(name)
            found = found[:-1]
        kept = []
        for line in found:
            stripped = line.rstrip()
            if stripped.endswith(ILLUSTRATIVE):
                stripped = stripped.removesuffix(ILLUSTRATIVE).rstrip()
                if name in _ITEM_MARKED:
                    row.item_marks.setdefault(name, set()).add(stripped.strip())
                else:
                    row.marks.add(name)
            kept.append(stripped)
        row.cells[name] = "\n".join(kept)
    return row


_BLOCK_LABELS = (
    ("organisation", ("contact details of your organisation", "contact details of the organisation",
                      "contact details of the controller", "contact details of your organization")),
    ("dpo", ("contact details of your data protection officer",
             "contact details of the data protection officer", "contact details of your dpo")),
    ("representative", ("contact details of your representative", "contact details of the representative")),
)
"""The ICO documentation template's own labels for the block above (or beside) the table:
whose record it is (UK GDPR Art 30(1)(a): the controller, its representative and its
data protection officer, each with name and contact details)."""


def _block_label(text: str) -> str | None:
    label = " ".join(text.lower().replace("’", "'").split())
    if len(label) > 120:
        return None
    return next((kind for kind, phrases in _BLOCK_LABELS if any(p in label for p in phrases)), None)


def _distinct(row: list[str]) -> list[str]:
    """A row's filled cells, a merged cell's repeated text given once."""
    found: list[str] = []
    for cell in row:
        if cell and (not found or cell != found[-1]):
            found.append(cell)
    return found


def _contact_blocks(sheets: list[Sheet], headers: dict[int, int], controller: dict[str, str]) -> None:
    """The organisation, DPO and representative blocks under the ICO template's labels,
    on a record sheet above its table or on a sheet of their own: the value is the
    text in the cells to the label's right, or else in the cell below it. Kept in
    ``controller`` as 'ico:<kind>' (the text) and 'ico:<kind>@' (where it was)."""
    for sheet in sheets:
        end = headers.get(id(sheet), min(len(sheet.rows), 60))
        for r, row in enumerate(sheet.rows[:end]):
            for c, cell in enumerate(row):
                kind = _block_label(cell) if cell else None
                if not kind or f"ico:{kind}" in controller:
                    continue
                right = []
                for text in _distinct(row[c + 1:]):  # up to the next label in the row
                    if text == cell:
                        continue  # the label itself, merged over the next cells
                    if _block_label(text):
                        break
                    right.append(text)
                value, at = "\n".join(right), r + 1
                if not right:
                    for below in range(r + 1, min(end, r + 4)):
                        text = sheet.rows[below][c] if c < len(sheet.rows[below]) else ""
                        if _block_label(text) or (text and text != cell):
                            if text and not _block_label(text):
                                value, at = text, below + 1
                            break
                if value.strip() and value.strip().lower() not in NOT_GIVEN:
                    controller[f"ico:{kind}"] = value.strip()
                    controller[f"ico:{kind}@"] = f"sheet '{sheet.name}', row {at}"


def contact_of(text: str) -> dict:
    """Name, address, email, telephone and web page from a block's text, one item a
    line (or, on one line, between commas): the email, telephone and link are picked
    out wherever they stand, the first other line is the name and the rest the
    address. 'Tel:', 'Email:' and similar labels are taken off."""
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    if len(parts) == 1:
        parts = [p.strip() for p in parts[0].split(",") if p.strip()]
    found: dict = {}
    words: list[str] = []
    for part in parts:
        bare = re.sub(r"^(?:e-?mail|email address|tel(?:ephone)?\.?|phone|telephone number|"
                      r"web(?:site)?|address|name)\s*[:\-]\s*", "", part, flags=re.I).strip()
        if not bare:
            continue
        if re.fullmatch(r"(?:mailto:)?[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+", bare):
            found.setdefault("email", bare.removeprefix("mailto:"))
        elif re.fullmatch(r"\+?[0-9][0-9 ()-]{6,}(?:\s*(?:ext\.?|extension)\s*\d+)?", bare, flags=re.I):
            found.setdefault("phone", bare)
        elif re.fullmatch(r"(?:https?://|www\.)[^\s<>\"]+", bare, flags=re.I):
            found.setdefault("url", bare if bare.lower().startswith("http") else "https://" + bare)
        else:
            words.append(bare)
    if words:
        found["name"] = words[0]
    if words[1:]:
        found["address"] = words[1:]
    return {key: found[key] for key in ("name", "address", "email", "phone", "url") if key in found}


def _controller_from_rows(rows: list[_Row], controller: dict[str, str]) -> None:
    """The controller and DPO from the columns noticegen's CSV repeats on every row, when
    the record gives them there rather than above the table: 'name, address; contact'."""
    first = rows[0]
    named = first.get("row_controller").strip()
    if named:
        where, _, contact = named.partition("; ")
        controller.setdefault("controller", where.strip())
        if contact.strip():
            controller.setdefault("controller contact", contact.strip())
    dpo = first.get("row_dpo").strip()
    if dpo and dpo.lower() != "not recorded":
        controller.setdefault("data protection officer", dpo)


def controller_value(controller: dict[str, str], *labels: str) -> str:
    """The value beside one of these labels above the table ('Data Protection
    Officer:', 'URN'), compared without case or a closing colon."""
    given = {" ".join(k.lower().rstrip(":").split()): v for k, v in controller.items()}
    return next((given[label] for label in labels if given.get(label)), "")
