"""A program office's list of needs in: JSON lines, CSV and XLSX (export: io_export).

An imported record needs only a title and a description; every other field is optional
(defaults here and in the README). A record whose id is the reference of an imported need
replaces that need's fields: what the record leaves out takes its default. Records are
validated in full before anything is written: one bad row and nothing of the file is imported.
"""
from __future__ import annotations

import json

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.accounts.models import Organisation, OrgType
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.taxonomy.operations import classify_need, classify_new_needs

from . import operations
from .io_fields import (END_OF_DAY, PROGRAM_ZONE, check_length, check_text, deadline_value,
                        parse_budget, parse_country, parse_indicators, parse_period, time_value)
from .io_read import ImportFailed, at_line, column_name, read_records
from .models import Challenge, IPTerms, NeedStatus, Transition
from .operations import IMPORT_REASON, IndicatorRow

DEFAULT_DEADLINE_DAYS = 60
DEFAULT_OWNER = "Imported needs / 导入榜单"
# An import may replace an imported need while bidding runs or has just closed; from the review
# on, its text and indicators are what bids were judged against.
UPDATABLE_STATES = {NeedStatus.published, NeedStatus.closed}
TEXT_FIELDS = ("title_zh", "title_en", "summary_zh", "summary_en", "description_zh",
               "description_en", "requirements", "requirements_en", "confidential_details",
               "confidential_details_en", "terms_text", "terms_text_en",
               "contact_name", "contact_email", "contact_phone")
LANGUAGE_FIELDS = ("title", "summary", "description")
# columns that name no language and whose English goes to a field of its own
ENGLISH_TWINS = {"requirements": "requirements_en",
                 "confidential_details": "confidential_details_en",
                 "terms_text": "terms_text_en"}
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class ParsedNeed:
    ref: str | None
    values: dict
    indicators: list[IndicatorRow] = field(default_factory=list)
    owner: str = DEFAULT_OWNER
    owner_en: str | None = None
    owner_country: str = "CN"
    published_at: datetime | None = None
    line: int = 0


# -- validating ----------------------------------------------------------------------------
def _clean(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() or None


def _text(record: dict, key: str) -> str | None:
    return _clean(record.get(key))


def _fields(record: dict) -> dict:
    """Field name → value. A title, summary or description in a column that names no language
    (title, 需求名称 …) goes to the language it is written in; two columns that give one field
    different values are an error, so that nothing is dropped without a word."""
    fields, columns = {}, {}
    for key, value in record.items():
        if key is None or _clean(value) is None:
            continue
        name = column_name(key)
        if name in LANGUAGE_FIELDS:
            name = f"{name}_{'zh' if _CJK.search(str(value)) else 'en'}"
        elif name in ENGLISH_TWINS and not _CJK.search(str(value)):
            name = ENGLISH_TWINS[name]
        if name in fields and _text(fields, name) != _clean(value):
            raise ValueError(_("the columns %(first)r and %(second)r give two different values "
                               "for %(field)s", first=columns[name], second=str(key).strip(),
                               field=name))
        fields[name], columns[name] = value, str(key).strip()
    return fields


def default_deadline() -> datetime:
    day = (utcnow() + timedelta(days=DEFAULT_DEADLINE_DAYS)).astimezone(PROGRAM_ZONE).date()
    return datetime.combine(day, END_OF_DAY, tzinfo=PROGRAM_ZONE)


def _ip_terms(text: str | None) -> IPTerms:
    try:
        return IPTerms((text or IPTerms.non_exclusive.value).replace("-", "_"))
    except ValueError:
        raise ValueError(_("ip_terms %(value)r must be none, non_exclusive or exclusive",
                           value=text)) from None


def _published_at(value) -> datetime | None:
    if isinstance(value, datetime):
        value = value if value.tzinfo else value.replace(tzinfo=PROGRAM_ZONE)
        return time_value(value.isoformat(), "published_at")
    return time_value(str(value).strip(), "published_at") if _clean(value) else None


def parse_record(record: dict) -> ParsedNeed:
    """Every field of the need, with its default where the record has no value."""
    record = _fields(record)
    for name in (*TEXT_FIELDS, "id", "owner", "owner_en"):
        if isinstance(record.get(name), (list, dict, bool)):   # ["x"] would be stored as "['x']"
            raise ValueError(_("%(field)s must be text, not %(value)s", field=name,
                               value=json.dumps(record[name], ensure_ascii=False)[:40]))
    values = {name: _text(record, name) for name in TEXT_FIELDS}
    if not (values["title_zh"] or values["title_en"]):
        raise ValueError(_("a title is required"))
    if not (values["description_zh"] or values["description_en"]):
        raise ValueError(_("a description is required"))
    for name, value in values.items():
        check_text(name, value)
    budget, period = _text(record, "budget_wan"), _text(record, "period_months")
    values.update(
        budget_wan=parse_budget(budget) if budget else None,
        deadline=deadline_value(record["deadline"]) if "deadline" in record
        else default_deadline(),
        period_months=parse_period(period) if period else None,
        ip_terms=_ip_terms(_text(record, "ip_terms")))
    need = ParsedNeed(
        ref=_text(record, "id"), values=values,
        indicators=parse_indicators(record.get("indicators")),
        owner=_text(record, "owner") or DEFAULT_OWNER, owner_en=_text(record, "owner_en"),
        owner_country=parse_country(_text(record, "owner_country") or "CN"),
        published_at=_published_at(record.get("published_at")))
    check_length(Challenge.__table__, "ref", need.ref, "id")
    check_length(Organisation.__table__, "name", need.owner, "owner")
    check_length(Organisation.__table__, "name_en", need.owner_en, "owner_en")
    return need


def parse_file(path) -> list[ParsedNeed]:
    records, errors = read_records(path)
    if not records and not errors:
        raise ImportFailed([_("no needs found: the file is empty or has only a header row")])
    parsed, seen = [], {}
    for line, record in records:
        try:
            need = parse_record(record)
        except (ValueError, TypeError) as exc:
            errors.append((line, str(exc)))
            continue
        need.line = line
        if need.ref and need.ref in seen:
            errors.append((line, _("id %(id)r repeats line %(line)d", id=need.ref,
                                   line=seen[need.ref])))
            continue
        if need.ref:
            seen[need.ref] = line
        parsed.append(need)
    if errors:
        raise ImportFailed([at_line(line, message) for line, message in sorted(errors)])
    return parsed


# -- updating ------------------------------------------------------------------------------
def _indicator_keys(rows) -> list[tuple]:
    return [(row.name, row.name_en or None, row.comparator, row.target_value, row.unit or "")
            for row in rows]


def _unchanged(need: Challenge, item: ParsedNeed) -> bool:
    return (all(getattr(need, name) == value for name, value in item.values.items())
            and _indicator_keys(need.indicators) == _indicator_keys(item.indicators)
            and need.organisation.name == item.owner
            and item.published_at in (None, need.published_at))


def _came_from_import(need: Challenge) -> bool:
    return any(step.from_status is None and step.reason == IMPORT_REASON
               for step in need.transitions)


def _has_bids(need: Challenge) -> bool:
    from marketplace.bids.models import Bid, BidStatus  # bids build on challenges
    return db.session.scalar(select(Bid.id).where(
        Bid.challenge_id == need.id, Bid.status != BidStatus.withdrawn).limit(1)) is not None


def _why_not_replaceable(need: Challenge, item: ParsedNeed) -> str | None:
    """Why the record may not replace this need, or None."""
    if not _came_from_import(need):
        return _("id %(id)s is the list number of a need entered on the platform; use another "
                 "id", id=need.ref)
    if need.status not in UPDATABLE_STATES:
        return _("need %(id)s is %(status)s; an import may change a need only while it is "
                 "published or closed for bids", id=need.ref, status=need.status.value)
    if (need.effective_status == NeedStatus.closed
            and item.values["deadline"] > utcnow()):
        return _("need %(id)s is closed for bids; an import cannot reopen it (give its "
                 "deadline, %(deadline)s)", id=need.ref,
                 deadline=need.deadline.astimezone(PROGRAM_ZONE).isoformat())
    if (_indicator_keys(need.indicators) != _indicator_keys(item.indicators)
            and _has_bids(need)):
        return _("need %(id)s has bids already; its indicators cannot change", id=need.ref)
    return None


def _replace_fields(need: Challenge, item: ParsedNeed) -> None:
    """Every field from the record; indicator rows that stay the same keep their identity,
    which bids refer to."""
    same_indicators = _indicator_keys(need.indicators) == _indicator_keys(item.indicators)
    kept = list(need.indicators)
    operations.apply_fields(need, item.values, item.indicators)
    if same_indicators:
        need.indicators = kept


# -- writing -------------------------------------------------------------------------------
def _owner(item: ParsedNeed, cache: dict) -> Organisation:
    if item.owner not in cache:
        org = db.session.scalar(select(Organisation).where(Organisation.name == item.owner))
        if org is None:
            org = Organisation(name=item.owner, name_en=item.owner_en, type=OrgType.enterprise,
                               country=item.owner_country, verified=True)
            db.session.add(org)
            db.session.flush()
        cache[item.owner] = org
    return cache[item.owner]


def _plan(parsed: list[ParsedNeed]) -> tuple[list[tuple[ParsedNeed, Challenge | None]], int]:
    """(record, need to replace or None) for each record that changes something, and how
    many change nothing. Refuses the whole file if any record may not be applied."""
    refs = [item.ref for item in parsed if item.ref]
    existing = {need.ref: need for need in db.session.scalars(
        select(Challenge).where(Challenge.ref.in_(refs)))} if refs else {}
    plan, unchanged, errors = [], 0, []
    for item in parsed:
        need = existing.get(item.ref)
        if need is not None and _unchanged(need, item):
            unchanged += 1
            continue
        refused = _why_not_replaceable(need, item) if need is not None else None
        if refused:
            errors.append(at_line(item.line, refused))
        plan.append((item, need))
    if errors:
        raise ImportFailed(errors)
    return plan, unchanged


BATCH = 1000


def import_needs(path, after_batch=None, batch: int = BATCH) -> dict:
    """Validate the whole file, then create or replace (by id) and publish every need.
    New needs are written `batch` at a time (one flush each, classified together);
    `after_batch()` runs after each batch (the command line commits there, so a large list
    is one transaction per batch; the file was validated in full before the first)."""
    plan, unchanged = _plan(parse_file(path))
    counts, owners = {"created": 0, "updated": 0, "unchanged": unchanged}, {}
    for item, need in plan:
        if need is not None:
            need.organisation_id = _owner(item, owners).id
            _replace_fields(need, item)
            if item.published_at:
                need.published_at = item.published_at
            classify_need(need)
            counts["updated"] += 1
    new = [item for item, need in plan if need is None]
    for start in range(0, len(new), batch):
        _create(new[start:start + batch], owners)
        counts["created"] += len(new[start:start + batch])
        if after_batch is not None:
            after_batch()
    db.session.flush()
    return counts


def _create(items: list[ParsedNeed], owners: dict) -> None:
    """New needs, published, with their history and classification, in a few statements."""
    needs = []
    now = utcnow()
    for item in items:
        need = Challenge(ref=item.ref, organisation_id=_owner(item, owners).id,
                         status=NeedStatus.published, published_at=item.published_at or now)
        operations.apply_fields(need, item.values, item.indicators)
        need.transitions.append(Transition(from_status=None, to_status=NeedStatus.published,
                                           reason=IMPORT_REASON))
        needs.append(need)
    db.session.add_all(needs)
    db.session.flush()
    for need in needs:
        operations.assign_reference(need, flush=False)
    classify_new_needs(needs)
