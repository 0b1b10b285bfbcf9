"""From reviewers' scores to a ranking: the one place the panel's arithmetic lives.

Pure functions over Decimals, no database. The rules (also in docs/review.md):

* Reviewer total: each criterion's score is put on its range, weighted, and summed:
  total = Σ weight_i × (score_i − min_i) / (max_i − min_i). Weights sum to 100, so a total
  runs from 0 to 100.
* Per bid, over the reviewers who submitted: mean; trimmed mean (drop the single highest and
  the single lowest total when there are 5 or more, else the plain mean); median; sample
  standard deviation (0 for one reviewer); spread = highest − lowest total.
* Panel score = trimmed mean. A bid whose spread exceeds the round's threshold is flagged
  for discussion.
* Ranking: panel score (higher first), then median (higher first), then standard deviation
  (lower first: the panel agreed more). Bids still equal share a rank ("1, 2, 2, 4") and are
  flagged as tied; the panel decides between them, never the order of submission.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

TRIM_FROM = 5
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    weight: int
    min_score: Decimal
    max_score: Decimal


def quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def weighted_total(criteria: list[CriterionSpec], scores: dict[int, Decimal]) -> Decimal:
    """A reviewer's total for a bid, 0 to 100 (unrounded). Every criterion must be scored."""
    total = Decimal(0)
    for spec in criteria:
        value = scores[spec.id]
        if not spec.min_score <= value <= spec.max_score:
            raise ValueError(f"score {value} outside {spec.min_score}..{spec.max_score}")
        total += Decimal(spec.weight) * (value - spec.min_score) / (spec.max_score - spec.min_score)
    return total


def mean(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def trimmed_mean(values: list[Decimal]) -> Decimal:
    if len(values) < TRIM_FROM:
        return mean(values)
    ordered = sorted(values)
    return mean(ordered[1:-1])


def median(values: list[Decimal]) -> Decimal:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def standard_deviation(values: list[Decimal]) -> Decimal:
    """Sample standard deviation (n − 1); 0 for a single value."""
    if len(values) < 2:
        return Decimal(0)
    centre = mean(values)
    variance = sum(((v - centre) ** 2 for v in values), Decimal(0)) / (len(values) - 1)
    return variance.sqrt()


@dataclass
class BidAggregate:
    key: object                     # whatever identifies the bid for the caller
    totals: list[Decimal]
    mean: Decimal | None = None
    trimmed_mean: Decimal | None = None
    median: Decimal | None = None
    stdev: Decimal | None = None
    spread: Decimal | None = None
    flagged: bool = False           # spread above the threshold: discuss
    tied: bool = False              # shares its rank with another bid
    rank: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def panel_score(self) -> Decimal | None:
        return self.trimmed_mean

    @property
    def count(self) -> int:
        return len(self.totals)


def aggregate(key, totals: list[Decimal], spread_threshold: Decimal) -> BidAggregate:
    result = BidAggregate(key=key, totals=list(totals))
    if not totals:
        return result
    result.mean = mean(totals)
    result.trimmed_mean = trimmed_mean(totals)
    result.median = median(totals)
    result.stdev = standard_deviation(totals)
    result.spread = max(totals) - min(totals)
    result.flagged = result.spread > spread_threshold
    return result


def _rank_key(item: BidAggregate) -> tuple:
    return (-quantize(item.trimmed_mean), -quantize(item.median), quantize(item.stdev))


def rank(items: list[BidAggregate]) -> list[BidAggregate]:
    """Scored bids in rank order (competition ranking on rounded figures); unscored last,
    without a rank."""
    scored = sorted((i for i in items if i.totals), key=_rank_key)
    previous_key, previous_rank = None, 0
    for position, item in enumerate(scored, start=1):
        key = _rank_key(item)
        if key == previous_key:
            item.rank = previous_rank
        else:
            item.rank, previous_rank, previous_key = position, position, key
    for item in scored:
        item.tied = sum(1 for other in scored if other.rank == item.rank) > 1
    return scored + [i for i in items if not i.totals]
