"""A draft sent as JSON, checked by the web's need form (challenges.forms.NeedForm): the same
lengths, budget range, dates, indicator targets, e-mail and chain rules, and the same values
handed to challenges.operations. The JSON becomes the form data a browser would send."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from marketplace.challenges.forms import NeedForm
from marketplace.challenges.models import MAX_BUDGET_WAN, Challenge, IPTerms
from marketplace.challenges.operations import NEED_FIELDS, IndicatorRow
from marketplace.core.timefmt import EARLIEST_YEAR, LATEST_YEAR, program_zone
from marketplace.core.types import plain_number

from .errors import ApiAbort, form_errors

TEXT_FIELDS = tuple(name for name in NEED_FIELDS
                    if name not in ("ip_terms", "budget_wan", "deadline", "period_months"))
FORM_TIME = "%Y-%m-%dT%H:%M:%S"


def current_values(need: Challenge) -> dict:
    """A need's values in the API's input shape (what a change starts from)."""
    values = {name: getattr(need, name) for name in TEXT_FIELDS}
    values.update(ip_terms=IPTerms(need.ip_terms).value, budget_wan=need.budget_wan,
                  deadline=need.deadline, period_months=need.period_months,
                  indicators=[{"name": row.name, "name_en": row.name_en,
                               "comparator": row.comparator.value, "target": row.target_text,
                               "unit": row.unit} for row in need.indicators])
    return values


def validated_draft(body: dict, need: Challenge | None = None
                    ) -> tuple[dict, list[IndicatorRow]]:
    """The values and indicator rows for challenges.operations, or 422 with every refused
    field (nothing is stored)."""
    values = {**current_values(need), **body} if need is not None else dict(body)
    problems: dict[str, list[str]] = {}
    data = _form_data(values, problems)
    form = NeedForm(formdata=data, meta={"csrf": False})
    if not form.validate() or problems:
        for name, messages in form_errors(form).items():
            problems.setdefault(name, []).extend(messages)
        raise ApiAbort(422, "validation_failed", errors=problems)
    return form.field_values(program_zone()), form.indicator_rows()


def _form_data(values: dict, problems: dict) -> MultiDict:
    data = MultiDict()
    for name in TEXT_FIELDS:
        if values.get(name) is not None:
            data[name] = values[name]
    if values.get("ip_terms"):
        data["ip_terms"] = values["ip_terms"]
    if values.get("period_months") is not None:
        data["period_months"] = str(values["period_months"])
    budget = _budget_text(values.get("budget_wan"), problems)
    if budget is not None:
        data["budget_wan"] = budget
    deadline = _deadline_text(values.get("deadline"), problems)
    if deadline is not None:
        data["deadline"] = deadline
    for index, row in enumerate(values.get("indicators") or []):
        for key in ("name", "name_en", "comparator", "target", "unit"):
            if row.get(key) is not None:
                data[f"indicators-{index}-{key}"] = str(row[key])
    return data


def _budget_text(value: Decimal | None, problems: dict) -> str | None:
    """The budget as the form reads it; an amount out of range or with more than two
    decimals is refused here (written out, 1E+999999 would be a million digits)."""
    if value is None:
        return None
    value = Decimal(value)
    if not 0 <= value <= MAX_BUDGET_WAN:
        problems["budget_wan"] = [str(_l("Enter a budget from 0 to %(max)s (×10k CNY).",
                                         max=f"{MAX_BUDGET_WAN:,}"))]
        return None
    if value != value.quantize(Decimal("0.01")):
        problems["budget_wan"] = [str(_l("Enter the budget with at most two decimals."))]
        return None
    return plain_number(value)


def _deadline_text(value: datetime | None, problems: dict) -> str | None:
    """The deadline in Beijing time, as the form's field takes it."""
    if value is None:
        return None
    try:
        local = value.astimezone(program_zone())
    except (OverflowError, ValueError):
        local = None
    if local is None or not EARLIEST_YEAR <= local.year <= LATEST_YEAR:
        problems["deadline"] = [str(_l("Enter a date between the years %(first)d and "
                                       "%(last)d.", first=EARLIEST_YEAR, last=LATEST_YEAR))]
        return None
    return local.replace(tzinfo=None).strftime(FORM_TIME)
