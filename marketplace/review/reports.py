"""The per-round review report: criteria × reviewers × bids, aggregates, flags, decision;
as rows for the page, CSV and XLSX."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook

from .aggregation import quantize
from .award_models import Decision
from .models import ReviewRound
from .queries import Results, latest_decision, results


@dataclass
class Report:
    review: ReviewRound
    results: Results
    decision: Decision | None
    locale: str

    @property
    def criteria(self):
        return self.review.criteria

    def team(self, entry) -> str:
        return entry.bid.organisation.display_name(self.locale)

    def score_rows(self) -> list[list]:
        rows = []
        for item in self.results.ranking:
            entry = item.key
            for assignment in self.review.active_assignments:
                sheet = assignment.sheet_for(entry)
                values = [(sheet.score_for(c).value if sheet and sheet.score_for(c) else None)
                          for c in self.criteria]
                total = self.results.totals.get((assignment.id, entry.id))
                rows.append([entry.label, self.team(entry), assignment.reviewer.name,
                             *[_text(v) for v in values],
                             _text(quantize(total)) if total is not None else "",
                             sheet.status.value if sheet else "none"])
        return rows

    def score_header(self) -> list[str]:
        return ["bid", "team", "reviewer",
                *[f"{c.display_name(self.locale)} ({c.weight})" for c in self.criteria],
                "total", "sheet"]

    ranking_header = ["rank", "bid", "team", "reviewers", "panel score (trimmed mean)", "mean",
                      "median", "stdev", "spread", "flag", "tied"]

    def ranking_rows(self) -> list[list]:
        rows = []
        for item in self.results.ranking:
            rows.append([item.rank or "", item.key.label, self.team(item.key), item.count,
                         *[_text(quantize(v)) if v is not None else "" for v in
                           (item.trimmed_mean, item.mean, item.median, item.stdev, item.spread)],
                         "discuss" if item.flagged else "", "tied" if item.tied else ""])
        return rows

    def excluded_rows(self) -> list[list]:
        return [[e.label, self.team(e), e.formal_reason or ""]
                for e in self.review.entries if e.eligible is False]

    def decision_rows(self) -> list[list]:
        if self.decision is None:
            return [["decision", "none yet"]]
        d = self.decision
        return [["decision", d.outcome.value], ["status", d.status.value],
                ["winners", ", ".join(w.bid.organisation.display_name(self.locale)
                                      for w in d.winners)],
                ["rationale", d.rationale],
                ["publicity ends (UTC)", d.publicity_ends_at.isoformat(timespec="minutes")
                 if d.publicity_ends_at else ""]]


def _text(value) -> str:
    return "" if value is None else format(value, "f")


def build(review: ReviewRound, locale: str) -> Report:
    return Report(review=review, results=results(review),
                  decision=latest_decision(review.challenge), locale=locale)


def to_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([f"review report: {report.review.challenge.ref} round {report.review.number}"])
    writer.writerow(report.score_header())
    writer.writerows(report.score_rows())
    writer.writerow([])
    writer.writerow(report.ranking_header)
    writer.writerows(report.ranking_rows())
    writer.writerow([])
    writer.writerow(["not eligible", "team", "reasons"])
    writer.writerows(report.excluded_rows())
    writer.writerow([])
    writer.writerows(report.decision_rows())
    return buffer.getvalue()


def to_xlsx(report: Report) -> bytes:
    book = Workbook()
    scores = book.active
    scores.title = "Scores"
    for row in [report.score_header(), *report.score_rows()]:
        scores.append(row)
    ranking = book.create_sheet("Ranking")
    for row in [report.ranking_header, *report.ranking_rows()]:
        ranking.append(row)
    excluded = book.create_sheet("Formal check")
    for row in [["bid", "team", "reasons"], *report.excluded_rows()]:
        excluded.append(row)
    decision = book.create_sheet("Decision")
    for row in report.decision_rows():
        decision.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
