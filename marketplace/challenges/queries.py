"""Read helpers for needs: the public list with filters, the owner's and admin's lists."""
from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import Select, and_, bindparam, or_, select

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
STATUS_FILTERS = ("open", "closed", "under_review", "publicity", "awarded", "all")
# the later stages a visitor can follow: under review, in publicity (公示), awarded and on
STAGE_FILTERS = {
    "under_review": (NeedStatus.under_review,),
    "publicity": (NeedStatus.publicity,),
    "awarded": (NeedStatus.awarded, NeedStatus.contracted, NeedStatus.accepted),
}


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


_statements: dict[tuple, Select] = {}


def public_needs_query(filters: NeedFilters) -> Select:
    """The public list's statement, built once per set of filters: the clock is a parameter
    read when the statement runs (building it cost a list page more than running it)."""
    key = (_sqlite(), *astuple(filters))     # the budget order differs by database
    statement = _statements.get(key)
    if statement is None:
        statement = _statements[key] = _public_needs_statement(filters)
    return statement


def _now_parameter(name: str, days: int = 0):
    return bindparam(name, type_=Challenge.deadline.type,
                     callable_=lambda: utcnow() + timedelta(days=days))


def _public_needs_statement(filters: NeedFilters) -> Select:
    now = _now_parameter("now")
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
    elif filters.status in STAGE_FILTERS:
        query = query.where(Challenge.status.in_(STAGE_FILTERS[filters.status]))
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
                            Challenge.deadline <= _now_parameter("window_end", days))
    # public needs always have a deadline and a publication time; a budget is optional and
    # goes last (SQLite sorts NULL last in DESC by itself, and only then uses the index)
    if filters.sort == "budget":
        budget = Challenge.budget_wan.desc()
        query = query.order_by(budget if _sqlite() else budget.nulls_last(),
                               Challenge.id.desc())
    elif filters.sort == "newest":
        query = query.order_by(Challenge.published_at.desc(), Challenge.id.desc())
    else:
        query = query.order_by(Challenge.deadline.asc(), Challenge.id)
    return query


def _sqlite() -> bool:
    from marketplace.extensions import db
    return db.engine.dialect.name == "sqlite"


def count_public_needs(filters: NeedFilters) -> int:
    """How many needs the list shows: a count over the indexed columns (no row is read),
    kept until public data changes or the minute turns."""
    from sqlalchemy import func

    from marketplace.core.pagecache import cached_figures
    from marketplace.extensions import db
    key = f"needs:{filters.status}:{filters.budget}:{filters.deadline_within}"
    return cached_figures(key, lambda: db.session.scalar(
        public_needs_query(filters).order_by(None).with_only_columns(func.count(Challenge.id))))


def organisation_needs(organisation_id: int) -> Select:
    return (select(Challenge).where(Challenge.organisation_id == organisation_id)
            .order_by(Challenge.updated_at.desc()))


def screening_queue() -> Select:
    return (select(Challenge).where(Challenge.status == NeedStatus.submitted)
            .order_by(Challenge.updated_at.asc()))
