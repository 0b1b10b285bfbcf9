"""Decision, publicity (公示), objections (异议), award, contract, milestones and 验收."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.audit.anchor import make_anchor
from marketplace.audit.operations import record
from marketplace.bids.models import Bid, BidStatus
from marketplace.challenges.models import Challenge, NeedStatus
from marketplace.challenges.operations import TransitionError, publish
from marketplace.challenges.operations import _record as record_transition
from marketplace.core.types import utcnow
from marketplace.core.uploads import StoredFile
from marketplace.extensions import db

from . import events
from .award_models import (Decision, DecisionStatus, DecisionWinner, MilestoneStatus,
                           Objection, ObjectionFile, ObjectionStatus, Outcome, ProjectMilestone)
from .models import ReviewRound, RoundStatus
from .operations import ReviewRefused, label_for, label_index
from .queries import latest_decision, milestones, results


def decision_blocker(review: ReviewRound):
    """Why no decision can be proposed on this round now (translated), or None."""
    need = review.challenge
    if need.status != NeedStatus.under_review:
        return _l("A decision can be proposed only while the need is under review.")
    if review.status != RoundStatus.scoring:
        return (_l("Start the scoring first: a decision follows the reviewers' scores.")
                if review.status == RoundStatus.formal_check else
                _l("This round is closed; decide on the need's current round."))
    if not review.fully_scored:
        return _l("Every reviewer must submit every sheet before a decision.")
    pending = latest_decision(need)
    if pending is not None and pending.status == DecisionStatus.proposed:
        return _l("A decision is already waiting for the need owner.")
    return None


def propose_decision(review: ReviewRound, actor, *, outcome: Outcome, winner_entry_ids: list[int],
                     rationale: str, publicity_days: int,
                     rationale_en: str | None = None) -> Decision:
    need = review.challenge
    blocker = decision_blocker(review)
    if blocker is not None:
        raise ReviewRefused(blocker)
    chosen = [e for e in review.eligible_entries if e.id in set(winner_entry_ids)]
    if outcome == Outcome.award and not chosen:
        raise ReviewRefused(_l("Choose at least one winner, or decide on no award."),
                            field="winner")
    if outcome == Outcome.no_award and chosen:
        raise ReviewRefused(_l("A no-award decision has no winners."), field="winner")
    if not (rationale or "").strip():
        raise ReviewRefused(_l("Give the reasons for the decision."), field="rationale")
    ranked = results(review)
    # winners in the order of the ranking (the page and the notice list them so), not by label
    position = {item.key.id: n for n, item in enumerate(ranked.ranking)}
    chosen.sort(key=lambda entry: position.get(entry.id, len(position)))
    decision = Decision(challenge_id=need.id, round_id=review.id, outcome=outcome,
                        rationale=rationale.strip(), publicity_days=publicity_days,
                        rationale_en=(rationale_en or "").strip() or None,
                        proposed_by_id=actor.id)
    for entry in chosen:
        aggregate = ranked.for_entry(entry)
        score = aggregate.panel_score if aggregate else None
        decision.winners.append(DecisionWinner(
            bid_id=entry.bid_id, panel_score=score.quantize(Decimal("0.01")) if score else None))
    db.session.add(decision)
    db.session.flush()
    record("decision.propose", actor, need=need, subject=decision,
           data={"outcome": outcome.value, "winners": [e.label for e in chosen],
                 "winner_bid_ids": [e.bid_id for e in chosen], "rationale": decision.rationale,
                 "publicity_days": publicity_days})
    events.decision_proposed.send(decision)
    return decision


def confirm_decision(decision: Decision, owner, note: str | None = None,
                     now: datetime | None = None) -> None:
    """The need owner confirms: the decision goes public for its publicity period (from
    `now`, the moment of confirming; the demo data passes a past one)."""
    if not decision.can_confirm(owner):
        raise ReviewRefused(_l("Only the need owner can confirm a proposed decision."))
    now = now or utcnow()
    decision.status, decision.confirmed_by_id, decision.confirmed_at = (
        DecisionStatus.publicity, owner.id, now)
    decision.owner_note = (note or "").strip() or None
    decision.publicity_starts_at = now
    decision.publicity_ends_at = now + timedelta(days=decision.publicity_days)
    decision.round.status = RoundStatus.closed
    record_transition(decision.challenge, NeedStatus.publicity, owner)
    db.session.flush()
    record("decision.confirm", owner, need=decision.challenge, subject=decision,
           data={"note": decision.owner_note,
                 "publicity_ends_at": decision.publicity_ends_at.isoformat()})
    # published with the decision: anyone may keep it, and `audit verify --anchor` then shows
    # whether the log was rewritten since (the entry just written included)
    decision.audit_anchor = make_anchor(now)
    db.session.flush()
    events.decision_confirmed.send(decision)


def decline_decision(decision: Decision, owner, note: str) -> None:
    if not decision.can_confirm(owner):
        raise ReviewRefused(_l("Only the need owner can answer a proposed decision."))
    if not (note or "").strip():
        raise ReviewRefused(_l("Say why you do not confirm the decision."), field="note")
    decision.status, decision.owner_note = DecisionStatus.declined, note.strip()
    db.session.flush()
    record("decision.decline", owner, need=decision.challenge, subject=decision,
           data={"note": decision.owner_note})
    events.decision_declined.send(decision)


def lodge_objection(decision: Decision, user, reason: str, files: list[StoredFile]) -> Objection:
    if not decision.in_objection_period():
        raise ReviewRefused(_l("Objections can be lodged only during publicity."))
    if not decision.can_object(user):
        raise ReviewRefused(_l("The program office and the need owner answer objections; they "
                               "do not lodge them."))
    if not (reason or "").strip():
        raise ReviewRefused(_l("Give the reasons for your objection."))
    same = db.session.scalar(select(Objection).where(
        Objection.decision_id == decision.id, Objection.user_id == user.id,
        Objection.reason == reason.strip(), Objection.status == ObjectionStatus.open).limit(1))
    if same is not None:
        return same     # a double click or a resend: lodged once
    objection = Objection(decision_id=decision.id, user_id=user.id, reason=reason.strip())
    objection.files = [ObjectionFile(**f.columns()) for f in files]
    db.session.add(objection)
    db.session.flush()
    record("objection.lodge", user, need=decision.challenge, subject=objection,
           data={"decision_id": decision.id, "reason": objection.reason,
                 "files": [[f.filename, f.sha256] for f in objection.files]})
    events.objection_lodged.send(objection)
    return objection


def resolve_objection(objection: Objection, actor, *, upheld: bool, resolution: str,
                      resolution_en: str | None = None) -> None:
    """Upheld: the decision reopens and review continues. Dismissed: the reason is published."""
    if not objection.can_resolve(actor):
        raise ReviewRefused(_l("This objection is already resolved."))
    if not (resolution or "").strip():
        raise ReviewRefused(_l("Give the reasons for the resolution."))
    objection.status = ObjectionStatus.upheld if upheld else ObjectionStatus.dismissed
    objection.resolution = resolution.strip()
    objection.resolution_en = (resolution_en or "").strip() or None
    objection.resolved_by_id, objection.resolved_at = actor.id, utcnow()
    db.session.flush()
    decision = objection.decision
    record("objection.resolve", actor, need=decision.challenge, subject=objection,
           data={"upheld": upheld, "resolution": objection.resolution})
    if upheld and decision.status == DecisionStatus.publicity:
        decision.status = DecisionStatus.reopened
        decision.round.status = RoundStatus.scoring
        # publicity has shown the proposed winners' names next to their labels and scores:
        # a blind round goes on under new labels, so no label points at a published name
        relabelled = relabel(decision.round) if decision.round.blind else {}
        record_transition(decision.challenge, NeedStatus.under_review, actor,
                          reason=objection.resolution)
        db.session.flush()
        record("decision.reopen", actor, need=decision.challenge, subject=decision,
               data={"objection_id": objection.id, "relabelled": relabelled})
        events.decision_reopened.send(objection)
    elif decision.can_finalise():
        finalise(decision, actor)
    events.objection_resolved.send(objection)


def relabel(review: ReviewRound) -> dict[str, str]:
    """New labels for every bid of the round, drawn after the ones used so far (A–C become
    D–F in a random order); old label → new label."""
    entries = list(review.entries)
    old = {entry.id: entry.label for entry in entries}
    for n, entry in enumerate(entries):   # free the labels first: (round, label) is unique
        entry.label = f"#{n}"
    db.session.flush()
    start = max(label_index(label) for label in old.values()) + 1
    fresh = [label_for(start + i) for i in range(len(entries))]
    secrets.SystemRandom().shuffle(fresh)
    for entry, label in zip(entries, fresh):
        entry.label = label
    db.session.flush()
    return {old[entry.id]: entry.label for entry in entries}


def finalise(decision: Decision, actor=None) -> None:
    """Publicity is over with no open objection: the award (or no award) is final."""
    if not decision.can_finalise():
        raise ReviewRefused(_l("The award becomes final only when publicity has ended and no "
                               "objection is open."))
    decision.status, decision.finalised_at = DecisionStatus.final, utcnow()
    target = NeedStatus.awarded if decision.outcome == Outcome.award else NeedStatus.not_awarded
    record_transition(decision.challenge, target, actor, reason="publicity ended")
    db.session.flush()
    record("decision.final", actor, need=decision.challenge, subject=decision,
           data={"outcome": decision.outcome.value,
                 "winner_bid_ids": [w.bid_id for w in decision.winners]})
    events.award_final.send(decision)


def finalise_due() -> int:
    """Finalise every decision whose publicity has ended without an open objection."""
    due = db.session.scalars(select(Decision).where(
        Decision.status == DecisionStatus.publicity, Decision.publicity_ends_at <= utcnow())).all()
    done = 0
    for decision in due:
        if decision.can_finalise():
            finalise(decision)
            done += 1
    return done


# -- contract and milestones -------------------------------------------------------------
def record_contract(need: Challenge, actor) -> list[ProjectMilestone]:
    """签约: the winning bids' milestones (their last submitted version) become the project's."""
    decision = latest_decision(need)
    if need.status != NeedStatus.awarded or decision is None \
            or decision.status != DecisionStatus.final:
        raise ReviewRefused(_l("A contract can be recorded only after a final award."))
    created = []
    for winner in decision.winners:
        version = winner.bid.latest_version
        rows = version.content.get("milestones", []) if version else []
        for position, row in enumerate(rows):
            share = row.get("share")
            created.append(ProjectMilestone(
                challenge_id=need.id, bid_id=winner.bid_id, position=position,
                name=str(row.get("name") or "")[:300] or "—", month=max(int(row.get("month")
                                                                         or 1), 1),
                deliverable=str(row.get("deliverable") or ""),
                share=Decimal(share) if share not in (None, "") else None))
    db.session.add_all(created)
    record_transition(need, NeedStatus.contracted, actor)
    db.session.flush()
    record("contract.record", actor, need=need, subject=decision,
           data={"milestones": len(created)})
    return created


def report_milestone(milestone: ProjectMilestone, owner, status: MilestoneStatus,
                     report: str) -> None:
    if not milestone.can_report(owner):
        raise ReviewRefused(_l("You cannot report on this milestone."))
    if status == MilestoneStatus.scheduled or not (report or "").strip():
        raise ReviewRefused(_l("Choose met, partially met or not met, and describe the result."))
    milestone.status, milestone.report = status, report.strip()
    milestone.reported_by_id, milestone.reported_at = owner.id, utcnow()
    db.session.flush()
    record("milestone.report", owner, need=milestone.challenge, subject=milestone,
           data={"status": status.value, "report": milestone.report})
    events.milestone_reported.send(milestone)


def accept_milestone(milestone: ProjectMilestone, actor) -> None:
    if not milestone.can_accept(actor):
        raise ReviewRefused(_l("Only a reported milestone can be accepted."))
    milestone.accepted_by_id, milestone.accepted_at = actor.id, utcnow()
    db.session.flush()
    record("milestone.accept", actor, need=milestone.challenge, subject=milestone,
           data={"status": milestone.status.value})
    events.milestone_accepted.send(milestone)


def accept_project(need: Challenge, actor) -> None:
    """验收: every milestone was reported and accepted."""
    rows = milestones(need)
    if need.status != NeedStatus.contracted or any(m.accepted_at is None for m in rows):
        raise ReviewRefused(_l("Accept every milestone report first."))
    record_transition(need, NeedStatus.accepted, actor)
    db.session.flush()
    record("project.accept", actor, need=need, subject=need,
           data={"milestones": {m.id: m.status.value for m in rows}})


def republish(need: Challenge, actor, deadline) -> None:
    """After no award (流榜) the need is published again with a new deadline."""
    if need.status != NeedStatus.not_awarded:
        raise ReviewRefused(_l("Only a need without an award can be published again."))
    if deadline is None or deadline <= utcnow():
        raise ReviewRefused(_l("Choose a new bid deadline in the future."))
    need.deadline = deadline
    try:
        publish(need, actor)
    except TransitionError as error:
        raise ReviewRefused(error.message) from error
    # the earlier bids belonged to the round that ended without an award: they are closed
    # (a team that bids again starts from its last version) and their teams are told
    earlier = db.session.scalars(select(Bid).where(
        Bid.challenge_id == need.id,
        Bid.status.in_([BidStatus.submitted, BidStatus.draft]))).all()
    now = utcnow()
    for bid in earlier:
        bid.status, bid.withdrawn_at = BidStatus.withdrawn, now
    db.session.flush()
    record("need.republish", actor, need=need, subject=need,
           data={"deadline": deadline.isoformat(), "closed_bids": [b.id for b in earlier]})
    events.need_republished.send(
        need, organisation_ids=sorted({b.organisation_id for b in earlier}))
