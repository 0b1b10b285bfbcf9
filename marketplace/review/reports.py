"""The per-round review report: criteria × reviewers × bids, aggregates, flags, decision;
as rows for the page, CSV and XLSX."""
from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from openpyxl import Workbook

from marketplace.core.spreadsheets import SafeCsvWriter, append_row, finish_sheet
from marketplace.core.timefmt import format_in_zone, program_zone

from .aggregation import TRIM_FROM, quantize
from .award_models import Decision
from .labels import ASSIGNMENT_STATUS_LABELS, DECISION_STATUS_LABELS, outcome_label, sheet_label
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

    @property
    def sheet_counts(self) -> tuple[int, int]:
        """(sheets submitted, sheets the round needs) by the reviewers now on the panel."""
        entries, panel = self.review.eligible_entries, self.review.active_assignments
        done = sum(1 for a in panel for e in entries
                   if (sheet := a.sheet_for(e)) is not None and sheet.submitted)
        return done, len(entries) * len(panel)

    @property
    def provisional(self) -> bool:
        return not self.results.complete

    def status_line(self) -> str:
        """Said first on the page and in every file: a ranking from some sheets only may
        still change, and nobody should mistake it for the panel's result."""
        done, needed = self.sheet_counts
        if self.provisional:
            return _("PROVISIONAL: %(done)s of %(needed)s score sheets submitted; the ranking "
                     "may still change.", done=done, needed=needed)
        return _("Complete: all %(needed)s score sheets submitted.", needed=needed)

    def team(self, entry) -> str:
        return entry.bid.organisation.display_name(self.locale)

    def _sheets(self):
        """(bid entry, assignment, its sheet or None) in ranking order, reviewer by reviewer."""
        for item in self.results.ranking:
            for assignment in self.review.active_assignments:
                yield item.key, assignment, assignment.sheet_for(item.key)

    def score_rows(self) -> list[list]:
        rows = []
        for entry, assignment, sheet in self._sheets():
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
        return [_("Reviewer"), _("Organisation"), _("Status"), _("Assigned"),
                _("Reasons for recusal")]

    def panel_rows(self) -> list[list]:
        """Who sat on the panel, who stepped aside (回避) and why."""
        return [[a.reviewer.name,
                 a.reviewer.organisation.display_name(self.locale) if a.reviewer.organisation
                 else "", str(ASSIGNMENT_STATUS_LABELS[a.status]),
                 format_in_zone(a.assigned_at, program_zone()),
                 a.recusal_reason or ""]
                for a in self.review.assignments]

    @property
    def comment_header(self) -> list[str]:
        return [_("Bid"), _("Team"), _("Reviewer"), _("Criterion"), _("Comment")]

    def comment_rows(self) -> list[list]:
        """Every comment of every submitted sheet: per criterion, then the overall one."""
        rows = []
        for entry, assignment, sheet in self._sheets():
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
        return [_("Rank"), _("Bid"), _("Team"), _("Reviewers"), self.panel_score_heading,
                _("Mean"), _("Median"),
                _("Standard deviation"), _("Spread"), _("Flag"), _("Tied")]

    @property
    def panel_score_heading(self) -> str:
        """Says how the panel score was computed: the highest and lowest totals are left out
        only where a bid has TRIM_FROM or more reviewers."""
        counts = {item.count >= TRIM_FROM for item in self.results.ranking if item.count}
        if counts == {True}:
            return _("Panel score (mean without the highest and lowest)")
        if counts == {True, False}:
            return _("Panel score (mean; without the highest and lowest where %(n)s or more "
                     "reviewers scored)", n=TRIM_FROM)
        return _("Panel score (mean)")

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
        return [[_("Decision"), outcome_label(d.outcome)], [_("Status"), str(DECISION_STATUS_LABELS[d.status])],
                [_("Winners"), ", ".join(w.bid.organisation.display_name(self.locale)
                                         for w in d.winners)],
                [_("Rationale"), d.rationale_for(self.locale)],
                [_("Publicity ends"), format_in_zone(d.publicity_ends_at, program_zone())]]


def _text(value) -> Decimal | str:
    """A score as a number written out in full (8.50, never 8.5E+0); empty when missing.
    CSV and the page show it as text, XLSX stores it as a number."""
    return "" if value is None else Decimal(format(value, "f"))


def build(review: ReviewRound, locale: str) -> Report:
    return Report(review=review, results=results(review),
                  decision=latest_decision(review.challenge), locale=locale)


def _tables(report: Report) -> list[tuple[str, str, list[list]]]:
    """The report's tables in order, (key, sheet name, rows with the header first): sheets of
    the XLSX, blocks of the CSV (the decision follows them, without a header)."""
    return [("scores", _("Scores"), [report.score_header(), *report.score_rows()]),
            ("ranking", _("Ranking"), [report.ranking_header, *report.ranking_rows()]),
            ("excluded", _("Formal check"), [report.excluded_header, *report.excluded_rows()]),
            ("comments", _("Comments"), [report.comment_header, *report.comment_rows()]),
            ("panel", _("Panel"), [report.panel_header, *report.panel_rows()])]


def _title(report: Report) -> str:
    return _("Review report: %(ref)s, round %(n)s", ref=report.review.challenge.ref,
             n=report.review.number)


def to_csv(report: Report) -> str:
    """UTF-8 with a byte-order mark, so that Excel on Windows reads the Chinese correctly."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = SafeCsvWriter(buffer)
    writer.writerow([_title(report)])
    writer.writerow([report.status_line()])
    for _key, _name, rows in _tables(report):
        writer.writerows(rows)
        writer.writerow([])
    writer.writerows(report.decision_rows())
    return buffer.getvalue()


def to_xlsx(report: Report) -> bytes:
    book = Workbook()
    summary = book.active
    summary.title = _("Report")
    append_row(summary, [_title(report)])
    append_row(summary, [report.status_line()])
    for key, name, rows in _tables(report):
        sheet = book.create_sheet(name)
        for row in rows:
            append_row(sheet, row)
        if report.provisional and key == "ranking":
            append_row(sheet, [])
            append_row(sheet, [report.status_line()])
        finish_sheet(sheet)
    decision = book.create_sheet(_("Decision"))
    for row in report.decision_rows():
        append_row(decision, row)
    finish_sheet(decision, header=False)
    finish_sheet(summary, header=False)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
