"""Every step of the process that waits on somebody, for the program office's "waiting"
page and for each user's own dashboard: who must act, on what, since when."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from marketplace.accounts.models import Organisation, User
from marketplace.audit.models import AuditEntry
from marketplace.challenges.models import Challenge, NeedStatus
from marketplace.challenges.queries import screening_queue
from marketplace.extensions import db

from .award_models import Decision, DecisionStatus, MilestoneStatus, Objection, \
    ObjectionStatus, ProjectMilestone
from .models import ReviewRound, RoundStatus

# who a step waits on
OFFICE, OWNER, REVIEWER = "office", "owner", "reviewer"
WAITING_ON_LABELS = {OFFICE: _l("Program office"), OWNER: _l("Need owner"),
                     REVIEWER: _l("Reviewer")}


@dataclass
class Waiting:
    on: str                 # OFFICE, OWNER or REVIEWER
    what: object            # a lazy string: the step
    need: Challenge | None  # None: a step about an organisation, not a need
    since: datetime | None
    who: object = ""        # who must act: a name, or an organisation (shown in the
                            # reader's language)
    endpoint: str = ""      # where to act (url_for endpoint and its values)
    values: dict | None = None


def _latest_decisions() -> dict[int, Decision]:
    """Each need's latest decision (an earlier one was replaced by it)."""
    latest = select(func.max(Decision.id)).group_by(Decision.challenge_id)
    return {d.challenge_id: d for d in db.session.scalars(
        select(Decision).where(Decision.id.in_(latest)))}


def _declined_at(decision: Decision) -> datetime | None:
    return db.session.scalar(select(func.max(AuditEntry.at)).where(
        AuditEntry.action == "decision.decline", AuditEntry.subject_id == decision.id))


def _decisions_waiting(latest: dict[int, Decision]) -> list[Waiting]:
    """A proposed decision waits on its owner; a declined one on the office, until it
    proposes again (a later decision replaces it)."""
    rows = []
    for decision in sorted(latest.values(), key=lambda d: d.proposed_at):
        need = decision.challenge
        if decision.status == DecisionStatus.proposed:
            rows.append(Waiting(OWNER, _l("Confirm the proposed decision"), need,
                                decision.proposed_at, need.organisation,
                                "review.need_decision", {"need_id": need.id}))
        elif decision.status == DecisionStatus.declined:
            rows.append(Waiting(OFFICE, _l("The owner declined the decision: propose again"),
                                need, _declined_at(decision) or decision.proposed_at, "",
                                "review.need_decision", {"need_id": need.id}))
    return rows


def _rounds_to_decide(latest: dict[int, Decision]) -> list[Waiting]:
    """Every sheet of a round is in and no decision stands: the office proposes one."""
    rows = []
    for review in db.session.scalars(select(ReviewRound).where(
            ReviewRound.status == RoundStatus.scoring).order_by(ReviewRound.id)):
        decision = latest.get(review.challenge_id)
        if not review.fully_scored or (decision is not None and decision.round_id == review.id
                                       and decision.status != DecisionStatus.reopened):
            continue
        last_sheet = max((sheet.submitted_at for a in review.active_assignments
                          for entry in review.eligible_entries
                          if (sheet := a.sheet_for(entry)) and sheet.submitted_at), default=None)
        rows.append(Waiting(OFFICE, _l("Every score sheet is in: propose the decision "
                                       "(round %(round)s)", round=review.number),
                            review.challenge, last_sheet, "", "review.need_decision",
                            {"need_id": review.challenge_id}))
    return rows


def _reviews_to_open() -> list[Waiting]:
    """Bidding closed and no open review round (none yet, or only the closed round of an
    earlier call before a republication): the office opens the review."""
    has_round = select(ReviewRound.id).where(ReviewRound.challenge_id == Challenge.id,
                                             ReviewRound.status != RoundStatus.closed).exists()
    return [Waiting(OFFICE, _l("Bidding has closed: open the review"), need, need.deadline, "",
                    "review.index", {})
            for need in db.session.scalars(select(Challenge).where(
                Challenge.status == NeedStatus.closed, ~has_round).order_by(Challenge.deadline))]


def _objections_waiting() -> list[Waiting]:
    return [Waiting(OFFICE, _l("Resolve the objection"), objection.decision.challenge,
                    objection.created_at, "", "review.need_decision",
                    {"need_id": objection.decision.challenge_id})
            for objection in db.session.scalars(select(Objection).where(
                Objection.status == ObjectionStatus.open).order_by(Objection.created_at))]


def _sheets_waiting() -> list[Waiting]:
    rows = []
    for review in db.session.scalars(select(ReviewRound).where(
            ReviewRound.status == RoundStatus.scoring).order_by(ReviewRound.id)):
        entries = review.eligible_entries
        for assignment in review.active_assignments:
            open_sheets = sum(1 for entry in entries
                              if not ((sheet := assignment.sheet_for(entry)) and sheet.submitted))
            if open_sheets:
                rows.append(Waiting(
                    REVIEWER, _l("Submit %(open)s of %(total)s score sheets (round %(round)s)",
                                 open=open_sheets, total=len(entries), round=review.number),
                    review.challenge, assignment.assigned_at, assignment.reviewer.name,
                    "review.round_page", {"round_id": review.id}))
    return rows


def _needs_waiting() -> list[Waiting]:
    rows = [Waiting(OFFICE, _l("Screen the submitted need"), need, need.updated_at, "",
                    "admin.screening", {})
            for need in db.session.scalars(screening_queue())]
    rows += [Waiting(OWNER, _l("Revise and resubmit the returned need"), need, need.updated_at,
                     need.organisation, "challenges.detail", {"need_id": need.id})
             for need in db.session.scalars(select(Challenge).where(
                 Challenge.status == NeedStatus.returned).order_by(Challenge.updated_at))]
    return rows


def _milestones_waiting() -> list[Waiting]:
    return [Waiting(OFFICE, _l("Accept the milestone report: %(name)s", name=m.name),
                    m.challenge, m.reported_at, "", "review.need_decision",
                    {"need_id": m.challenge_id})
            for m in db.session.scalars(select(ProjectMilestone).where(
                ProjectMilestone.status != MilestoneStatus.scheduled,
                ProjectMilestone.accepted_at.is_(None)).order_by(ProjectMilestone.reported_at))]


def everything_waiting() -> list[Waiting]:
    """For the program office: every open step, oldest first within who it waits on."""
    latest = _latest_decisions()
    rows = (_needs_waiting() + _reviews_to_open() + _decisions_waiting(latest)
            + _rounds_to_decide(latest)
            + _objections_waiting() + _milestones_waiting() + _sheets_waiting()
            + _organisations_to_verify())
    order = {OFFICE: 0, OWNER: 1, REVIEWER: 2}
    return sorted(rows, key=lambda w: (order[w.on], w.since is None,
                                       w.since.timestamp() if w.since else 0))


def _organisations_to_verify() -> list[Waiting]:
    """Organisations that registered and are not verified yet (their members have an
    account): the office checks them."""
    orgs = db.session.scalars(select(Organisation).where(
        Organisation.verified.is_(False),
        Organisation.id.in_(select(User.organisation_id))).order_by(Organisation.created_at))
    return [Waiting(OFFICE, _l("Verify the organisation"), None, org.created_at, org,
                    "admin.organisations") for org in orgs]


def decisions_for_owner(organisation_id: int) -> list[Decision]:
    """Proposed decisions that wait for this organisation's confirmation."""
    return db.session.scalars(select(Decision).join(Challenge).where(
        Challenge.organisation_id == organisation_id,
        Decision.status == DecisionStatus.proposed).order_by(Decision.proposed_at)).all()


def latest_rounds(needs) -> dict[int, ReviewRound]:
    """The latest review round of each of these needs (the owner's dashboard shows where
    each review stands: formal check, scoring, a decision to confirm, declined, publicity)."""
    ids = [need.id for need in needs if need.status == NeedStatus.under_review]
    if not ids:
        return {}
    rounds = db.session.scalars(select(ReviewRound).where(ReviewRound.challenge_id.in_(ids))
                                .order_by(ReviewRound.number)).all()
    return {review.challenge_id: review for review in rounds}
