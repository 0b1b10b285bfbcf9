"""The published needs out, in the columns the import reads: JSON lines, CSV and XLSX.

Text that a spreadsheet program would run as a formula (=, +, -, @ …) stays text
(core.spreadsheets): XLSX cells are stored as strings, CSV cells get an apostrophe in
front, which the import takes away.
"""
from __future__ import annotations

import csv
import io
import json

from openpyxl import Workbook
from sqlalchemy import select

from marketplace.core.spreadsheets import append_row, finish_sheet, protect_cell
from marketplace.core.types import plain_number
from marketplace.extensions import db

from .io_fields import PROGRAM_ZONE
from .models import PUBLIC_STATES, Challenge

COLUMNS = [
    "id", "status", "title_zh", "title_en", "summary_zh", "summary_en", "description_zh",
    "description_en", "indicators", "budget_wan", "deadline", "period_months", "requirements",
    "requirements_en", "confidential_details", "confidential_details_en", "ip_terms",
    "terms_text", "terms_text_en", "contact_name", "contact_email",
    "contact_phone", "owner", "owner_en", "owner_country", "published_at",
]
# Excel on Windows reads a CSV as UTF-8 only when it starts with a byte-order mark.
BYTE_ORDER_MARK = "\ufeff"


def need_record(need: Challenge) -> dict:
    return {
        "id": need.ref, "status": need.effective_status.value,
        "title_zh": need.title_zh, "title_en": need.title_en,
        "summary_zh": need.summary_zh, "summary_en": need.summary_en,
        "description_zh": need.description_zh, "description_en": need.description_en,
        "indicators": [{"name": row.name, "name_en": row.name_en,
                        "comparator": row.comparator.value, "target": row.target_text,
                        "unit": row.unit} for row in need.indicators],
        "budget_wan": plain_number(need.budget_wan) if need.budget_wan is not None
        else None,
        "deadline": need.deadline.astimezone(PROGRAM_ZONE).isoformat() if need.deadline
        else None,
        "period_months": need.period_months, "requirements": need.requirements,
        "requirements_en": need.requirements_en,
        "confidential_details": need.confidential_details,
        "confidential_details_en": need.confidential_details_en, "ip_terms": need.ip_terms.value,
        "terms_text": need.terms_text, "terms_text_en": need.terms_text_en,
        "contact_name": need.contact_name,
        "contact_email": need.contact_email, "contact_phone": need.contact_phone,
        "owner": need.organisation.name, "owner_en": need.organisation.name_en,
        "owner_country": need.organisation.country,
        "published_at": need.published_at.isoformat() if need.published_at else None,
    }


def exportable_needs() -> list[Challenge]:
    """The published list and everything after publication; drafts stay private."""
    return db.session.scalars(select(Challenge).where(Challenge.status.in_(PUBLIC_STATES))
                              .order_by(Challenge.id)).all()


def _flat(record: dict) -> dict:
    flat = dict(record)
    flat["indicators"] = json.dumps(record["indicators"], ensure_ascii=False)
    return {key: ("" if value is None else value) for key, value in flat.items()}


def export_needs(fmt: str, stream) -> int:
    records = [need_record(need) for need in exportable_needs()]
    if fmt == "jsonl":
        for record in records:
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=COLUMNS)
        writer.writeheader()
        for record in records:
            writer.writerow({key: protect_cell(value)
                             for key, value in _flat(record).items()})
        stream.write(BYTE_ORDER_MARK + text.getvalue())
    else:
        raise ValueError(fmt)
    return len(records)


def export_xlsx(path_or_stream) -> int:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "needs"
    append_row(sheet, COLUMNS)
    needs = exportable_needs()
    for need in needs:
        flat = _flat(need_record(need))
        append_row(sheet, [str(flat[column]) if column in ("id", "budget_wan") else flat[column]
                           for column in COLUMNS])
    finish_sheet(sheet)
    workbook.save(path_or_stream)
    return len(needs)
