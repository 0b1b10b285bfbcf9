"""A program office's list of needs in and out: JSON lines, CSV and XLSX.

An imported record needs only a title and a description; every other field is optional
(defaults in DEFAULTS and in the README). Records are validated in full before anything is
written: one bad row and nothing of the file is imported.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from marketplace.accounts.models import Organisation, OrgType
from marketplace.core.types import plain_number, utcnow
from marketplace.extensions import db

from . import operations
from .models import Challenge, Comparator, IPTerms, NeedStatus
from .operations import IndicatorRow

PROGRAM_ZONE = ZoneInfo("Asia/Shanghai")
DEFAULT_DEADLINE_DAYS = 60
DEFAULT_OWNER = "Imported needs / 导入榜单"

COLUMNS = [
    "id", "status", "title_zh", "title_en", "summary_zh", "summary_en", "description_zh",
    "description_en", "indicators", "budget_wan", "deadline", "period_months", "requirements",
    "confidential_details", "ip_terms", "terms_text", "contact_name", "contact_email",
    "contact_phone", "owner", "owner_en", "owner_country", "published_at",
]
_CJK = re.compile(r"[\u3400-\u9fff]")
_COMPARATOR_ALIASES = {"≥": ">=", "≤": "<=", "＞": ">", "＜": "<", "＝": "=", "==": "="}
_INDICATOR_TEXT = re.compile(r"^\s*(.+?)\s*(>=|<=|≥|≤|=|>|<)\s*([-+]?\d+(?:\.\d+)?)\s*(.*?)\s*$")


# Column names a Chinese program office's own spreadsheet is likely to use.
HEADER_ALIASES = {
    "编号": "id", "榜单编号": "id", "标题": "title", "需求名称": "title", "榜单名称": "title",
    "英文标题": "title_en", "摘要": "summary", "需求描述": "description", "描述": "description",
    "需求内容": "description", "技术指标": "indicators", "拟投入资金": "budget_wan",
    "拟投入资金（万元）": "budget_wan", "预算": "budget_wan", "截止时间": "deadline",
    "揭榜截止时间": "deadline", "攻关周期": "period_months", "攻关周期（月）": "period_months",
    "揭榜条件": "requirements", "发榜单位": "owner", "发榜方": "owner", "联系人": "contact_name",
    "联系邮箱": "contact_email", "联系电话": "contact_phone", "知识产权": "ip_terms",
}


def _canonical_keys(record: dict) -> dict:
    return {HEADER_ALIASES.get(str(key).strip(), str(key).strip()): value
            for key, value in record.items() if key is not None}


class ImportFailed(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ParsedNeed:
    line: int
    ref: str | None
    values: dict
    indicators: list[IndicatorRow] = field(default_factory=list)
    owner: str = DEFAULT_OWNER
    owner_en: str | None = None
    owner_country: str = "CN"
    published_at: datetime | None = None


# -- reading files -------------------------------------------------------------------------
def read_records(path: Path) -> tuple[list[tuple[int, dict]], list[str]]:
    """(line number, record) pairs and unreadable lines; line numbers are the file's own
    (a header is line 1)."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return _read_jsonl(path)
    if suffix == ".csv":
        text = _decode(path.read_bytes())
        rows = csv.DictReader(io.StringIO(text, newline=""))
        return [(i, row) for i, row in enumerate(rows, start=2)], []
    if suffix == ".xlsx":
        return _read_xlsx(path), []
    raise ImportFailed([f"{path.name}: unsupported file type {suffix!r}; "
                        "use .jsonl, .csv or .xlsx"])


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM); files saved by Chinese Excel are often GB18030."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _read_jsonl(path: Path) -> tuple[list[tuple[int, dict]], list[str]]:
    records, errors = [], []
    for number, line in enumerate(_decode(path.read_bytes()).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"line {number}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(record, dict):
            errors.append(f"line {number}: expected a JSON object")
            continue
        records.append((number, record))
    return records, errors


def _read_xlsx(path: Path) -> list[tuple[int, dict]]:
    workbook = load_workbook(path, read_only=True, data_only=True)
    sheet = workbook.active
    rows = sheet.iter_rows(values_only=True)
    header = [str(cell).strip() if cell is not None else "" for cell in next(rows, [])]
    records = []
    for number, row in enumerate(rows, start=2):
        if row is None or all(cell is None or str(cell).strip() == "" for cell in row):
            continue
        records.append((number, {header[i]: cell for i, cell in enumerate(row)
                                 if i < len(header) and header[i]}))
    workbook.close()
    return records


# -- validating ----------------------------------------------------------------------------
def _text(record: dict, key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _split_language(text: str | None) -> tuple[str | None, str | None]:
    if not text:
        return None, None
    return (text, None) if _CJK.search(text) else (None, text)


def parse_deadline(text: str) -> datetime:
    """ISO 8601; a date alone means 23:59:59 Beijing time; no offset means Beijing time."""
    text = text.strip().replace(" ", "T", 1) if "T" not in text else text.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    if len(text) == 10:
        day = datetime.fromisoformat(text).date()
        return datetime.combine(day, time(23, 59, 59), tzinfo=PROGRAM_ZONE)
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=PROGRAM_ZONE)


def parse_indicators(value) -> list[IndicatorRow]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return []
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            value = json.loads(stripped)
        else:
            value = [_indicator_from_text(part) for part in re.split(r"[;；\n]", stripped)
                     if part.strip()]
    if not isinstance(value, list):
        raise ValueError("indicators must be a list")
    rows = []
    for item in value:
        if isinstance(item, str):
            item = _indicator_from_text(item)
        comparator = _COMPARATOR_ALIASES.get(str(item.get("comparator", ">=")),
                                             str(item.get("comparator", ">=")))
        name = str(item.get("name") or item.get("name_zh") or "").strip()
        if not name:
            raise ValueError("an indicator has no name")
        try:
            target = Decimal(str(item.get("target", item.get("target_value"))).strip())
            if not target.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            raise ValueError(f"indicator {name!r}: target is not a number") from None
        rows.append(IndicatorRow(name=name, name_en=item.get("name_en"),
                                 comparator=Comparator(comparator), target_value=target,
                                 unit=str(item.get("unit") or "")))
    return rows


def _indicator_from_text(text: str) -> dict:
    match = _INDICATOR_TEXT.match(text)
    if not match:
        raise ValueError(f"cannot read indicator {text!r} (write e.g. '击穿电压 >= 650 V')")
    name, comparator, target, unit = match.groups()
    return {"name": name, "comparator": comparator, "target": target, "unit": unit}


def parse_record(line: int, record: dict) -> ParsedNeed:
    record = _canonical_keys(record)
    title_zh = _text(record, "title_zh")
    title_en = _text(record, "title_en")
    guess_zh, guess_en = _split_language(_text(record, "title"))
    title_zh, title_en = title_zh or guess_zh, title_en or guess_en
    desc_zh = _text(record, "description_zh")
    desc_en = _text(record, "description_en")
    guess_zh, guess_en = _split_language(_text(record, "description"))
    desc_zh, desc_en = desc_zh or guess_zh, desc_en or guess_en
    if not (title_zh or title_en):
        raise ValueError("a title is required")
    if not (desc_zh or desc_en):
        raise ValueError("a description is required")
    summary_zh = _text(record, "summary_zh")
    summary_en = _text(record, "summary_en")
    guess_zh, guess_en = _split_language(_text(record, "summary"))
    values = {
        "title_zh": title_zh, "title_en": title_en,
        "summary_zh": summary_zh or guess_zh, "summary_en": summary_en or guess_en,
        "description_zh": desc_zh, "description_en": desc_en,
        "requirements": _text(record, "requirements"),
        "confidential_details": _text(record, "confidential_details")
        or _text(record, "confidential"),
        "terms_text": _text(record, "terms_text"),
        "contact_name": _text(record, "contact_name"),
        "contact_email": _text(record, "contact_email"),
        "contact_phone": _text(record, "contact_phone"),
    }
    budget = _text(record, "budget_wan") or _text(record, "budget")
    if budget is not None:
        try:
            values["budget_wan"] = Decimal(budget.replace(",", ""))
        except InvalidOperation:
            raise ValueError(f"budget_wan {budget!r} is not a number") from None
        if not values["budget_wan"].is_finite() or values["budget_wan"] < 0:
            raise ValueError("budget_wan must be zero or more")
    deadline = record.get("deadline")
    if isinstance(deadline, datetime):
        values["deadline"] = deadline if deadline.tzinfo else deadline.replace(
            tzinfo=PROGRAM_ZONE)
    elif _text(record, "deadline"):
        try:
            values["deadline"] = parse_deadline(_text(record, "deadline"))
        except ValueError:
            raise ValueError(f"deadline {_text(record, 'deadline')!r} is not an ISO 8601 "
                             "date or time") from None
    else:
        default_day = (utcnow() + timedelta(days=DEFAULT_DEADLINE_DAYS)).astimezone(
            PROGRAM_ZONE).date()
        values["deadline"] = datetime.combine(default_day, time(23, 59, 59),
                                              tzinfo=PROGRAM_ZONE)
    period = _text(record, "period_months")
    if period is not None:
        if not period.isdigit() or int(period) < 1:
            raise ValueError(f"period_months {period!r} must be a whole number of months")
        values["period_months"] = int(period)
    ip_terms = _text(record, "ip_terms") or IPTerms.non_exclusive.value
    try:
        values["ip_terms"] = IPTerms(ip_terms.replace("-", "_"))
    except ValueError:
        raise ValueError(f"ip_terms {ip_terms!r} must be none, non_exclusive or exclusive") \
            from None
    indicators = parse_indicators(record.get("indicators"))
    published_at = _text(record, "published_at")
    return ParsedNeed(
        line=line, ref=_text(record, "id") or _text(record, "ref"), values=values,
        indicators=indicators, owner=_text(record, "owner") or DEFAULT_OWNER,
        owner_en=_text(record, "owner_en"), owner_country=(
            _text(record, "owner_country") or "CN").upper()[:2],
        published_at=datetime.fromisoformat(published_at) if published_at else None)


def parse_file(path: Path) -> list[ParsedNeed]:
    records, unreadable = read_records(path)
    parsed, errors, seen = [], [], {}
    for line, record in records:
        try:
            need = parse_record(line, record)
        except (ValueError, TypeError, json.JSONDecodeError) as exc:
            errors.append(f"line {line}: {exc}")
            continue
        if need.ref and need.ref in seen:
            errors.append(f"line {line}: id {need.ref!r} repeats line {seen[need.ref]}")
            continue
        if need.ref:
            seen[need.ref] = line
        parsed.append(need)
    errors = sorted(errors + unreadable, key=lambda e: int(e.split()[1].rstrip(":")))
    if errors:
        raise ImportFailed(errors)
    return parsed


# -- writing -------------------------------------------------------------------------------
def _owner(name: str, name_en: str | None, country: str, cache: dict) -> Organisation:
    if name not in cache:
        org = db.session.scalar(select(Organisation).where(Organisation.name == name))
        if org is None:
            org = Organisation(name=name, name_en=name_en, type=OrgType.enterprise,
                               country=country, verified=True)
            db.session.add(org)
            db.session.flush()
        cache[name] = org
    return cache[name]


def import_needs(path: Path) -> dict:
    """Validate the whole file, then create or update (by id) and publish every need."""
    parsed = parse_file(path)
    counts, owners = {"created": 0, "updated": 0}, {}
    for item in parsed:
        need = db.session.scalar(select(Challenge).where(Challenge.ref == item.ref)) \
            if item.ref else None
        owner = _owner(item.owner, item.owner_en, item.owner_country, owners)
        if need is None:
            need = Challenge(ref=item.ref, organisation_id=owner.id, status=NeedStatus.draft)
            db.session.add(need)
            operations.apply_fields(need, item.values, item.indicators)
            db.session.flush()
            operations.assign_reference(need)
            operations.publish_imported(need)
            counts["created"] += 1
        else:
            need.organisation_id = owner.id
            operations.apply_fields(need, item.values, item.indicators)
            counts["updated"] += 1
        if item.published_at:
            need.published_at = item.published_at
        operations.classify_need(need)
    db.session.flush()
    return counts


def need_record(need: Challenge) -> dict:
    return {
        "id": need.ref, "status": need.effective_status.value,
        "title_zh": need.title_zh, "title_en": need.title_en,
        "summary_zh": need.summary_zh, "summary_en": need.summary_en,
        "description_zh": need.description_zh, "description_en": need.description_en,
        "indicators": [{"name": row.name, "name_en": row.name_en,
                        "comparator": row.comparator.value, "target": row.target_display,
                        "unit": row.unit} for row in need.indicators],
        "budget_wan": plain_number(need.budget_wan) if need.budget_wan is not None
        else None,
        "deadline": need.deadline.astimezone(PROGRAM_ZONE).isoformat() if need.deadline
        else None,
        "period_months": need.period_months, "requirements": need.requirements,
        "confidential_details": need.confidential_details, "ip_terms": need.ip_terms.value,
        "terms_text": need.terms_text, "contact_name": need.contact_name,
        "contact_email": need.contact_email, "contact_phone": need.contact_phone,
        "owner": need.organisation.name, "owner_en": need.organisation.name_en,
        "owner_country": need.organisation.country,
        "published_at": need.published_at.isoformat() if need.published_at else None,
    }


def exportable_needs() -> list[Challenge]:
    """The published list and everything after publication; drafts stay private."""
    from .models import PUBLIC_STATES
    return db.session.scalars(select(Challenge).where(Challenge.status.in_(PUBLIC_STATES))
                              .order_by(Challenge.id)).all()


def _flat(record: dict) -> dict:
    flat = dict(record)
    flat["indicators"] = json.dumps(record["indicators"], ensure_ascii=False)
    return {key: ("" if value is None else value) for key, value in flat.items()}


def export_needs(fmt: str, stream) -> int:
    needs = exportable_needs()
    records = [need_record(need) for need in needs]
    if fmt == "jsonl":
        for record in records:
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=COLUMNS)
        writer.writeheader()
        for record in records:
            writer.writerow(_flat(record))
        stream.write(text.getvalue())
    else:
        raise ValueError(fmt)
    return len(records)


def export_xlsx(path_or_stream) -> int:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "needs"
    sheet.append(COLUMNS)
    needs = exportable_needs()
    for need in needs:
        flat = _flat(need_record(need))
        sheet.append([str(flat[column]) if column in ("id", "budget_wan") else flat[column]
                      for column in COLUMNS])
    workbook.save(path_or_stream)
    return len(needs)
