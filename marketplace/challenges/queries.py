"""Read helpers for needs: the public list with filters, the owner's and admin's lists."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import Select, and_, or_, select

from marketplace.core.types import utcnow

from .models import Challenge, NeedStatus

# budget bands in 万元: key -> (low inclusive, high exclusive)
BUDGET_BANDS: dict[str, tuple[Decimal | None, Decimal | None]] = {
    "lt1000": (None, Decimal(1000)),
    "1000-5000": (Decimal(1000), Decimal(5000)),
    "5000-10000": (Decimal(5000), Decimal(10000)),
    "ge10000": (Decimal(10000), None),
}
DEADLINE_WINDOWS = {"7": 7, "30": 30, "90": 90}
SORTS = ("deadline", "budget", "newest")
STATUS_FILTERS = ("open", "closed", "all")


@dataclass
class NeedFilters:
    status: str = "open"
    budget: str | None = None
    deadline_within: str | None = None
    sort: str = "deadline"

    @classmethod
    def from_args(cls, args) -> NeedFilters:
        status = args.get("status", "open")
        budget = args.get("budget")
        window = args.get("deadline")
        sort = args.get("sort", "deadline")
        return cls(status=status if status in STATUS_FILTERS else "open",
                   budget=budget if budget in BUDGET_BANDS else None,
                   deadline_within=window if window in DEADLINE_WINDOWS else None,
                   sort=sort if sort in SORTS else "deadline")


def public_needs_query(filters: NeedFilters) -> Select:
    now = utcnow()
    query = select(Challenge)
    open_clause = and_(Challenge.status == NeedStatus.published,
                       or_(Challenge.deadline.is_(None), Challenge.deadline > now))
    closed_clause = or_(
        and_(Challenge.status == NeedStatus.published, Challenge.deadline <= now),
        Challenge.status.in_([s for s in NeedStatus if s not in (
            NeedStatus.draft, NeedStatus.submitted, NeedStatus.returned, NeedStatus.published)]))
    if filters.status == "open":
        query = query.where(open_clause)
    elif filters.status == "closed":
        query = query.where(closed_clause)
    else:
        query = query.where(or_(open_clause, closed_clause))
    if filters.budget:
        low, high = BUDGET_BANDS[filters.budget]
        if low is not None:
            query = query.where(Challenge.budget_wan >= low)
        if high is not None:
            query = query.where(Challenge.budget_wan < high)
    if filters.deadline_within:
        days = DEADLINE_WINDOWS[filters.deadline_within]
        query = query.where(Challenge.deadline > now,
                            Challenge.deadline <= now + timedelta(days=days))
    if filters.sort == "budget":
        query = query.order_by(Challenge.budget_wan.desc().nulls_last(), Challenge.id.desc())
    elif filters.sort == "newest":
        query = query.order_by(Challenge.published_at.desc().nulls_last(), Challenge.id.desc())
    else:
        query = query.order_by(Challenge.deadline.asc().nulls_last(), Challenge.id)
    return query


def organisation_needs(organisation_id: int) -> Select:
    return (select(Challenge).where(Challenge.organisation_id == organisation_id)
            .order_by(Challenge.updated_at.desc()))


def screening_queue() -> Select:
    return (select(Challenge).where(Challenge.status == NeedStatus.submitted)
            .order_by(Challenge.updated_at.asc()))
