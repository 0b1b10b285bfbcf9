"""The review and the award, step by step, for the services that react (notifications today;
the audit log and OCDS publication later). Sent inside the transaction, after its flush (see
challenges/events.py), in the order the steps happen. The sender of each is named."""
from __future__ import annotations

from blinker import Namespace

_events = Namespace()

# the round
review_opened = _events.signal("review-opened", doc="Sender: the ReviewRound (formal check).")
bid_checked = _events.signal(
    "bid-checked", doc="The formal check decided on a bid. Sender: the RoundBid; eligible=bool.")
reviewer_assigned = _events.signal("reviewer-assigned", doc="Sender: the Assignment.")
reviewer_reminded = _events.signal(
    "reviewer-reminded", doc="Sender: the Assignment; open_sheets=int, total=int.")
round_scored = _events.signal(
    "round-scored", doc="The last score sheet of a round is in. Sender: the ReviewRound.")
sheet_reopened = _events.signal("sheet-reopened", doc="Sender: the ScoreSheet.")
# the decision, publicity and the award
decision_proposed = _events.signal("decision-proposed", doc="Sender: the Decision.")
decision_confirmed = _events.signal(
    "decision-confirmed", doc="The owner confirmed; publicity started. Sender: the Decision.")
decision_declined = _events.signal("decision-declined", doc="Sender: the Decision.")
objection_lodged = _events.signal("objection-lodged", doc="Sender: the Objection.")
decision_reopened = _events.signal(
    "decision-reopened", doc="An upheld objection withdrew the decision. Sender: the "
    "Objection (sent before objection_resolved).")
objection_resolved = _events.signal("objection-resolved", doc="Sender: the Objection.")
award_final = _events.signal("award-final", doc="Sender: the Decision.")
need_republished = _events.signal(
    "need-republished", doc="Published again after no award. Sender: the need (Challenge); "
    "organisation_ids=the teams whose earlier bids were closed.")
milestone_reported = _events.signal(
    "milestone-reported", doc="The need owner reported on a project milestone. Sender: the "
    "ProjectMilestone.")
milestone_accepted = _events.signal(
    "milestone-accepted", doc="The program office accepted a milestone's report. Sender: the "
    "ProjectMilestone.")
