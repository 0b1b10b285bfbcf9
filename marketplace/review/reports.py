"""The per-round review report: criteria × reviewers × bids, aggregates, flags, decision;
as rows for the page, CSV and XLSX."""
from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import pgettext
from openpyxl import Workbook

from marketplace.core.spreadsheets import SafeCsvWriter, append_row

from .aggregation import quantize
from .award_models import Decision
from .labels import ASSIGNMENT_STATUS_LABELS, DECISION_STATUS_LABELS, sheet_label
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
                             sheet_label(sheet)])
        return rows

    @property
    def panel_header(self) -> list[str]:
        return [_("Reviewer"), _("Organisation"), _("Status"), _("Assigned (UTC)"),
                _("Reasons for recusal")]

    def panel_rows(self) -> list[list]:
        """Who sat on the panel, who stepped aside (回避) and why."""
        return [[a.reviewer.name,
                 a.reviewer.organisation.display_name(self.locale) if a.reviewer.organisation
                 else "", str(ASSIGNMENT_STATUS_LABELS[a.status]),
                 a.assigned_at.isoformat(timespec="minutes") if a.assigned_at else "",
                 a.recusal_reason or ""]
                for a in self.review.assignments]

    @property
    def comment_header(self) -> list[str]:
        return [_("Bid"), _("Team"), _("Reviewer"), _("Criterion"), _("Comment")]

    def comment_rows(self) -> list[list]:
        """Every comment of every submitted sheet: per criterion, then the overall one."""
        rows = []
        for item in self.results.ranking:
            entry = item.key
            for assignment in self.review.active_assignments:
                sheet = assignment.sheet_for(entry)
                if sheet is None or not sheet.submitted:
                    continue
                for criterion in self.criteria:
                    score = sheet.score_for(criterion)
                    if score is not None and (score.comment or "").strip():
                        rows.append([entry.label, self.team(entry), assignment.reviewer.name,
                                     criterion.display_name(self.locale), score.comment.strip()])
                if (sheet.comment or "").strip():
                    rows.append([entry.label, self.team(entry), assignment.reviewer.name,
                                 _("Overall"), sheet.comment.strip()])
        return rows

    def score_header(self) -> list[str]:
        return [_("Bid"), _("Team"), _("Reviewer"),
                *[f"{c.display_name(self.locale)} ({c.weight})" for c in self.criteria],
                _("Weighted total"), _("Score sheet")]

    @property
    def ranking_header(self) -> list[str]:
        return [_("Rank"), _("Bid"), _("Team"), _("Reviewers"),
                _("Panel score (trimmed mean)"), _("Mean"), _("Median"),
                _("Standard deviation"), _("Spread"), _("Flag"), _("Tied")]

    @property
    def excluded_header(self) -> list[str]:
        return [_("Not eligible"), _("Team"), _("Reasons")]

    def ranking_rows(self) -> list[list]:
        rows = []
        for item in self.results.ranking:
            rows.append([item.rank or "", item.key.label, self.team(item.key), item.count,
                         *[_text(quantize(v)) if v is not None else "" for v in
                           (item.trimmed_mean, item.mean, item.median, item.stdev, item.spread)],
                         _("Discuss") if item.flagged else "", _("Tied") if item.tied else ""])
        return rows

    def excluded_rows(self) -> list[list]:
        return [[e.label, self.team(e), e.formal_reason or ""]
                for e in self.review.entries if e.eligible is False]

    def decision_rows(self) -> list[list]:
        if self.decision is None:
            return [[_("Decision"), _("None yet")]]
        d = self.decision
        outcome = {"award": pgettext("decision outcome", "Winners selected"),
                   "no_award": _("No award")}[d.outcome.value]
        return [[_("Decision"), outcome], [_("Status"), str(DECISION_STATUS_LABELS[d.status])],
                [_("Winners"), ", ".join(w.bid.organisation.display_name(self.locale)
                                         for w in d.winners)],
                [_("Rationale"), d.rationale_for(self.locale)],
                [_("Publicity ends (UTC)"), d.publicity_ends_at.isoformat(timespec="minutes")
                 if d.publicity_ends_at else ""]]


def _text(value) -> Decimal | str:
    """A score as a number written out in full (8.50, never 8.5E+0); empty when missing.
    CSV and the page show it as text, XLSX stores it as a number."""
    return "" if value is None else Decimal(format(value, "f"))


def build(review: ReviewRound, locale: str) -> Report:
    return Report(review=review, results=results(review),
                  decision=latest_decision(review.challenge), locale=locale)


def to_csv(report: Report) -> str:
    """UTF-8 with a byte-order mark, so that Excel on Windows reads the Chinese correctly."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = SafeCsvWriter(buffer)
    writer.writerow([_("Review report: %(ref)s, round %(n)s", ref=report.review.challenge.ref,
                       n=report.review.number)])
    writer.writerow(report.score_header())
    writer.writerows(report.score_rows())
    writer.writerow([])
    writer.writerow(report.ranking_header)
    writer.writerows(report.ranking_rows())
    writer.writerow([])
    writer.writerow(report.excluded_header)
    writer.writerows(report.excluded_rows())
    writer.writerow([])
    writer.writerow(report.comment_header)
    writer.writerows(report.comment_rows())
    writer.writerow([])
    writer.writerow(report.panel_header)
    writer.writerows(report.panel_rows())
    writer.writerow([])
    writer.writerows(report.decision_rows())
    return buffer.getvalue()


def to_xlsx(report: Report) -> bytes:
    book = Workbook()
    scores = book.active
    scores.title = _("Scores")
    for row in [report.score_header(), *report.score_rows()]:
        append_row(scores, row)
    ranking = book.create_sheet(_("Ranking"))
    for row in [report.ranking_header, *report.ranking_rows()]:
        append_row(ranking, row)
    excluded = book.create_sheet(_("Formal check"))
    for row in [report.excluded_header, *report.excluded_rows()]:
        append_row(excluded, row)
    comments = book.create_sheet(_("Comments"))
    for row in [report.comment_header, *report.comment_rows()]:
        append_row(comments, row)
    panel = book.create_sheet(_("Panel"))
    for row in [report.panel_header, *report.panel_rows()]:
        append_row(panel, row)
    decision = book.create_sheet(_("Decision"))
    for row in report.decision_rows():
        append_row(decision, row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
