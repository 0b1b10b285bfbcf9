"""A bid's content: from the working draft (raw form pairs) to a validated snapshot.

Drafts are stored exactly as typed and checked only here, when the team submits.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from marketplace.challenges.models import Challenge, Comparator, Indicator
from marketplace.core.quantities import (QuantityError, decimal_comma_problem, format_quantity,
                                         parse_quantity)
from marketplace.core.types import plain_number

MAX_DRAFT_CHARS = 300_000
MAX_ROWS = 40
HUNDRED = Decimal(100)
DRAFT_KEYS = re.compile(r"^(approach|budget_justification|members|declaration|"
                        r"indicator-\d+-(committed|verification)|"
                        r"milestones-\d+-(name|month|deliverable|share)|"
                        r"budget-\d+-(item|amount))$")


class DraftTooLarge(Exception):
    pass


def draft_pairs(form: MultiDict) -> list[list[str]]:
    """The fields of a bid form worth keeping, exactly as typed, as JSON-friendly pairs."""
    pairs = [[key, value] for key, values in form.lists() if DRAFT_KEYS.match(key)
             for value in values if isinstance(value, str) and value.strip()]
    if sum(len(value) for _key, value in pairs) > MAX_DRAFT_CHARS:
        raise DraftTooLarge()
    return pairs


def as_multidict(pairs: list) -> MultiDict:
    return MultiDict([(key, value) for key, value in pairs or []])


def _decimal(text: str | None, units: tuple[str, ...] = ()) -> Decimal | None:
    """A plain number; the field's own unit typed behind it is allowed (40%, 50万, 6个月);
    None for a decimal comma (1,5), which is never guessed."""
    if decimal_comma_problem(text) is not None:
        return None
    text = (text or "").strip().replace(",", "").replace("，", "")
    for unit in units:
        if text.lower().endswith(unit):
            text = text[:-len(unit)].strip()
            break
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


SHARE_UNITS = ("%", "％")
AMOUNT_UNITS = ("万元", "万", "wan")
MONTH_UNITS = ("个月", "月", "months", "month")


# what people type around the number: "≥ 700 V", "不低于700", "at least 700 V", "1,200"
_COMMITMENT_WORDS = re.compile(
    r"^\s*(?:[≥≤⩾⩽><=≈~]+|不低于|不高于|不小于|不大于|不少于|至少|至多|约|"
    r"at\s+least|at\s+most|approx\.?|about)\s*", re.IGNORECASE)


def committed_number(text: str | None, unit: str = "") -> Decimal | None:
    """The number in a commitment as people write it: comparator words in front and the
    indicator's own unit behind are allowed, and exponents (1e18, 1.5×10^-9, 10¹⁸);
    None when it is not a quantity that can be kept (see commitment_problem for why)."""
    try:
        return parse_quantity(_commitment_core(text, unit))
    except QuantityError:
        return None


def commitment_problem(text: str | None, unit: str = ""):
    """Why a commitment is not a number (translated), or None when it is one."""
    try:
        parse_quantity(_commitment_core(text, unit))
    except QuantityError as error:
        return error.message
    return None


def _commitment_core(text: str | None, unit: str) -> str:
    text = _COMMITMENT_WORDS.sub("", text or "").strip()
    if unit and text.lower().endswith(unit.strip().lower()):
        text = text[:len(text) - len(unit.strip())]
    return text.strip()


def _meets(comparator: Comparator, value: Decimal, target: Decimal) -> bool:
    return {Comparator.ge: value >= target, Comparator.le: value <= target,
            Comparator.eq: value == target, Comparator.gt: value > target,
            Comparator.lt: value < target}[comparator]


def meets_target(indicator: Indicator, value: Decimal) -> bool:
    return _meets(indicator.comparator, value, indicator.target_value)


def committed_text(row: dict) -> str:
    """A frozen commitment as shown beside its target: the number as targets are shown
    (2e18 → 2×10¹⁸, 9×10^-10 → 9×10⁻¹⁰) when it is one, else as typed."""
    value = committed_number(row.get("committed"), row.get("unit") or "")
    return format_quantity(value) if value is not None else str(row.get("committed") or "")


def falls_short(row: dict) -> bool:
    """A frozen commitment row (as stored in a version) that does not meet its target: the
    form refuses them, but versions that arrived another way (an import, an older form) are
    flagged wherever they are shown."""
    try:
        comparator = Comparator(row.get("comparator"))
        target = committed_number(str(row.get("target", "")))
    except ValueError:
        return False
    value = committed_number(row.get("committed"), row.get("unit") or "")
    if value is None or target is None:
        return False
    return not _meets(comparator, value, target)


def row_indices(raw: MultiDict, prefix: str) -> list[int]:
    found = {int(m.group(1)) for key in raw.keys()
             if (m := re.match(rf"^{prefix}-(\d+)-", key))}
    return sorted(found)[:MAX_ROWS]


def _row(raw: MultiDict, prefix: str, index: int, fields: tuple[str, ...]) -> dict:
    return {f: (raw.get(f"{prefix}-{index}-{f}") or "").strip() for f in fields}


class Checker:
    def __init__(self):
        self.errors: dict[str, list] = {}

    def add(self, key: str, message) -> None:
        self.errors.setdefault(key, []).append(message)


def validate(raw: MultiDict, need: Challenge, members: list, attachments: list
             ) -> tuple[dict, dict[str, list]]:
    """The snapshot content for a submission, and errors keyed by form field name."""
    check = Checker()
    approach = (raw.get("approach") or "").strip()
    if len(approach) < 20:
        check.add("approach", _l("Describe your technical approach (at least 20 characters)."))
    content = {
        "approach": approach,
        "indicators": _indicators(raw, need, check),
        "milestones": _milestones(raw, need, check),
    }
    budget, total = _budget(raw, check)
    justification = (raw.get("budget_justification") or "").strip()
    if need.budget_wan is not None and total > need.budget_wan and not justification:
        check.add("budget_justification", _l(
            "Your request is above the need's budget of %(budget)s; explain why.",
            budget=plain_number(need.budget_wan)))
    chosen = set(raw.getlist("members"))
    on_bid = [m.snapshot() for m in members if str(m.id) in chosen]
    if not on_bid:
        check.add("members", _l("Choose the team members who will work on this need."))
    if raw.get("declaration") != "y":
        check.add("declaration", _l("Confirm the declaration to submit."))
    content.update(budget=budget, budget_total=str(total), budget_justification=justification,
                   members=on_bid, attachments=[a.snapshot() for a in attachments],
                   declaration=True)
    return content, check.errors


def _indicators(raw: MultiDict, need: Challenge, check: Checker) -> list[dict]:
    rows = []
    for indicator in need.indicators:
        key = f"indicator-{indicator.id}"
        committed_text = (raw.get(f"{key}-committed") or "").strip()
        verification = (raw.get(f"{key}-verification") or "").strip()
        committed = committed_number(committed_text, indicator.unit)
        if committed is None and not committed_text:
            check.add(f"{key}-committed", _l(
                "Enter the value you commit to as a number in %(unit)s, e.g. %(target)s.",
                unit=indicator.unit or "-", target=indicator.target_display))
        elif committed is None:
            check.add(f"{key}-committed", commitment_problem(committed_text, indicator.unit))
        elif not meets_target(indicator, committed):
            check.add(f"{key}-committed", _l(
                "This does not meet the target (%(cmp)s %(target)s %(unit)s).",
                cmp=indicator.comparator.symbol, target=indicator.target_display,
                unit=indicator.unit))
        if not verification:
            check.add(f"{key}-verification", _l("Say how the value will be verified."))
        rows.append({"indicator_id": indicator.id, "name": indicator.name,
                     "name_en": indicator.name_en or "", "comparator": indicator.comparator.value,
                     "target": indicator.target_display, "unit": indicator.unit,
                     "committed": committed_text, "verification": verification})
    return rows


def _milestones(raw: MultiDict, need: Challenge, check: Checker) -> list[dict]:
    rows, total = [], Decimal(0)
    for i in row_indices(raw, "milestones"):
        row = _row(raw, "milestones", i, ("name", "month", "deliverable", "share"))
        if not any(row.values()):
            continue
        key = f"milestones-{i}"
        if not row["name"]:
            check.add(f"{key}-name", _l("Name the milestone."))
        if not row["deliverable"]:
            check.add(f"{key}-deliverable", _l("Say what is delivered."))
        month_number = _decimal(row["month"], MONTH_UNITS)
        month = int(month_number) if month_number is not None and month_number == int(
            month_number) else 0
        limit = need.period_months or 240
        if not 1 <= month <= limit:
            check.add(f"{key}-month", _l("Enter a month from 1 to %(n)s.", n=limit))
        share = _decimal(row["share"], SHARE_UNITS)
        if share is None or not Decimal(0) < share <= HUNDRED:
            check.add(f"{key}-share", decimal_comma_problem(row["share"])
                      or _l("Enter a share above 0 and at most 100."))
        else:
            total += share
        rows.append({**row, "month": month, "share": str(share) if share is not None else ""})
    if not rows:
        check.add("milestones", _l("Plan at least one milestone."))
    # every error at once: the sum is checked whenever every share is a valid number, even
    # if a name or a month is still missing
    elif total != HUNDRED and not any(k.startswith("milestones-") and k.endswith("-share")
                                      for k in check.errors):
        check.add("milestones", _l("Payment shares add up to %(total)s%%; they must add up "
                                   "to 100%%.", total=plain_number(total)))
    return sorted(rows, key=lambda r: r["month"])


def _budget(raw: MultiDict, check: Checker) -> tuple[list[dict], Decimal]:
    rows, total = [], Decimal(0)
    for i in row_indices(raw, "budget"):
        row = _row(raw, "budget", i, ("item", "amount"))
        if not any(row.values()):
            continue
        amount = _decimal(row["amount"], AMOUNT_UNITS)
        if not row["item"]:
            check.add(f"budget-{i}-item", _l("Name the budget item."))
        if amount is None or amount < 0 or amount.as_tuple().exponent < -2:
            check.add(f"budget-{i}-amount", decimal_comma_problem(row["amount"]) or _l(
                "Enter the amount in 10,000 CNY (万元): zero or more, with at most two "
                "decimals."))
        else:
            total += amount
        rows.append({"item": row["item"], "amount": str(amount) if amount is not None else ""})
    if not rows:
        check.add("budget", _l("Break your budget request down into at least one item."))
    return rows, total
