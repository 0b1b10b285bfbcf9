"""Reading the values of an imported record the way program offices write them.

Each parser takes the cell's text (or value) and returns what the need stores, or raises
ValueError with a message for the person who wrote the file. Messages are translated: the
import command runs in the program's language.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timezone
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from marketplace.core.quantities import NUMBER_PATTERN, QuantityError, parse_quantity
from marketplace.core.timefmt import EARLIEST_YEAR, LATEST_YEAR, in_supported_range

from .models import MAX_BUDGET_WAN, TEXT_LIMITS, Challenge, Comparator, Indicator
from .operations import IndicatorRow

PROGRAM_ZONE = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59)
MAX_PERIOD_MONTHS = 240   # as in the need form
# The names a program office writes for China; anything else must be an ISO 3166 code.
COUNTRY_NAMES = {"中国": "CN", "CHINA": "CN"}

_COMPARATOR_ALIASES = {"≥": ">=", "≤": "<=", "＞": ">", "＜": "<", "＝": "=", "==": "="}
# "载流子浓度 >= 1e18 cm-3", "漏电流 <= 1.5×10^-9 A": the number may carry an exponent
_INDICATOR_TEXT = re.compile(r"^\s*(.+?)\s*(>=|<=|≥|≤|=|>|<)\s*(" + NUMBER_PATTERN
                             + r")(?![\d.eE])\s*(.*?)\s*$")
# 2027/3/1, 2027-3-1, 2027.3.1 and 2027年3月1日, optionally with a time of day
_LOCAL_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                         r"(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_WAN = ("万元", "万")
_YUAN_MARKS = ("元", "¥", "￥", "亿", "rmb", "cny", "yuan")


def check_length(table, name: str, value, label: str | None = None) -> None:
    """Refuse text longer than its column (PostgreSQL would refuse it at commit) and text with
    a NUL character (PostgreSQL cannot store one)."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError(_("%(field)s contains a NUL character (\\0), which cannot be stored",
                           field=label or name))
    limit = getattr(table.columns[name].type, "length", None)
    if isinstance(value, str) and limit and len(value) > limit:
        raise ValueError(_("%(field)s is %(length)d characters long; at most %(limit)d fit",
                           field=label or name, length=len(value), limit=limit))


def check_text(name: str, value: str | None) -> None:
    """A need's text field from an import, held to the need form's rules: no NUL character
    (PostgreSQL cannot store one), no longer than the form takes, a contact email that is an
    address."""
    if value is None:
        return
    check_length(Challenge.__table__, name, value)
    limit = TEXT_LIMITS.get(name)
    if limit and len(value) > limit:
        raise ValueError(_("%(field)s is %(length)d characters long; at most %(limit)d fit",
                           field=name, length=len(value), limit=limit))
    if name == "contact_email":
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            raise ValueError(_("contact_email %(value)r is not an email address",
                               value=value)) from None


def parse_budget(text: str) -> Decimal:
    """万元 (10,000 CNY), as a number or written with its unit: 500, 5,000万元, 500 万."""
    number = text.strip()
    for unit in _WAN:
        if number.endswith(unit):
            number = number[:-len(unit)].lstrip("¥￥")
            break
    else:
        if any(mark in number.lower() for mark in _YUAN_MARKS):
            raise ValueError(_("budget_wan %(value)r: the budget is counted in 万元 (10,000 "
                               "CNY); write 500 or 500万元 for 5,000,000 CNY", value=text))
    try:
        budget = Decimal(number.replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        budget = Decimal("NaN")
    if not budget.is_finite():
        raise ValueError(_("budget_wan %(value)r is not a number", value=text))
    if budget < 0:
        raise ValueError(_("budget_wan must be zero or more"))
    if budget > MAX_BUDGET_WAN:
        raise ValueError(_("budget_wan %(value)s is above the limit of %(max)s 万元",
                           value=text, max=f"{MAX_BUDGET_WAN:,}"))
    return budget


def parse_period(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_PERIOD_MONTHS:
        raise ValueError(_("period_months %(value)r must be a whole number of months from 1 "
                           "to %(max)d", value=text, max=MAX_PERIOD_MONTHS))
    return int(text)


def parse_country(text: str) -> str:
    code = COUNTRY_NAMES.get(text.strip().upper(), text.strip().upper())
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise ValueError(_("owner_country %(value)r must be a two-letter ISO 3166 code such "
                           "as CN or DE", value=text))
    return code


def deadline_value(value) -> datetime:
    """A deadline cell (within the years the product accepts)."""
    deadline = _deadline_value(value)
    _check_years(deadline, "deadline", str(value).strip())
    return deadline


def _deadline_value(value) -> datetime:
    """A spreadsheet date (a date, or a time of exactly midnight) means the end of that day;
    text is read by parse_deadline."""
    if isinstance(value, datetime):
        if value.tzinfo is None and value.time() == time(0):
            return datetime.combine(value.date(), END_OF_DAY, tzinfo=PROGRAM_ZONE)
        return value if value.tzinfo else value.replace(tzinfo=PROGRAM_ZONE)
    if isinstance(value, date):
        return datetime.combine(value, END_OF_DAY, tzinfo=PROGRAM_ZONE)
    text = str(value).strip()
    try:
        return parse_deadline(text)
    except (ValueError, OverflowError):
        raise ValueError(_("deadline %(value)r is not a date or time (write e.g. 2027-03-01, "
                           "2027/3/1, 2027年3月1日 or 2027-03-01T17:00)", value=text)) from None


def parse_deadline(text: str) -> datetime:
    """ISO 8601 or a local date; a date alone means 23:59:59 Beijing time; no offset means
    Beijing time."""
    local = _LOCAL_DATE.match(text)
    if local:
        year, month, day, hour, minute, second = (int(part or 0) for part in local.groups())
        clock = time(hour, minute, second) if local.group(4) else END_OF_DAY
        return datetime.combine(date(year, month, day), clock, tzinfo=PROGRAM_ZONE)
    try:
        return datetime.combine(date.fromisoformat(text), END_OF_DAY, tzinfo=PROGRAM_ZONE)
    except ValueError:
        pass   # not a date alone
    return parse_time(text)


def parse_time(text: str) -> datetime:
    """An ISO 8601 time; without an offset it is Beijing time."""
    text = text.strip()
    if "T" not in text:
        text = text.replace(" ", "T", 1)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=PROGRAM_ZONE)


def time_value(text: str, label: str) -> datetime:
    """An ISO 8601 time within the years the product accepts (line-numbered by the caller)."""
    try:
        value = parse_time(text)
    except ValueError:
        raise ValueError(_("%(field)s %(value)r is not a date and time (write e.g. "
                           "2027-03-01T17:00:00+08:00)", field=label, value=text)) from None
    _check_years(value, label, text)
    return value


def _check_years(value: datetime, label: str, text: str) -> None:
    try:
        in_utc = value.astimezone(timezone.utc)
    except OverflowError:
        in_utc = None
    if in_utc is None or not in_supported_range(value) or not in_supported_range(in_utc):
        raise ValueError(_("%(field)s %(value)s is outside the years %(first)d to %(last)d",
                           field=label, value=text, first=EARLIEST_YEAR, last=LATEST_YEAR))


def parse_indicators(value) -> list[IndicatorRow]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return []
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            try:
                value = json.loads(stripped)
            except json.JSONDecodeError as exc:
                raise ValueError(_("indicators are not valid JSON (%(reason)s)",
                                   reason=exc.msg)) from None
        else:
            value = [_indicator_from_text(part) for part in re.split(r"[;；\n]", stripped)
                     if part.strip()]
    if not isinstance(value, list):
        raise ValueError(_("indicators must be a list"))
    return [_indicator(item) for item in value]


def _indicator(item) -> IndicatorRow:
    if isinstance(item, str):
        item = _indicator_from_text(item)
    if not isinstance(item, dict):
        raise ValueError(_("an indicator must be an object or text such as '击穿电压 >= 650 V'"))
    comparator = str(item.get("comparator", ">="))
    comparator = _COMPARATOR_ALIASES.get(comparator, comparator)
    name = str(item.get("name") or item.get("name_zh") or "").strip()
    if not name:
        raise ValueError(_("an indicator has no name"))
    try:
        target = parse_quantity(item.get("target", item.get("target_value")))
    except QuantityError as error:
        raise ValueError(_("indicator %(name)r: target %(reason)s", name=name,
                           reason=error.message)) from None
    try:
        comparator = Comparator(comparator)
    except ValueError:
        raise ValueError(_("indicator %(name)r: comparator %(value)r must be one of >=, <=, "
                           "=, >, <", name=name, value=comparator)) from None
    row = IndicatorRow(name=name, name_en=str(item.get("name_en") or "").strip() or None,
                       comparator=comparator, target_value=target,
                       unit=str(item.get("unit") or "").strip())
    for field in ("name", "name_en", "unit"):
        check_length(Indicator.__table__, field, getattr(row, field), f"indicators.{field}")
    return row


def _indicator_from_text(text: str) -> dict:
    match = _INDICATOR_TEXT.match(text)
    if not match:
        raise ValueError(_("cannot read indicator %(text)r (write e.g. '击穿电压 >= 650 V')",
                           text=text))
    name, comparator, target, unit = match.groups()
    return {"name": name, "comparator": comparator, "target": target, "unit": unit}
