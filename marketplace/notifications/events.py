"""Who is told what, and when: in-app notifications plus a queued email for each.

Called from operations (inside their transaction) and from the periodic sweep.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, has_request_context, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import Role, User
from marketplace.challenges.models import Challenge, NeedStatus
from marketplace.core.timefmt import format_in_zone, program_zone
from marketplace.core.types import utcnow
from marketplace.extensions import db

from .models import Notification, NotificationKind, NoticeSent, OutboxEmail

CLOSED_NOTICE_WINDOW = timedelta(days=14)


def need_params(need: Challenge) -> dict:
    return {"need_zh": need.title("zh"), "need_en": need.title("en"), "ref": need.ref or ""}


def describe(kind: NotificationKind, params: dict, locale: str) -> str:
    """The sentence for a notification, in the current locale."""
    need = params.get("need_en" if locale == "en" else "need_zh") or params.get("need_zh", "")
    texts = {
        NotificationKind.bid_received: lambda: _(
            "Your bid on “%(need)s” was received (version %(version)s).",
            need=need, version=params.get("version", 1)),
        NotificationKind.deadline_3d: lambda: _deadline_sentence(need, params),
        NotificationKind.deadline_1d: lambda: _deadline_sentence(need, params),
        NotificationKind.need_closed: lambda: _("Bidding on “%(need)s” has closed.", need=need),
        NotificationKind.question_answered: lambda: _(
            "Your question on “%(need)s” was answered.", need=need),
        NotificationKind.review_assigned: lambda: _(
            "You were assigned to review “%(need)s” (round %(round)s).",
            need=need, round=params.get("round", 1)),
        NotificationKind.review_reopened: lambda: _(
            "Your score sheet for bid %(label)s on “%(need)s” was reopened; please revise it "
            "and submit it again.", need=need, label=params.get("label", "")),
        NotificationKind.decision_published: lambda: _publicity_sentence(need, params),
        NotificationKind.need_returned: lambda: _(
            "The program office returned “%(need)s” to you; see the reasons, edit and submit "
            "again.", need=need),
        NotificationKind.need_published: lambda: _(
            "“%(need)s” is published and open for bids.", need=need),
        NotificationKind.question_asked: lambda: _(
            "A question was asked on “%(need)s”; answer it on the need's page.", need=need),
        NotificationKind.review_reminder: lambda: _(
            "Reminder: %(open)s of your %(total)s score sheets for “%(need)s” are not yet "
            "submitted.", need=need, open=params.get("open", 0), total=params.get("total", 0)),
        NotificationKind.decision_to_confirm: lambda: _(
            "The program office proposes a decision on “%(need)s”: confirm it or say why not. "
            "Publicity cannot start until you answer.", need=need),
        NotificationKind.decision_reminder: lambda: ngettext(
            "Reminder: the decision proposed on “%(need)s” has waited %(num)d day for your "
            "confirmation. Publicity cannot start until you confirm it or say why not.",
            "Reminder: the decision proposed on “%(need)s” has waited %(num)d days for your "
            "confirmation. Publicity cannot start until you confirm it or say why not.",
            params.get("days", 3), need=need),
        NotificationKind.milestone_reported: lambda: _(
            "The owner of “%(need)s” reported on milestone %(milestone)s: %(status)s.",
            need=need, milestone=params.get("milestone", ""), status=_milestone_status(params)),
        NotificationKind.milestone_accepted: lambda: _(
            "The program office accepted the report on milestone %(milestone)s of “%(need)s”.",
            need=need, milestone=params.get("milestone", "")),
        NotificationKind.decision_declined: lambda: _(
            "The owner of “%(need)s” did not confirm the proposed decision; propose again.",
            need=need),
        NotificationKind.objection_lodged: lambda: _(
            "An objection was lodged against the proposed decision on “%(need)s”. The program "
            "office answers it before the award can become final; you will be told if the "
            "decision changes.", need=need) if params.get("party") else _(
            "An objection was lodged against the decision on “%(need)s”; it waits for your "
            "resolution.", need=need),
        NotificationKind.decision_reopened: lambda: _(
            "An objection to the decision on “%(need)s” was upheld: the decision is withdrawn "
            "and the review continues.", need=need),
        NotificationKind.bid_ineligible: lambda: _(
            "Your bid on “%(need)s” did not pass the formal check and is not scored.",
            need=need),
        NotificationKind.review_opened: lambda: _(
            "The program office has opened the review of “%(need)s”: your bid is in the formal "
            "check (completeness and eligibility) before the expert panel scores it.",
            need=need),
        NotificationKind.bid_eligible: lambda: _(
            "Your bid on “%(need)s” passed the formal check; the expert panel scores it next. "
            "You will be told of the decision.", need=need),
        NotificationKind.award_final: lambda: {
            "won": lambda: _("The award on “%(need)s” is final: your team is selected.",
                             need=need),
            "no_award": lambda: _("The decision on “%(need)s” is final: no award.", need=need),
        }.get(params.get("result"), lambda: _(
            "The award on “%(need)s” is final: your team was not selected. Thank you for "
            "your bid.", need=need))(),
        NotificationKind.need_republished: lambda: _(
            "“%(need)s” is published again with a new deadline after no award. Your earlier "
            "bid is closed; to take part, bid again (your last version is the starting point).",
            need=need),
        NotificationKind.round_complete: lambda: _(
            "Every score sheet of round %(round)s on “%(need)s” is in: review the ranking and "
            "propose the decision.", need=need, round=params.get("round", 1)),
        NotificationKind.objection_received: lambda: _(
            "Your objection to the decision on “%(need)s” was received. The program office "
            "answers it before the award can become final; you will be told the outcome and "
            "its reason.", need=need),
        NotificationKind.objection_resolved: lambda: _(
            "The objection to the proposed decision on “%(need)s” was dismissed; the decision "
            "stands and publicity goes on.", need=need) if params.get("party") else _(
            "Your objection to the decision on “%(need)s” was upheld; the review continues.",
            need=need) if params.get("upheld") else _(
            "Your objection to the decision on “%(need)s” was dismissed.", need=need),
    }
    return texts[kind]()


def subject_line(kind: NotificationKind, params: dict, locale: str) -> str:
    """An email's subject: what happened in a few words, then the need's number and title
    ("Decision to confirm: JB-2026-0012 8英寸硅基氮化镓外延片量产"); the sentence is the body."""
    need = params.get("need_en" if locale == "en" else "need_zh") or params.get("need_zh", "")
    labels = {
        NotificationKind.bid_received: lambda: _("Bid received"),
        NotificationKind.deadline_3d: lambda: _deadline_label(params),
        NotificationKind.deadline_1d: lambda: _deadline_label(params),
        NotificationKind.need_closed: lambda: _("Bidding closed"),
        NotificationKind.question_answered: lambda: _("Your question was answered"),
        NotificationKind.review_assigned: lambda: _("Review assignment"),
        NotificationKind.review_reopened: lambda: _("Score sheet reopened"),
        NotificationKind.decision_published: lambda: _("Decision in publicity"),
        NotificationKind.need_returned: lambda: _("Need returned for changes"),
        NotificationKind.need_published: lambda: _("Need published"),
        NotificationKind.question_asked: lambda: _("New question"),
        NotificationKind.review_reminder: lambda: _("Score sheets due"),
        NotificationKind.decision_to_confirm: lambda: _("Decision to confirm"),
        NotificationKind.decision_declined: lambda: _("Decision not confirmed"),
        NotificationKind.decision_reminder: lambda: _("Reminder: decision to confirm"),
        NotificationKind.milestone_reported: lambda: _("Milestone reported"),
        NotificationKind.milestone_accepted: lambda: _("Milestone report accepted"),
        NotificationKind.objection_lodged: lambda: (
            _("Objection to the decision") if params.get("party") else _("Objection to resolve")),
        NotificationKind.objection_received: lambda: _("Objection received"),
        NotificationKind.round_complete: lambda: _("Scoring complete: decision due"),
        NotificationKind.decision_reopened: lambda: _("Decision withdrawn after an objection"),
        NotificationKind.bid_ineligible: lambda: _("Formal check: not eligible"),
        NotificationKind.review_opened: lambda: _("Review opened"),
        NotificationKind.bid_eligible: lambda: _("Formal check passed"),
        NotificationKind.award_final: lambda: _("Award final"),
        NotificationKind.need_republished: lambda: _("Need published again"),
        NotificationKind.objection_resolved: lambda: _("Objection answered"),
    }
    ref = params.get("ref") or ""
    return _("%(what)s: %(need)s", what=labels[kind](),
             need=f"{ref} {need}" if ref else need)[:300]


def _deadline_label(params: dict) -> str:
    if "minutes_left" not in params:
        return _("Bidding closes soon")
    return _("Bidding closes in %(left)s", left=time_left_text(params["minutes_left"]))


def time_left_text(minutes: int) -> str:
    """"2 days 5 hours", "5 hours 20 minutes", "40 minutes": counted down, never rounded up
    (a reminder must not promise more time than is left)."""
    days, rest = divmod(max(minutes, 0), 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(num)d day", "%(num)d days", days))
    if hours:
        parts.append(ngettext("%(num)d hour", "%(num)d hours", hours))
    if mins and not days:
        parts.append(ngettext("%(num)d minute", "%(num)d minutes", mins))
    return " ".join(parts) or ngettext("%(num)d minute", "%(num)d minutes", 0)


def _publicity_sentence(need: str, params: dict) -> str:
    """What the decision in publicity means for the team told (older notices: in general)."""
    until = params.get("until", "")
    result = params.get("result")
    if params.get("office"):
        return _("The need owner confirmed the decision on “%(need)s”; it is in publicity "
                 "until %(until)s.", need=need, until=until)
    if result == "won":
        return _("The proposed decision on “%(need)s” selects your team. It is in publicity "
                 "until %(until)s; if no objection is upheld, the award becomes final and the "
                 "contract follows.", need=need, until=until)
    if result == "not_selected":
        return _("The proposed decision on “%(need)s” does not select your team. It is in "
                 "publicity until %(until)s; you may lodge an objection until then.",
                 need=need, until=until)
    if result == "no_award":
        return _("The proposed decision on “%(need)s” is no award. It is in publicity until "
                 "%(until)s; you may lodge an objection until then.", need=need, until=until)
    return _("The decision on “%(need)s” is now in publicity; objections may be lodged until "
             "publicity ends.", need=need)


def _deadline_sentence(need: str, params: dict) -> str:
    if "minutes_left" not in params:   # reminders written before the time left was kept
        return _("Bidding on “%(need)s” closes soon; your bid is still a draft.", need=need)
    return _("Bidding on “%(need)s” closes in %(left)s (at %(deadline)s); your bid is still a "
             "draft.", need=need, left=time_left_text(params["minutes_left"]),
             deadline=params.get("deadline", ""))


def reason_text(params: dict, locale: str | None = None) -> str:
    """The reason an admin gave (a reopened sheet, a resolved objection), if there is one,
    in the reader's language when it was given in both."""
    reason = (params.get("reason_en") if locale == "en" else None) or params.get("reason")
    return _("Reason: %(reason)s", reason=reason) if reason else ""


def absolute(path: str) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL") or (
        request.host_url if has_request_context() else "http://127.0.0.1:5000")
    return base.rstrip("/") + path if base else path


def notify(users: list[User], kind: NotificationKind, need: Challenge, link: str,
           **extra) -> int:
    params = {**need_params(need), **extra}
    default_locale = current_app.config.get("BABEL_DEFAULT_LOCALE", "zh")
    count = 0
    for user in users:
        if not user.is_active:
            continue
        db.session.add(Notification(user_id=user.id, kind=kind, challenge_id=need.id,
                                    link=link, params=params))
        locale = user.locale or default_locale
        with force_locale(locale):
            sentence = describe(kind, params, locale)
            body = "\n\n".join(part for part in [
                _("Hello %(name)s,", name=user.name), sentence, reason_text(params, locale),
                absolute(link),
                _("You receive this email because you use the open technology challenge "
                  "platform. Your notifications are also listed on the site.")] if part)
            subject = subject_line(kind, params, locale)
        db.session.add(OutboxEmail(to_address=user.email, subject=subject, body=body))
        count += 1
    db.session.flush()
    return count


def organisation_users(organisation_ids, role: Role) -> list[User]:
    """The users of these organisations who hold `role`, in one query."""
    users = db.session.scalars(select(User).where(User.organisation_id.in_(organisation_ids))
                               .order_by(User.organisation_id, User.id)).all()
    return [u for u in users if u.has_role(role)]


def team_users(organisation_id: int) -> list[User]:
    return organisation_users([organisation_id], Role.solver)


def bidding_team_users(need: Challenge) -> list[User]:
    """Every member of every team with a submitted bid on the need."""
    from marketplace.review.conflicts import bidding_bids
    return organisation_users({bid.organisation_id for bid in bidding_bids(need)}, Role.solver)


def owner_users(need: Challenge) -> list[User]:
    return organisation_users([need.organisation_id], Role.owner)


def _claim(need_id: int, organisation_id: int, kind: NotificationKind) -> bool:
    """Record a once-only notice; False if it was already given (by us or another worker)."""
    exists = db.session.scalar(select(NoticeSent.id).where(
        NoticeSent.challenge_id == need_id, NoticeSent.organisation_id == organisation_id,
        NoticeSent.kind == kind))
    if exists:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(NoticeSent(challenge_id=need_id, organisation_id=organisation_id,
                                      kind=kind))
    except IntegrityError:
        return False
    return True


# -- events --------------------------------------------------------------------------------
def bid_received(bid, version) -> None:
    notify(team_users(bid.organisation_id), NotificationKind.bid_received, bid.challenge,
           url_for("bids.view", bid_id=bid.id), version=version.number)


def question_answered(question) -> None:
    asker = db.session.get(User, question.asker_id)
    if asker:
        notify([asker], NotificationKind.question_answered, question.challenge,
               url_for("challenges.detail", need_id=question.challenge_id) + "#qa")


def need_screened(need: Challenge, published: bool, reason: str | None = None) -> None:
    """The program office published the need or returned it (with its reasons)."""
    if published:
        notify(owner_users(need), NotificationKind.need_published, need,
               page_path("challenges.detail", need_id=need.id))
    else:
        notify(owner_users(need), NotificationKind.need_returned, need,
               page_path("challenges.edit", need_id=need.id), reason=reason)


def question_asked(question) -> None:
    """The need owner learns of a new question (the asker is not named)."""
    notify(owner_users(question.challenge), NotificationKind.question_asked, question.challenge,
           page_path("challenges.detail", need_id=question.challenge_id) + "#qa")


def page_path(endpoint: str, **values) -> str:
    """A page's path, also when an operation runs outside a request (CLI, scripts, tests)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def review_assigned(assignment) -> None:
    """The reviewer was put on a panel (saved, not merely proposed)."""
    review = assignment.round
    notify([assignment.reviewer], NotificationKind.review_assigned, review.challenge,
           page_path("review.assignment", assignment_id=assignment.id), round=review.number)


def review_reminder(assignment, open_sheets: int, total: int) -> None:
    """An admin reminds a reviewer whose sheets are not all submitted."""
    notify([assignment.reviewer], NotificationKind.review_reminder, assignment.round.challenge,
           page_path("review.assignment", assignment_id=assignment.id), open=open_sheets,
           total=total)


def review_reopened(sheet) -> None:
    """An admin reopened the reviewer's submitted sheet; the bid is named by its label only."""
    assignment = sheet.assignment
    entry = next(e for e in assignment.round.entries if e.bid_id == sheet.bid_id)
    notify([assignment.reviewer], NotificationKind.review_reopened, assignment.round.challenge,
           page_path("review.sheet", assignment_id=assignment.id, entry_id=entry.id),
           label=entry.label, reason=sheet.reopen_reason)


def decision_published(decision) -> None:
    """Publicity opened: every team that bid is told what the decision means for its own
    bid (proposed as winner, not selected, no award) and until when objections run."""
    from marketplace.review.award_models import Outcome
    from marketplace.review.conflicts import bidding_bids
    need = decision.challenge
    _answered(need)
    winners = {w.bid_id for w in decision.winners}
    until = format_in_zone(decision.publicity_ends_at, program_zone())
    for bid in bidding_bids(need):
        result = ("no_award" if decision.outcome == Outcome.no_award
                  else "won" if bid.id in winners else "not_selected")
        notify(team_users(bid.organisation_id), NotificationKind.decision_published, need,
               page_path("review.publicity", need_id=need.id), result=result, until=until)
    # the program office learns that the owner confirmed and publicity has started
    notify(admin_users(), NotificationKind.decision_published, need,
           page_path("review.need_decision", need_id=need.id), office=True, until=until)


def _milestone_status(params: dict) -> str:
    return {"met": _("met"), "partially_met": _("partially met"),
            "not_met": _("not met")}.get(params.get("status", ""), params.get("status", ""))


def milestone_reported(milestone) -> None:
    """The owner reported on a milestone: the team whose payment depends on it, and the
    program office, which accepts the report next."""
    need = milestone.challenge
    values = {"milestone": milestone.position + 1, "status": milestone.status.value}
    notify(team_users(milestone.bid.organisation_id), NotificationKind.milestone_reported,
           need, page_path("challenges.detail", need_id=need.id) + "#milestones", **values)
    notify(admin_users(), NotificationKind.milestone_reported, need,
           page_path("review.need_decision", need_id=need.id) + "#milestones", **values)


def milestone_accepted(milestone) -> None:
    need = milestone.challenge
    users = team_users(milestone.bid.organisation_id) + owner_users(need)
    notify(users, NotificationKind.milestone_accepted, need,
           page_path("challenges.detail", need_id=need.id) + "#milestones",
           milestone=milestone.position + 1)


def _answered(need: Challenge) -> None:
    """The owner answered the proposed decision: its "please confirm" notices are done."""
    db.session.execute(update(Notification).where(
        Notification.challenge_id == need.id, Notification.read_at.is_(None),
        Notification.kind.in_((NotificationKind.decision_to_confirm,
                               NotificationKind.decision_reminder))).values(read_at=utcnow()))


def admin_users() -> list[User]:
    """The program office: every active administrator."""
    from marketplace.accounts.models import UserRole
    return db.session.scalars(select(User).join(UserRole, UserRole.user_id == User.id).where(
        UserRole.role == Role.admin).order_by(User.id)).all()


def decision_to_confirm(decision) -> None:
    """A proposed decision waits for the need owner: tell them where to answer. A new
    proposal (after a decline) is reminded again, so the last reminder's record goes."""
    need = decision.challenge
    db.session.execute(delete(NoticeSent).where(
        NoticeSent.challenge_id == need.id, NoticeSent.organisation_id == need.organisation_id,
        NoticeSent.kind == NotificationKind.decision_reminder))
    _answered(need)     # the earlier proposal's "please confirm": one unread, not two
    notify(owner_users(need), NotificationKind.decision_to_confirm, need,
           page_path("review.confirm_decision", decision_id=decision.id))


DECISION_REMINDER_AFTER = timedelta(days=3)


def remind_decisions(now: datetime | None = None) -> int:
    """A proposed decision its owner has not answered for three days: remind them once per
    proposal (publicity cannot start until they answer)."""
    from marketplace.review.award_models import Decision, DecisionStatus
    now = now or utcnow()
    waiting = db.session.scalars(select(Decision).where(
        Decision.status == DecisionStatus.proposed,
        Decision.proposed_at <= now - DECISION_REMINDER_AFTER).order_by(Decision.id)).all()
    sent = 0
    for decision in waiting:
        need = decision.challenge
        if _claim(need.id, need.organisation_id, NotificationKind.decision_reminder):
            sent += notify(owner_users(need), NotificationKind.decision_reminder, need,
                           page_path("review.confirm_decision", decision_id=decision.id),
                           days=(now - decision.proposed_at).days)
    return sent


def decision_declined(decision) -> None:
    need = decision.challenge
    _answered(need)
    notify(admin_users(), NotificationKind.decision_declined, need,
           page_path("review.need_decision", need_id=need.id), reason=decision.owner_note)


def round_complete(review) -> None:
    """The last score sheet of a round is in: the program office proposes the decision."""
    need = review.challenge
    notify(admin_users(), NotificationKind.round_complete, need,
           page_path("review.need_decision", need_id=need.id), round=review.number)


def objection_parties(objection) -> list[User]:
    """Who an objection concerns besides the office: the need owner and the proposed
    winners' teams (never the objector, who is told separately)."""
    decision = objection.decision
    parties = {u.id: u for u in [*owner_users(decision.challenge), *organisation_users(
        {winner.bid.organisation_id for winner in decision.winners}, Role.solver)]}
    parties.pop(objection.user_id, None)
    return list(parties.values())


def objection_lodged(objection) -> None:
    """The program office must answer it; the objector gets a receipt; the need owner and
    the proposed winners learn that the award waits for the answer (never who objected)."""
    decision = objection.decision
    need = decision.challenge
    notify(admin_users(), NotificationKind.objection_lodged, need,
           page_path("review.need_decision", need_id=need.id))
    notify([objection.user], NotificationKind.objection_received, need,
           page_path("review.publicity", need_id=need.id))
    notify(objection_parties(objection), NotificationKind.objection_lodged, need,
           page_path("review.publicity", need_id=need.id), party=True)


def decision_reopened(objection) -> None:
    """An upheld objection withdraws the decision: the owner and every bidding team learn it
    (the objector is told separately, with the resolution)."""
    need = objection.decision.challenge
    users = {u.id: u for u in [*owner_users(need), *bidding_team_users(need)]}
    users.pop(objection.user_id, None)
    notify(list(users.values()), NotificationKind.decision_reopened, need,
           page_path("challenges.detail", need_id=need.id), reason=objection.resolution,
           reason_en=objection.resolution_en)
    # the panel scores again: each reviewer learns it, with a link to their assignment
    for assignment in objection.decision.round.active_assignments:
        notify([assignment.reviewer], NotificationKind.decision_reopened, need,
               page_path("review.assignment", assignment_id=assignment.id),
               reason=objection.resolution, reason_en=objection.resolution_en)


def bid_ineligible(entry) -> None:
    """The formal check found a bid not eligible: its team learns it, with the reason."""
    need = entry.round.challenge
    notify(team_users(entry.bid.organisation_id), NotificationKind.bid_ineligible, need,
           page_path("bids.view", bid_id=entry.bid_id), reason=entry.formal_reason)


def review_opened(review) -> None:
    """Review has opened: every team in the round learns that its bid is being checked."""
    need = review.challenge
    for entry in review.entries:
        notify(team_users(entry.bid.organisation_id), NotificationKind.review_opened, need,
               page_path("bids.view", bid_id=entry.bid_id))


def bid_eligible(entry) -> None:
    """The formal check passed a bid: its team learns that the panel scores it next."""
    notify(team_users(entry.bid.organisation_id), NotificationKind.bid_eligible,
           entry.round.challenge, page_path("bids.view", bid_id=entry.bid_id))


def award_final(decision) -> None:
    """The decision is final: every team that bid learns its own result."""
    from marketplace.bids.models import Bid, BidStatus
    from marketplace.review.award_models import Outcome
    need = decision.challenge
    winners = {w.bid_id for w in decision.winners}
    for bid in db.session.scalars(select(Bid).where(
            Bid.challenge_id == need.id, Bid.status == BidStatus.submitted).order_by(Bid.id)):
        result = ("no_award" if decision.outcome == Outcome.no_award
                  else "won" if bid.id in winners else "not_selected")
        notify(team_users(bid.organisation_id), NotificationKind.award_final, need,
               page_path("bids.view", bid_id=bid.id), result=result)


def need_republished(need: Challenge, organisation_ids: list[int]) -> None:
    """After no award the need is open again: the teams that bid before are told."""
    for organisation_id in organisation_ids:
        notify(team_users(organisation_id), NotificationKind.need_republished, need,
               page_path("challenges.detail", need_id=need.id))


def objection_resolved(objection) -> None:
    """The objector learns the outcome and its reason. An upheld objection takes the
    decision out of publicity, so the link then goes to the need instead."""
    from marketplace.review.award_models import ObjectionStatus
    decision = objection.decision
    endpoint = "review.publicity" if decision.is_public() else "challenges.detail"
    notify([objection.user], NotificationKind.objection_resolved, decision.challenge,
           page_path(endpoint, need_id=decision.challenge_id),
           upheld=objection.status == ObjectionStatus.upheld, reason=objection.resolution,
           reason_en=objection.resolution_en)
    if objection.status == ObjectionStatus.dismissed:
        # those told of the objection learn it is settled (an upheld one: decision_reopened)
        need = decision.challenge
        notify(objection_parties(objection), NotificationKind.objection_resolved, need,
               page_path("review.publicity", need_id=need.id), upheld=False, party=True,
               reason=objection.resolution, reason_en=objection.resolution_en)


def remind_deadlines(now: datetime | None = None) -> int:
    """Remind teams whose bid is still a draft, 3 days and 1 day before the deadline.
    Each reminder goes once per team and need, however often this runs."""
    from marketplace.bids.models import Bid, BidStatus
    now = now or utcnow()
    rows = db.session.execute(
        select(Challenge, Bid.organisation_id, Bid.id).join(Bid, Bid.challenge_id == Challenge.id)
        .where(Challenge.status == NeedStatus.published, Challenge.deadline > now,
               Challenge.deadline <= now + timedelta(days=3), Bid.status == BidStatus.draft)
        .order_by(Challenge.id, Bid.id)).all()
    sent = 0
    for need, organisation_id, bid_id in rows:
        kind = NotificationKind.deadline_1d if need.deadline <= now + timedelta(days=1) \
            else NotificationKind.deadline_3d
        if _claim(need.id, organisation_id, kind):
            sent += notify(team_users(organisation_id), kind, need,
                           url_for("bids.edit", bid_id=bid_id),
                           minutes_left=int((need.deadline - now).total_seconds() // 60),
                           deadline=format_in_zone(need.deadline, program_zone()))
    return sent


def notify_closed(now: datetime | None = None) -> int:
    """Tell teams that submitted bids, and the need owner, that bidding has closed."""
    from marketplace.bids.models import Bid, BidStatus
    now = now or utcnow()
    needs = db.session.scalars(select(Challenge).where(
        Challenge.status.in_([NeedStatus.published, NeedStatus.closed]),
        Challenge.deadline <= now, Challenge.deadline > now - CLOSED_NOTICE_WINDOW)).all()
    sent = 0
    for need in needs:
        link = url_for("challenges.detail", need_id=need.id)
        teams = db.session.scalars(select(Bid.organisation_id).where(
            Bid.challenge_id == need.id, Bid.status == BidStatus.submitted)).all()
        for organisation_id in teams:
            if _claim(need.id, organisation_id, NotificationKind.need_closed):
                sent += notify(team_users(organisation_id), NotificationKind.need_closed, need,
                               link)
        if _claim(need.id, need.organisation_id, NotificationKind.need_closed):
            sent += notify(owner_users(need), NotificationKind.need_closed, need,
                           url_for("bids.need_bids", need_id=need.id))
    return sent


def sweep() -> int:
    """The periodic part: reminders, closing notices, and retries that fell due."""
    from .mail import kick_delivery
    changed = remind_deadlines() + notify_closed() + remind_decisions()
    if has_due_retries():
        kick_delivery()
    return changed


def has_due_retries() -> bool:
    from .models import EmailStatus
    return db.session.scalar(select(OutboxEmail.id).where(
        OutboxEmail.status == EmailStatus.pending, OutboxEmail.next_attempt_at <= utcnow(),
        OutboxEmail.attempts > 0).limit(1)) is not None
