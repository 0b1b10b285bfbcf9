"""Reading a program office's file into records: JSON lines, CSV and XLSX.

Line numbers are the file's own: a CSV record is numbered by the line it starts on (a quoted
cell may span several lines), an XLSX record by its row. A spreadsheet's header is the first
row, within its first rows, that names a title column; an XLSX workbook is read from the first
sheet that has such a header, so an instruction sheet in front of the data does no harm.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from xml.etree.ElementTree import ParseError
from zipfile import BadZipFile

from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from marketplace.core.spreadsheets import unprotect_cell

# Column names a Chinese program office's own spreadsheet is likely to use.
HEADER_ALIASES = {
    "编号": "id", "榜单编号": "id", "ref": "id", "标题": "title", "需求名称": "title",
    "榜单名称": "title", "英文标题": "title_en", "摘要": "summary", "需求描述": "description",
    "描述": "description", "需求内容": "description", "技术指标": "indicators",
    "拟投入资金": "budget_wan", "拟投入资金（万元）": "budget_wan", "预算": "budget_wan",
    "budget": "budget_wan", "截止时间": "deadline", "揭榜截止时间": "deadline",
    "攻关周期": "period_months", "攻关周期（月）": "period_months", "揭榜条件": "requirements",
    "confidential": "confidential_details", "发榜单位": "owner", "发榜方": "owner",
    "联系人": "contact_name", "联系邮箱": "contact_email", "联系电话": "contact_phone",
    "知识产权": "ip_terms",
}
TITLE_COLUMNS = {"title", "title_zh", "title_en"}
HEADER_SEARCH_ROWS = 10


class ImportFailed(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def at_line(line: int, message: str) -> str:
    return _("line %(line)d: %(error)s", line=line, error=message)


def column_name(key) -> str:
    column = str(key).strip()
    return HEADER_ALIASES.get(column, column)


def read_records(path: Path) -> tuple[list[tuple[int, dict]], list[tuple[int, str]]]:
    """(line, record) pairs, and (line, message) for the lines that could not be read."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return _read_jsonl(path)
    if suffix == ".csv":
        return _records_from_tables([_csv_rows(path)])
    if suffix == ".xlsx":
        return _records_from_tables(_xlsx_tables(path))
    raise ImportFailed([_("unsupported file type %(suffix)r; use .jsonl, .csv or .xlsx",
                          suffix=suffix)])


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM); files saved by Chinese Excel are often GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:   # GB18030 decodes many binary files, but not into text
            return text
        if encoding == "utf-8-sig":   # text with a stray NUL: say where
            line = text.count("\n", 0, text.index("\x00")) + 1
            raise ImportFailed([at_line(line, _("contains a NUL character (\\0), which cannot "
                                                "be stored; remove it"))])
    raise ImportFailed([_("cannot read the file as UTF-8 or GB18030 text")])


def _read_jsonl(path: Path) -> tuple[list[tuple[int, dict]], list[tuple[int, str]]]:
    records, errors = [], []
    # only "\n" ends a line: JSON text may hold U+2028 and other characters splitlines() splits
    for number, line in enumerate(_decode(path.read_bytes()).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append((number, _("not valid JSON (%(reason)s)", reason=exc.msg)))
            continue
        if not isinstance(record, dict):
            errors.append((number, _("expected a JSON object")))
            continue
        records.append((number, record))
    return records, errors


def _csv_rows(path: Path) -> list[tuple[int, list]]:
    reader = csv.reader(io.StringIO(_decode(path.read_bytes()), newline=""))
    rows, first_line = [], 1
    try:
        for row in reader:
            rows.append((first_line, [unprotect_cell(cell) for cell in row]))
            first_line = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFailed([at_line(first_line, _("cannot read the CSV (%(reason)s)",
                                                  reason=exc))]) from None
    return rows


def _xlsx_tables(path: Path) -> list[list[tuple[int, tuple]]]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            return [list(enumerate(sheet.iter_rows(values_only=True), start=1))
                    for sheet in workbook.worksheets]
        finally:
            workbook.close()
    # what openpyxl raises on a file that is not a workbook or is damaged inside
    except (BadZipFile, InvalidFileException, KeyError, ValueError, OSError, ParseError):
        raise ImportFailed([_("not a valid .xlsx workbook")]) from None


def _filled(row) -> bool:
    return any(cell is not None and str(cell).strip() for cell in row or ())


def _header(rows: list[tuple[int, tuple]]) -> int | None:
    """The index of the header row: the first of the first rows that names a title column."""
    for index, (_line, row) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(column_name(cell) in TITLE_COLUMNS for cell in row or () if cell is not None):
            return index
    return None


def _records_from_tables(tables) -> tuple[list[tuple[int, dict]], list[tuple[int, str]]]:
    for rows in tables:
        index = _header(rows)
        if index is not None:
            return _records(rows[index], rows[index + 1:])
    if any(_filled(row) for rows in tables for _line, row in rows):
        raise ImportFailed([_("no header row with a title column (title, title_zh, title_en "
                              "or 需求名称) in the first %(rows)d rows",
                              rows=HEADER_SEARCH_ROWS)])
    return [], []


def _records(header_row, rows) -> tuple[list[tuple[int, dict]], list[tuple[int, str]]]:
    header_line, cells = header_row
    header = [str(cell).strip() if cell is not None else "" for cell in cells]
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        return [], [(header_line, _("the column %(name)r appears more than once",
                                    name=name)) for name in repeated]
    return [(line, {header[i]: cell for i, cell in enumerate(row)
                    if i < len(header) and header[i]})
            for line, row in rows if _filled(row)], []
