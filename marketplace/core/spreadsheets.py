"""Every CSV and XLSX file the product writes goes through here, so that no cell that a
user typed runs as a formula when a program officer opens the file in a spreadsheet.

CSV: a text cell that starts like a formula (=, +, -, @, tab, carriage return) gets an
apostrophe in front (before any apostrophes already there, so that the needs import can take
exactly that one away). XLSX: text cells are stored as strings, never formulas; numbers
(int, float, Decimal) are stored as numbers so that they can be summed and sorted.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from decimal import Decimal

from openpyxl.utils import get_column_letter

FORMULA_START = re.compile(r"^'*[=+\-@\t\r]")


def protect_cell(value):
    return "'" + value if isinstance(value, str) and FORMULA_START.match(value) else value


def unprotect_cell(value: str) -> str:
    """The inverse of protect_cell, for the import of a file we exported."""
    return value[1:] if value.startswith("'") and FORMULA_START.match(value[1:]) else value


class SafeCsvWriter:
    """csv.writer with every cell protected."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([protect_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def append_row(sheet, row: Iterable) -> None:
    """One row into an openpyxl worksheet: numbers as numbers, everything else as text."""
    values, formats = [], []
    for value in row:
        number_format = None
        if isinstance(value, Decimal):
            places = -value.as_tuple().exponent if value.is_finite() else 0
            if places > 0:   # 90.00 stays "90.00" on screen, and is a number
                number_format = "0." + "0" * places
            value = int(value) if value == value.to_integral_value() else float(value)
        elif value is not None and not isinstance(value, (int, float, str)):
            value = str(value)
        values.append(value)
        formats.append(number_format)
    sheet.append(values)
    for cell, number_format in zip(sheet[sheet.max_row], formats):
        if isinstance(cell.value, str):
            cell.data_type = "s"   # never a formula, whatever the text starts with
        elif number_format:
            cell.number_format = number_format


def finish_sheet(sheet, header: bool = True, widest: int = 60) -> None:
    """Readable when opened: each column as wide as its longest cell (CJK characters count
    twice, up to `widest`), and the header row frozen so it stays in view while scrolling."""
    widths: dict[int, float] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            text = str(cell.value)
            longest = max((sum(2 if ord(ch) > 0x2E80 else 1 for ch in line)
                           for line in text.splitlines() or [""]), default=0)
            widths[cell.column] = max(widths.get(cell.column, 0), longest)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), widest)
    if header and sheet.max_row > 1:
        sheet.freeze_panes = "A2"
